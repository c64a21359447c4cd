/* kyotei-index: builds a kyotei index from agreement files.
 *
 * The front: it reads argv and the environment, opens the lexicon, calls kt_index_rebuild and
 * turns the outcome into messages and an exit status. Everything else lives in the library. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/datadir.h"
#include "dict/lexicon.h"
#include "indexer/build.h"

enum { EXIT_OK = 0, EXIT_BAD_ROWS = 1, EXIT_ERROR = 2 };

static void usage(FILE *out)
{
    fputs("Usage: kyotei-index --db DIR [--quiet] FILE...\n"
          "Builds the kyotei index in DIR from agreement files (CSV with a header row; - reads standard input).\n"
          "The index is built aside and swapped in whole: if any row is bad, every bad row is listed as\n"
          "FILE:LINE: reason, nothing is changed and the exit status is 1.\n"
          "\n"
          "  --db DIR     the index directory (default: $KYOTEI_DB)\n"
          "  -q, --quiet  no summary line\n"
          "  -h, --help   this help\n"
          "  --version    the version\n"
          "\n"
          "Exit status: 0 built, 1 bad rows (index unchanged), 2 other error.\n",
          out);
}

static void print_report(kt_report_kind kind, const char *message, void *ctx)
{
    (void)kind;
    (void)ctx;
    fprintf(stderr, "%s\n", message);
}

static double seconds_since(const struct timespec *t0)
{
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

int main(int argc, char **argv)
{
    static const struct option long_options[] = {
        {"db", required_argument, NULL, 'd'},   {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},       {"version", no_argument, NULL, 'V'},
        {NULL, 0, NULL, 0},
    };
    const char *db = getenv("KYOTEI_DB");
    bool quiet = false;
    int c;
    while ((c = getopt_long(argc, argv, "qh", long_options, NULL)) != -1) {
        switch (c) {
        case 'd': db = optarg; break;
        case 'q': quiet = true; break;
        case 'h': usage(stdout); return EXIT_OK;
        case 'V': printf("kyotei-index %s\n", KYOTEI_VERSION); return EXIT_OK;
        default: usage(stderr); return EXIT_ERROR;
        }
    }
    if (!db || !*db) {
        fputs("kyotei-index: no index directory: give --db DIR (or set KYOTEI_DB)\n", stderr);
        return EXIT_ERROR;
    }
    if (optind >= argc) {
        fputs("kyotei-index: no input files (give one or more CSV files, or - for standard input)\n", stderr);
        return EXIT_ERROR;
    }
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);

    kt_error err;
    char *data_dir = kt_data_dir(&err);
    kt_lexicon *lex = NULL;
    if (!data_dir || kt_lexicon_open(data_dir, &lex, &err) != KT_OK) {
        fprintf(stderr, "kyotei-index: %s\n", err.message);
        free(data_dir);
        return EXIT_ERROR;
    }
    free(data_dir);

    kt_build_options opts = {.report = print_report};
    kt_build_stats stats;
    kt_status st = kt_index_rebuild(db, (const char *const *)argv + optind, (size_t)(argc - optind), lex, &opts,
                                    &stats, &err);
    kt_lexicon_close(lex);
    if (st != KT_OK) {
        fprintf(stderr, "kyotei-index: %s\n", err.message);
        return st == KT_ERR_INPUT ? EXIT_BAD_ROWS : EXIT_ERROR;
    }
    if (!quiet)
        fprintf(stderr, "kyotei-index: %zu agreement%s indexed into %s (%zu warning%s, %.2f s)\n", stats.indexed,
                stats.indexed == 1 ? "" : "s", db, stats.warnings, stats.warnings == 1 ? "" : "s",
                seconds_since(&t0));
    return EXIT_OK;
}
