/*
 * The files that make up a ledger (the database, SQLite's files beside it,
 * the keys folder), and the check that a file a command is about to create
 * or replace with a document is none of them: see ledger.h,
 * mcg_ledger_output_check.
 *
 * A document is written to FILE.tmp and renamed over FILE, so a typo in
 * `-o` (the ledger's name, a key's) would replace that file whole: the
 * ledger by XML, the signing key by a statement.  The check compares what
 * the two paths lead to, not how they are spelled: "./x.db", "../d/x.db",
 * a symbolic link to the ledger and a hard link to it are all the ledger.
 */
#include "ledger_int.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "path.h"

/* SQLite's files beside the ledger: its path with these appended (beside
 * the file a symbolic link leads to: SQLite's unix VFS follows links). */
static const struct {
	const char *suffix;
	const char *what;
} companions[] = {
	{ "-wal", "write-ahead log" },
	{ "-shm", "shared-memory index" },
	{ "-journal", "rollback journal" },
};

int mcg_ledger_keys_path(const char *db_path, const char *keys_dir, mcg_buf *out)
{
	mcg_buf_reset(out);
	return keys_dir ? mcg_buf_puts(out, keys_dir) : mcg_buf_printf(out, "%s.keys", db_path);
}

/*
 * A file as the check sees it.  place is where its name is: its folder
 * with every symbolic link resolved, then its last component; renaming
 * over the path replaces exactly that entry.  target is what the path
 * leads to when it exists (every link followed), with its identity.
 */
typedef struct where {
	mcg_buf place;            /* empty: the folder cannot be resolved */
	char *target;             /* NULL: nothing there (or a dangling link) */
	struct stat st;           /* of target */
} where;

#define WHERE_INIT { MCG_BUF_INIT, NULL, { 0 } }

static void where_free(where *w)
{
	mcg_buf_free(&w->place);
	free(w->target);
	w->target = NULL;
}

/* The length of path without its trailing slashes (at least 1 for "/"). */
static size_t trimmed_length(const char *path)
{
	size_t len = strlen(path);

	while (len > 1 && path[len - 1] == '/')
		len--;
	return len;
}

/*
 * Fills w for path.  A folder that cannot be resolved (missing, not
 * searchable, a loop of links) leaves place empty: nothing can be written
 * there.  0, or MCG_ESYS when memory runs out.
 */
static int where_find(const char *path, where *w)
{
	mcg_buf dir = MCG_BUF_INIT;
	size_t len = trimmed_length(path), start = len;
	char *real_dir;
	int rc = MCG_OK;

	w->target = realpath(path, NULL);
	if (w->target && stat(w->target, &w->st) != 0) {
		free(w->target);
		w->target = NULL;
	}
	while (start > 0 && path[start - 1] != '/')
		start--;
	/* "/", ".", "..": no name of its own, the target is the whole story. */
	if (len - start == 0 || (len - start == 1 && path[start] == '.') ||
	    (len - start == 2 && path[start] == '.' && path[start + 1] == '.'))
		return w->target ? mcg_buf_puts(&w->place, w->target) : MCG_OK;
	if (mcg_path_parent(path, &dir))
		return MCG_ESYS;
	real_dir = realpath(dir.data, NULL);
	mcg_buf_free(&dir);
	if (!real_dir)
		return MCG_OK;
	rc = mcg_buf_printf(&w->place, "%s%s%.*s", real_dir,
			    strcmp(real_dir, "/") == 0 ? "" : "/", (int)(len - start),
			    path + start);
	free(real_dir);
	return rc ? MCG_ESYS : MCG_OK;
}

/* The names a file goes by: its place and its target (each may be none). */
static const char *name_of(const where *w, int i)
{
	if (i == 0)
		return w->place.len ? w->place.data : NULL;
	return w->target;
}

/* a and b are the same file: the same entry, or the same inode. */
static int same_file(const where *a, const where *b)
{
	if (a->target && b->target && a->st.st_dev == b->st.st_dev &&
	    a->st.st_ino == b->st.st_ino)
		return 1;
	for (int i = 0; i < 2; i++)
		for (int j = 0; j < 2; j++)
			if (name_of(a, i) && name_of(b, j) &&
			    strcmp(name_of(a, i), name_of(b, j)) == 0)
				return 1;
	return 0;
}

/* a is the folder k or inside it, by any of their names. */
static int inside(const where *a, const where *k)
{
	if (same_file(a, k))
		return 1;
	for (int i = 0; i < 2; i++)
		for (int j = 0; j < 2; j++) {
			const char *n = name_of(a, i), *f = name_of(k, j);
			size_t flen = f ? strlen(f) : 0;

			if (n && f && strncmp(n, f, flen) == 0 && n[flen] == '/')
				return 1;
		}
	return 0;
}

/* What an existing file that is not a regular one is, in a few words. */
static const char *kind_of(mode_t mode)
{
	if (S_ISDIR(mode))
		return NULL;            /* said apart: "a folder, not a file" */
	if (S_ISFIFO(mode))
		return "a FIFO (named pipe)";
	if (S_ISCHR(mode) || S_ISBLK(mode))
		return "a device";
	if (S_ISSOCK(mode))
		return "a socket";
	return "not a regular file";
}

/* The ledger file and SQLite's files beside it: MCG_EINPUT when out is one. */
static int check_ledger_files(const char *db_path, const where *db, const char *name,
			      const where *out, mcg_error *err)
{
	mcg_buf p = MCG_BUF_INIT;
	int rc = MCG_OK;

	if (same_file(out, db))
		return mcg_error_set(err, MCG_EINPUT,
				     "%s is the ledger itself (%s): write the document to another file",
				     name, db_path);
	for (size_t i = 0; !rc && i < sizeof(companions) / sizeof(companions[0]); i++)
		/* Beside the path as given, and beside the file it leads to. */
		for (int k = 0; !rc && k < 2; k++) {
			const char *base = k == 0 ? db_path : db->target;
			where c = WHERE_INIT;

			if (!base)
				continue;
			mcg_buf_reset(&p);
			if (mcg_buf_printf(&p, "%s%s", base, companions[i].suffix) ||
			    where_find(p.data, &c))
				rc = mcg_error_set(err, MCG_ESYS, "out of memory");
			else if (same_file(out, &c))
				rc = mcg_error_set(err, MCG_EINPUT,
						   "%s is the ledger's journal file %s%s (its %s): write the document to another file",
						   name, db_path, companions[i].suffix,
						   companions[i].what);
			where_free(&c);
		}
	mcg_buf_free(&p);
	return rc;
}

/*
 * The keys folder in use (keys_dir, or the default beside the ledger) and,
 * when keys_dir names another, the default one too: a ledger used with a
 * copy of its public keys (--keys DIR, SECURITY.md) may still have its
 * private keys beside it.  MCG_EINPUT when out is either folder or in it.
 */
static int check_keys(const char *db_path, const char *keys_dir, const char *name,
		      const where *out, mcg_error *err)
{
	mcg_buf k = MCG_BUF_INIT;
	int rc = MCG_OK;

	for (int i = 0; !rc && i < (keys_dir ? 2 : 1); i++) {
		where keys = WHERE_INIT;

		if (mcg_ledger_keys_path(db_path, i == 0 ? keys_dir : NULL, &k) ||
		    where_find(k.data, &keys))
			rc = mcg_error_set(err, MCG_ESYS, "out of memory");
		else if (inside(out, &keys))
			rc = mcg_error_set(err, MCG_EINPUT,
					   same_file(out, &keys) ?
					   "%s is the keys folder %s: write the document to another file" :
					   "%s is inside the keys folder %s: write the document to another file",
					   name, k.data);
		where_free(&keys);
	}
	mcg_buf_free(&k);
	return rc;
}

int mcg_ledger_output_check(const char *db_path, const char *keys_dir, const char *name,
			    const char *path, mcg_error *err)
{
	where out = WHERE_INIT, db = WHERE_INIT;
	const char *kind;
	int rc;

	if (where_find(path, &out) || where_find(db_path, &db)) {
		rc = mcg_error_set(err, MCG_ESYS, "out of memory");
		goto out_free;
	}
	rc = check_ledger_files(db_path, &db, name, &out, err);
	rc = rc ? rc : check_keys(db_path, keys_dir, name, &out, err);
	if (rc || !out.target || S_ISREG(out.st.st_mode))
		goto out_free;
	/* The document would replace the folder, pipe or device, not go into
	 * it: as root, -o /dev/null would put a file in /dev/null's place. */
	kind = kind_of(out.st.st_mode);
	if (!kind)
		rc = mcg_error_set(err, MCG_EINPUT, "%s is a folder, not a file", name);
	else
		rc = mcg_error_set(err, MCG_EINPUT,
				   "%s is %s, which the document would replace: give a regular file, or - for standard output",
				   name, kind);
out_free:
	where_free(&out);
	where_free(&db);
	return rc;
}
