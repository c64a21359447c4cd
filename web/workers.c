#include "workers.h"

#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* A worker that ends sooner than this after its start is restarted only this long after it
 * started: one that cannot run (an address space limit below what MeCab maps, say) is retried
 * once a second instead of as fast as the machine can fork. */
#define YOUNG_NS 1000000000LL

typedef struct worker {
    pid_t pid;            /* 0: not running */
    long long started;    /* CLOCK_MONOTONIC, ns */
} worker;

static long long now_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (long long)t.tv_sec * 1000000000LL + t.tv_nsec;
}

/* Only there so that SIGCHLD is never discarded as ignored while it waits, blocked, for
 * sigtimedwait. */
static void on_child(int sig)
{
    (void)sig;
}

static const int handled[] = {SIGTERM, SIGINT, SIGCHLD};
#define N_HANDLED (sizeof handled / sizeof handled[0])

typedef struct supervisor {
    int (*fn)(void *ctx);
    void *ctx;
    FILE *log;
    sigset_t orig_mask;
    struct sigaction orig[N_HANDLED];
    pid_t self;
} supervisor;

static void start(supervisor *sv, worker *w)
{
    if (sv->log)
        fflush(sv->log); /* nothing buffered is written twice */
    w->started = now_ns();
    pid_t pid = fork();
    if (pid < 0) {
        if (sv->log)
            fprintf(sv->log, "kyotei-search (fastcgi): cannot start a worker: %s\n", strerror(errno));
        w->pid = 0;
        return;
    }
    if (pid == 0) {
        for (size_t i = 0; i < N_HANDLED; i++)
            sigaction(handled[i], &sv->orig[i], NULL);
        /* a supervisor killed with SIGKILL must not leave its workers serving without it */
        prctl(PR_SET_PDEATHSIG, SIGTERM);
        if (getppid() != sv->self)
            exit(0); /* it died before the line above */
        sigprocmask(SIG_SETMASK, &sv->orig_mask, NULL);
        /* exit, not _exit: a worker's atexit handlers (a leak checker's) run as in any process */
        exit(sv->fn(sv->ctx));
    }
    w->pid = pid;
}

static void describe(FILE *log, pid_t pid, int status)
{
    if (!log)
        return;
    if (WIFSIGNALED(status))
        fprintf(log, "kyotei-search (fastcgi): worker %ld ended by signal %d (%s)", (long)pid, WTERMSIG(status),
                strsignal(WTERMSIG(status)));
    else
        fprintf(log, "kyotei-search (fastcgi): worker %ld ended with exit status %d", (long)pid, WEXITSTATUS(status));
}

/* Reaps the workers that ended; returns how many are still running. */
static unsigned reap(supervisor *sv, worker *w, unsigned n, bool stopping)
{
    pid_t pid;
    int status;
    while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
        for (unsigned i = 0; i < n; i++) {
            if (w[i].pid != pid)
                continue;
            w[i].pid = 0;
            if (!stopping) {
                describe(sv->log, pid, status);
                if (sv->log)
                    fputs("; starting another\n", sv->log);
            }
        }
    }
    unsigned running = 0;
    for (unsigned i = 0; i < n; i++)
        running += w[i].pid != 0;
    return running;
}

int kt_workers_run(unsigned n, int (*fn)(void *ctx), void *ctx, FILE *log)
{
    if (n == 0 || n > KT_WORKERS_MAX)
        return 1;
    worker *w = calloc(n, sizeof *w);
    if (!w) {
        if (log)
            fputs("kyotei-search (fastcgi): out of memory\n", log);
        return 1;
    }
    supervisor sv = {.fn = fn, .ctx = ctx, .log = log, .self = getpid()};
    /* every signal the supervisor waits for stays blocked and is taken with sigtimedwait: no
     * handler runs between a check and a wait, so a SIGTERM is never missed */
    sigset_t waited;
    sigemptyset(&waited);
    for (size_t i = 0; i < N_HANDLED; i++)
        sigaddset(&waited, handled[i]);
    sigprocmask(SIG_BLOCK, &waited, &sv.orig_mask);
    struct sigaction sa = {.sa_handler = on_child};
    sigemptyset(&sa.sa_mask);
    for (size_t i = 0; i < N_HANDLED; i++)
        sigaction(handled[i], handled[i] == SIGCHLD ? &sa : NULL, &sv.orig[i]);

    unsigned started = 0;
    for (unsigned i = 0; i < n; i++) {
        start(&sv, &w[i]);
        started += w[i].pid != 0;
    }
    int stop = 0;
    int status = started ? 0 : 1;
    while (started && !stop) {
        unsigned running = reap(&sv, w, n, false);
        long long wait_ns = -1, t = now_ns();
        for (unsigned i = 0; i < n; i++) {
            if (w[i].pid)
                continue;
            long long due = w[i].started + YOUNG_NS - t;
            if (due <= 0) {
                start(&sv, &w[i]);
                running += w[i].pid != 0;
            } else if (wait_ns < 0 || due < wait_ns) {
                wait_ns = due;
            }
        }
        if (running < n && wait_ns < 0)
            wait_ns = YOUNG_NS; /* a fork just failed: try again in a while */
        struct timespec timeout = {(time_t)(wait_ns / 1000000000LL), (long)(wait_ns % 1000000000LL)};
        int sig = sigtimedwait(&waited, NULL, wait_ns >= 0 ? &timeout : NULL);
        if (sig == SIGTERM || sig == SIGINT)
            stop = sig;
    }
    for (unsigned i = 0; i < n; i++)
        if (w[i].pid)
            kill(w[i].pid, SIGTERM);
    /* each finishes the request it is on, which the time limit bounds */
    for (unsigned i = 0; i < n; i++)
        if (w[i].pid)
            waitpid(w[i].pid, NULL, 0);
    if (log && stop)
        fprintf(log, "kyotei-search (fastcgi): stopped by signal %d (%s); %u workers ended\n", stop, strsignal(stop), n);
    for (size_t i = 0; i < N_HANDLED; i++)
        sigaction(handled[i], &sv.orig[i], NULL);
    sigprocmask(SIG_SETMASK, &sv.orig_mask, NULL);
    free(w);
    return status;
}
