/* kyotei — building and updating an index from agreement files, atomically.
 *
 * An index is a directory that kyotei owns:
 *   DIR/XAPIANDB     a Xapian stub file naming the current generation ("auto gen-N")
 *   DIR/gen-N/       the current Xapian database
 *   DIR/.lock        taken (flock) by the one writer allowed at a time; a second one is refused
 * Xapian opens such a directory as the database the stub names, so searchers (and xapian-tcpsrv,
 * and Xapian's own tools) just open DIR.
 *
 * A rebuild writes gen-(N+1) beside the current one and, only when it is complete, replaces the
 * stub with a rename(2) — atomic on POSIX file systems. A failed or killed rebuild leaves the stub
 * pointing at gen-N: the old index stays whole and searchable, and the next run clears the
 * leftovers. gen-N itself stays until the rebuild after next, so a searcher that read the stub just
 * before the swap can still open it; one that has it open keeps reading it until it closes (its
 * files are unlinked, never overwritten).
 *
 * An update or a deletion changes gen-N in place inside one Xapian transaction: readers see the
 * index before it or after it, never half of it (Xapian commits atomically), and a killed update
 * leaves the index as it was.
 *
 * Rows are checked as they are read (corpus/reader.h) and ids must be unique across all files of
 * a run. Every bad row is reported through `report` ("FILE:LINE: reason"). Unless skip_bad is set,
 * one bad row means nothing is written and KT_ERR_INPUT comes back; with skip_bad the good rows
 * are written and KT_ERR_INPUT still comes back (the caller tells the two apart by stats->written).
 * Warnings (an unknown country or field) go to `report` too and do not fail the run.
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
} kt_build_options;

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
