/* cli/batch: one query a line in, one line of JSON out — the very object kt_write_json writes
 * for that search — with blank lines skipped, bad lines answered with an error object while the
 * run goes on, and failures of the index or of the output ending the run. */
#include "tests/shards/fixture.h"
#include "tests/shards/servers.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "cli/batch.h"
#include "kyotei/output.h"

static int group_setup(void **state)
{
    (void)state;
    return fx_group_setup(2);
}

/* A stream holding len bytes of text, at its start. */
static FILE *input(const char *text, size_t len)
{
    FILE *f = tmpfile();
    assert_non_null(f);
    assert_int_equal(fwrite(text, 1, len, f), len);
    rewind(f);
    return f;
}

/* Everything written to f, as one string (caller frees). */
static char *contents(FILE *f)
{
    long n = ftell(f);
    assert_true(n >= 0);
    rewind(f);
    char *text = malloc((size_t)n + 1);
    assert_non_null(text);
    assert_int_equal(fread(text, 1, (size_t)n, f), (size_t)n);
    text[n] = '\0';
    return text;
}

/* Runs the batch on text; returns its status and the output lines, parsed. */
static kt_status run(kt_searcher *s, const kt_search_request *base, const char *text, size_t len,
                     kt_batch_stats *stats, json_t **lines, kt_error *err)
{
    FILE *in = input(text, len), *out = tmpfile();
    assert_non_null(out);
    kt_status st = kt_batch_run(s, base, in, out, stats, err);
    char *written = contents(out);
    *lines = json_array();
    for (char *line = written, *end; *line; line = end + 1) {
        end = strchr(line, '\n');
        assert_non_null(end); /* every object ends its line */
        *end = '\0';
        json_error_t jerr;
        json_t *obj = json_loads(line, 0, &jerr);
        if (!obj)
            fail_msg("not one JSON object a line: %s (%s)", line, jerr.text);
        json_array_append_new(*lines, obj);
    }
    free(written);
    fclose(in);
    fclose(out);
    return st;
}

/* What kt_write_json writes for one search, parsed. */
static json_t *expected(kt_searcher *s, const kt_search_request *base, const char *query)
{
    kt_search_request req = *base;
    req.query = query;
    kt_result *r = fx_search(s, &req);
    FILE *out = tmpfile();
    kt_error err = {0};
    KIT_OK(kt_write_json(out, r, query, &err), &err);
    char *text = contents(out);
    fclose(out);
    kt_result_free(r);
    json_t *obj = json_loads(text, 0, NULL);
    assert_non_null(obj);
    free(text);
    return obj;
}

static void assert_json_equal(json_t *want, json_t *got)
{
    if (json_equal(want, got))
        return;
    char *a = json_dumps(want, JSON_COMPACT), *b = json_dumps(got, JSON_COMPACT);
    fail_msg("expected\n%s\ngot\n%s", a, b);
}

static void test_each_line_is_the_json_of_its_search(void **state)
{
    (void)state;
    static const char text[] = "青少年 交流\n"
                               "\n"
                               "country:中国 観光\r\n"
                               "   \t \n"
                               "\xE3\x80\x80\n"        /* an ideographic space alone */
                               "ペンギン\n"             /* nothing */
                               "\"経済交流\"\n"
                               "観光 OR 医療";          /* no line end at the end */
    static const char *const queries[] = {"青少年 交流", "country:中国 観光", "ペンギン", "\"経済交流\"",
                                          "観光 OR 医療"};
    static const char *const china[] = {"中国"};
    kt_search_request bases[2] = {{.limit = 10}, {.limit = 3, .offset = 1, .sort = KT_SORT_DATE_DESC}};
    bases[1].countries = china;
    bases[1].n_countries = 1;
    for (int b = 0; b < 2; b++) {
        kt_batch_stats stats;
        json_t *lines;
        kt_error err = {0};
        KIT_OK(run(fx_shared.whole, &bases[b], text, sizeof text - 1, &stats, &lines, &err), &err);
        assert_int_equal(json_array_size(lines), 5);
        assert_int_equal(stats.queries, 5);
        assert_int_equal(stats.failed, 0);
        size_t found = 0;
        for (size_t i = 0; i < 5; i++) {
            json_t *want = expected(fx_shared.whole, &bases[b], queries[i]);
            found += json_integer_value(json_object_get(want, "total")) > 0;
            assert_json_equal(want, json_array_get(lines, i));
            json_decref(want);
        }
        assert_int_equal(stats.found, found);
        assert_true(found >= 2 && found < 5);
        json_decref(lines);
    }
}

/* Fails unless obj is {"line": line, ["query": query,] "error": …containing says}. */
static void assert_error_object(json_t *obj, size_t line, const char *query, const char *says)
{
    assert_int_equal(json_integer_value(json_object_get(obj, "line")), line);
    if (query)
        assert_string_equal(json_string_value(json_object_get(obj, "query")), query);
    else
        assert_null(json_object_get(obj, "query"));
    KIT_CONTAINS(json_string_value(json_object_get(obj, "error")), says);
    assert_int_equal(json_object_size(obj), query ? 3 : 2);
}

static void test_bad_lines_get_an_error_and_the_run_goes_on(void **state)
{
    (void)state;
    kt_buf text = KT_BUF_INIT, many = KT_BUF_INIT, longest = KT_BUF_INIT;
    for (int i = 0; i < 300; i++)
        kt_buf_printf(&many, "%s語%d", i ? " " : "", i);
    for (int i = 0; i < KT_SEARCH_MAX_QUERY_BYTES; i++)
        kt_buf_append_char(&longest, 'a');
    kt_buf_append_str(&text, "交流\n");                           /* 1 */
    kt_buf_append_str(&text, "\xFF観光\n");                       /* 2: not UTF-8 */
    kt_buf_append(&text, "観光\0医療\n", strlen("観光") * 2 + 2);  /* 3: a NUL byte */
    kt_buf_append_str(&text, kt_buf_str(&longest));               /* 4: as long as a query may be */
    kt_buf_append_str(&text, "\n");
    kt_buf_append_str(&text, kt_buf_str(&longest));               /* 5: one byte more */
    kt_buf_append_str(&text, "a\r\n");
    kt_buf_append_str(&text, kt_buf_str(&many));                  /* 6: too many words */
    kt_buf_append_str(&text, "\n\n");                             /* 7: blank */
    for (int i = 0; i < 3; i++)                                   /* 8: far too long */
        kt_buf_append_str(&text, kt_buf_str(&longest));
    kt_buf_append_str(&text, "\n観光\n");                          /* 9 */

    kt_search_request base = {.limit = 2};
    kt_batch_stats stats;
    json_t *lines;
    kt_error err = {0};
    KIT_OK(run(fx_shared.whole, &base, text.data, text.len, &stats, &lines, &err), &err);
    assert_int_equal(json_array_size(lines), 8);
    assert_int_equal(stats.queries, 8);
    assert_int_equal(stats.failed, 5);
    assert_int_equal(stats.found, 2);

    json_t *want = expected(fx_shared.whole, &base, "交流");
    assert_json_equal(want, json_array_get(lines, 0));
    json_decref(want);
    assert_error_object(json_array_get(lines, 1), 2, NULL, "UTF-8");
    assert_error_object(json_array_get(lines, 2), 3, NULL, "NUL");
    want = expected(fx_shared.whole, &base, kt_buf_str(&longest));
    assert_json_equal(want, json_array_get(lines, 3));
    json_decref(want);
    assert_error_object(json_array_get(lines, 4), 5, NULL, "longer than 4096 bytes");
    assert_error_object(json_array_get(lines, 5), 6, kt_buf_str(&many), "");
    assert_error_object(json_array_get(lines, 6), 8, NULL, "longer than 4096 bytes");
    want = expected(fx_shared.whole, &base, "観光");
    assert_json_equal(want, json_array_get(lines, 7));
    json_decref(want);

    json_decref(lines);
    kt_buf_free(&text);
    kt_buf_free(&many);
    kt_buf_free(&longest);
}

static void test_empty_input_and_failing_output(void **state)
{
    (void)state;
    kt_search_request base = {.limit = 10};
    kt_batch_stats stats = {1, 1, 1};
    json_t *lines;
    kt_error err = {0};
    KIT_OK(run(fx_shared.whole, &base, "", 0, &stats, &lines, &err), &err);
    assert_int_equal(json_array_size(lines), 0);
    assert_int_equal(stats.queries + stats.found + stats.failed, 0);
    json_decref(lines);

    /* a full disk (or a closed pipe) ends the run with an I/O error */
    FILE *full = fopen("/dev/full", "w");
    if (!full)
        skip();
    FILE *in = input("交流\n観光\n", strlen("交流\n観光\n"));
    assert_int_equal(kt_batch_run(fx_shared.whole, &base, in, full, &stats, &err), KT_ERR_IO);
    KIT_CONTAINS(err.message, "cannot write");
    assert_int_equal(stats.queries, 1);
    fclose(in);
    fclose(full);
}

/* A shard that is down ends the run at the line that found it down, unless partial results are
 * allowed: then every line runs, each saying which shard is missing. */
static void test_shard_down_during_a_batch(void **state)
{
    (void)state;
    srv_need_tcpsrv();
    unsigned port = srv_serve(fx_shared.ix.shard[1], 0);
    char spec1[64];
    snprintf(spec1, sizeof spec1, "tcp://127.0.0.1:%u", port);
    const char *specs[] = {fx_shared.ix.shard[0], spec1};
    kt_searcher_options strict_opts, partial_opts;
    kt_searcher_options_init(&strict_opts);
    strict_opts.timeout_ms = strict_opts.connect_timeout_ms = 2000; /* refused at once; live ones answer */
    partial_opts = strict_opts;
    partial_opts.allow_partial = true;
    kt_searcher *strict = fx_open(specs, 2, &strict_opts), *partial = fx_open(specs, 2, &partial_opts);
    const char *local[] = {fx_shared.ix.shard[0]};
    kt_searcher *half = fx_open(local, 1, NULL);
    kt_search_request base = {.limit = 5};
    static const char text[] = "交流\n観光\n経済\n";
    kt_batch_stats stats;
    json_t *lines;
    kt_error err = {0};
    KIT_OK(run(strict, &base, text, sizeof text - 1, &stats, &lines, &err), &err);
    assert_int_equal(json_array_size(lines), 3);
    json_t *want = expected(fx_shared.whole, &base, "経済");
    assert_json_equal(want, json_array_get(lines, 2));
    json_decref(want);
    json_decref(lines);

    srv_stop(port);
    assert_int_equal(run(strict, &base, text, sizeof text - 1, &stats, &lines, &err), KT_ERR_INDEX);
    KIT_CONTAINS(err.message, spec1);
    assert_int_equal(json_array_size(lines), 1);
    assert_error_object(json_array_get(lines, 0), 1, "交流", spec1);
    assert_int_equal(stats.failed, 1);
    json_decref(lines);

    KIT_OK(run(partial, &base, text, sizeof text - 1, &stats, &lines, &err), &err);
    assert_int_equal(json_array_size(lines), 3);
    assert_int_equal(stats.failed, 0);
    static const char *const queries[] = {"交流", "観光", "経済"};
    for (size_t i = 0; i < 3; i++) {
        want = expected(half, &base, queries[i]);
        json_object_set_new(want, "shards_missing", json_pack("[s]", spec1));
        assert_json_equal(want, json_array_get(lines, i));
        json_decref(want);
    }
    json_decref(lines);
    kt_searcher_close(strict);
    kt_searcher_close(partial);
    kt_searcher_close(half);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_each_line_is_the_json_of_its_search),
        cmocka_unit_test(test_bad_lines_get_an_error_and_the_run_goes_on),
        cmocka_unit_test(test_empty_input_and_failing_output),
        cmocka_unit_test_teardown(test_shard_down_during_a_batch, fx_stop_servers),
    };
    return cmocka_run_group_tests(tests, group_setup, fx_group_teardown);
}
