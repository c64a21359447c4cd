/* web/csv: the header, every hit as one record, cells with commas, quotes and line
 * breaks read back intact by libcsv, and a failing stream reported as KT_ERR_IO. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <csv.h>

#include "kyotei/output.h"
#include "web/html.h"

#define MAX_CELLS 16
#define MAX_ROWS 8

typedef struct table {
    char *cell[MAX_ROWS][MAX_CELLS];
    size_t cols[MAX_ROWS];
    size_t rows;
} table;

static void on_cell(void *s, size_t len, void *data)
{
    table *t = data;
    assert_true(t->rows < MAX_ROWS && t->cols[t->rows] < MAX_CELLS);
    char *copy = malloc(len + 1);
    memcpy(copy, s, len);
    copy[len] = '\0';
    t->cell[t->rows][t->cols[t->rows]++] = copy;
}

static void on_row(int c, void *data)
{
    (void)c;
    ((table *)data)->rows++;
}

static void read_csv(const char *text, size_t len, table *t)
{
    struct csv_parser p;
    assert_int_equal(csv_init(&p, CSV_STRICT | CSV_STRICT_FINI), 0);
    memset(t, 0, sizeof *t);
    assert_int_equal(csv_parse(&p, text, len, on_cell, on_row, t), len);
    assert_int_equal(csv_fini(&p, on_cell, on_row, t), 0);
    csv_free(&p);
}

static void free_table(table *t)
{
    for (size_t r = 0; r < MAX_ROWS; r++)
        for (size_t c = 0; c < t->cols[r]; c++)
            free(t->cell[r][c]);
}

static void fill_hit(kt_hit *h, const char *id, const char *title, const char *description, double score)
{
    for (int c = 0; c < KT_COL_COUNT; c++)
        h->col[c] = strdup("");
    free(h->col[KT_COL_ID]);
    free(h->col[KT_COL_TITLE]);
    free(h->col[KT_COL_DESCRIPTION]);
    free(h->col[KT_COL_URL]);
    h->col[KT_COL_ID] = strdup(id);
    h->col[KT_COL_TITLE] = strdup(title);
    h->col[KT_COL_DESCRIPTION] = strdup(description);
    h->col[KT_COL_URL] = strdup("https://example.org/a,b");
    h->score = score;
    h->country = strdup("韓国");
}

static kt_result *two_hits(void)
{
    kt_result *r = calloc(1, sizeof *r);
    r->n_hits = r->total = 2;
    r->hits = calloc(2, sizeof *r->hits);
    fill_hit(&r->hits[0], "x-1", "協定, \"友好\"", "一行目\r\n二行目\n三行目", 4.25);
    r->hits[0].fields = calloc(2, sizeof(char *));
    r->hits[0].fields[0] = strdup("観光");
    r->hits[0].fields[1] = strdup("経済");
    r->hits[0].n_fields = 2;
    fill_hit(&r->hits[1], "x-2", "=SUM(A1)", "", 0);
    return r;
}

static void test_header_and_rows_round_trip(void **state)
{
    (void)state;
    kt_result *r = two_hits();
    char *text = NULL;
    size_t size = 0;
    FILE *mem = open_memstream(&text, &size);
    kt_error err;
    assert_int_equal(kt_write_csv(mem, r, &err), KT_OK);
    fclose(mem);
    const char *header = "\"id\",\"municipality\",\"prefecture\",\"title\",\"partner\",\"country\",\"fields\","
                         "\"description\",\"signed\",\"url\",\"score\",\"country_canonical\",\"fields_canonical\"\r\n";
    assert_true(strncmp(text, header, strlen(header)) == 0);
    table t;
    read_csv(text, size, &t);
    assert_int_equal(t.rows, 3);
    for (size_t i = 0; i < 3; i++)
        assert_int_equal(t.cols[i], KT_COL_COUNT + 3);
    assert_string_equal(t.cell[1][KT_COL_ID], "x-1");
    assert_string_equal(t.cell[1][KT_COL_TITLE], "協定, \"友好\"");
    assert_string_equal(t.cell[1][KT_COL_DESCRIPTION], "一行目\r\n二行目\n三行目");
    assert_string_equal(t.cell[1][KT_COL_URL], "https://example.org/a,b");
    assert_string_equal(t.cell[1][KT_COL_COUNT], "4.250000");
    assert_string_equal(t.cell[1][KT_COL_COUNT + 1], "韓国");
    assert_string_equal(t.cell[1][KT_COL_COUNT + 2], "観光;経済");
    assert_string_equal(t.cell[2][KT_COL_TITLE], "=SUM(A1)");  /* the data as it is, not rewritten */
    assert_string_equal(t.cell[2][KT_COL_COUNT + 2], "");
    free_table(&t);
    free(text);
    kt_result_free(r);
}

static void test_no_hits_is_a_header_only(void **state)
{
    (void)state;
    kt_result none = {0};
    char *text = NULL;
    size_t size = 0;
    FILE *mem = open_memstream(&text, &size);
    kt_error err;
    assert_int_equal(kt_write_csv(mem, &none, &err), KT_OK);
    fclose(mem);
    table t;
    read_csv(text, size, &t);
    assert_int_equal(t.rows, 1);
    assert_string_equal(t.cell[0][0], "id");
    free_table(&t);
    free(text);
}

static void test_failing_stream(void **state)
{
    (void)state;
    FILE *full = fopen("/dev/full", "w");
    if (!full)
        skip();
    kt_result *r = two_hits();
    kt_error err;
    assert_int_equal(kt_write_csv(full, r, &err), KT_ERR_IO);
    fclose(full);
    kt_result_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_header_and_rows_round_trip),
        cmocka_unit_test(test_no_hits_is_a_header_only),
        cmocka_unit_test(test_failing_stream),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
