/* Searching: every query operator, value ranges, sorting, BM25 order, weighting options, facet
 * counts over the whole match set, and several shards searched as one. */
#include "tests/xapian-c/xct_samples.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static xc_db *open_all(void **state, char **path_out) {
    char *path = xct_path(((xct_state *)*state)->dir, "all");
    xct_build_samples(path, XCT_ALL_SAMPLES);
    xc_db *db = xct_open(path);
    if (path_out) *path_out = path;
    else free(path);
    return db;
}

/* The data of every result of the page, joined by spaces ("d1 d3"), for compact assertions. */
static char *page(const xc_mset *m) {
    static char buf[256];
    buf[0] = '\0';
    for (uint32_t i = 0; i < xc_mset_size(m); i++) {
        char *data = xct_result_data(m, i);
        if (i) strcat(buf, " ");
        strcat(buf, data);
        free(data);
    }
    return buf;
}

/* Runs q with default options (by relevance) and returns the sorted list of matching data. */
static char *match_set(xc_db *db, xc_query *q) {
    static char buf[256];
    xc_search_opts o;
    xc_search_opts_init(&o);
    o.limit = 100;
    xc_mset *m = xct_search(db, q, &o);
    char *names[XCT_N_SAMPLES] = {0};
    uint32_t n = xc_mset_size(m);
    assert_true(n <= XCT_N_SAMPLES);
    for (uint32_t i = 0; i < n; i++) names[i] = xct_result_data(m, i);
    /* insertion sort: at most six names */
    for (uint32_t i = 1; i < n; i++)
        for (uint32_t j = i; j > 0 && strcmp(names[j - 1], names[j]) > 0; j--) {
            char *t = names[j];
            names[j] = names[j - 1];
            names[j - 1] = t;
        }
    buf[0] = '\0';
    for (uint32_t i = 0; i < n; i++) {
        if (i) strcat(buf, " ");
        strcat(buf, names[i]);
        free(names[i]);
    }
    xc_mset_free(m);
    xc_query_free(q);
    return buf;
}

static void test_phrase_and_near(void **state) {
    xc_db *db = open_all(state, NULL);
    const char *sister_city[] = {"sister", "city"};
    assert_string_equal(match_set(db, xct_terms(XC_OP_PHRASE, 0, 2, sister_city)), "d1 d3");
    /* AND ignores positions: d4 has both words, in the other order. */
    assert_string_equal(match_set(db, xct_terms(XC_OP_AND, 0, 2, sister_city)), "d1 d3 d4");
    assert_string_equal(match_set(db, xct_terms(XC_OP_NEAR, 2, 2, sister_city)), "d1 d3 d4");
    /* sister (1) and agreement (3) are two positions apart in d1 and d3, adjacent in d4. */
    const char *sister_agreement[] = {"sister", "agreement"};
    assert_string_equal(match_set(db, xct_terms(XC_OP_NEAR, 2, 2, sister_agreement)), "d4");
    assert_string_equal(match_set(db, xct_terms(XC_OP_NEAR, 3, 2, sister_agreement)), "d1 d3 d4");
    /* PHRASE keeps the order: "city sister agreement" matches, "agreement ... sister" would not. */
    assert_string_equal(match_set(db, xct_terms(XC_OP_PHRASE, 3, 2, sister_agreement)), "d1 d3 d4");
    const char *agreement_sister[] = {"agreement", "sister"};
    assert_string_equal(match_set(db, xct_terms(XC_OP_PHRASE, 3, 2, agreement_sister)), "");
    assert_string_equal(match_set(db, xct_terms(XC_OP_NEAR, 3, 2, agreement_sister)), "d1 d3 d4");
    const char *three[] = {"sister", "city", "agreement"};
    assert_string_equal(match_set(db, xct_terms(XC_OP_PHRASE, 0, 3, three)), "d1 d3");
    xc_db_close(db);
}

static void test_boolean_operators(void **state) {
    xc_db *db = open_all(state, NULL);
    const char *tokyo_osaka[] = {"tokyo", "osaka"};
    assert_string_equal(match_set(db, xct_terms(XC_OP_OR, 0, 2, tokyo_osaka)), "d1 d2 d6");
    assert_string_equal(match_set(db, xct_terms(XC_OP_SYNONYM, 0, 2, tokyo_osaka)), "d1 d2 d6");
    assert_string_equal(match_set(db, xct_terms(XC_OP_MAX, 0, 2, tokyo_osaka)), "d1 d2 d6");
    assert_string_equal(match_set(db, xct_terms(XC_OP_ELITE_SET, 0, 2, tokyo_osaka)), "d1 d2 d6");
    assert_string_equal(match_set(db, xct_terms(XC_OP_AND, 0, 2, tokyo_osaka)), "");
    const char *agreement_tokyo[] = {"agreement", "tokyo"};
    assert_string_equal(match_set(db, xct_terms(XC_OP_AND_NOT, 0, 2, agreement_tokyo)), "d2 d3 d4 d5");
    /* AND_MAYBE: the second query only reorders. */
    assert_string_equal(match_set(db, xct_terms(XC_OP_AND_MAYBE, 0, 2, agreement_tokyo)), "d1 d2 d3 d4 d5 d6");
    const char *boston_tokyo[] = {"boston", "tokyo"};
    assert_string_equal(match_set(db, xct_terms(XC_OP_AND_MAYBE, 0, 2, boston_tokyo)), "d3");
    /* A country filter on a boolean term. */
    assert_string_equal(match_set(db, xct_pair(XC_OP_FILTER, xct_term("agreement"), xct_term("XCus"))),
                        "d2 d3 d4");
    xc_db_close(db);
}

static void test_synonym_weighs_like_one_term(void **state) {
    xc_db *db = open_all(state, NULL);
    xc_error err;
    /* d6 has tokyo twice as often as d1: as a synonym group with osaka it still ranks first, and
     * the group is weighted as one term, not as the sum of two. */
    const char *tokyo_osaka[] = {"tokyo", "osaka"};
    xc_query *syn = xct_terms(XC_OP_SYNONYM, 0, 2, tokyo_osaka);
    xc_query *or = xct_terms(XC_OP_OR, 0, 2, tokyo_osaka);
    xc_mset *ms = xct_search(db, syn, NULL);
    xc_mset *mo = xct_search(db, or, NULL);
    assert_int_equal(xc_mset_size(ms), 3);
    double ws = 0, wo = 0;
    XCT_OK(xc_mset_weight(ms, 0, &ws, &err), &err);
    XCT_OK(xc_mset_weight(mo, 0, &wo, &err), &err);
    assert_true(ws > 0 && wo > 0);
    assert_true(fabs(ws - wo) > 1e-9);
    xc_mset_free(ms);
    xc_mset_free(mo);
    xc_query_free(syn);
    xc_query_free(or);
    xc_db_close(db);
}

static void test_filter_adds_no_weight(void **state) {
    xc_db *db = open_all(state, NULL);
    xc_error err;
    xc_query *plain = xct_term("agreement");
    xc_query *filtered = xct_pair(XC_OP_FILTER, xct_term("agreement"), xct_term("XCus"));
    xc_search_opts o;
    xc_search_opts_init(&o);
    o.limit = 100;
    xc_mset *mp = xct_search(db, plain, &o);
    xc_mset *mf = xct_search(db, filtered, &o);
    assert_int_equal(xc_mset_size(mf), 3);
    for (uint32_t i = 0; i < xc_mset_size(mf); i++) {
        uint32_t id = 0;
        double wf = 0;
        XCT_OK(xc_mset_docid(mf, i, &id, &err), &err);
        XCT_OK(xc_mset_weight(mf, i, &wf, &err), &err);
        /* the same document's weight without the filter */
        bool found = false;
        for (uint32_t j = 0; j < xc_mset_size(mp); j++) {
            uint32_t pid = 0;
            double wp = 0;
            XCT_OK(xc_mset_docid(mp, j, &pid, &err), &err);
            if (pid != id) continue;
            XCT_OK(xc_mset_weight(mp, j, &wp, &err), &err);
            assert_true(fabs(wf - wp) < 1e-12);
            found = true;
        }
        assert_true(found);
    }
    xc_mset_free(mp);
    xc_mset_free(mf);
    xc_query_free(plain);
    xc_query_free(filtered);

    /* A boolean term weighs nothing wherever it is; what FILTER promises is more: even a
     * weighted query on its right adds nothing, where AND would add its weight. */
    xc_query *f2 = xct_pair(XC_OP_FILTER, xct_term("agreement"), xct_term("sister"));
    xc_query *a2 = xct_pair(XC_OP_AND, xct_term("agreement"), xct_term("sister"));
    xc_query *p2 = xct_term("agreement");
    o.limit = 1;
    o.sort_slot = XCT_SLOT_YEAR; /* the same first document (d1, 1958) for all three */
    mf = xct_search(db, f2, &o);
    xc_mset *ma = xct_search(db, a2, &o);
    mp = xct_search(db, p2, &o);
    double wf = 0, wa = 0, wp = 0;
    XCT_OK(xc_mset_weight(mf, 0, &wf, &err), &err);
    XCT_OK(xc_mset_weight(ma, 0, &wa, &err), &err);
    XCT_OK(xc_mset_weight(mp, 0, &wp, &err), &err);
    assert_string_equal(page(mf), "d1");
    assert_string_equal(page(ma), "d1");
    assert_true(fabs(wf - wp) < 1e-12);
    assert_true(wa > wf + 1e-6);
    xc_mset_free(mp);
    xc_mset_free(mf);
    xc_mset_free(ma);
    xc_query_free(f2);
    xc_query_free(a2);
    xc_query_free(p2);
    xc_db_close(db);
}

static void test_value_ranges(void **state) {
    xc_db *db = open_all(state, NULL);
    const double y1959 = 1959, y1975 = 1975, y1960 = 1960, y1979 = 1979, y2000 = 2000;
    assert_string_equal(match_set(db, xct_year_range(&y1959, &y1975)), "d2 d3 d5");
    assert_string_equal(match_set(db, xct_year_range(NULL, &y1960)), "d1 d3");
    assert_string_equal(match_set(db, xct_year_range(&y1979, NULL)), "d4 d6");
    assert_string_equal(match_set(db, xct_year_range(NULL, NULL)), "d1 d2 d3 d4 d5 d6");
    assert_string_equal(match_set(db, xct_year_range(&y2000, NULL)), "");
    assert_string_equal(match_set(db, xct_year_range(&y1975, &y1959)), "");
    /* Ranges combine with words, and weigh nothing themselves. */
    assert_string_equal(match_set(db, xct_pair(XC_OP_AND, xct_term("sister"), xct_year_range(&y1959, &y1975))), "d3");
    xc_db_close(db);
}

static void test_sort_by_value(void **state) {
    xc_db *db = open_all(state, NULL);
    xc_query *all = NULL;
    xc_error err;
    XCT_OK(xc_query_match_all(&all, &err), &err);
    xc_search_opts o;
    xc_search_opts_init(&o);
    o.sort_slot = XCT_SLOT_YEAR;
    xc_mset *m = xct_search(db, all, &o);
    assert_string_equal(page(m), "d1 d3 d5 d2 d6 d4");
    xc_mset_free(m);
    o.sort_descending = true;
    m = xct_search(db, all, &o);
    assert_string_equal(page(m), "d4 d6 d2 d5 d3 d1");
    xc_mset_free(m);
    /* A page further down. */
    o.offset = 2;
    o.limit = 2;
    m = xct_search(db, all, &o);
    assert_string_equal(page(m), "d2 d5");
    assert_int_equal(xc_mset_matches_estimated(m), 6);
    xc_mset_free(m);
    /* String values sort bytewise: cn de fr us us us, ties by relevance then docid. */
    xc_search_opts_init(&o);
    o.sort_slot = XCT_SLOT_COUNTRY;
    m = xct_search(db, all, &o);
    assert_string_equal(page(m), "d6 d5 d1 d2 d3 d4");
    xc_mset_free(m);
    xc_query_free(all);
    xc_db_close(db);
}

static void test_docid_order_and_bool_weight(void **state) {
    xc_db *db = open_all(state, NULL);
    xc_error err;
    xc_query *q = xct_term("agreement");
    xc_search_opts o;
    xc_search_opts_init(&o);
    o.bool_weight = true;
    xc_mset *m = xct_search(db, q, &o);
    assert_string_equal(page(m), "d1 d2 d3 d4 d5 d6");
    for (uint32_t i = 0; i < xc_mset_size(m); i++) {
        double w = -1;
        XCT_OK(xc_mset_weight(m, i, &w, &err), &err);
        assert_true(w == 0.0);
    }
    xc_mset_free(m);
    o.docid_tiebreak_ascending = false;
    m = xct_search(db, q, &o);
    assert_string_equal(page(m), "d6 d5 d4 d3 d2 d1");
    xc_mset_free(m);
    xc_query_free(q);
    xc_db_close(db);
}

/* A collection where "apple" occurs twice in one document and once in another of the same
 * length; three more documents keep its idf positive. */
static xc_db *open_fruit(void **state) {
    char *path = xct_path(((xct_state *)*state)->dir, "fruit");
    xc_error err;
    xc_wdb *w = NULL;
    XCT_OK(xc_wdb_open(path, XC_WDB_CREATE_OR_OVERWRITE, &w, &err), &err);
    const char *texts[][2] = {
        {"once", "apple banana cherry date"},     {"twice", "apple apple cherry date"},
        {"f1", "banana cherry date egg"},         {"f2", "cherry date egg fig"},
        {"f3", "date egg fig grape"},
    };
    for (size_t i = 0; i < 5; i++) {
        xc_doc *d = xct_doc(texts[i][0], texts[i][1], NULL);
        xct_add(w, d);
        xc_doc_free(d);
    }
    XCT_OK(xc_wdb_close(w, &err), &err);
    xc_db *db = xct_open(path);
    free(path);
    return db;
}

static void test_bm25_ranks_higher_wdf_first(void **state) {
    xc_db *db = open_fruit(state);
    xc_error err;
    xc_query *q = xct_term("apple");
    xc_mset *m = xct_search(db, q, NULL);
    /* "twice" was added after "once": only its weight can put it first. */
    assert_string_equal(page(m), "twice once");
    double w0 = 0, w1 = 0;
    XCT_OK(xc_mset_weight(m, 0, &w0, &err), &err);
    XCT_OK(xc_mset_weight(m, 1, &w1, &err), &err);
    assert_true(w0 > w1 && w1 > 0);
    xc_mset_free(m);

    /* Explicit parameters are used: with k1 = 0 the wdf no longer counts, the two tie, and the
     * docid decides. */
    xc_search_opts o;
    xc_search_opts_init(&o);
    o.bm25_k1 = 0;
    o.bm25_k2 = 0;
    o.bm25_k3 = 1;
    o.bm25_b = 0.5;
    o.bm25_min_normlen = 0.5;
    m = xct_search(db, q, &o);
    assert_string_equal(page(m), "once twice");
    XCT_OK(xc_mset_weight(m, 0, &w0, &err), &err);
    XCT_OK(xc_mset_weight(m, 1, &w1, &err), &err);
    assert_true(fabs(w0 - w1) < 1e-12);
    xc_mset_free(m);

    /* Negative parameters are refused. */
    o.bm25_k1 = -1;
    xc_mset *bad = NULL;
    assert_int_equal(xc_search(db, q, &o, &bad, &err), XC_ERR_INVALID);
    assert_null(bad);
    xc_query_free(q);
    xc_db_close(db);
}

static void test_scale_and_describe(void **state) {
    xc_db *db = open_fruit(state);
    xc_error err;
    xc_query *q = xct_term("apple");
    xc_query *twice = NULL, *zero = NULL;
    XCT_OK(xc_query_scale(q, 2.0, &twice, &err), &err);
    XCT_OK(xc_query_scale(q, 0.0, &zero, &err), &err);
    xc_mset *m1 = xct_search(db, q, NULL);
    xc_mset *m2 = xct_search(db, twice, NULL);
    xc_mset *m0 = xct_search(db, zero, NULL);
    double w1 = 0, w2 = 0, w0 = -1;
    XCT_OK(xc_mset_weight(m1, 0, &w1, &err), &err);
    XCT_OK(xc_mset_weight(m2, 0, &w2, &err), &err);
    XCT_OK(xc_mset_weight(m0, 0, &w0, &err), &err);
    assert_true(fabs(w2 - 2 * w1) < 1e-9);
    assert_true(w0 == 0.0);
    assert_int_equal(xc_mset_size(m0), 2);
    xc_mset_free(m0);
    xc_mset_free(m1);
    xc_mset_free(m2);

    char *desc = xc_query_describe(twice);
    assert_non_null(desc);
    assert_non_null(strstr(desc, "apple"));
    assert_non_null(strstr(desc, "2 *"));
    free(desc);
    assert_null(xc_query_describe(NULL));

    assert_false(xc_query_is_empty(q));
    xc_query *nothing = NULL, *none = NULL, *all = NULL;
    XCT_OK(xc_query_match_nothing(&nothing, &err), &err);
    XCT_OK(xc_query_combine(XC_OP_AND, NULL, 0, 0, &none, &err), &err);
    XCT_OK(xc_query_match_all(&all, &err), &err);
    assert_true(xc_query_is_empty(nothing));
    assert_true(xc_query_is_empty(none));
    assert_true(xc_query_is_empty(NULL));
    assert_false(xc_query_is_empty(all));
    xc_mset *m = xct_search(db, nothing, NULL);
    assert_int_equal(xc_mset_size(m), 0);
    assert_int_equal(xc_mset_matches_estimated(m), 0);
    xc_mset_free(m);
    m = xct_search(db, all, NULL);
    assert_int_equal(xc_mset_size(m), 5);
    xc_mset_free(m);
    xc_query_free(nothing);
    xc_query_free(none);
    xc_query_free(all);
    xc_query_free(twice);
    xc_query_free(zero);
    xc_query_free(q);
    xc_db_close(db);
}

static void test_facets_over_whole_match_set(void **state) {
    xc_db *db = open_all(state, NULL);
    xct_check_facets(db);
    xc_db_close(db);
}

/* Fails unless facet k of a and of b list the same values with the same counts. */
static void assert_same_facet(const xc_mset *a, const xc_mset *b, size_t k) {
    xc_error err;
    size_t n = xc_mset_facet_size(a, k);
    assert_int_equal(xc_mset_facet_size(b, k), n);
    for (size_t i = 0; i < n; i++) {
        const char *va, *vb;
        uint32_t ca, cb;
        XCT_OK(xc_mset_facet_get(a, k, i, &va, NULL, &ca, &err), &err);
        XCT_OK(xc_mset_facet_get(b, k, i, &vb, NULL, &cb, &err), &err);
        assert_string_equal(va, vb);
        assert_int_equal(ca, cb);
    }
}

/* Runs q (which it frees) on `plain` with match spies and on `cached` with facet_cache, and
 * checks the same totals and facet counts over country and kind; returns the facet size of
 * country, so callers can check that something was counted. */
static size_t assert_cache_counts_like_spies(xc_db *plain, xc_db *cached, xc_query *q) {
    static const unsigned slots[] = {XCT_SLOT_COUNTRY, XCT_SLOT_KIND};
    xc_search_opts o;
    xc_search_opts_init(&o);
    o.limit = 2;
    o.check_at_least = 100;
    o.facet_slots = slots;
    o.n_facet_slots = 2;
    xc_mset *a = xct_search(plain, q, &o);
    o.facet_cache = true;
    xc_mset *b = xct_search(cached, q, &o);
    assert_int_equal(xc_mset_matches_estimated(a), xc_mset_matches_estimated(b));
    assert_string_equal(page(a), page(b));
    assert_same_facet(a, b, 0);
    assert_same_facet(a, b, 1);
    size_t n = xc_mset_facet_size(b, 0);
    xc_mset_free(a);
    xc_mset_free(b);
    xc_query_free(q);
    return n;
}

static void test_facet_cache_counts_like_spies(void **state) {
    char *path;
    xc_db *db = open_all(state, &path);
    xc_error err;
    /* the counts themselves, with the cache */
    xc_query *all = NULL;
    XCT_OK(xc_query_match_all(&all, &err), &err);
    static const unsigned slots[] = {XCT_SLOT_COUNTRY};
    xc_search_opts o;
    xc_search_opts_init(&o);
    o.check_at_least = 100;
    o.facet_slots = slots;
    o.n_facet_slots = 1;
    o.facet_cache = true;
    xc_mset *m = xct_search(db, all, &o);
    /* cn d6, de d5, fr d1, us d2 d3 d4; in ascending order like the spies */
    const char *want[] = {"cn", "de", "fr", "us"};
    const uint32_t want_n[] = {1, 1, 1, 3};
    assert_int_equal(xc_mset_facet_size(m, 0), 4);
    for (size_t i = 0; i < 4; i++) {
        const char *v;
        uint32_t c;
        XCT_OK(xc_mset_facet_get(m, 0, i, &v, NULL, &c, &err), &err);
        assert_string_equal(v, want[i]);
        assert_int_equal(c, want_n[i]);
    }
    xc_mset_free(m);
    xc_query_free(all);

    /* one handle counting both ways: several queries, the cache built by the first */
    xc_db *plain = xct_open(path);
    XCT_OK(xc_query_match_all(&all, &err), &err);
    assert_int_equal(assert_cache_counts_like_spies(plain, db, all), 4);
    assert_int_equal(assert_cache_counts_like_spies(plain, db, xct_term("sister")), 2);
    assert_int_equal(assert_cache_counts_like_spies(plain, db, xct_term("nothing-matches")), 0);

    /* shards: the cache is not used (a spy sees each document by its number in its own shard),
     * the counts stay right */
    const char *dir = ((xct_state *)*state)->dir;
    char *pa = xct_path(dir, "shard-a"), *pb = xct_path(dir, "shard-b");
    xct_build_samples(pa, XCT_ODD_SAMPLES);
    xct_build_samples(pb, XCT_EVEN_SAMPLES);
    xc_db *sharded = NULL;
    XCT_OK(xc_db_open_empty(&sharded, &err), &err);
    XCT_OK(xc_db_add_shard(sharded, pa, &err), &err);
    XCT_OK(xc_db_add_shard(sharded, pb, &err), &err);
    assert_int_equal(assert_cache_counts_like_spies(plain, sharded, xct_term("agreement")), 4);
    assert_int_equal(assert_cache_counts_like_spies(plain, sharded, xct_term("sister")), 2);
    /* the same shards named by a stub file, which opens as one handle */
    char *stub = xct_path(dir, "stub");
    FILE *f = fopen(stub, "w");
    assert_non_null(f);
    fprintf(f, "auto shard-a\nauto shard-b\n");
    fclose(f);
    xc_db *stubbed = xct_open(stub);
    assert_int_equal(assert_cache_counts_like_spies(plain, stubbed, xct_term("agreement")), 4);
    xc_db_close(stubbed);
    free(stub);

    /* a new revision: the cache read before it is dropped by the reopen, not used for the new
     * documents */
    xc_wdb *w = NULL;
    XCT_OK(xc_wdb_open(path, XC_WDB_OPEN, &w, &err), &err);
    xc_doc *d = xct_doc("d7", "sister city kyoto", NULL);
    XCT_OK(xc_doc_set_value(d, XCT_SLOT_COUNTRY, "jp", 2, &err), &err);
    XCT_OK(xc_doc_set_value(d, XCT_SLOT_KIND, "sister", 6, &err), &err);
    xct_add(w, d);
    xc_doc_free(d);
    XCT_OK(xc_wdb_close(w, &err), &err);
    bool changed = false;
    XCT_OK(xc_db_reopen(db, &changed, &err), &err);
    assert_true(changed);
    XCT_OK(xc_db_reopen(plain, NULL, &err), &err);
    assert_int_equal(assert_cache_counts_like_spies(plain, db, xct_term("sister")), 3); /* fr, jp, us */

    xc_db_close(sharded);
    xc_db_close(plain);
    xc_db_close(db);
    free(pa);
    free(pb);
    free(path);
}

static void test_shards_search_as_one(void **state) {
    xc_error err;
    const char *dir = ((xct_state *)*state)->dir;
    char *pa = xct_path(dir, "shard-a"), *pb = xct_path(dir, "shard-b");
    xct_build_samples(pa, XCT_ODD_SAMPLES);
    xct_build_samples(pb, XCT_EVEN_SAMPLES);
    xc_db *one = open_all(state, NULL);
    xc_db *sharded = NULL;
    XCT_OK(xc_db_open_empty(&sharded, &err), &err);
    uint32_t n = 99;
    XCT_OK(xc_db_doc_count(sharded, &n, &err), &err);
    assert_int_equal(n, 0);
    XCT_OK(xc_db_add_shard(sharded, pa, &err), &err);
    XCT_OK(xc_db_add_shard(sharded, pb, &err), &err);
    XCT_OK(xc_db_doc_count(sharded, &n, &err), &err);
    assert_int_equal(n, 6);
    uint32_t tf = 0;
    XCT_OK(xc_db_term_freq(sharded, "XCus", &tf, &err), &err);
    assert_int_equal(tf, 3);

    xct_check_same_as_one(one, sharded);

    /* Sorting crosses shards. */
    xc_query *all = NULL;
    XCT_OK(xc_query_match_all(&all, &err), &err);
    xc_search_opts o;
    xc_search_opts_init(&o);
    o.sort_slot = XCT_SLOT_YEAR;
    xc_mset *m = xct_search(sharded, all, &o);
    assert_string_equal(page(m), "d1 d3 d5 d2 d6 d4");
    /* Ids are interleaved: shard a's first document is 1, shard b's first is 2. */
    uint32_t id = 0;
    XCT_OK(xc_mset_docid(m, 0, &id, &err), &err);
    assert_int_equal(id, 1);
    XCT_OK(xc_mset_docid(m, 3, &id, &err), &err);
    assert_int_equal(id, 2);
    xc_doc *d = NULL;
    XCT_OK(xc_db_get_document(sharded, 2, &d, &err), &err);
    char *data = NULL;
    XCT_OK(xc_doc_get_data(d, &data, NULL, &err), &err);
    assert_string_equal(data, "d2");
    free(data);
    xc_doc_free(d);
    xc_mset_free(m);
    xc_query_free(all);

    xc_db_close(sharded);
    xc_db_close(one);
    free(pa);
    free(pb);
}

static void test_empty_database_finds_nothing(void **state) {
    (void)state;
    xc_error err;
    xc_db *db = NULL;
    XCT_OK(xc_db_open_empty(&db, &err), &err);
    xc_query *q = xct_term("anything");
    xc_mset *m = xct_search(db, q, NULL);
    assert_int_equal(xc_mset_size(m), 0);
    assert_int_equal(xc_mset_matches_upper_bound(m), 0);
    xc_mset_free(m);
    xc_query_free(q);
    xc_db_close(db);
}

static void test_results_outlive_database(void **state) {
    xc_db *db = open_all(state, NULL);
    xc_query *q = xct_term("tokyo");
    xc_mset *m = xct_search(db, q, NULL);
    xc_query_free(q);
    xc_db_close(db);
    assert_int_equal(xc_mset_size(m), 2);
    /* d6 has tokyo once in a document of four words, d1 once in five. */
    assert_string_equal(page(m), "d6 d1");
    xc_mset_free(m);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_phrase_and_near, xct_setup, xct_teardown),
        cmocka_unit_test_setup_teardown(test_boolean_operators, xct_setup, xct_teardown),
        cmocka_unit_test_setup_teardown(test_synonym_weighs_like_one_term, xct_setup, xct_teardown),
        cmocka_unit_test_setup_teardown(test_filter_adds_no_weight, xct_setup, xct_teardown),
        cmocka_unit_test_setup_teardown(test_value_ranges, xct_setup, xct_teardown),
        cmocka_unit_test_setup_teardown(test_sort_by_value, xct_setup, xct_teardown),
        cmocka_unit_test_setup_teardown(test_docid_order_and_bool_weight, xct_setup, xct_teardown),
        cmocka_unit_test_setup_teardown(test_bm25_ranks_higher_wdf_first, xct_setup, xct_teardown),
        cmocka_unit_test_setup_teardown(test_scale_and_describe, xct_setup, xct_teardown),
        cmocka_unit_test_setup_teardown(test_facets_over_whole_match_set, xct_setup, xct_teardown),
        cmocka_unit_test_setup_teardown(test_facet_cache_counts_like_spies, xct_setup, xct_teardown),
        cmocka_unit_test_setup_teardown(test_shards_search_as_one, xct_setup, xct_teardown),
        cmocka_unit_test_setup_teardown(test_empty_database_finds_nothing, xct_setup, xct_teardown),
        cmocka_unit_test_setup_teardown(test_results_outlive_database, xct_setup, xct_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
