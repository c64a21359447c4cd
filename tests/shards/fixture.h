/* The shard tests' indexes and checks: the bundled corpus indexed whole, and the same corpus
 * dealt into shards by a hash of the id (through kyotei's own reader, written as JSON Lines),
 * each shard a kyotei index of its own; searches over the shards must give exactly what the
 * whole index gives. Failures fail the running cmocka test. */
#ifndef KT_TESTS_SHARDS_FIXTURE_H
#define KT_TESTS_SHARDS_FIXTURE_H

#include "tests/support/kit.h"

#include "kyotei/search.h"

#define FX_MAX_SHARDS 4

typedef struct fx_indexes {
    char *tmp;                      /* the scratch directory holding everything */
    char *whole;                    /* the whole corpus */
    char *shard[FX_MAX_SHARDS];     /* shard k: the agreements whose id hashes to k */
    size_t n_shards;
    size_t rows;                    /* agreements in the corpus */
} fx_indexes;

/* What the tests of one program share: the indexes, and a searcher over the whole one. */
typedef struct fx_group {
    fx_indexes ix;
    kt_searcher *whole;
} fx_group;

extern fx_group fx_shared;

/* For cmocka: a group setup that builds fx_shared with n shards (call it from a setup of one's
 * own, which chooses n), the matching group teardown, and a test teardown that stops every server
 * the test started (tests/shards/servers.h). */
int fx_group_setup(size_t n);
int fx_group_teardown(void **state);
int fx_stop_servers(void **state);

/* Builds the whole index and n shards in a fresh scratch directory. */
void fx_build(fx_indexes *fx, size_t n);

/* Removes the scratch directory and frees the paths. */
void fx_free(fx_indexes *fx);

/* Opens a searcher over the specs; fails the test on error. opts NULL: the defaults. */
kt_searcher *fx_open(const char *const *specs, size_t n, const kt_searcher_options *opts);

/* kt_search, failing the test on error. */
kt_result *fx_search(kt_searcher *s, const kt_search_request *req);

/* Fails unless `got` is what `want` is: total, the partial flag, the page (ids, ranks, scores to
 * 1e-9, snippets and their marks) and both facets, value by value. `what` names the case. */
void fx_assert_same(const kt_result *want, const kt_result *got, const char *what);

/* Runs the battery of requests below on both searchers and checks each with fx_assert_same:
 * words, OR, NOT, phrases, kana, aliases, filters in the query and in the request, years,
 * date sorts, a query that only matches partially, an empty query, and pages. */
void fx_assert_same_searches(kt_searcher *want, kt_searcher *got);

#endif
