/*
 * The loans a transaction touches, kept in memory while it is open.
 *
 * A file of bank events is almost all repayments, and a repayment used to
 * read its loan row, read its guarantee's coverage and cap, write the loan
 * row back and rewrite totals 'total_ga': four SQL statements, two thirds
 * of what the event cost (docs/PERFORMANCE.md).  An import touches the
 * same loans over and over (a loan of 60 instalments appears 60 times in
 * five years of reports), so the journal keeps every loan it reads here
 * for the life of its transaction:
 *
 *   - mcg_loan_get answers from here after the first read;
 *   - the write-back events (repay and arrears, marked in apply.c) change
 *     only the copy here and mark it dirty; every other event writes
 *     through to the table as before;
 *   - mcg_journal_flush writes every dirty loan, and the total, with one
 *     statement each: before an event that is not write-back is applied
 *     (its SQL reads the loans table), before `mcg check` compares the
 *     tables, and before COMMIT.
 *
 * Nothing here outlives the transaction: mcg_txn_cache_drop empties it at
 * begin, commit and rollback, so another connection's writes between two
 * transactions are never hidden.  The table holds at most
 * MCG_LOAN_CACHE_MAX loans; when it is full it is flushed and emptied, so
 * memory stays bounded whatever the size of the import.
 */
#include "apply.h"
#include "key_cursor.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "hash.h"

/* 262,144 loans of about 150 bytes: 40 MiB at most.  Large enough for
 * every open loan of a large consortium (100,000 at the bench's full
 * scale): a bank's monthly report touches each of them once, in no
 * particular order, so a cache that holds fewer is flushed and emptied
 * over and over, and every event reads its loan again. */
#define MCG_LOAN_CACHE_MAX 262144
#define MCG_LOAN_CACHE_FIRST 1024

/*
 * Open addressing over a separate index: slot i of `index` holds the
 * number of an entry plus one (0: empty) in its low 19 bits and 13 more
 * bits of its hash above them, so a probe reads 4-byte slots, not 150-byte
 * entries, and compares ids only when the tags agree.  The index of
 * 20,000 loans is 256 KiB, which mostly stays in the L2 cache: every
 * event's first probe is for a loan picked at random.  Entries are kept densely
 * in the order they came.
 */
typedef uint32_t slot_t;
#define SLOT_ENTRY_BITS 19
#define SLOT_ENTRY_MASK ((1u << SLOT_ENTRY_BITS) - 1)
_Static_assert(MCG_LOAN_CACHE_MAX < (1u << SLOT_ENTRY_BITS), "entry numbers fit a slot");

static slot_t make_slot(size_t entry, uint64_t h)
{
	return (slot_t)entry | (slot_t)(h >> (32 + SLOT_ENTRY_BITS)) << SLOT_ENTRY_BITS;
}

struct mcg_loan_cache {
	slot_t *index;
	size_t cap;               /* slots: a power of two, or 0 before the first use */
	mcg_loan_cached *entries;
	size_t used, room;        /* entries in use and allocated */
	/* The first `in_order` entries are in ascending id order, as a preload
	 * puts them: while that covers every entry, the flush orders the dirty
	 * ones by entry number, without reading their ids. */
	size_t in_order;
	/* The entries waiting for mcg_loan_cache_flush, by number: a flush
	 * runs before every event that is not write-back, so it must cost
	 * what is dirty, not what is cached (`mcg check` replays a whole
	 * ledger in one transaction). */
	uint32_t *dirty;
	size_t n_dirty, dirty_room;
};

/* The slot holding id, or the empty slot where it would go. */
static slot_t *probe(const struct mcg_loan_cache *c, const char *id, uint64_t h)
{
	size_t i = (size_t)h & (c->cap - 1);
	slot_t tag = make_slot(0, h);

	for (;; i = (i + 1) & (c->cap - 1)) {
		slot_t *s = &c->index[i];

		if (!*s || ((*s & ~SLOT_ENTRY_MASK) == tag &&
			    strcmp(c->entries[(*s & SLOT_ENTRY_MASK) - 1].row.id, id) == 0))
			return s;
	}
}

mcg_loan_cached *mcg_loan_cache_find(mcg_ledger *L, const char *id)
{
	struct mcg_loan_cache *c = L->loans;
	slot_t *s;

	if (!L->in_txn || !c || !c->used)
		return NULL;
	s = probe(c, id, mcg_id_hash(id));
	return *s ? &c->entries[(*s & SLOT_ENTRY_MASK) - 1] : NULL;
}

/* The index line where id's probe starts (512 KiB of index for 20,000
 * loans is not in the cache either): without it, mcg_loan_cache_prefetch
 * itself waits for that line, 5% of an import under `perf`; with it, 3%. */
void mcg_loan_cache_prefetch_slot(mcg_ledger *L, const char *id)
{
	const struct mcg_loan_cache *c = L->loans;

	if (!L->in_txn || !c || !c->used)
		return;
	__builtin_prefetch(&c->index[(size_t)mcg_id_hash(id) & (c->cap - 1)]);
}

/* An import's loans come in no order, so the first touch of a loan's
 * entry is a cache miss (5% of a full-scale import under `perf`).  This
 * asks the CPU for the entry early, while the caller does other work:
 * the first slot whose tag matches is taken without comparing the id,
 * which would wait for the very line asked for; a wrong guess costs one
 * useless prefetch. */
void mcg_loan_cache_prefetch(mcg_ledger *L, const char *id)
{
	const struct mcg_loan_cache *c = L->loans;
	uint64_t h;
	slot_t tag;

	if (!L->in_txn || !c || !c->used)
		return;
	h = mcg_id_hash(id);
	tag = make_slot(0, h);
	for (size_t i = (size_t)h & (c->cap - 1); c->index[i]; i = (i + 1) & (c->cap - 1)) {
		if ((c->index[i] & ~SLOT_ENTRY_MASK) == tag) {
			const char *e = (const char *)&c->entries[(c->index[i] & SLOT_ENTRY_MASK) - 1];

			/* Entries are not aligned to the 64-byte line: the last
			 * byte's line too (the dirty flag lives there). */
			for (size_t off = 0; off < sizeof(mcg_loan_cached); off += 64)
				__builtin_prefetch(e + off);
			__builtin_prefetch(e + sizeof(mcg_loan_cached) - 1);
			return;
		}
	}
}

/* Doubles the index, placing every entry again; -1 when out of memory. */
static int grow_index(struct mcg_loan_cache *c)
{
	size_t cap = c->cap ? c->cap * 2 : MCG_LOAN_CACHE_FIRST;
	slot_t *index = calloc(cap, sizeof(*index));
	struct mcg_loan_cache grown = *c;

	if (!index)
		return -1;
	grown.index = index;
	grown.cap = cap;
	for (size_t e = 0; e < c->used; e++) {
		uint64_t h = mcg_id_hash(c->entries[e].row.id);

		*probe(&grown, c->entries[e].row.id, h) = make_slot(e + 1, h);
	}
	free(c->index);
	c->index = index;
	c->cap = cap;
	return 0;
}

/*
 * The entries of a large cache are asked for in transparent huge pages.  A
 * preload fills 15 MB of fresh memory for the 100,000 loans of the bench's
 * full scale, a page fault for every 4 KiB, and a fault costs about 20 us
 * on the virtual machine of docs/PERFORMANCE.md: 3,770 faults fewer, and
 * 7% off that scale's first file.  madvise is a hint: where huge pages
 * are off, this is an aligned allocation like any other.  Returns the new
 * array, the first `used` entries copied, and frees the old; NULL, the
 * old kept, when out of memory.
 */
#define ENTRIES_HUGE_BYTES ((size_t)2 << 20)

static mcg_loan_cached *entries_resize(mcg_loan_cached *old, size_t used, size_t room)
{
	size_t bytes = room * sizeof(*old);
	mcg_loan_cached *entries;

	if (bytes < ENTRIES_HUGE_BYTES)
		return realloc(old, bytes);
	bytes = (bytes + ENTRIES_HUGE_BYTES - 1) & ~(ENTRIES_HUGE_BYTES - 1);
	entries = aligned_alloc(ENTRIES_HUGE_BYTES, bytes);
	if (!entries)
		return NULL;
	(void)madvise(entries, bytes, MADV_HUGEPAGE);
	if (used)
		memcpy(entries, old, used * sizeof(*old));
	free(old);
	return entries;
}

static int grow_entries(struct mcg_loan_cache *c)
{
	size_t room = c->room ? c->room * 2 : MCG_LOAN_CACHE_FIRST / 2;
	mcg_loan_cached *entries = entries_resize(c->entries, c->used, room);

	if (!entries)
		return -1;
	c->entries = entries;
	c->room = room;
	return 0;
}

/* The cache, made on first use, with room for n more entries without
 * growing (a preload knows how many: each doubling of the index places
 * every entry again); NULL when memory runs out, and then the caller goes
 * without (every read and write goes to SQL). */
static struct mcg_loan_cache *room_for(mcg_ledger *L, size_t n)
{
	struct mcg_loan_cache *c = L->loans;

	if (!c) {
		c = calloc(1, sizeof(*c));
		if (!c)
			return NULL;
		L->loans = c;
	}
	while ((c->used + n) * 2 > c->cap)
		if (grow_index(c) != 0)
			return NULL;
	while (c->used + n > c->room)
		if (grow_entries(c) != 0)
			return NULL;
	return c;
}

int mcg_loan_cache_put(mcg_ledger *L, const mcg_loan_row *row,
		       mcg_loan_cached **out, mcg_error *err)
{
	struct mcg_loan_cache *c = L->loans;
	mcg_loan_cached *e;
	slot_t *s;
	uint64_t h;
	int rc;

	*out = NULL;
	if (!L->in_txn)
		return MCG_OK;
	if (c && c->used >= MCG_LOAN_CACHE_MAX) {
		rc = mcg_journal_flush(L, err);
		if (rc)
			return rc;
		mcg_loan_cache_clear(L);
	}
	c = room_for(L, 1);
	if (!c)
		return MCG_OK;
	h = mcg_id_hash(row->id);
	s = probe(c, row->id, h);
	if (!*s) {
		if (c->in_order == c->used &&
		    (c->used == 0 || strcmp(c->entries[c->used - 1].row.id, row->id) < 0))
			c->in_order++;
		e = &c->entries[c->used++];
		memset(e, 0, sizeof(*e));
		*s = make_slot(c->used, h);
	}
	e = &c->entries[(*s & SLOT_ENTRY_MASK) - 1];
	e->row = *row;
	*out = e;
	return MCG_OK;
}

int mcg_loan_cache_mark_dirty(mcg_ledger *L, mcg_loan_cached *e, mcg_error *err)
{
	struct mcg_loan_cache *c = L->loans;

	if (e->dirty)
		return MCG_OK;
	if (c->n_dirty == c->dirty_room) {
		size_t room = c->dirty_room ? c->dirty_room * 2 : MCG_LOAN_CACHE_FIRST;
		uint32_t *dirty = realloc(c->dirty, room * sizeof(*dirty));

		if (!dirty)
			return mcg_error_set(err, MCG_ESYS, "out of memory");
		c->dirty = dirty;
		c->dirty_room = room;
	}
	c->dirty[c->n_dirty++] = (uint32_t)(e - c->entries);
	e->dirty = 1;
	return MCG_OK;
}

/* Orders dirty entry numbers by descending loan id (qsort_r, ctx the cache):
 * the flush takes them from the end, so it writes in ascending id order. */
static int dirty_desc(const void *a, const void *b, void *ctx)
{
	const struct mcg_loan_cache *c = ctx;

	return strcmp(c->entries[*(const uint32_t *)b].row.id,
		      c->entries[*(const uint32_t *)a].row.id);
}

/* The same order when the entries are in id order themselves: comparing
 * 100,000 ids read the entries in no order, a cache miss a comparison,
 * and was 1% of a full-scale import. */
static int dirty_desc_by_number(const void *a, const void *b, void *ctx)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	(void)ctx;
	return (x < y) - (x > y);
}

int mcg_loan_cache_flush(mcg_ledger *L, mcg_error *err)
{
	struct mcg_loan_cache *c = L->loans;
	sqlite3_stmt *st;
	int rc;

	/* loan_state is keyed by id: updates in id order walk its B-tree
	 * once, page after page, where the order the file touched the loans
	 * in (no order) reads and writes a page per loan once the table
	 * outgrows SQLite's page cache (100,000 loans: 3.4 MB against 2 MiB);
	 * a file's flush took a fifth of its import so. */
	if (c && c->n_dirty > 1)
		qsort_r(c->dirty, c->n_dirty, sizeof(c->dirty[0]),
			c->in_order == c->used ? dirty_desc_by_number : dirty_desc, c);
	for (; c && c->n_dirty > 0; c->n_dirty--) {
		mcg_loan_cached *e = &c->entries[c->dirty[c->n_dirty - 1]];

		st = mcg_db_stmt(L, "UPDATE loan_state SET status = ?2, outstanding = ?3, ga = ?4,"
				 " dpd = ?5, closed = CASE WHEN ?6 THEN ?7 ELSE closed END"
				 " WHERE id = ?1", err);
		if (!st)
			return err->code;
		sqlite3_bind_text(st, 1, e->row.id, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, e->row.status, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 3, e->row.outstanding_minor);
		sqlite3_bind_int64(st, 4, e->row.ga_minor);
		sqlite3_bind_int(st, 5, e->row.dpd_days);
		sqlite3_bind_int(st, 6, e->closing);
		sqlite3_bind_int(st, 7, e->closed_days);
		rc = mcg_db_step_done(L, st, err, "updating a loan");
		if (rc)
			return rc;
		e->dirty = 0;
		e->closing = 0;
	}
	return MCG_OK;
}

/*
 * A bank's file touches most open loans, and reading each the first time
 * is a B-tree descent into pages the import's writes have pushed out of
 * SQLite's small page cache, three times (the loan's state, its terms,
 * then its guarantee's): the first file of the full bench scale spent
 * half its time so, on 100,000 loans.  The three tables are keyed by the
 * loan id: three scans in id order, merged here, read them all
 * sequentially (key_cursor.h).  (The view `loans` would look the terms up
 * loan by loan.)
 */
#define LOANS "reading the loans"

int mcg_loan_cache_preload(mcg_ledger *L, uint64_t rows_expected, mcg_error *err)
{
	mcg_key_cursor st = { 0 }, te = { 0 }, gu = { 0 };
	uint64_t most = rows_expected < MCG_LOAN_CACHE_MAX / 4 ? rows_expected * 2
							       : MCG_LOAN_CACHE_MAX / 2;
	int64_t open_loans;
	int rc;

	if (!L->in_txn)
		return MCG_OK;
	/* Worth it when the open loans are no more than twice the rows to
	 * come, and few enough for the cache.  SQLite counts all the rows of
	 * a table without decoding them; the open ones need every row's
	 * status read, which cost as much as the preload's own scan (9% of
	 * a file of 20,000 rows over 100,000 loans, callgrind).  So that
	 * count is made only when all the loans, closed ones included, are
	 * too many; all the loans then bound the cache's room. */
	rc = mcg_db_query_int(L, "SELECT COUNT(*) FROM loan_state", NULL, NULL, &open_loans,
			      NULL, err);
	if (!rc && (uint64_t)open_loans > most)
		rc = mcg_db_query_int(L, "SELECT COUNT(*) FROM loan_state"
				      " WHERE status IN ('active', 'defaulted', 'called')",
				      NULL, NULL, &open_loans, NULL, err);
	if (rc || open_loans == 0 || (uint64_t)open_loans > most)
		return rc;
	rc = mcg_key_cursor_open(L, &st, "SELECT id, outstanding, status, ga, dpd FROM loan_state"
				 " WHERE status IN ('active', 'defaulted', 'called') ORDER BY id",
				 LOANS, err);
	rc = rc ? rc : mcg_key_cursor_open(L, &te, "SELECT id, borrower, bank, principal"
					   " FROM loan_terms ORDER BY id", LOANS, err);
	rc = rc ? rc : mcg_key_cursor_open(L, &gu, "SELECT loan, coverage_bp, cap FROM guarantees"
					   " ORDER BY loan", LOANS, err);
	if (!rc)
		room_for(L, (size_t)open_loans);   /* without it, the cache grows as it goes */
	rc = rc ? rc : mcg_key_cursor_step(L, &te, err);
	rc = rc ? rc : mcg_key_cursor_step(L, &gu, err);
	rc = rc ? rc : mcg_key_cursor_step(L, &st, err);
	for (; !rc && st.key; rc = rc ? rc : mcg_key_cursor_step(L, &st, err)) {
		mcg_loan_cached *e;
		mcg_loan_row row;

		/* A state without terms is damage `mcg check` names; left
		 * out, the loan is read through the view, which knows it not. */
		rc = mcg_key_cursor_seek(L, &te, st.key, err);
		if (rc || !mcg_key_cursor_at(&te, st.key))
			continue;
		memset(&row, 0, sizeof(row));
		mcg_strlcpy(row.id, st.key, sizeof(row.id));
		mcg_strlcpy(row.borrower, (const char *)sqlite3_column_text(te.st, 1),
			    sizeof(row.borrower));
		mcg_strlcpy(row.bank, (const char *)sqlite3_column_text(te.st, 2), sizeof(row.bank));
		row.principal_minor = sqlite3_column_int64(te.st, 3);
		row.outstanding_minor = sqlite3_column_int64(st.st, 1);
		mcg_strlcpy(row.status, (const char *)sqlite3_column_text(st.st, 2),
			    sizeof(row.status));
		row.ga_minor = sqlite3_column_int64(st.st, 3);
		row.dpd_days = sqlite3_column_int(st.st, 4);
		rc = mcg_loan_cache_put(L, &row, &e, err);
		if (rc || !e)
			break;
		rc = mcg_key_cursor_seek(L, &gu, row.id, err);
		if (!rc && mcg_key_cursor_at(&gu, row.id)) {
			e->coverage_bp = sqlite3_column_int(gu.st, 1);
			e->has_cap = sqlite3_column_type(gu.st, 2) != SQLITE_NULL;
			e->cap_minor = sqlite3_column_int64(gu.st, 2);
			e->terms_loaded = 1;
		}
	}
	mcg_key_cursor_close(&st);
	mcg_key_cursor_close(&te);
	mcg_key_cursor_close(&gu);
	return rc;
}

void mcg_loan_cache_clear(mcg_ledger *L)
{
	struct mcg_loan_cache *c = L->loans;

	if (!c || !c->used)
		return;
	memset(c->index, 0, c->cap * sizeof(*c->index));
	c->used = 0;
	c->in_order = 0;
	c->n_dirty = 0;
}

void mcg_loan_cache_free(mcg_ledger *L)
{
	if (!L->loans)
		return;
	free(L->loans->index);
	free(L->loans->entries);
	free(L->loans->dirty);
	free(L->loans);
	L->loans = NULL;
}
