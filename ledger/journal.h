/*
 * The journal: the ONE write path of the ledger.
 *
 * Every recording command builds an mcg_event and hands it here.  In one
 * SQLite transaction the journal
 *   1. recognises a replayed ref (same content: success, nothing written;
 *      other content: MCG_ECONFLICT) before any other check;
 *   2. refuses back-dating, and a date more than MCG_DATE_AHEAD_MAX_DAYS
 *      after today (UTC);
 *   3. applies the event: checks it against the state, evaluates the rules,
 *      updates the state tables and computes the postings (apply.c);
 *   4. asserts the postings sum to zero and writes them, updating balances;
 *   5. writes the event row with its sequence number, ref, date, actor and
 *      recording time;
 *   6. appends the event's leaf to the audit tree.
 * Nothing writes to the ledger any other way, so nothing skips the rules
 * or the audit.  Any failure rolls the whole transaction back.
 */
#ifndef MCG_JOURNAL_H
#define MCG_JOURNAL_H

#include "event.h"
#include "ledger.h"

/* How many days after today (UTC) a new event may be dated: a year and a
 * day.  Nothing may be dated before the latest event (no back-dating), so
 * a typo such as 9999 or 2062 for 2026 would hold every later event at
 * that date; a bank's report is of the past, and a year leaves room for
 * any clock or time zone. */
#define MCG_DATE_AHEAD_MAX_DAYS 366

/*
 * Records one event in its own transaction.  *replayed (may be NULL) is set
 * to 1 when the event's ref was already recorded with the same content (the
 * ledger is then unchanged).  Returns 0 or the MCG_E* code of the first
 * thing that failed; the ledger is then exactly as it was.  On success
 * ev->seq is the new event's sequence number (or the original one's).
 */
int mcg_journal_record(mcg_ledger *L, mcg_event *ev, int *replayed,
		       mcg_error *err);

/* For batches (`mcg import`): begin, append any number, then commit; on
 * any error, rollback (the ledger is then exactly as before begin). */
int mcg_journal_begin(mcg_ledger *L, mcg_error *err);
/* The same with the ledger to itself: readers wait for the commit (an
 * import in the rollback journal, ledger/db.c). */
int mcg_journal_begin_exclusive(mcg_ledger *L, mcg_error *err);
int mcg_journal_append(mcg_ledger *L, mcg_event *ev, int *replayed,
		       mcg_error *err);

/*
 * An event's encodings that need no ledger, made ahead (the import's
 * reader thread makes them for the rows ahead while the import's thread
 * appends the rows behind): its ref checked, its fields as stored, and
 * the two input parts of its audit leaf (mcg_event_canonical_head and
 * _body).  Start it zeroed; mcg_journal_prepared_free releases it, and it
 * may be prepared again without (it keeps its buffers).
 */
typedef struct mcg_journal_prepared {
	mcg_buf fields;
	mcg_buf canonical_head;
	mcg_buf canonical_body;
} mcg_journal_prepared;

/* Errors as mcg_journal_append would give them, before the ledger's own
 * checks. */
int mcg_journal_prepare(const mcg_event *ev, mcg_journal_prepared *p,
			mcg_error *err);
void mcg_journal_prepared_free(mcg_journal_prepared *p);
/* mcg_journal_append of an event prepared by p: ev must not have changed
 * since, but for its postings and the number and time the journal sets. */
int mcg_journal_append_prepared(mcg_ledger *L, mcg_event *ev,
				const mcg_journal_prepared *p, int *replayed,
				mcg_error *err);
int mcg_journal_commit(mcg_ledger *L, mcg_error *err);
void mcg_journal_rollback(mcg_ledger *L);

/* Checks that a ref is 1..64 printable ASCII characters, 0x20 to 0x7E:
 * the space is one (CLI.md). */
int mcg_journal_check_ref(const char *ref, mcg_error *err);

/* Checks a new actor name: 1..64 bytes of UTF-8 without control
 * characters, nor what mcg_check_text refuses in a new name (U+FFFE,
 * U+FFFF, bidirectional controls, invisible characters, only spaces, a
 * leading = + - or @).
 * An event replayed by `mcg check` meets only the control bytes and the
 * length, all an actor was checked for before. */
int mcg_journal_check_actor(const char *actor, mcg_error *err);

#endif
