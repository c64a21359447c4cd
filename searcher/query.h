/* kyotei — from the words a person typed to a Xapian query.
 *
 * The query text goes through the same normaliser and tokenizer as the documents (dict/), so a
 * word matches however it was typed (full-width or half-width, upper or lower case, inflected).
 * Words are separated by spaces (ASCII or ideographic) and all must match (AND); a word that
 * MeCab splits into several content words needs all of them. Filters on country and field are
 * canonicalised through the vocabularies and applied without weight.
 *
 * Ownership: *out is the caller's (xc_query_free); the terms are appended to `terms` (strings
 * malloc'd, owned by the caller). Errors: KT_ERR_ENCODING (invalid UTF-8), KT_ERR_NOMEM,
 * KT_ERR_INTERNAL (the binding refused a query).
 */
#ifndef KT_SEARCHER_QUERY_H
#define KT_SEARCHER_QUERY_H

#include <stddef.h>

#include "base/error.h"
#include "dict/lexicon.h"
#include "searcher/search.h"
#include "xapian-c/xc.h"

typedef struct kt_term_list {
    char **items;
    size_t count;
} kt_term_list;

kt_status kt_query_build(kt_lexicon *lex, const kt_search_request *req, xc_query **out, kt_term_list *terms,
                         kt_error *err);

void kt_term_list_free(kt_term_list *t);

#endif
