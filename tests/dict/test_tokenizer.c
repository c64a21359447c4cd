/* kt_tokenizer: opening and its errors, the user dictionary, and the promises every token keeps
 * (order, offsets into the original text, owned strings) on ordinary and hostile input. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <unistd.h>

#include "dict/normalize.h"
#include "dict/tokenizer.h"
#include "dict_test.h"

#define USERDIC KT_TEST_DATA_DIR "/user.dic"

static kt_tokenizer *open_tokenizer(const char *userdic)
{
    kt_tokenizer_config cfg = {NULL, userdic};
    kt_tokenizer *t = NULL;
    kt_error err = {0};
    if (kt_tokenizer_open(&cfg, &t, &err) != KT_OK)
        fail_msg("kt_tokenizer_open: %s", err.message);
    return t;
}

static int setup(void **state)
{
    *state = open_tokenizer(USERDIC);
    return 0;
}

static int teardown(void **state)
{
    kt_tokenizer_close(*state);
    return 0;
}

static bool has_token(const kt_tokens *toks, const char *surface)
{
    for (size_t i = 0; i < toks->count; i++)
        if (toks->items[i].surface_len == strlen(surface) &&
            memcmp(toks->items[i].surface, surface, toks->items[i].surface_len) == 0)
            return true;
    return false;
}

/* The promises of tokenizer.h, for any input that tokenized. */
static void check_invariants(const char *in, size_t len, const kt_tokens *toks)
{
    size_t prev_start = 0;
    const char *prev_end = toks->text;
    assert_int_equal(strlen(toks->text), toks->text_len);
    for (size_t i = 0; i < toks->count; i++) {
        const kt_token *t = &toks->items[i];
        assert_true(t->surface_len > 0);
        assert_true(t->surface >= prev_end);
        assert_true(t->surface + t->surface_len <= toks->text + toks->text_len);
        prev_end = t->surface + t->surface_len;
        assert_non_null(t->base);
        assert_true(t->base_len > 0);
        assert_non_null(t->reading);
        assert_true(t->start < t->end);
        assert_true(t->end <= len);
        assert_true(t->start >= prev_start);
        prev_start = t->start;
        /* Spans start and end on character boundaries of the original. */
        assert_true(((unsigned char)in[t->start] & 0xC0) != 0x80);
        assert_true(t->end == len || ((unsigned char)in[t->end] & 0xC0) != 0x80);
        assert_true(t->pos <= KT_POS_OTHER);
    }
}

static void test_open_with_a_missing_dictionary_fails_with_mecab_message(void **state)
{
    (void)state;
    kt_tokenizer_config cfg = {"/nonexistent/kyotei-dic", NULL};
    kt_tokenizer *t = (kt_tokenizer *)1;
    kt_error err = {0};
    assert_int_equal(kt_tokenizer_open(&cfg, &t, &err), KT_ERR_DICT);
    assert_null(t);
    assert_int_equal(err.status, KT_ERR_DICT);
    assert_non_null(strstr(err.message, "/nonexistent/kyotei-dic"));
}

static void test_open_with_a_missing_user_dictionary_fails(void **state)
{
    (void)state;
    kt_tokenizer_config cfg = {NULL, "/nonexistent/user.dic"};
    kt_tokenizer *t = NULL;
    kt_error err = {0};
    assert_int_equal(kt_tokenizer_open(&cfg, &t, &err), KT_ERR_DICT);
    assert_null(t);
    assert_non_null(strstr(err.message, "/nonexistent/user.dic"));
}

static void test_default_dicdir_is_the_configured_ipadic(void **state)
{
    (void)state;
    const char *dir = kt_dict_default_dicdir();
    assert_non_null(dir);
    kt_buf path = KT_BUF_INIT;
    kt_buf_printf(&path, "%s/sys.dic", dir);
    FILE *f = fopen(path.data, "rb");
    assert_non_null(f);
    fclose(f);
    kt_buf_free(&path);
}

static void test_user_dictionary_changes_the_split(void **state)
{
    const char *text = "中国/普洱市と濰坊市寒亭区";
    kt_tokenizer *plain = open_tokenizer(NULL);
    kt_tokens toks;
    assert_int_equal(kt_tokenize(plain, text, strlen(text), &toks, NULL), KT_OK);
    assert_false(has_token(&toks, "普洱"));
    assert_false(has_token(&toks, "寒亭"));
    kt_tokens_free(&toks);
    kt_tokenizer_close(plain);

    assert_int_equal(kt_tokenize(*state, text, strlen(text), &toks, NULL), KT_OK);
    assert_true(has_token(&toks, "普洱"));
    assert_true(has_token(&toks, "寒亭"));
    assert_true(has_token(&toks, "濰坊"));
    kt_tokens_free(&toks);
}

/* Every entry of dict/userdic.csv is written normalised (MeCab only ever sees normalised text)
 * and, alone or after a place name, comes out as one token with its reading. */
static void test_every_user_dictionary_entry_wins(void **state)
{
    size_t len;
    char *csv = test_read_file(KT_TEST_USERDIC_CSV, &len);
    assert_non_null(csv);
    size_t entries = 0;
    for (char *line = strtok(csv, "\n"); line; line = strtok(NULL, "\n")) {
        char *fields[13] = {0};
        size_t n = 0;
        for (char *p = line; n < 13; n++) {
            fields[n] = p;
            char *comma = strchr(p, ',');
            if (!comma) {
                n++;
                break;
            }
            *comma = '\0';
            p = comma + 1;
        }
        assert_int_equal(n, 13);
        const char *surface = fields[0], *reading = fields[11];

        char *norm;
        size_t norm_len;
        assert_int_equal(kt_normalize(surface, strlen(surface), &norm, &norm_len, NULL, NULL), KT_OK);
        if (strcmp(norm, surface) != 0)
            fail_msg("userdic.csv entry %s is not normalised (%s)", surface, norm);
        free(norm);

        /* Suffix entries (特別自治道, 自治州) only make sense after a name. */
        kt_buf text = KT_BUF_INIT;
        kt_buf_printf(&text, "%s%s", strcmp(fields[5], "接尾") == 0 ? "済州" : "", surface);
        kt_tokens toks;
        assert_int_equal(kt_tokenize(*state, text.data, text.len, &toks, NULL), KT_OK);
        const kt_token *last = &toks.items[toks.count - 1];
        if (last->surface_len != strlen(surface) || memcmp(last->surface, surface, last->surface_len) != 0)
            fail_msg("\"%s\" does not come out as one token", text.data);
        assert_int_equal(last->reading_len, strlen(reading));
        assert_memory_equal(last->reading, reading, last->reading_len);
        assert_true(last->content);
        kt_tokens_free(&toks);
        kt_buf_free(&text);
        entries++;
    }
    assert_true(entries >= 20);
    free(csv);
}

/* MeCab gets its options as an argument vector, so paths with spaces need no quoting. */
static void test_user_dictionary_in_a_path_with_spaces(void **state)
{
    (void)state;
    const char *base = getenv("TMPDIR");
    char dir[256];
    snprintf(dir, sizeof dir, "%s/kt dict XXXXXX", base && *base ? base : "/tmp");
    assert_non_null(mkdtemp(dir));
    size_t len;
    char *dic = test_read_file(USERDIC, &len);
    assert_non_null(dic);
    char *path = test_write_file(dir, "user dic.dic", dic, len);
    free(dic);

    kt_tokenizer *t = open_tokenizer(path);
    kt_tokens toks;
    assert_int_equal(kt_tokenize(t, "普洱市", strlen("普洱市"), &toks, NULL), KT_OK);
    assert_true(has_token(&toks, "普洱"));
    kt_tokens_free(&toks);
    kt_tokenizer_close(t);
    unlink(path);
    rmdir(dir);
    free(path);
}

static void test_invalid_utf8_is_an_encoding_error(void **state)
{
    kt_tokens toks;
    kt_error err = {0};
    assert_int_equal(kt_tokenize(*state, "経済\xFF交流", 10, &toks, &err), KT_ERR_ENCODING);
    assert_non_null(strstr(err.message, "offset 6"));
    assert_int_equal(toks.count, 0);
    kt_tokens_free(&toks);
    assert_int_equal(kt_tokenize(*state, "経済\0交流", 10, &toks, &err), KT_ERR_ENCODING);
    kt_tokens_free(&toks);
    kt_tokens_free(&toks); /* freeing twice is harmless: kt_tokens_free zeroes */
    kt_tokens_free(NULL);
}

static void test_empty_and_blank_text_give_no_tokens(void **state)
{
    kt_tokens toks;
    assert_int_equal(kt_tokenize(*state, "", 0, &toks, NULL), KT_OK);
    assert_int_equal(toks.count, 0);
    assert_string_equal(toks.text, "");
    kt_tokens_free(&toks);
    const char *blank = " \n\r\n\t　\n";
    assert_int_equal(kt_tokenize(*state, blank, strlen(blank), &toks, NULL), KT_OK);
    assert_int_equal(toks.count, 0);
    kt_tokens_free(&toks);
}

static void test_surfaces_are_the_normalised_original_spans(void **state)
{
    const char *text = "仙台市は、ＩＣＴ（情報通信技術）産業クラスターで世界的に著名なオウル市との連携を通じて、"
                       "ｶﾞｲﾄﾞﾌﾞｯｸを２０１４年に作成した。\nhttp://www.city.sendai.jp/ を参照";
    kt_tokens toks;
    assert_int_equal(kt_tokenize(*state, text, strlen(text), &toks, NULL), KT_OK);
    check_invariants(text, strlen(text), &toks);
    assert_true(toks.count > 20);
    for (size_t i = 0; i < toks.count; i++) {
        const kt_token *t = &toks.items[i];
        char *norm;
        size_t norm_len;
        assert_int_equal(kt_normalize(text + t->start, t->end - t->start, &norm, &norm_len, NULL, NULL), KT_OK);
        if (norm_len != t->surface_len || memcmp(norm, t->surface, norm_len) != 0)
            fail_msg("token %zu \"%.*s\" spans \"%.*s\"", i, (int)t->surface_len, t->surface,
                     (int)(t->end - t->start), text + t->start);
        free(norm);
    }
    assert_true(has_token(&toks, "ict"));
    assert_true(has_token(&toks, "ガイドブック"));
    assert_true(has_token(&toks, "2014"));
    kt_tokens_free(&toks);
}

static void test_tokens_outlive_the_tokenizer(void **state)
{
    (void)state;
    kt_tokenizer *t = open_tokenizer(USERDIC);
    const char *text = "両県市間の交流を図る。";
    kt_tokens toks;
    assert_int_equal(kt_tokenize(t, text, strlen(text), &toks, NULL), KT_OK);
    kt_tokenizer_close(t);
    bool found = false;
    for (size_t i = 0; i < toks.count; i++) {
        const kt_token *k = &toks.items[i];
        if (k->pos == KT_POS_VERB && k->content) {
            assert_int_equal(k->base_len, strlen("図る"));
            assert_memory_equal(k->base, "図る", k->base_len);
            assert_memory_equal(k->reading, "ハカル", k->reading_len);
            found = true;
        }
    }
    assert_true(found);
    kt_tokens_free(&toks);
}

/* Valid UTF-8 from every corner of Unicode: controls, marks, symbols, astral planes. */
static void test_random_text_never_breaks_a_promise(void **state)
{
    static const uint32_t ranges[][2] = {
        {0x01, 0x7F}, {0x80, 0x2FF}, {0x300, 0x36F}, {0x2000, 0x206F}, {0x3000, 0x30FF},
        {0x3099, 0x309C}, {0x4E00, 0x9FFF}, {0xAC00, 0xD7A3}, {0x1100, 0x11FF}, {0xFF00, 0xFFEF},
        {0xFE00, 0xFE0F}, {0xE000, 0xF8FF}, {0x1F300, 0x1FAFF}, {0x20000, 0x2A6DF}, {0xFFF0, 0xFFFF},
    };
    const size_t nranges = sizeof ranges / sizeof ranges[0];
    uint64_t seed = 7;
    for (int round = 0; round < 400; round++) {
        kt_buf b = KT_BUF_INIT;
        size_t n = test_rand(&seed) % 300;
        for (size_t i = 0; i < n; i++) {
            const uint32_t *r = ranges[test_rand(&seed) % nranges];
            uint32_t c = r[0] + test_rand(&seed) % (r[1] - r[0] + 1);
            char bytes[4];
            size_t k;
            if (c < 0x80) {
                bytes[0] = (char)c;
                k = 1;
            } else if (c < 0x800) {
                bytes[0] = (char)(0xC0 | (c >> 6));
                bytes[1] = (char)(0x80 | (c & 0x3F));
                k = 2;
            } else if (c < 0x10000) {
                bytes[0] = (char)(0xE0 | (c >> 12));
                bytes[1] = (char)(0x80 | ((c >> 6) & 0x3F));
                bytes[2] = (char)(0x80 | (c & 0x3F));
                k = 3;
            } else {
                bytes[0] = (char)(0xF0 | (c >> 18));
                bytes[1] = (char)(0x80 | ((c >> 12) & 0x3F));
                bytes[2] = (char)(0x80 | ((c >> 6) & 0x3F));
                bytes[3] = (char)(0x80 | (c & 0x3F));
                k = 4;
            }
            kt_buf_append(&b, bytes, k);
        }
        kt_tokens toks;
        kt_error err = {0};
        if (kt_tokenize(*state, kt_buf_str(&b), b.len, &toks, &err) != KT_OK)
            fail_msg("round %d: %s", round, err.message);
        check_invariants(kt_buf_str(&b), b.len, &toks);
        kt_tokens_free(&toks);
        kt_buf_free(&b);
    }
}

/* Arbitrary bytes: either an encoding error or tokens, never a crash. */
static void test_random_bytes_are_tokens_or_an_encoding_error(void **state)
{
    uint64_t seed = 99;
    int errors = 0;
    for (int round = 0; round < 400; round++) {
        char bytes[200];
        size_t n = test_rand(&seed) % sizeof bytes;
        for (size_t i = 0; i < n; i++)
            bytes[i] = (char)(round % 2 ? test_rand(&seed) : 0x80 + test_rand(&seed) % 0x80);
        kt_tokens toks;
        kt_status st = kt_tokenize(*state, bytes, n, &toks, NULL);
        assert_true(st == KT_OK || st == KT_ERR_ENCODING);
        if (st == KT_OK)
            check_invariants(bytes, n, &toks);
        else
            errors++;
        kt_tokens_free(&toks);
    }
    assert_true(errors > 0);
}

static void test_pos_names(void **state)
{
    (void)state;
    assert_string_equal(kt_pos_name(KT_POS_NOUN), "noun");
    assert_string_equal(kt_pos_name(KT_POS_PROPER_NOUN), "proper_noun");
    assert_string_equal(kt_pos_name(KT_POS_SYMBOL), "symbol");
    assert_string_equal(kt_pos_name(KT_POS_OTHER), "other");
    assert_string_equal(kt_pos_name((kt_pos)1234), "other");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_open_with_a_missing_dictionary_fails_with_mecab_message),
        cmocka_unit_test(test_open_with_a_missing_user_dictionary_fails),
        cmocka_unit_test(test_default_dicdir_is_the_configured_ipadic),
        cmocka_unit_test(test_user_dictionary_changes_the_split),
        cmocka_unit_test(test_every_user_dictionary_entry_wins),
        cmocka_unit_test(test_user_dictionary_in_a_path_with_spaces),
        cmocka_unit_test(test_invalid_utf8_is_an_encoding_error),
        cmocka_unit_test(test_empty_and_blank_text_give_no_tokens),
        cmocka_unit_test(test_surfaces_are_the_normalised_original_spans),
        cmocka_unit_test(test_tokens_outlive_the_tokenizer),
        cmocka_unit_test(test_random_text_never_breaks_a_promise),
        cmocka_unit_test(test_random_bytes_are_tokens_or_an_encoding_error),
        cmocka_unit_test(test_pos_names),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
