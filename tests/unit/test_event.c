/* Unit tests of events: fields, postings and the canonical encoding that
 * docs/AUDIT.md specifies. */
#include <criterion/criterion.h>
#include <string.h>

#include "ledger/event.h"

static mcg_event sample(void)
{
	mcg_event ev;

	mcg_event_init(&ev, "contribute");
	ev.seq = 12;
	mcg_strlcpy(ev.ref, "bank-1", sizeof(ev.ref));
	ev.date_days = 20543; /* 2026-03-31 */
	ev.date_given = 1;
	mcg_strlcpy(ev.recorded_at, "2026-03-31T09:12:44Z", sizeof(ev.recorded_at));
	mcg_strlcpy(ev.actor, "treasurer", sizeof(ev.actor));
	mcg_event_add(&ev, "member", "ACME");
	mcg_event_add(&ev, "kind", "fund");
	mcg_event_add_int(&ev, "amount", 500000);
	mcg_event_post(&ev, "cash", 500000, NULL);
	mcg_event_post(&ev, "fund", -500000, NULL);
	return ev;
}

/* The bytes of docs/AUDIT.md's layout, written out by hand. */
static size_t item(unsigned char *p, const char *s)
{
	size_t n = strlen(s);

	p[0] = 0; p[1] = 0; p[2] = (unsigned char)(n >> 8); p[3] = (unsigned char)n;
	memcpy(p + 4, s, n);
	return n + 4;
}

Test(event, canonical_encoding_is_the_documented_layout)
{
	static const char *const items[] = {
		"mcg-event/1", "12", "contribute", "bank-1", "2026-03-31", "1",
		"2026-03-31T09:12:44Z", "treasurer", "3", "member", "ACME", "kind",
		"fund", "amount", "500000", "2", "cash", "500000", "fund", "-500000",
	};
	unsigned char want[512];
	size_t n = 0;
	mcg_event ev = sample();
	mcg_buf got = MCG_BUF_INIT;

	for (size_t i = 0; i < sizeof(items) / sizeof(items[0]); i++)
		n += item(want + n, items[i]);
	cr_assert_eq(mcg_event_canonical(&ev, &got), 0);
	cr_assert_eq(got.len, n);
	cr_assert(memcmp(got.data, want, n) == 0);
	mcg_buf_free(&got);
	mcg_event_free(&ev);
}

Test(event, every_field_changes_the_canonical_bytes)
{
	mcg_event a = sample();
	mcg_buf base = MCG_BUF_INIT;

	mcg_event_canonical(&a, &base);
	for (int which = 0; which < 8; which++) {
		mcg_event b = sample();
		mcg_buf other = MCG_BUF_INIT;

		switch (which) {
		case 0: b.seq = 13; break;
		case 1: b.ref[0] = '\0'; break;
		case 2: b.date_days++; break;
		case 3: b.date_given = 0; break;
		case 4: b.recorded_at[18] = '5'; break;
		case 5: b.actor[0] = 'T'; break;
		case 6: b.fields[2].value[0] = '6'; break;
		case 7: b.postings[1].amount_minor = -500001; break;
		}
		mcg_event_canonical(&b, &other);
		cr_assert(other.len != base.len || memcmp(other.data, base.data, base.len) != 0,
			  "change %d left the bytes the same", which);
		mcg_buf_free(&other);
		mcg_event_free(&b);
	}
	mcg_buf_free(&base);
	mcg_event_free(&a);
}

/* The import makes an event's head and body ahead, on its reader thread,
 * and the journal joins them with the number, time and postings: the
 * bytes must be mcg_event_canonical's, for every kind of event.  One pair
 * of buffers serves every event, as a reader's slot does. */
Test(event, canonical_join_of_head_and_body_is_the_canonical_encoding)
{
	mcg_buf head = MCG_BUF_INIT, body = MCG_BUF_INIT;

	for (int which = 0; which < 6; which++) {
		mcg_event ev = sample();
		mcg_buf want = MCG_BUF_INIT, got = MCG_BUF_INIT;

		switch (which) {
		case 1: ev.ref[0] = '\0'; ev.date_given = 0; break;
		case 2: mcg_event_clear_postings(&ev); break;
		case 3: mcg_event_add(&ev, "note", "two\nlines \\ and a backslash"); break;
		case 4: mcg_event_reset(&ev, "repay"); ev.seq = 1234567890123; break;
		case 5: ev.seq = 0; ev.recorded_at[0] = '\0'; ev.actor[0] = '\0'; break;
		}
		mcg_buf_reset(&head);
		mcg_buf_reset(&body);
		cr_assert_eq(mcg_event_canonical_head(&ev, &head), 0);
		cr_assert_eq(mcg_event_canonical_body(&ev, &body), 0);
		/* The journal adds the postings after the parts are made. */
		if (which == 0) {
			mcg_event_post(&ev, "cash", 1, NULL);
			mcg_event_post(&ev, "fund", -1, NULL);
		}
		cr_assert_eq(mcg_event_canonical(&ev, &want), 0);
		cr_assert_eq(mcg_event_canonical_join(&ev, &head, &body, &got), 0);
		cr_assert_eq(got.len, want.len, "event %d: %zu bytes joined, %zu encoded",
			     which, got.len, want.len);
		cr_assert(memcmp(got.data, want.data, want.len) == 0, "event %d differs", which);
		mcg_buf_free(&want);
		mcg_buf_free(&got);
		mcg_event_free(&ev);
	}
	mcg_buf_free(&head);
	mcg_buf_free(&body);
}

Test(event, length_prefixes_make_field_boundaries_unambiguous)
{
	mcg_event a, b;
	mcg_buf x = MCG_BUF_INIT, y = MCG_BUF_INIT;

	mcg_event_init(&a, "member.add");
	mcg_event_init(&b, "member.add");
	mcg_event_add(&a, "name", "ab");
	mcg_event_add(&a, "district", "c");
	mcg_event_add(&b, "name", "a");
	mcg_event_add(&b, "district", "bc");
	mcg_event_canonical(&a, &x);
	mcg_event_canonical(&b, &y);
	cr_assert(x.len != y.len || memcmp(x.data, y.data, x.len) != 0);
	mcg_buf_free(&x);
	mcg_buf_free(&y);
	mcg_event_free(&a);
	mcg_event_free(&b);
}

Test(event, stored_fields_round_trip_with_escapes)
{
	mcg_event a, b;
	mcg_buf text = MCG_BUF_INIT;
	mcg_error err;

	mcg_event_init(&a, "member.add");
	mcg_event_add(&a, "name", "line1\nline2 \\ back=slash");
	mcg_event_add(&a, "pledge", "B:100");
	mcg_event_add(&a, "pledge", "C:200");
	cr_assert_eq(mcg_event_encode_fields(&a, &text), 0);
	cr_assert_str_eq(mcg_buf_str(&text),
			 "name=line1\\nline2 \\\\ back=slash\npledge=B:100\npledge=C:200\n");
	mcg_event_init(&b, "member.add");
	cr_assert_eq(mcg_event_decode_fields(&b, mcg_buf_str(&text), &err), 0);
	cr_assert_eq(b.n_fields, 3);
	cr_assert_str_eq(b.fields[0].value, "line1\nline2 \\ back=slash");
	cr_assert_str_eq(mcg_event_get(&b, "pledge"), "B:100");
	cr_assert_str_eq(b.fields[2].value, "C:200");
	mcg_buf_free(&text);
	mcg_event_free(&a);
	mcg_event_free(&b);
}

/* Escapes first, last, back to back, alone; an empty value; a long run. */
Test(event, stored_fields_round_trip_escapes_at_the_edges)
{
	static const char *const values[] = { "\\", "\n", "\\\n\\", "\n\nx", "x\\\\",
					      "", "abcdefghijklmnopqrstuvwxyz0123456789" };
	static const char *const stored[] = { "\\\\", "\\n", "\\\\\\n\\\\", "\\n\\nx",
					      "x\\\\\\\\", "", "abcdefghijklmnopqrstuvwxyz0123456789" };

	for (size_t i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
		mcg_event a, b;
		mcg_buf text = MCG_BUF_INIT;
		mcg_buf want = MCG_BUF_INIT;
		mcg_error err;

		mcg_event_init(&a, "x");
		cr_assert_eq(mcg_event_add(&a, "k", values[i]), 0);
		cr_assert_eq(mcg_event_encode_fields(&a, &text), 0);
		cr_assert_eq(mcg_buf_printf(&want, "k=%s\n", stored[i]), 0);
		cr_assert_str_eq(mcg_buf_str(&text), mcg_buf_str(&want), "value %zu", i);
		mcg_event_init(&b, "x");
		cr_assert_eq(mcg_event_decode_fields(&b, mcg_buf_str(&text), &err), 0, "%s", err.msg);
		cr_assert_eq(b.n_fields, 1);
		cr_assert_str_eq(b.fields[0].value, values[i], "value %zu", i);
		mcg_buf_free(&text);
		mcg_buf_free(&want);
		mcg_event_free(&a);
		mcg_event_free(&b);
	}
}

Test(event, malformed_stored_fields_are_refused)
{
	static const char *const bad[] = { "noequals\n", "k=v", "k=bad\\escape\n",
					   "k=trailing\\\n" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		mcg_event ev;
		mcg_error err;

		mcg_event_init(&ev, "x");
		cr_assert_neq(mcg_event_decode_fields(&ev, bad[i], &err), 0, "'%s'", bad[i]);
		mcg_event_free(&ev);
	}
}

Test(event, zero_postings_are_not_written)
{
	mcg_event ev;

	mcg_event_init(&ev, "x");
	cr_assert_eq(mcg_event_post(&ev, "cash", 0, NULL), 0);
	cr_assert_eq(ev.n_postings, 0);
	mcg_event_free(&ev);
}

Test(event, canonical_integers_only)
{
	int64_t v;

	cr_assert_eq(mcg_parse_int64("0", &v), 0);
	cr_assert_eq(v, 0);
	cr_assert_eq(mcg_parse_int64("-9223372036854775808", &v), 0);
	cr_assert_eq(v, INT64_MIN);
	cr_assert_eq(mcg_parse_int64("9223372036854775807", &v), 0);
	cr_assert_eq(v, INT64_MAX);
	cr_assert_neq(mcg_parse_int64("9223372036854775808", &v), 0);
	cr_assert_neq(mcg_parse_int64("-0", &v), 0);
	cr_assert_neq(mcg_parse_int64("007", &v), 0);
	cr_assert_neq(mcg_parse_int64("+7", &v), 0);
	cr_assert_neq(mcg_parse_int64("", &v), 0);
	cr_assert_neq(mcg_parse_int64("1e3", &v), 0);
}

/* A reset keeps the event's room but nothing of its content: refilled,
 * it encodes exactly as a fresh event with the same content, whatever
 * the event before held (more fields, longer values, postings). */
Test(event, a_reset_event_encodes_as_a_fresh_one)
{
	mcg_event fresh, reused;
	mcg_buf a = MCG_BUF_INIT, b = MCG_BUF_INIT;
	char long_value[200];

	memset(long_value, 'v', sizeof(long_value) - 1);
	long_value[sizeof(long_value) - 1] = '\0';
	reused = sample();
	for (int i = 0; i < 12; i++)
		cr_assert_eq(mcg_event_add(&reused, "extra", long_value), MCG_OK);

	mcg_event_reset(&reused, "repay");
	cr_assert_eq(reused.n_fields, 0);
	cr_assert_eq(reused.n_postings, 0);
	cr_assert_null(mcg_event_get(&reused, "member"), "no field survives a reset");
	cr_assert_str_eq(reused.ref, "");
	cr_assert_eq(reused.seq, 0);

	mcg_event_init(&fresh, "repay");
	for (mcg_event *e = &fresh; e; e = e == &fresh ? &reused : NULL) {
		e->seq = 7;
		mcg_strlcpy(e->ref, "r-7", sizeof(e->ref));
		mcg_strlcpy(e->actor, "unit", sizeof(e->actor));
		/* A value longer than the room the first event made, then
		 * shorter ones. */
		cr_assert_eq(mcg_event_add(e, "loan", "L0000000000000000000000000000000000000001"), MCG_OK);
		cr_assert_eq(mcg_event_add_int(e, "principal", 12345), MCG_OK);
		cr_assert_eq(mcg_event_add(e, "note", ""), MCG_OK);
	}
	cr_assert_eq(mcg_event_canonical(&fresh, &a), MCG_OK);
	cr_assert_eq(mcg_event_canonical(&reused, &b), MCG_OK);
	cr_assert_eq(a.len, b.len);
	cr_assert_eq(memcmp(a.data, b.data, a.len), 0, "the same bytes");
	cr_assert_str_eq(mcg_event_get(&reused, "loan"), "L0000000000000000000000000000000000000001");
	mcg_buf_free(&a);
	mcg_buf_free(&b);
	mcg_event_free(&fresh);
	mcg_event_free(&reused);
}
