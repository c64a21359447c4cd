#include "snippet.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"

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

static kt_status find_matches(kt_lexicon *lex, const char *text, size_t len, char *const *terms, size_t n_terms,
                              match **out, size_t *n_out, kt_error *err)
{
    *out = NULL;
    *n_out = 0;
    kt_tokens toks = {0};
    kt_status st = kt_tokenize(lex->tokenizer, text, len, &toks, err);
    match *m = NULL;
    size_t n = 0;
    for (size_t i = 0; i < toks.count && st == KT_OK; i++) {
        size_t tlen;
        const char *term = kt_token_term(&toks.items[i], &tlen);
        if (!term)
            continue;
        for (size_t k = 0; k < n_terms; k++) {
            if (strlen(terms[k]) != tlen || memcmp(terms[k], term, tlen) != 0)
                continue;
            match *grown = realloc(m, (n + 1) * sizeof *grown);
            if (!grown) {
                st = kt_error_set(err, KT_ERR_NOMEM, "out of memory");
                break;
            }
            m = grown;
            m[n++] = (match){toks.items[i].start, toks.items[i].end, k};
            break;
        }
    }
    kt_tokens_free(&toks);
    if (st != KT_OK) {
        free(m);
        return st;
    }
    *out = m;
    *n_out = n;
    return KT_OK;
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
    for (size_t i = 0; i < n && seen; i++) {
        size_t start = back_chars(text, m[i].start, lead);
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

kt_status kt_snippet_build(kt_lexicon *lex, const char *text, char *const *terms, size_t n_terms, size_t max_chars,
                           char **snippet, kt_mark **marks, size_t *n_marks, kt_error *err)
{
    *snippet = NULL;
    *marks = NULL;
    *n_marks = 0;
    size_t len = strlen(text);
    match *m;
    size_t n;
    kt_status st = find_matches(lex, text, len, terms, n_terms, &m, &n, err);
    if (st != KT_OK)
        return st;
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
        st = kt_buf_append_char(&out, text[i] == '\n' || text[i] == '\r' ? ' ' : text[i]);
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
