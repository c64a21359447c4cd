/* kyotei — Japanese era years (和暦) as Western years.
 *
 * People and the published lists write years by era: 平成28年, 令和元年, 昭和63年, and in short
 * H28, R3, S63. The query language (searcher/parse.c) reads a word that is an era year as the
 * signing year and as text; the indexer (indexer/document.c) adds the Western year of every era
 * year a text mentions, so that 2016 finds 平成28年 and 平成28年 finds 2016.
 *
 *   明治 M 1868–1912 · 大正 T 1912–1926 · 昭和 S 1926–1989 · 平成 H 1989–2019 · 令和 R 2019–
 *
 * Forms read: the era's name or its Latin initial (either case), then 元 or 1–2 ASCII digits or
 * kanji numerals (二十八), then 年 (optional, and required after kanji numerals). A year past the
 * era's end (平成32年) is not an era year. Digits may be ASCII or full width (平成２８年), so that the
 * indexer can read a text as it was written; Latin initials must be ASCII (normalise first).
 *
 * No allocation, no errors: the functions only read.
 */
#ifndef KT_DICT_ERA_H
#define KT_DICT_ERA_H

#include <stdbool.h>
#include <stddef.h>

/* Whether the whole of s[0..len) is one era year (平成28年, H28, 令和元年): its Western year. */
bool kt_era_year(const char *s, size_t len, int *year);

/* The next era year written by its era's name in s[0..len) (Latin initials are not looked for in
 * running text, where H28 may be a part number): its Western year, and where it starts and ends.
 * False when there is none. */
bool kt_era_find(const char *s, size_t len, int *year, size_t *start, size_t *end);

/* Whether s[0..len) is a Western year as people type one alone: 4 ASCII digits from 1868 to 2099,
 * optionally followed by 年 (2016, 2016年). */
bool kt_western_year(const char *s, size_t len, int *year);

#endif
