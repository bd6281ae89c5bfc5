/*
 * A fresh ledger in a temporary folder for unit tests that drive the
 * journal: EUR, created on 2026-01-01 (day 20454) by actor "unit".
 */
#ifndef MCG_TEST_LEDGER_FIXTURE_H
#define MCG_TEST_LEDGER_FIXTURE_H

#include "ledger/ledger.h"

struct fixture {
	char root[64];
	char db[128];
	char keys[160];
	mcg_ledger *L;
};

/* Creates and opens the ledger; name says which test made the folder. */
void ledger_fixture_make(struct fixture *f, const char *name);
/* Closes it and removes every file it made. */
void ledger_fixture_remove(struct fixture *f);

#endif
