#include "kyotei/output.h"

#include <csv.h>
#include <jansson.h>
#include <string.h>

#include "base/buf.h"
#include "base/error.h"

static const char *const extra_columns[] = {"score", "country_canonical", "fields_canonical"};
#define N_COLUMNS (KT_COL_COUNT + 3)

static const char *column_name(size_t i)
{
    return i < KT_COL_COUNT ? kt_column_name((kt_column)i) : extra_columns[i - KT_COL_COUNT];
}

/* The cells of a hit, in column order, as text (the score with six decimals). */
static kt_status cells_of(const kt_hit *h, const char *cells[N_COLUMNS], kt_buf *score, kt_buf *fields)
{
    for (int c = 0; c < KT_COL_COUNT; c++)
        cells[c] = h->col[c];
    kt_buf_clear(score);
    kt_buf_clear(fields);
    kt_status st = kt_buf_printf(score, "%.6f", h->score);
    for (size_t k = 0; k < h->n_fields && st == KT_OK; k++)
        st = k ? kt_buf_printf(fields, ";%s", h->fields[k]) : kt_buf_append_str(fields, h->fields[k]);
    cells[KT_COL_COUNT] = kt_buf_str(score);
    cells[KT_COL_COUNT + 1] = h->country;
    cells[KT_COL_COUNT + 2] = kt_buf_str(fields);
    return st;
}

static bool csv_cell(FILE *out, bool first, const char *text)
{
    return (first || fputc(',', out) != EOF) && csv_fwrite(out, text, strlen(text)) == 0;
}

static bool tsv_cell(FILE *out, bool first, const char *text)
{
    bool ok = first || fputc('\t', out) != EOF;
    for (const char *p = text; *p && ok; p++) {
        switch (*p) {
        case '\t': ok = fputs("\\t", out) != EOF; break;
        case '\n': ok = fputs("\\n", out) != EOF; break;
        case '\r': ok = fputs("\\r", out) != EOF; break;
        case '\\': ok = fputs("\\\\", out) != EOF; break;
        default: ok = fputc(*p, out) != EOF;
        }
    }
    return ok;
}

static kt_status done(FILE *out, bool ok, kt_error *err)
{
    if (!ok || ferror(out))
        return kt_error_set(err, KT_ERR_IO, "cannot write the rows");
    return KT_OK;
}

kt_status kt_rows_header(FILE *out, kt_rows_format f, kt_error *err)
{
    if (f == KT_ROWS_JSONL)
        return KT_OK;
    bool ok = true;
    for (size_t i = 0; i < N_COLUMNS && ok; i++)
        ok = f == KT_ROWS_CSV ? csv_cell(out, i == 0, column_name(i)) : tsv_cell(out, i == 0, column_name(i));
    ok = ok && fputs(f == KT_ROWS_CSV ? "\r\n" : "\n", out) != EOF;
    return done(out, ok, err);
}

static kt_status write_jsonl(FILE *out, const kt_hit *h, kt_error *err)
{
    json_t *obj = json_object();
    for (int c = 0; c < KT_COL_COUNT; c++)
        json_object_set_new(obj, kt_column_name((kt_column)c), json_string(h->col[c]));
    json_object_set_new(obj, "score", json_real(h->score));
    json_object_set_new(obj, "country_canonical", json_string(h->country));
    json_t *fields = json_array();
    for (size_t k = 0; k < h->n_fields; k++)
        json_array_append_new(fields, json_string(h->fields[k]));
    json_object_set_new(obj, "fields_canonical", fields);
    if (json_object_size(obj) != N_COLUMNS) {
        json_decref(obj);
        return kt_error_nomem(err);
    }
    int rc = json_dumpf(obj, out, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(obj);
    return done(out, rc == 0 && fputc('\n', out) != EOF, err);
}

kt_status kt_rows_write(FILE *out, kt_rows_format f, const kt_hit *h, kt_error *err)
{
    if (f == KT_ROWS_JSONL)
        return write_jsonl(out, h, err);
    const char *cells[N_COLUMNS];
    kt_buf score = KT_BUF_INIT, fields = KT_BUF_INIT;
    bool ok = cells_of(h, cells, &score, &fields) == KT_OK;
    for (size_t i = 0; i < N_COLUMNS && ok; i++)
        ok = f == KT_ROWS_CSV ? csv_cell(out, i == 0, cells[i]) : tsv_cell(out, i == 0, cells[i]);
    ok = ok && fputs(f == KT_ROWS_CSV ? "\r\n" : "\n", out) != EOF;
    kt_buf_free(&score);
    kt_buf_free(&fields);
    return done(out, ok, err);
}
