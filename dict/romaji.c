#include "romaji.h"

#include <stdlib.h>
#include <string.h>

#include <unicode/ustring.h>
#include <unicode/utrans.h>

#include "dict/script.h"

struct kt_romaji {
    UTransliterator *latin_katakana;
};

/* The longest romaji word kyotei reads; longer ones are not words people type. */
#define ROMAJI_MAX 64

kt_status kt_romaji_open(kt_romaji **out, kt_error *err)
{
    *out = NULL;
    kt_romaji *r = calloc(1, sizeof *r);
    if (!r)
        return kt_error_nomem(err);
    UErrorCode e = U_ZERO_ERROR;
    UChar id[32];
    u_strFromUTF8(id, (int32_t)(sizeof id / sizeof id[0]), NULL, "Latin-Katakana", -1, &e);
    if (U_SUCCESS(e))
        r->latin_katakana = utrans_openU(id, -1, UTRANS_FORWARD, NULL, 0, NULL, &e);
    if (U_FAILURE(e)) {
        free(r);
        return kt_error_set(err, KT_ERR_DICT, "ICU's Latin-Katakana transform: %s", u_errorName(e));
    }
    *out = r;
    return KT_OK;
}

void kt_romaji_close(kt_romaji *r)
{
    if (!r)
        return;
    utrans_close(r->latin_katakana);
    free(r);
}

static bool latin_vowel_mark(uint32_t cp)
{
    /* āīūēō and âîûêô, as people mark long vowels */
    static const uint32_t marked[] = {0x101, 0x12B, 0x16B, 0x113, 0x14D, 0xE2, 0xEE, 0xFB, 0xEA, 0xF4};
    for (size_t i = 0; i < sizeof marked / sizeof marked[0]; i++)
        if (cp == marked[i])
            return true;
    return false;
}

static bool is_vowel(uint32_t cp)
{
    return cp == 'a' || cp == 'i' || cp == 'u' || cp == 'e' || cp == 'o' || latin_vowel_mark(cp);
}

/* The consonants that start a Japanese syllable in Hepburn or kunrei, alone or before y (kya) —
 * not l, q, x — and the pairs that are one sound (sh ch ts). */
static bool syllable_onset(const uint32_t *c, size_t n)
{
    static const char onsets[] = "kgsztdnhbpmyrwjfcv";
    if (n == 0)
        return true;
    bool first = c[0] < 0x80 && strchr(onsets, (int)c[0]) != NULL;
    if (n == 1)
        return first && c[0] != 'c'; /* c only in ch */
    if (n == 2)
        return first && (c[1] == 'y' || (c[1] == 'h' && (c[0] == 's' || c[0] == 'c')) ||
                         (c[0] == 't' && c[1] == 's'));
    return false;
}

bool kt_romaji_candidate(const char *s, size_t len)
{
    if (len < 2 || len > ROMAJI_MAX)
        return false;
    /* syllable by syllable: an onset of at most two letters, then a vowel; n alone (ん) and a
     * doubled consonant (っ: sapporo, matcha) between them. English words seldom pass (tourism:
     * the sm of -ism), and nothing else is turned into kana. */
    uint32_t run[ROMAJI_MAX];
    size_t n = 0;
    for (size_t i = 0; i < len;) {
        uint32_t cp;
        i += kt_utf8_next(s + i, len - i, &cp);
        if (!((cp >= 'a' && cp <= 'z') || cp == '\'' || latin_vowel_mark(cp)))
            return false;
        if (cp == '\'') {
            if (n != 1 || run[0] != 'n')
                return false; /* only n' (shin'ya) */
            n = 0;
            continue;
        }
        if (!is_vowel(cp)) {
            run[n++] = cp;
            continue;
        }
        size_t from = 0;
        if (n >= 1 && run[0] == 'n' && n > 1 && !(run[1] == 'y'))
            from = 1; /* ん before the next syllable: kanko */
        if (n - from >= 2 && (run[from] == run[from + 1] || (run[from] == 't' && run[from + 1] == 'c')))
            from++; /* っ: sapporo, matcha */
        if (!syllable_onset(run + from, n - from))
            return false;
        n = 0;
    }
    return n == 0 || (n == 1 && run[0] == 'n'); /* a word ends in a vowel or ん */
}

/* Kunrei-shiki syllables and their Hepburn spelling, which is what ICU reads. Longest first, so
 * that sya is read before si. */
static const struct {
    const char *kunrei;
    const char *hepburn;
} kunrei[] = {
    {"sya", "sha"}, {"syu", "shu"}, {"syo", "sho"}, {"tya", "cha"}, {"tyu", "chu"}, {"tyo", "cho"},
    {"zya", "ja"},  {"zyu", "ju"},  {"zyo", "jo"},  {"si", "shi"},  {"ti", "chi"},  {"tu", "tsu"},
    {"hu", "fu"},   {"zi", "ji"},   {"di", "ji"},   {"du", "zu"},
    /* a circumflex marks a long vowel as a macron does (Nihon-shiki, typewriters); ICU reads macrons */
    {"\xC3\xA2", "\xC4\x81"}, {"\xC3\xAE", "\xC4\xAB"}, {"\xC3\xBB", "\xC5\xAB"},
    {"\xC3\xAA", "\xC4\x93"}, {"\xC3\xB4", "\xC5\x8D"},
};

/* s in Hepburn: kunrei syllables rewritten where a syllable starts (after a vowel, n, or at the
 * start), so that the h of shu or the t of tsu is never taken for the start of hu or tu. */
static kt_status to_hepburn(const char *s, size_t len, kt_buf *out)
{
    for (size_t i = 0; i < len;) {
        bool at_start = i == 0 || strchr("aiueon'", s[i - 1]) != NULL || (unsigned char)s[i] >= 0x80;
        bool done = false;
        for (size_t k = 0; at_start && !done && k < sizeof kunrei / sizeof kunrei[0]; k++) {
            size_t n = strlen(kunrei[k].kunrei);
            if (n <= len - i && memcmp(s + i, kunrei[k].kunrei, n) == 0) {
                kt_buf_append_str(out, kunrei[k].hepburn);
                i += n;
                done = true;
            }
        }
        if (!done)
            kt_buf_append_char(out, s[i++]);
    }
    return kt_buf_status(out);
}

kt_status kt_romaji_kana(kt_romaji *r, const char *s, size_t len, kt_buf *out, bool *whole, kt_error *err)
{
    *whole = false;
    kt_buf hepburn = KT_BUF_INIT;
    if (to_hepburn(s, len, &hepburn) != KT_OK) {
        kt_buf_free(&hepburn);
        return kt_error_nomem(err);
    }
    /* UTF-16 for ICU: a romaji word of ROMAJI_MAX letters never needs more than 4 units a letter */
    UChar text[ROMAJI_MAX * 8];
    int32_t n = 0;
    UErrorCode e = U_ZERO_ERROR;
    u_strFromUTF8(text, (int32_t)(sizeof text / sizeof text[0]), &n, kt_buf_str(&hepburn), (int32_t)hepburn.len, &e);
    kt_buf_free(&hepburn);
    int32_t limit = n;
    if (U_SUCCESS(e))
        utrans_transUChars(r->latin_katakana, text, &n, (int32_t)(sizeof text / sizeof text[0]), 0, &limit, &e);
    char kana[ROMAJI_MAX * 16];
    int32_t kana_len = 0;
    if (U_SUCCESS(e))
        u_strToUTF8(kana, (int32_t)sizeof kana, &kana_len, text, n, &e);
    if (U_FAILURE(e) || e == U_STRING_NOT_TERMINATED_WARNING)
        return kt_error_set(err, KT_ERR_INTERNAL, "romaji: ICU's transform failed: %s", u_errorName(e));
    /* what ICU could not spell stays Latin: then this is no romaji word */
    bool latin = false;
    for (int32_t i = 0; i < kana_len; i++)
        latin |= (kana[i] >= 'a' && kana[i] <= 'z') || kana[i] == '\'' || (unsigned char)kana[i] == 0xCC ||
                 (unsigned char)kana[i] == 0xCD; /* a combining mark (U+0300–U+036F) left over */
    *whole = !latin;
    return kt_buf_append(out, kana, (size_t)kana_len) == KT_OK ? KT_OK : kt_error_nomem(err);
}
