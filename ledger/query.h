/*
 * Reading the state for people and reports: a member's exposure, the
 * guarantees, the peer scores of a loan and the calibration of scores
 * against outcomes.
 *
 * Everything here only reads; nothing here writes SQL the CLI could get
 * wrong.  The CLI (cli/cmd_views.c) and the XML reports print what these
 * functions fill in.  Figures follow DOMAIN.md exactly: the exposure of
 * section 6, GA of section 4, the peer assessment of section 7.
 *
 * Ownership: structs filled through a pointer may own arrays; each type has
 * a _free that releases them (and accepts NULL or a zeroed struct).
 * Iterators returned through **out are freed with their _free.
 *
 * Return codes: 0 (MCG_OK), MCG_EINPUT for an unknown member or loan,
 * MCG_ESYS for a database or memory failure, MCG_EINTEGRITY when the state
 * holds figures that cannot be (a sum that overflows, damaged rules).
 * Iterators' _next return 1 for a row, 0 at the end, or a negative code.
 */
#ifndef MCG_QUERY_H
#define MCG_QUERY_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "ledger.h"
#include "rules/rules.h"

/* Ids are at most 32 bytes (DOMAIN.md section 4); BICs 11; statuses 9. */
#define MCG_ID_TEXT_MAX 33
#define MCG_BIC_TEXT_MAX 12
#define MCG_STATUS_TEXT_MAX 16
/* "6" or "6.5", with room for any int32_t. */
#define MCG_SCORE_TEXT_MAX 16

/* ---- exposure (DOMAIN.md section 6) ------------------------------------ */

/* One of the member's own loans. */
typedef struct mcg_exposure_loan {
	char loan[MCG_ID_TEXT_MAX];
	char bank[MCG_BIC_TEXT_MAX];
	char status[MCG_STATUS_TEXT_MAX];
	int64_t principal_minor;
	int64_t outstanding_minor;
	int64_t ga_minor;             /* GA now (section 4) */
	int64_t deposit_minor;        /* -balance of deposit:<loan> */
} mcg_exposure_loan;

/* One pledge the member made for another member's loan. */
typedef struct mcg_exposure_pledge {
	char loan[MCG_ID_TEXT_MAX];
	char borrower[MCG_ID_TEXT_MAX];
	char status[MCG_STATUS_TEXT_MAX];  /* the loan's */
	int64_t pledge_minor;         /* the amount pledged */
	int64_t pledges_total_minor;  /* Σ pledges of all co-guarantors */
	int64_t ga_minor;             /* the loan's GA now */
	/* The member's part of min(GA, Σ pledges), allocated by pledge (ties:
	 * member id ascending): counted in `pledged` while the loan is active
	 * or defaulted, 0 otherwise. */
	int64_t at_risk_minor;
	int64_t loss_minor;           /* what a call made it owe */
	int64_t recovered_minor;      /* what recoveries gave back */
} mcg_exposure_pledge;

typedef struct mcg_exposure {
	char member[MCG_ID_TEXT_MAX];
	char name[MCG_NAME_MAX + 1];
	int active;                   /* 0: withdrawn */
	int64_t borrowed_minor;       /* Σ outstanding, loans applied/active/defaulted */
	int64_t guaranteed_minor;     /* Σ GA of its loans */
	int64_t pledged_minor;        /* Σ at_risk of its pledges */
	int64_t due_minor;            /* balance of due:M; > 0: M owes */
	int64_t deposit_minor;        /* Σ -balance of deposit:L over its loans */
	int64_t capital_minor;        /* -balance of capital:M */
	/* The detail, filled by mcg_exposure_get only (the iterator leaves
	 * these NULL/0): loans and pledges sorted by loan id. */
	mcg_exposure_loan *loans;
	size_t n_loans;
	mcg_exposure_pledge *pledges;
	size_t n_pledges;
} mcg_exposure;

/*
 * The exposure of one member with its detail.  Reads through the indexes
 * on loan_terms(borrower) and pledges(member): the cost grows with the member's
 * own loans and pledges, not with the portfolio.  MCG_EINPUT if the member
 * is not known.  Free with mcg_exposure_free.
 */
int mcg_exposure_get(mcg_ledger *L, const char *member, mcg_exposure *out,
		     mcg_error *err);

/* Releases the detail arrays; e may be NULL. */
void mcg_exposure_free(mcg_exposure *e);

/*
 * Every member's exposure (withdrawn members too), in member id byte
 * order, totals only.  Opening aggregates the whole portfolio in one pass
 * over loans, pledges and balances (O(loans + pledges + members log
 * members)), inside one read transaction that lasts until the iterator is
 * freed, so every row is of the same moment.  Do not record events on L
 * while an iterator is open.
 */
typedef struct mcg_exposure_iter mcg_exposure_iter;
int mcg_exposure_iter_open(mcg_ledger *L, mcg_exposure_iter **out,
			   mcg_error *err);
/* Fills out (detail left empty).  1: a row, 0: the end, < 0: an error. */
int mcg_exposure_iter_next(mcg_exposure_iter *it, mcg_exposure *out,
			   mcg_error *err);
void mcg_exposure_iter_free(mcg_exposure_iter *it);

/* ---- guarantees ---------------------------------------------------------- */

/* One loan and its guarantee, if it has one. */
typedef struct mcg_guarantee_row {
	char loan[MCG_ID_TEXT_MAX];
	char borrower[MCG_ID_TEXT_MAX];
	char bank[MCG_BIC_TEXT_MAX];
	char status[MCG_STATUS_TEXT_MAX];
	int64_t principal_minor;
	int64_t outstanding_minor;
	int64_t ga_minor;             /* GA now (section 4) */
	int guaranteed;               /* 1 once a guarantee was given */
	/* The guarantee's figures, 0 when guaranteed is 0. */
	int32_t coverage_bp;
	int has_cap;
	int64_t cap_minor;
	int64_t deposit_minor;        /* the deposit given with the guarantee */
	int64_t ga0_minor;
	int32_t score_x2;             /* twice the median it was decided on */
	int32_t pd_bp;
	int64_t rules_version;
} mcg_guarantee_row;

/* Every loan, sorted by loan id (byte order). */
typedef struct mcg_guarantee_iter mcg_guarantee_iter;
int mcg_guarantee_iter_open(mcg_ledger *L, mcg_guarantee_iter **out,
			    mcg_error *err);
int mcg_guarantee_iter_next(mcg_guarantee_iter *it, mcg_guarantee_row *out,
			    mcg_error *err);
void mcg_guarantee_iter_free(mcg_guarantee_iter *it);

/* Writes a median held twice over as "6" or "6.5".  buf holds
 * MCG_SCORE_TEXT_MAX bytes.  Returns buf. */
char *mcg_score_format(int32_t score_x2, char *buf);

/* ---- peer scores of a loan ----------------------------------------------- */

typedef struct mcg_scores {
	char loan[MCG_ID_TEXT_MAX];
	char borrower[MCG_ID_TEXT_MAX];
	char status[MCG_STATUS_TEXT_MAX];
	int32_t date_days;            /* the day the assessments were judged for */
	int64_t rules_version;        /* the rules in force then, used to judge them */
	mcg_rules rules;
	/* Every assessment of the loan sorted by assessor (byte order), then
	 * date, then sequence; status set by mcg_peer_evaluate. */
	mcg_assessment *list;
	size_t n;
	mcg_peer_result result;       /* as of date_days under the rules in force */
	/* The guarantee, if the loan has one: what it was decided on. */
	int guaranteed;
	int32_t decided_date_days;
	int64_t decided_seq;
	int64_t decided_rules_version;
	int32_t decided_score_x2;
	int32_t decided_pd_bp;
	int64_t decided_eligible;
	int64_t ga_minor;             /* GA now */
	int64_t el_minor;             /* pct(pct(GA, decided PD), el_lgd_bp) */
	int32_t el_lgd_bp;            /* LGD of the rules in force now */
} mcg_scores;

/* Most assessments of one loan that `scores` reads (the peer evaluation
 * compares every pair). */
#define MCG_SCORES_MAX 10000

/*
 * The assessments of a loan judged as of date_days (DOMAIN.md section 7)
 * under the rules in force, and the guarantee's own figures if it has one.
 * MCG_EINPUT if the loan is unknown or has more than MCG_SCORES_MAX
 * assessments.  Free with mcg_scores_free.
 */
int mcg_scores_get(mcg_ledger *L, const char *loan, int32_t date_days,
		   mcg_scores *out, mcg_error *err);
void mcg_scores_free(mcg_scores *s);

/*
 * The business day a decision taken now would carry: today (UTC), or the
 * latest date in the ledger if that is later (no event may be dated before
 * it).  `scores LOAN` judges the assessments as of this day by default.
 */
int mcg_query_decision_date(mcg_ledger *L, int32_t *out_days, mcg_error *err);

/* The business day of loan's guarantee; *found is 0 when it has none. */
int mcg_query_guarantee_date(mcg_ledger *L, const char *loan, int32_t *out_days,
			     int *found, mcg_error *err);

/* ---- calibration ----------------------------------------------------------- */

typedef struct mcg_calibration_report {
	mcg_calibration cal;
	/* Σ of the PDs the outcomes of each grade were guaranteed on (their
	 * mean is the grade's predicted PD; rules may have changed). */
	int64_t pd_sum_bp[MCG_GRADES];
	int64_t pd_sum_all_bp;
	/* The master scale of the rules in force, for grades with no outcome. */
	int32_t scale_pd_bp[MCG_GRADES];
	int64_t rules_version;
} mcg_calibration_report;

/*
 * The calibration of peer scores: the outcomes are the guaranteed loans
 * that were repaid (0) or defaulted (1: defaulted, called or closed), each
 * with the grade and PD its guarantee was decided on (mcg_calibrate).
 */
int mcg_calibration_get(mcg_ledger *L, mcg_calibration_report *out,
			mcg_error *err);

#endif
