#include "decode.h"

#include <errno.h>
#include <iconv.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct kt_decoder {
    FILE *fp;
    iconv_t cd;           /* (iconv_t)-1 for UTF-8: no conversion */
    char *name;
    char *encoding;
    char in[16 * 1024];
    size_t in_len;        /* raw bytes waiting in `in` */
    size_t line;          /* the input line the first byte of `in` is on */
    bool eof;
};

static bool is_utf8_name(const char *e)
{
    return !e || !*e || strcasecmp(e, "utf-8") == 0 || strcasecmp(e, "utf8") == 0;
}

kt_status kt_decoder_open(FILE *fp, const char *encoding, const char *name, kt_decoder **out, kt_error *err)
{
    *out = NULL;
    kt_decoder *d = calloc(1, sizeof *d);
    if (!d || !(d->name = strdup(name)) || !(d->encoding = strdup(encoding ? encoding : "utf-8"))) {
        if (d)
            free(d->name);
        free(d);
        return kt_error_nomem(err);
    }
    d->fp = fp;
    d->line = 1;
    d->cd = (iconv_t)-1;
    if (!is_utf8_name(encoding)) {
        d->cd = iconv_open("UTF-8", encoding);
        if (d->cd == (iconv_t)-1) {
            kt_status st = kt_error_set(err, KT_ERR_INPUT, "unknown encoding '%s' (try utf-8 or cp932)", encoding);
            kt_decoder_close(d);
            return st;
        }
    }
    *out = d;
    return KT_OK;
}

static size_t count_newlines(const char *s, size_t n)
{
    size_t lines = 0;
    for (const char *p = s; (p = memchr(p, '\n', (size_t)(s + n - p))); p++)
        lines++;
    return lines;
}

static kt_status refill(kt_decoder *d, kt_error *err)
{
    if (d->eof || d->in_len == sizeof d->in)
        return KT_OK;
    size_t got = fread(d->in + d->in_len, 1, sizeof d->in - d->in_len, d->fp);
    if (got == 0) {
        if (ferror(d->fp))
            return kt_error_set(err, KT_ERR_IO, "%s:%zu: read error: %s", d->name, d->line, strerror(errno));
        d->eof = true;
    }
    d->in_len += got;
    return KT_OK;
}

/* One step: refill, then pass through or convert what is there. */
static kt_status step(kt_decoder *d, char *buf, size_t cap, size_t *n, kt_error *err)
{
    kt_status st = refill(d, err);
    if (st != KT_OK)
        return st;
    if (d->cd == (iconv_t)-1) {
        size_t take = d->in_len < cap ? d->in_len : cap;
        memcpy(buf, d->in, take);
        memmove(d->in, d->in + take, d->in_len - take);
        d->in_len -= take;
        *n = take;
        return KT_OK;
    }
    char *src = d->in, *dst = buf;
    size_t src_left = d->in_len, dst_left = cap;
    size_t rc = iconv(d->cd, &src, &src_left, &dst, &dst_left);
    size_t used = d->in_len - src_left;
    size_t line_at_error = d->line + count_newlines(d->in, used);
    if (rc == (size_t)-1 && errno == EILSEQ)
        return kt_error_set(err, KT_ERR_ENCODING, "%s:%zu: not valid %s (byte 0x%02X); is the file in another encoding?",
                            d->name, line_at_error, d->encoding, (unsigned char)*src);
    if (rc == (size_t)-1 && errno == EINVAL && d->eof && used == 0)
        return kt_error_set(err, KT_ERR_ENCODING, "%s:%zu: the file ends inside a %s character", d->name,
                            line_at_error, d->encoding);
    /* E2BIG (buf full) and EINVAL (a character continues in the next block) just stop here */
    d->line = line_at_error;
    memmove(d->in, src, src_left);
    d->in_len = src_left;
    *n = cap - dst_left;
    return KT_OK;
}

kt_status kt_decoder_read(kt_decoder *d, char *buf, size_t cap, size_t *n, kt_error *err)
{
    *n = 0;
    /* A short read from a pipe may end inside a character: read on until there is output or the
     * input is over. */
    while (*n == 0 && !(d->eof && d->in_len == 0)) {
        kt_status st = step(d, buf, cap, n, err);
        if (st != KT_OK)
            return st;
    }
    return KT_OK;
}

void kt_decoder_close(kt_decoder *d)
{
    if (!d)
        return;
    if (d->cd != (iconv_t)-1)
        iconv_close(d->cd);
    free(d->name);
    free(d->encoding);
    free(d);
}
