// Searching (xc_search): an Enquire over a database with the caller's weighting, order and facet
// counters, and the result sets (xc_mset) that hold a page of results and the facet counts.

#include "xapian-c/internal.h"

#include <xapian.h>

#include <memory>
#include <vector>

using namespace xc_internal;

// Owns the Enquire and MSet of a search, and copies of what the C side reads from them.
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

// BoolWeight, Xapian's BM25 defaults, or BM25 with the five parameters o gives.
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

// An Enquire running q over db, weighted as o says, in Xapian's order (relevance, then docid
// ascending) and without spies.
std::unique_ptr<Xapian::Enquire> new_enquire(const xc_db *db, const xc_query *q, const xc_search_opts &o) {
    std::unique_ptr<Xapian::Enquire> enquire(new Xapian::Enquire(db->db));
    enquire->set_query(q->q);
    set_weighting(*enquire, o);
    return enquire;
}

// The order of the results: relevance ties by docid as o says, then by value slots if o names any.
void set_order(Xapian::Enquire &enquire, const xc_search_opts &o) {
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
}

// Xapian 1.4 counts some documents of remote shards twice in its match spies when the order is
// not by relevance alone (they are counted by the server, and again here when they sort below the
// page). Then the facets and the totals are counted in a pass of their own, by relevance and
// without a page, and the page is found without spies, looking no further than it needs.
bool facets_counted_apart(const xc_db *db, const xc_search_opts &o) {
    return db->remotes > 0 && o.n_facet_slots > 0 && (o.sort_slot >= 0 || o.tiebreak_slot >= 0);
}

// Adds to counting, the Enquire whose match is counted, a counter for every facet slot of o, in
// slot order. counters owns them and must outlive counting's matches.
void add_facet_counters(xc_db *db, const xc_search_opts &o, Xapian::Enquire &counting,
                        std::vector<facet_counter> &counters) {
    for (size_t k = 0; k < o.n_facet_slots; k++) {
        counters.push_back(new_facet_counter(db, o.facet_slots[k], o.facet_cache));
        counting.add_matchspy(counters.back().spy.get());
    }
}

// Copies the page's docids and weights out of m's MSet, for xc_mset_docid and xc_mset_weight.
void copy_page(xc_mset &m) {
    m.docids.reserve(m.mset.size());
    m.weights.reserve(m.mset.size());
    for (Xapian::MSetIterator it = m.mset.begin(); it != m.mset.end(); ++it) {
        m.docids.push_back(*it);
        m.weights.push_back(it.get_weight());
    }
}

// Copies the estimated number of matches and its bounds from the MSet that counted them.
void copy_totals(const Xapian::MSet &totals, xc_mset &m) {
    m.estimated = totals.get_matches_estimated();
    m.lower_bound = totals.get_matches_lower_bound();
    m.upper_bound = totals.get_matches_upper_bound();
}

// Copies what every counter counted, in slot order.
void copy_facets(const std::vector<facet_counter> &counters, xc_mset &m) {
    m.facets.reserve(counters.size());
    for (const auto &c : counters) m.facets.push_back(c.result());
}

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
        m->enquire = new_enquire(db, q, o);
        Xapian::Enquire &enquire = *m->enquire;
        set_order(enquire, o);
        std::unique_ptr<Xapian::Enquire> counter;  // the pass of its own, when the facets need one
        if (facets_counted_apart(db, o)) counter = new_enquire(db, q, o);
        add_facet_counters(db, o, counter ? *counter : enquire, counters);
        Xapian::MSet counted;
        if (counter) {
            counted = counter->get_mset(0, 0, o.check_at_least);
            counter->clear_matchspies();
        }

        m->mset = enquire.get_mset(o.offset, o.limit, counter ? 0 : o.check_at_least);

        copy_page(*m);
        copy_totals(counter ? counted : m->mset, *m);
        copy_facets(counters, *m);
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

