/* The six-document sample collection shared by the search and remote tests, with the checks
 * that a database holding it (whole, or split into shards, local or remote) must pass. */
#ifndef XCT_SAMPLES_H
#define XCT_SAMPLES_H

#include "tests/xapian-c/xct.h"

enum { XCT_SLOT_YEAR = 0, XCT_SLOT_COUNTRY = 1, XCT_SLOT_KIND = 2 };
enum { XCT_N_SAMPLES = 6 };

/* Sample indexes for xct_build_samples: all of them, and two halves that together make all. */
extern const int XCT_ALL_SAMPLES[];
extern const int XCT_ODD_SAMPLES[];  /* d1 d3 d5 */
extern const int XCT_EVEN_SAMPLES[]; /* d2 d4 d6 */

/* Writes the samples listed in which (indexes, terminated by -1) to a new database at path.
 * Each stores "d<n>" as data, indexes its words with positions and its country as a boolean
 * term "XC<code>", and keeps year (sortable number), country and kind in value slots. */
void xct_build_samples(const char *path, const int *which);

/* Checks the facet counts of country and kind over all samples and over "sister", with a page
 * of one result (and of none), on a database holding all six samples. */
void xct_check_facets(xc_db *db);

/* Runs q (which it frees) on both databases and checks that they find the same documents (by
 * data) with the same weights and the same facet counts. */
void xct_assert_same_results(xc_db *one, xc_db *other, xc_query *q);

/* Checks that other, holding the samples split over several shards, answers like one, holding
 * them all in one database: facet counts, sorting by year both ways, and the results of words,
 * OR, PHRASE, FILTER and a year range. */
void xct_check_same_as_one(xc_db *one, xc_db *other);

/* A range over the year slot; lo or hi NULL for an open end. Caller frees. */
xc_query *xct_year_range(const double *lo, const double *hi);

#endif
