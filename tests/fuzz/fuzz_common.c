#define _GNU_SOURCE /* memfd_create */
#include "fuzz_common.h"

#include <stdarg.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>
#include <utf8proc.h>

#include "base/error.h"

void fuzz_fail(const char *file, int line, const char *cond, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "%s:%d: broken promise: %s: ", file, line, cond);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    abort();
}

static kt_lexicon *lexicon;
static kt_searcher *searcher;

kt_lexicon *fuzz_lexicon(void)
{
    if (!lexicon) {
        kt_error err = {0};
        if (kt_lexicon_open(KT_FUZZ_DATA_DIR, &lexicon, &err) != KT_OK)
            fuzz_fail(__FILE__, __LINE__, "kt_lexicon_open", "%s", err.message);
    }
    return lexicon;
}

kt_searcher *fuzz_searcher(void)
{
    if (!searcher) {
        kt_error err = {0};
        const char *index = KT_FUZZ_DATA_DIR "/index";
        if (kt_searcher_open(&index, 1, KT_FUZZ_DATA_DIR, &searcher, &err) != KT_OK)
            fuzz_fail(__FILE__, __LINE__, "kt_searcher_open", "%s", err.message);
    }
    return searcher;
}

FILE *fuzz_memfile(const uint8_t *data, size_t size, char path[64])
{
    int fd = memfd_create("kyotei-fuzz", 0);
    if (fd < 0)
        fuzz_fail(__FILE__, __LINE__, "memfd_create", "no in-memory file");
    FILE *fp = fdopen(fd, "w+b");
    if (!fp || (size && fwrite(data, 1, size, fp) != size) || fflush(fp) != 0)
        fuzz_fail(__FILE__, __LINE__, "fdopen", "cannot write the in-memory file");
    rewind(fp);
    snprintf(path, 64, "/proc/self/fd/%d", fd);
    return fp;
}

bool fuzz_utf8_valid(const char *s, size_t len)
{
    /* utf8proc refuses overlong forms, surrogates and code points past U+10FFFF */
    const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)s;
    utf8proc_ssize_t left = (utf8proc_ssize_t)len;
    while (left > 0) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t n = utf8proc_iterate(p, left, &cp);
        if (n <= 0)
            return false;
        p += n;
        left -= n;
    }
    return true;
}
