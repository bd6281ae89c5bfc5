/* The journal as plain-text accounting: see export.h. */
#include "export.h"

#include <string.h>

#include "date.h"
#include "event.h"
#include "ledger_int.h"
#include "money.h"

/* A short description: the event type and its main identifying fields. */
static void describe(const mcg_event *ev, char *out, size_t outsz)
{
	static const char *const keys[] = { "member", "loan", "bic", "kind", "assessor" };
	size_t used = (size_t)snprintf(out, outsz, "%s", ev->type);

	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]) && used < outsz; i++) {
		const char *v = mcg_event_get(ev, keys[i]);

		if (v)
			used += (size_t)snprintf(out + used, outsz - used, " %s", v);
	}
}

static int write_transaction(mcg_ledger *L, sqlite3_stmt *ev_row,
			     sqlite3_stmt *postings, FILE *out, mcg_error *err)
{
	mcg_event ev;
	char date[MCG_DATE_TEXT_MAX], what[160], amount[MCG_AMOUNT_TEXT_MAX];
	const char *ref = (const char *)sqlite3_column_text(ev_row, 2);
	int step;
	int rc;

	mcg_event_init(&ev, (const char *)sqlite3_column_text(ev_row, 1));
	ev.seq = sqlite3_column_int64(ev_row, 0);
	rc = mcg_event_decode_fields(&ev, (const char *)sqlite3_column_text(ev_row, 4), err);
	if (rc) {
		mcg_event_free(&ev);
		return rc;
	}
	describe(&ev, what, sizeof(what));
	mcg_event_free(&ev);
	fprintf(out, "%s * (%lld) %s\n", mcg_date_format(sqlite3_column_int(ev_row, 3), date),
		(long long)sqlite3_column_int64(ev_row, 0), what);
	if (ref)
		fprintf(out, "    ; ref: %s\n", ref);
	sqlite3_reset(postings);
	sqlite3_bind_int64(postings, 1, sqlite3_column_int64(ev_row, 0));
	while ((step = sqlite3_step(postings)) == SQLITE_ROW)
		fprintf(out, "    %-40s  %s %s\n", (const char *)sqlite3_column_text(postings, 0),
			mcg_amount_format(sqlite3_column_int64(postings, 1), L->minor_digits, amount),
			L->currency);
	fputc('\n', out);
	if (step != SQLITE_DONE)
		return mcg_db_error(L, err, "reading the postings");
	return MCG_OK;
}

int mcg_export_ledger(mcg_ledger *L, int all, FILE *out, mcg_error *err)
{
	sqlite3_stmt *events = NULL, *postings = NULL;
	int step, rc = MCG_OK;

	/* By default only events with postings are transactions; the others
	 * (members admitted, assessments, repayments, rules) move no money.
	 * With all, they are transactions without postings, which hledger
	 * and ledger read as such. */
	if (sqlite3_prepare_v2(L->db, all ? "SELECT seq, type, ref, date, fields FROM events"
			       " ORDER BY seq" :
			       "SELECT seq, type, ref, date, fields FROM events e"
			       " WHERE EXISTS (SELECT 1 FROM postings p WHERE p.seq = e.seq)"
			       " ORDER BY seq", -1, &events, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(L->db, "SELECT account, amount FROM postings WHERE seq = ?1"
			       " ORDER BY line", -1, &postings, NULL) != SQLITE_OK) {
		rc = mcg_db_error(L, err, "reading the journal");
		goto out;
	}
	fprintf(out, "; %s: the mcg journal of %s, amounts in %s\n", L->origin, L->name,
		L->currency);
	fprintf(out, all ? "; one transaction per event, without postings when it moves no money;"
		" (N) is the event's number\n\n" :
		"; one transaction per event that moves money; (N) is the event's number\n\n");
	while ((step = sqlite3_step(events)) == SQLITE_ROW) {
		rc = write_transaction(L, events, postings, out, err);
		if (rc)
			goto out;
	}
	if (step != SQLITE_DONE)
		rc = mcg_db_error(L, err, "reading the journal");
	if (!rc && ferror(out))
		rc = mcg_error_set(err, MCG_ESYS, "cannot write the export");
out:
	sqlite3_finalize(events);
	sqlite3_finalize(postings);
	return rc;
}
