/* The promises of a kt_result (kyotei/search.h), checked by the fuzz targets that search. */
#ifndef KT_FUZZ_SEARCH_CHECK_H
#define KT_FUZZ_SEARCH_CHECK_H

#include "kyotei/search.h"

/* Checks r against the request it answers: page size, ranks, marks inside their texts and in
 * order, facet counts within the total, every text valid UTF-8. */
void fuzz_check_result(const kt_search_request *req, const kt_result *r);

#endif
