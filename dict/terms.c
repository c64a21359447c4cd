#include "terms.h"

#include <string.h>

#include "base/buf.h"
#include "dict/lexicon.h"
#include "dict/reading.h"
#include "dict/script.h"

static kt_status emit(kt_term_sink sink, void *ctx, kt_layer layer, const char *text, size_t len, uint32_t pos,
                      kt_error *err)
{
    if (len == 0 || len > KT_TERM_MAX)
        return KT_OK;
    kt_term t = {layer, text, len, pos};
    return sink(&t, ctx, err);
}

static kt_status words_and_readings(const kt_tokens *toks, unsigned layers, kt_term_sink sink, void *ctx,
                                    kt_error *err)
{
    kt_buf kana = KT_BUF_INIT;
    kt_status st = KT_OK;
    uint32_t pos = 0;
    for (size_t i = 0; i < toks->count && st == KT_OK; i++) {
        const kt_token *t = &toks->items[i];
        size_t len;
        const char *word = kt_token_term(t, &len);
        if (!word)
            continue;
        pos++;
        if (layers & KT_LAYER_WORD)
            st = emit(sink, ctx, KT_LAYER_WORD, word, len, pos, err);
        if (st != KT_OK || !(layers & KT_LAYER_READING))
            continue;
        /* IPADIC's reading; a word in kana (often one MeCab does not know) is its own reading;
         * indexed by its key (dict/reading.h: long vowels and ヴ/バ-style spellings folded) */
        kt_buf_clear(&kana);
        if (t->reading_len > 0)
            st = kt_reading_key(t->reading, t->reading_len, &kana);
        else if (kt_is_all_kana(t->surface, t->surface_len))
            st = kt_reading_key(t->surface, t->surface_len, &kana);
        if (st != KT_OK)
            st = kt_error_nomem(err);
        else if (kana.len)
            st = emit(sink, ctx, KT_LAYER_READING, kana.data, kana.len, pos, err);
    }
    kt_buf_free(&kana);
    return st;
}

/* Bigrams of every run of Japanese script in the normalised text. */
static kt_status ngrams(const char *text, size_t len, kt_term_sink sink, void *ctx, kt_error *err)
{
    size_t prev_start = 0, prev_len = 0; /* the previous character, when it was Japanese */
    bool prev_japanese = false;
    uint32_t index = 0;
    for (size_t i = 0; i < len;) {
        uint32_t cp;
        size_t n = kt_utf8_next(text + i, len - i, &cp);
        index++;
        bool japanese = kt_is_japanese_char(cp);
        if (japanese && prev_japanese) {
            kt_status st = emit(sink, ctx, KT_LAYER_NGRAM, text + prev_start, prev_len + n, index - 1, err);
            if (st != KT_OK)
                return st;
        }
        prev_japanese = japanese;
        prev_start = i;
        prev_len = n;
        i += n;
    }
    return KT_OK;
}

kt_status kt_terms_of_tokens(const kt_tokens *toks, unsigned layers, kt_term_sink sink, void *ctx, kt_error *err)
{
    kt_status st = KT_OK;
    if (layers & (KT_LAYER_WORD | KT_LAYER_READING))
        st = words_and_readings(toks, layers, sink, ctx, err);
    if (st == KT_OK && (layers & KT_LAYER_NGRAM))
        st = ngrams(toks->text, toks->text_len, sink, ctx, err);
    return st;
}

kt_status kt_terms_of_text(kt_tokenizer *tok, const char *text, size_t len, unsigned layers, kt_term_sink sink,
                           void *ctx, kt_error *err)
{
    kt_tokens toks = {0};
    kt_status st = kt_tokenize(tok, text, len, &toks, err);
    if (st == KT_OK)
        st = kt_terms_of_tokens(&toks, layers, sink, ctx, err);
    kt_tokens_free(&toks);
    return st;
}
