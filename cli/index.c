/* kyotei-index: builds, updates and checks kyotei indexes from agreement files.
 *
 * The front: it reads argv and the environment, opens the lexicon, calls the library
 * (indexer/build.h) and turns the outcome into messages, a progress line and an exit status. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/datadir.h"
#include "cli/args.h"
#include "dict/lexicon.h"
#include "indexer/build.h"

enum { EXIT_OK = 0, EXIT_BAD_ROWS = 1, EXIT_ERROR = 2, EXIT_SKIPPED = 3 };
enum { OPT_VERSION = 256, OPT_UPDATE, OPT_DELETE, OPT_CHECK, OPT_SKIP_BAD, OPT_FORMAT, OPT_ENCODING, OPT_THREADS,
       OPT_FLUSH, OPT_SHARDS, OPT_NO_COMPACT };

static void usage(FILE *out)
{
    fputs("Usage: kyotei-index --db DIR [OPTION]... FILE...\n"
          "       kyotei-index --db DIR --update [OPTION]... FILE...\n"
          "       kyotei-index --db DIR --delete ID...\n"
          "       kyotei-index --check [OPTION]... FILE...\n"
          "Builds the kyotei index in DIR from agreement files (- reads standard input).\n"
          "\n"
          "  --db DIR          the index directory (default: $KYOTEI_DB)\n"
          "  --update          add the files' agreements, replacing those with the same id\n"
          "                    (without it, the index is rebuilt from the files alone)\n"
          "  --delete          the arguments are ids of agreements to remove\n"
          "  --check           read and check the files; write nothing\n"
          "  --skip-bad        write the good rows even when some rows are bad (exit status 3)\n"
          "  --format FMT      csv, tsv or jsonl (default: by the file's extension, else csv)\n"
          "  --encoding ENC    utf-8 (default) or cp932 (Shift_JIS), or any encoding iconv knows\n"
          "  --threads N       threads that tokenize and write (default: one per processor)\n"
          "  --flush N         a rebuild commits every N agreements per thread (default 1000):\n"
          "                    memory grows with N, not with the input\n"
          "  --shards N        a rebuild splits the index into N shards by a hash of the id, searched\n"
          "                    as one; an update keeps the index's own number (default 1)\n"
          "  --no-compact      with one thread and up to 20000 agreements, keep the index as\n"
          "                    written instead of compacting it (faster, larger)\n"
          "  -q, --quiet       no progress line, no summary\n"
          "  -v, --verbose     also list warnings one by one and say what each run did\n"
          "  -h, --help        this help\n"
          "  --version         the version\n"
          "\n"
          "A rebuild is made aside and swapped in whole; an update is one transaction. Either way a\n"
          "run that fails or is killed leaves the previous index whole and searchable. Bad rows are\n"
          "all listed as FILE:LINE: reason, and then nothing is written.\n"
          "\n"
          "Exit status: 0 done, 1 bad rows (nothing written), 2 other error,\n"
          "3 bad rows skipped with --skip-bad (the good rows were written).\n",
          out);
}

static const char *long_name(const struct option *opts, int val)
{
    for (; opts->name; opts++)
        if (opts->val == val)
            return opts->name;
    return "?";
}

typedef struct front {
    bool quiet, verbose, progress_shown;
    struct timespec start;
    size_t warnings_hidden;
} front;

static double seconds_since(const struct timespec *t0)
{
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

static void clear_progress(front *f)
{
    if (f->progress_shown) {
        fputs("\r\033[K", stderr);
        f->progress_shown = false;
    }
}

static void print_report(kt_report_kind kind, const char *message, void *ctx)
{
    front *f = ctx;
    if (kind == KT_REPORT_WARNING && !f->verbose) {
        /* warnings are many on a big foreign file: show the first few, count the rest */
        if (f->warnings_hidden++ >= 5)
            return;
    }
    clear_progress(f);
    fprintf(stderr, "%s\n", message);
}

/* Rows, rows per second, elapsed and, when the file's size is known, the time left. */
static void print_progress(const kt_build_stats *s, long long done, long long total, void *ctx)
{
    front *f = ctx;
    double elapsed = seconds_since(&f->start);
    double rate = elapsed > 0 ? (double)s->rows_read / elapsed : 0;
    fprintf(stderr, "\r\033[K%zu rows, %.0f rows/s, %.0f s", s->rows_read, rate, elapsed);
    if (total > 0 && done > 0 && done < total)
        fprintf(stderr, ", about %.0f s left", elapsed * (double)(total - done) / (double)done);
    f->progress_shown = true;
}

static void print_summary(front *f, const char *what, const kt_build_stats *s)
{
    clear_progress(f);
    if (f->quiet)
        return;
    if (f->warnings_hidden > 5)
        fprintf(stderr, "kyotei-index: %zu more warnings not shown (--verbose shows them)\n", f->warnings_hidden - 5);
    fprintf(stderr,
            "kyotei-index: %s: %zu rows read, %zu added, %zu replaced, %zu unchanged, %zu deleted, %zu rejected, "
            "%zu warnings, %.2f s\n",
            what, s->rows_read, s->added, s->replaced, s->unchanged, s->deleted, s->rejected, s->warnings,
            seconds_since(&f->start));
}

int main(int argc, char **argv)
{
    static const struct option long_options[] = {
        {"db", required_argument, NULL, 'd'},       {"update", no_argument, NULL, OPT_UPDATE},
        {"delete", no_argument, NULL, OPT_DELETE},  {"check", no_argument, NULL, OPT_CHECK},
        {"skip-bad", no_argument, NULL, OPT_SKIP_BAD}, {"format", required_argument, NULL, OPT_FORMAT},
        {"encoding", required_argument, NULL, OPT_ENCODING}, {"quiet", no_argument, NULL, 'q'},
        {"verbose", no_argument, NULL, 'v'},        {"help", no_argument, NULL, 'h'},
        {"threads", required_argument, NULL, OPT_THREADS}, {"flush", required_argument, NULL, OPT_FLUSH},
        {"shards", required_argument, NULL, OPT_SHARDS}, {"no-compact", no_argument, NULL, OPT_NO_COMPACT},
        {"version", no_argument, NULL, OPT_VERSION}, {NULL, 0, NULL, 0},
    };
    const char *db = getenv("KYOTEI_DB");
    enum { REBUILD, UPDATE, DELETE, CHECK } mode = REBUILD;
    int modes = 0;
    front f = {0};
    kt_build_options opts = {.report = print_report, .report_ctx = &f};
    int c;
    while ((c = getopt_long(argc, argv, "qvh", long_options, NULL)) != -1) {
        switch (c) {
        case 'd': db = optarg; break;
        case OPT_UPDATE: mode = UPDATE; modes++; break;
        case OPT_DELETE: mode = DELETE; modes++; break;
        case OPT_CHECK: mode = CHECK; modes++; break;
        case OPT_SKIP_BAD: opts.skip_bad = true; break;
        case OPT_FORMAT:
        {
            static const kt_name formats[] = {
                {"csv", KT_FORMAT_CSV}, {"tsv", KT_FORMAT_TSV}, {"jsonl", KT_FORMAT_JSONL}, {NULL, 0}};
            int chosen;
            if (!kt_arg_choice("kyotei-index", "--format", formats, optarg, &chosen))
                return EXIT_ERROR;
            opts.input.format = (kt_input_format)chosen;
            break;
        }
        case OPT_ENCODING: opts.input.encoding = optarg; break;
        case OPT_THREADS:
        case OPT_FLUSH:
        case OPT_SHARDS: {
            unsigned long max = c == OPT_SHARDS ? 256 : c == OPT_THREADS ? 64 : 10000000;
            unsigned long v;
            char option[32];
            snprintf(option, sizeof option, "--%s", long_name(long_options, c));
            if (!kt_arg_number("kyotei-index", option, optarg, 1, max, &v))
                return EXIT_ERROR;
            if (c == OPT_THREADS)
                opts.threads = (unsigned)v;
            else if (c == OPT_FLUSH)
                opts.flush_every = v;
            else
                opts.shards = (unsigned)v;
            break;
        }
        case OPT_NO_COMPACT: opts.no_compact = true; break;
        case 'q': f.quiet = true; break;
        case 'v': f.verbose = true; break;
        case 'h': usage(stdout); return EXIT_OK;
        case OPT_VERSION: printf("kyotei-index %s\n", KYOTEI_VERSION); return EXIT_OK;
        default: usage(stderr); return EXIT_ERROR;
        }
    }
    if (modes > 1) {
        fputs("kyotei-index: give at most one of --update, --delete and --check\n", stderr);
        return EXIT_ERROR;
    }
    if (mode != CHECK && (!db || !*db)) {
        fputs("kyotei-index: no index directory: give --db DIR (or set KYOTEI_DB)\n", stderr);
        return EXIT_ERROR;
    }
    if (optind >= argc) {
        fputs(mode == DELETE ? "kyotei-index: --delete: give the ids to remove\n"
                             : "kyotei-index: no input files (give one or more files, or - for standard input)\n",
              stderr);
        return EXIT_ERROR;
    }
    if (!f.quiet && isatty(STDERR_FILENO)) {
        opts.progress = print_progress;
        opts.progress_ctx = &f;
    }
    clock_gettime(CLOCK_MONOTONIC, &f.start);
    const char *const *args = (const char *const *)argv + optind;
    size_t n_args = (size_t)(argc - optind);

    kt_error err;
    kt_build_stats stats;
    kt_status st;
    kt_lexicon *lex = NULL;
    char *data_dir = NULL;
    if (mode != DELETE) {
        data_dir = kt_data_dir(&err);
        if (!data_dir || kt_lexicon_open(data_dir, &lex, &err) != KT_OK) {
            fprintf(stderr, "kyotei-index: %s\n", err.message);
            free(data_dir);
            return EXIT_ERROR;
        }
    }
    /* the other threads open their own lexicons from the same place */
    opts.data_dir = data_dir;
    if (!opts.threads) {
        long cpus = sysconf(_SC_NPROCESSORS_ONLN);
        opts.threads = cpus > 1 ? (unsigned)(cpus > 64 ? 64 : cpus) : 1;
    }
    static const char *const what[] = {"rebuilt", "updated", "deleted", "checked"};
    switch (mode) {
    case REBUILD: st = kt_index_rebuild(db, args, n_args, lex, &opts, &stats, &err); break;
    case UPDATE: st = kt_index_update(db, args, n_args, lex, &opts, &stats, &err); break;
    case DELETE: st = kt_index_delete(db, args, n_args, &opts, &stats, &err); break;
    default: st = kt_index_check(args, n_args, lex, &opts, &stats, &err); break;
    }
    kt_lexicon_close(lex);
    free(data_dir);
    if (st != KT_OK && st != KT_ERR_INPUT) {
        clear_progress(&f);
        fprintf(stderr, "kyotei-index: %s\n", err.message);
        return EXIT_ERROR;
    }
    print_summary(&f, mode == CHECK ? what[3] : mode == REBUILD ? what[0] : mode == UPDATE ? what[1] : what[2],
                  &stats);
    if (st == KT_ERR_INPUT) {
        fprintf(stderr, "kyotei-index: %s\n", err.message);
        return opts.skip_bad && mode != CHECK ? EXIT_SKIPPED : EXIT_BAD_ROWS;
    }
    return EXIT_OK;
}
