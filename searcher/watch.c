#include "watch.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/datadir.h"
#include "base/grow.h"

#define STUB_NAME "XAPIANDB"
#define TCP_SCHEME "tcp://"

struct kt_watched {
    char *path;
    bool exists;
    struct stat sb;
};

/* The fields of a stat that a replacement changes; st_atim is left out, as reading changes it. */
static bool same(const struct stat *a, const struct stat *b)
{
    return a->st_dev == b->st_dev && a->st_ino == b->st_ino && a->st_size == b->st_size &&
           a->st_mtim.tv_sec == b->st_mtim.tv_sec && a->st_mtim.tv_nsec == b->st_mtim.tv_nsec &&
           a->st_ctim.tv_sec == b->st_ctim.tv_sec && a->st_ctim.tv_nsec == b->st_ctim.tv_nsec;
}

static kt_status watch_path(kt_watch *w, char *path, kt_error *err)
{
    if (!path || KT_GROW(w->items, w->cap, w->count + 1) != KT_OK) {
        free(path);
        return kt_error_nomem(err);
    }
    kt_watched *it = &w->items[w->count++];
    it->path = path;
    it->exists = stat(path, &it->sb) == 0;
    return KT_OK;
}

/* The path itself and, inside it, the stub a kyotei index directory swaps on each rebuild. A
 * directory's own times change when the stub is renamed over, but watching the stub too keeps
 * this right for a stub whose directory holds other traffic. */
static kt_status watch_index(kt_watch *w, const char *path, kt_error *err)
{
    kt_status st = watch_path(w, strdup(path), err);
    if (st == KT_OK)
        st = watch_path(w, kt_path_join(path, STUB_NAME), err);
    return st;
}

kt_status kt_watch_specs(kt_watch *w, const char *const *specs, size_t n, kt_error *err)
{
    kt_status st = KT_OK;
    for (size_t i = 0; i < n && st == KT_OK; i++)
        if (strncmp(specs[i], TCP_SCHEME, strlen(TCP_SCHEME)) != 0)
            st = watch_index(w, specs[i], err);
    return st;
}

kt_status kt_watch_shards(kt_watch *w, const kt_shard_list *list, kt_error *err)
{
    kt_status st = KT_OK;
    for (size_t i = 0; i < list->count && st == KT_OK; i++)
        if (list->items[i].kind == KT_SHARD_LOCAL)
            st = watch_index(w, list->items[i].path, err);
    return st;
}

bool kt_watch_changed(const kt_watch *w)
{
    for (size_t i = 0; i < w->count; i++) {
        struct stat sb;
        bool exists = stat(w->items[i].path, &sb) == 0;
        if (exists != w->items[i].exists || (exists && !same(&sb, &w->items[i].sb)))
            return true;
    }
    return false;
}

void kt_watch_free(kt_watch *w)
{
    if (!w)
        return;
    for (size_t i = 0; i < w->count; i++)
        free(w->items[i].path);
    free(w->items);
    *w = (kt_watch)KT_WATCH_INIT;
}
