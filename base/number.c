#include "number.h"

#include <limits.h>

bool kt_parse_uint(const char *text, unsigned long min, unsigned long max, unsigned long *out)
{
    if (!text || !*text)
        return false;
    unsigned long v = 0;
    for (const char *p = text; *p; p++) {
        if (*p < '0' || *p > '9')
            return false;
        unsigned digit = (unsigned)(*p - '0');
        if (v > (ULONG_MAX - digit) / 10)
            return false;
        v = v * 10 + digit;
    }
    if (v < min || v > max)
        return false;
    *out = v;
    return true;
}

bool kt_parse_year(const char *text, int *out)
{
    unsigned long year;
    if (!kt_parse_uint(text, KT_YEAR_MIN, KT_YEAR_MAX, &year))
        return false;
    *out = (int)year;
    return true;
}
