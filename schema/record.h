/* kyotei — what an index document carries besides its terms, written by the indexer and read by
 * the searcher through these functions only:
 *
 *   the stored record   a JSON object: every column of the row as read ("id", "municipality", …
 *                       "url"), "fields_canonical": [..], "country_canonical", and "extra":
 *                       {name: value} for the columns a file had beyond the known ones;
 *   the facet value     KT_SLOT_FACETS: the canonical country, then KT_FACET_GROUP_SEP and the
 *                       canonical fields joined with KT_FACET_SEP when there are any
 *                       ("中国\x1e観光\x1f教育"), so that one count spy counts both facets.
 *
 * Ownership: encoders append to the caller's kt_buf; kt_record_decode fills a kt_hit whose strings
 * the hit then owns (kt_result_free frees them). Errors: KT_ERR_NOMEM; KT_ERR_INDEX for a record
 * that is not such a JSON object (a damaged index).
 */
#ifndef KT_SCHEMA_RECORD_H
#define KT_SCHEMA_RECORD_H

#include <stdbool.h>
#include <stddef.h>

#include "base/buf.h"
#include "base/error.h"
#include "corpus/agreement.h"
#include "kyotei/search.h"

kt_status kt_record_encode(const kt_agreement *a, const char *country, const char *const *fields, size_t n_fields,
                           kt_buf *out, kt_error *err);

/* Fills h's columns, country and fields from a stored record; the rest of h is left as it is. */
kt_status kt_record_decode(const char *data, size_t len, kt_hit *h, kt_error *err);

kt_status kt_facet_value_encode(const char *country, const char *const *fields, size_t n_fields, kt_buf *out);

/* Splits a facet value: the country part (possibly empty) and the fields part ("" when none), the
 * latter still joined by KT_FACET_SEP (kt_facet_value_next walks it). */
void kt_facet_value_split(const char *value, size_t len, const char **country, size_t *country_len,
                          const char **fields, size_t *fields_len);

/* The next field of a fields part: [*start, *start + *len) from *pos on; false after the last. */
bool kt_facet_value_next(const char *fields, size_t fields_len, size_t *pos, const char **start, size_t *len);

#endif
