/*
 * The regulatory report (`mcg report regulatory --from D --to D -o FILE`):
 * members and capital; the guarantees by status, sector and district; the
 * ten largest exposures against the fund; the fund, its multiplier and
 * coverage; expected loss by grade; the defaults, calls, payouts and
 * recoveries of the period; the rules in force; a signed checkpoint.
 * Schema: reports/regulatory.xsd; fields: docs/REPORTS.md.
 *
 * The figures are those after the last event dated on or before the
 * period's end (report_int.h); the activity is that of the events dated
 * within the period.
 */
#include "report_int.h"

#include <stdlib.h>
#include <string.h>

#include "date.h"
#include "ledger/event.h"
#include "money.h"

/* The largest exposures listed. */
#define REG_TOP_N 10

typedef struct reg_member {
	char id[RPT_ID_MAX];
	char *name;
	char *sector;             /* NULL: none recorded */
	char *district;
} reg_member;

/* One (key, GA) pair, aggregated by sorting. */
typedef struct reg_pair {
	const char *key;          /* NULL sorts first: "none recorded" */
	int64_t ga_minor;
} reg_pair;

typedef struct reg_bucket {
	const char *key;
	int64_t count;
	int64_t ga_minor;
} reg_bucket;

typedef struct regulatory {
	mcg_ledger *L;
	int32_t from_days, to_days;
	rpt_checkpoint cp;
	rpt_portfolio p;
	int64_t first_seq;
	int64_t rules_version;
	mcg_rules rules;
	reg_member *members;
	size_t n_members;
	rpt_doc d;
	int overflow;             /* a sum overflowed: the ledger is damaged */
	mcg_report_info info;
} regulatory;

static int db_fail(mcg_ledger *L, mcg_error *err, const char *doing)
{
	return mcg_error_set(err, MCG_ESYS, "cannot read the ledger (%s): %s", doing,
			     sqlite3_errmsg(mcg_ledger_db(L)));
}

static void add_to(regulatory *r, int64_t *acc, int64_t v)
{
	if (__builtin_add_overflow(*acc, v, acc))
		r->overflow = 1;
}

/* ---- members ----------------------------------------------------------- */

static char *dup_column(sqlite3_stmt *st, int col, int *nomem)
{
	const char *s = (const char *)sqlite3_column_text(st, col);
	char *copy;

	if (!s || !*s)
		return NULL;
	copy = strdup(s);
	if (!copy)
		*nomem = 1;
	return copy;
}

static int load_members(regulatory *r, mcg_error *err)
{
	sqlite3_stmt *st;
	size_t cap = 0;
	int step = SQLITE_DONE, nomem = 0;

	if (sqlite3_prepare_v2(mcg_ledger_db(r->L),
			       "SELECT id, name, sector, district FROM members ORDER BY id",
			       -1, &st, NULL) != SQLITE_OK)
		return db_fail(r->L, err, "the members");
	while (!nomem && (step = sqlite3_step(st)) == SQLITE_ROW) {
		reg_member *m;

		if (r->n_members == cap) {
			size_t want = cap ? cap * 2 : 64;
			reg_member *bigger = realloc(r->members, want * sizeof(*bigger));

			if (!bigger) {
				nomem = 1;
				break;
			}
			r->members = bigger;
			cap = want;
		}
		m = &r->members[r->n_members++];
		memset(m, 0, sizeof(*m));
		mcg_strlcpy(m->id, (const char *)sqlite3_column_text(st, 0), sizeof(m->id));
		m->name = dup_column(st, 1, &nomem);
		m->sector = dup_column(st, 2, &nomem);
		m->district = dup_column(st, 3, &nomem);
	}
	sqlite3_finalize(st);
	if (nomem)
		return mcg_error_set(err, MCG_ESYS, "out of memory reading the members");
	if (step != SQLITE_DONE)
		return db_fail(r->L, err, "the members");
	return MCG_OK;
}

static int cmp_member_id(const void *key, const void *elem)
{
	return strcmp((const char *)key, ((const reg_member *)elem)->id);
}

static const reg_member *find_member(const regulatory *r, const char *id)
{
	if (!r->n_members)
		return NULL;
	return bsearch(id, r->members, r->n_members, sizeof(r->members[0]), cmp_member_id);
}

static void free_members(regulatory *r)
{
	for (size_t i = 0; i < r->n_members; i++) {
		free(r->members[i].name);
		free(r->members[i].sector);
		free(r->members[i].district);
	}
	free(r->members);
}

/* Members admitted and withdrawn by the cut, and within the period. */
static int add_members(regulatory *r, mcg_error *err)
{
	rpt_doc *d = &r->d;
	sqlite3_stmt *st;
	int64_t added = 0, withdrawn = 0, admitted = 0, left = 0, capital = 0;
	xmlNodePtr m;
	int step;

	if (sqlite3_prepare_v2(mcg_ledger_db(r->L),
			       "SELECT type = 'member.add', seq >= ?2, COUNT(*) FROM events"
			       " WHERE seq <= ?1 AND type IN ('member.add', 'member.withdraw')"
			       " GROUP BY 1, 2", -1, &st, NULL) != SQLITE_OK)
		return db_fail(r->L, err, "the members' events");
	sqlite3_bind_int64(st, 1, r->p.as_of_seq);
	sqlite3_bind_int64(st, 2, r->first_seq);
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		int is_add = sqlite3_column_int(st, 0);
		int in_period = sqlite3_column_int(st, 1);
		int64_t n = sqlite3_column_int64(st, 2);

		add_to(r, is_add ? &added : &withdrawn, n);
		if (in_period)
			add_to(r, is_add ? &admitted : &left, n);
	}
	sqlite3_finalize(st);
	if (step != SQLITE_DONE)
		return db_fail(r->L, err, "the members' events");

	if (sqlite3_prepare_v2(mcg_ledger_db(r->L),
			       "SELECT COALESCE(SUM(amount), 0) FROM postings WHERE seq <= ?1"
			       " AND account >= 'capital:' AND account < 'capital;'",
			       -1, &st, NULL) != SQLITE_OK)
		return db_fail(r->L, err, "the capital");
	sqlite3_bind_int64(st, 1, r->p.as_of_seq);
	step = sqlite3_step(st);
	if (step == SQLITE_ROW)
		capital = -sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	if (step != SQLITE_ROW)
		return db_fail(r->L, err, "the capital (an overflowing sum?)");

	m = rpt_elem(d, d->root, "Members");
	rpt_int(d, m, "Active", added - withdrawn);
	rpt_int(d, m, "Withdrawn", withdrawn);
	rpt_int(d, m, "Admitted", admitted);
	rpt_int(d, m, "Left", left);
	rpt_amount(d, m, "Capital", capital);
	return MCG_OK;
}

/* ---- instruments ----------------------------------------------------------- */

static int cmp_pair_key(const void *a, const void *b)
{
	const char *x = ((const reg_pair *)a)->key, *y = ((const reg_pair *)b)->key;

	if (!x || !y)
		return (x != NULL) - (y != NULL);
	return strcmp(x, y);
}

/* Sorts the pairs and sums them by key into buckets (room for n). */
static size_t aggregate(regulatory *r, reg_pair *pairs, size_t n, reg_bucket *out)
{
	size_t k = 0;

	qsort(pairs, n, sizeof(*pairs), cmp_pair_key);
	for (size_t i = 0; i < n; i++) {
		if (k == 0 || cmp_pair_key(&pairs[i], &pairs[i - 1]) != 0) {
			out[k].key = pairs[i].key;
			out[k].count = 0;
			out[k].ga_minor = 0;
			k++;
		}
		out[k - 1].count++;
		add_to(r, &out[k - 1].ga_minor, pairs[i].ga_minor);
	}
	return k;
}

static void add_buckets(regulatory *r, xmlNodePtr parent, const char *name,
			const reg_bucket *b, size_t n)
{
	xmlNodePtr list = rpt_elem(&r->d, parent, name);

	for (size_t i = 0; i < n; i++) {
		xmlNodePtr x = rpt_elem(&r->d, list, "Bucket");

		if (b[i].key)
			rpt_attr(&r->d, x, "key", b[i].key);
		rpt_int(&r->d, x, "Count", b[i].count);
		rpt_amount(&r->d, x, "ProtectionValue", b[i].ga_minor);
	}
}

/* Groups the guaranteed loans by their borrower's sector or district. */
static int add_grouped(regulatory *r, xmlNodePtr parent, const char *name,
		       int by_district, reg_pair *pairs, reg_bucket *buckets)
{
	size_t n = 0, k;

	for (size_t i = 0; i < r->p.n_loans; i++) {
		const rpt_loan *l = &r->p.loans[i];
		const reg_member *m;

		if (!l->guaranteed)
			continue;
		m = find_member(r, l->borrower);
		pairs[n].key = m ? (by_district ? m->district : m->sector) : NULL;
		pairs[n].ga_minor = l->ga_minor;
		n++;
	}
	k = aggregate(r, pairs, n, buckets);
	add_buckets(r, parent, name, buckets, k);
	return MCG_OK;
}

static int add_instruments(regulatory *r, mcg_error *err)
{
	rpt_doc *d = &r->d;
	int64_t count[RPT_STATUSES] = { 0 }, ga[RPT_STATUSES] = { 0 };
	int64_t guaranteed = 0;
	size_t room = r->p.n_loans ? r->p.n_loans : 1;
	reg_pair *pairs = calloc(room, sizeof(*pairs));
	reg_bucket *buckets = calloc(room, sizeof(*buckets));
	xmlNodePtr ins, by;

	if (!pairs || !buckets) {
		free(pairs);
		free(buckets);
		return mcg_error_set(err, MCG_ESYS, "out of memory");
	}
	for (size_t i = 0; i < r->p.n_loans; i++) {
		const rpt_loan *l = &r->p.loans[i];

		if (!l->guaranteed)
			continue;
		guaranteed++;
		count[l->status]++;
		add_to(r, &ga[l->status], l->ga_minor);
	}
	ins = rpt_elem(d, d->root, "Instruments");
	rpt_int(d, ins, "Count", guaranteed);
	rpt_amount(d, ins, "TotalProtectionValue", r->p.total_ga_minor);
	by = rpt_elem(d, ins, "ByStatus");
	/* Every status a guaranteed loan can have, always in this order. */
	for (int s = RPT_ACTIVE; s < RPT_STATUSES; s++) {
		xmlNodePtr b = rpt_elem(d, by, "Bucket");

		rpt_attr(d, b, "status", rpt_status_name((rpt_status)s));
		rpt_int(d, b, "Count", count[s]);
		rpt_amount(d, b, "ProtectionValue", ga[s]);
	}
	add_grouped(r, ins, "BySector", 0, pairs, buckets);
	add_grouped(r, ins, "ByDistrict", 1, pairs, buckets);
	free(pairs);
	free(buckets);
	r->info.items = (size_t)guaranteed;
	r->info.total_ga_minor = r->p.total_ga_minor;
	return MCG_OK;
}

/* ---- concentration --------------------------------------------------------- */

static int cmp_bucket_largest(const void *a, const void *b)
{
	const reg_bucket *x = a, *y = b;

	if (x->ga_minor != y->ga_minor)
		return x->ga_minor > y->ga_minor ? -1 : 1;
	return strcmp(x->key, y->key);
}

static int add_largest(regulatory *r, mcg_error *err)
{
	rpt_doc *d = &r->d;
	size_t room = r->p.n_loans ? r->p.n_loans : 1;
	reg_pair *pairs = calloc(room, sizeof(*pairs));
	reg_bucket *by_name = calloc(room, sizeof(*by_name));
	char text[MCG_AMOUNT_TEXT_MAX];
	size_t n = 0, k;
	xmlNodePtr list;
	int rc = MCG_OK;

	if (!pairs || !by_name) {
		free(pairs);
		free(by_name);
		return mcg_error_set(err, MCG_ESYS, "out of memory");
	}
	/* A counterparty's exposure: the GA of its loans that carry one. */
	for (size_t i = 0; i < r->p.n_loans; i++)
		if (r->p.loans[i].ga_minor > 0) {
			pairs[n].key = r->p.loans[i].borrower;
			pairs[n].ga_minor = r->p.loans[i].ga_minor;
			n++;
		}
	k = aggregate(r, pairs, n, by_name);
	qsort(by_name, k, sizeof(*by_name), cmp_bucket_largest);
	list = rpt_elem(d, d->root, "LargestExposures");
	rpt_attr(d, list, "limit", rpt_centi_format(r->rules.single_name_max_bp, text));
	for (size_t i = 0; i < k && i < REG_TOP_N; i++) {
		const reg_member *m = find_member(r, by_name[i].key);
		xmlNodePtr e = rpt_elem(d, list, "Exposure");
		xmlNodePtr c;
		int64_t share;

		rpt_attr_int(d, e, "rank", (int64_t)i + 1);
		c = rpt_text(d, e, "Counterparty", m && m->name ? m->name : by_name[i].key);
		rpt_attr(d, c, "id", by_name[i].key);
		rpt_int(d, e, "Instruments", by_name[i].count);
		rpt_amount(d, e, "ProtectionValue", by_name[i].ga_minor);
		if (r->p.fund_minor > 0) {
			if (rpt_ratio_centi(by_name[i].ga_minor, r->p.fund_minor, 10000, &share)) {
				rc = mcg_error_set(err, MCG_EINTEGRITY, "a share of the fund is out of range");
				break;
			}
			rpt_text(d, e, "ShareOfFund", rpt_centi_format(share, text));
		}
	}
	free(pairs);
	free(by_name);
	return rc;
}

/* ---- the fund ---------------------------------------------------------------- */

static int add_fund(regulatory *r, mcg_error *err)
{
	rpt_doc *d = &r->d;
	xmlNodePtr f = rpt_elem(d, d->root, "Fund");
	char text[MCG_AMOUNT_TEXT_MAX];
	int64_t fund = r->p.fund_minor, total = r->p.total_ga_minor, v;

	rpt_amount(d, f, "Balance", fund);
	rpt_amount(d, f, "TotalProtectionValue", total);
	if (fund > 0) {
		if (rpt_ratio_centi(total, fund, 100, &v))
			return mcg_error_set(err, MCG_EINTEGRITY, "the multiplier is out of range");
		rpt_text(d, f, "Multiplier", rpt_centi_format(v, text));
	}
	rpt_text(d, f, "MultiplierMax", rpt_centi_format(r->rules.multiplier_max_centi, text));
	if (total > 0 && fund >= 0) {
		if (rpt_ratio_centi(fund, total, 10000, &v))
			return mcg_error_set(err, MCG_EINTEGRITY, "the coverage ratio is out of range");
		rpt_text(d, f, "CoverageRatio", rpt_centi_format(v, text));
	}
	rpt_amount(d, f, "Deficit", fund < 0 ? -fund : 0);
	return MCG_OK;
}

/* ---- expected loss ----------------------------------------------------------- */

static int add_expected_loss(regulatory *r, mcg_error *err)
{
	rpt_doc *d = &r->d;
	int64_t count[MCG_GRADES] = { 0 }, ga[MCG_GRADES] = { 0 }, el[MCG_GRADES] = { 0 };
	int64_t total = 0;
	xmlNodePtr x;

	for (size_t i = 0; i < r->p.n_loans; i++) {
		const rpt_loan *l = &r->p.loans[i];
		int32_t grade = l->score_x2 / 2;
		int64_t loss;

		if (!l->guaranteed || l->ga_minor == 0)
			continue;
		if (grade < 1 || grade > MCG_GRADES)
			return mcg_error_set(err, MCG_EINTEGRITY,
					     "the guarantee of loan %s has no grade 1..10 (score %d/2)",
					     l->id, l->score_x2);
		if (mcg_expected_loss(l->ga_minor, l->pd_bp, r->rules.lgd_bp, &loss))
			return mcg_error_set(err, MCG_EINTEGRITY,
					     "the expected loss of loan %s is out of range", l->id);
		count[grade - 1]++;
		add_to(r, &ga[grade - 1], l->ga_minor);
		add_to(r, &el[grade - 1], loss);
		add_to(r, &total, loss);
	}
	x = rpt_elem(d, d->root, "ExpectedLoss");
	rpt_pct(d, x, "LGD", r->rules.lgd_bp);
	for (int g = 0; g < MCG_GRADES; g++) {
		xmlNodePtr n = rpt_elem(d, x, "Grade");

		rpt_attr_int(d, n, "grade", g + 1);
		rpt_pct(d, n, "PD", r->rules.master_scale_pd_bp[g]);
		rpt_int(d, n, "Count", count[g]);
		rpt_amount(d, n, "ProtectionValue", ga[g]);
		rpt_amount(d, n, "ExpectedLoss", el[g]);
	}
	rpt_amount(d, x, "Total", total);
	return MCG_OK;
}

/* ---- the period -------------------------------------------------------------- */

typedef struct activity {
	int64_t applied, applied_minor;
	int64_t issued, issued_minor;
	int64_t repaid, repaid_minor;
	int64_t defaults, defaults_minor;
	int64_t calls, calls_minor;
	int64_t from_deposits, from_members, from_fund;
	int64_t recoveries, recoveries_minor, to_fund, to_members;
	int64_t writeoffs;
} activity;

static void count_event(regulatory *r, activity *a, const mcg_event *ev,
			const rpt_loan *l)
{
	rpt_split split;

	rpt_split_of(ev, &split);
	if (strcmp(ev->type, "loan.add") == 0) {
		a->applied++;
		add_to(r, &a->applied_minor, l->principal_minor);
	} else if (strcmp(ev->type, "guarantee") == 0) {
		a->issued++;
		add_to(r, &a->issued_minor, l->ga0_minor);
	} else if (strcmp(ev->type, "repay") == 0) {
		a->repaid++;
		add_to(r, &a->repaid_minor, rpt_field_int(ev, "principal"));
	} else if (strcmp(ev->type, "arrears") == 0 && ev->seq == l->default_seq) {
		a->defaults++;
		add_to(r, &a->defaults_minor, l->ga_frozen_minor);
	} else if (strcmp(ev->type, "call") == 0) {
		a->calls++;
		add_to(r, &a->calls_minor, rpt_field_int(ev, "amount"));
		add_to(r, &a->from_deposits, split.deposit_minor);
		add_to(r, &a->from_members, split.members_minor);
		add_to(r, &a->from_fund, split.fund_minor);
	} else if (strcmp(ev->type, "recover") == 0) {
		a->recoveries++;
		add_to(r, &a->recoveries_minor, rpt_field_int(ev, "amount"));
		add_to(r, &a->to_fund, split.fund_minor);
		add_to(r, &a->to_members, split.members_minor);
	} else if (strcmp(ev->type, "writeoff") == 0) {
		a->writeoffs++;
	}
}

static void count_amount(regulatory *r, xmlNodePtr parent, const char *name,
			 int64_t count, int64_t amount)
{
	xmlNodePtr n = rpt_elem(&r->d, parent, name);

	rpt_int(&r->d, n, "Count", count);
	rpt_amount(&r->d, n, "Amount", amount);
}

static int add_activity(regulatory *r, mcg_error *err)
{
	rpt_doc *d = &r->d;
	activity a;
	rpt_event_iter *it;
	const mcg_event *ev;
	xmlNodePtr act, n;
	int rc;

	memset(&a, 0, sizeof(a));
	rc = rpt_events_open(r->L, r->first_seq, r->p.as_of_seq, &it, err);
	if (rc)
		return rc;
	while ((rc = rpt_events_next(it, &ev, err)) == 1) {
		const char *id = mcg_event_get(ev, "loan");
		const rpt_loan *l = id ? rpt_portfolio_find(&r->p, id) : NULL;

		if (!l) {
			rc = mcg_error_set(err, MCG_EINTEGRITY, "event %lld names an unknown loan",
					   (long long)ev->seq);
			break;
		}
		count_event(r, &a, ev, l);
		r->info.events++;
	}
	rpt_events_free(it);
	if (rc < 0)
		return rc;
	act = rpt_elem(d, d->root, "PeriodActivity");
	count_amount(r, act, "LoansApplied", a.applied, a.applied_minor);
	count_amount(r, act, "GuaranteesIssued", a.issued, a.issued_minor);
	count_amount(r, act, "Repayments", a.repaid, a.repaid_minor);
	count_amount(r, act, "Defaults", a.defaults, a.defaults_minor);
	count_amount(r, act, "Calls", a.calls, a.calls_minor);
	n = rpt_elem(d, act, "Payouts");
	rpt_amount(d, n, "FromDeposits", a.from_deposits);
	rpt_amount(d, n, "FromCoGuarantors", a.from_members);
	rpt_amount(d, n, "FromFund", a.from_fund);
	n = rpt_elem(d, act, "Recoveries");
	rpt_int(d, n, "Count", a.recoveries);
	rpt_amount(d, n, "Amount", a.recoveries_minor);
	rpt_amount(d, n, "ToFund", a.to_fund);
	rpt_amount(d, n, "ToCoGuarantors", a.to_members);
	rpt_int(d, act, "WriteOffs", a.writeoffs);
	return MCG_OK;
}

/* ---- rules and header ---------------------------------------------------------- */

static void add_rules(regulatory *r)
{
	rpt_doc *d = &r->d;
	const mcg_rules *k = &r->rules;
	char text[MCG_AMOUNT_TEXT_MAX];
	xmlNodePtr n = rpt_elem(d, d->root, "Rules");

	rpt_attr_int(d, n, "version", r->rules_version);
	rpt_pct(d, n, "CoverageMax", k->coverage_max_bp);
	rpt_amount(d, n, "CapitalMin", k->capital_min_minor);
	rpt_text(d, n, "MultiplierMax", rpt_centi_format(k->multiplier_max_centi, text));
	rpt_pct(d, n, "SingleNameMax", k->single_name_max_bp);
	rpt_text(d, n, "PledgeLeverageMax",
		 rpt_centi_format(k->pledge_leverage_max_centi, text));
	rpt_pct(d, n, "Fee", k->fee_bp);
	rpt_pct(d, n, "FundContribution", k->fund_contribution_bp);
	rpt_int(d, n, "DefaultDaysPastDue", k->default_dpd_days);
	rpt_pct(d, n, "LGD", k->lgd_bp);
}

static void add_header(regulatory *r)
{
	rpt_doc *d = &r->d;
	xmlNodePtr h = rpt_elem(d, d->root, "Header");
	xmlNodePtr n;

	rpt_text(d, h, "ReportingAgent", mcg_ledger_name(r->L));
	n = rpt_elem(d, h, "Period");
	rpt_attr_date(d, n, "from", r->from_days);
	rpt_attr_date(d, n, "to", r->to_days);
	n = rpt_elem(d, h, "AsOf");
	rpt_attr_int(d, n, "event", r->p.as_of_seq);
	rpt_attr_date(d, n, "date", r->info.as_of_days);
	rpt_created(d, h);
}

static int build(regulatory *r, mcg_error *err)
{
	int64_t cut;
	int rc;

	rc = rpt_read_begin(r->L, err);
	if (rc)
		return rc;
	rc = rpt_checkpoint_verify(r->L, &r->cp, err);
	rc = rc ? rc : mcg_ledger_cut(r->L, r->to_days, r->cp.cp.size, &cut, err);
	rc = rc ? rc : rpt_first_from(r->L, r->from_days, &r->first_seq, err);
	rc = rc ? rc : rpt_portfolio_load(r->L, cut, &r->p, err);
	rc = rc ? rc : mcg_ledger_rules_at(r->L, r->p.as_of_seq, &r->rules_version, &r->rules, err);
	rc = rc ? rc : load_members(r, err);
	r->info.as_of_days = r->to_days;
	if (!rc && r->p.as_of_seq > 0)
		rc = mcg_ledger_event_date(r->L, r->p.as_of_seq, &r->info.as_of_days, err);
	rc = rc ? rc : rpt_doc_start(&r->d, MCG_DOC_REGULATORY, r->L, err);
	if (!rc)
		add_header(r);
	rc = rc ? rc : add_members(r, err);
	rc = rc ? rc : add_instruments(r, err);
	rc = rc ? rc : add_largest(r, err);
	rc = rc ? rc : add_fund(r, err);
	rc = rc ? rc : add_expected_loss(r, err);
	rc = rc ? rc : add_activity(r, err);
	if (!rc) {
		add_rules(r);
		rpt_add_checkpoint(&r->d, r->d.root, &r->cp);
	}
	if (!rc && r->overflow)
		rc = mcg_error_set(err, MCG_EINTEGRITY,
				   "a total of the report overflows: the ledger's figures cannot be right");
	rpt_read_end(r->L);
	return rc;
}

int mcg_regulatory_write(mcg_ledger *L, int32_t from_days, int32_t to_days,
			 const char *out_path, mcg_report_info *info,
			 mcg_error *err)
{
	regulatory r;
	char a[MCG_DATE_TEXT_MAX], b[MCG_DATE_TEXT_MAX];
	int rc;

	memset(&r, 0, sizeof(r));
	r.L = L;
	r.from_days = from_days;
	r.to_days = to_days;
	if (from_days > to_days)
		return mcg_error_set(err, MCG_EINPUT, "the period starts (%s) after it ends (%s)",
				     mcg_date_format(from_days, a), mcg_date_format(to_days, b));
	rc = rpt_signing_key_check(L, err);
	rc = rc ? rc : rpt_checkpoint_make(L, &r.cp, err);
	if (rc)
		return rc;
	rc = build(&r, err);
	r.info.as_of_seq = r.p.as_of_seq;
	r.info.checkpoint_size = r.cp.cp.size;
	rc = rc ? rc : rpt_doc_finish(&r.d, L, &r.cp, out_path, &r.info.bytes, err);
	if (!rc && info)
		*info = r.info;
	free_members(&r);
	rpt_doc_free(&r.d);
	rpt_portfolio_free(&r.p);
	rpt_checkpoint_free(&r.cp);
	return rc;
}
