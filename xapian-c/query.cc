// Queries (xc_query): immutable trees of terms, operators, value ranges and weight scales.

#include "xapian-c/internal.h"

#include <xapian.h>

#include <cmath>
#include <memory>
#include <string>
#include <utility>
#include <vector>

using namespace xc_internal;

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

xc_status xc_query_constant(const xc_query *q, double weight, xc_query **out, xc_error *err) {
    XC_REQUIRE(q != NULL, err);
    XC_REQUIRE(out != NULL, err);
    if (!std::isfinite(weight) || weight < 0)
        return fail(err, XC_ERR_INVALID, "%s: weight %g is not a finite number >= 0", __func__, weight);
    return guard(err, [&] {
        // release(): the query owns the source from here on (Xapian's reference counting)
        Xapian::Query fixed((new Xapian::FixedWeightPostingSource(weight))->release());
        return new_query(Xapian::Query(Xapian::Query::OP_AND, Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT, q->q, 0.0),
                                       fixed),
                         out);
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
