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
	for (size_t i = 0; i < n; i++)
		if (ref[i] < 0x21 || ref[i] > 0x7e)
			return mcg_error_set(err, MCG_EINPUT,
					     "bad ref: character %zu is not printable ASCII",
					     i + 1);
	return MCG_OK;
}

int mcg_journal_check_actor(const char *actor, mcg_error *err)
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
	return MCG_OK;
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
	L->txn.tile_no = -1;
	L->txn.tile_n = 0;
	L->txn.tile_dirty = 0;
	mcg_loan_cache_clear(L);
}

static int write_tile(mcg_ledger *L, mcg_error *err);

int mcg_journal_flush(mcg_ledger *L, mcg_error *err)
{
	int rc;

	if (!L->in_txn)
		return MCG_OK;
	rc = mcg_loan_cache_flush(L, err);
	rc = rc ? rc : mcg_loan_flush_total_ga(L, err);
	return rc ? rc : write_tile(L, err);
}

int mcg_journal_begin(mcg_ledger *L, mcg_error *err)
{
	int rc;

	assert(!L->in_txn);
	mcg_txn_cache_drop(L);
	/* IMMEDIATE takes the write lock now, so two treasurers' commands
	 * queue behind each other (busy timeout) instead of failing late. */
	rc = mcg_db_exec(L, "BEGIN IMMEDIATE", err);
	if (!rc)
		L->in_txn = 1;
	return rc;
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
	rc = mcg_journal_flush(L, err);
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

/* A stored hash this transaction wrote, if it is still in the cache. */
static int cached_hash(const mcg_ledger *L, int64_t idx, mcg_hash *out)
{
	if (!L->in_txn)
		return 0;
	for (size_t level = 0; level < MCG_TXN_HASHES; level++)
		if (L->txn.hash_idx[level] == idx) {
			*out = L->txn.hash[level];
			return 1;
		}
	if (L->txn.tile_no >= 0 && idx / MCG_AUDIT_TILE_HASHES == L->txn.tile_no &&
	    (size_t)(idx % MCG_AUDIT_TILE_HASHES) < L->txn.tile_n) {
		*out = L->txn.tile[idx % MCG_AUDIT_TILE_HASHES];
		return 1;
	}
	return 0;
}

/* Reads tile `tile` into out (room for MCG_AUDIT_TILE_HASHES); *n is how
 * many hashes it holds, 0 when there is no such row. */
static int read_tile(mcg_ledger *L, int64_t tile, mcg_hash *out, size_t *n,
		     mcg_error *err)
{
	sqlite3_stmt *st = mcg_db_stmt(L, "SELECT hashes FROM audit_tiles WHERE tile = ?1", err);
	int step, rc;

	*n = 0;
	if (!st)
		return err->code;
	sqlite3_bind_int64(st, 1, tile);
	step = sqlite3_step(st);
	if (step == SQLITE_DONE) {
		sqlite3_reset(st);
		return MCG_OK;
	}
	if (step != SQLITE_ROW) {
		sqlite3_reset(st);
		return mcg_db_error(L, err, "reading the audit log");
	}
	rc = mcg_audit_tile_hashes(st, 0, tile, out, n, err);
	sqlite3_reset(st);
	return rc;
}

int mcg_audit_tile_hashes(sqlite3_stmt *st, int col, int64_t tile, mcg_hash *out,
			  size_t *n, mcg_error *err)
{
	size_t bytes = (size_t)sqlite3_column_bytes(st, col);

	*n = 0;
	if (sqlite3_column_type(st, col) != SQLITE_BLOB || bytes == 0 ||
	    bytes % MCG_HASH_SIZE != 0 || bytes > sizeof(mcg_hash) * MCG_AUDIT_TILE_HASHES)
		return mcg_error_set(err, MCG_EINTEGRITY,
				     "audit tile %lld is damaged (the audit log was changed)",
				     (long long)tile);
	memcpy(out, sqlite3_column_blob(st, col), bytes);
	*n = bytes / MCG_HASH_SIZE;
	return MCG_OK;
}

/* Reads stored audit hashes for the Merkle code (audit/ never sees SQL). */
static int read_hashes(void *ctx, const int64_t *indexes, size_t n,
		       mcg_hash *out, mcg_error *err)
{
	mcg_ledger *L = ctx;

	mcg_hash tile[MCG_AUDIT_TILE_HASHES];
	int64_t tile_no = -1;
	size_t tile_n = 0;
	int rc;

	for (size_t i = 0; i < n; i++) {
		int64_t idx = indexes[i];

		if (cached_hash(L, idx, &out[i]))
			continue;
		/* Proofs read indexes that are often in the same tile. */
		if (idx < 0 || idx / MCG_AUDIT_TILE_HASHES != tile_no) {
			tile_no = idx < 0 ? -1 : idx / MCG_AUDIT_TILE_HASHES;
			rc = idx < 0 ? MCG_OK : read_tile(L, tile_no, tile, &tile_n, err);
			if (rc)
				return rc;
		}
		if (idx < 0 || (size_t)(idx % MCG_AUDIT_TILE_HASHES) >= tile_n)
			return mcg_error_set(err, MCG_EINTEGRITY,
					     "audit hash %lld is missing (the audit log was changed)",
					     (long long)idx);
		out[i] = tile[idx % MCG_AUDIT_TILE_HASHES];
	}
	return MCG_OK;
}

int mcg_ledger_read_hashes(void *ctx, const int64_t *indexes, size_t n,
			   mcg_hash *out, mcg_error *err)
{
	return read_hashes(ctx, indexes, n, out, err);
}

/*
 * The audit tree's stored hashes go to audit_tiles 64 to a row: an event
 * stores two on average, and a row a hash (schema version 1) was, beside
 * the event's own row, most of what the audit log cost an import
 * (docs/PERFORMANCE.md).  The transaction keeps the last tile and writes
 * it when it is full and at every flush.
 */
static int write_tile(mcg_ledger *L, mcg_error *err)
{
	struct mcg_txn_cache *t = &L->txn;
	sqlite3_stmt *st;
	int rc;

	if (!t->tile_dirty)
		return MCG_OK;
	st = mcg_db_stmt(L, "INSERT INTO audit_tiles(tile, hashes) VALUES(?1, ?2)"
			 " ON CONFLICT(tile) DO UPDATE SET hashes = excluded.hashes", err);
	if (!st)
		return err->code;
	sqlite3_bind_int64(st, 1, t->tile_no);
	sqlite3_bind_blob(st, 2, t->tile, (int)(t->tile_n * sizeof(mcg_hash)), SQLITE_STATIC);
	rc = mcg_db_step_done(L, st, err, "appending to the audit log");
	if (!rc)
		t->tile_dirty = 0;
	return rc;
}

/* Appends stored hash idx (the next one of the log) to the last tile. */
static int store_hash(mcg_ledger *L, int64_t idx, const mcg_hash *h, mcg_error *err)
{
	struct mcg_txn_cache *t = &L->txn;
	int64_t tile = idx / MCG_AUDIT_TILE_HASHES;
	size_t at = (size_t)(idx % MCG_AUDIT_TILE_HASHES);
	int rc;

	if (t->tile_no != tile) {
		rc = write_tile(L, err);
		if (rc)
			return rc;
		t->tile_no = tile;
		t->tile_n = 0;
		/* The tile's earlier hashes, written by earlier transactions. */
		rc = at ? read_tile(L, tile, t->tile, &t->tile_n, err) : MCG_OK;
		if (rc) {
			t->tile_no = -1;
			return rc;
		}
	}
	if (t->tile_n != at) {
		t->tile_no = -1;
		return mcg_error_set(err, MCG_EINTEGRITY,
				     "audit tile %lld holds %zu hashes where %zu were expected (the audit log was changed)",
				     (long long)tile, t->tile_n, at);
	}
	t->tile[at] = *h;
	t->tile_n++;
	t->tile_dirty = 1;
	return t->tile_n == MCG_AUDIT_TILE_HASHES ? write_tile(L, err) : MCG_OK;
}

static int append_audit_leaf(mcg_ledger *L, const mcg_event *ev, mcg_error *err)
{
	mcg_buf *bytes = &L->scratch_canonical;
	mcg_hash leaf, stored[MCG_PROOF_MAX];
	size_t n = 0;
	int64_t first;
	int rc;

	mcg_buf_reset(bytes);
	rc = mcg_event_canonical(ev, bytes);
	if (rc)
		return mcg_error_set(err, rc, "event too large to encode");
	mcg_merkle_leaf_hash(bytes->data, bytes->len, &leaf);
	rc = mcg_merkle_append(ev->seq - 1, &leaf, read_hashes, L, stored, &n, err);
	if (rc)
		return rc;
	first = mcg_merkle_stored_count(ev->seq - 1);
	for (size_t i = 0; i < n; i++) {
		rc = store_hash(L, first + (int64_t)i, &stored[i], err);
		if (rc)
			return rc;
	}
	/* Stored hash i of this leaf is at level i of the tree, and is the
	 * latest of its level: the one the next append at that level reads. */
	for (size_t i = 0; i < n && i < MCG_TXN_HASHES; i++) {
		L->txn.hash_idx[i] = first + (int64_t)i;
		L->txn.hash[i] = stored[i];
	}
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

int mcg_journal_append(mcg_ledger *L, mcg_event *ev, int *replayed,
		       mcg_error *err)
{
	mcg_buf *fields = &L->scratch_fields;
	int64_t size = 0;
	int32_t last_date = INT32_MIN;
	int found = 0, taken = 0;
	int rc;

	assert(L->in_txn);
	if (replayed)
		*replayed = 0;
	rc = ev->ref[0] ? mcg_journal_check_ref(ev->ref, err) : MCG_OK;
	mcg_buf_reset(fields);
	if (!rc && mcg_event_encode_fields(ev, fields))
		rc = mcg_error_set(err, MCG_EINPUT, "event fields too large");
	rc = rc ? rc : mcg_journal_check_actor(ev->actor, err);
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
	rc = rc ? rc : append_audit_leaf(L, ev, err);
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
