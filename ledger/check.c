/* Rebuilding the state from the events and comparing: see check.h. */
#include "check.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "journal.h"
#include "ledger_int.h"
#include "utf8.h"

/* Compared in this order, so the first difference named is the most
 * telling one: state first, then what is derived from the events. */
static const char *const compared_tables[] = {
	"ledger_facts", "rules_versions", "members", "banks", "loan_terms",
	"loan_state", "guarantees", "pledges", "assessments", "balances", "totals",
	"postings", "audit_nodes", "audit_edge",
};

/* Copies a text column strictly: NULL, NUL bytes or a value too long for
 * the event are damage, never silently cut. */
static int column_text(sqlite3_stmt *st, int col, char *out, size_t outsz,
		       int nullable)
{
	const char *v = (const char *)sqlite3_column_text(st, col);

	if (!v)
		return nullable && sqlite3_column_type(st, col) == SQLITE_NULL ?
			       (out[0] = '\0', MCG_OK) : MCG_EINTEGRITY;
	if ((size_t)sqlite3_column_bytes(st, col) != strlen(v))
		return MCG_EINTEGRITY;
	return mcg_strlcpy(out, v, outsz) ? MCG_EINTEGRITY : MCG_OK;
}

/* The event of the row at st into ev, reset here (the caller initialises
 * it once and frees it after the loop). */
static int load_event(sqlite3_stmt *st, mcg_event *ev, mcg_error *err)
{
	char type[MCG_EVENT_TYPE_MAX + 1];
	int64_t date = sqlite3_column_int64(st, 3);
	const char *fields = (const char *)sqlite3_column_text(st, 7);
	int rc;

	rc = column_text(st, 1, type, sizeof(type), 0);
	mcg_event_reset(ev, rc ? "" : type);
	ev->seq = sqlite3_column_int64(st, 0);
	rc = rc ? rc : column_text(st, 2, ev->ref, sizeof(ev->ref), 1);
	rc = rc ? rc : column_text(st, 5, ev->recorded_at, sizeof(ev->recorded_at), 0);
	rc = rc ? rc : column_text(st, 6, ev->actor, sizeof(ev->actor), 0);
	if (!rc && (sqlite3_column_type(st, 3) != SQLITE_INTEGER || date < INT32_MIN ||
		    date > INT32_MAX || !fields))
		rc = MCG_EINTEGRITY;
	if (rc)
		return mcg_error_set(err, MCG_EINTEGRITY, "the row of event %lld is damaged",
				     (long long)ev->seq);
	ev->date_days = (int32_t)date;
	ev->date_given = sqlite3_column_int(st, 4);
	return mcg_event_decode_fields(ev, fields, err);
}

static int replay_events(mcg_ledger *R, int64_t *count, mcg_error *err)
{
	mcg_event ev;
	sqlite3_stmt *st;
	int rc = MCG_OK;
	int step;

	*count = 0;
	if (sqlite3_prepare_v2(R->db, "SELECT seq, type, ref, date, date_given,"
			       " recorded_at, actor, fields FROM orig.events ORDER BY seq",
			       -1, &st, NULL) != SQLITE_OK)
		return mcg_db_error(R, err, "reading the events");
	/* One event, reset for each row (load_event): its fields keep their
	 * room from one event to the next. */
	mcg_event_init(&ev, "");
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t seq = sqlite3_column_int64(st, 0);

		rc = load_event(st, &ev, err);
		rc = rc ? rc : mcg_journal_append(R, &ev, NULL, err);
		if (rc) {
			mcg_error_prefix(err, "event %lld does not replay", (long long)seq);
			err->code = MCG_EINTEGRITY;
			rc = MCG_EINTEGRITY;
			break;
		}
		(*count)++;
	}
	mcg_event_free(&ev);
	if (!rc && step != SQLITE_DONE)
		rc = mcg_db_error(R, err, "reading the events");
	sqlite3_finalize(st);
	return rc;
}

/*
 * One value of a row for the error line.  The type is asked first: asking
 * for the text of a BLOB (the audit tables' hashes) converts it, and the
 * raw bytes ended up in the message.  A hash is shown as the hex of its
 * first bytes; text from a table edited by hand may hold anything, so
 * control characters and bytes that are not UTF-8 become '?' and the
 * message stays one line.
 */
static void describe_value(sqlite3_stmt *st, int col, char *out, size_t outsz)
{
	static const char hex[] = "0123456789abcdef";
	size_t used = 0;

	switch (sqlite3_column_type(st, col)) {
	case SQLITE_NULL:
		snprintf(out, outsz, "NULL");
		return;
	case SQLITE_BLOB: {
		const unsigned char *b = sqlite3_column_blob(st, col);
		int len = sqlite3_column_bytes(st, col);

		used = (size_t)snprintf(out, outsz, "x'");
		for (int k = 0; k < len && k < 8 && used + 2 < outsz; k++) {
			out[used++] = hex[b[k] >> 4];
			out[used++] = hex[b[k] & 15];
		}
		snprintf(out + used, outsz - used, "%s' (%d bytes)", len > 8 ? "..." : "", len);
		return;
	}
	default: {
		const unsigned char *t = sqlite3_column_text(st, col);
		size_t len = t ? (size_t)sqlite3_column_bytes(st, col) : 0;

		/* Whole characters only, so a cut never splits one: a control
		 * (C0, DEL, C1: U+009B starts an escape on some terminals) or
		 * a byte that is not UTF-8 becomes one '?'. */
		for (size_t i = 0, n; i < len; i += n) {
			unsigned long v = 0;
			size_t bad;

			n = mcg_utf8_char(t + i, len - i, &v, &bad);
			if (n == 0 || v < 0x20 || (v >= 0x7f && v <= 0x9f)) {
				if (used + 2 > outsz)
					break;
				out[used++] = '?';
				n = n ? n : 1;
				continue;
			}
			if (used + n + 1 > outsz)
				break;
			memcpy(out + used, t + i, n);
			used += n;
		}
		out[used] = '\0';
		return;
	}
	}
}

/* Describes the first row of `a EXCEPT b`, if any. */
static int first_extra_row(mcg_ledger *R, const char *table, const char *a,
			   const char *b, char *row, size_t rowsz, int *found,
			   mcg_error *err)
{
	char sql[256];
	sqlite3_stmt *st;
	int step;
	size_t used = 0;

	*found = 0;
	snprintf(sql, sizeof(sql), "SELECT * FROM %s.%s EXCEPT SELECT * FROM %s.%s LIMIT 1",
		 a, table, b, table);
	if (sqlite3_prepare_v2(R->db, sql, -1, &st, NULL) != SQLITE_OK)
		return mcg_db_error(R, err, "comparing the state");
	step = sqlite3_step(st);
	if (step == SQLITE_ROW) {
		*found = 1;
		row[0] = '\0';
		for (int i = 0; i < sqlite3_column_count(st) && used < rowsz; i++) {
			char v[80];
			int n;

			describe_value(st, i, v, sizeof(v));
			n = snprintf(row + used, rowsz - used, "%s%s=%s", i ? ", " : "",
				     sqlite3_column_name(st, i), v);
			if (n < 0)
				break;
			used += (size_t)n;
		}
	} else if (step != SQLITE_DONE) {
		sqlite3_finalize(st);
		return mcg_db_error(R, err, "comparing the state");
	}
	sqlite3_finalize(st);
	return MCG_OK;
}

/* The rows of table in the ledger (have) and in the rebuilt one (want). */
static int row_counts(mcg_ledger *R, const char *table, int64_t *have, int64_t *want,
		      mcg_error *err)
{
	char sql[160];
	sqlite3_stmt *st;
	int rc = MCG_OK;

	snprintf(sql, sizeof(sql), "SELECT (SELECT COUNT(*) FROM orig.%s), (SELECT COUNT(*) FROM main.%s)",
		 table, table);
	if (sqlite3_prepare_v2(R->db, sql, -1, &st, NULL) != SQLITE_OK)
		return mcg_db_error(R, err, "comparing the state");
	if (sqlite3_step(st) == SQLITE_ROW) {
		*have = sqlite3_column_int64(st, 0);
		*want = sqlite3_column_int64(st, 1);
	} else {
		rc = mcg_db_error(R, err, "comparing the state");
	}
	sqlite3_finalize(st);
	return rc;
}

static int compare_tables(mcg_ledger *R, int *tables, mcg_error *err)
{
	int64_t have = 0, want = 0;
	char row[512];
	int found;
	int rc;

	*tables = 0;
	for (size_t i = 0; i < sizeof(compared_tables) / sizeof(compared_tables[0]); i++) {
		const char *t = compared_tables[i];

		rc = first_extra_row(R, t, "orig", "main", row, sizeof(row), &found, err);
		if (rc)
			return rc;
		if (found)
			return mcg_error_set(err, MCG_EINTEGRITY,
					     "check failed: table %s holds a row the events do not give: (%s)",
					     t, row);
		rc = first_extra_row(R, t, "main", "orig", row, sizeof(row), &found, err);
		if (rc)
			return rc;
		if (found)
			return mcg_error_set(err, MCG_EINTEGRITY,
					     "check failed: table %s lacks a row the events give: (%s)",
					     t, row);
		/* EXCEPT sees a row twice as once: a table without a key
		 * (audit_edge) could hold a copy. */
		rc = row_counts(R, t, &have, &want, err);
		if (rc)
			return rc;
		if (have != want)
			return mcg_error_set(err, MCG_EINTEGRITY,
					     "check failed: table %s holds %lld rows where the events give %lld",
					     t, (long long)have, (long long)want);
		(*tables)++;
	}
	return MCG_OK;
}

int mcg_check_ledger(mcg_ledger *L, mcg_check_report *out, mcg_error *err)
{
	mcg_ledger *R = NULL;
	sqlite3_stmt *st = NULL;
	char *attach_as = NULL;
	int rc;

	memset(out, 0, sizeof(*out));
	/* SQLITE_OPEN_URI: a ledger its reader may not write (opened
	 * immutable, db.c) is attached the same way, read-only and without
	 * locks; attached by its plain path it would need the -shm file its
	 * folder does not let SQLite make. */
	rc = mcg_db_connect(":memory:", SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_URI,
			    &R, err);
	if (rc)
		return rc;
	if (L->immutable) {
		attach_as = mcg_db_immutable_uri(L->path);
		if (!attach_as) {
			rc = mcg_error_set(err, MCG_ESYS, "out of memory");
			goto out;
		}
	}
	R->replaying = 1;
	rc = mcg_db_exec(R, mcg_schema_sql, err);
	if (rc)
		goto out;
	if (sqlite3_prepare_v2(R->db, "ATTACH DATABASE ?1 AS orig", -1, &st, NULL) != SQLITE_OK) {
		rc = mcg_db_error(R, err, "opening the ledger for the check");
		goto out;
	}
	sqlite3_bind_text(st, 1, attach_as ? attach_as : L->path, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE) {
		rc = mcg_db_error(R, err, "opening the ledger for the check");
		goto out;
	}
	/* One transaction over both: the ledger cannot change under the
	 * comparison, and the scratch writes are cheap. */
	rc = mcg_journal_begin(R, err);
	/* The definitions first: a table redefined by hand may not even hold
	 * the columns the replay and the comparison of the rows read. */
	rc = rc ? rc : mcg_check_schema(R, err);
	rc = rc ? rc : replay_events(R, &out->events, err);
	rc = rc ? rc : mcg_journal_flush_all(R, err);
	rc = rc ? rc : compare_tables(R, &out->tables, err);
	mcg_journal_rollback(R);
out:
	sqlite3_finalize(st);
	mcg_ledger_close(R);
	free(attach_as);
	return rc;
}
