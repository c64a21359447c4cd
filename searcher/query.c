#include "query.h"

#include <stdlib.h>
#include <string.h>

#include "corpus/schema.h"
#include "dict/normalize.h"

void kt_term_list_free(kt_term_list *t)
{
    for (size_t i = 0; i < t->count; i++)
        free(t->items[i]);
    free(t->items);
    t->items = NULL;
    t->count = 0;
}

static bool term_list_has(const kt_term_list *t, const char *term, size_t len)
{
    for (size_t i = 0; i < t->count; i++)
        if (strlen(t->items[i]) == len && memcmp(t->items[i], term, len) == 0)
            return true;
    return false;
}

static kt_status term_list_add(kt_term_list *t, const char *term, size_t len, kt_error *err)
{
    char **grown = realloc(t->items, (t->count + 1) * sizeof *grown);
    char *copy = malloc(len + 1);
    if (!grown || !copy) {
        if (grown)
            t->items = grown;
        free(copy);
        return kt_error_set(err, KT_ERR_NOMEM, "out of memory");
    }
    memcpy(copy, term, len);
    copy[len] = '\0';
    t->items = grown;
    t->items[t->count++] = copy;
    return KT_OK;
}

/* A growing list of subqueries, freed together. */
typedef struct query_list {
    xc_query **items;
    size_t count;
} query_list;

static kt_status query_list_push(query_list *l, xc_query *q, kt_error *err)
{
    xc_query **grown = realloc(l->items, (l->count + 1) * sizeof *grown);
    if (!grown) {
        xc_query_free(q);
        return kt_error_set(err, KT_ERR_NOMEM, "out of memory");
    }
    l->items = grown;
    l->items[l->count++] = q;
    return KT_OK;
}

static void query_list_free(query_list *l)
{
    for (size_t i = 0; i < l->count; i++)
        xc_query_free(l->items[i]);
    free(l->items);
    l->items = NULL;
    l->count = 0;
}

static kt_status binding_failed(const xc_error *xe, kt_error *err)
{
    return kt_error_set(err, xe->status == XC_ERR_NOMEM ? KT_ERR_NOMEM : KT_ERR_INTERNAL, "query: %s", xe->message);
}

/* Combines l into one query with op and empties l; an empty list gives `empty_default`. */
static kt_status combine(query_list *l, xc_query_op op, xc_query **out, kt_error *err)
{
    xc_error xe;
    xc_status xs = xc_query_combine(op, l->items, l->count, 0, out, &xe);
    query_list_free(l);
    return xs == XC_OK ? KT_OK : binding_failed(&xe, err);
}

/* Adds a term query for every content word of `text` to `words`, and the term to `terms`. */
static kt_status add_words(kt_lexicon *lex, const char *text, size_t len, query_list *words, kt_term_list *terms,
                           kt_error *err)
{
    kt_tokens toks = {0};
    kt_status st = kt_tokenize(lex->tokenizer, text, len, &toks, err);
    for (size_t i = 0; i < toks.count && st == KT_OK; i++) {
        size_t tlen;
        const char *term = kt_token_term(&toks.items[i], &tlen);
        if (!term || term_list_has(terms, term, tlen))
            continue;
        st = term_list_add(terms, term, tlen, err);
        xc_query *q;
        xc_error xe;
        if (st == KT_OK && xc_query_term(terms->items[terms->count - 1], 1, 0, &q, &xe) != XC_OK)
            st = binding_failed(&xe, err);
        if (st == KT_OK)
            st = query_list_push(words, q, err);
    }
    kt_tokens_free(&toks);
    return st;
}

/* OR of boolean terms prefix+canonical(value) for one facet. */
static kt_status facet_filter(const char *prefix, const kt_vocab *vocab, const char *const *values, size_t n,
                              xc_query **out, kt_error *err)
{
    query_list alts = {0};
    kt_status st = KT_OK;
    for (size_t i = 0; i < n && st == KT_OK; i++) {
        const char *canonical = kt_vocab_lookup(vocab, values[i], strlen(values[i]));
        const char *value = canonical ? canonical : values[i];
        size_t plen = strlen(prefix), vlen = strlen(value);
        char term[KT_TERM_MAX + 8];
        if (plen + vlen >= sizeof term)
            continue; /* longer than any stored value: cannot match */
        memcpy(term, prefix, plen);
        memcpy(term + plen, value, vlen + 1);
        xc_query *q;
        xc_error xe;
        if (xc_query_term(term, 1, 0, &q, &xe) != XC_OK)
            st = binding_failed(&xe, err);
        else
            st = query_list_push(&alts, q, err);
    }
    if (st != KT_OK) {
        query_list_free(&alts);
        return st;
    }
    return combine(&alts, XC_OP_OR, out, err);
}

static bool is_space(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

kt_status kt_query_build(kt_lexicon *lex, const kt_search_request *req, xc_query **out, kt_term_list *terms,
                         kt_error *err)
{
    *out = NULL;
    const char *text = req->query ? req->query : "";
    /* Normalise first so that an ideographic space (U+3000) separates words like a space does. */
    char *norm;
    size_t norm_len;
    kt_status st = kt_normalize(text, strlen(text), &norm, &norm_len, NULL, err);
    if (st != KT_OK)
        return st;
    query_list words = {0};
    bool typed_something = false;
    for (size_t i = 0; i < norm_len && st == KT_OK;) {
        while (i < norm_len && is_space((unsigned char)norm[i]))
            i++;
        size_t start = i;
        while (i < norm_len && !is_space((unsigned char)norm[i]))
            i++;
        if (i > start) {
            typed_something = true;
            st = add_words(lex, norm + start, i - start, &words, terms, err);
        }
    }
    free(norm);

    xc_query *match = NULL;
    xc_error xe;
    if (st == KT_OK) {
        if (words.count > 0)
            st = combine(&words, XC_OP_AND, &match, err);
        else if (typed_something) /* only particles or symbols: nothing can match them */
            st = xc_query_match_nothing(&match, &xe) == XC_OK ? KT_OK : binding_failed(&xe, err);
        else
            st = xc_query_match_all(&match, &xe) == XC_OK ? KT_OK : binding_failed(&xe, err);
    }
    query_list_free(&words);

    query_list parts = {0};
    if (st == KT_OK) {
        st = query_list_push(&parts, match, err);
        match = NULL;
    }
    struct {
        const char *prefix;
        const kt_vocab *vocab;
        const char *const *values;
        size_t n;
    } filters[] = {
        {KT_PREFIX_COUNTRY, lex->countries, req->countries, req->n_countries},
        {KT_PREFIX_FIELD, lex->fields, req->fields, req->n_fields},
    };
    for (size_t f = 0; f < sizeof filters / sizeof filters[0] && st == KT_OK; f++) {
        if (filters[f].n == 0)
            continue;
        xc_query *filter;
        st = facet_filter(filters[f].prefix, filters[f].vocab, filters[f].values, filters[f].n, &filter, err);
        if (st == KT_OK)
            st = query_list_push(&parts, filter, err);
    }
    if (st == KT_OK)
        st = combine(&parts, XC_OP_FILTER, out, err);
    query_list_free(&parts);
    xc_query_free(match);
    return st;
}
