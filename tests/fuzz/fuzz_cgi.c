/* Fuzz target: a request to the search page from anyone on the internet. The bytes are the
 * QUERY_STRING: decoded by kt_cgi_parse (web/request.h), searched over the bundled index, and
 * written in the format asked for (HTML page, fragment, JSON or CSV) as kt_cgi_respond would.
 * Checks: a refusal's message is kyotei's own plain ASCII (never the request's bytes), a decoded
 * request stays within the documented limits, the result keeps its promises, JSON parses, and
 * markup from the request never reaches the HTML unescaped (a tag or an attribute starting with
 * x, which kyotei's own markup never has). */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "fuzz_search_check.h"
#include "kyotei/output.h"
#include "web/html.h"
#include "web/respond.h"

static void check_request(const kt_cgi_request *req)
{
    FUZZ_CHECK(req->query && strlen(req->query) <= KT_CGI_MAX_QUERY_BYTES, "q too long");
    FUZZ_CHECK(fuzz_utf8_valid(req->query, strlen(req->query)), "q not UTF-8");
    FUZZ_CHECK(req->n_countries <= KT_CGI_MAX_PARAMS && req->n_fields <= KT_CGI_MAX_PARAMS, "too many filters");
    for (size_t i = 0; i < req->n_countries; i++)
        FUZZ_CHECK(*req->countries[i] && strlen(req->countries[i]) <= KT_CGI_MAX_VALUE_BYTES, "country %zu", i);
    for (size_t i = 0; i < req->n_fields; i++)
        FUZZ_CHECK(*req->fields[i] && strlen(req->fields[i]) <= KT_CGI_MAX_VALUE_BYTES, "field %zu", i);
    FUZZ_CHECK(req->page >= 1 && req->page <= KT_CGI_MAX_PAGE, "page %u", (unsigned)req->page);
    FUZZ_CHECK(req->since == 0 || (req->since >= 1000 && req->since <= 9999), "since %d", req->since);
    FUZZ_CHECK(req->until == 0 || (req->until >= 1000 && req->until <= 9999), "until %d", req->until);
}

/* Where markup from the request shows through in html: a tag starting with x, or a quote that
 * closes an attribute value followed by an attribute starting with x. kyotei's own markup has
 * neither (an opening quote, after '=', may well be followed by a value " x…"). */
static const char *injected(const char *html)
{
    const char *tag = strstr(html, "<x");
    if (tag)
        return tag;
    for (const char *p = html + 1; (p = strpbrk(p, "\"'")) != NULL; p++)
        if (p[-1] != '=' && p[1] == ' ' && p[2] == 'x')
            return p;
    return NULL;
}

static void render(const kt_cgi_request *creq, const kt_search_request *sreq, const kt_result *r)
{
    char *data = NULL;
    size_t size = 0;
    FILE *mem = open_memstream(&data, &size);
    FUZZ_CHECK(mem != NULL, "open_memstream");
    kt_error err = {0};
    kt_status st;
    switch (creq->format) {
    case KT_CGI_FRAGMENT: st = kt_write_html_fragment(mem, sreq, r, &err); break;
    case KT_CGI_JSON: st = kt_write_json(mem, r, creq->query, &err); break;
    case KT_CGI_CSV: st = kt_write_csv(mem, r, &err); break;
    default: st = kt_write_html_page(mem, NULL, sreq, r, &err); break;
    }
    FUZZ_CHECK(fclose(mem) == 0, "memstream");
    FUZZ_CHECK(st == KT_OK, "writer failed: %s", err.message);
    if (creq->format == KT_CGI_JSON) {
        json_error_t jerr;
        json_t *doc = json_loadb(data, size, 0, &jerr);
        FUZZ_CHECK(json_is_object(doc), "JSON does not parse: %s", jerr.text);
        json_decref(doc);
    } else if (creq->format != KT_CGI_CSV) {
        const char *at = injected(data);
        FUZZ_CHECK(at == NULL, "request text reached the HTML unescaped: …%.60s", at - data > 30 ? at - 30 : data);
    }
    free(data);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *qs = malloc(size + 1);
    memcpy(qs, data, size);
    qs[size] = '\0';
    kt_cgi_request req;
    kt_error err = {0};
    kt_status st = kt_cgi_parse(qs, &req, &err);
    if (st != KT_OK) {
        FUZZ_CHECK(st == KT_ERR_INPUT || st == KT_ERR_ENCODING || st == KT_ERR_LIMIT, "status %d", (int)st);
        for (const char *p = err.message; *p; p++)
            FUZZ_CHECK(*p >= 0x20 && *p < 0x7F, "a refusal repeats request bytes: %s", err.message);
        FUZZ_CHECK(req.storage == NULL, "storage left on error");
        kt_cgi_request_free(&req);
        free(qs);
        return 0;
    }
    check_request(&req);
    kt_search_request sreq;
    kt_cgi_search_request(&req, &sreq);
    kt_result *r = NULL;
    st = kt_search(fuzz_searcher(), &sreq, &r, &err);
    if (st == KT_OK) {
        fuzz_check_result(&sreq, r);
        render(&req, &sreq, r);
    } else {
        FUZZ_CHECK(st == KT_ERR_LIMIT || st == KT_ERR_INPUT, "search failed: %s", err.message);
    }
    kt_result_free(r);
    kt_cgi_request_free(&req);
    free(qs);
    return 0;
}
