/*
 * The ledger: one SQLite file holding the events (the truth), their
 * postings, the audit tree, and the state tables projected from them.
 *
 * Opening, creating and the few read-only facts every command needs.  The
 * write path is in journal.h; reading state for reports is in query.h.
 */
#ifndef MCG_LEDGER_H
#define MCG_LEDGER_H

#include <stdint.h>

#include <sqlite3.h>

#include "buf.h"
#include "error.h"
#include "rules/rules.h"

/* The schema version this build writes; older files are migrated forward. */
#define MCG_SCHEMA_VERSION 4
/* A writer waits this long for another writer before giving up (ms). */
#define MCG_BUSY_TIMEOUT_MS 30000
#define MCG_NAME_MAX 200

typedef struct mcg_ledger mcg_ledger;

/* Options that set up a new ledger (`mcg init`). */
typedef struct mcg_init_opts {
	const char *name;         /* the consortium's name */
	const char *currency;     /* ISO 4217 code */
	const char *rules_path;   /* NULL: the default rules */
	const char *keys_dir;     /* where to create the keys */
	const char *actor;
	int32_t date_days;
	int date_given;
} mcg_init_opts;

/*
 * Creates a new ledger file at path, its keys, and the first two events
 * (ledger.init and rules version 1).  Refuses (MCG_EINPUT) if the file
 * exists.  On any failure nothing is left behind.
 */
int mcg_ledger_create(const char *path, const mcg_init_opts *opts,
		      mcg_error *err);

/*
 * Opens an existing ledger.  Refuses a file that is not an mcg ledger
 * (MCG_EINPUT) or is corrupt (MCG_EINTEGRITY); migrates an older schema.
 * keys_dir is remembered for commands that sign.  *out is freed with
 * mcg_ledger_close.  A handle is for one thread at a time (its SQLite
 * connection is opened without a mutex).
 */
int mcg_ledger_open(const char *path, const char *keys_dir, int read_only,
		    mcg_ledger **out, mcg_error *err);

/* Closes the ledger; L may be NULL. */
void mcg_ledger_close(mcg_ledger *L);

/* Facts fixed at init. */
int mcg_ledger_minor_digits(const mcg_ledger *L);
const char *mcg_ledger_currency(const mcg_ledger *L);
const char *mcg_ledger_name(const mcg_ledger *L);
/* The checkpoint origin line and signed-note key name. */
const char *mcg_ledger_origin(const mcg_ledger *L);
const char *mcg_ledger_keys_dir(const mcg_ledger *L);
const char *mcg_ledger_path(const mcg_ledger *L);

/*
 * Checks a file a command is about to create or replace with a document
 * (`-o FILE`, each page of a statement, their FILE.tmp), before anything
 * is written: MCG_EINPUT, the message starting with name (how the caller
 * names the file: "-o x.db"), when path is, or leads to by another
 * spelling, a symbolic link or a hard link, the ledger at db_path, one of
 * SQLite's files beside it (-wal, -shm, -journal), the keys folder
 * (keys_dir; NULL: "<db_path>.keys"; the default one is guarded too when
 * keys_dir names another) or anything inside it; or when path
 * exists and is not a regular file (a folder, a FIFO, a device, a
 * socket): the document would replace it, not be written into it.  A path
 * whose folder cannot be resolved passes: nothing can be written there,
 * and the writer says why.  0, or MCG_ESYS when memory runs out.
 */
int mcg_ledger_output_check(const char *db_path, const char *keys_dir, const char *name,
			    const char *path, mcg_error *err);

/* Puts into out (emptied first) the keys folder of the ledger at db_path:
 * keys_dir, or "<db_path>.keys" when it is NULL.  The one spelling of that
 * default (files.c), for the ledger and the commands alike.  0, or an
 * mcg_buf error (MCG_ESYS: out of memory). */
int mcg_ledger_keys_path(const char *db_path, const char *keys_dir, mcg_buf *out);

/* The error for a bank the ledger does not know (MCG_EINPUT), naming the
 * other spelling of its BIC when that one is registered ("BPMOIT22" for
 * "BPMOIT22XXX": ISO 9362's same institution).  Returns err->code, or
 * the database error of the lookup. */
int mcg_bank_unknown(mcg_ledger *L, const char *bic, mcg_error *err);

/* The raw connection, for read-only queries in query.c and reports. */
sqlite3 *mcg_ledger_db(mcg_ledger *L);

/* The number of events recorded (the audit tree size). */
int mcg_ledger_size(mcg_ledger *L, int64_t *out, mcg_error *err);

/* The rules version in force and its figures. */
int mcg_ledger_rules(mcg_ledger *L, int64_t *version, mcg_rules *out,
		     mcg_error *err);

/* The date (days) of event seq >= 1; MCG_EINTEGRITY when it is missing. */
int mcg_ledger_event_date(mcg_ledger *L, int64_t seq, int32_t *out, mcg_error *err);

/* The last event dated on or before days, capped at cap (a size of the
 * log): the as-of cut, 0 when there is none.  By bisection on the
 * sequence, whose dates never decrease. */
int mcg_ledger_cut(mcg_ledger *L, int32_t days, int64_t cap, int64_t *out, mcg_error *err);

/* The rules version in force after event seq and its figures (the first
 * version for a seq before any was loaded). */
int mcg_ledger_rules_at(mcg_ledger *L, int64_t seq, int64_t *version, mcg_rules *out,
			mcg_error *err);

#endif
