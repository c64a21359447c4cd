/* Servers for the shard tests, all on 127.0.0.1:
 *   - xapian-tcpsrv serving an index (Debian package xapian-tools; tests that need it skip
 *     themselves when it is not installed);
 *   - a port that takes connections but never answers (a listening socket nobody accepts on:
 *     the kernel completes the handshake, then nothing comes);
 *   - a port where connecting hangs;
 *   - a port nobody listens on.
 * Every xapian-tcpsrv runs under timeout(1), in a process group of its own, so that it dies
 * even when a test crashes before its teardown; srv_stop_all (call it in every teardown) stops
 * them all and closes the silent sockets. Failures fail the running cmocka test. */
#ifndef KT_TESTS_SHARDS_SERVERS_H
#define KT_TESTS_SHARDS_SERVERS_H

#include <stdbool.h>

/* How long a server may live, in seconds, whatever happens to the test. */
#define SRV_LIFETIME_S 120

/* Whether xapian-tcpsrv is on PATH. */
bool srv_have_tcpsrv(void);

/* Skips the running test when xapian-tcpsrv is not installed. */
void srv_need_tcpsrv(void);

/* Serves the database at path (a kyotei index directory, or any Xapian database) on a free port,
 * or on `port` when it is not 0; returns the port once the server accepts connections. */
unsigned srv_serve(const char *path, unsigned port);

/* Stops the server on port (its connections die with it). */
void srv_stop(unsigned port);

/* A port that accepts connections and never answers. */
unsigned srv_silent(void);

/* A port where connecting itself hangs: a listening socket whose queue of connections is full
 * (the kernel then drops new connection requests, and clients wait for their connect timeout). */
unsigned srv_full(void);

/* A port nobody listens on. */
unsigned srv_closed(void);

/* Stops every server and closes every silent or full socket. */
void srv_stop_all(void);

/* Milliseconds on a monotonic clock, to check that failures come within their timeouts. */
long srv_now_ms(void);

#endif
