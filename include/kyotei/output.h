/* kyotei — writers: what a search found, as text for people, JSON for programs, rows for
 * spreadsheets and tables for analysts.
 *
 * Writers only format; they never search, and the engine (kyotei/search.h) never prints. The
 * JSON object is documented in the README ("query", "total", "offset", "limit", "hits",
 * "facets"); every string in it is escaped by jansson, so hostile text in the index or the query
 * cannot break the document.
 *
 * Errors: KT_ERR_IO when the stream fails (a closed pipe), KT_ERR_NOMEM.
 */
#ifndef KYOTEI_OUTPUT_H
#define KYOTEI_OUTPUT_H

#include <stdbool.h>
#include <stdio.h>

#include "kyotei/error.h"
#include "kyotei/pivot.h"
#include "kyotei/search.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct kt_text_style {
    const char *mark_open;   /* around matched words: bold on a terminal, ** otherwise */
    const char *mark_close;
} kt_text_style;

kt_status kt_write_text(FILE *out, const kt_result *r, const kt_text_style *style, kt_error *err);

/* query: the query as typed (echoed back, escaped). When shards were left out (kt_result
 * shards_missing) the object also has "shards_missing": [names], here and in the facets object. */
kt_status kt_write_json(FILE *out, const kt_result *r, const char *query, kt_error *err);

/* The same object on one line, for one result a line (kyotei-search --batch). */
kt_status kt_write_json_line(FILE *out, const kt_result *r, const char *query, kt_error *err);

/* Only the counts by country and field (and the total): text lines "country: 中国 5, 韓国 2" or
 * the JSON object {"total", "partial", "facets": {"country": […], "field": […]}}. */
kt_status kt_write_facets_text(FILE *out, const kt_result *r, kt_error *err);
kt_status kt_write_facets_json(FILE *out, const kt_result *r, kt_error *err);

/* Only the number of agreements that match every word (kyotei-search --count): a line with the
 * number (0 for a partial answer), or the one-line JSON object {"total", "partial"}. */
kt_status kt_write_count_text(FILE *out, const kt_result *r, kt_error *err);
kt_status kt_write_count_json(FILE *out, const kt_result *r, kt_error *err);

/* Completions (kt_complete): one `text<TAB>kind<TAB>count` line each, or one JSON object
 * {"prefix", "completions": [{"text", "kind", "count"}…]} on one line (for a search box). */
kt_status kt_write_completions_text(FILE *out, const kt_completions *c, kt_error *err);
kt_status kt_write_completions_json(FILE *out, const char *prefix, const kt_completions *c, kt_error *err);

/* ---- rows: agreements for spreadsheets and scripts: CSV, TSV and JSON Lines ----
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
typedef enum kt_rows_format { KT_ROWS_CSV, KT_ROWS_TSV, KT_ROWS_JSONL } kt_rows_format;

/* The header row (nothing for JSONL). */
kt_status kt_rows_header(FILE *out, kt_rows_format f, kt_error *err);
kt_status kt_rows_write(FILE *out, kt_rows_format f, const kt_hit *h, kt_error *err);

/* ---- tables: a kt_pivot (kyotei/pivot.h) ----
 * Text: an aligned table for people, with row and column totals. CSV: a header row
 * (rows_dim\cols_dim, the column values), then one row per row value. JSON: {"rows": dim,
 * "columns": dim, "total": n, "cells": [{row, column, count}…]} listing the non-zero cells.
 * Errors: KT_ERR_IO when the stream fails, KT_ERR_NOMEM. */
kt_status kt_write_pivot_text(FILE *out, const kt_pivot *p, kt_error *err);
kt_status kt_write_pivot_csv(FILE *out, const kt_pivot *p, kt_error *err);
kt_status kt_write_pivot_json(FILE *out, const kt_pivot *p, kt_error *err);

#ifdef __cplusplus
}
#endif

#endif
