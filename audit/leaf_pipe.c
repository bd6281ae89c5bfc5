/*
 * The audit leaves hashed on a second thread: see leaf_pipe.h.
 *
 * A ring of batches goes round between the two threads.  The caller fills
 * one, queues it, and takes the next; the hashing thread takes the queued
 * ones in order, hashes them onto its right edge and hands them back with
 * the stored-level nodes they completed; the caller stores those nodes
 * when it comes round to the batch again, or at mcg_leaf_pipe_finish.  The
 * batches change hands through common/ring.h: a batch is the hashing
 * thread's from its queueing (hand over) until it is hashed (hand back),
 * the caller's otherwise; the edge is the hashing thread's until finish
 * has had every batch back.
 */
#include "leaf_pipe.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "ring.h"

/* Leaves in a batch: a batch is handed over about every 0.7 ms of an
 * import, so the thread wakes seldom, and holds at most one node of each
 * stored level (the levels are 8 apart: 2^8 = 256 leaves). */
#define BATCH_LEAVES 256
/* A batch is also handed over once it holds this many bytes (an event's
 * encoding is about 250 bytes; one large event still fits, alone). */
#define BATCH_BYTES ((size_t)256 * 1024)
/* Batches in the ring: the caller may run this many ahead. */
#define BATCHES 4
/* Stored nodes one batch can complete: at most one per stored level
 * from level 8 up (2^8 = 256 leaves), so 7 when the levels are 8 apart,
 * as the ledger stores them (levels 8 to 56); mcg_leaf_pipe_start
 * refuses a spacing that could complete more (nodes_possible). */
#define BATCH_NODES 64
#define EDGE_LEVELS 64

struct batch {
	int filling;                    /* the caller's own: taken back, not queued since */
	mcg_buf bytes;                  /* the leaves' bytes, back to back */
	size_t end[BATCH_LEAVES];       /* leaf i is bytes [end[i-1], end[i]) */
	size_t n;                       /* leaves */
	struct mcg_leaf_node nodes[BATCH_NODES];
	size_t n_nodes;
};

struct mcg_leaf_pipe {
	pthread_t thread;
	mcg_ring ring;                  /* over: queued, the hashing thread's */
	struct batch batch[BATCHES];
	size_t fill;                    /* the caller's batch */
	int64_t added;                  /* leaves handed over, counting the tree's */
	int store_every;
	mcg_leaf_node_store store;
	void *store_ctx;
	/* The hashing thread's until finish: the tree so far. */
	int64_t size;
	mcg_hash edge[EDGE_LEVELS];
};

/* The levels whose nodes one batch of BATCH_LEAVES can complete, at most. */
static size_t nodes_possible(int store_every)
{
	size_t n = 0;

	for (int level = store_every; level < EDGE_LEVELS; level += store_every)
		n += level >= 8 ? 1 : ((size_t)BATCH_LEAVES >> level) + 1;
	return n;
}

/* Appends leaf number p->size: the same hashes as mcg_merkle_append.  A
 * leaf n completes the subtrees of levels 0 .. m, m the number of
 * trailing 1 bits of n; the left half of each is the latest complete
 * subtree of the level below, which the edge holds. */
static void hash_leaf(struct mcg_leaf_pipe *p, struct batch *b, const void *bytes, size_t len)
{
	uint64_t n = (uint64_t)p->size;
	int m = __builtin_ctzll(n + 1);
	mcg_hash made;

	mcg_merkle_leaf_hash(bytes, len, &made);
	for (int level = 0;; level++) {
		mcg_hash left = p->edge[level];

		p->edge[level] = made;
		if (level > 0 && level % p->store_every == 0) {
			struct mcg_leaf_node *node = &b->nodes[b->n_nodes++];

			node->level = level;
			node->k = (int64_t)(n >> level);
			node->hash = made;
		}
		if (level == m)
			break;
		mcg_merkle_node_hash(&left, &made, &made);
	}
	p->size++;
}

static void *hashing_thread(void *arg)
{
	struct mcg_leaf_pipe *p = arg;

	for (size_t take = 0; mcg_ring_await_over(&p->ring, take); take = (take + 1) % BATCHES) {
		struct batch *b = &p->batch[take];

		b->n_nodes = 0;
		for (size_t i = 0; i < b->n; i++) {
			size_t from = i ? b->end[i - 1] : 0;

			hash_leaf(p, b, b->bytes.data + from, b->end[i] - from);
		}
		mcg_ring_hand_back(&p->ring, take);
	}
	return NULL;
}

int mcg_leaf_pipe_start(int64_t size, const mcg_hash *edge, int levels, int store_every,
			mcg_leaf_node_store store, void *store_ctx, mcg_leaf_pipe **out,
			mcg_error *err)
{
	struct mcg_leaf_pipe *p;
	int rc;

	*out = NULL;
	if (size < 0 || levels < 0 || levels > EDGE_LEVELS || store_every < 1 ||
	    nodes_possible(store_every) > BATCH_NODES)
		return mcg_error_set(err, MCG_EINPUT, "internal error: leaf pipe for %lld leaves",
				     (long long)size);
	p = calloc(1, sizeof(*p));
	if (!p)
		return mcg_error_set(err, MCG_ESYS, "out of memory");
	p->size = size;
	p->added = size;
	memcpy(p->edge, edge, (size_t)levels * sizeof(*edge));
	p->store_every = store_every;
	p->store = store;
	p->store_ctx = store_ctx;
	for (size_t i = 0; i < BATCHES; i++) {
		mcg_buf_init(&p->batch[i].bytes, 0);
		p->batch[i].filling = 1;
	}
	rc = mcg_ring_init(&p->ring, BATCHES);
	if (rc)
		goto no_ring;
	rc = pthread_create(&p->thread, NULL, hashing_thread, p);
	if (rc)
		goto no_thread;
	*out = p;
	return MCG_OK;

no_thread:
	mcg_ring_destroy(&p->ring);
no_ring:
	free(p);
	return mcg_error_set(err, MCG_ESYS, "cannot start the audit hashing thread: %s",
			     strerror(rc));
}

/* Waits until queued batch i is hashed, takes it back, stores the nodes
 * it came back with, and leaves it empty, the caller's to fill. */
static int reclaim(struct mcg_leaf_pipe *p, size_t i, mcg_error *err)
{
	struct batch *b = &p->batch[i];
	int rc = MCG_OK;

	mcg_ring_await_back(&p->ring, i);
	b->filling = 1;
	for (size_t k = 0; k < b->n_nodes && !rc; k++)
		rc = p->store(p->store_ctx, &b->nodes[k], err);
	b->n_nodes = 0;
	b->n = 0;
	mcg_buf_reset(&b->bytes);
	return rc;
}

/* Queues the caller's batch and makes the next one the caller's. */
static void queue(struct mcg_leaf_pipe *p)
{
	p->batch[p->fill].filling = 0;
	mcg_ring_hand_over(&p->ring, p->fill);
	p->fill = (p->fill + 1) % BATCHES;
}

int mcg_leaf_pipe_add(mcg_leaf_pipe *p, const void *bytes, size_t len, mcg_error *err)
{
	struct batch *b = &p->batch[p->fill];
	int rc;

	if (!b->filling) {
		rc = reclaim(p, p->fill, err);
		if (rc)
			return rc;
	}
	rc = mcg_buf_append(&b->bytes, bytes, len);
	if (rc)
		return mcg_error_set(err, rc, "audit leaf of %zu bytes too large", len);
	b->end[b->n++] = b->bytes.len;
	p->added++;
	if (b->n == BATCH_LEAVES || b->bytes.len >= BATCH_BYTES)
		queue(p);
	return MCG_OK;
}

int mcg_leaf_pipe_finish(mcg_leaf_pipe *p, int64_t *size, mcg_hash *edge, int *levels,
			 mcg_error *err)
{
	int rc = MCG_OK;
	int n = 0;

	if (p->batch[p->fill].filling && p->batch[p->fill].n > 0)
		queue(p);
	/* Oldest first: the one after the caller's is the first queued.  The
	 * first store error ends it: a later batch's would overwrite err,
	 * and the caller (audit verify) names the first.  Batches left
	 * queued are the thread's until mcg_leaf_pipe_stop. */
	for (size_t i = 0; i < BATCHES && !rc; i++) {
		size_t k = (p->fill + i) % BATCHES;

		if (!p->batch[k].filling)
			rc = reclaim(p, k, err);
	}
	if (rc)
		return rc;
	/* Every batch is back: the edge is the caller's to read now. */
	if (p->size != p->added)
		return mcg_error_set(err, MCG_ESYS,
				     "internal error: %lld audit leaves hashed of %lld",
				     (long long)p->size, (long long)p->added);
	while (n < EDGE_LEVELS && (p->size >> n) >= 1) {
		edge[n] = p->edge[n];
		n++;
	}
	*levels = n;
	*size = p->size;
	return MCG_OK;
}

void mcg_leaf_pipe_stop(mcg_leaf_pipe *p)
{
	if (!p)
		return;
	mcg_ring_stop(&p->ring);
	pthread_join(p->thread, NULL);
	mcg_ring_destroy(&p->ring);
	for (size_t i = 0; i < BATCHES; i++)
		mcg_buf_free(&p->batch[i].bytes);
	free(p);
}
