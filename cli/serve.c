#include "serve.h"

#include <stdio.h>
#include <unistd.h>

#include "web/fastcgi.h"
#include "web/listen.h"

int kt_serve_main(const kt_serve_args *a)
{
    kt_fcgi_options o = {.workers = a->workers, .max_memory = a->max_memory_mib << 20};
    kt_cgi_env_settings(&o.settings);
    o.settings.front = "fastcgi";
    if (a->db)
        o.settings.db = a->db;
    if (a->listen) {
        kt_error err;
        if ((o.listen_fd = kt_listen_open(a->listen, &err)) < 0) {
            fprintf(stderr, "kyotei-search (fastcgi): %s\n", err.message);
            return 2;
        }
    } else if (!kt_listen_is_socket(STDIN_FILENO)) {
        fputs("kyotei-search (fastcgi): standard input is not a listening socket: give --listen HOST:PORT or "
              "--listen PATH, or let the web server or spawn-fcgi start kyotei-search\n", stderr);
        return 2;
    }
    unsigned n = a->workers ? a->workers : 1;
    fprintf(stderr, "kyotei-search (fastcgi): serving %s on %s, %u worker%s%s\n",
            o.settings.db && *o.settings.db ? o.settings.db : "(no index: KYOTEI_DB is not set)",
            a->listen ? a->listen : "the socket on standard input", n, n == 1 ? "" : "s",
            a->workers ? " (supervised)" : "");
    /* the socket closes as the process ends (a worker stopping may have closed it already); a Unix
     * socket's file is left, and the next start replaces it (web/listen.h) */
    return kt_fcgi_serve(&o, stderr);
}
