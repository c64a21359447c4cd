/* kyotei — many queries in one process (kyotei-search --batch).
 *
 * kt_batch_run reads one query a line from `in` (UTF-8; LF or CRLF line ends; blank lines are
 * skipped) in the query language of the command line, filters included (`country:中国 観光`), runs
 * each with the rest of the request taken from `base` (filters, years, sort, page), and writes
 * one line of JSON for each to `out`: the object kt_write_json writes, on one line, in the order
 * of the input. The searcher stays open between lines, so the dictionary and the index are loaded
 * once and every query after the first runs warm. Before each query the searcher is brought to the
 * newest version of the index (kt_searcher_refresh): an update or a rebuild that lands while the
 * batch runs is seen by the next line, as a new process would see it.
 *
 * A line that cannot be run — longer than KT_SEARCH_MAX_QUERY_BYTES, holding a NUL byte or
 * invalid UTF-8, too many words — is answered with {"line": N, "query": "…", "error": "…"}
 * ("query" left out when the line is too long or not UTF-8), and the run goes on. A failure of the
 * index (a shard that is down, unless the searcher allows partial results; a damaged index; an
 * index that is gone when the searcher looks for a newer version), of
 * memory or of the output ends the run: the line gets its error object when the output still
 * works, and the error comes back.
 *
 * Each line of output is flushed as it is written, so a program may write a query and read its
 * answer before writing the next (kyotei-search --batch - as a co-process).
 *
 * Errors: KT_ERR_INDEX, KT_ERR_NOMEM, KT_ERR_IO (reading `in` or writing `out`); bad lines are not
 * errors of the run, they are counted in stats->failed.
 */
#ifndef KT_SEARCHER_BATCH_H
#define KT_SEARCHER_BATCH_H

#include <stddef.h>
#include <stdio.h>

#include "base/error.h"
#include "kyotei/search.h"

typedef struct kt_batch_stats {
    size_t queries;   /* lines run, blank ones not counted */
    size_t found;     /* queries that matched at least one agreement */
    size_t failed;    /* lines answered with an error object */
} kt_batch_stats;

/* stats may be NULL. base->query is ignored. */
kt_status kt_batch_run(kt_searcher *s, const kt_search_request *base, FILE *in, FILE *out, kt_batch_stats *stats,
                       kt_error *err);

#endif
