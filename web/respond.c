#include "respond.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <uriparser/Uri.h>
#include <utf8proc.h>

#include "base/datadir.h"
#include "base/number.h"
#include "kyotei/output.h"
#include "web/html.h"

#define TEMPLATE_MAX_BYTES (1u << 20)
#define DRAIN_MAX_BYTES (1ul << 20)

/* Response headers every answer carries. The page needs nothing but its own inline style: no
 * script, no image, no font, no frame from anywhere; 'self' lets a site's own template link its
 * style sheet. Which pages may frame it is the site's choice (KYOTEI_FRAME_ANCESTORS). */
static const char security_policy[] =
    "Content-Security-Policy: default-src 'none'; style-src 'self' 'unsafe-inline'; img-src 'self'; "
    "form-action 'self'; base-uri 'none'; frame-ancestors ";
static const char security_headers[] =
    "X-Content-Type-Options: nosniff\r\n"
    "Referrer-Policy: same-origin\r\n";

#define FRAME_ANCESTORS_MAX_BYTES 512

/* The frame-ancestors sources of the answer being written: set by kt_cgi_answer from a value
 * frame_ancestors_ok accepted. A process answers one request at a time (the CGI, each FastCGI
 * worker), so one slot is enough and spares every error path an argument. */
static const char *frame_ancestors = "'self'";

/* A value for KYOTEI_FRAME_ANCESTORS: sources separated by single spaces, each 'self' or 'none'
 * (quoted) or a host source of letters, digits and . - : / * (https://example.org,
 * a wildcard host such as *.example.org:8443). Nothing else, so that the value cannot end the header, start
 * another (CR, LF) or add a directive (;, ,) to the policy. */
static bool frame_ancestors_ok(const char *value)
{
    size_t len = strlen(value);
    if (len == 0 || len > FRAME_ANCESTORS_MAX_BYTES || value[0] == ' ' || value[len - 1] == ' ')
        return false;
    for (const char *p = value; *p;) {
        const char *end = strchr(p, ' ');
        size_t n = end ? (size_t)(end - p) : strlen(p);
        if (n == 0)
            return false; /* two spaces */
        bool keyword = (n == 6 && strncmp(p, "'self'", 6) == 0) || (n == 6 && strncmp(p, "'none'", 6) == 0);
        for (size_t i = 0; !keyword && i < n; i++) {
            char c = p[i];
            if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
                  c == '-' || c == ':' || c == '/' || c == '*'))
                return false;
        }
        p += n + (end ? 1 : 0);
    }
    return true;
}

typedef struct body {
    const char *type;         /* Content-Type */
    const char *disposition;  /* Content-Disposition, or NULL */
    const char *data;
    size_t size;
    size_t shards_missing, shards;  /* a partial answer: how many shards did not answer, of how many */
    bool noindex;             /* X-Robots-Tag: noindex (every answer but the empty search page) */
} body;

static const char *reason(int status)
{
    switch (status) {
    case 200: return "OK";
    case 400: return "Bad Request";
    case 405: return "Method Not Allowed";
    case 413: return "Content Too Large";
    case 503: return "Service Unavailable";
    default: return "Internal Server Error";
    }
}

/* The status line and headers; the length only when it is known (not for a streamed download,
 * which the server ends by closing or chunking). */
static void send_headers(FILE *out, int status, const body *b, bool length)
{
    fprintf(out, "Status: %d %s\r\nContent-Type: %s\r\n", status, reason(status), b->type);
    if (length)
        fprintf(out, "Content-Length: %zu\r\n", b->size);
    fprintf(out, "%s%s\r\n%s", security_policy, frame_ancestors, security_headers);
    if (b->disposition)
        fprintf(out, "Content-Disposition: %s\r\n", b->disposition);
    if (status == 405)
        fputs("Allow: GET, HEAD\r\n", out);
    /* a partial answer is not one to keep: the next request may reach every shard */
    if (status != 200 || b->shards_missing)
        fputs("Cache-Control: no-store\r\n", out);
    /* a result page, a download or an error is not a page for a search engine's index: only the
     * empty search page is; a crawler walking every facet link would also cost the most */
    if (status != 200 || b->noindex)
        fputs("X-Robots-Tag: noindex\r\n", out);
    if (b->shards_missing)
        fprintf(out, "Kyotei-Shards-Missing: %zu of %zu\r\n", b->shards_missing, b->shards);
    fputs("\r\n", out);
}

static int send_response(FILE *out, bool head, int status, const body *b)
{
    send_headers(out, status, b, true);
    if (!head)
        fwrite(b->data, 1, b->size, out);
    return fflush(out) == 0 && !ferror(out) ? status : -1;
}

/* A short plain-text answer. `detail` is one of kyotei's own fixed messages, never request bytes
 * nor anything from a library. */
static int send_error(FILE *out, bool head, int status, const char *detail)
{
    const char *ja = status == 400   ? "検索条件を読み取れませんでした。"
                     : status == 405 ? "この方法のリクエストには応じられません。"
                     : status == 413 ? "該当件数が多すぎてダウンロードできません。条件を絞ってください。"
                     : status == 503 ? "ただいま検索できません。しばらくしてからもう一度お試しください。"
                                     : "検索中に問題が起きました。";
    char text[KT_ERROR_MESSAGE_MAX + 256];
    int n = snprintf(text, sizeof text, "%s\n%d %s: %s\n", ja, status, reason(status), detail);
    body b = {.type = "text/plain; charset=utf-8", .data = text,
              .size = n < 0 ? 0 : (size_t)n < sizeof text ? (size_t)n : sizeof text - 1};
    return send_response(out, head, status, &b);
}

/* Where the operator's lines go, and how they name the front ("kyotei-search (cgi): …"). */
typedef struct logger {
    FILE *f;      /* NULL: nowhere */
    const char *front;
} logger;

static logger logger_for(const kt_cgi_env *env, FILE *f)
{
    return (logger){f, env->front && *env->front ? env->front : "cgi"};
}

/* One line for the operator; library messages may hold line breaks. */
static void log_line(const logger *log, const char *what, const char *message)
{
    if (!log->f)
        return;
    fprintf(log->f, "kyotei-search (%s): %s: ", log->front, what);
    for (const char *p = message; *p; p++)
        fputc(*p == '\n' || *p == '\r' ? ' ' : *p, log->f);
    fputc('\n', log->f);
    fflush(log->f);
}

/* The site's page template (KYOTEI_TEMPLATE), read and checked; malloc'd, or NULL with err set. */
static char *read_template(const char *path, kt_error *err)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        kt_error_set(err, KT_ERR_IO, "%s: %s", path, strerror(errno));
        return NULL;
    }
    char *text = malloc(TEMPLATE_MAX_BYTES + 1);
    size_t n = text ? fread(text, 1, TEMPLATE_MAX_BYTES + 1, f) : 0;
    bool failed = ferror(f);
    fclose(f);
    if (!text || failed || n > TEMPLATE_MAX_BYTES || memchr(text, '\0', n)) {
        kt_error_set(err, KT_ERR_IO, "%s: %s", path,
                     !text ? "out of memory" : failed ? "read error" : n > TEMPLATE_MAX_BYTES ? "larger than 1 MiB"
                                                                                        : "contains a NUL byte");
        free(text);
        return NULL;
    }
    text[n] = '\0';
    if (kt_html_template_check(text, err) != KT_OK) {
        kt_error_prefix(err, "%s", path);
        free(text);
        return NULL;
    }
    return text;
}

static kt_status render(FILE *mem, const kt_cgi_request *creq, const kt_search_request *sreq, const char *tmpl,
                        const kt_result *r, kt_error *err)
{
    switch (creq->format) {
    case KT_CGI_FRAGMENT: return kt_write_html_fragment(mem, sreq, r, err);
    case KT_CGI_JSON: return kt_write_json(mem, r, creq->query, err);
    case KT_CGI_CSV: return kt_write_csv(mem, r, err);
    default: return kt_write_html_page(mem, tmpl, sreq, r, err);
    }
}

static body body_for(kt_cgi_format format)
{
    switch (format) {
    case KT_CGI_JSON:
    case KT_CGI_SUGGEST: return (body){.type = "application/json"};
    case KT_CGI_CSV:
        return (body){.type = "text/csv; charset=utf-8",
                      .disposition = "attachment; filename=\"kyotei-agreements.csv\""};
    default: return (body){.type = "text/html; charset=utf-8"};
    }
}

/* A filter given by an alias (country=中華人民共和国, field=tourism) is applied under its canonical
 * name; the page uses that name too, so that the facet value it is counted under shows as selected
 * and the page's links name it one way. Returns a copy of values with the names replaced, owned by
 * the caller (free), or NULL when out of memory (the values are then used as given). */
static const char **canonical_values(const kt_searcher *s, bool country, const char *const *values, size_t n)
{
    const char **out = calloc(n ? n : 1, sizeof *out);
    for (size_t i = 0; out && i < n; i++) {
        const char *canonical = kt_searcher_canonical(s, country, values[i]);
        out[i] = canonical ? canonical : values[i];
    }
    return out;
}

/* Every filter of *sreq put under its canonical name, in arrays the caller frees (*countries,
 * *fields); the names stay in *sreq for the page. */
static void canonical_filters(const kt_searcher *s, kt_search_request *sreq, const char ***countries,
                              const char ***fields)
{
    *countries = canonical_values(s, true, sreq->countries, sreq->n_countries);
    *fields = canonical_values(s, false, sreq->fields, sreq->n_fields);
    if (*countries)
        sreq->countries = *countries;
    if (*fields)
        sreq->fields = *fields;
}

/* The searcher's options from the server's environment (kt_cgi_env). A value that is not one of
 * the accepted ones is the operator's mistake: logged with the variable's name and false returned,
 * so that no request is answered under settings other than the ones meant. */
static bool searcher_options(const kt_cgi_env *env, kt_searcher_options *o, const logger *log)
{
    kt_searcher_options_init(o);
    const char *partial = env->allow_partial;
    if (partial && *partial) {
        static const struct {
            const char *word;
            bool on;
        } words[] = {{"1", true},  {"yes", true}, {"true", true},   {"on", true},
                     {"0", false}, {"no", false}, {"false", false}, {"off", false}};
        size_t i = 0;
        while (i < sizeof words / sizeof words[0] && strcmp(partial, words[i].word) != 0)
            i++;
        if (i == sizeof words / sizeof words[0]) {
            log_line(log, "KYOTEI_ALLOW_PARTIAL", "must be 1, yes, true or on, or 0, no, false or off");
            return false;
        }
        o->allow_partial = words[i].on;
    }
    const struct {
        const char *name, *value;
        unsigned *ms;
    } timeouts[] = {{"KYOTEI_CONNECT_TIMEOUT", env->connect_timeout, &o->connect_timeout_ms},
                    {"KYOTEI_REMOTE_TIMEOUT", env->remote_timeout, &o->timeout_ms}};
    for (size_t i = 0; i < sizeof timeouts / sizeof timeouts[0]; i++) {
        if (!timeouts[i].value || !*timeouts[i].value)
            continue;
        unsigned long ms;
        if (!kt_parse_uint(timeouts[i].value, 1, KT_CGI_TIME_LIMIT * 1000ul, &ms)) {
            char message[96];
            snprintf(message, sizeof message, "must be milliseconds, from 1 to %u", KT_CGI_TIME_LIMIT * 1000u);
            log_line(log, timeouts[i].name, message);
            return false;
        }
        *timeouts[i].ms = (unsigned)ms;
    }
    return true;
}

/* The most rows a CSV download may have (KYOTEI_MAX_EXPORT), or false once a value not accepted
 * is logged with the variable's name. */
static bool export_limit(const kt_cgi_env *env, unsigned long *max, const logger *log)
{
    *max = KT_CGI_MAX_EXPORT;
    if (!env->max_export || !*env->max_export)
        return true;
    if (kt_parse_uint(env->max_export, 1, KT_CGI_MAX_EXPORT_LIMIT, max))
        return true;
    char message[96];
    snprintf(message, sizeof message, "must be a number of rows, from 1 to %lu", KT_CGI_MAX_EXPORT_LIMIT);
    log_line(log, "KYOTEI_MAX_EXPORT", message);
    return false;
}

/* Shards left out of a partial answer: the operator's log names them; the answer, which anyone
 * may read, says only where each stands in the list ("shard 2 of 3"), as the addresses and paths
 * of an office's servers are none of the public's business. */
static kt_status withhold_shard_names(const kt_searcher *s, kt_result *r, const logger *log, kt_error *err)
{
    for (size_t i = 0; i < r->n_shards_missing; i++) {
        log_line(log, "partial answer: a shard did not answer", r->shards_missing[i]);
        char label[64];
        snprintf(label, sizeof label, "shard %zu of %zu", kt_searcher_shard_number(s, r->shards_missing[i]),
                 kt_searcher_shard_count(s));
        char *copy = strdup(label);
        if (!copy)
            return kt_error_nomem(err);
        free(r->shards_missing[i]);
        r->shards_missing[i] = copy;
    }
    return KT_OK;
}

/* The searcher a request's environment names, or NULL once the reason is logged (the request then
 * gets 503: nothing of the server's set-up reaches the client). */
static kt_searcher *open_searcher(const kt_cgi_env *env, const logger *log)
{
    kt_error err;
    char *data_dir = env->data_dir ? strdup(env->data_dir) : kt_data_dir(&err);
    kt_searcher_options sopts;
    kt_searcher *s = NULL;
    if (!data_dir) {
        log_line(log, "data directory", env->data_dir ? "out of memory" : err.message);
    } else if (searcher_options(env, &sopts, log) &&
               kt_searcher_open_with(&env->db, 1, data_dir, &sopts, &s, &err) != KT_OK) {
        log_line(log, "cannot open the index", err.message);
        s = NULL;
    }
    free(data_dir);
    return s;
}

/* The answer to a search that failed: 400 for a query kyotei refuses, 503 when the index or the
 * dictionaries fail, 500 for anything else. */
static int send_search_error(FILE *out, bool head, const kt_error *err, const logger *log)
{
    bool bad = err->status == KT_ERR_INPUT || err->status == KT_ERR_LIMIT || err->status == KT_ERR_ENCODING;
    log_line(log, bad ? "query refused" : "search failed", err->message);
    if (bad)
        return send_error(out, head, 400, "the query has too many words or operators");
    if (err->status == KT_ERR_INDEX || err->status == KT_ERR_DICT)
        return send_error(out, head, 503, "the search is not available");
    return send_error(out, head, 500, "the search failed");
}

/* The 200 answer: r rendered whole in the request's format before anything is sent, or 500 when
 * it cannot be. */
static int send_results(FILE *out, bool head, const kt_cgi_request *creq, const kt_search_request *sreq,
                        const char *tmpl, const kt_searcher *s, kt_result *r, const logger *log)
{
    kt_error err;
    body b = body_for(creq->format);
    char *data = NULL;
    size_t size = 0;
    b.shards_missing = r->n_shards_missing;
    b.shards = kt_searcher_shard_count(s);
    b.noindex = creq->format != KT_CGI_HTML || *creq->query || creq->n_countries || creq->n_fields || creq->since ||
                creq->until || creq->page > 1 || creq->sort != KT_SORT_RELEVANCE;
    kt_status st = withhold_shard_names(s, r, log, &err);
    FILE *mem = st == KT_OK ? open_memstream(&data, &size) : NULL;
    if (st == KT_OK)
        st = mem ? render(mem, creq, sreq, tmpl, r, &err) : kt_error_nomem(&err);
    if (mem && fclose(mem) != 0 && st == KT_OK)
        st = kt_error_nomem(&err);
    int status;
    if (st != KT_OK) {
        log_line(log, "cannot render the results", err.message);
        status = send_error(out, head, 500, "the results could not be shown");
    } else {
        b.data = data;
        b.size = size;
        status = send_response(out, head, 200, &b);
    }
    free(data);
    return status;
}

/* The searcher a request is answered with: the kept one brought to the newest index, or one opened
 * now (kept NULL: the CGI, or nothing kept yet). A kept searcher that cannot follow its index is
 * dropped and the index opened again, so that an index that is gone gets the 503 a new process
 * would give rather than answers from the files it had open. */
static kt_searcher *request_searcher(const kt_cgi_env *env, kt_searcher **kept, const logger *log)
{
    if (kept && *kept) {
        kt_error err;
        if (kt_searcher_refresh(*kept, NULL, &err) == KT_OK)
            return *kept;
        log_line(log, "cannot follow the index", err.message);
        kt_searcher_close(*kept);
        *kept = NULL;
    }
    kt_searcher *s = open_searcher(env, log);
    if (kept)
        *kept = s;
    return s;
}

/* The CSV download, streamed as `kyotei-search --all --format csv` writes it (kt_search_each: no
 * snippets, one row in memory at a time), so that an export of the whole index costs no more
 * memory than one of ten rows. The headers wait for the first row (or the end of an empty walk):
 * a search that fails before it still gets its 400 or 503, and the shards left out are known. */
typedef struct csv_stream {
    FILE *out;
    bool head;        /* HEAD: the headers only, and the walk stopped at its first row */
    bool started;     /* the headers are sent: from now on a failure can only cut the body short */
    bool stopped;     /* the walk was stopped on purpose (HEAD, or the ceiling reached) */
    unsigned long rows, max_rows;
    const kt_searcher *s;
    const logger *log;
} csv_stream;

static kt_status csv_start(csv_stream *c, kt_error *err)
{
    c->started = true;
    const char *const *names;
    size_t missing = kt_searcher_missing(c->s, &names);
    for (size_t i = 0; i < missing; i++)
        log_line(c->log, "partial answer: a shard did not answer", names[i]);
    body b = body_for(KT_CGI_CSV);
    b.shards_missing = missing;
    b.shards = kt_searcher_shard_count(c->s);
    b.noindex = true;
    send_headers(c->out, 200, &b, false);
    return c->head ? KT_OK : kt_rows_header(c->out, KT_ROWS_CSV, err);
}

static kt_status csv_row(const kt_hit *h, void *ctx, kt_error *err)
{
    csv_stream *c = ctx;
    kt_status st = c->started ? KT_OK : csv_start(c, err);
    if (st == KT_OK && c->head) {
        c->stopped = true; /* a HEAD needs no rows: stop the walk */
        return kt_error_set(err, KT_ERR_LIMIT, "HEAD: no rows");
    }
    if (st == KT_OK && ++c->rows > c->max_rows) {
        /* the index grew past the ceiling since it was counted: the download ends there */
        c->stopped = true;
        log_line(c->log, "KYOTEI_MAX_EXPORT", "the matches grew past the ceiling: the download was cut there");
        return kt_error_set(err, KT_ERR_LIMIT, "the ceiling reached");
    }
    return st == KT_OK ? kt_rows_write(c->out, KT_ROWS_CSV, h, err) : st;
}

static int send_csv(FILE *out, bool head, kt_searcher *s, kt_search_request *sreq, unsigned long max_rows,
                    const logger *log)
{
    csv_stream c = {.out = out, .head = head, .s = s, .log = log, .max_rows = max_rows};
    kt_error err;
    /* counted first (exactly: kt_search counts the whole match set), so that a download over the
     * ceiling is refused with a status rather than cut short after a 200 */
    kt_search_request count = *sreq;
    count.limit = 0;
    count.offset = 0;
    count.all = false;
    kt_result *r = NULL;
    if (kt_search(s, &count, &r, &err) != KT_OK)
        return send_search_error(out, head, &err, log);
    bool over = r->total > max_rows;
    kt_result_free(r);
    if (over) {
        char detail[128];
        snprintf(detail, sizeof detail, "a download has at most %lu rows (KYOTEI_MAX_EXPORT): narrow the search",
                 max_rows);
        return send_error(out, head, 413, detail);
    }
    kt_status st = kt_search_each(s, sreq, csv_row, &c, &err);
    if (c.stopped)
        st = KT_OK;
    if (st == KT_OK && !c.started)
        st = csv_start(&c, &err);
    if (st != KT_OK && !c.started)
        return send_search_error(out, head, &err, log);
    if (st != KT_OK) {
        log_line(log, "the CSV download was cut short", err.message);
        return -1;
    }
    return fflush(out) == 0 && !ferror(out) ? 200 : -1;
}

/* format=suggest: the completions of q as a prefix (kt_complete), for a search box as one types. */
static int send_completions(FILE *out, bool head, kt_searcher *s, const kt_cgi_request *creq, const logger *log)
{
    kt_completions c;
    kt_error err;
    if (kt_complete(s, creq->query, 0, &c, &err) != KT_OK)
        return send_search_error(out, head, &err, log);
    char *data = NULL;
    size_t size = 0;
    FILE *mem = open_memstream(&data, &size);
    kt_status st = mem ? kt_write_completions_json(mem, creq->query, &c, &err) : kt_error_nomem(&err);
    if (mem && fclose(mem) != 0 && st == KT_OK)
        st = kt_error_nomem(&err);
    kt_completions_free(&c);
    int status;
    if (st != KT_OK) {
        log_line(log, "cannot write the completions", err.message);
        status = send_error(out, head, 500, "the completions could not be written");
    } else {
        body b = body_for(KT_CGI_SUGGEST);
        b.noindex = true;
        b.data = data;
        b.size = size;
        status = send_response(out, head, 200, &b);
    }
    free(data);
    return status;
}

static int search(const kt_cgi_env *env, const kt_cgi_request *creq, bool head, kt_searcher **kept, FILE *out,
                  const logger *log)
{
    if (!env->db || !*env->db) {
        log_line(log, "KYOTEI_DB", "not set: the web server must name the index in the environment");
        return send_error(out, head, 503, "the search is not available");
    }
    kt_error err;
    char *tmpl = NULL;
    if (creq->format == KT_CGI_HTML && env->template_path && *env->template_path) {
        tmpl = read_template(env->template_path, &err);
        if (!tmpl) {
            log_line(log, "KYOTEI_TEMPLATE", err.message);
            return send_error(out, head, 503, "the search is not available");
        }
    }
    kt_search_request sreq;
    kt_cgi_search_request(creq, &sreq);
    const char **countries = NULL, **fields = NULL;
    kt_result *r = NULL;
    kt_searcher *s = request_searcher(env, kept, log);
    unsigned long max_rows;
    if (s)
        canonical_filters(s, &sreq, &countries, &fields);
    int status = !s                             ? send_error(out, head, 503, "the search is not available")
                 : creq->format == KT_CGI_SUGGEST ? send_completions(out, head, s, creq, log)
                 : creq->format == KT_CGI_CSV   ? (export_limit(env, &max_rows, log)
                                                       ? send_csv(out, head, s, &sreq, max_rows, log)
                                                       : send_error(out, head, 503, "the search is not available"))
                 : kt_search(s, &sreq, &r, &err) != KT_OK ? send_search_error(out, head, &err, log)
                                                          : send_results(out, head, creq, &sreq, tmpl, s, r, log);
    kt_result_free(r);
    free(countries);
    free(fields);
    if (!kept)
        kt_searcher_close(s);
    free(tmpl);
    return status;
}

int kt_cgi_respond(const kt_cgi_env *env, FILE *out, FILE *log)
{
    return kt_cgi_answer(env, NULL, out, log);
}

/* The site's KYOTEI_FRAME_ANCESTORS, or false once a value not accepted is logged (never the
 * value itself: it may hold bytes a log line should not). */
static bool frame_setting(const kt_cgi_env *env, const logger *log)
{
    const char *value = env->frame_ancestors;
    if (!value || !*value)
        return true;
    if (frame_ancestors_ok(value))
        return true;
    log_line(log, "KYOTEI_FRAME_ANCESTORS",
             "must be sources separated by spaces: 'self', 'none' or hosts such as https://example.org");
    return false;
}

int kt_cgi_answer(const kt_cgi_env *env, kt_searcher **kept, FILE *out, FILE *log)
{
    logger fl = logger_for(env, log);
    frame_ancestors = "'self'";
    if (!frame_setting(env, &fl))
        return send_error(out, false, 503, "the search is not available");
    if (env->frame_ancestors && *env->frame_ancestors)
        frame_ancestors = env->frame_ancestors;
    bool head;
    if (!kt_cgi_method_allowed(env->method, &head))
        return send_error(out, false, 405, "only GET and HEAD are served");
    kt_cgi_request req;
    kt_error err;
    if (kt_cgi_parse(env->query_string, &req, &err) != KT_OK)
        return send_error(out, head, err.status == KT_ERR_NOMEM ? 500 : 400, err.message);
    logger lg = logger_for(env, log);
    int status = search(env, &req, head, kept, out, &lg);
    kt_cgi_request_free(&req);
    return status;
}

/* Reads and drops a refused request's body: a server still writing it (Apache's mod_cgid) cuts
 * the 405 short when the program exits without reading. A larger body is left unread. */
static void drain_body(const char *method)
{
    bool head;
    const char *length = getenv("CONTENT_LENGTH");
    if (kt_cgi_method_allowed(method, &head) || !length)
        return;
    char *end;
    errno = 0;
    unsigned long left = strtoul(length, &end, 10);
    if (errno || *end || left > DRAIN_MAX_BYTES)
        return;
    char chunk[8192];
    while (left > 0) {
        size_t n = fread(chunk, 1, left < sizeof chunk ? left : sizeof chunk, stdin);
        if (n == 0)
            break;
        left -= n;
    }
}

void kt_cgi_env_settings(kt_cgi_env *env)
{
    *env = (kt_cgi_env){
        .db = getenv("KYOTEI_DB"),
        .template_path = getenv("KYOTEI_TEMPLATE"),
        .allow_partial = getenv("KYOTEI_ALLOW_PARTIAL"),
        .connect_timeout = getenv("KYOTEI_CONNECT_TIMEOUT"),
        .remote_timeout = getenv("KYOTEI_REMOTE_TIMEOUT"),
        .max_export = getenv("KYOTEI_MAX_EXPORT"),
        .frame_ancestors = getenv("KYOTEI_FRAME_ANCESTORS"),
    };
}

bool kt_cgi_settings_ok(const kt_cgi_env *env, FILE *f)
{
    logger lg = logger_for(env, f), *log = &lg;
    bool ok = true;
    if (!env->db || !*env->db) {
        log_line(log, "KYOTEI_DB", "not set: name the index with --db or in the environment");
        ok = false;
    }
    kt_searcher_options sopts;
    ok &= searcher_options(env, &sopts, log);
    unsigned long max_rows;
    ok &= export_limit(env, &max_rows, log);
    ok &= frame_setting(env, log);
    if (env->template_path && *env->template_path) {
        kt_error err;
        char *tmpl = read_template(env->template_path, &err);
        if (!tmpl) {
            log_line(log, "KYOTEI_TEMPLATE", err.message);
            ok = false;
        }
        free(tmpl);
    }
    return ok;
}

int kt_cgi_main(void)
{
    /* a request that hangs (a stuck disk, a pathological query) must not hold a server slot forever */
    alarm(KT_CGI_TIME_LIMIT);
    drain_body(getenv("REQUEST_METHOD"));
    kt_cgi_env env;
    kt_cgi_env_settings(&env);
    env.method = getenv("REQUEST_METHOD");
    env.query_string = getenv("QUERY_STRING");
    return kt_cgi_respond(&env, stdout, stderr) < 0 ? 1 : 0;
}
