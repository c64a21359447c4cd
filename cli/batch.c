#include "batch.h"

#include <jansson.h>
#include <stdbool.h>
#include <string.h>

#include "kyotei/output.h"

typedef enum line_kind { LINE_END, LINE_QUERY, LINE_BLANK, LINE_TOO_LONG, LINE_NUL } line_kind;

/* Room for the longest query kyotei takes, a CR before the LF, and the NUL. */
#define LINE_ROOM (KT_SEARCH_MAX_QUERY_BYTES + 2)

/* Only spaces, tabs and ideographic spaces (U+3000): no query at all. */
static bool blank(const char *s, size_t len)
{
    for (size_t i = 0; i < len;) {
        if (s[i] == ' ' || s[i] == '\t')
            i++;
        else if (len - i >= 3 && !memcmp(s + i, "\xE3\x80\x80", 3))
            i += 3;
        else
            return false;
    }
    return true;
}

/* Reads one line into buf (LINE_ROOM bytes), without its line end. A line too long for it is read
 * to its end and thrown away, so memory stays bounded whatever the input. */
static line_kind read_line(FILE *in, char *buf)
{
    size_t n = 0;
    bool any = false, nul = false, overflow = false;
    int c;
    while ((c = getc(in)) != EOF) {
        any = true;
        if (c == '\n')
            break;
        nul |= c == '\0';
        if (n < LINE_ROOM - 1)
            buf[n++] = (char)c;
        else
            overflow = true;
    }
    if (!any)
        return LINE_END;
    if (!overflow && n && buf[n - 1] == '\r')
        n--;
    buf[n] = '\0';
    if (overflow || n > KT_SEARCH_MAX_QUERY_BYTES)
        return LINE_TOO_LONG;
    if (nul)
        return LINE_NUL;
    return blank(buf, n) ? LINE_BLANK : LINE_QUERY;
}

/* {"line": N, "query": "…", "error": "…"} on one line; query NULL (or not UTF-8) leaves it out. */
static kt_status write_error(FILE *out, size_t line_no, const char *query, const kt_error *line_err, kt_error *err)
{
    /* json_object_set_new takes the value in every case, so nothing leaks when one step fails */
    json_t *obj = json_object();
    bool ok = json_object_set_new(obj, "line", json_integer((json_int_t)line_no)) == 0;
    json_t *q = query ? json_string(query) : NULL;
    if (q)
        ok &= json_object_set_new(obj, "query", q) == 0;
    json_t *msg = json_string(line_err->message);
    if (!msg) /* a message quoting bytes that are not UTF-8 */
        msg = json_string(kt_status_name(line_err->status));
    ok &= json_object_set_new(obj, "error", msg) == 0;
    int rc = ok ? json_dumpf(obj, out, JSON_COMPACT | JSON_PRESERVE_ORDER) : -1;
    json_decref(obj);
    if (!ok)
        return kt_error_set(err, KT_ERR_NOMEM, "cannot build the JSON error object");
    if (rc != 0 || fputc('\n', out) == EOF || fflush(out) != 0 || ferror(out))
        return kt_error_set(err, KT_ERR_IO, "cannot write the results");
    return KT_OK;
}

/* Errors that belong to the line, not to the index: the run goes on after them. */
static bool bad_line(kt_status st)
{
    return st == KT_ERR_INPUT || st == KT_ERR_ENCODING || st == KT_ERR_LIMIT;
}

kt_status kt_batch_run(kt_searcher *s, const kt_search_request *base, FILE *in, FILE *out, kt_batch_stats *stats,
                       kt_error *err)
{
    kt_batch_stats local = {0};
    if (!stats)
        stats = &local;
    *stats = (kt_batch_stats){0};
    char buf[LINE_ROOM];
    line_kind kind;
    size_t line_no = 0;
    while ((kind = read_line(in, buf)) != LINE_END) {
        line_no++;
        if (kind == LINE_BLANK)
            continue;
        stats->queries++;
        kt_error line_err = {0};
        kt_status st;
        kt_result *r = NULL;
        if (kind == LINE_TOO_LONG)
            st = kt_error_set(&line_err, KT_ERR_LIMIT, "query longer than %d bytes", KT_SEARCH_MAX_QUERY_BYTES);
        else if (kind == LINE_NUL)
            st = kt_error_set(&line_err, KT_ERR_ENCODING, "a NUL byte in the query");
        else {
            /* a batch may run for days beside an index that is updated or rebuilt: each query sees
             * the index as it is when the query is read, as a new process would */
            kt_search_request req = *base;
            req.query = buf;
            st = kt_searcher_refresh(s, NULL, &line_err);
            if (st == KT_OK)
                st = kt_search(s, &req, &r, &line_err);
        }
        if (st == KT_OK) {
            stats->found += r->total > 0;
            st = kt_write_json_line(out, r, buf, err);
            kt_result_free(r);
            if (st != KT_OK)
                return st;
            continue;
        }
        stats->failed++;
        kt_status wst = write_error(out, line_no, kind == LINE_QUERY ? buf : NULL, &line_err, err);
        if (!bad_line(st)) {
            if (err)
                *err = line_err;
            return st;
        }
        if (wst != KT_OK)
            return wst;
    }
    if (ferror(in))
        return kt_error_set(err, KT_ERR_IO, "cannot read the queries");
    return KT_OK;
}
