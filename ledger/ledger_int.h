/*
 * Inside the ledger library.  Invariants:
 *
 * - The events table is append-only: rows are inserted by journal.c in
 *   sequence 1, 2, 3, ... and never updated or deleted.  Each event's
 *   postings sum to zero.  Dates never decrease along the sequence.
 * - Every other table but meta's schema_version and checkpoints is a
 *   projection of the events: it is written only by the apply functions
 *   (apply_*.c) called from the journal, or for audit_nodes and audit_edge
 *   by the journal's audit leaf (below), and `mcg check` rebuilds it from
 *   the events into a scratch database and compares.
 * - audit_nodes and audit_edge hold what is stored of the RFC 9162 tree
 *   over the canonical bytes of the events (audit/merkle.h): the subtrees
 *   at levels 8, 16, 24, ... and the tree's right edge, written in the
 *   same transaction as the event (journal.c, through audit_log.c's "the
 *   stored tree").
 * - All writes happen inside one BEGIN IMMEDIATE transaction opened by the
 *   journal; apply functions never begin or commit.
 * - The transaction caches below (struct mcg_txn_cache) hold only what the
 *   open transaction itself read or wrote, so they agree with the database
 *   while in_txn is set.  They are dropped at every begin, commit and
 *   rollback, and when an append fails midway, and are never consulted
 *   outside the journal's transaction (another connection may write then).
 */
#ifndef MCG_LEDGER_INT_H
#define MCG_LEDGER_INT_H

#include <sqlite3.h>

#include "audit/leaf_pipe.h"
#include "audit/merkle.h"
#include "event.h"
#include "ledger.h"

#define MCG_STMT_CACHE 256

struct mcg_stmt_slot {
	const char *sql;          /* the literal's address is the key */
	sqlite3_stmt *stmt;
};

/* How many recently written stored hashes the transaction keeps: one per
 * level of the tree is the whole right edge an append reads (audit/merkle.h),
 * since the left half a new subtree needs is the latest one of its level. */
#define MCG_TXN_HASHES 64
/* The levels of the audit tree stored in audit_nodes (schema version 3):
 * every 8th above the leaves, tlog's tile height.  A node of level 8 is
 * one row per 256 events; the leaves are recomputed from the events, and
 * the levels between from at most 128 hashes of the level below that is
 * stored (or, for levels 1 to 7, of the leaves). */
#define MCG_AUDIT_NODE_EVERY 8

/* The right edge of the audit tree of `size` leaves, as audit_edge keeps
 * it: h[l] is the latest complete subtree of level l, for each level l
 * with size >> l >= 1 (levels of them), the hashes the next append reads.
 * The edge's peaks (the levels of the 1 bits of size) make the root. */
struct mcg_audit_edge {
	int64_t size;
	int levels;
	mcg_hash h[MCG_TXN_HASHES];
	/* The last block of 256 leaves recomputed and checked (against its
	 * node of level 8, or this edge for the last block: audit_log.c),
	 * kept for the other hashes a root or a proof needs from it; NULL:
	 * none kept. */
	struct mcg_audit_block *block;
};

/* Checked leaves of block b (leaves 256 b ..), count of them. */
struct mcg_audit_block {
	int valid;
	int64_t b, count;
	mcg_hash leaves[256];
};

/*
 * Figures the journal's transaction would otherwise read back from the
 * tables it just wrote, for every event of an import.  Each is valid only
 * with its flag set; mcg_txn_cache_drop clears them all.
 */
struct mcg_txn_cache {
	/* The log's tail: its size and the date of its latest event. */
	int tail_valid;
	int64_t tail_size;
	int32_t tail_last_date;
	/* totals 'total_ga' as the transaction last read or wrote it;
	 * total_ga_dirty when the row is behind it (write-back). */
	int total_ga_valid;
	int total_ga_dirty;
	int64_t total_ga_minor;
	/* Set while a write-back event (apply.c) is applied: loan changes
	 * stay in the loan cache until mcg_journal_flush. */
	int write_back;
	/* An append failed midway: only a rollback may follow. */
	int poisoned;
	/* The audit tree's right edge as the transaction has made it:
	 * hash_idx[level] is the stored index (audit/merkle.h) of
	 * hash[level], the latest complete subtree of that level, or -1.
	 * edge_loaded once audit_edge was read into it (at the first
	 * append); edge_dirty when audit_edge is behind it (written by
	 * mcg_journal_flush_all), for a tree of edge_size leaves. */
	int64_t hash_idx[MCG_TXN_HASHES];
	mcg_hash hash[MCG_TXN_HASHES];
	int edge_loaded;
	int edge_dirty;
	int64_t edge_size;
	/* While leaves are being hashed on the second thread (hash_aside
	 * below): hash and hash_idx are behind edge_size until the journal
	 * settles the pipe (journal.c, settle_leaves), which it does before
	 * anything reads the tree and before the commit. */
	struct mcg_leaf_pipe *leaf_pipe;
};

struct mcg_ledger {
	sqlite3 *db;
	char *path;
	char *keys_dir;
	char name[MCG_NAME_MAX + 1];
	char currency[4];
	char origin[300];
	int minor_digits;
	int in_txn;
	int replaying;            /* rebuilding state for `mcg check` */
	int immutable;            /* opened read-only, without locks (db.c) */
	/* The rules in force, cached; rules_version 0 means not loaded. */
	int64_t rules_version;
	mcg_rules rules;
	struct mcg_txn_cache txn;   /* valid only while in_txn; see above */
	/* Set by a long run of appends (the import): the audit leaves'
	 * hashes are made on a second thread (audit/leaf_pipe.h). */
	int hash_aside;
	/* The loans the open transaction read or wrote (loan_cache.c). */
	struct mcg_loan_cache *loans;
	/* The journal's buffers for an event's encodings, kept from one
	 * event to the next rather than grown from nothing each time. */
	mcg_buf scratch_fields;
	mcg_buf scratch_canonical;
	struct mcg_stmt_slot stmts[MCG_STMT_CACHE];
};

/* The schema of a fresh ledger (all tables, current version). */
extern const char mcg_schema_sql[];

/* The loans' tables and view of schema version 4 (schema.c), which the
 * migration from version 3 creates too: the tables, then the view, once
 * version 3's table of the same name is gone. */
#define MCG_SCHEMA_LOAN_TABLES_SQL \
	"CREATE TABLE loan_terms(" \
	" id TEXT PRIMARY KEY," \
	" borrower TEXT NOT NULL," \
	" bank TEXT NOT NULL," \
	" principal INTEGER NOT NULL," \
	" rate_bp INTEGER," \
	" term_months INTEGER," \
	" opened INTEGER NOT NULL) WITHOUT ROWID;" \
	/* A member's loans in id order, with what its exposure reads of \
	 * their terms: only loan_state is looked up, as `loans` was in \
	 * version 3. */ \
	"CREATE INDEX loan_terms_borrower ON loan_terms(borrower, id, bank, principal);" \
	"CREATE INDEX loan_terms_bank ON loan_terms(bank);" \
	"CREATE TABLE loan_state(" \
	" id TEXT PRIMARY KEY," \
	" status TEXT NOT NULL," \
	" outstanding INTEGER NOT NULL," \
	" ga INTEGER NOT NULL,"            /* GA now, DOMAIN.md section 4 */ \
	" dpd INTEGER NOT NULL,"           /* latest days past due reported */ \
	" closed INTEGER) WITHOUT ROWID;"
#define MCG_SCHEMA_LOANS_VIEW_SQL \
	"CREATE VIEW loans AS SELECT t.id AS id, t.borrower AS borrower," \
	" t.bank AS bank, t.principal AS principal, t.rate_bp AS rate_bp," \
	" t.term_months AS term_months, s.outstanding AS outstanding," \
	" s.status AS status, s.ga AS ga, s.dpd AS dpd, t.opened AS opened," \
	" s.closed AS closed FROM loan_terms t JOIN loan_state s ON s.id = t.id;"

/*
 * A prepared statement for a SQL literal, cached for the ledger's life.
 * The statement comes back reset with its bindings cleared.  NULL on
 * failure with err set.  Use only string literals (the address is the key).
 */
sqlite3_stmt *mcg_db_stmt(mcg_ledger *L, const char *sql, mcg_error *err);

/* Translates the connection's last SQLite error into err (MCG_ESYS, or
 * MCG_EINTEGRITY for a corrupt file) saying what we were doing. */
int mcg_db_error(mcg_ledger *L, mcg_error *err, const char *doing);

/* The URI that opens path read-only and immutable, as a reader who may
 * not write the ledger's folder opens it (db.c); malloc'd, NULL when out
 * of memory. */
char *mcg_db_immutable_uri(const char *path);

/* Runs SQL with no results. */
int mcg_db_exec(mcg_ledger *L, const char *sql, mcg_error *err);

/* Steps a statement that returns no row; translates errors. */
int mcg_db_step_done(mcg_ledger *L, sqlite3_stmt *st, mcg_error *err,
		     const char *doing);

/* Binds text or NULL for an empty/NULL string. */
int mcg_db_bind_text_or_null(sqlite3_stmt *st, int i, const char *s);

/* Reads a single integer from a query with no or up to two text
 * parameters; *found says whether a row came back. */
int mcg_db_query_int(mcg_ledger *L, const char *sql, const char *p1,
		     const char *p2, int64_t *out, int *found, mcg_error *err);

/* Adds amount to an account's balance row (creating it). */
int mcg_db_add_balance(mcg_ledger *L, const char *account, int64_t amount,
		       mcg_error *err);

/* The balance of an account (0 if it has none). */
int mcg_db_balance(mcg_ledger *L, const char *account, int64_t *out,
		   mcg_error *err);

/* Reads the meta facts (name, currency, digits, origin) into L. */
int mcg_db_load_meta(mcg_ledger *L, mcg_error *err);

/* The audit tree's stored-hash reader (audit/merkle.h; ctx is L): the
 * open transaction's edge first, then what audit_log.c stores and
 * recomputes (mcg_audit_hash_at). */
int mcg_ledger_read_hashes(void *ctx, const int64_t *indexes, size_t n,
			   mcg_hash *out, mcg_error *err);

/* ---- the stored audit tree (audit_log.c) ---- */

/* Reads audit_edge into *e: MCG_EINTEGRITY unless it is one row of a size
 * >= 0 and its hashes, as the journal writes it. */
int mcg_audit_edge_read(mcg_ledger *L, struct mcg_audit_edge *e, mcg_error *err);

/* Replaces audit_edge with e. */
int mcg_audit_edge_write(mcg_ledger *L, const struct mcg_audit_edge *e,
			 mcg_error *err);

/* Stores the node of `level` (a multiple of MCG_AUDIT_NODE_EVERY) and
 * index k in audit_nodes. */
int mcg_audit_node_write(mcg_ledger *L, int level, int64_t k, const mcg_hash *h,
			 mcg_error *err);

/* Called by mcg_audit_rebuild_stored with each hash schema version 2
 * stored, in its order (stored index idx): 0, or an error that stops it. */
typedef int (*mcg_audit_stored_check)(void *ctx, int64_t idx, const mcg_hash *h,
				      mcg_error *err);

/* For the upgrade from schema version 2: recomputes the audit tree from
 * the events and postings, in order, handing every hash version 2 stored
 * to check, and writes audit_nodes and audit_edge (whose row exists). */
int mcg_audit_rebuild_stored(mcg_ledger *L, mcg_audit_stored_check check, void *ctx,
			     mcg_error *err);

/* The hash of the complete subtree of `level` and index k (leaves k 2^level
 * to (k + 1) 2^level - 1): from e when it is on the edge, from audit_nodes
 * when stored, else recomputed from the stored level below or from the
 * events, whose leaves are first checked against the node or edge stored
 * above them.  e is the ledger's edge as mcg_audit_edge_read gave it. */
int mcg_audit_hash_at(mcg_ledger *L, const struct mcg_audit_edge *e, int level,
		      int64_t k, mcg_hash *out, mcg_error *err);

/* For `mcg check` (check_schema.c): R is the scratch ledger mcg_schema_sql
 * made, with the ledger attached as `orig`.  0 when every table, index
 * and view mcg makes is in the ledger as mcg makes it (compared by what
 * each is, not by its SQL text: check_schema.c says why) and there is no
 * trigger; MCG_EINTEGRITY naming the first that is not, and what differs. */
int mcg_check_schema(mcg_ledger *R, mcg_error *err);

/* Loads the rules in force into L->rules (cached until a rollback). */
int mcg_ledger_load_rules(mcg_ledger *L, mcg_error *err);

/* Forgets everything in L->txn and the loan cache (at begin, commit,
 * rollback and after a failed append), dirty or not. */
void mcg_txn_cache_drop(mcg_ledger *L);

/* Writes the state the open transaction holds only in memory (dirty
 * loans, totals 'total_ga') to the tables, not the audit edge (see
 * mcg_journal_flush_all).  Call before reading the loans or totals tables
 * with SQL inside a journal transaction. */
int mcg_journal_flush(mcg_ledger *L, mcg_error *err);

/* mcg_journal_flush, and the audit tree's edge to audit_edge: everything
 * (at the commit, and before `check` compares the tables). */
int mcg_journal_flush_all(mcg_ledger *L, mcg_error *err);

/* Switches the file to WAL (persistent in the file). */
int mcg_db_use_wal(mcg_ledger *L, mcg_error *err);

/* Leaves WAL for SQLite's rollback journal (and synchronous = EXTRA) if no
 * other connection has the ledger open; 1 if it did (a large import: see
 * db.c), 0 if it stays in WAL.  Back with mcg_db_leave_rollback_journal. */
int mcg_db_try_rollback_journal(mcg_ledger *L);

/* 1 when the connection writes through the rollback journal now. */
int mcg_db_in_rollback_journal(mcg_ledger *L);

/* Back to WAL and synchronous = FULL. */
int mcg_db_leave_rollback_journal(mcg_ledger *L, mcg_error *err);

/* A connection opened read-only cannot roll back the journal of an import
 * cut short (a crash, a kill: SQLITE_READONLY_ROLLBACK when mcg_db_connect
 * configures it):
 * this opens one that may write, which does, and closes it. */
int mcg_db_roll_back_cut_import(const char *path, mcg_error *err);

/* Opens a connection on path with mcg's pragmas; flags as sqlite3_open_v2. */
int mcg_db_connect(const char *path, int flags, mcg_ledger **out,
		   mcg_error *err);

/* Sets L->keys_dir: keys_dir, or "<path>.keys" when it is NULL.  MCG_ESYS
 * when memory runs out (ledger.c; create.c uses it too). */
int mcg_ledger_set_keys_dir(mcg_ledger *L, const char *path, const char *keys_dir);


#endif
