#include "web/html.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <uriparser/Uri.h>

/* The built-in page and its style sheet, embedded from web/page.html and page.css at build
 * time (web/embed.cmake), so a CGI request never depends on a file beside the program. */
extern const char kt_page_html[];
extern const char kt_page_css[];

/* The form's maxlength, in characters: 300 Japanese characters stay under the 1000 bytes the CGI
 * accepts for q. */
#define QUERY_INPUT_MAXLENGTH 300

/* An HTML document under construction. The first failure sticks, so the writers can emit
 * everything and check once. */
typedef struct html {
    kt_buf b;
    kt_status st;
} html;

static void raw(html *h, const char *s)
{
    if (h->st == KT_OK)
        h->st = kt_buf_append_str(&h->b, s);
}

static void rawf(html *h, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void rawf(html *h, const char *fmt, ...)
{
    if (h->st != KT_OK)
        return;
    char small[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    /* only short numeric pieces come through here */
    h->st = n < 0 || (size_t)n >= sizeof small ? KT_ERR_INTERNAL : kt_buf_append(&h->b, small, (size_t)n);
}

static void escn(html *h, const char *s, size_t len)
{
    if (h->st == KT_OK)
        h->st = kt_html_escape(&h->b, s, len);
}

static void esc(html *h, const char *s)
{
    escn(h, s, strlen(s));
}

/* open, the escaped text, close. */
static void wrap(html *h, const char *open, const char *text, const char *close)
{
    raw(h, open);
    esc(h, text);
    raw(h, close);
}

kt_status kt_html_escape(kt_buf *b, const char *text, size_t len)
{
    size_t run = 0;
    kt_status st = kt_buf_reserve(b, len);
    for (size_t i = 0; i < len && st == KT_OK; i++) {
        unsigned char c = (unsigned char)text[i];
        const char *rep;
        switch (c) {
        case '&': rep = "&amp;"; break;
        case '<': rep = "&lt;"; break;
        case '>': rep = "&gt;"; break;
        case '"': rep = "&quot;"; break;
        case '\'': rep = "&#39;"; break;
        default:
            /* C0 controls and DEL are parse errors in HTML and can only confuse a reader */
            rep = (c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f ? "" : NULL;
        }
        if (!rep)
            continue;
        st = kt_buf_append(b, text + run, i - run);
        if (st == KT_OK)
            st = kt_buf_append_str(b, rep);
        run = i + 1;
    }
    return st == KT_OK ? kt_buf_append(b, text + run, len - run) : st;
}

/* ---- links ---- */

/* How a link differs from the search on the page. */
typedef struct change {
    const char *add_country, *drop_country;
    const char *add_field, *drop_field;
    bool drop_since, drop_until, drop_filters;
    bool set_sort;
    kt_sort sort;
    uint32_t page;
    const char *format;
    const char *set_query; /* another query (a suggestion) in place of the one asked */
} change;

static UriQueryListA *push_param(UriQueryListA *items, size_t *n, const char *key, const char *value)
{
    items[*n] = (UriQueryListA){key, value, NULL};
    if (*n)
        items[*n - 1].next = &items[*n];
    return &items[(*n)++];
}

static void push_list(UriQueryListA *items, size_t *n, const char *key, const char *const *values, size_t count,
                      const char *drop, const char *add)
{
    for (size_t i = 0; i < count; i++)
        if (*values[i] && !(drop && strcmp(values[i], drop) == 0))
            push_param(items, n, key, values[i]);
    if (add)
        push_param(items, n, key, add);
}

static kt_status link_append(kt_buf *b, const kt_search_request *req, const change *c)
{
    size_t cap = req->n_countries + req->n_fields + 8, n = 0;
    UriQueryListA *items = calloc(cap, sizeof *items);
    if (!items)
        return KT_ERR_NOMEM;
    char since[16], until[16], page[16];
    const char *q = c->set_query ? c->set_query : req->query;
    if (q && *q)
        push_param(items, &n, "q", q);
    if (!c->drop_filters) {
        push_list(items, &n, "country", req->countries, req->n_countries, c->drop_country, c->add_country);
        push_list(items, &n, "field", req->fields, req->n_fields, c->drop_field, c->add_field);
        if (req->since && !c->drop_since) {
            snprintf(since, sizeof since, "%d", req->since);
            push_param(items, &n, "since", since);
        }
        if (req->until && !c->drop_until) {
            snprintf(until, sizeof until, "%d", req->until);
            push_param(items, &n, "until", until);
        }
    }
    if ((c->set_sort ? c->sort : req->sort) == KT_SORT_DATE_DESC)
        push_param(items, &n, "sort", "date");
    if (c->page > 1) {
        snprintf(page, sizeof page, "%u", c->page);
        push_param(items, &n, "page", page);
    }
    if (c->format)
        push_param(items, &n, "format", c->format);
    char *query = NULL;
    kt_status st = kt_buf_append_char(b, '?');
    if (st == KT_OK && n) {
        st = uriComposeQueryMallocExA(&query, items, URI_TRUE, URI_FALSE) == URI_SUCCESS ? KT_OK : KT_ERR_NOMEM;
        if (st == KT_OK)
            st = kt_buf_append_str(b, query);
    }
    free(query);
    free(items);
    return st;
}

kt_status kt_html_link(kt_buf *b, const kt_search_request *req, uint32_t page, const char *format)
{
    change c = {.page = page, .format = format};
    return link_append(b, req, &c);
}

/* href="…" for a link, escaped for the attribute. */
static void href(html *h, const kt_search_request *req, const change *c)
{
    kt_buf link = KT_BUF_INIT;
    if (h->st == KT_OK)
        h->st = link_append(&link, req, c);
    raw(h, " href=\"");
    esc(h, kt_buf_str(&link));
    raw(h, "\"");
    kt_buf_free(&link);
}

/* Whether url is an absolute http(s) URL with a host; if so, the host's bytes in url. */
static bool web_url(const char *url, size_t *host_start, size_t *host_len)
{
    for (const unsigned char *p = (const unsigned char *)url; *p; p++)
        if (*p <= 0x20 || *p >= 0x7f)  /* browsers strip or reinterpret these; nothing legitimate needs them */
            return false;
    UriUriA uri;
    const char *error_pos;
    if (uriParseSingleUriA(&uri, url, &error_pos) != URI_SUCCESS)
        return false;
    size_t scheme = (size_t)(uri.scheme.afterLast - uri.scheme.first);
    bool ok = uri.scheme.first &&
              ((scheme == 4 && strncasecmp(uri.scheme.first, "http", 4) == 0) ||
               (scheme == 5 && strncasecmp(uri.scheme.first, "https", 5) == 0)) &&
              uri.hostText.first && uri.hostText.afterLast > uri.hostText.first;
    if (ok) {
        *host_start = (size_t)(uri.hostText.first - url);
        *host_len = (size_t)(uri.hostText.afterLast - uri.hostText.first);
    }
    uriFreeUriMembersA(&uri);
    return ok;
}

bool kt_html_url_ok(const char *url)
{
    size_t start, len;
    return web_url(url, &start, &len);
}

/* ---- pieces of the fragment ---- */

static uint32_t current_page(const kt_search_request *req)
{
    return req->limit ? req->offset / req->limit + 1 : 1;
}

/* Text with its marks as <mark>; marks out of order or out of bounds are ignored, never trusted. */
static void marked(html *h, const char *text, const kt_mark *marks, size_t n)
{
    size_t len = strlen(text), pos = 0;
    for (size_t i = 0; i < n; i++) {
        if (marks[i].start < pos || marks[i].end <= marks[i].start || marks[i].end > len)
            continue;
        escn(h, text + pos, marks[i].start - pos);
        raw(h, "<mark>");
        escn(h, text + marks[i].start, marks[i].end - marks[i].start);
        raw(h, "</mark>");
        pos = marks[i].end;
    }
    escn(h, text + pos, len - pos);
}

/* "2016-10-05" -> 2016年10月5日, "2016-10" -> 2016年10月, "2016" -> 2016年; anything else as written. */
static void signed_date(html *h, const char *s)
{
    int y, m = 0, d = 0, used = 0;
    size_t len = strlen(s);
    bool ok = len == 4 || len == 7 || len == 10;
    for (size_t i = 0; ok && i < len; i++)
        ok = (i == 4 || i == 7) ? s[i] == '-' : isdigit((unsigned char)s[i]);
    if (ok)
        ok = sscanf(s, "%4d%n-%2d%n-%2d%n", &y, &used, &m, &used, &d, &used) >= 1 && (size_t)used == len;
    if (!ok) {
        wrap(h, "<span class=\"kt-signed\">", s, "</span>");
        return;
    }
    wrap(h, "<time class=\"kt-signed\" datetime=\"", s, "\">");
    rawf(h, "%d年", y);
    if (m)
        rawf(h, "%d月", m);
    if (d)
        rawf(h, "%d日", d);
    raw(h, "締結</time>");
}

static void hit(html *h, const kt_hit *x)
{
    wrap(h, "<li class=\"kt-hit\" data-id=\"", x->col[KT_COL_ID], "\" data-country=\"");
    wrap(h, "", x->country ? x->country : "", "\">\n<h2 class=\"kt-title\">");
    marked(h, x->col[KT_COL_TITLE], x->title_marks, x->n_title_marks);
    wrap(h, "</h2>\n<p class=\"kt-parties\"><span class=\"kt-municipality\">", x->col[KT_COL_MUNICIPALITY],
         "</span> → ");
    wrap(h, "<span class=\"kt-partner\">", x->col[KT_COL_PARTNER], "</span></p>\n<p class=\"kt-meta\">");
    for (size_t k = 0; k < x->n_fields; k++)
        wrap(h, "<span class=\"kt-field\">", x->fields[k], "</span>");
    if (*x->col[KT_COL_SIGNED])
        signed_date(h, x->col[KT_COL_SIGNED]);
    raw(h, "</p>\n<p class=\"kt-snippet\">");
    marked(h, x->snippet ? x->snippet : "", x->marks, x->n_marks);
    raw(h, "</p>\n");
    const char *url = x->col[KT_COL_URL];
    size_t host, host_len;
    if (*url && web_url(url, &host, &host_len)) {
        wrap(h, "<p class=\"kt-source\"><a href=\"", url, "\" rel=\"nofollow noopener noreferrer\">出典: ");
        escn(h, url + host, host_len);
        raw(h, "</a></p>\n");
    }
    raw(h, "</li>\n");
}

static bool listed(const char *const *values, size_t n, const char *value)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(values[i], value) == 0)
            return true;
    return false;
}

static void facet(html *h, const kt_search_request *req, const char *name, const char *title, const kt_facet *f)
{
    bool country = strcmp(name, "country") == 0;
    const char *const *active = country ? req->countries : req->fields;
    size_t n_active = country ? req->n_countries : req->n_fields;
    rawf(h, "<section class=\"kt-facet\" data-facet=\"%s\">\n<h2>%s</h2>\n<ul>\n", name, title);
    for (size_t i = 0; i < f->count; i++) {
        const char *value = f->items[i].value;
        bool on = listed(active, n_active, value);
        change c = {0};
        if (country)
            *(on ? &c.drop_country : &c.add_country) = value;
        else
            *(on ? &c.drop_field : &c.add_field) = value;
        raw(h, on ? "<li class=\"kt-selected\"><a" : "<li><a");
        href(h, req, &c);
        raw(h, on ? " aria-current=\"true\" title=\"この条件を解除\">" : ">");
        raw(h, "<span class=\"kt-value\">");
        esc(h, value);
        rawf(h, "</span> <span class=\"kt-count\">%u</span></a></li>\n", f->items[i].count);
    }
    raw(h, "</ul>\n</section>\n");
}

static void active_filter(html *h, const kt_search_request *req, const change *c, const char *label, const char *value)
{
    raw(h, "<li><a class=\"kt-remove\"");
    href(h, req, c);
    raw(h, ">");
    raw(h, label);
    esc(h, value);
    raw(h, " <span aria-hidden=\"true\">×</span><span class=\"kt-sr\">（解除）</span></a></li>\n");
}

static void active_filters(html *h, const kt_search_request *req)
{
    size_t n = req->n_countries + req->n_fields + (req->since != 0) + (req->until != 0);
    if (n == 0)
        return;
    raw(h, "<ul class=\"kt-active\" aria-label=\"絞り込み条件\">\n");
    for (size_t i = 0; i < req->n_countries; i++)
        active_filter(h, req, &(change){.drop_country = req->countries[i]}, "国・地域: ", req->countries[i]);
    for (size_t i = 0; i < req->n_fields; i++)
        active_filter(h, req, &(change){.drop_field = req->fields[i]}, "分野: ", req->fields[i]);
    char year[16];
    if (req->since) {
        snprintf(year, sizeof year, "%d年から", req->since);
        active_filter(h, req, &(change){.drop_since = true}, "締結: ", year);
    }
    if (req->until) {
        snprintf(year, sizeof year, "%d年まで", req->until);
        active_filter(h, req, &(change){.drop_until = true}, "締結: ", year);
    }
    if (n > 1) {
        raw(h, "<li><a class=\"kt-clear\"");
        href(h, req, &(change){.drop_filters = true});
        raw(h, ">すべて解除</a></li>\n");
    }
    raw(h, "</ul>\n");
}

static void summary(html *h, const kt_search_request *req, const kt_result *r)
{
    raw(h, "<div class=\"kt-bar\">\n<p class=\"kt-summary\">");
    if (req->query && *req->query) {
        wrap(h, "「<span class=\"kt-q\">", req->query, "</span>」の検索結果 ");
    } else {
        raw(h, "協定 ");
    }
    rawf(h, "<strong class=\"kt-total\">%u</strong>件", r->total);
    if (r->n_hits)
        rawf(h, " <span class=\"kt-range\">（%u〜%u件目）</span>", r->hits[0].rank, r->hits[r->n_hits - 1].rank);
    raw(h, "</p>\n");
    if (r->total) {
        raw(h, "<p class=\"kt-sort\">並び順: ");
        static const struct { kt_sort sort; const char *label; } orders[] = {
            {KT_SORT_RELEVANCE, "関連度順"}, {KT_SORT_DATE_DESC, "新しい順"}};
        for (size_t i = 0; i < sizeof orders / sizeof orders[0]; i++) {
            if (req->sort == orders[i].sort) {
                rawf(h, "<strong aria-current=\"true\">%s</strong> ", orders[i].label);
            } else {
                raw(h, "<a");
                href(h, req, &(change){.set_sort = true, .sort = orders[i].sort});
                rawf(h, ">%s</a> ", orders[i].label);
            }
        }
        raw(h, "</p>\n<p class=\"kt-download\"><a");
        href(h, req, &(change){.format = "csv"});
        /* nofollow: a crawler that followed every download link would walk the whole index again and
         * again */
        raw(h, " rel=\"nofollow\" download>CSVで全件ダウンロード</a></p>\n");
    }
    raw(h, "</div>\n");
}

static void page_link(html *h, const kt_search_request *req, uint32_t page, uint32_t current, const char *rel,
                      const char *label)
{
    if (page == current && !rel) {
        rawf(h, "<span aria-current=\"page\">%u</span>\n", page);
        return;
    }
    raw(h, "<a");
    href(h, req, &(change){.page = page});
    if (rel)
        rawf(h, " rel=\"%s\"", rel);
    raw(h, ">");
    if (label)
        raw(h, label);
    else
        rawf(h, "%u", page);
    raw(h, "</a>\n");
}

static void pagination(html *h, const kt_search_request *req, const kt_result *r)
{
    if (!req->limit || r->total <= req->limit)
        return;
    uint32_t last = (r->total - 1) / req->limit + 1, current = current_page(req);
    if (last > KT_CGI_MAX_PAGE)
        last = KT_CGI_MAX_PAGE;
    raw(h, "<nav class=\"kt-pages\" aria-label=\"ページ\">\n");
    if (current > 1 && current <= last + 1)
        page_link(h, req, current - 1, current, "prev", "前へ");
    uint32_t shown = 0;
    for (uint32_t p = 1; p <= last; p++) {
        bool near = p + 2 >= current && p <= current + 2;
        if (p == 1 || p == last || near) {
            if (shown && p > shown + 1)
                raw(h, "<span class=\"kt-gap\">…</span>\n");
            page_link(h, req, p, current, NULL, NULL);
            shown = p;
        }
    }
    if (current < last)
        page_link(h, req, current + 1, current, "next", "次へ");
    raw(h, "</nav>\n");
}


/* Why a part of the query was not searched, in the page's language (kt_ignored_reason's order). */
static const char *const ignored_reasons_ja[KT_IGNORED_REASON_COUNT] = {
    [KT_IGNORED_NO_WORD] = "助詞・記号だけで、検索する語がありません",
    [KT_IGNORED_PHRASING] = "依頼の言い回しなので検索していません",
    [KT_IGNORED_OPERATOR] = "演算子の対象がありません",
    [KT_IGNORED_NEGATED_OR] = "OR の中の除外（-語）は使えません",
    [KT_IGNORED_BAD_RANGE] = "年または年の範囲（signed:2010..2016）として読めません",
    [KT_IGNORED_NOT_A_PREFIX] = "この接頭辞はありません。文字列として検索しました",
};

/* Nothing typed is dropped in silence: the words not searched, each with its reason. */
static void put_ignored(html *h, const kt_result *r)
{
    if (!r->ignored.count)
        return;
    raw(h, "<ul class=\"kt-ignored\">\n");
    for (size_t i = 0; i < r->ignored.count; i++) {
        const kt_ignored *g = &r->ignored.items[i];
        raw(h, "<li>「");
        esc(h, g->word);
        raw(h, "」: ");
        esc(h, (unsigned)g->reason < KT_IGNORED_REASON_COUNT ? ignored_reasons_ja[g->reason] : "");
        raw(h, "</li>\n");
    }
    raw(h, "</ul>\n");
}

static void fragment(html *h, const kt_search_request *req, const kt_result *r)
{
    raw(h, "<div class=\"kyotei\">\n<div class=\"kt-main\">\n");
    summary(h, req, r);
    active_filters(h, req);
    if (r->total && (r->countries.count || r->fields.count))
        raw(h, "<p class=\"kt-jump\"><a href=\"#kt-facets\">国・分野で絞り込む ↓</a></p>\n");
    if (r->n_shards_missing)
        rawf(h, "<p class=\"kt-incomplete\" role=\"status\">索引の一部（%zu件）が応答しなかったため、"
                "ここに含まれていない協定があります。件数と絞り込みの数も、応答した索引の分だけです。</p>\n",
             r->n_shards_missing);
    put_ignored(h, r);
    if (r->suggestion && r->suggestion_used) {
        raw(h, "<p class=\"kt-suggestion\">入力された語では見つからなかったため、「");
        esc(h, r->suggestion);
        raw(h, "」の検索結果を表示しています。</p>\n");
    } else if (r->suggestion) {
        raw(h, "<p class=\"kt-suggestion\">もしかして: <a");
        href(h, req, &(change){.set_query = r->suggestion});
        raw(h, ">");
        esc(h, r->suggestion);
        raw(h, "</a></p>\n");
    }
    if (r->partial)
        raw(h, "<p class=\"kt-partial\">すべての語を含む協定は見つかりませんでした。"
               "一部の語を含む協定を表示しています。</p>\n");
    if (r->total == 0) {
        raw(h, "<p class=\"kt-none\">該当する協定は見つかりませんでした。");
        if (req->n_countries || req->n_fields || req->since || req->until)
            raw(h, "絞り込み条件を解除するか、");
        raw(h, "別の語で検索してください。</p>\n");
    } else if (r->n_hits == 0) {
        raw(h, "<p class=\"kt-none\">このページに結果はありません。<a");
        href(h, req, &(change){.page = 1});
        raw(h, ">最初のページへ</a></p>\n");
    } else {
        rawf(h, "<ol class=\"kt-hits\" start=\"%u\">\n", r->hits[0].rank);
        for (size_t i = 0; i < r->n_hits; i++)
            hit(h, &r->hits[i]);
        raw(h, "</ol>\n");
    }
    pagination(h, req, r);
    raw(h, "</div>\n<aside class=\"kt-facets\" id=\"kt-facets\" aria-label=\"絞り込み\">\n");
    facet(h, req, "country", "国・地域", &r->countries);
    facet(h, req, "field", "分野", &r->fields);
    raw(h, "</aside>\n</div>\n");
}

static void form(html *h, const kt_search_request *req)
{
    raw(h, "<form class=\"kt-form\" method=\"get\" role=\"search\">\n"
           "<input type=\"search\" name=\"q\" value=\"");
    esc(h, req->query ? req->query : "");
    rawf(h, "\" maxlength=\"%d\" placeholder=\"例: 青少年 交流\" aria-label=\"検索語\" enterkeyhint=\"search\">\n",
         QUERY_INPUT_MAXLENGTH);
    raw(h, "<button type=\"submit\">検索</button>\n");
    /* the filters stay when a new query is typed; they are removed from the list of active ones */
    for (size_t i = 0; i < req->n_countries; i++)
        wrap(h, "<input type=\"hidden\" name=\"country\" value=\"", req->countries[i], "\">\n");
    for (size_t i = 0; i < req->n_fields; i++)
        wrap(h, "<input type=\"hidden\" name=\"field\" value=\"", req->fields[i], "\">\n");
    if (req->sort == KT_SORT_DATE_DESC)
        raw(h, "<input type=\"hidden\" name=\"sort\" value=\"date\">\n");
    raw(h, req->since || req->until ? "<details class=\"kt-more\" open>" : "<details class=\"kt-more\">");
    raw(h, "<summary>締結年で絞り込む</summary>\n<label>西暦 <input type=\"number\" name=\"since\" min=\"1000\" "
           "max=\"9999\" inputmode=\"numeric\" value=\"");
    if (req->since)
        rawf(h, "%d", req->since);
    raw(h, "\"> 年から</label>\n<label><input type=\"number\" name=\"until\" min=\"1000\" max=\"9999\" "
           "inputmode=\"numeric\" value=\"");
    if (req->until)
        rawf(h, "%d", req->until);
    raw(h, "\"> 年まで</label>\n</details>\n</form>\n");
}

static void title(html *h, const kt_search_request *req)
{
    if (req->query && *req->query)
        wrap(h, "「", req->query, "」の検索結果 | ");
    raw(h, "国際協定検索");
}

/* ---- templates ---- */

typedef enum placeholder { PH_TITLE, PH_QUERY, PH_STYLE, PH_FORM, PH_RESULTS, PH_COUNT, PH_NONE } placeholder;
static const char *const placeholder_names[PH_COUNT] = {"title", "query", "style", "form", "results"};

/* At s (which starts with "{{"): the placeholder's name length, or 0 when this is plain text. */
static size_t placeholder_at(const char *s)
{
    size_t n = 0;
    while (islower((unsigned char)s[2 + n]) || s[2 + n] == '_')
        n++;
    return n && s[2 + n] == '}' && s[3 + n] == '}' ? n : 0;
}

static placeholder placeholder_named(const char *name, size_t len)
{
    for (int i = 0; i < PH_COUNT; i++)
        if (strlen(placeholder_names[i]) == len && memcmp(placeholder_names[i], name, len) == 0)
            return (placeholder)i;
    return PH_NONE;
}

kt_status kt_html_template_check(const char *tmpl, kt_error *err)
{
    size_t line = 1;
    for (const char *p = tmpl; *p; p++) {
        line += *p == '\n';
        size_t n = p[0] == '{' && p[1] == '{' ? placeholder_at(p) : 0;
        if (n && placeholder_named(p + 2, n) == PH_NONE)
            return kt_error_set(err, KT_ERR_INPUT, "line %zu: unknown placeholder {{%.*s}}", line, (int)n, p + 2);
    }
    return KT_OK;
}

static kt_status emit(html *h, FILE *out, kt_error *err)
{
    if (h->st != KT_OK) {
        kt_buf_free(&h->b);
        return kt_error_set(err, h->st, h->st == KT_ERR_NOMEM ? "out of memory" : "cannot render the page");
    }
    size_t len = h->b.len;
    bool ok = fwrite(kt_buf_str(&h->b), 1, len, out) == len && fflush(out) == 0;
    kt_buf_free(&h->b);
    return ok ? KT_OK : kt_error_set(err, KT_ERR_IO, "cannot write the page");
}

kt_status kt_write_html_fragment(FILE *out, const kt_search_request *req, const kt_result *r, kt_error *err)
{
    html h = {KT_BUF_INIT, KT_OK};
    fragment(&h, req, r);
    return emit(&h, out, err);
}

kt_status kt_write_html_page(FILE *out, const char *tmpl, const kt_search_request *req, const kt_result *r,
                             kt_error *err)
{
    if (!tmpl)
        tmpl = kt_page_html;
    if (kt_html_template_check(tmpl, err) != KT_OK)
        return KT_ERR_INPUT;
    html h = {KT_BUF_INIT, KT_OK};
    const char *p = tmpl, *run = tmpl;
    for (; *p; p++) {
        size_t n = p[0] == '{' && p[1] == '{' ? placeholder_at(p) : 0;
        if (!n)
            continue;
        if (h.st == KT_OK)
            h.st = kt_buf_append(&h.b, run, (size_t)(p - run));
        switch (placeholder_named(p + 2, n)) {
        case PH_TITLE: title(&h, req); break;
        case PH_QUERY: esc(&h, req->query ? req->query : ""); break;
        case PH_STYLE: raw(&h, kt_page_css); break;
        case PH_FORM: form(&h, req); break;
        case PH_RESULTS: fragment(&h, req, r); break;
        default: break;  /* checked above */
        }
        p += n + 3;
        run = p + 1;
    }
    if (h.st == KT_OK)
        h.st = kt_buf_append(&h.b, run, (size_t)(p - run));
    return emit(&h, out, err);
}
