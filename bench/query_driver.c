/* kyotei-bench-query: warm queries over a kyotei index, one process, one line in, one line out.
 *
 * Reads queries (kyotei's query language, filters included: `country:中国 観光`) one a line from a
 * file or standard input and answers each with one JSON line, flushed at once, so a harness can
 * time every query from outside:
 *
 *   {"query": "...", "total": 42, "partial": false, "ids": ["..."], "countries": {"中国": 12, ...},
 *    "fields": {"観光": 5, ...}, "us": 812}
 *
 * The search is kt_search exactly as kyotei-search runs it (the first page of 10, snippets, exact
 * counts by country and field over the whole match set); "us" is its time in microseconds. A
 * query that fails gives {"query": "...", "error": "..."} and the run goes on.
 *
 *   kyotei-bench-query [--db DIR]... [--limit N] FILE|-
 *
 * Exit status 0, or 2 when the index cannot be opened. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/datadir.h"
#include "kyotei/search.h"

#define MAX_DBS 64

static double now_us(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e6 + (double)t.tv_nsec / 1e3;
}

static json_t *facet_object(const kt_facet *f)
{
    json_t *o = json_object();
    for (size_t i = 0; i < f->count; i++)
        json_object_set_new(o, f->items[i].value, json_integer(f->items[i].count));
    return o;
}

static void answer(kt_searcher *s, const char *query, uint32_t limit)
{
    kt_search_request req = {.query = query, .limit = limit};
    kt_result *r = NULL;
    kt_error err;
    double t0 = now_us();
    kt_status st = kt_search(s, &req, &r, &err);
    double us = now_us() - t0;
    json_t *o = json_object();
    json_object_set_new(o, "query", json_string(query));
    if (st != KT_OK) {
        json_object_set_new(o, "error", json_string(err.message));
    } else {
        json_object_set_new(o, "total", json_integer(r->total));
        json_object_set_new(o, "partial", json_boolean(r->partial));
        json_t *ids = json_array();
        for (size_t i = 0; i < r->n_hits; i++)
            json_array_append_new(ids, json_string(r->hits[i].col[KT_COL_ID]));
        json_object_set_new(o, "ids", ids);
        json_object_set_new(o, "countries", facet_object(&r->countries));
        json_object_set_new(o, "fields", facet_object(&r->fields));
    }
    json_object_set_new(o, "us", json_integer((json_int_t)us));
    char *line = json_dumps(o, JSON_COMPACT | JSON_ENSURE_ASCII);
    json_decref(o);
    kt_result_free(r);
    if (line) {
        puts(line);
        fflush(stdout);
    }
    free(line);
}

int main(int argc, char **argv)
{
    const char *dbs[MAX_DBS];
    size_t n_dbs = 0;
    uint32_t limit = 10;
    int i = 1;
    for (; i + 1 < argc; i += 2) {
        if (strcmp(argv[i], "--db") == 0 && n_dbs < MAX_DBS)
            dbs[n_dbs++] = argv[i + 1];
        else if (strcmp(argv[i], "--limit") == 0)
            limit = (uint32_t)strtoul(argv[i + 1], NULL, 10);
        else
            break;
    }
    if (i != argc - 1 || n_dbs == 0) {
        fputs("Usage: kyotei-bench-query --db DIR [--db DIR]... [--limit N] FILE|-\n", stderr);
        return 2;
    }
    FILE *in = strcmp(argv[i], "-") == 0 ? stdin : fopen(argv[i], "r");
    if (!in) {
        perror(argv[i]);
        return 2;
    }
    kt_error err;
    char *data_dir = kt_data_dir(&err);
    kt_searcher *s = NULL;
    if (!data_dir || kt_searcher_open(dbs, n_dbs, data_dir, &s, &err) != KT_OK) {
        fprintf(stderr, "kyotei-bench-query: %s\n", err.message);
        free(data_dir);
        return 2;
    }
    free(data_dir);
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    while ((len = getline(&line, &cap, in)) > 0) {
        while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
            line[--len] = '\0';
        answer(s, line, limit);
    }
    free(line);
    kt_searcher_close(s);
    if (in != stdin)
        fclose(in);
    return 0;
}
