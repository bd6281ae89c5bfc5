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

#include <stdlib.h>
#include <string.h>

/* 65,536 loans of about 150 bytes: 10 MiB at most, in a table of twice as
 * many slots. */
#define MCG_LOAN_CACHE_MAX 65536
#define MCG_LOAN_CACHE_FIRST 1024

struct mcg_loan_cache {
	mcg_loan_cached *slots;
	size_t cap;               /* a power of two, or 0 before the first use */
	size_t used;
};

/* FNV-1a: ids are short ASCII strings (DOMAIN.md section 4). */
static size_t hash_id(const char *id)
{
	uint64_t h = 1469598103934665603ULL;

	for (const unsigned char *p = (const unsigned char *)id; *p; p++) {
		h ^= *p;
		h *= 1099511628211ULL;
	}
	return (size_t)h;
}

static mcg_loan_cached *probe(mcg_loan_cached *slots, size_t cap, const char *id)
{
	size_t i = hash_id(id) & (cap - 1);

	while (slots[i].used && strcmp(slots[i].row.id, id) != 0)
		i = (i + 1) & (cap - 1);
	return &slots[i];
}

mcg_loan_cached *mcg_loan_cache_find(mcg_ledger *L, const char *id)
{
	struct mcg_loan_cache *c = L->loans;
	mcg_loan_cached *e;

	if (!L->in_txn || !c || !c->used)
		return NULL;
	e = probe(c->slots, c->cap, id);
	return e->used ? e : NULL;
}

/* Doubles the table (rehashing every entry); -1 when out of memory. */
static int grow(struct mcg_loan_cache *c)
{
	size_t cap = c->cap ? c->cap * 2 : MCG_LOAN_CACHE_FIRST;
	mcg_loan_cached *slots = calloc(cap, sizeof(*slots));

	if (!slots)
		return -1;
	for (size_t i = 0; i < c->cap; i++)
		if (c->slots[i].used)
			*probe(slots, cap, c->slots[i].row.id) = c->slots[i];
	free(c->slots);
	c->slots = slots;
	c->cap = cap;
	return 0;
}

int mcg_loan_cache_put(mcg_ledger *L, const mcg_loan_row *row,
		       mcg_loan_cached **out, mcg_error *err)
{
	struct mcg_loan_cache *c = L->loans;
	mcg_loan_cached *e;
	int rc;

	*out = NULL;
	if (!L->in_txn)
		return MCG_OK;
	if (!c) {
		c = calloc(1, sizeof(*c));
		if (!c)
			return MCG_OK;  /* no cache: every read and write goes to SQL */
		L->loans = c;
	}
	if (c->used >= MCG_LOAN_CACHE_MAX) {
		rc = mcg_journal_flush(L, err);
		if (rc)
			return rc;
		mcg_loan_cache_clear(L);
	}
	if ((c->used + 1) * 2 > c->cap && grow(c) != 0)
		return MCG_OK;
	e = probe(c->slots, c->cap, row->id);
	if (!e->used) {
		memset(e, 0, sizeof(*e));
		e->used = 1;
		c->used++;
	}
	e->row = *row;
	*out = e;
	return MCG_OK;
}

int mcg_loan_cache_flush(mcg_ledger *L, mcg_error *err)
{
	struct mcg_loan_cache *c = L->loans;
	sqlite3_stmt *st;
	int rc;

	for (size_t i = 0; c && i < c->cap; i++) {
		mcg_loan_cached *e = &c->slots[i];

		if (!e->used || !e->dirty)
			continue;
		st = mcg_db_stmt(L, "UPDATE loans SET status = ?2, outstanding = ?3, ga = ?4,"
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

void mcg_loan_cache_clear(mcg_ledger *L)
{
	struct mcg_loan_cache *c = L->loans;

	if (!c || !c->used)
		return;
	memset(c->slots, 0, c->cap * sizeof(*c->slots));
	c->used = 0;
}

void mcg_loan_cache_free(mcg_ledger *L)
{
	if (!L->loans)
		return;
	free(L->loans->slots);
	free(L->loans);
	L->loans = NULL;
}
