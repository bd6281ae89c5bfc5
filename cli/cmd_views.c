/*
 * The read-side views: exposure, guarantees, scores and the calibration of
 * scores.  Each command parses its flags, asks ledger/query.h, and prints
 * either an aligned table for people (amounts grouped: 1,540,000.00) or the
 * CSV of CLI.md (amounts with all minor digits, rows in byte order of the
 * first column).
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "date.h"
#include "ledger/query.h"
#include "money.h"

static const char *const text_or_csv[] = { "text", "csv" };

/* Amount text buffers for one table row. */
typedef char amount_text[MCG_AMOUNT_TEXT_MAX];

static const char *grouped(int64_t minor, int digits, char *buf)
{
	return mcg_amount_format_grouped(minor, digits, buf);
}

/* "62.50%" */
static const char *pct_text(int32_t bp, char *buf, size_t bufsz)
{
	char p[MCG_AMOUNT_TEXT_MAX];

	snprintf(buf, bufsz, "%s%%", mcg_pct_format(bp, p));
	return buf;
}

/* ---- exposure ------------------------------------------------------------- */

static void exposure_csv_row(const mcg_exposure *e, int digits)
{
	amount_text b, g, p, d, dep, c;
	const char *row[] = { e->member,
			      mcg_amount_format(e->borrowed_minor, digits, b),
			      mcg_amount_format(e->guaranteed_minor, digits, g),
			      mcg_amount_format(e->pledged_minor, digits, p),
			      mcg_amount_format(e->due_minor, digits, d),
			      mcg_amount_format(e->deposit_minor, digits, dep),
			      mcg_amount_format(e->capital_minor, digits, c) };

	cli_csv_row(stdout, row, 7);
}

static void exposure_csv_head(void)
{
	const char *head[] = { "member", "borrowed", "guaranteed", "pledged", "due",
			       "deposit", "capital" };

	cli_csv_row(stdout, head, 7);
}

static void print_member_loans(const mcg_exposure *e, int digits)
{
	const char *head[] = { "LOAN", "BANK", "STATUS", "PRINCIPAL", "OUTSTANDING",
			       "GUARANTEED", "DEPOSIT" };
	cli_table *t;

	if (e->n_loans == 0) {
		printf("Loans: none.\n");
		return;
	}
	printf("Its loans (guaranteed: what the consortium stands behind now):\n");
	t = cli_table_new(7);
	for (size_t c = 3; c < 7; c++)
		cli_table_align(t, c, 'r');
	cli_table_add(t, head);
	for (size_t i = 0; i < e->n_loans; i++) {
		const mcg_exposure_loan *l = &e->loans[i];
		amount_text p, o, g, d;
		const char *row[] = { l->loan, l->bank, l->status,
				      grouped(l->principal_minor, digits, p),
				      grouped(l->outstanding_minor, digits, o),
				      grouped(l->ga_minor, digits, g),
				      grouped(l->deposit_minor, digits, d) };

		cli_table_add(t, row);
	}
	cli_table_print(t, stdout);
	cli_table_free(t);
}

static void print_member_pledges(const mcg_exposure *e, int digits)
{
	const char *head[] = { "LOAN", "BORROWER", "STATUS", "PLEDGED", "AT RISK",
			       "LOSS BORNE", "RECOVERED" };
	cli_table *t;

	if (e->n_pledges == 0) {
		printf("Pledges for other members: none.\n");
		return;
	}
	printf("Its pledges for other members' loans (at risk: its share of what\n"
	       "the co-guarantors stand behind, min(guaranteed, all pledges)):\n");
	t = cli_table_new(7);
	for (size_t c = 3; c < 7; c++)
		cli_table_align(t, c, 'r');
	cli_table_add(t, head);
	for (size_t i = 0; i < e->n_pledges; i++) {
		const mcg_exposure_pledge *p = &e->pledges[i];
		amount_text a, r, l, rec;
		const char *row[] = { p->loan, p->borrower, p->status,
				      grouped(p->pledge_minor, digits, a),
				      grouped(p->at_risk_minor, digits, r),
				      grouped(p->loss_minor, digits, l),
				      grouped(p->recovered_minor, digits, rec) };

		cli_table_add(t, row);
	}
	cli_table_print(t, stdout);
	cli_table_free(t);
}

static void print_member_summary(const mcg_exposure *e, int digits,
				 const char *currency)
{
	cli_table *t = cli_table_new(2);
	amount_text b, g, p, d, dep, c;
	const char *due_label;
	int64_t due = e->due_minor;

	if (due > 0)
		due_label = "it owes the consortium";
	else if (due < 0)
		due_label = "the consortium owes it";
	else
		due_label = "due (nothing owed either way)";
	{
		const char *rows[][2] = {
			{ "borrowed (applied, active, defaulted)", grouped(e->borrowed_minor, digits, b) },
			{ "guaranteed by the consortium", grouped(e->guaranteed_minor, digits, g) },
			{ "pledged for others, at risk", grouped(e->pledged_minor, digits, p) },
			/* |due|: INT64_MIN cannot occur, balances are checked. */
			{ due_label, grouped(due < 0 ? -due : due, digits, d) },
			{ "deposits held for its loans", grouped(e->deposit_minor, digits, dep) },
			{ "share capital", grouped(e->capital_minor, digits, c) },
		};

		cli_table_align(t, 1, 'r');
		for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
			cli_table_add(t, rows[i]);
	}
	printf("In sum (%s):\n", currency);
	cli_table_print(t, stdout);
	cli_table_free(t);
}

static void exposure_text_one(const mcg_exposure *e, int digits, const char *currency)
{
	printf("Exposure of %s (%s), %s member\n\n", e->member, e->name,
	       e->active ? "an active" : "a withdrawn");
	print_member_loans(e, digits);
	putchar('\n');
	print_member_pledges(e, digits);
	putchar('\n');
	print_member_summary(e, digits, currency);
}

static int exposure_one(mcg_cli *cli, const char *member, int csv, mcg_error *err)
{
	int digits = mcg_ledger_minor_digits(cli->L);
	mcg_exposure e;
	int rc = mcg_exposure_get(cli->L, member, &e, err);

	if (rc)
		return rc;
	if (csv) {
		exposure_csv_head();
		exposure_csv_row(&e, digits);
	} else {
		exposure_text_one(&e, digits, mcg_ledger_currency(cli->L));
	}
	mcg_exposure_free(&e);
	return MCG_OK;
}

/* Adds a row's figures into the totals (text form only). */
static void add_totals(mcg_exposure *sum, const mcg_exposure *e)
{
	/* Totals are for reading; a sum beyond int64 cannot come from a
	 * ledger whose balances are checked, and would only show capped. */
	mcg_add(sum->borrowed_minor, e->borrowed_minor, &sum->borrowed_minor);
	mcg_add(sum->guaranteed_minor, e->guaranteed_minor, &sum->guaranteed_minor);
	mcg_add(sum->pledged_minor, e->pledged_minor, &sum->pledged_minor);
	mcg_add(sum->due_minor, e->due_minor, &sum->due_minor);
	mcg_add(sum->deposit_minor, e->deposit_minor, &sum->deposit_minor);
	mcg_add(sum->capital_minor, e->capital_minor, &sum->capital_minor);
}

static int exposure_text_row(cli_table *t, const mcg_exposure *e, const char *status,
			     int digits)
{
	amount_text b, g, p, d, dep, c;
	const char *row[] = { e->member, status,
			      grouped(e->borrowed_minor, digits, b),
			      grouped(e->guaranteed_minor, digits, g),
			      grouped(e->pledged_minor, digits, p),
			      grouped(e->due_minor, digits, d),
			      grouped(e->deposit_minor, digits, dep),
			      grouped(e->capital_minor, digits, c) };

	return cli_table_add(t, row);
}

static int exposure_all(mcg_cli *cli, int csv, mcg_error *err)
{
	int digits = mcg_ledger_minor_digits(cli->L);
	mcg_exposure_iter *it;
	mcg_exposure e, sum;
	cli_table *t = NULL;
	int rc;

	rc = mcg_exposure_iter_open(cli->L, &it, err);
	if (rc)
		return rc;
	memset(&sum, 0, sizeof(sum));
	if (csv) {
		exposure_csv_head();
	} else {
		const char *head[] = { "MEMBER", "STATUS", "BORROWED", "GUARANTEED", "PLEDGED",
				       "DUE", "DEPOSIT", "CAPITAL" };

		t = cli_table_new(8);
		for (size_t c = 2; c < 8; c++)
			cli_table_align(t, c, 'r');
		cli_table_add(t, head);
	}
	while ((rc = mcg_exposure_iter_next(it, &e, err)) == 1) {
		if (csv) {
			exposure_csv_row(&e, digits);
			continue;
		}
		add_totals(&sum, &e);
		if (exposure_text_row(t, &e, e.active ? "active" : "withdrawn", digits)) {
			rc = mcg_error_set(err, MCG_ESYS, "out of memory");
			break;
		}
	}
	mcg_exposure_iter_free(it);
	if (rc == 0 && t) {
		mcg_strlcpy(sum.member, "total", sizeof(sum.member));
		exposure_text_row(t, &sum, "", digits);
		cli_table_print(t, stdout);
		printf("(%s; due > 0: the member owes the consortium, < 0: it is owed)\n",
		       mcg_ledger_currency(cli->L));
	}
	cli_table_free(t);
	return rc < 0 ? rc : MCG_OK;
}

int cmd_exposure(mcg_cli *cli, int argc, char **argv, mcg_error *err)
{
	cli_flag flags[] = { { "format", 1, 0, 0, NULL, { 0 }, 0 } };
	cli_args a = { flags, 1, { 0 }, 0 };
	static const char *const formats[] = { "text", "csv", "xml" };
	const char *format;
	int rc;

	rc = cli_parse(cli, argc, argv, &a, 0, 1, err);
	rc = rc ? rc : cli_format(&a, formats, 3, &format, err);
	/* xml: the signed member statement (cmd_reports.c). */
	if (!rc && strcmp(format, "xml") == 0)
		return cli_exposure_xml(cli, a.n_pos ? a.pos[0] : NULL, err);
	rc = rc ? rc : cli_open(cli, 1, err);
	if (rc)
		return rc;
	if (a.n_pos == 1)
		return exposure_one(cli, a.pos[0], strcmp(format, "csv") == 0, err);
	return exposure_all(cli, strcmp(format, "csv") == 0, err);
}

/* ---- guarantees ------------------------------------------------------------- */

static void guarantee_csv_row(const mcg_guarantee_row *g, int digits)
{
	amount_text o, ga, cov, pd;
	char score[MCG_SCORE_TEXT_MAX];
	const char *row[] = { g->loan, g->borrower, g->bank, g->status,
			      mcg_amount_format(g->outstanding_minor, digits, o),
			      mcg_amount_format(g->ga_minor, digits, ga),
			      g->guaranteed ? mcg_pct_format(g->coverage_bp, cov) : "",
			      g->guaranteed ? mcg_score_format(g->score_x2, score) : "",
			      g->guaranteed ? mcg_pct_format(g->pd_bp, pd) : "" };

	cli_csv_row(stdout, row, 9);
}

static int guarantee_text_row(cli_table *t, const mcg_guarantee_row *g, int digits)
{
	amount_text o, ga;
	char cov[48], pd[48], score[MCG_SCORE_TEXT_MAX];
	const char *row[] = { g->loan, g->borrower, g->bank, g->status,
			      grouped(g->outstanding_minor, digits, o),
			      grouped(g->ga_minor, digits, ga),
			      g->guaranteed ? pct_text(g->coverage_bp, cov, sizeof(cov)) : "-",
			      g->guaranteed ? mcg_score_format(g->score_x2, score) : "-",
			      g->guaranteed ? pct_text(g->pd_bp, pd, sizeof(pd)) : "-" };

	return cli_table_add(t, row);
}

int cmd_guarantees(mcg_cli *cli, int argc, char **argv, mcg_error *err)
{
	cli_flag flags[] = { { "format", 1, 0, 0, NULL, { 0 }, 0 } };
	cli_args a = { flags, 1, { 0 }, 0 };
	const char *format;
	mcg_guarantee_iter *it;
	mcg_guarantee_row g;
	cli_table *t = NULL;
	int64_t outstanding = 0, ga = 0;
	size_t loans = 0;
	int digits, csv, rc;

	rc = cli_parse(cli, argc, argv, &a, 0, 0, err);
	rc = rc ? rc : cli_format(&a, text_or_csv, 2, &format, err);
	rc = rc ? rc : cli_open(cli, 1, err);
	rc = rc ? rc : mcg_guarantee_iter_open(cli->L, &it, err);
	if (rc)
		return rc;
	csv = strcmp(format, "csv") == 0;
	digits = mcg_ledger_minor_digits(cli->L);
	if (csv) {
		const char *head[] = { "loan", "borrower", "bank", "status", "outstanding",
				       "guaranteed", "coverage", "score", "pd" };

		cli_csv_row(stdout, head, 9);
	} else {
		const char *head[] = { "LOAN", "BORROWER", "BANK", "STATUS", "OUTSTANDING",
				       "GUARANTEED", "COVERAGE", "SCORE", "PD" };

		t = cli_table_new(9);
		for (size_t c = 4; c < 9; c++)
			cli_table_align(t, c, 'r');
		cli_table_add(t, head);
	}
	while ((rc = mcg_guarantee_iter_next(it, &g, err)) == 1) {
		if (csv) {
			guarantee_csv_row(&g, digits);
			continue;
		}
		loans++;
		mcg_add(outstanding, g.outstanding_minor, &outstanding);
		mcg_add(ga, g.ga_minor, &ga);
		if (guarantee_text_row(t, &g, digits)) {
			rc = mcg_error_set(err, MCG_ESYS, "out of memory");
			break;
		}
	}
	mcg_guarantee_iter_free(it);
	if (rc == 0 && t) {
		amount_text o, s;
		char n[32];
		const char *row[] = { "total", n, "", "", grouped(outstanding, digits, o),
				      grouped(ga, digits, s), "", "", "" };

		snprintf(n, sizeof(n), "%zu loan%s", loans, loans == 1 ? "" : "s");
		cli_table_add(t, row);
		cli_table_print(t, stdout);
		printf("(%s; guaranteed is GA now; score is the peer median the guarantee was\n"
		       " decided on, PD its probability of default from the master scale)\n",
		       mcg_ledger_currency(cli->L));
	}
	cli_table_free(t);
	return rc < 0 ? rc : MCG_OK;
}

/* ---- scores of a loan ---------------------------------------------------------- */

static void scores_csv(const mcg_scores *s)
{
	const char *head[] = { "assessor", "score", "date", "status" };

	cli_csv_row(stdout, head, 4);
	for (size_t i = 0; i < s->n; i++) {
		const mcg_assessment *a = &s->list[i];
		char score[16], date[MCG_DATE_TEXT_MAX];
		const char *row[] = { a->assessor, score, mcg_date_format(a->date_days, date),
				      mcg_assessment_status_name(a->status) };

		snprintf(score, sizeof(score), "%d", (int)a->score);
		cli_csv_row(stdout, row, 4);
	}
}

static void scores_table(const mcg_scores *s)
{
	const char *head[] = { "ASSESSOR", "SCORE", "DATE", "STATUS" };
	cli_table *t;

	if (s->n == 0) {
		printf("No assessments yet.\n");
		return;
	}
	t = cli_table_new(4);
	cli_table_align(t, 1, 'r');
	cli_table_add(t, head);
	for (size_t i = 0; i < s->n; i++) {
		const mcg_assessment *a = &s->list[i];
		char score[16], date[MCG_DATE_TEXT_MAX];
		const char *row[] = { a->assessor, score, mcg_date_format(a->date_days, date),
				      mcg_assessment_status_name(a->status) };

		snprintf(score, sizeof(score), "%d", (int)a->score);
		cli_table_add(t, row);
	}
	cli_table_print(t, stdout);
	cli_table_free(t);
}

static void scores_result(const mcg_scores *s)
{
	const mcg_peer_result *r = &s->result;
	const mcg_rules *rules = &s->rules;
	char score[MCG_SCORE_TEXT_MAX], min[MCG_SCORE_TEXT_MAX], pd[48];

	printf("\nEligible assessments: %zu (quorum %d: %s)\n", r->eligible,
	       (int)rules->peer_quorum, r->quorum_met ? "met" : "NOT met");
	/* peer_score_min is held in tenths; show it as the score it is. */
	if (rules->peer_score_min_tenths % 10)
		snprintf(min, sizeof(min), "%d.%d", (int)(rules->peer_score_min_tenths / 10),
			 (int)(rules->peer_score_min_tenths % 10));
	else
		snprintf(min, sizeof(min), "%d", (int)(rules->peer_score_min_tenths / 10));
	if (r->eligible == 0) {
		printf("Median: none, no eligible assessment (minimum %s: NOT met)\n", min);
		return;
	}
	printf("Median: %s (minimum %s: %s)\n", mcg_score_format(r->median_x2, score), min,
	       r->score_met ? "met" : "NOT met");
	printf("Grade %d, PD %s (master scale of rules version %lld)\n", (int)r->grade,
	       pct_text(r->pd_bp, pd, sizeof(pd)), (long long)s->rules_version);
}

static void scores_guarantee(const mcg_scores *s, int digits)
{
	char date[MCG_DATE_TEXT_MAX], score[MCG_SCORE_TEXT_MAX], pd[48], lgd[48];
	amount_text ga, el;

	if (!s->guaranteed) {
		printf("Not guaranteed yet: the figures above are what a guarantee dated %s\n"
		       "would be decided on.\n", mcg_date_format(s->date_days, date));
		return;
	}
	printf("\nGuarantee decided on %s (event %lld) under rules version %lld:\n"
	       "  median %s from %lld eligible assessments, PD %s\n",
	       mcg_date_format(s->decided_date_days, date), (long long)s->decided_seq,
	       (long long)s->decided_rules_version, mcg_score_format(s->decided_score_x2, score),
	       (long long)s->decided_eligible, pct_text(s->decided_pd_bp, pd, sizeof(pd)));
	printf("  guaranteed now %s; expected loss %s (GA x PD x LGD %s)\n",
	       grouped(s->ga_minor, digits, ga), grouped(s->el_minor, digits, el),
	       pct_text(s->el_lgd_bp, lgd, sizeof(lgd)));
}

static int scores_loan(mcg_cli *cli, const char *loan, int32_t date_days, int csv,
		       mcg_error *err)
{
	mcg_scores s;
	char date[MCG_DATE_TEXT_MAX];
	int rc = mcg_scores_get(cli->L, loan, date_days, &s, err);

	if (rc)
		return rc;
	if (csv) {
		scores_csv(&s);
		mcg_scores_free(&s);
		return MCG_OK;
	}
	printf("Peer assessments of loan %s (borrower %s, %s), judged as of %s\n"
	       "under rules version %lld (assessments may be %d days old at most):\n\n",
	       s.loan, s.borrower, s.status, mcg_date_format(s.date_days, date),
	       (long long)s.rules_version, (int)s.rules.peer_max_age_days);
	scores_table(&s);
	scores_result(&s);
	scores_guarantee(&s, mcg_ledger_minor_digits(cli->L));
	mcg_scores_free(&s);
	return MCG_OK;
}

/* ---- calibration ----------------------------------------------------------------- */

/* The mean PD in bp, rounded half up (all PDs are >= 0). */
static int32_t mean_bp(int64_t sum_bp, size_t n)
{
	return (int32_t)((sum_bp * 2 + (int64_t)n) / (2 * (int64_t)n));
}

/* A rate as a percentage with two decimals ("12.50"). */
static void rate_text(size_t k, size_t n, char *buf, size_t bufsz)
{
	snprintf(buf, bufsz, "%.2f", 100.0 * (double)k / (double)n);
}

static void calibration_csv(const mcg_calibration_report *r)
{
	/* Byte order of the first column, as every CSV of CLI.md. */
	static const int order[MCG_GRADES] = { 1, 10, 2, 3, 4, 5, 6, 7, 8, 9 };
	const char *head[] = { "grade", "outcomes", "defaults", "scale_pd", "predicted_pd",
			       "observed_rate", "brier", "auc" };
	const mcg_calibration *c = &r->cal;
	char n[24], d[24], scale[MCG_AMOUNT_TEXT_MAX], pred[MCG_AMOUNT_TEXT_MAX];
	char obs[32], brier[32], auc[32];

	cli_csv_row(stdout, head, 8);
	for (size_t k = 0; k < MCG_GRADES; k++) {
		int g = order[k];
		size_t count = c->count[g - 1];
		const char *row[] = { NULL, n, d, mcg_pct_format(r->scale_pd_bp[g - 1], scale),
				      count ? mcg_pct_format(mean_bp(r->pd_sum_bp[g - 1], count), pred) : "",
				      obs, "", "" };
		char grade[16];

		snprintf(grade, sizeof(grade), "%d", g);
		row[0] = grade;
		snprintf(n, sizeof(n), "%zu", count);
		snprintf(d, sizeof(d), "%zu", c->defaults[g - 1]);
		obs[0] = '\0';
		if (count)
			rate_text(c->defaults[g - 1], count, obs, sizeof(obs));
		cli_csv_row(stdout, row, 8);
	}
	snprintf(n, sizeof(n), "%zu", c->n);
	snprintf(d, sizeof(d), "%zu", c->n_defaults);
	obs[0] = brier[0] = auc[0] = '\0';
	if (c->n)
		rate_text(c->n_defaults, c->n, obs, sizeof(obs));
	if (!isnan(c->brier))
		snprintf(brier, sizeof(brier), "%.6f", c->brier);
	if (!isnan(c->auc))
		snprintf(auc, sizeof(auc), "%.4f", c->auc);
	{
		const char *row[] = { "all", n, d, "",
				      c->n ? mcg_pct_format(mean_bp(r->pd_sum_all_bp, c->n), pred) : "",
				      obs, brier, auc };

		cli_csv_row(stdout, row, 8);
	}
}

static void calibration_text(const mcg_calibration_report *r)
{
	const char *head[] = { "GRADE", "OUTCOMES", "DEFAULTS", "SCALE PD", "PREDICTED PD",
			       "OBSERVED" };
	const mcg_calibration *c = &r->cal;
	cli_table *t = cli_table_new(6);

	printf("Calibration of peer scores against outcomes: %zu guaranteed loan%s ended\n"
	       "(%zu repaid, %zu defaulted, called or closed).\n\n", c->n, c->n == 1 ? "" : "s",
	       c->n - c->n_defaults, c->n_defaults);
	for (size_t k = 1; k < 6; k++)
		cli_table_align(t, k, 'r');
	cli_table_add(t, head);
	for (int g = 1; g <= MCG_GRADES; g++) {
		size_t count = c->count[g - 1];
		char grade[12], n[24], d[24], scale[48], pred[48], obs[48];
		const char *row[] = { grade, n, d, pct_text(r->scale_pd_bp[g - 1], scale, sizeof(scale)),
				      count ? pct_text(mean_bp(r->pd_sum_bp[g - 1], count), pred, sizeof(pred)) : "-",
				      obs };

		snprintf(grade, sizeof(grade), "%d", g);
		snprintf(n, sizeof(n), "%zu", count);
		snprintf(d, sizeof(d), "%zu", c->defaults[g - 1]);
		if (count) {
			rate_text(c->defaults[g - 1], count, obs, sizeof(obs) - 1);
			mcg_strlcpy(obs + strlen(obs), "%", sizeof(obs) - strlen(obs));
		} else {
			mcg_strlcpy(obs, "-", sizeof(obs));
		}
		cli_table_add(t, row);
	}
	cli_table_print(t, stdout);
	cli_table_free(t);
	printf("\nScale PD: the master scale of rules version %lld.  Predicted PD: the mean PD\n"
	       "the grade's loans were guaranteed on.  Observed: the share that defaulted.\n\n",
	       (long long)r->rules_version);
	if (isnan(c->brier)) {
		printf("Brier score: none (no outcomes)\n");
	} else {
		double base = c->n ? (double)c->n_defaults / (double)c->n : 0;

		printf("Brier score: %.4f over %zu outcomes (0 is perfect; always guessing the\n"
		       "  observed default rate would score %.4f)\n", c->brier, c->n,
		       base * (1 - base));
	}
	if (isnan(c->auc))
		printf("AUC: none (it needs both repaid and defaulted loans)\n");
	else
		printf("AUC: %.3f over %zu defaulted x %zu repaid pairs (0.5 is chance, 1 perfect\n"
		       "  ranking)\n", c->auc, c->n_defaults, c->n - c->n_defaults);
	if (c->caveat[0])
		printf("Caveat: %s\n", c->caveat);
}

static int scores_calibration(mcg_cli *cli, int csv, mcg_error *err)
{
	mcg_calibration_report r;
	int rc = mcg_calibration_get(cli->L, &r, err);

	if (rc)
		return rc;
	if (csv)
		calibration_csv(&r);
	else
		calibration_text(&r);
	return MCG_OK;
}

int cmd_scores(mcg_cli *cli, int argc, char **argv, mcg_error *err)
{
	cli_flag flags[] = { { "format", 1, 0, 0, NULL, { 0 }, 0 },
			     { "date", 1, 0, 0, NULL, { 0 }, 0 },
			     { "calibration", 0, 0, 0, NULL, { 0 }, 0 } };
	cli_args a = { flags, 3, { 0 }, 0 };
	const char *usage = cli_usage(cli);
	const char *format, *date;
	int32_t date_days = 0;
	int calibration, csv, rc;

	rc = cli_parse(cli, argc, argv, &a, 0, 1, err);
	rc = rc ? rc : cli_format(&a, text_or_csv, 2, &format, err);
	if (rc)
		return rc;
	csv = strcmp(format, "csv") == 0;
	calibration = cli_flag_get(&a, "calibration")->seen;
	date = cli_value(&a, "date");
	if (calibration && (a.n_pos || date))
		return mcg_error_set(err, MCG_EINPUT,
				     "--calibration takes no LOAN and no --date (usage: mcg %s)", usage);
	if (!calibration && a.n_pos == 0)
		return mcg_error_set(err, MCG_EINPUT, "missing LOAN (usage: mcg %s)", usage);
	if (date && mcg_date_parse(date, &date_days, err))
		return mcg_error_prefix(err, "--date");
	rc = cli_open(cli, 1, err);
	/* Default: for a guaranteed loan, the day of its guarantee, so that
	 * the listing explains the decision taken (as of today the same
	 * assessments may be too old); else the day a guarantee decided now
	 * would carry. */
	if (!rc && !date && !calibration) {
		int guaranteed = 0;

		rc = mcg_query_guarantee_date(cli->L, a.pos[0], &date_days, &guaranteed, err);
		if (!rc && !guaranteed)
			rc = mcg_query_decision_date(cli->L, &date_days, err);
	}
	if (rc)
		return rc;
	if (calibration)
		return scores_calibration(cli, csv, err);
	return scores_loan(cli, a.pos[0], date_days, csv, err);
}
