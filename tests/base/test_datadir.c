/* base/datadir: kt_path_join, and kt_data_dir from $KYOTEI_DATA_DIR or beside the program. */
#include "base/datadir.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void test_path_join(void **state)
{
    (void)state;
    char *p = kt_path_join("share/kyotei", "user.dic");
    assert_string_equal(p, "share/kyotei/user.dic");
    free(p);
    p = kt_path_join("/", "countries.tsv");
    assert_string_equal(p, "//countries.tsv");
    free(p);
    p = kt_path_join("", "");
    assert_string_equal(p, "/");
    free(p);
    p = kt_path_join("データ", "分野.tsv");
    assert_string_equal(p, "データ/分野.tsv");
    free(p);
}

static void test_data_dir_from_environment(void **state)
{
    (void)state;
    assert_int_equal(setenv("KYOTEI_DATA_DIR", "/srv/kyotei data/共有", 1), 0);
    kt_error err = {0};
    char *dir = kt_data_dir(&err);
    assert_non_null(dir);
    assert_string_equal(dir, "/srv/kyotei data/共有");
    /* a copy: changing the environment afterwards does not change it */
    assert_int_equal(setenv("KYOTEI_DATA_DIR", "/elsewhere", 1), 0);
    assert_string_equal(dir, "/srv/kyotei data/共有");
    free(dir);
    dir = kt_data_dir(NULL);
    assert_string_equal(dir, "/elsewhere");
    free(dir);
    unsetenv("KYOTEI_DATA_DIR");
}

/* Without $KYOTEI_DATA_DIR (unset or empty): ../share/kyotei beside the running program. */
static void test_data_dir_beside_program(void **state)
{
    (void)state;
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    assert_true(n > 0);
    exe[n] = '\0';
    *strrchr(exe, '/') = '\0';
    char *want = kt_path_join(exe, "../share/kyotei");

    unsetenv("KYOTEI_DATA_DIR");
    kt_error err = {0};
    char *dir = kt_data_dir(&err);
    assert_non_null(dir);
    assert_string_equal(dir, want);
    free(dir);

    assert_int_equal(setenv("KYOTEI_DATA_DIR", "", 1), 0);
    dir = kt_data_dir(&err);
    assert_non_null(dir);
    assert_string_equal(dir, want);
    free(dir);
    unsetenv("KYOTEI_DATA_DIR");
    free(want);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_path_join),
        cmocka_unit_test(test_data_dir_from_environment),
        cmocka_unit_test(test_data_dir_beside_program),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
