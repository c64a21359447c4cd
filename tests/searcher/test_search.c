/* searcher/search: kt_searcher over indexes built by the test from the bundled corpus — ranking,
 * facet counts over the whole match set, filters, paging, limits, missing or foreign indexes, and
 * two shards searched as one giving what one index gives. */
#include "tests/support/kit.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "indexer/build.h"
#include "indexer/document.h"
#include "kyotei/search.h"
#include "schema/schema.h"
#include "xapian-c/xc.h"

typedef struct fixture {
    char *tmp;
    char *index;                 /* the whole corpus */
    char *shard[2];              /* its first and second half */
    kt_searcher *s;              /* over index */
    kt_searcher *sharded;        /* over shard[0] + shard[1] */
} fixture;

static fixture *fx;

/* Splits the bundled corpus into two CSV files, each with the header: the first `first` rows and
 * the rest. */
static void split_corpus(const char *path0, const char *path1, size_t first, size_t *total)
{
    char *csv = kit_read(kit_corpus(), NULL);
    assert_non_null(csv);
    const char *body = kit_record_end(csv);
    kt_buf half[2] = {KT_BUF_INIT, KT_BUF_INIT};
    for (int k = 0; k < 2; k++)
        kt_buf_append(&half[k], csv, (size_t)(body - csv));
    size_t n = 0;
    for (const char *p = body; *p; n++) {
        const char *end = kit_record_end(p);
        kt_buf_append(&half[n >= first], p, (size_t)(end - p));
        p = end;
    }
    const char *paths[] = {path0, path1};
    for (int k = 0; k < 2; k++) {
        FILE *out = fopen(paths[k], "w");
        assert_non_null(out);
        assert_int_equal(fwrite(half[k].data, 1, half[k].len, out), half[k].len);
        assert_int_equal(fclose(out), 0);
        kt_buf_free(&half[k]);
    }
    free(csv);
    *total = n;
}

static kt_searcher *open_searcher(const char *const *paths, size_t n)
{
    kt_searcher *s = NULL;
    kt_error err = {0};
    KIT_OK(kt_searcher_open(paths, n, kit_data_dir(), &s, &err), &err);
    assert_non_null(s);
    return s;
}

static int group_setup(void **state)
{
    (void)state;
    fx = calloc(1, sizeof *fx);
    fx->tmp = kit_mkdtemp();
    fx->index = kit_path(fx->tmp, "all");
    fx->shard[0] = kit_path(fx->tmp, "half0");
    fx->shard[1] = kit_path(fx->tmp, "half1");
    kt_lexicon *lex = kit_lexicon();
    kt_error err = {0};
    const char *corpus[] = {kit_corpus()};
    KIT_OK(kit_rebuild(fx->index, corpus, 1, lex, NULL, NULL, &err), &err);

    char *csv0 = kit_path(fx->tmp, "half0.csv"), *csv1 = kit_path(fx->tmp, "half1.csv");
    size_t total;
    split_corpus(csv0, csv1, 20, &total);
    assert_int_equal(total, 40);
    const char *h0[] = {csv0}, *h1[] = {csv1};
    KIT_OK(kit_rebuild(fx->shard[0], h0, 1, lex, NULL, NULL, &err), &err);
    KIT_OK(kit_rebuild(fx->shard[1], h1, 1, lex, NULL, NULL, &err), &err);
    free(csv0);
    free(csv1);
    kt_lexicon_close(lex);

    const char *one[] = {fx->index};
    fx->s = open_searcher(one, 1);
    const char *two[] = {fx->shard[0], fx->shard[1]};
    fx->sharded = open_searcher(two, 2);
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    kt_searcher_close(fx->s);
    kt_searcher_close(fx->sharded);
    kit_rmtree(fx->tmp);
    free(fx->tmp);
    free(fx->index);
    free(fx->shard[0]);
    free(fx->shard[1]);
    free(fx);
    return 0;
}

static int compare_id(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static kt_result *search(kt_searcher *s, const kt_search_request *req)
{
    kt_result *r = NULL;
    kt_error err = {0};
    KIT_OK(kt_search(s, req, &r, &err), &err);
    assert_non_null(r);
    return r;
}

static kt_result *search_words(kt_searcher *s, const char *words, uint32_t offset, uint32_t limit, bool all)
{
    kt_search_request req = {0};
    req.query = words;
    req.offset = offset;
    req.limit = limit;
    req.all = all;
    return search(s, &req);
}

static const kt_hit *find_hit(const kt_result *r, const char *id)
{
    for (size_t i = 0; i < r->n_hits; i++)
        if (strcmp(r->hits[i].col[KT_COL_ID], id) == 0)
            return &r->hits[i];
    return NULL;
}

static uint32_t facet_count(const kt_facet *f, const char *value)
{
    for (size_t i = 0; i < f->count; i++)
        if (strcmp(f->items[i].value, value) == 0)
            return f->items[i].count;
    return 0;
}

static void assert_facets_equal(const kt_facet *a, const kt_facet *b)
{
    assert_int_equal(a->count, b->count);
    for (size_t i = 0; i < a->count; i++) {
        assert_string_equal(a->items[i].value, b->items[i].value);
        assert_int_equal(a->items[i].count, b->items[i].count);
    }
}

static void test_youth_exchange(void **state)
{
    (void)state;
    kt_result *r = search_words(fx->s, "青少年 交流", 0, 10, false);
    assert_int_equal(r->total, 3);
    assert_int_equal(r->n_hits, 3);
    assert_string_equal(r->hits[0].col[KT_COL_ID], "akita-008");
    assert_non_null(find_hit(r, "aomori-003"));
    assert_non_null(find_hit(r, "hokkaido-004"));
    for (size_t i = 0; i < r->n_hits; i++) {
        const kt_hit *h = &r->hits[i];
        assert_int_equal(h->rank, i + 1);
        assert_true(h->score > 0);
        if (i)
            assert_true(h->score <= r->hits[i - 1].score);
    }
    assert_false(r->partial);

    /* the hit carries the agreement as stored, with its canonical forms */
    const kt_hit *h = &r->hits[0];
    assert_string_equal(h->col[KT_COL_TITLE], "日本国秋田県と中華人民共和国天津市の青少年交流に関する覚書");
    assert_string_equal(h->col[KT_COL_MUNICIPALITY], "秋田県");
    assert_string_equal(h->col[KT_COL_PARTNER], "中国/天津市");
    assert_string_equal(h->col[KT_COL_SIGNED], "2016-10");
    assert_string_equal(h->country, "中国");
    assert_int_equal(h->n_fields, 1);
    assert_string_equal(h->fields[0], "人的交流");
    assert_string_equal(h->snippet, "将来の友好協定締結に向けた交流の促進[2016年10月締結]");
    assert_int_equal(h->n_marks, 1);
    assert_memory_equal(h->snippet + h->marks[0].start, "交流", strlen("交流"));
    assert_int_equal(h->marks[0].end - h->marks[0].start, strlen("交流"));
    /* the title's matched words are marked in the title as stored (青少年交流: one mark) */
    assert_int_equal(h->n_title_marks, 1);
    size_t at = strlen("日本国秋田県と中華人民共和国天津市の");
    assert_int_equal(h->title_marks[0].start, at);
    assert_int_equal(h->title_marks[0].end, at + strlen("青少年交流"));

    /* hokkaido-004's snippet shows both words */
    h = find_hit(r, "hokkaido-004");
    KIT_CONTAINS(h->snippet, "青少年");
    KIT_CONTAINS(h->snippet, "交流");
    assert_true(kit_utf8_valid(h->snippet, strlen(h->snippet)));
    kt_result_free(r);
}

/* The per-value counts that the hits of a complete result give. */
static void count_from_hits(const kt_result *all, kt_facet *countries, kt_facet *fields)
{
    countries->items = calloc(all->n_hits + 1, sizeof *countries->items);
    fields->items = calloc(all->n_hits * 20 + 1, sizeof *fields->items);
    countries->count = fields->count = 0;
    for (size_t i = 0; i < all->n_hits; i++) {
        const kt_hit *h = &all->hits[i];
        for (size_t k = 0; k <= h->n_fields; k++) {
            const char *v = k == 0 ? h->country : h->fields[k - 1];
            kt_facet *f = k == 0 ? countries : fields;
            size_t j = 0;
            while (j < f->count && strcmp(f->items[j].value, v) != 0)
                j++;
            if (j == f->count)
                f->items[f->count++] = (kt_facet_count){(char *)v, 0};
            f->items[j].count++;
        }
    }
}

static void test_facets_count_the_whole_match_set(void **state)
{
    (void)state;
    const char *queries[] = {"交流", "", "経済", "協定", "青少年 交流", "大学"};
    for (size_t q = 0; q < sizeof queries / sizeof queries[0]; q++) {
        kt_result *one = search_words(fx->s, queries[q], 0, 1, false);
        kt_result *all = search_words(fx->s, queries[q], 0, 0, true);
        assert_int_equal(one->total, all->total);
        assert_true(one->n_hits <= 1);
        assert_int_equal(all->n_hits, all->total);
        assert_facets_equal(&one->countries, &all->countries);
        assert_facets_equal(&one->fields, &all->fields);

        uint64_t sum_c = 0, sum_f = 0;
        for (size_t i = 0; i < all->countries.count; i++) {
            sum_c += all->countries.items[i].count;
            if (i)
                assert_true(all->countries.items[i].count <= all->countries.items[i - 1].count);
        }
        for (size_t i = 0; i < all->fields.count; i++)
            sum_f += all->fields.items[i].count;
        assert_int_equal(sum_c, all->total);
        assert_true(sum_f >= all->total);

        /* and exactly what the hits themselves say */
        kt_facet c, f;
        count_from_hits(all, &c, &f);
        assert_int_equal(c.count, all->countries.count);
        for (size_t i = 0; i < c.count; i++)
            assert_int_equal(facet_count(&all->countries, c.items[i].value), c.items[i].count);
        assert_int_equal(f.count, all->fields.count);
        for (size_t i = 0; i < f.count; i++)
            assert_int_equal(facet_count(&all->fields, f.items[i].value), f.items[i].count);
        free(c.items);
        free(f.items);
        kt_result_free(one);
        kt_result_free(all);
    }

    /* the whole corpus: the countries of corpus/README.md */
    kt_result *r = search_words(fx->s, NULL, 0, 0, false);
    assert_int_equal(r->total, 40);
    assert_int_equal(r->n_hits, 0);
    assert_int_equal(facet_count(&r->countries, "中国"), 16);
    assert_int_equal(facet_count(&r->countries, "韓国"), 6);
    assert_int_equal(facet_count(&r->countries, "フィンランド"), 3);
    assert_int_equal(facet_count(&r->countries, "カナダ"), 1);
    assert_string_equal(r->countries.items[0].value, "中国");
    assert_int_equal(r->countries.count, 10);
    kt_result_free(r);
}

static void test_filters(void **state)
{
    (void)state;
    const char *china[] = {"中国"}, *alias[] = {"中華人民共和国"}, *two[] = {"中国", "韓国"};
    const char *tourism[] = {"観光"};
    kt_search_request req = {0};
    req.all = true;
    req.countries = china;
    req.n_countries = 1;
    kt_result *r = search(fx->s, &req);
    assert_int_equal(r->total, 16);
    for (size_t i = 0; i < r->n_hits; i++)
        assert_string_equal(r->hits[i].country, "中国");
    assert_int_equal(r->countries.count, 1);
    assert_int_equal(facet_count(&r->countries, "中国"), 16);
    kt_result_free(r);

    req.countries = alias;
    r = search(fx->s, &req);
    assert_int_equal(r->total, 16);
    kt_result_free(r);

    req.countries = two;
    req.n_countries = 2;
    r = search(fx->s, &req);
    assert_int_equal(r->total, 22);
    kt_result_free(r);

    /* 観光 and (中国 or 韓国): check against the unfiltered list */
    req.fields = tourism;
    req.n_fields = 1;
    r = search(fx->s, &req);
    kt_search_request every = {0};
    every.all = true;
    kt_result *all = search(fx->s, &every);
    assert_int_equal(all->total, 40);
    uint32_t want = 0;
    for (size_t i = 0; i < all->n_hits; i++) {
        const kt_hit *h = &all->hits[i];
        bool country = !strcmp(h->country, "中国") || !strcmp(h->country, "韓国");
        bool field = false;
        for (size_t k = 0; k < h->n_fields; k++)
            field |= !strcmp(h->fields[k], "観光");
        if (country && field) {
            want++;
            assert_non_null(find_hit(r, h->col[KT_COL_ID]));
        }
    }
    assert_true(want > 0);
    assert_int_equal(r->total, want);
    assert_int_equal(r->n_hits, want);
    kt_result_free(r);

    /* words and filters */
    req.query = "交流";
    req.fields = NULL;
    req.n_fields = 0;
    r = search(fx->s, &req);
    assert_true(r->total > 0);
    for (size_t i = 0; i < r->n_hits; i++) {
        const kt_hit *h = &r->hits[i];
        assert_true(!strcmp(h->country, "中国") || !strcmp(h->country, "韓国"));
        assert_true(h->score > 0);
    }
    kt_result_free(r);
    kt_result_free(all);
}

static void test_paging(void **state)
{
    (void)state;
    const char *queries[] = {"交流", NULL};
    for (size_t q = 0; q < 2; q++) {
        kt_result *all = search_words(fx->s, queries[q], 0, 0, true);
        assert_true(all->total >= 10);
        for (uint32_t offset = 0; offset < all->total + 3; offset += 3) {
            kt_result *page = search_words(fx->s, queries[q], offset, 3, false);
            assert_int_equal(page->total, all->total);
            assert_int_equal(page->offset, offset);
            assert_int_equal(page->limit, 3);
            size_t want = offset >= all->total ? 0 : all->total - offset < 3 ? all->total - offset : 3;
            assert_int_equal(page->n_hits, want);
            for (size_t i = 0; i < page->n_hits; i++) {
                const kt_hit *h = &page->hits[i], *w = &all->hits[offset + i];
                assert_int_equal(h->rank, offset + i + 1);
                assert_int_equal(h->rank, w->rank);
                assert_string_equal(h->col[KT_COL_ID], w->col[KT_COL_ID]);
                assert_true(h->score == w->score);
            }
            assert_facets_equal(&page->countries, &all->countries);
            kt_result_free(page);
        }
        kt_result_free(all);
    }
}

static void test_bad_requests(void **state)
{
    (void)state;
    kt_search_request req = {0};
    kt_result *r = (kt_result *)&req;
    kt_error err = {0};
    req.limit = KT_SEARCH_MAX_LIMIT + 1;
    assert_int_equal(kt_search(fx->s, &req, &r, &err), KT_ERR_INPUT);
    assert_null(r);
    /* `all` is the way to ask for everything */
    req.all = true;
    KIT_OK(kt_search(fx->s, &req, &r, &err), &err);
    assert_int_equal(r->n_hits, 40);
    kt_result_free(r);

    char *long_query = malloc(KT_SEARCH_MAX_QUERY_BYTES + 2);
    memset(long_query, 'a', KT_SEARCH_MAX_QUERY_BYTES + 1);
    long_query[KT_SEARCH_MAX_QUERY_BYTES + 1] = '\0';
    req = (kt_search_request){0};
    req.query = long_query;
    req.limit = 10;
    assert_int_equal(kt_search(fx->s, &req, &r, &err), KT_ERR_INPUT);
    assert_null(r);
    long_query[KT_SEARCH_MAX_QUERY_BYTES] = '\0'; /* exactly the limit is fine */
    KIT_OK(kt_search(fx->s, &req, &r, &err), &err);
    assert_int_equal(r->total, 0);
    kt_result_free(r);
    free(long_query);

    req.query = "交流\xff";
    assert_int_equal(kt_search(fx->s, &req, &r, &err), KT_ERR_ENCODING);
    assert_null(r);
    kt_result_free(NULL);
    kt_searcher_close(NULL);
}

/* The ids a query finds (all of them), as a sorted, space-separated list; *partial receives
 * whether they match only some of the words (partial may be NULL). */
static char *ids_for(const char *query, bool *partial)
{
    kt_result *r = search_words(fx->s, query, 0, 0, true);
    char **ids = calloc(r->n_hits + 1, sizeof *ids);
    for (size_t i = 0; i < r->n_hits; i++)
        ids[i] = r->hits[i].col[KT_COL_ID];
    qsort(ids, r->n_hits, sizeof *ids, compare_id);
    kt_buf b = KT_BUF_INIT;
    for (size_t i = 0; i < r->n_hits; i++)
        kt_buf_printf(&b, "%s%s", i ? " " : "", ids[i]);
    if (partial)
        *partial = r->partial;
    free(ids);
    kt_result_free(r);
    return kt_buf_steal(&b);
}

/* Whether the space-separated list holds id. */
static bool list_has(const char *list, const char *id)
{
    size_t n = strlen(id);
    for (const char *p = strstr(list, id); p; p = strstr(p + 1, id))
        if ((p == list || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\0'))
            return true;
    return false;
}

/* The query language, checked as set algebra over the results of simpler queries. */
static void test_query_language(void **state)
{
    (void)state;
    char *kanko = ids_for("観光", NULL), *iryo = ids_for("医療", NULL), *koryu = ids_for("交流", NULL);
    char *china = ids_for("中国", NULL);
    assert_string_not_equal(kanko, "");
    assert_string_not_equal(iryo, "");

    /* OR: the union */
    char *either = ids_for("観光 OR 医療", NULL);
    kt_result *all = search_words(fx->s, NULL, 0, 0, true);
    for (size_t i = 0; i < all->n_hits; i++) {
        const char *id = all->hits[i].col[KT_COL_ID];
        assert_int_equal(list_has(either, id), list_has(kanko, id) || list_has(iryo, id));
    }
    /* -word: the difference */
    char *without = ids_for("交流 -中国", NULL);
    for (size_t i = 0; i < all->n_hits; i++) {
        const char *id = all->hits[i].col[KT_COL_ID];
        assert_int_equal(list_has(without, id), list_has(koryu, id) && !list_has(china, id));
    }
    assert_string_not_equal(without, "");

    /* title: every hit has the word in its title */
    kt_result *r = search_words(fx->s, "title:覚書", 0, 0, true);
    assert_true(r->total > 0);
    for (size_t i = 0; i < r->n_hits; i++)
        KIT_CONTAINS(r->hits[i].col[KT_COL_TITLE], "覚書");
    kt_result_free(r);

    /* signed: years, inclusive, the same as the request's since/until */
    r = search_words(fx->s, "signed:2010..2013", 0, 0, true);
    kt_search_request req = {0};
    req.since = 2010;
    req.until = 2013;
    req.all = true;
    kt_result *by_request = search(fx->s, &req);
    assert_int_equal(r->total, by_request->total);
    uint32_t want = 0;
    for (size_t i = 0; i < all->n_hits; i++) {
        int year = atoi(all->hits[i].col[KT_COL_SIGNED]);
        want += year >= 2010 && year <= 2013;
    }
    assert_true(want > 0);
    assert_int_equal(r->total, want);
    for (size_t i = 0; i < r->n_hits; i++) {
        int year = atoi(r->hits[i].col[KT_COL_SIGNED]);
        assert_true(year >= 2010 && year <= 2013);
    }
    kt_result_free(by_request);
    kt_result_free(r);

    /* a phrase needs its words in order, next to each other */
    r = search_words(fx->s, "\"青少年交流\"", 0, 0, true);
    assert_true(r->total >= 1);
    for (size_t i = 0; i < r->n_hits; i++) {
        const kt_hit *h = &r->hits[i];
        bool somewhere = false;
        for (int c = 0; c < KT_COL_COUNT; c++)
            somewhere |= strstr(h->col[c], "青少年交流") != NULL;
        assert_true(somewhere);
    }
    kt_result_free(r);

    kt_result_free(all);
    free(kanko);
    free(iryo);
    free(koryu);
    free(china);
    free(either);
    free(without);
}

/* When no agreement has every word, the ones with some of them come back, marked partial. */
static void test_partial_matches(void **state)
{
    (void)state;
    bool partial = true;
    char *koryu = ids_for("交流", &partial);
    assert_false(partial);
    char *some = ids_for("交流 宇宙船", &partial);
    assert_true(partial);
    assert_string_equal(some, koryu);
    free(some);
    free(koryu);
}

/* Words that are only particles find nothing in the whole corpus. */
static void test_particles_find_nothing(void **state)
{
    (void)state;
    const char *queries[] = {"の", "が を", "は に で と"};
    for (size_t i = 0; i < sizeof queries / sizeof queries[0]; i++) {
        kt_result *r = search_words(fx->s, queries[i], 0, 10, false);
        if (r->total != 0) {
            fprintf(stderr, "'%s' finds %u agreements, the first %s\n", queries[i], r->total,
                    r->n_hits ? r->hits[0].col[KT_COL_ID] : "");
            fail();
        }
        kt_result_free(r);
    }
}

static void test_sort_by_date(void **state)
{
    (void)state;
    kt_sort sorts[] = {KT_SORT_DATE_DESC, KT_SORT_DATE_ASC};
    for (size_t k = 0; k < 2; k++) {
        kt_search_request req = {0};
        req.query = "交流";
        req.sort = sorts[k];
        req.all = true;
        kt_result *r = search(fx->s, &req);
        kt_result *relevance = search_words(fx->s, "交流", 0, 0, true);
        assert_int_equal(r->total, relevance->total);
        double prev = sorts[k] == KT_SORT_DATE_DESC ? 1e12 : -1;
        for (size_t i = 0; i < r->n_hits; i++) {
            double key = kt_signed_sort_key(r->hits[i].col[KT_COL_SIGNED]);
            if (*r->hits[i].col[KT_COL_SIGNED] == '\0')
                continue; /* undated agreements have no place in a date order */
            if (sorts[k] == KT_SORT_DATE_DESC)
                assert_true(key <= prev);
            else
                assert_true(key >= prev);
            prev = key;
            assert_int_equal(r->hits[i].rank, i + 1);
        }
        kt_result_free(relevance);
        kt_result_free(r);
    }
}

/* A searcher kept open while updates commit under it goes on answering (it reopens the index
 * when Xapian says the version it read is gone), and sees the updates once it does. */
static void test_searcher_survives_updates(void **state)
{
    (void)state;
    char *live = kit_path(fx->tmp, "live");
    char *half = kit_path(fx->tmp, "half0.csv");
    kt_lexicon *lex = kit_lexicon();
    kt_error err = {0};
    const char *files[] = {half};
    KIT_OK(kit_rebuild(live, files, 1, lex, NULL, NULL, &err), &err);
    const char *paths[] = {live};
    kt_searcher *s = open_searcher(paths, 1);
    kt_result *r = search_words(s, "交流", 0, 0, true);
    uint32_t before = r->total;
    kt_result_free(r);
    for (int round = 1; round <= 4; round++) {
        /* each round commits a few times: one agreement more, its text changed every time */
        for (int k = 0; k < 3; k++) {
            char name[32], csv[512];
            snprintf(name, sizeof name, "live-%d-%d.csv", round, k);
            snprintf(csv, sizeof csv,
                     "id,municipality,prefecture,title,partner,country,fields,description,signed,url\n"
                     "live-%03d,札幌市,北海道,交流協定,中国/大連市,中国,観光,第%d版の交流,2008,\n", round, k);
            char *file = kit_write(fx->tmp, name, csv);
            const char *one[] = {file};
            kt_build_options opts = {0};
            kt_build_stats stats;
            KIT_OK(kt_index_update(live, one, 1, lex, &opts, &stats, &err), &err);
            assert_int_equal(stats.indexed, 1);
            free(file);
        }
        r = search_words(s, "交流", 0, 0, true);
        assert_true(r->total >= before);
        assert_true(r->total <= before + (uint32_t)round);
        kt_result_free(r);
    }
    /* a searcher opened now sees every update */
    kt_searcher *fresh = open_searcher(paths, 1);
    r = search_words(fresh, "交流", 0, 0, true);
    assert_int_equal(r->total, before + 4);
    size_t live_hits = 0;
    for (size_t i = 0; i < r->n_hits; i++) {
        if (strncmp(r->hits[i].col[KT_COL_ID], "live-", 5) == 0) {
            live_hits++;
            assert_string_equal(r->hits[i].col[KT_COL_DESCRIPTION], "第2版の交流"); /* the last version */
        }
    }
    assert_int_equal(live_hits, 4);
    kt_result_free(r);
    kt_searcher_close(fresh);
    kt_searcher_close(s);
    kt_lexicon_close(lex);
    free(half);
    free(live);
}

static void test_missing_or_foreign_index(void **state)
{
    (void)state;
    kt_searcher *s = (kt_searcher *)fx;
    kt_error err = {0};
    char *missing = kit_path(fx->tmp, "no-such-index");
    const char *paths[] = {missing};
    assert_int_equal(kt_searcher_open(paths, 1, kit_data_dir(), &s, &err), KT_ERR_INDEX);
    assert_null(s);
    assert_int_equal(err.status, KT_ERR_INDEX);
    KIT_CONTAINS(err.message, missing);

    /* the second of two paths */
    const char *two[] = {fx->index, missing};
    assert_int_equal(kt_searcher_open(two, 2, kit_data_dir(), &s, &err), KT_ERR_INDEX);
    KIT_CONTAINS(err.message, missing);
    assert_null(s);

    /* no path at all */
    assert_int_equal(kt_searcher_open(paths, 0, kit_data_dir(), &s, &err), KT_ERR_INDEX);
    assert_null(s);

    /* a Xapian database that kyotei did not write */
    char *plain = kit_path(fx->tmp, "plain");
    xc_wdb *w;
    xc_error xe;
    assert_int_equal(xc_wdb_open(plain, XC_WDB_CREATE_OR_OVERWRITE, &w, &xe), XC_OK);
    assert_int_equal(xc_wdb_close(w, &xe), XC_OK);
    const char *foreign[] = {plain};
    assert_int_equal(kt_searcher_open(foreign, 1, kit_data_dir(), &s, &err), KT_ERR_INDEX);
    KIT_CONTAINS(err.message, plain);
    KIT_CONTAINS(err.message, "not a kyotei index");
    assert_null(s);

    /* a good index but no data directory */
    const char *good[] = {fx->index};
    assert_int_not_equal(kt_searcher_open(good, 1, missing, &s, &err), KT_OK);
    assert_true(err.status == KT_ERR_IO || err.status == KT_ERR_DICT);
    assert_null(s);
    free(plain);
    free(missing);
}

/* Fails unless `two` ranks the same agreements, in the same order, with the same scores as `one`. */
static void assert_same_ranking(const kt_result *one, const kt_result *two, const char *what)
{
    assert_int_equal(two->total, one->total);
    assert_int_equal(two->n_hits, one->n_hits);
    for (size_t k = 0; k < one->n_hits; k++) {
        const kt_hit *a = &one->hits[k], *b = &two->hits[k];
        assert_int_equal(b->rank, a->rank);
        assert_int_equal(b->rank, one->offset + k + 1);
        if (strcmp(a->col[KT_COL_ID], b->col[KT_COL_ID]) != 0 || fabs(a->score - b->score) > 1e-9) {
            fprintf(stderr, "%s, rank %zu: one index gives %s (%.9f), two shards give %s (%.9f)\n", what, k + 1,
                    a->col[KT_COL_ID], a->score, b->col[KT_COL_ID], b->score);
            fail();
        }
        assert_string_equal(a->snippet, b->snippet);
    }
}

/* Two shards holding the halves of the corpus, searched as one, give what one index gives: the
 * same total, the same agreements at the same ranks with the same scores (ties included: the
 * order of equal scores must not depend on how the index is split), the same facets. */
static void test_two_shards_match_one_index(void **state)
{
    (void)state;
    static const char *const china_korea[] = {"中国", "韓国"}, *const economy[] = {"経済"};
    static const struct {
        const char *query;
        bool filtered;
    } cases[] = {
        {"青少年 交流", false}, {"交流", false}, {"経済", false}, {"協定", false}, {"大学", false},
        {"観光", true},         {NULL, false},   {NULL, true},
    };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        kt_search_request req = {0};
        req.query = cases[c].query;
        req.all = true;
        if (cases[c].filtered) {
            req.countries = china_korea;
            req.n_countries = 2;
            req.fields = economy;
            req.n_fields = 1;
        }
        char what[128];
        snprintf(what, sizeof what, "query '%s'%s", req.query ? req.query : "", cases[c].filtered ? " (filtered)" : "");
        kt_result *one = search(fx->s, &req);
        kt_result *two = search(fx->sharded, &req);
        assert_same_ranking(one, two, what);
        assert_facets_equal(&two->countries, &one->countries);
        assert_facets_equal(&two->fields, &one->fields);
        kt_result_free(one);
        kt_result_free(two);
    }
    /* and so do pages */
    for (uint32_t offset = 0; offset < 40; offset += 7) {
        kt_result *one = search_words(fx->s, "交流", offset, 7, false);
        kt_result *two = search_words(fx->sharded, "交流", offset, 7, false);
        assert_same_ranking(one, two, "query '交流' (a page)");
        kt_result_free(one);
        kt_result_free(two);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_youth_exchange),
        cmocka_unit_test(test_facets_count_the_whole_match_set),
        cmocka_unit_test(test_filters),
        cmocka_unit_test(test_paging),
        cmocka_unit_test(test_query_language),
        cmocka_unit_test(test_partial_matches),
        cmocka_unit_test(test_particles_find_nothing),
        cmocka_unit_test(test_sort_by_date),
        cmocka_unit_test(test_searcher_survives_updates),
        cmocka_unit_test(test_bad_requests),
        cmocka_unit_test(test_missing_or_foreign_index),
        cmocka_unit_test(test_two_shards_match_one_index),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
