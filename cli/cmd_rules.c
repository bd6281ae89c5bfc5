/* rules show, and the table of a rules version that `rules check` prints
 * too (`rules load` and `rules check` read XML: cmd_rules_file.c). */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "date.h"
#include "money.h"
#include "rules/rules.h"

void cli_print_rules(const mcg_rules *r, int digits, const char *currency)
{
	char a[MCG_AMOUNT_TEXT_MAX + 16], b[MCG_AMOUNT_TEXT_MAX];
	cli_table *t = cli_table_new(3);

	if (!t)
		return;
#define ROW(name, value, meaning) do { \
		const char *row_[] = { name, value, meaning }; \
		cli_table_add(t, row_); \
	} while (0)
#define PCT(bp) (mcg_pct_format(bp, a), strncat(a, "%", sizeof(a) - strlen(a) - 1), a)
	ROW("coverage_max", PCT(r->coverage_max_bp), "largest coverage of a loan");
	mcg_amount_format_grouped(r->capital_min_minor, digits, b);
	snprintf(a, sizeof(a), "%s %s", b, currency);
	ROW("capital_min", a, "least capital of borrower and co-guarantors");
	snprintf(a, sizeof(a), "%d", r->peer_quorum);
	ROW("peer_quorum", a, "least eligible peer assessments");
	snprintf(a, sizeof(a), "%d.%d", r->peer_score_min_tenths / 10, r->peer_score_min_tenths % 10);
	ROW("peer_score_min", a, "least median peer score (1..10)");
	snprintf(a, sizeof(a), "%d days", r->peer_max_age_days);
	ROW("peer_max_age_days", a, "oldest assessment that counts");
	ROW("deposit_min", PCT(r->deposit_min_bp), "least deposit, of the guaranteed amount");
	snprintf(a, sizeof(a), "%d.%02d x", r->multiplier_max_centi / 100, r->multiplier_max_centi % 100);
	ROW("multiplier_max", a, "all guarantees at most this times the fund");
	ROW("single_name_max", PCT(r->single_name_max_bp), "one borrower's guarantees, of the fund");
	snprintf(a, sizeof(a), "%d.%02d x", r->pledge_leverage_max_centi / 100, r->pledge_leverage_max_centi % 100);
	ROW("pledge_leverage_max", a, "a co-guarantor's pledges, times its capital");
	ROW("fee", PCT(r->fee_bp), "guarantee fee, of the guaranteed amount");
	ROW("fund_contribution", PCT(r->fund_contribution_bp), "fund contribution, of the guaranteed amount");
	snprintf(a, sizeof(a), "%d days", r->default_dpd_days);
	ROW("default_dpd", a, "days past due that make a default");
	ROW("lgd", PCT(r->lgd_bp), "loss given default");
	for (int g = 0; g < MCG_GRADES; g++) {
		char name[32];

		snprintf(name, sizeof(name), "master_scale %d", g + 1);
		ROW(name, PCT(r->master_scale_pd_bp[g]), g == 0 ? "probability of default by grade" : "");
	}
#undef PCT
#undef ROW
	cli_table_print(t, stdout);
	cli_table_free(t);
}

int cmd_rules_show(mcg_cli *cli, int argc, char **argv, mcg_error *err)
{
	cli_args a = { NULL, 0, { 0 }, 0 };
	sqlite3_stmt *st;
	mcg_rules r;
	int64_t version;
	char date[MCG_DATE_TEXT_MAX];
	int rc;

	rc = cli_parse(cli, argc, argv, &a, 0, 0, err);
	rc = rc ? rc : cli_open(cli, 1, err);
	rc = rc ? rc : mcg_ledger_rules(cli->L, &version, &r, err);
	if (rc)
		return rc;
	if (sqlite3_prepare_v2(mcg_ledger_db(cli->L),
			       "SELECT e.seq, e.date, e.actor, e.recorded_at FROM rules_versions v"
			       " JOIN events e ON e.seq = v.seq WHERE v.version = ?1",
			       -1, &st, NULL) != SQLITE_OK)
		return mcg_error_set(err, MCG_ESYS, "cannot read the rules");
	sqlite3_bind_int64(st, 1, version);
	if (sqlite3_step(st) == SQLITE_ROW)
		printf("rules version %lld, in force since %s (event %lld, loaded by %s at %s)\n\n",
		       (long long)version, mcg_date_format(sqlite3_column_int(st, 1), date),
		       (long long)sqlite3_column_int64(st, 0),
		       (const char *)sqlite3_column_text(st, 2),
		       (const char *)sqlite3_column_text(st, 3));
	sqlite3_finalize(st);
	cli_print_rules(&r, mcg_ledger_minor_digits(cli->L), mcg_ledger_currency(cli->L));
	return MCG_OK;
}
