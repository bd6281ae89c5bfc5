/* Dispatch of events to their apply functions, and shared checks. */
#include "apply.h"

#include <stdio.h>
#include <string.h>

#include "money.h"
#include "utf8.h"

struct handler {
	const char *type;
	int (*apply)(mcg_ledger *L, mcg_event *ev, mcg_error *err);
	/* Changes loans only through the loan cache (mcg_loan_get,
	 * mcg_loan_update, mcg_loan_set_dpd) and reads no loans or totals
	 * row with SQL, so its loan changes may wait in the cache
	 * (loan_cache.c).  These are the events of a bank's report, the
	 * whole of an import: were one of them not write-back, every such
	 * row in a file would write all the loans changed before it. */
	int write_back;
};

/* The events of a bank's report first: mcg_apply compares in order, and
 * they are almost all of what an import records. */
static const struct handler handlers[] = {
	{ "repay", mcg_apply_repay, 1 },
	{ "arrears", mcg_apply_arrears, 1 },
	{ "call", mcg_apply_call, 1 },
	{ "recover", mcg_apply_recover, 1 },
	{ "ledger.init", mcg_apply_ledger_init, 0 },
	{ "rules.load", mcg_apply_rules_load, 0 },
	{ "member.add", mcg_apply_member_add, 0 },
	{ "member.withdraw", mcg_apply_member_withdraw, 0 },
	{ "bank.add", mcg_apply_bank_add, 0 },
	{ "contribute", mcg_apply_contribute, 0 },
	{ "settle", mcg_apply_settle, 0 },
	/* The life of a loan: apply_loans.c and apply_guarantee.c. */
	{ "loan.add", mcg_apply_loan_add, 0 },
	{ "assess", mcg_apply_assess, 0 },
	{ "guarantee", mcg_apply_guarantee, 0 },
	{ "writeoff", mcg_apply_writeoff, 1 },
};

int mcg_apply(mcg_ledger *L, mcg_event *ev, mcg_error *err)
{
	for (size_t i = 0; i < sizeof(handlers) / sizeof(handlers[0]); i++) {
		const struct handler *h = &handlers[i];
		int rc;

		if (strcmp(h->type, ev->type) != 0)
			continue;
		/* Any other event may read the loans and totals tables with
		 * SQL: they must hold what the cache holds first. */
		if (!h->write_back) {
			rc = mcg_journal_flush(L, err);
			if (rc)
				return rc;
		}
		L->txn.write_back = h->write_back && L->in_txn;
		rc = h->apply(L, ev, err);
		L->txn.write_back = 0;
		return rc;
	}
	return mcg_error_set(err, MCG_EINPUT, "unknown event type '%s'", ev->type);
}

int mcg_field_text(const mcg_event *ev, const char *key, const char **out,
		   mcg_error *err)
{
	*out = mcg_event_get(ev, key);
	if (!*out)
		return mcg_error_set(err, MCG_EINPUT, "%s: '%s' is missing",
				     ev->type, key);
	return MCG_OK;
}

int mcg_field_positive(const mcg_event *ev, const char *key, int64_t *out,
		       mcg_error *err)
{
	int rc = mcg_event_get_int(ev, key, out, err);

	if (rc)
		return rc;
	if (*out <= 0)
		return mcg_error_set(err, MCG_EINPUT, "%s: %s must be greater than 0",
				     ev->type, key);
	return MCG_OK;
}

void mcg_account_name(char *out, size_t outsz, const char *kind,
		      const char *id)
{
	snprintf(out, outsz, "%s:%s", kind, id);
}

int mcg_member_state_get(mcg_ledger *L, const char *id, mcg_member_state *out,
			 mcg_error *err)
{
	sqlite3_stmt *st = mcg_db_stmt(L, "SELECT status FROM members WHERE id = ?1", err);
	char account[MCG_ACCOUNT_MAX + 1];
	int rc;

	memset(out, 0, sizeof(*out));
	if (!st)
		return err->code;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		out->exists = 1;
		out->active = strcmp((const char *)sqlite3_column_text(st, 0), "active") == 0;
	} else if (rc != SQLITE_DONE) {
		sqlite3_reset(st);
		return mcg_db_error(L, err, "reading a member");
	}
	sqlite3_reset(st);
	if (!out->exists)
		return MCG_OK;
	mcg_account_name(account, sizeof(account), "capital", id);
	rc = mcg_db_balance(L, account, &out->capital_minor, err);
	if (rc)
		return rc;
	out->capital_minor = -out->capital_minor;
	mcg_account_name(account, sizeof(account), "due", id);
	return mcg_db_balance(L, account, &out->due_minor, err);
}

int mcg_member_require_active(mcg_ledger *L, const char *id, const char *role,
			      mcg_member_state *out, mcg_error *err)
{
	int rc = mcg_member_state_get(L, id, out, err);

	if (rc)
		return rc;
	if (!out->exists)
		return mcg_error_set(err, MCG_EINPUT, "%s '%s' is not a known member",
				     role, id);
	if (!out->active)
		return mcg_error_set(err, MCG_EINPUT,
				     "%s '%s' has withdrawn and is no longer an active member",
				     role, id);
	return MCG_OK;
}

int mcg_check_id(const char *id, const char *what, mcg_error *err)
{
	size_t n = strlen(id);

	if (n == 0 || n > 32)
		return mcg_error_set(err, MCG_EINPUT,
				     "bad %s id '%.40s': must be 1 to 32 characters", what, id);
	for (size_t i = 0; i < n; i++) {
		char c = id[i];

		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		      (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-'))
			return mcg_error_set(err, MCG_EINPUT,
					     "bad %s id '%.40s': character %zu is not one of A-Z a-z 0-9 . _ -",
					     what, id, i + 1);
	}
	return MCG_OK;
}

static int is_upper(char c) { return c >= 'A' && c <= 'Z'; }
static int is_digit(char c) { return c >= '0' && c <= '9'; }

int mcg_check_bic(const char *bic, mcg_error *err)
{
	size_t n = strlen(bic);
	int ok = n == 8 || n == 11;

	for (size_t i = 0; ok && i < n; i++)
		ok = i < 6 ? is_upper(bic[i]) : (is_upper(bic[i]) || is_digit(bic[i]));
	if (!ok)
		return mcg_error_set(err, MCG_EINPUT,
				     "bad BIC '%.40s': expected ISO 9362, 8 or 11 characters: 6 letters A-Z then letters or digits",
				     bic);
	return MCG_OK;
}

/*
 * Characters that let one name display as another (Unicode Technical
 * Report 36, Unicode Security Considerations): the bidirectional
 * embeddings, overrides and isolates, which reorder what follows them
 * ("Acme" followed by U+202E shows the rest backwards), and invisible
 * characters, which make two names that look the same differ.  Not U+200C
 * and U+200D, the zero width non-joiner and joiner: scripts such as
 * Persian and the Indic ones, and emoji sequences, need them.  What the
 * character is, or NULL when it is none of them.
 */
static const char *deceptive_char(unsigned long v)
{
	if ((v >= 0x202A && v <= 0x202E) || (v >= 0x2066 && v <= 0x2069))
		return "a bidirectional control";
	if (v == 0x200B || v == 0x2060 || v == 0xFEFF)
		return "an invisible character";
	return NULL;
}

/* A space (Unicode's category Zs): a name of nothing else is blank. */
static int is_space_char(unsigned long v)
{
	return v == 0x20 || v == 0xA0 || v == 0x1680 || (v >= 0x2000 && v <= 0x200A) ||
	       v == 0x202F || v == 0x205F || v == 0x3000;
}

int mcg_input_source(const mcg_ledger *L)
{
	return L->replaying ? MCG_INPUT_STORED : MCG_INPUT_NEW;
}

int mcg_check_text(const char *text, size_t max, const char *what,
		   int required, int source, mcg_error *err)
{
	size_t n = strlen(text);
	const unsigned char *p = (const unsigned char *)text;
	int blank = 1;

	if (required && n == 0)
		return mcg_error_set(err, MCG_EINPUT, "%s must not be empty", what);
	if (n > max)
		return mcg_error_set(err, MCG_EINPUT,
				     "%s is too long (%zu bytes, limit %zu)", what, n, max);
	for (size_t i = 0, len; i < n; i += len) {
		unsigned long v = 0;
		size_t bad;
		const char *kind;

		len = mcg_utf8_char(p + i, n - i, &v, &bad);
		if (len == 0)
			return mcg_error_set(err, MCG_EINPUT,
					     "%s is not valid UTF-8 (byte %zu)", what, i + 1);
		/* C0 controls and DEL, and the C1 controls U+0080 to U+009F:
		 * a terminal may take U+009B as the start of an escape
		 * sequence when a list prints the name. */
		if (v < 0x20 || (v >= 0x7F && v <= 0x9F))
			return mcg_error_set(err, MCG_EINPUT,
					     "%s has a control character at byte %zu (U+%04lX)",
					     what, i + 1, v);
		blank = blank && is_space_char(v);
		/* What follows was accepted before it was refused: an event
		 * recorded then must still replay (`mcg check`), so only new
		 * input meets it. */
		if (source != MCG_INPUT_NEW)
			continue;
		/* U+FFFE, U+FFFF: a name is written into signed XML documents,
		 * which could then never be made (events are never changed). */
		if (!mcg_xml_char_allowed(v))
			return mcg_error_set(err, MCG_EINPUT,
					     "%s has a character XML does not allow at byte %zu (U+%04lX)",
					     what, i + 1, v);
		kind = deceptive_char(v);
		if (kind)
			return mcg_error_set(err, MCG_EINPUT,
					     "%s has %s at byte %zu (U+%04lX), which can make one"
					     " name display as another", what, kind, i + 1, v);
	}
	if (source == MCG_INPUT_NEW && n > 0 && blank)
		return mcg_error_set(err, MCG_EINPUT, "%s is blank: it has only spaces", what);
	/* A name goes into CSV (member list): a spreadsheet opening it runs a
	 * cell that begins so as a formula (CSV injection), which could send
	 * the sheet's data elsewhere.  mcg's CSV is data for programs too
	 * (CLI.md), so it is kept exact and such text refused here instead. */
	if (source == MCG_INPUT_NEW && n > 0 && strchr("=+-@", text[0]))
		return mcg_error_set(err, MCG_EINPUT,
				     "%s begins with '%c': a spreadsheet opening mcg's CSV would"
				     " take it for a formula; write it without the leading '%c'",
				     what, text[0], text[0]);
	return MCG_OK;
}
