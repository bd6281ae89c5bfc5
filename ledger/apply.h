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
/* A name or free text: 1..max bytes of UTF-8 without control characters. */
int mcg_check_text(const char *text, size_t max, const char *what,
		   int required, mcg_error *err);

#endif
