#include "document.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "dict/era.h"
#include "dict/terms.h"
#include "schema/dimension.h"
#include "schema/record.h"
#include "schema/schema.h"

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
    /* an era year in the text is also its Western year, as a word: 2016 finds 平成28年 (dict/era.h) */
    size_t at = 0, len = strlen(text), start, end;
    int year;
    while (st == KT_OK && kt_era_find(text + at, len - at, &year, &start, &end)) {
        char western[8];
        int n = snprintf(western, sizeof western, "%d", year);
        st = add_prefixed(doc, "", western, (size_t)n, false, 0, 1, err);
        if (st == KT_OK && title)
            st = add_prefixed(doc, KT_PREFIX_TITLE, western, (size_t)n, false, 0, 1, err);
        at += end;
    }
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

/* What the lexicon makes of an agreement's country and 分野 cells: canonical names, and a note for
 * each value it does not know (the row is still indexed, with the value as written). */
typedef struct canonical {
    const char *country;
    const char **fields; /* malloc'd array of the vocabulary's strings */
    size_t n_fields;
} canonical;

static kt_status canonicalise(kt_lexicon *lex, const kt_agreement *a, canonical *c, kt_buf *notes)
{
    *c = (canonical){kt_lexicon_country(lex, a->col[KT_COL_COUNTRY], a->col[KT_COL_PARTNER]), NULL, 0};
    kt_status st = KT_OK;
    if (!c->country) {
        c->country = a->col[KT_COL_COUNTRY];
        st = *c->country ? kt_buf_printf(notes, "country '%s' is not in the country vocabulary", c->country)
                         : kt_buf_append_str(notes, "no country: the row has none and its partner names no known one "
                                                    "(国/相手)");
    }
    char *unknown = NULL;
    kt_error field_err;
    const char *cell = a->col[KT_COL_FIELDS];
    if (st == KT_OK && *cell &&
        kt_fields_parse(lex->fields, cell, strlen(cell), &c->fields, &c->n_fields, &unknown, &field_err) != KT_OK)
        st = kt_buf_printf(notes, "%s%s", notes->len ? "; " : "", field_err.message);
    if (st == KT_OK && unknown)
        st = kt_buf_printf(notes, "%sfields not in the field vocabulary: %s", notes->len ? "; " : "", unknown);
    free(unknown);
    return st;
}

/* The text columns, each in its own position range: title first (its words also go in as S…). */
static kt_status index_texts(kt_lexicon *lex, xc_doc *doc, const kt_agreement *a, kt_error *err)
{
    static const kt_column text_columns[] = {KT_COL_TITLE, KT_COL_DESCRIPTION, KT_COL_PARTNER, KT_COL_MUNICIPALITY,
                                             KT_COL_FIELDS};
    positions pos = {0, 0};
    kt_status st = KT_OK;
    for (size_t i = 0; i < sizeof text_columns / sizeof text_columns[0] && st == KT_OK; i++)
        st = index_text(lex, doc, a->col[text_columns[i]], kt_column_name(text_columns[i]),
                        text_columns[i] == KT_COL_TITLE, &pos, err);
    return st;
}

/* The id term and a boolean filter term for every value of every facet dimension. */
static kt_status add_filter_terms(xc_doc *doc, const kt_agreement *a, const canonical *c, kt_error *err)
{
    const char *id = a->col[KT_COL_ID];
    kt_status st = add_prefixed(doc, KT_PREFIX_ID, id, strlen(id), true, 0, 0, err);
    for (int d = 0; d < KT_DIM_COUNT && st == KT_OK; d++) {
        const char *prefix = kt_dimension_info_of((kt_dimension)d)->prefix, *v;
        char year[5];
        for (size_t i = 0;
             st == KT_OK && (v = kt_dimension_value((kt_dimension)d, a->col, c->country, c->fields, c->n_fields, i, year));
             i++)
            st = add_prefixed(doc, prefix, v, strlen(v), true, 0, 0, err);
    }
    return st;
}

/* The values: the signing date, the facets (country and fields in one value, schema/record.h),
 * the places and the id for counting, and the two date orders (date then id in one value). */
static kt_status set_values(xc_doc *doc, const kt_agreement *a, const canonical *c, kt_error *err)
{
    const char *id = a->col[KT_COL_ID], *pref = a->col[KT_COL_PREFECTURE], *muni = a->col[KT_COL_MUNICIPALITY];
    double date = kt_signed_sort_key(a->col[KT_COL_SIGNED]);
    char sortable[XC_SORTABLE_MAX];
    size_t sortable_len = xc_sortable_serialise(date, sortable);
    kt_buf facets = KT_BUF_INIT;
    kt_status st = kt_facet_value_encode(c->country, c->fields, c->n_fields, &facets) == KT_OK
                       ? KT_OK
                       : kt_error_nomem(err);
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
        kt_buf key = KT_BUF_INIT;
        if (kt_buf_printf(&key, "%08.0f%s", newest ? 99999999.0 - date : date, id) != KT_OK)
            st = kt_error_nomem(err);
        else
            st = set_value(doc, newest ? KT_SLOT_NEWEST_FIRST : KT_SLOT_OLDEST_FIRST, key.data, key.len, err);
        kt_buf_free(&key);
    }
    kt_buf_free(&facets);
    return st;
}

static kt_status set_record(xc_doc *doc, const kt_agreement *a, const canonical *c, kt_error *err)
{
    kt_buf record = KT_BUF_INIT;
    kt_status st = kt_record_encode(a, c->country, c->fields, c->n_fields, &record, err);
    xc_error xe;
    if (st == KT_OK && xc_doc_set_data(doc, kt_buf_str(&record), record.len, &xe) != XC_OK)
        st = binding_failed(&xe, "stored record", err);
    kt_buf_free(&record);
    return st;
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
    canonical c;
    kt_status st = canonicalise(lex, a, &c, &notes) == KT_OK ? KT_OK : kt_error_nomem(err);
    if (st == KT_OK)
        st = index_texts(lex, doc, a, err);
    if (st == KT_OK)
        st = add_filter_terms(doc, a, &c, err);
    if (st == KT_OK)
        st = set_values(doc, a, &c, err);
    if (st == KT_OK)
        st = set_record(doc, a, &c, err);
    free(c.fields);
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
