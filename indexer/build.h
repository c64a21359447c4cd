/* kyotei — building an index from agreement files, atomically.
 *
 * An index is a directory that kyotei owns:
 *   DIR/XAPIANDB     a Xapian stub file naming the current generation ("auto gen-N")
 *   DIR/gen-N/       the current Xapian database
 *   DIR/.lock        taken (flock) by the one writer allowed at a time
 * Xapian opens such a directory as the database the stub names, so searchers (and xapian-tcpsrv,
 * and Xapian's own tools) just open DIR.
 *
 * A rebuild writes gen-(N+1) beside the current one and, only when every row was read and written,
 * replaces the stub with a rename(2) — atomic on POSIX file systems. A failed or killed rebuild
 * leaves the stub pointing at gen-N: the old index stays whole and searchable, and the next run
 * clears the leftovers. Readers that opened gen-N keep reading it until they close (its files are
 * unlinked, not overwritten).
 *
 * Rows are checked as they are read (corpus/reader.h) and ids must be unique across all files.
 * Every bad row is reported through `report` ("FILE:LINE: reason"); if there was any, nothing is
 * swapped in and KT_ERR_INPUT comes back. Warnings (unknown country or field) go to `report` too
 * but do not fail the build.
 */
#ifndef KT_INDEXER_BUILD_H
#define KT_INDEXER_BUILD_H

#include <stdbool.h>
#include <stddef.h>

#include "base/error.h"
#include "dict/lexicon.h"

typedef struct kt_build_stats {
    size_t rows_read;     /* rows seen, good and bad */
    size_t indexed;       /* documents written */
    size_t rejected;      /* bad rows */
    size_t warnings;
} kt_build_stats;

typedef enum kt_report_kind { KT_REPORT_ERROR, KT_REPORT_WARNING } kt_report_kind;

typedef struct kt_build_options {
    /* Called for each bad row and each warning, with a message starting "FILE:LINE: ". */
    void (*report)(kt_report_kind kind, const char *message, void *ctx);
    void *report_ctx;
} kt_build_options;

/* Rebuilds the index in db_dir (created if missing) from the given files ("-" = stdin).
 * Errors: KT_ERR_INPUT (bad rows; nothing changed), KT_ERR_INDEX (the directory is not a kyotei
 * index, another writer holds the lock, or Xapian failed), KT_ERR_IO, KT_ERR_NOMEM. */
kt_status kt_index_rebuild(const char *db_dir, const char *const *files, size_t n_files, kt_lexicon *lex,
                           const kt_build_options *opts, kt_build_stats *stats, kt_error *err);

#endif
