/* kyotei — the CGI front of kyotei-search: one HTTP request in, one response out.
 *
 * The web server runs kyotei-search once per request (RFC 3875). Its parameters come only from
 * QUERY_STRING (web/request.h parses them); the index comes only from the server's environment
 * (KYOTEI_DB), never from the request. docs/cgi.md describes the page and the server set-up.
 */
#ifndef KT_WEB_RESPOND_H
#define KT_WEB_RESPOND_H

#include <stdio.h>

#include "web/request.h"

/* What a request sees of its environment. */
typedef struct kt_cgi_env {
    const char *method;         /* REQUEST_METHOD */
    const char *query_string;   /* QUERY_STRING */
    const char *db;             /* KYOTEI_DB: the index; NULL or "" gives 503 */
    const char *data_dir;       /* dictionaries; NULL: kt_data_dir() (KYOTEI_DATA_DIR or beside the program) */
    const char *template_path;  /* KYOTEI_TEMPLATE: the page template; NULL or "": the built-in page */
    /* For shards (docs/scaling.md); NULL or "" keeps kt_searcher_options_init's; a value not
     * accepted gives 503 and a log line naming the variable. */
    const char *allow_partial;    /* KYOTEI_ALLOW_PARTIAL: 1/yes/true/on or 0/no/false/off */
    const char *connect_timeout;  /* KYOTEI_CONNECT_TIMEOUT: milliseconds, 1 to KT_CGI_TIME_LIMIT s */
    const char *remote_timeout;   /* KYOTEI_REMOTE_TIMEOUT: milliseconds, likewise */
} kt_cgi_env;

/* Answers one request: writes the CGI response (a Status line, headers, a blank line and, unless
 * HEAD, the body) to out, and one line to log for each failure the operator must see (a missing
 * or broken index, an unreadable template). Returns the HTTP status sent: 200, 400, 405, 500 or
 * 503, or -1 when out itself could not be written. Nothing internal (paths, library messages,
 * shard addresses) ever reaches out. With allow_partial, an answer from fewer shards than db names
 * is a 200 that says so: a notice on the page, "shards_missing" in JSON ("shard 3 of 3"), the
 * header Kyotei-Shards-Missing in every format, and a log line naming each missing shard. */
int kt_cgi_respond(const kt_cgi_env *env, FILE *out, FILE *log);

/* The whole CGI program: reads the environment, answers on stdout, logs on stderr.
 * Returns the process exit status: 0 once a response was sent (whatever its HTTP status). */
int kt_cgi_main(void);

#endif
