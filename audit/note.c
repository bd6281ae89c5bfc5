/*
 * C2SP signed notes (c2sp.org/signed-note) with Ed25519, and the
 * checkpoints (c2sp.org/tlog-checkpoint) that the ledger signs with them:
 * see note.h.
 *
 * Reading is strict: a note is UTF-8 with no control characters but
 * newline, its text is everything up to the last blank line, and every
 * signature line must be well formed even when its key is unknown, so that
 * what one verifier accepts another cannot read differently.  The parsing
 * rules are those of golang.org/x/mod/sumdb/note's Open, which checkpoints
 * of Go's checksum database and of Sigsum and Trillian logs follow.
 */
#include "note.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/sha.h>

#include "base64.h"

#define ED25519_KEY_BYTES 32
#define ED25519_SIG_BYTES 64
#define KEY_ID_BYTES 4
/* Signature type byte of Ed25519 in key hashes and verifier keys. */
#define ALG_ED25519 0x01
/* U+2014 EM DASH then a space: how every signature line begins. */
#define SIG_PREFIX "\xe2\x80\x94 "
#define SIG_PREFIX_LEN 4
/* The longest decimal int64_t. */
#define SIZE_DIGITS_MAX 19

/* Records the first OpenSSL error (if any) after `what`, and empties
 * OpenSSL's queue so that it does not leak into a later message. */
static int ossl_error(mcg_error *err, int code, const char *what)
{
	char detail[256] = "no detail";
	unsigned long e = ERR_get_error();

	if (e)
		ERR_error_string_n(e, detail, sizeof(detail));
	ERR_clear_error();
	return mcg_error_set(err, code, "%s: %s", what, detail);
}

/* Decodes one UTF-8 sequence strictly (no overlong forms, surrogates or
 * values past U+10FFFF).  Returns its length, or 0 if invalid. */
static size_t utf8_next(const unsigned char *s, size_t len, uint32_t *cp)
{
	uint32_t v, min;
	size_t need, i;

	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		need = 1, min = 0x80, v = s[0] & 0x1fu;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		need = 2, min = 0x800, v = s[0] & 0x0fu;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		need = 3, min = 0x10000, v = s[0] & 0x07u;
	} else {
		return 0;
	}
	if (len < need + 1)
		return 0;
	for (i = 1; i <= need; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		v = v << 6 | (s[i] & 0x3fu);
	}
	if (v < min || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
		return 0;
	*cp = v;
	return need + 1;
}

/* What C2SP (after Go's unicode.IsSpace) counts as a space in a key name. */
static int is_unicode_space(uint32_t cp)
{
	return (cp >= 0x09 && cp <= 0x0d) || cp == 0x20 || cp == 0x85 ||
	       cp == 0xa0 || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200a) ||
	       cp == 0x2028 || cp == 0x2029 || cp == 0x202f || cp == 0x205f ||
	       cp == 0x3000;
}

/* Valid UTF-8 with no control character but newline, as C2SP requires
 * of a whole note. */
static int note_bytes_ok(const char *s, size_t len)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, n;
	uint32_t cp;

	while (i < len) {
		n = utf8_next(u + i, len - i, &cp);
		if (n == 0 || (cp < 0x20 && cp != '\n'))
			return 0;
		i += n;
	}
	return 1;
}

/* A key name: non-empty UTF-8, no spaces or pluses (C2SP signed-note). */
static int name_ok(const char *name, size_t len)
{
	const unsigned char *u = (const unsigned char *)name;
	size_t i = 0, n;
	uint32_t cp;

	if (len == 0 || len > MCG_NOTE_NAME_MAX)
		return 0;
	while (i < len) {
		n = utf8_next(u + i, len - i, &cp);
		if (n == 0 || cp < 0x20 || cp == '+' || is_unicode_space(cp))
			return 0;
		i += n;
	}
	return 1;
}

static int check_name(const char *name, mcg_error *err)
{
	if (!name_ok(name, strlen(name)))
		return mcg_error_set(err, MCG_EINPUT,
				     "invalid note key name \"%.64s\": it must be 1 to %d bytes of UTF-8 without spaces or '+'",
				     name, MCG_NOTE_NAME_MAX);
	return MCG_OK;
}

/* The raw 32-byte public key of an Ed25519 key (public or private). */
static int ed25519_public(EVP_PKEY *key, uint8_t pub[ED25519_KEY_BYTES],
			  mcg_error *err)
{
	size_t len = ED25519_KEY_BYTES;

	if (!key || !EVP_PKEY_is_a(key, "ED25519"))
		return mcg_error_set(err, MCG_EINPUT,
				     "the note key is not an Ed25519 key");
	if (EVP_PKEY_get_raw_public_key(key, pub, &len) != 1 ||
	    len != ED25519_KEY_BYTES)
		return ossl_error(err, MCG_ESYS, "reading the Ed25519 public key");
	return MCG_OK;
}

/* The key ID: the first 4 bytes of SHA-256(name || \n || 0x01 || pub),
 * kept as the 4 bytes they are (big-endian on the wire and in hex). */
static int key_id(const char *name, const uint8_t pub[ED25519_KEY_BYTES],
		  uint8_t id[KEY_ID_BYTES], mcg_error *err)
{
	uint8_t buf[MCG_NOTE_NAME_MAX + 2 + ED25519_KEY_BYTES];
	uint8_t digest[SHA256_DIGEST_LENGTH];
	size_t n = strlen(name);

	/* Callers have checked the name, so it fits. */
	memcpy(buf, name, n);
	buf[n] = '\n';
	buf[n + 1] = ALG_ED25519;
	memcpy(buf + n + 2, pub, ED25519_KEY_BYTES);
	if (!SHA256(buf, n + 2 + ED25519_KEY_BYTES, digest))
		return ossl_error(err, MCG_ESYS, "hashing the note key");
	memcpy(id, digest, KEY_ID_BYTES);
	return MCG_OK;
}

int mcg_note_verifier_key(const char *name, EVP_PKEY *ed25519, mcg_buf *out,
			  mcg_error *err)
{
	uint8_t pub[1 + ED25519_KEY_BYTES];
	uint8_t id[KEY_ID_BYTES];
	mcg_buf key = MCG_BUF_INIT;
	int rc;

	rc = check_name(name, err);
	if (rc)
		return rc;
	rc = ed25519_public(ed25519, pub + 1, err);
	if (rc)
		return rc;
	pub[0] = ALG_ED25519;
	rc = key_id(name, pub + 1, id, err);
	if (rc)
		return rc;
	rc = mcg_buf_printf(&key, "%s+%02x%02x%02x%02x+", name, id[0], id[1],
			    id[2], id[3]);
	if (!rc)
		rc = mcg_audit_base64_encode(pub, sizeof(pub), &key);
	if (!rc)
		rc = mcg_buf_append(out, key.data, key.len);
	mcg_buf_free(&key);
	if (rc)
		return mcg_error_set(err, rc, "cannot format the verifier key");
	return MCG_OK;
}

/* Ed25519 signature over the whole text (RFC 8032, no prehash). */
static int ed25519_sign(EVP_PKEY *key, const char *text, size_t len,
			uint8_t sig[ED25519_SIG_BYTES], mcg_error *err)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	size_t siglen = ED25519_SIG_BYTES;
	int rc = MCG_OK;

	if (!ctx)
		return mcg_error_set(err, MCG_ESYS, "out of memory");
	if (EVP_DigestSignInit(ctx, NULL, NULL, NULL, key) != 1 ||
	    EVP_DigestSign(ctx, sig, &siglen, (const unsigned char *)text,
			   len) != 1 ||
	    siglen != ED25519_SIG_BYTES)
		rc = ossl_error(err, MCG_EINPUT,
				"signing the note (is it the private key?)");
	EVP_MD_CTX_free(ctx);
	return rc;
}

static int ed25519_verify(EVP_PKEY *key, const char *text, size_t len,
			  const uint8_t *sig, size_t siglen)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	int ok;

	if (!ctx)
		return 0;
	ok = EVP_DigestVerifyInit(ctx, NULL, NULL, NULL, key) == 1 &&
	     EVP_DigestVerify(ctx, sig, siglen, (const unsigned char *)text,
			      len) == 1;
	EVP_MD_CTX_free(ctx);
	ERR_clear_error();
	return ok;
}

static int check_text(const char *text, size_t len, mcg_error *err)
{
	if (len == 0 || text[len - 1] != '\n')
		return mcg_error_set(err, MCG_EINPUT,
				     "note text must end in a newline");
	if (!note_bytes_ok(text, len))
		return mcg_error_set(err, MCG_EINPUT,
				     "note text must be UTF-8 without control characters");
	return MCG_OK;
}

/* The signature line "— name base64(id || sig)\n". */
static int format_sig_line(const char *name, const uint8_t id[KEY_ID_BYTES],
			   const uint8_t sig[ED25519_SIG_BYTES], mcg_buf *out)
{
	uint8_t raw[KEY_ID_BYTES + ED25519_SIG_BYTES];
	int rc;

	memcpy(raw, id, KEY_ID_BYTES);
	memcpy(raw + KEY_ID_BYTES, sig, ED25519_SIG_BYTES);
	rc = mcg_buf_printf(out, SIG_PREFIX "%s ", name);
	if (!rc)
		rc = mcg_audit_base64_encode(raw, sizeof(raw), out);
	if (!rc)
		rc = mcg_buf_putc(out, '\n');
	return rc;
}

int mcg_note_sign(const char *text, size_t len, const char *name,
		  EVP_PKEY *ed25519, mcg_buf *out, mcg_error *err)
{
	uint8_t pub[ED25519_KEY_BYTES], id[KEY_ID_BYTES];
	uint8_t sig[ED25519_SIG_BYTES];
	mcg_buf note;
	int rc;

	rc = check_text(text, len, err);
	if (!rc)
		rc = check_name(name, err);
	if (!rc)
		rc = ed25519_public(ed25519, pub, err);
	if (!rc)
		rc = key_id(name, pub, id, err);
	if (!rc)
		rc = ed25519_sign(ed25519, text, len, sig, err);
	if (rc)
		return rc;
	/* Built apart, so that out is untouched on failure, and bounded, so
	 * that we never sign a note we would refuse to read. */
	mcg_buf_init(&note, MCG_NOTE_BYTES_MAX);
	rc = mcg_buf_append(&note, text, len);
	if (!rc)
		rc = mcg_buf_putc(&note, '\n');
	if (!rc)
		rc = format_sig_line(name, id, sig, &note);
	if (!rc)
		rc = mcg_buf_append(out, note.data, note.len);
	mcg_buf_free(&note);
	if (rc == MCG_EINPUT)
		return mcg_error_set(err, rc,
				     "signed note would exceed %d bytes",
				     MCG_NOTE_BYTES_MAX);
	if (rc)
		return mcg_error_set(err, rc, "out of memory");
	return MCG_OK;
}

/* What verification is looking for, and what it found so far. */
struct sig_search {
	const char *name;
	EVP_PKEY *key;
	uint8_t id[KEY_ID_BYTES];
	const char *text;
	size_t text_len;
	uint8_t *scratch;       /* room to decode any one signature */
	size_t scratch_len;
	int verified;
};

/* Checks one signature line (without its newline).  Lines by other keys
 * must still be well formed, and are otherwise ignored. */
static int check_sig_line(struct sig_search *s, const char *line,
			  size_t len, mcg_error *err)
{
	const char *space;
	size_t name_len, raw_len;
	int rc;

	if (len < SIG_PREFIX_LEN || memcmp(line, SIG_PREFIX, SIG_PREFIX_LEN))
		return mcg_error_set(err, MCG_EINPUT,
				     "malformed note: a signature line must begin with an em dash and a space");
	line += SIG_PREFIX_LEN;
	len -= SIG_PREFIX_LEN;
	space = memchr(line, ' ', len);
	if (!space)
		return mcg_error_set(err, MCG_EINPUT,
				     "malformed note: signature line without a signature");
	name_len = (size_t)(space - line);
	if (!name_ok(line, name_len))
		return mcg_error_set(err, MCG_EINPUT,
				     "malformed note: bad key name in a signature line");
	rc = mcg_audit_base64_decode(space + 1, len - name_len - 1, s->scratch,
				     s->scratch_len, &raw_len, err);
	if (rc) {
		mcg_error_prefix(err, "malformed note signature");
		return rc;
	}
	if (raw_len < KEY_ID_BYTES + 1)
		return mcg_error_set(err, MCG_EINPUT,
				     "malformed note: signature too short");
	if (name_len != strlen(s->name) || memcmp(line, s->name, name_len) ||
	    memcmp(s->scratch, s->id, KEY_ID_BYTES))
		return MCG_OK;
	/* Our key: C2SP says a failing signature rejects the whole note. */
	if (raw_len != KEY_ID_BYTES + ED25519_SIG_BYTES ||
	    !ed25519_verify(s->key, s->text, s->text_len,
			    s->scratch + KEY_ID_BYTES, raw_len - KEY_ID_BYTES))
		return mcg_error_set(err, MCG_EINTEGRITY,
				     "the note's signature by %s+%02x%02x%02x%02x does not verify",
				     s->name, s->id[0], s->id[1], s->id[2],
				     s->id[3]);
	s->verified = 1;
	return MCG_OK;
}

/* Walks the signature block, which ends in a newline. */
static int check_sig_block(struct sig_search *s, const char *sigs,
			   size_t len, mcg_error *err)
{
	size_t count = 0;
	const char *end = sigs + len, *nl;
	int rc;

	while (sigs < end) {
		if (++count > MCG_NOTE_SIGS_MAX)
			return mcg_error_set(err, MCG_EINPUT,
					     "malformed note: more than %d signatures",
					     MCG_NOTE_SIGS_MAX);
		nl = memchr(sigs, '\n', (size_t)(end - sigs));
		rc = check_sig_line(s, sigs, (size_t)(nl - sigs), err);
		if (rc)
			return rc;
		sigs = nl + 1;
	}
	return MCG_OK;
}

/* The offset of the last "\n\n", or -1. */
static long last_blank_line(const char *s, size_t len)
{
	size_t i;

	for (i = len; i >= 2; i--) {
		if (s[i - 2] == '\n' && s[i - 1] == '\n')
			return (long)(i - 2);
	}
	return -1;
}

/* Splits a note into text and signature block, checking its form. */
static int split_note(const char *note, size_t len, size_t *text_len,
		      mcg_error *err)
{
	long split;

	if (len > MCG_NOTE_BYTES_MAX)
		return mcg_error_set(err, MCG_EINPUT,
				     "malformed note: larger than %d bytes",
				     MCG_NOTE_BYTES_MAX);
	if (!note_bytes_ok(note, len))
		return mcg_error_set(err, MCG_EINPUT,
				     "malformed note: not UTF-8, or control characters");
	split = last_blank_line(note, len);
	if (split < 0)
		return mcg_error_set(err, MCG_EINPUT,
				     "malformed note: no blank line before the signatures");
	*text_len = (size_t)split + 1;
	if (*text_len + 1 == len || note[len - 1] != '\n')
		return mcg_error_set(err, MCG_EINPUT,
				     "malformed note: signatures must be lines ending in a newline");
	return MCG_OK;
}

int mcg_note_verify(const char *note, size_t len, const char *name,
		    EVP_PKEY *ed25519_pub, mcg_buf *text_out, mcg_error *err)
{
	struct sig_search s = { .name = name, .key = ed25519_pub };
	uint8_t pub[ED25519_KEY_BYTES];
	size_t text_len = 0;
	int rc;

	rc = check_name(name, err);
	if (!rc)
		rc = ed25519_public(ed25519_pub, pub, err);
	if (!rc)
		rc = key_id(name, pub, s.id, err);
	if (!rc)
		rc = split_note(note, len, &text_len, err);
	if (rc)
		return rc;
	s.text = note;
	s.text_len = text_len;
	/* No signature decodes to more bytes than the note has. */
	s.scratch_len = len;
	s.scratch = malloc(len);
	if (!s.scratch)
		return mcg_error_set(err, MCG_ESYS, "out of memory");
	rc = check_sig_block(&s, note + text_len + 1, len - text_len - 1, err);
	free(s.scratch);
	if (rc)
		return rc;
	if (!s.verified)
		return mcg_error_set(err, MCG_EINTEGRITY,
				     "the note has no signature by %s+%02x%02x%02x%02x",
				     name, s.id[0], s.id[1], s.id[2], s.id[3]);
	mcg_buf_reset(text_out);
	rc = mcg_buf_append(text_out, note, text_len);
	if (rc)
		return mcg_error_set(err, rc, "cannot copy the note text");
	return MCG_OK;
}

int mcg_checkpoint_format(const mcg_checkpoint *cp, mcg_buf *out)
{
	size_t origin_len = strnlen(cp->origin, sizeof(cp->origin));
	mcg_buf body = MCG_BUF_INIT;
	int rc;

	if (origin_len == 0 || origin_len > MCG_ORIGIN_MAX || cp->size < 0 ||
	    !note_bytes_ok(cp->origin, origin_len) ||
	    memchr(cp->origin, '\n', origin_len))
		return MCG_EINPUT;
	rc = mcg_buf_printf(&body, "%s\n%lld\n", cp->origin,
			    (long long)cp->size);
	if (!rc)
		rc = mcg_audit_base64_encode(cp->root.b, MCG_HASH_SIZE, &body);
	if (!rc)
		rc = mcg_buf_putc(&body, '\n');
	if (!rc)
		rc = mcg_buf_append(out, body.data, body.len);
	mcg_buf_free(&body);
	return rc;
}

/* A tree size: ASCII decimal, no sign, no leading zero but in "0". */
static int parse_size(const char *s, size_t len, int64_t *out)
{
	int64_t v = 0;
	size_t i;

	if (len == 0 || len > SIZE_DIGITS_MAX || (s[0] == '0' && len > 1))
		return MCG_EINPUT;
	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return MCG_EINPUT;
		if (__builtin_mul_overflow(v, 10, &v) ||
		    __builtin_add_overflow(v, s[i] - '0', &v))
			return MCG_EINPUT;
	}
	*out = v;
	return MCG_OK;
}

/* One line of text: its start and length, without the newline. */
struct line {
	const char *s;
	size_t len;
};

/* Takes the next line from [*pos, end); the text ends in a newline. */
static struct line next_line(const char **pos, const char *end)
{
	const char *nl = memchr(*pos, '\n', (size_t)(end - *pos));
	struct line l = { *pos, (size_t)(nl - *pos) };

	*pos = nl + 1;
	return l;
}

static int parse_root(struct line l, mcg_hash *root, mcg_error *err)
{
	size_t n;
	int rc;

	rc = mcg_audit_base64_decode(l.s, l.len, root->b, MCG_HASH_SIZE, &n,
				     err);
	if (rc) {
		mcg_error_prefix(err, "checkpoint root hash");
		return rc;
	}
	if (n != MCG_HASH_SIZE)
		return mcg_error_set(err, MCG_EINPUT,
				     "checkpoint root hash is %zu bytes, not %d",
				     n, MCG_HASH_SIZE);
	return MCG_OK;
}

/* Extension lines may follow the root; C2SP only asks them non-empty. */
static int check_extensions(const char *pos, const char *end,
			    mcg_error *err)
{
	while (pos < end) {
		if (next_line(&pos, end).len == 0)
			return mcg_error_set(err, MCG_EINPUT,
					     "checkpoint has an empty line");
	}
	return MCG_OK;
}

int mcg_checkpoint_parse(const char *text, size_t len, mcg_checkpoint *out,
			 mcg_error *err)
{
	const char *pos = text, *end = text + len;
	struct line l[3];  /* origin, size, root */
	mcg_checkpoint cp;
	int rc, i;

	rc = check_text(text, len, err);
	if (rc) {
		mcg_error_prefix(err, "checkpoint");
		return rc;
	}
	for (i = 0; i < 3; i++) {
		if (pos == end)
			return mcg_error_set(err, MCG_EINPUT,
					     "checkpoint has fewer than three lines");
		l[i] = next_line(&pos, end);
	}
	if (l[0].len == 0 || l[0].len > MCG_ORIGIN_MAX)
		return mcg_error_set(err, MCG_EINPUT,
				     "checkpoint origin must be 1 to %d bytes",
				     MCG_ORIGIN_MAX);
	memset(&cp, 0, sizeof(cp));
	memcpy(cp.origin, l[0].s, l[0].len);
	if (parse_size(l[1].s, l[1].len, &cp.size) != MCG_OK)
		return mcg_error_set(err, MCG_EINPUT,
				     "checkpoint tree size \"%.*s\" is not a decimal number without leading zeros",
				     (int)(l[1].len > 32 ? 32 : l[1].len), l[1].s);
	rc = parse_root(l[2], &cp.root, err);
	if (!rc)
		rc = check_extensions(pos, end, err);
	if (rc)
		return rc;
	*out = cp;
	return MCG_OK;
}
