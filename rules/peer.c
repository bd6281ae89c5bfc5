/*
 * Peer assessment (DOMAIN.md section 7): which assessments of a loan count
 * for a guarantee decided on a given day, their median, grade and PD, and
 * the expected loss that follows.
 *
 * Which assessment counts, and why in this order.  DOMAIN.md: "the eligible
 * assessments are, per assessor, the latest one on L, where the assessor is
 * not the borrower, is an active member, and the assessment is dated no
 * more than peer_max_age_days before t".  We read it as: take each
 * assessor's latest assessment, then ask whether that one is eligible.
 * A member's later opinion replaces its earlier one: if the latest is too
 * old, an earlier one does not come back to life.  (In the ledger the
 * question is moot for age, because dates never go back as sequence numbers
 * rise, so an earlier assessment is never younger than a later one; whether
 * the assessor is the borrower or active is the same for all of its
 * assessments.)  The one exception is an assessment dated after the
 * decision: as of that day it did not exist yet, so it can neither count nor
 * replace the assessor's earlier opinion.  Hence the precedence, first
 * match wins:
 *
 *   FUTURE      dated after the decision (it does not exist as of t);
 *   SUPERSEDED  the assessor has a later (higher seq) assessment that is
 *               not FUTURE;
 *   BORROWER    the assessor is the borrower;
 *   WITHDRAWN   the assessor is not an active member;
 *   TOO_OLD     dated more than peer_max_age_days before the decision
 *               (exactly peer_max_age_days before still counts);
 *   ELIGIBLE    otherwise.
 *
 * Finding the latest per assessor compares every pair, O(n^2), with no
 * allocation: n is the number of assessments of one loan, a few dozen.
 */
#include "rules.h"

#include <assert.h>
#include <string.h>

#include "money.h"

#define SCORE_MIN 1
#define SCORE_MAX 10

static int same_assessor(const mcg_assessment *a, const mcg_assessment *b)
{
	return strncmp(a->assessor, b->assessor, sizeof(a->assessor)) == 0;
}

/* 1 when list[i]'s assessor has a later assessment that exists as of the
 * decision day.  Equal seqs (never in a ledger) resolve to the later
 * index, so exactly one of them stays. */
static int is_superseded(const mcg_assessment *list, size_t n, size_t i,
			 int32_t date_days)
{
	for (size_t j = 0; j < n; j++) {
		if (j == i || list[j].date_days > date_days ||
		    !same_assessor(&list[j], &list[i]))
			continue;
		if (list[j].seq > list[i].seq ||
		    (list[j].seq == list[i].seq && j > i))
			return 1;
	}
	return 0;
}

static mcg_assessment_status status_of(const mcg_assessment *list, size_t n,
				       size_t i, const char *borrower,
				       int32_t date_days, const mcg_rules *rules)
{
	const mcg_assessment *a = &list[i];

	if (a->date_days > date_days)
		return MCG_ASSESS_FUTURE;
	if (is_superseded(list, n, i, date_days))
		return MCG_ASSESS_SUPERSEDED;
	if (strncmp(a->assessor, borrower, sizeof(a->assessor)) == 0)
		return MCG_ASSESS_BORROWER;
	if (!a->assessor_active)
		return MCG_ASSESS_WITHDRAWN;
	if ((int64_t)date_days - a->date_days > rules->peer_max_age_days)
		return MCG_ASSESS_TOO_OLD;
	return MCG_ASSESS_ELIGIBLE;
}

/* The k-th smallest score (0-based) of a histogram of scores. */
static int32_t kth_score(const size_t *hist, size_t k)
{
	for (int32_t s = SCORE_MIN; s <= SCORE_MAX; s++) {
		if (k < hist[s])
			return s;
		k -= hist[s];
	}
	assert(0 && "k beyond the histogram");
	return 0;
}

static int32_t median_x2_of(const size_t *hist, size_t m)
{
	if (m % 2 == 1)
		return 2 * kth_score(hist, m / 2);
	return kth_score(hist, m / 2 - 1) + kth_score(hist, m / 2);
}

void mcg_peer_evaluate(mcg_assessment *list, size_t n, const char *borrower,
		       int32_t date_days, const mcg_rules *rules,
		       mcg_peer_result *out)
{
	size_t hist[SCORE_MAX + 1] = { 0 };

	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < n; i++) {
		list[i].status = status_of(list, n, i, borrower, date_days, rules);
		if (list[i].status != MCG_ASSESS_ELIGIBLE)
			continue;
		/* The ledger only records scores 1..10. */
		assert(list[i].score >= SCORE_MIN && list[i].score <= SCORE_MAX);
		if (list[i].score < SCORE_MIN || list[i].score > SCORE_MAX)
			continue;
		hist[list[i].score]++;
		out->eligible++;
	}
	out->quorum_met = out->eligible >= (size_t)rules->peer_quorum;
	if (out->eligible == 0)
		return;
	out->median_x2 = median_x2_of(hist, out->eligible);
	out->grade = out->median_x2 / 2;
	out->pd_bp = rules->master_scale_pd_bp[out->grade - 1];
	/* median >= min/10  <=>  median_x2 * 5 >= min (all integers). */
	out->score_met = out->median_x2 * 5 >= rules->peer_score_min_tenths;
}

const char *mcg_assessment_status_name(mcg_assessment_status s)
{
	switch (s) {
	case MCG_ASSESS_ELIGIBLE:
		return "eligible";
	case MCG_ASSESS_BORROWER:
		return "borrower";
	case MCG_ASSESS_WITHDRAWN:
		return "withdrawn";
	case MCG_ASSESS_TOO_OLD:
		return "too old";
	case MCG_ASSESS_SUPERSEDED:
		return "superseded";
	case MCG_ASSESS_FUTURE:
		return "future";
	}
	return "unknown";
}

int mcg_expected_loss(int64_t ga_minor, int32_t pd_bp, int32_t lgd_bp,
		      int64_t *out_minor)
{
	int64_t at_risk;

	if (mcg_pct(ga_minor, pd_bp, &at_risk))
		return MCG_EINPUT;
	if (mcg_pct(at_risk, lgd_bp, out_minor))
		return MCG_EINPUT;
	return MCG_OK;
}
