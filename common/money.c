/*
 * Money and percentages: see money.h and DOMAIN.md section 2.
 *
 * Amounts are int64_t minor units.  Parsing accumulates the digits into an
 * unsigned 64-bit magnitude with checked arithmetic and only then applies
 * the sign, so that INT64_MIN (whose magnitude does not fit int64_t) is
 * read and written exactly like every other amount.  Products go through
 * __int128.  Nothing here ever touches a floating-point number.
 */
#include "money.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

/*
 * The longest amount or percentage text we read: anything of
 * MCG_AMOUNT_TEXT_MAX characters or more is refused before it is looked at.
 * The longest real amount ("-92233720368547758.08") is 21 characters; the
 * slack leaves room for leading zeros.
 */
#define AMOUNT_INPUT_MAX (MCG_AMOUNT_TEXT_MAX - 1)

/* How many characters of a bad input an error message quotes. */
#define QUOTE_CHARS_MAX 32

/* Room for a quoted input: every byte may become "\xNN", plus "..." and NUL. */
#define QUOTE_BUF_MAX (QUOTE_CHARS_MAX * 4 + 4)

/* |INT64_MIN| as an unsigned magnitude. */
#define MAG_INT64_MIN ((uint64_t)INT64_MAX + 1)

/* ISO 4217 list one, as published 2026-01-01, without the codes that have
 * no minor unit at all ("N.A.": XAU, XDR, XXX, ...).  Sorted for bsearch. */
struct currency {
	char code[4];
	int digits;
};

static const struct currency currencies[] = {
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

static int currency_cmp(const void *key, const void *elem)
{
	const struct currency *c = elem;

	return strcmp(key, c->code);
}

int mcg_currency_minor_digits(const char *code)
{
	const struct currency *c;

	if (!code || strnlen(code, 4) != 3)
		return -1;
	for (int i = 0; i < 3; i++)
		if (code[i] < 'A' || code[i] > 'Z')
			return -1;
	c = bsearch(code, currencies, sizeof(currencies) / sizeof(currencies[0]),
		    sizeof(currencies[0]), currency_cmp);
	return c ? c->digits : -1;
}

/*
 * Copies the start of a bad input into out for an error message: at most
 * QUOTE_CHARS_MAX bytes, bytes outside printable ASCII written as \xNN (so
 * that a newline in the input cannot break the one-line message), and "..."
 * when the input was cut.
 */
static const char *quote_input(const char *text, char out[QUOTE_BUF_MAX])
{
	static const char hex[] = "0123456789abcdef";
	size_t o = 0, i;

	if (!text)
		text = "";
	for (i = 0; text[i] && i < QUOTE_CHARS_MAX; i++) {
		unsigned char c = (unsigned char)text[i];

		if (c >= 0x20 && c < 0x7f && c != '\\') {
			out[o++] = (char)c;
		} else {
			out[o++] = '\\';
			out[o++] = 'x';
			out[o++] = hex[c >> 4];
			out[o++] = hex[c & 0xf];
		}
	}
	if (text[i]) {
		memcpy(out + o, "...", 3);
		o += 3;
	}
	out[o] = '\0';
	return out;
}

/* What the scanner found wrong with a number, from the most basic. */
enum scan_result {
	SCAN_OK,
	SCAN_TOO_LONG,   /* AMOUNT_INPUT_MAX characters exceeded */
	SCAN_EMPTY,
	SCAN_SYNTAX,     /* not [-]digits[.digits] */
	SCAN_DECIMALS,   /* well formed, but more decimals than allowed */
	SCAN_RANGE,      /* does not fit 64 bits of minor units */
};

/* magnitude = magnitude * 10 + digit, or 0 when that overflows. */
static int push_digit(uint64_t *magnitude, char digit)
{
	return !__builtin_mul_overflow(*magnitude, 10u, magnitude) &&
	       !__builtin_add_overflow(*magnitude, (uint64_t)(digit - '0'),
				       magnitude);
}

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/*
 * Reads [-]digits[.digits] with at most minor_digits decimals (and no dot
 * at all for 0) into a sign and a magnitude in minor units.  The syntax is
 * judged over the whole text before any range problem is reported, so that
 * "99999999999999999999x" is called malformed, not too large.
 */
static enum scan_result scan_decimal(const char *text, int minor_digits,
				     int *out_negative, uint64_t *out_magnitude)
{
	const char *p = text;
	uint64_t magnitude = 0;
	int fits = 1, decimals = 0;

	if (!text || !*text)
		return SCAN_EMPTY;
	if (strnlen(text, AMOUNT_INPUT_MAX + 1) > AMOUNT_INPUT_MAX)
		return SCAN_TOO_LONG;
	*out_negative = *p == '-';
	if (*p == '-')
		p++;
	if (!is_digit(*p))
		return SCAN_SYNTAX;
	for (; is_digit(*p); p++)
		fits = fits && push_digit(&magnitude, *p);
	if (*p == '.') {
		if (minor_digits == 0 || !is_digit(p[1]))
			return SCAN_SYNTAX;
		for (p++; is_digit(*p); p++, decimals++)
			fits = fits && push_digit(&magnitude, *p);
	}
	if (*p)
		return SCAN_SYNTAX;
	if (decimals > minor_digits)
		return SCAN_DECIMALS;
	for (; decimals < minor_digits; decimals++)
		fits = fits && !__builtin_mul_overflow(magnitude, 10u, &magnitude);
	if (!fits)
		return SCAN_RANGE;
	*out_magnitude = magnitude;
	return SCAN_OK;
}

/* Applies the sign to a magnitude known to fit: at most 2^63 if negative. */
static int64_t signed_from_magnitude(int negative, uint64_t magnitude)
{
	if (!negative)
		return (int64_t)magnitude;
	if (magnitude == MAG_INT64_MIN)
		return INT64_MIN;
	return -(int64_t)magnitude;
}

/* "at most 2 decimals", "no decimal point": what a well-formed amount is. */
static const char *amount_expected(int minor_digits)
{
	static const char *const expected[MCG_MINOR_DIGITS_MAX + 1] = {
		"expected digits with no decimal point",
		"expected digits with an optional '.' and at most 1 decimal",
		"expected digits with an optional '.' and at most 2 decimals",
		"expected digits with an optional '.' and at most 3 decimals",
		"expected digits with an optional '.' and at most 4 decimals",
	};

	return expected[minor_digits];
}

int mcg_amount_parse(const char *text, int minor_digits, int allow_negative,
		     int64_t *out_minor, mcg_error *err)
{
	char q[QUOTE_BUF_MAX], limit[MCG_AMOUNT_TEXT_MAX];
	enum scan_result result;
	uint64_t magnitude = 0;
	int negative = 0;

	assert(out_minor);
	if (minor_digits < 0 || minor_digits > MCG_MINOR_DIGITS_MAX)
		return mcg_error_set(err, MCG_EINPUT,
				     "bad amount '%s': %d minor digits is not "
				     "a currency's (0 to %d)",
				     quote_input(text, q), minor_digits,
				     MCG_MINOR_DIGITS_MAX);
	result = scan_decimal(text, minor_digits, &negative, &magnitude);
	switch (result) {
	case SCAN_OK:
	case SCAN_RANGE:
		break;
	case SCAN_TOO_LONG:
		return mcg_error_set(err, MCG_EINPUT,
				     "bad amount '%s': longer than %d characters",
				     quote_input(text, q), AMOUNT_INPUT_MAX);
	case SCAN_EMPTY:
		return mcg_error_set(err, MCG_EINPUT, "bad amount '': empty; %s",
				     amount_expected(minor_digits));
	case SCAN_SYNTAX:
		return mcg_error_set(err, MCG_EINPUT, "bad amount '%s': %s",
				     quote_input(text, q),
				     amount_expected(minor_digits));
	case SCAN_DECIMALS:
		return mcg_error_set(err, MCG_EINPUT,
				     "bad amount '%s': too many decimals; %s",
				     quote_input(text, q),
				     amount_expected(minor_digits));
	}
	if (negative && !allow_negative)
		return mcg_error_set(err, MCG_EINPUT,
				     "bad amount '%s': a negative amount is not "
				     "allowed here",
				     quote_input(text, q));
	if (result == SCAN_RANGE ||
	    magnitude > (negative ? MAG_INT64_MIN : (uint64_t)INT64_MAX))
		goto out_range;
	*out_minor = signed_from_magnitude(negative, magnitude);
	return MCG_OK;

out_range:
	mcg_amount_format(negative ? INT64_MIN : INT64_MAX, minor_digits, limit);
	return mcg_error_set(err, MCG_EINPUT,
			     "bad amount '%s': out of range (the %s is %s)",
			     quote_input(text, q),
			     negative ? "smallest" : "largest", limit);
}

/*
 * Writes minor as text, optionally with a ',' between groups of three
 * integer digits.  Digits are produced from the right into a scratch
 * buffer, then copied out in order.
 */
static char *format_amount(int64_t minor, int minor_digits, int grouped,
			   char *buf)
{
	char rev[MCG_AMOUNT_TEXT_MAX];
	uint64_t magnitude = minor < 0 ? 0 - (uint64_t)minor : (uint64_t)minor;
	size_t n = 0, integer_digits = 0;

	assert(minor_digits >= 0 && minor_digits <= MCG_MINOR_DIGITS_MAX);
	for (int i = 0; i < minor_digits; i++) {
		rev[n++] = (char)('0' + magnitude % 10);
		magnitude /= 10;
	}
	if (minor_digits > 0)
		rev[n++] = '.';
	do {
		if (grouped && integer_digits > 0 && integer_digits % 3 == 0)
			rev[n++] = ',';
		rev[n++] = (char)('0' + magnitude % 10);
		magnitude /= 10;
		integer_digits++;
	} while (magnitude > 0);
	if (minor < 0)
		rev[n++] = '-';
	/* INT64_MIN grouped with 4 decimals is the longest: 27 characters. */
	assert(n < MCG_AMOUNT_TEXT_MAX);
	for (size_t i = 0; i < n; i++)
		buf[i] = rev[n - 1 - i];
	buf[n] = '\0';
	return buf;
}

char *mcg_amount_format(int64_t minor, int minor_digits, char *buf)
{
	return format_amount(minor, minor_digits, 0, buf);
}

char *mcg_amount_format_grouped(int64_t minor, int minor_digits, char *buf)
{
	return format_amount(minor, minor_digits, 1, buf);
}

int mcg_pct_parse(const char *text, int32_t *out_bp, mcg_error *err)
{
	char q[QUOTE_BUF_MAX];
	enum scan_result result;
	uint64_t magnitude = 0;
	int negative = 0;

	assert(out_bp);
	result = scan_decimal(text, 2, &negative, &magnitude);
	switch (result) {
	case SCAN_OK:
	case SCAN_RANGE:
		break;
	case SCAN_TOO_LONG:
		return mcg_error_set(err, MCG_EINPUT,
				     "bad percentage '%s': longer than %d "
				     "characters",
				     quote_input(text, q), AMOUNT_INPUT_MAX);
	case SCAN_EMPTY:
	case SCAN_SYNTAX:
	case SCAN_DECIMALS:
		goto out_bad;
	}
	/* A percentage has no sign at all, not even "-0". */
	if (negative)
		goto out_bad;
	if (result == SCAN_RANGE || magnitude > MCG_BP_FULL)
		goto out_range;
	*out_bp = (int32_t)magnitude;
	return MCG_OK;

out_bad:
	return mcg_error_set(err, MCG_EINPUT,
			     "bad percentage '%s': expected a number from 0 to "
			     "100 with an optional '.' and at most 2 decimals",
			     quote_input(text, q));
out_range:
	return mcg_error_set(err, MCG_EINPUT,
			     "bad percentage '%s': more than 100",
			     quote_input(text, q));
}

char *mcg_pct_format(int32_t bp, char *buf)
{
	return mcg_amount_format(bp, 2, buf);
}

int mcg_pct(int64_t amount_minor, int64_t bp, int64_t *out_minor)
{
	/* |amount * bp| <= 2^126: always fits a signed 128-bit product. */
	__int128 product = (__int128)amount_minor * bp;
	__int128 quotient = product / MCG_BP_FULL;
	__int128 remainder = product % MCG_BP_FULL; /* has product's sign */

	assert(out_minor);
	if (remainder >= MCG_BP_FULL / 2)
		quotient++;
	else if (remainder <= -(MCG_BP_FULL / 2))
		quotient--;
	if (quotient > INT64_MAX || quotient < INT64_MIN)
		return MCG_EINPUT;
	*out_minor = (int64_t)quotient;
	return MCG_OK;
}

int mcg_add(int64_t a, int64_t b, int64_t *out)
{
	int64_t r;

	if (__builtin_add_overflow(a, b, &r))
		return MCG_EINPUT;
	*out = r;
	return MCG_OK;
}

int mcg_sub(int64_t a, int64_t b, int64_t *out)
{
	int64_t r;

	if (__builtin_sub_overflow(a, b, &r))
		return MCG_EINPUT;
	*out = r;
	return MCG_OK;
}

int mcg_mul(int64_t a, int64_t b, int64_t *out)
{
	int64_t r;

	if (__builtin_mul_overflow(a, b, &r))
		return MCG_EINPUT;
	*out = r;
	return MCG_OK;
}

/* How many of the n remainders are at least t. */
static size_t count_at_least(const int64_t *remainders, size_t n, int64_t t)
{
	size_t count = 0;

	for (size_t i = 0; i < n; i++)
		count += remainders[i] >= t;
	return count;
}

/*
 * The k-th largest of the n remainders (1 <= k <= n), all in [0, hi]: the
 * largest t with at least k remainders >= t.  A binary search over the
 * values costs at most 64 passes over the array and no memory, where a
 * sort would need a copy of the indexes.
 */
static int64_t kth_largest(const int64_t *remainders, size_t n, size_t k,
			   int64_t hi)
{
	int64_t lo = 0;

	assert(k >= 1 && k <= n);
	while (lo < hi) {
		int64_t mid = lo + (hi - lo) / 2 + 1;

		if (count_at_least(remainders, n, mid) >= k)
			lo = mid;
		else
			hi = mid - 1;
	}
	return lo;
}

int mcg_allocate(int64_t total, const int64_t *weights, size_t n,
		 int64_t *parts)
{
	uint64_t weight_sum = 0;
	int64_t floors_sum = 0, threshold = 0, check_sum = 0;
	size_t left_over, above = 0, ties_taken = 0;

	if (n == 0 || total < 0)
		return MCG_EINPUT;
	/* parts[] is used as scratch while weights[] is still read. */
	assert(weights && parts && (const void *)parts != (const void *)weights);
	for (size_t i = 0; i < n; i++) {
		if (weights[i] <= 0 ||
		    __builtin_add_overflow(weight_sum, (uint64_t)weights[i],
					   &weight_sum) ||
		    weight_sum > (uint64_t)INT64_MAX)
			return MCG_EINPUT;
	}

	/*
	 * First pass: parts[] holds each remainder (total * w) mod W, which is
	 * below W and so fits; the floors are summed to find what is left.
	 */
	for (size_t i = 0; i < n; i++) {
		unsigned __int128 share =
			(unsigned __int128)total * (uint64_t)weights[i];

		parts[i] = (int64_t)(share % weight_sum);
		floors_sum += (int64_t)(share / weight_sum);
	}
	/* Each floor is at most total * w / W, so their sum is at most total,
	 * and short of it by less than n. */
	assert(floors_sum <= total && (uint64_t)(total - floors_sum) < n);
	left_over = (size_t)(total - floors_sum);

	/*
	 * The units left over go to the left_over largest remainders, ties to
	 * the lower index: every remainder above the threshold gets one, and
	 * the first few equal to it share what is still left.
	 */
	if (left_over > 0) {
		threshold = kth_largest(parts, n, left_over,
					(int64_t)weight_sum - 1);
		/* threshold < W <= INT64_MAX, so threshold + 1 cannot wrap. */
		above = count_at_least(parts, n, threshold + 1);
	}

	for (size_t i = 0; i < n; i++) {
		unsigned __int128 share =
			(unsigned __int128)total * (uint64_t)weights[i];
		int64_t part = (int64_t)(share / weight_sum);
		int64_t remainder = parts[i];

		if (left_over > 0 &&
		    (remainder > threshold ||
		     (remainder == threshold && ties_taken < left_over - above))) {
			part++;
			if (remainder == threshold)
				ties_taken++;
		}
		parts[i] = part;
		check_sum += part;
	}
	assert(check_sum == total);
	return MCG_OK;
}
