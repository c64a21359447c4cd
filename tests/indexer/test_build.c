/* indexer/build: kt_index_rebuild on small CSV files written by the test — unique ids across
 * files, every bad row reported with FILE:LINE, atomic swaps (a failed build changes nothing),
 * the writer's lock, foreign directories, and leftovers of killed runs. */
#include "tests/support/kit.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "schema/schema.h"
#include "xapian-c/xc.h"

#define HEADER "id,municipality,prefecture,title,partner,country,fields,description,signed,url\n"

static const char good_a[] = HEADER
    "a-001,青森県,青森県,友好交流協定,韓国/済州特別自治道,韓国,観光,青少年の交流,2011,\n"
    "a-002,秋田県,秋田県,経済交流に関する覚書,中国/天津市,中国,経済,\"経済の交流\n[2012年締結]\",2012-07,"
    "https://example.jp/a\n";
static const char good_b[] = HEADER
    "b-001,仙台市,宮城県,観光に関する相互協力協定,タイ国政府観光庁,タイ,観光,観光振興を図る,2006-08-31,\n";

typedef struct fixture {
    kt_lexicon *lex;
    char *tmp; /* per test */
    char *db;  /* tmp/index */
} fixture;

static kt_lexicon *shared_lex;

static int group_setup(void **state)
{
    (void)state;
    shared_lex = kit_lexicon();
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    kt_lexicon_close(shared_lex);
    return 0;
}

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    f->lex = shared_lex;
    f->tmp = kit_mkdtemp();
    f->db = kit_path(f->tmp, "index");
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    kit_rmtree(f->tmp);
    free(f->tmp);
    free(f->db);
    free(f);
    return 0;
}

static uint32_t term_freq(const char *path, const char *term)
{
    xc_db *db = kit_open_db(path);
    uint32_t n;
    xc_error xe;
    assert_int_equal(xc_db_term_freq(db, term, &n, &xe), XC_OK);
    xc_db_close(db);
    return n;
}

static char *stub(const fixture *f)
{
    char *path = kit_path(f->db, "XAPIANDB");
    char *text = kit_read(path, NULL);
    free(path);
    return text;
}

static bool db_has(const fixture *f, const char *name)
{
    char *path = kit_path(f->db, name);
    bool has = kit_exists(path);
    free(path);
    return has;
}

/* Builds from the given texts (written as tmp/<name>) and expects success. */
static void build_ok(fixture *f, const char *name, const char *text, kt_build_stats *stats)
{
    char *file = kit_write(f->tmp, name, text);
    const char *files[] = {file};
    kit_reports rep = {KT_BUF_INIT, 0, 0};
    kt_error err = {0};
    kt_status st = kit_rebuild(f->db, files, 1, f->lex, &rep, stats, &err);
    if (st != KT_OK)
        fprintf(stderr, "reports:\n%s", kt_buf_str(&rep.text));
    KIT_OK(st, &err);
    assert_int_equal(rep.errors, 0);
    kt_buf_free(&rep.text);
    free(file);
}

static void test_builds_from_several_files(void **state)
{
    fixture *f = *state;
    char *a = kit_write(f->tmp, "a.csv", good_a);
    char *b = kit_write(f->tmp, "b.csv", good_b);
    const char *files[] = {a, b};
    kt_build_stats stats;
    kit_reports rep = {KT_BUF_INIT, 0, 0};
    kt_error err = {0};
    KIT_OK(kit_rebuild(f->db, files, 2, f->lex, &rep, &stats, &err), &err);
    assert_int_equal(stats.rows_read, 3);
    assert_int_equal(stats.indexed, 3);
    assert_int_equal(stats.rejected, 0);
    assert_int_equal(stats.warnings, 0);
    assert_int_equal(rep.errors + rep.warnings, 0);

    char *s = stub(f);
    assert_string_equal(s, "auto gen-1\n");
    free(s);
    assert_true(db_has(f, "gen-1"));
    assert_int_equal(kit_doc_count(f->db), 3);
    assert_int_equal(term_freq(f->db, "Qa-001"), 1);
    assert_int_equal(term_freq(f->db, "Qa-002"), 1);
    assert_int_equal(term_freq(f->db, "Qb-001"), 1);
    assert_int_equal(term_freq(f->db, "XC韓国"), 1);
    assert_int_equal(term_freq(f->db, "XC中国"), 1);
    assert_int_equal(term_freq(f->db, "XCタイ"), 1);
    assert_int_equal(term_freq(f->db, "XF観光"), 2);
    assert_int_equal(term_freq(f->db, "交流"), 2);

    /* the index says which schema wrote it */
    xc_db *db = kit_open_db(f->db);
    char *version;
    xc_error xe;
    assert_int_equal(xc_db_get_metadata(db, KT_META_SCHEMA_KEY, &version, NULL, &xe), XC_OK);
    assert_string_equal(version, KT_META_SCHEMA_VERSION);
    free(version);
    xc_db_close(db);

    kt_buf_free(&rep.text);
    free(a);
    free(b);
}

static void test_rebuild_swaps_generations(void **state)
{
    fixture *f = *state;
    build_ok(f, "a.csv", good_a, NULL);
    assert_int_equal(kit_doc_count(f->db), 2);
    build_ok(f, "b.csv", good_b, NULL);
    char *s = stub(f);
    assert_string_equal(s, "auto gen-2\n");
    free(s);
    /* the previous generation stays one rebuild longer, for searchers that read the old stub */
    assert_true(db_has(f, "gen-1"));
    assert_true(db_has(f, "gen-2"));
    /* a rebuild replaces the content: a-00x are gone */
    assert_int_equal(kit_doc_count(f->db), 1);
    assert_int_equal(term_freq(f->db, "Qa-001"), 0);
    assert_int_equal(term_freq(f->db, "Qb-001"), 1);
}

/* Readers that opened the old generation keep reading it after a rebuild swapped in a new one. */
static void test_open_reader_survives_rebuild(void **state)
{
    fixture *f = *state;
    build_ok(f, "a.csv", good_a, NULL);
    xc_db *old = kit_open_db(f->db);
    build_ok(f, "b.csv", good_b, NULL);
    build_ok(f, "a2.csv", good_a, NULL);
    uint32_t n;
    xc_error xe;
    assert_int_equal(xc_db_doc_count(old, &n, &xe), XC_OK);
    assert_int_equal(n, 2);
    assert_int_equal(xc_db_term_freq(old, "Qa-002", &n, &xe), XC_OK);
    assert_int_equal(n, 1);
    xc_doc *doc;
    assert_int_equal(xc_db_get_document(old, 2, &doc, &xe), XC_OK);
    char *data;
    assert_int_equal(xc_doc_get_data(doc, &data, NULL, &xe), XC_OK);
    KIT_CONTAINS(data, "a-002");
    free(data);
    xc_doc_free(doc);
    xc_db_close(old);
}

static void test_duplicate_id_across_files(void **state)
{
    fixture *f = *state;
    char *a = kit_write(f->tmp, "a.csv", good_a);
    char *dup = kit_write(f->tmp, "dup.csv", HEADER
                          "c-001,札幌市,北海道,協定,中国/大連市,中国,観光,観光の交流,2008,\n"
                          "a-002,札幌市,北海道,協定,中国/大連市,中国,観光,観光の交流,2008,\n");
    const char *files[] = {a, dup};
    kt_build_stats stats;
    kit_reports rep = {KT_BUF_INIT, 0, 0};
    kt_error err = {0};
    assert_int_equal(kit_rebuild(f->db, files, 2, f->lex, &rep, &stats, &err), KT_ERR_INPUT);
    assert_int_equal(rep.errors, 1);
    assert_int_equal(stats.rejected, 1);
    assert_int_equal(stats.rows_read, 4);
    /* both places: the second (dup.csv line 3) and the first (a.csv line 3, after its
     * two-line row a-001 on line 2) */
    kt_buf want = KT_BUF_INIT;
    kt_buf_printf(&want, "E %s:3: duplicate id 'a-002' (first at %s:3)\n", dup, a);
    assert_string_equal(kt_buf_str(&rep.text), kt_buf_str(&want));
    kt_buf_free(&want);
    /* nothing was swapped in */
    assert_false(db_has(f, "XAPIANDB"));
    assert_false(db_has(f, "gen-1"));
    kt_buf_free(&rep.text);

    /* the same id twice in one file is reported too */
    char *twice = kit_write(f->tmp, "twice.csv", HEADER
                            "d-001,札幌市,北海道,協定,中国/大連市,中国,観光,観光の交流,2008,\n"
                            "d-001,札幌市,北海道,協定,中国/大連市,中国,観光,観光の交流,2008,\n");
    const char *one[] = {twice};
    rep = (kit_reports){KT_BUF_INIT, 0, 0};
    assert_int_equal(kit_rebuild(f->db, one, 1, f->lex, &rep, &stats, &err), KT_ERR_INPUT);
    want = (kt_buf)KT_BUF_INIT;
    kt_buf_printf(&want, "E %s:3: duplicate id 'd-001' (first at %s:2)\n", twice, twice);
    assert_string_equal(kt_buf_str(&rep.text), kt_buf_str(&want));
    kt_buf_free(&want);
    kt_buf_free(&rep.text);
    free(twice);
    free(a);
    free(dup);
}

/* Every bad row is reported, with the line its row starts on; the build then fails and the index
 * that was there stays as it was, searchable. */
static void test_bad_rows_fail_the_build_and_change_nothing(void **state)
{
    fixture *f = *state;
    build_ok(f, "a.csv", good_a, NULL);
    char *stub_before = stub(f);
    xc_db *reader = kit_open_db(f->db);

    char *bad = kit_write(f->tmp, "bad.csv", HEADER
        "x-001,札幌市,北海道,,中国/大連市,中国,観光,観光の交流,2008,\n"                      /* 2: no title */
        "x-002,札幌市,北海道,協定,中国/大連市,中国,観光,\"一行目\n二行目\n三行目\",2008,\n" /* 3-5: good */
        "x-003,札幌市,北海道,協定,中国/大連市,中国,観光,観光の交流,2008-13,\n"              /* 6: bad date */
        "x-004,札幌市,北海道,協定,中国/大連市,中国,観光\n"                                 /* 7: short row */
        "x-005,札幌市,北海道,協定,中国/大連市,中国,観光,観光の交流,2008,ftp://x\n"         /* 8: bad url */
        "x-006,札幌市,北海道,協定,中国/大連市,中国,観光,観光の交流,2008,\n");               /* 9: good */
    const char *files[] = {bad};
    kt_build_stats stats;
    kit_reports rep = {KT_BUF_INIT, 0, 0};
    kt_error err = {0};
    assert_int_equal(kit_rebuild(f->db, files, 1, f->lex, &rep, &stats, &err), KT_ERR_INPUT);
    assert_int_equal(err.status, KT_ERR_INPUT);
    KIT_CONTAINS(err.message, "4 bad rows");
    assert_int_equal(stats.rows_read, 6);
    assert_int_equal(stats.rejected, 4);
    assert_int_equal(rep.errors, 4);
    const int lines[] = {2, 6, 7, 8};
    const char *why[] = {"missing title", "signed", "columns", "url"};
    const char *p = kt_buf_str(&rep.text);
    for (size_t i = 0; i < 4; i++) {
        char head[512];
        snprintf(head, sizeof head, "E %s:%d: ", bad, lines[i]);
        if (strncmp(p, head, strlen(head)) != 0) {
            fprintf(stderr, "report %zu should start '%s':\n%s", i, head, kt_buf_str(&rep.text));
            fail();
        }
        const char *eol = strchr(p, '\n');
        assert_non_null(eol);
        char *line = strndup(p, (size_t)(eol - p));
        KIT_CONTAINS(line, why[i]);
        free(line);
        p = eol + 1;
    }
    assert_string_equal(p, "");

    /* unchanged: same stub, same documents, no new generation left behind */
    char *stub_after = stub(f);
    assert_string_equal(stub_after, stub_before);
    assert_false(db_has(f, "gen-2"));
    assert_int_equal(kit_doc_count(f->db), 2);
    assert_int_equal(term_freq(f->db, "Qx-006"), 0);
    assert_int_equal(term_freq(f->db, "Qa-001"), 1);
    /* a reader that was open before still reads, and a reopen sees the same index */
    bool changed = true;
    xc_error xe;
    assert_int_equal(xc_db_reopen(reader, &changed, &xe), XC_OK);
    uint32_t n;
    assert_int_equal(xc_db_doc_count(reader, &n, &xe), XC_OK);
    assert_int_equal(n, 2);
    xc_db_close(reader);

    /* the next good build goes on from the generation in use */
    build_ok(f, "b.csv", good_b, NULL);
    char *s = stub(f);
    assert_string_equal(s, "auto gen-2\n");
    free(s);
    free(stub_before);
    free(stub_after);
    kt_buf_free(&rep.text);
    free(bad);
}

static void test_bad_header_and_missing_file(void **state)
{
    fixture *f = *state;
    build_ok(f, "a.csv", good_a, NULL);
    char *stub_before = stub(f);

    char *nohead = kit_write(f->tmp, "nohead.csv", "id,municipality,description\nz-001,札幌市,説明\n");
    char *b = kit_write(f->tmp, "b.csv", good_b);
    const char *files[] = {nohead, b};
    kit_reports rep = {KT_BUF_INIT, 0, 0};
    kt_build_stats stats;
    kt_error err = {0};
    assert_int_equal(kit_rebuild(f->db, files, 2, f->lex, &rep, &stats, &err), KT_ERR_INPUT);
    kt_buf want = KT_BUF_INIT;
    kt_buf_printf(&want, "E %s:1: ", nohead);
    assert_memory_equal(kt_buf_str(&rep.text), want.data, want.len);
    KIT_CONTAINS(kt_buf_str(&rep.text), "title");
    assert_int_equal(rep.errors, 1);
    kt_buf_free(&want);
    kt_buf_free(&rep.text);

    char *missing = kit_path(f->tmp, "missing.csv");
    const char *files2[] = {b, missing};
    rep = (kit_reports){KT_BUF_INIT, 0, 0};
    assert_int_equal(kit_rebuild(f->db, files2, 2, f->lex, &rep, &stats, &err), KT_ERR_IO);
    KIT_CONTAINS(err.message, missing);

    char *stub_after = stub(f);
    assert_string_equal(stub_after, stub_before);
    assert_int_equal(kit_doc_count(f->db), 2);
    assert_false(db_has(f, "gen-2"));
    free(stub_before);
    free(stub_after);
    kt_buf_free(&rep.text);
    free(missing);
    free(nohead);
    free(b);
}

static void test_warnings_do_not_fail(void **state)
{
    fixture *f = *state;
    char *w = kit_write(f->tmp, "w.csv", HEADER
                        "w-001,札幌市,北海道,協定,ナルニア/ケア・パラベル,ナルニア,観光,観光の交流,2008,\n"
                        "w-002,札幌市,北海道,協定,中国/大連市,中国,観光、宇宙開発,観光の交流,2008,\n");
    const char *files[] = {w};
    kit_reports rep = {KT_BUF_INIT, 0, 0};
    kt_build_stats stats;
    kt_error err = {0};
    KIT_OK(kit_rebuild(f->db, files, 1, f->lex, &rep, &stats, &err), &err);
    assert_int_equal(stats.indexed, 2);
    assert_int_equal(stats.warnings, 2);
    assert_int_equal(rep.warnings, 2);
    assert_int_equal(rep.errors, 0);
    kt_buf want = KT_BUF_INIT;
    kt_buf_printf(&want, "W %s:2: ", w);
    KIT_CONTAINS(kt_buf_str(&rep.text), kt_buf_str(&want));
    kt_buf_clear(&want);
    kt_buf_printf(&want, "W %s:3: ", w);
    KIT_CONTAINS(kt_buf_str(&rep.text), kt_buf_str(&want));
    KIT_CONTAINS(kt_buf_str(&rep.text), "ナルニア");
    KIT_CONTAINS(kt_buf_str(&rep.text), "宇宙開発");
    assert_int_equal(kit_doc_count(f->db), 2);
    kt_buf_free(&want);
    kt_buf_free(&rep.text);
    free(w);
}

/* A second writer is refused while the lock on DIR/.lock is held, and nothing changes. */
static void test_second_writer_is_refused(void **state)
{
    fixture *f = *state;
    build_ok(f, "a.csv", good_a, NULL);
    char *stub_before = stub(f);
    char *lock = kit_path(f->db, ".lock");
    int fd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    assert_true(fd >= 0);
    assert_int_equal(flock(fd, LOCK_EX | LOCK_NB), 0);

    char *b = kit_write(f->tmp, "b.csv", good_b);
    const char *files[] = {b};
    kt_error err = {0};
    kt_build_stats stats;
    assert_int_equal(kit_rebuild(f->db, files, 1, f->lex, NULL, &stats, &err), KT_ERR_INDEX);
    assert_int_equal(err.status, KT_ERR_INDEX);
    KIT_CONTAINS(err.message, "another kyotei-index");
    KIT_CONTAINS(err.message, f->db);
    char *stub_after = stub(f);
    assert_string_equal(stub_after, stub_before);
    assert_false(db_has(f, "gen-2"));
    assert_int_equal(term_freq(f->db, "Qb-001"), 0);

    /* once the other writer is gone, the build goes through */
    assert_int_equal(flock(fd, LOCK_UN), 0);
    close(fd);
    KIT_OK(kit_rebuild(f->db, files, 1, f->lex, NULL, &stats, &err), &err);
    assert_int_equal(term_freq(f->db, "Qb-001"), 1);
    free(stub_before);
    free(stub_after);
    free(lock);
    free(b);
}

/* A directory holding anything but an index (someone's files, a plain Xapian database) is
 * refused and left exactly as it was. */
static void test_foreign_directory_is_refused_untouched(void **state)
{
    fixture *f = *state;
    assert_int_equal(mkdir(f->db, 0755), 0);
    char *notes = kit_write(f->db, "notes.txt", "大事なメモ\n");
    char *a = kit_write(f->tmp, "a.csv", good_a);
    const char *files[] = {a};
    kt_error err = {0};
    kt_build_stats stats;
    assert_int_equal(kit_rebuild(f->db, files, 1, f->lex, NULL, &stats, &err), KT_ERR_INDEX);
    KIT_CONTAINS(err.message, "not a kyotei index");
    KIT_CONTAINS(err.message, "notes.txt");
    char *text = kit_read(notes, NULL);
    assert_string_equal(text, "大事なメモ\n");
    free(text);
    assert_false(db_has(f, ".lock"));
    assert_false(db_has(f, "XAPIANDB"));
    assert_false(db_has(f, "gen-1"));

    /* a plain Xapian database (not built by kyotei) */
    char *plain = kit_path(f->tmp, "plain");
    xc_wdb *w;
    xc_error xe;
    assert_int_equal(xc_wdb_open(plain, XC_WDB_CREATE_OR_OVERWRITE, &w, &xe), XC_OK);
    xc_doc *doc;
    assert_int_equal(xc_doc_new(&doc, &xe), XC_OK);
    assert_int_equal(xc_doc_add_term(doc, "keep", 1, &xe), XC_OK);
    assert_int_equal(xc_wdb_add(w, doc, NULL, &xe), XC_OK);
    xc_doc_free(doc);
    assert_int_equal(xc_wdb_close(w, &xe), XC_OK);
    assert_int_equal(kit_rebuild(plain, files, 1, f->lex, NULL, &stats, &err), KT_ERR_INDEX);
    KIT_CONTAINS(err.message, "not a kyotei index");
    assert_int_equal(kit_doc_count(plain), 1);
    assert_int_equal(term_freq(plain, "keep"), 1);
    char *plain_lock = kit_path(plain, ".lock");
    assert_false(kit_exists(plain_lock));
    free(plain_lock);

    /* a stub that kyotei did not write */
    char *other = kit_path(f->tmp, "other");
    assert_int_equal(mkdir(other, 0755), 0);
    char *other_stub = kit_write(other, "XAPIANDB", "remote :tcp://example.org:33333\n");
    assert_int_equal(kit_rebuild(other, files, 1, f->lex, NULL, &stats, &err), KT_ERR_INDEX);
    text = kit_read(other_stub, NULL);
    assert_string_equal(text, "remote :tcp://example.org:33333\n");
    free(text);

    free(other_stub);
    free(other);
    free(plain);
    free(notes);
    free(a);
}

/* A run killed halfway leaves a generation directory (and maybe a stub temporary) behind; the next
 * build removes them. */
static void test_leftovers_of_a_killed_run_are_removed(void **state)
{
    fixture *f = *state;
    build_ok(f, "a.csv", good_a, NULL);
    /* what a killed run leaves: a half-written generation and a stub temporary */
    char *gen7 = kit_path(f->db, "gen-7");
    assert_int_equal(mkdir(gen7, 0755), 0);
    char *junk = kit_write(gen7, "leftover.tmp", "half written");
    char *gen2 = kit_path(f->db, "gen-2");
    assert_int_equal(mkdir(gen2, 0755), 0);
    char *junk2 = kit_write(gen2, "leftover.tmp", "half written");
    char *tmpstub = kit_write(f->db, "XAPIANDB.99999", "auto gen-7\n");

    /* the leftovers do not disturb the current index */
    assert_int_equal(kit_doc_count(f->db), 2);

    build_ok(f, "b.csv", good_b, NULL);
    char *s = stub(f);
    assert_string_equal(s, "auto gen-2\n");
    free(s);
    assert_false(kit_exists(gen7));
    assert_false(kit_exists(tmpstub));
    assert_false(kit_exists(junk2));
    assert_true(db_has(f, "gen-1")); /* the previous generation, kept one rebuild longer */
    assert_int_equal(kit_doc_count(f->db), 1);
    assert_int_equal(term_freq(f->db, "Qb-001"), 1);

    /* a killed first run: a generation but no stub yet */
    kit_rmtree(f->db);
    assert_int_equal(mkdir(f->db, 0755), 0);
    char *gen1 = kit_path(f->db, "gen-1");
    assert_int_equal(mkdir(gen1, 0755), 0);
    char *junk3 = kit_write(gen1, "junk", "x");
    build_ok(f, "a.csv", good_a, NULL);
    assert_false(kit_exists(junk3));
    assert_int_equal(kit_doc_count(f->db), 2);

    free(junk3);
    free(gen1);
    free(tmpstub);
    free(junk2);
    free(gen2);
    free(junk);
    free(gen7);
}

/* Ids longer than an index term can hold: two different long ids must stay two agreements (or
 * be refused as bad rows), never silently become one. */
static void test_long_ids_stay_distinct(void **state)
{
    fixture *f = *state;
    kt_buf csv = KT_BUF_INIT;
    kt_buf_append_str(&csv, HEADER);
    for (int i = 1; i <= 2; i++) {
        for (int k = 0; k < 230; k++)
            kt_buf_append_char(&csv, 'x');
        kt_buf_printf(&csv, "-%03d,札幌市,北海道,協定,中国/大連市,中国,観光,観光の交流,2008,\n", i);
    }
    char *file = kit_write(f->tmp, "long.csv", kt_buf_str(&csv));
    kt_buf_free(&csv);
    const char *files[] = {file};
    kit_reports rep = {KT_BUF_INIT, 0, 0};
    kt_build_stats stats;
    kt_error err = {0};
    kt_status st = kit_rebuild(f->db, files, 1, f->lex, &rep, &stats, &err);
    if (st == KT_OK) {
        assert_int_equal(stats.indexed, 2);
        if (kit_doc_count(f->db) != 2) {
            fprintf(stderr, "2 agreements with different ids indexed, %u documents in the index\n", kit_doc_count(f->db));
            fail();
        }
    } else {
        /* refusing them is fine too, as long as each is reported where it is */
        assert_int_equal(st, KT_ERR_INPUT);
        kt_buf want = KT_BUF_INIT;
        kt_buf_printf(&want, "E %s:2: ", file);
        KIT_CONTAINS(kt_buf_str(&rep.text), kt_buf_str(&want));
        kt_buf_clear(&want);
        kt_buf_printf(&want, "E %s:3: ", file);
        KIT_CONTAINS(kt_buf_str(&rep.text), kt_buf_str(&want));
        kt_buf_free(&want);
    }
    kt_buf_free(&rep.text);
    free(file);
}

/* Files deep in directories with Japanese names: a duplicate is still reported with both places,
 * whole, in valid UTF-8.
 * BUG: indexer/build.c formats every report into a fixed buffer (report(): char
 * msg[KT_ERROR_MESSAGE_MAX + 256], vsnprintf) and each row's place into char where[512]; with a
 * path of about 500 bytes the duplicate message is cut at 767 bytes in the middle of a character
 * (the callback receives invalid UTF-8) and the "first at" place is lost. Messages should be
 * built without a fixed limit (kt_buf) or at least cut at a character boundary like kt_error.
 * Remove KIT_KNOWN_BUG() once fixed. */
static void test_duplicate_report_with_long_paths(void **state)
{
    fixture *f = *state;
    kt_buf dir = KT_BUF_INIT, name = KT_BUF_INIT;
    kt_buf_printf(&dir, "%s/", f->tmp);
    for (int i = 0; i < 40; i++) /* 240 bytes: a path component holds 255 at most */
        kt_buf_append_str(&dir, "協定");
    assert_int_equal(mkdir(kt_buf_str(&dir), 0755), 0);
    for (int i = 0; i < 38; i++)
        kt_buf_append_str(&name, "一覧");
    kt_buf_append_str(&name, ".csv");
    char *file = kit_write(kt_buf_str(&dir), kt_buf_str(&name), HEADER
                           "d-001,札幌市,北海道,協定,中国/大連市,中国,観光,観光の交流,2008,\n"
                           "d-001,札幌市,北海道,協定,中国/大連市,中国,観光,観光の交流,2008,\n");
    const char *files[] = {file};
    kit_reports rep = {KT_BUF_INIT, 0, 0};
    kt_build_stats stats;
    kt_error err = {0};
    assert_int_equal(kit_rebuild(f->db, files, 1, f->lex, &rep, &stats, &err), KT_ERR_INPUT);
    assert_int_equal(rep.errors, 1);
    const char *text = kt_buf_str(&rep.text);
    assert_true(kit_utf8_valid(text, strlen(text)));
    kt_buf want = KT_BUF_INIT;
    kt_buf_printf(&want, "E %s:3: duplicate id 'd-001' (first at %s:2)\n", file, file);
    assert_string_equal(text, kt_buf_str(&want));
    kt_buf_free(&want);
    kt_buf_free(&rep.text);
    kt_buf_free(&dir);
    kt_buf_free(&name);
    free(file);
}

/* The stored record of the agreement with this id, malloc'd ("" when there is none). */
static char *record_of(const fixture *f, const char *id)
{
    xc_db *db = kit_open_db(f->db);
    char term[256];
    snprintf(term, sizeof term, "Q%s", id);
    xc_query *q;
    xc_mset *m;
    xc_error xe;
    assert_int_equal(xc_query_term(term, 1, 0, &q, &xe), XC_OK);
    assert_int_equal(xc_search(db, q, NULL, &m, &xe), XC_OK);
    char *data = NULL;
    if (xc_mset_size(m) > 0) {
        assert_int_equal(xc_mset_size(m), 1);
        xc_doc *doc;
        assert_int_equal(xc_mset_document(m, 0, &doc, &xe), XC_OK);
        assert_int_equal(xc_doc_get_data(doc, &data, NULL, &xe), XC_OK);
        xc_doc_free(doc);
    }
    xc_mset_free(m);
    xc_query_free(q);
    xc_db_close(db);
    return data ? data : calloc(1, 1);
}

static kt_status update(fixture *f, const char *name, const char *text, kit_reports *rep, kt_build_stats *stats,
                        bool skip_bad, kt_error *err)
{
    char *file = kit_write(f->tmp, name, text);
    const char *files[] = {file};
    kt_build_options opts = kit_options(rep);
    opts.skip_bad = skip_bad;
    kt_status st = kt_index_update(f->db, files, 1, f->lex, &opts, stats, err);
    free(file);
    return st;
}

/* An update adds new ids, replaces changed agreements, leaves unchanged ones alone, and keeps the
 * generation (it changes the index in place). */
static void test_update_adds_replaces_and_skips_unchanged(void **state)
{
    fixture *f = *state;
    build_ok(f, "a.csv", good_a, NULL);
    kit_reports rep = {KT_BUF_INIT, 0, 0};
    kt_build_stats stats;
    kt_error err = {0};
    /* the same file again: nothing to write */
    KIT_OK(update(f, "a.csv", good_a, &rep, &stats, false, &err), &err);
    assert_int_equal(stats.rows_read, 2);
    assert_int_equal(stats.unchanged, 2);
    assert_int_equal(stats.indexed, 0);
    assert_int_equal(stats.added + stats.replaced, 0);

    /* a-002 changed, c-001 new, a-001 as it was */
    KIT_OK(update(f, "a2.csv", HEADER
                  "a-001,青森県,青森県,友好交流協定,韓国/済州特別自治道,韓国,観光,青少年の交流,2011,\n"
                  "a-002,秋田県,秋田県,経済交流に関する覚書,中国/天津市,中国,経済,改定された説明,2012-07,\n"
                  "c-001,札幌市,北海道,協定,中国/大連市,中国,観光,観光の交流,2008,\n",
                  &rep, &stats, false, &err),
           &err);
    assert_int_equal(stats.unchanged, 1);
    assert_int_equal(stats.replaced, 1);
    assert_int_equal(stats.added, 1);
    assert_int_equal(stats.indexed, 2);
    assert_int_equal(kit_doc_count(f->db), 3);
    char *rec = record_of(f, "a-002");
    KIT_CONTAINS(rec, "改定された説明");
    free(rec);
    assert_int_equal(term_freq(f->db, "Qa-002"), 1);
    assert_int_equal(term_freq(f->db, "改定"), 1);
    assert_int_equal(term_freq(f->db, "XF経済"), 1); /* the old document's terms went with it */
    char *s = stub(f);
    assert_string_equal(s, "auto gen-1\n");
    free(s);
    assert_int_equal(rep.errors, 0);
    kt_buf_free(&rep.text);

    /* an update of a directory with no index yet builds one */
    char *fresh = kit_path(f->tmp, "fresh");
    char *b = kit_write(f->tmp, "b.csv", good_b);
    const char *files[] = {b};
    kt_build_options opts = {0};
    KIT_OK(kt_index_update(fresh, files, 1, f->lex, &opts, &stats, &err), &err);
    assert_int_equal(stats.added, 1);
    assert_int_equal(kit_doc_count(fresh), 1);
    free(b);
    free(fresh);
}

/* The index records the dictionaries it was built with; an update with other dictionaries is
 * refused (the agreements already indexed would keep the old words), the index untouched, and a
 * rebuild with the new ones is then updated as usual. */
static void test_update_refuses_other_dictionaries(void **state)
{
    fixture *f = *state;
    build_ok(f, "a.csv", good_a, NULL);
    xc_db *db = kit_open_db(f->db);
    char *recorded;
    xc_error xe;
    assert_int_equal(xc_db_get_metadata(db, KT_META_DICTIONARIES_KEY, &recorded, NULL, &xe), XC_OK);
    char fingerprint[KT_LEXICON_FINGERPRINT_SIZE], changed_fingerprint[KT_LEXICON_FINGERPRINT_SIZE];
    kt_error err = {0};
    KIT_OK(kt_lexicon_fingerprint(f->lex, fingerprint, &err), &err);
    assert_int_equal(strlen(recorded), KT_LEXICON_FINGERPRINT_SIZE - 1);
    assert_string_equal(recorded, fingerprint);
    free(recorded);
    xc_db_close(db);

    /* the same dictionaries, one field alias more */
    char *data = kit_path(f->tmp, "data");
    assert_int_equal(mkdir(data, 0700), 0);
    static const char *const names[] = {"user.dic", "countries.tsv", "fields.tsv", "synonyms.tsv", "phrasing.tsv", "places.tsv",
                                         "places-extra.tsv"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        char *from = kit_path(kit_data_dir(), names[i]);
        size_t len;
        char *bytes = kit_read(from, &len);
        assert_non_null(bytes);
        char *to = kit_path(data, names[i]);
        FILE *out = fopen(to, "wb");
        assert_non_null(out);
        assert_int_equal(fwrite(bytes, 1, len, out), len);
        if (strcmp(names[i], "fields.tsv") == 0)
            fputs("姉妹\t姉妹都市\n", out);
        assert_int_equal(fclose(out), 0);
        free(to);
        free(bytes);
        free(from);
    }
    kt_lexicon *changed;
    KIT_OK(kt_lexicon_open(data, &changed, &err), &err);
    KIT_OK(kt_lexicon_fingerprint(changed, changed_fingerprint, &err), &err);
    assert_string_not_equal(changed_fingerprint, fingerprint);

    char *file = kit_write(f->tmp, "b.csv", good_b);
    const char *files[] = {file};
    kt_build_options opts = {0};
    kt_build_stats stats;
    assert_int_equal(kt_index_update(f->db, files, 1, changed, &opts, &stats, &err), KT_ERR_INDEX);
    KIT_CONTAINS(err.message, "other dictionaries");
    KIT_CONTAINS(err.message, "rebuild it");
    assert_int_equal(kit_doc_count(f->db), 2);

    /* a rebuild with the new dictionaries records them, and updates go on */
    const char *both[] = {kit_write(f->tmp, "a.csv", good_a)};
    KIT_OK(kt_index_rebuild(f->db, both, 1, changed, &opts, &stats, &err), &err);
    KIT_OK(kt_index_update(f->db, files, 1, changed, &opts, &stats, &err), &err);
    assert_int_equal(kit_doc_count(f->db), 3);
    free((char *)both[0]);
    free(file);
    kt_lexicon_close(changed);
    free(data);
}

/* A bad row makes an update write nothing; with skip_bad the good rows are written and the run
 * still says that some rows were bad. */
static void test_update_with_bad_rows(void **state)
{
    fixture *f = *state;
    build_ok(f, "a.csv", good_a, NULL);
    static const char mixed[] = HEADER
        "c-001,札幌市,北海道,協定,中国/大連市,中国,観光,観光の交流,2008,\n"
        "c-002,札幌市,北海道,,中国/大連市,中国,観光,観光の交流,2008,\n"
        "a-001,青森県,青森県,友好交流協定,韓国/済州特別自治道,韓国,観光,書き換え,2011,\n";
    kit_reports rep = {KT_BUF_INIT, 0, 0};
    kt_build_stats stats;
    kt_error err = {0};
    assert_int_equal(update(f, "m.csv", mixed, &rep, &stats, false, &err), KT_ERR_INPUT);
    assert_int_equal(rep.errors, 1);
    assert_int_equal(stats.rejected, 1);
    assert_int_equal(stats.indexed, 0);
    KIT_CONTAINS(kt_buf_str(&rep.text), "m.csv:3: ");
    assert_int_equal(kit_doc_count(f->db), 2);
    assert_int_equal(term_freq(f->db, "Qc-001"), 0);
    char *rec = record_of(f, "a-001");
    KIT_LACKS(rec, "書き換え");
    free(rec);
    kt_buf_free(&rep.text);

    rep = (kit_reports){KT_BUF_INIT, 0, 0};
    assert_int_equal(update(f, "m.csv", mixed, &rep, &stats, true, &err), KT_ERR_INPUT);
    KIT_CONTAINS(err.message, "skipped");
    assert_int_equal(rep.errors, 1);
    assert_int_equal(stats.rejected, 1);
    assert_int_equal(stats.indexed, 2);
    assert_int_equal(stats.added, 1);
    assert_int_equal(stats.replaced, 1);
    assert_int_equal(kit_doc_count(f->db), 3);
    assert_int_equal(term_freq(f->db, "Qc-001"), 1);
    assert_int_equal(term_freq(f->db, "Qc-002"), 0);
    rec = record_of(f, "a-001");
    KIT_CONTAINS(rec, "書き換え");
    free(rec);
    kt_buf_free(&rep.text);
}

static void test_rebuild_with_skip_bad(void **state)
{
    fixture *f = *state;
    build_ok(f, "a.csv", good_a, NULL);
    char *file = kit_write(f->tmp, "m.csv", HEADER
                           "c-001,札幌市,北海道,協定,中国/大連市,中国,観光,観光の交流,2008,\n"
                           "c-002,札幌市,北海道,協定,中国/大連市,中国,観光,観光の交流,2008-02-30,\n");
    const char *files[] = {file};
    kit_reports rep = {KT_BUF_INIT, 0, 0};
    kt_build_options opts = kit_options(&rep);
    opts.skip_bad = true;
    kt_build_stats stats;
    kt_error err = {0};
    assert_int_equal(kt_index_rebuild(f->db, files, 1, f->lex, &opts, &stats, &err), KT_ERR_INPUT);
    assert_int_equal(stats.indexed, 1);
    assert_int_equal(rep.errors, 1);
    KIT_CONTAINS(kt_buf_str(&rep.text), "m.csv:3: ");
    /* swapped in: only the good row of the new file */
    char *s = stub(f);
    assert_string_equal(s, "auto gen-2\n");
    free(s);
    assert_int_equal(kit_doc_count(f->db), 1);
    assert_int_equal(term_freq(f->db, "Qc-001"), 1);
    kt_buf_free(&rep.text);
    free(file);
}

static void test_delete(void **state)
{
    fixture *f = *state;
    kit_reports rep = {KT_BUF_INIT, 0, 0};
    kt_build_options opts = kit_options(&rep);
    kt_build_stats stats;
    kt_error err = {0};
    const char *ids[] = {"a-001", "zz-999", ""};
    /* no index yet */
    assert_int_equal(kt_index_delete(f->db, ids, 1, &opts, &stats, &err), KT_ERR_INDEX);
    KIT_CONTAINS(err.message, f->db);
    assert_false(kit_exists(f->db));

    build_ok(f, "a.csv", good_a, NULL);
    KIT_OK(kt_index_delete(f->db, ids, 3, &opts, &stats, &err), &err);
    assert_int_equal(stats.deleted, 1);
    assert_int_equal(stats.warnings, 2);
    assert_int_equal(rep.warnings, 2);
    KIT_CONTAINS(kt_buf_str(&rep.text), "zz-999");
    assert_int_equal(kit_doc_count(f->db), 1);
    assert_int_equal(term_freq(f->db, "Qa-001"), 0);
    assert_int_equal(term_freq(f->db, "Qa-002"), 1);
    assert_int_equal(term_freq(f->db, "XC韓国"), 0); /* a-001's terms are gone with it */
    char *s = stub(f);
    assert_string_equal(s, "auto gen-1\n");
    free(s);

    /* the lock is respected */
    char *lock = kit_path(f->db, ".lock");
    int fd = open(lock, O_RDWR | O_CLOEXEC);
    assert_true(fd >= 0);
    assert_int_equal(flock(fd, LOCK_EX | LOCK_NB), 0);
    const char *last[] = {"a-002"};
    assert_int_equal(kt_index_delete(f->db, last, 1, &opts, &stats, &err), KT_ERR_INDEX);
    KIT_CONTAINS(err.message, "another kyotei-index");
    assert_int_equal(update(f, "b.csv", good_b, &rep, &stats, false, &err), KT_ERR_INDEX);
    close(fd);
    assert_int_equal(kit_doc_count(f->db), 1);
    free(lock);
    kt_buf_free(&rep.text);
}

/* A check reads and reports like a build and writes nothing anywhere. */
static void test_check_writes_nothing(void **state)
{
    fixture *f = *state;
    char *a = kit_write(f->tmp, "a.csv", good_a);
    char *bad = kit_write(f->tmp, "bad.csv", HEADER
                          "a-001,札幌市,北海道,協定,中国/大連市,中国,観光,観光の交流,2008,\n"
                          "x-001,札幌市,北海道,協定,中国/大連市,ナルニア,観光,観光の交流,2008,\n");
    const char *files[] = {a, bad};
    kit_reports rep = {KT_BUF_INIT, 0, 0};
    kt_build_options opts = kit_options(&rep);
    kt_build_stats stats;
    kt_error err = {0};
    assert_int_equal(kt_index_check(files, 2, f->lex, &opts, &stats, &err), KT_ERR_INPUT);
    assert_int_equal(stats.rows_read, 4);
    assert_int_equal(stats.rejected, 1);
    assert_int_equal(stats.warnings, 1);
    assert_int_equal(stats.indexed, 0);
    KIT_CONTAINS(kt_buf_str(&rep.text), "duplicate id 'a-001'");
    KIT_CONTAINS(kt_buf_str(&rep.text), "ナルニア");
    kt_buf_free(&rep.text);
    rep = (kit_reports){KT_BUF_INIT, 0, 0};
    KIT_OK(kt_index_check(files, 1, f->lex, &opts, &stats, &err), &err);
    assert_int_equal(stats.rows_read, 2);
    assert_int_equal(rep.errors + rep.warnings, 0);
    /* nothing was created in the scratch directory but the two files */
    assert_false(kit_exists(f->db));
    kt_buf_free(&rep.text);
    free(a);
    free(bad);
}

/* BUG: an id longer than an index term can hold (about 200 bytes) gets no Q term
 * (indexer/document.c add_prefixed() leaves it out) while indexer/build.c write_document()
 * replaces by a truncated "Q" + id term that no document carries; so every kt_index_update of
 * the same file adds the agreement again (build, then update: two copies), and kt_index_delete
 * cannot remove it (delete_work() warns "no agreement has the id"). Such ids should be refused
 * as bad rows (FILE:LINE: id too long) — or be hashed into a term that fits. Remove
 * KIT_KNOWN_BUG() once fixed. */
static void test_long_id_update_does_not_duplicate(void **state)
{
    fixture *f = *state;
    kt_buf csv = KT_BUF_INIT;
    kt_buf_append_str(&csv, HEADER);
    for (int k = 0; k < 230; k++)
        kt_buf_append_char(&csv, 'x');
    kt_buf_append_str(&csv, ",札幌市,北海道,協定,中国/大連市,中国,観光,観光の交流,2008,\n");
    kit_reports rep = {KT_BUF_INIT, 0, 0};
    kt_build_stats stats;
    kt_error err = {0};
    kt_status first = update(f, "long.csv", kt_buf_str(&csv), &rep, &stats, false, &err);
    kt_status second = update(f, "long.csv", kt_buf_str(&csv), &rep, &stats, false, &err);
    assert_int_equal(second, first);
    if (first == KT_OK) {
        assert_int_equal(kit_doc_count(f->db), 1);
    } else {
        assert_int_equal(first, KT_ERR_INPUT);
        KIT_CONTAINS(kt_buf_str(&rep.text), "long.csv:2: ");
    }
    kt_buf_free(&rep.text);
    kt_buf_free(&csv);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_builds_from_several_files, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rebuild_swaps_generations, setup, teardown),
        cmocka_unit_test_setup_teardown(test_open_reader_survives_rebuild, setup, teardown),
        cmocka_unit_test_setup_teardown(test_duplicate_id_across_files, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_rows_fail_the_build_and_change_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_header_and_missing_file, setup, teardown),
        cmocka_unit_test_setup_teardown(test_warnings_do_not_fail, setup, teardown),
        cmocka_unit_test_setup_teardown(test_second_writer_is_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_foreign_directory_is_refused_untouched, setup, teardown),
        cmocka_unit_test_setup_teardown(test_leftovers_of_a_killed_run_are_removed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_long_ids_stay_distinct, setup, teardown),
        cmocka_unit_test_setup_teardown(test_duplicate_report_with_long_paths, setup, teardown),
        cmocka_unit_test_setup_teardown(test_update_adds_replaces_and_skips_unchanged, setup, teardown),
        cmocka_unit_test_setup_teardown(test_update_refuses_other_dictionaries, setup, teardown),
        cmocka_unit_test_setup_teardown(test_update_with_bad_rows, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rebuild_with_skip_bad, setup, teardown),
        cmocka_unit_test_setup_teardown(test_delete, setup, teardown),
        cmocka_unit_test_setup_teardown(test_check_writes_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_long_id_update_does_not_duplicate, setup, teardown),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
