#include "build.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <search.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/buf.h"
#include "corpus/reader.h"
#include "corpus/schema.h"
#include "indexer/document.h"
#include "xapian-c/xc.h"

#define STUB_NAME "XAPIANDB"
#define GEN_PREFIX "gen-"
#define LOCK_NAME ".lock"

static void report(const kt_build_options *o, kt_report_kind kind, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void report(const kt_build_options *o, kt_report_kind kind, const char *fmt, ...)
{
    if (!o || !o->report)
        return;
    char msg[KT_ERROR_MESSAGE_MAX + 256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    o->report(kind, msg, o->report_ctx);
}

/* Reads the generation the stub names; 0 when there is no stub yet. */
static kt_status current_generation(const char *dir, unsigned long *gen, kt_error *err)
{
    *gen = 0;
    char path[4096];
    snprintf(path, sizeof path, "%s/" STUB_NAME, dir);
    FILE *fp = fopen(path, "r");
    if (!fp) {
        if (errno == ENOENT)
            return KT_OK;
        return kt_error_set(err, KT_ERR_INDEX, "%s: cannot read: %s", path, strerror(errno));
    }
    char line[256] = "";
    if (!fgets(line, sizeof line, fp))
        line[0] = '\0';
    fclose(fp);
    if (sscanf(line, "auto " GEN_PREFIX "%lu", gen) != 1)
        return kt_error_set(err, KT_ERR_INDEX, "%s: not written by kyotei-index (expected 'auto " GEN_PREFIX "N')",
                            path);
    return KT_OK;
}

/* A directory kyotei may build in: missing, empty, or a kyotei index. Anything else (a plain
 * Xapian database, someone's files) is refused rather than overwritten. */
static kt_status check_index_dir(const char *dir, kt_error *err)
{
    DIR *d = opendir(dir);
    if (!d)
        return kt_error_set(err, KT_ERR_INDEX, "%s: cannot open directory: %s", dir, strerror(errno));
    bool has_stub = false, has_other = false;
    char other[256] = "";
    struct dirent *e;
    while ((e = readdir(d))) {
        const char *n = e->d_name;
        if (!strcmp(n, ".") || !strcmp(n, "..") || !strcmp(n, LOCK_NAME) || !strncmp(n, GEN_PREFIX, 4) ||
            !strncmp(n, STUB_NAME, strlen(STUB_NAME)))
            has_stub |= !strcmp(n, STUB_NAME);
        else if (!has_other) {
            has_other = true;
            snprintf(other, sizeof other, "%s", n);
        }
    }
    closedir(d);
    if (has_other)
        return kt_error_set(err, KT_ERR_INDEX, "%s: not a kyotei index (it holds '%s'); give an empty or new directory",
                            dir, other);
    (void)has_stub;
    return KT_OK;
}

static int remove_tree(const char *path)
{
    struct stat st;
    if (lstat(path, &st) != 0)
        return errno == ENOENT ? 0 : -1;
    if (S_ISDIR(st.st_mode)) {
        DIR *d = opendir(path);
        if (!d)
            return -1;
        struct dirent *e;
        int rc = 0;
        while ((e = readdir(d))) {
            if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
                continue;
            char child[4096];
            snprintf(child, sizeof child, "%s/%s", path, e->d_name);
            rc |= remove_tree(child);
        }
        closedir(d);
        return rc | rmdir(path);
    }
    return unlink(path);
}

/* Removes generations other than `keep` and stray stub temporaries, left by runs that were
 * killed or failed. */
static void remove_stale(const char *dir, unsigned long keep)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *e;
    while ((e = readdir(d))) {
        unsigned long g;
        char tail;
        char path[4096];
        bool stale_gen = sscanf(e->d_name, GEN_PREFIX "%lu%c", &g, &tail) == 1 && g != keep;
        bool stale_tmp = strncmp(e->d_name, STUB_NAME ".", strlen(STUB_NAME) + 1) == 0;
        if (stale_gen || stale_tmp) {
            snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
            remove_tree(path);
        }
    }
    closedir(d);
}

static kt_status fsync_path(const char *path, kt_error *err)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0 || fsync(fd) != 0) {
        kt_status st = kt_error_set(err, KT_ERR_IO, "%s: cannot sync: %s", path, strerror(errno));
        if (fd >= 0)
            close(fd);
        return st;
    }
    close(fd);
    return KT_OK;
}

/* Points the stub at generation `gen`: write a temporary, sync it, rename it over the stub, sync
 * the directory. A crash at any point leaves either the old stub or the new one. */
static kt_status swap_stub(const char *dir, unsigned long gen, kt_error *err)
{
    char tmp[4096], stub[4096];
    snprintf(tmp, sizeof tmp, "%s/" STUB_NAME ".%ld", dir, (long)getpid());
    snprintf(stub, sizeof stub, "%s/" STUB_NAME, dir);
    FILE *fp = fopen(tmp, "w");
    if (!fp)
        return kt_error_set(err, KT_ERR_IO, "%s: cannot write: %s", tmp, strerror(errno));
    int ok = fprintf(fp, "auto " GEN_PREFIX "%lu\n", gen) > 0;
    ok &= fflush(fp) == 0 && fsync(fileno(fp)) == 0;
    ok &= fclose(fp) == 0;
    if (!ok) {
        unlink(tmp);
        return kt_error_set(err, KT_ERR_IO, "%s: cannot write: %s", tmp, strerror(errno));
    }
    if (rename(tmp, stub) != 0) {
        kt_status st = kt_error_set(err, KT_ERR_IO, "%s: cannot replace: %s", stub, strerror(errno));
        unlink(tmp);
        return st;
    }
    return fsync_path(dir, err);
}

/* Where each id was first seen, for "duplicate id" messages. The ids live in a POSIX search tree
 * (tsearch) and, for freeing, in a list: POSIX has no call that frees a whole tree. */
typedef struct seen_id {
    char *id;
    char *where;
    struct seen_id *next;
} seen_id;

typedef struct id_set {
    void *tree;
    seen_id *all;
} id_set;

static int compare_seen(const void *a, const void *b)
{
    return strcmp(((const seen_id *)a)->id, ((const seen_id *)b)->id);
}

static void free_seen(seen_id *s)
{
    free(s->id);
    free(s->where);
    free(s);
}

static void id_set_free(id_set *set)
{
    while (set->all) {
        seen_id *s = set->all;
        set->all = s->next;
        tdelete(s, &set->tree, compare_seen);
        free_seen(s);
    }
}

/* Reads one file and adds its good rows to w; bad rows are reported and counted. */
static kt_status index_file(const char *file, xc_wdb *w, kt_lexicon *lex, id_set *ids, const kt_build_options *o,
                            kt_build_stats *stats, kt_error *err)
{
    kt_reader *r;
    kt_status st = kt_reader_open(file, &r, err);
    if (st != KT_OK) {
        if (st == KT_ERR_INPUT || st == KT_ERR_ENCODING) {
            report(o, KT_REPORT_ERROR, "%s", err->message);
            stats->rejected++;
            return KT_OK; /* counted as a bad file: the build fails after listing everything */
        }
        return st;
    }
    kt_agreement a = {0};
    for (;;) {
        bool has_row;
        kt_error row_err;
        st = kt_reader_next(r, &a, &has_row, &row_err);
        if (!has_row)
            break;
        stats->rows_read++;
        if (st == KT_ERR_NOMEM || st == KT_ERR_IO) {
            *err = row_err;
            break;
        }
        if (st != KT_OK) {
            report(o, KT_REPORT_ERROR, "%s", row_err.message);
            stats->rejected++;
            st = KT_OK;
            continue;
        }
        seen_id *key = calloc(1, sizeof *key);
        char where[512];
        snprintf(where, sizeof where, "%s:%zu", a.file, a.line);
        if (!key || !(key->id = strdup(a.col[KT_COL_ID])) || !(key->where = strdup(where))) {
            if (key)
                free_seen(key);
            st = kt_error_set(err, KT_ERR_NOMEM, "out of memory");
            break;
        }
        seen_id **found = tsearch(key, &ids->tree, compare_seen);
        if (!found) {
            free_seen(key);
            st = kt_error_set(err, KT_ERR_NOMEM, "out of memory");
            break;
        }
        if (*found != key) {
            report(o, KT_REPORT_ERROR, "%s: duplicate id '%s' (first at %s)", where, key->id, (*found)->where);
            free_seen(key);
            stats->rejected++;
            continue;
        }
        key->next = ids->all;
        ids->all = key;
        if (stats->rejected)
            continue; /* the build will fail: only keep checking the remaining rows */
        xc_doc *doc;
        char *warning;
        st = kt_document_build(lex, &a, &doc, &warning, &row_err);
        if (st != KT_OK) {
            report(o, KT_REPORT_ERROR, "%s: %s", where, row_err.message);
            stats->rejected++;
            st = KT_OK;
            continue;
        }
        if (warning) {
            report(o, KT_REPORT_WARNING, "%s: warning: %s", where, warning);
            stats->warnings++;
            free(warning);
        }
        char unique[KT_TERM_MAX + 8];
        snprintf(unique, sizeof unique, KT_PREFIX_ID "%s", a.col[KT_COL_ID]);
        xc_error xe;
        xc_status xs = xc_wdb_replace(w, unique, doc, NULL, &xe);
        xc_doc_free(doc);
        if (xs != XC_OK) {
            st = kt_error_set(err, KT_ERR_INDEX, "%s: cannot write: %s", where, xe.message);
            break;
        }
        stats->indexed++;
    }
    kt_agreement_clear(&a);
    kt_reader_close(r);
    return st;
}

/* Takes the writer's lock, so that two kyotei-index runs never write one index at once. */
static kt_status lock_index(const char *dir, int *fd_out, kt_error *err)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/" LOCK_NAME, dir);
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0)
        return kt_error_set(err, KT_ERR_INDEX, "%s: cannot create the lock file: %s", path, strerror(errno));
    if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
        close(fd);
        return kt_error_set(err, KT_ERR_INDEX, "%s: another kyotei-index is writing this index", dir);
    }
    *fd_out = fd;
    return KT_OK;
}

kt_status kt_index_rebuild(const char *db_dir, const char *const *files, size_t n_files, kt_lexicon *lex,
                           const kt_build_options *opts, kt_build_stats *stats, kt_error *err)
{
    memset(stats, 0, sizeof *stats);
    if (mkdir(db_dir, 0755) != 0 && errno != EEXIST)
        return kt_error_set(err, KT_ERR_INDEX, "%s: cannot create directory: %s", db_dir, strerror(errno));
    kt_status st = check_index_dir(db_dir, err);
    if (st != KT_OK)
        return st;
    int lock_fd;
    st = lock_index(db_dir, &lock_fd, err);
    if (st != KT_OK)
        return st;
    unsigned long gen;
    st = current_generation(db_dir, &gen, err);
    if (st != KT_OK) {
        close(lock_fd);
        return st;
    }
    remove_stale(db_dir, gen);

    unsigned long next = gen + 1;
    char gen_path[4096];
    snprintf(gen_path, sizeof gen_path, "%s/" GEN_PREFIX "%lu", db_dir, next);
    xc_wdb *w;
    xc_error xe;
    if (xc_wdb_open(gen_path, XC_WDB_CREATE_OR_OVERWRITE, &w, &xe) != XC_OK) {
        close(lock_fd);
        return kt_error_set(err, KT_ERR_INDEX, "%s: cannot create: %s", gen_path, xe.message);
    }
    id_set ids = {0};
    for (size_t i = 0; i < n_files && st == KT_OK; i++)
        st = index_file(files[i], w, lex, &ids, opts, stats, err);
    id_set_free(&ids);

    if (st == KT_OK && xc_wdb_set_metadata(w, KT_META_SCHEMA_KEY, KT_META_SCHEMA_VERSION,
                                           strlen(KT_META_SCHEMA_VERSION), &xe) != XC_OK)
        st = kt_error_set(err, KT_ERR_INDEX, "%s: %s", gen_path, xe.message);
    if (st == KT_OK && stats->rejected)
        st = kt_error_set(err, KT_ERR_INPUT, "%zu bad row%s; the index in %s was not changed", stats->rejected,
                          stats->rejected == 1 ? "" : "s", db_dir);
    if (st == KT_OK && xc_wdb_commit(w, &xe) != XC_OK)
        st = kt_error_set(err, KT_ERR_INDEX, "%s: cannot commit: %s", gen_path, xe.message);
    xc_status closed = xc_wdb_close(w, &xe);
    if (st == KT_OK && closed != XC_OK)
        st = kt_error_set(err, KT_ERR_INDEX, "%s: cannot close: %s", gen_path, xe.message);
    if (st == KT_OK)
        st = swap_stub(db_dir, next, err);
    remove_stale(db_dir, st == KT_OK ? next : gen);
    close(lock_fd);
    return st;
}
