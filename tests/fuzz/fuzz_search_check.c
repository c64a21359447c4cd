#include "fuzz_search_check.h"

#include <string.h>

#include "fuzz_common.h"

static void check_marks(const char *text, const kt_mark *m, size_t n, const char *what)
{
    size_t len = text ? strlen(text) : 0;
    FUZZ_CHECK(n == 0 || text, "%s: marks without a text", what);
    for (size_t i = 0; i < n; i++) {
        FUZZ_CHECK(m[i].start < m[i].end && m[i].end <= len, "%s: mark %zu [%zu,%zu) of %zu", what, i, m[i].start,
                   m[i].end, len);
        FUZZ_CHECK(i == 0 || m[i - 1].end <= m[i].start, "%s: marks %zu and %zu overlap", what, i - 1, i);
        /* a mark cuts the text at character boundaries */
        FUZZ_CHECK((text[m[i].start] & 0xC0) != 0x80, "%s: mark %zu starts inside a character", what, i);
        FUZZ_CHECK(m[i].end == len || (text[m[i].end] & 0xC0) != 0x80, "%s: mark %zu ends inside a character", what,
                   i);
    }
}

static void check_facet(const kt_facet *f, uint32_t total, const char *what)
{
    for (size_t i = 0; i < f->count; i++) {
        FUZZ_CHECK(f->items[i].value && f->items[i].count > 0 && f->items[i].count <= total, "%s facet %zu", what, i);
        FUZZ_CHECK(i == 0 || f->items[i - 1].count >= f->items[i].count, "%s facet not sorted by count", what);
    }
}

void fuzz_check_result(const kt_search_request *req, const kt_result *r)
{
    FUZZ_CHECK(r->n_hits <= r->total, "%zu hits of %u", r->n_hits, r->total);
    if (!req->all)
        FUZZ_CHECK(r->n_hits <= req->limit, "%zu hits for a page of %u", r->n_hits, req->limit);
    for (size_t i = 0; i < r->n_hits; i++) {
        const kt_hit *h = &r->hits[i];
        FUZZ_CHECK(i == 0 || h->rank > r->hits[i - 1].rank, "ranks out of order");
        for (int c = 0; c < KT_COL_COUNT; c++)
            FUZZ_CHECK(h->col[c] && fuzz_utf8_valid(h->col[c], strlen(h->col[c])), "hit %zu column %d", i, c);
        if (h->snippet)
            FUZZ_CHECK(fuzz_utf8_valid(h->snippet, strlen(h->snippet)), "snippet of hit %zu not UTF-8", i);
        check_marks(h->snippet, h->marks, h->n_marks, "snippet");
        check_marks(h->col[KT_COL_TITLE], h->title_marks, h->n_title_marks, "title");
    }
    check_facet(&r->countries, r->total, "country");
    check_facet(&r->fields, r->total, "field");
}
