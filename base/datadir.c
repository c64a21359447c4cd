#include "datadir.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

char *kt_path_join(const char *dir, const char *name)
{
    size_t a = strlen(dir), b = strlen(name);
    char *p = malloc(a + b + 2);
    if (!p)
        return NULL;
    memcpy(p, dir, a);
    p[a] = '/';
    memcpy(p + a + 1, name, b + 1);
    return p;
}

char *kt_data_dir(kt_error *err)
{
    const char *env = getenv("KYOTEI_DATA_DIR");
    if (env && *env) {
        char *copy = strdup(env);
        if (!copy)
            kt_error_nomem(err);
        return copy;
    }
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0) {
        kt_error_set(err, KT_ERR_IO, "cannot find the kyotei data directory (set KYOTEI_DATA_DIR): %s",
                     strerror(errno));
        return NULL;
    }
    exe[n] = '\0';
    char *slash = strrchr(exe, '/');
    if (slash)
        *slash = '\0';
    char *dir = kt_path_join(exe, "../share/kyotei");
    if (!dir)
        kt_error_nomem(err);
    return dir;
}
