/* kyotei — a query typed as Japanese is written: sentences cut into the words to search.
 *
 * People type 中国との医療に関する協定を探しています as one word, without spaces. Before the query is
 * built, every bare word of the top level is read by MeCab (the same tokenizer the documents went
 * through) and cut where particles, endings and symbols stand between its content words: each
 * run of content words becomes a word of its own (中国, 医療, 関する, 協定, 探し), an era year in it
 * (平成28年の協定) a year of its own. So a sentence and the same words typed with spaces give the
 * same query, and when no agreement has them all, the partial form can rank those with the most.
 * Words in kana only stay whole (the reading layer reads them), and so do words MeCab reads as
 * one run (経済交流, 日本国青森県): nothing changes for them.
 *
 * Then request phrasing — a word whose content words are all in dict/phrasing.tsv (探す, 知る, 関する)
 * — is taken out and listed in *ignored (KT_IGNORED_PHRASING), unless nothing else would be left to
 * search.
 *
 * Ownership: the tree is changed in place; the nodes taken out are freed.
 * Errors: KT_ERR_NOMEM, KT_ERR_LIMIT (the words of the sentences exceed KT_PARSE_MAX_NODES),
 * the tokenizer's errors. On error the tree is still whole and may be freed as usual.
 */
#ifndef KT_SEARCHER_SENTENCE_H
#define KT_SEARCHER_SENTENCE_H

#include "base/error.h"
#include "dict/lexicon.h"
#include "kyotei/search.h"
#include "searcher/parse.h"

kt_status kt_sentences_split(kt_lexicon *lex, kt_qnode *root, kt_ignored_list *ignored, kt_error *err);

/* Words typed apart that together name one thing in a vocabulary — health care, social welfare,
 * renewable energy, South Korea, British Columbia (dict/: countries, fields, synonyms, places) —
 * are joined into one word, so that the alias reaches what it names; after field: or country:
 * the following words are joined into the filter's value when they make one of its dimension's
 * names (field:health care). The longest run wins, up to four words; the tree changes in place.
 * Errors: KT_ERR_NOMEM, and those of loading dict/places.tsv. */
kt_status kt_aliases_join(kt_lexicon *lex, kt_qnode *root, kt_error *err);

#endif
