#include "idset.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/grow.h"
#include "base/hash.h"

#define BLOCK_BYTES (1u << 20)

typedef struct slot {
    uint64_t hash;   /* 0: empty */
    const char *id;  /* NUL-terminated, in a block */
    uint32_t file;   /* index into files */
    uint32_t line;   /* lines past 4 billion are remembered as 0 */
} slot;

typedef struct block {
    struct block *next;
    size_t used;
    char data[];
} block;

struct kt_idset {
    slot *slots;
    size_t cap, count; /* cap a power of two, count <= cap * 3/4 */
    block *blocks;
    char **files;
    size_t n_files, files_cap;
};

kt_status kt_idset_new(kt_idset **out, kt_error *err)
{
    kt_idset *s = calloc(1, sizeof *s);
    if (s)
        s->slots = calloc(s->cap = 1024, sizeof *s->slots);
    if (!s || !s->slots) {
        free(s);
        *out = NULL;
        return kt_error_nomem(err);
    }
    *out = s;
    return KT_OK;
}

/* 0 is kept for empty slots. */
static uint64_t hash_of(const char *id)
{
    uint64_t h = kt_fnv1a64(KT_FNV1A64_INIT, id, strlen(id));
    return h ? h : 1;
}

static slot *find(slot *slots, size_t cap, uint64_t h, const char *id)
{
    for (size_t i = (size_t)h & (cap - 1);; i = (i + 1) & (cap - 1))
        if (!slots[i].hash || (slots[i].hash == h && strcmp(slots[i].id, id) == 0))
            return &slots[i];
}

static bool grow(kt_idset *s)
{
    size_t cap = s->cap * 2;
    slot *slots = calloc(cap, sizeof *slots);
    if (!slots)
        return false;
    for (size_t i = 0; i < s->cap; i++)
        if (s->slots[i].hash)
            *find(slots, cap, s->slots[i].hash, s->slots[i].id) = s->slots[i];
    free(s->slots);
    s->slots = slots;
    s->cap = cap;
    return true;
}

static const char *copy_id(kt_idset *s, const char *id)
{
    size_t len = strlen(id) + 1;
    block *b = s->blocks;
    if (!b || b->used + len > BLOCK_BYTES) {
        size_t size = len > BLOCK_BYTES ? len : BLOCK_BYTES;
        b = malloc(sizeof *b + size);
        if (!b)
            return NULL;
        b->next = s->blocks;
        b->used = 0;
        s->blocks = b;
    }
    char *copy = b->data + b->used;
    memcpy(copy, id, len);
    b->used += len;
    return copy;
}

/* The index of file in the set's list of names, added when new (runs read few files, and in
 * order, so the last one is nearly always the one). */
static bool file_index(kt_idset *s, const char *file, uint32_t *out)
{
    if (s->n_files && strcmp(s->files[s->n_files - 1], file) == 0) {
        *out = (uint32_t)(s->n_files - 1);
        return true;
    }
    for (size_t i = 0; i < s->n_files; i++) {
        if (strcmp(s->files[i], file) == 0) {
            *out = (uint32_t)i;
            return true;
        }
    }
    if (KT_GROW(s->files, s->files_cap, s->n_files + 1) != KT_OK)
        return false;
    if (!(s->files[s->n_files] = strdup(file)))
        return false;
    *out = (uint32_t)s->n_files++;
    return true;
}

kt_status kt_idset_add(kt_idset *set, const char *id, const char *file, size_t line, bool *seen,
                       const char **first_file, size_t *first_line, kt_error *err)
{
    *seen = false;
    uint64_t h = hash_of(id);
    slot *sl = find(set->slots, set->cap, h, id);
    if (sl->hash) {
        *seen = true;
        *first_file = set->files[sl->file];
        *first_line = sl->line;
        return KT_OK;
    }
    uint32_t f;
    const char *copy = copy_id(set, id);
    if (!copy || !file_index(set, file ? file : "", &f))
        return kt_error_nomem(err);
    *sl = (slot){h, copy, f, line <= UINT32_MAX ? (uint32_t)line : 0};
    if (++set->count > set->cap / 4 * 3 && !grow(set))
        return kt_error_nomem(err);
    return KT_OK;
}

void kt_idset_free(kt_idset *set)
{
    if (!set)
        return;
    while (set->blocks) {
        block *b = set->blocks;
        set->blocks = b->next;
        free(b);
    }
    for (size_t i = 0; i < set->n_files; i++)
        free(set->files[i]);
    free(set->files);
    free(set->slots);
    free(set);
}
