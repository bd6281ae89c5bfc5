/* The one write path: see journal.h. */
#include "journal.h"

#include <assert.h>
#include <string.h>

#include "apply.h"
#include "audit/merkle.h"
#include "date.h"
#include "ledger_int.h"
#include "money.h"

int mcg_journal_check_ref(const char *ref, mcg_error *err)
{
	size_t n = strlen(ref);

	if (n == 0 || n > MCG_REF_MAX)
		return mcg_error_set(err, MCG_EINPUT,
				     "bad ref: must be 1 to %d characters (got %zu)",
				     MCG_REF_MAX, n);
	/* Printable ASCII is 0x20 to 0x7E, the space included (CLI.md): a
	 * bank's refs such as "BPM 2026 001" are taken as they are, leading
	 * and trailing spaces too, since a ref is compared byte for byte. */
	for (size_t i = 0; i < n; i++)
		if (ref[i] < 0x20 || ref[i] > 0x7e)
			return mcg_error_set(err, MCG_EINPUT,
					     "bad ref: character %zu is not printable ASCII"
					     " (a ref is 0x20 to 0x7E)", i + 1);
	return MCG_OK;
}

/* An actor name, judged as new input or as stored (apply.h). */
static int check_actor(const char *actor, int source, mcg_error *err)
{
	size_t n = strlen(actor);

	if (n == 0 || n > MCG_ACTOR_MAX)
		return mcg_error_set(err, MCG_EINPUT,
				     "bad actor: must be 1 to %d characters",
				     MCG_ACTOR_MAX);
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)actor[i] < 0x20 || actor[i] == 0x7f)
			return mcg_error_set(err, MCG_EINPUT,
					     "bad actor: control character at position %zu",
					     i + 1);
	/* A new actor is free text like a name: UTF-8, and none of the
	 * characters that would let it pass for another actor.  Events
	 * recorded before this was checked keep replaying. */
	if (source == MCG_INPUT_NEW)
		return mcg_check_text(actor, MCG_ACTOR_MAX, "actor", 1, MCG_INPUT_NEW, err);
	return MCG_OK;
}

int mcg_journal_check_actor(const char *actor, mcg_error *err)
{
	return check_actor(actor, MCG_INPUT_NEW, err);
}

void mcg_txn_cache_drop(mcg_ledger *L)
{
	L->txn.tail_valid = 0;
	L->txn.total_ga_valid = 0;
	L->txn.total_ga_dirty = 0;
	L->txn.write_back = 0;
	L->txn.poisoned = 0;
	for (size_t i = 0; i < MCG_TXN_HASHES; i++)
		L->txn.hash_idx[i] = -1;
	L->txn.edge_loaded = 0;
	L->txn.edge_dirty = 0;
	/* Leaves still on the hashing thread belong to work being dropped. */
	mcg_leaf_pipe_stop(L->txn.leaf_pipe);
	L->txn.leaf_pipe = NULL;
	mcg_loan_cache_clear(L);
}

static int write_edge(mcg_ledger *L, mcg_error *err);

int mcg_journal_flush(mcg_ledger *L, mcg_error *err)
{
	int rc;

	if (!L->in_txn)
		return MCG_OK;
	rc = mcg_loan_cache_flush(L, err);
	return rc ? rc : mcg_loan_flush_total_ga(L, err);
}

int mcg_journal_flush_all(mcg_ledger *L, mcg_error *err)
{
	int rc = mcg_journal_flush(L, err);

	return rc || !L->in_txn ? rc : write_edge(L, err);
}

static int begin(mcg_ledger *L, const char *sql, mcg_error *err)
{
	int rc;

	assert(!L->in_txn);
	mcg_txn_cache_drop(L);
	rc = mcg_db_exec(L, sql, err);
	if (!rc)
		L->in_txn = 1;
	return rc;
}

int mcg_journal_begin(mcg_ledger *L, mcg_error *err)
{
	/* IMMEDIATE takes the write lock now, so two treasurers' commands
	 * queue behind each other (busy timeout) instead of failing late. */
	return begin(L, "BEGIN IMMEDIATE", err);
}

int mcg_journal_begin_exclusive(mcg_ledger *L, mcg_error *err)
{
	return begin(L, "BEGIN EXCLUSIVE", err);
}

int mcg_journal_commit(mcg_ledger *L, mcg_error *err)
{
	int rc;

	assert(L->in_txn);
	/* A failed append may have left part of an event and dropped the
	 * caches: committing then would write half an event. */
	if (L->txn.poisoned) {
		mcg_journal_rollback(L);
		return mcg_error_set(err, MCG_ESYS,
				     "internal error: commit after a failed append");
	}
	rc = mcg_journal_flush_all(L, err);
	rc = rc ? rc : mcg_db_exec(L, "COMMIT", err);
	if (rc) {
		mcg_journal_rollback(L);
		return rc;
	}
	L->in_txn = 0;
	mcg_txn_cache_drop(L);
	return MCG_OK;
}

void mcg_journal_rollback(mcg_ledger *L)
{
	if (!L->in_txn)
		return;
	sqlite3_exec(L->db, "ROLLBACK", NULL, NULL, NULL);
	L->in_txn = 0;
	/* The transaction's caches hold what the rolled-back work wrote. */
	mcg_txn_cache_drop(L);
	/* The rules cache may hold a version loaded by the rolled-back work. */
	L->rules_version = 0;
}

/* The recorded event with this ref: same content is a replay, other
 * content a conflict.  *found is 0 when the ref is new.  fields is the
 * event's encoded fields. */
static int check_ref(mcg_ledger *L, mcg_event *ev, const mcg_buf *fields,
		     int *found, mcg_error *err)
{
	sqlite3_stmt *st;
	int rc;
	int same;

	*found = 0;
	st = mcg_db_stmt(L, "SELECT seq, type, date, fields FROM events WHERE ref = ?1",
			 err);
	if (!st)
		return err->code;
	sqlite3_bind_text(st, 1, ev->ref, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_DONE) {
		sqlite3_reset(st);
		return MCG_OK;
	}
	if (rc != SQLITE_ROW) {
		sqlite3_reset(st);
		return mcg_db_error(L, err, "looking up a ref");
	}
	*found = 1;
	/* The date is part of the content only when it was given: the same
	 * command replayed on a later day without --date is the same event. */
	same = strcmp((const char *)sqlite3_column_text(st, 1), ev->type) == 0 &&
	       strcmp((const char *)sqlite3_column_text(st, 3), mcg_buf_str(fields)) == 0 &&
	       (!ev->date_given || sqlite3_column_int(st, 2) == ev->date_days);
	ev->seq = sqlite3_column_int64(st, 0);
	if (!same) {
		char date[MCG_DATE_TEXT_MAX];

		mcg_error_set(err, MCG_ECONFLICT,
			      "ref '%s' was already used by event %lld (%s, %s) with other content",
			      ev->ref, (long long)ev->seq,
			      (const char *)sqlite3_column_text(st, 1),
			      mcg_date_format(sqlite3_column_int(st, 2), date));
	}
	sqlite3_reset(st);
	return same ? MCG_OK : MCG_ECONFLICT;
}

/* The size of the log and the date of its latest event. */
static int log_tail(mcg_ledger *L, int64_t *size, int32_t *last_date,
		    mcg_error *err)
{
	sqlite3_stmt *st = mcg_db_stmt(L,
		"SELECT seq, date FROM events ORDER BY seq DESC LIMIT 1", err);
	int rc;

	/* Inside the transaction the tail is what our own appends made it. */
	if (L->in_txn && L->txn.tail_valid) {
		*size = L->txn.tail_size;
		*last_date = L->txn.tail_last_date;
		return MCG_OK;
	}
	if (!st)
		return err->code;
	rc = sqlite3_step(st);
	*size = 0;
	*last_date = INT32_MIN;
	if (rc == SQLITE_ROW) {
		*size = sqlite3_column_int64(st, 0);
		*last_date = sqlite3_column_int(st, 1);
	} else if (rc != SQLITE_DONE) {
		sqlite3_reset(st);
		return mcg_db_error(L, err, "reading the log");
	}
	sqlite3_reset(st);
	if (L->in_txn) {
		L->txn.tail_size = *size;
		L->txn.tail_last_date = *last_date;
		L->txn.tail_valid = 1;
	}
	return MCG_OK;
}

static int write_postings(mcg_ledger *L, const mcg_event *ev, mcg_error *err)
{
	int64_t sum = 0;
	sqlite3_stmt *st;
	int rc;

	for (size_t i = 0; i < ev->n_postings; i++)
		if (mcg_add(sum, ev->postings[i].amount_minor, &sum))
			return mcg_error_set(err, MCG_EINPUT, "postings overflow");
	/* A handler that posts unbalanced entries is a bug, not bad input. */
	assert(sum == 0);
	if (sum != 0)
		return mcg_error_set(err, MCG_ESYS, "internal error: postings of %s do not balance",
				     ev->type);
	for (size_t i = 0; i < ev->n_postings; i++) {
		const mcg_posting *p = &ev->postings[i];

		st = mcg_db_stmt(L, "INSERT INTO postings(seq, line, account, amount)"
				 " VALUES(?1, ?2, ?3, ?4)", err);
		if (!st)
			return err->code;
		sqlite3_bind_int64(st, 1, ev->seq);
		sqlite3_bind_int64(st, 2, (int64_t)i + 1);
		sqlite3_bind_text(st, 3, p->account, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 4, p->amount_minor);
		rc = mcg_db_step_done(L, st, err, "writing a posting");
		rc = rc ? rc : mcg_db_add_balance(L, p->account, p->amount_minor, err);
		if (rc)
			return rc;
	}
	return MCG_OK;
}

/* Inserts the event row.  *ref_taken is set, and nothing written, when
 * another event already has the ref (the UNIQUE index says so, as part of
 * the insert it makes anyway: no lookup of its own per event). */
static int write_event(mcg_ledger *L, const mcg_event *ev, const mcg_buf *fields,
		       int *ref_taken, mcg_error *err)
{
	sqlite3_stmt *st;
	int rc;

	*ref_taken = 0;
	st = mcg_db_stmt(L, "INSERT INTO events(seq, type, ref, date, date_given,"
			 " recorded_at, actor, fields) VALUES(?1,?2,?3,?4,?5,?6,?7,?8)",
			 err);
	if (!st)
		return err->code;
	sqlite3_bind_int64(st, 1, ev->seq);
	sqlite3_bind_text(st, 2, ev->type, -1, SQLITE_STATIC);
	if (ev->ref[0])
		sqlite3_bind_text(st, 3, ev->ref, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 4, ev->date_days);
	sqlite3_bind_int(st, 5, ev->date_given);
	sqlite3_bind_text(st, 6, ev->recorded_at, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 7, ev->actor, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 8, mcg_buf_str(fields), (int)fields->len, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_DONE) {
		sqlite3_reset(st);
		return MCG_OK;
	}
	if ((rc & 0xff) == SQLITE_CONSTRAINT &&
	    sqlite3_extended_errcode(L->db) == SQLITE_CONSTRAINT_UNIQUE && ev->ref[0]) {
		sqlite3_reset(st);
		*ref_taken = 1;
		return MCG_OK;
	}
	rc = mcg_db_error(L, err, "writing the event");
	sqlite3_reset(st);
	return rc;
}

/* A hash of the tree's right edge as the open transaction keeps it. */
static int cached_hash(const mcg_ledger *L, int64_t idx, mcg_hash *out)
{
	if (!L->in_txn)
		return 0;
	for (size_t level = 0; level < MCG_TXN_HASHES; level++)
		if (L->txn.hash_idx[level] == idx) {
			*out = L->txn.hash[level];
			return 1;
		}
	return 0;
}

/* The edge as the open transaction has made it (it may be ahead of the
 * audit_edge row until mcg_journal_flush_all). */
static int txn_edge(const mcg_ledger *L, struct mcg_audit_edge *e, mcg_error *err)
{
	const struct mcg_txn_cache *t = &L->txn;

	e->size = t->edge_size;
	e->levels = 0;
	e->block = NULL;
	for (int l = 0; l < MCG_TXN_HASHES && (e->size >> l) >= 1; l++) {
		/* The edge holds every level up to the root's: a hole is a bug. */
		if (t->hash_idx[l] != mcg_merkle_stored_index(l, (e->size >> l) - 1))
			return mcg_error_set(err, MCG_ESYS,
					     "internal error: the audit edge misses level %d", l);
		e->h[l] = t->hash[l];
		e->levels = l + 1;
	}
	return MCG_OK;
}

/* A node the hashing thread completed at a stored level: written in the
 * transaction, as append_audit_leaf writes its own. */
static int store_node(void *ctx, const struct mcg_leaf_node *node, mcg_error *err)
{
	return mcg_audit_node_write(ctx, node->level, node->k, &node->hash, err);
}

/*
 * Waits for the leaves on the hashing thread and takes the edge they
 * made into the transaction's, as if append_audit_leaf had hashed them
 * itself; the thread ends (the next append starts another).  A failure
 * poisons the transaction: some nodes may be written and others not.
 */
static int settle_leaves(mcg_ledger *L, mcg_error *err)
{
	struct mcg_txn_cache *t = &L->txn;
	mcg_hash edge[MCG_TXN_HASHES];
	int64_t size;
	int levels;
	int rc;

	if (!t->leaf_pipe)
		return MCG_OK;
	rc = mcg_leaf_pipe_finish(t->leaf_pipe, &size, edge, &levels, err);
	if (!rc && size != t->edge_size)
		rc = mcg_error_set(err, MCG_ESYS,
				   "internal error: %lld audit leaves hashed where the log has %lld",
				   (long long)size, (long long)t->edge_size);
	mcg_leaf_pipe_stop(t->leaf_pipe);
	t->leaf_pipe = NULL;
	if (rc) {
		mcg_txn_cache_drop(L);
		t->poisoned = 1;
		return rc;
	}
	for (int l = 0; l < levels; l++) {
		t->hash_idx[l] = mcg_merkle_stored_index(l, (size >> l) - 1);
		t->hash[l] = edge[l];
	}
	return MCG_OK;
}

/* The Merkle code's reader: the transaction's edge, else the stored tree
 * (audit/merkle.c never sees SQL). */
static int read_hashes(void *ctx, const int64_t *indexes, size_t n,
		       mcg_hash *out, mcg_error *err)
{
	mcg_ledger *L = ctx;
	struct mcg_audit_edge edge;
	/* The hashes of one root or proof below level 8 often come from the
	 * same block of leaves: recomputed and checked once. */
	struct mcg_audit_block block;
	int edge_read = 0;
	int rc = L->in_txn ? settle_leaves(L, err) : MCG_OK;

	if (rc)
		return rc;
	for (size_t i = 0; i < n; i++) {
		int64_t k;
		int level;

		if (cached_hash(L, indexes[i], &out[i]))
			continue;
		if (mcg_merkle_split_index(indexes[i], &level, &k))
			return mcg_error_set(err, MCG_ESYS,
					     "internal error: audit hash %lld asked for",
					     (long long)indexes[i]);
		if (!edge_read) {
			rc = L->in_txn && L->txn.edge_loaded ? txn_edge(L, &edge, err) :
				mcg_audit_edge_read(L, &edge, err);
			if (rc)
				return rc;
			block.valid = 0;
			edge.block = &block;
			edge_read = 1;
		}
		rc = mcg_audit_hash_at(L, &edge, level, k, &out[i], err);
		if (rc)
			return rc;
	}
	return MCG_OK;
}

int mcg_ledger_read_hashes(void *ctx, const int64_t *indexes, size_t n,
			   mcg_hash *out, mcg_error *err)
{
	return read_hashes(ctx, indexes, n, out, err);
}

/*
 * The audit tree's right edge, read at the first append of a transaction
 * and kept in it: every hash an append reads is then in memory, and the
 * edge is written back once, by mcg_journal_flush_all at the commit.  Per
 * event, the only row the audit log adds is a node at levels 8, 16, ...
 * (one per 256 events): storing every hash (schema version 2, 64 bytes an
 * event) cost a quarter of an import's time (docs/PERFORMANCE.md).
 */
static int load_edge(mcg_ledger *L, int64_t size, mcg_error *err)
{
	struct mcg_audit_edge e;
	int rc = mcg_audit_edge_read(L, &e, err);

	if (rc)
		return rc;
	if (e.size != size)
		return mcg_error_set(err, MCG_EINTEGRITY,
				     "the audit log's edge is for %lld events where the log has %lld (the audit log was changed)",
				     (long long)e.size, (long long)size);
	for (int l = 0; l < e.levels; l++) {
		L->txn.hash_idx[l] = mcg_merkle_stored_index(l, (e.size >> l) - 1);
		L->txn.hash[l] = e.h[l];
	}
	L->txn.edge_loaded = 1;
	L->txn.edge_size = size;
	return MCG_OK;
}

static int write_edge(mcg_ledger *L, mcg_error *err)
{
	struct mcg_txn_cache *t = &L->txn;
	struct mcg_audit_edge e;
	int rc = settle_leaves(L, err);

	if (rc || !t->edge_dirty)
		return rc;
	rc = txn_edge(L, &e, err);
	rc = rc ? rc : mcg_audit_edge_write(L, &e, err);
	if (!rc)
		t->edge_dirty = 0;
	return rc;
}

static int append_audit_leaf(mcg_ledger *L, const mcg_event *ev,
			     const mcg_journal_prepared *prepared, mcg_error *err)
{
	mcg_buf *bytes = &L->scratch_canonical;
	mcg_hash leaf, made[MCG_PROOF_MAX];
	size_t n = 0;
	int rc;

	rc = L->txn.edge_loaded ? MCG_OK : load_edge(L, ev->seq - 1, err);
	if (rc)
		return rc;
	mcg_buf_reset(bytes);
	rc = prepared ? mcg_event_canonical_join(ev, &prepared->canonical_head,
						 &prepared->canonical_body, bytes)
		      : mcg_event_canonical(ev, bytes);
	if (rc)
		return mcg_error_set(err, rc, "event too large to encode");
	if (L->hash_aside && !L->txn.leaf_pipe) {
		struct mcg_audit_edge e;
		mcg_error thread_err;

		rc = txn_edge(L, &e, err);
		if (rc)
			return rc;
		/* No thread to be had: hash here, as any other command does. */
		if (mcg_leaf_pipe_start(e.size, e.h, e.levels, MCG_AUDIT_NODE_EVERY, store_node,
					L, &L->txn.leaf_pipe, &thread_err))
			L->hash_aside = 0;
	}
	if (L->txn.leaf_pipe) {
		rc = mcg_leaf_pipe_add(L->txn.leaf_pipe, bytes->data, bytes->len, err);
		if (rc)
			return rc;
		L->txn.edge_size = ev->seq;
		L->txn.edge_dirty = 1;
		return MCG_OK;
	}
	mcg_merkle_leaf_hash(bytes->data, bytes->len, &leaf);
	rc = mcg_merkle_append(ev->seq - 1, &leaf, read_hashes, L, made, &n, err);
	if (rc)
		return rc;
	/* made[i] is the subtree of level i that this leaf completes: the
	 * latest of its level, the one the next append at that level reads. */
	for (size_t i = 0; i < n && i < MCG_TXN_HASHES; i++) {
		int64_t k = (ev->seq - 1) >> i;

		L->txn.hash_idx[i] = mcg_merkle_stored_index((int)i, k);
		L->txn.hash[i] = made[i];
		if (i > 0 && i % MCG_AUDIT_NODE_EVERY == 0) {
			rc = mcg_audit_node_write(L, (int)i, k, &made[i], err);
			if (rc)
				return rc;
		}
	}
	L->txn.edge_size = ev->seq;
	L->txn.edge_dirty = 1;
	return MCG_OK;
}

/* A ref already taken: a replay of the event (*replayed, nothing to do)
 * or a conflict (MCG_ECONFLICT). */
static int ref_taken(mcg_ledger *L, mcg_event *ev, const mcg_buf *fields,
		     int *replayed, mcg_error *err)
{
	int found = 0;
	int rc = check_ref(L, ev, fields, &found, err);

	if (!rc && !found)
		return mcg_error_set(err, MCG_ESYS, "internal error: ref '%s' is taken and absent",
				     ev->ref);
	if (!rc && replayed)
		*replayed = 1;
	return rc;
}

/* The ref and the fields: the part of an append that needs no ledger. */
static int check_and_encode(const mcg_event *ev, mcg_buf *fields, mcg_error *err)
{
	int rc = ev->ref[0] ? mcg_journal_check_ref(ev->ref, err) : MCG_OK;

	mcg_buf_reset(fields);
	if (!rc && mcg_event_encode_fields(ev, fields))
		rc = mcg_error_set(err, MCG_EINPUT, "event fields too large");
	return rc;
}

int mcg_journal_prepare(const mcg_event *ev, mcg_journal_prepared *p,
			mcg_error *err)
{
	int rc = check_and_encode(ev, &p->fields, err);

	mcg_buf_reset(&p->canonical_head);
	mcg_buf_reset(&p->canonical_body);
	if (!rc && (mcg_event_canonical_head(ev, &p->canonical_head) ||
		    mcg_event_canonical_body(ev, &p->canonical_body)))
		rc = mcg_error_set(err, MCG_EINPUT, "event too large to encode");
	return rc;
}

void mcg_journal_prepared_free(mcg_journal_prepared *p)
{
	mcg_buf_free(&p->fields);
	mcg_buf_free(&p->canonical_head);
	mcg_buf_free(&p->canonical_body);
}

int mcg_journal_append(mcg_ledger *L, mcg_event *ev, int *replayed,
		       mcg_error *err)
{
	return mcg_journal_append_prepared(L, ev, NULL, replayed, err);
}

int mcg_journal_append_prepared(mcg_ledger *L, mcg_event *ev,
				const mcg_journal_prepared *prepared, int *replayed,
				mcg_error *err)
{
	const mcg_buf *fields = prepared ? &prepared->fields : &L->scratch_fields;
	int64_t size = 0;
	int32_t last_date = INT32_MIN;
	int found = 0, taken = 0;
	int rc;

	assert(L->in_txn);
	if (replayed)
		*replayed = 0;
	rc = prepared ? MCG_OK : check_and_encode(ev, &L->scratch_fields, err);
	rc = rc ? rc : check_actor(ev->actor, mcg_input_source(L), err);
	rc = rc ? rc : log_tail(L, &size, &last_date, err);
	if (rc)
		return rc;
	if (ev->date_days < last_date) {
		char d1[MCG_DATE_TEXT_MAX], d2[MCG_DATE_TEXT_MAX];

		/* A replay of an old event is no back-dating: look it up
		 * (only here, where the insert below cannot tell). */
		if (ev->ref[0]) {
			rc = check_ref(L, ev, fields, &found, err);
			if (rc || found) {
				if (found && replayed && !rc)
					*replayed = 1;
				return rc;
			}
		}
		return mcg_error_set(err, MCG_EINPUT,
				     "date %s is before %s, the latest date in the ledger (no back-dating)",
				     mcg_date_format(ev->date_days, d1),
				     mcg_date_format(last_date, d2));
	}
	/* Only a date past the ledger's latest can be new and far ahead; a
	 * replay (ledger's own events rebuilt by `check`) keeps its date. */
	if (!L->replaying && ev->date_days > last_date) {
		int32_t today = mcg_date_today();

		if (ev->date_days > today + MCG_DATE_AHEAD_MAX_DAYS) {
			char d1[MCG_DATE_TEXT_MAX], d2[MCG_DATE_TEXT_MAX];

			return mcg_error_set(err, MCG_EINPUT,
					     "date %s is more than %d days after today, %s (UTC):"
					     " nothing could be dated before it afterwards"
					     " (no back-dating)",
					     mcg_date_format(ev->date_days, d1),
					     MCG_DATE_AHEAD_MAX_DAYS, mcg_date_format(today, d2));
		}
	}
	if (L->replaying) {
		/* Rebuilding: the event keeps its stored number and time. */
		if (ev->seq != size + 1)
			return mcg_error_set(err, MCG_EINTEGRITY,
					     "event %lld follows event %lld: the sequence has a gap",
					     (long long)ev->seq, (long long)size);
	} else {
		ev->seq = size + 1;
		mcg_timestamp_now(ev->recorded_at);
	}
	/* The row first: it fails, writing nothing, when the ref is taken. */
	rc = write_event(L, ev, fields, &taken, err);
	if (!rc && taken)
		return ref_taken(L, ev, fields, replayed, err);
	mcg_event_clear_postings(ev);
	rc = rc ? rc : mcg_apply(L, ev, err);
	rc = rc ? rc : write_postings(L, ev, err);
	rc = rc ? rc : append_audit_leaf(L, ev, prepared, err);
	if (rc) {
		/* Part of the event is written: the caller rolls back, and
		 * until then nothing cached may be trusted, nor committed. */
		mcg_txn_cache_drop(L);
		L->txn.poisoned = 1;
		return rc;
	}
	if (L->txn.tail_valid) {
		L->txn.tail_size = ev->seq;
		L->txn.tail_last_date = ev->date_days;
	}
	return MCG_OK;
}

int mcg_journal_record(mcg_ledger *L, mcg_event *ev, int *replayed,
		       mcg_error *err)
{
	int rc = mcg_journal_begin(L, err);

	if (rc)
		return rc;
	rc = mcg_journal_append(L, ev, replayed, err);
	if (rc) {
		mcg_journal_rollback(L);
		return rc;
	}
	return mcg_journal_commit(L, err);
}
