/* searcher/query: from typed words to a Xapian query — AND of words, separators, width and case
 * variants, particles, the empty query, facet filters through the vocabularies, bad encoding.
 * The queries are described (xc_query_describe), their highlight words checked, and they are run
 * over a small real index. */
#include "tests/support/kit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "schema/schema.h"
#include "searcher/query.h"
#include "xapian-c/xc.h"

#define HEADER "id,municipality,prefecture,title,partner,country,fields,description,signed,url\n"

static const char corpus[] = HEADER
    "q-001,秋田県,秋田県,青少年交流に関する覚書,中国/天津市,中国,人的交流,青少年の交流の促進,2016-10,\n"
    "q-002,青森県,青森県,友好交流協定,韓国/済州特別自治道,韓国,\"観光、青少年\",ICTと観光の交流,2011,\n"
    "q-003,仙台市,宮城県,観光に関する相互協力協定,タイ国政府観光庁,タイ,観光,ガス事業と観光振興,2006-08-31,\n"
    "q-004,札幌市,北海道,経済交流に関する覚書,中国/大連市,中国,経済,経済の交流,2008,\n";

typedef struct fixture {
    kt_lexicon *lex;
    char *tmp;
    xc_db *db;
} fixture;

static int group_setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    f->lex = kit_lexicon();
    f->tmp = kit_mkdtemp();
    char *csv = kit_write(f->tmp, "q.csv", corpus);
    char *index = kit_path(f->tmp, "index");
    const char *files[] = {csv};
    kt_error err = {0};
    KIT_OK(kit_rebuild(index, files, 1, f->lex, NULL, NULL, &err), &err);
    xc_error xe;
    assert_int_equal(xc_db_open(index, &f->db, &xe), XC_OK);
    free(index);
    free(csv);
    *state = f;
    return 0;
}

static int group_teardown(void **state)
{
    fixture *f = *state;
    xc_db_close(f->db);
    kit_rmtree(f->tmp);
    free(f->tmp);
    kt_lexicon_close(f->lex);
    free(f);
    return 0;
}

/* A built query: the description of its strict form, its plan, and the ids that the strict and
 * the partial form find in the small index. */
typedef struct built {
    char *describe;
    kt_query_plan plan;
    char ids[256];         /* "q-001 q-003" in id order */
    char partial_ids[256]; /* the same for the partial form ("" when there is none) */
} built;

static int compare_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The ids q finds, space-separated in id order, into out. */
static void ids_of(fixture *f, const xc_query *q, char *out, size_t size)
{
    out[0] = '\0';
    if (!q)
        return;
    xc_search_opts o;
    xc_search_opts_init(&o);
    o.limit = 100;
    xc_mset *m;
    xc_error xe;
    assert_int_equal(xc_search(f->db, q, &o, &m, &xe), XC_OK);
    char *ids[100];
    uint32_t n = xc_mset_size(m);
    for (uint32_t i = 0; i < n; i++) {
        xc_doc *doc;
        assert_int_equal(xc_mset_document(m, i, &doc, &xe), XC_OK);
        assert_int_equal(xc_doc_get_value(doc, KT_SLOT_ID, &ids[i], NULL, &xe), XC_OK);
        xc_doc_free(doc);
    }
    qsort(ids, n, sizeof ids[0], compare_str);
    for (uint32_t i = 0; i < n; i++) {
        size_t used = strlen(out);
        snprintf(out + used, size - used, "%s%s", i ? " " : "", ids[i]);
        free(ids[i]);
    }
    xc_mset_free(m);
}

static built build(fixture *f, const kt_search_request *req)
{
    built b = {0};
    kt_error err = {0};
    KIT_OK(kt_query_build(f->lex, f->db, req, &b.plan, &err), &err);
    assert_non_null(b.plan.strict);
    b.describe = xc_query_describe(b.plan.strict);
    assert_non_null(b.describe);
    ids_of(f, b.plan.strict, b.ids, sizeof b.ids);
    ids_of(f, b.plan.partial, b.partial_ids, sizeof b.partial_ids);
    return b;
}

static void built_free(built *b)
{
    free(b->describe);
    kt_query_plan_free(&b->plan);
}

static built build_words(fixture *f, const char *words)
{
    kt_search_request req = {0};
    req.query = words;
    return build(f, &req);
}

static bool has_word(const built *b, const char *word)
{
    for (size_t i = 0; i < b->plan.highlights.words.count; i++)
        if (strcmp(b->plan.highlights.words.items[i], word) == 0)
            return true;
    return false;
}

static void test_words_and_together(void **state)
{
    fixture *f = *state;
    built b = build_words(f, "青少年 交流");
    /* each word in its own clause (with its other layers), the clauses ANDed */
    KIT_CONTAINS(b.describe, "(青少年 OR ");
    KIT_CONTAINS(b.describe, "(交流 OR ");
    KIT_CONTAINS(b.describe, ") AND (");
    assert_true(has_word(&b, "青少年"));
    assert_true(has_word(&b, "交流"));
    assert_string_equal(b.ids, "q-001 q-002");
    /* and the partial form, for when nothing has both, takes either */
    assert_non_null(b.plan.partial);
    assert_string_equal(b.partial_ids, "q-001 q-002 q-004");
    built_free(&b);

    /* one typed word that MeCab splits into two content words needs both */
    b = build_words(f, "青少年交流");
    KIT_CONTAINS(b.describe, "(青少年 AND 交流)");
    assert_string_equal(b.ids, "q-001 q-002");
    assert_null(b.plan.partial); /* one word: no partial form */
    built_free(&b);

    /* an inflected word is looked for by its base form */
    b = build_words(f, "交流した");
    assert_true(has_word(&b, "交流"));
    assert_false(has_word(&b, "した"));
    assert_string_equal(b.ids, "q-001 q-002 q-004");
    built_free(&b);

    /* two words that no agreement has together */
    b = build_words(f, "ガス 経済");
    assert_string_equal(b.ids, "");
    assert_string_equal(b.partial_ids, "q-003 q-004");
    built_free(&b);
}

static void test_ideographic_space_separates_words(void **state)
{
    fixture *f = *state;
    built ascii = build_words(f, "青少年 交流");
    const char *variants[] = {"青少年\xe3\x80\x80交流", "  青少年\t交流  ", "\xe3\x80\x80青少年\xe3\x80\x80\xe3\x80\x80交流"};
    for (size_t i = 0; i < sizeof variants / sizeof variants[0]; i++) {
        built b = build_words(f, variants[i]);
        assert_string_equal(b.describe, ascii.describe);
        assert_string_equal(b.ids, ascii.ids);
        built_free(&b);
    }
    /* 観光 and ガス typed with an ideographic space are two words: ガス required, and 観光, which
     * most of this fixture's agreements have, ranking beside it (query.c: common_word) */
    built b = build_words(f, "観光\xe3\x80\x80ガス");
    KIT_CONTAINS(b.describe, ") AND_MAYBE (");
    assert_true(has_word(&b, "観光"));
    assert_true(has_word(&b, "ガス"));
    assert_string_equal(b.ids, "q-003");
    built_free(&b);
    built_free(&ascii);
}

static void test_width_and_case_variants_are_one_word(void **state)
{
    fixture *f = *state;
    const char *groups[][3] = {
        {"ICT", "ＩＣＴ", "ict"},
        {"ガス", "ｶﾞｽ", "ガス"},
        {"ｉｃｔ　観光", "Ict 観光", "ICT\xe3\x80\x80観光"},
    };
    for (size_t g = 0; g < sizeof groups / sizeof groups[0]; g++) {
        built first = build_words(f, groups[g][0]);
        assert_string_not_equal(first.ids, "");
        for (size_t i = 1; i < 3; i++) {
            built b = build_words(f, groups[g][i]);
            assert_string_equal(b.describe, first.describe);
            assert_int_equal(b.plan.highlights.words.count, first.plan.highlights.words.count);
            for (size_t k = 0; k < b.plan.highlights.words.count; k++)
                assert_string_equal(b.plan.highlights.words.items[k], first.plan.highlights.words.items[k]);
            assert_string_equal(b.ids, first.ids);
            built_free(&b);
        }
        built_free(&first);
    }
    built b = build_words(f, "ＩＣＴ");
    assert_string_equal(b.describe, "Query(ict)");
    assert_string_equal(b.ids, "q-002");
    built_free(&b);
}

static void test_particles_only_match_nothing(void **state)
{
    fixture *f = *state;
    const char *queries[] = {"の", "が を", "の が を", "は\xe3\x80\x80に"};
    for (size_t i = 0; i < sizeof queries / sizeof queries[0]; i++) {
        built b = build_words(f, queries[i]);
        if (strcmp(b.ids, "") != 0 || strcmp(b.partial_ids, "") != 0) {
            fprintf(stderr, "'%s' finds '%s' (partial '%s'): %s\n", queries[i], b.ids, b.partial_ids, b.describe);
            fail();
        }
        assert_int_equal(b.plan.highlights.words.count, 0);
        built_free(&b);
    }
}

/* BUG: a query whose words give no index term at all — only punctuation or symbols (、。 ★ !!!) —
 * matches every agreement: searcher/query.c drops a word whose word_query() is NULL, and
 * root_query() turns "nothing to score" into match-all, which is meant for a query that has only
 * filters or nothing typed. The first version of the query builder made such a query match
 * nothing ("only particles or symbols: nothing can match them"); kyotei-search '★' now lists all
 * 40 agreements. Remove KIT_KNOWN_BUG() once fixed. */
static void test_symbols_only_match_nothing(void **state)
{
    fixture *f = *state;
    const char *queries[] = {"、。", "★", "!!!", "（）"};
    for (size_t i = 0; i < sizeof queries / sizeof queries[0]; i++) {
        built b = build_words(f, queries[i]);
        if (strcmp(b.ids, "") != 0) {
            fprintf(stderr, "'%s' finds '%s': %s\n", queries[i], b.ids, b.describe);
            fail();
        }
        built_free(&b);
    }
}

static void test_empty_query_matches_all(void **state)
{
    fixture *f = *state;
    const char *queries[] = {"", "   ", "\xe3\x80\x80", NULL};
    for (size_t i = 0; i < sizeof queries / sizeof queries[0]; i++) {
        built b = build_words(f, queries[i]);
        assert_string_equal(b.ids, "q-001 q-002 q-003 q-004");
        assert_int_equal(b.plan.highlights.words.count, 0);
        assert_null(b.plan.partial);
        KIT_CONTAINS(b.describe, "<alldocuments>");
        built_free(&b);
    }
}

static void test_country_filter_through_aliases(void **state)
{
    fixture *f = *state;
    const char *aliases[] = {"中華人民共和国", "中国", "China", "ＣＨＩＮＡ"};
    for (size_t i = 0; i < sizeof aliases / sizeof aliases[0]; i++) {
        kt_search_request req = {0};
        const char *countries[] = {aliases[i]};
        req.countries = countries;
        req.n_countries = 1;
        built b = build(f, &req);
        KIT_CONTAINS(b.describe, "XC中国");
        if (strcmp(aliases[i], "中国") != 0) {
            char as_written[64];
            snprintf(as_written, sizeof as_written, "XC%s", aliases[i]);
            KIT_LACKS(b.describe, as_written);
        }
        assert_string_equal(b.ids, "q-001 q-004");
        built_free(&b);
    }
    /* the same through the query language */
    built b = build_words(f, "country:中華人民共和国");
    KIT_CONTAINS(b.describe, "XC中国");
    assert_string_equal(b.ids, "q-001 q-004");
    built_free(&b);

    /* a country that no vocabulary knows still filters, on the value as written */
    kt_search_request req = {0};
    const char *narnia[] = {"ナルニア"};
    req.countries = narnia;
    req.n_countries = 1;
    b = build(f, &req);
    KIT_CONTAINS(b.describe, "XCナルニア");
    assert_string_equal(b.ids, "");
    built_free(&b);
}

static void test_facets_or_within_and_across(void **state)
{
    fixture *f = *state;
    /* several values of one facet OR */
    kt_search_request req = {0};
    const char *countries[] = {"中華人民共和国", "大韓民国"};
    req.countries = countries;
    req.n_countries = 2;
    built b = build(f, &req);
    KIT_CONTAINS(b.describe, "(XC中国 OR XC韓国)");
    assert_string_equal(b.ids, "q-001 q-002 q-004");
    built_free(&b);

    const char *fields[] = {"観光", "経済"};
    req = (kt_search_request){0};
    req.fields = fields;
    req.n_fields = 2;
    b = build(f, &req);
    KIT_CONTAINS(b.describe, "(XF観光 OR XF経済)");
    assert_string_equal(b.ids, "q-002 q-003 q-004");
    built_free(&b);

    /* different facets AND */
    req.countries = countries;
    req.n_countries = 2;
    b = build(f, &req);
    KIT_CONTAINS(b.describe, "(XC中国 OR XC韓国)");
    KIT_CONTAINS(b.describe, "(XF観光 OR XF経済)");
    assert_string_equal(b.ids, "q-002 q-004");
    built_free(&b);

    /* and the words AND with the filters, which add no weight */
    req.query = "交流";
    b = build(f, &req);
    KIT_CONTAINS(b.describe, " FILTER (XC中国 OR XC韓国)");
    assert_true(has_word(&b, "交流"));
    assert_string_equal(b.ids, "q-002 q-004");
    built_free(&b);

    /* a field alias: 貿易 is 経済 */
    const char *trade[] = {"貿易"};
    req = (kt_search_request){0};
    req.fields = trade;
    req.n_fields = 1;
    b = build(f, &req);
    KIT_CONTAINS(b.describe, "XF経済");
    assert_string_equal(b.ids, "q-004");
    built_free(&b);
}

static void test_invalid_utf8_is_an_encoding_error(void **state)
{
    fixture *f = *state;
    const char *bad[] = {"\xff", "交流 \xe4\xba", "\xc0\xaf", "観光 \xed\xa0\x80"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        kt_search_request req = {0};
        req.query = bad[i];
        kt_query_plan plan;
        memset(&plan, 0xA5, sizeof plan); /* garbage, to see that it is reset */
        kt_error err = {0};
        assert_int_equal(kt_query_build(f->lex, f->db, &req, &plan, &err), KT_ERR_ENCODING);
        assert_int_equal(err.status, KT_ERR_ENCODING);
        assert_null(plan.strict);
        assert_null(plan.partial);
        assert_int_equal(plan.highlights.words.count, 0);
        kt_query_plan_free(&plan);
    }
    /* in a filter value too */
    kt_search_request req = {0};
    const char *bad_country[] = {"中\xff国"};
    req.countries = bad_country;
    req.n_countries = 1;
    kt_query_plan plan;
    kt_error err = {0};
    assert_int_equal(kt_query_build(f->lex, f->db, &req, &plan, &err), KT_ERR_ENCODING);
    assert_null(plan.strict);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_words_and_together),
        cmocka_unit_test(test_ideographic_space_separates_words),
        cmocka_unit_test(test_width_and_case_variants_are_one_word),
        cmocka_unit_test(test_particles_only_match_nothing),
        cmocka_unit_test(test_symbols_only_match_nothing),
        cmocka_unit_test(test_empty_query_matches_all),
        cmocka_unit_test(test_country_filter_through_aliases),
        cmocka_unit_test(test_facets_or_within_and_across),
        cmocka_unit_test(test_invalid_utf8_is_an_encoding_error),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
