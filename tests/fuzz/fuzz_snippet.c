/* Fuzz target: the passage shown under a hit (searcher/snippet.h). The input is
 * `LIMIT QUERY \0 TEXT`: the first byte gives the passage length in characters, the query's
 * highlights come from the real query builder (as in a search), and TEXT is the description.
 * Checks: the snippet is valid UTF-8 and no longer than the window plus two ellipses; marks are
 * in order, inside the snippet, not overlapping, and on character boundaries. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "searcher/query.h"
#include "searcher/snippet.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    size_t max_chars = data[0];
    const uint8_t *rest = data + 1;
    size_t rest_len = size - 1;
    const uint8_t *nul = memchr(rest, '\0', rest_len);
    size_t q_len = nul ? (size_t)(nul - rest) : 0;
    char *query = malloc(q_len + 1);
    memcpy(query, rest, q_len);
    query[q_len] = '\0';
    size_t t_len = nul ? rest_len - q_len - 1 : rest_len;
    char *text = malloc(t_len + 1);
    memcpy(text, nul ? nul + 1 : rest, t_len);
    text[t_len] = '\0';
    t_len = strlen(text);

    kt_lexicon *lex = fuzz_lexicon();
    kt_search_request req = {.query = query, .limit = 10};
    kt_query_plan plan = {0};
    kt_error err = {0};
    if (kt_query_build(lex, NULL, &req, &plan, &err) == KT_OK) {
        char *snippet = NULL;
        kt_mark *marks = NULL;
        size_t n_marks = 0;
        kt_status st = kt_snippet_build(lex, text, &plan.highlights, max_chars, &snippet, &marks, &n_marks, &err);
        bool valid = fuzz_utf8_valid(text, t_len);
        if (st == KT_OK) {
            FUZZ_CHECK(valid, "invalid text accepted");
            size_t len = strlen(snippet);
            FUZZ_CHECK(fuzz_utf8_valid(snippet, len), "snippet not UTF-8");
            /* each character is at most 4 bytes, each ellipsis 3 */
            FUZZ_CHECK(len <= 4 * max_chars + 6, "snippet of %zu bytes for %zu characters", len, max_chars);
            for (size_t i = 0; i < n_marks; i++) {
                FUZZ_CHECK(marks[i].start < marks[i].end && marks[i].end <= len, "mark %zu outside", i);
                FUZZ_CHECK(i == 0 || marks[i - 1].end <= marks[i].start, "marks %zu and %zu overlap", i - 1, i);
                FUZZ_CHECK((snippet[marks[i].start] & 0xC0) != 0x80, "mark %zu starts inside a character", i);
                FUZZ_CHECK(marks[i].end == len || (snippet[marks[i].end] & 0xC0) != 0x80,
                           "mark %zu ends inside a character", i);
            }
        } else {
            FUZZ_CHECK(st == KT_ERR_ENCODING && !valid, "snippet failed: %s", err.message);
            FUZZ_CHECK(snippet == NULL && marks == NULL && n_marks == 0, "output left on error");
        }
        free(snippet);
        free(marks);
    }
    kt_query_plan_free(&plan);
    free(query);
    free(text);
    return 0;
}
