/* kyotei — MeCab tokens: surface, base form, reading, part of speech and offsets.
 *
 * kt_tokenize normalises a text (dict/normalize.h) and runs MeCab with IPADIC (UTF-8) and, when
 * configured, kyotei's user dictionary (share/kyotei/user.dic, built from dict/userdic.csv). The
 * index and the query side both call it, so documents and queries see words the same way.
 *
 * Every morpheme MeCab finds becomes a token, function words included; whitespace never does.
 * `content` marks the words kyotei indexes (dict/README.md has the rule): nouns, proper nouns,
 * numbers, place suffixes (県 市 州 省 区 …), verbs and adjectives by their base form, and words
 * MeCab does not know; not particles, auxiliaries, symbols, pronouns or 非自立 nouns (こと, ため).
 *
 * Threads: a kt_tokenizer is not thread-safe; use one per thread.
 * Ownership: kt_tokenize fills a caller-provided kt_tokens; everything it points to belongs to that
 * kt_tokens and is released by kt_tokens_free. Tokens stay valid after kt_tokenizer_close.
 * Errors: kt_status plus a message in kt_error (see base/error.h).
 */
#ifndef KT_DICT_TOKENIZER_H
#define KT_DICT_TOKENIZER_H

#include <stdbool.h>
#include <stddef.h>

#include "base/error.h"

typedef struct kt_tokenizer kt_tokenizer; /* MeCab model + tagger + lattice; use one per thread */

typedef enum kt_pos {
    KT_POS_NOUN,
    KT_POS_PROPER_NOUN,
    KT_POS_NUMBER,
    KT_POS_VERB,
    KT_POS_ADJECTIVE,
    KT_POS_SUFFIX,
    KT_POS_PREFIX,
    KT_POS_UNKNOWN,  /* MeCab's unknown words (latin words, rare kanji names ...) */
    KT_POS_FUNCTION, /* particles, auxiliaries, conjunctions */
    KT_POS_SYMBOL,   /* punctuation, brackets, other symbols (also when MeCab calls them nouns) */
    KT_POS_OTHER     /* adverbs, adnominals, interjections, fillers */
} kt_pos;

typedef struct kt_token {
    const char *surface; /* normalised surface, points into kt_tokens.text */
    size_t surface_len;
    const char *base;    /* normalised base form (dictionary form of verbs/adjectives); = surface
                            when MeCab gives '*'. Points into memory owned by kt_tokens */
    size_t base_len;
    const char *reading; /* katakana reading from IPADIC, length 0 when unknown (never NULL) */
    size_t reading_len;
    size_t start, end;   /* byte span in the ORIGINAL input passed to kt_tokenize. When one input
                            character expands into several tokens (㍻ → 平成), each of them spans
                            that whole character. */
    kt_pos pos;
    bool content;        /* true for words kyotei indexes */
} kt_token;

typedef struct kt_tokens {
    kt_token *items;
    size_t count;
    char *text; /* the normalised text (NUL-terminated) */
    size_t text_len;
    size_t *map; /* text_len + 1 entries: map[i] is the byte of the original input where the
                    character that produced text[i] starts; map[text_len] is the input's length */
    /* private: storage for base forms and readings, released by kt_tokens_free */
    struct kt_token_arena *arena_;
    size_t cap_;
} kt_tokens;

typedef struct kt_tokenizer_config {
    const char *dicdir;  /* IPADIC UTF-8 directory; NULL = kt_dict_default_dicdir() */
    const char *userdic; /* compiled user dictionary (.dic) or NULL */
} kt_tokenizer_config;

/* The IPADIC path kyotei was configured with (CMake cache variable KYOTEI_IPADIC_DIR). Static. */
const char *kt_dict_default_dicdir(void);

/* Loads the dictionaries. cfg may be NULL (IPADIC from kt_dict_default_dicdir, no user
 * dictionary). *out is set to NULL on error.
 * Errors: KT_ERR_DICT with MeCab's message when a dictionary cannot be loaded, or when a
 * dictionary is not UTF-8; KT_ERR_NOMEM. */
kt_status kt_tokenizer_open(const kt_tokenizer_config *cfg, kt_tokenizer **out, kt_error *err);

/* Normalises text[0, len) (kt_normalize) then runs MeCab over it, sentence by sentence (MeCab's
 * memory grows with the sentence, so over-long sentences are cut at about 4 KiB, preferably after
 * punctuation or whitespace or between scripts). *out is reset first and filled; the caller calls
 * kt_tokens_free even on error. Tokens come in text order. Time and memory are linear in len
 * (about 30 bytes per input byte at the peak, most of it the tokens themselves).
 * Errors: KT_ERR_ENCODING (invalid UTF-8 or NUL, offset in the message), KT_ERR_DICT (MeCab
 * failed), KT_ERR_INPUT (t is NULL), KT_ERR_NOMEM. */
kt_status kt_tokenize(kt_tokenizer *t, const char *text, size_t len, kt_tokens *out, kt_error *err);

/* Frees what kt_tokenize put in *toks (not toks itself) and zeroes it; NULL allowed. */
void kt_tokens_free(kt_tokens *toks);

/* NULL allowed. */
void kt_tokenizer_close(kt_tokenizer *t);

/* A short stable English name for a part of speech ("noun", "proper_noun", ...), never NULL. */
const char *kt_pos_name(kt_pos pos);

#endif
