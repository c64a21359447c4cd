/* kyotei — where the shards of an index are: db specs and shard lists.
 *
 * kyotei-search --db, $KYOTEI_DB and kt_searcher_open take db specs. A spec names one shard or
 * several:
 *
 *   DIR               a local index: a kyotei index directory, or any Xapian database
 *   tcp://HOST:PORT   an index served by Xapian's xapian-tcpsrv (tcp://[::1]:PORT for IPv6)
 *   FILE              a shard list, in Xapian's own stub-file format, one shard a line:
 *                       auto PATH          a local database (glass PATH and chert PATH too);
 *                                          a relative PATH is read from the list's folder
 *                       remote HOST:PORT   a database served by xapian-tcpsrv ([::1]:PORT)
 *                       # a comment        (blank lines are skipped too)
 *                     PATH may itself be another list (at most KT_SHARDS_MAX_DEPTH deep).
 *
 * Xapian's tools (xapian-delve, quest, xapian-tcpsrv) open the same file, so one list serves
 * kyotei and them. kyotei reads the list itself rather than handing it to Xapian so that each
 * shard is opened on its own: its schema checked, remote ones with kyotei's timeouts (Xapian
 * opens the remote lines of a stub with its defaults), and a shard that is down named and, when
 * asked, left out. "remote :PROGRAM" lines (Xapian would start the program) and "inmemory" are
 * refused.
 *
 * A directory whose XAPIANDB stub names one local database folder is one shard, opened by Xapian
 * through the stub (a kyotei index: "auto gen-N"); a XAPIANDB that names several databases, a
 * remote one or another list is read as a shard list like a FILE.
 *
 * Ownership: a kt_shard_list owns its shards and their strings; kt_shards_free releases them.
 * Errors: KT_ERR_INPUT (a malformed spec or list line, with "FILE:LINE: "), KT_ERR_IO (a list
 * that cannot be read), KT_ERR_LIMIT (more than KT_SHARDS_MAX shards, lists nested deeper than
 * KT_SHARDS_MAX_DEPTH or a line longer than KT_SHARDS_MAX_LINE), KT_ERR_NOMEM. On error the list
 * keeps the shards added before the failing spec.
 */
#ifndef KT_SEARCHER_SHARDS_H
#define KT_SEARCHER_SHARDS_H

#include <stddef.h>

#include "base/error.h"

#define KT_SHARDS_MAX 1024
#define KT_SHARDS_MAX_DEPTH 4
#define KT_SHARDS_MAX_LINE 4096

typedef enum kt_shard_kind { KT_SHARD_LOCAL, KT_SHARD_REMOTE } kt_shard_kind;

typedef struct kt_shard {
    kt_shard_kind kind;
    char *name;       /* how messages name it: the path, or tcp://HOST:PORT */
    char *path;       /* LOCAL: the path to open (relative to the working directory) */
    char *host;       /* REMOTE: a host name or address, without brackets */
    unsigned port;    /* REMOTE: 1..65535 */
} kt_shard;

typedef struct kt_shard_list {
    kt_shard *items;
    size_t count, cap;  /* cap: the room in items */
} kt_shard_list;

#define KT_SHARD_LIST_INIT {NULL, 0, 0}

/* Appends the shards spec names to list. */
kt_status kt_shards_add(kt_shard_list *list, const char *spec, kt_error *err);

/* Frees every shard and leaves an empty list. NULL allowed. */
void kt_shards_free(kt_shard_list *list);

#endif
