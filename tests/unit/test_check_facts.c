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

/* Each change is found, named, and undone by the next. */
Test(check_facts, each_change_to_a_member_row_is_named)
{
	static const struct {
		const char *change, *undo, *named;
	} cases[] = {
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
	mcg_error err;

	ledger_fixture_make(&f, "facts");
	for (int i = 1; i <= 3; i++)
		add_member(&f, i);
	cr_assert_eq(mcg_check_facts(f.L, &err), 0, "%s", err.msg);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		run_sql(&f, cases[i].change);
		cr_assert_eq(mcg_check_facts(f.L, &err), MCG_EINTEGRITY, "%s: not found",
			     cases[i].change);
		cr_assert(strstr(err.msg, cases[i].named) != NULL, "%s: said '%s'",
			  cases[i].change, err.msg);
		run_sql(&f, cases[i].undo);
		cr_assert_eq(mcg_check_facts(f.L, &err), 0, "%s undone: %s", cases[i].change,
			     err.msg);
	}
	ledger_fixture_remove(&f);
}
