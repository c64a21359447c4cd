/* kt_normalize: width and case folding, the offset map, and invalid input. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <time.h>

#include <utf8proc.h>

#include "dict/normalize.h"
#include "dict_test.h"

#define NFKC_CF ((utf8proc_option_t)kt_normalize_utf8proc_options())

/* kt_normalize folds dict/variants.h's pairs before NFKC; utf8proc is asked to do the same. */
static utf8proc_int32_t variant(utf8proc_int32_t c, void *data)
{
    (void)data;
    return kt_normalize_variant(c);
}

/* Normalises `in` and checks the output and, when map is not NULL, the whole offset map. */
static void check(const char *in, size_t in_len, const char *want, const size_t *want_map)
{
    char *out = NULL;
    size_t out_len = 0, *map = NULL;
    kt_error err = {0};
    assert_int_equal(kt_normalize(in, in_len, &out, &out_len, &map, &err), KT_OK);
    assert_int_equal(out_len, strlen(want));
    assert_string_equal(out, want);
    assert_int_equal(map[out_len], in_len);
    if (want_map)
        for (size_t i = 0; i <= out_len; i++) {
            if (map[i] != want_map[i])
                fail_msg("map[%zu] of \"%s\" is %zu, want %zu", i, want, map[i], want_map[i]);
        }
    free(out);
    free(map);
}

static void test_case_and_width_fold_to_one_word(void **state)
{
    (void)state;
    const size_t full[] = {0, 3, 6, 9};
    check("ＩＣＴ", strlen("ＩＣＴ"), "ict", full);
    check("ｉｃｔ", strlen("ｉｃｔ"), "ict", full);
    const size_t ascii[] = {0, 1, 2, 3};
    check("ICT", 3, "ict", ascii);
    check("ict", 3, "ict", ascii);
}

static void test_full_width_digits_and_brackets(void **state)
{
    (void)state;
    const size_t map[] = {0, 3, 6, 9};
    check("（１）", strlen("（１）"), "(1)", map);
    const size_t year[] = {0, 3, 6, 9, 12, 12, 12, 15};
    check("２０１６年", strlen("２０１６年"), "2016年", year);
    check("［平成２８年］", strlen("［平成２８年］"), "[平成28年]", NULL);
    check("ＵＲＬ　参照", strlen("ＵＲＬ　参照"), "url 参照", NULL);
}

static void test_variants_fold_to_one_character(void **state)
{
    (void)state;
    /* itaiji, old forms and the small ヶ (dict/variants.h), with and without an offset map */
    check("髙橋", strlen("髙橋"), "高橋", NULL);
    check("宮﨑", strlen("宮﨑"), "宮崎", NULL);
    check("霞ヶ関", strlen("霞ヶ関"), "霞ケ関", NULL);
    check("臺灣", strlen("臺灣"), "台湾", NULL);
    char *out = NULL;
    size_t out_len = 0;
    assert_int_equal(kt_normalize("髙橋", strlen("髙橋"), &out, &out_len, NULL, NULL), KT_OK);
    assert_string_equal(out, "高橋");
    free(out);
    /* a variation selector (U+E0100 after 葛) is left out; the map still ends at the input's end */
    check("\xE8\x91\x9B\xF3\xA0\x84\x80", 7, "\xE8\x91\x9B", NULL);
}

static void test_half_width_katakana_joins_its_voicing_mark(void **state)
{
    (void)state;
    /* ｶﾞ (6 bytes) → ガ (3 bytes): every output byte maps to the start of ｶ. */
    const size_t ga[] = {0, 0, 0, 6};
    check("ｶﾞ", strlen("ｶﾞ"), "ガ", ga);
    const size_t gagi[] = {0, 0, 0, 6, 6, 6, 12};
    check("ｶﾞｷﾞ", strlen("ｶﾞｷﾞ"), "ガギ", gagi);
    /* ﾊﾟ with the semi-voiced mark, then a plain ﾄ. */
    const size_t pato[] = {0, 0, 0, 6, 6, 6, 9};
    check("ﾊﾟﾄ", strlen("ﾊﾟﾄ"), "パト", pato);
    check("ｶﾞｲﾄﾞﾌﾞｯｸ", strlen("ｶﾞｲﾄﾞﾌﾞｯｸ"), "ガイドブック", NULL);
}

static void test_expanding_characters_map_to_their_start(void **state)
{
    (void)state;
    /* ㍻ (3 bytes) → 平成 (6 bytes). */
    const size_t heisei[] = {0, 0, 0, 0, 0, 0, 3};
    check("㍻", strlen("㍻"), "平成", heisei);
    const size_t around[] = {0, 1, 1, 1, 1, 1, 1, 4, 5};
    check("a㍻b", strlen("a㍻b"), "a平成b", around);
    /* ß case-folds to ss; ﬁ is a compatibility ligature. */
    const size_t ss[] = {0, 0, 2};
    check("ß", strlen("ß"), "ss", ss);
    const size_t fi[] = {0, 0, 3};
    check("ﬁ", strlen("ﬁ"), "fi", fi);
    /* ㈱ → (株): 3 bytes become 5. */
    const size_t kabu[] = {0, 0, 0, 0, 0, 3};
    check("㈱", strlen("㈱"), "(株)", kabu);
}

static void test_composing_sequences_form_one_unit(void **state)
{
    (void)state;
    /* e + COMBINING ACUTE → é. */
    const size_t e_acute[] = {0, 0, 3};
    check("e\xCC\x81", 3, "\xC3\xA9", e_acute);
    /* Hangul jamo ᄀ ᅡ ᆨ (3 × 3 bytes) compose to 각 (U+AC01). */
    const size_t gak[] = {0, 0, 0, 9};
    check("\xE1\x84\x80\xE1\x85\xA1\xE1\x86\xA8", 9, "\xEA\xB0\x81", gak);
    /* か + combining voiced mark (U+3099) → が; then a separate character. */
    const size_t ga[] = {0, 0, 0, 6, 6, 6, 9};
    check("か\xE3\x82\x99き", 9, "がき", ga);
    /* Combining marks out of canonical order are reordered inside their unit. */
    check("a\xCC\x81\xCC\xA3", 5, "\xE1\xBA\xA1\xCC\x81", NULL);
}

static void test_empty_input(void **state)
{
    (void)state;
    const size_t map[] = {0};
    check("", 0, "", map);
    char *out;
    size_t out_len;
    assert_int_equal(kt_normalize(NULL, 0, &out, &out_len, NULL, NULL), KT_OK);
    assert_string_equal(out, "");
    free(out);
}

/* Invalid input is rejected with the byte offset of the first bad byte, and no output. */
static void check_invalid(const char *in, size_t len, size_t offset)
{
    char *out = (char *)1;
    size_t out_len = 99, *map = (size_t *)1;
    kt_error err = {0};
    assert_int_equal(kt_normalize(in, len, &out, &out_len, &map, &err), KT_ERR_ENCODING);
    assert_int_equal(err.status, KT_ERR_ENCODING);
    assert_null(out);
    assert_null(map);
    assert_int_equal(out_len, 0);
    char want[64];
    snprintf(want, sizeof want, "offset %zu", offset);
    if (!strstr(err.message, want))
        fail_msg("message \"%s\" does not name %s", err.message, want);
}

static void test_invalid_utf8_is_rejected_with_its_offset(void **state)
{
    (void)state;
    check_invalid("ab\xFF" "cd", 5, 2);
    check_invalid("交流\x80", 7, 6);             /* stray continuation byte */
    check_invalid("x\xC0\xAF", 3, 1);           /* overlong '/' */
    check_invalid("xy\xE0\x80\xAF", 5, 2);      /* overlong, 3 bytes */
    check_invalid("\xED\xA0\x80", 3, 0);        /* UTF-16 surrogate */
    check_invalid("abc\xF4\x90\x80\x80", 7, 3); /* past U+10FFFF */
    check_invalid("経済\xE3\x81", 8, 6);         /* truncated at the end */
    check_invalid("\xE3\x81" "a", 3, 0);        /* truncated before ASCII */
}

static void test_nul_bytes_are_rejected(void **state)
{
    (void)state;
    check_invalid("ab\0cd", 5, 2);
    check_invalid("\0", 1, 0);
    /* Without a kt_error the status still comes back. */
    char *out;
    size_t out_len;
    assert_int_equal(kt_normalize("a\0", 2, &out, &out_len, NULL, NULL), KT_ERR_ENCODING);
}

/* Compares kt_normalize with utf8proc_map over the whole input, and checks the map's promises:
 * non-decreasing, on character starts of the input, ending at in_len. */
static void check_against_utf8proc(const char *in, size_t len)
{
    utf8proc_uint8_t *want = NULL;
    utf8proc_ssize_t want_len =
        utf8proc_map_custom((const utf8proc_uint8_t *)in, (utf8proc_ssize_t)len, &want, NFKC_CF, variant, NULL);
    assert_true(want_len >= 0);
    char *out;
    size_t out_len, *map;
    kt_error err = {0};
    assert_int_equal(kt_normalize(in, len, &out, &out_len, &map, &err), KT_OK);
    if (out_len != (size_t)want_len || memcmp(out, want, out_len) != 0) {
        for (size_t i = 0; i < len; i++)
            fprintf(stderr, "%02X ", (unsigned char)in[i]);
        fprintf(stderr, "\n");
        fail_msg("kt_normalize differs from utf8proc_map on the %zu bytes above", len);
    }
    assert_int_equal(map[out_len], len);
    for (size_t i = 0; i < out_len; i++) {
        assert_true(map[i] < len);
        assert_true(i == 0 || map[i] >= map[i - 1]);
        assert_true(((unsigned char)in[map[i]] & 0xC0) != 0x80);
    }
    free(out);
    free(map);
    free(want);
}

static void test_matches_utf8proc_on_random_mixtures(void **state)
{
    (void)state;
    /* Pieces that stress joining: voicing marks, jamo, combining marks in and out of order,
     * expanding and case-folding characters, full- and half-width forms, astral characters. */
    static const char *const pieces[] = {
        "ｶ", "ﾞ", "ﾟ", "ﾊ", "か", "\xE3\x82\x99", "\xE3\x82\x9A", "゛", "ガ", "\xE1\x84\x80",
        "\xE1\x85\xA1", "\xE1\x86\xA8", "가", "e", "E", "\xCC\x81", "\xCC\xA3", "\xCC\x88", "\xCD\x85",
        "㍻", "㈱", "ﬁ", "ß", "Ω", "ǅ", "ＡＢ", "１", "（", "ｰ", "　", " ", "\n", "経済", "。",
        "\xF0\x9F\x98\x80", "\xF0\xA0\x80\x8B", "\xE0\xAD\x87", "\xE0\xAC\xBE", "İ", "ﷺ", "a", "\t",
    };
    const size_t npieces = sizeof pieces / sizeof pieces[0];
    uint64_t seed = 20240601;
    for (int round = 0; round < 5000; round++) {
        kt_buf b = KT_BUF_INIT;
        size_t n = 1 + test_rand(&seed) % 24;
        for (size_t i = 0; i < n; i++)
            kt_buf_append_str(&b, pieces[test_rand(&seed) % npieces]);
        check_against_utf8proc(b.data, b.len);
        kt_buf_free(&b);
    }
}

static void test_matches_utf8proc_on_every_code_point(void **state)
{
    (void)state;
    for (utf8proc_int32_t c = 1; c <= 0x10FFFF; c++) {
        if (c >= 0xD800 && c <= 0xDFFF)
            continue;
        utf8proc_uint8_t in[8];
        utf8proc_ssize_t n = utf8proc_encode_char(c, in);
        /* Preceded by a letter, so that marks have something to join. */
        char two[9] = "a";
        memcpy(two + 1, in, (size_t)n);
        utf8proc_uint8_t *want;
        utf8proc_ssize_t want_len = utf8proc_map_custom((const utf8proc_uint8_t *)two, n + 1, &want, NFKC_CF, variant, NULL);
        char *out;
        size_t out_len;
        assert_int_equal(kt_normalize(two, (size_t)n + 1, &out, &out_len, NULL, NULL), KT_OK);
        if (out_len != (size_t)want_len || memcmp(out, want, out_len) != 0)
            fail_msg("U+%04X normalises differently from utf8proc_map", (unsigned)c);
        free(out);
        free(want);
    }
}

static void test_long_runs_of_marks_stay_linear(void **state)
{
    (void)state;
    /* 1 MB of one combining mark after a letter: units are capped, so this is quick. */
    kt_buf b = KT_BUF_INIT;
    kt_buf_append_char(&b, 'a');
    for (int i = 0; i < 500000; i++)
        kt_buf_append(&b, "\xCC\x81", 2);
    clock_t t0 = clock();
    char *out;
    size_t out_len, *map;
    assert_int_equal(kt_normalize(b.data, b.len, &out, &out_len, &map, NULL), KT_OK);
    double secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
    assert_true(out_len > 0);
    assert_int_equal(map[out_len], b.len);
    /* Quadratic work on 500 000 marks would take minutes. */
    if (secs > 20)
        fail_msg("normalising 1 MB of marks took %.1f s", secs);
    free(out);
    free(map);
    kt_buf_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_case_and_width_fold_to_one_word),
        cmocka_unit_test(test_full_width_digits_and_brackets),
        cmocka_unit_test(test_half_width_katakana_joins_its_voicing_mark),
        cmocka_unit_test(test_variants_fold_to_one_character),
        cmocka_unit_test(test_expanding_characters_map_to_their_start),
        cmocka_unit_test(test_composing_sequences_form_one_unit),
        cmocka_unit_test(test_empty_input),
        cmocka_unit_test(test_invalid_utf8_is_rejected_with_its_offset),
        cmocka_unit_test(test_nul_bytes_are_rejected),
        cmocka_unit_test(test_matches_utf8proc_on_random_mixtures),
        cmocka_unit_test(test_matches_utf8proc_on_every_code_point),
        cmocka_unit_test(test_long_runs_of_marks_stay_linear),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
