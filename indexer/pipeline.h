/* kyotei — agreements read on one thread and made into documents on several (indexer-internal).
 *
 * The reading thread pushes rows; they are gathered into batches, and batch k goes to worker
 * k % n_workers, which builds each row's document (kt_document_build, with the worker's own
 * lexicon: a MeCab tagger is not thread-safe) and then calls `on_built` with the batch, on the
 * worker's thread — where a rebuild writes the documents into that worker's own database. The
 * reading thread then gets every batch back through `on_done`, strictly in input order, to report
 * bad rows and warnings, count, and (for an update, which has one writer) write.
 *
 * So which worker handles a row depends only on its place in the input, never on timing: the
 * databases the workers write are the same from one run to the next.
 *
 * With n_workers == 0 there are no threads: each batch is built, handed to on_built (as worker 0)
 * and to on_done by the pushing thread itself.
 *
 * Memory: at most KT_PIPELINE_DEPTH batches of KT_PIPELINE_BATCH rows per worker are in flight.
 * Errors: a hook that fails stops the pipeline; kt_pipeline_push and kt_pipeline_finish then
 * return its status and message (the first one). Otherwise KT_ERR_NOMEM, KT_ERR_INTERNAL (a thread
 * could not be started).
 */
#ifndef KT_INDEXER_PIPELINE_H
#define KT_INDEXER_PIPELINE_H

#include <stdbool.h>
#include <stddef.h>

#include "base/error.h"
#include "corpus/agreement.h"
#include "dict/lexicon.h"
#include "xapian-c/xc.h"

#define KT_PIPELINE_BATCH 32
#define KT_PIPELINE_DEPTH 4

/* One row of input and what became of it. */
typedef struct kt_row {
    kt_agreement a;
    char *where;        /* "FILE:LINE" */
    char *rejected;     /* set before the row is pushed: why it is bad (no document is built) */
    unsigned shard;     /* which shard the row goes to (set by the pusher) */
    xc_doc *doc;        /* the document, once built; NULL for a bad row */
    char *warning;      /* from kt_document_build */
    bool failed;        /* the document could not be built: see error */
    kt_error error;
    bool written;       /* set by on_built when it wrote the document */
} kt_row;

typedef kt_status (*kt_batch_fn)(unsigned worker, kt_row *rows, size_t n, void *ctx, kt_error *err);

typedef struct kt_pipeline kt_pipeline;

/* lexicons[0..max(n_workers,1)): one per worker, used by that worker only (borrowed). Either hook
 * may be NULL. */
kt_status kt_pipeline_start(unsigned n_workers, kt_lexicon *const *lexicons, kt_batch_fn on_built,
                            kt_batch_fn on_done, void *ctx, kt_pipeline **out, kt_error *err);

/* Takes the row (its agreement and strings are moved out: *row is zeroed). May run on_done for
 * batches that are complete. */
kt_status kt_pipeline_push(kt_pipeline *p, kt_row *row, kt_error *err);

/* Sends the last batch, waits for every batch and runs the remaining on_done calls. */
kt_status kt_pipeline_finish(kt_pipeline *p, kt_error *err);

/* Stops the workers (after kt_pipeline_finish, or to abandon a run) and frees everything,
 * rows still in flight included. NULL allowed. */
void kt_pipeline_free(kt_pipeline *p);

/* Frees what a row holds and zeroes it. */
void kt_row_clear(kt_row *row);

#endif
