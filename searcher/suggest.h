/* kyotei — "did you mean": a query that found nothing, or only part, spelt the way the index does.
 *
 * 青小年 交流, 医寮, tourisn and ロシヤ find nothing, or only part of what was meant. kt_suggest
 * takes the query as typed and replaces each bare word that no agreement has (not an index word,
 * not a name of the vocabularies) by the nearest word that is: the index's own words (MeCab's base
 * forms) and the vocabularies' names and aliases (countries, fields, synonyms), at an edit distance
 * of one character, or two for a word of six letters or more, the more frequent word first. Only
 * words that begin with the same character are compared, so that the index is read one narrow
 * range at a time (a typo in the first character is not corrected). Quoted text, prefixed clauses,
 * operators and excluded words are kept as typed.
 *
 * Ownership: *out is malloc'd (the caller frees it), NULL when there is nothing to suggest.
 * Errors: KT_ERR_NOMEM, KT_ERR_INDEX (the index could not be read).
 */
#ifndef KT_SEARCHER_SUGGEST_H
#define KT_SEARCHER_SUGGEST_H

#include "base/error.h"
#include "dict/lexicon.h"
#include "xapian-c/xc.h"

kt_status kt_suggest(kt_lexicon *lex, xc_db *db, const char *query, char **out, kt_error *err);

#endif
