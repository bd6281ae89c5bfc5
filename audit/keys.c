/*
 * The ledger's key files: see keys.h.
 *
 * A private key must never be readable by anyone else, not even for an
 * instant, so it is written to a new file opened with O_CREAT|O_EXCL and
 * mode 0600 (never widened and narrowed afterwards), fsynced, and only then
 * given its name with link(), which fails rather than replace an existing
 * key.  A crash therefore leaves either no key file or a whole one.
 */
#include "keys.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/objects.h>
#include <openssl/pem.h>

/* Key files are a few hundred bytes; anything much larger is not ours. */
#define KEY_FILE_BYTES_MAX 16384
#define KEYS_DIR_MODE 0700
#define PRIVATE_KEY_MODE 0600
#define PUBLIC_KEY_MODE 0644
/* Mode bits that give group or others any access. */
#define GROUP_OTHER_BITS 0077

/* The two kinds of key, in the order their files are written. */
static const char *const key_kinds[2] = { MCG_KEY_CHECKPOINT, MCG_KEY_STATEMENT };

/* Records the first OpenSSL error after `what` and empties the queue. */
static int ossl_error(mcg_error *err, int code, const char *what,
		      const char *path)
{
	char detail[256] = "no detail";
	unsigned long e = ERR_get_error();

	if (e)
		ERR_error_string_n(e, detail, sizeof(detail));
	ERR_clear_error();
	return mcg_error_set(err, code, "%s %s: %s", what, path, detail);
}

static int sys_error(mcg_error *err, const char *what, const char *path)
{
	return mcg_error_set(err, MCG_ESYS, "%s %s: %s", what, path,
			     strerror(errno));
}

/* What a file that should be a regular file is instead, for messages. */
static const char *file_kind(mode_t mode)
{
	if (S_ISLNK(mode))
		return "a symbolic link";
	if (S_ISFIFO(mode))
		return "a FIFO";
	if (S_ISDIR(mode))
		return "a folder";
	if (S_ISSOCK(mode))
		return "a socket";
	if (S_ISCHR(mode) || S_ISBLK(mode))
		return "a device";
	return "something else";
}

/* The one wording of every key file refused for its kind (a key being
 * read, an entry of retired/ a rotation checks), so that a link or a FIFO
 * is named the same whoever meets it. */
static int not_regular(mcg_error *err, const char *path, mode_t mode, const char *advice)
{
	return mcg_error_set(err, MCG_EINPUT, "%s is not a regular file but %s%s", path,
			     file_kind(mode), advice);
}

static int which_ok(const char *which, mcg_error *err)
{
	if (strcmp(which, MCG_KEY_CHECKPOINT) != 0 &&
	    strcmp(which, MCG_KEY_STATEMENT) != 0)
		return mcg_error_set(err, MCG_EINPUT,
				     "unknown key \"%.64s\": expected \"%s\" or \"%s\"",
				     which, MCG_KEY_CHECKPOINT, MCG_KEY_STATEMENT);
	return MCG_OK;
}

int mcg_keys_path(const char *dir, const char *which, int private_key,
		  mcg_buf *out)
{
	mcg_buf_reset(out);
	return mcg_buf_printf(out, "%s/%s.%s", dir, which,
			      private_key ? "key" : "pub");
}

/* Forces a folder's entries (new names, removed names) to disk. */
static int fsync_dir(const char *dir, mcg_error *err)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int rc = MCG_OK;

	if (fd < 0)
		return sys_error(err, "cannot open folder", dir);
	if (fsync(fd) != 0)
		rc = sys_error(err, "cannot sync folder", dir);
	close(fd);
	return rc;
}

/* The folder that holds `path` ("." for a bare name). */
static int parent_of(const char *path, mcg_buf *out)
{
	size_t n = strlen(path);

	while (n > 1 && path[n - 1] == '/')
		n--;
	while (n > 0 && path[n - 1] != '/')
		n--;
	while (n > 1 && path[n - 1] == '/')
		n--;
	mcg_buf_reset(out);
	if (n == 0)
		return mcg_buf_puts(out, ".");
	return mcg_buf_append(out, path, n);
}

/* Refuses a keys folder that group or others may use. */
static int check_dir_mode(const char *dir, mcg_error *err)
{
	struct stat st;

	if (stat(dir, &st) != 0) {
		if (errno == ENOENT)
			return mcg_error_set(err, MCG_EINPUT,
					     "no keys folder %s (keys are made by `mcg init`)",
					     dir);
		return sys_error(err, "cannot examine keys folder", dir);
	}
	if (!S_ISDIR(st.st_mode))
		return mcg_error_set(err, MCG_EINPUT,
				     "keys folder %s is not a folder", dir);
	if (st.st_mode & GROUP_OTHER_BITS)
		return mcg_error_set(err, MCG_EINPUT,
				     "keys folder %s has mode %04o, open to group or others; run: chmod 700 %s",
				     dir, (unsigned)(st.st_mode & 07777), dir);
	return MCG_OK;
}

/* Creates the keys folder 0700 (saying so in *made), or accepts an
 * existing private one. */
static int make_keys_dir(const char *dir, int *made, mcg_error *err)
{
	mcg_buf parent = MCG_BUF_INIT;
	int rc;

	*made = 0;
	if (mkdir(dir, KEYS_DIR_MODE) != 0) {
		if (errno != EEXIST)
			return sys_error(err, "cannot create keys folder", dir);
		return check_dir_mode(dir, err);
	}
	*made = 1;
	/* The new folder's own name must reach the disk too. */
	rc = parent_of(dir, &parent);
	if (rc)
		rc = mcg_error_set(err, rc, "out of memory");
	else
		rc = fsync_dir(mcg_buf_str(&parent), err);
	mcg_buf_free(&parent);
	return rc;
}

static int write_all(int fd, const char *data, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, data, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		data += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Writes a whole new file at tmp: O_EXCL, so never someone else's file,
 * created with its final mode.  A public key is then set to 0644 whatever
 * the umask, since verifiers elsewhere need to read it. */
static int write_new_file(const char *tmp, const char *data, size_t len,
			  mode_t mode, mcg_error *err)
{
	int fd = open(tmp, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, mode);
	int rc = MCG_OK;

	if (fd < 0)
		return sys_error(err, "cannot create", tmp);
	if ((mode == PUBLIC_KEY_MODE && fchmod(fd, mode) != 0) ||
	    write_all(fd, data, len) != 0 || fsync(fd) != 0)
		rc = sys_error(err, "cannot write", tmp);
	if (close(fd) != 0 && rc == MCG_OK)
		rc = sys_error(err, "cannot write", tmp);
	if (rc)
		unlink(tmp);
	return rc;
}

/* Puts data at path, which must not exist yet, through a temporary name
 * and link(): the key appears whole or not at all, and never replaces
 * another. */
static int install_file(const char *path, const char *data, size_t len,
			mode_t mode, mcg_error *err)
{
	mcg_buf tmp = MCG_BUF_INIT;
	int rc;

	rc = mcg_buf_printf(&tmp, "%s.tmp%ld", path, (long)getpid());
	if (rc) {
		mcg_buf_free(&tmp);
		return mcg_error_set(err, rc, "out of memory");
	}
	rc = write_new_file(tmp.data, data, len, mode, err);
	if (!rc && link(tmp.data, path) != 0) {
		if (errno == EEXIST)
			rc = mcg_error_set(err, MCG_EINPUT,
					   "key file %s already exists; refusing to overwrite it",
					   path);
		else
			rc = sys_error(err, "cannot create", path);
	}
	if (unlink(tmp.data) != 0 && !rc)
		rc = sys_error(err, "cannot remove", tmp.data);
	mcg_buf_free(&tmp);
	return rc;
}

/* The PEM text of a key: PKCS#8 for a private key, SubjectPublicKeyInfo
 * for a public one. */
static int key_pem(EVP_PKEY *key, int private_key, mcg_buf *out,
		   mcg_error *err)
{
	BIO *bio = BIO_new(BIO_s_mem());
	char *data = NULL;
	long len;
	int ok, rc;

	if (!bio)
		return ossl_error(err, MCG_ESYS, "cannot encode", "key");
	if (private_key)
		ok = PEM_write_bio_PrivateKey(bio, key, NULL, NULL, 0, NULL,
					      NULL);
	else
		ok = PEM_write_bio_PUBKEY(bio, key);
	len = BIO_get_mem_data(bio, &data);
	if (ok != 1 || len <= 0) {
		BIO_free(bio);
		return ossl_error(err, MCG_ESYS, "cannot encode", "key");
	}
	rc = mcg_buf_append(out, data, (size_t)len);
	/* The memory BIO's copy of a private key is wiped before freeing. */
	OPENSSL_cleanse(data, (size_t)len);
	BIO_free(bio);
	if (rc)
		return mcg_error_set(err, rc, "out of memory");
	return MCG_OK;
}

int mcg_keys_public_pem(EVP_PKEY *key, mcg_buf *out, mcg_error *err)
{
	return key_pem(key, 0, out, err);
}

/* Empties and frees a buffer that held private key bytes. */
static void buf_wipe(mcg_buf *b)
{
	if (b->data)
		OPENSSL_cleanse(b->data, b->cap);
	mcg_buf_free(b);
}

/* Fails if the file exists: creation never overwrites a key. */
static int check_absent(const char *path, mcg_error *err)
{
	struct stat st;

	if (lstat(path, &st) == 0)
		return mcg_error_set(err, MCG_EINPUT,
				     "key file %s already exists; refusing to overwrite it",
				     path);
	if (errno != ENOENT)
		return sys_error(err, "cannot examine", path);
	return MCG_OK;
}

/* The four file paths, in the order they are written. */
struct key_paths {
	mcg_buf path[4];
	int written[4];
};

static void key_paths_free(struct key_paths *p)
{
	int i;

	for (i = 0; i < 4; i++)
		mcg_buf_free(&p->path[i]);
}

static int key_paths_init(struct key_paths *p, const char *dir,
			  mcg_error *err)
{
	int i, rc = MCG_OK;

	memset(p, 0, sizeof(*p));
	for (i = 0; i < 4 && !rc; i++)
		rc = mcg_keys_path(dir, key_kinds[i / 2], i % 2 == 0, &p->path[i]);
	if (rc)
		return mcg_error_set(err, rc, "key path too long");
	for (i = 0; i < 4 && !rc; i++)
		rc = check_absent(p->path[i].data, err);
	return rc;
}

/* Writes one key pair: the private file, then the public one. */
static int write_pair(EVP_PKEY *key, struct key_paths *p, int first,
		      mcg_error *err)
{
	mcg_buf pem = MCG_BUF_INIT;
	int rc;

	rc = key_pem(key, 1, &pem, err);
	if (!rc)
		rc = install_file(p->path[first].data, pem.data, pem.len,
				  PRIVATE_KEY_MODE, err);
	buf_wipe(&pem);
	if (rc)
		return rc;
	p->written[first] = 1;
	rc = key_pem(key, 0, &pem, err);
	if (!rc)
		rc = install_file(p->path[first + 1].data, pem.data, pem.len,
				  PUBLIC_KEY_MODE, err);
	mcg_buf_free(&pem);
	if (!rc)
		p->written[first + 1] = 1;
	return rc;
}

/* After a failure, removes the files this call wrote, so that a retry
 * does not meet half a set of keys. */
static void remove_written(struct key_paths *p)
{
	int i;

	for (i = 0; i < 4; i++) {
		if (p->written[i])
			unlink(p->path[i].data);
	}
}

int mcg_keys_create(const char *dir, mcg_error *err)
{
	struct key_paths paths;
	EVP_PKEY *ed = NULL, *ec = NULL;
	int made_dir, rc;

	rc = make_keys_dir(dir, &made_dir, err);
	if (rc)
		return rc;
	rc = key_paths_init(&paths, dir, err);
	if (rc)
		goto out_free_paths;
	ed = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
	ec = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	if (!ed || !ec) {
		rc = ossl_error(err, MCG_ESYS, "cannot generate keys in", dir);
		goto out_free_keys;
	}
	rc = write_pair(ed, &paths, 0, err);
	if (!rc)
		rc = write_pair(ec, &paths, 2, err);
	if (!rc)
		rc = fsync_dir(dir, err);
	if (rc)
		remove_written(&paths);
out_free_keys:
	EVP_PKEY_free(ed);
	EVP_PKEY_free(ec);
out_free_paths:
	key_paths_free(&paths);
	/* A folder made for nothing goes too (rmdir fails if it holds
	 * anything, so nobody's files are at risk). */
	if (rc && made_dir)
		rmdir(dir);
	return rc;
}

static int read_key_file(int fd, const char *path, mcg_buf *out,
			 mcg_error *err);
static int open_key(const char *path, int flags, int *fd, mcg_error *err);
static int load_public(const char *path, const char *which, int flags,
		       EVP_PKEY **out, mcg_error *err);
static int retired_size(const char *name, const char *which, long long *size);

/*
 * Rotation (keys.h).  Two working folders in the keys folder say how far
 * a rotation got, and while either exists no checkpoint is signed but the
 * rotation's own handover (audit_log.c), so the old key signs nothing
 * after it:
 *
 *   .rotate-tmp   made first: the rotation is under way and the old keys
 *                 are still in force.  The new keys are made in
 *                 .rotate-tmp/new; a rotation cut here is started again
 *                 from the beginning (the folder is emptied, the old keys
 *                 retired again at the new handover's size).
 *   .rotate-new   .rotate-tmp/new renamed whole, once the old public keys
 *                 are retired: the new keys are complete and are being
 *                 moved into place, private key first.  A rotation cut
 *                 here is finished: the files still in it are moved, no
 *                 key is made again.
 *
 * Neither may be a symbolic link, nor may retired/ or a file in it: they
 * are checked with lstat, never followed.  One rotation runs at a time:
 * each holds an exclusive lock on .rotate-lock in the keys folder from
 * its start to its end, and another refuses at once.
 */
#define ROTATE_TMP ".rotate-tmp"
#define ROTATE_NEW ".rotate-new"

/* dir/name into out (emptied first). */
static int sub_path(const char *dir, const char *name, mcg_buf *out, mcg_error *err)
{
	mcg_buf_reset(out);
	if (mcg_buf_printf(out, "%s/%s", dir, name))
		return mcg_error_set(err, MCG_ESYS, "out of memory");
	return MCG_OK;
}

/* *exists = 1 for a real folder at path (not a link), 0 when absent. */
static int real_dir(const char *path, int *exists, mcg_error *err)
{
	struct stat st;

	*exists = 0;
	if (lstat(path, &st) != 0) {
		if (errno == ENOENT)
			return MCG_OK;
		return sys_error(err, "cannot examine", path);
	}
	if (!S_ISDIR(st.st_mode))
		return mcg_error_set(err, MCG_EINPUT,
				     "%s is not a folder (a link or a file): remove it", path);
	*exists = 1;
	return MCG_OK;
}

/* Calls fn on each entry of dir but . and .., with its path and name,
 * until fn fails; an absent dir has none, one that cannot be opened is
 * reported as `what` (the caller's words for the folder) failing. */
typedef int (*name_fn)(const char *path, const char *name, void *ctx,
		       mcg_error *err);

static int each_name(const char *dir, const char *what, name_fn fn, void *ctx,
		     mcg_error *err)
{
	mcg_buf path = MCG_BUF_INIT;
	struct dirent *d;
	int rc = MCG_OK;
	DIR *dh = opendir(dir);

	if (!dh)
		return errno == ENOENT ? MCG_OK : sys_error(err, what, dir);
	while (!rc && (d = readdir(dh)) != NULL) {
		if (strcmp(d->d_name, ".") == 0 || strcmp(d->d_name, "..") == 0)
			continue;
		rc = sub_path(dir, d->d_name, &path, err);
		rc = rc ? rc : fn(path.data, d->d_name, ctx, err);
	}
	closedir(dh);
	mcg_buf_free(&path);
	return rc;
}

/* each_name, with each entry's lstat (never followed). */
typedef int (*entry_fn)(const char *path, const struct stat *st, void *ctx,
			mcg_error *err);

struct entry_walk {
	entry_fn fn;
	void *ctx;
};

static int lstat_entry(const char *path, const char *name, void *ctx, mcg_error *err)
{
	const struct entry_walk *w = ctx;
	struct stat st;

	(void)name;
	if (lstat(path, &st) != 0)
		return errno == ENOENT ? MCG_OK : sys_error(err, "cannot examine", path);
	return w->fn(path, &st, w->ctx, err);
}

static int each_entry(const char *dir, entry_fn fn, void *ctx, mcg_error *err)
{
	struct entry_walk w = { fn, ctx };

	return each_name(dir, "cannot open", lstat_entry, &w, err);
}

static int remove_tree(const char *dir, int depth, mcg_error *err);

static int remove_entry(const char *path, const struct stat *st, void *ctx, mcg_error *err)
{
	int depth = *(const int *)ctx;

	if (S_ISDIR(st->st_mode) && depth > 0)
		return remove_tree(path, depth - 1, err);
	if (unlink(path) != 0 && errno != ENOENT)
		return sys_error(err, "cannot remove", path);
	return MCG_OK;
}

/* Removes dir and what it holds, one level of subfolders deep (the
 * working folders hold key files and .rotate-tmp/new). */
static int remove_tree(const char *dir, int depth, mcg_error *err)
{
	int rc = each_entry(dir, remove_entry, &depth, err);

	if (!rc && rmdir(dir) != 0 && errno != ENOENT)
		rc = sys_error(err, "cannot remove", dir);
	return rc;
}

static int rotate_paths(const char *dir, mcg_buf *tmp, mcg_buf *new_dir, mcg_error *err)
{
	int rc = sub_path(dir, ROTATE_TMP, tmp, err);

	return rc ? rc : sub_path(dir, ROTATE_NEW, new_dir, err);
}

int mcg_keys_rotation_pending(const char *dir, mcg_error *err)
{
	mcg_buf tmp = MCG_BUF_INIT, new_dir = MCG_BUF_INIT;
	struct stat st;
	int rc = rotate_paths(dir, &tmp, &new_dir, err);

	if (!rc && (lstat(tmp.data, &st) == 0 || lstat(new_dir.data, &st) == 0))
		rc = mcg_error_set(err, MCG_EINPUT,
				   "a key rotation is under way or was cut short (%s holds %s or %s):"
				   " run `mcg keys rotate` to finish it", dir, ROTATE_TMP, ROTATE_NEW);
	mcg_buf_free(&tmp);
	mcg_buf_free(&new_dir);
	return rc;
}

/* The lock of the rotation under way in this process (-1: none). */
static int rotate_lock_fd = -1;

static void rotate_unlock(void)
{
	if (rotate_lock_fd >= 0)
		close(rotate_lock_fd);
	rotate_lock_fd = -1;
}

static int rotate_lock(const char *dir, mcg_error *err)
{
	mcg_buf path = MCG_BUF_INIT;
	int rc = sub_path(dir, ".rotate-lock", &path, err);

	if (rc) {
		mcg_buf_free(&path);
		return rc;
	}
	rotate_lock_fd = open(path.data, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK,
			      PRIVATE_KEY_MODE);
	if (rotate_lock_fd < 0)
		rc = sys_error(err, "cannot open", path.data);
	else if (flock(rotate_lock_fd, LOCK_EX | LOCK_NB) != 0) {
		rc = errno == EWOULDBLOCK
			     ? mcg_error_set(err, MCG_EINPUT,
					     "another `mcg keys rotate` is running on %s", dir)
			     : sys_error(err, "cannot lock", path.data);
		rotate_unlock();
	}
	mcg_buf_free(&path);
	return rc;
}

/* Every entry of retired/ a regular file: a link or a FIFO there would be
 * followed or waited on when the rotation compares a retired key.  And
 * each retired key (WHICH-SIZE.pub) a public key of its kind, as
 * mcg_keys_each_retired will load it: one that is not would stop every
 * later check of a checkpoint older than a rotation. */
static int retired_file_ok(const char *path, const char *name, void *ctx, mcg_error *err)
{
	struct stat st;
	long long size;
	int rc = MCG_OK;

	(void)ctx;
	if (lstat(path, &st) != 0)
		return errno == ENOENT ? MCG_OK : sys_error(err, "cannot examine", path);
	if (!S_ISREG(st.st_mode))
		return not_regular(err, path, st.st_mode, ": remove it before rotating");
	for (int i = 0; i < 2 && !rc; i++) {
		EVP_PKEY *key = NULL;

		if (retired_size(name, key_kinds[i], &size))
			rc = load_public(path, key_kinds[i], O_NOFOLLOW, &key, err);
		EVP_PKEY_free(key);
	}
	return rc;
}

static int check_retired_files(const char *retired, mcg_error *err)
{
	return each_name(retired, "cannot open", retired_file_ok, NULL, err);
}

/*
 * Both key pairs as they stand, or as they will once the files left in
 * pending (.rotate-new of a cut rotation; NULL: none) are moved into dir:
 * each private key loads (mode, type) and is the pair of its public key.
 * Checked before a rotation writes anything, and before a cut one is
 * finished, so that files planted in .rotate-new are never moved.
 */
static int check_pairs(const char *dir, const char *pending, mcg_error *err)
{
	mcg_buf path = MCG_BUF_INIT;
	int rc = MCG_OK;

	for (int i = 0; i < 2 && !rc; i++) {
		const char *from[2] = { dir, dir };   /* the private key, the public one */
		EVP_PKEY *priv = NULL, *pub = NULL;
		struct stat st;

		for (int k = 0; k < 2 && !rc && pending; k++) {
			mcg_buf_reset(&path);
			if (mcg_keys_path(pending, key_kinds[i], k == 0, &path))
				rc = mcg_error_set(err, MCG_ESYS, "out of memory");
			else if (lstat(path.data, &st) == 0)
				from[k] = pending;
		}
		rc = rc ? rc : mcg_keys_load_private(from[0], key_kinds[i], &priv, err);
		rc = rc ? rc : mcg_keys_load_public(from[1], key_kinds[i], &pub, err);
		if (!rc && EVP_PKEY_eq(priv, pub) != 1)
			rc = pending ? mcg_error_set(err, MCG_EINPUT,
						     "the cut rotation's %s keys in %s are not a pair:"
						     " restore the keys folder from its backup",
						     key_kinds[i], pending)
				     : mcg_error_set(err, MCG_EINPUT,
						     "%s/%s.key and %s.pub are not a pair: restore them"
						     " from the backup before rotating",
						     dir, key_kinds[i], key_kinds[i]);
		EVP_PKEY_free(priv);
		EVP_PKEY_free(pub);
	}
	mcg_buf_free(&path);
	return rc;
}

int mcg_keys_rotate_begin(const char *dir, int *resume, mcg_error *err)
{
	mcg_buf tmp = MCG_BUF_INIT, new_dir = MCG_BUF_INIT, retired = MCG_BUF_INIT;
	int tmp_exists, new_exists, retired_exists, rc;

	*resume = 0;
	rc = check_dir_mode(dir, err);
	rc = rc ? rc : rotate_paths(dir, &tmp, &new_dir, err);
	rc = rc ? rc : sub_path(dir, MCG_KEYS_RETIRED_DIR, &retired, err);
	/* Checked before the handover is signed: a refusal writes nothing. */
	rc = rc ? rc : real_dir(retired.data, &retired_exists, err);
	rc = rc ? rc : real_dir(new_dir.data, &new_exists, err);
	rc = rc ? rc : real_dir(tmp.data, &tmp_exists, err);
	rc = rc ? rc : rotate_lock(dir, err);
	if (!rc && new_exists) {
		*resume = 1;
		goto out;
	}
	/* The keys it retires and where it keeps them, before anything is
	 * written. */
	rc = rc ? rc : check_pairs(dir, NULL, err);
	if (!rc && retired_exists)
		rc = check_retired_files(retired.data, err);
	/* Cut before the new keys were whole: begin again. */
	if (!rc && tmp_exists)
		rc = remove_tree(tmp.data, 1, err);
	if (!rc && mkdir(tmp.data, KEYS_DIR_MODE) != 0)
		rc = sys_error(err, "cannot create", tmp.data);
	rc = rc ? rc : fsync_dir(dir, err);
out:
	if (rc)
		rotate_unlock();
	mcg_buf_free(&tmp);
	mcg_buf_free(&new_dir);
	mcg_buf_free(&retired);
	return rc;
}

void mcg_keys_rotate_end(void)
{
	rotate_unlock();
}

int mcg_keys_rotate_abandon(const char *dir)
{
	mcg_buf tmp = MCG_BUF_INIT, new_dir = MCG_BUF_INIT;
	mcg_error quiet;
	int rc = rotate_paths(dir, &tmp, &new_dir, &quiet);

	rc = rc ? rc : remove_tree(tmp.data, 1, &quiet);
	mcg_buf_free(&tmp);
	mcg_buf_free(&new_dir);
	return rc;
}

/* A key file's bytes: a regular file, never waited on (a FIFO), and,
 * with O_NOFOLLOW in flags, not reached through a link.  Every public key
 * mcg reads from a file goes through here (load_public). */
static int read_whole(const char *path, int flags, mcg_buf *out, mcg_error *err)
{
	struct stat st;
	int fd, rc = open_key(path, flags, &fd, err);

	if (rc)
		return rc;
	if (fstat(fd, &st) != 0)
		rc = sys_error(err, "cannot examine", path);
	else if (!S_ISREG(st.st_mode))
		rc = not_regular(err, path, st.st_mode, "");
	rc = rc ? rc : read_key_file(fd, path, out, err);
	close(fd);
	return rc;
}

/* Keeps a copy of dir/WHICH.pub as retired/WHICH-SIZE.pub: a new file of
 * its own (not a link, which would follow a link or share the live key's
 * inode).  One already there with the same bytes is a rotation begun
 * again; with other bytes, a rotation already made at that size. */
static int retire_public(const char *dir, const char *which, long long size,
			 mcg_error *err)
{
	mcg_buf cur = MCG_BUF_INIT, old = MCG_BUF_INIT, bytes = MCG_BUF_INIT,
		there = MCG_BUF_INIT;
	struct stat st;
	int rc = MCG_OK;

	if (mcg_keys_path(dir, which, 0, &cur) ||
	    mcg_buf_printf(&old, "%s/" MCG_KEYS_RETIRED_NAME, dir, which, size)) {
		rc = mcg_error_set(err, MCG_ESYS, "out of memory");
		goto out;
	}
	rc = read_whole(cur.data, 0, &bytes, err);
	if (rc)
		goto out;
	if (lstat(old.data, &st) == 0) {
		rc = read_whole(old.data, O_NOFOLLOW, &there, err);
		if (!rc && (there.len != bytes.len || memcmp(there.data, bytes.data, bytes.len) != 0))
			rc = mcg_error_set(err, MCG_EINPUT,
					   "the keys were already rotated at %lld events (%s exists):"
					   " record an event before rotating again", size, old.data);
		goto out;
	}
	rc = install_file(old.data, bytes.data, bytes.len, PUBLIC_KEY_MODE, err);
out:
	mcg_buf_free(&cur);
	mcg_buf_free(&old);
	mcg_buf_free(&bytes);
	mcg_buf_free(&there);
	return rc;
}

int mcg_keys_rotate_finish(const char *dir, long long size, int resume, mcg_error *err)
{
	mcg_buf retired = MCG_BUF_INIT, tmp = MCG_BUF_INIT, new_dir = MCG_BUF_INIT,
		made = MCG_BUF_INIT, from = MCG_BUF_INIT, to = MCG_BUF_INIT;
	int exists, rc;

	rc = rotate_paths(dir, &tmp, &new_dir, err);
	rc = rc ? rc : sub_path(dir, MCG_KEYS_RETIRED_DIR, &retired, err);
	rc = rc ? rc : sub_path(tmp.data, "new", &made, err);
	if (!rc && resume)
		rc = check_pairs(dir, new_dir.data, err);
	if (rc || resume)
		goto move;
	/* The old public keys retired, then the new keys made whole, then
	 * .rotate-new: from here on the rotation is finished, never redone. */
	rc = real_dir(retired.data, &exists, err);
	if (!rc && !exists && mkdir(retired.data, KEYS_DIR_MODE) != 0)
		rc = sys_error(err, "cannot create", retired.data);
	for (int i = 0; i < 2 && !rc; i++)
		rc = retire_public(dir, key_kinds[i], size, err);
	rc = rc ? rc : fsync_dir(retired.data, err);
	rc = rc ? rc : fsync_dir(dir, err);
	rc = rc ? rc : mcg_keys_create(made.data, err);
	if (!rc && rename(made.data, new_dir.data) != 0)
		rc = sys_error(err, "cannot rename", made.data);
	rc = rc ? rc : fsync_dir(dir, err);
move:
	/* .rotate-tmp holds nothing once its new/ is renamed; it goes here,
	 * also when the rotation was cut just after that rename. */
	rc = rc ? rc : remove_tree(tmp.data, 1, err);
	/* Each new private key, then its public key, takes the old one's
	 * name; one moved before a cut is not there any more. */
	for (int i = 0; i < 4 && !rc; i++) {
		mcg_buf_reset(&from);
		mcg_buf_reset(&to);
		if (mcg_keys_path(new_dir.data, key_kinds[i / 2], i % 2 == 0, &from) ||
		    mcg_keys_path(dir, key_kinds[i / 2], i % 2 == 0, &to))
			rc = mcg_error_set(err, MCG_ESYS, "out of memory");
		else if (rename(from.data, to.data) != 0 && errno != ENOENT)
			rc = sys_error(err, "cannot put the new key in place as", to.data);
	}
	rc = rc ? rc : fsync_dir(dir, err);
	rc = rc ? rc : remove_tree(new_dir.data, 0, err);
	rc = rc ? rc : fsync_dir(dir, err);
	mcg_buf_free(&retired);
	mcg_buf_free(&tmp);
	mcg_buf_free(&new_dir);
	mcg_buf_free(&made);
	mcg_buf_free(&from);
	mcg_buf_free(&to);
	return rc;
}

/* Reads a whole key file from fd, refusing anything oversized. */
static int read_key_file(int fd, const char *path, mcg_buf *out,
			 mcg_error *err)
{
	char chunk[4096];
	ssize_t n;

	mcg_buf_init(out, KEY_FILE_BYTES_MAX);
	for (;;) {
		n = read(fd, chunk, sizeof(chunk));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return sys_error(err, "cannot read", path);
		if (n == 0)
			break;
		if (mcg_buf_append(out, chunk, (size_t)n) != MCG_OK) {
			OPENSSL_cleanse(chunk, sizeof(chunk));
			return mcg_error_set(err, MCG_EINPUT,
					     "key file %s is larger than %d bytes",
					     path, KEY_FILE_BYTES_MAX);
		}
	}
	OPENSSL_cleanse(chunk, sizeof(chunk));
	return MCG_OK;
}

/*
 * Refuses a private key file that is not a regular file only we use, under
 * one name.  A second name (a hard link: `ln`, `cp -l`) keeps the secret
 * in a folder mcg does not see, and keeps it after a rotation, which
 * replaces only the name in the keys folder.  mcg gives every key it
 * loads one name: install_file removes its temporary name before it
 * returns, and a rotation renames its new keys into place.  Only a crash
 * between install_file's link() and unlink() leaves two: in .rotate-tmp,
 * which a rotation run again empties unread, or in `mcg init`, whose
 * ledger then has no tables and must be made again anyway.
 */
static int check_private_mode(int fd, const char *path, mcg_error *err)
{
	struct stat st;

	if (fstat(fd, &st) != 0)
		return sys_error(err, "cannot examine", path);
	if (!S_ISREG(st.st_mode))
		return mcg_error_set(err, MCG_EINPUT,
				     "private key %s is not a regular file", path);
	if (st.st_mode & GROUP_OTHER_BITS)
		return mcg_error_set(err, MCG_EINPUT,
				     "private key %s has mode %04o, open to group or others; run: chmod 600 %s",
				     path, (unsigned)(st.st_mode & 07777), path);
	if (st.st_nlink > 1)
		return mcg_error_set(err, MCG_EINPUT,
				     "private key %s has %ju names (hard links); a private key must have one,"
				     " as another is a copy of the secret that a rotation leaves behind:"
				     " remove the other name (find it with: find / -samefile %s)",
				     path, (uintmax_t)st.st_nlink, path);
	return MCG_OK;
}

/* OpenSSL would prompt on the terminal for an encrypted key; ours are
 * never encrypted, so say "no password" instead. */
static int no_password(char *buf, int size, int rwflag, void *u)
{
	(void)buf, (void)size, (void)rwflag, (void)u;
	return -1;
}

/* The curve of an EC key ("" when it has none), by its NIST name where
 * it has one (OpenSSL names P-256 "prime256v1"). */
static void ec_curve(EVP_PKEY *key, char *out, size_t size)
{
	const char *nist;

	out[0] = '\0';
	if (EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, out, size,
					   NULL) != 1) {
		ERR_clear_error();
		out[0] = '\0';
		return;
	}
	nist = EC_curve_nid2nist(OBJ_sn2nid(out));
	if (nist)
		snprintf(out, size, "%s", nist);
}

/* What kind of key a key is, for a message saying it is the wrong one. */
static void key_kind(EVP_PKEY *key, char *out, size_t size)
{
	const char *type = EVP_PKEY_get0_type_name(key);
	char curve[64];

	if (EVP_PKEY_is_a(key, "ED25519"))
		snprintf(out, size, "an Ed25519 key");
	else if (EVP_PKEY_is_a(key, "RSA"))
		snprintf(out, size, "an RSA key");
	else if (EVP_PKEY_is_a(key, "EC")) {
		ec_curve(key, curve, sizeof(curve));
		snprintf(out, size, "an EC key on curve %s", curve[0] ? curve : "(unknown)");
	} else
		snprintf(out, size, "a key of type %.32s", type ? type : "(unknown)");
}

/* The key each name stands for: Ed25519 for checkpoints, P-256 for
 * statements.  Anything else is refused, naming the file, the kind it
 * should hold and the kind it holds. */
static int check_key_type(EVP_PKEY *key, const char *which, const char *path,
			  mcg_error *err)
{
	int checkpoint = strcmp(which, MCG_KEY_CHECKPOINT) == 0;
	char curve[64] = "", found[128];

	if (checkpoint && EVP_PKEY_is_a(key, "ED25519"))
		return MCG_OK;
	if (!checkpoint && EVP_PKEY_is_a(key, "EC")) {
		ec_curve(key, curve, sizeof(curve));
		if (strcmp(curve, "P-256") == 0)
			return MCG_OK;
	}
	key_kind(key, found, sizeof(found));
	return mcg_error_set(err, MCG_EINPUT, "%s is not an %s key but %s", path,
			     checkpoint ? "Ed25519" : "ECDSA P-256", found);
}

/* Parses PEM bytes into a key of the expected kind. */
static int parse_pem(const mcg_buf *pem, int private_key, const char *path,
		     EVP_PKEY **out, mcg_error *err)
{
	BIO *bio;
	EVP_PKEY *key;

	/* An empty file has no bytes to hand to OpenSSL at all. */
	if (pem->len == 0 || !pem->data)
		return mcg_error_set(err, MCG_EINPUT, "%s is empty: no PEM key in it", path);
	bio = BIO_new_mem_buf(pem->data, (int)pem->len);
	if (!bio)
		return ossl_error(err, MCG_ESYS, "cannot read", path);
	if (private_key)
		key = PEM_read_bio_PrivateKey(bio, NULL, no_password, NULL);
	else
		key = PEM_read_bio_PUBKEY(bio, NULL, no_password, NULL);
	BIO_free(bio);
	if (!key)
		return ossl_error(err, MCG_EINPUT,
				  private_key ? "no PEM private key in" :
						"no PEM public key in",
				  path);
	*out = key;
	return MCG_OK;
}

static int open_key(const char *path, int flags, int *fd, mcg_error *err)
{
	/* O_NONBLOCK: a FIFO planted as a key must be refused as not a
	 * regular file, not wait forever for a writer. */
	*fd = open(path, flags | O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (*fd >= 0)
		return MCG_OK;
	if (errno == ENOENT)
		return mcg_error_set(err, MCG_EINPUT,
				     "no key file %s (keys are made by `mcg init`)",
				     path);
	/* With O_NOFOLLOW, ELOOP says the file named is a symbolic link. */
	if (errno == ELOOP && (flags & O_NOFOLLOW))
		return not_regular(err, path, S_IFLNK,
				   "; keep the key file itself in the keys folder");
	return sys_error(err, "cannot open", path);
}

int mcg_keys_load_private(const char *dir, const char *which, EVP_PKEY **out,
			  mcg_error *err)
{
	mcg_buf path = MCG_BUF_INIT, pem = MCG_BUF_INIT;
	EVP_PKEY *key = NULL;
	int fd, rc;

	*out = NULL;
	rc = which_ok(which, err);
	if (!rc)
		rc = check_dir_mode(dir, err);
	if (rc)
		return rc;
	if (mcg_keys_path(dir, which, 1, &path) != MCG_OK) {
		rc = mcg_error_set(err, MCG_EINPUT, "key path too long");
		goto out_free;
	}
	/* O_NOFOLLOW: the mode checked must be that of the key itself. */
	rc = open_key(path.data, O_NOFOLLOW, &fd, err);
	if (rc)
		goto out_free;
	rc = check_private_mode(fd, path.data, err);
	if (!rc)
		rc = read_key_file(fd, path.data, &pem, err);
	close(fd);
	if (!rc)
		rc = parse_pem(&pem, 1, path.data, &key, err);
	if (!rc)
		rc = check_key_type(key, which, path.data, err);
	if (rc)
		EVP_PKEY_free(key);
	else
		*out = key;
out_free:
	buf_wipe(&pem);
	mcg_buf_free(&path);
	return rc;
}

/* Reads a PEM public key file (read_whole: a regular file, a link
 * followed only without O_NOFOLLOW in flags); checks the kind when
 * `which` is set. */
static int load_public(const char *path, const char *which, int flags,
		       EVP_PKEY **out, mcg_error *err)
{
	mcg_buf pem = MCG_BUF_INIT;
	EVP_PKEY *key = NULL;
	int rc;

	*out = NULL;
	rc = read_whole(path, flags, &pem, err);
	if (!rc)
		rc = parse_pem(&pem, 0, path, &key, err);
	if (!rc && which)
		rc = check_key_type(key, which, path, err);
	if (rc)
		EVP_PKEY_free(key);
	else
		*out = key;
	mcg_buf_free(&pem);
	return rc;
}

int mcg_keys_load_public(const char *dir, const char *which, EVP_PKEY **out,
			 mcg_error *err)
{
	mcg_buf path = MCG_BUF_INIT;
	int rc;

	*out = NULL;
	rc = which_ok(which, err);
	if (rc)
		return rc;
	if (mcg_keys_path(dir, which, 0, &path) != MCG_OK)
		rc = mcg_error_set(err, MCG_EINPUT, "key path too long");
	else
		rc = load_public(path.data, which, 0, out, err);
	mcg_buf_free(&path);
	return rc;
}

int mcg_keys_load_public_file(const char *path, EVP_PKEY **out,
			      mcg_error *err)
{
	return load_public(path, NULL, 0, out, err);
}

/* The SIZE of a retired key's name in retired/, WHICH-SIZE.pub (the last
 * part of MCG_KEYS_RETIRED_NAME); 0 for any other name.  At most 18 digits,
 * so that it cannot overflow. */
#define RETIRED_SIZE_DIGITS_MAX 18
#define RETIRED_EXT ".pub"

static int retired_size(const char *name, const char *which, long long *size)
{
	size_t n = strlen(name), pre = strlen(which) + 1, suf = strlen(RETIRED_EXT);
	long long v = 0;

	if (n <= pre + suf || n - pre - suf > RETIRED_SIZE_DIGITS_MAX ||
	    strncmp(name, which, pre - 1) != 0 || name[pre - 1] != '-' ||
	    strcmp(name + n - suf, RETIRED_EXT) != 0)
		return 0;
	for (size_t i = pre; i < n - suf; i++) {
		if (name[i] < '0' || name[i] > '9')
			return 0;
		v = v * 10 + (name[i] - '0');
	}
	*size = v;
	return 1;
}

struct retired_walk {
	const char *which;
	mcg_keys_retired_fn fn;
	void *ctx;
};

/* Other names are not opened at all: what else lies in retired/ is not
 * ours to judge here (a rotation checks it, check_retired_files).  A key's
 * name is opened as a rotation reads it (retire_public): never through a
 * link, which would let anyone who can plant one in the keys folder vouch
 * for checkpoints with a key kept elsewhere, and never waiting on a FIFO;
 * anything but a regular file is refused, naming what it is. */
static int retired_entry(const char *path, const char *name, void *ctx, mcg_error *err)
{
	const struct retired_walk *w = ctx;
	EVP_PKEY *key = NULL;
	long long size;
	int rc;

	if (!retired_size(name, w->which, &size))
		return MCG_OK;
	/* Of its name's kind: one of another kind would fail to verify
	 * anything and be passed over, and a checkpoint it was meant to
	 * vouch for would read as forged. */
	rc = load_public(path, w->which, O_NOFOLLOW, &key, err);
	if (rc)
		return rc;
	rc = w->fn(w->ctx, key, size, err);
	EVP_PKEY_free(key);
	return rc;
}

int mcg_keys_each_retired(const char *dir, const char *which,
			  mcg_keys_retired_fn fn, void *ctx, mcg_error *err)
{
	struct retired_walk w = { which, fn, ctx };
	mcg_buf retired = MCG_BUF_INIT;
	int rc = which_ok(which, err);

	rc = rc ? rc : sub_path(dir, MCG_KEYS_RETIRED_DIR, &retired, err);
	/* Absent, it means no key was ever retired; anything else must not
	 * pass for that (a checkpoint it signed would read as forged). */
	rc = rc ? rc : each_name(retired.data, "cannot read the retired keys in",
				 retired_entry, &w, err);
	mcg_buf_free(&retired);
	return rc;
}
