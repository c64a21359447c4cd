/* kyotei — the numbers people type on a command line or in a query string.
 *
 * One parser for kyotei-index, kyotei-search and the search page, so that "--limit 20", "page=2"
 * and "since=2010" accept and refuse the same texts: decimal digits only — no sign, no space, no
 * "0x", nothing after them — within the bounds the caller gives. A value past ULONG_MAX is out
 * of bounds, not wrapped. The callers word their own messages (they know the option's name).
 */
#ifndef KT_BASE_NUMBER_H
#define KT_BASE_NUMBER_H

#include <stdbool.h>

#define KT_YEAR_MIN 1000
#define KT_YEAR_MAX 9999

/* Whether text is a whole number from min to max; *out is set only when it is. */
bool kt_parse_uint(const char *text, unsigned long min, unsigned long max, unsigned long *out);

/* Whether text is a signing year (KT_YEAR_MIN..KT_YEAR_MAX, four digits). */
bool kt_parse_year(const char *text, int *out);

#endif
