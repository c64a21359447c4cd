#include "suggest.h"

#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "dict/normalize.h"
#include "dict/script.h"

/* Words longer than this are not corrected (a pasted sentence is no typo). */
#define SUGGEST_MAX_CHARS 24

typedef struct word {
    uint32_t cp[SUGGEST_MAX_CHARS];
    size_t n;
} word;

static bool decode(const char *s, size_t len, word *w)
{
    w->n = 0;
    for (size_t i = 0; i < len;) {
        if (w->n == SUGGEST_MAX_CHARS)
            return false;
        i += kt_utf8_next(s + i, len - i, &w->cp[w->n++]);
    }
    return w->n > 0;
}

/* Optimal string alignment distance (Levenshtein with adjacent transpositions), or limit + 1 as
 * soon as it must exceed limit. */
static size_t distance(const word *a, const word *b, size_t limit)
{
    size_t diff = a->n > b->n ? a->n - b->n : b->n - a->n;
    if (diff > limit)
        return limit + 1;
    size_t d[SUGGEST_MAX_CHARS + 1][SUGGEST_MAX_CHARS + 1];
    for (size_t i = 0; i <= a->n; i++)
        d[i][0] = i;
    for (size_t j = 0; j <= b->n; j++)
        d[0][j] = j;
    for (size_t i = 1; i <= a->n; i++) {
        size_t row_min = limit + 1;
        for (size_t j = 1; j <= b->n; j++) {
            size_t cost = a->cp[i - 1] != b->cp[j - 1];
            size_t v = d[i - 1][j - 1] + cost;
            if (d[i - 1][j] + 1 < v)
                v = d[i - 1][j] + 1;
            if (d[i][j - 1] + 1 < v)
                v = d[i][j - 1] + 1;
            if (i > 1 && j > 1 && a->cp[i - 1] == b->cp[j - 2] && a->cp[i - 2] == b->cp[j - 1] &&
                d[i - 2][j - 2] + 1 < v)
                v = d[i - 2][j - 2] + 1;
            d[i][j] = v;
            if (v < row_min)
                row_min = v;
        }
        if (row_min > limit)
            return limit + 1;
    }
    return d[a->n][b->n];
}

/* The best candidate so far for one typed word. */
typedef struct search {
    word typed;
    size_t limit;
    size_t best_distance;
    uint32_t best_freq;
    kt_buf best;
} search;

static void consider(search *s, const char *text, size_t len, uint32_t freq)
{
    word w;
    if (!decode(text, len, &w) || w.cp[0] != s->typed.cp[0])
        return;
    size_t d = distance(&s->typed, &w, s->limit);
    if (d == 0 || d > s->limit || d > s->best_distance || (d == s->best_distance && freq <= s->best_freq))
        return;
    s->best_distance = d;
    s->best_freq = freq;
    kt_buf_clear(&s->best);
    kt_buf_append(&s->best, text, len);
}

static bool index_word(const char *term, size_t len, uint32_t freq, void *ctx)
{
    consider(ctx, term, len, freq);
    return true;
}

static kt_status vocab_key(const char *key, size_t len, size_t entry, void *ctx, kt_error *err)
{
    (void)entry;
    (void)err;
    consider(ctx, key, len, 1); /* a name of the vocabularies counts as a word in one agreement */
    return KT_OK;
}

/* Whether norm is something the index or the vocabularies know as it is. */
static bool known(kt_lexicon *lex, xc_db *db, const char *norm, size_t len)
{
    const kt_vocab *vocabs[] = {lex->countries, lex->fields, lex->synonyms};
    for (size_t i = 0; i < sizeof vocabs / sizeof vocabs[0]; i++)
        if (kt_vocab_lookup(vocabs[i], norm, len))
            return true;
    char term[256];
    if (len >= sizeof term)
        return true;
    memcpy(term, norm, len);
    term[len] = '\0';
    uint32_t freq = 0;
    xc_error xe;
    return xc_db_term_freq(db, term, &freq, &xe) != XC_OK || freq > 0;
}

/* The nearest known word to the typed one (normalised), appended to out; false when none. */
static kt_status nearest(kt_lexicon *lex, xc_db *db, const char *norm, size_t len, kt_buf *out, bool *found,
                         kt_error *err)
{
    *found = false;
    search s = {.limit = 1, .best_distance = (size_t)-1, .best = KT_BUF_INIT};
    if (!decode(norm, len, &s.typed) || s.typed.n < 2)
        return KT_OK;
    bool ascii = true;
    for (size_t i = 0; i < s.typed.n; i++)
        ascii &= s.typed.cp[i] < 0x80;
    s.limit = ascii && s.typed.n >= 6 ? 2 : 1;
    /* the index's words that begin with the same character (prefixed terms begin with A–Z) */
    char first[5] = {0};
    size_t first_len = (size_t)kt_utf8_next(norm, len, &(uint32_t){0});
    memcpy(first, norm, first_len);
    xc_error xe;
    if (xc_db_each_term(db, first, index_word, &s, &xe) != XC_OK) {
        kt_buf_free(&s.best);
        return kt_error_set(err, KT_ERR_INDEX, "suggestions: %s", xe.message);
    }
    const kt_vocab *vocabs[] = {lex->countries, lex->fields, lex->synonyms};
    kt_status st = KT_OK;
    for (size_t v = 0; v < sizeof vocabs / sizeof vocabs[0] && st == KT_OK; v++)
        st = kt_vocab_each_key(vocabs[v], vocab_key, &s, err); /* one pass over each table */
    if (st == KT_OK && s.best.len) {
        *found = true;
        st = kt_buf_append(out, s.best.data, s.best.len) == KT_OK ? KT_OK : kt_error_nomem(err);
    }
    kt_buf_free(&s.best);
    return st;
}

/* A typed token that is a bare word: no quote, no prefix, no operator, not excluded. */
static bool bare_word(const char *t, size_t len)
{
    if (len == 0 || t[0] == '-' || memchr(t, '"', len) || memchr(t, ':', len))
        return false;
    static const char *const operators[] = {"OR", "AND", "NOT", "または", "かつ", "以外"};
    for (size_t i = 0; i < sizeof operators / sizeof operators[0]; i++)
        if (strlen(operators[i]) == len && memcmp(operators[i], t, len) == 0)
            return false;
    return true;
}

kt_status kt_suggest(kt_lexicon *lex, xc_db *db, const char *query, char **out, kt_error *err)
{
    *out = NULL;
    kt_buf suggestion = KT_BUF_INIT;
    bool changed = false;
    kt_status st = KT_OK;
    const char *p = query ? query : "";
    while (*p && st == KT_OK) {
        size_t gap = strspn(p, " \t"), len;
        kt_buf_append(&suggestion, p, gap);
        p += gap;
        len = strcspn(p, " \t");
        if (len == 0)
            break;
        char *norm = NULL;
        size_t norm_len = 0;
        bool replaced = false;
        if (bare_word(p, len) && (st = kt_normalize(p, len, &norm, &norm_len, NULL, err)) == KT_OK && norm_len &&
            !known(lex, db, norm, norm_len))
            st = nearest(lex, db, norm, norm_len, &suggestion, &replaced, err);
        free(norm);
        if (!replaced)
            kt_buf_append(&suggestion, p, len);
        changed |= replaced;
        p += len;
    }
    if (st == KT_OK && kt_buf_status(&suggestion) != KT_OK)
        st = kt_error_nomem(err);
    if (st == KT_OK && changed)
        *out = kt_buf_steal(&suggestion);
    kt_buf_free(&suggestion);
    return st;
}
