// xapian-c — the C face of libxapian; see xc.h for the contract.
//
// Every extern "C" entry point runs its body inside guard(): no exception, from Xapian, from the
// standard library or from anywhere else, may unwind into C code, which has no idea what to do
// with it. Functions that cannot report a status (sizes, describe, free) catch
// everything themselves and fall back to a harmless value.

#include "xapian-c/xc.h"

#include <xapian.h>

#include <signal.h>
#include <setjmp.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cmath>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <map>
#include <memory>
#include <new>
#include <string>
#include <unordered_map>
#include <type_traits>
#include <vector>

namespace {

// The values of one slot for every document of a database handle, as read once (xc_search's
// facet_cache): values holds the distinct values in ascending order, code[docid - 1] the index
// in values plus one (0: no value).
struct value_cache {
    Xapian::valueno slot = 0;
    std::vector<std::string> values;
    std::vector<uint32_t> code;
};

}  // namespace

struct xc_db {
    Xapian::Database db;
    // Xapian refuses to search a Database without shards; xc_search answers that itself.
    size_t shards = 0;
    // How many of the shards are served by xapian-tcpsrv: xc_search counts facets apart for them.
    size_t remotes = 0;
    // Facet values read for xc_search's facet_cache; they describe the revision db sees, so
    // reopening to a new one or adding a shard drops them.
    std::vector<std::unique_ptr<value_cache>> caches;
};

struct xc_wdb {
    Xapian::WritableDatabase db;
    // Xapian 1.4 cannot tell whether a transaction is open; close needs to know, to cancel it
    // rather than commit.
    bool in_transaction = false;
};

struct xc_doc {
    Xapian::Document doc;
};

struct xc_query {
    Xapian::Query q;
};

namespace {

struct facet {
    std::vector<std::string> values;
    std::vector<uint32_t> counts;
};

}  // namespace

struct xc_mset {
    // The MSet reads documents through its Enquire, so both stay here for xc_mset_document.
    // No Enquire for a database without shards: the MSet is then empty.
    std::unique_ptr<Xapian::Enquire> enquire;
    Xapian::MSet mset;
    std::vector<Xapian::docid> docids;
    std::vector<double> weights;
    uint32_t estimated = 0, lower_bound = 0, upper_bound = 0;
    std::vector<facet> facets;
};

namespace {

// Drops a trailing UTF-8 sequence that truncation cut in two, so messages stay valid text.
void trim_incomplete_utf8(char *s) {
    size_t len = std::strlen(s);
    size_t start = len;
    while (start > 0 && (static_cast<unsigned char>(s[start - 1]) & 0xC0) == 0x80) start--;
    if (start == 0) return;
    unsigned char lead = static_cast<unsigned char>(s[start - 1]);
    size_t need = lead < 0x80 ? 1 : lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
    if (len - (start - 1) < need) s[start - 1] = '\0';
}

xc_status fail(xc_error *err, xc_status status, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

xc_status fail(xc_error *err, xc_status status, const char *fmt, ...) {
    if (err) {
        err->status = status;
        va_list ap;
        va_start(ap, fmt);
        int n = std::vsnprintf(err->message, sizeof err->message, fmt, ap);
        va_end(ap);
        if (n < 0) err->message[0] = '\0';
        else if (static_cast<size_t>(n) >= sizeof err->message) trim_incomplete_utf8(err->message);
    }
    return status;
}

xc_status fail_xapian(xc_error *err, xc_status status, const Xapian::Error &e) {
    // get_error_string() builds its text lazily and so may itself throw; the message must not.
    const char *why = nullptr;
    try {
        why = e.get_error_string();
    } catch (...) {
    }
    return fail(err, status, "%s: %s%s%s%s", e.get_type(), e.get_msg().c_str(), why ? " (" : "", why ? why : "",
                why ? ")" : "");
}

// Maps the exception being handled to a status and message. Xapian::Error has no virtual
// functions, so its class can only be told by catching: the handlers go from the most derived
// class to the least, as several of these derive from one another.
xc_status fail_current(xc_error *err) {
    try {
        throw;
    } catch (const Xapian::DatabaseModifiedError &e) {
        return fail_xapian(err, XC_ERR_MODIFIED, e);
    } catch (const Xapian::DatabaseLockError &e) {
        return fail_xapian(err, XC_ERR_LOCKED, e);
    } catch (const Xapian::DatabaseCorruptError &e) {
        return fail_xapian(err, XC_ERR_CORRUPT, e);
    } catch (const Xapian::DatabaseNotFoundError &e) {
        return fail_xapian(err, XC_ERR_NOT_FOUND, e);
    } catch (const Xapian::DatabaseOpeningError &e) {  // also DatabaseVersionError
        return fail_xapian(err, XC_ERR_OPENING, e);
    } catch (const Xapian::DatabaseCreateError &e) {
        return fail_xapian(err, XC_ERR_OPENING, e);
    } catch (const Xapian::DocNotFoundError &e) {
        return fail_xapian(err, XC_ERR_NOT_FOUND, e);
    } catch (const Xapian::NetworkError &e) {  // also NetworkTimeoutError
        return fail_xapian(err, XC_ERR_NETWORK, e);
    } catch (const Xapian::InvalidArgumentError &e) {
        return fail_xapian(err, XC_ERR_INVALID, e);
    } catch (const Xapian::InvalidOperationError &e) {
        return fail_xapian(err, XC_ERR_INVALID, e);
    } catch (const Xapian::Error &e) {
        return fail_xapian(err, XC_ERR_XAPIAN, e);
    } catch (const std::bad_alloc &) {
        return fail(err, XC_ERR_NOMEM, "out of memory");
    } catch (const std::exception &e) {
        return fail(err, XC_ERR_XAPIAN, "unexpected exception: %s", e.what());
    } catch (...) {
        return fail(err, XC_ERR_XAPIAN, "unexpected exception");
    }
}

xc_status fail_invalid(xc_error *err, const char *func, const char *what) {
    return fail(err, XC_ERR_INVALID, "%s: %s", func, what);
}

xc_status check_term(const char *term, const char *func, xc_error *err) {
    if (!term) return fail_invalid(err, func, "term is NULL");
    size_t len = std::strlen(term);
    if (len == 0) return fail_invalid(err, func, "term is empty");
    if (len > XC_TERM_MAX)
        return fail(err, XC_ERR_INVALID, "%s: term of %zu bytes is longer than the %d bytes Xapian can store",
                    func, len, XC_TERM_MAX);
    return XC_OK;
}

// Hands back a malloc'd, NUL-terminated copy, as the C side frees with free().
xc_status copy_out(const std::string &s, char **out, size_t *len, xc_error *err) {
    char *p = static_cast<char *>(std::malloc(s.size() + 1));
    if (!p) return fail(err, XC_ERR_NOMEM, "out of memory copying %zu bytes", s.size());
    std::memcpy(p, s.data(), s.size());
    p[s.size()] = '\0';
    *out = p;
    if (len) *len = s.size();
    return XC_OK;
}

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

template <typename T>
xc_status hand_out(std::unique_ptr<T> &made, T **out) {
    *out = made.release();
    return XC_OK;
}

}  // namespace

// ---- the fault trap (xc_trap_faults) ----
//
// guard() arms a jump buffer around the body of each entry point on the trapping thread; the
// handler jumps back to it when a fault comes while one is armed. sigsetjmp(…, 0) keeps arming
// cheap (no system call); the handler is installed with SA_NODEFER so that the signal is not left
// blocked after the jump.
namespace {

std::atomic<bool> trap_on{false};
std::atomic<bool> trapped{false};  // a fault was trapped: the process's Xapian state is suspect
thread_local sigjmp_buf *trap_armed = nullptr;
struct sigaction trap_previous[2];  // SIGSEGV, SIGBUS

void trap_handler(int sig, siginfo_t *info, void *ctx) {
    if (sigjmp_buf *to = trap_armed) {
        trap_armed = nullptr;
        siglongjmp(*to, 1);
    }
    // Not ours: hand it to whoever had it before, as if we were not here.
    const struct sigaction &prev = trap_previous[sig == SIGBUS];
    if (prev.sa_flags & SA_SIGINFO) {
        prev.sa_sigaction(sig, info, ctx);
        return;
    }
    if (prev.sa_handler != SIG_IGN && prev.sa_handler != SIG_DFL) {
        prev.sa_handler(sig);
        return;
    }
    signal(sig, SIG_DFL);
    raise(sig);
}

xc_status fail_trapped(xc_error *err) {
    return fail(err, XC_ERR_CORRUPT,
                "reading the index crashed inside Xapian: a table is damaged (xapian-check names it)");
}

}  // namespace

extern "C" xc_status xc_trap_faults(xc_error *err) {
    struct sigaction sa;
    std::memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = trap_handler;
    sa.sa_flags = SA_SIGINFO | SA_NODEFER;
    sigemptyset(&sa.sa_mask);
    if (sigaction(SIGSEGV, &sa, &trap_previous[0]) != 0 || sigaction(SIGBUS, &sa, &trap_previous[1]) != 0)
        return fail(err, XC_ERR_XAPIAN, "xc_trap_faults: %s", std::strerror(errno));
    trap_on.store(true);
    return XC_OK;
}

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

// Argument checks come before guard(): they cannot throw, and their message names the broken
// precondition ("xc_search: expected q != NULL").
#define XC_REQUIRE(cond, err)                                                     \
    do {                                                                          \
        if (!(cond)) return fail_invalid((err), __func__, "expected " #cond);     \
    } while (0)

// The entry points keep the C linkage xc.h declares for them; the helpers between them are
// ordinary C++.

const char *xc_status_name(xc_status st) {
    switch (enum_value(st)) {
        case XC_OK: return "ok";
        case XC_ERR_NOMEM: return "out of memory";
        case XC_ERR_INVALID: return "invalid argument";
        case XC_ERR_NOT_FOUND: return "not found";
        case XC_ERR_OPENING: return "cannot open database";
        case XC_ERR_LOCKED: return "database locked";
        case XC_ERR_MODIFIED: return "database modified";
        case XC_ERR_CORRUPT: return "database corrupt";
        case XC_ERR_NETWORK: return "network error";
        case XC_ERR_XAPIAN: return "xapian error";
    }
    return "unknown status";
}

/* --- read-only databases --- */

xc_status xc_db_open(const char *path, xc_db **out, xc_error *err) {
    XC_REQUIRE(path != NULL, err);
    XC_REQUIRE(out != NULL, err);
    return guard(err, [&] {
        std::unique_ptr<xc_db> db(new xc_db{});
        db->db = Xapian::Database(path);
        db->shards = 1;
        return hand_out(db, out);
    });
}

xc_status xc_db_open_empty(xc_db **out, xc_error *err) {
    XC_REQUIRE(out != NULL, err);
    return guard(err, [&] {
        std::unique_ptr<xc_db> db(new xc_db{});
        return hand_out(db, out);
    });
}

xc_status xc_db_add_shard(xc_db *db, const char *path, xc_error *err) {
    XC_REQUIRE(db != NULL, err);
    XC_REQUIRE(path != NULL, err);
    return guard(err, [&] {
        db->db.add_database(Xapian::Database(path));
        db->shards++;
        db->caches.clear();
    });
}

xc_status xc_db_add_remote(xc_db *db, const char *host, unsigned port, unsigned timeout_ms,
                           unsigned connect_timeout_ms, xc_error *err) {
    XC_REQUIRE(db != NULL, err);
    XC_REQUIRE(host != NULL && *host != '\0', err);
    XC_REQUIRE(port > 0 && port <= 65535, err);
    return guard(err, [&] {
#if XAPIAN_AT_LEAST(1, 5, 0)
        // 1.5 takes seconds as a double; 1.4 takes milliseconds.
        Xapian::Database remote =
            Xapian::Remote::open(host, port, timeout_ms / 1000.0, connect_timeout_ms / 1000.0);
#else
        Xapian::Database remote = Xapian::Remote::open(host, port, timeout_ms, connect_timeout_ms);
#endif
        db->db.add_database(remote);
        db->shards++;
        db->remotes++;
        db->caches.clear();
    });
}

xc_status xc_db_add_db(xc_db *db, const xc_db *other, xc_error *err) {
    XC_REQUIRE(db != NULL, err);
    XC_REQUIRE(other != NULL, err);
    XC_REQUIRE(db != other, err);
    return guard(err, [&] {
        // Database handles are reference-counted: the shards are shared, not reopened.
        db->db.add_database(other->db);
        db->shards += other->shards;
        db->remotes += other->remotes;
        db->caches.clear();
    });
}

xc_status xc_db_reopen(xc_db *db, bool *changed, xc_error *err) {
    XC_REQUIRE(db != NULL, err);
    return guard(err, [&] {
        bool c = db->db.reopen();
        if (c) db->caches.clear();
        if (changed) *changed = c;
    });
}

xc_status xc_db_doc_count(xc_db *db, uint32_t *out, xc_error *err) {
    XC_REQUIRE(db != NULL, err);
    XC_REQUIRE(out != NULL, err);
    return guard(err, [&] { *out = db->db.get_doccount(); });
}

xc_status xc_db_term_freq(xc_db *db, const char *term, uint32_t *out, xc_error *err) {
    XC_REQUIRE(db != NULL, err);
    XC_REQUIRE(out != NULL, err);
    if (xc_status st = check_term(term, __func__, err)) return st;
    return guard(err, [&] { *out = db->db.get_termfreq(term); });
}

xc_status xc_db_get_metadata(xc_db *db, const char *key, char **value, size_t *len, xc_error *err) {
    XC_REQUIRE(db != NULL, err);
    XC_REQUIRE(key != NULL && *key != '\0', err);
    XC_REQUIRE(value != NULL, err);
    return guard(err, [&] { return copy_out(db->db.get_metadata(key), value, len, err); });
}

xc_status xc_db_get_document(xc_db *db, uint32_t docid, xc_doc **out, xc_error *err) {
    XC_REQUIRE(db != NULL, err);
    XC_REQUIRE(out != NULL, err);
    XC_REQUIRE(docid != 0, err);
    return guard(err, [&] {
        std::unique_ptr<xc_doc> d(new xc_doc{db->db.get_document(docid)});
        return hand_out(d, out);
    });
}

xc_status xc_db_each_term(xc_db *db, const char *prefix,
                          bool (*fn)(const char *term, size_t len, uint32_t termfreq, void *ctx), void *ctx,
                          xc_error *err) {
    XC_REQUIRE(db != NULL, err);
    XC_REQUIRE(fn != NULL, err);
    return guard(err, [&] {
        const std::string p = prefix ? prefix : "";
        for (Xapian::TermIterator it = db->db.allterms_begin(p); it != db->db.allterms_end(p); ++it) {
            const std::string &term = *it;
            if (!fn(term.data(), term.size(), it.get_termfreq(), ctx)) break;
        }
    });
}

void xc_db_close(xc_db *db) {
    // Xapian's destructors do not throw; delete cannot either.
    delete db;
}

/* --- writable databases --- */

xc_status xc_wdb_open(const char *path, int mode, xc_wdb **out, xc_error *err) {
    XC_REQUIRE(path != NULL, err);
    XC_REQUIRE(out != NULL, err);
    int action;
    switch (mode & 0xff) {
        case XC_WDB_CREATE_OR_OPEN: action = Xapian::DB_CREATE_OR_OPEN; break;
        case XC_WDB_CREATE_OR_OVERWRITE: action = Xapian::DB_CREATE_OR_OVERWRITE; break;
        case XC_WDB_OPEN: action = Xapian::DB_OPEN; break;
        default: return fail(err, XC_ERR_INVALID, "%s: unknown mode %d", __func__, mode);
    }
    if (mode & ~(0xff | XC_WDB_NO_SYNC | XC_WDB_IN_PLACE))
        return fail(err, XC_ERR_INVALID, "%s: unknown flags in mode %#x", __func__, static_cast<unsigned>(mode));
    if (mode & XC_WDB_NO_SYNC) action |= Xapian::DB_NO_SYNC;
    if (mode & XC_WDB_IN_PLACE) action |= Xapian::DB_DANGEROUS;
    return guard(err, [&] {
        std::unique_ptr<xc_wdb> w(new xc_wdb{Xapian::WritableDatabase(path, action)});
        return hand_out(w, out);
    });
}

xc_status xc_wdb_add(xc_wdb *w, const xc_doc *doc, uint32_t *docid, xc_error *err) {
    XC_REQUIRE(w != NULL, err);
    XC_REQUIRE(doc != NULL, err);
    return guard(err, [&] {
        Xapian::docid id = w->db.add_document(doc->doc);
        if (docid) *docid = id;
    });
}

xc_status xc_wdb_replace(xc_wdb *w, const char *unique_term, const xc_doc *doc, uint32_t *docid, xc_error *err) {
    XC_REQUIRE(w != NULL, err);
    XC_REQUIRE(doc != NULL, err);
    if (xc_status st = check_term(unique_term, __func__, err)) return st;
    return guard(err, [&] {
        Xapian::docid id = w->db.replace_document(unique_term, doc->doc);
        if (docid) *docid = id;
    });
}

xc_status xc_wdb_delete(xc_wdb *w, const char *unique_term, xc_error *err) {
    XC_REQUIRE(w != NULL, err);
    if (xc_status st = check_term(unique_term, __func__, err)) return st;
    return guard(err, [&] { w->db.delete_document(unique_term); });
}

xc_status xc_wdb_set_metadata(xc_wdb *w, const char *key, const char *value, size_t len, xc_error *err) {
    XC_REQUIRE(w != NULL, err);
    XC_REQUIRE(key != NULL && *key != '\0', err);
    XC_REQUIRE(value != NULL || len == 0, err);
    return guard(err, [&] { w->db.set_metadata(key, len ? std::string(value, len) : std::string()); });
}

xc_status xc_wdb_begin(xc_wdb *w, xc_error *err) {
    XC_REQUIRE(w != NULL, err);
    return guard(err, [&] {
        w->db.begin_transaction(true);
        w->in_transaction = true;
    });
}

// Xapian ends the transaction even when committing or cancelling it fails, so the flag is
// cleared before the call in both.
xc_status xc_wdb_commit_transaction(xc_wdb *w, xc_error *err) {
    XC_REQUIRE(w != NULL, err);
    return guard(err, [&] {
        w->in_transaction = false;
        w->db.commit_transaction();
    });
}

xc_status xc_wdb_cancel_transaction(xc_wdb *w, xc_error *err) {
    XC_REQUIRE(w != NULL, err);
    return guard(err, [&] {
        w->in_transaction = false;
        w->db.cancel_transaction();
    });
}

xc_status xc_wdb_commit(xc_wdb *w, xc_error *err) {
    XC_REQUIRE(w != NULL, err);
    return guard(err, [&] { w->db.commit(); });
}

xc_status xc_wdb_doc_count(xc_wdb *w, uint32_t *out, xc_error *err) {
    XC_REQUIRE(w != NULL, err);
    XC_REQUIRE(out != NULL, err);
    return guard(err, [&] { *out = w->db.get_doccount(); });
}

xc_status xc_wdb_term_freq(xc_wdb *w, const char *term, uint32_t *out, xc_error *err) {
    XC_REQUIRE(w != NULL, err);
    XC_REQUIRE(out != NULL, err);
    if (xc_status st = check_term(term, __func__, err)) return st;
    return guard(err, [&] { *out = w->db.get_termfreq(term); });
}

xc_status xc_wdb_data_by_term(xc_wdb *w, const char *term, char **data, size_t *len, xc_error *err) {
    XC_REQUIRE(w != NULL, err);
    XC_REQUIRE(data != NULL, err);
    if (xc_status st = check_term(term, __func__, err)) return st;
    const char *fn = __func__;  // inside the lambda __func__ would be "operator()"
    return guard(err, [&] {
        Xapian::PostingIterator it = w->db.postlist_begin(term);
        if (it == w->db.postlist_end(term))
            return fail(err, XC_ERR_NOT_FOUND, "%s: no document holds the term", fn);
        return copy_out(w->db.get_document(*it).get_data(), data, len, err);
    });
}

xc_status xc_compact(const char *const *sources, size_t n, const char *dest, xc_error *err) {
    XC_REQUIRE(sources != NULL && n > 0, err);
    XC_REQUIRE(dest != NULL, err);
    for (size_t i = 0; i < n; i++) XC_REQUIRE(sources[i] != NULL, err);
    return guard(err, [&] {
        Xapian::Database all;
        for (size_t i = 0; i < n; i++) all.add_database(Xapian::Database(sources[i]));
        // multipass: merging many sources pairwise is faster than all at once (Xapian's advice)
        all.compact(dest, Xapian::Compactor::FULL | Xapian::DBCOMPACT_MULTIPASS);
    });
}

xc_status xc_wdb_close(xc_wdb *w, xc_error *err) {
    if (!w) return XC_OK;
    std::unique_ptr<xc_wdb> owned(w);
    // The commit (or cancel) is done here rather than left to close(), so that its failure can be
    // reported; close() then only releases the lock.
    xc_status st = guard(err, [&] {
        if (owned->in_transaction) {
            owned->in_transaction = false;
            owned->db.cancel_transaction();
        } else {
            owned->db.commit();
        }
    });
    xc_error ignored;
    xc_status closed = guard(st == XC_OK ? err : &ignored, [&] { owned->db.close(); });
    return st != XC_OK ? st : closed;
}

/* --- documents --- */

xc_status xc_doc_new(xc_doc **out, xc_error *err) {
    XC_REQUIRE(out != NULL, err);
    return guard(err, [&] {
        std::unique_ptr<xc_doc> d(new xc_doc{});
        return hand_out(d, out);
    });
}

xc_status xc_doc_add_posting(xc_doc *d, const char *term, uint32_t pos, uint32_t wdf_inc, xc_error *err) {
    XC_REQUIRE(d != NULL, err);
    if (xc_status st = check_term(term, __func__, err)) return st;
    return guard(err, [&] { d->doc.add_posting(term, pos, wdf_inc); });
}

xc_status xc_doc_add_term(xc_doc *d, const char *term, uint32_t wdf_inc, xc_error *err) {
    XC_REQUIRE(d != NULL, err);
    if (xc_status st = check_term(term, __func__, err)) return st;
    return guard(err, [&] { d->doc.add_term(term, wdf_inc); });
}

xc_status xc_doc_add_boolean_term(xc_doc *d, const char *term, xc_error *err) {
    XC_REQUIRE(d != NULL, err);
    if (xc_status st = check_term(term, __func__, err)) return st;
    return guard(err, [&] { d->doc.add_boolean_term(term); });
}

xc_status xc_doc_set_value(xc_doc *d, unsigned slot, const char *bytes, size_t len, xc_error *err) {
    XC_REQUIRE(d != NULL, err);
    XC_REQUIRE(bytes != NULL || len == 0, err);
    XC_REQUIRE(slot != Xapian::BAD_VALUENO, err);
    return guard(err, [&] {
        if (len) d->doc.add_value(slot, std::string(bytes, len));
        else d->doc.remove_value(slot);
    });
}

xc_status xc_doc_set_data(xc_doc *d, const char *bytes, size_t len, xc_error *err) {
    XC_REQUIRE(d != NULL, err);
    XC_REQUIRE(bytes != NULL || len == 0, err);
    return guard(err, [&] { d->doc.set_data(len ? std::string(bytes, len) : std::string()); });
}

xc_status xc_doc_get_data(const xc_doc *d, char **out, size_t *len, xc_error *err) {
    XC_REQUIRE(d != NULL, err);
    XC_REQUIRE(out != NULL, err);
    return guard(err, [&] { return copy_out(d->doc.get_data(), out, len, err); });
}

xc_status xc_doc_get_value(const xc_doc *d, unsigned slot, char **out, size_t *len, xc_error *err) {
    XC_REQUIRE(d != NULL, err);
    XC_REQUIRE(out != NULL, err);
    XC_REQUIRE(slot != Xapian::BAD_VALUENO, err);
    return guard(err, [&] { return copy_out(d->doc.get_value(slot), out, len, err); });
}

void xc_doc_free(xc_doc *d) {
    delete d;
}

size_t xc_sortable_serialise(double value, char *buf) {
    if (!buf) return 0;
    try {
        const std::string s = Xapian::sortable_serialise(value);
        std::memcpy(buf, s.data(), s.size());
        return s.size();
    } catch (...) {
        return 0;
    }
}

double xc_sortable_unserialise(const char *bytes, size_t len) {
    if (!bytes) return 0.0;
    try {
        return Xapian::sortable_unserialise(std::string(bytes, len));
    } catch (...) {
        return 0.0;
    }
}

/* --- queries --- */

namespace {

xc_status new_query(Xapian::Query &&q, xc_query **out) {
    std::unique_ptr<xc_query> made(new xc_query{std::move(q)});
    return hand_out(made, out);
}

}  // namespace

xc_status xc_query_term(const char *term, uint32_t wqf, uint32_t pos, xc_query **out, xc_error *err) {
    XC_REQUIRE(out != NULL, err);
    if (xc_status st = check_term(term, __func__, err)) return st;
    return guard(err, [&] { return new_query(Xapian::Query(term, wqf ? wqf : 1, pos), out); });
}

xc_status xc_query_match_all(xc_query **out, xc_error *err) {
    XC_REQUIRE(out != NULL, err);
    return guard(err, [&] { return new_query(Xapian::Query(Xapian::Query::MatchAll), out); });
}

xc_status xc_query_match_nothing(xc_query **out, xc_error *err) {
    XC_REQUIRE(out != NULL, err);
    return guard(err, [&] { return new_query(Xapian::Query(Xapian::Query::MatchNothing), out); });
}

xc_status xc_query_combine(xc_query_op op, xc_query *const *subs, size_t n, uint32_t window, xc_query **out,
                           xc_error *err) {
    XC_REQUIRE(out != NULL, err);
    XC_REQUIRE(subs != NULL || n == 0, err);
    const int raw_op = enum_value(op);
    Xapian::Query::op xop;
    switch (raw_op) {
        case XC_OP_AND: xop = Xapian::Query::OP_AND; break;
        case XC_OP_OR: xop = Xapian::Query::OP_OR; break;
        case XC_OP_AND_NOT: xop = Xapian::Query::OP_AND_NOT; break;
        case XC_OP_AND_MAYBE: xop = Xapian::Query::OP_AND_MAYBE; break;
        case XC_OP_FILTER: xop = Xapian::Query::OP_FILTER; break;
        case XC_OP_PHRASE: xop = Xapian::Query::OP_PHRASE; break;
        case XC_OP_NEAR: xop = Xapian::Query::OP_NEAR; break;
        case XC_OP_SYNONYM: xop = Xapian::Query::OP_SYNONYM; break;
        case XC_OP_ELITE_SET: xop = Xapian::Query::OP_ELITE_SET; break;
        case XC_OP_MAX: xop = Xapian::Query::OP_MAX; break;
        default: return fail(err, XC_ERR_INVALID, "%s: unknown operator %d", __func__, raw_op);
    }
    for (size_t i = 0; i < n; i++)
        if (!subs[i]) return fail(err, XC_ERR_INVALID, "%s: subquery %zu is NULL", __func__, i);
    return guard(err, [&] {
        std::vector<Xapian::Query> qs;
        qs.reserve(n);
        for (size_t i = 0; i < n; i++) qs.push_back(subs[i]->q);
        const bool windowed = raw_op == XC_OP_PHRASE || raw_op == XC_OP_NEAR;
        return new_query(Xapian::Query(xop, qs.begin(), qs.end(), windowed ? window : 0), out);
    });
}

xc_status xc_query_value_range(unsigned slot, const char *lo, size_t lo_len, const char *hi, size_t hi_len,
                               xc_query **out, xc_error *err) {
    XC_REQUIRE(out != NULL, err);
    XC_REQUIRE(slot != Xapian::BAD_VALUENO, err);
    return guard(err, [&] {
        if (lo && hi)
            return new_query(Xapian::Query(Xapian::Query::OP_VALUE_RANGE, slot, std::string(lo, lo_len),
                                           std::string(hi, hi_len)),
                             out);
        if (hi) return new_query(Xapian::Query(Xapian::Query::OP_VALUE_LE, slot, std::string(hi, hi_len)), out);
        // lo alone, or no bound at all: every value is >= "", and an unset value never matches.
        return new_query(
            Xapian::Query(Xapian::Query::OP_VALUE_GE, slot, lo ? std::string(lo, lo_len) : std::string()), out);
    });
}

xc_status xc_query_scale(const xc_query *q, double factor, xc_query **out, xc_error *err) {
    XC_REQUIRE(q != NULL, err);
    XC_REQUIRE(out != NULL, err);
    if (!std::isfinite(factor) || factor < 0)
        return fail(err, XC_ERR_INVALID, "%s: factor %g is not a finite number >= 0", __func__, factor);
    return guard(err, [&] {
        return new_query(Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT, q->q, factor), out);
    });
}

bool xc_query_is_empty(const xc_query *q) {
    return !q || q->q.empty();
}

char *xc_query_describe(const xc_query *q) {
    if (!q) return nullptr;
    try {
        char *s = nullptr;
        if (copy_out(q->q.get_description(), &s, nullptr, nullptr) != XC_OK) return nullptr;
        return s;
    } catch (...) {
        return nullptr;
    }
}

void xc_query_free(xc_query *q) {
    delete q;
}

/* --- searching --- */

void xc_search_opts_init(xc_search_opts *o) {
    if (!o) return;
    *o = xc_search_opts{};
    o->offset = 0;
    o->limit = 10;
    o->sort_slot = -1;
    o->tiebreak_slot = -1;
    o->docid_tiebreak_ascending = true;
}

namespace {

void set_weighting(Xapian::Enquire &enquire, const xc_search_opts &o) {
    if (o.bool_weight) {
        enquire.set_weighting_scheme(Xapian::BoolWeight());
    } else if (o.bm25_k1 == 0 && o.bm25_k2 == 0 && o.bm25_k3 == 0 && o.bm25_b == 0 && o.bm25_min_normlen == 0) {
        enquire.set_weighting_scheme(Xapian::BM25Weight());
    } else {
        enquire.set_weighting_scheme(
            Xapian::BM25Weight(o.bm25_k1, o.bm25_k2, o.bm25_k3, o.bm25_b, o.bm25_min_normlen));
    }
}

// Copies what a spy counted, so the counts outlive the spy and the C side gets plain arrays.
facet copy_facet(const Xapian::ValueCountMatchSpy &spy) {
    facet f;
    for (Xapian::TermIterator it = spy.values_begin(); it != spy.values_end(); ++it) {
        f.values.push_back(*it);
        f.counts.push_back(it.get_termfreq());
    }
    return f;
}

// A facet from counts already in value order (as every counter lists them).
facet facet_of(const std::map<std::string, uint32_t> &sorted) {
    facet f;
    for (const auto &kv : sorted) {
        f.values.push_back(kv.first);
        f.counts.push_back(kv.second);
    }
    return f;
}

// The cache of slot's values in db, read now if it is not there yet.
const value_cache &cached_values(xc_db *db, Xapian::valueno slot) {
    for (const auto &c : db->caches)
        if (c->slot == slot) return *c;
    std::unique_ptr<value_cache> c(new value_cache);
    c->slot = slot;
    c->code.assign(db->db.get_lastdocid(), 0);
    std::unordered_map<std::string, uint32_t> index;  // a few thousand distinct values at most here
    std::vector<const std::string *> first_seen;
    for (Xapian::ValueIterator it = db->db.valuestream_begin(slot); it != db->db.valuestream_end(slot); ++it) {
        Xapian::docid did = it.get_docid();
        if (did == 0 || did > c->code.size()) continue;
        auto ins = index.emplace(*it, static_cast<uint32_t>(index.size()));
        if (ins.second) first_seen.push_back(&ins.first->first);
        c->code[did - 1] = ins.first->second + 1;
    }
    // number the values in ascending order, as ValueCountMatchSpy lists them
    std::vector<uint32_t> order(first_seen.size());
    for (uint32_t i = 0; i < order.size(); i++) order[i] = i;
    std::sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) { return *first_seen[a] < *first_seen[b]; });
    std::vector<uint32_t> rank(order.size());
    c->values.reserve(order.size());
    for (uint32_t i : order) {
        rank[i] = static_cast<uint32_t>(c->values.size()) + 1;
        c->values.push_back(*first_seen[i]);
    }
    for (uint32_t &code : c->code)
        if (code) code = rank[code - 1];
    db->caches.push_back(std::move(c));
    return *db->caches.back();
}

// Counts the values of a slot over the match set from a value_cache: a look-up in memory per
// matching document instead of reading its value from the index. It cannot be sent to
// xapian-tcpsrv (it has no name or serialisation), so remote shards keep ValueCountMatchSpy.
class CachedCountSpy : public Xapian::MatchSpy {
  public:
    explicit CachedCountSpy(const value_cache &c) : cache(c), counts(c.values.size() + 1, 0) {}
    void operator()(const Xapian::Document &doc, double) override {
        Xapian::docid did = doc.get_docid();
        if (did - 1 < cache.code.size()) {
            ++counts[cache.code[did - 1]];
        } else {
            // not in the cache: cannot happen while the handle stays at the revision it was read
            // from, but reading the value is always right
            std::string v = doc.get_value(cache.slot);
            if (!v.empty()) ++extra[v];
        }
    }
    facet result() const {
        facet f;
        if (extra.empty()) {
            for (size_t i = 0; i < cache.values.size(); i++) {
                if (!counts[i + 1]) continue;
                f.values.push_back(cache.values[i]);
                f.counts.push_back(counts[i + 1]);
            }
            return f;
        }
        std::map<std::string, uint32_t> all(extra);
        for (size_t i = 0; i < cache.values.size(); i++)
            if (counts[i + 1]) all[cache.values[i]] += counts[i + 1];
        return facet_of(all);
    }

  private:
    const value_cache &cache;
    std::vector<uint32_t> counts;  // by code; counts[0] (no value) is not reported
    std::map<std::string, uint32_t> extra;
};

// Counts the values of a slot over the match set of a single local shard by walking the slot's
// value stream alongside the match (Xapian hands a spy the matches in ascending docid order),
// which costs less per match than ValueCountMatchSpy's reading through the document. Like the
// cached counter, it cannot be sent to xapian-tcpsrv nor tell the shards of a multi-database apart.
class StreamCountSpy : public Xapian::MatchSpy {
  public:
    StreamCountSpy(const Xapian::Database &d, Xapian::valueno s)
        : db(d), slot(s), it(d.valuestream_begin(s)), end(d.valuestream_end(s)) {}
    void operator()(const Xapian::Document &doc, double) override {
        Xapian::docid did = doc.get_docid();
        if (it != end && it.get_docid() > did) it = db.valuestream_begin(slot);  // never seen; be safe
        if (it != end && it.get_docid() < did) it.skip_to(did);
        if (it != end && it.get_docid() == did) ++counts[*it];
    }
    facet result() const { return facet_of(std::map<std::string, uint32_t>(counts.begin(), counts.end())); }

  private:
    Xapian::Database db;
    Xapian::valueno slot;
    Xapian::ValueIterator it, end;
    std::unordered_map<std::string, uint32_t> counts;
};

// One facet's counter in a search: the spy Xapian runs, and how its counts are read afterwards.
struct facet_counter {
    std::unique_ptr<Xapian::MatchSpy> spy;
    std::function<facet()> result;
};

}  // namespace

xc_status xc_search(xc_db *db, const xc_query *q, const xc_search_opts *opts, xc_mset **out, xc_error *err) {
    XC_REQUIRE(db != NULL, err);
    XC_REQUIRE(q != NULL, err);
    XC_REQUIRE(out != NULL, err);
    xc_search_opts defaults;
    xc_search_opts_init(&defaults);
    const xc_search_opts &o = opts ? *opts : defaults;
    XC_REQUIRE(o.sort_slot >= -1, err);
    XC_REQUIRE(o.tiebreak_slot >= -1, err);
    XC_REQUIRE(o.facet_slots != NULL || o.n_facet_slots == 0, err);
    // Xapian would quietly clamp parameters out of range (negative to 0, b to [0, 1]).
    XC_REQUIRE(o.bm25_k1 >= 0 && o.bm25_k2 >= 0 && o.bm25_k3 >= 0, err);
    XC_REQUIRE(o.bm25_b >= 0 && o.bm25_b <= 1 && o.bm25_min_normlen >= 0, err);
    return guard(err, [&] {
        // Declared before the mset that holds the Enquire, so they outlive it.
        std::vector<facet_counter> counters;  // in slot order
        std::unique_ptr<xc_mset> m(new xc_mset);
        if (db->shards == 0) {
            m->facets.resize(o.n_facet_slots);
            return hand_out(m, out);
        }
        m->enquire.reset(new Xapian::Enquire(db->db));
        Xapian::Enquire &enquire = *m->enquire;
        enquire.set_query(q->q);
        set_weighting(enquire, o);
        enquire.set_docid_order(o.docid_tiebreak_ascending ? Xapian::Enquire::ASCENDING
                                                           : Xapian::Enquire::DESCENDING);
        if (o.sort_slot >= 0 && o.tiebreak_slot >= 0) {
            // one key of two values. Xapian 1.4 cannot send a KeyMaker to a remote shard: the
            // search then fails with UnimplementedError (XC_ERR_XAPIAN)
            auto *keys = new Xapian::MultiValueKeyMaker();
            keys->add_value(static_cast<Xapian::valueno>(o.sort_slot), o.sort_descending);
            keys->add_value(static_cast<Xapian::valueno>(o.tiebreak_slot), false);
            enquire.set_sort_by_key_then_relevance(keys->release(), false);
        } else if (o.sort_slot >= 0) {
            enquire.set_sort_by_value_then_relevance(static_cast<Xapian::valueno>(o.sort_slot), o.sort_descending);
        } else if (o.tiebreak_slot >= 0) {
            enquire.set_sort_by_relevance_then_value(static_cast<Xapian::valueno>(o.tiebreak_slot), false);
        }
        // Xapian 1.4 counts some documents of remote shards twice in its match spies when the
        // order is not by relevance alone (they are counted by the server, and again here when
        // they sort below the page). Then the facets and the totals are counted in a pass of their
        // own, by relevance and without a page, and the page is found without spies, looking no
        // further than it needs.
        bool count_apart = db->remotes > 0 && o.n_facet_slots > 0 && (o.sort_slot >= 0 || o.tiebreak_slot >= 0);
        std::unique_ptr<Xapian::Enquire> counter;
        if (count_apart) {
            counter.reset(new Xapian::Enquire(db->db));
            counter->set_query(q->q);
            set_weighting(*counter, o);
        }
        // One shard only: a match spy over several is handed each document with its number in
        // its own shard, which the cache, numbered across shards, cannot tell apart.
        // (A stub file naming several databases opens as one shard here: ask Xapian.)
        bool single = db->remotes == 0 && db->db.size() == 1;
        for (size_t k = 0; k < o.n_facet_slots; k++) {
            Xapian::valueno slot = o.facet_slots[k];
            facet_counter c;
            if (single && o.facet_cache) {
                auto *spy = new CachedCountSpy(cached_values(db, slot));
                c.spy.reset(spy);
                c.result = [spy] { return spy->result(); };
            } else if (single) {
                auto *spy = new StreamCountSpy(db->db, slot);
                c.spy.reset(spy);
                c.result = [spy] { return spy->result(); };
            } else {
                auto *spy = new Xapian::ValueCountMatchSpy(slot);
                c.spy.reset(spy);
                c.result = [spy] { return copy_facet(*spy); };
            }
            (counter ? *counter : enquire).add_matchspy(c.spy.get());  // no counter when single
            counters.push_back(std::move(c));
        }
        Xapian::MSet counted;
        if (counter) {
            counted = counter->get_mset(0, 0, o.check_at_least);
            counter->clear_matchspies();
        }

        m->mset = enquire.get_mset(o.offset, o.limit, counter ? 0 : o.check_at_least);

        m->docids.reserve(m->mset.size());
        m->weights.reserve(m->mset.size());
        for (Xapian::MSetIterator it = m->mset.begin(); it != m->mset.end(); ++it) {
            m->docids.push_back(*it);
            m->weights.push_back(it.get_weight());
        }
        const Xapian::MSet &totals = counter ? counted : m->mset;
        m->estimated = totals.get_matches_estimated();
        m->lower_bound = totals.get_matches_lower_bound();
        m->upper_bound = totals.get_matches_upper_bound();
        m->facets.reserve(o.n_facet_slots);
        for (const auto &c : counters) m->facets.push_back(c.result());
        enquire.clear_matchspies();
        return hand_out(m, out);
    });
}

uint32_t xc_mset_size(const xc_mset *m) {
    return m ? static_cast<uint32_t>(m->docids.size()) : 0;
}

uint32_t xc_mset_matches_estimated(const xc_mset *m) {
    return m ? m->estimated : 0;
}

uint32_t xc_mset_matches_lower_bound(const xc_mset *m) {
    return m ? m->lower_bound : 0;
}

uint32_t xc_mset_matches_upper_bound(const xc_mset *m) {
    return m ? m->upper_bound : 0;
}

namespace {

xc_status check_index(const xc_mset *m, uint32_t i, const char *func, xc_error *err) {
    if (!m) return fail_invalid(err, func, "mset is NULL");
    if (i >= m->docids.size())
        return fail(err, XC_ERR_INVALID, "%s: index %u out of range (page has %zu results)", func, i,
                    m->docids.size());
    return XC_OK;
}

}  // namespace

xc_status xc_mset_docid(const xc_mset *m, uint32_t i, uint32_t *docid, xc_error *err) {
    XC_REQUIRE(docid != NULL, err);
    if (xc_status st = check_index(m, i, __func__, err)) return st;
    *docid = m->docids[i];
    return XC_OK;
}

xc_status xc_mset_weight(const xc_mset *m, uint32_t i, double *weight, xc_error *err) {
    XC_REQUIRE(weight != NULL, err);
    if (xc_status st = check_index(m, i, __func__, err)) return st;
    *weight = m->weights[i];
    return XC_OK;
}

xc_status xc_mset_document(const xc_mset *m, uint32_t i, xc_doc **out, xc_error *err) {
    XC_REQUIRE(out != NULL, err);
    if (xc_status st = check_index(m, i, __func__, err)) return st;
    return guard(err, [&] {
        std::unique_ptr<xc_doc> d(new xc_doc{m->mset[i].get_document()});
        return hand_out(d, out);
    });
}

size_t xc_mset_facet_size(const xc_mset *m, size_t k) {
    if (!m || k >= m->facets.size()) return 0;
    return m->facets[k].values.size();
}

xc_status xc_mset_facet_get(const xc_mset *m, size_t k, size_t i, const char **value, size_t *len, uint32_t *count,
                            xc_error *err) {
    XC_REQUIRE(m != NULL, err);
    XC_REQUIRE(value != NULL, err);
    XC_REQUIRE(count != NULL, err);
    if (k >= m->facets.size())
        return fail(err, XC_ERR_INVALID, "%s: facet %zu out of range (%zu facets)", __func__, k, m->facets.size());
    const facet &f = m->facets[k];
    if (i >= f.values.size())
        return fail(err, XC_ERR_INVALID, "%s: value %zu out of range (facet %zu has %zu values)", __func__, i, k,
                    f.values.size());
    *value = f.values[i].c_str();
    if (len) *len = f.values[i].size();
    *count = f.counts[i];
    return XC_OK;
}

void xc_mset_free(xc_mset *m) {
    delete m;
}

