/* kyotei — canonical vocabularies (countries, fields), loaded from plain TSV files people can extend.
 *
 * File format: UTF-8 text, one canonical entry per line: `canonical<TAB>alias<TAB>alias…`; blank
 * lines and lines starting with '#' are ignored; spaces around each cell, a trailing CR and a
 * leading byte-order mark are ignored; empty cells are skipped.
 * Lookup is on normalised text (kt_normalize, then spaces trimmed and runs of spaces folded to
 * one), so full-width/half-width/case variants of an alias match: ＵＳＡ, usa and USA are one key.
 * A canonical name is also an alias of itself. The same alias twice for one entry is harmless.
 *
 * Ownership: a kt_vocab owns every string it returns; kt_vocab_free releases them all.
 * Errors: missing or unreadable file -> KT_ERR_IO with the path; a broken line -> KT_ERR_DICT
 * naming FILE:LINE (an alias or canonical name that maps to two canonicals, an empty canonical
 * name, invalid UTF-8 or NUL); KT_ERR_NOMEM.
 */
#ifndef KT_DICT_VOCAB_H
#define KT_DICT_VOCAB_H

#include <stddef.h>

#include "base/error.h"

typedef struct kt_vocab kt_vocab;

/* *out is NULL on error. */
kt_status kt_vocab_load(const char *path, kt_vocab **out, kt_error *err);

/* The canonical name for `word` (an alias or a canonical name itself) as written in the file, or
 * NULL (also for NULL v and for words that are not valid UTF-8). Pointer owned by the vocab. */
const char *kt_vocab_lookup(const kt_vocab *v, const char *word, size_t len);

/* Number of canonical entries. */
size_t kt_vocab_count(const kt_vocab *v);

/* The i-th canonical name in file order (NULL when i >= kt_vocab_count). Owned by the vocab. */
const char *kt_vocab_canonical_at(const kt_vocab *v, size_t i);

#define KT_VOCAB_NONE ((size_t)-1)

/* Like kt_vocab_lookup, but gives the entry's position in file order, or KT_VOCAB_NONE. */
size_t kt_vocab_find(const kt_vocab *v, const char *word, size_t len);

/* Calls fn with every alias of entry i (the canonical name included) in its normalised form, in
 * no particular order; stops at, and returns, the first status other than KT_OK that fn returns. */
typedef kt_status (*kt_vocab_alias_fn)(const char *alias, size_t len, void *ctx, kt_error *err);
kt_status kt_vocab_each_alias(const kt_vocab *v, size_t i, kt_vocab_alias_fn fn, void *ctx, kt_error *err);

/* Calls fn with every key (alias or canonical name, normalised) and the position of its entry, in
 * no particular order, in one pass over the table; stops at the first status other than KT_OK. */
typedef kt_status (*kt_vocab_key_fn)(const char *key, size_t len, size_t entry, void *ctx, kt_error *err);
kt_status kt_vocab_each_key(const kt_vocab *v, kt_vocab_key_fn fn, void *ctx, kt_error *err);

/* NULL allowed. */
void kt_vocab_free(kt_vocab *v);

#endif
