/* kyotei — errors as values, as kyotei's own modules raise them.
 *
 * The status and the error record are public (kyotei/error.h); this adds what only kyotei's
 * modules do with them: setting a message, and prefixing a file name to it higher up.
 */
#ifndef KT_BASE_ERROR_H
#define KT_BASE_ERROR_H

#include <stdarg.h>
#include <stddef.h>

#include "kyotei/error.h"

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

#endif
