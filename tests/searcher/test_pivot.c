/* searcher/pivot: cross-tables over a small index written by the test — every agreement of the
 * match set counted, several fields counted under each, undated agreements under year "", axes
 * ordered (years in time, other values by count), the filters of the request applied, and unknown
 * dimensions refused with the names that exist. */
#include "kyotei/pivot.h"

#include <string.h>

#include "tests/support/kit.h"

static const char corpus[] =
    "id,municipality,prefecture,title,partner,country,fields,description,signed,url\n"
    "p-1,札幌市,北海道,観光協定,大連市,中国,観光、医療,観光と医療の交流,2016-01,\n"
    "p-2,札幌市,北海道,観光協定,釜山広域市,韓国,観光,観光の交流,2016-05,\n"
    "p-3,仙台市,宮城県,経済協定,天津市,中国,経済,経済の交流,2010-03,\n"
    "p-4,仙台市,宮城県,友好協定,台南市,台湾,,友好の交流,,\n";

typedef struct fixture {
    char *tmp;
    kt_searcher *s;
} fixture;

static int setup(void **state)
{
    fixture *fx = calloc(1, sizeof *fx);
    fx->tmp = kit_mkdtemp();
    char *csv = kit_write(fx->tmp, "p.csv", corpus);
    char *db = kit_path(fx->tmp, "db");
    const char *files[] = {csv};
    kt_error err = {0};
    kt_lexicon *lex = kit_lexicon();
    KIT_OK(kit_rebuild(db, files, 1, lex, NULL, NULL, &err), &err);
    kt_lexicon_close(lex);
    const char *dbs[] = {db};
    KIT_OK(kt_searcher_open(dbs, 1, kit_data_dir(), &fx->s, &err), &err);
    free(csv);
    free(db);
    *state = fx;
    return 0;
}

static int teardown(void **state)
{
    fixture *fx = *state;
    kt_searcher_close(fx->s);
    kit_rmtree(fx->tmp);
    free(fx->tmp);
    free(fx);
    return 0;
}

/* The count in the cell (row, col), or -1 when either value is not on its axis. */
static int cell(const kt_pivot *p, const char *row, const char *col)
{
    for (size_t i = 0; i < p->n_rows; i++)
        for (size_t j = 0; j < p->n_cols; j++)
            if (strcmp(p->rows[i], row) == 0 && strcmp(p->cols[j], col) == 0)
                return (int)p->counts[i * p->n_cols + j];
    return -1;
}

static kt_pivot *pivot(fixture *fx, const char *query, kt_dimension rows, kt_dimension cols)
{
    kt_search_request req = {.query = query, .limit = 10};
    kt_pivot *p = NULL;
    kt_error err = {0};
    KIT_OK(kt_pivot_build(fx->s, &req, rows, cols, &p, &err), &err);
    assert_non_null(p);
    return p;
}

static void test_country_by_field(void **state)
{
    kt_pivot *p = pivot(*state, "", KT_DIM_COUNTRY, KT_DIM_FIELD);
    assert_int_equal(p->total, 4);
    assert_int_equal(p->rows_dim, KT_DIM_COUNTRY);
    assert_string_equal(p->rows[0], "中国"); /* two agreements: first */
    assert_int_equal(cell(p, "中国", "観光"), 1);
    assert_int_equal(cell(p, "中国", "医療"), 1);
    assert_int_equal(cell(p, "中国", "経済"), 1);
    assert_int_equal(cell(p, "韓国", "観光"), 1);
    assert_int_equal(cell(p, "韓国", "医療"), 0);
    kt_pivot_free(p);
}

static void test_years_in_time_and_undated(void **state)
{
    kt_pivot *p = pivot(*state, "", KT_DIM_YEAR, KT_DIM_PREFECTURE);
    assert_int_equal(p->n_rows, 3);
    assert_string_equal(p->rows[0], ""); /* undated, then 2010 before 2016 */
    assert_string_equal(p->rows[1], "2010");
    assert_string_equal(p->rows[2], "2016");
    assert_int_equal(cell(p, "2016", "北海道"), 2);
    assert_int_equal(cell(p, "", "宮城県"), 1);
    kt_pivot_free(p);
}

static void test_query_narrows(void **state)
{
    kt_pivot *p = pivot(*state, "観光", KT_DIM_MUNICIPALITY, KT_DIM_COUNTRY);
    assert_int_equal(p->total, 2);
    assert_int_equal(p->n_rows, 1);
    assert_string_equal(p->rows[0], "札幌市");
    assert_int_equal(cell(p, "札幌市", "中国"), 1);
    assert_int_equal(cell(p, "札幌市", "韓国"), 1);
    kt_pivot_free(p);
}

static void test_dimension_names(void **state)
{
    (void)state;
    for (int d = 0; d < KT_DIM_COUNT; d++) {
        kt_dimension back;
        assert_int_equal(kt_dimension_parse(kt_dimension_name((kt_dimension)d), &back, NULL), KT_OK);
        assert_int_equal(back, d);
    }
    kt_dimension unused;
    kt_error err;
    assert_int_equal(kt_dimension_parse("decade", &unused, &err), KT_ERR_INPUT);
    KIT_CONTAINS(err.message, "'decade'");
    KIT_CONTAINS(err.message, "country, field, prefecture, municipality, year");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_country_by_field, setup, teardown),
        cmocka_unit_test_setup_teardown(test_years_in_time_and_undated, setup, teardown),
        cmocka_unit_test_setup_teardown(test_query_narrows, setup, teardown),
        cmocka_unit_test(test_dimension_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
