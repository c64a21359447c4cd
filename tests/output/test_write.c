/* output: the JSON writer (every key, exact round trips of hostile text) and the text
 * writer (marks in a custom style), over results of an index built from the bundled corpus and
 * over results made by hand; failed streams give KT_ERR_IO. */
#include "tests/support/kit.h"

#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kyotei/output.h"
#include "kyotei/search.h"
#include "schema/schema.h"

typedef struct fixture {
    char *tmp;
    kt_searcher *s;
} fixture;

static fixture *fx;

static int group_setup(void **state)
{
    (void)state;
    fx = calloc(1, sizeof *fx);
    fx->tmp = kit_mkdtemp();
    char *index = kit_path(fx->tmp, "index");
    kt_lexicon *lex = kit_lexicon();
    kt_error err = {0};
    const char *corpus[] = {kit_corpus()};
    KIT_OK(kit_rebuild(index, corpus, 1, lex, NULL, NULL, &err), &err);
    kt_lexicon_close(lex);
    const char *paths[] = {index};
    KIT_OK(kt_searcher_open(paths, 1, kit_data_dir(), &fx->s, &err), &err);
    free(index);
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    kt_searcher_close(fx->s);
    kit_rmtree(fx->tmp);
    free(fx->tmp);
    free(fx);
    return 0;
}

static kt_result *search_words(const char *words, uint32_t limit)
{
    kt_search_request req = {0};
    req.query = words;
    req.limit = limit;
    kt_result *r = NULL;
    kt_error err = {0};
    KIT_OK(kt_search(fx->s, &req, &r, &err), &err);
    return r;
}

/* What a writer printed, as a malloc'd string. */
typedef kt_status (*writer)(FILE *out, const kt_result *r, const void *arg, kt_error *err);

static kt_status json_writer(FILE *out, const kt_result *r, const void *arg, kt_error *err)
{
    return kt_write_json(out, r, arg, err);
}

static kt_status text_writer(FILE *out, const kt_result *r, const void *arg, kt_error *err)
{
    return kt_write_text(out, r, arg, err);
}

static char *written(writer w, const kt_result *r, const void *arg)
{
    FILE *out = tmpfile();
    assert_non_null(out);
    kt_error err = {0};
    KIT_OK(w(out, r, arg, &err), &err);
    long len = ftell(out);
    assert_true(len > 0);
    rewind(out);
    char *text = malloc((size_t)len + 1);
    assert_int_equal(fread(text, 1, (size_t)len, out), (size_t)len);
    text[len] = '\0';
    fclose(out);
    return text;
}

/* The text writer's output for a search, malloc'd. */
static char *text_for(const char *words, uint32_t limit, const kt_text_style *style)
{
    kt_result *r = search_words(words, limit);
    char *text = written(text_writer, r, style);
    kt_result_free(r);
    return text;
}

static json_t *parse(const char *text)
{
    json_error_t jerr;
    json_t *doc = json_loads(text, 0, &jerr);
    if (!doc) {
        fprintf(stderr, "not JSON (%s, line %d): %s\n", jerr.text, jerr.line, text);
        fail();
    }
    return doc;
}

static json_t *get(json_t *obj, const char *key, json_type type)
{
    json_t *v = json_object_get(obj, key);
    if (!v || json_typeof(v) != type) {
        fprintf(stderr, "key '%s' missing or of the wrong type\n", key);
        fail();
    }
    return v;
}

static void assert_json_string(json_t *obj, const char *key, const char *want)
{
    assert_string_equal(json_string_value(get(obj, key, JSON_STRING)), want);
}

/* The bytes of `chars` characters of s from character `start`, as jansson readers count them. */
static size_t char_offset(const char *s, size_t chars)
{
    size_t i = 0;
    for (size_t n = 0; s[i] && n < chars; n++) {
        i++;
        while (((unsigned char)s[i] & 0xC0) == 0x80)
            i++;
    }
    return i;
}

/* Checks that a JSON list of {"start", "length"} in characters is the byte marks of text. */
static void assert_marks_json(json_t *arr, const char *text, const kt_mark *marks, size_t n)
{
    assert_int_equal(json_array_size(arr), n);
    for (size_t k = 0; k < n; k++) {
        json_t *m = json_array_get(arr, k);
        size_t start = (size_t)json_integer_value(get(m, "start", JSON_INTEGER));
        size_t length = (size_t)json_integer_value(get(m, "length", JSON_INTEGER));
        size_t from = char_offset(text, start);
        size_t to = from + char_offset(text + from, length);
        assert_int_equal(from, marks[k].start);
        assert_int_equal(to, marks[k].end);
    }
}

/* Checks that the JSON document is r, written for `query`. */
static void assert_json_is_result(json_t *doc, const kt_result *r, const char *query)
{
    assert_json_string(doc, "query", query);
    assert_int_equal(json_integer_value(get(doc, "total", JSON_INTEGER)), r->total);
    assert_int_equal(json_integer_value(get(doc, "offset", JSON_INTEGER)), r->offset);
    assert_int_equal(json_integer_value(get(doc, "limit", JSON_INTEGER)), r->limit);
    assert_int_equal(json_is_true(json_object_get(doc, "partial")), r->partial);
    assert_true(json_is_boolean(json_object_get(doc, "partial")));
    json_t *hits = get(doc, "hits", JSON_ARRAY);
    assert_int_equal(json_array_size(hits), r->n_hits);
    for (size_t i = 0; i < r->n_hits; i++) {
        const kt_hit *h = &r->hits[i];
        json_t *o = json_array_get(hits, i);
        assert_true(json_is_object(o));
        assert_json_string(o, "id", h->col[KT_COL_ID]);
        assert_int_equal(json_integer_value(get(o, "rank", JSON_INTEGER)), h->rank);
        json_t *score = json_object_get(o, "score");
        assert_true(json_is_number(score));
        assert_true(json_number_value(score) == h->score);
        assert_json_string(o, "municipality", h->col[KT_COL_MUNICIPALITY]);
        assert_json_string(o, "prefecture", h->col[KT_COL_PREFECTURE]);
        assert_json_string(o, "title", h->col[KT_COL_TITLE]);
        assert_json_string(o, "partner", h->col[KT_COL_PARTNER]);
        assert_json_string(o, "country", h->country);
        assert_json_string(o, "fields_raw", h->col[KT_COL_FIELDS]);
        assert_json_string(o, "description", h->col[KT_COL_DESCRIPTION]);
        assert_json_string(o, "signed", h->col[KT_COL_SIGNED]);
        assert_json_string(o, "url", h->col[KT_COL_URL]);
        assert_json_string(o, "snippet", h->snippet);
        json_t *fields = get(o, "fields", JSON_ARRAY);
        assert_int_equal(json_array_size(fields), h->n_fields);
        for (size_t k = 0; k < h->n_fields; k++)
            assert_string_equal(json_string_value(json_array_get(fields, k)), h->fields[k]);
        /* highlights count characters, and point at the marked bytes */
        assert_marks_json(get(o, "highlights", JSON_ARRAY), h->snippet, h->marks, h->n_marks);
        assert_marks_json(get(o, "title_highlights", JSON_ARRAY), h->col[KT_COL_TITLE], h->title_marks,
                          h->n_title_marks);
    }
    json_t *facets = get(doc, "facets", JSON_OBJECT);
    const kt_facet *want[] = {&r->countries, &r->fields};
    const char *names[] = {"country", "field"};
    for (size_t f = 0; f < 2; f++) {
        json_t *arr = get(facets, names[f], JSON_ARRAY);
        assert_int_equal(json_array_size(arr), want[f]->count);
        for (size_t i = 0; i < want[f]->count; i++) {
            json_t *item = json_array_get(arr, i);
            assert_json_string(item, "value", want[f]->items[i].value);
            assert_int_equal(json_integer_value(get(item, "count", JSON_INTEGER)), want[f]->items[i].count);
        }
    }
}

static void test_json_has_every_key(void **state)
{
    (void)state;
    kt_result *r = search_words("青少年 交流", 10);
    assert_int_equal(r->total, 3);
    char *text = written(json_writer, r, "青少年　交流");
    json_t *doc = parse(text);
    assert_json_is_result(doc, r, "青少年　交流");
    json_t *first = json_array_get(json_object_get(doc, "hits"), 0);
    assert_json_string(first, "id", "akita-008");
    assert_int_equal(json_integer_value(json_object_get(first, "rank")), 1);
    /* 交流 in 将来の友好協定締結に向けた交流の促進…: the 14th character, 2 long */
    json_t *hl = json_array_get(json_object_get(first, "highlights"), 0);
    assert_int_equal(json_integer_value(json_object_get(hl, "start")), 13);
    assert_int_equal(json_integer_value(json_object_get(hl, "length")), 2);
    json_decref(doc);
    free(text);
    kt_result_free(r);

    /* nothing found: still a whole document */
    r = search_words("宇宙", 10);
    text = written(json_writer, r, NULL);
    doc = parse(text);
    assert_json_is_result(doc, r, "");
    assert_int_equal(json_array_size(json_object_get(doc, "hits")), 0);
    json_decref(doc);
    free(text);
    kt_result_free(r);
}

static char *copy_of(const char *s)
{
    char *d = strdup(s);
    assert_non_null(d);
    return d;
}

/* Text that breaks naive writers: quotes, backslashes, a closing script tag, the JavaScript line
 * separators U+2028/U+2029, JSON look-alikes, a character outside the BMP. No control characters. */
static const char *const hostile[] = {
    "\"quoted\" and 'single'",
    "back\\slash \\\" \\u0000 \\n",
    "</script><script>alert(\"x\")</script>",
    "line\xe2\x80\xa8separator\xe2\x80\xa9paragraph",
    "{\"id\": \"forged\", \"rank\": 1}",
    "𠮷野家 & <b>太字</b> …",
    "null",
    "",
};
#define N_HOSTILE (sizeof hostile / sizeof hostile[0])

static kt_result *hostile_result(void)
{
    kt_result *r = calloc(1, sizeof *r);
    r->total = 7;
    r->partial = true;
    r->offset = 2;
    r->limit = 2;
    r->n_hits = 2;
    r->hits = calloc(2, sizeof *r->hits);
    for (size_t i = 0; i < 2; i++) {
        kt_hit *h = &r->hits[i];
        h->rank = 3 + (uint32_t)i;
        h->score = 1.5 / (double)(i + 1);
        for (int c = 0; c < KT_COL_COUNT; c++)
            h->col[c] = copy_of(hostile[(c + i) % N_HOSTILE]);
        h->country = copy_of(hostile[(i + 3) % N_HOSTILE]);
        h->n_fields = 3;
        h->fields = calloc(3, sizeof *h->fields);
        for (size_t k = 0; k < 3; k++)
            h->fields[k] = copy_of(hostile[(k + 5 * i) % N_HOSTILE]);
        /* a snippet with a mark on the character outside the BMP and one on the quote */
        h->snippet = copy_of("…𠮷と\"交流\"…");
        h->n_marks = 2;
        h->marks = calloc(2, sizeof *h->marks);
        h->marks[0] = (kt_mark){strlen("…"), strlen("…𠮷")};
        h->marks[1] = (kt_mark){strlen("…𠮷と"), strlen("…𠮷と\"交流\"")};
        /* the title's first character, whatever it is */
        h->n_title_marks = 1;
        h->title_marks = calloc(1, sizeof *h->title_marks);
        size_t first = 1;
        while (h->col[KT_COL_TITLE][first] && ((unsigned char)h->col[KT_COL_TITLE][first] & 0xC0) == 0x80)
            first++;
        h->title_marks[0] = (kt_mark){0, h->col[KT_COL_TITLE][0] ? first : 0};
    }
    kt_facet *facets[] = {&r->countries, &r->fields};
    for (size_t f = 0; f < 2; f++) {
        facets[f]->count = N_HOSTILE;
        facets[f]->items = calloc(N_HOSTILE, sizeof *facets[f]->items);
        for (size_t i = 0; i < N_HOSTILE; i++)
            facets[f]->items[i] = (kt_facet_count){copy_of(hostile[(i + f) % N_HOSTILE]), (uint32_t)(N_HOSTILE - i)};
    }
    return r;
}

static void test_json_hostile_strings_round_trip(void **state)
{
    (void)state;
    kt_result *r = hostile_result();
    for (size_t q = 0; q < N_HOSTILE; q++) {
        char *text = written(json_writer, r, hostile[q]);
        /* the document parses, and every string in it comes back exactly */
        json_t *doc = parse(text);
        assert_json_is_result(doc, r, hostile[q]);
        json_t *hl = json_array_get(json_object_get(json_array_get(json_object_get(doc, "hits"), 0), "highlights"), 0);
        assert_int_equal(json_integer_value(json_object_get(hl, "start")), 1);
        assert_int_equal(json_integer_value(json_object_get(hl, "length")), 1);
        json_decref(doc);
        free(text);
    }
    kt_result_free(r);
}

static void test_text_marks_in_custom_style(void **state)
{
    (void)state;
    kt_result *r = search_words("青少年 交流", 10);
    kt_text_style style = {"<<", ">>"};
    char *text = written(text_writer, r, &style);
    KIT_CONTAINS(text, "1. 日本国秋田県と中華人民共和国天津市の<<青少年交流>>に関する覚書\n");
    KIT_CONTAINS(text, "将来の友好協定締結に向けた<<交流>>の促進");
    KIT_CONTAINS(text, "<<青少年>>");
    KIT_CONTAINS(text, "3 agreements match.\n");
    KIT_CONTAINS(text, "country: 韓国 2, 中国 1\n");
    KIT_LACKS(text, "**");
    /* one pair of delimiters per mark, in titles and snippets */
    size_t marks = 0, opens = 0, closes = 0;
    for (size_t i = 0; i < r->n_hits; i++)
        marks += r->hits[i].n_marks + r->hits[i].n_title_marks;
    for (const char *p = text; (p = strstr(p, "<<")); p += 2)
        opens++;
    for (const char *p = text; (p = strstr(p, ">>")); p += 2)
        closes++;
    assert_true(marks >= 5);
    assert_int_equal(opens, marks);
    assert_int_equal(closes, marks);
    free(text);
    kt_result_free(r);

    /* a page of a longer list says which part it shows */
    kt_text_style plain = {"", ""};
    text = text_for("青少年 交流", 1, &plain);
    KIT_CONTAINS(text, "3 agreements match; showing 1–1.\n");
    KIT_CONTAINS(text, "将来の友好協定締結に向けた交流の促進");
    free(text);

    /* some of the words */
    text = text_for("交流 宇宙船", 3, &style);
    KIT_CONTAINS(text, "No agreement has all the words");
    KIT_CONTAINS(text, "match some of the words");
    free(text);

    text = text_for("宇宙", 10, &style);
    assert_string_equal(text, "No agreement matches.\n");
    free(text);
}

/* A stream that cannot be written: the writers say so. */
static void check_failing_stream(FILE *out, const kt_result *r)
{
    kt_error err = {0};
    kt_text_style style = {"**", "**"};
    assert_int_equal(kt_write_json(out, r, "交流", &err), KT_ERR_IO);
    assert_int_equal(err.status, KT_ERR_IO);
    clearerr(out);
    kt_error_clear(&err);
    assert_int_equal(kt_write_text(out, r, &style, &err), KT_ERR_IO);
    assert_int_equal(err.status, KT_ERR_IO);
}

static void test_failed_stream_is_an_io_error(void **state)
{
    (void)state;
    kt_result *r = search_words("交流", 10);
    assert_true(r->n_hits > 0);

    FILE *full = fopen("/dev/full", "w");
    if (full) {
        check_failing_stream(full, r);
        fclose(full);
    }

    /* a pipe whose reader has gone */
    void (*old)(int) = signal(SIGPIPE, SIG_IGN);
    int fds[2];
    assert_int_equal(pipe(fds), 0);
    close(fds[0]);
    FILE *pipe_out = fdopen(fds[1], "w");
    assert_non_null(pipe_out);
    check_failing_stream(pipe_out, r);
    fclose(pipe_out);
    signal(SIGPIPE, old);
    assert_non_null(full); /* /dev/full is part of every Linux system */
    kt_result_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_json_has_every_key),
        cmocka_unit_test(test_json_hostile_strings_round_trip),
        cmocka_unit_test(test_text_marks_in_custom_style),
        cmocka_unit_test(test_failed_stream_is_an_io_error),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
