/*
 * The table of rules and their ranges (see rules_int.h), shared by the XML
 * reader, the canonical text reader and writer, and the messages.
 */
#include "rules_int.h"

#include <assert.h>
#include <stddef.h>
#include <stdio.h>

#include "money.h"

#define FIELD(xml, text, kind, member, lo, hi) \
	{ xml, text, kind, offsetof(mcg_rules, member), lo, hi }

const struct rules_field mcg_rules_fields[] = {
	FIELD("coverage_max", "coverage_max_bp", RULES_PCT,
	      coverage_max_bp, 0, MCG_BP_FULL),
	FIELD("capital_min", "capital_min_minor", RULES_AMOUNT,
	      capital_min_minor, 0, INT64_MAX),
	FIELD("peer_quorum", "peer_quorum", RULES_INT,
	      peer_quorum, 1, MCG_RULES_QUORUM_MAX),
	FIELD("peer_score_min", "peer_score_min_tenths", RULES_TENTHS,
	      peer_score_min_tenths, 0, 100),
	FIELD("peer_max_age_days", "peer_max_age_days", RULES_INT,
	      peer_max_age_days, 0, MCG_RULES_DAYS_MAX),
	FIELD("deposit_min", "deposit_min_bp", RULES_PCT,
	      deposit_min_bp, 0, MCG_BP_FULL),
	FIELD("multiplier_max", "multiplier_max_centi", RULES_CENTI,
	      multiplier_max_centi, 0, MCG_RULES_MULTIPLIER_MAX_CENTI),
	FIELD("single_name_max", "single_name_max_bp", RULES_PCT,
	      single_name_max_bp, 0, MCG_BP_FULL),
	FIELD("pledge_leverage_max", "pledge_leverage_max_centi", RULES_CENTI,
	      pledge_leverage_max_centi, 0, MCG_RULES_MULTIPLIER_MAX_CENTI),
	FIELD("fee", "fee_bp", RULES_PCT, fee_bp, 0, MCG_BP_FULL),
	FIELD("fund_contribution", "fund_contribution_bp", RULES_PCT,
	      fund_contribution_bp, 0, MCG_BP_FULL),
	FIELD("default_dpd", "default_dpd_days", RULES_INT,
	      default_dpd_days, 1, MCG_RULES_DAYS_MAX),
	FIELD("lgd", "lgd_bp", RULES_PCT, lgd_bp, 0, MCG_BP_FULL),
};

const size_t mcg_rules_fields_n =
	sizeof(mcg_rules_fields) / sizeof(mcg_rules_fields[0]);

int64_t mcg_rules_field_get(const mcg_rules *r, const struct rules_field *f)
{
	const char *base = (const char *)r + f->offset;

	if (f->kind == RULES_AMOUNT)
		return *(const int64_t *)(const void *)base;
	return *(const int32_t *)(const void *)base;
}

void mcg_rules_field_set(mcg_rules *r, const struct rules_field *f,
			 int64_t v)
{
	char *base = (char *)r + f->offset;

	if (f->kind == RULES_AMOUNT) {
		*(int64_t *)(void *)base = v;
		return;
	}
	/* Callers check the range first, and every int32 field's range fits. */
	assert(v >= INT32_MIN && v <= INT32_MAX);
	*(int32_t *)(void *)base = (int32_t)v;
}

static int decimals_of(enum rules_kind kind)
{
	switch (kind) {
	case RULES_PCT:
	case RULES_CENTI:
		return 2;
	case RULES_TENTHS:
		return 1;
	case RULES_AMOUNT:
	case RULES_INT:
		break;
	}
	return 0;
}

int mcg_rules_check_value(const struct rules_field *f, int64_t v,
			  mcg_error *err)
{
	char lo[32], hi[32];
	int d = decimals_of(f->kind);

	if (v >= f->min && v <= f->max)
		return MCG_OK;
	if (f->kind == RULES_AMOUNT)
		return mcg_error_set(err, MCG_EINPUT,
				     "rule %s: must not be negative", f->name);
	return mcg_error_set(err, MCG_EINPUT, "rule %s: must be %s to %s%s",
			     f->name,
			     mcg_rules_format_scaled(f->min, d, lo, sizeof(lo)),
			     mcg_rules_format_scaled(f->max, d, hi, sizeof(hi)),
			     f->kind == RULES_PCT ? " percent" : "");
}

int mcg_rules_check_grade(const mcg_rules *r, int grade, mcg_error *err)
{
	int32_t pd = r->master_scale_pd_bp[grade - 1];
	char a[32], b[32];

	assert(grade >= 1 && grade <= MCG_GRADES);
	if (pd < 0 || pd > MCG_BP_FULL)
		return mcg_error_set(err, MCG_EINPUT,
				     "rule master_scale: the PD of grade %d must be 0 to 100 percent",
				     grade);
	if (grade > 1 && pd > r->master_scale_pd_bp[grade - 2])
		return mcg_error_set(err, MCG_EINPUT,
				     "rule master_scale: grade %d has PD %s%%, above grade %d's %s%%: a safer grade may not have a higher PD",
				     grade, mcg_rules_format_scaled(pd, 2, a, sizeof(a)),
				     grade - 1,
				     mcg_rules_format_scaled(r->master_scale_pd_bp[grade - 2],
							     2, b, sizeof(b)));
	return MCG_OK;
}

int mcg_rules_check_ranges(const mcg_rules *r, mcg_error *err)
{
	int rc;

	for (size_t i = 0; i < mcg_rules_fields_n; i++) {
		const struct rules_field *f = &mcg_rules_fields[i];

		rc = mcg_rules_check_value(f, mcg_rules_field_get(r, f), err);
		if (rc)
			return rc;
	}
	for (int g = 1; g <= MCG_GRADES; g++) {
		rc = mcg_rules_check_grade(r, g, err);
		if (rc)
			return rc;
	}
	return MCG_OK;
}

char *mcg_rules_format_scaled(int64_t v, int decimals, char *buf,
			      size_t bufsz)
{
	uint64_t mag = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
	uint64_t scale = 1, whole, frac;
	int digits = decimals;

	for (int i = 0; i < decimals; i++)
		scale *= 10;
	whole = mag / scale;
	frac = mag % scale;
	while (digits > 0 && frac % 10 == 0) {
		frac /= 10;
		digits--;
	}
	if (digits == 0)
		snprintf(buf, bufsz, "%s%llu", v < 0 ? "-" : "",
			 (unsigned long long)whole);
	else
		snprintf(buf, bufsz, "%s%llu.%0*llu", v < 0 ? "-" : "",
			 (unsigned long long)whole, digits,
			 (unsigned long long)frac);
	return buf;
}
