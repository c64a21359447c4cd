#include "parse.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/buf.h"
#include "base/grow.h"
#include "base/number.h"
#include "dict/era.h"
#include "schema/dimension.h"
#include "searcher/ignored.h"

/* Full-width and typographic forms of the syntax characters, as people type them with a
 * Japanese input method, and their ASCII meaning. Only these are rewritten before parsing;
 * the words themselves are normalised later, by the same code as the documents. */
static const struct {
    const char *from;
    const char *to;
} syntax_forms[] = {
    {"\xE3\x80\x80", " "},            /* U+3000 ideographic space */
    {"\xEF\xBC\x82", "\""},           /* U+FF02 ＂ */
    {"\xE2\x80\x9C", "\""},           /* U+201C “ */
    {"\xE2\x80\x9D", "\""},           /* U+201D ” */
    {"\xEF\xBC\x8D", "-"},            /* U+FF0D － */
    {"\xE2\x88\x92", "-"},            /* U+2212 − */
    {"\xEF\xBC\x9A", ":"},            /* U+FF1A ： */
    {"\xEF\xBC\xAF\xEF\xBC\xB2", "OR"}, /* ＯＲ */
    {"\xEF\xBC\xA1\xEF\xBC\xAE\xEF\xBC\xA4", "AND"}, /* ＡＮＤ */
    {"\xEF\xBC\xAE\xEF\xBC\xAF\xEF\xBC\xB4", "NOT"}, /* ＮＯＴ */
    {"\xEF\xBC\x8E", "."},                 /* U+FF0E ． (in signed:２０１０．．２０１６) */
    {"\xEF\xBC\x90", "0"}, {"\xEF\xBC\x91", "1"}, {"\xEF\xBC\x92", "2"}, {"\xEF\xBC\x93", "3"},
    {"\xEF\xBC\x94", "4"}, {"\xEF\xBC\x95", "5"}, {"\xEF\xBC\x96", "6"}, {"\xEF\xBC\x97", "7"},
    {"\xEF\xBC\x98", "8"}, {"\xEF\xBC\x99", "9"}, /* full-width digits */
};

static kt_status rewrite_syntax(const char *in, kt_buf *out)
{
    for (const char *p = in; *p;) {
        bool replaced = false;
        for (size_t i = 0; i < sizeof syntax_forms / sizeof syntax_forms[0]; i++) {
            size_t n = strlen(syntax_forms[i].from);
            if (strncmp(p, syntax_forms[i].from, n) == 0) {
                if (kt_buf_append_str(out, syntax_forms[i].to) != KT_OK)
                    return KT_ERR_NOMEM;
                p += n;
                replaced = true;
                break;
            }
        }
        if (!replaced && kt_buf_append_char(out, *p++) != KT_OK)
            return KT_ERR_NOMEM;
    }
    return KT_OK;
}

typedef struct parser {
    const char *s;
    size_t pos;
    size_t nodes;
    kt_status status;
    kt_ignored_list *ignored; /* where the parts not searched are said */
} parser;

/* Says that text[0..len) is not searched, and why. */
static void ignore(parser *p, const char *text, size_t len, kt_ignored_reason reason)
{
    if (p->status == KT_OK && kt_ignored_add(p->ignored, text, len, reason) != KT_OK)
        p->status = KT_ERR_NOMEM;
}

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

static kt_qnode *new_node(parser *p, kt_qkind kind)
{
    if (p->status != KT_OK)
        return NULL;
    if (++p->nodes > KT_PARSE_MAX_NODES) {
        p->status = KT_ERR_LIMIT;
        return NULL;
    }
    kt_qnode *n = calloc(1, sizeof *n);
    if (!n)
        p->status = KT_ERR_NOMEM;
    else
        n->kind = kind;
    return n;
}

static bool add_kid(parser *p, kt_qnode *parent, kt_qnode *kid)
{
    if (KT_GROW(parent->kids, parent->kids_cap, parent->n_kids + 1) != KT_OK) {
        p->status = KT_ERR_NOMEM;
        kt_qnode_free(kid);
        return false;
    }
    parent->kids[parent->n_kids++] = kid;
    return true;
}

static char *copy_range(parser *p, size_t start, size_t end)
{
    char *s = malloc(end - start + 1);
    if (!s) {
        p->status = KT_ERR_NOMEM;
        return NULL;
    }
    memcpy(s, p->s + start, end - start);
    s[end - start] = '\0';
    return s;
}

/* Reads a quoted phrase starting at the opening quote; an unclosed quote runs to the end. */
static char *read_quoted(parser *p)
{
    size_t start = ++p->pos;
    while (p->s[p->pos] && p->s[p->pos] != '"')
        p->pos++;
    char *text = copy_range(p, start, p->pos);
    if (p->s[p->pos] == '"')
        p->pos++;
    return text;
}

/* Reads a bare word: up to a space or a quote. */
static char *read_bare(parser *p)
{
    size_t start = p->pos;
    while (p->s[p->pos] && !is_space(p->s[p->pos]) && p->s[p->pos] != '"')
        p->pos++;
    return copy_range(p, start, p->pos);
}

static bool only_spaces(const char *s)
{
    for (; *s; s++)
        if (!is_space(*s))
            return false;
    return true;
}

/* The prefixes of the language that are not facets; the facets' own (country:, field: …) come
 * from the table of dimensions (schema/dimension.h). */
static const struct {
    const char *name;
    kt_qkind kind;
} text_prefixes[] = {{"title", KT_Q_TITLE}, {"signed", KT_Q_SIGNED}};

/* Whether the text at s starts with a prefix and its colon ("country:"): its kind, its dimension
 * (for a filter) and the length of its name. */
static bool match_prefix(const char *s, kt_qkind *kind, kt_dimension *dim, size_t *len)
{
    for (int d = 0; d < KT_DIM_COUNT; d++) {
        const kt_dimension_info *info = kt_dimension_info_of((kt_dimension)d);
        *len = strlen(info->name);
        if (info->query_prefix && strncasecmp(s, info->name, *len) == 0 && s[*len] == ':') {
            *kind = KT_Q_FILTER;
            *dim = (kt_dimension)d;
            return true;
        }
    }
    for (size_t i = 0; i < sizeof text_prefixes / sizeof text_prefixes[0]; i++) {
        *len = strlen(text_prefixes[i].name);
        if (strncasecmp(s, text_prefixes[i].name, *len) == 0 && s[*len] == ':') {
            *kind = text_prefixes[i].kind;
            *dim = KT_DIM_COUNTRY;
            return true;
        }
    }
    return false;
}

/* A year (base/number.h, as --since and since= read it), or 0 for "" (an open end); -1 when it
 * is not a year. */
static int parse_year(const char *s, size_t len)
{
    if (len == 0)
        return 0;
    char text[8];
    int year;
    if (len >= sizeof text)
        return -1;
    memcpy(text, s, len);
    text[len] = '\0';
    return kt_parse_year(text, &year) ? year : -1;
}

/* signed:2010..2016, 2010.., ..2016, 2012. False for anything else. */
static bool parse_years(const char *v, int *lo, int *hi)
{
    const char *dots = strstr(v, "..");
    if (!dots) {
        int y = parse_year(v, strlen(v));
        *lo = *hi = y;
        return y > 0;
    }
    *lo = parse_year(v, (size_t)(dots - v));
    *hi = parse_year(dots + 2, strlen(dots + 2));
    if (*lo < 0 || *hi < 0 || (*lo == 0 && *hi == 0))
        return false;
    if (*lo && *hi && *lo > *hi) {
        int t = *lo;
        *lo = *hi;
        *hi = t;
    }
    return true;
}

/* The words that are operators, typed alone. AND and かつ say what the space already says; NOT
 * and 以外 exclude (NOT before its operand, 以外 after it: 中国 以外, also written 中国以外). */
typedef enum operator_kind { OPERATOR_NONE, OPERATOR_OR, OPERATOR_AND, OPERATOR_NOT, OPERATOR_EXCEPT } operator_kind;

static const struct {
    const char *word;
    operator_kind kind;
} operators[] = {
    {"OR", OPERATOR_OR},   {"または", OPERATOR_OR},  {"AND", OPERATOR_AND},
    {"かつ", OPERATOR_AND}, {"NOT", OPERATOR_NOT},    {"以外", OPERATOR_EXCEPT},
};

#define EXCEPT_SUFFIX "以外"

static operator_kind operator_of(const char *word)
{
    for (size_t i = 0; i < sizeof operators / sizeof operators[0]; i++)
        if (strcmp(word, operators[i].word) == 0)
            return operators[i].kind;
    return OPERATOR_NONE;
}

static kt_qnode *text_node(parser *p, kt_qkind kind, char *text, bool negated)
{
    kt_qnode *n = new_node(p, kind);
    if (!n) {
        free(text);
        return NULL;
    }
    n->text = text;
    n->negated = negated;
    return n;
}

static kt_qnode *years_node(parser *p, int lo, int hi, char *text)
{
    kt_qnode *n = text_node(p, KT_Q_SIGNED, text, false);
    if (n) {
        n->lo = lo;
        n->hi = hi;
    }
    return n;
}

/* A word that is a year — 平成28年, H28, 令和元年, 2016, 2016年 — is the signing year as well as
 * text: OR(the Western year as a word, signed:Y). The indexer adds the Western year of every era
 * year a text names (dict/era.h), so the word finds 平成28年 and 2016 written alike; the era's own
 * words would not help (IPADIC keeps 平成 and drops the number, so 平成28年 as text is any 平成).
 * Other words as they are. word is taken over. */
static kt_qnode *word_node(parser *p, char *word, bool negated)
{
    int year;
    bool era = kt_era_year(word, strlen(word), &year);
    if (negated || (!era && !kt_western_year(word, strlen(word), &year)))
        return text_node(p, KT_Q_WORD, word, negated);
    free(word);
    char western[8];
    snprintf(western, sizeof western, "%d", year);
    char *as_word = strdup(western), *range = strdup(western);
    if (!as_word || !range)
        p->status = KT_ERR_NOMEM;
    kt_qnode *as_text = as_word ? text_node(p, KT_Q_WORD, as_word, false) : NULL; /* takes as_word */
    kt_qnode *as_year = range ? years_node(p, year, year, range) : NULL;         /* takes range */
    kt_qnode *or = new_node(p, KT_Q_OR);
    if (!as_text || !as_year || !or) {
        kt_qnode_free(as_text);
        kt_qnode_free(as_year);
        kt_qnode_free(or);
        return NULL;
    }
    if (!add_kid(p, or, as_text)) { /* add_kid frees the kid it could not add */
        kt_qnode_free(as_year);
        kt_qnode_free(or);
        return NULL;
    }
    if (!add_kid(p, or, as_year)) {
        kt_qnode_free(or);
        return NULL;
    }
    return or;
}

/* A word with a colon that looks like a prefix (letters, then ':') but is none: said, and the
 * word is searched as text (http://… stays a word). */
static void note_unknown_prefix(parser *p, const char *word)
{
    const char *colon = strchr(word, ':');
    if (!colon || colon == word || !colon[1])
        return;
    for (const char *c = word; c < colon; c++)
        if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z')))
            return;
    if (strncmp(colon, "://", 3) != 0)
        ignore(p, word, (size_t)(colon - word + 1), KT_IGNORED_NOT_A_PREFIX);
}

/* A prefixed clause (country:台湾, title:"…", signed:2010..2016) at p->pos, whose prefix is len
 * bytes; NULL when its value is empty or, for signed:, not years (said). */
static kt_qnode *prefixed(parser *p, size_t start, kt_qkind kind, kt_dimension dim, size_t len, bool negated)
{
    p->pos = start + len + 1;
    bool quoted = p->s[p->pos] == '"';
    char *value = quoted ? read_quoted(p) : read_bare(p);
    if (!value)
        return NULL;
    if (only_spaces(value)) {
        free(value);
        return NULL;
    }
    int lo = 0, hi = 0;
    if (kind == KT_Q_SIGNED && !parse_years(value, &lo, &hi)) {
        ignore(p, p->s + start, p->pos - start, KT_IGNORED_BAD_RANGE);
        free(value);
        return NULL;
    }
    kt_qnode *n = text_node(p, kind, value, negated);
    if (n) {
        n->filter = dim;
        n->phrase = quoted;
        n->lo = lo;
        n->hi = hi;
    }
    return n;
}

/* One operand: a phrase, a prefixed clause or a word; NULL when there is nothing to read, when the
 * operand is empty (`""`, a lone `-`, a malformed `signed:`) or when it is an operator (*op). */
static kt_qnode *read_operand(parser *p, operator_kind *op)
{
    *op = OPERATOR_NONE;
    bool negated = false;
    if (p->s[p->pos] == '-' && p->s[p->pos + 1] && !is_space(p->s[p->pos + 1])) {
        negated = true;
        p->pos++;
    }
    if (p->s[p->pos] == '"') {
        char *text = read_quoted(p);
        if (!text)
            return NULL;
        if (only_spaces(text)) {
            free(text);
            return NULL;
        }
        return text_node(p, KT_Q_PHRASE, text, negated);
    }
    size_t start = p->pos;
    kt_qkind kind;
    kt_dimension dim;
    size_t len;
    /* `title:` with nothing after it is read as a word */
    if (match_prefix(p->s + start, &kind, &dim, &len) && p->s[start + len + 1] &&
        !is_space(p->s[start + len + 1]))
        return prefixed(p, start, kind, dim, len, negated);
    p->pos = start;
    char *word = read_bare(p);
    if (!word)
        return NULL;
    if (!negated && (*op = operator_of(word)) != OPERATOR_NONE) {
        free(word);
        return NULL;
    }
    if (*word == '\0' || strcmp(word, "-") == 0) {
        if (*word)
            ignore(p, word, strlen(word), KT_IGNORED_OPERATOR);
        free(word);
        if (p->s[p->pos] && !is_space(p->s[p->pos]) && p->s[p->pos] != '"')
            p->pos++;
        return NULL;
    }
    size_t wlen = strlen(word), slen = strlen(EXCEPT_SUFFIX);
    if (!negated && wlen > slen && strcmp(word + wlen - slen, EXCEPT_SUFFIX) == 0) {
        word[wlen - slen] = '\0'; /* 中国以外: without 中国 */
        negated = true;
    }
    note_unknown_prefix(p, word);
    return word_node(p, word, negated);
}

/* Adds n to the root: as the right operand of a pending OR, or as one more clause. */
static void attach(parser *p, kt_qnode *root, kt_qnode *n, bool *pending_or)
{
    if (!*pending_or) {
        add_kid(p, root, n);
        return;
    }
    *pending_or = false;
    kt_qnode *left = root->kids[root->n_kids - 1];
    if (left->kind != KT_Q_OR || left->negated) {
        kt_qnode *or = new_node(p, KT_Q_OR);
        if (!or) {
            kt_qnode_free(n);
            return;
        }
        root->kids[root->n_kids - 1] = or;
        if (!add_kid(p, or, left))
            return;
        left = or;
    }
    add_kid(p, left, n);
}

/* An operator word: OR and または join what stands either side; NOT excludes what follows, 以外
 * what came before; AND and かつ change nothing. One with nothing to apply to is said. */
static void apply_operator(parser *p, kt_qnode *root, operator_kind op, const char *word_start, bool *pending_or,
                           bool *pending_not)
{
    size_t len = p->pos - (size_t)(word_start - p->s);
    switch (op) {
    case OPERATOR_OR:
        if (root->n_kids == 0 || *pending_or)
            ignore(p, word_start, len, KT_IGNORED_OPERATOR);
        else
            *pending_or = true;
        break;
    case OPERATOR_NOT:
        if (*pending_not)
            ignore(p, word_start, len, KT_IGNORED_OPERATOR);
        *pending_not = true;
        break;
    case OPERATOR_EXCEPT:
        if (root->n_kids == 0 || *pending_or || root->kids[root->n_kids - 1]->negated)
            ignore(p, word_start, len, KT_IGNORED_OPERATOR);
        else
            root->kids[root->n_kids - 1]->negated = true;
        break;
    case OPERATOR_AND:
    case OPERATOR_NONE: break;
    }
}

kt_status kt_parse(const char *query, kt_qnode **out, kt_ignored_list *ignored, kt_error *err)
{
    *out = NULL;
    kt_buf text = KT_BUF_INIT;
    if (rewrite_syntax(query ? query : "", &text) != KT_OK) {
        kt_buf_free(&text);
        return kt_error_nomem(err);
    }
    kt_ignored_list own = {NULL, 0, 0};
    parser p = {.s = kt_buf_str(&text), .pos = 0, .nodes = 0, .status = KT_OK, .ignored = ignored ? ignored : &own};
    kt_qnode *root = new_node(&p, KT_Q_AND);
    bool pending_or = false;  /* an OR was read and waits for its right operand */
    bool pending_not = false; /* a NOT was read and waits for its operand */
    const char *not_at = NULL;
    while (root && p.status == KT_OK) {
        while (is_space(p.s[p.pos]))
            p.pos++;
        if (!p.s[p.pos])
            break;
        const char *word_start = p.s + p.pos;
        operator_kind op;
        kt_qnode *n = read_operand(&p, &op);
        if (op != OPERATOR_NONE) {
            if (op == OPERATOR_NOT)
                not_at = word_start;
            apply_operator(&p, root, op, word_start, &pending_or, &pending_not);
            continue;
        }
        if (!n)
            continue;
        if (pending_not) {
            n->negated = !n->negated;
            pending_not = false;
        }
        attach(&p, root, n, &pending_or);
    }
    if (pending_or && p.status == KT_OK)
        ignore(&p, "OR", 2, KT_IGNORED_OPERATOR);
    if (pending_not && p.status == KT_OK)
        ignore(&p, not_at, strcspn(not_at, " \t\n\r\f\v"), KT_IGNORED_OPERATOR);
    kt_buf_free(&text);
    kt_ignored_list_free(&own);
    if (p.status != KT_OK) {
        kt_qnode_free(root);
        if (ignored)
            kt_ignored_list_free(ignored);
        if (p.status == KT_ERR_LIMIT)
            return kt_error_set(err, KT_ERR_LIMIT, "query: more than %d words and operators", KT_PARSE_MAX_NODES);
        return kt_error_nomem(err);
    }
    *out = root;
    return KT_OK;
}

kt_status kt_qnode_word(const char *text, size_t len, kt_qnode **out)
{
    parser p = {.s = text, .pos = 0, .nodes = 0, .status = KT_OK, .ignored = NULL};
    char *word = copy_range(&p, 0, len);
    *out = word ? word_node(&p, word, false) : NULL;
    return p.status;
}

void kt_qnode_free(kt_qnode *n)
{
    if (!n)
        return;
    for (size_t i = 0; i < n->n_kids; i++)
        kt_qnode_free(n->kids[i]);
    free(n->kids);
    free(n->text);
    free(n);
}

static void describe(const kt_qnode *n, kt_buf *b)
{
    if (n->negated)
        kt_buf_append_char(b, '-');
    switch (n->kind) {
    case KT_Q_AND:
    case KT_Q_OR:
        kt_buf_append_str(b, n->kind == KT_Q_AND ? "AND(" : "OR(");
        for (size_t i = 0; i < n->n_kids; i++) {
            if (i)
                kt_buf_append_char(b, ' ');
            describe(n->kids[i], b);
        }
        kt_buf_append_char(b, ')');
        break;
    case KT_Q_WORD: kt_buf_printf(b, "WORD(%s)", n->text); break;
    case KT_Q_PHRASE: kt_buf_printf(b, "PHRASE(%s)", n->text); break;
    case KT_Q_FILTER: kt_buf_printf(b, "%s:%s", kt_dimension_info_of(n->filter)->name, n->text); break;
    case KT_Q_TITLE: kt_buf_printf(b, "title:%s%s", n->phrase ? "PHRASE:" : "", n->text); break;
    case KT_Q_SIGNED: kt_buf_printf(b, "signed:%d..%d", n->lo, n->hi); break;
    }
}

char *kt_qnode_describe(const kt_qnode *n)
{
    kt_buf b = KT_BUF_INIT;
    describe(n, &b);
    if (kt_buf_status(&b) != KT_OK) {
        kt_buf_free(&b);
        return NULL;
    }
    return kt_buf_steal(&b);
}
