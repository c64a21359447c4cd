#include "tests/shards/fixture.h"
#include "tests/shards/servers.h"

#include <jansson.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "corpus/reader.h"

/* Which shard an id goes to: FNV-1a of its bytes, mod n. (Dealing rows in turn would give every
 * agreement the same document id in the shards searched as one as in the whole index, and hide
 * any order that depends on document ids.) */
static size_t shard_of(const char *id, size_t n)
{
    uint32_t h = 2166136261u;
    for (const unsigned char *p = (const unsigned char *)id; *p; p++)
        h = (h ^ *p) * 16777619u;
    return h % n;
}

/* Deals the bundled corpus into n JSON Lines files by shard_of; returns the row count. */
static size_t deal(char *const *paths, size_t n)
{
    FILE *out[FX_MAX_SHARDS];
    for (size_t k = 0; k < n; k++)
        assert_non_null(out[k] = fopen(paths[k], "w"));
    kt_reader *r = NULL;
    kt_error err = {0};
    KIT_OK(kt_reader_open(kit_corpus(), NULL, &r, &err), &err);
    kt_agreement a = {0};
    size_t rows = 0, dealt[FX_MAX_SHARDS] = {0};
    for (;;) {
        bool has_row = false;
        KIT_OK(kt_reader_next(r, &a, &has_row, &err), &err);
        if (!has_row)
            break;
        json_t *obj = json_object();
        for (int c = 0; c < KT_COL_COUNT; c++)
            json_object_set_new(obj, kt_column_name(c), json_string(a.col[c]));
        assert_int_equal(json_object_size(obj), KT_COL_COUNT);
        size_t k = shard_of(a.col[KT_COL_ID], n);
        FILE *to = out[k];
        dealt[k]++;
        assert_int_equal(json_dumpf(obj, to, JSON_COMPACT | JSON_PRESERVE_ORDER), 0);
        fputc('\n', to);
        json_decref(obj);
        kt_agreement_clear(&a);
        rows++;
    }
    kt_reader_close(r);
    for (size_t k = 0; k < n; k++) {
        assert_int_equal(fclose(out[k]), 0);
        assert_true(dealt[k] >= 2); /* every shard has something to say */
    }
    return rows;
}

void fx_build(fx_indexes *fx, size_t n)
{
    assert_true(n >= 1 && n <= FX_MAX_SHARDS);
    memset(fx, 0, sizeof *fx);
    fx->tmp = kit_mkdtemp();
    fx->whole = kit_path(fx->tmp, "whole");
    fx->n_shards = n;
    kt_lexicon *lex = kit_lexicon();
    kt_error err = {0};
    const char *corpus[] = {kit_corpus()};
    KIT_OK(kit_rebuild(fx->whole, corpus, 1, lex, NULL, NULL, &err), &err);

    char *rows[FX_MAX_SHARDS];
    for (size_t k = 0; k < n; k++) {
        char name[32];
        snprintf(name, sizeof name, "rows%zu.jsonl", k);
        rows[k] = kit_path(fx->tmp, name);
        snprintf(name, sizeof name, "shard%zu", k);
        fx->shard[k] = kit_path(fx->tmp, name);
    }
    fx->rows = deal(rows, n);
    for (size_t k = 0; k < n; k++) {
        const char *files[] = {rows[k]};
        KIT_OK(kit_rebuild(fx->shard[k], files, 1, lex, NULL, NULL, &err), &err);
        free(rows[k]);
    }
    kt_lexicon_close(lex);
}

void fx_free(fx_indexes *fx)
{
    kit_rmtree(fx->tmp);
    free(fx->tmp);
    free(fx->whole);
    for (size_t k = 0; k < fx->n_shards; k++)
        free(fx->shard[k]);
    memset(fx, 0, sizeof *fx);
}

fx_group fx_shared;

int fx_group_setup(size_t n)
{
    fx_build(&fx_shared.ix, n);
    const char *spec[] = {fx_shared.ix.whole};
    fx_shared.whole = fx_open(spec, 1, NULL);
    return 0;
}

int fx_group_teardown(void **state)
{
    (void)state;
    kt_searcher_close(fx_shared.whole);
    fx_free(&fx_shared.ix);
    return 0;
}

int fx_stop_servers(void **state)
{
    (void)state;
    srv_stop_all();
    return 0;
}

kt_searcher *fx_open(const char *const *specs, size_t n, const kt_searcher_options *opts)
{
    kt_searcher *s = NULL;
    kt_error err = {0};
    KIT_OK(kt_searcher_open_with(specs, n, kit_data_dir(), opts, &s, &err), &err);
    assert_non_null(s);
    return s;
}

kt_result *fx_search(kt_searcher *s, const kt_search_request *req)
{
    kt_result *r = NULL;
    kt_error err = {0};
    KIT_OK(kt_search(s, req, &r, &err), &err);
    assert_non_null(r);
    return r;
}

static void assert_same_marks(const kt_mark *a, size_t na, const kt_mark *b, size_t nb)
{
    assert_int_equal(nb, na);
    for (size_t i = 0; i < na; i++) {
        assert_int_equal(b[i].start, a[i].start);
        assert_int_equal(b[i].end, a[i].end);
    }
}

static void assert_same_facet(const kt_facet *want, const kt_facet *got, const char *what, const char *facet)
{
    bool same = want->count == got->count;
    for (size_t i = 0; same && i < want->count; i++)
        same = !strcmp(want->items[i].value, got->items[i].value) && want->items[i].count == got->items[i].count;
    if (same)
        return;
    fprintf(stderr, "%s: %s facet differs\n  one index:", what, facet);
    for (size_t i = 0; i < want->count; i++)
        fprintf(stderr, " %s %u", want->items[i].value, want->items[i].count);
    fprintf(stderr, "\n  shards:   ");
    for (size_t i = 0; i < got->count; i++)
        fprintf(stderr, " %s %u", got->items[i].value, got->items[i].count);
    fputc('\n', stderr);
    fail();
}

void fx_assert_same(const kt_result *want, const kt_result *got, const char *what)
{
    if (got->total != want->total || got->partial != want->partial || got->n_hits != want->n_hits) {
        fprintf(stderr, "%s: one index gives %u (partial %d, %zu on the page), shards give %u (partial %d, %zu)\n",
                what, want->total, want->partial, want->n_hits, got->total, got->partial, got->n_hits);
        fail();
    }
    for (size_t k = 0; k < want->n_hits; k++) {
        const kt_hit *a = &want->hits[k], *b = &got->hits[k];
        if (a->rank != b->rank || strcmp(a->col[KT_COL_ID], b->col[KT_COL_ID]) != 0 || fabs(a->score - b->score) > 1e-9) {
            fprintf(stderr, "%s: at %zu one index gives #%u %s (%.12f), shards give #%u %s (%.12f)\n", what, k,
                    a->rank, a->col[KT_COL_ID], a->score, b->rank, b->col[KT_COL_ID], b->score);
            fail();
        }
        assert_string_equal(b->snippet, a->snippet);
        assert_same_marks(a->marks, a->n_marks, b->marks, b->n_marks);
        assert_same_marks(a->title_marks, a->n_title_marks, b->title_marks, b->n_title_marks);
    }
    assert_same_facet(&want->countries, &got->countries, what, "country");
    assert_same_facet(&want->fields, &got->fields, what, "field");
}

void fx_assert_same_searches(kt_searcher *want, kt_searcher *got)
{
    static const char *const queries[] = {
        "青少年 交流", "交流", "経済", "協定", "観光 OR 医療", "交流 -中国", "\"経済交流\"", "かんこう",
        "tourism", "country:中国 観光", "field:観光", "signed:2010..2016 交流", "title:覚書",
        "municipality:仙台 交流", "大学 OR 病院 -韓国", "青少年 宇宙", "",
    };
    static const char *const china_korea[] = {"中国", "韓国"}, *const economy[] = {"経済"};
    for (size_t q = 0; q < sizeof queries / sizeof queries[0]; q++) {
        /* each query as it comes, every match at once, filtered by request, and by date both ways */
        for (int variant = 0; variant < 5; variant++) {
            kt_search_request req = {.query = queries[q], .limit = 10};
            const char *how = "page 1";
            switch (variant) {
            case 1: req.all = true; how = "all"; break;
            case 2:
                req.all = true;
                req.countries = china_korea;
                req.n_countries = 2;
                req.fields = economy;
                req.n_fields = 1;
                req.since = 2000;
                how = "filtered";
                break;
            case 3: req.sort = KT_SORT_DATE_DESC; req.all = true; how = "newest first"; break;
            case 4: req.sort = KT_SORT_DATE_ASC; req.offset = 3; req.limit = 4; how = "oldest first, page"; break;
            }
            char what[160];
            snprintf(what, sizeof what, "query '%s', %s", queries[q], how);
            kt_result *a = fx_search(want, &req), *b = fx_search(got, &req);
            fx_assert_same(a, b, what);
            kt_result_free(a);
            kt_result_free(b);
        }
    }
    /* pages of one query, all the way through */
    for (uint32_t offset = 0; offset < 45; offset += 7) {
        kt_search_request req = {.query = "交流", .offset = offset, .limit = 7};
        kt_result *a = fx_search(want, &req), *b = fx_search(got, &req);
        fx_assert_same(a, b, "query '交流', pages of 7");
        kt_result_free(a);
        kt_result_free(b);
    }
}
