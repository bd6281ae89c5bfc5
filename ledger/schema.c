/*
 * The ledger's schema.  Version 3 (version 1 stored every audit hash, one
 * a row, version 2 every one, 64 to a row; ledger.c migrates both).  A
 * later version adds a migration to ledger.c and bumps MCG_SCHEMA_VERSION;
 * files are migrated forward on open, never backward.
 *
 * Amounts are INTEGER minor units, percentages INTEGER basis points, dates
 * INTEGER days since 1970-01-01 (see common/date.h).
 */
#include "ledger_int.h"

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
	"CREATE TABLE loans("
	" id TEXT PRIMARY KEY,"
	" borrower TEXT NOT NULL,"
	" bank TEXT NOT NULL,"
	" principal INTEGER NOT NULL,"
	" rate_bp INTEGER,"
	" term_months INTEGER,"
	" outstanding INTEGER NOT NULL,"
	" status TEXT NOT NULL,"
	" ga INTEGER NOT NULL,"            /* GA now, DOMAIN.md section 4 */
	" dpd INTEGER NOT NULL,"           /* latest days past due reported */
	" opened INTEGER NOT NULL,"
	" closed INTEGER) WITHOUT ROWID;"
	"CREATE INDEX loans_borrower ON loans(borrower);"
	"CREATE INDEX loans_bank ON loans(bank);"
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
