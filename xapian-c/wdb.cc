// Writable databases (xc_wdb): opening with the write lock, adding, replacing and deleting
// documents, metadata, transactions, commits, what a writer reads back, compaction, and closing.

#include "xapian-c/internal.h"

#include <xapian.h>

#include <memory>
#include <string>

using namespace xc_internal;

struct xc_wdb {
    Xapian::WritableDatabase db;
    // Xapian 1.4 cannot tell whether a transaction is open; close needs to know, to cancel it
    // rather than commit.
    bool in_transaction = false;
};

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
