#include "cgi.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <uriparser/Uri.h>
#include <utf8proc.h>

#include "base/datadir.h"
#include "searcher/write.h"

#define TEMPLATE_MAX_BYTES (1u << 20)
#define DRAIN_MAX_BYTES (1ul << 20)

/* Response headers every answer carries. The page needs nothing but its own inline style: no
 * script, no image, no font, no frame from anywhere; 'self' lets a site's own template link its
 * style sheet. */
static const char security_headers[] =
    "Content-Security-Policy: default-src 'none'; style-src 'self' 'unsafe-inline'; img-src 'self'; "
    "form-action 'self'; base-uri 'none'; frame-ancestors 'self'\r\n"
    "X-Content-Type-Options: nosniff\r\n"
    "Referrer-Policy: same-origin\r\n";

/* ---- the request ---- */

enum { SEEN_Q = 1, SEEN_SINCE = 2, SEEN_UNTIL = 4, SEEN_SORT = 8, SEEN_PAGE = 16, SEEN_FORMAT = 32 };

static bool hex_digit(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* What uriparser would decode silently: a stray '%' is kept as is and %00 cuts the value short. */
static kt_status check_escapes(const char *qs, size_t len, kt_error *err)
{
    for (size_t i = 0; i < len; i++) {
        if (qs[i] != '%')
            continue;
        if (i + 2 >= len || !hex_digit(qs[i + 1]) || !hex_digit(qs[i + 2]))
            return kt_error_set(err, KT_ERR_INPUT, "bad percent-encoding");
        if (qs[i + 1] == '0' && qs[i + 2] == '0')
            return kt_error_set(err, KT_ERR_INPUT, "NUL byte in a parameter");
        i += 2;
    }
    return KT_OK;
}

/* Valid UTF-8 (utf8proc also refuses overlong forms and surrogates), no control characters. */
static kt_status check_text(const char *s, kt_error *err)
{
    const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)s;
    utf8proc_ssize_t left = (utf8proc_ssize_t)strlen(s);
    while (left > 0) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t n = utf8proc_iterate(p, left, &cp);
        if (n <= 0)
            return kt_error_set(err, KT_ERR_ENCODING, "a parameter is not valid UTF-8");
        if ((cp < 0x20 && cp != '\t' && cp != '\n' && cp != '\r') || cp == 0x7f)
            return kt_error_set(err, KT_ERR_INPUT, "control character in a parameter");
        p += n;
        left -= n;
    }
    return KT_OK;
}

/* A whole number of at most `digits` digits, nothing else. */
static bool parse_number(const char *s, size_t digits, unsigned *out)
{
    size_t len = strlen(s);
    if (len == 0 || len > digits)
        return false;
    unsigned v = 0;
    for (size_t i = 0; i < len; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        v = v * 10 + (unsigned)(s[i] - '0');
    }
    *out = v;
    return true;
}

static kt_status parse_year(const char *name, const char *value, int *out, kt_error *err)
{
    unsigned year;
    if (!*value)
        return KT_OK;
    if (!parse_number(value, 4, &year) || year < 1000)
        return kt_error_set(err, KT_ERR_INPUT, "%s: expected a year such as 2010", name);
    *out = (int)year;
    return KT_OK;
}

static kt_status parse_param(kt_cgi_request *req, const char *key, const char *value, unsigned *seen, kt_error *err)
{
    static const struct { const char *key; unsigned flag; } single[] = {
        {"q", SEEN_Q}, {"since", SEEN_SINCE}, {"until", SEEN_UNTIL}, {"sort", SEEN_SORT}, {"page", SEEN_PAGE},
        {"format", SEEN_FORMAT}};
    kt_status st = check_text(key, err);
    if (st == KT_OK)
        st = check_text(value, err);
    if (st != KT_OK)
        return st;
    for (size_t i = 0; i < sizeof single / sizeof single[0]; i++) {
        if (strcmp(key, single[i].key) != 0)
            continue;
        if (*seen & single[i].flag)
            return kt_error_set(err, KT_ERR_INPUT, "%s: given more than once", key);
        *seen |= single[i].flag;
    }
    size_t len = strlen(value);
    if (strcmp(key, "q") == 0) {
        if (len > KT_CGI_MAX_QUERY_BYTES)
            return kt_error_set(err, KT_ERR_LIMIT, "q: longer than %d bytes", KT_CGI_MAX_QUERY_BYTES);
        req->query = value;
        return KT_OK;
    }
    if (len > KT_CGI_MAX_VALUE_BYTES)
        return kt_error_set(err, KT_ERR_LIMIT, "a parameter is longer than %d bytes", KT_CGI_MAX_VALUE_BYTES);
    if (strcmp(key, "country") == 0 || strcmp(key, "field") == 0) {
        if (*value) {
            if (key[0] == 'c')
                req->countries[req->n_countries++] = value;
            else
                req->fields[req->n_fields++] = value;
        }
    } else if (strcmp(key, "since") == 0) {
        return parse_year("since", value, &req->since, err);
    } else if (strcmp(key, "until") == 0) {
        return parse_year("until", value, &req->until, err);
    } else if (strcmp(key, "sort") == 0) {
        if (*value && strcmp(value, "relevance") != 0 && strcmp(value, "date") != 0)
            return kt_error_set(err, KT_ERR_INPUT, "sort: expected relevance or date");
        req->sort = strcmp(value, "date") == 0 ? KT_SORT_DATE_DESC : KT_SORT_RELEVANCE;
    } else if (strcmp(key, "page") == 0) {
        unsigned page = 1;
        if (*value && (!parse_number(value, 9, &page) || page < 1 || page > KT_CGI_MAX_PAGE))
            return kt_error_set(err, KT_ERR_LIMIT, "page: expected a number from 1 to %d", KT_CGI_MAX_PAGE);
        req->page = page;
    } else if (strcmp(key, "format") == 0) {
        static const char *const names[] = {"html", "fragment", "json", "csv"};
        static const kt_cgi_format formats[] = {KT_CGI_HTML, KT_CGI_FRAGMENT, KT_CGI_JSON, KT_CGI_CSV};
        size_t i = 0;
        while (i < 4 && *value && strcmp(value, names[i]) != 0)
            i++;
        if (i == 4)
            return kt_error_set(err, KT_ERR_INPUT, "format: expected html, fragment, json or csv");
        req->format = *value ? formats[i] : KT_CGI_HTML;
    }
    return KT_OK;  /* other parameters belong to the site */
}

kt_status kt_cgi_parse(const char *query_string, kt_cgi_request *out, kt_error *err)
{
    *out = (kt_cgi_request){.query = "", .page = 1};
    const char *qs = query_string ? query_string : "";
    size_t len = strlen(qs);
    if (len > KT_CGI_MAX_QUERY_STRING)
        return kt_error_set(err, KT_ERR_LIMIT, "the request is longer than %d bytes", KT_CGI_MAX_QUERY_STRING);
    if (len == 0)
        return KT_OK;
    /* counted on the raw bytes, before anything is allocated: a flood of parameters costs nothing */
    size_t params = 1;
    for (size_t i = 0; i < len; i++)
        params += qs[i] == '&';
    if (params > KT_CGI_MAX_PARAMS)
        return kt_error_set(err, KT_ERR_LIMIT, "more than %d parameters", KT_CGI_MAX_PARAMS);
    kt_status st = check_escapes(qs, len, err);
    if (st != KT_OK)
        return st;
    UriQueryListA *list = NULL;
    if (uriDissectQueryMallocExA(&list, NULL, qs, qs + len, URI_TRUE, URI_BR_DONT_TOUCH) != URI_SUCCESS)
        return kt_error_nomem(err);
    out->storage = list;
    out->countries = calloc(params, sizeof *out->countries);
    out->fields = calloc(params, sizeof *out->fields);
    if (!out->countries || !out->fields) {
        kt_cgi_request_free(out);
        return kt_error_nomem(err);
    }
    unsigned seen = 0;
    for (const UriQueryListA *p = list; p && st == KT_OK; p = p->next)
        st = parse_param(out, p->key ? p->key : "", p->value ? p->value : "", &seen, err);
    if (st != KT_OK)
        kt_cgi_request_free(out);
    return st;
}

void kt_cgi_request_free(kt_cgi_request *req)
{
    uriFreeQueryListA(req->storage);
    free(req->countries);
    free(req->fields);
    *req = (kt_cgi_request){.query = "", .page = 1};
}

void kt_cgi_search_request(const kt_cgi_request *req, kt_search_request *out)
{
    *out = (kt_search_request){
        .query = req->query,
        .countries = req->countries,
        .n_countries = req->n_countries,
        .fields = req->fields,
        .n_fields = req->n_fields,
        .since = req->since,
        .until = req->until,
        .sort = req->sort,
    };
    if (req->format == KT_CGI_CSV) {
        out->all = true;
    } else {
        out->limit = KT_CGI_PAGE_SIZE;
        out->offset = (req->page - 1) * KT_CGI_PAGE_SIZE;
    }
}

bool kt_cgi_method_allowed(const char *method, bool *head)
{
    *head = method && strcmp(method, "HEAD") == 0;
    return !method || !*method || *head || strcmp(method, "GET") == 0;
}

/* ---- the response ---- */

typedef struct body {
    const char *type;         /* Content-Type */
    const char *disposition;  /* Content-Disposition, or NULL */
    const char *data;
    size_t size;
    size_t shards_missing, shards;  /* a partial answer: how many shards did not answer, of how many */
} body;

static const char *reason(int status)
{
    switch (status) {
    case 200: return "OK";
    case 400: return "Bad Request";
    case 405: return "Method Not Allowed";
    case 503: return "Service Unavailable";
    default: return "Internal Server Error";
    }
}

static int send_response(FILE *out, bool head, int status, const body *b)
{
    fprintf(out, "Status: %d %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\n%s", status, reason(status), b->type,
            b->size, security_headers);
    if (b->disposition)
        fprintf(out, "Content-Disposition: %s\r\n", b->disposition);
    if (status == 405)
        fputs("Allow: GET, HEAD\r\n", out);
    /* a partial answer is not one to keep: the next request may reach every shard */
    if (status != 200 || b->shards_missing)
        fputs("Cache-Control: no-store\r\n", out);
    if (b->shards_missing)
        fprintf(out, "Kyotei-Shards-Missing: %zu of %zu\r\n", b->shards_missing, b->shards);
    fputs("\r\n", out);
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
                     : status == 503 ? "ただいま検索できません。しばらくしてからもう一度お試しください。"
                                     : "検索中に問題が起きました。";
    char text[KT_ERROR_MESSAGE_MAX + 256];
    int n = snprintf(text, sizeof text, "%s\n%d %s: %s\n", ja, status, reason(status), detail);
    body b = {.type = "text/plain; charset=utf-8", .data = text,
              .size = n < 0 ? 0 : (size_t)n < sizeof text ? (size_t)n : sizeof text - 1};
    return send_response(out, head, status, &b);
}

/* One line for the operator; library messages may hold line breaks. */
static void log_line(FILE *log, const char *what, const char *message)
{
    if (!log)
        return;
    fprintf(log, "kyotei-search (cgi): %s: ", what);
    for (const char *p = message; *p; p++)
        fputc(*p == '\n' || *p == '\r' ? ' ' : *p, log);
    fputc('\n', log);
    fflush(log);
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
    case KT_CGI_JSON: return (body){.type = "application/json"};
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

/* kt_search with every filter under its canonical name; the names stay in *sreq for the page, in
 * arrays the caller frees (*countries, *fields). */
static kt_status search_canonical(kt_searcher *s, kt_search_request *sreq, const char ***countries,
                                  const char ***fields, kt_result **r, kt_error *err)
{
    *countries = canonical_values(s, true, sreq->countries, sreq->n_countries);
    *fields = canonical_values(s, false, sreq->fields, sreq->n_fields);
    if (*countries)
        sreq->countries = *countries;
    if (*fields)
        sreq->fields = *fields;
    return kt_search(s, sreq, r, err);
}

/* The searcher's options from the server's environment (kt_cgi_env). A value that is not one of
 * the accepted ones is the operator's mistake: logged with the variable's name and false returned,
 * so that no request is answered under settings other than the ones meant. */
static bool searcher_options(const kt_cgi_env *env, kt_searcher_options *o, FILE *log)
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
        unsigned ms;
        if (!parse_number(timeouts[i].value, 5, &ms) || ms == 0 || ms > KT_CGI_TIME_LIMIT * 1000u) {
            char message[96];
            snprintf(message, sizeof message, "must be milliseconds, from 1 to %u", KT_CGI_TIME_LIMIT * 1000u);
            log_line(log, timeouts[i].name, message);
            return false;
        }
        *timeouts[i].ms = ms;
    }
    return true;
}

/* Shards left out of a partial answer: the operator's log names them; the answer, which anyone
 * may read, says only where each stands in the list ("shard 2 of 3"), as the addresses and paths
 * of an office's servers are none of the public's business. */
static kt_status withhold_shard_names(const kt_searcher *s, kt_result *r, FILE *log, kt_error *err)
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

static int search(const kt_cgi_env *env, const kt_cgi_request *creq, bool head, FILE *out, FILE *log)
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
    int status;
    char *data_dir = env->data_dir ? strdup(env->data_dir) : kt_data_dir(&err);
    kt_searcher *s = NULL;
    kt_result *r = NULL;
    kt_search_request sreq;
    kt_cgi_search_request(creq, &sreq);
    const char **countries = NULL, **fields = NULL;
    kt_searcher_options sopts;
    if (!data_dir) {
        log_line(log, "data directory", env->data_dir ? "out of memory" : err.message);
        status = send_error(out, head, 503, "the search is not available");
    } else if (!searcher_options(env, &sopts, log)) {
        status = send_error(out, head, 503, "the search is not available");
    } else if (kt_searcher_open_with(&env->db, 1, data_dir, &sopts, &s, &err) != KT_OK) {
        log_line(log, "cannot open the index", err.message);
        status = send_error(out, head, 503, "the search is not available");
    } else if (search_canonical(s, &sreq, &countries, &fields, &r, &err) != KT_OK) {
        bool bad = err.status == KT_ERR_INPUT || err.status == KT_ERR_LIMIT || err.status == KT_ERR_ENCODING;
        log_line(log, bad ? "query refused" : "search failed", err.message);
        status = bad ? send_error(out, head, 400, "the query has too many words or operators")
             : err.status == KT_ERR_INDEX || err.status == KT_ERR_DICT
                 ? send_error(out, head, 503, "the search is not available")
                 : send_error(out, head, 500, "the search failed");
    } else {
        body b = body_for(creq->format);
        char *data = NULL;
        size_t size = 0;
        b.shards_missing = r->n_shards_missing;
        b.shards = kt_searcher_shard_count(s);
        kt_status st = withhold_shard_names(s, r, log, &err);
        FILE *mem = st == KT_OK ? open_memstream(&data, &size) : NULL;
        if (st == KT_OK)
            st = mem ? render(mem, creq, &sreq, tmpl, r, &err) : kt_error_nomem(&err);
        if (mem && fclose(mem) != 0 && st == KT_OK)
            st = kt_error_nomem(&err);
        if (st != KT_OK) {
            log_line(log, "cannot render the results", err.message);
            status = send_error(out, head, 500, "the results could not be shown");
        } else {
            b.data = data;
            b.size = size;
            status = send_response(out, head, 200, &b);
        }
        free(data);
    }
    kt_result_free(r);
    free(countries);
    free(fields);
    kt_searcher_close(s);
    free(data_dir);
    free(tmpl);
    return status;
}

int kt_cgi_respond(const kt_cgi_env *env, FILE *out, FILE *log)
{
    bool head;
    if (!kt_cgi_method_allowed(env->method, &head))
        return send_error(out, false, 405, "only GET and HEAD are served");
    kt_cgi_request req;
    kt_error err;
    if (kt_cgi_parse(env->query_string, &req, &err) != KT_OK)
        return send_error(out, head, err.status == KT_ERR_NOMEM ? 500 : 400, err.message);
    int status = search(env, &req, head, out, log);
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

int kt_cgi_main(void)
{
    /* a request that hangs (a stuck disk, a pathological query) must not hold a server slot forever */
    alarm(KT_CGI_TIME_LIMIT);
    drain_body(getenv("REQUEST_METHOD"));
    kt_cgi_env env = {
        .method = getenv("REQUEST_METHOD"),
        .query_string = getenv("QUERY_STRING"),
        .db = getenv("KYOTEI_DB"),
        .data_dir = NULL,
        .template_path = getenv("KYOTEI_TEMPLATE"),
        .allow_partial = getenv("KYOTEI_ALLOW_PARTIAL"),
        .connect_timeout = getenv("KYOTEI_CONNECT_TIMEOUT"),
        .remote_timeout = getenv("KYOTEI_REMOTE_TIMEOUT"),
    };
    return kt_cgi_respond(&env, stdout, stderr) < 0 ? 1 : 0;
}
