/* kyotei — the passage of a text that best shows why an agreement matched.
 *
 * What counts as a match comes from the query (kt_highlights): a word of the text whose index
 * term is one of `words`, whose reading is one of `readings`, or any place where one of
 * `literals` occurs in the normalised text (a word found inside a compound). The passage is the
 * window of at most max_chars characters that covers the most distinct matches (then the most
 * matches, then the earliest), cut at character boundaries, with "…" where it cuts the text. Line
 * breaks become spaces. Without any match, the text's beginning.
 *
 * Matches are looked for in the first KT_SNIPPET_SCAN_BYTES of the text only, so that a hit costs
 * bounded time and memory however long its text is (a 10 MB description took 2 s and 290 MB for
 * each hit that showed it); a longer text is still cut into a window of max_chars as usual.
 *
 * Ownership: *snippet and *marks are malloc'd for the caller; marks are byte spans of *snippet, in
 * order and not overlapping. Errors: those of kt_tokenize (KT_ERR_ENCODING, KT_ERR_DICT,
 * KT_ERR_NOMEM).
 */
#ifndef KT_SEARCHER_SNIPPET_H
#define KT_SEARCHER_SNIPPET_H

#include <stddef.h>

#include "base/error.h"
#include "dict/lexicon.h"
#include "kyotei/search.h"

#define KT_SNIPPET_SCAN_BYTES (64u * 1024u)

/* The most characters of a title a hit shows (kt_search). A title is marked through
 * kt_snippet_build as a description is, so the scan bound holds for it too; one longer than this
 * is shown as its passage of this many characters, and "…" where it is cut (an agreement with a
 * 1 MB title made every page that showed it 13 s and 1 MB long). kt_search_each and the exports
 * keep the title whole. */
#define KT_SNIPPET_TITLE_CHARS 500u

/* A list of strings, each malloc'd and owned by the list. */
typedef struct kt_term_list {
    char **items;
    size_t count, cap;  /* cap: the room in items */
} kt_term_list;

kt_status kt_term_list_add(kt_term_list *t, const char *s, size_t len, kt_error *err); /* skips duplicates */
void kt_term_list_free(kt_term_list *t);

typedef struct kt_highlights {
    kt_term_list words;     /* index terms (normalised base forms) */
    kt_term_list readings;  /* katakana readings */
    kt_term_list literals;  /* normalised strings to find anywhere */
} kt_highlights;

void kt_highlights_free(kt_highlights *h);

kt_status kt_snippet_build(kt_lexicon *lex, const char *text, const kt_highlights *hl, size_t max_chars,
                           char **snippet, kt_mark **marks, size_t *n_marks, kt_error *err);

#endif
