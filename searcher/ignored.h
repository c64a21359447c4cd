/* kyotei — the parts of a query that are not searched, collected as the query is read and built.
 *
 * The parser (parse.c) and the query builder (query.c) both add to one kt_ignored_list
 * (kyotei/search.h), which the search hands to its result and every writer shows.
 *
 * Ownership: the list owns its words; kt_ignored_list_free releases them (and leaves the list
 * empty). Errors: KT_ERR_NOMEM.
 */
#ifndef KT_SEARCHER_IGNORED_H
#define KT_SEARCHER_IGNORED_H

#include <stddef.h>

#include "base/error.h"
#include "kyotei/search.h"

/* Adds word[0..len) with its reason; the same word for the same reason twice is kept once. */
kt_status kt_ignored_add(kt_ignored_list *list, const char *word, size_t len, kt_ignored_reason reason);

/* Moves every entry of from to the end of to (from is left empty). */
kt_status kt_ignored_move(kt_ignored_list *to, kt_ignored_list *from);

void kt_ignored_list_free(kt_ignored_list *list);

#endif
