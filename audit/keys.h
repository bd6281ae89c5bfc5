/*
 * The ledger's two signing keys, kept as files in the keys folder (never in
 * the database, never in logs):
 *
 *   checkpoint.key   Ed25519 private key, PEM (PKCS#8), mode 0600
 *   checkpoint.pub   its public key, PEM, mode 0644
 *   statement.key    ECDSA P-256 private key, PEM (PKCS#8), mode 0600
 *   statement.pub    its public key, PEM (SubjectPublicKeyInfo), mode 0644
 *
 * The folder is created with mode 0700.  Loading a private key is refused
 * (MCG_EINPUT) when its file or folder is readable or writable by group or
 * others: a key that others can read may already be someone else's; and
 * when the file has another name (a hard link), a copy of the secret out
 * of mcg's sight, which a rotation would leave behind.  A key of another
 * kind than its name says is refused, naming the kind it is.
 */
#ifndef MCG_KEYS_H
#define MCG_KEYS_H

#include <openssl/evp.h>

#include "buf.h"
#include "error.h"

#define MCG_KEY_CHECKPOINT "checkpoint"
#define MCG_KEY_STATEMENT  "statement"

/* Creates the folder (0700) and both key pairs.  Refuses (MCG_EINPUT) if a
 * key file already exists there, rather than overwrite it. */
int mcg_keys_create(const char *dir, mcg_error *err);

/*
 * Key rotation (SECURITY.md, "Key handling and rotation"), in two steps
 * around the handover checkpoint the caller signs with the old key:
 *
 *   mcg_keys_rotate_begin   marks the rotation under way (KEYS/.rotate-tmp),
 *                           from which point no other checkpoint is signed
 *                           (mcg_keys_rotation_pending); *resume = 1 when a
 *                           rotation was cut after its new keys were whole:
 *                           then no handover is needed, finish it.
 *   mcg_keys_rotate_finish  retires the old public keys as
 *                           retired/checkpoint-SIZE.pub and
 *                           retired/statement-SIZE.pub (SIZE: the
 *                           handover's), makes the new keys and puts them in
 *                           place.  A second rotation at the same size is
 *                           refused (MCG_EINPUT).
 *   mcg_keys_rotate_abandon removes the mark of a rotation begun but not
 *                           got past its handover (a failed handover).
 *   mcg_keys_rotate_end     after either: releases the lock begin took
 *                           (one rotation at a time: another begin refuses
 *                           while it is held, MCG_EINPUT).
 *
 * Begin also checks both key pairs (modes, names, types, each private key
 * the pair of its public key) and the retired keys (each a regular file
 * and, if named WHICH-SIZE.pub, a public key of that kind) before it
 * writes anything.
 */
int mcg_keys_rotate_begin(const char *dir, int *resume, mcg_error *err);
int mcg_keys_rotate_finish(const char *dir, long long size, int resume, mcg_error *err);
int mcg_keys_rotate_abandon(const char *dir);
void mcg_keys_rotate_end(void);

/* MCG_EINPUT, saying what to do, while a rotation is under way or cut
 * short; MCG_OK otherwise. */
int mcg_keys_rotation_pending(const char *dir, mcg_error *err);

/* Loads a private key ("checkpoint" or "statement"), checking its file (a
 * regular file, not a link, no access for group or others, one name), its
 * folder's mode and its kind; MCG_EINPUT, saying what to do, otherwise.
 * The caller frees *out with EVP_PKEY_free. */
int mcg_keys_load_private(const char *dir, const char *which, EVP_PKEY **out,
			  mcg_error *err);

/* Loads a public key from the .pub file, which must be a regular file (a
 * FIFO is refused at once, not waited on; a link is followed) holding a
 * key of its kind (MCG_EINPUT otherwise).  The caller frees *out. */
int mcg_keys_load_public(const char *dir, const char *which, EVP_PKEY **out,
			 mcg_error *err);

/* Loads a public key from any PEM file (a bank's copy), a regular file
 * (a link is followed). */
int mcg_keys_load_public_file(const char *path, EVP_PKEY **out,
			      mcg_error *err);

/*
 * A retired public key's name in the keys folder, a printf format of its
 * kind and the log's size at its handover (const char *, long long): what
 * a rotation writes, what mcg_keys_each_retired reads back, and what a
 * message names.
 */
#define MCG_KEYS_RETIRED_DIR "retired"
#define MCG_KEYS_RETIRED_NAME MCG_KEYS_RETIRED_DIR "/%s-%lld.pub"

/* Called by mcg_keys_each_retired with each key and its SIZE: 0, or an
 * error that stops the walk.  The key is freed after the call. */
typedef int (*mcg_keys_retired_fn)(void *ctx, EVP_PKEY *key, long long size,
				   mcg_error *err);

/*
 * Calls fn with each public key of a kind ("checkpoint" or "statement") in
 * the keys folder's retired/, loaded, in the folder's order.  A name that
 * is not WHICH-SIZE.pub (SIZE: 1 to 18 digits) is passed over; a file so
 * named that does not load as a public key stops the walk with its error
 * (a damaged keys folder), so every one is loaded whatever fn does with
 * the others.  Each is opened without following a link and without
 * waiting on a FIFO: a link, a FIFO, a folder or anything else but a
 * regular file so named stops the walk (MCG_EINPUT, naming the path and
 * what it is), as a rotation refuses it; so does a key of another kind
 * than WHICH's (MCG_EINPUT, naming the path, the kind expected and the
 * kind found), never handed to fn.
 * No retired/ at all is no key; one that cannot be read is MCG_ESYS.
 */
int mcg_keys_each_retired(const char *dir, const char *which,
			  mcg_keys_retired_fn fn, void *ctx, mcg_error *err);

/* The path of a key file: "<dir>/<which>.key" or ".pub" into out. */
int mcg_keys_path(const char *dir, const char *which, int private_key,
		  mcg_buf *out);

/* Appends the PEM of a public key to out. */
int mcg_keys_public_pem(EVP_PKEY *key, mcg_buf *out, mcg_error *err);

#endif
