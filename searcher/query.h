/* kyotei — from what a person typed (searcher/parse.h) to a Xapian query.
 *
 * Each word is looked for in every layer the index has (dict/terms.h), each weighted by how
 * sure a match is:
 *   - its MeCab words, all of them (full weight);
 *   - its characters as a phrase of bigrams, so a word inside a compound or a name is found
 *     (普洱 in 普洱市, 日本国 in 日本国青森県) — weight KT_WEIGHT_NGRAM;
 *   - typed in kana, the readings of words (かんこう finds 観光) — weight KT_WEIGHT_READING;
 *   - typed in romaji, the readings it spells (kankou, kankō, kanko find 観光) — KT_WEIGHT_ROMAJI;
 *     readings are matched by their key (dict/reading.h), with long vowels folded;
 *   - a country or field alias, its canonical name and the agreements filed under it (tourism
 *     finds 観光, 中華人民共和国 finds 中国), and the other words of its synonym group (覚書 finds
 *     了解覚書, exchange finds 交流) — weight KT_WEIGHT_ALIAS.
 * Words AND together; `OR`, `-word`, phrases and prefixes work as parse.h says. Filters (from the
 * query's prefixes and from the request) are boolean: several values of one facet OR together,
 * different facets AND; they never change the ranking.
 *
 * A sentence typed without spaces is first cut into its words (searcher/sentence.h).
 * A query of two or more words also gets a `partial` form, where any word may match, for when no
 * agreement has them all: ranked by how many of the words an agreement has, then by BM25.
 * Every part of the query that is not searched lands in the plan's `ignored`, with the reason.
 *
 * Ownership: the plan owns its queries and highlights; kt_query_plan_free releases them.
 * Errors: KT_ERR_ENCODING (invalid UTF-8), KT_ERR_LIMIT (too many words), KT_ERR_NOMEM,
 * KT_ERR_INTERNAL (the binding refused a query).
 */
#ifndef KT_SEARCHER_QUERY_H
#define KT_SEARCHER_QUERY_H

#include <stddef.h>

#include "base/error.h"
#include "dict/lexicon.h"
#include "kyotei/search.h"
#include "searcher/snippet.h"
#include "xapian-c/xc.h"

#define KT_WEIGHT_NGRAM 0.5
#define KT_WEIGHT_READING 0.4
#define KT_WEIGHT_ROMAJI 0.3
#define KT_WEIGHT_ALIAS 0.8
/* What matching one more clause is worth in the partial form: more than any BM25 sum of a query
 * (a clause's layers weigh a few tens at most), so the number of clauses matched ranks first. */
#define KT_WEIGHT_COORDINATION 1000.0
/* A word more than this share of the agreements have is common (query.c: common_word). */
#define KT_COMMON_SHARE 0.4

typedef struct kt_query_plan {
    xc_query *strict;       /* every word must match */
    xc_query *partial;      /* any word may match; NULL when that would be the same query */
    kt_highlights highlights;
    kt_ignored_list ignored; /* what was typed and is not searched, with the reason */
} kt_query_plan;

/* db may be NULL; with it, a municipality: or prefecture: value that no agreement has exactly is
 * also tried with its usual suffix (仙台 → 仙台市, 宮城 → 宮城県). */
kt_status kt_query_build(kt_lexicon *lex, xc_db *db, const kt_search_request *req, kt_query_plan *out,
                         kt_error *err);

void kt_query_plan_free(kt_query_plan *plan);

#endif
