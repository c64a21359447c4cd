/* kyotei — reading agreements from a CSV file (RFC 4180), row by row, in bounded memory.
 *
 * The first row is a header naming the columns (any order; see corpus/agreement.h). Columns
 * id, title and description are required; unknown columns are kept as extra columns. A UTF-8
 * byte order mark, CRLF or LF line ends, and quoted fields spanning lines are accepted.
 *
 * Each row is checked: the number of cells equals the header's, every cell is valid UTF-8 with no
 * NUL or other control character but tab and newline, the required cells are not empty, `signed`
 * is empty or YYYY, YYYY-MM or YYYY-MM-DD, `url` is empty or an http(s) URL without spaces.
 * Checking that ids are unique is the caller's (ids may repeat across files).
 *
 * Errors: every message starts with "FILE:LINE: ", LINE being the line the row starts on.
 *   - kt_reader_open: KT_ERR_IO (cannot open), KT_ERR_INPUT (bad header), KT_ERR_ENCODING.
 *   - kt_reader_next: KT_ERR_INPUT / KT_ERR_ENCODING / KT_ERR_LIMIT for a bad row. The reader
 *     has then moved past that row, so the caller may go on to list every bad row — except after
 *     a broken quote, after which the rest of the file cannot be read reliably: the reader then
 *     reports that error once and then the end of the file.
 */
#ifndef KT_CORPUS_READER_H
#define KT_CORPUS_READER_H

#include <stdbool.h>
#include <stddef.h>

#include "base/error.h"
#include "corpus/agreement.h"

/* No row may be larger than this (a guard against a runaway quote swallowing a whole file). */
#define KT_READER_MAX_ROW_BYTES (16u * 1024u * 1024u)

typedef struct kt_reader kt_reader;

/* Opens `path` and reads its header row. "-" reads standard input. *out: free with kt_reader_close. */
kt_status kt_reader_open(const char *path, kt_reader **out, kt_error *err);

/* Reads the next agreement into *a (which is cleared first; the caller clears it when done).
 * *has_row is false at the end of the file. On an error *has_row is true and *a is empty. */
kt_status kt_reader_next(kt_reader *r, kt_agreement *a, bool *has_row, kt_error *err);

/* The file name used in messages. */
const char *kt_reader_path(const kt_reader *r);

void kt_reader_close(kt_reader *r);  /* NULL allowed */

/* Checks a `signed` value (YYYY, YYYY-MM or YYYY-MM-DD, a real date); "" is valid.
 * On success *year is the year (0 for ""). */
bool kt_signed_date_valid(const char *s, int *year);

/* Checks one cell's text: valid UTF-8, no control characters but tab, LF and CR.
 * Returns the byte offset of the first bad byte, or (size_t)-1 when the text is fine. */
size_t kt_text_invalid_at(const char *s, size_t len);

#endif
