/* kyotei — reading a file as UTF-8, whatever encoding it was saved in.
 *
 * Japanese offices often export spreadsheets in CP932 (Windows Shift_JIS). A kt_decoder reads a
 * stream in blocks and hands out UTF-8, converting with iconv(3) when the encoding is not UTF-8.
 * A byte sequence that is not valid in the named encoding is an error naming the line (lines are
 * counted on the input: in UTF-8, CP932, Shift_JIS and EUC-JP a 0x0A byte is always a newline), so
 * a file in the wrong encoding is refused instead of filling the index with mojibake. UTF-8 input
 * passes through unchanged; it is checked later, cell by cell, by the reader.
 *
 * Ownership: the decoder does not own the FILE. Errors: KT_ERR_INPUT (unknown encoding),
 * KT_ERR_ENCODING ("FILE:LINE: not valid CP932 …"), KT_ERR_IO, KT_ERR_NOMEM.
 */
#ifndef KT_CORPUS_DECODE_H
#define KT_CORPUS_DECODE_H

#include <stdio.h>

#include "base/error.h"

typedef struct kt_decoder kt_decoder;

/* encoding: NULL, "utf-8" or any name iconv knows ("cp932", "shift_jis", "euc-jp" …); case does not
 * matter. `name` is the file name used in messages. */
kt_status kt_decoder_open(FILE *fp, const char *encoding, const char *name, kt_decoder **out, kt_error *err);

/* Fills buf with up to cap bytes of UTF-8 (cap >= 16); *n == 0 at the end of the input. */
kt_status kt_decoder_read(kt_decoder *d, char *buf, size_t cap, size_t *n, kt_error *err);

void kt_decoder_close(kt_decoder *d); /* NULL allowed */

#endif
