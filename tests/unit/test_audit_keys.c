/*
 * Unit tests for audit/keys.c: key files, their modes, and the refusals.
 *
 * The suite runs as root in CI, where file permissions never stop a read,
 * so every refusal here must come from the module's own mode checks.
 */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "audit/keys.h"
#include "audit/note.h"

struct tmp {
	char root[64];     /* mkdtemp folder, removed afterwards */
	char keys[128];    /* <root>/keys, made by mcg_keys_create */
};

static void tmp_make(struct tmp *t)
{
	mcg_strlcpy(t->root, "/tmp/mcg-test-keys-XXXXXX", sizeof(t->root));
	cr_assert_not_null(mkdtemp(t->root));
	snprintf(t->keys, sizeof(t->keys), "%s/keys", t->root);
}

static void tmp_remove(struct tmp *t)
{
	static const char *const files[] = { "checkpoint.key", "checkpoint.pub",
					     "statement.key", "statement.pub" };
	char path[256];
	size_t i;

	for (i = 0; i < 4; i++) {
		snprintf(path, sizeof(path), "%s/%s", t->keys, files[i]);
		unlink(path);
	}
	rmdir(t->keys);
	rmdir(t->root);
}

static mode_t mode_of(const char *dir, const char *name)
{
	char path[256];
	struct stat st;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	cr_assert_eq(stat(path, &st), 0, "stat %s", path);
	return st.st_mode & 07777;
}

static void create(struct tmp *t)
{
	mcg_error err;

	tmp_make(t);
	cr_assert_eq(mcg_keys_create(t->keys, &err), 0, "%s", err.msg);
}

static void set_mode(const char *dir, const char *name, mode_t mode)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	cr_assert_eq(chmod(path, mode), 0);
}

Test(audit_keys, create_sets_modes)
{
	struct tmp t;
	struct stat st;
	mode_t old = umask(022);

	create(&t);
	umask(old);
	cr_assert_eq(stat(t.keys, &st), 0);
	cr_assert_eq(st.st_mode & 07777, 0700, "folder mode %o",
		     st.st_mode & 07777);
	cr_assert_eq(mode_of(t.keys, "checkpoint.key"), 0600);
	cr_assert_eq(mode_of(t.keys, "statement.key"), 0600);
	cr_assert_eq(mode_of(t.keys, "checkpoint.pub"), 0644);
	cr_assert_eq(mode_of(t.keys, "statement.pub"), 0644);
	tmp_remove(&t);
}

Test(audit_keys, public_files_are_0644_under_a_strict_umask)
{
	struct tmp t;
	mode_t old = umask(077);

	create(&t);
	umask(old);
	cr_assert_eq(mode_of(t.keys, "checkpoint.pub"), 0644);
	cr_assert_eq(mode_of(t.keys, "checkpoint.key"), 0600);
	tmp_remove(&t);
}

Test(audit_keys, create_leaves_no_temporary_files)
{
	struct tmp t;
	char cmd[256];
	FILE *p;
	int count = 0;
	char line[256];

	create(&t);
	snprintf(cmd, sizeof(cmd), "ls -A %s", t.keys);
	p = popen(cmd, "r");
	cr_assert_not_null(p);
	while (fgets(line, sizeof(line), p))
		count++;
	pclose(p);
	cr_assert_eq(count, 4, "exactly the four key files");
	tmp_remove(&t);
}

Test(audit_keys, private_keys_are_pkcs8_pem)
{
	struct tmp t;
	char path[256], first[64];
	FILE *f;

	create(&t);
	snprintf(path, sizeof(path), "%s/checkpoint.key", t.keys);
	f = fopen(path, "r");
	cr_assert_not_null(f);
	cr_assert_not_null(fgets(first, sizeof(first), f));
	fclose(f);
	cr_assert_str_eq(first, "-----BEGIN PRIVATE KEY-----\n");
	snprintf(path, sizeof(path), "%s/statement.pub", t.keys);
	f = fopen(path, "r");
	cr_assert_not_null(f);
	cr_assert_not_null(fgets(first, sizeof(first), f));
	fclose(f);
	cr_assert_str_eq(first, "-----BEGIN PUBLIC KEY-----\n");
	tmp_remove(&t);
}

Test(audit_keys, openssl_cli_reads_the_keys)
{
	struct tmp t;
	char cmd[512];

	create(&t);
	/* An independent reader: the openssl tool must see the same kinds. */
	snprintf(cmd, sizeof(cmd),
		 "openssl pkey -in %s/checkpoint.key -noout -text 2>/dev/null | grep -q 'ED25519 Private-Key'",
		 t.keys);
	cr_assert_eq(system(cmd), 0, "%s", cmd);
	snprintf(cmd, sizeof(cmd),
		 "openssl pkey -in %s/statement.key -noout -text 2>/dev/null | grep -q 'NIST CURVE: P-256'",
		 t.keys);
	cr_assert_eq(system(cmd), 0, "%s", cmd);
	snprintf(cmd, sizeof(cmd),
		 "openssl pkey -pubin -in %s/statement.pub -noout 2>/dev/null",
		 t.keys);
	cr_assert_eq(system(cmd), 0, "%s", cmd);
	tmp_remove(&t);
}

Test(audit_keys, load_round_trip)
{
	struct tmp t;
	EVP_PKEY *priv = NULL, *pub = NULL, *file = NULL;
	mcg_buf pem = MCG_BUF_INIT, path = MCG_BUF_INIT;
	mcg_error err;

	create(&t);
	cr_assert_eq(mcg_keys_load_private(t.keys, MCG_KEY_CHECKPOINT, &priv,
					   &err), 0, "%s", err.msg);
	cr_assert_eq(mcg_keys_load_public(t.keys, MCG_KEY_CHECKPOINT, &pub,
					  &err), 0, "%s", err.msg);
	cr_assert(EVP_PKEY_is_a(priv, "ED25519"));
	cr_assert_eq(EVP_PKEY_eq(priv, pub), 1, "the pair belongs together");
	EVP_PKEY_free(priv);
	EVP_PKEY_free(pub);

	cr_assert_eq(mcg_keys_load_private(t.keys, MCG_KEY_STATEMENT, &priv,
					   &err), 0, "%s", err.msg);
	cr_assert_eq(mcg_keys_load_public(t.keys, MCG_KEY_STATEMENT, &pub,
					  &err), 0, "%s", err.msg);
	cr_assert(EVP_PKEY_is_a(priv, "EC"));
	cr_assert_eq(EVP_PKEY_eq(priv, pub), 1);
	cr_assert_eq(mcg_keys_path(t.keys, MCG_KEY_STATEMENT, 0, &path), 0);
	cr_assert_eq(mcg_keys_load_public_file(path.data, &file, &err), 0);
	cr_assert_eq(EVP_PKEY_eq(file, pub), 1);
	cr_assert_eq(mcg_keys_public_pem(pub, &pem, &err), 0);
	cr_assert(strncmp(pem.data, "-----BEGIN PUBLIC KEY-----\n", 27) == 0);
	EVP_PKEY_free(priv);
	EVP_PKEY_free(pub);
	EVP_PKEY_free(file);
	mcg_buf_free(&pem);
	mcg_buf_free(&path);
	tmp_remove(&t);
}

Test(audit_keys, loaded_checkpoint_key_signs_notes)
{
	struct tmp t;
	EVP_PKEY *priv = NULL, *pub = NULL;
	mcg_buf note = MCG_BUF_INIT, text = MCG_BUF_INIT;
	mcg_error err;

	create(&t);
	cr_assert_eq(mcg_keys_load_private(t.keys, MCG_KEY_CHECKPOINT, &priv,
					   &err), 0);
	cr_assert_eq(mcg_keys_load_public(t.keys, MCG_KEY_CHECKPOINT, &pub,
					  &err), 0);
	cr_assert_eq(mcg_note_sign("hello\n", 6, "mcg", priv, &note, &err), 0);
	cr_assert_eq(mcg_note_verify(note.data, note.len, "mcg", pub, &text,
				     &err), 0, "%s", err.msg);
	cr_assert_str_eq(mcg_buf_str(&text), "hello\n");
	mcg_buf_free(&note);
	mcg_buf_free(&text);
	EVP_PKEY_free(priv);
	EVP_PKEY_free(pub);
	tmp_remove(&t);
}

Test(audit_keys, keys_are_fresh_each_time)
{
	struct tmp a, b;
	EVP_PKEY *ka = NULL, *kb = NULL;
	mcg_error err;

	create(&a);
	create(&b);
	cr_assert_eq(mcg_keys_load_public(a.keys, MCG_KEY_CHECKPOINT, &ka,
					  &err), 0);
	cr_assert_eq(mcg_keys_load_public(b.keys, MCG_KEY_CHECKPOINT, &kb,
					  &err), 0);
	cr_assert_neq(EVP_PKEY_eq(ka, kb), 1);
	EVP_PKEY_free(ka);
	EVP_PKEY_free(kb);
	tmp_remove(&a);
	tmp_remove(&b);
}

static void assert_load_refused(const char *dir, const char *which,
				const char *needle)
{
	EVP_PKEY *key = (EVP_PKEY *)1;
	mcg_error err;

	cr_assert_eq(mcg_keys_load_private(dir, which, &key, &err), MCG_EINPUT);
	cr_assert_null(key, "no key handed out on refusal");
	cr_assert(strstr(err.msg, needle) != NULL, "message: %s", err.msg);
}

Test(audit_keys, refuses_private_key_readable_by_group)
{
	struct tmp t;

	create(&t);
	set_mode(t.keys, "checkpoint.key", 0640);
	assert_load_refused(t.keys, MCG_KEY_CHECKPOINT, "mode 0640");
	assert_load_refused(t.keys, MCG_KEY_CHECKPOINT, "chmod 600");
	set_mode(t.keys, "checkpoint.key", 0600);
	tmp_remove(&t);
}

Test(audit_keys, refuses_private_key_readable_by_others)
{
	struct tmp t;

	create(&t);
	set_mode(t.keys, "statement.key", 0604);
	assert_load_refused(t.keys, MCG_KEY_STATEMENT, "mode 0604");
	set_mode(t.keys, "statement.key", 0602);
	assert_load_refused(t.keys, MCG_KEY_STATEMENT, "mode 0602");
	tmp_remove(&t);
}

Test(audit_keys, refuses_open_folder)
{
	struct tmp t;
	char hint[160];

	create(&t);
	cr_assert_eq(chmod(t.keys, 0755), 0);
	snprintf(hint, sizeof(hint), "chmod 700 %s", t.keys);
	assert_load_refused(t.keys, MCG_KEY_CHECKPOINT, "mode 0755");
	assert_load_refused(t.keys, MCG_KEY_CHECKPOINT, hint);
	cr_assert_eq(chmod(t.keys, 0710), 0);
	assert_load_refused(t.keys, MCG_KEY_STATEMENT, "mode 0710");
	cr_assert_eq(chmod(t.keys, 0700), 0);
	tmp_remove(&t);
}

Test(audit_keys, refuses_to_overwrite)
{
	struct tmp t;
	char path[256];
	struct stat before, after;
	mcg_error err;

	create(&t);
	snprintf(path, sizeof(path), "%s/checkpoint.key", t.keys);
	cr_assert_eq(stat(path, &before), 0);
	cr_assert_eq(mcg_keys_create(t.keys, &err), MCG_EINPUT);
	cr_assert(strstr(err.msg, "already exists") != NULL, "%s", err.msg);
	cr_assert_eq(stat(path, &after), 0);
	cr_assert_eq(before.st_ino, after.st_ino, "the old key is untouched");
	tmp_remove(&t);
}

Test(audit_keys, refuses_to_overwrite_a_single_leftover_file)
{
	struct tmp t;
	char path[256];
	mcg_error err;
	int fd;

	tmp_make(&t);
	cr_assert_eq(mkdir(t.keys, 0700), 0);
	snprintf(path, sizeof(path), "%s/statement.pub", t.keys);
	fd = open(path, O_CREAT | O_EXCL | O_WRONLY, 0644);
	cr_assert(fd >= 0);
	close(fd);
	cr_assert_eq(mcg_keys_create(t.keys, &err), MCG_EINPUT);
	/* Nothing was written beside it. */
	snprintf(path, sizeof(path), "%s/checkpoint.key", t.keys);
	cr_assert_neq(access(path, F_OK), 0);
	tmp_remove(&t);
}

Test(audit_keys, create_refuses_open_existing_folder)
{
	struct tmp t;
	mcg_error err;

	tmp_make(&t);
	cr_assert_eq(mkdir(t.keys, 0700), 0);
	cr_assert_eq(chmod(t.keys, 0755), 0);
	cr_assert_eq(mcg_keys_create(t.keys, &err), MCG_EINPUT);
	cr_assert(strstr(err.msg, "chmod 700") != NULL, "%s", err.msg);
	/* An existing private folder is fine. */
	cr_assert_eq(chmod(t.keys, 0700), 0);
	cr_assert_eq(mcg_keys_create(t.keys, &err), 0, "%s", err.msg);
	tmp_remove(&t);
}

Test(audit_keys, refuses_symlinked_private_key)
{
	struct tmp t;
	char path[256], moved[256];
	mcg_error err;
	EVP_PKEY *key = NULL;

	create(&t);
	snprintf(path, sizeof(path), "%s/checkpoint.key", t.keys);
	snprintf(moved, sizeof(moved), "%s/elsewhere.key", t.root);
	cr_assert_eq(rename(path, moved), 0);
	cr_assert_eq(symlink(moved, path), 0);
	cr_assert_eq(mcg_keys_load_private(t.keys, MCG_KEY_CHECKPOINT, &key,
					   &err), MCG_EINPUT);
	cr_assert_null(key);
	unlink(moved);
	tmp_remove(&t);
}

Test(audit_keys, load_refusals)
{
	struct tmp t;
	char path[256];
	EVP_PKEY *key = NULL;
	mcg_error err;
	FILE *f;

	create(&t);
	cr_assert_eq(mcg_keys_load_private(t.keys, "other", &key, &err),
		     MCG_EINPUT);
	cr_assert_eq(mcg_keys_load_public(t.keys, "../x", &key, &err),
		     MCG_EINPUT);
	cr_assert_eq(mcg_keys_load_private("/nonexistent/mcg", MCG_KEY_STATEMENT,
					   &key, &err), MCG_EINPUT);
	cr_assert_eq(mcg_keys_load_public_file("/nonexistent/key.pem", &key,
					       &err), MCG_EINPUT);
	/* A key file of the wrong kind: swap the two private keys. */
	snprintf(path, sizeof(path), "%s/checkpoint.key", t.keys);
	{
		char other[256];

		snprintf(other, sizeof(other), "%s/statement.key", t.keys);
		cr_assert_eq(rename(other, path), 0);
	}
	cr_assert_eq(mcg_keys_load_private(t.keys, MCG_KEY_CHECKPOINT, &key,
					   &err), MCG_EINPUT);
	cr_assert(strstr(err.msg, "Ed25519") != NULL, "%s", err.msg);
	/* Garbage instead of PEM. */
	snprintf(path, sizeof(path), "%s/checkpoint.pub", t.keys);
	f = fopen(path, "w");
	cr_assert_not_null(f);
	fputs("not a key\n", f);
	fclose(f);
	cr_assert_eq(mcg_keys_load_public(t.keys, MCG_KEY_CHECKPOINT, &key,
					  &err), MCG_EINPUT);
	cr_assert_null(key);
	tmp_remove(&t);
}

Test(audit_keys, refuses_oversized_key_file)
{
	struct tmp t;
	char path[256];
	EVP_PKEY *key = NULL;
	mcg_error err;
	FILE *f;
	int i;

	create(&t);
	snprintf(path, sizeof(path), "%s/statement.pub", t.keys);
	f = fopen(path, "a");
	cr_assert_not_null(f);
	for (i = 0; i < 2000; i++)
		fputs("padding padding padding\n", f);
	fclose(f);
	cr_assert_eq(mcg_keys_load_public(t.keys, MCG_KEY_STATEMENT, &key,
					  &err), MCG_EINPUT);
	cr_assert(strstr(err.msg, "larger than") != NULL, "%s", err.msg);
	tmp_remove(&t);
}

Test(audit_keys, path_names)
{
	mcg_buf b = MCG_BUF_INIT;

	cr_assert_eq(mcg_keys_path("/k", MCG_KEY_CHECKPOINT, 1, &b), 0);
	cr_assert_str_eq(mcg_buf_str(&b), "/k/checkpoint.key");
	cr_assert_eq(mcg_keys_path("/k", MCG_KEY_STATEMENT, 0, &b), 0);
	cr_assert_str_eq(mcg_buf_str(&b), "/k/statement.pub");
	mcg_buf_free(&b);
}

Test(audit_keys, failed_create_removes_what_it_made)
{
	struct tmp t;
	char path[256];
	mcg_error err;

	tmp_make(&t);
	/* Make the second pair fail to write: a folder squats on the
	 * temporary name keys.c uses for it (permissions would not stop
	 * root, who runs these tests). */
	cr_assert_eq(mkdir(t.keys, 0700), 0);
	snprintf(path, sizeof(path), "%s/statement.key.tmp%ld", t.keys,
		 (long)getpid());
	cr_assert_eq(mkdir(path, 0700), 0);
	cr_assert_neq(mcg_keys_create(t.keys, &err), 0);
	rmdir(path);
	/* The checkpoint pair written before the failure is gone again. */
	snprintf(path, sizeof(path), "%s/checkpoint.key", t.keys);
	cr_assert_neq(access(path, F_OK), 0, "%s left behind", path);
	snprintf(path, sizeof(path), "%s/checkpoint.pub", t.keys);
	cr_assert_neq(access(path, F_OK), 0, "%s left behind", path);
	tmp_remove(&t);
}

static int count_retired(void *ctx, EVP_PKEY *key, long long size, mcg_error *err)
{
	(void)key, (void)err;
	cr_assert_eq(size, 7);
	(*(int *)ctx)++;
	return MCG_OK;
}

/* A retired key is opened as a rotation opens it: a link in retired/ is
 * refused, not followed, and a FIFO or a folder so named is refused at
 * once, each named for what it is. */
Test(audit_keys, each_retired_refuses_what_is_not_a_regular_file)
{
	static const char *const kinds[3] = { "a symbolic link", "a FIFO", "a folder" };
	struct tmp t;
	char retired[256], path[320], pub[256];
	mcg_error err;
	int seen = 0;

	create(&t);
	snprintf(retired, sizeof(retired), "%s/retired", t.keys);
	snprintf(path, sizeof(path), "%s/checkpoint-7.pub", retired);
	snprintf(pub, sizeof(pub), "%s/checkpoint.pub", t.keys);
	cr_assert_eq(mkdir(retired, 0700), 0);
	/* A regular file so named is loaded and handed over. */
	cr_assert_eq(link(pub, path), 0);
	cr_assert_eq(mcg_keys_each_retired(t.keys, MCG_KEY_CHECKPOINT, count_retired,
					   &seen, &err), 0, "%s", err.msg);
	cr_assert_eq(seen, 1);
	cr_assert_eq(unlink(path), 0);
	for (int i = 0; i < 3; i++) {
		char want[400];

		if (i == 0)
			cr_assert_eq(symlink(pub, path), 0);
		else if (i == 1)
			cr_assert_eq(mkfifo(path, 0600), 0);
		else
			cr_assert_eq(mkdir(path, 0700), 0);
		seen = 0;
		cr_assert_eq(mcg_keys_each_retired(t.keys, MCG_KEY_CHECKPOINT,
						   count_retired, &seen, &err),
			     MCG_EINPUT, "%s", kinds[i]);
		cr_assert_eq(seen, 0, "%s was followed or read", kinds[i]);
		snprintf(want, sizeof(want), "%s is not a regular file but %s", path,
			 kinds[i]);
		cr_assert(strstr(err.msg, want) != NULL, "%s", err.msg);
		cr_assert_eq(i == 2 ? rmdir(path) : unlink(path), 0);
	}
	rmdir(retired);
	tmp_remove(&t);
}

/* Writes the public half of key as PEM at path. */
static void write_public(const char *path, EVP_PKEY *key)
{
	mcg_buf pem = MCG_BUF_INIT;
	mcg_error err;
	FILE *f;

	cr_assert_eq(mcg_keys_public_pem(key, &pem, &err), 0, "%s", err.msg);
	f = fopen(path, "w");
	cr_assert_not_null(f, "%s", path);
	cr_assert_eq(fwrite(pem.data, 1, pem.len, f), pem.len);
	cr_assert_eq(fclose(f), 0);
	mcg_buf_free(&pem);
}

/* A retired key must be of its name's kind: checkpoint-N.pub an Ed25519
 * key, statement-N.pub a P-256 one.  Another kind stops the walk, naming
 * the file, what it should hold and what it holds; it is never handed to
 * fn (which would try it, fail to verify with it, and pass it over). */
Test(audit_keys, each_retired_refuses_a_key_of_another_kind)
{
	struct {
		const char *which, *name, *expected, *found;
		EVP_PKEY *key;
	} cases[] = {
		{ MCG_KEY_CHECKPOINT, "checkpoint-7.pub", "not an Ed25519 key",
		  "but an EC key on curve P-256", EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256") },
		{ MCG_KEY_CHECKPOINT, "checkpoint-7.pub", "not an Ed25519 key",
		  "but an EC key on curve P-384", EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-384") },
		{ MCG_KEY_CHECKPOINT, "checkpoint-7.pub", "not an Ed25519 key",
		  "but an RSA key", EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048) },
		{ MCG_KEY_STATEMENT, "statement-7.pub", "not an ECDSA P-256 key",
		  "but an Ed25519 key", EVP_PKEY_Q_keygen(NULL, NULL, "ED25519") },
		{ MCG_KEY_STATEMENT, "statement-7.pub", "not an ECDSA P-256 key",
		  "but an EC key on curve P-384", EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-384") },
	};
	struct tmp t;
	char retired[256], path[320], want[400];
	mcg_error err;
	int seen;

	create(&t);
	snprintf(retired, sizeof(retired), "%s/retired", t.keys);
	cr_assert_eq(mkdir(retired, 0700), 0);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		cr_assert_not_null(cases[i].key);
		snprintf(path, sizeof(path), "%s/%s", retired, cases[i].name);
		write_public(path, cases[i].key);
		seen = 0;
		cr_assert_eq(mcg_keys_each_retired(t.keys, cases[i].which, count_retired,
						   &seen, &err), MCG_EINPUT,
			     "%s %s", cases[i].name, cases[i].found);
		cr_assert_eq(seen, 0, "%s: the key was handed over", cases[i].found);
		snprintf(want, sizeof(want), "%s is %s %s", path, cases[i].expected,
			 cases[i].found);
		cr_assert(strstr(err.msg, want) != NULL, "%s", err.msg);
		cr_assert_eq(unlink(path), 0);
		EVP_PKEY_free(cases[i].key);
	}
	/* Each kind's own key is loaded and handed over. */
	for (int i = 0; i < 2; i++) {
		const char *which = i == 0 ? MCG_KEY_CHECKPOINT : MCG_KEY_STATEMENT;
		char pub[256];

		snprintf(pub, sizeof(pub), "%s/%s.pub", t.keys, which);
		snprintf(path, sizeof(path), "%s/%s-7.pub", retired, which);
		cr_assert_eq(link(pub, path), 0);
		seen = 0;
		cr_assert_eq(mcg_keys_each_retired(t.keys, which, count_retired, &seen, &err),
			     0, "%s", err.msg);
		cr_assert_eq(seen, 1);
		cr_assert_eq(unlink(path), 0);
	}
	rmdir(retired);
	tmp_remove(&t);
}

/* A rotation checks the retired keys' kinds before it writes anything, as
 * it checks that each is a regular file: a key of another kind there would
 * stop every later check of a checkpoint older than a rotation. */
Test(audit_keys, rotate_begin_refuses_a_retired_key_of_another_kind)
{
	struct tmp t;
	char retired[256], path[320], pub[256], work[256];
	mcg_error err;
	int resume;

	create(&t);
	snprintf(retired, sizeof(retired), "%s/retired", t.keys);
	cr_assert_eq(mkdir(retired, 0700), 0);
	/* The Ed25519 checkpoint key named as a retired statement key. */
	snprintf(pub, sizeof(pub), "%s/checkpoint.pub", t.keys);
	snprintf(path, sizeof(path), "%s/statement-7.pub", retired);
	cr_assert_eq(link(pub, path), 0);
	cr_assert_eq(mcg_keys_rotate_begin(t.keys, &resume, &err), MCG_EINPUT);
	cr_assert(strstr(err.msg, "statement-7.pub is not an ECDSA P-256 key but an Ed25519 key")
		  != NULL, "%s", err.msg);
	snprintf(work, sizeof(work), "%s/.rotate-tmp", t.keys);
	cr_assert_neq(access(work, F_OK), 0, "a refused rotation made %s", work);
	cr_assert_eq(unlink(path), 0);
	/* Its own kind is fine. */
	snprintf(pub, sizeof(pub), "%s/statement.pub", t.keys);
	cr_assert_eq(link(pub, path), 0);
	cr_assert_eq(mcg_keys_rotate_begin(t.keys, &resume, &err), 0, "%s", err.msg);
	cr_assert_eq(mcg_keys_rotate_abandon(t.keys), 0);
	mcg_keys_rotate_end();
	cr_assert_eq(unlink(path), 0);
	rmdir(retired);
	snprintf(work, sizeof(work), "%s/.rotate-lock", t.keys);
	unlink(work);
	tmp_remove(&t);
}

/* A private key with a second name (a hard link) is refused: its secret
 * lives on under that name, wherever it is, past a rotation that replaces
 * the key here.  Once the other name is gone, the key loads again. */
Test(audit_keys, refuses_private_key_with_another_name)
{
	static const char *const kinds[2] = { MCG_KEY_CHECKPOINT, MCG_KEY_STATEMENT };
	struct tmp t;
	char key[256], other[256], want[400];
	EVP_PKEY *loaded = NULL;
	mcg_error err;

	create(&t);
	for (int i = 0; i < 2; i++) {
		snprintf(key, sizeof(key), "%s/%s.key", t.keys, kinds[i]);
		/* Outside the keys folder, then beside the key. */
		for (int k = 0; k < 2; k++) {
			snprintf(other, sizeof(other), "%s/%s", k == 0 ? t.root : t.keys,
				 "other-name.key");
			cr_assert_eq(link(key, other), 0);
			snprintf(want, sizeof(want), "private key %s has 2 names (hard links)", key);
			assert_load_refused(t.keys, kinds[i], want);
			assert_load_refused(t.keys, kinds[i], "remove the other name");
			cr_assert_eq(unlink(other), 0);
		}
		cr_assert_eq(mcg_keys_load_private(t.keys, kinds[i], &loaded, &err), 0,
			     "%s", err.msg);
		EVP_PKEY_free(loaded);
	}
	tmp_remove(&t);
}
