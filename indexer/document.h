/* kyotei — one agreement as one index document (the mapping is schema/schema.h).
 *
 * Ownership: *out is the caller's (xc_doc_free). *warning, when set, is a malloc'd note about
 * something the indexer could not canonicalise (an unknown country or field) that does not stop
 * the agreement from being indexed; the caller prints it with the row's FILE:LINE and frees it.
 * Errors: KT_ERR_NOMEM, KT_ERR_INTERNAL (the binding refused a term or value), KT_ERR_ENCODING
 * (text the normaliser rejects), each message naming the column.
 */
#ifndef KT_INDEXER_DOCUMENT_H
#define KT_INDEXER_DOCUMENT_H

#include "base/error.h"
#include "corpus/agreement.h"
#include "dict/lexicon.h"
#include "xapian-c/xc.h"

kt_status kt_document_build(kt_lexicon *lex, const kt_agreement *a, xc_doc **out, char **warning, kt_error *err);

/* The signing date as the sortable number YYYYMMDD (missing month/day are 0; 0 when unknown). */
double kt_signed_sort_key(const char *signed_date);

#endif
