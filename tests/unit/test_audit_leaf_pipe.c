/*
 * Unit tests for audit/leaf_pipe.c: leaves hashed on a second thread must
 * make the same tree as mcg_merkle_append on the caller's (checked against
 * a store filled by mcg_merkle_append, whose own tests check it against
 * RFC 9162), report every stored-level node they complete, once, and pass
 * the caller's store errors back.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/leaf_pipe.h"
#include "audit/merkle.h"

/* Every stored hash of a tree, filled by mcg_merkle_append. */
struct ref_tree {
	mcg_hash *h;
	int64_t n;          /* stored hashes */
	int64_t leaves;
	int64_t cap;
};

static int ref_read(void *ctx, const int64_t *idx, size_t n, mcg_hash *out, mcg_error *err)
{
	struct ref_tree *t = ctx;

	for (size_t i = 0; i < n; i++) {
		if (idx[i] < 0 || idx[i] >= t->n)
			return mcg_error_set(err, MCG_ESYS, "read of %lld", (long long)idx[i]);
		out[i] = t->h[idx[i]];
	}
	return MCG_OK;
}

/* Leaf i's bytes: "leaf i", or len bytes of it repeated when len is larger. */
static size_t leaf_bytes(int64_t i, char *buf, size_t len)
{
	int n = snprintf(buf, 32, "leaf %lld", (long long)i);

	for (size_t k = (size_t)n; k < len; k++)
		buf[k] = buf[k % (size_t)n];
	return len > (size_t)n ? len : (size_t)n;
}

static void ref_fill(struct ref_tree *t, int64_t leaves, char *buf, size_t len)
{
	mcg_error err;

	t->cap = mcg_merkle_stored_count(leaves) + 1;
	t->h = calloc((size_t)t->cap, sizeof(*t->h));
	cr_assert_not_null(t->h);
	for (int64_t i = 0; i < leaves; i++) {
		mcg_hash leaf, out[MCG_PROOF_MAX];
		size_t nout = 0;

		mcg_merkle_leaf_hash(buf, leaf_bytes(i, buf, len), &leaf);
		cr_assert_eq(mcg_merkle_append(i, &leaf, ref_read, t, out, &nout, &err), 0,
			     "append: %s", err.msg);
		for (size_t k = 0; k < nout; k++)
			t->h[t->n + (int64_t)k] = out[k];
		t->n += (int64_t)nout;
		t->leaves++;
	}
}

/* The edge of the first `size` leaves: the latest complete subtree of
 * each level. */
static int ref_edge(const struct ref_tree *t, int64_t size, mcg_hash *edge)
{
	int l = 0;

	for (; l < 64 && (size >> l) >= 1; l++)
		edge[l] = t->h[mcg_merkle_stored_index(l, (size >> l) - 1)];
	return l;
}

/* What the pipe reported, to be checked against the reference. */
struct seen {
	const struct ref_tree *t;
	int64_t count;
	int64_t fail_at;       /* fail the call of this number (1-based); 0: never */
};

static int seen_store(void *ctx, const struct mcg_leaf_node *node, mcg_error *err)
{
	struct seen *s = ctx;

	s->count++;
	if (s->fail_at && s->count == s->fail_at)
		return mcg_error_set(err, MCG_EINTEGRITY, "store failed on purpose at %lld",
				     (long long)s->count);
	cr_assert(node->level > 0 && node->level % 8 == 0, "level %d", node->level);
	cr_assert(memcmp(&node->hash, &s->t->h[mcg_merkle_stored_index(node->level, node->k)],
			 sizeof(node->hash)) == 0,
		  "node %d/%lld differs from mcg_merkle_append's", node->level, (long long)node->k);
	return MCG_OK;
}

/* Starts a pipe at `from` leaves of t, adds the leaves up to `to`,
 * finishes, and checks the edge and the nodes. */
static void check_run(const struct ref_tree *t, int64_t from, int64_t to, char *buf,
		      size_t len)
{
	mcg_hash edge[64], got[64];
	struct seen seen = { t, 0, 0 };
	mcg_leaf_pipe *p;
	mcg_error err;
	int64_t size = -1, want_nodes = 0;
	int levels = ref_edge(t, from, edge), got_levels = -1;

	cr_assert_eq(mcg_leaf_pipe_start(from, edge, levels, 8, seen_store, &seen, &p, &err), 0,
		     "start: %s", err.msg);
	for (int64_t i = from; i < to; i++)
		cr_assert_eq(mcg_leaf_pipe_add(p, buf, leaf_bytes(i, buf, len), &err), 0,
			     "add: %s", err.msg);
	cr_assert_eq(mcg_leaf_pipe_finish(p, &size, got, &got_levels, &err), 0,
		     "finish: %s", err.msg);
	mcg_leaf_pipe_stop(p);

	cr_assert_eq(size, to);
	cr_assert_eq(got_levels, ref_edge(t, to, edge), "levels %d for %lld leaves",
		     got_levels, (long long)to);
	for (int l = 0; l < got_levels; l++)
		cr_assert(memcmp(&got[l], &edge[l], sizeof(edge[l])) == 0,
			  "edge level %d after %lld..%lld differs", l, (long long)from,
			  (long long)to);
	/* Each stored level l > 0 completes (to >> l) - (from >> l) subtrees. */
	for (int l = 8; l < 64; l += 8)
		want_nodes += (to >> l) - (from >> l);
	cr_assert_eq(seen.count, want_nodes, "%lld nodes reported for %lld..%lld, want %lld",
		     (long long)seen.count, (long long)from, (long long)to,
		     (long long)want_nodes);
}

Test(audit_leaf_pipe, same_tree_as_merkle_append)
{
	static const int64_t from[] = { 0, 1, 255, 256, 1000, 65535 };
	static const int64_t more[] = { 0, 1, 255, 256, 257, 1025 };
	struct ref_tree t = { 0 };
	char buf[32];

	/* 65,535 + 70,000 leaves: level 16 (65,536 leaves) is completed. */
	ref_fill(&t, 65535 + 70000, buf, 0);
	for (size_t i = 0; i < sizeof(from) / sizeof(from[0]); i++)
		for (size_t j = 0; j < sizeof(more) / sizeof(more[0]); j++)
			check_run(&t, from[i], from[i] + more[j], buf, 0);
	check_run(&t, 0, 65535 + 70000, buf, 0);
	check_run(&t, 65535, 65535 + 70000, buf, 0);
	free(t.h);
}

/* Leaves larger than a batch's byte limit are handed over in batches of
 * fewer leaves: still the same tree. */
Test(audit_leaf_pipe, large_leaves)
{
	struct ref_tree t = { 0 };
	size_t len = 300 * 1024;
	char *buf = malloc(len);

	cr_assert_not_null(buf);
	ref_fill(&t, 600, buf, len);
	check_run(&t, 0, 600, buf, len);
	check_run(&t, 77, 600, buf, len);
	free(t.h);
	free(buf);
}

/* The caller's store error comes back, from add or from finish. */
Test(audit_leaf_pipe, store_errors_come_back)
{
	struct ref_tree t = { 0 };
	char buf[32];
	mcg_hash edge[64] = { 0 };
	mcg_error err;
	int64_t size;
	int levels;

	ref_fill(&t, 5000, buf, 0);
	for (int64_t fail_at = 1; fail_at <= 2; fail_at++) {
		struct seen seen = { &t, 0, fail_at };
		mcg_leaf_pipe *p;
		int rc = 0;

		cr_assert_eq(mcg_leaf_pipe_start(0, edge, 0, 8, seen_store, &seen, &p, &err), 0);
		/* 19 nodes of level 8 in 5,000 leaves: some are stored during
		 * the adds (4 batches ahead), the rest at finish. */
		for (int64_t i = 0; i < 5000 && !rc; i++)
			rc = mcg_leaf_pipe_add(p, buf, leaf_bytes(i, buf, 0), &err);
		if (!rc)
			rc = mcg_leaf_pipe_finish(p, &size, edge, &levels, &err);
		cr_assert_eq(rc, MCG_EINTEGRITY, "rc %d", rc);
		cr_assert(strstr(err.msg, "store failed on purpose") != NULL, "%s", err.msg);
		mcg_leaf_pipe_stop(p);
	}
	/* A failure at finish: fewer nodes than batches ahead. */
	{
		struct seen seen = { &t, 0, 1 };
		mcg_leaf_pipe *p;

		cr_assert_eq(mcg_leaf_pipe_start(0, edge, 0, 8, seen_store, &seen, &p, &err), 0);
		for (int64_t i = 0; i < 300; i++)
			cr_assert_eq(mcg_leaf_pipe_add(p, buf, leaf_bytes(i, buf, 0), &err), 0);
		cr_assert_eq(mcg_leaf_pipe_finish(p, &size, edge, &levels, &err), MCG_EINTEGRITY);
		mcg_leaf_pipe_stop(p);
	}
	free(t.h);
}

/* A store that refuses every node, naming it. */
static int refusing_store(void *ctx, const struct mcg_leaf_node *node, mcg_error *err)
{
	(void)ctx;
	return mcg_error_set(err, MCG_EINTEGRITY, "node %d/%lld refused", node->level,
			     (long long)node->k);
}

/* With several batches still queued at finish, each with a node the store
 * refuses, the error is the first node's: `audit verify` names the first
 * change in the log's order, and a later batch must not overwrite it. */
Test(audit_leaf_pipe, the_first_store_error_is_the_one_returned)
{
	char buf[32];
	mcg_hash edge[64] = { 0 };
	mcg_leaf_pipe *p;
	mcg_error err;
	int64_t size;
	int levels;

	cr_assert_eq(mcg_leaf_pipe_start(0, edge, 0, 8, refusing_store, NULL, &p, &err), 0);
	/* 1,000 leaves: nodes 8/0, 8/1 and 8/2, in three batches, none taken
	 * back before finish (four batches go round). */
	for (int64_t i = 0; i < 1000; i++)
		cr_assert_eq(mcg_leaf_pipe_add(p, buf, leaf_bytes(i, buf, 0), &err), 0, "%s", err.msg);
	cr_assert_eq(mcg_leaf_pipe_finish(p, &size, edge, &levels, &err), MCG_EINTEGRITY);
	cr_assert_str_eq(err.msg, "node 8/0 refused");
	mcg_leaf_pipe_stop(p);
}

/* Stopped with batches queued and one half filled: the thread ends, and
 * nothing leaks (the sanitizer run checks that). */
Test(audit_leaf_pipe, stop_with_work_queued)
{
	struct ref_tree t = { 0 };
	struct seen seen = { &t, 0, 0 };
	char buf[32];
	mcg_hash edge[64] = { 0 };
	mcg_leaf_pipe *p;
	mcg_error err;

	cr_assert_eq(mcg_leaf_pipe_start(0, edge, 0, 8, seen_store, &seen, &p, &err), 0);
	for (int64_t i = 0; i < 1000; i++)
		cr_assert_eq(mcg_leaf_pipe_add(p, buf, leaf_bytes(i, buf, 0), &err), 0);
	mcg_leaf_pipe_stop(p);
	mcg_leaf_pipe_stop(NULL);
}

Test(audit_leaf_pipe, refuses_what_it_cannot_do)
{
	mcg_hash edge[64] = { 0 };
	mcg_leaf_pipe *p = (mcg_leaf_pipe *)edge;
	mcg_error err;

	/* Levels 1 apart would complete more nodes than a batch holds. */
	cr_assert_eq(mcg_leaf_pipe_start(0, edge, 0, 1, seen_store, NULL, &p, &err), MCG_EINPUT);
	cr_assert_null(p);
	cr_assert_eq(mcg_leaf_pipe_start(-1, edge, 0, 8, seen_store, NULL, &p, &err), MCG_EINPUT);
	cr_assert_eq(mcg_leaf_pipe_start(0, edge, 65, 8, seen_store, NULL, &p, &err), MCG_EINPUT);
}
