/*
 * Unit tests for ledger/check_facts.c: the write-once state against the
 * events that wrote it, over a real ledger changed behind the journal's
 * back as someone with sqlite3 would.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "ledger/check.h"
#include "ledger/journal.h"
#include "ledger/ledger.h"
#include "ledger_fixture.h"

/* Member M000i admitted, with a sector when i is even. */
static void add_member(struct fixture *f, int i)
{
	char id[16];
	mcg_event ev;
	mcg_error err;

	snprintf(id, sizeof(id), "M%04d", i);
	mcg_event_init(&ev, "member.add");
	ev.date_days = 20455;
	ev.date_given = 1;
	mcg_strlcpy(ev.actor, "unit", sizeof(ev.actor));
	cr_assert_eq(mcg_event_add(&ev, "member", id), 0);
	cr_assert_eq(mcg_event_add(&ev, "name", "Firm"), 0);
	if (i % 2 == 0)
		cr_assert_eq(mcg_event_add(&ev, "sector", "C23.31"), 0);
	cr_assert_eq(mcg_journal_record(f->L, &ev, NULL, &err), 0, "%s", err.msg);
	mcg_event_free(&ev);
}

static void run_sql(struct fixture *f, const char *sql)
{
	cr_assert_eq(sqlite3_exec(mcg_ledger_db(f->L), sql, NULL, NULL, NULL), SQLITE_OK,
		     "%s: %s", sql, sqlite3_errmsg(mcg_ledger_db(f->L)));
}

/* A change made by hand, what undoes it, and what the check must name. */
struct change {
	const char *change, *undo, *named;
};

/* On a ledger that passes: each change is found and named, and passes
 * again once undone. */
static void each_change_is_named(struct fixture *f, const struct change *cases, size_t n)
{
	mcg_error err;

	cr_assert_eq(mcg_check_facts(f->L, &err), 0, "%s", err.msg);
	for (size_t i = 0; i < n; i++) {
		run_sql(f, cases[i].change);
		cr_assert_eq(mcg_check_facts(f->L, &err), MCG_EINTEGRITY, "%s: not found",
			     cases[i].change);
		cr_assert(strstr(err.msg, cases[i].named) != NULL, "%s: said '%s'",
			  cases[i].change, err.msg);
		run_sql(f, cases[i].undo);
		cr_assert_eq(mcg_check_facts(f->L, &err), 0, "%s undone: %s", cases[i].change,
			     err.msg);
	}
}

/* Each change is found, named, and undone by the next. */
Test(check_facts, each_change_to_a_member_row_is_named)
{
	static const struct change cases[] = {
		{ "UPDATE members SET name = 'Firm.' WHERE id = 'M0002'",
		  "UPDATE members SET name = 'Firm' WHERE id = 'M0002'",
		  "member M0002: its name in the state is not what event" },
		{ "UPDATE members SET sector = NULL WHERE id = 'M0002'",
		  "UPDATE members SET sector = 'C23.31' WHERE id = 'M0002'",
		  "member M0002: its sector" },
		{ "UPDATE members SET sector = 'C23.31' WHERE id = 'M0001'",
		  "UPDATE members SET sector = NULL WHERE id = 'M0001'",
		  "member M0001: its sector" },
		/* The same text, stored as a blob: not what the event made. */
		{ "UPDATE members SET name = CAST('Firm' AS BLOB) WHERE id = 'M0003'",
		  "UPDATE members SET name = 'Firm' WHERE id = 'M0003'",
		  "member M0003: its name" },
		{ "INSERT INTO members(id, name, status, joined) VALUES('X', 'X', 'active', 1)",
		  "DELETE FROM members WHERE id = 'X'",
		  "the state holds 4 members where the events made 3" },
		{ "DELETE FROM members WHERE id = 'M0003'",
		  "INSERT INTO members(id, name, status, joined) VALUES('M0003', 'Firm', 'active', 20455)",
		  "member M0003, which event" },
		{ "UPDATE members SET status = 'gone' WHERE id = 'M0001'",
		  "UPDATE members SET status = 'active' WHERE id = 'M0001'",
		  "the state holds 1 members not active where the events made 0" },
	};
	struct fixture f;

	ledger_fixture_make(&f, "facts");
	for (int i = 1; i <= 3; i++)
		add_member(&f, i);
	each_change_is_named(&f, cases, sizeof(cases) / sizeof(cases[0]));
	ledger_fixture_remove(&f);
}

/* ---- assessments and the peer score --------------------------------------- */

/* Records an event dated day, and frees it. */
static void record_on(struct fixture *f, mcg_event *ev, int32_t day)
{
	mcg_error err;

	ev->date_days = day;
	ev->date_given = 1;
	mcg_strlcpy(ev->actor, "unit", sizeof(ev->actor));
	cr_assert_eq(mcg_journal_record(f->L, ev, NULL, &err), 0, "%s %s", ev->type, err.msg);
	mcg_event_free(ev);
}

/* Member id, admitted with 1,000.00 of capital. */
static void member_on(struct fixture *f, const char *id, int32_t day)
{
	mcg_event ev;

	mcg_event_init(&ev, "member.add");
	cr_assert_eq(mcg_event_add(&ev, "member", id), 0);
	cr_assert_eq(mcg_event_add(&ev, "name", "Firm"), 0);
	record_on(f, &ev, day);
	mcg_event_init(&ev, "contribute");
	cr_assert_eq(mcg_event_add(&ev, "member", id), 0);
	cr_assert_eq(mcg_event_add(&ev, "kind", "capital"), 0);
	cr_assert_eq(mcg_event_add_int(&ev, "amount", 100000), 0);
	record_on(f, &ev, day);
}

static void withdraw_on(struct fixture *f, const char *id, int32_t day)
{
	mcg_event ev;

	mcg_event_init(&ev, "member.withdraw");
	cr_assert_eq(mcg_event_add(&ev, "member", id), 0);
	record_on(f, &ev, day);
}

/* Loan id of 10,000.00 to borrower. */
static void loan_on(struct fixture *f, const char *id, const char *borrower, int32_t day)
{
	mcg_event ev;

	mcg_event_init(&ev, "loan.add");
	cr_assert_eq(mcg_event_add(&ev, "loan", id), 0);
	cr_assert_eq(mcg_event_add(&ev, "borrower", borrower), 0);
	cr_assert_eq(mcg_event_add(&ev, "bank", "BANKITMM"), 0);
	cr_assert_eq(mcg_event_add_int(&ev, "principal", 1000000), 0);
	record_on(f, &ev, day);
}

static void assess_on(struct fixture *f, const char *loan, const char *assessor, int score,
		      int32_t day)
{
	mcg_event ev;

	mcg_event_init(&ev, "assess");
	cr_assert_eq(mcg_event_add(&ev, "loan", loan), 0);
	cr_assert_eq(mcg_event_add(&ev, "assessor", assessor), 0);
	cr_assert_eq(mcg_event_add_int(&ev, "score", score), 0);
	record_on(f, &ev, day);
}

/* Guaranteed at 50%, no deposit, no pledge. */
static void guarantee_on(struct fixture *f, const char *loan, int32_t day)
{
	mcg_event ev;

	mcg_event_init(&ev, "guarantee");
	cr_assert_eq(mcg_event_add(&ev, "loan", loan), 0);
	cr_assert_eq(mcg_event_add_int(&ev, "coverage", 5000), 0);
	cr_assert_eq(mcg_event_add_int(&ev, "deposit", 0), 0);
	record_on(f, &ev, day);
}

/* A second rules version: every grade's PD 0.07% higher. */
static void rules_v2_on(struct fixture *f, int32_t day)
{
	char text[2048];
	mcg_rules rules;
	int64_t version;
	mcg_event ev;
	mcg_error err;

	cr_assert_eq(mcg_ledger_rules(f->L, &version, &rules, &err), 0, "%s", err.msg);
	for (int g = 0; g < MCG_GRADES; g++)
		rules.master_scale_pd_bp[g] += 7;
	cr_assert_eq(mcg_rules_to_text(&rules, text, sizeof(text)), 0);
	mcg_event_init(&ev, "rules.load");
	cr_assert_eq(mcg_event_add(&ev, "rules", text), 0);
	record_on(f, &ev, day);
}

/* "score_x2 assessments pd_bp" of a guarantee row. */
static void peer_row(struct fixture *f, const char *loan, char *out, size_t outsz)
{
	sqlite3_stmt *st;

	cr_assert_eq(sqlite3_prepare_v2(mcg_ledger_db(f->L),
					"SELECT score_x2, assessments, pd_bp FROM guarantees"
					" WHERE loan = ?1", -1, &st, NULL), SQLITE_OK);
	sqlite3_bind_text(st, 1, loan, -1, SQLITE_STATIC);
	cr_assert_eq(sqlite3_step(st), SQLITE_ROW, "no guarantee of %s", loan);
	snprintf(out, outsz, "%d %d %d", sqlite3_column_int(st, 0), sqlite3_column_int(st, 1),
		 sqlite3_column_int(st, 2));
	sqlite3_finalize(st);
}

/*
 * Each way an assessment stops counting, as the guarantee saw it: the
 * borrower's own, one superseded by its assessor's later one, one whose
 * assessor withdrew before the guarantee, one too old; and an assessor
 * that withdrew after the guarantee, which counted then.  Two rules
 * versions with different PDs, and a loan never guaranteed.
 */
static void peer_fixture(struct fixture *f)
{
	mcg_event ev;
	int64_t pd6_v1, version;
	mcg_rules rules;
	mcg_error err;
	char row[64], want[64];

	ledger_fixture_make(f, "facts-peer");
	mcg_event_init(&ev, "bank.add");
	cr_assert_eq(mcg_event_add(&ev, "bic", "BANKITMM"), 0);
	cr_assert_eq(mcg_event_add(&ev, "name", "Banca"), 0);
	record_on(f, &ev, 20455);
	for (const char *m = "ABCDEF"; *m; m++) {
		char id[2] = { *m, 0 };

		member_on(f, id, 20455);
	}
	mcg_event_init(&ev, "contribute");
	cr_assert_eq(mcg_event_add(&ev, "member", "A"), 0);
	cr_assert_eq(mcg_event_add(&ev, "kind", "fund"), 0);
	cr_assert_eq(mcg_event_add_int(&ev, "amount", 10000000), 0);
	record_on(f, &ev, 20455);
	cr_assert_eq(mcg_ledger_rules(f->L, &version, &rules, &err), 0, "%s", err.msg);
	pd6_v1 = rules.master_scale_pd_bp[5];

	/* L1: B 7, C 8, D 6 then 9, E 3 (withdrawn before), A 10 (the
	 * borrower): B, C and D's 9 count, median 8. */
	loan_on(f, "L1", "A", 20456);
	assess_on(f, "L1", "B", 7, 20456);
	assess_on(f, "L1", "C", 8, 20456);
	assess_on(f, "L1", "D", 6, 20456);
	assess_on(f, "L1", "E", 3, 20456);
	assess_on(f, "L1", "A", 10, 20456);
	assess_on(f, "L1", "D", 9, 20457);
	withdraw_on(f, "E", 20457);
	guarantee_on(f, "L1", 20458);
	peer_row(f, "L1", row, sizeof(row));
	cr_assert_str_eq(row, "16 3 25", "L1: %s", row);

	/* L2, under rules version 2: C 5, D 6, F 7, median 6; F withdraws
	 * after the guarantee, which counted it. */
	rules_v2_on(f, 20459);
	loan_on(f, "L2", "B", 20460);
	assess_on(f, "L2", "C", 5, 20460);
	assess_on(f, "L2", "D", 6, 20460);
	assess_on(f, "L2", "F", 7, 20460);
	guarantee_on(f, "L2", 20461);
	withdraw_on(f, "F", 20462);
	peer_row(f, "L2", row, sizeof(row));
	snprintf(want, sizeof(want), "12 3 %lld", (long long)(pd6_v1 + 7));
	cr_assert_str_eq(row, want, "L2: %s", row);

	/* L3: A's 2 of day 20463 is too old 200 days later; B 7, C 8 and G
	 * (admitted meanwhile) 6 count, median 7. */
	loan_on(f, "L3", "D", 20463);
	assess_on(f, "L3", "A", 2, 20463);
	member_on(f, "G", 20600);
	assess_on(f, "L3", "B", 7, 20663);
	assess_on(f, "L3", "C", 8, 20663);
	assess_on(f, "L3", "G", 6, 20663);
	guarantee_on(f, "L3", 20663);
	peer_row(f, "L3", row, sizeof(row));
	cr_assert(strncmp(row, "14 3 ", 5) == 0, "L3: %s", row);

	/* L4: assessed, never guaranteed. */
	loan_on(f, "L4", "C", 20664);
	assess_on(f, "L4", "B", 4, 20664);
}

/* The fixture's guarantees as recorded agree with the recomputation, and
 * each change to a peer figure or an assessment row is found and named. */
Test(check_facts, each_change_to_a_peer_figure_or_an_assessment_is_named)
{
	static const struct change cases[] = {
		{ "UPDATE guarantees SET score_x2 = 14 WHERE loan = 'L1'",
		  "UPDATE guarantees SET score_x2 = 16 WHERE loan = 'L1'",
		  "guarantee of loan L1: its peer score in the state is not what event" },
		{ "UPDATE guarantees SET assessments = 4 WHERE loan = 'L1'",
		  "UPDATE guarantees SET assessments = 3 WHERE loan = 'L1'",
		  "guarantee of loan L1: its assessments counted" },
		/* Version 1's PD of grade 6, not version 2's in force. */
		{ "UPDATE guarantees SET pd_bp = pd_bp - 7 WHERE loan = 'L2'",
		  "UPDATE guarantees SET pd_bp = pd_bp + 7 WHERE loan = 'L2'",
		  "guarantee of loan L2: its PD" },
		{ "UPDATE guarantees SET score_x2 = CAST('14' AS BLOB) WHERE loan = 'L3'",
		  "UPDATE guarantees SET score_x2 = 14 WHERE loan = 'L3'",
		  "guarantee of loan L3: its peer score" },
		{ "UPDATE assessments SET score = 2 WHERE loan = 'L1' AND assessor = 'B'",
		  "UPDATE assessments SET score = 7 WHERE loan = 'L1' AND assessor = 'B'",
		  "assessment of loan L1: its score in the state is not what event" },
		{ "UPDATE assessments SET assessor = 'G' WHERE loan = 'L4'",
		  "UPDATE assessments SET assessor = 'B' WHERE loan = 'L4'",
		  "assessment of loan L4: its assessor" },
		{ "UPDATE assessments SET loan = 'L4' WHERE loan = 'L3' AND assessor = 'A'",
		  "UPDATE assessments SET loan = 'L3' WHERE loan = 'L4' AND assessor = 'A'",
		  "assessment of loan L3: its loan" },
		{ "UPDATE assessments SET date = date + 1 WHERE loan = 'L2' AND assessor = 'F'",
		  "UPDATE assessments SET date = date - 1 WHERE loan = 'L2' AND assessor = 'F'",
		  "assessment of loan L2: its date" },
		{ "DELETE FROM assessments WHERE loan = 'L4'",
		  "INSERT INTO assessments(seq, loan, assessor, score, date)"
		  " SELECT seq, 'L4', 'B', 4, date FROM events WHERE type = 'assess'"
		  " ORDER BY seq DESC LIMIT 1",
		  "the assessment of loan L4, which event" },
		{ "INSERT INTO assessments(seq, loan, assessor, score, date)"
		  " VALUES(1000000, 'L4', 'D', 9, 20664)",
		  "DELETE FROM assessments WHERE seq = 1000000",
		  "the state holds 15 assessments where the events made 14" },
		/* Before the first assess event, and between two. */
		{ "INSERT INTO assessments(seq, loan, assessor, score, date) VALUES(1, 'L1', 'D', 9, 20454)",
		  "DELETE FROM assessments WHERE seq = 1",
		  "the state holds 15 assessments where the events made 14" },
		{ "INSERT INTO assessments(seq, loan, assessor, score, date)"
		  " SELECT seq, 'L1', 'D', 1, date FROM events WHERE type = 'member.withdraw'"
		  " ORDER BY seq LIMIT 1",
		  "DELETE FROM assessments WHERE score = 1",
		  "the state holds 15 assessments where the events made 14" },
	};
	struct fixture f;

	peer_fixture(&f);
	each_change_is_named(&f, cases, sizeof(cases) / sizeof(cases[0]));
	ledger_fixture_remove(&f);
}
