/*
 * `mcg export --format ledger`: the whole journal as plain-text accounting
 * that hledger and ledger(1) read, one transaction per event with postings.
 * Their balances equal `mcg balance` (a test checks it).
 */
#ifndef MCG_EXPORT_H
#define MCG_EXPORT_H

#include <stdio.h>

#include "ledger.h"

/* Writes the journal to out.  Returns 0, or MCG_ESYS on a read or write
 * failure. */
int mcg_export_ledger(mcg_ledger *L, FILE *out, mcg_error *err);

#endif
