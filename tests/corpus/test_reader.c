/* Reading agreement files: good files in every accepted shape, and every kind of bad row reported
 * with its file and line. Each test writes the file it reads. */
#define _DEFAULT_SOURCE /* mkstemps, for a file named .jsonl */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "corpus/reader.h"

static const char HEADER[] = "id,municipality,prefecture,title,partner,country,fields,description,signed,url\n";

/* Writes bytes to a new file whose name ends in `suffix` (which chooses the format). */
static char *write_temp_as(const char *bytes, size_t len, const char *suffix)
{
    char *path = malloc(64);
    snprintf(path, 64, "/tmp/kt_reader_XXXXXX%s", suffix);
    int fd = mkstemps(path, (int)strlen(suffix));
    assert_true(fd >= 0);
    assert_int_equal(write(fd, bytes, len), (ssize_t)len);
    close(fd);
    return path;
}

static char *write_temp(const char *bytes, size_t len)
{
    return write_temp_as(bytes, len, "");
}

/* Asserts that message is "PATH:" followed by rest. */
static void assert_message(const char *message, const char *path, const char *rest)
{
    char expect[KT_ERROR_MESSAGE_MAX];
    snprintf(expect, sizeof expect, "%s:%s", path, rest);
    assert_string_equal(message, expect);
}

static char *write_csv(const char *body)
{
    size_t n = strlen(HEADER) + strlen(body);
    char *all = malloc(n + 1);
    strcpy(all, HEADER);
    strcat(all, body);
    char *path = write_temp(all, n);
    free(all);
    return path;
}

/* Reads every row; returns the number of good rows, puts the messages of bad rows in errors. */
static size_t read_all(const char *path, char errors[][KT_ERROR_MESSAGE_MAX], size_t *n_errors, kt_agreement *keep,
                       size_t keep_max)
{
    kt_reader *r;
    kt_error err;
    assert_int_equal(kt_reader_open(path, NULL, &r, &err), KT_OK);
    size_t good = 0;
    *n_errors = 0;
    for (;;) {
        kt_agreement a = {0};
        bool has;
        kt_status st = kt_reader_next(r, &a, &has, &err);
        if (!has) {
            kt_agreement_clear(&a);
            break;
        }
        if (st != KT_OK) {
            strcpy(errors[(*n_errors)++], err.message);
        } else if (good < keep_max) {
            keep[good++] = a;
            continue;
        } else {
            good++;
        }
        kt_agreement_clear(&a);
    }
    kt_reader_close(r);
    return good;
}

static void test_reads_rows_faithfully(void **state)
{
    (void)state;
    char *path = write_csv("a-1,札幌市,北海道,\"題名, with comma\",中国/大連市,中国,観光分野,\"一行目\n二行目 \"\"引用\"\"\",2008,\n"
                           "a-2,青森県,青森県,題,韓国/済州,韓国,経済, 前後の空白 ,2011-04-12,https://example.jp/a_b-c.html\n");
    char errors[4][KT_ERROR_MESSAGE_MAX];
    size_t n_err;
    kt_agreement rows[2];
    assert_int_equal(read_all(path, errors, &n_err, rows, 2), 2);
    assert_int_equal(n_err, 0);
    assert_string_equal(rows[0].col[KT_COL_ID], "a-1");
    assert_string_equal(rows[0].col[KT_COL_TITLE], "題名, with comma");
    assert_string_equal(rows[0].col[KT_COL_DESCRIPTION], "一行目\n二行目 \"引用\"");
    assert_int_equal(rows[0].line, 2);
    assert_string_equal(rows[1].col[KT_COL_DESCRIPTION], " 前後の空白 ");
    assert_string_equal(rows[1].col[KT_COL_URL], "https://example.jp/a_b-c.html");
    assert_int_equal(rows[1].line, 4); /* the first row spans lines 2 and 3 */
    kt_agreement_clear(&rows[0]);
    kt_agreement_clear(&rows[1]);
    unlink(path);
    free(path);
}

static void test_bom_crlf_and_column_order(void **state)
{
    (void)state;
    const char text[] = "\xEF\xBB\xBFtitle,description,id,note\r\n題,概要,x-1,memo\r\n";
    char *path = write_temp(text, strlen(text));
    char errors[4][KT_ERROR_MESSAGE_MAX];
    size_t n_err;
    kt_agreement rows[1];
    assert_int_equal(read_all(path, errors, &n_err, rows, 1), 1);
    assert_int_equal(n_err, 0);
    assert_string_equal(rows[0].col[KT_COL_ID], "x-1");
    assert_string_equal(rows[0].col[KT_COL_TITLE], "題");
    assert_string_equal(rows[0].col[KT_COL_COUNTRY], "");
    assert_int_equal(rows[0].n_extra, 1);
    assert_string_equal(rows[0].extra[0].name, "note");
    assert_string_equal(rows[0].extra[0].value, "memo");
    kt_agreement_clear(&rows[0]);
    unlink(path);
    free(path);
}

static void test_every_bad_row_is_listed_with_its_line(void **state)
{
    (void)state;
    char *path = write_csv("ok-1,m,p,t,x,c,f,d,,\n"
                           "short,m,p,t\n"
                           ",m,p,t,x,c,f,d,,\n"
                           "ok-2,m,p,t,x,c,f,,,\n"
                           "ok-3,m,p,t,x,c,f,d,2010-13,\n"
                           "ok-4,m,p,t,x,c,f,d,2010-02-30,\n"
                           "ok-5,m,p,t,x,c,f,d,,javascript:alert(1)\n"
                           "ok-6,m,p,t\xff,x,c,f,d,,\n"
                           "ok-7,m,p,t,x,c,f,d,2012-02-29,http://a.jp/\n");
    char errors[16][KT_ERROR_MESSAGE_MAX];
    size_t n_err;
    kt_agreement rows[2];
    assert_int_equal(read_all(path, errors, &n_err, rows, 2), 2);
    assert_int_equal(n_err, 7);
    assert_message(errors[0], path, "3: expected 10 columns, found 4");
    assert_message(errors[1], path, "4: missing id");
    assert_message(errors[2], path, "5: missing description");
    assert_non_null(strstr(errors[3], ":6: signed must be"));
    assert_non_null(strstr(errors[4], ":7: signed must be"));
    assert_non_null(strstr(errors[5], ":8: url must be"));
    assert_non_null(strstr(errors[6], ":9: column 'title' is not valid UTF-8"));
    assert_string_equal(rows[0].col[KT_COL_ID], "ok-1");
    assert_string_equal(rows[1].col[KT_COL_ID], "ok-7");
    kt_agreement_clear(&rows[0]);
    kt_agreement_clear(&rows[1]);
    unlink(path);
    free(path);
}

static void test_nul_byte_is_rejected(void **state)
{
    (void)state;
    char text[256];
    size_t n = (size_t)snprintf(text, sizeof text, "%sn-1,m,p,t", HEADER);
    text[n++] = '\0';
    memcpy(text + n, "x,x,c,f,d,,\n", 12);
    n += 12;
    char *path = write_temp(text, n);
    char errors[4][KT_ERROR_MESSAGE_MAX];
    size_t n_err;
    kt_agreement rows[1];
    assert_int_equal(read_all(path, errors, &n_err, rows, 1), 0);
    assert_int_equal(n_err, 1);
    assert_non_null(strstr(errors[0], ":2: column 'title' is not valid UTF-8"));
    unlink(path);
    free(path);
}

static void test_json_lines_escapes_are_checked_once_decoded(void **state)
{
    (void)state;
    /* Every line is valid text as written; rows 2 to 4 decode to a backspace, a bell in a key,
     * a NUL. A key is never echoed (it might hold the control character itself). */
    const char text[] = "{\"id\":\"j-1\",\"title\":\"t\\u3000\",\"description\":\"a\\nb\"}\n"
                        "{\"id\":\"j-2\",\"title\":\"t\",\"description\":\"a\\bb\"}\n"
                        "{\"id\":\"j-3\",\"title\":\"t\",\"description\":\"d\",\"k\\u0007\":\"v\"}\n"
                        "{\"id\":\"j-4\",\"title\":\"t\",\"description\":\"a\\u0000b\"}\n"
                        "{\"id\":\"j-5\",\"title\":\"t\",\"description\":\"d\",\"signed\":2004}\n";
    char *path = write_temp_as(text, strlen(text), ".jsonl");
    char errors[4][KT_ERROR_MESSAGE_MAX];
    size_t n_err;
    kt_agreement rows[2];
    assert_int_equal(read_all(path, errors, &n_err, rows, 2), 2);
    assert_int_equal(n_err, 3);
    assert_message(errors[0], path, "2: 'description' holds a control character");
    assert_message(errors[1], path, "3: a key holds a control character");
    assert_message(errors[2], path, "4: 'description' holds a control character");
    assert_string_equal(rows[0].col[KT_COL_TITLE], "t　");
    assert_string_equal(rows[0].col[KT_COL_DESCRIPTION], "a\nb");
    assert_string_equal(rows[1].col[KT_COL_SIGNED], "2004");
    kt_agreement_clear(&rows[0]);
    kt_agreement_clear(&rows[1]);
    unlink(path);
    free(path);
}

static void test_broken_quote_stops_reading(void **state)
{
    (void)state;
    char *path = write_csv("q-1,m,p,\"t\"x,x,c,f,d,,\nq-2,m,p,t,x,c,f,d,,\n");
    char errors[4][KT_ERROR_MESSAGE_MAX];
    size_t n_err;
    kt_agreement rows[1];
    assert_int_equal(read_all(path, errors, &n_err, rows, 1), 0);
    assert_int_equal(n_err, 1);
    assert_non_null(strstr(errors[0], ":2: malformed quoting"));
    unlink(path);
    free(path);

    path = write_csv("q-3,m,p,\"never closed,x,c,f,d,,\n");
    assert_int_equal(read_all(path, errors, &n_err, rows, 1), 0);
    assert_int_equal(n_err, 1);
    assert_non_null(strstr(errors[0], ":2: unterminated quoted field"));
    unlink(path);
    free(path);
}

static void test_bad_headers(void **state)
{
    (void)state;
    struct {
        const char *text;
        const char *message;
        kt_status status;
    } cases[] = {
        {"", ":1: empty file", KT_ERR_INPUT},
        {"title,description\n", ":1: the header has no 'id' column", KT_ERR_INPUT},
        {"id,title,description,id\n", ":1: column 'id' appears twice", KT_ERR_INPUT},
        {"id,title,description,,\n", ":1: column 4 of the header has no name", KT_ERR_INPUT},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *path = write_temp(cases[i].text, strlen(cases[i].text));
        kt_reader *r = (kt_reader *)1;
        kt_error err;
        assert_int_equal(kt_reader_open(path, NULL, &r, &err), cases[i].status);
        assert_null(r);
        assert_non_null(strstr(err.message, cases[i].message));
        assert_non_null(strstr(err.message, path));
        unlink(path);
        free(path);
    }
    kt_reader *r;
    kt_error err;
    assert_int_equal(kt_reader_open("/nonexistent/agreements.csv", NULL, &r, &err), KT_ERR_IO);
    assert_non_null(strstr(err.message, "/nonexistent/agreements.csv: cannot open"));
}

static void test_signed_dates(void **state)
{
    (void)state;
    int year;
    assert_true(kt_signed_date_valid("", &year));
    assert_int_equal(year, 0);
    assert_true(kt_signed_date_valid("2004", &year));
    assert_int_equal(year, 2004);
    assert_true(kt_signed_date_valid("2005-12", &year));
    assert_true(kt_signed_date_valid("2000-02-29", &year));
    assert_false(kt_signed_date_valid("1900-02-29", &year));
    assert_false(kt_signed_date_valid("2005-1", &year));
    assert_false(kt_signed_date_valid("平成18年", &year));
    assert_false(kt_signed_date_valid("2005/12", &year));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reads_rows_faithfully),
        cmocka_unit_test(test_bom_crlf_and_column_order),
        cmocka_unit_test(test_every_bad_row_is_listed_with_its_line),
        cmocka_unit_test(test_nul_byte_is_rejected),
        cmocka_unit_test(test_json_lines_escapes_are_checked_once_decoded),
        cmocka_unit_test(test_broken_quote_stops_reading),
        cmocka_unit_test(test_bad_headers),
        cmocka_unit_test(test_signed_dates),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
