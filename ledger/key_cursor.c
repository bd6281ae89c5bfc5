/* Statements walked side by side in key order: see key_cursor.h. */
#include "key_cursor.h"

#include <string.h>

int mcg_key_cursor_open(mcg_ledger *L, mcg_key_cursor *c, const char *sql,
			const char *doing, mcg_error *err)
{
	c->key = NULL;
	c->doing = doing;
	if (sqlite3_prepare_v2(L->db, sql, -1, &c->st, NULL) != SQLITE_OK) {
		c->st = NULL;
		return mcg_db_error(L, err, doing);
	}
	return MCG_OK;
}

int mcg_key_cursor_step(mcg_ledger *L, mcg_key_cursor *c, mcg_error *err)
{
	int rc = sqlite3_step(c->st);

	c->key = NULL;
	if (rc == SQLITE_ROW) {
		c->key = (const char *)sqlite3_column_text(c->st, 0);
		if (!c->key)
			return mcg_error_set(err, MCG_EINTEGRITY, "a NULL id: the state is damaged");
		return MCG_OK;
	}
	if (rc == SQLITE_DONE)
		return MCG_OK;
	return mcg_db_error(L, err, c->doing);
}

int mcg_key_cursor_seek(mcg_ledger *L, mcg_key_cursor *c, const char *key,
			mcg_error *err)
{
	int rc = MCG_OK;

	while (!rc && c->key && strcmp(c->key, key) < 0)
		rc = mcg_key_cursor_step(L, c, err);
	return rc;
}

int mcg_key_cursor_at(const mcg_key_cursor *c, const char *key)
{
	return c->key && strcmp(c->key, key) == 0;
}

void mcg_key_cursor_close(mcg_key_cursor *c)
{
	sqlite3_finalize(c->st);
	c->st = NULL;
	c->key = NULL;
}
