#include "write.h"

#include <csv.h>
#include <string.h>

/* Beyond the corpus columns; named so that kyotei-index keeps them as extra columns when the file
 * is indexed again. */
static const char *const extra_columns[] = {"score", "country_canonical", "fields_canonical"};

/* One field, quoted by libcsv (every field is quoted: a cell may hold commas, quotes and newlines). */
static bool field(FILE *out, bool first, const char *text, size_t len)
{
    return (first || fputc(',', out) != EOF) && csv_fwrite(out, text, len) == 0;
}

static bool text_field(FILE *out, bool first, const char *text)
{
    return field(out, first, text ? text : "", text ? strlen(text) : 0);
}

static bool row(FILE *out, const kt_hit *h, kt_buf *scratch)
{
    bool ok = true;
    for (int c = 0; c < KT_COL_COUNT && ok; c++)
        ok = text_field(out, c == 0, h->col[c]);
    kt_buf_clear(scratch);
    ok = ok && kt_buf_printf(scratch, "%.6f", h->score) == KT_OK && text_field(out, false, kt_buf_str(scratch));
    ok = ok && text_field(out, false, h->country);
    kt_buf_clear(scratch);
    for (size_t k = 0; k < h->n_fields && ok; k++)
        ok = (k == 0 || kt_buf_append_char(scratch, ';') == KT_OK) && kt_buf_append_str(scratch, h->fields[k]) == KT_OK;
    return ok && text_field(out, false, kt_buf_str(scratch)) && fputs("\r\n", out) != EOF;
}

kt_status kt_write_csv(FILE *out, const kt_result *r, kt_error *err)
{
    bool ok = true;
    for (int c = 0; c < KT_COL_COUNT && ok; c++)
        ok = text_field(out, c == 0, kt_column_name((kt_column)c));
    for (size_t i = 0; i < sizeof extra_columns / sizeof extra_columns[0] && ok; i++)
        ok = text_field(out, false, extra_columns[i]);
    ok = ok && fputs("\r\n", out) != EOF;
    kt_buf scratch = KT_BUF_INIT;
    for (size_t i = 0; i < r->n_hits && ok; i++)
        ok = row(out, &r->hits[i], &scratch);
    kt_buf_free(&scratch);
    if (!ok || fflush(out) != 0 || ferror(out))
        return kt_error_set(err, KT_ERR_IO, "cannot write the CSV");
    return KT_OK;
}
