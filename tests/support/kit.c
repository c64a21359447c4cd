#define _XOPEN_SOURCE 700 /* nftw */
#include "tests/support/kit.h"

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

char *kit_path(const char *dir, const char *name)
{
    kt_buf b = KT_BUF_INIT;
    assert_int_equal(kt_buf_printf(&b, "%s/%s", dir, name), KT_OK);
    return kt_buf_steal(&b);
}

char *kit_mkdtemp(void)
{
    const char *tmp = getenv("TMPDIR");
    char *dir = kit_path(tmp && *tmp ? tmp : "/tmp", "kyotei-test-XXXXXX");
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        fail();
    }
    return dir;
}

static int remove_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb;
    (void)flag;
    (void)ftw;
    if (remove(path) != 0)
        perror(path);
    return 0;
}

void kit_rmtree(const char *path)
{
    if (path && kit_exists(path))
        nftw(path, remove_one, 16, FTW_DEPTH | FTW_PHYS);
}

bool kit_exists(const char *path)
{
    struct stat st;
    return lstat(path, &st) == 0;
}

xc_db *kit_open_db(const char *path)
{
    xc_db *db;
    xc_error xe;
    if (xc_db_open(path, &db, &xe) != XC_OK) {
        fprintf(stderr, "cannot open %s: %s\n", path, xe.message);
        fail();
    }
    return db;
}

uint32_t kit_doc_count(const char *path)
{
    xc_db *db = kit_open_db(path);
    uint32_t n;
    xc_error xe;
    assert_int_equal(xc_db_doc_count(db, &n, &xe), XC_OK);
    xc_db_close(db);
    return n;
}

const char *kit_record_end(const char *p)
{
    bool quoted = false;
    for (; *p; p++) {
        if (*p == '"')
            quoted = !quoted;
        else if (*p == '\n' && !quoted)
            return p + 1;
    }
    return p;
}

char *kit_write(const char *dir, const char *name, const char *text)
{
    char *path = kit_path(dir, name);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    size_t len = strlen(text);
    assert_int_equal(fwrite(text, 1, len, f), len);
    assert_int_equal(fclose(f), 0);
    return path;
}

char *kit_read(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    kt_buf b = KT_BUF_INIT;
    char chunk[8192];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        assert_int_equal(kt_buf_append(&b, chunk, n), KT_OK);
    fclose(f);
    if (len)
        *len = b.len;
    return kt_buf_steal(&b);
}

const char *kit_data_dir(void)
{
    return KT_TEST_DATA_DIR;
}

const char *kit_corpus(void)
{
    return KT_TEST_CORPUS;
}

kt_lexicon *kit_lexicon(void)
{
    kt_lexicon *lex = NULL;
    kt_error err = {0};
    KIT_OK(kt_lexicon_open(KT_TEST_DATA_DIR, &lex, &err), &err);
    return lex;
}

static void collect(kt_report_kind kind, const char *message, void *ctx)
{
    kit_reports *rep = ctx;
    if (kind == KT_REPORT_ERROR)
        rep->errors++;
    else
        rep->warnings++;
    kt_buf_printf(&rep->text, "%s %s\n", kind == KT_REPORT_ERROR ? "E" : "W", message);
}

kt_build_options kit_options(kit_reports *rep)
{
    kt_build_options opts = {.report = collect, .report_ctx = rep};
    return opts;
}

kt_status kit_rebuild(const char *db_dir, const char *const *files, size_t n_files, kt_lexicon *lex,
                      kit_reports *rep, kt_build_stats *stats, kt_error *err)
{
    kit_reports scratch = {KT_BUF_INIT, 0, 0};
    kt_build_stats scratch_stats;
    kit_reports *r = rep ? rep : &scratch;
    kt_build_options opts = kit_options(r);
    kt_status st = kt_index_rebuild(db_dir, files, n_files, lex, &opts, stats ? stats : &scratch_stats, err);
    kt_buf_free(&scratch.text);
    return st;
}

void kit_ok(kt_status st, const kt_error *err, const char *expr, const char *file, int line)
{
    if (st == KT_OK)
        return;
    fprintf(stderr, "%s:%d: %s gave %s: %s\n", file, line, expr, kt_status_name(st), err ? err->message : "");
    _fail(file, line);
}

bool kit_utf8_valid(const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;
    while (i < len) {
        unsigned c = p[i];
        size_t n;
        unsigned cp, min;
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
            cp = cp << 6 | (p[i + k] & 0x3F);
        }
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            return false;
        i += n;
    }
    return true;
}

size_t kit_utf8_chars(const char *s, size_t len)
{
    size_t n = 0;
    for (size_t i = 0; i < len; i++)
        n += ((unsigned char)s[i] & 0xC0) != 0x80;
    return n;
}

void kit_contains(const char *haystack, const char *needle, bool want, const char *file, int line)
{
    bool has = haystack && strstr(haystack, needle) != NULL;
    if (has == want)
        return;
    fprintf(stderr, "%s:%d: expected %s'%s' in:\n%s\n", file, line, want ? "" : "no ", needle,
            haystack ? haystack : "(null)");
    _fail(file, line);
}
