/* kyotei — the options both programs read: numbers, years and choices from a table of names.
 *
 * kyotei-index and kyotei-search parse "--threads 4", "--since 2010" and "--format csv" the same
 * way (base/number.h, base/names.h) and say what went wrong the same way, on stderr:
 *   kyotei-search: --limit: expected a number from 0 to 100000
 *   kyotei-index: --format: expected csv, tsv or jsonl
 * Each returns whether the text was accepted; *out is set only when it was.
 */
#ifndef KT_CLI_ARGS_H
#define KT_CLI_ARGS_H

#include <stdbool.h>

#include "base/names.h"

bool kt_arg_number(const char *program, const char *option, const char *text, unsigned long min,
                   unsigned long max, unsigned long *out);
bool kt_arg_year(const char *program, const char *option, const char *text, int *out);
bool kt_arg_choice(const char *program, const char *option, const kt_name *choices, const char *text, int *out);

#endif
