/*
 * Fuzz target: mcg_rules_parse (rules/rules.h), the reader of the rules
 * files `mcg init --rules`, `mcg rules load` and `mcg rules check` take.
 * It goes through the safe XML reader (common/xmlsafe.h) and the XSD.
 *
 * The first byte chooses the currency's minor digits (0..4); the rest is
 * the document.  Promises checked: a refusal is one line (fuzz.h); an
 * accepted rules document turns into canonical text that reads back into
 * the same rules (the "rules load" event records that text, and `mcg
 * check` rebuilds from it).
 */
#include "fuzz.h"

#include <libxml/parser.h>

#include "money.h"
#include "rules/rules.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	xmlInitParser();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char text1[2048], text2[2048];
	mcg_rules r, back;
	mcg_error err;
	int digits, rc;

	if (size < 1)
		return 0;
	digits = data[0] % (MCG_MINOR_DIGITS_MAX + 1);
	memset(&r, 0, sizeof(r));
	mcg_error_clear(&err);
	rc = mcg_rules_parse((const char *)data + 1, size - 1, "fuzz.xml", digits,
			     &r, &err);
	fuzz_check_error(rc, &err);
	if (rc == MCG_OK) {
		FUZZ_REQUIRE(r.coverage_max_bp >= 0 && r.coverage_max_bp <= MCG_BP_FULL,
			     "coverage_max is 0..100%");
		FUZZ_REQUIRE(r.peer_quorum > 0, "a positive quorum");
		FUZZ_REQUIRE(mcg_rules_to_text(&r, text1, sizeof(text1)) == MCG_OK,
			     "accepted rules have a canonical text");
		memset(&back, 0, sizeof(back));
		mcg_error_clear(&err);
		rc = mcg_rules_from_text(text1, &back, &err);
		FUZZ_REQUIRE(rc == MCG_OK, "the canonical text reads back");
		FUZZ_REQUIRE(mcg_rules_to_text(&back, text2, sizeof(text2)) == MCG_OK &&
			     strcmp(text1, text2) == 0,
			     "rules -> text -> rules round-trips");
	}
	return 0;
}
