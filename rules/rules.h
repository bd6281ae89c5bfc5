/*
 * The consortium's rules (DOMAIN.md section 7): reading them from XML and
 * judging a proposed guarantee against them.
 *
 * Everything here is a pure function of its arguments: no database, no
 * globals.  The ledger gathers the state as it would be after the event
 * into an mcg_guarantee_case and asks mcg_rules_check_guarantee; the
 * answer is "pass" or every failed rule with its figures.
 *
 * Rules files are XML in the namespace "urn:mcg:rules:1", validated
 * against rules/rules.xsd (embedded in the binary); rules/default.xml
 * holds the defaults of DOMAIN.md.
 */
#ifndef MCG_RULES_H
#define MCG_RULES_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"

#define MCG_GRADES 10

/* The figures of one rules version.  Units are in the names. */
typedef struct mcg_rules {
	int32_t coverage_max_bp;          /* 80%   -> 8000 */
	int64_t capital_min_minor;        /* 250.00 -> 25000 (EUR) */
	int32_t peer_quorum;              /* 3 */
	int32_t peer_score_min_tenths;    /* 5 -> 50; the median must be >= */
	int32_t peer_max_age_days;        /* 180 */
	int32_t deposit_min_bp;           /* 0% -> 0 */
	int32_t multiplier_max_centi;     /* 15 -> 1500 (two decimals allowed) */
	int32_t single_name_max_bp;       /* 25% -> 2500 */
	int32_t pledge_leverage_max_centi;/* 10 -> 1000 */
	int32_t fee_bp;                   /* 1.00% -> 100 */
	int32_t fund_contribution_bp;     /* 0.50% -> 50 */
	int32_t default_dpd_days;         /* 90 */
	int32_t lgd_bp;                   /* 45% -> 4500 */
	int32_t master_scale_pd_bp[MCG_GRADES]; /* [0] is grade 1: 30% -> 3000 */
} mcg_rules;

/* The built-in default rules file (rules/default.xml) and schema. */
extern const char mcg_rules_default_xml[];
extern const size_t mcg_rules_default_xml_len;
extern const char mcg_rules_xsd[];
extern const size_t mcg_rules_xsd_len;

/*
 * Parses and validates a rules document held in memory.  `name` names it in
 * errors ("rules.xml:12:5: ...").  minor_digits is the ledger currency's
 * (capital_min is an amount).  Hostile XML is refused (see xmlsafe.h).
 * Besides the XSD, checks ranges the XSD cannot (percentages 0..100,
 * positive quorum, master scale PDs non-increasing from grade 1 to 10).
 * Every error names the input, the line where known, and the rule.
 * *out is written only on success.  Returns 0 or MCG_EINPUT (MCG_ESYS
 * only when memory runs out).
 */
int mcg_rules_parse(const char *xml, size_t len, const char *name,
		    int minor_digits, mcg_rules *out, mcg_error *err);

/* Reads and parses a rules file (bounded size).  Returns 0 or MCG_EINPUT. */
int mcg_rules_load_file(const char *path, int minor_digits, mcg_rules *out,
			mcg_error *err);

/* The default rules (parses the embedded default.xml; cannot fail but for
 * memory, MCG_ESYS). */
int mcg_rules_default(int minor_digits, mcg_rules *out, mcg_error *err);

/*
 * Canonical text of a rules version, one "name=value" per line in a fixed
 * order, values in their plain integer units (bp, minor units, tenths,
 * centi): this is what the "rules load" event records and what
 * mcg_rules_from_text reads back.  Writes into buf (bufsz >= 1024).
 */
int mcg_rules_to_text(const mcg_rules *r, char *buf, size_t bufsz);
int mcg_rules_from_text(const char *text, mcg_rules *out, mcg_error *err);

/* ---- peer assessment --------------------------------------------------- */

typedef enum mcg_assessment_status {
	MCG_ASSESS_ELIGIBLE = 0,
	MCG_ASSESS_BORROWER,     /* the assessor is the borrower itself */
	MCG_ASSESS_WITHDRAWN,    /* the assessor is no longer an active member */
	MCG_ASSESS_TOO_OLD,      /* dated more than peer_max_age_days before */
	MCG_ASSESS_SUPERSEDED,   /* a later assessment by the same assessor */
	MCG_ASSESS_FUTURE,       /* dated after the day of the decision */
} mcg_assessment_status;

/* One assessment of a loan, as the ledger recorded it. */
typedef struct mcg_assessment {
	int64_t seq;             /* event sequence number: later is larger */
	char assessor[33];
	int32_t score;           /* 1..10, 10 = safest */
	int32_t date_days;
	int assessor_active;     /* 1 if the assessor is an active member now */
	mcg_assessment_status status;   /* filled by mcg_peer_evaluate */
} mcg_assessment;

typedef struct mcg_peer_result {
	size_t eligible;         /* count of eligible assessments */
	int32_t median_x2;       /* twice the median (so .5 is exact); 0 if none */
	int32_t grade;           /* median rounded down, 1..10; 0 if none */
	int32_t pd_bp;           /* PD of the grade from the master scale; 0 if none */
	int quorum_met;          /* eligible >= peer_quorum */
	int score_met;           /* median >= peer_score_min (and some eligible) */
} mcg_peer_result;

/*
 * Decides which assessments of a loan count for a decision dated date_days
 * (DOMAIN.md section 7), setting each one's status, and computes the
 * median, grade and PD.  `borrower` is the loan's borrower id.
 */
void mcg_peer_evaluate(mcg_assessment *list, size_t n, const char *borrower,
		       int32_t date_days, const mcg_rules *rules,
		       mcg_peer_result *out);

/* A word for a status: "eligible", "borrower", "withdrawn", "too old",
 * "superseded", "future". */
const char *mcg_assessment_status_name(mcg_assessment_status s);

/* EL = pct(pct(ga, pd_bp), lgd_bp).  MCG_EINPUT on overflow. */
int mcg_expected_loss(int64_t ga_minor, int32_t pd_bp, int32_t lgd_bp,
		      int64_t *out_minor);

/* ---- the guarantee decision -------------------------------------------- */

typedef struct mcg_party {
	char id[33];
	int active;
	int64_t capital_minor;            /* -balance of capital:<id> */
	/* co-guarantors only: Σ of its pledges on active or defaulted loans,
	 * including this one (state after the event) */
	int64_t pledges_after_minor;
} mcg_party;

/* A proposed guarantee and the state as it would be after it. */
typedef struct mcg_guarantee_case {
	int32_t coverage_bp;
	int64_t ga0_minor;                /* min(cap, pct(principal, coverage)) */
	int64_t deposit_minor;
	int64_t fund_after_minor;         /* fund as a positive amount, after K */
	int64_t total_ga_after_minor;     /* Σ GA of all loans, after */
	int64_t borrower_ga_after_minor;  /* Σ GA of the borrower's loans, after */
	mcg_party borrower;
	const mcg_party *guarantors;      /* co-guarantors, n_guarantors of them */
	size_t n_guarantors;
	mcg_peer_result peer;
} mcg_guarantee_case;

/*
 * Evaluates every rule of DOMAIN.md section 7 on the case.  Returns 0 when
 * all hold; otherwise MCG_ERULE with err->msg naming every failed rule and
 * its figures, separated by "; ", e.g.
 *   "rule multiplier_max: guarantees 1,540,000.00 would exceed 15 x fund
 *    100,000.00".
 * minor_digits formats the amounts.
 */
int mcg_rules_check_guarantee(const mcg_rules *rules,
			      const mcg_guarantee_case *c, int minor_digits,
			      mcg_error *err);

/* ---- calibration --------------------------------------------------------- */

/* One loan with an outcome: the PD it was guaranteed on, and whether it
 * defaulted (1) or was repaid (0). */
typedef struct mcg_outcome {
	int32_t grade;
	int32_t pd_bp;
	int defaulted;
} mcg_outcome;

typedef struct mcg_calibration {
	size_t count[MCG_GRADES];         /* outcomes per grade */
	size_t defaults[MCG_GRADES];
	size_t n;                         /* all outcomes */
	size_t n_defaults;
	double brier;                     /* mean (pd - outcome)^2; NaN if n == 0 */
	double auc;                       /* NaN unless both classes present */
	/* An honest word about the sample: "no outcomes yet", "too few ..." */
	char caveat[256];
} mcg_calibration;

/* Below these, the caveat says the sample is too few to judge calibration:
 * fewer than 30 outcomes, or fewer than 5 defaults or 5 repayments. */
#define MCG_CALIBRATION_MIN_OUTCOMES 30
#define MCG_CALIBRATION_MIN_CLASS 5

/* Computes the calibration of peer scores against outcomes.  Doubles are
 * fine here: these are statistics, not money.  Outcomes whose grade is not
 * 1..10 count in n, n_defaults, brier and auc but in no grade.  AUC is the
 * Mann-Whitney statistic over pd_bp (ties count 1/2). */
void mcg_calibrate(const mcg_outcome *outcomes, size_t n,
		   mcg_calibration *out);

#endif
