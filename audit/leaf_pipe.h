/*
 * The audit leaves of a long run of appends (an import), or of a pass
 * that recomputes the whole log (`audit verify`), hashed on a second
 * thread while the caller goes on with the next events.
 *
 * Appending leaf n to the tree (audit/merkle.h) is its SHA-256 and one
 * interior hash for each trailing 1 bit of n, over the tree's right edge:
 * nothing the caller's next event depends on.  The caller encodes each
 * leaf's bytes (it has the event) and hands them over; this module keeps
 * the right edge and reports back the nodes it completes at the levels
 * the caller stores, in batches, for the caller to write in its own
 * transaction.  mcg_leaf_pipe_finish waits for every leaf and gives back
 * the edge; only then may the caller read the tree again.
 *
 * Why a thread: the leaf's hashes were 10% of an import's time on one
 * core (docs/PERFORMANCE.md, "the audit leaves hashed on a second
 * thread").  The result is the same tree, hash for hash, as
 * mcg_merkle_append over the same leaves (tests/unit/test_audit_leaf_pipe.c
 * compares them).
 *
 * The caller's thread owns the pipe: one caller thread, no sharing.  No
 * memory is allocated or freed on the hashing thread (so glibc's malloc
 * never frees across threads, docs/PERFORMANCE.md), and no SQL runs on
 * it: this module never touches the database.
 */
#ifndef MCG_LEAF_PIPE_H
#define MCG_LEAF_PIPE_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "merkle.h"

typedef struct mcg_leaf_pipe mcg_leaf_pipe;

/* A complete subtree at a stored level: level, its number at that level
 * (its leftmost leaf is k << level), its hash. */
struct mcg_leaf_node {
	int level;
	int64_t k;
	mcg_hash hash;
};

/* Stores one completed node (the ledger writes it to audit_nodes).
 * Returns 0, or a negative MCG_E* code with err set, which the pipe's
 * caller gets back. */
typedef int (*mcg_leaf_node_store)(void *ctx, const struct mcg_leaf_node *node,
				   mcg_error *err);

/*
 * Starts the hashing thread for a tree of `size` leaves whose right edge
 * is edge[0 .. levels-1] (edge[l]: the latest complete subtree of level l,
 * for each l with size >> l >= 1).  Nodes of the levels that are
 * positive multiples of store_every are reported to `store`.  *out is
 * NULL and MCG_ESYS returned, err set, when no thread could be made (the
 * caller then hashes on its own thread, as without the pipe).
 */
int mcg_leaf_pipe_start(int64_t size, const mcg_hash *edge, int levels, int store_every,
			mcg_leaf_node_store store, void *store_ctx, mcg_leaf_pipe **out,
			mcg_error *err);

/* Hands over the next leaf's bytes (copied).  May first wait for the
 * thread to give back an earlier batch, and store its nodes: an error
 * from `store` comes back here. */
int mcg_leaf_pipe_add(mcg_leaf_pipe *p, const void *bytes, size_t len, mcg_error *err);

/* Waits for every leaf handed over, stores the nodes not yet stored, and
 * gives the tree's size and right edge as mcg_leaf_pipe_start takes them
 * (edge has room for 64 levels). */
int mcg_leaf_pipe_finish(mcg_leaf_pipe *p, int64_t *size, mcg_hash *edge, int *levels,
			 mcg_error *err);

/* Stops the thread (leaves not yet hashed are dropped) and frees the
 * pipe.  NULL is allowed. */
void mcg_leaf_pipe_stop(mcg_leaf_pipe *p);

#endif
