/*
 * The ledger's side of the audit log: the RFC 9162 tree, stored in part in
 * audit_nodes and audit_edge (see docs/AUDIT.md), signed checkpoints,
 * proofs and the full verification of the log against the event rows.
 *
 * The hashing, proofs and signed notes themselves are in audit/ (which
 * never opens the database); this file feeds them from the ledger.
 *
 * Checkpoints are kept in the checkpoints table.  They are not events (a
 * tree head cannot be a leaf of its own tree) and are the only rows written
 * outside the journal; they add nothing to the ledger's state, and every
 * one is re-verified by mcg_audit_verify.
 */
#ifndef MCG_AUDIT_LOG_H
#define MCG_AUDIT_LOG_H

#include <stddef.h>
#include <stdint.h>

#include "audit/merkle.h"
#include "audit/note.h"
#include "buf.h"
#include "ledger.h"

/* The root hash of the tree of the first `size` events (size <= the
 * current size; MCG_EINPUT otherwise). */
int mcg_audit_root(mcg_ledger *L, int64_t size, mcg_hash *out, mcg_error *err);

/*
 * Signs a checkpoint of the current tree with the ledger's Ed25519 key
 * (keys folder), keeps it in the checkpoints table, and appends the signed
 * note (C2SP signed-note of a C2SP tlog-checkpoint) to note_out.  A
 * checkpoint of a size already kept is returned as kept.
 */
int mcg_audit_checkpoint(mcg_ledger *L, mcg_buf *note_out, mcg_error *err);

/* The same for the handover of a key rotation (audit/keys.h): signed with
 * the old key while the rotation is under way, when every other signing
 * is refused. */
int mcg_audit_checkpoint_handover(mcg_ledger *L, mcg_buf *note_out, mcg_error *err);

/*
 * The two halves of mcg_audit_checkpoint, for a signed document that
 * carries a checkpoint (reports/): the checkpoint is signed before the
 * document is built, and kept only once the document is built, signed and
 * checked, just before it is handed out, so that a document refused on
 * the way (too large, say) leaves the ledger exactly as it was.
 *
 * mcg_audit_checkpoint_sign signs a checkpoint of the current tree with
 * the same checks as mcg_audit_checkpoint and appends its note to
 * note_out, but keeps nothing: *kept is 1 when a checkpoint of that size
 * was kept already (the note is then the kept one, byte for byte, and
 * there is nothing to keep), 0 otherwise.
 *
 * mcg_audit_checkpoint_keep keeps such a note: under the write lock it
 * checks it against the log as mcg_audit_check_note does, with the
 * checkpoint key (MCG_EINTEGRITY when it is not of this log), and adds it
 * to the checkpoints table, unless one of its size was kept meanwhile
 * (that one stays; nothing is written).
 */
int mcg_audit_checkpoint_sign(mcg_ledger *L, mcg_buf *note_out, int *kept,
			      mcg_error *err);
int mcg_audit_checkpoint_keep(mcg_ledger *L, const char *note, size_t len,
			      mcg_error *err);

/* The latest kept checkpoint's note, or *found = 0 when there is none. */
int mcg_audit_latest_checkpoint(mcg_ledger *L, mcg_buf *note_out,
				int *found, mcg_error *err);

/*
 * Checks a signed checkpoint note held by an outsider against this ledger:
 * its signature by the ledger's checkpoint key, its origin, that its size
 * is not beyond the log, and that its root equals the root of the log's
 * first `size` events (which, as the log is recomputed from the event
 * rows by mcg_audit_verify, proves consistency).  MCG_EINTEGRITY naming
 * what fails.
 */
int mcg_audit_check_note(mcg_ledger *L, const char *note, size_t len,
			 mcg_checkpoint *out, mcg_error *err);

typedef struct mcg_audit_report {
	int64_t events;           /* leaves recomputed */
	int64_t checkpoints;      /* kept checkpoints verified */
	mcg_hash root;            /* the current root */
} mcg_audit_report;

/*
 * The full check of `mcg audit verify`: recomputes every leaf from the
 * event and posting rows, compares with the stored leaves, rebuilds every
 * stored hash and the root, verifies every kept checkpoint's signature and
 * its consistency with the current tree, and, when outside_note is given,
 * checks that checkpoint too.  Finds any changed, deleted, inserted or
 * reordered event or posting row and any truncation.  Returns 0 or
 * MCG_EINTEGRITY naming the first sequence number that fails.
 */
int mcg_audit_verify(mcg_ledger *L, const char *outside_note,
		     size_t outside_len, mcg_audit_report *out,
		     mcg_error *err);

/* The inclusion proof of event seq in the tree of size leaves, and its
 * leaf hash.  proof has room for MCG_PROOF_MAX. */
int mcg_audit_prove(mcg_ledger *L, int64_t seq, int64_t size, mcg_hash *leaf,
		    mcg_hash *proof, size_t *nproof, mcg_error *err);

/* The consistency proof between two sizes of the log. */
int mcg_audit_consistency(mcg_ledger *L, int64_t old_size, int64_t new_size,
			  mcg_hash *proof, size_t *nproof, mcg_error *err);

#endif
