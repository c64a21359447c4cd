/* Long input: MeCab's memory grows with the sentence it is given, so kt_tokenize feeds it sentence
 * by sentence and cuts over-long sentences. 10 MB must tokenize in linear time and bounded
 * memory, and the result must not depend on where the text sits in a long input. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sys/resource.h>
#include <time.h>

#include "dict/tokenizer.h"
#include "dict_test.h"

#define TEN_MB (10u * 1024 * 1024)
/* kt_tokenize cuts sentences near 4 KiB; a token can never be longer than a piece. */
#define MAX_PIECE 4100

static int setup(void **state)
{
    kt_tokenizer_config cfg = {NULL, KT_TEST_DATA_DIR "/user.dic"};
    kt_error err = {0};
    kt_tokenizer *t;
    if (kt_tokenizer_open(&cfg, &t, &err) != KT_OK) {
        fprintf(stderr, "%s\n", err.message);
        return -1;
    }
    *state = t;
    return 0;
}

static int teardown(void **state)
{
    kt_tokenizer_close(*state);
    return 0;
}

static char *repeat(const char *unit, size_t target, size_t *reps, size_t *len)
{
    size_t n = strlen(unit);
    *reps = (target + n - 1) / n;
    *len = *reps * n;
    char *s = malloc(*len + 1);
    assert_non_null(s);
    for (size_t i = 0; i < *reps; i++)
        memcpy(s + i * n, unit, n);
    s[*len] = '\0';
    return s;
}

static long peak_rss_mb(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_maxrss / 1024;
}

static void tokenize_timed(kt_tokenizer *t, const char *text, size_t len, kt_tokens *toks, const char *what)
{
    kt_error err = {0};
    clock_t t0 = clock();
    if (kt_tokenize(t, text, len, toks, &err) != KT_OK)
        fail_msg("%s: %s", what, err.message);
    double secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
    printf("%s: %zu bytes, %zu tokens, %.2f s, peak RSS %ld MB\n", what, len, toks->count, secs, peak_rss_mb());
    /* Linear work is a few seconds even under sanitizers; quadratic work on 10 MB is hours. */
    if (secs > 60)
        fail_msg("%s took %.1f s", what, secs);
}

/* Tokens of a text without whitespace cover it exactly, and none is longer than a piece. */
static void check_covers(const kt_tokens *toks)
{
    size_t covered = 0;
    for (size_t i = 0; i < toks->count; i++) {
        assert_true(toks->items[i].surface_len <= MAX_PIECE);
        assert_ptr_equal(toks->items[i].surface, toks->text + covered);
        covered += toks->items[i].surface_len;
    }
    assert_int_equal(covered, toks->text_len);
}

static void test_ten_megabytes_of_agreements(void **state)
{
    /* Sentences and lines as in the corpus, with full-width characters so offsets and the
     * normalised text differ. */
    const char *paragraph =
        "岩手県とプーアル市との協力交流の強化に係る協定書。（１）互いの特産品であるプーアル茶及び"
        "南部鉄瓶の相互普及宣伝\n（２）代表団の相互派遣など［２０１６年８月締結］ICT(情報通信技術)産業"
        "クラスターで世界的に著名なオウル市との連携を通じて、仙台地域企業の国際化・高度化を図る。\n";
    kt_tokens one;
    tokenize_timed(*state, paragraph, strlen(paragraph), &one, "one paragraph");
    assert_true(one.count > 40);

    size_t reps, len;
    char *text = repeat(paragraph, TEN_MB, &reps, &len);
    kt_tokens toks;
    tokenize_timed(*state, text, len, &toks, "10 MB of paragraphs");
    /* Every paragraph is tokenized as if it stood alone, at its own offsets. */
    assert_int_equal(toks.count, reps * one.count);
    size_t plen = strlen(paragraph);
    for (size_t r = 0; r < reps; r += reps / 7 + 1) {
        for (size_t i = 0; i < one.count; i++) {
            const kt_token *a = &one.items[i], *b = &toks.items[r * one.count + i];
            assert_int_equal(b->start, a->start + r * plen);
            assert_int_equal(b->end, a->end + r * plen);
            assert_int_equal(b->surface_len, a->surface_len);
            assert_memory_equal(b->surface, a->surface, a->surface_len);
            assert_int_equal(b->pos, a->pos);
        }
    }
    assert_int_equal(toks.items[toks.count - 1].end, len - 1); /* all but the final newline */
    kt_tokens_free(&toks);
    kt_tokens_free(&one);
    free(text);
}

static void test_one_sentence_of_two_megabytes(void **state)
{
    size_t reps, len;
    char *text = repeat("経済交流と観光振興に関する協定書ラインラント・プファルツ州", 2u * 1024 * 1024, &reps, &len);
    kt_tokens toks;
    tokenize_timed(*state, text, len, &toks, "2 MB without a sentence end");
    check_covers(&toks);
    assert_true(toks.count >= reps * 10);
    kt_tokens_free(&toks);
    free(text);
}

static void test_one_script_without_boundaries(void **state)
{
    size_t reps, len;
    char *kanji = repeat("経", 1024 * 1024, &reps, &len);
    kt_tokens toks;
    tokenize_timed(*state, kanji, len, &toks, "1 MB of one kanji");
    check_covers(&toks);
    kt_tokens_free(&toks);
    free(kanji);

    char *latin = repeat("a", 256 * 1024, &reps, &len);
    tokenize_timed(*state, latin, len, &toks, "256 KB of one letter");
    check_covers(&toks);
    assert_true(toks.count >= len / MAX_PIECE);
    kt_tokens_free(&toks);
    free(latin);
}

static void test_memory_stays_bounded(void **state)
{
    (void)state;
    /* The tests above held at most a 10 MB text, its tokens (~2 M) and its offset map at once:
     * a few hundred MB. A MeCab lattice over a 10 MB sentence alone would take gigabytes. */
    long peak = peak_rss_mb();
    printf("peak RSS %ld MB\n", peak);
    if (peak > 1536)
        fail_msg("peak RSS %ld MB", peak);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ten_megabytes_of_agreements),
        cmocka_unit_test(test_one_sentence_of_two_megabytes),
        cmocka_unit_test(test_one_script_without_boundaries),
        cmocka_unit_test(test_memory_stays_bounded),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
