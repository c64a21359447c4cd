/* kyotei — which script a character is in, and kana folding.
 *
 * Japanese text has no spaces between words, and MeCab does not always cut a compound where a
 * reader would look for a word inside it. kyotei therefore also indexes runs of Japanese script
 * (kanji, hiragana, katakana) as character bigrams, and folds hiragana to katakana to compare a
 * typed reading with the readings MeCab gives. These helpers say what counts as Japanese script.
 *
 * All functions take UTF-8 that kt_normalize has produced (valid, NFKC) and never fail.
 */
#ifndef KT_DICT_SCRIPT_H
#define KT_DICT_SCRIPT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"

/* Decodes the UTF-8 character at s[0..len) into *cp and returns its length (1 for a bad byte). */
size_t kt_utf8_next(const char *s, size_t len, uint32_t *cp);

/* Kanji (with 々 〆 ヶ), hiragana, katakana and the prolonged sound mark ー. */
bool kt_is_japanese_char(uint32_t cp);

/* Hiragana or katakana (with ー), not kanji. */
bool kt_is_kana_char(uint32_t cp);

/* True when s[0..len) is non-empty and all kana. */
bool kt_is_all_kana(const char *s, size_t len);

/* True when s[0..len) is non-empty and all hiragana (with ー). */
bool kt_is_all_hiragana(const char *s, size_t len);

/* Appends s[0..len) to out with hiragana turned into katakana (others unchanged).
 * Returns KT_ERR_NOMEM when out cannot grow. */
kt_status kt_to_katakana(const char *s, size_t len, kt_buf *out);

#endif
