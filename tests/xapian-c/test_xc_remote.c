/* Remote shards: a database served by xapian-tcpsrv on 127.0.0.1, searched together with a
 * local shard. The server tests are skipped when xapian-tcpsrv is not installed (Debian package
 * xapian-tools); the refused-connection test always runs. */
#include "tests/xapian-c/xct_samples.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

/* The server of the running test, stopped by the teardown even when the test fails. */
static pid_t server_pid = -1;

static void stop_server(void) {
    if (server_pid <= 0) return;
    /* The server forks a child per connection, all in the group it leads. */
    kill(-server_pid, SIGTERM);
    kill(server_pid, SIGTERM);
    while (waitpid(server_pid, NULL, 0) < 0 && errno == EINTR) {
    }
    server_pid = -1;
}

static int teardown(void **state) {
    stop_server();
    return xct_teardown(state);
}

/* A port nobody listens on right now (the kernel's choice of a free one). */
static unsigned free_port(void) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    assert_true(fd >= 0);
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = 0;
    assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
    socklen_t len = sizeof a;
    assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &len), 0);
    close(fd);
    return ntohs(a.sin_port);
}

/* The full path of xapian-tcpsrv on PATH, or NULL. Caller frees. */
static char *find_tcpsrv(void) {
    const char *path = getenv("PATH");
    if (!path) return NULL;
    char *copy = strdup(path);
    assert_non_null(copy);
    char *found = NULL, *save = NULL;
    for (char *dir = strtok_r(copy, ":", &save); dir && !found; dir = strtok_r(NULL, ":", &save)) {
        char *candidate = xct_path(*dir ? dir : ".", "xapian-tcpsrv");
        if (access(candidate, X_OK) == 0) found = candidate;
        else free(candidate);
    }
    free(copy);
    return found;
}

static void pause_ms(long ms) {
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}

/* Adds the remote shard at port to a new xc_db. */
static xc_status open_remote(unsigned port, xc_db **out, xc_error *err) {
    xc_db *db = NULL;
    xc_status st = xc_db_open_empty(&db, err);
    if (st == XC_OK) st = xc_db_add_remote(db, "127.0.0.1", port, 5000, 1000, err);
    if (st == XC_OK) *out = db;
    else xc_db_close(db);
    return st;
}

/* Serves the database at path on 127.0.0.1 and returns the port, once the server answers.
 * Skips the test when xapian-tcpsrv is not installed. */
static unsigned serve(const char *path) {
    char *tcpsrv = find_tcpsrv();
    if (!tcpsrv) {
        print_message("xapian-tcpsrv not found on PATH (Debian: xapian-tools); skipping\n");
        skip();
    }
    /* Another process may take the free port before the server binds it: try a few. */
    for (int attempt = 0; attempt < 5; attempt++) {
        unsigned port = free_port();
        char port_arg[16];
        snprintf(port_arg, sizeof port_arg, "%u", port);
        char *argv[] = {tcpsrv, "--port", port_arg, "--interface", "127.0.0.1", "--quiet", (char *)path, NULL};
        posix_spawnattr_t attr;
        posix_spawn_file_actions_t actions;
        posix_spawnattr_init(&attr);
        posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);
        posix_spawnattr_setpgroup(&attr, 0);
        posix_spawn_file_actions_init(&actions);
        posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
        pid_t pid;
        int rc = posix_spawn(&pid, tcpsrv, &actions, &attr, argv, environ);
        posix_spawn_file_actions_destroy(&actions);
        posix_spawnattr_destroy(&attr);
        assert_int_equal(rc, 0);
        server_pid = pid;
        for (int wait = 0; wait < 100; wait++) {
            if (waitpid(pid, NULL, WNOHANG) == pid) {
                server_pid = -1; /* it exited: most likely the port was taken */
                break;
            }
            xc_db *probe = NULL;
            xc_error err;
            if (open_remote(port, &probe, &err) == XC_OK) {
                xc_db_close(probe);
                free(tcpsrv);
                return port;
            }
            pause_ms(50);
        }
        stop_server();
    }
    free(tcpsrv);
    fail_msg("xapian-tcpsrv did not start");
    return 0;
}

static void test_refused_connection_is_network_error(void **state) {
    (void)state;
    xc_db *db = NULL;
    xc_error err;
    XCT_OK(xc_db_open_empty(&db, &err), &err);
    memset(&err, 0, sizeof err);
    xc_status st = xc_db_add_remote(db, "127.0.0.1", free_port(), 1000, 1000, &err);
    assert_int_equal(st, XC_ERR_NETWORK);
    assert_int_equal(err.status, XC_ERR_NETWORK);
    assert_non_null(strstr(err.message, "NetworkError"));
    /* The database is unchanged and still usable. */
    uint32_t n = 99;
    XCT_OK(xc_db_doc_count(db, &n, &err), &err);
    assert_int_equal(n, 0);
    xc_db_close(db);
}

static bool first_term(const char *term, size_t len, uint32_t tf, void *ctx) {
    (void)tf;
    snprintf(ctx, 32, "%.*s", (int)len, term);
    return false;
}

static void test_remote_shard_alone(void **state) {
    const char *dir = ((xct_state *)*state)->dir;
    char *path = xct_path(dir, "served");
    xct_build_samples(path, XCT_ALL_SAMPLES);
    xc_error err;
    {
        xc_wdb *w = NULL;
        XCT_OK(xc_wdb_open(path, XC_WDB_OPEN, &w, &err), &err);
        XCT_OK(xc_wdb_set_metadata(w, "origin", "remote", 6, &err), &err);
        XCT_OK(xc_wdb_close(w, &err), &err);
    }
    unsigned port = serve(path);
    xc_db *db = NULL;
    XCT_OK(open_remote(port, &db, &err), &err);

    uint32_t n = 0;
    XCT_OK(xc_db_doc_count(db, &n, &err), &err);
    assert_int_equal(n, 6);
    XCT_OK(xc_db_term_freq(db, "XCus", &n, &err), &err);
    assert_int_equal(n, 3);
    char *v = NULL;
    XCT_OK(xc_db_get_metadata(db, "origin", &v, NULL, &err), &err);
    assert_string_equal(v, "remote");
    free(v);
    char term[32] = "";
    XCT_OK(xc_db_each_term(db, "XC", first_term, term, &err), &err);
    assert_string_equal(term, "XCcn");
    xc_doc *d = NULL;
    XCT_OK(xc_db_get_document(db, 4, &d, &err), &err);
    XCT_OK(xc_doc_get_data(d, &v, NULL, &err), &err);
    assert_string_equal(v, "d4");
    free(v);
    xc_doc_free(d);
    XCT_OK(xc_db_reopen(db, NULL, &err), &err);
    xct_check_facets(db);

    /* Once the server is gone, calls fail with a network error instead of hanging or crashing. */
    stop_server();
    xc_query *q = xct_term("agreement");
    xc_mset *m = NULL;
    xc_status st = xc_search(db, q, NULL, &m, &err);
    assert_int_equal(st, XC_ERR_NETWORK);
    assert_null(m);
    xc_query_free(q);
    xc_db_close(db);
    free(path);
}

static void test_local_and_remote_shards_search_as_one(void **state) {
    const char *dir = ((xct_state *)*state)->dir;
    char *all = xct_path(dir, "all"), *local = xct_path(dir, "local"), *served = xct_path(dir, "served");
    xct_build_samples(all, XCT_ALL_SAMPLES);
    xct_build_samples(local, XCT_ODD_SAMPLES);
    xct_build_samples(served, XCT_EVEN_SAMPLES);
    unsigned port = serve(served);

    xc_error err;
    xc_db *one = xct_open(all);
    xc_db *mixed = NULL;
    XCT_OK(xc_db_open_empty(&mixed, &err), &err);
    XCT_OK(xc_db_add_shard(mixed, local, &err), &err);
    XCT_OK(xc_db_add_remote(mixed, "127.0.0.1", port, 5000, 1000, &err), &err);
    uint32_t n = 0;
    XCT_OK(xc_db_doc_count(mixed, &n, &err), &err);
    assert_int_equal(n, 6);

    xct_check_same_as_one(one, mixed);

    xc_db_close(mixed);
    xc_db_close(one);
    free(all);
    free(local);
    free(served);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_refused_connection_is_network_error),
        cmocka_unit_test_setup_teardown(test_remote_shard_alone, xct_setup, teardown),
        cmocka_unit_test_setup_teardown(test_local_and_remote_shards_search_as_one, xct_setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
