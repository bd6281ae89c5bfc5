/*
 * Fuzz target: mcg_pct_parse (common/money.h), the parser of --coverage,
 * --rate and the percentages of a rules file.
 *
 * Promises checked: an accepted percentage is 0..100% (0..10000 bp), its
 * two-decimal form parses back to the same basis points; a refusal is one
 * line (fuzz.h).  With the parsed basis points, pct() of a few edge amounts
 * either fits or is refused, never wraps: |pct(a, bp)| <= |a|.
 */
#include "fuzz.h"

#include "money.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const int64_t edges[] = { 0, 1, -1, 5, INT64_MAX, INT64_MIN,
					 INT64_MAX / 2, 99999999999 };
	char buf[MCG_AMOUNT_TEXT_MAX];
	mcg_error err;
	int32_t bp = -1, back = -1;
	char *text = fuzz_cstr(data, size);
	int rc;

	mcg_error_clear(&err);
	rc = mcg_pct_parse(text, &bp, &err);
	fuzz_check_error(rc, &err);
	if (rc == MCG_OK) {
		FUZZ_REQUIRE(bp >= 0 && bp <= MCG_BP_FULL, "0..100%");
		mcg_pct_format(bp, buf);
		mcg_error_clear(&err);
		rc = mcg_pct_parse(buf, &back, &err);
		FUZZ_REQUIRE(rc == MCG_OK && back == bp, "format then parse round-trips");
		for (size_t i = 0; i < sizeof(edges) / sizeof(edges[0]); i++) {
			int64_t r = 0;

			if (mcg_pct(edges[i], bp, &r) == MCG_OK) {
				FUZZ_REQUIRE(edges[i] >= 0 ? (r >= 0 && r <= edges[i])
							   : (r <= 0 && r >= edges[i]),
					     "pct(a, bp <= 100%) lies between 0 and a");
			}
		}
	}
	free(text);
	return 0;
}
