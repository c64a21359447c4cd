/* Tokenizer golden files: golden/NAME.txt is the input, golden/NAME.expected the exact token list,
 * one token a line: surface TAB base TAB reading TAB pos TAB content(1/0) TAB start-end, where
 * start-end are byte offsets into NAME.txt. On a mismatch the test prints a diff.
 * KYOTEI_GOLDEN_UPDATE=1 rewrites the .expected files from the current output (review the diff
 * before committing them). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>

#include "base/grow.h"
#include "dict/tokenizer.h"
#include "dict_test.h"

static void format_tokens(const kt_tokens *toks, kt_buf *out)
{
    for (size_t i = 0; i < toks->count; i++) {
        const kt_token *t = &toks->items[i];
        kt_buf_printf(out, "%.*s\t%.*s\t%.*s\t%s\t%d\t%zu-%zu\n", (int)t->surface_len, t->surface,
                      (int)t->base_len, t->base, (int)t->reading_len, t->reading, kt_pos_name(t->pos),
                      t->content ? 1 : 0, t->start, t->end);
    }
}

typedef struct lines {
    char **line;
    size_t n;
} lines;

static lines split_lines(char *text)
{
    lines l = {NULL, 0};
    size_t cap = 0;
    for (char *p = text; *p;) {
        char *nl = strchr(p, '\n');
        if (nl)
            *nl = '\0';
        assert_int_equal(KT_GROW(l.line, cap, l.n + 1), KT_OK);
        l.line[l.n++] = p;
        if (!nl)
            break;
        p = nl + 1;
    }
    return l;
}

/* Prints a line diff (longest common subsequence) of expected against actual. */
static void print_diff(const char *name, char *expected, char *actual)
{
    lines a = split_lines(expected), b = split_lines(actual);
    size_t *lcs = calloc((a.n + 1) * (b.n + 1), sizeof *lcs);
#define LCS(i, j) lcs[(i) * (b.n + 1) + (j)]
    for (size_t i = a.n; i-- > 0;)
        for (size_t j = b.n; j-- > 0;)
            LCS(i, j) = strcmp(a.line[i], b.line[j]) == 0 ? LCS(i + 1, j + 1) + 1
                        : LCS(i + 1, j) > LCS(i, j + 1) ? LCS(i + 1, j) : LCS(i, j + 1);
    printf("--- golden/%s.expected\n+++ actual\n", name);
    size_t i = 0, j = 0;
    while (i < a.n || j < b.n) {
        if (i < a.n && j < b.n && strcmp(a.line[i], b.line[j]) == 0) {
            i++;
            j++;
        } else if (i < a.n && (j == b.n || LCS(i + 1, j) >= LCS(i, j + 1))) {
            printf("-%s\n", a.line[i++]);
        } else {
            printf("+%s\n", b.line[j++]);
        }
    }
#undef LCS
    free(lcs);
    free(a.line);
    free(b.line);
}

/* Runs one golden case; returns true when it matches (or was rewritten). */
static bool run_case(kt_tokenizer *tok, const char *name)
{
    kt_buf in_path = KT_BUF_INIT, exp_path = KT_BUF_INIT;
    kt_buf_printf(&in_path, "%s/%s.txt", KT_TEST_GOLDEN_DIR, name);
    kt_buf_printf(&exp_path, "%s/%s.expected", KT_TEST_GOLDEN_DIR, name);
    size_t in_len, exp_len;
    char *input = test_read_file(in_path.data, &in_len);
    assert_non_null(input);

    kt_tokens toks;
    kt_error err = {0};
    if (kt_tokenize(tok, input, in_len, &toks, &err) != KT_OK)
        fail_msg("golden/%s.txt: %s", name, err.message);
    kt_buf actual = KT_BUF_INIT;
    format_tokens(&toks, &actual);
    kt_tokens_free(&toks);

    bool ok = true;
    const char *update = getenv("KYOTEI_GOLDEN_UPDATE");
    if (update && *update && strcmp(update, "0") != 0) {
        free(test_write_file(KT_TEST_GOLDEN_DIR, strrchr(exp_path.data, '/') + 1, kt_buf_str(&actual), actual.len));
        printf("rewrote golden/%s.expected\n", name);
    } else {
        char *expected = test_read_file(exp_path.data, &exp_len);
        if (!expected) {
            printf("golden/%s.expected is missing\n", name);
            ok = false;
        } else if (exp_len != actual.len || memcmp(expected, kt_buf_str(&actual), exp_len) != 0) {
            print_diff(name, expected, actual.data ? actual.data : (char[]){""});
            ok = false;
        }
        free(expected);
    }
    kt_buf_free(&actual);
    free(input);
    kt_buf_free(&in_path);
    kt_buf_free(&exp_path);
    return ok;
}

static int compare_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void test_golden_files(void **state)
{
    (void)state;
    kt_tokenizer_config cfg = {NULL, KT_TEST_DATA_DIR "/user.dic"};
    kt_tokenizer *tok;
    kt_error err = {0};
    if (kt_tokenizer_open(&cfg, &tok, &err) != KT_OK)
        fail_msg("%s", err.message);

    DIR *dir = opendir(KT_TEST_GOLDEN_DIR);
    assert_non_null(dir);
    char *names[256];
    size_t n = 0;
    for (struct dirent *e; (e = readdir(dir)) && n < 256;) {
        size_t len = strlen(e->d_name);
        if (len > 4 && strcmp(e->d_name + len - 4, ".txt") == 0) {
            names[n] = strdup(e->d_name);
            names[n++][len - 4] = '\0';
        }
    }
    closedir(dir);
    qsort(names, n, sizeof *names, compare_names);

    size_t failed = 0;
    for (size_t i = 0; i < n; i++) {
        if (!run_case(tok, names[i]))
            failed++;
        free(names[i]);
    }
    kt_tokenizer_close(tok);
    assert_true(n >= 8);
    if (failed)
        fail_msg("%zu of %zu golden files differ", failed, n);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_golden_files),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
