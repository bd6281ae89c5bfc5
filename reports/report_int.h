/*
 * Inside the reports module: building a document, finishing it (validate,
 * sign, check, write), the audit checkpoint every document carries, and
 * the portfolio "as of" an event (the state after the first S events).
 *
 * Invariants:
 * - A document is signed, serialized once, and those very bytes are parsed
 *   back, verified with the public key and validated against its embedded
 *   XSD before anything is written.  A document that fails any step is
 *   never written, not even partly: files are written to FILE.tmp in the
 *   same folder, fsync'd and renamed over FILE.
 * - No FILE or FILE.tmp is ever one of the ledger's own files (the ledger,
 *   its -wal, -shm, -journal, the keys folder and what is in it) or a
 *   folder, FIFO or device: rpt_write_tmp checks every one before it
 *   creates anything (mcg_ledger_output_check), so a page named only once
 *   the pages are counted is checked too.
 * - The checkpoint a document carries is signed before the document is
 *   built (its size bounds the cut, below) but kept in the ledger only
 *   once every document of the command is sealed and checked (and, for a
 *   file, written to FILE.tmp), just before the first one is handed out:
 *   renamed into place or written to standard output.  A document refused
 *   before that (too large, a key that cannot sign) leaves the ledger as
 *   it was; a checkpoint kept before the command stays.  No document is
 *   ever handed out with a checkpoint the ledger does not keep.
 * - Every figure of a report is read inside one read transaction, so it is
 *   of one moment; the as-of cut S never exceeds the size of the
 *   checkpoint the document carries, so the bank's signed tree head covers
 *   every event the document reports.
 * - The as-of state is computed from the events and postings with seq <= S
 *   (dates never decrease, so "as of date D" is a cut in the sequence).
 *   When S is the whole log it is compared with the state tables, and any
 *   difference is MCG_EINTEGRITY: the documents can never disagree with
 *   what `mcg guarantees`, `mcg balance` and `mcg exposure` show.
 */
#ifndef MCG_REPORT_INT_H
#define MCG_REPORT_INT_H

#include <stddef.h>
#include <stdint.h>

#include <libxml/tree.h>

#include "audit/note.h"
#include "buf.h"
#include "error.h"
#include "ledger/event.h"
#include "ledger/ledger.h"
#include "reports.h"

/* Longest id (member, loan) and BIC, with the NUL. */
#define RPT_ID_MAX 33
#define RPT_BIC_MAX 12
/* Most loans and pledges one report reads: far beyond any consortium
 * (Italy's largest confidi guarantee some 100,000 loans), small enough
 * that the arrays stay well under a gigabyte. */
#define RPT_LOANS_MAX 2000000
#define RPT_PLEDGES_MAX 8000000
/* Most rules versions a report reads (one a day for 270 years). */
#define RPT_RULES_VERSIONS_MAX 100000

/* ---- documents ----------------------------------------------------------- */

/* The checkpoint a document carries (below). */
typedef struct rpt_checkpoint rpt_checkpoint;

/* What identifies a kind of document and how to validate it. */
typedef struct rpt_schema {
	mcg_doc_kind kind;
	const char *ns;           /* "urn:mcg:statement:1" */
	const char *root;         /* "BankStatement" */
	const char *what;         /* "bank statement" */
	const char *file;         /* "reports/statement.xsd" */
	const char *xsd;
	const size_t *xsd_len;
} rpt_schema;

extern const rpt_schema rpt_schemas[];
extern const size_t rpt_n_schemas;

/* The schema of a kind. */
const rpt_schema *rpt_schema_of(mcg_doc_kind kind);

/*
 * A document being built.  The builders below never fail one by one: a
 * failed allocation sets `failed`, later calls on a NULL parent do
 * nothing, and rpt_doc_finish reports MCG_ESYS.  That keeps the report
 * code a plain list of what goes into the document.
 */
typedef struct rpt_doc {
	xmlDocPtr doc;
	xmlNodePtr root;
	xmlNsPtr ns;
	int digits;               /* the currency's minor digits */
	int failed;
	const rpt_schema *schema;
	/* A lower bound of the serialized size of what was built so far
	 * (markup, text and indentation; no escapes, declaration or
	 * signature): a writer can give up on a document that will be too
	 * large before building all of it. */
	size_t bytes_min;
} rpt_doc;

/* Starts a document of that kind with its root element carrying
 * version="1" and currency="...".  MCG_ESYS on memory. */
int rpt_doc_start(rpt_doc *d, mcg_doc_kind kind, mcg_ledger *L, mcg_error *err);
void rpt_doc_free(rpt_doc *d);

/* An empty child element. */
xmlNodePtr rpt_elem(rpt_doc *d, xmlNodePtr parent, const char *name);
/* A child element holding text (escaped as needed). */
xmlNodePtr rpt_text(rpt_doc *d, xmlNodePtr parent, const char *name,
		    const char *text);
/* A child element holding an amount with all minor digits. */
xmlNodePtr rpt_amount(rpt_doc *d, xmlNodePtr parent, const char *name,
		      int64_t minor);
/* A child element holding a whole number. */
xmlNodePtr rpt_int(rpt_doc *d, xmlNodePtr parent, const char *name,
		   int64_t value);
/* A child element holding basis points as a percentage ("62.50"). */
xmlNodePtr rpt_pct(rpt_doc *d, xmlNodePtr parent, const char *name,
		   int64_t bp);
/* Attributes. */
void rpt_attr(rpt_doc *d, xmlNodePtr node, const char *name, const char *value);
void rpt_attr_int(rpt_doc *d, xmlNodePtr node, const char *name, int64_t value);
void rpt_attr_date(rpt_doc *d, xmlNodePtr node, const char *name,
		   int32_t days);

/* Writes hundredths (1234 -> "12.34"; never negative) into buf, which
 * holds MCG_AMOUNT_TEXT_MAX bytes. */
char *rpt_centi_format(int64_t centi, char *buf);

/*
 * num / den in hundredths, rounded half up: the ratio figures (multiplier,
 * coverage ratio, share of fund).  den must be > 0 and num >= 0.  Returns
 * MCG_EINPUT if the result does not fit.  scale is 100 for a plain ratio
 * with two decimals and 10000 for a percentage with two decimals.
 */
int rpt_ratio_centi(int64_t num, int64_t den, int64_t scale, int64_t *out);

/* Header facts every document has: the `Created` timestamp (UTC now). */
void rpt_created(rpt_doc *d, xmlNodePtr parent);

/*
 * Gives the tree its indentation: the whitespace text nodes libxml2's
 * formatted output would write (a newline and two spaces a level inside
 * every element that holds only elements), so that the signed bytes are
 * indented without serializing and parsing the document back.  Called by
 * rpt_doc_seal.  -1 (and d->failed) on memory.
 */
int rpt_indent(rpt_doc *d);

/*
 * The largest document a writer makes: MCG_REPORT_BYTES_MAX, the most
 * `statement verify` reads.  For tests, the environment variable
 * MCG_TEST_DOC_BYTES_MAX (a positive integer) can make it smaller, never
 * larger, so that the refusal and the pages of a large statement can be
 * tested on a small ledger.  What mcg reads is not affected.
 */
size_t rpt_doc_bytes_max(void);

/*
 * Seals a document: indents it (rpt_indent), signs it with
 * "<keys>/statement.key", serializes it once, frees the tree (d->doc is
 * NULL after, whatever happens), refuses bytes beyond rpt_doc_bytes_max
 * (MCG_EINPUT; *len_out still says how many there would have been), then
 * parses those bytes back and checks them as a receiver would: the
 * signature with statement.pub and the XSD (a failure is a bug: MCG_ESYS).
 * On success *bytes_out holds the document (free with free()).
 */
int rpt_doc_seal(rpt_doc *d, mcg_ledger *L, char **bytes_out,
		 size_t *len_out, mcg_error *err);

/*
 * Seals a document (rpt_doc_seal) and writes it to out_path atomically
 * (NULL or "-": standard output), keeping the checkpoint it carries
 * (rpt_checkpoint_keep) once FILE.tmp is written, before the rename (to
 * standard output: before writing).  *bytes_out (may be NULL) gets the
 * document's size.
 */
int rpt_doc_finish(rpt_doc *d, mcg_ledger *L, rpt_checkpoint *cp,
		   const char *out_path, size_t *bytes_out, mcg_error *err);

/*
 * Checks the statement key as audit/keys.c checks every private key (the
 * keys folder's and the file's modes, no symbolic link, a regular file of
 * bounded size, an ECDSA P-256 private key).  Called before a writer makes
 * its checkpoint, so that a bad key changes nothing at all, and again just
 * before signing.  MCG_EINPUT naming what is wrong.
 */
int rpt_signing_key_check(mcg_ledger *L, mcg_error *err);

/* Writes len bytes to path atomically: path.tmp in the same folder,
 * fsync, rename, fsync of the folder.  No partial file is ever left at
 * path; path.tmp is removed on failure.  MCG_ESYS on I/O failure;
 * MCG_EINPUT, writing nothing, when path or path.tmp is one of L's own
 * files or not a regular file (mcg_ledger_output_check). */
int rpt_write_atomic(const mcg_ledger *L, const char *path, const void *data, size_t len,
		     mcg_error *err);

/* Writes len bytes to standard output and flushes.  MCG_ESYS on failure. */
int rpt_write_stdout(const void *data, size_t len, mcg_error *err);

/* The two halves of rpt_write_atomic, for a set of files written together
 * (the pages of a statement): rpt_write_tmp checks path and path.tmp as
 * rpt_write_atomic does, then writes and fsyncs path.tmp (removed on
 * failure); rpt_commit_tmp renames it over path (path.tmp is removed if
 * that fails) and syncs the folder; rpt_drop_tmp removes a path.tmp that
 * will not be committed. */
int rpt_write_tmp(const mcg_ledger *L, const char *path, const void *data, size_t len,
		  mcg_error *err);
int rpt_commit_tmp(const char *path, mcg_error *err);
void rpt_drop_tmp(const char *path);

/* ---- the checkpoint --------------------------------------------------------- */

struct rpt_checkpoint {
	mcg_buf note;             /* the signed note, byte for byte */
	mcg_checkpoint cp;        /* its origin, size and root */
	int kept;                 /* 1: kept in the ledger (before, or by us) */
};

/* Signs a fresh checkpoint of the log (mcg_audit_checkpoint_sign) and
 * parses its body; it is not kept yet (unless one of its size already
 * was), see rpt_checkpoint_keep.  Needs a ledger opened for writing.
 * Free with rpt_checkpoint_free. */
int rpt_checkpoint_make(mcg_ledger *L, rpt_checkpoint *out, mcg_error *err);

/*
 * Before a document is signed, inside the read transaction its figures are
 * read in (after rpt_read_begin): every leaf of the audit log recomputed
 * from the event and posting rows (what `audit verify` does, about a
 * second a million events), and cp's checkpoint proved part of that log.
 * The figures come from those rows and the checkpoint's root from the
 * stored tree, which a row changed by hand leaves as it was: without this,
 * such a row would be signed as a figure under a root that still holds.
 * Then the write-once state that some figures also read (names, a loan's
 * terms, a guarantee's terms, peer score, PD and pledges, the assessments)
 * is compared with the events that wrote it (mcg_check_facts,
 * ledger/check.h).  MCG_EINTEGRITY "refusing to sign: ..." when the log
 * does not verify or the state does not match it.  (The loans' changing
 * state is compared by rpt_portfolio_load; the rest of the state, a
 * call's losses and recoveries, is `mcg check`'s: docs/REPORTS.md.)
 */
int rpt_checkpoint_verify(mcg_ledger *L, const rpt_checkpoint *cp, mcg_error *err);

/* Keeps the checkpoint in the ledger (mcg_audit_checkpoint_keep), once the
 * documents carrying it are sealed and checked and before any is handed
 * out; nothing to do when it is kept already.  Called after the read
 * transaction (inside one it writes through a connection of its own).
 * MCG_ESYS (I/O, the ledger busy) or MCG_EINTEGRITY. */
int rpt_checkpoint_keep(mcg_ledger *L, rpt_checkpoint *c, mcg_error *err);
void rpt_checkpoint_free(rpt_checkpoint *c);

/* Parses the body of a signed note (the text before its blank line). */
int rpt_checkpoint_parse_note(const char *note, size_t len,
			      mcg_checkpoint *out, mcg_error *err);

/* Adds <Checkpoint> with Origin, Size, RootHash and SignedNote. */
void rpt_add_checkpoint(rpt_doc *d, xmlNodePtr parent,
			const rpt_checkpoint *c);

/* ---- reading ------------------------------------------------------------------ */

/* A read transaction, so that every figure is of one moment. */
int rpt_read_begin(mcg_ledger *L, mcg_error *err);
void rpt_read_end(mcg_ledger *L);

/* The as-of cut, an event's date and the rules in force after an event:
 * mcg_ledger_cut, mcg_ledger_event_date and mcg_ledger_rules_at
 * (ledger/ledger.h), which `mcg scores` uses too. */

/* ---- the portfolio as of an event ------------------------------------------ */

typedef enum rpt_status {
	RPT_APPLIED = 0,
	RPT_ACTIVE,
	RPT_REPAID,
	RPT_DEFAULTED,
	RPT_CALLED,
	RPT_CLOSED,
} rpt_status;

#define RPT_STATUSES 6

/* "applied", "active", ... */
const char *rpt_status_name(rpt_status s);

typedef struct rpt_pledge {
	char member[RPT_ID_MAX];
	int64_t amount_minor;
} rpt_pledge;

/* One loan as it stood after event S. */
typedef struct rpt_loan {
	char id[RPT_ID_MAX];
	char borrower[RPT_ID_MAX];
	char bank[RPT_BIC_MAX];
	int64_t principal_minor;
	int64_t outstanding_minor;    /* principal - repayments up to S */
	rpt_status status;
	int64_t ga_minor;             /* GA of DOMAIN.md section 4 at S */
	int64_t deposit_minor;        /* -balance of deposit:<loan> at S */
	int64_t added_seq;            /* its loan.add event */
	/* The guarantee, when guaranteed (given at or before S). */
	int guaranteed;
	int64_t guarantee_seq;
	int32_t guarantee_days;
	int32_t coverage_bp;
	int has_cap;
	int64_t cap_minor;
	int64_t deposit_given_minor;
	int64_t ga0_minor;
	int64_t ga_frozen_minor;      /* meaningful once defaulted */
	int32_t score_x2;
	int32_t pd_bp;
	int64_t rules_version;
	/* The transitions, 0 when not (yet) at S. */
	int64_t default_seq;
	int64_t call_seq;
	int64_t writeoff_seq;
	/* Its pledges: pledges[first .. first + n) of the portfolio. */
	size_t pledge_first;
	size_t n_pledges;
} rpt_loan;

typedef struct rpt_portfolio {
	int64_t as_of_seq;            /* S */
	int64_t size;                 /* events in the ledger when read */
	rpt_loan *loans;              /* loans added at or before S, by id */
	size_t n_loans;
	rpt_pledge *pledges;          /* grouped by loan, by member within */
	size_t n_pledges;
	int64_t fund_minor;           /* -balance of fund at S */
	int64_t total_ga_minor;       /* Σ GA at S */
	uint32_t *slots;              /* a hash index of loans by id (portfolio.c) */
	size_t slot_mask;
	char (*ids)[RPT_ID_MAX];      /* the loans' ids, compact, for the index */
} rpt_portfolio;

/*
 * Loads every loan as it stood after event as_of_seq (see the invariants
 * above).  Call inside a read transaction.  MCG_EINTEGRITY when the cut is
 * the whole log and the figures differ from the state tables.  Free with
 * rpt_portfolio_free.
 */
int rpt_portfolio_load(mcg_ledger *L, int64_t as_of_seq, rpt_portfolio *out,
		       mcg_error *err);
void rpt_portfolio_free(rpt_portfolio *p);

/* The loan of that id, or NULL. */
rpt_loan *rpt_portfolio_find(const rpt_portfolio *p, const char *id);

/*
 * Keeps only the loans of one bank (and their pledges), in the same
 * order, and gives the rest of the memory back: a bank statement needs no
 * other loan once the portfolio is loaded (and checked).  The fund and
 * the total GA stay those of the whole portfolio.  -1 on memory (the
 * portfolio is then unusable: free it).
 */
int rpt_portfolio_keep_bank(rpt_portfolio *p, const char *bic);

/* ---- the events of a period ---------------------------------------------------- */

/* The events that concern a loan, as the journal names them, for SQL. */
#define RPT_LOAN_EVENT_TYPES \
	"('loan.add','guarantee','repay','arrears','call','recover','writeoff')"

/* 1 if type is one of RPT_LOAN_EVENT_TYPES (NULL: 0).  Testing the type in
 * C is cheaper over many rows than an IN list, which SQLite answers by
 * probing a temporary index for each row. */
int rpt_is_loan_event(const char *type);

/*
 * Walks the loan events (loan.add, guarantee, repay, arrears, call,
 * recover, writeoff) with from_seq <= seq <= to_seq, in order, each with
 * its fields decoded and its postings loaded.
 */
typedef struct rpt_event_iter rpt_event_iter;
int rpt_events_open(mcg_ledger *L, int64_t from_seq, int64_t to_seq,
		    rpt_event_iter **out, mcg_error *err);
/* 1: ev holds the next event (owned by the iterator until the next call);
 * 0: the end; < 0: an error. */
int rpt_events_next(rpt_event_iter *it, const mcg_event **ev, mcg_error *err);
void rpt_events_free(rpt_event_iter *it);

/* An iterator that walks nothing but reads events one by one with
 * rpt_events_get (rpt_events_next on it returns 0 at once). */
int rpt_events_reader(mcg_ledger *L, rpt_event_iter **out, mcg_error *err);
/* Event seq, its fields decoded and its postings loaded, into *ev (owned
 * by the iterator until its next use).  MCG_EINTEGRITY when it is missing
 * or damaged. */
int rpt_events_get(rpt_event_iter *it, int64_t seq, const mcg_event **ev,
		   mcg_error *err);

/*
 * Reading a few fields straight from an event's stored text (the events
 * table's `fields`, see mcg_event_encode_fields), with no allocation: the
 * scans over many events need one or two fields of each, and decoding
 * them all (a malloc per field) was most of a scan's time.
 */
typedef struct rpt_pick {
	const char *key;          /* in: the field's key */
	char *out;                /* out: its first value, decoded, NUL-terminated */
	size_t out_size;          /* in: the size of out (> 0) */
	int found;                /* out: 1 if the key is there */
} rpt_pick;

/* Fills picks[0..n) from text.  -1 when text is not well-formed stored
 * fields (a line without '=' or its newline, a key too long, a bad escape)
 * or a picked value does not fit its buffer; 0 otherwise. */
int rpt_fields_pick(const char *text, rpt_pick *picks, size_t n);

/* A stored integer field's text as a number: 0 when NULL or not a
 * canonical integer (as rpt_field_int). */
int64_t rpt_text_int(const char *text);

/* The first event dated on or after days (the period's first event), or
 * as_of_seq + 1 when there is none. */
int rpt_first_from(mcg_ledger *L, int32_t days, int64_t *out, mcg_error *err);

/* Sums of a call's or a recovery's postings: the loss waterfall. */
typedef struct rpt_split {
	int64_t cash_minor;           /* -X of a call, +R of a recovery */
	int64_t deposit_minor;        /* what deposit:<loan> gave (call) */
	int64_t fund_minor;           /* what the fund bore (call) or got back */
	int64_t members_minor;        /* Σ over the co-guarantors */
} rpt_split;

/* Reads the waterfall from an event's postings (signs made positive). */
void rpt_split_of(const mcg_event *ev, rpt_split *out);

/* A field of a stored event as an integer (0 when missing). */
int64_t rpt_field_int(const mcg_event *ev, const char *key);

#endif
