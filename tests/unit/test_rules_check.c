/*
 * The guarantee decision: every rule passing and failing at its exact
 * boundary (one minor unit, basis point or tenth either side), and several
 * failures reported together, with their figures.
 */
#include <criterion/criterion.h>

#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "rules/rules.h"

struct fixture {
	mcg_rules r;
	mcg_guarantee_case c;
	mcg_party g[2];
};

static void party(mcg_party *p, const char *id, int active, int64_t capital,
		  int64_t pledges)
{
	memset(p, 0, sizeof(*p));
	cr_assert_eq(mcg_strlcpy(p->id, id, sizeof(p->id)), 0);
	p->active = active;
	p->capital_minor = capital;
	p->pledges_after_minor = pledges;
}

/* A guarantee that passes every default rule with room to spare. */
static void base(struct fixture *f)
{
	mcg_error err;

	cr_assert_eq(mcg_rules_default(2, &f->r, &err), 0, "%s", err.msg);
	memset(&f->c, 0, sizeof(f->c));
	f->c.coverage_bp = 5000;
	f->c.ga0_minor = 1000000;                   /* 10,000.00 */
	f->c.deposit_minor = 0;
	f->c.fund_after_minor = 100000000;          /* 1,000,000.00 */
	f->c.total_ga_after_minor = 100000000;      /* 1,000,000.00 */
	f->c.borrower_ga_after_minor = 1000000;     /* 10,000.00 */
	party(&f->c.borrower, "acme", 1, 25000, 0);
	party(&f->g[0], "beta", 1, 100000, 500000);   /* 1,000.00; 5,000.00 */
	party(&f->g[1], "gamma", 1, 50000, 100000);   /* 500.00; 1,000.00 */
	f->c.guarantors = f->g;
	f->c.n_guarantors = 2;
	f->c.peer.eligible = 3;
	f->c.peer.median_x2 = 10;
	f->c.peer.grade = 5;
	f->c.peer.pd_bp = 200;
	f->c.peer.quorum_met = 1;
	f->c.peer.score_met = 1;
}

static void expect_pass(const struct fixture *f)
{
	mcg_error err;

	mcg_error_set(&err, MCG_ESYS, "stale");
	cr_assert_eq(mcg_rules_check_guarantee(&f->r, &f->c, 2, &err), 0,
		     "refused: %s", err.msg);
	cr_assert_eq(err.code, MCG_OK);
	cr_assert_str_eq(err.msg, "");
}

static void expect_refused(const struct fixture *f, const char *msg)
{
	mcg_error err;

	mcg_error_clear(&err);
	cr_assert_eq(mcg_rules_check_guarantee(&f->r, &f->c, 2, &err),
		     MCG_ERULE, "passed, expected: %s", msg);
	cr_assert_eq(err.code, MCG_ERULE);
	cr_assert_str_eq(err.msg, msg);
}

static void expect_refused_with(const struct fixture *f, const char *part)
{
	mcg_error err;

	mcg_error_clear(&err);
	cr_assert_eq(mcg_rules_check_guarantee(&f->r, &f->c, 2, &err),
		     MCG_ERULE, "passed, expected: %s", part);
	cr_assert(strstr(err.msg, part) != NULL, "no '%s' in: %s", part,
		  err.msg);
}

Test(rules_check, base_case_passes)
{
	struct fixture f;

	base(&f);
	expect_pass(&f);
	f.c.n_guarantors = 0;
	expect_pass(&f);
}

/* ---- coverage_max ------------------------------------------------------ */

Test(rules_check, coverage_max_boundary)
{
	struct fixture f;

	base(&f);
	f.c.coverage_bp = 8000;
	expect_pass(&f);
	f.c.coverage_bp = 8001;
	expect_refused(&f, "rule coverage_max: coverage 80.01% exceeds the maximum 80%");
	f.r.coverage_max_bp = 6250;
	f.c.coverage_bp = 6250;
	expect_pass(&f);
	f.c.coverage_bp = 6251;
	expect_refused(&f, "rule coverage_max: coverage 62.51% exceeds the maximum 62.5%");
}

Test(rules_check, coverage_must_be_positive)
{
	struct fixture f;

	base(&f);
	f.c.coverage_bp = 1;
	expect_pass(&f);
	f.c.coverage_bp = 0;
	expect_refused(&f, "rule coverage_max: coverage 0% must be above 0%");
}

/* ---- capital_min ------------------------------------------------------- */

Test(rules_check, capital_min_borrower_boundary)
{
	struct fixture f;

	base(&f);
	f.c.borrower.capital_minor = 25000;
	expect_pass(&f);
	f.c.borrower.capital_minor = 24999;
	expect_refused(&f, "rule capital_min: borrower acme has capital 249.99, below the minimum 250.00");
}

Test(rules_check, capital_min_borrower_must_be_active)
{
	struct fixture f;

	base(&f);
	f.c.borrower.active = 0;
	expect_refused(&f, "rule capital_min: borrower acme is not an active member");
}

Test(rules_check, capital_min_every_co_guarantor)
{
	struct fixture f;

	base(&f);
	f.g[1].capital_minor = 25000;
	expect_pass(&f);
	f.g[1].capital_minor = 24999;
	expect_refused(&f, "rule capital_min: co-guarantor gamma has capital 249.99, below the minimum 250.00");
	f.g[1].capital_minor = 50000;
	f.g[0].active = 0;
	expect_refused(&f, "rule capital_min: co-guarantor beta is not an active member");
}

/* ---- peer_quorum and peer_score_min ------------------------------------ */

Test(rules_check, peer_quorum_boundary)
{
	struct fixture f;

	base(&f);
	f.c.peer.eligible = 3;
	expect_pass(&f);
	f.c.peer.eligible = 2;
	expect_refused(&f, "rule peer_quorum: 2 eligible assessments, 3 required");
	f.c.peer.eligible = 1;
	expect_refused(&f, "rule peer_quorum: 1 eligible assessment, 3 required");
}

Test(rules_check, peer_score_min_boundary)
{
	struct fixture f;

	base(&f);
	f.c.peer.median_x2 = 10;
	expect_pass(&f);
	f.c.peer.median_x2 = 9;
	expect_refused(&f, "rule peer_score_min: median score 4.5 is below the minimum 5");
	f.r.peer_score_min_tenths = 45;
	expect_pass(&f);
	f.r.peer_score_min_tenths = 46;
	expect_refused(&f, "rule peer_score_min: median score 4.5 is below the minimum 4.6");
}

Test(rules_check, no_eligible_assessment_fails_both_peer_rules)
{
	struct fixture f;

	base(&f);
	f.c.peer.eligible = 0;
	f.c.peer.median_x2 = 0;
	expect_refused(&f, "rule peer_quorum: 0 eligible assessments, 3 required; "
		       "rule peer_score_min: no eligible assessment, so no median score (minimum 5)");
}

/* ---- deposit_min ------------------------------------------------------- */

Test(rules_check, deposit_min_boundary)
{
	struct fixture f;

	base(&f);
	f.r.deposit_min_bp = 1000;
	f.c.deposit_minor = 100000;
	expect_pass(&f);
	f.c.deposit_minor = 99999;
	expect_refused(&f, "rule deposit_min: deposit 999.99 is below 10% of the guaranteed amount 10,000.00 = 1,000.00");
}

Test(rules_check, deposit_min_rounds_half_up)
{
	struct fixture f;

	base(&f);
	f.r.deposit_min_bp = 1000;
	f.c.ga0_minor = 5;             /* 10% of 0.05 = 0.005 -> 0.01 */
	f.c.deposit_minor = 1;
	expect_pass(&f);
	f.c.deposit_minor = 0;
	expect_refused(&f, "rule deposit_min: deposit 0.00 is below 10% of the guaranteed amount 0.05 = 0.01");
}

Test(rules_check, deposit_min_zero_needs_no_deposit)
{
	struct fixture f;

	base(&f);
	f.r.deposit_min_bp = 0;
	f.c.deposit_minor = 0;
	expect_pass(&f);
}

/* ---- multiplier_max ---------------------------------------------------- */

Test(rules_check, multiplier_max_boundary)
{
	struct fixture f;

	base(&f);
	f.c.fund_after_minor = 10000000;             /* 100,000.00 */
	f.c.total_ga_after_minor = 150000000;        /* exactly 15 x */
	expect_pass(&f);
	f.c.total_ga_after_minor = 150000001;
	expect_refused(&f, "rule multiplier_max: guarantees 1,500,000.01 would exceed 15 x fund 100,000.00");
	f.c.total_ga_after_minor = 154000000;
	expect_refused(&f, "rule multiplier_max: guarantees 1,540,000.00 would exceed 15 x fund 100,000.00");
}

Test(rules_check, multiplier_max_with_decimals_is_exact)
{
	struct fixture f;

	base(&f);
	f.r.multiplier_max_centi = 1225;
	f.c.fund_after_minor = 10001;                /* x 12.25 = 1,225.1225 */
	f.c.borrower_ga_after_minor = 2500;
	f.c.total_ga_after_minor = 122512;
	expect_pass(&f);
	f.c.total_ga_after_minor = 122513;
	expect_refused(&f, "rule multiplier_max: guarantees 1,225.13 would exceed 12.25 x fund 100.01");
}

Test(rules_check, multiplier_max_empty_or_negative_fund)
{
	struct fixture f;

	base(&f);
	f.c.fund_after_minor = 0;
	f.c.borrower_ga_after_minor = 0;
	f.c.total_ga_after_minor = 0;
	expect_pass(&f);
	f.c.total_ga_after_minor = 1;
	expect_refused(&f, "rule multiplier_max: guarantees 0.01 would exceed 15 x fund 0.00");
	f.c.fund_after_minor = -500000;
	expect_refused(&f, "rule multiplier_max: guarantees 0.01 would exceed 15 x fund -5,000.00");
}

Test(rules_check, multiplier_max_does_not_overflow)
{
	struct fixture f;

	base(&f);
	f.r.multiplier_max_centi = 100000;
	f.c.fund_after_minor = INT64_MAX;
	f.c.total_ga_after_minor = INT64_MAX;
	expect_pass(&f);
	f.r.multiplier_max_centi = 99;
	expect_refused_with(&f, "rule multiplier_max: guarantees 92,233,720,368,547,758.07 would exceed 0.99 x fund");
}

/* ---- single_name_max --------------------------------------------------- */

Test(rules_check, single_name_max_boundary)
{
	struct fixture f;

	base(&f);
	f.c.fund_after_minor = 10000000;             /* 100,000.00 */
	f.c.total_ga_after_minor = 10000000;
	f.c.borrower_ga_after_minor = 2500000;       /* exactly 25% */
	expect_pass(&f);
	f.c.borrower_ga_after_minor = 2500001;
	expect_refused(&f, "rule single_name_max: the borrower's guarantees 25,000.01 would exceed 25% of fund 100,000.00 = 25,000.00");
}

Test(rules_check, single_name_max_rounds_half_up)
{
	struct fixture f;

	base(&f);
	f.c.fund_after_minor = 2;                    /* 25% of 0.02 -> 0.01 */
	f.c.total_ga_after_minor = 1;
	f.c.borrower_ga_after_minor = 1;
	expect_pass(&f);
	f.c.total_ga_after_minor = 2;
	f.c.borrower_ga_after_minor = 2;
	expect_refused(&f, "rule single_name_max: the borrower's guarantees 0.02 would exceed 25% of fund 0.02 = 0.01");
}

Test(rules_check, single_name_max_negative_fund)
{
	struct fixture f;

	base(&f);
	f.c.fund_after_minor = -100;
	f.c.total_ga_after_minor = 0;
	f.c.borrower_ga_after_minor = 0;
	expect_pass(&f);
	f.c.borrower_ga_after_minor = 1;
	expect_refused(&f, "rule single_name_max: the borrower's guarantees 0.01 would exceed 25% of fund -1.00 = 0.00");
}

/* ---- pledge_leverage_max ----------------------------------------------- */

Test(rules_check, pledge_leverage_max_boundary)
{
	struct fixture f;

	base(&f);
	f.g[0].pledges_after_minor = 1000000;        /* 10 x 1,000.00 */
	expect_pass(&f);
	f.g[0].pledges_after_minor = 1000001;
	expect_refused(&f, "rule pledge_leverage_max: co-guarantor beta's pledges 10,000.01 would exceed 10 x capital 1,000.00");
}

Test(rules_check, pledge_leverage_max_with_decimals_is_exact)
{
	struct fixture f;

	base(&f);
	f.r.capital_min_minor = 0;
	f.r.pledge_leverage_max_centi = 750;
	f.g[1].capital_minor = 1;                    /* x 7.5 = 0.075 */
	f.g[1].pledges_after_minor = 7;
	expect_pass(&f);
	f.g[1].pledges_after_minor = 8;
	expect_refused(&f, "rule pledge_leverage_max: co-guarantor gamma's pledges 0.08 would exceed 7.5 x capital 0.01");
}

Test(rules_check, pledge_leverage_max_each_co_guarantor)
{
	struct fixture f;

	base(&f);
	f.g[0].pledges_after_minor = 1000001;
	f.g[1].pledges_after_minor = 500001;
	expect_refused(&f, "rule pledge_leverage_max: co-guarantor beta's pledges 10,000.01 would exceed 10 x capital 1,000.00; "
		       "rule pledge_leverage_max: co-guarantor gamma's pledges 5,000.01 would exceed 10 x capital 500.00");
}

/* ---- several at once --------------------------------------------------- */

Test(rules_check, every_failure_is_reported_in_rule_order)
{
	struct fixture f;

	base(&f);
	f.r.deposit_min_bp = 500;
	f.c.coverage_bp = 8001;
	f.c.borrower.active = 0;
	f.g[1].capital_minor = 100;
	f.c.peer.eligible = 2;
	f.c.peer.median_x2 = 7;
	f.c.deposit_minor = 49999;
	f.c.fund_after_minor = 10000000;
	f.c.total_ga_after_minor = 154000000;
	f.c.borrower_ga_after_minor = 3000000;
	f.g[0].pledges_after_minor = 1000001;
	expect_refused(&f,
		"rule coverage_max: coverage 80.01% exceeds the maximum 80%; "
		"rule capital_min: borrower acme is not an active member; "
		"rule capital_min: co-guarantor gamma has capital 1.00, below the minimum 250.00; "
		"rule peer_quorum: 2 eligible assessments, 3 required; "
		"rule peer_score_min: median score 3.5 is below the minimum 5; "
		"rule deposit_min: deposit 499.99 is below 5% of the guaranteed amount 10,000.00 = 500.00; "
		"rule multiplier_max: guarantees 1,540,000.00 would exceed 15 x fund 100,000.00; "
		"rule single_name_max: the borrower's guarantees 30,000.00 would exceed 25% of fund 100,000.00 = 25,000.00; "
		"rule pledge_leverage_max: co-guarantor beta's pledges 10,000.01 would exceed 10 x capital 1,000.00; "
		"rule pledge_leverage_max: co-guarantor gamma's pledges 1,000.00 would exceed 10 x capital 1.00");
}

Test(rules_check, a_very_long_refusal_is_cut_not_overflowed)
{
	struct fixture f;
	static const char prefix[] =
		"rule capital_min: co-guarantor m000 is not an active member; ";
	mcg_party many[200];
	mcg_error err;
	char id[16];

	base(&f);
	for (size_t i = 0; i < 200; i++) {
		snprintf(id, sizeof(id), "m%03zu", i);
		party(&many[i], id, 0, 0, 1);
	}
	f.c.guarantors = many;
	f.c.n_guarantors = 200;
	cr_assert_eq(mcg_rules_check_guarantee(&f.r, &f.c, 2, &err), MCG_ERULE);
	cr_assert_lt(strlen(err.msg), sizeof(err.msg));
	cr_assert(strncmp(err.msg, prefix, sizeof(prefix) - 1) == 0, "%s",
		  err.msg);
}

Test(rules_check, amounts_follow_the_currency)
{
	struct fixture f;
	mcg_error err;

	base(&f);
	f.c.fund_after_minor = 100000;
	f.c.total_ga_after_minor = 1540000;
	f.c.borrower_ga_after_minor = 0;
	cr_assert_eq(mcg_rules_check_guarantee(&f.r, &f.c, 0, &err), MCG_ERULE);
	cr_assert_str_eq(err.msg, "rule multiplier_max: guarantees 1,540,000 would exceed 15 x fund 100,000");
}
