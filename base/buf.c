#include "buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "grow.h"

#define FIRST_CAP 64 /* bytes: most buffers never need more */

/* Records st as the buffer's status (called only while it is KT_OK) and returns it. */
static kt_status failed(kt_buf *b, kt_status st)
{
    b->status = st;
    return st;
}

kt_status kt_buf_reserve(kt_buf *b, size_t extra)
{
    if (b->status != KT_OK)
        return b->status;
    if (extra > (size_t)-1 - b->len - 1)
        return failed(b, KT_ERR_NOMEM);
    size_t need = b->len + extra + 1;
    if (KT_GROW(b->data, b->cap, need < FIRST_CAP ? FIRST_CAP : need) != KT_OK)
        return failed(b, KT_ERR_NOMEM);
    return KT_OK;
}

kt_status kt_buf_append(kt_buf *b, const char *bytes, size_t len)
{
    kt_status st = kt_buf_reserve(b, len);
    if (st != KT_OK)
        return st;
    if (len)
        memcpy(b->data + b->len, bytes, len);
    b->len += len;
    b->data[b->len] = '\0';
    return KT_OK;
}

kt_status kt_buf_append_str(kt_buf *b, const char *s)
{
    return kt_buf_append(b, s, strlen(s));
}

kt_status kt_buf_append_char(kt_buf *b, char c)
{
    return kt_buf_append(b, &c, 1);
}

kt_status kt_buf_printf(kt_buf *b, const char *fmt, ...)
{
    if (b->status != KT_OK)
        return b->status;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return failed(b, KT_ERR_INTERNAL);
    kt_status st = kt_buf_reserve(b, (size_t)n);
    if (st != KT_OK)
        return st;
    va_start(ap, fmt);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
    return KT_OK;
}

kt_status kt_buf_status(const kt_buf *b)
{
    return b->status;
}

const char *kt_buf_str(const kt_buf *b)
{
    return b->data ? b->data : "";
}

void kt_buf_clear(kt_buf *b)
{
    b->len = 0;
    b->status = KT_OK;
    if (b->data)
        b->data[0] = '\0';
}

void kt_buf_free(kt_buf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
    b->status = KT_OK;
}

char *kt_buf_steal(kt_buf *b)
{
    char *s = b->data ? b->data : calloc(1, 1);
    b->data = NULL;
    b->len = b->cap = 0;
    b->status = KT_OK;
    return s;
}
