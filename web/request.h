/* kyotei — a search page's request: the query string of one HTTP request, decoded and checked.
 *
 * The web server runs kyotei-search once per request (RFC 3875). Its parameters come only from
 * QUERY_STRING (GET and HEAD); the index comes only from the server's environment (KYOTEI_DB),
 * never from the request. docs/cgi.md describes the parameters, the page and the server set-up.
 *
 *   q          the query, in kyotei's query language (at most KT_CGI_MAX_QUERY_BYTES bytes)
 *   country    a country filter; repeat for "any of these"
 *   field      a field filter; repeat for "any of these"
 *   since      first signing year (YYYY)       until   last signing year (YYYY)
 *   sort       relevance (default) | date (newest first)
 *   page       1 .. KT_CGI_MAX_PAGE, KT_CGI_PAGE_SIZE hits a page
 *   format     html (default) | fragment | json | csv (every match, as a download) |
 *              suggest (completions of q as a prefix, JSON, for a search box)
 * Empty values ("since=") mean "not given", as an HTML form sends them. Unknown parameters are
 * ignored, so a site may add its own.
 *
 * Errors: kt_cgi_parse returns KT_ERR_INPUT, KT_ERR_ENCODING or KT_ERR_LIMIT with a short
 * English message that may be shown to the client: it never repeats the request's bytes.
 */
#ifndef KT_WEB_REQUEST_H
#define KT_WEB_REQUEST_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "base/error.h"
#include "base/names.h"
#include "kyotei/search.h"

#define KT_CGI_MAX_QUERY_STRING 16384 /* raw QUERY_STRING bytes */
#define KT_CGI_MAX_PARAMS 100         /* name=value pairs in one request */
#define KT_CGI_MAX_QUERY_BYTES 1000   /* q, decoded */
#define KT_CGI_MAX_VALUE_BYTES 200    /* any other value, decoded */
#define KT_CGI_MAX_PAGE 1000
#define KT_CGI_PAGE_SIZE 10
#define KT_CGI_TIME_LIMIT 30          /* seconds a request may take before the process ends itself */

typedef enum kt_cgi_format { KT_CGI_HTML, KT_CGI_FRAGMENT, KT_CGI_JSON, KT_CGI_CSV, KT_CGI_SUGGEST } kt_cgi_format;

/* The names `format=` takes, and what each means. */
extern const kt_name kt_cgi_formats[];

typedef struct kt_cgi_request {
    const char *query;              /* q decoded, "" when absent */
    const char **countries;         /* decoded values, in request order, empty ones dropped */
    size_t n_countries;
    const char **fields;
    size_t n_fields;
    int since, until;               /* 0 = not given */
    kt_sort sort;                   /* KT_SORT_RELEVANCE or KT_SORT_DATE_DESC */
    uint32_t page;                  /* 1-based */
    kt_cgi_format format;
    void *storage;                  /* owns the strings above */
} kt_cgi_request;

/* Decodes a QUERY_STRING (NULL is the empty one). On success *out owns its strings until
 * kt_cgi_request_free; on error *out is empty and needs no free (freeing it is harmless).
 * Refused, before any decoding: more than KT_CGI_MAX_QUERY_STRING bytes or KT_CGI_MAX_PARAMS
 * parameters (KT_ERR_LIMIT), a '%' not followed by two hex digits and %00 (KT_ERR_INPUT). Then,
 * per value: invalid UTF-8 (KT_ERR_ENCODING), control characters other than tab and line breaks
 * (KT_ERR_INPUT), overlong values (KT_ERR_LIMIT), malformed or out-of-range since/until/sort/page/
 * format, and a single-valued parameter given twice (KT_ERR_INPUT or KT_ERR_LIMIT). */
kt_status kt_cgi_parse(const char *query_string, kt_cgi_request *out, kt_error *err);
void kt_cgi_request_free(kt_cgi_request *req);

/* The search that a page of the request asks for: points into req (which must outlive it).
 * CSV asks for every match; the other formats for page `req->page`. */
void kt_cgi_search_request(const kt_cgi_request *req, kt_search_request *out);

/* GET and HEAD are served; *head tells which. NULL or "" counts as GET (a person trying the
 * program by hand); anything else gets 405. */
bool kt_cgi_method_allowed(const char *method, bool *head);

#endif
