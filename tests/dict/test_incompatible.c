/* A user dictionary MeCab refuses (compiled for EUC-JP, while IPADIC is UTF-8) fails cleanly.
 * Kept apart because MeCab 0.996 leaks the dictionary it rejects; CMakeLists.txt turns leak
 * detection off for this program only. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "dict/tokenizer.h"

static void test_open_with_an_eucjp_user_dictionary_fails(void **state)
{
    (void)state;
    kt_tokenizer_config cfg = {NULL, KT_TEST_EUCJP_DIC};
    kt_tokenizer *t = (kt_tokenizer *)1;
    kt_error err = {0};
    assert_int_equal(kt_tokenizer_open(&cfg, &t, &err), KT_ERR_DICT);
    assert_null(t);
    assert_int_equal(err.status, KT_ERR_DICT);
    assert_non_null(strstr(err.message, "eucjp.dic"));
    assert_non_null(strstr(err.message, "incompatible"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_open_with_an_eucjp_user_dictionary_fails),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
