/*
 * The write-once state against the events that wrote it: see check.h.
 *
 * One pass over the events in order.  Each event that writes a row once
 * and for all (ledger.init, rules.load, member.add, bank.add, loan.add,
 * guarantee) has that row looked up by its key and compared column by
 * column with what the event's fields make of it, as the apply functions
 * make it (apply_members.c, apply_loans.c, apply_guarantee.c); each
 * member.withdraw has its member withdrawn.  Then every table holds as
 * many rows as the events made: a row added by hand is found by its count.
 *
 * What this does not compare, because only the rules replayed over the
 * state of the day can give it, is left to `mcg check`: a loan's current
 * status, outstanding and GA (the reports recompute those from the events
 * themselves, reports/portfolio.c), a guarantee's peer score, assessments
 * counted and PD, the losses and recoveries of a call, the balances.
 */
#include "check.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apply.h"
#include "ledger_int.h"
#include "money.h"

typedef struct facts_pass {
	mcg_ledger *L;
	mcg_error *err;
	int64_t seq;              /* the event being compared */
	int32_t date_days;
	int64_t rules_version;    /* the rules version in force after seq */
	/* Rows the events made, by table. */
	int64_t facts, members, withdrawn, banks, loans, guarantees, pledges;
} facts_pass;

/* The detail of a difference; always MCG_EINTEGRITY. */
static int differs(facts_pass *f, const char *what, const char *key,
		   const char *column)
{
	return mcg_error_set(f->err, MCG_EINTEGRITY,
			     "%s %.40s: its %s in the state is not what event %lld recorded"
			     " (run mcg check)", what, key, column, (long long)f->seq);
}

/* Whether a text column holds want exactly (NULL: SQL NULL). */
static int same_text(sqlite3_stmt *st, int col, const char *want)
{
	/* The type first: sqlite3_column_text converts a blob in place. */
	int type = sqlite3_column_type(st, col);
	const char *have;

	if (!want)
		return type == SQLITE_NULL;
	if (type != SQLITE_TEXT)
		return 0;
	have = (const char *)sqlite3_column_text(st, col);
	return have && (size_t)sqlite3_column_bytes(st, col) == strlen(want) &&
	       strcmp(have, want) == 0;
}

/* Whether an integer column holds want (given == 0: SQL NULL). */
static int same_int(sqlite3_stmt *st, int col, int given, int64_t want)
{
	if (!given)
		return sqlite3_column_type(st, col) == SQLITE_NULL;
	return sqlite3_column_type(st, col) == SQLITE_INTEGER &&
	       sqlite3_column_int64(st, col) == want;
}

/* An optional integer field: *given says whether the event has it. */
static int optional_field(facts_pass *f, const mcg_event *ev, const char *key,
			  int *given, int64_t *out)
{
	*given = mcg_event_get(ev, key) != NULL;
	*out = 0;
	return *given ? mcg_event_get_int(ev, key, out, f->err) : MCG_OK;
}

/* Steps the lookup of the row with the key; 1 when it is there. */
static int step_row(facts_pass *f, sqlite3_stmt *st, const char *table, int *found)
{
	int step = sqlite3_step(st);

	*found = step == SQLITE_ROW;
	if (step != SQLITE_ROW && step != SQLITE_DONE)
		return mcg_db_error(f->L, f->err, table);
	return MCG_OK;
}

static int missing(facts_pass *f, const char *what, const char *key)
{
	return mcg_error_set(f->err, MCG_EINTEGRITY,
			     "%s %.40s, which event %lld added, is not in the state (run mcg check)",
			     what, key, (long long)f->seq);
}

/* ---- the consortium ------------------------------------------------------ */

static int compare_init(facts_pass *f, const mcg_event *ev)
{
	static const char *const keys[] = { "name", "currency", "origin" };
	const char *currency = mcg_event_get(ev, "currency");
	char digits[24];
	int d = currency ? mcg_currency_minor_digits(currency) : -1;

	if (d < 0)
		return mcg_error_set(f->err, MCG_EINTEGRITY,
				     "event %lld, the ledger's creation, has no known currency",
				     (long long)f->seq);
	snprintf(digits, sizeof(digits), "%d", d);
	for (size_t i = 0; i <= sizeof(keys) / sizeof(keys[0]); i++) {
		const char *key = i < 3 ? keys[i] : "minor_digits";
		const char *want = i < 3 ? mcg_event_get(ev, key) : digits;
		sqlite3_stmt *st = mcg_db_stmt(f->L,
			"SELECT value FROM ledger_facts WHERE key = ?1", f->err);
		int found, rc;

		if (!st)
			return f->err->code;
		sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
		rc = step_row(f, st, "reading the ledger's facts", &found);
		if (rc)
			return rc;
		if (!found || !want || !same_text(st, 0, want))
			return differs(f, "the ledger's fact", key, "value");
		f->facts++;
	}
	return MCG_OK;
}

static int compare_rules(facts_pass *f, const mcg_event *ev)
{
	sqlite3_stmt *st = mcg_db_stmt(f->L,
		"SELECT seq, rules FROM rules_versions WHERE version = ?1", f->err);
	char version[24];
	int found, rc;

	if (!st)
		return f->err->code;
	f->rules_version++;
	snprintf(version, sizeof(version), "%lld", (long long)f->rules_version);
	sqlite3_bind_int64(st, 1, f->rules_version);
	rc = step_row(f, st, "reading the rules versions", &found);
	if (rc)
		return rc;
	if (!found)
		return missing(f, "rules version", version);
	if (!same_int(st, 0, 1, f->seq) || !same_text(st, 1, mcg_event_get(ev, "rules")))
		return differs(f, "rules version", version, "event or text");
	return MCG_OK;
}

/* ---- members and banks --------------------------------------------------- */

static int compare_member(facts_pass *f, const mcg_event *ev)
{
	const char *id = mcg_event_get(ev, "member");
	sqlite3_stmt *st = mcg_db_stmt(f->L,
		"SELECT name, sector, district, tax_id, joined FROM members WHERE id = ?1",
		f->err);
	static const char *const text_keys[] = { "name", "sector", "district", "tax_id" };
	int found, rc;

	if (!st)
		return f->err->code;
	if (!id)
		return mcg_error_set(f->err, MCG_EINTEGRITY, "event %lld names no member",
				     (long long)f->seq);
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	rc = step_row(f, st, "reading the members", &found);
	if (rc)
		return rc;
	if (!found)
		return missing(f, "member", id);
	for (int col = 0; col < 4; col++)
		if (!same_text(st, col, mcg_event_get(ev, text_keys[col])))
			return differs(f, "member", id, text_keys[col]);
	if (!same_int(st, 4, 1, f->date_days))
		return differs(f, "member", id, "date joined");
	f->members++;
	return MCG_OK;
}

static int compare_withdrawal(facts_pass *f, const mcg_event *ev)
{
	const char *id = mcg_event_get(ev, "member");
	sqlite3_stmt *st = mcg_db_stmt(f->L, "SELECT status FROM members WHERE id = ?1",
				       f->err);
	int found, rc;

	if (!st)
		return f->err->code;
	if (!id)
		return mcg_error_set(f->err, MCG_EINTEGRITY, "event %lld names no member",
				     (long long)f->seq);
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	rc = step_row(f, st, "reading the members", &found);
	if (rc)
		return rc;
	if (!found)
		return missing(f, "member", id);
	if (!same_text(st, 0, "withdrawn"))
		return differs(f, "member", id, "status");
	f->withdrawn++;
	return MCG_OK;
}

static int compare_bank(facts_pass *f, const mcg_event *ev)
{
	const char *bic = mcg_event_get(ev, "bic");
	sqlite3_stmt *st = mcg_db_stmt(f->L, "SELECT name FROM banks WHERE bic = ?1", f->err);
	int found, rc;

	if (!st)
		return f->err->code;
	if (!bic)
		return mcg_error_set(f->err, MCG_EINTEGRITY, "event %lld names no bank",
				     (long long)f->seq);
	sqlite3_bind_text(st, 1, bic, -1, SQLITE_STATIC);
	rc = step_row(f, st, "reading the banks", &found);
	if (rc)
		return rc;
	if (!found)
		return missing(f, "bank", bic);
	if (!same_text(st, 0, mcg_event_get(ev, "name")))
		return differs(f, "bank", bic, "name");
	f->banks++;
	return MCG_OK;
}

/* ---- loans and guarantees ------------------------------------------------ */

static int compare_loan(facts_pass *f, const mcg_event *ev)
{
	const char *id = mcg_event_get(ev, "loan");
	sqlite3_stmt *st = mcg_db_stmt(f->L,
		"SELECT borrower, bank, principal, rate_bp, term_months, opened"
		" FROM loan_terms WHERE id = ?1", f->err);
	int64_t principal, rate_bp, term_months;
	int has_rate, has_term, found, rc;

	if (!st)
		return f->err->code;
	if (!id)
		return mcg_error_set(f->err, MCG_EINTEGRITY, "event %lld names no loan",
				     (long long)f->seq);
	rc = mcg_event_get_int(ev, "principal", &principal, f->err);
	rc = rc ? rc : optional_field(f, ev, "rate", &has_rate, &rate_bp);
	rc = rc ? rc : optional_field(f, ev, "term_months", &has_term, &term_months);
	if (rc)
		return mcg_error_set(f->err, MCG_EINTEGRITY, "event %lld has damaged fields",
				     (long long)f->seq);
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	rc = step_row(f, st, "reading the loans", &found);
	if (rc)
		return rc;
	if (!found)
		return missing(f, "loan", id);
	if (!same_text(st, 0, mcg_event_get(ev, "borrower")))
		return differs(f, "loan", id, "borrower");
	if (!same_text(st, 1, mcg_event_get(ev, "bank")))
		return differs(f, "loan", id, "bank");
	if (!same_int(st, 2, 1, principal))
		return differs(f, "loan", id, "principal");
	if (!same_int(st, 3, has_rate, rate_bp))
		return differs(f, "loan", id, "rate");
	if (!same_int(st, 4, has_term, term_months))
		return differs(f, "loan", id, "term");
	if (!same_int(st, 5, 1, f->date_days))
		return differs(f, "loan", id, "date opened");
	f->loans++;
	return MCG_OK;
}

typedef struct recorded_pledge {
	const char *member;       /* into the event's field, up to the ':' */
	size_t member_len;
	int64_t amount_minor;
} recorded_pledge;

static int by_pledge_member(const void *a, const void *b)
{
	const recorded_pledge *x = a, *y = b;
	size_t n = x->member_len < y->member_len ? x->member_len : y->member_len;
	int c = memcmp(x->member, y->member, n);

	return c ? c : (x->member_len > y->member_len) - (x->member_len < y->member_len);
}

/* The event's "pledge" fields (MEMBER:minor) against the loan's pledge
 * rows, both in member byte order. */
static int compare_pledges(facts_pass *f, const mcg_event *ev, const char *loan)
{
	recorded_pledge want[MCG_PLEDGES_MAX];
	size_t n = 0, i = 0;
	sqlite3_stmt *st;
	int step;

	for (size_t k = 0; k < ev->n_fields; k++) {
		const char *v = ev->fields[k].value, *colon;

		if (strcmp(ev->fields[k].key, "pledge") != 0)
			continue;
		colon = strchr(v, ':');
		if (n >= MCG_PLEDGES_MAX || !colon ||
		    mcg_parse_int64(colon + 1, &want[n].amount_minor))
			return mcg_error_set(f->err, MCG_EINTEGRITY,
					     "event %lld has a damaged pledge", (long long)f->seq);
		want[n].member = v;
		want[n].member_len = (size_t)(colon - v);
		n++;
	}
	qsort(want, n, sizeof(want[0]), by_pledge_member);
	st = mcg_db_stmt(f->L, "SELECT member, amount FROM pledges WHERE loan = ?1"
			 " ORDER BY member", f->err);
	if (!st)
		return f->err->code;
	sqlite3_bind_text(st, 1, loan, -1, SQLITE_STATIC);
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		const char *member = (const char *)sqlite3_column_text(st, 0);

		if (i >= n || !member ||
		    (size_t)sqlite3_column_bytes(st, 0) != want[i].member_len ||
		    memcmp(member, want[i].member, want[i].member_len) != 0 ||
		    !same_int(st, 1, 1, want[i].amount_minor))
			return differs(f, "guarantee of loan", loan, "pledges");
		i++;
	}
	if (step != SQLITE_DONE)
		return mcg_db_error(f->L, f->err, "reading the pledges");
	if (i != n)
		return differs(f, "guarantee of loan", loan, "pledges");
	f->pledges += (int64_t)n;
	return MCG_OK;
}

/* What the event posted to one account (0 when it posted nothing there). */
static int64_t posted(const mcg_event *ev, const char *account)
{
	for (size_t i = 0; i < ev->n_postings; i++)
		if (strcmp(ev->postings[i].account, account) == 0)
			return ev->postings[i].amount_minor;
	return 0;
}

static int compare_guarantee(facts_pass *f, const mcg_event *ev)
{
	const char *loan = mcg_event_get(ev, "loan");
	sqlite3_stmt *st = mcg_db_stmt(f->L,
		"SELECT g.seq, g.coverage_bp, g.cap, g.deposit, g.ga0, g.fee,"
		" g.fund_contribution, g.rules_version, t.principal"
		" FROM guarantees g JOIN loan_terms t ON t.id = g.loan WHERE g.loan = ?1",
		f->err);
	int64_t coverage_bp, cap, deposit, ga0;
	int has_cap, found, rc;

	if (!st)
		return f->err->code;
	if (!loan)
		return mcg_error_set(f->err, MCG_EINTEGRITY, "event %lld names no loan",
				     (long long)f->seq);
	rc = mcg_event_get_int(ev, "coverage", &coverage_bp, f->err);
	rc = rc ? rc : mcg_event_get_int(ev, "deposit", &deposit, f->err);
	rc = rc ? rc : optional_field(f, ev, "cap", &has_cap, &cap);
	if (rc || coverage_bp < 0 || coverage_bp > MCG_BP_FULL)
		return mcg_error_set(f->err, MCG_EINTEGRITY, "event %lld has damaged fields",
				     (long long)f->seq);
	sqlite3_bind_text(st, 1, loan, -1, SQLITE_STATIC);
	rc = step_row(f, st, "reading the guarantees", &found);
	if (rc)
		return rc;
	if (!found)
		return missing(f, "the guarantee of loan", loan);
	if (!same_int(st, 0, 1, f->seq))
		return differs(f, "guarantee of loan", loan, "event");
	if (!same_int(st, 1, 1, coverage_bp))
		return differs(f, "guarantee of loan", loan, "coverage");
	if (!same_int(st, 2, has_cap, cap))
		return differs(f, "guarantee of loan", loan, "cap");
	if (!same_int(st, 3, 1, deposit))
		return differs(f, "guarantee of loan", loan, "deposit");
	/* GA0 as the guarantee computed it, from the principal loan.add
	 * recorded (compared above, in the same pass). */
	if (mcg_loan_ga_active(sqlite3_column_int64(st, 8), (int32_t)coverage_bp, has_cap, cap,
			       &ga0, f->err) ||
	    !same_int(st, 4, 1, ga0))
		return differs(f, "guarantee of loan", loan, "guaranteed amount");
	/* The fee and the fund's contribution are what the event posted. */
	if (!same_int(st, 5, 1, -posted(ev, "fees")))
		return differs(f, "guarantee of loan", loan, "fee");
	if (!same_int(st, 6, 1, -posted(ev, "fund")))
		return differs(f, "guarantee of loan", loan, "fund contribution");
	if (!same_int(st, 7, 1, f->rules_version))
		return differs(f, "guarantee of loan", loan, "rules version");
	f->guarantees++;
	return compare_pledges(f, ev, loan);
}

/* ---- the pass ------------------------------------------------------------ */

typedef int (*compare_fn)(facts_pass *f, const mcg_event *ev);

static const struct {
	const char *type;
	compare_fn compare;
	int needs_postings;
} writers[] = {
	{ "ledger.init", compare_init, 0 },
	{ "rules.load", compare_rules, 0 },
	{ "member.add", compare_member, 0 },
	{ "member.withdraw", compare_withdrawal, 0 },
	{ "bank.add", compare_bank, 0 },
	{ "loan.add", compare_loan, 0 },
	{ "guarantee", compare_guarantee, 1 },
};

static int load_postings(facts_pass *f, mcg_event *ev)
{
	sqlite3_stmt *st = mcg_db_stmt(f->L, "SELECT account, amount FROM postings"
				       " WHERE seq = ?1 ORDER BY line", f->err);
	int step, rc = MCG_OK;

	if (!st)
		return f->err->code;
	mcg_event_clear_postings(ev);
	sqlite3_bind_int64(st, 1, f->seq);
	while (!rc && (step = sqlite3_step(st)) == SQLITE_ROW) {
		const char *account = (const char *)sqlite3_column_text(st, 0);

		rc = account ? mcg_event_post(ev, account, sqlite3_column_int64(st, 1), f->err) :
			       MCG_EINTEGRITY;
	}
	if (rc)
		return mcg_error_set(f->err, MCG_EINTEGRITY,
				     "the postings of event %lld are damaged", (long long)f->seq);
	return step == SQLITE_DONE ? MCG_OK : mcg_db_error(f->L, f->err, "reading the postings");
}

static int compare_events(facts_pass *f)
{
	sqlite3_stmt *st;
	mcg_event ev;
	int step = SQLITE_DONE, rc = MCG_OK;

	if (sqlite3_prepare_v2(mcg_ledger_db(f->L),
			       "SELECT seq, type, date, fields FROM events ORDER BY seq", -1, &st,
			       NULL) != SQLITE_OK)
		return mcg_db_error(f->L, f->err, "reading the events");
	mcg_event_init(&ev, "");
	while (!rc && (step = sqlite3_step(st)) == SQLITE_ROW) {
		const char *type = (const char *)sqlite3_column_text(st, 1);
		const char *fields;
		size_t w = 0;

		/* Most events (the bank's reports) write no such row. */
		while (type && w < sizeof(writers) / sizeof(writers[0]) &&
		       strcmp(type, writers[w].type) != 0)
			w++;
		if (!type || w == sizeof(writers) / sizeof(writers[0]))
			continue;
		f->seq = sqlite3_column_int64(st, 0);
		f->date_days = (int32_t)sqlite3_column_int64(st, 2);
		fields = (const char *)sqlite3_column_text(st, 3);
		mcg_event_reset(&ev, type);
		rc = fields ? mcg_event_decode_fields(&ev, fields, f->err) : MCG_EINTEGRITY;
		if (rc) {
			rc = mcg_error_set(f->err, MCG_EINTEGRITY, "event %lld has damaged fields",
					   (long long)f->seq);
			break;
		}
		if (writers[w].needs_postings)
			rc = load_postings(f, &ev);
		rc = rc ? rc : writers[w].compare(f, &ev);
	}
	if (!rc && step != SQLITE_DONE)
		rc = mcg_db_error(f->L, f->err, "reading the events");
	sqlite3_finalize(st);
	mcg_event_free(&ev);
	return rc;
}

/* Every table holds the rows the events made and no more. */
static int compare_counts(facts_pass *f)
{
	const struct {
		const char *what;
		const char *sql;
		int64_t made;
	} counts[] = {
		{ "ledger facts", "SELECT COUNT(*) FROM ledger_facts", f->facts },
		{ "rules versions", "SELECT COUNT(*) FROM rules_versions", f->rules_version },
		{ "members", "SELECT COUNT(*) FROM members", f->members },
		{ "members not active", "SELECT COUNT(*) FROM members WHERE status <> 'active'",
		  f->withdrawn },
		{ "banks", "SELECT COUNT(*) FROM banks", f->banks },
		{ "loans", "SELECT COUNT(*) FROM loan_terms", f->loans },
		{ "loan states", "SELECT COUNT(*) FROM loan_state", f->loans },
		{ "guarantees", "SELECT COUNT(*) FROM guarantees", f->guarantees },
		{ "pledges", "SELECT COUNT(*) FROM pledges", f->pledges },
	};

	for (size_t i = 0; i < sizeof(counts) / sizeof(counts[0]); i++) {
		int64_t held;
		int rc = mcg_db_query_int(f->L, counts[i].sql, NULL, NULL, &held, NULL, f->err);

		if (rc)
			return rc;
		if (held != counts[i].made)
			return mcg_error_set(f->err, MCG_EINTEGRITY,
					     "the state holds %lld %s where the events made %lld"
					     " (run mcg check)", (long long)held, counts[i].what,
					     (long long)counts[i].made);
	}
	return MCG_OK;
}

int mcg_check_facts(mcg_ledger *L, mcg_error *err)
{
	facts_pass f;
	int rc;

	memset(&f, 0, sizeof(f));
	f.L = L;
	f.err = err;
	rc = compare_events(&f);
	return rc ? rc : compare_counts(&f);
}
