/*
 * Reading the ledger for reports: the read transaction, the as-of cut,
 * the rules in force at a cut, and the loan events of a period with their
 * postings.  See report_int.h.
 *
 * Reports read with their own prepared statements on the raw connection
 * (mcg_ledger_db): they never write, and the ledger's statement cache is
 * the journal's.
 */
#include "report_int.h"

#include <stdlib.h>
#include <string.h>

#include "ledger/event.h"

static int db_fail(mcg_ledger *L, mcg_error *err, const char *doing)
{
	return mcg_error_set(err, MCG_ESYS, "cannot read the ledger (%s): %s", doing,
			     sqlite3_errmsg(mcg_ledger_db(L)));
}

int rpt_read_begin(mcg_ledger *L, mcg_error *err)
{
	if (sqlite3_exec(mcg_ledger_db(L), "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
		return db_fail(L, err, "beginning a read");
	return MCG_OK;
}

void rpt_read_end(mcg_ledger *L)
{
	/* Nothing was written: COMMIT only ends the read snapshot. */
	if (!sqlite3_get_autocommit(mcg_ledger_db(L)))
		sqlite3_exec(mcg_ledger_db(L), "COMMIT", NULL, NULL, NULL);
}

int rpt_first_from(mcg_ledger *L, int32_t days, int64_t *out, mcg_error *err)
{
	int64_t size, before;
	int rc;

	rc = mcg_ledger_size(L, &size, err);
	rc = rc ? rc : mcg_ledger_cut(L, days - 1, size, &before, err);
	if (rc)
		return rc;
	*out = before + 1;
	return MCG_OK;
}

/* ---------------------------------------------------------------------
 * The loan events of a range of the sequence
 */

struct rpt_event_iter {
	mcg_ledger *L;
	sqlite3_stmt *events;     /* a range of the sequence (NULL: by seq only) */
	sqlite3_stmt *one;        /* one event by its seq, prepared when first used */
	sqlite3_stmt *postings;
	mcg_event ev;
	int have_ev;
};

/* The postings statement every iterator needs. */
static int prepare_postings(rpt_event_iter *it, mcg_error *err)
{
	if (sqlite3_prepare_v2(mcg_ledger_db(it->L),
			       "SELECT account, amount FROM postings WHERE seq = ?1 ORDER BY line",
			       -1, &it->postings, NULL) != SQLITE_OK)
		return db_fail(it->L, err, "the postings");
	return MCG_OK;
}

int rpt_events_reader(mcg_ledger *L, rpt_event_iter **out, mcg_error *err)
{
	rpt_event_iter *it = calloc(1, sizeof(*it));
	int rc;

	*out = NULL;
	if (!it)
		return mcg_error_set(err, MCG_ESYS, "out of memory");
	it->L = L;
	rc = prepare_postings(it, err);
	if (rc) {
		rpt_events_free(it);
		return rc;
	}
	*out = it;
	return MCG_OK;
}

int rpt_events_open(mcg_ledger *L, int64_t from_seq, int64_t to_seq,
		    rpt_event_iter **out, mcg_error *err)
{
	rpt_event_iter *it = calloc(1, sizeof(*it));
	int rc;

	*out = NULL;
	if (!it)
		return mcg_error_set(err, MCG_ESYS, "out of memory");
	it->L = L;
	if (sqlite3_prepare_v2(mcg_ledger_db(L),
			       "SELECT seq, type, date, fields FROM events"
			       " WHERE seq BETWEEN ?1 AND ?2 AND type IN " RPT_LOAN_EVENT_TYPES
			       " ORDER BY seq", -1, &it->events, NULL) != SQLITE_OK) {
		rc = db_fail(L, err, "the events");
		rpt_events_free(it);
		return rc;
	}
	rc = prepare_postings(it, err);
	if (rc) {
		rpt_events_free(it);
		return rc;
	}
	sqlite3_bind_int64(it->events, 1, from_seq);
	sqlite3_bind_int64(it->events, 2, to_seq);
	*out = it;
	return MCG_OK;
}

static int load_postings(rpt_event_iter *it, mcg_error *err)
{
	int step = SQLITE_DONE, rc = MCG_OK;

	sqlite3_reset(it->postings);
	sqlite3_bind_int64(it->postings, 1, it->ev.seq);
	while (!rc && (step = sqlite3_step(it->postings)) == SQLITE_ROW)
		rc = mcg_event_post(&it->ev, (const char *)sqlite3_column_text(it->postings, 0),
				    sqlite3_column_int64(it->postings, 1), err);
	if (rc)
		return mcg_error_set(err, MCG_EINTEGRITY, "event %lld has a damaged posting",
				     (long long)it->ev.seq);
	if (step != SQLITE_DONE)
		return db_fail(it->L, err, "the postings");
	return MCG_OK;
}

/* Fills it->ev from a row (seq, type, date, fields) of st, with its postings. */
static int load_row(rpt_event_iter *it, sqlite3_stmt *st, const mcg_event **ev,
		    mcg_error *err)
{
	int rc;

	mcg_event_init(&it->ev, (const char *)sqlite3_column_text(st, 1));
	it->have_ev = 1;
	it->ev.seq = sqlite3_column_int64(st, 0);
	it->ev.date_days = sqlite3_column_int(st, 2);
	rc = mcg_event_decode_fields(&it->ev, (const char *)sqlite3_column_text(st, 3), err);
	if (rc)
		return mcg_error_set(err, MCG_EINTEGRITY, "event %lld has damaged fields",
				     (long long)it->ev.seq);
	rc = load_postings(it, err);
	if (rc)
		return rc;
	*ev = &it->ev;
	return MCG_OK;
}

static void drop_current(rpt_event_iter *it)
{
	if (it->have_ev) {
		mcg_event_free(&it->ev);
		it->have_ev = 0;
	}
}

int rpt_events_next(rpt_event_iter *it, const mcg_event **ev, mcg_error *err)
{
	int step, rc;

	drop_current(it);
	if (!it->events)
		return 0;
	step = sqlite3_step(it->events);
	if (step == SQLITE_DONE)
		return 0;
	if (step != SQLITE_ROW)
		return db_fail(it->L, err, "the events");
	rc = load_row(it, it->events, ev, err);
	return rc ? rc : 1;
}

int rpt_events_get(rpt_event_iter *it, int64_t seq, const mcg_event **ev,
		   mcg_error *err)
{
	int step, rc;

	drop_current(it);
	if (!it->one &&
	    sqlite3_prepare_v2(mcg_ledger_db(it->L),
			       "SELECT seq, type, date, fields FROM events WHERE seq = ?1",
			       -1, &it->one, NULL) != SQLITE_OK)
		return db_fail(it->L, err, "an event");
	sqlite3_reset(it->one);
	sqlite3_bind_int64(it->one, 1, seq);
	step = sqlite3_step(it->one);
	if (step == SQLITE_DONE)
		return mcg_error_set(err, MCG_EINTEGRITY, "event %lld is missing",
				     (long long)seq);
	if (step != SQLITE_ROW)
		return db_fail(it->L, err, "an event");
	rc = load_row(it, it->one, ev, err);
	sqlite3_reset(it->one);
	return rc;
}

void rpt_events_free(rpt_event_iter *it)
{
	if (!it)
		return;
	if (it->have_ev)
		mcg_event_free(&it->ev);
	sqlite3_finalize(it->events);
	sqlite3_finalize(it->one);
	sqlite3_finalize(it->postings);
	free(it);
}

/*
 * The stored text is "key=value\n" per field, with '\\' and newline
 * escaped in values (mcg_event_encode_fields).  One pass, no allocation:
 * the shape of every line is checked as mcg_event_decode_fields checks
 * it, and only the picked values are copied out.
 */
/* A value [v, end) with every backslash starting a valid escape. */
static int escapes_ok(const char *v, const char *end)
{
	for (const char *b = memchr(v, '\\', (size_t)(end - v)); b;
	     b = memchr(b + 2, '\\', (size_t)(end - b - 2))) {
		if (b + 1 >= end || (b[1] != '\\' && b[1] != 'n'))
			return 0;
		if (b + 2 >= end)
			break;
	}
	return 1;
}

/* Copies the value [v, end), unescaped, into pick; 0 or -1 if it does
 * not fit. */
static int copy_value(const char *v, const char *end, rpt_pick *pick)
{
	size_t len = 0;

	for (; v < end; v++) {
		char c = *v;

		if (c == '\\')
			c = *++v == 'n' ? '\n' : '\\';
		if (len + 1 >= pick->out_size)
			return -1;
		pick->out[len++] = c;
	}
	pick->out[len] = '\0';
	pick->found = 1;
	return 0;
}

int rpt_fields_pick(const char *text, rpt_pick *picks, size_t n)
{
	const char *p = text;

	for (size_t i = 0; i < n; i++) {
		picks[i].found = 0;
		picks[i].out[0] = '\0';
	}
	while (*p) {
		const char *eq = p, *nl;
		size_t key_len;

		while (*eq && *eq != '=' && *eq != '\n')
			eq++;
		key_len = (size_t)(eq - p);
		if (*eq != '=' || key_len > MCG_FIELD_KEY_MAX)
			return -1;
		nl = strchr(eq + 1, '\n');
		if (!nl || !escapes_ok(eq + 1, nl))
			return -1;
		for (size_t i = 0; i < n; i++)
			if (!picks[i].found && strncmp(picks[i].key, p, key_len) == 0 &&
			    picks[i].key[key_len] == '\0') {
				if (copy_value(eq + 1, nl, &picks[i]))
					return -1;
				break;
			}
		p = nl + 1;
	}
	return 0;
}

int rpt_is_loan_event(const char *type)
{
	static const char *const types[] = {
		"loan.add", "guarantee", "repay", "arrears", "call", "recover", "writeoff",
	};

	for (size_t i = 0; type && i < sizeof(types) / sizeof(types[0]); i++)
		if (strcmp(type, types[i]) == 0)
			return 1;
	return 0;
}

int64_t rpt_text_int(const char *text)
{
	int64_t n = 0;

	if (!text || mcg_parse_int64(text, &n))
		return 0;
	return n;
}

int64_t rpt_field_int(const mcg_event *ev, const char *key)
{
	return rpt_text_int(mcg_event_get(ev, key));
}

/* |a|, for the postings of one event: bounded by the journal, which
 * refuses amounts whose balances would overflow. */
static int64_t magnitude(int64_t a)
{
	return a < 0 ? (a == INT64_MIN ? INT64_MAX : -a) : a;
}

void rpt_split_of(const mcg_event *ev, rpt_split *out)
{
	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < ev->n_postings; i++) {
		const mcg_posting *p = &ev->postings[i];
		int64_t a = magnitude(p->amount_minor);

		if (strcmp(p->account, "cash") == 0)
			out->cash_minor = p->amount_minor;
		else if (strcmp(p->account, "fund") == 0)
			out->fund_minor = a;
		else if (strncmp(p->account, "deposit:", 8) == 0)
			out->deposit_minor = a;
		else if (strncmp(p->account, "due:", 4) == 0 &&
			 __builtin_add_overflow(out->members_minor, a, &out->members_minor))
			out->members_minor = INT64_MAX;
	}
}
