/* kyotei — the passage of a text that best shows why an agreement matched.
 *
 * The text is tokenized as at index time and each word whose index term is one of `terms` is a
 * match. The passage is the window of at most max_chars characters that covers the most distinct
 * matched terms (then the most matches, then the earliest), cut at character boundaries, with "…"
 * where it cuts the text. Line breaks become spaces. Without any match, the text's beginning.
 *
 * Ownership: *snippet and *marks are malloc'd for the caller; marks are byte spans of *snippet.
 * Errors: those of kt_tokenize (KT_ERR_ENCODING, KT_ERR_DICT, KT_ERR_NOMEM).
 */
#ifndef KT_SEARCHER_SNIPPET_H
#define KT_SEARCHER_SNIPPET_H

#include <stddef.h>

#include "base/error.h"
#include "dict/lexicon.h"
#include "searcher/search.h"

kt_status kt_snippet_build(kt_lexicon *lex, const char *text, char *const *terms, size_t n_terms, size_t max_chars,
                           char **snippet, kt_mark **marks, size_t *n_marks, kt_error *err);

#endif
