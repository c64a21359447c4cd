/* kyotei — the lexicon: everything that decides how kyotei sees words, loaded together.
 *
 * The indexer and the searcher each open one lexicon from the same data directory, so documents
 * and queries are normalised, tokenized and canonicalised by the same code and the same files:
 *   <data_dir>/user.dic       the compiled MeCab user dictionary (with IPADIC UTF-8)
 *   <data_dir>/countries.tsv  the country vocabulary
 *   <data_dir>/fields.tsv     the field vocabulary
 *   <data_dir>/synonyms.tsv   groups of words that mean the same (a query for one finds the others)
 *   <data_dir>/phrasing.tsv   request phrasing (探す, 知る, 関する): words of a query that are not searched
 *   <data_dir>/places.tsv, places-extra.tsv  places by their English, romaji and kana names (read on
 *                             first use: most queries name no place in Latin letters or kana)
 *
 * Ownership: the caller owns the kt_lexicon and closes it with kt_lexicon_close. It holds one
 * MeCab tagger, so use one lexicon per thread.
 * Errors: KT_ERR_IO or KT_ERR_DICT naming the file that could not be loaded.
 */
#ifndef KT_DICT_LEXICON_H
#define KT_DICT_LEXICON_H

#include <stdbool.h>
#include <stddef.h>

#include "base/error.h"
#include "dict/fields.h"
#include "dict/romaji.h"
#include "dict/tokenizer.h"
#include "dict/vocab.h"

/* Xapian cannot store terms longer than 245 bytes; kyotei leaves out longer words at index time
 * and at query time alike (a "word" that long is noise: a run of symbols or a pasted blob). */
#define KT_TERM_MAX 200

typedef struct kt_lexicon {
    kt_tokenizer *tokenizer;
    kt_vocab *countries;
    kt_vocab *fields;
    kt_vocab *synonyms;
    kt_vocab *phrasing;  /* query words that say what to do, not what to find (dict/phrasing.tsv) */
    char *data_dir;  /* where it was loaded from */
    kt_romaji *romaji; /* opened on first use (kt_lexicon_romaji): most queries have no romaji */
    kt_vocab *places[2]; /* places.tsv and places-extra.tsv, loaded on first use (kt_lexicon_places) */
} kt_lexicon;

kt_status kt_lexicon_open(const char *data_dir, kt_lexicon **out, kt_error *err);
void kt_lexicon_close(kt_lexicon *lex);  /* NULL allowed */

/* The lexicon's romaji reader (dict/romaji.h), opened the first time it is asked for and kept.
 * Errors: those of kt_romaji_open. */
kt_status kt_lexicon_romaji(kt_lexicon *lex, kt_romaji **out, kt_error *err);

/* The Japanese name of the place `word` names in English, romaji or kana (dict/places.tsv, then
 * dict/places-extra.tsv), or NULL. The files are loaded the first time. Pointer owned by the
 * lexicon. Errors: those of kt_vocab_load (naming FILE:LINE). */
kt_status kt_lexicon_place(kt_lexicon *lex, const char *word, size_t len, const char **out, kt_error *err);

/* 16 hex digits and a NUL. */
#define KT_LEXICON_FINGERPRINT_SIZE 17

/* A fingerprint of the files that decide an agreement's terms: FNV-1a of the bytes of user.dic,
 * countries.tsv and fields.tsv (not synonyms.tsv, which only queries read), as they are in the
 * data directory now. An index records the fingerprint it was built with, so that an update can
 * tell the dictionaries changed since: the agreements already indexed would keep terms the new
 * dictionaries no longer give. Read on demand (only writers need it), not by kt_lexicon_open.
 * Errors: KT_ERR_IO naming the file that could not be read, KT_ERR_NOMEM. */
kt_status kt_lexicon_fingerprint(const kt_lexicon *lex, char out[KT_LEXICON_FINGERPRINT_SIZE], kt_error *err);

/* The index term of a content token (its normalised base form), or NULL when the token is not
 * indexed (not a content word, or longer than KT_TERM_MAX). *len receives the term's length. */
const char *kt_token_term(const kt_token *t, size_t *len);

/* The canonical country of an agreement: `country` looked up in the vocabulary; when empty, the
 * country part of a partner written `国/相手`. Returns the vocabulary's name, or NULL when neither
 * names a known country (the caller then keeps what was written). */
const char *kt_lexicon_country(const kt_lexicon *lex, const char *country, const char *partner);

#endif
