#include "reader.h"

#include <csv.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>
#include <strings.h>
#include <sys/stat.h>
#include <utf8proc.h>

#include "base/buf.h"
#include "base/grow.h"
#include "corpus/decode.h"

/* A row as libcsv hands it over: cells in order, with the line the row started on. */
typedef struct raw_row {
    char **cells;
    size_t n_cells, cap;    /* cap: the room in cells */
    size_t line;
    size_t bytes;
    bool too_big;
    size_t nul_cell;        /* 1-based index of a cell holding a NUL byte, 0 if none */
} raw_row;

struct kt_reader {
    FILE *fp;
    bool owns_fp;
    kt_decoder *decoder;
    kt_input_format format;
    kt_buf line_buf;        /* JSON Lines: the line being assembled */
    char *path;
    struct csv_parser parser;
    raw_row current;        /* being assembled by the callbacks */
    raw_row *done;          /* completed rows not yet handed out (a FIFO) */
    size_t n_done, done_head, done_cap;
    size_t line;            /* the line the parser is reading now (1-based) */
    size_t row_start_line;  /* the line the current row started on */
    bool at_eof;
    bool broken;            /* a quoting error: nothing more can be read reliably */
    bool cell_alloc_failed;
    char block[64 * 1024];
    size_t block_len, block_pos;
    bool first_block;
    /* header */
    size_t n_columns;
    int *column_of;         /* for each header cell: a kt_column, or KT_COL_COUNT + i for extra i */
    char **extra_names;
    size_t n_extra;
};

/* Cells past KT_READER_MAX_COLUMNS are counted in n_cells but not kept. */
static size_t cells_kept(const raw_row *row)
{
    return row->n_cells < KT_READER_MAX_COLUMNS ? row->n_cells : KT_READER_MAX_COLUMNS;
}

static void raw_row_free(raw_row *row)
{
    for (size_t i = 0; i < cells_kept(row); i++)
        free(row->cells[i]);
    free(row->cells);
    memset(row, 0, sizeof *row);
}

/* libcsv calls this for each cell. The cell is copied even when it is too big to keep, so the
 * count of cells stays right; an oversized row keeps only its count. */
static void on_cell(void *bytes, size_t len, void *ctx)
{
    kt_reader *r = ctx;
    raw_row *row = &r->current;
    if (row->n_cells == 0 && row->cells == NULL)
        row->line = r->row_start_line;
    row->bytes += len;
    if (len && memchr(bytes, '\0', len) && !row->nul_cell)
        row->nul_cell = row->n_cells + 1;
    if (row->bytes > KT_READER_MAX_ROW_BYTES)
        row->too_big = true;
    if (row->n_cells >= KT_READER_MAX_COLUMNS) {
        /* wider than any header may be: a bad row, whose width the message still gives */
        row->n_cells++;
        return;
    }
    if (KT_GROW(row->cells, row->cap, row->n_cells + 1) != KT_OK) {
        r->cell_alloc_failed = true;
        return;
    }
    char *copy = NULL;
    if (!row->too_big) {
        copy = malloc(len + 1);
        if (!copy) {
            r->cell_alloc_failed = true;
            return;
        }
        if (len)
            memcpy(copy, bytes, len);
        copy[len] = '\0';
    }
    row->cells[row->n_cells++] = copy;
}

static void on_row_end(int terminator, void *ctx)
{
    (void)terminator;
    kt_reader *r = ctx;
    if (r->n_done == r->done_cap) {
        /* compact first: rows already handed out leave room at the front */
        if (r->done_head > 0) {
            memmove(r->done, r->done + r->done_head, (r->n_done - r->done_head) * sizeof *r->done);
            r->n_done -= r->done_head;
            r->done_head = 0;
        }
        if (KT_GROW(r->done, r->done_cap, r->n_done + 1) != KT_OK) {
            r->cell_alloc_failed = true;
            raw_row_free(&r->current);
            return;
        }
    }
    if (r->current.n_cells == 0)
        r->current.line = r->row_start_line;
    r->done[r->n_done++] = r->current;
    memset(&r->current, 0, sizeof r->current);
}

/* libcsv's parser state while inside a cell (its csv.c names it FIELD_BEGUN). */
#define LIBCSV_FIELD_BEGUN 2

/* Unquoted cells keep their spaces: kyotei transcribes the source faithfully. */
static int no_space(unsigned char c)
{
    (void)c;
    return 0;
}

static bool has_pending_row(const kt_reader *r)
{
    return r->done_head < r->n_done;
}

/* The next block of UTF-8 from the decoder (block_len 0 and at_eof at the end), without the byte
 * order mark a file may start with. A decoding error leaves the reader broken. */
static kt_status next_block(kt_reader *r, kt_error *err)
{
    kt_status st = kt_decoder_read(r->decoder, r->block, sizeof r->block, &r->block_len, err);
    r->block_pos = 0;
    if (st != KT_OK) {
        r->broken = true;
        return st;
    }
    if (r->block_len == 0)
        r->at_eof = true;
    if (r->first_block && r->block_len) {
        r->first_block = false;
        if (r->block_len >= 3 && memcmp(r->block, "\xEF\xBB\xBF", 3) == 0)
            r->block_pos = 3;
    }
    return KT_OK;
}

/* Feeds the parser until at least one row is complete or the file ends. Input goes in pieces that
 * end at newlines, so that the line counter is exact when a row starts. */
static kt_status fill(kt_reader *r, kt_error *err)
{
    while (!has_pending_row(r) && !r->at_eof && !r->broken) {
        if (r->block_pos == r->block_len) {
            kt_status st = next_block(r, err);
            if (st != KT_OK)
                return st;
            if (r->block_len == 0) {
                if (csv_fini(&r->parser, on_cell, on_row_end, r) != 0) {
                    r->broken = true;
                    return kt_error_set(err, KT_ERR_INPUT, "%s:%zu: unterminated quoted field", r->path,
                                        r->row_start_line);
                }
                break;
            }
        }
        const char *start = r->block + r->block_pos;
        size_t avail = r->block_len - r->block_pos;
        const char *nl = memchr(start, '\n', avail);
        size_t piece = nl ? (size_t)(nl - start) + 1 : avail;
        size_t rows_before = r->n_done;
        /* libcsv grows its cell buffer by a fixed step (128 bytes): where realloc copies (ASan,
         * valgrind, allocators without mremap), a 16 MiB cell cost 131,072 copies of up to 16 MiB.
         * A step as large as the buffer (up to 1 MiB) makes the growth geometric. */
        size_t step = csv_get_buffer_size(&r->parser);
        csv_set_blk_size(&r->parser, step < 128 ? 128 : step > (1u << 20) ? (1u << 20) : step);
        size_t used = csv_parse(&r->parser, start, piece, on_cell, on_row_end, r);
        r->block_pos += piece;
        /* libcsv holds a cell whole until it ends, so one endless cell (a 1 GB line, a quote never
         * closed) would grow its buffer with the file. Past the limit the row is bad anyway: the
         * bytes held so far are dropped and the row marked, keeping memory bounded. Only inside
         * a cell with no closing quote or spaces pending, the one state where libcsv does not
         * later step back over bytes it holds. */
        if (r->parser.entry_pos > KT_READER_MAX_ROW_BYTES && r->parser.pstate == LIBCSV_FIELD_BEGUN &&
            r->parser.spaces == 0) {
            r->current.too_big = true;
            r->parser.entry_pos = 0;
        }
        if (r->cell_alloc_failed)
            return kt_error_set(err, KT_ERR_NOMEM, "%s:%zu: out of memory", r->path, r->line);
        if (used != piece) {
            r->broken = true;
            return kt_error_set(err, KT_ERR_INPUT, "%s:%zu: malformed quoting (%s)", r->path, r->line,
                                csv_strerror(csv_error(&r->parser)));
        }
        if (nl) {
            r->line++;
            /* The next row starts on the next line if a row ended in this piece, or if the parser is
             * between rows (a blank line). libcsv's public struct says so with pstate 0
             * (ROW_NOT_BEGUN); a quoted first cell spanning lines keeps it non-zero. */
            if (r->n_done != rows_before || (r->current.n_cells == 0 && r->parser.pstate == 0))
                r->row_start_line = r->line;
        }
    }
    return KT_OK;
}

static bool take_row(kt_reader *r, raw_row *out)
{
    if (!has_pending_row(r))
        return false;
    *out = r->done[r->done_head++];
    if (r->done_head == r->n_done)
        r->done_head = r->n_done = 0;
    return true;
}

size_t kt_text_invalid_at(const char *s, size_t len)
{
    size_t pos = 0;
    while (pos < len) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t n = utf8proc_iterate((const utf8proc_uint8_t *)s + pos, (utf8proc_ssize_t)(len - pos), &cp);
        if (n <= 0)
            return pos;
        if ((cp < 0x20 && cp != '\t' && cp != '\n' && cp != '\r') || cp == 0x7F)
            return pos;
        pos += (size_t)n;
    }
    return (size_t)-1;
}

static bool all_digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return false;
    return true;
}

bool kt_signed_date_valid(const char *s, int *year)
{
    size_t len = strlen(s);
    *year = 0;
    if (len == 0)
        return true;
    if (!(len == 4 || len == 7 || len == 10) || !all_digits(s, 4))
        return false;
    int y = atoi(s);
    if (y < 1800 || y > 2999)
        return false;
    if (len >= 7) {
        if (s[4] != '-' || !all_digits(s + 5, 2))
            return false;
        int m = (s[5] - '0') * 10 + (s[6] - '0');
        if (m < 1 || m > 12)
            return false;
        if (len == 10) {
            if (s[7] != '-' || !all_digits(s + 8, 2))
                return false;
            static const int days[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
            int d = (s[8] - '0') * 10 + (s[9] - '0');
            bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
            int max = (m == 2 && !leap) ? 28 : days[m - 1];
            if (d < 1 || d > max)
                return false;
        }
    }
    *year = y;
    return true;
}

static bool url_valid(const char *s)
{
    if (*s == '\0')
        return true;
    if (strncmp(s, "http://", 7) != 0 && strncmp(s, "https://", 8) != 0)
        return false;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if (*p <= 0x20 || *p == 0x7F)
            return false;
    return true;
}

static kt_status read_header(kt_reader *r, kt_error *err)
{
    kt_status st = fill(r, err);
    if (st != KT_OK)
        return st;
    raw_row row;
    if (!take_row(r, &row))
        return kt_error_set(err, KT_ERR_INPUT, "%s:1: empty file: expected a header row (%s, …)", r->path,
                            kt_column_name(KT_COL_ID));
    if (row.n_cells > KT_READER_MAX_COLUMNS || row.too_big) {
        st = row.too_big ? kt_error_set(err, KT_ERR_LIMIT, "%s:1: header row larger than %u bytes", r->path,
                                        KT_READER_MAX_ROW_BYTES)
                         : kt_error_set(err, KT_ERR_LIMIT, "%s:1: the header has more than %d columns", r->path,
                                        KT_READER_MAX_COLUMNS);
        raw_row_free(&row);
        return st;
    }
    st = KT_OK;
    r->column_of = calloc(row.n_cells ? row.n_cells : 1, sizeof *r->column_of);
    r->extra_names = calloc(row.n_cells ? row.n_cells : 1, sizeof *r->extra_names);
    if (!r->column_of || !r->extra_names) {
        raw_row_free(&row);
        return kt_error_set(err, KT_ERR_NOMEM, "%s:1: out of memory", r->path);
    }
    r->n_columns = row.n_cells;
    bool seen[KT_COL_COUNT] = {false};
    for (size_t i = 0; i < row.n_cells && st == KT_OK; i++) {
        const char *name = row.cells[i] ? row.cells[i] : "";
        if (kt_text_invalid_at(name, strlen(name)) != (size_t)-1) {
            st = kt_error_set(err, KT_ERR_ENCODING, "%s:1: column %zu of the header is not valid UTF-8 text",
                              r->path, i + 1);
            break;
        }
        kt_column c = kt_column_from_name(name);
        if (c == KT_COL_COUNT) {
            if (*name == '\0') {
                st = kt_error_set(err, KT_ERR_INPUT, "%s:1: column %zu of the header has no name", r->path, i + 1);
                break;
            }
            for (size_t k = 0; k < r->n_extra; k++)
                if (strcmp(r->extra_names[k], name) == 0)
                    st = kt_error_set(err, KT_ERR_INPUT, "%s:1: column '%s' appears twice in the header", r->path,
                                      name);
            r->column_of[i] = KT_COL_COUNT + (int)r->n_extra;
            r->extra_names[r->n_extra++] = row.cells[i];
            row.cells[i] = NULL;
        } else {
            if (seen[c])
                st = kt_error_set(err, KT_ERR_INPUT, "%s:1: column '%s' appears twice in the header", r->path, name);
            seen[c] = true;
            r->column_of[i] = c;
        }
    }
    for (int c = 0; c < KT_COL_COUNT && st == KT_OK; c++)
        if (kt_column_required(c) && !seen[c])
            st = kt_error_set(err, KT_ERR_INPUT, "%s:1: the header has no '%s' column", r->path,
                              kt_column_name(c));
    raw_row_free(&row);
    return st;
}

kt_input_format kt_input_format_for(const char *path)
{
    const char *dot = strrchr(path, '.');
    if (dot && (strcasecmp(dot, ".tsv") == 0 || strcasecmp(dot, ".tab") == 0))
        return KT_FORMAT_TSV;
    if (dot && (strcasecmp(dot, ".jsonl") == 0 || strcasecmp(dot, ".ndjson") == 0))
        return KT_FORMAT_JSONL;
    return KT_FORMAT_CSV;
}

kt_status kt_reader_open(const char *path, const kt_reader_options *opts, kt_reader **out, kt_error *err)
{
    *out = NULL;
    kt_reader *r = calloc(1, sizeof *r);
    if (!r)
        return kt_error_set(err, KT_ERR_NOMEM, "%s: out of memory", path);
    r->path = strdup(strcmp(path, "-") == 0 ? "(standard input)" : path);
    if (!r->path) {
        free(r);
        return kt_error_set(err, KT_ERR_NOMEM, "%s: out of memory", path);
    }
    r->format = opts && opts->format != KT_FORMAT_AUTO ? opts->format : kt_input_format_for(path);
    if (strcmp(path, "-") == 0) {
        r->fp = stdin;
    } else {
        r->fp = fopen(path, "rb");
        r->owns_fp = true;
        if (!r->fp) {
            kt_status st = kt_error_set(err, KT_ERR_IO, "%s: cannot open: %s", path, strerror(errno));
            free(r->path);
            free(r);
            return st;
        }
    }
    kt_status st = kt_decoder_open(r->fp, opts ? opts->encoding : NULL, r->path, &r->decoder, err);
    if (st != KT_OK) {
        kt_reader_close(r);
        return st;
    }
    if (csv_init(&r->parser, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL) != 0) {
        kt_reader_close(r);
        return kt_error_set(err, KT_ERR_NOMEM, "%s: out of memory", path);
    }
    csv_set_space_func(&r->parser, no_space);
    if (r->format == KT_FORMAT_TSV)
        csv_set_delim(&r->parser, '\t');
    r->line = 1;
    r->row_start_line = 1;
    r->first_block = true;
    st = r->format == KT_FORMAT_JSONL ? KT_OK : read_header(r, err);
    if (st != KT_OK) {
        kt_reader_close(r);
        return st;
    }
    *out = r;
    return KT_OK;
}

/* The checks every agreement passes, whatever format it came in: missing optional columns read as
 * "", required ones are there, the date and the address are well-formed. */
static kt_status check_agreement(kt_reader *r, kt_agreement *a, size_t line, kt_error *err)
{
    for (int c = 0; c < KT_COL_COUNT; c++) {
        if (!a->col[c] && !(a->col[c] = strdup("")))
            return kt_error_set(err, KT_ERR_NOMEM, "%s:%zu: out of memory", r->path, line);
        if (kt_column_required(c) && a->col[c][0] == '\0')
            return kt_error_set(err, KT_ERR_INPUT, "%s:%zu: missing %s", r->path, line, kt_column_name(c));
    }
    if (strlen(a->col[KT_COL_ID]) > KT_ID_MAX_BYTES)
        return kt_error_set(err, KT_ERR_INPUT, "%s:%zu: id longer than %d bytes", r->path, line, KT_ID_MAX_BYTES);
    int year;
    if (!kt_signed_date_valid(a->col[KT_COL_SIGNED], &year))
        return kt_error_set(err, KT_ERR_INPUT, "%s:%zu: signed must be YYYY, YYYY-MM or YYYY-MM-DD, not '%.40s'",
                            r->path, line, a->col[KT_COL_SIGNED]);
    if (!url_valid(a->col[KT_COL_URL]))
        return kt_error_set(err, KT_ERR_INPUT, "%s:%zu: url must be an http:// or https:// address without spaces",
                            r->path, line);
    return KT_OK;
}

static kt_status row_to_agreement(kt_reader *r, raw_row *row, kt_agreement *a, kt_error *err)
{
    if (row->too_big)
        return kt_error_set(err, KT_ERR_LIMIT, "%s:%zu: row larger than %u bytes", r->path, row->line,
                            KT_READER_MAX_ROW_BYTES);
    if (row->n_cells != r->n_columns)
        return kt_error_set(err, KT_ERR_INPUT, "%s:%zu: expected %zu columns, found %zu", r->path, row->line,
                            r->n_columns, row->n_cells);
    for (size_t i = 0; i < row->n_cells; i++) {
        const char *cell = row->cells[i];
        size_t bad = row->nul_cell == i + 1 ? strlen(cell) : kt_text_invalid_at(cell, strlen(cell));
        if (bad != (size_t)-1) {
            const char *name = r->column_of[i] < KT_COL_COUNT ? kt_column_name(r->column_of[i])
                                                              : r->extra_names[r->column_of[i] - KT_COL_COUNT];
            return kt_error_set(err, KT_ERR_ENCODING,
                                "%s:%zu: column '%s' is not valid UTF-8 text (byte %zu); if the file is in CP932 "
                                "(Shift_JIS), give --encoding cp932",
                                r->path, row->line, name, bad + 1);
        }
    }
    a->extra = r->n_extra ? calloc(r->n_extra, sizeof *a->extra) : NULL;
    if (r->n_extra && !a->extra)
        return kt_error_set(err, KT_ERR_NOMEM, "%s:%zu: out of memory", r->path, row->line);
    for (size_t i = 0; i < row->n_cells; i++) {
        int c = r->column_of[i];
        if (c < KT_COL_COUNT) {
            a->col[c] = row->cells[i];
        } else {
            kt_extra_column *x = &a->extra[c - KT_COL_COUNT];
            x->name = strdup(r->extra_names[c - KT_COL_COUNT]);
            x->value = row->cells[i];
            if (!x->name)
                return kt_error_set(err, KT_ERR_NOMEM, "%s:%zu: out of memory", r->path, row->line);
        }
        row->cells[i] = NULL;
    }
    a->n_extra = r->n_extra;
    return check_agreement(r, a, row->line, err);
}

/* JSON Lines: the next non-blank line into r->line_buf; false at the end of the input. A line
 * longer than KT_READER_MAX_ROW_BYTES is consumed and reported as too big. */
static kt_status next_line(kt_reader *r, bool *got, bool *too_big, size_t *line, kt_error *err)
{
    *got = *too_big = false;
    kt_buf_clear(&r->line_buf);
    for (;;) {
        if (r->block_pos == r->block_len) {
            kt_status st = next_block(r, err);
            if (st != KT_OK)
                return st;
            if (r->block_len == 0) {
                *got = r->line_buf.len > 0 || *too_big;
                *line = r->line;
                return KT_OK;
            }
        }
        const char *start = r->block + r->block_pos;
        size_t avail = r->block_len - r->block_pos;
        const char *nl = memchr(start, '\n', avail);
        size_t piece = nl ? (size_t)(nl - start) : avail;
        if (r->line_buf.len + piece > KT_READER_MAX_ROW_BYTES)
            *too_big = true;
        else if (kt_buf_append(&r->line_buf, start, piece) != KT_OK)
            return kt_error_set(err, KT_ERR_NOMEM, "%s:%zu: out of memory", r->path, r->line);
        r->block_pos += piece + (nl ? 1 : 0);
        if (!nl)
            continue;
        *line = r->line++;
        bool blank = true;
        for (size_t i = 0; i < r->line_buf.len && blank; i++)
            blank = strchr(" \t\r", r->line_buf.data[i]) != NULL;
        if (!blank || *too_big) {
            *got = true;
            return KT_OK;
        }
        kt_buf_clear(&r->line_buf);
    }
}

/* One JSON object a line: known keys fill columns, others are kept as extra columns. Values are
 * strings (numbers are taken as written, null as empty). */
/* The next line of a JSON Lines file as a JSON object (*obj NULL at the end of the file). */
static kt_status jsonl_object(kt_reader *r, kt_agreement *a, json_t **obj, bool *has_row, kt_error *err)
{
    bool got, too_big;
    size_t line = r->line;
    *obj = NULL;
    kt_status st = next_line(r, &got, &too_big, &line, err);
    if (st != KT_OK || !got) {
        *has_row = st != KT_OK;
        return st;
    }
    *has_row = true;
    a->file = r->path;
    a->line = line;
    if (too_big)
        return kt_error_set(err, KT_ERR_LIMIT, "%s:%zu: line larger than %u bytes", r->path, line,
                            KT_READER_MAX_ROW_BYTES);
    size_t bad = kt_text_invalid_at(r->line_buf.data, r->line_buf.len);
    if (bad != (size_t)-1)
        return kt_error_set(err, KT_ERR_ENCODING, "%s:%zu: not valid UTF-8 text (byte %zu)", r->path, line, bad + 1);
    json_error_t jerr;
    json_t *parsed = json_loadb(r->line_buf.data, r->line_buf.len, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, &jerr);
    if (!json_is_object(parsed)) {
        json_decref(parsed);
        return kt_error_set(err, KT_ERR_INPUT, "%s:%zu: not a JSON object%s%s", r->path, line, parsed ? "" : ": ",
                            parsed ? "" : jerr.text);
    }
    *obj = parsed;
    return KT_OK;
}

/* One member's value as the cell's text (malloc'd): a string as is, a number as written, null as
 * empty. The line was checked as written, but a JSON escape (\b, \u0000) decodes to a control
 * character that check never saw. NULs are let through the parser (JSON_ALLOW_NUL) to get this
 * message, which names the column, rather than the parser's. The key is checked first, so that no
 * message echoes a control character. */
static kt_status jsonl_cell_text(const kt_reader *r, size_t line, const char *key, json_t *value, char **text,
                                 kt_error *err)
{
    *text = NULL;
    if (kt_text_invalid_at(key, strlen(key)) != (size_t)-1)
        return kt_error_set(err, KT_ERR_ENCODING, "%s:%zu: a key holds a control character", r->path, line);
    if (json_is_string(value)) {
        if (kt_text_invalid_at(json_string_value(value), json_string_length(value)) != (size_t)-1)
            return kt_error_set(err, KT_ERR_ENCODING, "%s:%zu: '%s' holds a control character", r->path, line, key);
        *text = strdup(json_string_value(value));
    } else if (json_is_number(value)) {
        *text = json_dumps(value, JSON_ENCODE_ANY);
    } else if (json_is_null(value)) {
        *text = strdup("");
    } else {
        return kt_error_set(err, KT_ERR_INPUT, "%s:%zu: '%s' must be text, a number or null", r->path, line, key);
    }
    return *text ? KT_OK : kt_error_nomem(err);
}

/* The cell goes to its column, or is kept as an extra column under its key; text is taken over. */
static kt_status jsonl_keep_cell(const kt_reader *r, kt_agreement *a, size_t *extra_cap, const char *key, char *text,
                                 kt_error *err)
{
    kt_column c = kt_column_from_name(key);
    if (c != KT_COL_COUNT) {
        free(a->col[c]);
        a->col[c] = text;
        return KT_OK;
    }
    if (a->n_extra + KT_COL_COUNT >= KT_READER_MAX_COLUMNS) {
        free(text);
        return kt_error_set(err, KT_ERR_LIMIT, "%s:%zu: more than %d keys", r->path, a->line, KT_READER_MAX_COLUMNS);
    }
    size_t cap = *extra_cap;
    kt_status grown = KT_GROW(a->extra, cap, a->n_extra + 1);
    *extra_cap = cap;
    char *name = grown == KT_OK ? strdup(key) : NULL;
    if (!name) {
        free(text);
        return kt_error_nomem(err);
    }
    a->extra[a->n_extra++] = (kt_extra_column){name, text};
    return KT_OK;
}

static kt_status jsonl_next(kt_reader *r, kt_agreement *a, bool *has_row, kt_error *err)
{
    json_t *obj;
    kt_status st = jsonl_object(r, a, &obj, has_row, err);
    if (st != KT_OK || !obj)
        return st;
    const char *key;
    json_t *value;
    size_t extra_cap = a->n_extra; /* the room in a->extra */
    json_object_foreach(obj, key, value) {
        char *text;
        st = jsonl_cell_text(r, a->line, key, value, &text, err);
        if (st == KT_OK)
            st = jsonl_keep_cell(r, a, &extra_cap, key, text, err);
        if (st != KT_OK)
            break;
    }
    json_decref(obj);
    return st == KT_OK ? check_agreement(r, a, a->line, err) : st;
}

kt_status kt_reader_next(kt_reader *r, kt_agreement *a, bool *has_row, kt_error *err)
{
    kt_agreement_clear(a);
    *has_row = false;
    if (r->format == KT_FORMAT_JSONL) {
        if (r->broken || (r->at_eof && r->block_pos == r->block_len))
            return KT_OK;
        kt_status st = jsonl_next(r, a, has_row, err);
        if (st != KT_OK)
            kt_agreement_clear(a);
        return st;
    }
    kt_status st = fill(r, err);
    if (st != KT_OK) {
        *has_row = true;
        return st;
    }
    raw_row row;
    if (!take_row(r, &row))
        return KT_OK;
    *has_row = true;
    a->file = r->path;
    a->line = row.line;
    st = row_to_agreement(r, &row, a, err);
    raw_row_free(&row);
    if (st != KT_OK)
        kt_agreement_clear(a);
    return st;
}

void kt_reader_progress(const kt_reader *r, long long *done, long long *total)
{
    struct stat st;
    long pos = ftell(r->fp);
    *done = pos > 0 ? pos : 0;
    *total = fstat(fileno(r->fp), &st) == 0 && S_ISREG(st.st_mode) ? (long long)st.st_size : 0;
}

const char *kt_reader_path(const kt_reader *r)
{
    return r->path;
}

void kt_reader_close(kt_reader *r)
{
    if (!r)
        return;
    csv_free(&r->parser);
    kt_decoder_close(r->decoder);
    kt_buf_free(&r->line_buf);
    raw_row_free(&r->current);
    for (size_t i = r->done_head; i < r->n_done; i++)
        raw_row_free(&r->done[i]);
    free(r->done);
    if (r->owns_fp && r->fp)
        fclose(r->fp);
    for (size_t i = 0; i < r->n_extra; i++)
        free(r->extra_names[i]);
    free(r->extra_names);
    free(r->column_of);
    free(r->path);
    free(r);
}
