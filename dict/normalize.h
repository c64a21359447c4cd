/* kyotei — text normalisation shared by the index and the query side.
 *
 * kyotei compares words after NFKC and Unicode case folding (utf8proc's STABLE | COMPOSE |
 * COMPAT | CASEFOLD | IGNORE, with the variants of dict/variants.h folded first), so that ＩＣＴ, ICT and ｉｃｔ are one word, full-width digits and brackets
 * fold to ASCII （１）→ (1), and half-width katakana ｶﾞ becomes ガ. Every text that reaches the
 * tokenizer or a vocabulary goes through kt_normalize first.
 *
 * Ownership: *out and *map are malloc'd and belong to the caller (free()). On error they are set
 * to NULL and *out_len to 0.
 * Errors: invalid UTF-8 (bad or truncated sequences, overlong forms, surrogates, code points past
 * U+10FFFF) and NUL bytes inside in_len -> KT_ERR_ENCODING with the byte offset in the message;
 * KT_ERR_NOMEM.
 */
#ifndef KT_DICT_NORMALIZE_H
#define KT_DICT_NORMALIZE_H

#include <stddef.h>
#include <stdint.h>

#include "base/error.h"

/* What kt_normalize asks of utf8proc, as utf8proc's option flags — NFKC, case folding, and the
 * default-ignorable code points (among them the variation selectors: 葛 with a selector and
 * without are one character to a reader) left out — for a program that checks it against
 * utf8proc itself. */
unsigned kt_normalize_utf8proc_options(void);

/* The character c folds to (dict/variants.h: 髙 → 高, ヶ → ケ), or c itself. kt_normalize applies it
 * to every character before NFKC. */
int32_t kt_normalize_variant(int32_t c);

/* Normalises in[0, in_len) (in may be NULL when in_len is 0).
 * *out: NUL-terminated normalised UTF-8, *out_len its length in bytes.
 * map (may be NULL): *map receives *out_len + 1 offsets; (*map)[i] is the byte offset in `in` of
 * the start of the input character that produced normalised byte i, and (*map)[*out_len] ==
 * in_len. Characters that NFKC joins (ｶ + ﾞ → ガ, Hangul jamo, a letter and its combining marks)
 * form one unit: every byte they produce maps to the start of the unit. A run of more than 32
 * characters that would all join is cut into units of 32 (as in Unicode's stream-safe format), so
 * the work stays linear in in_len. */
kt_status kt_normalize(const char *in, size_t in_len, char **out, size_t *out_len, size_t **map,
                       kt_error *err);

#endif
