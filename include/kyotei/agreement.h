/* kyotei — the columns of an agreement, as a search hit and an export carry them.
 *
 * One agreement is one row of a list of international agreements that a Japanese prefecture or
 * city signed with a partner abroad (corpus/README.md describes each column).
 */
#ifndef KYOTEI_AGREEMENT_H
#define KYOTEI_AGREEMENT_H

#ifdef __cplusplus
extern "C" {
#endif

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

/* The column's name in a header row ("id", "municipality", … "signed", "url"). */
const char *kt_column_name(kt_column c);

#ifdef __cplusplus
}
#endif

#endif
