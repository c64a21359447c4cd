#include "dict/normalize.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

#include "base/buf.h"
#include "base/grow.h"
#include "dict/variants.h"

/* NFKC with case folding; IGNORE also drops the default-ignorable code points, the variation
 * selectors among them. */
#define NORM_OPTIONS (UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_COMPAT | UTF8PROC_CASEFOLD | UTF8PROC_IGNORE)

unsigned kt_normalize_utf8proc_options(void)
{
    return (unsigned)NORM_OPTIONS;
}

static const struct {
    utf8proc_int32_t from, to;
} variants[] = {
#define KT_VARIANT_ENTRY(from, to) {from, to},
    KT_VARIANTS(KT_VARIANT_ENTRY)
#undef KT_VARIANT_ENTRY
};

int32_t kt_normalize_variant(int32_t c)
{
    for (size_t i = 0; i < sizeof variants / sizeof variants[0]; i++)
        if (c == variants[i].from)
            return variants[i].to;
    return c;
}

static utf8proc_int32_t fold_variant(utf8proc_int32_t c, void *data)
{
    (void)data;
    return kt_normalize_variant(c);
}

static bool is_variant(utf8proc_int32_t c)
{
    return kt_normalize_variant(c) != c;
}

/* Longest run of characters normalised as one unit; see the stream-safe note in normalize.h. */
#define MAX_UNIT_CHARS 32

typedef struct cpbuf {
    utf8proc_int32_t *cp;
    size_t len, cap;
} cpbuf;

typedef struct sizebuf {
    size_t *v;
    size_t len, cap;
} sizebuf;

static kt_status cpbuf_reserve(cpbuf *b, size_t n)
{
    return KT_GROW(b->cp, b->cap, n);
}

static kt_status sizebuf_reserve(sizebuf *b, size_t n)
{
    return KT_GROW(b->v, b->cap, n);
}

static kt_status sizebuf_push_n(sizebuf *b, size_t value, size_t n)
{
    if (sizebuf_reserve(b, b->len + n) != KT_OK)
        return KT_ERR_NOMEM;
    for (size_t i = 0; i < n; i++)
        b->v[b->len++] = value;
    return KT_OK;
}

/* Normalises bytes s[0, n) (already validated) as one unit into b, as composed code points. */
static kt_status normalize_unit(const char *s, size_t n, cpbuf *b)
{
    const utf8proc_uint8_t *u = (const utf8proc_uint8_t *)s;
    utf8proc_ssize_t need = utf8proc_decompose_custom(u, (utf8proc_ssize_t)n, b->cp, (utf8proc_ssize_t)b->cap,
                                                      NORM_OPTIONS, fold_variant, NULL);
    if (need >= 0 && (size_t)need > b->cap) {
        if (cpbuf_reserve(b, (size_t)need) != KT_OK)
            return KT_ERR_NOMEM;
        need = utf8proc_decompose_custom(u, (utf8proc_ssize_t)n, b->cp, (utf8proc_ssize_t)b->cap, NORM_OPTIONS,
                                         fold_variant, NULL);
    }
    if (need < 0)
        return need == UTF8PROC_ERROR_NOMEM ? KT_ERR_NOMEM : KT_ERR_INTERNAL;
    utf8proc_ssize_t len = utf8proc_normalize_utf32(b->cp, need, NORM_OPTIONS);
    if (len < 0)
        return KT_ERR_INTERNAL;
    b->len = (size_t)len;
    return KT_OK;
}

static bool cp_equal(const cpbuf *a, const cpbuf *b, size_t b_from)
{
    /* b may be empty with no storage at all: a variation selector alone normalises to nothing */
    return a->len - b_from == b->len && (b->len == 0 || memcmp(a->cp + b_from, b->cp, b->len * sizeof *b->cp) == 0);
}

/* Appends a unit's code points to out and maps each produced byte to unit_start. */
static kt_status emit_unit(const cpbuf *unit, size_t unit_start, kt_buf *out, sizebuf *map)
{
    for (size_t i = 0; i < unit->len; i++) {
        utf8proc_uint8_t bytes[4];
        utf8proc_ssize_t n = utf8proc_encode_char(unit->cp[i], bytes);
        if (kt_buf_append(out, (const char *)bytes, (size_t)n) != KT_OK)
            return KT_ERR_NOMEM;
        if (sizebuf_push_n(map, unit_start, (size_t)n) != KT_OK)
            return KT_ERR_NOMEM;
    }
    return KT_OK;
}

/* Does the character at in[pos, pos+k) have to be normalised together with the unit before it?
 * `alone` holds the character normalised by itself; `joined` receives unit + character.
 * A character starting with a combining mark always joins: even when it leaves this unit
 * unchanged it may reorder or compose with what follows (e + ﾟ + ̈ → ë + ﾟ). A starter joins
 * when normalising it together with the unit differs from normalising them apart (ｶ + ﾞ is
 * the mark case; Hangul L + V the starter case). Anything after a starter that does not join
 * is blocked from the unit by it, so the unit is final. */
static kt_status must_join(const char *in, size_t unit_start, size_t pos, size_t k, const cpbuf *unit,
                           const cpbuf *alone, cpbuf *joined, bool *join)
{
    kt_status st = normalize_unit(in + unit_start, pos + k - unit_start, joined);
    if (st != KT_OK)
        return st;
    if (alone->len > 0 && utf8proc_get_property(alone->cp[0])->combining_class != 0) {
        *join = true;
        return KT_OK;
    }
    *join = !(joined->len >= unit->len &&
              (unit->len == 0 || memcmp(joined->cp, unit->cp, unit->len * sizeof *unit->cp) == 0) &&
              cp_equal(joined, alone, unit->len));
    return KT_OK;
}

/* Characters that NFKC with case folding leaves as they are, and that never combine with a
 * neighbour: ASCII but capitals (which only fold to lower case), hiragana, katakana, ー, ・, 々 and
 * the CJK unified ideographs. Most words kyotei normalises are made of nothing else, so they can be
 * copied instead of going through utf8proc. */
static bool stable_char(utf8proc_int32_t c)
{
    return (c < 0x80 || (c >= 0x3041 && c <= 0x3096) || (c >= 0x30A1 && c <= 0x30FC) || c == 0x3005 ||
            (c >= 0x4E00 && c <= 0x9FFF)) &&
           !is_variant(c);
}

/* Without an offset map the text need not be cut into units: it is copied when every character
 * is stable, else one utf8proc_map call normalises it all (the same result but for runs of over
 * MAX_UNIT_CHARS combining marks, which no word holds). Vocabulary keys and query words take this
 * path: loading the vocabularies at every start of a CGI request was a third of its cost when
 * every character went through the unit logic. */
static kt_status normalize_whole(const char *in, size_t in_len, char **out, size_t *out_len, kt_error *err)
{
    bool stable = true;
    for (size_t pos = 0; pos < in_len;) {
        utf8proc_int32_t c;
        utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)in + pos, (utf8proc_ssize_t)(in_len - pos), &c);
        if (k < 0)
            return kt_error_set(err, KT_ERR_ENCODING, "invalid UTF-8 at byte offset %zu (byte 0x%02X)", pos,
                                (unsigned)(unsigned char)in[pos]);
        if (c == 0)
            return kt_error_set(err, KT_ERR_ENCODING, "NUL byte at byte offset %zu", pos);
        stable = stable && stable_char(c);
        pos += (size_t)k;
    }
    if (stable) {
        char *copy = malloc(in_len + 1);
        if (!copy)
            return kt_error_set(err, KT_ERR_NOMEM, "out of memory normalising %zu bytes", in_len);
        for (size_t i = 0; i < in_len; i++)
            copy[i] = (char)((in[i] >= 'A' && in[i] <= 'Z') ? in[i] - 'A' + 'a' : in[i]);
        copy[in_len] = '\0';
        *out = copy;
        *out_len = in_len;
        return KT_OK;
    }
    utf8proc_uint8_t *mapped = NULL;
    utf8proc_ssize_t n = utf8proc_map_custom((const utf8proc_uint8_t *)in, (utf8proc_ssize_t)in_len, &mapped,
                                             NORM_OPTIONS, fold_variant, NULL);
    if (n < 0)
        return kt_error_set(err, n == UTF8PROC_ERROR_NOMEM ? KT_ERR_NOMEM : KT_ERR_INTERNAL,
                            "utf8proc failed to normalise %zu bytes", in_len);
    *out = (char *)mapped;
    *out_len = (size_t)n;
    return KT_OK;
}

kt_status kt_normalize(const char *in, size_t in_len, char **out, size_t *out_len, size_t **map,
                       kt_error *err)
{
    *out = NULL;
    *out_len = 0;
    if (!map)
        return normalize_whole(in, in_len, out, out_len, err);
    *map = NULL;

    kt_buf text = KT_BUF_INIT;
    sizebuf offsets = {NULL, 0, 0};
    /* unit: normalised code points of the current unit; joined/alone: scratch for must_join. */
    cpbuf unit = {NULL, 0, 0}, joined = {NULL, 0, 0}, alone = {NULL, 0, 0};
    kt_status st = KT_OK;
    size_t unit_start = 0, unit_chars = 0;

    /* NFKC mostly keeps or shrinks the length; growth beyond this is handled by the buffers. */
    if (kt_buf_reserve(&text, in_len) != KT_OK || sizebuf_reserve(&offsets, in_len + 1) != KT_OK) {
        st = kt_error_set(err, KT_ERR_NOMEM, "out of memory normalising %zu bytes", in_len);
        goto done;
    }

    for (size_t pos = 0; pos < in_len;) {
        utf8proc_int32_t c;
        utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)in + pos,
                                              (utf8proc_ssize_t)(in_len - pos), &c);
        if (k < 0) {
            st = kt_error_set(err, KT_ERR_ENCODING, "invalid UTF-8 at byte offset %zu (byte 0x%02X)", pos,
                              (unsigned)(unsigned char)in[pos]);
            goto done;
        }
        if (c == 0) {
            st = kt_error_set(err, KT_ERR_ENCODING, "NUL byte at byte offset %zu", pos);
            goto done;
        }

        bool join = false, have_alone = false;
        if (unit_chars > 0 && unit_chars < MAX_UNIT_CHARS && c >= 0x80) {
            if ((st = normalize_unit(in + pos, (size_t)k, &alone)) != KT_OK)
                break;
            if ((st = must_join(in, unit_start, pos, (size_t)k, &unit, &alone, &joined, &join)) != KT_OK)
                break;
            have_alone = true;
        }
        if (join) {
            cpbuf swap = unit;
            unit = joined;
            joined = swap;
            unit_chars++;
        } else {
            if (unit_chars > 0 && (st = emit_unit(&unit, unit_start, &text, &offsets)) != KT_OK)
                break;
            unit_start = pos;
            unit_chars = 1;
            if (have_alone) {
                cpbuf swap = unit;
                unit = alone;
                alone = swap;
            } else if (c < 0x80) {
                /* ASCII never joins anything before it and NFKC leaves it alone but for case. */
                if ((st = cpbuf_reserve(&unit, 1)) != KT_OK)
                    break;
                unit.cp[0] = (c >= 'A' && c <= 'Z') ? c - 'A' + 'a' : c;
                unit.len = 1;
            } else if ((st = normalize_unit(in + pos, (size_t)k, &unit)) != KT_OK) {
                break;
            }
        }
        pos += (size_t)k;
    }
    if (st == KT_OK && unit_chars > 0)
        st = emit_unit(&unit, unit_start, &text, &offsets);
    if (st == KT_OK)
        st = sizebuf_push_n(&offsets, in_len, 1);
    if (st == KT_ERR_NOMEM) {
        kt_error_set(err, st, "out of memory normalising %zu bytes", in_len);
        goto done;
    }
    if (st != KT_OK) {
        kt_error_set(err, st, "utf8proc failed to normalise %zu bytes", in_len);
        goto done;
    }

    if (kt_buf_append(&text, "", 0) != KT_OK) { /* NUL-terminates an empty result too */
        st = kt_error_set(err, KT_ERR_NOMEM, "out of memory normalising %zu bytes", in_len);
        goto done;
    }
    *out_len = text.len;
    *out = kt_buf_steal(&text);
    if (!*out) {
        *out_len = 0;
        st = kt_error_set(err, KT_ERR_NOMEM, "out of memory normalising %zu bytes", in_len);
        goto done;
    }
    *map = offsets.v;
    offsets.v = NULL;

done:
    kt_buf_free(&text);
    free(offsets.v);
    free(unit.cp);
    free(joined.cp);
    free(alone.cp);
    return st;
}
