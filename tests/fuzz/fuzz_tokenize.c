/* Fuzz target: arbitrary bytes through the normaliser and the tokenizer (dict/normalize.h,
 * dict/tokenizer.h), then into index terms (dict/terms.h) and the vocabularies, as a description
 * or a query would go. Checks: invalid UTF-8 and NUL are refused and nothing else is; the
 * normalised text is valid UTF-8 and its offset map is complete and ordered; tokens lie inside
 * the input and the normalised text, in order; terms are non-empty, no longer than KT_TERM_MAX
 * for words, valid UTF-8. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dict/fields.h"
#include "dict/normalize.h"
#include "dict/terms.h"
#include "fuzz_common.h"

static void check_normalized(const char *in, size_t len)
{
    char *out = NULL;
    size_t out_len = 0, *map = NULL;
    kt_error err = {0};
    kt_status st = kt_normalize(in, len, &out, &out_len, &map, &err);
    bool valid = fuzz_utf8_valid(in, len) && memchr(in, '\0', len) == NULL;
    if (st != KT_OK) {
        FUZZ_CHECK(st == KT_ERR_ENCODING && !valid, "refused: %s", err.message);
        FUZZ_CHECK(out == NULL && map == NULL && out_len == 0, "output left on error");
        return;
    }
    FUZZ_CHECK(valid, "invalid input accepted");
    FUZZ_CHECK(out[out_len] == '\0' && strlen(out) == out_len, "not NUL-terminated at its length");
    FUZZ_CHECK(fuzz_utf8_valid(out, out_len), "normalised text not UTF-8");
    FUZZ_CHECK(map[out_len] == len, "map end %zu, input %zu", map[out_len], len);
    for (size_t i = 0; i < out_len; i++)
        FUZZ_CHECK(map[i] <= map[i + 1] && map[i] < len, "map[%zu] = %zu", i, map[i]);
    free(out);
    free(map);
}

static kt_status check_term(const kt_term *t, void *ctx, kt_error *err)
{
    (void)err;
    size_t *count = ctx;
    (*count)++;
    FUZZ_CHECK(t->len > 0 && fuzz_utf8_valid(t->text, t->len), "bad term");
    FUZZ_CHECK(t->layer != KT_LAYER_WORD || t->len <= KT_TERM_MAX, "word term of %zu bytes", t->len);
    return KT_OK;
}

static void check_tokens(kt_lexicon *lex, const char *in, size_t len)
{
    kt_tokens toks = {0};
    kt_error err = {0};
    kt_status st = kt_tokenize(lex->tokenizer, in, len, &toks, &err);
    if (st != KT_OK) {
        FUZZ_CHECK(st == KT_ERR_ENCODING, "tokenizer failed: %s", err.message);
        kt_tokens_free(&toks);
        return;
    }
    size_t prev_start = 0;
    for (size_t i = 0; i < toks.count; i++) {
        const kt_token *t = &toks.items[i];
        FUZZ_CHECK(t->start <= t->end && t->end <= len, "token %zu spans [%zu,%zu) of %zu", i, t->start, t->end, len);
        FUZZ_CHECK(t->start >= prev_start, "token %zu out of order", i);
        prev_start = t->start;
        FUZZ_CHECK(t->surface >= toks.text && t->surface + t->surface_len <= toks.text + toks.text_len,
                   "surface of token %zu outside the text", i);
        FUZZ_CHECK(t->surface_len > 0, "empty token %zu", i);
        FUZZ_CHECK(t->base && t->reading, "token %zu without base or reading", i);
        FUZZ_CHECK(fuzz_utf8_valid(t->base, t->base_len) && fuzz_utf8_valid(t->reading, t->reading_len),
                   "token %zu not UTF-8", i);
        size_t tlen;
        const char *term = kt_token_term(t, &tlen);
        FUZZ_CHECK(!term || (tlen > 0 && tlen <= KT_TERM_MAX), "term of %zu bytes", tlen);
    }
    size_t terms = 0;
    st = kt_terms_of_tokens(&toks, KT_LAYERS_ALL, check_term, &terms, &err);
    FUZZ_CHECK(st == KT_OK, "terms failed: %s", err.message);
    kt_tokens_free(&toks);
}

static void check_vocabularies(kt_lexicon *lex, const char *in, size_t len)
{
    char *cell = malloc(len + 1);
    memcpy(cell, in, len);
    cell[len] = '\0';
    (void)kt_lexicon_country(lex, cell, cell);
    const char **fields = NULL;
    size_t n = 0;
    char *unknown = NULL;
    kt_error err = {0};
    kt_status st = kt_fields_parse(lex->fields, cell, strlen(cell), &fields, &n, &unknown, &err);
    if (st == KT_OK)
        for (size_t i = 0; i < n; i++)
            FUZZ_CHECK(fields[i] && *fields[i], "empty field %zu", i);
    else
        FUZZ_CHECK(fields == NULL && n == 0 && unknown == NULL, "output left on error");
    free(fields);
    free(unknown);
    free(cell);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    kt_lexicon *lex = fuzz_lexicon();
    /* an exact-size copy, so that a read past the end is caught */
    char *in = malloc(size ? size : 1);
    memcpy(in, data, size);
    check_normalized(in, size);
    check_tokens(lex, in, size);
    check_vocabularies(lex, in, size);
    free(in);
    return 0;
}
