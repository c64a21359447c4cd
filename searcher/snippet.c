#include "snippet.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/grow.h"
#include "dict/reading.h"
#include "dict/normalize.h"
#include "dict/script.h"

/* A matched word: its byte span in the text and which query term it is. */
typedef struct match {
    size_t start, end;
    size_t term;
} match;

static bool utf8_continuation(unsigned char c)
{
    return (c & 0xC0) == 0x80;
}

/* The byte offset max_chars characters after `from` (or the text's end). */
static size_t advance_chars(const char *text, size_t len, size_t from, size_t max_chars)
{
    size_t pos = from;
    for (size_t n = 0; pos < len && n < max_chars; n++) {
        pos++;
        while (pos < len && utf8_continuation((unsigned char)text[pos]))
            pos++;
    }
    return pos;
}

/* The byte offset up to `chars` characters before `from`. */
static size_t back_chars(const char *text, size_t from, size_t chars)
{
    size_t pos = from;
    for (size_t n = 0; pos > 0 && n < chars; n++) {
        pos--;
        while (pos > 0 && utf8_continuation((unsigned char)text[pos]))
            pos--;
    }
    return pos;
}

void kt_term_list_free(kt_term_list *t)
{
    for (size_t i = 0; i < t->count; i++)
        free(t->items[i]);
    free(t->items);
    t->items = NULL;
    t->count = t->cap = 0;
}

kt_status kt_term_list_add(kt_term_list *t, const char *s, size_t len, kt_error *err)
{
    for (size_t i = 0; i < t->count; i++)
        if (strlen(t->items[i]) == len && memcmp(t->items[i], s, len) == 0)
            return KT_OK;
    if (KT_GROW(t->items, t->cap, t->count + 1) != KT_OK)
        return kt_error_nomem(err);
    char *copy = malloc(len + 1);
    if (!copy)
        return kt_error_nomem(err);
    memcpy(copy, s, len);
    copy[len] = '\0';
    t->items[t->count++] = copy;
    return KT_OK;
}

void kt_highlights_free(kt_highlights *h)
{
    kt_term_list_free(&h->words);
    kt_term_list_free(&h->readings);
    kt_term_list_free(&h->literals);
}

/* The index of s in list, or -1. */
static long find_in(const kt_term_list *list, const char *s, size_t len)
{
    for (size_t k = 0; k < list->count; k++)
        if (strlen(list->items[k]) == len && memcmp(list->items[k], s, len) == 0)
            return (long)k;
    return -1;
}

typedef struct match_list {
    match *items;
    size_t count, cap;
} match_list;

static kt_status push_match(match_list *l, size_t start, size_t end, size_t term, kt_error *err)
{
    if (KT_GROW(l->items, l->cap, l->count + 1) != KT_OK)
        return kt_error_nomem(err);
    l->items[l->count++] = (match){start, end, term};
    return KT_OK;
}

static int by_start(const void *a, const void *b)
{
    const match *x = a, *y = b;
    if (x->start != y->start)
        return x->start < y->start ? -1 : 1;
    return x->end > y->end ? -1 : x->end < y->end;
}

/* Sorts matches by position and merges those that overlap (a word found both as a word and
 * inside a literal) or touch (青少年 and 交流 in 青少年交流 read better as one mark), so that
 * marks never nest. */
static void merge_overlaps(match_list *l)
{
    if (l->count == 0)
        return;
    qsort(l->items, l->count, sizeof *l->items, by_start);
    size_t out = 0;
    for (size_t i = 1; i < l->count; i++) {
        match *last = &l->items[out];
        if (l->items[i].start <= last->end) {
            if (l->items[i].end > last->end)
                last->end = l->items[i].end;
        } else {
            l->items[++out] = l->items[i];
        }
    }
    l->count = out + 1;
}

/* Whether the last character of s is hiragana: the base forms of the words that inflect (verbs,
 * adjectives) all end in hiragana. */
static bool ends_in_hiragana(const char *s)
{
    size_t len = strlen(s), start = len;
    while (start > 0 && utf8_continuation((unsigned char)s[start - 1]))
        start--;
    if (start == 0)
        return false;
    start--;
    return kt_is_all_hiragana(s + start, len - start);
}

/* MeCab must look at every text when a reading is asked for (it may belong to a word spelt in
 * kanji) or a word that inflects (it may be spelt otherwise: 行っ for 行く). Otherwise words and
 * literals match only where they are spelt in the normalised text, and a text where none is
 * spelt needs no MeCab and no offset map: a title without the query's words, a description
 * matched through its title. */
static bool must_tokenize(const kt_highlights *hl)
{
    if (hl->readings.count)
        return true;
    for (size_t k = 0; k < hl->words.count; k++)
        if (ends_in_hiragana(hl->words.items[k]))
            return true;
    return false;
}

static bool may_match(const char *norm, const kt_highlights *hl)
{
    for (size_t k = 0; k < hl->words.count; k++)
        if (strstr(norm, hl->words.items[k]))
            return true;
    for (size_t k = 0; k < hl->literals.count; k++)
        if (strstr(norm, hl->literals.items[k]))
            return true;
    return false;
}

/* Matches of the highlight words and readings (through MeCab, as at index time) and of the
 * literals (in the normalised text, mapped back to the original bytes). Term numbers: words,
 * then readings, then literals. */
static kt_status find_matches(kt_lexicon *lex, const char *text, size_t len, const kt_highlights *hl,
                              match_list *out, kt_error *err)
{
    if (!must_tokenize(hl)) {
        char *norm = NULL;
        size_t norm_len;
        kt_status st = kt_normalize(text, len, &norm, &norm_len, NULL, err);
        bool skip = st == KT_OK && !may_match(norm, hl);
        free(norm);
        if (st != KT_OK || skip)
            return st;
    }
    kt_tokens toks = {0};
    kt_status st = kt_tokenize(lex->tokenizer, text, len, &toks, err);
    kt_buf kana = KT_BUF_INIT;
    size_t n_words = hl->words.count, n_readings = hl->readings.count;
    for (size_t i = 0; i < toks.count && st == KT_OK; i++) {
        const kt_token *t = &toks.items[i];
        size_t tlen;
        const char *term = kt_token_term(t, &tlen);
        if (!term)
            continue;
        long k = find_in(&hl->words, term, tlen);
        if (k < 0 && n_readings && t->reading_len) {
            kt_buf_clear(&kana);
            if (kt_reading_key(t->reading, t->reading_len, &kana) != KT_OK) {
                st = kt_error_nomem(err);
                break;
            }
            k = find_in(&hl->readings, kana.data, kana.len);
            if (k >= 0)
                k += (long)n_words;
        }
        if (k >= 0)
            st = push_match(out, t->start, t->end, (size_t)k, err);
    }
    kt_buf_free(&kana);
    /* literals are looked for in the normalised text the tokenizer made, mapped back to the
     * original bytes through its offset map */
    for (size_t k = 0; k < hl->literals.count && st == KT_OK; k++) {
        const char *lit = hl->literals.items[k];
        size_t lit_len = strlen(lit);
        if (lit_len == 0 || !toks.text)
            continue;
        for (const char *at = strstr(toks.text, lit); at && st == KT_OK; at = strstr(at + lit_len, lit)) {
            size_t from = (size_t)(at - toks.text);
            st = push_match(out, toks.map[from], toks.map[from + lit_len], n_words + n_readings + k, err);
        }
    }
    kt_tokens_free(&toks);
    return st;
}

/* Chooses the window [*from, *to) of at most max_chars characters with the most distinct matched
 * terms, then the most matches, then the earliest. A window starts a few characters before a
 * match, so the reader sees what leads up to it. */
static void best_window(const char *text, size_t len, const match *m, size_t n, size_t n_terms, size_t max_chars,
                        size_t *from, size_t *to_out)
{
    size_t lead = max_chars / 8;
    size_t best_from = 0, best_distinct = 0, best_count = 0;
    bool *seen = calloc(n_terms ? n_terms : 1, sizeof *seen);
    /* each match is tried as the start of a window, with a little lead-in and without it */
    for (size_t k = 0; k < 2 * n && seen; k++) {
        size_t i = k / 2;
        size_t start = k % 2 ? m[i].start : back_chars(text, m[i].start, lead);
        size_t end = advance_chars(text, len, start, max_chars);
        memset(seen, 0, n_terms * sizeof *seen);
        size_t distinct = 0, count = 0;
        for (size_t j = i; j < n && m[j].end <= end; j++) {
            count++;
            if (!seen[m[j].term]) {
                seen[m[j].term] = true;
                distinct++;
            }
        }
        if (distinct > best_distinct || (distinct == best_distinct && count > best_count)) {
            best_distinct = distinct;
            best_count = count;
            best_from = start;
        }
    }
    free(seen);
    /* Near the end of the text, start earlier so the passage is full length. */
    size_t to = advance_chars(text, len, best_from, max_chars);
    if (to == len) {
        size_t earliest = back_chars(text, len, max_chars);
        if (earliest < best_from)
            best_from = earliest;
    }
    *from = best_from;
    *to_out = to;
}

kt_status kt_snippet_build(kt_lexicon *lex, const char *text, const kt_highlights *hl, size_t max_chars,
                           char **snippet, kt_mark **marks, size_t *n_marks, kt_error *err)
{
    *snippet = NULL;
    *marks = NULL;
    *n_marks = 0;
    size_t len = strlen(text);
    size_t scan = len;
    if (scan > KT_SNIPPET_SCAN_BYTES) {
        scan = KT_SNIPPET_SCAN_BYTES;
        while (scan > 0 && utf8_continuation((unsigned char)text[scan]))
            scan--;
    }
    match_list found = {0};
    kt_status st = find_matches(lex, text, scan, hl, &found, err);
    if (st != KT_OK) {
        free(found.items);
        return st;
    }
    merge_overlaps(&found);
    match *m = found.items;
    size_t n = found.count;
    size_t n_terms = hl->words.count + hl->readings.count + hl->literals.count;
    size_t from = 0, to = advance_chars(text, len, 0, max_chars);
    if (n > 0)
        best_window(text, len, m, n, n_terms, max_chars, &from, &to);

    static const char ellipsis[] = "…";
    kt_buf out = KT_BUF_INIT;
    kt_mark *mk = n ? calloc(n, sizeof *mk) : NULL;
    size_t nk = 0;
    if (n && !mk)
        st = KT_ERR_NOMEM;
    if (st == KT_OK && from > 0)
        st = kt_buf_append_str(&out, ellipsis);
    size_t shift = out.len; /* snippet offset = text offset - from + shift */
    for (size_t i = from; i < to && st == KT_OK; i++)
        st = kt_buf_append_char(&out, (char)(text[i] == '\n' || text[i] == '\r' ? ' ' : text[i]));
    if (st == KT_OK && to < len)
        st = kt_buf_append_str(&out, ellipsis);
    for (size_t i = 0; i < n && st == KT_OK; i++)
        if (m[i].start >= from && m[i].end <= to)
            mk[nk++] = (kt_mark){m[i].start - from + shift, m[i].end - from + shift};
    free(m);
    if (st != KT_OK) {
        kt_buf_free(&out);
        free(mk);
        return kt_error_set(err, st, "out of memory");
    }
    *snippet = kt_buf_steal(&out);
    *marks = mk;
    *n_marks = nk;
    return KT_OK;
}
