// Read-only databases (xc_db): opening one shard or none, adding local, remote and already open
// shards, reopening, and what can be read from them without a search (counts, terms, metadata,
// stored documents).

#include "xapian-c/internal.h"

#include <xapian.h>

#include <memory>
#include <string>

using namespace xc_internal;

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
