/*
 * RFC 9162 (Certificate Transparency v2) Merkle trees: bytes in, hashes out.
 *
 *   leaf hash      SHA-256(0x00 || leaf bytes)
 *   interior hash  SHA-256(0x01 || left || right)
 *
 * The tree is addressed as "stored hashes", the scheme of Go's
 * golang.org/x/mod/sumdb/tlog: every complete subtree's hash has a fixed
 * index, given when its last leaf is appended.  Appending leaf n makes 1 +
 * (number of trailing 1 bits of n) of them, so the journal keeps the tree
 * incrementally in its write transaction, and any tree hash or proof needs
 * O(log n) of them.  Which are stored and which recomputed is the
 * reader's business (the ledger stores a few: ledger/audit_log.c).
 *
 * This module never touches the database: the caller supplies a reader
 * callback that returns stored hashes by index.
 */
#ifndef MCG_MERKLE_H
#define MCG_MERKLE_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"

#define MCG_HASH_SIZE 32
/* The longest proof for any tree of up to 2^63 leaves. */
#define MCG_PROOF_MAX 128

typedef struct mcg_hash {
	uint8_t b[MCG_HASH_SIZE];
} mcg_hash;

/*
 * Reads n stored hashes at the given indexes into out[0..n-1].  Returns 0,
 * or a negative MCG_E* code (which the caller passes on) with err set.
 */
typedef int (*mcg_hash_reader)(void *ctx, const int64_t *indexes, size_t n,
			       mcg_hash *out, mcg_error *err);

/* SHA-256(0x00 || data). */
void mcg_merkle_leaf_hash(const void *data, size_t len, mcg_hash *out);

/* SHA-256(0x01 || left || right). */
void mcg_merkle_node_hash(const mcg_hash *left, const mcg_hash *right,
			  mcg_hash *out);

/* The storage index of the hash of the subtree at `level` whose leftmost
 * leaf is n << level (tlog's StoredHashIndex). */
int64_t mcg_merkle_stored_index(int level, int64_t n);

/* The inverse of mcg_merkle_stored_index: the level and n of the hash at
 * storage index `index` (tlog's SplitStoredHashIndex).  MCG_EINPUT when
 * index < 0. */
int mcg_merkle_split_index(int64_t index, int *level, int64_t *n);

/* How many hashes are stored for a tree of `leaves` leaves
 * (tlog's StoredHashCount). */
int64_t mcg_merkle_stored_count(int64_t leaves);

/*
 * The hashes to store when appending leaf number n (0-based) whose leaf
 * hash is *leaf, given the hashes already stored for leaves 0..n-1.
 * Writes them to out (room for MCG_PROOF_MAX) and their count to *nout;
 * they go at indexes mcg_merkle_stored_count(n) onwards, in order.
 */
int mcg_merkle_append(int64_t n, const mcg_hash *leaf, mcg_hash_reader read,
		      void *ctx, mcg_hash *out, size_t *nout, mcg_error *err);

/* The root hash of the tree of the first `size` leaves (size 0: the hash
 * of the empty string, as RFC 9162 says). */
int mcg_merkle_tree_hash(int64_t size, mcg_hash_reader read, void *ctx,
			 mcg_hash *out, mcg_error *err);

/*
 * The RFC 9162 inclusion proof of leaf `index` in the tree of `size`
 * leaves, in RFC order (nearest sibling first).  MCG_EINPUT if index >=
 * size.
 */
int mcg_merkle_inclusion_proof(int64_t size, int64_t index,
			       mcg_hash_reader read, void *ctx,
			       mcg_hash *proof, size_t *nproof, mcg_error *err);

/* Verifies an inclusion proof (RFC 9162 section 2.1.3.2).  Returns 0 or
 * MCG_EINTEGRITY saying what does not hold. */
int mcg_merkle_verify_inclusion(const mcg_hash *proof, size_t nproof,
				int64_t size, int64_t index,
				const mcg_hash *leaf, const mcg_hash *root,
				mcg_error *err);

/*
 * The RFC 9162 consistency proof between the trees of old_size and
 * new_size leaves (0 < old_size <= new_size).  MCG_EINPUT otherwise.
 */
int mcg_merkle_consistency_proof(int64_t old_size, int64_t new_size,
				 mcg_hash_reader read, void *ctx,
				 mcg_hash *proof, size_t *nproof,
				 mcg_error *err);

/* Verifies a consistency proof (RFC 9162 section 2.1.4.2).  Returns 0 or
 * MCG_EINTEGRITY. */
int mcg_merkle_verify_consistency(const mcg_hash *proof, size_t nproof,
				  int64_t old_size, int64_t new_size,
				  const mcg_hash *old_root,
				  const mcg_hash *new_root, mcg_error *err);

/* Lowercase hex of a hash into buf (65 bytes). */
char *mcg_hash_hex(const mcg_hash *h, char *buf);

/* Parses 64 hex digits (either case).  MCG_EINPUT otherwise. */
int mcg_hash_from_hex(const char *hex, mcg_hash *out, mcg_error *err);

#endif
