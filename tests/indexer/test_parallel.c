/* indexer/build with threads, flushes, compaction and shards: every way of building gives the
 * same agreements and the same search results as the plain single-threaded build; bad rows are
 * still reported in input order; a sharded index is one stub naming every shard, each agreement
 * in the shard its id hashes to, updated and deleted there. */
#include "tests/support/kit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "indexer/build.h"
#include "indexer/layout.h"
#include "kyotei/search.h"
#include "schema/schema.h"
#include "xapian-c/xc.h"

#define COPIES 8 /* the bundled corpus this many times over, with new ids: 320 agreements */

typedef struct fixture {
    kt_lexicon *lex;
    char *tmp;
    char *csv;   /* the corpus, COPIES times */
    size_t rows;
    char *plain; /* built on one thread, the reference */
} fixture;

static fixture *fx;

/* The bundled corpus COPIES times: copy k has ids "<id>-k". */
static char *many_copies(size_t *rows)
{
    char *csv = kit_read(kit_corpus(), NULL);
    assert_non_null(csv);
    const char *body = kit_record_end(csv);
    kt_buf out = KT_BUF_INIT;
    kt_buf_append(&out, csv, (size_t)(body - csv));
    *rows = 0;
    for (int k = 0; k < COPIES; k++) {
        for (const char *p = body; *p;) {
            const char *end = kit_record_end(p);
            const char *comma = strchr(p, ',');
            assert_non_null(comma);
            kt_buf_append(&out, p, (size_t)(comma - p));
            kt_buf_printf(&out, "-%d", k);
            kt_buf_append(&out, comma, (size_t)(end - comma));
            (*rows)++;
            p = end;
        }
    }
    free(csv);
    return kt_buf_steal(&out);
}

static kt_status build(const char *db, const char *const *files, size_t n, kt_build_options *opts, bool update,
                       kt_build_stats *stats, kt_error *err)
{
    return update ? kt_index_update(db, files, n, fx->lex, opts, stats, err)
                  : kt_index_rebuild(db, files, n, fx->lex, opts, stats, err);
}

/* Builds fx->csv into tmp/name with the given options, expecting success. */
static size_t segment_every; /* for the next build_with */

static char *build_with(const char *name, unsigned threads, size_t flush_every, unsigned shards, bool no_compact)
{
    char *db = kit_path(fx->tmp, name);
    const char *files[] = {fx->csv};
    kit_reports rep = {KT_BUF_INIT, 0, 0};
    kt_build_options opts = kit_options(&rep);
    opts.threads = threads;
    opts.data_dir = kit_data_dir();
    opts.flush_every = flush_every;
    opts.shards = shards;
    opts.no_compact = no_compact;
    opts.segment_every = segment_every;
    kt_build_stats stats;
    kt_error err = {0};
    KIT_OK(build(db, files, 1, &opts, false, &stats, &err), &err);
    assert_int_equal(stats.rows_read, fx->rows);
    assert_int_equal(stats.added, fx->rows);
    assert_int_equal(stats.indexed, fx->rows);
    assert_int_equal(rep.errors, 0);
    kt_buf_free(&rep.text);
    return db;
}

static int group_setup(void **state)
{
    (void)state;
    fx = calloc(1, sizeof *fx);
    fx->lex = kit_lexicon();
    fx->tmp = kit_mkdtemp();
    char *text = many_copies(&fx->rows);
    fx->csv = kit_write(fx->tmp, "many.csv", text);
    free(text);
    fx->plain = build_with("plain", 1, 0, 1, true);
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    kit_rmtree(fx->tmp);
    kt_lexicon_close(fx->lex);
    free(fx->tmp);
    free(fx->csv);
    free(fx->plain);
    free(fx);
    return 0;
}

/* Every term of the index with its frequency, one "term freq" line each, in byte order: two
 * indexes holding the same agreements have the same list. */
static bool add_term_line(const char *term, size_t len, uint32_t freq, void *ctx)
{
    kt_buf_append(ctx, term, len);
    kt_buf_printf(ctx, " %u\n", freq);
    return true;
}

static char *all_terms(const char *path)
{
    xc_db *db = kit_open_db(path);
    kt_buf b = KT_BUF_INIT;
    xc_error xe;
    assert_int_equal(xc_db_each_term(db, NULL, add_term_line, &b, &xe), XC_OK);
    xc_db_close(db);
    return kt_buf_steal(&b);
}

/* The ids of the documents in docid order, one a line. */
static char *ids_in_order(const char *path)
{
    xc_db *db = kit_open_db(path);
    uint32_t n;
    xc_error xe;
    assert_int_equal(xc_db_doc_count(db, &n, &xe), XC_OK);
    kt_buf b = KT_BUF_INIT;
    for (uint32_t did = 1; did <= n; did++) {
        xc_doc *doc;
        char *id;
        assert_int_equal(xc_db_get_document(db, did, &doc, &xe), XC_OK);
        assert_int_equal(xc_doc_get_value(doc, KT_SLOT_ID, &id, NULL, &xe), XC_OK);
        kt_buf_printf(&b, "%s\n", id);
        free(id);
        xc_doc_free(doc);
    }
    xc_db_close(db);
    return kt_buf_steal(&b);
}

static void assert_same_order(const char *db, const char *other)
{
    char *a = ids_in_order(db), *b = ids_in_order(other);
    assert_string_equal(a, b);
    free(a);
    free(b);
}

/* A search as text: total, then every hit's id and score, then the facets. */
static char *search_text(const char *db, const char *query)
{
    const char *paths[] = {db};
    kt_searcher *s;
    kt_error err = {0};
    KIT_OK(kt_searcher_open(paths, 1, kit_data_dir(), &s, &err), &err);
    kt_search_request req = {.query = query, .limit = 50};
    kt_result *r;
    KIT_OK(kt_search(s, &req, &r, &err), &err);
    kt_buf b = KT_BUF_INIT;
    kt_buf_printf(&b, "total %u partial %d\n", r->total, r->partial);
    for (size_t i = 0; i < r->n_hits; i++)
        kt_buf_printf(&b, "%s %.12g\n", r->hits[i].col[KT_COL_ID], r->hits[i].score);
    for (size_t i = 0; i < r->countries.count; i++)
        kt_buf_printf(&b, "country %s %u\n", r->countries.items[i].value, r->countries.items[i].count);
    for (size_t i = 0; i < r->fields.count; i++)
        kt_buf_printf(&b, "field %s %u\n", r->fields.items[i].value, r->fields.items[i].count);
    kt_result_free(r);
    kt_searcher_close(s);
    return kt_buf_steal(&b);
}

static const char *const queries[] = {"交流", "観光 経済", "country:中国 大学", "\"経済交流\"", "かんこう", "title:覚書",
                                      "field:観光", "医療 OR 福祉", ""};

/* Same agreements, same terms with the same frequencies, same search results. */
static void assert_same_index(const char *db)
{
    assert_int_equal(kit_doc_count(db), fx->rows);
    char *want = all_terms(fx->plain), *got = all_terms(db);
    assert_string_equal(got, want);
    free(want);
    free(got);
    for (size_t i = 0; i < sizeof queries / sizeof queries[0]; i++) {
        char *a = search_text(fx->plain, queries[i]), *b = search_text(db, queries[i]);
        assert_string_equal(b, a);
        free(a);
        free(b);
    }
}

static void test_threads_build_the_same_index(void **state)
{
    (void)state;
    char *db = build_with("two", 2, 0, 1, false);
    assert_same_index(db);
    /* which thread wrote an agreement depends on its place in the input only: two runs give the
     * same document order */
    char *again = build_with("two-again", 2, 0, 1, false);
    assert_same_order(db, again);
    free(again);
    free(db);
}

static void test_small_flushes_segments_and_compaction(void **state)
{
    (void)state;
    /* a commit every 7 agreements on three threads, and one thread compacted */
    char *db = build_with("flush7", 3, 7, 1, false);
    assert_same_index(db);
    char *one = build_with("compacted", 1, 5, 1, false);
    assert_same_index(one);
    /* every thread starting a new database every 13 agreements: some 25 merged into one */
    segment_every = 13;
    char *segments = build_with("segments", 2, 4, 1, false);
    char *sharded = build_with("segments-sharded", 2, 0, 2, false);
    segment_every = 0;
    assert_same_index(segments);
    assert_same_index(sharded);
    free(segments);
    free(sharded);
    /* on one thread the documents stay in input order */
    assert_same_order(one, fx->plain);
    free(one);
    free(db);
}

static void test_bad_rows_reported_in_order_with_threads(void **state)
{
    (void)state;
    /* the copies, with a duplicate id near the start and a bad row near the end */
    char *text = kit_read(fx->csv, NULL);
    kt_buf bad = KT_BUF_INIT;
    kt_buf_append_str(&bad, text);
    kt_buf_append_str(&bad, "x-1,札幌市,北海道,,中国/大連市,中国,観光,説明,2008,\n"
                            "hokkaido-001-0,札幌市,北海道,題,中国/大連市,中国,観光,説明,2008,\n"
                            "x-2,札幌市,北海道,題,中国/大連市,中国,観光,説明,20x8,\n");
    char *file = kit_write(fx->tmp, "bad.csv", kt_buf_str(&bad));
    char *db = kit_path(fx->tmp, "bad");
    const char *files[] = {file};
    kit_reports rep = {KT_BUF_INIT, 0, 0};
    kt_build_options opts = kit_options(&rep);
    opts.threads = 2;
    opts.data_dir = kit_data_dir();
    kt_build_stats stats;
    kt_error err = {0};
    assert_int_equal(kt_index_rebuild(db, files, 1, fx->lex, &opts, &stats, &err), KT_ERR_INPUT);
    assert_int_equal(stats.rejected, 3);
    assert_int_equal(stats.indexed, 0);
    assert_int_equal(rep.errors, 3);
    /* the three rows start on the lines after the copies' last one */
    size_t lines = 0;
    for (const char *c = text; *c; c++)
        lines += *c == '\n';
    char at_first[32], at_third[32];
    snprintf(at_first, sizeof at_first, ":%zu: ", lines + 1);
    snprintf(at_third, sizeof at_third, ":%zu: ", lines + 3);
    const char *t = kt_buf_str(&rep.text);
    const char *first = strstr(t, at_first), *second = strstr(t, "duplicate id 'hokkaido-001-0'"),
               *third = strstr(t, at_third);
    if (!first || !second || !third || !(first < second && second < third))
        fail_msg("bad rows out of order:\n%s", t);
    char *stub = kit_path(db, "XAPIANDB");
    assert_false(kit_exists(stub)); /* nothing was written */
    /* with skip_bad, the good rows are written */
    kt_buf_clear(&rep.text);
    opts.skip_bad = true;
    assert_int_equal(kt_index_rebuild(db, files, 1, fx->lex, &opts, &stats, &err), KT_ERR_INPUT);
    assert_int_equal(stats.indexed, fx->rows);
    assert_int_equal(kit_doc_count(db), fx->rows);
    free(stub);
    kt_buf_free(&rep.text);
    free(db);
    free(file);
    kt_buf_free(&bad);
    free(text);
}

static void test_shard_of_is_stable(void **state)
{
    (void)state;
    /* FNV-1a 32 of "a" is 0xe40c292c, of "" 0x811c9dc5: the published test vectors */
    assert_int_equal(kt_layout_shard_of("a", 1000003), 0xe40c292cu % 1000003u);
    assert_int_equal(kt_layout_shard_of("", 7), 0x811c9dc5u % 7u);
    assert_int_equal(kt_layout_shard_of("hokkaido-001", 1), 0);
}

/* Which shard of a sharded index holds the document with this id (-1: none, -2: several). */
static int shard_holding(const char *db, unsigned shards, const char *id)
{
    int found = -1;
    char term[256];
    snprintf(term, sizeof term, KT_PREFIX_ID "%s", id);
    char stub_path[4096];
    snprintf(stub_path, sizeof stub_path, "%s/XAPIANDB", db);
    char *stub = kit_read(stub_path, NULL);
    assert_non_null(stub);
    unsigned long gen = 0;
    assert_int_equal(sscanf(stub, "auto gen-%lu/", &gen), 1);
    free(stub);
    for (unsigned s = 0; s < shards; s++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/gen-%lu/shard-%u", db, gen, s);
        xc_db *one = kit_open_db(path);
        uint32_t n;
        xc_error xe;
        assert_int_equal(xc_db_term_freq(one, term, &n, &xe), XC_OK);
        xc_db_close(one);
        if (n)
            found = found == -1 ? (int)s : -2;
    }
    return found;
}

static void test_shards(void **state)
{
    (void)state;
    char *db = build_with("sharded", 2, 50, 3, false);
    char *stub_path = kit_path(db, "XAPIANDB");
    char *stub = kit_read(stub_path, NULL);
    assert_string_equal(stub, "auto gen-1/shard-0\nauto gen-1/shard-1\nauto gen-1/shard-2\n");
    free(stub);
    /* one --db DIR searches every shard, as one index holding everything */
    assert_same_index(db);
    static const char *const ids[] = {"hokkaido-001-0", "sendai-006-7", "akita-008-3"};
    for (size_t i = 0; i < 3; i++)
        assert_int_equal(shard_holding(db, 3, ids[i]), (int)kt_layout_shard_of(ids[i], 3));

    /* an update replaces an agreement in its own shard, and adds a new one to its shard */
    char *upd = kit_write(fx->tmp, "upd.csv",
                          "id,municipality,prefecture,title,partner,country,fields,description,signed,url\n"
                          "sendai-006-7,仙台市,宮城県,改定協定,中国/大連市,中国,観光,改定された説明,2008,\n"
                          "new-001,札幌市,北海道,新協定,中国/大連市,中国,観光,新しい説明,2008,\n");
    const char *files[] = {upd};
    kit_reports rep = {KT_BUF_INIT, 0, 0};
    kt_build_options opts = kit_options(&rep);
    opts.threads = 2;
    opts.data_dir = kit_data_dir();
    kt_build_stats stats;
    kt_error err = {0};
    KIT_OK(kt_index_update(db, files, 1, fx->lex, &opts, &stats, &err), &err);
    assert_int_equal(stats.replaced, 1);
    assert_int_equal(stats.added, 1);
    assert_int_equal(kit_doc_count(db), fx->rows + 1);
    assert_int_equal(shard_holding(db, 3, "sendai-006-7"), (int)kt_layout_shard_of("sendai-006-7", 3));
    assert_int_equal(shard_holding(db, 3, "new-001"), (int)kt_layout_shard_of("new-001", 3));
    char *found = search_text(db, "改定された説明");
    KIT_CONTAINS(found, "sendai-006-7");
    free(found);
    stub = kit_read(stub_path, NULL);
    assert_string_equal(stub, "auto gen-1/shard-0\nauto gen-1/shard-1\nauto gen-1/shard-2\n");
    free(stub);

    /* another number of shards needs a rebuild */
    opts.shards = 2;
    assert_int_equal(kt_index_update(db, files, 1, fx->lex, &opts, &stats, &err), KT_ERR_INDEX);
    KIT_CONTAINS(err.message, "3 shards");

    /* deletions find the shard too */
    const char *gone[] = {"new-001", "hokkaido-001-0"};
    opts.shards = 0;
    KIT_OK(kt_index_delete(db, gone, 2, &opts, &stats, &err), &err);
    assert_int_equal(stats.deleted, 2);
    assert_int_equal(kit_doc_count(db), fx->rows - 1);
    assert_int_equal(shard_holding(db, 3, "hokkaido-001-0"), -1);

    /* a rebuild may change the number of shards: back to one database */
    const char *all[] = {fx->csv};
    KIT_OK(kt_index_rebuild(db, all, 1, fx->lex, &opts, &stats, &err), &err);
    stub = kit_read(stub_path, NULL);
    assert_string_equal(stub, "auto gen-2\n");
    free(stub);
    assert_same_index(db);

    kt_buf_free(&rep.text);
    free(upd);
    free(stub_path);
    free(db);
}

/* A rebuild killed while it wrote its parts leaves gen-N.build behind; the next run clears it, and
 * the stub may not be edited into something kyotei did not write. */
static void test_build_leftovers_and_foreign_stubs(void **state)
{
    (void)state;
    char *db = build_with("left", 2, 0, 1, false);
    char *scratch = kit_path(db, "gen-2.build");
    assert_int_equal(mkdir(scratch, 0755), 0);
    char *junk = kit_write(scratch, "part-0-0", "half written");
    free(build_with("left", 2, 0, 2, false));
    assert_false(kit_exists(scratch));
    assert_same_index(db);

    static const char *const bad_stubs[] = {"auto gen-2/shard-1\n", "auto gen-2/shard-0\nauto gen-3/shard-1\n",
                                            "auto gen-2\nauto gen-2\n", "auto gen-0\n", "auto gen-2/shard-0/x\n"};
    for (size_t i = 0; i < sizeof bad_stubs / sizeof bad_stubs[0]; i++) {
        free(kit_write(db, "XAPIANDB", bad_stubs[i]));
        const char *files[] = {fx->csv};
        kt_build_options opts = {0};
        kt_build_stats stats;
        kt_error err = {0};
        assert_int_equal(kt_index_update(db, files, 1, fx->lex, &opts, &stats, &err), KT_ERR_INDEX);
        KIT_CONTAINS(err.message, "not written by kyotei-index");
    }
    free(junk);
    free(scratch);
    free(db);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_shard_of_is_stable),
        cmocka_unit_test(test_threads_build_the_same_index),
        cmocka_unit_test(test_small_flushes_segments_and_compaction),
        cmocka_unit_test(test_bad_rows_reported_in_order_with_threads),
        cmocka_unit_test(test_shards),
        cmocka_unit_test(test_build_leftovers_and_foreign_stubs),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
