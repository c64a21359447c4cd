/* Found before the real <cmocka.h> when clang-tidy analyses the tests (scripts/lint.sh puts this
 * folder first on the include path); never used to build.
 *
 * cmocka 1.1 does not mark its failing paths as never returning, so the analyzer follows a test
 * past a failed assert_non_null(p) into a use of p and reports it. Here the assertions are the
 * same checks, written so that the analyzer knows a failure ends the test. */
#ifndef KT_LINT_CMOCKA_ANALYSIS_H
#define KT_LINT_CMOCKA_ANALYSIS_H

#include_next <cmocka.h>
#include <string.h>

void kt_lint_fail(void) __attribute__((noreturn));

#undef fail
#undef fail_msg
#undef assert_true
#undef assert_false
#undef assert_non_null
#undef assert_null
#undef assert_ptr_equal
#undef assert_int_equal
#undef assert_int_not_equal
#undef assert_string_equal
#undef assert_string_not_equal
#undef assert_memory_equal
#undef assert_in_range

#define fail() kt_lint_fail()
#define fail_msg(...) (print_error(__VA_ARGS__), kt_lint_fail())
#define assert_true(c) ((c) ? (void)0 : kt_lint_fail())
#define assert_false(c) (!(c) ? (void)0 : kt_lint_fail())
#define assert_non_null(p) ((p) != NULL ? (void)0 : kt_lint_fail())
#define assert_null(p) ((p) == NULL ? (void)0 : kt_lint_fail())
#define assert_ptr_equal(a, b) ((const void *)(a) == (const void *)(b) ? (void)0 : kt_lint_fail())
#define assert_int_equal(a, b) ((a) == (b) ? (void)0 : kt_lint_fail())
#define assert_int_not_equal(a, b) ((a) != (b) ? (void)0 : kt_lint_fail())
#define assert_string_equal(a, b) (strcmp((a), (b)) == 0 ? (void)0 : kt_lint_fail())
#define assert_string_not_equal(a, b) (strcmp((a), (b)) != 0 ? (void)0 : kt_lint_fail())
#define assert_memory_equal(a, b, n) (memcmp((a), (b), (n)) == 0 ? (void)0 : kt_lint_fail())
#define assert_in_range(v, lo, hi) ((v) >= (lo) && (v) <= (hi) ? (void)0 : kt_lint_fail())

#endif
