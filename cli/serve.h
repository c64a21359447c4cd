/* kyotei — kyotei-search --fastcgi: the search page served over FastCGI (web/fastcgi.h), set up
 * from the command line and the environment.
 *
 * The index is --db (at most one: a shard list names several) or KYOTEI_DB; every other setting
 * comes from the environment, as for the CGI (docs/cgi.md). The listening socket is --listen, or
 * else standard input, which must then be one (a web server's bin-path, Apache's mod_fcgid,
 * spawn-fcgi). Messages go to stderr, one line each, starting "kyotei-search (fastcgi): ".
 */
#ifndef KT_CLI_SERVE_H
#define KT_CLI_SERVE_H

#include <stddef.h>

typedef struct kt_serve_args {
    const char *db;          /* --db, or NULL for KYOTEI_DB */
    const char *listen;      /* --listen HOST:PORT | PATH, or NULL for standard input */
    unsigned workers;        /* --workers N; 0: serve in this process */
    size_t max_memory_mib;   /* --max-memory MIB per worker; 0: no limit */
} kt_serve_args;

/* Returns the exit status: 0 after a stop by SIGTERM or SIGINT, 1 when serving failed, 2 when it
 * could not start (no socket, settings not understood). */
int kt_serve_main(const kt_serve_args *a);

#endif
