/* kyotei — completions for a search box: what the first letters typed may become.
 *
 * kt_complete_build reads, for a prefix in kanji, kana or romaji:
 *   - the index's own words that begin with it (MeCab's base forms: 観 → 観光, 観光客);
 *   - the canonical fields and countries one of whose names begins with it (tour → 観光, ちゅう →
 *     中国), and places whose English name does (Dal → 大連);
 *   - for kana or romaji, the fields and countries whose reading begins with the sounds typed
 *     (kan, かん → 観光), through the reading key of dict/reading.h.
 * Each with a count: the agreements that have the word, or are filed under the field or country
 * (places: those that name it, 0 when the count would cost a search). Most agreements first.
 *
 * Ownership: *out is filled with malloc'd strings; kt_completions_free releases them.
 * Errors: KT_ERR_NOMEM, KT_ERR_INDEX, KT_ERR_DICT (places or romaji could not be loaded).
 */
#ifndef KT_SEARCHER_COMPLETE_H
#define KT_SEARCHER_COMPLETE_H

#include <stddef.h>

#include "base/error.h"
#include "dict/lexicon.h"
#include "kyotei/search.h"
#include "xapian-c/xc.h"

kt_status kt_complete_build(kt_lexicon *lex, xc_db *db, const char *prefix, size_t limit, kt_completions *out,
                            kt_error *err);

#endif
