/* Helpers shared by the dict tests (cmocka must be included before this header). */
#ifndef KT_TESTS_DICT_TEST_H
#define KT_TESTS_DICT_TEST_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"

/* The whole file as a malloc'd NUL-terminated string, or NULL (and *len 0: a caller that fails
 * the test on NULL through cmocka's longjmp still never reads an unset length, and optimising
 * builds can see that). */
static inline char *test_read_file(const char *path, size_t *len)
{
    *len = 0;
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    kt_buf b = KT_BUF_INIT;
    char chunk[8192];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        kt_buf_append(&b, chunk, n);
    fclose(f);
    *len = b.len;
    return b.data ? kt_buf_steal(&b) : calloc(1, 1);
}

/* Writes len bytes to dir/name and returns the malloc'd path. */
static inline char *test_write_file(const char *dir, const char *name, const char *bytes, size_t len)
{
    kt_buf path = KT_BUF_INIT;
    kt_buf_printf(&path, "%s/%s", dir, name);
    FILE *f = fopen(path.data, "wb");
    if (!f || fwrite(bytes, 1, len, f) != len) {
        fprintf(stderr, "cannot write %s\n", path.data);
        abort();
    }
    fclose(f);
    return kt_buf_steal(&path);
}

/* Deterministic pseudo-random numbers, so a failing case can be replayed. */
static inline uint32_t test_rand(uint64_t *state)
{
    *state = *state * 6364136223846793005u + 1442695040888963407u;
    return (uint32_t)(*state >> 33);
}

#endif
