#include "listen.h"

#include <errno.h>
#include <netdb.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

/* Splits HOST:PORT or [HOST]:PORT into host (malloc'd) and port; false when where is not so. */
static bool split_host_port(const char *where, char **host, const char **port)
{
    const char *colon;
    const char *start = where;
    size_t len;
    if (where[0] == '[') {
        const char *close = strchr(where, ']');
        if (!close || close[1] != ':')
            return false;
        start = where + 1;
        len = (size_t)(close - start);
        colon = close + 1;
    } else {
        colon = strrchr(where, ':');
        if (!colon || memchr(where, ':', (size_t)(colon - where)))
            return false; /* an IPv6 address without brackets is ambiguous */
        len = (size_t)(colon - where);
    }
    char *end;
    errno = 0;
    unsigned long p = strtoul(colon + 1, &end, 10);
    if (len == 0 || !colon[1] || *end || errno || p == 0 || p > 65535)
        return false;
    if (!(*host = strndup(start, len)))
        return false;
    *port = colon + 1;
    return true;
}

static int listen_tcp(const char *where, kt_error *err)
{
    char *host = NULL;
    const char *port;
    if (!split_host_port(where, &host, &port)) {
        kt_error_set(err, KT_ERR_INPUT, "--listen %s: expected HOST:PORT (a port from 1 to 65535), [IPV6]:PORT or "
                     "the path of a Unix socket", where);
        return -1;
    }
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM, .ai_flags = AI_PASSIVE}, *found;
    int rc = getaddrinfo(host, port, &hints, &found);
    free(host);
    if (rc != 0) {
        kt_error_set(err, KT_ERR_IO, "--listen %s: %s", where, gai_strerror(rc));
        return -1;
    }
    int fd = -1, saved = 0;
    for (struct addrinfo *a = found; a && fd < 0; a = a->ai_next) {
        fd = socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol);
        int on = 1;
        if (fd >= 0 && (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on) != 0 ||
                        bind(fd, a->ai_addr, a->ai_addrlen) != 0 || listen(fd, KT_LISTEN_BACKLOG) != 0)) {
            saved = errno;
            close(fd);
            fd = -1;
        }
    }
    freeaddrinfo(found);
    if (fd < 0)
        kt_error_set(err, KT_ERR_IO, "--listen %s: %s", where, strerror(saved ? saved : errno));
    return fd;
}

/* Whether a server answers on the Unix socket at addr. */
static bool someone_listens(const struct sockaddr_un *addr)
{
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    bool yes = fd >= 0 && connect(fd, (const struct sockaddr *)addr, sizeof *addr) == 0;
    if (fd >= 0)
        close(fd);
    return yes;
}

static int listen_unix(const char *path, kt_error *err)
{
    struct sockaddr_un addr = {.sun_family = AF_UNIX};
    if (strlen(path) >= sizeof addr.sun_path) {
        kt_error_set(err, KT_ERR_INPUT, "--listen %s: longer than the %zu bytes a Unix socket's path may have",
                     path, sizeof addr.sun_path - 1);
        return -1;
    }
    memcpy(addr.sun_path, path, strlen(path) + 1);
    struct stat sb;
    if (lstat(path, &sb) == 0) {
        if (!S_ISSOCK(sb.st_mode)) {
            kt_error_set(err, KT_ERR_INPUT, "--listen %s: a file that is not a socket is in the way", path);
            return -1;
        }
        if (someone_listens(&addr)) {
            kt_error_set(err, KT_ERR_IO, "--listen %s: another server is listening there", path);
            return -1;
        }
        unlink(path); /* left by a server that is gone */
    }
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0 || bind(fd, (const struct sockaddr *)&addr, sizeof addr) != 0 || listen(fd, KT_LISTEN_BACKLOG) != 0) {
        kt_error_set(err, KT_ERR_IO, "--listen %s: %s", path, strerror(errno));
        if (fd >= 0)
            close(fd);
        return -1;
    }
    return fd;
}

int kt_listen_open(const char *where, kt_error *err)
{
    if (!where || !*where) {
        kt_error_set(err, KT_ERR_INPUT, "--listen: an empty address");
        return -1;
    }
    return strchr(where, '/') ? listen_unix(where, err) : listen_tcp(where, err);
}

bool kt_listen_is_socket(int fd)
{
    int listening = 0;
    socklen_t len = sizeof listening;
    return getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &len) == 0 && listening;
}
