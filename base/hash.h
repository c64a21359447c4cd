/* kyotei — FNV-1a, 64 bits: a small, fast, well-known hash for hash tables and fingerprints (not
 * for anything an attacker could exploit by choosing collisions).
 *
 *   uint64_t h = kt_fnv1a64(KT_FNV1A64_INIT, data, len);   // and again to continue with more bytes
 */
#ifndef KT_BASE_HASH_H
#define KT_BASE_HASH_H

#include <stddef.h>
#include <stdint.h>

#define KT_FNV1A64_INIT 14695981039346656037u

static inline uint64_t kt_fnv1a64(uint64_t h, const void *data, size_t len)
{
    const unsigned char *p = data;
    for (size_t i = 0; i < len; i++) {
        h ^= p[i];
        h *= 1099511628211u;
    }
    return h;
}

#endif
