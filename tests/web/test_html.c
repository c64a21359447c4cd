/* web/html: the escaper, links that round-trip through the CGI parser, which URLs may
 * become links, and the fragment, page and template writers over results made by hand with
 * hostile text in every column. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "base/buf.h"
#include "base/grow.h"
#include "searcher/ignored.h"
#include "kyotei/output.h"
#include "web/html.h"
#include "web/request.h"

static char *dup(const char *s)
{
    char *p = strdup(s);
    assert_non_null(p);
    return p;
}

static char *escaped(const char *text, size_t len)
{
    kt_buf b = KT_BUF_INIT;
    assert_int_equal(kt_html_escape(&b, text, len), KT_OK);
    return b.data ? kt_buf_steal(&b) : dup("");
}

static void test_escape(void **state)
{
    (void)state;
    const char *in = "<script>alert(\"x\" + 'y')</script> & 協定";
    char *out = escaped(in, strlen(in));
    assert_string_equal(out, "&lt;script&gt;alert(&quot;x&quot; + &#39;y&#39;)&lt;/script&gt; &amp; 協定");
    free(out);
    /* controls other than tab and line breaks go */
    out = escaped("a\x01\tb\x1b\nc\x7f\rd\0e", 12);
    assert_string_equal(out, "a\tb\nc\rde");  /* a NUL inside len is a control character too */
    free(out);
    out = escaped("", 0);
    assert_string_equal(out, "");
    free(out);
    out = escaped("plain text, 日本語", strlen("plain text, 日本語"));
    assert_string_equal(out, "plain text, 日本語");
    free(out);
}

static void test_urls(void **state)
{
    (void)state;
    const char *good[] = {"http://www.pref.miyagi.jp/soshiki/ftp-kokusai/nizhny.html",
                          "https://example.org/a?b=c&d=e#f", "HTTPS://EXAMPLE.ORG/", "http://127.0.0.1:8080/",
                          "https://example.org/it's"};
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
        assert_true(kt_html_url_ok(good[i]));
    const char *bad[] = {"javascript:alert(1)", "JavaScript:alert(1)", " javascript:alert(1)",
                         "java\tscript:alert(1)", "data:text/html,<script>alert(1)</script>",
                         "vbscript:msgbox(1)", "//example.org/", "/relative/path", "http:/x", "http://",
                         "https://exa mple.org/", "https://example.org/\"onmouseover=\"alert(1)",
                         "https://example.org/<script>", "ftp://example.org/", "", "http://例え.jp/",
                         "https://example.org/\x01"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        if (kt_html_url_ok(bad[i]))
            fail_msg("'%s' accepted as a link", bad[i]);
}

/* The link's query string parsed back by the CGI front gives the same search. */
static void test_links_round_trip(void **state)
{
    (void)state;
    const char *countries[] = {"韓国", "<b>&\"x'"}, *fields[] = {"観光", "a+b=c&d"};
    kt_search_request req = {.query = "青少年 交流 \"<script>\" -x&y=z%41",
                             .countries = countries, .n_countries = 2, .fields = fields, .n_fields = 2,
                             .since = 2010, .until = 2016, .sort = KT_SORT_DATE_DESC, .limit = 10};
    kt_buf link = KT_BUF_INIT;
    assert_int_equal(kt_html_link(&link, &req, 4, NULL), KT_OK);
    const char *s = kt_buf_str(&link);
    assert_true(s[0] == '?');
    for (const char *p = s; *p; p++)  /* nothing for HTML or a URL parser to trip on */
        assert_null(strchr("<>\"' \\#", *p));
    kt_cgi_request back;
    kt_error err;
    assert_int_equal(kt_cgi_parse(s + 1, &back, &err), KT_OK);
    assert_string_equal(back.query, req.query);
    assert_int_equal(back.n_countries, 2);
    assert_string_equal(back.countries[1], countries[1]);
    assert_int_equal(back.n_fields, 2);
    assert_string_equal(back.fields[1], fields[1]);
    assert_int_equal(back.since, 2010);
    assert_int_equal(back.until, 2016);
    assert_int_equal(back.sort, KT_SORT_DATE_DESC);
    assert_int_equal(back.page, 4);
    assert_int_equal(back.format, KT_CGI_HTML);
    kt_cgi_request_free(&back);

    kt_buf_clear(&link);
    kt_search_request empty = {.limit = 10};
    assert_int_equal(kt_html_link(&link, &empty, 1, "csv"), KT_OK);
    assert_string_equal(kt_buf_str(&link), "?format=csv");
    kt_buf_clear(&link);
    assert_int_equal(kt_html_link(&link, &empty, 1, NULL), KT_OK);
    assert_string_equal(kt_buf_str(&link), "?");
    kt_buf_free(&link);
}

/* ---- results made by hand ---- */

static void set_hit(kt_hit *h, uint32_t rank, const char *id, const char *title, const char *url, const char *snippet)
{
    static const char *const cols[KT_COL_COUNT] = {
        [KT_COL_MUNICIPALITY] = "\"秋田県\" <i>", [KT_COL_PREFECTURE] = "秋田県",
        [KT_COL_PARTNER] = "<img src=x onerror=alert(1)>", [KT_COL_COUNTRY] = "中国",
        [KT_COL_FIELDS] = "観光", [KT_COL_DESCRIPTION] = "d", [KT_COL_SIGNED] = "2016-10"};
    for (int c = 0; c < KT_COL_COUNT; c++)
        h->col[c] = dup(cols[c] ? cols[c] : "");
    free(h->col[KT_COL_ID]);
    free(h->col[KT_COL_TITLE]);
    free(h->col[KT_COL_URL]);
    h->col[KT_COL_ID] = dup(id);
    h->col[KT_COL_TITLE] = dup(title);
    h->col[KT_COL_URL] = dup(url);
    h->rank = rank;
    h->score = 1.5;
    h->country = dup("中国");
    h->fields = calloc(2, sizeof *h->fields);
    h->fields[0] = dup("観光");
    h->fields[1] = dup("<u>field</u>");
    h->n_fields = 2;
    h->snippet = dup(snippet);
}

static void add_facet(kt_facet *f, const char *value, uint32_t count)
{
    assert_int_equal(KT_GROW(f->items, f->cap, f->count + 1), KT_OK);
    f->items[f->count++] = (kt_facet_count){dup(value), count};
}

/* Three hostile hits (of 25 in all) on page 2. */
static kt_result *hostile_result(void)
{
    kt_result *r = calloc(1, sizeof *r);
    r->total = 25;
    r->offset = 10;
    r->limit = 10;
    r->n_hits = 3;
    r->hits = calloc(3, sizeof *r->hits);
    set_hit(&r->hits[0], 11, "a\"1", "<script>alert(1)</script>交流協定", "javascript:alert(1)",
            "前<b>交流</b>後 & more");
    r->hits[0].marks = calloc(2, sizeof(kt_mark));
    r->hits[0].marks[0] = (kt_mark){6, 12};   /* 交流 */
    r->hits[0].marks[1] = (kt_mark){8, 10};   /* overlaps the first: ignored */
    r->hits[0].n_marks = 2;
    r->hits[0].title_marks = calloc(1, sizeof(kt_mark));
    r->hits[0].title_marks[0] = (kt_mark){25, 31};
    r->hits[0].n_title_marks = 1;
    set_hit(&r->hits[1], 12, "b-2", "普通の協定", "https://example.org/p?a=1&b='x'", "s");
    r->hits[1].marks = calloc(2, sizeof(kt_mark));
    r->hits[1].marks[0] = (kt_mark){0, 99};   /* out of bounds: ignored */
    r->hits[1].marks[1] = (kt_mark){1, 0};    /* backwards: ignored */
    r->hits[1].n_marks = 2;
    set_hit(&r->hits[2], 13, "c-3", "引用符\"'", "https://example.org/\"onmouseover=\"alert(1)", "");
    add_facet(&r->countries, "中国", 20);
    add_facet(&r->countries, "<script>x</script>", 5);
    add_facet(&r->fields, "観光", 25);
    return r;
}

static char *render_fragment(const kt_search_request *req, const kt_result *r)
{
    char *text = NULL;
    size_t size = 0;
    FILE *mem = open_memstream(&text, &size);
    kt_error err;
    assert_int_equal(kt_write_html_fragment(mem, req, r, &err), KT_OK);
    fclose(mem);
    return text;
}

static void assert_contains(const char *html, const char *part)
{
    if (!strstr(html, part))
        fail_msg("missing: %s", part);
}

static void assert_lacks(const char *html, const char *part)
{
    if (strstr(html, part))
        fail_msg("present: %s", part);
}

/* The markup of one hit (up to its </li>), in a static buffer. */
static const char *hit_markup(const char *html, const char *id)
{
    static char one[8192];
    char key[128];
    snprintf(key, sizeof key, "data-id=\"%s\"", id);
    const char *start = strstr(html, key);
    assert_non_null(start);
    const char *end = strstr(start, "</li>");
    assert_non_null(end);
    assert_true((size_t)(end - start) < sizeof one);
    memcpy(one, start, (size_t)(end - start));
    one[end - start] = '\0';
    return one;
}

static void test_fragment_escapes_every_value(void **state)
{
    (void)state;
    const char *countries[] = {"<script>x</script>"};
    kt_search_request req = {.query = "\"><script>alert(1)</script>", .countries = countries, .n_countries = 1,
                             .offset = 10, .limit = 10};
    kt_result *r = hostile_result();
    char *html = render_fragment(&req, r);
    assert_lacks(html, "<script");
    assert_lacks(html, "<img");
    assert_lacks(html, "<u>");
    assert_lacks(html, "<i>");
    assert_lacks(html, "javascript:");
    assert_lacks(html, "onmouseover=\"");
    assert_contains(html, "&lt;script&gt;alert(1)&lt;/script&gt;<mark>交流</mark>協定");
    assert_contains(html, "「<span class=\"kt-q\">&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;</span>」");
    assert_contains(html, "<span class=\"kt-partner\">&lt;img src=x onerror=alert(1)&gt;</span>");
    assert_contains(html, "data-id=\"a&quot;1\"");
    assert_contains(html, "前&lt;b&gt;<mark>交流</mark>&lt;/b&gt;後 &amp; more");
    /* the javascript: URL and the one with a quote are not links; the good one is, escaped */
    assert_contains(html, "<a href=\"https://example.org/p?a=1&amp;b=&#39;x&#39;\" rel=\"nofollow noopener "
                          "noreferrer\">出典: example.org</a>");
    assert_null(strstr(hit_markup(html, "a&quot;1"), "kt-source"));
    assert_null(strstr(hit_markup(html, "c-3"), "kt-source"));
    assert_non_null(strstr(hit_markup(html, "b-2"), "kt-source"));
    /* the facet value and the active filter, escaped as text and percent-encoded in links */
    assert_contains(html, "<span class=\"kt-value\">&lt;script&gt;x&lt;/script&gt;</span>");
    assert_contains(html, "country=%3Cscript%3Ex%3C%2Fscript%3E");
    assert_contains(html, "国・地域: &lt;script&gt;x&lt;/script&gt;");
    free(html);
    kt_result_free(r);
}

static void test_fragment_structure(void **state)
{
    (void)state;
    const char *countries[] = {"中国"};
    kt_search_request req = {.query = "交流", .countries = countries, .n_countries = 1, .since = 2001,
                             .offset = 10, .limit = 10};
    kt_result *r = hostile_result();
    char *html = render_fragment(&req, r);
    assert_true(strncmp(html, "<div class=\"kyotei\">", 20) == 0);
    assert_contains(html, "<strong class=\"kt-total\">25</strong>件");
    assert_contains(html, "（11〜13件目）");
    assert_contains(html, "<ol class=\"kt-hits\" start=\"11\">");
    assert_contains(html, "<time class=\"kt-signed\" datetime=\"2016-10\">2016年10月締結</time>");
    /* the selected country's link removes it; the other adds to it */
    assert_contains(html, "<li class=\"kt-selected\"><a href=\"?q=%E4%BA%A4%E6%B5%81&amp;since=2001\" "
                          "aria-current=\"true\"");
    assert_contains(html, "href=\"?q=%E4%BA%A4%E6%B5%81&amp;country=%E4%B8%AD%E5%9B%BD&amp;country=%3Cscript");
    /* active filters, each removable, and all of them at once */
    assert_contains(html, "<a class=\"kt-remove\" href=\"?q=%E4%BA%A4%E6%B5%81&amp;country=%E4%B8%AD%E5%9B%BD\">"
                          "締結: 2001年から");
    assert_contains(html, "<a class=\"kt-clear\" href=\"?q=%E4%BA%A4%E6%B5%81\">");
    /* pages 1..3 of 25, this is 2: previous, 1, [2], 3, next */
    assert_contains(html, "<nav class=\"kt-pages\"");
    assert_contains(html, "page=3\" rel=\"next\">次へ</a>");
    assert_contains(html, "since=2001\" rel=\"prev\">前へ</a>");
    assert_contains(html, "<span aria-current=\"page\">2</span>");
    assert_contains(html, "href=\"?q=%E4%BA%A4%E6%B5%81&amp;country=%E4%B8%AD%E5%9B%BD&amp;since=2001&amp;"
                          "sort=date\">新しい順</a>");
    assert_contains(html, "format=csv\" rel=\"nofollow\" download>");
    assert_lacks(html, "kt-partial");
    free(html);
    kt_result_free(r);
}

static void test_partial_empty_and_past_the_end(void **state)
{
    (void)state;
    kt_search_request req = {.query = "交流 存在しない語", .limit = 10};
    kt_result *r = hostile_result();
    r->partial = true;
    r->offset = 0;
    char *html = render_fragment(&req, r);
    assert_contains(html, "<p class=\"kt-partial\">すべての語を含む協定は見つかりませんでした。");
    free(html);

    /* a page after the last one */
    kt_result none = {.total = 25, .offset = 990, .limit = 10};
    req.offset = 990;
    html = render_fragment(&req, &none);
    assert_contains(html, "このページに結果はありません。");
    assert_lacks(html, "kt-hits");
    free(html);

    kt_result nothing = {.limit = 10};
    req.offset = 0;
    html = render_fragment(&req, &nothing);
    assert_contains(html, "<p class=\"kt-none\">該当する協定は見つかりませんでした。別の語で検索してください。");
    assert_contains(html, "<strong class=\"kt-total\">0</strong>件");
    assert_lacks(html, "kt-pages");
    assert_lacks(html, "kt-sort");
    free(html);
    kt_result_free(r);
}

static void test_words_not_searched_are_shown_escaped(void **state)
{
    (void)state;
    kt_search_request req = {.query = "<b>x</b>:y 探しています", .limit = 10};
    kt_result *r = hostile_result();
    assert_int_equal(kt_ignored_add(&r->ignored, "<b>x</b>:", strlen("<b>x</b>:"), KT_IGNORED_NOT_A_PREFIX), KT_OK);
    assert_int_equal(kt_ignored_add(&r->ignored, "探し", strlen("探し"), KT_IGNORED_PHRASING), KT_OK);
    char *html = render_fragment(&req, r);
    assert_contains(html, "<ul class=\"kt-ignored\">");
    assert_contains(html, "<li>「&lt;b&gt;x&lt;/b&gt;:」: この接頭辞はありません。文字列として検索しました</li>");
    assert_contains(html, "<li>「探し」: 依頼の言い回しなので検索していません</li>");
    assert_lacks(html, "<b>x</b>");
    free(html);
    kt_result_free(r);

    /* a suggestion is a link that runs it, with the filters kept, escaped */
    r = hostile_result();
    r->suggestion = dup("医療 <x>");
    const char *countries[] = {"中国"};
    req.countries = countries;
    req.n_countries = 1;
    html = render_fragment(&req, r);
    assert_contains(html, "<p class=\"kt-suggestion\">もしかして: <a href=\"?q=%E5%8C%BB%E7%99%82+%3Cx%3E&amp;country=");
    assert_contains(html, "\">医療 &lt;x&gt;</a></p>");
    free(html);
    kt_result_free(r);
}

static void test_pagination_is_capped(void **state)
{
    (void)state;
    kt_search_request req = {.offset = 500 * 10, .limit = 10};
    kt_result many = {.total = 1000000, .offset = 5000, .limit = 10};
    char *html = render_fragment(&req, &many);
    char last[64];
    snprintf(last, sizeof last, "page=%d\">%d</a>", KT_CGI_MAX_PAGE, KT_CGI_MAX_PAGE);
    assert_contains(html, last);
    assert_lacks(html, "page=1001");
    assert_contains(html, "<span aria-current=\"page\">501</span>");
    assert_contains(html, "page=499\">499</a>");
    assert_contains(html, "<span class=\"kt-gap\">…</span>");
    free(html);
}

static char *render_page(const char *tmpl, const kt_search_request *req, const kt_result *r, kt_status expect)
{
    char *text = NULL;
    size_t size = 0;
    FILE *mem = open_memstream(&text, &size);
    kt_error err;
    assert_int_equal(kt_write_html_page(mem, tmpl, req, r, &err), expect);
    fclose(mem);
    return text;
}

static void test_built_in_page(void **state)
{
    (void)state;
    kt_search_request req = {.query = "\"交流'", .limit = 10, .sort = KT_SORT_DATE_DESC, .until = 2016};
    kt_result *r = hostile_result();
    char *html = render_page(NULL, &req, r, KT_OK);
    assert_true(strncmp(html, "<!DOCTYPE html>\n<html lang=\"ja\">", 31) == 0);
    assert_contains(html, "<meta charset=\"utf-8\">");
    assert_contains(html, "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">");
    assert_contains(html, "<title>「&quot;交流&#39;」の検索結果 | 国際協定検索</title>");
    assert_contains(html, "<style>:root{");
    assert_contains(html, "@media (max-width:48rem)");
    assert_contains(html, "<input type=\"search\" name=\"q\" value=\"&quot;交流&#39;\"");
    assert_contains(html, "<input type=\"hidden\" name=\"sort\" value=\"date\">");
    assert_contains(html, "<details class=\"kt-more\" open>");
    assert_contains(html, "name=\"until\" min=\"1000\" max=\"9999\" inputmode=\"numeric\" value=\"2016\"");
    assert_contains(html, "<div class=\"kyotei\">");
    assert_lacks(html, "{{");
    assert_lacks(html, "<script");
    assert_lacks(html, "http://");  /* no external resource */
    assert_true(strstr(html, "</html>") != NULL);
    free(html);
    kt_result_free(r);
}

static void test_templates(void **state)
{
    (void)state;
    kt_search_request req = {.query = "<q>", .limit = 10};
    kt_result nothing = {.limit = 10};
    char *html = render_page("<h1>{{title}}</h1>{{query}}|{{form}}|{{results}}|{{ style }}{{a-b}}{{}}{{x", &req,
                             &nothing, KT_OK);
    assert_true(strncmp(html, "<h1>「&lt;q&gt;」の検索結果 | 国際協定検索</h1>&lt;q&gt;|<form class=\"kt-form\"", 72) == 0);
    assert_contains(html, "|<div class=\"kyotei\">");
    assert_true(strstr(html, "</div>\n|{{ style }}{{a-b}}{{}}{{x") != NULL);
    free(html);
    html = render_page("{{style}}", &req, &nothing, KT_OK);
    assert_true(strncmp(html, ":root{", 6) == 0);
    free(html);

    kt_error err;
    assert_int_equal(kt_html_template_check("ok {{results}}\n{{form}}", &err), KT_OK);
    assert_int_equal(kt_html_template_check("a\nb\n<p>{{reslts}}</p>", &err), KT_ERR_INPUT);
    assert_string_equal(err.message, "line 3: unknown placeholder {{reslts}}");
    html = render_page("{{nope}}", &req, &nothing, KT_ERR_INPUT);
    assert_string_equal(html, "");  /* nothing written */
    free(html);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_escape),
        cmocka_unit_test(test_urls),
        cmocka_unit_test(test_links_round_trip),
        cmocka_unit_test(test_fragment_escapes_every_value),
        cmocka_unit_test(test_fragment_structure),
        cmocka_unit_test(test_partial_empty_and_past_the_end),
        cmocka_unit_test(test_pagination_is_capped),
        cmocka_unit_test(test_words_not_searched_are_shown_escaped),
        cmocka_unit_test(test_built_in_page),
        cmocka_unit_test(test_templates),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
