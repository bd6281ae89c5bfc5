/*
 * Read-side views of the state: exposure, guarantees, peer scores and
 * calibration (see query.h).
 *
 * The state tables are the projection the apply functions maintain
 * (schema.c): loans.ga (loan_state.ga) is always GA of DOMAIN.md section 4, balances hold
 * every account.  These functions only read them.
 *
 * Speed.  One member's exposure goes through loan_terms_borrower and
 * pledges_member and then primary keys, so its cost does not grow with the
 * portfolio.  The whole portfolio is aggregated in one merge pass over the
 * loans, the deposit balances and the pledges, all in loan id order (see
 * iter_merge_loans), never a query per member or per loan.
 */
#include "query.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "date.h"
#include "key_cursor.h"
#include "ledger_int.h"
#include "money.h"

/* ---- small helpers -------------------------------------------------------- */

static void col_copy(sqlite3_stmt *st, int i, char *dst, size_t dstsz)
{
	const unsigned char *s = sqlite3_column_text(st, i);

	/* Ids and statuses were checked on the way in; a longer value can
	 * only come from a damaged file and is shown cut, never overflowed. */
	mcg_strlcpy(dst, s ? (const char *)s : "", dstsz);
}

static int overflow(mcg_error *err, const char *what, const char *id)
{
	return mcg_error_set(err, MCG_EINTEGRITY,
			     "the %s of '%s' is out of range: the state is damaged",
			     what, id);
}

/* out = -balance, refusing the one value that cannot be negated. */
static int negate(int64_t v, int64_t *out)
{
	if (v == INT64_MIN)
		return MCG_EINTEGRITY;
	*out = -v;
	return MCG_OK;
}

static int account_balance(mcg_ledger *L, const char *kind, const char *id,
			   int64_t *out, mcg_error *err)
{
	char account[MCG_ACCOUNT_MAX + 1];

	snprintf(account, sizeof(account), "%s:%s", kind, id);
	return mcg_db_balance(L, account, out, err);
}

/* A growable array of pledges of one loan, reused from loan to loan. */
struct pledge_set {
	int64_t *amount;
	int64_t *part;
	size_t *who;              /* the member's index (iterator) */
	size_t n, cap;
};

static int pledge_set_push(struct pledge_set *p, int64_t amount, size_t who)
{
	if (p->n == p->cap) {
		size_t cap = p->cap ? p->cap * 2 : 16;
		int64_t *a = realloc(p->amount, cap * sizeof(*a));
		int64_t *b;
		size_t *w;

		if (!a)
			return MCG_ESYS;
		p->amount = a;
		b = realloc(p->part, cap * sizeof(*b));
		if (!b)
			return MCG_ESYS;
		p->part = b;
		w = realloc(p->who, cap * sizeof(*w));
		if (!w)
			return MCG_ESYS;
		p->who = w;
		p->cap = cap;
	}
	p->amount[p->n] = amount;
	p->who[p->n] = who;
	p->n++;
	return MCG_OK;
}

static void pledge_set_free(struct pledge_set *p)
{
	free(p->amount);
	free(p->part);
	free(p->who);
	memset(p, 0, sizeof(*p));
}

/*
 * Allocates min(GA, Σ pledges) among the pledges of one loan by pledge
 * (DOMAIN.md section 6).  The pledges are in member id order, so
 * mcg_allocate's "lower index wins a tie" is the section's tie rule.
 */
static int pledge_set_allocate(struct pledge_set *p, int64_t ga_minor,
			       int64_t *total_out, const char *loan,
			       mcg_error *err)
{
	int64_t total = 0, at_risk;

	for (size_t i = 0; i < p->n; i++)
		if (p->amount[i] <= 0 || mcg_add(total, p->amount[i], &total))
			return overflow(err, "pledges", loan);
	at_risk = ga_minor < total ? ga_minor : total;
	if (at_risk < 0)
		at_risk = 0;
	if (total_out)
		*total_out = total;
	if (p->n == 0)
		return MCG_OK;
	if (mcg_allocate(at_risk, p->amount, p->n, p->part))
		return overflow(err, "pledges", loan);
	return MCG_OK;
}

/* ---- one member's exposure ---------------------------------------------- */

static int exposure_member_row(mcg_ledger *L, const char *member,
			       mcg_exposure *out, mcg_error *err)
{
	sqlite3_stmt *st = mcg_db_stmt(L, "SELECT name, status FROM members WHERE id = ?1", err);
	int rc;

	if (!st)
		return err->code;
	sqlite3_bind_text(st, 1, member, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		col_copy(st, 0, out->name, sizeof(out->name));
		out->active = strcmp((const char *)sqlite3_column_text(st, 1), "active") == 0;
	}
	sqlite3_reset(st);
	if (rc == SQLITE_DONE)
		return mcg_error_set(err, MCG_EINPUT, "member '%.40s' is not a known member",
				     member);
	if (rc != SQLITE_ROW)
		return mcg_db_error(L, err, "reading a member");
	return MCG_OK;
}

static int counts_as_borrowed(const char *status)
{
	return strcmp(status, "applied") == 0 || strcmp(status, "active") == 0 ||
	       strcmp(status, "defaulted") == 0;
}

static int counts_as_pledged(const char *status)
{
	return strcmp(status, "active") == 0 || strcmp(status, "defaulted") == 0;
}

/*
 * Room for one more element in a growing array of n used and *cap
 * allocated elements of elem bytes: returns the array (moved if it had
 * to grow, doubling from first_cap), or NULL when memory runs out, the old
 * array then still valid and owned by the caller.
 */
static void *reserve_one(void *items, size_t n, size_t *cap, size_t elem,
			 size_t first_cap)
{
	size_t ncap;
	void *p;

	if (n < *cap)
		return items;
	ncap = *cap ? *cap * 2 : first_cap;
	p = realloc(items, ncap * elem);
	if (p)
		*cap = ncap;
	return p;
}

static int exposure_loans(mcg_ledger *L, mcg_exposure *e, mcg_error *err)
{
	/* loan_terms_borrower holds (borrower, id, bank, principal): this
	 * walks the member's loans in id order without touching anyone
	 * else's. */
	sqlite3_stmt *st = mcg_db_stmt(L,
		"SELECT id, bank, status, principal, outstanding, ga FROM loans"
		" WHERE borrower = ?1 ORDER BY id", err);
	size_t cap = 0;
	int step, rc = MCG_OK;

	if (!st)
		return err->code;
	sqlite3_bind_text(st, 1, e->member, -1, SQLITE_STATIC);
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		mcg_exposure_loan *l;

		{
			void *grown = reserve_one(e->loans, e->n_loans, &cap,
						  sizeof(*e->loans), 8);

			if (!grown) {
				rc = mcg_error_set(err, MCG_ESYS, "out of memory");
				break;
			}
			e->loans = grown;
		}
		l = &e->loans[e->n_loans++];
		memset(l, 0, sizeof(*l));
		col_copy(st, 0, l->loan, sizeof(l->loan));
		col_copy(st, 1, l->bank, sizeof(l->bank));
		col_copy(st, 2, l->status, sizeof(l->status));
		l->principal_minor = sqlite3_column_int64(st, 3);
		l->outstanding_minor = sqlite3_column_int64(st, 4);
		l->ga_minor = sqlite3_column_int64(st, 5);
		if (counts_as_borrowed(l->status) &&
		    mcg_add(e->borrowed_minor, l->outstanding_minor, &e->borrowed_minor)) {
			rc = overflow(err, "borrowed total", e->member);
			break;
		}
		if (mcg_add(e->guaranteed_minor, l->ga_minor, &e->guaranteed_minor)) {
			rc = overflow(err, "guaranteed total", e->member);
			break;
		}
	}
	sqlite3_reset(st);
	if (!rc && step != SQLITE_DONE)
		return mcg_db_error(L, err, "reading a member's loans");
	/* The deposits, by primary key, once the loan cursor is closed (the
	 * balance statement is a different cached statement, but stepping
	 * after the loop keeps each statement's life simple). */
	for (size_t i = 0; !rc && i < e->n_loans; i++) {
		mcg_exposure_loan *l = &e->loans[i];
		int64_t balance;

		rc = account_balance(L, "deposit", l->loan, &balance, err);
		if (rc)
			break;
		if (negate(balance, &l->deposit_minor) ||
		    mcg_add(e->deposit_minor, l->deposit_minor, &e->deposit_minor))
			rc = overflow(err, "deposit total", e->member);
	}
	return rc;
}

/* M's part of one loan's pledges at risk; *total the loan's Σ pledges. */
static int pledge_part(mcg_ledger *L, mcg_exposure_pledge *p, const char *member,
		       struct pledge_set *set, mcg_error *err)
{
	sqlite3_stmt *st = mcg_db_stmt(L,
		"SELECT member, amount FROM pledges WHERE loan = ?1 ORDER BY member", err);
	size_t mine = SIZE_MAX;
	int step, rc = MCG_OK;

	if (!st)
		return err->code;
	set->n = 0;
	sqlite3_bind_text(st, 1, p->loan, -1, SQLITE_STATIC);
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		if (strcmp((const char *)sqlite3_column_text(st, 0), member) == 0)
			mine = set->n;
		if (pledge_set_push(set, sqlite3_column_int64(st, 1), set->n)) {
			rc = mcg_error_set(err, MCG_ESYS, "out of memory");
			break;
		}
	}
	sqlite3_reset(st);
	if (!rc && step != SQLITE_DONE)
		return mcg_db_error(L, err, "reading the pledges of a loan");
	if (rc)
		return rc;
	rc = pledge_set_allocate(set, p->ga_minor, &p->pledges_total_minor, p->loan, err);
	if (rc)
		return rc;
	if (mine == SIZE_MAX)
		return mcg_error_set(err, MCG_EINTEGRITY,
				     "the pledge of '%s' on loan '%s' vanished while reading",
				     member, p->loan);
	p->at_risk_minor = counts_as_pledged(p->status) ? set->part[mine] : 0;
	return MCG_OK;
}

static int exposure_pledges(mcg_ledger *L, mcg_exposure *e, mcg_error *err)
{
	sqlite3_stmt *st = mcg_db_stmt(L,
		"SELECT p.loan, l.borrower, l.status, p.amount, l.ga, p.loss, p.recovered"
		" FROM pledges p JOIN loans l ON l.id = p.loan"
		" WHERE p.member = ?1 ORDER BY p.loan", err);
	struct pledge_set set = { 0 };
	size_t cap = 0;
	int step, rc = MCG_OK;

	if (!st)
		return err->code;
	sqlite3_bind_text(st, 1, e->member, -1, SQLITE_STATIC);
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		mcg_exposure_pledge *p;

		{
			void *grown = reserve_one(e->pledges, e->n_pledges, &cap,
						  sizeof(*e->pledges), 8);

			if (!grown) {
				rc = mcg_error_set(err, MCG_ESYS, "out of memory");
				break;
			}
			e->pledges = grown;
		}
		p = &e->pledges[e->n_pledges++];
		memset(p, 0, sizeof(*p));
		col_copy(st, 0, p->loan, sizeof(p->loan));
		col_copy(st, 1, p->borrower, sizeof(p->borrower));
		col_copy(st, 2, p->status, sizeof(p->status));
		p->pledge_minor = sqlite3_column_int64(st, 3);
		p->ga_minor = sqlite3_column_int64(st, 4);
		p->loss_minor = sqlite3_column_int64(st, 5);
		p->recovered_minor = sqlite3_column_int64(st, 6);
	}
	sqlite3_reset(st);
	if (!rc && step != SQLITE_DONE)
		rc = mcg_db_error(L, err, "reading a member's pledges");
	for (size_t i = 0; !rc && i < e->n_pledges; i++) {
		mcg_exposure_pledge *p = &e->pledges[i];

		rc = pledge_part(L, p, e->member, &set, err);
		if (!rc && mcg_add(e->pledged_minor, p->at_risk_minor, &e->pledged_minor))
			rc = overflow(err, "pledged total", e->member);
	}
	pledge_set_free(&set);
	return rc;
}

static int exposure_accounts(mcg_ledger *L, mcg_exposure *e, mcg_error *err)
{
	int64_t capital;
	int rc;

	rc = account_balance(L, "due", e->member, &e->due_minor, err);
	rc = rc ? rc : account_balance(L, "capital", e->member, &capital, err);
	if (rc)
		return rc;
	if (negate(capital, &e->capital_minor))
		return overflow(err, "capital", e->member);
	return MCG_OK;
}

int mcg_exposure_get(mcg_ledger *L, const char *member, mcg_exposure *out,
		     mcg_error *err)
{
	int own_txn = 0;
	int rc;

	memset(out, 0, sizeof(*out));
	if (strlen(member) >= sizeof(out->member))
		return mcg_error_set(err, MCG_EINPUT, "member '%.40s' is not a known member",
				     member);
	mcg_strlcpy(out->member, member, sizeof(out->member));
	/* One read transaction: every figure is of the same moment. */
	if (sqlite3_get_autocommit(L->db)) {
		rc = mcg_db_exec(L, "BEGIN", err);
		if (rc)
			return rc;
		own_txn = 1;
	}
	rc = exposure_member_row(L, member, out, err);
	rc = rc ? rc : exposure_loans(L, out, err);
	rc = rc ? rc : exposure_pledges(L, out, err);
	rc = rc ? rc : exposure_accounts(L, out, err);
	if (own_txn)
		sqlite3_exec(L->db, "COMMIT", NULL, NULL, NULL);
	if (rc)
		mcg_exposure_free(out);
	return rc;
}

void mcg_exposure_free(mcg_exposure *e)
{
	if (!e)
		return;
	free(e->loans);
	free(e->pledges);
	e->loans = NULL;
	e->pledges = NULL;
	e->n_loans = e->n_pledges = 0;
}

/* ---- every member's exposure ---------------------------------------------- */

struct member_acc {
	char id[MCG_ID_TEXT_MAX];
	int64_t borrowed, guaranteed, pledged, due, deposit, capital;
};

struct mcg_exposure_iter {
	mcg_ledger *L;
	int own_txn;
	struct member_acc *acc;   /* sorted by id, byte order */
	size_t n, next;
	sqlite3_stmt *members;    /* id, name, status in id order */
};

static int acc_cmp(const void *key, const void *elem)
{
	return strcmp(key, ((const struct member_acc *)elem)->id);
}

static struct member_acc *acc_find(mcg_exposure_iter *it, const char *id)
{
	if (!id)
		return NULL;
	return bsearch(id, it->acc, it->n, sizeof(*it->acc), acc_cmp);
}

static int iter_load_members(mcg_exposure_iter *it, mcg_error *err)
{
	sqlite3_stmt *st;
	size_t cap = 0;
	int step, rc = MCG_OK;

	if (sqlite3_prepare_v2(it->L->db, "SELECT id FROM members ORDER BY id", -1, &st,
			       NULL) != SQLITE_OK)
		return mcg_db_error(it->L, err, "reading the members");
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		{
			void *grown = reserve_one(it->acc, it->n, &cap,
						  sizeof(*it->acc), 64);

			if (!grown) {
				rc = mcg_error_set(err, MCG_ESYS, "out of memory");
				break;
			}
			it->acc = grown;
		}
		memset(&it->acc[it->n], 0, sizeof(it->acc[it->n]));
		col_copy(st, 0, it->acc[it->n].id, sizeof(it->acc[it->n].id));
		it->n++;
	}
	if (!rc && step != SQLITE_DONE)
		rc = mcg_db_error(it->L, err, "reading the members");
	sqlite3_finalize(st);
	return rc;
}

/* due and capital: a range of the balances' primary key each. */
static int iter_load_accounts(mcg_exposure_iter *it, mcg_error *err)
{
	sqlite3_stmt *st;
	int step, rc = MCG_OK;

	if (sqlite3_prepare_v2(it->L->db,
			       "SELECT account, balance FROM balances"
			       " WHERE (account >= 'capital:' AND account < 'capital;')"
			       " OR (account >= 'due:' AND account < 'due;')", -1, &st,
			       NULL) != SQLITE_OK)
		return mcg_db_error(it->L, err, "reading the balances");
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		const char *account = (const char *)sqlite3_column_text(st, 0);
		int64_t b = sqlite3_column_int64(st, 1);
		int capital = strncmp(account, "capital:", 8) == 0;
		struct member_acc *a = acc_find(it, account + (capital ? 8 : 4));

		/* An account of a member that is not in the table cannot be
		 * (accounts are only posted for members); skip rather than guess. */
		if (!a)
			continue;
		if (!capital)
			a->due = b;
		else if (negate(b, &a->capital)) {
			rc = overflow(err, "capital", a->id);
			break;
		}
	}
	if (!rc && step != SQLITE_DONE)
		rc = mcg_db_error(it->L, err, "reading the balances");
	sqlite3_finalize(st);
	return rc;
}

static int flush_loan_pledges(mcg_exposure_iter *it, struct pledge_set *set,
			      int64_t ga, const char *loan, mcg_error *err)
{
	int rc = pledge_set_allocate(set, ga, NULL, loan, err);

	for (size_t i = 0; !rc && i < set->n; i++) {
		struct member_acc *a = &it->acc[set->who[i]];

		if (mcg_add(a->pledged, set->part[i], &a->pledged))
			rc = overflow(err, "pledged total", a->id);
	}
	set->n = 0;
	return rc;
}

/* The loan under the terms cursor, whose state is under the state
 * cursor: its borrower's figures. */
static int merge_loan(mcg_exposure_iter *it, mcg_key_cursor *terms, mcg_key_cursor *state,
		      mcg_key_cursor *dep, mcg_key_cursor *pl, struct pledge_set *set,
		      mcg_error *err)
{
	const char *id = terms->key;
	const char *status = (const char *)sqlite3_column_text(state->st, 1);
	int64_t outstanding = sqlite3_column_int64(state->st, 2);
	int64_t ga = sqlite3_column_int64(state->st, 3);
	struct member_acc *a = acc_find(it, (const char *)sqlite3_column_text(terms->st, 1));
	int rc;

	if (!a || !status)
		return mcg_error_set(err, MCG_EINTEGRITY,
				     "the borrower of loan '%.40s' is not a member: the state is damaged", id);
	if (counts_as_borrowed(status) && mcg_add(a->borrowed, outstanding, &a->borrowed))
		return overflow(err, "borrowed total", a->id);
	if (mcg_add(a->guaranteed, ga, &a->guaranteed))
		return overflow(err, "guaranteed total", a->id);
	rc = mcg_key_cursor_seek(it->L, dep, id, err);
	if (!rc && mcg_key_cursor_at(dep, id)) {
		int64_t d;

		if (negate(sqlite3_column_int64(dep->st, 1), &d) || mcg_add(a->deposit, d, &a->deposit))
			return overflow(err, "deposit total", a->id);
		rc = mcg_key_cursor_step(it->L, dep, err);
	}
	rc = rc ? rc : mcg_key_cursor_seek(it->L, pl, id, err);
	set->n = 0;
	while (!rc && mcg_key_cursor_at(pl, id)) {
		struct member_acc *g = acc_find(it, (const char *)sqlite3_column_text(pl->st, 1));

		if (!g)
			return mcg_error_set(err, MCG_EINTEGRITY,
					     "a co-guarantor of loan '%.40s' is not a member: the state is damaged",
					     id);
		if (counts_as_pledged(status) &&
		    pledge_set_push(set, sqlite3_column_int64(pl->st, 2), (size_t)(g - it->acc)))
			return mcg_error_set(err, MCG_ESYS, "out of memory");
		rc = mcg_key_cursor_step(it->L, pl, err);
	}
	if (!rc && set->n)
		rc = flush_loan_pledges(it, set, ga, id, err);
	return rc;
}

/*
 * borrowed, guaranteed, deposit and pledged in one merge pass.  Four
 * cursors (key_cursor.h) walk their tables' primary keys in loan id
 * order: the loans' terms and their state, the deposit:<loan> balances
 * ("deposit:" + id sorts as id does) and the pledges (loan, member).
 * Every read is sequential; there is no lookup per loan and no query per
 * member.
 */
#define PORTFOLIO "reading the portfolio"

static int iter_merge_loans(mcg_exposure_iter *it, mcg_error *err)
{
	mcg_key_cursor terms = { 0 }, state = { 0 }, dep = { 0 }, pl = { 0 };
	struct pledge_set set = { 0 };
	int rc;

	/* A loan's two rows (schema.c) as two cursors: the view `loans`
	 * would look each loan's state up, a B-tree descent a loan. */
	rc = mcg_key_cursor_open(it->L, &terms, "SELECT id, borrower FROM loan_terms ORDER BY id",
				 PORTFOLIO, err);
	rc = rc ? rc : mcg_key_cursor_open(it->L, &state,
					   "SELECT id, status, outstanding, ga FROM loan_state ORDER BY id",
					   PORTFOLIO, err);
	rc = rc ? rc : mcg_key_cursor_open(it->L, &dep,
					   "SELECT substr(account, 9), balance FROM balances"
					   " WHERE account >= 'deposit:' AND account < 'deposit;'"
					   " ORDER BY account", PORTFOLIO, err);
	rc = rc ? rc : mcg_key_cursor_open(it->L, &pl,
					   "SELECT loan, member, amount FROM pledges ORDER BY loan, member",
					   PORTFOLIO, err);
	rc = rc ? rc : mcg_key_cursor_step(it->L, &terms, err);
	rc = rc ? rc : mcg_key_cursor_step(it->L, &state, err);
	rc = rc ? rc : mcg_key_cursor_step(it->L, &dep, err);
	rc = rc ? rc : mcg_key_cursor_step(it->L, &pl, err);
	while (!rc && terms.key) {
		rc = mcg_key_cursor_seek(it->L, &state, terms.key, err);
		if (!rc && !mcg_key_cursor_at(&state, terms.key))
			rc = mcg_error_set(err, MCG_EINTEGRITY,
					   "loan '%.40s' has no state: the state is damaged (mcg check says more)",
					   terms.key);
		rc = rc ? rc : merge_loan(it, &terms, &state, &dep, &pl, &set, err);
		rc = rc ? rc : mcg_key_cursor_step(it->L, &terms, err);
	}
	mcg_key_cursor_close(&terms);
	mcg_key_cursor_close(&state);
	mcg_key_cursor_close(&dep);
	mcg_key_cursor_close(&pl);
	pledge_set_free(&set);
	return rc;
}

int mcg_exposure_iter_open(mcg_ledger *L, mcg_exposure_iter **out,
			   mcg_error *err)
{
	mcg_exposure_iter *it = calloc(1, sizeof(*it));
	int rc;

	*out = NULL;
	if (!it)
		return mcg_error_set(err, MCG_ESYS, "out of memory");
	it->L = L;
	if (sqlite3_get_autocommit(L->db)) {
		rc = mcg_db_exec(L, "BEGIN", err);
		if (rc) {
			free(it);
			return rc;
		}
		it->own_txn = 1;
	}
	rc = iter_load_members(it, err);
	rc = rc ? rc : iter_merge_loans(it, err);
	rc = rc ? rc : iter_load_accounts(it, err);
	if (!rc && sqlite3_prepare_v2(L->db, "SELECT id, name, status FROM members ORDER BY id",
				      -1, &it->members, NULL) != SQLITE_OK)
		rc = mcg_db_error(L, err, "reading the members");
	if (rc) {
		mcg_exposure_iter_free(it);
		return rc;
	}
	*out = it;
	return MCG_OK;
}

int mcg_exposure_iter_next(mcg_exposure_iter *it, mcg_exposure *out,
			   mcg_error *err)
{
	const struct member_acc *a;
	int step;

	memset(out, 0, sizeof(*out));
	step = sqlite3_step(it->members);
	if (step == SQLITE_DONE)
		return 0;
	if (step != SQLITE_ROW)
		return mcg_db_error(it->L, err, "reading the members");
	/* Same transaction, same order: the rows line up with acc[]. */
	if (it->next >= it->n ||
	    strcmp((const char *)sqlite3_column_text(it->members, 0), it->acc[it->next].id) != 0)
		return mcg_error_set(err, MCG_ESYS, "the members changed while reading");
	a = &it->acc[it->next++];
	mcg_strlcpy(out->member, a->id, sizeof(out->member));
	col_copy(it->members, 1, out->name, sizeof(out->name));
	out->active = strcmp((const char *)sqlite3_column_text(it->members, 2), "active") == 0;
	out->borrowed_minor = a->borrowed;
	out->guaranteed_minor = a->guaranteed;
	out->pledged_minor = a->pledged;
	out->due_minor = a->due;
	out->deposit_minor = a->deposit;
	out->capital_minor = a->capital;
	return 1;
}

void mcg_exposure_iter_free(mcg_exposure_iter *it)
{
	if (!it)
		return;
	sqlite3_finalize(it->members);
	if (it->own_txn)
		sqlite3_exec(it->L->db, "COMMIT", NULL, NULL, NULL);
	free(it->acc);
	free(it);
}

/* ---- guarantees ---------------------------------------------------------- */

struct mcg_guarantee_iter {
	mcg_ledger *L;
	sqlite3_stmt *st;
};

int mcg_guarantee_iter_open(mcg_ledger *L, mcg_guarantee_iter **out,
			    mcg_error *err)
{
	mcg_guarantee_iter *it = calloc(1, sizeof(*it));

	*out = NULL;
	if (!it)
		return mcg_error_set(err, MCG_ESYS, "out of memory");
	it->L = L;
	/* One statement: one snapshot, no transaction needed. */
	if (sqlite3_prepare_v2(L->db,
			       "SELECT l.id, l.borrower, l.bank, l.status, l.principal,"
			       " l.outstanding, l.ga, g.loan IS NOT NULL, g.coverage_bp, g.cap,"
			       " g.deposit, g.ga0, g.score_x2, g.pd_bp, g.rules_version"
			       " FROM loans l LEFT JOIN guarantees g ON g.loan = l.id"
			       " ORDER BY l.id", -1, &it->st, NULL) != SQLITE_OK) {
		int rc = mcg_db_error(L, err, "reading the guarantees");

		free(it);
		return rc;
	}
	*out = it;
	return MCG_OK;
}

int mcg_guarantee_iter_next(mcg_guarantee_iter *it, mcg_guarantee_row *out,
			    mcg_error *err)
{
	sqlite3_stmt *st = it->st;
	int step = sqlite3_step(st);

	memset(out, 0, sizeof(*out));
	if (step == SQLITE_DONE)
		return 0;
	if (step != SQLITE_ROW)
		return mcg_db_error(it->L, err, "reading the guarantees");
	col_copy(st, 0, out->loan, sizeof(out->loan));
	col_copy(st, 1, out->borrower, sizeof(out->borrower));
	col_copy(st, 2, out->bank, sizeof(out->bank));
	col_copy(st, 3, out->status, sizeof(out->status));
	out->principal_minor = sqlite3_column_int64(st, 4);
	out->outstanding_minor = sqlite3_column_int64(st, 5);
	out->ga_minor = sqlite3_column_int64(st, 6);
	out->guaranteed = sqlite3_column_int(st, 7);
	if (!out->guaranteed)
		return 1;
	out->coverage_bp = sqlite3_column_int(st, 8);
	out->has_cap = sqlite3_column_type(st, 9) != SQLITE_NULL;
	out->cap_minor = sqlite3_column_int64(st, 9);
	out->deposit_minor = sqlite3_column_int64(st, 10);
	out->ga0_minor = sqlite3_column_int64(st, 11);
	out->score_x2 = sqlite3_column_int(st, 12);
	out->pd_bp = sqlite3_column_int(st, 13);
	out->rules_version = sqlite3_column_int64(st, 14);
	return 1;
}

void mcg_guarantee_iter_free(mcg_guarantee_iter *it)
{
	if (!it)
		return;
	sqlite3_finalize(it->st);
	free(it);
}

char *mcg_score_format(int32_t score_x2, char *buf)
{
	if (score_x2 % 2)
		snprintf(buf, MCG_SCORE_TEXT_MAX, "%d.5", (int)(score_x2 / 2));
	else
		snprintf(buf, MCG_SCORE_TEXT_MAX, "%d", (int)(score_x2 / 2));
	return buf;
}

/* ---- peer scores of a loan ----------------------------------------------- */

static int scores_loan(mcg_ledger *L, mcg_scores *s, mcg_error *err)
{
	sqlite3_stmt *st = mcg_db_stmt(L, "SELECT borrower, status, ga FROM loans WHERE id = ?1",
				       err);
	int rc;

	if (!st)
		return err->code;
	sqlite3_bind_text(st, 1, s->loan, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		col_copy(st, 0, s->borrower, sizeof(s->borrower));
		col_copy(st, 1, s->status, sizeof(s->status));
		s->ga_minor = sqlite3_column_int64(st, 2);
	}
	sqlite3_reset(st);
	if (rc == SQLITE_DONE)
		return mcg_error_set(err, MCG_EINPUT, "loan '%.40s' is not a known loan", s->loan);
	if (rc != SQLITE_ROW)
		return mcg_db_error(L, err, "reading a loan");
	return MCG_OK;
}

static int scores_guarantee(mcg_ledger *L, mcg_scores *s, mcg_error *err)
{
	sqlite3_stmt *st = mcg_db_stmt(L,
		"SELECT g.seq, g.rules_version, g.score_x2, g.pd_bp, g.assessments, e.date"
		" FROM guarantees g JOIN events e ON e.seq = g.seq WHERE g.loan = ?1", err);
	int rc;

	if (!st)
		return err->code;
	sqlite3_bind_text(st, 1, s->loan, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		s->guaranteed = 1;
		s->decided_seq = sqlite3_column_int64(st, 0);
		s->decided_rules_version = sqlite3_column_int64(st, 1);
		s->decided_score_x2 = sqlite3_column_int(st, 2);
		s->decided_pd_bp = sqlite3_column_int(st, 3);
		s->decided_eligible = sqlite3_column_int64(st, 4);
		s->decided_date_days = sqlite3_column_int(st, 5);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return mcg_db_error(L, err, "reading a guarantee");
	s->el_lgd_bp = s->rules.lgd_bp;
	if (s->guaranteed &&
	    mcg_expected_loss(s->ga_minor, s->decided_pd_bp, s->el_lgd_bp, &s->el_minor))
		return overflow(err, "expected loss", s->loan);
	return MCG_OK;
}

static int scores_list(mcg_ledger *L, mcg_scores *s, mcg_error *err)
{
	sqlite3_stmt *st = mcg_db_stmt(L,
		"SELECT a.seq, a.assessor, a.score, a.date, COALESCE(m.status = 'active', 0)"
		" FROM assessments a LEFT JOIN members m ON m.id = a.assessor"
		" WHERE a.loan = ?1 ORDER BY a.assessor, a.date, a.seq", err);
	size_t cap = 0;
	int step, rc = MCG_OK;

	if (!st)
		return err->code;
	sqlite3_bind_text(st, 1, s->loan, -1, SQLITE_STATIC);
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		mcg_assessment *a;

		if (s->n >= MCG_SCORES_MAX) {
			rc = mcg_error_set(err, MCG_EINPUT,
					   "loan '%s' has more than %d assessments: too many to judge here",
					   s->loan, MCG_SCORES_MAX);
			break;
		}
		{
			void *grown = reserve_one(s->list, s->n, &cap,
						  sizeof(*s->list), 16);

			if (!grown) {
				rc = mcg_error_set(err, MCG_ESYS, "out of memory");
				break;
			}
			s->list = grown;
		}
		a = &s->list[s->n++];
		memset(a, 0, sizeof(*a));
		a->seq = sqlite3_column_int64(st, 0);
		col_copy(st, 1, a->assessor, sizeof(a->assessor));
		a->score = sqlite3_column_int(st, 2);
		a->date_days = sqlite3_column_int(st, 3);
		a->assessor_active = sqlite3_column_int(st, 4);
		if (a->score < 1 || a->score > 10) {
			rc = mcg_error_set(err, MCG_EINTEGRITY,
					   "assessment %lld has score %d: the state is damaged",
					   (long long)a->seq, (int)a->score);
			break;
		}
	}
	sqlite3_reset(st);
	if (!rc && step != SQLITE_DONE)
		rc = mcg_db_error(L, err, "reading the assessments");
	return rc;
}

/*
 * The ledger as it stood when the assessments are judged: the last event
 * of the day (date_days), or, for a guaranteed loan judged on the day of
 * its guarantee, the event before the guarantee, so that the listing
 * shows what the decision saw.  0 when the day is before every event.
 */
static int judged_at(mcg_ledger *L, const mcg_scores *s, int64_t *seq, mcg_error *err)
{
	int64_t size;
	int rc;

	if (s->guaranteed && s->date_days == s->decided_date_days) {
		*seq = s->decided_seq - 1;
		return MCG_OK;
	}
	rc = mcg_ledger_size(L, &size, err);
	return rc ? rc : mcg_ledger_cut(L, s->date_days, size, seq, err);
}

/*
 * A member's status is not kept by day, but it only goes one way: an
 * assessor was active when it assessed (DOMAIN.md), and a withdrawn one
 * was active until its withdrawal.  So an assessor withdrawn now was
 * active at event seq unless it withdrew between its assessment and seq:
 * a short range of events, read by sequence.  (Active at its assessment,
 * it was active at any later seq it had not withdrawn by, and at any
 * earlier one it is judged for: a member's assessment at or after seq is
 * of a later day, or not yet made, and shows as such.)
 */
static int active_at(mcg_ledger *L, mcg_assessment *a, int64_t seq, mcg_error *err)
{
	sqlite3_stmt *st;
	mcg_event ev;
	int step = SQLITE_DONE, rc = MCG_OK;

	if (a->assessor_active)
		return MCG_OK;
	a->assessor_active = 1;
	if (a->seq >= seq)      /* active when it assessed, at or after seq */
		return MCG_OK;
	st = mcg_db_stmt(L, "SELECT fields FROM events WHERE seq > ?1 AND seq <= ?2"
			 " AND type = 'member.withdraw'", err);
	if (!st)
		return err->code;
	sqlite3_bind_int64(st, 1, a->seq);
	sqlite3_bind_int64(st, 2, seq);
	mcg_event_init(&ev, "member.withdraw");
	while (!rc && (step = sqlite3_step(st)) == SQLITE_ROW) {
		const char *member;

		mcg_event_reset(&ev, "member.withdraw");
		rc = mcg_event_decode_fields(&ev, (const char *)sqlite3_column_text(st, 0), err);
		member = rc ? NULL : mcg_event_get(&ev, "member");
		if (member && strcmp(member, a->assessor) == 0)
			a->assessor_active = 0;
	}
	mcg_event_free(&ev);
	sqlite3_reset(st);
	if (!rc && step != SQLITE_DONE)
		rc = mcg_db_error(L, err, "reading the withdrawals");
	return rc;
}

int mcg_scores_get(mcg_ledger *L, const char *loan, int32_t date_days,
		   mcg_scores *out, mcg_error *err)
{
	int64_t at = 0;
	int own_txn = 0;
	int rc;

	memset(out, 0, sizeof(*out));
	if (strlen(loan) >= sizeof(out->loan))
		return mcg_error_set(err, MCG_EINPUT, "loan '%.40s' is not a known loan", loan);
	mcg_strlcpy(out->loan, loan, sizeof(out->loan));
	out->date_days = date_days;
	if (sqlite3_get_autocommit(L->db)) {
		rc = mcg_db_exec(L, "BEGIN", err);
		if (rc)
			return rc;
		own_txn = 1;
	}
	/* The rules in force now, for the expected loss of the GA now; then
	 * those in force when the assessments are judged. */
	rc = mcg_ledger_rules(L, &out->rules_version, &out->rules, err);
	rc = rc ? rc : scores_loan(L, out, err);
	rc = rc ? rc : scores_guarantee(L, out, err);
	rc = rc ? rc : judged_at(L, out, &at, err);
	rc = rc ? rc : mcg_ledger_rules_at(L, at, &out->rules_version, &out->rules, err);
	rc = rc ? rc : scores_list(L, out, err);
	for (size_t i = 0; !rc && i < out->n; i++)
		rc = active_at(L, &out->list[i], at, err);
	if (own_txn)
		sqlite3_exec(L->db, "COMMIT", NULL, NULL, NULL);
	if (rc) {
		mcg_scores_free(out);
		return rc;
	}
	mcg_peer_evaluate(out->list, out->n, out->borrower, date_days, &out->rules,
			  &out->result);
	return MCG_OK;
}

void mcg_scores_free(mcg_scores *s)
{
	if (!s)
		return;
	free(s->list);
	s->list = NULL;
	s->n = 0;
}

int mcg_query_decision_date(mcg_ledger *L, int32_t *out_days, mcg_error *err)
{
	int64_t latest;
	int found;
	int rc;

	*out_days = mcg_date_today();
	rc = mcg_db_query_int(L, "SELECT MAX(date) FROM events", NULL, NULL, &latest, &found,
			      err);
	if (rc)
		return rc;
	if (found && latest > *out_days && latest <= INT32_MAX)
		*out_days = (int32_t)latest;
	return MCG_OK;
}

int mcg_query_guarantee_date(mcg_ledger *L, const char *loan, int32_t *out_days,
			     int *found, mcg_error *err)
{
	int64_t date;
	int rc = mcg_db_query_int(L, "SELECT e.date FROM guarantees g JOIN events e ON e.seq = g.seq"
				  " WHERE g.loan = ?1", loan, NULL, &date, found, err);

	if (!rc && *found && (date < INT32_MIN || date > INT32_MAX))
		return mcg_error_set(err, MCG_EINTEGRITY, "loan %s: its guarantee's date is damaged",
				     loan);
	if (!rc && *found)
		*out_days = (int32_t)date;
	return rc;
}

/* ---- calibration ----------------------------------------------------------- */

static int is_default_status(const char *status)
{
	return strcmp(status, "defaulted") == 0 || strcmp(status, "called") == 0 ||
	       strcmp(status, "closed") == 0;
}

int mcg_calibration_get(mcg_ledger *L, mcg_calibration_report *out,
			mcg_error *err)
{
	sqlite3_stmt *st;
	mcg_outcome *o = NULL;
	size_t n = 0, cap = 0;
	mcg_rules rules;
	int step, rc;

	memset(out, 0, sizeof(*out));
	rc = mcg_ledger_rules(L, &out->rules_version, &rules, err);
	if (rc)
		return rc;
	memcpy(out->scale_pd_bp, rules.master_scale_pd_bp, sizeof(out->scale_pd_bp));
	if (sqlite3_prepare_v2(L->db,
			       "SELECT g.score_x2, g.pd_bp, l.status"
			       " FROM guarantees g JOIN loans l ON l.id = g.loan"
			       " WHERE l.status IN ('repaid','defaulted','called','closed')",
			       -1, &st, NULL) != SQLITE_OK)
		return mcg_db_error(L, err, "reading the outcomes");
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		mcg_outcome *x;

		{
			void *grown = reserve_one(o, n, &cap,
						  sizeof(*o), 256);

			if (!grown) {
				rc = mcg_error_set(err, MCG_ESYS, "out of memory");
				break;
			}
			o = grown;
		}
		x = &o[n++];
		x->grade = sqlite3_column_int(st, 0) / 2;
		x->pd_bp = sqlite3_column_int(st, 1);
		x->defaulted = is_default_status((const char *)sqlite3_column_text(st, 2));
		out->pd_sum_all_bp += x->pd_bp;
		if (x->grade >= 1 && x->grade <= MCG_GRADES)
			out->pd_sum_bp[x->grade - 1] += x->pd_bp;
	}
	if (!rc && step != SQLITE_DONE)
		rc = mcg_db_error(L, err, "reading the outcomes");
	sqlite3_finalize(st);
	if (!rc)
		mcg_calibrate(o, n, &out->cal);
	free(o);
	return rc;
}
