#include "search.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "corpus/schema.h"
#include "searcher/query.h"
#include "searcher/snippet.h"
#include "xapian-c/xc.h"

/* How many characters of description a hit shows. */
#define SNIPPET_CHARS 80

struct kt_searcher {
    xc_db *db;
    kt_lexicon *lex;
    bool modified;  /* the last step failed because the index changed under it */
};

/* How many times a search starts again when the index changed under it (an update committed
 * twice while it ran): each time it reopens the index and sees the newest version. */
#define MODIFIED_RETRIES 5

/* A Xapian error as a kyotei one. DatabaseModifiedError is remembered in *modified, so the search
 * can reopen the index and start again. */
static kt_status index_failed(const xc_error *xe, const char *what, bool *modified, kt_error *err)
{
    if (modified && xe->status == XC_ERR_MODIFIED)
        *modified = true;
    return kt_error_set(err, xe->status == XC_ERR_NOMEM ? KT_ERR_NOMEM : KT_ERR_INDEX, "%s: %s", what, xe->message);
}

static kt_status index_error(const xc_error *xe, const char *what, kt_error *err)
{
    return index_failed(xe, what, NULL, err);
}

kt_status kt_searcher_open(const char *const *db_paths, size_t n_paths, const char *data_dir, kt_searcher **out,
                           kt_error *err)
{
    *out = NULL;
    if (n_paths == 0)
        return kt_error_set(err, KT_ERR_INDEX, "no index given");
    kt_searcher *s = calloc(1, sizeof *s);
    if (!s)
        return kt_error_set(err, KT_ERR_NOMEM, "out of memory");
    xc_error xe;
    kt_status st = KT_OK;
    if (xc_db_open_empty(&s->db, &xe) != XC_OK)
        st = index_error(&xe, "index", err);
    for (size_t i = 0; i < n_paths && st == KT_OK; i++) {
        if (xc_db_add_shard(s->db, db_paths[i], &xe) != XC_OK) {
            st = index_error(&xe, db_paths[i], err);
            break;
        }
        /* a shard must have been written by kyotei, with this schema */
        xc_db *one;
        char *version = NULL;
        size_t vlen;
        if (xc_db_open(db_paths[i], &one, &xe) != XC_OK) {
            st = index_error(&xe, db_paths[i], err);
            break;
        }
        if (xc_db_get_metadata(one, KT_META_SCHEMA_KEY, &version, &vlen, &xe) != XC_OK)
            st = index_error(&xe, db_paths[i], err);
        else if (strcmp(version, KT_META_SCHEMA_VERSION) != 0)
            st = kt_error_set(err, KT_ERR_INDEX, "%s: not a kyotei index (schema '%s', expected '%s'); rebuild it "
                              "with kyotei-index", db_paths[i], version, KT_META_SCHEMA_VERSION);
        free(version);
        xc_db_close(one);
    }
    if (st == KT_OK)
        st = kt_lexicon_open(data_dir, &s->lex, err);
    if (st != KT_OK) {
        kt_searcher_close(s);
        return st;
    }
    *out = s;
    return KT_OK;
}

void kt_searcher_close(kt_searcher *s)
{
    if (!s)
        return;
    xc_db_close(s->db);
    kt_lexicon_close(s->lex);
    free(s);
}

static void facet_free(kt_facet *f)
{
    for (size_t i = 0; i < f->count; i++)
        free(f->items[i].value);
    free(f->items);
    f->items = NULL;
    f->count = 0;
}

static void hit_free(kt_hit *h)
{
    for (int c = 0; c < KT_COL_COUNT; c++)
        free(h->col[c]);
    free(h->country);
    for (size_t i = 0; i < h->n_fields; i++)
        free(h->fields[i]);
    free(h->fields);
    free(h->snippet);
    free(h->marks);
    free(h->title_marks);
}

void kt_result_free(kt_result *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->n_hits; i++)
        hit_free(&r->hits[i]);
    free(r->hits);
    facet_free(&r->countries);
    facet_free(&r->fields);
    free(r);
}

/* Adds `count` to value's entry in the facet (a facet has a few dozen values at most). */
static kt_status facet_add(kt_facet *f, const char *value, size_t len, uint32_t count, kt_error *err)
{
    for (size_t i = 0; i < f->count; i++) {
        if (strlen(f->items[i].value) == len && memcmp(f->items[i].value, value, len) == 0) {
            f->items[i].count += count;
            return KT_OK;
        }
    }
    kt_facet_count *grown = realloc(f->items, (f->count + 1) * sizeof *grown);
    char *copy = malloc(len + 1);
    if (!grown || !copy) {
        if (grown)
            f->items = grown;
        free(copy);
        return kt_error_set(err, KT_ERR_NOMEM, "out of memory");
    }
    memcpy(copy, value, len);
    copy[len] = '\0';
    f->items = grown;
    f->items[f->count++] = (kt_facet_count){copy, count};
    return KT_OK;
}

static int by_count_then_value(const void *a, const void *b)
{
    const kt_facet_count *x = a, *y = b;
    if (x->count != y->count)
        return x->count > y->count ? -1 : 1;
    return strcmp(x->value, y->value);
}

/* Reads facet k of the match set. A value may hold several facet values joined with
 * KT_FACET_SEP (an agreement's fields): each part is counted, which is exact because one
 * agreement lists a field once. Documents without a value are not counted. */
static kt_status read_facet(const xc_mset *m, size_t k, kt_facet *f, kt_error *err)
{
    size_t n = xc_mset_facet_size(m, k);
    for (size_t i = 0; i < n; i++) {
        const char *value;
        size_t len;
        uint32_t count;
        xc_error xe;
        if (xc_mset_facet_get(m, k, i, &value, &len, &count, &xe) != XC_OK)
            return index_failed(&xe, "facet", NULL, err);
        size_t start = 0;
        for (size_t j = 0; j <= len; j++) {
            if (j < len && value[j] != KT_FACET_SEP)
                continue;
            if (j > start) {
                kt_status st = facet_add(f, value + start, j - start, count, err);
                if (st != KT_OK)
                    return st;
            }
            start = j + 1;
        }
    }
    if (f->count)
        qsort(f->items, f->count, sizeof *f->items, by_count_then_value);
    return KT_OK;
}

static char *json_text(json_t *obj, const char *key)
{
    const char *s = json_string_value(json_object_get(obj, key));
    return strdup(s ? s : "");
}

/* Fills a hit from the document's stored record (corpus/schema.h). */
static kt_status read_record(const char *data, size_t len, kt_hit *h, kt_error *err)
{
    json_error_t jerr;
    json_t *obj = json_loadb(data, len, 0, &jerr);
    if (!json_is_object(obj)) {
        json_decref(obj);
        return kt_error_set(err, KT_ERR_INDEX, "damaged stored record: %s", jerr.text);
    }
    bool ok = true;
    for (int c = 0; c < KT_COL_COUNT; c++)
        ok &= (h->col[c] = json_text(obj, kt_column_name(c))) != NULL;
    ok &= (h->country = json_text(obj, KT_DATA_COUNTRY_CANONICAL)) != NULL;
    json_t *fields = json_object_get(obj, KT_DATA_FIELDS_CANONICAL);
    size_t n = json_is_array(fields) ? json_array_size(fields) : 0;
    h->fields = n ? calloc(n, sizeof *h->fields) : NULL;
    ok &= n == 0 || h->fields != NULL;
    for (size_t i = 0; i < n && ok; i++) {
        const char *s = json_string_value(json_array_get(fields, i));
        ok &= (h->fields[h->n_fields++] = strdup(s ? s : "")) != NULL;
    }
    json_decref(obj);
    return ok ? KT_OK : kt_error_set(err, KT_ERR_NOMEM, "out of memory");
}

/* Fills h from the i-th result of m: the stored record and, when hl is given, the snippet and the
 * marks in the title. */
static kt_status read_hit(kt_searcher *s, const xc_mset *m, uint32_t i, const kt_highlights *hl, kt_hit *h,
                          kt_error *err)
{
    xc_error xe;
    xc_doc *doc;
    char *data;
    size_t len;
    if (xc_mset_weight(m, i, &h->score, &xe) != XC_OK || xc_mset_document(m, i, &doc, &xe) != XC_OK)
        return index_failed(&xe, "result", &s->modified, err);
    xc_status xs = xc_doc_get_data(doc, &data, &len, &xe);
    xc_doc_free(doc);
    if (xs != XC_OK)
        return index_failed(&xe, "result", &s->modified, err);
    kt_status st = read_record(data, len, h, err);
    free(data);
    if (st != KT_OK || !hl)
        return st;
    st = kt_snippet_build(s->lex, h->col[KT_COL_DESCRIPTION], hl, SNIPPET_CHARS, &h->snippet, &h->marks, &h->n_marks,
                          err);
    if (st == KT_OK) {
        /* the whole title, to mark its matched words; the snippet of a title differs from the
         * title only in line breaks turned into spaces, so its marks fit the title as stored */
        char *whole;
        st = kt_snippet_build(s->lex, h->col[KT_COL_TITLE], hl, strlen(h->col[KT_COL_TITLE]) + 1, &whole,
                              &h->title_marks, &h->n_title_marks, err);
        free(whole);
    }
    return st;
}

static kt_status read_hits(kt_searcher *s, const xc_mset *m, const kt_highlights *hl, kt_result *r, kt_error *err)
{
    uint32_t n = xc_mset_size(m);
    r->hits = n ? calloc(n, sizeof *r->hits) : NULL;
    if (n && !r->hits)
        return kt_error_set(err, KT_ERR_NOMEM, "out of memory");
    for (uint32_t i = 0; i < n; i++) {
        kt_hit *h = &r->hits[r->n_hits++];
        h->rank = r->offset + i + 1;
        kt_status st = read_hit(s, m, i, hl, h, err);
        if (st != KT_OK)
            return st;
    }
    return KT_OK;
}

/* Runs q for one page with facet counts over the whole match set; `every` asks for the whole match
 * set without facets instead (for kt_search_each). */
static kt_status run_query(kt_searcher *s, const xc_query *q, const kt_search_request *req, bool every, xc_mset **m,
                           kt_error *err)
{
    uint32_t doc_count = 0;
    xc_error xe;
    if (xc_db_doc_count(s->db, &doc_count, &xe) != XC_OK)
        return index_failed(&xe, "index", &s->modified, err);
    static const unsigned facet_slots[] = {KT_SLOT_COUNTRY, KT_SLOT_FIELDS};
    xc_search_opts o;
    xc_search_opts_init(&o);
    o.offset = every ? 0 : req->offset;
    o.limit = every || req->all ? doc_count : req->limit;
    o.check_at_least = doc_count; /* exact totals and facet counts over the whole match set */
    o.facet_slots = every ? NULL : facet_slots;
    o.n_facet_slots = every ? 0 : 2;
    o.tiebreak_slot = KT_SLOT_ID; /* equal scores (or dates) in id order: stable output */
    if (req->sort != KT_SORT_RELEVANCE) {
        o.sort_slot = KT_SLOT_SIGNED;
        o.sort_descending = req->sort == KT_SORT_DATE_DESC;
    }
    if (xc_search(s->db, q, &o, m, &xe) != XC_OK)
        return index_failed(&xe, "search", &s->modified, err);
    return KT_OK;
}

static kt_status run(kt_searcher *s, const xc_query *q, const kt_search_request *req, xc_mset **m, kt_error *err)
{
    return run_query(s, q, req, false, m, err);
}

/* One attempt: the strict query, the partial one when the strict finds nothing, then the page. */
static kt_status search_once(kt_searcher *s, const kt_search_request *req, const kt_query_plan *plan, kt_result *r,
                             kt_error *err)
{
    xc_mset *m = NULL;
    kt_status st = run(s, plan->strict, req, &m, err);
    if (st == KT_OK && xc_mset_matches_estimated(m) == 0 && plan->partial) {
        xc_mset_free(m);
        m = NULL;
        st = run(s, plan->partial, req, &m, err);
        r->partial = st == KT_OK && xc_mset_matches_estimated(m) > 0;
    }
    if (st == KT_OK) {
        r->offset = req->offset;
        r->limit = req->all ? xc_mset_matches_estimated(m) : req->limit;
        r->total = xc_mset_matches_estimated(m);
        st = read_facet(m, 0, &r->countries, err);
        if (st == KT_OK)
            st = read_facet(m, 1, &r->fields, err);
        if (st == KT_OK)
            st = read_hits(s, m, &plan->highlights, r, err);
    }
    xc_mset_free(m);
    return st;
}

kt_status kt_search(kt_searcher *s, const kt_search_request *req, kt_result **out, kt_error *err)
{
    *out = NULL;
    if (req->query && strlen(req->query) > KT_SEARCH_MAX_QUERY_BYTES)
        return kt_error_set(err, KT_ERR_INPUT, "query longer than %d bytes", KT_SEARCH_MAX_QUERY_BYTES);
    if (!req->all && req->limit > KT_SEARCH_MAX_LIMIT)
        return kt_error_set(err, KT_ERR_INPUT, "limit larger than %u", KT_SEARCH_MAX_LIMIT);
    kt_query_plan plan;
    kt_status st = kt_query_build(s->lex, s->db, req, &plan, err);
    kt_result *r = NULL;
    for (int attempt = 0; st == KT_OK; attempt++) {
        r = calloc(1, sizeof *r);
        if (!r) {
            st = kt_error_set(err, KT_ERR_NOMEM, "out of memory");
            break;
        }
        s->modified = false;
        st = search_once(s, req, &plan, r, err);
        if (st == KT_OK || !s->modified || attempt == MODIFIED_RETRIES)
            break;
        /* the index changed under the search (an update committed while it ran): start again on
         * the newest version */
        kt_result_free(r);
        r = NULL;
        xc_error xe;
        st = xc_db_reopen(s->db, NULL, &xe) == XC_OK ? KT_OK : index_error(&xe, "index", err);
    }
    kt_query_plan_free(&plan);
    if (st != KT_OK) {
        kt_result_free(r);
        return st;
    }
    *out = r;
    return KT_OK;
}

kt_status kt_search_each(kt_searcher *s, const kt_search_request *req, kt_hit_fn fn, void *ctx, kt_error *err)
{
    if (req->query && strlen(req->query) > KT_SEARCH_MAX_QUERY_BYTES)
        return kt_error_set(err, KT_ERR_INPUT, "query longer than %d bytes", KT_SEARCH_MAX_QUERY_BYTES);
    kt_query_plan plan;
    kt_status st = kt_query_build(s->lex, s->db, req, &plan, err);
    xc_mset *m = NULL;
    if (st == KT_OK)
        st = run_query(s, plan.strict, req, true, &m, err);
    /* one agreement at a time: the match set's ids and scores are all that stays in memory */
    uint32_t n = m ? xc_mset_size(m) : 0;
    for (uint32_t i = 0; i < n && st == KT_OK; i++) {
        kt_hit h = {.rank = i + 1};
        st = read_hit(s, m, i, NULL, &h, err);
        if (st == KT_OK)
            st = fn(&h, ctx, err);
        hit_free(&h);
    }
    xc_mset_free(m);
    kt_query_plan_free(&plan);
    return st;
}
