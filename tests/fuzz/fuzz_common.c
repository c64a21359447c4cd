#define _GNU_SOURCE /* memfd_create */
#include "fuzz_common.h"

#include <stdarg.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

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
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;
    while (i < len) {
        unsigned c = p[i];
        size_t n;
        uint32_t cp, min;
        if (c < 0x80) {
            i++;
            continue;
        } else if ((c & 0xE0) == 0xC0) {
            n = 2, cp = c & 0x1F, min = 0x80;
        } else if ((c & 0xF0) == 0xE0) {
            n = 3, cp = c & 0x0F, min = 0x800;
        } else if ((c & 0xF8) == 0xF0) {
            n = 4, cp = c & 0x07, min = 0x10000;
        } else {
            return false;
        }
        if (i + n > len)
            return false;
        for (size_t k = 1; k < n; k++) {
            if ((p[i + k] & 0xC0) != 0x80)
                return false;
            cp = (cp << 6) | (p[i + k] & 0x3F);
        }
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            return false;
        i += n;
    }
    return true;
}
