/* kyotei — the index directory: its stub, its generations and shards, its lock (indexer-internal;
 * indexer/build.h describes the format for users).
 *
 * Paths are written into caller buffers of KT_PATH_MAX bytes; a path that does not fit gives
 * KT_ERR_INDEX. Errors come back as kt_status with a message naming the path.
 */
#ifndef KT_INDEXER_LAYOUT_H
#define KT_INDEXER_LAYOUT_H

#include <stdbool.h>
#include <stddef.h>

#include "base/error.h"

#define KT_PATH_MAX 4096
/* The most shards one index may have (a stub of this many lines stays small). */
#define KT_MAX_SHARDS 256

/* What the stub names: generation gen (0: no index yet) made of `shards` databases. Unsharded,
 * the generation directory is itself the database; sharded, it holds one database per shard (a
 * rebuild shards only when asked for two or more). */
typedef struct kt_layout {
    unsigned long gen;
    unsigned shards;
    bool sharded;
} kt_layout;

/* Checks that dir is a kyotei index or may become one (missing when create, empty, or holding
 * only what kyotei writes), takes the writer's lock (*lock_fd, to close when done) and reads the
 * stub. Errors: KT_ERR_INDEX (a foreign directory, another writer, a stub kyotei did not write). */
kt_status kt_layout_open(const char *dir, bool create, int *lock_fd, kt_layout *cur, kt_error *err);

/* The database of shard `shard` of generation l->gen: DIR/gen-N, or DIR/gen-N/shard-K when the
 * generation is sharded. */
kt_status kt_layout_shard_path(char *out, const char *dir, const kt_layout *l, unsigned shard, kt_error *err);

/* Where a rebuild of generation gen writes the parts it then merges: DIR/gen-N.build. */
kt_status kt_layout_build_path(char *out, const char *dir, unsigned long gen, kt_error *err);

/* Segment k of thread t for shard s inside a build directory: BUILD/part-T-K-S. */
kt_status kt_layout_part_path(char *out, const char *build_dir, unsigned t, unsigned k, unsigned s, kt_error *err);

/* Makes generation l the current one: syncs every file of it to disk, then replaces the stub
 * (write a temporary, sync, rename, sync the directory): a crash at any point leaves the old stub
 * or the new one, and the new one only names complete, durable databases. */
kt_status kt_layout_publish(const char *dir, const kt_layout *l, kt_error *err);

/* Removes what killed or failed runs left: generations other than `keep` and the one before it,
 * build directories and stub temporaries. The generation before the current one stays: a searcher
 * that read the stub just before a swap may still be opening it. */
void kt_layout_remove_stale(const char *dir, unsigned long keep);

/* Removes path and everything below it; 0, or -1 when something could not be removed. */
int kt_layout_remove_tree(const char *path);

/* Which of `shards` shards the agreement with this id belongs to: FNV-1a (32 bits) of the id's
 * bytes, modulo shards. Stable across runs, machines and versions: an update finds the shard a
 * rebuild put the agreement in. */
unsigned kt_layout_shard_of(const char *id, unsigned shards);

#endif
