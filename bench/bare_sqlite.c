/*
 * bench/bare_sqlite: the ceiling for `mcg import`.  Writes the same event
 * and posting rows that an import wrote, with nothing else: no CSV, no
 * checks, no rules, no state tables, no audit leaf.  Prepared statements,
 * one transaction, the same SQLite settings as the ledger (WAL,
 * synchronous = FULL, foreign keys on, no memory statistics; the
 * rollback journal as below), into a copy of the ledger as it
 * was before the import (same tables, same indexes, same rows already
 * there).  What mcg does on top of this is what its import costs.
 *
 * usage: bare_sqlite --from LEDGER --first SEQ --last SEQ --into COPY
 *                    [--commit-after SEQ]... [--file-bytes N]...
 *
 * --commit-after ends a transaction after that event and begins the next:
 * the same transactions as `mcg import` of the same rows in several files
 * (one a file), so that both pay the same commits and checkpoints.
 *
 * --file-bytes, once a transaction in order, gives the size of the file
 * the import read for it: a transaction whose file reached
 * MCG_IMPORT_ROLLBACK_JOURNAL_BYTES leaves WAL for the rollback journal
 * (synchronous = EXTRA, BEGIN EXCLUSIVE) and comes back after its commit,
 * both timed, as mcg's import does (ledger/import.c, ledger/db.c); a
 * transaction with no --file-bytes stays in WAL.
 *
 * Reads events FIRST..LAST and their postings from LEDGER into memory
 * (not timed), then inserts them into COPY (timed, wall and CPU) and
 * prints one line:
 *   bare_sqlite: EVENTS events POSTINGS postings in WALL s (RATE events/s), CPU s CPU
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sqlite3.h>

#include "ledger/import.h"

/* One event row as stored. */
struct ev_row {
	int64_t seq;
	int32_t date;
	int32_t date_given;
	char *type, *ref, *recorded_at, *actor, *fields;
};

struct post_row {
	int64_t seq;
	int64_t line;
	int64_t amount;
	char *account;
};

static double clock_seconds(clockid_t clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void die(sqlite3 *db, const char *doing)
{
	fprintf(stderr, "bare_sqlite: %s: %s\n", doing, db ? sqlite3_errmsg(db) : "failed");
	exit(1);
}

static void *xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n);

	if (!q) {
		fprintf(stderr, "bare_sqlite: out of memory\n");
		exit(1);
	}
	return q;
}

static char *dup_col(sqlite3_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st, i);
	size_t n = (size_t)sqlite3_column_bytes(st, i);
	char *s;

	if (!t)
		return NULL;
	s = xrealloc(NULL, n + 1);
	memcpy(s, t, n + 1);
	return s;
}

static int parse_i64(const char *text, int64_t *out)
{
	int64_t v = 0;

	if (!*text || strlen(text) > 18)
		return -1;
	for (; *text; text++) {
		if (*text < '0' || *text > '9')
			return -1;
		v = v * 10 + (*text - '0');
	}
	*out = v;
	return 0;
}

static size_t load_events(sqlite3 *db, int64_t first, int64_t last, struct ev_row **out)
{
	sqlite3_stmt *st;
	size_t n = 0, cap = 0;
	struct ev_row *rows = NULL;

	if (sqlite3_prepare_v2(db, "SELECT seq, type, ref, date, date_given, recorded_at,"
			       " actor, fields FROM events WHERE seq BETWEEN ?1 AND ?2"
			       " ORDER BY seq", -1, &st, NULL) != SQLITE_OK)
		die(db, "reading the events");
	sqlite3_bind_int64(st, 1, first);
	sqlite3_bind_int64(st, 2, last);
	while (sqlite3_step(st) == SQLITE_ROW) {
		struct ev_row *r;

		if (n == cap) {
			cap = cap ? cap * 2 : 65536;
			rows = xrealloc(rows, cap * sizeof(*rows));
		}
		r = &rows[n++];
		r->seq = sqlite3_column_int64(st, 0);
		r->type = dup_col(st, 1);
		r->ref = dup_col(st, 2);
		r->date = sqlite3_column_int(st, 3);
		r->date_given = sqlite3_column_int(st, 4);
		r->recorded_at = dup_col(st, 5);
		r->actor = dup_col(st, 6);
		r->fields = dup_col(st, 7);
	}
	sqlite3_finalize(st);
	*out = rows;
	return n;
}

static size_t load_postings(sqlite3 *db, int64_t first, int64_t last, struct post_row **out)
{
	sqlite3_stmt *st;
	size_t n = 0, cap = 0;
	struct post_row *rows = NULL;

	if (sqlite3_prepare_v2(db, "SELECT seq, line, account, amount FROM postings"
			       " WHERE seq BETWEEN ?1 AND ?2 ORDER BY seq, line", -1, &st,
			       NULL) != SQLITE_OK)
		die(db, "reading the postings");
	sqlite3_bind_int64(st, 1, first);
	sqlite3_bind_int64(st, 2, last);
	while (sqlite3_step(st) == SQLITE_ROW) {
		struct post_row *r;

		if (n == cap) {
			cap = cap ? cap * 2 : 65536;
			rows = xrealloc(rows, cap * sizeof(*rows));
		}
		r = &rows[n++];
		r->seq = sqlite3_column_int64(st, 0);
		r->line = sqlite3_column_int64(st, 1);
		r->account = dup_col(st, 2);
		r->amount = sqlite3_column_int64(st, 3);
	}
	sqlite3_finalize(st);
	*out = rows;
	return n;
}

static void exec(sqlite3 *db, const char *sql)
{
	if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK)
		die(db, sql);
}

static int rollback_journal(const int64_t *file_bytes, size_t n_files, size_t txn)
{
	return txn < n_files && file_bytes[txn] >= (int64_t)MCG_IMPORT_ROLLBACK_JOURNAL_BYTES;
}

static void begin(sqlite3 *db, int rollback)
{
	if (rollback)
		exec(db, "PRAGMA journal_mode = DELETE; PRAGMA synchronous = EXTRA;"
			 " BEGIN EXCLUSIVE");
	else
		exec(db, "BEGIN IMMEDIATE");
}

static void commit(sqlite3 *db, int rollback)
{
	exec(db, "COMMIT");
	if (rollback)
		exec(db, "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL");
}

int main(int argc, char **argv)
{
	const char *from = NULL, *into = NULL;
	int64_t first = 0, last = 0;
	struct ev_row *ev;
	struct post_row *po;
	size_t n_ev, n_po, p = 0;
	sqlite3 *src, *dst;
	sqlite3_stmt *ins_ev, *ins_po;
	double t0, t, c0, c;
	int64_t commit_after[8];
	int64_t file_bytes[9];
	size_t n_commits = 0, n_files = 0, txn = 0;
	int bad = argc % 2 == 0;

	for (int i = 1; !bad && i + 1 < argc; i += 2) {
		if (strcmp(argv[i], "--from") == 0)
			from = argv[i + 1];
		else if (strcmp(argv[i], "--into") == 0)
			into = argv[i + 1];
		else if (strcmp(argv[i], "--first") == 0)
			bad = parse_i64(argv[i + 1], &first) != 0;
		else if (strcmp(argv[i], "--last") == 0)
			bad = parse_i64(argv[i + 1], &last) != 0;
		else if (strcmp(argv[i], "--commit-after") == 0 && n_commits < 8)
			bad = parse_i64(argv[i + 1], &commit_after[n_commits++]) != 0;
		else if (strcmp(argv[i], "--file-bytes") == 0 && n_files < 9)
			bad = parse_i64(argv[i + 1], &file_bytes[n_files++]) != 0;
		else
			bad = 1;
	}
	if (bad || !from || !into || first < 1 || last < first) {
		fprintf(stderr, "usage: bare_sqlite --from LEDGER --first SEQ --last SEQ --into COPY"
			" [--commit-after SEQ]... [--file-bytes N]...\n");
		return 2;
	}

	/* The ledger's process-wide setting (ledger/db.c): no memory
	 * statistics, so no global mutex around each allocation. */
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
	if (sqlite3_open_v2(from, &src, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
		die(src, from);
	n_ev = load_events(src, first, last, &ev);
	n_po = load_postings(src, first, last, &po);
	sqlite3_close(src);

	if (sqlite3_open_v2(into, &dst, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK)
		die(dst, into);
	/* The ledger's own settings (ledger/db.c). */
	exec(dst, "PRAGMA foreign_keys = ON; PRAGMA synchronous = FULL;"
		  " PRAGMA journal_mode = WAL");
	if (sqlite3_prepare_v3(dst, "INSERT INTO events(seq, type, ref, date, date_given,"
			       " recorded_at, actor, fields) VALUES(?1,?2,?3,?4,?5,?6,?7,?8)",
			       -1, SQLITE_PREPARE_PERSISTENT, &ins_ev, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v3(dst, "INSERT INTO postings(seq, line, account, amount)"
			       " VALUES(?1, ?2, ?3, ?4)", -1, SQLITE_PREPARE_PERSISTENT,
			       &ins_po, NULL) != SQLITE_OK)
		die(dst, "preparing");

	t0 = clock_seconds(CLOCK_MONOTONIC);
	c0 = clock_seconds(CLOCK_PROCESS_CPUTIME_ID);
	begin(dst, rollback_journal(file_bytes, n_files, txn));
	for (size_t i = 0; i < n_ev; i++) {
		const struct ev_row *r = &ev[i];

		sqlite3_bind_int64(ins_ev, 1, r->seq);
		sqlite3_bind_text(ins_ev, 2, r->type, -1, SQLITE_STATIC);
		if (r->ref)
			sqlite3_bind_text(ins_ev, 3, r->ref, -1, SQLITE_STATIC);
		else
			sqlite3_bind_null(ins_ev, 3);
		sqlite3_bind_int(ins_ev, 4, r->date);
		sqlite3_bind_int(ins_ev, 5, r->date_given);
		sqlite3_bind_text(ins_ev, 6, r->recorded_at, -1, SQLITE_STATIC);
		sqlite3_bind_text(ins_ev, 7, r->actor, -1, SQLITE_STATIC);
		sqlite3_bind_text(ins_ev, 8, r->fields, -1, SQLITE_STATIC);
		if (sqlite3_step(ins_ev) != SQLITE_DONE)
			die(dst, "inserting an event");
		sqlite3_reset(ins_ev);
		for (; p < n_po && po[p].seq == r->seq; p++) {
			sqlite3_bind_int64(ins_po, 1, po[p].seq);
			sqlite3_bind_int64(ins_po, 2, po[p].line);
			sqlite3_bind_text(ins_po, 3, po[p].account, -1, SQLITE_STATIC);
			sqlite3_bind_int64(ins_po, 4, po[p].amount);
			if (sqlite3_step(ins_po) != SQLITE_DONE)
				die(dst, "inserting a posting");
			sqlite3_reset(ins_po);
		}
		for (size_t k = 0; k < n_commits; k++)
			if (commit_after[k] == r->seq && i + 1 < n_ev) {
				commit(dst, rollback_journal(file_bytes, n_files, txn));
				txn++;
				begin(dst, rollback_journal(file_bytes, n_files, txn));
			}
	}
	commit(dst, rollback_journal(file_bytes, n_files, txn));
	t = clock_seconds(CLOCK_MONOTONIC) - t0;
	c = clock_seconds(CLOCK_PROCESS_CPUTIME_ID) - c0;

	printf("bare_sqlite: %zu events %zu postings in %.3f s (%.0f events/s), %.2f s CPU\n",
	       n_ev, n_po, t, t > 0 ? (double)n_ev / t : 0.0, c);
	sqlite3_finalize(ins_ev);
	sqlite3_finalize(ins_po);
	sqlite3_close(dst);
	for (size_t i = 0; i < n_ev; i++) {
		free(ev[i].type);
		free(ev[i].ref);
		free(ev[i].recorded_at);
		free(ev[i].actor);
		free(ev[i].fields);
	}
	for (size_t i = 0; i < n_po; i++)
		free(po[i].account);
	free(ev);
	free(po);
	return 0;
}
