/* Searching across shards: the bundled corpus dealt into three kyotei indexes, opened as local
 * folders, as shard lists (Xapian's stub format) and as shards served by xapian-tcpsrv, must rank,
 * score and count facets exactly as one index holding everything. A shard that is down (a closed
 * port, a server that never answers, a connection that cannot even be made, a server that dies
 * between two searches) gives a clear error within the timeouts, or, with allow_partial, exactly
 * the results of the other shards, with the missing one named. */
#include "tests/shards/fixture.h"
#include "tests/shards/servers.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "xapian-c/xc.h"

static int group_setup(void **state)
{
    (void)state;
    return fx_group_setup(3);
}

static char *tcp_spec(unsigned port)
{
    char spec[64];
    snprintf(spec, sizeof spec, "tcp://127.0.0.1:%u", port);
    return strdup(spec);
}

/* Short timeouts, so that the failure tests stay quick, yet long enough for a live server on a
 * machine busy with other builds and tests. */
#define QUICK_CONNECT_MS 1000
#define QUICK_ANSWER_MS 2000
/* How much later than its timeout a failure may come. */
#define SLACK_MS 3000

static kt_searcher_options quick(bool allow_partial)
{
    kt_searcher_options o;
    kt_searcher_options_init(&o);
    o.connect_timeout_ms = QUICK_CONNECT_MS;
    o.timeout_ms = QUICK_ANSWER_MS;
    o.allow_partial = allow_partial;
    return o;
}

/* Fails unless r names exactly the one missing shard `name`. */
static void assert_missing(const kt_result *r, const char *name)
{
    assert_int_equal(r->n_shards_missing, 1);
    assert_string_equal(r->shards_missing[0], name);
}

static void test_three_local_shards_match_one_index(void **state)
{
    (void)state;
    const char *specs[] = {fx_shared.ix.shard[0], fx_shared.ix.shard[1], fx_shared.ix.shard[2]};
    kt_searcher *s = fx_open(specs, 3, NULL);
    assert_int_equal(kt_searcher_missing(s, NULL), 0);
    fx_assert_same_searches(fx_shared.whole, s);
    /* the order the shards are named in plays no part */
    kt_searcher_close(s);
    const char *reversed[] = {fx_shared.ix.shard[2], fx_shared.ix.shard[0], fx_shared.ix.shard[1]};
    s = fx_open(reversed, 3, NULL);
    fx_assert_same_searches(fx_shared.whole, s);
    kt_searcher_close(s);
}

static void test_shard_lists_match_one_index(void **state)
{
    (void)state;
    /* a list in a folder of its own, naming the shards relative to itself, with a comment, a
     * blank line and a CRLF line end; and Xapian opens the very same file */
    char *lists = kit_path(fx_shared.ix.tmp, "lists");
    assert_int_equal(mkdir(lists, 0777), 0);
    char *list = kit_write(lists, "three.shards",
                           "# the corpus in three\n\nauto ../shard0\r\nauto ../shard1\nauto ../shard2\n");
    const char *spec[] = {list};
    kt_searcher *s = fx_open(spec, 1, NULL);
    fx_assert_same_searches(fx_shared.whole, s);
    kt_searcher_close(s);
    xc_db *db = NULL;
    xc_error xe;
    uint32_t n = 0;
    char *plain = kit_write(lists, "plain.shards", "auto ../shard0\nauto ../shard1\nauto ../shard2\n");
    assert_int_equal(xc_db_open(plain, &db, &xe), XC_OK);
    assert_int_equal(xc_db_doc_count(db, &n, &xe), XC_OK);
    assert_int_equal(n, fx_shared.ix.rows);
    xc_db_close(db);

    /* a list naming another list, and a shard given beside a list */
    char *inner = kit_write(lists, "inner.shards", "auto ../shard1\nauto ../shard2\n");
    char *outer = kit_write(lists, "outer.shards", "auto inner.shards\n");
    const char *nested[] = {fx_shared.ix.shard[0], outer};
    s = fx_open(nested, 2, NULL);
    fx_assert_same_searches(fx_shared.whole, s);
    kt_searcher_close(s);

    /* a folder whose XAPIANDB names the shards, as a folder of shards could */
    char *bundle = kit_path(fx_shared.ix.tmp, "bundle");
    assert_int_equal(mkdir(bundle, 0777), 0);
    char *stub = kit_write(bundle, "XAPIANDB", "auto ../shard0\nauto ../shard1\nauto ../shard2\n");
    const char *folder[] = {bundle};
    s = fx_open(folder, 1, NULL);
    fx_assert_same_searches(fx_shared.whole, s);
    kt_searcher_close(s);

    free(stub);
    free(bundle);
    free(inner);
    free(outer);
    free(plain);
    free(list);
    free(lists);
}

static void test_remote_and_local_shards_match_one_index(void **state)
{
    (void)state;
    srv_need_tcpsrv();
    unsigned p1 = srv_serve(fx_shared.ix.shard[1], 0), p2 = srv_serve(fx_shared.ix.shard[2], 0);
    char *t1 = tcp_spec(p1), *t2 = tcp_spec(p2);
    const char *specs[] = {fx_shared.ix.shard[0], t1, t2};
    kt_searcher *s = fx_open(specs, 3, NULL);
    fx_assert_same_searches(fx_shared.whole, s);
    kt_searcher_close(s);

    /* the same from a shard list with remote lines, which Xapian's tools can open too */
    char text[256];
    snprintf(text, sizeof text, "auto shard0\nremote 127.0.0.1:%u\nremote 127.0.0.1:%u\n", p1, p2);
    char *list = kit_write(fx_shared.ix.tmp, "mixed.shards", text);
    const char *spec[] = {list};
    s = fx_open(spec, 1, NULL);
    fx_assert_same_searches(fx_shared.whole, s);
    kt_searcher_close(s);
    xc_db *db = NULL;
    xc_error xe;
    uint32_t n = 0;
    assert_int_equal(xc_db_open(list, &db, &xe), XC_OK);
    assert_int_equal(xc_db_doc_count(db, &n, &xe), XC_OK);
    assert_int_equal(n, fx_shared.ix.rows);
    xc_db_close(db);
    free(list);
    free(t1);
    free(t2);
}

/* A served database kyotei did not write is refused like a local one, partial results or not:
 * the schema is read from the remote shard's metadata. */
static void test_remote_schema_is_checked(void **state)
{
    (void)state;
    srv_need_tcpsrv();
    char *foreign = kit_path(fx_shared.ix.tmp, "foreign");
    xc_wdb *w = NULL;
    xc_doc *d = NULL;
    xc_error xe;
    assert_int_equal(xc_wdb_open(foreign, XC_WDB_CREATE_OR_OVERWRITE, &w, &xe), XC_OK);
    assert_int_equal(xc_doc_new(&d, &xe), XC_OK);
    assert_int_equal(xc_doc_add_term(d, "交流", 1, &xe), XC_OK);
    assert_int_equal(xc_wdb_add(w, d, NULL, &xe), XC_OK);
    assert_int_equal(xc_wdb_close(w, &xe), XC_OK);
    xc_doc_free(d);
    unsigned port = srv_serve(foreign, 0);
    char *t = tcp_spec(port);
    const char *specs[] = {fx_shared.ix.shard[0], t};
    for (int partial = 0; partial < 2; partial++) {
        kt_searcher_options o = quick(partial);
        kt_searcher *s = NULL;
        kt_error err = {0};
        assert_int_equal(kt_searcher_open_with(specs, 2, kit_data_dir(), &o, &s, &err), KT_ERR_INDEX);
        assert_null(s);
        KIT_CONTAINS(err.message, t);
        KIT_CONTAINS(err.message, "not a kyotei index");
    }
    free(t);
    free(foreign);
}

typedef enum down_kind { DOWN_CLOSED, DOWN_SILENT, DOWN_FULL } down_kind;

/* shard0 local, shard1 served, shard2 down in the given way: an error within the timeouts, or the
 * results of shard0 and shard1 with shard2 named. */
static void check_down_shard(down_kind kind)
{
    srv_need_tcpsrv();
    unsigned p1 = srv_serve(fx_shared.ix.shard[1], 0);
    unsigned p2 = kind == DOWN_CLOSED ? srv_closed() : kind == DOWN_SILENT ? srv_silent() : srv_full();
    char *t1 = tcp_spec(p1), *t2 = tcp_spec(p2);
    const char *specs[] = {fx_shared.ix.shard[0], t1, t2};

    kt_searcher_options strict = quick(false);
    kt_searcher *s = NULL;
    kt_error err = {0};
    long start = srv_now_ms();
    assert_int_equal(kt_searcher_open_with(specs, 3, kit_data_dir(), &strict, &s, &err), KT_ERR_INDEX);
    long took = srv_now_ms() - start;
    assert_null(s);
    KIT_CONTAINS(err.message, t2);
    KIT_CONTAINS(err.message, kind == DOWN_CLOSED ? "refused" : kind == DOWN_SILENT ? "Timeout" : "connect");
    assert_true(took < QUICK_ANSWER_MS + SLACK_MS);

    /* partial: exactly what the other two shards give on their own */
    const char *others_specs[] = {fx_shared.ix.shard[0], fx_shared.ix.shard[1]};
    kt_searcher *others = fx_open(others_specs, 2, NULL);
    kt_searcher_options partial = quick(true);
    start = srv_now_ms();
    s = fx_open(specs, 3, &partial);
    assert_true(srv_now_ms() - start < QUICK_ANSWER_MS + SLACK_MS);
    const char *const *names;
    assert_int_equal(kt_searcher_missing(s, &names), 1);
    assert_string_equal(names[0], t2);
    kt_search_request req = {.query = "交流", .all = true};
    kt_result *want = fx_search(others, &req), *got = fx_search(s, &req);
    assert_missing(got, t2);
    assert_int_equal(want->n_shards_missing, 0);
    fx_assert_same(want, got, "交流 without the shard that is down");
    assert_true(got->total > 0 && got->total < fx_shared.ix.rows);
    kt_result_free(want);
    kt_result_free(got);
    kt_searcher_close(s);
    kt_searcher_close(others);

    /* losing every shard is an error even with partial results allowed */
    const char *only_down[] = {t2};
    assert_int_equal(kt_searcher_open_with(only_down, 1, kit_data_dir(), &partial, &s, &err), KT_ERR_INDEX);
    KIT_CONTAINS(err.message, "none of the 1 shard answered");
    KIT_CONTAINS(err.message, t2);
    free(t1);
    free(t2);
}

static void test_closed_port(void **state)
{
    (void)state;
    check_down_shard(DOWN_CLOSED);
}

static void test_server_that_never_answers(void **state)
{
    (void)state;
    check_down_shard(DOWN_SILENT);
}

static void test_connection_that_cannot_be_made(void **state)
{
    (void)state;
    check_down_shard(DOWN_FULL);
}

/* A server that goes away between two searches of one searcher (a restart, or an idle connection
 * the server closed): the next search fails quickly, or leaves it out when allowed; once the
 * server is back, the next search finds it again without reopening the searcher. */
static void test_server_goes_away_and_comes_back(void **state)
{
    (void)state;
    srv_need_tcpsrv();
    unsigned port = srv_serve(fx_shared.ix.shard[2], 0);
    char *t = tcp_spec(port);
    const char *specs[] = {fx_shared.ix.shard[0], fx_shared.ix.shard[1], t};
    kt_searcher_options strict_opts = quick(false), partial_opts = quick(true);
    kt_searcher *strict = fx_open(specs, 3, &strict_opts), *partial = fx_open(specs, 3, &partial_opts);
    const char *others_specs[] = {fx_shared.ix.shard[0], fx_shared.ix.shard[1]};
    kt_searcher *others = fx_open(others_specs, 2, NULL);
    kt_search_request req = {.query = "経済", .limit = 5};
    kt_result *want = fx_search(fx_shared.whole, &req), *got = fx_search(strict, &req);
    fx_assert_same(want, got, "経済 with every shard up");
    kt_result_free(got);
    got = fx_search(partial, &req);
    assert_int_equal(got->n_shards_missing, 0);
    kt_result_free(got);

    srv_stop(port);
    kt_error err = {0};
    long start = srv_now_ms();
    assert_int_equal(kt_search(strict, &req, &got, &err), KT_ERR_INDEX);
    assert_true(srv_now_ms() - start < SLACK_MS); /* refused: no timeout to wait for */
    assert_null(got);
    KIT_CONTAINS(err.message, t);
    kt_result *rest = fx_search(others, &req);
    got = fx_search(partial, &req);
    assert_missing(got, t);
    fx_assert_same(rest, got, "経済 once the served shard is gone");
    kt_result_free(got);
    kt_result_free(rest);

    srv_serve(fx_shared.ix.shard[2], port);
    got = fx_search(strict, &req);
    fx_assert_same(want, got, "経済 once the server is back");
    assert_int_equal(got->n_shards_missing, 0);
    kt_result_free(got);
    kt_result_free(want);
    kt_searcher_close(strict);
    kt_searcher_close(partial);
    kt_searcher_close(others);
    free(t);
}

/* xapian-tcpsrv opens the kyotei folder (its XAPIANDB stub) for each connection, so a rebuild is
 * seen by every searcher that connects after it. */
static void test_rebuild_is_served(void **state)
{
    (void)state;
    srv_need_tcpsrv();
    char *dir = kit_path(fx_shared.ix.tmp, "rebuilt");
    char *csv = kit_write(fx_shared.ix.tmp, "one.csv",
                          "id,title,description,country\nr-1,宇宙協定,宇宙開発の協力,米国\n");
    kt_lexicon *lex = kit_lexicon();
    kt_error err = {0};
    const char *files[] = {csv};
    KIT_OK(kit_rebuild(dir, files, 1, lex, NULL, NULL, &err), &err);
    unsigned port = srv_serve(dir, 0);
    char *t = tcp_spec(port);
    const char *spec[] = {t};
    kt_searcher *s = fx_open(spec, 1, NULL);
    kt_search_request req = {.query = "宇宙", .limit = 10};
    kt_result *r = fx_search(s, &req);
    assert_int_equal(r->total, 1);
    kt_result_free(r);
    kt_searcher_close(s);

    const char *corpus[] = {kit_corpus()};
    KIT_OK(kit_rebuild(dir, corpus, 1, lex, NULL, NULL, &err), &err);
    s = fx_open(spec, 1, NULL);
    req.query = "交流";
    r = fx_search(s, &req);
    kt_result *want = fx_search(fx_shared.whole, &req);
    fx_assert_same(want, r, "交流 after a rebuild of the served index");
    kt_result_free(want);
    kt_result_free(r);
    kt_searcher_close(s);
    kt_lexicon_close(lex);
    free(t);
    free(csv);
    free(dir);
}

/* xc_db_add_db, which opens each shard on its own before it joins the others. */
static void test_binding_adds_one_database_to_another(void **state)
{
    (void)state;
    xc_db *all = NULL, *one = NULL;
    xc_error xe;
    uint32_t n = 0, total = 0;
    assert_int_equal(xc_db_open_empty(&all, &xe), XC_OK);
    assert_int_equal(xc_db_add_db(all, NULL, &xe), XC_ERR_INVALID);
    assert_int_equal(xc_db_add_db(NULL, all, &xe), XC_ERR_INVALID);
    assert_int_equal(xc_db_add_db(all, all, &xe), XC_ERR_INVALID);
    for (size_t k = 0; k < fx_shared.ix.n_shards; k++) {
        assert_int_equal(xc_db_open(fx_shared.ix.shard[k], &one, &xe), XC_OK);
        assert_int_equal(xc_db_doc_count(one, &n, &xe), XC_OK);
        total += n;
        assert_int_equal(xc_db_add_db(all, one, &xe), XC_OK);
        xc_db_close(one); /* the shard stays open in `all` */
    }
    assert_int_equal(xc_db_doc_count(all, &n, &xe), XC_OK);
    assert_int_equal(n, fx_shared.ix.rows);
    assert_int_equal(total, fx_shared.ix.rows);
    xc_db_close(all);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_three_local_shards_match_one_index),
        cmocka_unit_test(test_shard_lists_match_one_index),
        cmocka_unit_test_teardown(test_remote_and_local_shards_match_one_index, fx_stop_servers),
        cmocka_unit_test_teardown(test_remote_schema_is_checked, fx_stop_servers),
        cmocka_unit_test_teardown(test_closed_port, fx_stop_servers),
        cmocka_unit_test_teardown(test_server_that_never_answers, fx_stop_servers),
        cmocka_unit_test_teardown(test_connection_that_cannot_be_made, fx_stop_servers),
        cmocka_unit_test_teardown(test_server_goes_away_and_comes_back, fx_stop_servers),
        cmocka_unit_test_teardown(test_rebuild_is_served, fx_stop_servers),
        cmocka_unit_test(test_binding_adds_one_database_to_another),
    };
    return cmocka_run_group_tests(tests, group_setup, fx_group_teardown);
}
