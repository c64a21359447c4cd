/* kyotei — the 分野 (field) cell of an agreement, as canonical fields for facets.
 *
 * A cell is split into parts, each part is looked up in the fields vocabulary (dict/fields.tsv,
 * loaded with kt_vocab_load). The rules (dict/README.md has them with examples):
 *   - the cell is normalised (kt_normalize), so ，／･ fold to , / ・;
 *   - it is split on 、 ・ , / and on the conjunctions 及び, および and と (と only between two
 *     characters that are not hiragana: 人材と技術, but not ひと);
 *   - a part that is not found whole is split again on whitespace;
 *   - each part is tried as is, then without trailing 等 / など / 分野 (repeatedly), then also
 *     without one trailing 交流 / 協力 / 振興 / 促進 / 連携 (経済交流 → 経済, 産業振興 → 産業), then
 *     the same for the text after its last の (住民の友好協力 → 友好協力 → 友好).
 */
#ifndef KT_DICT_FIELDS_H
#define KT_DICT_FIELDS_H

#include <stddef.h>

#include "base/error.h"
#include "dict/vocab.h"

/* Splits a 分野 cell (e.g. `世界自然遺産、貿易、観光、文化芸術、青少年、エネルギー`, `経済、観光等`,
 * `経済・行政分野`, `観光、経済、産業、福祉、文化及びスポーツ`, `人材と技術`, `住民の友好協力`) into
 * canonical fields from the fields vocabulary: deduplicated, in vocabulary order.
 * *out is a malloc'd array of *n pointers owned by the vocab (free only the array).
 * unknown may be NULL; otherwise parts that are not recognised while others are, are ignored but
 * reported through *unknown (malloc'd, "、"-joined normalised parts, NULL when none; caller frees)
 * so the indexer can warn.
 * Errors: a cell with no recognisable field (empty included) -> KT_ERR_INPUT whose message quotes
 * the cell; invalid UTF-8 -> KT_ERR_ENCODING; KT_ERR_NOMEM. On error *out and *unknown are NULL
 * and *n is 0. */
kt_status kt_fields_parse(const kt_vocab *fields, const char *cell, size_t len, const char ***out, size_t *n,
                          char **unknown, kt_error *err);

#endif
