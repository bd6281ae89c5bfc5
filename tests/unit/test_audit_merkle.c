/*
 * Unit tests for audit/merkle.c: RFC 9162 trees kept as tlog stored hashes.
 *
 * Reference values, each from where it was published:
 *   - the 8 test leaves, their node hashes and the roots of sizes 0..8:
 *     transparency-dev/merkle testonly/constants.go (the same data as
 *     certificate-transparency-go's merkletree tests);
 *   - inclusion and consistency proofs over those leaves:
 *     transparency-dev/merkle proof/verify_test.go;
 *   - the 7-leaf example and its proofs: RFC 6962 section 2.1.3, repeated
 *     in RFC 9162 section 2.1.5, plus the remaining leaves of that tree
 *     from transparency-dev/merkle proof/proof_test.go (TestInclusion);
 *   - a real Certificate Transparency proof from Google's Argon 2020 log:
 *     golang.org/x/mod sumdb/tlog/testdata/argon2020 (ct_test.go).
 * Everything else is checked against a straight transcription of RFC
 * 9162's recursive definitions (MTH, PATH, PROOF/SUBPROOF) below, which
 * shares no code with the module.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include <openssl/sha.h>

#include "audit/base64.h"
#include "audit/merkle.h"

#define STORE_LEAVES_MAX 256
#define STORE_HASHES_MAX 1024

/* Stored hashes in an array, filled through mcg_merkle_append. */
struct store {
	mcg_hash h[STORE_HASHES_MAX];
	int64_t n;
	int64_t leaves;
	mcg_hash leaf[STORE_LEAVES_MAX];
	int fail_reads;     /* make the reader fail, to test propagation */
};

static int store_read(void *ctx, const int64_t *idx, size_t n, mcg_hash *out,
		      mcg_error *err)
{
	struct store *s = ctx;
	size_t i;

	if (s->fail_reads)
		return mcg_error_set(err, MCG_ESYS, "reader failed on purpose");
	for (i = 0; i < n; i++) {
		/* Never read a hash that is not stored yet. */
		if (idx[i] < 0 || idx[i] >= s->n)
			return mcg_error_set(err, MCG_ESYS,
					     "read of index %lld past %lld",
					     (long long)idx[i], (long long)s->n);
		out[i] = s->h[idx[i]];
	}
	return MCG_OK;
}

static void store_add_hash(struct store *s, const mcg_hash *leaf)
{
	mcg_hash out[MCG_PROOF_MAX];
	size_t nout = 0, i;
	mcg_error err;
	int rc;

	cr_assert_eq(s->n, mcg_merkle_stored_count(s->leaves));
	cr_assert_eq(s->n, mcg_merkle_stored_index(0, s->leaves),
		     "leaf %lld goes at stored index %lld",
		     (long long)s->leaves, (long long)s->n);
	rc = mcg_merkle_append(s->leaves, leaf, store_read, s, out, &nout,
			       &err);
	cr_assert_eq(rc, 0, "append: %s", err.msg);
	cr_assert(nout >= 1 && s->n + (int64_t)nout <= STORE_HASHES_MAX);
	cr_assert(memcmp(&out[0], leaf, sizeof(*leaf)) == 0);
	for (i = 0; i < nout; i++)
		s->h[s->n + (int64_t)i] = out[i];
	s->leaf[s->leaves] = *leaf;
	s->n += (int64_t)nout;
	s->leaves++;
	cr_assert_eq(s->n, mcg_merkle_stored_count(s->leaves));
}

static void store_add(struct store *s, const void *data, size_t len)
{
	mcg_hash leaf;

	mcg_merkle_leaf_hash(data, len, &leaf);
	store_add_hash(s, &leaf);
}

/* Leaves "leaf 0", "leaf 1", ... as in tlog's own tests. */
static void store_fill(struct store *s, int64_t n)
{
	char text[32];
	int64_t i;

	memset(s, 0, sizeof(*s));
	for (i = 0; i < n; i++) {
		int len = snprintf(text, sizeof(text), "leaf %lld",
				   (long long)i);
		store_add(s, text, (size_t)len);
	}
}

static mcg_hash hx(const char *hex)
{
	mcg_hash h;
	mcg_error err;

	cr_assert_eq(mcg_hash_from_hex(hex, &h, &err), 0, "%s", hex);
	return h;
}

static int heq(const mcg_hash *a, const mcg_hash *b)
{
	return memcmp(a->b, b->b, MCG_HASH_SIZE) == 0;
}

static void assert_heq(const mcg_hash *got, const mcg_hash *want,
		       const char *what)
{
	char g[65], w[65];

	cr_assert(heq(got, want), "%s: got %s, want %s", what,
		  mcg_hash_hex(got, g), mcg_hash_hex(want, w));
}

/* ---- RFC 9162 section 2.1, transcribed as the reference ------------- */

static uint64_t ref_split(uint64_t n)
{
	uint64_t k = 1;

	while (k * 2 < n)
		k *= 2;
	return k;
}

static void ref_mth(const mcg_hash *d, uint64_t n, mcg_hash *out)
{
	mcg_hash l, r;
	uint64_t k;

	if (n == 0) {
		mcg_hash empty;

		SHA256((const unsigned char *)"", 0, empty.b);
		*out = empty;
		return;
	}
	if (n == 1) {
		*out = d[0];
		return;
	}
	k = ref_split(n);
	ref_mth(d, k, &l);
	ref_mth(d + k, n - k, &r);
	mcg_merkle_node_hash(&l, &r, out);
}

static void ref_path(uint64_t m, const mcg_hash *d, uint64_t n,
		     mcg_hash *out, size_t *nout)
{
	uint64_t k;

	if (n == 1)
		return;
	k = ref_split(n);
	if (m < k) {
		ref_path(m, d, k, out, nout);
		ref_mth(d + k, n - k, &out[(*nout)++]);
	} else {
		ref_path(m - k, d + k, n - k, out, nout);
		ref_mth(d, k, &out[(*nout)++]);
	}
}

static void ref_subproof(uint64_t m, const mcg_hash *d, uint64_t n, int b,
			 mcg_hash *out, size_t *nout)
{
	uint64_t k;

	if (m == n) {
		if (!b)
			ref_mth(d, n, &out[(*nout)++]);
		return;
	}
	k = ref_split(n);
	if (m <= k) {
		ref_subproof(m, d, k, b, out, nout);
		ref_mth(d + k, n - k, &out[(*nout)++]);
	} else {
		ref_subproof(m - k, d + k, n - k, 0, out, nout);
		ref_mth(d, k, &out[(*nout)++]);
	}
}

/* ---- reference data ------------------------------------------------- */

/* transparency-dev/merkle testonly/constants.go LeafInputs(). */
static const struct {
	const char *data;
	size_t len;
} test_leaves[8] = {
	{ "", 0 },
	{ "\x00", 1 },
	{ "\x10", 1 },
	{ "\x20\x21", 2 },
	{ "\x30\x31", 2 },
	{ "\x40\x41\x42\x43", 4 },
	{ "\x50\x51\x52\x53\x54\x55\x56\x57", 8 },
	{ "\x60\x61\x62\x63\x64\x65\x66\x67\x68\x69\x6a\x6b\x6c\x6d\x6e\x6f",
	  16 },
};

/* RootHashes(): index = tree size. */
static const char *const test_roots[9] = {
	"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
	"6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
	"fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
	"aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
	"d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
	"4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
	"76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
	"ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
	"5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
};

/* NodeHashes(): [level][index] of every complete subtree. */
static const char *const node_l0[8] = {
	"6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
	"96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
	"0298d122906dcfc10892cb53a73992fc5b9f493ea4c9badb27b791b4127a7fe7",
	"07506a85fd9dd2f120eb694f86011e5bb4662e5c415a62917033d4a9624487e7",
	"bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
	"4271a26be0d8a84f0bd54c8c302e7cb3a3b5d1fa6780a40bcce2873477dab658",
	"b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
	"46f6ffadd3d06a09ff3c5860d2755c8b9819db7df44251788c7d8e3180de8eb1",
};
static const char *const node_l1[4] = {
	"fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
	"5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
	"0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
	"ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
};
static const char *const node_l2[2] = {
	"d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
	"6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
};
static const char *const node_l3 =
	"5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328";

/* proof/verify_test.go: inclusionProofs (leaf is 1-based there). */
static const struct {
	int64_t leaf1, size;
	size_t n;
	const char *proof[3];
} incl_vectors[] = {
	{ 1, 1, 0, { NULL } },
	{ 1, 8, 3,
	  { "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
	    "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
	    "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4" } },
	{ 6, 8, 3,
	  { "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
	    "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
	    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7" } },
	{ 3, 3, 1,
	  { "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125" } },
	{ 2, 5, 3,
	  { "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
	    "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
	    "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b" } },
};

/* proof/verify_test.go: consistencyProofs. */
static const struct {
	int64_t size1, size2;
	size_t n;
	const char *proof[3];
} cons_vectors[] = {
	{ 1, 1, 0, { NULL } },
	{ 1, 8, 3,
	  { "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
	    "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
	    "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4" } },
	{ 6, 8, 3,
	  { "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
	    "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
	    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7" } },
	{ 2, 5, 2,
	  { "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
	    "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b" } },
	{ 6, 7, 3,
	  { "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
	    "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
	    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7" } },
};

static void store_test_leaves(struct store *s, int64_t n)
{
	int64_t i;

	memset(s, 0, sizeof(*s));
	for (i = 0; i < n; i++)
		store_add(s, test_leaves[i].data, test_leaves[i].len);
}

static mcg_hash tree_hash(struct store *s, int64_t size)
{
	mcg_hash h;
	mcg_error err;

	cr_assert_eq(mcg_merkle_tree_hash(size, store_read, s, &h, &err), 0,
		     "tree hash %lld: %s", (long long)size, err.msg);
	return h;
}

/* ---- hashing and storage --------------------------------------------- */

Test(audit_merkle, leaf_hashes_match_reference)
{
	mcg_hash h, want;
	int i;

	for (i = 0; i < 8; i++) {
		mcg_merkle_leaf_hash(test_leaves[i].data, test_leaves[i].len, &h);
		want = hx(node_l0[i]);
		assert_heq(&h, &want, "leaf hash");
	}
}

Test(audit_merkle, roots_of_sizes_0_to_8)
{
	struct store s;
	mcg_hash got, want;
	int64_t size;

	store_test_leaves(&s, 8);
	for (size = 0; size <= 8; size++) {
		got = tree_hash(&s, size);
		want = hx(test_roots[size]);
		assert_heq(&got, &want, "root");
	}
}

Test(audit_merkle, roots_while_growing)
{
	struct store s;
	mcg_hash got, want;
	int64_t size;

	memset(&s, 0, sizeof(s));
	for (size = 1; size <= 8; size++) {
		store_add(&s, test_leaves[size - 1].data,
			  test_leaves[size - 1].len);
		got = tree_hash(&s, size);
		want = hx(test_roots[size]);
		assert_heq(&got, &want, "root while growing");
	}
}

Test(audit_merkle, empty_tree_is_sha256_of_nothing)
{
	struct store s;
	mcg_hash got, want;

	memset(&s, 0, sizeof(s));
	got = tree_hash(&s, 0);
	want = hx("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	assert_heq(&got, &want, "empty tree");
}

Test(audit_merkle, stored_subtrees_are_the_reference_nodes)
{
	struct store s;
	mcg_hash want;
	int i;

	store_test_leaves(&s, 8);
	for (i = 0; i < 8; i++) {
		want = hx(node_l0[i]);
		assert_heq(&s.h[mcg_merkle_stored_index(0, i)], &want, "level 0");
	}
	for (i = 0; i < 4; i++) {
		want = hx(node_l1[i]);
		assert_heq(&s.h[mcg_merkle_stored_index(1, i)], &want, "level 1");
	}
	for (i = 0; i < 2; i++) {
		want = hx(node_l2[i]);
		assert_heq(&s.h[mcg_merkle_stored_index(2, i)], &want, "level 2");
	}
	want = hx(node_l3);
	assert_heq(&s.h[mcg_merkle_stored_index(3, 0)], &want, "level 3");
	cr_assert_eq(s.n, 15);
}

Test(audit_merkle, every_stored_hash_is_its_subtree)
{
	struct store s;
	mcg_hash want;
	int64_t n, level;

	store_fill(&s, 130);
	for (level = 0; level < 8; level++) {
		for (n = 0; ((n + 1) << level) <= 130; n++) {
			ref_mth(&s.leaf[n << level], (uint64_t)1 << level, &want);
			assert_heq(&s.h[mcg_merkle_stored_index((int)level, n)],
				   &want, "stored subtree");
		}
	}
}

Test(audit_merkle, stored_layout)
{
	/* The layout of tlog: leaf n, then the subtrees it completes. */
	cr_assert_eq(mcg_merkle_stored_index(0, 0), 0);
	cr_assert_eq(mcg_merkle_stored_index(0, 1), 1);
	cr_assert_eq(mcg_merkle_stored_index(1, 0), 2);
	cr_assert_eq(mcg_merkle_stored_index(0, 2), 3);
	cr_assert_eq(mcg_merkle_stored_index(0, 3), 4);
	cr_assert_eq(mcg_merkle_stored_index(1, 1), 5);
	cr_assert_eq(mcg_merkle_stored_index(2, 0), 6);
	cr_assert_eq(mcg_merkle_stored_count(0), 0);
	cr_assert_eq(mcg_merkle_stored_count(1), 1);
	cr_assert_eq(mcg_merkle_stored_count(2), 3);
	cr_assert_eq(mcg_merkle_stored_count(3), 4);
	cr_assert_eq(mcg_merkle_stored_count(4), 7);
	cr_assert_eq(mcg_merkle_stored_count(8), 15);
}

Test(audit_merkle, split_index_inverts_stored_index)
{
	int64_t index = 0, n;
	int level;

	/* Every index of the first 100,000 leaves, in storage order: leaf
	 * m, then the subtrees it completes, level by level. */
	for (int64_t m = 0; m < 100000; m++)
		for (int l = 0; l <= __builtin_ctzll((unsigned long long)m + 1); l++, index++) {
			cr_assert_eq(mcg_merkle_split_index(index, &level, &n), 0);
			cr_assert(level == l && n == m >> l,
				  "index %lld: level %d n %lld, want %d %lld",
				  (long long)index, level, (long long)n, l, (long long)(m >> l));
			cr_assert_eq(mcg_merkle_stored_index(level, n), index);
		}
	cr_assert_eq(index, mcg_merkle_stored_count(100000));
	/* Far out, as a ledger of billions of events asks. */
	for (int l = 0; l < 22; l += 7) {	/* leaves up to about 2^61 */
		int64_t i = mcg_merkle_stored_index(l, ((int64_t)1 << 40) + 12345);

		cr_assert_eq(mcg_merkle_split_index(i, &level, &n), 0);
		cr_assert(level == l && n == ((int64_t)1 << 40) + 12345);
	}
	cr_assert_eq(mcg_merkle_split_index(-1, &level, &n), MCG_EINPUT);
}

Test(audit_merkle, tree_hash_matches_rfc_definition_up_to_130)
{
	struct store s;
	mcg_hash got, want;
	int64_t size;

	store_fill(&s, 130);
	for (size = 0; size <= 130; size++) {
		got = tree_hash(&s, size);
		ref_mth(s.leaf, (uint64_t)size, &want);
		assert_heq(&got, &want, "tree hash");
	}
}

Test(audit_merkle, append_and_tree_hash_pass_on_reader_errors)
{
	struct store s;
	mcg_hash out[MCG_PROOF_MAX], leaf, h;
	size_t n;
	mcg_error err;

	store_fill(&s, 7);
	s.fail_reads = 1;
	mcg_merkle_leaf_hash("x", 1, &leaf);
	/* Leaf 7 completes subtrees, so it must read; the error comes back. */
	cr_assert_eq(mcg_merkle_append(7, &leaf, store_read, &s, out, &n, &err),
		     MCG_ESYS);
	cr_assert(strstr(err.msg, "on purpose"));
	cr_assert_eq(mcg_merkle_tree_hash(7, store_read, &s, &h, &err), MCG_ESYS);
	cr_assert_eq(mcg_merkle_inclusion_proof(7, 0, store_read, &s, out, &n,
						&err), MCG_ESYS);
	cr_assert_eq(mcg_merkle_consistency_proof(3, 7, store_read, &s, out, &n,
						  &err), MCG_ESYS);
	cr_assert_eq(mcg_merkle_append(-1, &leaf, store_read, &s, out, &n, &err),
		     MCG_EINPUT);
}

/* ---- proofs against the published vectors ---------------------------- */

static void assert_proof(const mcg_hash *got, size_t ngot,
			 const char *const *want, size_t nwant,
			 const char *what)
{
	mcg_hash w;
	size_t i;

	cr_assert_eq(ngot, nwant, "%s: %zu hashes, want %zu", what, ngot, nwant);
	for (i = 0; i < nwant; i++) {
		w = hx(want[i]);
		assert_heq(&got[i], &w, what);
	}
}

/* The corruptions of transparency-dev's corruptInclusionProof, and then
 * some: every one must be refused. */
static void assert_inclusion_tamper_refused(const mcg_hash *proof, size_t n,
					    int64_t size, int64_t index,
					    const mcg_hash *leaf,
					    const mcg_hash *root)
{
	mcg_hash p[MCG_PROOF_MAX + 2], wrong;
	mcg_error err;
	size_t i;
	int bit;

	memcpy(p, proof, n * sizeof(*p));
	cr_assert_eq(mcg_merkle_verify_inclusion(p, n, size, index, leaf, root,
						 &err), 0, "%s", err.msg);
	cr_assert_neq(mcg_merkle_verify_inclusion(p, n, size, index - 1, leaf,
						  root, &err), 0, "index-1");
	cr_assert_neq(mcg_merkle_verify_inclusion(p, n, size, index + 1, leaf,
						  root, &err), 0, "index+1");
	cr_assert_neq(mcg_merkle_verify_inclusion(p, n, size, index ^ 2, leaf,
						  root, &err), 0, "index^2");
	cr_assert_neq(mcg_merkle_verify_inclusion(p, n, size * 2, index, leaf,
						  root, &err), 0, "size*2");
	cr_assert_neq(mcg_merkle_verify_inclusion(p, n, size / 2, index, leaf,
						  root, &err), 0, "size/2");
	wrong = *leaf;
	wrong.b[31] ^= 1;
	cr_assert_eq(mcg_merkle_verify_inclusion(p, n, size, index, &wrong,
						 root, &err), MCG_EINTEGRITY,
		     "wrong leaf");
	cr_assert_eq(mcg_merkle_verify_inclusion(p, n, size, index, leaf,
						 &wrong, &err), MCG_EINTEGRITY,
		     "wrong root");
	/* An extra hash at the end (the root, as in the Go tests). */
	p[n] = *root;
	cr_assert_eq(mcg_merkle_verify_inclusion(p, n + 1, size, index, leaf,
						 root, &err), MCG_EINTEGRITY,
		     "trailing hash");
	/* An extra hash in front. */
	memmove(p + 1, p, n * sizeof(*p));
	p[0] = *root;
	cr_assert_eq(mcg_merkle_verify_inclusion(p, n + 1, size, index, leaf,
						 root, &err), MCG_EINTEGRITY,
		     "preceding hash");
	memcpy(p, proof, n * sizeof(*p));
	if (n > 0)
		cr_assert_eq(mcg_merkle_verify_inclusion(p, n - 1, size, index,
							 leaf, root, &err),
			     MCG_EINTEGRITY, "missing hash");
	for (i = 0; i < n; i++) {
		for (bit = 0; bit < 8; bit += 3) {
			p[i].b[0] ^= (uint8_t)(1u << bit);
			cr_assert_eq(mcg_merkle_verify_inclusion(p, n, size, index,
								 leaf, root,
								 &err),
				     MCG_EINTEGRITY, "bit flip in hash %zu", i);
			p[i].b[0] ^= (uint8_t)(1u << bit);
		}
		p[i].b[MCG_HASH_SIZE - 1] ^= 0x80;
		cr_assert_eq(mcg_merkle_verify_inclusion(p, n, size, index, leaf,
							 root, &err),
			     MCG_EINTEGRITY, "last-byte flip in hash %zu", i);
		p[i].b[MCG_HASH_SIZE - 1] ^= 0x80;
	}
	if (n > 1) {
		/* Inserted component, as corruptInclusionProof does. */
		memmove(p + 2, p + 1, (n - 1) * sizeof(*p));
		memset(&p[1], 0xab, sizeof(p[1]));
		cr_assert_eq(mcg_merkle_verify_inclusion(p, n + 1, size, index,
							 leaf, root, &err),
			     MCG_EINTEGRITY, "inserted hash");
	}
}

static void assert_consistency_tamper_refused(const mcg_hash *proof,
					      size_t n, int64_t s1, int64_t s2,
					      const mcg_hash *r1,
					      const mcg_hash *r2)
{
	mcg_hash p[MCG_PROOF_MAX + 2], wrong;
	mcg_error err;
	size_t i;

	memcpy(p, proof, n * sizeof(*p));
	cr_assert_eq(mcg_merkle_verify_consistency(p, n, s1, s2, r1, r2, &err),
		     0, "%s", err.msg);
	if (n == 0)
		return;
	cr_assert_neq(mcg_merkle_verify_consistency(p, n, s1 - 1, s2, r1, r2,
						    &err), 0, "size1-1");
	cr_assert_neq(mcg_merkle_verify_consistency(p, n, s1 + 1, s2, r1, r2,
						    &err), 0, "size1+1");
	cr_assert_neq(mcg_merkle_verify_consistency(p, n, s1 ^ 2, s2, r1, r2,
						    &err), 0, "size1^2");
	cr_assert_neq(mcg_merkle_verify_consistency(p, n, s1, s2 * 2, r1, r2,
						    &err), 0, "size2*2");
	cr_assert_neq(mcg_merkle_verify_consistency(p, n, s1, s2 / 2, r1, r2,
						    &err), 0, "size2/2");
	wrong = *r1;
	wrong.b[0] ^= 1;
	cr_assert_eq(mcg_merkle_verify_consistency(p, n, s1, s2, &wrong, r2,
						   &err), MCG_EINTEGRITY,
		     "wrong old root");
	wrong = *r2;
	wrong.b[0] ^= 1;
	cr_assert_eq(mcg_merkle_verify_consistency(p, n, s1, s2, r1, &wrong,
						   &err), MCG_EINTEGRITY,
		     "wrong new root");
	cr_assert_eq(mcg_merkle_verify_consistency(p, n, s1, s2, r2, r1, &err),
		     MCG_EINTEGRITY, "swapped roots");
	cr_assert_eq(mcg_merkle_verify_consistency(p, 0, s1, s2, r1, r2, &err),
		     MCG_EINTEGRITY, "empty proof");
	cr_assert_eq(mcg_merkle_verify_consistency(p, n - 1, s1, s2, r1, r2,
						   &err), MCG_EINTEGRITY,
		     "missing hash");
	p[n] = *r2;
	cr_assert_eq(mcg_merkle_verify_consistency(p, n + 1, s1, s2, r1, r2,
						   &err), MCG_EINTEGRITY,
		     "trailing hash");
	memmove(p + 1, p, n * sizeof(*p));
	p[0] = *r1;
	cr_assert_eq(mcg_merkle_verify_consistency(p, n + 1, s1, s2, r1, r2,
						   &err), MCG_EINTEGRITY,
		     "preceding old root");
	p[0] = proof[0];
	cr_assert_eq(mcg_merkle_verify_consistency(p, n + 1, s1, s2, r1, r2,
						   &err), MCG_EINTEGRITY,
		     "preceding proof[0]");
	memcpy(p, proof, n * sizeof(*p));
	for (i = 0; i < n; i++) {
		p[i].b[0] ^= 16;
		cr_assert_eq(mcg_merkle_verify_consistency(p, n, s1, s2, r1, r2,
							   &err),
			     MCG_EINTEGRITY, "bit flip in hash %zu", i);
		p[i].b[0] ^= 16;
	}
}

Test(audit_merkle, inclusion_vectors)
{
	struct store s;
	mcg_hash proof[MCG_PROOF_MAX], root, leaf;
	size_t n, v;
	mcg_error err;

	store_test_leaves(&s, 8);
	for (v = 0; v < sizeof(incl_vectors) / sizeof(incl_vectors[0]); v++) {
		int64_t index = incl_vectors[v].leaf1 - 1;
		int64_t size = incl_vectors[v].size;

		cr_assert_eq(mcg_merkle_inclusion_proof(size, index, store_read,
							&s, proof, &n, &err),
			     0, "%s", err.msg);
		assert_proof(proof, n, incl_vectors[v].proof, incl_vectors[v].n,
			     "inclusion vector");
		root = hx(test_roots[size]);
		mcg_merkle_leaf_hash(test_leaves[index].data,
				     test_leaves[index].len, &leaf);
		assert_inclusion_tamper_refused(proof, n, size, index, &leaf,
						&root);
	}
}

Test(audit_merkle, consistency_vectors)
{
	struct store s;
	mcg_hash proof[MCG_PROOF_MAX], r1, r2;
	size_t n, v;
	mcg_error err;

	store_test_leaves(&s, 8);
	for (v = 0; v < sizeof(cons_vectors) / sizeof(cons_vectors[0]); v++) {
		int64_t s1 = cons_vectors[v].size1, s2 = cons_vectors[v].size2;

		cr_assert_eq(mcg_merkle_consistency_proof(s1, s2, store_read, &s,
							  proof, &n, &err),
			     0, "%s", err.msg);
		assert_proof(proof, n, cons_vectors[v].proof, cons_vectors[v].n,
			     "consistency vector");
		r1 = hx(test_roots[s1]);
		r2 = hx(test_roots[s2]);
		assert_consistency_tamper_refused(proof, n, s1, s2, &r1, &r2);
	}
}

/* The tree of RFC 6962 2.1.3 / RFC 9162 2.1.5, over the first 7 test
 * leaves: a..f and j are leaves, g h i level 1, k level 2, l = (i, j). */
struct rfc_tree {
	mcg_hash a, b, c, d, e, f, j, g, h, i, k, l;
};

static void rfc_tree_init(struct rfc_tree *t)
{
	t->a = hx(node_l0[0]);
	t->b = hx(node_l0[1]);
	t->c = hx(node_l0[2]);
	t->d = hx(node_l0[3]);
	t->e = hx(node_l0[4]);
	t->f = hx(node_l0[5]);
	t->j = hx(node_l0[6]);
	t->g = hx(node_l1[0]);
	t->h = hx(node_l1[1]);
	t->i = hx(node_l1[2]);
	t->k = hx(node_l2[0]);
	mcg_merkle_node_hash(&t->i, &t->j, &t->l);
}

static void assert_hashes(const mcg_hash *got, size_t ngot,
			  const mcg_hash *const *want, size_t nwant,
			  const char *what)
{
	size_t i;

	cr_assert_eq(ngot, nwant, "%s: %zu hashes, want %zu", what, ngot, nwant);
	for (i = 0; i < nwant; i++)
		assert_heq(&got[i], want[i], what);
}

Test(audit_merkle, rfc9162_example_inclusion)
{
	struct store s;
	struct rfc_tree t;
	mcg_hash proof[MCG_PROOF_MAX], root, leaf;
	size_t n;
	mcg_error err;
	int64_t idx;
	const mcg_hash *want[7][3];
	const size_t nwant[7] = { 3, 3, 3, 3, 3, 3, 2 };

	rfc_tree_init(&t);
	/* RFC: d0 [b, h, l], d3 [c, g, l], d4 [f, j, k], d6 [i, k];
	 * transparency-dev TestInclusion: d1 [a h l], d2 [d g l], d5 [e j k]. */
	want[0][0] = &t.b, want[0][1] = &t.h, want[0][2] = &t.l;
	want[1][0] = &t.a, want[1][1] = &t.h, want[1][2] = &t.l;
	want[2][0] = &t.d, want[2][1] = &t.g, want[2][2] = &t.l;
	want[3][0] = &t.c, want[3][1] = &t.g, want[3][2] = &t.l;
	want[4][0] = &t.f, want[4][1] = &t.j, want[4][2] = &t.k;
	want[5][0] = &t.e, want[5][1] = &t.j, want[5][2] = &t.k;
	want[6][0] = &t.i, want[6][1] = &t.k;
	store_test_leaves(&s, 7);
	root = hx(test_roots[7]);
	for (idx = 0; idx < 7; idx++) {
		cr_assert_eq(mcg_merkle_inclusion_proof(7, idx, store_read, &s,
							proof, &n, &err), 0);
		assert_hashes(proof, n, want[idx], nwant[idx], "RFC inclusion");
		mcg_merkle_leaf_hash(test_leaves[idx].data, test_leaves[idx].len,
				     &leaf);
		assert_inclusion_tamper_refused(proof, n, 7, idx, &leaf, &root);
	}
}

Test(audit_merkle, rfc9162_example_consistency)
{
	struct store s;
	struct rfc_tree t;
	mcg_hash proof[MCG_PROOF_MAX], r7, rold;
	size_t n;
	mcg_error err;
	const mcg_hash *p3[] = { &t.c, &t.d, &t.g, &t.l };
	const mcg_hash *p4[] = { &t.l };
	const mcg_hash *p6[] = { &t.i, &t.j, &t.k };

	rfc_tree_init(&t);
	store_test_leaves(&s, 7);
	r7 = hx(test_roots[7]);

	cr_assert_eq(mcg_merkle_consistency_proof(3, 7, store_read, &s, proof,
						  &n, &err), 0);
	assert_hashes(proof, n, p3, 4, "PROOF(3, D[7])");
	rold = hx(test_roots[3]);
	assert_consistency_tamper_refused(proof, n, 3, 7, &rold, &r7);

	cr_assert_eq(mcg_merkle_consistency_proof(4, 7, store_read, &s, proof,
						  &n, &err), 0);
	assert_hashes(proof, n, p4, 1, "PROOF(4, D[7])");
	rold = hx(test_roots[4]);
	assert_heq(&rold, &t.k, "hash1 = k");
	assert_consistency_tamper_refused(proof, n, 4, 7, &rold, &r7);

	cr_assert_eq(mcg_merkle_consistency_proof(6, 7, store_read, &s, proof,
						  &n, &err), 0);
	assert_hashes(proof, n, p6, 3, "PROOF(6, D[7])");
	rold = hx(test_roots[6]);
	assert_consistency_tamper_refused(proof, n, 6, 7, &rold, &r7);
}

/* ---- every proof up to size 40, against the RFC definitions ---------- */

#define ROUND_TRIP_MAX 40

Test(audit_merkle, inclusion_round_trip_up_to_40)
{
	struct store s;
	mcg_hash proof[MCG_PROOF_MAX], ref[MCG_PROOF_MAX], root;
	size_t n, nref, i;
	mcg_error err;
	int64_t size, idx;

	store_fill(&s, ROUND_TRIP_MAX);
	for (size = 1; size <= ROUND_TRIP_MAX; size++) {
		root = tree_hash(&s, size);
		for (idx = 0; idx < size; idx++) {
			cr_assert_eq(mcg_merkle_inclusion_proof(size, idx,
								store_read, &s,
								proof, &n, &err),
				     0, "%s", err.msg);
			nref = 0;
			ref_path((uint64_t)idx, s.leaf, (uint64_t)size, ref, &nref);
			cr_assert_eq(n, nref, "PATH(%lld, D[%lld]) length",
				     (long long)idx, (long long)size);
			for (i = 0; i < n; i++)
				assert_heq(&proof[i], &ref[i], "PATH");
			assert_inclusion_tamper_refused(proof, n, size, idx,
							&s.leaf[idx], &root);
			/* Another leaf's hash must not pass for this one. */
			if (size > 1)
				cr_assert_eq(mcg_merkle_verify_inclusion(
						     proof, n, size, idx,
						     &s.leaf[(idx + 1) % size],
						     &root, &err),
					     MCG_EINTEGRITY);
		}
	}
}

Test(audit_merkle, consistency_round_trip_up_to_40)
{
	struct store s;
	mcg_hash proof[MCG_PROOF_MAX], ref[MCG_PROOF_MAX], r1, r2;
	size_t n, nref, i;
	mcg_error err;
	int64_t s1, s2;

	store_fill(&s, ROUND_TRIP_MAX);
	for (s2 = 1; s2 <= ROUND_TRIP_MAX; s2++) {
		r2 = tree_hash(&s, s2);
		for (s1 = 1; s1 <= s2; s1++) {
			r1 = tree_hash(&s, s1);
			cr_assert_eq(mcg_merkle_consistency_proof(s1, s2,
								  store_read, &s,
								  proof, &n,
								  &err),
				     0, "%s", err.msg);
			nref = 0;
			if (s1 < s2)
				ref_subproof((uint64_t)s1, s.leaf, (uint64_t)s2, 1,
					     ref, &nref);
			cr_assert_eq(n, nref, "PROOF(%lld, D[%lld]) length",
				     (long long)s1, (long long)s2);
			for (i = 0; i < n; i++)
				assert_heq(&proof[i], &ref[i], "PROOF");
			assert_consistency_tamper_refused(proof, n, s1, s2, &r1,
							  &r2);
		}
	}
}

Test(audit_merkle, proof_arguments_out_of_range)
{
	struct store s;
	mcg_hash proof[MCG_PROOF_MAX], h;
	size_t n = 99;
	mcg_error err;

	store_fill(&s, 8);
	memset(&h, 0, sizeof(h));
	cr_assert_eq(mcg_merkle_inclusion_proof(8, 8, store_read, &s, proof, &n,
						&err), MCG_EINPUT);
	cr_assert_eq(n, 0);
	cr_assert_eq(mcg_merkle_inclusion_proof(0, 0, store_read, &s, proof, &n,
						&err), MCG_EINPUT);
	cr_assert_eq(mcg_merkle_inclusion_proof(8, -1, store_read, &s, proof, &n,
						&err), MCG_EINPUT);
	cr_assert_eq(mcg_merkle_consistency_proof(0, 8, store_read, &s, proof,
						  &n, &err), MCG_EINPUT);
	cr_assert_eq(mcg_merkle_consistency_proof(5, 4, store_read, &s, proof,
						  &n, &err), MCG_EINPUT);
	cr_assert_eq(mcg_merkle_tree_hash(-1, store_read, &s, &h, &err),
		     MCG_EINPUT);
	/* Verification refuses impossible sizes instead of proving them. */
	cr_assert_eq(mcg_merkle_verify_inclusion(proof, 0, 0, 0, &h, &h, &err),
		     MCG_EINTEGRITY);
	cr_assert_eq(mcg_merkle_verify_inclusion(proof, 0, 1, 1, &h, &h, &err),
		     MCG_EINTEGRITY);
	cr_assert_eq(mcg_merkle_verify_inclusion(proof, MCG_PROOF_MAX + 1, 8, 0,
						 &h, &h, &err), MCG_EINTEGRITY);
	cr_assert_eq(mcg_merkle_verify_consistency(proof, 0, 0, 0, &h, &h, &err),
		     MCG_EINTEGRITY);
	cr_assert_eq(mcg_merkle_verify_consistency(proof, 0, 2, 1, &h, &h, &err),
		     MCG_EINTEGRITY);
	/* Equal sizes: equal roots and no hashes, nothing else. */
	cr_assert_eq(mcg_merkle_verify_consistency(proof, 0, 3, 3, &h, &h, &err),
		     0);
	proof[0] = h;
	cr_assert_eq(mcg_merkle_verify_consistency(proof, 1, 3, 3, &h, &h, &err),
		     MCG_EINTEGRITY);
	/* One leaf: its hash is the root, and the proof is empty. */
	mcg_merkle_leaf_hash("data", 4, &h);
	cr_assert_eq(mcg_merkle_verify_inclusion(proof, 0, 1, 0, &h, &h, &err), 0);
}

/* ---- a real Certificate Transparency log ----------------------------- */

/* Google Argon 2020 (via golang.org/x/mod sumdb/tlog/testdata/argon2020):
 * get-sth, entry 10000, its audit path, and the consistency proof from
 * size 3654490 (whose root ct_test.go gives). */
#define ARGON_SIZE 961984013
#define ARGON_ROOT "dwlueapdd7LaOEnX2W2Wp9v2XE+KzejHRQGHwEx0oaM="
#define ARGON_OLD_SIZE 3654490
#define ARGON_OLD_ROOT "AuIZ5V6sDUj1vn3Y1K85oOaQ7y+FJJKtyRTl1edIKBQ="
static const char argon_leaf[] =
	"AAAAAAFelPhqUwAAAAViMIIFXjCCBEagAwIBAgIRAOodHzZdqWIFzYyl/SovhCMwDQYJKoZIhvcNAQELBQAwgZAxCzAJBgNVBAYTAkdCMRswGQYDVQQIExJHcmVhdGVyIE1hbmNoZXN0ZXIxEDAOBgNVBAcTB1NhbGZvcmQxGjAYBgNVBAoTEUNPTU9ETyBDQSBMaW1pdGVkMTYwNAYDVQQDEy1DT01PRE8gUlNBIERvbWFpbiBWYWxpZGF0aW9uIFNlY3VyZSBTZXJ2ZXIgQ0EwHhcNMTcwMjE1MDAwMDAwWhcNMjAwNDE2MjM1OTU5WjBfMSEwHwYDVQQLExhEb21haW4gQ29udHJvbCBWYWxpZGF0ZWQxHTAbBgNVBAsTFFBvc2l0aXZlU1NMIFdpbGRjYXJkMRswGQYDVQQDDBIqLmxhbmRsb3Jkcy5jb20uYXUwggEiMA0GCSqGSIb3DQEBAQUAA4IBDwAwggEKAoIBAQCtPBKKHj4zdrGlCjgTHzb5gx9JCs97DwvBz60f14gDufF2haWbOxyJ0a3opAMsZnOr8HkARVCwxdqG/PTfACcb0QM7FOlzvxGqxataTYiChwvkkif8F9GlJw69HuHgzhusPf1Ytfk3ps1PRC14MkyrS4kwPrk/Le4XdkqRpRw62wG4V6IkbzsNMEOl1H8EgUbfyapdOcVxHjIzvBVy56fBRKG05Fr5wNq3Acak5kYZdNsLhhmlrqAfAjiombW3hb3V5blJdRC0BDdYHv2+zKey6LqJ1FDoXo6IzbzPpC+aifZy47YX+/N1U64Qn5xlDg7mOP8JXfkNJHbU1TJZHif5AgMBAAGjggHhMIIB3TAfBgNVHSMEGDAWgBSQr2o6lFoL2JDqElZz30O0Oija5zAdBgNVHQ4EFgQUNQSLjkoz01I+iuuoC5lgEp0anhcwDgYDVR0PAQH/BAQDAgWgMAwGA1UdEwEB/wQCMAAwHQYDVR0lBBYwFAYIKwYBBQUHAwEGCCsGAQUFBwMCME8GA1UdIARIMEYwOgYLKwYBBAGyMQECAgcwKzApBggrBgEFBQcCARYdaHR0cHM6Ly9zZWN1cmUuY29tb2RvLmNvbS9DUFMwCAYGZ4EMAQIBMFQGA1UdHwRNMEswSaBHoEWGQ2h0dHA6Ly9jcmwuY29tb2RvY2EuY29tL0NPTU9ET1JTQURvbWFpblZhbGlkYXRpb25TZWN1cmVTZXJ2ZXJDQS5jcmwwgYUGCCsGAQUFBwEBBHkwdzBPBggrBgEFBQcwAoZDaHR0cDovL2NydC5jb21vZG9jYS5jb20vQ09NT0RPUlNBRG9tYWluVmFsaWRhdGlvblNlY3VyZVNlcnZlckNBLmNydDAkBggrBgEFBQcwAYYYaHR0cDovL29jc3AuY29tb2RvY2EuY29tMC8GA1UdEQQoMCaCEioubGFuZGxvcmRzLmNvbS5hdYIQbGFuZGxvcmRzLmNvbS5hdTANBgkqhkiG9w0BAQsFAAOCAQEACyHqxUzrexToY7tOv4+kyGPP2D27P1tQpyzeAl1bPObiMhNK2b9vvBLDWAaqm8c0YL1h+DBdLoWzf3xFsIkTCVCjWJTNSNlcYtgRk6or1s7jWsfXzWqsnPjPPmTIOCw7EfH7Yme3oxPs3UUsmShAgPwNohAtL9GqlqMiKM6v1WU3NHt01jEoNP23LRa6KeNK6AH6WHJykzL223IlhgXjHTeuQj6lR+TNrQXJuhwTXYe+20rrpPQxc1Pn7AqnvfWgmicRQ7gdIcr4V6+ecTvLfNOaJ0ZYe5G5giuAAdTm7F57pk04f4gyZNYKrj88mvbkoriN8b6jcWExtrYO6bm2TwAA";
static const char *const argon_path[30] = {
	"T46AmJsuOM/gFiGlUp+IJJebp+1Z5qratFNW7U0JyOQ=",
	"9Jj1Feodn42uRYEfffkV4HF/EIPFQ5Zo9IwkxbQ2uhk=",
	"D53/1oCNebF4J59HHgioovKZxrmrKcVuCVhy3Izg8Ck=",
	"wSFDgGSrsXRPA+1c8WHoAFCsWeUv8NDyP/Q/SgsyVyY=",
	"516/RcwsgdwdzHn18v1dJHqBkgFUbNhmCIWOGjsMJaE=",
	"naTFY2ajLFgrgs5XUl+zJYZnnlJksLGsA1VYwpLfqbY=",
	"mKBRJo6qao+0Kdh/rhGkZUbHUAxMhrtrclrTpIbNjIg=",
	"Co4ueOFE7lpifLio94irxxsv1wFMMaK3tPu2ZQkHlro=",
	"yRgy800K6JMYCC05sWfqF2kvCg2riT/pVM+nEa6V5+0=",
	"n2O38XJZC8/Wpbwi9HhgVizlUyeUHVZvYyQB1607MRc=",
	"go3tAjuNfNSCj87y2Rg1xOroDknGN1eaf3cgvzObf7Q=",
	"8D0Mj3/J7ySSnFb0afIHYXv6rlOhECnsebY6XKi1IR8=",
	"6rcez46ZU8M5vPiWVMAUfJfAOV0pPP/mch/lYzZhj/M=",
	"2rtIeXrPvSdUyHc5maIgSAVB2BzaKaupWxSAiVayDE4=",
	"nniW/IMFQPN5xw8UsHFn7CRStYbm1gLu7NNa6kkRqJQ=",
	"mRPPi7sQS22MduIEyvcNzCNFqIt6kLwYPkNKrVtIcu8=",
	"JvTivzESNS9wHI8aph5a7uieVmtS/p9PciMZ5D6GyOo=",
	"UTyQd+Ym0wY4zG+qK806bBORwi1CSVvFQ/KknnqoZj8=",
	"hXODrqN+ff+U6zPqRQ+ZQKs6im1fPcxIerDSfNwflhE=",
	"II6GE+WY/DrpZzfHztLwkR46o37zVkNLCyPYlf68zA0=",
	"d609kWWcNBllbA8Jb/ad4XAVVGnScLRmtP8FYyr+Dck=",
	"rikBsP0G0gioXRpBFED2CzQdSLrGPvRd0bEcbEZw1rI=",
	"GXIElfmnRuWfbA4z7ubV/UwlpSRUbUeec7oL5HDDnh0=",
	"pR0SH/NYP6s9+8azWwaeUXA4Ze/3WCIgMfh5YW6wvcE=",
	"f3GuAKYVrF8RBg3s15jvA/YvV9oAliWtzP/imwPhQVA=",
	"WHn8zDxlVgkV+lSlmzaOdfSBrTHoRr5nT3d76q0KKWE=",
	"f2uV2ZxVgULzLPKuZcowRY3ZY7fRlX59iDBjV1R8kNQ=",
	"NzQVjJsvQwbi7WStMr9oFkh9VbHfK7LB6o7WwAqwNTs=",
	"C0LttBeYHZHgL+032JIcJC3CTBIyza/hsbmJUgJfmDI=",
	"nixU5CWTFVDlF4BGdcU6kA7WSYurEpe9jRWc+F/7sOc=",
};
static const char *const argon_consistency[30] = {
	"80Sfbj6UQEdVSZCSIgh9NMPj3vCBzcc1A48B2crJSWg=",
	"FZcrgAHUk6nNPviJZq8kEK6jCG1d18pJOFE45ZDc1TQ=",
	"Q67reWXmPBo1UfmwBap4Xi9PMPfFdUSSw3WGlRZdG7k=",
	"eJ7CyhR4PxzBxDIsWgrVYW1eFUb9ndgf46tFmiqVrxA=",
	"QrDwp062Grm5WY8KdrhFsBuuNjGzRox2Jb8PmVL5OYw=",
	"XM4YMjMEdLH/XJam/ZWyaP14k3cmsOtnPsOWQ54lW1s=",
	"SGiBh+jOTGccXU48ZzgQ88lRcBmtB4wz4oSDndv2QTg=",
	"WAS6txqNLYKGL1GdBdpqmV42TTfn6cJsuDsqLXuTCNI=",
	"QFmRS0rirUA7ZN3lxFjDncV+E1OCrn3NUB4RCp+5fzc=",
	"Hdbp7It2XBNZmNDBpCN/KPd7vfVqxgzwOosqVIaEA9E=",
	"mxvHL0ZiblBdD7j7pIa1jlfB0gSqfJ6oX0UGo7L0VsU=",
	"q5hjyvoW6TL/PThgcitpDcSTrnKX2p1+aqscqH2euRA=",
	"jTOWDqt3IHj2NVFeezyBz2ofpru+ztEywqKUAfFclKI=",
	"GIRn0w3HqJdvU9j1WVD//eR6lk2AaTVjyzjsJNP8U88=",
	"x52GJvxG81fnQBrgOTbll1A5tz95/LXK0Ag1NhB0r1I=",
	"6/0OqrcTgc3o5dD5PymmoC96lB9yLPFuTHVvLy8fSGk=",
	"Gf+iKLfcXO5l4JEFmsZvSdG5q1uEeWPfYLrds6pmjz0=",
	"DGuaco+McyM3AfRSF6qX7RwSetwe2ieYJmxw5e9rVx0=",
	"2tQJ9V32hnYp+fdpP6TcjmgJmLeNVOMKM0Ml1kk4cNU=",
	"3PapK+IkyJr8I9yAErAmzuZezzLMzsg+PfeRCgNW8NQ=",
	"s6xiYeejb+wtqHA+URJZ2I/SCPyIW8coP6aB00FJbMY=",
	"z9lSpmdTcr5M5ZzKlc4EPh3SrSypKFdk6JUF/UccaZU=",
	"GXIElfmnRuWfbA4z7ubV/UwlpSRUbUeec7oL5HDDnh0=",
	"pR0SH/NYP6s9+8azWwaeUXA4Ze/3WCIgMfh5YW6wvcE=",
	"f3GuAKYVrF8RBg3s15jvA/YvV9oAliWtzP/imwPhQVA=",
	"WHn8zDxlVgkV+lSlmzaOdfSBrTHoRr5nT3d76q0KKWE=",
	"f2uV2ZxVgULzLPKuZcowRY3ZY7fRlX59iDBjV1R8kNQ=",
	"NzQVjJsvQwbi7WStMr9oFkh9VbHfK7LB6o7WwAqwNTs=",
	"C0LttBeYHZHgL+032JIcJC3CTBIyza/hsbmJUgJfmDI=",
	"nixU5CWTFVDlF4BGdcU6kA7WSYurEpe9jRWc+F/7sOc=",
};

static mcg_hash b64_hash(const char *b64)
{
	mcg_hash h;
	size_t n;
	mcg_error err;

	cr_assert_eq(mcg_audit_base64_decode(b64, strlen(b64), h.b, sizeof(h.b),
					     &n, &err), 0, "%s", b64);
	cr_assert_eq(n, MCG_HASH_SIZE);
	return h;
}

Test(audit_merkle, argon2020_ct_log_proofs)
{
	static uint8_t data[2048];
	mcg_hash path[30], cons[30], leaf, root, old_root;
	size_t n, i;
	mcg_error err;

	cr_assert_eq(mcg_audit_base64_decode(argon_leaf, strlen(argon_leaf), data,
					     sizeof(data), &n, &err), 0);
	mcg_merkle_leaf_hash(data, n, &leaf);
	root = b64_hash(ARGON_ROOT);
	old_root = b64_hash(ARGON_OLD_ROOT);
	for (i = 0; i < 30; i++) {
		path[i] = b64_hash(argon_path[i]);
		cons[i] = b64_hash(argon_consistency[i]);
	}
	cr_assert_eq(mcg_merkle_verify_inclusion(path, 30, ARGON_SIZE, 10000,
						 &leaf, &root, &err), 0,
		     "%s", err.msg);
	cr_assert_eq(mcg_merkle_verify_consistency(cons, 30, ARGON_OLD_SIZE,
						   ARGON_SIZE, &old_root, &root,
						   &err), 0, "%s", err.msg);
	assert_inclusion_tamper_refused(path, 30, ARGON_SIZE, 10000, &leaf,
					&root);
	assert_consistency_tamper_refused(cons, 30, ARGON_OLD_SIZE, ARGON_SIZE,
					  &old_root, &root);
}

/* ---- hex ------------------------------------------------------------- */

Test(audit_merkle, hex_round_trip_and_refusals)
{
	const char *lower =
		"6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d";
	const char *upper =
		"6E340B9CFFB37A989CA544E6BB780A2C78901D3FB33738768511A30617AFA01D";
	mcg_hash h, h2;
	char buf[65];
	mcg_error err;

	cr_assert_eq(mcg_hash_from_hex(lower, &h, &err), 0);
	cr_assert_str_eq(mcg_hash_hex(&h, buf), lower);
	cr_assert_eq(mcg_hash_from_hex(upper, &h2, &err), 0);
	cr_assert(heq(&h, &h2));
	mcg_merkle_leaf_hash("", 0, &h2);
	cr_assert(heq(&h, &h2), "leaf hash of the empty leaf");
	cr_assert_eq(mcg_hash_from_hex(
			     "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01",
			     &h, &err), MCG_EINPUT, "63 digits");
	cr_assert_eq(mcg_hash_from_hex(
			     "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d0",
			     &h, &err), MCG_EINPUT, "65 digits");
	cr_assert_eq(mcg_hash_from_hex(
			     "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01g",
			     &h, &err), MCG_EINPUT, "not hex");
	cr_assert_eq(mcg_hash_from_hex("", &h, &err), MCG_EINPUT);
	cr_assert_eq(mcg_hash_from_hex(
			     " 6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01",
			     &h, &err), MCG_EINPUT, "space");
}
