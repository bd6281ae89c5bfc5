/* A fresh ledger for unit tests: see ledger_fixture.h. */
#include "ledger_fixture.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

void ledger_fixture_make(struct fixture *f, const char *name)
{
	mcg_init_opts o = { 0 };
	mcg_error err;

	snprintf(f->root, sizeof(f->root), "/tmp/mcg-test-%s-XXXXXX", name);
	cr_assert_not_null(mkdtemp(f->root));
	snprintf(f->db, sizeof(f->db), "%s/l.db", f->root);
	snprintf(f->keys, sizeof(f->keys), "%s/l.db.keys", f->root);
	o.name = "Unit Consortium";
	o.currency = "EUR";
	o.keys_dir = f->keys;
	o.actor = "unit";
	o.date_days = 20454;
	o.date_given = 1;
	cr_assert_eq(mcg_ledger_create(f->db, &o, &err), 0, "%s", err.msg);
	cr_assert_eq(mcg_ledger_open(f->db, f->keys, 0, &f->L, &err), 0, "%s", err.msg);
}

void ledger_fixture_remove(struct fixture *f)
{
	static const char *const names[] = {
		"l.db", "l.db-wal", "l.db-shm", "l.db.keys/checkpoint.key",
		"l.db.keys/checkpoint.pub", "l.db.keys/statement.key",
		"l.db.keys/statement.pub",
	};
	char path[256];

	mcg_ledger_close(f->L);
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", f->root, names[i]);
		unlink(path);
	}
	rmdir(f->keys);
	rmdir(f->root);
}
