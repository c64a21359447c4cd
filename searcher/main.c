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
#include "searcher/cgi.h"
#include "searcher/search.h"
#include "searcher/write.h"

enum { EXIT_FOUND = 0, EXIT_NOTHING = 1, EXIT_ERROR = 2 };
enum { OPT_VERSION = 256, OPT_FORMAT, OPT_ALL, OPT_OFFSET, OPT_SINCE, OPT_UNTIL, OPT_SORT };

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
          "  かんこう                kana also finds the kanji it reads as (観光)\n"
          "  tourism  中華人民共和国  aliases reach the canonical field or country\n"
          "  country:台湾 field:観光 municipality:仙台市 prefecture:宮城県 title:覚書\n"
          "  signed:2010..2016  signed:2010..  signed:..2016\n"
          "When no agreement has every word, the ones with some of them are shown, marked as partial.\n"
          "A query that starts with - follows --:  kyotei-search -- -中国 交流\n"
          "\n"
          "  --db DIR         an index to search (repeat to search several as one);\n"
          "                   default $KYOTEI_DB, else the index of the bundled corpus\n"
          "  --country C      only agreements with this country (repeat: any of them)\n"
          "  --field F        only agreements in this field (repeat: any of them)\n"
          "  --limit N        how many to show (default 10)\n"
          "  --offset N       skip the first N (for paging)\n"
          "  --all            show every match\n"
          "  --since YEAR     only agreements signed in or after YEAR\n"
          "  --until YEAR     only agreements signed in or before YEAR\n"
          "  --sort ORDER     relevance (default), date (oldest first) or -date (newest first)\n"
          "  --format FMT     text (default) or json\n"
          "  -h, --help       this help\n"
          "  --version        the version\n"
          "\n"
          "Examples:\n"
          "  kyotei-search 青少年 交流\n"
          "  kyotei-search --field 観光 --country 中国 --all\n"
          "  kyotei-search --format json 医療\n"
          "\n"
          "Exit status: 0 something found, 1 nothing found, 2 error.\n",
          out);
}

static bool parse_count(const char *name, const char *text, uint32_t max, uint32_t *out)
{
    char *end;
    errno = 0;
    unsigned long v = strtoul(text, &end, 10);
    if (errno || end == text || *end || text[0] == '-' || v > max) {
        fprintf(stderr, "kyotei-search: %s: expected a whole number from 0 to %u\n", name, max);
        return false;
    }
    *out = (uint32_t)v;
    return true;
}

static bool parse_year(const char *name, const char *text, int *out)
{
    uint32_t year;
    if (!parse_count(name, text, 9999, &year) || year < 1000) {
        if (year < 1000)
            fprintf(stderr, "kyotei-search: %s: expected a year such as 2010\n", name);
        return false;
    }
    *out = (int)year;
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

int main(int argc, char **argv)
{
    if (getenv("GATEWAY_INTERFACE"))  /* run by a web server: the CGI front (searcher/cgi.h) */
        return kt_cgi_main();
    static const struct option long_options[] = {
        {"db", required_argument, NULL, 'd'},        {"country", required_argument, NULL, 'c'},
        {"field", required_argument, NULL, 'f'},     {"limit", required_argument, NULL, 'n'},
        {"offset", required_argument, NULL, OPT_OFFSET}, {"all", no_argument, NULL, OPT_ALL},
        {"format", required_argument, NULL, OPT_FORMAT}, {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, OPT_VERSION}, {"since", required_argument, NULL, OPT_SINCE},
        {"until", required_argument, NULL, OPT_UNTIL}, {"sort", required_argument, NULL, OPT_SORT},
        {NULL, 0, NULL, 0},
    };
    const char *dbs[MAX_SHARDS], *countries[MAX_FILTERS], *fields[MAX_FILTERS];
    size_t n_dbs = 0, n_countries = 0, n_fields = 0;
    kt_search_request req = {.limit = 10};
    bool json = false;
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
        case OPT_SINCE: ok = parse_year("--since", optarg, &req.since); break;
        case OPT_UNTIL: ok = parse_year("--until", optarg, &req.until); break;
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
        case OPT_FORMAT:
            if (strcmp(optarg, "json") == 0)
                json = true;
            else if (strcmp(optarg, "text") == 0)
                json = false;
            else {
                fputs("kyotei-search: --format: expected text or json\n", stderr);
                ok = false;
            }
            break;
        case 'h': usage(stdout); return EXIT_FOUND;
        case OPT_VERSION: printf("kyotei-search %s\n", KYOTEI_VERSION); return EXIT_FOUND;
        default: usage(stderr); return EXIT_ERROR;
        }
        if (!ok)
            return EXIT_ERROR;
    }
    kt_buf query = KT_BUF_INIT;
    for (int i = optind; i < argc; i++) {
        if (i > optind)
            kt_buf_append_char(&query, ' ');
        kt_buf_append_str(&query, argv[i]);
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
    kt_result *r = NULL;
    if (!data_dir || !dbs[0])
        fprintf(stderr, "kyotei-search: %s\n", err.message);
    else if (kt_searcher_open(dbs, n_dbs, data_dir, &s, &err) != KT_OK || kt_search(s, &req, &r, &err) != KT_OK)
        fprintf(stderr, "kyotei-search: %s\n", err.message);
    else {
        static const kt_text_style bold = {"\033[1m", "\033[0m"}, plain = {"**", "**"};
        kt_status st = json ? kt_write_json(stdout, r, req.query, &err)
                            : kt_write_text(stdout, r, isatty(STDOUT_FILENO) ? &bold : &plain, &err);
        if (st != KT_OK)
            fprintf(stderr, "kyotei-search: %s\n", err.message);
        else
            status = r->total ? EXIT_FOUND : EXIT_NOTHING;
    }
    kt_result_free(r);
    kt_searcher_close(s);
    free(bundled);
    free(data_dir);
    kt_buf_free(&query);
    return status;
}
