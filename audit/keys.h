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
 * others: a key that others can read may already be someone else's.
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

/* Retires both key pairs for new ones (SECURITY.md, "Key handling and
 * rotation"): the old public keys stay as retired/checkpoint-SIZE.pub and
 * retired/statement-SIZE.pub, SIZE being the log's size at the handover
 * checkpoint the caller signed with the old key; the old private keys are
 * replaced.  A rotation cut short is resumed by the next call at the same
 * size; a second rotation at the same size is refused (MCG_EINPUT). */
int mcg_keys_rotate(const char *dir, long long size, mcg_error *err);

/* Loads a private key ("checkpoint" or "statement"), checking modes.
 * The caller frees *out with EVP_PKEY_free. */
int mcg_keys_load_private(const char *dir, const char *which, EVP_PKEY **out,
			  mcg_error *err);

/* Loads a public key from the .pub file.  The caller frees *out. */
int mcg_keys_load_public(const char *dir, const char *which, EVP_PKEY **out,
			 mcg_error *err);

/* Loads a public key from any PEM file (a bank's copy). */
int mcg_keys_load_public_file(const char *path, EVP_PKEY **out,
			      mcg_error *err);

/* The path of a key file: "<dir>/<which>.key" or ".pub" into out. */
int mcg_keys_path(const char *dir, const char *which, int private_key,
		  mcg_buf *out);

/* Appends the PEM of a public key to out. */
int mcg_keys_public_pem(EVP_PKEY *key, mcg_buf *out, mcg_error *err);

#endif
