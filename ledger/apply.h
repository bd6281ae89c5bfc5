/*
 * Applying an event to the state: one function per event type.
 *
 * An apply function checks the event against the state (unknown ids, wrong
 * states, amounts out of range: MCG_EINPUT; a consortium rule: MCG_ERULE),
 * updates the state tables and adds the event's postings with
 * mcg_event_post.  It runs inside the journal's transaction and never
 * begins or commits; if it fails the journal rolls everything back, so it
 * may fail halfway through its updates.  It reads only the event's fields
 * and the state, so that replaying the events rebuilds the same state
 * (`mcg check`).
 */
#ifndef MCG_APPLY_H
#define MCG_APPLY_H

#include "event.h"
#include "ledger_int.h"

/* Dispatches on ev->type.  Unknown types are MCG_EINPUT. */
int mcg_apply(mcg_ledger *L, mcg_event *ev, mcg_error *err);

/* Per-type functions, grouped by file. */
int mcg_apply_ledger_init(mcg_ledger *L, mcg_event *ev, mcg_error *err);
int mcg_apply_rules_load(mcg_ledger *L, mcg_event *ev, mcg_error *err);
int mcg_apply_member_add(mcg_ledger *L, mcg_event *ev, mcg_error *err);
int mcg_apply_member_withdraw(mcg_ledger *L, mcg_event *ev, mcg_error *err);
int mcg_apply_bank_add(mcg_ledger *L, mcg_event *ev, mcg_error *err);
int mcg_apply_contribute(mcg_ledger *L, mcg_event *ev, mcg_error *err);
int mcg_apply_settle(mcg_ledger *L, mcg_event *ev, mcg_error *err);
/* The life of a loan: apply_loans.c and apply_guarantee.c. */
int mcg_apply_loan_add(mcg_ledger *L, mcg_event *ev, mcg_error *err);
int mcg_apply_assess(mcg_ledger *L, mcg_event *ev, mcg_error *err);
int mcg_apply_guarantee(mcg_ledger *L, mcg_event *ev, mcg_error *err);
int mcg_apply_repay(mcg_ledger *L, mcg_event *ev, mcg_error *err);
int mcg_apply_arrears(mcg_ledger *L, mcg_event *ev, mcg_error *err);
int mcg_apply_call(mcg_ledger *L, mcg_event *ev, mcg_error *err);
int mcg_apply_recover(mcg_ledger *L, mcg_event *ev, mcg_error *err);
int mcg_apply_writeoff(mcg_ledger *L, mcg_event *ev, mcg_error *err);

/* ---- helpers shared by the apply files ---------------------------------- */

/* A required text field; MCG_EINPUT naming it if missing. */
int mcg_field_text(const mcg_event *ev, const char *key, const char **out,
		   mcg_error *err);
/* A required amount field (minor units) that must be > 0. */
int mcg_field_positive(const mcg_event *ev, const char *key, int64_t *out,
		       mcg_error *err);

/* A member's status: "active", "withdrawn", or NULL if unknown. */
typedef struct mcg_member_state {
	int exists;
	int active;
	int64_t capital_minor;    /* -balance of capital:<id> */
	int64_t due_minor;        /* balance of due:<id> */
} mcg_member_state;
int mcg_member_state_get(mcg_ledger *L, const char *id, mcg_member_state *out,
			 mcg_error *err);
/* MCG_EINPUT "member 'X' is not known" / "... is withdrawn" unless active. */
int mcg_member_require_active(mcg_ledger *L, const char *id, const char *role,
			      mcg_member_state *out, mcg_error *err);

/* Account names: "capital:<member>", "due:<member>", "deposit:<loan>". */
void mcg_account_name(char *out, size_t outsz, const char *kind,
		      const char *id);

/* The id forms of DOMAIN.md section 4. */
int mcg_check_id(const char *id, const char *what, mcg_error *err);
int mcg_check_bic(const char *bic, mcg_error *err);
/*
 * Where the event being applied comes from.  Refusals added to mcg over
 * time (a character in a name, a bank under its other BIC) are for new
 * input only: an event recorded before one was added is never changed,
 * and `mcg check` must still replay it (MCG_INPUT_STORED).
 */
enum { MCG_INPUT_STORED = 0, MCG_INPUT_NEW = 1 };
/* MCG_INPUT_STORED while `mcg check` replays the ledger's events,
 * MCG_INPUT_NEW otherwise. */
int mcg_input_source(const mcg_ledger *L);
/*
 * A name or free text: 1..max bytes of UTF-8 (0..max when not required)
 * without control characters.  As new input (source MCG_INPUT_NEW) also
 * without a character XML does not allow (U+FFFE, U+FFFF: the name goes
 * into signed XML documents), a bidirectional control (U+202A to U+202E,
 * U+2066 to U+2069) or an invisible character (U+200B, U+2060, U+FEFF),
 * not only spaces, and not beginning with = + - or @ (a spreadsheet takes
 * such a CSV cell for a formula).  MCG_EINPUT naming `what`, and the byte
 * and the code point of the character.
 */
int mcg_check_text(const char *text, size_t max, const char *what,
		   int required, int source, mcg_error *err);

/* ---- loans (apply_loans.c), shared with apply_guarantee.c --------------- */

/* Longest member or loan id (DOMAIN.md section 4). */
#define MCG_ID_MAX 32
/* Most co-guarantors of one guarantee, and assessments of one loan. */
#define MCG_PLEDGES_MAX 64
#define MCG_ASSESSMENTS_MAX 256

typedef struct mcg_loan_row {
	char id[MCG_ID_MAX + 1];
	char borrower[MCG_ID_MAX + 1];
	char bank[12];
	char status[12];          /* applied active repaid defaulted called closed */
	int64_t principal_minor;
	int64_t outstanding_minor;
	int64_t ga_minor;         /* GA for the status (DOMAIN.md section 4) */
	int32_t dpd_days;
} mcg_loan_row;

/*
 * A loan kept for the open transaction (loan_cache.c): its row as the
 * transaction sees it, and its guarantee's terms once read.  Entries live
 * only until the next mcg_loan_cache_put (which may empty the table), so
 * callers copy what they need rather than keep the pointer.
 */
typedef struct mcg_loan_cached {
	mcg_loan_row row;
	int terms_loaded;         /* coverage_bp, has_cap, cap_minor are set */
	int32_t coverage_bp;
	int has_cap;
	int64_t cap_minor;
	/* Private to loan_cache.c and mcg_loan_update. */
	int32_t closed_days;      /* with closing: the date loans.closed gets */
	unsigned char dirty, closing;
} mcg_loan_cached;

/* The loan's entry, or NULL (not read yet in this transaction, or no
 * transaction open). */
mcg_loan_cached *mcg_loan_cache_find(mcg_ledger *L, const char *id);

/* Hints, in two steps: loan `id` will be looked up soon (loan_cache.c).
 * The first asks for the index line where its slot is; the second, some
 * work later, reads that slot and asks for the entry.  Change nothing. */
void mcg_loan_cache_prefetch_slot(mcg_ledger *L, const char *id);
void mcg_loan_cache_prefetch(mcg_ledger *L, const char *id);
/* Keeps a clean copy of row and points *out at it.  *out is NULL when
 * there is no transaction or no memory (the caller then goes to SQL).
 * Fails only when the table is full and flushing it fails. */
int mcg_loan_cache_put(mcg_ledger *L, const mcg_loan_row *row,
		       mcg_loan_cached **out, mcg_error *err);
/* Reads every loan that can still change (active, defaulted, called),
 * with its guarantee's terms, into the cache in two ordered scans, when
 * they fit in half the cache and rows_expected (the events about to come)
 * is at least half as many; otherwise does nothing. */
int mcg_loan_cache_preload(mcg_ledger *L, uint64_t rows_expected, mcg_error *err);
/* Marks the entry to be written by the next flush. */
int mcg_loan_cache_mark_dirty(mcg_ledger *L, mcg_loan_cached *e, mcg_error *err);
/* Writes every dirty loan back to loan_state. */
int mcg_loan_cache_flush(mcg_ledger *L, mcg_error *err);
/* Forgets every entry, dirty or not (at rollback, begin, commit). */
void mcg_loan_cache_clear(mcg_ledger *L);
void mcg_loan_cache_free(mcg_ledger *L);

/* Reads a loan; *found says whether it exists. */
int mcg_loan_get(mcg_ledger *L, const char *id, mcg_loan_row *out, int *found,
		 mcg_error *err);
/* The loan, which must exist and be in `status`; otherwise MCG_EINPUT
 * "loan L1 is repaid, not active: cannot <verb>". */
int mcg_loan_require(mcg_ledger *L, const char *id, const char *status,
		     const char *verb, mcg_loan_row *out, mcg_error *err);
/* Sets a loan's status, outstanding and GA, moves totals 'total_ga' by the
 * change of GA, and sets `closed` to date_days when the status is repaid
 * or closed.  The one way loans.ga changes after the loan is added. */
int mcg_loan_update(mcg_ledger *L, const mcg_loan_row *before,
		    const char *status, int64_t outstanding_minor,
		    int64_t ga_minor, int32_t date_days, mcg_error *err);
/* Sets a loan's latest days past due. */
int mcg_loan_set_dpd(mcg_ledger *L, const mcg_loan_row *before, int32_t dpd_days,
		     mcg_error *err);
/* Writes totals 'total_ga' if a write-back event moved it. */
int mcg_loan_flush_total_ga(mcg_ledger *L, mcg_error *err);
/* Σ GA of all loans (totals 'total_ga'; 0 before the first guarantee). */
int mcg_loan_total_ga(mcg_ledger *L, int64_t *out, mcg_error *err);
/* GA of an active loan: pct(outstanding, coverage), or the cap if smaller. */
int mcg_loan_ga_active(int64_t outstanding_minor, int32_t coverage_bp,
		       int has_cap, int64_t cap_minor, int64_t *out,
		       mcg_error *err);

#endif
