/*
 * Calibration of peer scores against what happened: per grade, how many
 * guaranteed loans ended and how many of them defaulted; the Brier score of
 * the PDs; and the AUC, how well the PDs rank defaulters above the loans
 * that were repaid.  These are statistics, so doubles are fine here.
 *
 * AUC is the Mann-Whitney statistic: over every pair of one defaulted and
 * one repaid loan, 1 when the defaulted loan had the higher PD, 1/2 when
 * the PDs are equal, 0 otherwise, divided by the number of pairs.  It is
 * computed by sorting the PDs, O(n log n); should memory run out, by
 * comparing every pair instead, which gives the same number.
 *
 * The caveat is the honest part: below MCG_CALIBRATION_MIN_OUTCOMES
 * outcomes, or fewer than MCG_CALIBRATION_MIN_CLASS defaults or
 * repayments, the numbers say little and the caveat says so.
 */
#include "rules.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct scored {
	int32_t pd_bp;
	int defaulted;
};

static int by_pd(const void *a, const void *b)
{
	const struct scored *x = a, *y = b;

	return (x->pd_bp > y->pd_bp) - (x->pd_bp < y->pd_bp);
}

/* Sum over (defaulted, repaid) pairs of 1, 1/2 or 0, by sorting. */
static int pair_score_sorted(const mcg_outcome *o, size_t n, double *out)
{
	struct scored *s = calloc(n, sizeof(*s));
	double sum = 0, repaid_below = 0;
	size_t i = 0;

	if (!s)
		return -1;
	for (size_t k = 0; k < n; k++)
		s[k] = (struct scored){ o[k].pd_bp, o[k].defaulted != 0 };
	qsort(s, n, sizeof(*s), by_pd);
	while (i < n) {
		double defaults = 0, repaid = 0;
		size_t j = i;

		for (; j < n && s[j].pd_bp == s[i].pd_bp; j++) {
			if (s[j].defaulted)
				defaults += 1;
			else
				repaid += 1;
		}
		sum += defaults * repaid_below + 0.5 * defaults * repaid;
		repaid_below += repaid;
		i = j;
	}
	free(s);
	*out = sum;
	return 0;
}

/* The same sum, comparing every pair: O(n^2) but needs no memory. */
static double pair_score_naive(const mcg_outcome *o, size_t n)
{
	double sum = 0;

	for (size_t i = 0; i < n; i++) {
		if (!o[i].defaulted)
			continue;
		for (size_t j = 0; j < n; j++) {
			if (o[j].defaulted)
				continue;
			if (o[i].pd_bp > o[j].pd_bp)
				sum += 1;
			else if (o[i].pd_bp == o[j].pd_bp)
				sum += 0.5;
		}
	}
	return sum;
}

static double auc_of(const mcg_outcome *o, size_t n, size_t n_defaults)
{
	double pairs = (double)n_defaults * (double)(n - n_defaults);
	double sum;

	if (n_defaults == 0 || n_defaults == n)
		return NAN;
	if (pair_score_sorted(o, n, &sum))
		sum = pair_score_naive(o, n);
	return sum / pairs;
}

static double brier_of(const mcg_outcome *o, size_t n)
{
	double sum = 0;

	if (n == 0)
		return NAN;
	for (size_t i = 0; i < n; i++) {
		double d = o[i].pd_bp / 10000.0 - (o[i].defaulted ? 1.0 : 0.0);

		sum += d * d;
	}
	return sum / (double)n;
}

static const char *plural(size_t k)
{
	return k == 1 ? "" : "s";
}

static void write_caveat(mcg_calibration *c)
{
	size_t repaid = c->n - c->n_defaults;

	if (c->n == 0) {
		snprintf(c->caveat, sizeof(c->caveat), "no outcomes yet");
		return;
	}
	if (c->n < MCG_CALIBRATION_MIN_OUTCOMES ||
	    c->n_defaults < MCG_CALIBRATION_MIN_CLASS ||
	    repaid < MCG_CALIBRATION_MIN_CLASS) {
		snprintf(c->caveat, sizeof(c->caveat),
			 "only %zu outcome%s (%zu default%s, %zu repaid): too few to judge calibration (at least %d outcomes with %d of each kind are needed)%s",
			 c->n, plural(c->n), c->n_defaults, plural(c->n_defaults),
			 repaid, MCG_CALIBRATION_MIN_OUTCOMES,
			 MCG_CALIBRATION_MIN_CLASS,
			 isnan(c->auc) ? "; AUC undefined without both defaults and repayments" : "");
		return;
	}
	snprintf(c->caveat, sizeof(c->caveat),
		 "%zu outcomes (%zu defaults): a first indication; grades with few outcomes remain noisy",
		 c->n, c->n_defaults);
}

void mcg_calibrate(const mcg_outcome *outcomes, size_t n,
		   mcg_calibration *out)
{
	memset(out, 0, sizeof(*out));
	out->n = n;
	for (size_t i = 0; i < n; i++) {
		int32_t g = outcomes[i].grade;
		int d = outcomes[i].defaulted != 0;

		out->n_defaults += (size_t)d;
		/* An outcome without a grade 1..10 still counts overall. */
		if (g < 1 || g > MCG_GRADES)
			continue;
		out->count[g - 1]++;
		out->defaults[g - 1] += (size_t)d;
	}
	out->brier = brier_of(outcomes, n);
	out->auc = auc_of(outcomes, n, out->n_defaults);
	write_caveat(out);
}
