#include "dict/fields.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "dict/normalize.h"

typedef struct span {
    const char *s;
    size_t n;
} span;

/* Separators between fields, after normalisation (，／､･ have become , / 、 ・). */
static const char *const separators[] = {"、", "・", ",", "/", "及び", "および"};
static const char *const noise_suffixes[] = {"等", "など", "分野"};
static const char *const activity_suffixes[] = {"交流", "協力", "振興", "促進", "連携"};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))
#define TO "と"
#define NO "の"

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

static span trimmed(span p)
{
    while (p.n > 0 && is_space(p.s[0])) {
        p.s++;
        p.n--;
    }
    while (p.n > 0 && is_space(p.s[p.n - 1]))
        p.n--;
    return p;
}

static bool starts_with(const char *s, size_t n, const char *prefix)
{
    size_t k = strlen(prefix);
    return n >= k && memcmp(s, prefix, k) == 0;
}

static bool ends_with(span p, const char *suffix)
{
    size_t k = strlen(suffix);
    return p.n >= k && memcmp(p.s + p.n - k, suffix, k) == 0;
}

static bool is_hiragana_at(const char *s, size_t n, size_t i)
{
    /* U+3041..U+309F is E3 81 81 .. E3 82 9F in UTF-8. */
    if (i + 3 > n || (unsigned char)s[i] != 0xE3)
        return false;
    unsigned char b1 = (unsigned char)s[i + 1], b2 = (unsigned char)s[i + 2];
    return (b1 == 0x81 && b2 >= 0x81) || (b1 == 0x82 && b2 <= 0x9F);
}

static bool is_hiragana_before(const char *s, size_t i)
{
    return i >= 3 && is_hiragana_at(s, i, i - 3);
}

/* Length of the separator starting at s[i], or 0. */
static size_t separator_at(const char *s, size_t n, size_t i)
{
    for (size_t k = 0; k < COUNT(separators); k++)
        if (starts_with(s + i, n - i, separators[k]))
            return strlen(separators[k]);
    size_t to = strlen(TO);
    if (i > 0 && i + to < n && starts_with(s + i, n - i, TO) && !is_hiragana_before(s, i) &&
        !is_hiragana_at(s, n, i + to))
        return to;
    return 0;
}

/* Tries p as is, without trailing noise, then without one trailing activity word. */
static size_t find_stripped(const kt_vocab *v, span p)
{
    p = trimmed(p);
    size_t e = kt_vocab_find(v, p.s, p.n);
    if (e != KT_VOCAB_NONE || p.n == 0)
        return e;
    for (bool stripped = true; stripped;) {
        stripped = false;
        for (size_t k = 0; k < COUNT(noise_suffixes); k++) {
            if (ends_with(p, noise_suffixes[k]) && p.n > strlen(noise_suffixes[k])) {
                p.n -= strlen(noise_suffixes[k]);
                p = trimmed(p);
                stripped = true;
            }
        }
    }
    if ((e = kt_vocab_find(v, p.s, p.n)) != KT_VOCAB_NONE)
        return e;
    for (size_t k = 0; k < COUNT(activity_suffixes); k++) {
        size_t len = strlen(activity_suffixes[k]);
        if (ends_with(p, activity_suffixes[k]) && p.n > len &&
            (e = kt_vocab_find(v, p.s, p.n - len)) != KT_VOCAB_NONE)
            return e;
    }
    return KT_VOCAB_NONE;
}

/* find_stripped, then the same on what follows the last の (住民の友好協力 → 友好協力). */
static size_t resolve(const kt_vocab *v, span p)
{
    size_t e = find_stripped(v, p);
    if (e != KT_VOCAB_NONE)
        return e;
    size_t no = strlen(NO);
    for (size_t i = p.n; i >= no; i--) {
        if (memcmp(p.s + i - no, NO, no) == 0) {
            span tail = {p.s + i, p.n - i};
            return tail.n > 0 ? find_stripped(v, tail) : KT_VOCAB_NONE;
        }
    }
    return KT_VOCAB_NONE;
}

typedef struct parse {
    const kt_vocab *v;
    bool *found;   /* per vocabulary entry */
    size_t nfound;
    kt_buf unknown;
} parse;

static kt_status note_unknown(parse *ps, span p)
{
    if (ps->unknown.len > 0 && kt_buf_append_str(&ps->unknown, "、") != KT_OK)
        return KT_ERR_NOMEM;
    return kt_buf_append(&ps->unknown, p.s, p.n);
}

static void note_found(parse *ps, size_t e)
{
    if (!ps->found[e]) {
        ps->found[e] = true;
        ps->nfound++;
    }
}

/* One part between separators: whole, else word by word. */
static kt_status take_part(parse *ps, span p)
{
    p = trimmed(p);
    if (p.n == 0)
        return KT_OK;
    size_t e = resolve(ps->v, p);
    if (e != KT_VOCAB_NONE) {
        note_found(ps, e);
        return KT_OK;
    }
    bool has_space = false;
    for (size_t i = 0; i < p.n && !has_space; i++)
        has_space = is_space(p.s[i]);
    if (!has_space)
        return note_unknown(ps, p);
    for (size_t i = 0; i < p.n;) {
        while (i < p.n && is_space(p.s[i]))
            i++;
        size_t j = i;
        while (j < p.n && !is_space(p.s[j]))
            j++;
        if (j > i) {
            span word = {p.s + i, j - i};
            if ((e = resolve(ps->v, word)) != KT_VOCAB_NONE)
                note_found(ps, e);
            else if (note_unknown(ps, word) != KT_OK)
                return KT_ERR_NOMEM;
        }
        i = j;
    }
    return KT_OK;
}

kt_status kt_fields_parse(const kt_vocab *fields, const char *cell, size_t len, const char ***out, size_t *n,
                          char **unknown, kt_error *err)
{
    *out = NULL;
    *n = 0;
    if (unknown)
        *unknown = NULL;

    char *norm;
    size_t norm_len;
    kt_status st = kt_normalize(cell, len, &norm, &norm_len, NULL, err);
    if (st != KT_OK)
        return st;

    size_t count = kt_vocab_count(fields);
    parse ps = {fields, calloc(count ? count : 1, sizeof(bool)), 0, KT_BUF_INIT};
    if (!ps.found) {
        free(norm);
        return kt_error_set(err, KT_ERR_NOMEM, "out of memory parsing a 分野 cell");
    }
    size_t part_start = 0;
    for (size_t i = 0; i <= norm_len && st == KT_OK;) {
        size_t sep = i < norm_len ? separator_at(norm, norm_len, i) : 1;
        if (sep == 0) {
            i++;
            continue;
        }
        span part = {norm + part_start, i - part_start};
        st = take_part(&ps, part);
        i += sep;
        part_start = i;
    }
    free(norm);

    if (st == KT_OK && ps.nfound == 0) {
        st = kt_error_set(err, KT_ERR_INPUT, "no known field in 分野 cell \"%.*s\"",
                          len > KT_ERROR_MESSAGE_MAX ? KT_ERROR_MESSAGE_MAX : (int)len, cell ? cell : "");
    } else if (st == KT_OK) {
        *out = malloc(ps.nfound * sizeof **out);
        if (!*out) {
            st = KT_ERR_NOMEM;
        } else {
            for (size_t e = 0; e < count; e++)
                if (ps.found[e])
                    (*out)[(*n)++] = kt_vocab_canonical_at(fields, e);
            if (unknown && ps.unknown.len > 0)
                *unknown = kt_buf_steal(&ps.unknown);
        }
    }
    if (st == KT_ERR_NOMEM)
        kt_error_set(err, st, "out of memory parsing a 分野 cell");
    free(ps.found);
    kt_buf_free(&ps.unknown);
    return st;
}
