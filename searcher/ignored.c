#include "ignored.h"

#include <stdlib.h>
#include <string.h>

#include "base/grow.h"

static const struct {
    const char *name;
    const char *text;
} reasons[KT_IGNORED_REASON_COUNT] = {
    [KT_IGNORED_NO_WORD] = {"no_word", "only particles, endings or symbols: no word to look for"},
    [KT_IGNORED_PHRASING] = {"phrasing", "request phrasing, not what is looked for"},
    [KT_IGNORED_OPERATOR] = {"operator", "an operator with nothing to apply to"},
    [KT_IGNORED_NEGATED_OR] = {"negated_or", "a -word inside OR has no meaning"},
    [KT_IGNORED_BAD_RANGE] = {"bad_range", "not a year or a range of years (signed:2010..2016)"},
    [KT_IGNORED_NOT_A_PREFIX] = {"not_a_prefix",
                                 "not a prefix (country: field: prefecture: municipality: title: signed:); "
                                 "searched as text"},
};

const char *kt_ignored_reason_name(kt_ignored_reason r)
{
    return (unsigned)r < KT_IGNORED_REASON_COUNT ? reasons[r].name : "";
}

const char *kt_ignored_reason_text(kt_ignored_reason r)
{
    return (unsigned)r < KT_IGNORED_REASON_COUNT ? reasons[r].text : "";
}

kt_status kt_ignored_add(kt_ignored_list *list, const char *word, size_t len, kt_ignored_reason reason)
{
    for (size_t i = 0; i < list->count; i++)
        if (list->items[i].reason == reason && strlen(list->items[i].word) == len &&
            memcmp(list->items[i].word, word, len) == 0)
            return KT_OK;
    if (KT_GROW(list->items, list->cap, list->count + 1) != KT_OK)
        return KT_ERR_NOMEM;
    char *copy = malloc(len + 1);
    if (!copy)
        return KT_ERR_NOMEM;
    memcpy(copy, word, len);
    copy[len] = '\0';
    list->items[list->count++] = (kt_ignored){copy, reason};
    return KT_OK;
}

kt_status kt_ignored_move(kt_ignored_list *to, kt_ignored_list *from)
{
    kt_status st = KT_OK;
    for (size_t i = 0; i < from->count && st == KT_OK; i++)
        st = kt_ignored_add(to, from->items[i].word, strlen(from->items[i].word), from->items[i].reason);
    kt_ignored_list_free(from);
    return st;
}

void kt_ignored_list_free(kt_ignored_list *list)
{
    for (size_t i = 0; i < list->count; i++)
        free(list->items[i].word);
    free(list->items);
    *list = (kt_ignored_list){NULL, 0, 0};
}
