/* kyotei — reading agreements from a file, row by row, in bounded memory.
 *
 * Formats: CSV (RFC 4180) and TSV (the same with tabs), whose first row is a header naming the
 * columns in any order (see corpus/agreement.h), and JSON Lines (one object a line, keys naming
 * the columns). Columns id, title and description are required; unknown columns are kept as
 * extra columns. A byte order mark, CRLF or LF line ends, and quoted fields spanning lines are
 * accepted. Files in another encoding than UTF-8 (CP932 …) are converted (corpus/decode.h).
 *
 * Each row is checked: the number of cells equals the header's, every cell is valid UTF-8 with no
 * NUL or other control character but tab and newline (in JSON Lines, once escapes are decoded,
 * and keys too), the required cells are not empty, the id is at most KT_ID_MAX_BYTES long,
 * `signed` is empty or YYYY, YYYY-MM or YYYY-MM-DD, `url` is empty or an http(s) URL without
 * spaces.
 * Checking that ids are unique is the caller's (ids may repeat across files).
 *
 * Errors: every message starts with "FILE:LINE: ", LINE being the line the row starts on.
 *   - kt_reader_open: KT_ERR_IO (cannot open), KT_ERR_INPUT (bad header), KT_ERR_ENCODING,
 *     KT_ERR_LIMIT (a header wider than KT_READER_MAX_COLUMNS).
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

/* No row may be larger than this (a guard against a runaway quote swallowing a whole file). A
 * larger row is a KT_ERR_LIMIT error and costs no more memory than this, however long it is. */
#define KT_READER_MAX_ROW_BYTES (16u * 1024u * 1024u)

/* No header may name more columns than this (KT_ERR_LIMIT from kt_reader_open); a row with more
 * cells than its header is a bad row whatever its width, and its cells beyond the header's are
 * counted, not kept. */
#define KT_READER_MAX_COLUMNS 1000

typedef struct kt_reader kt_reader;

typedef enum kt_input_format { KT_FORMAT_AUTO, KT_FORMAT_CSV, KT_FORMAT_TSV, KT_FORMAT_JSONL } kt_input_format;

typedef struct kt_reader_options {
    kt_input_format format;  /* AUTO: by the file's extension (.tsv .tab, .jsonl .ndjson; else CSV) */
    const char *encoding;    /* NULL or "utf-8", or an iconv name such as "cp932" */
} kt_reader_options;

/* The format a file name suggests (CSV when it suggests nothing). */
kt_input_format kt_input_format_for(const char *path);

/* Opens `path` and reads its header row. "-" reads standard input. opts may be NULL (CSV by
 * extension, UTF-8). *out: free with kt_reader_close. */
kt_status kt_reader_open(const char *path, const kt_reader_options *opts, kt_reader **out, kt_error *err);

/* Reads the next agreement into *a (which is cleared first; the caller clears it when done).
 * *has_row is false at the end of the file. On an error *has_row is true and *a is empty. */
kt_status kt_reader_next(kt_reader *r, kt_agreement *a, bool *has_row, kt_error *err);

/* How far the reader is: bytes of the file read so far and the file's size (0 when unknown, as
 * for a pipe). For progress reports. */
void kt_reader_progress(const kt_reader *r, long long *done, long long *total);

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
