/*
 * The canonical text of a rules version: exact output, round trips, and a
 * reader that refuses anything the writer would not have written.
 */
#include <criterion/criterion.h>

#include <stdio.h>
#include <string.h>

#include "rules/rules.h"

static const char default_text[] =
	"coverage_max_bp=8000\n"
	"capital_min_minor=25000\n"
	"peer_quorum=3\n"
	"peer_score_min_tenths=50\n"
	"peer_max_age_days=180\n"
	"deposit_min_bp=0\n"
	"multiplier_max_centi=1500\n"
	"single_name_max_bp=2500\n"
	"pledge_leverage_max_centi=1000\n"
	"fee_bp=100\n"
	"fund_contribution_bp=50\n"
	"default_dpd_days=90\n"
	"lgd_bp=4500\n"
	"master_scale_pd_bp_1=3000\n"
	"master_scale_pd_bp_2=1500\n"
	"master_scale_pd_bp_3=800\n"
	"master_scale_pd_bp_4=400\n"
	"master_scale_pd_bp_5=200\n"
	"master_scale_pd_bp_6=100\n"
	"master_scale_pd_bp_7=50\n"
	"master_scale_pd_bp_8=25\n"
	"master_scale_pd_bp_9=10\n"
	"master_scale_pd_bp_10=5\n";

static int contains(const char *haystack, const char *needle)
{
	return strstr(haystack, needle) != NULL;
}

/* The default text with the first `from` replaced by `to`, in buf. */
static const char *text_with(const char *from, const char *to, char *buf,
			     size_t bufsz)
{
	const char *at = strstr(default_text, from);

	cr_assert_not_null(at, "'%s' not in the text", from);
	snprintf(buf, bufsz, "%.*s%s%s", (int)(at - default_text),
		 default_text, to, at + strlen(from));
	return buf;
}

static void expect_refused(const char *from, const char *to,
			   const char *fragment)
{
	char buf[2048];
	mcg_rules r, before;
	mcg_error err;

	memset(&r, 0x33, sizeof(r));
	before = r;
	mcg_error_clear(&err);
	cr_assert_eq(mcg_rules_from_text(text_with(from, to, buf, sizeof(buf)),
					 &r, &err),
		     MCG_EINPUT, "'%s' -> '%s' accepted", from, to);
	cr_assert(contains(err.msg, fragment), "no '%s' in: %s", fragment,
		  err.msg);
	cr_assert(memcmp(&r, &before, sizeof(r)) == 0,
		  "output written on failure");
}

Test(rules_text, default_text_is_exact)
{
	mcg_rules r;
	mcg_error err;
	char buf[1024];

	cr_assert_eq(mcg_rules_default(2, &r, &err), 0, "%s", err.msg);
	cr_assert_eq(mcg_rules_to_text(&r, buf, sizeof(buf)), 0);
	cr_assert_str_eq(buf, default_text);
}

Test(rules_text, round_trip_of_a_custom_file)
{
	mcg_rules r, back;
	mcg_error err;
	char buf[1024], again[1024];

	cr_assert_eq(mcg_rules_load_file("tests/data/rules/custom.xml", 2, &r,
					 &err), 0, "%s", err.msg);
	cr_assert_eq(mcg_rules_to_text(&r, buf, sizeof(buf)), 0);
	cr_assert_eq(mcg_rules_from_text(buf, &back, &err), 0, "%s", err.msg);
	cr_assert(memcmp(&r, &back, sizeof(r)) == 0);
	cr_assert_eq(mcg_rules_to_text(&back, again, sizeof(again)), 0);
	cr_assert_str_eq(buf, again);
	cr_assert(contains(buf, "capital_min_minor=100050\n"));
	cr_assert(contains(buf, "master_scale_pd_bp_10=0\n"));
}

Test(rules_text, round_trip_of_the_largest_values)
{
	mcg_rules r, back;
	mcg_error err;
	char buf[1024];

	cr_assert_eq(mcg_rules_default(2, &r, &err), 0);
	r.capital_min_minor = INT64_MAX;
	r.peer_quorum = 1000;
	r.multiplier_max_centi = 100000;
	r.peer_max_age_days = 3650;
	cr_assert_eq(mcg_rules_to_text(&r, buf, sizeof(buf)), 0);
	cr_assert_eq(mcg_rules_from_text(buf, &back, &err), 0, "%s", err.msg);
	cr_assert(memcmp(&r, &back, sizeof(r)) == 0);
}

Test(rules_text, too_small_a_buffer_is_an_error)
{
	mcg_rules r;
	mcg_error err;
	char buf[100];

	cr_assert_eq(mcg_rules_default(2, &r, &err), 0);
	cr_assert_eq(mcg_rules_to_text(&r, buf, sizeof(buf)), MCG_EINPUT);
	cr_assert_lt(strlen(buf), sizeof(buf));
}

Test(rules_text, strict_syntax)
{
	expect_refused("peer_quorum=3\n", "peer_quorum=03\n", "peer_quorum");
	expect_refused("peer_quorum=3\n", "peer_quorum=+3\n", "peer_quorum");
	expect_refused("peer_quorum=3\n", "peer_quorum= 3\n", "peer_quorum");
	expect_refused("peer_quorum=3\n", "peer_quorum=3 \n", "peer_quorum");
	expect_refused("peer_quorum=3\n", "peer_quorum=\n", "peer_quorum");
	expect_refused("peer_quorum=3\n", "peer_quorum=3\r\n", "peer_quorum");
	expect_refused("peer_quorum=3\n", "peer_quorum = 3\n", "line 3");
	expect_refused("capital_min_minor=25000\n",
		       "capital_min_minor=-25000\n", "capital_min_minor");
	expect_refused("capital_min_minor=25000\n",
		       "capital_min_minor=9223372036854775808\n", "too large");
}

Test(rules_text, lines_in_fixed_order_all_present)
{
	expect_refused("peer_quorum=3\npeer_score_min_tenths=50\n",
		       "peer_score_min_tenths=50\npeer_quorum=3\n",
		       "expected 'peer_quorum='");
	expect_refused("fee_bp=100\n", "", "expected 'fee_bp='");
	expect_refused("master_scale_pd_bp_10=5\n", "",
		       "master_scale_pd_bp_10");
	expect_refused("master_scale_pd_bp_10=5\n",
		       "master_scale_pd_bp_10=5\nextra=1\n", "after the last");
	expect_refused("master_scale_pd_bp_10=5\n", "master_scale_pd_bp_10=5",
		       "master_scale_pd_bp_10");
	expect_refused("coverage_max_bp=8000\n",
		       "\ncoverage_max_bp=8000\n", "line 1");
}

Test(rules_text, ranges_are_checked)
{
	expect_refused("coverage_max_bp=8000\n", "coverage_max_bp=10001\n",
		       "coverage_max");
	expect_refused("peer_quorum=3\n", "peer_quorum=0\n", "peer_quorum");
	expect_refused("peer_score_min_tenths=50\n",
		       "peer_score_min_tenths=101\n", "peer_score_min");
	expect_refused("default_dpd_days=90\n", "default_dpd_days=0\n",
		       "default_dpd");
	expect_refused("multiplier_max_centi=1500\n",
		       "multiplier_max_centi=100001\n", "multiplier_max");
	expect_refused("lgd_bp=4500\n", "lgd_bp=2147483648\n", "lgd");
	expect_refused("master_scale_pd_bp_1=3000\n",
		       "master_scale_pd_bp_1=10001\n", "grade 1");
	expect_refused("master_scale_pd_bp_1=3000\n",
		       "master_scale_pd_bp_1=99999999999\n", "grade 1");
	expect_refused("master_scale_pd_bp_7=50\n",
		       "master_scale_pd_bp_7=101\n", "grade 7");
}
