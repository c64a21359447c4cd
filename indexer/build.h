/* kyotei — building and updating an index from agreement files, atomically.
 *
 * An index is a directory that kyotei owns:
 *   DIR/XAPIANDB     a Xapian stub file naming the current generation: "auto gen-N", or, for an
 *                    index split into S shards, S lines "auto gen-N/shard-0" … "auto gen-N/shard-(S-1)"
 *   DIR/gen-N/       the current Xapian database (or, sharded, the directory of its S databases)
 *   DIR/.lock        taken (flock) by the one writer allowed at a time; a second one is refused
 * Xapian opens such a directory as the database(s) the stub names, searched as one, so searchers
 * (and xapian-tcpsrv, and Xapian's own tools) just open DIR, sharded or not. An agreement lives in
 * shard kt_layout_shard_of(id) (FNV-1a of the id, modulo S), so updates and deletions find it.
 *
 * A rebuild writes gen-(N+1) beside the current one and, only when it is complete and synced to
 * disk, replaces the stub with a rename(2) — atomic on POSIX file systems, for every shard at
 * once. A failed or killed rebuild leaves the stub pointing at gen-N: the old index stays whole
 * and searchable, and the next run clears the leftovers. gen-N itself stays until the rebuild
 * after next, so a searcher that read the stub just before the swap can still open it; one that
 * has it open keeps reading it until it closes (its files are unlinked, never overwritten).
 *
 * How a rebuild runs: rows are read on the calling thread and made into documents on `threads`
 * threads (each with its own lexicon: MeCab is not thread-safe). Each thread writes its documents
 * into databases of its own (one per shard, a new one every segment_every documents) in
 * DIR/gen-(N+1).build/, committing every flush_every documents, so the memory a rebuild needs is
 * bounded by threads × flush_every documents, whatever the size of the input. The parts are then
 * merged, shard by shard, by Xapian's compaction into gen-(N+1) (documents keep the input order
 * within each thread's parts); a rebuild that wrote a single database compacts it the same way
 * unless no_compact is set. Compaction writes every block full:
 * the index is smaller on disk and faster to read than one written document by document.
 *
 * An update or a deletion changes gen-N in place inside one Xapian transaction per shard: readers
 * see a shard before it or after it, never half of it (Xapian commits atomically), and a killed
 * update leaves the index as it was. Documents are still made on `threads` threads, but written by
 * the calling thread, in input order. During the transaction Xapian writes its changes out every
 * 10000 documents (XAPIAN_FLUSH_THRESHOLD) without committing them, so a large update's memory
 * stays bounded too, but nothing of it is visible until it commits. With several shards the
 * shards commit one after the other: for a moment a reader may see the update in some shards and
 * not yet in others, and an update killed between two commits is in some shards only — running it
 * again completes it (an update is idempotent).
 *
 * Rows are checked as they are read (corpus/reader.h) and ids must be unique across all files of
 * a run. Every bad row is reported through `report` ("FILE:LINE: reason"), in input order. Unless
 * skip_bad is set, one bad row means nothing is written and KT_ERR_INPUT comes back; with skip_bad
 * the good rows are written and KT_ERR_INPUT still comes back (the caller tells the two apart by
 * stats->indexed). Warnings (an unknown country or field) go to `report` too and do not fail the
 * run. Callbacks are called on the calling thread only.
 */
#ifndef KT_INDEXER_BUILD_H
#define KT_INDEXER_BUILD_H

#include <stdbool.h>
#include <stddef.h>

#include "base/error.h"
#include "corpus/reader.h"
#include "dict/lexicon.h"

typedef struct kt_build_stats {
    size_t rows_read;     /* rows seen, good and bad */
    size_t indexed;       /* documents written (added + replaced) */
    size_t added;         /* ids the index did not have */
    size_t replaced;      /* ids the index had: their agreement was replaced */
    size_t unchanged;     /* ids the index had with exactly this agreement: nothing written */
    size_t deleted;
    size_t rejected;      /* bad rows */
    size_t warnings;
} kt_build_stats;

typedef enum kt_report_kind { KT_REPORT_ERROR, KT_REPORT_WARNING } kt_report_kind;

typedef struct kt_build_options {
    /* Called for each bad row and each warning, with a message starting "FILE:LINE: ". */
    void (*report)(kt_report_kind kind, const char *message, void *ctx);
    void *report_ctx;
    kt_reader_options input;  /* format and encoding of the files */
    bool skip_bad;            /* write the good rows even when some are bad */
    /* Called now and then (every few hundred rows) with the stats so far and how far into the
     * current file the run is (bytes, and the file's size, 0 when unknown). */
    void (*progress)(const kt_build_stats *stats, long long done, long long total, void *ctx);
    void *progress_ctx;
    /* Speed, memory and layout; zero means the default. */
    unsigned threads;         /* threads that make (and, rebuilding, write) documents: 0 or 1 = the
                                 calling thread only; more need data_dir */
    const char *data_dir;     /* where the other threads open their lexicons (kt_lexicon_open) */
    size_t flush_every;       /* a rebuild commits each thread's documents every this many
                                 (default KT_FLUSH_EVERY); Xapian also writes out on its own every
                                 10000 changes, so larger values act as 10000 */
    unsigned shards;          /* a rebuild splits the agreements over this many shards (0 or 1: one
                                 database); an update or deletion keeps the index's own number and
                                 refuses another one (KT_ERR_INDEX) */
    bool no_compact;          /* a rebuild that wrote a single database (one thread, at most
                                 segment_every documents) keeps it as written instead of compacting
                                 it: faster, larger on disk */
    size_t segment_every;     /* a rebuild's thread starts a new database every this many documents
                                 (default KT_SEGMENT_EVERY); all are merged at the end */
} kt_build_options;

/* The default flush size: measured on this project's agreements (bench/README.md), smaller
 * batches are also faster, as Xapian's buffers stay in the processor's caches. */
#define KT_FLUSH_EVERY 1000
/* Xapian's cost of adding a document grows with the database it goes into; merging a few more
 * databases at the end costs less than that growth (bench/README.md). */
#define KT_SEGMENT_EVERY 20000

/* Rebuilds the index in db_dir (created if missing) from the given files ("-" = stdin).
 * Errors: KT_ERR_INPUT (bad rows), KT_ERR_INDEX (the directory is not a kyotei index, another
 * writer holds the lock, or Xapian failed), KT_ERR_IO, KT_ERR_NOMEM. */
kt_status kt_index_rebuild(const char *db_dir, const char *const *files, size_t n_files, kt_lexicon *lex,
                           const kt_build_options *opts, kt_build_stats *stats, kt_error *err);

/* Adds the agreements of the files to the index in db_dir, replacing those whose id it has. An
 * index that does not exist yet is built. Errors as for kt_index_rebuild. */
kt_status kt_index_update(const char *db_dir, const char *const *files, size_t n_files, kt_lexicon *lex,
                          const kt_build_options *opts, kt_build_stats *stats, kt_error *err);

/* Removes the agreements with these ids; an id the index does not have is reported as a warning.
 * Errors: KT_ERR_INDEX (no index, lock, Xapian), KT_ERR_NOMEM. */
kt_status kt_index_delete(const char *db_dir, const char *const *ids, size_t n_ids, const kt_build_options *opts,
                          kt_build_stats *stats, kt_error *err);

/* Reads and checks the files as a build would, writing nothing. Errors: KT_ERR_INPUT (bad rows),
 * KT_ERR_IO, KT_ERR_NOMEM. */
kt_status kt_index_check(const char *const *files, size_t n_files, kt_lexicon *lex, const kt_build_options *opts,
                         kt_build_stats *stats, kt_error *err);

#endif
