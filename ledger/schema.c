/*
 * The ledger's schema.  Version 4 (version 1 stored every audit hash, one
 * a row, version 2 every one, 64 to a row, version 3 a loan's terms and
 * its changing figures in one `loans` row; ledger.c migrates them all).
 * A later version adds a migration to ledger.c and bumps
 * MCG_SCHEMA_VERSION; files are migrated forward on open, never backward.
 *
 * Amounts are INTEGER minor units, percentages INTEGER basis points, dates
 * INTEGER days since 1970-01-01 (see common/date.h).
 */
#include "ledger_int.h"

/*
 * A loan is two rows: its terms, written once when it is added, and its
 * state, which every repayment changes.  An import writes the state of
 * every loan its file touched back at its commit (ledger/loan_cache.c):
 * 100,000 rows at the bench's full scale, each an UPDATE that SQLite
 * makes a delete and an insert of the whole row, with the row's pages
 * journaled.  Apart, the state rows fill half the pages the 12-column
 * row did, and that write-back and its commit cost a quarter less: 4% of
 * the full scale's import (docs/PERFORMANCE.md, schema version 4).  The view `loans` joins them back into the row
 * version 3 stored, for every query that reads a loan (and for anyone
 * reading the file with sqlite3); writes go to the two tables.  The
 * tables and the view are in ledger_int.h, for the upgrade to make them
 * alike.
 */
const char mcg_schema_sql[] =
	/* Facts fixed at init, and the schema version. */
	"CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;"

	/* The truth: append-only. */
	"CREATE TABLE events("
	" seq INTEGER PRIMARY KEY,"
	" type TEXT NOT NULL,"
	" ref TEXT UNIQUE,"
	" date INTEGER NOT NULL,"
	" date_given INTEGER NOT NULL,"
	" recorded_at TEXT NOT NULL,"
	" actor TEXT NOT NULL,"
	" fields TEXT NOT NULL);"
	"CREATE TABLE postings("
	" seq INTEGER NOT NULL REFERENCES events(seq),"
	" line INTEGER NOT NULL,"
	" account TEXT NOT NULL,"
	" amount INTEGER NOT NULL,"
	" PRIMARY KEY(seq, line)) WITHOUT ROWID;"

	/* What is stored of the audit tree (audit_log.c, "the stored
	 * tree"): its nodes at levels 8, 16, 24, ... and its right edge,
	 * one row, for a tree of `size` leaves; then the checkpoints signed
	 * so far. */
	"CREATE TABLE audit_nodes("
	" level INTEGER NOT NULL,"
	" idx INTEGER NOT NULL,"
	" hash BLOB NOT NULL,"
	" PRIMARY KEY(level, idx)) WITHOUT ROWID;"
	"CREATE TABLE audit_edge(size INTEGER NOT NULL, hashes BLOB NOT NULL);"
	"INSERT INTO audit_edge(size, hashes) VALUES(0, x'');"
	"CREATE TABLE checkpoints("
	" size INTEGER PRIMARY KEY,"
	" note TEXT NOT NULL,"
	" made_at TEXT NOT NULL);"

	/* State: a projection of the events, rebuilt by `mcg check`. */
	"CREATE TABLE ledger_facts(key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;"
	"CREATE TABLE balances(account TEXT PRIMARY KEY, balance INTEGER NOT NULL) WITHOUT ROWID;"
	"CREATE TABLE totals(name TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;"
	"CREATE TABLE rules_versions("
	" version INTEGER PRIMARY KEY,"
	" seq INTEGER NOT NULL,"
	" rules TEXT NOT NULL);"
	"CREATE TABLE members("
	" id TEXT PRIMARY KEY,"
	" name TEXT NOT NULL,"
	" sector TEXT,"
	" district TEXT,"
	" tax_id TEXT,"
	" status TEXT NOT NULL,"
	" joined INTEGER NOT NULL) WITHOUT ROWID;"
	"CREATE TABLE banks(bic TEXT PRIMARY KEY, name TEXT NOT NULL) WITHOUT ROWID;"
	MCG_SCHEMA_LOAN_TABLES_SQL
	MCG_SCHEMA_LOANS_VIEW_SQL
	"CREATE TABLE guarantees("
	" loan TEXT PRIMARY KEY,"
	" seq INTEGER NOT NULL,"
	" coverage_bp INTEGER NOT NULL,"
	" cap INTEGER,"
	" deposit INTEGER NOT NULL,"
	" ga0 INTEGER NOT NULL,"
	" fee INTEGER NOT NULL,"
	" fund_contribution INTEGER NOT NULL,"
	" rules_version INTEGER NOT NULL,"
	" score_x2 INTEGER NOT NULL,"
	" assessments INTEGER NOT NULL,"
	" pd_bp INTEGER NOT NULL,"
	" ga_frozen INTEGER,"              /* set at default */
	" called INTEGER NOT NULL,"        /* X of the call */
	" loss_deposit INTEGER NOT NULL,"
	" loss_fund INTEGER NOT NULL,"
	" recovered_fund INTEGER NOT NULL) WITHOUT ROWID;"
	"CREATE TABLE pledges("
	" loan TEXT NOT NULL,"
	" member TEXT NOT NULL,"
	" amount INTEGER NOT NULL,"
	" loss INTEGER NOT NULL,"
	" recovered INTEGER NOT NULL,"
	" PRIMARY KEY(loan, member)) WITHOUT ROWID;"
	"CREATE INDEX pledges_member ON pledges(member);"
	"CREATE TABLE assessments("
	" seq INTEGER PRIMARY KEY,"
	" loan TEXT NOT NULL,"
	" assessor TEXT NOT NULL,"
	" score INTEGER NOT NULL,"
	" date INTEGER NOT NULL);"
	"CREATE INDEX assessments_loan ON assessments(loan);";
