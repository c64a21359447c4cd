/* Shared helpers for the xapian-c tests: a scratch directory per test, and small builders for
 * documents and queries that fail the running test (instead of returning a status) when the
 * binding reports an error, so the tests themselves read as what they check. */
#ifndef XCT_H
#define XCT_H

/* First, so that every test checks that the header stands on its own in C. */
#include "xapian-c/xc.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

/* Per-test state: a fresh directory under $TMPDIR (or /tmp), removed by the teardown. */
typedef struct xct_state {
    char *dir;
} xct_state;

int xct_setup(void **state);
int xct_teardown(void **state);

/* dir + "/" + name; malloc'd, caller frees. */
char *xct_path(const char *dir, const char *name);

/* Removes path and everything below it. */
void xct_rmtree(const char *path);

/* Fails the test, printing the status and message, when st is not XC_OK. */
#define XCT_OK(st, err) xct_ok((st), (err), #st, __FILE__, __LINE__)
void xct_ok(xc_status st, const xc_error *err, const char *expr, const char *file, int line);

/* A document whose words (separated by spaces) are indexed with positions 1, 2, ...; data is
 * stored as is; extra is a NULL-terminated list of boolean terms. Caller frees. */
xc_doc *xct_doc(const char *data, const char *words, const char *const *extra);

/* Sets slot to the sortable form of value. */
void xct_set_number(xc_doc *d, unsigned slot, double value);

/* Adds d to w and returns its docid. */
uint32_t xct_add(xc_wdb *w, xc_doc *d);

/* Term query, and a combination of n term queries (each a word) with op. Caller frees. */
xc_query *xct_term(const char *term);
xc_query *xct_terms(xc_query_op op, uint32_t window, size_t n, const char *const *terms);
/* Combines two queries (which it frees). */
xc_query *xct_pair(xc_query_op op, xc_query *a, xc_query *b);

/* Runs q with o and fails the test on error. */
xc_mset *xct_search(xc_db *db, const xc_query *q, const xc_search_opts *o);

/* The stored data of result i, malloc'd; caller frees. */
char *xct_result_data(const xc_mset *m, uint32_t i);

/* Opens path for reading. */
xc_db *xct_open(const char *path);

#endif
