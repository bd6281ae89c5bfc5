/*
 * A statement whose rows come in the order of their first column, a TEXT
 * key, walked beside others of the same order: the merges that read
 * several tables keyed by loan id in one sequential pass each, with no
 * lookup per loan (the whole portfolio's exposure, query.c; an import's
 * preload of the open loans, loan_cache.c).  Keys compare with strcmp,
 * which is SQLite's BINARY order of TEXT.
 */
#ifndef MCG_KEY_CURSOR_H
#define MCG_KEY_CURSOR_H

#include "ledger_int.h"

typedef struct mcg_key_cursor {
	sqlite3_stmt *st;
	const char *key;          /* column 0 of the current row, or NULL at the end */
	const char *doing;        /* what a failure was doing ("reading the loans") */
} mcg_key_cursor;

/* Prepares sql; the first row comes with the first mcg_key_cursor_step. */
int mcg_key_cursor_open(mcg_ledger *L, mcg_key_cursor *c, const char *sql,
			const char *doing, mcg_error *err);
/* The next row, or key NULL at the end.  A NULL key is damage. */
int mcg_key_cursor_step(mcg_ledger *L, mcg_key_cursor *c, mcg_error *err);
/* Steps to the first row whose key is not below key. */
int mcg_key_cursor_seek(mcg_ledger *L, mcg_key_cursor *c, const char *key,
			mcg_error *err);
/* 1 when the cursor is at key's row (after a seek to it). */
int mcg_key_cursor_at(const mcg_key_cursor *c, const char *key);
void mcg_key_cursor_close(mcg_key_cursor *c);

#endif
