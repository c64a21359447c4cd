#include "tests/shards/servers.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <setjmp.h>
#include <cmocka.h>

extern char **environ;

#define MAX_SERVERS 16

static struct {
    pid_t pid;
    unsigned port;
} servers[MAX_SERVERS];
static int silent_fds[MAX_SERVERS];
static size_t n_silent;

long srv_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

static void pause_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}

static struct sockaddr_in loopback(unsigned port)
{
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons((unsigned short)port);
    return a;
}

/* A socket bound to 127.0.0.1 on port (0: the kernel picks a free one); *bound gets the port. */
static int bind_loopback(unsigned port, unsigned *bound)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    assert_true(fd >= 0);
    struct sockaddr_in a = loopback(port);
    assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
    socklen_t len = sizeof a;
    assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &len), 0);
    *bound = ntohs(a.sin_port);
    return fd;
}

unsigned srv_closed(void)
{
    unsigned port;
    close(bind_loopback(0, &port));
    return port;
}

unsigned srv_silent(void)
{
    assert_true(n_silent < MAX_SERVERS);
    unsigned port;
    int fd = bind_loopback(0, &port);
    assert_int_equal(listen(fd, 16), 0);
    silent_fds[n_silent++] = fd;
    return port;
}

unsigned srv_full(void)
{
    assert_true(n_silent + 3 <= MAX_SERVERS);
    unsigned port;
    int fd = bind_loopback(0, &port);
    assert_int_equal(listen(fd, 0), 0);
    silent_fds[n_silent++] = fd;
    struct sockaddr_in a = loopback(port);
    /* a queue of length 0 holds one connection; the second fills what is left */
    for (int i = 0; i < 2; i++) {
        int c = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
        assert_true(c >= 0);
        int rc = connect(c, (struct sockaddr *)&a, sizeof a);
        assert_true(rc == 0 || errno == EINPROGRESS);
        silent_fds[n_silent++] = c;
    }
    pause_ms(100);
    return port;
}

/* Whether something accepts TCP connections on port. */
static bool accepts(unsigned port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    assert_true(fd >= 0);
    struct sockaddr_in a = loopback(port);
    bool ok = connect(fd, (struct sockaddr *)&a, sizeof a) == 0;
    close(fd);
    return ok;
}


void srv_need_tcpsrv(void)
{
    if (!srv_have_tcpsrv()) {
        print_message("xapian-tcpsrv not found on PATH (Debian: xapian-tools); skipping\n");
        skip();
    }
}

/* Starts argv[0] (looked for on PATH) in a process group of its own, quiet: the readiness probes
 * below make a server log a broken pipe each. Returns its pid, or -1 when it cannot be started. */
static pid_t spawn_quiet(char *const argv[])
{
    posix_spawnattr_t attr;
    posix_spawn_file_actions_t actions;
    posix_spawnattr_init(&attr);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);
    posix_spawnattr_setpgroup(&attr, 0);
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
    pid_t pid;
    int rc = posix_spawnp(&pid, argv[0], &actions, &attr, argv, environ);
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
    return rc == 0 ? pid : -1;
}

bool srv_have_tcpsrv(void)
{
    char *argv[] = {"xapian-tcpsrv", "--version", NULL};
    pid_t pid = spawn_quiet(argv);
    int status;
    if (pid < 0)
        return false;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

static pid_t spawn_server(const char *path, unsigned port)
{
    char life[16], port_arg[16];
    snprintf(life, sizeof life, "%d", SRV_LIFETIME_S);
    snprintf(port_arg, sizeof port_arg, "%u", port);
    char *argv[] = {"timeout", life, "xapian-tcpsrv", "--port", port_arg, "--interface", "127.0.0.1", "--quiet",
                    (char *)path, NULL};
    pid_t pid = spawn_quiet(argv);
    assert_true(pid > 0);
    return pid;
}

/* Stops the server in slot i: its whole process group (timeout, the server, its connections). */
static void stop_slot(size_t i)
{
    kill(-servers[i].pid, SIGKILL);
    while (waitpid(servers[i].pid, NULL, 0) < 0 && errno == EINTR) {
    }
    servers[i].pid = 0;
    servers[i].port = 0;
}

unsigned srv_serve(const char *path, unsigned port)
{
    srv_need_tcpsrv();
    size_t slot = 0;
    while (slot < MAX_SERVERS && servers[slot].pid)
        slot++;
    assert_true(slot < MAX_SERVERS);
    /* Another process may take a free port before the server binds it: try a few. */
    for (int attempt = 0; attempt < 5; attempt++) {
        unsigned p = port ? port : srv_closed();
        pid_t pid = spawn_server(path, p);
        servers[slot].pid = pid;
        servers[slot].port = p;
        for (int wait = 0; wait < 200; wait++) {
            if (waitpid(pid, NULL, WNOHANG) == pid) { /* it exited: most likely the port was taken */
                servers[slot].pid = 0;
                break;
            }
            if (accepts(p))
                return p;
            pause_ms(25);
        }
        if (servers[slot].pid)
            stop_slot(slot);
        if (port)
            pause_ms(200); /* a fixed port may still be held by the server stopped just before */
    }
    fail_msg("xapian-tcpsrv did not start for %s", path);
    return 0;
}

void srv_stop(unsigned port)
{
    for (size_t i = 0; i < MAX_SERVERS; i++)
        if (servers[i].pid && servers[i].port == port)
            stop_slot(i);
}

void srv_stop_all(void)
{
    for (size_t i = 0; i < MAX_SERVERS; i++)
        if (servers[i].pid)
            stop_slot(i);
    for (size_t i = 0; i < n_silent; i++)
        close(silent_fds[i]);
    n_silent = 0;
}
