/* kyotei — a word typed in romaji, as the katakana it spells.
 *
 * People type Japanese in Latin letters: kankou, kankō, kanko (Hepburn, with the long vowel
 * written, marked with a macron, or left out) or kankô, and the kunrei spellings of the same
 * sounds (seisyounen, tiiki, huku). kt_romaji_kana turns such a word into katakana with ICU's
 * Latin-Katakana transform (Debian's libicu), after rewriting kunrei syllables to Hepburn (ICU reads
 * Hepburn only); the searcher then looks the kana up in the readings layer through
 * dict/reading.h's key, where long vowels are folded, so all the spellings above meet.
 *
 * Only words of Latin letters (a–z, vowels with a macron or circumflex, an apostrophe after n) are
 * romaji candidates; an English word is transliterated too (tourism → トウリスム), which rarely
 * spells a reading and is weighted below the words themselves (searcher/query.h).
 *
 * Ownership: a kt_romaji holds one ICU transliterator; open one per thread (the lexicon does), free
 * it with kt_romaji_close. Errors: KT_ERR_DICT when ICU cannot make the transform (its data is
 * missing), KT_ERR_NOMEM.
 */
#ifndef KT_DICT_ROMAJI_H
#define KT_DICT_ROMAJI_H

#include <stdbool.h>
#include <stddef.h>

#include "base/buf.h"
#include "base/error.h"

typedef struct kt_romaji kt_romaji;

kt_status kt_romaji_open(kt_romaji **out, kt_error *err);
void kt_romaji_close(kt_romaji *r); /* NULL allowed */

/* Whether s[0..len) (NFKC-normalised, lower case) can be romaji: Latin letters only. */
bool kt_romaji_candidate(const char *s, size_t len);

/* Appends the katakana that s[0..len) spells to out. *whole is false when some of it is not
 * romaji (letters the transform left as they were): then the caller should not search it. */
kt_status kt_romaji_kana(kt_romaji *r, const char *s, size_t len, kt_buf *out, bool *whole, kt_error *err);

#endif
