/* dict/reading and dict/romaji: the key readings meet on, and romaji words as the kana they spell. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "dict/reading.h"
#include "dict/romaji.h"

static void assert_key(const char *kana, const char *want)
{
    kt_buf key = KT_BUF_INIT;
    assert_int_equal(kt_reading_key(kana, strlen(kana), &key), KT_OK);
    if (strcmp(kt_buf_str(&key), want) != 0) {
        fprintf(stderr, "key of %s: %s, expected %s\n", kana, kt_buf_str(&key), want);
        fail();
    }
    kt_buf_free(&key);
}

static void test_reading_keys(void **state)
{
    (void)state;
    /* long vowels written, marked or left out meet */
    assert_key("カンコウ", "カンコ");
    assert_key("かんこう", "カンコ");
    assert_key("カンコー", "カンコ");
    assert_key("カンコ", "カンコ");
    assert_key("セイショウネン", "セショネン");
    assert_key("センター", "センタ");
    assert_key("オオサカ", "オサカ");
    assert_key("チュウゴク", "チュゴク");
    /* ヴ and the other spellings of the same sound */
    assert_key("ヴィエンチャン", "ビエンチャン");
    assert_key("ヴェトナム", "ベトナム");
    assert_key("ヴ", "ブ");
    assert_key("ヂ", "ジ");
    assert_key("ツヅキ", "ツズキ");
    assert_key("ヶ", "ケ");
    /* not long vowels: a new syllable's vowel after ン or ッ, and a vowel after another one */
    assert_key("ゲンイン", "ゲンイン");
    assert_key("アイ", "アイ");
    assert_key("カウ", "カウ");
    assert_key("ー", "ー");
}

static void assert_romaji(kt_romaji *r, const char *word, const char *want)
{
    kt_error err = {0};
    kt_buf kana = KT_BUF_INIT;
    bool whole = false;
    assert_true(kt_romaji_candidate(word, strlen(word)));
    assert_int_equal(kt_romaji_kana(r, word, strlen(word), &kana, &whole, &err), KT_OK);
    assert_true(whole);
    kt_buf key = KT_BUF_INIT;
    assert_int_equal(kt_reading_key(kana.data, kana.len, &key), KT_OK);
    if (strcmp(kt_buf_str(&key), want) != 0) {
        fprintf(stderr, "%s spells %s (key %s), expected the key %s\n", word, kt_buf_str(&kana), kt_buf_str(&key),
                want);
        fail();
    }
    kt_buf_free(&key);
    kt_buf_free(&kana);
}

static void test_romaji_spellings_meet(void **state)
{
    (void)state;
    kt_romaji *r = NULL;
    kt_error err = {0};
    assert_int_equal(kt_romaji_open(&r, &err), KT_OK);
    /* Hepburn with the long vowel written, marked, left out; kunrei */
    assert_romaji(r, "kankou", "カンコ");
    assert_romaji(r, "kanko", "カンコ");
    assert_romaji(r, "kankō", "カンコ");
    assert_romaji(r, "kankô", "カンコ");
    assert_romaji(r, "seishounen", "セショネン");
    assert_romaji(r, "seisyounen", "セショネン");
    assert_romaji(r, "sapporo", "サッポロ");
    assert_romaji(r, "tiiki", "チキ");
    assert_romaji(r, "huku", "フク");
    assert_romaji(r, "shinkou", "シンコ");
    kt_romaji_close(r);
}

static void test_what_is_not_romaji(void **state)
{
    (void)state;
    static const char *const not_romaji[] = {"tourism", "ict", "dalian", "x", "abc", "co2", "日本", "kan-kou",
                                             "street", "quiz"};
    for (size_t i = 0; i < sizeof not_romaji / sizeof not_romaji[0]; i++)
        if (kt_romaji_candidate(not_romaji[i], strlen(not_romaji[i]))) {
            fprintf(stderr, "%s taken for romaji\n", not_romaji[i]);
            fail();
        }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reading_keys),
        cmocka_unit_test(test_romaji_spellings_meet),
        cmocka_unit_test(test_what_is_not_romaji),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
