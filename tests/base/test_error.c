/* base/error: formatting, truncation at a UTF-8 character boundary, prefixes, status names. */
#include "base/error.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "base/buf.h"

static kt_status set_via_v(kt_error *err, kt_status st, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    kt_status ret = kt_error_setv(err, st, fmt, ap);
    va_end(ap);
    return ret;
}

static void test_set_formats_and_returns_status(void **state)
{
    (void)state;
    kt_error err = {0};
    assert_int_equal(kt_error_set(&err, KT_ERR_INPUT, "%s:%zu: missing %s", "agreements.csv", (size_t)12, "id"),
                     KT_ERR_INPUT);
    assert_int_equal(err.status, KT_ERR_INPUT);
    assert_string_equal(err.message, "agreements.csv:12: missing id");

    assert_int_equal(set_via_v(&err, KT_ERR_IO, "%d%% of %s", 50, "協定.csv"), KT_ERR_IO);
    assert_int_equal(err.status, KT_ERR_IO);
    assert_string_equal(err.message, "50% of 協定.csv");

    /* a NULL error only hands the status back */
    assert_int_equal(kt_error_set(NULL, KT_ERR_DICT, "ignored %d", 1), KT_ERR_DICT);
    assert_int_equal(set_via_v(NULL, KT_ERR_INDEX, "ignored"), KT_ERR_INDEX);

    /* an exact fit is kept whole */
    char fit[KT_ERROR_MESSAGE_MAX];
    memset(fit, 'a', sizeof fit - 1);
    fit[sizeof fit - 1] = '\0';
    kt_error_set(&err, KT_ERR_LIMIT, "%s", fit);
    assert_string_equal(err.message, fit);
}

/* Checks that msg is the longest prefix of full that fits and ends on a character boundary. */
static void assert_cut_at_boundary(const char *msg, const char *full)
{
    size_t n = strlen(msg);
    assert_true(n < KT_ERROR_MESSAGE_MAX);
    assert_true(n < strlen(full));
    assert_memory_equal(msg, full, n);
    /* the next byte of the full text starts a character: nothing half-written at the end */
    assert_int_not_equal((unsigned char)full[n] & 0xC0, 0x80);
    /* and no more than one character was dropped beyond the buffer's room */
    size_t room = KT_ERROR_MESSAGE_MAX - 1;
    assert_true(n + 4 > room);
    for (size_t i = n + 1; i < room; i++)
        assert_int_equal((unsigned char)full[i] & 0xC0, 0x80);
}

static void test_truncation_at_utf8_boundary(void **state)
{
    (void)state;
    /* 3-byte (協定), 2-byte (é) and 4-byte (𠮷) characters, shifted by 0..3 ASCII bytes so that
     * the cut falls at every position inside a character */
    const char *units[] = {"協定", "é", "𠮷", "交流é𠮷"};
    for (size_t u = 0; u < sizeof units / sizeof units[0]; u++) {
        for (size_t shift = 0; shift < 4; shift++) {
            kt_buf full = KT_BUF_INIT;
            for (size_t i = 0; i < shift; i++)
                kt_buf_append_char(&full, 'x');
            while (full.len < 2 * KT_ERROR_MESSAGE_MAX)
                kt_buf_append_str(&full, units[u]);
            kt_error err = {0};
            assert_int_equal(kt_error_set(&err, KT_ERR_INPUT, "%s", kt_buf_str(&full)), KT_ERR_INPUT);
            assert_int_equal(err.status, KT_ERR_INPUT);
            assert_cut_at_boundary(err.message, kt_buf_str(&full));
            kt_buf_free(&full);
        }
    }
}

static void test_prefix(void **state)
{
    (void)state;
    kt_error err = {0};
    kt_error_set(&err, KT_ERR_ENCODING, "byte %d is not UTF-8", 7);
    kt_error_prefix(&err, "%s:%d", "協定.csv", 3);
    assert_string_equal(err.message, "協定.csv:3: byte 7 is not UTF-8");
    assert_int_equal(err.status, KT_ERR_ENCODING);
    kt_error_prefix(&err, "title");
    assert_string_equal(err.message, "title: 協定.csv:3: byte 7 is not UTF-8");

    /* a prefix on an empty message */
    kt_error_clear(&err);
    kt_error_prefix(&err, "x");
    assert_string_equal(err.message, "x: ");

    /* NULL is allowed */
    kt_error_prefix(NULL, "nothing");
}

static void test_prefix_truncates_at_boundary(void **state)
{
    (void)state;
    for (size_t shift = 0; shift < 3; shift++) {
        kt_buf body = KT_BUF_INIT;
        while (body.len < KT_ERROR_MESSAGE_MAX - 12)
            kt_buf_append_str(&body, "青少年");
        kt_error err = {0};
        kt_error_set(&err, KT_ERR_INPUT, "%s", kt_buf_str(&body));
        assert_string_equal(err.message, kt_buf_str(&body)); /* fits before the prefix */
        char prefix[16] = "prefix-";
        memset(prefix + 7, 'q', shift);
        prefix[7 + shift] = '\0';
        kt_error_prefix(&err, "%s", prefix);
        kt_buf full = KT_BUF_INIT;
        kt_buf_printf(&full, "%s: %s", prefix, kt_buf_str(&body));
        assert_cut_at_boundary(err.message, kt_buf_str(&full));
        assert_int_equal(err.status, KT_ERR_INPUT);
        kt_buf_free(&full);
        kt_buf_free(&body);
    }
}

static void test_clear_and_names(void **state)
{
    (void)state;
    kt_error err;
    kt_error_set(&err, KT_ERR_INTERNAL, "broken");
    kt_error_clear(&err);
    assert_int_equal(err.status, KT_OK);
    assert_string_equal(err.message, "");
    kt_error_clear(NULL);

    /* every status has its own name, and an unknown value still gets one */
    const char *names[KT_ERR_INTERNAL + 1];
    for (int s = KT_OK; s <= KT_ERR_INTERNAL; s++) {
        names[s] = kt_status_name((kt_status)s);
        assert_non_null(names[s]);
        assert_true(strlen(names[s]) > 0);
        for (int t = KT_OK; t < s; t++)
            assert_string_not_equal(names[s], names[t]);
    }
    assert_string_equal(kt_status_name(KT_ERR_INPUT), "input error");
    assert_non_null(kt_status_name((kt_status)99));
}

static void test_nomem(void **state)
{
    (void)state;
    kt_error err;
    kt_error_set(&err, KT_ERR_INPUT, "something else");
    assert_int_equal(kt_error_nomem(&err), KT_ERR_NOMEM);
    assert_int_equal(err.status, KT_ERR_NOMEM);
    assert_string_equal(err.message, "out of memory");
    assert_int_equal(kt_error_nomem(NULL), KT_ERR_NOMEM);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_set_formats_and_returns_status),
        cmocka_unit_test(test_truncation_at_utf8_boundary),
        cmocka_unit_test(test_prefix),
        cmocka_unit_test(test_prefix_truncates_at_boundary),
        cmocka_unit_test(test_clear_and_names),
        cmocka_unit_test(test_nomem),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
