#define _XOPEN_SOURCE 700 /* nftw */
#include "tests/xapian-c/xct.h"

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int xct_setup(void **state) {
    xct_state *s = calloc(1, sizeof *s);
    if (!s) return -1;
    const char *tmp = getenv("TMPDIR");
    if (!tmp || !*tmp) tmp = "/tmp";
    s->dir = xct_path(tmp, "kyotei-xc-XXXXXX");
    if (!mkdtemp(s->dir)) {
        perror("mkdtemp");
        free(s->dir);
        free(s);
        return -1;
    }
    *state = s;
    return 0;
}

int xct_teardown(void **state) {
    xct_state *s = *state;
    if (s) {
        xct_rmtree(s->dir);
        free(s->dir);
        free(s);
    }
    return 0;
}

char *xct_path(const char *dir, const char *name) {
    size_t n = strlen(dir) + 1 + strlen(name) + 1;
    char *p = malloc(n);
    assert_non_null(p);
    snprintf(p, n, "%s/%s", dir, name);
    return p;
}

static int remove_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw) {
    (void)sb;
    (void)flag;
    (void)ftw;
    if (remove(path) != 0) perror(path);
    return 0;
}

void xct_rmtree(const char *path) {
    nftw(path, remove_one, 16, FTW_DEPTH | FTW_PHYS);
}

void xct_ok(xc_status st, const xc_error *err, const char *expr, const char *file, int line) {
    if (st == XC_OK) return;
    print_error("%s returned %s: %s\n", expr, xc_status_name(st), err ? err->message : "(no xc_error)");
    _fail(file, line);
}

xc_doc *xct_doc(const char *data, const char *words, const char *const *extra) {
    xc_error err;
    xc_doc *d = NULL;
    XCT_OK(xc_doc_new(&d, &err), &err);
    XCT_OK(xc_doc_set_data(d, data, strlen(data), &err), &err);
    char *copy = strdup(words);
    assert_non_null(copy);
    uint32_t pos = 1;
    char *save = NULL;
    for (char *w = strtok_r(copy, " ", &save); w; w = strtok_r(NULL, " ", &save))
        XCT_OK(xc_doc_add_posting(d, w, pos++, 1, &err), &err);
    free(copy);
    for (size_t i = 0; extra && extra[i]; i++) XCT_OK(xc_doc_add_boolean_term(d, extra[i], &err), &err);
    return d;
}

void xct_set_number(xc_doc *d, unsigned slot, double value) {
    xc_error err;
    char buf[XC_SORTABLE_MAX];
    size_t n = xc_sortable_serialise(value, buf);
    assert_true(n > 0);
    XCT_OK(xc_doc_set_value(d, slot, buf, n, &err), &err);
}

uint32_t xct_add(xc_wdb *w, xc_doc *d) {
    xc_error err;
    uint32_t id = 0;
    XCT_OK(xc_wdb_add(w, d, &id, &err), &err);
    assert_true(id > 0);
    return id;
}

xc_query *xct_term(const char *term) {
    xc_error err;
    xc_query *q = NULL;
    XCT_OK(xc_query_term(term, 1, 0, &q, &err), &err);
    return q;
}

xc_query *xct_terms(xc_query_op op, uint32_t window, size_t n, const char *const *terms) {
    xc_error err;
    xc_query *subs[16];
    assert_true(n <= 16);
    for (size_t i = 0; i < n; i++) XCT_OK(xc_query_term(terms[i], 1, (uint32_t)i + 1, &subs[i], &err), &err);
    xc_query *q = NULL;
    XCT_OK(xc_query_combine(op, subs, n, window, &q, &err), &err);
    for (size_t i = 0; i < n; i++) xc_query_free(subs[i]);
    return q;
}

xc_query *xct_pair(xc_query_op op, xc_query *a, xc_query *b) {
    xc_error err;
    xc_query *subs[2] = {a, b};
    xc_query *q = NULL;
    XCT_OK(xc_query_combine(op, subs, 2, 0, &q, &err), &err);
    xc_query_free(a);
    xc_query_free(b);
    return q;
}

xc_mset *xct_search(xc_db *db, const xc_query *q, const xc_search_opts *o) {
    xc_error err;
    xc_mset *m = NULL;
    XCT_OK(xc_search(db, q, o, &m, &err), &err);
    assert_non_null(m);
    return m;
}

char *xct_result_data(const xc_mset *m, uint32_t i) {
    xc_error err;
    xc_doc *d = NULL;
    XCT_OK(xc_mset_document(m, i, &d, &err), &err);
    char *data = NULL;
    XCT_OK(xc_doc_get_data(d, &data, NULL, &err), &err);
    xc_doc_free(d);
    return data;
}

xc_db *xct_open(const char *path) {
    xc_error err;
    xc_db *db = NULL;
    XCT_OK(xc_db_open(path, &db, &err), &err);
    return db;
}
