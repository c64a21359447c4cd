#include "tests/xapian-c/xct_samples.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct sample {
    const char *data, *words, *country, *kind;
    double year;
};

/* Six small documents; words are indexed with positions, the country both as a boolean term
 * ("XC" + code) and as a value, like a facet. */
static const struct sample samples[] = {
    {"d1", "sister city agreement tokyo paris", "fr", "sister", 1958},
    {"d2", "friendship agreement osaka chicago", "us", "friendship", 1973},
    {"d3", "sister city agreement kyoto boston", "us", "sister", 1959},
    {"d4", "city sister agreement nagoya", "us", "sister", 1985},
    {"d5", "economic agreement sapporo munich", "de", "economic", 1972},
    {"d6", "agreement tokyo agreement beijing", "cn", "friendship", 1979},
};
_Static_assert(sizeof samples / sizeof samples[0] == XCT_N_SAMPLES, "sample count");

void xct_build_samples(const char *path, const int *which) {
    xc_error err;
    xc_wdb *w = NULL;
    XCT_OK(xc_wdb_open(path, XC_WDB_CREATE_OR_OVERWRITE, &w, &err), &err);
    for (const int *i = which; *i >= 0; i++) {
        const struct sample *s = &samples[*i];
        char country_term[16];
        snprintf(country_term, sizeof country_term, "XC%s", s->country);
        xc_doc *d = xct_doc(s->data, s->words, (const char *const[]){country_term, NULL});
        xct_set_number(d, XCT_SLOT_YEAR, s->year);
        XCT_OK(xc_doc_set_value(d, XCT_SLOT_COUNTRY, s->country, strlen(s->country), &err), &err);
        XCT_OK(xc_doc_set_value(d, XCT_SLOT_KIND, s->kind, strlen(s->kind), &err), &err);
        xct_add(w, d);
        xc_doc_free(d);
    }
    XCT_OK(xc_wdb_close(w, &err), &err);
}

const int XCT_ALL_SAMPLES[] = {0, 1, 2, 3, 4, 5, -1};
const int XCT_ODD_SAMPLES[] = {0, 2, 4, -1};
const int XCT_EVEN_SAMPLES[] = {1, 3, 5, -1};

struct facet_count {
    const char *value;
    uint32_t count;
};

static void assert_facet(const xc_mset *m, size_t k, const struct facet_count *want, size_t n) {
    xc_error err;
    assert_int_equal(xc_mset_facet_size(m, k), n);
    for (size_t i = 0; i < n; i++) {
        const char *v = NULL;
        size_t len = 0;
        uint32_t c = 0;
        XCT_OK(xc_mset_facet_get(m, k, i, &v, &len, &c, &err), &err);
        assert_string_equal(v, want[i].value);
        assert_int_equal(len, strlen(want[i].value));
        assert_int_equal(c, want[i].count);
    }
}

static const unsigned FACET_SLOTS[] = {XCT_SLOT_COUNTRY, XCT_SLOT_KIND};
static const struct facet_count ALL_COUNTRIES[] = {{"cn", 1}, {"de", 1}, {"fr", 1}, {"us", 3}};
static const struct facet_count ALL_KINDS[] = {{"economic", 1}, {"friendship", 2}, {"sister", 3}};

void xct_check_facets(xc_db *db) {
    xc_error err;
    uint32_t n = 0;
    XCT_OK(xc_db_doc_count(db, &n, &err), &err);
    xc_query *all = NULL;
    XCT_OK(xc_query_match_all(&all, &err), &err);
    xc_search_opts o;
    xc_search_opts_init(&o);
    o.limit = 1;
    o.check_at_least = n;
    o.facet_slots = FACET_SLOTS;
    o.n_facet_slots = 2;
    xc_mset *m = xct_search(db, all, &o);
    assert_int_equal(xc_mset_size(m), 1);
    assert_int_equal(xc_mset_matches_estimated(m), 6);
    assert_int_equal(xc_mset_matches_lower_bound(m), 6);
    assert_int_equal(xc_mset_matches_upper_bound(m), 6);
    assert_facet(m, 0, ALL_COUNTRIES, 4);
    assert_facet(m, 1, ALL_KINDS, 3);
    assert_int_equal(xc_mset_facet_size(m, 2), 0);
    xc_mset_free(m);

    /* Counts follow the query, not the page. */
    xc_query *q = xct_term("sister");
    m = xct_search(db, q, &o);
    assert_int_equal(xc_mset_size(m), 1);
    assert_int_equal(xc_mset_matches_estimated(m), 3);
    const struct facet_count countries[] = {{"fr", 1}, {"us", 2}};
    const struct facet_count kinds[] = {{"sister", 3}};
    assert_facet(m, 0, countries, 2);
    assert_facet(m, 1, kinds, 1);
    xc_mset_free(m);

    /* A page with limit 0 still counts. */
    o.limit = 0;
    m = xct_search(db, q, &o);
    assert_int_equal(xc_mset_size(m), 0);
    assert_facet(m, 0, countries, 2);
    xc_mset_free(m);
    xc_query_free(q);
    xc_query_free(all);
}

void xct_assert_same_results(xc_db *one, xc_db *other, xc_query *q) {
    xc_error err;
    xc_search_opts o;
    xc_search_opts_init(&o);
    o.limit = 100;
    o.check_at_least = 100;
    o.facet_slots = FACET_SLOTS;
    o.n_facet_slots = 2;
    xc_mset *a = xct_search(one, q, &o);
    xc_mset *b = xct_search(other, q, &o);
    assert_int_equal(xc_mset_size(a), xc_mset_size(b));
    assert_int_equal(xc_mset_matches_estimated(a), xc_mset_matches_estimated(b));
    for (uint32_t i = 0; i < xc_mset_size(a); i++) {
        char *da = xct_result_data(a, i);
        double wa = 0;
        XCT_OK(xc_mset_weight(a, i, &wa, &err), &err);
        bool found = false;
        for (uint32_t j = 0; j < xc_mset_size(b) && !found; j++) {
            char *data_b = xct_result_data(b, j);
            if (strcmp(da, data_b) == 0) {
                double wb = 0;
                XCT_OK(xc_mset_weight(b, j, &wb, &err), &err);
                assert_true(fabs(wa - wb) < 1e-9);
                found = true;
            }
            free(data_b);
        }
        assert_true(found);
        free(da);
    }
    for (size_t k = 0; k < 2; k++) {
        assert_int_equal(xc_mset_facet_size(a, k), xc_mset_facet_size(b, k));
        for (size_t i = 0; i < xc_mset_facet_size(a, k); i++) {
            const char *va, *vb;
            uint32_t ca, cb;
            XCT_OK(xc_mset_facet_get(a, k, i, &va, NULL, &ca, &err), &err);
            XCT_OK(xc_mset_facet_get(b, k, i, &vb, NULL, &cb, &err), &err);
            assert_string_equal(va, vb);
            assert_int_equal(ca, cb);
        }
    }
    xc_mset_free(a);
    xc_mset_free(b);
    xc_query_free(q);
}

xc_query *xct_year_range(const double *lo, const double *hi) {
    xc_error err;
    char lb[XC_SORTABLE_MAX], hb[XC_SORTABLE_MAX];
    size_t ll = lo ? xc_sortable_serialise(*lo, lb) : 0;
    size_t hl = hi ? xc_sortable_serialise(*hi, hb) : 0;
    xc_query *q = NULL;
    XCT_OK(xc_query_value_range(XCT_SLOT_YEAR, lo ? lb : NULL, ll, hi ? hb : NULL, hl, &q, &err), &err);
    return q;
}

/* Checks the order of all samples sorted by year: the same whichever shard holds them. */
static void assert_year_order(xc_db *db, bool descending) {
    static const char *const ascending[] = {"d1", "d3", "d5", "d2", "d6", "d4"};
    xc_error err;
    xc_query *all = NULL;
    XCT_OK(xc_query_match_all(&all, &err), &err);
    xc_search_opts o;
    xc_search_opts_init(&o);
    o.sort_slot = XCT_SLOT_YEAR;
    o.sort_descending = descending;
    xc_mset *m = xct_search(db, all, &o);
    assert_int_equal(xc_mset_size(m), XCT_N_SAMPLES);
    for (uint32_t i = 0; i < XCT_N_SAMPLES; i++) {
        char *data = xct_result_data(m, i);
        assert_string_equal(data, ascending[descending ? XCT_N_SAMPLES - 1 - i : i]);
        free(data);
    }
    xc_mset_free(m);
    xc_query_free(all);
}

void xct_check_same_as_one(xc_db *one, xc_db *other) {
    xct_check_facets(other);
    assert_year_order(other, false);
    assert_year_order(other, true);
    xct_assert_same_results(one, other, xct_term("agreement"));
    xct_assert_same_results(one, other, xct_terms(XC_OP_OR, 0, 2, (const char *[]){"tokyo", "osaka"}));
    xct_assert_same_results(one, other, xct_terms(XC_OP_PHRASE, 0, 2, (const char *[]){"sister", "city"}));
    xct_assert_same_results(one, other, xct_pair(XC_OP_FILTER, xct_term("agreement"), xct_term("XCus")));
    const double y1959 = 1959, y1975 = 1975;
    xct_assert_same_results(one, other, xct_year_range(&y1959, &y1975));
}
