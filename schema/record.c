#include "record.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "schema/schema.h"

kt_status kt_record_encode(const kt_agreement *a, const char *country, const char *const *fields, size_t n_fields,
                           kt_buf *out, kt_error *err)
{
    json_t *obj = json_object();
    if (!obj)
        return kt_error_nomem(err);
    int bad = 0;
    for (int c = 0; c < KT_COL_COUNT; c++)
        bad |= json_object_set_new(obj, kt_column_name(c), json_string(a->col[c]));
    json_t *arr = json_array();
    for (size_t i = 0; i < n_fields; i++)
        bad |= json_array_append_new(arr, json_string(fields[i]));
    bad |= json_object_set_new(obj, KT_DATA_FIELDS_CANONICAL, arr);
    bad |= json_object_set_new(obj, KT_DATA_COUNTRY_CANONICAL, json_string(country));
    if (a->n_extra) {
        json_t *extra = json_object();
        for (size_t i = 0; i < a->n_extra; i++)
            bad |= json_object_set_new(extra, a->extra[i].name, json_string(a->extra[i].value));
        bad |= json_object_set_new(obj, KT_DATA_EXTRA, extra);
    }
    char *text = bad ? NULL : json_dumps(obj, JSON_COMPACT);
    json_decref(obj);
    kt_status st = text ? kt_buf_append_str(out, text) : KT_ERR_NOMEM;
    free(text);
    return st == KT_OK ? KT_OK : kt_error_nomem(err);
}

static char *json_text(json_t *obj, const char *key)
{
    const char *s = json_string_value(json_object_get(obj, key));
    return strdup(s ? s : "");
}

kt_status kt_record_decode(const char *data, size_t len, kt_hit *h, kt_error *err)
{
    json_error_t jerr;
    json_t *obj = json_loadb(data, len, 0, &jerr);
    if (!json_is_object(obj)) {
        json_decref(obj);
        return kt_error_set(err, KT_ERR_INDEX, "damaged stored record: %s", jerr.text);
    }
    bool ok = true;
    for (int c = 0; c < KT_COL_COUNT; c++)
        ok &= (h->col[c] = json_text(obj, kt_column_name(c))) != NULL;
    ok &= (h->country = json_text(obj, KT_DATA_COUNTRY_CANONICAL)) != NULL;
    json_t *fields = json_object_get(obj, KT_DATA_FIELDS_CANONICAL);
    size_t n = json_is_array(fields) ? json_array_size(fields) : 0;
    h->fields = n ? calloc(n, sizeof *h->fields) : NULL;
    ok &= n == 0 || h->fields != NULL;
    for (size_t i = 0; i < n && ok; i++) {
        const char *s = json_string_value(json_array_get(fields, i));
        ok &= (h->fields[h->n_fields++] = strdup(s ? s : "")) != NULL;
    }
    json_decref(obj);
    return ok ? KT_OK : kt_error_nomem(err);
}

kt_status kt_facet_value_encode(const char *country, const char *const *fields, size_t n_fields, kt_buf *out)
{
    kt_status st = kt_buf_append_str(out, country);
    for (size_t i = 0; i < n_fields && st == KT_OK; i++) {
        st = kt_buf_append_char(out, i ? KT_FACET_SEP : KT_FACET_GROUP_SEP);
        if (st == KT_OK)
            st = kt_buf_append_str(out, fields[i]);
    }
    return st;
}

void kt_facet_value_split(const char *value, size_t len, const char **country, size_t *country_len,
                          const char **fields, size_t *fields_len)
{
    const char *group = memchr(value, KT_FACET_GROUP_SEP, len);
    *country = value;
    *country_len = group ? (size_t)(group - value) : len;
    *fields = group ? group + 1 : "";
    *fields_len = group ? len - *country_len - 1 : 0;
}

bool kt_facet_value_next(const char *fields, size_t fields_len, size_t *pos, const char **start, size_t *len)
{
    while (*pos < fields_len) {
        const char *sep = memchr(fields + *pos, KT_FACET_SEP, fields_len - *pos);
        size_t end = sep ? (size_t)(sep - fields) : fields_len;
        size_t from = *pos;
        *pos = end + 1;
        if (end > from) { /* empty parts are skipped */
            *start = fields + from;
            *len = end - from;
            return true;
        }
    }
    return false;
}
