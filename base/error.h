/* kyotei — errors as values.
 *
 * Every kyotei call that can fail returns a kt_status and, when the caller passes a kt_error,
 * fills it with the same status and a message a person can read ("agreements.csv:12: missing id").
 * The kt_error lives in the caller's memory (usually on the stack): nothing is allocated for it, so
 * reporting an error can itself never fail. Passing NULL means "I only want the status".
 *
 * Only the fronts (kyotei-index, kyotei-search, the CGI) print errors or choose exit codes;
 * everything below them hands a kt_error back.
 */
#ifndef KT_BASE_ERROR_H
#define KT_BASE_ERROR_H

#include <stdarg.h>
#include <stddef.h>

typedef enum kt_status {
    KT_OK = 0,
    KT_ERR_NOMEM,     /* an allocation failed */
    KT_ERR_IO,        /* a file could not be opened, read or written */
    KT_ERR_INPUT,     /* the input (a file, a row, a query, a parameter) is malformed */
    KT_ERR_ENCODING,  /* the input is not valid in its encoding */
    KT_ERR_LIMIT,     /* the input is larger than kyotei accepts */
    KT_ERR_DICT,      /* a dictionary or vocabulary could not be loaded, or MeCab failed */
    KT_ERR_INDEX,     /* the index is missing, locked, damaged or could not be written */
    KT_ERR_INTERNAL   /* a bug: a promise inside kyotei was broken */
} kt_status;

#define KT_ERROR_MESSAGE_MAX 512

typedef struct kt_error {
    kt_status status;
    char message[KT_ERROR_MESSAGE_MAX];
} kt_error;

/* Sets *err (when err is not NULL) and returns status, so that callers can write
 * `return kt_error_set(err, KT_ERR_INPUT, "%s:%zu: missing id", file, line);`.
 * A message longer than KT_ERROR_MESSAGE_MAX is cut at a UTF-8 character boundary. */
kt_status kt_error_set(kt_error *err, kt_status status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
kt_status kt_error_setv(kt_error *err, kt_status status, const char *fmt, va_list ap);

/* kt_error_set(err, KT_ERR_NOMEM, "out of memory"): the error for an allocation that failed where
 * there is nothing more useful to say. Returns KT_ERR_NOMEM. */
kt_status kt_error_nomem(kt_error *err);

/* Prepends "prefix: " to the message already in err (for adding a file name higher up). */
void kt_error_prefix(kt_error *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Resets err to KT_OK with an empty message. */
void kt_error_clear(kt_error *err);

/* A short English name for a status ("input error"), never NULL. */
const char *kt_status_name(kt_status status);

#endif
