#include "kyotei/output.h"

#include <csv.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "base/error.h"

static kt_status finish(FILE *out, bool ok, kt_error *err)
{
    if (!ok || fflush(out) != 0 || ferror(out))
        return kt_error_set(err, KT_ERR_IO, "cannot write the table");
    return KT_OK;
}

/* Display width of UTF-8 text in a terminal: East Asian characters take two columns. */
static size_t width(const char *s)
{
    size_t w = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if ((*p & 0xC0) == 0x80)
            continue;
        w += *p >= 0xE1 ? 2 : 1; /* U+1000 and up: in this data, kana, kanji and full-width forms */
    }
    return w;
}

static void pad(FILE *out, const char *s, size_t w, bool right)
{
    size_t have = width(s);
    if (!right)
        fputs(s, out);
    for (size_t i = have; i < w; i++)
        fputc(' ', out);
    if (right)
        fputs(s, out);
}

static uint32_t row_total(const kt_pivot *p, size_t i)
{
    uint32_t t = 0;
    for (size_t j = 0; j < p->n_cols; j++)
        t += p->counts[i * p->n_cols + j];
    return t;
}

static uint32_t col_total(const kt_pivot *p, size_t j)
{
    uint32_t t = 0;
    for (size_t i = 0; i < p->n_rows; i++)
        t += p->counts[i * p->n_cols + j];
    return t;
}

static const char *shown(const char *v)
{
    return *v ? v : "(none)";
}

kt_status kt_write_pivot_text(FILE *out, const kt_pivot *p, kt_error *err)
{
    char corner[64];
    snprintf(corner, sizeof corner, "%s\\%s", kt_dimension_name(p->rows_dim), kt_dimension_name(p->cols_dim));
    size_t first = width(corner);
    for (size_t i = 0; i < p->n_rows; i++)
        if (width(shown(p->rows[i])) > first)
            first = width(shown(p->rows[i]));
    size_t *w = calloc(p->n_cols + 1, sizeof *w);
    if (!w)
        return kt_error_nomem(err);
    char num[16];
    for (size_t j = 0; j < p->n_cols; j++) {
        w[j] = width(shown(p->cols[j]));
        snprintf(num, sizeof num, "%u", col_total(p, j));
        if (strlen(num) > w[j])
            w[j] = strlen(num);
    }
    pad(out, corner, first, false);
    for (size_t j = 0; j < p->n_cols; j++) {
        fputs("  ", out);
        pad(out, shown(p->cols[j]), w[j], true);
    }
    fputs("  total\n", out);
    for (size_t i = 0; i < p->n_rows; i++) {
        pad(out, shown(p->rows[i]), first, false);
        for (size_t j = 0; j < p->n_cols; j++) {
            uint32_t c = p->counts[i * p->n_cols + j];
            snprintf(num, sizeof num, "%u", c);
            fputs("  ", out);
            pad(out, c ? num : ".", w[j], true);
        }
        snprintf(num, sizeof num, "%u", row_total(p, i));
        fputs("  ", out);
        pad(out, num, 5, true);
        fputc('\n', out);
    }
    pad(out, "total", first, false);
    for (size_t j = 0; j < p->n_cols; j++) {
        snprintf(num, sizeof num, "%u", col_total(p, j));
        fputs("  ", out);
        pad(out, num, w[j], true);
    }
    fprintf(out, "\n%u agreement%s\n", p->total, p->total == 1 ? "" : "s");
    free(w);
    return finish(out, true, err);
}

static bool csv_cell(FILE *out, bool first, const char *text)
{
    return (first || fputc(',', out) != EOF) && csv_fwrite(out, text, strlen(text)) == 0;
}

kt_status kt_write_pivot_csv(FILE *out, const kt_pivot *p, kt_error *err)
{
    char corner[64], num[16];
    snprintf(corner, sizeof corner, "%s\\%s", kt_dimension_name(p->rows_dim), kt_dimension_name(p->cols_dim));
    bool ok = csv_cell(out, true, corner);
    for (size_t j = 0; j < p->n_cols && ok; j++)
        ok = csv_cell(out, false, p->cols[j]);
    ok = ok && fputs("\r\n", out) != EOF;
    for (size_t i = 0; i < p->n_rows && ok; i++) {
        ok = csv_cell(out, true, p->rows[i]);
        for (size_t j = 0; j < p->n_cols && ok; j++) {
            snprintf(num, sizeof num, "%u", p->counts[i * p->n_cols + j]);
            ok = csv_cell(out, false, num);
        }
        ok = ok && fputs("\r\n", out) != EOF;
    }
    return finish(out, ok, err);
}

kt_status kt_write_pivot_json(FILE *out, const kt_pivot *p, kt_error *err)
{
    json_t *cells = json_array();
    for (size_t i = 0; i < p->n_rows; i++)
        for (size_t j = 0; j < p->n_cols; j++)
            if (p->counts[i * p->n_cols + j])
                json_array_append_new(cells, json_pack("{s:s, s:s, s:I}", "row", p->rows[i], "column", p->cols[j],
                                                       "count", (json_int_t)p->counts[i * p->n_cols + j]));
    json_t *doc = json_pack("{s:s, s:s, s:I, s:o}", "rows", kt_dimension_name(p->rows_dim), "columns",
                            kt_dimension_name(p->cols_dim), "total", (json_int_t)p->total, "cells", cells);
    if (!doc)
        return kt_error_nomem(err);
    int rc = json_dumpf(doc, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    json_decref(doc);
    return finish(out, rc == 0 && fputc('\n', out) != EOF, err);
}
