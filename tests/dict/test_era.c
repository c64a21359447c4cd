/* dict/era: era years (平成28年, H28, 令和元年, 二十八年) as Western years, in a word and in running text. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "dict/era.h"

static int year_of(const char *s)
{
    int y = -1;
    return kt_era_year(s, strlen(s), &y) ? y : -1;
}

static void test_era_words(void **state)
{
    (void)state;
    static const struct {
        const char *word;
        int year; /* -1: not an era year */
    } cases[] = {
        {"平成28年", 2016}, {"平成28", 2016},   {"H28", 2016},      {"h28", 2016},     {"令和元年", 2019},
        {"R3", 2021},       {"昭和63年", 1988}, {"S63", 1988},      {"平成元年", 1989}, {"平成31年", 2019},
        {"大正15年", 1926}, {"明治45年", 1912}, {"平成二十八年", 2016}, {"令和三年", 2021}, {"昭和十年", 1935},
        {"平成２８年", 2016},
        /* not era years */
        {"平成32年", -1}, /* past the era's end */
        {"昭和65年", -1}, {"平成0年", -1},   {"平成123年", -1}, {"平成", -1},   {"H元", -1},
        {"平成二十八", -1}, /* kanji numerals need 年 */
        {"H28a", -1},      {"X28", -1},      {"", -1},          {"2016", -1},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int got = year_of(cases[i].word);
        if (got != cases[i].year) {
            fprintf(stderr, "'%s': %d, expected %d\n", cases[i].word, got, cases[i].year);
            fail();
        }
    }
}

static void test_era_in_text(void **state)
{
    (void)state;
    const char *text = "平成18年8月31日締結、平成２４年1月27日に延長。H28 は部品番号。";
    size_t len = strlen(text), at = 0, start, end;
    int year = 0, found[4] = {0}, n = 0;
    while (n < 4 && kt_era_find(text + at, len - at, &year, &start, &end)) {
        found[n++] = year;
        at += end;
    }
    /* the two written by name; a Latin initial in running text is not read as an era */
    assert_int_equal(n, 2);
    assert_int_equal(found[0], 2006);
    assert_int_equal(found[1], 2012);
    assert_false(kt_era_find("平成の終わり", strlen("平成の終わり"), &year, &start, &end));
}

static void test_western_years(void **state)
{
    (void)state;
    int y = 0;
    assert_true(kt_western_year("2016", 4, &y));
    assert_int_equal(y, 2016);
    assert_true(kt_western_year("2016年", strlen("2016年"), &y));
    assert_false(kt_western_year("1234", 4, &y));
    assert_false(kt_western_year("20166", 5, &y));
    assert_false(kt_western_year("2016月", strlen("2016月"), &y));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_era_words),
        cmocka_unit_test(test_era_in_text),
        cmocka_unit_test(test_western_years),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
