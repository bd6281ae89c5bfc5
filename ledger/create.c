/*
 * Creating a ledger file (`mcg init`): see ledger.h.  Apart from
 * ledger.c because it alone reads rules from XML (rules/parse.c): the
 * commands that only open a ledger link without libxml2 (cli/xml_helper.c).
 */
#include "ledger_int.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/rand.h>

#include "audit/keys.h"
#include "apply.h"
#include "journal.h"
#include "money.h"

/* A fresh origin line for the checkpoints: unique per ledger, stable for
 * its life (C2SP tlog-checkpoint asks for a unique origin per log). */
static int make_origin(const char *name, char *out, size_t outsz, mcg_error *err)
{
	unsigned char id[8];
	char slug[33];
	size_t j = 0;

	if (RAND_bytes(id, sizeof(id)) != 1)
		return mcg_error_set(err, MCG_ESYS, "no randomness for the ledger id");
	for (size_t i = 0; name[i] && j < sizeof(slug) - 1; i++) {
		char c = name[i];

		if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
			slug[j++] = c;
		else if (c >= 'A' && c <= 'Z')
			slug[j++] = (char)(c - 'A' + 'a');
		else if (j && slug[j - 1] != '-')
			slug[j++] = '-';
	}
	while (j && slug[j - 1] == '-')
		j--;
	slug[j] = '\0';
	snprintf(out, outsz, "mcg.ledger/%s/%02x%02x%02x%02x%02x%02x%02x%02x",
		 j ? slug : "consortium", id[0], id[1], id[2], id[3], id[4], id[5],
		 id[6], id[7]);
	return MCG_OK;
}

/* An event of `mcg init`: dated and signed as its options say. */
static void init_event(mcg_event *ev, const char *type, const mcg_init_opts *o)
{
	mcg_event_init(ev, type);
	ev->date_days = o->date_days;
	ev->date_given = o->date_given;
	mcg_strlcpy(ev->actor, o->actor, sizeof(ev->actor));
}

static int record_first_events(mcg_ledger *L, const mcg_init_opts *o,
			       const mcg_rules *rules, mcg_error *err)
{
	mcg_event ev;
	char origin[300], text[2048];
	int rc;

	rc = make_origin(o->name, origin, sizeof(origin), err);
	if (rc)
		return rc;
	init_event(&ev, "ledger.init", o);
	rc = mcg_event_add(&ev, "name", o->name);
	rc = rc ? rc : mcg_event_add(&ev, "currency", o->currency);
	rc = rc ? rc : mcg_event_add(&ev, "origin", origin);
	if (rc)
		rc = mcg_error_set(err, rc, "the consortium name is too long");
	rc = rc ? rc : mcg_journal_append(L, &ev, NULL, err);
	mcg_event_free(&ev);
	if (rc)
		return rc;
	init_event(&ev, "rules.load", o);
	rc = mcg_rules_to_text(rules, text, sizeof(text));
	rc = rc ? rc : mcg_event_add(&ev, "rules", text);
	if (rc)
		rc = mcg_error_set(err, MCG_ESYS, "cannot encode the rules");
	rc = rc ? rc : mcg_journal_append(L, &ev, NULL, err);
	mcg_event_free(&ev);
	return rc;
}

/* Undoes mcg_keys_create when the ledger beside the keys could not be
 * made, so that a retry of `mcg init` starts clean. */
static void remove_keys(const char *dir)
{
	static const char *const which[] = { MCG_KEY_CHECKPOINT, MCG_KEY_STATEMENT };
	mcg_buf p = MCG_BUF_INIT;

	for (size_t i = 0; i < 2; i++) {
		for (int priv = 0; priv < 2; priv++) {
			mcg_buf_reset(&p);
			if (mcg_keys_path(dir, which[i], priv, &p) == 0)
				unlink(mcg_buf_str(&p));
		}
	}
	mcg_buf_free(&p);
	rmdir(dir);
}

static int create_schema(mcg_ledger *L, mcg_error *err)
{
	char sql[96];
	int rc = mcg_db_exec(L, mcg_schema_sql, err);

	snprintf(sql, sizeof(sql),
		 "INSERT INTO meta(key, value) VALUES('schema_version', '%d')",
		 MCG_SCHEMA_VERSION);
	return rc ? rc : mcg_db_exec(L, sql, err);
}

/* Everything `mcg init` checks before it writes anything. */
static int check_init(const char *path, const mcg_init_opts *o, int *digits,
		      mcg_rules *rules, mcg_error *err)
{
	struct stat sb;
	int rc;

	if (stat(path, &sb) == 0)
		return mcg_error_set(err, MCG_EINPUT, "'%s' already exists: refusing to overwrite a ledger", path);
	rc = mcg_check_text(o->name, MCG_NAME_MAX, "the consortium name", 1,
			    MCG_INPUT_NEW, err);
	if (rc)
		return rc;
	*digits = mcg_currency_minor_digits(o->currency);
	if (*digits < 0)
		return mcg_error_set(err, MCG_EINPUT,
				     "unknown currency '%.8s': expected an ISO 4217 code such as EUR",
				     o->currency);
	if (o->rules_path)
		return mcg_rules_load_file(o->rules_path, *digits, rules, err);
	return mcg_rules_default(*digits, rules, err);
}

int mcg_ledger_create(const char *path, const mcg_init_opts *o, mcg_error *err)
{
	mcg_ledger *L = NULL;
	mcg_rules rules;
	int digits;
	int keys_made = 0;
	int rc;

	rc = check_init(path, o, &digits, &rules, err);
	if (rc)
		return rc;
	rc = mcg_db_connect(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, &L, err);
	if (rc)
		return rc;
	rc = mcg_db_use_wal(L, err);
	rc = rc ? rc : mcg_ledger_set_keys_dir(L, path, o->keys_dir) ? mcg_error_set(err, MCG_ESYS, "out of memory") : 0;
	rc = rc ? rc : mcg_keys_create(L->keys_dir, err);
	keys_made = rc == 0;
	rc = rc ? rc : mcg_journal_begin(L, err);
	rc = rc ? rc : create_schema(L, err);
	rc = rc ? rc : record_first_events(L, o, &rules, err);
	rc = rc ? rc : mcg_journal_commit(L, err);
	if (rc) {
		mcg_buf wal = MCG_BUF_INIT;

		if (keys_made)
			remove_keys(L->keys_dir);
		mcg_ledger_close(L);
		/* Nothing is left behind: the half-made file and its WAL go. */
		unlink(path);
		mcg_buf_printf(&wal, "%s-wal", path);
		unlink(mcg_buf_str(&wal));
		mcg_buf_reset(&wal);
		mcg_buf_printf(&wal, "%s-shm", path);
		unlink(mcg_buf_str(&wal));
		mcg_buf_free(&wal);
		return rc;
	}
	mcg_ledger_close(L);
	return MCG_OK;
}
