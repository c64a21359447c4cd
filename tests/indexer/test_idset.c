/* indexer/idset: the ids a run has seen — every id found again with the place it was first seen,
 * across table growth and files; ids that differ only late or in length stay distinct. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "indexer/idset.h"

static void test_many_ids_across_growth(void **state)
{
    (void)state;
    kt_idset *set;
    kt_error err;
    assert_int_equal(kt_idset_new(&set, &err), KT_OK);
    char id[64];
    bool seen;
    const char *file;
    size_t line;
    for (size_t i = 0; i < 50000; i++) {
        snprintf(id, sizeof id, "id-%zu", i);
        assert_int_equal(kt_idset_add(set, id, i < 25000 ? "a.csv" : "b.csv", i + 2, &seen, &file, &line, &err), KT_OK);
        assert_false(seen);
    }
    for (size_t i = 0; i < 50000; i += 7) {
        snprintf(id, sizeof id, "id-%zu", i);
        assert_int_equal(kt_idset_add(set, id, "c.csv", 1, &seen, &file, &line, &err), KT_OK);
        assert_true(seen);
        assert_string_equal(file, i < 25000 ? "a.csv" : "b.csv");
        assert_int_equal(line, i + 2);
    }
    /* prefixes, and ids that differ in their last byte, are other ids */
    const char *const others[] = {"id-", "id-1x", "id-4999", "", "id-49999 "};
    for (size_t i = 0; i < sizeof others / sizeof others[0]; i++) {
        assert_int_equal(kt_idset_add(set, others[i], "d.csv", 9, &seen, &file, &line, &err), KT_OK);
        assert_int_equal(seen, strcmp(others[i], "id-4999") == 0);
    }
    kt_idset_free(set);
    kt_idset_free(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_many_ids_across_growth),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
