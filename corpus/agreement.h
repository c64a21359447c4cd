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

/* An id is the agreement's key in the index (one term, which Xapian limits to 245 bytes with its
 * prefix): a longer one is a bad row. */
#define KT_ID_MAX_BYTES 200

/* The known columns, in the order of the bundled corpus/agreements.csv. */
typedef enum kt_column {
    KT_COL_ID,
    KT_COL_MUNICIPALITY,
    KT_COL_PREFECTURE,
    KT_COL_TITLE,
    KT_COL_PARTNER,
    KT_COL_COUNTRY,
    KT_COL_FIELDS,
    KT_COL_DESCRIPTION,
    KT_COL_SIGNED,
    KT_COL_URL,
    KT_COL_COUNT
} kt_column;

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

/* The column's name in a header row ("id", "municipality", … "signed", "url"). */
const char *kt_column_name(kt_column c);

/* The column whose header name is `name` (exact, ASCII lower case), or KT_COL_COUNT if none. */
kt_column kt_column_from_name(const char *name);

/* Whether every agreement must have a non-empty value in this column (id, title, description). */
int kt_column_required(kt_column c);

void kt_agreement_clear(kt_agreement *a);

#endif
