/* web/request: decoding QUERY_STRING into a request — every parameter, form-style empty values,
 * and each way a hostile or broken request is refused (bad percent-encoding, NUL, invalid UTF-8,
 * control characters, overlong values, out-of-range numbers, floods of parameters). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "base/buf.h"
#include "web/respond.h"

static kt_status parse(const char *qs, kt_cgi_request *req, kt_error *err)
{
    kt_error_clear(err);
    return kt_cgi_parse(qs, req, err);
}

/* Expects qs to be refused with `status` and a message containing `words`. */
static void refused(const char *qs, kt_status status, const char *words)
{
    kt_cgi_request req;
    kt_error err;
    kt_status st = parse(qs, &req, &err);
    if (st != status || !strstr(err.message, words))
        fail_msg("'%.80s': got %s '%s', expected %s with '%s'", qs, kt_status_name(st), err.message,
                 kt_status_name(status), words);
    assert_string_equal(req.query, "");  /* an empty request is left behind */
    assert_int_equal(req.n_countries, 0);
    kt_cgi_request_free(&req);  /* harmless after an error */
}

static void test_every_parameter(void **state)
{
    (void)state;
    kt_cgi_request req;
    kt_error err;
    assert_int_equal(parse("q=%E9%9D%92%E5%B0%91%E5%B9%B4+%E4%BA%A4%E6%B5%81&country=%E9%9F%93%E5%9B%BD"
                           "&field=%E8%A6%B3%E5%85%89&country=%E4%B8%AD%E5%9B%BD&since=2010&until=2016"
                           "&sort=date&page=3&format=json",
                           &req, &err),
                     KT_OK);
    assert_string_equal(req.query, "青少年 交流");
    assert_int_equal(req.n_countries, 2);
    assert_string_equal(req.countries[0], "韓国");
    assert_string_equal(req.countries[1], "中国");
    assert_int_equal(req.n_fields, 1);
    assert_string_equal(req.fields[0], "観光");
    assert_int_equal(req.since, 2010);
    assert_int_equal(req.until, 2016);
    assert_int_equal(req.sort, KT_SORT_DATE_DESC);
    assert_int_equal(req.page, 3);
    assert_int_equal(req.format, KT_CGI_JSON);

    kt_search_request s;
    kt_cgi_search_request(&req, &s);
    assert_string_equal(s.query, "青少年 交流");
    assert_int_equal(s.n_countries, 2);
    assert_int_equal(s.offset, 2 * KT_CGI_PAGE_SIZE);
    assert_int_equal(s.limit, KT_CGI_PAGE_SIZE);
    assert_false(s.all);
    assert_int_equal(s.since, 2010);
    kt_cgi_request_free(&req);
}

static void test_defaults_and_empty_form_values(void **state)
{
    (void)state;
    kt_cgi_request req;
    kt_error err;
    const char *empties[] = {NULL, "", "q=&since=&until=&sort=&page=&format=&country=&field=", "q", "&&&"};
    for (size_t i = 0; i < sizeof empties / sizeof empties[0]; i++) {
        assert_int_equal(parse(empties[i], &req, &err), KT_OK);
        assert_string_equal(req.query, "");
        assert_int_equal(req.n_countries + req.n_fields, 0);
        assert_int_equal(req.since + req.until, 0);
        assert_int_equal(req.sort, KT_SORT_RELEVANCE);
        assert_int_equal(req.page, 1);
        assert_int_equal(req.format, KT_CGI_HTML);
        kt_cgi_request_free(&req);
    }
}

static void test_formats_and_csv_asks_for_everything(void **state)
{
    (void)state;
    static const struct { const char *qs; kt_cgi_format f; } cases[] = {
        {"format=html", KT_CGI_HTML}, {"format=fragment", KT_CGI_FRAGMENT}, {"format=json", KT_CGI_JSON},
        {"format=csv", KT_CGI_CSV}, {"sort=relevance&format=csv&page=7", KT_CGI_CSV}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        kt_cgi_request req;
        kt_error err;
        assert_int_equal(parse(cases[i].qs, &req, &err), KT_OK);
        assert_int_equal(req.format, cases[i].f);
        kt_search_request s;
        kt_cgi_search_request(&req, &s);
        assert_int_equal(s.all, cases[i].f == KT_CGI_CSV);
        kt_cgi_request_free(&req);
    }
}

static void test_hostile_text_is_decoded_not_refused(void **state)
{
    (void)state;
    kt_cgi_request req;
    kt_error err;
    /* <script>"'&javascript:alert(1) with a tab and a line break: valid text, escaped later */
    assert_int_equal(parse("q=%3Cscript%3E%22%27%26javascript%3Aalert(1)%09%0A&country=%3Cb%3E", &req, &err), KT_OK);
    assert_string_equal(req.query, "<script>\"'&javascript:alert(1)\t\n");
    assert_string_equal(req.countries[0], "<b>");
    kt_cgi_request_free(&req);
    /* a '+' written as %2B stays a plus; a raw '+' is a space */
    assert_int_equal(parse("q=C%2B%2B+x", &req, &err), KT_OK);
    assert_string_equal(req.query, "C++ x");
    kt_cgi_request_free(&req);
    /* parameters a site adds for itself are ignored */
    assert_int_equal(parse("utm_source=mail&q=a&lang=ja", &req, &err), KT_OK);
    assert_string_equal(req.query, "a");
    kt_cgi_request_free(&req);
}

static void test_bad_percent_encoding(void **state)
{
    (void)state;
    refused("q=%ZZ", KT_ERR_INPUT, "percent-encoding");
    refused("q=%4", KT_ERR_INPUT, "percent-encoding");
    refused("q=abc%", KT_ERR_INPUT, "percent-encoding");
    refused("q=%%41", KT_ERR_INPUT, "percent-encoding");
    refused("q=%G1", KT_ERR_INPUT, "percent-encoding");
    refused("%zz=1", KT_ERR_INPUT, "percent-encoding");
}

static void test_nul_and_control_characters(void **state)
{
    (void)state;
    refused("q=a%00b", KT_ERR_INPUT, "NUL");
    refused("country=%00", KT_ERR_INPUT, "NUL");
    refused("q=%01", KT_ERR_INPUT, "control character");
    refused("q=a%1Bb", KT_ERR_INPUT, "control character");
    refused("q=%7F", KT_ERR_INPUT, "control character");
}

static void test_invalid_utf8(void **state)
{
    (void)state;
    refused("q=%FF", KT_ERR_ENCODING, "UTF-8");
    refused("q=%E9%9D", KT_ERR_ENCODING, "UTF-8");         /* cut short */
    refused("q=%C0%AF", KT_ERR_ENCODING, "UTF-8");         /* overlong '/' */
    refused("q=%ED%A0%80", KT_ERR_ENCODING, "UTF-8");      /* a surrogate */
    refused("q=%F4%90%80%80", KT_ERR_ENCODING, "UTF-8");   /* past U+10FFFF */
    refused("field=%80", KT_ERR_ENCODING, "UTF-8");
    refused("%FF=1", KT_ERR_ENCODING, "UTF-8");            /* names too */
    refused("q=\xff", KT_ERR_ENCODING, "UTF-8");           /* raw bytes from the server */
}

static void test_query_length(void **state)
{
    (void)state;
    kt_buf qs = KT_BUF_INIT;
    kt_buf_append_str(&qs, "q=");
    for (int i = 0; i < KT_CGI_MAX_QUERY_BYTES / 3; i++)
        kt_buf_append_str(&qs, "%E4%BA%A4");  /* 交: 3 bytes decoded */
    kt_buf_append_str(&qs, "a");               /* exactly the limit */
    kt_cgi_request req;
    kt_error err;
    assert_int_equal(parse(kt_buf_str(&qs), &req, &err), KT_OK);
    assert_int_equal(strlen(req.query), KT_CGI_MAX_QUERY_BYTES);
    kt_cgi_request_free(&req);
    kt_buf_append_str(&qs, "b");
    refused(kt_buf_str(&qs), KT_ERR_LIMIT, "longer than 1000 bytes");
    kt_buf_free(&qs);

    kt_buf value = KT_BUF_INIT;
    kt_buf_append_str(&value, "country=");
    for (int i = 0; i <= KT_CGI_MAX_VALUE_BYTES; i++)
        kt_buf_append_char(&value, 'x');
    refused(kt_buf_str(&value), KT_ERR_LIMIT, "longer than");
    kt_buf_free(&value);

    kt_buf huge = KT_BUF_INIT;
    for (int i = 0; i <= KT_CGI_MAX_QUERY_STRING; i++)
        kt_buf_append_char(&huge, 'x');
    refused(kt_buf_str(&huge), KT_ERR_LIMIT, "request is longer");
    kt_buf_free(&huge);
}

static double seconds_since(const struct timespec *t0)
{
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

static void test_floods_of_parameters_are_refused_at_once(void **state)
{
    (void)state;
    kt_buf qs = KT_BUF_INIT;
    for (int i = 0; i < KT_CGI_MAX_PARAMS; i++)
        kt_buf_printf(&qs, "%sx=%d", i ? "&" : "", i);
    kt_cgi_request req;
    kt_error err;
    assert_int_equal(parse(kt_buf_str(&qs), &req, &err), KT_OK);  /* exactly the limit */
    kt_cgi_request_free(&req);
    kt_buf_append_str(&qs, "&y=1");
    refused(kt_buf_str(&qs), KT_ERR_LIMIT, "more than 100 parameters");
    kt_buf_clear(&qs);

    /* 10,000 repeated filters: refused by counting, before anything is decoded or allocated */
    for (int i = 0; i < 10000; i++)
        kt_buf_append_str(&qs, i ? "&country=%E9%9F%93%E5%9B%BD" : "country=%E9%9F%93%E5%9B%BD");
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    refused(kt_buf_str(&qs), KT_ERR_LIMIT, "request is longer");
    kt_buf_clear(&qs);
    for (int i = 0; i < 10000; i++)
        kt_buf_append_str(&qs, i ? "&c" : "c");
    refused(kt_buf_str(&qs), KT_ERR_LIMIT, "request is longer");
    kt_buf_clear(&qs);
    for (int i = 0; i < 10000; i++)
        kt_buf_append_char(&qs, '&');
    refused(kt_buf_str(&qs), KT_ERR_LIMIT, "more than 100 parameters");
    assert_true(seconds_since(&t0) < 0.5);
    kt_buf_free(&qs);
}

static void test_numbers_and_choices(void **state)
{
    (void)state;
    refused("page=0", KT_ERR_LIMIT, "page");
    refused("page=1001", KT_ERR_LIMIT, "page");
    refused("page=-1", KT_ERR_LIMIT, "page");
    refused("page=abc", KT_ERR_LIMIT, "page");
    refused("page=1e3", KT_ERR_LIMIT, "page");
    refused("page=99999999999999999999", KT_ERR_LIMIT, "page");
    refused("page=+2", KT_ERR_LIMIT, "page");
    refused("since=201", KT_ERR_INPUT, "since");
    refused("since=20100", KT_ERR_INPUT, "since");
    refused("until=２０１０", KT_ERR_INPUT, "until");
    refused("until=0999", KT_ERR_INPUT, "until");
    refused("sort=DATE", KT_ERR_INPUT, "sort");
    refused("sort=-date", KT_ERR_INPUT, "sort");
    refused("format=xml", KT_ERR_INPUT, "format");
    refused("format=text", KT_ERR_INPUT, "format");

    kt_cgi_request req;
    kt_error err;
    assert_int_equal(parse("page=1000&since=1000&until=9999", &req, &err), KT_OK);
    assert_int_equal(req.page, KT_CGI_MAX_PAGE);
    assert_int_equal(req.since, 1000);
    assert_int_equal(req.until, 9999);
    kt_cgi_request_free(&req);
}

static void test_single_valued_parameters_given_twice(void **state)
{
    (void)state;
    refused("q=a&q=b", KT_ERR_INPUT, "q: given more than once");
    refused("page=1&page=2", KT_ERR_INPUT, "page: given more than once");
    refused("format=json&format=html", KT_ERR_INPUT, "format: given more than once");
    refused("sort=&sort=date", KT_ERR_INPUT, "sort: given more than once");
}

static void test_messages_never_repeat_the_request(void **state)
{
    (void)state;
    const char *hostile[] = {"q=%3Cscript%3E%FF", "%3Cscript%3E=%ZZ", "page=%3Cscript%3E", "format=%3Cscript%3E",
                             "sort=%3Cscript%3E", "since=%3Cscript%3E"};
    for (size_t i = 0; i < sizeof hostile / sizeof hostile[0]; i++) {
        kt_cgi_request req;
        kt_error err;
        assert_int_not_equal(parse(hostile[i], &req, &err), KT_OK);
        assert_null(strstr(err.message, "script"));
        assert_null(strchr(err.message, '<'));
    }
}

static void test_methods(void **state)
{
    (void)state;
    bool head;
    assert_true(kt_cgi_method_allowed("GET", &head));
    assert_false(head);
    assert_true(kt_cgi_method_allowed("HEAD", &head));
    assert_true(head);
    assert_true(kt_cgi_method_allowed(NULL, &head));
    assert_false(head);
    const char *refused_methods[] = {"POST", "PUT", "DELETE", "OPTIONS", "get", "TRACE", "GETX"};
    for (size_t i = 0; i < sizeof refused_methods / sizeof refused_methods[0]; i++)
        assert_false(kt_cgi_method_allowed(refused_methods[i], &head));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_parameter),
        cmocka_unit_test(test_defaults_and_empty_form_values),
        cmocka_unit_test(test_formats_and_csv_asks_for_everything),
        cmocka_unit_test(test_hostile_text_is_decoded_not_refused),
        cmocka_unit_test(test_bad_percent_encoding),
        cmocka_unit_test(test_nul_and_control_characters),
        cmocka_unit_test(test_invalid_utf8),
        cmocka_unit_test(test_query_length),
        cmocka_unit_test(test_floods_of_parameters_are_refused_at_once),
        cmocka_unit_test(test_numbers_and_choices),
        cmocka_unit_test(test_single_valued_parameters_given_twice),
        cmocka_unit_test(test_messages_never_repeat_the_request),
        cmocka_unit_test(test_methods),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
