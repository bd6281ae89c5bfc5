/*
 * Commands of a loan's life: loan add, assess, guarantee, repay, arrears,
 * call, recover, writeoff.
 *
 * Each parses the user's text (amounts in the ledger's currency,
 * percentages, whole numbers) into the event's canonical fields and hands
 * the event to the journal; the ledger re-checks everything.  The line
 * printed after a change says what the ledger computed (the guaranteed
 * amount, the loss waterfall, the recovery split), read from the event's
 * postings and the loan's row as the journal left them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "date.h"
#include "ledger/journal.h"
#include "money.h"

#define WHAT_MAX 400

/* ---- shared plumbing ------------------------------------------------------ */

/* Fills what[] once the event is recorded; ev holds its postings. */
typedef void (*describe_fn)(mcg_cli *cli, const mcg_event *ev, char *what,
			    size_t whatsz);

/* Records ev like cli_record, describing it after the journal computed
 * it (cli_record takes its line before). */
static int record_described(mcg_cli *cli, mcg_event *ev, describe_fn describe,
			    mcg_error *err)
{
	char what[WHAT_MAX], date[MCG_DATE_TEXT_MAX];
	int replayed = 0;
	int rc = mcg_journal_record(cli->L, ev, &replayed, err);

	if (rc)
		return rc;
	if (replayed) {
		printf("already recorded as event %lld (ref '%s'): nothing changed\n",
		       (long long)ev->seq, ev->ref);
		return MCG_OK;
	}
	describe(cli, ev, what, sizeof(what));
	printf("event %lld on %s: %s\n", (long long)ev->seq,
	       mcg_date_format(ev->date_days, date), what);
	return MCG_OK;
}

static const char *money(mcg_cli *cli, int64_t minor, char *buf)
{
	return mcg_amount_format_grouped(minor, mcg_ledger_minor_digits(cli->L), buf);
}

/* The sum of the event's postings to one account, or to every account
 * starting with a prefix ending in ':'. */
static int64_t posted(const mcg_event *ev, const char *account)
{
	size_t n = strlen(account);
	int prefix = n > 0 && account[n - 1] == ':';
	int64_t sum = 0;

	for (size_t i = 0; i < ev->n_postings; i++) {
		const char *a = ev->postings[i].account;

		if (prefix ? strncmp(a, account, n) == 0 : strcmp(a, account) == 0)
			sum += ev->postings[i].amount_minor;
	}
	return sum;
}

/* A loan's row after the event: status, outstanding, GA. */
typedef struct loan_view {
	char status[16];
	int64_t outstanding_minor;
	int64_t ga_minor;
} loan_view;

static int read_loan(mcg_cli *cli, const char *id, loan_view *out)
{
	sqlite3_stmt *st;
	int found = 0;

	memset(out, 0, sizeof(*out));
	if (sqlite3_prepare_v2(mcg_ledger_db(cli->L),
			       "SELECT status, outstanding, ga FROM loans WHERE id = ?1",
			       -1, &st, NULL) != SQLITE_OK)
		return 0;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW) {
		mcg_strlcpy(out->status, (const char *)sqlite3_column_text(st, 0),
			    sizeof(out->status));
		out->outstanding_minor = sqlite3_column_int64(st, 1);
		out->ga_minor = sqlite3_column_int64(st, 2);
		found = 1;
	}
	sqlite3_finalize(st);
	return found;
}

/* A required flag's value, or MCG_EINPUT "--flag is required". */
static int required(cli_args *a, const char *flag, const char **out,
		    mcg_error *err)
{
	*out = cli_value(a, flag);
	if (!*out)
		return mcg_error_set(err, MCG_EINPUT, "--%s is required", flag);
	return MCG_OK;
}

/* A required amount flag that must be greater than 0. */
static int positive_amount(mcg_cli *cli, cli_args *a, const char *flag,
			   int64_t *out, mcg_error *err)
{
	const char *text;
	char name[32];
	int rc = required(a, flag, &text, err);

	if (rc)
		return rc;
	snprintf(name, sizeof(name), "--%s", flag);
	rc = cli_amount(cli, text, name, out, err);
	if (rc)
		return rc;
	if (*out <= 0)
		return mcg_error_set(err, MCG_EINPUT, "--%s must be greater than 0", flag);
	return MCG_OK;
}

/* Starts the event, parses the flags, opens the ledger and fills the
 * event's date, ref and loan id (the one positional). */
static int begin(mcg_cli *cli, int argc, char **argv, cli_args *a,
		 const char *type, mcg_event *ev, mcg_error *err)
{
	int rc;

	/* First, so that the caller may always free the event. */
	mcg_event_init(ev, type);
	rc = cli_parse(cli, argc, argv, a, 1, 1, err);
	rc = rc ? rc : cli_open(cli, 0, err);
	rc = rc ? rc : cli_event_prepare(cli, a, ev, err);
	rc = rc ? rc : mcg_event_add(ev, "loan", a->pos[0]);
	if (rc == MCG_EINPUT && !err->msg[0])
		mcg_error_set(err, rc, "a value is too long");
	return rc;
}

/* mcg_event_add's bare codes, given a message. */
static int added(int rc, mcg_error *err)
{
	if (rc && !err->msg[0])
		return mcg_error_set(err, rc, rc == MCG_ESYS ? "out of memory"
							   : "too many or too long values");
	return rc;
}

/* ---- loan add ----------------------------------------------------------- */

int cmd_loan_add(mcg_cli *cli, int argc, char **argv, mcg_error *err)
{
	cli_flag flags[] = { { "borrower", 1, 0, 0, NULL, { 0 }, 0 },
			     { "bank", 1, 0, 0, NULL, { 0 }, 0 },
			     { "principal", 1, 0, 0, NULL, { 0 }, 0 },
			     { "rate", 1, 0, 0, NULL, { 0 }, 0 },
			     { "term-months", 1, 0, 0, NULL, { 0 }, 0 },
			     CLI_RECORD_FLAGS };
	cli_args a = { flags, 7, { 0 }, 0 };
	const char *borrower = NULL, *bank = NULL;
	const char *rate = NULL, *term = NULL;
	int64_t principal = 0, term_months = 0;
	int32_t rate_bp = 0;
	char what[WHAT_MAX], amount[MCG_AMOUNT_TEXT_MAX];
	mcg_event ev;
	int rc;

	rc = begin(cli, argc, argv, &a, "loan.add", &ev, err);
	rc = rc ? rc : required(&a, "borrower", &borrower, err);
	rc = rc ? rc : required(&a, "bank", &bank, err);
	rc = rc ? rc : positive_amount(cli, &a, "principal", &principal, err);
	if (!rc && (rate = cli_value(&a, "rate")) != NULL &&
	    mcg_pct_parse(rate, &rate_bp, err))
		rc = mcg_error_prefix(err, "--rate");
	if (!rc && (term = cli_value(&a, "term-months")) != NULL)
		rc = cli_integer(term, "--term-months", 1, 600, &term_months, err);
	rc = rc ? rc : added(mcg_event_add(&ev, "borrower", borrower), err);
	rc = rc ? rc : added(mcg_event_add(&ev, "bank", bank), err);
	rc = rc ? rc : added(mcg_event_add_int(&ev, "principal", principal), err);
	if (!rc && rate)
		rc = added(mcg_event_add_int(&ev, "rate", rate_bp), err);
	if (!rc && term)
		rc = added(mcg_event_add_int(&ev, "term_months", term_months), err);
	if (!rc) {
		snprintf(what, sizeof(what), "loan %s applied for: %s %s from %s to %s",
			 a.pos[0], money(cli, principal, amount),
			 mcg_ledger_currency(cli->L), bank, borrower);
		rc = cli_record(cli, &ev, what, err);
	}
	mcg_event_free(&ev);
	return rc;
}

/* ---- assess ------------------------------------------------------------- */

int cmd_assess(mcg_cli *cli, int argc, char **argv, mcg_error *err)
{
	cli_flag flags[] = { { "assessor", 1, 0, 0, NULL, { 0 }, 0 },
			     { "score", 1, 0, 0, NULL, { 0 }, 0 },
			     CLI_RECORD_FLAGS };
	cli_args a = { flags, 4, { 0 }, 0 };
	const char *assessor = NULL, *score_text = NULL;
	int64_t score = 0;
	char what[WHAT_MAX];
	mcg_event ev;
	int rc;

	rc = begin(cli, argc, argv, &a, "assess", &ev, err);
	rc = rc ? rc : required(&a, "assessor", &assessor, err);
	rc = rc ? rc : required(&a, "score", &score_text, err);
	rc = rc ? rc : cli_integer(score_text, "--score", 1, 10, &score, err);
	rc = rc ? rc : added(mcg_event_add(&ev, "assessor", assessor), err);
	rc = rc ? rc : added(mcg_event_add_int(&ev, "score", score), err);
	if (!rc) {
		snprintf(what, sizeof(what), "%s assessed loan %s: score %lld of 10",
			 assessor, a.pos[0], (long long)score);
		rc = cli_record(cli, &ev, what, err);
	}
	mcg_event_free(&ev);
	return rc;
}

/* ---- guarantee ---------------------------------------------------------- */

typedef struct cli_pledge {
	char member[40];
	int64_t amount_minor;
} cli_pledge;

static int pledge_order(const void *a, const void *b)
{
	return strcmp(((const cli_pledge *)a)->member, ((const cli_pledge *)b)->member);
}

/* "MEMBER:AMOUNT" into a pledge.  The member id itself is checked by the
 * ledger, like every id. */
static int parse_pledge(mcg_cli *cli, const char *text, cli_pledge *out,
			mcg_error *err)
{
	const char *colon = strchr(text, ':');
	size_t len = colon ? (size_t)(colon - text) : 0;
	int rc;

	if (!colon || len == 0 || len >= sizeof(out->member))
		return mcg_error_set(err, MCG_EINPUT,
				     "--pledge: bad value '%.60s': expected MEMBER:AMOUNT", text);
	memcpy(out->member, text, len);
	out->member[len] = '\0';
	rc = cli_amount(cli, colon + 1, "--pledge", &out->amount_minor, err);
	if (rc)
		return rc;
	if (out->amount_minor <= 0)
		return mcg_error_set(err, MCG_EINPUT,
				     "--pledge: the pledge of %s must be greater than 0", out->member);
	return MCG_OK;
}

/* The pledges, sorted by member id so that the same guarantee given with
 * its pledges in another order is the same event (idempotency). */
static int add_pledges(mcg_cli *cli, cli_args *a, mcg_event *ev, mcg_error *err)
{
	cli_flag *f = cli_flag_get(a, "pledge");
	cli_pledge pledges[CLI_REPEAT_MAX];
	size_t n = f->n_values;
	int rc = MCG_OK;

	for (size_t i = 0; i < n && !rc; i++)
		rc = parse_pledge(cli, f->values[i], &pledges[i], err);
	if (rc)
		return rc;
	qsort(pledges, n, sizeof(pledges[0]), pledge_order);
	for (size_t i = 0; i < n && !rc; i++) {
		char value[80];

		snprintf(value, sizeof(value), "%.39s:%lld", pledges[i].member,
			 (long long)pledges[i].amount_minor);
		rc = added(mcg_event_add(ev, "pledge", value), err);
	}
	return rc;
}

static void describe_guarantee(mcg_cli *cli, const mcg_event *ev, char *what,
			       size_t whatsz)
{
	const char *loan = mcg_event_get(ev, "loan");
	char ga[MCG_AMOUNT_TEXT_MAX], fee[MCG_AMOUNT_TEXT_MAX];
	char fund[MCG_AMOUNT_TEXT_MAX], deposit[MCG_AMOUNT_TEXT_MAX];
	char prefix[MCG_ACCOUNT_MAX + 1];
	size_t pledges = 0;
	loan_view v;

	read_loan(cli, loan, &v);
	for (size_t i = 0; i < ev->n_fields; i++)
		pledges += strcmp(ev->fields[i].key, "pledge") == 0;
	snprintf(prefix, sizeof(prefix), "deposit:%s", loan);
	snprintf(what, whatsz,
		 "loan %s guaranteed for %s %s: fee %s, fund contribution %s,"
		 " deposit %s, %zu co-guarantor%s",
		 loan, money(cli, v.ga_minor, ga), mcg_ledger_currency(cli->L),
		 money(cli, -posted(ev, "fees"), fee), money(cli, -posted(ev, "fund"), fund),
		 money(cli, -posted(ev, prefix), deposit), pledges, pledges == 1 ? "" : "s");
}

int cmd_guarantee(mcg_cli *cli, int argc, char **argv, mcg_error *err)
{
	cli_flag flags[] = { { "coverage", 1, 0, 0, NULL, { 0 }, 0 },
			     { "cap", 1, 0, 0, NULL, { 0 }, 0 },
			     { "deposit", 1, 0, 0, NULL, { 0 }, 0 },
			     { "pledge", 1, 1, 0, NULL, { 0 }, 0 },
			     CLI_RECORD_FLAGS };
	cli_args a = { flags, 6, { 0 }, 0 };
	const char *coverage_text = NULL, *text;
	int32_t coverage_bp = 0;
	int64_t cap = 0, deposit = 0;
	mcg_event ev;
	int rc;

	rc = begin(cli, argc, argv, &a, "guarantee", &ev, err);
	rc = rc ? rc : required(&a, "coverage", &coverage_text, err);
	if (!rc && mcg_pct_parse(coverage_text, &coverage_bp, err))
		rc = mcg_error_prefix(err, "--coverage");
	if (!rc && cli_value(&a, "cap"))
		rc = positive_amount(cli, &a, "cap", &cap, err);
	if (!rc && (text = cli_value(&a, "deposit")) != NULL)
		rc = cli_amount(cli, text, "--deposit", &deposit, err);
	rc = rc ? rc : added(mcg_event_add_int(&ev, "coverage", coverage_bp), err);
	if (!rc && cli_value(&a, "cap"))
		rc = added(mcg_event_add_int(&ev, "cap", cap), err);
	rc = rc ? rc : added(mcg_event_add_int(&ev, "deposit", deposit), err);
	rc = rc ? rc : add_pledges(cli, &a, &ev, err);
	rc = rc ? rc : record_described(cli, &ev, describe_guarantee, err);
	mcg_event_free(&ev);
	return rc;
}

/* ---- repay, arrears ------------------------------------------------------- */

static void describe_repay(mcg_cli *cli, const mcg_event *ev, char *what,
			   size_t whatsz)
{
	const char *loan = mcg_event_get(ev, "loan");
	char paid[MCG_AMOUNT_TEXT_MAX], left[MCG_AMOUNT_TEXT_MAX];
	char ga[MCG_AMOUNT_TEXT_MAX], back[MCG_AMOUNT_TEXT_MAX];
	int64_t principal = 0;
	loan_view v;

	read_loan(cli, loan, &v);
	mcg_parse_int64(mcg_event_get(ev, "principal"), &principal);
	money(cli, principal, paid);
	if (strcmp(v.status, "repaid") == 0 && posted(ev, "cash") != 0)
		snprintf(what, whatsz, "%s repaid %s %s: the loan is repaid; deposit %s returned",
			 loan, paid, mcg_ledger_currency(cli->L),
			 money(cli, -posted(ev, "cash"), back));
	else if (strcmp(v.status, "repaid") == 0)
		snprintf(what, whatsz, "%s repaid %s %s: the loan is repaid", loan, paid,
			 mcg_ledger_currency(cli->L));
	else
		snprintf(what, whatsz, "%s repaid %s %s: outstanding %s, guaranteed %s",
			 loan, paid, mcg_ledger_currency(cli->L),
			 money(cli, v.outstanding_minor, left), money(cli, v.ga_minor, ga));
}

int cmd_repay(mcg_cli *cli, int argc, char **argv, mcg_error *err)
{
	cli_flag flags[] = { { "principal", 1, 0, 0, NULL, { 0 }, 0 },
			     { "interest", 1, 0, 0, NULL, { 0 }, 0 },
			     CLI_RECORD_FLAGS };
	cli_args a = { flags, 4, { 0 }, 0 };
	const char *text;
	int64_t principal = 0, interest = 0;
	mcg_event ev;
	int rc;

	rc = begin(cli, argc, argv, &a, "repay", &ev, err);
	rc = rc ? rc : positive_amount(cli, &a, "principal", &principal, err);
	if (!rc && (text = cli_value(&a, "interest")) != NULL)
		rc = cli_amount(cli, text, "--interest", &interest, err);
	rc = rc ? rc : added(mcg_event_add_int(&ev, "principal", principal), err);
	if (!rc && cli_value(&a, "interest"))
		rc = added(mcg_event_add_int(&ev, "interest", interest), err);
	rc = rc ? rc : record_described(cli, &ev, describe_repay, err);
	mcg_event_free(&ev);
	return rc;
}

static void describe_arrears(mcg_cli *cli, const mcg_event *ev, char *what,
			     size_t whatsz)
{
	const char *loan = mcg_event_get(ev, "loan");
	char ga[MCG_AMOUNT_TEXT_MAX];
	loan_view v;

	read_loan(cli, loan, &v);
	if (strcmp(v.status, "defaulted") == 0)
		snprintf(what, whatsz,
			 "%s is %s days past due: defaulted, guaranteed amount %s %s frozen",
			 loan, mcg_event_get(ev, "dpd"), money(cli, v.ga_minor, ga),
			 mcg_ledger_currency(cli->L));
	else
		snprintf(what, whatsz, "%s is %s days past due (still active)", loan,
			 mcg_event_get(ev, "dpd"));
}

int cmd_arrears(mcg_cli *cli, int argc, char **argv, mcg_error *err)
{
	cli_flag flags[] = { { "dpd", 1, 0, 0, NULL, { 0 }, 0 }, CLI_RECORD_FLAGS };
	cli_args a = { flags, 3, { 0 }, 0 };
	const char *text = NULL;
	int64_t dpd = 0;
	mcg_event ev;
	int rc;

	rc = begin(cli, argc, argv, &a, "arrears", &ev, err);
	rc = rc ? rc : required(&a, "dpd", &text, err);
	rc = rc ? rc : cli_integer(text, "--dpd", 0, 36500, &dpd, err);
	rc = rc ? rc : added(mcg_event_add_int(&ev, "dpd", dpd), err);
	rc = rc ? rc : record_described(cli, &ev, describe_arrears, err);
	mcg_event_free(&ev);
	return rc;
}

/* ---- call, recover -------------------------------------------------------- */

static void describe_call(mcg_cli *cli, const mcg_event *ev, char *what,
			  size_t whatsz)
{
	const char *loan = mcg_event_get(ev, "loan");
	char x[MCG_AMOUNT_TEXT_MAX], d[MCG_AMOUNT_TEXT_MAX];
	char c[MCG_AMOUNT_TEXT_MAX], f[MCG_AMOUNT_TEXT_MAX];
	char deposit[MCG_ACCOUNT_MAX + 1];

	snprintf(deposit, sizeof(deposit), "deposit:%s", loan);
	snprintf(what, whatsz, "%s called %s %s: deposit %s, co-guarantors %s, fund %s",
		 loan, money(cli, -posted(ev, "cash"), x), mcg_ledger_currency(cli->L),
		 money(cli, posted(ev, deposit), d), money(cli, posted(ev, "due:"), c),
		 money(cli, posted(ev, "fund"), f));
}

static void describe_recover(mcg_cli *cli, const mcg_event *ev, char *what,
			     size_t whatsz)
{
	char r[MCG_AMOUNT_TEXT_MAX], c[MCG_AMOUNT_TEXT_MAX], f[MCG_AMOUNT_TEXT_MAX];

	snprintf(what, whatsz, "%s recovered %s %s: fund %s, co-guarantors %s",
		 mcg_event_get(ev, "loan"), money(cli, posted(ev, "cash"), r),
		 mcg_ledger_currency(cli->L), money(cli, -posted(ev, "fund"), f),
		 money(cli, -posted(ev, "due:"), c));
}

static int record_amount(mcg_cli *cli, int argc, char **argv, const char *type,
			 describe_fn describe, mcg_error *err)
{
	cli_flag flags[] = { { "amount", 1, 0, 0, NULL, { 0 }, 0 }, CLI_RECORD_FLAGS };
	cli_args a = { flags, 3, { 0 }, 0 };
	int64_t amount = 0;
	mcg_event ev;
	int rc;

	rc = begin(cli, argc, argv, &a, type, &ev, err);
	rc = rc ? rc : positive_amount(cli, &a, "amount", &amount, err);
	rc = rc ? rc : added(mcg_event_add_int(&ev, "amount", amount), err);
	rc = rc ? rc : record_described(cli, &ev, describe, err);
	mcg_event_free(&ev);
	return rc;
}

int cmd_call(mcg_cli *cli, int argc, char **argv, mcg_error *err)
{
	return record_amount(cli, argc, argv, "call", describe_call, err);
}

int cmd_recover(mcg_cli *cli, int argc, char **argv, mcg_error *err)
{
	return record_amount(cli, argc, argv, "recover", describe_recover, err);
}

/* ---- writeoff ----------------------------------------------------------- */

int cmd_writeoff(mcg_cli *cli, int argc, char **argv, mcg_error *err)
{
	cli_flag flags[] = { CLI_RECORD_FLAGS };
	cli_args a = { flags, 2, { 0 }, 0 };
	char what[WHAT_MAX];
	mcg_event ev;
	int rc;

	rc = begin(cli, argc, argv, &a, "writeoff", &ev, err);
	if (!rc) {
		snprintf(what, sizeof(what), "loan %s written off and closed", a.pos[0]);
		rc = cli_record(cli, &ev, what, err);
	}
	mcg_event_free(&ev);
	return rc;
}
