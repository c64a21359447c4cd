#include "args.h"

#include <stdio.h>

#include "base/buf.h"
#include "base/number.h"

bool kt_arg_number(const char *program, const char *option, const char *text, unsigned long min,
                   unsigned long max, unsigned long *out)
{
    if (kt_parse_uint(text, min, max, out))
        return true;
    fprintf(stderr, "%s: %s: expected a number from %lu to %lu\n", program, option, min, max);
    return false;
}

bool kt_arg_year(const char *program, const char *option, const char *text, int *out)
{
    if (kt_parse_year(text, out))
        return true;
    fprintf(stderr, "%s: %s: expected a year such as 2010\n", program, option);
    return false;
}

bool kt_arg_choice(const char *program, const char *option, const kt_name *choices, const char *text, int *out)
{
    if (kt_name_find(choices, text, out))
        return true;
    kt_buf list = KT_BUF_INIT;
    kt_status st = kt_name_list(&list, choices);
    fprintf(stderr, "%s: %s: expected %s\n", program, option, st == KT_OK ? kt_buf_str(&list) : "another value");
    kt_buf_free(&list);
    return false;
}
