/* xapian-c — the C face of libxapian.
 *
 * kyotei is written in C; Xapian is a C++ library. This header is the only door between them:
 * opaque handles, plain status codes, and no exception ever crosses into C. It knows nothing of
 * agreements — term prefixes, value slots and stored records are the indexer's and the
 * searcher's business.
 *
 * Errors. Every call that can fail returns an xc_status and takes a caller-owned xc_error as its
 * last argument (NULL allowed). On failure the xc_error receives the same status and a message:
 * for Xapian's errors "<type>: <message>", followed by " (<system error>)" when there is one, e.g.
 * "DatabaseNotFoundError: Couldn't stat 'idx' (No such file or directory)"; for arguments refused
 * here "<function>: <what is wrong>". On success it is left untouched, so one xc_error can collect
 * the first failure of a sequence of calls. Arguments that are NULL where a value is needed, empty or
 * over-long terms and out-of-range indexes give XC_ERR_INVALID, never a crash.
 *
 * Ownership. Whatever a call hands back through an `out` pointer belongs to the caller, who frees
 * it with the matching _free/_close (or free() where said). Inputs are always copied: the caller
 * may free or reuse its buffers, documents and queries as soon as a call returns. On failure
 * nothing is handed back and *out is left unchanged.
 *
 * Threads. A handle, and everything obtained from it, may be used by one thread at a time;
 * different handles on the same database may be used from different threads.
 *
 * Terms. Xapian stores terms of at most XC_TERM_MAX bytes; longer terms are refused up front with
 * XC_ERR_INVALID instead of failing later, at commit time, inside Xapian.
 */
#ifndef XC_XC_H
#define XC_XC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum xc_status {
    XC_OK = 0,
    XC_ERR_NOMEM,        /* an allocation failed */
    XC_ERR_INVALID,      /* bad argument (NULL handle, empty term, bad op, term too long ...), or Xapian's
                            InvalidArgumentError / InvalidOperationError (e.g. committing a transaction that
                            was never begun) */
    XC_ERR_NOT_FOUND,    /* document/term/database not found (DocNotFoundError, DatabaseNotFoundError) */
    XC_ERR_OPENING,      /* DatabaseOpeningError / DatabaseVersionError */
    XC_ERR_LOCKED,       /* DatabaseLockError: another writer holds the lock */
    XC_ERR_MODIFIED,     /* DatabaseModifiedError: reopen (xc_db_reopen) and retry. A damaged table file can
                            look the same to Xapian, so bound the retries. */
    XC_ERR_CORRUPT,      /* DatabaseCorruptError */
    XC_ERR_NETWORK,      /* NetworkError / NetworkTimeoutError (remote shards) */
    XC_ERR_XAPIAN        /* any other Xapian::Error or unexpected exception */
} xc_status;

#define XC_ERROR_MESSAGE_MAX 512

/* Caller-owned error report; every call takes one as its last argument (NULL allowed). On failure
 * it is filled with the status and a NUL-terminated message, cut at a UTF-8 character boundary
 * when longer than XC_ERROR_MESSAGE_MAX - 1 bytes; on success it is left untouched. */
typedef struct xc_error {
    xc_status status;
    char message[XC_ERROR_MESSAGE_MAX];
} xc_error;

/* A short English name for a status ("database locked"); never NULL, also for unknown values. */
const char *xc_status_name(xc_status st);

/* Traps a crash inside Xapian, for the programs that read indexes (kyotei-search, its CGI).
 *
 * Xapian 1.4 does not check every byte it reads from a table: a damaged table (a position list,
 * say) can make it read wild memory and fault. Once xc_trap_faults() has been called, a SIGSEGV
 * or SIGBUS raised while an xc_ call is inside Xapian ends that call with XC_ERR_CORRUPT ("reading
 * the index crashed inside Xapian") instead of ending the process, and every later xc_ call gives
 * the same error: the program reports a damaged index and stops, as for any damaged table. A
 * fault anywhere else is passed on to the handler that was there before (the default one, or a
 * sanitizer's), as if no trap were set. The call jumps out of Xapian without unwinding it, so what
 * Xapian held is leaked: a program should end soon after. Not for writers (an interrupted write
 * must not be taken for a damaged index) nor for threads other than the one that called it.
 * @retval XC_ERR_XAPIAN  the signal handlers could not be installed (errno says why) */
xc_status xc_trap_faults(xc_error *err);

/* Whether the trap above has caught a fault: from then on every xc_ call fails, and a program that
 * lives on between requests (a FastCGI worker) ends, so that a fresh process takes its place. */
bool xc_faulted(void);

/* The longest term, in bytes, that Xapian can store. */
#define XC_TERM_MAX 245

typedef struct xc_db xc_db;         /* read-only: one or more shards searched as one */
typedef struct xc_wdb xc_wdb;       /* writable database */
typedef struct xc_doc xc_doc;       /* a document (new, or read from a database) */
typedef struct xc_query xc_query;   /* an immutable query tree node */
typedef struct xc_mset xc_mset;     /* a page of results plus facet counts */

/* ---------------------------------------------------------------------------------------------
 * Read-only databases
 *
 * An xc_db sees the revision that was current when it was opened (or last reopened). A writer
 * that commits twice or more meanwhile may recycle the blocks that revision lives in; the next
 * read then fails with XC_ERR_MODIFIED, and the caller calls xc_db_reopen and retries.
 * ------------------------------------------------------------------------------------------- */

/* Opens the database at path (one shard) for reading.
 * *out: owned by the caller, freed with xc_db_close.
 * @retval XC_OK
 * @retval XC_ERR_NOT_FOUND   nothing that looks like a database at path
 * @retval XC_ERR_OPENING     it exists but cannot be opened (unreadable, unsupported version)
 * @retval XC_ERR_CORRUPT     its files are damaged
 * @retval XC_ERR_INVALID     path or out is NULL */
xc_status xc_db_open(const char *path, xc_db **out, xc_error *err);

/* A database with no shards yet: searching it finds nothing until shards are added.
 * *out: owned by the caller, freed with xc_db_close. */
xc_status xc_db_open_empty(xc_db **out, xc_error *err);

/* Adds the local database at path as one more shard of db. Document ids of a database with
 * several shards are interleaved (shard i of n holds ids i+1, i+1+n, ...), so they differ from
 * the ids the shards have on their own. Errors as xc_db_open; on failure db is unchanged. */
xc_status xc_db_add_shard(xc_db *db, const char *path, xc_error *err);

/* Adds a shard served by xapian-tcpsrv at host:port. timeout_ms bounds each operation,
 * connect_timeout_ms the connection; 0 means no limit. Add remote shards this way rather than
 * through a stub file naming them (xc_db_open): xc_search knows of them only so (see there), and a
 * stub's remote lines use Xapian's default timeouts.
 * @retval XC_ERR_NETWORK    connection refused or timed out, or the server misbehaved
 * otherwise as xc_db_open. On failure db is unchanged. */
xc_status xc_db_add_remote(xc_db *db, const char *host, unsigned port, unsigned timeout_ms,
                           unsigned connect_timeout_ms, xc_error *err);

/* Adds every shard of other to db, so that a shard can be opened and checked on its own (its
 * metadata read) before it joins the others. other stays open and usable: both handles share the
 * shard (a remote shard keeps one connection), and either may be closed first.
 * @retval XC_ERR_INVALID  db or other NULL, or db == other */
xc_status xc_db_add_db(xc_db *db, const xc_db *other, xc_error *err);

/* Moves db to the latest committed revision of every shard. *changed (changed may be NULL) is
 * set to whether anything may have changed. */
xc_status xc_db_reopen(xc_db *db, bool *changed, xc_error *err);

/* Number of documents over all shards. */
xc_status xc_db_doc_count(xc_db *db, uint32_t *out, xc_error *err);

/* Number of documents indexed by term (0 when the term is absent).
 * @retval XC_ERR_INVALID  term NULL, empty or longer than XC_TERM_MAX */
xc_status xc_db_term_freq(xc_db *db, const char *term, uint32_t *out, xc_error *err);

/* The metadata value stored under key (from the first shard when there are several).
 * *value: malloc'd and NUL-terminated (values may hold NUL bytes: *len tells the length; len may
 * be NULL), freed by the caller with free(); "" when the key is unset.
 * @retval XC_ERR_INVALID  key NULL or empty */
xc_status xc_db_get_metadata(xc_db *db, const char *key, char **value, size_t *len, xc_error *err);

/* The stored document docid. *out: owned by the caller, freed with xc_doc_free; it stays usable
 * after xc_db_close.
 * @retval XC_ERR_NOT_FOUND  no such document
 * @retval XC_ERR_INVALID    docid 0 */
xc_status xc_db_get_document(xc_db *db, uint32_t docid, xc_doc **out, xc_error *err);

/* Calls fn for every term starting with prefix ("" or NULL: every term), in byte order, with its
 * term frequency; stops early when fn returns false (that is not an error). term is not
 * NUL-terminated and is valid only during the call. */
xc_status xc_db_each_term(xc_db *db, const char *prefix,
                          bool (*fn)(const char *term, size_t len, uint32_t termfreq, void *ctx),
                          void *ctx, xc_error *err);

/* Frees db and everything Xapian keeps open for it. NULL allowed. Documents and result sets
 * obtained from db stay valid. */
void xc_db_close(xc_db *db);

/* ---------------------------------------------------------------------------------------------
 * Writable databases
 * ------------------------------------------------------------------------------------------- */

enum {
    XC_WDB_CREATE_OR_OPEN = 1,      /* open, or create an empty one when none exists */
    XC_WDB_CREATE_OR_OVERWRITE = 2, /* create an empty one, replacing any database at path */
    XC_WDB_OPEN = 3                 /* open an existing one; XC_ERR_NOT_FOUND when there is none */
};

/* Flags that may be or'ed into the mode of xc_wdb_open, for a database that nobody reads until it
 * is complete (a new generation built aside): */
enum {
    XC_WDB_NO_SYNC = 0x100,  /* commits do not fsync (DB_NO_SYNC): the caller syncs the files itself
                                before anyone relies on them */
    XC_WDB_IN_PLACE = 0x200  /* changed blocks are written over the old ones (DB_DANGEROUS): less I/O
                                and a smaller result, but no reader may open the database while it is
                                written, transactions cannot be cancelled, and a writer killed before
                                its commit leaves a database that cannot be opened */
};

/* Opens the database at path for writing; the write lock is held until xc_wdb_close.
 * mode: one of the XC_WDB_ modes above, optionally or'ed with XC_WDB_NO_SYNC and XC_WDB_IN_PLACE.
 * *out: owned by the caller, freed with xc_wdb_close.
 * @retval XC_ERR_LOCKED     another writer (in this or another process) holds the lock
 * @retval XC_ERR_INVALID    path/out NULL or unknown mode or flag
 * otherwise as xc_db_open. */
xc_status xc_wdb_open(const char *path, int mode, xc_wdb **out, xc_error *err);

/* Adds doc as a new document; its new id goes to *docid (docid may be NULL). */
xc_status xc_wdb_add(xc_wdb *w, const xc_doc *doc, uint32_t *docid, xc_error *err);

/* Replaces every document indexed by unique_term with doc (adding doc when there is none);
 * the id it now has goes to *docid (docid may be NULL). doc should itself carry unique_term, or
 * a later replace or delete will not find it.
 * @retval XC_ERR_INVALID  unique_term NULL, empty or longer than XC_TERM_MAX */
xc_status xc_wdb_replace(xc_wdb *w, const char *unique_term, const xc_doc *doc, uint32_t *docid,
                         xc_error *err);

/* Deletes every document indexed by unique_term; none is not an error. */
xc_status xc_wdb_delete(xc_wdb *w, const char *unique_term, xc_error *err);

/* Stores value (len bytes, may hold NULs) under key; an empty value removes the key. Metadata
 * is committed together with the documents.
 * @retval XC_ERR_INVALID  key NULL or empty, or value NULL with len > 0 */
xc_status xc_wdb_set_metadata(xc_wdb *w, const char *key, const char *value, size_t len,
                              xc_error *err);

/* Transactions: changes between xc_wdb_begin and xc_wdb_commit_transaction become visible
 * together, or not at all after xc_wdb_cancel_transaction. Changes pending before xc_wdb_begin
 * are committed by it (Xapian's "flushed" transaction).
 * @retval XC_ERR_INVALID  begin inside a transaction, or commit/cancel outside one */
xc_status xc_wdb_begin(xc_wdb *w, xc_error *err);
xc_status xc_wdb_commit_transaction(xc_wdb *w, xc_error *err);
xc_status xc_wdb_cancel_transaction(xc_wdb *w, xc_error *err);

/* Makes pending changes durable and visible to readers that reopen.
 * @retval XC_ERR_INVALID  called inside a transaction */
xc_status xc_wdb_commit(xc_wdb *w, xc_error *err);

/* Number of documents, pending changes included. */
xc_status xc_wdb_doc_count(xc_wdb *w, uint32_t *out, xc_error *err);

/* Number of documents holding term, pending changes included (so a writer can tell an added
 * document from a replaced one). @retval XC_ERR_INVALID  empty or over-long term */
xc_status xc_wdb_term_freq(xc_wdb *w, const char *term, uint32_t *out, xc_error *err);

/* The stored data of the first document holding term, pending changes included; *data is
 * malloc'd (NUL-terminated, caller frees). @retval XC_ERR_NOT_FOUND  no document holds term */
xc_status xc_wdb_data_by_term(xc_wdb *w, const char *term, char **data, size_t *len, xc_error *err);

/* Merges the databases at sources[0..n) into a new, compacted database at dest (which must not
 * exist yet): their documents follow one another in the order given, renumbered from 1, and every
 * table is written with its blocks full (Xapian's compaction, level FULL), so the result is
 * smaller than the sources and faster to read. The result can be updated like any database. The
 * sources are only read. With n == 1 this compacts one database.
 * @retval XC_ERR_INVALID  sources or dest NULL, or n == 0
 * otherwise as xc_db_open for the sources, and XC_ERR_XAPIAN when dest cannot be written. */
xc_status xc_compact(const char *const *sources, size_t n, const char *dest, xc_error *err);

/* Closes. Pending changes outside a transaction are committed (Xapian's close semantics); an
 * open transaction is cancelled. Returns the commit's status; the handle is freed and the lock
 * released in every case. NULL allowed (XC_OK). */
xc_status xc_wdb_close(xc_wdb *w, xc_error *err);

/* ---------------------------------------------------------------------------------------------
 * Documents — every setter copies its inputs.
 * Terms must be 1..XC_TERM_MAX bytes (else XC_ERR_INVALID); values and data are byte strings
 * that may hold NULs.
 * ------------------------------------------------------------------------------------------- */

/* A new, empty document. *out: owned by the caller, freed with xc_doc_free. */
xc_status xc_doc_new(xc_doc **out, xc_error *err);

/* Indexes term at position pos (positions count from 1 by convention; PHRASE and NEAR compare
 * them), adding wdf_inc to its within-document frequency. */
xc_status xc_doc_add_posting(xc_doc *d, const char *term, uint32_t pos, uint32_t wdf_inc,
                             xc_error *err);

/* Indexes term without a position, adding wdf_inc to its within-document frequency. */
xc_status xc_doc_add_term(xc_doc *d, const char *term, uint32_t wdf_inc, xc_error *err);

/* Indexes term with wdf 0: it matches and filters but weighs nothing (ids, facets, flags). */
xc_status xc_doc_add_boolean_term(xc_doc *d, const char *term, xc_error *err);

/* Sets value slot (any number but 0xffffffff) to len bytes; len 0 clears the slot. Values
 * serve sorting, ranges and facet counts. */
xc_status xc_doc_set_value(xc_doc *d, unsigned slot, const char *bytes, size_t len, xc_error *err);

/* Sets the stored data (the record handed back with search results). */
xc_status xc_doc_set_data(xc_doc *d, const char *bytes, size_t len, xc_error *err);

/* The stored data. *out: malloc'd, NUL-terminated, freed by the caller with free(); *len gets
 * its length (len may be NULL). Reading a document of a database may fail like any read, e.g.
 * with XC_ERR_MODIFIED. */
xc_status xc_doc_get_data(const xc_doc *d, char **out, size_t *len, xc_error *err);

/* The value in slot ("" when unset). *out and *len as in xc_doc_get_data. */
xc_status xc_doc_get_value(const xc_doc *d, unsigned slot, char **out, size_t *len, xc_error *err);

/* NULL allowed. */
void xc_doc_free(xc_doc *d);

/* Xapian::sortable_serialise into buf (at least XC_SORTABLE_MAX bytes); returns the length.
 * The bytes of two serialised numbers compare (memcmp, shorter first on a tie) as the numbers
 * do, so numbers and dates stored this way sort and range-match numerically. */
#define XC_SORTABLE_MAX 18
size_t xc_sortable_serialise(double value, char *buf);
/* The inverse; bytes that are not a serialised number give an unspecified value, never a crash. */
double xc_sortable_unserialise(const char *bytes, size_t len);

/* ---------------------------------------------------------------------------------------------
 * Queries — immutable; combining copies the subqueries (the caller still frees its own handles).
 * Every xc_query handed back is owned by the caller and freed with xc_query_free.
 * ------------------------------------------------------------------------------------------- */

typedef enum xc_query_op {
    XC_OP_AND,        /* all match; weights add */
    XC_OP_OR,         /* any matches; weights add */
    XC_OP_AND_NOT,    /* the first, but none of the others */
    XC_OP_AND_MAYBE,  /* the first; the others only add weight */
    XC_OP_FILTER,     /* the first, restricted to documents matching all others, which add no weight */
    XC_OP_PHRASE,     /* terms at consecutive positions, in order, within window */
    XC_OP_NEAR,       /* terms within window positions of each other, in any order */
    XC_OP_SYNONYM,    /* any matches, weighted as if they were one term */
    XC_OP_ELITE_SET,  /* OR of the best few subqueries (Xapian picks 10) */
    XC_OP_MAX         /* any matches; weight is the largest of the subqueries' weights */
} xc_query_op;

/* A term query. wqf: within-query frequency (0 is treated as 1); pos: its position in the
 * query, 0 = none.
 * @retval XC_ERR_INVALID  term NULL, empty or longer than XC_TERM_MAX */
xc_status xc_query_term(const char *term, uint32_t wqf, uint32_t pos, xc_query **out, xc_error *err);

/* Matches every document (weight 0). */
xc_status xc_query_match_all(xc_query **out, xc_error *err);

/* Matches nothing; xc_query_is_empty is true for it. */
xc_status xc_query_match_nothing(xc_query **out, xc_error *err);

/* Combines n subqueries with op. window: for PHRASE/NEAR (0 = number of subqueries); ignored
 * otherwise. n == 0 gives match-nothing. PHRASE and NEAR compare positions, so their terms must
 * have been indexed with xc_doc_add_posting; a database without any positions at all makes
 * Xapian treat them as AND.
 * @retval XC_ERR_INVALID  op out of range, subs NULL with n > 0, or a NULL subquery
 * @retval XC_ERR_XAPIAN   PHRASE or NEAR over a subquery that is not a term (UnimplementedError) */
xc_status xc_query_combine(xc_query_op op, xc_query *const *subs, size_t n, uint32_t window,
                           xc_query **out, xc_error *err);

/* Documents whose value in slot lies in [lo, hi], comparing bytes (use xc_sortable_serialise
 * for numbers). lo or hi NULL = open end (VALUE_GE / VALUE_LE); both NULL: every document with
 * a value in slot. Matches weigh nothing. */
xc_status xc_query_value_range(unsigned slot, const char *lo, size_t lo_len, const char *hi, size_t hi_len,
                               xc_query **out, xc_error *err);

/* q with its weights multiplied by factor (OP_SCALE_WEIGHT); factor 0 makes q purely boolean.
 * @retval XC_ERR_INVALID  factor negative or not finite */
xc_status xc_query_scale(const xc_query *q, double factor, xc_query **out, xc_error *err);

/* The documents q matches, each weighing exactly `weight` whatever q's own weights (q made boolean
 * and ANDed with Xapian's FixedWeightPostingSource, which remote shards also know). OR'd beside q,
 * it counts matched clauses: coordination-level ranking where BM25 alone would not.
 * @retval XC_ERR_INVALID  weight negative or not finite */
xc_status xc_query_constant(const xc_query *q, double weight, xc_query **out, xc_error *err);

/* True for a match-nothing query (and for NULL). */
bool xc_query_is_empty(const xc_query *q);

/* Xapian's description of q, for logs and tests ("Query((a OR b))"). malloc'd, caller frees;
 * NULL on OOM or when q is NULL. */
char *xc_query_describe(const xc_query *q);

/* NULL allowed. */
void xc_query_free(xc_query *q);

/* ---------------------------------------------------------------------------------------------
 * Searching
 * ------------------------------------------------------------------------------------------- */

typedef struct xc_search_opts {
    uint32_t offset, limit;     /* the page */
    uint32_t check_at_least;    /* pass the doc count to make facet counts exact over the whole match set */
    int sort_slot;              /* -1: by relevance (BM25); otherwise sort by this value slot, then relevance */
    bool sort_descending;       /* for sort_slot >= 0 */
    int tiebreak_slot;          /* -1: ties in docid order; otherwise ties broken by this value slot,
                                   ascending (after relevance, or after sort_slot) */
    bool docid_tiebreak_ascending; /* relevance ties broken by docid ascending (Xapian's default is ascending too);
                                      false: descending (newest first) */
    const unsigned *facet_slots; size_t n_facet_slots; /* the values of each slot counted over the match
                                   set: with a ValueCountMatchSpy when a shard is remote or there are
                                   several, else by walking the slot's values alongside the match, or
                                   from the facet_cache */
    bool facet_cache;           /* count the facets from the slots' values of every document, read into
                                   memory once per handle (on the first search asking for it; 4 bytes a
                                   document and each distinct value once) and kept until xc_db_reopen
                                   moves to a new revision or a shard is added: each matching document
                                   then costs a look-up in memory, not a read from the index. Worth it
                                   for a handle that serves many searches. Ignored (match spies
                                   read the values) unless the handle has a single local shard: a
                                   ValueCountMatchSpy can be sent to xapian-tcpsrv, the counter of
                                   the cache cannot, and Xapian hands a spy each document by its
                                   number within its own shard */
    double bm25_k1, bm25_k2, bm25_k3, bm25_b, bm25_min_normlen;  /* all 0: Xapian's BM25 defaults
                                      (1, 0, 1, 0.5, 0.5); otherwise all five are used as given */
    bool bool_weight;           /* true: BoolWeight (all scores 0), e.g. for browsing */
} xc_search_opts;

/* offset 0, limit 10, check_at_least 0, sort_slot -1, tiebreak_slot -1, docid ties ascending, no facets, BM25
 * defaults, BM25 weighting. */
void xc_search_opts_init(xc_search_opts *o);

/* Runs q over db and returns one page of results plus, for every facet slot, the counts of the
 * documents Xapian looked at (all matching documents when check_at_least >= the match count).
 * o NULL: the defaults of xc_search_opts_init. *out: owned by the caller, freed with
 * xc_mset_free; it stays valid after xc_db_close.
 * Remote shards (xc_db_add_remote): Xapian 1.4 cannot sort them by sort_slot and tiebreak_slot
 * together (that needs a KeyMaker, which it cannot send to xapian-tcpsrv: XC_ERR_XAPIAN); either
 * alone works. With facets and any order other than relevance alone, the facets are counted in a
 * pass of their own (Xapian 1.4's spies count some remote documents twice in such orders), which
 * costs a second match.
 * @retval XC_ERR_MODIFIED  the revision db sees was overwritten: xc_db_reopen, then retry
 * @retval XC_ERR_NETWORK   a remote shard failed or did not answer in time
 * @retval XC_ERR_INVALID   db/q/out NULL, sort_slot < -1, facet_slots NULL with n_facet_slots > 0,
 *                          or BM25 parameters out of range (negative, NaN, b > 1) */
xc_status xc_search(xc_db *db, const xc_query *q, const xc_search_opts *o, xc_mset **out, xc_error *err);

/* Number of results on the page. NULL: 0. */
uint32_t xc_mset_size(const xc_mset *m);
/* Xapian's estimate of the total number of matches and its bounds; exact (all three equal) when
 * check_at_least reached the end of the match set. NULL: 0. */
uint32_t xc_mset_matches_estimated(const xc_mset *m);
uint32_t xc_mset_matches_lower_bound(const xc_mset *m);
uint32_t xc_mset_matches_upper_bound(const xc_mset *m);

/* The i-th result of the page (0-based): its document id, its weight, or the document itself
 * (*out owned by the caller, freed with xc_doc_free).
 * @retval XC_ERR_INVALID  m or the out pointer NULL, or i >= xc_mset_size(m) */
xc_status xc_mset_docid(const xc_mset *m, uint32_t i, uint32_t *docid, xc_error *err);
xc_status xc_mset_weight(const xc_mset *m, uint32_t i, double *weight, xc_error *err);
xc_status xc_mset_document(const xc_mset *m, uint32_t i, xc_doc **out, xc_error *err);

/* Facet counts: for facet k (index into opts.facet_slots), the distinct values and the number of
 * matching documents with each value, in Xapian's order (value ascending). The pointers stay
 * valid until xc_mset_free; *value is NUL-terminated, *len gives its length (len may be NULL).
 * xc_mset_facet_size gives 0 for an unknown k.
 * @retval XC_ERR_INVALID  k or i out of range, or m/value/count NULL */
size_t xc_mset_facet_size(const xc_mset *m, size_t k);
xc_status xc_mset_facet_get(const xc_mset *m, size_t k, size_t i, const char **value, size_t *len, uint32_t *count,
                            xc_error *err);

/* NULL allowed. */
void xc_mset_free(xc_mset *m);

#ifdef __cplusplus
}
#endif

#endif /* XC_XC_H */
