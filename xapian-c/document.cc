// Documents (xc_doc): building one for a writer, reading what a stored one holds, and the
// sortable serialisation of numbers that values are compared by.

#include "xapian-c/internal.h"

#include <xapian.h>

#include <cstring>
#include <memory>
#include <string>

using namespace xc_internal;

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
