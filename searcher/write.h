/* kyotei — writers: a search result as text for people or as JSON for programs.
 *
 * Writers only format; they never search. The JSON object is documented in the README
 * ("query", "total", "offset", "limit", "hits", "facets"); every string in it is escaped by
 * jansson, so hostile text in the index or the query cannot break the document.
 *
 * Errors: KT_ERR_IO when the stream fails (a closed pipe), KT_ERR_NOMEM.
 */
#ifndef KT_SEARCHER_WRITE_H
#define KT_SEARCHER_WRITE_H

#include <stdbool.h>
#include <stdio.h>

#include "base/error.h"
#include "searcher/search.h"

typedef struct kt_text_style {
    const char *mark_open;   /* around matched words: bold on a terminal, ** otherwise */
    const char *mark_close;
} kt_text_style;

kt_status kt_write_text(FILE *out, const kt_result *r, const kt_text_style *style, kt_error *err);

/* query: the query as typed (echoed back, escaped). */
kt_status kt_write_json(FILE *out, const kt_result *r, const char *query, kt_error *err);

#endif
