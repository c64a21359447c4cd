#include "lexicon.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/datadir.h"
#include "base/hash.h"

static kt_status load_vocab(const char *dir, const char *name, kt_vocab **out, kt_error *err)
{
    char *path = kt_path_join(dir, name);
    if (!path)
        return kt_error_nomem(err);
    kt_status st = kt_vocab_load(path, out, err);
    free(path);
    return st;
}

/* Adds the bytes of data_dir/name to *h. */
static kt_status hash_file(const char *data_dir, const char *name, uint64_t *h, kt_error *err)
{
    char *path = kt_path_join(data_dir, name);
    if (!path)
        return kt_error_nomem(err);
    FILE *f = fopen(path, "rb");
    if (!f) {
        kt_status st = kt_error_set(err, KT_ERR_IO, "%s: %s", path, strerror(errno));
        free(path);
        return st;
    }
    unsigned char chunk[8192];
    size_t got;
    *h = kt_fnv1a64(*h, name, strlen(name) + 1);
    while ((got = fread(chunk, 1, sizeof chunk, f)) > 0)
        *h = kt_fnv1a64(*h, chunk, got);
    kt_status st = ferror(f) ? kt_error_set(err, KT_ERR_IO, "%s: cannot read", path) : KT_OK;
    fclose(f);
    free(path);
    return st;
}

kt_status kt_lexicon_fingerprint(const kt_lexicon *lex, char out[KT_LEXICON_FINGERPRINT_SIZE], kt_error *err)
{
    static const char *const files[] = {"user.dic", "countries.tsv", "fields.tsv"};
    uint64_t h = KT_FNV1A64_INIT;
    for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
        kt_status st = hash_file(lex->data_dir, files[i], &h, err);
        if (st != KT_OK)
            return st;
    }
    snprintf(out, KT_LEXICON_FINGERPRINT_SIZE, "%016llx", (unsigned long long)h);
    return KT_OK;
}

kt_status kt_lexicon_open(const char *data_dir, kt_lexicon **out, kt_error *err)
{
    *out = NULL;
    kt_lexicon *lex = calloc(1, sizeof *lex);
    if (!lex)
        return kt_error_nomem(err);
    char *userdic = kt_path_join(data_dir, "user.dic");
    if (!userdic) {
        free(lex);
        return kt_error_nomem(err);
    }
    kt_tokenizer_config cfg = {.dicdir = NULL, .userdic = userdic};
    kt_status st = kt_tokenizer_open(&cfg, &lex->tokenizer, err);
    free(userdic);
    if (st == KT_OK)
        st = load_vocab(data_dir, "countries.tsv", &lex->countries, err);
    if (st == KT_OK)
        st = load_vocab(data_dir, "fields.tsv", &lex->fields, err);
    if (st == KT_OK)
        st = load_vocab(data_dir, "synonyms.tsv", &lex->synonyms, err);
    if (st == KT_OK)
        st = load_vocab(data_dir, "phrasing.tsv", &lex->phrasing, err);
    if (st == KT_OK && !(lex->data_dir = strdup(data_dir)))
        st = kt_error_nomem(err);
    if (st != KT_OK) {
        kt_lexicon_close(lex);
        return st;
    }
    *out = lex;
    return KT_OK;
}

void kt_lexicon_close(kt_lexicon *lex)
{
    if (!lex)
        return;
    kt_tokenizer_close(lex->tokenizer);
    kt_vocab_free(lex->countries);
    kt_vocab_free(lex->fields);
    kt_vocab_free(lex->synonyms);
    kt_vocab_free(lex->phrasing);
    kt_romaji_close(lex->romaji);
    kt_vocab_free(lex->places[0]);
    kt_vocab_free(lex->places[1]);
    free(lex->data_dir);
    free(lex);
}

kt_status kt_lexicon_romaji(kt_lexicon *lex, kt_romaji **out, kt_error *err)
{
    kt_status st = lex->romaji ? KT_OK : kt_romaji_open(&lex->romaji, err);
    *out = lex->romaji;
    return st;
}

kt_status kt_lexicon_place(kt_lexicon *lex, const char *word, size_t len, const char **out, kt_error *err)
{
    static const char *const files[] = {"places.tsv", "places-extra.tsv"};
    *out = NULL;
    for (size_t i = 0; i < 2; i++) {
        kt_status st = lex->places[i] ? KT_OK : load_vocab(lex->data_dir, files[i], &lex->places[i], err);
        if (st != KT_OK)
            return st;
        if (!*out)
            *out = kt_vocab_lookup(lex->places[i], word, len);
    }
    return KT_OK;
}

const char *kt_token_term(const kt_token *t, size_t *len)
{
    if (!t->content || t->base_len == 0 || t->base_len > KT_TERM_MAX)
        return NULL;
    *len = t->base_len;
    return t->base;
}

const char *kt_lexicon_country(const kt_lexicon *lex, const char *country, const char *partner)
{
    if (country && *country)
        return kt_vocab_lookup(lex->countries, country, strlen(country));
    if (!partner)
        return NULL;
    const char *slash = strchr(partner, '/');
    if (!slash || slash == partner)
        return NULL;
    return kt_vocab_lookup(lex->countries, partner, (size_t)(slash - partner));
}
