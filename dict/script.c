#include "script.h"

size_t kt_utf8_next(const char *s, size_t len, uint32_t *cp)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t n = u[0] < 0x80 ? 1 : u[0] >= 0xF0 ? 4 : u[0] >= 0xE0 ? 3 : u[0] >= 0xC0 ? 2 : 1;
    if (n > len) {
        *cp = 0xFFFD;
        return 1;
    }
    switch (n) {
    case 1: *cp = u[0]; break;
    case 2: *cp = ((uint32_t)(u[0] & 0x1F) << 6) | (u[1] & 0x3F); break;
    case 3: *cp = ((uint32_t)(u[0] & 0x0F) << 12) | ((uint32_t)(u[1] & 0x3F) << 6) | (u[2] & 0x3F); break;
    default:
        *cp = ((uint32_t)(u[0] & 0x07) << 18) | ((uint32_t)(u[1] & 0x3F) << 12) | ((uint32_t)(u[2] & 0x3F) << 6) |
              (u[3] & 0x3F);
    }
    return n;
}

bool kt_is_kana_char(uint32_t cp)
{
    return (cp >= 0x3041 && cp <= 0x3096) || /* hiragana */
           (cp >= 0x309D && cp <= 0x309F) || /* ゝ ゞ ゟ */
           (cp >= 0x30A1 && cp <= 0x30FA) || /* katakana */
           (cp >= 0x30FC && cp <= 0x30FF);   /* ー ヽ ヾ ヿ */
}

bool kt_is_japanese_char(uint32_t cp)
{
    return kt_is_kana_char(cp) || (cp >= 0x4E00 && cp <= 0x9FFF) || /* CJK unified ideographs */
           (cp >= 0x3400 && cp <= 0x4DBF) ||                         /* extension A */
           (cp >= 0xF900 && cp <= 0xFAFF) ||                         /* compatibility ideographs */
           (cp >= 0x20000 && cp <= 0x3FFFF) ||                       /* extensions B and later */
           cp == 0x3005 || cp == 0x3006 || cp == 0x30F6;             /* 々 〆 ヶ */
}

bool kt_is_all_kana(const char *s, size_t len)
{
    if (len == 0)
        return false;
    for (size_t i = 0; i < len;) {
        uint32_t cp;
        i += kt_utf8_next(s + i, len - i, &cp);
        if (!kt_is_kana_char(cp))
            return false;
    }
    return true;
}

bool kt_is_all_hiragana(const char *s, size_t len)
{
    if (len == 0)
        return false;
    for (size_t i = 0; i < len;) {
        uint32_t cp;
        i += kt_utf8_next(s + i, len - i, &cp);
        if (!((cp >= 0x3041 && cp <= 0x309F) || cp == 0x30FC))
            return false;
    }
    return true;
}

kt_status kt_to_katakana(const char *s, size_t len, kt_buf *out)
{
    for (size_t i = 0; i < len;) {
        uint32_t cp;
        size_t n = kt_utf8_next(s + i, len - i, &cp);
        if ((cp >= 0x3041 && cp <= 0x3096) || cp == 0x309D || cp == 0x309E) {
            cp += 0x60; /* the katakana block mirrors the hiragana one */
            char enc[3] = {(char)(0xE0 | (cp >> 12)), (char)(0x80 | ((cp >> 6) & 0x3F)), (char)(0x80 | (cp & 0x3F))};
            if (kt_buf_append(out, enc, 3) != KT_OK)
                return KT_ERR_NOMEM;
        } else if (kt_buf_append(out, s + i, n) != KT_OK) {
            return KT_ERR_NOMEM;
        }
        i += n;
    }
    return KT_OK;
}
