/*
 * `mcg import`: a streaming RFC 4180 reader and the all-or-nothing import
 * of bank events through the journal (see import.h).
 *
 * The reader is a byte-at-a-time state machine over a fixed input chunk,
 * writing field values into one fixed record buffer: no allocation per
 * record, memory flat in the size of the file.  Line numbers count every
 * line feed consumed, including those inside quoted fields, so a record's
 * line is the physical line where it starts, as an editor shows it.
 */
#include "import.h"

#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "apply.h"
#include "date.h"
#include "event.h"
#include "journal.h"
#include "money.h"
#include "ring.h"

/* ---- the CSV reader --------------------------------------------------------- */

#define CSV_CHUNK_BYTES 65536
#define CSV_NAME_MAX 256

struct mcg_csv_reader {
	FILE *f;
	char name[CSV_NAME_MAX];
	mcg_csv_limits lim;
	const char *const *names;     /* column names by field index, or NULL */
	size_t n_names;
	unsigned char in[CSV_CHUNK_BYTES];
	size_t in_pos, in_len;
	int in_eof;
	int bom_checked;
	char *buf;                    /* record_bytes_max + fields_max bytes */
	size_t off[MCG_CSV_FIELDS_MAX];
	size_t len[MCG_CSV_FIELDS_MAX];
	uint64_t line;                /* the line the next byte is on */
	uint64_t bytes;
	uint64_t records;
	uint64_t blank_line;          /* an empty line seen and not yet judged */
};

enum { CSV_EOF = -1, CSV_IOERR = -2 };

static int csv_refill(mcg_csv_reader *r)
{
	if (r->in_eof)
		return CSV_EOF;
	r->in_len = fread(r->in, 1, sizeof(r->in), r->f);
	r->in_pos = 0;
	if (r->in_len == 0) {
		r->in_eof = 1;
		return ferror(r->f) ? CSV_IOERR : CSV_EOF;
	}
	if (!r->bom_checked) {
		r->bom_checked = 1;
		/* A UTF-8 byte order mark, as spreadsheets write it.  A file too
		 * short to hold one whole in the first read has none worth
		 * keeping: it would be a broken header anyway. */
		if (r->in_len >= 3 && r->in[0] == 0xEF && r->in[1] == 0xBB && r->in[2] == 0xBF) {
			r->in_pos = 3;
			r->bytes += 3;
		}
	}
	return 0;
}

static inline int csv_getc(mcg_csv_reader *r)
{
	if (r->in_pos >= r->in_len) {
		int rc = csv_refill(r);

		if (rc)
			return rc;
		if (r->in_pos >= r->in_len)
			return CSV_EOF;
	}
	r->bytes++;
	return r->in[r->in_pos++];
}

int mcg_csv_open(FILE *f, const char *name, const mcg_csv_limits *limits,
		 mcg_csv_reader **out, mcg_error *err)
{
	mcg_csv_limits def = { MCG_CSV_FIELD_BYTES_MAX, MCG_CSV_RECORD_BYTES_MAX,
			       MCG_CSV_FIELDS_MAX, MCG_CSV_RECORDS_MAX };
	mcg_csv_reader *r;

	*out = NULL;
	if (!limits)
		limits = &def;
	r = calloc(1, sizeof(*r));
	if (!r)
		return mcg_error_set(err, MCG_ESYS, "out of memory");
	r->lim = *limits;
	if (r->lim.fields_max == 0 || r->lim.fields_max > MCG_CSV_FIELDS_MAX)
		r->lim.fields_max = MCG_CSV_FIELDS_MAX;
	if (r->lim.field_bytes_max > r->lim.record_bytes_max)
		r->lim.field_bytes_max = r->lim.record_bytes_max;
	/* Room for every value and a terminator after each. */
	r->buf = malloc(r->lim.record_bytes_max + r->lim.fields_max);
	if (!r->buf) {
		free(r);
		return mcg_error_set(err, MCG_ESYS, "out of memory");
	}
	r->f = f;
	r->line = 1;
	mcg_strlcpy(r->name, name, sizeof(r->name));
	*out = r;
	return MCG_OK;
}

void mcg_csv_set_names(mcg_csv_reader *r, const char *const *names, size_t n)
{
	r->names = n ? names : NULL;
	r->n_names = n;
}

uint64_t mcg_csv_bytes(const mcg_csv_reader *r)
{
	return r->bytes;
}

void mcg_csv_free(mcg_csv_reader *r)
{
	if (!r)
		return;
	free(r->buf);
	free(r);
}

static int csv_error(mcg_csv_reader *r, uint64_t line, mcg_error *err,
		     const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static int csv_error(mcg_csv_reader *r, uint64_t line, mcg_error *err,
		     const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return mcg_error_set(err, MCG_EINPUT, "%s:%llu: %s", r->name,
			     (unsigned long long)line, msg);
}

/* "column 'ref'" when the columns are named, else "field 3". */
static const char *field_label(const mcg_csv_reader *r, size_t i, char *buf,
			       size_t bufsz)
{
	if (r->names && i < r->n_names && r->names[i])
		snprintf(buf, bufsz, "column '%s'", r->names[i]);
	else
		snprintf(buf, bufsz, "field %zu", i + 1);
	return buf;
}

/* States of the record machine. */
enum csv_state { FIELD_START, UNQUOTED, QUOTED, QUOTE_IN_QUOTED };

/* The record being read. */
struct csv_rec {
	uint64_t line;
	size_t used;              /* bytes in r->buf, terminators included */
	size_t nf;                /* fields finished */
	size_t flen;              /* bytes of the current field */
	int quoted;               /* some field was quoted */
};

static int csv_put(mcg_csv_reader *r, struct csv_rec *c, int ch, mcg_error *err)
{
	char label[64];

	if (c->flen >= r->lim.field_bytes_max)
		return csv_error(r, c->line, err, "%s is longer than %zu bytes",
				 field_label(r, c->nf, label, sizeof(label)),
				 r->lim.field_bytes_max);
	if (c->used - c->nf >= r->lim.record_bytes_max)
		return csv_error(r, c->line, err, "the record is longer than %zu bytes",
				 r->lim.record_bytes_max);
	r->buf[c->used++] = (char)ch;
	c->flen++;
	return MCG_OK;
}

static int csv_end_field(mcg_csv_reader *r, struct csv_rec *c, mcg_error *err)
{
	if (c->nf >= r->lim.fields_max)
		return csv_error(r, c->line, err, "more than %zu fields in the record",
				 r->lim.fields_max);
	r->off[c->nf] = c->used - c->flen;
	r->len[c->nf] = c->flen;
	r->buf[c->used++] = '\0';
	c->nf++;
	c->flen = 0;
	return MCG_OK;
}

/* After a carriage return outside quotes: only a line feed may follow. */
static int csv_crlf(mcg_csv_reader *r, struct csv_rec *c, mcg_error *err)
{
	int ch = csv_getc(r);

	if (ch == '\n') {
		r->line++;
		return MCG_OK;
	}
	if (ch == CSV_EOF)
		return MCG_OK;
	if (ch == CSV_IOERR)
		return mcg_error_set(err, MCG_ESYS, "%s: read error: %s", r->name, strerror(errno));
	return csv_error(r, c->line, err,
			 "a carriage return not followed by a line feed (line ends must be LF or CRLF)");
}

/*
 * Inside an unquoted field: copies the bytes up to the next one the state
 * machine must look at (, CR LF " NUL) straight from the input buffer, as
 * many as the limits let csv_put take; the byte loop below then handles
 * the rest, errors included, exactly as before.  Byte by byte, reading
 * the CSV was the largest part of an import outside SQLite and the
 * journal.
 */
static void csv_copy_run(mcg_csv_reader *r, struct csv_rec *c)
{
	const unsigned char *p = r->in + r->in_pos, *end = r->in + r->in_len, *q = p;
	size_t room, n;

	if (c->flen >= r->lim.field_bytes_max || c->used - c->nf >= r->lim.record_bytes_max)
		return;
	room = r->lim.field_bytes_max - c->flen;
	if (r->lim.record_bytes_max - (c->used - c->nf) < room)
		room = r->lim.record_bytes_max - (c->used - c->nf);
	if ((size_t)(end - p) < room)
		room = (size_t)(end - p);
	while ((size_t)(q - p) < room && *q != ',' && *q != '\n' && *q != '\r' &&
	       *q != '"' && *q != 0)
		q++;
	n = (size_t)(q - p);
	memcpy(r->buf + c->used, p, n);
	c->used += n;
	c->flen += n;
	r->in_pos += n;
	r->bytes += n;
}

/* Reads one physical record into r->buf.  *got is 0 at the end of file. */
static int csv_read_record(mcg_csv_reader *r, struct csv_rec *c, int *got,
			   mcg_error *err)
{
	enum csv_state st = FIELD_START;
	char label[64];
	int any = 0;
	int rc;

	memset(c, 0, sizeof(*c));
	c->line = r->line;
	*got = 0;
	for (;;) {
		int ch;

		if (st == UNQUOTED)
			csv_copy_run(r, c);
		ch = csv_getc(r);
		if (ch == CSV_IOERR)
			return mcg_error_set(err, MCG_ESYS, "%s: read error: %s", r->name,
					     strerror(errno));
		if (ch == CSV_EOF) {
			if (!any)
				return MCG_OK;
			if (st == QUOTED)
				return csv_error(r, c->line, err,
						 "%s: a quote opened here is never closed",
						 field_label(r, c->nf, label, sizeof(label)));
			break;
		}
		any = 1;
		if (ch == 0)
			return csv_error(r, c->line, err, "%s: a NUL byte (a binary file?)",
					 field_label(r, c->nf, label, sizeof(label)));
		switch (st) {
		case FIELD_START:
			if (ch == '"') {
				st = QUOTED;
				c->quoted = 1;
				continue;
			}
			st = UNQUOTED;
			/* fall through */
		case UNQUOTED:
			if (ch == ',') {
				rc = csv_end_field(r, c, err);
				if (rc)
					return rc;
				st = FIELD_START;
				continue;
			}
			if (ch == '\n') {
				r->line++;
				goto end;
			}
			if (ch == '\r') {
				rc = csv_crlf(r, c, err);
				if (rc)
					return rc;
				goto end;
			}
			if (ch == '"')
				return csv_error(r, c->line, err,
						 "%s: a quote inside a field that does not start with one",
						 field_label(r, c->nf, label, sizeof(label)));
			break;
		case QUOTED:
			if (ch == '"') {
				st = QUOTE_IN_QUOTED;
				continue;
			}
			if (ch == '\n')
				r->line++;
			break;
		case QUOTE_IN_QUOTED:
			if (ch == '"') {
				st = QUOTED;
				break;
			}
			if (ch == ',') {
				rc = csv_end_field(r, c, err);
				if (rc)
					return rc;
				st = FIELD_START;
				continue;
			}
			if (ch == '\n') {
				r->line++;
				goto end;
			}
			if (ch == '\r') {
				rc = csv_crlf(r, c, err);
				if (rc)
					return rc;
				goto end;
			}
			return csv_error(r, c->line, err,
					 "%s: text after the closing quote",
					 field_label(r, c->nf, label, sizeof(label)));
		}
		rc = csv_put(r, c, ch, err);
		if (rc)
			return rc;
	}
end:
	rc = csv_end_field(r, c, err);
	if (rc)
		return rc;
	*got = 1;
	return MCG_OK;
}

int mcg_csv_next(mcg_csv_reader *r, mcg_csv_record *rec, mcg_error *err)
{
	for (;;) {
		struct csv_rec c;
		int got, rc;

		rc = csv_read_record(r, &c, &got, err);
		if (rc)
			return rc;
		if (!got)
			return 0;         /* empty lines at the end are fine */
		if (c.nf == 1 && c.used == 1 && !c.quoted) {
			if (!r->blank_line)
				r->blank_line = c.line;
			continue;
		}
		if (r->blank_line)
			return csv_error(r, r->blank_line, err,
					 "an empty line, with more records after it");
		if (r->records >= r->lim.records_max)
			return csv_error(r, c.line, err, "more than %llu records in the file",
					 (unsigned long long)r->lim.records_max);
		r->records++;
		rec->n = c.nf;
		rec->line = c.line;
		for (size_t i = 0; i < c.nf; i++) {
			rec->field[i] = r->buf + r->off[i];
			rec->len[i] = r->len[i];
		}
		return 1;
	}
}

/* ---- the import -------------------------------------------------------------- */

enum column {
	COL_REF, COL_DATE, COL_TYPE, COL_LOAN, COL_PRINCIPAL, COL_INTEREST,
	COL_DPD, COL_AMOUNT, COL_N
};

static const char *const column_names[COL_N] = {
	"ref", "date", "type", "loan", "principal", "interest", "dpd", "amount"
};

#define COLUMNS_TEXT "ref,date,type,loan,principal,interest,dpd,amount"
#define BIT(c) (1u << (c))
/* Columns every file must have; the value columns may be left out of a
 * file whose rows do not need them (a file of calls has no dpd). */
#define COLUMNS_REQUIRED (BIT(COL_REF) | BIT(COL_DATE) | BIT(COL_TYPE) | BIT(COL_LOAN))
#define VALUE_COLUMNS (BIT(COL_PRINCIPAL) | BIT(COL_INTEREST) | BIT(COL_DPD) | BIT(COL_AMOUNT))

/* The row types, the cells each needs and the ones it may have.  The
 * events' fields are added in the order the recording commands add them
 * (cli/cmd_loans.c), so a row and the same command with the same ref are
 * the same event. */
static const struct row_type {
	const char *type;
	unsigned required;
	unsigned optional;
} row_types[] = {
	{ "repay", BIT(COL_PRINCIPAL), BIT(COL_INTEREST) },
	{ "arrears", BIT(COL_DPD), 0 },
	{ "call", BIT(COL_AMOUNT), 0 },
	{ "recover", BIT(COL_AMOUNT), 0 },
};

/* The days past due a bank may report, as `mcg arrears` takes them. */
#define IMPORT_DPD_MAX 36500

struct importer {
	mcg_ledger *L;
	const char *path;
	const mcg_import_opts *opts;
	mcg_csv_reader *r;
	int pos[COL_N];                       /* field index of each column, -1 if absent */
	const char *names[MCG_CSV_FIELDS_MAX]; /* column name of each field */
	size_t n_fields;
	int digits;
	mcg_csv_record rec;
	mcg_import_summary *sum;
	uint64_t total_bytes, next_mark, mark_step;
};

/* A cell quoted for a message: printable ASCII only, cut at 40. */
static const char *quoted(const char *s, char *buf, size_t bufsz)
{
	size_t j = 0;

	for (size_t i = 0; s[i] && j + 4 < bufsz; i++) {
		unsigned char ch = (unsigned char)s[i];

		if (j >= 40) {
			buf[j++] = '.';
			buf[j++] = '.';
			buf[j++] = '.';
			break;
		}
		buf[j++] = ch >= 0x20 && ch < 0x7f ? (char)ch : '?';
	}
	buf[j] = '\0';
	return buf;
}

static int check_header(struct importer *im, mcg_error *err)
{
	unsigned seen = 0;
	char q[64];
	int rc = mcg_csv_next(im->r, &im->rec, err);

	if (rc < 0)
		return rc;
	if (rc == 0)
		return mcg_error_set(err, MCG_EINPUT,
				     "%s:1: the file is empty: expected the header " COLUMNS_TEXT,
				     im->path);
	for (int c = 0; c < COL_N; c++)
		im->pos[c] = -1;
	for (size_t i = 0; i < im->rec.n; i++) {
		const char *name = im->rec.field[i];
		int c = 0;

		while (c < COL_N && strcmp(name, column_names[c]) != 0)
			c++;
		if (c == COL_N)
			return mcg_error_set(err, MCG_EINPUT,
					     "%s:%llu: unknown column '%s' (the columns are " COLUMNS_TEXT ")",
					     im->path, (unsigned long long)im->rec.line,
					     quoted(name, q, sizeof(q)));
		if (seen & BIT(c))
			return mcg_error_set(err, MCG_EINPUT, "%s:%llu: column '%s' appears twice",
					     im->path, (unsigned long long)im->rec.line,
					     column_names[c]);
		seen |= BIT(c);
		im->pos[c] = (int)i;
		im->names[i] = column_names[c];
	}
	for (int c = 0; c < COL_N; c++)
		if ((COLUMNS_REQUIRED & BIT(c)) && !(seen & BIT(c)))
			return mcg_error_set(err, MCG_EINPUT,
					     "%s:%llu: the header has no column '%s' (required: ref, date, type, loan)",
					     im->path, (unsigned long long)im->rec.line,
					     column_names[c]);
	im->n_fields = im->rec.n;
	mcg_csv_set_names(im->r, im->names, im->n_fields);
	return MCG_OK;
}

static const char *cell(const struct importer *im, enum column c)
{
	return im->pos[c] >= 0 ? im->rec.field[im->pos[c]] : "";
}

/* An amount cell: > 0 (principal, amount) or >= 0 (interest). */
static int cell_amount(struct importer *im, enum column c, int positive,
		       int64_t *out, mcg_error *err)
{
	if (mcg_amount_parse(cell(im, c), im->digits, 0, out, err))
		return mcg_error_prefix(err, "column '%s'", column_names[c]);
	if (positive && *out <= 0)
		return mcg_error_set(err, MCG_EINPUT, "column '%s': must be greater than 0",
				     column_names[c]);
	return MCG_OK;
}

static int cell_dpd(struct importer *im, int64_t *out, mcg_error *err)
{
	const char *s = cell(im, COL_DPD);
	int64_t v = 0;
	char q[64];

	for (size_t i = 0; s[i]; i++) {
		if (s[i] < '0' || s[i] > '9' || i >= 6)
			goto bad;
		v = v * 10 + (s[i] - '0');
	}
	if (!*s || v > IMPORT_DPD_MAX)
		goto bad;
	*out = v;
	return MCG_OK;
bad:
	return mcg_error_set(err, MCG_EINPUT,
			     "column 'dpd': bad value '%s': expected a whole number of days from 0 to %d",
			     quoted(s, q, sizeof(q)), IMPORT_DPD_MAX);
}

/* The cells a row's type needs are there and the others are empty. */
static int check_cells(struct importer *im, const struct row_type *t, mcg_error *err)
{
	for (int c = 0; c < COL_N; c++) {
		unsigned bit = BIT(c);
		int empty = cell(im, (enum column)c)[0] == '\0';

		if (!(VALUE_COLUMNS & bit))
			continue;
		if ((t->required & bit) && empty)
			return mcg_error_set(err, MCG_EINPUT, "column '%s' is required for type %s%s",
					     column_names[c], t->type,
					     im->pos[c] < 0 ? " (the file has no such column)" : "");
		if (!((t->required | t->optional) & bit) && !empty)
			return mcg_error_set(err, MCG_EINPUT, "column '%s' must be empty for type %s",
					     column_names[c], t->type);
	}
	return MCG_OK;
}

static int add_field(mcg_event *ev, const char *key, const char *value, mcg_error *err)
{
	int rc = mcg_event_add(ev, key, value);

	if (rc)
		return mcg_error_set(err, rc, rc == MCG_ESYS ? "out of memory"
						       : "column '%s' is too long", key);
	return MCG_OK;
}

static int add_amount(mcg_event *ev, const char *key, int64_t v, mcg_error *err)
{
	int rc = mcg_event_add_int(ev, key, v);

	if (rc)
		return mcg_error_set(err, rc, "out of memory");
	return MCG_OK;
}

/* Fills ev from the current row.  Errors name the column, not the line. */
static int row_event(struct importer *im, mcg_event *ev, mcg_error *err)
{
	const struct row_type *t = NULL;
	const char *type, *ref;
	int64_t v;
	char q[64];
	int rc;

	/* First: cell() may only look at fields the record has. */
	if (im->rec.n != im->n_fields)
		return mcg_error_set(err, MCG_EINPUT, "%zu fields where the header has %zu",
				     im->rec.n, im->n_fields);
	type = cell(im, COL_TYPE);
	ref = cell(im, COL_REF);
	for (size_t i = 0; i < sizeof(row_types) / sizeof(row_types[0]) && !t; i++)
		if (strcmp(type, row_types[i].type) == 0)
			t = &row_types[i];
	if (!t)
		return mcg_error_set(err, MCG_EINPUT,
				     "column 'type': bad type '%s': expected repay, arrears, call or recover",
				     quoted(type, q, sizeof(q)));
	if (!ref[0])
		return mcg_error_set(err, MCG_EINPUT,
				     "column 'ref' is empty: every row needs a ref, its idempotency key");
	if (mcg_journal_check_ref(ref, err))
		return mcg_error_prefix(err, "column 'ref'");
	if (!cell(im, COL_LOAN)[0])
		return mcg_error_set(err, MCG_EINPUT, "column 'loan' is empty");
	rc = check_cells(im, t, err);
	if (rc)
		return rc;
	mcg_event_reset(ev, t->type);
	mcg_strlcpy(ev->ref, ref, sizeof(ev->ref));
	mcg_strlcpy(ev->actor, im->opts->actor, sizeof(ev->actor));
	if (mcg_date_parse(cell(im, COL_DATE), &ev->date_days, err))
		return mcg_error_prefix(err, "column 'date'");
	ev->date_given = 1;
	rc = add_field(ev, "loan", cell(im, COL_LOAN), err);
	if (rc)
		return rc;
	if (t->required & BIT(COL_PRINCIPAL)) {
		rc = cell_amount(im, COL_PRINCIPAL, 1, &v, err);
		rc = rc ? rc : add_amount(ev, "principal", v, err);
		if (!rc && cell(im, COL_INTEREST)[0]) {
			rc = cell_amount(im, COL_INTEREST, 0, &v, err);
			rc = rc ? rc : add_amount(ev, "interest", v, err);
		}
	} else if (t->required & BIT(COL_DPD)) {
		rc = cell_dpd(im, &v, err);
		rc = rc ? rc : add_amount(ev, "dpd", v, err);
	} else {
		rc = cell_amount(im, COL_AMOUNT, 1, &v, err);
		rc = rc ? rc : add_amount(ev, "amount", v, err);
	}
	return rc;
}

/* bytes: how far into the file the row just appended ends. */
static void maybe_progress(struct importer *im, uint64_t bytes)
{
	if (!im->opts->progress)
		return;
	if (im->sum->rows % MCG_IMPORT_PROGRESS_ROWS != 0 &&
	    (!im->mark_step || bytes < im->next_mark))
		return;
	while (im->mark_step && im->next_mark <= bytes)
		im->next_mark += im->mark_step;
	im->opts->progress(im->opts->progress_ctx, im->sum->rows, bytes, im->total_bytes);
}

/*
 * ---- the rows, read ahead on a second thread ----------------------------------
 *
 * Reading the CSV, building each row's event (check, parse, fields) and
 * its encodings (mcg_journal_prepare: the fields as stored, the input
 * parts of its audit leaf) need nothing from the ledger: a reader thread
 * does them for the rows ahead while the import's thread appends the rows
 * behind, in batches that go round a ring (common/ring.h, as
 * audit/leaf_pipe.c uses it for the audit hashes).
 * Each batch slot keeps its event from one round to the next, so after
 * the first rounds neither thread allocates (glibc's malloc freeing across
 * threads was what made an earlier reader thread slower,
 * docs/PERFORMANCE.md).  The reader stops at the first row it cannot build
 * and puts the error at the end of the batch; the import's thread reports
 * it when it gets there, after the rows before it, as one thread did.
 * Without a thread (none to be had), the import's thread fills each batch
 * itself: the same code, in turn.
 */
/* Rows a batch: the reader keeps ahead, so it sleeps until the import's
 * thread hands a batch back, and that hand-back's wake-up is a futex
 * system call on the import's thread (5% of its time with batches of 64
 * rows, docs/PERFORMANCE.md).  256 rows make a quarter of the wake-ups;
 * 1024 gained nothing more. */
#define ROW_BATCH 256
#define ROW_BATCHES 4

struct row_slot {
	mcg_event ev;
	mcg_journal_prepared prepared;  /* the event's encodings, made by the reader */
	uint64_t line;              /* the row's line, for errors */
	uint64_t bytes;             /* how far into the file the row ends */
};

struct row_batch {
	size_t n;                   /* rows built */
	struct row_slot row[ROW_BATCH];
	/* The rows end after these: end_rc 0 at the end of the file, else
	 * the error in end_err; end_is_row when a row failed to build (it
	 * counts among the file's rows). */
	int end;
	int end_rc;
	int end_is_row;
	mcg_error end_err;
};

struct row_reader {
	struct importer *im;
	pthread_t thread;
	int threaded;
	mcg_ring ring;              /* over: filled, the import's thread's until it empties it */
	uint64_t rows;              /* rows read, for MCG_IMPORT_ROWS_MAX */
	struct row_batch batch[ROW_BATCHES];
};

static void fill_batch(struct row_reader *rr, struct row_batch *b)
{
	struct importer *im = rr->im;

	b->n = 0;
	while (b->n < ROW_BATCH) {
		struct row_slot *slot = &b->row[b->n];
		int rc = mcg_csv_next(im->r, &im->rec, &b->end_err);

		if (rc != 1) {
			b->end = 1;
			b->end_rc = rc;
			return;
		}
		if (rr->rows >= MCG_IMPORT_ROWS_MAX) {
			b->end = 1;
			b->end_rc = mcg_error_set(&b->end_err, MCG_EINPUT,
						  "%s:%llu: more than %llu rows: split the file",
						  im->path, (unsigned long long)im->rec.line,
						  (unsigned long long)MCG_IMPORT_ROWS_MAX);
			return;
		}
		rr->rows++;
		rc = row_event(im, &slot->ev, &b->end_err);
		rc = rc ? rc : mcg_journal_prepare(&slot->ev, &slot->prepared, &b->end_err);
		if (rc) {
			b->end = 1;
			b->end_is_row = 1;
			b->end_rc = mcg_error_prefix(&b->end_err, "%s:%llu", im->path,
						     (unsigned long long)im->rec.line);
			return;
		}
		slot->line = im->rec.line;
		slot->bytes = mcg_csv_bytes(im->r);
		b->n++;
	}
}

static void *reader_thread(void *arg)
{
	struct row_reader *rr = arg;

	for (size_t i = 0; mcg_ring_await_back(&rr->ring, i); i = (i + 1) % ROW_BATCHES) {
		struct row_batch *b = &rr->batch[i];
		int end;

		fill_batch(rr, b);
		end = b->end;
		mcg_ring_hand_over(&rr->ring, i);
		if (end)
			break;
	}
	return NULL;
}

/* The row's loan, the event's first field (row_event). */
static const char *slot_loan(const struct row_slot *slot)
{
	return slot->ev.n_fields ? slot->ev.fields[0].value : "";
}

/* The reader thread wrote the slot's event in its core's cache: ask for
 * its lines ahead of use, the event itself, then (once those are here)
 * the field values it points to. */
static void prefetch_slot_event(const struct row_slot *slot)
{
	const char *p = (const char *)&slot->ev;

	for (size_t off = 0; off < sizeof(slot->ev); off += 64)
		__builtin_prefetch(p + off);
}

static void prefetch_slot_fields(const struct row_slot *slot)
{
	for (size_t i = 0; i < slot->ev.n_fields; i++) {
		__builtin_prefetch(&slot->ev.fields[i]);
		__builtin_prefetch(slot->ev.fields[i].value);
	}
}

/* One row's event, built and prepared, appended to the open transaction. */
static int import_row(struct importer *im, struct row_slot *slot, mcg_error *err)
{
	mcg_event *ev = &slot->ev;
	int replayed = 0;
	int rc;

	rc = mcg_journal_append_prepared(im->L, ev, &slot->prepared, &replayed, err);
	if (!rc) {
		if (replayed) {
			im->sum->skipped++;
		} else {
			im->sum->recorded++;
			if (!im->sum->first_seq)
				im->sum->first_seq = ev->seq;
			im->sum->last_seq = ev->seq;
		}
	}
	/* The event the ref conflicts with may be an earlier row of this very
	 * file, which the refusal rolls back: naming its number would send
	 * the treasurer looking for an event that is never recorded. */
	if (rc == MCG_ECONFLICT && im->sum->first_seq && ev->seq >= im->sum->first_seq)
		mcg_error_set(err, MCG_ECONFLICT,
			      "ref '%s' is used by an earlier row of this file, with other"
			      " content: each row needs a ref of its own", ev->ref);
	if (rc)
		return mcg_error_prefix(err, "%s:%llu", im->path, (unsigned long long)slot->line);
	return MCG_OK;
}

/* Appends the rows of batch b.  1 when the rows go on after it. */
static int append_batch(struct importer *im, struct row_batch *b, mcg_error *err)
{
	for (size_t k = 0; k < b->n; k++) {
		int rc;

		/* Ahead of use: the lines of the reader's event four rows
		 * ahead and its field values three rows ahead; then the
		 * row's loan in the cache, two cache misses away (the index,
		 * then the entry): the index line two rows ahead and the
		 * entry one row ahead, which the event reads after its row is
		 * inserted. */
		if (k + 4 < b->n)
			prefetch_slot_event(&b->row[k + 4]);
		if (k + 3 < b->n)
			prefetch_slot_fields(&b->row[k + 3]);
		if (k + 2 < b->n)
			mcg_loan_cache_prefetch_slot(im->L, slot_loan(&b->row[k + 2]));
		if (k + 1 < b->n)
			mcg_loan_cache_prefetch(im->L, slot_loan(&b->row[k + 1]));
		im->sum->rows++;
		rc = import_row(im, &b->row[k], err);
		if (rc)
			return rc;
		maybe_progress(im, b->row[k].bytes);
	}
	if (!b->end)
		return 1;
	if (b->end_is_row)
		im->sum->rows++;
	if (b->end_rc)
		*err = b->end_err;
	return b->end_rc;
}

static void reader_stop(struct row_reader *rr)
{
	if (rr->threaded) {
		mcg_ring_stop(&rr->ring);
		pthread_join(rr->thread, NULL);
		mcg_ring_destroy(&rr->ring);
	}
	for (size_t i = 0; i < ROW_BATCHES; i++)
		for (size_t k = 0; k < ROW_BATCH; k++) {
			mcg_event_free(&rr->batch[i].row[k].ev);
			mcg_journal_prepared_free(&rr->batch[i].row[k].prepared);
		}
	free(rr);
}

/* Starts the reader thread: 1, or 0 when there is none to be had (the
 * import's thread then fills the batches itself). */
static int reader_start(struct row_reader *rr)
{
	if (mcg_ring_init(&rr->ring, ROW_BATCHES) != 0)
		return 0;
	if (pthread_create(&rr->thread, NULL, reader_thread, rr) != 0) {
		mcg_ring_destroy(&rr->ring);
		return 0;
	}
	return 1;
}

static int import_rows(struct importer *im, mcg_error *err)
{
	struct row_reader *rr = calloc(1, sizeof(*rr));
	int rc = 1;

	if (!rr)
		return mcg_error_set(err, MCG_ESYS, "out of memory");
	rr->im = im;
	for (size_t i = 0; i < ROW_BATCHES; i++)
		for (size_t k = 0; k < ROW_BATCH; k++)
			mcg_event_init(&rr->batch[i].row[k].ev, "repay");
	rr->threaded = !im->opts->single_thread && reader_start(rr);
	for (size_t i = 0; rc == 1; i = (i + 1) % ROW_BATCHES) {
		struct row_batch *b = &rr->batch[i];

		/* The reader never stops first: it fills every batch until
		 * one ends the rows, after which this loop waits for no more. */
		if (rr->threaded)
			mcg_ring_await_over(&rr->ring, i);
		else
			fill_batch(rr, b);
		rc = append_batch(im, b, err);
		if (rc == 1 && rr->threaded)
			mcg_ring_hand_back(&rr->ring, i);
	}
	reader_stop(rr);
	return rc;
}

static int open_file(const char *path, FILE **out, uint64_t *size, mcg_error *err)
{
	struct stat sb;
	FILE *f = fopen(path, "rb");

	*out = NULL;
	*size = 0;
	if (!f)
		return mcg_error_set(err, errno == ENOMEM ? MCG_ESYS : MCG_EINPUT,
				     "cannot open '%s': %s", path, strerror(errno));
	if (fstat(fileno(f), &sb) == 0) {
		if (S_ISDIR(sb.st_mode)) {
			fclose(f);
			return mcg_error_set(err, MCG_EINPUT, "'%s' is a folder, not a file", path);
		}
		if (S_ISREG(sb.st_mode))
			*size = (uint64_t)sb.st_size;
	}
	*out = f;
	return MCG_OK;
}

/*
 * The import runs with the connection's own page cache (SQLite's 2 MiB).
 * It once set 64 MiB for its transaction, which paid when every event read
 * and wrote its loan row; since the loan cache (loan_cache.c) an event
 * touches only the right edge of the tables it appends to, and filling a
 * large cache (a malloc and page faults for every page) cost more than it
 * saved: 12% more time and 95 MiB against 27 MiB at the default bench
 * scale (docs/PERFORMANCE.md).
 */
int mcg_import_file(mcg_ledger *L, const char *path, const mcg_import_opts *opts,
		    mcg_import_summary *out, mcg_error *err)
{
	struct importer im;
	FILE *f;
	int switched = 0;
	int rc;

	memset(out, 0, sizeof(*out));
	memset(&im, 0, sizeof(im));
	im.L = L;
	im.path = path;
	im.opts = opts;
	im.sum = out;
	im.digits = mcg_ledger_minor_digits(L);
	rc = mcg_journal_check_actor(opts->actor, err);
	rc = rc ? rc : open_file(path, &f, &im.total_bytes, err);
	if (rc)
		return rc;
	im.mark_step = im.total_bytes / 100;
	im.next_mark = im.mark_step;
	rc = mcg_csv_open(f, path, NULL, &im.r, err);
	rc = rc ? rc : check_header(&im, err);
	if (!rc && !opts->dry_run && im.total_bytes >= MCG_IMPORT_ROLLBACK_JOURNAL_BYTES)
		switched = mcg_db_try_rollback_journal(L);
	/* EXCLUSIVE in the rollback journal: readers wait from the start,
	 * rather than hold a lock the import needs to write its pages. */
	if (!rc)
		rc = switched ? mcg_journal_begin_exclusive(L, err) : mcg_journal_begin(L, err);
	if (rc)
		goto out_wal;
	/* Another writer opening the ledger between the switch and BEGIN
	 * puts it back in WAL, which the transaction then uses. */
	out->rollback_journal = switched && mcg_db_in_rollback_journal(L);
	/* A bank's report touches most open loans: read them in one pass.
	 * A row is 60 to 90 bytes. */
	rc = mcg_loan_cache_preload(L, im.total_bytes / 64, err);
	/* A file is a long run of appends: its audit leaves are hashed on
	 * a second thread (audit/leaf_pipe.h), settled before the commit. */
	L->hash_aside = !opts->single_thread;
	rc = rc ? rc : import_rows(&im, err);
	if (rc || opts->dry_run)
		mcg_journal_rollback(L);
	else
		rc = mcg_journal_commit(L, err);
	if (!rc && opts->progress)
		opts->progress(opts->progress_ctx, out->rows, mcg_csv_bytes(im.r), im.total_bytes);
out_wal:
	L->hash_aside = 0;
	/* Back to WAL, committed or not.  If that fails (a full disk), the
	 * import stands and the ledger works in rollback-journal mode until
	 * the next command that may write switches it (mcg_ledger_open). */
	if (switched)
		mcg_db_leave_rollback_journal(L, NULL);
	mcg_csv_free(im.r);
	fclose(f);
	return rc;
}
