/* xapian-floor: the least Xapian does for kyotei's agreements — the floor Xapian sets under any
 * Xapian-based kyotei's build time and index size.
 *
 * Reads agreement CSV (the bundled corpus's header), tokenizes the five columns kyotei indexes
 * (title, description, partner, municipality, fields) with MeCab and IPADIC as mecab-floor does,
 * and writes a Xapian database holding as little as the flags allow: by default each MeCab word's
 * surface once per occurrence (symbols left out, as kyotei's tokenizer does), no positions, no
 * termlists (DB_NO_TERMLIST), no document data, no values, no prefixes, then a compaction.
 *
 *   xapian-floor [options] --out DIR FILE
 *     --dicdir DIR        IPADIC UTF-8 (default: the build's)
 *     --flush N           commit every N documents per database (default 1000, as kyotei-index:
 *                         the fastest measured; Xapian's automatic flush is put just past it, so
 *                         these commits are the only ones)
 *     --positions         words with their positions (add_posting), for phrases
 *     --values            the two facet values kyotei counts (country, fields) in slots 1 and 2
 *     --termlists         keep the termlists (what updates and deletions need)
 *     --data              store each row's cells as the document's data (joined by U+001F): the
 *                         least a result page needs, where kyotei stores a JSON record
 *     --threads T         T threads, each writing its own databases; block k of documents goes to
 *                         thread k % T, as in kyotei-index; the parts are merged by compaction
 *     --block N           documents per block (default 1000)
 *     --segment N         start a new database every N documents per thread (default: never)
 *     --inline            tokenize on the writing threads (MeCab + Xapian, as an indexer runs);
 *                         without it MeCab runs first on one thread, timed apart, so that the
 *                         writing is Xapian alone
 *     --dangerous         DB_DANGEROUS (update in place, no new revision per commit)
 *     --compact LEVEL     standard, full (default, kyotei's) or fuller
 *     --no-compact        with a single database, leave it as written
 *
 * Prints one line of "name value" pairs: rows, tokens (words indexed), postings (each document's
 * distinct words, summed: the posting-list entries), words (distinct; 0 with --inline), parts,
 * then seconds of wall and of processor for each phase (read: CSV and, without --inline, MeCab;
 * write: documents to Xapian, commits included, with the processor time spent in commits given
 * apart; compact; xapian: write + compact; total: the whole process), peak resident MB and bytes
 * on disk of DIR.
 * Exit status 0, or 2 on an error (a message on stderr). DIR is replaced.
 */
#include <csv.h>
#include <mecab.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <xapian.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <unordered_map>
#include <utility>
#include <vector>

#ifndef KYOTEI_IPADIC_DIR
#error "KYOTEI_IPADIC_DIR must be defined by the build"
#endif

namespace fs = std::filesystem;

namespace {

const char *const text_columns[] = {"title", "description", "partner", "municipality", "fields"};
constexpr size_t n_text = sizeof text_columns / sizeof text_columns[0];
constexpr size_t max_cells = 64;
constexpr Xapian::termpos column_gap = 100;  // no phrase spans two columns

struct options {
    const char *dicdir = KYOTEI_IPADIC_DIR;
    const char *out = nullptr;
    const char *file = nullptr;
    unsigned long flush = 1000;
    unsigned long segment = 0;
    unsigned long block = 1000;  // the unit handed to a thread, as kyotei-index's batches
    unsigned long threads = 1;
    bool positions = false, values = false, termlists = false, data = false, inlined = false, dangerous = false;
    bool compact = true;
    int level = Xapian::Compactor::FULL;
};

/* One agreement as read: its five text cells (for --inline) or its words as indexes into the
 * vocabulary, 0 marking the end of a column (the pre-tokenized form); its two facets; with --data,
 * its stored record. */
struct row {
    std::string text[n_text];
    std::vector<unsigned> words;
    std::string country, fields, record;
};

struct clock_pair {
    double wall, cpu;
};

double now_wall()
{
    timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return double(t.tv_sec) + double(t.tv_nsec) / 1e9;
}

double now_cpu(clockid_t which)
{
    timespec t;
    clock_gettime(which, &t);
    return double(t.tv_sec) + double(t.tv_nsec) / 1e9;
}

clock_pair now() { return {now_wall(), now_cpu(CLOCK_PROCESS_CPUTIME_ID)}; }

clock_pair since(const clock_pair &t0)
{
    clock_pair t = now();
    return {t.wall - t0.wall, t.cpu - t0.cpu};
}

/* MeCab with a model of its own: one per thread, as kyotei-index has a lexicon per thread, so that
 * the floor's threads share nothing that kyotei's do not. */
struct tagger {
    mecab_model_t *model = nullptr;
    mecab_t *m = nullptr;
    mecab_lattice_t *lattice = nullptr;
    explicit tagger(const char *dicdir)
    {
        // the dictionary's own dicrc: the system's mecabrc may name another dictionary
        std::string rc = std::string(dicdir) + "/dicrc";
        const char *margv[] = {"xapian-floor", "-r", rc.c_str(), "-d", dicdir};
        model = mecab_model_new(5, const_cast<char **>(margv));
        if (!model)
            throw std::runtime_error(std::string("cannot load ") + dicdir + ": " + mecab_strerror(nullptr));
        m = mecab_model_new_tagger(model);
        lattice = mecab_model_new_lattice(model);
        if (!m || !lattice) {
            release();
            throw std::runtime_error("cannot make a MeCab tagger");
        }
    }
    ~tagger() { release(); }
    tagger(const tagger &) = delete;
    tagger &operator=(const tagger &) = delete;

    void release()
    {
        if (lattice)
            mecab_lattice_destroy(lattice);
        if (m)
            mecab_destroy(m);
        if (model)
            mecab_model_destroy(model);
    }

    /* Calls f(surface, length) for every word of text that is not a symbol. */
    template <class F> void words(const std::string &text, F f)
    {
        if (text.empty())
            return;
        mecab_lattice_set_sentence2(lattice, text.data(), text.size());
        if (!mecab_parse_lattice(m, lattice))
            throw std::runtime_error(std::string("MeCab: ") + mecab_lattice_strerror(lattice));
        for (const mecab_node_t *n = mecab_lattice_get_bos_node(lattice); n; n = n->next) {
            if (n->stat == MECAB_BOS_NODE || n->stat == MECAB_EOS_NODE || n->length == 0)
                continue;
            // kyotei's tokenizer leaves punctuation and other symbols out of the index too; ASCII
            // ones reach MeCab as unknown nouns, IPADIC knowing only their full-width forms
            if (std::strncmp(n->feature, "記号", std::strlen("記号")) == 0 ||
                std::all_of(n->surface, n->surface + n->length, [](char c) { return std::ispunct((unsigned char)c); }))
                continue;
            f(n->surface, size_t(n->length));
        }
    }
};

/* Every row of the CSV, with (unless --inline) its words, tokenized here on one thread. */
struct reader {
    tagger *tag;  // null with --inline: the text is kept for the writing threads
    bool keep_record = false;
    std::vector<row> rows;
    std::vector<std::string> vocab{std::string()};  // index 0: the end of a column
    std::unordered_map<std::string, unsigned> ids;
    unsigned long long tokens = 0;
    std::string cell[max_cells];
    size_t n_cells = 0;
    bool header_done = false;
    int text_at[n_text], country_at = -1, fields_at = -1;

    unsigned intern(const char *s, size_t len)
    {
        auto [it, added] = ids.try_emplace(std::string(s, len), unsigned(vocab.size()));
        if (added)
            vocab.push_back(it->first);
        return it->second;
    }

    void end_row()
    {
        if (!header_done) {
            for (size_t k = 0; k < n_text; k++)
                text_at[k] = -1;
            for (size_t i = 0; i < n_cells; i++) {
                for (size_t k = 0; k < n_text; k++)
                    if (cell[i] == text_columns[k])
                        text_at[k] = int(i);
                if (cell[i] == "country")
                    country_at = int(i);
                if (cell[i] == "fields")
                    fields_at = int(i);
            }
            header_done = true;
            n_cells = 0;
            return;
        }
        row r;
        auto get = [&](int at) { return at >= 0 && size_t(at) < n_cells ? cell[at] : std::string(); };
        r.country = get(country_at);
        r.fields = get(fields_at);
        for (size_t i = 0; keep_record && i < n_cells; i++) {
            if (i)
                r.record += '\x1f';
            r.record += cell[i];
        }
        for (size_t k = 0; k < n_text; k++) {
            if (!tag) {
                r.text[k] = get(text_at[k]);
                continue;
            }
            tag->words(get(text_at[k]), [&](const char *s, size_t len) {
                r.words.push_back(intern(s, len));
                tokens++;
            });
            r.words.push_back(0);
        }
        rows.push_back(std::move(r));
        n_cells = 0;
    }
};

void on_cell(void *data, size_t len, void *ctx)
{
    reader *rd = static_cast<reader *>(ctx);
    if (rd->n_cells < max_cells)
        rd->cell[rd->n_cells++].assign(static_cast<const char *>(data), len);
}

void on_row_end(int, void *ctx) { static_cast<reader *>(ctx)->end_row(); }

void read_csv(reader &rd, const char *path)
{
    FILE *fp = std::fopen(path, "rb");
    if (!fp)
        throw std::runtime_error(std::string(path) + ": " + std::strerror(errno));
    csv_parser p;
    if (csv_init(&p, CSV_APPEND_NULL) != 0) {
        std::fclose(fp);
        throw std::runtime_error("cannot start the CSV parser");
    }
    std::vector<char> buf(1 << 16);
    size_t got;
    std::string failed;
    try {
        while ((got = std::fread(buf.data(), 1, buf.size(), fp)) > 0)
            if (csv_parse(&p, buf.data(), got, on_cell, on_row_end, &rd) != got) {
                failed = std::string(path) + ": " + csv_strerror(csv_error(&p));
                break;
            }
        if (failed.empty())
            csv_fini(&p, on_cell, on_row_end, &rd);
    } catch (...) {
        csv_free(&p);
        std::fclose(fp);
        throw;
    }
    csv_free(&p);
    std::fclose(fp);
    if (!failed.empty())
        throw std::runtime_error(failed);
}

/* What one writing thread did; its databases are parts[0..]. */
struct writer_result {
    std::vector<std::string> parts;
    double commit_cpu = 0;
    unsigned long long tokens = 0, postings = 0;
    std::string error;
};

/* Adds one document's words to doc, from the vocabulary or straight from MeCab. */
struct doc_builder {
    const options &o;
    const std::vector<std::string> &vocab;
    tagger *tag;  // with --inline
    std::string word;

    void add(Xapian::Document &doc, const std::string &w, Xapian::termpos pos)
    {
        if (o.positions)
            doc.add_posting(w, pos);
        else
            doc.add_term(w);
    }

    unsigned long long build(Xapian::Document &doc, const row &r)
    {
        unsigned long long n = 0;
        Xapian::termpos pos = 0;
        if (tag) {
            for (size_t k = 0; k < n_text; k++) {
                tag->words(r.text[k], [&](const char *s, size_t len) {
                    word.assign(s, len);
                    add(doc, word, ++pos);
                    n++;
                });
                pos += column_gap;
            }
        } else {
            for (unsigned id : r.words) {
                if (id == 0) {
                    pos += column_gap;
                    continue;
                }
                add(doc, vocab[id], ++pos);
                n++;
            }
        }
        if (o.values) {
            doc.add_value(1, r.country);
            doc.add_value(2, r.fields);
        }
        if (o.data)
            doc.set_data(r.record);
        return n;
    }
};

std::string part_path(const options &o, unsigned t, unsigned k)
{
    return std::string(o.out) + ".parts/part-" + std::to_string(t) + "-" + std::to_string(k);
}

/* Thread t's share of the rows; tag is that thread's own tagger with --inline, else null. */
void write_thread(const options &o, const reader &rd, tagger *tag, unsigned t, writer_result &res)
{
    try {
        doc_builder b{o, rd.vocab, tag, {}};
        int flags = Xapian::DB_CREATE_OR_OVERWRITE | Xapian::DB_NO_SYNC;
        if (!o.termlists)
            flags |= Xapian::DB_NO_TERMLIST;
        if (o.dangerous)
            flags |= Xapian::DB_DANGEROUS;
        std::unique_ptr<Xapian::WritableDatabase> db;
        unsigned long in_segment = 0, since_commit = 0;
        auto commit = [&] {
            double c0 = now_cpu(CLOCK_THREAD_CPUTIME_ID);
            db->commit();
            res.commit_cpu += now_cpu(CLOCK_THREAD_CPUTIME_ID) - c0;
        };
        for (size_t first = size_t(t) * o.block; first < rd.rows.size(); first += size_t(o.threads) * o.block) {
            size_t end = std::min(first + o.block, rd.rows.size());
            for (size_t i = first; i < end; i++) {
                if (!db || (o.segment && in_segment >= o.segment)) {
                    if (db) {
                        commit();
                        db->close();
                    }
                    res.parts.push_back(part_path(o, t, unsigned(res.parts.size())));
                    db = std::make_unique<Xapian::WritableDatabase>(res.parts.back(), flags);
                    in_segment = since_commit = 0;
                }
                Xapian::Document doc;
                res.tokens += b.build(doc, rd.rows[i]);
                res.postings += doc.termlist_count();
                db->add_document(doc);
                in_segment++;
                if (++since_commit >= o.flush) {
                    commit();
                    since_commit = 0;
                }
            }
        }
        if (db) {
            commit();
            db->close();
        }
    } catch (const Xapian::Error &e) {
        res.error = e.get_description();
    } catch (const std::exception &e) {
        res.error = e.what();
    }
}

unsigned long long disk_usage(const fs::path &dir)
{
    unsigned long long total = 0;
    for (const auto &e : fs::recursive_directory_iterator(dir)) {
        struct stat st;
        if (lstat(e.path().c_str(), &st) == 0 && S_ISREG(st.st_mode))
            total += (unsigned long long)st.st_blocks * 512;
    }
    return total;
}

unsigned long parse_count(const char *flag, const char *s)
{
    char *end;
    errno = 0;
    unsigned long v = std::strtoul(s, &end, 10);
    if (errno || *end || !*s || v == 0)
        throw std::runtime_error(std::string(flag) + " wants a positive number, not '" + s + "'");
    return v;
}

options parse_args(int argc, char **argv)
{
    options o;
    for (int i = 1; i < argc; i++) {
        std::string a = argv[i];
        auto value = [&]() -> const char * {
            if (i + 1 >= argc)
                throw std::runtime_error(a + " wants a value");
            return argv[++i];
        };
        const std::pair<const char *, bool *> switches[] = {
            {"--positions", &o.positions}, {"--values", &o.values}, {"--termlists", &o.termlists},
            {"--data", &o.data}, {"--inline", &o.inlined}, {"--dangerous", &o.dangerous}};
        const std::pair<const char *, unsigned long *> counts[] = {
            {"--flush", &o.flush}, {"--segment", &o.segment}, {"--block", &o.block}, {"--threads", &o.threads}};
        auto is = [&](const auto &entry) { return a == entry.first; };
        if (auto sw = std::find_if(std::begin(switches), std::end(switches), is); sw != std::end(switches))
            *sw->second = true;
        else if (auto n = std::find_if(std::begin(counts), std::end(counts), is); n != std::end(counts))
            *n->second = parse_count(n->first, value());
        else if (a == "--dicdir")
            o.dicdir = value();
        else if (a == "--out")
            o.out = value();
        else if (a == "--no-compact")
            o.compact = false;
        else if (a == "--compact") {
            std::string l = value();
            if (l == "standard")
                o.level = Xapian::Compactor::STANDARD;
            else if (l == "full")
                o.level = Xapian::Compactor::FULL;
            else if (l == "fuller")
                o.level = Xapian::Compactor::FULLER;
            else
                throw std::runtime_error("--compact: standard, full or fuller, not '" + l + "'");
        } else if (a.size() > 1 && a[0] == '-')
            throw std::runtime_error("unknown option " + a);
        else if (!o.file)
            o.file = argv[i];
        else
            throw std::runtime_error("one input file only");
    }
    if (!o.out || !o.file)
        throw std::runtime_error("Usage: xapian-floor [options] --out DIR FILE (see the source's header)");
    return o;
}

int run(int argc, char **argv)
{
    clock_pair start = now();
    options o = parse_args(argc, argv);
    // Xapian flushes on its own, inside add_document, every XAPIAN_FLUSH_THRESHOLD documents: one
    // past --flush leaves the explicit commits as the only rhythm, and their cost where it is timed.
    setenv("XAPIAN_FLUSH_THRESHOLD", std::to_string(o.flush + 1).c_str(), 1);

    // one tagger per writing thread with --inline, else one for the reading; loaded here, as
    // kyotei-index loads its lexicons before it starts its threads
    std::vector<std::unique_ptr<tagger>> taggers;
    for (unsigned long t = 0; t < (o.inlined ? o.threads : 1); t++)
        taggers.push_back(std::make_unique<tagger>(o.dicdir));
    reader rd;
    rd.tag = o.inlined ? nullptr : taggers[0].get();
    rd.keep_record = o.data;
    read_csv(rd, o.file);
    clock_pair read = since(start);
    auto tagger_of = [&](unsigned t) { return o.inlined ? taggers[t].get() : nullptr; };

    fs::remove_all(o.out);
    fs::remove_all(std::string(o.out) + ".parts");
    fs::create_directories(std::string(o.out) + ".parts");

    clock_pair w0 = now();
    std::vector<writer_result> results(o.threads);
    if (o.threads == 1) {
        write_thread(o, rd, tagger_of(0), 0, results[0]);
    } else {
        std::vector<std::thread> threads;
        for (unsigned t = 0; t < o.threads; t++)
            threads.emplace_back(write_thread, std::cref(o), std::cref(rd), tagger_of(t), t, std::ref(results[t]));
        for (auto &th : threads)
            th.join();
    }
    clock_pair write = since(w0);
    std::vector<std::string> parts;
    double commit_cpu = 0;
    unsigned long long tokens = rd.tokens, postings = 0;
    for (const auto &r : results) {
        if (!r.error.empty())
            throw std::runtime_error(r.error);
        parts.insert(parts.end(), r.parts.begin(), r.parts.end());
        commit_cpu += r.commit_cpu;
        postings += r.postings;
        if (o.inlined)
            tokens += r.tokens;
    }
    if (parts.empty())
        throw std::runtime_error(std::string(o.file) + ": no agreements");

    clock_pair c0 = now();
    if (o.compact || parts.size() > 1) {
        Xapian::Database all;
        for (const auto &p : parts)
            all.add_database(Xapian::Database(p));
        // multipass: merging many sources pairwise is faster than all at once (Xapian's advice)
        all.compact(o.out, o.level | Xapian::DBCOMPACT_MULTIPASS);
    } else {
        fs::rename(parts[0], o.out);
    }
    clock_pair compact = since(c0);
    fs::remove_all(std::string(o.out) + ".parts");
    unsigned long long size = disk_usage(o.out);
    clock_pair total = since(start);

    rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    std::printf("rows %zu tokens %llu postings %llu words %zu parts %zu read_wall %.3f read_cpu %.3f write_wall %.3f write_cpu %.3f "
                "commit_cpu %.3f compact_wall %.3f compact_cpu %.3f xapian_wall %.3f xapian_cpu %.3f "
                "total_wall %.3f total_cpu %.3f peak_mb %.0f size %llu\n",
                rd.rows.size(), tokens, postings, o.inlined ? size_t(0) : rd.vocab.size() - 1, parts.size(), read.wall,
                read.cpu, write.wall, write.cpu, commit_cpu, compact.wall, compact.cpu, write.wall + compact.wall,
                write.cpu + compact.cpu, total.wall, total.cpu, double(ru.ru_maxrss) / 1024, size);
    return 0;
}

}  // namespace

int main(int argc, char **argv)
{
    try {
        return run(argc, argv);
    } catch (const Xapian::Error &e) {
        std::fprintf(stderr, "xapian-floor: %s\n", e.get_description().c_str());
    } catch (const std::exception &e) {
        std::fprintf(stderr, "xapian-floor: %s\n", e.what());
    }
    return 2;
}
