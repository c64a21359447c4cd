/* kyotei — a growable byte buffer, always NUL-terminated.
 *
 * Ownership: a kt_buf owns its bytes; kt_buf_free releases them, kt_buf_steal hands them to the
 * caller (who then frees them with free()). A zeroed kt_buf (KT_BUF_INIT) is an empty buffer.
 * Errors: appending returns KT_ERR_NOMEM when memory runs out; the buffer keeps what it had.
 * A failure is sticky (as SQLite's sqlite3_str): once an append, printf or reserve has failed, the
 * buffer remembers that status and every later append, printf or reserve does nothing and returns
 * it, so the content can never be missing a piece from the middle. Text can therefore be built with
 * several appends and kt_buf_status checked once, before the content is used. kt_buf_clear,
 * kt_buf_free and kt_buf_steal empty the buffer and set its status back to KT_OK.
 */
#ifndef KT_BASE_BUF_H
#define KT_BASE_BUF_H

#include <stdarg.h>
#include <stddef.h>

#include "error.h"

typedef struct kt_buf {
    char *data;  /* NULL while empty and never grown; otherwise NUL-terminated */
    size_t len;
    size_t cap;
    kt_status status; /* KT_OK, or the first failure since the buffer was last emptied */
} kt_buf;

#define KT_BUF_INIT {NULL, 0, 0, KT_OK}

kt_status kt_buf_append(kt_buf *b, const char *bytes, size_t len);
kt_status kt_buf_append_str(kt_buf *b, const char *s);
kt_status kt_buf_append_char(kt_buf *b, char c);
kt_status kt_buf_printf(kt_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Makes room for `extra` more bytes without changing the content. */
kt_status kt_buf_reserve(kt_buf *b, size_t extra);
/* KT_OK while every append since the buffer was last emptied has succeeded; else the first failure. */
kt_status kt_buf_status(const kt_buf *b);
/* The content as a C string: "" for an empty buffer, never NULL. Valid until the next change. */
const char *kt_buf_str(const kt_buf *b);
void kt_buf_clear(kt_buf *b);
void kt_buf_free(kt_buf *b);
/* Returns the content as a malloc'd string (never NULL unless memory runs out) and empties b. */
char *kt_buf_steal(kt_buf *b);

#endif
