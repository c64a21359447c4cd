#include "shards.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/buf.h"
#include "base/grow.h"
#include "base/datadir.h"

#define TCP_SCHEME "tcp://"
#define STUB_NAME "XAPIANDB"

void kt_shards_free(kt_shard_list *list)
{
    if (!list)
        return;
    for (size_t i = 0; i < list->count; i++) {
        free(list->items[i].name);
        free(list->items[i].path);
        free(list->items[i].host);
    }
    free(list->items);
    list->items = NULL;
    list->count = list->cap = 0;
}

/* Takes ownership of name, path and host (freeing them on failure). */
static kt_status push(kt_shard_list *list, kt_shard_kind kind, char *name, char *path, char *host, unsigned port,
                      kt_error *err)
{
    kt_status st = KT_OK;
    if (list->count == KT_SHARDS_MAX)
        st = kt_error_set(err, KT_ERR_LIMIT, "more than %d shards", KT_SHARDS_MAX);
    else if (!name || (kind == KT_SHARD_LOCAL ? !path : !host))
        st = kt_error_nomem(err);
    else if (KT_GROW(list->items, list->cap, list->count + 1) != KT_OK)
        st = kt_error_nomem(err);
    if (st != KT_OK) {
        free(name);
        free(path);
        free(host);
        return st;
    }
    list->items[list->count++] = (kt_shard){kind, name, path, host, port};
    return KT_OK;
}

/* "HOST:PORT" or "[V6ADDR]:PORT" into a malloc'd host without brackets and a port. False when it is
 * not of that form: an empty host, a host with spaces, slashes or control characters, a port that
 * is not 1..65535. */
static bool parse_host_port(const char *text, char **host, unsigned *port)
{
    const char *colon = strrchr(text, ':');
    if (!colon || colon == text || !colon[1] || strlen(colon + 1) > 5)
        return false;
    unsigned long p = 0;
    for (const char *c = colon + 1; *c; c++) {
        if (*c < '0' || *c > '9')
            return false;
        p = p * 10 + (unsigned long)(*c - '0');
    }
    if (p == 0 || p > 65535)
        return false;
    const char *start = text, *end = colon;
    if (*start == '[') {
        if (end[-1] != ']' || end - start < 3)
            return false;
        start++;
        end--;
    } else if (memchr(start, ':', (size_t)(end - start))) {
        return false; /* an IPv6 address needs its brackets, or the port cannot be told apart */
    }
    for (const char *c = start; c < end; c++)
        if ((unsigned char)*c <= ' ' || *c == '/' || *c == '[' || *c == ']' || *c == 0x7f)
            return false;
    *host = strndup(start, (size_t)(end - start));
    *port = (unsigned)p;
    return true;
}

static kt_status push_remote(kt_shard_list *list, char *host, unsigned port, kt_error *err)
{
    kt_buf name = KT_BUF_INIT;
    bool v6 = host && strchr(host, ':');
    char *text = NULL; /* push reports a missing name as out of memory */
    if (host && kt_buf_printf(&name, TCP_SCHEME "%s%s%s:%u", v6 ? "[" : "", host, v6 ? "]" : "", port) == KT_OK)
        text = kt_buf_steal(&name);
    kt_buf_free(&name);
    return push(list, KT_SHARD_REMOTE, text, NULL, host, port, err);
}

static kt_status add_path(kt_shard_list *list, const char *path, int depth, kt_error *err);

/* Reads one line of at most KT_SHARDS_MAX_LINE bytes into buf (KT_SHARDS_MAX_LINE + 2 bytes), without
 * its line end. Returns 1 for a line, 0 at the end of the file, -1 for a line too long. */
static int read_line(FILE *fp, char *buf)
{
    if (!fgets(buf, KT_SHARDS_MAX_LINE + 2, fp))
        return 0;
    size_t len = strlen(buf);
    if (len && buf[len - 1] == '\n')
        buf[--len] = '\0';
    else if (!feof(fp))
        return -1;
    if (len && buf[len - 1] == '\r')
        buf[--len] = '\0';
    return 1;
}

/* A path named in the list at file: relative paths are read from the list's folder. */
static char *resolve(const char *file, const char *path)
{
    const char *slash = strrchr(file, '/');
    kt_buf b = KT_BUF_INIT;
    if (path[0] != '/' && slash)
        kt_buf_append(&b, file, (size_t)(slash - file + 1));
    if (kt_buf_append_str(&b, path) != KT_OK) { /* also when the folder could not be appended */
        kt_buf_free(&b);
        return NULL;
    }
    return kt_buf_steal(&b);
}

/* One line of a shard list (already without its line end, not blank, not a comment). */
static kt_status list_line(kt_shard_list *list, const char *file, unsigned line_no, char *line, int depth,
                           kt_error *err)
{
    char *space = strchr(line, ' ');
    const char *rest = space ? space + 1 : "";
    if (space)
        *space = '\0';
    const char *type = line;
    if (!strcmp(type, "auto") || !strcmp(type, "glass") || !strcmp(type, "chert")) {
        if (!*rest)
            return kt_error_set(err, KT_ERR_INPUT, "%s:%u: '%s' without a path", file, line_no, type);
        char *path = resolve(file, rest);
        if (!path)
            return kt_error_nomem(err);
        kt_status st = !strcmp(type, "auto") ? add_path(list, path, depth, err)
                                             : push(list, KT_SHARD_LOCAL, strdup(path), strdup(path), NULL, 0, err);
        free(path);
        return st;
    }
    if (!strcmp(type, "remote")) {
        if (rest[0] == ':')
            return kt_error_set(err, KT_ERR_INPUT,
                                "%s:%u: remote programs are not supported; serve the shard with xapian-tcpsrv and "
                                "write 'remote HOST:PORT'", file, line_no);
        char *host = NULL;
        unsigned port;
        if (!parse_host_port(rest, &host, &port))
            return kt_error_set(err, KT_ERR_INPUT, "%s:%u: expected 'remote HOST:PORT' with a port from 1 to 65535",
                                file, line_no);
        return push_remote(list, host, port, err);
    }
    if (!strcmp(type, "inmemory"))
        return kt_error_set(err, KT_ERR_INPUT, "%s:%u: an in-memory database cannot be a shard", file, line_no);
    /* like Xapian, the line itself is not echoed: the file may be something else read by mistake */
    return kt_error_set(err, KT_ERR_INPUT,
                        "%s:%u: not a shard list line (expected 'auto PATH', 'remote HOST:PORT' or '# comment')",
                        file, line_no);
}

/* Whether a local line of the list in file names a folder (a database) rather than another list. */
static bool names_folder(const char *file, const char *line)
{
    const char *space = strchr(line, ' ');
    char *path = space && space[1] ? resolve(file, space + 1) : NULL;
    struct stat sb;
    bool folder = path && !(stat(path, &sb) == 0 && S_ISREG(sb.st_mode));
    free(path);
    return folder;
}

/* Calls list_line for every line of the list in file, or, with list NULL, only counts its entries:
 * *n_local lines naming a local folder, *n_other the rest (n_local and n_other may be NULL when
 * list is given). */
static kt_status read_list(kt_shard_list *list, const char *file, int depth, size_t *n_local, size_t *n_other,
                           kt_error *err)
{
    if (depth > KT_SHARDS_MAX_DEPTH)
        return kt_error_set(err, KT_ERR_LIMIT, "%s: shard lists nested more than %d deep (does a list name itself?)",
                            file, KT_SHARDS_MAX_DEPTH);
    FILE *fp = fopen(file, "r");
    if (!fp)
        return kt_error_set(err, KT_ERR_IO, "%s: cannot read the shard list: %s", file, strerror(errno));
    char line[KT_SHARDS_MAX_LINE + 2];
    kt_status st = KT_OK;
    unsigned line_no = 0;
    int got;
    while (st == KT_OK && (got = read_line(fp, line)) != 0) {
        line_no++;
        if (got < 0) {
            st = kt_error_set(err, KT_ERR_LIMIT, "%s:%u: line longer than %d bytes", file, line_no, KT_SHARDS_MAX_LINE);
            break;
        }
        if (!line[0] || line[0] == '#')
            continue;
        if (list)
            st = list_line(list, file, line_no, line, depth, err);
        else if ((!strncmp(line, "auto ", 5) || !strncmp(line, "glass ", 6) || !strncmp(line, "chert ", 6)) &&
                 names_folder(file, line))
            ++*n_local;
        else
            ++*n_other;
    }
    if (st == KT_OK && ferror(fp))
        st = kt_error_set(err, KT_ERR_IO, "%s: cannot read the shard list", file);
    fclose(fp);
    return st;
}

static kt_status add_path(kt_shard_list *list, const char *path, int depth, kt_error *err)
{
    struct stat sb;
    if (stat(path, &sb) == 0 && S_ISREG(sb.st_mode))
        return read_list(list, path, depth + 1, NULL, NULL, err);
    if (stat(path, &sb) == 0 && S_ISDIR(sb.st_mode)) {
        char *stub = kt_path_join(path, STUB_NAME);
        if (!stub)
            return kt_error_nomem(err);
        kt_status st = KT_OK;
        bool one_local = true;
        if (stat(stub, &sb) == 0 && S_ISREG(sb.st_mode)) {
            size_t n_local = 0, n_other = 0;
            st = read_list(NULL, stub, depth + 1, &n_local, &n_other, err);
            one_local = n_local == 1 && n_other == 0;
            if (st == KT_OK && !one_local)
                st = read_list(list, stub, depth + 1, NULL, NULL, err);
        }
        free(stub);
        if (st != KT_OK || !one_local)
            return st;
    }
    /* one database, or nothing at all: opening it will say which */
    return push(list, KT_SHARD_LOCAL, strdup(path), strdup(path), NULL, 0, err);
}

kt_status kt_shards_add(kt_shard_list *list, const char *spec, kt_error *err)
{
    if (!spec || !*spec)
        return kt_error_set(err, KT_ERR_INPUT, "an empty index name");
    if (!strncmp(spec, TCP_SCHEME, strlen(TCP_SCHEME))) {
        char *host = NULL;
        unsigned port;
        if (!parse_host_port(spec + strlen(TCP_SCHEME), &host, &port))
            return kt_error_set(err, KT_ERR_INPUT, "%s: expected tcp://HOST:PORT with a port from 1 to 65535", spec);
        return push_remote(list, host, port, err);
    }
    return add_path(list, spec, 0, err);
}
