/* fopencookie(3) is a GNU extension: it is what lets the CGI's response code write to a FastCGI
 * stream through the FILE * it already takes, with no second copy of the response. POSIX has no
 * portable way to make a FILE * over one's own write function; the alternative, rendering the
 * whole answer into a memory stream and handing it to FCGX_PutStr, would hold every response
 * twice (a CSV of every match is the whole corpus). kyotei runs on Debian, with glibc, and this is
 * the one file that needs it. */
#define _GNU_SOURCE

#include "fastcgi.h"

#include <errno.h>
#include <fcgiapp.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "kyotei/search.h"
#include "web/workers.h"

#define DRAIN_MAX_BYTES (1ul << 20)

/* ---- a FILE * that writes to a FastCGI stream ---- */

static ssize_t stream_write(void *cookie, const char *buf, size_t size)
{
    /* FCGX_PutStr takes an int; a large body goes in pieces */
    size_t done = 0;
    while (done < size) {
        int n = size - done > INT_MAX ? INT_MAX : (int)(size - done);
        if (FCGX_PutStr(buf + done, n, cookie) != n)
            return 0; /* the web server went away: fopencookie's way of saying "error" */
        done += (size_t)n;
    }
    return (ssize_t)done;
}

static FILE *stream_file(FCGX_Stream *stream)
{
    return fopencookie(stream, "w", (cookie_io_functions_t){.write = stream_write});
}

/* ---- stopping ---- */

/* SIGTERM or SIGINT: finish the request being answered, then end. Between requests the worker
 * waits in accept(2); closing its descriptor of the listening socket there (close is
 * async-signal-safe) makes that accept fail at once, with no window in which a signal that came
 * just before the wait is missed. The other workers keep their own descriptors of the socket. */
static volatile sig_atomic_t stopping, in_request;
static volatile sig_atomic_t listen_fd_to_close = -1;

static void on_stop(int sig)
{
    (void)sig;
    stopping = 1;
    if (!in_request && listen_fd_to_close >= 0) {
        close(listen_fd_to_close);
        listen_fd_to_close = -1;
    }
}

/* ---- one worker ---- */

/* A refused request's body (POST …) is read and dropped, so that the web server, still sending
 * it, does not see the connection closed under it; a larger one is left unread. */
static void drain_body(FCGX_Request *req, const char *method)
{
    bool head;
    if (kt_cgi_method_allowed(method, &head))
        return;
    char chunk[8192];
    size_t total = 0;
    int n;
    while (total < DRAIN_MAX_BYTES && (n = FCGX_GetStr(chunk, sizeof chunk, req->in)) > 0)
        total += (size_t)n;
}

static void answer(const kt_fcgi_options *o, FCGX_Request *req, kt_searcher **kept)
{
    kt_cgi_env env = o->settings;
    env.method = FCGX_GetParam("REQUEST_METHOD", req->envp);
    env.query_string = FCGX_GetParam("QUERY_STRING", req->envp);
    drain_body(req, env.method);
    FILE *out = stream_file(req->out), *log = stream_file(req->err);
    if (out && log) {
        kt_cgi_answer(&env, kept, out, log);
    } else { /* no memory for a FILE: the shortest answer that is still one */
        static const char bare[] = "Status: 500 Internal Server Error\r\nContent-Type: text/plain\r\n"
                                   "Cache-Control: no-store\r\nContent-Length: 0\r\n\r\n";
        FCGX_PutStr(bare, (int)sizeof bare - 1, req->out);
    }
    if (out)
        fclose(out);
    if (log)
        fclose(log);
}

/* Opens the searcher before the first request, with two searches that nobody reads (the second
 * fills the facet values kept in memory), so that the first visitor gets a warm answer and the
 * operator sees at once, in the log, an index that cannot be opened. */
static void warm_up(const kt_fcgi_options *o, kt_searcher **kept, FILE *log)
{
    FILE *sink = fopen("/dev/null", "w");
    if (!sink)
        return;
    kt_cgi_env env = o->settings;
    env.method = "HEAD";
    env.query_string = "";
    for (int i = 0; i < 2 && kt_cgi_answer(&env, kept, sink, log) == 200; i++)
        continue;
    fclose(sink);
}

static int worker(void *ctx)
{
    const kt_fcgi_options *o = ctx;
    FILE *log = stderr;
    if (o->max_memory) {
        struct rlimit limit = {o->max_memory, o->max_memory};
        if (setrlimit(RLIMIT_AS, &limit) != 0) {
            fprintf(log, "kyotei-search (fastcgi): --max-memory: %s\n", strerror(errno));
            return 1;
        }
    }
    listen_fd_to_close = o->listen_fd;
    struct sigaction sa = {.sa_handler = on_stop, .sa_flags = SA_RESTART}; /* a write is never cut short */
    sigemptyset(&sa.sa_mask);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    FCGX_Request req;
    if (FCGX_Init() != 0 || FCGX_InitRequest(&req, o->listen_fd, 0) != 0) {
        fputs("kyotei-search (fastcgi): cannot set up libfcgi\n", log);
        return 1;
    }
    kt_searcher *kept = NULL;
    warm_up(o, &kept, log);
    int status = 0;
    while (!stopping) {
        int rc = FCGX_Accept_r(&req);
        if (rc < 0) {
            if (!stopping) {
                fprintf(log, "kyotei-search (fastcgi): cannot accept a request: %s\n",
                        rc == -9999 ? "libfcgi failed" : strerror(-rc));
                status = 1;
            }
            break;
        }
        in_request = 1;
        /* a request that hangs (a stuck disk, a pathological query) must not hold a worker forever:
         * the worker ends and its supervisor, or the web server, starts another */
        alarm(KT_CGI_TIME_LIMIT);
        answer(o, &req, &kept);
        FCGX_Finish_r(&req);
        alarm(0);
        in_request = 0;
        if (kt_search_faulted()) {
            fputs("kyotei-search (fastcgi): reading the index crashed inside Xapian; this worker ends so that "
                  "a fresh one takes over\n", log);
            status = 1;
            break;
        }
        if (stopping) /* the signal came during the request: its handler left the socket open */
            break;
    }
    kt_searcher_close(kept);
    FCGX_Free(&req, 1);
    return status;
}

int kt_fcgi_serve(const kt_fcgi_options *o, FILE *log)
{
    if (!kt_cgi_settings_ok(&o->settings, log))
        return 2;
    if (o->workers == 0)
        return worker((void *)o);
    return kt_workers_run(o->workers, worker, (void *)o, log);
}
