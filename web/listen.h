/* kyotei — the listening socket of a FastCGI front.
 *
 * A web server that starts kyotei-search itself (lighttpd's bin-path, Apache's mod_fcgid) or
 * spawn-fcgi hands it the socket as standard input (FastCGI's FCGI_LISTENSOCK_FILENO, fd 0): that
 * is kt_listen_is_socket(0). Started on its own (kyotei-search --fastcgi --listen …, by a service
 * manager), it opens one with kt_listen_open. kyotei opens it itself rather than with libfcgi's
 * FCGX_OpenSocket, which ends the process (exit(errno)) when it cannot bind, copies the address
 * into a fixed buffer and knows neither IPv6 nor stale socket files.
 *
 * Errors: KT_ERR_INPUT (an address that is neither HOST:PORT nor a path; a path too long for a
 * Unix socket; a file in the way that is not a socket), KT_ERR_IO (the address cannot be resolved
 * or bound, another server already listens there), with the address and the system's reason.
 */
#ifndef KT_WEB_LISTEN_H
#define KT_WEB_LISTEN_H

#include <stdbool.h>

#include "base/error.h"

/* How many connections the kernel queues for the workers before it refuses more. */
#define KT_LISTEN_BACKLOG 128

/* Opens a listening socket at `where`, owned by the caller (close(2)):
 *   HOST:PORT, [IPV6]:PORT   TCP, with SO_REUSEADDR so that a restart can bind at once;
 *                            127.0.0.1:9000 for a web server on the same machine
 *   PATH (holding a '/')     a Unix socket, made with the process's umask (the web server's
 *                            user must be able to write it); a socket file left by a server that
 *                            is gone is replaced, one that a live server answers on is not */
int kt_listen_open(const char *where, kt_error *err);

/* Whether fd is a socket that listens (not yet connected): what a FastCGI program is handed. */
bool kt_listen_is_socket(int fd);

#endif
