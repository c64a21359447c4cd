/* kyotei — the search page as a FastCGI server: one process that stays up and answers request
 * after request, with MeCab, the vocabularies, the index and its facet values loaded once.
 *
 * Requests come from a web server over FastCGI (Debian's libfcgi, its FCGX_ interface: one
 * request at a time per process, no threads). Each is answered by kt_cgi_answer (web/respond.h),
 * the CGI's own code: the same parameters, statuses, headers and bodies, byte for byte. The
 * searcher is kept between requests and brought to the newest index before each one
 * (kt_searcher_refresh), so an update or a rebuild is seen without a restart. Of a request,
 * only REQUEST_METHOD and QUERY_STRING are read; the server's settings (KYOTEI_DB, KYOTEI_TEMPLATE,
 * KYOTEI_ALLOW_PARTIAL, the timeouts) are the process's own, fixed when it starts — a FastCGI
 * parameter of the same name sent by the web server is ignored, as the searcher it opened is
 * kept.
 *
 * With workers > 0 the process pre-forks that many workers sharing the listening socket, each
 * with its own searcher (web/workers.h); a worker that dies is replaced, and SIGTERM or SIGINT
 * stops them all. Without, the process is the one worker. A worker:
 *   - finishes the request it is answering, then ends, on SIGTERM or SIGINT;
 *   - ends itself (SIGALRM) when a request takes more than KT_CGI_TIME_LIMIT seconds, as the CGI
 *     does: its supervisor, or a web server that spawned it, starts another;
 *   - ends after a request in which a damaged index made Xapian fault (kt_search_faulted), as
 *     nothing read through Xapian in that process can be trusted afterwards;
 *   - with max_memory, cannot grow past that many bytes of address space (RLIMIT_AS): a request
 *     that would need more gets 500 (memory) and the worker goes on (one that fails inside MeCab,
 *     which cannot report it, ends the worker, and it is replaced).
 * Messages for the operator about a request go to the request's FastCGI error stream, which web
 * servers write to their error log; messages about the process (started, a worker replaced,
 * stopped) to `log`.
 *
 * Ownership: options and their strings belong to the caller and must outlive the call; the
 * listening socket is the caller's (it is not closed).
 * Errors: kt_fcgi_serve returns the process's exit status — 0 after a stop by signal, 1 when the
 * listening socket fails or a worker had to end (a fault, a failure of libfcgi), 2 when the
 * settings are not usable (logged, naming the variable).
 */
#ifndef KT_WEB_FASTCGI_H
#define KT_WEB_FASTCGI_H

#include <stddef.h>
#include <stdio.h>

#include "web/respond.h"

typedef struct kt_fcgi_options {
    kt_cgi_env settings;      /* the server's settings (kt_cgi_env_settings, then --db); method and
                                 query_string are ignored: each request brings its own */
    int listen_fd;            /* 0 (the socket a web server or spawn-fcgi hands over) or kt_listen_open's */
    unsigned workers;         /* 0: this process serves; N: N supervised worker processes */
    size_t max_memory;        /* bytes of address space a worker may use (RLIMIT_AS); 0: no limit */
} kt_fcgi_options;

int kt_fcgi_serve(const kt_fcgi_options *o, FILE *log);

#endif
