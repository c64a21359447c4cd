/* kyotei — errors as values: the status every call of libkyotei returns, and its message.
 *
 * Every kyotei call that can fail returns a kt_status and, when the caller passes a kt_error,
 * fills it with the same status and a message a person can read ("agreements.csv:12: missing id").
 * The kt_error lives in the caller's memory (usually on the stack): nothing is allocated for it, so
 * reporting an error can itself never fail. Passing NULL means "I only want the status".
 *
 * Only the fronts (kyotei-index, kyotei-search, the CGI) print errors or choose exit codes;
 * everything below them hands a kt_error back.
 */
#ifndef KYOTEI_ERROR_H
#define KYOTEI_ERROR_H

#ifdef __cplusplus
extern "C" {
#endif

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

/* Resets err to KT_OK with an empty message. */
void kt_error_clear(kt_error *err);

/* A short English name for a status ("input error"), never NULL. */
const char *kt_status_name(kt_status status);

#ifdef __cplusplus
}
#endif

#endif
