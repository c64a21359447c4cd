#include "complete.h"

#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/grow.h"
#include "dict/normalize.h"
#include "dict/reading.h"
#include "dict/romaji.h"
#include "dict/script.h"
#include "dict/terms.h"
#include "schema/schema.h"

#define KT_COMPLETE_DEFAULT 10
/* Words read from the index for one prefix, before ranking: enough for any search box. */
#define WORDS_SCANNED 2000

typedef struct collector {
    kt_completions *out;
    kt_status st;
    size_t scanned;
} collector;

static void add(collector *c, const char *text, size_t len, const char *kind, uint32_t count)
{
    if (c->st != KT_OK)
        return;
    for (size_t i = 0; i < c->out->count; i++) {
        kt_completion *e = &c->out->items[i];
        if (strlen(e->text) == len && memcmp(e->text, text, len) == 0) {
            if (count > e->count)
                e->count = count;
            if (strcmp(e->kind, "word") == 0)
                e->kind = kind; /* a field or country says more than a word */
            return;
        }
    }
    char *copy = malloc(len + 1);
    if (!copy || KT_GROW(c->out->items, c->out->cap, c->out->count + 1) != KT_OK) {
        free(copy);
        c->st = KT_ERR_NOMEM;
        return;
    }
    memcpy(copy, text, len);
    copy[len] = '\0';
    c->out->items[c->out->count++] = (kt_completion){copy, kind, count};
}

static bool word_term(const char *term, size_t len, uint32_t freq, void *ctx)
{
    collector *c = ctx;
    add(c, term, len, "word", freq);
    return c->st == KT_OK && ++c->scanned < WORDS_SCANNED;
}

static uint32_t filter_count(xc_db *db, const char *prefix, const char *value)
{
    kt_buf term = KT_BUF_INIT;
    kt_buf_printf(&term, "%s%s", prefix, value);
    uint32_t freq = 0;
    xc_error xe;
    if (kt_buf_status(&term) != KT_OK || xc_db_term_freq(db, kt_buf_str(&term), &freq, &xe) != XC_OK)
        freq = 0;
    kt_buf_free(&term);
    return freq;
}

/* The reading key of a name (its MeCab readings, joined), to compare with the sounds typed. */
typedef struct reading_ctx {
    kt_buf *key;
} reading_ctx;

static kt_status reading_of(const kt_term *t, void *ctx, kt_error *err)
{
    (void)err;
    reading_ctx *r = ctx;
    return t->layer == KT_LAYER_READING ? kt_buf_append(r->key, t->text, t->len) : KT_OK;
}

/* Whether one of entry i's aliases begins with norm. */
typedef struct alias_match {
    const char *norm;
    size_t len;
    bool found;
} alias_match;

static kt_status alias_begins(const char *alias, size_t len, void *ctx, kt_error *err)
{
    (void)err;
    alias_match *m = ctx;
    m->found |= len >= m->len && memcmp(alias, m->norm, m->len) == 0;
    return KT_OK;
}

/* The canonical fields and countries a name of which, or whose reading, begins with the prefix. */
static void complete_vocabularies(kt_lexicon *lex, xc_db *db, const char *norm, size_t len, const char *sounds,
                                  size_t sounds_len, collector *c, kt_error *err)
{
    static const struct {
        const char *kind;
        const char *prefix;
        size_t offset; /* of the vocabulary in kt_lexicon */
    } dims[] = {{"field", KT_PREFIX_FIELD, offsetof(kt_lexicon, fields)},
                {"country", KT_PREFIX_COUNTRY, offsetof(kt_lexicon, countries)}};
    for (size_t d = 0; d < sizeof dims / sizeof dims[0] && c->st == KT_OK; d++) {
        const kt_vocab *v = *(const kt_vocab *const *)((const char *)lex + dims[d].offset);
        for (size_t i = 0; i < kt_vocab_count(v) && c->st == KT_OK; i++) {
            const char *name = kt_vocab_canonical_at(v, i);
            alias_match m = {norm, len, false};
            if (kt_vocab_each_alias(v, i, alias_begins, &m, err) != KT_OK)
                c->st = err->status;
            bool matched = m.found;
            if (!matched && sounds_len) {
                kt_buf key = KT_BUF_INIT;
                reading_ctx r = {&key};
                if (kt_terms_of_text(lex->tokenizer, name, strlen(name), KT_LAYER_READING, reading_of, &r, err) !=
                    KT_OK)
                    c->st = err->status;
                matched = key.len >= sounds_len && memcmp(key.data, sounds, sounds_len) == 0;
                kt_buf_free(&key);
            }
            uint32_t count = matched && c->st == KT_OK ? filter_count(db, dims[d].prefix, name) : 0;
            if (count) /* a name no agreement is filed under would lead nowhere */
                add(c, name, strlen(name), dims[d].kind, count);
        }
    }
}

/* Places one of whose English, romaji or kana names begins with the prefix (Dal → 大連), among
 * those the index has as a word: a place no agreement names would lead nowhere. */
typedef struct place_ctx {
    const kt_vocab *v;
    xc_db *db;
    const char *norm;
    size_t len;
    collector *c;
} place_ctx;

static kt_status place_key(const char *key, size_t len, size_t entry, void *ctx, kt_error *err)
{
    (void)err;
    place_ctx *p = ctx;
    if (len < p->len || memcmp(key, p->norm, p->len) != 0)
        return KT_OK;
    const char *name = kt_vocab_canonical_at(p->v, entry);
    uint32_t freq = 0;
    xc_error xe;
    if (xc_db_term_freq(p->db, name, &freq, &xe) == XC_OK && freq > 0)
        add(p->c, name, strlen(name), "place", freq);
    return p->c->st;
}

static kt_status complete_places(kt_lexicon *lex, xc_db *db, const char *norm, size_t len, collector *c,
                                 kt_error *err)
{
    const char *any;
    kt_status st = kt_lexicon_place(lex, norm, len, &any, err); /* loads the files */
    for (size_t f = 0; f < 2 && st == KT_OK && c->st == KT_OK; f++) {
        place_ctx p = {lex->places[f], db, norm, len, c};
        st = kt_vocab_each_key(lex->places[f], place_key, &p, err);
    }
    return st;
}

/* The sounds a kana or romaji prefix spells, as a reading key; empty for other prefixes. */
static kt_status sounds_of(kt_lexicon *lex, const char *norm, size_t len, kt_buf *key, kt_error *err)
{
    if (kt_is_all_kana(norm, len))
        return kt_reading_key(norm, len, key) == KT_OK ? KT_OK : kt_error_nomem(err);
    kt_romaji *r;
    kt_buf kana = KT_BUF_INIT;
    bool whole = false;
    kt_status st = KT_OK;
    /* a romaji prefix may end inside a syllable (kank): the whole syllables before it count */
    size_t cut = len;
    while (cut > 0 && !strchr("aiueo", norm[cut - 1]) && !(cut >= 2 && norm[cut - 1] == 'n'))
        cut--;
    if (cut >= 2 && kt_romaji_candidate(norm, cut)) {
        st = kt_lexicon_romaji(lex, &r, err);
        if (st == KT_OK)
            st = kt_romaji_kana(r, norm, cut, &kana, &whole, err);
        if (st == KT_OK && whole && kt_reading_key(kana.data, kana.len, key) != KT_OK)
            st = kt_error_nomem(err);
    }
    /* one kana is too little to go on (tour would be ト…) */
    size_t chars = 0;
    for (size_t i = 0; i < kana.len; chars++)
        i += kt_utf8_next(kana.data + i, kana.len - i, &(uint32_t){0});
    if (chars < 2)
        kt_buf_clear(key);
    kt_buf_free(&kana);
    return st;
}

static int by_count(const void *a, const void *b)
{
    const kt_completion *x = a, *y = b;
    if (x->count != y->count)
        return x->count > y->count ? -1 : 1;
    return strcmp(x->text, y->text);
}

kt_status kt_complete_build(kt_lexicon *lex, xc_db *db, const char *prefix, size_t limit, kt_completions *out,
                            kt_error *err)
{
    *out = (kt_completions){NULL, 0, 0};
    char *norm = NULL;
    size_t len = 0;
    kt_status st = kt_normalize(prefix ? prefix : "", prefix ? strlen(prefix) : 0, &norm, &len, NULL, err);
    /* the index's words; prefixed terms begin with a capital, which a normalised prefix never does */
    collector c = {out, KT_OK, 0};
    xc_error xe;
    if (st == KT_OK && len && xc_db_each_term(db, norm, word_term, &c, &xe) != XC_OK)
        st = kt_error_set(err, KT_ERR_INDEX, "completions: %s", xe.message);
    kt_buf sounds = KT_BUF_INIT;
    if (st == KT_OK && len)
        st = sounds_of(lex, norm, len, &sounds, err);
    if (st == KT_OK && len)
        complete_vocabularies(lex, db, norm, len, sounds.data, sounds.len, &c, err);
    if (st == KT_OK && c.st == KT_OK && len >= 3)
        st = complete_places(lex, db, norm, len, &c, err);
    kt_buf_free(&sounds);
    free(norm);
    if (st == KT_OK && c.st != KT_OK)
        st = c.st == KT_ERR_NOMEM ? kt_error_nomem(err) : c.st;
    if (st != KT_OK) {
        kt_completions_free(out);
        return st;
    }
    qsort(out->items, out->count, sizeof *out->items, by_count);
    size_t keep = limit ? limit : KT_COMPLETE_DEFAULT;
    while (out->count > keep)
        free(out->items[--out->count].text);
    return KT_OK;
}

void kt_completions_free(kt_completions *c)
{
    for (size_t i = 0; i < c->count; i++)
        free(c->items[i].text);
    free(c->items);
    *c = (kt_completions){NULL, 0, 0};
}
