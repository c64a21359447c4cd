#include "grow.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define FIRST_CAP 8

kt_status kt_grow(void *items_ptr, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap)
        return KT_OK;
    if (size == 0 || need > SIZE_MAX / size)
        return KT_ERR_NOMEM;
    size_t grown_cap = *cap ? *cap : FIRST_CAP;
    while (grown_cap < need)
        grown_cap = grown_cap > SIZE_MAX / 2 ? need : grown_cap * 2;
    if (grown_cap > SIZE_MAX / size)
        grown_cap = need; /* doubling went past what fits: just what was asked for */
    /* the array's pointer is read and written as bytes, so that any T ** may be passed */
    void *items;
    memcpy(&items, items_ptr, sizeof items);
    void *grown = realloc(items, grown_cap * size);
    if (!grown)
        return KT_ERR_NOMEM;
    memcpy(items_ptr, &grown, sizeof grown);
    *cap = grown_cap;
    return KT_OK;
}
