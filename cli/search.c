/* kyotei-search: ranks agreements for a query, with counts by country and field.
 *
 * The command-line front: it reads argv and the environment, fills a kt_search_request, runs
 * kt_search and hands the result to a writer. Exit status like grep: 0 found, 1 nothing, 2 error. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/datadir.h"
#include "cli/args.h"
#include "cli/batch.h"
#include "cli/serve.h"
#include "kyotei/output.h"
#include "kyotei/pivot.h"
#include "kyotei/search.h"
#include "web/listen.h"
#include "web/respond.h"
#include "web/workers.h"

enum { EXIT_FOUND = 0, EXIT_NOTHING = 1, EXIT_ERROR = 2 };
enum { OPT_VERSION = 256, OPT_FORMAT, OPT_ALL, OPT_OFFSET, OPT_SINCE, OPT_UNTIL, OPT_SORT, OPT_COUNT, OPT_FACETS,
       OPT_PIVOT, OPT_BATCH, OPT_ALLOW_PARTIAL, OPT_CONNECT_TIMEOUT, OPT_REMOTE_TIMEOUT, OPT_FASTCGI, OPT_LISTEN,
       OPT_WORKERS, OPT_MAX_MEMORY, OPT_COMPLETE };

typedef enum format { FORMAT_TEXT, FORMAT_JSON, FORMAT_CSV, FORMAT_TSV, FORMAT_JSONL } format;
static const kt_name formats[] = {{"text", FORMAT_TEXT}, {"json", FORMAT_JSON}, {"csv", FORMAT_CSV},
                                  {"tsv", FORMAT_TSV},   {"jsonl", FORMAT_JSONL}, {NULL, 0}};
typedef enum mode { MODE_RESULTS, MODE_COUNT, MODE_FACETS, MODE_PIVOT, MODE_COMPLETE } mode;

#define MAX_FILTERS 64
#define MAX_SHARDS 64

static void usage(FILE *out)
{
    fputs("Usage: kyotei-search [OPTION]... [QUERY WORDS...]\n"
          "Ranks agreements for the words (all must match) and counts the matches by country and field.\n"
          "Without words, lists every agreement that passes the filters.\n"
          "\n"
          "Query language:\n"
          "  青少年 交流             agreements with both words (MeCab words, or inside compounds)\n"
          "  観光 OR 医療            either word\n"
          "  交流 -中国              without the second word\n"
          "  \"経済交流\"             the words in this order\n"
          "  かんこう  kankou  kanko  kana and romaji also find the kanji they read as (観光)\n"
          "  tourism  中華人民共和国  aliases reach the canonical field or country\n"
          "  country:台湾 field:観光 municipality:仙台市 prefecture:宮城県 title:覚書\n"
          "  signed:2010..2016  signed:2010..  signed:..2016\n"
          "  平成28年  H28  令和元年  2016年   a signing year (or the year named in the text)\n"
          "  観光 AND 医療  観光 または 医療  交流 NOT 中国  交流 中国以外\n"
          "  中国との医療に関する協定を探しています   a sentence: its words (request phrasing is set aside)\n"
          "Anything not searched is listed with the reason (\"Not searched:\"; JSON \"ignored\").\n"
          "When no agreement has every word, the ones with the most of them are shown, marked as partial;\n"
          "a word the index does not know gets a suggestion (Did you mean: 医療).\n"
          "A query that starts with - follows --:  kyotei-search -- -中国 交流\n"
          "\n"
          "  --db DB          an index to search (repeat to search several as one): a folder,\n"
          "                   tcp://HOST:PORT (served by xapian-tcpsrv), or a shard list file\n"
          "                   (Xapian's stub format: 'auto PATH' and 'remote HOST:PORT' lines);\n"
          "                   default $KYOTEI_DB, else the index of the bundled corpus\n"
          "  --country C      only agreements with this country (repeat: any of them)\n"
          "  --field F        only agreements in this field (repeat: any of them)\n"
          "  --limit N        how many to show (default 10)\n"
          "  --offset N       skip the first N (for paging)\n"
          "  --all            show every match\n"
          "  --since YEAR     only agreements signed in or after YEAR\n"
          "  --until YEAR     only agreements signed in or before YEAR\n"
          "  --sort ORDER     relevance (default), date (oldest first) or -date (newest first);\n"
          "                   equal ones in id order\n"
          "  --count          print only the number of matching agreements\n"
          "  --facets         print only the counts by country and field\n"
          "  --pivot A,B      a cross-table of counts for the whole match set: A and B are two of\n"
          "                   country, field, prefecture, municipality, year\n"
          "  --format FMT     text (default) or json; with --all also csv, tsv or jsonl (every match,\n"
          "                   streamed, for spreadsheets); with --pivot text, csv or json\n"
          "  --complete       completions of the words typed, as a prefix in kanji, kana or romaji\n"
          "                   (kan -> 観光): text lines, or one JSON object with --format json\n"
          "  --batch FILE     run every line of FILE (- for stdin) as a query, in one process,\n"
          "                   and print one JSON object a line (blank lines are skipped; a bad\n"
          "                   line gets {\"line\", \"query\", \"error\"} and the run goes on)\n"
          "\n"
          "Shards (several --db, shard lists, tcp://):\n"
          "  --allow-partial  when a shard is down, answer from the others and say which\n"
          "                   are missing (in the output and on stderr) instead of failing\n"
          "  --connect-timeout MS\n"
          "                   give up connecting to a remote shard after MS milliseconds\n"
          "                   (default 3000)\n"
          "  --remote-timeout MS\n"
          "                   give up on any one answer of a remote shard after MS\n"
          "                   milliseconds (default 10000)\n"
          "\n"
          "The search page over FastCGI (docs/cgi.md), for a web server:\n"
          "  --fastcgi        serve FastCGI requests until SIGTERM, keeping the dictionaries and\n"
          "                   the index loaded; each request sees the index as it is then (an\n"
          "                   update or a rebuild needs no restart). The index is --db (one) or\n"
          "                   KYOTEI_DB, the other settings come from the environment as for the\n"
          "                   CGI. Without --listen, standard input is the socket (as a web\n"
          "                   server or spawn-fcgi starts it)\n"
          "  --listen ADDR    listen on HOST:PORT (127.0.0.1:9000) or a Unix socket PATH\n"
          "  --workers N      pre-fork N worker processes sharing the socket (one request at a\n"
          "                   time each), restart one that dies, stop them all on SIGTERM\n"
          "  --max-memory MIB the address space one worker may use (RLIMIT_AS)\n"
          "\n"
          "  -h, --help       this help\n"
          "  --version        the version\n"
          "\n"
          "Examples:\n"
          "  kyotei-search 青少年 交流\n"
          "  kyotei-search --field 観光 --country 中国 --all\n"
          "  kyotei-search --format json 医療\n"
          "  kyotei-search --db tcp://10.0.0.5:33333 --db tcp://10.0.0.6:33333 交流\n"
          "  printf '観光\\ncountry:中国 大学\\n' | kyotei-search --batch -\n"
          "\n"
          "Exit status: 0 something found, 1 nothing found, 2 error (with --batch: 0 when\n"
          "some query found something, 2 when a line or the run failed).\n",
          out);
}

/* A count option that fills a uint32_t (a request's limit, a timeout). */
static bool parse_count(const char *option, const char *text, uint32_t max, uint32_t *out)
{
    unsigned long v;
    if (!kt_arg_number("kyotei-search", option, text, 0, max, &v))
        return false;
    *out = (uint32_t)v;
    return true;
}

static bool parse_pivot(const char *arg, kt_dimension dims[2])
{
    const char *comma = strchr(arg, ',');
    char first[32];
    kt_error err;
    if (!comma || (size_t)(comma - arg) >= sizeof first) {
        fputs("kyotei-search: --pivot: expected two dimensions, such as country,field\n", stderr);
        return false;
    }
    memcpy(first, arg, (size_t)(comma - arg));
    first[comma - arg] = '\0';
    if (kt_dimension_parse(first, &dims[0], &err) != KT_OK || kt_dimension_parse(comma + 1, &dims[1], &err) != KT_OK) {
        fprintf(stderr, "kyotei-search: --pivot: %s\n", err.message);
        return false;
    }
    return true;
}

static bool push(const char **list, size_t *n, size_t max, const char *value, const char *name)
{
    if (*n == max) {
        fprintf(stderr, "kyotei-search: %s: at most %zu values\n", name, max);
        return false;
    }
    list[(*n)++] = value;
    return true;
}

/* Which formats each kind of output has. */
static bool format_fits(mode what, format fmt, bool all)
{
    bool rows = fmt == FORMAT_CSV || fmt == FORMAT_TSV || fmt == FORMAT_JSONL;
    if (what == MODE_PIVOT && (fmt == FORMAT_TSV || fmt == FORMAT_JSONL)) {
        fputs("kyotei-search: --pivot writes text, csv or json\n", stderr);
        return false;
    }
    if ((what == MODE_COUNT || what == MODE_FACETS) && rows) {
        fputs("kyotei-search: --count and --facets write text or json\n", stderr);
        return false;
    }
    if (what == MODE_RESULTS && rows && !all) {
        fputs("kyotei-search: csv, tsv and jsonl are for exports: add --all\n", stderr);
        return false;
    }
    return true;
}

typedef struct export_ctx {
    kt_rows_format f;
    uint32_t rows;
} export_ctx;

static kt_status export_row(const kt_hit *h, void *ctx, kt_error *err)
{
    export_ctx *e = ctx;
    e->rows++;
    return kt_rows_write(stdout, e->f, h, err);
}

/* Runs the request and writes what was asked for; *status is the exit status on success. */
static kt_status kt_run(kt_searcher *s, kt_search_request *req, mode what, format fmt, const kt_dimension pivot[2],
                        int *status, kt_error *err)
{
    if (what == MODE_COMPLETE) { /* the words typed are the prefix */
        kt_completions c;
        kt_status st = kt_complete(s, req->query, req->limit, &c, err);
        if (st == KT_OK)
            st = fmt == FORMAT_JSON ? kt_write_completions_json(stdout, req->query, &c, err)
                                    : kt_write_completions_text(stdout, &c, err);
        if (st == KT_OK)
            *status = c.count ? EXIT_FOUND : EXIT_NOTHING;
        kt_completions_free(&c);
        return st;
    }
    if (what == MODE_PIVOT) {
        kt_pivot *p;
        kt_status st = kt_pivot_build(s, req, pivot[0], pivot[1], &p, err);
        if (st == KT_OK)
            st = fmt == FORMAT_CSV    ? kt_write_pivot_csv(stdout, p, err)
                 : fmt == FORMAT_JSON ? kt_write_pivot_json(stdout, p, err)
                                      : kt_write_pivot_text(stdout, p, err);
        if (st == KT_OK)
            *status = p->total ? EXIT_FOUND : EXIT_NOTHING;
        kt_pivot_free(p);
        return st;
    }
    if (what == MODE_RESULTS && fmt >= FORMAT_CSV) {
        /* every match, one row at a time */
        export_ctx e = {fmt == FORMAT_CSV ? KT_ROWS_CSV : fmt == FORMAT_TSV ? KT_ROWS_TSV : KT_ROWS_JSONL, 0};
        kt_status st = kt_rows_header(stdout, e.f, err);
        if (st == KT_OK)
            st = kt_search_each(s, req, export_row, &e, err);
        if (st == KT_OK && fflush(stdout) != 0)
            st = kt_error_set(err, KT_ERR_IO, "cannot write the rows");
        *status = e.rows ? EXIT_FOUND : EXIT_NOTHING;
        return st;
    }
    if (what != MODE_RESULTS)
        req->limit = 0; /* counts only: no page to read */
    kt_result *r;
    kt_status st = kt_search(s, req, &r, err);
    if (st != KT_OK)
        return st;
    static const kt_text_style bold = {"\033[1m", "\033[0m"}, plain = {"**", "**"};
    /* a count is one number on standard output; what was not searched goes to standard error */
    for (size_t i = 0; what == MODE_COUNT && fmt != FORMAT_JSON && i < r->ignored.count; i++)
        fprintf(stderr, "kyotei-search: not searched: %s (%s)\n", r->ignored.items[i].word,
                kt_ignored_reason_text(r->ignored.items[i].reason));
    if (what == MODE_COUNT)
        st = fmt == FORMAT_JSON ? kt_write_count_json(stdout, r, err) : kt_write_count_text(stdout, r, err);
    else if (what == MODE_FACETS)
        st = fmt == FORMAT_JSON ? kt_write_facets_json(stdout, r, err) : kt_write_facets_text(stdout, r, err);
    else if (fmt == FORMAT_JSON)
        st = kt_write_json(stdout, r, req->query, err);
    else
        st = kt_write_text(stdout, r, isatty(STDOUT_FILENO) ? &bold : &plain, err);
    if (st == KT_ERR_IO)
        kt_error_set(err, KT_ERR_IO, "cannot write the results");
    if (st == KT_OK)
        *status = r->total && !(what == MODE_COUNT && r->partial) ? EXIT_FOUND : EXIT_NOTHING;
    kt_result_free(r);
    return st;
}

/* Shards left out (--allow-partial) are named on stderr whatever the output, so a pipeline that
 * only keeps stdout still leaves a trace. */
static void warn_missing(const kt_searcher *s)
{
    const char *const *names;
    size_t n = kt_searcher_missing(s, &names);
    for (size_t i = 0; i < n; i++)
        fprintf(stderr, "kyotei-search: warning: shard %s did not answer; results are partial\n", names[i]);
}

/* --batch: every line of path ("-": stdin) as a query; returns the exit status. */
static int run_batch(kt_searcher *s, const kt_search_request *req, const char *path)
{
    FILE *in = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
    if (!in) {
        fprintf(stderr, "kyotei-search: %s: %s\n", path, strerror(errno));
        return EXIT_ERROR;
    }
    kt_batch_stats stats;
    kt_error err;
    kt_status st = kt_batch_run(s, req, in, stdout, &stats, &err);
    if (in != stdin)
        fclose(in);
    if (st != KT_OK)
        fprintf(stderr, "kyotei-search: %s\n", err.message);
    else if (stats.failed)
        fprintf(stderr, "kyotei-search: %zu of %zu queries failed (see their \"error\")\n", stats.failed,
                stats.queries);
    warn_missing(s);
    return st != KT_OK || stats.failed ? EXIT_ERROR : stats.found ? EXIT_FOUND : EXIT_NOTHING;
}

/* What --batch cannot be combined with. */
static bool batch_fits(mode what, format fmt, bool has_words, bool fmt_given)
{
    if (has_words) {
        fputs("kyotei-search: --batch reads the queries from its file: no query words on the command line\n", stderr);
        return false;
    }
    if (what != MODE_RESULTS || (fmt_given && fmt != FORMAT_JSON)) {
        fputs("kyotei-search: --batch writes results as JSON, one object a line: no --count, --facets, --pivot "
              "or --format other than json\n", stderr);
        return false;
    }
    return true;
}

int main(int argc, char **argv)
{
    /* A damaged table can make Xapian fault while reading it: trapped, that is a damaged-index
     * error like any other (exit 2, or 503 from the CGI), not a crash. Without the trap (it
     * cannot fail on Linux) kyotei works as before. */
    (void)kt_search_trap_faults(NULL);
    /* started by a web server that speaks FastCGI to it (Apache's mod_fcgid, lighttpd's bin-path,
     * spawn-fcgi) without arguments: standard input is a listening socket, never the pipe or
     * terminal a CGI request or a person gives. Before GATEWAY_INTERFACE, which mod_fcgid sets too. */
    if (argc == 1 && kt_listen_is_socket(STDIN_FILENO))
        return kt_serve_main(&(kt_serve_args){0});
    if (getenv("GATEWAY_INTERFACE"))  /* run by a web server: the CGI front (web/respond.h) */
        return kt_cgi_main();
    static const struct option long_options[] = {
        {"db", required_argument, NULL, 'd'},        {"country", required_argument, NULL, 'c'},
        {"field", required_argument, NULL, 'f'},     {"limit", required_argument, NULL, 'n'},
        {"offset", required_argument, NULL, OPT_OFFSET}, {"all", no_argument, NULL, OPT_ALL},
        {"format", required_argument, NULL, OPT_FORMAT}, {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, OPT_VERSION}, {"since", required_argument, NULL, OPT_SINCE},
        {"until", required_argument, NULL, OPT_UNTIL}, {"sort", required_argument, NULL, OPT_SORT},
        {"count", no_argument, NULL, OPT_COUNT},     {"facets", no_argument, NULL, OPT_FACETS},
        {"pivot", required_argument, NULL, OPT_PIVOT}, {"batch", required_argument, NULL, OPT_BATCH},
        {"allow-partial", no_argument, NULL, OPT_ALLOW_PARTIAL},
        {"connect-timeout", required_argument, NULL, OPT_CONNECT_TIMEOUT},
        {"remote-timeout", required_argument, NULL, OPT_REMOTE_TIMEOUT},
        {"fastcgi", no_argument, NULL, OPT_FASTCGI}, {"listen", required_argument, NULL, OPT_LISTEN},
        {"workers", required_argument, NULL, OPT_WORKERS}, {"max-memory", required_argument, NULL, OPT_MAX_MEMORY},
        {"complete", no_argument, NULL, OPT_COMPLETE},
        {NULL, 0, NULL, 0},
    };
    const char *dbs[MAX_SHARDS], *countries[MAX_FILTERS], *fields[MAX_FILTERS];
    size_t n_dbs = 0, n_countries = 0, n_fields = 0;
    kt_search_request req = {.limit = 10};
    format fmt = FORMAT_TEXT;
    mode what = MODE_RESULTS;
    kt_dimension pivot[2] = {KT_DIM_COUNTRY, KT_DIM_FIELD};
    kt_searcher_options sopts;
    kt_searcher_options_init(&sopts);
    const char *batch = NULL;
    bool fmt_given = false, fastcgi = false, shard_options = false;
    kt_serve_args serve = {0};
    unsigned long number;
    int c;
    while ((c = getopt_long(argc, argv, "h", long_options, NULL)) != -1) {
        bool ok = true;
        switch (c) {
        case 'd': ok = push(dbs, &n_dbs, MAX_SHARDS, optarg, "--db"); break;
        case 'c': ok = push(countries, &n_countries, MAX_FILTERS, optarg, "--country"); break;
        case 'f': ok = push(fields, &n_fields, MAX_FILTERS, optarg, "--field"); break;
        case 'n': ok = parse_count("--limit", optarg, KT_SEARCH_MAX_LIMIT, &req.limit); break;
        case OPT_OFFSET: ok = parse_count("--offset", optarg, UINT32_MAX / 2, &req.offset); break;
        case OPT_ALL: req.all = true; break;
        case OPT_SINCE: ok = kt_arg_year("kyotei-search", "--since", optarg, &req.since); break;
        case OPT_UNTIL: ok = kt_arg_year("kyotei-search", "--until", optarg, &req.until); break;
        case OPT_SORT:
            if (strcmp(optarg, "relevance") == 0)
                req.sort = KT_SORT_RELEVANCE;
            else if (strcmp(optarg, "date") == 0 || strcmp(optarg, "-date") == 0)
                req.sort = optarg[0] == '-' ? KT_SORT_DATE_DESC : KT_SORT_DATE_ASC;
            else {
                fputs("kyotei-search: --sort: expected relevance, date or -date\n", stderr);
                ok = false;
            }
            break;
        case OPT_FORMAT: {
            int chosen;
            ok = kt_arg_choice("kyotei-search", "--format", formats, optarg, &chosen);
            fmt = ok ? (format)chosen : fmt;
            fmt_given = true;
            break;
        }
        case OPT_COUNT: what = MODE_COUNT; break;
        case OPT_FACETS: what = MODE_FACETS; break;
        case OPT_PIVOT: what = MODE_PIVOT; ok = parse_pivot(optarg, pivot); break;
        case OPT_COMPLETE: what = MODE_COMPLETE; break;
        case OPT_BATCH: batch = optarg; break;
        case OPT_ALLOW_PARTIAL: sopts.allow_partial = shard_options = true; break;
        case OPT_CONNECT_TIMEOUT:
            ok = parse_count("--connect-timeout", optarg, 3600000, &sopts.connect_timeout_ms);
            shard_options = true;
            break;
        case OPT_REMOTE_TIMEOUT:
            ok = parse_count("--remote-timeout", optarg, 3600000, &sopts.timeout_ms);
            shard_options = true;
            break;
        case OPT_FASTCGI: fastcgi = true; break;
        case OPT_LISTEN: serve.listen = optarg; break;
        case OPT_WORKERS:
            ok = kt_arg_number("kyotei-search", "--workers", optarg, 1, KT_WORKERS_MAX, &number);
            serve.workers = ok ? (unsigned)number : 0;
            break;
        case OPT_MAX_MEMORY:
            ok = kt_arg_number("kyotei-search", "--max-memory", optarg, 64, 1048576, &number);
            serve.max_memory_mib = ok ? number : 0;
            break;
        case 'h': usage(stdout); return EXIT_FOUND;
        case OPT_VERSION: printf("kyotei-search %s\n", KYOTEI_VERSION); return EXIT_FOUND;
        default: usage(stderr); return EXIT_ERROR;
        }
        if (!ok)
            return EXIT_ERROR;
    }
    if (fastcgi || serve.listen || serve.workers || serve.max_memory_mib) {
        bool searching = n_countries || n_fields || req.limit != 10 || req.offset || req.all || req.since ||
                         req.until || req.sort != KT_SORT_RELEVANCE || what != MODE_RESULTS || batch || fmt_given ||
                         optind < argc;
        if (!fastcgi)
            fputs("kyotei-search: --listen, --workers and --max-memory are for --fastcgi\n", stderr);
        else if (searching)
            fputs("kyotei-search: --fastcgi: each request brings its own query and filters; give only --db, "
                  "--listen, --workers and --max-memory\n", stderr);
        else if (shard_options)
            fputs("kyotei-search: --fastcgi: the shard settings come from the environment, as for the CGI "
                  "(KYOTEI_ALLOW_PARTIAL, KYOTEI_CONNECT_TIMEOUT, KYOTEI_REMOTE_TIMEOUT)\n", stderr);
        else if (n_dbs > 1)
            fputs("kyotei-search: --fastcgi: one --db (a shard list names several indexes)\n", stderr);
        else {
            serve.db = n_dbs ? dbs[0] : NULL;
            return kt_serve_main(&serve);
        }
        return EXIT_ERROR;
    }
    kt_buf query = KT_BUF_INIT;
    for (int i = optind; i < argc; i++) {
        if (i > optind)
            kt_buf_append_char(&query, ' ');
        kt_buf_append_str(&query, argv[i]);
    }
    if (kt_buf_status(&query) != KT_OK) { /* never search for part of what was asked */
        fprintf(stderr, "kyotei-search: %s\n", kt_status_name(kt_buf_status(&query)));
        kt_buf_free(&query);
        return EXIT_ERROR;
    }
    req.query = kt_buf_str(&query);
    req.countries = countries;
    req.n_countries = n_countries;
    req.fields = fields;
    req.n_fields = n_fields;

    kt_error err;
    char *data_dir = kt_data_dir(&err);
    char *bundled = data_dir ? kt_path_join(data_dir, "index") : NULL;
    if (n_dbs == 0) {
        const char *env = getenv("KYOTEI_DB");
        dbs[n_dbs++] = env && *env ? env : bundled;
    }
    int status = EXIT_ERROR;
    kt_searcher *s = NULL;
    if (batch ? !batch_fits(what, fmt, optind < argc, fmt_given) : !format_fits(what, fmt, req.all))
        status = EXIT_ERROR;
    else if (!data_dir || !dbs[0] || kt_searcher_open_with(dbs, n_dbs, data_dir, &sopts, &s, &err) != KT_OK)
        fprintf(stderr, "kyotei-search: %s\n", err.message);
    else if (batch)
        status = run_batch(s, &req, batch);
    else if (kt_run(s, &req, what, fmt, pivot, &status, &err) != KT_OK)
        fprintf(stderr, "kyotei-search: %s\n", err.message);
    else
        warn_missing(s);
    kt_searcher_close(s);
    free(bundled);
    free(data_dir);
    kt_buf_free(&query);
    return status;
}
