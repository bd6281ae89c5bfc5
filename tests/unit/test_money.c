/*
 * Unit tests for common/money.c: every accepted and refused form of an
 * amount and a percentage, exact formatting at the int64 limits, rounding
 * of pct() at its ties, and largest-remainder allocation, the latter also
 * checked as a property over many pseudo-random cases with a fixed seed.
 */
#include <criterion/criterion.h>

#include <stdint.h>
#include <string.h>

#include "money.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* A fixed-seed xorshift64*, so that every run checks the same cases. */
static uint64_t rng_state = 0x9e3779b97f4a7c15u;

static uint64_t rng_next(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1du;
}

/* A value in [lo, hi], 0 <= lo <= hi. */
static uint64_t rng_range(uint64_t lo, uint64_t hi)
{
	if (hi - lo == UINT64_MAX)
		return rng_next();
	return lo + rng_next() % (hi - lo + 1);
}

/* Any int64, biased towards small magnitudes and the extremes. */
static int64_t rng_int64(void)
{
	switch (rng_next() % 4) {
	case 0:
		return (int64_t)rng_range(0, 1000) - 500;
	case 1:
		return (int64_t)rng_next();
	case 2:
		return INT64_MAX - (int64_t)rng_range(0, 3);
	default:
		return INT64_MIN + (int64_t)rng_range(0, 3);
	}
}

/* ---- currencies -------------------------------------------------------- */

/* ISO 4217 list one (2026-01-01) without the codes that have no minor unit. */
static const struct {
	const char *code;
	int digits;
} iso4217[] = {
	{ "AED", 2 }, { "AFN", 2 }, { "ALL", 2 }, { "AMD", 2 }, { "AOA", 2 },
	{ "ARS", 2 }, { "AUD", 2 }, { "AWG", 2 }, { "AZN", 2 }, { "BAM", 2 },
	{ "BBD", 2 }, { "BDT", 2 }, { "BHD", 3 }, { "BIF", 0 }, { "BMD", 2 },
	{ "BND", 2 }, { "BOB", 2 }, { "BOV", 2 }, { "BRL", 2 }, { "BSD", 2 },
	{ "BTN", 2 }, { "BWP", 2 }, { "BYN", 2 }, { "BZD", 2 }, { "CAD", 2 },
	{ "CDF", 2 }, { "CHE", 2 }, { "CHF", 2 }, { "CHW", 2 }, { "CLF", 4 },
	{ "CLP", 0 }, { "CNY", 2 }, { "COP", 2 }, { "COU", 2 }, { "CRC", 2 },
	{ "CUP", 2 }, { "CVE", 2 }, { "CZK", 2 }, { "DJF", 0 }, { "DKK", 2 },
	{ "DOP", 2 }, { "DZD", 2 }, { "EGP", 2 }, { "ERN", 2 }, { "ETB", 2 },
	{ "EUR", 2 }, { "FJD", 2 }, { "FKP", 2 }, { "GBP", 2 }, { "GEL", 2 },
	{ "GHS", 2 }, { "GIP", 2 }, { "GMD", 2 }, { "GNF", 0 }, { "GTQ", 2 },
	{ "GYD", 2 }, { "HKD", 2 }, { "HNL", 2 }, { "HTG", 2 }, { "HUF", 2 },
	{ "IDR", 2 }, { "ILS", 2 }, { "INR", 2 }, { "IQD", 3 }, { "IRR", 2 },
	{ "ISK", 0 }, { "JMD", 2 }, { "JOD", 3 }, { "JPY", 0 }, { "KES", 2 },
	{ "KGS", 2 }, { "KHR", 2 }, { "KMF", 0 }, { "KPW", 2 }, { "KRW", 0 },
	{ "KWD", 3 }, { "KYD", 2 }, { "KZT", 2 }, { "LAK", 2 }, { "LBP", 2 },
	{ "LKR", 2 }, { "LRD", 2 }, { "LSL", 2 }, { "LYD", 3 }, { "MAD", 2 },
	{ "MDL", 2 }, { "MGA", 2 }, { "MKD", 2 }, { "MMK", 2 }, { "MNT", 2 },
	{ "MOP", 2 }, { "MRU", 2 }, { "MUR", 2 }, { "MVR", 2 }, { "MWK", 2 },
	{ "MXN", 2 }, { "MXV", 2 }, { "MYR", 2 }, { "MZN", 2 }, { "NAD", 2 },
	{ "NGN", 2 }, { "NIO", 2 }, { "NOK", 2 }, { "NPR", 2 }, { "NZD", 2 },
	{ "OMR", 3 }, { "PAB", 2 }, { "PEN", 2 }, { "PGK", 2 }, { "PHP", 2 },
	{ "PKR", 2 }, { "PLN", 2 }, { "PYG", 0 }, { "QAR", 2 }, { "RON", 2 },
	{ "RSD", 2 }, { "RUB", 2 }, { "RWF", 0 }, { "SAR", 2 }, { "SBD", 2 },
	{ "SCR", 2 }, { "SDG", 2 }, { "SEK", 2 }, { "SGD", 2 }, { "SHP", 2 },
	{ "SLE", 2 }, { "SOS", 2 }, { "SRD", 2 }, { "SSP", 2 }, { "STN", 2 },
	{ "SVC", 2 }, { "SYP", 2 }, { "SZL", 2 }, { "THB", 2 }, { "TJS", 2 },
	{ "TMT", 2 }, { "TND", 3 }, { "TOP", 2 }, { "TRY", 2 }, { "TTD", 2 },
	{ "TWD", 2 }, { "TZS", 2 }, { "UAH", 2 }, { "UGX", 0 }, { "USD", 2 },
	{ "USN", 2 }, { "UYI", 0 }, { "UYU", 2 }, { "UYW", 4 }, { "UZS", 2 },
	{ "VED", 2 }, { "VES", 2 }, { "VND", 0 }, { "VUV", 0 }, { "WST", 2 },
	{ "XAD", 2 }, { "XAF", 0 }, { "XCD", 2 }, { "XCG", 2 }, { "XOF", 0 },
	{ "XPF", 0 }, { "YER", 2 }, { "ZAR", 2 }, { "ZMW", 2 }, { "ZWG", 2 },
};

Test(currency, common_codes)
{
	cr_assert_eq(mcg_currency_minor_digits("EUR"), 2);
	cr_assert_eq(mcg_currency_minor_digits("USD"), 2);
	cr_assert_eq(mcg_currency_minor_digits("GBP"), 2);
	cr_assert_eq(mcg_currency_minor_digits("CHF"), 2);
	cr_assert_eq(mcg_currency_minor_digits("HUF"), 2);
	cr_assert_eq(mcg_currency_minor_digits("JPY"), 0);
	cr_assert_eq(mcg_currency_minor_digits("KRW"), 0);
	cr_assert_eq(mcg_currency_minor_digits("ISK"), 0);
	cr_assert_eq(mcg_currency_minor_digits("BHD"), 3);
	cr_assert_eq(mcg_currency_minor_digits("KWD"), 3);
	cr_assert_eq(mcg_currency_minor_digits("TND"), 3);
	cr_assert_eq(mcg_currency_minor_digits("CLF"), 4);
	cr_assert_eq(mcg_currency_minor_digits("UYW"), 4);
	/* The first and the last of the table: bsearch's edges. */
	cr_assert_eq(mcg_currency_minor_digits("AED"), 2);
	cr_assert_eq(mcg_currency_minor_digits("ZWG"), 2);
}

Test(currency, every_listed_code)
{
	for (size_t i = 0; i < COUNT(iso4217); i++)
		cr_assert_eq(mcg_currency_minor_digits(iso4217[i].code),
			     iso4217[i].digits, "%s", iso4217[i].code);
}

/*
 * Every three-letter uppercase code: exactly the listed ones are known.
 * This also proves the table is sorted, since bsearch would miss entries
 * of an unsorted one.
 */
Test(currency, no_other_code_is_known)
{
	char code[4] = { 0 };
	size_t known = 0;

	for (char a = 'A'; a <= 'Z'; a++)
		for (char b = 'A'; b <= 'Z'; b++)
			for (char c = 'A'; c <= 'Z'; c++) {
				code[0] = a;
				code[1] = b;
				code[2] = c;
				if (mcg_currency_minor_digits(code) >= 0)
					known++;
			}
	cr_assert_eq(known, COUNT(iso4217));
}

Test(currency, refused)
{
	static const char *const bad[] = {
		"", "E", "EU", "EURO", "eur", "Eur", "EUr", "E1R", "EU ",
		" EUR", "EUR ", "EUR\n", "\xc3\x89UR",
		/* No minor unit at all (N.A. in ISO 4217). */
		"XAU", "XAG", "XDR", "XXX", "XTS", "XUA", "XSU", "XBA",
		/* Withdrawn. */
		"HRK", "DEM", "VEF", "STD", "MRO", "CUC", "SLL", "ZWL", "ANG",
		"BGN",
		"AAA", "ZZZ",
	};

	for (size_t i = 0; i < COUNT(bad); i++)
		cr_assert_eq(mcg_currency_minor_digits(bad[i]), -1, "'%s'",
			     bad[i]);
	cr_assert_eq(mcg_currency_minor_digits(NULL), -1);
}

/* ---- amount parsing ---------------------------------------------------- */

struct parse_ok {
	const char *text;
	int digits;
	int allow_negative;
	int64_t want;
};

static const struct parse_ok parse_ok_cases[] = {
	{ "0", 2, 0, 0 },
	{ "1", 2, 0, 100 },
	{ "1500", 2, 0, 150000 },
	{ "1500.5", 2, 0, 150050 },
	{ "1500.50", 2, 0, 150050 },
	{ "1500.05", 2, 0, 150005 },
	{ "0.01", 2, 0, 1 },
	{ "0.1", 2, 0, 10 },
	{ "0.00", 2, 0, 0 },
	/* Leading zeros are accepted: they change nothing. */
	{ "007", 2, 0, 700 },
	{ "00.50", 2, 0, 50 },
	{ "000", 0, 0, 0 },
	{ "92233720368547758.07", 2, 0, INT64_MAX },
	{ "92233720368547758", 2, 0, 9223372036854775800 },
	{ "-3.00", 2, 1, -300 },
	{ "-3", 2, 1, -300 },
	{ "-0.5", 2, 1, -50 },
	{ "-0.01", 2, 1, -1 },
	{ "-0", 2, 1, 0 },
	{ "-0.00", 2, 1, 0 },
	{ "-007.5", 2, 1, -750 },
	{ "-92233720368547758.08", 2, 1, INT64_MIN },
	{ "-92233720368547758.07", 2, 1, -INT64_MAX },
	{ "3.00", 2, 1, 300 },
	/* One decimal. */
	{ "1.5", 1, 0, 15 },
	{ "-1.5", 1, 1, -15 },
	/* No decimals: JPY and friends. */
	{ "1500", 0, 0, 1500 },
	{ "0", 0, 0, 0 },
	{ "9223372036854775807", 0, 0, INT64_MAX },
	{ "-9223372036854775808", 0, 1, INT64_MIN },
	/* Three decimals: BHD. */
	{ "1.5", 3, 0, 1500 },
	{ "1.50", 3, 0, 1500 },
	{ "1.505", 3, 0, 1505 },
	{ "9223372036854775.807", 3, 0, INT64_MAX },
	/* Four decimals: CLF. */
	{ "0.0001", 4, 0, 1 },
	{ "922337203685477.5807", 4, 0, INT64_MAX },
	{ "-922337203685477.5808", 4, 1, INT64_MIN },
	/* 39 characters, the most accepted. */
	{ "000000000000000000000000000000000001.00", 2, 0, 100 },
};

Test(amount_parse, accepted)
{
	for (size_t i = 0; i < COUNT(parse_ok_cases); i++) {
		const struct parse_ok *c = &parse_ok_cases[i];
		mcg_error err;
		int64_t got = 42;
		int rc;

		mcg_error_clear(&err);
		rc = mcg_amount_parse(c->text, c->digits, c->allow_negative,
				      &got, &err);
		cr_assert_eq(rc, MCG_OK, "'%s' (%d digits): %s", c->text,
			     c->digits, err.msg);
		cr_assert_eq(got, c->want, "'%s' (%d digits): got %lld",
			     c->text, c->digits, (long long)got);
		cr_assert_eq(err.code, MCG_OK, "'%s'", c->text);
	}
}

struct parse_bad {
	const char *text;
	int digits;
	int allow_negative;
};

static const struct parse_bad parse_bad_cases[] = {
	{ "", 2, 1 },
	{ " ", 2, 1 },
	{ " 1", 2, 1 },
	{ "1 ", 2, 1 },
	{ "1 000", 2, 1 },
	{ "1\t", 2, 1 },
	{ "1\n", 2, 1 },
	{ "+5", 2, 1 },
	{ "+0", 2, 1 },
	{ "1,500.00", 2, 1 },
	{ "1,500", 2, 1 },
	{ "1500,50", 2, 1 },
	{ "1_000", 2, 1 },
	{ "1'000", 2, 1 },
	{ "1e3", 2, 1 },
	{ "1E3", 2, 1 },
	{ "1.5e2", 2, 1 },
	{ "1.", 2, 1 },
	{ ".5", 2, 1 },
	{ ".", 2, 1 },
	{ "-.5", 2, 1 },
	{ "-1.", 2, 1 },
	{ "1..5", 2, 1 },
	{ "1.2.3", 2, 1 },
	{ "1.-5", 2, 1 },
	{ "1500.505", 2, 1 },
	{ "0.001", 2, 1 },
	{ "1500.500", 2, 1 },
	{ "--1", 2, 1 },
	{ "-", 2, 1 },
	{ "- 1", 2, 1 },
	{ "1-", 2, 1 },
	{ "0x10", 2, 1 },
	{ "0X1A", 2, 1 },
	{ "abc", 2, 1 },
	{ "1a", 2, 1 },
	{ "Inf", 2, 1 },
	{ "NaN", 2, 1 },
	{ "\xd9\xa3", 2, 1 },        /* ARABIC-INDIC DIGIT THREE */
	{ "\xef\xbc\x91", 2, 1 },    /* FULLWIDTH DIGIT ONE */
	{ "1\xc2\xa0" "000", 2, 1 }, /* no-break space */
	{ "\xe2\x82\xac" "5", 2, 1 },  /* EURO SIGN */
	{ "5 EUR", 2, 1 },
	/* Negative amounts where they are not allowed, even zero. */
	{ "-5", 2, 0 },
	{ "-0", 2, 0 },
	{ "-0.00", 2, 0 },
	{ "-92233720368547758.08", 2, 0 },
	/* Out of range. */
	{ "92233720368547758.08", 2, 1 },
	{ "92233720368547758.1", 2, 1 },
	{ "92233720368547759", 2, 1 },
	{ "-92233720368547758.09", 2, 1 },
	{ "100000000000000000000", 2, 1 },
	{ "99999999999999999999.99", 2, 1 },
	{ "184467440737095516.16", 2, 1 },  /* 2^64 minor units: wraps to 0 */
	{ "184467440737095516.17", 2, 1 },  /* 2^64 + 1: wraps to 1 */
	/* Digits that fit 64 bits but wrap when scaled to minor units. */
	{ "184467440737095517", 2, 1 },     /* x 100 wraps to 84 */
	{ "1844674407370956", 4, 1 },       /* x 10000 wraps to 8384 */
	{ "1844674407370955.2", 4, 1 },     /* x 1000 wraps to 384 */
	{ "9223372036854775808", 0, 1 },
	{ "-9223372036854775809", 0, 1 },
	{ "922337203685477.5808", 4, 1 },
	{ "999999999999999999999999999999999999999", 0, 1 },
	/* Too long, even though the value is small. */
	{ "0000000000000000000000000000000000001.00", 2, 1 },
	{ "0000000000000000000000000000000000000000000000000001", 0, 1 },
	/* No decimals at all for a currency without minor units. */
	{ "1.5", 0, 1 },
	{ "1.0", 0, 1 },
	{ "1.", 0, 1 },
	{ "1.5055", 3, 1 },
	{ "0.00001", 4, 1 },
	{ "1.55", 1, 1 },
};

Test(amount_parse, refused)
{
	for (size_t i = 0; i < COUNT(parse_bad_cases); i++) {
		const struct parse_bad *c = &parse_bad_cases[i];
		mcg_error err;
		int64_t got = 42;
		int rc;

		mcg_error_clear(&err);
		rc = mcg_amount_parse(c->text, c->digits, c->allow_negative,
				      &got, &err);
		cr_assert_eq(rc, MCG_EINPUT, "'%s' (%d digits) was accepted "
			     "as %lld", c->text, c->digits, (long long)got);
		cr_assert_eq(err.code, MCG_EINPUT, "'%s'", c->text);
		cr_assert_eq(got, 42, "'%s': output written on failure",
			     c->text);
		cr_assert_neq(err.msg[0], '\0', "'%s': no message", c->text);
		cr_assert_null(strchr(err.msg, '\n'), "'%s': message '%s' "
			       "spans lines", c->text, err.msg);
		cr_assert(strncmp(err.msg, "bad amount '", 12) == 0,
			  "'%s': message '%s'", c->text, err.msg);
	}
}

/* Parses a bad amount and returns the message. */
static const char *bad_amount_msg(const char *text, int digits,
				  int allow_negative, mcg_error *err)
{
	int64_t got = 0;

	mcg_error_clear(err);
	cr_assert_eq(mcg_amount_parse(text, digits, allow_negative, &got, err),
		     MCG_EINPUT, "'%s' was accepted", text);
	return err->msg;
}

Test(amount_parse, messages)
{
	mcg_error err;

	cr_assert_str_eq(bad_amount_msg("1,500.00", 2, 0, &err),
			 "bad amount '1,500.00': expected digits with an "
			 "optional '.' and at most 2 decimals");
	cr_assert_str_eq(bad_amount_msg("1500.505", 2, 0, &err),
			 "bad amount '1500.505': too many decimals; expected "
			 "digits with an optional '.' and at most 2 decimals");
	cr_assert_str_eq(bad_amount_msg("", 2, 0, &err),
			 "bad amount '': empty; expected digits with an "
			 "optional '.' and at most 2 decimals");
	cr_assert_str_eq(bad_amount_msg("1.5", 0, 0, &err),
			 "bad amount '1.5': expected digits with no decimal "
			 "point");
	cr_assert_str_eq(bad_amount_msg("1.5055", 3, 0, &err),
			 "bad amount '1.5055': too many decimals; expected "
			 "digits with an optional '.' and at most 3 decimals");
	cr_assert_str_eq(bad_amount_msg("1.55", 1, 0, &err),
			 "bad amount '1.55': too many decimals; expected "
			 "digits with an optional '.' and at most 1 decimal");
	cr_assert_str_eq(bad_amount_msg("-5", 2, 0, &err),
			 "bad amount '-5': a negative amount is not allowed "
			 "here");
	cr_assert_str_eq(bad_amount_msg("92233720368547758.08", 2, 1, &err),
			 "bad amount '92233720368547758.08': out of range "
			 "(the largest is 92233720368547758.07)");
	cr_assert_str_eq(bad_amount_msg("-92233720368547758.09", 2, 1, &err),
			 "bad amount '-92233720368547758.09': out of range "
			 "(the smallest is -92233720368547758.08)");
	cr_assert_str_eq(bad_amount_msg("9223372036854775808", 0, 1, &err),
			 "bad amount '9223372036854775808': out of range "
			 "(the largest is 9223372036854775807)");
	/* A negative that is also too large is refused for its sign first. */
	cr_assert_str_eq(bad_amount_msg("-99999999999999999999", 2, 0, &err),
			 "bad amount '-99999999999999999999': a negative "
			 "amount is not allowed here");
	/* A malformed text is called malformed even if it is also huge. */
	cr_assert_str_eq(bad_amount_msg("99999999999999999999x", 2, 0, &err),
			 "bad amount '99999999999999999999x': expected digits "
			 "with an optional '.' and at most 2 decimals");
}

Test(amount_parse, long_text_is_cut_in_message)
{
	char text[200];
	mcg_error err;

	memset(text, '7', sizeof(text) - 1);
	text[sizeof(text) - 1] = '\0';
	cr_assert_str_eq(bad_amount_msg(text, 2, 0, &err),
			 "bad amount '77777777777777777777777777777777...': "
			 "longer than 39 characters");
	/* Exactly 40 characters: one too many. */
	text[40] = '\0';
	cr_assert_str_eq(bad_amount_msg(text, 2, 0, &err),
			 "bad amount '77777777777777777777777777777777...': "
			 "longer than 39 characters");
	/* A malformed text of 33 to 39 characters is cut too. */
	memcpy(text, "1,", 2);
	text[35] = '\0';
	cr_assert_str_eq(bad_amount_msg(text, 2, 0, &err),
			 "bad amount '1,777777777777777777777777777777...': "
			 "expected digits with an optional '.' and at most 2 "
			 "decimals");
}

Test(amount_parse, unprintable_bytes_are_escaped_in_message)
{
	mcg_error err;

	cr_assert_str_eq(bad_amount_msg("1\n2", 2, 0, &err),
			 "bad amount '1\\x0a2': expected digits with an "
			 "optional '.' and at most 2 decimals");
	cr_assert_str_eq(bad_amount_msg("\x1b[31m5", 2, 0, &err),
			 "bad amount '\\x1b[31m5': expected digits with an "
			 "optional '.' and at most 2 decimals");
	cr_assert_str_eq(bad_amount_msg("\xef\xbc\x91", 2, 0, &err),
			 "bad amount '\\xef\\xbc\\x91': expected digits with "
			 "an optional '.' and at most 2 decimals");
	/* A backslash is escaped too, so that the quote is unambiguous. */
	cr_assert_str_eq(bad_amount_msg("1\\x0a", 2, 0, &err),
			 "bad amount '1\\x5cx0a': expected digits with an "
			 "optional '.' and at most 2 decimals");
}

Test(amount_parse, bad_minor_digits)
{
	int64_t got = 42;
	mcg_error err;

	mcg_error_clear(&err);
	cr_assert_eq(mcg_amount_parse("1", -1, 0, &got, &err), MCG_EINPUT);
	cr_assert_eq(err.code, MCG_EINPUT);
	cr_assert_eq(mcg_amount_parse("1", 5, 0, &got, &err), MCG_EINPUT);
	cr_assert_not_null(strstr(err.msg, "5 minor digits"), "%s", err.msg);
	cr_assert_eq(got, 42);
}

Test(amount_parse, null_text_and_null_err)
{
	int64_t got = 42;
	mcg_error err;

	mcg_error_clear(&err);
	cr_assert_eq(mcg_amount_parse(NULL, 2, 0, &got, &err), MCG_EINPUT);
	cr_assert_eq(err.code, MCG_EINPUT);
	/* Without an error struct the code still comes back. */
	cr_assert_eq(mcg_amount_parse("1,5", 2, 0, &got, NULL), MCG_EINPUT);
	cr_assert_eq(mcg_amount_parse("1.5", 2, 0, &got, NULL), MCG_OK);
	cr_assert_eq(got, 150);
}

/* ---- amount formatting ------------------------------------------------- */

struct format_case {
	int64_t minor;
	int digits;
	const char *plain;
	const char *grouped;
};

static const struct format_case format_cases[] = {
	{ 1250, 2, "12.50", "12.50" },
	{ -300, 2, "-3.00", "-3.00" },
	{ 0, 2, "0.00", "0.00" },
	{ 5, 2, "0.05", "0.05" },
	{ -5, 2, "-0.05", "-0.05" },
	{ 50, 2, "0.50", "0.50" },
	{ -1, 2, "-0.01", "-0.01" },
	{ 99999, 2, "999.99", "999.99" },
	{ 100000, 2, "1000.00", "1,000.00" },
	{ -123450, 2, "-1234.50", "-1,234.50" },
	{ 154000000, 2, "1540000.00", "1,540,000.00" },
	{ 10000000000, 2, "100000000.00", "100,000,000.00" },
	{ INT64_MAX, 2, "92233720368547758.07", "92,233,720,368,547,758.07" },
	{ INT64_MIN, 2, "-92233720368547758.08", "-92,233,720,368,547,758.08" },
	{ -INT64_MAX, 2, "-92233720368547758.07",
	  "-92,233,720,368,547,758.07" },
	{ 0, 0, "0", "0" },
	{ 1500, 0, "1500", "1,500" },
	{ 999, 0, "999", "999" },
	{ -100000, 0, "-100000", "-100,000" },
	{ 123456, 0, "123456", "123,456" },
	{ INT64_MAX, 0, "9223372036854775807", "9,223,372,036,854,775,807" },
	{ INT64_MIN, 0, "-9223372036854775808", "-9,223,372,036,854,775,808" },
	{ 15, 1, "1.5", "1.5" },
	{ -1, 1, "-0.1", "-0.1" },
	{ 1500, 3, "1.500", "1.500" },
	{ 1234567, 3, "1234.567", "1,234.567" },
	{ 1, 3, "0.001", "0.001" },
	{ 1, 4, "0.0001", "0.0001" },
	{ INT64_MIN, 4, "-922337203685477.5808", "-922,337,203,685,477.5808" },
	{ INT64_MAX, 4, "922337203685477.5807", "922,337,203,685,477.5807" },
};

Test(amount_format, plain)
{
	for (size_t i = 0; i < COUNT(format_cases); i++) {
		const struct format_case *c = &format_cases[i];
		char buf[MCG_AMOUNT_TEXT_MAX];

		cr_assert_eq(mcg_amount_format(c->minor, c->digits, buf), buf);
		cr_assert_str_eq(buf, c->plain, "%lld with %d digits",
				 (long long)c->minor, c->digits);
	}
}

Test(amount_format, grouped)
{
	for (size_t i = 0; i < COUNT(format_cases); i++) {
		const struct format_case *c = &format_cases[i];
		char buf[MCG_AMOUNT_TEXT_MAX];

		cr_assert_eq(mcg_amount_format_grouped(c->minor, c->digits, buf),
			     buf);
		cr_assert_str_eq(buf, c->grouped, "%lld with %d digits",
				 (long long)c->minor, c->digits);
	}
}

/* Whatever is written reads back to the same amount, for every currency. */
Test(amount_format, round_trip)
{
	static const int64_t edges[] = { 0, 1, -1, 9, 10, 99, 100, 101,
					 INT64_MAX, INT64_MIN, INT64_MAX - 1,
					 INT64_MIN + 1 };

	for (int digits = 0; digits <= MCG_MINOR_DIGITS_MAX; digits++) {
		for (size_t i = 0; i < COUNT(edges) + 5000; i++) {
			int64_t x = i < COUNT(edges) ? edges[i] : rng_int64();
			char buf[MCG_AMOUNT_TEXT_MAX];
			int64_t back = 0;
			mcg_error err;

			mcg_amount_format(x, digits, buf);
			cr_assert_lt(strlen(buf), MCG_AMOUNT_TEXT_MAX);
			cr_assert_eq(mcg_amount_parse(buf, digits, 1, &back,
						      &err),
				     MCG_OK, "'%s': %s", buf, err.msg);
			cr_assert_eq(back, x, "'%s' read back as %lld", buf,
				     (long long)back);
		}
	}
}

/* ---- percentages ------------------------------------------------------- */

Test(pct_parse, accepted)
{
	static const struct {
		const char *text;
		int32_t bp;
	} ok[] = {
		{ "62.5", 6250 }, { "62.50", 6250 }, { "0", 0 },
		{ "100", 10000 }, { "100.00", 10000 }, { "100.0", 10000 },
		{ "0.01", 1 },    { "0.05", 5 },       { "0.5", 50 },
		{ "99.99", 9999 }, { "0.00", 0 },      { "007.5", 750 },
		{ "1", 100 },     { "12.34", 1234 },
	};

	for (size_t i = 0; i < COUNT(ok); i++) {
		int32_t bp = -7;
		mcg_error err;

		mcg_error_clear(&err);
		cr_assert_eq(mcg_pct_parse(ok[i].text, &bp, &err), MCG_OK,
			     "'%s': %s", ok[i].text, err.msg);
		cr_assert_eq(bp, ok[i].bp, "'%s': got %d", ok[i].text, bp);
	}
}

Test(pct_parse, refused)
{
	static const char *const bad[] = {
		"100.01", "101", "1000", "-1", "-0", "-0.00", "62.505",
		"62.500", "", " ", " 62.5", "62.5 ", "62.5%", "+1", "1e2",
		"62,5", ".5", "5.", ".", "-", "--1", "0x10", "abc",
		"99999999999999999999999", "184467440737095516.16",
		"0000000000000000000000000000000000000001",
	};

	for (size_t i = 0; i < COUNT(bad); i++) {
		int32_t bp = -7;
		mcg_error err;

		mcg_error_clear(&err);
		cr_assert_eq(mcg_pct_parse(bad[i], &bp, &err), MCG_EINPUT,
			     "'%s' was accepted as %d", bad[i], bp);
		cr_assert_eq(err.code, MCG_EINPUT);
		cr_assert_eq(bp, -7, "'%s': output written on failure", bad[i]);
		cr_assert(strncmp(err.msg, "bad percentage '", 16) == 0,
			  "'%s': message '%s'", bad[i], err.msg);
	}
	cr_assert_eq(mcg_pct_parse(NULL, &(int32_t){ 0 }, NULL), MCG_EINPUT);
}

Test(pct_parse, messages)
{
	int32_t bp;
	mcg_error err;

	mcg_pct_parse("62,5", &bp, &err);
	cr_assert_str_eq(err.msg, "bad percentage '62,5': expected a number "
			 "from 0 to 100 with an optional '.' and at most 2 "
			 "decimals");
	mcg_pct_parse("-1", &bp, &err);
	cr_assert_str_eq(err.msg, "bad percentage '-1': expected a number "
			 "from 0 to 100 with an optional '.' and at most 2 "
			 "decimals");
	mcg_pct_parse("100.01", &bp, &err);
	cr_assert_str_eq(err.msg, "bad percentage '100.01': more than 100");
	mcg_pct_parse("99999999999999999999999", &bp, &err);
	cr_assert_str_eq(err.msg, "bad percentage '99999999999999999999999': "
			 "more than 100");
}

Test(pct_format, values)
{
	static const struct {
		int32_t bp;
		const char *text;
	} cases[] = {
		{ 6250, "62.50" }, { 5, "0.05" },      { 0, "0.00" },
		{ 10000, "100.00" }, { 1, "0.01" },    { 50, "0.50" },
		{ -1, "-0.01" },   { 12345, "123.45" },
		{ INT32_MAX, "21474836.47" }, { INT32_MIN, "-21474836.48" },
	};

	for (size_t i = 0; i < COUNT(cases); i++) {
		char buf[MCG_AMOUNT_TEXT_MAX];

		cr_assert_eq(mcg_pct_format(cases[i].bp, buf), buf);
		cr_assert_str_eq(buf, cases[i].text, "%d", cases[i].bp);
	}
}

Test(pct_format, round_trip_every_valid_bp)
{
	for (int32_t bp = 0; bp <= MCG_BP_FULL; bp++) {
		char buf[MCG_AMOUNT_TEXT_MAX];
		int32_t back = -1;
		mcg_error err;

		mcg_pct_format(bp, buf);
		cr_assert_eq(mcg_pct_parse(buf, &back, &err), MCG_OK, "'%s': %s",
			     buf, err.msg);
		cr_assert_eq(back, bp, "'%s'", buf);
	}
}

/* ---- pct() ------------------------------------------------------------- */

static int64_t pct_ok(int64_t a, int64_t bp)
{
	int64_t out = 0;

	cr_assert_eq(mcg_pct(a, bp, &out), MCG_OK, "pct(%lld, %lld)",
		     (long long)a, (long long)bp);
	return out;
}

static void pct_overflows(int64_t a, int64_t bp)
{
	int64_t out = 42;

	cr_assert_eq(mcg_pct(a, bp, &out), MCG_EINPUT, "pct(%lld, %lld)",
		     (long long)a, (long long)bp);
	cr_assert_eq(out, 42, "output written on failure");
}

Test(pct, ties_round_half_away_from_zero)
{
	cr_assert_eq(pct_ok(1, 5000), 1);     /* 0.5 */
	cr_assert_eq(pct_ok(-1, 5000), -1);   /* -0.5 */
	cr_assert_eq(pct_ok(1, -5000), -1);
	cr_assert_eq(pct_ok(-1, -5000), 1);
	cr_assert_eq(pct_ok(3, 5000), 2);     /* 1.5 */
	cr_assert_eq(pct_ok(-3, 5000), -2);
	cr_assert_eq(pct_ok(5, 1000), 1);     /* 0.5 */
	cr_assert_eq(pct_ok(-5, 1000), -1);
	cr_assert_eq(pct_ok(25, 1000), 3);    /* 2.5: not to even */
	cr_assert_eq(pct_ok(1, 4999), 0);     /* 0.4999 */
	cr_assert_eq(pct_ok(-1, 4999), 0);
	cr_assert_eq(pct_ok(1, 5001), 1);
	cr_assert_eq(pct_ok(4, 1000), 0);     /* 0.4 */
	cr_assert_eq(pct_ok(6, 1000), 1);     /* 0.6 */
	cr_assert_eq(pct_ok(-6, 1000), -1);
	cr_assert_eq(pct_ok(1, 1), 0);
}

Test(pct, ordinary)
{
	cr_assert_eq(pct_ok(0, 6250), 0);
	cr_assert_eq(pct_ok(6250, 0), 0);
	cr_assert_eq(pct_ok(15000000, 6250), 9375000); /* 62.5% of 150000.00 */
	cr_assert_eq(pct_ok(10001, 6250), 6251);       /* 6250.625 */
	cr_assert_eq(pct_ok(12345, 10000), 12345);
	cr_assert_eq(pct_ok(12345, 20000), 24690);     /* multipliers too */
	cr_assert_eq(pct_ok(-12345, 10000), -12345);
	cr_assert_eq(pct_ok(333, 3333), 111);          /* 110.9889 */
}

Test(pct, limits)
{
	cr_assert_eq(pct_ok(INT64_MAX, 10000), INT64_MAX);
	cr_assert_eq(pct_ok(INT64_MIN, 10000), INT64_MIN);
	cr_assert_eq(pct_ok(INT64_MAX, -10000), -INT64_MAX);
	cr_assert_eq(pct_ok(INT64_MAX, 5000), 4611686018427387904); /* .5 up */
	cr_assert_eq(pct_ok(INT64_MIN, 5000), INT64_MIN / 2);
	cr_assert_eq(pct_ok(INT64_MAX, 1), 922337203685478);  /* .5807 up */
	cr_assert_eq(pct_ok(INT64_MIN, 1), -922337203685478);
	cr_assert_eq(pct_ok(1, INT64_MAX), 922337203685478);
	cr_assert_eq(pct_ok(0, INT64_MIN), 0);
	/* 2^63 - 1 by itself: needs all 126 bits of the product. */
	cr_assert_eq(pct_ok(10000, INT64_MAX), INT64_MAX);
	cr_assert_eq(pct_ok(-10000, INT64_MAX), -INT64_MAX);
	cr_assert_eq(pct_ok(10000, INT64_MIN), INT64_MIN);
	pct_overflows(INT64_MAX, 10001);
	pct_overflows(INT64_MIN, 10001);
	pct_overflows(INT64_MIN, -10000);
	pct_overflows(INT64_MAX, INT64_MAX);
	pct_overflows(INT64_MIN, INT64_MIN);
	pct_overflows(INT64_MIN, INT64_MAX);
	pct_overflows(10001, INT64_MAX);
	pct_overflows(-10001, INT64_MIN);
}

/*
 * The same rule computed another way: round(p / 10000) half away from
 * zero is (2|p| + 10000) / 20000 with the sign put back.
 */
Test(pct, property_against_reference)
{
	for (int i = 0; i < 200000; i++) {
		int64_t a = rng_int64();
		int64_t bp = i % 2 ? (int64_t)rng_range(0, 20000) - 10000 :
				     rng_int64();
		__int128 p = (__int128)a * bp;
		/* |p| <= 2^126, so 2|p| + 10000 fits unsigned 128 bits. */
		unsigned __int128 mag = p < 0 ? -(unsigned __int128)p :
						(unsigned __int128)p;
		unsigned __int128 want_mag = (2 * mag + 10000) / 20000;
		__int128 want = 0;
		int fits = want_mag <= (unsigned __int128)INT64_MAX + (p < 0);
		int64_t got = 0;
		int rc = mcg_pct(a, bp, &got);

		if (fits)
			want = p < 0 ? -(__int128)want_mag : (__int128)want_mag;
		if (!fits) {
			cr_assert_eq(rc, MCG_EINPUT, "pct(%lld, %lld)",
				     (long long)a, (long long)bp);
		} else {
			cr_assert_eq(rc, MCG_OK, "pct(%lld, %lld)",
				     (long long)a, (long long)bp);
			cr_assert_eq(got, (int64_t)want, "pct(%lld, %lld)",
				     (long long)a, (long long)bp);
		}
	}
}

/* ---- checked arithmetic ------------------------------------------------ */

Test(arith, add)
{
	int64_t r = 42;

	cr_assert_eq(mcg_add(2, 3, &r), MCG_OK);
	cr_assert_eq(r, 5);
	cr_assert_eq(mcg_add(INT64_MAX, INT64_MIN, &r), MCG_OK);
	cr_assert_eq(r, -1);
	cr_assert_eq(mcg_add(INT64_MAX - 1, 1, &r), MCG_OK);
	cr_assert_eq(r, INT64_MAX);
	cr_assert_eq(mcg_add(INT64_MIN + 1, -1, &r), MCG_OK);
	cr_assert_eq(r, INT64_MIN);
	r = 42;
	cr_assert_eq(mcg_add(INT64_MAX, 1, &r), MCG_EINPUT);
	cr_assert_eq(mcg_add(INT64_MIN, -1, &r), MCG_EINPUT);
	cr_assert_eq(mcg_add(INT64_MAX, INT64_MAX, &r), MCG_EINPUT);
	cr_assert_eq(mcg_add(INT64_MIN, INT64_MIN, &r), MCG_EINPUT);
	cr_assert_eq(r, 42, "output written on failure");
}

Test(arith, sub)
{
	int64_t r = 42;

	cr_assert_eq(mcg_sub(2, 3, &r), MCG_OK);
	cr_assert_eq(r, -1);
	cr_assert_eq(mcg_sub(-1, INT64_MIN, &r), MCG_OK);
	cr_assert_eq(r, INT64_MAX);
	cr_assert_eq(mcg_sub(INT64_MIN, INT64_MIN, &r), MCG_OK);
	cr_assert_eq(r, 0);
	r = 42;
	cr_assert_eq(mcg_sub(INT64_MIN, 1, &r), MCG_EINPUT);
	cr_assert_eq(mcg_sub(0, INT64_MIN, &r), MCG_EINPUT);
	cr_assert_eq(mcg_sub(INT64_MAX, -1, &r), MCG_EINPUT);
	cr_assert_eq(r, 42, "output written on failure");
}

Test(arith, mul)
{
	int64_t r = 42;

	cr_assert_eq(mcg_mul(-4, 5, &r), MCG_OK);
	cr_assert_eq(r, -20);
	cr_assert_eq(mcg_mul(0, INT64_MIN, &r), MCG_OK);
	cr_assert_eq(r, 0);
	cr_assert_eq(mcg_mul(-1, INT64_MAX, &r), MCG_OK);
	cr_assert_eq(r, -INT64_MAX);
	cr_assert_eq(mcg_mul(3037000499, 3037000499, &r), MCG_OK);
	cr_assert_eq(r, 9223372030926249001);
	cr_assert_eq(mcg_mul(INT64_MIN / 2, 2, &r), MCG_OK);
	cr_assert_eq(r, INT64_MIN);
	r = 42;
	cr_assert_eq(mcg_mul(INT64_MIN, -1, &r), MCG_EINPUT);
	cr_assert_eq(mcg_mul(3037000500, 3037000500, &r), MCG_EINPUT);
	cr_assert_eq(mcg_mul(INT64_MAX, 2, &r), MCG_EINPUT);
	cr_assert_eq(mcg_mul(INT64_MIN / 2 - 1, 2, &r), MCG_EINPUT);
	cr_assert_eq(r, 42, "output written on failure");
}

/* ---- allocation -------------------------------------------------------- */

static void allocate_expect(int64_t total, const int64_t *weights, size_t n,
			    const int64_t *want)
{
	int64_t parts[16];

	cr_assert_leq(n, COUNT(parts));
	cr_assert_eq(mcg_allocate(total, weights, n, parts), MCG_OK,
		     "total %lld", (long long)total);
	for (size_t i = 0; i < n; i++)
		cr_assert_eq(parts[i], want[i], "total %lld part %zu: got "
			     "%lld, want %lld", (long long)total, i,
			     (long long)parts[i], (long long)want[i]);
}

#define ALLOC(total, w, ...)                                                \
	do {                                                                 \
		static const int64_t weights_[] = w;                         \
		static const int64_t want_[] = __VA_ARGS__;                  \
		cr_assert_eq(COUNT(weights_), COUNT(want_));                 \
		allocate_expect(total, weights_, COUNT(weights_), want_);    \
	} while (0)

#define W(...) { __VA_ARGS__ }

Test(allocate, examples)
{
	ALLOC(100, W(1, 1, 1), { 34, 33, 33 });
	ALLOC(2, W(1, 1, 1), { 1, 1, 0 });
	ALLOC(1, W(1, 1, 1), { 1, 0, 0 });
	ALLOC(0, W(1, 2, 3), { 0, 0, 0 });
	ALLOC(10, W(7), { 10 });
	ALLOC(0, W(7), { 0 });
	ALLOC(7, W(2, 3), { 3, 4 });             /* 2.8, 4.2 */
	ALLOC(5, W(1, 3), { 1, 4 });             /* 1.25, 3.75 */
	ALLOC(1, W(2, 2), { 1, 0 });             /* tie: lower index */
	/* Floors {0,1,1,0}, one left, remainders of 0 and 3 tie: index 0. */
	ALLOC(3, W(1, 2, 2, 1), { 1, 1, 1, 0 });
	/* A larger remainder beats a lower index: idx 3 (r 5), then idx 0. */
	ALLOC(10, W(1, 1, 1, 4), { 2, 1, 1, 6 });
	/* Remainders 1/6, 2/6, 3/6: the last one wins although it is last. */
	ALLOC(1, W(1, 2, 3), { 0, 0, 1 });
	ALLOC(100, W(50, 30, 20), { 50, 30, 20 }); /* exact: nothing left */
	ALLOC(1000, W(1, 1, 1, 1, 1, 1, 1), { 143, 143, 143, 143, 143, 143,
					      142 });
	/* 62.5% / 37.5% of 0.01 EUR: 0.625 vs 0.375. */
	ALLOC(1, W(6250, 3750), { 1, 0 });
	ALLOC(3, W(6250, 3750), { 2, 1 });       /* 1.875, 1.125 */
}

Test(allocate, big_numbers_need_128_bits)
{
	const int64_t third = INT64_MAX / 3; /* 3074457345618258602 */

	ALLOC(INT64_MAX, W(1, INT64_MAX - 1), { 1, INT64_MAX - 1 });
	ALLOC(INT64_MAX, W(INT64_MAX), { INT64_MAX });
	ALLOC(INT64_MAX - 1, W(INT64_MAX / 2, INT64_MAX / 2),
	      { INT64_MAX / 2, INT64_MAX / 2 });
	/* W = INT64_MAX - 1: shares 3074457345618258602.33..., one left. */
	{
		const int64_t w[] = { third, third, third };
		const int64_t want[] = { third + 1, third, third };

		allocate_expect(INT64_MAX, w, 3, want);
	}
	/* Remainders near 2^63: 1 and INT64_MAX - 2 out of W = INT64_MAX. */
	{
		const int64_t w[] = { 1, INT64_MAX - 2, 1 };
		const int64_t want[] = { 0, 2, 0 };

		allocate_expect(2, w, 3, want);
	}
	{
		const int64_t w[] = { 1, INT64_MAX - 2, 1 };
		const int64_t want[] = { 1, INT64_MAX - 3, 1 };

		allocate_expect(INT64_MAX - 1, w, 3, want);
	}
}

Test(allocate, refused)
{
	const int64_t ok[] = { 1, 2 };
	const int64_t zero[] = { 1, 0, 2 };
	const int64_t negative[] = { 3, -1 };
	const int64_t min[] = { INT64_MIN, 1 };
	const int64_t sum_overflow[] = { INT64_MAX, 1 };
	const int64_t sum_overflow_late[] = { INT64_MAX / 2, INT64_MAX / 2, 2 };
	const int64_t sum_wraps_u64[] = { INT64_MAX, INT64_MAX, 2 };
	int64_t parts[3] = { 42, 42, 42 };

	cr_assert_eq(mcg_allocate(10, ok, 0, parts), MCG_EINPUT);
	cr_assert_eq(mcg_allocate(-1, ok, 2, parts), MCG_EINPUT);
	cr_assert_eq(mcg_allocate(INT64_MIN, ok, 2, parts), MCG_EINPUT);
	cr_assert_eq(mcg_allocate(10, zero, 3, parts), MCG_EINPUT);
	cr_assert_eq(mcg_allocate(10, negative, 2, parts), MCG_EINPUT);
	cr_assert_eq(mcg_allocate(10, min, 2, parts), MCG_EINPUT);
	cr_assert_eq(mcg_allocate(10, sum_overflow, 2, parts), MCG_EINPUT);
	cr_assert_eq(mcg_allocate(10, sum_overflow_late, 3, parts),
		     MCG_EINPUT);
	cr_assert_eq(mcg_allocate(10, sum_wraps_u64, 3, parts), MCG_EINPUT);
	for (int i = 0; i < 3; i++)
		cr_assert_eq(parts[i], 42, "part %d written on failure", i);
}

/* Equal weights: all remainders tie, so the first ones get the units. */
Test(allocate, many_equal_weights_tie_to_lower_index)
{
	enum { N = 100000 };
	static int64_t weights[N], parts[N];

	for (size_t i = 0; i < N; i++)
		weights[i] = 1;
	cr_assert_eq(mcg_allocate(N - 1, weights, N, parts), MCG_OK);
	for (size_t i = 0; i < N - 1; i++)
		cr_assert_eq(parts[i], 1, "part %zu", i);
	cr_assert_eq(parts[N - 1], 0);

	cr_assert_eq(mcg_allocate(3 * N + 7, weights, N, parts), MCG_OK);
	for (size_t i = 0; i < N; i++)
		cr_assert_eq(parts[i], i < 7 ? 4 : 3, "part %zu", i);
}

/*
 * For random totals and weights: the parts sum to the total; each part is
 * the floor of its exact share or one more; exactly total - sum(floors)
 * parties got one more; and every party that got one more has a larger
 * remainder than every party that did not, or an equal one and a lower
 * index.  That is the largest-remainder rule itself.
 */
Test(allocate, property_random)
{
	enum { N_MAX = 24 };

	for (int round = 0; round < 20000; round++) {
		int64_t weights[N_MAX], parts[N_MAX];
		unsigned __int128 floors[N_MAX], rems[N_MAX];
		size_t n = (size_t)rng_range(1, N_MAX);
		uint64_t weight_max, sum = 0, total_max;
		int64_t total, got_sum = 0;
		unsigned __int128 floors_sum = 0;
		size_t bumped = 0;

		/* Weights from tiny to so large that their sum nears 2^63. */
		switch (round % 4) {
		case 0: weight_max = 3; break;
		case 1: weight_max = 1000; break;
		case 2: weight_max = (uint64_t)INT64_MAX / n; break;
		default: weight_max = (uint64_t)1 << rng_range(0, 40); break;
		}
		for (size_t i = 0; i < n; i++) {
			weights[i] = (int64_t)rng_range(1, weight_max);
			sum += (uint64_t)weights[i];
		}
		cr_assert_leq(sum, (uint64_t)INT64_MAX);
		total_max = round % 3 == 0 ? 100 :
			    round % 3 == 1 ? 1000000000 : (uint64_t)INT64_MAX;
		total = (int64_t)rng_range(0, total_max);

		cr_assert_eq(mcg_allocate(total, weights, n, parts), MCG_OK);
		for (size_t i = 0; i < n; i++) {
			unsigned __int128 share =
				(unsigned __int128)total * (uint64_t)weights[i];

			floors[i] = share / sum;
			rems[i] = share % sum;
			floors_sum += floors[i];
			cr_assert_geq(parts[i], 0);
			cr_assert((unsigned __int128)parts[i] == floors[i] ||
					  (unsigned __int128)parts[i] ==
						  floors[i] + 1,
				  "round %d part %zu is not within 1 of its "
				  "share", round, i);
			bumped += (unsigned __int128)parts[i] != floors[i];
			cr_assert_eq(mcg_add(got_sum, parts[i], &got_sum),
				     MCG_OK);
		}
		cr_assert_eq(got_sum, total, "round %d", round);
		cr_assert((unsigned __int128)bumped ==
				  (unsigned __int128)total - floors_sum,
			  "round %d", round);
		for (size_t i = 0; i < n; i++) {
			if ((unsigned __int128)parts[i] == floors[i])
				continue;
			for (size_t j = 0; j < n; j++) {
				if ((unsigned __int128)parts[j] != floors[j])
					continue;
				cr_assert(rems[i] > rems[j] ||
						  (rems[i] == rems[j] && i < j),
					  "round %d: %zu got a unit before %zu",
					  round, i, j);
			}
		}
	}
}
