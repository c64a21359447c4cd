/* searcher/snippet: which passage of a description a hit shows — the window with the most
 * distinct matched terms, "…" where the text is cut, cuts between characters only, marks on the
 * matched words, line breaks as spaces, the beginning when nothing matches. Real MeCab. */
#include "tests/support/kit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "searcher/snippet.h"

#define ELLIPSIS "…"
#define ELLIPSIS_LEN (sizeof ELLIPSIS - 1)

static kt_lexicon *lex;

static int group_setup(void **state)
{
    (void)state;
    lex = kit_lexicon();
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    kt_lexicon_close(lex);
    return 0;
}

typedef struct snip {
    char *text;
    kt_mark *marks;
    size_t n_marks;
} snip;

static bool starts_with(const char *s, const char *p)
{
    return strncmp(s, p, strlen(p)) == 0;
}

static bool ends_with(const char *s, const char *p)
{
    size_t a = strlen(s), b = strlen(p);
    return a >= b && memcmp(s + a - b, p, b) == 0;
}

/* Checks what every snippet promises: valid UTF-8, no line breaks, at most max_chars characters
 * of text between the ellipses, marks in order, inside the text and on character boundaries. */
static void check_shape(const snip *s, size_t max_chars)
{
    size_t len = strlen(s->text);
    if (!kit_utf8_valid(s->text, len)) {
        fprintf(stderr, "snippet is not valid UTF-8 (max_chars %zu): %s\n", max_chars, s->text);
        fail();
    }
    assert_null(strchr(s->text, '\n'));
    assert_null(strchr(s->text, '\r'));
    size_t from = starts_with(s->text, ELLIPSIS) ? ELLIPSIS_LEN : 0;
    size_t to = len;
    if (len - from >= ELLIPSIS_LEN && ends_with(s->text, ELLIPSIS))
        to -= ELLIPSIS_LEN;
    if (kit_utf8_chars(s->text + from, to - from) > max_chars) {
        fprintf(stderr, "snippet longer than %zu characters: %s\n", max_chars, s->text);
        fail();
    }
    size_t prev_end = 0;
    for (size_t i = 0; i < s->n_marks; i++) {
        assert_true(s->marks[i].start < s->marks[i].end);
        assert_true(s->marks[i].start >= prev_end);
        assert_true(s->marks[i].start >= from);
        assert_true(s->marks[i].end <= to);
        assert_int_not_equal((unsigned char)s->text[s->marks[i].start] & 0xC0, 0x80);
        assert_int_not_equal((unsigned char)s->text[s->marks[i].end] & 0xC0, 0x80);
        prev_end = s->marks[i].end;
    }
}

static snip make_hl(const char *text, const kt_highlights *hl, size_t max_chars)
{
    snip s = {0};
    kt_error err = {0};
    KIT_OK(kt_snippet_build(lex, text, hl, max_chars, &s.text, &s.marks, &s.n_marks, &err), &err);
    assert_non_null(s.text);
    check_shape(&s, max_chars);
    return s;
}

/* A snippet for highlight words (index terms) only. */
static snip make(const char *text, const char *const *words, size_t n_words, size_t max_chars)
{
    kt_highlights hl = {0};
    kt_error err = {0};
    for (size_t i = 0; i < n_words; i++)
        KIT_OK(kt_term_list_add(&hl.words, words[i], strlen(words[i]), &err), &err);
    snip s = make_hl(text, &hl, max_chars);
    kt_highlights_free(&hl);
    return s;
}

static void snip_free(snip *s)
{
    free(s->text);
    free(s->marks);
}

/* The marked words, "|"-joined. */
static char *marked(const snip *s)
{
    kt_buf b = KT_BUF_INIT;
    for (size_t i = 0; i < s->n_marks; i++) {
        if (i)
            kt_buf_append_char(&b, '|');
        kt_buf_append(&b, s->text + s->marks[i].start, s->marks[i].end - s->marks[i].start);
    }
    return kt_buf_steal(&b);
}

#define FILLER "地域の発展について協議する。"

static void test_window_with_most_distinct_terms(void **state)
{
    (void)state;
    /* 観光 alone near the start; 青少年 and 交流 together far later: the later passage wins */
    const char *text = "観光" FILLER FILLER FILLER FILLER FILLER "青少年の交流を促進する。" FILLER FILLER FILLER;
    const char *terms[] = {"観光", "青少年", "交流"};
    snip s = make(text, terms, 3, 30);
    KIT_CONTAINS(s.text, "青少年の交流を促進");
    KIT_LACKS(s.text, "観光");
    char *m = marked(&s);
    assert_string_equal(m, "青少年|交流");
    free(m);
    assert_true(starts_with(s.text, ELLIPSIS));
    assert_true(ends_with(s.text, ELLIPSIS));
    snip_free(&s);

    /* same number of distinct terms: the passage with more matches wins */
    text = "交流" FILLER FILLER FILLER FILLER "交流と交流と交流" FILLER FILLER FILLER;
    const char *one[] = {"交流"};
    s = make(text, one, 1, 30);
    m = marked(&s);
    assert_string_equal(m, "交流|交流|交流");
    free(m);
    snip_free(&s);

    /* a tie: the earliest passage */
    text = "交流" FILLER FILLER FILLER FILLER "交流" FILLER FILLER FILLER;
    s = make(text, one, 1, 30);
    assert_true(starts_with(s.text, "交流"));
    assert_int_equal(s.n_marks, 1);
    assert_int_equal(s.marks[0].start, 0);
    snip_free(&s);
}

/* BUG: the passage is chosen among windows that start max_chars/8 characters before a match
 * (searcher/snippet.c, best_window), so two terms that fit in one window of max_chars characters,
 * but lie further apart than max_chars - max_chars/8, are never shown together: here 観光 and 交流
 * are 38 characters from start to end, max_chars is 40, and the snippet shows 観光 alone although
 * the window starting at 観光 holds both, which snippet.h promises ("the window of at most
 * max_chars characters that covers the most distinct matched terms"). Remove KIT_KNOWN_BUG() once the
 * window search also tries windows that end at a match (or start at one). */
static void test_window_may_start_at_a_match(void **state)
{
    (void)state;
    /* 42 characters, 観光, 34 characters, 交流, 42 characters */
    const char *text = FILLER FILLER FILLER "観光" FILLER FILLER "地域の発展に" "交流" FILLER FILLER FILLER;
    const char *terms[] = {"観光", "交流"};
    snip s = make(text, terms, 2, 40);
    char *m = marked(&s);
    assert_string_equal(m, "観光|交流");
    free(m);
    snip_free(&s);
}

static void test_ellipsis_at_cut_ends(void **state)
{
    (void)state;
    const char *terms[] = {"青少年"};
    /* a match in the middle: cut at both ends */
    snip s = make(FILLER FILLER FILLER "青少年" FILLER FILLER FILLER, terms, 1, 20);
    assert_true(starts_with(s.text, ELLIPSIS));
    assert_true(ends_with(s.text, ELLIPSIS));
    assert_int_equal(s.n_marks, 1);
    snip_free(&s);
    /* at the start: only the end is cut */
    s = make("青少年" FILLER FILLER FILLER, terms, 1, 20);
    assert_false(starts_with(s.text, ELLIPSIS));
    assert_true(ends_with(s.text, ELLIPSIS));
    assert_true(starts_with(s.text, "青少年"));
    snip_free(&s);
    /* at the end: only the start is cut, and the passage is full length */
    s = make(FILLER FILLER FILLER "青少年", terms, 1, 20);
    assert_true(starts_with(s.text, ELLIPSIS));
    assert_false(ends_with(s.text, ELLIPSIS));
    assert_true(ends_with(s.text, "青少年"));
    assert_int_equal(kit_utf8_chars(s.text, strlen(s.text)), 20 + 1);
    snip_free(&s);
}

/* Whether w[0, n) is one or more of 交流, 観光 and ｶﾞｽ one after the other. */
static bool run_of_words(const char *w, size_t n)
{
    static const char *const words[] = {"交流", "観光", "ｶﾞｽ"};
    if (n == 0)
        return false;
    for (size_t k = 0; k < 3; k++) {
        size_t len = strlen(words[k]);
        if (len <= n && memcmp(w, words[k], len) == 0 && (len == n || run_of_words(w + len, n - len)))
            return true;
    }
    return false;
}

/* Long texts of mixed widths (1- to 4-byte characters) with matches near both ends, at every
 * passage length: every snippet is valid UTF-8 and within its length. */
static void test_cuts_at_character_boundaries(void **state)
{
    (void)state;
    const char *pieces[] = {"𠮷野家の", "café", "交流", "ＡＢＣ", "ｶﾞｽ", "事業を", "推進する。", " ", "①"};
    const char *terms[] = {"交流", "観光", "ガス"};
    for (unsigned seed = 1; seed <= 4; seed++) {
        kt_buf text = KT_BUF_INIT;
        kt_buf_append_str(&text, seed % 2 ? "観光" : "あ観光");
        unsigned x = seed;
        while (text.len < 1500) {
            x = x * 1103515245u + 12345u;
            kt_buf_append_str(&text, pieces[(x >> 16) % (sizeof pieces / sizeof pieces[0])]);
        }
        kt_buf_append_str(&text, seed % 2 ? "観光" : "観光𠮷");
        for (size_t max_chars = 1; max_chars <= 90; max_chars += (max_chars < 12 ? 1 : 7)) {
            snip s = make(kt_buf_str(&text), terms, 3, max_chars);
            /* every mark is matched words as written (touching ones merged into one mark) */
            for (size_t i = 0; i < s.n_marks; i++) {
                size_t n = s.marks[i].end - s.marks[i].start;
                const char *w = s.text + s.marks[i].start;
                if (!run_of_words(w, n)) {
                    fprintf(stderr, "mark %zu is '%.*s' in %s\n", i, (int)n, w, s.text);
                    fail();
                }
            }
            snip_free(&s);
        }
        kt_buf_free(&text);
    }
}

static void test_marks_point_at_matched_words(void **state)
{
    (void)state;
    /* the text as written is shown and marked, though the terms are normalised */
    const char *terms[] = {"ict", "観光", "ガス"};
    const char *text = "ＩＣＴと観光、ｶﾞｽ事業とICTの観光振興";
    snip s = make(text, terms, 3, 100);
    assert_string_equal(s.text, text);
    char *m = marked(&s);
    assert_string_equal(m, "ＩＣＴ|観光|ｶﾞｽ|ICT|観光");
    free(m);
    assert_int_equal(s.marks[0].start, 0);
    assert_int_equal(s.marks[1].start, strlen("ＩＣＴと"));
    snip_free(&s);

    /* with a leading "…" the marks shift by its bytes */
    const char *t2 = FILLER FILLER FILLER "最後に観光";
    const char *kanko[] = {"観光"};
    s = make(t2, kanko, 1, 10);
    assert_true(starts_with(s.text, ELLIPSIS));
    m = marked(&s);
    assert_string_equal(m, "観光");
    free(m);
    assert_string_equal(s.text + s.marks[0].start, "観光");
    snip_free(&s);

    /* a compound is marked only on the matched word inside it, never beyond it */
    const char *t3 = "交流会と交流";
    const char *koryu[] = {"交流"};
    s = make(t3, koryu, 1, 100);
    for (size_t i = 0; i < s.n_marks; i++)
        assert_memory_equal(s.text + s.marks[i].start, "交流", strlen("交流"));
    assert_true(s.n_marks >= 1);
    snip_free(&s);

    /* a reading (かんこう typed: its key カンコ, dict/reading.h) and a literal (a word inside a
     * compound) are marked too */
    kt_highlights hl = {0};
    kt_error err = {0};
    KIT_OK(kt_term_list_add(&hl.readings, "カンコ", strlen("カンコ"), &err), &err);
    KIT_OK(kt_term_list_add(&hl.literals, "普洱", strlen("普洱"), &err), &err);
    s = make_hl("中国/普洱市との観光に関する協定", &hl, 100);
    m = marked(&s);
    assert_string_equal(m, "普洱|観光");
    free(m);
    snip_free(&s);
    /* literals are found in the normalised text but marked in the text as written */
    kt_highlights_free(&hl);
    KIT_OK(kt_term_list_add(&hl.literals, "ict", 3, &err), &err);
    s = make_hl("ＩＣＴ分野とＩＣＴ", &hl, 100);
    m = marked(&s);
    assert_string_equal(m, "ＩＣＴ|ＩＣＴ");
    free(m);
    snip_free(&s);
    kt_highlights_free(&hl);
}

static void test_line_breaks_become_spaces(void **state)
{
    (void)state;
    const char *terms[] = {"交流"};
    snip s = make("（１）経済交流\n（２）青少年交流\r\n（３）職員の相互派遣", terms, 1, 100);
    assert_string_equal(s.text, "（１）経済交流 （２）青少年交流  （３）職員の相互派遣");
    char *m = marked(&s);
    assert_string_equal(m, "交流|交流");
    free(m);
    snip_free(&s);
}

static void test_no_match_gives_the_beginning(void **state)
{
    (void)state;
    const char *terms[] = {"宇宙"};
    const char *text = "本道の４港と釜山港が定期コンテナ船航路で結ばれていることから、交流趣意書に調印した。";
    snip s = make(text, terms, 1, 10);
    assert_string_equal(s.text, "本道の４港と釜山港が" ELLIPSIS);
    assert_int_equal(s.n_marks, 0);
    snip_free(&s);
    /* no terms at all (a search without words) */
    s = make(text, NULL, 0, 10);
    assert_string_equal(s.text, "本道の４港と釜山港が" ELLIPSIS);
    assert_int_equal(s.n_marks, 0);
    snip_free(&s);
}

static void test_short_text_is_shown_whole(void **state)
{
    (void)state;
    const char *terms[] = {"締結"};
    snip s = make("[2004年締結]", terms, 1, 80);
    assert_string_equal(s.text, "[2004年締結]");
    char *m = marked(&s);
    assert_string_equal(m, "締結");
    free(m);
    snip_free(&s);
    /* exactly max_chars characters: whole, without "…" */
    s = make("両県市間の交流の拡大", terms, 1, 10);
    assert_string_equal(s.text, "両県市間の交流の拡大");
    snip_free(&s);
    s = make("", terms, 1, 10);
    assert_string_equal(s.text, "");
    assert_int_equal(s.n_marks, 0);
    snip_free(&s);
}

static void test_invalid_text_is_an_error(void **state)
{
    (void)state;
    const char *terms[] = {"交流"};
    kt_highlights hl = {0};
    kt_error err = {0};
    KIT_OK(kt_term_list_add(&hl.words, terms[0], strlen(terms[0]), &err), &err);
    char *text = (char *)"x";
    kt_mark *marks = (kt_mark *)text;
    size_t n = 7;
    assert_int_equal(kt_snippet_build(lex, "交流\xff", &hl, 10, &text, &marks, &n, &err), KT_ERR_ENCODING);
    kt_highlights_free(&hl);
    assert_null(text);
    assert_null(marks);
    assert_int_equal(n, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_window_with_most_distinct_terms),
        cmocka_unit_test(test_window_may_start_at_a_match),
        cmocka_unit_test(test_ellipsis_at_cut_ends),
        cmocka_unit_test(test_cuts_at_character_boundaries),
        cmocka_unit_test(test_marks_point_at_matched_words),
        cmocka_unit_test(test_line_breaks_become_spaces),
        cmocka_unit_test(test_no_match_gives_the_beginning),
        cmocka_unit_test(test_short_text_is_shown_whole),
        cmocka_unit_test(test_invalid_text_is_an_error),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
