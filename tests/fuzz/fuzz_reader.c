/* Fuzz target: agreement files (corpus/reader.h) as people send them — CSV, TSV or JSON Lines,
 * the first byte choosing which — and every good row on through kt_document_build, as an index
 * build would take it. Checks the reader's promises: a good row has every column, valid UTF-8
 * text and a well-formed date; every error names the file; the reader ends. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "corpus/reader.h"
#include "fuzz_common.h"
#include "indexer/document.h"

/* Far more rows than an input of libFuzzer's sizes can hold: a reader that never ends is a bug. */
#define MAX_ROWS 100000

static void check_row(const kt_agreement *a)
{
    for (int c = 0; c < KT_COL_COUNT; c++) {
        FUZZ_CHECK(a->col[c] != NULL, "column %d missing", c);
        FUZZ_CHECK(kt_text_invalid_at(a->col[c], strlen(a->col[c])) == (size_t)-1, "column %d not text", c);
    }
    for (size_t i = 0; i < a->n_extra; i++)
        FUZZ_CHECK(a->extra[i].name && a->extra[i].value, "extra column %zu incomplete", i);
    FUZZ_CHECK(a->col[KT_COL_ID][0] && a->col[KT_COL_TITLE][0] && a->col[KT_COL_DESCRIPTION][0], "required cell empty");
    int year;
    FUZZ_CHECK(kt_signed_date_valid(a->col[KT_COL_SIGNED], &year), "bad date passed: %s", a->col[KT_COL_SIGNED]);
    FUZZ_CHECK(strlen(a->col[KT_COL_ID]) <= KT_ID_MAX_BYTES, "id too long");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    static const kt_input_format formats[] = {KT_FORMAT_CSV, KT_FORMAT_TSV, KT_FORMAT_JSONL};
    kt_reader_options opts = {.format = formats[data[0] % 3], .encoding = NULL};
    char path[64];
    FILE *fp = fuzz_memfile(data + 1, size - 1, path);
    kt_lexicon *lex = fuzz_lexicon();

    kt_error err = {0};
    kt_reader *r = NULL;
    kt_status st = kt_reader_open(path, &opts, &r, &err);
    if (st != KT_OK) {
        FUZZ_CHECK(r == NULL, "reader returned on error");
        FUZZ_CHECK(strncmp(err.message, path, strlen(path)) == 0, "message without the file: %s", err.message);
        fclose(fp);
        return 0;
    }
    kt_agreement a = {0};
    size_t rows = 0;
    for (;;) {
        bool has_row = false;
        kt_error_clear(&err);
        st = kt_reader_next(r, &a, &has_row, &err);
        if (!has_row)
            break;
        FUZZ_CHECK(++rows < MAX_ROWS, "the reader does not end");
        if (st != KT_OK) {
            FUZZ_CHECK(strncmp(err.message, path, strlen(path)) == 0, "message without the file: %s", err.message);
            FUZZ_CHECK(a.col[KT_COL_ID] == NULL, "agreement not empty after an error");
            continue;
        }
        check_row(&a);
        xc_doc *doc = NULL;
        char *warning = NULL;
        st = kt_document_build(lex, &a, &doc, &warning, &err);
        FUZZ_CHECK(st == KT_OK, "a good row is refused by the indexer: %s", err.message);
        xc_doc_free(doc);
        free(warning);
    }
    FUZZ_CHECK(st == KT_OK, "end of file with an error");
    kt_agreement_clear(&a);
    kt_reader_close(r);
    fclose(fp);
    return 0;
}
