/*
 * Applying the events that move a guarantee's money: the guarantee itself
 * (priced, and judged by the rules on the state as it would be after it),
 * the call of a defaulted loan (the loss waterfall) and the recoveries
 * (DOMAIN.md sections 5 and 7).
 *
 * State kept here, besides the loan row (see apply_loans.c):
 *   - guarantees: one row per guaranteed loan; ga_frozen is set at default,
 *     called / loss_deposit / loss_fund are X, d and f of the call, and
 *     recovered_fund what the fund got back so far;
 *   - pledges: one row per co-guarantor; loss is its part p_i of the call,
 *     recovered what it got back so far.
 *
 * Every list of co-guarantors is held in member id byte order (SQLite's
 * BINARY collation, strcmp), the tie order of every allocation.
 */
#include "apply.h"

#include <stdlib.h>
#include <string.h>

#include "money.h"

typedef struct pledge {
	char member[MCG_ID_MAX + 1];
	int64_t amount_minor;
	int64_t loss_minor;
	int64_t recovered_minor;
} pledge;

static int by_member(const void *a, const void *b)
{
	return strcmp(((const pledge *)a)->member, ((const pledge *)b)->member);
}

/* ---- guarantee ---------------------------------------------------------- */

/* The terms of a proposed guarantee, read from the event's fields. */
typedef struct terms {
	const char *loan;
	int64_t coverage_bp;
	int has_cap;
	int64_t cap_minor;
	int64_t deposit_minor;
	pledge pledges[MCG_PLEDGES_MAX];
	size_t n_pledges;
} terms;

/* One "pledge" field: "MEMBER:minor". */
static int parse_pledge(const char *text, pledge *out, mcg_error *err)
{
	const char *colon = strchr(text, ':');
	size_t len = colon ? (size_t)(colon - text) : 0;
	int rc;

	memset(out, 0, sizeof(*out));
	if (!colon || len == 0 || len > MCG_ID_MAX || mcg_parse_int64(colon + 1,
								       &out->amount_minor))
		return mcg_error_set(err, MCG_EINPUT,
				     "guarantee: bad pledge '%.60s': expected MEMBER:AMOUNT", text);
	memcpy(out->member, text, len);
	out->member[len] = '\0';
	rc = mcg_check_id(out->member, "co-guarantor", err);
	if (rc)
		return rc;
	if (out->amount_minor <= 0)
		return mcg_error_set(err, MCG_EINPUT,
				     "guarantee: the pledge of co-guarantor %s must be greater than 0",
				     out->member);
	return MCG_OK;
}

static int read_terms(const mcg_event *ev, terms *t, mcg_error *err)
{
	int rc;

	memset(t, 0, sizeof(*t));
	rc = mcg_field_text(ev, "loan", &t->loan, err);
	rc = rc ? rc : mcg_event_get_int(ev, "coverage", &t->coverage_bp, err);
	rc = rc ? rc : mcg_event_get_int(ev, "deposit", &t->deposit_minor, err);
	if (rc)
		return rc;
	if (t->coverage_bp < 0 || t->coverage_bp > MCG_BP_FULL)
		return mcg_error_set(err, MCG_EINPUT, "guarantee: coverage out of range 0..100%%");
	if (t->deposit_minor < 0)
		return mcg_error_set(err, MCG_EINPUT, "guarantee: the deposit must not be negative");
	t->has_cap = mcg_event_get(ev, "cap") != NULL;
	if (t->has_cap) {
		rc = mcg_field_positive(ev, "cap", &t->cap_minor, err);
		if (rc)
			return rc;
	}
	for (size_t i = 0; i < ev->n_fields; i++) {
		if (strcmp(ev->fields[i].key, "pledge") != 0)
			continue;
		if (t->n_pledges >= MCG_PLEDGES_MAX)
			return mcg_error_set(err, MCG_EINPUT,
					     "guarantee: more than %d co-guarantors", MCG_PLEDGES_MAX);
		rc = parse_pledge(ev->fields[i].value, &t->pledges[t->n_pledges], err);
		if (rc)
			return rc;
		t->n_pledges++;
	}
	qsort(t->pledges, t->n_pledges, sizeof(t->pledges[0]), by_member);
	return MCG_OK;
}

/* Co-guarantors are distinct, not the borrower, and known: bad input,
 * not a rule (DOMAIN.md section 7).  Fills each one's party. */
static int check_guarantors(mcg_ledger *L, const terms *t, const char *borrower,
			    mcg_party *parties, mcg_error *err)
{
	for (size_t i = 0; i < t->n_pledges; i++) {
		const pledge *p = &t->pledges[i];
		mcg_member_state m;
		int rc;

		if (strcmp(p->member, borrower) == 0)
			return mcg_error_set(err, MCG_EINPUT,
					     "the borrower %s cannot be a co-guarantor of its own loan %s",
					     borrower, t->loan);
		if (i > 0 && strcmp(p->member, t->pledges[i - 1].member) == 0)
			return mcg_error_set(err, MCG_EINPUT,
					     "co-guarantor %s is named more than once", p->member);
		rc = mcg_member_state_get(L, p->member, &m, err);
		if (rc)
			return rc;
		if (!m.exists)
			return mcg_error_set(err, MCG_EINPUT,
					     "co-guarantor '%s' is not a known member", p->member);
		memset(&parties[i], 0, sizeof(parties[i]));
		mcg_strlcpy(parties[i].id, p->member, sizeof(parties[i].id));
		parties[i].active = m.active;
		parties[i].capital_minor = m.capital_minor;
		/* Its pledges on active or defaulted loans, and this one. */
		rc = mcg_db_query_int(L, "SELECT COALESCE(SUM(p.amount), 0) FROM pledges p"
				      " JOIN loan_state l ON l.id = p.loan"
				      " WHERE p.member = ?1 AND l.status IN ('active','defaulted')",
				      p->member, NULL, &parties[i].pledges_after_minor, NULL, err);
		if (rc)
			return rc;
		if (mcg_add(parties[i].pledges_after_minor, p->amount_minor,
			    &parties[i].pledges_after_minor))
			return mcg_error_set(err, MCG_EINPUT, "the pledges of %s overflow",
					     p->member);
	}
	return MCG_OK;
}

/* The loan's assessments with their assessors' standing today, judged by
 * the peer rules for a decision dated date_days. */
static int evaluate_peers(mcg_ledger *L, const mcg_loan_row *loan,
			  int32_t date_days, mcg_peer_result *out, mcg_error *err)
{
	mcg_assessment *list;
	sqlite3_stmt *st;
	size_t n = 0;
	int step;

	list = calloc(MCG_ASSESSMENTS_MAX, sizeof(*list));
	if (!list)
		return mcg_error_set(err, MCG_ESYS, "out of memory");
	st = mcg_db_stmt(L, "SELECT a.seq, a.assessor, a.score, a.date,"
			 " COALESCE(m.status = 'active', 0)"
			 " FROM assessments a LEFT JOIN members m ON m.id = a.assessor"
			 " WHERE a.loan = ?1 ORDER BY a.seq", err);
	if (!st) {
		free(list);
		return err->code;
	}
	sqlite3_bind_text(st, 1, loan->id, -1, SQLITE_STATIC);
	while ((step = sqlite3_step(st)) == SQLITE_ROW && n < MCG_ASSESSMENTS_MAX) {
		mcg_assessment *a = &list[n++];

		a->seq = sqlite3_column_int64(st, 0);
		mcg_strlcpy(a->assessor, (const char *)sqlite3_column_text(st, 1),
			    sizeof(a->assessor));
		a->score = sqlite3_column_int(st, 2);
		a->date_days = sqlite3_column_int(st, 3);
		a->assessor_active = sqlite3_column_int(st, 4);
	}
	sqlite3_reset(st);
	if (step != SQLITE_ROW && step != SQLITE_DONE) {
		free(list);
		return mcg_db_error(L, err, "reading the assessments");
	}
	mcg_peer_evaluate(list, n, loan->borrower, date_days, &L->rules, out);
	free(list);
	return MCG_OK;
}

/* Fills the case with the state as it would be after the guarantee. */
static int build_case(mcg_ledger *L, const mcg_loan_row *loan, const terms *t,
		      int64_t ga0, int64_t fund_contribution,
		      mcg_guarantee_case *c, mcg_error *err)
{
	mcg_member_state b;
	int64_t fund, total_ga, borrower_ga;
	int rc;

	rc = mcg_member_state_get(L, loan->borrower, &b, err);
	rc = rc ? rc : mcg_db_balance(L, "fund", &fund, err);
	rc = rc ? rc : mcg_loan_total_ga(L, &total_ga, err);
	rc = rc ? rc : mcg_db_query_int(L, "SELECT COALESCE(SUM(ga), 0) FROM loans"
					" WHERE borrower = ?1", loan->borrower, NULL,
					&borrower_ga, NULL, err);
	if (rc)
		return rc;
	c->coverage_bp = (int32_t)t->coverage_bp;
	c->ga0_minor = ga0;
	c->deposit_minor = t->deposit_minor;
	mcg_strlcpy(c->borrower.id, loan->borrower, sizeof(c->borrower.id));
	c->borrower.active = b.active;
	c->borrower.capital_minor = b.capital_minor;
	/* The fund is a credit balance; after the event it holds K more. */
	if (mcg_sub(fund, fund_contribution, &fund) || mcg_sub(0, fund, &c->fund_after_minor) ||
	    mcg_add(total_ga, ga0, &c->total_ga_after_minor) ||
	    mcg_add(borrower_ga, ga0, &c->borrower_ga_after_minor))
		return mcg_error_set(err, MCG_EINPUT, "guarantee: figures out of range");
	return MCG_OK;
}

static int insert_guarantee(mcg_ledger *L, const mcg_event *ev, const terms *t,
			    int64_t ga0, int64_t fee, int64_t fund_contribution,
			    const mcg_peer_result *peer, mcg_error *err)
{
	sqlite3_stmt *st = mcg_db_stmt(L,
		"INSERT INTO guarantees(loan, seq, coverage_bp, cap, deposit, ga0, fee,"
		" fund_contribution, rules_version, score_x2, assessments, pd_bp,"
		" ga_frozen, called, loss_deposit, loss_fund, recovered_fund)"
		" VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12,"
		" NULL, 0, 0, 0, 0)", err);
	int rc;

	if (!st)
		return err->code;
	sqlite3_bind_text(st, 1, t->loan, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, ev->seq);
	sqlite3_bind_int64(st, 3, t->coverage_bp);
	if (t->has_cap)
		sqlite3_bind_int64(st, 4, t->cap_minor);
	sqlite3_bind_int64(st, 5, t->deposit_minor);
	sqlite3_bind_int64(st, 6, ga0);
	sqlite3_bind_int64(st, 7, fee);
	sqlite3_bind_int64(st, 8, fund_contribution);
	sqlite3_bind_int64(st, 9, L->rules_version);
	sqlite3_bind_int(st, 10, peer->median_x2);
	sqlite3_bind_int64(st, 11, (int64_t)peer->eligible);
	sqlite3_bind_int(st, 12, peer->pd_bp);
	rc = mcg_db_step_done(L, st, err, "recording a guarantee");
	for (size_t i = 0; !rc && i < t->n_pledges; i++) {
		st = mcg_db_stmt(L, "INSERT INTO pledges(loan, member, amount, loss, recovered)"
				 " VALUES(?1, ?2, ?3, 0, 0)", err);
		if (!st)
			return err->code;
		sqlite3_bind_text(st, 1, t->loan, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, t->pledges[i].member, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 3, t->pledges[i].amount_minor);
		rc = mcg_db_step_done(L, st, err, "recording a pledge");
	}
	return rc;
}

/* cash +(F+K+D), fees -F, fund -K, deposit:L -D. */
static int post_guarantee(mcg_event *ev, const terms *t, int64_t fee,
			  int64_t fund_contribution, mcg_error *err)
{
	char account[MCG_ACCOUNT_MAX + 1];
	int64_t cash;
	int rc;

	if (mcg_add(fee, fund_contribution, &cash) ||
	    mcg_add(cash, t->deposit_minor, &cash))
		return mcg_error_set(err, MCG_EINPUT, "guarantee: the deposit is out of range");
	mcg_account_name(account, sizeof(account), "deposit", t->loan);
	rc = mcg_event_post(ev, "cash", cash, err);
	rc = rc ? rc : mcg_event_post(ev, "fees", -fee, err);
	rc = rc ? rc : mcg_event_post(ev, "fund", -fund_contribution, err);
	rc = rc ? rc : mcg_event_post(ev, account, -t->deposit_minor, err);
	return rc;
}

int mcg_apply_guarantee(mcg_ledger *L, mcg_event *ev, mcg_error *err)
{
	terms *t;
	mcg_loan_row loan;
	mcg_party parties[MCG_PLEDGES_MAX];
	mcg_guarantee_case c;
	int64_t ga0, fee, fund_contribution;
	int rc;

	t = malloc(sizeof(*t));
	if (!t)
		return mcg_error_set(err, MCG_ESYS, "out of memory");
	memset(&c, 0, sizeof(c));
	rc = read_terms(ev, t, err);
	/* The state first: a loan that is not applied is bad input whatever
	 * the rules would say. */
	rc = rc ? rc : mcg_loan_require(L, t->loan, "applied", "guarantee it", &loan, err);
	rc = rc ? rc : check_guarantors(L, t, loan.borrower, parties, err);
	rc = rc ? rc : mcg_loan_ga_active(loan.principal_minor, (int32_t)t->coverage_bp,
					  t->has_cap, t->cap_minor, &ga0, err);
	rc = rc ? rc : mcg_ledger_load_rules(L, err);
	if (rc)
		goto out;
	if (mcg_pct(ga0, L->rules.fee_bp, &fee) ||
	    mcg_pct(ga0, L->rules.fund_contribution_bp, &fund_contribution)) {
		rc = mcg_error_set(err, MCG_EINPUT, "guarantee: price out of range");
		goto out;
	}
	rc = build_case(L, &loan, t, ga0, fund_contribution, &c, err);
	rc = rc ? rc : evaluate_peers(L, &loan, ev->date_days, &c.peer, err);
	if (rc)
		goto out;
	c.guarantors = parties;
	c.n_guarantors = t->n_pledges;
	rc = mcg_rules_check_guarantee(&L->rules, &c, L->minor_digits, err);
	rc = rc ? rc : post_guarantee(ev, t, fee, fund_contribution, err);
	rc = rc ? rc : insert_guarantee(L, ev, t, ga0, fee, fund_contribution, &c.peer, err);
	rc = rc ? rc : mcg_loan_update(L, &loan, "active", loan.outstanding_minor, ga0,
				       ev->date_days, err);
out:
	free(t);
	return rc;
}

/* ---- call and recover: the pledges of a loan ------------------------------ */

static int load_pledges(mcg_ledger *L, const char *loan, pledge *out, size_t *n,
			int64_t *sum, mcg_error *err)
{
	sqlite3_stmt *st = mcg_db_stmt(L,
		"SELECT member, amount, loss, recovered FROM pledges WHERE loan = ?1"
		" ORDER BY member", err);
	int step;

	*n = 0;
	*sum = 0;
	if (!st)
		return err->code;
	sqlite3_bind_text(st, 1, loan, -1, SQLITE_STATIC);
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		pledge *p = &out[*n];

		if (*n >= MCG_PLEDGES_MAX) {
			sqlite3_reset(st);
			return mcg_error_set(err, MCG_EINTEGRITY,
					     "loan %s has more than %d pledges", loan,
					     MCG_PLEDGES_MAX);
		}
		mcg_strlcpy(p->member, (const char *)sqlite3_column_text(st, 0),
			    sizeof(p->member));
		p->amount_minor = sqlite3_column_int64(st, 1);
		p->loss_minor = sqlite3_column_int64(st, 2);
		p->recovered_minor = sqlite3_column_int64(st, 3);
		(*n)++;
		if (mcg_add(*sum, p->amount_minor, sum)) {
			sqlite3_reset(st);
			return mcg_error_set(err, MCG_EINPUT, "the pledges of loan %s overflow",
					     loan);
		}
	}
	sqlite3_reset(st);
	if (step != SQLITE_DONE)
		return mcg_db_error(L, err, "reading the pledges");
	return MCG_OK;
}

static int update_pledge(mcg_ledger *L, const char *loan, const pledge *p,
			 mcg_error *err)
{
	sqlite3_stmt *st = mcg_db_stmt(L,
		"UPDATE pledges SET loss = ?3, recovered = ?4 WHERE loan = ?1 AND member = ?2",
		err);

	if (!st)
		return err->code;
	sqlite3_bind_text(st, 1, loan, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, p->member, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, p->loss_minor);
	sqlite3_bind_int64(st, 4, p->recovered_minor);
	return mcg_db_step_done(L, st, err, "updating a pledge");
}

/* What a guarantee's call left: ga_frozen, loss_fund, recovered_fund. */
static int load_losses(mcg_ledger *L, const char *loan, int64_t *ga_frozen,
		       int64_t *loss_fund, int64_t *recovered_fund, mcg_error *err)
{
	sqlite3_stmt *st = mcg_db_stmt(L,
		"SELECT COALESCE(ga_frozen, 0), loss_fund, recovered_fund FROM guarantees"
		" WHERE loan = ?1", err);
	int rc;

	if (!st)
		return err->code;
	sqlite3_bind_text(st, 1, loan, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		sqlite3_reset(st);
		if (rc == SQLITE_DONE)
			return mcg_error_set(err, MCG_EINTEGRITY, "loan %s has no guarantee", loan);
		return mcg_db_error(L, err, "reading a guarantee");
	}
	*ga_frozen = sqlite3_column_int64(st, 0);
	*loss_fund = sqlite3_column_int64(st, 1);
	*recovered_fund = sqlite3_column_int64(st, 2);
	sqlite3_reset(st);
	return MCG_OK;
}

/* ---- call --------------------------------------------------------------- */

/* Step 2 of the waterfall: c among the co-guarantors by their pledges,
 * each part posted to due:G_i. */
static int share_among_guarantors(mcg_event *ev, pledge *p, size_t n, int64_t c,
				  mcg_error *err)
{
	int64_t weights[MCG_PLEDGES_MAX], parts[MCG_PLEDGES_MAX];
	char account[MCG_ACCOUNT_MAX + 1];
	int rc = MCG_OK;

	if (n == 0)
		return MCG_OK;
	for (size_t i = 0; i < n; i++)
		weights[i] = p[i].amount_minor;
	if (mcg_allocate(c, weights, n, parts))
		return mcg_error_set(err, MCG_EINPUT, "call: cannot allocate among the co-guarantors");
	for (size_t i = 0; i < n && !rc; i++) {
		p[i].loss_minor = parts[i];
		mcg_account_name(account, sizeof(account), "due", p[i].member);
		rc = mcg_event_post(ev, account, parts[i], err);
	}
	return rc;
}

static int record_call(mcg_ledger *L, const char *loan, int64_t called,
		       int64_t loss_deposit, int64_t loss_fund, mcg_error *err)
{
	sqlite3_stmt *st = mcg_db_stmt(L,
		"UPDATE guarantees SET called = ?2, loss_deposit = ?3, loss_fund = ?4"
		" WHERE loan = ?1", err);

	if (!st)
		return err->code;
	sqlite3_bind_text(st, 1, loan, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, called);
	sqlite3_bind_int64(st, 3, loss_deposit);
	sqlite3_bind_int64(st, 4, loss_fund);
	return mcg_db_step_done(L, st, err, "recording a call");
}

int mcg_apply_call(mcg_ledger *L, mcg_event *ev, mcg_error *err)
{
	const char *id;
	int64_t x, ga, held, d, c, f, sum, loss_fund, recovered_fund;
	mcg_loan_row loan;
	pledge p[MCG_PLEDGES_MAX];
	size_t n;
	char account[MCG_ACCOUNT_MAX + 1];
	char a[MCG_AMOUNT_TEXT_MAX], b[MCG_AMOUNT_TEXT_MAX];
	int rc;

	rc = mcg_field_text(ev, "loan", &id, err);
	rc = rc ? rc : mcg_field_positive(ev, "amount", &x, err);
	rc = rc ? rc : mcg_loan_require(L, id, "defaulted", "call it", &loan, err);
	rc = rc ? rc : load_losses(L, id, &ga, &loss_fund, &recovered_fund, err);
	if (rc)
		return rc;
	if (x > ga)
		return mcg_error_set(err, MCG_EINPUT,
				     "call %s is more than the guaranteed amount %s of loan %s",
				     mcg_amount_format_grouped(x, L->minor_digits, a),
				     mcg_amount_format_grouped(ga, L->minor_digits, b), id);
	mcg_account_name(account, sizeof(account), "deposit", id);
	rc = mcg_db_balance(L, account, &held, err);
	rc = rc ? rc : load_pledges(L, id, p, &n, &sum, err);
	if (rc)
		return rc;
	/* 1. the borrower's deposit, 2. the co-guarantors, 3. the fund. */
	held = held < 0 ? -held : 0;
	d = x < held ? x : held;
	c = x - d < sum ? x - d : sum;
	f = x - d - c;
	rc = mcg_event_post(ev, account, d, err);
	rc = rc ? rc : share_among_guarantors(ev, p, n, c, err);
	rc = rc ? rc : mcg_event_post(ev, "fund", f, err);
	rc = rc ? rc : mcg_event_post(ev, "cash", -x, err);
	for (size_t i = 0; i < n && !rc; i++)
		rc = update_pledge(L, id, &p[i], err);
	rc = rc ? rc : record_call(L, id, x, d, f, err);
	return rc ? rc : mcg_loan_update(L, &loan, "called", loan.outstanding_minor, 0,
					 ev->date_days, err);
}

/* ---- recover ------------------------------------------------------------ */

int mcg_apply_recover(mcg_ledger *L, mcg_event *ev, mcg_error *err)
{
	const char *id;
	int64_t r, ga, loss_fund, recovered_fund, sum, owed = 0;
	int64_t weights[MCG_PLEDGES_MAX + 1], parts[MCG_PLEDGES_MAX + 1];
	size_t who[MCG_PLEDGES_MAX + 1];  /* 0 the fund, i + 1 pledge i */
	size_t n, k = 0;
	mcg_loan_row loan;
	pledge p[MCG_PLEDGES_MAX];
	char account[MCG_ACCOUNT_MAX + 1];
	char a[MCG_AMOUNT_TEXT_MAX], b[MCG_AMOUNT_TEXT_MAX];
	sqlite3_stmt *st;
	int rc;

	rc = mcg_field_text(ev, "loan", &id, err);
	rc = rc ? rc : mcg_field_positive(ev, "amount", &r, err);
	rc = rc ? rc : mcg_loan_require(L, id, "called", "record a recovery", &loan, err);
	rc = rc ? rc : load_losses(L, id, &ga, &loss_fund, &recovered_fund, err);
	rc = rc ? rc : load_pledges(L, id, p, &n, &sum, err);
	if (rc)
		return rc;
	/* The bearers still owed, in the tie order: the fund, then members. */
	if (loss_fund > recovered_fund) {
		who[k] = 0;
		weights[k++] = loss_fund - recovered_fund;
	}
	for (size_t i = 0; i < n; i++)
		if (p[i].loss_minor > p[i].recovered_minor) {
			who[k] = i + 1;
			weights[k++] = p[i].loss_minor - p[i].recovered_minor;
		}
	for (size_t i = 0; i < k; i++)
		if (mcg_add(owed, weights[i], &owed))
			return mcg_error_set(err, MCG_EINPUT, "recover: losses out of range");
	if (r > owed)
		return mcg_error_set(err, MCG_EINPUT,
				     "recovery %s is more than the %s of losses on loan %s not yet recovered by the fund and co-guarantors",
				     mcg_amount_format_grouped(r, L->minor_digits, a),
				     mcg_amount_format_grouped(owed, L->minor_digits, b), id);
	if (mcg_allocate(r, weights, k, parts))
		return mcg_error_set(err, MCG_EINPUT, "recover: cannot allocate the recovery");
	rc = mcg_event_post(ev, "cash", r, err);
	for (size_t i = 0; i < k && !rc; i++) {
		if (who[i] == 0) {
			recovered_fund += parts[i];
			rc = mcg_event_post(ev, "fund", -parts[i], err);
			continue;
		}
		p[who[i] - 1].recovered_minor += parts[i];
		mcg_account_name(account, sizeof(account), "due", p[who[i] - 1].member);
		rc = mcg_event_post(ev, account, -parts[i], err);
		rc = rc ? rc : update_pledge(L, id, &p[who[i] - 1], err);
	}
	if (rc)
		return rc;
	st = mcg_db_stmt(L, "UPDATE guarantees SET recovered_fund = ?2 WHERE loan = ?1", err);
	if (!st)
		return err->code;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, recovered_fund);
	return mcg_db_step_done(L, st, err, "recording a recovery");
}
