/* searcher/parse: the query language as a tree (kt_qnode_describe) — words, OR, -word, phrases,
 * prefixes, signing years, full-width syntax, and what people mistype, which never fails. */
#include "searcher/parse.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "searcher/ignored.h"

static void assert_parses_to(const char *query, const char *want)
{
    kt_qnode *root = NULL;
    kt_error err = {0};
    kt_status st = kt_parse(query, &root, NULL, &err);
    if (st != KT_OK) {
        fprintf(stderr, "'%s': %s\n", query ? query : "(null)", err.message);
        fail();
    }
    assert_non_null(root);
    assert_int_equal(root->kind, KT_Q_AND);
    char *got = kt_qnode_describe(root);
    if (strcmp(got, want) != 0) {
        fprintf(stderr, "'%s' parses to %s, expected %s\n", query ? query : "(null)", got, want);
        fail();
    }
    free(got);
    kt_qnode_free(root);
}

static void test_words_or_and_not(void **state)
{
    (void)state;
    assert_parses_to("青少年 交流", "AND(WORD(青少年) WORD(交流))");
    assert_parses_to("観光 OR 医療", "AND(OR(WORD(観光) WORD(医療)))");
    /* OR binds tighter than the implicit AND */
    assert_parses_to("a b OR c", "AND(WORD(a) OR(WORD(b) WORD(c)))");
    assert_parses_to("a OR b OR c d", "AND(OR(WORD(a) WORD(b) WORD(c)) WORD(d))");
    assert_parses_to("交流 -中国", "AND(WORD(交流) -WORD(中国))");
    /* lower-case or is a word */
    assert_parses_to("a or b", "AND(WORD(a) WORD(or) WORD(b))");
}

static void test_phrases(void **state)
{
    (void)state;
    assert_parses_to("\"経済交流\"", "AND(PHRASE(経済交流))");
    assert_parses_to("\xe2\x80\x9c経済 交流\xe2\x80\x9d 観光", "AND(PHRASE(経済 交流) WORD(観光))");
    assert_parses_to("-\"経済 交流\"", "AND(-PHRASE(経済 交流))");
    assert_parses_to("交流\"経済\"", "AND(WORD(交流) PHRASE(経済))");
}

static void test_prefixes(void **state)
{
    (void)state;
    assert_parses_to("country:台湾 field:観光 municipality:仙台市 prefecture:宮城県 title:覚書",
                     "AND(country:台湾 field:観光 municipality:仙台市 prefecture:宮城県 title:覚書)");
    assert_parses_to("title:\"経済 交流\"", "AND(title:PHRASE:経済 交流)");
    assert_parses_to("Country:台湾 -country:中国", "AND(country:台湾 -country:中国)");
    assert_parses_to("country:\"United States\"", "AND(country:United States)");
    /* an unknown prefix is part of the word; a prefix with nothing after it is a word */
    assert_parses_to("http://example.jp/a", "AND(WORD(http://example.jp/a))");
    assert_parses_to("title: 覚書", "AND(WORD(title:) WORD(覚書))");
}

static void test_signing_years(void **state)
{
    (void)state;
    assert_parses_to("signed:2010..2016", "AND(signed:2010..2016)");
    assert_parses_to("signed:2010..", "AND(signed:2010..0)");
    assert_parses_to("signed:..2016", "AND(signed:0..2016)");
    assert_parses_to("signed:2012", "AND(signed:2012..2012)");
    assert_parses_to("signed:2016..2010", "AND(signed:2010..2016)");
    /* not years: the clause is dropped */
    assert_parses_to("signed:abc 交流", "AND(WORD(交流))");
    assert_parses_to("signed:.. 交流", "AND(WORD(交流))");
    assert_parses_to("signed:20100 交流", "AND(WORD(交流))");
}

static void test_full_width_syntax(void **state)
{
    (void)state;
    assert_parses_to("青少年\xe3\x80\x80交流", "AND(WORD(青少年) WORD(交流))");
    assert_parses_to("＂経済交流＂", "AND(PHRASE(経済交流))");
    assert_parses_to("交流 －中国", "AND(WORD(交流) -WORD(中国))");
    assert_parses_to("交流 −中国", "AND(WORD(交流) -WORD(中国))");
    assert_parses_to("country：台湾", "AND(country:台湾)");
    assert_parses_to("観光 ＯＲ 医療", "AND(OR(WORD(観光) WORD(医療)))");
}

/* What people mistype is read as well as it can be, never refused. */
static void test_mistakes_never_fail(void **state)
{
    (void)state;
    assert_parses_to("\"経済 交流", "AND(PHRASE(経済 交流))");
    assert_parses_to("交流 OR", "AND(WORD(交流))");
    assert_parses_to("OR 交流", "AND(WORD(交流))");
    assert_parses_to("-", "AND()");
    assert_parses_to("交流 - 観光", "AND(WORD(交流) WORD(観光))");
    assert_parses_to("\"\"", "AND()");
    assert_parses_to("\" \"", "AND()");
    assert_parses_to("", "AND()");
    assert_parses_to(NULL, "AND()");
    assert_parses_to("   \t ", "AND()");
    assert_parses_to("country:\"\" 交流", "AND(WORD(交流))");
}

/* The parts the parser does not search, as "word=reason word=reason". */
static void assert_ignores(const char *query, const char *want)
{
    kt_qnode *root = NULL;
    kt_error err = {0};
    kt_ignored_list ignored = {NULL, 0, 0};
    assert_int_equal(kt_parse(query, &root, &ignored, &err), KT_OK);
    kt_buf got = KT_BUF_INIT;
    for (size_t i = 0; i < ignored.count; i++)
        kt_buf_printf(&got, "%s%s=%s", i ? " " : "", ignored.items[i].word,
                      kt_ignored_reason_name(ignored.items[i].reason));
    assert_int_equal(kt_buf_status(&got), KT_OK);
    if (strcmp(kt_buf_str(&got), want) != 0) {
        fprintf(stderr, "'%s' ignores '%s', expected '%s'\n", query, kt_buf_str(&got), want);
        fail();
    }
    kt_buf_free(&got);
    kt_ignored_list_free(&ignored);
    kt_qnode_free(root);
}

static void test_operator_words(void **state)
{
    (void)state;
    assert_parses_to("観光 AND 医療", "AND(WORD(観光) WORD(医療))");
    assert_parses_to("観光 かつ 医療", "AND(WORD(観光) WORD(医療))");
    assert_parses_to("観光 または 医療", "AND(OR(WORD(観光) WORD(医療)))");
    assert_parses_to("交流 NOT 中国", "AND(WORD(交流) -WORD(中国))");
    assert_parses_to("交流 中国 以外", "AND(WORD(交流) -WORD(中国))");
    assert_parses_to("交流 中国以外", "AND(WORD(交流) -WORD(中国))");
    assert_parses_to("交流 ＮＯＴ 中国", "AND(WORD(交流) -WORD(中国))");
    /* lower case is English text, and an operator inside a word is the word */
    assert_parses_to("research and development", "AND(WORD(research) WORD(and) WORD(development))");
    assert_parses_to("ANDROID", "AND(WORD(ANDROID))");
}

static void test_years_as_words(void **state)
{
    (void)state;
    assert_parses_to("平成28年", "AND(OR(WORD(2016) signed:2016..2016))");
    assert_parses_to("H28 観光", "AND(OR(WORD(2016) signed:2016..2016) WORD(観光))");
    assert_parses_to("令和元年", "AND(OR(WORD(2019) signed:2019..2019))");
    assert_parses_to("2016年", "AND(OR(WORD(2016) signed:2016..2016))");
    /* not years: a number that is no year, an era past its end, an excluded year stays a word */
    assert_parses_to("1234", "AND(WORD(1234))");
    assert_parses_to("平成32年", "AND(WORD(平成32年))");
    assert_parses_to("-2016", "AND(-WORD(2016))");
}

static void test_nothing_dropped_in_silence(void **state)
{
    (void)state;
    assert_ignores("青少年 交流", "");
    assert_ignores("signed:abc 観光", "signed:abc=bad_range");
    assert_ignores("foo:bar", "foo:=not_a_prefix");
    assert_ignores("http://example.jp", "");
    assert_ignores("交流 OR", "OR=operator");
    assert_ignores("OR 交流", "OR=operator");
    assert_ignores("交流 NOT", "NOT=operator");
    assert_ignores("以外 交流", "以外=operator");
    assert_ignores("交流 - 観光", "-=operator");
    assert_ignores("country:台湾 x:y", "x:=not_a_prefix");
}

static void test_too_many_words(void **state)
{
    (void)state;
    /* the root counts as one node */
    kt_buf q = KT_BUF_INIT;
    for (int i = 0; i < KT_PARSE_MAX_NODES - 1; i++)
        kt_buf_printf(&q, "w%d ", i);
    kt_qnode *root = NULL;
    kt_error err = {0};
    assert_int_equal(kt_parse(kt_buf_str(&q), &root, NULL, &err), KT_OK);
    assert_int_equal(root->n_kids, KT_PARSE_MAX_NODES - 1);
    kt_qnode_free(root);
    kt_buf_append_str(&q, "one-more");
    root = (kt_qnode *)&q;
    assert_int_equal(kt_parse(kt_buf_str(&q), &root, NULL, &err), KT_ERR_LIMIT);
    assert_null(root);
    assert_int_equal(err.status, KT_ERR_LIMIT);
    kt_buf_free(&q);
    kt_qnode_free(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_words_or_and_not),
        cmocka_unit_test(test_phrases),
        cmocka_unit_test(test_prefixes),
        cmocka_unit_test(test_signing_years),
        cmocka_unit_test(test_full_width_syntax),
        cmocka_unit_test(test_mistakes_never_fail),
        cmocka_unit_test(test_too_many_words),
        cmocka_unit_test(test_operator_words),
        cmocka_unit_test(test_years_as_words),
        cmocka_unit_test(test_nothing_dropped_in_silence),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
