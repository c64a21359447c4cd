/* mecab-floor: MeCab alone over the text kyotei indexes — the floor any MeCab-based indexer stands on.
 *
 * Reads agreement CSV files (the bundled corpus's header) and runs MeCab's C API, with IPADIC and
 * one tagger on one thread, over the same columns kyotei-index tokenizes (title, description,
 * partner, municipality, fields), walking every node and touching its surface and features as an
 * indexer would. Nothing is normalised, nothing is written. The benchmark (bench/run.py) times this
 * program to set the yardstick for index build times.
 *
 *   mecab-floor [--dicdir DIR] FILE...
 *
 * Prints one line: rows, text bytes, tokens and seconds. Exit status 0, or 2 on an error.
 */
#include <csv.h>
#include <mecab.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#ifndef KYOTEI_IPADIC_DIR
#error "KYOTEI_IPADIC_DIR must be defined by the build"
#endif

static const char *const text_columns[] = {"title", "description", "partner", "municipality", "fields"};
#define N_TEXT (sizeof text_columns / sizeof text_columns[0])
#define MAX_CELLS 64

typedef struct floor_run {
    mecab_t *tagger;
    mecab_lattice_t *lattice;
    /* the current row's cells */
    char *cell[MAX_CELLS];
    size_t n_cells;
    bool header_done;
    int text_at[N_TEXT]; /* the cell index of each text column, -1 when the file has none */
    unsigned long long rows, bytes, tokens, checksum;
    bool failed;
} floor_run;

static void on_cell(void *data, size_t len, void *ctx)
{
    floor_run *r = ctx;
    if (r->n_cells >= MAX_CELLS)
        return;
    char *copy = malloc(len + 1);
    if (!copy) {
        r->failed = true;
        return;
    }
    memcpy(copy, data, len);
    copy[len] = '\0';
    r->cell[r->n_cells++] = copy;
}

static void tokenize(floor_run *r, const char *text)
{
    size_t len = strlen(text);
    if (!len)
        return;
    mecab_lattice_set_sentence2(r->lattice, text, len);
    if (!mecab_parse_lattice(r->tagger, r->lattice)) {
        fprintf(stderr, "mecab-floor: %s\n", mecab_lattice_strerror(r->lattice));
        r->failed = true;
        return;
    }
    r->bytes += len;
    for (const mecab_node_t *n = mecab_lattice_get_bos_node(r->lattice); n; n = n->next) {
        if (n->stat == MECAB_BOS_NODE || n->stat == MECAB_EOS_NODE)
            continue;
        r->tokens++;
        /* what an indexer reads of every node: its surface and its features */
        r->checksum += (unsigned char)n->surface[0] + n->length + strlen(n->feature);
    }
}

static void on_row_end(int c, void *ctx)
{
    (void)c;
    floor_run *r = ctx;
    if (!r->header_done) {
        for (size_t k = 0; k < N_TEXT; k++) {
            r->text_at[k] = -1;
            for (size_t i = 0; i < r->n_cells; i++)
                if (strcmp(r->cell[i], text_columns[k]) == 0)
                    r->text_at[k] = (int)i;
        }
        r->header_done = true;
    } else {
        r->rows++;
        for (size_t k = 0; k < N_TEXT; k++)
            if (r->text_at[k] >= 0 && (size_t)r->text_at[k] < r->n_cells)
                tokenize(r, r->cell[r->text_at[k]]);
    }
    for (size_t i = 0; i < r->n_cells; i++)
        free(r->cell[i]);
    r->n_cells = 0;
}

static int run_file(floor_run *r, const char *path)
{
    FILE *fp = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    if (!fp) {
        perror(path);
        return -1;
    }
    struct csv_parser p;
    if (csv_init(&p, CSV_APPEND_NULL) != 0) {
        fclose(fp);
        return -1;
    }
    r->header_done = false;
    char buf[1 << 16];
    size_t got;
    int rc = 0;
    while ((got = fread(buf, 1, sizeof buf, fp)) > 0 && !r->failed) {
        if (csv_parse(&p, buf, got, on_cell, on_row_end, r) != got) {
            fprintf(stderr, "mecab-floor: %s: %s\n", path, csv_strerror(csv_error(&p)));
            rc = -1;
            break;
        }
    }
    csv_fini(&p, on_cell, on_row_end, r);
    csv_free(&p);
    if (fp != stdin)
        fclose(fp);
    return r->failed ? -1 : rc;
}

int main(int argc, char **argv)
{
    const char *dicdir = KYOTEI_IPADIC_DIR;
    int first = 1;
    if (argc > 2 && strcmp(argv[1], "--dicdir") == 0) {
        dicdir = argv[2];
        first = 3;
    }
    if (first >= argc) {
        fputs("Usage: mecab-floor [--dicdir DIR] FILE...\n", stderr);
        return 2;
    }
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    /* the dictionary's own dicrc: the system's mecabrc may name another dictionary */
    char rc[4096];
    snprintf(rc, sizeof rc, "%s/dicrc", dicdir);
    char *margv[] = {(char *)"mecab-floor", (char *)"-r", rc, (char *)"-d", (char *)dicdir, NULL};
    mecab_model_t *model = mecab_model_new(5, margv);
    if (!model) {
        fprintf(stderr, "mecab-floor: cannot load %s: %s\n", dicdir, mecab_strerror(NULL));
        return 2;
    }
    floor_run r = {0};
    r.tagger = mecab_model_new_tagger(model);
    r.lattice = mecab_model_new_lattice(model);
    int status = r.tagger && r.lattice ? 0 : 2;
    for (int i = first; i < argc && status == 0; i++)
        if (run_file(&r, argv[i]) != 0)
            status = 2;
    for (size_t i = 0; i < r.n_cells; i++)
        free(r.cell[i]);
    if (r.lattice)
        mecab_lattice_destroy(r.lattice);
    if (r.tagger)
        mecab_destroy(r.tagger);
    mecab_model_destroy(model);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double s = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    if (status == 0)
        printf("rows %llu bytes %llu tokens %llu seconds %.3f checksum %llu\n", r.rows, r.bytes, r.tokens, s,
               r.checksum);
    return status;
}
