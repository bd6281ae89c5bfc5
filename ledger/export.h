/*
 * `mcg export --format ledger`: the whole journal as plain-text accounting
 * that hledger and ledger(1) read, one transaction per event with postings,
 * or with `all` one per event (those that move no money without postings).
 * Their balances equal `mcg balance` (a test checks it).
 */
#ifndef MCG_EXPORT_H
#define MCG_EXPORT_H

#include <stdio.h>

#include "ledger.h"

/* Writes the journal to out: the events that move money, or all of them.
 * Returns 0, or MCG_ESYS on a read or write failure. */
int mcg_export_ledger(mcg_ledger *L, int all, FILE *out, mcg_error *err);

#endif
