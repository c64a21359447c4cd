/* base/grow: KT_GROW's geometric growth, its refusal of sizes that overflow, and an array kept as it
 * was when memory runs out (realloc is wrapped at link time, see CMakeLists.txt, so that a failure
 * can be asked for). */
#include "base/grow.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>

/* ---- realloc, failing on demand ---- */

/* The linker's --wrap=realloc fixes these two names; they cannot be other than reserved ones. */
void *__real_realloc(void *p, size_t size); // NOLINT(bugprone-reserved-identifier,cert-dcl37-c,cert-dcl51-cpp)
void *__wrap_realloc(void *p, size_t size); // NOLINT(bugprone-reserved-identifier,cert-dcl37-c,cert-dcl51-cpp)

static int fail_next_realloc;
static size_t reallocs; /* calls that reached the real realloc */

void *__wrap_realloc(void *p, size_t size)
{
    if (fail_next_realloc) {
        fail_next_realloc = 0;
        return NULL;
    }
    reallocs++;
    return __real_realloc(p, size);
}

typedef struct pair {
    int a;
    double b;
} pair;

static void test_grows_and_keeps_elements(void **state)
{
    (void)state;
    pair *items = NULL;
    size_t cap = 0;
    assert_int_equal(KT_GROW(items, cap, 1), KT_OK);
    assert_non_null(items);
    assert_true(cap >= 1);
    for (size_t n = 0; n < 5000; n++) {
        assert_int_equal(KT_GROW(items, cap, n + 1), KT_OK);
        assert_true(cap >= n + 1);
        items[n] = (pair){(int)n, (double)n / 2};
    }
    for (size_t n = 0; n < 5000; n++) {
        assert_int_equal(items[n].a, (int)n);
        assert_true(items[n].b == (double)n / 2);
    }
    /* room enough already: nothing moves */
    pair *before = items;
    size_t cap_before = cap, calls = reallocs;
    assert_int_equal(KT_GROW(items, cap, cap), KT_OK);
    assert_int_equal(KT_GROW(items, cap, 0), KT_OK);
    assert_ptr_equal(items, before);
    assert_int_equal(cap, cap_before);
    assert_int_equal(reallocs, calls);
    free(items);
}

static void test_growth_is_geometric(void **state)
{
    (void)state;
    char **items = NULL;
    size_t cap = 0;
    size_t calls = reallocs;
    /* one element at a time, as a list grows: a handful of reallocs, not one an element */
    for (size_t n = 1; n <= 100000; n++)
        assert_int_equal(KT_GROW(items, cap, n), KT_OK);
    assert_true(reallocs - calls <= 20);
    assert_true(cap >= 100000 && cap < 2 * 100000);
    /* a large jump is met at once, and the capacity still at least doubles */
    size_t old = cap;
    calls = reallocs;
    assert_int_equal(KT_GROW(items, cap, old + 1), KT_OK);
    assert_int_equal(reallocs - calls, 1);
    assert_int_equal(cap, 2 * old);
    assert_int_equal(KT_GROW(items, cap, 10 * old), KT_OK);
    assert_true(cap >= 10 * old);
    free(items);
}

static void test_overflow_refused(void **state)
{
    (void)state;
    pair *items = NULL;
    size_t cap = 0;
    assert_int_equal(KT_GROW(items, cap, 3), KT_OK);
    items[0] = (pair){7, 0.5};
    pair *before = items;
    size_t cap_before = cap, calls = reallocs;
    /* need * sizeof(pair) does not fit in size_t: refused without asking for memory */
    assert_int_equal(KT_GROW(items, cap, SIZE_MAX / sizeof(pair) + 1), KT_ERR_NOMEM);
    assert_int_equal(KT_GROW(items, cap, SIZE_MAX), KT_ERR_NOMEM);
    assert_int_equal(reallocs, calls);
    assert_ptr_equal(items, before);
    assert_int_equal(cap, cap_before);
    assert_int_equal(items[0].a, 7);
    /* a zero element size cannot be grown */
    assert_int_equal(kt_grow(&items, &cap, cap + 1, 0), KT_ERR_NOMEM);
    assert_int_equal(cap, cap_before);
    free(items);
}

static void test_array_kept_when_memory_runs_out(void **state)
{
    (void)state;
    int *items = NULL;
    size_t cap = 0;
    /* the first allocation failing leaves a never-grown array */
    fail_next_realloc = 1;
    assert_int_equal(KT_GROW(items, cap, 1), KT_ERR_NOMEM);
    assert_null(items);
    assert_int_equal(cap, 0);

    assert_int_equal(KT_GROW(items, cap, 8), KT_OK);
    for (int i = 0; i < 8; i++)
        items[i] = i * i;
    int *before = items;
    size_t cap_before = cap;
    fail_next_realloc = 1;
    assert_int_equal(KT_GROW(items, cap, cap + 1), KT_ERR_NOMEM);
    assert_ptr_equal(items, before);
    assert_int_equal(cap, cap_before);
    for (int i = 0; i < 8; i++)
        assert_int_equal(items[i], i * i);
    /* and it can grow afterwards */
    assert_int_equal(KT_GROW(items, cap, cap + 1), KT_OK);
    assert_true(cap > cap_before);
    for (int i = 0; i < 8; i++)
        assert_int_equal(items[i], i * i);
    free(items);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_grows_and_keeps_elements),
        cmocka_unit_test(test_growth_is_geometric),
        cmocka_unit_test(test_overflow_refused),
        cmocka_unit_test(test_array_kept_when_memory_runs_out),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
