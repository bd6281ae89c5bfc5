/*
 * `mcg import`: bank events from a CSV file, all or nothing (CLI.md,
 * "Import file").
 *
 * Two layers:
 *
 * 1. A streaming RFC 4180 reader (mcg_csv_*).  It reads the file in fixed
 *    chunks and hands out one record at a time from a fixed buffer, so its
 *    memory does not grow with the file.  It accepts quoted fields (with ""
 *    for a quote, and commas and line ends inside), CRLF or LF line ends, a
 *    UTF-8 byte order mark at the start and empty lines at the end.  It
 *    refuses, naming the file and the line where the record starts: a NUL
 *    byte, a quote that is never closed, a quote inside an unquoted field,
 *    text after a closing quote, a carriage return not followed by a line
 *    feed, an empty line followed by more records, and anything past its
 *    limits (field bytes, record bytes, fields per record, records).
 *
 * 2. The import (mcg_import_file): checks the header, turns each row into
 *    an event (repay, arrears, call, recover) and hands it to the journal,
 *    all inside ONE transaction.  Any bad row rolls everything back: the
 *    ledger is then exactly as it was.  A row whose ref was already
 *    recorded with the same content is skipped, so a file imported twice
 *    records its events once.
 *
 * Errors are "FILE:LINE: ..." with the column's name when a cell is at
 * fault.  Return codes: 0, MCG_EINPUT (bad file, bad row, wrong state),
 * MCG_ECONFLICT (a ref used for other content), MCG_ESYS (I/O, database,
 * memory).
 */
#ifndef MCG_IMPORT_H
#define MCG_IMPORT_H

#include <stdint.h>
#include <stdio.h>

#include "error.h"
#include "ledger.h"

/* ---- the CSV reader --------------------------------------------------------- */

/* Defaults of the reader's limits: every one has a name and an error. */
#define MCG_CSV_FIELD_BYTES_MAX 1024
#define MCG_CSV_RECORD_BYTES_MAX 8192
#define MCG_CSV_FIELDS_MAX 32
#define MCG_CSV_RECORDS_MAX 100000000ULL

typedef struct mcg_csv_limits {
	size_t field_bytes_max;       /* bytes of one field's value */
	size_t record_bytes_max;      /* bytes of all of one record's values */
	size_t fields_max;            /* fields in one record, <= MCG_CSV_FIELDS_MAX */
	uint64_t records_max;         /* records in the file, header included */
} mcg_csv_limits;

/* One record.  The fields are NUL-terminated (NUL bytes in the file are
 * refused, so the terminator is the only one) and stay valid until the
 * next call to mcg_csv_next or mcg_csv_free. */
typedef struct mcg_csv_record {
	const char *field[MCG_CSV_FIELDS_MAX];
	size_t len[MCG_CSV_FIELDS_MAX];
	size_t n;                     /* fields in this record, >= 1 */
	uint64_t line;                /* physical line where the record starts */
} mcg_csv_record;

typedef struct mcg_csv_reader mcg_csv_reader;

/*
 * Starts reading f (the caller keeps it open and closes it after
 * mcg_csv_free).  name is used in messages ("bank.csv:12: ...").  limits
 * may be NULL for the defaults.  Returns 0 or MCG_ESYS (memory).
 */
int mcg_csv_open(FILE *f, const char *name, const mcg_csv_limits *limits,
		 mcg_csv_reader **out, mcg_error *err);

/*
 * Names the columns (the header's fields) so that messages about field i
 * say "column 'ref'" rather than "field 1".  names must outlive the reader;
 * n may be 0 to forget them.
 */
void mcg_csv_set_names(mcg_csv_reader *r, const char *const *names, size_t n);

/* The next record: 1 when *rec holds one, 0 at the end of the file,
 * MCG_EINPUT for a malformed file, MCG_ESYS for a read error. */
int mcg_csv_next(mcg_csv_reader *r, mcg_csv_record *rec, mcg_error *err);

/* Bytes consumed so far (for progress). */
uint64_t mcg_csv_bytes(const mcg_csv_reader *r);

/* Releases the reader; r may be NULL. */
void mcg_csv_free(mcg_csv_reader *r);

/* ---- the import -------------------------------------------------------------- */

/* Most data rows one file may hold (a limit on everything). */
#define MCG_IMPORT_ROWS_MAX 50000000ULL

/* Called now and then while importing: after every ~1% of the file's bytes
 * or every MCG_IMPORT_PROGRESS_ROWS rows.  total_bytes is 0 when unknown
 * (a pipe). */
#define MCG_IMPORT_PROGRESS_ROWS 100000
typedef void (*mcg_import_progress_fn)(void *ctx, uint64_t rows, uint64_t bytes,
				       uint64_t total_bytes);

typedef struct mcg_import_opts {
	const char *actor;            /* recorded on every event */
	int dry_run;                  /* check every row, then roll back */
	int single_thread;            /* no reader thread, no hashing thread */
	mcg_import_progress_fn progress;   /* may be NULL */
	void *progress_ctx;
} mcg_import_opts;

typedef struct mcg_import_summary {
	uint64_t rows;                /* data rows read (the header not counted) */
	uint64_t recorded;            /* new events */
	uint64_t skipped;             /* already recorded with the same content */
	int64_t first_seq, last_seq;  /* of the new events; 0 when none */
	int rollback_journal;         /* ran in SQLite's rollback-journal mode */
} mcg_import_summary;

/*
 * A file of at least this many bytes (about 60,000 rows) is imported in
 * SQLite's rollback-journal mode when no other connection has the ledger
 * open: its pages are written once, not twice as in WAL mode, and readers
 * wait for its commit meanwhile (ledger/db.c, mcg_db_try_rollback_journal).
 * Smaller files, the usual monthly report of a bank, stay in WAL, where
 * readers never wait.
 */
#define MCG_IMPORT_ROLLBACK_JOURNAL_BYTES (4ULL << 20)

/*
 * Imports the file at path (see the top of this header).  On any error
 * nothing is written and *out says how far it got.  With opts->dry_run the
 * whole file is checked and applied, then rolled back: *out says what
 * would have been recorded.
 */
int mcg_import_file(mcg_ledger *L, const char *path, const mcg_import_opts *opts,
		    mcg_import_summary *out, mcg_error *err);

#endif
