/* kyotei — cross-tables: how many matching agreements for each pair of values of two facets
 * ("tourism agreements per country per year").
 *
 * The dimensions are country, field, prefecture, municipality and year (of signing). An agreement
 * with several fields counts once under each; one without a signing date counts under year "".
 * Every agreement of the match set is counted, not just a page.
 *
 * Writers for a table are in kyotei/output.h.
 *
 * Ownership: the caller frees the table with kt_pivot_free. Errors: those of kt_search, and
 * KT_ERR_INPUT for an unknown dimension name.
 */
#ifndef KYOTEI_PIVOT_H
#define KYOTEI_PIVOT_H

#include <stddef.h>
#include <stdint.h>

#include "kyotei/error.h"
#include "kyotei/search.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The dimension named `name` ("country", "field", "prefecture", "municipality", "year"). */
kt_status kt_dimension_parse(const char *name, kt_dimension *out, kt_error *err);
const char *kt_dimension_name(kt_dimension d);

typedef struct kt_pivot {
    kt_dimension rows_dim, cols_dim;
    char **rows;        /* distinct values of rows_dim, sorted (years ascending, others by total count) */
    size_t n_rows;
    char **cols;
    size_t n_cols;
    uint32_t *counts;   /* n_rows * n_cols, row-major */
    uint32_t total;     /* agreements in the match set */
} kt_pivot;

kt_status kt_pivot_build(kt_searcher *s, const kt_search_request *req, kt_dimension rows, kt_dimension cols,
                         kt_pivot **out, kt_error *err);
void kt_pivot_free(kt_pivot *p);  /* NULL allowed */

#ifdef __cplusplus
}
#endif

#endif
