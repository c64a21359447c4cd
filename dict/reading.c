#include "reading.h"

#include <string.h>

#include <utf8proc.h>

#include "dict/script.h"

/* The vowel a katakana syllable ends in ('a' 'i' 'u' 'e' 'o'), or 0 for ッ, ン and the rest; a
 * small ャュョ gives its own vowel, which is the vowel of the syllable it ends (キョ ends in o). The
 * table runs from ァ (U+30A1) to ヶ (U+30F6), in the order of Unicode's katakana block. */
static char vowel_of(uint32_t cp)
{
    static const char vowels[0x30F6 - 0x30A1 + 1] = {
        'a', 'a', 'i', 'i', 'u', 'u', 'e', 'e', 'o', 'o', /* ァアィイゥウェエォオ */
        'a', 'a', 'i', 'i', 'u', 'u', 'e', 'e', 'o', 'o', /* カガキギクグケゲコゴ */
        'a', 'a', 'i', 'i', 'u', 'u', 'e', 'e', 'o', 'o', /* サザシジスズセゼソゾ */
        'a', 'a', 'i', 'i', 0, 'u', 'u', 'e', 'e', 'o', /* タダチヂッツヅテデト */
        'o', 'a', 'i', 'u', 'e', 'o', 'a', 'a', 'a', 'i', /* ドナニヌネノハバパヒ */
        'i', 'i', 'u', 'u', 'u', 'e', 'e', 'e', 'o', 'o', /* ビピフブプヘベペホボ */
        'o', 'a', 'i', 'u', 'e', 'o', 'a', 'a', 'u', 'u', /* ポマミムメモャヤュユ */
        'o', 'o', 'a', 'i', 'u', 'e', 'o', 'a', 'a', 'i', /* ョヨラリルレロヮワヰ */
        'e', 'o', 0, 'u', 'a', 'e', /* ヱヲンヴヵヶ */
    };
    if (cp < 0x30A1 || cp > 0x30F6)
        return 0;
    return vowels[cp - 0x30A1];
}

/* The second vowel of a pair that is only a long vowel: ア after a, イ after i or e, ウ after u
 * or o, エ after e, オ after o. */
static bool lengthens(char before, uint32_t cp)
{
    switch (cp) {
    case 0x30A2: return before == 'a';                   /* ア */
    case 0x30A4: return before == 'i' || before == 'e';  /* イ: イイ, エイ */
    case 0x30A6: return before == 'u' || before == 'o';  /* ウ: ウウ, オウ */
    case 0x30A8: return before == 'e';                   /* エ */
    case 0x30AA: return before == 'o';                   /* オ */
    default: return false;
    }
}

/* Kana written another way for the same sound. */
static const struct {
    uint32_t from;
    uint32_t to;
} same_sound[] = {
    {0x30C2, 0x30B8}, /* ヂ → ジ */
    {0x30C5, 0x30BA}, /* ヅ → ズ */
    {0x30F5, 0x30AB}, /* ヵ → カ */
    {0x30F6, 0x30B1}, /* ヶ → ケ */
};

/* ヴ followed by a small vowel: the voiced b syllable (ヴァ → バ …). */
static uint32_t v_syllable(uint32_t small)
{
    switch (small) {
    case 0x30A1: return 0x30D0; /* ァ → バ */
    case 0x30A3: return 0x30D3; /* ィ → ビ */
    case 0x30A7: return 0x30D9; /* ェ → ベ */
    case 0x30A9: return 0x30DC; /* ォ → ボ */
    default: return 0;
    }
}

static kt_status put(kt_buf *out, uint32_t cp)
{
    utf8proc_uint8_t enc[4];
    utf8proc_ssize_t n = utf8proc_encode_char((utf8proc_int32_t)cp, enc);
    return kt_buf_append(out, (const char *)enc, (size_t)n);
}

kt_status kt_reading_key(const char *s, size_t len, kt_buf *out)
{
    kt_buf kana = KT_BUF_INIT;
    if (kt_to_katakana(s, len, &kana) != KT_OK) {
        kt_buf_free(&kana);
        return KT_ERR_NOMEM;
    }
    const char *k = kt_buf_str(&kana);
    char last_vowel = 0; /* of the syllable last written */
    kt_status st = KT_OK;
    for (size_t i = 0; i < kana.len && st == KT_OK;) {
        uint32_t cp, next = 0;
        size_t n = kt_utf8_next(k + i, kana.len - i, &cp);
        if (i + n < kana.len)
            kt_utf8_next(k + i + n, kana.len - i - n, &next);
        if (cp == 0x30FC && last_vowel) { /* ー */
            i += n;
            continue;
        }
        if (last_vowel && lengthens(last_vowel, cp)) {
            i += n;
            last_vowel = 0; /* カンコウウ is not one long vowel more */
            continue;
        }
        if (cp == 0x30F4 && v_syllable(next)) { /* ヴァ → バ */
            cp = v_syllable(next);
            i += 3; /* the small vowel, 3 bytes */
        } else if (cp == 0x30F4) {
            cp = 0x30D6; /* ヴ → ブ */
        }
        for (size_t m = 0; m < sizeof same_sound / sizeof same_sound[0]; m++)
            if (cp == same_sound[m].from)
                cp = same_sound[m].to;
        last_vowel = vowel_of(cp);
        st = put(out, cp);
        i += n;
    }
    kt_buf_free(&kana);
    return st;
}
