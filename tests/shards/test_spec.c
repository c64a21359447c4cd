/* searcher/shards: what a db spec names — folders, tcp://HOST:PORT, shard lists in Xapian's stub
 * format (relative paths, comments, CRLF, nesting, remote lines, IPv6), folders whose XAPIANDB
 * lists shards — and the specs and lines that are refused, with the file and line named. */
#include "tests/support/kit.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "searcher/shards.h"

static char *tmp;

static int setup(void **state)
{
    (void)state;
    tmp = kit_mkdtemp();
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    kit_rmtree(tmp);
    free(tmp);
    return 0;
}

/* The shards a spec names, one a line: "L path" or "R host port name". */
static char *describe(const char *spec)
{
    kt_shard_list list = KT_SHARD_LIST_INIT;
    kt_error err = {0};
    KIT_OK(kt_shards_add(&list, spec, &err), &err);
    kt_buf b = KT_BUF_INIT;
    for (size_t i = 0; i < list.count; i++) {
        const kt_shard *sh = &list.items[i];
        if (sh->kind == KT_SHARD_LOCAL) {
            assert_string_equal(sh->name, sh->path);
            kt_buf_printf(&b, "L %s\n", sh->path);
        } else {
            kt_buf_printf(&b, "R %s %u %s\n", sh->host, sh->port, sh->name);
        }
    }
    kt_shards_free(&list);
    return kt_buf_steal(&b);
}

/* Fails unless spec is refused with status st and a message containing `says`. */
static void assert_refused(const char *spec, kt_status st, const char *says)
{
    kt_shard_list list = KT_SHARD_LIST_INIT;
    kt_error err = {0};
    assert_int_equal(kt_shards_add(&list, spec, &err), st);
    KIT_CONTAINS(err.message, says);
    kt_shards_free(&list);
}

static void test_folders_and_tcp_specs(void **state)
{
    (void)state;
    /* a folder without a stub: a Xapian database, one shard */
    char *got = describe(tmp);
    kt_buf want = KT_BUF_INIT;
    kt_buf_printf(&want, "L %s\n", tmp);
    assert_string_equal(got, kt_buf_str(&want));
    free(got);
    kt_buf_free(&want);

    /* a path that does not exist is one shard: opening it will say what is wrong */
    got = describe("no/such/index");
    assert_string_equal(got, "L no/such/index\n");
    free(got);

    got = describe("tcp://search1.example.org:33333");
    assert_string_equal(got, "R search1.example.org 33333 tcp://search1.example.org:33333\n");
    free(got);
    got = describe("tcp://[::1]:65535");
    assert_string_equal(got, "R ::1 65535 tcp://[::1]:65535\n");
    free(got);

    static const char *const bad[] = {
        "tcp://", "tcp://host", "tcp://host:", "tcp://:80", "tcp://host:0", "tcp://host:65536",
        "tcp://host:123456", "tcp://host:8x", "tcp://host:-1", "tcp://a b:80", "tcp://host/x:80",
        "tcp://::1:80", "tcp://[::1:80", "tcp://[]:80", "tcp://host:80/index",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_refused(bad[i], KT_ERR_INPUT, "expected tcp://HOST:PORT");
    assert_refused("", KT_ERR_INPUT, "empty");
}

static void test_shard_list_lines(void **state)
{
    (void)state;
    char *sub = kit_path(tmp, "conf");
    assert_int_equal(mkdir(sub, 0777), 0);
    char *list = kit_write(sub, "all.shards",
                           "# shards of the national list\n"
                           "\n"
                           "auto ../local/a\r\n"
                           "glass /srv/kyotei/b\n"
                           "chert c\n"
                           "remote search2.example.org:33334\n"
                           "remote [fe80::1]:33335\n"
                           "remote 10.0.0.7:1");  /* no newline at the end */
    char *got = describe(list);
    kt_buf want = KT_BUF_INIT;
    kt_buf_printf(&want,
                  "L %s/../local/a\n"
                  "L /srv/kyotei/b\n"
                  "L %s/c\n"
                  "R search2.example.org 33334 tcp://search2.example.org:33334\n"
                  "R fe80::1 33335 tcp://[fe80::1]:33335\n"
                  "R 10.0.0.7 1 tcp://10.0.0.7:1\n",
                  sub, sub);
    assert_string_equal(got, kt_buf_str(&want));
    kt_buf_free(&want);
    free(got);

    /* an empty list names nothing (the searcher then refuses it) */
    char *empty = kit_write(tmp, "empty.shards", "# nothing yet\n\n");
    got = describe(empty);
    assert_string_equal(got, "");
    free(got);
    free(empty);
    free(list);
    free(sub);
}

static void test_refused_lines_name_file_and_line(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        kt_status st;
        const char *says;
    } cases[] = {
        {"auto a\nremote :xapian-progsrv /srv/db\n", KT_ERR_INPUT, ":2: remote programs are not supported"},
        {"inmemory\n", KT_ERR_INPUT, ":1: an in-memory database cannot be a shard"},
        {"auto a\n\nflint old\n", KT_ERR_INPUT, ":3: not a shard list line"},
        {"auto\n", KT_ERR_INPUT, ":1: 'auto' without a path"},
        {"auto \n", KT_ERR_INPUT, ":1: 'auto' without a path"},
        {"remote host\n", KT_ERR_INPUT, ":1: expected 'remote HOST:PORT'"},
        {"remote host:99999\n", KT_ERR_INPUT, ":1: expected 'remote HOST:PORT'"},
        {" auto a\n", KT_ERR_INPUT, ":1: not a shard list line"},
        {"AUTO a\n", KT_ERR_INPUT, ":1: not a shard list line"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *list = kit_write(tmp, "bad.shards", cases[i].text);
        assert_refused(list, cases[i].st, cases[i].says);
        assert_refused(list, cases[i].st, list);
        free(list);
    }
    /* a line over the limit, read without holding the whole of it */
    kt_buf big = KT_BUF_INIT;
    kt_buf_append_str(&big, "auto ");
    for (int i = 0; i < KT_SHARDS_MAX_LINE; i++)
        kt_buf_append_char(&big, 'x');
    kt_buf_append_char(&big, '\n');
    char *list = kit_write(tmp, "long.shards", kt_buf_str(&big));
    assert_refused(list, KT_ERR_LIMIT, ":1: line longer than");
    free(list);
    kt_buf_free(&big);
    /* a list that cannot be read */
    char *locked = kit_write(tmp, "locked.shards", "auto a\n");
    chmod(locked, 0);
    FILE *probe = fopen(locked, "r"); /* root reads it anyway */
    if (!probe)
        assert_refused(locked, KT_ERR_IO, "cannot read the shard list");
    else
        fclose(probe);
    free(locked);
}

static void test_nesting(void **state)
{
    (void)state;
    char *inner = kit_write(tmp, "inner.shards", "auto one\nremote h:2\n");
    char *outer = kit_write(tmp, "outer.shards", "auto inner.shards\nauto two\n");
    char *got = describe(outer);
    kt_buf want = KT_BUF_INIT;
    kt_buf_printf(&want, "L %s/one\nR h 2 tcp://h:2\nL %s/two\n", tmp, tmp);
    assert_string_equal(got, kt_buf_str(&want));
    kt_buf_free(&want);
    free(got);

    /* a list that names itself is stopped, not followed for ever */
    char *loop = kit_write(tmp, "loop.shards", "auto loop.shards\n");
    assert_refused(loop, KT_ERR_LIMIT, "nested more than");
    free(loop);
    free(inner);
    free(outer);
}

static void test_folder_with_a_stub(void **state)
{
    (void)state;
    /* a kyotei index: XAPIANDB names one generation, and the folder is one shard */
    char *index = kit_path(tmp, "index");
    assert_int_equal(mkdir(index, 0777), 0);
    char *stub = kit_write(index, "XAPIANDB", "auto gen-3\n");
    char *got = describe(index);
    kt_buf want = KT_BUF_INIT;
    kt_buf_printf(&want, "L %s\n", index);
    assert_string_equal(got, kt_buf_str(&want));
    free(got);
    free(stub);

    /* a folder whose XAPIANDB lists several shards, or a remote one, is read as a list */
    stub = kit_write(index, "XAPIANDB", "# two\nauto s0\nauto s1\n");
    got = describe(index);
    kt_buf_clear(&want);
    kt_buf_printf(&want, "L %s/s0\nL %s/s1\n", index, index);
    assert_string_equal(got, kt_buf_str(&want));
    free(got);
    free(stub);
    stub = kit_write(index, "XAPIANDB", "remote 127.0.0.1:4000\n");
    got = describe(index);
    assert_string_equal(got, "R 127.0.0.1 4000 tcp://127.0.0.1:4000\n");
    free(got);
    free(stub);
    stub = kit_write(index, "XAPIANDB", "auto a\nbogus\n");
    assert_refused(index, KT_ERR_INPUT, "XAPIANDB:2: not a shard list line");
    kt_buf_free(&want);
    free(stub);
    free(index);
}

static void test_too_many_shards(void **state)
{
    (void)state;
    kt_buf text = KT_BUF_INIT;
    for (int i = 0; i <= KT_SHARDS_MAX; i++)
        kt_buf_printf(&text, "remote h%d:1\n", i);
    char *list = kit_write(tmp, "many.shards", kt_buf_str(&text));
    assert_refused(list, KT_ERR_LIMIT, "more than 1024 shards");
    kt_buf_free(&text);
    free(list);

    /* specs add up: the list keeps what came before a failing spec */
    kt_shard_list shards = KT_SHARD_LIST_INIT;
    kt_error err = {0};
    KIT_OK(kt_shards_add(&shards, "tcp://a:1", &err), &err);
    assert_int_equal(kt_shards_add(&shards, "tcp://a", &err), KT_ERR_INPUT);
    assert_int_equal(shards.count, 1);
    kt_shards_free(&shards);
    assert_int_equal(shards.count, 0);
    kt_shards_free(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_folders_and_tcp_specs, setup, teardown),
        cmocka_unit_test_setup_teardown(test_shard_list_lines, setup, teardown),
        cmocka_unit_test_setup_teardown(test_refused_lines_name_file_and_line, setup, teardown),
        cmocka_unit_test_setup_teardown(test_nesting, setup, teardown),
        cmocka_unit_test_setup_teardown(test_folder_with_a_stub, setup, teardown),
        cmocka_unit_test_setup_teardown(test_too_many_shards, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
