#include "dict/vocab.h"

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/grow.h"
#include "dict/normalize.h"

/* One key of the alias table: a normalised alias (or canonical name) and the entry it names. */
typedef struct slot {
    char *key; /* NULL: empty slot */
    size_t key_len;
    size_t entry;
    size_t line; /* where the key was defined, for error messages */
} slot;

struct kt_vocab {
    char **canonical; /* as written in the file, in file order */
    size_t count, cap;
    slot *slots;      /* open addressing, linear probing, at most half full */
    size_t nslots, used;
};

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

static uint64_t hash_bytes(const char *s, size_t n)
{
    uint64_t h = 14695981039346656037u; /* FNV-1a */
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)s[i];
        h *= 1099511628211u;
    }
    return h;
}

/* The lookup key of s[0, n): normalised, trimmed, inner runs of spaces folded to one space.
 * Errors come from kt_normalize (KT_ERR_ENCODING, KT_ERR_NOMEM). */
static kt_status make_key(const char *s, size_t n, char **key, size_t *key_len, kt_error *err)
{
    char *norm;
    size_t len;
    kt_status st = kt_normalize(s, n, &norm, &len, NULL, err);
    if (st != KT_OK)
        return st;
    size_t w = 0;
    bool pending_space = false;
    for (size_t r = 0; r < len; r++) {
        if (is_space(norm[r])) {
            pending_space = w > 0;
            continue;
        }
        if (pending_space)
            norm[w++] = ' ';
        pending_space = false;
        norm[w++] = norm[r];
    }
    norm[w] = '\0';
    *key = norm;
    *key_len = w;
    return KT_OK;
}

static slot *find_slot(const kt_vocab *v, const char *key, size_t len)
{
    if (v->nslots == 0)
        return NULL;
    size_t mask = v->nslots - 1;
    for (size_t i = (size_t)hash_bytes(key, len) & mask;; i = (i + 1) & mask) {
        slot *s = &v->slots[i];
        if (!s->key || (s->key_len == len && memcmp(s->key, key, len) == 0))
            return s;
    }
}

static kt_status grow_slots(kt_vocab *v)
{
    size_t nslots = v->nslots ? v->nslots * 2 : 64;
    slot *old = v->slots;
    size_t old_n = v->nslots;
    v->slots = calloc(nslots, sizeof *v->slots);
    if (!v->slots) {
        v->slots = old;
        return KT_ERR_NOMEM;
    }
    v->nslots = nslots;
    for (size_t i = 0; i < old_n; i++)
        if (old[i].key)
            *find_slot(v, old[i].key, old[i].key_len) = old[i];
    free(old);
    return KT_OK;
}

/* Maps key (taken over by the vocab on success) to entry. */
static kt_status add_key(kt_vocab *v, char *key, size_t key_len, size_t entry, const char *path,
                         size_t line, kt_error *err)
{
    if ((v->used + 1) * 2 > v->nslots && grow_slots(v) != KT_OK) {
        free(key);
        return kt_error_set(err, KT_ERR_NOMEM, "out of memory loading %s", path);
    }
    slot *s = find_slot(v, key, key_len);
    if (s->key) {
        kt_status st = KT_OK;
        if (s->entry != entry)
            st = kt_error_set(err, KT_ERR_DICT, "%s:%zu: \"%s\" already names \"%s\" (line %zu)", path, line,
                              key, v->canonical[s->entry], s->line);
        free(key);
        return st;
    }
    s->key = key;
    s->key_len = key_len;
    s->entry = entry;
    s->line = line;
    v->used++;
    return KT_OK;
}

/* A cell without its surrounding spaces. */
static void trim(const char **s, size_t *n)
{
    while (*n > 0 && is_space(**s)) {
        (*s)++;
        (*n)--;
    }
    while (*n > 0 && is_space((*s)[*n - 1]))
        (*n)--;
}

static kt_status add_canonical(kt_vocab *v, const char *s, size_t n, const char *path, kt_error *err)
{
    if (KT_GROW(v->canonical, v->cap, v->count + 1) != KT_OK)
        return kt_error_set(err, KT_ERR_NOMEM, "out of memory loading %s", path);
    char *copy = malloc(n + 1);
    if (!copy)
        return kt_error_set(err, KT_ERR_NOMEM, "out of memory loading %s", path);
    memcpy(copy, s, n);
    copy[n] = '\0';
    v->canonical[v->count++] = copy;
    return KT_OK;
}

static kt_status parse_line(kt_vocab *v, const char *line, size_t len, const char *path, size_t lineno,
                            kt_error *err)
{
    const char *cell = line;
    bool first = true;
    size_t entry = v->count;
    for (;;) {
        const char *tab = memchr(cell, '\t', len - (size_t)(cell - line));
        size_t n = tab ? (size_t)(tab - cell) : len - (size_t)(cell - line);
        const char *c = cell;
        trim(&c, &n);
        if (first && n == 0)
            return kt_error_set(err, KT_ERR_DICT, "%s:%zu: empty canonical name", path, lineno);
        if (n > 0) {
            char *key;
            size_t key_len;
            kt_status st = make_key(c, n, &key, &key_len, err);
            if (st == KT_ERR_ENCODING) {
                kt_error_prefix(err, "%s:%zu", path, lineno);
                if (err)
                    err->status = KT_ERR_DICT;
                return KT_ERR_DICT;
            }
            if (st != KT_OK)
                return st;
            if (key_len == 0) {
                free(key);
                if (first)
                    return kt_error_set(err, KT_ERR_DICT, "%s:%zu: empty canonical name", path, lineno);
            } else {
                if (first && (st = add_canonical(v, c, n, path, err)) != KT_OK) {
                    free(key);
                    return st;
                }
                if ((st = add_key(v, key, key_len, entry, path, lineno, err)) != KT_OK)
                    return st;
            }
        }
        first = false;
        if (!tab)
            return KT_OK;
        cell = tab + 1;
    }
}

static kt_status read_file(const char *path, kt_buf *b, kt_error *err)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return kt_error_set(err, KT_ERR_IO, "%s: %s", path, strerror(errno));
    char chunk[8192];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
        if (kt_buf_append(b, chunk, n) != KT_OK) {
            fclose(f);
            return kt_error_set(err, KT_ERR_NOMEM, "out of memory reading %s", path);
        }
    }
    int failed = ferror(f);
    int saved = errno;
    fclose(f);
    if (failed)
        return kt_error_set(err, KT_ERR_IO, "%s: %s", path, strerror(saved));
    return KT_OK;
}

kt_status kt_vocab_load(const char *path, kt_vocab **out, kt_error *err)
{
    *out = NULL;
    kt_buf text = KT_BUF_INIT;
    kt_status st = read_file(path, &text, err);
    if (st != KT_OK) {
        kt_buf_free(&text);
        return st;
    }
    kt_vocab *v = calloc(1, sizeof *v);
    if (!v) {
        kt_buf_free(&text);
        return kt_error_set(err, KT_ERR_NOMEM, "out of memory loading %s", path);
    }

    const char *p = kt_buf_str(&text), *end = p + text.len;
    if (text.len >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0)
        p += 3;
    for (size_t lineno = 1; p < end && st == KT_OK; lineno++) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);
        const char *c = p;
        size_t n = len;
        trim(&c, &n);
        if (n > 0 && c[0] != '#')
            st = parse_line(v, p, len, path, lineno, err);
        p = nl ? nl + 1 : end;
    }
    kt_buf_free(&text);
    if (st != KT_OK) {
        kt_vocab_free(v);
        return st;
    }
    *out = v;
    return KT_OK;
}

size_t kt_vocab_find(const kt_vocab *v, const char *word, size_t len)
{
    if (!v || (!word && len > 0))
        return KT_VOCAB_NONE;
    char *key;
    size_t key_len;
    if (make_key(word, len, &key, &key_len, NULL) != KT_OK)
        return KT_VOCAB_NONE;
    const slot *s = find_slot(v, key, key_len);
    free(key);
    return s && s->key ? s->entry : KT_VOCAB_NONE;
}

const char *kt_vocab_lookup(const kt_vocab *v, const char *word, size_t len)
{
    size_t i = kt_vocab_find(v, word, len);
    return i == KT_VOCAB_NONE ? NULL : v->canonical[i];
}

size_t kt_vocab_count(const kt_vocab *v)
{
    return v ? v->count : 0;
}

const char *kt_vocab_canonical_at(const kt_vocab *v, size_t i)
{
    return v && i < v->count ? v->canonical[i] : NULL;
}

kt_status kt_vocab_each_alias(const kt_vocab *v, size_t i, kt_vocab_alias_fn fn, void *ctx, kt_error *err)
{
    if (!v || i >= v->count)
        return KT_OK;
    for (size_t k = 0; k < v->nslots; k++) {
        const slot *s = &v->slots[k];
        if (s->key && s->entry == i) {
            kt_status st = fn(s->key, s->key_len, ctx, err);
            if (st != KT_OK)
                return st;
        }
    }
    return KT_OK;
}

kt_status kt_vocab_each_key(const kt_vocab *v, kt_vocab_key_fn fn, void *ctx, kt_error *err)
{
    for (size_t k = 0; v && k < v->nslots; k++) {
        const slot *s = &v->slots[k];
        kt_status st = s->key ? fn(s->key, s->key_len, s->entry, ctx, err) : KT_OK;
        if (st != KT_OK)
            return st;
    }
    return KT_OK;
}

void kt_vocab_free(kt_vocab *v)
{
    if (!v)
        return;
    for (size_t i = 0; i < v->count; i++)
        free(v->canonical[i]);
    free(v->canonical);
    for (size_t i = 0; i < v->nslots; i++)
        free(v->slots[i].key);
    free(v->slots);
    free(v);
}
