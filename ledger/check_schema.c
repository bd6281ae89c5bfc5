/*
 * What `mcg check` compares of the ledger's schema (mcg_check_schema in
 * ledger_int.h): every table, index and view mcg makes must be in the
 * ledger as mcg makes it, and the ledger may hold no trigger.  check.c
 * calls it with the ledger attached as `orig` to the scratch ledger
 * `main`, which mcg_schema_sql made, and compares with that.
 *
 * A table or an index is compared by what it is, not by its SQL text.
 * The text of a ledger mcg upgraded is not always the text a new ledger
 * has: the upgrade to version 3 made audit_nodes from text of its own
 * (ledger.c, migrate_2_to_3: other spaces), and an ALTER TABLE ... ADD
 * COLUMN, should a later upgrade use one, writes its column into the text
 * its own way.  Compared letter for letter, every upgraded ledger would
 * fail.  So SQLite is asked what each one is, by the same questions for
 * the ledger and for the scratch ledger:
 *
 * - a table: its kind (pragma table_list: a table with or without rowid,
 *   STRICT, virtual, or a view), each column by name (pragma table_xinfo:
 *   its type, NOT NULL, default, place in the primary key, generated or
 *   not; sqlite3_table_column_metadata: its collation, AUTOINCREMENT), the
 *   columns' order, its foreign keys (pragma foreign_key_list) and its
 *   PRIMARY KEY and UNIQUE constraints (pragma index_list and index_xinfo:
 *   the key columns in order, each with its collation and direction);
 * - an index mcg makes: its table, UNIQUE or not, partial or not, and its
 *   key columns in order with their collations and directions, the
 *   covering ones included (pragma index_list, index_xinfo).
 *
 * Two clauses of CREATE TABLE show in no pragma: CHECK constraints and ON
 * CONFLICT clauses.  Either changes what mcg's own writes do (a CHECK
 * refuses them, ON CONFLICT REPLACE or IGNORE drops rows without a word).
 * They are read from the table's SQL text by a small lexer
 * (hidden_clauses): the text of each, with one space wherever it has
 * spaces or comments, must be the same as in the table mcg makes.  mcg
 * makes neither today, so any one found by hand is a difference.
 *
 * Views are compared letter for letter (the upgrade makes them from the
 * same text as `mcg init`).  Tables, indexes and views of the user's own,
 * names mcg never makes, are left alone: mcg never reads them.  So is an
 * index of the user's own on one of mcg's tables: it may make a query
 * faster or slower, never change its answer (a UNIQUE one may refuse a
 * write of mcg's, which then writes nothing, as any failed write).
 */
#include "ledger_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

/* ---- the clauses no pragma shows --------------------------------------- */

struct lexer {
	const char *p;            /* the next byte to read */
	const char *tok;          /* the token read last, tok_len bytes */
	size_t tok_len;
	int word;                 /* the token is a keyword or a bare name */
};

static int is_word_byte(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '_' || c == '$' || c >= 0x80;
}

/* Reads the next token of SQL text as SQLite's tokenizer cuts it, where
 * it matters here: spaces and comments skipped, a string or a quoted name
 * one token, a word one token.  0 at the end of the text. */
static int lex(struct lexer *x)
{
	const char *p = x->p;

	for (;;) {
		while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r' || *p == '\f' ||
		       *p == '\v')
			p++;
		if (p[0] == '-' && p[1] == '-') {
			while (*p && *p != '\n')
				p++;
		} else if (p[0] == '/' && p[1] == '*') {
			const char *end = strstr(p + 2, "*/");

			p = end ? end + 2 : p + strlen(p);
		} else {
			break;
		}
	}
	x->tok = p;
	x->word = 0;
	if (!*p) {
		x->tok_len = 0;
		x->p = p;
		return 0;
	}
	if (*p == '\'' || *p == '"' || *p == '`' || *p == '[') {
		char close = *p == '[' ? ']' : *p;

		/* A doubled quote inside is the quote itself. */
		for (p++; *p; p++) {
			if (*p != close)
				continue;
			if (close != ']' && p[1] == close) {
				p++;
				continue;
			}
			p++;
			break;
		}
	} else if (is_word_byte((unsigned char)*p)) {
		x->word = !(*p >= '0' && *p <= '9');
		while (is_word_byte((unsigned char)*p) || (!x->word && *p == '.'))
			p++;
	} else {
		p++;
	}
	x->tok_len = (size_t)(p - x->tok);
	x->p = p;
	return 1;
}

static int tok_is(const struct lexer *x, const char *word)
{
	return x->word && x->tok_len == strlen(word) &&
	       strncasecmp(x->tok, word, x->tok_len) == 0;
}

/* Appends the token as written, after one space if the text had space or
 * a comment before it (and out is not empty). */
static int put_token(mcg_buf *out, const struct lexer *x, const char *prev_end)
{
	int rc = out->len && x->tok > prev_end ? mcg_buf_putc(out, ' ') : MCG_OK;

	return rc ? rc : mcg_buf_append(out, x->tok, x->tok_len);
}

/*
 * The CHECK constraints and ON CONFLICT clauses of a CREATE TABLE, in the
 * order of the text, into out, each as written but for its spaces and
 * comments (one space where there were any): "CHECK (ga >= 0)" with its
 * whole parenthesis, "ON CONFLICT REPLACE".  CHECK is a keyword SQLite
 * never takes for a name; CONFLICT may be a column's name, but never
 * right after ON.  In a string or a quoted name the lexer sees neither.
 */
static int hidden_clauses(const char *sql, mcg_buf *out)
{
	struct lexer x = { sql, NULL, 0, 0 };
	const char *on = NULL;    /* the end of the token ON just read, if it was */
	int rc = MCG_OK;

	while (!rc && lex(&x)) {
		const char *end;

		if (tok_is(&x, "CHECK")) {
			int depth = 0;

			rc = mcg_buf_puts(out, out->len ? "; " : "");
			rc = rc ? rc : put_token(out, &x, x.tok);
			for (end = x.p; !rc && lex(&x); end = x.p) {
				rc = put_token(out, &x, end);
				depth += x.tok_len == 1 && *x.tok == '(' ? 1 :
					 x.tok_len == 1 && *x.tok == ')' ? -1 : 0;
				if (depth <= 0)
					break;
			}
		} else if (on && tok_is(&x, "CONFLICT")) {
			rc = mcg_buf_puts(out, out->len ? "; ON" : "ON");
			rc = rc ? rc : put_token(out, &x, on);
			end = x.p;
			if (!rc && lex(&x))
				rc = put_token(out, &x, end);
		}
		on = tok_is(&x, "ON") ? x.p : NULL;
	}
	return rc;
}

/* ---- describing a table or an index ----------------------------------- */

static int prepare(mcg_ledger *R, const char *sql, sqlite3_stmt **st, mcg_error *err)
{
	if (sqlite3_prepare_v2(R->db, sql, -1, st, NULL) != SQLITE_OK)
		return mcg_db_error(R, err, "comparing the schema");
	return MCG_OK;
}

/* Steps st; 1 for a row, 0 at the end, or an error. */
static int step(mcg_ledger *R, sqlite3_stmt *st, mcg_error *err)
{
	int s = sqlite3_step(st);

	if (s == SQLITE_ROW)
		return 1;
	return s == SQLITE_DONE ? 0 : mcg_db_error(R, err, "comparing the schema");
}

static const char *col_text(sqlite3_stmt *st, int col)
{
	const char *v = (const char *)sqlite3_column_text(st, col);

	return v ? v : "";
}

/* Appends s in capitals: SQLite reads type and collation names so. */
static int put_upper(mcg_buf *d, const char *s)
{
	int rc = MCG_OK;

	for (; !rc && *s; s++)
		rc = mcg_buf_putc(d, *s >= 'a' && *s <= 'z' ? (char)(*s - 'a' + 'A') : *s);
	return rc;
}

/* What kind of table `table` is in schema s: "table", "table WITHOUT
 * ROWID", "virtual table", "view", ..., or "" if there is none.  (pragma
 * table_list is SQLite 3.37's; Debian 12 has 3.40.) */
static int table_kind(mcg_ledger *R, const char *s, const char *table, mcg_buf *d,
		      mcg_error *err)
{
	sqlite3_stmt *st;
	int rc = prepare(R, "SELECT type, wr, strict FROM pragma_table_list(?1) WHERE schema = ?2",
			 &st, err);

	if (rc)
		return rc;
	sqlite3_bind_text(st, 1, table, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, s, -1, SQLITE_STATIC);
	rc = step(R, st, err);
	if (rc == 1) {
		const char *type = col_text(st, 0);

		rc = mcg_buf_puts(d, strcmp(type, "virtual") == 0 ? "virtual table" : type);
		if (!rc && sqlite3_column_int(st, 1))
			rc = mcg_buf_puts(d, " WITHOUT ROWID");
		if (!rc && sqlite3_column_int(st, 2))
			rc = mcg_buf_puts(d, " STRICT");
	}
	sqlite3_finalize(st);
	return rc;
}

/* Column col of table in schema s as one line of its definition, into d
 * ("" if the table has no such column): "id TEXT NOT NULL PRIMARY KEY
 * COLLATE NOCASE".  The collation is said only when not BINARY. */
static int column_desc(mcg_ledger *R, const char *s, const char *table, const char *col,
		       mcg_buf *d, mcg_error *err)
{
	static const char *const generated[] = { "", " HIDDEN", " GENERATED VIRTUAL",
						  " GENERATED STORED" };
	sqlite3_stmt *st;
	const char *coll = NULL;
	int autoinc = 0, hidden;
	int rc = prepare(R, "SELECT type, \"notnull\", dflt_value, pk, hidden"
			 " FROM pragma_table_xinfo(?1, ?2) WHERE name = ?3", &st, err);

	if (rc)
		return rc;
	sqlite3_bind_text(st, 1, table, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, s, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, col, -1, SQLITE_STATIC);
	rc = step(R, st, err);
	if (rc != 1)
		goto out;
	if (sqlite3_table_column_metadata(R->db, s, table, col, NULL, &coll, NULL, NULL,
					  &autoinc) != SQLITE_OK) {
		rc = mcg_db_error(R, err, "comparing the schema");
		goto out;
	}
	hidden = sqlite3_column_int(st, 4);
	rc = mcg_buf_printf(d, "%s ", col);
	rc = rc ? rc : put_upper(d, col_text(st, 0));
	if (!rc && sqlite3_column_int(st, 1))
		rc = mcg_buf_puts(d, " NOT NULL");
	if (!rc && sqlite3_column_type(st, 2) != SQLITE_NULL)
		rc = mcg_buf_printf(d, " DEFAULT %s", col_text(st, 2));
	if (!rc && sqlite3_column_int(st, 3))
		rc = mcg_buf_puts(d, " PRIMARY KEY");
	if (!rc && coll && strcasecmp(coll, "BINARY") != 0) {
		rc = mcg_buf_puts(d, " COLLATE ");
		rc = rc ? rc : put_upper(d, coll);
	}
	if (!rc && autoinc)
		rc = mcg_buf_puts(d, " AUTOINCREMENT");
	if (!rc && hidden > 0 && hidden < 4)
		rc = mcg_buf_puts(d, generated[hidden]);
out:
	sqlite3_finalize(st);
	return rc < 0 ? rc : MCG_OK;
}

/* The key columns of an index in schema s, in order: "(borrower, id)",
 * each with its collation (when not BINARY) and DESC. */
static int index_columns(mcg_ledger *R, const char *s, const char *index, mcg_buf *d,
			 mcg_error *err)
{
	sqlite3_stmt *st;
	int n = 0;
	int rc = prepare(R, "SELECT cid, name, \"desc\", coll FROM pragma_index_xinfo(?1, ?2)"
			 " WHERE key ORDER BY seqno", &st, err);

	if (rc)
		return rc;
	sqlite3_bind_text(st, 1, index, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, s, -1, SQLITE_STATIC);
	rc = mcg_buf_putc(d, '(');
	while (!rc && (rc = step(R, st, err)) == 1) {
		const char *coll = col_text(st, 3);

		/* cid -2: an expression, which no pragma shows; -1: the rowid. */
		rc = mcg_buf_printf(d, "%s%s", n++ ? ", " : "",
				    sqlite3_column_int(st, 0) == -2 ? "<an expression>" :
				    sqlite3_column_int(st, 0) == -1 ? "rowid" : col_text(st, 1));
		if (!rc && *coll && strcasecmp(coll, "BINARY") != 0) {
			rc = mcg_buf_puts(d, " COLLATE ");
			rc = rc ? rc : put_upper(d, coll);
		}
		if (!rc && sqlite3_column_int(st, 2))
			rc = mcg_buf_puts(d, " DESC");
	}
	rc = rc < 0 ? rc : mcg_buf_putc(d, ')');
	sqlite3_finalize(st);
	return rc;
}

/* The PRIMARY KEY and UNIQUE constraints of table in schema s (the
 * indexes SQLite makes for them), in the order of their names:
 * "PRIMARY KEY(id), UNIQUE(ref)"; "" for none. */
static int table_constraints(mcg_ledger *R, const char *s, const char *table, mcg_buf *d,
			     mcg_error *err)
{
	sqlite3_stmt *st;
	int rc = prepare(R, "SELECT name, origin FROM pragma_index_list(?1, ?2)"
			 " WHERE origin <> 'c' ORDER BY name", &st, err);

	if (rc)
		return rc;
	sqlite3_bind_text(st, 1, table, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, s, -1, SQLITE_STATIC);
	while ((rc = step(R, st, err)) == 1) {
		rc = mcg_buf_printf(d, "%s%s", d->len ? ", " : "",
				    strcmp(col_text(st, 1), "pk") == 0 ? "PRIMARY KEY" : "UNIQUE");
		rc = rc ? rc : index_columns(R, s, col_text(st, 0), d, err);
		if (rc)
			break;
	}
	sqlite3_finalize(st);
	return rc < 0 ? rc : MCG_OK;
}

/* The foreign keys of table in schema s: "seq REFERENCES events(seq)",
 * with the actions that are not NO ACTION; "" for none. */
static int table_foreign_keys(mcg_ledger *R, const char *s, const char *table, mcg_buf *d,
			      mcg_error *err)
{
	sqlite3_stmt *st;
	int rc = prepare(R, "SELECT \"from\", \"table\", \"to\", on_update, on_delete, match"
			 " FROM pragma_foreign_key_list(?1, ?2) ORDER BY id, seq", &st, err);

	if (rc)
		return rc;
	sqlite3_bind_text(st, 1, table, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, s, -1, SQLITE_STATIC);
	while ((rc = step(R, st, err)) == 1) {
		rc = mcg_buf_printf(d, "%s%s REFERENCES %s(%s)", d->len ? ", " : "",
				    col_text(st, 0), col_text(st, 1), col_text(st, 2));
		if (!rc && strcmp(col_text(st, 3), "NO ACTION") != 0)
			rc = mcg_buf_printf(d, " ON UPDATE %s", col_text(st, 3));
		if (!rc && strcmp(col_text(st, 4), "NO ACTION") != 0)
			rc = mcg_buf_printf(d, " ON DELETE %s", col_text(st, 4));
		if (!rc && strcmp(col_text(st, 5), "NONE") != 0)
			rc = mcg_buf_printf(d, " MATCH %s", col_text(st, 5));
		if (rc)
			break;
	}
	sqlite3_finalize(st);
	return rc < 0 ? rc : MCG_OK;
}

/* The names of table's columns in schema s, in order: "id, status". */
static int table_column_names(mcg_ledger *R, const char *s, const char *table, mcg_buf *d,
			      mcg_error *err)
{
	sqlite3_stmt *st;
	int rc = prepare(R, "SELECT name FROM pragma_table_xinfo(?1, ?2) ORDER BY cid", &st, err);

	if (rc)
		return rc;
	sqlite3_bind_text(st, 1, table, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, s, -1, SQLITE_STATIC);
	while ((rc = step(R, st, err)) == 1)
		if ((rc = mcg_buf_printf(d, "%s%s", d->len ? ", " : "", col_text(st, 0))))
			break;
	sqlite3_finalize(st);
	return rc < 0 ? rc : MCG_OK;
}

/* The CHECK and ON CONFLICT clauses of table in schema s (hidden_clauses). */
static int table_clauses(mcg_ledger *R, const char *s, const char *table, mcg_buf *d,
			 mcg_error *err)
{
	/* sqlite_schema is per schema: s is "main" or "orig", never input. */
	char sql[96];
	sqlite3_stmt *st;
	int rc;

	snprintf(sql, sizeof(sql), "SELECT sql FROM %s.sqlite_master WHERE type = 'table' AND name = ?1",
		 s);
	rc = prepare(R, sql, &st, err);
	if (rc)
		return rc;
	sqlite3_bind_text(st, 1, table, -1, SQLITE_STATIC);
	rc = step(R, st, err);
	if (rc == 1)
		rc = hidden_clauses(col_text(st, 0), d);
	sqlite3_finalize(st);
	return rc < 0 ? rc : MCG_OK;
}

/* ---- comparing ---------------------------------------------------------- */

/* A description, of mcg's table or index (want) and of the ledger's (have). */
struct pair {
	mcg_buf want, have;
};

static void pair_reset(struct pair *p)
{
	mcg_buf_reset(&p->want);
	mcg_buf_reset(&p->have);
}

static int pair_differs(const struct pair *p)
{
	return strcmp(mcg_buf_str(&p->want), mcg_buf_str(&p->have)) != 0;
}

/* A list described, or "none" for an empty one. */
static const char *or_none(const mcg_buf *b)
{
	return b->len ? mcg_buf_str(b) : "none";
}

typedef int (*describe_fn)(mcg_ledger *R, const char *s, const char *name, mcg_buf *d,
			   mcg_error *err);

/* Describes name in both schemas into p. */
static int describe_both(mcg_ledger *R, describe_fn fn, const char *name, struct pair *p,
			 mcg_error *err)
{
	int rc;

	pair_reset(p);
	rc = fn(R, "main", name, &p->want, err);
	return rc ? rc : fn(R, "orig", name, &p->have, err);
}

static int table_differs(mcg_error *err, const char *table, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Sets err: table is not as mcg made it, and what differs. */
static int table_differs(mcg_error *err, const char *table, const char *fmt, ...)
{
	char what[MCG_ERROR_MSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	return mcg_error_set(err, MCG_EINTEGRITY,
			     "check failed: table %s is not as mcg made it: %s", table, what);
}

/* The first column of table in orig that mcg's has not, into d. */
static int extra_column(mcg_ledger *R, const char *table, mcg_buf *d, mcg_error *err)
{
	sqlite3_stmt *st;
	int rc = prepare(R, "SELECT o.name FROM pragma_table_xinfo(?1, 'orig') o"
			 " WHERE o.name NOT IN (SELECT name FROM pragma_table_xinfo(?1, 'main'))"
			 " ORDER BY o.cid LIMIT 1", &st, err);

	if (rc)
		return rc;
	sqlite3_bind_text(st, 1, table, -1, SQLITE_STATIC);
	rc = step(R, st, err);
	if (rc == 1)
		rc = mcg_buf_puts(d, col_text(st, 0));
	sqlite3_finalize(st);
	return rc < 0 ? rc : MCG_OK;
}

/* Each of table's columns, by name, then those mcg does not make, then
 * their order. */
static int compare_columns(mcg_ledger *R, const char *table, struct pair *p, mcg_error *err)
{
	sqlite3_stmt *st;
	int rc = prepare(R, "SELECT name FROM pragma_table_xinfo(?1, 'main') ORDER BY cid", &st, err);

	if (rc)
		return rc;
	sqlite3_bind_text(st, 1, table, -1, SQLITE_STATIC);
	while ((rc = step(R, st, err)) == 1) {
		const char *col = col_text(st, 0);

		pair_reset(p);
		rc = column_desc(R, "main", table, col, &p->want, err);
		rc = rc ? rc : column_desc(R, "orig", table, col, &p->have, err);
		if (!rc && !p->have.len)
			rc = table_differs(err, table, "it lacks mcg's column `%s`",
					   mcg_buf_str(&p->want));
		else if (!rc && pair_differs(p))
			rc = table_differs(err, table, "its column %s is `%s` where mcg makes `%s`",
					   col, mcg_buf_str(&p->have), mcg_buf_str(&p->want));
		if (rc)
			break;
	}
	sqlite3_finalize(st);
	if (rc)
		return rc;
	pair_reset(p);
	rc = extra_column(R, table, &p->have, err);
	if (!rc && p->have.len)
		return table_differs(err, table, "it has a column %s, which mcg does not make",
				     mcg_buf_str(&p->have));
	rc = rc ? rc : describe_both(R, table_column_names, table, p, err);
	if (!rc && pair_differs(p))
		return table_differs(err, table, "its columns are in the order (%s) where mcg makes (%s)",
				     mcg_buf_str(&p->have), mcg_buf_str(&p->want));
	return rc;
}

/* One of mcg's tables against the ledger's table of that name. */
static int compare_table(mcg_ledger *R, const char *table, struct pair *p, mcg_error *err)
{
	int rc = describe_both(R, table_kind, table, p, err);

	if (!rc && !p->have.len)
		return table_differs(err, table, "it is missing (dropped by hand)");
	if (!rc && pair_differs(p))
		return table_differs(err, table, "it is a %s where mcg makes a %s",
				     mcg_buf_str(&p->have), mcg_buf_str(&p->want));
	rc = rc ? rc : compare_columns(R, table, p, err);
	rc = rc ? rc : describe_both(R, table_constraints, table, p, err);
	if (!rc && pair_differs(p))
		return table_differs(err, table, "its PRIMARY KEY and UNIQUE constraints are (%s) where mcg makes (%s)",
				     or_none(&p->have), or_none(&p->want));
	rc = rc ? rc : describe_both(R, table_foreign_keys, table, p, err);
	if (!rc && pair_differs(p))
		return table_differs(err, table, "its foreign keys are (%s) where mcg makes (%s)",
				     or_none(&p->have), or_none(&p->want));
	rc = rc ? rc : describe_both(R, table_clauses, table, p, err);
	if (!rc && pair_differs(p))
		return table_differs(err, table, "its CHECK and ON CONFLICT clauses are (%s) where mcg makes (%s)",
				     or_none(&p->have), or_none(&p->want));
	return rc;
}

/* Index `index` in schema s as CREATE INDEX says it, less its name:
 * "UNIQUE ON loan_terms(borrower, id)", and " WHERE ..." for a partial
 * one, whose condition no pragma shows (mcg makes none); "" if there is
 * none. */
static int index_desc(mcg_ledger *R, const char *s, const char *index, mcg_buf *d,
		      mcg_error *err)
{
	char sql[256];
	sqlite3_stmt *st;
	int rc;

	/* s is "main" or "orig", never input. */
	snprintf(sql, sizeof(sql), "SELECT m.tbl_name, il.\"unique\", il.partial"
		 " FROM %s.sqlite_master m, pragma_index_list(m.tbl_name, ?2) il"
		 " WHERE m.type = 'index' AND m.name = ?1 AND il.name = m.name", s);
	rc = prepare(R, sql, &st, err);
	if (rc)
		return rc;
	sqlite3_bind_text(st, 1, index, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, s, -1, SQLITE_STATIC);
	rc = step(R, st, err);
	if (rc == 1) {
		rc = mcg_buf_printf(d, "%sON %s", sqlite3_column_int(st, 1) ? "UNIQUE " : "",
				    col_text(st, 0));
		rc = rc ? rc : index_columns(R, s, index, d, err);
		if (!rc && sqlite3_column_int(st, 2))
			rc = mcg_buf_puts(d, " WHERE ...");
	}
	sqlite3_finalize(st);
	return rc;
}

/* One of mcg's indexes against the ledger's index of that name. */
static int compare_index(mcg_ledger *R, const char *index, struct pair *p, mcg_error *err)
{
	int rc = describe_both(R, index_desc, index, p, err);

	if (!rc && !p->have.len)
		return mcg_error_set(err, MCG_EINTEGRITY,
				     "check failed: index %s is not as mcg made it: it is missing (dropped by hand)",
				     index);
	if (!rc && pair_differs(p))
		return mcg_error_set(err, MCG_EINTEGRITY,
				     "check failed: index %s is not as mcg made it: it is %s where mcg makes it %s",
				     index, mcg_buf_str(&p->have), mcg_buf_str(&p->want));
	return rc;
}

/* Every table and index mcg makes (those of the scratch ledger, less
 * SQLite's own, named sqlite_...), tables first, each in the order
 * mcg_schema_sql makes them. */
static int compare_tables_and_indexes(mcg_ledger *R, mcg_error *err)
{
	struct pair p = { MCG_BUF_INIT, MCG_BUF_INIT };
	sqlite3_stmt *st;
	int rc = prepare(R, "SELECT type, name FROM main.sqlite_master"
			 " WHERE type IN ('table', 'index') AND substr(name, 1, 7) <> 'sqlite_'"
			 " ORDER BY type = 'index', rowid", &st, err);

	if (rc)
		return rc;
	while ((rc = step(R, st, err)) == 1) {
		const char *name = col_text(st, 1);

		rc = strcmp(col_text(st, 0), "table") == 0 ? compare_table(R, name, &p, err)
							   : compare_index(R, name, &p, err);
		if (rc)
			break;
	}
	sqlite3_finalize(st);
	mcg_buf_free(&p.want);
	mcg_buf_free(&p.have);
	return rc;
}

/* The first row of a query of the schemas into *found, its two columns
 * into a and b. */
static int first_schema_row(mcg_ledger *R, const char *sql, char *a, char *b, size_t sz,
			    int *found, mcg_error *err)
{
	sqlite3_stmt *st;
	int rc = prepare(R, sql, &st, err);

	*found = 0;
	if (rc)
		return rc;
	rc = step(R, st, err);
	if (rc == 1) {
		*found = 1;
		snprintf(a, sz, "%s", col_text(st, 0));
		snprintf(b, sz, "%s", col_text(st, 1));
		rc = MCG_OK;
	}
	sqlite3_finalize(st);
	return rc;
}

/*
 * Every reader of a loan goes through the view `loans` (schema.c), which
 * is no table to compare: one redefined by hand (a loan filtered out, a
 * figure changed) would show reports, statements and the rules other
 * figures than the tables hold, and one dropped would stop them.  So each
 * view a new ledger has must be in the ledger as mcg made it, to the
 * letter (the upgrade makes it from the same text).  Triggers are not
 * allowed at all: mcg makes none, and one runs inside mcg's own writes
 * to its table.
 */
static int compare_views_and_triggers(mcg_ledger *R, mcg_error *err)
{
	char a[128], b[128];
	int found;
	int rc = first_schema_row(R,
		"SELECT m.name, '' FROM main.sqlite_master m WHERE m.type = 'view'"
		" AND NOT EXISTS (SELECT 1 FROM orig.sqlite_master o"
		" WHERE o.type = 'view' AND o.name = m.name AND o.sql = m.sql)"
		" ORDER BY m.name LIMIT 1", a, b, sizeof(a), &found, err);

	if (!rc && found)
		return mcg_error_set(err, MCG_EINTEGRITY,
				     "check failed: view %s is not as mcg made it (dropped or changed by hand)",
				     a);
	rc = rc ? rc : first_schema_row(R,
		"SELECT name, tbl_name FROM orig.sqlite_master WHERE type = 'trigger'"
		" ORDER BY name LIMIT 1", a, b, sizeof(a), &found, err);
	if (!rc && found)
		return mcg_error_set(err, MCG_EINTEGRITY,
				     "check failed: trigger %.40s on %.40s is not mcg's (made by hand):"
				     " it runs inside mcg's writes", a, b);
	return rc;
}

int mcg_check_schema(mcg_ledger *R, mcg_error *err)
{
	int rc = compare_tables_and_indexes(R, err);

	return rc ? rc : compare_views_and_triggers(R, err);
}
