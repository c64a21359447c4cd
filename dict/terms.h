/* kyotei — the index terms of a text, in three layers, made the same way for documents and
 * queries.
 *
 *   KT_LAYER_WORD     the base form of every content word MeCab finds (dict/tokenizer.h)
 *   KT_LAYER_READING  the katakana reading of every content word (IPADIC's, or the word itself when
 *                     it is kana), so that `かんこう` finds 観光
 *   KT_LAYER_NGRAM    every pair of adjacent characters inside a run of Japanese script, so that a
 *                     phrase of bigrams finds any substring of two or more characters — also inside
 *                     a compound MeCab keeps whole (日本国青森県 holds 日本国) or cuts differently when
 *                     it stands alone
 *
 * Word and reading terms are numbered by content word (1, 2, …), n-grams by character (the
 * 1-based position of the bigram's first character in the normalised text), so that a phrase over
 * either layer checks adjacency in its own numbering. Terms carry no prefix: which prefix a layer
 * gets in the index is schema/schema.h's business.
 *
 * Errors: those of kt_tokenize, KT_ERR_NOMEM, and whatever the sink returns (which stops the walk).
 */
#ifndef KT_DICT_TERMS_H
#define KT_DICT_TERMS_H

#include <stddef.h>
#include <stdint.h>

#include "base/error.h"
#include "dict/tokenizer.h"

typedef enum kt_layer {
    KT_LAYER_WORD = 1,
    KT_LAYER_READING = 2,
    KT_LAYER_NGRAM = 4
} kt_layer;

#define KT_LAYERS_ALL (KT_LAYER_WORD | KT_LAYER_READING | KT_LAYER_NGRAM)

typedef struct kt_term {
    kt_layer layer;
    const char *text; /* valid only during the sink call */
    size_t len;
    uint32_t pos;
} kt_term;

typedef kt_status (*kt_term_sink)(const kt_term *term, void *ctx, kt_error *err);

/* Calls sink for each term of the requested layers (a mask of kt_layer), words and readings in
 * text order, then n-grams in text order. Words longer than KT_TERM_MAX are left out. */
kt_status kt_terms_of_text(kt_tokenizer *tok, const char *text, size_t len, unsigned layers, kt_term_sink sink,
                           void *ctx, kt_error *err);

/* The same, over text that kt_tokenize has already tokenized. */
kt_status kt_terms_of_tokens(const kt_tokens *toks, unsigned layers, kt_term_sink sink, void *ctx, kt_error *err);

#endif
