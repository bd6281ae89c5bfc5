/*
 * Internals of the rules module shared between its files: the table of
 * rules that both readers (the XML file and the canonical text) walk, and
 * the range checks every mcg_rules must pass whichever way it was read.
 *
 * Invariants of an mcg_rules that left this module successfully:
 *   - every percentage (coverage_max, deposit_min, single_name_max, fee,
 *     fund_contribution, lgd, each master-scale PD) is 0..10000 bp;
 *   - capital_min_minor >= 0;
 *   - 1 <= peer_quorum <= MCG_RULES_QUORUM_MAX;
 *   - 0 <= peer_score_min_tenths <= 100;
 *   - 0 <= peer_max_age_days <= MCG_RULES_DAYS_MAX,
 *     1 <= default_dpd_days <= MCG_RULES_DAYS_MAX;
 *   - 0 <= both multipliers <= MCG_RULES_MULTIPLIER_MAX_CENTI;
 *   - the master scale's PDs never rise from grade 1 to grade 10.
 * The same limits are in rules.xsd; keep the two in step.
 */
#ifndef MCG_RULES_INT_H
#define MCG_RULES_INT_H

#include <stddef.h>
#include <stdint.h>

#include "rules.h"

#define MCG_RULES_QUORUM_MAX 1000
#define MCG_RULES_DAYS_MAX 3650
#define MCG_RULES_MULTIPLIER_MAX_CENTI 100000

/* How a rule is written in the XML file, which fixes its unit in memory. */
enum rules_kind {
	RULES_PCT,      /* "62.5" -> bp, int32 */
	RULES_AMOUNT,   /* "250.00" -> minor units of the currency, int64 */
	RULES_TENTHS,   /* "4.5" -> 45, int32 */
	RULES_CENTI,    /* "15.25" -> 1525, int32 */
	RULES_INT,      /* "180" -> 180, int32 */
};

/* One scalar rule: its XML element, its canonical text name, where it
 * lives in mcg_rules and the range it must be in (in memory units). */
struct rules_field {
	const char *name;
	const char *text_name;
	enum rules_kind kind;
	size_t offset;
	int64_t min;
	int64_t max;
};

/* The scalar rules in DOMAIN.md order; the master scale comes after. */
extern const struct rules_field mcg_rules_fields[];
extern const size_t mcg_rules_fields_n;

/* Reads and writes a field's value, whatever its C type. */
int64_t mcg_rules_field_get(const mcg_rules *r, const struct rules_field *f);
void mcg_rules_field_set(mcg_rules *r, const struct rules_field *f,
			 int64_t v);

/* Checks that v is in the field's range; MCG_EINPUT naming the rule
 * otherwise. */
int mcg_rules_check_value(const struct rules_field *f, int64_t v,
			  mcg_error *err);

/* Checks one master-scale PD (0..100%) and that it does not rise above the
 * grade before.  grade is 1..10. */
int mcg_rules_check_grade(const mcg_rules *r, int grade, mcg_error *err);

/* Checks every invariant above.  Returns 0 or MCG_EINPUT. */
int mcg_rules_check_ranges(const mcg_rules *r, mcg_error *err);

/* Writes v / 10^decimals without trailing zeros ("15", "15.5", "0.05")
 * into buf of bufsz bytes (32 is always enough).  Returns buf. */
char *mcg_rules_format_scaled(int64_t v, int decimals, char *buf,
			      size_t bufsz);

#endif
