/* kyotei — the CGI front of kyotei-search: one HTTP request in, one response out.
 *
 * The web server runs kyotei-search once per request (RFC 3875), or hands requests one after
 * another to a kyotei-search that stays up (FastCGI, web/fastcgi.h): both answer through
 * kt_cgi_answer, so the answers are the same byte for byte. Its parameters come only from
 * QUERY_STRING (web/request.h parses them); the index comes only from the server's environment
 * (KYOTEI_DB), never from the request. docs/cgi.md describes the page and the server set-up.
 */
#ifndef KT_WEB_RESPOND_H
#define KT_WEB_RESPOND_H

#include <stdbool.h>
#include <stdio.h>

#include "kyotei/search.h"
#include "web/request.h"

/* The ceiling on one request's work: a CSV download walks at most this many matches (the site
 * may set another with KYOTEI_MAX_EXPORT); the page reads KT_CGI_PAGE_SIZE hits. It bounds the
 * rows, and with them the bytes, one request can make the server write: a crawler or a script
 * asking for everything again and again cannot tie up the search for others. */
#define KT_CGI_MAX_EXPORT 100000ul
#define KT_CGI_MAX_EXPORT_LIMIT 10000000ul

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
    const char *max_export;       /* KYOTEI_MAX_EXPORT: the most rows a CSV download may have, 1 to
                                     KT_CGI_MAX_EXPORT_LIMIT; NULL or "": KT_CGI_MAX_EXPORT. A download
                                     of more matches gets 413; a value not accepted gives 503 and a
                                     log line naming the variable. */
    const char *frame_ancestors;  /* KYOTEI_FRAME_ANCESTORS: the pages that may frame the answers,
                                     the sources of the CSP's frame-ancestors ('self', 'none',
                                     https://example.org …); NULL or "": 'self'. A value not accepted
                                     gives 503 and a log line naming the variable, not the value. */
    const char *front;            /* how the log's lines name the front: "kyotei-search (FRONT): …";
                                     NULL or "": "cgi" */
} kt_cgi_env;

/* Answers one request: writes the CGI response (a Status line, headers, a blank line and, unless
 * HEAD, the body) to out, and one line to log for each failure the operator must see (a missing
 * or broken index, an unreadable template). Returns the HTTP status sent: 200, 400, 405, 413 (a
 * CSV download of more rows than KYOTEI_MAX_EXPORT allows), 500 or 503, or -1 when out itself
 * could not be written. Nothing internal (paths, library messages,
 * shard addresses) ever reaches out. With allow_partial, an answer from fewer shards than db names
 * is a 200 that says so: a notice on the page, "shards_missing" in JSON ("shard 3 of 3"), the
 * header Kyotei-Shards-Missing in every format, and a log line naming each missing shard. */
int kt_cgi_respond(const kt_cgi_env *env, FILE *out, FILE *log);

/* kt_cgi_respond for a front that answers many requests in one process (web/fastcgi.h), with the
 * same answers: *kept is the searcher kept between requests, NULL before the first. A kept searcher
 * is first brought to the newest index (kt_searcher_refresh: an update, a rebuild, a replaced
 * directory); one that cannot be is closed and the index opened again, as a new process would,
 * so an index that is gone gets 503, never answers from files that were deleted. Without a
 * searcher, one is opened and left in *kept (NULL when it could not be: the request got 503 and
 * the next one tries again). MeCab, the vocabularies and the facet values the searcher keeps in
 * memory thus stay loaded from one request to the next. env's settings (db, data_dir, the shard
 * options) must be those of every earlier call: the searcher was opened with them. The caller
 * closes *kept with kt_searcher_close when it is done. kept NULL: exactly kt_cgi_respond. */
int kt_cgi_answer(const kt_cgi_env *env, kt_searcher **kept, FILE *out, FILE *log);

/* The server's settings from the process environment — KYOTEI_DB, KYOTEI_TEMPLATE,
 * KYOTEI_ALLOW_PARTIAL, KYOTEI_CONNECT_TIMEOUT, KYOTEI_REMOTE_TIMEOUT, KYOTEI_MAX_EXPORT,
 * KYOTEI_FRAME_ANCESTORS — pointing
 * into it; the
 * request's fields (method, query_string) and data_dir are left NULL. */
void kt_cgi_env_settings(kt_cgi_env *env);

/* For a front that is started once and then serves: checks its settings before it answers
 * anything — the index named, the shard settings understood, the template readable and
 * well-formed — and logs one line for each that is not (naming the variable). The index itself is
 * not opened: one missing at start may be there by the first request, which until then gets 503. */
bool kt_cgi_settings_ok(const kt_cgi_env *env, FILE *log);

/* The whole CGI program: reads the environment, answers on stdout, logs on stderr.
 * Returns the process exit status: 0 once a response was sent (whatever its HTTP status). */
int kt_cgi_main(void);

#endif
