#include "kyotei/pivot.h"

#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/error.h"
#include "base/grow.h"
#include "schema/dimension.h"

kt_status kt_dimension_parse(const char *name, kt_dimension *out, kt_error *err)
{
    if (kt_dimension_find(name, out))
        return KT_OK;
    kt_buf names = KT_BUF_INIT;
    for (int d = 0; d < KT_DIM_COUNT; d++)
        kt_buf_printf(&names, "%s%s", d ? ", " : "", kt_dimension_info_of((kt_dimension)d)->name);
    kt_status st = names.len ? kt_error_set(err, KT_ERR_INPUT, "unknown dimension '%.40s' (%s)", name, names.data)
                             : kt_error_nomem(err);
    kt_buf_free(&names);
    return st;
}

const char *kt_dimension_name(kt_dimension d)
{
    return d < KT_DIM_COUNT ? kt_dimension_info_of(d)->name : "?";
}

/* The distinct values of one dimension, with how many agreements have each. */
typedef struct axis {
    char **values;
    uint32_t *totals;
    size_t count;
    size_t values_cap, totals_cap; /* the room in each */
} axis;

/* The index of value on the axis, added when new; (size_t)-1 when memory runs out. */
static size_t axis_index(axis *a, const char *value)
{
    for (size_t i = 0; i < a->count; i++)
        if (strcmp(a->values[i], value) == 0)
            return i;
    char *copy = NULL;
    if (KT_GROW(a->values, a->values_cap, a->count + 1) != KT_OK ||
        KT_GROW(a->totals, a->totals_cap, a->count + 1) != KT_OK || !(copy = strdup(value)))
        return (size_t)-1;
    a->values[a->count] = copy;
    a->totals[a->count] = 0;
    return a->count++;
}

/* Counts by (row index, column index) as the values appear: one growable array of columns a row. */
typedef struct row_counts {
    uint32_t *counts;
    size_t cap;
} row_counts;

typedef struct builder {
    kt_dimension dims[2];
    axis axes[2];
    row_counts *rows;
    size_t cap_rows;
    uint32_t total;
} builder;

/* The values an agreement has in dimension d (several for fields). */
static size_t values_of(const kt_hit *h, kt_dimension d, const char **out, size_t max, char *year)
{
    size_t n = 0;
    const char *v;
    while (n < max && (v = kt_dimension_value(d, h->col, h->country, (const char *const *)h->fields, h->n_fields, n,
                                              year)))
        out[n++] = v;
    return n;
}

static kt_status count_cell(builder *b, size_t row, size_t col)
{
    /* new room is zeroed: every cell up to a capacity counts */
    if (row >= b->cap_rows) {
        size_t old = b->cap_rows;
        if (KT_GROW(b->rows, b->cap_rows, row + 1) != KT_OK)
            return KT_ERR_NOMEM;
        memset(b->rows + old, 0, (b->cap_rows - old) * sizeof *b->rows);
    }
    row_counts *r = &b->rows[row];
    if (col >= r->cap) {
        size_t old = r->cap;
        if (KT_GROW(r->counts, r->cap, col + 1) != KT_OK)
            return KT_ERR_NOMEM;
        memset(r->counts + old, 0, (r->cap - old) * sizeof *r->counts);
    }
    r->counts[col]++;
    return KT_OK;
}

static kt_status count_hit(const kt_hit *h, void *ctx, kt_error *err)
{
    builder *b = ctx;
    const char *values[2][32];
    char years[2][8];
    size_t idx[2][32], n[2];
    b->total++;
    for (int a = 0; a < 2; a++) {
        n[a] = values_of(h, b->dims[a], values[a], 32, years[a]);
        for (size_t i = 0; i < n[a]; i++) {
            idx[a][i] = axis_index(&b->axes[a], values[a][i]);
            if (idx[a][i] == (size_t)-1)
                return kt_error_nomem(err);
            b->axes[a].totals[idx[a][i]]++;
        }
    }
    for (size_t i = 0; i < n[0]; i++)
        for (size_t j = 0; j < n[1]; j++)
            if (count_cell(b, idx[0][i], idx[1][j]) != KT_OK)
                return kt_error_nomem(err);
    return KT_OK;
}

/* Orders an axis: years in time, other values by how many agreements they have, then by value. */
typedef struct ranked {
    size_t index;
    const char *value;
    uint32_t total;
} ranked;

static int by_total_then_value(const void *x, const void *y)
{
    const ranked *a = x, *b = y;
    if (a->total != b->total)
        return a->total > b->total ? -1 : 1;
    return strcmp(a->value, b->value);
}

static int by_value(const void *x, const void *y)
{
    return strcmp(((const ranked *)x)->value, ((const ranked *)y)->value);
}

static size_t *order_axis(const axis *a, bool in_value_order)
{
    ranked *r = malloc((a->count ? a->count : 1) * sizeof *r);
    size_t *order = malloc((a->count ? a->count : 1) * sizeof *order);
    if (!r || !order) {
        free(r);
        free(order);
        return NULL;
    }
    for (size_t i = 0; i < a->count; i++)
        r[i] = (ranked){i, a->values[i], a->totals[i]};
    qsort(r, a->count, sizeof *r, in_value_order ? by_value : by_total_then_value);
    for (size_t i = 0; i < a->count; i++)
        order[i] = r[i].index;
    free(r);
    return order;
}

static void axis_free(axis *a)
{
    for (size_t i = 0; i < a->count; i++)
        free(a->values[i]);
    free(a->values);
    free(a->totals);
}

kt_status kt_pivot_build(kt_searcher *s, const kt_search_request *req, kt_dimension rows, kt_dimension cols,
                         kt_pivot **out, kt_error *err)
{
    *out = NULL;
    builder b = {.dims = {rows, cols}};
    kt_status st = kt_search_each(s, req, count_hit, &b, err);
    kt_pivot *p = st == KT_OK ? calloc(1, sizeof *p) : NULL;
    if (st == KT_OK && !p)
        st = kt_error_nomem(err);
    size_t *order[2] = {NULL, NULL};
    for (int a = 0; a < 2 && st == KT_OK; a++)
        if (!(order[a] = order_axis(&b.axes[a], b.dims[a] == KT_DIM_YEAR)))
            st = kt_error_nomem(err);
    if (st == KT_OK) {
        p->rows_dim = rows;
        p->cols_dim = cols;
        p->total = b.total;
        p->n_rows = b.axes[0].count;
        p->n_cols = b.axes[1].count;
        p->rows = calloc(p->n_rows + 1, sizeof *p->rows);
        p->cols = calloc(p->n_cols + 1, sizeof *p->cols);
        p->counts = calloc(p->n_rows * p->n_cols + 1, sizeof *p->counts);
        if (!p->rows || !p->cols || !p->counts)
            st = kt_error_nomem(err);
    }
    if (st == KT_OK) {
        /* position of each axis index in the sorted order */
        size_t *pos[2] = {calloc(p->n_rows + 1, sizeof(size_t)), calloc(p->n_cols + 1, sizeof(size_t))};
        if (!pos[0] || !pos[1]) {
            st = kt_error_nomem(err);
        } else {
            for (size_t i = 0; i < p->n_rows; i++) {
                pos[0][order[0][i]] = i;
                p->rows[i] = b.axes[0].values[order[0][i]];
                b.axes[0].values[order[0][i]] = NULL;
            }
            for (size_t j = 0; j < p->n_cols; j++) {
                pos[1][order[1][j]] = j;
                p->cols[j] = b.axes[1].values[order[1][j]];
                b.axes[1].values[order[1][j]] = NULL;
            }
            for (size_t i = 0; i < p->n_rows && i < b.cap_rows; i++)
                for (size_t j = 0; j < b.rows[i].cap && j < p->n_cols; j++)
                    p->counts[pos[0][i] * p->n_cols + pos[1][j]] = b.rows[i].counts[j];
        }
        free(pos[0]);
        free(pos[1]);
    }
    free(order[0]);
    free(order[1]);
    axis_free(&b.axes[0]);
    axis_free(&b.axes[1]);
    for (size_t i = 0; i < b.cap_rows; i++)
        free(b.rows[i].counts);
    free(b.rows);
    if (st != KT_OK) {
        kt_pivot_free(p);
        return st;
    }
    *out = p;
    return KT_OK;
}

void kt_pivot_free(kt_pivot *p)
{
    if (!p)
        return;
    for (size_t i = 0; p->rows && i < p->n_rows; i++)
        free(p->rows[i]);
    for (size_t j = 0; p->cols && j < p->n_cols; j++)
        free(p->cols[j]);
    free(p->rows);
    free(p->cols);
    free(p->counts);
    free(p);
}
