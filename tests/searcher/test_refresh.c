/* searcher/search: kt_searcher_refresh — a searcher kept open sees an update, a rebuild (the stub
 * swapped for a new generation), a rebuild into more shards, the index directory replaced by
 * another, and two rebuilds between two checks; an index that is gone is an error, and once it is
 * back the searcher follows it. */
#include "tests/support/kit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "indexer/build.h"
#include "kyotei/search.h"

/* Three agreements that the bundled corpus does not have: two of them about 交流. */
static const char other_csv[] =
    "id,municipality,prefecture,title,partner,country,fields,description,signed,url\n"
    "x-1,青森県,青森県,青森県と台湾の交流協定,台湾/台北市,台湾,観光,観光と交流の促進,2019,\n"
    "x-2,岩手県,岩手県,岩手県と米国の交流覚書,米国/ワシントン州,米国,教育,学生の交流,2020,\n"
    "x-3,宮城県,宮城県,宮城県と韓国の経済協定,韓国/ソウル特別市,韓国,経済,経済の協力,2021,\n";

/* One more, for an update. */
static const char extra_csv[] =
    "id,municipality,prefecture,title,partner,country,fields,description,signed,url\n"
    "x-4,秋田県,秋田県,秋田県と中国の氷雪交流協定,中国/吉林省,中国,友好,氷雪まつりの交流,2022,\n";

typedef struct fixture {
    char *tmp, *index, *other, *extra;
    kt_lexicon *lex;
    kit_reports reports;  /* what the builds said (nothing is expected) */
} fixture;

static fixture *fx;

static int setup(void **state)
{
    (void)state;
    fx = calloc(1, sizeof *fx);
    fx->tmp = kit_mkdtemp();
    fx->index = kit_path(fx->tmp, "index");
    fx->other = kit_write(fx->tmp, "other.csv", other_csv);
    fx->extra = kit_write(fx->tmp, "extra.csv", extra_csv);
    fx->lex = kit_lexicon();
    kt_error err = {0};
    const char *corpus[] = {kit_corpus()};
    KIT_OK(kit_rebuild(fx->index, corpus, 1, fx->lex, NULL, NULL, &err), &err);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    kt_lexicon_close(fx->lex);
    kt_buf_free(&fx->reports.text);
    kit_rmtree(fx->tmp);
    free(fx->tmp);
    free(fx->index);
    free(fx->other);
    free(fx->extra);
    free(fx);
    return 0;
}

static kt_searcher *open_index(void)
{
    kt_searcher *s = NULL;
    kt_error err = {0};
    const char *dbs[] = {fx->index};
    KIT_OK(kt_searcher_open(dbs, 1, kit_data_dir(), &s, &err), &err);
    return s;
}

/* The total for query, and the id of the first hit in id order ("" when none). */
static uint32_t total(kt_searcher *s, const char *query, char first[64])
{
    kt_search_request req = {.query = query, .limit = 1};
    kt_result *r = NULL;
    kt_error err = {0};
    KIT_OK(kt_search(s, &req, &r, &err), &err);
    uint32_t n = r->total;
    if (first)
        snprintf(first, 64, "%s", r->n_hits ? r->hits[0].col[KT_COL_ID] : "");
    kt_result_free(r);
    return n;
}

static bool refresh(kt_searcher *s)
{
    bool changed = true;
    kt_error err = {0};
    KIT_OK(kt_searcher_refresh(s, &changed, &err), &err);
    return changed;
}

static void rebuild(const char *dir, const char *csv, unsigned shards)
{
    kt_build_options o = kit_options(&fx->reports);
    o.shards = shards;
    kt_error err = {0};
    kt_build_stats stats;
    const char *files[] = {csv};
    KIT_OK(kt_index_rebuild(dir, files, 1, fx->lex, &o, &stats, &err), &err);
}

static void test_nothing_changed(void **state)
{
    (void)state;
    kt_searcher *s = open_index();
    assert_int_equal(total(s, "", NULL), 40);
    assert_false(refresh(s));
    assert_false(refresh(s));
    assert_int_equal(total(s, "", NULL), 40);
    kt_searcher_close(s);
}

static void test_rebuild_seen(void **state)
{
    (void)state;
    kt_searcher *s = open_index();
    char first[64];
    assert_int_equal(total(s, "交流", NULL), 31);
    rebuild(fx->index, fx->other, 0);
    /* without a refresh the searcher keeps reading the generation it opened: why fronts refresh */
    assert_int_equal(total(s, "交流", NULL), 31);
    assert_true(refresh(s));
    assert_int_equal(total(s, "交流", first), 2);
    assert_string_equal(first, "x-1");
    assert_int_equal(total(s, "", NULL), 3);
    assert_false(refresh(s));
    kt_searcher_close(s);
}

static void test_update_and_delete_seen(void **state)
{
    (void)state;
    kt_searcher *s = open_index();
    assert_int_equal(total(s, "", NULL), 40);
    kt_build_options o = kit_options(&fx->reports);
    kt_error err = {0};
    kt_build_stats stats;
    const char *files[] = {fx->extra};
    KIT_OK(kt_index_update(fx->index, files, 1, fx->lex, &o, &stats, &err), &err);
    assert_true(refresh(s));
    char first[64];
    assert_int_equal(total(s, "氷雪", first), 1);
    assert_string_equal(first, "x-4");
    assert_int_equal(total(s, "", NULL), 41);
    const char *ids[] = {"x-4", "hokkaido-001"};
    KIT_OK(kt_index_delete(fx->index, ids, 2, &o, &stats, &err), &err);
    assert_true(refresh(s));
    assert_int_equal(total(s, "", NULL), 39);
    assert_int_equal(total(s, "氷雪", NULL), 0);
    kt_searcher_close(s);
}

static void test_rebuild_into_shards_seen(void **state)
{
    (void)state;
    kt_searcher *s = open_index();
    assert_int_equal(total(s, "", NULL), 40);
    rebuild(fx->index, fx->other, 2);  /* the stub now names two databases: a shard list */
    assert_true(refresh(s));
    assert_int_equal(kt_searcher_shard_count(s), 2);
    assert_int_equal(total(s, "", NULL), 3);
    rebuild(fx->index, kit_corpus(), 0);  /* and back to one */
    assert_true(refresh(s));
    assert_int_equal(kt_searcher_shard_count(s), 1);
    assert_int_equal(total(s, "", NULL), 40);
    kt_searcher_close(s);
}

static void test_two_rebuilds_between_checks(void **state)
{
    (void)state;
    kt_searcher *s = open_index();
    assert_int_equal(total(s, "", NULL), 40);
    rebuild(fx->index, fx->other, 0);
    rebuild(fx->index, fx->extra, 0);  /* removes the generation s has open */
    assert_true(refresh(s));
    char first[64];
    assert_int_equal(total(s, "", first), 1);
    assert_string_equal(first, "x-4");
    kt_searcher_close(s);
}

static void test_directory_replaced(void **state)
{
    (void)state;
    kt_searcher *s = open_index();
    assert_int_equal(total(s, "", NULL), 40);
    char *fresh = kit_path(fx->tmp, "index.new"), *old = kit_path(fx->tmp, "index.old");
    rebuild(fresh, fx->other, 0);
    assert_int_equal(rename(fx->index, old), 0);
    assert_int_equal(rename(fresh, fx->index), 0);
    assert_true(refresh(s));
    assert_int_equal(total(s, "", NULL), 3);
    kit_rmtree(old);
    free(fresh);
    free(old);
    kt_searcher_close(s);
}

static void test_index_gone_then_back(void **state)
{
    (void)state;
    kt_searcher *s = open_index();
    assert_int_equal(total(s, "", NULL), 40);
    kit_rmtree(fx->index);
    bool changed = true;
    kt_error err = {0};
    assert_int_equal(kt_searcher_refresh(s, &changed, &err), KT_ERR_INDEX);
    assert_false(changed);
    KIT_CONTAINS(err.message, fx->index);
    rebuild(fx->index, fx->other, 0);
    assert_true(refresh(s));
    assert_int_equal(total(s, "", NULL), 3);
    kt_searcher_close(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_nothing_changed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rebuild_seen, setup, teardown),
        cmocka_unit_test_setup_teardown(test_update_and_delete_seen, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rebuild_into_shards_seen, setup, teardown),
        cmocka_unit_test_setup_teardown(test_two_rebuilds_between_checks, setup, teardown),
        cmocka_unit_test_setup_teardown(test_directory_replaced, setup, teardown),
        cmocka_unit_test_setup_teardown(test_index_gone_then_back, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
