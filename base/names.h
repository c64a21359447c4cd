/* kyotei — tables of names: the words an option or a parameter takes, and what each means.
 *
 * Formats, sort orders and dimensions are each one table of {name, value} that both the parser
 * and the message listing the choices read, so a name cannot be accepted without being listed or
 * listed without being accepted. A table ends with {NULL, 0}.
 */
#ifndef KT_BASE_NAMES_H
#define KT_BASE_NAMES_H

#include <stdbool.h>

#include "base/buf.h"

typedef struct kt_name {
    const char *name;
    int value;
} kt_name;

/* Whether name is in the table (exactly); *value is set only when it is. */
bool kt_name_find(const kt_name *table, const char *name, int *value);

/* The name of value in the table, or NULL. */
const char *kt_name_of(const kt_name *table, int value);

/* Appends the names as a person reads a choice: "csv, tsv or jsonl". */
kt_status kt_name_list(kt_buf *b, const kt_name *table);

#endif
