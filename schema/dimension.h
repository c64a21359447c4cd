/* kyotei — the table of facet dimensions: for each way an agreement is counted and filtered, its
 * name, its filter-term prefix, its value slot, its vocabulary, how many values an agreement
 * has, and where the value comes from.
 *
 * The query parser (country: …), the query builder (filters), the indexer (filter terms and
 * values), pivots and the writers all read this one table, so a dimension is added in one place.
 * The table is static data: nothing to free, no errors.
 */
#ifndef KT_SCHEMA_DIMENSION_H
#define KT_SCHEMA_DIMENSION_H

#include <stdbool.h>
#include <stddef.h>

#include "kyotei/search.h"

/* The vocabulary that gives a dimension's canonical values (dict/lexicon.h holds them). */
typedef enum kt_vocabulary { KT_VOCABULARY_NONE, KT_VOCABULARY_COUNTRIES, KT_VOCABULARY_FIELDS } kt_vocabulary;

/* Where an agreement's value of a dimension comes from. */
typedef enum kt_dimension_source {
    KT_SOURCE_CANONICAL_COUNTRY, /* the canonical country the lexicon gives for the row */
    KT_SOURCE_CANONICAL_FIELDS,  /* the canonical fields of the 分野 cell, several */
    KT_SOURCE_COLUMN,            /* a column as written */
    KT_SOURCE_YEAR               /* the first four characters of the signing date */
} kt_dimension_source;

typedef struct kt_dimension_info {
    const char *name;               /* "country": query prefix, pivot axis and facet name */
    const char *prefix;             /* the boolean filter term's prefix (schema/schema.h) */
    kt_vocabulary vocabulary;       /* canonical values, or KT_VOCABULARY_NONE: taken as written */
    kt_dimension_source source;
    kt_column column;               /* KT_SOURCE_COLUMN: which */
    bool multi;                     /* an agreement may have several values (it is counted once under each) */
    bool query_prefix;              /* written `name:value` in a query (years have `signed:` instead) */
    const char *const *suffixes;    /* a place name that matches nothing is tried with these (仙台 → 仙台市) */
} kt_dimension_info;

/* The dimension's row of the table; d must be below KT_DIM_COUNT. */
const kt_dimension_info *kt_dimension_info_of(kt_dimension d);

/* The i-th value (from 0) an agreement has in dimension d — from its columns as stored, its
 * canonical country and its canonical fields — or NULL past the last (several only for a multi
 * dimension). The value points into those arguments, or into year (the first four characters of
 * the signing date; "" when it has fewer). The indexer makes filter terms of these values and
 * pivots count them, the same way. */
const char *kt_dimension_value(kt_dimension d, char *const col[KT_COL_COUNT], const char *country,
                               const char *const *fields, size_t n_fields, size_t i, char year[5]);

/* The dimension called name, exactly; false when none is. */
bool kt_dimension_find(const char *name, kt_dimension *out);

#endif
