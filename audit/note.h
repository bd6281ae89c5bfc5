/*
 * C2SP signed notes and tlog checkpoints, with Ed25519.
 *
 * A checkpoint (c2sp.org/tlog-checkpoint) is the note text
 *
 *     <origin>\n<tree size, decimal>\n<root hash, base64>\n
 *
 * signed as a C2SP signed note (c2sp.org/signed-note): after the text, an
 * empty line, then one line per signature
 *
 *     — <key name> <base64(key hash (4 bytes) || Ed25519 signature)>\n
 *
 * (the dash is U+2014).  The key hash is the first 4 bytes of
 * SHA-256(<key name> || 0x0A || 0x01 || <32-byte public key>), and the
 * verifier key is "<name>+<hex key hash, 8 digits>+<base64(0x01 || key)>".
 *
 * No database here: keys come in as OpenSSL EVP_PKEY.
 */
#ifndef MCG_NOTE_H
#define MCG_NOTE_H

#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>

#include "buf.h"
#include "error.h"
#include "merkle.h"

/* Longest origin line accepted. */
#define MCG_ORIGIN_MAX 256
/* Largest signed note accepted when reading one (or made by signing). */
#define MCG_NOTE_BYTES_MAX 65536
/* Longest key name, in bytes. */
#define MCG_NOTE_NAME_MAX 256
/* Most signature lines read from one note (C2SP asks for at least 16). */
#define MCG_NOTE_SIGS_MAX 100

typedef struct mcg_checkpoint {
	char origin[MCG_ORIGIN_MAX + 1];
	int64_t size;
	mcg_hash root;
} mcg_checkpoint;

/* Appends the checkpoint body (three lines, each ending in \n) to out.
 * MCG_EINPUT (out untouched) if the origin is empty or not one line of
 * UTF-8 text, or the size is negative. */
int mcg_checkpoint_format(const mcg_checkpoint *cp, mcg_buf *out);

/* Parses a checkpoint body (the text before the blank line of a note).
 * Extension lines after the root are allowed and ignored.  MCG_EINPUT on
 * anything malformed. */
int mcg_checkpoint_parse(const char *text, size_t len, mcg_checkpoint *out,
			 mcg_error *err);

/* Appends the verifier key string "<name>+<keyhash hex>+<base64(0x01||pub)>"
 * to out.  The key may be the private key or the public one.  MCG_EINPUT if
 * the name is not a valid key name (non-empty, at most MCG_NOTE_NAME_MAX
 * bytes of UTF-8, no spaces, no '+') or the key is not Ed25519. */
int mcg_note_verifier_key(const char *name, EVP_PKEY *ed25519, mcg_buf *out,
			  mcg_error *err);

/* Signs `text` (which must end in \n and, like any note, be UTF-8 with no
 * control characters but \n) with the Ed25519 key under `name` and
 * appends the whole signed note to out (nothing on failure).  Returns 0,
 * MCG_EINPUT (bad text, name or key) or MCG_ESYS. */
int mcg_note_sign(const char *text, size_t len, const char *name,
		  EVP_PKEY *ed25519, mcg_buf *out, mcg_error *err);

/*
 * Verifies a signed note: finds the signature line for `name` whose key
 * hash matches the public key, and checks the Ed25519 signature over the
 * text.  On success copies the text (without the blank line and the
 * signatures) into text_out, replacing what it held.  Signatures by other
 * keys are ignored, as C2SP requires; a signature line that names this key
 * but does not verify rejects the whole note.  Returns 0, MCG_EINPUT (not a
 * signed note at all: too big, not UTF-8, control characters, no blank
 * line, a malformed signature line, more than MCG_NOTE_SIGS_MAX of them)
 * or MCG_EINTEGRITY (no valid signature by that key).
 */
int mcg_note_verify(const char *note, size_t len, const char *name,
		    EVP_PKEY *ed25519_pub, mcg_buf *text_out, mcg_error *err);

#endif
