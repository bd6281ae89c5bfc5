/*
 * The write-once state against the events that wrote it: see check.h.
 *
 * One pass over the events in order.  Each event that writes a row once
 * and for all (ledger.init, rules.load, member.add, bank.add, loan.add,
 * guarantee) has that row looked up by its key and compared column by
 * column with what the event's fields make of it, as the apply functions
 * make it (apply_members.c, apply_loans.c, apply_guarantee.c); each
 * member.withdraw has its member withdrawn.  The assessments rows, one per
 * assess event, are read alongside the events in the same order (one scan
 * of the table rather than a lookup per event).  Then every table holds as
 * many rows as the events made: a row added by hand is found by its count.
 *
 * A guarantee's peer score, assessments counted and PD are recomputed as
 * apply_guarantee.c computed them when it was applied: the pass keeps each
 * loan's assessments until its guarantee consumes them (a loan is assessed
 * only while applied, so all of them come before it), the members
 * withdrawn so far, and the figures of the rules in force; mcg_peer_evaluate
 * judges them for the guarantee's date and the loan's borrower.  What it
 * holds at once is the assessments of the loans not yet guaranteed (a few
 * thousand at the bench's scale) and the withdrawn members' ids.
 *
 * What this does not compare, because only the rules replayed over the
 * state of the day can give it, is left to `mcg check`: a loan's current
 * status, outstanding and GA (the reports recompute those from the events
 * themselves, reports/portfolio.c), the losses and recoveries of a call,
 * the balances.
 */
#include "check.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apply.h"
#include "hash.h"
#include "ledger_int.h"
#include "money.h"

/*
 * A table of fixed-size slots keyed by an id at the start of each slot
 * ("" marks a free one): open addressing, linear probing, never more than
 * half full.  Ids are those of members and loans, at most MCG_ID_MAX bytes.
 */
typedef struct id_table {
	unsigned char *slots;
	size_t slot_size;
	size_t cap;               /* a power of two, or 0 before the first add */
	size_t n;
} id_table;

/* A loan's assessments that its guarantee has not consumed yet, in event
 * order: the first MCG_ASSESSMENTS_MAX, as apply_guarantee.c reads them. */
typedef struct pending_loan {
	char id[MCG_ID_MAX + 1];
	mcg_assessment *list;
	size_t n, cap;
} pending_loan;

typedef struct facts_pass {
	mcg_ledger *L;
	mcg_error *err;
	int64_t seq;              /* the event being compared */
	int32_t date_days;
	int64_t rules_version;    /* the rules version in force after seq */
	mcg_rules rules;          /* its figures (when rules_version > 0) */
	id_table withdrawn_ids;   /* slots of MCG_ID_MAX + 1: the members withdrawn */
	id_table pending;         /* pending_loan */
	/* The assessments rows in seq order, read alongside the events: the
	 * statement and the result of its last step. */
	sqlite3_stmt *assessment_rows;
	int assessment_step;
	/* Rows the events made, by table. */
	int64_t facts, members, withdrawn, banks, loans, guarantees, pledges, assessments;
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

/*
 * The state's row for the event's `field` (its key), through st, a lookup
 * by that key from mcg_db_stmt (NULL: it failed, err set).  *key is the
 * field's value.  MCG_EINTEGRITY when the event has no such field or the
 * state no such row ("WHAT KEY ... is not in the state").
 */
static int row_of(facts_pass *f, const mcg_event *ev, sqlite3_stmt *st, const char *field,
		  const char *what, const char **key)
{
	int found, rc;

	*key = mcg_event_get(ev, field);
	if (!st)
		return f->err->code;
	if (!*key)
		return mcg_error_set(f->err, MCG_EINTEGRITY, "event %lld has no %s",
				     (long long)f->seq, field);
	sqlite3_bind_text(st, 1, *key, -1, SQLITE_STATIC);
	rc = step_row(f, st, "reading the state", &found);
	return rc ? rc : found ? MCG_OK : missing(f, what, *key);
}

/* ---- tables of ids --------------------------------------------------------- */

static char *id_slot(const id_table *t, size_t i)
{
	return (char *)t->slots + i * t->slot_size;
}

/* The slot holding id, or the free slot where it would go (cap > 0). */
static size_t id_probe(const id_table *t, const char *id)
{
	size_t mask = t->cap - 1, i = (size_t)mcg_id_hash(id) & mask;

	while (id_slot(t, i)[0] && strcmp(id_slot(t, i), id) != 0)
		i = (i + 1) & mask;
	return i;
}

/* The slot of id, or NULL when it is not in the table. */
static void *id_find(const id_table *t, const char *id)
{
	size_t i;

	if (t->cap == 0 || strlen(id) > MCG_ID_MAX)
		return NULL;
	i = id_probe(t, id);
	return id_slot(t, i)[0] ? id_slot(t, i) : NULL;
}

static int id_grow(id_table *t)
{
	id_table bigger = *t;

	bigger.cap = t->cap ? t->cap * 2 : 1024;
	bigger.slots = calloc(bigger.cap, t->slot_size);
	if (!bigger.slots)
		return MCG_ESYS;
	for (size_t i = 0; i < t->cap; i++)
		if (id_slot(t, i)[0])
			memcpy(id_slot(&bigger, id_probe(&bigger, id_slot(t, i))), id_slot(t, i),
			       t->slot_size);
	free(t->slots);
	*t = bigger;
	return MCG_OK;
}

/* The slot of id, added (zeroed but for the id) when it is not there;
 * NULL when memory runs out.  id is 1..MCG_ID_MAX bytes. */
static void *id_add(id_table *t, const char *id)
{
	size_t i;

	if ((t->n + 1) * 2 > t->cap && id_grow(t))
		return NULL;
	i = id_probe(t, id);
	if (!id_slot(t, i)[0]) {
		mcg_strlcpy(id_slot(t, i), id, MCG_ID_MAX + 1);
		t->n++;
	}
	return id_slot(t, i);
}

/* Empties a slot, moving back the slots after it that probed past it
 * (Knuth's algorithm R): no tombstones, so a table that loans pass
 * through stays as small as the loans it holds at once. */
static void id_remove(id_table *t, void *slot)
{
	size_t mask = t->cap - 1;
	size_t i = (size_t)((unsigned char *)slot - t->slots) / t->slot_size, j = i;

	for (;;) {
		size_t home;

		j = (j + 1) & mask;
		if (!id_slot(t, j)[0])
			break;
		home = (size_t)mcg_id_hash(id_slot(t, j)) & mask;
		/* Slot j stays when its home lies cyclically in (i, j]. */
		if (i <= j ? (i < home && home <= j) : (i < home || home <= j))
			continue;
		memcpy(id_slot(t, i), id_slot(t, j), t->slot_size);
		i = j;
	}
	memset(id_slot(t, i), 0, t->slot_size);
	t->n--;
}

static void pending_free(id_table *t)
{
	for (size_t i = 0; i < t->cap; i++)
		if (id_slot(t, i)[0])
			free(((pending_loan *)(void *)id_slot(t, i))->list);
	free(t->slots);
}

/* ---- the consortium ------------------------------------------------------ */

static int compare_init(facts_pass *f, const mcg_event *ev)
{
	const char *currency = mcg_event_get(ev, "currency");
	int d = currency ? mcg_currency_minor_digits(currency) : -1;
	char digits[24];
	/* The four facts apply_members.c puts: three fields and the digits
	 * the currency has. */
	const char *const facts[][2] = {
		{ "name", mcg_event_get(ev, "name") },
		{ "currency", currency },
		{ "minor_digits", digits },
		{ "origin", mcg_event_get(ev, "origin") },
	};

	if (d < 0)
		return mcg_error_set(f->err, MCG_EINTEGRITY,
				     "event %lld, the ledger's creation, has no known currency",
				     (long long)f->seq);
	snprintf(digits, sizeof(digits), "%d", d);
	for (size_t i = 0; i < sizeof(facts) / sizeof(facts[0]); i++) {
		sqlite3_stmt *st = mcg_db_stmt(f->L,
			"SELECT value FROM ledger_facts WHERE key = ?1", f->err);
		int found, rc;

		if (!st)
			return f->err->code;
		sqlite3_bind_text(st, 1, facts[i][0], -1, SQLITE_STATIC);
		rc = step_row(f, st, "reading the ledger's facts", &found);
		if (rc)
			return rc;
		if (!found || !facts[i][1] || !same_text(st, 0, facts[i][1]))
			return differs(f, "the ledger's fact", facts[i][0], "value");
		f->facts++;
	}
	return MCG_OK;
}

static int compare_rules(facts_pass *f, const mcg_event *ev)
{
	sqlite3_stmt *st = mcg_db_stmt(f->L,
		"SELECT seq, rules FROM rules_versions WHERE version = ?1", f->err);
	const char *text;
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
	/* The figures the guarantees that follow were judged by. */
	text = mcg_event_get(ev, "rules");
	if (!text || mcg_rules_from_text(text, &f->rules, f->err))
		return mcg_error_set(f->err, MCG_EINTEGRITY, "event %lld has damaged rules",
				     (long long)f->seq);
	return MCG_OK;
}

/* ---- members and banks --------------------------------------------------- */

static int compare_member(facts_pass *f, const mcg_event *ev)
{
	static const char *const text_keys[] = { "name", "sector", "district", "tax_id" };
	sqlite3_stmt *st = mcg_db_stmt(f->L,
		"SELECT name, sector, district, tax_id, joined FROM members WHERE id = ?1",
		f->err);
	const char *id;
	int rc = row_of(f, ev, st, "member", "member", &id);

	if (rc)
		return rc;
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
	sqlite3_stmt *st = mcg_db_stmt(f->L, "SELECT status FROM members WHERE id = ?1",
				       f->err);
	const char *id;
	int rc = row_of(f, ev, st, "member", "member", &id);

	if (rc)
		return rc;
	if (!same_text(st, 0, "withdrawn"))
		return differs(f, "member", id, "status");
	f->withdrawn++;
	/* Not active from here on, for the assessors of later guarantees. */
	if (strlen(id) > MCG_ID_MAX || !*id)
		return mcg_error_set(f->err, MCG_EINTEGRITY, "event %lld has damaged fields",
				     (long long)f->seq);
	return id_add(&f->withdrawn_ids, id) ? MCG_OK :
					       mcg_error_set(f->err, MCG_ESYS, "out of memory");
}

static int compare_bank(facts_pass *f, const mcg_event *ev)
{
	sqlite3_stmt *st = mcg_db_stmt(f->L, "SELECT name FROM banks WHERE bic = ?1", f->err);
	const char *bic;
	int rc = row_of(f, ev, st, "bic", "bank", &bic);

	if (rc)
		return rc;
	if (!same_text(st, 0, mcg_event_get(ev, "name")))
		return differs(f, "bank", bic, "name");
	f->banks++;
	return MCG_OK;
}

/* ---- loans and guarantees ------------------------------------------------ */

static int compare_loan(facts_pass *f, const mcg_event *ev)
{
	sqlite3_stmt *st = mcg_db_stmt(f->L,
		"SELECT borrower, bank, principal, rate_bp, term_months, opened"
		" FROM loan_terms WHERE id = ?1", f->err);
	const char *id;
	int64_t principal, rate_bp, term_months;
	int has_rate, has_term, rc;

	rc = mcg_event_get_int(ev, "principal", &principal, f->err);
	rc = rc ? rc : optional_field(f, ev, "rate", &has_rate, &rate_bp);
	rc = rc ? rc : optional_field(f, ev, "term_months", &has_term, &term_months);
	if (rc)
		return mcg_error_set(f->err, MCG_EINTEGRITY, "event %lld has damaged fields",
				     (long long)f->seq);
	rc = row_of(f, ev, st, "loan", "loan", &id);
	if (rc)
		return rc;
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

/* ---- assessments and the peer score --------------------------------------- */

/* The assessments row of this assess event: the next row in seq order.
 * Rows before it that no assess event made are passed over here and found
 * by their count (compare_counts), as a row added to any other table is. */
static int compare_assessment_row(facts_pass *f, const char *loan, const char *assessor,
				  int64_t score)
{
	sqlite3_stmt *st = f->assessment_rows;

	while (f->assessment_step == SQLITE_ROW && sqlite3_column_int64(st, 0) < f->seq)
		f->assessment_step = sqlite3_step(st);
	if (f->assessment_step != SQLITE_ROW && f->assessment_step != SQLITE_DONE)
		return mcg_db_error(f->L, f->err, "reading the assessments");
	if (f->assessment_step == SQLITE_DONE || sqlite3_column_int64(st, 0) != f->seq)
		return missing(f, "the assessment of loan", loan);
	if (!same_text(st, 1, loan))
		return differs(f, "assessment of loan", loan, "loan");
	if (!same_text(st, 2, assessor))
		return differs(f, "assessment of loan", loan, "assessor");
	if (!same_int(st, 3, 1, score))
		return differs(f, "assessment of loan", loan, "score");
	if (!same_int(st, 4, 1, f->date_days))
		return differs(f, "assessment of loan", loan, "date");
	f->assessment_step = sqlite3_step(st);
	return MCG_OK;
}

/* Keeps the assessment for the loan's guarantee. */
static int hold_assessment(facts_pass *f, const char *loan, const char *assessor,
			   int64_t score)
{
	pending_loan *p = id_add(&f->pending, loan);
	mcg_assessment *a;

	if (!p)
		return mcg_error_set(f->err, MCG_ESYS, "out of memory");
	/* apply_guarantee.c reads the first MCG_ASSESSMENTS_MAX (and an assess
	 * beyond them is refused): the rest would not count. */
	if (p->n >= MCG_ASSESSMENTS_MAX)
		return MCG_OK;
	if (p->n == p->cap) {
		size_t cap = p->cap ? p->cap * 2 : 8;
		mcg_assessment *list;

		cap = cap < MCG_ASSESSMENTS_MAX ? cap : MCG_ASSESSMENTS_MAX;
		list = realloc(p->list, cap * sizeof(*list));
		if (!list)
			return mcg_error_set(f->err, MCG_ESYS, "out of memory");
		p->list = list;
		p->cap = cap;
	}
	a = &p->list[p->n++];
	memset(a, 0, sizeof(*a));
	a->seq = f->seq;
	mcg_strlcpy(a->assessor, assessor, sizeof(a->assessor));
	a->score = (int32_t)score;
	a->date_days = f->date_days;
	return MCG_OK;
}

static int compare_assessment(facts_pass *f, const mcg_event *ev)
{
	const char *loan = mcg_event_get(ev, "loan");
	const char *assessor = mcg_event_get(ev, "assessor");
	int64_t score;
	int rc;

	/* What apply_loans.c accepts: ids (held in MCG_ID_MAX bytes), a score
	 * of 1..10 (what mcg_peer_evaluate counts). */
	if (!loan || !assessor || !*loan || !*assessor || strlen(loan) > MCG_ID_MAX ||
	    strlen(assessor) > MCG_ID_MAX || mcg_event_get_int(ev, "score", &score, f->err) ||
	    score < 1 || score > 10)
		return mcg_error_set(f->err, MCG_EINTEGRITY, "event %lld has damaged fields",
				     (long long)f->seq);
	rc = compare_assessment_row(f, loan, assessor, score);
	rc = rc ? rc : hold_assessment(f, loan, assessor, score);
	if (!rc)
		f->assessments++;
	return rc;
}

/*
 * The guarantee's peer score, assessments counted and PD (columns 9 to 12
 * of st: borrower, score_x2, assessments, pd_bp) against what
 * apply_guarantee.c's evaluate_peers made of the loan's assessments: each
 * assessor active or not as the members table stood then, the borrower,
 * the guarantee's date and the rules in force.  An assessor is an active
 * member when it assesses (apply_loans.c refuses any other), a member is
 * added once and withdraws for good: so it was active at the guarantee
 * unless a member.withdraw came between.  The assessments are consumed: a
 * loan is guaranteed once.
 */
static int compare_peer(facts_pass *f, sqlite3_stmt *st, const char *loan)
{
	pending_loan *p = id_find(&f->pending, loan);
	const char *borrower = (const char *)sqlite3_column_text(st, 9);
	mcg_peer_result peer;
	size_t n = p ? p->n : 0;
	int rc = MCG_OK;

	if (f->rules_version == 0)
		return mcg_error_set(f->err, MCG_EINTEGRITY,
				     "event %lld, a guarantee, comes before any rules",
				     (long long)f->seq);
	for (size_t i = 0; i < n; i++)
		p->list[i].assessor_active = !id_find(&f->withdrawn_ids, p->list[i].assessor);
	mcg_peer_evaluate(p ? p->list : NULL, n, borrower ? borrower : "", f->date_days,
			  &f->rules, &peer);
	if (!same_int(st, 10, 1, peer.median_x2))
		rc = differs(f, "guarantee of loan", loan, "peer score");
	else if (!same_int(st, 11, 1, (int64_t)peer.eligible))
		rc = differs(f, "guarantee of loan", loan, "assessments counted");
	else if (!same_int(st, 12, 1, peer.pd_bp))
		rc = differs(f, "guarantee of loan", loan, "PD");
	if (p) {
		free(p->list);
		id_remove(&f->pending, p);
	}
	return rc;
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
	sqlite3_stmt *st = mcg_db_stmt(f->L,
		"SELECT g.seq, g.coverage_bp, g.cap, g.deposit, g.ga0, g.fee,"
		" g.fund_contribution, g.rules_version, t.principal, t.borrower,"
		" g.score_x2, g.assessments, g.pd_bp"
		" FROM guarantees g JOIN loan_terms t ON t.id = g.loan WHERE g.loan = ?1",
		f->err);
	const char *loan;
	int64_t coverage_bp, cap, deposit, ga0;
	int has_cap, rc;

	rc = mcg_event_get_int(ev, "coverage", &coverage_bp, f->err);
	rc = rc ? rc : mcg_event_get_int(ev, "deposit", &deposit, f->err);
	rc = rc ? rc : optional_field(f, ev, "cap", &has_cap, &cap);
	if (rc || coverage_bp < 0 || coverage_bp > MCG_BP_FULL)
		return mcg_error_set(f->err, MCG_EINTEGRITY, "event %lld has damaged fields",
				     (long long)f->seq);
	rc = row_of(f, ev, st, "loan", "the guarantee of loan", &loan);
	if (rc)
		return rc;
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
	/* The peer figures, judged for the borrower of loan_terms (which, like
	 * the principal, this pass compared with loan.add). */
	rc = compare_peer(f, st, loan);
	if (rc)
		return rc;
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
	{ "assess", compare_assessment, 0 },
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
			       "SELECT seq, loan, assessor, score, date FROM assessments ORDER BY seq",
			       -1, &f->assessment_rows, NULL) != SQLITE_OK)
		return mcg_db_error(f->L, f->err, "reading the assessments");
	f->assessment_step = sqlite3_step(f->assessment_rows);
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
	if (!rc && f->assessment_step != SQLITE_ROW && f->assessment_step != SQLITE_DONE)
		rc = mcg_db_error(f->L, f->err, "reading the assessments");
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
		{ "assessments", "SELECT COUNT(*) FROM assessments", f->assessments },
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
	f.withdrawn_ids.slot_size = MCG_ID_MAX + 1;
	f.pending.slot_size = sizeof(pending_loan);
	rc = compare_events(&f);
	rc = rc ? rc : compare_counts(&f);
	sqlite3_finalize(f.assessment_rows);
	free(f.withdrawn_ids.slots);
	pending_free(&f.pending);
	return rc;
}
