/* Writing and reading back: documents, replace/delete by unique term, values, metadata,
 * transactions, term listing, and the sortable number encoding. */
#include "tests/xapian-c/xct.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

static char *db_path(void **state) {
    return xct_path(((xct_state *)*state)->dir, "db");
}

static xc_wdb *open_writer(const char *path, int mode) {
    xc_error err;
    xc_wdb *w = NULL;
    XCT_OK(xc_wdb_open(path, mode, &w, &err), &err);
    return w;
}

static void close_writer(xc_wdb *w) {
    xc_error err;
    XCT_OK(xc_wdb_close(w, &err), &err);
}

static uint32_t db_count(const char *path) {
    xc_error err;
    xc_db *db = xct_open(path);
    uint32_t n = 0;
    XCT_OK(xc_db_doc_count(db, &n, &err), &err);
    xc_db_close(db);
    return n;
}

static uint32_t term_freq(xc_db *db, const char *term) {
    xc_error err;
    uint32_t n = 99;
    XCT_OK(xc_db_term_freq(db, term, &n, &err), &err);
    return n;
}

static void add_keyed(xc_wdb *w, const char *key, const char *data, const char *words) {
    xc_error err;
    const char *extra[] = {key, NULL};
    xc_doc *d = xct_doc(data, words, extra);
    XCT_OK(xc_wdb_replace(w, key, d, NULL, &err), &err);
    xc_doc_free(d);
}

static void test_add_replace_delete(void **state) {
    char *path = db_path(state);
    xc_error err;
    xc_wdb *w = open_writer(path, XC_WDB_CREATE_OR_OVERWRITE);

    add_keyed(w, "Qa1", "first", "sister city tokyo");
    add_keyed(w, "Qa2", "second", "friendship osaka");
    add_keyed(w, "Qa3", "third", "sister city kyoto");
    uint32_t n = 0;
    XCT_OK(xc_wdb_doc_count(w, &n, &err), &err);
    assert_int_equal(n, 3);

    /* Replacing by the unique term keeps one document, with the new content and the same id. */
    xc_doc *d = xct_doc("second, revised", "friendship sapporo", (const char *const[]){"Qa2", NULL});
    uint32_t id = 0;
    XCT_OK(xc_wdb_replace(w, "Qa2", d, &id, &err), &err);
    xc_doc_free(d);
    assert_int_equal(id, 2);
    XCT_OK(xc_wdb_term_freq(w, "Qa3", &n, &err), &err);
    assert_int_equal(n, 1);
    XCT_OK(xc_wdb_delete(w, "Qa3", &err), &err);
    /* the writer sees its own pending changes */
    XCT_OK(xc_wdb_term_freq(w, "Qa3", &n, &err), &err);
    assert_int_equal(n, 0);
    XCT_OK(xc_wdb_term_freq(w, "sister", &n, &err), &err);
    assert_int_equal(n, 1);
    /* Deleting a term no document has is not an error. */
    XCT_OK(xc_wdb_delete(w, "Qnone", &err), &err);
    XCT_OK(xc_wdb_doc_count(w, &n, &err), &err);
    assert_int_equal(n, 2);
    close_writer(w);

    xc_db *db = xct_open(path);
    XCT_OK(xc_db_doc_count(db, &n, &err), &err);
    assert_int_equal(n, 2);
    assert_int_equal(term_freq(db, "osaka"), 0);
    assert_int_equal(term_freq(db, "sapporo"), 1);
    assert_int_equal(term_freq(db, "kyoto"), 0);
    assert_int_equal(term_freq(db, "sister"), 1);

    xc_doc *got = NULL;
    XCT_OK(xc_db_get_document(db, 2, &got, &err), &err);
    char *data = NULL;
    size_t len = 0;
    XCT_OK(xc_doc_get_data(got, &data, &len, &err), &err);
    assert_string_equal(data, "second, revised");
    assert_int_equal(len, strlen("second, revised"));
    free(data);
    xc_doc_free(got);

    /* The deleted document is gone. */
    got = NULL;
    memset(&err, 0, sizeof err);
    assert_int_equal(xc_db_get_document(db, 3, &got, &err), XC_ERR_NOT_FOUND);
    assert_int_equal(err.status, XC_ERR_NOT_FOUND);
    assert_non_null(strstr(err.message, "DocNotFoundError"));
    assert_null(got);
    xc_db_close(db);
    free(path);
}

static void test_values_and_data_hold_bytes(void **state) {
    char *path = db_path(state);
    xc_error err;
    xc_wdb *w = open_writer(path, XC_WDB_CREATE_OR_OVERWRITE);
    xc_doc *d = NULL;
    XCT_OK(xc_doc_new(&d, &err), &err);
    const char data[] = {'a', '\0', 'b', '\xff'};
    XCT_OK(xc_doc_set_data(d, data, sizeof data, &err), &err);
    XCT_OK(xc_doc_set_value(d, 3, "\0\1\2", 3, &err), &err);
    XCT_OK(xc_doc_set_value(d, 7, "北海道", strlen("北海道"), &err), &err);
    XCT_OK(xc_doc_set_value(d, 9, "gone", 4, &err), &err);
    XCT_OK(xc_doc_set_value(d, 9, NULL, 0, &err), &err);
    XCT_OK(xc_doc_add_term(d, "unpositioned", 3, &err), &err);
    uint32_t id = xct_add(w, d);
    xc_doc_free(d);
    close_writer(w);

    xc_db *db = xct_open(path);
    XCT_OK(xc_db_get_document(db, id, &d, &err), &err);
    xc_db_close(db); /* a document read from a database outlives the handle */
    char *out = NULL;
    size_t len = 0;
    XCT_OK(xc_doc_get_data(d, &out, &len, &err), &err);
    assert_int_equal(len, sizeof data);
    assert_memory_equal(out, data, sizeof data);
    assert_int_equal(out[len], '\0');
    free(out);
    XCT_OK(xc_doc_get_value(d, 3, &out, &len, &err), &err);
    assert_int_equal(len, 3);
    assert_memory_equal(out, "\0\1\2", 3);
    free(out);
    XCT_OK(xc_doc_get_value(d, 7, &out, NULL, &err), &err);
    assert_string_equal(out, "北海道");
    free(out);
    XCT_OK(xc_doc_get_value(d, 9, &out, &len, &err), &err);
    assert_int_equal(len, 0);
    assert_string_equal(out, "");
    free(out);
    xc_doc_free(d);
    free(path);
}

static void test_metadata(void **state) {
    char *path = db_path(state);
    xc_error err;
    xc_wdb *w = open_writer(path, XC_WDB_CREATE_OR_OVERWRITE);
    XCT_OK(xc_wdb_set_metadata(w, "schema", "3", 1, &err), &err);
    XCT_OK(xc_wdb_set_metadata(w, "blob", "x\0y", 3, &err), &err);
    XCT_OK(xc_wdb_set_metadata(w, "dropped", "v", 1, &err), &err);
    XCT_OK(xc_wdb_set_metadata(w, "dropped", NULL, 0, &err), &err);
    close_writer(w);

    xc_db *db = xct_open(path);
    char *v = NULL;
    size_t len = 0;
    XCT_OK(xc_db_get_metadata(db, "schema", &v, &len, &err), &err);
    assert_string_equal(v, "3");
    assert_int_equal(len, 1);
    free(v);
    XCT_OK(xc_db_get_metadata(db, "blob", &v, &len, &err), &err);
    assert_int_equal(len, 3);
    assert_memory_equal(v, "x\0y", 3);
    free(v);
    XCT_OK(xc_db_get_metadata(db, "dropped", &v, &len, &err), &err);
    assert_string_equal(v, "");
    assert_int_equal(len, 0);
    free(v);
    XCT_OK(xc_db_get_metadata(db, "never-set", &v, NULL, &err), &err);
    assert_string_equal(v, "");
    free(v);
    xc_db_close(db);
    free(path);
}

static void test_transactions(void **state) {
    char *path = db_path(state);
    xc_error err;
    xc_wdb *w = open_writer(path, XC_WDB_CREATE_OR_OVERWRITE);
    add_keyed(w, "Qbase", "base", "base");
    /* begin commits what was pending before it. */
    XCT_OK(xc_wdb_begin(w, &err), &err);
    assert_int_equal(db_count(path), 1);

    add_keyed(w, "Qx", "cancelled", "cancelled words");
    XCT_OK(xc_wdb_set_metadata(w, "k", "cancelled", 9, &err), &err);
    XCT_OK(xc_wdb_cancel_transaction(w, &err), &err);
    uint32_t n = 0;
    XCT_OK(xc_wdb_doc_count(w, &n, &err), &err);
    assert_int_equal(n, 1);

    XCT_OK(xc_wdb_begin(w, &err), &err);
    add_keyed(w, "Qy", "kept", "kept words");
    XCT_OK(xc_wdb_set_metadata(w, "k", "kept", 4, &err), &err);
    /* Nothing of an open transaction is visible to readers. */
    assert_int_equal(db_count(path), 1);
    XCT_OK(xc_wdb_commit_transaction(w, &err), &err);
    assert_int_equal(db_count(path), 2);

    /* Misuse is reported, not fatal. */
    assert_int_equal(xc_wdb_commit_transaction(w, &err), XC_ERR_INVALID);
    assert_int_equal(xc_wdb_cancel_transaction(w, &err), XC_ERR_INVALID);
    XCT_OK(xc_wdb_begin(w, &err), &err);
    assert_int_equal(xc_wdb_begin(w, &err), XC_ERR_INVALID);
    assert_int_equal(xc_wdb_commit(w, &err), XC_ERR_INVALID);

    /* Closing inside a transaction cancels it. */
    add_keyed(w, "Qz", "lost", "lost words");
    close_writer(w);

    xc_db *db = xct_open(path);
    XCT_OK(xc_db_doc_count(db, &n, &err), &err);
    assert_int_equal(n, 2);
    assert_int_equal(term_freq(db, "cancelled"), 0);
    assert_int_equal(term_freq(db, "kept"), 1);
    assert_int_equal(term_freq(db, "lost"), 0);
    char *v = NULL;
    XCT_OK(xc_db_get_metadata(db, "k", &v, NULL, &err), &err);
    assert_string_equal(v, "kept");
    free(v);
    xc_db_close(db);
    free(path);
}

static void test_close_commits_pending_changes(void **state) {
    char *path = db_path(state);
    xc_error err;
    xc_wdb *w = open_writer(path, XC_WDB_CREATE_OR_OVERWRITE);
    add_keyed(w, "Qa", "a", "alpha");
    XCT_OK(xc_wdb_commit(w, &err), &err);
    add_keyed(w, "Qb", "b", "beta");
    close_writer(w);
    assert_int_equal(db_count(path), 2);

    /* Reopening keeps the contents; overwriting empties. */
    w = open_writer(path, XC_WDB_OPEN);
    close_writer(w);
    assert_int_equal(db_count(path), 2);
    w = open_writer(path, XC_WDB_CREATE_OR_OPEN);
    close_writer(w);
    assert_int_equal(db_count(path), 2);
    w = open_writer(path, XC_WDB_CREATE_OR_OVERWRITE);
    close_writer(w);
    assert_int_equal(db_count(path), 0);
    free(path);
}

struct term_list {
    char terms[16][32];
    uint32_t freqs[16];
    size_t n, stop_after;
};

static bool collect_term(const char *term, size_t len, uint32_t termfreq, void *ctx) {
    struct term_list *l = ctx;
    assert_true(l->n < 16 && len < 32);
    memcpy(l->terms[l->n], term, len);
    l->terms[l->n][len] = '\0';
    l->freqs[l->n] = termfreq;
    l->n++;
    return l->n != l->stop_after;
}

static void test_each_term_with_prefix(void **state) {
    char *path = db_path(state);
    xc_error err;
    xc_wdb *w = open_writer(path, XC_WDB_CREATE_OR_OVERWRITE);
    xc_doc *d = xct_doc("1", "apple", (const char *const[]){"XCus", "XCjp", "XTsister", NULL});
    xct_add(w, d);
    xc_doc_free(d);
    d = xct_doc("2", "banana", (const char *const[]){"XCfr", "XCjp", NULL});
    xct_add(w, d);
    xc_doc_free(d);
    close_writer(w);

    xc_db *db = xct_open(path);
    struct term_list l = {0};
    XCT_OK(xc_db_each_term(db, "XC", collect_term, &l, &err), &err);
    assert_int_equal(l.n, 3);
    assert_string_equal(l.terms[0], "XCfr");
    assert_int_equal(l.freqs[0], 1);
    assert_string_equal(l.terms[1], "XCjp");
    assert_int_equal(l.freqs[1], 2);
    assert_string_equal(l.terms[2], "XCus");
    assert_int_equal(l.freqs[2], 1);

    /* The callback stops the walk. */
    memset(&l, 0, sizeof l);
    l.stop_after = 2;
    XCT_OK(xc_db_each_term(db, NULL, collect_term, &l, &err), &err);
    assert_int_equal(l.n, 2);
    assert_string_equal(l.terms[0], "XCfr");
    assert_string_equal(l.terms[1], "XCjp");

    /* No term with the prefix: no call. */
    memset(&l, 0, sizeof l);
    XCT_OK(xc_db_each_term(db, "ZZ", collect_term, &l, &err), &err);
    assert_int_equal(l.n, 0);

    /* Every term: 2 words + 4 distinct boolean terms. */
    memset(&l, 0, sizeof l);
    XCT_OK(xc_db_each_term(db, "", collect_term, &l, &err), &err);
    assert_int_equal(l.n, 6);
    assert_string_equal(l.terms[0], "XCfr");
    assert_string_equal(l.terms[5], "banana");
    xc_db_close(db);
    free(path);
}

static void test_sortable_serialise(void **state) {
    (void)state;
    const double numbers[] = {-1e9, -2.5, -1, 0, 0.25, 1, 2, 1987, 20240101, 1e300};
    const size_t n = sizeof numbers / sizeof numbers[0];
    char prev[XC_SORTABLE_MAX];
    size_t prev_len = 0;
    for (size_t i = 0; i < n; i++) {
        char buf[XC_SORTABLE_MAX];
        size_t len = xc_sortable_serialise(numbers[i], buf);
        assert_true(len > 0 && len <= XC_SORTABLE_MAX);
        assert_true(xc_sortable_unserialise(buf, len) == numbers[i]);
        if (i > 0) {
            /* Byte order follows numeric order. */
            size_t common = len < prev_len ? len : prev_len;
            int c = memcmp(prev, buf, common);
            assert_true(c < 0 || (c == 0 && prev_len < len));
        }
        memcpy(prev, buf, len);
        prev_len = len;
    }
}

static void test_status_names(void **state) {
    (void)state;
    assert_string_equal(xc_status_name(XC_OK), "ok");
    assert_string_equal(xc_status_name(XC_ERR_LOCKED), "database locked");
    assert_string_equal(xc_status_name(XC_ERR_MODIFIED), "database modified");
    assert_string_equal(xc_status_name((xc_status)1234), "unknown status");
    for (int st = XC_OK; st <= XC_ERR_XAPIAN; st++) {
        assert_non_null(xc_status_name((xc_status)st));
        assert_string_not_equal(xc_status_name((xc_status)st), "unknown status");
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_add_replace_delete, xct_setup, xct_teardown),
        cmocka_unit_test_setup_teardown(test_values_and_data_hold_bytes, xct_setup, xct_teardown),
        cmocka_unit_test_setup_teardown(test_metadata, xct_setup, xct_teardown),
        cmocka_unit_test_setup_teardown(test_transactions, xct_setup, xct_teardown),
        cmocka_unit_test_setup_teardown(test_close_commits_pending_changes, xct_setup, xct_teardown),
        cmocka_unit_test_setup_teardown(test_each_term_with_prefix, xct_setup, xct_teardown),
        cmocka_unit_test(test_sortable_serialise),
        cmocka_unit_test(test_status_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
