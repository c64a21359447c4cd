/* For the test of tests/lib/check_symbols.py itself: a public-looking function that libkyotei does
 * not have. Handed to the check as one more header, it must make the check fail. */
#include "kyotei/error.h"

kt_status kt_not_in_the_library(kt_error *err);
