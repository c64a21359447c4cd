#include "names.h"

#include <string.h>

bool kt_name_find(const kt_name *table, const char *name, int *value)
{
    for (const kt_name *n = table; n->name; n++) {
        if (strcmp(n->name, name) == 0) {
            *value = n->value;
            return true;
        }
    }
    return false;
}

const char *kt_name_of(const kt_name *table, int value)
{
    for (const kt_name *n = table; n->name; n++)
        if (n->value == value)
            return n->name;
    return NULL;
}

kt_status kt_name_list(kt_buf *b, const kt_name *table)
{
    kt_status st = KT_OK;
    for (const kt_name *n = table; n->name && st == KT_OK; n++) {
        const char *sep = n == table ? "" : n[1].name ? ", " : " or ";
        st = kt_buf_printf(b, "%s%s", sep, n->name);
    }
    return st;
}
