/* Fuzz target: what people type into the search box. The query goes through the parser
 * (searcher/parse.h), the query builder with the real lexicon and the bundled index
 * (searcher/query.h), and a whole search over that index with snippets and facets. The first
 * byte picks the sort order and whether the query builder sees the index. Checks: the parser
 * never fails on valid text but for its node limit, the tree describes itself, the plan has a
 * query, the result keeps its promises (fuzz_search_check.h). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "fuzz_search_check.h"
#include "searcher/parse.h"
#include "searcher/query.h"

static xc_db *index_db(void)
{
    static xc_db *db;
    xc_error xe;
    if (!db && xc_db_open(KT_FUZZ_DATA_DIR "/index", &db, &xe) != XC_OK)
        fuzz_fail(__FILE__, __LINE__, "xc_db_open", "%s", xe.message);
    return db;
}

static size_t count_nodes(const kt_qnode *n)
{
    size_t count = 1;
    for (size_t i = 0; i < n->n_kids; i++)
        count += count_nodes(n->kids[i]);
    return count;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    uint8_t flags = data[0];
    char *q = malloc(size);
    memcpy(q, data + 1, size - 1);
    q[size - 1] = '\0';
    size_t len = strlen(q);
    bool valid = fuzz_utf8_valid(q, len);

    kt_error err = {0};
    kt_qnode *tree = NULL;
    kt_status st = kt_parse(q, &tree, NULL, &err);
    if (st == KT_OK) {
        FUZZ_CHECK(tree && tree->kind == KT_Q_AND, "the top is not an AND");
        FUZZ_CHECK(count_nodes(tree) <= 2 * KT_PARSE_MAX_NODES + 1, "%zu nodes", count_nodes(tree));
        char *described = kt_qnode_describe(tree);
        FUZZ_CHECK(described != NULL, "no description");
        free(described);
    } else {
        FUZZ_CHECK(st == KT_ERR_LIMIT, "the parser failed on what was typed: %s", err.message);
        FUZZ_CHECK(tree == NULL, "a tree on error");
    }
    kt_qnode_free(tree);

    kt_search_request req = {.query = q, .sort = (kt_sort)(flags % 3), .limit = 10, .offset = (flags >> 2) & 3};
    kt_query_plan plan = {0};
    kt_error_clear(&err);
    st = kt_query_build(fuzz_lexicon(), flags & 0x10 ? index_db() : NULL, &req, &plan, &err);
    if (st == KT_OK) {
        FUZZ_CHECK(plan.strict != NULL, "a plan without a query");
        char *described = xc_query_describe(plan.strict);
        FUZZ_CHECK(described != NULL, "no description");
        free(described);
    } else {
        FUZZ_CHECK(st == KT_ERR_LIMIT || (st == KT_ERR_ENCODING && !valid), "query refused: %s", err.message);
    }
    kt_query_plan_free(&plan);

    if (flags & 0x20) {
        kt_result *r = NULL;
        kt_error_clear(&err);
        st = kt_search(fuzz_searcher(), &req, &r, &err);
        if (st == KT_OK)
            fuzz_check_result(&req, r);
        else
            FUZZ_CHECK(st == KT_ERR_LIMIT || st == KT_ERR_INPUT || (st == KT_ERR_ENCODING && !valid),
                       "search failed: %s", err.message);
        kt_result_free(r);
    }
    free(q);
    return 0;
}
