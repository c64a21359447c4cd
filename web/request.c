#include "request.h"

#include <stdlib.h>
#include <string.h>
#include <uriparser/Uri.h>
#include <utf8proc.h>

#include "base/names.h"
#include "base/number.h"

const kt_name kt_cgi_formats[] = {{"html", KT_CGI_HTML},
                                   {"fragment", KT_CGI_FRAGMENT},
                                   {"json", KT_CGI_JSON},
                                   {"csv", KT_CGI_CSV},
                                   {"suggest", KT_CGI_SUGGEST},
                                   {NULL, 0}};

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

static kt_status parse_year(const char *name, const char *value, int *out, kt_error *err)
{
    if (*value && !kt_parse_year(value, out))
        return kt_error_set(err, KT_ERR_INPUT, "%s: expected a year such as 2010", name);
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
        unsigned long page = 1;
        if (*value && !kt_parse_uint(value, 1, KT_CGI_MAX_PAGE, &page))
            return kt_error_set(err, KT_ERR_LIMIT, "page: expected a number from 1 to %d", KT_CGI_MAX_PAGE);
        req->page = (uint32_t)page;
    } else if (strcmp(key, "format") == 0) {
        int format = KT_CGI_HTML;
        if (*value && !kt_name_find(kt_cgi_formats, value, &format))
            return kt_error_set(err, KT_ERR_INPUT, "format: expected html, fragment, json, csv or suggest");
        req->format = (kt_cgi_format)format;
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

