#include "build.h"

#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/buf.h"
#include "corpus/reader.h"
#include "indexer/document.h"
#include "indexer/idset.h"
#include "indexer/layout.h"
#include "indexer/pipeline.h"
#include "schema/schema.h"
#include "xapian-c/xc.h"

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

static char *format_message(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *format_message(const char *fmt, ...)
{
    kt_buf b = KT_BUF_INIT;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0 || kt_buf_reserve(&b, (size_t)n + 1) != KT_OK)
        return NULL;
    va_start(ap, fmt);
    vsnprintf(b.data, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b.len = (size_t)n;
    return kt_buf_steal(&b);
}

/* A rebuild's thread writes its documents into a series of segments, each a database per shard
 * (BUILD/part-T-K-S: thread T, segment K, shard S), starting a new segment every segment_every
 * documents: Xapian's cost of adding a document grows with the database it goes into, while
 * merging a few more segments at the end costs little (bench/README.md has the figures). */
typedef struct part {
    xc_wdb **w;           /* the current segment, one database per shard */
    unsigned segments;    /* segments opened so far, the current one included */
    size_t in_segment;    /* documents in the current segment */
    size_t since_commit;
} part;

/* One run over agreement files. A rebuild writes through `parts` (one per thread, on that thread);
 * an update writes through `w` (one per shard, on the reading thread); a check writes nothing. */
typedef struct run {
    kt_lexicon *lex;
    const kt_build_options *o;
    kt_build_stats *stats;
    kt_layout layout;       /* the shards rows go to */
    unsigned n_workers;     /* threads making documents (0: the reading thread does) */
    kt_lexicon **lexicons;  /* one per worker */
    part *parts;            /* rebuild: one per worker (at least one) */
    char build_dir[KT_PATH_MAX]; /* rebuild: where the parts go */
    xc_wdb **w;             /* update: one per shard */
    bool *had_documents;    /* update: per shard, whether it had documents (then a write may replace) */
    atomic_bool abandoned;  /* bad rows mean nothing will be written */
    kt_idset *ids;          /* the ids read so far, to refuse duplicates */
    char dictionaries[KT_LEXICON_FINGERPRINT_SIZE]; /* lex's fingerprint, read once ("": unknown) */
} run;

static unsigned n_parts(const run *rn)
{
    return rn->n_workers ? rn->n_workers : 1;
}

static bool skip_bad(const run *rn)
{
    return rn->o && rn->o->skip_bad;
}

static size_t flush_every(const run *rn)
{
    return rn->o && rn->o->flush_every ? rn->o->flush_every : KT_FLUSH_EVERY;
}

static size_t segment_every(const run *rn)
{
    return rn->o && rn->o->segment_every ? rn->o->segment_every : KT_SEGMENT_EVERY;
}

/* Remembers the id; *duplicate is set (a message for the row) when an earlier row had it. */
static kt_status note_id(run *rn, const kt_agreement *a, const char *where, char **duplicate, kt_error *err)
{
    *duplicate = NULL;
    bool seen;
    const char *first_file;
    size_t first_line;
    kt_status st = kt_idset_add(rn->ids, a->col[KT_COL_ID], a->file, a->line, &seen, &first_file, &first_line, err);
    if (st != KT_OK || !seen)
        return st;
    *duplicate = format_message("%s: duplicate id '%s' (first at %s:%zu)", where, a->col[KT_COL_ID], first_file,
                                first_line);
    return *duplicate ? KT_OK : kt_error_nomem(err);
}

/* ---- writing ------------------------------------------------------------------------------ */

/* Whether the index already holds exactly this agreement: its stored record (from which every
 * term and value is derived) is the same. Re-indexing an unchanged file then writes nothing. */
static kt_status same_as_stored(xc_wdb *w, const char *unique, const xc_doc *doc, bool *had, bool *same,
                                kt_error *err)
{
    *had = *same = false;
    char *stored = NULL, *fresh = NULL;
    size_t stored_len = 0, fresh_len = 0;
    xc_error xe;
    xc_status xs = xc_wdb_data_by_term(w, unique, &stored, &stored_len, &xe);
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

/* An update writes one row on the reading thread: replaced when its shard has the id, skipped
 * when the shard has exactly this agreement. */
static kt_status update_row(run *rn, kt_row *row, kt_error *err)
{
    xc_wdb *w = rn->w[row->shard];
    bool had = false, same = false;
    char unique[KT_TERM_MAX + 8];
    snprintf(unique, sizeof unique, KT_PREFIX_ID "%s", row->a.col[KT_COL_ID]);
    kt_status st = rn->had_documents[row->shard] ? same_as_stored(w, unique, row->doc, &had, &same, err) : KT_OK;
    if (st != KT_OK) {
        kt_error_prefix(err, "%s", row->where);
        return st;
    }
    if (same) {
        rn->stats->unchanged++;
        return KT_OK;
    }
    xc_error xe;
    /* ids are unique within a run, so a shard that had no documents needs no lookup by id */
    xc_status xs = rn->had_documents[row->shard] ? xc_wdb_replace(w, unique, row->doc, NULL, &xe)
                                                  : xc_wdb_add(w, row->doc, NULL, &xe);
    if (xs != XC_OK)
        return kt_error_set(err, KT_ERR_INDEX, "%s: cannot write: %s", row->where, xe.message);
    rn->stats->indexed++;
    if (had)
        rn->stats->replaced++;
    else
        rn->stats->added++;
    return KT_OK;
}

static kt_status open_segment(run *rn, unsigned t, kt_error *err);
static kt_status close_segment(run *rn, unsigned t, kt_error *err);

/* A rebuild writes a batch on the worker's thread, into that worker's databases; ids are unique
 * and the databases new, so documents are simply added. */
static kt_status write_built(unsigned worker, kt_row *rows, size_t n, void *ctx, kt_error *err)
{
    run *rn = ctx;
    part *p = &rn->parts[worker];
    for (size_t i = 0; i < n; i++) {
        kt_row *row = &rows[i];
        if (!row->doc || atomic_load(&rn->abandoned))
            continue;
        xc_error xe;
        if (xc_wdb_add(p->w[row->shard], row->doc, NULL, &xe) != XC_OK)
            return kt_error_set(err, KT_ERR_INDEX, "%s: cannot write: %s", row->where, xe.message);
        row->written = true;
        /* the document's memory goes as soon as Xapian has it */
        xc_doc_free(row->doc);
        row->doc = NULL;
        if (++p->in_segment >= segment_every(rn)) {
            kt_status st = close_segment(rn, worker, err);
            if (st == KT_OK)
                st = open_segment(rn, worker, err);
            if (st != KT_OK)
                return st;
        } else if (++p->since_commit >= flush_every(rn)) {
            p->since_commit = 0;
            for (unsigned s = 0; s < rn->layout.shards; s++)
                if (xc_wdb_commit(p->w[s], &xe) != XC_OK)
                    return kt_error_set(err, KT_ERR_INDEX, "cannot write the index: %s", xe.message);
        }
    }
    return KT_OK;
}

/* Every batch, in input order, on the reading thread: reports, counts and, for an update, writes. */
static kt_status batch_done(unsigned worker, kt_row *rows, size_t n, void *ctx, kt_error *err)
{
    (void)worker;
    run *rn = ctx;
    kt_build_stats *stats = rn->stats;
    for (size_t i = 0; i < n; i++) {
        kt_row *row = &rows[i];
        if (row->rejected || row->failed) {
            if (row->rejected)
                report(rn->o, KT_REPORT_ERROR, "%s", row->rejected);
            else
                report(rn->o, KT_REPORT_ERROR, "%s: %s", row->where, row->error.message);
            stats->rejected++;
            if (!skip_bad(rn))
                atomic_store(&rn->abandoned, true);
            continue;
        }
        if (row->warning) {
            report(rn->o, KT_REPORT_WARNING, "%s: warning: %s", row->where, row->warning);
            stats->warnings++;
        }
        if (row->written) {
            stats->indexed++;
            stats->added++;
        } else if (rn->w && row->doc && !atomic_load(&rn->abandoned)) {
            kt_status st = update_row(rn, row, err);
            if (st != KT_OK)
                return st;
        }
    }
    return KT_OK;
}

/* ---- reading ------------------------------------------------------------------------------ */

/* A bad row or file, reported in its place among the others. */
static kt_status push_rejected(kt_pipeline *pl, const char *message, kt_error *err)
{
    kt_row row = {.rejected = strdup(message)};
    if (!row.rejected)
        return kt_error_nomem(err);
    return kt_pipeline_push(pl, &row, err);
}

/* Reads one file, checking every row and sending the good ones to be made into documents. */
static kt_status read_file(run *rn, kt_pipeline *pl, const char *file, kt_error *err)
{
    const kt_build_options *o = rn->o;
    kt_build_stats *stats = rn->stats;
    kt_reader *r;
    kt_status st = kt_reader_open(file, o ? &o->input : NULL, &r, err);
    if (st != KT_OK) {
        if (st == KT_ERR_INPUT || st == KT_ERR_ENCODING) /* a bad file: the run fails after listing everything */
            return push_rejected(pl, err->message, err);
        return st;
    }
    kt_row row = {0};
    for (;;) {
        bool has_row;
        kt_error row_err;
        st = kt_reader_next(r, &row.a, &has_row, &row_err);
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
            st = push_rejected(pl, row_err.message, err);
            if (st != KT_OK)
                break;
            continue;
        }
        row.where = format_message("%s:%zu", row.a.file, row.a.line);
        st = row.where ? note_id(rn, &row.a, row.where, &row.rejected, err)
                       : kt_error_nomem(err);
        if (st == KT_OK) {
            row.shard = kt_layout_shard_of(row.a.col[KT_COL_ID], rn->layout.shards);
            st = kt_pipeline_push(pl, &row, err);
        }
        if (st != KT_OK)
            break;
    }
    kt_row_clear(&row);
    kt_reader_close(r);
    return st;
}

/* Opens the lexicons of the threads beyond the first (which uses the caller's). */
static kt_status open_workers(run *rn, kt_error *err)
{
    const kt_build_options *o = rn->o;
    unsigned threads = o ? o->threads : 0;
    rn->n_workers = threads > 1 && o->data_dir ? threads : 0;
    unsigned n = n_parts(rn);
    rn->lexicons = calloc(n, sizeof *rn->lexicons);
    if (!rn->lexicons)
        return kt_error_nomem(err);
    rn->lexicons[0] = rn->lex;
    for (unsigned i = 1; i < n; i++) {
        kt_status st = kt_lexicon_open(o->data_dir, &rn->lexicons[i], err);
        if (st != KT_OK)
            return st;
    }
    return KT_OK;
}

static void close_workers(run *rn)
{
    for (unsigned i = 1; rn->lexicons && i < n_parts(rn); i++)
        kt_lexicon_close(rn->lexicons[i]);
    free(rn->lexicons);
    rn->lexicons = NULL;
}

/* Reads every file through the pipeline. */
static kt_status read_files(run *rn, const char *const *files, size_t n_files, bool write_on_workers, kt_error *err)
{
    kt_pipeline *pl;
    kt_status st = kt_idset_new(&rn->ids, err);
    if (st != KT_OK)
        return st;
    st = kt_pipeline_start(rn->n_workers, rn->lexicons, write_on_workers ? write_built : NULL, batch_done, rn, &pl,
                           err);
    if (st != KT_OK) {
        kt_idset_free(rn->ids);
        rn->ids = NULL;
        return st;
    }
    for (size_t i = 0; i < n_files && st == KT_OK; i++)
        st = read_file(rn, pl, files[i], err);
    kt_error finish_err;
    kt_status fst = kt_pipeline_finish(pl, &finish_err);
    if (st == KT_OK && fst != KT_OK) {
        st = fst;
        *err = finish_err;
    }
    kt_pipeline_free(pl);
    kt_idset_free(rn->ids);
    rn->ids = NULL;
    return st;
}

/* The outcome of a run that read everything: bad rows fail it (after writing the good ones, with
 * skip_bad). */
static kt_status bad_rows_status(const run *rn, const char *db_dir, kt_error *err)
{
    size_t n = rn->stats->rejected;
    if (!n)
        return KT_OK;
    if (skip_bad(rn))
        return kt_error_set(err, KT_ERR_INPUT, "%zu bad row%s skipped; the others were written to %s", n,
                            n == 1 ? "" : "s", db_dir);
    return kt_error_set(err, KT_ERR_INPUT, "%zu bad row%s; the index in %s was not changed", n, n == 1 ? "" : "s",
                        db_dir);
}

/* ---- rebuilding --------------------------------------------------------------------------- */

/* Opens thread t's next segment. Segments are private to this run until merged, so their
 * commits are not synced (the merged result is synced before it is published). Not written in
 * place (XC_WDB_IN_PLACE) though: under it a full disk is reported as "cancel() not supported"
 * instead of as a full disk, for little gain. */
static kt_status open_segment(run *rn, unsigned t, kt_error *err)
{
    part *p = &rn->parts[t];
    for (unsigned s = 0; s < rn->layout.shards; s++) {
        char path[KT_PATH_MAX];
        xc_error xe;
        kt_status st = kt_layout_part_path(path, rn->build_dir, t, p->segments, s, err);
        if (st != KT_OK)
            return st;
        const char *dicts = rn->dictionaries;
        if (xc_wdb_open(path, XC_WDB_CREATE_OR_OVERWRITE | XC_WDB_NO_SYNC, &p->w[s], &xe) != XC_OK ||
            xc_wdb_set_metadata(p->w[s], KT_META_SCHEMA_KEY, KT_META_SCHEMA_VERSION, strlen(KT_META_SCHEMA_VERSION),
                                &xe) != XC_OK ||
            (*dicts && xc_wdb_set_metadata(p->w[s], KT_META_DICTIONARIES_KEY, dicts, strlen(dicts), &xe) != XC_OK))
            return kt_error_set(err, KT_ERR_INDEX, "%s: cannot create: %s", path, xe.message);
    }
    p->segments++;
    p->in_segment = p->since_commit = 0;
    return KT_OK;
}

/* Commits and closes thread t's current segment; the first failure comes back. */
static kt_status close_segment(run *rn, unsigned t, kt_error *err)
{
    part *p = &rn->parts[t];
    kt_status st = KT_OK;
    for (unsigned s = 0; p->w && s < rn->layout.shards; s++) {
        xc_error xe;
        if (p->w[s] && xc_wdb_close(p->w[s], &xe) != XC_OK && st == KT_OK)
            st = kt_error_set(err, KT_ERR_INDEX, "cannot write the index: %s", xe.message);
        p->w[s] = NULL;
    }
    return st;
}

/* Opens every thread's first segment, in DIR/gen-N.build/. */
static kt_status open_parts(run *rn, kt_error *err)
{
    unsigned n = n_parts(rn);
    rn->parts = calloc(n, sizeof *rn->parts);
    if (!rn->parts)
        return kt_error_nomem(err);
    if (mkdir(rn->build_dir, 0755) != 0)
        return kt_error_set(err, KT_ERR_INDEX, "%s: cannot create: %s", rn->build_dir, strerror(errno));
    for (unsigned t = 0; t < n; t++) {
        rn->parts[t].w = calloc(rn->layout.shards, sizeof *rn->parts[t].w);
        if (!rn->parts[t].w)
            return kt_error_nomem(err);
        kt_status st = open_segment(rn, t, err);
        if (st != KT_OK)
            return st;
    }
    return KT_OK;
}

/* Commits and closes every thread's last segment; the first failure is kept. */
static kt_status close_parts(run *rn, kt_status st, kt_error *err)
{
    for (unsigned t = 0; rn->parts && t < n_parts(rn); t++) {
        kt_error close_err;
        kt_status cst = close_segment(rn, t, &close_err);
        if (st == KT_OK && cst != KT_OK) {
            st = cst;
            *err = close_err;
        }
        free(rn->parts[t].w);
        rn->parts[t].w = NULL;
    }
    return st;
}

/* Makes shard s of the new generation from every segment, thread by thread and in order: merged
 * (and compacted) by Xapian, or, for a single segment that need not be compacted, moved into
 * place. */
static kt_status merge_shard(run *rn, const char *dest, unsigned s, kt_error *err)
{
    unsigned n = 0;
    for (unsigned t = 0; t < n_parts(rn); t++)
        n += rn->parts[t].segments;
    char (*paths)[KT_PATH_MAX] = calloc(n, sizeof *paths);
    const char **sources = calloc(n, sizeof *sources);
    kt_status st = KT_OK;
    if (!paths || !sources)
        st = kt_error_nomem(err);
    unsigned k = 0;
    for (unsigned t = 0; st == KT_OK && t < n_parts(rn); t++) {
        for (unsigned g = 0; st == KT_OK && g < rn->parts[t].segments; g++, k++) {
            st = kt_layout_part_path(paths[k], rn->build_dir, t, g, s, err);
            sources[k] = paths[k];
        }
    }
    if (st == KT_OK) {
        xc_error xe;
        if (n == 1 && rn->o && rn->o->no_compact) {
            if (rename(sources[0], dest) != 0)
                st = kt_error_set(err, KT_ERR_INDEX, "%s: cannot move into place: %s", dest, strerror(errno));
        } else if (xc_compact(sources, n, dest, &xe) != XC_OK) {
            st = kt_error_set(err, KT_ERR_INDEX, "%s: cannot merge: %s", dest, xe.message);
        }
    }
    free(paths);
    free(sources);
    return st;
}

/* Builds generation `next` from the threads' parts and publishes it. */
static kt_status finish_rebuild(run *rn, const char *db_dir, kt_error *err)
{
    char gen_dir[KT_PATH_MAX], dest[KT_PATH_MAX];
    kt_layout whole = rn->layout;
    kt_layout unsharded = {whole.gen, 1, false};
    kt_status st = kt_layout_shard_path(gen_dir, db_dir, &unsharded, 0, err);
    if (st == KT_OK && kt_layout_remove_tree(gen_dir) != 0)
        st = kt_error_set(err, KT_ERR_INDEX, "%s: cannot clear: %s", gen_dir, strerror(errno));
    if (st == KT_OK && whole.sharded && mkdir(gen_dir, 0755) != 0)
        st = kt_error_set(err, KT_ERR_INDEX, "%s: cannot create: %s", gen_dir, strerror(errno));
    for (unsigned s = 0; st == KT_OK && s < whole.shards; s++) {
        st = kt_layout_shard_path(dest, db_dir, &whole, s, err);
        if (st == KT_OK)
            st = merge_shard(rn, dest, s, err);
    }
    if (st == KT_OK)
        st = kt_layout_publish(db_dir, &whole, err);
    return st;
}

static kt_status rebuild_locked(const char *db_dir, const kt_layout *cur, const char *const *files, size_t n_files,
                                run *rn, kt_error *err)
{
    kt_layout_remove_stale(db_dir, cur->gen);
    unsigned shards = rn->o && rn->o->shards > 1 ? rn->o->shards : 1;
    if (shards > KT_MAX_SHARDS)
        return kt_error_set(err, KT_ERR_INDEX, "at most %d shards", KT_MAX_SHARDS);
    rn->layout = (kt_layout){cur->gen + 1, shards, shards > 1};
    kt_status st = kt_layout_build_path(rn->build_dir, db_dir, rn->layout.gen, err);
    if (st == KT_OK)
        st = open_parts(rn, err);
    if (st == KT_OK)
        st = read_files(rn, files, n_files, true, err);
    st = close_parts(rn, st, err);
    bool swap = st == KT_OK && !atomic_load(&rn->abandoned);
    if (swap) {
        st = finish_rebuild(rn, db_dir, err);
        swap = st == KT_OK;
    }
    free(rn->parts);
    rn->parts = NULL;
    kt_layout_remove_tree(rn->build_dir);
    if (st == KT_OK)
        st = bad_rows_status(rn, db_dir, err);
    if (!swap)
        rn->stats->indexed = rn->stats->added = rn->stats->replaced = 0;
    kt_layout_remove_stale(db_dir, swap ? rn->layout.gen : cur->gen);
    return st;
}

/* ---- updating and deleting ---------------------------------------------------------------- */

/* An update adds documents made the way this kyotei makes them, with these dictionaries: an
 * index written by another version, or with other dictionaries, must be rebuilt first, or it
 * would hold two kinds of document (the old ones keeping words and canonical names the
 * dictionaries no longer give, so that a search finds some agreements by them and not others).
 * An index that predates the dictionaries' fingerprint is taken as it is. */
static kt_status check_schema(const char *db_dir, const char *gen_path, const char *dictionaries, kt_error *err)
{
    xc_db *db;
    xc_error xe;
    char *version = NULL, *dicts = NULL;
    size_t len;
    if (xc_db_open(gen_path, &db, &xe) != XC_OK)
        return kt_error_set(err, KT_ERR_INDEX, "%s: cannot open: %s", gen_path, xe.message);
    kt_status st = KT_OK;
    if (xc_db_get_metadata(db, KT_META_SCHEMA_KEY, &version, &len, &xe) != XC_OK ||
        xc_db_get_metadata(db, KT_META_DICTIONARIES_KEY, &dicts, &len, &xe) != XC_OK)
        st = kt_error_set(err, KT_ERR_INDEX, "%s: %s", gen_path, xe.message);
    else if (strcmp(version, KT_META_SCHEMA_VERSION) != 0)
        st = kt_error_set(err, KT_ERR_INDEX,
                          "%s was written by another version of kyotei (schema '%s', this one writes '%s'): rebuild "
                          "it with kyotei-index --db %s FILE...",
                          db_dir, version, KT_META_SCHEMA_VERSION, db_dir);
    else if (*dicts && *dictionaries && strcmp(dicts, dictionaries) != 0)
        st = kt_error_set(err, KT_ERR_INDEX,
                          "%s was built with other dictionaries (user.dic, countries.tsv or fields.tsv changed "
                          "since), so its agreements keep the old words and names: rebuild it with kyotei-index "
                          "--db %s FILE...",
                          db_dir, db_dir);
    free(version);
    free(dicts);
    xc_db_close(db);
    return st;
}

/* Runs work inside one transaction per shard of the current generation, so readers see all of a
 * shard's change or none of it. */
static kt_status in_transactions(const char *db_dir, run *rn, kt_status (*work)(run *, void *, kt_error *), void *ctx,
                                 kt_error *err)
{
    unsigned n = rn->layout.shards;
    rn->w = calloc(n, sizeof *rn->w);
    rn->had_documents = calloc(n, sizeof *rn->had_documents);
    if (!rn->w || !rn->had_documents) {
        free(rn->w);
        free(rn->had_documents);
        rn->w = NULL;
        return kt_error_nomem(err);
    }
    kt_status st = KT_OK;
    unsigned opened = 0;
    for (; st == KT_OK && opened < n; opened++) {
        char path[KT_PATH_MAX];
        xc_error xe;
        uint32_t docs = 0;
        st = kt_layout_shard_path(path, db_dir, &rn->layout, opened, err);
        if (st != KT_OK)
            break;
        if (xc_wdb_open(path, XC_WDB_OPEN, &rn->w[opened], &xe) != XC_OK) {
            st = kt_error_set(err, KT_ERR_INDEX, "%s: cannot open for writing: %s", path, xe.message);
            break;
        }
        if (xc_wdb_doc_count(rn->w[opened], &docs, &xe) != XC_OK || xc_wdb_begin(rn->w[opened], &xe) != XC_OK)
            st = kt_error_set(err, KT_ERR_INDEX, "%s: %s", path, xe.message);
        rn->had_documents[opened] = docs > 0;
    }
    if (st == KT_OK)
        st = work(rn, ctx, err);
    bool commit = st == KT_OK && !atomic_load(&rn->abandoned);
    for (unsigned s = 0; s < n; s++) {
        if (!rn->w[s])
            continue;
        xc_error xe;
        xc_status done = commit ? xc_wdb_commit_transaction(rn->w[s], &xe) : xc_wdb_cancel_transaction(rn->w[s], &xe);
        if (commit && done != XC_OK) {
            st = kt_error_set(err, KT_ERR_INDEX, "%s: cannot commit: %s", db_dir, xe.message);
            commit = false; /* the later shards are left as they were */
        }
        xc_status closed = xc_wdb_close(rn->w[s], &xe);
        if (st == KT_OK && closed != XC_OK)
            st = kt_error_set(err, KT_ERR_INDEX, "%s: cannot close: %s", db_dir, xe.message);
    }
    free(rn->w);
    free(rn->had_documents);
    rn->w = NULL;
    rn->had_documents = NULL;
    if (!commit)
        rn->stats->indexed = rn->stats->added = rn->stats->replaced = rn->stats->unchanged = rn->stats->deleted = 0;
    return st;
}

typedef struct name_list {
    const char *const *names;
    size_t n;
} name_list;

static kt_status update_work(run *rn, void *ctx, kt_error *err)
{
    const name_list *files = ctx;
    return read_files(rn, files->names, files->n, false, err);
}

/* A rebuild, or an update (which builds the index when there is none yet), under the lock. */
static kt_status write_run(const char *db_dir, const char *const *files, size_t n_files, kt_lexicon *lex,
                           const kt_build_options *opts, bool update, kt_build_stats *stats, kt_error *err)
{
    memset(stats, 0, sizeof *stats);
    int lock_fd;
    kt_layout cur;
    kt_status st = kt_layout_open(db_dir, true, &lock_fd, &cur, err);
    if (st != KT_OK)
        return st;
    run rn = {.lex = lex, .o = opts, .stats = stats, .layout = cur};
    if (lex->data_dir)
        st = kt_lexicon_fingerprint(lex, rn.dictionaries, err);
    if (st == KT_OK)
        st = open_workers(&rn, err);
    if (st == KT_OK && (!update || cur.gen == 0)) {
        st = rebuild_locked(db_dir, &cur, files, n_files, &rn, err);
    } else if (st == KT_OK) {
        char first[KT_PATH_MAX];
        name_list list = {files, n_files};
        if (opts && opts->shards > 1 && opts->shards != cur.shards)
            st = kt_error_set(err, KT_ERR_INDEX, "%s has %u shard%s; rebuild it to change that", db_dir, cur.shards,
                              cur.shards == 1 ? "" : "s");
        if (st == KT_OK)
            st = kt_layout_shard_path(first, db_dir, &cur, 0, err);
        if (st == KT_OK)
            st = check_schema(db_dir, first, rn.dictionaries, err);
        if (st == KT_OK)
            st = in_transactions(db_dir, &rn, update_work, &list, err);
        if (st == KT_OK)
            st = bad_rows_status(&rn, db_dir, err);
    }
    close_workers(&rn);
    close(lock_fd);
    return st;
}

kt_status kt_index_rebuild(const char *db_dir, const char *const *files, size_t n_files, kt_lexicon *lex,
                           const kt_build_options *opts, kt_build_stats *stats, kt_error *err)
{
    return write_run(db_dir, files, n_files, lex, opts, false, stats, err);
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
            xc_wdb *w = rn->w[kt_layout_shard_of(id, rn->layout.shards)];
            snprintf(unique, sizeof unique, KT_PREFIX_ID "%s", id);
            if (xc_wdb_term_freq(w, unique, &had, &xe) != XC_OK || (had && xc_wdb_delete(w, unique, &xe) != XC_OK))
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
    kt_layout cur;
    kt_status st = kt_layout_open(db_dir, false, &lock_fd, &cur, err);
    if (st != KT_OK)
        return st;
    if (cur.gen == 0) {
        close(lock_fd);
        return kt_error_set(err, KT_ERR_INDEX, "%s: no index here yet", db_dir);
    }
    run rn = {.o = opts, .stats = stats, .layout = cur};
    name_list list = {ids, n_ids};
    st = in_transactions(db_dir, &rn, delete_work, &list, err);
    close(lock_fd);
    return st;
}

kt_status kt_index_check(const char *const *files, size_t n_files, kt_lexicon *lex, const kt_build_options *opts,
                         kt_build_stats *stats, kt_error *err)
{
    memset(stats, 0, sizeof *stats);
    run rn = {.lex = lex, .o = opts, .stats = stats, .layout = {0, 1, false}};
    kt_status st = open_workers(&rn, err);
    if (st == KT_OK)
        st = read_files(&rn, files, n_files, false, err);
    close_workers(&rn);
    if (st == KT_OK && stats->rejected)
        st = kt_error_set(err, KT_ERR_INPUT, "%zu bad row%s", stats->rejected, stats->rejected == 1 ? "" : "s");
    return st;
}
