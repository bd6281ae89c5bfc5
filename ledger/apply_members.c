/*
 * Applying the events of the consortium itself: its creation, its rules,
 * its members and banks, their contributions and settlements.
 */
#include "apply.h"

#include <stdio.h>
#include <string.h>

#include "money.h"

static int put_fact(mcg_ledger *L, const char *key, const char *value,
		    mcg_error *err)
{
	sqlite3_stmt *st = mcg_db_stmt(L,
		"INSERT INTO ledger_facts(key, value) VALUES(?1, ?2)", err);

	if (!st)
		return err->code;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, value, -1, SQLITE_STATIC);
	return mcg_db_step_done(L, st, err, "recording the ledger's facts");
}

int mcg_apply_ledger_init(mcg_ledger *L, mcg_event *ev, mcg_error *err)
{
	const char *name, *currency, *origin;
	char digits[12];
	int d;
	int rc;

	if (ev->seq != 1)
		return mcg_error_set(err, MCG_EINPUT, "the ledger is already initialised");
	rc = mcg_field_text(ev, "name", &name, err);
	rc = rc ? rc : mcg_field_text(ev, "currency", &currency, err);
	rc = rc ? rc : mcg_field_text(ev, "origin", &origin, err);
	rc = rc ? rc : mcg_check_text(name, MCG_NAME_MAX, "the consortium name", 1,
				      mcg_input_source(L), err);
	if (rc)
		return rc;
	d = mcg_currency_minor_digits(currency);
	if (d < 0)
		return mcg_error_set(err, MCG_EINPUT,
				     "unknown currency '%.8s': expected an ISO 4217 code such as EUR",
				     currency);
	snprintf(digits, sizeof(digits), "%d", d);
	rc = put_fact(L, "name", name, err);
	rc = rc ? rc : put_fact(L, "currency", currency, err);
	rc = rc ? rc : put_fact(L, "minor_digits", digits, err);
	rc = rc ? rc : put_fact(L, "origin", origin, err);
	rc = rc ? rc : mcg_db_load_meta(L, err);
	return rc;
}

int mcg_apply_rules_load(mcg_ledger *L, mcg_event *ev, mcg_error *err)
{
	const char *text;
	mcg_rules rules;
	int64_t version;
	sqlite3_stmt *st;
	int rc;

	rc = mcg_field_text(ev, "rules", &text, err);
	rc = rc ? rc : mcg_rules_from_text(text, &rules, err);
	rc = rc ? rc : mcg_db_query_int(L, "SELECT COALESCE(MAX(version), 0) + 1 FROM rules_versions",
					NULL, NULL, &version, NULL, err);
	if (rc)
		return rc;
	st = mcg_db_stmt(L, "INSERT INTO rules_versions(version, seq, rules)"
			 " VALUES(?1, ?2, ?3)", err);
	if (!st)
		return err->code;
	sqlite3_bind_int64(st, 1, version);
	sqlite3_bind_int64(st, 2, ev->seq);
	sqlite3_bind_text(st, 3, text, -1, SQLITE_STATIC);
	rc = mcg_db_step_done(L, st, err, "recording the rules");
	if (rc)
		return rc;
	L->rules = rules;
	L->rules_version = version;
	return MCG_OK;
}

/* A NACE code: a section letter A-U, optionally followed by the division
 * and group/class digits ("C", "C23", "C23.3", "C23.31"), or the digits
 * alone ("23.31"). */
static int check_nace(const char *s, mcg_error *err)
{
	const char *p = s;
	int ok = 1;

	if (*p >= 'A' && *p <= 'U')
		p++;
	if (*p) {
		ok = p[0] >= '0' && p[0] <= '9' && p[1] >= '0' && p[1] <= '9';
		p += ok ? 2 : 0;
		if (ok && *p == '.') {
			p++;
			ok = *p >= '0' && *p <= '9';
			p++;
			if (ok && *p >= '0' && *p <= '9')
				p++;
		}
		ok = ok && *p == '\0';
	}
	if (!ok || p == s)
		return mcg_error_set(err, MCG_EINPUT,
				     "bad sector '%.20s': expected a NACE code such as C23.31",
				     s);
	return MCG_OK;
}

int mcg_apply_member_add(mcg_ledger *L, mcg_event *ev, mcg_error *err)
{
	const char *id, *name;
	const char *sector = mcg_event_get(ev, "sector");
	const char *district = mcg_event_get(ev, "district");
	const char *tax_id = mcg_event_get(ev, "tax_id");
	mcg_member_state m;
	sqlite3_stmt *st;
	int rc;

	rc = mcg_field_text(ev, "member", &id, err);
	rc = rc ? rc : mcg_field_text(ev, "name", &name, err);
	rc = rc ? rc : mcg_check_id(id, "member", err);
	rc = rc ? rc : mcg_check_text(name, MCG_NAME_MAX, "member name", 1,
				      mcg_input_source(L), err);
	if (!rc && sector)
		rc = check_nace(sector, err);
	if (!rc && district)
		rc = mcg_check_text(district, MCG_NAME_MAX, "district", 1,
				    mcg_input_source(L), err);
	if (!rc && tax_id)
		rc = mcg_check_text(tax_id, 32, "tax id", 1, mcg_input_source(L), err);
	rc = rc ? rc : mcg_member_state_get(L, id, &m, err);
	if (rc)
		return rc;
	if (m.exists)
		return mcg_error_set(err, MCG_EINPUT, "member '%s' already exists", id);
	st = mcg_db_stmt(L, "INSERT INTO members(id, name, sector, district, tax_id,"
			 " status, joined) VALUES(?1, ?2, ?3, ?4, ?5, 'active', ?6)", err);
	if (!st)
		return err->code;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
	mcg_db_bind_text_or_null(st, 3, sector);
	mcg_db_bind_text_or_null(st, 4, district);
	mcg_db_bind_text_or_null(st, 5, tax_id);
	sqlite3_bind_int(st, 6, ev->date_days);
	return mcg_db_step_done(L, st, err, "adding a member");
}

/* Why a member may not withdraw yet, or "" if it may. */
static int withdraw_blocker(mcg_ledger *L, const char *id, char *why,
			    size_t whysz, mcg_error *err)
{
	int64_t n;
	int rc;

	why[0] = '\0';
	rc = mcg_db_query_int(L, "SELECT COUNT(*) FROM loans WHERE borrower = ?1"
			      " AND status IN ('applied','active','defaulted','called')",
			      id, NULL, &n, NULL, err);
	if (rc)
		return rc;
	if (n > 0) {
		snprintf(why, whysz, "it has %lld loan(s) still applied, active, defaulted or called",
			 (long long)n);
		return MCG_OK;
	}
	rc = mcg_db_query_int(L, "SELECT COUNT(*) FROM pledges p JOIN loan_state l ON l.id = p.loan"
			      " WHERE p.member = ?1 AND l.status IN ('active','defaulted')",
			      id, NULL, &n, NULL, err);
	if (rc)
		return rc;
	if (n > 0)
		snprintf(why, whysz, "it has pledged for %lld active or defaulted loan(s)",
			 (long long)n);
	return MCG_OK;
}

int mcg_apply_member_withdraw(mcg_ledger *L, mcg_event *ev, mcg_error *err)
{
	const char *id;
	mcg_member_state m;
	char why[160], account[MCG_ACCOUNT_MAX + 1];
	sqlite3_stmt *st;
	int rc;

	rc = mcg_field_text(ev, "member", &id, err);
	rc = rc ? rc : mcg_member_require_active(L, id, "member", &m, err);
	rc = rc ? rc : withdraw_blocker(L, id, why, sizeof(why), err);
	if (rc)
		return rc;
	if (why[0])
		return mcg_error_set(err, MCG_EINPUT, "member '%s' cannot withdraw: %s",
				     id, why);
	if (m.due_minor != 0) {
		char a[MCG_AMOUNT_TEXT_MAX];

		return mcg_error_set(err, MCG_EINPUT,
				     "member '%s' cannot withdraw: its due balance is %s, settle it first",
				     id, mcg_amount_format_grouped(m.due_minor, L->minor_digits, a));
	}
	/* Its capital is paid back: capital:M +C, cash -C. */
	mcg_account_name(account, sizeof(account), "capital", id);
	rc = mcg_event_post(ev, account, m.capital_minor, err);
	rc = rc ? rc : mcg_event_post(ev, "cash", -m.capital_minor, err);
	if (rc)
		return rc;
	st = mcg_db_stmt(L, "UPDATE members SET status = 'withdrawn' WHERE id = ?1", err);
	if (!st)
		return err->code;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	return mcg_db_step_done(L, st, err, "withdrawing a member");
}

/*
 * ISO 9362: an 8-character BIC is its institution's main office, the same
 * as that BIC with the branch code XXX; any other branch code is another
 * branch.  The other spelling of the same institution's BIC into other
 * (12 bytes): 1, or 0 when a BIC has none (a branch other than XXX, or not
 * a BIC's length at all).
 */
static int other_bic_spelling(const char *bic, char other[12])
{
	size_t n = strlen(bic);

	if (n == 8)
		snprintf(other, 12, "%sXXX", bic);
	else if (n == 11 && strcmp(bic + 8, "XXX") == 0)
		snprintf(other, 12, "%.8s", bic);
	else
		return 0;
	return 1;
}

/* Whether the other spelling of bic is registered, into *found. */
static int other_bic_registered(mcg_ledger *L, const char *bic, char other[12], int64_t *found,
				mcg_error *err)
{
	*found = 0;
	if (!other_bic_spelling(bic, other))
		return MCG_OK;
	return mcg_db_query_int(L, "SELECT COUNT(*) FROM banks WHERE bic = ?1",
				other, NULL, found, NULL, err);
}

int mcg_bank_unknown(mcg_ledger *L, const char *bic, mcg_error *err)
{
	char other[12];
	int64_t found;
	int rc = other_bic_registered(L, bic, other, &found, err);

	if (rc)
		return rc;
	if (found)
		return mcg_error_set(err, MCG_EINPUT,
				     "bank '%s' is not known; %s is (the same bank: an 8-character"
				     " BIC is the same as its XXX branch)", bic, other);
	return mcg_error_set(err, MCG_EINPUT, "bank '%.40s' is not known", bic);
}

/* Two banks rows for one institution would split its guarantees across
 * two statements, so the other spelling of one already registered is
 * refused.  Only for new input: a ledger that recorded both before this
 * check must still replay (`mcg check`). */
static int check_same_bank(mcg_ledger *L, const char *bic, mcg_error *err)
{
	char other[12];
	int64_t found;
	int rc = other_bic_registered(L, bic, other, &found, err);

	if (rc)
		return rc;
	if (found)
		return mcg_error_set(err, MCG_EINPUT,
				     "bank %s is %s, already registered (an 8-character BIC is"
				     " the same as its XXX branch)", bic, other);
	return MCG_OK;
}

int mcg_apply_bank_add(mcg_ledger *L, mcg_event *ev, mcg_error *err)
{
	const char *bic, *name;
	int64_t n;
	sqlite3_stmt *st;
	int rc;

	rc = mcg_field_text(ev, "bic", &bic, err);
	rc = rc ? rc : mcg_field_text(ev, "name", &name, err);
	rc = rc ? rc : mcg_check_bic(bic, err);
	rc = rc ? rc : mcg_check_text(name, MCG_NAME_MAX, "bank name", 1,
				      mcg_input_source(L), err);
	rc = rc ? rc : mcg_db_query_int(L, "SELECT COUNT(*) FROM banks WHERE bic = ?1",
					bic, NULL, &n, NULL, err);
	if (rc)
		return rc;
	if (n)
		return mcg_error_set(err, MCG_EINPUT, "bank '%s' already exists", bic);
	rc = mcg_input_source(L) == MCG_INPUT_NEW ? check_same_bank(L, bic, err) : MCG_OK;
	if (rc)
		return rc;
	st = mcg_db_stmt(L, "INSERT INTO banks(bic, name) VALUES(?1, ?2)", err);
	if (!st)
		return err->code;
	sqlite3_bind_text(st, 1, bic, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
	return mcg_db_step_done(L, st, err, "adding a bank");
}

int mcg_apply_contribute(mcg_ledger *L, mcg_event *ev, mcg_error *err)
{
	const char *id, *kind;
	int64_t amount;
	mcg_member_state m;
	char account[MCG_ACCOUNT_MAX + 1];
	int rc;

	rc = mcg_field_text(ev, "member", &id, err);
	rc = rc ? rc : mcg_field_text(ev, "kind", &kind, err);
	rc = rc ? rc : mcg_field_positive(ev, "amount", &amount, err);
	if (rc)
		return rc;
	if (strcmp(kind, "capital") == 0)
		mcg_account_name(account, sizeof(account), "capital", id);
	else if (strcmp(kind, "fund") == 0)
		mcg_strlcpy(account, "fund", sizeof(account));
	else
		return mcg_error_set(err, MCG_EINPUT,
				     "bad kind '%.20s': expected capital or fund", kind);
	rc = mcg_member_require_active(L, id, "member", &m, err);
	rc = rc ? rc : mcg_event_post(ev, "cash", amount, err);
	rc = rc ? rc : mcg_event_post(ev, account, -amount, err);
	return rc;
}

int mcg_apply_settle(mcg_ledger *L, mcg_event *ev, mcg_error *err)
{
	const char *id;
	int64_t amount, owed;
	mcg_member_state m;
	char account[MCG_ACCOUNT_MAX + 1], a[MCG_AMOUNT_TEXT_MAX], b[MCG_AMOUNT_TEXT_MAX];
	int rc;

	rc = mcg_field_text(ev, "member", &id, err);
	rc = rc ? rc : mcg_field_positive(ev, "amount", &amount, err);
	rc = rc ? rc : mcg_member_state_get(L, id, &m, err);
	if (rc)
		return rc;
	if (!m.exists)
		return mcg_error_set(err, MCG_EINPUT, "member '%s' is not a known member", id);
	if (m.due_minor == 0)
		return mcg_error_set(err, MCG_EINPUT,
				     "member '%s' has nothing to settle: its due balance is 0", id);
	/* |due| of INT64_MIN cannot be negated; no real due comes near it. */
	if (m.due_minor == INT64_MIN)
		return mcg_error_set(err, MCG_EINPUT, "due balance of '%s' out of range", id);
	owed = m.due_minor > 0 ? m.due_minor : -m.due_minor;
	if (amount > owed)
		return mcg_error_set(err, MCG_EINPUT,
				     "settlement %s is more than the %s %s",
				     mcg_amount_format_grouped(amount, L->minor_digits, a),
				     m.due_minor > 0 ? "member owes" : "consortium owes it",
				     mcg_amount_format_grouped(owed, L->minor_digits, b));
	mcg_account_name(account, sizeof(account), "due", id);
	if (m.due_minor > 0) {
		rc = mcg_event_post(ev, "cash", amount, err);
		rc = rc ? rc : mcg_event_post(ev, account, -amount, err);
	} else {
		rc = mcg_event_post(ev, account, amount, err);
		rc = rc ? rc : mcg_event_post(ev, "cash", -amount, err);
	}
	return rc;
}
