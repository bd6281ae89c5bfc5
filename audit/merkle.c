/*
 * RFC 9162 Merkle trees kept as tlog "stored hashes": see merkle.h.
 *
 * Building proofs follows golang.org/x/mod/sumdb/tlog (StoredHashIndex,
 * StoredHashCount, StoredHashes, TreeHash, ProveRecord, ProveTree): first
 * list the stored-hash indexes a computation needs, read them all in one
 * call, then walk the same recursion again consuming the hashes in the
 * order they were listed.  Verifying follows the algorithms of RFC 9162
 * sections 2.1.3.2 and 2.1.4.2 directly, so that the checker shares no
 * code with the prover: a bug in one is caught by the other.
 *
 * Sizes and indexes are int64_t at the API and handled as uint64_t inside,
 * so that no shift or sum near 2^63 is undefined behaviour.
 */
/* SHA256_Init and friends: see mcg_merkle_leaf_hash. */
#define OPENSSL_SUPPRESS_DEPRECATED

#include "merkle.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/sha.h>

/*
 * The most stored hashes one computation reads.  A tree hash reads one per
 * 1 bit of the size (at most 63).  A proof reads one complete subtree per
 * level (at most 63) plus the pieces of one incomplete subtree (at most
 * 63 more); 192 leaves a margin over both.
 */
#define MERKLE_READS_MAX 192

/* Indexes to read, in the order the computation will consume them. */
struct index_list {
	int64_t v[MERKLE_READS_MAX];
	size_t n;
};

/* Hashes read back, consumed front to back. */
struct hash_cursor {
	const mcg_hash *h;
	size_t n;
	size_t pos;
};

/* A proof under construction, nearest sibling first. */
struct proof_list {
	mcg_hash *h;
	size_t n;
};

/*
 * The two hash functions return void because SHA-256 over bytes in memory
 * cannot fail for any input.  Should OpenSSL still report a failure, the
 * process stops rather than return a wrong hash, which the journal would
 * otherwise store in the audit trail for good.
 */
static void hash_failed(void)
{
	abort();
}

/*
 * The leaf and node hashes use OpenSSL's SHA256_Init/Update/Final, on a
 * context on the stack.  OpenSSL 3.0 deprecates them in favour of EVP,
 * but its EVP_DigestInit_ex2 frees and allocates the provider's context
 * and asks the ENGINE table again on every hash, even on a reused
 * EVP_MD_CTX: 70 to 90 ns of a 120 to 230 ns hash at these sizes.  An
 * import makes two hashes an event, and this took 8% off its time
 * (docs/PERFORMANCE.md).  Same library, same assembly (SHA-NI where the
 * CPU has it), no allocation.  Should a later OpenSSL drop these calls,
 * EVP with one context a thread is the way back (git history).
 */
void mcg_merkle_leaf_hash(const void *data, size_t len, mcg_hash *out)
{
	static const uint8_t prefix = 0x00;
	SHA256_CTX ctx;

	if (SHA256_Init(&ctx) != 1 || SHA256_Update(&ctx, &prefix, 1) != 1 ||
	    SHA256_Update(&ctx, data, len) != 1 || SHA256_Final(out->b, &ctx) != 1)
		hash_failed();
}

void mcg_merkle_node_hash(const mcg_hash *left, const mcg_hash *right,
			  mcg_hash *out)
{
	uint8_t buf[1 + 2 * MCG_HASH_SIZE];
	SHA256_CTX ctx;

	/* Copied first: out may be the same hash as left or right. */
	buf[0] = 0x01;
	memcpy(buf + 1, left->b, MCG_HASH_SIZE);
	memcpy(buf + 1 + MCG_HASH_SIZE, right->b, MCG_HASH_SIZE);
	if (SHA256_Init(&ctx) != 1 || SHA256_Update(&ctx, buf, sizeof(buf)) != 1 ||
	    SHA256_Final(out->b, &ctx) != 1)
		hash_failed();
}

/* The largest power of two <= n (n >= 1). */
static uint64_t pow2_floor(uint64_t n)
{
	assert(n >= 1);
	return (uint64_t)1 << (63 - __builtin_clzll(n));
}

/* The largest power of two < n (n >= 2): RFC 9162's k for a split. */
static uint64_t split_point(uint64_t n)
{
	assert(n >= 2);
	return pow2_floor(n - 1);
}

int64_t mcg_merkle_stored_index(int level, int64_t n)
{
	uint64_t un = (uint64_t)n, i = 0;
	int l;

	assert(level >= 0 && level < 64 && n >= 0);
	/* Level L's n'th hash is written right after level L+1's 2n+1'th,
	 * so walk down to the leaf level, then count every hash stored up
	 * to that leaf: n + n/2 + n/4 + ... */
	for (l = level; l > 0; l--)
		un = 2 * un + 1;
	for (; un > 0; un >>= 1)
		i += un;
	return (int64_t)(i + (uint64_t)level);
}

int mcg_merkle_split_index(int64_t index, int *level, int64_t *n)
{
	int64_t leaf, at;

	if (index < 0)
		return MCG_EINPUT;
	/* tlog's SplitStoredHashIndex: stored_index(0, m) < 2m, so the leaf
	 * whose append stored this hash is index/2 or a few after it. */
	leaf = index / 2;
	at = mcg_merkle_stored_index(0, leaf);
	for (;;) {
		/* Appending leaf m + 1 stores 1 + trailing zeros of m + 1. */
		int64_t next = at + 1 + __builtin_ctzll((unsigned long long)leaf + 1);

		if (next > index)
			break;
		leaf++;
		at = next;
	}
	*level = (int)(index - at);
	*n = leaf >> *level;
	return MCG_OK;
}

int64_t mcg_merkle_stored_count(int64_t leaves)
{
	uint64_t i;
	int64_t count;

	assert(leaves >= 0);
	if (leaves == 0)
		return 0;
	/* The hashes up to the last leaf, plus one per subtree that the
	 * last leaf completed (its trailing 1 bits). */
	count = mcg_merkle_stored_index(0, leaves - 1) + 1;
	for (i = (uint64_t)(leaves - 1); i & 1; i >>= 1)
		count++;
	return count;
}

static void index_push(struct index_list *list, int level, uint64_t n)
{
	/* The bound is a property of the recursion, not of the input. */
	assert(list->n < MERKLE_READS_MAX);
	if (list->n < MERKLE_READS_MAX)
		list->v[list->n++] = mcg_merkle_stored_index(level, (int64_t)n);
}

/* Calls the reader for all the listed indexes. */
static int read_hashes(mcg_hash_reader read, void *ctx,
		       const struct index_list *list, mcg_hash *out,
		       mcg_error *err)
{
	int rc;

	if (list->n == 0)
		return MCG_OK;
	rc = read(ctx, list->v, list->n, out, err);
	if (rc > 0)
		return mcg_error_set(err, MCG_ESYS,
				     "hash reader returned %d", rc);
	return rc;
}

/*
 * The indexes of the complete subtrees that make up leaves [lo, hi),
 * largest first (tlog's subTreeIndex): each is the largest power of two
 * that fits in what is left.
 */
static void subtree_index(uint64_t lo, uint64_t hi, struct index_list *list)
{
	while (lo < hi) {
		uint64_t k = pow2_floor(hi - lo);
		int level = __builtin_ctzll(k);

		assert((lo & (k - 1)) == 0);
		index_push(list, level, lo >> level);
		lo += k;
	}
}

/* The hash of leaves [lo, hi) from the hashes subtree_index listed
 * (tlog's subTreeHash): the pieces are folded from the right, as the
 * RFC's recursive definition nests them. */
static void subtree_hash(uint64_t lo, uint64_t hi, struct hash_cursor *c,
			 mcg_hash *out)
{
	const mcg_hash *first = &c->h[c->pos];
	size_t pieces = 0, i;

	for (; lo < hi; lo += pow2_floor(hi - lo))
		pieces++;
	assert(pieces >= 1 && c->pos + pieces <= c->n);
	*out = first[pieces - 1];
	for (i = pieces - 1; i > 0; i--)
		mcg_merkle_node_hash(&first[i - 1], out, out);
	c->pos += pieces;
}

int mcg_merkle_append(int64_t n, const mcg_hash *leaf, mcg_hash_reader read,
		      void *ctx, mcg_hash *out, size_t *nout, mcg_error *err)
{
	struct index_list list = { .n = 0 };
	mcg_hash old[64];
	int m, i, rc;

	*nout = 0;
	if (n < 0 || n == INT64_MAX)
		return mcg_error_set(err, MCG_EINPUT,
				     "leaf number %lld out of range", (long long)n);
	/* Each trailing 1 bit of n completes a subtree, whose left half is
	 * already stored; list those left halves, lowest level last. */
	m = __builtin_ctzll((uint64_t)n + 1);
	for (i = m - 1; i >= 0; i--)
		index_push(&list, i, ((uint64_t)n >> i) - 1);
	rc = read_hashes(read, ctx, &list, old, err);
	if (rc)
		return rc;
	out[0] = *leaf;
	for (i = 0; i < m; i++)
		mcg_merkle_node_hash(&old[m - 1 - i], &out[i], &out[i + 1]);
	*nout = (size_t)m + 1;
	return MCG_OK;
}

int mcg_merkle_tree_hash(int64_t size, mcg_hash_reader read, void *ctx,
			 mcg_hash *out, mcg_error *err)
{
	struct index_list list = { .n = 0 };
	mcg_hash hashes[MERKLE_READS_MAX];
	struct hash_cursor c = { hashes, 0, 0 };
	int rc;

	if (size < 0)
		return mcg_error_set(err, MCG_EINPUT, "negative tree size");
	if (size == 0) {
		/* RFC 9162 2.1.1: MTH({}) = SHA-256() (tlog uses zeros). */
		if (!SHA256((const unsigned char *)"", 0, out->b))
			return mcg_error_set(err, MCG_ESYS, "SHA-256 failed");
		return MCG_OK;
	}
	subtree_index(0, (uint64_t)size, &list);
	rc = read_hashes(read, ctx, &list, hashes, err);
	if (rc)
		return rc;
	c.n = list.n;
	subtree_hash(0, (uint64_t)size, &c, out);
	assert(c.pos == c.n);
	return MCG_OK;
}

/* The indexes leaf_proof will need for leaf n in [lo, hi)
 * (tlog's leafProofIndex). */
static void leaf_proof_index(uint64_t lo, uint64_t hi, uint64_t n,
			     struct index_list *list)
{
	uint64_t k;

	assert(lo <= n && n < hi);
	if (lo + 1 == hi)
		return;
	k = split_point(hi - lo);
	if (n < lo + k) {
		leaf_proof_index(lo, lo + k, n, list);
		subtree_index(lo + k, hi, list);
	} else {
		subtree_index(lo, lo + k, list);
		leaf_proof_index(lo + k, hi, n, list);
	}
}

/* The audit path of leaf n in [lo, hi) (tlog's leafProof, RFC 9162
 * 2.1.3.1): the deeper part of the path comes first, then the hash of the
 * side not taken at this level. */
static void leaf_proof(uint64_t lo, uint64_t hi, uint64_t n,
		       struct hash_cursor *c, struct proof_list *p)
{
	mcg_hash sibling;
	uint64_t k;

	assert(lo <= n && n < hi);
	if (lo + 1 == hi)
		return;
	k = split_point(hi - lo);
	if (n < lo + k) {
		leaf_proof(lo, lo + k, n, c, p);
		subtree_hash(lo + k, hi, c, &sibling);
	} else {
		subtree_hash(lo, lo + k, c, &sibling);
		leaf_proof(lo + k, hi, n, c, p);
	}
	assert(p->n < MCG_PROOF_MAX);
	p->h[p->n++] = sibling;
}

int mcg_merkle_inclusion_proof(int64_t size, int64_t index,
			       mcg_hash_reader read, void *ctx,
			       mcg_hash *proof, size_t *nproof, mcg_error *err)
{
	struct index_list list = { .n = 0 };
	mcg_hash hashes[MERKLE_READS_MAX];
	struct hash_cursor c = { hashes, 0, 0 };
	struct proof_list p = { proof, 0 };
	int rc;

	*nproof = 0;
	if (size < 1 || index < 0 || index >= size)
		return mcg_error_set(err, MCG_EINPUT,
				     "no leaf %lld in a tree of size %lld",
				     (long long)index, (long long)size);
	leaf_proof_index(0, (uint64_t)size, (uint64_t)index, &list);
	rc = read_hashes(read, ctx, &list, hashes, err);
	if (rc)
		return rc;
	c.n = list.n;
	leaf_proof(0, (uint64_t)size, (uint64_t)index, &c, &p);
	assert(c.pos == c.n);
	*nproof = p.n;
	return MCG_OK;
}

/* The indexes tree_proof will need (tlog's treeProofIndex). */
static void tree_proof_index(uint64_t lo, uint64_t hi, uint64_t n,
			     struct index_list *list)
{
	uint64_t k;

	assert(lo < n && n <= hi);
	if (n == hi) {
		if (lo != 0)
			subtree_index(lo, hi, list);
		return;
	}
	k = split_point(hi - lo);
	if (n <= lo + k) {
		tree_proof_index(lo, lo + k, n, list);
		subtree_index(lo + k, hi, list);
	} else {
		subtree_index(lo, lo + k, list);
		tree_proof_index(lo + k, hi, n, list);
	}
}

/*
 * The consistency proof for the old tree of n leaves within [lo, hi)
 * (tlog's treeProof, RFC 9162 2.1.4.1 SUBPROOF).  When the old tree is
 * exactly [lo, hi) its hash is sent, except at the top left, where the
 * verifier already has it as the old root.
 */
static void tree_proof(uint64_t lo, uint64_t hi, uint64_t n,
		       struct hash_cursor *c, struct proof_list *p)
{
	mcg_hash h;
	uint64_t k;

	assert(lo < n && n <= hi);
	if (n == hi) {
		if (lo == 0)
			return;
		subtree_hash(lo, hi, c, &h);
	} else {
		k = split_point(hi - lo);
		if (n <= lo + k) {
			tree_proof(lo, lo + k, n, c, p);
			subtree_hash(lo + k, hi, c, &h);
		} else {
			subtree_hash(lo, lo + k, c, &h);
			tree_proof(lo + k, hi, n, c, p);
		}
	}
	assert(p->n < MCG_PROOF_MAX);
	p->h[p->n++] = h;
}

int mcg_merkle_consistency_proof(int64_t old_size, int64_t new_size,
				 mcg_hash_reader read, void *ctx,
				 mcg_hash *proof, size_t *nproof,
				 mcg_error *err)
{
	struct index_list list = { .n = 0 };
	mcg_hash hashes[MERKLE_READS_MAX];
	struct hash_cursor c = { hashes, 0, 0 };
	struct proof_list p = { proof, 0 };
	int rc;

	*nproof = 0;
	if (old_size < 1 || old_size > new_size)
		return mcg_error_set(err, MCG_EINPUT,
				     "no consistency proof from size %lld to %lld",
				     (long long)old_size, (long long)new_size);
	tree_proof_index(0, (uint64_t)new_size, (uint64_t)old_size, &list);
	rc = read_hashes(read, ctx, &list, hashes, err);
	if (rc)
		return rc;
	c.n = list.n;
	tree_proof(0, (uint64_t)new_size, (uint64_t)old_size, &c, &p);
	assert(c.pos == c.n);
	*nproof = p.n;
	return MCG_OK;
}

static int hash_equal(const mcg_hash *a, const mcg_hash *b)
{
	return memcmp(a->b, b->b, MCG_HASH_SIZE) == 0;
}

/* Shifts fn and sn right together until fn's low bit is set or fn is 0:
 * the RFC's way of skipping levels where the node has no right sibling. */
static void skip_right_edge(uint64_t *fn, uint64_t *sn)
{
	while (*fn != 0 && (*fn & 1) == 0) {
		*fn >>= 1;
		*sn >>= 1;
	}
}

int mcg_merkle_verify_inclusion(const mcg_hash *proof, size_t nproof,
				int64_t size, int64_t index,
				const mcg_hash *leaf, const mcg_hash *root,
				mcg_error *err)
{
	uint64_t fn, sn;
	mcg_hash r;
	size_t i;

	if (index < 0 || size < 1 || index >= size)
		return mcg_error_set(err, MCG_EINTEGRITY,
				     "inclusion proof: leaf %lld is not in a tree of size %lld",
				     (long long)index, (long long)size);
	if (nproof > MCG_PROOF_MAX)
		return mcg_error_set(err, MCG_EINTEGRITY,
				     "inclusion proof: %zu hashes is too many",
				     nproof);
	fn = (uint64_t)index;
	sn = (uint64_t)size - 1;
	r = *leaf;
	for (i = 0; i < nproof; i++) {
		if (sn == 0)
			return mcg_error_set(err, MCG_EINTEGRITY,
					     "inclusion proof: too many hashes (%zu) for leaf %lld of %lld",
					     nproof, (long long)index, (long long)size);
		if ((fn & 1) || fn == sn) {
			mcg_merkle_node_hash(&proof[i], &r, &r);
			skip_right_edge(&fn, &sn);
		} else {
			mcg_merkle_node_hash(&r, &proof[i], &r);
		}
		fn >>= 1;
		sn >>= 1;
	}
	if (sn != 0)
		return mcg_error_set(err, MCG_EINTEGRITY,
				     "inclusion proof: too few hashes (%zu) for leaf %lld of %lld",
				     nproof, (long long)index, (long long)size);
	if (!hash_equal(&r, root))
		return mcg_error_set(err, MCG_EINTEGRITY,
				     "inclusion proof: leaf %lld does not lead to the root of the tree of size %lld",
				     (long long)index, (long long)size);
	return MCG_OK;
}

/* The consistency path of RFC 9162 2.1.4.2, with the old root in front
 * when the old size is a power of two (step 2), without copying. */
struct consistency_path {
	const mcg_hash *first;  /* the old root, or NULL */
	const mcg_hash *proof;
	size_t nproof;
};

static size_t path_len(const struct consistency_path *p)
{
	return p->nproof + (p->first ? 1 : 0);
}

static const mcg_hash *path_at(const struct consistency_path *p, size_t i)
{
	if (p->first)
		return i == 0 ? p->first : &p->proof[i - 1];
	return &p->proof[i];
}

/* Steps 3 to 6 of RFC 9162 2.1.4.2: computes the old and new roots the
 * path implies.  Returns 0, or MCG_EINTEGRITY when the path is too long or
 * too short for the sizes. */
static int run_consistency(const struct consistency_path *path,
			   uint64_t old_size, uint64_t new_size,
			   mcg_hash *fr, mcg_hash *sr, mcg_error *err)
{
	uint64_t fn = old_size - 1, sn = new_size - 1;
	size_t i, n = path_len(path);

	while (fn & 1) {
		fn >>= 1;
		sn >>= 1;
	}
	*fr = *path_at(path, 0);
	*sr = *fr;
	for (i = 1; i < n; i++) {
		const mcg_hash *c = path_at(path, i);

		if (sn == 0)
			return mcg_error_set(err, MCG_EINTEGRITY,
					     "consistency proof: too many hashes");
		if ((fn & 1) || fn == sn) {
			mcg_merkle_node_hash(c, fr, fr);
			mcg_merkle_node_hash(c, sr, sr);
			skip_right_edge(&fn, &sn);
		} else {
			mcg_merkle_node_hash(sr, c, sr);
		}
		fn >>= 1;
		sn >>= 1;
	}
	if (sn != 0)
		return mcg_error_set(err, MCG_EINTEGRITY,
				     "consistency proof: too few hashes");
	return MCG_OK;
}

int mcg_merkle_verify_consistency(const mcg_hash *proof, size_t nproof,
				  int64_t old_size, int64_t new_size,
				  const mcg_hash *old_root,
				  const mcg_hash *new_root, mcg_error *err)
{
	struct consistency_path path = { NULL, proof, nproof };
	mcg_hash fr, sr;
	int rc;

	if (old_size < 1 || old_size > new_size)
		return mcg_error_set(err, MCG_EINTEGRITY,
				     "consistency proof: no proof from size %lld to %lld",
				     (long long)old_size, (long long)new_size);
	if (nproof > MCG_PROOF_MAX)
		return mcg_error_set(err, MCG_EINTEGRITY,
				     "consistency proof: %zu hashes is too many",
				     nproof);
	/* Equal sizes: the RFC defines no proof; the only sound one is
	 * empty, and the roots must then be the same. */
	if (old_size == new_size) {
		if (nproof != 0 || !hash_equal(old_root, new_root))
			return mcg_error_set(err, MCG_EINTEGRITY,
					     "consistency proof: trees of equal size %lld differ",
					     (long long)old_size);
		return MCG_OK;
	}
	if (nproof == 0)
		return mcg_error_set(err, MCG_EINTEGRITY,
				     "consistency proof: empty");
	if ((old_size & (old_size - 1)) == 0)
		path.first = old_root;
	rc = run_consistency(&path, (uint64_t)old_size, (uint64_t)new_size,
			     &fr, &sr, err);
	if (rc)
		return rc;
	if (!hash_equal(&fr, old_root))
		return mcg_error_set(err, MCG_EINTEGRITY,
				     "consistency proof: does not lead to the old root (size %lld)",
				     (long long)old_size);
	if (!hash_equal(&sr, new_root))
		return mcg_error_set(err, MCG_EINTEGRITY,
				     "consistency proof: does not lead to the new root (size %lld)",
				     (long long)new_size);
	return MCG_OK;
}

char *mcg_hash_hex(const mcg_hash *h, char *buf)
{
	static const char digits[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < MCG_HASH_SIZE; i++) {
		buf[2 * i] = digits[h->b[i] >> 4];
		buf[2 * i + 1] = digits[h->b[i] & 0x0f];
	}
	buf[2 * MCG_HASH_SIZE] = '\0';
	return buf;
}

static int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int mcg_hash_from_hex(const char *hex, mcg_hash *out, mcg_error *err)
{
	mcg_hash h;
	size_t i;

	for (i = 0; i < 2 * MCG_HASH_SIZE; i++) {
		if (hex_value(hex[i]) < 0)
			return mcg_error_set(err, MCG_EINPUT,
					     "hash: expected 64 hex digits");
	}
	if (hex[2 * MCG_HASH_SIZE] != '\0')
		return mcg_error_set(err, MCG_EINPUT,
				     "hash: expected 64 hex digits, got more");
	for (i = 0; i < MCG_HASH_SIZE; i++)
		h.b[i] = (uint8_t)(hex_value(hex[2 * i]) << 4 |
				   hex_value(hex[2 * i + 1]));
	*out = h;
	return MCG_OK;
}
