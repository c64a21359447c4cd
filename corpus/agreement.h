/* kyotei — what an agreement is.
 *
 * One agreement is one row of a list of international agreements that a Japanese prefecture or
 * city signed with a partner abroad (corpus/README.md describes each column). Text is UTF-8,
 * exactly as the source wrote it; canonical forms (country, fields) are derived later, by dict/.
 *
 * Ownership: a kt_agreement owns every string in it; kt_agreement_clear frees them and leaves an
 * empty agreement that can be filled again.
 */
#ifndef KT_CORPUS_AGREEMENT_H
#define KT_CORPUS_AGREEMENT_H

#include <stddef.h>

#include "kyotei/agreement.h"  /* the columns */

/* An id is the agreement's key in the index (one term, which Xapian limits to 245 bytes with its
 * prefix): a longer one is a bad row. */
#define KT_ID_MAX_BYTES 200

/* A column that a file has beyond the known ones: kept with the agreement, not interpreted. */
typedef struct kt_extra_column {
    char *name;
    char *value;
} kt_extra_column;

typedef struct kt_agreement {
    char *col[KT_COL_COUNT];  /* never NULL once read: a missing optional column reads as "" */
    kt_extra_column *extra;
    size_t n_extra;
    const char *file;         /* the file it came from (owned by the reader) */
    size_t line;              /* the line its row starts on (1-based) */
} kt_agreement;

/* The column whose header name is `name` (exact, ASCII lower case), or KT_COL_COUNT if none. */
kt_column kt_column_from_name(const char *name);

/* Whether every agreement must have a non-empty value in this column (id, title, description). */
int kt_column_required(kt_column c);

void kt_agreement_clear(kt_agreement *a);

#endif
