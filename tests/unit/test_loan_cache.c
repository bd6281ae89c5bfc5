/*
 * Unit tests for the journal's loan cache (ledger/loan_cache.c): inside a
 * transaction the write-back events change the cached loan only, the
 * tables catch up at mcg_journal_flush and COMMIT, a rollback forgets
 * them, and a commit after a failed append is refused.  Then the large
 * import's journal mode (ledger/import.c, suite large_import), on the same
 * ledger with one loan.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ledger/apply.h"
#include "ledger/import.h"
#include "ledger/journal.h"
#include "ledger/ledger.h"
#include "ledger/ledger_int.h"
#include "ledger_fixture.h"

/* Appends ev, dated date, to the open transaction and frees it. */
static int try_append(mcg_ledger *L, mcg_event *ev, int32_t date, mcg_error *err)
{
	int rc;

	ev->date_days = date;
	ev->date_given = 1;
	mcg_strlcpy(ev->actor, "unit", sizeof(ev->actor));
	rc = mcg_journal_append(L, ev, NULL, err);
	mcg_event_free(ev);
	return rc;
}

static void append(mcg_ledger *L, mcg_event *ev, int32_t date)
{
	mcg_error err;

	cr_assert_eq(try_append(L, ev, date, &err), MCG_OK, "%s", err.msg);
}

static void contribution(mcg_event *ev, const char *member, const char *kind,
			 int64_t amount_minor)
{
	mcg_event_init(ev, "contribute");
	cr_assert_eq(mcg_event_add(ev, "member", member), 0);
	cr_assert_eq(mcg_event_add(ev, "kind", kind), 0);
	cr_assert_eq(mcg_event_add_int(ev, "amount", amount_minor), 0);
}

static void loan_repayment(mcg_event *ev, const char *loan, int64_t principal_minor)
{
	mcg_event_init(ev, "repay");
	cr_assert_eq(mcg_event_add(ev, "loan", loan), 0);
	cr_assert_eq(mcg_event_add_int(ev, "principal", principal_minor), 0);
}

static void repayment(mcg_event *ev, int64_t principal_minor)
{
	loan_repayment(ev, "L1", principal_minor);
}

static void record(mcg_ledger *L, mcg_event *ev, int32_t date)
{
	mcg_error err;

	cr_assert_eq(mcg_journal_begin(L, &err), MCG_OK, "%s", err.msg);
	append(L, ev, date);
	cr_assert_eq(mcg_journal_commit(L, &err), MCG_OK, "%s", err.msg);
}

static void member(mcg_ledger *L, const char *id)
{
	mcg_event ev;

	mcg_event_init(&ev, "member.add");
	cr_assert_eq(mcg_event_add(&ev, "member", id), 0);
	cr_assert_eq(mcg_event_add(&ev, "name", id), 0);
	record(L, &ev, 20455);
	contribution(&ev, id, "capital", 100000);
	record(L, &ev, 20455);
}

/* Loan `id` of `principal` (minor units) to `borrower`, at BANKITMM,
 * added and assessed 7 by the three other members of ABCD on day `day`,
 * guaranteed at 50% the day after. */
static void guaranteed_loan_at(mcg_ledger *L, const char *id, const char *borrower,
			       int64_t principal, int64_t coverage_bp, int32_t day)
{
	mcg_event ev;

	mcg_event_init(&ev, "loan.add");
	cr_assert_eq(mcg_event_add(&ev, "loan", id), 0);
	cr_assert_eq(mcg_event_add(&ev, "borrower", borrower), 0);
	cr_assert_eq(mcg_event_add(&ev, "bank", "BANKITMM"), 0);
	cr_assert_eq(mcg_event_add_int(&ev, "principal", principal), 0);
	record(L, &ev, day);
	for (const char *m = "ABCD"; *m; m++) {
		char assessor[2] = { *m, 0 };

		if (strcmp(assessor, borrower) == 0)
			continue;
		mcg_event_init(&ev, "assess");
		cr_assert_eq(mcg_event_add(&ev, "loan", id), 0);
		cr_assert_eq(mcg_event_add(&ev, "assessor", assessor), 0);
		cr_assert_eq(mcg_event_add_int(&ev, "score", 7), 0);
		record(L, &ev, day);
	}
	mcg_event_init(&ev, "guarantee");
	cr_assert_eq(mcg_event_add(&ev, "loan", id), 0);
	cr_assert_eq(mcg_event_add_int(&ev, "coverage", coverage_bp), 0);
	cr_assert_eq(mcg_event_add_int(&ev, "deposit", 0), 0);
	record(L, &ev, day + 1);
}

static void guaranteed_loan(mcg_ledger *L, const char *id, const char *borrower,
			    int64_t principal, int32_t day)
{
	guaranteed_loan_at(L, id, borrower, principal, 5000, day);
}

/* A ledger with loan L1 of 10,000.00, guaranteed at 50%: GA 5,000.00. */
static void fixture_make(struct fixture *f)
{
	mcg_event ev;

	ledger_fixture_make(f, "loans");
	member(f->L, "A");
	member(f->L, "B");
	member(f->L, "C");
	member(f->L, "D");
	contribution(&ev, "A", "fund", 10000000);
	record(f->L, &ev, 20455);
	mcg_event_init(&ev, "bank.add");
	cr_assert_eq(mcg_event_add(&ev, "bic", "BANKITMM"), 0);
	cr_assert_eq(mcg_event_add(&ev, "name", "Banca"), 0);
	record(f->L, &ev, 20455);
	guaranteed_loan(f->L, "L1", "A", 1000000, 20456);
}

static void fixture_remove(struct fixture *f)
{
	ledger_fixture_remove(f);
}

static void repay(mcg_ledger *L, int64_t principal, int32_t date)
{
	mcg_event ev;

	repayment(&ev, principal);
	append(L, &ev, date);
}

/* The loans row and the total as SQL reads them: "outstanding ga total". */
static void table_state(mcg_ledger *L, char *out, size_t outsz)
{
	sqlite3_stmt *st;

	cr_assert_eq(sqlite3_prepare_v2(mcg_ledger_db(L),
					"SELECT l.outstanding, l.ga, t.value FROM loans l, totals t"
					" WHERE l.id = 'L1' AND t.name = 'total_ga'",
					-1, &st, NULL), SQLITE_OK);
	cr_assert_eq(sqlite3_step(st), SQLITE_ROW);
	snprintf(out, outsz, "%lld %lld %lld", (long long)sqlite3_column_int64(st, 0),
		 (long long)sqlite3_column_int64(st, 1), (long long)sqlite3_column_int64(st, 2));
	sqlite3_finalize(st);
}

static void loan_state(mcg_ledger *L, char *out, size_t outsz)
{
	mcg_loan_row row;
	mcg_error err;
	int found;
	int64_t total;

	cr_assert_eq(mcg_loan_get(L, "L1", &row, &found, &err), MCG_OK, "%s", err.msg);
	cr_assert(found);
	cr_assert_eq(mcg_loan_total_ga(L, &total, &err), MCG_OK, "%s", err.msg);
	snprintf(out, outsz, "%lld %lld %lld", (long long)row.outstanding_minor,
		 (long long)row.ga_minor, (long long)total);
}

Test(loan_cache, repayments_wait_in_the_cache_until_the_flush_and_the_commit)
{
	struct fixture f;
	mcg_error err;
	char t[96];

	fixture_make(&f);
	table_state(f.L, t, sizeof(t));
	cr_assert_str_eq(t, "1000000 500000 500000");
	cr_assert_eq(mcg_journal_begin(f.L, &err), MCG_OK, "%s", err.msg);
	repay(f.L, 100000, 20460);
	repay(f.L, 100001, 20461);
	/* The journal sees the repayments... */
	loan_state(f.L, t, sizeof(t));
	cr_assert_str_eq(t, "799999 400000 400000", "pct(7,999.99, 50%%) rounds half up");
	/* ...the table does not, yet. */
	table_state(f.L, t, sizeof(t));
	cr_assert_str_eq(t, "1000000 500000 500000");
	cr_assert_eq(mcg_journal_flush(f.L, &err), MCG_OK, "%s", err.msg);
	table_state(f.L, t, sizeof(t));
	cr_assert_str_eq(t, "799999 400000 400000");
	repay(f.L, 99999, 20462);
	cr_assert_eq(mcg_journal_commit(f.L, &err), MCG_OK, "%s", err.msg);
	table_state(f.L, t, sizeof(t));
	cr_assert_str_eq(t, "700000 350000 350000", "the commit wrote the last one");
	fixture_remove(&f);
}

Test(loan_cache, a_rollback_forgets_what_the_cache_held)
{
	struct fixture f;
	mcg_error err;
	char t[96];

	fixture_make(&f);
	cr_assert_eq(mcg_journal_begin(f.L, &err), MCG_OK, "%s", err.msg);
	repay(f.L, 500000, 20460);
	loan_state(f.L, t, sizeof(t));
	cr_assert_str_eq(t, "500000 250000 250000");
	mcg_journal_rollback(f.L);
	table_state(f.L, t, sizeof(t));
	cr_assert_str_eq(t, "1000000 500000 500000");
	/* Outside a transaction the journal reads the table again. */
	loan_state(f.L, t, sizeof(t));
	cr_assert_str_eq(t, "1000000 500000 500000");
	fixture_remove(&f);
}

Test(loan_cache, an_event_that_is_not_write_back_sees_the_cached_loans_in_sql)
{
	struct fixture f;
	mcg_error err;
	mcg_event ev;
	char t[96];

	fixture_make(&f);
	cr_assert_eq(mcg_journal_begin(f.L, &err), MCG_OK, "%s", err.msg);
	repay(f.L, 200000, 20460);
	/* A contribution is applied with the tables flushed first. */
	contribution(&ev, "B", "fund", 100);
	append(f.L, &ev, 20460);
	table_state(f.L, t, sizeof(t));
	cr_assert_str_eq(t, "800000 400000 400000");
	mcg_journal_rollback(f.L);
	fixture_remove(&f);
}

Test(loan_cache, no_commit_after_a_failed_append)
{
	struct fixture f;
	mcg_error err;
	mcg_event ev;
	char t[96];

	fixture_make(&f);
	cr_assert_eq(mcg_journal_begin(f.L, &err), MCG_OK, "%s", err.msg);
	repay(f.L, 100000, 20460);
	/* More than is outstanding: refused after the event row is written. */
	repayment(&ev, 5000000);
	cr_assert_eq(try_append(f.L, &ev, 20461, &err), MCG_EINPUT);
	cr_assert_neq(mcg_journal_commit(f.L, &err), MCG_OK);
	cr_assert(strstr(err.msg, "commit after a failed append") != NULL, "%s", err.msg);
	table_state(f.L, t, sizeof(t));
	cr_assert_str_eq(t, "1000000 500000 500000", "nothing of the transaction was kept");
	fixture_remove(&f);
}

Test(loan_cache, a_large_import_reads_the_open_loans_and_their_terms_in_one_pass)
{
	struct fixture f;
	mcg_loan_cached *e;
	mcg_error err;
	char t[96];

	fixture_make(&f);
	cr_assert_eq(mcg_journal_begin(f.L, &err), MCG_OK, "%s", err.msg);
	/* Too few rows to come for the one open loan: nothing read. */
	cr_assert_eq(mcg_loan_cache_preload(f.L, 0, &err), MCG_OK, "%s", err.msg);
	cr_assert_null(mcg_loan_cache_find(f.L, "L1"));
	cr_assert_eq(mcg_loan_cache_preload(f.L, 1000, &err), MCG_OK, "%s", err.msg);
	e = mcg_loan_cache_find(f.L, "L1");
	cr_assert_not_null(e);
	cr_assert_str_eq(e->row.status, "active");
	cr_assert_str_eq(e->row.borrower, "A");
	cr_assert_eq(e->row.outstanding_minor, 1000000);
	cr_assert(e->terms_loaded);
	cr_assert_eq(e->coverage_bp, 5000);
	cr_assert(!e->has_cap);
	/* A repayment works from what was read. */
	repay(f.L, 250000, 20460);
	loan_state(f.L, t, sizeof(t));
	cr_assert_str_eq(t, "750000 375000 375000");
	cr_assert_eq(mcg_journal_commit(f.L, &err), MCG_OK, "%s", err.msg);
	table_state(f.L, t, sizeof(t));
	cr_assert_str_eq(t, "750000 375000 375000");
	fixture_remove(&f);
}

static void applied_loan(mcg_ledger *L, const char *id, const char *borrower, int32_t day)
{
	mcg_event ev;

	mcg_event_init(&ev, "loan.add");
	cr_assert_eq(mcg_event_add(&ev, "loan", id), 0);
	cr_assert_eq(mcg_event_add(&ev, "borrower", borrower), 0);
	cr_assert_eq(mcg_event_add(&ev, "bank", "BANKITMM"), 0);
	cr_assert_eq(mcg_event_add_int(&ev, "principal", 500000), 0);
	record(L, &ev, day);
}

/* The preload merges three scans in id order (loan_state, loan_terms,
 * guarantees): each entry gets its own loan's terms however the loans
 * that are not open fall between them, and a state row whose terms are
 * gone (damage, which `mcg check` names) is left to the view, which does
 * not know the loan, without putting the loans after it out of step. */
Test(loan_cache, a_preload_gives_each_open_loan_its_own_terms)
{
	struct fixture f;
	mcg_loan_cached *e;
	mcg_error err;

	fixture_make(&f);
	applied_loan(f.L, "L0", "B", 20457);
	guaranteed_loan_at(f.L, "L2", "C", 2000000, 8000, 20458);
	applied_loan(f.L, "L3", "D", 20460);
	cr_assert_eq(mcg_journal_begin(f.L, &err), MCG_OK, "%s", err.msg);
	cr_assert_eq(mcg_loan_cache_preload(f.L, 1000, &err), MCG_OK, "%s", err.msg);
	cr_assert_null(mcg_loan_cache_find(f.L, "L0"), "applied: not open");
	cr_assert_null(mcg_loan_cache_find(f.L, "L3"), "applied: not open");
	e = mcg_loan_cache_find(f.L, "L1");
	cr_assert_not_null(e);
	cr_assert_str_eq(e->row.borrower, "A");
	cr_assert_eq(e->row.principal_minor, 1000000);
	e = mcg_loan_cache_find(f.L, "L2");
	cr_assert_not_null(e);
	cr_assert_str_eq(e->row.borrower, "C");
	cr_assert_str_eq(e->row.bank, "BANKITMM");
	cr_assert_eq(e->row.principal_minor, 2000000);
	cr_assert_eq(e->row.outstanding_minor, 2000000);
	cr_assert_eq(e->row.ga_minor, 1600000);
	cr_assert_str_eq(e->row.status, "active");
	cr_assert(e->terms_loaded);
	cr_assert_eq(e->coverage_bp, 8000);
	mcg_journal_rollback(f.L);

	cr_assert_eq(sqlite3_exec(mcg_ledger_db(f.L), "DELETE FROM loan_terms WHERE id = 'L1'",
				  NULL, NULL, NULL), SQLITE_OK);
	cr_assert_eq(mcg_journal_begin(f.L, &err), MCG_OK, "%s", err.msg);
	cr_assert_eq(mcg_loan_cache_preload(f.L, 1000, &err), MCG_OK, "%s", err.msg);
	cr_assert_null(mcg_loan_cache_find(f.L, "L1"), "a state without terms is not cached");
	e = mcg_loan_cache_find(f.L, "L2");
	cr_assert_not_null(e);
	cr_assert_str_eq(e->row.borrower, "C");
	cr_assert_eq(e->row.principal_minor, 2000000);
	cr_assert_eq(e->coverage_bp, 8000);
	mcg_journal_rollback(f.L);
	fixture_remove(&f);
}

/* Loans that are not open count against a preload only through the
 * precise count: with three loans and one of them open, two rows to come
 * are enough (mcg_loan_cache_preload counts all the loans first, and the
 * open ones only when all of them are too many). */
Test(loan_cache, a_preload_counts_only_the_open_loans_against_the_rows_to_come)
{
	struct fixture f;
	mcg_error err;

	fixture_make(&f);
	applied_loan(f.L, "L2", "B", 20457);
	applied_loan(f.L, "L3", "B", 20457);
	cr_assert_eq(mcg_journal_begin(f.L, &err), MCG_OK, "%s", err.msg);
	/* 0 rows: not even the one open loan is worth reading. */
	cr_assert_eq(mcg_loan_cache_preload(f.L, 0, &err), MCG_OK, "%s", err.msg);
	cr_assert_null(mcg_loan_cache_find(f.L, "L1"));
	/* 1 row: room for 2 loans, fewer than the 3 in all, more than the 1 open. */
	cr_assert_eq(mcg_loan_cache_preload(f.L, 1, &err), MCG_OK, "%s", err.msg);
	cr_assert_not_null(mcg_loan_cache_find(f.L, "L1"));
	cr_assert_null(mcg_loan_cache_find(f.L, "L2"), "a loan not yet guaranteed is not open");
	cr_assert_null(mcg_loan_cache_find(f.L, "L3"));
	mcg_journal_rollback(f.L);
	fixture_remove(&f);
}

/* 20,000 entries are 3 MB: the entries move to memory asked for in huge
 * pages (loan_cache.c, entries_resize) and grow there; every entry comes
 * through each move as it was put. */
Test(loan_cache, entries_survive_growing_into_huge_pages)
{
	enum { N = 20000 };
	struct fixture f;
	mcg_error err;

	fixture_make(&f);
	cr_assert_eq(mcg_journal_begin(f.L, &err), MCG_OK, "%s", err.msg);
	for (int i = 0; i < N; i++) {
		mcg_loan_row row;
		mcg_loan_cached *e;

		memset(&row, 0, sizeof(row));
		snprintf(row.id, sizeof(row.id), "G%05d", i);
		snprintf(row.borrower, sizeof(row.borrower), "B%d", i % 97);
		mcg_strlcpy(row.status, "active", sizeof(row.status));
		row.outstanding_minor = 1000 + i;
		row.ga_minor = i;
		cr_assert_eq(mcg_loan_cache_put(f.L, &row, &e, &err), MCG_OK, "%s", err.msg);
		cr_assert_not_null(e, "entry %d", i);
	}
	for (int i = 0; i < N; i++) {
		char id[16], borrower[16];
		mcg_loan_cached *e;

		snprintf(id, sizeof(id), "G%05d", i);
		snprintf(borrower, sizeof(borrower), "B%d", i % 97);
		e = mcg_loan_cache_find(f.L, id);
		cr_assert_not_null(e, "%s", id);
		cr_assert_str_eq(e->row.id, id);
		cr_assert_str_eq(e->row.borrower, borrower);
		cr_assert_eq(e->row.outstanding_minor, 1000 + i);
		cr_assert_eq(e->row.ga_minor, i);
	}
	mcg_journal_rollback(f.L);
	fixture_remove(&f);
}

/* The outstanding and GA of loan `id` in the loans table: "outstanding ga". */
static void loan_row_state(mcg_ledger *L, const char *id, char *out, size_t outsz)
{
	sqlite3_stmt *st;

	cr_assert_eq(sqlite3_prepare_v2(mcg_ledger_db(L),
					"SELECT outstanding, ga FROM loans WHERE id = ?1",
					-1, &st, NULL), SQLITE_OK);
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	cr_assert_eq(sqlite3_step(st), SQLITE_ROW);
	snprintf(out, outsz, "%lld %lld", (long long)sqlite3_column_int64(st, 0),
		 (long long)sqlite3_column_int64(st, 1));
	sqlite3_finalize(st);
}

/* The flush writes the dirty loans in id order: by entry number when the
 * cache holds them in id order (a preload), by id otherwise.  Either way
 * every repaid loan reaches the table. */
static void repay_three_out_of_order(int preload)
{
	struct fixture f;
	mcg_error err;
	mcg_event ev;
	char t[96];

	fixture_make(&f);
	guaranteed_loan(f.L, "L2", "B", 2000000, 20457);
	guaranteed_loan(f.L, "L3", "C", 3000000, 20458);
	cr_assert_eq(mcg_journal_begin(f.L, &err), MCG_OK, "%s", err.msg);
	if (preload) {
		cr_assert_eq(mcg_loan_cache_preload(f.L, 1000, &err), MCG_OK, "%s", err.msg);
		cr_assert_not_null(mcg_loan_cache_find(f.L, "L2"));
	} else {
		cr_assert_null(mcg_loan_cache_find(f.L, "L2"));
	}
	loan_repayment(&ev, "L3", 300000);
	append(f.L, &ev, 20460);
	loan_repayment(&ev, "L1", 100000);
	append(f.L, &ev, 20460);
	loan_repayment(&ev, "L2", 200000);
	append(f.L, &ev, 20460);
	loan_repayment(&ev, "L3", 300000);
	append(f.L, &ev, 20461);
	cr_assert_eq(mcg_journal_commit(f.L, &err), MCG_OK, "%s", err.msg);
	loan_row_state(f.L, "L1", t, sizeof(t));
	cr_assert_str_eq(t, "900000 450000");
	loan_row_state(f.L, "L2", t, sizeof(t));
	cr_assert_str_eq(t, "1800000 900000");
	loan_row_state(f.L, "L3", t, sizeof(t));
	cr_assert_str_eq(t, "2400000 1200000");
	table_state(f.L, t, sizeof(t));
	cr_assert_str_eq(t, "900000 450000 2550000", "L1's row and the total of the three GAs");
	fixture_remove(&f);
}

Test(loan_cache, the_flush_writes_every_loan_a_preload_put_in_id_order)
{
	repay_three_out_of_order(1);
}

Test(loan_cache, the_flush_writes_every_loan_read_in_no_order)
{
	repay_three_out_of_order(0);
}

/* Both steps of a prefetch. */
static void prefetch(mcg_ledger *L, const char *id)
{
	mcg_loan_cache_prefetch_slot(L, id);
	mcg_loan_cache_prefetch(L, id);
}

/* A prefetch is a hint: before, inside and after a transaction, for a loan
 * cached, not cached or unknown, it reads nothing into the cache and
 * changes nothing. */
Test(loan_cache, a_prefetch_changes_nothing)
{
	struct fixture f;
	mcg_error err;
	char t[96];

	fixture_make(&f);
	prefetch(f.L, "L1");
	cr_assert_eq(mcg_journal_begin(f.L, &err), MCG_OK, "%s", err.msg);
	prefetch(f.L, "L1");
	cr_assert_null(mcg_loan_cache_find(f.L, "L1"), "a prefetch reads nothing in");
	repay(f.L, 100000, 20460);
	prefetch(f.L, "L1");
	prefetch(f.L, "NO-SUCH-LOAN");
	prefetch(f.L, "");
	cr_assert_null(mcg_loan_cache_find(f.L, "NO-SUCH-LOAN"));
	loan_state(f.L, t, sizeof(t));
	cr_assert_str_eq(t, "900000 450000 450000");
	cr_assert_eq(mcg_journal_commit(f.L, &err), MCG_OK, "%s", err.msg);
	prefetch(f.L, "L1");
	table_state(f.L, t, sizeof(t));
	cr_assert_str_eq(t, "900000 450000 450000");
	fixture_remove(&f);
}

/* ---- large_import: the rollback journal ------------------------------------------- */

/* Writes an import file of arrears rows (0 days past due) on L1, at least
 * MCG_IMPORT_ROLLBACK_JOURNAL_BYTES long; with bad_last its last row has
 * a type no bank reports.  Returns the number of rows. */
static unsigned write_large_file(const char *path, int bad_last)
{
	FILE *f = fopen(path, "w");
	unsigned rows = 0;
	long bytes;

	cr_assert_not_null(f);
	fprintf(f, "ref,date,type,loan,principal,interest,dpd,amount\n");
	do {
		fprintf(f, "BANKITMM-2026-01-10-%09u,2026-01-10,arrears,L1,,,0,\n", ++rows);
		bytes = ftell(f);
	} while (bytes < (long)MCG_IMPORT_ROLLBACK_JOURNAL_BYTES);
	if (bad_last)
		fprintf(f, "BANKITMM-2026-01-10-bad,2026-01-10,writeoff,L1,,,,1.00\n");
	cr_assert_eq(fclose(f), 0);
	return rows + (bad_last != 0);
}

/* The journal mode and synchronous setting the import ran with, as its
 * progress calls saw them. */
struct mode_seen {
	mcg_ledger *L;
	char mode[16];
	char sync[16];
	unsigned calls;
};

static void pragma(sqlite3 *db, const char *sql, char *out, size_t outsz)
{
	sqlite3_stmt *st;

	cr_assert_eq(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	cr_assert_eq(sqlite3_step(st), SQLITE_ROW);
	snprintf(out, outsz, "%s", (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
}

static void note_mode(void *ctx, uint64_t rows, uint64_t bytes, uint64_t total)
{
	struct mode_seen *m = ctx;

	(void)bytes;
	(void)total;
	if (rows == 0)
		return;
	pragma(mcg_ledger_db(m->L), "PRAGMA journal_mode", m->mode, sizeof(m->mode));
	pragma(mcg_ledger_db(m->L), "PRAGMA synchronous", m->sync, sizeof(m->sync));
	m->calls++;
}

static int64_t event_count(mcg_ledger *L)
{
	sqlite3_stmt *st;
	int64_t n;

	cr_assert_eq(sqlite3_prepare_v2(mcg_ledger_db(L), "SELECT COUNT(*) FROM events",
					-1, &st, NULL), SQLITE_OK);
	cr_assert_eq(sqlite3_step(st), SQLITE_ROW);
	n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

static int journal_file_exists(const struct fixture *f)
{
	char path[160];

	snprintf(path, sizeof(path), "%s-journal", f->db);
	return access(path, F_OK) == 0;
}

/* Imports a large file of good rows (or one bad row last) and checks what
 * the import ran in, what it wrote, and the mode the ledger is left in. */
static void large_import(int other_connection, int bad_last)
{
	struct fixture f;
	struct mode_seen seen = { 0 };
	mcg_import_opts o = { 0 };
	mcg_import_summary s;
	sqlite3 *other = NULL;
	char path[160], mode[16];
	mcg_error err;
	int64_t before;
	unsigned rows;
	int rc;

	fixture_make(&f);
	snprintf(path, sizeof(path), "%s/big.csv", f.root);
	rows = write_large_file(path, bad_last);
	if (other_connection) {
		/* Open and idle, as a reader between two queries. */
		cr_assert_eq(sqlite3_open(f.db, &other), SQLITE_OK);
		cr_assert_eq(sqlite3_exec(other, "SELECT COUNT(*) FROM events", NULL, NULL, NULL),
			     SQLITE_OK);
	}
	before = event_count(f.L);
	seen.L = f.L;
	o.actor = "unit";
	o.progress = note_mode;
	o.progress_ctx = &seen;
	rc = mcg_import_file(f.L, path, &o, &s, &err);
	if (bad_last) {
		cr_assert_eq(rc, MCG_EINPUT);
		cr_assert(strstr(err.msg, "writeoff") != NULL, "%s", err.msg);
		cr_assert_eq(event_count(f.L), before, "nothing written");
	} else {
		cr_assert_eq(rc, MCG_OK, "%s", err.msg);
		cr_assert_eq(s.recorded, rows);
		cr_assert_eq(event_count(f.L), before + rows);
	}
	cr_assert_gt(seen.calls, 0, "the progress was reported during the import");
	cr_assert_str_eq(seen.mode, other_connection ? "wal" : "delete");
	/* EXTRA (3) syncs the folder after the journal is deleted; FULL (2)
	 * is the ledger's setting otherwise. */
	cr_assert_str_eq(seen.sync, other_connection ? "2" : "3");
	cr_assert_eq(s.rollback_journal, !other_connection);
	pragma(mcg_ledger_db(f.L), "PRAGMA journal_mode", mode, sizeof(mode));
	cr_assert_str_eq(mode, "wal", "the ledger is back in WAL");
	pragma(mcg_ledger_db(f.L), "PRAGMA synchronous", mode, sizeof(mode));
	cr_assert_str_eq(mode, "2", "and synchronous FULL");
	cr_assert(!journal_file_exists(&f), "no rollback journal is left");
	if (other)
		sqlite3_close(other);
	unlink(path);
	fixture_remove(&f);
}

Test(large_import, runs_in_the_rollback_journal_then_returns_to_wal)
{
	large_import(0, 0);
}

Test(large_import, stays_in_wal_while_another_connection_has_the_ledger_open)
{
	large_import(1, 0);
}

Test(large_import, that_fails_writes_nothing_and_returns_to_wal)
{
	large_import(0, 1);
}
