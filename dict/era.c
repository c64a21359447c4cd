#include "era.h"

#include <string.h>

/* The eras a list of agreements may name, newest last. `last` is the era's final year number
 * (0: still running); an era's first year (元年) is `first`. */
static const struct era {
    const char *name;
    char initial;
    int first;
    int last;
} eras[] = {
    {"明治", 'M', 1868, 45},
    {"大正", 'T', 1912, 15},
    {"昭和", 'S', 1926, 64},
    {"平成", 'H', 1989, 31},
    {"令和", 'R', 2019, 0},
};

#define YEAR_SIGN "年"
#define FIRST_YEAR "元"

/* Kanji numerals up to 99, as era years are written in vertical text: 二十八, 三十, 九. */
static const char *const kanji_digits[] = {"〇", "一", "二", "三", "四", "五", "六", "七", "八", "九"};
#define KANJI_TEN "十"

static bool starts(const char *s, size_t len, const char *with)
{
    size_t n = strlen(with);
    return len >= n && memcmp(s, with, n) == 0;
}

static int kanji_digit(const char *s, size_t len)
{
    for (int d = 0; d < 10; d++)
        if (starts(s, len, kanji_digits[d]))
            return d;
    return -1;
}

/* An ASCII or full-width digit at s (running text writes 平成２８年): its value and length. */
static size_t digit(const char *s, size_t len, int *d)
{
    if (len >= 1 && s[0] >= '0' && s[0] <= '9') {
        *d = s[0] - '0';
        return 1;
    }
    /* U+FF10..U+FF19 are EF BC 90..99 */
    if (len >= 3 && (unsigned char)s[0] == 0xEF && (unsigned char)s[1] == 0xBC && (unsigned char)s[2] >= 0x90 &&
        (unsigned char)s[2] <= 0x99) {
        *d = (unsigned char)s[2] - 0x90;
        return 3;
    }
    return 0;
}

/* The year number at s (元, digits or kanji numerals): its value and length in bytes, or 0 bytes
 * when there is none. *kanji says whether it was written in kanji (then 年 must follow). */
static size_t year_number(const char *s, size_t len, int *n, bool *kanji)
{
    *kanji = false;
    if (starts(s, len, FIRST_YEAR)) {
        *n = 1;
        *kanji = true;
        return strlen(FIRST_YEAR);
    }
    size_t i = 0, step;
    int v = 0, d, digits = 0;
    while ((step = digit(s + i, len - i, &d)) > 0 && digits < 3) {
        v = v * 10 + d;
        i += step;
        digits++;
    }
    if (digits > 2)
        return 0; /* three digits: not an era year */
    if (digits > 0) {
        *n = v;
        return i;
    }
    /* kanji: [d]十[d] or d */
    int tens = 0, units = 0;
    bool ten = false;
    d = kanji_digit(s, len);
    if (d > 0) {
        units = d;
        i += strlen(kanji_digits[d]);
    }
    if (starts(s + i, len - i, KANJI_TEN)) {
        ten = true;
        tens = i ? units : 1;
        units = 0;
        i += strlen(KANJI_TEN);
        d = kanji_digit(s + i, len - i);
        if (d > 0) {
            units = d;
            i += strlen(kanji_digits[d]);
        }
    }
    if (i == 0)
        return 0;
    *n = (ten ? tens * 10 : 0) + units;
    *kanji = true;
    return i;
}

/* An era year starting at s: its era by name (or by initial when `initials`), its number and 年.
 * Returns the length read, 0 when s does not start with one. */
static size_t read_era_year(const char *s, size_t len, bool initials, int *year)
{
    for (size_t e = 0; e < sizeof eras / sizeof eras[0]; e++) {
        size_t i;
        bool by_initial = false;
        if (starts(s, len, eras[e].name))
            i = strlen(eras[e].name);
        else if (initials && len > 0 && (s[0] == eras[e].initial || s[0] == eras[e].initial + ('a' - 'A'))) {
            i = 1;
            by_initial = true;
        } else
            continue;
        int n;
        bool kanji;
        size_t digits = year_number(s + i, len - i, &n, &kanji);
        if (digits == 0 || n < 1 || (eras[e].last && n > eras[e].last))
            return 0;
        if (by_initial && kanji)
            return 0; /* H元 is no one's way of writing it */
        i += digits;
        if (starts(s + i, len - i, YEAR_SIGN))
            i += strlen(YEAR_SIGN);
        else if (kanji)
            return 0;
        *year = eras[e].first + n - 1;
        return i;
    }
    return 0;
}

bool kt_era_year(const char *s, size_t len, int *year)
{
    int y;
    if (read_era_year(s, len, true, &y) != len || len == 0)
        return false;
    *year = y;
    return true;
}

bool kt_era_find(const char *s, size_t len, int *year, size_t *start, size_t *end)
{
    for (size_t i = 0; i < len; i++) {
        size_t n = read_era_year(s + i, len - i, false, year);
        if (n) {
            *start = i;
            *end = i + n;
            return true;
        }
    }
    return false;
}

bool kt_western_year(const char *s, size_t len, int *year)
{
    if (len != 4 && !(len == 4 + strlen(YEAR_SIGN) && starts(s + 4, len - 4, YEAR_SIGN)))
        return false;
    int v = 0;
    for (size_t i = 0; i < 4; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        v = v * 10 + (s[i] - '0');
    }
    if (v < 1868 || v > 2099)
        return false;
    *year = v;
    return true;
}
