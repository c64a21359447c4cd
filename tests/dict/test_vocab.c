/* kt_vocab: the bundled country and field vocabularies, lookup of aliases and their variants,
 * and errors naming FILE:LINE for broken files written by the test. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <unistd.h>

#include "dict/vocab.h"
#include "dict_test.h"

static char tmpdir[256];

static int make_tmpdir(void **state)
{
    (void)state;
    const char *base = getenv("TMPDIR");
    snprintf(tmpdir, sizeof tmpdir, "%s/kt-vocab-XXXXXX", base && *base ? base : "/tmp");
    return mkdtemp(tmpdir) ? 0 : -1;
}

static int remove_tmpdir(void **state)
{
    (void)state;
    static const char *const files[] = {"ok.tsv", "dup.tsv", "empty.tsv", "bad.tsv", "nul.tsv",
                                        "twice.tsv", "lf.tsv"};
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        kt_buf p = KT_BUF_INIT;
        kt_buf_printf(&p, "%s/%s", tmpdir, files[i]);
        unlink(p.data);
        kt_buf_free(&p);
    }
    return rmdir(tmpdir);
}

static kt_vocab *load(const char *path)
{
    kt_vocab *v = NULL;
    kt_error err = {0};
    if (kt_vocab_load(path, &v, &err) != KT_OK)
        fail_msg("%s", err.message);
    return v;
}

static void assert_lookup(const kt_vocab *v, const char *word, const char *want)
{
    const char *got = kt_vocab_lookup(v, word, strlen(word));
    if (!want && got)
        fail_msg("\"%s\" maps to \"%s\", want nothing", word, got);
    if (want && (!got || strcmp(got, want) != 0))
        fail_msg("\"%s\" maps to \"%s\", want \"%s\"", word, got ? got : "(nothing)", want);
}

static void test_countries(void **state)
{
    (void)state;
    kt_vocab *v = load(KT_TEST_DATA_DIR "/countries.tsv");
    assert_true(kt_vocab_count(v) >= 40);
    assert_string_equal(kt_vocab_canonical_at(v, 0), "中国");
    assert_null(kt_vocab_canonical_at(v, kt_vocab_count(v)));

    static const char *const pairs[][2] = {
        {"中国", "中国"}, {"中華人民共和国", "中国"}, {"China", "中国"}, {"china", "中国"},
        {"大韓民国", "韓国"}, {"South Korea", "韓国"}, {"Korea", "韓国"}, {"台湾", "台湾"},
        {"Taiwan", "台湾"}, {"タイ王国", "タイ"}, {"Thailand", "タイ"}, {"アメリカ合衆国", "米国"},
        {"アメリカ", "米国"}, {"USA", "米国"}, {"ＵＳＡ", "米国"}, {"usa", "米国"},
        {"United States", "米国"}, {"  united   STATES ", "米国"}, {"ｱﾒﾘｶ", "米国"},
        {"ロシア連邦", "ロシア"}, {"Russia", "ロシア"}, {"ドイツ連邦共和国", "ドイツ"},
        {"Germany", "ドイツ"}, {"ベトナム社会主義共和国", "ベトナム"}, {"フィンランド共和国", "フィンランド"},
        {"カナダ", "カナダ"}, {"イギリス", "英国"}, {"UK", "英国"}, {"オーストラリア", "オーストラリア"},
        {"New Zealand", "ニュージーランド"}, {"ブラジル", "ブラジル"}, {"インド", "インド"},
        {"インドネシア", "インドネシア"}, {"フィリピン", "フィリピン"}, {"マレーシア", "マレーシア"},
        {"シンガポール", "シンガポール"}, {"モンゴル", "モンゴル"}, {"オランダ", "オランダ"},
        {"スペイン", "スペイン"}, {"フランス", "フランス"}, {"イタリア", "イタリア"},
    };
    for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++)
        assert_lookup(v, pairs[i][0], pairs[i][1]);
    assert_lookup(v, "日本", NULL);
    assert_lookup(v, "", NULL);
    assert_lookup(v, "中", NULL);
    /* Not valid UTF-8: no match, no crash. */
    assert_null(kt_vocab_lookup(v, "\xFF", 1));
    assert_int_equal(kt_vocab_find(v, "Thailand", 8), kt_vocab_find(v, "タイ", strlen("タイ")));
    assert_int_equal(kt_vocab_find(v, "Atlantis", 8), KT_VOCAB_NONE);
    kt_vocab_free(v);
}

static void test_fields_vocabulary(void **state)
{
    (void)state;
    kt_vocab *v = load(KT_TEST_DATA_DIR "/fields.tsv");
    assert_string_equal(kt_vocab_canonical_at(v, 0), "友好");
    assert_true(kt_vocab_count(v) >= 15 && kt_vocab_count(v) <= 25);
    static const char *const pairs[][2] = {
        {"tourism", "観光"}, {"medicine", "医療"}, {"Medical", "医療"}, {"health care", "医療"},
        {"economy", "経済"}, {"Economic", "経済"}, {"trade", "経済"}, {"貿易", "経済"},
        {"culture", "文化"}, {"arts", "文化"}, {"文化芸術", "文化"}, {"youth", "青少年"},
        {"youth exchange", "青少年"}, {"education", "教育"}, {"academic", "学術"},
        {"technology", "技術"}, {"industry", "産業"}, {"鉱業", "産業"}, {"welfare", "福祉"},
        {"sports", "スポーツ"}, {"agriculture", "農業"}, {"mining", "産業"}, {"energy", "エネルギー"},
        {"ｴﾈﾙｷﾞｰ", "エネルギー"}, {"environment", "環境"}, {"世界自然遺産", "環境"},
        {"friendship", "友好"}, {"human resources", "人材育成"}, {"government", "行政"},
        {"administration", "行政"}, {"人的交流", "人的交流"},
    };
    for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++)
        assert_lookup(v, pairs[i][0], pairs[i][1]);
    kt_vocab_free(v);
}

static void test_format_details(void **state)
{
    (void)state;
    /* A byte-order mark, CRLF line ends, comments, blank lines, spaces around cells, empty
     * cells, an alias repeated for the same entry, and a last line without a newline. */
    const char text[] = "\xEF\xBB\xBF# comment\r\n\r\n  \n"
                        "  経済 \t economy\t\tEconomy\t 貿易\r\n"
                        "   # indented comment\n"
                        "観光\ttourism\ttourism\n"
                        "文化\tＣｕｌｔｕｒｅ";
    char *path = test_write_file(tmpdir, "ok.tsv", text, sizeof text - 1);
    kt_vocab *v = load(path);
    assert_int_equal(kt_vocab_count(v), 3);
    assert_string_equal(kt_vocab_canonical_at(v, 0), "経済");
    assert_string_equal(kt_vocab_canonical_at(v, 1), "観光");
    assert_string_equal(kt_vocab_canonical_at(v, 2), "文化");
    assert_lookup(v, "ECONOMY", "経済");
    assert_lookup(v, "貿易", "経済");
    assert_lookup(v, "culture", "文化");
    assert_lookup(v, "Tourism", "観光");
    assert_lookup(v, "# comment", NULL);
    kt_vocab_free(v);
    free(path);
}

/* Loading `text` fails with `status` and a message containing `want`. */
static void check_broken(const char *name, const char *text, size_t len, kt_status status, const char *want)
{
    char *path = test_write_file(tmpdir, name, text, len);
    kt_vocab *v = (kt_vocab *)1;
    kt_error err = {0};
    assert_int_equal(kt_vocab_load(path, &v, &err), status);
    assert_null(v);
    assert_int_equal(err.status, status);
    kt_buf where = KT_BUF_INIT;
    kt_buf_printf(&where, "%s:%s", path, want);
    if (!strstr(err.message, where.data))
        fail_msg("message \"%s\" does not contain \"%s\"", err.message, where.data);
    kt_buf_free(&where);
    free(path);
}

static void test_broken_files_name_file_and_line(void **state)
{
    (void)state;
    const char dup[] = "# two canonicals claim one alias\n中国\tChina\n台湾\tTaiwan\nChinese\tＣＨＩＮＡ\n";
    check_broken("dup.tsv", dup, sizeof dup - 1, KT_ERR_DICT, "4: \"china\" already names \"中国\" (line 2)");
    const char twice[] = "中国\tChina\n韓国\tKorea\n中国\tPRC\n";
    check_broken("twice.tsv", twice, sizeof twice - 1, KT_ERR_DICT, "3: \"中国\" already names \"中国\"");
    const char empty[] = "中国\tChina\n\tTaiwan\n";
    check_broken("empty.tsv", empty, sizeof empty - 1, KT_ERR_DICT, "2: empty canonical name");
    const char blank_canonical[] = "中国\tChina\n韓国\n　\tTaiwan\n";
    check_broken("lf.tsv", blank_canonical, sizeof blank_canonical - 1, KT_ERR_DICT, "3: empty canonical name");
    const char bad[] = "中国\tChina\n韓国\tKor\xC3\x28" "ea\n";
    check_broken("bad.tsv", bad, sizeof bad - 1, KT_ERR_DICT, "2: invalid UTF-8");
    const char nul[] = "中国\tChina\nタイ\tTh\0ai\n";
    check_broken("nul.tsv", nul, sizeof nul - 1, KT_ERR_DICT, "2: NUL byte");
}

static void test_missing_file_is_an_io_error_with_the_path(void **state)
{
    (void)state;
    kt_vocab *v = (kt_vocab *)1;
    kt_error err = {0};
    assert_int_equal(kt_vocab_load("/nonexistent/kyotei/countries.tsv", &v, &err), KT_ERR_IO);
    assert_null(v);
    assert_non_null(strstr(err.message, "/nonexistent/kyotei/countries.tsv"));
}

static void test_null_vocab_is_empty(void **state)
{
    (void)state;
    assert_null(kt_vocab_lookup(NULL, "中国", strlen("中国")));
    assert_int_equal(kt_vocab_count(NULL), 0);
    assert_null(kt_vocab_canonical_at(NULL, 0));
    kt_vocab_free(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_countries),
        cmocka_unit_test(test_fields_vocabulary),
        cmocka_unit_test(test_format_details),
        cmocka_unit_test(test_broken_files_name_file_and_line),
        cmocka_unit_test(test_missing_file_is_an_io_error_with_the_path),
        cmocka_unit_test(test_null_vocab_is_empty),
    };
    return cmocka_run_group_tests(tests, make_tmpdir, remove_tmpdir);
}
