#include "dict/tokenizer.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <mecab.h>
#include <utf8proc.h>

#include "base/buf.h"
#include "base/grow.h"
#include "dict/normalize.h"

#ifndef KYOTEI_IPADIC_DIR
#error "KYOTEI_IPADIC_DIR must be defined by the build"
#endif

/* MeCab's lattice grows with the sentence it is given, so long sentences are cut near this size. */
#define PIECE_BYTES 4096
/* How far back from PIECE_BYTES a cut looks for a friendlier place than "anywhere". */
#define PIECE_LOOKBACK 1024
#define ARENA_BLOCK 65536
/* IPADIC features: pos, pos1, pos2, pos3, conjugation type, form, base, reading, pronunciation. */
#define MAX_FEATURES 9

struct kt_tokenizer {
    mecab_model_t *model;
    mecab_t *tagger;
    mecab_lattice_t *lattice;
};

/* Base forms and readings live in blocks that never move, so tokens can point into them. */
struct kt_token_arena {
    struct kt_token_arena *next;
    size_t used, cap;
    char data[];
};

typedef struct field {
    const char *s;
    size_t len;
} field;

const char *kt_dict_default_dicdir(void)
{
    return KYOTEI_IPADIC_DIR;
}

const char *kt_pos_name(kt_pos pos)
{
    switch (pos) {
    case KT_POS_NOUN: return "noun";
    case KT_POS_PROPER_NOUN: return "proper_noun";
    case KT_POS_NUMBER: return "number";
    case KT_POS_VERB: return "verb";
    case KT_POS_ADJECTIVE: return "adjective";
    case KT_POS_SUFFIX: return "suffix";
    case KT_POS_PREFIX: return "prefix";
    case KT_POS_UNKNOWN: return "unknown";
    case KT_POS_FUNCTION: return "function";
    case KT_POS_SYMBOL: return "symbol";
    case KT_POS_OTHER: return "other";
    }
    return "other";
}

/* ---- opening ---------------------------------------------------------------------------- */

static bool is_utf8_charset(const char *charset)
{
    return charset && (strcasecmp(charset, "utf-8") == 0 || strcasecmp(charset, "utf8") == 0);
}

kt_status kt_tokenizer_open(const kt_tokenizer_config *cfg, kt_tokenizer **out, kt_error *err)
{
    *out = NULL;
    const char *dicdir = cfg && cfg->dicdir ? cfg->dicdir : kt_dict_default_dicdir();
    const char *userdic = cfg ? cfg->userdic : NULL;

    if (userdic) {
        /* Checked here because MeCab leaks memory when it fails to open a user dictionary. */
        FILE *f = fopen(userdic, "rb");
        if (!f)
            return kt_error_set(err, KT_ERR_DICT, "cannot open the user dictionary %s: %s", userdic,
                                strerror(errno));
        fclose(f);
    }

    /* MeCab reads a resource file before the dictionary; naming the dictionary's own dicrc keeps
     * $MECABRC and the user's and system's mecabrc (which may name another dictionary) out of the
     * way. */
    kt_buf rcfile = KT_BUF_INIT;
    if (kt_buf_printf(&rcfile, "%s/dicrc", dicdir) != KT_OK)
        return kt_error_set(err, KT_ERR_NOMEM, "out of memory opening the tokenizer");
    char *argv[8];
    int argc = 0;
    argv[argc++] = (char *)"kyotei";
    argv[argc++] = (char *)"-r";
    argv[argc++] = rcfile.data;
    argv[argc++] = (char *)"-d";
    argv[argc++] = (char *)dicdir;
    if (userdic) {
        argv[argc++] = (char *)"-u";
        argv[argc++] = (char *)userdic;
    }
    argv[argc] = NULL;

    mecab_model_t *model = mecab_model_new(argc, argv);
    kt_buf_free(&rcfile);
    if (!model) {
        const char *why = mecab_strerror(NULL);
        return kt_error_set(err, KT_ERR_DICT, "cannot load the MeCab dictionary %s%s%s: %s", dicdir,
                            userdic ? " with user dictionary " : "", userdic ? userdic : "",
                            why && *why ? why : "unknown MeCab error");
    }
    for (const mecab_dictionary_info_t *d = mecab_model_dictionary_info(model); d; d = d->next) {
        if (!is_utf8_charset(d->charset)) {
            kt_error_set(err, KT_ERR_DICT, "MeCab dictionary %s is %s, kyotei needs UTF-8", d->filename,
                         d->charset ? d->charset : "of unknown charset");
            mecab_model_destroy(model);
            return KT_ERR_DICT;
        }
    }

    kt_tokenizer *t = calloc(1, sizeof *t);
    if (!t) {
        mecab_model_destroy(model);
        return kt_error_set(err, KT_ERR_NOMEM, "out of memory opening the tokenizer");
    }
    t->model = model;
    t->tagger = mecab_model_new_tagger(model);
    t->lattice = mecab_model_new_lattice(model);
    if (!t->tagger || !t->lattice) {
        const char *why = mecab_strerror(NULL);
        kt_tokenizer_close(t);
        return kt_error_set(err, KT_ERR_DICT, "cannot start MeCab on %s: %s", dicdir,
                            why && *why ? why : "unknown MeCab error");
    }
    *out = t;
    return KT_OK;
}

void kt_tokenizer_close(kt_tokenizer *t)
{
    if (!t)
        return;
    if (t->lattice)
        mecab_lattice_destroy(t->lattice);
    if (t->tagger)
        mecab_destroy(t->tagger);
    if (t->model)
        mecab_model_destroy(t->model);
    free(t);
}

/* ---- token storage ---------------------------------------------------------------------- */

void kt_tokens_free(kt_tokens *toks)
{
    if (!toks)
        return;
    free(toks->items);
    free(toks->text);
    free(toks->map);
    for (struct kt_token_arena *a = toks->arena_; a;) {
        struct kt_token_arena *next = a->next;
        free(a);
        a = next;
    }
    memset(toks, 0, sizeof *toks);
}

static const char *arena_copy(kt_tokens *toks, const char *s, size_t n)
{
    struct kt_token_arena *a = toks->arena_;
    if (!a || a->cap - a->used < n + 1) {
        size_t cap = n + 1 > ARENA_BLOCK ? n + 1 : ARENA_BLOCK;
        a = malloc(sizeof *a + cap);
        if (!a)
            return NULL;
        a->next = toks->arena_;
        a->used = 0;
        a->cap = cap;
        toks->arena_ = a;
    }
    char *dst = a->data + a->used;
    memcpy(dst, s, n);
    dst[n] = '\0';
    a->used += n + 1;
    return dst;
}

static kt_token *push_token(kt_tokens *toks)
{
    if (KT_GROW(toks->items, toks->cap_, toks->count + 1) != KT_OK)
        return NULL;
    kt_token *tok = &toks->items[toks->count++];
    memset(tok, 0, sizeof *tok);
    return tok;
}

/* ---- classification --------------------------------------------------------------------- */

static bool field_is(const field *f, const char *s)
{
    size_t n = strlen(s);
    return f->len == n && memcmp(f->s, s, n) == 0;
}

static size_t split_features(const char *feature, field *f)
{
    size_t n = 0;
    const char *p = feature ? feature : "";
    while (n < MAX_FEATURES) {
        const char *comma = strchr(p, ',');
        f[n].s = p;
        f[n].len = comma ? (size_t)(comma - p) : strlen(p);
        n++;
        if (!comma)
            break;
        p = comma + 1;
    }
    return n;
}

/* Punctuation, symbols, separators and controls: after NFKC, ASCII brackets and slashes reach
 * MeCab as unknown "nouns" (IPADIC only knows their full-width forms as 記号). */
static bool all_symbols(const char *s, size_t n)
{
    for (size_t i = 0; i < n;) {
        utf8proc_int32_t c;
        utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)s + i, (utf8proc_ssize_t)(n - i), &c);
        if (k <= 0)
            return false;
        switch (utf8proc_category(c)) {
        case UTF8PROC_CATEGORY_PC: case UTF8PROC_CATEGORY_PD: case UTF8PROC_CATEGORY_PS:
        case UTF8PROC_CATEGORY_PE: case UTF8PROC_CATEGORY_PI: case UTF8PROC_CATEGORY_PF:
        case UTF8PROC_CATEGORY_PO: case UTF8PROC_CATEGORY_SM: case UTF8PROC_CATEGORY_SC:
        case UTF8PROC_CATEGORY_SK: case UTF8PROC_CATEGORY_SO: case UTF8PROC_CATEGORY_ZS:
        case UTF8PROC_CATEGORY_ZL: case UTF8PROC_CATEGORY_ZP: case UTF8PROC_CATEGORY_CC:
        case UTF8PROC_CATEGORY_CF:
            break;
        default:
            return false;
        }
        i += (size_t)k;
    }
    return true;
}

static bool all_hiragana(const char *s, size_t n)
{
    for (size_t i = 0; i < n;) {
        utf8proc_int32_t c;
        utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)s + i, (utf8proc_ssize_t)(n - i), &c);
        if (k <= 0 || c < 0x3041 || c > 0x309F)
            return false;
        i += (size_t)k;
    }
    return n > 0;
}

/* Verbs and adjectives that IPADIC calls 自立 but that say nothing on their own: 交流を促進する
 * is found by 交流 and 促進, and a search for する would match every agreement. */
static bool is_light_word(const field *base)
{
    static const char *const light[] = {"する", "ある", "いる", "なる", "できる", "ない"};
    for (size_t i = 0; i < sizeof light / sizeof light[0]; i++)
        if (field_is(base, light[i]))
            return true;
    return false;
}

/* The content-word rule of dict/README.md, from IPADIC's part-of-speech fields. */
static void classify(const field *f, size_t nf, bool unknown, const char *surface, size_t len,
                     kt_pos *pos, bool *content)
{
    static const field none = {"", 0};
    const field *f0 = nf > 0 ? &f[0] : &none, *f1 = nf > 1 ? &f[1] : &none, *f2 = nf > 2 ? &f[2] : &none;
    *content = false;
    *pos = KT_POS_OTHER;

    if (field_is(f0, "記号") || all_symbols(surface, len)) {
        *pos = KT_POS_SYMBOL;
        return;
    }
    if (unknown) {
        *pos = field_is(f0, "名詞") && field_is(f1, "数") ? KT_POS_NUMBER : KT_POS_UNKNOWN;
        *content = true;
        return;
    }
    if (field_is(f0, "名詞")) {
        *pos = KT_POS_NOUN;
        if (field_is(f1, "数")) {
            *pos = KT_POS_NUMBER;
            *content = true;
        } else if (field_is(f1, "固有名詞")) {
            *pos = KT_POS_PROPER_NOUN;
            *content = true;
        } else if (field_is(f1, "接尾")) {
            /* 県 市 州 省 区 族 … carry meaning in place names; counters (年, 月), 的, 化, さん,
             * 等 and kana suffixes (ごと, たち) do not. */
            *pos = KT_POS_SUFFIX;
            *content = (field_is(f2, "地域") || field_is(f2, "一般")) && !all_hiragana(surface, len) &&
                       !(len == strlen("等") && memcmp(surface, "等", len) == 0);
        } else if (field_is(f1, "副詞可能")) {
            *content = !all_hiragana(surface, len); /* 将来, 以降 yes; それぞれ no */
        } else {
            *content = field_is(f1, "一般") || field_is(f1, "サ変接続") || field_is(f1, "形容動詞語幹") ||
                       field_is(f1, "ナイ形容詞語幹");
        }
    } else if (field_is(f0, "動詞") || field_is(f0, "形容詞")) {
        *pos = field_is(f0, "動詞") ? KT_POS_VERB : KT_POS_ADJECTIVE;
        *content = field_is(f1, "自立") && !is_light_word(nf > 6 ? &f[6] : &none);
    } else if (field_is(f0, "接頭詞")) {
        *pos = KT_POS_PREFIX;
    } else if (field_is(f0, "助詞") || field_is(f0, "助動詞") || field_is(f0, "接続詞")) {
        *pos = KT_POS_FUNCTION;
    }
}

/* ---- sentences -------------------------------------------------------------------------- */

typedef enum script { SCRIPT_HIRAGANA, SCRIPT_KATAKANA, SCRIPT_HAN, SCRIPT_LATIN, SCRIPT_BREAK, SCRIPT_OTHER } script;

static script script_of(utf8proc_int32_t c)
{
    if (c >= 0x3041 && c <= 0x309F)
        return SCRIPT_HIRAGANA;
    if (c >= 0x30A0 && c <= 0x30FF)
        return SCRIPT_KATAKANA;
    if ((c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF) || (c >= 0xF900 && c <= 0xFAFF) ||
        (c >= 0x20000 && c <= 0x3FFFF) || c == 0x3005)
        return SCRIPT_HAN;
    if (c < 0x80 && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')))
        return SCRIPT_LATIN;
    switch (utf8proc_category(c)) {
    case UTF8PROC_CATEGORY_PS: case UTF8PROC_CATEGORY_PE: case UTF8PROC_CATEGORY_PO:
    case UTF8PROC_CATEGORY_PD: case UTF8PROC_CATEGORY_ZS: case UTF8PROC_CATEGORY_CC:
        return SCRIPT_BREAK;
    default:
        return SCRIPT_OTHER;
    }
}

static utf8proc_int32_t decode_at(const char *s, size_t n, size_t i, size_t *k)
{
    utf8proc_int32_t c = 0;
    utf8proc_ssize_t r = utf8proc_iterate((const utf8proc_uint8_t *)s + i, (utf8proc_ssize_t)(n - i), &c);
    *k = r > 0 ? (size_t)r : 1;
    return c;
}

/* Start of the character that ends just before i (s is valid UTF-8, i > 0). */
static size_t prev_char(const char *s, size_t i)
{
    do
        i--;
    while (i > 0 && ((unsigned char)s[i] & 0xC0) == 0x80);
    return i;
}

/* Where to cut a sentence that is still going at `limit` (a character boundary after start):
 * after punctuation or a space if there is one in the last PIECE_LOOKBACK bytes, else between two
 * scripts, else at limit. */
static size_t cut_long_sentence(const char *s, size_t n, size_t start, size_t limit)
{
    size_t floor = limit - start > PIECE_LOOKBACK ? limit - PIECE_LOOKBACK : start;
    size_t script_cut = 0;
    for (size_t p = limit; p > floor;) {
        size_t q = prev_char(s, p), k;
        if (q <= start)
            break;
        script before = script_of(decode_at(s, n, q, &k));
        if (before == SCRIPT_BREAK)
            return p;
        script after = script_of(decode_at(s, n, p, &k));
        if (!script_cut && before != after)
            script_cut = p;
        p = q;
    }
    return script_cut ? script_cut : limit;
}

static bool is_ascii_alnum(unsigned char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* End (exclusive) of the piece of s that starts at `start`: after 。 or a sentence-ending . ! ?
 * (one not followed by a letter or digit, so 2.5 and www.pref.jp stay whole), before a line
 * break, or cut near PIECE_BYTES. */
static size_t piece_end(const char *s, size_t n, size_t start)
{
    size_t i = start;
    while (i < n) {
        unsigned char c = (unsigned char)s[i];
        if (c == '\n' || c == '\r')
            return i;
        size_t k;
        decode_at(s, n, i, &k);
        if (i + k - start > PIECE_BYTES && i > start)
            return cut_long_sentence(s, n, start, i);
        if (c == 0xE3 && k == 3 && (unsigned char)s[i + 1] == 0x80 && (unsigned char)s[i + 2] == 0x82)
            return i + 3; /* 。 */
        if ((c == '.' || c == '!' || c == '?') && (i + 1 == n || !is_ascii_alnum((unsigned char)s[i + 1])))
            return i + 1;
        i += k;
    }
    return n;
}

/* ---- tokenizing ------------------------------------------------------------------------- */

typedef struct run {
    kt_tokens *toks;
    const size_t *map;  /* normalised byte -> original byte */
    size_t in_len;
} run;

/* End in the original text of a token ending at normalised byte ne: the end of the input
 * character that produced byte ne - 1. */
static size_t original_end(const run *r, size_t ne)
{
    size_t unit = r->map[ne - 1];
    while (ne < r->toks->text_len && r->map[ne] == unit)
        ne++;
    return ne < r->toks->text_len ? r->map[ne] : r->in_len;
}

static kt_status add_token(run *r, const mecab_node_t *node, size_t ns, kt_error *err)
{
    kt_tokens *toks = r->toks;
    field f[MAX_FEATURES];
    size_t nf = split_features(node->feature, f);
    const char *surface = toks->text + ns;
    size_t len = node->length;

    kt_token *tok = push_token(toks);
    if (!tok)
        return kt_error_set(err, KT_ERR_NOMEM, "out of memory storing tokens");
    tok->surface = surface;
    tok->surface_len = len;
    tok->base = surface;
    tok->base_len = len;
    tok->reading = "";
    tok->reading_len = 0;
    tok->start = r->map[ns];
    tok->end = original_end(r, ns + len);
    classify(f, nf, node->stat == MECAB_UNK_NODE, surface, len, &tok->pos, &tok->content);

    if (nf > 6 && !field_is(&f[6], "*") && !(f[6].len == len && memcmp(f[6].s, surface, len) == 0)) {
        /* IPADIC writes some base forms in forms kyotei normalises away (full-width letters). */
        char *base;
        size_t base_len;
        kt_status st = kt_normalize(f[6].s, f[6].len, &base, &base_len, NULL, err);
        if (st == KT_OK) {
            tok->base = arena_copy(toks, base, base_len);
            tok->base_len = base_len;
            free(base);
            if (!tok->base)
                return kt_error_set(err, KT_ERR_NOMEM, "out of memory storing tokens");
        } else if (st == KT_ERR_NOMEM) {
            return st;
        }
        /* A base form MeCab cannot spell in UTF-8 keeps the surface. */
    }
    if (nf > 7 && !field_is(&f[7], "*") && f[7].len > 0) {
        tok->reading = arena_copy(toks, f[7].s, f[7].len);
        tok->reading_len = f[7].len;
        if (!tok->reading)
            return kt_error_set(err, KT_ERR_NOMEM, "out of memory storing tokens");
    }
    return KT_OK;
}

static kt_status tokenize_piece(kt_tokenizer *t, run *r, size_t start, size_t end, kt_error *err)
{
    mecab_lattice_set_sentence2(t->lattice, r->toks->text + start, end - start);
    if (!mecab_parse_lattice(t->tagger, t->lattice)) {
        const char *why = mecab_lattice_strerror(t->lattice);
        return kt_error_set(err, KT_ERR_DICT, "MeCab failed at normalised byte %zu: %s", start,
                            why && *why ? why : "unknown MeCab error");
    }
    const char *sentence = mecab_lattice_get_sentence(t->lattice);
    for (const mecab_node_t *node = mecab_lattice_get_bos_node(t->lattice); node; node = node->next) {
        if (node->stat == MECAB_BOS_NODE || node->stat == MECAB_EOS_NODE || node->length == 0)
            continue;
        size_t offset = (size_t)(node->surface - sentence);
        if (offset + node->length > end - start)
            return kt_error_set(err, KT_ERR_INTERNAL, "MeCab returned a token outside its sentence");
        kt_status st = add_token(r, node, start + offset, err);
        if (st != KT_OK)
            return st;
    }
    return KT_OK;
}

kt_status kt_tokenize(kt_tokenizer *t, const char *text, size_t len, kt_tokens *out, kt_error *err)
{
    memset(out, 0, sizeof *out);
    if (!t)
        return kt_error_set(err, KT_ERR_INPUT, "kt_tokenize called without a tokenizer");
    kt_status st = kt_normalize(text, len, &out->text, &out->text_len, &out->map, err);
    if (st != KT_OK)
        return st;

    run r = {out, out->map, len};
    const char *s = out->text;
    size_t n = out->text_len;
    for (size_t i = 0; i < n && st == KT_OK;) {
        if (s[i] == '\n' || s[i] == '\r') {
            i++;
            continue;
        }
        size_t end = piece_end(s, n, i);
        st = tokenize_piece(t, &r, i, end, err);
        i = end;
    }
    return st;
}
