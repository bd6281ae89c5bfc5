/*
 * Money and percentages, exactly as DOMAIN.md section 2 says.
 *
 * An amount is an int64_t of minor units (cents for EUR); a percentage is an
 * int32_t of basis points (62.50% = 6250).  Never a float anywhere.  Every
 * operation that could overflow 64 bits is checked and reported as
 * MCG_EINPUT: a wrapped number is never produced.
 */
#ifndef MCG_MONEY_H
#define MCG_MONEY_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"

/* Longest text an amount can take, with sign, grouping and NUL. */
#define MCG_AMOUNT_TEXT_MAX 40
/* Most minor digits a currency may have (ISO 4217 has 0, 2, 3 and 4). */
#define MCG_MINOR_DIGITS_MAX 4
/* 100% in basis points. */
#define MCG_BP_FULL 10000

/*
 * The number of minor digits of an ISO 4217 currency code ("EUR" -> 2,
 * "JPY" -> 0, "BHD" -> 3, "CLF" -> 4).  Returns -1 for a code that is not a
 * known active ISO 4217 code.
 */
int mcg_currency_minor_digits(const char *code);

/*
 * Parses an amount written with a dot and at most minor_digits decimals:
 * "1500", "1500.5", "1500.50", "-3.00".  A leading '-' is allowed only when
 * allow_negative is set.  Refused (MCG_EINPUT, with err saying why and
 * quoting the text): empty, spaces, '+', grouping commas, exponents, more
 * decimals than the currency has, a trailing dot, a bare dot, anything
 * that does not fit int64_t minor units.
 */
int mcg_amount_parse(const char *text, int minor_digits, int allow_negative,
		     int64_t *out_minor, mcg_error *err);

/*
 * Writes an amount with all minor digits and no grouping: "12.50", "-3.00",
 * "1500" (for 0 digits).  This is the CSV and XML form.  buf must hold
 * MCG_AMOUNT_TEXT_MAX bytes.  Returns buf.
 */
char *mcg_amount_format(int64_t minor, int minor_digits, char *buf);

/* As mcg_amount_format with thousands separators: "1,540,000.00". */
char *mcg_amount_format_grouped(int64_t minor, int minor_digits, char *buf);

/*
 * Parses a percentage "62.5" or "62.50" (at most two decimals, 0 to 100)
 * into basis points.  Same refusals as amounts.
 */
int mcg_pct_parse(const char *text, int32_t *out_bp, mcg_error *err);

/* Writes basis points as a percentage with two decimals: "62.50". */
char *mcg_pct_format(int32_t bp, char *buf);

/*
 * pct(a, bp) = a * bp / 10000 rounded half away from zero, with a 128-bit
 * intermediate.  bp may be any int64 (callers use it for multipliers too).
 * Returns MCG_EINPUT if the result does not fit int64_t.
 */
int mcg_pct(int64_t amount_minor, int64_t bp, int64_t *out_minor);

/* Checked a + b, a - b and a * b: MCG_EINPUT on overflow. */
int mcg_add(int64_t a, int64_t b, int64_t *out);
int mcg_sub(int64_t a, int64_t b, int64_t *out);
int mcg_mul(int64_t a, int64_t b, int64_t *out);

/*
 * Largest-remainder allocation of total >= 0 among n parties with weights
 * w[i] > 0: each gets floor(total * w[i] / W); the units left over go one
 * each to the parties with the largest remainders (total * w[i]) mod W;
 * ties go to the lower index, so callers pass the parties in their tie
 * order.  parts[] always sums to total.  128-bit intermediates.
 * Returns MCG_EINPUT for n == 0, a weight <= 0, total < 0 or a weight sum
 * that overflows.
 */
int mcg_allocate(int64_t total, const int64_t *weights, size_t n,
		 int64_t *parts);

#endif
