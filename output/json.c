#include "kyotei/output.h"

#include <jansson.h>
#include <string.h>

#include "base/error.h"

/* Number of characters (code points) in the first `bytes` bytes of UTF-8 text: JSON readers
 * index strings by character, not by byte. */
static size_t chars_in(const char *s, size_t bytes)
{
    size_t n = 0;
    for (size_t i = 0; i < bytes; i++)
        n += ((unsigned char)s[i] & 0xC0) != 0x80;
    return n;
}

static json_t *facet_json(const kt_facet *f)
{
    json_t *arr = json_array();
    for (size_t i = 0; i < f->count; i++)
        json_array_append_new(arr, json_pack("{s:s, s:i}", "value", f->items[i].value, "count",
                                             (json_int_t)f->items[i].count));
    return arr;
}

/* Marks as [{"start", "length"}] in characters of text. */
static json_t *marks_json(const char *text, const kt_mark *marks, size_t n)
{
    json_t *arr = json_array();
    for (size_t k = 0; k < n; k++) {
        size_t start = chars_in(text, marks[k].start);
        size_t length = chars_in(text + marks[k].start, marks[k].end - marks[k].start);
        json_array_append_new(arr, json_pack("{s:I, s:I}", "start", (json_int_t)start, "length", (json_int_t)length));
    }
    return arr;
}

static json_t *hit_json(const kt_hit *h)
{
    json_t *fields = json_array();
    for (size_t k = 0; k < h->n_fields; k++)
        json_array_append_new(fields, json_string(h->fields[k]));
    json_t *highlights = marks_json(h->snippet, h->marks, h->n_marks);
    json_t *title_highlights = marks_json(h->col[KT_COL_TITLE], h->title_marks, h->n_title_marks);
    return json_pack("{s:s, s:i, s:f, s:s, s:s, s:s, s:o, s:s, s:s, s:o, s:s, s:s, s:s, s:s, s:s, s:o}",
                     "id", h->col[KT_COL_ID], "rank", (json_int_t)h->rank, "score", h->score,
                     "municipality", h->col[KT_COL_MUNICIPALITY], "prefecture", h->col[KT_COL_PREFECTURE],
                     "title", h->col[KT_COL_TITLE], "title_highlights", title_highlights, "partner",
                     h->col[KT_COL_PARTNER], "country", h->country,
                     "fields", fields, "fields_raw", h->col[KT_COL_FIELDS], "description",
                     h->col[KT_COL_DESCRIPTION], "signed", h->col[KT_COL_SIGNED], "url", h->col[KT_COL_URL],
                     "snippet", h->snippet, "highlights", highlights);
}

/* Adds "shards_missing" to doc when shards were left out (only then: an index that answers whole
 * gives the object as it always was). Leaves doc NULL when it cannot. */
static json_t *note_missing(json_t *doc, const kt_result *r)
{
    if (!doc || !r->n_shards_missing)
        return doc;
    json_t *names = json_array();
    for (size_t i = 0; i < r->n_shards_missing; i++)
        json_array_append_new(names, json_string(r->shards_missing[i]));
    if (json_array_size(names) != r->n_shards_missing || json_object_set_new(doc, "shards_missing", names) != 0) {
        json_decref(doc);
        return NULL;
    }
    return doc;
}

/* "ignored": every part of the query that was not searched, with its reason — always in a whole
 * result (`always`), so that a program can rely on the key; in counts and facets when there is one. */
static json_t *note_ignored(json_t *doc, const kt_result *r, bool always)
{
    if (!doc || (!always && !r->ignored.count))
        return doc;
    json_t *list = json_array();
    for (size_t i = 0; i < r->ignored.count; i++) {
        const kt_ignored *g = &r->ignored.items[i];
        json_array_append_new(list, json_pack("{s:s, s:s, s:s}", "word", g->word, "reason",
                                              kt_ignored_reason_name(g->reason), "why",
                                              kt_ignored_reason_text(g->reason)));
    }
    if (json_array_size(list) != r->ignored.count || json_object_set_new(doc, "ignored", list) != 0) {
        json_decref(doc);
        return NULL;
    }
    return doc;
}

/* Writes doc (NULL: it could not be built) indented, or on one line with `compact`, one object a
 * document, and frees it. */
static kt_status dump_as(FILE *out, json_t *doc, bool compact, kt_error *err)
{
    if (!doc)
        return kt_error_set(err, KT_ERR_NOMEM, "cannot build the JSON result");
    int rc = json_dumpf(doc, out, (compact ? JSON_COMPACT : JSON_INDENT(2)) | JSON_PRESERVE_ORDER);
    json_decref(doc);
    if (rc != 0 || fputc('\n', out) == EOF || fflush(out) != 0 || ferror(out))
        return kt_error_set(err, KT_ERR_IO, "cannot write the results");
    return KT_OK;
}

static kt_status dump(FILE *out, json_t *doc, kt_error *err)
{
    return dump_as(out, doc, false, err);
}

static kt_status write_result(FILE *out, const kt_result *r, const char *query, bool compact, kt_error *err)
{
    json_t *hits = json_array();
    for (size_t i = 0; i < r->n_hits; i++)
        json_array_append_new(hits, hit_json(&r->hits[i]));
    json_t *doc = json_pack("{s:s, s:i, s:b, s:i, s:i, s:o, s:{s:o, s:o}}", "query", query ? query : "", "total",
                            (json_int_t)r->total, "partial", r->partial, "offset", (json_int_t)r->offset, "limit", (json_int_t)r->limit,
                            "hits", hits, "facets", "country", facet_json(&r->countries), "field",
                            facet_json(&r->fields));
    if (doc && json_array_size(hits) != r->n_hits) {
        json_decref(doc);
        doc = NULL;
    }
    if (doc && (json_object_set_new(doc, "suggestion", r->suggestion ? json_string(r->suggestion) : json_null()) != 0 ||
                json_object_set_new(doc, "suggestion_used", json_boolean(r->suggestion_used)) != 0)) {
        json_decref(doc);
        doc = NULL;
    }
    return dump_as(out, note_missing(note_ignored(doc, r, true), r), compact, err);
}

kt_status kt_write_json(FILE *out, const kt_result *r, const char *query, kt_error *err)
{
    return write_result(out, r, query, false, err);
}

kt_status kt_write_json_line(FILE *out, const kt_result *r, const char *query, kt_error *err)
{
    return write_result(out, r, query, true, err);
}

kt_status kt_write_facets_json(FILE *out, const kt_result *r, kt_error *err)
{
    json_t *doc = json_pack("{s:i, s:b, s:{s:o, s:o}}", "total", (json_int_t)r->total, "partial", r->partial,
                            "facets", "country", facet_json(&r->countries), "field", facet_json(&r->fields));
    return dump(out, note_missing(note_ignored(doc, r, false), r), err);
}

kt_status kt_write_count_json(FILE *out, const kt_result *r, kt_error *err)
{
    json_t *doc = json_pack("{s:i, s:b}", "total", (json_int_t)r->total, "partial", r->partial);
    return dump_as(out, note_missing(note_ignored(doc, r, false), r), true, err);
}

kt_status kt_write_completions_json(FILE *out, const char *prefix, const kt_completions *c, kt_error *err)
{
    json_t *list = json_array();
    for (size_t i = 0; i < c->count; i++)
        json_array_append_new(list, json_pack("{s:s, s:s, s:i}", "text", c->items[i].text, "kind", c->items[i].kind,
                                              "count", (json_int_t)c->items[i].count));
    json_t *doc = json_array_size(list) == c->count ? json_pack("{s:s, s:o}", "prefix", prefix ? prefix : "",
                                                                "completions", list)
                                                    : (json_decref(list), NULL);
    return dump_as(out, doc, true, err);
}
