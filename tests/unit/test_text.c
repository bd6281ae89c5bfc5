/* Unit tests of the checks of free text (ledger/apply.c, mcg_check_text)
 * and of the UTF-8 decoder and XML's characters they share with the XML
 * reader (common/utf8.c). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "ledger/apply.h"
#include "utf8.h"

/* text as a name, new input: the code, the message in err. */
static int check_new(const char *text, mcg_error *err)
{
	mcg_error_clear(err);
	return mcg_check_text(text, 200, "member name", 1, MCG_INPUT_NEW, err);
}

static int check_stored(const char *text)
{
	mcg_error err;

	return mcg_check_text(text, 200, "member name", 1, MCG_INPUT_STORED, &err);
}

/* The UTF-8 of code point v (below U+10000) between "ab" and "cd". */
static void around(unsigned long v, char out[16])
{
	if (v < 0x800)
		snprintf(out, 16, "ab%c%ccd", (char)(0xC0 | v >> 6), (char)(0x80 | (v & 0x3F)));
	else
		snprintf(out, 16, "ab%c%c%ccd", (char)(0xE0 | v >> 12),
			 (char)(0x80 | (v >> 6 & 0x3F)), (char)(0x80 | (v & 0x3F)));
}

Test(utf8, decodes_and_refuses_as_rfc3629_says)
{
	unsigned long v = 0;
	size_t bad;

	cr_assert_eq(mcg_utf8_char((const unsigned char *)"\xEF\xBF\xBE", 3, &v, &bad), 3);
	cr_assert_eq(v, 0xFFFE);
	cr_assert_eq(mcg_utf8_char((const unsigned char *)"\xF0\x9F\x98\x80", 4, &v, &bad), 4);
	cr_assert_eq(v, 0x1F600);
	/* Overlong, a surrogate, cut short, a byte that starts nothing. */
	cr_assert_eq(mcg_utf8_char((const unsigned char *)"\xC0\xAF", 2, &v, &bad), 0);
	cr_assert_eq(mcg_utf8_char((const unsigned char *)"\xED\xA0\x80", 3, &v, &bad), 0);
	cr_assert_eq(bad, 3);
	cr_assert_eq(mcg_utf8_char((const unsigned char *)"\xE2\x80", 2, &v, &bad), 0);
	cr_assert_eq(bad, 1);
	cr_assert_eq(mcg_utf8_char((const unsigned char *)"\xFF", 1, &v, &bad), 0);
}

Test(utf8, xml_allows_what_production_char_allows)
{
	static const unsigned long allowed[] = { 0x9, 0xA, 0xD, 0x20, 0x7F, 0x85, 0xD7FF,
						 0xE000, 0xFFFD, 0x10000, 0x10FFFF };
	static const unsigned long forbidden[] = { 0x0, 0x8, 0xB, 0x1F, 0xD800, 0xDFFF,
						   0xFFFE, 0xFFFF, 0x110000 };

	for (size_t i = 0; i < sizeof(allowed) / sizeof(allowed[0]); i++)
		cr_assert(mcg_xml_char_allowed(allowed[i]), "U+%04lX", allowed[i]);
	for (size_t i = 0; i < sizeof(forbidden) / sizeof(forbidden[0]); i++)
		cr_assert_not(mcg_xml_char_allowed(forbidden[i]), "U+%04lX", forbidden[i]);
}

Test(text, new_names_refuse_what_xml_forbids_naming_byte_and_code_point)
{
	mcg_error err;

	cr_assert_eq(check_new("ab\xEF\xBF\xBE" "cd", &err), MCG_EINPUT);
	cr_assert_str_eq(err.msg, "member name has a character XML does not allow at byte 3 (U+FFFE)");
	cr_assert_eq(check_new("\xEF\xBF\xBF", &err), MCG_EINPUT);
	cr_assert_str_eq(err.msg, "member name has a character XML does not allow at byte 1 (U+FFFF)");
}

Test(text, new_names_refuse_bidirectional_controls_and_invisible_characters)
{
	static const unsigned long bidi[] = { 0x202A, 0x202B, 0x202C, 0x202D, 0x202E,
					      0x2066, 0x2067, 0x2068, 0x2069 };
	static const unsigned long invisible[] = { 0x200B, 0x2060, 0xFEFF };
	char text[16], want[160];
	mcg_error err;

	for (size_t i = 0; i < sizeof(bidi) / sizeof(bidi[0]); i++) {
		around(bidi[i], text);
		cr_assert_eq(check_new(text, &err), MCG_EINPUT, "U+%04lX", bidi[i]);
		snprintf(want, sizeof(want), "member name has a bidirectional control at byte 3"
			 " (U+%04lX), which can make one name display as another", bidi[i]);
		cr_assert_str_eq(err.msg, want);
	}
	for (size_t i = 0; i < sizeof(invisible) / sizeof(invisible[0]); i++) {
		around(invisible[i], text);
		cr_assert_eq(check_new(text, &err), MCG_EINPUT, "U+%04lX", invisible[i]);
		snprintf(want, sizeof(want), "member name has an invisible character at byte 3"
			 " (U+%04lX), which can make one name display as another", invisible[i]);
		cr_assert_str_eq(err.msg, want);
	}
}

Test(text, joiners_and_the_neighbours_of_the_refused_ranges_are_text)
{
	/* U+200C, U+200D (Persian, Indic scripts, emoji), and the first
	 * character either side of each refused range. */
	static const unsigned long fine[] = { 0x200A, 0x200C, 0x200D, 0x200E, 0x2029,
					      0x202F, 0x205F, 0x2061, 0x2065, 0x206A,
					      0xFEFE, 0xFF00, 0xFFFD };
	char text[16];
	mcg_error err;

	for (size_t i = 0; i < sizeof(fine) / sizeof(fine[0]); i++) {
		around(fine[i], text);
		cr_assert_eq(check_new(text, &err), MCG_OK, "U+%04lX: %s", fine[i], err.msg);
	}
	/* A woman technologist: woman, ZWJ, laptop. */
	cr_assert_eq(check_new("\xF0\x9F\x91\xA9\xE2\x80\x8D\xF0\x9F\x92\xBB", &err), MCG_OK);
}

Test(text, a_name_of_only_spaces_is_blank)
{
	mcg_error err;

	cr_assert_eq(check_new(" ", &err), MCG_EINPUT);
	cr_assert_str_eq(err.msg, "member name is blank: it has only spaces");
	cr_assert_eq(check_new("   ", &err), MCG_EINPUT);
	/* U+00A0, U+3000: spaces too. */
	cr_assert_eq(check_new(" \xC2\xA0\xE3\x80\x80", &err), MCG_EINPUT);
	cr_assert_str_eq(err.msg, "member name is blank: it has only spaces");
	cr_assert_eq(check_new(" a ", &err), MCG_OK);
	cr_assert_eq(check_new("\xC2\xA0x", &err), MCG_OK);
}

Test(text, stored_names_replay_with_the_checks_they_were_recorded_under)
{
	/* What new input may not hold, an event recorded before still may. */
	cr_assert_eq(check_stored("ab\xEF\xBF\xBE" "cd"), MCG_OK);
	cr_assert_eq(check_stored("ab\xE2\x80\xAE" "cd"), MCG_OK);
	cr_assert_eq(check_stored("ab\xE2\x80\x8B" "cd"), MCG_OK);
	cr_assert_eq(check_stored("   "), MCG_OK);
	/* What was always refused stays refused. */
	cr_assert_eq(check_stored("a\tb"), MCG_EINPUT);
	cr_assert_eq(check_stored("a\xC2\x9B" "b"), MCG_EINPUT);
	cr_assert_eq(check_stored("caf\xE9"), MCG_EINPUT);
	cr_assert_eq(check_stored(""), MCG_EINPUT);
}

Test(text, control_characters_are_named_with_their_code_point)
{
	mcg_error err;

	cr_assert_eq(check_new("Pr\xC2\x85" "ato", &err), MCG_EINPUT);
	cr_assert_str_eq(err.msg, "member name has a control character at byte 3 (U+0085)");
	cr_assert_eq(check_new("del\x7F", &err), MCG_EINPUT);
	cr_assert_str_eq(err.msg, "member name has a control character at byte 4 (U+007F)");
}
