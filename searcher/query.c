#include "query.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/grow.h"
#include "dict/normalize.h"
#include "dict/reading.h"
#include "dict/romaji.h"
#include "dict/script.h"
#include "dict/terms.h"
#include "schema/dimension.h"
#include "schema/schema.h"
#include "searcher/ignored.h"
#include "searcher/parse.h"
#include "searcher/sentence.h"

/* ---- owned lists of subqueries ---- */

typedef struct qvec {
    xc_query **items;
    size_t count, cap;
} qvec;

static void qvec_free(qvec *v)
{
    for (size_t i = 0; i < v->count; i++)
        xc_query_free(v->items[i]);
    free(v->items);
    v->items = NULL;
    v->count = v->cap = 0;
}

/* The builder: the lexicon, the index (for existence checks), the highlights being collected,
 * and the first error, after which every step does nothing. */
typedef struct builder {
    kt_lexicon *lex;
    xc_db *db;
    kt_highlights *hl;
    kt_ignored_list *ignored; /* the parts of the query not searched */
    kt_error *err;
    kt_status st;
} builder;

static void binding_failed(builder *b, const xc_error *xe)
{
    if (b->st == KT_OK)
        b->st = kt_error_set(b->err, xe->status == XC_ERR_NOMEM ? KT_ERR_NOMEM : KT_ERR_INTERNAL, "query: %s",
                             xe->message);
}

static void out_of_memory(builder *b)
{
    if (b->st == KT_OK)
        b->st = kt_error_nomem(b->err);
}

static void ignore(builder *b, const char *text, kt_ignored_reason reason)
{
    if (b->st == KT_OK && text && kt_ignored_add(b->ignored, text, strlen(text), reason) != KT_OK)
        out_of_memory(b);
}

/* Adds q (which may be NULL: nothing to add) to v, taking ownership. */
static void qvec_push(builder *b, qvec *v, xc_query *q)
{
    if (!q)
        return;
    if (KT_GROW(v->items, v->cap, v->count + 1) != KT_OK) {
        xc_query_free(q);
        out_of_memory(b);
        return;
    }
    v->items[v->count++] = q;
}

/* Combines and empties v. An empty v gives NULL (nothing), one query is returned as it is. */
static xc_query *combine(builder *b, xc_query_op op, qvec *v)
{
    xc_query *q = NULL;
    if (b->st == KT_OK && v->count == 1) {
        q = v->items[0];
        v->count = 0;
    } else if (b->st == KT_OK && v->count > 1) {
        xc_error xe;
        if (xc_query_combine(op, v->items, v->count, 0, &q, &xe) != XC_OK)
            binding_failed(b, &xe);
    }
    qvec_free(v);
    return q;
}

static xc_query *pair(builder *b, xc_query_op op, xc_query *left, xc_query *right)
{
    qvec v = {0};
    qvec_push(b, &v, left);
    qvec_push(b, &v, right);
    return combine(b, op, &v);
}

static xc_query *scaled(builder *b, xc_query *q, double factor)
{
    if (!q || b->st != KT_OK)
        return q;
    xc_query *s;
    xc_error xe;
    if (xc_query_scale(q, factor, &s, &xe) != XC_OK) {
        binding_failed(b, &xe);
        s = NULL;
    }
    xc_query_free(q);
    return s;
}

static xc_query *term(builder *b, const char *prefix, const char *text, size_t len)
{
    if (b->st != KT_OK)
        return NULL;
    char buf[KT_TERM_MAX + 16];
    size_t plen = strlen(prefix);
    if (len == 0 || plen + len >= sizeof buf)
        return NULL;
    memcpy(buf, prefix, plen);
    memcpy(buf + plen, text, len);
    buf[plen + len] = '\0';
    xc_query *q;
    xc_error xe;
    if (xc_query_term(buf, 1, 0, &q, &xe) != XC_OK) {
        binding_failed(b, &xe);
        return NULL;
    }
    return q;
}

/* ---- the layers of one word or phrase ---- */

/* A text's terms, in order, as dict/terms.h gives them. */
typedef struct text_terms {
    builder *b;
    const char *word_prefix, *ngram_prefix;
    qvec words;
    qvec ngram_runs;    /* one phrase of bigrams per run of Japanese script */
    qvec current_run;
    uint32_t last_ngram_pos;
} text_terms;

static void close_run(text_terms *tt)
{
    qvec_push(tt->b, &tt->ngram_runs, combine(tt->b, XC_OP_PHRASE, &tt->current_run));
}

static kt_status collect(const kt_term *t, void *ctx, kt_error *err)
{
    (void)err;
    text_terms *tt = ctx;
    builder *b = tt->b;
    if (t->layer == KT_LAYER_WORD) {
        qvec_push(b, &tt->words, term(b, tt->word_prefix, t->text, t->len));
        if (b->st == KT_OK)
            b->st = kt_term_list_add(&b->hl->words, t->text, t->len, b->err);
    } else if (t->layer == KT_LAYER_NGRAM) {
        if (tt->current_run.count && t->pos != tt->last_ngram_pos + 1)
            close_run(tt);
        qvec_push(b, &tt->current_run, term(b, tt->ngram_prefix, t->text, t->len));
        tt->last_ngram_pos = t->pos;
    }
    return b->st;
}

/* The words of `text` (AND, or a PHRASE when `phrase`) OR'd with the bigram phrases of its runs of
 * Japanese script (scaled by KT_WEIGHT_NGRAM). `title` looks in the title's terms only. */
static xc_query *text_query(builder *b, const char *text, size_t len, bool phrase, bool title)
{
    if (b->st != KT_OK)
        return NULL;
    text_terms tt = {.b = b,
                     .word_prefix = title ? KT_PREFIX_TITLE : "",
                     .ngram_prefix = title ? KT_PREFIX_TITLE KT_PREFIX_NGRAM : KT_PREFIX_NGRAM};
    /* For the bigrams, a phrase is one string: "経済 交流" also finds 経済交流. */
    kt_buf joined = KT_BUF_INIT;
    for (size_t i = 0; i < len; i++)
        if (!phrase || text[i] != ' ')
            kt_buf_append_char(&joined, text[i]);
    kt_status st = kt_buf_status(&joined) != KT_OK
                       ? kt_error_nomem(b->err)
                       : kt_terms_of_text(b->lex->tokenizer, text, len, KT_LAYER_WORD, collect, &tt, b->err);
    if (st == KT_OK)
        st = kt_terms_of_text(b->lex->tokenizer, kt_buf_str(&joined), joined.len, KT_LAYER_NGRAM, collect, &tt,
                              b->err);
    if (st != KT_OK && b->st == KT_OK)
        b->st = st;
    close_run(&tt);
    qvec_free(&tt.current_run);
    /* A word of hiragana that MeCab finds no content word in is a particle or an ending (から,
     * です): its bigrams would match it wherever it stands, so it is not looked for. */
    if (tt.words.count == 0 && kt_is_all_hiragana(joined.data ? joined.data : "", joined.len))
        qvec_free(&tt.ngram_runs);
    xc_query *words = combine(b, phrase ? XC_OP_PHRASE : XC_OP_AND, &tt.words);
    xc_query *ngrams = combine(b, XC_OP_AND, &tt.ngram_runs);
    /* the literal is highlighted wherever it stands, as the bigrams find it */
    if (ngrams && b->st == KT_OK) {
        char *norm = NULL;
        size_t norm_len;
        if (kt_normalize(joined.data ? joined.data : "", joined.len, &norm, &norm_len, NULL, b->err) == KT_OK)
            b->st = kt_term_list_add(&b->hl->literals, norm, norm_len, b->err);
        free(norm);
    }
    kt_buf_free(&joined);
    return pair(b, XC_OP_OR, words, scaled(b, ngrams, KT_WEIGHT_NGRAM));
}

/* The readings-layer term for kana (by its key, dict/reading.h), scaled by weight. */
static xc_query *kana_query(builder *b, const char *kana, size_t len, double weight)
{
    kt_buf key = KT_BUF_INIT;
    if (kt_reading_key(kana, len, &key) != KT_OK) {
        kt_buf_free(&key);
        out_of_memory(b);
        return NULL;
    }
    b->st = kt_term_list_add(&b->hl->readings, key.data, key.len, b->err);
    xc_query *q = term(b, KT_PREFIX_READING, key.data, key.len);
    kt_buf_free(&key);
    return scaled(b, q, weight);
}

/* A word typed in kana may be the reading of a word written in kanji. */
static xc_query *reading_query(builder *b, const char *norm, size_t len)
{
    if (!kt_is_all_kana(norm, len) || b->st != KT_OK)
        return NULL;
    return kana_query(b, norm, len, KT_WEIGHT_READING);
}

/* A word typed in romaji (kankou, kankō, seisyounen) is the reading it spells (dict/romaji.h). */
static xc_query *romaji_query(builder *b, const char *norm, size_t len)
{
    if (!kt_romaji_candidate(norm, len) || b->st != KT_OK)
        return NULL;
    kt_romaji *r;
    kt_buf kana = KT_BUF_INIT;
    bool whole = false;
    if ((b->st = kt_lexicon_romaji(b->lex, &r, b->err)) == KT_OK)
        b->st = kt_romaji_kana(r, norm, len, &kana, &whole, b->err);
    xc_query *q = b->st == KT_OK && whole && kana.len ? kana_query(b, kana.data, kana.len, KT_WEIGHT_ROMAJI) : NULL;
    kt_buf_free(&kana);
    return q;
}

/* The vocabulary of a dimension's canonical values in the lexicon, or NULL when it has none. */
static const kt_vocab *dimension_vocab(const kt_lexicon *lex, kt_dimension d)
{
    switch (kt_dimension_info_of(d)->vocabulary) {
    case KT_VOCABULARY_COUNTRIES: return lex->countries;
    case KT_VOCABULARY_FIELDS: return lex->fields;
    case KT_VOCABULARY_NONE: break;
    }
    return NULL;
}

/* A country or field alias reaches its canonical name in the text and the agreements filed
 * under it (which may not name it: an agreement with Oulu is filed under フィンランド). */
static xc_query *alias_query(builder *b, const char *norm, size_t len)
{
    qvec alts = {0};
    for (int d = 0; d < KT_DIM_COUNT && b->st == KT_OK; d++) {
        const kt_vocab *vocab = dimension_vocab(b->lex, (kt_dimension)d);
        const char *canonical = vocab ? kt_vocab_lookup(vocab, norm, len) : NULL;
        if (!canonical)
            continue;
        size_t clen = strlen(canonical);
        qvec_push(b, &alts, term(b, kt_dimension_info_of((kt_dimension)d)->prefix, canonical, clen));
        if (clen != len || memcmp(canonical, norm, len) != 0)
            qvec_push(b, &alts, text_query(b, canonical, clen, false, false));
    }
    return scaled(b, combine(b, XC_OP_OR, &alts), KT_WEIGHT_ALIAS);
}

/* The other words of the word's synonym group (dict/synonyms.tsv). */
typedef struct synonym_ctx {
    builder *b;
    const char *word;
    size_t len;
    qvec *alts;
} synonym_ctx;

static kt_status add_synonym(const char *alias, size_t len, void *ctx, kt_error *err)
{
    (void)err;
    synonym_ctx *c = ctx;
    if (len != c->len || memcmp(alias, c->word, len) != 0)
        qvec_push(c->b, c->alts, text_query(c->b, alias, len, false, false));
    return c->b->st;
}

static xc_query *synonym_query(builder *b, const char *norm, size_t len)
{
    size_t group = kt_vocab_find(b->lex->synonyms, norm, len);
    if (group == KT_VOCAB_NONE || b->st != KT_OK)
        return NULL;
    qvec alts = {0};
    synonym_ctx c = {b, norm, len, &alts};
    kt_vocab_each_alias(b->lex->synonyms, group, add_synonym, &c, b->err);
    return scaled(b, combine(b, XC_OP_OR, &alts), KT_WEIGHT_ALIAS);
}

/* A place named in English, romaji or kana (Dalian, だいれん) is its Japanese name as text:
 * 大連 finds 大連市 and 中国/大連市 alike (dict/places.tsv). Words in kanji are their own name. */
static xc_query *place_query(builder *b, const char *norm, size_t len)
{
    bool kanji = false;
    for (size_t i = 0; i < len;) {
        uint32_t cp;
        i += kt_utf8_next(norm + i, len - i, &cp);
        kanji |= kt_is_japanese_char(cp) && !kt_is_kana_char(cp);
    }
    const char *name = NULL;
    if (kanji || b->st != KT_OK || (b->st = kt_lexicon_place(b->lex, norm, len, &name, b->err)) != KT_OK || !name)
        return NULL;
    return scaled(b, text_query(b, name, strlen(name), false, false), KT_WEIGHT_ALIAS);
}

/* One word as typed: every layer that can find it. */
static xc_query *word_query(builder *b, const char *text)
{
    char *norm = NULL;
    size_t len = 0;
    if (b->st == KT_OK)
        b->st = kt_normalize(text, strlen(text), &norm, &len, NULL, b->err);
    if (b->st != KT_OK) {
        free(norm);
        return NULL;
    }
    qvec alts = {0};
    qvec_push(b, &alts, text_query(b, norm, len, false, false));
    qvec_push(b, &alts, reading_query(b, norm, len));
    qvec_push(b, &alts, romaji_query(b, norm, len));
    qvec_push(b, &alts, alias_query(b, norm, len));
    qvec_push(b, &alts, synonym_query(b, norm, len));
    qvec_push(b, &alts, place_query(b, norm, len));
    free(norm);
    return combine(b, XC_OP_OR, &alts);
}

/* ---- filters ---- */

static bool term_exists(builder *b, const char *prefix, const char *value)
{
    if (!b->db)
        return true;
    char buf[KT_TERM_MAX + 16];
    snprintf(buf, sizeof buf, "%s%s", prefix, value);
    uint32_t freq = 0;
    xc_error xe;
    return xc_db_term_freq(b->db, buf, &freq, &xe) == XC_OK && freq > 0;
}

/* municipality: and prefecture: take the name as written; 仙台 or 宮城 alone also reach 仙台市 and
 * 宮城県 when no agreement is filed under the bare name. */
static xc_query *place_filter(builder *b, const char *prefix, const char *value, const char *const *suffixes)
{
    if (term_exists(b, prefix, value))
        return term(b, prefix, value, strlen(value));
    qvec alts = {0};
    for (size_t i = 0; suffixes[i] && b->st == KT_OK; i++) {
        char with[KT_TERM_MAX + 16];
        snprintf(with, sizeof with, "%s%s", value, suffixes[i]);
        if (term_exists(b, prefix, with))
            qvec_push(b, &alts, term(b, prefix, with, strlen(with)));
    }
    if (alts.count == 0)
        return term(b, prefix, value, strlen(value)); /* matches nothing, as asked */
    return combine(b, XC_OP_OR, &alts);
}

/* A filter on one value of a dimension: its canonical name when the dimension has a vocabulary
 * (台湾 and Taiwan both), a place name with its usual suffix when the bare one matches nothing. */
static xc_query *filter_query(builder *b, kt_dimension which, const char *value)
{
    const kt_dimension_info *info = kt_dimension_info_of(which);
    char *norm = NULL;
    size_t len = 0;
    if (b->st == KT_OK)
        b->st = kt_normalize(value, strlen(value), &norm, &len, NULL, b->err);
    xc_query *q = NULL;
    if (b->st == KT_OK) {
        const kt_vocab *vocab = dimension_vocab(b->lex, which);
        const char *canonical = vocab ? kt_vocab_lookup(vocab, norm, len) : NULL;
        const char *v = canonical ? canonical : norm;
        q = info->suffixes ? place_filter(b, info->prefix, v, info->suffixes) : term(b, info->prefix, v, strlen(v));
    }
    free(norm);
    return q;
}

/* Signing years lo..hi (0 = open) as a range over the sortable YYYYMMDD value. */
static xc_query *years_query(builder *b, int lo, int hi)
{
    if (b->st != KT_OK || (lo == 0 && hi == 0))
        return NULL;
    char lo_buf[XC_SORTABLE_MAX], hi_buf[XC_SORTABLE_MAX];
    size_t lo_len = xc_sortable_serialise((double)lo * 10000, lo_buf);
    size_t hi_len = xc_sortable_serialise((double)hi * 10000 + 9999, hi_buf);
    xc_query *q;
    xc_error xe;
    if (xc_query_value_range(KT_SLOT_SIGNED, lo ? lo_buf : NULL, lo_len, hi ? hi_buf : NULL, hi_len, &q, &xe) !=
        XC_OK) {
        binding_failed(b, &xe);
        return NULL;
    }
    return q;
}

/* ---- the tree ---- */

static xc_query *node_query(builder *b, const kt_qnode *n);

static xc_query *or_query(builder *b, const kt_qnode *n)
{
    qvec alts = {0};
    for (size_t i = 0; i < n->n_kids; i++) {
        if (n->kids[i]->negated) /* "a OR -b" has no useful meaning: the -b is dropped, and said */
            ignore(b, n->kids[i]->text, KT_IGNORED_NEGATED_OR);
        else
            qvec_push(b, &alts, node_query(b, n->kids[i]));
    }
    return combine(b, XC_OP_OR, &alts);
}

static xc_query *node_query(builder *b, const kt_qnode *n)
{
    switch (n->kind) {
    case KT_Q_WORD: return word_query(b, n->text);
    case KT_Q_PHRASE: {
        char *norm = NULL;
        size_t len = 0;
        xc_query *q = NULL;
        if (b->st == KT_OK && (b->st = kt_normalize(n->text, strlen(n->text), &norm, &len, NULL, b->err)) == KT_OK)
            q = text_query(b, norm, len, true, false);
        free(norm);
        return q;
    }
    case KT_Q_TITLE: {
        char *norm = NULL;
        size_t len = 0;
        xc_query *q = NULL;
        if (b->st == KT_OK && (b->st = kt_normalize(n->text, strlen(n->text), &norm, &len, NULL, b->err)) == KT_OK)
            q = text_query(b, norm, len, n->phrase, true);
        free(norm);
        return q;
    }
    case KT_Q_FILTER: return filter_query(b, n->filter, n->text);
    case KT_Q_SIGNED: return years_query(b, n->lo, n->hi);
    case KT_Q_OR: return or_query(b, n);
    case KT_Q_AND: break;
    }
    return NULL; /* the parser makes AND only at the top */
}

/* The dimension a filter node restricts: signing years are the year dimension's. */
static kt_dimension group_of(const kt_qnode *n)
{
    return n->kind == KT_Q_SIGNED ? KT_DIM_YEAR : n->filter;
}

static bool scored_clause(const kt_qnode *n)
{
    return !n->negated && n->kind != KT_Q_FILTER && n->kind != KT_Q_SIGNED;
}

static size_t scored_clauses(const kt_qnode *root)
{
    size_t n = 0;
    for (size_t i = 0; i < root->n_kids; i++)
        n += scored_clause(root->kids[i]);
    return n;
}

/* A clause of the partial form: its BM25 weight, and KT_WEIGHT_COORDINATION for matching it at all.
 * The partial form is an OR, where BM25 alone can rank an agreement with one word of three above
 * one with two (a rare word in a short title outweighs two common ones); counting the clauses
 * first ranks those with the most words on top, then the rarest words by BM25, as people expect
 * of "the best partial matches" (coordination-level matching, as in early SMART and Lucene's
 * coord). q is taken over. */
static void push_coordinated(builder *b, qvec *scored, xc_query *q)
{
    if (!q || b->st != KT_OK) {
        xc_query_free(q);
        return;
    }
    xc_query *counted = NULL;
    xc_error xe;
    if (xc_query_constant(q, KT_WEIGHT_COORDINATION, &counted, &xe) != XC_OK)
        binding_failed(b, &xe);
    qvec_push(b, scored, pair(b, XC_OP_OR, q, counted));
}

/* Whether a clause is a word that most agreements share (協定, 交流 and 締結 in a list of
 * agreements): more than KT_COMMON_SHARE of them have it. In the strict form such a word ranks
 * but does not filter, beside words that do — "the common terms" of Lucene's CommonTermsQuery —
 * so that フィンランドの協定 also finds the Finnish memoranda, which never say 協定. */
static bool common_word(builder *b, const kt_qnode *n, uint32_t docs)
{
    if (!b->db || !docs || n->kind != KT_Q_WORD || n->negated || b->st != KT_OK)
        return false;
    char *norm = NULL;
    size_t len = 0;
    kt_error ignore_err;
    if (kt_normalize(n->text, strlen(n->text), &norm, &len, NULL, &ignore_err) != KT_OK)
        return false;
    uint32_t freq = 0;
    xc_error xe;
    bool common = len < KT_TERM_MAX && xc_db_term_freq(b->db, norm, &freq, &xe) == XC_OK &&
                  (double)freq > KT_COMMON_SHARE * docs;
    free(norm);
    return common;
}

/* The whole query: scored clauses (all, or any for the partial form), then the filters, then the
 * exclusions. Returns a match-all query when there is nothing to score. */
static xc_query *root_query(builder *b, const kt_qnode *root, const kt_search_request *req, bool any)
{
    qvec scored = {0}, excluded = {0}, common = {0};
    /* each clause looked up once (the parser keeps the top level within KT_PARSE_MAX_NODES) */
    bool is_common[KT_PARSE_MAX_NODES] = {false};
    uint32_t docs = 0;
    xc_error xe;
    if (!any && b->db && xc_db_doc_count(b->db, &docs, &xe) != XC_OK)
        docs = 0;
    bool rare = false; /* a scored clause that is not a common word: the common ones may then rank only */
    for (size_t i = 0; i < root->n_kids && i < KT_PARSE_MAX_NODES && !any; i++) {
        is_common[i] = common_word(b, root->kids[i], docs);
        rare |= scored_clause(root->kids[i]) && !is_common[i];
    }
    qvec groups[KT_DIM_COUNT] = {{0}}; /* filters by dimension: values of one OR, years AND */
    for (size_t i = 0; i < root->n_kids; i++) {
        const kt_qnode *n = root->kids[i];
        xc_query *q = node_query(b, n);
        if (!q && n->kind == KT_Q_WORD)
            ignore(b, n->text, KT_IGNORED_NO_WORD); /* only particles or symbols: from, です, ・ */
        if (n->negated)
            qvec_push(b, &excluded, q);
        else if (n->kind == KT_Q_FILTER || n->kind == KT_Q_SIGNED)
            qvec_push(b, &groups[group_of(n)], q);
        else if (any)
            push_coordinated(b, &scored, q);
        else if (rare && i < KT_PARSE_MAX_NODES && is_common[i])
            qvec_push(b, &common, q);
        else
            qvec_push(b, &scored, q);
    }
    for (size_t i = 0; i < req->n_countries; i++)
        qvec_push(b, &groups[KT_DIM_COUNTRY], filter_query(b, KT_DIM_COUNTRY, req->countries[i]));
    for (size_t i = 0; i < req->n_fields; i++)
        qvec_push(b, &groups[KT_DIM_FIELD], filter_query(b, KT_DIM_FIELD, req->fields[i]));
    qvec_push(b, &groups[KT_DIM_YEAR], years_query(b, req->since, req->until));

    /* Nothing to score lists everything (browsing) — unless words were typed that no index term
     * can match (only symbols, only particles): then nothing matches, as people expect. */
    bool typed_words = scored_clauses(root) > 0;
    xc_query *q = combine(b, any ? XC_OP_OR : XC_OP_AND, &scored);
    if (q && common.count)
        q = pair(b, XC_OP_AND_MAYBE, q, combine(b, XC_OP_OR, &common));
    qvec_free(&common);
    if (!q && b->st == KT_OK) {
        xc_error xe;
        if ((typed_words ? xc_query_match_nothing(&q, &xe) : xc_query_match_all(&q, &xe)) != XC_OK)
            binding_failed(b, &xe);
    }
    qvec filters = {0};
    qvec_push(b, &filters, q);
    for (int g = 0; g < KT_DIM_COUNT; g++)
        qvec_push(b, &filters, combine(b, g == KT_DIM_YEAR ? XC_OP_AND : XC_OP_OR, &groups[g]));
    q = combine(b, XC_OP_FILTER, &filters);
    q = pair(b, XC_OP_AND_NOT, q, combine(b, XC_OP_OR, &excluded));
    for (int g = 0; g < KT_DIM_COUNT; g++)
        qvec_free(&groups[g]);
    return q;
}


kt_status kt_query_build(kt_lexicon *lex, xc_db *db, const kt_search_request *req, kt_query_plan *out,
                         kt_error *err)
{
    memset(out, 0, sizeof *out);
    kt_qnode *root;
    kt_status st = kt_parse(req->query, &root, &out->ignored, err);
    if (st == KT_OK && ((st = kt_aliases_join(lex, root, err)) != KT_OK ||
                        (st = kt_sentences_split(lex, root, &out->ignored, err)) != KT_OK))
        kt_qnode_free(root);
    if (st != KT_OK) {
        kt_query_plan_free(out);
        return st;
    }
    builder b = {lex, db, &out->highlights, &out->ignored, err, KT_OK};
    out->strict = root_query(&b, root, req, false);
    if (scored_clauses(root) >= 2) {
        kt_highlights ignored = {0}; /* the strict form already collected every highlight */
        b.hl = &ignored;
        out->partial = root_query(&b, root, req, true);
        kt_highlights_free(&ignored);
    }
    kt_qnode_free(root);
    if (b.st != KT_OK) {
        kt_query_plan_free(out);
        return b.st;
    }
    return KT_OK;
}

void kt_query_plan_free(kt_query_plan *plan)
{
    xc_query_free(plan->strict);
    xc_query_free(plan->partial);
    kt_highlights_free(&plan->highlights);
    kt_ignored_list_free(&plan->ignored);
    memset(plan, 0, sizeof *plan);
}
