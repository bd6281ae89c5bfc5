/*
 * The guarantee decision: every rule of DOMAIN.md section 7 judged on the
 * state as it would be after the guarantee.  All rules are evaluated, and
 * every failure is reported with its figures, in the order of the rules
 * table, so that a treasurer sees at once everything that stands in the way.
 *
 * Comparisons are exact: multiples are compared as 128-bit products
 * (total x 100 against fund x centi), percentages with pct() as DOMAIN.md
 * defines it, so a figure exactly at its limit passes and one minor unit
 * over fails.  A fund at or below zero supports no guarantee at all.
 */
#include "rules.h"
#include "rules_int.h"

#include <stdarg.h>
#include <stdio.h>

#include "money.h"

#define NUM_MAX 32

/* The failures found so far, joined by "; ". */
struct report {
	char msg[MCG_ERROR_MSG_MAX];
	size_t used;
	int failed;
	int minor_digits;
	/* Scratch for formatting the figures of one failure. */
	char a[MCG_AMOUNT_TEXT_MAX], b[MCG_AMOUNT_TEXT_MAX];
	char c[MCG_AMOUNT_TEXT_MAX];
	char x[NUM_MAX], y[NUM_MAX];
};

/* Appends one failure; a message longer than the buffer is cut, as
 * error.h says of every message. */
__attribute__((format(printf, 2, 3)))
static void fail(struct report *rp, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (rp->failed++ && rp->used < sizeof(rp->msg) - 1) {
		n = snprintf(rp->msg + rp->used, sizeof(rp->msg) - rp->used, "; ");
		rp->used += (size_t)n;
	}
	if (rp->used >= sizeof(rp->msg) - 1)
		return;
	va_start(ap, fmt);
	n = vsnprintf(rp->msg + rp->used, sizeof(rp->msg) - rp->used, fmt, ap);
	va_end(ap);
	if (n > 0)
		rp->used += (size_t)n;
	if (rp->used > sizeof(rp->msg) - 1)
		rp->used = sizeof(rp->msg) - 1;
}

static const char *amt(const struct report *rp, char *buf, int64_t minor)
{
	return mcg_amount_format_grouped(minor, rp->minor_digits, buf);
}

static int64_t at_least_zero(int64_t v)
{
	return v > 0 ? v : 0;
}

static void check_coverage(struct report *rp, const mcg_rules *r,
			   const mcg_guarantee_case *c)
{
	mcg_rules_format_scaled(c->coverage_bp, 2, rp->x, sizeof(rp->x));
	mcg_rules_format_scaled(r->coverage_max_bp, 2, rp->y, sizeof(rp->y));
	if (c->coverage_bp <= 0)
		fail(rp, "rule coverage_max: coverage %s%% must be above 0%%",
		     rp->x);
	else if (c->coverage_bp > r->coverage_max_bp)
		fail(rp, "rule coverage_max: coverage %s%% exceeds the maximum %s%%",
		     rp->x, rp->y);
}

static void check_party(struct report *rp, const mcg_rules *r,
			const mcg_party *p, const char *role)
{
	if (!p->active)
		fail(rp, "rule capital_min: %s %s is not an active member",
		     role, p->id);
	else if (p->capital_minor < r->capital_min_minor)
		fail(rp, "rule capital_min: %s %s has capital %s, below the minimum %s",
		     role, p->id, amt(rp, rp->a, p->capital_minor),
		     amt(rp, rp->b, r->capital_min_minor));
}

static void check_capital(struct report *rp, const mcg_rules *r,
			  const mcg_guarantee_case *c)
{
	check_party(rp, r, &c->borrower, "borrower");
	for (size_t i = 0; i < c->n_guarantors; i++)
		check_party(rp, r, &c->guarantors[i], "co-guarantor");
}

static void check_peer(struct report *rp, const mcg_rules *r,
		       const mcg_guarantee_case *c)
{
	const mcg_peer_result *p = &c->peer;

	if (p->eligible < (size_t)r->peer_quorum)
		fail(rp, "rule peer_quorum: %zu eligible assessment%s, %d required",
		     p->eligible, p->eligible == 1 ? "" : "s", r->peer_quorum);
	mcg_rules_format_scaled(r->peer_score_min_tenths, 1, rp->y,
				sizeof(rp->y));
	if (p->eligible == 0) {
		fail(rp, "rule peer_score_min: no eligible assessment, so no median score (minimum %s)",
		     rp->y);
		return;
	}
	if ((int64_t)p->median_x2 * 5 < r->peer_score_min_tenths)
		fail(rp, "rule peer_score_min: median score %s is below the minimum %s",
		     mcg_rules_format_scaled((int64_t)p->median_x2 * 5, 1, rp->x,
					     sizeof(rp->x)),
		     rp->y);
}

static void check_deposit(struct report *rp, const mcg_rules *r,
			  const mcg_guarantee_case *c)
{
	int64_t need;

	/* ga0 is an amount and deposit_min at most 100%: no overflow. */
	if (mcg_pct(c->ga0_minor, r->deposit_min_bp, &need))
		need = INT64_MAX;
	if (c->deposit_minor < need)
		fail(rp, "rule deposit_min: deposit %s is below %s%% of the guaranteed amount %s = %s",
		     amt(rp, rp->a, c->deposit_minor),
		     mcg_rules_format_scaled(r->deposit_min_bp, 2, rp->x,
					     sizeof(rp->x)),
		     amt(rp, rp->b, c->ga0_minor), amt(rp, rp->c, need));
}

/* 1 when amount > base x centi / 100, exactly; base below 0 counts as 0. */
static int exceeds_multiple(int64_t amount, int64_t base, int32_t centi)
{
	__int128 lhs = (__int128)amount * 100;
	__int128 rhs = (__int128)at_least_zero(base) * centi;

	return lhs > rhs;
}

static void check_multiplier(struct report *rp, const mcg_rules *r,
			     const mcg_guarantee_case *c)
{
	if (exceeds_multiple(c->total_ga_after_minor, c->fund_after_minor,
			     r->multiplier_max_centi))
		fail(rp, "rule multiplier_max: guarantees %s would exceed %s x fund %s",
		     amt(rp, rp->a, c->total_ga_after_minor),
		     mcg_rules_format_scaled(r->multiplier_max_centi, 2, rp->x,
					     sizeof(rp->x)),
		     amt(rp, rp->b, c->fund_after_minor));
}

static void check_single_name(struct report *rp, const mcg_rules *r,
			      const mcg_guarantee_case *c)
{
	int64_t limit;

	/* The fund is an int64 amount and the percentage at most 100%. */
	if (mcg_pct(at_least_zero(c->fund_after_minor), r->single_name_max_bp,
		    &limit))
		limit = INT64_MAX;
	if (c->borrower_ga_after_minor > limit)
		fail(rp, "rule single_name_max: the borrower's guarantees %s would exceed %s%% of fund %s = %s",
		     amt(rp, rp->a, c->borrower_ga_after_minor),
		     mcg_rules_format_scaled(r->single_name_max_bp, 2, rp->x,
					     sizeof(rp->x)),
		     amt(rp, rp->b, c->fund_after_minor), amt(rp, rp->c, limit));
}

static void check_leverage(struct report *rp, const mcg_rules *r,
			   const mcg_guarantee_case *c)
{
	mcg_rules_format_scaled(r->pledge_leverage_max_centi, 2, rp->x,
				sizeof(rp->x));
	for (size_t i = 0; i < c->n_guarantors; i++) {
		const mcg_party *g = &c->guarantors[i];

		if (exceeds_multiple(g->pledges_after_minor, g->capital_minor,
				     r->pledge_leverage_max_centi))
			fail(rp, "rule pledge_leverage_max: co-guarantor %s's pledges %s would exceed %s x capital %s",
			     g->id, amt(rp, rp->a, g->pledges_after_minor), rp->x,
			     amt(rp, rp->b, g->capital_minor));
	}
}

int mcg_rules_check_guarantee(const mcg_rules *rules,
			      const mcg_guarantee_case *c, int minor_digits,
			      mcg_error *err)
{
	struct report rp = { .minor_digits = minor_digits };

	check_coverage(&rp, rules, c);
	check_capital(&rp, rules, c);
	check_peer(&rp, rules, c);
	check_deposit(&rp, rules, c);
	check_multiplier(&rp, rules, c);
	check_single_name(&rp, rules, c);
	check_leverage(&rp, rules, c);
	if (!rp.failed) {
		mcg_error_clear(err);
		return MCG_OK;
	}
	return mcg_error_set(err, MCG_ERULE, "%s", rp.msg);
}
