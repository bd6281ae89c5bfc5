/*
 * Applying the events of a loan's life that do not move the guarantee's
 * money between its backers: the loan applied for, its peer assessments,
 * repayments, arrears (and default) and the write-off.  The guarantee
 * itself, the call and the recoveries are in apply_guarantee.c.
 *
 * State kept here (DOMAIN.md section 4), which the read-side views rely on:
 *   - loans.ga is always the guaranteed amount GA of the loan's current
 *     status: active, min(cap, pct(outstanding, coverage)); defaulted, the
 *     GA frozen at default; every other status, 0.  Every change of
 *     outstanding or status goes through mcg_loan_update, which keeps it so;
 *   - totals 'total_ga' is the sum of loans.ga, moved by the same function;
 *   - loans.closed is the date the loan reached repaid or closed.
 */
#include "apply.h"

#include <stdio.h>
#include <string.h>

#include "money.h"

/* Limits on the fields of a loan (DOMAIN.md is silent; a loan term of 50
 * years and 100 years past due are already beyond any real loan). */
#define TERM_MONTHS_MIN 1
#define TERM_MONTHS_MAX 600
#define DPD_DAYS_MAX 36500
#define SCORE_MIN 1
#define SCORE_MAX 10

/* ---- the loan row and its invariants ------------------------------------- */

/* The columns borrower, bank, principal, outstanding, status, ga, dpd of
 * a loan, from column col on, into out (all but its id). */
static void loan_row_columns(sqlite3_stmt *st, int col, mcg_loan_row *out)
{
	mcg_strlcpy(out->borrower, (const char *)sqlite3_column_text(st, col),
		    sizeof(out->borrower));
	mcg_strlcpy(out->bank, (const char *)sqlite3_column_text(st, col + 1),
		    sizeof(out->bank));
	out->principal_minor = sqlite3_column_int64(st, col + 2);
	out->outstanding_minor = sqlite3_column_int64(st, col + 3);
	mcg_strlcpy(out->status, (const char *)sqlite3_column_text(st, col + 4),
		    sizeof(out->status));
	out->ga_minor = sqlite3_column_int64(st, col + 5);
	out->dpd_days = sqlite3_column_int(st, col + 6);
}

int mcg_loan_get(mcg_ledger *L, const char *id, mcg_loan_row *out, int *found,
		 mcg_error *err)
{
	mcg_loan_cached *e = mcg_loan_cache_find(L, id);
	sqlite3_stmt *st;
	int rc;

	memset(out, 0, sizeof(*out));
	*found = 0;
	if (e) {
		*out = e->row;
		*found = 1;
		return MCG_OK;
	}
	st = mcg_db_stmt(L, "SELECT borrower, bank, principal, outstanding, status, ga, dpd"
			 " FROM loans WHERE id = ?1", err);
	if (!st)
		return err->code;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_DONE) {
		sqlite3_reset(st);
		return MCG_OK;
	}
	if (rc != SQLITE_ROW) {
		sqlite3_reset(st);
		return mcg_db_error(L, err, "reading a loan");
	}
	*found = 1;
	mcg_strlcpy(out->id, id, sizeof(out->id));
	loan_row_columns(st, 0, out);
	sqlite3_reset(st);
	return mcg_loan_cache_put(L, out, &e, err);
}

int mcg_loan_require(mcg_ledger *L, const char *id, const char *status,
		     const char *verb, mcg_loan_row *out, mcg_error *err)
{
	int found;
	int rc = mcg_loan_get(L, id, out, &found, err);

	if (rc)
		return rc;
	if (!found)
		return mcg_error_set(err, MCG_EINPUT, "loan '%.40s' is not known: cannot %s",
				     id, verb);
	if (strcmp(out->status, status) != 0)
		return mcg_error_set(err, MCG_EINPUT, "loan %s is %s, not %s: cannot %s",
				     id, out->status, status, verb);
	return MCG_OK;
}

static int write_total_ga(mcg_ledger *L, int64_t sum, mcg_error *err)
{
	sqlite3_stmt *st = mcg_db_stmt(L,
		"INSERT INTO totals(name, value) VALUES('total_ga', ?1)"
		" ON CONFLICT(name) DO UPDATE SET value = ?1", err);

	if (!st)
		return err->code;
	sqlite3_bind_int64(st, 1, sum);
	return mcg_db_step_done(L, st, err, "updating the total guaranteed");
}

/* Moves the 'total_ga' total by delta (creating the row on first use).
 * Read once a transaction; during a write-back event the row is left
 * behind the cached figure until mcg_loan_flush_total_ga. */
static int add_total_ga(mcg_ledger *L, int64_t delta, mcg_error *err)
{
	int64_t total, sum;
	int rc;

	rc = mcg_loan_total_ga(L, &total, err);
	if (rc)
		return rc;
	if (mcg_add(total, delta, &sum))
		return mcg_error_set(err, MCG_EINPUT,
				     "the total of guaranteed amounts would overflow");
	if (L->in_txn && L->txn.write_back) {
		L->txn.total_ga_dirty |= delta != 0;
	} else {
		rc = write_total_ga(L, sum, err);
		if (rc)
			return rc;
		L->txn.total_ga_dirty = 0;
	}
	if (L->in_txn) {
		L->txn.total_ga_minor = sum;
		L->txn.total_ga_valid = 1;
	}
	return MCG_OK;
}

int mcg_loan_flush_total_ga(mcg_ledger *L, mcg_error *err)
{
	int rc;

	if (!L->in_txn || !L->txn.total_ga_dirty)
		return MCG_OK;
	rc = write_total_ga(L, L->txn.total_ga_minor, err);
	if (!rc)
		L->txn.total_ga_dirty = 0;
	return rc;
}

/* The loan's cache entry, made from `before` if the transaction has not
 * read it yet (NULL without a transaction or memory). */
static int cache_entry(mcg_ledger *L, const mcg_loan_row *before,
		       mcg_loan_cached **out, mcg_error *err)
{
	*out = mcg_loan_cache_find(L, before->id);
	return *out ? MCG_OK : mcg_loan_cache_put(L, before, out, err);
}

int mcg_loan_total_ga(mcg_ledger *L, int64_t *out, mcg_error *err)
{
	int rc;

	/* Only this function and add_total_ga touch the row, so inside the
	 * transaction the cached figure is the row's. */
	if (L->in_txn && L->txn.total_ga_valid) {
		*out = L->txn.total_ga_minor;
		return MCG_OK;
	}
	rc = mcg_db_query_int(L, "SELECT value FROM totals WHERE name = 'total_ga'",
			      NULL, NULL, out, NULL, err);
	if (!rc && L->in_txn) {
		L->txn.total_ga_minor = *out;
		L->txn.total_ga_valid = 1;
	}
	return rc;
}

int mcg_loan_update(mcg_ledger *L, const mcg_loan_row *before,
		    const char *status, int64_t outstanding_minor,
		    int64_t ga_minor, int32_t date_days, mcg_error *err)
{
	int closing = strcmp(status, "repaid") == 0 || strcmp(status, "closed") == 0;
	int64_t delta;
	mcg_loan_cached *e;
	sqlite3_stmt *st;
	int rc;

	rc = cache_entry(L, before, &e, err);
	if (rc)
		return rc;
	if (e) {
		mcg_strlcpy(e->row.status, status, sizeof(e->row.status));
		e->row.outstanding_minor = outstanding_minor;
		e->row.ga_minor = ga_minor;
	}
	if (e && L->txn.write_back) {
		/* Written by mcg_loan_cache_flush. */
		rc = mcg_loan_cache_mark_dirty(L, e, err);
		if (rc)
			return rc;
		if (closing) {
			e->closing = 1;
			e->closed_days = date_days;
		}
		goto total;
	}
	st = mcg_db_stmt(L, "UPDATE loan_state SET status = ?2, outstanding = ?3, ga = ?4,"
			 " closed = CASE WHEN ?5 THEN ?6 ELSE closed END WHERE id = ?1", err);
	if (!st)
		return err->code;
	sqlite3_bind_text(st, 1, before->id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, status, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, outstanding_minor);
	sqlite3_bind_int64(st, 4, ga_minor);
	sqlite3_bind_int(st, 5, closing);
	sqlite3_bind_int(st, 6, date_days);
	rc = mcg_db_step_done(L, st, err, "updating a loan");
	if (rc)
		return rc;
total:
	/* Both are amounts >= 0, so the difference cannot overflow. */
	delta = ga_minor - before->ga_minor;
	return add_total_ga(L, delta, err);
}

int mcg_loan_set_dpd(mcg_ledger *L, const mcg_loan_row *before, int32_t dpd_days,
		     mcg_error *err)
{
	mcg_loan_cached *e;
	sqlite3_stmt *st;
	int rc;

	rc = cache_entry(L, before, &e, err);
	if (rc)
		return rc;
	if (e) {
		e->row.dpd_days = dpd_days;
		if (L->txn.write_back)
			return mcg_loan_cache_mark_dirty(L, e, err);
	}
	st = mcg_db_stmt(L, "UPDATE loan_state SET dpd = ?2 WHERE id = ?1", err);
	if (!st)
		return err->code;
	sqlite3_bind_text(st, 1, before->id, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 2, dpd_days);
	return mcg_db_step_done(L, st, err, "recording arrears");
}

int mcg_loan_ga_active(int64_t outstanding_minor, int32_t coverage_bp,
		       int has_cap, int64_t cap_minor, int64_t *out,
		       mcg_error *err)
{
	if (mcg_pct(outstanding_minor, coverage_bp, out))
		return mcg_error_set(err, MCG_EINPUT, "guaranteed amount out of range");
	if (has_cap && cap_minor < *out)
		*out = cap_minor;
	return MCG_OK;
}

/* ---- loan add ----------------------------------------------------------- */

/* An optional integer field in [min, max]; *given says whether it was. */
static int optional_int(const mcg_event *ev, const char *key, int64_t min,
			int64_t max, int64_t *out, int *given, mcg_error *err)
{
	int rc;

	*given = mcg_event_get(ev, key) != NULL;
	*out = 0;
	if (!*given)
		return MCG_OK;
	rc = mcg_event_get_int(ev, key, out, err);
	if (rc)
		return rc;
	if (*out < min || *out > max)
		return mcg_error_set(err, MCG_EINPUT, "%s: %s %lld is out of range %lld..%lld",
				     ev->type, key, (long long)*out, (long long)min,
				     (long long)max);
	return MCG_OK;
}

/* Steps one of the two inserts of a new loan.  mcg_loan_get found no
 * loan `id` (the view needs both rows), so a row the insert collides with
 * is half a loan, left by a change made by hand: damage, not bad input. */
static int insert_loan_row(mcg_ledger *L, sqlite3_stmt *st, const char *table,
			   const char *id, mcg_error *err)
{
	int rc = mcg_db_step_done(L, st, err, "adding a loan");

	if (rc && (sqlite3_errcode(mcg_ledger_db(L)) & 0xff) == SQLITE_CONSTRAINT)
		return mcg_error_set(err, MCG_EINTEGRITY,
				     "%s already holds loan '%s', which the ledger does not know:"
				     " the state is damaged (mcg check says more)", table, id);
	return rc;
}

static int insert_loan(mcg_ledger *L, const mcg_event *ev, const char *id,
		       const char *borrower, const char *bank,
		       int64_t principal, const int64_t *rate_bp,
		       const int64_t *term_months, mcg_error *err)
{
	sqlite3_stmt *st = mcg_db_stmt(L,
		"INSERT INTO loan_terms(id, borrower, bank, principal, rate_bp, term_months, opened)"
		" VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)", err);
	int rc;

	if (!st)
		return err->code;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, borrower, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, bank, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, principal);
	if (rate_bp)
		sqlite3_bind_int64(st, 5, *rate_bp);
	if (term_months)
		sqlite3_bind_int64(st, 6, *term_months);
	sqlite3_bind_int(st, 7, ev->date_days);
	rc = insert_loan_row(L, st, "loan_terms", id, err);
	st = rc ? NULL : mcg_db_stmt(L,
		"INSERT INTO loan_state(id, status, outstanding, ga, dpd, closed)"
		" VALUES(?1, 'applied', ?2, 0, 0, NULL)", err);
	if (!st)
		return rc ? rc : err->code;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, principal);
	return insert_loan_row(L, st, "loan_state", id, err);
}

int mcg_apply_loan_add(mcg_ledger *L, mcg_event *ev, mcg_error *err)
{
	const char *id, *borrower, *bank;
	int64_t principal, rate_bp, term_months, n;
	int has_rate, has_term, found;
	mcg_member_state m;
	mcg_loan_row old;
	int rc;

	rc = mcg_field_text(ev, "loan", &id, err);
	rc = rc ? rc : mcg_field_text(ev, "borrower", &borrower, err);
	rc = rc ? rc : mcg_field_text(ev, "bank", &bank, err);
	rc = rc ? rc : mcg_check_id(id, "loan", err);
	rc = rc ? rc : mcg_field_positive(ev, "principal", &principal, err);
	rc = rc ? rc : optional_int(ev, "rate", 0, MCG_BP_FULL, &rate_bp, &has_rate, err);
	rc = rc ? rc : optional_int(ev, "term_months", TERM_MONTHS_MIN, TERM_MONTHS_MAX,
				    &term_months, &has_term, err);
	rc = rc ? rc : mcg_loan_get(L, id, &old, &found, err);
	if (rc)
		return rc;
	if (found)
		return mcg_error_set(err, MCG_EINPUT, "loan '%s' already exists (%s)",
				     id, old.status);
	rc = mcg_member_require_active(L, borrower, "borrower", &m, err);
	rc = rc ? rc : mcg_db_query_int(L, "SELECT COUNT(*) FROM banks WHERE bic = ?1",
					bank, NULL, &n, NULL, err);
	if (rc)
		return rc;
	if (!n)
		return mcg_bank_unknown(L, bank, err);
	return insert_loan(L, ev, id, borrower, bank, principal,
			   has_rate ? &rate_bp : NULL, has_term ? &term_months : NULL,
			   err);
}

/* ---- assess ------------------------------------------------------------- */

int mcg_apply_assess(mcg_ledger *L, mcg_event *ev, mcg_error *err)
{
	const char *id, *assessor;
	int64_t score, n;
	mcg_loan_row loan;
	mcg_member_state m;
	sqlite3_stmt *st;
	int rc;

	rc = mcg_field_text(ev, "loan", &id, err);
	rc = rc ? rc : mcg_field_text(ev, "assessor", &assessor, err);
	rc = rc ? rc : mcg_event_get_int(ev, "score", &score, err);
	if (rc)
		return rc;
	if (score < SCORE_MIN || score > SCORE_MAX)
		return mcg_error_set(err, MCG_EINPUT, "score %lld is out of range %d..%d",
				     (long long)score, SCORE_MIN, SCORE_MAX);
	rc = mcg_loan_require(L, id, "applied", "assess it", &loan, err);
	rc = rc ? rc : mcg_member_require_active(L, assessor, "assessor", &m, err);
	rc = rc ? rc : mcg_db_query_int(L, "SELECT COUNT(*) FROM assessments WHERE loan = ?1",
					id, NULL, &n, NULL, err);
	if (rc)
		return rc;
	if (n >= MCG_ASSESSMENTS_MAX)
		return mcg_error_set(err, MCG_EINPUT,
				     "loan %s already has %lld assessments, the most one loan may have",
				     id, (long long)n);
	st = mcg_db_stmt(L, "INSERT INTO assessments(seq, loan, assessor, score, date)"
			 " VALUES(?1, ?2, ?3, ?4, ?5)", err);
	if (!st)
		return err->code;
	sqlite3_bind_int64(st, 1, ev->seq);
	sqlite3_bind_text(st, 2, id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, assessor, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, score);
	sqlite3_bind_int(st, 5, ev->date_days);
	return mcg_db_step_done(L, st, err, "recording an assessment");
}

/* ---- repay -------------------------------------------------------------- */

/* The coverage and cap of a loan's guarantee. */
static int guarantee_terms(mcg_ledger *L, const char *loan, int32_t *coverage_bp,
			   int *has_cap, int64_t *cap_minor, mcg_error *err)
{
	sqlite3_stmt *st;
	mcg_loan_cached *e = mcg_loan_cache_find(L, loan);
	int rc;

	/* A guarantee's coverage and cap never change once it is given. */
	if (e && e->terms_loaded) {
		*coverage_bp = e->coverage_bp;
		*has_cap = e->has_cap;
		*cap_minor = e->cap_minor;
		return MCG_OK;
	}
	st = mcg_db_stmt(L, "SELECT coverage_bp, cap FROM guarantees WHERE loan = ?1", err);
	if (!st)
		return err->code;
	sqlite3_bind_text(st, 1, loan, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		sqlite3_reset(st);
		if (rc == SQLITE_DONE)
			return mcg_error_set(err, MCG_EINTEGRITY,
					     "loan %s is active but has no guarantee", loan);
		return mcg_db_error(L, err, "reading a guarantee");
	}
	*coverage_bp = sqlite3_column_int(st, 0);
	*has_cap = sqlite3_column_type(st, 1) != SQLITE_NULL;
	*cap_minor = sqlite3_column_int64(st, 1);
	sqlite3_reset(st);
	if (e) {
		e->coverage_bp = *coverage_bp;
		e->has_cap = *has_cap;
		e->cap_minor = *cap_minor;
		e->terms_loaded = 1;
	}
	return MCG_OK;
}

/* At the last repayment the borrower's deposit comes back: deposit:L +D,
 * cash -D, D the credit balance still held (the whole deposit: nothing
 * else touches it while the loan is active). */
static int return_deposit(mcg_ledger *L, mcg_event *ev, const char *loan,
			  mcg_error *err)
{
	char account[MCG_ACCOUNT_MAX + 1];
	int64_t balance;
	int rc;

	mcg_account_name(account, sizeof(account), "deposit", loan);
	rc = mcg_db_balance(L, account, &balance, err);
	if (rc || balance >= 0)
		return rc;
	rc = mcg_event_post(ev, account, -balance, err);
	return rc ? rc : mcg_event_post(ev, "cash", balance, err);
}

int mcg_apply_repay(mcg_ledger *L, mcg_event *ev, mcg_error *err)
{
	const char *id;
	int64_t principal, interest, outstanding, ga = 0, cap = 0;
	int32_t coverage_bp = 0;
	int has_cap = 0;
	mcg_loan_row loan;
	char a[MCG_AMOUNT_TEXT_MAX], b[MCG_AMOUNT_TEXT_MAX];
	int rc;

	rc = mcg_field_text(ev, "loan", &id, err);
	rc = rc ? rc : mcg_field_positive(ev, "principal", &principal, err);
	if (!rc && mcg_event_get(ev, "interest")) {
		rc = mcg_event_get_int(ev, "interest", &interest, err);
		if (!rc && interest < 0)
			rc = mcg_error_set(err, MCG_EINPUT, "repay: interest must not be negative");
	}
	rc = rc ? rc : mcg_loan_require(L, id, "active", "repay", &loan, err);
	if (rc)
		return rc;
	if (principal > loan.outstanding_minor)
		return mcg_error_set(err, MCG_EINPUT,
				     "repayment %s is more than the %s outstanding on loan %s",
				     mcg_amount_format_grouped(principal, L->minor_digits, a),
				     mcg_amount_format_grouped(loan.outstanding_minor,
							       L->minor_digits, b),
				     id);
	outstanding = loan.outstanding_minor - principal;
	if (outstanding == 0) {
		rc = return_deposit(L, ev, id, err);
		return rc ? rc : mcg_loan_update(L, &loan, "repaid", 0, 0, ev->date_days, err);
	}
	rc = guarantee_terms(L, id, &coverage_bp, &has_cap, &cap, err);
	rc = rc ? rc : mcg_loan_ga_active(outstanding, coverage_bp, has_cap, cap, &ga, err);
	return rc ? rc : mcg_loan_update(L, &loan, "active", outstanding, ga,
					 ev->date_days, err);
}

/* ---- arrears ------------------------------------------------------------ */

int mcg_apply_arrears(mcg_ledger *L, mcg_event *ev, mcg_error *err)
{
	const char *id;
	int64_t dpd;
	mcg_loan_row loan;
	sqlite3_stmt *st;
	int rc;

	rc = mcg_field_text(ev, "loan", &id, err);
	rc = rc ? rc : mcg_event_get_int(ev, "dpd", &dpd, err);
	if (rc)
		return rc;
	if (dpd < 0 || dpd > DPD_DAYS_MAX)
		return mcg_error_set(err, MCG_EINPUT, "days past due %lld out of range 0..%d",
				     (long long)dpd, DPD_DAYS_MAX);
	rc = mcg_loan_require(L, id, "active", "record arrears", &loan, err);
	rc = rc ? rc : mcg_ledger_load_rules(L, err);
	if (rc)
		return rc;
	rc = mcg_loan_set_dpd(L, &loan, (int32_t)dpd, err);
	loan.dpd_days = (int32_t)dpd;
	/* Default is judged by the rules in force on the day of the report,
	 * like every other figure the rules give. */
	if (rc || dpd < L->rules.default_dpd_days)
		return rc;
	st = mcg_db_stmt(L, "UPDATE guarantees SET ga_frozen = ?2 WHERE loan = ?1", err);
	if (!st)
		return err->code;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, loan.ga_minor);
	rc = mcg_db_step_done(L, st, err, "freezing the guaranteed amount");
	/* The GA stays what it was on the day of default. */
	return rc ? rc : mcg_loan_update(L, &loan, "defaulted", loan.outstanding_minor,
					 loan.ga_minor, ev->date_days, err);
}

/* ---- writeoff ----------------------------------------------------------- */

int mcg_apply_writeoff(mcg_ledger *L, mcg_event *ev, mcg_error *err)
{
	const char *id;
	mcg_loan_row loan;
	int rc;

	rc = mcg_field_text(ev, "loan", &id, err);
	rc = rc ? rc : mcg_loan_require(L, id, "called", "write it off", &loan, err);
	/* The outstanding stays as the bank last reported it: the record of
	 * what was lost.  GA is already 0 since the call. */
	return rc ? rc : mcg_loan_update(L, &loan, "closed", loan.outstanding_minor, 0,
					 ev->date_days, err);
}
