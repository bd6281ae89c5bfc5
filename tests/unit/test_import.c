/*
 * Unit tests for the streaming CSV reader of ledger/import.c: RFC 4180
 * quoting, CRLF, the byte order mark, empty lines, every refusal with the
 * line where its record starts, every limit, and records that straddle the
 * reader's input chunks.
 */
#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "ledger/import.h"

/*
 * Reads all of data and renders the records as "LINE:[f1|f2|...]" joined
 * by spaces into *out (caller frees).  Returns the reader's last code: 0
 * at a clean end, or the negative error code (err then holds the message).
 */
static int read_all(const char *data, size_t len, const mcg_csv_limits *lim,
		    const char *const *names, size_t n_names, char **out,
		    mcg_error *err)
{
	FILE *f = fmemopen((void *)data, len, "r");
	mcg_csv_reader *r = NULL;
	mcg_csv_record rec;
	mcg_buf b = MCG_BUF_INIT;
	int rc;

	cr_assert_not_null(f);
	mcg_error_clear(err);
	rc = mcg_csv_open(f, "t.csv", lim, &r, err);
	cr_assert_eq(rc, 0);
	if (names)
		mcg_csv_set_names(r, names, n_names);
	while ((rc = mcg_csv_next(r, &rec, err)) == 1) {
		if (b.len)
			mcg_buf_putc(&b, ' ');
		mcg_buf_printf(&b, "%llu:[", (unsigned long long)rec.line);
		for (size_t i = 0; i < rec.n; i++) {
			cr_assert_eq(strlen(rec.field[i]), rec.len[i]);
			mcg_buf_printf(&b, "%s%s", i ? "|" : "", rec.field[i]);
		}
		mcg_buf_putc(&b, ']');
	}
	mcg_csv_free(r);
	fclose(f);
	*out = mcg_buf_detach(&b);
	if (!*out)
		*out = strdup("");
	return rc;
}

/* The records of a good input, rendered. */
static char *records(const char *data, size_t len)
{
	mcg_error err;
	char *out;
	int rc = read_all(data, len, NULL, NULL, 0, &out, &err);

	cr_assert_eq(rc, 0, "unexpected error: %s", err.msg);
	return out;
}

#define S(lit) lit, sizeof(lit) - 1

static void expect_records(const char *data, size_t len, const char *want)
{
	char *got = records(data, len);

	cr_expect_str_eq(got, want);
	free(got);
}

/* A refusal: MCG_EINPUT and the message starts with want_prefix and
 * contains want_part. */
static void expect_error(const char *data, size_t len, const mcg_csv_limits *lim,
			 const char *want_prefix, const char *want_part)
{
	static const char *const names[] = { "ref", "date", "type" };
	mcg_error err;
	char *out;
	int rc = read_all(data, len, lim, names, 3, &out, &err);

	cr_expect_eq(rc, MCG_EINPUT, "expected a refusal, got %d (%s)", rc, out);
	cr_expect_eq(strncmp(err.msg, want_prefix, strlen(want_prefix)), 0,
		     "message [%s] does not start with [%s]", err.msg, want_prefix);
	cr_expect_not_null(strstr(err.msg, want_part), "message [%s] lacks [%s]", err.msg,
			   want_part);
	free(out);
}

Test(csv, plain_records)
{
	expect_records(S("a,b,c\n1,2,3\n"), "1:[a|b|c] 2:[1|2|3]");
	/* No line end after the last record. */
	expect_records(S("a,b\n1,2"), "1:[a|b] 2:[1|2]");
	/* Empty fields, including a trailing one. */
	expect_records(S("a,,c\n,,\nx,y,\n"), "1:[a||c] 2:[||] 3:[x|y|]");
	/* An empty input has no records. */
	expect_records(S(""), "");
}

Test(csv, crlf_and_mixed_line_ends)
{
	expect_records(S("a,b\r\n1,2\r\n"), "1:[a|b] 2:[1|2]");
	expect_records(S("a,b\r\n1,2\n3,4\r\n"), "1:[a|b] 2:[1|2] 3:[3|4]");
	expect_records(S("a,b\r\n1,2\r"), "1:[a|b] 2:[1|2]");
}

Test(csv, byte_order_mark)
{
	expect_records(S("\xEF\xBB\xBFref,date\nr1,2026-01-01\n"), "1:[ref|date] 2:[r1|2026-01-01]");
	/* Only at the very start: elsewhere it is text. */
	expect_records(S("a\n\xEF\xBB\xBF" "b\n"), "1:[a] 2:[\xEF\xBB\xBF" "b]");
	expect_records(S("\xEF\xBB\xBF"), "");
}

Test(csv, quoting)
{
	expect_records(S("\"a,b\",\"say \"\"hi\"\"\",\"\"\n"), "1:[a,b|say \"hi\"|]");
	/* A quoted field may hold line ends; the next record's line counts
	 * them, as an editor would. */
	expect_records(S("h\n\"two\nlines\",x\nnext,y\n"), "1:[h] 2:[two\nlines|x] 4:[next|y]");
	expect_records(S("\"cr\r\nlf\"\r\nz\r\n"), "1:[cr\r\nlf] 3:[z]");
	/* A line holding only "" is a record with one empty field, not a blank. */
	expect_records(S("a\n\"\"\nb\n"), "1:[a] 2:[] 3:[b]");
	/* Formula-looking text is just text. */
	expect_records(S("=cmd()|' /C calc'!A0,\"=1+2\"\n"), "1:[=cmd()|' /C calc'!A0|=1+2]");
}

Test(csv, empty_lines)
{
	/* Empty lines at the end are ignored, LF or CRLF. */
	expect_records(S("a\nb\n\n\n"), "1:[a] 2:[b]");
	expect_records(S("a\r\nb\r\n\r\n"), "1:[a] 2:[b]");
	/* In the middle they are refused, at the empty line. */
	expect_error(S("a\nb\n\nc\n"), NULL, "t.csv:3: ", "empty line");
	expect_error(S("\na\n"), NULL, "t.csv:1: ", "empty line");
}

Test(csv, refusals_name_the_line_where_the_record_starts)
{
	expect_error(S("a,b\nc,\"open\nstill open\n"), NULL, "t.csv:2: ", "never closed");
	expect_error(S("ref,date,type\nr1,\"x\nyy\n"), NULL, "t.csv:2: column 'date'",
		     "never closed");
	expect_error(S("a\nb\"c\n"), NULL, "t.csv:2: column 'ref'", "quote inside");
	expect_error(S("a\n\"b\"c\n"), NULL, "t.csv:2: ", "after the closing quote");
	expect_error(S("a\nb\rc\n"), NULL, "t.csv:2: ", "carriage return");
	expect_error(S("a\nb,c\x00" "d\n"), NULL, "t.csv:2: column 'date'", "NUL byte");
	expect_error(S("a\n\"multi\nline\x00\"\n"), NULL, "t.csv:2: ", "NUL byte");
}

Test(csv, limits)
{
	mcg_csv_limits lim = { 8, 16, 3, 3 };
	mcg_error err;
	char *out;

	/* At the limits: fine. */
	cr_assert_eq(read_all(S("12345678,1234567,1\na\nb\n"), &lim, NULL, 0, &out, &err), 0,
		     "%s", err.msg);
	cr_expect_str_eq(out, "1:[12345678|1234567|1] 2:[a] 3:[b]");
	free(out);
	/* One byte over a field, over a record, one field too many, one record
	 * too many. */
	expect_error(S("a\n123456789\n"), &lim, "t.csv:2: column 'ref'", "longer than 8 bytes");
	expect_error(S("a\n\"123456789\"\n"), &lim, "t.csv:2: ", "longer than 8 bytes");
	expect_error(S("12345678,12345678,1\n"), &lim, "t.csv:1: ", "longer than 16 bytes");
	expect_error(S("a,b,c,d\n"), &lim, "t.csv:1: ", "more than 3 fields");
	expect_error(S("a\nb\nc\nd\n"), &lim, "t.csv:4: ", "more than 3 records");
	/* The default field limit. */
	{
		size_t n = MCG_CSV_FIELD_BYTES_MAX + 1;
		char *big = malloc(n + 3);

		memset(big, 'x', n);
		memcpy(big + n, "\n", 2);
		expect_error(big, n + 1, NULL, "t.csv:1: column 'ref'", "longer than 1024 bytes");
		free(big);
	}
}

Test(csv, records_straddle_input_chunks)
{
	/* ~300 KiB: every chunk boundary of the reader falls inside some
	 * record, some inside quoted fields and CRLF pairs. */
	mcg_buf in = MCG_BUF_INIT;
	mcg_error err;
	mcg_csv_reader *r;
	mcg_csv_record rec;
	FILE *f;
	size_t n = 0;
	int rc;

	for (int i = 0; i < 12000; i++)
		mcg_buf_printf(&in, "r%d,\"q,%d\"\"x\",plain%s", i, i, i % 2 ? "\r\n" : "\n");
	f = fmemopen(in.data, in.len, "r");
	cr_assert_not_null(f);
	cr_assert_eq(mcg_csv_open(f, "big.csv", NULL, &r, &err), 0);
	while ((rc = mcg_csv_next(r, &rec, &err)) == 1) {
		char a[32], b[32];

		snprintf(a, sizeof(a), "r%zu", n);
		snprintf(b, sizeof(b), "q,%zu\"x", n);
		cr_assert_eq(rec.n, 3);
		cr_assert_str_eq(rec.field[0], a);
		cr_assert_str_eq(rec.field[1], b);
		cr_assert_str_eq(rec.field[2], "plain");
		cr_assert_eq(rec.line, n + 1);
		n++;
	}
	cr_expect_eq(rc, 0, "%s", err.msg);
	cr_expect_eq(n, 12000);
	cr_expect_eq(mcg_csv_bytes(r), in.len);
	mcg_csv_free(r);
	fclose(f);
	mcg_buf_free(&in);
}
