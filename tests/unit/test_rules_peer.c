/*
 * Peer assessment: which assessments count (every exclusion and the age
 * boundary), the median for odd and even counts and ties, the grade and its
 * PD, and the expected loss.
 */
#include <criterion/criterion.h>

#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "rules/rules.h"

#define T 20000 /* the decision day, in days since 1970 */

static mcg_rules defaults(void)
{
	mcg_rules r;
	mcg_error err;

	cr_assert_eq(mcg_rules_default(2, &r, &err), 0, "%s", err.msg);
	return r;
}

static mcg_assessment make(int64_t seq, const char *assessor, int32_t score,
			   int32_t date_days, int active)
{
	mcg_assessment a;

	memset(&a, 0, sizeof(a));
	a.seq = seq;
	cr_assert_eq(mcg_strlcpy(a.assessor, assessor, sizeof(a.assessor)), 0);
	a.score = score;
	a.date_days = date_days;
	a.assessor_active = active;
	a.status = (mcg_assessment_status)99;
	return a;
}

/* Scores by distinct active assessors, all dated on the decision day. */
static mcg_peer_result evaluate_scores(const int32_t *scores, size_t n,
				       const mcg_rules *r)
{
	mcg_assessment list[32];
	mcg_peer_result out;
	char id[8];

	cr_assert_leq(n, 32);
	for (size_t i = 0; i < n; i++) {
		snprintf(id, sizeof(id), "m%zu", i);
		list[i] = make((int64_t)i + 1, id, scores[i], T, 1);
	}
	mcg_peer_evaluate(list, n, "borrower", T, r, &out);
	for (size_t i = 0; i < n; i++)
		cr_assert_eq(list[i].status, MCG_ASSESS_ELIGIBLE);
	return out;
}

/* ---- median, grade and PD ---------------------------------------------- */

Test(rules_peer, odd_count_takes_the_middle)
{
	mcg_rules r = defaults();
	int32_t s[] = { 4, 7, 6 };
	mcg_peer_result p = evaluate_scores(s, 3, &r);

	cr_assert_eq(p.eligible, 3);
	cr_assert_eq(p.median_x2, 12);
	cr_assert_eq(p.grade, 6);
	cr_assert_eq(p.pd_bp, 100);
	cr_assert(p.quorum_met);
	cr_assert(p.score_met);
}

Test(rules_peer, even_count_takes_the_mean_of_the_two_middles)
{
	mcg_rules r = defaults();
	int32_t s[] = { 8, 5, 7, 6 };
	mcg_peer_result p = evaluate_scores(s, 4, &r);

	cr_assert_eq(p.eligible, 4);
	cr_assert_eq(p.median_x2, 13);  /* 6.5 */
	cr_assert_eq(p.grade, 6);       /* rounded down */
	cr_assert_eq(p.pd_bp, 100);
	cr_assert(p.score_met);
}

Test(rules_peer, ties)
{
	mcg_rules r = defaults();
	int32_t a[] = { 5, 9, 5, 5 };
	int32_t b[] = { 7, 3, 7, 7 };
	int32_t c[] = { 2, 2, 9, 9, 9 };
	mcg_peer_result p;

	p = evaluate_scores(a, 4, &r);
	cr_assert_eq(p.median_x2, 10);
	p = evaluate_scores(b, 4, &r);
	cr_assert_eq(p.median_x2, 14);
	p = evaluate_scores(c, 5, &r);
	cr_assert_eq(p.median_x2, 18);
	cr_assert_eq(p.grade, 9);
	cr_assert_eq(p.pd_bp, 10);
}

Test(rules_peer, score_min_boundary_in_halves_and_tenths)
{
	mcg_rules r = defaults();
	int32_t below[] = { 4, 5, 4, 5 };     /* 4.5 < 5 */
	int32_t at[] = { 5, 5, 4, 6 };        /* 5 >= 5 */
	mcg_peer_result p;

	p = evaluate_scores(below, 4, &r);
	cr_assert_eq(p.median_x2, 9);
	cr_assert_eq(p.grade, 4);
	cr_assert_not(p.score_met);
	p = evaluate_scores(at, 4, &r);
	cr_assert_eq(p.median_x2, 10);
	cr_assert(p.score_met);
	r.peer_score_min_tenths = 45;         /* 4.5 >= 4.5 */
	p = evaluate_scores(below, 4, &r);
	cr_assert(p.score_met);
	r.peer_score_min_tenths = 46;         /* 4.5 < 4.6 */
	p = evaluate_scores(below, 4, &r);
	cr_assert_not(p.score_met);
}

Test(rules_peer, quorum_boundary)
{
	mcg_rules r = defaults();
	int32_t two[] = { 8, 8 };
	int32_t three[] = { 8, 8, 8 };

	cr_assert_not(evaluate_scores(two, 2, &r).quorum_met);
	cr_assert(evaluate_scores(three, 3, &r).quorum_met);
}

Test(rules_peer, pd_of_every_grade)
{
	mcg_rules r = defaults();
	static const int32_t scale[] = {
		3000, 1500, 800, 400, 200, 100, 50, 25, 10, 5
	};

	for (int32_t s = 1; s <= 10; s++) {
		mcg_peer_result p = evaluate_scores(&s, 1, &r);

		cr_assert_eq(p.grade, s);
		cr_assert_eq(p.pd_bp, scale[s - 1], "grade %d", s);
		cr_assert_eq(p.score_met, s >= 5);
	}
}

Test(rules_peer, nothing_eligible)
{
	mcg_rules r = defaults();
	mcg_peer_result p;

	memset(&p, 0x7f, sizeof(p));
	mcg_peer_evaluate(NULL, 0, "b", T, &r, &p);
	cr_assert_eq(p.eligible, 0);
	cr_assert_eq(p.median_x2, 0);
	cr_assert_eq(p.grade, 0);
	cr_assert_eq(p.pd_bp, 0);
	cr_assert_not(p.quorum_met);
	cr_assert_not(p.score_met);
}

/* ---- eligibility ------------------------------------------------------- */

Test(rules_peer, every_exclusion)
{
	mcg_rules r = defaults();
	mcg_assessment l[] = {
		make(1, "old", 2, T - 10, 1),      /* superseded by seq 7 */
		make(2, "b", 10, T - 1, 1),        /* the borrower */
		make(3, "gone", 10, T - 1, 0),     /* withdrawn */
		make(4, "stale", 10, T - 181, 1),  /* too old */
		make(5, "ok1", 3, T - 180, 1),     /* exactly the limit: counts */
		make(6, "later", 10, T + 1, 1),    /* after the decision */
		make(7, "old", 6, T, 1),
		make(8, "ok2", 8, T - 5, 1),
	};
	mcg_peer_result p;

	mcg_peer_evaluate(l, 8, "b", T, &r, &p);
	cr_assert_eq(l[0].status, MCG_ASSESS_SUPERSEDED);
	cr_assert_eq(l[1].status, MCG_ASSESS_BORROWER);
	cr_assert_eq(l[2].status, MCG_ASSESS_WITHDRAWN);
	cr_assert_eq(l[3].status, MCG_ASSESS_TOO_OLD);
	cr_assert_eq(l[4].status, MCG_ASSESS_ELIGIBLE);
	cr_assert_eq(l[5].status, MCG_ASSESS_FUTURE);
	cr_assert_eq(l[6].status, MCG_ASSESS_ELIGIBLE);
	cr_assert_eq(l[7].status, MCG_ASSESS_ELIGIBLE);
	cr_assert_eq(p.eligible, 3);
	cr_assert_eq(p.median_x2, 12); /* 3, 6, 8 */
	cr_assert(p.quorum_met);
}

Test(rules_peer, age_boundary_follows_the_rule)
{
	mcg_rules r = defaults();
	mcg_assessment l[] = {
		make(1, "a", 5, T - 30, 1),
		make(2, "c", 5, T - 31, 1),
		make(3, "d", 5, T, 1),
	};
	mcg_peer_result p;

	r.peer_max_age_days = 30;
	mcg_peer_evaluate(l, 3, "b", T, &r, &p);
	cr_assert_eq(l[0].status, MCG_ASSESS_ELIGIBLE);
	cr_assert_eq(l[1].status, MCG_ASSESS_TOO_OLD);
	cr_assert_eq(l[2].status, MCG_ASSESS_ELIGIBLE);
	r.peer_max_age_days = 0;
	mcg_peer_evaluate(l, 3, "b", T, &r, &p);
	cr_assert_eq(l[0].status, MCG_ASSESS_TOO_OLD);
	cr_assert_eq(l[2].status, MCG_ASSESS_ELIGIBLE);
	cr_assert_eq(p.eligible, 1);
}

Test(rules_peer, latest_is_by_seq_in_any_list_order)
{
	mcg_rules r = defaults();
	mcg_assessment l[] = {
		make(9, "a", 9, T, 1),
		make(4, "a", 1, T, 1),
		make(6, "a", 2, T, 1),
	};
	mcg_peer_result p;

	mcg_peer_evaluate(l, 3, "b", T, &r, &p);
	cr_assert_eq(l[0].status, MCG_ASSESS_ELIGIBLE);
	cr_assert_eq(l[1].status, MCG_ASSESS_SUPERSEDED);
	cr_assert_eq(l[2].status, MCG_ASSESS_SUPERSEDED);
	cr_assert_eq(p.eligible, 1);
	cr_assert_eq(p.median_x2, 18);
}

/* An assessment dated after the decision did not exist as of that day: it
 * does not replace the assessor's earlier one. */
Test(rules_peer, future_assessment_does_not_supersede)
{
	mcg_rules r = defaults();
	mcg_assessment l[] = {
		make(1, "a", 3, T - 10, 1),
		make(2, "a", 9, T + 1, 1),
	};
	mcg_peer_result p;

	mcg_peer_evaluate(l, 2, "b", T, &r, &p);
	cr_assert_eq(l[0].status, MCG_ASSESS_ELIGIBLE);
	cr_assert_eq(l[1].status, MCG_ASSESS_FUTURE);
	cr_assert_eq(p.median_x2, 6);
}

/* The latest opinion replaces earlier ones even when the latest is itself
 * excluded: an older assessment never comes back to life. */
Test(rules_peer, excluded_latest_still_supersedes)
{
	mcg_rules r = defaults();
	mcg_assessment l[] = {
		make(1, "a", 9, T - 10, 1),
		make(2, "a", 3, T - 200, 1),
	};
	mcg_peer_result p;

	mcg_peer_evaluate(l, 2, "b", T, &r, &p);
	cr_assert_eq(l[0].status, MCG_ASSESS_SUPERSEDED);
	cr_assert_eq(l[1].status, MCG_ASSESS_TOO_OLD);
	cr_assert_eq(p.eligible, 0);
}

Test(rules_peer, precedence_when_several_apply)
{
	mcg_rules r = defaults();
	mcg_assessment l[] = {
		/* the borrower, withdrawn, too old and superseded */
		make(1, "b", 5, T - 400, 0),
		/* the borrower, withdrawn and too old */
		make(2, "b", 5, T - 300, 0),
		/* withdrawn and too old */
		make(3, "w", 5, T - 300, 0),
		/* a future assessment by the borrower */
		make(4, "b", 5, T + 5, 0),
	};
	mcg_peer_result p;

	mcg_peer_evaluate(l, 4, "b", T, &r, &p);
	cr_assert_eq(l[0].status, MCG_ASSESS_SUPERSEDED);
	cr_assert_eq(l[1].status, MCG_ASSESS_BORROWER);
	cr_assert_eq(l[2].status, MCG_ASSESS_WITHDRAWN);
	cr_assert_eq(l[3].status, MCG_ASSESS_FUTURE);
	cr_assert_eq(p.eligible, 0);
}

Test(rules_peer, status_names)
{
	cr_assert_str_eq(mcg_assessment_status_name(MCG_ASSESS_ELIGIBLE),
			 "eligible");
	cr_assert_str_eq(mcg_assessment_status_name(MCG_ASSESS_BORROWER),
			 "borrower");
	cr_assert_str_eq(mcg_assessment_status_name(MCG_ASSESS_WITHDRAWN),
			 "withdrawn");
	cr_assert_str_eq(mcg_assessment_status_name(MCG_ASSESS_TOO_OLD),
			 "too old");
	cr_assert_str_eq(mcg_assessment_status_name(MCG_ASSESS_SUPERSEDED),
			 "superseded");
	cr_assert_str_eq(mcg_assessment_status_name(MCG_ASSESS_FUTURE),
			 "future");
}

/* ---- expected loss ----------------------------------------------------- */

Test(rules_peer, expected_loss)
{
	int64_t el = -1;

	/* 80,000.00 x 2% = 1,600.00; x 45% = 720.00 */
	cr_assert_eq(mcg_expected_loss(8000000, 200, 4500, &el), 0);
	cr_assert_eq(el, 72000);
	/* 1.00 x 1.5% = 0.015 -> 0.02 (half up); x 25% = 0.005 -> 0.01 */
	cr_assert_eq(mcg_expected_loss(100, 150, 2500, &el), 0);
	cr_assert_eq(el, 1);
	/* 1.00 x 1.49% = 0.0149 -> 0.01; x 49.99% = 0.004999 -> 0.00 */
	cr_assert_eq(mcg_expected_loss(100, 149, 4999, &el), 0);
	cr_assert_eq(el, 0);
	cr_assert_eq(mcg_expected_loss(0, 3000, 4500, &el), 0);
	cr_assert_eq(el, 0);
}

Test(rules_peer, expected_loss_overflow_is_an_error)
{
	int64_t el;

	cr_assert_eq(mcg_expected_loss(INT64_MAX, 10000, 10000, &el), 0);
	cr_assert_eq(el, INT64_MAX);
	cr_assert_eq(mcg_expected_loss(INT64_MAX, 20000, 10000, &el),
		     MCG_EINPUT);
	cr_assert_eq(mcg_expected_loss(INT64_MAX / 2, 10000, 30000, &el),
		     MCG_EINPUT);
}
