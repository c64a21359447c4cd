// xapian-c's private header: what the files of the binding share, and nothing a caller sees
// (xc.h is the only public header). C++ only; never installed, never included from C.
//
// Every extern "C" entry point runs its body inside guard(): no exception, from Xapian, from the
// standard library or from anywhere else, may unwind into C code, which has no idea what to do
// with it. Functions that cannot report a status (sizes, describe, free) catch everything
// themselves and fall back to a harmless value.
//
// The entry points keep the C linkage xc.h declares for them; the helpers here and between them
// are ordinary C++, in namespace xc_internal (or a file's anonymous namespace).
//
// Ownership. Each handle below owns what it holds and is freed with delete by its _close/_free.
// Xapian's objects are reference-counted handles themselves: a Database, Document or Query copied
// into or out of a handle shares Xapian's internals rather than copying them, which is why a
// document or result set stays valid after the database handle it came from is closed.
#ifndef XC_INTERNAL_H
#define XC_INTERNAL_H

#include "xapian-c/xc.h"

#include <xapian.h>

#include <setjmp.h>

#include <atomic>
#include <cstdint>
#include <cstring>
#include <functional>
#include <memory>
#include <string>
#include <type_traits>
#include <vector>

namespace xc_internal {

// The values of one slot for every document of a database handle, as read once (xc_search's
// facet_cache; facets.cc): values holds the distinct values in ascending order, code[docid - 1]
// the index in values plus one (0: no value).
struct value_cache {
    Xapian::valueno slot = 0;
    std::vector<std::string> values;
    std::vector<uint32_t> code;
};

// One facet's counts, copied out of its counter so that they outlive the search, and in the plain
// arrays the C side reads (xc_mset_facet_get).
struct facet {
    std::vector<std::string> values;
    std::vector<uint32_t> counts;
};

}  // namespace xc_internal

// ---- the handles shared across files (xc_wdb and xc_mset live in wdb.cc and search.cc) ----

// A read-only database (db.cc). Owns its Database handle (whose shards it may share with other
// xc_db handles: xc_db_add_db) and its facet caches.
struct xc_db {
    Xapian::Database db;
    // Xapian refuses to search a Database without shards; xc_search answers that itself.
    size_t shards = 0;
    // How many of the shards are served by xapian-tcpsrv: xc_search counts facets apart for them.
    size_t remotes = 0;
    // Facet values read for xc_search's facet_cache; they describe the revision db sees, so
    // reopening to a new one or adding a shard drops them.
    std::vector<std::unique_ptr<xc_internal::value_cache>> caches;
};

// A document (document.cc), new or read from a database or a result set. Owns its Document,
// which for a stored document keeps what it needs of the database open.
struct xc_doc {
    Xapian::Document doc;
};

// An immutable query (query.cc). Owns its Query; combining shares the subqueries' trees.
struct xc_query {
    Xapian::Query q;
};

namespace xc_internal {

// ---- error reports (guard.cc) ----

// Fills err (NULL allowed) with status and a printf-style message, cut at a UTF-8 character
// boundary when too long; returns status.
xc_status fail(xc_error *err, xc_status status, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

// Maps the exception being handled to a status and message; only inside a catch block.
xc_status fail_current(xc_error *err);

// XC_ERR_INVALID with "<func>: <what>".
xc_status fail_invalid(xc_error *err, const char *func, const char *what);

// XC_OK for a term Xapian can store (1..XC_TERM_MAX bytes), else XC_ERR_INVALID naming func.
xc_status check_term(const char *term, const char *func, xc_error *err);

// Hands back a malloc'd, NUL-terminated copy of s, as the C side frees with free(); *len gets its
// length (len may be NULL). XC_ERR_NOMEM when the copy cannot be made.
xc_status copy_out(const std::string &s, char **out, size_t *len, xc_error *err);

// C callers may pass any int where an enum is declared, but C++ may assume that an enum holds
// only values within the range of its enumerators (UBSan checks it). So an enum argument is read
// as the int it really is before anything checks it.
template <typename E>
int enum_value(const E &e) {
    static_assert(sizeof(E) == sizeof(int), "C passes these enums as int");
    int v;
    std::memcpy(&v, &e, sizeof v);
    return v;
}

// Passes a new handle to the caller, who owns it from now on.
template <typename T>
xc_status hand_out(std::unique_ptr<T> &made, T **out) {
    *out = made.release();
    return XC_OK;
}

// ---- the fault trap (guard.cc; xc_trap_faults in xc.h) ----
//
// guard() arms a jump buffer around the body of each entry point on the trapping thread; the
// handler jumps back to it when a fault comes while one is armed.

extern std::atomic<bool> trap_on;   // xc_trap_faults was called
extern std::atomic<bool> trapped;   // a fault was trapped: the process's Xapian state is suspect
extern thread_local sigjmp_buf *trap_armed;  // this thread's guard() that a fault jumps back to

// XC_ERR_CORRUPT, saying that reading the index crashed inside Xapian.
xc_status fail_trapped(xc_error *err);

// ---- the exception guard ----

// Runs the body of an entry point. Whatever it throws becomes a status and a message here, so
// no exception can unwind into C (and noexcept makes that a promise the compiler keeps). The body
// returns an xc_status, or nothing for XC_OK. Under xc_trap_faults a fault in the body comes back
// as XC_ERR_CORRUPT too (see xc.h).
template <typename F>
xc_status guard_body(xc_error *err, F &&body) noexcept {
    try {
        if constexpr (std::is_void_v<decltype(body())>) {
            body();
            return XC_OK;
        } else {
            return body();
        }
    } catch (...) {
        return fail_current(err);
    }
}

// sigsetjmp(…, 0) keeps arming cheap (no system call); the handler is installed with SA_NODEFER
// so that the signal is not left blocked after the jump. The jump buffer must live in this frame,
// which is why guard() is a template here and not a function of guard.cc.
template <typename F>
xc_status guard(xc_error *err, F &&body) noexcept {
    if (!trap_on.load(std::memory_order_relaxed) || trap_armed)
        return guard_body(err, body);
    if (trapped.load())
        return fail_trapped(err);
    sigjmp_buf here;
    if (sigsetjmp(here, 0) != 0) {
        trapped.store(true);
        return fail_trapped(err);
    }
    trap_armed = &here;
    xc_status st = guard_body(err, body);
    trap_armed = nullptr;
    return st;
}

// ---- facet counting (facets.cc, for xc_search) ----

// One facet's counter in a search: the spy Xapian runs, and how its counts are read afterwards.
// The spy is owned here; the Enquire it is added to only points at it, so the counter must
// outlive that Enquire's matches.
struct facet_counter {
    std::unique_ptr<Xapian::MatchSpy> spy;
    std::function<facet()> result;
};

// The counter for the values of slot over a search of db: from db's cache of the slot's values
// (read now if not there yet) when use_cache and db is a single local shard, by walking the slot's
// value stream for a single local shard otherwise, else a ValueCountMatchSpy (remote or several
// shards).
facet_counter new_facet_counter(xc_db *db, Xapian::valueno slot, bool use_cache);

}  // namespace xc_internal

// Argument checks come before guard(): they cannot throw, and their message names the broken
// precondition ("xc_search: expected q != NULL").
#define XC_REQUIRE(cond, err)                                                                 \
    do {                                                                                      \
        if (!(cond)) return ::xc_internal::fail_invalid((err), __func__, "expected " #cond);  \
    } while (0)

#endif  // XC_INTERNAL_H
