#include "dimension.h"

#include <string.h>

#include "schema/schema.h"

static const char *const municipality_suffixes[] = {"市", "町", "村", "区", "県", "都", "府", NULL};
static const char *const prefecture_suffixes[] = {"県", "都", "府", NULL};

static const kt_dimension_info dimensions[KT_DIM_COUNT] = {
    [KT_DIM_COUNTRY] = {.name = "country", .prefix = KT_PREFIX_COUNTRY, .vocabulary = KT_VOCABULARY_COUNTRIES,
                        .source = KT_SOURCE_CANONICAL_COUNTRY, .query_prefix = true},
    [KT_DIM_FIELD] = {.name = "field", .prefix = KT_PREFIX_FIELD, .vocabulary = KT_VOCABULARY_FIELDS,
                      .source = KT_SOURCE_CANONICAL_FIELDS, .multi = true, .query_prefix = true},
    [KT_DIM_PREFECTURE] = {.name = "prefecture", .prefix = KT_PREFIX_PREFECTURE, .source = KT_SOURCE_COLUMN,
                           .column = KT_COL_PREFECTURE, .query_prefix = true, .suffixes = prefecture_suffixes},
    [KT_DIM_MUNICIPALITY] = {.name = "municipality", .prefix = KT_PREFIX_MUNICIPALITY, .source = KT_SOURCE_COLUMN,
                             .column = KT_COL_MUNICIPALITY, .query_prefix = true,
                             .suffixes = municipality_suffixes},
    [KT_DIM_YEAR] = {.name = "year", .prefix = KT_PREFIX_YEAR, .source = KT_SOURCE_YEAR},
};

const kt_dimension_info *kt_dimension_info_of(kt_dimension d)
{
    return &dimensions[d];
}

const char *kt_dimension_value(kt_dimension d, char *const col[KT_COL_COUNT], const char *country,
                               const char *const *fields, size_t n_fields, size_t i, char year[5])
{
    const kt_dimension_info *info = &dimensions[d];
    if (info->source == KT_SOURCE_CANONICAL_FIELDS)
        return i < n_fields ? fields[i] : NULL;
    if (i > 0)
        return NULL;
    switch (info->source) {
    case KT_SOURCE_CANONICAL_COUNTRY: return country;
    case KT_SOURCE_COLUMN: return col[info->column];
    case KT_SOURCE_YEAR: {
        size_t len = strlen(col[KT_COL_SIGNED]) >= 4 ? 4 : 0;
        memcpy(year, col[KT_COL_SIGNED], len);
        year[len] = '\0';
        return year;
    }
    case KT_SOURCE_CANONICAL_FIELDS: break;
    }
    return NULL;
}

bool kt_dimension_find(const char *name, kt_dimension *out)
{
    for (int d = 0; d < KT_DIM_COUNT; d++) {
        if (strcmp(dimensions[d].name, name) == 0) {
            *out = (kt_dimension)d;
            return true;
        }
    }
    return false;
}
