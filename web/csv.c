#include "web/html.h"

#include "kyotei/output.h"

/* The rows writer (kyotei/output.h) streams exports one agreement at a time; this is the same
 * CSV for a result already in memory, so the CGI download and `kyotei-search --all --format csv`
 * cannot drift apart. */
kt_status kt_write_csv(FILE *out, const kt_result *r, kt_error *err)
{
    kt_status st = kt_rows_header(out, KT_ROWS_CSV, err);
    for (size_t i = 0; i < r->n_hits && st == KT_OK; i++)
        st = kt_rows_write(out, KT_ROWS_CSV, &r->hits[i], err);
    if (st == KT_OK && fflush(out) != 0)
        st = kt_error_set(err, KT_ERR_IO, "cannot write the CSV");
    return st;
}
