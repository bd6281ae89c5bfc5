/*
 * Calibration on small samples computed by hand: counts per grade, the
 * Brier score, the AUC with ties, and an honest caveat.
 */
#include <criterion/criterion.h>

#include <math.h>
#include <string.h>

#include "rules/rules.h"

#define EPS 1e-12

static int contains(const char *haystack, const char *needle)
{
	return strstr(haystack, needle) != NULL;
}

Test(rules_calibrate, no_outcomes_yet)
{
	mcg_calibration c;

	mcg_calibrate(NULL, 0, &c);
	cr_assert_eq(c.n, 0);
	cr_assert_eq(c.n_defaults, 0);
	cr_assert(isnan(c.brier));
	cr_assert(isnan(c.auc));
	cr_assert_str_eq(c.caveat, "no outcomes yet");
}

Test(rules_calibrate, four_outcomes_by_hand)
{
	const mcg_outcome o[] = {
		{ 1, 3000, 1 },
		{ 5, 200, 0 },
		{ 5, 200, 1 },
		{ 8, 25, 0 },
	};
	mcg_calibration c;

	mcg_calibrate(o, 4, &c);
	cr_assert_eq(c.n, 4);
	cr_assert_eq(c.n_defaults, 2);
	cr_assert_eq(c.count[0], 1);
	cr_assert_eq(c.defaults[0], 1);
	cr_assert_eq(c.count[4], 2);
	cr_assert_eq(c.defaults[4], 1);
	cr_assert_eq(c.count[7], 1);
	cr_assert_eq(c.defaults[7], 0);
	cr_assert_eq(c.count[9], 0);
	/* (0.49 + 0.0004 + 0.9604 + 0.00000625) / 4 */
	cr_assert(fabs(c.brier - 0.3627015625) < EPS, "brier %.12f", c.brier);
	/* pairs (0.30,0.02)=1 (0.30,0.0025)=1 (0.02,0.02)=1/2 (0.02,0.0025)=1 */
	cr_assert(fabs(c.auc - 0.875) < EPS, "auc %.12f", c.auc);
	cr_assert(contains(c.caveat, "only 4 outcomes (2 defaults, 2 repaid)"),
		  "%s", c.caveat);
	cr_assert(contains(c.caveat, "too few to judge calibration"), "%s",
		  c.caveat);
}

Test(rules_calibrate, perfect_and_inverted_ranking)
{
	const mcg_outcome good[] = {
		{ 1, 3000, 1 }, { 2, 1500, 1 }, { 9, 10, 0 }, { 10, 5, 0 },
	};
	const mcg_outcome bad[] = {
		{ 1, 3000, 0 }, { 2, 1500, 0 }, { 9, 10, 1 }, { 10, 5, 1 },
	};
	const mcg_outcome tied[] = {
		{ 5, 200, 0 }, { 5, 200, 1 }, { 5, 200, 0 },
	};
	mcg_calibration c;

	mcg_calibrate(good, 4, &c);
	cr_assert(fabs(c.auc - 1.0) < EPS, "auc %f", c.auc);
	mcg_calibrate(bad, 4, &c);
	cr_assert(fabs(c.auc - 0.0) < EPS, "auc %f", c.auc);
	mcg_calibrate(tied, 3, &c);
	cr_assert(fabs(c.auc - 0.5) < EPS, "auc %f", c.auc);
}

Test(rules_calibrate, one_class_only_has_no_auc)
{
	const mcg_outcome repaid[] = { { 9, 10, 0 }, { 10, 5, 0 } };
	const mcg_outcome defaulted[] = { { 1, 3000, 1 } };
	mcg_calibration c;

	mcg_calibrate(repaid, 2, &c);
	cr_assert(isnan(c.auc));
	/* (0.001^2 + 0.0005^2) / 2 */
	cr_assert(fabs(c.brier - 0.000000625) < EPS, "brier %.12f", c.brier);
	cr_assert(contains(c.caveat, "only 2 outcomes (0 defaults, 2 repaid)"),
		  "%s", c.caveat);
	cr_assert(contains(c.caveat, "AUC undefined"), "%s", c.caveat);
	mcg_calibrate(defaulted, 1, &c);
	cr_assert(isnan(c.auc));
	cr_assert(fabs(c.brier - 0.49) < EPS);
	cr_assert(contains(c.caveat, "only 1 outcome (1 default, 0 repaid)"),
		  "%s", c.caveat);
}

/* The sorted computation against every pair compared by hand. */
Test(rules_calibrate, auc_matches_pairwise_count_with_many_ties)
{
	mcg_outcome o[200];
	mcg_calibration c;
	double sum = 0, pairs = 0;
	uint32_t x = 12345;

	for (size_t i = 0; i < 200; i++) {
		x = x * 1103515245u + 12345u;
		o[i].grade = (int32_t)((x >> 16) % 10) + 1;
		o[i].pd_bp = (int32_t)(10 * (11 - o[i].grade));
		o[i].defaulted = ((x >> 8) % 7) < (uint32_t)(11 - o[i].grade) / 2;
	}
	for (size_t i = 0; i < 200; i++)
		for (size_t j = 0; j < 200; j++) {
			if (!o[i].defaulted || o[j].defaulted)
				continue;
			pairs += 1;
			sum += o[i].pd_bp > o[j].pd_bp ? 1.0 :
			       o[i].pd_bp == o[j].pd_bp ? 0.5 : 0.0;
		}
	cr_assert_gt(pairs, 0);
	mcg_calibrate(o, 200, &c);
	cr_assert(fabs(c.auc - sum / pairs) < EPS, "auc %f vs %f", c.auc,
		  sum / pairs);
	cr_assert_gt(c.auc, 0.5);
}

Test(rules_calibrate, enough_outcomes_lose_the_too_few_caveat)
{
	mcg_outcome o[40];
	mcg_calibration c;
	size_t total = 0;

	for (size_t i = 0; i < 40; i++) {
		o[i].grade = i < 5 ? 2 : 8;
		o[i].pd_bp = i < 5 ? 1500 : 25;
		o[i].defaulted = i < 5;
	}
	mcg_calibrate(o, 40, &c);
	cr_assert_eq(c.n, 40);
	cr_assert_eq(c.n_defaults, 5);
	for (int g = 0; g < MCG_GRADES; g++)
		total += c.count[g];
	cr_assert_eq(total, 40);
	cr_assert(fabs(c.auc - 1.0) < EPS);
	cr_assert(!contains(c.caveat, "too few"), "%s", c.caveat);
	cr_assert(contains(c.caveat, "40 outcomes (5 defaults)"), "%s",
		  c.caveat);
	/* One default fewer, and the sample is too thin again. */
	o[0].defaulted = 0;
	mcg_calibrate(o, 40, &c);
	cr_assert(contains(c.caveat, "too few"), "%s", c.caveat);
}

Test(rules_calibrate, outcome_without_a_grade_counts_overall_only)
{
	const mcg_outcome o[] = { { 0, 200, 1 }, { 11, 200, 0 }, { 3, 800, 0 } };
	mcg_calibration c;
	size_t total = 0;

	mcg_calibrate(o, 3, &c);
	cr_assert_eq(c.n, 3);
	cr_assert_eq(c.n_defaults, 1);
	for (int g = 0; g < MCG_GRADES; g++)
		total += c.count[g];
	cr_assert_eq(total, 1);
	cr_assert_eq(c.count[2], 1);
}
