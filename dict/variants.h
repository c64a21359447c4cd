/* kyotei — characters written for others, which the index and the queries fold alike.
 *
 * NFKC leaves these apart, yet a reader takes each pair as one character: itaiji of names (髙 for
 * 高, 﨑 for 崎, 𠮷 for 吉, 邊 and 邉 for 辺), old and traditional forms (國, 學, 縣, 臺灣) and the
 * small ヶ ヵ of place names (霞ヶ関 and 霞ケ関). kt_normalize (dict/normalize.c) folds the first of
 * each pair to the second, for documents and queries alike, so either spelling finds the other;
 * dict/tools/gen_places.py reads this table too, so that dict/places.tsv names each place once
 * after folding. Add a pair when an agreement or a query is found written the other way.
 *
 * One X(from, to) a pair, code points in hexadecimal.
 */
#ifndef KT_DICT_VARIANTS_H
#define KT_DICT_VARIANTS_H

#define KT_VARIANTS(X)                                                                                              \
    X(0x9AD9, 0x9AD8)  /* 髙 → 高 */                                                                                 \
    X(0xFA11, 0x5D0E)  /* 﨑 → 崎 */                                                                                 \
    X(0x20BB7, 0x5409) /* 𠮷 → 吉 */                                                                                 \
    X(0x5FB7, 0x5FB3)  /* 德 → 徳 */                                                                                 \
    X(0x9089, 0x8FBA)  /* 邉 → 辺 */                                                                                 \
    X(0x908A, 0x8FBA)  /* 邊 → 辺 */                                                                                 \
    X(0x9F4B, 0x658E)  /* 齋 → 斎 */                                                                                 \
    X(0x9F4A, 0x6589)  /* 齊 → 斉 */                                                                                 \
    X(0x6FF5, 0x6D5C)  /* 濵 → 浜 */                                                                                 \
    X(0x6FF1, 0x6D5C)  /* 濱 → 浜 */                                                                                 \
    X(0x5D8B, 0x5CF6)  /* 嶋 → 島 */                                                                                 \
    X(0x570B, 0x56FD)  /* 國 → 国 */                                                                                 \
    X(0x5B78, 0x5B66)  /* 學 → 学 */                                                                                 \
    X(0x6703, 0x4F1A)  /* 會 → 会 */                                                                                 \
    X(0x7E23, 0x770C)  /* 縣 → 県 */                                                                                 \
    X(0x6FA4, 0x6CA2)  /* 澤 → 沢 */                                                                                 \
    X(0x5EE3, 0x5E83)  /* 廣 → 広 */                                                                                 \
    X(0x7063, 0x6E7E)  /* 灣 → 湾 */                                                                                 \
    X(0x81FA, 0x53F0)  /* 臺 → 台 */                                                                                 \
    X(0x30F6, 0x30B1)  /* ヶ → ケ */                                                                                 \
    X(0x30F5, 0x30AB)  /* ヵ → カ */

#endif
