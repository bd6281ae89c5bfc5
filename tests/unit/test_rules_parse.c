/*
 * Reading rules files: the built-in defaults, a custom file, and every kind
 * of bad or hostile file, which must be refused with an error that names
 * the file, the line and the rule.
 */
#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "money.h"
#include "rules/rules.h"
#include "xmlsafe.h"

#define DATA "tests/data/rules/"

static int contains(const char *haystack, const char *needle)
{
	return strstr(haystack, needle) != NULL;
}

/* The default file with the first `from` replaced by `to` (free()). */
static char *default_with(const char *from, const char *to)
{
	const char *at = strstr(mcg_rules_default_xml, from);
	size_t head, total;
	char *out;

	cr_assert_not_null(at, "'%s' not in default.xml", from);
	head = (size_t)(at - mcg_rules_default_xml);
	total = mcg_rules_default_xml_len - strlen(from) + strlen(to);
	out = malloc(total + 1);
	cr_assert_not_null(out);
	memcpy(out, mcg_rules_default_xml, head);
	memcpy(out + head, to, strlen(to));
	memcpy(out + head + strlen(to), at + strlen(from),
	       mcg_rules_default_xml_len - head - strlen(from) + 1);
	return out;
}

static int parse_text(const char *xml, int minor_digits, mcg_rules *r,
		      mcg_error *err)
{
	return mcg_rules_parse(xml, strlen(xml), "test.xml", minor_digits, r,
			       err);
}

/* Parses the default with one replacement; expects a refusal whose
 * message holds every one of the given fragments. */
static void expect_refused(const char *from, const char *to,
			   const char *frag1, const char *frag2)
{
	char *xml = default_with(from, to);
	mcg_rules r, before;
	mcg_error err;
	int rc;

	mcg_error_clear(&err);
	memset(&r, 0x5a, sizeof(r));
	before = r;
	rc = parse_text(xml, 2, &r, &err);
	free(xml);
	cr_assert_eq(rc, MCG_EINPUT, "'%s' -> '%s' accepted", from, to);
	cr_assert_eq(err.code, MCG_EINPUT);
	cr_assert(contains(err.msg, "test.xml:"), "no file in: %s", err.msg);
	cr_assert(contains(err.msg, frag1), "no '%s' in: %s", frag1, err.msg);
	if (frag2)
		cr_assert(contains(err.msg, frag2), "no '%s' in: %s", frag2,
			  err.msg);
	cr_assert(memcmp(&r, &before, sizeof(r)) == 0,
		  "output written on failure");
}

static void expect_default_values(const mcg_rules *r, int64_t capital_min)
{
	static const int32_t scale[MCG_GRADES] = {
		3000, 1500, 800, 400, 200, 100, 50, 25, 10, 5
	};

	cr_assert_eq(r->coverage_max_bp, 8000);
	cr_assert_eq(r->capital_min_minor, capital_min);
	cr_assert_eq(r->peer_quorum, 3);
	cr_assert_eq(r->peer_score_min_tenths, 50);
	cr_assert_eq(r->peer_max_age_days, 180);
	cr_assert_eq(r->deposit_min_bp, 0);
	cr_assert_eq(r->multiplier_max_centi, 1500);
	cr_assert_eq(r->single_name_max_bp, 2500);
	cr_assert_eq(r->pledge_leverage_max_centi, 1000);
	cr_assert_eq(r->fee_bp, 100);
	cr_assert_eq(r->fund_contribution_bp, 50);
	cr_assert_eq(r->default_dpd_days, 90);
	cr_assert_eq(r->lgd_bp, 4500);
	for (int g = 0; g < MCG_GRADES; g++)
		cr_assert_eq(r->master_scale_pd_bp[g], scale[g], "grade %d",
			     g + 1);
}

/* ---- the built-in files ------------------------------------------------ */

Test(rules_parse, embedded_files_are_nul_terminated_strings)
{
	cr_assert_gt(mcg_rules_default_xml_len, 100);
	cr_assert_gt(mcg_rules_xsd_len, 100);
	cr_assert_eq(strlen(mcg_rules_default_xml), mcg_rules_default_xml_len);
	cr_assert_eq(strlen(mcg_rules_xsd), mcg_rules_xsd_len);
	cr_assert(strncmp(mcg_rules_default_xml, "<?xml", 5) == 0);
	cr_assert(contains(mcg_rules_xsd, "urn:mcg:rules:1"));
	cr_assert(contains(mcg_rules_default_xml, "</rules>"));
}

Test(rules_parse, embedded_default_matches_the_file_on_disk)
{
	char *disk = NULL;
	size_t len = 0;
	mcg_error err;

	cr_assert_eq(mcg_read_file("rules/default.xml", 1 << 20, &disk, &len,
				   &err), 0, "%s", err.msg);
	cr_assert_eq(len, mcg_rules_default_xml_len);
	cr_assert(memcmp(disk, mcg_rules_default_xml, len) == 0);
	free(disk);
}

Test(rules_parse, default_rules_are_domain_section_7)
{
	mcg_rules r;
	mcg_error err;

	cr_assert_eq(mcg_rules_default(2, &r, &err), 0, "%s", err.msg);
	expect_default_values(&r, 25000);
}

Test(rules_parse, default_capital_min_follows_the_currency)
{
	mcg_rules r;
	mcg_error err;

	cr_assert_eq(mcg_rules_default(0, &r, &err), 0, "%s", err.msg);
	expect_default_values(&r, 250);
	cr_assert_eq(mcg_rules_default(3, &r, &err), 0, "%s", err.msg);
	expect_default_values(&r, 250000);
}

Test(rules_parse, default_file_loads_from_disk)
{
	mcg_rules r, d;
	mcg_error err;

	cr_assert_eq(mcg_rules_load_file("rules/default.xml", 2, &r, &err), 0,
		     "%s", err.msg);
	cr_assert_eq(mcg_rules_default(2, &d, &err), 0);
	cr_assert(memcmp(&r, &d, sizeof(r)) == 0);
}

Test(rules_parse, custom_file_in_any_order_with_white_space)
{
	static const int32_t scale[MCG_GRADES] = {
		4000, 2000, 1000, 500, 300, 300, 100, 50, 20, 0
	};
	mcg_rules r;
	mcg_error err;

	cr_assert_eq(mcg_rules_load_file(DATA "custom.xml", 2, &r, &err), 0,
		     "%s", err.msg);
	cr_assert_eq(r.coverage_max_bp, 6250);
	cr_assert_eq(r.capital_min_minor, 100050);
	cr_assert_eq(r.peer_quorum, 5);
	cr_assert_eq(r.peer_score_min_tenths, 65);
	cr_assert_eq(r.peer_max_age_days, 90);
	cr_assert_eq(r.deposit_min_bp, 1000);
	cr_assert_eq(r.multiplier_max_centi, 1225);
	cr_assert_eq(r.single_name_max_bp, 2050);
	cr_assert_eq(r.pledge_leverage_max_centi, 750);
	cr_assert_eq(r.fee_bp, 125);
	cr_assert_eq(r.fund_contribution_bp, 75);
	cr_assert_eq(r.default_dpd_days, 180);
	cr_assert_eq(r.lgd_bp, 4000);
	for (int g = 0; g < MCG_GRADES; g++)
		cr_assert_eq(r.master_scale_pd_bp[g], scale[g]);
}

Test(rules_parse, custom_capital_min_with_cents_is_bad_for_yen)
{
	mcg_rules r;
	mcg_error err;

	cr_assert_eq(mcg_rules_load_file(DATA "custom.xml", 0, &r, &err),
		     MCG_EINPUT);
	cr_assert(contains(err.msg, DATA "custom.xml:18: rule capital_min"),
		  "%s", err.msg);
	cr_assert(contains(err.msg, "1000.50"), "%s", err.msg);
}

Test(rules_parse, limits_are_accepted)
{
	char *xml = default_with("<coverage_max>80<", "<coverage_max>100.00<");
	mcg_rules r;
	mcg_error err;

	cr_assert_eq(parse_text(xml, 2, &r, &err), 0, "%s", err.msg);
	cr_assert_eq(r.coverage_max_bp, 10000);
	free(xml);
	xml = default_with("<peer_score_min>5<", "<peer_score_min>10.0<");
	cr_assert_eq(parse_text(xml, 2, &r, &err), 0, "%s", err.msg);
	cr_assert_eq(r.peer_score_min_tenths, 100);
	free(xml);
	xml = default_with("<multiplier_max>15<", "<multiplier_max>1000.00<");
	cr_assert_eq(parse_text(xml, 2, &r, &err), 0, "%s", err.msg);
	cr_assert_eq(r.multiplier_max_centi, 100000);
	free(xml);
}

/* ---- wrong values ------------------------------------------------------ */

Test(rules_parse, letters_for_a_percentage)
{
	expect_refused("<coverage_max>80<", "<coverage_max>abc<",
		       "coverage_max", "'abc'");
}

Test(rules_parse, three_decimals_for_a_percentage)
{
	expect_refused("<coverage_max>80<", "<coverage_max>80.001<",
		       "coverage_max", "80.001");
}

Test(rules_parse, percentage_above_100)
{
	expect_refused("<coverage_max>80<", "<coverage_max>101<",
		       "test.xml:15:3: Element 'coverage_max'", "101");
	expect_refused("<lgd>45<", "<lgd>100.01<", "lgd", "100.01");
}

Test(rules_parse, signs_and_exponents_and_grouping)
{
	expect_refused("<fee>1.00<", "<fee>+1<", "fee", NULL);
	expect_refused("<fee>1.00<", "<fee>1e0<", "fee", NULL);
	expect_refused("<capital_min>250<", "<capital_min>-250<",
		       "capital_min", NULL);
	expect_refused("<capital_min>250<", "<capital_min>1,250<",
		       "capital_min", NULL);
	expect_refused("<fee>1.00<", "<fee><", "fee", NULL);
}

Test(rules_parse, amount_with_more_decimals_than_the_currency)
{
	expect_refused("<capital_min>250<", "<capital_min>250.005<",
		       "test.xml:19: rule capital_min", "too many decimals");
}

Test(rules_parse, counts_and_days_are_whole_numbers)
{
	expect_refused("<peer_quorum>3<", "<peer_quorum>2.5<", "peer_quorum",
		       NULL);
	expect_refused("<peer_quorum>3<", "<peer_quorum>0<", "peer_quorum",
		       NULL);
	expect_refused("<peer_max_age_days>180<", "<peer_max_age_days>3651<",
		       "peer_max_age_days", NULL);
	expect_refused("<default_dpd>90<", "<default_dpd>0<", "default_dpd",
		       NULL);
}

Test(rules_parse, score_allows_tenths_up_to_ten)
{
	expect_refused("<peer_score_min>5<", "<peer_score_min>5.25<",
		       "peer_score_min", NULL);
	expect_refused("<peer_score_min>5<", "<peer_score_min>10.5<",
		       "peer_score_min", NULL);
}

Test(rules_parse, multiplier_allows_two_decimals)
{
	expect_refused("<multiplier_max>15<", "<multiplier_max>15.001<",
		       "multiplier_max", NULL);
	expect_refused("<pledge_leverage_max>10<",
		       "<pledge_leverage_max>1000.01<", "pledge_leverage_max",
		       NULL);
}

/* ---- wrong structure --------------------------------------------------- */

Test(rules_parse, missing_rule_is_named)
{
	mcg_rules r;
	mcg_error err;

	cr_assert_eq(mcg_rules_load_file(DATA "missing_rule.xml", 2, &r, &err),
		     MCG_EINPUT);
	cr_assert(contains(err.msg, DATA "missing_rule.xml:"), "%s", err.msg);
	cr_assert(contains(err.msg, "peer_quorum"), "%s", err.msg);
	cr_assert(contains(err.msg, "Missing"), "%s", err.msg);
	cr_assert(!contains(err.msg, "{urn:"), "namespace left in: %s",
		  err.msg);
}

Test(rules_parse, missing_master_scale_grade)
{
	expect_refused("    <grade score=\"10\" pd=\"0.05\"/>\n", "",
		       "master_scale", NULL);
}

Test(rules_parse, unknown_element_is_refused)
{
	mcg_rules r;
	mcg_error err;

	cr_assert_eq(mcg_rules_load_file(DATA "unknown_element.xml", 2, &r,
					 &err), MCG_EINPUT);
	cr_assert(contains(err.msg, DATA "unknown_element.xml:43:"), "%s",
		  err.msg);
	cr_assert(contains(err.msg, "max_loan"), "%s", err.msg);
}

Test(rules_parse, unknown_attribute_is_refused)
{
	expect_refused("<fee>1.00<", "<fee unit=\"%\">1.00<", "fee", "unit");
}

Test(rules_parse, repeated_rule_is_refused)
{
	expect_refused("<lgd>45</lgd>", "<lgd>45</lgd><lgd>40</lgd>", "lgd",
		       NULL);
}

Test(rules_parse, wrong_namespace_is_refused)
{
	mcg_rules r;
	mcg_error err;

	cr_assert_eq(mcg_rules_load_file(DATA "wrong_namespace.xml", 2, &r,
					 &err), MCG_EINPUT);
	cr_assert(contains(err.msg, DATA "wrong_namespace.xml:"), "%s",
		  err.msg);
	cr_assert(contains(err.msg, "urn:example:rules"), "%s", err.msg);
}

Test(rules_parse, no_namespace_is_refused)
{
	expect_refused("<rules xmlns=\"urn:mcg:rules:1\"", "<rules",
		       "rules", NULL);
}

Test(rules_parse, other_format_version_is_refused)
{
	expect_refused("version=\"1\"", "version=\"2\"", "version", NULL);
	expect_refused(" version=\"1\"", "", "version", NULL);
}

Test(rules_parse, master_scale_out_of_order)
{
	char *xml = default_with("    <grade score=\"1\" pd=\"30\"/>\n"
				 "    <grade score=\"2\" pd=\"15\"/>\n",
				 "    <grade score=\"2\" pd=\"30\"/>\n"
				 "    <grade score=\"1\" pd=\"15\"/>\n");
	mcg_rules r;
	mcg_error err;

	cr_assert_eq(parse_text(xml, 2, &r, &err), MCG_EINPUT);
	cr_assert(contains(err.msg, "test.xml:"), "%s", err.msg);
	cr_assert(contains(err.msg, "rule master_scale: expected grade 1"),
		  "%s", err.msg);
	free(xml);
}

Test(rules_parse, master_scale_pd_may_not_rise)
{
	char *xml = default_with("score=\"7\" pd=\"0.5\"", "score=\"7\" pd=\"1.01\"");
	mcg_rules r;
	mcg_error err;

	cr_assert_eq(parse_text(xml, 2, &r, &err), MCG_EINPUT);
	cr_assert(contains(err.msg, "test.xml:"), "%s", err.msg);
	cr_assert(contains(err.msg, "rule master_scale: grade 7 has PD 1.01%"),
		  "%s", err.msg);
	free(xml);
	/* Equal PDs for neighbouring grades are fine. */
	xml = default_with("score=\"7\" pd=\"0.5\"", "score=\"7\" pd=\"1.00\"");
	cr_assert_eq(parse_text(xml, 2, &r, &err), 0, "%s", err.msg);
	cr_assert_eq(r.master_scale_pd_bp[6], 100);
	free(xml);
}

Test(rules_parse, master_scale_pd_is_a_percentage)
{
	expect_refused("score=\"1\" pd=\"30\"", "score=\"1\" pd=\"130\"",
		       "pd", NULL);
	expect_refused("score=\"1\" pd=\"30\"", "score=\"1\"", "pd", NULL);
}

/* ---- hostile and broken files ------------------------------------------ */

static void expect_file_refused(const char *path)
{
	mcg_rules r;
	mcg_error err;

	mcg_error_clear(&err);
	cr_assert_eq(mcg_rules_load_file(path, 2, &r, &err), MCG_EINPUT,
		     "%s accepted", path);
	cr_assert(contains(err.msg, path), "no file name in: %s", err.msg);
	cr_assert(!contains(err.msg, "root:"), "leaked: %s", err.msg);
}

Test(rules_parse, billion_laughs_is_refused)
{
	expect_file_refused(DATA "billion_laughs.xml");
}

Test(rules_parse, external_entity_is_refused)
{
	expect_file_refused(DATA "external_entity.xml");
}

Test(rules_parse, any_doctype_is_refused)
{
	mcg_rules r;
	mcg_error err;

	expect_file_refused(DATA "doctype.xml");
	mcg_rules_load_file(DATA "doctype.xml", 2, &r, &err);
	cr_assert(contains(err.msg, "DOCTYPE"), "%s", err.msg);
}

Test(rules_parse, deep_nesting_is_refused)
{
	const char *head = "<rules xmlns=\"urn:mcg:rules:1\" version=\"1\">";
	size_t levels = 1000, cap = strlen(head) + levels * 8 + 16, n = 0;
	char *xml = malloc(cap);
	mcg_rules r;
	mcg_error err;

	cr_assert_not_null(xml);
	n += (size_t)snprintf(xml + n, cap - n, "%s", head);
	for (size_t i = 0; i < levels; i++)
		n += (size_t)snprintf(xml + n, cap - n, "<a>");
	for (size_t i = 0; i < levels; i++)
		n += (size_t)snprintf(xml + n, cap - n, "</a>");
	n += (size_t)snprintf(xml + n, cap - n, "</rules>");
	cr_assert_lt(n, cap);
	cr_assert_eq(mcg_rules_parse(xml, n, "deep.xml", 2, &r, &err),
		     MCG_EINPUT);
	cr_assert(contains(err.msg, "deep.xml"), "%s", err.msg);
	free(xml);
}

Test(rules_parse, file_over_16_mib_is_refused)
{
	char dir[] = "/tmp/mcg-rules-test-XXXXXX";
	char path[64];
	static char chunk[1 << 16];
	FILE *f;
	mcg_rules r;
	mcg_error err;

	cr_assert_not_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/huge.xml", dir);
	f = fopen(path, "wb");
	cr_assert_not_null(f);
	fputs("<rules xmlns=\"urn:mcg:rules:1\" version=\"1\"><!--", f);
	memset(chunk, 'x', sizeof(chunk));
	for (size_t done = 0; done <= MCG_XML_BYTES_MAX; done += sizeof(chunk))
		cr_assert_eq(fwrite(chunk, 1, sizeof(chunk), f), sizeof(chunk));
	fputs("--></rules>", f);
	cr_assert_eq(fclose(f), 0);
	cr_assert_eq(mcg_rules_load_file(path, 2, &r, &err), MCG_EINPUT);
	cr_assert(contains(err.msg, path), "%s", err.msg);
	cr_assert(contains(err.msg, "too large"), "%s", err.msg);
	unlink(path);
	rmdir(dir);
}

Test(rules_parse, memory_over_16_mib_is_refused)
{
	size_t len = MCG_XML_BYTES_MAX + 1;
	char *xml = malloc(len);
	mcg_rules r;
	mcg_error err;

	cr_assert_not_null(xml);
	memset(xml, ' ', len);
	cr_assert_eq(mcg_rules_parse(xml, len, "big.xml", 2, &r, &err),
		     MCG_EINPUT);
	cr_assert(contains(err.msg, "too large"), "%s", err.msg);
	free(xml);
}

Test(rules_parse, not_xml_and_empty_and_missing_files)
{
	mcg_rules r;
	mcg_error err;

	cr_assert_eq(parse_text("coverage_max=80", 2, &r, &err), MCG_EINPUT);
	cr_assert(contains(err.msg, "test.xml:1:"), "%s", err.msg);
	cr_assert_eq(mcg_rules_parse("", 0, "empty.xml", 2, &r, &err),
		     MCG_EINPUT);
	cr_assert(contains(err.msg, "empty.xml"), "%s", err.msg);
	cr_assert_eq(mcg_rules_load_file(DATA "no-such-file.xml", 2, &r, &err),
		     MCG_EINPUT);
	cr_assert(contains(err.msg, "no-such-file.xml"), "%s", err.msg);
	cr_assert_eq(parse_text("<rules xmlns=\"urn:mcg:rules:1\" version=\"1\">",
				2, &r, &err), MCG_EINPUT);
}

/* mcg_xml_parse_memory of len bytes: MCG_OK (the document freed), or the
 * refusal's message in err. */
static int parse_bytes(const char *xml, size_t len, mcg_error *err)
{
	xmlDocPtr doc = NULL;
	int rc;

	mcg_error_clear(err);
	rc = mcg_xml_parse_memory(xml, len, "enc.xml", &doc, err);
	xmlFreeDoc(doc);
	return rc;
}

#define PARSE_BYTES(lit, err) parse_bytes(lit, sizeof(lit) - 1, err)

/* A document read as UTF-8 is checked before libxml2 sees it: the first
 * byte sequence that is not UTF-8, or a character XML does not allow, is
 * named in mcg's words at its line and column (characters, from 1). */
Test(rules_parse, encoding_errors_are_named_with_their_place)
{
	static const struct {
		const char *xml;
		size_t len;
		const char *want;
	} bad[] = {
#define BAD(lit, want) { lit, sizeof(lit) - 1, want }
		BAD("<r>\n<!-- caf\xC3\x28 -->\n</r>", "enc.xml:2:9: not valid UTF-8 (byte 0xC3):"),
		BAD("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<r>\xE9</r>",
		    "enc.xml:2:4: not valid UTF-8 (byte 0xE9), the encoding the file declares"),
		/* Columns count characters: é and 陶 are one each. */
		BAD("<r>\xC3\xA9\xE9\x99\xB6\xE9</r>", "enc.xml:1:6: not valid UTF-8 (byte 0xE9)"),
		BAD("<r a='\xC0\xAF'/>", "enc.xml:1:7: not valid UTF-8 (byte 0xC0)"),
		BAD("<r>\xE0\x80\xAF</r>", "enc.xml:1:4: not valid UTF-8 (bytes 0xE0 0x80 0xAF)"),
		BAD("<r>\xED\xA0\x80</r>", "enc.xml:1:4: not valid UTF-8 (bytes 0xED 0xA0 0x80)"),
		BAD("<r>\xF4\x90\x80\x80</r>", "enc.xml:1:4: not valid UTF-8 (bytes 0xF4 0x90 0x80 0x80)"),
		BAD("<r/>\n\xE2\x82", "enc.xml:2:1: not valid UTF-8 (byte 0xE2)"),
		BAD("<r>a\0b</r>", "enc.xml:1:5: a NUL byte, which XML does not allow"),
		BAD("\0<r/>", "enc.xml:1:1: a NUL byte"),
		BAD("<r>\x1b[31m</r>", "enc.xml:1:4: a control character (byte 0x1B)"),
		BAD("<r>\xEF\xBF\xBE</r>", "enc.xml:1:4: the character U+FFFE"),
		/* After a UTF-8 mark, columns count from the first character. */
		BAD("\xEF\xBB\xBF<r>\xE9</r>", "enc.xml:1:4: not valid UTF-8 (byte 0xE9)"),
		BAD("\xEF\xBB\xBF<?xml version='1.0' encoding='ISO-8859-1'?><r/>",
		    "enc.xml:1:1: the file begins with a UTF-8 byte order mark (0xEF 0xBB 0xBF)"
		    " but declares encoding \"ISO-8859-1\""),
		BAD("\xFF\xFE<\0?\0x\0m\0l\0 \0v\0e\0r\0s\0i\0o\0n\0=\0'\0\x31\0.\0\x30\0'\0 \0"
		    "e\0n\0c\0o\0d\0i\0n\0g\0=\0'\0U\0T\0F\0-\0\x38\0'\0?\0>\0<\0r\0/\0>\0",
		    "enc.xml:1:1: the file begins with a UTF-16 byte order mark (0xFF 0xFE)"
		    " but declares encoding \"UTF-8\""),
#undef BAD
	};
	mcg_error err;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		cr_assert_eq(parse_bytes(bad[i].xml, bad[i].len, &err), MCG_EINPUT,
			     "case %zu accepted", i);
		cr_assert(contains(err.msg, bad[i].want), "case %zu: %s", i, err.msg);
	}
}

/* What is UTF-8 and XML's characters reads as before, and a document
 * that declares another encoding (or is UTF-16 with its mark) is left to
 * libxml2. */
Test(rules_parse, encodings_that_hold_are_read)
{
	mcg_error err;

	cr_assert_eq(PARSE_BYTES("<r>caf\xC3\xA9 \xE9\x99\xB6 \xF0\x9F\x98\x80\t\r\n</r>", &err),
		     MCG_OK, "%s", err.msg);
	cr_assert_eq(PARSE_BYTES("\xEF\xBB\xBF<?xml version='1.0' encoding='UTF-8'?><r/>", &err),
		     MCG_OK, "%s", err.msg);
	cr_assert_eq(PARSE_BYTES("<?xml version='1.0' encoding='ISO-8859-1'?><r>caf\xE9</r>", &err),
		     MCG_OK, "%s", err.msg);
	cr_assert_eq(PARSE_BYTES("\xFF\xFE<\0r\0/\0>\0", &err), MCG_OK, "%s", err.msg);
	cr_assert_eq(PARSE_BYTES("\xFE\xFF\0<\0?\0x\0m\0l\0 \0v\0e\0r\0s\0i\0o\0n\0=\0'\0\x31\0.\0"
				 "\x30\0'\0 \0e\0n\0c\0o\0d\0i\0n\0g\0=\0'\0U\0T\0F\0-\0\x31\0\x36"
				 "\0'\0?\0>\0<\0r\0/\0>", &err),
		     MCG_OK, "%s", err.msg);
}
