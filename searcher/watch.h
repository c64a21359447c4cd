/* kyotei — what a long-lived searcher watches to notice that its index was replaced.
 *
 * Xapian's Database::reopen() moves a database to its newest committed revision, which is how an
 * update (one Xapian transaction on gen-N) is seen. A rebuild is not a new revision: kyotei-index
 * writes gen-(N+1) beside the current generation and renames a new DIR/XAPIANDB stub over the old
 * one (indexer/build.h), and an operator may replace the whole directory (build into idx.new,
 * rename it to idx). A database opened through the old stub keeps reading the old generation, so
 * reopen() alone never sees either. A kt_watch remembers the identity (device, inode, size,
 * modification and change times) of the files that name the shards — each local db spec, its
 * XAPIANDB stub, and each local shard's folder and stub — when the searcher opens them; any
 * difference later means the specs must be read and the shards opened again. A rename always makes
 * a new inode or a new change time, so a swap is seen even within one second. Two stat(2) calls a
 * path: cheap enough to run before every request.
 *
 * A shard list nested inside another list is not watched (only the lists a spec names directly,
 * and the shards they name); remote shards are Xapian's business (reopen asks their server).
 *
 * Ownership: a kt_watch owns its copies of the paths; kt_watch_free releases them.
 * Errors: KT_ERR_NOMEM only (what was added before stays watched). A path that cannot be stat'ed is remembered as missing, which is an
 * identity like any other: a spec that disappears, or appears, is a change.
 */
#ifndef KT_SEARCHER_WATCH_H
#define KT_SEARCHER_WATCH_H

#include <stdbool.h>
#include <stddef.h>

#include "base/error.h"
#include "searcher/shards.h"

typedef struct kt_watched kt_watched;

typedef struct kt_watch {
    kt_watched *items;
    size_t count, cap;
} kt_watch;

#define KT_WATCH_INIT {NULL, 0, 0}

/* Watches the local specs among specs[0, n) (tcp:// ones are skipped) as they are now. Call it
 * before the specs are read: a swap between the two is then seen at the next check (one reopening
 * too many) instead of being missed. */
kt_status kt_watch_specs(kt_watch *w, const char *const *specs, size_t n, kt_error *err);

/* Watches the local shards of list as they are now, before they are opened. */
kt_status kt_watch_shards(kt_watch *w, const kt_shard_list *list, kt_error *err);

/* Whether any watched path differs from when kt_watch_reset looked at it. */
bool kt_watch_changed(const kt_watch *w);

void kt_watch_free(kt_watch *w); /* NULL allowed; leaves w empty, watching nothing */

#endif
