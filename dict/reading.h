/* kyotei — the key a reading is indexed and looked up by.
 *
 * People write a reading in several ways that mean the same sounds: かんこう, カンコウ, カンコー,
 * and in romaji kankou, kankō, kanko (a long vowel written, marked or left out); ヴィ or ビ; ヂ or ジ.
 * The readings layer of the index (dict/terms.h), the query's kana and romaji words (searcher/
 * query.c) and the snippet's marks (searcher/snippet.c) all go through kt_reading_key, so they
 * meet on one key:
 *   - hiragana → katakana;
 *   - long vowels folded: ー dropped, and a vowel that only lengthens the one before it
 *     (オウ オオ ウウ イイ エイ アア エエ after a syllable of that vowel) dropped — カンコウ, カンコー
 *     and カンコ are one key;
 *   - ヴァ ヴィ ヴ ヴェ ヴォ → バ ビ ブ ベ ボ, ヂ → ジ, ヅ → ズ, small ヶ ヵ → ケ カ.
 * Homophones meet too (観光 and 刊行 are both カンコ): readings already were a looser layer than
 * words, weighted below them (searcher/query.h), and folding adds few new collisions.
 *
 * Errors: KT_ERR_NOMEM when out cannot grow (out keeps what was appended).
 */
#ifndef KT_DICT_READING_H
#define KT_DICT_READING_H

#include <stddef.h>

#include "base/buf.h"
#include "base/error.h"

/* Appends the reading key of the kana s[0..len) to out (other characters are kept as they are). */
kt_status kt_reading_key(const char *s, size_t len, kt_buf *out);

#endif
