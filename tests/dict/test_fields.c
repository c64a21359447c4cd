/* kt_fields_parse: every 分野 cell of the bundled agreements maps to the intended canonical fields,
 * plus the splitting rules, unknown parts and cells without any field. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "dict/fields.h"
#include "dict_test.h"

static int setup(void **state)
{
    kt_vocab *v;
    kt_error err = {0};
    if (kt_vocab_load(KT_TEST_DATA_DIR "/fields.tsv", &v, &err) != KT_OK) {
        fprintf(stderr, "%s\n", err.message);
        return -1;
    }
    *state = v;
    return 0;
}

static int teardown(void **state)
{
    kt_vocab_free(*state);
    return 0;
}

/* Parses `cell` and checks the fields, "、"-joined in order, and the unknown parts. */
static void check(const kt_vocab *v, const char *cell, const char *want, const char *want_unknown)
{
    const char **fields = NULL;
    size_t n = 0;
    char *unknown = NULL;
    kt_error err = {0};
    if (kt_fields_parse(v, cell, strlen(cell), &fields, &n, &unknown, &err) != KT_OK)
        fail_msg("%s: %s", cell, err.message);
    kt_buf got = KT_BUF_INIT;
    for (size_t i = 0; i < n; i++)
        kt_buf_printf(&got, "%s%s", i ? "、" : "", fields[i]);
    if (strcmp(kt_buf_str(&got), want) != 0)
        fail_msg("%s -> %s, want %s", cell, kt_buf_str(&got), want);
    if (!want_unknown && unknown)
        fail_msg("%s: unexpected unknown parts %s", cell, unknown);
    if (want_unknown && (!unknown || strcmp(unknown, want_unknown) != 0))
        fail_msg("%s: unknown parts %s, want %s", cell, unknown ? unknown : "(none)", want_unknown);
    kt_buf_free(&got);
    free(fields);
    free(unknown);
}

static void test_every_cell_of_the_corpus(void **state)
{
    const kt_vocab *v = *state;
    static const char *const cases[][2] = {
        {"友好交流", "友好"},
        {"観光分野", "観光"},
        {"経済分野", "経済"},
        {"経済・行政分野", "経済、行政"},
        {"経済", "経済"},
        {"技術", "技術"},
        {"世界自然遺産、貿易、観光、文化芸術、青少年、エネルギー", "経済、観光、文化、青少年、環境、エネルギー"},
        {"医療", "医療"},
        {"文化、学術、教育、経済", "経済、文化、教育、学術"},
        {"経済、観光等", "経済、観光"},
        {"経済・観光等", "経済、観光"},
        {"経済等", "経済"},
        {"観光", "観光"},
        {"産業振興", "産業"},
        {"観光、経済、産業、福祉、文化及びスポーツ", "経済、産業、観光、文化、スポーツ、福祉"},
        {"経済交流", "経済"},
        {"鉱業、経済", "経済、産業"},
        {"人的交流", "人的交流"},
        {"経済・技術・観光・人的交流", "経済、観光、技術、人的交流"},
        {"経済、農業", "経済、農業"},
        {"観光・教育・経済", "経済、観光、教育"},
        {"経済、文化", "経済、文化"},
        {"住民の友好協力", "友好"},
        {"人材育成", "人材育成"},
        {"人材と技術", "技術、人材育成"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        check(v, cases[i][0], cases[i][1], NULL);
}

static void test_separators_and_variants(void **state)
{
    const kt_vocab *v = *state;
    check(v, "経済，観光／文化", "経済、観光、文化", NULL);           /* full-width , and / */
    check(v, "経済･観光", "経済、観光", NULL);                       /* half-width ・ */
    check(v, "経済、経済交流、貿易", "経済", NULL);                 /* deduplicated */
    check(v, "スポーツと文化", "文化、スポーツ", NULL);
    check(v, "教育および学術", "教育、学術", NULL);
    check(v, "  観光 　経済  ", "経済、観光", NULL);                 /* whitespace splits */
    check(v, "tourism, health care / Trade", "経済、観光、医療", NULL); /* multi-word aliases */
    check(v, "観光分野等", "観光", NULL);
    check(v, "教育交流", "教育", NULL);
}

static void test_unknown_parts_are_reported(void **state)
{
    const kt_vocab *v = *state;
    check(v, "経済、宇宙開発", "経済", "宇宙開発");
    check(v, "観光・防災・ｺﾞﾐ処理", "観光", "防災、ゴミ処理");
    check(v, "economy and trade", "経済", "and");
    /* The unknown pointer may be NULL when the caller does not care. */
    const char **fields;
    size_t n;
    assert_int_equal(kt_fields_parse(v, "経済、宇宙", strlen("経済、宇宙"), &fields, &n, NULL, NULL), KT_OK);
    assert_int_equal(n, 1);
    free(fields);
}

static void check_error(const kt_vocab *v, const char *cell, size_t len, kt_status status, const char *want)
{
    const char **fields = (const char **)1;
    size_t n = 7;
    char *unknown = (char *)1;
    kt_error err = {0};
    assert_int_equal(kt_fields_parse(v, cell, len, &fields, &n, &unknown, &err), status);
    assert_null(fields);
    assert_null(unknown);
    assert_int_equal(n, 0);
    if (!strstr(err.message, want))
        fail_msg("message \"%s\" does not contain \"%s\"", err.message, want);
}

static void test_cells_without_a_field_are_input_errors(void **state)
{
    const kt_vocab *v = *state;
    check_error(v, "その他", strlen("その他"), KT_ERR_INPUT, "\"その他\"");
    check_error(v, "宇宙、海洋", strlen("宇宙、海洋"), KT_ERR_INPUT, "\"宇宙、海洋\"");
    check_error(v, "", 0, KT_ERR_INPUT, "\"\"");
    check_error(v, "、・等", strlen("、・等"), KT_ERR_INPUT, "分野");
    check_error(v, "経済\xFF", 7, KT_ERR_ENCODING, "offset 6");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_cell_of_the_corpus),
        cmocka_unit_test(test_separators_and_variants),
        cmocka_unit_test(test_unknown_parts_are_reported),
        cmocka_unit_test(test_cells_without_a_field_are_input_errors),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
