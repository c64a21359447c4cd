#include "kyotei/output.h"

#include <string.h>

#include "base/error.h"

/* Text with its marks wrapped in the style's delimiters. */
static void put_marked(FILE *out, const char *text, const kt_mark *marks, size_t n, const kt_text_style *style)
{
    size_t pos = 0;
    for (size_t i = 0; i < n; i++) {
        fwrite(text + pos, 1, marks[i].start - pos, out);
        fputs(style->mark_open, out);
        fwrite(text + marks[i].start, 1, marks[i].end - marks[i].start, out);
        fputs(style->mark_close, out);
        pos = marks[i].end;
    }
    fputs(text + pos, out);
}

static void put_facet(FILE *out, const char *name, const kt_facet *f)
{
    fprintf(out, "%s:", name);
    for (size_t i = 0; i < f->count; i++)
        fprintf(out, "%s %s %u", i ? "," : "", f->items[i].value, f->items[i].count);
    fputc('\n', out);
}

/* Results that lack some shards say so first: they are not the whole answer. */
static void put_missing(FILE *out, const kt_result *r)
{
    if (!r->n_shards_missing)
        return;
    fprintf(out, "Partial results: %zu shard%s did not answer:", r->n_shards_missing,
            r->n_shards_missing == 1 ? "" : "s");
    for (size_t i = 0; i < r->n_shards_missing; i++)
        fprintf(out, " %s", r->shards_missing[i]);
    fputs("\n\n", out);
}

/* One line a part of the query that was not searched: nothing typed is dropped in silence. */
static void put_ignored(FILE *out, const kt_result *r)
{
    for (size_t i = 0; i < r->ignored.count; i++)
        fprintf(out, "Not searched: %s (%s)\n", r->ignored.items[i].word,
                kt_ignored_reason_text(r->ignored.items[i].reason));
    if (r->ignored.count)
        fputc('\n', out);
}

kt_status kt_write_text(FILE *out, const kt_result *r, const kt_text_style *style, kt_error *err)
{
    put_missing(out, r);
    put_ignored(out, r);
    if (r->suggestion_used)
        fprintf(out, "Nothing matched every word as typed; showing the agreements for: %s\n\n", r->suggestion);
    if (r->partial)
        fputs("No agreement has all the words; these have some of them:\n\n", out);
    for (size_t i = 0; i < r->n_hits; i++) {
        const kt_hit *h = &r->hits[i];
        fprintf(out, "%u. ", h->rank);
        put_marked(out, h->col[KT_COL_TITLE], h->title_marks, h->n_title_marks, style);
        fputc('\n', out);
        fprintf(out, "   %s → %s", h->col[KT_COL_MUNICIPALITY], h->col[KT_COL_PARTNER]);
        if (h->n_fields) {
            fputs(" | ", out);
            for (size_t k = 0; k < h->n_fields; k++)
                fprintf(out, "%s%s", k ? "・" : "", h->fields[k]);
        }
        if (*h->col[KT_COL_SIGNED])
            fprintf(out, " | %s", h->col[KT_COL_SIGNED]);
        fputs("\n   ", out);
        put_marked(out, h->snippet, h->marks, h->n_marks, style);
        fputs("\n\n", out);
    }
    if (r->total == 0)
        fputs("No agreement matches.\n", out);
    else if (r->n_hits < r->total)
        fprintf(out, "%u agreement%s match%s; showing %u–%u.\n", r->total, r->total == 1 ? "" : "s",
                r->partial ? " some of the words" : "",
                r->n_hits ? r->hits[0].rank : 0, r->n_hits ? r->hits[r->n_hits - 1].rank : 0);
    else
        fprintf(out, "%u agreement%s match%s.\n", r->total, r->total == 1 ? "" : "s",
                r->partial ? " some of the words" : "");
    if (r->suggestion && !r->suggestion_used)
        fprintf(out, "Did you mean: %s\n", r->suggestion);
    if (r->total) {
        put_facet(out, "country", &r->countries);
        put_facet(out, "field", &r->fields);
    }
    if (fflush(out) != 0 || ferror(out))
        return kt_error_set(err, KT_ERR_IO, "cannot write the results");
    return KT_OK;
}

kt_status kt_write_facets_text(FILE *out, const kt_result *r, kt_error *err)
{
    put_missing(out, r);
    put_ignored(out, r);
    fprintf(out, "%u agreement%s%s\n", r->total, r->total == 1 ? "" : "s",
            r->partial ? " (partial: no agreement has every word)" : "");
    put_facet(out, "country", &r->countries);
    put_facet(out, "field", &r->fields);
    if (fflush(out) != 0 || ferror(out))
        return kt_error_set(err, KT_ERR_IO, "cannot write the results");
    return KT_OK;
}

kt_status kt_write_count_text(FILE *out, const kt_result *r, kt_error *err)
{
    if (fprintf(out, "%u\n", r->partial ? 0 : r->total) < 0 || fflush(out) != 0 || ferror(out))
        return kt_error_set(err, KT_ERR_IO, "cannot write the results");
    return KT_OK;
}

kt_status kt_write_completions_text(FILE *out, const kt_completions *c, kt_error *err)
{
    for (size_t i = 0; i < c->count; i++)
        fprintf(out, "%s\t%s\t%u\n", c->items[i].text, c->items[i].kind, c->items[i].count);
    if (fflush(out) != 0 || ferror(out))
        return kt_error_set(err, KT_ERR_IO, "cannot write the completions");
    return KT_OK;
}
