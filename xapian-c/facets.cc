// Facet counters: the match spies that count the values of a slot over a search's match set, and
// the cache of a slot's values that the fastest of them reads (xc_search_opts.facet_cache).

#include "xapian-c/internal.h"

#include <xapian.h>

#include <algorithm>
#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

using namespace xc_internal;

namespace {

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

}  // namespace

facet_counter xc_internal::new_facet_counter(xc_db *db, Xapian::valueno slot, bool use_cache) {
    // One shard only: a match spy over several is handed each document with its number in
    // its own shard, which the cache, numbered across shards, cannot tell apart.
    // (A stub file naming several databases opens as one shard here: ask Xapian.)
    const bool single = db->remotes == 0 && db->db.size() == 1;
    facet_counter c;
    if (single && use_cache) {
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
    return c;
}
