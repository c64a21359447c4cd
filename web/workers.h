/* kyotei — pre-forked worker processes and their supervisor.
 *
 * kt_workers_run starts n processes that each run fn(ctx) — for the FastCGI front, the accept loop
 * on a listening socket they share (the kernel hands each new connection to one of the workers
 * waiting in accept) — and then supervises them: a worker that ends while no stop was asked for is
 * replaced (at most one start a second once workers keep dying young, so a worker that cannot run
 * at all does not turn the machine into a fork loop), and SIGTERM or SIGINT to the supervisor is
 * passed on to every worker, whose end it then waits for. A worker also gets SIGTERM when the
 * supervisor itself dies (PR_SET_PDEATHSIG), so that none is left serving on its own.
 *
 * fn runs in the child with the signal mask and the handlers of SIGTERM, SIGINT and SIGCHLD as
 * they were before the call; its return value is the worker's exit status.
 * Errors: returns the supervisor's exit status: 0 after a stop by signal, 1 when no worker could
 * be started (fork failing; logged with the reason).
 */
#ifndef KT_WEB_WORKERS_H
#define KT_WEB_WORKERS_H

#include <stdio.h>

#define KT_WORKERS_MAX 256

int kt_workers_run(unsigned n, int (*fn)(void *ctx), void *ctx, FILE *log);

#endif
