/*
 * Fuzz target: mcg_amount_parse (common/money.h), the parser every amount
 * on the command line and in an import file goes through.
 *
 * The first byte chooses the currency's minor digits (0..4) and whether a
 * negative amount is allowed; the rest is the text.  Promises checked:
 *   - an accepted amount formats back to text that parses to the same
 *     value (the CSV and XML form is exact), and that text is canonical:
 *     formatting it again gives the same bytes;
 *   - a refused amount has a one-line error (fuzz.h), so hostile bytes
 *     cannot break the one-line `mcg: error:` contract;
 *   - a negative result only when negatives are allowed.
 */
#include "fuzz.h"

#include "money.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char out1[MCG_AMOUNT_TEXT_MAX], out2[MCG_AMOUNT_TEXT_MAX];
	char grouped[MCG_AMOUNT_TEXT_MAX];
	mcg_error err;
	int64_t v = 0, back = 0;
	int digits, allow_negative, rc;
	char *text;

	if (size < 1)
		return 0;
	digits = data[0] % (MCG_MINOR_DIGITS_MAX + 1);
	allow_negative = (data[0] >> 4) & 1;
	text = fuzz_cstr(data + 1, size - 1);
	mcg_error_clear(&err);
	rc = mcg_amount_parse(text, digits, allow_negative, &v, &err);
	fuzz_check_error(rc, &err);
	if (rc == MCG_OK) {
		FUZZ_REQUIRE(allow_negative || v >= 0, "no negative unless allowed");
		mcg_amount_format(v, digits, out1);
		mcg_error_clear(&err);
		rc = mcg_amount_parse(out1, digits, 1, &back, &err);
		FUZZ_REQUIRE(rc == MCG_OK && back == v, "format then parse round-trips");
		mcg_amount_format(back, digits, out2);
		FUZZ_REQUIRE(strcmp(out1, out2) == 0, "the formatted text is canonical");
		mcg_amount_format_grouped(v, digits, grouped);
		FUZZ_REQUIRE(strlen(grouped) < MCG_AMOUNT_TEXT_MAX, "grouped text fits");
	}
	free(text);
	return 0;
}
