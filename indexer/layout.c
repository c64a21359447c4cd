#include "layout.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#define STUB_NAME "XAPIANDB"
#define GEN_PREFIX "gen-"
#define SHARD_PREFIX "shard-"
#define BUILD_SUFFIX ".build"
#define LOCK_NAME ".lock"

static kt_status path_printf(char *out, kt_error *err, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static kt_status path_printf(char *out, kt_error *err, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(out, KT_PATH_MAX, fmt, ap);
    va_end(ap);
    if (n < 0 || n >= KT_PATH_MAX)
        return kt_error_set(err, KT_ERR_INDEX, "path too long: %.200s…", out);
    return KT_OK;
}

/* One stub line: "auto gen-N" or "auto gen-N/shard-K". *shard is -1 for the first form. */
static bool parse_stub_line(const char *line, unsigned long *gen, long *shard)
{
    unsigned long g, k;
    int used = 0;
    if (sscanf(line, "auto " GEN_PREFIX "%lu%n", &g, &used) != 1)
        return false;
    const char *rest = line + used;
    *gen = g;
    if (*rest == '\n' || *rest == '\0') {
        *shard = -1;
        return true;
    }
    used = 0;
    if (sscanf(rest, "/" SHARD_PREFIX "%lu%n", &k, &used) != 1 || (rest[used] != '\n' && rest[used] != '\0'))
        return false;
    *shard = (long)k;
    return true;
}

/* Reads the stub: one line naming a generation, or one line per shard of one generation, shards
 * in order from 0. */
static kt_status read_stub(const char *dir, kt_layout *l, kt_error *err)
{
    *l = (kt_layout){0, 1, false};
    char path[KT_PATH_MAX];
    kt_status st = path_printf(path, err, "%s/" STUB_NAME, dir);
    if (st != KT_OK)
        return st;
    FILE *fp = fopen(path, "r");
    if (!fp) {
        if (errno == ENOENT)
            return KT_OK;
        return kt_error_set(err, KT_ERR_INDEX, "%s: cannot read: %s", path, strerror(errno));
    }
    char line[256];
    unsigned n = 0;
    bool ok = true, sharded = false;
    while (ok && fgets(line, sizeof line, fp)) {
        unsigned long gen;
        long shard;
        ok = parse_stub_line(line, &gen, &shard) && gen > 0 && n < KT_MAX_SHARDS;
        if (ok && n == 0) {
            l->gen = gen;
            sharded = shard >= 0;
        }
        /* either one line naming gen-N, or gen-N/shard-0, gen-N/shard-1 … */
        ok = ok && gen == l->gen && (sharded ? shard == (long)n : n == 0);
        n++;
    }
    fclose(fp);
    if (!ok || n == 0)
        return kt_error_set(err, KT_ERR_INDEX,
                            "%s: not written by kyotei-index (expected 'auto " GEN_PREFIX "N' or one 'auto " GEN_PREFIX
                            "N/" SHARD_PREFIX "K' line per shard)",
                            path);
    l->shards = n;
    l->sharded = sharded;
    return KT_OK;
}

/* A directory kyotei may build in: missing, empty, or a kyotei index. Anything else (a plain
 * Xapian database, someone's files) is refused rather than overwritten. */
static kt_status check_index_dir(const char *dir, kt_error *err)
{
    DIR *d = opendir(dir);
    if (!d)
        return kt_error_set(err, KT_ERR_INDEX, "%s: cannot open directory: %s", dir, strerror(errno));
    bool has_other = false;
    char other[256] = "";
    struct dirent *e;
    while ((e = readdir(d))) {
        const char *n = e->d_name;
        if (!strcmp(n, ".") || !strcmp(n, "..") || !strcmp(n, LOCK_NAME) ||
            !strncmp(n, GEN_PREFIX, strlen(GEN_PREFIX)) || !strncmp(n, STUB_NAME, strlen(STUB_NAME)))
            continue;
        if (!has_other) {
            has_other = true;
            snprintf(other, sizeof other, "%s", n);
        }
    }
    closedir(d);
    if (has_other)
        return kt_error_set(err, KT_ERR_INDEX, "%s: not a kyotei index (it holds '%s'); give an empty or new directory",
                            dir, other);
    return KT_OK;
}

/* Takes the writer's lock, so that two kyotei-index runs never write one index at once. */
static kt_status lock_index(const char *dir, int *fd_out, kt_error *err)
{
    char path[KT_PATH_MAX];
    kt_status st = path_printf(path, err, "%s/" LOCK_NAME, dir);
    if (st != KT_OK)
        return st;
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0)
        return kt_error_set(err, KT_ERR_INDEX, "%s: cannot create the lock file: %s", path, strerror(errno));
    if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
        close(fd);
        return kt_error_set(err, KT_ERR_INDEX, "%s: another kyotei-index is writing this index", dir);
    }
    *fd_out = fd;
    return KT_OK;
}

kt_status kt_layout_open(const char *dir, bool create, int *lock_fd, kt_layout *cur, kt_error *err)
{
    *lock_fd = -1;
    if (create && mkdir(dir, 0755) != 0 && errno != EEXIST)
        return kt_error_set(err, KT_ERR_INDEX, "%s: cannot create directory: %s", dir, strerror(errno));
    kt_status st = check_index_dir(dir, err);
    if (st == KT_OK)
        st = lock_index(dir, lock_fd, err);
    if (st == KT_OK)
        st = read_stub(dir, cur, err);
    if (st != KT_OK && *lock_fd >= 0) {
        close(*lock_fd);
        *lock_fd = -1;
    }
    return st;
}

kt_status kt_layout_shard_path(char *out, const char *dir, const kt_layout *l, unsigned shard, kt_error *err)
{
    if (!l->sharded)
        return path_printf(out, err, "%s/" GEN_PREFIX "%lu", dir, l->gen);
    return path_printf(out, err, "%s/" GEN_PREFIX "%lu/" SHARD_PREFIX "%u", dir, l->gen, shard);
}

kt_status kt_layout_build_path(char *out, const char *dir, unsigned long gen, kt_error *err)
{
    return path_printf(out, err, "%s/" GEN_PREFIX "%lu" BUILD_SUFFIX, dir, gen);
}

kt_status kt_layout_part_path(char *out, const char *build_dir, unsigned t, unsigned k, unsigned s, kt_error *err)
{
    return path_printf(out, err, "%s/part-%u-%u-%u", build_dir, t, k, s);
}

int kt_layout_remove_tree(const char *path)
{
    struct stat st;
    if (lstat(path, &st) != 0)
        return errno == ENOENT ? 0 : -1;
    if (!S_ISDIR(st.st_mode))
        return unlink(path);
    DIR *d = opendir(path);
    if (!d)
        return -1;
    struct dirent *e;
    int rc = 0;
    while ((e = readdir(d))) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        char child[KT_PATH_MAX];
        if (snprintf(child, sizeof child, "%s/%s", path, e->d_name) >= (int)sizeof child) {
            rc = -1;
            continue;
        }
        rc |= kt_layout_remove_tree(child);
    }
    closedir(d);
    return rc | rmdir(path);
}

void kt_layout_remove_stale(const char *dir, unsigned long keep)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *e;
    while ((e = readdir(d))) {
        unsigned long g;
        int used = 0;
        bool gen_like = sscanf(e->d_name, GEN_PREFIX "%lu%n", &g, &used) == 1;
        /* gen-N exactly is a generation; gen-N.anything is a build's scratch */
        bool stale_gen = gen_like && (e->d_name[used] != '\0' || (g != keep && g + 1 != keep));
        bool stale_tmp = strncmp(e->d_name, STUB_NAME ".", strlen(STUB_NAME) + 1) == 0;
        char path[KT_PATH_MAX];
        if ((stale_gen || stale_tmp) && snprintf(path, sizeof path, "%s/%s", dir, e->d_name) < (int)sizeof path)
            kt_layout_remove_tree(path);
    }
    closedir(d);
}

static kt_status fsync_path(const char *path, kt_error *err)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0 || fsync(fd) != 0) {
        kt_status st = kt_error_set(err, KT_ERR_IO, "%s: cannot sync: %s", path, strerror(errno));
        if (fd >= 0)
            close(fd);
        return st;
    }
    close(fd);
    return KT_OK;
}

/* Syncs every file under path, then each directory after its entries. */
static kt_status sync_tree(const char *path, kt_error *err)
{
    struct stat sb;
    if (lstat(path, &sb) != 0)
        return kt_error_set(err, KT_ERR_IO, "%s: %s", path, strerror(errno));
    if (S_ISDIR(sb.st_mode)) {
        DIR *d = opendir(path);
        if (!d)
            return kt_error_set(err, KT_ERR_IO, "%s: cannot open: %s", path, strerror(errno));
        kt_status st = KT_OK;
        struct dirent *e;
        while (st == KT_OK && (e = readdir(d))) {
            if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
                continue;
            char child[KT_PATH_MAX];
            st = path_printf(child, err, "%s/%s", path, e->d_name);
            if (st == KT_OK)
                st = sync_tree(child, err);
        }
        closedir(d);
        if (st != KT_OK)
            return st;
    } else if (!S_ISREG(sb.st_mode)) {
        return KT_OK;
    }
    return fsync_path(path, err);
}

kt_status kt_layout_publish(const char *dir, const kt_layout *l, kt_error *err)
{
    char gen_dir[KT_PATH_MAX], tmp[KT_PATH_MAX], stub[KT_PATH_MAX];
    kt_status st = path_printf(gen_dir, err, "%s/" GEN_PREFIX "%lu", dir, l->gen);
    if (st == KT_OK)
        st = path_printf(tmp, err, "%s/" STUB_NAME ".%ld", dir, (long)getpid());
    if (st == KT_OK)
        st = path_printf(stub, err, "%s/" STUB_NAME, dir);
    if (st == KT_OK)
        st = sync_tree(gen_dir, err);
    if (st != KT_OK)
        return st;
    FILE *fp = fopen(tmp, "w");
    if (!fp)
        return kt_error_set(err, KT_ERR_IO, "%s: cannot write: %s", tmp, strerror(errno));
    int ok = 1;
    if (!l->sharded)
        ok &= fprintf(fp, "auto " GEN_PREFIX "%lu\n", l->gen) > 0;
    for (unsigned k = 0; l->sharded && k < l->shards; k++)
        ok &= fprintf(fp, "auto " GEN_PREFIX "%lu/" SHARD_PREFIX "%u\n", l->gen, k) > 0;
    ok &= fflush(fp) == 0 && fsync(fileno(fp)) == 0;
    ok &= fclose(fp) == 0;
    if (!ok) {
        unlink(tmp);
        return kt_error_set(err, KT_ERR_IO, "%s: cannot write: %s", tmp, strerror(errno));
    }
    if (rename(tmp, stub) != 0) {
        st = kt_error_set(err, KT_ERR_IO, "%s: cannot replace: %s", stub, strerror(errno));
        unlink(tmp);
        return st;
    }
    return fsync_path(dir, err);
}

unsigned kt_layout_shard_of(const char *id, unsigned shards)
{
    if (shards <= 1)
        return 0;
    uint32_t h = 2166136261u;
    for (const unsigned char *p = (const unsigned char *)id; *p; p++) {
        h ^= *p;
        h *= 16777619u;
    }
    return h % shards;
}
