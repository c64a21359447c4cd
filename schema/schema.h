/* kyotei — how an agreement maps onto the index. Written down once; the indexer writes by it and
 * the searcher reads by it, so the two cannot drift apart. The facet dimensions (which filter
 * terms and values an agreement gets) are one table in schema/dimension.h; the stored record and
 * the facet value are encoded and decoded in schema/record.c only.
 *
 * Terms (the three layers are dict/terms.h's)
 *   free text   the content words of title, description, partner, municipality and the 分野 cell,
 *               unprefixed and with positions. Each text field
 *               gets its own position range (KT_POSITION_GAP apart) so that a phrase never spans
 *               two fields.
 *   R…          the katakana readings of those words, at the same positions.
 *   N…          the character bigrams of runs of Japanese script, positioned by character.
 *   S… SN…      the title's words and bigrams again, for `title:` searches and a ranking boost.
 *   Q<id>       the agreement's id: unique, for replacing and deleting one agreement.
 *   XC<country> XF<field> XP<prefecture> XM<municipality> Y<year>
 *               boolean filter terms with the canonical values (no weight, exact match).
 * Values
 *   KT_SLOT_SIGNED       the signing date as a sortable number YYYYMMDD (missing parts are 0)
 *   KT_SLOT_FACETS       the canonical country, then KT_FACET_GROUP_SEP and the canonical fields
 *                        joined with KT_FACET_SEP when there are any ("中国\x1e観光\x1f教育"), for facet
 *                        counts: one value per document lets a single count spy (which also runs on
 *                        remote shards) count the combinations, which the searcher then splits and
 *                        sums exactly. One spy reading one slot costs about half of two spies reading
 *                        two (each reads a value of every matching agreement). Slot 2 held the
 *                        fields alone until schema 3.
 *   KT_SLOT_PREFECTURE, KT_SLOT_MUNICIPALITY   for facet counts and pivots
 *   KT_SLOT_ID           the id, for stable ordering
 *   KT_SLOT_OLDEST_FIRST the date as 8 digits YYYYMMDD (00000000 when unknown) then the id, and
 *   KT_SLOT_NEWEST_FIRST the same with the date as 99999999 - YYYYMMDD: the date sorts as one plain
 *                        value sort, equal dates in id order. Remote shards need that: Xapian 1.4
 *                        cannot send a KeyMaker (date, then id) to xapian-tcpsrv.
 * Stored data
 *   a JSON object holding every column of the row as read ("id", "municipality", … "url"),
 *   "fields_canonical": [..] and "country_canonical", and "extra": {name: value} for unknown columns.
 */
#ifndef KT_CORPUS_SCHEMA_H
#define KT_CORPUS_SCHEMA_H

#define KT_PREFIX_TITLE "S"
#define KT_PREFIX_READING "R"
#define KT_PREFIX_NGRAM "N"
#define KT_PREFIX_ID "Q"
#define KT_PREFIX_COUNTRY "XC"
#define KT_PREFIX_FIELD "XF"
#define KT_PREFIX_PREFECTURE "XP"
#define KT_PREFIX_MUNICIPALITY "XM"
#define KT_PREFIX_YEAR "Y"

enum {
    KT_SLOT_SIGNED = 0,
    KT_SLOT_FACETS = 1,
    KT_SLOT_PREFECTURE = 3,
    KT_SLOT_MUNICIPALITY = 4,
    KT_SLOT_ID = 5,
    KT_SLOT_OLDEST_FIRST = 6,
    KT_SLOT_NEWEST_FIRST = 7
};

#define KT_FACET_SEP '\x1f'
#define KT_FACET_GROUP_SEP '\x1e'
#define KT_POSITION_GAP 100
/* Title words count this many times over: a word in the title says more about an agreement
 * than the same word in its description. */
#define KT_TITLE_WDF 2

/* Index metadata: which schema wrote the index, so a searcher can refuse an index it cannot read. */
#define KT_META_SCHEMA_KEY "kyotei.schema"
#define KT_META_SCHEMA_VERSION "4"
/* ... and with which dictionaries (kt_lexicon_fingerprint, dict/lexicon.h), so that an update can refuse to
 * mix agreements tokenized by two sets of dictionaries. */
#define KT_META_DICTIONARIES_KEY "kyotei.dictionaries"

/* JSON keys of the stored record beyond the column names. */
#define KT_DATA_FIELDS_CANONICAL "fields_canonical"
#define KT_DATA_COUNTRY_CANONICAL "country_canonical"
#define KT_DATA_EXTRA "extra"

#endif
