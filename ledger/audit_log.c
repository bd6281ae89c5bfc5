/*
 * The ledger's side of the audit log: see audit_log.h and docs/AUDIT.md.
 *
 * Three kinds of work live here:
 *
 * - The stored tree (audit_nodes and audit_edge, below): roots and
 *   proofs through audit/merkle.c, the hashes it does not store
 *   recomputed from the stored level below or from the events.
 * - Signing and checking checkpoints (C2SP signed notes, audit/note.c).
 *   Making a checkpoint is the one write outside the journal; it refuses
 *   to sign a tree that is not an extension of the last tree it signed.
 * - The full verification.  It trusts nothing the journal stored: it reads
 *   the event and posting rows in one pass, recomputes every leaf from them
 *   and the tree from those leaves, and compares each stored node with
 *   the one it recomputed as it goes, and the edge at the end.  Appending
 *   a leaf reads only the latest complete subtree of each level (the
 *   *frontier*, at most 64 hashes), so the pass holds O(log n) hashes
 *   whatever the size of the log, and the roots of the kept checkpoints
 *   are folded from the same frontier when the pass reaches their size.
 */
#include "audit_log.h"

#include <assert.h>
#include <stdio.h>
#include <string.h>

#include <openssl/sha.h>

#include "audit/keys.h"
#include "date.h"
#include "journal.h"
#include "ledger_int.h"

/* Levels of a tree of up to 2^63 leaves. */
#define FRONTIER_LEVELS 64

/* ---- reading the tree ---------------------------------------------------- */

int mcg_audit_root(mcg_ledger *L, int64_t size, mcg_hash *out, mcg_error *err)
{
	int64_t n;
	int rc;

	rc = mcg_ledger_size(L, &n, err);
	if (rc)
		return rc;
	if (size < 0 || size > n)
		return mcg_error_set(err, MCG_EINPUT,
				     "no tree of size %lld: the log has %lld events",
				     (long long)size, (long long)n);
	return mcg_merkle_tree_hash(size, mcg_ledger_read_hashes, L, out, err);
}

static int hash_equal(const mcg_hash *a, const mcg_hash *b)
{
	return memcmp(a->b, b->b, MCG_HASH_SIZE) == 0;
}

/* ---- events and postings read back strictly ------------------------------ */

/*
 * The rows are read as the journal wrote them, and anything it could not
 * have written (a wrong column type, text with a NUL or too long for the
 * event, a date out of range) is an integrity failure rather than being
 * coerced: SQLite would read 20000 + 2^32 as 20000 through a 32-bit
 * getter, and a changed row must never read back as the original.
 */

static int changed(mcg_error *err, int64_t seq, const char *what)
{
	return mcg_error_set(err, MCG_EINTEGRITY,
			     "event %lld: its stored %s cannot be what the journal wrote (the event was changed)",
			     (long long)seq, what);
}

/* A TEXT column (NULL allowed when null_ok: it reads as "") into dst. */
static int read_text(sqlite3_stmt *st, int col, char *dst, size_t dstsz,
		     int null_ok, int64_t seq, const char *what, mcg_error *err)
{
	const char *s;
	int type = sqlite3_column_type(st, col);

	if (type == SQLITE_NULL && null_ok) {
		dst[0] = '\0';
		return MCG_OK;
	}
	if (type != SQLITE_TEXT)
		return changed(err, seq, what);
	s = (const char *)sqlite3_column_text(st, col);
	if (!s)
		return mcg_error_set(err, MCG_ESYS, "out of memory");
	if ((size_t)sqlite3_column_bytes(st, col) != strlen(s) ||
	    mcg_strlcpy(dst, s, dstsz))
		return changed(err, seq, what);
	return MCG_OK;
}

/* An INTEGER column within [min, max]. */
static int read_int(sqlite3_stmt *st, int col, int64_t min, int64_t max,
		    int64_t *out, int64_t seq, const char *what, mcg_error *err)
{
	int64_t v;

	if (sqlite3_column_type(st, col) != SQLITE_INTEGER)
		return changed(err, seq, what);
	v = sqlite3_column_int64(st, col);
	if (v < min || v > max)
		return changed(err, seq, what);
	*out = v;
	return MCG_OK;
}

/*
 * Loads an event from a row of
 *   SELECT seq, type, ref, date, date_given, recorded_at, actor, fields
 * into ev (reset here: the caller initialises it once, before a loop of
 * events, and frees it after), without its postings.
 */
static int load_event_row(sqlite3_stmt *st, mcg_event *ev, mcg_error *err)
{
	char type[MCG_EVENT_TYPE_MAX + 1];
	const char *fields;
	int64_t seq = sqlite3_column_int64(st, 0), date, given;
	int rc;

	mcg_event_reset(ev, "");
	ev->seq = seq;
	rc = read_text(st, 1, type, sizeof(type), 0, seq, "type", err);
	rc = rc ? rc : read_text(st, 2, ev->ref, sizeof(ev->ref), 1, seq, "ref", err);
	rc = rc ? rc : read_int(st, 3, INT32_MIN, INT32_MAX, &date, seq, "date", err);
	rc = rc ? rc : read_int(st, 4, 0, 1, &given, seq, "date_given", err);
	rc = rc ? rc : read_text(st, 5, ev->recorded_at, sizeof(ev->recorded_at), 0,
				 seq, "recorded_at", err);
	rc = rc ? rc : read_text(st, 6, ev->actor, sizeof(ev->actor), 0, seq, "actor", err);
	if (rc)
		return rc;
	mcg_strlcpy(ev->type, type, sizeof(ev->type));
	ev->date_days = (int32_t)date;
	ev->date_given = (int)given;
	if (sqlite3_column_type(st, 7) != SQLITE_TEXT)
		return changed(err, seq, "fields");
	fields = (const char *)sqlite3_column_text(st, 7);
	if (!fields)
		return mcg_error_set(err, MCG_ESYS, "out of memory");
	if ((size_t)sqlite3_column_bytes(st, 7) != strlen(fields))
		return changed(err, seq, "fields");
	rc = mcg_event_decode_fields(ev, fields, err);
	if (rc == MCG_EINPUT)
		return changed(err, seq, "fields");
	return rc;
}

/*
 * Adds the posting in a row of SELECT seq, line, account, amount to ev.
 * Lines must run 1, 2, 3, ... and amounts be non-zero, as the journal
 * writes them.
 */
static int add_posting_row(sqlite3_stmt *st, mcg_event *ev, mcg_error *err)
{
	char account[MCG_ACCOUNT_MAX + 1];
	int64_t line, amount;
	int rc;

	rc = read_int(st, 1, 1, INT64_MAX, &line, ev->seq, "posting line", err);
	rc = rc ? rc : read_text(st, 2, account, sizeof(account), 0, ev->seq,
				 "posting account", err);
	rc = rc ? rc : read_int(st, 3, INT64_MIN, INT64_MAX, &amount, ev->seq,
				"posting amount", err);
	if (rc)
		return rc;
	if (line != (int64_t)ev->n_postings + 1)
		return mcg_error_set(err, MCG_EINTEGRITY,
				     "event %lld: its posting lines do not run 1, 2, 3, ... (line %lld where %zu was due: the postings were changed)",
				     (long long)ev->seq, (long long)line,
				     ev->n_postings + 1);
	if (amount == 0)
		return changed(err, ev->seq, "posting amount");
	rc = mcg_event_post(ev, account, amount, err);
	if (rc == MCG_EINPUT)
		return mcg_error_set(err, MCG_EINTEGRITY,
				     "event %lld: more postings than an event can have (the postings were changed)",
				     (long long)ev->seq);
	return rc;
}

/* The leaf hash of an event: SHA-256(0x00 || canonical bytes). */
static int event_leaf(const mcg_event *ev, mcg_buf *scratch, mcg_hash *out,
		      mcg_error *err)
{
	int rc;

	mcg_buf_reset(scratch);
	rc = mcg_event_canonical(ev, scratch);
	if (rc)
		return mcg_error_set(err, rc == MCG_ESYS ? MCG_ESYS : MCG_EINTEGRITY,
				     "event %lld: too large to encode",
				     (long long)ev->seq);
	mcg_merkle_leaf_hash(scratch->data, scratch->len, out);
	return MCG_OK;
}

/* One query read row by row; `row` says whether st holds a row now. */
struct cursor {
	sqlite3_stmt *st;
	int row;
};

static int cursor_open(mcg_ledger *L, struct cursor *c, const char *sql,
		       mcg_error *err)
{
	c->row = 0;
	if (sqlite3_prepare_v2(L->db, sql, -1, &c->st, NULL) != SQLITE_OK) {
		c->st = NULL;
		return mcg_db_error(L, err, "reading the audit log");
	}
	return MCG_OK;
}

static int cursor_next(mcg_ledger *L, struct cursor *c, mcg_error *err)
{
	int step = sqlite3_step(c->st);

	c->row = step == SQLITE_ROW;
	if (step != SQLITE_ROW && step != SQLITE_DONE)
		return mcg_db_error(L, err, "reading the audit log");
	return MCG_OK;
}

/*
 * The events and their postings in seq order, two queries read side by
 * side: every row (for `audit verify` and the upgrade, which must see rows
 * of any seq), or the events of a range (for a block of leaves).
 */
struct event_rows {
	mcg_ledger *L;
	struct cursor events, postings;
};

/* Opens r on every row (first == 0) or on events first .. last, and reads
 * the first row of each. */
static int event_rows_open(mcg_ledger *L, struct event_rows *r, int64_t first,
			   int64_t last, mcg_error *err)
{
	int rc;

	memset(r, 0, sizeof(*r));
	r->L = L;
	if (first == 0) {
		rc = cursor_open(L, &r->events, "SELECT seq, type, ref, date, date_given,"
				 " recorded_at, actor, fields FROM events ORDER BY seq", err);
		rc = rc ? rc : cursor_open(L, &r->postings, "SELECT seq, line, account, amount"
					   " FROM postings ORDER BY seq, line", err);
	} else {
		rc = cursor_open(L, &r->events, "SELECT seq, type, ref, date, date_given,"
				 " recorded_at, actor, fields FROM events"
				 " WHERE seq BETWEEN ?1 AND ?2 ORDER BY seq", err);
		rc = rc ? rc : cursor_open(L, &r->postings, "SELECT seq, line, account, amount"
					   " FROM postings WHERE seq BETWEEN ?1 AND ?2"
					   " ORDER BY seq, line", err);
		if (!rc) {
			sqlite3_bind_int64(r->events.st, 1, first);
			sqlite3_bind_int64(r->events.st, 2, last);
			sqlite3_bind_int64(r->postings.st, 1, first);
			sqlite3_bind_int64(r->postings.st, 2, last);
		}
	}
	rc = rc ? rc : cursor_next(L, &r->events, err);
	return rc ? rc : cursor_next(L, &r->postings, err);
}

static void event_rows_close(struct event_rows *r)
{
	sqlite3_finalize(r->events.st);
	sqlite3_finalize(r->postings.st);
}

static int orphan_posting(struct event_rows *r, const char *why, mcg_error *err)
{
	return mcg_error_set(err, MCG_EINTEGRITY,
			     "posting line %lld of event %lld belongs to no event (%s)",
			     (long long)sqlite3_column_int64(r->postings.st, 1),
			     (long long)sqlite3_column_int64(r->postings.st, 0), why);
}

/* Reads the event at the events cursor with its postings into ev (as
 * load_event_row). */
static int read_event(struct event_rows *r, mcg_event *ev, mcg_error *err)
{
	sqlite3_stmt *po = r->postings.st;
	int rc = load_event_row(r->events.st, ev, err);

	while (!rc && r->postings.row) {
		int64_t pseq;

		if (sqlite3_column_type(po, 0) != SQLITE_INTEGER)
			return orphan_posting(r, "the postings were changed", err);
		pseq = sqlite3_column_int64(po, 0);
		if (pseq < ev->seq)
			return orphan_posting(r, "rows were added", err);
		if (pseq > ev->seq)
			break;
		rc = add_posting_row(po, ev, err);
		rc = rc ? rc : cursor_next(r->L, &r->postings, err);
	}
	return rc;
}

/* ---- the stored tree (schema version 3) ---------------------------------- */

/*
 * Of the audit tree the ledger stores (docs/AUDIT.md, "The tree"):
 *
 * - audit_nodes: the complete subtrees of levels 8, 16, 24, ... (level l,
 *   index k: the hash of leaves k 2^l to (k + 1) 2^l - 1), one row per 256
 *   events, one more per 65,536;
 * - audit_edge: the tree's right edge (struct mcg_audit_edge): for each
 *   level the latest complete subtree, the hashes the next append reads
 *   and the ones the root is folded from.
 *
 * Every other hash is recomputed when a root or a proof needs it: a leaf
 * from its event, a node of levels 1 to 7 from the leaves below it, one of
 * levels 9 to 15 (17 to 23, ...) from the stored nodes of level 8 (16,
 * ...) below it, 2 to 128 hashes each.  Leaves are recomputed a block of
 * 256 at a time (the leaves under one node of level 8) and checked against
 * that node, or against the edge for the last, incomplete block, before
 * any of them is used: a changed event never makes its way into a root or
 * a proof, it makes an error naming its block.
 */

/* The number of edge levels of a tree of size leaves: those with
 * size >> level >= 1. */
static int edge_levels(int64_t size)
{
	int n = 0;

	while (n < 63 && (size >> n) >= 1)
		n++;
	return n;
}

static int events_mismatch(mcg_error *err, int64_t first, int64_t last)
{
	if (first == last)
		return mcg_error_set(err, MCG_EINTEGRITY,
				     "event %lld does not match the audit log (the event or its postings were changed)",
				     (long long)first);
	return mcg_error_set(err, MCG_EINTEGRITY,
			     "events %lld to %lld do not match the audit log (one of them or its postings were changed)",
			     (long long)first, (long long)last);
}

/* Events covered by the node of level l and index k (1-based seq). */
static int node_mismatch(mcg_error *err, int level, int64_t k)
{
	return events_mismatch(err, (k << level) + 1, (k + 1) << level);
}

int mcg_audit_edge_read(mcg_ledger *L, struct mcg_audit_edge *e, mcg_error *err)
{
	sqlite3_stmt *st = mcg_db_stmt(L, "SELECT size, hashes FROM audit_edge", err);
	int step, type, rc = MCG_OK;
	size_t bytes;

	memset(e, 0, sizeof(*e));
	if (!st)
		return err->code;
	step = sqlite3_step(st);
	if (step != SQLITE_ROW && step != SQLITE_DONE) {
		rc = mcg_db_error(L, err, "reading the audit log");
		goto out;
	}
	if (step == SQLITE_DONE || sqlite3_column_type(st, 0) != SQLITE_INTEGER ||
	    sqlite3_column_int64(st, 0) < 0) {
		rc = mcg_error_set(err, MCG_EINTEGRITY,
				   "the audit log's edge is missing or damaged (the audit log was changed)");
		goto out;
	}
	e->size = sqlite3_column_int64(st, 0);
	e->levels = edge_levels(e->size);
	/* The type before the bytes: sqlite3_column_bytes may convert. */
	type = sqlite3_column_type(st, 1);
	bytes = (size_t)sqlite3_column_bytes(st, 1);
	if (type != SQLITE_BLOB && !(e->size == 0 && bytes == 0)) {
		rc = mcg_error_set(err, MCG_EINTEGRITY,
				   "the audit log's edge is missing or damaged (the audit log was changed)");
		goto out;
	}
	if (bytes != (size_t)e->levels * MCG_HASH_SIZE) {
		rc = mcg_error_set(err, MCG_EINTEGRITY,
				   "the audit log's edge holds %zu bytes where a tree of %lld events has %d hashes (the audit log was changed)",
				   bytes, (long long)e->size, e->levels);
		goto out;
	}
	if (bytes)
		memcpy(e->h, sqlite3_column_blob(st, 1), bytes);
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = mcg_error_set(err, MCG_EINTEGRITY,
				   "the audit log has more than one edge (rows were added to the audit log)");
out:
	sqlite3_reset(st);
	return rc;
}

int mcg_audit_edge_write(mcg_ledger *L, const struct mcg_audit_edge *e,
			 mcg_error *err)
{
	sqlite3_stmt *st = mcg_db_stmt(L, "UPDATE audit_edge SET size = ?1, hashes = ?2", err);
	int rc;

	if (!st)
		return err->code;
	sqlite3_bind_int64(st, 1, e->size);
	sqlite3_bind_blob(st, 2, e->h, e->levels * MCG_HASH_SIZE, SQLITE_STATIC);
	rc = mcg_db_step_done(L, st, err, "appending to the audit log");
	if (!rc && sqlite3_changes(L->db) != 1)
		rc = mcg_error_set(err, MCG_EINTEGRITY,
				   "the audit log's edge is missing or doubled (the audit log was changed)");
	return rc;
}

int mcg_audit_node_write(mcg_ledger *L, int level, int64_t k, const mcg_hash *h,
			 mcg_error *err)
{
	sqlite3_stmt *st = mcg_db_stmt(L, "INSERT INTO audit_nodes(level, idx, hash)"
				       " VALUES(?1, ?2, ?3)", err);
	int step;

	if (!st)
		return err->code;
	sqlite3_bind_int(st, 1, level);
	sqlite3_bind_int64(st, 2, k);
	sqlite3_bind_blob(st, 3, h->b, MCG_HASH_SIZE, SQLITE_STATIC);
	step = sqlite3_step(st);
	sqlite3_reset(st);
	if (step == SQLITE_DONE)
		return MCG_OK;
	if ((step & 0xff) == SQLITE_CONSTRAINT)
		return mcg_error_set(err, MCG_EINTEGRITY,
				     "the audit log already holds a hash of events %lld to %lld (rows were added to the audit log)",
				     (long long)(k << level) + 1, (long long)(k + 1) << level);
	return mcg_db_error(L, err, "appending to the audit log");
}

/* Stored nodes of `level`, indexes first .. first + n - 1, into out. */
static int read_nodes(mcg_ledger *L, int level, int64_t first, int64_t n,
		      mcg_hash *out, mcg_error *err)
{
	sqlite3_stmt *st = mcg_db_stmt(L, "SELECT idx, hash FROM audit_nodes"
				       " WHERE level = ?1 AND idx BETWEEN ?2 AND ?3 ORDER BY idx", err);
	int64_t want = first;
	int step, rc = MCG_OK;

	if (!st)
		return err->code;
	sqlite3_bind_int(st, 1, level);
	sqlite3_bind_int64(st, 2, first);
	sqlite3_bind_int64(st, 3, first + n - 1);
	while (!rc && (step = sqlite3_step(st)) == SQLITE_ROW) {
		if (sqlite3_column_int64(st, 0) != want) {
			step = SQLITE_DONE;
			break;
		}
		if (sqlite3_column_type(st, 1) != SQLITE_BLOB ||
		    sqlite3_column_bytes(st, 1) != MCG_HASH_SIZE)
			rc = mcg_error_set(err, MCG_EINTEGRITY,
					   "the audit hash of events %lld to %lld is damaged (the audit log was changed)",
					   (long long)(want << level) + 1,
					   (long long)(want + 1) << level);
		else
			memcpy(out[want - first].b, sqlite3_column_blob(st, 1), MCG_HASH_SIZE);
		want++;
	}
	if (!rc && step != SQLITE_ROW && step != SQLITE_DONE)
		rc = mcg_db_error(L, err, "reading the audit log");
	sqlite3_reset(st);
	if (!rc && want != first + n)
		rc = mcg_error_set(err, MCG_EINTEGRITY,
				   "the audit hash of events %lld to %lld is missing (the audit log was changed)",
				   (long long)(want << level) + 1, (long long)(want + 1) << level);
	return rc;
}

/* Folds n (a power of two) hashes into the root of their subtree, in h[0]. */
static void fold(mcg_hash *h, int64_t n)
{
	for (; n > 1; n /= 2)
		for (int64_t i = 0; i < n / 2; i++)
			mcg_merkle_node_hash(&h[2 * i], &h[2 * i + 1], &h[i]);
}

/* The leaf hashes of events first .. first + n - 1, from their rows. */
static int leaf_hashes(mcg_ledger *L, int64_t first, int64_t n, mcg_hash *out,
		       mcg_error *err)
{
	struct event_rows r;
	mcg_buf bytes = MCG_BUF_INIT;
	mcg_event ev;
	int rc = event_rows_open(L, &r, first, first + n - 1, err);

	mcg_event_init(&ev, "");
	for (int64_t seq = first; !rc && seq < first + n; seq++) {
		if (!r.events.row || sqlite3_column_int64(r.events.st, 0) != seq) {
			rc = mcg_error_set(err, MCG_EINTEGRITY, "event %lld is missing (the log has a gap)",
					   (long long)seq);
			break;
		}
		rc = read_event(&r, &ev, err);
		rc = rc ? rc : event_leaf(&ev, &bytes, &out[seq - first], err);
		rc = rc ? rc : cursor_next(L, &r.events, err);
	}
	mcg_event_free(&ev);
	event_rows_close(&r);
	mcg_buf_free(&bytes);
	return rc;
}

#define BLOCK_LEAVES ((int64_t)1 << MCG_AUDIT_NODE_EVERY)

/* For block_leaves: the n leaves of block b (leaf `first` the first) from
 * the events into out, then checked against the stored tree above them. */
static int block_checked(mcg_ledger *L, const struct mcg_audit_edge *e, int64_t b,
			 int64_t first, int64_t n, mcg_hash *out, mcg_error *err)
{
	mcg_hash h[BLOCK_LEAVES];
	int64_t at;
	int rc;

	rc = leaf_hashes(L, first + 1, n, out, err);
	if (rc)
		return rc;
	memcpy(h, out, (size_t)n * sizeof(*h));
	if (n == BLOCK_LEAVES) {
		mcg_hash stored;

		fold(h, BLOCK_LEAVES);
		rc = mcg_audit_hash_at(L, e, MCG_AUDIT_NODE_EVERY, b, &stored, err);
		if (rc)
			return rc;
		return hash_equal(&h[0], &stored) ? MCG_OK :
			node_mismatch(err, MCG_AUDIT_NODE_EVERY, b);
	}
	/* The last block: its leaves are the peaks of the edge below level
	 * 8, largest first (the 1 bits of the size). */
	at = 0;
	for (int l = MCG_AUDIT_NODE_EVERY - 1; l >= 0; l--) {
		int64_t w = (int64_t)1 << l;

		if (!(e->size >> l & 1))
			continue;
		fold(&h[at], w);
		if (!hash_equal(&h[at], &e->h[l]))
			return events_mismatch(err, first + at + 1, first + at + w);
		at += w;
	}
	return MCG_OK;
}

/*
 * The leaves of block b (events 256 b + 1 to 256 b + 256, or to the end of
 * the log) into out (room for 256), *count of them, recomputed from the
 * events and checked against the node of level 8 above them, or for the
 * last block against the edge's peaks below level 8.
 */
static int block_leaves(mcg_ledger *L, const struct mcg_audit_edge *e, int64_t b,
			mcg_hash *out, int64_t *count, mcg_error *err)
{
	int64_t first = b * BLOCK_LEAVES;
	int rc;

	*count = e->size - first < BLOCK_LEAVES ? e->size - first : BLOCK_LEAVES;
	if (*count <= 0)
		return mcg_error_set(err, MCG_ESYS,
				     "internal error: block %lld is beyond the log", (long long)b);
	if (e->block && e->block->valid && e->block->b == b && e->block->count == *count) {
		memcpy(out, e->block->leaves, (size_t)*count * sizeof(*out));
		return MCG_OK;
	}
	rc = block_checked(L, e, b, first, *count, out, err);
	if (!rc && e->block) {
		e->block->valid = 1;
		e->block->b = b;
		e->block->count = *count;
		memcpy(e->block->leaves, out, (size_t)*count * sizeof(*out));
	}
	return rc;
}

int mcg_audit_hash_at(mcg_ledger *L, const struct mcg_audit_edge *e, int level,
		      int64_t k, mcg_hash *out, mcg_error *err)
{
	mcg_hash h[BLOCK_LEAVES];
	int base;
	int64_t w, count;
	int rc;

	if (level < 0 || level >= MCG_TXN_HASHES - 1 || k < 0)
		return mcg_error_set(err, MCG_ESYS,
				     "internal error: no audit subtree of level %d and index %lld",
				     level, (long long)k);
	base = level - level % MCG_AUDIT_NODE_EVERY;
	w = (int64_t)1 << (level - base);
	/* The callers ask only for subtrees of the log's events. */
	if (k >= (e->size >> level))
		return mcg_error_set(err, MCG_EINTEGRITY,
				     "the audit log ends at event %lld: later events were added outside the journal, or the audit log was changed",
				     (long long)e->size);
	if (k == (e->size >> level) - 1) {
		*out = e->h[level];
		return MCG_OK;
	}
	if (level > 0 && level == base)
		return read_nodes(L, level, k, 1, out, err);
	if (base > 0) {
		rc = read_nodes(L, base, k * w, w, h, err);
	} else {
		int64_t b = (k << level) / BLOCK_LEAVES;
		mcg_hash leaves[BLOCK_LEAVES];

		rc = block_leaves(L, e, b, leaves, &count, err);
		if (!rc)
			memcpy(h, &leaves[(k << level) - b * BLOCK_LEAVES],
			       (size_t)w * sizeof(*h));
	}
	if (rc)
		return rc;
	fold(h, w);
	*out = h[0];
	return MCG_OK;
}

/* The leaf of event seq, recomputed and checked with its block. */
static int checked_leaf(mcg_ledger *L, const struct mcg_audit_edge *e, int64_t seq,
			mcg_hash *out, mcg_error *err)
{
	mcg_hash leaves[BLOCK_LEAVES];
	int64_t b = (seq - 1) / BLOCK_LEAVES, count;
	int rc;

	if (seq < 1 || seq > e->size)
		return mcg_error_set(err, MCG_EINTEGRITY,
				     "the audit log ends at event %lld: later events were added outside the journal, or the audit log was changed",
				     (long long)e->size);
	rc = block_leaves(L, e, b, leaves, &count, err);
	if (!rc)
		*out = leaves[(seq - 1) - b * BLOCK_LEAVES];
	return rc;
}

/* ---- signed checkpoints -------------------------------------------------- */

/*
 * The checkpoint keys a rotation retired (SECURITY.md, "Key handling and
 * rotation"): KEYS/retired/checkpoint-SIZE.pub, the public key that signed
 * the checkpoints of at most SIZE events, SIZE being the size of the last
 * one it signed (the handover checkpoint).  A note the current key did not
 * sign is tried against each; *last_size is the largest size among the
 * retired keys that signed it, -1 when none did.  They are read from disk
 * at each call: this runs only for checkpoints older than a rotation.  A
 * file named so that is not a public key is an error (a damaged keys
 * folder), not a key passed over.
 */
struct retired_match {
	mcg_ledger *L;
	const char *note;
	size_t len;
	mcg_buf *text;          /* the note's text, as the best key verified it */
	mcg_buf attempt;
	int64_t last_size;
};

/* Never stops the walk on a match, so that a damaged file is found
 * whatever order the folder lists them in. */
static int try_retired(void *ctx, EVP_PKEY *key, long long size, mcg_error *err)
{
	struct retired_match *m = ctx;
	mcg_error quiet;

	/* The same key may be retired at two sizes (a rotation begun again
	 * after events were recorded): the largest holds. */
	if (size <= m->last_size)
		return MCG_OK;
	mcg_buf_reset(&m->attempt);
	if (mcg_note_verify(m->note, m->len, mcg_ledger_origin(m->L), key, &m->attempt,
			    &quiet) != MCG_OK)
		return MCG_OK;
	m->last_size = size;
	mcg_buf_reset(m->text);
	if (mcg_buf_append(m->text, m->attempt.data, m->attempt.len))
		return mcg_error_set(err, MCG_ESYS, "out of memory");
	return MCG_OK;
}

static int verify_by_retired(mcg_ledger *L, const char *note, size_t len,
			     mcg_buf *text, int64_t *last_size, mcg_error *err)
{
	struct retired_match m = { L, note, len, text, MCG_BUF_INIT, -1 };
	int rc = mcg_keys_each_retired(mcg_ledger_keys_dir(L), MCG_KEY_CHECKPOINT,
				       try_retired, &m, err);

	*last_size = m.last_size;
	mcg_buf_free(&m.attempt);
	return rc;
}

/*
 * Opens a signed checkpoint note: its signature by this ledger's key under
 * the ledger's origin, its form, and its origin line.  Anything wrong with
 * a note handed to us is an integrity failure (MCG_EINTEGRITY): a note
 * that does not parse cannot vouch for anything.  `what` names the note in
 * messages.
 */
static int open_note(mcg_ledger *L, EVP_PKEY *key, const char *note,
		     size_t len, const char *what, mcg_checkpoint *cp,
		     mcg_error *err)
{
	mcg_buf text = MCG_BUF_INIT;
	int64_t retired = -1;
	int rc;

	rc = mcg_note_verify(note, len, mcg_ledger_origin(L), key, &text, err);
	if (rc == MCG_EINTEGRITY) {
		/* Not signed by the current key: by a retired one? */
		mcg_error by_current = *err;

		rc = verify_by_retired(L, note, len, &text, &retired, err);
		if (!rc && retired < 0) {
			*err = by_current;
			rc = MCG_EINTEGRITY;
		}
	}
	rc = rc ? rc : mcg_checkpoint_parse(text.data, text.len, cp, err);
	if (!rc && retired >= 0 && cp->size > retired)
		rc = mcg_error_set(err, MCG_EINTEGRITY,
				   "it is signed by a checkpoint key retired at size %lld"
				   " (" MCG_KEYS_RETIRED_NAME "): it may not vouch for %lld events",
				   (long long)retired, MCG_KEY_CHECKPOINT, (long long)retired,
				   (long long)cp->size);
	mcg_buf_free(&text);
	if (rc == MCG_EINPUT) {
		err->code = MCG_EINTEGRITY;
		rc = MCG_EINTEGRITY;
	}
	if (rc)
		return mcg_error_prefix(err, "%s", what);
	if (strcmp(cp->origin, mcg_ledger_origin(L)) != 0)
		return mcg_error_set(err, MCG_EINTEGRITY,
				     "%s is of another log (origin '%.80s'; this ledger's is '%s')",
				     what, cp->origin, mcg_ledger_origin(L));
	return MCG_OK;
}

static int shorter_than(mcg_error *err, const char *what, int64_t size,
			int64_t events)
{
	return mcg_error_set(err, MCG_EINTEGRITY,
			     "the log is shorter than %s of size %lld (events were deleted): it has %lld events",
			     what, (long long)size, (long long)events);
}

static int root_differs(mcg_error *err, const char *what, int64_t size)
{
	return mcg_error_set(err, MCG_EINTEGRITY,
			     "%s of size %lld does not match the log: the root of its first %lld events differs (the log was rewritten)",
			     what, (long long)size, (long long)size);
}

/* mcg_audit_check_note with the checkpoint key at hand (the public key,
 * or the private one, which holds it). */
static int check_note(mcg_ledger *L, EVP_PKEY *key, const char *note, size_t len,
		      mcg_checkpoint *out, mcg_error *err)
{
	mcg_checkpoint cp;
	mcg_hash root;
	int64_t size;
	int rc;

	rc = open_note(L, key, note, len, "the checkpoint", &cp, err);
	rc = rc ? rc : mcg_ledger_size(L, &size, err);
	if (rc)
		return rc;
	if (cp.size > size)
		return shorter_than(err, "the checkpoint", cp.size, size);
	rc = mcg_merkle_tree_hash(cp.size, mcg_ledger_read_hashes, L, &root, err);
	if (rc)
		return rc;
	if (!hash_equal(&root, &cp.root))
		return root_differs(err, "the checkpoint", cp.size);
	if (out)
		*out = cp;
	return MCG_OK;
}

int mcg_audit_check_note(mcg_ledger *L, const char *note, size_t len,
			 mcg_checkpoint *out, mcg_error *err)
{
	EVP_PKEY *key = NULL;
	int rc;

	rc = mcg_keys_load_public(mcg_ledger_keys_dir(L), MCG_KEY_CHECKPOINT, &key, err);
	rc = rc ? rc : check_note(L, key, note, len, out, err);
	EVP_PKEY_free(key);
	return rc;
}

int mcg_audit_latest_checkpoint(mcg_ledger *L, mcg_buf *note_out,
				int *found, mcg_error *err)
{
	sqlite3_stmt *st = mcg_db_stmt(L,
		"SELECT note FROM checkpoints ORDER BY size DESC LIMIT 1", err);
	int step, rc = MCG_OK;

	*found = 0;
	if (!st)
		return err->code;
	step = sqlite3_step(st);
	if (step == SQLITE_ROW) {
		*found = 1;
		if (mcg_buf_append(note_out, sqlite3_column_text(st, 0),
				   (size_t)sqlite3_column_bytes(st, 0)))
			rc = mcg_error_set(err, MCG_ESYS, "out of memory");
	} else if (step != SQLITE_DONE) {
		rc = mcg_db_error(L, err, "reading the checkpoints");
	}
	sqlite3_reset(st);
	return rc;
}

/* The kept checkpoint of exactly this size, if any. */
static int kept_note(mcg_ledger *L, int64_t size, mcg_buf *out, int *found,
		     mcg_error *err)
{
	sqlite3_stmt *st = mcg_db_stmt(L,
		"SELECT note FROM checkpoints WHERE size = ?1", err);
	int step, rc = MCG_OK;

	*found = 0;
	if (!st)
		return err->code;
	sqlite3_bind_int64(st, 1, size);
	step = sqlite3_step(st);
	if (step == SQLITE_ROW) {
		*found = 1;
		if (mcg_buf_append(out, sqlite3_column_text(st, 0),
				   (size_t)sqlite3_column_bytes(st, 0)))
			rc = mcg_error_set(err, MCG_ESYS, "out of memory");
	} else if (step != SQLITE_DONE) {
		rc = mcg_db_error(L, err, "reading the checkpoints");
	}
	sqlite3_reset(st);
	return rc;
}

/*
 * Before signing the tree of `size` events: the latest kept checkpoint
 * must verify, and the tree must extend it (an RFC 9162 consistency proof
 * from its size, checked against its signed root).  So a tree whose
 * stored hashes were rewritten below a signed checkpoint is never signed
 * again; `mcg audit verify` says where.
 */
static int check_extends_latest(mcg_ledger *W, EVP_PKEY *key, int64_t size,
				const mcg_hash *root, mcg_error *err)
{
	mcg_buf note = MCG_BUF_INIT;
	mcg_hash proof[MCG_PROOF_MAX];
	mcg_checkpoint cp;
	size_t nproof;
	int found, rc;

	rc = mcg_audit_latest_checkpoint(W, &note, &found, err);
	if (rc || !found)
		goto out;
	rc = open_note(W, key, note.data, note.len, "the latest kept checkpoint", &cp, err);
	if (rc)
		goto out;
	if (cp.size > size) {
		rc = shorter_than(err, "the latest kept checkpoint", cp.size, size);
		goto out;
	}
	if (cp.size == 0)
		goto out;
	rc = mcg_merkle_consistency_proof(cp.size, size, mcg_ledger_read_hashes, W,
					  proof, &nproof, err);
	rc = rc ? rc : mcg_merkle_verify_consistency(proof, nproof, cp.size, size,
						     &cp.root, root, err);
	if (rc == MCG_EINTEGRITY)
		mcg_error_prefix(err, "refusing to sign: the log is not an extension of the checkpoint of size %lld (run mcg audit verify)",
				 (long long)cp.size);
out:
	mcg_buf_free(&note);
	return rc;
}

/* Inside W's write transaction: the kept note of the current size (*kept
 * = 1), or a new one signed and not kept (*kept = 0), appended to out;
 * *size is its tree size. */
static int sign_checkpoint(mcg_ledger *W, EVP_PKEY *key, mcg_buf *out,
			   int64_t *size, int *kept, mcg_error *err)
{
	mcg_checkpoint cp;
	mcg_buf text = MCG_BUF_INIT;
	int rc;

	memset(&cp, 0, sizeof(cp));
	*kept = 0;
	rc = mcg_ledger_size(W, &cp.size, err);
	rc = rc ? rc : kept_note(W, cp.size, out, kept, err);
	*size = cp.size;
	if (rc || *kept)
		return rc;
	rc = mcg_merkle_tree_hash(cp.size, mcg_ledger_read_hashes, W, &cp.root, err);
	rc = rc ? rc : check_extends_latest(W, key, cp.size, &cp.root, err);
	if (rc)
		return rc;
	if (mcg_strlcpy(cp.origin, mcg_ledger_origin(W), sizeof(cp.origin)) ||
	    mcg_checkpoint_format(&cp, &text)) {
		rc = mcg_error_set(err, MCG_EINTEGRITY,
				   "the ledger's origin '%.80s' cannot head a checkpoint",
				   mcg_ledger_origin(W));
		goto out;
	}
	rc = mcg_note_sign(text.data, text.len, mcg_ledger_origin(W), key, out, err);
out:
	mcg_buf_free(&text);
	return rc;
}

/* Inside W's write transaction: keeps the note of a checkpoint of `size`
 * events (there is none of that size yet). */
static int insert_checkpoint(mcg_ledger *W, int64_t size, const char *note,
			     size_t len, mcg_error *err)
{
	char made_at[MCG_TIMESTAMP_TEXT_MAX + 8];
	sqlite3_stmt *st = mcg_db_stmt(W, "INSERT INTO checkpoints(size, note, made_at)"
				       " VALUES(?1, ?2, ?3)", err);

	if (!st)
		return err->code;
	sqlite3_bind_int64(st, 1, size);
	sqlite3_bind_text(st, 2, note, (int)len, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, mcg_timestamp_now(made_at), -1, SQLITE_STATIC);
	return mcg_db_step_done(W, st, err, "keeping the checkpoint");
}

/* 1 when a statement of db is still stepping: it holds a read snapshot,
 * which cannot take the write lock, even outside a transaction. */
static int reading(sqlite3 *db)
{
	for (sqlite3_stmt *st = sqlite3_next_stmt(db, NULL); st; st = sqlite3_next_stmt(db, st))
		if (sqlite3_stmt_busy(st) && sqlite3_stmt_readonly(st))
			return 1;
	return 0;
}

/*
 * The connection to write a checkpoint through: L, or, when L is read-only
 * or inside the caller's read (a transaction, a statement not reset), so
 * that it cannot take the write lock, one of our own in *own, for the
 * caller to close.
 */
static int checkpoint_writer(mcg_ledger *L, mcg_ledger **W, mcg_ledger **own,
			     mcg_error *err)
{
	int rc;

	*W = L;
	*own = NULL;
	/* Inside the journal's transaction this would sign or keep
	 * uncommitted events: a programmer error. */
	assert(!L->in_txn);
	if (L->in_txn)
		return mcg_error_set(err, MCG_ESYS,
				     "internal error: a checkpoint inside a write transaction");
	if (sqlite3_db_readonly(L->db, "main") != 0 || !sqlite3_get_autocommit(L->db) ||
	    reading(L->db)) {
		rc = mcg_ledger_open(L->path, L->keys_dir, 0, own, err);
		if (rc)
			return rc;
		*W = *own;
	}
	return MCG_OK;
}

/* The write connection (checkpoint_writer) with its transaction begun. */
static int begin_checkpoint_write(mcg_ledger *L, mcg_ledger **W, mcg_ledger **own,
				  mcg_error *err)
{
	int rc = checkpoint_writer(L, W, own, err);

	if (!rc && (rc = mcg_journal_begin(*W, err)) != MCG_OK) {
		mcg_ledger_close(*own);
		*own = NULL;
	}
	return rc;
}

/* Signs (sign_checkpoint) and, when `keep`, keeps the checkpoint of the
 * current tree; the note goes to note_out only once it is all done. */
static int checkpoint(mcg_ledger *L, int keep, int handover, mcg_buf *note_out,
		      int *kept, mcg_error *err)
{
	mcg_ledger *W, *own;
	mcg_buf note = MCG_BUF_INIT;
	EVP_PKEY *key = NULL;
	int64_t size;
	int rc;

	*kept = 0;
	rc = begin_checkpoint_write(L, &W, &own, err);
	if (rc)
		return rc;
	/* Under the write lock, which a rotation's handover takes too: no
	 * checkpoint is signed with the old key once a rotation has begun
	 * (audit/keys.c), but the handover itself; and the key is read only
	 * now, so a signer that waited for the lock through a whole
	 * rotation signs with the new key, not the one it would have read
	 * before. */
	if (!handover)
		rc = mcg_keys_rotation_pending(mcg_ledger_keys_dir(W), err);
	rc = rc ? rc : mcg_keys_load_private(mcg_ledger_keys_dir(W), MCG_KEY_CHECKPOINT, &key, err);
	rc = rc ? rc : sign_checkpoint(W, key, &note, &size, kept, err);
	if (!rc && keep && !*kept) {
		rc = insert_checkpoint(W, size, note.data, note.len, err);
		*kept = !rc;
	}
	if (rc || !keep)
		mcg_journal_rollback(W);
	else
		rc = mcg_journal_commit(W, err);
	if (rc)
		*kept = 0;
	if (!rc && mcg_buf_append(note_out, note.data, note.len))
		rc = mcg_error_set(err, MCG_ESYS, "out of memory");
	EVP_PKEY_free(key);
	mcg_buf_free(&note);
	mcg_ledger_close(own);
	return rc;
}

int mcg_audit_checkpoint(mcg_ledger *L, mcg_buf *note_out, mcg_error *err)
{
	int kept;

	return checkpoint(L, 1, 0, note_out, &kept, err);
}

int mcg_audit_checkpoint_handover(mcg_ledger *L, mcg_buf *note_out, mcg_error *err)
{
	int kept;

	return checkpoint(L, 1, 1, note_out, &kept, err);
}

int mcg_audit_checkpoint_sign(mcg_ledger *L, mcg_buf *note_out, int *kept,
			      mcg_error *err)
{
	return checkpoint(L, 0, 0, note_out, kept, err);
}

int mcg_audit_checkpoint_keep(mcg_ledger *L, const char *note, size_t len,
			      mcg_error *err)
{
	mcg_ledger *W, *own;
	mcg_buf kept_text = MCG_BUF_INIT;
	EVP_PKEY *key = NULL;
	mcg_checkpoint cp;
	int found = 0, rc;

	rc = begin_checkpoint_write(L, &W, &own, err);
	if (rc)
		return rc;
	/* The key that signed it, as for signing (so no more keys are needed
	 * than mcg_audit_checkpoint needs), read under the lock as there. */
	rc = mcg_keys_load_private(mcg_ledger_keys_dir(W), MCG_KEY_CHECKPOINT, &key, err);
	/* Checked again under the write lock: signed by this ledger's key,
	 * and its root that of the log's first `size` events, so that a
	 * checkpoint kept is always one of this log. */
	rc = rc ? rc : check_note(W, key, note, len, &cp, err);
	rc = rc ? rc : kept_note(W, cp.size, &kept_text, &found, err);
	/* One of that size kept meanwhile (`audit checkpoint`, another
	 * document): it is the same tree head, and it stays. */
	if (!rc && !found)
		rc = insert_checkpoint(W, cp.size, note, len, err);
	if (rc || found)
		mcg_journal_rollback(W);
	else
		rc = mcg_journal_commit(W, err);
	EVP_PKEY_free(key);
	mcg_buf_free(&kept_text);
	mcg_ledger_close(own);
	return rc;
}

/* ---- proofs -------------------------------------------------------------- */

int mcg_audit_prove(mcg_ledger *L, int64_t seq, int64_t size, mcg_hash *leaf,
		    mcg_hash *proof, size_t *nproof, mcg_error *err)
{
	struct mcg_audit_edge edge;
	mcg_hash root;
	int64_t n;
	int rc;

	*nproof = 0;
	rc = mcg_ledger_size(L, &n, err);
	if (rc)
		return rc;
	if (size < 1 || size > n)
		return mcg_error_set(err, MCG_EINPUT,
				     "no tree of size %lld: the log has %lld events",
				     (long long)size, (long long)n);
	if (seq < 1 || seq > size)
		return mcg_error_set(err, MCG_EINPUT,
				     "event %lld is not in the tree of size %lld (events are 1 to %lld)",
				     (long long)seq, (long long)size, (long long)size);
	/* The leaf from the event as it is now, checked with its block
	 * against the stored tree: a proof must never vouch for a changed
	 * event. */
	rc = mcg_audit_edge_read(L, &edge, err);
	rc = rc ? rc : checked_leaf(L, &edge, seq, leaf, err);
	if (rc)
		return rc;
	rc = mcg_merkle_inclusion_proof(size, seq - 1, mcg_ledger_read_hashes, L,
					proof, nproof, err);
	rc = rc ? rc : mcg_merkle_tree_hash(size, mcg_ledger_read_hashes, L, &root, err);
	/* Checked as a bank will check it, with the verifier's code. */
	rc = rc ? rc : mcg_merkle_verify_inclusion(proof, *nproof, size, seq - 1,
						   leaf, &root, err);
	if (rc)
		*nproof = 0;
	return rc;
}

int mcg_audit_consistency(mcg_ledger *L, int64_t old_size, int64_t new_size,
			  mcg_hash *proof, size_t *nproof, mcg_error *err)
{
	mcg_hash old_root, new_root;
	int64_t n;
	int rc;

	*nproof = 0;
	rc = mcg_ledger_size(L, &n, err);
	if (rc)
		return rc;
	if (new_size > n)
		return mcg_error_set(err, MCG_EINPUT,
				     "no tree of size %lld: the log has %lld events",
				     (long long)new_size, (long long)n);
	if (old_size < 1 || old_size > new_size)
		return mcg_error_set(err, MCG_EINPUT,
				     "no consistency proof from size %lld to %lld: the old size must be 1 to the new size",
				     (long long)old_size, (long long)new_size);
	rc = mcg_merkle_consistency_proof(old_size, new_size, mcg_ledger_read_hashes,
					  L, proof, nproof, err);
	rc = rc ? rc : mcg_merkle_tree_hash(old_size, mcg_ledger_read_hashes, L,
					    &old_root, err);
	rc = rc ? rc : mcg_merkle_tree_hash(new_size, mcg_ledger_read_hashes, L,
					    &new_root, err);
	rc = rc ? rc : mcg_merkle_verify_consistency(proof, *nproof, old_size, new_size,
						     &old_root, &new_root, err);
	if (rc)
		*nproof = 0;
	return rc;
}

/* ---- the full verification ----------------------------------------------- */

/*
 * The tree being rebuilt: for each level, the latest complete subtree's
 * hash and stored index.  Appending leaf n reads the left siblings of the
 * subtrees it completes, which are exactly these.
 */
struct frontier {
	mcg_hash h[FRONTIER_LEVELS];
	int64_t idx[FRONTIER_LEVELS];   /* -1: none yet at that level */
	int64_t leaves;
};

static void frontier_init(struct frontier *f)
{
	memset(f, 0, sizeof(*f));
	for (int i = 0; i < FRONTIER_LEVELS; i++)
		f->idx[i] = -1;
}

static int frontier_read(void *ctx, const int64_t *indexes, size_t n,
			 mcg_hash *out, mcg_error *err)
{
	const struct frontier *f = ctx;

	for (size_t i = 0; i < n; i++) {
		int l;

		for (l = 0; l < FRONTIER_LEVELS && f->idx[l] != indexes[i]; l++)
			;
		/* mcg_merkle_append reads only the frontier: anything else
		 * is a bug in one of the two. */
		assert(l < FRONTIER_LEVELS);
		if (l == FRONTIER_LEVELS)
			return mcg_error_set(err, MCG_ESYS,
					     "internal error: audit hash %lld is not on the frontier",
					     (long long)indexes[i]);
		out[i] = f->h[l];
	}
	return MCG_OK;
}

/* The root of the tree of f->leaves leaves: its complete subtrees (one per
 * 1 bit of the size), folded from the right as RFC 9162 nests them. */
static void frontier_root(const struct frontier *f, mcg_hash *out)
{
	uint64_t size = (uint64_t)f->leaves;
	int first = 1;

	if (size == 0) {
		SHA256((const unsigned char *)"", 0, out->b);
		return;
	}
	for (int l = 0; l < FRONTIER_LEVELS; l++) {
		if (!(size >> l & 1))
			continue;
		if (first)
			*out = f->h[l];
		else
			mcg_merkle_node_hash(&f->h[l], out, out);
		first = 0;
	}
}

/* Everything one verification pass holds. */
struct verify {
	mcg_ledger *L;
	struct event_rows rows;
	struct cursor checkpoints;
	struct mcg_audit_edge edge;     /* audit_edge as stored */
	int64_t nodes;                  /* audit_nodes rows compared so far */
	struct frontier f;
	EVP_PKEY *key;                  /* checkpoint.pub, loaded when needed */
	const mcg_checkpoint *outside;  /* NULL when none was given */
	mcg_buf scratch;
	mcg_audit_report *report;
	/* The leaves hashed on a second thread (audit/leaf_pipe.h) while
	 * this one reads and encodes the rows ahead; NULL when none could
	 * be made, or between two sizes that need the frontier.  While it
	 * runs, f.leaves counts the leaves handed over and f's hashes are
	 * behind: pipe_settle brings them up. */
	mcg_leaf_pipe *pipe;
	int threaded;
	/* Set by mcg_audit_rebuild_stored: every hash the pass makes goes to
	 * rebuild, and the nodes of levels 8, 16, ... are written rather than
	 * compared. */
	mcg_audit_stored_check rebuild;
	void *rebuild_ctx;
};

static int need_key(struct verify *v, mcg_error *err)
{
	if (v->key)
		return MCG_OK;
	return mcg_keys_load_public(mcg_ledger_keys_dir(v->L), MCG_KEY_CHECKPOINT,
				    &v->key, err);
}

/* Compares the nodes of levels 8, 16, ... that appending leaf seq made
 * with audit_nodes. */
static int compare_nodes(struct verify *v, int64_t seq, const mcg_hash *out,
			 size_t nout, mcg_error *err)
{
	for (size_t l = MCG_AUDIT_NODE_EVERY; l < nout; l += MCG_AUDIT_NODE_EVERY) {
		int64_t k = (seq - 1) >> l;
		mcg_hash stored;
		int rc = read_nodes(v->L, (int)l, k, 1, &stored, err);

		if (rc)
			return rc;
		if (!hash_equal(&stored, &out[l]))
			return node_mismatch(err, (int)l, k);
		v->nodes++;
	}
	return MCG_OK;
}

/* For the upgrade: hands every hash appending leaf seq made to the
 * rebuild's check, and stores the nodes of levels 8, 16, .... */
static int keep_nodes(struct verify *v, int64_t seq, const mcg_hash *out,
		      size_t nout, mcg_error *err)
{
	int64_t first = mcg_merkle_stored_count(seq - 1);
	int rc = MCG_OK;

	for (size_t l = 0; !rc && l < nout; l++) {
		rc = v->rebuild(v->rebuild_ctx, first + (int64_t)l, &out[l], err);
		if (!rc && l > 0 && l % MCG_AUDIT_NODE_EVERY == 0)
			rc = mcg_audit_node_write(v->L, (int)l, (seq - 1) >> l, &out[l], err);
	}
	return rc;
}

/* ---- the hashing thread ---------------------------------------------------
 *
 * `audit verify` (and every statement, which verifies first) spent about
 * 40% of its time on the SHA-256 of the leaves and the tree's nodes
 * (docs/PERFORMANCE.md).  The pass hands each event's canonical bytes to
 * the same leaf pipe the import uses; the nodes of levels 8, 16, ... it
 * completes come back to this thread, which compares them with
 * audit_nodes in order, as compare_nodes does.  Where the pass needs the
 * frontier itself (the size audit_edge is for, a checkpoint's size, the
 * end) it settles the pipe, takes the tree back, and starts another.
 * Without a thread the pass hashes on its own, as before.
 */
static int compare_piped_node(void *ctx, const struct mcg_leaf_node *node,
			      mcg_error *err)
{
	struct verify *v = ctx;
	mcg_hash stored;
	int rc = read_nodes(v->L, node->level, node->k, 1, &stored, err);

	if (rc)
		return rc;
	if (!hash_equal(&stored, &node->hash))
		return node_mismatch(err, node->level, node->k);
	v->nodes++;
	return MCG_OK;
}

/* Starts the hashing thread over the frontier; none is no error. */
static void pipe_resume(struct verify *v)
{
	mcg_hash edge[FRONTIER_LEVELS];
	int levels = edge_levels(v->f.leaves);
	mcg_error ignored;

	if (!v->threaded || v->pipe)
		return;
	memcpy(edge, v->f.h, (size_t)levels * sizeof(edge[0]));
	if (mcg_leaf_pipe_start(v->f.leaves, edge, levels, MCG_AUDIT_NODE_EVERY,
				compare_piped_node, v, &v->pipe, &ignored))
		v->threaded = 0;
}

/* Waits for every leaf handed over, compares the nodes not yet compared,
 * and takes the tree into the frontier; the thread ends. */
static int pipe_settle(struct verify *v, mcg_error *err)
{
	mcg_hash edge[FRONTIER_LEVELS];
	int64_t size;
	int levels;
	int rc;

	if (!v->pipe)
		return MCG_OK;
	rc = mcg_leaf_pipe_finish(v->pipe, &size, edge, &levels, err);
	mcg_leaf_pipe_stop(v->pipe);
	v->pipe = NULL;
	if (rc)
		return rc;
	if (size != v->f.leaves)
		return mcg_error_set(err, MCG_ESYS,
				     "internal error: %lld audit leaves hashed where %lld were read",
				     (long long)size, (long long)v->f.leaves);
	for (int l = 0; l < FRONTIER_LEVELS; l++) {
		v->f.idx[l] = l < levels ? mcg_merkle_stored_index(l, (size >> l) - 1) : -1;
		if (l < levels)
			v->f.h[l] = edge[l];
	}
	return MCG_OK;
}

/* Hands event seq's canonical bytes to the hashing thread. */
static int pipe_leaf(struct verify *v, const mcg_event *ev, int64_t seq, mcg_error *err)
{
	int rc;

	mcg_buf_reset(&v->scratch);
	rc = mcg_event_canonical(ev, &v->scratch);
	if (rc)
		return mcg_error_set(err, rc == MCG_ESYS ? MCG_ESYS : MCG_EINTEGRITY,
				     "event %lld: too large to encode", (long long)seq);
	rc = mcg_leaf_pipe_add(v->pipe, v->scratch.data, v->scratch.len, err);
	if (rc) {
		/* A node that differs, in the oldest batch: the first.  Settling
		 * would compare the later batches and name one of theirs. */
		mcg_leaf_pipe_stop(v->pipe);
		v->pipe = NULL;
		return rc;
	}
	v->f.leaves = seq;
	return MCG_OK;
}

/* At the size audit_edge is for: each level's latest subtree, the
 * smallest first, so that a change is named by the fewest events. */
static int compare_edge(struct verify *v, mcg_error *err)
{
	for (int l = 0; l < v->edge.levels; l++)
		if (!hash_equal(&v->edge.h[l], &v->f.h[l]))
			return node_mismatch(err, l, (v->edge.size >> l) - 1);
	return MCG_OK;
}

/* Verifies the kept checkpoints of the size just reached (and says so of
 * any row whose size the pass went past, which only a size below 0 can
 * be). */
static int check_kept(struct verify *v, const mcg_hash *root, mcg_error *err)
{
	sqlite3_stmt *st = v->checkpoints.st;
	int rc;

	while (v->checkpoints.row) {
		int64_t size = sqlite3_column_int64(st, 0);
		const char *note = (const char *)sqlite3_column_text(st, 1);
		mcg_checkpoint cp;
		char what[64];

		if (sqlite3_column_type(st, 0) == SQLITE_INTEGER && size > v->f.leaves)
			return MCG_OK;
		snprintf(what, sizeof(what), "kept checkpoint of size %lld", (long long)size);
		if (sqlite3_column_type(st, 0) != SQLITE_INTEGER || size < v->f.leaves ||
		    sqlite3_column_type(st, 1) != SQLITE_TEXT || !note)
			return mcg_error_set(err, MCG_EINTEGRITY,
					     "%s: the row is not as mcg writes it (the checkpoints were changed)",
					     what);
		rc = need_key(v, err);
		rc = rc ? rc : open_note(v->L, v->key, note,
					 (size_t)sqlite3_column_bytes(st, 1), what, &cp, err);
		if (rc)
			return rc;
		if (cp.size != size)
			return mcg_error_set(err, MCG_EINTEGRITY,
					     "%s holds a note of size %lld (the checkpoints were changed)",
					     what, (long long)cp.size);
		if (!hash_equal(&cp.root, root))
			return root_differs(err, "kept checkpoint", size);
		v->report->checkpoints++;
		rc = cursor_next(v->L, &v->checkpoints, err);
		if (rc)
			return rc;
	}
	return MCG_OK;
}

/* At every size reached: the kept checkpoints and the outside one. */
static int check_size_reached(struct verify *v, mcg_error *err)
{
	sqlite3_stmt *st = v->checkpoints.st;
	int at_edge = v->f.leaves == v->edge.size;
	/* Folding the root costs O(log n) hashes: only at a checkpoint. */
	int at_checkpoint = (v->checkpoints.row &&
			     (sqlite3_column_type(st, 0) != SQLITE_INTEGER ||
			      sqlite3_column_int64(st, 0) <= v->f.leaves)) ||
			    (v->outside && v->outside->size == v->f.leaves);
	mcg_hash root;
	int rc;

	if (!at_edge && !at_checkpoint)
		return MCG_OK;
	rc = pipe_settle(v, err);
	if (rc)
		return rc;
	if (at_edge) {
		rc = compare_edge(v, err);
		if (rc)
			return rc;
	}
	if (at_checkpoint) {
		frontier_root(&v->f, &root);
		rc = check_kept(v, &root, err);
		if (rc)
			return rc;
		if (v->outside && v->outside->size == v->f.leaves &&
		    !hash_equal(&v->outside->root, &root))
			return root_differs(err, "the checkpoint given", v->outside->size);
	}
	pipe_resume(v);
	return MCG_OK;
}

/* Appends the leaf of event seq to the frontier, comparing every hash it
 * stores with the rows. */
static int append_leaf(struct verify *v, int64_t seq, const mcg_hash *leaf,
		       mcg_error *err)
{
	mcg_hash out[MCG_PROOF_MAX];
	size_t nout;
	int rc;

	rc = mcg_merkle_append(seq - 1, leaf, frontier_read, &v->f, out, &nout, err);
	if (!rc)
		rc = v->rebuild ? keep_nodes(v, seq, out, nout, err) :
			compare_nodes(v, seq, out, nout, err);
	if (rc)
		return rc;
	/* out[l] is the subtree at level l that leaf seq-1 completes. */
	for (size_t l = 0; l < nout; l++) {
		v->f.h[l] = out[l];
		v->f.idx[l] = mcg_merkle_stored_index((int)l, (seq - 1) >> l);
	}
	v->f.leaves = seq;
	return MCG_OK;
}

/* The one pass over the events, in order. */
static int verify_events(struct verify *v, mcg_error *err)
{
	mcg_event ev;
	int64_t expected = 1;
	int rc;

	/* One event, reset for each row: its fields keep their room. */
	mcg_event_init(&ev, "");
	rc = check_size_reached(v, err);
	while (!rc && v->rows.events.row) {
		int64_t seq = sqlite3_column_int64(v->rows.events.st, 0);
		mcg_hash leaf;

		if (seq < expected) {
			rc = mcg_error_set(err, MCG_EINTEGRITY,
					   "event %lld: not a sequence number (the log starts at event 1)",
					   (long long)seq);
			break;
		}
		if (seq > expected) {
			rc = mcg_error_set(err, MCG_EINTEGRITY,
					   "event %lld is missing (the log has a gap)",
					   (long long)expected);
			break;
		}
		rc = read_event(&v->rows, &ev, err);
		if (v->pipe) {
			rc = rc ? rc : pipe_leaf(v, &ev, seq, err);
		} else {
			rc = rc ? rc : event_leaf(&ev, &v->scratch, &leaf, err);
			rc = rc ? rc : append_leaf(v, seq, &leaf, err);
		}
		rc = rc ? rc : check_size_reached(v, err);
		rc = rc ? rc : cursor_next(v->L, &v->rows.events, err);
		expected++;
	}
	mcg_event_free(&ev);
	/* The leaves still on the hashing thread come before whatever
	 * stopped the pass: a node of theirs that differs is named first,
	 * as the pass on one thread names it. */
	if (v->pipe) {
		mcg_error pipe_err;
		int pipe_rc = pipe_settle(v, &pipe_err);

		if (pipe_rc) {
			*err = pipe_err;
			rc = pipe_rc;
		}
	}
	return rc;
}

/* After the last event: nothing may be left over.  A checkpoint beyond
 * the end tells the most (events were deleted), so it is named first. */
static int verify_tail(struct verify *v, mcg_error *err)
{
	int64_t n = v->f.leaves, stored_nodes = 0;
	int rc;

	if (v->checkpoints.row)
		return shorter_than(err, "the kept checkpoint",
				    sqlite3_column_int64(v->checkpoints.st, 0), n);
	if (v->outside && v->outside->size > n)
		return shorter_than(err, "the checkpoint given", v->outside->size, n);
	if (v->edge.size < n)
		return mcg_error_set(err, MCG_EINTEGRITY,
				     "event %lld is not in the audit log (it was added outside the journal)",
				     (long long)v->edge.size + 1);
	if (v->edge.size > n)
		return mcg_error_set(err, MCG_EINTEGRITY,
				     "the audit log is for %lld events, the log has %lld (events were deleted)",
				     (long long)v->edge.size, (long long)n);
	rc = mcg_db_query_int(v->L, "SELECT COUNT(*) FROM audit_nodes", NULL, NULL,
			      &stored_nodes, NULL, err);
	if (rc)
		return rc;
	if (stored_nodes != v->nodes)
		return mcg_error_set(err, MCG_EINTEGRITY,
				     "the audit log holds hashes beyond event %lld, its last (events were deleted, or rows added)",
				     (long long)n);
	if (v->rows.postings.row)
		return orphan_posting(&v->rows, "events were deleted, or rows added", err);
	return MCG_OK;
}

static int open_cursors(struct verify *v, mcg_error *err)
{
	int rc;

	rc = event_rows_open(v->L, &v->rows, 0, 0, err);
	rc = rc ? rc : cursor_open(v->L, &v->checkpoints,
				   "SELECT size, note FROM checkpoints ORDER BY size", err);
	rc = rc ? rc : mcg_audit_edge_read(v->L, &v->edge, err);
	rc = rc ? rc : cursor_next(v->L, &v->checkpoints, err);
	return rc;
}

static void close_cursors(struct verify *v)
{
	event_rows_close(&v->rows);
	sqlite3_finalize(v->checkpoints.st);
}

int mcg_audit_verify(mcg_ledger *L, const char *outside_note,
		     size_t outside_len, mcg_audit_report *out,
		     mcg_error *err)
{
	struct verify v;
	mcg_checkpoint outside;
	int rc;

	memset(out, 0, sizeof(*out));
	memset(&v, 0, sizeof(v));
	v.L = L;
	v.report = out;
	frontier_init(&v.f);
	/* The outside checkpoint first: if it is not ours, say so at once
	 * rather than after reading the whole log. */
	if (outside_note) {
		rc = need_key(&v, err);
		rc = rc ? rc : open_note(L, v.key, outside_note, outside_len,
					 "the checkpoint given", &outside, err);
		if (rc)
			goto out_key;
		v.outside = &outside;
	}
	/* One read transaction: the four queries see one state of the
	 * ledger even while a treasurer records. */
	rc = mcg_db_exec(L, "SAVEPOINT audit_verify", err);
	if (rc)
		goto out_key;
	rc = open_cursors(&v, err);
	/* The leaves hashed on a second thread, when one can be had. */
	v.threaded = 1;
	if (!rc)
		pipe_resume(&v);
	rc = rc ? rc : verify_events(&v, err);
	rc = rc ? rc : verify_tail(&v, err);
	mcg_leaf_pipe_stop(v.pipe);
	close_cursors(&v);
	sqlite3_exec(L->db, "RELEASE audit_verify", NULL, NULL, NULL);
	if (!rc) {
		out->events = v.f.leaves;
		frontier_root(&v.f, &out->root);
	}
out_key:
	EVP_PKEY_free(v.key);
	mcg_buf_free(&v.scratch);
	return rc;
}

/* ---- the upgrade from schema version 2 ----------------------------------- */

int mcg_audit_rebuild_stored(mcg_ledger *L, mcg_audit_stored_check check, void *ctx,
			     mcg_error *err)
{
	struct verify v;
	struct mcg_audit_edge edge;
	int rc;

	memset(&v, 0, sizeof(v));
	v.L = L;
	v.rebuild = check;
	v.rebuild_ctx = ctx;
	frontier_init(&v.f);
	/* The same pass as `audit verify`'s, with no checkpoint to meet and
	 * no edge to compare: the edge is what it makes. */
	v.edge.size = -1;
	rc = event_rows_open(L, &v.rows, 0, 0, err);
	rc = rc ? rc : verify_events(&v, err);
	if (!rc && v.rows.postings.row)
		rc = orphan_posting(&v.rows, "events were deleted, or rows added", err);
	event_rows_close(&v.rows);
	mcg_buf_free(&v.scratch);
	if (rc)
		return rc;
	/* The frontier is the edge: each level's latest complete subtree. */
	memset(&edge, 0, sizeof(edge));
	edge.size = v.f.leaves;
	edge.levels = edge_levels(edge.size);
	memcpy(edge.h, v.f.h, (size_t)edge.levels * sizeof(edge.h[0]));
	return mcg_audit_edge_write(L, &edge, err);
}
