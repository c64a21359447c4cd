#include "document.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "corpus/schema.h"
#include "dict/terms.h"

/* Turns a binding failure into a kyotei error naming what was being written. */
static kt_status binding_failed(const xc_error *xe, const char *what, kt_error *err)
{
    return kt_error_set(err, xe->status == XC_ERR_NOMEM ? KT_ERR_NOMEM : KT_ERR_INTERNAL, "%s: %s", what, xe->message);
}

/* How a term goes in: boolean (a filter: no weight, no position), with a position (pos > 0: for
 * phrases), or with a weight alone (pos 0). */
static kt_status add_prefixed(xc_doc *doc, const char *prefix, const char *value, size_t len, bool boolean,
                              uint32_t pos, uint32_t wdf, kt_error *err)
{
    char term[KT_TERM_MAX + 8];
    size_t plen = strlen(prefix);
    if (len == 0 || plen + len >= sizeof term)
        return KT_OK; /* too long to be a useful exact filter; the words are still indexed as text */
    memcpy(term, prefix, plen);
    memcpy(term + plen, value, len);
    term[plen + len] = '\0';
    xc_error xe;
    xc_status xs = boolean ? xc_doc_add_boolean_term(doc, term, &xe)
                   : pos   ? xc_doc_add_posting(doc, term, pos, wdf, &xe)
                           : xc_doc_add_term(doc, term, wdf, &xe);
    return xs == XC_OK ? KT_OK : binding_failed(&xe, "term", err);
}

/* Where the next text column's terms go: word and reading positions count content words,
 * n-gram positions count characters; each column starts KT_POSITION_GAP past the last. */
typedef struct positions {
    uint32_t word;
    uint32_t ngram;
} positions;

typedef struct text_sink {
    xc_doc *doc;
    bool title;
    positions base, end;
} text_sink;

static kt_status add_term(const kt_term *t, void *ctx, kt_error *err)
{
    text_sink *s = ctx;
    bool ngram = t->layer == KT_LAYER_NGRAM;
    uint32_t pos = (ngram ? s->base.ngram : s->base.word) + t->pos;
    uint32_t *end = ngram ? &s->end.ngram : &s->end.word;
    if (pos > *end)
        *end = pos;
    const char *prefix = t->layer == KT_LAYER_WORD ? "" : t->layer == KT_LAYER_READING ? KT_PREFIX_READING
                                                                                       : KT_PREFIX_NGRAM;
    /* Readings are only ever looked up one at a time (a kana query word), never in a phrase, so
     * they need no positions: leaving them out saves a sixth of the position table and of the
     * time spent writing it. */
    kt_status st = add_prefixed(s->doc, prefix, t->text, t->len, false, t->layer == KT_LAYER_READING ? 0 : pos,
                                s->title && t->layer == KT_LAYER_WORD ? KT_TITLE_WDF : 1, err);
    if (st == KT_OK && s->title && t->layer != KT_LAYER_READING)
        st = add_prefixed(s->doc, ngram ? KT_PREFIX_TITLE KT_PREFIX_NGRAM : KT_PREFIX_TITLE, t->text, t->len, false,
                          pos, 1, err);
    return st;
}

/* Indexes one text column in all three layers. */
static kt_status index_text(kt_lexicon *lex, xc_doc *doc, const char *text, const char *column, bool title,
                            positions *pos, kt_error *err)
{
    text_sink sink = {doc, title, *pos, *pos};
    kt_status st = kt_terms_of_text(lex->tokenizer, text, strlen(text), KT_LAYERS_ALL, add_term, &sink, err);
    if (st != KT_OK)
        kt_error_prefix(err, "%s", column);
    pos->word = sink.end.word + KT_POSITION_GAP;
    pos->ngram = sink.end.ngram + KT_POSITION_GAP;
    return st;
}

double kt_signed_sort_key(const char *s)
{
    if (!s || strlen(s) < 4)
        return 0;
    int y = atoi(s), m = 0, d = 0;
    if (strlen(s) >= 7)
        m = atoi(s + 5);
    if (strlen(s) >= 10)
        d = atoi(s + 8);
    return (double)y * 10000 + m * 100 + d;
}

static kt_status set_value(xc_doc *doc, unsigned slot, const char *bytes, size_t len, kt_error *err)
{
    if (len == 0)
        return KT_OK; /* an empty value is no value: the document is simply not counted in that facet */
    xc_error xe;
    if (xc_doc_set_value(doc, slot, bytes, len, &xe) != XC_OK)
        return binding_failed(&xe, "value", err);
    return KT_OK;
}

/* The stored record: every column as read, plus the canonical forms the searcher shows. */
static char *record_json(const kt_agreement *a, const char *country, const char **fields, size_t n_fields)
{
    json_t *obj = json_object();
    if (!obj)
        return NULL;
    int bad = 0;
    for (int c = 0; c < KT_COL_COUNT; c++)
        bad |= json_object_set_new(obj, kt_column_name(c), json_string(a->col[c]));
    json_t *arr = json_array();
    for (size_t i = 0; i < n_fields; i++)
        bad |= json_array_append_new(arr, json_string(fields[i]));
    bad |= json_object_set_new(obj, KT_DATA_FIELDS_CANONICAL, arr);
    bad |= json_object_set_new(obj, KT_DATA_COUNTRY_CANONICAL, json_string(country));
    if (a->n_extra) {
        json_t *extra = json_object();
        for (size_t i = 0; i < a->n_extra; i++)
            bad |= json_object_set_new(extra, a->extra[i].name, json_string(a->extra[i].value));
        bad |= json_object_set_new(obj, KT_DATA_EXTRA, extra);
    }
    char *text = bad ? NULL : json_dumps(obj, JSON_COMPACT);
    json_decref(obj);
    return text;
}

kt_status kt_document_build(kt_lexicon *lex, const kt_agreement *a, xc_doc **out, char **warning, kt_error *err)
{
    *out = NULL;
    *warning = NULL;
    xc_error xe;
    xc_doc *doc;
    if (xc_doc_new(&doc, &xe) != XC_OK)
        return binding_failed(&xe, "document", err);

    kt_buf notes = KT_BUF_INIT;
    const char *country = kt_lexicon_country(lex, a->col[KT_COL_COUNTRY], a->col[KT_COL_PARTNER]);
    if (!country) {
        country = a->col[KT_COL_COUNTRY];
        if (*country)
            kt_buf_printf(&notes, "country '%s' is not in the country vocabulary", country);
        else
            kt_buf_append_str(&notes, "no country: the row has none and its partner names no known one (国/相手)");
    }
    const char **fields = NULL;
    size_t n_fields = 0;
    char *unknown = NULL;
    kt_error field_err;
    if (*a->col[KT_COL_FIELDS] &&
        kt_fields_parse(lex->fields, a->col[KT_COL_FIELDS], strlen(a->col[KT_COL_FIELDS]), &fields, &n_fields,
                        &unknown, &field_err) != KT_OK)
        kt_buf_printf(&notes, "%s%s", notes.len ? "; " : "", field_err.message);
    if (unknown)
        kt_buf_printf(&notes, "%sfields not in the field vocabulary: %s", notes.len ? "; " : "", unknown);
    free(unknown);

    /* a warning cut short would misreport the row: out of memory instead */
    kt_status st = kt_buf_status(&notes) != KT_OK ? kt_error_nomem(err) : KT_OK;
    positions pos = {0, 0};
    static const kt_column text_columns[] = {KT_COL_TITLE, KT_COL_DESCRIPTION, KT_COL_PARTNER, KT_COL_MUNICIPALITY,
                                             KT_COL_FIELDS};
    for (size_t i = 0; i < sizeof text_columns / sizeof text_columns[0] && st == KT_OK; i++)
        st = index_text(lex, doc, a->col[text_columns[i]], kt_column_name(text_columns[i]),
                        text_columns[i] == KT_COL_TITLE, &pos, err);

    const char *id = a->col[KT_COL_ID];
    if (st == KT_OK)
        st = add_prefixed(doc, KT_PREFIX_ID, id, strlen(id), true, 0, 0, err);
    if (st == KT_OK)
        st = add_prefixed(doc, KT_PREFIX_COUNTRY, country, strlen(country), true, 0, 0, err);
    for (size_t i = 0; i < n_fields && st == KT_OK; i++)
        st = add_prefixed(doc, KT_PREFIX_FIELD, fields[i], strlen(fields[i]), true, 0, 0, err);
    const char *pref = a->col[KT_COL_PREFECTURE], *muni = a->col[KT_COL_MUNICIPALITY];
    if (st == KT_OK)
        st = add_prefixed(doc, KT_PREFIX_PREFECTURE, pref, strlen(pref), true, 0, 0, err);
    if (st == KT_OK)
        st = add_prefixed(doc, KT_PREFIX_MUNICIPALITY, muni, strlen(muni), true, 0, 0, err);
    const char *signed_date = a->col[KT_COL_SIGNED];
    if (st == KT_OK && strlen(signed_date) >= 4)
        st = add_prefixed(doc, KT_PREFIX_YEAR, signed_date, 4, true, 0, 0, err);

    /* values: the sort key, the facets (country and fields in one value, see corpus/schema.h) */
    char sortable[XC_SORTABLE_MAX];
    size_t sortable_len = xc_sortable_serialise(kt_signed_sort_key(signed_date), sortable);
    kt_buf facets = KT_BUF_INIT;
    kt_status fst = kt_buf_append_str(&facets, country);
    for (size_t i = 0; i < n_fields && fst == KT_OK; i++) {
        fst = kt_buf_append_char(&facets, i ? KT_FACET_SEP : KT_FACET_GROUP_SEP);
        if (fst == KT_OK)
            fst = kt_buf_append_str(&facets, fields[i]);
    }
    if (st == KT_OK && fst != KT_OK)
        st = kt_error_nomem(err);
    if (st == KT_OK)
        st = set_value(doc, KT_SLOT_SIGNED, sortable, sortable_len, err);
    if (st == KT_OK)
        st = set_value(doc, KT_SLOT_FACETS, kt_buf_str(&facets), facets.len, err);
    if (st == KT_OK)
        st = set_value(doc, KT_SLOT_PREFECTURE, pref, strlen(pref), err);
    if (st == KT_OK)
        st = set_value(doc, KT_SLOT_MUNICIPALITY, muni, strlen(muni), err);
    if (st == KT_OK)
        st = set_value(doc, KT_SLOT_ID, id, strlen(id), err);
    for (int newest = 0; newest < 2 && st == KT_OK; newest++) {
        double date = kt_signed_sort_key(signed_date);
        kt_buf key = KT_BUF_INIT;
        if (kt_buf_printf(&key, "%08.0f%s", newest ? 99999999.0 - date : date, id) != KT_OK)
            st = kt_error_nomem(err);
        else
            st = set_value(doc, newest ? KT_SLOT_NEWEST_FIRST : KT_SLOT_OLDEST_FIRST, key.data, key.len, err);
        kt_buf_free(&key);
    }
    kt_buf_free(&facets);

    if (st == KT_OK) {
        char *record = record_json(a, country, fields, n_fields);
        if (!record)
            st = kt_error_nomem(err);
        else if (xc_doc_set_data(doc, record, strlen(record), &xe) != XC_OK)
            st = binding_failed(&xe, "stored record", err);
        free(record);
    }
    free(fields);
    if (st != KT_OK) {
        kt_buf_free(&notes);
        xc_doc_free(doc);
        return st;
    }
    *warning = notes.len ? kt_buf_steal(&notes) : NULL;
    kt_buf_free(&notes);
    *out = doc;
    return KT_OK;
}
