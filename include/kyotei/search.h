/* kyotei — searching agreements: the library behind kyotei-search and the CGI, for any C program
 * that wants to embed kyotei.
 *
 * A kt_searcher holds the open index (one or more shards searched as one) and a lexicon; it serves
 * any number of requests, one at a time (use one per thread). From its second search on, a
 * searcher over one local index keeps every agreement's facet values in memory (4 bytes an
 * agreement, read once; read again after the index is reopened to a newer version), so that
 * counting facets reads nothing per match. kt_search runs one request and hands
 * back a kt_result: the page of hits, the total for the whole match set and the facet counts over
 * the whole match set. kt_search never prints: writers (kyotei/output.h) turn results into text.
 *
 * The index may be split into shards, local or served by xapian-tcpsrv (docs/scaling.md names
 * them): ranks, scores and facet counts are those of one index holding every shard's agreements.
 * Each shard is opened on its own and must carry kyotei's schema, remote ones too. A remote shard
 * that does not answer within the timeouts fails the search with KT_ERR_INDEX, or, when the
 * searcher allows partial results, is left out and named in kt_result.shards_missing. When a
 * remote shard fails during a search (its server restarted, or closed an idle connection), every
 * shard is opened again once and the search retried, so a searcher that lives long (--batch, an
 * embedding program) survives servers coming and going.
 *
 * Ownership: the caller owns the searcher (kt_searcher_close) and each result (kt_result_free);
 * everything reachable from a result belongs to it.
 * Errors: KT_ERR_INDEX (missing, damaged, foreign or unreachable index, with the path or
 * tcp://HOST:PORT), KT_ERR_DICT, KT_ERR_INPUT (a request outside the limits below, or a malformed
 * db spec), KT_ERR_LIMIT and KT_ERR_IO (a shard list, see docs/scaling.md), KT_ERR_NOMEM.
 */
#ifndef KYOTEI_SEARCH_H
#define KYOTEI_SEARCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kyotei/agreement.h"
#include "kyotei/error.h"

#ifdef __cplusplus
extern "C" {
#endif

#define KT_SEARCH_MAX_LIMIT 100000u   /* a page larger than this is refused; use `all` */
#define KT_SEARCH_MAX_QUERY_BYTES 4096 /* longer queries are refused */

typedef struct kt_searcher kt_searcher;

/* The facets an agreement is counted and filtered by. Its name ("country", "field", "prefecture",
 * "municipality", "year") is the word of a query prefix (country:台湾), a pivot axis
 * (--pivot year,country) and a facet in JSON. Fields are several to an agreement. */
typedef enum kt_dimension {
    KT_DIM_COUNTRY,
    KT_DIM_FIELD,
    KT_DIM_PREFECTURE,
    KT_DIM_MUNICIPALITY,
    KT_DIM_YEAR,
    KT_DIM_COUNT
} kt_dimension;

typedef enum kt_sort {
    KT_SORT_RELEVANCE,                 /* best first (BM25), ties in index order */
    KT_SORT_DATE_DESC,                 /* newest signing first, then relevance */
    KT_SORT_DATE_ASC                   /* oldest signing first, then relevance */
} kt_sort;

typedef struct kt_search_request {
    const char *query;                 /* what was typed, in kyotei's query language (kyotei-search(1));
                                          NULL or "" lists every matching agreement */
    const char *const *countries;      /* filters: several values of one facet OR together, */
    size_t n_countries;                /*          different facets AND */
    const char *const *fields;
    size_t n_fields;
    int since, until;                  /* signing years, inclusive; 0 = no bound */
    kt_sort sort;
    uint32_t offset;
    uint32_t limit;
    bool all;                          /* every match, whatever the limit */
} kt_search_request;

/* A marked word in a snippet: bytes [start, end) of the snippet text. */
typedef struct kt_mark {
    size_t start, end;
} kt_mark;

typedef struct kt_hit {
    uint32_t rank;                     /* 1-based, over the whole match set */
    double score;                      /* BM25; 0 when browsing without words */
    char *col[KT_COL_COUNT];           /* the agreement's columns as stored */
    char *country;                     /* canonical country */
    char **fields;                     /* canonical fields */
    size_t n_fields;
    char *snippet;                     /* a passage of the description around the matched words */
    kt_mark *marks;
    size_t n_marks;
    kt_mark *title_marks;              /* the matched words in col[KT_COL_TITLE] */
    size_t n_title_marks;
} kt_hit;

typedef struct kt_facet_count {
    char *value;
    uint32_t count;
} kt_facet_count;

typedef struct kt_facet {
    kt_facet_count *items;             /* sorted by count (most first), then by value */
    size_t count, cap;                 /* cap: the room in items */
} kt_facet;

/* Why a part of the query was not searched. Nothing typed is dropped in silence: every word is
 * either searched or listed in kt_result.ignored with one of these. */
typedef enum kt_ignored_reason {
    KT_IGNORED_NO_WORD,                /* only particles, endings or symbols: no word to look for */
    KT_IGNORED_PHRASING,               /* request phrasing (探しています, について知りたい): dict/phrasing.tsv */
    KT_IGNORED_OPERATOR,               /* OR, NOT, 以外 or a lone - with nothing to apply to */
    KT_IGNORED_NEGATED_OR,             /* a -word inside OR: "a OR -b" has no useful meaning */
    KT_IGNORED_BAD_RANGE,              /* signed: with something that is not a year or a range of years */
    KT_IGNORED_NOT_A_PREFIX,           /* foo:bar — foo: is no prefix of the language; the text is searched */
    KT_IGNORED_REASON_COUNT
} kt_ignored_reason;

typedef struct kt_ignored {
    char *word;                        /* as typed (NFKC-normalised for words found by MeCab) */
    kt_ignored_reason reason;
} kt_ignored;

typedef struct kt_ignored_list {
    kt_ignored *items;                 /* in the order of the query */
    size_t count, cap;                 /* cap: the room in items */
} kt_ignored_list;

/* A short name of the reason for machines (JSON "reason": "phrasing") and a sentence for people
 * (English); static strings, "" for a value out of range. */
const char *kt_ignored_reason_name(kt_ignored_reason r);
const char *kt_ignored_reason_text(kt_ignored_reason r);

typedef struct kt_result {
    uint32_t total;                    /* exact number of matching agreements */
    bool partial;                      /* no agreement matched every word: these match some of them */
    kt_ignored_list ignored;           /* the parts of the query that were not searched, and why */
    char *suggestion;                  /* when nothing or only part matched: the query with its unknown
                                          words spelt as the index does (青小年 → 青少年), or NULL */
    bool suggestion_used;              /* the query as typed matched nothing, or only part, and the
                                          suggestion matched in full: these are its results */
    uint32_t offset, limit;
    kt_hit *hits;
    size_t n_hits;
    kt_facet countries;
    kt_facet fields;
    char **shards_missing;             /* the shards left out because they did not answer (only when the
                                          searcher allows partial results): the results, totals and facets
                                          are those of the other shards */
    size_t n_shards_missing;
} kt_result;

typedef struct kt_searcher_options {
    unsigned connect_timeout_ms;       /* remote shards: how long connecting may take (0: no limit) */
    unsigned timeout_ms;               /* remote shards: how long any one exchange may take (0: no limit) */
    bool allow_partial;                /* leave out shards that cannot be opened or do not answer, and say
                                          so in each result, instead of failing; a shard of another schema
                                          still fails, and so does losing every shard */
} kt_searcher_options;

#define KT_CONNECT_TIMEOUT_MS 3000u
#define KT_REMOTE_TIMEOUT_MS 10000u

/* connect_timeout_ms KT_CONNECT_TIMEOUT_MS, timeout_ms KT_REMOTE_TIMEOUT_MS, no partial results. */
void kt_searcher_options_init(kt_searcher_options *o);

/* Opens the shards the db specs name (docs/scaling.md: directories, shard lists, tcp://HOST:PORT)
 * as one index, and the lexicon in data_dir. opts NULL: kt_searcher_options_init's. */
kt_status kt_searcher_open_with(const char *const *db_specs, size_t n_specs, const char *data_dir,
                                const kt_searcher_options *opts, kt_searcher **out, kt_error *err);

/* kt_searcher_open_with the default options. */
kt_status kt_searcher_open(const char *const *db_paths, size_t n_paths, const char *data_dir, kt_searcher **out,
                           kt_error *err);

/* Brings the searcher to the newest version of its index, for a program that keeps one open while
 * the index changes under it (a FastCGI worker, kyotei-search --batch, an embedding program);
 * cheap enough to call before every request: a few stat(2) calls and one Xapian reopen.
 *   - An update (kyotei-index --update, --delete) is a new revision of the same database: moved to
 *     it as Xapian's Database::reopen() does.
 *   - A rebuild swaps the index directory's XAPIANDB stub for one naming a new generation, and an
 *     operator may replace the directory itself (build in idx.new, rename it to idx): neither is a
 *     new revision of what is open, so the searcher watches the identity (inode, size, times) of
 *     the index folders, their stubs and the shard lists its db specs name, and when one differs it
 *     reads the specs again and opens every shard anew, as a new process would. A shard list inside
 *     a shard list is not watched.
 * *changed (changed may be NULL) tells whether the searcher moved to another version or index; the
 * facet values it keeps in memory are then read again by the next search. Remote shards are asked
 * by their server (a round trip); one whose server went away is connected to again. Shards left
 * out (allow_partial) are not tried again unless the index changed.
 * Errors: KT_ERR_INDEX (the index gone, damaged, not kyotei's; a shard down), KT_ERR_IO,
 * KT_ERR_INPUT and KT_ERR_LIMIT (a shard list, as when opening), KT_ERR_NOMEM. On failure the
 * searcher keeps the version it had and may still be used; a front that must not answer from an
 * index that is gone closes it and opens the index again (which then says why it cannot). */
kt_status kt_searcher_refresh(kt_searcher *s, bool *changed, kt_error *err);

/* The canonical name of a country (country true) or field that value names in the searcher's
 * vocabularies — an alias, an English name, other widths or case — or NULL when it names none:
 * the name a filter on value is applied and counted under, which a page shows as selected.
 * Points at the searcher's own string, valid while s is open; NULL also when out of memory. */
const char *kt_searcher_canonical(const kt_searcher *s, bool country, const char *value);

/* The shards the searcher has left out (see allow_partial) since it last opened them: *names (names
 * may be NULL) points at the searcher's own strings, valid until the next call on it. */
size_t kt_searcher_missing(const kt_searcher *s, const char *const **names);

/* How many shards the searcher's db specs name (lists read), and where the shard called `name`
 * (a kt_result.shards_missing entry) stands among them, from 1, or 0 when none is called so.
 * For a public page, which says "shard 2 of 3" where a person's terminal names the server. */
size_t kt_searcher_shard_count(const kt_searcher *s);
size_t kt_searcher_shard_number(const kt_searcher *s, const char *name);
kt_status kt_search(kt_searcher *s, const kt_search_request *req, kt_result **out, kt_error *err);
void kt_result_free(kt_result *r);      /* NULL allowed */

/* Calls fn with every agreement the request matches (every word must match; no partial form, no
 * snippets), in rank order, one at a time: for exports of any size. The hit is valid during the
 * call only. The page, `all` and the facets of the request play no part. Stops at, and returns,
 * the first status other than KT_OK that fn returns. */
typedef kt_status (*kt_hit_fn)(const kt_hit *hit, void *ctx, kt_error *err);
kt_status kt_search_each(kt_searcher *s, const kt_search_request *req, kt_hit_fn fn, void *ctx, kt_error *err);
void kt_searcher_close(kt_searcher *s); /* NULL allowed */

/* A completion for a search box (kt_complete). */
typedef struct kt_completion {
    char *text;                        /* what to search for: a word, a field or country, a place */
    const char *kind;                  /* "word", "field", "country" or "place" (static) */
    uint32_t count;                    /* agreements that have it */
} kt_completion;

typedef struct kt_completions {
    kt_completion *items;              /* most agreements first, then by text */
    size_t count, cap;                 /* cap: the room in items */
} kt_completions;

/* Up to limit (0: 10) completions of prefix, which may be kanji, kana or romaji (kan → 観光), from
 * the index's words and the searcher's vocabularies. *out is filled; kt_completions_free empties it.
 * An empty prefix gives none. */
kt_status kt_complete(kt_searcher *s, const char *prefix, size_t limit, kt_completions *out, kt_error *err);
void kt_completions_free(kt_completions *c);

/* For a program that only reads indexes and ends soon after an error (kyotei-search, its CGI):
 * from now on a fault that a damaged index table causes inside the search library is reported as
 * KT_ERR_INDEX by the search that met it, and by every later call, instead of ending the process.
 * What the library held then is leaked, so the program should end. A fault anywhere else goes to
 * the handler that was there before. Not for programs that write indexes, nor for threads other
 * than the caller. KT_ERR_INTERNAL when the handlers could not be installed. */
kt_status kt_search_trap_faults(kt_error *err);

/* Whether the trap has caught a fault since: every search now fails with KT_ERR_INDEX, and a
 * program that serves many requests in one process should end and let a fresh one take over. */
bool kt_search_faulted(void);

#ifdef __cplusplus
}
#endif

#endif
