/*
 * The signed XML documents mcg writes and verifies: the bank statement,
 * the member statement and the regulatory report (docs/REPORTS.md).
 *
 * Each document is XML in its own namespace, valid against its XSD in
 * reports/ (built into the binary), and carries an enveloped XML-DSig
 * signature (ECDSA P-256, SHA-256, exclusive c14n; reports/xmlsig.h) made
 * with the ledger's statement key, and a fresh signed checkpoint of the
 * audit log, so the receiver holds a signed tree head covering every
 * event the document reports.
 *
 * A document is signed, and the signed bytes are parsed back, verified
 * and validated before they are written atomically (FILE.tmp, fsync,
 * rename): a document that fails is never written, and no partial or
 * unsigned file is ever left at FILE.
 *
 * The writers make a checkpoint, so they need a ledger opened for writing.
 * They sign it before building the document and keep it only once the
 * document is signed, checked and about to be handed out (report_int.h):
 * whatever they refuse or fail at before that, the ledger is left as it
 * was.
 * Return codes: 0; MCG_EINPUT (an unknown bank or member, a period whose
 * start is after its end, a key that cannot sign, a document larger than
 * the MCG_XML_BYTES_MAX a verifier reads); MCG_EINTEGRITY (the figures computed from the
 * events disagree with the state tables: run `mcg check`); MCG_ESYS (I/O,
 * database, memory, or a document that does not validate: a bug).
 */
#ifndef MCG_REPORTS_H
#define MCG_REPORTS_H

#include <stddef.h>
#include <stdint.h>

#include "audit/note.h"
#include "error.h"
#include "ledger/ledger.h"

/* The XSDs, built into the binary (reports/embedded.c); NUL-terminated. */
extern const char mcg_statement_xsd[];
extern const size_t mcg_statement_xsd_len;
extern const char mcg_member_statement_xsd[];
extern const size_t mcg_member_statement_xsd_len;
extern const char mcg_regulatory_xsd[];
extern const size_t mcg_regulatory_xsd_len;

typedef enum mcg_doc_kind {
	MCG_DOC_STATEMENT = 0,        /* urn:mcg:statement:1, BankStatement */
	MCG_DOC_MEMBER_STATEMENT,     /* urn:mcg:member-statement:1 */
	MCG_DOC_REGULATORY,           /* urn:mcg:regulatory:1 */
} mcg_doc_kind;

/* What a writer did, for the command's one line of output. */
typedef struct mcg_report_info {
	int64_t as_of_seq;            /* the figures are those after this event */
	int32_t as_of_days;           /* its date (the period's end if none) */
	int64_t checkpoint_size;      /* the tree size of the embedded checkpoint */
	size_t items;                 /* guarantees, loans or instruments listed */
	size_t events;                /* events of the period listed or counted */
	int64_t total_ga_minor;       /* the document's total guaranteed amount */
	size_t bytes;                 /* the size of the signed document (all pages) */
	size_t pages;                 /* a paged statement's pages; 0: one document */
} mcg_report_info;

/*
 * `mcg statement BANK --from D --to D [--page-size N] -o FILE`: the
 * guarantees on the bank's loans as they stood at the end of the period,
 * the events of the period on them, the fund's figures, and a signed
 * checkpoint.  The end of the period is the last event dated on or before
 * to_days (see docs/REPORTS.md, "As of a date").  out_path NULL or "-"
 * writes to standard output.
 *
 * page_size 0 writes one document; a statement larger than a verifier
 * reads is then refused (MCG_EINPUT, suggesting a page size).  page_size
 * N > 0 (at most MCG_STATEMENT_PAGE_SIZE_MAX) writes pages of at most N
 * guarantees each, every one a signed
 * document with Header/Page (docs/REPORTS.md), to the files named by
 * mcg_statement_page_path; they are all renamed into place only once all
 * are written.  Pages need a file (MCG_EINPUT for standard output).
 */
#define MCG_STATEMENT_PAGE_SIZE_MAX 2000000
int mcg_statement_write(mcg_ledger *L, const char *bic, int32_t from_days,
			int32_t to_days, size_t page_size, const char *out_path,
			mcg_report_info *info, mcg_error *err);

/*
 * The file of page `page` (from 1) of `pages` for `-o path`: "-pK" before
 * the extension of the file's name, or at its end when it has none, K
 * zero-padded to the width of `pages`: "q1.xml" -> "q1-p1.xml", page 2
 * of 12 -> "q1-p02.xml".  -1 when it does not fit in out_size bytes.
 */
int mcg_statement_page_path(const char *path, size_t page, size_t pages, char *out,
			    size_t out_size);

/* `mcg report regulatory --from D --to D -o FILE`. */
int mcg_regulatory_write(mcg_ledger *L, int32_t from_days, int32_t to_days,
			 const char *out_path, mcg_report_info *info,
			 mcg_error *err);

/* `mcg exposure MEMBER --format xml`: the member's exposure now
 * (DOMAIN.md section 6) with its loans and pledges, signed. */
int mcg_member_statement_write(mcg_ledger *L, const char *member,
			       const char *out_path, mcg_report_info *info,
			       mcg_error *err);

/* ---- verifying ------------------------------------------------------------ */

/* Largest document `statement verify` reads. */
#define MCG_REPORT_BYTES_MAX ((size_t)16 * 1024 * 1024)

typedef struct mcg_verify_report {
	mcg_doc_kind kind;
	const char *what;             /* "bank statement" */
	const char *ns;               /* its namespace */
	const char *schema;           /* "reports/statement.xsd" */
	char subject[160];            /* "bank BANKITMM, 2026-01-01 to 2026-03-31" */
	mcg_checkpoint checkpoint;    /* the embedded checkpoint */
	int checked_against_ledger;   /* 1: mcg_audit_check_note passed */
} mcg_verify_report;

/*
 * `mcg statement verify FILE`: reads the file safely (no DTD, no
 * entities, no network, bounded size), checks the XML-DSig signature with
 * the public key at pubkey_path (never a key from the document), validates
 * the document against the XSD of its root's namespace, checks that the
 * embedded checkpoint's figures match its signed note, and, when L is not
 * NULL, that the checkpoint is consistent with the ledger's log
 * (mcg_audit_check_note).
 *
 * Returns 0; MCG_EINPUT when the file cannot be read, is not well-formed
 * XML, or the key file is missing or not a P-256 public key; otherwise
 * MCG_EINTEGRITY naming what does not hold (a DOCTYPE, an unknown kind of
 * document, the signature, the schema, the checkpoint).
 */
int mcg_report_verify(const char *path, const char *pubkey_path,
		      mcg_ledger *L, mcg_verify_report *out, mcg_error *err);

#endif
