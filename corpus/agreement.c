#include "agreement.h"

#include <stdlib.h>
#include <string.h>

static const char *const column_names[KT_COL_COUNT] = {
    [KT_COL_ID] = "id",
    [KT_COL_MUNICIPALITY] = "municipality",
    [KT_COL_PREFECTURE] = "prefecture",
    [KT_COL_TITLE] = "title",
    [KT_COL_PARTNER] = "partner",
    [KT_COL_COUNTRY] = "country",
    [KT_COL_FIELDS] = "fields",
    [KT_COL_DESCRIPTION] = "description",
    [KT_COL_SIGNED] = "signed",
    [KT_COL_URL] = "url",
};

const char *kt_column_name(kt_column c)
{
    return c < KT_COL_COUNT ? column_names[c] : "?";
}

kt_column kt_column_from_name(const char *name)
{
    for (int c = 0; c < KT_COL_COUNT; c++)
        if (strcmp(name, column_names[c]) == 0)
            return (kt_column)c;
    return KT_COL_COUNT;
}

int kt_column_required(kt_column c)
{
    return c == KT_COL_ID || c == KT_COL_TITLE || c == KT_COL_DESCRIPTION;
}

void kt_agreement_clear(kt_agreement *a)
{
    for (int c = 0; c < KT_COL_COUNT; c++) {
        free(a->col[c]);
        a->col[c] = NULL;
    }
    for (size_t i = 0; i < a->n_extra; i++) {
        free(a->extra[i].name);
        free(a->extra[i].value);
    }
    free(a->extra);
    a->extra = NULL;
    a->n_extra = 0;
    a->line = 0;
}
