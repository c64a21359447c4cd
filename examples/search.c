/* examples/search.c — searching kyotei's index from a program of one's own, through libkyotei.
 *
 * It does what `kyotei-search WORDS...` does, in a few calls of the public API: open a searcher
 * over an index, run one request, read the hits, free what it was given. Build and run it against
 * an installed kyotei (examples/README.md):
 *
 *     cc search.c $(pkg-config --cflags --libs kyotei) -o search
 *     ./search 青少年 交流
 *
 * prints the best five agreements, one a line: rank, id, title.
 *
 * Exit status as kyotei-search's: 0 something found, 1 nothing found, 2 an error.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <kyotei/kyotei.h>

/* The data directory holds what kyotei reads words with (the MeCab user dictionary, the
 * vocabularies of countries and fields, the synonyms) and the index of the bundled corpus in
 * index/. The Debian package installs it here; another installation says where with
 * `pkg-config --variable=datadir kyotei`, which this program takes from $KYOTEI_DATA_DIR, the
 * variable kyotei's own programs read. */
#define DEFAULT_DATA_DIR "/usr/share/kyotei"
#define TOP_HITS 5

/* The words of argv as one query in kyotei's query language, where a space means "and". The
 * engine refuses a query longer than KT_SEARCH_MAX_QUERY_BYTES; this copy stops there too, so an
 * overlong query is still refused by the engine, with its own message. */
static void join_words(char *query, size_t size, int argc, char **argv)
{
    size_t len = 0;
    query[0] = '\0';
    for (int i = 1; i < argc && len + 1 < size; i++) {
        int n = snprintf(query + len, size - len, "%s%s", i > 1 ? " " : "", argv[i]);
        if (n < 0)
            break;
        len += (size_t)n < size - len ? (size_t)n : size - len - 1;
    }
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: %s WORDS...\n", argv[0]);
        return 2;
    }
    const char *data_dir = getenv("KYOTEI_DATA_DIR");
    if (!data_dir || !*data_dir)
        data_dir = DEFAULT_DATA_DIR;

    /* Which index to search: the bundled one. A program with an index of its own (built with
     * kyotei-index) names that folder instead; several names are searched as one index. */
    char db[4096];
    if (snprintf(db, sizeof db, "%s/index", data_dir) >= (int)sizeof db) {
        fprintf(stderr, "search: the data directory's name is too long\n");
        return 2;
    }
    const char *dbs[] = {db};

    /* Every call that can fail returns a kt_status and fills a kt_error the caller owns (here on
     * the stack) with a message a person can read. */
    kt_error err;
    kt_searcher *searcher;
    if (kt_searcher_open(dbs, 1, data_dir, &searcher, &err) != KT_OK) {
        fprintf(stderr, "search: %s\n", err.message);
        return 2;
    }

    /* One request: the words, no filters (the arrays stay NULL), ranked by relevance, the first
     * page of TOP_HITS. A searcher serves any number of requests, one at a time. */
    char query[KT_SEARCH_MAX_QUERY_BYTES + 2];
    join_words(query, sizeof query, argc, argv);
    kt_search_request request = {.query = query, .sort = KT_SORT_RELEVANCE, .limit = TOP_HITS};
    kt_result *result;
    if (kt_search(searcher, &request, &result, &err) != KT_OK) {
        fprintf(stderr, "search: %s\n", err.message);
        kt_searcher_close(searcher);
        return 2;
    }

    /* The hits of the page, best first. Each carries the agreement's columns as stored; the
     * result also has the total over the whole match set and the counts by country and field
     * (kyotei/output.h's writers print all of it the way kyotei-search does). */
    for (size_t i = 0; i < result->n_hits; i++) {
        const kt_hit *hit = &result->hits[i];
        printf("%u. %s %s\n", (unsigned)hit->rank, hit->col[KT_COL_ID], hit->col[KT_COL_TITLE]);
    }
    if (result->partial)
        printf("No agreement has every word; these have some of them.\n");
    printf("%u agreements match.\n", (unsigned)result->total);

    /* Everything reachable from a result belongs to it; the searcher is closed last. */
    int status = result->n_hits > 0 ? 0 : 1;
    kt_result_free(result);
    kt_searcher_close(searcher);
    return status;
}
