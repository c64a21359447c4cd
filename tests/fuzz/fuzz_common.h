/* kyotei fuzz targets — what they share: the build tree's lexicon and bundled index, opened once
 * per process, an in-memory file for the readers, and checks that stop the fuzzer when a promise
 * of a header is broken (a crash is what libFuzzer reports and keeps as a reproducer).
 *
 * Ownership: the lexicon and searcher belong to this helper and live until the process ends;
 * fuzz_memfile's FILE is the caller's (fclose).
 */
#ifndef KT_FUZZ_COMMON_H
#define KT_FUZZ_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "dict/lexicon.h"
#include "kyotei/search.h"

/* Stops the process with a message when cond is false: a broken promise is a finding. */
#define FUZZ_CHECK(cond, ...) \
    do { \
        if (!(cond)) \
            fuzz_fail(__FILE__, __LINE__, #cond, __VA_ARGS__); \
    } while (0)

_Noreturn void fuzz_fail(const char *file, int line, const char *cond, const char *fmt, ...)
    __attribute__((format(printf, 4, 5), noreturn));

/* The lexicon of the build tree (share/kyotei), opened on first use; aborts when it cannot be. */
kt_lexicon *fuzz_lexicon(void);

/* A searcher over the bundled index of the build tree, opened on first use. */
kt_searcher *fuzz_searcher(void);

/* An unnamed in-memory file holding data[0, size), rewound, and its path under /proc/self/fd
 * (for APIs that open by name) in path[0, 64). */
FILE *fuzz_memfile(const uint8_t *data, size_t size, char path[64]);

/* Whether s[0, len) is well-formed UTF-8 (no check for control characters). */
bool fuzz_utf8_valid(const char *s, size_t len);

#endif
