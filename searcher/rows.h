/* kyotei — agreements as rows for spreadsheets and scripts: CSV, TSV and JSON Lines.
 *
 * One row per agreement, written as it comes, so an export of any size streams in constant
 * memory (with kt_search_each). The columns are the corpus columns (id … url) followed by score,
 * country_canonical and fields_canonical (canonical fields joined with ";"); the names are
 * those of kyotei-index's input, so an export can be indexed again (the last three are then kept
 * as extra columns).
 *   CSV    RFC 4180, every cell quoted, CRLF line ends, a header row.
 *   TSV    tab-separated with a header row; a tab, newline, carriage return or backslash inside a
 *          cell is written \t, \n, \r or \\ (so every row is one line).
 *   JSONL  one JSON object a line with the same keys; fields_canonical is an array.
 *
 * Errors: KT_ERR_IO when the stream fails (a closed pipe), KT_ERR_NOMEM.
 */
#ifndef KT_SEARCHER_ROWS_H
#define KT_SEARCHER_ROWS_H

#include <stdio.h>

#include "base/error.h"
#include "searcher/search.h"

typedef enum kt_rows_format { KT_ROWS_CSV, KT_ROWS_TSV, KT_ROWS_JSONL } kt_rows_format;

/* The header row (nothing for JSONL). */
kt_status kt_rows_header(FILE *out, kt_rows_format f, kt_error *err);
kt_status kt_rows_write(FILE *out, kt_rows_format f, const kt_hit *h, kt_error *err);

#endif
