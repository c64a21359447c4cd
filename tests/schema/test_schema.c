/* schema: the table of facet dimensions (every dimension has a distinct name and prefix, and is
 * found by its name), the values an agreement has in each, and the stored record and facet value
 * round trips (what the indexer encodes, the searcher decodes to the same columns and facets). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "schema/dimension.h"
#include "schema/record.h"
#include "schema/schema.h"

static void test_table_is_whole(void **state)
{
    (void)state;
    for (int d = 0; d < KT_DIM_COUNT; d++) {
        const kt_dimension_info *info = kt_dimension_info_of((kt_dimension)d);
        assert_non_null(info->name);
        assert_non_null(info->prefix);
        kt_dimension found;
        assert_true(kt_dimension_find(info->name, &found));
        assert_int_equal(found, d);
        for (int e = 0; e < d; e++) {
            assert_string_not_equal(info->name, kt_dimension_info_of((kt_dimension)e)->name);
            assert_string_not_equal(info->prefix, kt_dimension_info_of((kt_dimension)e)->prefix);
        }
    }
    kt_dimension unused = KT_DIM_COUNTRY;
    assert_false(kt_dimension_find("Country", &unused)); /* exact names only */
    assert_false(kt_dimension_find("", &unused));
    assert_string_equal(kt_dimension_info_of(KT_DIM_COUNTRY)->prefix, KT_PREFIX_COUNTRY);
    assert_true(kt_dimension_info_of(KT_DIM_FIELD)->multi);
    assert_false(kt_dimension_info_of(KT_DIM_YEAR)->query_prefix); /* years are written signed: */
}

static kt_agreement sample(void)
{
    static char id[] = "sendai-001", muni[] = "仙台市", pref[] = "宮城県", title[] = "協定", partner[] = "オウル市",
                country[] = "フィンランド", fields[] = "経済", desc[] = "健康福祉", date[] = "2006-08", url[] = "";
    kt_agreement a = {.col = {id, muni, pref, title, partner, country, fields, desc, date, url}};
    return a;
}

static void test_values(void **state)
{
    (void)state;
    kt_agreement a = sample();
    const char *fields[] = {"経済", "医療"};
    char year[5];
    assert_string_equal(kt_dimension_value(KT_DIM_COUNTRY, a.col, "フィンランド", fields, 2, 0, year), "フィンランド");
    assert_null(kt_dimension_value(KT_DIM_COUNTRY, a.col, "フィンランド", fields, 2, 1, year));
    assert_string_equal(kt_dimension_value(KT_DIM_FIELD, a.col, "", fields, 2, 1, year), "医療");
    assert_null(kt_dimension_value(KT_DIM_FIELD, a.col, "", fields, 2, 2, year));
    assert_null(kt_dimension_value(KT_DIM_FIELD, a.col, "", fields, 0, 0, year));
    assert_string_equal(kt_dimension_value(KT_DIM_PREFECTURE, a.col, "", fields, 2, 0, year), "宮城県");
    assert_string_equal(kt_dimension_value(KT_DIM_MUNICIPALITY, a.col, "", fields, 2, 0, year), "仙台市");
    assert_string_equal(kt_dimension_value(KT_DIM_YEAR, a.col, "", fields, 2, 0, year), "2006");
    char short_date[] = "06";
    a.col[KT_COL_SIGNED] = short_date;
    assert_string_equal(kt_dimension_value(KT_DIM_YEAR, a.col, "", fields, 2, 0, year), "");
}

static void test_record_round_trip(void **state)
{
    (void)state;
    kt_agreement a = sample();
    char name[] = "担当課", value[] = "国際課 \"本庁\"";
    kt_extra_column extra = {name, value};
    a.extra = &extra;
    a.n_extra = 1;
    const char *fields[] = {"経済", "医療"};
    kt_buf rec = KT_BUF_INIT;
    assert_int_equal(kt_record_encode(&a, "フィンランド", fields, 2, &rec, NULL), KT_OK);
    assert_non_null(strstr(kt_buf_str(&rec), "\"extra\":{\"担当課\":"));
    kt_hit h = {0};
    assert_int_equal(kt_record_decode(rec.data, rec.len, &h, NULL), KT_OK);
    for (int c = 0; c < KT_COL_COUNT; c++)
        assert_string_equal(h.col[c], a.col[c]);
    assert_string_equal(h.country, "フィンランド");
    assert_int_equal(h.n_fields, 2);
    assert_string_equal(h.fields[1], "医療");
    for (int c = 0; c < KT_COL_COUNT; c++)
        free(h.col[c]);
    free(h.country);
    for (size_t i = 0; i < h.n_fields; i++)
        free(h.fields[i]);
    free(h.fields);
    kt_buf_free(&rec);

    kt_error err;
    kt_hit bad = {0};
    assert_int_equal(kt_record_decode("[1,2]", 5, &bad, &err), KT_ERR_INDEX);
    assert_non_null(strstr(err.message, "damaged stored record"));
}

static void test_facet_value_round_trip(void **state)
{
    (void)state;
    const char *fields[] = {"観光", "教育"};
    kt_buf v = KT_BUF_INIT;
    assert_int_equal(kt_facet_value_encode("中国", fields, 2, &v), KT_OK);
    assert_string_equal(kt_buf_str(&v), "中国\x1e観光\x1f教育");
    const char *country, *parts, *field;
    size_t country_len, parts_len, field_len, pos = 0, n = 0;
    kt_facet_value_split(v.data, v.len, &country, &country_len, &parts, &parts_len);
    assert_int_equal(country_len, strlen("中国"));
    assert_memory_equal(country, "中国", country_len);
    while (kt_facet_value_next(parts, parts_len, &pos, &field, &field_len)) {
        assert_int_equal(field_len, strlen(fields[n]));
        assert_memory_equal(field, fields[n], field_len);
        n++;
    }
    assert_int_equal(n, 2);
    kt_buf_clear(&v);
    assert_int_equal(kt_facet_value_encode("", NULL, 0, &v), KT_OK); /* no country, no fields */
    kt_facet_value_split(kt_buf_str(&v), v.len, &country, &country_len, &parts, &parts_len);
    assert_int_equal(country_len, 0);
    pos = 0;
    assert_false(kt_facet_value_next(parts, parts_len, &pos, &field, &field_len));
    kt_buf_free(&v);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table_is_whole),
        cmocka_unit_test(test_values),
        cmocka_unit_test(test_record_round_trip),
        cmocka_unit_test(test_facet_value_round_trip),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
