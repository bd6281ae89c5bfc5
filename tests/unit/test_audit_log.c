/*
 * Unit tests for ledger/audit_log.c: the audit log over a real ledger.
 *
 * The full verification folds roots from its own frontier while the
 * checkpoints were signed over roots read from the stored hashes; a
 * checkpoint at every size from 2 to 70 makes the two meet at every shape
 * of tree (powers of two, one past, one short).  Proofs are checked with
 * the RFC 9162 verifiers for every pair of sizes.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "audit/note.h"
#include "ledger/audit_log.h"
#include "ledger/journal.h"
#include "ledger/ledger.h"
#include "ledger_fixture.h"

static void fixture_make(struct fixture *f)
{
	ledger_fixture_make(f, "audit");
}

static void fixture_remove(struct fixture *f)
{
	ledger_fixture_remove(f);
}

/* Event i: member Mi admitted (the caller frees it). */
static void member_event(mcg_event *ev, int i)
{
	char id[16];

	snprintf(id, sizeof(id), "M%04d", i);
	mcg_event_init(ev, "member.add");
	ev->date_days = 20455;
	ev->date_given = 1;
	mcg_strlcpy(ev->actor, "unit", sizeof(ev->actor));
	cr_assert_eq(mcg_event_add(ev, "member", id), 0);
	cr_assert_eq(mcg_event_add(ev, "name", "Firm"), 0);
}

/* Records one more event, in a transaction of its own. */
static void add_event(struct fixture *f, int i)
{
	mcg_event ev;
	mcg_error err;

	member_event(&ev, i);
	cr_assert_eq(mcg_journal_record(f->L, &ev, NULL, &err), 0, "%s", err.msg);
	mcg_event_free(&ev);
}

static int64_t log_size(struct fixture *f)
{
	mcg_error err;
	int64_t n;

	cr_assert_eq(mcg_ledger_size(f->L, &n, &err), 0, "%s", err.msg);
	return n;
}

/* The checkpoint body of a signed note (no signature check). */
static mcg_checkpoint note_body(const mcg_buf *note)
{
	const char *blank = strstr(note->data, "\n\n");
	mcg_checkpoint cp;
	mcg_error err;

	cr_assert_not_null(blank);
	cr_assert_eq(mcg_checkpoint_parse(note->data, (size_t)(blank - note->data) + 1,
					  &cp, &err), 0, "%s", err.msg);
	return cp;
}

static void sql(struct fixture *f, const char *text)
{
	cr_assert_eq(sqlite3_exec(mcg_ledger_db(f->L), text, NULL, NULL, NULL), SQLITE_OK,
		     "%s", sqlite3_errmsg(mcg_ledger_db(f->L)));
}

Test(audit_log, a_checkpoint_at_every_size_and_verify_meets_them_all)
{
	struct fixture f;
	mcg_buf note = MCG_BUF_INIT, kept = MCG_BUF_INIT, at33 = MCG_BUF_INIT;
	mcg_audit_report r;
	mcg_checkpoint cp, checked;
	mcg_hash root;
	mcg_error err;
	int found;

	fixture_make(&f);
	cr_assert_eq(mcg_audit_latest_checkpoint(f.L, &note, &found, &err), 0);
	cr_assert_eq(found, 0);
	for (int i = 3; i <= 70; i++) {
		mcg_buf_reset(&note);
		cr_assert_eq(mcg_audit_checkpoint(f.L, &note, &err), 0, "%s", err.msg);
		cp = note_body(&note);
		cr_assert_eq(cp.size, i - 1);
		cr_assert_str_eq(cp.origin, mcg_ledger_origin(f.L));
		cr_assert_eq(mcg_audit_root(f.L, cp.size, &root, &err), 0, "%s", err.msg);
		cr_assert_eq(memcmp(root.b, cp.root.b, MCG_HASH_SIZE), 0, "root at %d", i - 1);
		cr_assert_eq(mcg_audit_check_note(f.L, note.data, note.len, &checked, &err), 0,
			     "%s", err.msg);
		cr_assert_eq(checked.size, cp.size);
		if (cp.size == 33)
			mcg_buf_append(&at33, note.data, note.len);
		add_event(&f, i);
	}
	/* The same size again gives the kept note back. */
	mcg_buf_reset(&note);
	cr_assert_eq(mcg_audit_checkpoint(f.L, &note, &err), 0, "%s", err.msg);
	cr_assert_eq(mcg_audit_latest_checkpoint(f.L, &kept, &found, &err), 0);
	cr_assert_eq(found, 1);
	cr_assert_str_eq(kept.data, note.data);
	mcg_buf_reset(&kept);
	cr_assert_eq(mcg_audit_checkpoint(f.L, &kept, &err), 0, "%s", err.msg);
	cr_assert_str_eq(kept.data, note.data);

	cr_assert_eq(mcg_audit_verify(f.L, at33.data, at33.len, &r, &err), 0, "%s", err.msg);
	cr_assert_eq(r.events, 70);
	cr_assert_eq(r.checkpoints, 69);
	cr_assert_eq(mcg_audit_root(f.L, 70, &root, &err), 0);
	cr_assert_eq(memcmp(root.b, r.root.b, MCG_HASH_SIZE), 0);
	mcg_buf_free(&note);
	mcg_buf_free(&kept);
	mcg_buf_free(&at33);
	fixture_remove(&f);
}

Test(audit_log, every_inclusion_and_consistency_proof_verifies)
{
	struct fixture f;
	mcg_hash proof[MCG_PROOF_MAX], leaf, root[40];
	size_t n;
	mcg_error err;

	fixture_make(&f);
	for (int i = 3; i <= 37; i++)
		add_event(&f, i);
	cr_assert_eq(log_size(&f), 37);
	for (int64_t size = 1; size <= 37; size++)
		cr_assert_eq(mcg_audit_root(f.L, size, &root[size], &err), 0);
	for (int64_t size = 1; size <= 37; size++) {
		for (int64_t seq = 1; seq <= size; seq++) {
			cr_assert_eq(mcg_audit_prove(f.L, seq, size, &leaf, proof, &n, &err), 0,
				     "%s", err.msg);
			cr_assert_eq(mcg_merkle_verify_inclusion(proof, n, size, seq - 1, &leaf,
								 &root[size], &err), 0,
				     "event %lld of %lld: %s", (long long)seq, (long long)size,
				     err.msg);
		}
		for (int64_t old = 1; old <= size; old++) {
			cr_assert_eq(mcg_audit_consistency(f.L, old, size, proof, &n, &err), 0,
				     "%s", err.msg);
			cr_assert_eq(mcg_merkle_verify_consistency(proof, n, old, size, &root[old],
								   &root[size], &err), 0,
				     "%lld -> %lld: %s", (long long)old, (long long)size, err.msg);
		}
	}
	fixture_remove(&f);
}

/* Events from .. to (member ids) in one transaction, as an import. */
static void add_events(struct fixture *f, int from, int to)
{
	mcg_error err;

	cr_assert_eq(mcg_journal_begin(f->L, &err), 0, "%s", err.msg);
	for (int i = from; i <= to; i++) {
		mcg_event ev;

		member_event(&ev, i);
		cr_assert_eq(mcg_journal_append(f->L, &ev, NULL, &err), 0, "%s", err.msg);
		mcg_event_free(&ev);
	}
	cr_assert_eq(mcg_journal_commit(f->L, &err), 0, "%s", err.msg);
}

/*
 * Schema version 3 stores the tree's nodes at levels 8, 16, ... and its
 * right edge only.  The root of each size is taken when that size is the
 * whole log (folded from the edge the appends kept), then read again at
 * 1,100 events, when it comes from stored level-8 nodes, the levels
 * between recomputed from them, and leaves recomputed from the events:
 * the two ways must agree, and every proof must verify against the
 * roots of the first.
 */
Test(audit_log, roots_and_proofs_past_the_stored_levels)
{
	static const int64_t sizes[] = { 2, 255, 256, 257, 300, 511, 512, 513,
					 767, 768, 1023, 1024, 1025, 1100 };
	static const int64_t seqs[] = { 1, 2, 200, 255, 256, 257, 300, 511, 512,
					513, 600, 1023, 1024, 1025, 1090, 1100 };
	enum { N = sizeof(sizes) / sizeof(sizes[0]) };
	mcg_hash then[N], now, proof[MCG_PROOF_MAX], leaf;
	mcg_audit_report r;
	mcg_error err;
	size_t n;

	struct fixture f;
	int64_t have;

	fixture_make(&f);
	have = log_size(&f);
	for (size_t i = 0; i < N; i++) {
		add_events(&f, (int)have + 1, (int)sizes[i]);
		have = sizes[i];
		cr_assert_eq(log_size(&f), sizes[i]);
		cr_assert_eq(mcg_audit_root(f.L, sizes[i], &then[i], &err), 0, "%s", err.msg);
	}
	for (size_t i = 0; i < N; i++) {
		cr_assert_eq(mcg_audit_root(f.L, sizes[i], &now, &err), 0, "%s", err.msg);
		cr_assert_eq(memcmp(now.b, then[i].b, MCG_HASH_SIZE), 0,
			     "root of %lld read back", (long long)sizes[i]);
		for (size_t j = 0; j < sizeof(seqs) / sizeof(seqs[0]) && seqs[j] <= sizes[i]; j++) {
			cr_assert_eq(mcg_audit_prove(f.L, seqs[j], sizes[i], &leaf, proof, &n, &err),
				     0, "%s", err.msg);
			cr_assert_eq(mcg_merkle_verify_inclusion(proof, n, sizes[i], seqs[j] - 1,
								 &leaf, &then[i], &err), 0,
				     "event %lld of %lld: %s", (long long)seqs[j],
				     (long long)sizes[i], err.msg);
		}
		for (size_t j = 0; j <= i; j++) {
			cr_assert_eq(mcg_audit_consistency(f.L, sizes[j], sizes[i], proof, &n, &err),
				     0, "%s", err.msg);
			cr_assert_eq(mcg_merkle_verify_consistency(proof, n, sizes[j], sizes[i],
								   &then[j], &then[i], &err), 0,
				     "%lld -> %lld: %s", (long long)sizes[j],
				     (long long)sizes[i], err.msg);
		}
	}
	/* Four nodes of level 8 (events 1 to 1,024), none of level 16. */
	{
		sqlite3_stmt *st;

		cr_assert_eq(sqlite3_prepare_v2(mcg_ledger_db(f.L),
						"SELECT COUNT(*), MIN(level), MAX(level) FROM audit_nodes",
						-1, &st, NULL), SQLITE_OK);
		cr_assert_eq(sqlite3_step(st), SQLITE_ROW);
		cr_assert_eq(sqlite3_column_int(st, 0), 4);
		cr_assert_eq(sqlite3_column_int(st, 1), 8);
		cr_assert_eq(sqlite3_column_int(st, 2), 8);
		sqlite3_finalize(st);
	}
	cr_assert_eq(mcg_audit_verify(f.L, NULL, 0, &r, &err), 0, "%s", err.msg);
	cr_assert_eq(r.events, 1100);
	cr_assert_eq(memcmp(r.root.b, then[N - 1].b, MCG_HASH_SIZE), 0);

	/* An event changed in a stored block: its proof is refused, naming
	 * the block; an event of another block still has its proof. */
	sql(&f, "UPDATE events SET actor = 'mallory' WHERE seq = 300");
	cr_assert_eq(mcg_audit_prove(f.L, 300, 1100, &leaf, proof, &n, &err), MCG_EINTEGRITY);
	cr_assert(strstr(err.msg, "events 257 to 512 do not match the audit log"), "%s", err.msg);
	cr_assert_eq(mcg_audit_prove(f.L, 700, 1100, &leaf, proof, &n, &err), 0, "%s", err.msg);
	cr_assert_eq(mcg_merkle_verify_inclusion(proof, n, 1100, 699, &leaf, &then[N - 1], &err),
		     0, "%s", err.msg);
	cr_assert_eq(mcg_audit_verify(f.L, NULL, 0, &r, &err), MCG_EINTEGRITY);
	cr_assert(strstr(err.msg, "events 257 to 512 do not match the audit log"), "%s", err.msg);
	sql(&f, "UPDATE events SET actor = 'unit' WHERE seq = 300");
	/* In the last, incomplete block: named by the edge's peak over it
	 * (1,100 = 1,024 + 64 + 8 + 4: events 1,089 to 1,096). */
	sql(&f, "UPDATE events SET fields = replace(fields, 'Firm', 'Fine') WHERE seq = 1090");
	cr_assert_eq(mcg_audit_prove(f.L, 1090, 1100, &leaf, proof, &n, &err), MCG_EINTEGRITY);
	cr_assert(strstr(err.msg, "events 1089 to 1096 do not match the audit log"), "%s", err.msg);
	cr_assert_eq(mcg_audit_verify(f.L, NULL, 0, &r, &err), MCG_EINTEGRITY);
	cr_assert(strstr(err.msg, "events 1089 to 1096 do not match the audit log"), "%s", err.msg);
	fixture_remove(&f);
}

Test(audit_log, out_of_range_sizes_are_bad_input)
{
	struct fixture f;
	mcg_hash proof[MCG_PROOF_MAX], leaf, root;
	size_t n;
	mcg_error err;

	fixture_make(&f);
	add_event(&f, 3);
	cr_assert_eq(mcg_audit_root(f.L, -1, &root, &err), MCG_EINPUT);
	cr_assert_eq(mcg_audit_root(f.L, 4, &root, &err), MCG_EINPUT);
	cr_assert_eq(mcg_audit_root(f.L, 0, &root, &err), 0);
	cr_assert_eq(mcg_audit_prove(f.L, 0, 3, &leaf, proof, &n, &err), MCG_EINPUT);
	cr_assert_eq(mcg_audit_prove(f.L, 4, 3, &leaf, proof, &n, &err), MCG_EINPUT);
	cr_assert_eq(mcg_audit_prove(f.L, 3, 2, &leaf, proof, &n, &err), MCG_EINPUT);
	cr_assert_eq(mcg_audit_prove(f.L, 1, 4, &leaf, proof, &n, &err), MCG_EINPUT);
	cr_assert_eq(mcg_audit_prove(f.L, 1, 0, &leaf, proof, &n, &err), MCG_EINPUT);
	cr_assert_eq(mcg_audit_prove(f.L, INT64_MAX, INT64_MAX, &leaf, proof, &n, &err),
		     MCG_EINPUT);
	cr_assert_eq(mcg_audit_consistency(f.L, 0, 3, proof, &n, &err), MCG_EINPUT);
	cr_assert_eq(mcg_audit_consistency(f.L, 3, 2, proof, &n, &err), MCG_EINPUT);
	cr_assert_eq(mcg_audit_consistency(f.L, 1, 4, proof, &n, &err), MCG_EINPUT);
	cr_assert_eq(mcg_audit_consistency(f.L, 3, 3, proof, &n, &err), 0);
	cr_assert_eq(n, 0);
	fixture_remove(&f);
}

/* A reader's connection, or one inside a read transaction, still keeps
 * the checkpoint (through a connection of its own). */
Test(audit_log, checkpoint_from_a_read_only_or_busy_connection)
{
	struct fixture f;
	mcg_ledger *R;
	mcg_buf note = MCG_BUF_INIT, latest = MCG_BUF_INIT;
	mcg_error err;
	int found;

	fixture_make(&f);
	cr_assert_eq(mcg_ledger_open(f.db, f.keys, 1, &R, &err), 0, "%s", err.msg);
	cr_assert_eq(mcg_audit_checkpoint(R, &note, &err), 0, "%s", err.msg);
	cr_assert_eq(note_body(&note).size, 2);
	cr_assert_eq(mcg_audit_latest_checkpoint(f.L, &latest, &found, &err), 0);
	cr_assert_eq(found, 1);
	cr_assert_str_eq(latest.data, note.data);
	mcg_ledger_close(R);

	add_event(&f, 3);
	sql(&f, "BEGIN; SELECT COUNT(*) FROM events;");
	mcg_buf_reset(&note);
	cr_assert_eq(mcg_audit_checkpoint(f.L, &note, &err), 0, "%s", err.msg);
	cr_assert_eq(note_body(&note).size, 3);
	sql(&f, "COMMIT");
	mcg_buf_free(&note);
	mcg_buf_free(&latest);
	fixture_remove(&f);
}

static int64_t kept_count(struct fixture *f)
{
	sqlite3_stmt *st;
	int64_t n;

	cr_assert_eq(sqlite3_prepare_v2(mcg_ledger_db(f->L), "SELECT COUNT(*) FROM checkpoints",
					-1, &st, NULL), SQLITE_OK);
	cr_assert_eq(sqlite3_step(st), SQLITE_ROW);
	n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

/*
 * The two halves a signed document uses: signing keeps nothing (a
 * document refused after it leaves the ledger as it was), keeping keeps
 * the very note, once; a note already kept is handed back as kept; a note
 * kept late, after more events, is still kept; one that is not of this
 * log is refused and not kept.
 */
Test(audit_log, a_checkpoint_signed_now_and_kept_later)
{
	struct fixture f;
	mcg_buf note = MCG_BUF_INIT, again = MCG_BUF_INIT, latest = MCG_BUF_INIT,
		bad = MCG_BUF_INIT;
	mcg_error err;
	int kept, found;
	char *nl;

	fixture_make(&f);
	add_event(&f, 3);
	cr_assert_eq(mcg_audit_checkpoint_sign(f.L, &note, &kept, &err), 0, "%s", err.msg);
	cr_assert_eq(kept, 0);
	cr_assert_eq(note_body(&note).size, 3);
	cr_assert_eq(kept_count(&f), 0, "signing keeps nothing");
	/* Signing again gives the same note (Ed25519 is deterministic). */
	cr_assert_eq(mcg_audit_checkpoint_sign(f.L, &again, &kept, &err), 0, "%s", err.msg);
	cr_assert_eq(kept, 0);
	cr_assert_str_eq(again.data, note.data);
	cr_assert_eq(mcg_audit_checkpoint_keep(f.L, note.data, note.len, &err), 0, "%s", err.msg);
	cr_assert_eq(kept_count(&f), 1);
	cr_assert_eq(mcg_audit_latest_checkpoint(f.L, &latest, &found, &err), 0);
	cr_assert_str_eq(latest.data, note.data);
	/* Kept twice: once. */
	cr_assert_eq(mcg_audit_checkpoint_keep(f.L, note.data, note.len, &err), 0, "%s", err.msg);
	cr_assert_eq(kept_count(&f), 1);
	/* Of a size already kept: the kept note, nothing to keep. */
	mcg_buf_reset(&again);
	cr_assert_eq(mcg_audit_checkpoint_sign(f.L, &again, &kept, &err), 0, "%s", err.msg);
	cr_assert_eq(kept, 1);
	cr_assert_str_eq(again.data, note.data);

	/* Signed at 4, kept after a newer one of 5 (another document's). */
	add_event(&f, 4);
	mcg_buf_reset(&note);
	cr_assert_eq(mcg_audit_checkpoint_sign(f.L, &note, &kept, &err), 0, "%s", err.msg);
	cr_assert_eq(note_body(&note).size, 4);
	add_event(&f, 5);
	mcg_buf_reset(&again);
	cr_assert_eq(mcg_audit_checkpoint(f.L, &again, &err), 0, "%s", err.msg);
	cr_assert_eq(note_body(&again).size, 5);
	cr_assert_eq(mcg_audit_checkpoint_keep(f.L, note.data, note.len, &err), 0, "%s", err.msg);
	cr_assert_eq(kept_count(&f), 3);

	/* Inside a read transaction: kept through a connection of its own. */
	add_event(&f, 6);
	mcg_buf_reset(&note);
	cr_assert_eq(mcg_audit_checkpoint_sign(f.L, &note, &kept, &err), 0, "%s", err.msg);
	sql(&f, "BEGIN; SELECT COUNT(*) FROM events;");
	cr_assert_eq(mcg_audit_checkpoint_keep(f.L, note.data, note.len, &err), 0, "%s", err.msg);
	sql(&f, "COMMIT");
	cr_assert_eq(kept_count(&f), 4);

	/* A note that does not hold for this log is refused, not kept. */
	add_event(&f, 7);
	mcg_buf_reset(&note);
	cr_assert_eq(mcg_audit_checkpoint_sign(f.L, &note, &kept, &err), 0, "%s", err.msg);
	mcg_buf_append(&bad, note.data, note.len);
	nl = strchr(bad.data, '\n');
	nl[1] = '6';               /* size 7 -> 6 */
	cr_assert_eq(mcg_audit_checkpoint_keep(f.L, bad.data, bad.len, &err), MCG_EINTEGRITY);
	cr_assert_eq(kept_count(&f), 4);
	mcg_buf_free(&note);
	mcg_buf_free(&again);
	mcg_buf_free(&latest);
	mcg_buf_free(&bad);
	fixture_remove(&f);
}

Test(audit_log, an_outside_note_that_does_not_hold)
{
	struct fixture f;
	mcg_buf note = MCG_BUF_INIT, bad = MCG_BUF_INIT;
	mcg_checkpoint cp;
	mcg_audit_report r;
	mcg_error err;
	char *nl;

	fixture_make(&f);
	add_event(&f, 3);
	add_event(&f, 4);
	cr_assert_eq(mcg_audit_checkpoint(f.L, &note, &err), 0, "%s", err.msg);
	/* Not a note at all, or changed: integrity failures. */
	cr_assert_eq(mcg_audit_check_note(f.L, "", 0, &cp, &err), MCG_EINTEGRITY);
	cr_assert_eq(mcg_audit_check_note(f.L, "x\n", 2, &cp, &err), MCG_EINTEGRITY);
	mcg_buf_append(&bad, note.data, note.len);
	nl = strchr(bad.data, '\n');
	nl[1] = '3';               /* size 4 -> 3 */
	cr_assert_eq(mcg_audit_check_note(f.L, bad.data, bad.len, &cp, &err), MCG_EINTEGRITY);
	cr_assert_eq(mcg_audit_verify(f.L, bad.data, bad.len, &r, &err), MCG_EINTEGRITY);
	/* Events cut off by hand: the log is shorter than the note. */
	sql(&f, "DELETE FROM postings WHERE seq = 4; DELETE FROM events WHERE seq = 4;"
		"DELETE FROM checkpoints");
	cr_assert_eq(mcg_audit_check_note(f.L, note.data, note.len, &cp, &err), MCG_EINTEGRITY);
	cr_assert_not_null(strstr(err.msg, "shorter than the checkpoint of size 4"), "%s", err.msg);
	cr_assert_eq(mcg_audit_verify(f.L, note.data, note.len, &r, &err), MCG_EINTEGRITY);
	cr_assert_not_null(strstr(err.msg, "size 4"), "%s", err.msg);
	mcg_buf_free(&note);
	mcg_buf_free(&bad);
	fixture_remove(&f);
}
