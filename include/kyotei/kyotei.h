/* kyotei — every public header at once, for a program that embeds the searcher:
 *
 *     #include <kyotei/kyotei.h>
 *
 * and compile with `pkg-config --cflags --libs kyotei`. Each header can also be included on its
 * own; this one only gathers them (tests/lib/check_symbols.py checks that it names them all). */
#ifndef KYOTEI_KYOTEI_H
#define KYOTEI_KYOTEI_H

#include "kyotei/version.h"

#include "kyotei/error.h"
#include "kyotei/agreement.h"
#include "kyotei/search.h"
#include "kyotei/pivot.h"
#include "kyotei/output.h"

#endif
