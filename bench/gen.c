/*
 * bench/gen: the deterministic generator of a realistic consortium for
 * `make bench` (docs/PERFORMANCE.md).
 *
 * From a fixed seed and a few scale flags it writes, into one folder:
 *
 *   setup.sh     the consortium as `mcg` commands, one per line, every one
 *                of which passes the rules: members in sectors (NACE codes)
 *                and districts with their share capital, partner banks,
 *                fund contributions, loans with their peer assessments and
 *                guarantees (co-guarantors' pledges included), and a few
 *                members that leave.  Runnable as it is:
 *                MCG=build/mcg sh setup.sh
 *   import-1.csv the banks' monthly reports as `mcg import` files: amortising
 *   import-2.csv repayments, arrears (some cured, some reaching default),
 *   import-3.csv guarantee calls and recoveries; dates never decrease across
 *                the files, so they import one after the other.  The first
 *                holds --split rows, the second --split2, the third the
 *                rest: three sizes of one import, to show how memory grows
 *                (or does not) with the file.
 *   gen.env      what the bench driver needs to know, as shell variables.
 *
 * Same seed and flags, same bytes: the generator uses its own PRNG
 * (splitmix64) and integer arithmetic only (no floating point, whose
 * library functions may round differently elsewhere).
 *
 * The portfolio is originated in the setup year (SETUP_YEAR, 2014); the
 * banks' reports start in January of the next and run month by month
 * until --events rows.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- limits ---------------------------------------------------------------- */

#define MEMBERS_MAX 10000000ULL
#define LOANS_MAX 50000000ULL
#define BANKS_MAX 500ULL
#define EVENTS_MAX 100000000ULL
#define PLEDGERS_MAX 3
#define ASSESSORS_MAX 5
#define PATH_BYTES_MAX 4096
#define FEED_MONTHS_MAX 1200
/* The year the consortium is set up; the reports follow from January of
 * the next.  In the past: mcg refuses an event dated more than 366 days
 * after today (ledger/journal.h), and the reports of `medium` and `small`
 * run for about five years (the default's for eleven months).  Until
 * session 12 it was 2024, and those scales' reports ran into 2029. */
#define SETUP_YEAR 2014
/* Text buffers (room for any value the formats can print). */
#define DATE_TEXT 40
#define ID_TEXT 24
#define AMOUNT_TEXT 32

/* The rules the setup must pass: rules/default.xml. */
#define CAPITAL_MIN_MINOR 25000
#define MULTIPLIER_MAX 15
#define SINGLE_NAME_MAX_PCT 25
#define PLEDGE_LEVERAGE_MAX 10
#define DEFAULT_DPD 90

/* ---- the PRNG ---------------------------------------------------------------- */

static uint64_t rng_state;

static uint64_t rng_next(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* Uniform in [0, n), n > 0 (the bias of the modulo is below 2^-40 here). */
static uint64_t rng_below(uint64_t n)
{
	return rng_next() % n;
}

/* Uniform in [lo, hi]. */
static int64_t rng_range(int64_t lo, int64_t hi)
{
	return lo + (int64_t)rng_below((uint64_t)(hi - lo + 1));
}

/* True with probability ppm / 1,000,000. */
static int rng_ppm(uint32_t ppm)
{
	return rng_below(1000000) < ppm;
}

/* ---- dates (days since 1970-01-01, proleptic Gregorian) --------------------------- */

static int32_t days_from_civil(int y, int m, int d)
{
	int era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static void civil_from_days(int32_t z, int *y, int *m, int *d)
{
	int era, doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = yoe + era * 400 + (*m <= 2);
}

static const char *date_text(int32_t days, char buf[DATE_TEXT])
{
	int y, m, d;

	civil_from_days(days, &y, &m, &d);
	snprintf(buf, DATE_TEXT, "%04d-%02d-%02d", y, m, d);
	return buf;
}

/* ---- amounts ------------------------------------------------------------------------ */

/* Minor units (EUR cents) as the ledger writes them: "1234.50". */
static const char *amount_text(int64_t minor, char buf[AMOUNT_TEXT])
{
	snprintf(buf, AMOUNT_TEXT, "%s%lld.%02lld", minor < 0 ? "-" : "",
		 (long long)(minor < 0 ? -minor : minor) / 100,
		 (long long)(minor < 0 ? -minor : minor) % 100);
	return buf;
}

/* pct(a, bp) of DOMAIN.md for a >= 0: a * bp / 10000, half up. */
static int64_t pct(int64_t a, int64_t bp)
{
	__int128 p = (__int128)a * bp;

	return (int64_t)((p + 5000) / 10000);
}

/* ---- the world -------------------------------------------------------------------- */

struct district {
	const char *name;
	const char *sectors[3];   /* the district's trades (NACE codes) */
	const char *goods;        /* a word for firm names */
};

/* Italian industrial districts and their trades. */
static const struct district districts[] = {
	{ "Sassuolo", { "C23.31", "C23.32", "C28.92" }, "Ceramiche" },
	{ "Prato", { "C13.20", "C13.30", "C14.13" }, "Tessuti" },
	{ "Biella", { "C13.10", "C13.20", "C13.91" }, "Filati" },
	{ "Carpi", { "C14.13", "C14.39", "C14.19" }, "Maglieria" },
	{ "Lumezzane", { "C25.73", "C25.62", "C28.14" }, "Valvole" },
	{ "Montebelluna", { "C15.20", "C22.29", "C32.30" }, "Calzature" },
	{ "Manzano", { "C31.01", "C31.09", "C16.23" }, "Sedie" },
	{ "Arzignano", { "C15.11", "C20.59", "C15.12" }, "Concerie" },
	{ "Murano", { "C23.13", "C23.19", "G47.78" }, "Vetri" },
	{ "Valenza", { "C32.12", "C32.13", "G46.48" }, "Gioielli" },
	{ "Agordo", { "C32.50", "C26.70", "C22.29" }, "Occhiali" },
	{ "Vigevano", { "C28.94", "C15.20", "C25.62" }, "Macchine" },
};
#define N_DISTRICTS (sizeof(districts) / sizeof(districts[0]))

/* Trades found in every district. */
static const char *const common_sectors[] = {
	"F43.21", "H49.41", "G46.69", "M69.20", "I56.10", "C33.12",
};
#define N_COMMON (sizeof(common_sectors) / sizeof(common_sectors[0]))

static const char *const surnames[] = {
	"Rossi", "Russo", "Ferrari", "Esposito", "Bianchi", "Romano", "Colombo",
	"Ricci", "Marino", "Greco", "Bruno", "Gallo", "Conti", "De Luca",
	"Mancini", "Costa", "Giordano", "Rizzo", "Lombardi", "Moretti",
	"Barbieri", "Fontana", "Santoro", "Mariani", "Rinaldi", "Caruso",
	"Ferrara", "Galli", "Martini", "Leone", "Longo", "Gentile",
};
#define N_SURNAMES (sizeof(surnames) / sizeof(surnames[0]))

static const char *const forms[] = { "Srl", "Spa", "Snc", "Sas", "Srls" };

static const char *const bank_names[] = {
	"Banca Popolare", "Cassa di Risparmio", "Banca di Credito Cooperativo",
	"Banca Agricola", "Credito Artigiano", "Banca del Territorio",
};

struct member {
	uint8_t district;
	uint8_t sector;           /* 0..2: the district's; 3: a common trade */
	uint8_t common;
	uint8_t withdrawn;
	uint8_t busy;             /* borrowed or pledged: may not withdraw */
	int64_t capital;
	int64_t pledged;          /* on active or defaulted loans */
	int64_t ga;               /* Σ GA of its loans, for single_name_max */
};

enum loan_state {
	L_APPLIED,                /* never guaranteed: no bank events */
	L_ACTIVE,
	L_LATE,                   /* active, reported 30 or 60 days past due */
	L_DEFAULTED,
	L_CALLED,
	L_DONE,                   /* repaid, or called and recovered */
};

struct loan {
	uint32_t borrower;
	uint16_t bank;
	uint8_t state;
	uint8_t grade;            /* the peer score's grade, 5..10 */
	uint8_t n_pledges;
	uint8_t has_cap;
	int16_t dpd;
	int32_t rate_bp;
	int32_t term_months;
	int32_t coverage_bp;
	int32_t wait;             /* months until the next step of a default */
	int32_t recoveries_left;
	int64_t principal;
	int64_t outstanding;
	int64_t instalment;
	int64_t cap;
	int64_t deposit;
	int64_t ga;               /* GA now (frozen at default) */
	int64_t recoverable;      /* losses of fund and co-guarantors not yet recovered */
	uint32_t pledger[PLEDGERS_MAX];
	int64_t pledge[PLEDGERS_MAX];
};

struct bank {
	char bic[12];
	int report_day;           /* day of the month its report is dated */
	uint64_t loans;
};

struct opts {
	uint64_t seed;
	uint64_t members;
	uint64_t loans;
	uint64_t banks;
	uint64_t events;
	uint64_t split;
	uint64_t split2;
	const char *out;
};

static struct member *members;
static struct loan *loans;
static struct bank *banks;
static uint64_t n_members_all;
static uint32_t **by_district;    /* member indexes per district */
static size_t *n_by_district;

/* ---- output helpers ----------------------------------------------------------------- */

static FILE *open_out(const char *dir, const char *name)
{
	char path[PATH_BYTES_MAX];
	FILE *f;

	if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, name) >= sizeof(path)) {
		fprintf(stderr, "gen: path too long\n");
		exit(1);
	}
	f = fopen(path, "w");
	if (!f) {
		fprintf(stderr, "gen: cannot write %s: %s\n", path, strerror(errno));
		exit(1);
	}
	return f;
}

static void close_out(FILE *f, const char *name)
{
	if (ferror(f) || fclose(f) != 0) {
		fprintf(stderr, "gen: error writing %s\n", name);
		exit(1);
	}
}

static void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n, size);

	if (!p) {
		fprintf(stderr, "gen: out of memory\n");
		exit(1);
	}
	return p;
}

/* ---- the setup ------------------------------------------------------------------------ */

static const char *member_sector(const struct member *m)
{
	return m->common ? common_sectors[m->sector] :
			   districts[m->district].sectors[m->sector];
}

/* Ids sort in the order they are made: M0000001, L0000001. */
static void member_id(uint64_t i, char buf[ID_TEXT])
{
	snprintf(buf, ID_TEXT, "M%07llu", (unsigned long long)(i + 1));
}

static void loan_id(uint64_t i, char buf[ID_TEXT])
{
	snprintf(buf, ID_TEXT, "L%07llu", (unsigned long long)(i + 1));
}

/* BICs of the form BK<two letters>IT<two letters>. */
static void make_banks(const struct opts *o, FILE *sh, int32_t day)
{
	char d[DATE_TEXT];

	for (uint64_t b = 0; b < o->banks; b++) {
		struct bank *k = &banks[b];

		snprintf(k->bic, sizeof(k->bic), "BK%c%cIT%c%c",
			 (char)('A' + b / 26 % 26), (char)('A' + b % 26),
			 (char)('A' + rng_below(26)), (char)('A' + rng_below(26)));
		/* Reports are dated the 5th to the 25th, the banks in order. */
		k->report_day = 5 + (int)(b * 20 / o->banks);
		fprintf(sh, "\"$MCG\" bank add %s --name \"%s %s %llu\" --date %s\n",
			k->bic, bank_names[b % 6],
			districts[b % N_DISTRICTS].name, (unsigned long long)(b / 6 + 1),
			date_text(day, d));
	}
}

/* Fund contributions needed so far, written as they become due. */
static int64_t fund_minor;        /* Σ fund contributions (a lower bound of the fund) */
static int64_t total_ga_minor;

static void contribute_fund(FILE *sh, uint64_t member, int64_t amount, int32_t day)
{
	char id[ID_TEXT], a[AMOUNT_TEXT], d[DATE_TEXT];

	member_id(member, id);
	fprintf(sh, "\"$MCG\" contribute %s %s --kind fund --date %s\n", id,
		amount_text(amount, a), date_text(day, d));
	fund_minor += amount;
}

static void make_members(const struct opts *o, FILE *sh, int32_t first_day)
{
	char id[ID_TEXT], a[AMOUNT_TEXT], d[DATE_TEXT];

	for (uint64_t i = 0; i < o->members; i++) {
		struct member *m = &members[i];
		int32_t day = first_day + (int32_t)(i * 28 / o->members);

		m->district = (uint8_t)rng_below(N_DISTRICTS);
		if (rng_ppm(150000)) {
			m->common = 1;
			m->sector = (uint8_t)rng_below(N_COMMON);
		} else {
			/* Most firms of a district share its first trade. */
			uint64_t r = rng_below(10);

			m->sector = (uint8_t)(r < 6 ? 0 : r < 9 ? 1 : 2);
		}
		/* Share capital from 500 to 5,000 EUR, in 50 EUR steps. */
		m->capital = rng_range(10, 100) * 5000;
		by_district[m->district][n_by_district[m->district]++] = (uint32_t)i;
		member_id(i, id);
		fprintf(sh, "\"$MCG\" member add %s --name \"%s %s %s\" --sector %s"
			" --district %s --tax-id IT%011llu --date %s\n",
			id, surnames[rng_below(N_SURNAMES)], districts[m->district].goods,
			forms[rng_below(5)], member_sector(m), districts[m->district].name,
			(unsigned long long)(10000000000ULL + i * 7919 % 89999999999ULL),
			date_text(day, d));
		fprintf(sh, "\"$MCG\" contribute %s %s --kind capital --date %s\n", id,
			amount_text(m->capital, a), date_text(day, d));
		/* One firm in ten also pays into the mutual fund. */
		if (rng_ppm(100000))
			contribute_fund(sh, i, rng_range(1, 20) * 500000, day);
	}
}

/* Principal: mostly small working-capital loans, some investments. */
static int64_t draw_principal(void)
{
	uint64_t r = rng_below(100);

	if (r < 60)
		return rng_range(10, 100) * 100000;        /* 10k .. 100k */
	if (r < 92)
		return rng_range(100, 500) * 100000;       /* 100k .. 500k */
	return rng_range(500, 1500) * 100000;              /* 500k .. 1.5M */
}

static int32_t draw_term(void)
{
	static const int32_t terms[] = { 24, 36, 48, 60, 60, 84, 96, 120, 120, 144, 180 };

	return terms[rng_below(sizeof(terms) / sizeof(terms[0]))];
}

/* A Zipf-like choice of bank: the first banks lend the most. */
static uint16_t draw_bank(uint64_t n_banks)
{
	uint64_t total = 0, r;

	for (uint64_t b = 0; b < n_banks; b++)
		total += 1000000 / (b + 1);
	r = rng_below(total);
	for (uint64_t b = 0; b < n_banks; b++) {
		uint64_t w = 1000000 / (b + 1);

		if (r < w)
			return (uint16_t)b;
		r -= w;
	}
	return 0;
}

static int among(uint32_t c, const uint32_t *not, size_t n_not)
{
	for (size_t i = 0; i < n_not; i++)
		if (not[i] == c)
			return 1;
	return 0;
}

/* A member of the same district other than those in `not` (n_not of
 * them); UINT32_MAX when the district is too small. */
static uint32_t draw_peer(uint8_t district, const uint32_t *not, size_t n_not)
{
	size_t n = n_by_district[district];

	for (int tries = 0; tries < 32 && n > 0; tries++) {
		uint32_t c = by_district[district][rng_below(n)];

		if (!among(c, not, n_not))
			return c;
	}
	return UINT32_MAX;
}

/* Any member other than those in `not` (there are at least 10 members and
 * never more than 6 to avoid). */
static uint32_t draw_any(const uint32_t *not, size_t n_not)
{
	for (;;) {
		uint32_t c = (uint32_t)rng_below(n_members_all);

		if (!among(c, not, n_not))
			return c;
	}
}

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return (x > y) - (x < y);
}

/* The peer assessments of one loan: 3 to 5 assessors of the district (the
 * median must reach 5: the setup passes the rules).  Returns the grade
 * (the median rounded down). */
static int assess(FILE *sh, const char *lid, uint32_t borrower, int latent,
		  int32_t day, int guaranteed)
{
	uint32_t who[ASSESSORS_MAX + 1];
	int score[ASSESSORS_MAX];
	int sorted[ASSESSORS_MAX];
	size_t k = guaranteed ? (size_t)rng_range(3, 5) : (size_t)rng_range(1, 2);
	size_t n = 0;
	char id[ID_TEXT], d[DATE_TEXT];
	int median_x2;

	who[0] = borrower;
	while (n < k) {
		uint32_t p = draw_peer(members[borrower].district, who, n + 1);

		if (p == UINT32_MAX)
			p = draw_any(who, n + 1);
		who[n + 1] = p;
		/* Peers see the firm's latent quality through a little noise. */
		score[n] = latent + (int)rng_range(-1, 1);
		if (rng_ppm(50000))
			score[n] = (int)rng_range(2, 4);   /* a sceptic */
		score[n] = score[n] < 1 ? 1 : score[n] > 10 ? 10 : score[n];
		n++;
	}
	memcpy(sorted, score, n * sizeof(int));
	qsort(sorted, n, sizeof(int), cmp_int);
	median_x2 = n % 2 ? 2 * sorted[n / 2] : sorted[n / 2 - 1] + sorted[n / 2];
	if (guaranteed && median_x2 < 10) {
		/* Raise the lower scores so the median reaches 5. */
		for (size_t i = 0; i < n; i++)
			if (score[i] < 5)
				score[i] = 5;
		median_x2 = 10;
	}
	for (size_t i = 0; i < n; i++) {
		member_id(who[i + 1], id);
		fprintf(sh, "\"$MCG\" assess %s --assessor %s --score %d --date %s\n",
			lid, id, score[i], date_text(day, d));
	}
	return median_x2 / 2;
}

/* Co-guarantors for a loan: up to three firms of the district, each within
 * its pledge leverage (10 times its capital). */
static void choose_pledges(struct loan *l, uint32_t self, int64_t ga0)
{
	uint32_t not[PLEDGERS_MAX + 1];
	size_t want = (size_t)rng_range(0, PLEDGERS_MAX);

	not[0] = self;
	l->n_pledges = 0;
	for (size_t i = 0; i < want; i++) {
		uint32_t p = draw_peer(members[self].district, not, l->n_pledges + 1u);
		struct member *m;
		int64_t room, amount;

		if (p == UINT32_MAX)
			break;
		m = &members[p];
		room = PLEDGE_LEVERAGE_MAX * m->capital - m->pledged;
		/* A pledge of 2% to 10% of the guaranteed amount, in whole euros. */
		amount = pct(ga0, rng_range(200, 1000)) / 100 * 100;
		if (amount > room)
			amount = room / 100 * 100;
		if (amount < 10000)
			continue;
		not[l->n_pledges + 1] = p;
		l->pledger[l->n_pledges] = p;
		l->pledge[l->n_pledges] = amount;
		l->n_pledges++;
		m->pledged += amount;
		m->busy = 1;
	}
}

static void guarantee(FILE *sh, const char *lid, struct loan *l, uint64_t n_members,
		      int32_t day)
{
	static const int32_t coverages[] = { 5000, 6000, 6250, 7000, 7500, 8000 };
	char a[AMOUNT_TEXT], d[DATE_TEXT], id[ID_TEXT];
	int64_t ga0, need, top;
	struct member *b = &members[l->borrower];

	l->coverage_bp = coverages[rng_below(6)];
	ga0 = pct(l->principal, l->coverage_bp);
	l->has_cap = (uint8_t)rng_ppm(200000);
	if (l->has_cap) {
		l->cap = ga0 / 1000 * 900 / 100 * 100;    /* 90% of GA0, whole euros */
		ga0 = l->cap;
	}
	/* Half the borrowers leave a deposit of 2% to 5% of GA0. */
	l->deposit = rng_ppm(500000) ? pct(ga0, rng_range(200, 500)) : 0;
	l->ga = ga0;
	choose_pledges(l, l->borrower, ga0);

	/* The fund must carry the portfolio (multiplier_max) and the
	 * borrower (single_name_max): members top it up, with a margin. */
	total_ga_minor += ga0;
	b->ga += ga0;
	need = total_ga_minor / MULTIPLIER_MAX + 1;
	top = b->ga * 100 / SINGLE_NAME_MAX_PCT + 1;
	if (top > need)
		need = top;
	if (need > fund_minor) {
		int64_t amount = (need - fund_minor) + need / 10;

		contribute_fund(sh, rng_below(n_members), amount / 100 * 100 + 100, day);
	}

	fprintf(sh, "\"$MCG\" guarantee %s --coverage %d.%02d", lid,
		l->coverage_bp / 100, l->coverage_bp % 100);
	if (l->has_cap)
		fprintf(sh, " --cap %s", amount_text(l->cap, a));
	if (l->deposit)
		fprintf(sh, " --deposit %s", amount_text(l->deposit, a));
	for (size_t i = 0; i < l->n_pledges; i++) {
		member_id(l->pledger[i], id);
		fprintf(sh, " --pledge %s:%s", id, amount_text(l->pledge[i], a));
	}
	fprintf(sh, " --date %s\n", date_text(day, d));
}

static void make_loans(const struct opts *o, FILE *sh, int32_t first_day, int32_t days)
{
	char lid[ID_TEXT], bid[ID_TEXT], a[AMOUNT_TEXT], d[DATE_TEXT];

	for (uint64_t j = 0; j < o->loans; j++) {
		struct loan *l = &loans[j];
		int32_t day = first_day + (int32_t)(j * (uint64_t)days / o->loans);
		/* One application in a hundred is still pending. */
		int pending = rng_ppm(10000);
		int latent;

		l->borrower = (uint32_t)rng_below(o->members);
		l->bank = draw_bank(o->banks);
		l->principal = draw_principal();
		l->outstanding = l->principal;
		l->term_months = draw_term();
		l->instalment = (l->principal + l->term_months - 1) / l->term_months;
		l->rate_bp = (int32_t)rng_range(20, 80) * 10;
		members[l->borrower].busy = 1;
		banks[l->bank].loans++;
		loan_id(j, lid);
		member_id(l->borrower, bid);
		fprintf(sh, "\"$MCG\" loan add %s --borrower %s --bank %s --principal %s"
			" --rate %d.%02d --term-months %d --date %s\n",
			lid, bid, banks[l->bank].bic, amount_text(l->principal, a),
			l->rate_bp / 100, l->rate_bp % 100, l->term_months,
			date_text(day, d));
		latent = (int)rng_range(4, 9);
		l->grade = (uint8_t)assess(sh, lid, l->borrower, latent, day, !pending);
		if (pending) {
			l->state = L_APPLIED;
			continue;
		}
		guarantee(sh, lid, l, o->members, day);
		l->state = L_ACTIVE;
	}
}

/* A few members with no loan and no pledge leave at the end of the year. */
static uint64_t make_withdrawals(const struct opts *o, FILE *sh, int32_t day)
{
	char id[ID_TEXT], d[DATE_TEXT];
	uint64_t n = 0;

	for (uint64_t i = 0; i < o->members; i++) {
		if (members[i].busy || !rng_ppm(20000))
			continue;
		members[i].withdrawn = 1;
		member_id(i, id);
		fprintf(sh, "\"$MCG\" member withdraw %s --date %s\n", id, date_text(day, d));
		n++;
	}
	return n;
}

/* ---- the banks' reports ----------------------------------------------------------------- */

enum row_type { R_REPAY, R_ARREARS, R_CALL, R_RECOVER };

struct row {
	int32_t date;
	uint32_t loan;
	uint32_t order;           /* keeps a loan's rows of one day in order */
	uint8_t type;
	int16_t dpd;
	int64_t principal;
	int64_t interest;
	int64_t amount;
};

/* Late payment per month, in ppm, by grade 5..10 (loan_month triples it
 * for the chance of a first 30 days past due).  Two in three late loans
 * are cured at 30 days, and again at 60, so defaults come to about 4% a
 * year at grade 5 and 0.15% at grade 10 (roughly the master scale). */
static const uint32_t late_ppm[11] = { 0, 0, 0, 0, 0, 9000, 5000, 2500, 1400, 700, 350 };

static void row_add(struct row **rows, size_t *n, size_t *cap, const struct row *r)
{
	if (*n == *cap) {
		size_t c = *cap ? *cap * 2 : 65536;
		struct row *p = realloc(*rows, c * sizeof(**rows));

		if (!p) {
			fprintf(stderr, "gen: out of memory\n");
			exit(1);
		}
		*rows = p;
		*cap = c;
	}
	(*rows)[(*n)++] = *r;
}

/* The GA of an active loan: min(cap, pct(outstanding, coverage)). */
static int64_t ga_active(const struct loan *l)
{
	int64_t ga = pct(l->outstanding, l->coverage_bp);

	return l->has_cap && l->cap < ga ? l->cap : ga;
}

static void repay(struct loan *l, uint32_t j, int32_t day, int64_t principal,
		  struct row **rows, size_t *n, size_t *cap, uint32_t *order)
{
	struct row r = { 0 };

	if (principal > l->outstanding)
		principal = l->outstanding;
	r.date = day;
	r.loan = j;
	r.order = (*order)++;
	r.type = R_REPAY;
	r.principal = principal;
	/* A month of interest on the outstanding, half up. */
	r.interest = (l->outstanding * l->rate_bp + 60000) / 120000;
	row_add(rows, n, cap, &r);
	l->outstanding -= principal;
	if (l->outstanding == 0) {
		l->state = L_DONE;
		l->ga = 0;
		for (size_t i = 0; i < l->n_pledges; i++)
			members[l->pledger[i]].pledged -= l->pledge[i];
	} else {
		l->ga = ga_active(l);
	}
}

static void arrears(struct loan *l, uint32_t j, int32_t day, int16_t dpd,
		    struct row **rows, size_t *n, size_t *cap, uint32_t *order)
{
	struct row r = { 0 };

	r.date = day;
	r.loan = j;
	r.order = (*order)++;
	r.type = R_ARREARS;
	r.dpd = dpd;
	row_add(rows, n, cap, &r);
	l->dpd = dpd;
	if (dpd >= DEFAULT_DPD) {
		l->state = L_DEFAULTED;       /* GA frozen as it is */
		l->wait = (int32_t)rng_range(2, 6);
	} else {
		l->state = dpd ? L_LATE : L_ACTIVE;
	}
}

/* The call pays the bank X <= GA: the borrower's deposit bears the first
 * loss, the rest (co-guarantors, fund) can be recovered. */
static void call(struct loan *l, uint32_t j, int32_t day, struct row **rows,
		 size_t *n, size_t *cap, uint32_t *order)
{
	struct row r = { 0 };
	int64_t x = pct(l->ga, rng_range(8500, 10000));
	int64_t d;

	if (l->ga < 1) {
		/* Nothing is guaranteed any more: nothing to call. */
		l->state = L_DONE;
		return;
	}
	if (x < 1)
		x = l->ga;
	d = x < l->deposit ? x : l->deposit;
	r.date = day;
	r.loan = j;
	r.order = (*order)++;
	r.type = R_CALL;
	r.amount = x;
	row_add(rows, n, cap, &r);
	l->state = L_CALLED;
	l->recoverable = x - d;
	l->recoveries_left = (int32_t)rng_range(0, 3);
	l->wait = (int32_t)rng_range(3, 12);
	for (size_t i = 0; i < l->n_pledges; i++)
		members[l->pledger[i]].pledged -= l->pledge[i];
	if (l->recoverable == 0 || l->recoveries_left == 0)
		l->state = L_DONE;
}

static void recover(struct loan *l, uint32_t j, int32_t day, struct row **rows,
		    size_t *n, size_t *cap, uint32_t *order)
{
	struct row r = { 0 };
	/* 10% to 30% of what is still owed, at least a cent. */
	int64_t amount = pct(l->recoverable, rng_range(1000, 3000));

	if (amount < 1)
		amount = 1;
	r.date = day;
	r.loan = j;
	r.order = (*order)++;
	r.type = R_RECOVER;
	r.amount = amount;
	row_add(rows, n, cap, &r);
	l->recoverable -= amount;
	l->wait = (int32_t)rng_range(3, 12);
	if (--l->recoveries_left == 0 || l->recoverable == 0)
		l->state = L_DONE;
}

/* One month of one loan's life, as its bank reports it. */
static void loan_month(struct loan *l, uint32_t j, int32_t day, struct row **rows,
		       size_t *n, size_t *cap, uint32_t *order)
{
	switch (l->state) {
	case L_ACTIVE:
		if (rng_ppm(late_ppm[l->grade] * 3)) {
			arrears(l, j, day, 30, rows, n, cap, order);
		} else if (rng_ppm(2500)) {
			/* An early repayment of the whole loan. */
			repay(l, j, day, l->outstanding, rows, n, cap, order);
		} else {
			repay(l, j, day, l->instalment, rows, n, cap, order);
		}
		break;
	case L_LATE:
		/* Two in three late loans are cured: the missed instalments are
		 * paid and the bank reports 0 days past due. */
		if (rng_ppm(660000)) {
			repay(l, j, day, l->instalment * (l->dpd / 30 + 1), rows, n, cap, order);
			if (l->state != L_DONE)
				arrears(l, j, day, 0, rows, n, cap, order);
		} else {
			arrears(l, j, day, (int16_t)(l->dpd + 30), rows, n, cap, order);
		}
		break;
	case L_DEFAULTED:
		if (--l->wait <= 0)
			call(l, j, day, rows, n, cap, order);
		break;
	case L_CALLED:
		if (--l->wait <= 0)
			recover(l, j, day, rows, n, cap, order);
		break;
	default:
		break;
	}
}

static int cmp_row(const void *a, const void *b)
{
	const struct row *x = a, *y = b;

	if (x->date != y->date)
		return (x->date > y->date) - (x->date < y->date);
	if (x->loan != y->loan)
		return (x->loan > y->loan) - (x->loan < y->loan);
	return (x->order > y->order) - (x->order < y->order);
}

static void write_row(FILE *f, const struct row *r)
{
	static const char *const types[] = { "repay", "arrears", "call", "recover" };
	const struct loan *l = &loans[r->loan];
	char lid[ID_TEXT], d[DATE_TEXT], a[AMOUNT_TEXT], b[AMOUNT_TEXT];

	loan_id(r->loan, lid);
	date_text(r->date, d);
	/* The ref: the bank, the day, the loan and the row's place. */
	fprintf(f, "%s-%s-%s-%u,%s,%s,%s,", banks[l->bank].bic, d, lid, r->order,
		d, types[r->type], lid);
	switch (r->type) {
	case R_REPAY:
		fprintf(f, "%s,%s,,\n", amount_text(r->principal, a),
			amount_text(r->interest, b));
		break;
	case R_ARREARS:
		fprintf(f, ",,%d,\n", r->dpd);
		break;
	default:
		fprintf(f, ",,,%s\n", amount_text(r->amount, a));
		break;
	}
}

struct feed_stats {
	uint64_t rows[4];
	uint64_t rows_written;
	uint64_t rows_file[3];
	int32_t first_day, last_day;
	uint64_t bank_rows[BANKS_MAX];
};

static void make_feed(const struct opts *o, struct feed_stats *st)
{
	static const char *const header = "ref,date,type,loan,principal,interest,dpd,amount\n";
	FILE *f[3];
	struct row *rows = NULL;
	size_t cap = 0;
	uint32_t order = 0;
	int file = 0;

	f[0] = open_out(o->out, "import-1.csv");
	f[1] = open_out(o->out, "import-2.csv");
	f[2] = open_out(o->out, "import-3.csv");
	for (int i = 0; i < 3; i++)
		fputs(header, f[i]);
	st->first_day = st->last_day = 0;
	for (int month = 0; month < FEED_MONTHS_MAX && st->rows_written < o->events; month++) {
		int y = SETUP_YEAR + 1 + month / 12, m = month % 12 + 1;
		size_t n = 0;

		for (uint64_t j = 0; j < o->loans; j++) {
			struct loan *l = &loans[j];

			if (l->state == L_APPLIED || l->state == L_DONE)
				continue;
			loan_month(l, (uint32_t)j, days_from_civil(y, m, banks[l->bank].report_day),
				   &rows, &n, &cap, &order);
		}
		if (n == 0)
			break;
		qsort(rows, n, sizeof(*rows), cmp_row);
		for (size_t i = 0; i < n && st->rows_written < o->events; i++) {
			if (file == 0 && st->rows_written == o->split)
				file = 1;
			if (file == 1 && st->rows_written == o->split + o->split2)
				file = 2;
			write_row(f[file], &rows[i]);
			if (!st->first_day)
				st->first_day = rows[i].date;
			st->last_day = rows[i].date;
			st->rows[rows[i].type]++;
			st->rows_file[file]++;
			st->bank_rows[loans[rows[i].loan].bank]++;
			st->rows_written++;
		}
	}
	free(rows);
	close_out(f[0], "import-1.csv");
	close_out(f[1], "import-2.csv");
	close_out(f[2], "import-3.csv");
}

/* ---- flags ---------------------------------------------------------------------------- */

static int parse_u64(const char *text, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;

	if (!*text || strlen(text) > 19)
		return -1;
	for (const char *p = text; *p; p++) {
		if (*p < '0' || *p > '9')
			return -1;
		v = v * 10 + (uint64_t)(*p - '0');
	}
	if (v > max)
		return -1;
	*out = v;
	return 0;
}

static void usage(void)
{
	fputs("usage: gen [--seed N] [--members N] [--banks N] [--loans N] [--events N]\n"
	      "           [--split N] [--split2 N] --out DIR\n"
	      "Writes DIR/setup.sh, DIR/import-1.csv (--split rows), DIR/import-2.csv\n"
	      "(--split2 rows), DIR/import-3.csv (the rest of --events rows) and\n"
	      "DIR/gen.env.  See docs/PERFORMANCE.md.\n",
	      stderr);
	exit(2);
}

static void parse_flags(int argc, char **argv, struct opts *o)
{
	static const struct { const char *name; uint64_t max; size_t off; } flags[] = {
		{ "--seed", UINT64_MAX / 2, offsetof(struct opts, seed) },
		{ "--members", MEMBERS_MAX, offsetof(struct opts, members) },
		{ "--loans", LOANS_MAX, offsetof(struct opts, loans) },
		{ "--banks", BANKS_MAX, offsetof(struct opts, banks) },
		{ "--events", EVENTS_MAX, offsetof(struct opts, events) },
		{ "--split", EVENTS_MAX, offsetof(struct opts, split) },
		{ "--split2", EVENTS_MAX, offsetof(struct opts, split2) },
	};

	for (int i = 1; i < argc; i += 2) {
		size_t k;

		if (i + 1 >= argc)
			usage();
		if (strcmp(argv[i], "--out") == 0) {
			o->out = argv[i + 1];
			continue;
		}
		for (k = 0; k < sizeof(flags) / sizeof(flags[0]); k++)
			if (strcmp(argv[i], flags[k].name) == 0)
				break;
		if (k == sizeof(flags) / sizeof(flags[0]) ||
		    parse_u64(argv[i + 1], flags[k].max,
			      (uint64_t *)((char *)o + flags[k].off)) != 0) {
			fprintf(stderr, "gen: bad flag %s %s\n", argv[i], argv[i + 1]);
			usage();
		}
	}
	if (!o->out || o->members < 10 || o->loans < 1 || o->banks < 1) {
		fprintf(stderr, "gen: need --out, --members >= 10, --loans >= 1, --banks >= 1\n");
		usage();
	}
	if (o->split > o->events)
		o->split = o->events;
	if (o->split2 > o->events - o->split)
		o->split2 = o->events - o->split;
}

int main(int argc, char **argv)
{
	struct opts o = { 20260101, 20000, 100000, 20, 1000000, 100000, 300000, NULL };
	struct feed_stats st;
	uint64_t withdrawn, largest = 0;
	FILE *sh, *env;
	char d1[DATE_TEXT], d2[DATE_TEXT];

	parse_flags(argc, argv, &o);
	rng_state = o.seed;
	n_members_all = o.members;
	members = xcalloc(o.members, sizeof(*members));
	loans = xcalloc(o.loans, sizeof(*loans));
	banks = xcalloc(o.banks, sizeof(*banks));
	by_district = xcalloc(N_DISTRICTS, sizeof(*by_district));
	n_by_district = xcalloc(N_DISTRICTS, sizeof(*n_by_district));
	for (size_t i = 0; i < N_DISTRICTS; i++)
		by_district[i] = xcalloc(o.members, sizeof(**by_district));
	memset(&st, 0, sizeof(st));

	sh = open_out(o.out, "setup.sh");
	fprintf(sh, "#!/bin/sh\n# Written by bench/gen --seed %llu --members %llu --banks %llu"
		" --loans %llu.\n# Run with MCG set to the mcg binary and MCG_DB to a new"
		" ledger file.\nset -e\n",
		(unsigned long long)o.seed, (unsigned long long)o.members,
		(unsigned long long)o.banks, (unsigned long long)o.loans);
	fprintf(sh, "\"$MCG\" init --name \"Confidi dei Distretti (bench)\" --currency EUR"
		" --date %s\n", date_text(days_from_civil(SETUP_YEAR, 1, 2), d1));
	make_banks(&o, sh, days_from_civil(SETUP_YEAR, 1, 2));
	make_members(&o, sh, days_from_civil(SETUP_YEAR, 1, 2));
	make_loans(&o, sh, days_from_civil(SETUP_YEAR, 2, 1), 330);
	withdrawn = make_withdrawals(&o, sh, days_from_civil(SETUP_YEAR, 12, 30));
	close_out(sh, "setup.sh");

	make_feed(&o, &st);
	for (uint64_t b = 1; b < o.banks; b++)
		if (banks[b].loans > banks[largest].loans)
			largest = b;

	env = open_out(o.out, "gen.env");
	fprintf(env, "GEN_SEED=%llu\nGEN_MEMBERS=%llu\nGEN_BANKS=%llu\nGEN_LOANS=%llu\n"
		"GEN_WITHDRAWN=%llu\nGEN_ROWS=%llu\nGEN_ROWS_1=%llu\nGEN_ROWS_2=%llu\n"
		"GEN_ROWS_3=%llu\n"
		"GEN_REPAY=%llu\nGEN_ARREARS=%llu\nGEN_CALL=%llu\nGEN_RECOVER=%llu\n"
		"GEN_FEED_FROM=%s\nGEN_FEED_TO=%s\nGEN_LARGEST_BANK=%s\n"
		"GEN_LARGEST_BANK_LOANS=%llu\nGEN_LARGEST_BANK_ROWS=%llu\n",
		(unsigned long long)o.seed, (unsigned long long)o.members,
		(unsigned long long)o.banks, (unsigned long long)o.loans,
		(unsigned long long)withdrawn, (unsigned long long)st.rows_written,
		(unsigned long long)st.rows_file[0], (unsigned long long)st.rows_file[1],
		(unsigned long long)st.rows_file[2],
		(unsigned long long)st.rows[R_REPAY], (unsigned long long)st.rows[R_ARREARS],
		(unsigned long long)st.rows[R_CALL], (unsigned long long)st.rows[R_RECOVER],
		date_text(st.first_day ? st.first_day : days_from_civil(SETUP_YEAR + 1, 1, 1), d1),
		date_text(st.last_day ? st.last_day : days_from_civil(SETUP_YEAR + 1, 1, 1), d2),
		banks[largest].bic, (unsigned long long)banks[largest].loans,
		(unsigned long long)st.bank_rows[largest]);
	close_out(env, "gen.env");
	if (st.rows_written < o.events)
		fprintf(stderr, "gen: note: the portfolio ran out after %llu of %llu bank events;"
			" add loans for more\n", (unsigned long long)st.rows_written,
			(unsigned long long)o.events);

	for (size_t i = 0; i < N_DISTRICTS; i++)
		free(by_district[i]);
	free(by_district);
	free(n_by_district);
	free(members);
	free(loans);
	free(banks);
	return 0;
}
