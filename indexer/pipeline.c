#include "pipeline.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "indexer/document.h"

typedef enum slot_state { SLOT_FREE, SLOT_QUEUED, SLOT_DONE } slot_state;

typedef struct batch {
    kt_row rows[KT_PIPELINE_BATCH];
    size_t n;
    unsigned long seq;
    slot_state state;
    kt_status st; /* of on_built */
    kt_error err;
} batch;

struct kt_pipeline {
    unsigned n_workers;
    kt_lexicon **lexicons;
    kt_batch_fn on_built, on_done;
    void *ctx;
    /* batch seq lives in slots[seq % cap]; seqs next_done .. next_seq-1 are in flight, and
     * next_seq is being filled when `filling` */
    batch *slots;
    size_t cap;
    unsigned long next_seq, next_done;
    bool filling;
    pthread_mutex_t mu;
    pthread_cond_t work_cv, done_cv;
    bool sync_ready; /* mu and the condition variables exist */
    bool closing, stopping;
    pthread_t *threads;
    unsigned started;
    kt_status st; /* the first failure */
    kt_error err;
};

void kt_row_clear(kt_row *row)
{
    kt_agreement_clear(&row->a);
    free(row->where);
    free(row->rejected);
    xc_doc_free(row->doc);
    free(row->warning);
    memset(row, 0, sizeof *row);
}

static batch *slot_of(kt_pipeline *p, unsigned long seq)
{
    return &p->slots[seq % p->cap];
}

static void build_rows(batch *b, kt_lexicon *lex)
{
    for (size_t i = 0; i < b->n; i++) {
        kt_row *r = &b->rows[i];
        if (r->rejected)
            continue;
        if (kt_document_build(lex, &r->a, &r->doc, &r->warning, &r->error) != KT_OK)
            r->failed = true;
    }
}

/* Remembers the first failure and makes everything after it stop. Called with mu held. */
static void note_failure(kt_pipeline *p, kt_status st, const kt_error *err)
{
    if (p->st == KT_OK) {
        p->st = st;
        p->err = *err;
    }
    p->stopping = true;
}

typedef struct worker_arg {
    kt_pipeline *p;
    unsigned id;
} worker_arg;

static void *worker_main(void *arg)
{
    worker_arg *wa = arg;
    kt_pipeline *p = wa->p;
    unsigned id = wa->id;
    free(wa);
    pthread_mutex_lock(&p->mu);
    for (unsigned long seq = id;; seq += p->n_workers) {
        batch *b = slot_of(p, seq);
        while (!(b->state == SLOT_QUEUED && b->seq == seq) && !(p->closing && seq >= p->next_seq))
            pthread_cond_wait(&p->work_cv, &p->mu);
        if (!(b->state == SLOT_QUEUED && b->seq == seq))
            break;
        bool stopping = p->stopping;
        pthread_mutex_unlock(&p->mu);
        kt_status st = KT_OK;
        kt_error err = {KT_OK, ""};
        if (!stopping) {
            build_rows(b, p->lexicons[id]);
            if (p->on_built)
                st = p->on_built(id, b->rows, b->n, p->ctx, &err);
        }
        pthread_mutex_lock(&p->mu);
        b->st = st;
        if (st != KT_OK)
            b->err = err;
        b->state = SLOT_DONE;
        pthread_cond_broadcast(&p->done_cv);
    }
    pthread_mutex_unlock(&p->mu);
    return NULL;
}

kt_status kt_pipeline_start(unsigned n_workers, kt_lexicon *const *lexicons, kt_batch_fn on_built,
                            kt_batch_fn on_done, void *ctx, kt_pipeline **out, kt_error *err)
{
    *out = NULL;
    kt_pipeline *p = calloc(1, sizeof *p);
    unsigned n_lex = n_workers ? n_workers : 1;
    if (!p)
        return kt_error_nomem(err);
    p->n_workers = n_workers;
    p->on_built = on_built;
    p->on_done = on_done;
    p->ctx = ctx;
    p->cap = n_workers ? (size_t)n_workers * KT_PIPELINE_DEPTH : 1;
    p->slots = calloc(p->cap, sizeof *p->slots);
    p->lexicons = calloc(n_lex, sizeof *p->lexicons);
    p->threads = calloc(n_lex, sizeof *p->threads);
    if (!p->slots || !p->lexicons || !p->threads) {
        kt_pipeline_free(p);
        return kt_error_nomem(err);
    }
    memcpy(p->lexicons, lexicons, n_lex * sizeof *p->lexicons);
    pthread_mutex_init(&p->mu, NULL);
    pthread_cond_init(&p->work_cv, NULL);
    pthread_cond_init(&p->done_cv, NULL);
    p->sync_ready = true;
    for (unsigned i = 0; i < n_workers; i++) {
        worker_arg *wa = malloc(sizeof *wa);
        if (wa)
            *wa = (worker_arg){p, i};
        if (!wa || pthread_create(&p->threads[i], NULL, worker_main, wa) != 0) {
            free(wa);
            kt_pipeline_free(p);
            return kt_error_set(err, KT_ERR_INTERNAL, "cannot start an indexing thread");
        }
        p->started++;
    }
    *out = p;
    return KT_OK;
}

/* Hands the oldest batch, which must be done, to on_done and frees its slot. */
static void retire_oldest(kt_pipeline *p)
{
    batch *b = slot_of(p, p->next_done);
    pthread_mutex_lock(&p->mu);
    if (b->st != KT_OK)
        note_failure(p, b->st, &b->err);
    bool stopping = p->stopping;
    pthread_mutex_unlock(&p->mu);
    if (!stopping && p->on_done) {
        kt_error err;
        kt_status st = p->on_done(0, b->rows, b->n, p->ctx, &err);
        if (st != KT_OK) {
            pthread_mutex_lock(&p->mu);
            note_failure(p, st, &err);
            pthread_mutex_unlock(&p->mu);
        }
    }
    for (size_t i = 0; i < b->n; i++)
        kt_row_clear(&b->rows[i]);
    b->n = 0;
    pthread_mutex_lock(&p->mu);
    b->state = SLOT_FREE;
    b->st = KT_OK;
    p->next_done++;
    pthread_mutex_unlock(&p->mu);
}

/* Retires the done batches at the head, in order; with `wait`, the oldest one at least. */
static void retire(kt_pipeline *p, bool wait)
{
    while (p->next_done < p->next_seq) {
        batch *b = slot_of(p, p->next_done);
        pthread_mutex_lock(&p->mu);
        while (wait && b->state != SLOT_DONE)
            pthread_cond_wait(&p->done_cv, &p->mu);
        bool done = b->state == SLOT_DONE;
        pthread_mutex_unlock(&p->mu);
        if (!done)
            return;
        retire_oldest(p);
        wait = false;
    }
}

static void dispatch(kt_pipeline *p)
{
    batch *b = slot_of(p, p->next_seq);
    p->filling = false;
    if (p->n_workers == 0) {
        b->seq = p->next_seq++;
        if (!p->stopping) {
            build_rows(b, p->lexicons[0]);
            if (p->on_built) {
                b->st = p->on_built(0, b->rows, b->n, p->ctx, &b->err);
            }
        }
        b->state = SLOT_DONE;
        retire_oldest(p);
        return;
    }
    pthread_mutex_lock(&p->mu);
    b->seq = p->next_seq++;
    b->state = SLOT_QUEUED;
    pthread_cond_broadcast(&p->work_cv);
    pthread_mutex_unlock(&p->mu);
    retire(p, false);
}

static kt_status outcome(kt_pipeline *p, kt_error *err)
{
    pthread_mutex_lock(&p->mu);
    kt_status st = p->st;
    if (st != KT_OK && err)
        *err = p->err;
    pthread_mutex_unlock(&p->mu);
    return st;
}

kt_status kt_pipeline_push(kt_pipeline *p, kt_row *row, kt_error *err)
{
    if (!p->filling) {
        while (p->next_seq - p->next_done >= p->cap)
            retire(p, true);
        p->filling = true;
    }
    batch *b = slot_of(p, p->next_seq);
    b->rows[b->n++] = *row;
    memset(row, 0, sizeof *row);
    if (b->n == KT_PIPELINE_BATCH)
        dispatch(p);
    return outcome(p, err);
}

kt_status kt_pipeline_finish(kt_pipeline *p, kt_error *err)
{
    if (p->filling && slot_of(p, p->next_seq)->n)
        dispatch(p);
    p->filling = false;
    retire(p, true);
    while (p->next_done < p->next_seq)
        retire(p, true);
    return outcome(p, err);
}

void kt_pipeline_free(kt_pipeline *p)
{
    if (!p)
        return;
    if (p->started) {
        pthread_mutex_lock(&p->mu);
        p->closing = p->stopping = true;
        pthread_cond_broadcast(&p->work_cv);
        pthread_mutex_unlock(&p->mu);
        for (unsigned i = 0; i < p->started; i++)
            pthread_join(p->threads[i], NULL);
    }
    for (size_t s = 0; p->slots && s < p->cap; s++)
        for (size_t i = 0; i < p->slots[s].n; i++)
            kt_row_clear(&p->slots[s].rows[i]);
    if (p->sync_ready) {
        pthread_mutex_destroy(&p->mu);
        pthread_cond_destroy(&p->work_cv);
        pthread_cond_destroy(&p->done_cv);
    }
    free(p->slots);
    free(p->lexicons);
    free(p->threads);
    free(p);
}
