/*
 * `mcg check`: rebuild every state table, balance and posting from the
 * events alone and compare with what the ledger holds.
 *
 * The events are replayed, in order, through the same journal and apply
 * functions into a scratch in-memory ledger, which then holds what the
 * state must be.  Every state table (and the postings and the audit
 * hashes, which are recomputed too) is compared row by row with the
 * ledger's.  A row changed, added or removed by hand in any of them is
 * found.  Before the replay, every table, index and view mcg makes is
 * compared with the ledger's (check_schema.c: a table by what it is, its
 * columns, keys, collations and clauses, not by its SQL text), and the
 * ledger may hold no trigger.  Checking that the events themselves were
 * not rewritten is the audit log's job (`mcg audit verify`).
 */
#ifndef MCG_CHECK_H
#define MCG_CHECK_H

#include <stdint.h>

#include "ledger.h"

typedef struct mcg_check_report {
	int64_t events;           /* events replayed */
	int tables;               /* tables compared */
} mcg_check_report;

/* Returns 0 when everything matches; MCG_EINTEGRITY with the first
 * difference (a definition: which table, index or view and what differs;
 * or a row: which table, which row, which side) otherwise. */
int mcg_check_ledger(mcg_ledger *L, mcg_check_report *out, mcg_error *err);

/*
 * The state that is written once and never changes (the consortium's
 * facts, the rules versions, members' names, sectors, districts and tax
 * ids, banks, a loan's terms and its assessments, a guarantee's terms,
 * GA0, price, pledges, peer score, assessments counted and PD, who
 * withdrew), compared with the events that wrote it, in one pass over the
 * events (about 0.4 s a million events here), where mcg_check_ledger
 * replays them all.  The peer figures are recomputed as the guarantee
 * made them (mcg_peer_evaluate over the loan's assessments, each
 * assessor's standing then, the rules then), from what the pass keeps:
 * each loan's assessments until its guarantee, the members withdrawn.
 * What signed documents read from those tables is checked by it before
 * signing (reports/doc.c), in the read transaction of the figures.  A
 * loan's changing state is not compared here (reports/portfolio.c
 * recomputes it from the events), nor a call's losses or the balances:
 * mcg_check_ledger finds those.  0, or MCG_EINTEGRITY naming the first
 * row that differs, or the table that holds more rows than the events
 * made; MCG_ESYS when memory runs out.
 */
int mcg_check_facts(mcg_ledger *L, mcg_error *err);

#endif
