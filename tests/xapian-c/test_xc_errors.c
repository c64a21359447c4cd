/* Failure is part of the contract: missing and damaged databases, lock conflicts, revisions
 * overwritten under a reader, over-long terms and NULL arguments all come back as a status and
 * a message, never as a crash or an exception. */
#include "tests/xapian-c/xct.h"

#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *scratch(void **state) {
    return ((xct_state *)*state)->dir;
}

/* An xc_error that shows whether a call touched it. */
static xc_error untouched(void) {
    xc_error e;
    e.status = (xc_status)77;
    strcpy(e.message, "sentinel");
    return e;
}

static void assert_untouched(const xc_error *e) {
    assert_int_equal(e->status, 77);
    assert_string_equal(e->message, "sentinel");
}

/* Checks that a failed call reported st through err with a message. */
static void assert_failed(xc_status got, xc_status want, const xc_error *err) {
    if (got != want) print_error("got %s (%s)\n", xc_status_name(got), err->message);
    assert_int_equal(got, want);
    assert_int_equal(err->status, want);
    assert_true(strlen(err->message) > 0);
}

static bool valid_utf8(const char *s) {
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        size_t n = *p < 0x80 ? 1 : (*p & 0xE0) == 0xC0 ? 2 : (*p & 0xF0) == 0xE0 ? 3 : (*p & 0xF8) == 0xF0 ? 4 : 0;
        if (n == 0) return false;
        for (size_t i = 1; i < n; i++)
            if ((p[i] & 0xC0) != 0x80) return false;
        p += n;
    }
    return true;
}

static void test_missing_database(void **state) {
    char *path = xct_path(scratch(state), "no-such-db");
    xc_error err = untouched();
    xc_db *db = NULL;
    xc_status st = xc_db_open(path, &db, &err);
    assert_true(st == XC_ERR_NOT_FOUND || st == XC_ERR_OPENING);
    assert_int_equal(err.status, st);
    assert_non_null(strstr(err.message, "Error: "));
    assert_null(db);

    xc_wdb *w = NULL;
    err = untouched();
    st = xc_wdb_open(path, XC_WDB_OPEN, &w, &err);
    assert_true(st == XC_ERR_NOT_FOUND || st == XC_ERR_OPENING);
    assert_null(w);

    /* A shard that cannot be opened leaves the database as it was. */
    XCT_OK(xc_db_open_empty(&db, &err), &err);
    st = xc_db_add_shard(db, path, &err);
    assert_true(st == XC_ERR_NOT_FOUND || st == XC_ERR_OPENING);
    uint32_t n = 99;
    XCT_OK(xc_db_doc_count(db, &n, &err), &err);
    assert_int_equal(n, 0);
    xc_db_close(db);

    /* An ordinary file is not a database either. */
    char *file = xct_path(scratch(state), "plain.txt");
    FILE *f = fopen(file, "w");
    assert_non_null(f);
    fputs("not a database\n", f);
    fclose(f);
    st = xc_db_open(file, &db, &err);
    assert_true(st != XC_OK);
    assert_true(strlen(err.message) > 0);
    free(file);
    free(path);
}

static void test_long_messages_are_cut_on_character_boundaries(void **state) {
    /* A path of multi-byte characters, longer than the message buffer, shifted by 0..2 ASCII
     * bytes so that the cut falls inside a character in at least one of the three runs. */
    for (int shift = 0; shift < 3; shift++) {
        char path[2048];
        size_t len = (size_t)snprintf(path, sizeof path, "%s/%.*s", scratch(state), shift, "xx");
        for (int part = 0; part < 6; part++) {
            path[len++] = '/';
            for (int i = 0; i < 60; i++) {
                memcpy(path + len, "協", 3);
                len += 3;
            }
        }
        path[len] = '\0';
        xc_error err;
        xc_db *db = NULL;
        assert_true(xc_db_open(path, &db, &err) != XC_OK);
        assert_true(strlen(err.message) < XC_ERROR_MESSAGE_MAX);
        assert_true(strlen(err.message) > XC_ERROR_MESSAGE_MAX - 8);
        assert_non_null(strstr(err.message, "協"));
        assert_true(valid_utf8(err.message));
    }
}

static xc_doc *small_doc(const char *key) {
    return xct_doc(key, "some words here", (const char *const[]){key, NULL});
}

static void test_second_writer_is_locked_out(void **state) {
    char *path = xct_path(scratch(state), "db");
    xc_error err;
    xc_wdb *first = NULL, *second = NULL;
    XCT_OK(xc_wdb_open(path, XC_WDB_CREATE_OR_OPEN, &first, &err), &err);
    xc_doc *d = small_doc("Qone");
    xct_add(first, d);
    xc_doc_free(d);
    XCT_OK(xc_wdb_commit(first, &err), &err);

    assert_failed(xc_wdb_open(path, XC_WDB_CREATE_OR_OPEN, &second, &err), XC_ERR_LOCKED, &err);
    assert_non_null(strstr(err.message, "DatabaseLockError"));
    assert_null(second);
    assert_failed(xc_wdb_open(path, XC_WDB_CREATE_OR_OVERWRITE, &second, &err), XC_ERR_LOCKED, &err);

    /* Readers are not blocked by the writer. */
    xc_db *db = xct_open(path);
    uint32_t n = 0;
    XCT_OK(xc_db_doc_count(db, &n, &err), &err);
    assert_int_equal(n, 1);
    xc_db_close(db);

    /* Closing releases the lock. */
    XCT_OK(xc_wdb_close(first, &err), &err);
    XCT_OK(xc_wdb_open(path, XC_WDB_OPEN, &second, &err), &err);
    XCT_OK(xc_wdb_close(second, &err), &err);
    free(path);
}

static void test_term_length_limit(void **state) {
    char *path = xct_path(scratch(state), "db");
    xc_error err;
    char longest[XC_TERM_MAX + 1], too_long[XC_TERM_MAX + 2];
    memset(longest, 'a', XC_TERM_MAX);
    longest[XC_TERM_MAX] = '\0';
    memset(too_long, 'b', XC_TERM_MAX + 1);
    too_long[XC_TERM_MAX + 1] = '\0';

    xc_doc *d = NULL;
    XCT_OK(xc_doc_new(&d, &err), &err);
    assert_failed(xc_doc_add_posting(d, too_long, 1, 1, &err), XC_ERR_INVALID, &err);
    assert_non_null(strstr(err.message, "246 bytes"));
    assert_failed(xc_doc_add_term(d, too_long, 1, &err), XC_ERR_INVALID, &err);
    assert_failed(xc_doc_add_boolean_term(d, too_long, &err), XC_ERR_INVALID, &err);
    assert_failed(xc_doc_add_term(d, "", 1, &err), XC_ERR_INVALID, &err);
    xc_query *q = NULL;
    assert_failed(xc_query_term(too_long, 1, 0, &q, &err), XC_ERR_INVALID, &err);
    assert_failed(xc_query_term("", 1, 0, &q, &err), XC_ERR_INVALID, &err);
    assert_null(q);

    /* The longest term Xapian stores goes through a commit and can be found. */
    XCT_OK(xc_doc_add_posting(d, longest, 1, 1, &err), &err);
    XCT_OK(xc_doc_add_boolean_term(d, "Qkey", &err), &err);
    xc_wdb *w = NULL;
    XCT_OK(xc_wdb_open(path, XC_WDB_CREATE_OR_OVERWRITE, &w, &err), &err);
    assert_failed(xc_wdb_replace(w, too_long, d, NULL, &err), XC_ERR_INVALID, &err);
    assert_failed(xc_wdb_delete(w, too_long, &err), XC_ERR_INVALID, &err);
    assert_failed(xc_wdb_delete(w, "", &err), XC_ERR_INVALID, &err);
    XCT_OK(xc_wdb_replace(w, "Qkey", d, NULL, &err), &err);
    XCT_OK(xc_wdb_close(w, &err), &err);
    xc_doc_free(d);

    xc_db *db = xct_open(path);
    uint32_t tf = 0;
    XCT_OK(xc_db_term_freq(db, longest, &tf, &err), &err);
    assert_int_equal(tf, 1);
    assert_failed(xc_db_term_freq(db, too_long, &tf, &err), XC_ERR_INVALID, &err);
    q = xct_term(longest);
    xc_mset *m = xct_search(db, q, NULL);
    assert_int_equal(xc_mset_size(m), 1);
    xc_mset_free(m);
    xc_query_free(q);
    xc_db_close(db);
    free(path);
}

static bool count_terms(const char *term, size_t len, uint32_t tf, void *ctx) {
    (void)term;
    (void)len;
    (void)tf;
    ++*(int *)ctx;
    return true;
}

/* Every entry point refuses NULL where it needs a value, reports it, and hands nothing back. */
static void test_null_arguments(void **state) {
    char *path = xct_path(scratch(state), "db");
    xc_error err;
    xc_wdb *w = NULL;
    XCT_OK(xc_wdb_open(path, XC_WDB_CREATE_OR_OVERWRITE, &w, &err), &err);
    xc_doc *d = small_doc("Qa");
    xct_add(w, d);
    XCT_OK(xc_wdb_commit(w, &err), &err);
    xc_db *db = xct_open(path);
    xc_query *q = xct_term("some");
    xc_mset *m = xct_search(db, q, NULL);

    uint32_t u = 0;
    char *s = NULL;
    size_t len = 0;
    xc_db *no_db = NULL;
    xc_wdb *no_wdb = NULL;
    xc_doc *no_doc = NULL;
    xc_query *no_q = NULL;
    xc_mset *no_m = NULL;
    const xc_status I = XC_ERR_INVALID;

    assert_failed(xc_db_open(NULL, &no_db, &err), I, &err);
    assert_failed(xc_db_open(path, NULL, &err), I, &err);
    assert_failed(xc_db_open_empty(NULL, &err), I, &err);
    assert_failed(xc_db_add_shard(NULL, path, &err), I, &err);
    assert_failed(xc_db_add_shard(db, NULL, &err), I, &err);
    assert_failed(xc_db_add_remote(NULL, "localhost", 1, 0, 0, &err), I, &err);
    assert_failed(xc_db_add_remote(db, NULL, 1, 0, 0, &err), I, &err);
    assert_failed(xc_db_add_remote(db, "localhost", 0, 0, 0, &err), I, &err);
    assert_failed(xc_db_add_remote(db, "localhost", 70000, 0, 0, &err), I, &err);
    assert_failed(xc_db_reopen(NULL, NULL, &err), I, &err);
    assert_failed(xc_db_doc_count(NULL, &u, &err), I, &err);
    assert_failed(xc_db_doc_count(db, NULL, &err), I, &err);
    assert_failed(xc_db_term_freq(NULL, "some", &u, &err), I, &err);
    assert_failed(xc_db_term_freq(db, NULL, &u, &err), I, &err);
    assert_failed(xc_db_term_freq(db, "some", NULL, &err), I, &err);
    assert_failed(xc_db_get_metadata(NULL, "k", &s, &len, &err), I, &err);
    assert_failed(xc_db_get_metadata(db, NULL, &s, &len, &err), I, &err);
    assert_failed(xc_db_get_metadata(db, "", &s, &len, &err), I, &err);
    assert_failed(xc_db_get_metadata(db, "k", NULL, &len, &err), I, &err);
    assert_failed(xc_db_get_document(NULL, 1, &no_doc, &err), I, &err);
    assert_failed(xc_db_get_document(db, 1, NULL, &err), I, &err);
    assert_failed(xc_db_get_document(db, 0, &no_doc, &err), I, &err);
    assert_failed(xc_db_each_term(NULL, "", count_terms, NULL, &err), I, &err);
    assert_failed(xc_db_each_term(db, "", NULL, NULL, &err), I, &err);

    assert_failed(xc_wdb_open(NULL, XC_WDB_CREATE_OR_OPEN, &no_wdb, &err), I, &err);
    assert_failed(xc_wdb_open(path, XC_WDB_CREATE_OR_OPEN, NULL, &err), I, &err);
    assert_failed(xc_wdb_open(path, 0, &no_wdb, &err), I, &err);
    assert_failed(xc_wdb_open(path, 42, &no_wdb, &err), I, &err);
    assert_failed(xc_wdb_add(NULL, d, &u, &err), I, &err);
    assert_failed(xc_wdb_add(w, NULL, &u, &err), I, &err);
    assert_failed(xc_wdb_replace(NULL, "Qa", d, &u, &err), I, &err);
    assert_failed(xc_wdb_replace(w, NULL, d, &u, &err), I, &err);
    assert_failed(xc_wdb_replace(w, "Qa", NULL, &u, &err), I, &err);
    assert_failed(xc_wdb_delete(NULL, "Qa", &err), I, &err);
    assert_failed(xc_wdb_delete(w, NULL, &err), I, &err);
    assert_failed(xc_wdb_set_metadata(NULL, "k", "v", 1, &err), I, &err);
    assert_failed(xc_wdb_set_metadata(w, NULL, "v", 1, &err), I, &err);
    assert_failed(xc_wdb_set_metadata(w, "", "v", 1, &err), I, &err);
    assert_failed(xc_wdb_set_metadata(w, "k", NULL, 1, &err), I, &err);
    assert_failed(xc_wdb_begin(NULL, &err), I, &err);
    assert_failed(xc_wdb_commit_transaction(NULL, &err), I, &err);
    assert_failed(xc_wdb_cancel_transaction(NULL, &err), I, &err);
    assert_failed(xc_wdb_commit(NULL, &err), I, &err);
    assert_failed(xc_wdb_doc_count(NULL, &u, &err), I, &err);
    assert_failed(xc_wdb_doc_count(w, NULL, &err), I, &err);
    assert_failed(xc_wdb_term_freq(NULL, "t", &u, &err), I, &err);
    assert_failed(xc_wdb_term_freq(w, "", &u, &err), I, &err);
    assert_failed(xc_wdb_term_freq(w, "t", NULL, &err), I, &err);

    assert_failed(xc_doc_new(NULL, &err), I, &err);
    assert_failed(xc_doc_add_posting(NULL, "t", 1, 1, &err), I, &err);
    assert_failed(xc_doc_add_posting(d, NULL, 1, 1, &err), I, &err);
    assert_failed(xc_doc_add_term(NULL, "t", 1, &err), I, &err);
    assert_failed(xc_doc_add_term(d, NULL, 1, &err), I, &err);
    assert_failed(xc_doc_add_boolean_term(NULL, "t", &err), I, &err);
    assert_failed(xc_doc_add_boolean_term(d, NULL, &err), I, &err);
    assert_failed(xc_doc_set_value(NULL, 0, "v", 1, &err), I, &err);
    assert_failed(xc_doc_set_value(d, 0, NULL, 1, &err), I, &err);
    assert_failed(xc_doc_set_value(d, 0xffffffffu, "v", 1, &err), I, &err);
    assert_failed(xc_doc_set_data(NULL, "v", 1, &err), I, &err);
    assert_failed(xc_doc_set_data(d, NULL, 1, &err), I, &err);
    assert_failed(xc_doc_get_data(NULL, &s, &len, &err), I, &err);
    assert_failed(xc_doc_get_data(d, NULL, &len, &err), I, &err);
    assert_failed(xc_doc_get_value(NULL, 0, &s, &len, &err), I, &err);
    assert_failed(xc_doc_get_value(d, 0, NULL, &len, &err), I, &err);
    assert_int_equal(xc_sortable_serialise(1.0, NULL), 0);
    assert_true(xc_sortable_unserialise(NULL, 3) == 0.0);

    assert_failed(xc_query_term("t", 1, 0, NULL, &err), I, &err);
    assert_failed(xc_query_match_all(NULL, &err), I, &err);
    assert_failed(xc_query_match_nothing(NULL, &err), I, &err);
    assert_failed(xc_query_combine(XC_OP_AND, NULL, 2, 0, &no_q, &err), I, &err);
    xc_query *with_null[] = {q, NULL};
    assert_failed(xc_query_combine(XC_OP_AND, with_null, 2, 0, &no_q, &err), I, &err);
    assert_failed(xc_query_combine((xc_query_op)99, with_null, 1, 0, &no_q, &err), I, &err);
    assert_failed(xc_query_combine((xc_query_op)-1, with_null, 1, 0, &no_q, &err), I, &err);
    assert_failed(xc_query_combine(XC_OP_AND, with_null, 1, 0, NULL, &err), I, &err);
    assert_failed(xc_query_value_range(0, "a", 1, "b", 1, NULL, &err), I, &err);
    assert_failed(xc_query_value_range(0xffffffffu, "a", 1, "b", 1, &no_q, &err), I, &err);
    assert_failed(xc_query_scale(NULL, 1.0, &no_q, &err), I, &err);
    assert_failed(xc_query_scale(q, 1.0, NULL, &err), I, &err);
    assert_failed(xc_query_scale(q, -1.0, &no_q, &err), I, &err);
    assert_failed(xc_query_scale(q, 0.0 / 0.0, &no_q, &err), I, &err);
    assert_null(no_q);

    xc_search_opts o;
    xc_search_opts_init(&o);
    assert_failed(xc_search(NULL, q, &o, &no_m, &err), I, &err);
    assert_failed(xc_search(db, NULL, &o, &no_m, &err), I, &err);
    assert_failed(xc_search(db, q, &o, NULL, &err), I, &err);
    o.sort_slot = -2;
    assert_failed(xc_search(db, q, &o, &no_m, &err), I, &err);
    xc_search_opts_init(&o);
    o.n_facet_slots = 1;
    assert_failed(xc_search(db, q, &o, &no_m, &err), I, &err);
    xc_search_opts_init(&o);
    o.bm25_b = 1.5;
    assert_failed(xc_search(db, q, &o, &no_m, &err), I, &err);
    assert_null(no_m);

    assert_failed(xc_mset_docid(NULL, 0, &u, &err), I, &err);
    assert_failed(xc_mset_docid(m, 0, NULL, &err), I, &err);
    assert_failed(xc_mset_docid(m, xc_mset_size(m), &u, &err), I, &err);
    double wt;
    assert_failed(xc_mset_weight(NULL, 0, &wt, &err), I, &err);
    assert_failed(xc_mset_weight(m, 0, NULL, &err), I, &err);
    assert_failed(xc_mset_weight(m, 7, &wt, &err), I, &err);
    assert_failed(xc_mset_document(NULL, 0, &no_doc, &err), I, &err);
    assert_failed(xc_mset_document(m, 0, NULL, &err), I, &err);
    assert_failed(xc_mset_document(m, 7, &no_doc, &err), I, &err);
    const char *v = NULL;
    assert_failed(xc_mset_facet_get(NULL, 0, 0, &v, &len, &u, &err), I, &err);
    assert_failed(xc_mset_facet_get(m, 0, 0, &v, &len, &u, &err), I, &err); /* no facets asked */
    assert_null(no_doc);
    assert_null(v);

    /* Functions without a status answer harmlessly. */
    assert_int_equal(xc_mset_size(NULL), 0);
    assert_int_equal(xc_mset_matches_estimated(NULL), 0);
    assert_int_equal(xc_mset_matches_lower_bound(NULL), 0);
    assert_int_equal(xc_mset_matches_upper_bound(NULL), 0);
    assert_int_equal(xc_mset_facet_size(NULL, 0), 0);
    assert_int_equal(xc_mset_facet_size(m, 3), 0);
    xc_search_opts_init(NULL);
    xc_db_close(NULL);
    xc_doc_free(NULL);
    xc_query_free(NULL);
    xc_mset_free(NULL);
    XCT_OK(xc_wdb_close(NULL, &err), &err);

    /* err may be NULL: the status alone comes back. */
    assert_int_equal(xc_db_open(NULL, &no_db, NULL), I);
    assert_int_equal(xc_query_term("", 1, 0, &no_q, NULL), I);
    assert_int_equal(xc_db_get_document(db, 999, &no_doc, NULL), XC_ERR_NOT_FOUND);
    XCT_OK(xc_db_doc_count(db, &u, NULL), NULL);

    /* Success leaves err as it was. */
    err = untouched();
    XCT_OK(xc_db_doc_count(db, &u, &err), &err);
    XCT_OK(xc_doc_add_term(d, "more", 1, &err), &err);
    int n = 0;
    XCT_OK(xc_db_each_term(db, NULL, count_terms, &n, &err), &err);
    assert_true(n > 0);
    assert_untouched(&err);

    xc_mset_free(m);
    xc_query_free(q);
    xc_doc_free(d);
    xc_db_close(db);
    XCT_OK(xc_wdb_close(w, &err), &err);
    free(path);
}

static void test_phrase_needs_positions(void **state) {
    char *path = xct_path(scratch(state), "db");
    xc_error err;
    xc_wdb *w = NULL;
    XCT_OK(xc_wdb_open(path, XC_WDB_CREATE_OR_OVERWRITE, &w, &err), &err);
    xc_doc *d = NULL;
    XCT_OK(xc_doc_new(&d, &err), &err);
    XCT_OK(xc_doc_add_term(d, "sister", 1, &err), &err);
    XCT_OK(xc_doc_add_term(d, "city", 1, &err), &err);
    xct_add(w, d);
    xc_doc_free(d);
    /* Xapian treats PHRASE as AND in a database without any positions; this one has some. */
    d = xct_doc("positioned", "city sister", NULL);
    xct_add(w, d);
    xc_doc_free(d);
    XCT_OK(xc_wdb_close(w, &err), &err);

    /* Terms without positions match AND but never a phrase. */
    xc_db *db = xct_open(path);
    const char *words[] = {"sister", "city"};
    xc_query *and = xct_terms(XC_OP_AND, 0, 2, words);
    xc_query *phrase = xct_terms(XC_OP_PHRASE, 0, 2, words);
    xc_mset *m = xct_search(db, and, NULL);
    assert_int_equal(xc_mset_size(m), 2);
    xc_mset_free(m);
    m = xct_search(db, phrase, NULL);
    assert_int_equal(xc_mset_size(m), 0);
    xc_mset_free(m);

    /* A phrase over something other than terms is refused, as a status. */
    xc_query *subs[] = {and, phrase};
    xc_query *odd = NULL;
    assert_failed(xc_query_combine(XC_OP_PHRASE, subs, 2, 0, &odd, &err), XC_ERR_XAPIAN, &err);
    assert_non_null(strstr(err.message, "UnimplementedError"));
    assert_null(odd);
    xc_query_free(and);
    xc_query_free(phrase);
    xc_db_close(db);
    free(path);
}

/* Writes n documents, each with the term "common" and data "doc <i> gen <gen>", replacing those
 * of earlier generations; every generation rewrites every posting list. */
static void write_generation(const char *path, int n, int gen) {
    xc_error err;
    xc_wdb *w = NULL;
    XCT_OK(xc_wdb_open(path, XC_WDB_CREATE_OR_OPEN, &w, &err), &err);
    for (int i = 0; i < n; i++) {
        char key[32], data[64], word[32];
        snprintf(key, sizeof key, "Q%d", i);
        snprintf(data, sizeof data, "doc %d gen %d", i, gen);
        xc_doc *d = NULL;
        XCT_OK(xc_doc_new(&d, &err), &err);
        XCT_OK(xc_doc_set_data(d, data, strlen(data), &err), &err);
        XCT_OK(xc_doc_add_boolean_term(d, key, &err), &err);
        XCT_OK(xc_doc_add_term(d, "common", 1, &err), &err);
        for (int j = 0; j < 20; j++) {
            snprintf(word, sizeof word, "w%d", (i * 7 + j + gen) % 500);
            XCT_OK(xc_doc_add_posting(d, word, (uint32_t)j + 1, 1, &err), &err);
        }
        XCT_OK(xc_wdb_replace(w, key, d, NULL, &err), &err);
        xc_doc_free(d);
    }
    XCT_OK(xc_wdb_close(w, &err), &err);
}

static void test_reader_outrun_by_writer_reopens(void **state) {
    enum { DOCS = 300 };
    char *path = xct_path(scratch(state), "db");
    write_generation(path, DOCS, 0);
    xc_db *db = xct_open(path);
    /* Glass keeps the revision a reader sees only until the writer has committed twice more. */
    for (int gen = 1; gen <= 3; gen++) write_generation(path, DOCS, gen);

    xc_error err;
    xc_query *q = xct_term("common");
    xc_search_opts o;
    xc_search_opts_init(&o);
    o.limit = DOCS;
    xc_mset *m = NULL;
    assert_failed(xc_search(db, q, &o, &m, &err), XC_ERR_MODIFIED, &err);
    assert_non_null(strstr(err.message, "DatabaseModifiedError"));
    assert_null(m);

    bool changed = false;
    XCT_OK(xc_db_reopen(db, &changed, &err), &err);
    assert_true(changed);
    m = xct_search(db, q, &o);
    assert_int_equal(xc_mset_size(m), DOCS);
    char *data = xct_result_data(m, 0);
    assert_non_null(strstr(data, "gen 3"));
    free(data);
    xc_mset_free(m);

    XCT_OK(xc_db_reopen(db, NULL, &err), &err);
    XCT_OK(xc_db_reopen(db, &changed, &err), &err);
    assert_false(changed);
    xc_query_free(q);
    xc_db_close(db);
    free(path);
}

/* Rewrites a file of the database: cut to a given size, or every seventh byte changed. */
static void damage(const char *dir, const char *file, long keep) {
    char *path = xct_path(dir, file);
    if (keep >= 0) {
        assert_int_equal(truncate(path, keep), 0);
    } else {
        FILE *f = fopen(path, "r+b");
        assert_non_null(f);
        int c;
        long pos = 0;
        while ((c = fgetc(f)) != EOF) {
            if (pos % 7 == 0) {
                fseek(f, pos, SEEK_SET);
                fputc((c * 31 + 17) & 0xff, f);
                fseek(f, pos + 1, SEEK_SET);
            }
            pos++;
        }
        fclose(f);
    }
    free(path);
}

/* Opens and reads everything; returns the first failure, XC_OK if none. */
static xc_status read_all(const char *path, xc_error *err) {
    xc_db *db = NULL;
    xc_status st = xc_db_open(path, &db, err);
    if (st) return st;
    xc_query *q = xct_term("common");
    xc_search_opts o;
    xc_search_opts_init(&o);
    o.limit = 1000;
    xc_mset *m = NULL;
    st = xc_search(db, q, &o, &m, err);
    for (uint32_t i = 0; st == XC_OK && i < xc_mset_size(m); i++) {
        xc_doc *d = NULL;
        st = xc_mset_document(m, i, &d, err);
        char *data = NULL;
        if (st == XC_OK) st = xc_doc_get_data(d, &data, NULL, err);
        free(data);
        xc_doc_free(d);
    }
    xc_mset_free(m);
    xc_query_free(q);
    xc_db_close(db);
    return st;
}

static void test_damaged_files_give_errors(void **state) {
    static const struct {
        const char *file;
        long keep; /* -1: garble */
    } cases[] = {
        {"postlist.glass", 0}, {"postlist.glass", 8192}, {"postlist.glass", -1},
        {"termlist.glass", -1}, {"docdata.glass", 0}, {"docdata.glass", -1},
        {"iamglass", 0},        {"iamglass", -1},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char name[32];
        snprintf(name, sizeof name, "db%zu", i);
        char *path = xct_path(scratch(state), name);
        write_generation(path, 200, 0);
        xc_error err;
        assert_int_equal(read_all(path, &err), XC_OK);
        damage(path, cases[i].file, cases[i].keep);
        memset(&err, 0, sizeof err);
        xc_status st = read_all(path, &err);
        if (st == XC_OK) print_error("%s damaged (%ld) still reads\n", cases[i].file, cases[i].keep);
        assert_int_not_equal(st, XC_OK);
        assert_int_equal(err.status, st);
        assert_true(strlen(err.message) > 0);
        free(path);
    }
}

/* The fault trap, in a child process (the trap is for the whole process and, once sprung, makes
 * every later call fail). A fault raised while a call is inside the binding — here from the
 * callback of xc_db_each_term, as a damaged table would make Xapian fault — ends that call with
 * XC_ERR_CORRUPT, and every later call too; a fault outside any call goes to the handler that was
 * there before the trap. The child's exit status says which step went wrong. */
static volatile sig_atomic_t trap_step;

static void previous_handler(int sig) {
    (void)sig;
    _exit(trap_step == 3 ? 0 : 20 + trap_step); /* 0: reached only by the fault outside a call */
}

static bool fault_now(const char *term, size_t len, uint32_t freq, void *ctx) {
    (void)term, (void)len, (void)freq;
    ++*(int *)ctx;
    raise(SIGSEGV);
    return true;
}

__attribute__((noinline)) static int trap_steps(const char *path) {
    xc_db *db;
    xc_error err;
    if (xc_db_open(path, &db, &err) != XC_OK) return 10;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = previous_handler;
    sigemptyset(&sa.sa_mask);
    if (sigaction(SIGSEGV, &sa, NULL) != 0 || xc_trap_faults(&err) != XC_OK) return 11;
    trap_step = 1;
    int calls = 0;
    if (xc_db_each_term(db, "", fault_now, &calls, &err) != XC_ERR_CORRUPT || calls != 1) return 12;
    if (err.status != XC_ERR_CORRUPT || !strstr(err.message, "crashed inside Xapian")) return 13;
    trap_step = 2;
    uint32_t freq;
    if (xc_db_term_freq(db, "alpha", &freq, &err) != XC_ERR_CORRUPT) return 14;
    trap_step = 3;
    raise(SIGSEGV); /* outside any call: previous_handler exits 0 */
    return 15;
}

static void test_fault_inside_a_call_is_trapped(void **state) {
    char *path = xct_path(scratch(state), "db");
    write_generation(path, 20, 0);
    fflush(NULL);
    pid_t child = fork();
    assert_true(child >= 0);
    if (child == 0) _exit(trap_steps(path));
    int status;
    assert_int_equal(waitpid(child, &status, 0), child);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        print_error("child: %s %d\n", WIFEXITED(status) ? "exit" : "signal",
                    WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
    free(path);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_missing_database, xct_setup, xct_teardown),
        cmocka_unit_test_setup_teardown(test_long_messages_are_cut_on_character_boundaries, xct_setup, xct_teardown),
        cmocka_unit_test_setup_teardown(test_second_writer_is_locked_out, xct_setup, xct_teardown),
        cmocka_unit_test_setup_teardown(test_term_length_limit, xct_setup, xct_teardown),
        cmocka_unit_test_setup_teardown(test_null_arguments, xct_setup, xct_teardown),
        cmocka_unit_test_setup_teardown(test_phrase_needs_positions, xct_setup, xct_teardown),
        cmocka_unit_test_setup_teardown(test_reader_outrun_by_writer_reopens, xct_setup, xct_teardown),
        cmocka_unit_test_setup_teardown(test_damaged_files_give_errors, xct_setup, xct_teardown),
        cmocka_unit_test_setup_teardown(test_fault_inside_a_call_is_trapped, xct_setup, xct_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
