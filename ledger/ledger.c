/* Opening and closing a ledger file, and upgrading an older one: see
 * ledger.h.  Creating one (`mcg init`) is create.c. */
#include "ledger_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "apply.h"
#include "journal.h"
#include "money.h"

void mcg_ledger_close(mcg_ledger *L)
{
	if (!L)
		return;
	for (size_t i = 0; i < MCG_STMT_CACHE; i++)
		sqlite3_finalize(L->stmts[i].stmt);
	if (L->db) {
		if (L->in_txn)
			sqlite3_exec(L->db, "ROLLBACK", NULL, NULL, NULL);
		sqlite3_close(L->db);
	}
	mcg_leaf_pipe_stop(L->txn.leaf_pipe);
	mcg_loan_cache_free(L);
	mcg_buf_free(&L->scratch_fields);
	mcg_buf_free(&L->scratch_canonical);
	free(L->path);
	free(L->keys_dir);
	free(L);
}

int mcg_ledger_minor_digits(const mcg_ledger *L) { return L->minor_digits; }
const char *mcg_ledger_currency(const mcg_ledger *L) { return L->currency; }
const char *mcg_ledger_name(const mcg_ledger *L) { return L->name; }
const char *mcg_ledger_origin(const mcg_ledger *L) { return L->origin; }
const char *mcg_ledger_keys_dir(const mcg_ledger *L) { return L->keys_dir; }
const char *mcg_ledger_path(const mcg_ledger *L) { return L->path; }
sqlite3 *mcg_ledger_db(mcg_ledger *L) { return L->db; }

int mcg_ledger_size(mcg_ledger *L, int64_t *out, mcg_error *err)
{
	return mcg_db_query_int(L, "SELECT COALESCE(MAX(seq), 0) FROM events",
				NULL, NULL, out, NULL, err);
}

int mcg_ledger_event_date(mcg_ledger *L, int64_t seq, int32_t *out, mcg_error *err)
{
	sqlite3_stmt *st = mcg_db_stmt(L, "SELECT date FROM events WHERE seq = ?1", err);
	int step;

	if (!st)
		return err->code;
	sqlite3_bind_int64(st, 1, seq);
	step = sqlite3_step(st);
	if (step == SQLITE_ROW)
		*out = sqlite3_column_int(st, 0);
	sqlite3_reset(st);
	if (step == SQLITE_ROW)
		return MCG_OK;
	if (step == SQLITE_DONE)
		return mcg_error_set(err, MCG_EINTEGRITY, "event %lld is missing",
				     (long long)seq);
	return mcg_db_error(L, err, "reading an event's date");
}

/*
 * Dates never decrease along the sequence (no back-dating), so the last
 * event dated on or before a day is found by bisection on seq: O(log n)
 * lookups by key, where a query on the date would read every event.
 */
int mcg_ledger_cut(mcg_ledger *L, int32_t days, int64_t cap, int64_t *out, mcg_error *err)
{
	int64_t lo = 0, hi = cap;   /* seq lo is known <= days (0: none) */

	while (lo < hi) {
		int64_t mid = lo + (hi - lo + 1) / 2;
		int32_t date;
		int rc = mcg_ledger_event_date(L, mid, &date, err);

		if (rc)
			return rc;
		if (date <= days)
			lo = mid;
		else
			hi = mid - 1;
	}
	*out = lo;
	return MCG_OK;
}

int mcg_ledger_rules_at(mcg_ledger *L, int64_t seq, int64_t *version, mcg_rules *out,
			mcg_error *err)
{
	/* The latest version loaded by event seq; before any, the first. */
	sqlite3_stmt *st = mcg_db_stmt(L, "SELECT version, rules FROM rules_versions"
				       " ORDER BY (seq <= ?1) DESC, CASE WHEN seq <= ?1 THEN -version"
				       " ELSE version END LIMIT 1", err);
	int rc;

	if (!st)
		return err->code;
	sqlite3_bind_int64(st, 1, seq);
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		sqlite3_reset(st);
		if (rc == SQLITE_DONE)
			return mcg_error_set(err, MCG_EINTEGRITY, "the ledger has no rules");
		return mcg_db_error(L, err, "reading the rules");
	}
	*version = sqlite3_column_int64(st, 0);
	rc = mcg_rules_from_text((const char *)sqlite3_column_text(st, 1), out, err);
	sqlite3_reset(st);
	if (rc)
		return mcg_error_set(err, MCG_EINTEGRITY, "rules version %lld in the ledger is damaged",
				     (long long)*version);
	return MCG_OK;
}

int mcg_ledger_load_rules(mcg_ledger *L, mcg_error *err)
{
	int64_t version = 0;
	int rc;

	if (L->rules_version)
		return MCG_OK;
	rc = mcg_ledger_rules_at(L, INT64_MAX, &version, &L->rules, err);
	if (!rc)
		L->rules_version = version;
	return rc;
}

int mcg_ledger_rules(mcg_ledger *L, int64_t *version, mcg_rules *out,
		     mcg_error *err)
{
	int rc = mcg_ledger_load_rules(L, err);

	if (rc)
		return rc;
	*version = L->rules_version;
	*out = L->rules;
	return MCG_OK;
}

int mcg_ledger_set_keys_dir(mcg_ledger *L, const char *path, const char *keys_dir)
{
	mcg_buf b = MCG_BUF_INIT;

	mcg_ledger_keys_path(path, keys_dir, &b);
	L->keys_dir = mcg_buf_detach(&b);
	return L->keys_dir ? MCG_OK : MCG_ESYS;
}

/* Stored hashes a row of audit_tiles held in schema version 2: stored
 * hash i was bytes 32 (i mod 64) .. of tile i / 64, every tile but the
 * last full. */
#define V2_TILE_HASHES 64

/* Writes the tile holding stored hashes next - n .. next - 1. */
static int write_migrated_tile(mcg_ledger *L, sqlite3_stmt *wr, int64_t next,
			       const mcg_hash *tile, size_t n, mcg_error *err)
{
	sqlite3_bind_int64(wr, 1, (next - 1) / V2_TILE_HASHES);
	sqlite3_bind_blob(wr, 2, tile, (int)(n * sizeof(mcg_hash)), SQLITE_STATIC);
	return mcg_db_step_done(L, wr, err, "upgrading the ledger");
}

/*
 * Version 1 to 2: the audit tree's stored hashes move from audit_hashes,
 * one a row, to audit_tiles, 64 to a row (V2_TILE_HASHES).  The hashes are
 * copied as they are, so every root, checkpoint and proof stays the same;
 * a log whose stored hashes are not exactly 0, 1, 2, ... (changed since
 * it was written) is not upgraded, so that the change stays for `audit
 * verify` of the mcg that wrote it to report.
 */
static int migrate_1_to_2(mcg_ledger *L, mcg_error *err)
{
	mcg_hash tile[V2_TILE_HASHES];
	sqlite3_stmt *rd = NULL, *wr = NULL;
	int64_t next = 0;
	size_t n = 0;
	int step, rc;

	rc = mcg_db_exec(L, "CREATE TABLE audit_tiles(tile INTEGER PRIMARY KEY,"
			 " hashes BLOB NOT NULL)", err);
	if (rc)
		return rc;
	if (sqlite3_prepare_v2(L->db, "SELECT idx, hash FROM audit_hashes ORDER BY idx",
			       -1, &rd, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(L->db, "INSERT INTO audit_tiles(tile, hashes) VALUES(?1, ?2)",
			       -1, &wr, NULL) != SQLITE_OK) {
		rc = mcg_db_error(L, err, "upgrading the ledger");
		goto out;
	}
	/* Row idx goes to tile idx / 64; a tile is written when full, the
	 * last one after the loop. */
	while ((step = sqlite3_step(rd)) == SQLITE_ROW) {
		if (sqlite3_column_int64(rd, 0) != next ||
		    sqlite3_column_type(rd, 1) != SQLITE_BLOB ||
		    sqlite3_column_bytes(rd, 1) != MCG_HASH_SIZE) {
			rc = mcg_error_set(err, MCG_EINTEGRITY,
					   "cannot upgrade the ledger to schema version 2: its audit log was changed at stored hash %lld (`audit verify` with the mcg that wrote it says more)",
					   (long long)next);
			goto out;
		}
		memcpy(tile[n++].b, sqlite3_column_blob(rd, 1), MCG_HASH_SIZE);
		next++;
		if (n == V2_TILE_HASHES) {
			rc = write_migrated_tile(L, wr, next, tile, n, err);
			n = 0;
			if (rc)
				goto out;
		}
	}
	if (step != SQLITE_DONE)
		rc = mcg_db_error(L, err, "upgrading the ledger");
	else if (n > 0)
		rc = write_migrated_tile(L, wr, next, tile, n, err);
out:
	sqlite3_finalize(rd);
	sqlite3_finalize(wr);
	rc = rc ? rc : mcg_db_exec(L, "DROP TABLE audit_hashes", err);
	return rc ? rc : mcg_db_exec(L, "UPDATE meta SET value = '2' WHERE key = 'schema_version'",
				     err);
}

/* Schema version 2's stored hashes in index order, tile by tile. */
struct v2_hashes {
	mcg_ledger *L;
	sqlite3_stmt *st;
	mcg_hash tile[V2_TILE_HASHES];
	size_t n, pos;
	int64_t next_tile, idx;
};

/* The next stored hash into *h; MCG_EINTEGRITY when there is none where
 * the log needs one, or the tiles are not as version 2 wrote them. */
static int v2_next_hash(struct v2_hashes *v, mcg_hash *h, mcg_error *err)
{
	if (v->pos == v->n) {
		int step = sqlite3_step(v->st);
		size_t bytes;

		if (step != SQLITE_ROW && step != SQLITE_DONE)
			return mcg_db_error(v->L, err, "upgrading the ledger");
		bytes = step == SQLITE_ROW ? (size_t)sqlite3_column_bytes(v->st, 1) : 0;
		/* Every tile but the last is full: a short one before more
		 * tiles, or a missing or damaged one, is a changed log. */
		if (step == SQLITE_DONE || (v->n && v->n != V2_TILE_HASHES) ||
		    sqlite3_column_int64(v->st, 0) != v->next_tile ||
		    sqlite3_column_type(v->st, 1) != SQLITE_BLOB || bytes == 0 ||
		    bytes % MCG_HASH_SIZE || bytes > sizeof(v->tile))
			return mcg_error_set(err, MCG_EINTEGRITY,
					     "cannot upgrade the ledger to schema version 3: its audit log was changed at stored hash %lld (`audit verify` with the mcg that wrote it says more)",
					     (long long)v->idx);
		memcpy(v->tile, sqlite3_column_blob(v->st, 1), bytes);
		v->n = bytes / MCG_HASH_SIZE;
		v->pos = 0;
		v->next_tile++;
	}
	*h = v->tile[v->pos++];
	v->idx++;
	return MCG_OK;
}

/* The next hash version 2 stored must be the one recomputed (ctx is a
 * struct v2_hashes). */
static int compare_v2_hash(void *ctx, int64_t idx, const mcg_hash *h, mcg_error *err)
{
	struct v2_hashes *v = ctx;
	mcg_hash stored;
	int rc = v2_next_hash(v, &stored, err);

	if (rc)
		return rc;
	if (memcmp(stored.b, h->b, MCG_HASH_SIZE) != 0)
		return mcg_error_set(err, MCG_EINTEGRITY,
				     "cannot upgrade the ledger to schema version 3: its audit log does not match its events at stored hash %lld (`audit verify` with the mcg that wrote it says more)",
				     (long long)idx);
	return MCG_OK;
}

/*
 * Version 2 to 3: version 2 stored every hash of the audit tree (64 to a
 * row of audit_tiles); version 3 keeps the nodes of levels 8, 16, ... in
 * audit_nodes and the right edge in audit_edge, and recomputes the others
 * (ledger/audit_log.c).  The tree is recomputed from the events, and every
 * hash version 2 stored must be the one recomputed, so a log changed since
 * it was written (its events or its stored hashes) is not upgraded: the
 * change stays for `audit verify` of the mcg that wrote it to report.  An
 * unchanged log keeps every root, checkpoint and proof.
 */
static int migrate_2_to_3(mcg_ledger *L, mcg_error *err)
{
	struct v2_hashes v;
	int step, rc;

	memset(&v, 0, sizeof(v));
	v.L = L;
	/* As schema.c creates them in version 3. */
	rc = mcg_db_exec(L, "CREATE TABLE audit_nodes(level INTEGER NOT NULL,"
			 " idx INTEGER NOT NULL, hash BLOB NOT NULL,"
			 " PRIMARY KEY(level, idx)) WITHOUT ROWID;"
			 "CREATE TABLE audit_edge(size INTEGER NOT NULL, hashes BLOB NOT NULL);"
			 "INSERT INTO audit_edge(size, hashes) VALUES(0, x'')", err);
	if (rc)
		return rc;
	if (sqlite3_prepare_v2(L->db, "SELECT tile, hashes FROM audit_tiles ORDER BY tile",
			       -1, &v.st, NULL) != SQLITE_OK)
		return mcg_db_error(L, err, "upgrading the ledger");
	rc = mcg_audit_rebuild_stored(L, compare_v2_hash, &v, err);
	if (rc == MCG_EINTEGRITY && strncmp(err->msg, "cannot upgrade", 14) != 0) {
		/* A changed event row, say: named as the compare names a hash. */
		char why[sizeof(err->msg)];

		mcg_strlcpy(why, err->msg, sizeof(why));
		mcg_error_set(err, MCG_EINTEGRITY,
			      "cannot upgrade the ledger to schema version 3: %s (`audit verify` with the mcg that wrote it says more)",
			      why);
	}
	step = rc ? SQLITE_DONE : v.pos < v.n ? SQLITE_ROW : sqlite3_step(v.st);
	if (!rc && step == SQLITE_ROW)
		rc = mcg_error_set(err, MCG_EINTEGRITY,
				   "cannot upgrade the ledger to schema version 3: its audit log holds hashes beyond its last event (`audit verify` with the mcg that wrote it says more)");
	else if (!rc && step != SQLITE_DONE)
		rc = mcg_db_error(L, err, "upgrading the ledger");
	sqlite3_finalize(v.st);
	rc = rc ? rc : mcg_db_exec(L, "DROP TABLE audit_tiles", err);
	return rc ? rc : mcg_db_exec(L, "UPDATE meta SET value = '3' WHERE key = 'schema_version'",
				     err);
}

/*
 * Version 3 to 4: a loan's terms and its changing figures, one `loans` row
 * in version 3, become a row of loan_terms and a row of loan_state, and
 * `loans` the view that joins them (schema.c says why).  Every figure is
 * copied as it is; the events and the audit log are not touched.  The
 * table is dropped, not renamed out of the way: SQLite's rename would
 * point views of the user's own that read `loans` at the dropped table,
 * where after the drop they read the view of the same name.
 */
static int migrate_3_to_4(mcg_ledger *L, mcg_error *err)
{
	int rc = mcg_db_exec(L, MCG_SCHEMA_LOAN_TABLES_SQL, err);

	rc = rc ? rc : mcg_db_exec(L,
		"INSERT INTO loan_terms(id, borrower, bank, principal, rate_bp, term_months, opened)"
		" SELECT id, borrower, bank, principal, rate_bp, term_months, opened FROM loans;"
		"INSERT INTO loan_state(id, status, outstanding, ga, dpd, closed)"
		" SELECT id, status, outstanding, ga, dpd, closed FROM loans;"
		"DROP TABLE loans", err);
	rc = rc ? rc : mcg_db_exec(L, MCG_SCHEMA_LOANS_VIEW_SQL, err);
	return rc ? rc : mcg_db_exec(L, "UPDATE meta SET value = '4' WHERE key = 'schema_version'",
				     err);
}

/*
 * The tables that tell the schema versions apart: each is in the files of
 * versions first to last and in no other (`loans` is a table up to
 * version 3, a view since).  A file whose schema_version names another
 * version than its tables are of (the value changed by hand) would be
 * upgraded from what it is not, and fail midway on SQLite's "table ...
 * already exists" or "no such table", or be read as what it is not.
 * A later version adds the tables it makes and ends those it drops.
 */
static const struct version_table {
	const char *name;
	int first, last;
} version_tables[] = {
	{ "audit_hashes", 1, 1 },
	{ "audit_tiles", 2, 2 },
	{ "audit_nodes", 3, MCG_SCHEMA_VERSION },
	{ "audit_edge", 3, MCG_SCHEMA_VERSION },
	{ "loans", 1, 3 },
	{ "loan_terms", 4, MCG_SCHEMA_VERSION },
	{ "loan_state", 4, MCG_SCHEMA_VERSION },
};
#define VERSION_TABLES (sizeof(version_tables) / sizeof(version_tables[0]))

/* The first of version_tables whose presence (bit i of held) is not what
 * schema version v has, one it has not first (what was found says more
 * than what was not); VERSION_TABLES if there is none. */
static size_t version_mismatch(unsigned held, int64_t v)
{
	for (int want_held = 0; want_held < 2; want_held++)
		for (size_t i = 0; i < VERSION_TABLES; i++) {
			int want = v >= version_tables[i].first && v <= version_tables[i].last;

			if (want != !!(held & 1u << i) && want == want_held)
				return i;
		}
	return VERSION_TABLES;
}

/* Which of version_tables the file holds, bit i for entry i. */
static int version_tables_held(mcg_ledger *L, unsigned *held, mcg_error *err)
{
	sqlite3_stmt *st = mcg_db_stmt(L, "SELECT name FROM sqlite_master WHERE type = 'table'", err);
	int step;

	if (!st)
		return err->code;
	*held = 0;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		const char *name = (const char *)sqlite3_column_text(st, 0);

		for (size_t i = 0; name && i < VERSION_TABLES; i++)
			if (strcmp(name, version_tables[i].name) == 0)
				*held |= 1u << i;
	}
	sqlite3_reset(st);
	return step == SQLITE_DONE ? MCG_OK : mcg_db_error(L, err, "reading the ledger's tables");
}

/* MCG_EINTEGRITY unless the tables that tell the versions apart are
 * those of `version`, the file's schema_version: one changed by hand is
 * refused before anything is written, naming a table that disagrees and
 * the version the tables are of. */
static int check_version_tables(mcg_ledger *L, int64_t version, mcg_error *err)
{
	unsigned held = 0;
	char tables_are[64] = "of no version mcg made";
	size_t bad;
	int has;
	int rc = version_tables_held(L, &held, err);

	if (rc)
		return rc;
	bad = version_mismatch(held, version);
	if (bad == VERSION_TABLES)
		return MCG_OK;
	for (int v = 1; v <= MCG_SCHEMA_VERSION; v++)
		if (version_mismatch(held, v) == VERSION_TABLES)
			snprintf(tables_are, sizeof(tables_are), "those of version %d", v);
	has = !!(held & 1u << bad);
	return mcg_error_set(err, MCG_EINTEGRITY,
			     "the ledger's schema_version (%lld) does not match its tables: it %s table %s, which version %lld %s; its tables are %s (was schema_version changed by hand?)",
			     (long long)version, has ? "has" : "lacks", version_tables[bad].name,
			     (long long)version, has ? "has not" : "has", tables_are);
}

/* Brings an older file's schema forward, one version at a time, in one
 * transaction: a crash leaves it as it was.  Needs a connection that can
 * write: a read-only open migrates through a connection of its own. */
static int migrate(mcg_ledger *L, int64_t version, mcg_error *err)
{
	int rc;

	if (version > MCG_SCHEMA_VERSION)
		return mcg_error_set(err, MCG_EINPUT,
				     "the ledger has schema version %lld, newer than this mcg understands (%d): upgrade mcg",
				     (long long)version, MCG_SCHEMA_VERSION);
	if (version < 1)
		return mcg_error_set(err, MCG_EINTEGRITY, "the ledger's schema version is damaged");
	if (version == MCG_SCHEMA_VERSION)
		return MCG_OK;
	rc = mcg_db_exec(L, "BEGIN IMMEDIATE", err);
	if (rc)
		return rc;
	/* Another process may have upgraded the file since the version was
	 * read: read it again under the write lock. */
	rc = mcg_db_query_int(L, "SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'schema_version'",
			      NULL, NULL, &version, NULL, err);
	if (!rc && version == MCG_SCHEMA_VERSION) {
		sqlite3_exec(L->db, "ROLLBACK", NULL, NULL, NULL);
		return MCG_OK;
	}
	if (!rc && (version < 1 || version > MCG_SCHEMA_VERSION))
		rc = mcg_error_set(err, MCG_EINTEGRITY, "the ledger's schema version is damaged");
	/* Before anything is written: upgraded from what it is not, the file
	 * would fail midway, on SQLite's words. */
	if (!rc)
		rc = check_version_tables(L, version, err);
	if (!rc && version == 1)
		rc = migrate_1_to_2(L, err);
	if (!rc && version <= 2)
		rc = migrate_2_to_3(L, err);
	if (!rc && version <= 3)
		rc = migrate_3_to_4(L, err);
	rc = rc ? rc : mcg_db_exec(L, "COMMIT", err);
	if (rc)
		sqlite3_exec(L->db, "ROLLBACK", NULL, NULL, NULL);
	return rc;
}

/* Migrates the file at path through a connection that may write. */
static int migrate_file(const char *path, int64_t version, mcg_error *err)
{
	mcg_ledger *W;
	int rc = mcg_db_connect(path, SQLITE_OPEN_READWRITE, &W, err);

	if (rc)
		return mcg_error_prefix(err, "upgrading the ledger from schema version %lld",
					(long long)version);
	/* WAL only once upgraded: a refused file stays byte for byte. */
	rc = migrate(W, version, err);
	/* A file its reader may not write (SQLite opens it read-only without
	 * a word when it is in rollback-journal mode): the write's own error
	 * would say "reading commands work" just as a read fails. */
	if (rc && sqlite3_db_readonly(W->db, "main") == 1)
		rc = mcg_error_set(err, MCG_ESYS,
				   "upgrading the ledger from schema version %lld needs a user who may"
				   " write '%s' and its folder: ask whoever keeps the ledger to run any"
				   " command on it; nothing was written", (long long)version, path);
	else if (rc && rc != MCG_EINTEGRITY)
		mcg_error_prefix(err, "upgrading the ledger from schema version %lld",
				 (long long)version);
	rc = rc ? rc : mcg_db_use_wal(W, err);
	mcg_ledger_close(W);
	return rc;
}

int mcg_ledger_open(const char *path, const char *keys_dir, int read_only,
		    mcg_ledger **out, mcg_error *err)
{
	mcg_ledger *L;
	int64_t version;
	int found;
	int rc;

	*out = NULL;
	if (access(path, F_OK) != 0)
		return mcg_error_set(err, MCG_EINPUT,
				     "no ledger at '%s' (create one with: mcg init --name NAME)",
				     path);
	rc = mcg_db_connect(path, read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE,
			    &L, err);
	if (rc)
		return rc;
	rc = mcg_ledger_set_keys_dir(L, path, keys_dir);
	if (rc) {
		mcg_ledger_close(L);
		return mcg_error_set(err, MCG_ESYS, "out of memory");
	}
	/* Nothing is written before the file is known to be a ledger: not
	 * even the switch to WAL, which rewrites another database's header.
	 * (A hot rollback journal beside it was rolled back by now, as SQLite
	 * does at the first read of any connection that may write: see
	 * mcg_db_connect.) */
	rc = mcg_db_query_int(L, "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table'"
			      " AND name IN ('meta', 'events', 'postings', 'ledger_facts')",
			      NULL, NULL, &version, NULL, err);
	if (rc || version != 4) {
		rc = mcg_error_set(err, MCG_EINPUT, "'%s' is not an mcg ledger", path);
		goto fail;
	}
	rc = mcg_db_query_int(L, "SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'schema_version'",
			      NULL, NULL, &version, &found, err);
	if (!rc && !found)
		rc = mcg_error_set(err, MCG_EINPUT, "'%s' is not an mcg ledger (no schema version)", path);
	if (!rc && (version > MCG_SCHEMA_VERSION || version < 1))
		rc = migrate(L, version, err);     /* refuses it, saying why */
	else if (!rc && version < MCG_SCHEMA_VERSION)
		rc = read_only ? migrate_file(path, version, err) : migrate(L, version, err);
	else if (!rc)   /* read as this version: its tables must be */
		rc = check_version_tables(L, version, err);
	rc = rc ? rc : mcg_db_load_meta(L, err);
	if (!rc && !read_only)
		rc = mcg_db_use_wal(L, err);
	if (rc)
		goto fail;
	*out = L;
	return MCG_OK;
fail:
	mcg_ledger_close(L);
	return rc;
}
