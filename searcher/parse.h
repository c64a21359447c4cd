/* kyotei — the query language: what a person types, as a tree.
 *
 *   青少年 交流            words: all must match
 *   観光 OR 医療           either (OR binds tighter than the implicit AND: `a b OR c` = a AND (b OR c))
 *   交流 -中国             not
 *   "経済交流"             a phrase (also “…”)
 *   country:台湾 field:観光 municipality:仙台市 prefecture:宮城県 title:覚書
 *   signed:2010..2016  signed:2010..  signed:..2016  signed:2012
 *   観光 AND 医療  観光 かつ 医療    the same as 観光 医療
 *   観光 または 医療                 the same as 観光 OR 医療
 *   交流 NOT 中国  交流 中国 以外  交流 中国以外    the same as 交流 -中国
 *   平成28年  H28  令和元年  2016年  a year: signed in it, or named in the text (dict/era.h)
 *
 * The parser never fails on what people type: an unbalanced quote runs to the end; a dangling
 * OR, NOT or 以外, a lone minus and a signed: that names no years are not searched and are listed
 * in *ignored with the reason; an unknown prefix (`foo:bar`) is part of the word and listed as no
 * prefix (a URL's `http://` is not). Full-width forms of the syntax characters (　＂－：ＯＲ ＡＮＤ
 * ＮＯＴ) work like their ASCII forms.
 *
 * Ownership: kt_parse returns a tree the caller frees with kt_qnode_free, and adds to *ignored
 * (which may be NULL; the caller owns it, and on error it is left empty). Errors: KT_ERR_NOMEM,
 * KT_ERR_LIMIT (more than KT_PARSE_MAX_NODES words and operators).
 */
#ifndef KT_SEARCHER_PARSE_H
#define KT_SEARCHER_PARSE_H

#include <stdbool.h>
#include <stddef.h>

#include "base/error.h"
#include "kyotei/search.h" /* kt_dimension */

#define KT_PARSE_MAX_NODES 256

typedef enum kt_qkind {
    KT_Q_AND,     /* kids all must match (the top of every tree) */
    KT_Q_OR,      /* any kid */
    KT_Q_WORD,    /* text: one word as typed */
    KT_Q_PHRASE,  /* text: the words in order */
    KT_Q_FILTER,  /* field + text: country, field, municipality, prefecture (exact, canonicalised) */
    KT_Q_TITLE,   /* text: a word or phrase that must be in the title */
    KT_Q_SIGNED   /* lo..hi: signing years, 0 for an open end */
} kt_qkind;

typedef struct kt_qnode {
    kt_qkind kind;
    bool negated;              /* `-x`: documents matching this are removed */
    char *text;                /* WORD, PHRASE, FILTER, TITLE */
    kt_dimension filter;       /* FILTER: which facet (a query_prefix one of schema/dimension.h) */
    bool phrase;               /* TITLE: the text was quoted */
    int lo, hi;                /* SIGNED */
    struct kt_qnode **kids;    /* AND, OR */
    size_t n_kids, kids_cap;   /* kids_cap: the room in kids */
} kt_qnode;

kt_status kt_parse(const char *query, kt_qnode **out, kt_ignored_list *ignored, kt_error *err);
void kt_qnode_free(kt_qnode *n);  /* NULL allowed */

/* The node the parser makes of one bare word text[0..len) (a WORD, or for a year the OR of the
 * word and the signing year): for the query builder, which cuts a sentence into words. */
kt_status kt_qnode_word(const char *text, size_t len, kt_qnode **out);

/* A one-line rendering of the tree, for tests and fuzzing: AND(WORD(a) OR(WORD(b) WORD(c)) -WORD(d)).
 * malloc'd; NULL when memory runs out. */
char *kt_qnode_describe(const kt_qnode *n);

#endif
