/* kyotei — writers: a search result as text for people or as JSON for programs.
 *
 * Writers only format; they never search. The JSON object is documented in the README
 * ("query", "total", "offset", "limit", "hits", "facets"); every string in it is escaped by
 * jansson, so hostile text in the index or the query cannot break the document.
 *
 * Errors: KT_ERR_IO when the stream fails (a closed pipe), KT_ERR_NOMEM.
 */
#ifndef KT_SEARCHER_WRITE_H
#define KT_SEARCHER_WRITE_H

#include <stdbool.h>
#include <stdio.h>

#include "base/buf.h"
#include "base/error.h"
#include "searcher/search.h"

typedef struct kt_text_style {
    const char *mark_open;   /* around matched words: bold on a terminal, ** otherwise */
    const char *mark_close;
} kt_text_style;

kt_status kt_write_text(FILE *out, const kt_result *r, const kt_text_style *style, kt_error *err);

/* query: the query as typed (echoed back, escaped). When shards were left out (kt_result
 * shards_missing) the object also has "shards_missing": [names], here and in the facets object. */
kt_status kt_write_json(FILE *out, const kt_result *r, const char *query, kt_error *err);

/* The same object on one line, for one result a line (kyotei-search --batch). */
kt_status kt_write_json_line(FILE *out, const kt_result *r, const char *query, kt_error *err);

/* Only the counts by country and field (and the total): text lines "country: 中国 5, 韓国 2" or
 * the JSON object {"total", "partial", "facets": {"country": […], "field": […]}}. */
kt_status kt_write_facets_text(FILE *out, const kt_result *r, kt_error *err);
kt_status kt_write_facets_json(FILE *out, const kt_result *r, kt_error *err);

/* ---- HTML: the search page and the fragment a site includes in a page of its own ----
 * docs/cgi.md documents the markup, the class names and the template placeholders. Every value
 * is escaped for where it goes: text and attribute values by kt_html_escape, query parameters in
 * links by percent-encoding (uriparser). Links are relative ("?q=…"), so they resolve against the
 * page that shows them; a source link is written only for an http:// or https:// URL.
 * The writers build the whole document in memory and write it at once: on error nothing of it has
 * been written. Errors: KT_ERR_NOMEM, KT_ERR_IO, and KT_ERR_INPUT for a template that names an
 * unknown placeholder. */

#define KT_HTML_MAX_PAGE 1000 /* pagination links stop at this page (the CGI refuses later ones) */

/* Appends len bytes of text escaped for HTML text and for quoted attribute values: & < > " '
 * become entities; control characters other than tab, LF and CR are dropped. */
kt_status kt_html_escape(kt_buf *b, const char *text, size_t len);

/* Appends the relative link ("?q=…&country=…", percent-encoded, not HTML-escaped) to the search
 * req describes, at 1-based `page` (1 leaves `page` out), in `format` (NULL: the HTML page). */
kt_status kt_html_link(kt_buf *b, const kt_search_request *req, uint32_t page, const char *format);

/* Whether url may become a link: an absolute http or https URL with a host, nothing else. */
bool kt_html_url_ok(const char *url);

/* The results and facets as a fragment (<div class="kyotei">…</div>). req is the search that r
 * answers: its query, filters and sort go into every link, its offset and limit give the page. */
kt_status kt_write_html_fragment(FILE *out, const kt_search_request *req, const kt_result *r, kt_error *err);

/* A whole page: tmpl with its {{placeholders}} filled; NULL uses the built-in page. */
kt_status kt_write_html_page(FILE *out, const char *tmpl, const kt_search_request *req, const kt_result *r,
                             kt_error *err);

/* Checks a page template before it is used: KT_ERR_INPUT names the first unknown placeholder and
 * its line. Text that only looks like a placeholder ("{{ x }}", "{{a-b}}") is copied as written. */
kt_status kt_html_template_check(const char *tmpl, kt_error *err);

/* ---- CSV: every hit of r for analysts ----
 * RFC 4180 (libcsv quoting, CRLF lines), UTF-8 without a byte-order mark. A header row names the
 * corpus columns as kyotei-index reads them (id … url), then score, country_canonical and
 * fields_canonical (the canonical fields joined with ';'), so the file can be indexed again. */
kt_status kt_write_csv(FILE *out, const kt_result *r, kt_error *err);

#endif
