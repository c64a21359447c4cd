/* base/buf: appending bytes, strings, characters and formatted text; steal, clear and free; a
 * failed append's status kept until the buffer is emptied. */
#include "base/buf.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

static void test_empty_buffer(void **state)
{
    (void)state;
    kt_buf b = KT_BUF_INIT;
    assert_null(b.data);
    assert_string_equal(kt_buf_str(&b), "");
    kt_buf_clear(&b); /* clearing a never-grown buffer is fine */
    assert_int_equal(b.len, 0);
    char *s = kt_buf_steal(&b);
    assert_non_null(s);
    assert_string_equal(s, "");
    free(s);
    kt_buf_free(&b);
    kt_buf_free(&b); /* twice is harmless: free leaves an empty buffer */
    assert_null(b.data);
}

static void test_append(void **state)
{
    (void)state;
    kt_buf b = KT_BUF_INIT;
    assert_int_equal(kt_buf_append_str(&b, "協定"), KT_OK);
    assert_int_equal(kt_buf_append_char(&b, ':'), KT_OK);
    assert_int_equal(kt_buf_append(&b, "abcdef", 3), KT_OK);
    assert_int_equal(kt_buf_append(&b, "ignored", 0), KT_OK);
    assert_string_equal(kt_buf_str(&b), "協定:abc");
    assert_int_equal(b.len, strlen("協定:abc"));
    assert_true(b.cap > b.len);
    assert_int_equal(b.data[b.len], '\0');

    /* bytes may hold NUL; the buffer still ends in one */
    assert_int_equal(kt_buf_append(&b, "x\0y", 3), KT_OK);
    assert_int_equal(b.len, strlen("協定:abc") + 3);
    assert_memory_equal(b.data + b.len - 3, "x\0y", 3);
    assert_int_equal(b.data[b.len], '\0');

    /* growing far past the first allocation keeps every byte */
    kt_buf big = KT_BUF_INIT;
    for (int i = 0; i < 10000; i++)
        assert_int_equal(kt_buf_append_char(&big, (char)('a' + i % 26)), KT_OK);
    assert_int_equal(big.len, 10000);
    for (int i = 0; i < 10000; i++)
        assert_int_equal(big.data[i], 'a' + i % 26);
    assert_int_equal(big.data[10000], '\0');
    kt_buf_free(&big);
    kt_buf_free(&b);
    assert_null(b.data);
    assert_int_equal(b.len, 0);
    assert_int_equal(b.cap, 0);
}

static void test_printf(void **state)
{
    (void)state;
    kt_buf b = KT_BUF_INIT;
    assert_int_equal(kt_buf_printf(&b, "%s:%zu: ", "a.csv", (size_t)7), KT_OK);
    assert_int_equal(kt_buf_printf(&b, "%d%%", 100), KT_OK);
    assert_string_equal(kt_buf_str(&b), "a.csv:7: 100%");
    assert_int_equal(b.len, strlen("a.csv:7: 100%"));

    /* longer than any first allocation, appended after what is there */
    char *long_text = malloc(5001);
    assert_non_null(long_text);
    memset(long_text, 'z', 5000);
    long_text[5000] = '\0';
    assert_int_equal(kt_buf_printf(&b, "[%s]", long_text), KT_OK);
    assert_int_equal(b.len, strlen("a.csv:7: 100%") + 5002);
    assert_memory_equal(b.data, "a.csv:7: 100%[zz", 16);
    assert_string_equal(b.data + b.len - 2, "z]");
    free(long_text);

    /* an empty format adds nothing */
    size_t before = b.len;
    assert_int_equal(kt_buf_printf(&b, "%s", ""), KT_OK);
    assert_int_equal(b.len, before);
    kt_buf_free(&b);
}

static void test_reserve_keeps_content(void **state)
{
    (void)state;
    kt_buf b = KT_BUF_INIT;
    kt_buf_append_str(&b, "交流");
    assert_int_equal(kt_buf_reserve(&b, 100000), KT_OK);
    assert_true(b.cap >= b.len + 100000 + 1);
    assert_string_equal(kt_buf_str(&b), "交流");
    char *before = b.data;
    for (int i = 0; i < 1000; i++)
        kt_buf_append_str(&b, "0123456789");
    assert_ptr_equal(b.data, before); /* the room was really there: no move */
    /* a size that cannot exist is refused and the buffer keeps what it had */
    assert_int_equal(kt_buf_reserve(&b, (size_t)-1), KT_ERR_NOMEM);
    assert_int_equal(b.len, strlen("交流") + 10000);
    assert_memory_equal(b.data, "交流0123", strlen("交流0123"));
    kt_buf_free(&b);
}

static void test_clear_keeps_capacity(void **state)
{
    (void)state;
    kt_buf b = KT_BUF_INIT;
    kt_buf_append_str(&b, "something long enough to allocate");
    size_t cap = b.cap;
    kt_buf_clear(&b);
    assert_int_equal(b.len, 0);
    assert_int_equal(b.cap, cap);
    assert_string_equal(kt_buf_str(&b), "");
    kt_buf_append_str(&b, "again");
    assert_string_equal(kt_buf_str(&b), "again");
    kt_buf_free(&b);
}

static void test_steal(void **state)
{
    (void)state;
    kt_buf b = KT_BUF_INIT;
    kt_buf_printf(&b, "%s-%03d", "akita", 8);
    char *s = kt_buf_steal(&b);
    assert_string_equal(s, "akita-008");
    assert_null(b.data);
    assert_int_equal(b.len, 0);
    assert_int_equal(b.cap, 0);
    /* the buffer is empty and usable again, independent of the stolen string */
    kt_buf_append_str(&b, "x");
    assert_string_equal(kt_buf_str(&b), "x");
    assert_string_equal(s, "akita-008");
    free(s);
    kt_buf_free(&b);
}

/* A buffer holding "協定" whose next append has failed (a size that cannot exist). */
static void fail_an_append(kt_buf *b)
{
    assert_int_equal(kt_buf_append_str(b, "協定"), KT_OK);
    assert_int_equal(kt_buf_status(b), KT_OK);
    assert_int_equal(kt_buf_append(b, "x", SIZE_MAX), KT_ERR_NOMEM);
    assert_int_equal(kt_buf_status(b), KT_ERR_NOMEM);
    assert_string_equal(kt_buf_str(b), "協定");
}

static void test_failure_is_sticky(void **state)
{
    (void)state;
    kt_buf b = KT_BUF_INIT;
    assert_int_equal(kt_buf_status(&b), KT_OK);
    fail_an_append(&b);
    size_t cap = b.cap;
    assert_true(cap > b.len + 1); /* room for what follows: only the status refuses it */

    /* every later append does nothing and returns the status */
    assert_int_equal(kt_buf_append(&b, "ab", 2), KT_ERR_NOMEM);
    assert_int_equal(kt_buf_append_str(&b, "交流"), KT_ERR_NOMEM);
    assert_int_equal(kt_buf_append_char(&b, '!'), KT_ERR_NOMEM);
    assert_int_equal(kt_buf_printf(&b, "%d", 42), KT_ERR_NOMEM);
    assert_int_equal(kt_buf_reserve(&b, 1), KT_ERR_NOMEM);
    assert_int_equal(kt_buf_append(&b, "", 0), KT_ERR_NOMEM);
    assert_string_equal(kt_buf_str(&b), "協定");
    assert_int_equal(b.len, strlen("協定"));
    assert_int_equal(b.cap, cap);
    assert_int_equal(kt_buf_status(&b), KT_ERR_NOMEM);
    kt_buf_free(&b);
}

static void test_failed_reserve_is_sticky(void **state)
{
    (void)state;
    kt_buf b = KT_BUF_INIT;
    assert_int_equal(kt_buf_append_str(&b, "a"), KT_OK);
    assert_int_equal(kt_buf_reserve(&b, SIZE_MAX - 1), KT_ERR_NOMEM);
    assert_int_equal(kt_buf_status(&b), KT_ERR_NOMEM);
    assert_int_equal(kt_buf_append_char(&b, 'b'), KT_ERR_NOMEM);
    assert_string_equal(kt_buf_str(&b), "a");
    kt_buf_free(&b);
}

static void test_emptying_resets_the_status(void **state)
{
    (void)state;
    kt_buf b = KT_BUF_INIT;
    fail_an_append(&b);
    kt_buf_clear(&b);
    assert_int_equal(kt_buf_status(&b), KT_OK);
    assert_int_equal(kt_buf_append_str(&b, "again"), KT_OK);
    assert_string_equal(kt_buf_str(&b), "again");

    kt_buf_clear(&b);
    fail_an_append(&b);
    char *s = kt_buf_steal(&b);
    assert_string_equal(s, "協定");
    free(s);
    assert_int_equal(kt_buf_status(&b), KT_OK);
    assert_int_equal(kt_buf_append_char(&b, 'x'), KT_OK);
    assert_string_equal(kt_buf_str(&b), "x");

    kt_buf_clear(&b);
    fail_an_append(&b);
    kt_buf_free(&b);
    assert_int_equal(kt_buf_status(&b), KT_OK);
    assert_int_equal(kt_buf_printf(&b, "%s", "y"), KT_OK);
    assert_string_equal(kt_buf_str(&b), "y");
    kt_buf_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_empty_buffer),
        cmocka_unit_test(test_append),
        cmocka_unit_test(test_printf),
        cmocka_unit_test(test_reserve_keeps_content),
        cmocka_unit_test(test_clear_keeps_capacity),
        cmocka_unit_test(test_steal),
        cmocka_unit_test(test_failure_is_sticky),
        cmocka_unit_test(test_failed_reserve_is_sticky),
        cmocka_unit_test(test_emptying_resets_the_status),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
