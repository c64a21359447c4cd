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
    /* sized to the message: a long file name must not cut off the place a row is reported at */
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    char *msg = n >= 0 ? malloc((size_t)n + 1) : NULL;
    if (!msg) {
        o->report(kind, "out of memory while reporting a row", o->report_ctx);
        return;
    }
    va_start(ap, fmt);
    vsnprintf(msg, (size_t)n + 1, fmt, ap);
    va_end(ap);
    o->report(kind, msg, o->report_ctx);
    free(msg);
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

/* Removes generations other than `keep` and the one before it, and stray stub temporaries, left by
 * runs that were killed or failed. The generation before the current one stays: a searcher that
 * read the stub just before a swap may still be opening it. */
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
        bool stale_gen = sscanf(e->d_name, GEN_PREFIX "%lu%c", &g, &tail) == 1 && g != keep && g + 1 != keep;
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

/* One run over agreement files: where documents go (nowhere when only checking), the ids seen,
 * and whether the index had documents before (then a write may replace one). */
typedef struct run {
    kt_lexicon *lex;
    const kt_build_options *o;
    kt_build_stats *stats;
    xc_wdb *w;
    bool index_had_documents;
    id_set ids;
} run;

/* Whether bad rows so far mean nothing will be written, so writing can stop (reading goes on, to
 * list every bad row). */
static bool writes_abandoned(const run *rn)
{
    return rn->stats->rejected && !(rn->o && rn->o->skip_bad);
}

/* Whether the index already holds exactly this agreement: its stored record (from which every
 * term and value is derived) is the same. Re-indexing an unchanged file then writes nothing. */
static kt_status same_as_stored(run *rn, const char *unique, const xc_doc *doc, bool *had, bool *same, kt_error *err)
{
    *had = *same = false;
    if (!rn->index_had_documents)
        return KT_OK;
    char *stored = NULL, *fresh = NULL;
    size_t stored_len = 0, fresh_len = 0;
    xc_error xe;
    xc_status xs = xc_wdb_data_by_term(rn->w, unique, &stored, &stored_len, &xe);
    if (xs == XC_ERR_NOT_FOUND)
        return KT_OK;
    if (xs != XC_OK || xc_doc_get_data(doc, &fresh, &fresh_len, &xe) != XC_OK) {
        free(stored);
        return kt_error_set(err, KT_ERR_INDEX, "cannot read the index: %s", xe.message);
    }
    *had = true;
    *same = stored_len == fresh_len && memcmp(stored, fresh, stored_len) == 0;
    free(stored);
    free(fresh);
    return KT_OK;
}

static kt_status write_document(run *rn, const kt_agreement *a, xc_doc *doc, const char *where, kt_error *err)
{
    char unique[KT_TERM_MAX + 8];
    snprintf(unique, sizeof unique, KT_PREFIX_ID "%s", a->col[KT_COL_ID]);
    xc_error xe;
    bool had, same;
    kt_status st = same_as_stored(rn, unique, doc, &had, &same, err);
    if (st != KT_OK) {
        kt_error_prefix(err, "%s", where);
        return st;
    }
    if (same) {
        rn->stats->unchanged++;
        return KT_OK;
    }
    if (xc_wdb_replace(rn->w, unique, doc, NULL, &xe) != XC_OK)
        return kt_error_set(err, KT_ERR_INDEX, "%s: cannot write: %s", where, xe.message);
    rn->stats->indexed++;
    if (had)
        rn->stats->replaced++;
    else
        rn->stats->added++;
    return KT_OK;
}

/* Remembers the id; *fresh is false (and the row reported) when an earlier row had it. */
static kt_status note_id(run *rn, const kt_agreement *a, const char *where, bool *fresh, kt_error *err)
{
    *fresh = false;
    seen_id *key = calloc(1, sizeof *key);
    if (!key || !(key->id = strdup(a->col[KT_COL_ID])) || !(key->where = strdup(where))) {
        if (key)
            free_seen(key);
        return kt_error_set(err, KT_ERR_NOMEM, "out of memory");
    }
    seen_id **found = tsearch(key, &rn->ids.tree, compare_seen);
    if (!found) {
        free_seen(key);
        return kt_error_set(err, KT_ERR_NOMEM, "out of memory");
    }
    if (*found != key) {
        report(rn->o, KT_REPORT_ERROR, "%s: duplicate id '%s' (first at %s)", where, key->id, (*found)->where);
        free_seen(key);
        rn->stats->rejected++;
        return KT_OK;
    }
    key->next = rn->ids.all;
    rn->ids.all = key;
    *fresh = true;
    return KT_OK;
}

/* One good row: its id must be new to this run; it becomes a document, written unless the run
 * only checks or bad rows mean nothing will be written. Bad ones are reported and counted. */
static kt_status index_row(run *rn, const kt_agreement *a, const char *where, kt_error *err)
{
    bool fresh;
    kt_status st = note_id(rn, a, where, &fresh, err);
    if (st != KT_OK || !fresh)
        return st;
    xc_doc *doc;
    char *warning;
    kt_error row_err;
    if (kt_document_build(rn->lex, a, &doc, &warning, &row_err) != KT_OK) {
        report(rn->o, KT_REPORT_ERROR, "%s: %s", where, row_err.message);
        rn->stats->rejected++;
        return KT_OK;
    }
    if (warning) {
        report(rn->o, KT_REPORT_WARNING, "%s: warning: %s", where, warning);
        rn->stats->warnings++;
        free(warning);
    }
    if (rn->w && !writes_abandoned(rn))
        st = write_document(rn, a, doc, where, err);
    xc_doc_free(doc);
    return st;
}

/* Reads one file: every row is checked and turned into a document; good ones are written unless
 * the run only checks, or bad rows mean nothing will be written. */
static kt_status index_file(run *rn, const char *file, kt_error *err)
{
    const kt_build_options *o = rn->o;
    kt_build_stats *stats = rn->stats;
    kt_reader *r;
    kt_status st = kt_reader_open(file, o ? &o->input : NULL, &r, err);
    if (st != KT_OK) {
        if (st == KT_ERR_INPUT || st == KT_ERR_ENCODING) {
            report(o, KT_REPORT_ERROR, "%s", err->message);
            stats->rejected++;
            return KT_OK; /* counted as a bad file: the run fails after listing everything */
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
        if (o && o->progress && stats->rows_read % 256 == 0) {
            long long done, total;
            kt_reader_progress(r, &done, &total);
            o->progress(stats, done, total, o->progress_ctx);
        }
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
        kt_buf place = KT_BUF_INIT;
        st = kt_buf_printf(&place, "%s:%zu", a.file, a.line) == KT_OK
                 ? index_row(rn, &a, kt_buf_str(&place), err)
                 : kt_error_set(err, KT_ERR_NOMEM, "out of memory");
        kt_buf_free(&place);
        if (st != KT_OK)
            break;
    }
    kt_agreement_clear(&a);
    kt_reader_close(r);
    return st;
}

static kt_status index_files(run *rn, const char *const *files, size_t n_files, kt_error *err)
{
    kt_status st = KT_OK;
    for (size_t i = 0; i < n_files && st == KT_OK; i++)
        st = index_file(rn, files[i], err);
    id_set_free(&rn->ids);
    return st;
}

/* The outcome of a run that read everything: bad rows fail it (after writing the good ones, with
 * skip_bad). */
static kt_status bad_rows_status(const run *rn, const char *db_dir, kt_error *err)
{
    size_t n = rn->stats->rejected;
    if (!n)
        return KT_OK;
    if (rn->o && rn->o->skip_bad)
        return kt_error_set(err, KT_ERR_INPUT, "%zu bad row%s skipped; the others were written to %s", n,
                            n == 1 ? "" : "s", db_dir);
    return kt_error_set(err, KT_ERR_INPUT, "%zu bad row%s; the index in %s was not changed", n, n == 1 ? "" : "s",
                        db_dir);
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

/* Checks db_dir is a kyotei index (or empty), takes its lock and reads its generation (0: no
 * index yet). */
static kt_status open_index(const char *db_dir, bool create, int *lock_fd, unsigned long *gen, kt_error *err)
{
    *lock_fd = -1;
    if (create && mkdir(db_dir, 0755) != 0 && errno != EEXIST)
        return kt_error_set(err, KT_ERR_INDEX, "%s: cannot create directory: %s", db_dir, strerror(errno));
    kt_status st = check_index_dir(db_dir, err);
    if (st == KT_OK)
        st = lock_index(db_dir, lock_fd, err);
    if (st == KT_OK)
        st = current_generation(db_dir, gen, err);
    if (st != KT_OK && *lock_fd >= 0) {
        close(*lock_fd);
        *lock_fd = -1;
    }
    return st;
}

static kt_status rebuild_locked(const char *db_dir, unsigned long gen, const char *const *files, size_t n_files,
                                run *rn, kt_error *err)
{
    remove_stale(db_dir, gen);
    unsigned long next = gen + 1;
    char gen_path[4096];
    snprintf(gen_path, sizeof gen_path, "%s/" GEN_PREFIX "%lu", db_dir, next);
    xc_error xe;
    if (xc_wdb_open(gen_path, XC_WDB_CREATE_OR_OVERWRITE, &rn->w, &xe) != XC_OK)
        return kt_error_set(err, KT_ERR_INDEX, "%s: cannot create: %s", gen_path, xe.message);
    kt_status st = index_files(rn, files, n_files, err);
    if (st == KT_OK && xc_wdb_set_metadata(rn->w, KT_META_SCHEMA_KEY, KT_META_SCHEMA_VERSION,
                                           strlen(KT_META_SCHEMA_VERSION), &xe) != XC_OK)
        st = kt_error_set(err, KT_ERR_INDEX, "%s: %s", gen_path, xe.message);
    bool swap = st == KT_OK && !writes_abandoned(rn);
    if (swap && xc_wdb_commit(rn->w, &xe) != XC_OK) {
        st = kt_error_set(err, KT_ERR_INDEX, "%s: cannot commit: %s", gen_path, xe.message);
        swap = false;
    }
    xc_status closed = xc_wdb_close(rn->w, &xe);
    rn->w = NULL;
    if (swap && closed != XC_OK) {
        st = kt_error_set(err, KT_ERR_INDEX, "%s: cannot close: %s", gen_path, xe.message);
        swap = false;
    }
    if (swap)
        st = swap_stub(db_dir, next, err);
    bool swapped = swap && st == KT_OK;
    if (st == KT_OK)
        st = bad_rows_status(rn, db_dir, err);
    if (!swapped)
        rn->stats->indexed = rn->stats->added = rn->stats->replaced = 0;
    remove_stale(db_dir, swapped ? next : gen);
    return st;
}

static kt_status write_run(const char *db_dir, const char *const *files, size_t n_files, kt_lexicon *lex,
                           const kt_build_options *opts, bool update, kt_build_stats *stats, kt_error *err);

kt_status kt_index_rebuild(const char *db_dir, const char *const *files, size_t n_files, kt_lexicon *lex,
                           const kt_build_options *opts, kt_build_stats *stats, kt_error *err)
{
    return write_run(db_dir, files, n_files, lex, opts, false, stats, err);
}

/* Runs work inside one transaction on the current generation, so readers see all of the change
 * or none of it. */
static kt_status in_transaction(const char *gen_path, run *rn, kt_status (*work)(run *, void *, kt_error *),
                                void *ctx, kt_error *err)
{
    xc_error xe;
    if (xc_wdb_open(gen_path, XC_WDB_OPEN, &rn->w, &xe) != XC_OK)
        return kt_error_set(err, KT_ERR_INDEX, "%s: cannot open for writing: %s", gen_path, xe.message);
    uint32_t docs = 0;
    kt_status st = KT_OK;
    if (xc_wdb_doc_count(rn->w, &docs, &xe) != XC_OK || xc_wdb_begin(rn->w, &xe) != XC_OK)
        st = kt_error_set(err, KT_ERR_INDEX, "%s: %s", gen_path, xe.message);
    rn->index_had_documents = docs > 0;
    if (st == KT_OK)
        st = work(rn, ctx, err);
    bool commit = st == KT_OK && !writes_abandoned(rn);
    xc_status done = commit ? xc_wdb_commit_transaction(rn->w, &xe) : xc_wdb_cancel_transaction(rn->w, &xe);
    if (st == KT_OK && done != XC_OK) {
        st = kt_error_set(err, KT_ERR_INDEX, "%s: cannot commit: %s", gen_path, xe.message);
        commit = false;
    }
    xc_status closed = xc_wdb_close(rn->w, &xe);
    rn->w = NULL;
    if (st == KT_OK && closed != XC_OK)
        st = kt_error_set(err, KT_ERR_INDEX, "%s: cannot close: %s", gen_path, xe.message);
    if (!commit)
        rn->stats->indexed = rn->stats->added = rn->stats->replaced = rn->stats->unchanged = rn->stats->deleted = 0;
    return st;
}

/* An update adds documents made the way this kyotei makes them: an index written by another
 * version must be rebuilt first, or it would hold two kinds of document. */
static kt_status check_schema(const char *db_dir, const char *gen_path, kt_error *err)
{
    xc_db *db;
    xc_error xe;
    char *version = NULL;
    size_t len;
    if (xc_db_open(gen_path, &db, &xe) != XC_OK)
        return kt_error_set(err, KT_ERR_INDEX, "%s: cannot open: %s", gen_path, xe.message);
    kt_status st = KT_OK;
    if (xc_db_get_metadata(db, KT_META_SCHEMA_KEY, &version, &len, &xe) != XC_OK)
        st = kt_error_set(err, KT_ERR_INDEX, "%s: %s", gen_path, xe.message);
    else if (strcmp(version, KT_META_SCHEMA_VERSION) != 0)
        st = kt_error_set(err, KT_ERR_INDEX,
                          "%s was written by another version of kyotei (schema '%s', this one writes '%s'): rebuild "
                          "it with kyotei-index --db %s FILE...",
                          db_dir, version, KT_META_SCHEMA_VERSION, db_dir);
    free(version);
    xc_db_close(db);
    return st;
}

typedef struct name_list {
    const char *const *names;
    size_t n;
} name_list;

static kt_status update_work(run *rn, void *ctx, kt_error *err)
{
    const name_list *files = ctx;
    return index_files(rn, files->names, files->n, err);
}

/* A rebuild, or an update (which builds the index when there is none yet), under the lock. */
static kt_status write_run(const char *db_dir, const char *const *files, size_t n_files, kt_lexicon *lex,
                           const kt_build_options *opts, bool update, kt_build_stats *stats, kt_error *err)
{
    memset(stats, 0, sizeof *stats);
    int lock_fd;
    unsigned long gen;
    kt_status st = open_index(db_dir, true, &lock_fd, &gen, err);
    if (st != KT_OK)
        return st;
    run rn = {lex, opts, stats, NULL, false, {0}};
    if (!update || gen == 0) {
        st = rebuild_locked(db_dir, gen, files, n_files, &rn, err);
    } else {
        char gen_path[4096];
        snprintf(gen_path, sizeof gen_path, "%s/" GEN_PREFIX "%lu", db_dir, gen);
        name_list list = {files, n_files};
        st = check_schema(db_dir, gen_path, err);
        if (st == KT_OK)
            st = in_transaction(gen_path, &rn, update_work, &list, err);
        if (st == KT_OK)
            st = bad_rows_status(&rn, db_dir, err);
    }
    close(lock_fd);
    return st;
}

kt_status kt_index_update(const char *db_dir, const char *const *files, size_t n_files, kt_lexicon *lex,
                          const kt_build_options *opts, kt_build_stats *stats, kt_error *err)
{
    return write_run(db_dir, files, n_files, lex, opts, true, stats, err);
}

static kt_status delete_work(run *rn, void *ctx, kt_error *err)
{
    const name_list *ids = ctx;
    for (size_t i = 0; i < ids->n; i++) {
        const char *id = ids->names[i];
        char unique[KT_TERM_MAX + 8];
        uint32_t had = 0;
        xc_error xe;
        bool fits = *id && strlen(id) + 1 < sizeof unique;
        if (fits) {
            snprintf(unique, sizeof unique, KT_PREFIX_ID "%s", id);
            if (xc_wdb_term_freq(rn->w, unique, &had, &xe) != XC_OK || (had && xc_wdb_delete(rn->w, unique, &xe) != XC_OK))
                return kt_error_set(err, KT_ERR_INDEX, "cannot delete '%s': %s", id, xe.message);
        }
        if (had) {
            rn->stats->deleted++;
        } else {
            report(rn->o, KT_REPORT_WARNING, "warning: no agreement has the id '%.60s'", id);
            rn->stats->warnings++;
        }
    }
    return KT_OK;
}

kt_status kt_index_delete(const char *db_dir, const char *const *ids, size_t n_ids, const kt_build_options *opts,
                          kt_build_stats *stats, kt_error *err)
{
    memset(stats, 0, sizeof *stats);
    int lock_fd;
    unsigned long gen;
    kt_status st = open_index(db_dir, false, &lock_fd, &gen, err);
    if (st != KT_OK)
        return st;
    if (gen == 0) {
        close(lock_fd);
        return kt_error_set(err, KT_ERR_INDEX, "%s: no index here yet", db_dir);
    }
    char gen_path[4096];
    snprintf(gen_path, sizeof gen_path, "%s/" GEN_PREFIX "%lu", db_dir, gen);
    run rn = {NULL, opts, stats, NULL, false, {0}};
    name_list list = {ids, n_ids};
    st = in_transaction(gen_path, &rn, delete_work, &list, err);
    close(lock_fd);
    return st;
}

kt_status kt_index_check(const char *const *files, size_t n_files, kt_lexicon *lex, const kt_build_options *opts,
                         kt_build_stats *stats, kt_error *err)
{
    memset(stats, 0, sizeof *stats);
    run rn = {lex, opts, stats, NULL, false, {0}};
    kt_status st = index_files(&rn, files, n_files, err);
    if (st == KT_OK && stats->rejected)
        st = kt_error_set(err, KT_ERR_INPUT, "%zu bad row%s", stats->rejected, stats->rejected == 1 ? "" : "s");
    return st;
}
