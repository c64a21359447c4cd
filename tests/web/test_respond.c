/* web/respond: whole responses, in-process, over a real index built from the bundled corpus in a
 * scratch directory — status lines, headers, each format, HEAD, the errors a client may see
 * (400, 405, 503) with the log lines the operator sees, and site templates. */
#include "tests/support/kit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "kyotei/output.h"
#include "kyotei/search.h"
#include "web/respond.h"

typedef struct fixture {
    char *tmp;
    char *index;
} fixture;

static fixture *fx;

typedef struct response {
    int status;          /* what kt_cgi_respond returned */
    char *raw;           /* everything written */
    char *headers;       /* up to the blank line, NUL-terminated inside raw */
    const char *body;
    size_t body_len;
    char *log;
} response;

static int group_setup(void **state)
{
    (void)state;
    fx = calloc(1, sizeof *fx);
    fx->tmp = kit_mkdtemp();
    fx->index = kit_path(fx->tmp, "index");
    kt_lexicon *lex = kit_lexicon();
    kt_error err = {0};
    const char *corpus[] = {kit_corpus()};
    KIT_OK(kit_rebuild(fx->index, corpus, 1, lex, NULL, NULL, &err), &err);
    kt_lexicon_close(lex);
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    kit_rmtree(fx->tmp);
    free(fx->tmp);
    free(fx->index);
    free(fx);
    return 0;
}

/* The answer of kt_cgi_answer with *kept (kept NULL: kt_cgi_respond, as the CGI). */
static response respond_kept(kt_cgi_env env, kt_searcher **kept)
{
    response r = {0};
    size_t size = 0, log_size = 0;
    FILE *out = open_memstream(&r.raw, &size);
    FILE *log = open_memstream(&r.log, &log_size);
    if (!env.data_dir)
        env.data_dir = kit_data_dir();
    r.status = kept ? kt_cgi_answer(&env, kept, out, log) : kt_cgi_respond(&env, out, log);
    fclose(out);
    fclose(log);
    char *blank = strstr(r.raw, "\r\n\r\n");
    assert_non_null(blank);
    blank[2] = '\0';
    r.headers = r.raw;
    r.body = blank + 4;
    r.body_len = size - (size_t)(r.body - r.raw);
    return r;
}

static response respond_env(kt_cgi_env env)
{
    return respond_kept(env, NULL);
}

static response get(const char *query_string)
{
    return respond_env((kt_cgi_env){.method = "GET", .query_string = query_string, .db = fx->index});
}

static void response_free(response *r)
{
    free(r->raw);
    free(r->log);
}

static void assert_header(const response *r, const char *line)
{
    char with_crlf[512];
    snprintf(with_crlf, sizeof with_crlf, "%s\r\n", line);
    if (!strstr(r->headers, with_crlf))
        fail_msg("header '%s' missing in:\n%s", line, r->headers);
}

static void assert_in_body(const response *r, const char *part)
{
    if (!strstr(r->body, part))
        fail_msg("'%s' missing from the body", part);
}

/* Every answer, good or bad, carries these. */
static void assert_safe_headers(const response *r)
{
    assert_header(r, "Content-Security-Policy: default-src 'none'; style-src 'self' 'unsafe-inline'; img-src 'self'; "
                     "form-action 'self'; base-uri 'none'; frame-ancestors 'self'");
    assert_header(r, "X-Content-Type-Options: nosniff");
    assert_header(r, "Referrer-Policy: same-origin");
    char length[64];
    snprintf(length, sizeof length, "Content-Length: %zu", r->body_len);
    assert_header(r, length);
}

static void test_page(void **state)
{
    (void)state;
    response r = get("q=%E9%9D%92%E5%B0%91%E5%B9%B4+%E4%BA%A4%E6%B5%81");
    assert_int_equal(r.status, 200);
    assert_true(strncmp(r.headers, "Status: 200 OK\r\n", 16) == 0);
    assert_header(&r, "Content-Type: text/html; charset=utf-8");
    assert_safe_headers(&r);
    assert_null(strstr(r.headers, "Cache-Control"));
    assert_in_body(&r, "<html lang=\"ja\">");
    assert_in_body(&r, "value=\"青少年 交流\"");
    assert_in_body(&r, "<strong class=\"kt-total\">3</strong>件");
    assert_in_body(&r, "data-id=\"akita-008\"");
    assert_in_body(&r, "<mark>青少年交流</mark>");
    assert_in_body(&r, "<span class=\"kt-value\">韓国</span> <span class=\"kt-count\">2</span>");
    assert_string_equal(r.log, "");
    response_free(&r);
}

static void test_head_sends_the_headers_of_get(void **state)
{
    (void)state;
    response g = get("q=%E4%BA%A4%E6%B5%81&page=2");
    response h = respond_env((kt_cgi_env){.method = "HEAD", .query_string = "q=%E4%BA%A4%E6%B5%81&page=2",
                                          .db = fx->index});
    assert_int_equal(h.status, 200);
    assert_int_equal(h.body_len, 0);
    assert_string_equal(h.headers, g.headers);  /* Content-Length included */
    assert_true(g.body_len > 1000);
    response_free(&g);
    response_free(&h);
}

static void test_other_methods_get_405(void **state)
{
    (void)state;
    const char *methods[] = {"POST", "PUT", "DELETE", "PATCH", "OPTIONS"};
    for (size_t i = 0; i < sizeof methods / sizeof methods[0]; i++) {
        response r = respond_env((kt_cgi_env){.method = methods[i], .query_string = "q=a", .db = fx->index});
        assert_int_equal(r.status, 405);
        assert_true(strncmp(r.headers, "Status: 405 Method Not Allowed\r\n", 32) == 0);
        assert_header(&r, "Allow: GET, HEAD");
        assert_header(&r, "Cache-Control: no-store");
        assert_safe_headers(&r);
        response_free(&r);
    }
}

static void test_bad_requests_get_400(void **state)
{
    (void)state;
    const char *bad[] = {"q=%ZZ", "q=%00", "q=%FF", "page=0", "page=1001", "format=xml", "sort=x", "q=a&q=b",
                         "since=abc"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        response r = get(bad[i]);
        assert_int_equal(r.status, 400);
        assert_true(strncmp(r.headers, "Status: 400 Bad Request\r\n", 25) == 0);
        assert_header(&r, "Content-Type: text/plain; charset=utf-8");
        assert_header(&r, "Cache-Control: no-store");
        assert_safe_headers(&r);
        assert_in_body(&r, "検索条件を読み取れませんでした。\n400 Bad Request: ");
        response_free(&r);
    }
    /* more words and operators than the query parser takes: refused, not searched */
    kt_buf q = KT_BUF_INIT;
    kt_buf_append_str(&q, "q=");
    for (int i = 0; i < 400; i++)
        kt_buf_append_str(&q, "a+");
    response r = get(kt_buf_str(&q));
    assert_int_equal(r.status, 400);
    assert_in_body(&r, "too many words");
    assert_non_null(strstr(r.log, "query refused"));
    response_free(&r);
    kt_buf_free(&q);
}

/* 503 with a generic message; the reason, path included, goes only to the log. */
static void assert_unavailable(kt_cgi_env env, const char *log_part)
{
    response r = respond_env(env);
    assert_int_equal(r.status, 503);
    assert_true(strncmp(r.headers, "Status: 503 Service Unavailable\r\n", 33) == 0);
    assert_header(&r, "Cache-Control: no-store");
    assert_safe_headers(&r);
    assert_in_body(&r, "ただいま検索できません。");
    assert_null(strstr(r.body, fx->tmp));
    assert_null(strchr(r.body, '/'));
    if (!strstr(r.log, log_part))
        fail_msg("log '%s' lacks '%s'", r.log, log_part);
    assert_int_equal(strchr(r.log, '\n') - r.log + 1, strlen(r.log));  /* one line */
    response_free(&r);
}

static void test_missing_or_broken_index_gets_503(void **state)
{
    (void)state;
    assert_unavailable((kt_cgi_env){.method = "GET", .query_string = "q=a"}, "KYOTEI_DB: not set");
    assert_unavailable((kt_cgi_env){.method = "GET", .query_string = "q=a", .db = ""}, "KYOTEI_DB: not set");
    char *missing = kit_path(fx->tmp, "no-such-index");
    assert_unavailable((kt_cgi_env){.method = "GET", .query_string = "q=a", .db = missing}, missing);
    free(missing);
    /* a directory that looks like an index but holds garbage */
    char *broken = kit_path(fx->tmp, "broken");
    mkdir(broken, 0700);
    free(kit_write(broken, "iamglass", "not a xapian database\n"));
    free(kit_write(broken, "postlist.glass", "garbage"));
    assert_unavailable((kt_cgi_env){.method = "GET", .query_string = "q=a", .db = broken}, "cannot open the index");
    free(broken);
    /* the dictionaries missing */
    assert_unavailable((kt_cgi_env){.method = "GET", .db = fx->index, .data_dir = "/nonexistent/kyotei"},
                       "cannot open the index");
}

/* KYOTEI_ALLOW_PARTIAL and the timeouts (their use over shards: tests/shards/test_cli.py): a value
 * not understood refuses every request, naming the variable in the log only. */
static void test_settings_not_understood_get_503(void **state)
{
    (void)state;
    const struct {
        const char *partial, *connect, *remote, *log;
    } bad[] = {
        {"maybe", NULL, NULL, "KYOTEI_ALLOW_PARTIAL: must be"}, {"2", NULL, NULL, "KYOTEI_ALLOW_PARTIAL: must be"},
        {NULL, "abc", NULL, "KYOTEI_CONNECT_TIMEOUT: must be"}, {NULL, "0", NULL, "KYOTEI_CONNECT_TIMEOUT: must be"},
        {NULL, NULL, "30001", "KYOTEI_REMOTE_TIMEOUT: must be"}, {NULL, NULL, "-5", "KYOTEI_REMOTE_TIMEOUT: must be"},
        {NULL, NULL, "1e3", "KYOTEI_REMOTE_TIMEOUT: must be"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_unavailable((kt_cgi_env){.method = "GET", .query_string = "q=a", .db = fx->index,
                                        .allow_partial = bad[i].partial, .connect_timeout = bad[i].connect,
                                        .remote_timeout = bad[i].remote},
                           bad[i].log);
    const char *accepted[] = {"1", "yes", "on", "true", "0", "no", "off", "false", ""};
    for (size_t i = 0; i < sizeof accepted / sizeof accepted[0]; i++) {
        response r = respond_env((kt_cgi_env){.method = "GET", .query_string = "q=a", .db = fx->index,
                                              .allow_partial = accepted[i], .connect_timeout = "1",
                                              .remote_timeout = "30000"});
        assert_int_equal(r.status, 200);
        assert_null(strstr(r.headers, "Kyotei-Shards-Missing"));  /* one local index: nothing missing */
        response_free(&r);
    }
}

static void test_suggest_gives_completions_as_json(void **state)
{
    (void)state;
    /* 医 as the prefix: what kt_complete gives, written as kyotei-search --complete --format json does */
    response r = get("q=%E5%8C%BB&format=suggest");
    assert_int_equal(r.status, 200);
    assert_header(&r, "Content-Type: application/json");
    assert_header(&r, "X-Robots-Tag: noindex");
    const char *paths[] = {fx->index};
    kt_searcher *s;
    kt_error err;
    KIT_OK(kt_searcher_open(paths, 1, kit_data_dir(), &s, &err), &err);
    kt_completions c;
    KIT_OK(kt_complete(s, "医", 0, &c, &err), &err);
    assert_true(c.count > 0);
    char *expected = NULL;
    size_t size = 0;
    FILE *mem = open_memstream(&expected, &size);
    KIT_OK(kt_write_completions_json(mem, "医", &c, &err), &err);
    fclose(mem);
    assert_int_equal(r.body_len, size);
    assert_memory_equal(r.body, expected, size);
    KIT_CONTAINS(r.body, "\"completions\":[{\"text\":\"医");
    free(expected);
    kt_completions_free(&c);
    kt_searcher_close(s);
    response_free(&r);
    /* an unknown format names the one it may be */
    r = get("q=a&format=xml");
    assert_int_equal(r.status, 400);
    KIT_CONTAINS(r.body, "suggest");
    response_free(&r);
}

static void test_json_is_the_command_line_object(void **state)
{
    (void)state;
    response r = get("q=%E5%8C%BB%E7%99%82&format=json");
    assert_int_equal(r.status, 200);
    assert_header(&r, "Content-Type: application/json");
    /* what kyotei-search --format json prints for the same search */
    const char *paths[] = {fx->index};
    kt_searcher *s;
    kt_error err;
    KIT_OK(kt_searcher_open(paths, 1, kit_data_dir(), &s, &err), &err);
    kt_search_request req = {.query = "医療", .limit = 10};
    kt_result *res;
    KIT_OK(kt_search(s, &req, &res, &err), &err);
    char *expected = NULL;
    size_t size = 0;
    FILE *mem = open_memstream(&expected, &size);
    KIT_OK(kt_write_json(mem, res, "医療", &err), &err);
    fclose(mem);
    assert_int_equal(r.body_len, size);
    assert_memory_equal(r.body, expected, size);
    free(expected);
    kt_result_free(res);
    kt_searcher_close(s);
    response_free(&r);
}

static size_t count(const char *text, const char *part)
{
    size_t n = 0;
    for (const char *p = strstr(text, part); p; p = strstr(p + 1, part))
        n++;
    return n;
}

static void test_csv_has_every_match(void **state)
{
    (void)state;
    response page = get("q=%E4%BA%A4%E6%B5%81&format=json");
    response r = get("q=%E4%BA%A4%E6%B5%81&format=csv&page=2");
    assert_int_equal(r.status, 200);
    assert_header(&r, "Content-Type: text/csv; charset=utf-8");
    assert_header(&r, "Content-Disposition: attachment; filename=\"kyotei-agreements.csv\"");
    /* more matches than a page: the CSV has them all, the page option notwithstanding */
    const char *total = strstr(page.body, "\"total\": ");
    assert_non_null(total);
    int n = atoi(total + 9);
    assert_true(n > KT_CGI_PAGE_SIZE);
    assert_int_equal(count(r.body, "\r\n\""), (size_t)n);  /* each record after the header */
    response_free(&page);
    response_free(&r);
}

static kt_status rows_to(const kt_hit *h, void *ctx, kt_error *err)
{
    return kt_rows_write(ctx, KT_ROWS_CSV, h, err);
}

/* The download is streamed as `kyotei-search --all --format csv` writes it: the same bytes as
 * kt_rows_header and kt_search_each, no Content-Length (the length is not known when the headers
 * go), and a HEAD has the headers of the GET without walking the matches. */
static void test_csv_is_streamed_as_the_command_line_writes_it(void **state)
{
    (void)state;
    const char *queries[] = {"q=%E4%BA%A4%E6%B5%81", "q=%E8%A6%B3%E5%85%89", "q=zzzznothing", ""};
    const char *words[] = {"交流", "観光", "zzzznothing", NULL};
    kt_searcher *s = NULL;
    kt_error err = {0};
    const char *dbs[] = {fx->index};
    KIT_OK(kt_searcher_open(dbs, 1, kit_data_dir(), &s, &err), &err);
    for (size_t i = 0; i < sizeof queries / sizeof queries[0]; i++) {
        char qs[128];
        snprintf(qs, sizeof qs, "%s%sformat=csv", queries[i], *queries[i] ? "&" : "");
        response r = get(qs);
        assert_int_equal(r.status, 200);
        assert_header(&r, "Content-Type: text/csv; charset=utf-8");
        assert_header(&r, "Content-Disposition: attachment; filename=\"kyotei-agreements.csv\"");
        assert_null(strstr(r.headers, "Content-Length"));
        char *expected = NULL;
        size_t size = 0;
        FILE *mem = open_memstream(&expected, &size);
        kt_search_request req = {.query = words[i]};
        KIT_OK(kt_rows_header(mem, KT_ROWS_CSV, &err), &err);
        KIT_OK(kt_search_each(s, &req, rows_to, mem, &err), &err);
        fclose(mem);
        assert_int_equal(r.body_len, size);
        assert_memory_equal(r.body, expected, size);
        response h = respond_env((kt_cgi_env){.method = "HEAD", .query_string = qs, .db = fx->index});
        assert_int_equal(h.status, 200);
        assert_int_equal(h.body_len, 0);
        assert_string_equal(h.headers, r.headers);
        free(expected);
        response_free(&h);
        response_free(&r);
    }
    kt_searcher_close(s);
}

/* KYOTEI_MAX_EXPORT: a download of more matches is refused with 413 and a message saying so,
 * before any row; one within it is served; a value not understood is the operator's mistake. */
static void test_export_ceiling(void **state)
{
    (void)state;
    const char *qs = "q=%E4%BA%A4%E6%B5%81&format=csv";
    response r = respond_env((kt_cgi_env){.method = "GET", .query_string = qs, .db = fx->index, .max_export = "5"});
    assert_int_equal(r.status, 413);
    assert_true(strncmp(r.headers, "Status: 413 Content Too Large\r\n", 31) == 0);
    assert_header(&r, "Content-Type: text/plain; charset=utf-8");
    assert_header(&r, "X-Robots-Tag: noindex");
    assert_in_body(&r, "at most 5 rows (KYOTEI_MAX_EXPORT)");
    assert_null(strstr(r.body, "\"id\""));
    response_free(&r);
    r = respond_env((kt_cgi_env){.method = "GET", .query_string = qs, .db = fx->index, .max_export = "100"});
    assert_int_equal(r.status, 200);
    response_free(&r);
    const char *bad[] = {"0", "abc", "-1", "99999999999"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        kt_cgi_env env = {.method = "GET", .query_string = qs, .db = fx->index, .max_export = bad[i]};
        r = respond_env(env);
        assert_int_equal(r.status, 503);
        assert_non_null(strstr(r.log, "KYOTEI_MAX_EXPORT: must be a number of rows"));
        assert_false(kt_cgi_settings_ok(&env, NULL));
        response_free(&r);
    }
}

/* Only the empty search page is for a search engine's index. */
static void test_results_are_noindex(void **state)
{
    (void)state;
    response r = get("");
    assert_int_equal(r.status, 200);
    assert_null(strstr(r.headers, "X-Robots-Tag"));
    response_free(&r);
    const char *results[] = {"q=%E4%BA%A4%E6%B5%81", "page=2", "format=json", "country=%E5%8F%B0%E6%B9%BE",
                             "format=csv"};
    for (size_t i = 0; i < sizeof results / sizeof results[0]; i++) {
        r = get(results[i]);
        assert_int_equal(r.status, 200);
        assert_header(&r, "X-Robots-Tag: noindex");
        response_free(&r);
    }
}

/* KYOTEI_FRAME_ANCESTORS: the site's sources in the CSP; a value that could end the header, add
 * one or add a directive is refused (503, the variable named in the log, the value nowhere). */
static void test_frame_ancestors(void **state)
{
    (void)state;
    response r = respond_env((kt_cgi_env){.method = "GET", .query_string = "q=a", .db = fx->index,
                                          .frame_ancestors = "'self' https://example.org https://*.example.jp:8443"});
    assert_int_equal(r.status, 200);
    assert_header(&r, "Content-Security-Policy: default-src 'none'; style-src 'self' 'unsafe-inline'; img-src 'self'; "
                      "form-action 'self'; base-uri 'none'; frame-ancestors 'self' https://example.org "
                      "https://*.example.jp:8443");
    response_free(&r);
    const char *bad[] = {"https://example.org\r\nSet-Cookie: a=b", "'self'; script-src *", "a,b", " https://example.net",
                         "'self'  https://example.org", "'unsafe-inline'", "https://example.org/<x>", "\"x\""};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        kt_cgi_env env = {.method = "GET", .query_string = "q=a", .db = fx->index, .frame_ancestors = bad[i]};
        r = respond_env(env);
        assert_int_equal(r.status, 503);
        assert_safe_headers(&r); /* frame-ancestors 'self' */
        assert_null(strstr(r.raw, "Set-Cookie"));
        assert_null(strstr(r.raw, "script-src"));
        assert_non_null(strstr(r.log, "KYOTEI_FRAME_ANCESTORS: must be"));
        if (strstr(r.log, bad[i]))
            fail_msg("value %zu echoed in the log: %s", i, r.log);
        assert_false(kt_cgi_settings_ok(&env, NULL));
        response_free(&r);
    }
}

static void test_fragment(void **state)
{
    (void)state;
    response r = get("country=%E5%8F%B0%E6%B9%BE&format=fragment");
    assert_int_equal(r.status, 200);
    assert_header(&r, "Content-Type: text/html; charset=utf-8");
    assert_true(strncmp(r.body, "<div class=\"kyotei\">", 20) == 0);
    assert_null(strstr(r.body, "<html"));
    assert_null(strstr(r.body, "<form"));
    assert_in_body(&r, "国・地域: 台湾");
    response_free(&r);
}

static void test_site_template(void **state)
{
    (void)state;
    char *path = kit_write(fx->tmp, "site.html",
                           "<!DOCTYPE html><html lang=\"ja\"><title>{{title}}</title><body class=\"site\">{{form}}"
                           "<main>{{results}}</main></body></html>\n");
    response r = respond_env((kt_cgi_env){.method = "GET", .query_string = "q=%E8%A6%B3%E5%85%89", .db = fx->index,
                                          .template_path = path});
    assert_int_equal(r.status, 200);
    assert_true(strncmp(r.body, "<!DOCTYPE html><html lang=\"ja\"><title>「観光」の検索結果 | 国際協定検索</title>"
                                "<body class=\"site\"><form class=\"kt-form\"",
                        strlen("<!DOCTYPE html><html lang=\"ja\"><title>「観光」の検索結果 | 国際協定検索</title>"
                               "<body class=\"site\"><form class=\"kt-form\"")) == 0);
    assert_in_body(&r, "<main><div class=\"kyotei\">");
    assert_null(strstr(r.body, "<style>"));
    response_free(&r);
    /* the template serves the page only: JSON is unchanged */
    r = respond_env((kt_cgi_env){.method = "GET", .query_string = "format=json", .db = fx->index,
                                 .template_path = path});
    assert_int_equal(r.status, 200);
    assert_int_equal(r.body[0], '{');
    response_free(&r);
    free(path);

    path = kit_write(fx->tmp, "typo.html", "<html>\n{{form}}\n{{result}}\n</html>\n");
    assert_unavailable((kt_cgi_env){.method = "GET", .db = fx->index, .template_path = path},
                       "line 3: unknown placeholder {{result}}");
    free(path);
    char *missing = kit_path(fx->tmp, "no-template.html");
    assert_unavailable((kt_cgi_env){.method = "GET", .db = fx->index, .template_path = missing}, missing);
    free(missing);
}

/* A front that keeps its searcher (FastCGI): the same answers as the CGI's, from an index that is
 * rebuilt to other agreements, removed and built again while the searcher is kept. */
static void test_kept_searcher_follows_the_index(void **state)
{
    (void)state;
    char *tmp = kit_mkdtemp(), *index = kit_path(tmp, "index");
    char *other = kit_write(tmp, "other.csv",
                            "id,municipality,prefecture,title,partner,country,fields,description,signed,url\n"
                            "x-1,青森県,青森県,青森県と台湾の交流協定,台湾/台北市,台湾,観光,観光と交流,2019,\n"
                            "x-2,宮城県,宮城県,宮城県と韓国の経済協定,韓国/ソウル特別市,韓国,経済,経済の協力,2021,\n");
    kt_lexicon *lex = kit_lexicon();
    kt_error err = {0};
    const char *corpus[] = {kit_corpus()}, *others[] = {other};
    KIT_OK(kit_rebuild(index, corpus, 1, lex, NULL, NULL, &err), &err);
    kt_cgi_env env = {.method = "GET", .query_string = "q=%E4%BA%A4%E6%B5%81&format=json", .db = index};
    kt_searcher *kept = NULL;

    response fresh = respond_env(env);
    response first = respond_kept(env, &kept);
    assert_int_equal(first.status, 200);
    assert_non_null(kept);
    assert_string_equal(first.raw, fresh.raw);  /* byte for byte the CGI's answer */
    assert_in_body(&first, "\"total\": 31");
    kt_searcher *opened = kept;
    response again = respond_kept(env, &kept);
    assert_ptr_equal(kept, opened);  /* kept, not opened again */
    assert_string_equal(again.raw, fresh.raw);

    KIT_OK(kit_rebuild(index, others, 1, lex, NULL, NULL, &err), &err);
    response rebuilt = respond_kept(env, &kept);
    assert_int_equal(rebuilt.status, 200);
    assert_in_body(&rebuilt, "\"total\": 1");
    assert_in_body(&rebuilt, "\"id\": \"x-1\"");
    assert_string_equal(rebuilt.log, "");

    kit_rmtree(index);
    response gone = respond_kept(env, &kept);
    assert_int_equal(gone.status, 503);
    assert_null(kept);
    KIT_CONTAINS(gone.log, "cannot follow the index");
    KIT_CONTAINS(gone.log, "cannot open the index");

    KIT_OK(kit_rebuild(index, corpus, 1, lex, NULL, NULL, &err), &err);
    response back = respond_kept(env, &kept);
    assert_int_equal(back.status, 200);
    assert_non_null(kept);
    assert_string_equal(back.raw, fresh.raw);

    response *all[] = {&fresh, &first, &again, &rebuilt, &gone, &back};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        response_free(all[i]);
    kt_searcher_close(kept);
    kt_lexicon_close(lex);
    kit_rmtree(tmp);
    free(tmp);
    free(index);
    free(other);
}

/* What a FastCGI worker checks before it serves: each problem is a log line naming the variable. */
static void test_settings_checked_at_start(void **state)
{
    (void)state;
    char *log = NULL;
    size_t size = 0;
    FILE *f = open_memstream(&log, &size);
    assert_true(kt_cgi_settings_ok(&(kt_cgi_env){.db = fx->index}, f));
    assert_true(kt_cgi_settings_ok(&(kt_cgi_env){.db = "/nonexistent/index"}, f));  /* may appear later */
    fflush(f);
    assert_string_equal(log, "");
    assert_false(kt_cgi_settings_ok(&(kt_cgi_env){.db = ""}, f));
    assert_false(kt_cgi_settings_ok(&(kt_cgi_env){.db = fx->index, .allow_partial = "sometimes",
                                                  .template_path = "/nonexistent/page.html"},
                                    f));
    assert_false(kt_cgi_settings_ok(&(kt_cgi_env){.db = fx->index, .remote_timeout = "0"}, f));
    fclose(f);
    KIT_CONTAINS(log, "KYOTEI_DB: not set");
    KIT_CONTAINS(log, "KYOTEI_ALLOW_PARTIAL: must be");
    KIT_CONTAINS(log, "KYOTEI_REMOTE_TIMEOUT: must be milliseconds");
    KIT_CONTAINS(log, "KYOTEI_TEMPLATE: /nonexistent/page.html");
    free(log);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_page),
        cmocka_unit_test(test_head_sends_the_headers_of_get),
        cmocka_unit_test(test_other_methods_get_405),
        cmocka_unit_test(test_bad_requests_get_400),
        cmocka_unit_test(test_missing_or_broken_index_gets_503),
        cmocka_unit_test(test_settings_not_understood_get_503),
        cmocka_unit_test(test_json_is_the_command_line_object),
        cmocka_unit_test(test_suggest_gives_completions_as_json),
        cmocka_unit_test(test_csv_has_every_match),
        cmocka_unit_test(test_csv_is_streamed_as_the_command_line_writes_it),
        cmocka_unit_test(test_export_ceiling),
        cmocka_unit_test(test_results_are_noindex),
        cmocka_unit_test(test_frame_ancestors),
        cmocka_unit_test(test_fragment),
        cmocka_unit_test(test_site_template),
        cmocka_unit_test(test_kept_searcher_follows_the_index),
        cmocka_unit_test(test_settings_checked_at_start),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
