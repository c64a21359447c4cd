#include "sentence.h"

#include <stdlib.h>
#include <string.h>

#include "base/grow.h"
#include "dict/era.h"
#include "dict/normalize.h"
#include "dict/script.h"
#include "dict/tokenizer.h"
#include "searcher/ignored.h"

/* One clause of the new top level, and whether it is only request phrasing. */
typedef struct clause {
    kt_qnode *node;
    bool phrasing;
    bool borrowed; /* still the tree's own node (a word left whole), not a piece made here */
} clause;

typedef struct clauses {
    clause *items;
    size_t count, cap;
    size_t words; /* nodes made, against KT_PARSE_MAX_NODES */
} clauses;

static kt_status push(clauses *c, kt_qnode *node, bool phrasing)
{
    if (KT_GROW(c->items, c->cap, c->count + 1) != KT_OK) {
        kt_qnode_free(node);
        return KT_ERR_NOMEM;
    }
    c->items[c->count++] = (clause){node, phrasing, false};
    return KT_OK;
}

static kt_status push_word(clauses *c, const char *text, size_t len, bool phrasing, kt_error *err)
{
    if (++c->words > KT_PARSE_MAX_NODES)
        return kt_error_set(err, KT_ERR_LIMIT, "query: more than %d words and operators", KT_PARSE_MAX_NODES);
    kt_qnode *n;
    if (kt_qnode_word(text, len, &n) != KT_OK)
        return kt_error_nomem(err);
    return push(c, n, phrasing) == KT_OK ? KT_OK : kt_error_nomem(err);
}

/* Whether every content token in toks[from, to) is request phrasing (dict/phrasing.tsv). */
static bool all_phrasing(const kt_lexicon *lex, const kt_tokens *toks, size_t from, size_t to)
{
    for (size_t i = from; i < to; i++) {
        size_t len;
        const char *term = kt_token_term(&toks->items[i], &len);
        if (term && kt_vocab_find(lex->phrasing, term, len) == KT_VOCAB_NONE)
            return false;
    }
    return true;
}

/* The runs of content tokens of text (normalised), each pushed as a word. */
static kt_status push_runs(kt_lexicon *lex, const char *text, size_t len, clauses *c, kt_error *err)
{
    kt_tokens toks = {0};
    kt_status st = kt_tokenize(lex->tokenizer, text, len, &toks, err);
    for (size_t i = 0; i < toks.count && st == KT_OK;) {
        size_t dummy;
        if (!kt_token_term(&toks.items[i], &dummy)) {
            i++;
            continue;
        }
        size_t j = i;
        while (j < toks.count && kt_token_term(&toks.items[j], &dummy))
            j++;
        /* the run's bytes in the normalised text */
        const char *start = toks.items[i].surface;
        const char *end = toks.items[j - 1].surface + toks.items[j - 1].surface_len;
        st = push_word(c, start, (size_t)(end - start), all_phrasing(lex, &toks, i, j), err);
        i = j;
    }
    kt_tokens_free(&toks);
    return st;
}

/* text (normalised) cut at its era years, the pieces between them cut into runs. */
static kt_status push_pieces(kt_lexicon *lex, const char *text, size_t len, clauses *c, kt_error *err)
{
    kt_status st = KT_OK;
    while (st == KT_OK && len > 0) {
        int year;
        size_t start, end;
        bool era = kt_era_find(text, len, &year, &start, &end);
        size_t before = era ? start : len;
        if (before)
            st = push_runs(lex, text, before, c, err);
        if (st == KT_OK && era)
            st = push_word(c, text + start, end - start, false, err);
        if (!era)
            break;
        text += end;
        len -= end;
    }
    return st;
}

/* Whether the word is to be cut: it has more than one run of content words or an era year inside.
 * Kana-only and Latin-only words are left whole. Sets *pieces to the clauses it would give. */
static kt_status cut_word(kt_lexicon *lex, const kt_qnode *n, clauses *pieces, kt_error *err)
{
    char *norm = NULL;
    size_t len = 0;
    kt_status st = kt_normalize(n->text, strlen(n->text), &norm, &len, NULL, err);
    bool japanese = false;
    for (size_t i = 0; st == KT_OK && i < len;) {
        uint32_t cp;
        i += kt_utf8_next(norm + i, len - i, &cp);
        japanese |= kt_is_japanese_char(cp) && !kt_is_kana_char(cp);
    }
    if (st == KT_OK && japanese)
        st = push_pieces(lex, norm, len, pieces, err);
    free(norm);
    return st;
}

static void clauses_free(clauses *c)
{
    for (size_t i = 0; i < c->count; i++)
        if (!c->items[i].borrowed)
            kt_qnode_free(c->items[i].node);
    free(c->items);
    *c = (clauses){0};
}

/* A clause that ranks: not excluded, not a filter. */
static bool scored(const kt_qnode *n)
{
    return !n->negated && n->kind != KT_Q_FILTER && n->kind != KT_Q_SIGNED;
}

kt_status kt_sentences_split(kt_lexicon *lex, kt_qnode *root, kt_ignored_list *ignored, kt_error *err)
{
    clauses out = {0};
    kt_status st = KT_OK;
    for (size_t i = 0; i < root->n_kids && st == KT_OK; i++) {
        kt_qnode *n = root->kids[i];
        clauses pieces = {0};
        if (n->kind == KT_Q_WORD && !n->negated)
            st = cut_word(lex, n, &pieces, err);
        /* one piece that is the word itself changes nothing; a year is an OR, with no text */
        const kt_qnode *only = pieces.count == 1 ? pieces.items[0].node : NULL;
        bool cut = st == KT_OK && pieces.count > 0 &&
                   (pieces.count > 1 || only->kind != KT_Q_WORD || strcmp(only->text, n->text) != 0);
        if (st == KT_OK && !cut) {
            bool phrasing = pieces.count == 1 && pieces.items[0].phrasing;
            st = push(&out, n, phrasing) == KT_OK ? KT_OK : kt_error_nomem(err);
            if (st == KT_OK)
                out.items[out.count - 1].borrowed = true;
        }
        for (size_t k = 0; cut && k < pieces.count && st == KT_OK; k++) {
            st = push(&out, pieces.items[k].node, pieces.items[k].phrasing) == KT_OK ? KT_OK : kt_error_nomem(err);
            pieces.items[k].node = NULL;
        }
        clauses_free(&pieces);
    }
    /* room for the new top level before anything changes, so that an error leaves the tree whole */
    size_t room = out.count + 1;
    kt_qnode **kids = st == KT_OK ? calloc(room, sizeof *kids) : NULL;
    if (st == KT_OK && !kids)
        st = kt_error_nomem(err);
    if (st != KT_OK) {
        clauses_free(&out);
        return st;
    }
    bool searched = false; /* something other than phrasing is left to rank by */
    for (size_t i = 0; i < out.count; i++)
        searched |= scored(out.items[i].node) && !out.items[i].phrasing;
    size_t kept = 0;
    for (size_t i = 0; i < out.count; i++) {
        clause *c = &out.items[i];
        if (searched && c->phrasing && c->node->text) {
            if (st == KT_OK && kt_ignored_add(ignored, c->node->text, strlen(c->node->text), KT_IGNORED_PHRASING) !=
                                   KT_OK)
                st = kt_error_nomem(err);
            continue; /* freed below: a piece here, a borrowed word with the old top level */
        }
        kids[kept++] = c->node;
        c->node = NULL;
        c->borrowed = false;
    }
    /* the old top level: what was kept is in kids; the words cut or dropped go */
    for (size_t i = 0; i < root->n_kids; i++) {
        bool moved = false;
        for (size_t k = 0; k < kept && !moved; k++)
            moved = kids[k] == root->kids[i];
        if (!moved)
            kt_qnode_free(root->kids[i]);
    }
    for (size_t i = 0; i < out.count; i++)
        if (out.items[i].borrowed)
            out.items[i].node = NULL; /* freed with the old top level */
    clauses_free(&out);
    free(root->kids);
    root->kids = kids;
    root->n_kids = kept;
    root->kids_cap = room;
    return st;
}

/* ---- aliases of several words ---- */

#define ALIAS_MAX_WORDS 4

/* Whether text names something in one of the lexicon's vocabularies: for a filter, its own
 * dimension's; for a word, any of them, places included. */
static kt_status is_alias(kt_lexicon *lex, const kt_qnode *first, const char *text, bool *yes, kt_error *err)
{
    size_t len = strlen(text);
    if (first->kind == KT_Q_FILTER) {
        const kt_vocab *v = first->filter == KT_DIM_COUNTRY ? lex->countries
                            : first->filter == KT_DIM_FIELD ? lex->fields
                                                            : NULL;
        *yes = v && kt_vocab_lookup(v, text, len);
        return KT_OK;
    }
    *yes = kt_vocab_lookup(lex->countries, text, len) || kt_vocab_lookup(lex->fields, text, len) ||
           kt_vocab_lookup(lex->synonyms, text, len);
    const char *place = NULL;
    kt_status st = *yes ? KT_OK : kt_lexicon_place(lex, text, len, &place, err);
    *yes |= place != NULL;
    return st;
}

static bool joinable(const kt_qnode *n)
{
    return n->kind == KT_Q_WORD && !n->negated;
}

kt_status kt_aliases_join(kt_lexicon *lex, kt_qnode *root, kt_error *err)
{
    kt_status st = KT_OK;
    for (size_t i = 0; i < root->n_kids && st == KT_OK; i++) {
        kt_qnode *first = root->kids[i];
        if (first->negated || (first->kind != KT_Q_WORD && first->kind != KT_Q_FILTER) || first->phrase)
            continue;
        /* the longest run of following words that makes an alias with this one */
        size_t best = 0;
        kt_buf joined = KT_BUF_INIT;
        kt_buf_append_str(&joined, first->text);
        for (size_t k = 1; k < ALIAS_MAX_WORDS && i + k < root->n_kids && joinable(root->kids[i + k]); k++) {
            kt_buf_append_char(&joined, ' ');
            kt_buf_append_str(&joined, root->kids[i + k]->text);
            bool yes = false;
            if (kt_buf_status(&joined) != KT_OK)
                st = kt_error_nomem(err);
            else
                st = is_alias(lex, first, kt_buf_str(&joined), &yes, err);
            if (st != KT_OK)
                break;
            if (yes)
                best = k;
        }
        kt_buf_free(&joined);
        if (st != KT_OK || best == 0)
            continue;
        kt_buf text = KT_BUF_INIT;
        kt_buf_append_str(&text, first->text);
        for (size_t k = 1; k <= best; k++) {
            kt_buf_append_char(&text, ' ');
            kt_buf_append_str(&text, root->kids[i + k]->text);
        }
        if (kt_buf_status(&text) != KT_OK) {
            kt_buf_free(&text);
            return kt_error_nomem(err);
        }
        free(first->text);
        first->text = kt_buf_steal(&text);
        for (size_t k = 1; k <= best; k++)
            kt_qnode_free(root->kids[i + k]);
        memmove(root->kids + i + 1, root->kids + i + 1 + best, (root->n_kids - i - 1 - best) * sizeof *root->kids);
        root->n_kids -= best;
    }
    return st;
}
