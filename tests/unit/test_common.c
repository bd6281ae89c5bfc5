/* Unit tests of the small foundations: dates, buffers, paths, errors. */
#include <criterion/criterion.h>
#include <libgen.h>
#include <stdint.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "date.h"
#include "error.h"
#include "path.h"

Test(date, parses_and_formats_round_trip)
{
	static const char *const dates[] = { "1970-01-01", "2000-02-29", "2024-12-31",
					     "1900-03-01", "9999-12-31", "2026-11-27" };
	for (size_t i = 0; i < sizeof(dates) / sizeof(dates[0]); i++) {
		int32_t d;
		char out[MCG_DATE_TEXT_MAX];

		cr_assert_eq(mcg_date_parse(dates[i], &d, NULL), MCG_OK, "%s", dates[i]);
		cr_assert_str_eq(mcg_date_format(d, out), dates[i]);
	}
}

Test(date, counts_days_since_the_epoch)
{
	int32_t d;

	cr_assert_eq(mcg_date_parse("1970-01-01", &d, NULL), 0);
	cr_assert_eq(d, 0);
	cr_assert_eq(mcg_date_parse("2000-03-01", &d, NULL), 0);
	cr_assert_eq(d, 11017);
	cr_assert_eq(mcg_date_parse("1969-12-31", &d, NULL), 0);
	cr_assert_eq(d, -1);
}

/* mcg_date_format writes the text by hand in years 0..9999: every day of
 * that range, and past both ends, must give what the format gives. */
Test(date, formats_every_day_as_the_printf_format_does)
{
	/* Every day of 1899 to 2300, every 97th elsewhere. */
	for (int32_t d = -719528 - 400; d <= 2932896 + 400;
	     d += d >= -26000 && d <= 120000 ? 1 : 97) {
		char out[MCG_DATE_TEXT_MAX], want[64];
		int32_t back;

		mcg_date_format(d, out);
		/* The reference: days to civil date by the C library. */
		{
			time_t t = (time_t)d * 86400;
			struct tm tm;

			cr_assert_not_null(gmtime_r(&t, &tm));
			snprintf(want, sizeof(want), "%04d-%02d-%02d", tm.tm_year + 1900,
				 tm.tm_mon + 1, tm.tm_mday);
			want[MCG_DATE_TEXT_MAX - 1] = '\0';
		}
		cr_assert_str_eq(out, want, "day %d", (int)d);
		if (d >= -25567 && d <= 2932896 &&
		    mcg_date_parse(out, &back, NULL) == MCG_OK)
			cr_assert_eq(back, d, "%s", out);
	}
}

Test(date, timestamps_are_utc_seconds_and_repeat_within_a_second)
{
	char a[MCG_TIMESTAMP_TEXT_MAX], b[MCG_TIMESTAMP_TEXT_MAX], want[64];
	time_t before, after;
	struct tm tm;

	before = time(NULL);
	mcg_timestamp_now(a);
	mcg_timestamp_now(b);
	after = time(NULL);
	cr_assert_eq(strlen(a), 20);
	/* a is the stamp of one of the seconds the calls ran in. */
	for (time_t t = before; t <= after; t++) {
		gmtime_r(&t, &tm);
		strftime(want, sizeof(want), "%Y-%m-%dT%H:%M:%SZ", &tm);
		if (strcmp(a, want) == 0)
			break;
		cr_assert(t < after, "%s is not a second between the two clocks", a);
	}
	if (before == after)
		cr_assert_str_eq(a, b);
}

Test(buf, i64_text_is_what_printf_writes)
{
	static const int64_t values[] = { 0, 1, -1, 9, 10, -10, 99, 100, 123456789,
					  -987654321, INT32_MAX, INT32_MIN,
					  (int64_t)INT32_MAX + 1, 999999999999999999LL,
					  1000000000000000000LL, INT64_MAX, INT64_MIN,
					  INT64_MIN + 1 };
	char out[MCG_I64_TEXT_MAX], want[32];

	for (size_t i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
		size_t n = mcg_i64_text(values[i], out);

		snprintf(want, sizeof(want), "%lld", (long long)values[i]);
		cr_assert_str_eq(out, want);
		cr_assert_eq(n, strlen(want));
	}
	/* And a sweep over every magnitude, both signs. */
	for (int64_t v = 1; v < INT64_MAX / 7; v = v * 7 + 3) {
		snprintf(want, sizeof(want), "%lld", (long long)v);
		mcg_i64_text(v, out);
		cr_assert_str_eq(out, want);
		snprintf(want, sizeof(want), "%lld", (long long)-v);
		mcg_i64_text(-v, out);
		cr_assert_str_eq(out, want);
	}
}

Test(date, refuses_what_is_not_a_calendar_day)
{
	static const char *const bad[] = { "", "2026-2-01", "2026-02-30", "2023-02-29",
					   "1900-02-29", "2026-13-01", "2026-00-10",
					   "2026-01-00", "26-01-01", "2026/01/01",
					   "2026-01-01T00", " 2026-01-01", "1899-12-31",
					   "+026-01-01", "2026-01-3a" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int32_t d = 42;
		mcg_error err;

		cr_assert_eq(mcg_date_parse(bad[i], &d, &err), MCG_EINPUT, "'%s'", bad[i]);
		cr_assert(strstr(err.msg, "bad date") != NULL);
		cr_assert_eq(d, 42, "output untouched on failure");
	}
}

Test(buf, grows_and_respects_its_limit)
{
	mcg_buf b;

	mcg_buf_init(&b, 10);
	cr_assert_str_eq(mcg_buf_str(&b), "");
	cr_assert_eq(mcg_buf_puts(&b, "12345"), 0);
	cr_assert_eq(mcg_buf_printf(&b, "%d", 6789), 0);
	cr_assert_str_eq(mcg_buf_str(&b), "123456789");
	cr_assert_eq(mcg_buf_putc(&b, 'x'), 0);
	cr_assert_eq(mcg_buf_putc(&b, 'y'), MCG_EINPUT, "past the limit");
	cr_assert_eq(b.len, 10);
	cr_assert_str_eq(mcg_buf_str(&b), "123456789x");
	mcg_buf_free(&b);
}

Test(buf, detach_hands_over_the_bytes)
{
	mcg_buf b = MCG_BUF_INIT;
	char *s;

	mcg_buf_puts(&b, "abc");
	s = mcg_buf_detach(&b);
	cr_assert_str_eq(s, "abc");
	cr_assert_eq(b.len, 0);
	cr_assert_null(b.data);
	free(s);
}

Test(buf, strlcpy_truncates_and_says_so)
{
	char small[4];

	cr_assert_eq(mcg_strlcpy(small, "abc", sizeof(small)), 0);
	cr_assert_str_eq(small, "abc");
	cr_assert_eq(mcg_strlcpy(small, "abcdef", sizeof(small)), MCG_EINPUT);
	cr_assert_str_eq(small, "abc");
}

/* The folder holding each path, as POSIX dirname(3) says. */
static const struct {
	const char *path, *parent;
} path_parents[] = {
	{ "file", "." },           { "./file", "." },       { "../file", ".." },
	{ "/file", "/" },          { "/", "/" },            { "///", "/" },
	{ "a/b", "a" },            { "a//b", "a" },         { "a/b/", "a" },
	{ "a/b//", "a" },          { "a///b///", "a" },     { "a/", "." },
	{ "a/b/c", "a/b" },        { "/a/b", "/a" },        { "/a//b/c", "/a//b" },
	{ "a/./b", "a/." },        { ".", "." },            { "..", "." },
	{ "", "." },               { "//", "/" },           { "//file", "/" },
	{ "dir/.tmp", "dir" },
};

Test(path, parent_is_what_dirname_gives)
{
	for (size_t i = 0; i < sizeof(path_parents) / sizeof(path_parents[0]); i++) {
		const char *path = path_parents[i].path;
		mcg_buf b = MCG_BUF_INIT;
		char copy[16];

		cr_assert_eq(mcg_path_parent(path, &b), 0, "'%s'", path);
		cr_assert_str_eq(mcg_buf_str(&b), path_parents[i].parent, "'%s'", path);
		mcg_buf_free(&b);
		/* The C library agrees, but for a path that starts with exactly
		 * two slashes: glibc keeps "//", which POSIX leaves open. */
		if (strncmp(path, "//", 2) == 0 && path[2] != '/')
			continue;
		cr_assert_eq(mcg_strlcpy(copy, path, sizeof(copy)), 0);
		cr_assert_str_eq(dirname(copy), path_parents[i].parent, "dirname('%s')", path);
	}
}

Test(path, parent_leaves_its_input_alone_and_appends)
{
	char path[] = "a/b//";
	mcg_buf b = MCG_BUF_INIT;

	cr_assert_eq(mcg_buf_puts(&b, "in "), 0);
	cr_assert_eq(mcg_path_parent(path, &b), 0);
	cr_assert_str_eq(mcg_buf_str(&b), "in a");
	cr_assert_str_eq(path, "a/b//", "the input is not changed");
	mcg_buf_free(&b);
}

/* No fixed-size buffer: a path longer than PATH_MAX has a parent too, and
 * the only limit is the buffer's own. */
Test(path, parent_of_a_long_path_is_bounded_by_the_buffer_only)
{
	size_t n = 3 * 4096;
	char *path = malloc(n + 3);
	mcg_buf b = MCG_BUF_INIT;

	cr_assert_not_null(path);
	memset(path, 'x', n);
	memcpy(path + n, "/y", 3);
	cr_assert_eq(mcg_path_parent(path, &b), 0);
	cr_assert_eq(b.len, n);
	cr_assert_eq(strspn(mcg_buf_str(&b), "x"), n);
	mcg_buf_free(&b);
	mcg_buf_init(&b, 10);
	cr_assert_eq(mcg_path_parent(path, &b), MCG_EINPUT, "past the buffer's limit");
	mcg_buf_free(&b);
	free(path);
}

Test(error, exit_status_is_the_code_negated)
{
	cr_assert_eq(mcg_error_exit_status(MCG_OK), 0);
	cr_assert_eq(mcg_error_exit_status(MCG_ESYS), 1);
	cr_assert_eq(mcg_error_exit_status(MCG_EINPUT), 2);
	cr_assert_eq(mcg_error_exit_status(MCG_ERULE), 3);
	cr_assert_eq(mcg_error_exit_status(MCG_EINTEGRITY), 4);
	cr_assert_eq(mcg_error_exit_status(MCG_ECONFLICT), 5);
	cr_assert_eq(mcg_error_exit_status(-99), 1);
}

Test(error, prefix_keeps_the_message_and_the_code)
{
	mcg_error err;

	mcg_error_set(&err, MCG_EINPUT, "bad amount '%s'", "1,5");
	cr_assert_eq(mcg_error_prefix(&err, "%s:%d", "bank.csv", 7), MCG_EINPUT);
	cr_assert_str_eq(err.msg, "bank.csv:7: bad amount '1,5'");
}

Test(error, long_messages_are_cut_not_overflowed)
{
	mcg_error err;
	char big[3 * MCG_ERROR_MSG_MAX];

	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	mcg_error_set(&err, MCG_ERULE, "%s", big);
	cr_assert_eq(strlen(err.msg), MCG_ERROR_MSG_MAX - 1);
	mcg_error_prefix(&err, "%s", big);
	cr_assert_eq(strlen(err.msg), MCG_ERROR_MSG_MAX - 1);
}
