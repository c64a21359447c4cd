/* kyotei — the ids a run has seen, and where, to refuse a second agreement with the same id
 * (indexer-internal).
 *
 * The one thing a run keeps for every row it reads, so it is kept small: the id's bytes in large
 * blocks and 24 bytes of open-addressing hash table per id (about 60 bytes an agreement in all,
 * against some 180 for a search tree of separately allocated strings).
 *
 * Ownership: the set owns copies of the ids and of the file names it is given.
 * Errors: KT_ERR_NOMEM.
 */
#ifndef KT_INDEXER_IDSET_H
#define KT_INDEXER_IDSET_H

#include <stdbool.h>
#include <stddef.h>

#include "base/error.h"

typedef struct kt_idset kt_idset;

kt_status kt_idset_new(kt_idset **out, kt_error *err);

/* Notes that `id` was read at file:line. When an earlier row had it, *seen is true and
 * *first_file / *first_line say where (the name stays valid until kt_idset_free); nothing is
 * added then. */
kt_status kt_idset_add(kt_idset *set, const char *id, const char *file, size_t line, bool *seen,
                       const char **first_file, size_t *first_line, kt_error *err);

void kt_idset_free(kt_idset *set); /* NULL allowed */

#endif
