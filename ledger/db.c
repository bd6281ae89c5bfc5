/*
 * The SQLite layer: connecting with mcg's settings, the statement cache,
 * and translating SQLite's errors into mcg's.
 */
#include "ledger_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "money.h"
#include "path.h"

int mcg_db_error(mcg_ledger *L, mcg_error *err, const char *doing)
{
	int saved = errno;        /* first: the calls below may change it */
	int code = sqlite3_extended_errcode(L->db);
	int primary = code & 0xff;
	int os = sqlite3_system_errno(L->db);
	/* What the operating system said, when SQLite's message is only "disk
	 * I/O error": EFBIG (a file size limit), EROFS, EACCES, EIO... */
	char why[96] = "";

	if (primary == SQLITE_CORRUPT || primary == SQLITE_NOTADB)
		return mcg_error_set(err, MCG_EINTEGRITY,
				     "the ledger file is corrupt (%s: %s)", doing,
				     sqlite3_errmsg(L->db));
	/* SQLite keeps the OS error for some failures only: a failed write
	 * (SQLITE_IOERR_WRITE) leaves it 0, and errno, read before anything
	 * else ran, still holds what the write got.  Not for a short read,
	 * which is no failed call. */
	if (!os && (primary == SQLITE_IOERR || primary == SQLITE_FULL) &&
	    code != SQLITE_IOERR_SHORT_READ)
		os = saved;
	if (os && (primary == SQLITE_IOERR || primary == SQLITE_FULL ||
		   primary == SQLITE_CANTOPEN || primary == SQLITE_READONLY))
		snprintf(why, sizeof(why), " (%s)", strerror(os));
	if (primary == SQLITE_FULL)
		return mcg_error_set(err, MCG_ESYS,
				     "disk full while %s%s; nothing was written",
				     doing, why);
	/* A recording command by a user who may read the ledger, not write
	 * it or its folder: say so, rather than SQLite's "attempt to write a
	 * readonly database". */
	if (code == SQLITE_READONLY || code == SQLITE_READONLY_DIRECTORY)
		return mcg_error_set(err, MCG_ESYS,
				     "cannot write the ledger '%s' (%s): this user may not write"
				     " the file or its folder%s; nothing was written, reading commands work",
				     L->path ? L->path : "?", doing, why);
	if (primary == SQLITE_BUSY)
		return mcg_error_set(err, MCG_ESYS,
				     "the ledger is busy (another writer held it for %d s) while %s; nothing was written",
				     MCG_BUSY_TIMEOUT_MS / 1000, doing);
	return mcg_error_set(err, MCG_ESYS, "database error while %s: %s%s", doing,
			     sqlite3_errmsg(L->db), why);
}

sqlite3_stmt *mcg_db_stmt(mcg_ledger *L, const char *sql, mcg_error *err)
{
	size_t h = ((uintptr_t)sql >> 3) % MCG_STMT_CACHE;

	for (size_t i = 0; i < MCG_STMT_CACHE; i++) {
		struct mcg_stmt_slot *s = &L->stmts[(h + i) % MCG_STMT_CACHE];

		if (s->sql == sql) {
			sqlite3_reset(s->stmt);
			sqlite3_clear_bindings(s->stmt);
			return s->stmt;
		}
		if (!s->sql) {
			if (sqlite3_prepare_v3(L->db, sql, -1,
					       SQLITE_PREPARE_PERSISTENT,
					       &s->stmt, NULL) != SQLITE_OK) {
				mcg_db_error(L, err, "preparing a query");
				s->stmt = NULL;
				return NULL;
			}
			s->sql = sql;
			return s->stmt;
		}
	}
	/* The cache is sized above the number of distinct statements; running
	 * out is a programmer error. */
	mcg_error_set(err, MCG_ESYS, "statement cache full");
	return NULL;
}

int mcg_db_exec(mcg_ledger *L, const char *sql, mcg_error *err)
{
	if (sqlite3_exec(L->db, sql, NULL, NULL, NULL) != SQLITE_OK)
		return mcg_db_error(L, err, "updating the ledger");
	return MCG_OK;
}

int mcg_db_step_done(mcg_ledger *L, sqlite3_stmt *st, mcg_error *err,
		     const char *doing)
{
	int rc = sqlite3_step(st);

	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return mcg_db_error(L, err, doing);
	return MCG_OK;
}

int mcg_db_bind_text_or_null(sqlite3_stmt *st, int i, const char *s)
{
	if (!s || !*s)
		return sqlite3_bind_null(st, i);
	return sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
}

int mcg_db_query_int(mcg_ledger *L, const char *sql, const char *p1,
		     const char *p2, int64_t *out, int *found, mcg_error *err)
{
	sqlite3_stmt *st = mcg_db_stmt(L, sql, err);
	int rc;

	if (!st)
		return err ? err->code : MCG_ESYS;
	if (p1)
		sqlite3_bind_text(st, 1, p1, -1, SQLITE_STATIC);
	if (p2)
		sqlite3_bind_text(st, 2, p2, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*out = sqlite3_column_int64(st, 0);
		if (found)
			*found = sqlite3_column_type(st, 0) != SQLITE_NULL;
	} else if (rc == SQLITE_DONE) {
		*out = 0;
		if (found)
			*found = 0;
	} else {
		sqlite3_reset(st);
		return mcg_db_error(L, err, "reading the ledger");
	}
	sqlite3_reset(st);
	return MCG_OK;
}

int mcg_db_add_balance(mcg_ledger *L, const char *account, int64_t amount,
		       mcg_error *err)
{
	int64_t old, sum;
	int found;
	int rc;
	sqlite3_stmt *st;

	rc = mcg_db_query_int(L, "SELECT balance FROM balances WHERE account = ?1",
			      account, NULL, &old, &found, err);
	if (rc)
		return rc;
	if (mcg_add(old, amount, &sum))
		return mcg_error_set(err, MCG_EINPUT,
				     "the balance of %s would overflow", account);
	st = mcg_db_stmt(L,
			 "INSERT INTO balances(account, balance) VALUES(?1, ?2)"
			 " ON CONFLICT(account) DO UPDATE SET balance = ?2",
			 err);
	if (!st)
		return err->code;
	sqlite3_bind_text(st, 1, account, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, sum);
	return mcg_db_step_done(L, st, err, "updating a balance");
}

int mcg_db_balance(mcg_ledger *L, const char *account, int64_t *out,
		   mcg_error *err)
{
	return mcg_db_query_int(L, "SELECT balance FROM balances WHERE account = ?1",
				account, NULL, out, NULL, err);
}

static int read_fact(mcg_ledger *L, const char *key, char *out, size_t outsz,
		     mcg_error *err)
{
	sqlite3_stmt *st = mcg_db_stmt(L,
		"SELECT value FROM ledger_facts WHERE key = ?1", err);
	int rc;

	if (!st)
		return err->code;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		sqlite3_reset(st);
		if (rc == SQLITE_DONE)
			return mcg_error_set(err, MCG_EINTEGRITY,
					     "the ledger has no '%s': not initialised or damaged",
					     key);
		return mcg_db_error(L, err, "reading the ledger's facts");
	}
	mcg_strlcpy(out, (const char *)sqlite3_column_text(st, 0), outsz);
	sqlite3_reset(st);
	return MCG_OK;
}

int mcg_db_load_meta(mcg_ledger *L, mcg_error *err)
{
	char digits[8];
	int rc;

	rc = read_fact(L, "name", L->name, sizeof(L->name), err);
	rc = rc ? rc : read_fact(L, "currency", L->currency, sizeof(L->currency), err);
	rc = rc ? rc : read_fact(L, "origin", L->origin, sizeof(L->origin), err);
	rc = rc ? rc : read_fact(L, "minor_digits", digits, sizeof(digits), err);
	if (rc)
		return rc;
	if (digits[0] < '0' || digits[0] > '4' || digits[1])
		return mcg_error_set(err, MCG_EINTEGRITY,
				     "the ledger's minor_digits is damaged");
	L->minor_digits = digits[0] - '0';
	return MCG_OK;
}

int mcg_db_use_wal(mcg_ledger *L, mcg_error *err)
{
	/* WAL lets readers go on while a treasurer writes.  Switching writes
	 * the file's header, so callers do it only on a file known to be a
	 * ledger (or a new one). */
	if (sqlite3_exec(L->db, "PRAGMA journal_mode = WAL", NULL, NULL, NULL) != SQLITE_OK)
		return mcg_db_error(L, err, "opening the ledger");
	return MCG_OK;
}

/*
 * A large import writes its pages once through SQLite's rollback journal
 * instead of twice in WAL mode (to the -wal file, then again to the
 * ledger at the checkpoint): the journal holds only the few pages the
 * import changes, not those it appends.  Measured on the bench's million
 * events: bare SQLite 2.7 to 2.9 s -> 1.9 s, mcg's import -20%
 * (docs/PERFORMANCE.md).  Durability: the journal is synced before the
 * ledger is written, and a crash leaves it for the next connection to
 * roll back; synchronous = EXTRA for the while also syncs the folder once
 * the journal is deleted at the commit (FULL does not), so that a power
 * cut just after the commit cannot bring the journal back.  What changes
 * is concurrency: the import takes the ledger exclusively (BEGIN
 * EXCLUSIVE, mcg_journal_begin_exclusive) and readers wait for its
 * commit, up to the busy timeout, instead of reading the state before it.
 *
 * Leaving WAL needs the ledger to itself: with another connection open
 * (a reader, a writer queued) the switch fails at once (no busy wait) and
 * the import runs in WAL as any other command.  Readers opened immutable
 * (reopen_immutable) hold no lock and do not count: SECURITY.md.
 */
/* Runs a journal_mode pragma (a query or a change); 1 when the mode it
 * answers, the connection's mode after it, is the rollback journal. */
static int journal_mode_is_delete(mcg_ledger *L, const char *pragma)
{
	sqlite3_stmt *st = NULL;
	int is_delete = 0;

	if (sqlite3_prepare_v2(L->db, pragma, -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		is_delete = sqlite3_strnicmp((const char *)sqlite3_column_text(st, 0),
					     "delete", 7) == 0;
	sqlite3_finalize(st);
	return is_delete;
}

int mcg_db_try_rollback_journal(mcg_ledger *L)
{
	int switched;

	sqlite3_busy_timeout(L->db, 0);
	switched = journal_mode_is_delete(L, "PRAGMA journal_mode = DELETE");
	sqlite3_busy_timeout(L->db, MCG_BUSY_TIMEOUT_MS);
	if (switched && sqlite3_exec(L->db, "PRAGMA synchronous = EXTRA", NULL, NULL, NULL) != SQLITE_OK) {
		/* Not without the folder's sync: back to WAL. */
		sqlite3_exec(L->db, "PRAGMA journal_mode = WAL", NULL, NULL, NULL);
		switched = 0;
	}
	return switched;
}

int mcg_db_in_rollback_journal(mcg_ledger *L)
{
	return journal_mode_is_delete(L, "PRAGMA journal_mode");
}

int mcg_db_leave_rollback_journal(mcg_ledger *L, mcg_error *err)
{
	int rc = mcg_db_use_wal(L, err);

	sqlite3_exec(L->db, "PRAGMA synchronous = FULL", NULL, NULL, NULL);
	return rc;
}

/* 1 when this user may write the file at path and the folder it is in
 * (where the journal is deleted). */
static int may_write_file_and_folder(const char *path)
{
	mcg_buf folder = MCG_BUF_INIT;
	int ok = mcg_path_parent(path, &folder) == 0 && access(path, W_OK) == 0 &&
		 access(folder.data, W_OK) == 0;

	mcg_buf_free(&folder);
	return ok;
}

int mcg_db_roll_back_cut_import(const char *path, mcg_error *err)
{
	mcg_ledger *W;
	int64_t n;
	int rc;

	if (!may_write_file_and_folder(path))
		return mcg_error_set(err, MCG_EINPUT,
				     "cannot read ledger '%s': an import was cut short and its rollback journal (%s-journal) must be rolled back by someone who may write the ledger and its folder; ask whoever keeps the ledger to run any command on it",
				     path, path);
	/* The first read of a connection that may write rolls the journal
	 * back (SQLite's hot journal recovery). */
	rc = mcg_db_connect(path, SQLITE_OPEN_READWRITE, &W, err);
	if (!rc) {
		rc = mcg_db_query_int(W, "SELECT COUNT(*) FROM sqlite_master",
				      NULL, NULL, &n, NULL, err);
		mcg_ledger_close(W);
	}
	if (rc)
		return mcg_error_prefix(err, "rolling back an import cut short (%s-journal)",
					path);
	return MCG_OK;
}

/* The URI that opens path read-only and immutable: every byte outside
 * [A-Za-z0-9/._~-] percent-encoded, so that ? # % in a path stay a path. */
char *mcg_db_immutable_uri(const char *path)
{
	static const char hex[] = "0123456789ABCDEF";
	mcg_buf b = MCG_BUF_INIT;
	int rc = mcg_buf_puts(&b, "file:");

	for (const unsigned char *p = (const unsigned char *)path; *p && !rc; p++) {
		if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		    (*p >= '0' && *p <= '9') || strchr("/._~-", *p))
			rc = mcg_buf_putc(&b, (char)*p);
		else
			rc = mcg_buf_printf(&b, "%%%c%c", hex[*p >> 4], hex[*p & 15]);
	}
	rc = rc ? rc : mcg_buf_puts(&b, "?immutable=1");
	if (rc) {
		mcg_buf_free(&b);
		return NULL;
	}
	return mcg_buf_detach(&b);
}

/* mcg's settings on a fresh connection. */
static int configure(mcg_ledger *L, mcg_error *err)
{
	sqlite3_extended_result_codes(L->db, 1);
	sqlite3_busy_timeout(L->db, MCG_BUSY_TIMEOUT_MS);
	/* synchronous=FULL makes a committed event survive a power cut, not
	 * only a crash. */
	if (sqlite3_exec(L->db,
			 "PRAGMA foreign_keys = ON;"
			 "PRAGMA synchronous = FULL;"
			 "PRAGMA trusted_schema = OFF;",
			 NULL, NULL, NULL) != SQLITE_OK)
		return mcg_db_error(L, err, "opening the ledger");
	return MCG_OK;
}

/* SQLite's test of a hot journal, less its locks: the file is there and
 * its first byte is not zero (a committed or abandoned one is zeroed or
 * empty, and SQLite ignores it). */
static int journal_is_hot(const char *path)
{
	FILE *f = fopen(path, "rb");
	int first;

	if (!f)
		return 0;
	first = fgetc(f);
	fclose(f);
	return first != EOF && first != 0;
}

/*
 * A reader who may not write the ledger's folder: SQLite cannot create the
 * -shm file a WAL database needs for its locks, and refuses even to read.
 * When there is no -wal file beside the ledger (mcg's last connection
 * folds it into the file and deletes it), the file alone is the whole
 * ledger and can be read as immutable, without locks.  Such a read does
 * not see a writer who starts meanwhile (SECURITY.md says so).
 */
static int file_exists(const char *path)
{
	return access(path, F_OK) == 0;
}

static int reopen_immutable(mcg_ledger *L, mcg_error *err)
{
	/* The files beside the ledger that hold what the file alone lacks.  A
	 * hot -journal is a large import cut short (see
	 * mcg_db_try_rollback_journal): the file may then hold half of it,
	 * which only a connection that can write may roll back. */
	static const struct {
		const char *suffix, *what;
		int (*holds_more)(const char *path);
	} beside[] = {
		{ "-wal", "write-ahead log", file_exists },
		{ "-journal", "rollback journal", journal_is_hot },
	};
	char *uri;
	int rc;

	for (size_t i = 0; i < sizeof(beside) / sizeof(beside[0]); i++) {
		mcg_buf other = MCG_BUF_INIT;

		if (mcg_buf_printf(&other, "%s%s", L->path, beside[i].suffix))
			return mcg_error_set(err, MCG_ESYS, "out of memory");
		rc = beside[i].holds_more(mcg_buf_str(&other));
		mcg_buf_free(&other);
		if (rc)
			return mcg_error_set(err, MCG_EINPUT,
					     "cannot read ledger '%s': its folder is not writable and it has a %s (%s%s) only a connection that can write may read; ask whoever keeps the ledger to run any command on it",
					     L->path, beside[i].what, L->path, beside[i].suffix);
	}
	uri = mcg_db_immutable_uri(L->path);
	if (!uri)
		return mcg_error_set(err, MCG_ESYS, "out of memory");
	sqlite3_close(L->db);
	L->db = NULL;
	rc = sqlite3_open_v2(uri, &L->db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI |
			     SQLITE_OPEN_NOMUTEX, NULL);
	free(uri);
	if (rc != SQLITE_OK)
		return mcg_error_set(err, MCG_EINPUT, "cannot open ledger '%s': %s", L->path,
				     L->db ? sqlite3_errmsg(L->db) : "out of memory");
	L->immutable = 1;
	return configure(L, err);
}

/*
 * SQLite's process-wide settings, before its first use.  Its memory
 * statistics (sqlite3_memory_used and the like, which mcg never asks for)
 * cost a global mutex around every allocation: 3% of the instructions of
 * an import (docs/PERFORMANCE.md).  sqlite3_config refuses once SQLite is
 * initialised (a library linked in the same process got there first):
 * then the statistics stay, which costs only time.
 */
static void configure_sqlite_once(void)
{
	static int done;

	if (done)
		return;
	done = 1;
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

int mcg_db_connect(const char *path, int flags, mcg_ledger **out,
		   mcg_error *err)
{
	mcg_ledger *L = calloc(1, sizeof(*L));
	int rc;

	*out = NULL;
	if (!L)
		return mcg_error_set(err, MCG_ESYS, "out of memory");
	configure_sqlite_once();
	L->path = strdup(path);
	if (!L->path) {
		free(L);
		return mcg_error_set(err, MCG_ESYS, "out of memory");
	}
	/* NOMUTEX: a ledger handle is used by one thread at a time (mcg is
	 * single-threaded), so SQLite's per-connection mutex, taken and
	 * released around every call, buys nothing; it cost 5% of the
	 * instructions of an import (docs/PERFORMANCE.md). */
	if (sqlite3_open_v2(path, &L->db, flags | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		rc = mcg_error_set(err, flags & SQLITE_OPEN_CREATE ? MCG_ESYS : MCG_EINPUT,
				   "cannot open ledger '%s': %s", path,
				   L->db ? sqlite3_errmsg(L->db) : "out of memory");
		mcg_ledger_close(L);
		return rc;
	}
	rc = configure(L, err);
	if (rc && (flags & SQLITE_OPEN_READONLY) &&
	    sqlite3_extended_errcode(L->db) == SQLITE_READONLY_ROLLBACK) {
		/* An import cut short left its rollback journal: rolled back,
		 * or the reason it cannot be, never read past. */
		rc = mcg_db_roll_back_cut_import(path, err);
		rc = rc ? rc : configure(L, err);
		if (rc) {
			mcg_ledger_close(L);
			return rc;
		}
	}
	if (rc && (flags & SQLITE_OPEN_READONLY)) {
		int primary = sqlite3_extended_errcode(L->db) & 0xff;

		/* What SQLite says when it cannot make or use the -shm file. */
		if (primary == SQLITE_READONLY || primary == SQLITE_CANTOPEN ||
		    primary == SQLITE_PROTOCOL)
			rc = reopen_immutable(L, err);
	}
	if (rc) {
		if (err && err->code == MCG_EINTEGRITY)
			mcg_error_set(err, MCG_EINPUT,
				      "'%s' is not an mcg ledger (not a SQLite database)",
				      path);
		mcg_ledger_close(L);
		return err ? err->code : MCG_ESYS;
	}
	*out = L;
	return MCG_OK;
}
