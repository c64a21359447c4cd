// The boundary between C and Xapian: error reports (what guard() turns an exception into), the
// argument checks and copies that every entry point shares, the fault trap (xc_trap_faults) and
// the status names. guard() itself is a template in internal.h.

#include "xapian-c/internal.h"

#include <signal.h>
#include <setjmp.h>

#include <atomic>
#include <cerrno>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <new>
#include <string>

using namespace xc_internal;

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

}  // namespace

xc_status xc_internal::fail(xc_error *err, xc_status status, const char *fmt, ...) {
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

// Xapian::Error has no virtual functions, so its class can only be told by catching: the
// handlers go from the most derived class to the least, as several of these derive from one
// another.
xc_status xc_internal::fail_current(xc_error *err) {
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

xc_status xc_internal::fail_invalid(xc_error *err, const char *func, const char *what) {
    return fail(err, XC_ERR_INVALID, "%s: %s", func, what);
}

xc_status xc_internal::check_term(const char *term, const char *func, xc_error *err) {
    if (!term) return fail_invalid(err, func, "term is NULL");
    size_t len = std::strlen(term);
    if (len == 0) return fail_invalid(err, func, "term is empty");
    if (len > XC_TERM_MAX)
        return fail(err, XC_ERR_INVALID, "%s: term of %zu bytes is longer than the %d bytes Xapian can store",
                    func, len, XC_TERM_MAX);
    return XC_OK;
}

xc_status xc_internal::copy_out(const std::string &s, char **out, size_t *len, xc_error *err) {
    char *p = static_cast<char *>(std::malloc(s.size() + 1));
    if (!p) return fail(err, XC_ERR_NOMEM, "out of memory copying %zu bytes", s.size());
    std::memcpy(p, s.data(), s.size());
    p[s.size()] = '\0';
    *out = p;
    if (len) *len = s.size();
    return XC_OK;
}

// ---- the fault trap (xc_trap_faults) ----

std::atomic<bool> xc_internal::trap_on{false};
std::atomic<bool> xc_internal::trapped{false};
thread_local sigjmp_buf *xc_internal::trap_armed = nullptr;

namespace {

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

}  // namespace

xc_status xc_internal::fail_trapped(xc_error *err) {
    return fail(err, XC_ERR_CORRUPT,
                "reading the index crashed inside Xapian: a table is damaged (xapian-check names it)");
}

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

extern "C" bool xc_faulted(void) {
    return trapped.load();
}

// ---- status names ----

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
