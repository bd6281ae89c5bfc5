/*
 * Every loan as it stood after event S: see report_int.h.
 *
 * What never changes after it is recorded (borrower, bank, principal, the
 * terms of the guarantee, its pledges) comes from the state tables, which
 * mcg_check_facts (ledger/check.h) has compared with the events before
 * any document reads them.  What moves with time comes from the events
 * and postings up to S, which is exact because nothing is ever back-dated:
 *
 *   outstanding = principal - Σ repay.principal (seq <= S)
 *   deposit     = -Σ postings on deposit:<loan> (seq <= S)
 *   fund        = -Σ postings on fund (seq <= S)
 *   status      = the last transition at or before S: loan.add (applied),
 *                 guarantee (active), outstanding 0 (repaid), default
 *                 (defaulted), call (called), writeoff (closed)
 *   GA          = DOMAIN.md section 4 for that status
 *
 * The default is the one arrears event that reached the threshold of the
 * rules in force on its day (`default_dpd_days` of the version loaded
 * before it); arrears are refused once a loan is no longer active, so
 * there is at most one.  The GA frozen then is the active GA of the
 * outstanding before it, and the state's frozen GA must be that.
 *
 * When S is the last event the result is compared with the state tables
 * (loans, balances, totals): the reports then show exactly what the other
 * commands show, or refuse with MCG_EINTEGRITY.
 */
#include "report_int.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "hash.h"
#include "ledger/event.h"
#include "money.h"

static const char *const status_names[RPT_STATUSES] = {
	"applied", "active", "repaid", "defaulted", "called", "closed",
};

const char *rpt_status_name(rpt_status s)
{
	return (unsigned)s < RPT_STATUSES ? status_names[s] : "unknown";
}

static int status_parse(const char *text, rpt_status *out)
{
	for (int i = 0; i < RPT_STATUSES; i++)
		if (text && strcmp(text, status_names[i]) == 0) {
			*out = (rpt_status)i;
			return 0;
		}
	return -1;
}

/* Facts of the state tables kept for the loading and the final check. */
typedef struct now_loan {
	rpt_status status;
	int64_t outstanding_minor;
	int64_t ga_minor;
	int64_t repaid_minor;     /* Σ repay.principal up to S */
	/* Over the whole log: */
	int64_t repaid_all_minor; /* Σ repay.principal */
	int64_t default_seq_any;  /* the arrears that reached the threshold */
	int64_t repaid_at_default_minor;
	int64_t call_seq_any;
	int64_t writeoff_seq_any;
	int has_frozen;
} now_loan;

/* The default threshold of each rules version, from the event that
 * loaded it. */
typedef struct rules_threshold {
	int64_t seq;
	int32_t default_dpd_days;
} rules_threshold;

typedef struct thresholds {
	rules_threshold *at;
	size_t n;
	size_t cursor;            /* the version in force at the current event */
} thresholds;

static int db_fail(mcg_ledger *L, mcg_error *err, const char *doing)
{
	return mcg_error_set(err, MCG_ESYS, "cannot read the ledger (%s): %s", doing,
			     sqlite3_errmsg(mcg_ledger_db(L)));
}

/*
 * Finding a loan by id is done once for every loan event of the log, so
 * it is a hash table (open addressing, linear probing, mcg_id_hash) over the
 * loans array rather than a bisection: one string comparison instead of
 * some seventeen.  Slots hold index + 1; 0 is empty.  The table has at
 * least twice as many slots as loans.  The ids are compared in a compact
 * copy (33 bytes a loan, not the 250 of a whole rpt_loan), so that the
 * lookups touch seven times less memory.
 */
static int index_build(rpt_portfolio *p)
{
	size_t n_slots = 16;

	free(p->slots);
	free(p->ids);
	p->slots = NULL;
	p->ids = NULL;
	p->slot_mask = 0;
	while (n_slots < 2 * p->n_loans)
		n_slots *= 2;
	p->slots = calloc(n_slots, sizeof(*p->slots));
	p->ids = malloc((p->n_loans ? p->n_loans : 1) * sizeof(*p->ids));
	if (!p->slots || !p->ids) {
		free(p->slots);
		free(p->ids);
		p->slots = NULL;
		p->ids = NULL;
		return -1;
	}
	p->slot_mask = n_slots - 1;
	for (size_t i = 0; i < p->n_loans; i++) {
		size_t at = (size_t)mcg_id_hash(p->loans[i].id) & p->slot_mask;

		memcpy(p->ids[i], p->loans[i].id, sizeof(p->ids[i]));
		while (p->slots[at])
			at = (at + 1) & p->slot_mask;
		p->slots[at] = (uint32_t)(i + 1);
	}
	return 0;
}

rpt_loan *rpt_portfolio_find(const rpt_portfolio *p, const char *id)
{
	size_t at;

	if (!p->slots)
		return NULL;
	for (at = (size_t)mcg_id_hash(id) & p->slot_mask; p->slots[at];
	     at = (at + 1) & p->slot_mask) {
		size_t i = p->slots[at] - 1;

		if (strcmp(p->ids[i], id) == 0)
			return &p->loans[i];
	}
	return NULL;
}

void rpt_portfolio_free(rpt_portfolio *p)
{
	if (!p)
		return;
	free(p->loans);
	free(p->pledges);
	free(p->slots);
	free(p->ids);
	memset(p, 0, sizeof(*p));
}

int rpt_portfolio_keep_bank(rpt_portfolio *p, const char *bic)
{
	size_t kept = 0, kept_pledges = 0;
	void *smaller;

	for (size_t i = 0; i < p->n_loans; i++) {
		rpt_loan l = p->loans[i];

		if (strcmp(l.bank, bic) != 0)
			continue;
		/* Pledges are grouped by loan in loan order, so they move down
		 * as the loans do, never over one not yet moved. */
		if (l.n_pledges) {
			memmove(&p->pledges[kept_pledges], &p->pledges[l.pledge_first],
				l.n_pledges * sizeof(*p->pledges));
			l.pledge_first = kept_pledges;
			kept_pledges += l.n_pledges;
		}
		p->loans[kept++] = l;
	}
	p->n_loans = kept;
	p->n_pledges = kept_pledges;
	/* Give the memory back: the document is built next. */
	if (kept && (smaller = realloc(p->loans, kept * sizeof(*p->loans))))
		p->loans = smaller;
	if (kept_pledges &&
	    (smaller = realloc(p->pledges, kept_pledges * sizeof(*p->pledges))))
		p->pledges = smaller;
	return index_build(p);
}

/* Grows an array to hold at least n + 1 items of size sz. */
static int grow(void **arr, size_t *cap, size_t n, size_t sz, size_t max)
{
	void *bigger;
	size_t want;

	if (n < *cap)
		return 0;
	if (n >= max)
		return -1;
	want = *cap ? *cap * 2 : 256;
	if (want > max)
		want = max;
	bigger = realloc(*arr, want * sz);
	if (!bigger)
		return -1;
	*arr = bigger;
	*cap = want;
	return 0;
}

static void copy_text(char *dst, size_t dstsz, sqlite3_stmt *st, int col)
{
	const char *s = (const char *)sqlite3_column_text(st, col);

	mcg_strlcpy(dst, s ? s : "", dstsz);
}

/* Step 1: every loan row with its guarantee, in id order. */
static int load_loans(mcg_ledger *L, rpt_portfolio *p, now_loan **now,
		      mcg_error *err)
{
	sqlite3_stmt *st;
	size_t cap = 0, now_cap = 0;
	int step = SQLITE_DONE, rc = MCG_OK;

	if (sqlite3_prepare_v2(mcg_ledger_db(L),
			       "SELECT l.id, l.borrower, l.bank, l.principal, l.status,"
			       " l.outstanding, l.ga, g.seq, g.coverage_bp, g.cap, g.deposit,"
			       " g.ga0, g.ga_frozen, g.score_x2, g.pd_bp, g.rules_version, e.date"
			       " FROM loans l LEFT JOIN guarantees g ON g.loan = l.id"
			       " LEFT JOIN events e ON e.seq = g.seq ORDER BY l.id",
			       -1, &st, NULL) != SQLITE_OK)
		return db_fail(L, err, "the loans");
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		rpt_loan *l;
		now_loan *n;

		if (grow((void **)&p->loans, &cap, p->n_loans, sizeof(*l), RPT_LOANS_MAX) ||
		    grow((void **)now, &now_cap, p->n_loans, sizeof(**now), RPT_LOANS_MAX)) {
			rc = mcg_error_set(err, MCG_ESYS,
					   "out of memory reading the loans (limit %d)",
					   RPT_LOANS_MAX);
			break;
		}
		l = &p->loans[p->n_loans];
		n = &(*now)[p->n_loans];
		memset(l, 0, sizeof(*l));
		memset(n, 0, sizeof(*n));
		copy_text(l->id, sizeof(l->id), st, 0);
		copy_text(l->borrower, sizeof(l->borrower), st, 1);
		copy_text(l->bank, sizeof(l->bank), st, 2);
		l->principal_minor = sqlite3_column_int64(st, 3);
		if (status_parse((const char *)sqlite3_column_text(st, 4), &n->status)) {
			rc = mcg_error_set(err, MCG_EINTEGRITY, "loan %s has an unknown status",
					   l->id);
			break;
		}
		n->outstanding_minor = sqlite3_column_int64(st, 5);
		n->ga_minor = sqlite3_column_int64(st, 6);
		if (sqlite3_column_type(st, 7) != SQLITE_NULL) {
			l->guarantee_seq = sqlite3_column_int64(st, 7);
			l->coverage_bp = sqlite3_column_int(st, 8);
			l->has_cap = sqlite3_column_type(st, 9) != SQLITE_NULL;
			l->cap_minor = sqlite3_column_int64(st, 9);
			l->deposit_given_minor = sqlite3_column_int64(st, 10);
			l->ga0_minor = sqlite3_column_int64(st, 11);
			n->has_frozen = sqlite3_column_type(st, 12) != SQLITE_NULL;
			l->ga_frozen_minor = sqlite3_column_int64(st, 12);
			l->score_x2 = sqlite3_column_int(st, 13);
			l->pd_bp = sqlite3_column_int(st, 14);
			l->rules_version = sqlite3_column_int64(st, 15);
			l->guarantee_days = sqlite3_column_int(st, 16);
		}
		p->n_loans++;
	}
	if (!rc && step != SQLITE_DONE)
		rc = db_fail(L, err, "the loans");
	sqlite3_finalize(st);
	if (!rc && index_build(p))
		rc = mcg_error_set(err, MCG_ESYS, "out of memory indexing the loans");
	return rc;
}

/* Every rules version's default threshold, in version order. */
static int load_thresholds(mcg_ledger *L, thresholds *t, mcg_error *err)
{
	sqlite3_stmt *st;
	size_t cap = 0;
	int step = SQLITE_DONE, rc = MCG_OK;

	memset(t, 0, sizeof(*t));
	if (sqlite3_prepare_v2(mcg_ledger_db(L), "SELECT seq FROM rules_versions ORDER BY version",
			       -1, &st, NULL) != SQLITE_OK)
		return db_fail(L, err, "the rules versions");
	while (!rc && (step = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t seq = sqlite3_column_int64(st, 0), version;
		mcg_rules rules;

		if (grow((void **)&t->at, &cap, t->n, sizeof(t->at[0]), RPT_RULES_VERSIONS_MAX)) {
			rc = mcg_error_set(err, MCG_ESYS,
					   "out of memory reading the rules versions (limit %d)",
					   RPT_RULES_VERSIONS_MAX);
			break;
		}
		rc = mcg_ledger_rules_at(L, seq, &version, &rules, err);
		t->at[t->n].seq = seq;
		t->at[t->n].default_dpd_days = rules.default_dpd_days;
		t->n++;
	}
	if (!rc && step != SQLITE_DONE)
		rc = db_fail(L, err, "the rules versions");
	sqlite3_finalize(st);
	return rc;
}

/* The default threshold in force at event seq (the events come in order). */
static int32_t threshold_at(thresholds *t, int64_t seq)
{
	while (t->cursor + 1 < t->n && t->at[t->cursor + 1].seq < seq)
		t->cursor++;
	return t->n ? t->at[t->cursor].default_dpd_days : INT32_MAX;
}

/*
 * Step 2: one pass over the loan events of the whole log.  Only the loan
 * and, for a repayment, the principal, for arrears the days past due, are
 * read, straight from the stored text (rpt_fields_pick): this pass reads
 * every loan event ever recorded.
 */
static int scan_events(mcg_ledger *L, rpt_portfolio *p, now_loan *now,
		       mcg_error *err)
{
	sqlite3_stmt *st;
	thresholds limits;
	int step = SQLITE_DONE, rc = MCG_OK;

	rc = load_thresholds(L, &limits, err);
	if (rc) {
		free(limits.at);
		return rc;
	}

	/* Every event, the type tested here: an IN list in the SQL costs
	 * SQLite a probe of a temporary index for each row. */
	if (sqlite3_prepare_v2(mcg_ledger_db(L), "SELECT seq, type, fields FROM events ORDER BY seq",
			       -1, &st, NULL) != SQLITE_OK) {
		free(limits.at);
		return db_fail(L, err, "the events");
	}
	while (!rc && (step = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t seq = sqlite3_column_int64(st, 0);
		const char *type = (const char *)sqlite3_column_text(st, 1);
		const char *fields;
		char loan[RPT_ID_MAX], figure[MCG_AMOUNT_TEXT_MAX];
		rpt_pick picks[2] = { { "loan", loan, sizeof(loan), 0 },
				      { "principal", figure, sizeof(figure), 0 } };
		int repay, arrears;
		rpt_loan *l;
		now_loan *n;

		if (!type || (strcmp(type, "loan.add") != 0 && strcmp(type, "repay") != 0 &&
			      strcmp(type, "arrears") != 0 && strcmp(type, "call") != 0 &&
			      strcmp(type, "writeoff") != 0))
			continue;
		repay = strcmp(type, "repay") == 0;
		arrears = strcmp(type, "arrears") == 0;
		if (arrears)
			picks[1].key = "dpd";
		fields = (const char *)sqlite3_column_text(st, 2);
		if (!fields || rpt_fields_pick(fields, picks, repay || arrears ? 2 : 1) ||
		    !picks[0].found || (arrears && !picks[1].found)) {
			rc = mcg_error_set(err, MCG_EINTEGRITY, "event %lld has damaged fields",
					   (long long)seq);
			break;
		}
		l = rpt_portfolio_find(p, loan);
		if (!l) {
			rc = mcg_error_set(err, MCG_EINTEGRITY,
					   "event %lld names loan %.40s, which the ledger does not hold",
					   (long long)seq, loan);
			break;
		}
		n = &now[l - p->loans];
		if (strcmp(type, "loan.add") == 0) {
			l->added_seq = seq;
		} else if (repay) {
			int64_t paid = picks[1].found ? rpt_text_int(figure) : 0;

			if (__builtin_add_overflow(n->repaid_all_minor, paid, &n->repaid_all_minor) ||
			    (seq <= p->as_of_seq &&
			     __builtin_add_overflow(n->repaid_minor, paid, &n->repaid_minor)))
				rc = mcg_error_set(err, MCG_EINTEGRITY,
						   "the repayments of loan %s overflow", l->id);
		} else if (arrears) {
			if (!n->default_seq_any &&
			    rpt_text_int(figure) >= threshold_at(&limits, seq)) {
				n->default_seq_any = seq;
				n->repaid_at_default_minor = n->repaid_all_minor;
			}
		} else if (strcmp(type, "call") == 0) {
			n->call_seq_any = seq;
		} else if (strcmp(type, "writeoff") == 0) {
			n->writeoff_seq_any = seq;
		}
	}
	if (!rc && step != SQLITE_DONE)
		rc = db_fail(L, err, "the events");
	sqlite3_finalize(st);
	free(limits.at);
	return rc;
}

/* DOMAIN.md section 4's GA of an active loan: pct(outstanding, coverage),
 * or the cap if that is smaller. */
static int active_ga(const rpt_loan *l, int64_t outstanding_minor, int64_t *out,
		     mcg_error *err)
{
	if (mcg_pct(outstanding_minor, l->coverage_bp, out))
		return mcg_error_set(err, MCG_EINTEGRITY,
				     "the guaranteed amount of loan %s is out of range", l->id);
	if (l->has_cap && l->cap_minor < *out)
		*out = l->cap_minor;
	return MCG_OK;
}

/* The GA frozen at the default, from the outstanding before it; the
 * state's must be that, and there only when the loan defaulted. */
static int check_frozen(const rpt_loan *l, const now_loan *n, mcg_error *err)
{
	int64_t frozen = 0;

	if (!n->default_seq_any) {
		if (n->has_frozen)
			return mcg_error_set(err, MCG_EINTEGRITY,
					     "loan %s: its events hold no default but the state a frozen guaranteed amount (run mcg check)",
					     l->id);
		return MCG_OK;
	}
	if (active_ga(l, l->principal_minor - n->repaid_at_default_minor, &frozen, err))
		return err->code;
	if (!n->has_frozen || l->ga_frozen_minor != frozen)
		return mcg_error_set(err, MCG_EINTEGRITY,
				     "loan %s: its events give a guaranteed amount frozen at default of %lld but the state holds %s%lld (run mcg check)",
				     l->id, (long long)frozen, n->has_frozen ? "" : "none, ",
				     (long long)(n->has_frozen ? l->ga_frozen_minor : 0));
	return MCG_OK;
}

/* Step 3: status, outstanding and GA of one loan at S. */
static int settle_loan(const rpt_portfolio *p, rpt_loan *l, const now_loan *n,
		       mcg_error *err)
{
	int64_t S = p->as_of_seq;
	int rc = check_frozen(l, n, err);

	if (rc)
		return rc;

	l->guaranteed = l->guarantee_seq > 0 && l->guarantee_seq <= S;
	l->outstanding_minor = l->principal_minor - n->repaid_minor;
	if (l->outstanding_minor < 0)
		return mcg_error_set(err, MCG_EINTEGRITY,
				     "the repayments of loan %s exceed its principal", l->id);
	l->default_seq = n->default_seq_any && n->default_seq_any <= S ? n->default_seq_any : 0;
	l->call_seq = n->call_seq_any && n->call_seq_any <= S ? n->call_seq_any : 0;
	l->writeoff_seq = n->writeoff_seq_any && n->writeoff_seq_any <= S ?
			  n->writeoff_seq_any : 0;
	if (l->writeoff_seq)
		l->status = RPT_CLOSED;
	else if (l->call_seq)
		l->status = RPT_CALLED;
	else if (l->default_seq)
		l->status = RPT_DEFAULTED;
	else if (l->guaranteed)
		l->status = l->outstanding_minor == 0 ? RPT_REPAID : RPT_ACTIVE;
	else
		l->status = RPT_APPLIED;

	l->ga_minor = 0;
	if (l->status == RPT_ACTIVE) {
		rc = active_ga(l, l->outstanding_minor, &l->ga_minor, err);
		if (rc)
			return rc;
	} else if (l->status == RPT_DEFAULTED) {
		if (!n->has_frozen)
			return mcg_error_set(err, MCG_EINTEGRITY,
					     "loan %s defaulted but its guarantee has no frozen amount",
					     l->id);
		l->ga_minor = l->ga_frozen_minor;
	}
	return MCG_OK;
}

/* Drops the loans added after S (they are still in `now` by index). */
static int settle_all(rpt_portfolio *p, now_loan *now, int whole_log,
		      mcg_error *err)
{
	size_t kept = 0;
	int rc;

	for (size_t i = 0; i < p->n_loans; i++) {
		rpt_loan *l = &p->loans[i];

		if (!l->added_seq) {
			if (whole_log)
				return mcg_error_set(err, MCG_EINTEGRITY,
						     "loan %s is in the state but no event added it (run mcg check)",
						     l->id);
			continue;
		}
		if (l->added_seq > p->as_of_seq)
			continue;
		rc = settle_loan(p, l, &now[i], err);
		if (rc)
			return rc;
		if (whole_log && (l->status != now[i].status ||
				  l->outstanding_minor != now[i].outstanding_minor ||
				  l->ga_minor != now[i].ga_minor))
			return mcg_error_set(err, MCG_EINTEGRITY,
					     "loan %s: its events give %s, outstanding %lld, GA %lld but the state holds %s, %lld, %lld (run mcg check)",
					     l->id, rpt_status_name(l->status),
					     (long long)l->outstanding_minor, (long long)l->ga_minor,
					     rpt_status_name(now[i].status),
					     (long long)now[i].outstanding_minor,
					     (long long)now[i].ga_minor);
		if (__builtin_add_overflow(p->total_ga_minor, l->ga_minor, &p->total_ga_minor))
			return mcg_error_set(err, MCG_EINTEGRITY, "the total guaranteed overflows");
		if (kept != i)
			p->loans[kept] = *l;
		kept++;
	}
	if (kept != p->n_loans) {
		p->n_loans = kept;
		if (index_build(p))
			return mcg_error_set(err, MCG_ESYS, "out of memory indexing the loans");
	}
	return MCG_OK;
}

/* Step 4: the deposits held and the fund, from the postings up to S. */
static int load_balances(mcg_ledger *L, rpt_portfolio *p, mcg_error *err)
{
	sqlite3_stmt *st;
	int step = SQLITE_DONE, rc = MCG_OK;

	if (sqlite3_prepare_v2(mcg_ledger_db(L),
			       "SELECT account, SUM(amount) FROM postings WHERE seq <= ?1"
			       " AND (account = 'fund' OR (account >= 'deposit:' AND account < 'deposit;'))"
			       " GROUP BY account", -1, &st, NULL) != SQLITE_OK)
		return db_fail(L, err, "the balances");
	sqlite3_bind_int64(st, 1, p->as_of_seq);
	while (!rc && (step = sqlite3_step(st)) == SQLITE_ROW) {
		const char *account = (const char *)sqlite3_column_text(st, 0);
		int64_t sum = sqlite3_column_int64(st, 1);
		rpt_loan *l;

		if (sum == INT64_MIN) {
			rc = mcg_error_set(err, MCG_EINTEGRITY, "the balance of %s is out of range",
					   account);
			break;
		}
		if (strcmp(account, "fund") == 0) {
			p->fund_minor = -sum;
			continue;
		}
		l = rpt_portfolio_find(p, account + 8);
		if (l)
			l->deposit_minor = -sum;
	}
	if (!rc && step != SQLITE_DONE)
		rc = db_fail(L, err, "the balances (an overflowing sum?)");
	sqlite3_finalize(st);
	return rc;
}

/* Step 5: the pledges of the loans guaranteed by S. */
static int load_pledges(mcg_ledger *L, rpt_portfolio *p, mcg_error *err)
{
	sqlite3_stmt *st;
	size_t cap = 0;
	int step = SQLITE_DONE, rc = MCG_OK;

	if (sqlite3_prepare_v2(mcg_ledger_db(L),
			       "SELECT loan, member, amount FROM pledges ORDER BY loan, member",
			       -1, &st, NULL) != SQLITE_OK)
		return db_fail(L, err, "the pledges");
	while (!rc && (step = sqlite3_step(st)) == SQLITE_ROW) {
		rpt_loan *l = rpt_portfolio_find(p, (const char *)sqlite3_column_text(st, 0));
		rpt_pledge *pl;

		if (!l || !l->guaranteed)
			continue;
		if (grow((void **)&p->pledges, &cap, p->n_pledges, sizeof(*pl),
			 RPT_PLEDGES_MAX)) {
			rc = mcg_error_set(err, MCG_ESYS, "out of memory reading the pledges");
			break;
		}
		if (l->n_pledges == 0)
			l->pledge_first = p->n_pledges;
		l->n_pledges++;
		pl = &p->pledges[p->n_pledges++];
		copy_text(pl->member, sizeof(pl->member), st, 1);
		pl->amount_minor = sqlite3_column_int64(st, 2);
	}
	if (!rc && step != SQLITE_DONE)
		rc = db_fail(L, err, "the pledges");
	sqlite3_finalize(st);
	return rc;
}

/* Step 6, for the whole log: deposits, fund and total against the state. */
static int check_against_state(mcg_ledger *L, const rpt_portfolio *p,
			       mcg_error *err)
{
	sqlite3_stmt *st;
	int64_t held = 0, total = 0;
	int step = SQLITE_DONE, rc = MCG_OK;

	if (sqlite3_prepare_v2(mcg_ledger_db(L),
			       "SELECT account, balance FROM balances"
			       " WHERE account = 'fund' OR (account >= 'deposit:' AND account < 'deposit;')"
			       " UNION ALL SELECT '', value FROM totals WHERE name = 'total_ga'",
			       -1, &st, NULL) != SQLITE_OK)
		return db_fail(L, err, "the balances");
	while (!rc && (step = sqlite3_step(st)) == SQLITE_ROW) {
		const char *account = (const char *)sqlite3_column_text(st, 0);
		int64_t b = sqlite3_column_int64(st, 1);
		const rpt_loan *l;

		if (!account[0]) {
			total = b;
			continue;
		}
		if (strcmp(account, "fund") == 0) {
			if (b != -p->fund_minor)
				rc = mcg_error_set(err, MCG_EINTEGRITY,
						   "the fund's postings do not sum to its balance (run mcg check)");
			continue;
		}
		l = rpt_portfolio_find(p, account + 8);
		held = l ? l->deposit_minor : 0;
		if (b != -held)
			rc = mcg_error_set(err, MCG_EINTEGRITY,
					   "the postings of %s do not sum to its balance (run mcg check)",
					   account);
	}
	if (!rc && step != SQLITE_DONE)
		rc = db_fail(L, err, "the balances");
	sqlite3_finalize(st);
	if (!rc && total != p->total_ga_minor)
		rc = mcg_error_set(err, MCG_EINTEGRITY,
				   "the guaranteed amounts of the loans sum to %lld but the ledger's total is %lld (run mcg check)",
				   (long long)p->total_ga_minor, (long long)total);
	return rc;
}

int rpt_portfolio_load(mcg_ledger *L, int64_t as_of_seq, rpt_portfolio *out,
		       mcg_error *err)
{
	now_loan *now = NULL;
	int whole_log;
	int rc;

	memset(out, 0, sizeof(*out));
	rc = mcg_ledger_size(L, &out->size, err);
	if (rc)
		return rc;
	out->as_of_seq = as_of_seq < out->size ? as_of_seq : out->size;
	whole_log = out->as_of_seq == out->size;
	rc = load_loans(L, out, &now, err);
	rc = rc ? rc : scan_events(L, out, now, err);
	rc = rc ? rc : settle_all(out, now, whole_log, err);
	rc = rc ? rc : load_balances(L, out, err);
	rc = rc ? rc : load_pledges(L, out, err);
	if (!rc && whole_log)
		rc = check_against_state(L, out, err);
	free(now);
	if (rc)
		rpt_portfolio_free(out);
	if (rc == MCG_EINTEGRITY)
		mcg_error_prefix(err, "refusing to sign: the state does not match the events");
	return rc;
}
