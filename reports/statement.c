/*
 * The bank statement (`mcg statement BANK --from D --to D -o FILE`): the
 * guarantees on one partner bank's loans at the end of a period, the
 * events of the period on them with the loss waterfall of every call and
 * the split of every recovery, the fund's figures, and a fresh signed
 * checkpoint of the audit log.  Schema: reports/statement.xsd; fields:
 * docs/REPORTS.md.
 *
 * A statement too large for one document (more than the 16 MiB a verifier
 * reads) can be split into pages (`--page-size N`): page k lists the
 * guarantees k*N .. k*N + N - 1 in loan order and the period's events on
 * the loans of its range of ids, each page a whole signed document with
 * the same header, cut, fund and checkpoint, its own totals, and the
 * totals of the whole statement (Header/Page), as ISO 20022 bank
 * statements are paginated.
 *
 * The work scales with the bank and the period: one pass reads the loan
 * events of the period, only the loan and the principal of each from the
 * stored text, and keeps the bank's (seq, loan) pairs; each page then
 * reads its own events, whole, by seq.
 */
#include "report_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "date.h"
#include "ledger/event.h"
#include "money.h"

/* Most events of one bank one statement lists: far beyond a bank's
 * decade (the largest bank of the full benchmark has 290,000 in two
 * years), 160 MB of (seq, loan) pairs. */
#define STMT_EVENTS_MAX 10000000
/* Longest name of a page's file. */
#define STMT_PATH_MAX 4096

/* One event of the period on one of the bank's loans. */
typedef struct stmt_event {
	int64_t seq;
	size_t loan;                  /* index in p.loans */
} stmt_event;

typedef struct statement {
	mcg_ledger *L;
	const char *bic;
	int32_t from_days, to_days;
	size_t page_size;             /* guarantees a page; 0: one document */
	const char *out_path;
	char bank[MCG_NAME_MAX + 1];
	char created[MCG_TIMESTAMP_TEXT_MAX];
	rpt_checkpoint cp;
	rpt_portfolio p;
	int64_t first_seq;            /* the period's first event */
	int64_t rules_version;
	mcg_rules rules;
	rpt_doc d;
	sqlite3_stmt *member_name;
	rpt_event_iter *reader;       /* the events, by seq */
	int64_t *running;             /* outstanding per loan, walking the period */
	size_t *guarantees;           /* the bank's guaranteed loans (p.loans indices) */
	size_t n_guarantees;
	int64_t total_ga_minor;       /* Σ GA of all of them */
	stmt_event *events;           /* the bank's events, by page, seq order within */
	size_t n_events;
	size_t *page_events;          /* page k: events[page_events[k] .. [k + 1]) */
	size_t n_pages;
	char **paths;                 /* the file of each page; NULL: standard output */
	size_t written;               /* pages in their FILE.tmp */
	size_t committed;             /* of those, renamed into place */
	char *out;                    /* to standard output: the sealed document */
	size_t out_len;
	size_t bytes_max;             /* rpt_doc_bytes_max() */
	size_t items_built;           /* of a page given up as too large */
	size_t guarantees_bytes;      /* its bytes_min once its guarantees were in */
	mcg_report_info info;
} statement;

static int db_fail(mcg_ledger *L, mcg_error *err, const char *doing)
{
	return mcg_error_set(err, MCG_ESYS, "cannot read the ledger (%s): %s", doing,
			     sqlite3_errmsg(mcg_ledger_db(L)));
}

/* The bank's name; MCG_EINPUT when the ledger does not know the BIC. */
static int bank_name(mcg_ledger *L, const char *bic, char *out, size_t outsz,
		     mcg_error *err)
{
	sqlite3_stmt *st;
	int step;

	if (sqlite3_prepare_v2(mcg_ledger_db(L), "SELECT name FROM banks WHERE bic = ?1",
			       -1, &st, NULL) != SQLITE_OK)
		return db_fail(L, err, "the banks");
	sqlite3_bind_text(st, 1, bic, -1, SQLITE_STATIC);
	step = sqlite3_step(st);
	if (step == SQLITE_ROW)
		mcg_strlcpy(out, (const char *)sqlite3_column_text(st, 0), outsz);
	sqlite3_finalize(st);
	if (step == SQLITE_ROW)
		return MCG_OK;
	if (step == SQLITE_DONE)
		return mcg_bank_unknown(L, bic, err);
	return db_fail(L, err, "the banks");
}

/* A member's name, or its id when it has none (cannot happen). */
static const char *member_name(statement *s, const char *id)
{
	const char *name;

	sqlite3_reset(s->member_name);
	sqlite3_bind_text(s->member_name, 1, id, -1, SQLITE_TRANSIENT);
	if (sqlite3_step(s->member_name) != SQLITE_ROW)
		return id;
	name = (const char *)sqlite3_column_text(s->member_name, 0);
	return name && *name ? name : id;
}

static void add_pledges(statement *s, xmlNodePtr parent, const rpt_loan *l)
{
	rpt_doc *d = &s->d;
	xmlNodePtr pledges = rpt_elem(d, parent, "Pledges");
	int64_t total = 0;

	for (size_t i = 0; i < l->n_pledges; i++) {
		const rpt_pledge *p = &s->p.pledges[l->pledge_first + i];
		xmlNodePtr n = rpt_amount(d, pledges, "Pledge", p->amount_minor);

		rpt_attr(d, n, "member", p->member);
		if (__builtin_add_overflow(total, p->amount_minor, &total))
			d->failed = 1;
	}
	rpt_amount(d, pledges, "Total", total);
}

/* ---- guarantees ---------------------------------------------------------- */

/* The bank's guaranteed loans, in loan order, and their total GA. */
static int collect_guarantees(statement *s, mcg_error *err)
{
	s->guarantees = malloc((s->p.n_loans ? s->p.n_loans : 1) * sizeof(*s->guarantees));
	if (!s->guarantees)
		return mcg_error_set(err, MCG_ESYS, "out of memory");
	for (size_t i = 0; i < s->p.n_loans; i++) {
		const rpt_loan *l = &s->p.loans[i];

		if (!l->guaranteed || strcmp(l->bank, s->bic) != 0)
			continue;
		if (__builtin_add_overflow(s->total_ga_minor, l->ga_minor, &s->total_ga_minor))
			return mcg_error_set(err, MCG_EINTEGRITY, "the guaranteed amounts overflow");
		s->guarantees[s->n_guarantees++] = i;
	}
	return MCG_OK;
}

/* The guarantees of page k: guarantees[*first .. *end). */
static void page_guarantees(const statement *s, size_t k, size_t *first, size_t *end)
{
	if (!s->page_size) {
		*first = 0;
		*end = s->n_guarantees;
		return;
	}
	*first = k * s->page_size;
	*end = *first + s->page_size < s->n_guarantees ? *first + s->page_size :
							  s->n_guarantees;
}

/*
 * 1 when what is built of the page is already more than a verifier reads
 * (rpt_doc.bytes_min is a lower bound): the page is given up at once, so
 * that refusing a statement too large costs no more memory than one that
 * fits, and its size is estimated from what was built.
 */
static int over_limit(statement *s, size_t items_built)
{
	if (s->d.bytes_min <= s->bytes_max)
		return 0;
	s->items_built = items_built;
	return 1;
}

/* 0, or 1 when the page was given up (over_limit). */
static int add_guarantees(statement *s, size_t first, size_t end)
{
	rpt_doc *d = &s->d;
	xmlNodePtr list = rpt_elem(d, d->root, "Guarantees");
	int64_t total = 0;

	for (size_t i = first; i < end; i++) {
		if (over_limit(s, i - first))
			return 1;
		const rpt_loan *l = &s->p.loans[s->guarantees[i]];
		xmlNodePtr g, n;

		g = rpt_elem(d, list, "Guarantee");
		rpt_attr(d, g, "loan", l->id);
		rpt_attr(d, g, "status", rpt_status_name(l->status));
		n = rpt_text(d, g, "Borrower", member_name(s, l->borrower));
		rpt_attr(d, n, "id", l->borrower);
		n = rpt_elem(d, g, "Issued");
		rpt_attr_int(d, n, "event", l->guarantee_seq);
		rpt_attr_date(d, n, "date", l->guarantee_days);
		rpt_amount(d, g, "Principal", l->principal_minor);
		rpt_amount(d, g, "Outstanding", l->outstanding_minor);
		rpt_pct(d, g, "Coverage", l->coverage_bp);
		if (l->has_cap)
			rpt_amount(d, g, "Cap", l->cap_minor);
		rpt_amount(d, g, "GuaranteedAmount", l->ga_minor);
		rpt_amount(d, g, "Deposit", l->deposit_minor);
		add_pledges(s, g, l);
		/* Cannot overflow: the sum of all of them did not. */
		total += l->ga_minor;
	}
	rpt_amount(d, list, "TotalGuaranteed", total);
	rpt_attr_int(d, list, "count", (int64_t)(end - first));
	return 0;
}

/* ---- events of the period ------------------------------------------------- */

static xmlNodePtr event_elem(statement *s, xmlNodePtr list, const char *name,
			     const mcg_event *ev, const rpt_loan *l)
{
	xmlNodePtr n = rpt_elem(&s->d, list, name);

	rpt_attr_int(&s->d, n, "event", ev->seq);
	rpt_attr_date(&s->d, n, "date", ev->date_days);
	rpt_attr(&s->d, n, "loan", l->id);
	return n;
}

/* The members' part of a call or a recovery, one element per due:<member>. */
static void add_member_parts(statement *s, xmlNodePtr parent, const char *name,
			     const mcg_event *ev)
{
	for (size_t i = 0; i < ev->n_postings; i++) {
		const mcg_posting *p = &ev->postings[i];
		int64_t a = p->amount_minor < 0 ? -p->amount_minor : p->amount_minor;
		xmlNodePtr n;

		if (strncmp(p->account, "due:", 4) != 0)
			continue;
		n = rpt_amount(&s->d, parent, name, a);
		rpt_attr(&s->d, n, "member", p->account + 4);
	}
}

static void add_repayment(statement *s, xmlNodePtr list, const mcg_event *ev,
			  rpt_loan *l)
{
	rpt_doc *d = &s->d;
	int64_t *running = &s->running[l - s->p.loans];
	int64_t principal = rpt_field_int(ev, "principal");
	rpt_split split;
	xmlNodePtr n = event_elem(s, list, "Repayment", ev, l);

	rpt_split_of(ev, &split);
	*running -= principal;
	rpt_amount(d, n, "Principal", principal);
	if (mcg_event_get(ev, "interest"))
		rpt_amount(d, n, "Interest", rpt_field_int(ev, "interest"));
	rpt_amount(d, n, "OutstandingAfter", *running);
	if (split.deposit_minor)
		rpt_amount(d, n, "DepositReturned", split.deposit_minor);
}

static void add_event(statement *s, xmlNodePtr list, const mcg_event *ev,
		      rpt_loan *l)
{
	rpt_doc *d = &s->d;
	rpt_split split;
	xmlNodePtr n, w;

	rpt_split_of(ev, &split);
	if (strcmp(ev->type, "loan.add") == 0) {
		n = event_elem(s, list, "LoanApplied", ev, l);
		rpt_text(d, n, "Borrower", l->borrower);
		rpt_amount(d, n, "Principal", l->principal_minor);
	} else if (strcmp(ev->type, "guarantee") == 0) {
		n = event_elem(s, list, "GuaranteeIssued", ev, l);
		rpt_pct(d, n, "Coverage", l->coverage_bp);
		rpt_amount(d, n, "GuaranteedAmount", l->ga0_minor);
		rpt_amount(d, n, "Deposit", l->deposit_given_minor);
		add_pledges(s, n, l);
	} else if (strcmp(ev->type, "repay") == 0) {
		add_repayment(s, list, ev, l);
	} else if (strcmp(ev->type, "arrears") == 0) {
		int is_default = ev->seq == l->default_seq;

		n = event_elem(s, list, is_default ? "Default" : "Arrears", ev, l);
		rpt_int(d, n, "DaysPastDue", rpt_field_int(ev, "dpd"));
		if (is_default)
			rpt_amount(d, n, "GuaranteedAmount", l->ga_frozen_minor);
	} else if (strcmp(ev->type, "call") == 0) {
		n = event_elem(s, list, "Call", ev, l);
		rpt_amount(d, n, "Amount", rpt_field_int(ev, "amount"));
		w = rpt_elem(d, n, "Waterfall");
		rpt_amount(d, w, "FromDeposit", split.deposit_minor);
		add_member_parts(s, w, "FromCoGuarantor", ev);
		rpt_amount(d, w, "FromCoGuarantors", split.members_minor);
		rpt_amount(d, w, "FromFund", split.fund_minor);
	} else if (strcmp(ev->type, "recover") == 0) {
		n = event_elem(s, list, "Recovery", ev, l);
		rpt_amount(d, n, "Amount", rpt_field_int(ev, "amount"));
		rpt_amount(d, n, "ToFund", split.fund_minor);
		add_member_parts(s, n, "ToCoGuarantor", ev);
	} else if (strcmp(ev->type, "writeoff") == 0) {
		event_elem(s, list, "WriteOff", ev, l);
	}
}

/*
 * One pass over the loan events of the period: the bank's, as (seq, loan)
 * pairs, and the outstanding at the period's start of each of its loans.
 * The outstanding after each repayment is then walked forward from there;
 * it is the outstanding at the end plus the period's repayments.  Only
 * the loan and the principal are read, from the stored text: most of the
 * period's events are other banks'.
 */
static int collect_events(statement *s, mcg_error *err)
{
	sqlite3_stmt *st;
	size_t cap = 0;
	int step = SQLITE_DONE, rc = MCG_OK;

	s->running = calloc(s->p.n_loans ? s->p.n_loans : 1, sizeof(*s->running));
	if (!s->running)
		return mcg_error_set(err, MCG_ESYS, "out of memory");
	for (size_t i = 0; i < s->p.n_loans; i++)
		s->running[i] = s->p.loans[i].outstanding_minor;
	/* The type is tested here: an IN list costs SQLite an index probe a
	 * row. */
	if (sqlite3_prepare_v2(mcg_ledger_db(s->L),
			       "SELECT seq, type, fields FROM events WHERE seq BETWEEN ?1 AND ?2"
			       " ORDER BY seq", -1, &st, NULL) != SQLITE_OK)
		return db_fail(s->L, err, "the events");
	sqlite3_bind_int64(st, 1, s->first_seq);
	sqlite3_bind_int64(st, 2, s->p.as_of_seq);
	while (!rc && (step = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t seq = sqlite3_column_int64(st, 0);
		const char *type = (const char *)sqlite3_column_text(st, 1);
		const char *fields;
		char loan[RPT_ID_MAX], principal[MCG_AMOUNT_TEXT_MAX];
		rpt_pick picks[2] = { { "loan", loan, sizeof(loan), 0 },
				      { "principal", principal, sizeof(principal), 0 } };
		const rpt_loan *l;
		size_t i;

		if (!rpt_is_loan_event(type))
			continue;
		fields = (const char *)sqlite3_column_text(st, 2);
		if (!fields || rpt_fields_pick(fields, picks, 2) || !picks[0].found) {
			rc = mcg_error_set(err, MCG_EINTEGRITY, "event %lld has damaged fields",
					   (long long)seq);
			break;
		}
		l = rpt_portfolio_find(&s->p, loan);
		if (!l || strcmp(l->bank, s->bic) != 0)
			continue;
		i = (size_t)(l - s->p.loans);
		if (s->n_events == cap) {
			size_t want = cap ? cap * 2 : 1024;
			stmt_event *bigger;

			if (cap >= STMT_EVENTS_MAX) {
				rc = mcg_error_set(err, MCG_EINPUT,
						   "the period holds more than %d events of bank %s: ask for a shorter period",
						   STMT_EVENTS_MAX, s->bic);
				break;
			}
			if (want > STMT_EVENTS_MAX)
				want = STMT_EVENTS_MAX;
			bigger = realloc(s->events, want * sizeof(*bigger));
			if (!bigger) {
				rc = mcg_error_set(err, MCG_ESYS, "out of memory reading the events");
				break;
			}
			s->events = bigger;
			cap = want;
		}
		s->events[s->n_events].seq = seq;
		s->events[s->n_events].loan = i;
		s->n_events++;
		if (strcmp(type, "repay") == 0 &&
		    __builtin_add_overflow(s->running[i],
					   picks[1].found ? rpt_text_int(principal) : 0,
					   &s->running[i]))
			rc = mcg_error_set(err, MCG_EINTEGRITY, "the repayments of loan %s overflow",
					   l->id);
	}
	if (!rc && step != SQLITE_DONE)
		rc = db_fail(s->L, err, "the events");
	sqlite3_finalize(st);
	return rc;
}

/* The page whose range of loans holds p.loans[loan]: page k > 0 starts at
 * its first guarantee, page 0 at the first loan. */
static size_t page_of(const statement *s, size_t loan)
{
	size_t lo = 0, hi = s->n_pages - 1;

	while (lo < hi) {
		size_t mid = lo + (hi - lo + 1) / 2;

		if (s->guarantees[mid * s->page_size] <= loan)
			lo = mid;
		else
			hi = mid - 1;
	}
	return lo;
}

/* Splits the guarantees into pages and groups the events by page, each
 * page's in sequence order (a stable counting sort). */
static int paginate(statement *s, mcg_error *err)
{
	stmt_event *sorted;
	size_t *at;

	s->n_pages = 1;
	if (s->page_size && s->n_guarantees > s->page_size)
		s->n_pages = (s->n_guarantees + s->page_size - 1) / s->page_size;
	s->page_events = calloc(s->n_pages + 1, sizeof(*s->page_events));
	sorted = malloc((s->n_events ? s->n_events : 1) * sizeof(*sorted));
	at = calloc(s->n_pages, sizeof(*at));
	if (!s->page_events || !sorted || !at) {
		free(sorted);
		free(at);
		return mcg_error_set(err, MCG_ESYS, "out of memory");
	}
	for (size_t i = 0; i < s->n_events; i++)
		s->page_events[page_of(s, s->events[i].loan) + 1]++;
	for (size_t k = 0; k < s->n_pages; k++) {
		s->page_events[k + 1] += s->page_events[k];
		at[k] = s->page_events[k];
	}
	for (size_t i = 0; i < s->n_events; i++)
		sorted[at[page_of(s, s->events[i].loan)]++] = s->events[i];
	free(s->events);
	free(at);
	s->events = sorted;
	return MCG_OK;
}

/* MCG_OK, an error, or 1 when the page was given up (over_limit). */
static int add_events(statement *s, size_t k, size_t guarantees, mcg_error *err)
{
	xmlNodePtr list = rpt_elem(&s->d, s->d.root, "Events");
	size_t first = s->page_events[k], end = s->page_events[k + 1];
	int rc = MCG_OK;

	for (size_t i = first; i < end && !rc; i++) {
		const mcg_event *ev;

		if (over_limit(s, guarantees + i - first))
			return 1;
		rc = rpt_events_get(s->reader, s->events[i].seq, &ev, err);
		if (!rc)
			add_event(s, list, ev, &s->p.loans[s->events[i].loan]);
	}
	rpt_attr_int(&s->d, list, "count", (int64_t)(end - first));
	return rc;
}

/* ---- the fund ------------------------------------------------------------ */

static int add_fund(statement *s, mcg_error *err)
{
	rpt_doc *d = &s->d;
	xmlNodePtr f = rpt_elem(d, d->root, "Fund");
	char text[MCG_AMOUNT_TEXT_MAX];
	int64_t multiplier;

	rpt_amount(d, f, "Balance", s->p.fund_minor);
	rpt_amount(d, f, "TotalGuaranteed", s->p.total_ga_minor);
	if (s->p.fund_minor > 0) {
		if (rpt_ratio_centi(s->p.total_ga_minor, s->p.fund_minor, 100, &multiplier))
			return mcg_error_set(err, MCG_EINTEGRITY, "the multiplier is out of range");
		rpt_text(d, f, "Multiplier", rpt_centi_format(multiplier, text));
	}
	rpt_text(d, f, "MultiplierMax", rpt_centi_format(s->rules.multiplier_max_centi, text));
	rpt_amount(d, f, "Deficit", s->p.fund_minor < 0 ? -s->p.fund_minor : 0);
	return MCG_OK;
}

/* Paged: which page this is, its range of loans, and the whole statement's
 * totals. */
static void add_page(statement *s, xmlNodePtr h, size_t k)
{
	rpt_doc *d = &s->d;
	xmlNodePtr n = rpt_elem(d, h, "Page");

	rpt_attr_int(d, n, "number", (int64_t)k + 1);
	rpt_attr_int(d, n, "of", (int64_t)s->n_pages);
	if (k > 0)
		rpt_attr(d, n, "firstLoan", s->p.loans[s->guarantees[k * s->page_size]].id);
	if (k + 1 < s->n_pages)
		rpt_attr(d, n, "nextLoan",
			 s->p.loans[s->guarantees[(k + 1) * s->page_size]].id);
	rpt_int(d, n, "StatementGuarantees", (int64_t)s->n_guarantees);
	rpt_int(d, n, "StatementEvents", (int64_t)s->n_events);
	rpt_amount(d, n, "StatementTotalGuaranteed", s->total_ga_minor);
}

static void add_header(statement *s, size_t k)
{
	rpt_doc *d = &s->d;
	xmlNodePtr h = rpt_elem(d, d->root, "Header");
	xmlNodePtr n;

	rpt_text(d, h, "Consortium", mcg_ledger_name(s->L));
	n = rpt_text(d, h, "Bank", s->bank);
	rpt_attr(d, n, "bic", s->bic);
	n = rpt_elem(d, h, "Period");
	rpt_attr_date(d, n, "from", s->from_days);
	rpt_attr_date(d, n, "to", s->to_days);
	n = rpt_elem(d, h, "AsOf");
	rpt_attr_int(d, n, "event", s->p.as_of_seq);
	rpt_attr_date(d, n, "date", s->info.as_of_days);
	rpt_text(d, h, "Created", s->created);
	rpt_int(d, h, "RulesVersion", s->rules_version);
	if (s->page_size)
		add_page(s, h, k);
}

/* Reads what every page needs, inside the read transaction. */
static int prepare(statement *s, mcg_error *err)
{
	int64_t cut;
	int rc;

	rc = mcg_ledger_cut(s->L, s->to_days, s->cp.cp.size, &cut, err);
	rc = rc ? rc : rpt_first_from(s->L, s->from_days, &s->first_seq, err);
	rc = rc ? rc : rpt_portfolio_load(s->L, cut, &s->p, err);
	if (!rc && rpt_portfolio_keep_bank(&s->p, s->bic))
		rc = mcg_error_set(err, MCG_ESYS, "out of memory");
	rc = rc ? rc : mcg_ledger_rules_at(s->L, s->p.as_of_seq, &s->rules_version, &s->rules, err);
	s->info.as_of_days = s->to_days;
	if (!rc && s->p.as_of_seq > 0)
		rc = mcg_ledger_event_date(s->L, s->p.as_of_seq, &s->info.as_of_days, err);
	if (!rc && sqlite3_prepare_v2(mcg_ledger_db(s->L),
				      "SELECT name FROM members WHERE id = ?1", -1,
				      &s->member_name, NULL) != SQLITE_OK)
		rc = db_fail(s->L, err, "the members");
	rc = rc ? rc : rpt_events_reader(s->L, &s->reader, err);
	rc = rc ? rc : collect_guarantees(s, err);
	rc = rc ? rc : collect_events(s, err);
	rc = rc ? rc : paginate(s, err);
	mcg_timestamp_now(s->created);
	return rc;
}

/* Page k (of 1 when unpaged) as a document in s->d. */
/* Page k (of 1 when unpaged) as a document in s->d; 1 when it was given
 * up as too large (s->items_built says how far it got). */
static int build_page(statement *s, size_t k, mcg_error *err)
{
	size_t first, end;
	int rc;

	rc = rpt_doc_start(&s->d, MCG_DOC_STATEMENT, s->L, err);
	if (rc)
		return rc;
	page_guarantees(s, k, &first, &end);
	add_header(s, k);
	if (add_guarantees(s, first, end))
		return 1;
	s->guarantees_bytes = s->d.bytes_min;
	rc = add_events(s, k, end - first, err);
	rc = rc ? rc : add_fund(s, err);
	if (!rc)
		rpt_add_checkpoint(&s->d, s->d.root, &s->cp);
	return rc;
}

/*
 * The size of page k given up after s->items_built of its items, an
 * estimate: given up among the guarantees, what was built scaled to all
 * the items (events are smaller: more than enough); among the events, the
 * guarantees as built and the events scaled.
 */
static size_t estimate_size(const statement *s, size_t k)
{
	size_t first, end, guarantees, events, built = s->items_built;
	double size = (double)s->d.bytes_min;

	page_guarantees(s, k, &first, &end);
	guarantees = end - first;
	events = s->page_events[k + 1] - s->page_events[k];
	if (built == 0)
		return s->d.bytes_min;
	if (built <= guarantees)
		size = size * (double)(guarantees + events) / (double)built;
	else
		size = (double)s->guarantees_bytes +
		       (size - (double)s->guarantees_bytes) * (double)events /
		       (double)(built - guarantees);
	return size < (double)SIZE_MAX / 2 ? (size_t)size : SIZE_MAX / 2;
}

/*
 * A page size that would have fitted: as many guarantees as the refused
 * document listed, scaled to three quarters of the limit, rounded down to
 * two significant digits.  0 when splitting cannot help (one guarantee).
 */
static size_t suggest_page_size(size_t listed, size_t len, size_t max)
{
	uint64_t v, unit = 1;

	if (listed < 2 || len == 0)
		return 0;
	v = (uint64_t)listed * (max / 4 * 3) / len;
	while (v / unit >= 100)
		unit *= 10;
	v = v / unit * unit;
	if (v >= listed)
		v = listed - 1;
	return v ? (size_t)v : 1;
}

/* Says what to do about a document over the limit: len bytes, exactly
 * or (estimated) some. */
static int too_large(statement *s, size_t k, size_t len, int estimated,
		     mcg_error *err)
{
	size_t first, end, max = s->bytes_max;
	const char *some = estimated ? "some " : "";
	size_t want;

	page_guarantees(s, k, &first, &end);
	want = suggest_page_size(end - first, len, max);
	if (!s->page_size && want)
		return mcg_error_set(err, MCG_EINPUT,
				     "the bank statement would be %s%zu bytes, more than the %zu a verifier reads: split it into pages with --page-size %zu (guarantees a page), or ask for a shorter period (nothing was written)",
				     some, len, max, want);
	if (!s->page_size)
		return mcg_error_set(err, MCG_EINPUT,
				     "the bank statement would be %s%zu bytes, more than the %zu a verifier reads: ask for a shorter period (nothing was written)",
				     some, len, max);
	if (want)
		return mcg_error_set(err, MCG_EINPUT,
				     "page %zu of %zu of the bank statement would be %s%zu bytes, more than the %zu a verifier reads: use a smaller --page-size (about %zu) or ask for a shorter period (nothing was written)",
				     k + 1, s->n_pages, some, len, max, want);
	return mcg_error_set(err, MCG_EINPUT,
			     "page %zu of %zu of the bank statement would be %s%zu bytes, more than the %zu a verifier reads: ask for a shorter period (nothing was written)",
			     k + 1, s->n_pages, some, len, max);
}

/*
 * Builds, seals and checks every page (the one document when unpaged),
 * each written to its FILE.tmp, or, for standard output, held in s->out.
 * Nothing is handed out yet (hand_out), so a page refused here leaves no
 * trace: the caller drops the temporaries (drop_tmps).
 */
static int seal_pages(statement *s, mcg_error *err)
{
	int rc = MCG_OK;

	for (size_t k = 0; k < s->n_pages && !rc; k++) {
		char *bytes = NULL;
		size_t len = 0;

		rc = build_page(s, k, err);
		if (rc == 1)
			rc = too_large(s, k, estimate_size(s, k), 1, err);
		rc = rc ? rc : rpt_doc_seal(&s->d, s->L, &bytes, &len, err);
		rpt_doc_free(&s->d);
		if (rc == MCG_EINPUT && len > s->bytes_max)
			rc = too_large(s, k, len, 0, err);
		if (rc)
			break;
		if (!s->paths) {
			/* Standard output takes one document, never pages. */
			s->out = bytes;
			s->out_len = len;
			bytes = NULL;
		} else {
			rc = rpt_write_tmp(s->L, s->paths[k], bytes, len, err);
			if (!rc)
				s->written++;
			else if (rc == MCG_EINPUT && s->page_size)
				/* A page's file refused (one of the ledger's own):
				 * say which -o and which page named it. */
				mcg_error_prefix(err, "-o %s, page %zu of %zu", s->out_path,
						 k + 1, s->n_pages);
			else if (rc == MCG_EINPUT)
				mcg_error_prefix(err, "-o %s", s->out_path);
		}
		free(bytes);
		if (!rc && (s->info.bytes += len) < len)
			s->info.bytes = SIZE_MAX;
	}
	return rc;
}

/*
 * Every page sealed, checked and in its FILE.tmp: keeps the checkpoint
 * they carry, then hands them out, renamed into place all together (or
 * the one document written to standard output).
 */
static int hand_out(statement *s, mcg_error *err)
{
	int rc = rpt_checkpoint_keep(s->L, &s->cp, err);

	if (rc)
		return rc;
	if (!s->paths)
		return rpt_write_stdout(s->out, s->out_len, err);
	for (; s->committed < s->written; s->committed++) {
		rc = rpt_commit_tmp(s->paths[s->committed], err);
		if (rc) {
			if (s->page_size && s->committed > 0)
				mcg_error_prefix(err, "pages 1 to %zu of %zu were written, the others not",
						 s->committed, s->n_pages);
			return rc;
		}
	}
	return MCG_OK;
}

/*
 * Ends the read transaction.  The statements that read in it go first: one
 * left on a row would hold its snapshot past the COMMIT, and the
 * checkpoint is then kept through this connection (hand_out).
 */
static void end_read(statement *s)
{
	sqlite3_finalize(s->member_name);
	s->member_name = NULL;
	rpt_events_free(s->reader);
	s->reader = NULL;
	rpt_read_end(s->L);
}

/* Removes the FILE.tmp of every page not renamed into place. */
static void drop_tmps(statement *s)
{
	for (size_t k = s->committed; k < s->written; k++)
		rpt_drop_tmp(s->paths[k]);
}

/* The file of each page, or of the one document (none for standard
 * output).  Their longest name was checked before anything was signed. */
static int out_paths(statement *s, mcg_error *err)
{
	char path[STMT_PATH_MAX];

	if (!s->out_path || strcmp(s->out_path, "-") == 0)
		return MCG_OK;
	s->paths = calloc(s->n_pages, sizeof(*s->paths));
	if (!s->paths)
		return mcg_error_set(err, MCG_ESYS, "out of memory");
	for (size_t k = 0; k < s->n_pages; k++) {
		if (s->page_size && mcg_statement_page_path(s->out_path, k + 1, s->n_pages,
							    path, sizeof(path)))
			return mcg_error_set(err, MCG_EINPUT, "-o: the path is too long");
		s->paths[k] = strdup(s->page_size ? path : s->out_path);
		if (!s->paths[k])
			return mcg_error_set(err, MCG_ESYS, "out of memory");
	}
	return MCG_OK;
}

int mcg_statement_page_path(const char *path, size_t page, size_t pages, char *out,
			    size_t out_size)
{
	const char *base = strrchr(path, '/');
	const char *dot;
	int width = 1, n;

	base = base ? base + 1 : path;
	dot = strrchr(base, '.');
	/* A leading dot names a hidden file, not an extension. */
	if (!dot || dot == base)
		dot = base + strlen(base);
	for (size_t p = pages; p >= 10; p /= 10)
		width++;
	n = snprintf(out, out_size, "%.*s-p%0*zu%s", (int)(dot - path), path, width, page, dot);
	return n < 0 || (size_t)n >= out_size ? -1 : 0;
}

static void statement_free(statement *s)
{
	sqlite3_finalize(s->member_name);
	rpt_events_free(s->reader);
	free(s->running);
	free(s->guarantees);
	free(s->events);
	free(s->page_events);
	for (size_t k = 0; s->paths && k < s->n_pages; k++)
		free(s->paths[k]);
	free(s->paths);
	free(s->out);
	rpt_doc_free(&s->d);
	rpt_portfolio_free(&s->p);
	rpt_checkpoint_free(&s->cp);
}

int mcg_statement_write(mcg_ledger *L, const char *bic, int32_t from_days,
			int32_t to_days, size_t page_size, const char *out_path,
			mcg_report_info *info, mcg_error *err)
{
	statement s;
	char a[MCG_DATE_TEXT_MAX], b[MCG_DATE_TEXT_MAX];
	char probe[STMT_PATH_MAX];
	int rc;

	memset(&s, 0, sizeof(s));
	s.L = L;
	s.bic = bic;
	s.from_days = from_days;
	s.to_days = to_days;
	s.page_size = page_size;
	s.out_path = out_path;
	s.bytes_max = rpt_doc_bytes_max();
	if (from_days > to_days)
		return mcg_error_set(err, MCG_EINPUT, "the period starts (%s) after it ends (%s)",
				     mcg_date_format(from_days, a), mcg_date_format(to_days, b));
	if (page_size && (!out_path || strcmp(out_path, "-") == 0))
		return mcg_error_set(err, MCG_EINPUT,
				     "--page-size writes one file a page: give -o FILE, not standard output");
	if (page_size > MCG_STATEMENT_PAGE_SIZE_MAX)
		return mcg_error_set(err, MCG_EINPUT, "--page-size is at most %d",
				     MCG_STATEMENT_PAGE_SIZE_MAX);
	/* The longest name a page can get, before anything is signed. */
	if (page_size && mcg_statement_page_path(out_path, RPT_LOANS_MAX, RPT_LOANS_MAX,
						 probe, sizeof(probe)))
		return mcg_error_set(err, MCG_EINPUT, "-o: the path is too long");
	rc = bank_name(L, bic, s.bank, sizeof(s.bank), err);
	rc = rc ? rc : rpt_signing_key_check(L, err);
	rc = rc ? rc : rpt_checkpoint_make(L, &s.cp, err);
	if (rc)
		return rc;
	rc = rpt_read_begin(L, err);
	if (rc)
		goto out_free;
	rc = rpt_checkpoint_verify(L, &s.cp, err);
	rc = rc ? rc : prepare(&s, err);
	rc = rc ? rc : out_paths(&s, err);
	rc = rc ? rc : seal_pages(&s, err);
	end_read(&s);
	/* Only now is the checkpoint kept (report_int.h): a statement refused
	 * on the way, too large say, leaves the ledger as it was. */
	rc = rc ? rc : hand_out(&s, err);
	if (rc) {
		drop_tmps(&s);
		goto out_free;
	}
	s.info.as_of_seq = s.p.as_of_seq;
	s.info.checkpoint_size = s.cp.cp.size;
	s.info.items = s.n_guarantees;
	s.info.events = s.n_events;
	s.info.total_ga_minor = s.total_ga_minor;
	s.info.pages = page_size ? s.n_pages : 0;
	if (info)
		*info = s.info;
out_free:
	statement_free(&s);
	return rc;
}
