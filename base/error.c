#include "error.h"

#include <stdio.h>
#include <string.h>

/* Cuts s (NUL-terminated, fitting in its buffer) back to the last whole UTF-8 character, so a
 * truncated message never ends in half a character. */
static void trim_partial_utf8(char *s)
{
    size_t len = strlen(s);
    if (len == 0)
        return;
    size_t start = len - 1;
    while (start > 0 && ((unsigned char)s[start] & 0xC0) == 0x80)
        start--;
    unsigned char lead = (unsigned char)s[start];
    size_t need = lead < 0x80 ? 1 : lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
    if (len - start < need)
        s[start] = '\0';
}

kt_status kt_error_setv(kt_error *err, kt_status status, const char *fmt, va_list ap)
{
    if (err) {
        err->status = status;
        int n = vsnprintf(err->message, sizeof err->message, fmt, ap);
        if (n >= (int)sizeof err->message)
            trim_partial_utf8(err->message);
    }
    return status;
}

kt_status kt_error_set(kt_error *err, kt_status status, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    kt_error_setv(err, status, fmt, ap);
    va_end(ap);
    return status;
}

kt_status kt_error_nomem(kt_error *err)
{
    return kt_error_set(err, KT_ERR_NOMEM, "out of memory");
}

void kt_error_prefix(kt_error *err, const char *fmt, ...)
{
    if (!err)
        return;
    char prefix[KT_ERROR_MESSAGE_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(prefix, sizeof prefix, fmt, ap);
    va_end(ap);
    char joined[KT_ERROR_MESSAGE_MAX];
    int n = snprintf(joined, sizeof joined, "%s: %s", prefix, err->message);
    if (n >= (int)sizeof joined)
        trim_partial_utf8(joined);
    memcpy(err->message, joined, sizeof joined);
}

void kt_error_clear(kt_error *err)
{
    if (err) {
        err->status = KT_OK;
        err->message[0] = '\0';
    }
}

const char *kt_status_name(kt_status status)
{
    switch (status) {
    case KT_OK: return "ok";
    case KT_ERR_NOMEM: return "out of memory";
    case KT_ERR_IO: return "i/o error";
    case KT_ERR_INPUT: return "input error";
    case KT_ERR_ENCODING: return "encoding error";
    case KT_ERR_LIMIT: return "limit exceeded";
    case KT_ERR_DICT: return "dictionary error";
    case KT_ERR_INDEX: return "index error";
    case KT_ERR_INTERNAL: return "internal error";
    }
    return "unknown error";
}
