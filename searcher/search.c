#include "kyotei/search.h"

#include <stdlib.h>
#include <string.h>

#include "base/grow.h"
#include "dict/normalize.h"
#include "schema/record.h"
#include "schema/schema.h"
#include "searcher/ignored.h"
#include "searcher/query.h"
#include "searcher/shards.h"
#include "searcher/complete.h"
#include "searcher/snippet.h"
#include "searcher/suggest.h"
#include "searcher/watch.h"
#include "xapian-c/xc.h"

/* How many characters of description a hit shows. */
#define SNIPPET_CHARS 80

struct kt_searcher {
    xc_db *db;          /* every shard that answered, searched as one */
    kt_lexicon *lex;
    char **specs;       /* the db specs it was opened with, read again when the index is replaced */
    size_t n_specs;
    kt_watch watch;     /* what tells that the index was replaced (searcher/watch.h) */
    kt_shard_list shards;
    kt_searcher_options opts;
    const char **missing; /* names (in shards) of the shards left out */
    size_t n_missing;
    bool modified;      /* the last step failed because the index changed under it */
    bool network;       /* the last step failed because a remote shard did not answer */
    unsigned long searches; /* searches run so far */
};

/* How many times a search starts again when the index changed under it (an update committed
 * twice while it ran): each time it reopens the index and sees the newest version. */
#define MODIFIED_RETRIES 5

/* A Xapian error as a kyotei one. DatabaseModifiedError and network failures are remembered in s
 * (s may be NULL), so the search can reopen the index, or its shards, and start again. */
static kt_status index_failed(const xc_error *xe, const char *what, kt_searcher *s, kt_error *err)
{
    if (s && xe->status == XC_ERR_MODIFIED)
        s->modified = true;
    if (s && xe->status == XC_ERR_NETWORK)
        s->network = true;
    return kt_error_set(err, xe->status == XC_ERR_NOMEM ? KT_ERR_NOMEM : KT_ERR_INDEX, "%s: %s", what, xe->message);
}

static kt_status index_error(const xc_error *xe, const char *what, kt_error *err)
{
    return index_failed(xe, what, NULL, err);
}

void kt_searcher_options_init(kt_searcher_options *o)
{
    *o = (kt_searcher_options){KT_CONNECT_TIMEOUT_MS, KT_REMOTE_TIMEOUT_MS, false};
}

/* Opens one shard on its own and checks that kyotei wrote it, with this schema. *down tells a
 * shard that could not be opened or did not answer from one that answered wrongly. */
static kt_status open_shard(const kt_searcher *s, const kt_shard *sh, xc_db **out, bool *down, kt_error *err)
{
    xc_error xe;
    xc_db *one = NULL;
    *down = true;
    xc_status xs;
    if (sh->kind == KT_SHARD_LOCAL) {
        xs = xc_db_open(sh->path, &one, &xe);
    } else {
        xs = xc_db_open_empty(&one, &xe);
        if (xs == XC_OK)
            xs = xc_db_add_remote(one, sh->host, sh->port, s->opts.timeout_ms, s->opts.connect_timeout_ms, &xe);
    }
    char *version = NULL;
    size_t vlen;
    if (xs == XC_OK)
        xs = xc_db_get_metadata(one, KT_META_SCHEMA_KEY, &version, &vlen, &xe);
    kt_status st = KT_OK;
    if (xs != XC_OK) {
        *down = xs != XC_ERR_NOMEM;
        st = index_error(&xe, sh->name, err);
    } else if (strcmp(version, KT_META_SCHEMA_VERSION) != 0) {
        *down = false;
        st = kt_error_set(err, KT_ERR_INDEX, "%s: not a kyotei index (schema '%s', expected '%s'); rebuild it "
                          "with kyotei-index", sh->name, version, KT_META_SCHEMA_VERSION);
    }
    free(version);
    if (st != KT_OK) {
        xc_db_close(one);
        return st;
    }
    *out = one;
    return KT_OK;
}

/* (Re)opens every shard into a new s->db. With allow_partial, shards that are down are left out
 * and listed in s->missing; otherwise the first one that is down fails the whole. */
static kt_status open_shards(kt_searcher *s, kt_error *err)
{
    xc_error xe;
    xc_db *all = NULL;
    if (xc_db_open_empty(&all, &xe) != XC_OK)
        return index_error(&xe, "index", err);
    s->n_missing = 0;
    kt_error first_down = {0};
    kt_status st = KT_OK;
    for (size_t i = 0; i < s->shards.count && st == KT_OK; i++) {
        const kt_shard *sh = &s->shards.items[i];
        xc_db *one = NULL;
        bool down;
        kt_error shard_err;
        st = open_shard(s, sh, &one, &down, &shard_err);
        if (st != KT_OK && down && s->opts.allow_partial) {
            if (s->n_missing == 0)
                first_down = shard_err;
            s->missing[s->n_missing++] = sh->name;
            st = KT_OK;
            continue;
        }
        if (st != KT_OK) {
            if (err)
                *err = shard_err;
            break;
        }
        if (xc_db_add_db(all, one, &xe) != XC_OK)
            st = index_error(&xe, sh->name, err);
        xc_db_close(one);
    }
    if (st == KT_OK && s->n_missing == s->shards.count)
        st = kt_error_set(err, KT_ERR_INDEX, "none of the %zu shard%s answered (%s)", s->shards.count,
                          s->shards.count == 1 ? "" : "s", first_down.message);
    if (st != KT_OK) {
        xc_db_close(all);
        return st;
    }
    xc_db_close(s->db);
    s->db = all;
    return KT_OK;
}

/* Reads the specs into a new list of shards and opens them all into a new s->db. On failure s is
 * as it was: its shards, its database and its watch, still usable on the version it had. */
static kt_status open_specs(kt_searcher *s, kt_error *err)
{
    kt_watch watch = KT_WATCH_INIT;
    kt_shard_list list = KT_SHARD_LIST_INIT;
    const char **missing = NULL;
    kt_status st = kt_watch_specs(&watch, (const char *const *)s->specs, s->n_specs, err);
    for (size_t i = 0; i < s->n_specs && st == KT_OK; i++)
        st = kt_shards_add(&list, s->specs[i], err);
    if (st == KT_OK && list.count == 0)
        st = kt_error_set(err, KT_ERR_INDEX, "%s: the shard list names no shard", s->specs[0]);
    if (st == KT_OK)
        st = kt_watch_shards(&watch, &list, err);
    if (st == KT_OK && !(missing = calloc(list.count, sizeof *missing)))
        st = kt_error_nomem(err);
    if (st == KT_OK) {
        /* open_shards works on s: give it the new list, and take the old one back if it fails */
        kt_shard_list old_list = s->shards;
        const char **old_missing = s->missing;
        size_t old_n_missing = s->n_missing;
        s->shards = list;
        s->missing = missing;
        st = open_shards(s, err);
        if (st == KT_OK) {
            list = old_list;
            missing = old_missing;
            kt_watch old_watch = s->watch;
            s->watch = watch;
            watch = old_watch;
        } else {
            s->shards = old_list;
            s->missing = old_missing;
            s->n_missing = old_n_missing;
        }
    }
    kt_shards_free(&list);
    free(missing);
    kt_watch_free(&watch);
    return st;
}

kt_status kt_searcher_open_with(const char *const *db_specs, size_t n_specs, const char *data_dir,
                                const kt_searcher_options *opts, kt_searcher **out, kt_error *err)
{
    *out = NULL;
    if (n_specs == 0)
        return kt_error_set(err, KT_ERR_INDEX, "no index given");
    kt_searcher *s = calloc(1, sizeof *s);
    if (!s)
        return kt_error_nomem(err);
    if (opts)
        s->opts = *opts;
    else
        kt_searcher_options_init(&s->opts);
    kt_status st = KT_OK;
    if (!(s->specs = calloc(n_specs, sizeof *s->specs)))
        st = kt_error_nomem(err);
    for (size_t i = 0; i < n_specs && st == KT_OK; i++) {
        if (!db_specs[i] || !*db_specs[i])
            st = kt_error_set(err, KT_ERR_INPUT, "an empty index name");
        else if (!(s->specs[s->n_specs++] = strdup(db_specs[i])))
            st = kt_error_nomem(err);
    }
    if (st == KT_OK)
        st = open_specs(s, err);
    if (st == KT_OK)
        st = kt_lexicon_open(data_dir, &s->lex, err);
    if (st != KT_OK) {
        kt_searcher_close(s);
        return st;
    }
    *out = s;
    return KT_OK;
}

kt_status kt_searcher_refresh(kt_searcher *s, bool *changed, kt_error *err)
{
    if (changed)
        *changed = false;
    if (kt_watch_changed(&s->watch)) {
        kt_status st = open_specs(s, err);
        if (changed)
            *changed = st == KT_OK;
        return st;
    }
    xc_error xe;
    bool moved = false;
    xc_status xs = xc_db_reopen(s->db, &moved, &xe);
    if (xs == XC_ERR_NOMEM)
        return index_error(&xe, "index", err);
    if (xs != XC_OK) {
        /* a remote shard's server restarted, or a local shard went away in a way the watch does
         * not see (a list inside a list): everything is opened again, as a new process would */
        kt_status st = open_specs(s, err);
        moved = st == KT_OK;
        if (st != KT_OK)
            return st;
    }
    if (changed)
        *changed = moved;
    return KT_OK;
}

kt_status kt_searcher_open(const char *const *db_paths, size_t n_paths, const char *data_dir, kt_searcher **out,
                           kt_error *err)
{
    return kt_searcher_open_with(db_paths, n_paths, data_dir, NULL, out, err);
}

const char *kt_searcher_canonical(const kt_searcher *s, bool country, const char *value)
{
    char *norm = NULL;
    size_t len;
    kt_error err;
    if (kt_normalize(value, strlen(value), &norm, &len, NULL, &err) != KT_OK)
        return NULL;
    const char *canonical = kt_vocab_lookup(country ? s->lex->countries : s->lex->fields, norm, len);
    free(norm);
    return canonical;
}

size_t kt_searcher_missing(const kt_searcher *s, const char *const **names)
{
    if (names)
        *names = (const char *const *)s->missing;
    return s->n_missing;
}

size_t kt_searcher_shard_count(const kt_searcher *s)
{
    return s->shards.count;
}

size_t kt_searcher_shard_number(const kt_searcher *s, const char *name)
{
    for (size_t i = 0; i < s->shards.count; i++)
        if (strcmp(s->shards.items[i].name, name) == 0)
            return i + 1;
    return 0;
}

void kt_searcher_close(kt_searcher *s)
{
    if (!s)
        return;
    xc_db_close(s->db);
    kt_lexicon_close(s->lex);
    kt_shards_free(&s->shards);
    kt_watch_free(&s->watch);
    for (size_t i = 0; i < s->n_specs; i++)
        free(s->specs[i]);
    free(s->specs);
    free(s->missing);
    free(s);
}

static void facet_free(kt_facet *f)
{
    for (size_t i = 0; i < f->count; i++)
        free(f->items[i].value);
    free(f->items);
    f->items = NULL;
    f->count = f->cap = 0;
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
    for (size_t i = 0; i < r->n_shards_missing; i++)
        free(r->shards_missing[i]);
    free(r->shards_missing);
    kt_ignored_list_free(&r->ignored);
    free(r->suggestion);
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
    char *copy = NULL;
    if (KT_GROW(f->items, f->cap, f->count + 1) != KT_OK || !(copy = malloc(len + 1)))
        return kt_error_nomem(err);
    memcpy(copy, value, len);
    copy[len] = '\0';
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

/* Reads the facets of the match set from the one spy over KT_SLOT_FACETS: each value is a
 * combination (a country, then fields, schema/schema.h) counted as a whole; its parts are summed
 * into the country and field facets, which is exact because an agreement has one country and
 * lists a field once. Agreements without a country or without fields are not counted there. */
static kt_status read_facets(const xc_mset *m, kt_facet *countries, kt_facet *fields, kt_error *err)
{
    size_t n = xc_mset_facet_size(m, 0);
    kt_status st = KT_OK;
    for (size_t i = 0; i < n && st == KT_OK; i++) {
        const char *value;
        size_t len;
        uint32_t count;
        xc_error xe;
        if (xc_mset_facet_get(m, 0, i, &value, &len, &count, &xe) != XC_OK)
            return index_failed(&xe, "facet", NULL, err);
        const char *country, *parts, *field;
        size_t country_len, parts_len, field_len, pos = 0;
        kt_facet_value_split(value, len, &country, &country_len, &parts, &parts_len);
        if (country_len)
            st = facet_add(countries, country, country_len, count, err);
        while (st == KT_OK && kt_facet_value_next(parts, parts_len, &pos, &field, &field_len))
            st = facet_add(fields, field, field_len, count, err);
    }
    if (st == KT_OK && countries->count)
        qsort(countries->items, countries->count, sizeof *countries->items, by_count_then_value);
    if (st == KT_OK && fields->count)
        qsort(fields->items, fields->count, sizeof *fields->items, by_count_then_value);
    return st;
}

/* The characters of a UTF-8 string (the bytes that do not continue one). */
static size_t utf8_chars(const char *text)
{
    size_t n = 0;
    for (const unsigned char *p = (const unsigned char *)text; *p; p++)
        n += (*p & 0xC0u) != 0x80u;
    return n;
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
        return index_failed(&xe, "result", s, err);
    xc_status xs = xc_doc_get_data(doc, &data, &len, &xe);
    xc_doc_free(doc);
    if (xs != XC_OK)
        return index_failed(&xe, "result", s, err);
    kt_status st = kt_record_decode(data, len, h, err);
    free(data);
    if (st != KT_OK || !hl)
        return st;
    st = kt_snippet_build(s->lex, h->col[KT_COL_DESCRIPTION], hl, SNIPPET_CHARS, &h->snippet, &h->marks, &h->n_marks,
                          err);
    if (st == KT_OK) {
        /* the title, to mark its matched words; the snippet of a title no longer than
         * KT_SNIPPET_TITLE_CHARS differs from the title only in line breaks turned into spaces, so
         * its marks fit the title as stored; a longer one is shown as that snippet, cut with "…",
         * so that one huge title cannot make every page that shows it huge */
        char *shown;
        st = kt_snippet_build(s->lex, h->col[KT_COL_TITLE], hl, KT_SNIPPET_TITLE_CHARS, &shown, &h->title_marks,
                              &h->n_title_marks, err);
        if (st == KT_OK && utf8_chars(h->col[KT_COL_TITLE]) > KT_SNIPPET_TITLE_CHARS) {
            free(h->col[KT_COL_TITLE]);
            h->col[KT_COL_TITLE] = shown;
            shown = NULL;
        }
        free(shown);
    }
    return st;
}

static kt_status read_hits(kt_searcher *s, const xc_mset *m, const kt_highlights *hl, kt_result *r, kt_error *err)
{
    uint32_t n = xc_mset_size(m);
    r->hits = n ? calloc(n, sizeof *r->hits) : NULL;
    if (n && !r->hits)
        return kt_error_nomem(err);
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
        return index_failed(&xe, "index", s, err);
    static const unsigned facet_slots[] = {KT_SLOT_FACETS};
    xc_search_opts o;
    xc_search_opts_init(&o);
    o.offset = every ? 0 : req->offset;
    o.limit = every || req->all ? doc_count : req->limit;
    o.check_at_least = doc_count; /* exact totals and facet counts over the whole match set */
    o.facet_slots = every ? NULL : facet_slots;
    o.n_facet_slots = every ? 0 : 1;
    /* From its second search on, a searcher keeps the facet values of every agreement in memory
     * (read once, 4 bytes an agreement): counting then costs no read per match. A one-shot
     * process (the CGI, one command line) never pays for reading them all. */
    o.facet_cache = s->searches++ > 0;
    /* BM25 without its length normalisation (b = 0; Xapian's defaults otherwise): agreements are
     * short and much alike in length, so the normalisation hardly moved the judged rankings
     * (bench/eval: nDCG@10 0.970 with it, 0.972 without; recall@100 0.934 both), and without it
     * Xapian reads no document length for each match, a sixth of a query's processor time. */
    o.bm25_k1 = 1;
    o.bm25_k2 = 0;
    o.bm25_k3 = 1;
    o.bm25_b = 0;
    o.bm25_min_normlen = 0.5;
    if (req->sort == KT_SORT_RELEVANCE) {
        o.tiebreak_slot = KT_SLOT_ID; /* equal scores in id order: stable output */
    } else {
        /* one value holding the date and then the id: equal dates in id order, and a plain value
         * sort, which remote shards can do (schema/schema.h) */
        o.sort_slot = req->sort == KT_SORT_DATE_DESC ? KT_SLOT_NEWEST_FIRST : KT_SLOT_OLDEST_FIRST;
    }
    if (xc_search(s->db, q, &o, m, &xe) != XC_OK)
        return index_failed(&xe, "search", s, err);
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
        st = read_facets(m, &r->countries, &r->fields, err);
        if (st == KT_OK)
            st = read_hits(s, m, &plan->highlights, r, err);
    }
    xc_mset_free(m);
    return st;
}

/* After a step failed: opens the shards again when a remote one stopped answering (once a call: a
 * server that closed an idle connection, or restarted), or reopens the index when it changed
 * under the step (a few times). Returns whether to start again; when not, *st and err hold the
 * failure, the step's or the reopening's. *replan tells that the query must be built again, on
 * the newly opened shards. */
static bool start_again(kt_searcher *s, int *reopens, bool *reconnected, bool *replan, kt_status *st, kt_error *err)
{
    *replan = false;
    if (s->network && !*reconnected) {
        *reconnected = *replan = true;
        *st = open_shards(s, err);
        return *st == KT_OK;
    }
    if (s->modified && *reopens < MODIFIED_RETRIES) {
        ++*reopens;
        xc_error xe;
        if (xc_db_reopen(s->db, NULL, &xe) != XC_OK) {
            *st = index_failed(&xe, "index", s, err);
            return false;
        }
        *st = KT_OK;
        return true;
    }
    return false;
}

static kt_status check_request(const kt_search_request *req, bool paged, kt_error *err)
{
    if (req->query && strlen(req->query) > KT_SEARCH_MAX_QUERY_BYTES)
        return kt_error_set(err, KT_ERR_INPUT, "query longer than %d bytes", KT_SEARCH_MAX_QUERY_BYTES);
    if (paged && !req->all && req->limit > KT_SEARCH_MAX_LIMIT)
        return kt_error_set(err, KT_ERR_INPUT, "limit larger than %u", KT_SEARCH_MAX_LIMIT);
    return KT_OK;
}

/* The names of the shards left out, copied into r. */
static kt_status note_missing(const kt_searcher *s, kt_result *r, kt_error *err)
{
    if (!s->n_missing)
        return KT_OK;
    if (!(r->shards_missing = calloc(s->n_missing, sizeof *r->shards_missing)))
        return kt_error_nomem(err);
    for (size_t i = 0; i < s->n_missing; i++)
        if (!(r->shards_missing[r->n_shards_missing++] = strdup(s->missing[i])))
            return kt_error_nomem(err);
    return KT_OK;
}

/* kt_search; nested for the search of a suggestion, which suggests nothing again. */
static kt_status search_request(kt_searcher *s, const kt_search_request *req, bool nested, kt_result **out,
                                kt_error *err)
{
    *out = NULL;
    kt_status st = check_request(req, true, err);
    if (st != KT_OK)
        return st;
    kt_query_plan plan;
    st = kt_query_build(s->lex, s->db, req, &plan, err);
    if (st != KT_OK)
        return st;
    kt_result *r = NULL;
    int reopens = 0;
    bool reconnected = false, replan = false;
    for (;;) {
        if (!(r = calloc(1, sizeof *r))) {
            st = kt_error_nomem(err);
            break;
        }
        s->modified = s->network = false;
        st = search_once(s, req, &plan, r, err);
        if (st == KT_OK)
            st = note_missing(s, r, err);
        if (st == KT_OK)
            break;
        kt_result_free(r);
        r = NULL;
        if (!start_again(s, &reopens, &reconnected, &replan, &st, err))
            break;
        if (replan) {
            kt_query_plan_free(&plan);
            if ((st = kt_query_build(s->lex, s->db, req, &plan, err)) != KT_OK)
                return st;
        }
    }
    if (st == KT_OK) { /* the result says what of the query was not searched */
        r->ignored = plan.ignored;
        plan.ignored = (kt_ignored_list){NULL, 0, 0};
    }
    /* nothing, or only part, matched: what was probably meant — and its results, when it matches
     * in full (a search box answers 医寮 with 医療's agreements, and says so) */
    if (st == KT_OK && (r->total == 0 || r->partial) && req->query && *req->query)
        st = kt_suggest(s->lex, s->db, req->query, &r->suggestion, err);
    if (st == KT_OK && r->suggestion && !nested) {
        kt_search_request again = *req;
        again.query = r->suggestion;
        kt_result *meant = NULL;
        st = search_request(s, &again, true, &meant, err);
        if (st == KT_OK && meant->total > 0 && !meant->partial) {
            free(meant->suggestion);
            meant->suggestion = r->suggestion;
            meant->suggestion_used = true;
            r->suggestion = NULL;
            kt_result_free(r);
            r = meant;
            meant = NULL;
        }
        kt_result_free(meant);
    }
    kt_query_plan_free(&plan);
    if (st != KT_OK) {
        kt_result_free(r);
        return st;
    }
    *out = r;
    return KT_OK;
}

kt_status kt_search(kt_searcher *s, const kt_search_request *req, kt_result **out, kt_error *err)
{
    return search_request(s, req, false, out, err);
}

kt_status kt_complete(kt_searcher *s, const char *prefix, size_t limit, kt_completions *out, kt_error *err)
{
    return kt_complete_build(s->lex, s->db, prefix, limit, out, err);
}

kt_status kt_search_each(kt_searcher *s, const kt_search_request *req, kt_hit_fn fn, void *ctx, kt_error *err)
{
    kt_status st = check_request(req, false, err);
    if (st != KT_OK)
        return st;
    kt_query_plan plan;
    if ((st = kt_query_build(s->lex, s->db, req, &plan, err)) != KT_OK)
        return st;
    xc_mset *m = NULL;
    int reopens = 0;
    bool reconnected = false, replan = false;
    /* the match set may be asked for again; once hits have gone to fn, a failure is final */
    for (;;) {
        s->modified = s->network = false;
        st = run_query(s, plan.strict, req, true, &m, err);
        if (st == KT_OK || !start_again(s, &reopens, &reconnected, &replan, &st, err))
            break;
        if (replan) {
            kt_query_plan_free(&plan);
            if ((st = kt_query_build(s->lex, s->db, req, &plan, err)) != KT_OK)
                return st;
        }
    }
    /* one agreement at a time: the match set's ids and scores are all that stays in memory */
    uint32_t n = st == KT_OK ? xc_mset_size(m) : 0;
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

kt_status kt_search_trap_faults(kt_error *err)
{
    xc_error xe;
    if (xc_trap_faults(&xe) != XC_OK)
        return kt_error_set(err, KT_ERR_INTERNAL, "cannot trap faults: %s", xe.message);
    return KT_OK;
}

bool kt_search_faulted(void)
{
    return xc_faulted();
}
