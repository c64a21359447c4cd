/* Fuzz target: reading files saved in a Japanese office's encoding (corpus/decode.h). The first
 * byte picks the encoding (CP932 most often, as exported by spreadsheets), the second the size of
 * the caller's buffer. Checks: converted text is valid UTF-8, UTF-8 passes through unchanged, an
 * error names the file and a line that exists, the decoder ends. The same bytes then go through
 * the CSV reader in that encoding. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "corpus/decode.h"
#include "corpus/reader.h"
#include "fuzz_common.h"

static const char *const encodings[] = {"cp932", "cp932", "cp932", "shift_jis", "euc-jp", "utf-8"};

static size_t count_lines(const uint8_t *s, size_t n)
{
    size_t lines = 1;
    for (size_t i = 0; i < n; i++)
        lines += s[i] == '\n';
    return lines;
}

/* The line number in an error message "NAME:LINE: …". */
static size_t message_line(const char *message, const char *name)
{
    size_t len = strlen(name);
    FUZZ_CHECK(strncmp(message, name, len) == 0 && message[len] == ':', "message without the file: %s", message);
    return strtoul(message + len + 1, NULL, 10);
}

static void decode_all(const char *encoding, size_t cap, const uint8_t *in, size_t in_len)
{
    static char one_byte[1];
    FILE *fp = in_len ? fmemopen((void *)in, in_len, "rb") : fmemopen(one_byte, 1, "rb");
    FUZZ_CHECK(fp != NULL, "fmemopen");
    if (in_len == 0)
        fgetc(fp); /* fmemopen refuses size 0: read the one byte away, so the stream is empty */
    kt_decoder *d = NULL;
    kt_error err = {0};
    FUZZ_CHECK(kt_decoder_open(fp, encoding, "in.csv", &d, &err) == KT_OK, "%s", err.message);
    char *buf = malloc(cap);
    kt_buf out = KT_BUF_INIT;
    kt_status st = KT_OK;
    for (size_t rounds = 0;; rounds++) {
        size_t n = 0;
        st = kt_decoder_read(d, buf, cap, &n, &err);
        if (st != KT_OK || n == 0)
            break;
        FUZZ_CHECK(n <= cap, "wrote %zu bytes into %zu", n, cap);
        FUZZ_CHECK(rounds <= in_len + 1, "the decoder does not end");
        FUZZ_CHECK(kt_buf_append(&out, buf, n) == KT_OK, "out of memory");
    }
    bool utf8 = strcmp(encoding, "utf-8") == 0;
    if (st == KT_OK) {
        if (utf8)
            FUZZ_CHECK(out.len == in_len && (in_len == 0 || memcmp(out.data, in, in_len) == 0), "UTF-8 changed");
        else
            FUZZ_CHECK(fuzz_utf8_valid(kt_buf_str(&out), out.len), "%s gave invalid UTF-8", encoding);
    } else {
        FUZZ_CHECK(st == KT_ERR_ENCODING, "unexpected error %d: %s", (int)st, err.message);
        size_t line = message_line(err.message, "in.csv");
        FUZZ_CHECK(line >= 1 && line <= count_lines(in, in_len), "line %zu of %zu", line, count_lines(in, in_len));
        FUZZ_CHECK(!utf8, "UTF-8 input refused by the decoder");
    }
    kt_buf_free(&out);
    free(buf);
    kt_decoder_close(d);
    fclose(fp);
}

static void read_rows(const char *encoding, const uint8_t *in, size_t in_len)
{
    char path[64];
    FILE *fp = fuzz_memfile(in, in_len, path);
    kt_reader_options opts = {.format = KT_FORMAT_CSV, .encoding = encoding};
    kt_reader *r = NULL;
    kt_error err = {0};
    if (kt_reader_open(path, &opts, &r, &err) == KT_OK) {
        kt_agreement a = {0};
        bool has_row = true;
        for (size_t rows = 0; has_row; rows++) {
            FUZZ_CHECK(rows <= in_len + 1, "the reader does not end");
            kt_status st = kt_reader_next(r, &a, &has_row, &err);
            if (st == KT_OK && has_row)
                for (int c = 0; c < KT_COL_COUNT; c++)
                    FUZZ_CHECK(fuzz_utf8_valid(a.col[c], strlen(a.col[c])), "column %d not UTF-8", c);
        }
        kt_agreement_clear(&a);
        kt_reader_close(r);
    }
    fclose(fp);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    const char *encoding = encodings[data[0] % (sizeof encodings / sizeof *encodings)];
    size_t cap = 16 + data[1];
    decode_all(encoding, cap, data + 2, size - 2);
    read_rows(encoding, data + 2, size - 2);
    return 0;
}
