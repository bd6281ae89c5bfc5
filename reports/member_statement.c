/*
 * The member statement (`mcg exposure MEMBER --format xml`): a member
 * firm's exposure now (DOMAIN.md section 6) with its loans and the pledges
 * it made, signed, with a fresh checkpoint of the audit log.  The figures
 * are ledger/query.h's mcg_exposure_get, the same that `mcg exposure`
 * prints.  Schema: reports/member_statement.xsd; fields: docs/REPORTS.md.
 *
 * The statement is of the current state, so it must be of the very log
 * its checkpoint signs: if an event is recorded between the checkpoint and
 * the reading, it signs a new checkpoint and reads again (a few times).
 * Only the checkpoint of the statement handed out is kept (report_int.h).
 */
#include "report_int.h"

#include <string.h>

#include "ledger/query.h"
#include "money.h"

/* Checkpoints tried while other writers keep recording events. */
#define MEMBER_ATTEMPTS_MAX 5

static void add_loans(rpt_doc *d, const mcg_exposure *e)
{
	xmlNodePtr list = rpt_elem(d, d->root, "Loans");

	rpt_attr_int(d, list, "count", (int64_t)e->n_loans);
	for (size_t i = 0; i < e->n_loans; i++) {
		const mcg_exposure_loan *l = &e->loans[i];
		xmlNodePtr n = rpt_elem(d, list, "Loan");

		rpt_attr(d, n, "id", l->loan);
		rpt_attr(d, n, "bank", l->bank);
		rpt_attr(d, n, "status", l->status);
		rpt_amount(d, n, "Principal", l->principal_minor);
		rpt_amount(d, n, "Outstanding", l->outstanding_minor);
		rpt_amount(d, n, "GuaranteedAmount", l->ga_minor);
		rpt_amount(d, n, "Deposit", l->deposit_minor);
	}
}

static void add_pledges(rpt_doc *d, const mcg_exposure *e)
{
	xmlNodePtr list = rpt_elem(d, d->root, "Pledges");

	rpt_attr_int(d, list, "count", (int64_t)e->n_pledges);
	for (size_t i = 0; i < e->n_pledges; i++) {
		const mcg_exposure_pledge *p = &e->pledges[i];
		xmlNodePtr n = rpt_elem(d, list, "Pledge");

		rpt_attr(d, n, "loan", p->loan);
		rpt_attr(d, n, "borrower", p->borrower);
		rpt_attr(d, n, "status", p->status);
		rpt_amount(d, n, "Amount", p->pledge_minor);
		rpt_amount(d, n, "PledgesTotal", p->pledges_total_minor);
		rpt_amount(d, n, "LoanGuaranteedAmount", p->ga_minor);
		rpt_amount(d, n, "AtRisk", p->at_risk_minor);
		rpt_amount(d, n, "Loss", p->loss_minor);
		rpt_amount(d, n, "Recovered", p->recovered_minor);
	}
}

static void add_body(rpt_doc *d, mcg_ledger *L, const mcg_exposure *e,
		     int64_t as_of_seq, int32_t as_of_days)
{
	xmlNodePtr h = rpt_elem(d, d->root, "Header");
	xmlNodePtr n, x;

	rpt_text(d, h, "Consortium", mcg_ledger_name(L));
	n = rpt_text(d, h, "Member", e->name[0] ? e->name : e->member);
	rpt_attr(d, n, "id", e->member);
	rpt_attr(d, n, "status", e->active ? "active" : "withdrawn");
	n = rpt_elem(d, h, "AsOf");
	rpt_attr_int(d, n, "event", as_of_seq);
	rpt_attr_date(d, n, "date", as_of_days);
	rpt_created(d, h);

	x = rpt_elem(d, d->root, "Exposure");
	rpt_amount(d, x, "Borrowed", e->borrowed_minor);
	rpt_amount(d, x, "Guaranteed", e->guaranteed_minor);
	rpt_amount(d, x, "Pledged", e->pledged_minor);
	rpt_amount(d, x, "Due", e->due_minor);
	rpt_amount(d, x, "Deposit", e->deposit_minor);
	rpt_amount(d, x, "Capital", e->capital_minor);
	add_loans(d, e);
	add_pledges(d, e);
}

/* Whether the balances the state holds for the member's capital and due
 * accounts (DOMAIN.md section 3) are what their postings sum to: one scan
 * of the postings for both. */
static int check_balances(mcg_ledger *L, const char *member, mcg_error *err)
{
	static const char *const kinds[2] = { "capital", "due" };
	char accounts[2][80];
	sqlite3_stmt *st;
	int rc = MCG_OK;

	for (int i = 0; i < 2; i++)
		snprintf(accounts[i], sizeof(accounts[i]), "%s:%s", kinds[i], member);
	if (sqlite3_prepare_v2(mcg_ledger_db(L),
			       "SELECT (SELECT balance FROM balances WHERE account = ?1),"
			       " (SELECT balance FROM balances WHERE account = ?2),"
			       " SUM(CASE WHEN account = ?1 THEN amount END),"
			       " SUM(CASE WHEN account = ?2 THEN amount END)"
			       " FROM postings WHERE account IN (?1, ?2)",
			       -1, &st, NULL) != SQLITE_OK)
		return mcg_error_set(err, MCG_ESYS, "cannot read the balances: %s",
				     sqlite3_errmsg(mcg_ledger_db(L)));
	sqlite3_bind_text(st, 1, accounts[0], -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, accounts[1], -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_ROW)
		rc = mcg_error_set(err, MCG_ESYS, "cannot read the balances (an overflowing sum?): %s",
				   sqlite3_errmsg(mcg_ledger_db(L)));
	for (int i = 0; !rc && i < 2; i++) {
		int64_t held = sqlite3_column_int64(st, i), posted = sqlite3_column_int64(st, 2 + i);

		if (held != posted)
			rc = mcg_error_set(err, MCG_EINTEGRITY,
					   "refusing to sign: the state does not match the events:"
					   " the postings of %s sum to %lld but its balance is %lld"
					   " (run mcg check)",
					   accounts[i], (long long)posted, (long long)held);
	}
	sqlite3_finalize(st);
	return rc;
}

/*
 * What the member's figures read from the state, against the events:
 * every loan's status, outstanding and GA, the deposits, the fund and the
 * total GA (the portfolio of the whole log, which compares them as it
 * loads), and the member's own capital and due balances against their
 * postings.  Its pledges and names are mcg_check_facts' (doc.c).
 */
static int check_state(mcg_ledger *L, const char *member, int64_t size, mcg_error *err)
{
	rpt_portfolio p;
	int rc = rpt_portfolio_load(L, size, &p, err);

	if (rc)
		return rc;
	rpt_portfolio_free(&p);
	return check_balances(L, member, err);
}

/*
 * Reads the exposure inside one read transaction.  *stale is set when the
 * log has grown past the checkpoint (then nothing is built).
 */
static int build(mcg_ledger *L, const char *member, const rpt_checkpoint *cp,
		 rpt_doc *d, mcg_report_info *info, int *stale, mcg_error *err)
{
	mcg_exposure e;
	int64_t size;
	int32_t days = 0;
	int rc;

	memset(&e, 0, sizeof(e));
	*stale = 0;
	rc = rpt_read_begin(L, err);
	if (rc)
		return rc;
	rc = mcg_ledger_size(L, &size, err);
	if (!rc && size != cp->cp.size) {
		*stale = 1;
		goto out_end;
	}
	rc = rc ? rc : rpt_checkpoint_verify(L, cp, err);
	rc = rc ? rc : check_state(L, member, size, err);
	rc = rc ? rc : mcg_exposure_get(L, member, &e, err);
	if (!rc && size > 0)
		rc = mcg_ledger_event_date(L, size, &days, err);
	rc = rc ? rc : rpt_doc_start(d, MCG_DOC_MEMBER_STATEMENT, L, err);
	if (!rc) {
		add_body(d, L, &e, size, days);
		rpt_add_checkpoint(d, d->root, cp);
		info->as_of_seq = size;
		info->as_of_days = days;
		info->checkpoint_size = cp->cp.size;
		info->items = e.n_loans + e.n_pledges;
		info->total_ga_minor = e.guaranteed_minor;
	}
	mcg_exposure_free(&e);
out_end:
	rpt_read_end(L);
	return rc;
}

/* MCG_EINPUT unless the member is known (checked before any checkpoint). */
static int member_known(mcg_ledger *L, const char *member, mcg_error *err)
{
	sqlite3_stmt *st;
	int step;

	if (sqlite3_prepare_v2(mcg_ledger_db(L), "SELECT 1 FROM members WHERE id = ?1", -1,
			       &st, NULL) != SQLITE_OK)
		return mcg_error_set(err, MCG_ESYS, "cannot read the members: %s",
				     sqlite3_errmsg(mcg_ledger_db(L)));
	sqlite3_bind_text(st, 1, member, -1, SQLITE_STATIC);
	step = sqlite3_step(st);
	sqlite3_finalize(st);
	if (step == SQLITE_ROW)
		return MCG_OK;
	if (step == SQLITE_DONE)
		return mcg_error_set(err, MCG_EINPUT, "member '%.40s' is not a known member",
				     member);
	return mcg_error_set(err, MCG_ESYS, "cannot read the members: %s",
			     sqlite3_errmsg(mcg_ledger_db(L)));
}

int mcg_member_statement_write(mcg_ledger *L, const char *member,
			       const char *out_path, mcg_report_info *info,
			       mcg_error *err)
{
	mcg_report_info got;
	rpt_checkpoint cp;
	rpt_doc d;
	int stale = 1, rc = MCG_OK;

	memset(&got, 0, sizeof(got));
	memset(&d, 0, sizeof(d));
	memset(&cp, 0, sizeof(cp));
	rc = member_known(L, member, err);
	rc = rc ? rc : rpt_signing_key_check(L, err);
	if (rc)
		return rc;
	for (int attempt = 0; stale && attempt < MEMBER_ATTEMPTS_MAX; attempt++) {
		/* The checkpoint of a stale attempt is dropped, never kept. */
		rpt_checkpoint_free(&cp);
		rc = rpt_checkpoint_make(L, &cp, err);
		if (rc)
			return rc;
		rc = build(L, member, &cp, &d, &got, &stale, err);
		if (rc)
			goto out_free;
	}
	if (stale) {
		rc = mcg_error_set(err, MCG_ESYS,
				   "the ledger kept changing while the statement was made; try again");
		goto out_free;
	}
	rc = rpt_doc_finish(&d, L, &cp, out_path, &got.bytes, err);
	if (!rc && info)
		*info = got;
out_free:
	rpt_doc_free(&d);
	rpt_checkpoint_free(&cp);
	return rc;
}
