/* kyotei — the HTML writer of the search page and the fragment a site includes in a page of its
 * own, and the CSV download of a page's search.
 *
 * docs/cgi.md documents the markup, the class names and the template placeholders. Every value
 * is escaped for where it goes: text and attribute values by kt_html_escape, query parameters in
 * links by percent-encoding (uriparser). Links are relative ("?q=…"), so they resolve against the
 * page that shows them; a source link is written only for an http:// or https:// URL.
 * The writers build the whole document in memory and write it at once: on error nothing of it has
 * been written. Errors: KT_ERR_NOMEM, KT_ERR_IO, and KT_ERR_INPUT for a template that names an
 * unknown placeholder. */
#ifndef KT_WEB_HTML_H
#define KT_WEB_HTML_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "base/buf.h"
#include "base/error.h"
#include "kyotei/search.h"
#include "web/request.h" /* KT_CGI_MAX_PAGE: pagination links stop at the last page the front serves */

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

/* CSV: every hit of r for analysts.
 * RFC 4180 (libcsv quoting, CRLF lines), UTF-8 without a byte-order mark. A header row names the
 * corpus columns as kyotei-index reads them (id … url), then score, country_canonical and
 * fields_canonical (the canonical fields joined with ';'), so the file can be indexed again. */
kt_status kt_write_csv(FILE *out, const kt_result *r, kt_error *err);

#endif
