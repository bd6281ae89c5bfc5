/* Commands of the consortium itself: members, banks, contributions,
 * settlements, the trial balance and the consistency check (`init` is
 * cmd_init.c). */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "date.h"
#include "ledger/check.h"
#include "money.h"

int cmd_member_add(mcg_cli *cli, int argc, char **argv, mcg_error *err)
{
	cli_flag flags[] = { { "name", 1, 0, 0, NULL, { 0 }, 0 },
			     { "sector", 1, 0, 0, NULL, { 0 }, 0 },
			     { "district", 1, 0, 0, NULL, { 0 }, 0 },
			     { "tax-id", 1, 0, 0, NULL, { 0 }, 0 },
			     CLI_RECORD_FLAGS };
	cli_args a = { flags, 6, { 0 }, 0 };
	mcg_event ev;
	char what[160];
	int rc;

	rc = cli_parse(cli, argc, argv, &a, 1, 1, err);
	if (rc)
		return rc;
	if (!cli_value(&a, "name"))
		return mcg_error_set(err, MCG_EINPUT, "--name is required");
	rc = cli_open(cli, 0, err);
	if (rc)
		return rc;
	mcg_event_init(&ev, "member.add");
	rc = cli_event_prepare(cli, &a, &ev, err);
	rc = rc ? rc : mcg_event_add(&ev, "member", a.pos[0]);
	rc = rc ? rc : mcg_event_add(&ev, "name", cli_value(&a, "name"));
	if (!rc && cli_value(&a, "sector"))
		rc = mcg_event_add(&ev, "sector", cli_value(&a, "sector"));
	if (!rc && cli_value(&a, "district"))
		rc = mcg_event_add(&ev, "district", cli_value(&a, "district"));
	if (!rc && cli_value(&a, "tax-id"))
		rc = mcg_event_add(&ev, "tax_id", cli_value(&a, "tax-id"));
	if (rc == MCG_EINPUT && !err->msg[0])
		mcg_error_set(err, rc, "a value is too long");
	snprintf(what, sizeof(what), "member %s admitted", a.pos[0]);
	rc = rc ? rc : cli_record(cli, &ev, what, err);
	mcg_event_free(&ev);
	return rc;
}

/* The shape of the simple one-id recording commands. */
static int record_simple(mcg_cli *cli, int argc, char **argv, const char *type,
			 const char *key, const char *noun, const char *verb,
			 mcg_error *err)
{
	cli_flag flags[] = { CLI_RECORD_FLAGS };
	cli_args a = { flags, 2, { 0 }, 0 };
	mcg_event ev;
	char what[160];
	int rc;

	rc = cli_parse(cli, argc, argv, &a, 1, 1, err);
	rc = rc ? rc : cli_open(cli, 0, err);
	if (rc)
		return rc;
	mcg_event_init(&ev, type);
	rc = cli_event_prepare(cli, &a, &ev, err);
	rc = rc ? rc : mcg_event_add(&ev, key, a.pos[0]);
	snprintf(what, sizeof(what), "%s %s %s", noun, a.pos[0], verb);
	rc = rc ? rc : cli_record(cli, &ev, what, err);
	mcg_event_free(&ev);
	return rc;
}

int cmd_member_withdraw(mcg_cli *cli, int argc, char **argv, mcg_error *err)
{
	return record_simple(cli, argc, argv, "member.withdraw", "member", "member",
			     "withdrew", err);
}

int cmd_bank_add(mcg_cli *cli, int argc, char **argv, mcg_error *err)
{
	cli_flag flags[] = { { "name", 1, 0, 0, NULL, { 0 }, 0 }, CLI_RECORD_FLAGS };
	cli_args a = { flags, 3, { 0 }, 0 };
	mcg_event ev;
	char what[160];
	int rc;

	rc = cli_parse(cli, argc, argv, &a, 1, 1, err);
	if (rc)
		return rc;
	if (!cli_value(&a, "name"))
		return mcg_error_set(err, MCG_EINPUT, "--name is required");
	rc = cli_open(cli, 0, err);
	if (rc)
		return rc;
	mcg_event_init(&ev, "bank.add");
	rc = cli_event_prepare(cli, &a, &ev, err);
	rc = rc ? rc : mcg_event_add(&ev, "bic", a.pos[0]);
	rc = rc ? rc : mcg_event_add(&ev, "name", cli_value(&a, "name"));
	snprintf(what, sizeof(what), "bank %s registered", a.pos[0]);
	rc = rc ? rc : cli_record(cli, &ev, what, err);
	mcg_event_free(&ev);
	return rc;
}

/* contribute and settle: MEMBER AMOUNT, and for contribute --kind. */
static int record_member_amount(mcg_cli *cli, int argc, char **argv,
				const char *type, int with_kind, mcg_error *err)
{
	cli_flag flags[] = { CLI_RECORD_FLAGS, { "kind", 1, 0, 0, NULL, { 0 }, 0 } };
	cli_args a = { flags, with_kind ? 3 : 2, { 0 }, 0 };
	const char *kind = NULL;
	mcg_event ev;
	int64_t amount;
	char what[200], text[MCG_AMOUNT_TEXT_MAX];
	int rc;

	rc = cli_parse(cli, argc, argv, &a, 2, 2, err);
	if (rc)
		return rc;
	if (with_kind) {
		kind = cli_value(&a, "kind");
		if (!kind)
			return mcg_error_set(err, MCG_EINPUT, "--kind is required (capital or fund)");
		if (strcmp(kind, "capital") && strcmp(kind, "fund"))
			return mcg_error_set(err, MCG_EINPUT,
					     "--kind: bad value '%.20s': expected capital or fund", kind);
	}
	rc = cli_open(cli, 0, err);
	rc = rc ? rc : cli_amount(cli, a.pos[1], "AMOUNT", &amount, err);
	if (rc)
		return rc;
	if (amount <= 0)
		return mcg_error_set(err, MCG_EINPUT, "AMOUNT must be greater than 0");
	mcg_event_init(&ev, type);
	rc = cli_event_prepare(cli, &a, &ev, err);
	rc = rc ? rc : mcg_event_add(&ev, "member", a.pos[0]);
	if (!rc && kind)
		rc = mcg_event_add(&ev, "kind", kind);
	rc = rc ? rc : mcg_event_add_int(&ev, "amount", amount);
	mcg_amount_format_grouped(amount, mcg_ledger_minor_digits(cli->L), text);
	if (kind)
		snprintf(what, sizeof(what), "%s contributed %s %s to %s", a.pos[0], text,
			 mcg_ledger_currency(cli->L), strcmp(kind, "fund") ? "capital" : "the fund");
	else
		snprintf(what, sizeof(what), "%s settled %s %s", a.pos[0], text,
			 mcg_ledger_currency(cli->L));
	rc = rc ? rc : cli_record(cli, &ev, what, err);
	mcg_event_free(&ev);
	return rc;
}

int cmd_contribute(mcg_cli *cli, int argc, char **argv, mcg_error *err)
{
	return record_member_amount(cli, argc, argv, "contribute", 1, err);
}

int cmd_settle(mcg_cli *cli, int argc, char **argv, mcg_error *err)
{
	return record_member_amount(cli, argc, argv, "settle", 0, err);
}

static const char *const text_or_csv[] = { "text", "csv" };

int cmd_member_list(mcg_cli *cli, int argc, char **argv, mcg_error *err)
{
	cli_flag flags[] = { { "format", 1, 0, 0, NULL, { 0 }, 0 } };
	cli_args a = { flags, 1, { 0 }, 0 };
	const char *format;
	sqlite3_stmt *st;
	cli_table *t = NULL;
	int csv, step, rc;

	rc = cli_parse(cli, argc, argv, &a, 0, 0, err);
	rc = rc ? rc : cli_format(&a, text_or_csv, 2, &format, err);
	rc = rc ? rc : cli_open(cli, 1, err);
	if (rc)
		return rc;
	csv = strcmp(format, "csv") == 0;
	if (sqlite3_prepare_v2(mcg_ledger_db(cli->L),
			       "SELECT id, name, status, COALESCE(sector, ''), COALESCE(district, '')"
			       " FROM members ORDER BY id", -1, &st, NULL) != SQLITE_OK)
		return mcg_error_set(err, MCG_ESYS, "cannot read the members");
	if (csv) {
		const char *head[] = { "member", "name", "status", "sector", "district" };

		cli_csv_row(stdout, head, 5);
	} else {
		const char *head[] = { "MEMBER", "NAME", "STATUS", "SECTOR", "DISTRICT" };

		t = cli_table_new(5);
		cli_table_add(t, head);
	}
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		const char *row[5];

		for (int i = 0; i < 5; i++)
			row[i] = (const char *)sqlite3_column_text(st, i);
		if (csv)
			cli_csv_row(stdout, row, 5);
		else
			cli_table_add(t, row);
	}
	sqlite3_finalize(st);
	if (step != SQLITE_DONE) {
		cli_table_free(t);
		return mcg_error_set(err, MCG_ESYS, "cannot read the members");
	}
	cli_table_print(t, stdout);
	cli_table_free(t);
	return MCG_OK;
}

int cmd_balance(mcg_cli *cli, int argc, char **argv, mcg_error *err)
{
	cli_flag flags[] = { { "format", 1, 0, 0, NULL, { 0 }, 0 } };
	cli_args a = { flags, 1, { 0 }, 0 };
	const char *format;
	sqlite3_stmt *st;
	cli_table *t = NULL;
	int digits, csv, step, rc;
	int64_t debit = 0, credit = 0;

	rc = cli_parse(cli, argc, argv, &a, 0, 0, err);
	rc = rc ? rc : cli_format(&a, text_or_csv, 2, &format, err);
	rc = rc ? rc : cli_open(cli, 1, err);
	if (rc)
		return rc;
	csv = strcmp(format, "csv") == 0;
	digits = mcg_ledger_minor_digits(cli->L);
	if (sqlite3_prepare_v2(mcg_ledger_db(cli->L),
			       "SELECT account, balance FROM balances ORDER BY account", -1, &st,
			       NULL) != SQLITE_OK)
		return mcg_error_set(err, MCG_ESYS, "cannot read the balances");
	if (csv) {
		const char *head[] = { "account", "balance" };

		cli_csv_row(stdout, head, 2);
	} else {
		const char *head[] = { "ACCOUNT", "DEBIT", "CREDIT" };

		t = cli_table_new(3);
		cli_table_align(t, 1, 'r');
		cli_table_align(t, 2, 'r');
		cli_table_add(t, head);
	}
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		const char *account = (const char *)sqlite3_column_text(st, 0);
		int64_t b = sqlite3_column_int64(st, 1);
		char text[MCG_AMOUNT_TEXT_MAX];

		if (csv) {
			const char *row[] = { account, mcg_amount_format(b, digits, text) };

			cli_csv_row(stdout, row, 2);
			continue;
		}
		/* A balance beyond int64 range when negated is impossible: the
		 * journal refuses overflowing balances. */
		mcg_amount_format_grouped(b < 0 ? -b : b, digits, text);
		{
			const char *row[] = { account, b >= 0 ? text : "", b < 0 ? text : "" };

			cli_table_add(t, row);
		}
		if (b >= 0)
			mcg_add(debit, b, &debit);
		else
			mcg_sub(credit, b, &credit);
	}
	sqlite3_finalize(st);
	if (step != SQLITE_DONE) {
		cli_table_free(t);
		return mcg_error_set(err, MCG_ESYS, "cannot read the balances");
	}
	if (!csv) {
		char d[MCG_AMOUNT_TEXT_MAX], c[MCG_AMOUNT_TEXT_MAX];
		const char *row[] = { "total", mcg_amount_format_grouped(debit, digits, d),
				      mcg_amount_format_grouped(credit, digits, c) };

		cli_table_add(t, row);
		cli_table_print(t, stdout);
		cli_table_free(t);
	}
	return MCG_OK;
}

int cmd_check(mcg_cli *cli, int argc, char **argv, mcg_error *err)
{
	cli_args a = { NULL, 0, { 0 }, 0 };
	mcg_check_report r;
	int rc;

	rc = cli_parse(cli, argc, argv, &a, 0, 0, err);
	rc = rc ? rc : cli_open(cli, 1, err);
	rc = rc ? rc : mcg_check_ledger(cli->L, &r, err);
	if (rc)
		return rc;
	printf("check passed: %lld events replayed; %d tables match the events\n",
	       (long long)r.events, r.tables);
	return MCG_OK;
}
