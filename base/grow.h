/* kyotei — growing an array geometrically.
 *
 * KT_GROW(items, cap, need) makes the array `items` (a pointer lvalue: T *items, holding `cap`
 * elements) able to hold at least `need` elements. It does nothing when it already can; otherwise
 * the capacity doubles (from 8 for a never-grown array) until it is enough. The elements already
 * there are kept; new room is not initialised.
 *
 * Errors: KT_ERR_NOMEM when memory runs out or need * sizeof *items does not fit in size_t. The
 * array and its capacity are then as they were, so the caller still owns (and frees) the old one.
 *
 *     if (KT_GROW(list->items, list->cap, list->count + 1) != KT_OK)
 *         return kt_error_nomem(err);
 *     list->items[list->count++] = item;
 */
#ifndef KT_BASE_GROW_H
#define KT_BASE_GROW_H

#include <stddef.h>

#include "error.h"

#define KT_GROW(items, cap, need) kt_grow(&(items), &(cap), (need), sizeof *(items))

/* What KT_GROW calls: items_ptr is the address of the array's pointer (any T **), size the size
 * of one element. */
kt_status kt_grow(void *items_ptr, size_t *cap, size_t need, size_t size);

#endif
