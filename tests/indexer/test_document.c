/* indexer/document: one agreement as one index document — stored record, boolean filter terms,
 * title words, values, canonical country and fields, warnings. The documents are written to a
 * real Xapian database so that their terms can be read back. */
#include "tests/support/kit.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "indexer/document.h"
#include "schema/schema.h"
#include "xapian-c/xc.h"

typedef struct fixture {
    kt_lexicon *lex;
    char *dir;
    int n_db; /* databases written so far, for unique names */
} fixture;

static int group_setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    f->lex = kit_lexicon();
    f->dir = kit_mkdtemp();
    *state = f;
    return 0;
}

static int group_teardown(void **state)
{
    fixture *f = *state;
    kit_rmtree(f->dir);
    free(f->dir);
    kt_lexicon_close(f->lex);
    free(f);
    return 0;
}

/* Fills a from the ten columns in file order (id … url). */
static void agreement_fill(kt_agreement *a, const char *const cols[KT_COL_COUNT])
{
    memset(a, 0, sizeof *a);
    for (int c = 0; c < KT_COL_COUNT; c++)
        a->col[c] = strdup(cols[c]);
    a->file = "test.csv";
    a->line = 2;
}

static bool collect_term(const char *term, size_t len, uint32_t freq, void *ctx)
{
    (void)freq;
    kt_buf *b = ctx;
    kt_buf_append(b, term, len);
    kt_buf_append_char(b, '\n');
    return true;
}

/* One agreement built into a document, which is also written alone to a database of its own so
 * that its terms can be read back. */
typedef struct doc_case {
    kt_agreement a;
    xc_doc *doc;
    char *warning; /* NULL when none */
    char *db;      /* the database holding doc */
    char *terms;   /* every term, one a line, a newline before the first: "\nQid\nXC中国\n…" */
} doc_case;

/* Builds cols (with the extra columns given, which it takes over); the build must succeed. */
static doc_case make_case_extra(fixture *f, const char *const cols[KT_COL_COUNT], kt_extra_column *extra,
                                size_t n_extra)
{
    doc_case c = {0};
    agreement_fill(&c.a, cols);
    c.a.extra = extra;
    c.a.n_extra = n_extra;
    kt_error err = {0};
    KIT_OK(kt_document_build(f->lex, &c.a, &c.doc, &c.warning, &err), &err);
    assert_non_null(c.doc);

    char name[32];
    snprintf(name, sizeof name, "db%d", f->n_db++);
    c.db = kit_path(f->dir, name);
    xc_wdb *w;
    xc_error xe;
    assert_int_equal(xc_wdb_open(c.db, XC_WDB_CREATE_OR_OVERWRITE, &w, &xe), XC_OK);
    assert_int_equal(xc_wdb_add(w, c.doc, NULL, &xe), XC_OK);
    assert_int_equal(xc_wdb_close(w, &xe), XC_OK);
    xc_db *db;
    assert_int_equal(xc_db_open(c.db, &db, &xe), XC_OK);
    kt_buf b = KT_BUF_INIT;
    kt_buf_append_char(&b, '\n');
    assert_int_equal(xc_db_each_term(db, NULL, collect_term, &b, &xe), XC_OK);
    xc_db_close(db);
    c.terms = kt_buf_steal(&b);
    return c;
}

static doc_case make_case(fixture *f, const char *const cols[KT_COL_COUNT])
{
    return make_case_extra(f, cols, NULL, 0);
}

static void case_free(doc_case *c)
{
    xc_doc_free(c->doc);
    free(c->warning);
    free(c->db);
    free(c->terms);
    kt_agreement_clear(&c->a);
}

static void assert_term(const char *terms, const char *term, bool present)
{
    char line[512];
    snprintf(line, sizeof line, "\n%s\n", term);
    if ((strstr(terms, line) != NULL) != present) {
        fprintf(stderr, "term '%s' should be %s; terms:%s\n", term, present ? "present" : "absent", terms);
        fail();
    }
}

/* Counts the terms that start with prefix. */
static size_t count_prefixed(const char *terms, const char *prefix)
{
    size_t n = 0, plen = strlen(prefix);
    for (const char *p = terms; (p = strchr(p, '\n')) && p[1]; p++)
        if (strncmp(p + 1, prefix, plen) == 0)
            n++;
    return n;
}

static json_t *stored_record(const xc_doc *doc)
{
    char *data;
    size_t len;
    xc_error xe;
    assert_int_equal(xc_doc_get_data(doc, &data, &len, &xe), XC_OK);
    json_error_t jerr;
    json_t *obj = json_loadb(data, len, 0, &jerr);
    if (!json_is_object(obj)) {
        fprintf(stderr, "stored data is not a JSON object (%s): %s\n", jerr.text, data);
        fail();
    }
    free(data);
    return obj;
}

static char *value_of(const xc_doc *doc, unsigned slot, size_t *len)
{
    char *v;
    xc_error xe;
    assert_int_equal(xc_doc_get_value(doc, slot, &v, len, &xe), XC_OK);
    return v;
}

static const char *const akita_008[KT_COL_COUNT] = {
    "akita-008", "秋田県", "秋田県", "日本国秋田県と中華人民共和国天津市の青少年交流に関する覚書", "中国/天津市", "中国",
    "人的交流、観光等", "将来の友好協定締結に向けた交流の促進\n[2016年10月締結]", "2016-10",
    "https://www.pref.akita.lg.jp/pages/archive/1234?a=\"b\"",
};

static void test_stored_record_holds_every_column(void **state)
{
    doc_case c = make_case(*state, akita_008);
    assert_null(c.warning);
    json_t *rec = stored_record(c.doc);
    for (int col = 0; col < KT_COL_COUNT; col++) {
        json_t *v = json_object_get(rec, kt_column_name(col));
        assert_true(json_is_string(v));
        assert_string_equal(json_string_value(v), akita_008[col]);
    }
    assert_string_equal(json_string_value(json_object_get(rec, KT_DATA_COUNTRY_CANONICAL)), "中国");
    json_t *fields = json_object_get(rec, KT_DATA_FIELDS_CANONICAL);
    assert_true(json_is_array(fields));
    /* canonical fields in vocabulary order: 観光 comes before 人的交流 in fields.tsv */
    assert_int_equal(json_array_size(fields), 2);
    assert_string_equal(json_string_value(json_array_get(fields, 0)), "観光");
    assert_string_equal(json_string_value(json_array_get(fields, 1)), "人的交流");
    assert_null(json_object_get(rec, KT_DATA_EXTRA)); /* no unknown columns, no "extra" */
    json_decref(rec);
    case_free(&c);
}

static void test_stored_record_keeps_extra_columns(void **state)
{
    kt_extra_column *extra = malloc(2 * sizeof *extra);
    extra[0] = (kt_extra_column){strdup("memo"), strdup("確認済み \"要\"")};
    extra[1] = (kt_extra_column){strdup("page"), strdup("12")};
    doc_case c = make_case_extra(*state, akita_008, extra, 2);
    json_t *rec = stored_record(c.doc);
    json_t *x = json_object_get(rec, KT_DATA_EXTRA);
    assert_true(json_is_object(x));
    assert_int_equal(json_object_size(x), 2);
    assert_string_equal(json_string_value(json_object_get(x, "memo")), "確認済み \"要\"");
    assert_string_equal(json_string_value(json_object_get(x, "page")), "12");
    json_decref(rec);
    case_free(&c);
}

static void test_boolean_and_title_terms(void **state)
{
    doc_case c = make_case(*state, akita_008);
    const char *terms = c.terms;
    assert_term(terms, "Qakita-008", true);
    assert_term(terms, "XC中国", true);
    assert_term(terms, "XF人的交流", true);
    assert_term(terms, "XF観光", true);
    assert_term(terms, "XP秋田県", true);
    assert_term(terms, "XM秋田県", true);
    assert_term(terms, "Y2016", true);
    assert_int_equal(count_prefixed(terms, "Q"), 1);
    assert_int_equal(count_prefixed(terms, "XC"), 1);
    assert_int_equal(count_prefixed(terms, "XF"), 2);
    assert_int_equal(count_prefixed(terms, "Y"), 1);
    /* title words, with and without the S prefix */
    assert_term(terms, "S青少年", true);
    assert_term(terms, "S交流", true);
    assert_term(terms, "S覚書", true);
    assert_term(terms, "青少年", true);
    assert_term(terms, "覚書", true);
    /* words of the other columns are free text only */
    assert_term(terms, "促進", true);
    assert_term(terms, "S促進", false);
    assert_term(terms, "天津", true);
    /* the other layers (dict/terms.h): readings, and bigrams of Japanese script, the title's
     * bigrams also with the title prefix */
    /* readings by their key (dict/reading.h): セイショウネン and コウリュウ with long vowels folded */
    assert_term(terms, "Rセショネン", true);
    assert_term(terms, "Rコリュ", true);
    assert_term(terms, "N青少", true);
    assert_term(terms, "N少年", true);
    assert_term(terms, "SN青少", true);
    assert_term(terms, "N促進", true);
    assert_term(terms, "SN促進", false);
    assert_term(terms, "SRセショネン", false);
    /* function words are not indexed */
    assert_term(terms, "に", false);
    assert_term(terms, "S関する", false);
    case_free(&c);
}

/* Fails unless the value in slot is want[0, want_len). */
static void assert_value(const xc_doc *doc, unsigned slot, const char *want, size_t want_len)
{
    size_t len;
    char *v = value_of(doc, slot, &len);
    assert_int_equal(len, want_len);
    assert_memory_equal(v, want, want_len);
    free(v);
}

static void test_values(void **state)
{
    doc_case c = make_case(*state, akita_008);
    size_t len;
    char *v = value_of(c.doc, KT_SLOT_SIGNED, &len);
    assert_true(xc_sortable_unserialise(v, len) == 20161000.0);
    free(v);
    /* the country, then the fields: one value for the one facet spy */
    assert_value(c.doc, KT_SLOT_FACETS, "中国\x1e観光\x1f人的交流", strlen("中国\x1e観光\x1f人的交流"));
    assert_value(c.doc, 2, "", 0); /* the fields' own slot of schema 3 is no longer written */
    assert_value(c.doc, KT_SLOT_PREFECTURE, "秋田県", strlen("秋田県"));
    assert_value(c.doc, KT_SLOT_MUNICIPALITY, "秋田県", strlen("秋田県"));
    assert_value(c.doc, KT_SLOT_ID, "akita-008", strlen("akita-008"));
    case_free(&c);
}

/* Each text column has its own range of positions: a phrase never runs from one into the next. */
static void test_phrases_stay_inside_one_column(void **state)
{
    const char *cols[KT_COL_COUNT] = {"t-001", "青森県", "青森県", "観光 協定", "韓国/済州特別自治道", "韓国",
                                      "観光", "経済 交流", "2011", ""};
    doc_case c = make_case(*state, cols);
    xc_db *db;
    xc_error xe;
    assert_int_equal(xc_db_open(c.db, &db, &xe), XC_OK);
    struct {
        const char *a, *b;
        uint32_t want;
    } cases[] = {
        {"観光", "協定", 1}, /* inside the title */
        {"経済", "交流", 1}, /* inside the description */
        {"協定", "経済", 0}, /* end of the title, start of the description */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        xc_query *t[2], *q;
        assert_int_equal(xc_query_term(cases[i].a, 1, 1, &t[0], &xe), XC_OK);
        assert_int_equal(xc_query_term(cases[i].b, 1, 2, &t[1], &xe), XC_OK);
        assert_int_equal(xc_query_combine(XC_OP_PHRASE, t, 2, 2, &q, &xe), XC_OK);
        xc_mset *m;
        assert_int_equal(xc_search(db, q, NULL, &m, &xe), XC_OK);
        if (xc_mset_size(m) != cases[i].want) {
            fprintf(stderr, "phrase %s %s: %u matches, expected %u\n", cases[i].a, cases[i].b, xc_mset_size(m),
                    cases[i].want);
            fail();
        }
        xc_mset_free(m);
        xc_query_free(q);
        xc_query_free(t[0]);
        xc_query_free(t[1]);
    }
    xc_db_close(db);
    case_free(&c);
}

/* With no country written, the country comes from a partner written 国/相手. */
static void test_country_from_partner(void **state)
{
    struct {
        const char *partner, *country;
    } cases[] = {
        {"タイ/バンコク", "タイ"},
        {"中華人民共和国/濰坊市寒亭区", "中国"},
        {"ＵＳＡ/シアトル市", "米国"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *cols[KT_COL_COUNT] = {"p-001", "山形県庄内町", "山形県", "友好協力関係を築く締結同意書",
                                          cases[i].partner, "", "住民の友好協力", "住民の交流を図る。",
                                          "2012-08-21", ""};
        doc_case c = make_case(*state, cols);
        assert_null(c.warning);
        json_t *rec = stored_record(c.doc);
        assert_string_equal(json_string_value(json_object_get(rec, KT_DATA_COUNTRY_CANONICAL)), cases[i].country);
        /* the column itself stays as written */
        assert_string_equal(json_string_value(json_object_get(rec, "country")), "");
        assert_string_equal(json_string_value(json_object_get(rec, "partner")), cases[i].partner);
        json_decref(rec);
        char want[64];
        snprintf(want, sizeof want, "XC%s", cases[i].country);
        assert_term(c.terms, want, true);
        assert_int_equal(count_prefixed(c.terms, "XC"), 1);
        size_t len, clen = strlen(cases[i].country);
        char *facets = value_of(c.doc, KT_SLOT_FACETS, &len);
        assert_true(len >= clen);
        assert_memory_equal(facets, cases[i].country, clen);
        assert_true(len == clen || facets[clen] == KT_FACET_GROUP_SEP);
        free(facets);
        case_free(&c);
    }
}

/* A country written in the country column wins, and an alias there is canonicalised too. */
static void test_country_alias_in_column(void **state)
{
    const char *cols[KT_COL_COUNT] = {"c-001", "仙台市", "宮城県", "協定", "タイ/バンコク", "大韓民国", "観光",
                                      "観光の協定", "", ""};
    doc_case c = make_case(*state, cols);
    assert_term(c.terms, "XC韓国", true);
    assert_term(c.terms, "XCタイ", false);
    /* no date: no year term */
    assert_int_equal(count_prefixed(c.terms, "Y"), 0);
    size_t len;
    char *v = value_of(c.doc, KT_SLOT_SIGNED, &len);
    assert_true(xc_sortable_unserialise(v, len) == 0.0);
    free(v);
    case_free(&c);
}

static void test_unknown_country_or_field_warns(void **state)
{
    /* an unknown country: kept as written, with a warning naming it */
    const char *c1[KT_COL_COUNT] = {"u-001", "札幌市", "北海道", "交流協定", "ナルニア/ケア・パラベル", "ナルニア",
                                    "観光", "観光の交流", "2008", ""};
    doc_case c = make_case(*state, c1);
    KIT_CONTAINS(c.warning, "ナルニア");
    assert_term(c.terms, "XCナルニア", true);
    assert_term(c.terms, "Qu-001", true);
    assert_term(c.terms, "XF観光", true);
    json_t *rec = stored_record(c.doc);
    assert_string_equal(json_string_value(json_object_get(rec, KT_DATA_COUNTRY_CANONICAL)), "ナルニア");
    json_decref(rec);
    case_free(&c);

    /* a field cell with one unknown part among known ones */
    const char *c2[KT_COL_COUNT] = {"u-002", "札幌市", "北海道", "交流協定", "中国/大連市", "中国",
                                    "観光、宇宙開発", "観光の交流", "2008", ""};
    c = make_case(*state, c2);
    KIT_CONTAINS(c.warning, "宇宙開発");
    assert_term(c.terms, "XF観光", true);
    assert_int_equal(count_prefixed(c.terms, "XF"), 1);
    case_free(&c);

    /* a field cell with no known field at all: still a document, without field terms */
    const char *c3[KT_COL_COUNT] = {"u-003", "札幌市", "北海道", "交流協定", "中国/大連市", "中国", "宇宙開発",
                                    "観光の交流", "2008", ""};
    c = make_case(*state, c3);
    KIT_CONTAINS(c.warning, "宇宙開発");
    assert_int_equal(count_prefixed(c.terms, "XF"), 0);
    assert_term(c.terms, "Qu-003", true);
    assert_term(c.terms, "宇宙", true); /* the cell's words are still searchable */
    rec = stored_record(c.doc);
    assert_int_equal(json_array_size(json_object_get(rec, KT_DATA_FIELDS_CANONICAL)), 0);
    json_decref(rec);
    case_free(&c);
}

static void test_invalid_text_is_refused(void **state)
{
    fixture *f = *state;
    const char *cols[KT_COL_COUNT] = {"e-001", "札幌市", "北海道", "交流\xff協定", "中国/大連市", "中国", "観光",
                                      "観光の交流", "2008", ""};
    kt_agreement a;
    agreement_fill(&a, cols);
    xc_doc *doc = (xc_doc *)&a; /* any non-NULL value, to see that it is reset */
    char *warning = (char *)"x";
    kt_error err = {0};
    assert_int_equal(kt_document_build(f->lex, &a, &doc, &warning, &err), KT_ERR_ENCODING);
    assert_null(doc);
    assert_null(warning);
    assert_int_equal(err.status, KT_ERR_ENCODING);
    KIT_CONTAINS(err.message, "title");
    kt_agreement_clear(&a);
}

static void test_signed_sort_key(void **state)
{
    (void)state;
    assert_true(kt_signed_sort_key("2005-12") == 20051200.0);
    assert_true(kt_signed_sort_key("") == 0.0);
    assert_true(kt_signed_sort_key(NULL) == 0.0);
    assert_true(kt_signed_sort_key("2007-04-12") == 20070412.0);
    assert_true(kt_signed_sort_key("2004") == 20040000.0);
    assert_true(kt_signed_sort_key("1993-01-01") == 19930101.0);
    /* sorting by the key sorts by date */
    assert_true(kt_signed_sort_key("2016-01") < kt_signed_sort_key("2016-01-20"));
    assert_true(kt_signed_sort_key("2015-12-31") < kt_signed_sort_key("2016"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_stored_record_holds_every_column),
        cmocka_unit_test(test_stored_record_keeps_extra_columns),
        cmocka_unit_test(test_boolean_and_title_terms),
        cmocka_unit_test(test_values),
        cmocka_unit_test(test_phrases_stay_inside_one_column),
        cmocka_unit_test(test_country_from_partner),
        cmocka_unit_test(test_country_alias_in_column),
        cmocka_unit_test(test_unknown_country_or_field_warns),
        cmocka_unit_test(test_invalid_text_is_refused),
        cmocka_unit_test(test_signed_sort_key),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
