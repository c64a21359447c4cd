/* Helpers shared by the indexer and searcher tests: scratch directories, small files written by
 * the test, the lexicon of the build tree, index builds that collect their reports, and checks
 * on UTF-8 text. They fail the running cmocka test instead of returning errors, so that the tests
 * read as what they check. */
#ifndef KT_TESTS_KIT_H
#define KT_TESTS_KIT_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <setjmp.h>
#include <cmocka.h>

#include "base/buf.h"
#include "base/error.h"
#include "dict/lexicon.h"
#include "indexer/build.h"
#include "xapian-c/xc.h"

/* A fresh directory under $TMPDIR (or /tmp); malloc'd path, removed with kit_rmtree. */
char *kit_mkdtemp(void);

/* Removes path and everything below it (a missing path is fine). */
void kit_rmtree(const char *path);

/* dir + "/" + name, malloc'd. */
char *kit_path(const char *dir, const char *name);

/* Writes text to dir/name and returns the malloc'd path. */
char *kit_write(const char *dir, const char *name, const char *text);

/* The whole file as a malloc'd NUL-terminated string (*len may be NULL), or NULL when it cannot
 * be read. */
char *kit_read(const char *path, size_t *len);

/* Whether path exists (lstat). */
bool kit_exists(const char *path);

/* The index (or Xapian database) at path, opened for reading; fails the test when it cannot be.
 * Close with xc_db_close. */
xc_db *kit_open_db(const char *path);

/* The number of documents in the index at path. */
uint32_t kit_doc_count(const char *path);

/* The end of the CSV record that starts at p (just past its line end), quotes respected. */
const char *kit_record_end(const char *p);

/* The lexicon of the build tree (share/kyotei); fails the test when it cannot be loaded. */
kt_lexicon *kit_lexicon(void);

/* The data directory of the build tree and the bundled corpus. */
const char *kit_data_dir(void);
const char *kit_corpus(void);

/* What a build reported: every message on its own line, "E " or "W " first. */
typedef struct kit_reports {
    kt_buf text;
    size_t errors, warnings;
} kit_reports;

/* Build options whose report callback collects into *rep (reports start "E " or "W "). */
kt_build_options kit_options(kit_reports *rep);

/* kt_index_rebuild with the reports collected into *rep (which may be NULL), *stats (may be NULL)
 * and *err (may be NULL). */
kt_status kit_rebuild(const char *db_dir, const char *const *files, size_t n_files, kt_lexicon *lex,
                      kit_reports *rep, kt_build_stats *stats, kt_error *err);

/* Fails the test, printing the message, when st is not KT_OK. */
#define KIT_OK(st, err) kit_ok((st), (err), #st, __FILE__, __LINE__)
void kit_ok(kt_status st, const kt_error *err, const char *expr, const char *file, int line);

/* Whether s[0, len) is valid UTF-8 (no overlong forms, surrogates or code points past U+10FFFF). */
bool kit_utf8_valid(const char *s, size_t len);

/* Number of UTF-8 characters in s[0, len). */
size_t kit_utf8_chars(const char *s, size_t len);

/* Fails the test unless haystack contains needle, printing both. */
#define KIT_CONTAINS(haystack, needle) kit_contains((haystack), (needle), true, __FILE__, __LINE__)
#define KIT_LACKS(haystack, needle) kit_contains((haystack), (needle), false, __FILE__, __LINE__)
void kit_contains(const char *haystack, const char *needle, bool want, const char *file, int line);

/* Skips a test that shows a known bug (its "BUG:" comment says which), unless
 * $KYOTEI_TEST_KNOWN_BUGS is set: then it runs, and fails until the bug is fixed. */
#define KIT_KNOWN_BUG()                          \
    do {                                         \
        if (!getenv("KYOTEI_TEST_KNOWN_BUGS"))   \
            skip();                              \
    } while (0)

#endif
