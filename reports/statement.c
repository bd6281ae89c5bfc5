/*
 * The bank statement (`mcg statement BANK --from D --to D -o FILE`): the
 * guarantees on one partner bank's loans at the end of a period, the
 * events of the period on them with the loss waterfall of every call and
 * the split of every recovery, the fund's figures, and a fresh signed
 * checkpoint of the audit log.  Schema: reports/statement.xsd; fields:
 * docs/REPORTS.md.
 */
#include "report_int.h"

#include <stdlib.h>
#include <string.h>

#include "date.h"
#include "ledger/event.h"
#include "money.h"

typedef struct statement {
	mcg_ledger *L;
	const char *bic;
	int32_t from_days, to_days;
	rpt_checkpoint cp;
	rpt_portfolio p;
	int64_t first_seq;            /* the period's first event */
	int64_t rules_version;
	mcg_rules rules;
	rpt_doc d;
	sqlite3_stmt *member_name;
	int64_t *running;             /* outstanding per loan, walking the period */
	mcg_report_info info;
} statement;

static int db_fail(mcg_ledger *L, mcg_error *err, const char *doing)
{
	return mcg_error_set(err, MCG_ESYS, "cannot read the ledger (%s): %s", doing,
			     sqlite3_errmsg(mcg_ledger_db(L)));
}

/* The bank's name; MCG_EINPUT when the ledger does not know the BIC. */
static int bank_name(mcg_ledger *L, const char *bic, char *out, size_t outsz,
		     mcg_error *err)
{
	sqlite3_stmt *st;
	int step;

	if (sqlite3_prepare_v2(mcg_ledger_db(L), "SELECT name FROM banks WHERE bic = ?1",
			       -1, &st, NULL) != SQLITE_OK)
		return db_fail(L, err, "the banks");
	sqlite3_bind_text(st, 1, bic, -1, SQLITE_STATIC);
	step = sqlite3_step(st);
	if (step == SQLITE_ROW)
		mcg_strlcpy(out, (const char *)sqlite3_column_text(st, 0), outsz);
	sqlite3_finalize(st);
	if (step == SQLITE_ROW)
		return MCG_OK;
	if (step == SQLITE_DONE)
		return mcg_error_set(err, MCG_EINPUT, "bank '%.40s' is not known", bic);
	return db_fail(L, err, "the banks");
}

/* A member's name, or its id when it has none (cannot happen). */
static const char *member_name(statement *s, const char *id)
{
	const char *name;

	sqlite3_reset(s->member_name);
	sqlite3_bind_text(s->member_name, 1, id, -1, SQLITE_TRANSIENT);
	if (sqlite3_step(s->member_name) != SQLITE_ROW)
		return id;
	name = (const char *)sqlite3_column_text(s->member_name, 0);
	return name && *name ? name : id;
}

/* The loan of an event if it is one of this bank's, else NULL. */
static rpt_loan *bank_loan(statement *s, const mcg_event *ev)
{
	const char *id = mcg_event_get(ev, "loan");
	rpt_loan *l = id ? rpt_portfolio_find(&s->p, id) : NULL;

	return l && strcmp(l->bank, s->bic) == 0 ? l : NULL;
}

static void add_pledges(statement *s, xmlNodePtr parent, const rpt_loan *l)
{
	rpt_doc *d = &s->d;
	xmlNodePtr pledges = rpt_elem(d, parent, "Pledges");
	int64_t total = 0;

	for (size_t i = 0; i < l->n_pledges; i++) {
		const rpt_pledge *p = &s->p.pledges[l->pledge_first + i];
		xmlNodePtr n = rpt_amount(d, pledges, "Pledge", p->amount_minor);

		rpt_attr(d, n, "member", p->member);
		if (__builtin_add_overflow(total, p->amount_minor, &total))
			d->failed = 1;
	}
	rpt_amount(d, pledges, "Total", total);
}

/* ---- guarantees ---------------------------------------------------------- */

static int add_guarantees(statement *s, mcg_error *err)
{
	rpt_doc *d = &s->d;
	xmlNodePtr list = rpt_elem(d, d->root, "Guarantees");
	int64_t total = 0;
	size_t count = 0;

	for (size_t i = 0; i < s->p.n_loans; i++) {
		const rpt_loan *l = &s->p.loans[i];
		xmlNodePtr g, n;

		if (!l->guaranteed || strcmp(l->bank, s->bic) != 0)
			continue;
		g = rpt_elem(d, list, "Guarantee");
		rpt_attr(d, g, "loan", l->id);
		rpt_attr(d, g, "status", rpt_status_name(l->status));
		n = rpt_text(d, g, "Borrower", member_name(s, l->borrower));
		rpt_attr(d, n, "id", l->borrower);
		n = rpt_elem(d, g, "Issued");
		rpt_attr_int(d, n, "event", l->guarantee_seq);
		rpt_attr_date(d, n, "date", l->guarantee_days);
		rpt_amount(d, g, "Principal", l->principal_minor);
		rpt_amount(d, g, "Outstanding", l->outstanding_minor);
		rpt_pct(d, g, "Coverage", l->coverage_bp);
		if (l->has_cap)
			rpt_amount(d, g, "Cap", l->cap_minor);
		rpt_amount(d, g, "GuaranteedAmount", l->ga_minor);
		rpt_amount(d, g, "Deposit", l->deposit_minor);
		add_pledges(s, g, l);
		if (__builtin_add_overflow(total, l->ga_minor, &total))
			return mcg_error_set(err, MCG_EINTEGRITY, "the guaranteed amounts overflow");
		count++;
	}
	rpt_amount(d, list, "TotalGuaranteed", total);
	rpt_attr_int(d, list, "count", (int64_t)count);
	s->info.items = count;
	s->info.total_ga_minor = total;
	return MCG_OK;
}

/* ---- events of the period ------------------------------------------------- */

static xmlNodePtr event_elem(statement *s, xmlNodePtr list, const char *name,
			     const mcg_event *ev, const rpt_loan *l)
{
	xmlNodePtr n = rpt_elem(&s->d, list, name);

	rpt_attr_int(&s->d, n, "event", ev->seq);
	rpt_attr_date(&s->d, n, "date", ev->date_days);
	rpt_attr(&s->d, n, "loan", l->id);
	return n;
}

/* The members' part of a call or a recovery, one element per due:<member>. */
static void add_member_parts(statement *s, xmlNodePtr parent, const char *name,
			     const mcg_event *ev)
{
	for (size_t i = 0; i < ev->n_postings; i++) {
		const mcg_posting *p = &ev->postings[i];
		int64_t a = p->amount_minor < 0 ? -p->amount_minor : p->amount_minor;
		xmlNodePtr n;

		if (strncmp(p->account, "due:", 4) != 0)
			continue;
		n = rpt_amount(&s->d, parent, name, a);
		rpt_attr(&s->d, n, "member", p->account + 4);
	}
}

static void add_repayment(statement *s, xmlNodePtr list, const mcg_event *ev,
			  rpt_loan *l)
{
	rpt_doc *d = &s->d;
	int64_t *running = &s->running[l - s->p.loans];
	int64_t principal = rpt_field_int(ev, "principal");
	rpt_split split;
	xmlNodePtr n = event_elem(s, list, "Repayment", ev, l);

	rpt_split_of(ev, &split);
	*running -= principal;
	rpt_amount(d, n, "Principal", principal);
	if (mcg_event_get(ev, "interest"))
		rpt_amount(d, n, "Interest", rpt_field_int(ev, "interest"));
	rpt_amount(d, n, "OutstandingAfter", *running);
	if (split.deposit_minor)
		rpt_amount(d, n, "DepositReturned", split.deposit_minor);
}

static void add_event(statement *s, xmlNodePtr list, const mcg_event *ev,
		      rpt_loan *l)
{
	rpt_doc *d = &s->d;
	rpt_split split;
	xmlNodePtr n, w;

	rpt_split_of(ev, &split);
	if (strcmp(ev->type, "loan.add") == 0) {
		n = event_elem(s, list, "LoanApplied", ev, l);
		rpt_text(d, n, "Borrower", l->borrower);
		rpt_amount(d, n, "Principal", l->principal_minor);
	} else if (strcmp(ev->type, "guarantee") == 0) {
		n = event_elem(s, list, "GuaranteeIssued", ev, l);
		rpt_pct(d, n, "Coverage", l->coverage_bp);
		rpt_amount(d, n, "GuaranteedAmount", l->ga0_minor);
		rpt_amount(d, n, "Deposit", l->deposit_given_minor);
		add_pledges(s, n, l);
	} else if (strcmp(ev->type, "repay") == 0) {
		add_repayment(s, list, ev, l);
	} else if (strcmp(ev->type, "arrears") == 0) {
		int is_default = ev->seq == l->default_seq;

		n = event_elem(s, list, is_default ? "Default" : "Arrears", ev, l);
		rpt_int(d, n, "DaysPastDue", rpt_field_int(ev, "dpd"));
		if (is_default)
			rpt_amount(d, n, "GuaranteedAmount", l->ga_frozen_minor);
	} else if (strcmp(ev->type, "call") == 0) {
		n = event_elem(s, list, "Call", ev, l);
		rpt_amount(d, n, "Amount", rpt_field_int(ev, "amount"));
		w = rpt_elem(d, n, "Waterfall");
		rpt_amount(d, w, "FromDeposit", split.deposit_minor);
		add_member_parts(s, w, "FromCoGuarantor", ev);
		rpt_amount(d, w, "FromCoGuarantors", split.members_minor);
		rpt_amount(d, w, "FromFund", split.fund_minor);
	} else if (strcmp(ev->type, "recover") == 0) {
		n = event_elem(s, list, "Recovery", ev, l);
		rpt_amount(d, n, "Amount", rpt_field_int(ev, "amount"));
		rpt_amount(d, n, "ToFund", split.fund_minor);
		add_member_parts(s, n, "ToCoGuarantor", ev);
	} else if (strcmp(ev->type, "writeoff") == 0) {
		event_elem(s, list, "WriteOff", ev, l);
	}
}

/*
 * The outstanding after each repayment is walked forward from the
 * outstanding at the period's start, which is the outstanding at its end
 * plus the period's repayments: a first pass sums them.
 */
static int start_running(statement *s, mcg_error *err)
{
	rpt_event_iter *it;
	const mcg_event *ev;
	int rc;

	s->running = calloc(s->p.n_loans ? s->p.n_loans : 1, sizeof(*s->running));
	if (!s->running)
		return mcg_error_set(err, MCG_ESYS, "out of memory");
	for (size_t i = 0; i < s->p.n_loans; i++)
		s->running[i] = s->p.loans[i].outstanding_minor;
	rc = rpt_events_open(s->L, s->first_seq, s->p.as_of_seq, &it, err);
	if (rc)
		return rc;
	while ((rc = rpt_events_next(it, &ev, err)) == 1) {
		rpt_loan *l = bank_loan(s, ev);

		if (l && strcmp(ev->type, "repay") == 0 &&
		    __builtin_add_overflow(s->running[l - s->p.loans],
					   rpt_field_int(ev, "principal"),
					   &s->running[l - s->p.loans])) {
			rc = mcg_error_set(err, MCG_EINTEGRITY, "the repayments of loan %s overflow",
					   l->id);
			break;
		}
	}
	rpt_events_free(it);
	return rc < 0 ? rc : MCG_OK;
}

static int add_events(statement *s, mcg_error *err)
{
	xmlNodePtr list = rpt_elem(&s->d, s->d.root, "Events");
	rpt_event_iter *it;
	const mcg_event *ev;
	size_t count = 0;
	int rc;

	rc = start_running(s, err);
	rc = rc ? rc : rpt_events_open(s->L, s->first_seq, s->p.as_of_seq, &it, err);
	if (rc)
		return rc;
	while ((rc = rpt_events_next(it, &ev, err)) == 1) {
		rpt_loan *l = bank_loan(s, ev);

		if (!l)
			continue;
		add_event(s, list, ev, l);
		count++;
	}
	rpt_events_free(it);
	rpt_attr_int(&s->d, list, "count", (int64_t)count);
	s->info.events = count;
	return rc < 0 ? rc : MCG_OK;
}

/* ---- the fund ------------------------------------------------------------ */

static int add_fund(statement *s, mcg_error *err)
{
	rpt_doc *d = &s->d;
	xmlNodePtr f = rpt_elem(d, d->root, "Fund");
	char text[MCG_AMOUNT_TEXT_MAX];
	int64_t multiplier;

	rpt_amount(d, f, "Balance", s->p.fund_minor);
	rpt_amount(d, f, "TotalGuaranteed", s->p.total_ga_minor);
	if (s->p.fund_minor > 0) {
		if (rpt_ratio_centi(s->p.total_ga_minor, s->p.fund_minor, 100, &multiplier))
			return mcg_error_set(err, MCG_EINTEGRITY, "the multiplier is out of range");
		rpt_text(d, f, "Multiplier", rpt_centi_format(multiplier, text));
	}
	rpt_text(d, f, "MultiplierMax", rpt_centi_format(s->rules.multiplier_max_centi, text));
	rpt_amount(d, f, "Deficit", s->p.fund_minor < 0 ? -s->p.fund_minor : 0);
	return MCG_OK;
}

static void add_header(statement *s, const char *bank)
{
	rpt_doc *d = &s->d;
	xmlNodePtr h = rpt_elem(d, d->root, "Header");
	xmlNodePtr n;

	rpt_text(d, h, "Consortium", mcg_ledger_name(s->L));
	n = rpt_text(d, h, "Bank", bank);
	rpt_attr(d, n, "bic", s->bic);
	n = rpt_elem(d, h, "Period");
	rpt_attr_date(d, n, "from", s->from_days);
	rpt_attr_date(d, n, "to", s->to_days);
	n = rpt_elem(d, h, "AsOf");
	rpt_attr_int(d, n, "event", s->p.as_of_seq);
	rpt_attr_date(d, n, "date", s->info.as_of_days);
	rpt_created(d, h);
	rpt_int(d, h, "RulesVersion", s->rules_version);
}

/* Reads everything inside one read transaction and builds the document. */
static int build(statement *s, const char *bank, mcg_error *err)
{
	int64_t cut;
	int rc;

	rc = rpt_read_begin(s->L, err);
	if (rc)
		return rc;
	rc = rpt_cut(s->L, s->to_days, s->cp.cp.size, &cut, err);
	rc = rc ? rc : rpt_first_from(s->L, s->from_days, &s->first_seq, err);
	rc = rc ? rc : rpt_portfolio_load(s->L, cut, &s->p, err);
	rc = rc ? rc : rpt_rules_at(s->L, s->p.as_of_seq, &s->rules_version, &s->rules, err);
	s->info.as_of_days = s->to_days;
	if (!rc && s->p.as_of_seq > 0)
		rc = rpt_event_date(s->L, s->p.as_of_seq, &s->info.as_of_days, err);
	if (!rc && sqlite3_prepare_v2(mcg_ledger_db(s->L),
				      "SELECT name FROM members WHERE id = ?1", -1,
				      &s->member_name, NULL) != SQLITE_OK)
		rc = db_fail(s->L, err, "the members");
	rc = rc ? rc : rpt_doc_start(&s->d, MCG_DOC_STATEMENT, s->L, err);
	if (!rc) {
		add_header(s, bank);
		rc = add_guarantees(s, err);
	}
	rc = rc ? rc : add_events(s, err);
	rc = rc ? rc : add_fund(s, err);
	if (!rc)
		rpt_add_checkpoint(&s->d, s->d.root, &s->cp);
	rpt_read_end(s->L);
	return rc;
}

int mcg_statement_write(mcg_ledger *L, const char *bic, int32_t from_days,
			int32_t to_days, const char *out_path,
			mcg_report_info *info, mcg_error *err)
{
	statement s;
	char bank[MCG_NAME_MAX + 1];
	char a[MCG_DATE_TEXT_MAX], b[MCG_DATE_TEXT_MAX];
	int rc;

	memset(&s, 0, sizeof(s));
	s.L = L;
	s.bic = bic;
	s.from_days = from_days;
	s.to_days = to_days;
	if (from_days > to_days)
		return mcg_error_set(err, MCG_EINPUT, "the period starts (%s) after it ends (%s)",
				     mcg_date_format(from_days, a), mcg_date_format(to_days, b));
	rc = bank_name(L, bic, bank, sizeof(bank), err);
	rc = rc ? rc : rpt_signing_key_check(L, err);
	rc = rc ? rc : rpt_checkpoint_make(L, &s.cp, err);
	if (rc)
		return rc;
	rc = build(&s, bank, err);
	s.info.as_of_seq = s.p.as_of_seq;
	s.info.checkpoint_size = s.cp.cp.size;
	rc = rc ? rc : rpt_doc_finish(&s.d, L, out_path, &s.info.bytes, err);
	if (!rc && info)
		*info = s.info;
	sqlite3_finalize(s.member_name);
	free(s.running);
	rpt_doc_free(&s.d);
	rpt_portfolio_free(&s.p);
	rpt_checkpoint_free(&s.cp);
	return rc;
}
