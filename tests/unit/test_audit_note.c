/*
 * Unit tests for audit/note.c and audit/base64.c: C2SP signed notes and
 * checkpoints.
 *
 * Interoperability comes from golang.org/x/mod, whose sumdb/note package
 * is the reference implementation of C2SP signed-note:
 *   - note_test.go: the "PeterNeumann" signer and verifier keys, the exact
 *     signed note Go produces for its two-line text (Ed25519 signatures
 *     are deterministic, so ours must match byte for byte), the
 *     "EnochRoot" key and its signature, and the malformed notes Go
 *     refuses;
 *   - sumdb/tlog/note_test.go: the checkpoint body Go formats for size
 *     123456789012 and the record hash of "hello world", and the bodies it
 *     refuses.
 * Base64 vectors are those of RFC 4648 section 10.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include <openssl/evp.h>

#include "audit/base64.h"
#include "audit/note.h"

#define PETER_SKEY_B64 "AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"
#define PETER_VKEY "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
#define ENOCH_VKEY "EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop"
#define NOTE_TEXT \
	"If you think cryptography is the answer to your problem,\n" \
	"then you don't know what your problem is.\n"
#define PETER_SIG \
	"\xe2\x80\x94 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n"
#define ENOCH_SIG \
	"\xe2\x80\x94 EnochRoot rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox33WWd1RvMc+QQ=\n"

/* ---- keys from the Go vectors ---------------------------------------- */

static EVP_PKEY *peter_private(void)
{
	uint8_t raw[64];
	size_t n;
	mcg_error err;
	EVP_PKEY *key;

	cr_assert_eq(mcg_audit_base64_decode(PETER_SKEY_B64,
					     strlen(PETER_SKEY_B64), raw,
					     sizeof(raw), &n, &err), 0);
	cr_assert_eq(n, 33);
	cr_assert_eq(raw[0], 0x01, "Ed25519 algorithm byte");
	key = EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, NULL, raw + 1, 32);
	cr_assert_not_null(key);
	return key;
}

/* The public key inside a verifier key "name+hash+base64(0x01||key)". */
static EVP_PKEY *public_from_vkey(const char *vkey)
{
	const char *b64 = strrchr(vkey, '+') + 1;
	uint8_t raw[64];
	size_t n;
	mcg_error err;
	EVP_PKEY *key;

	cr_assert_eq(mcg_audit_base64_decode(b64, strlen(b64), raw, sizeof(raw),
					     &n, &err), 0);
	cr_assert_eq(n, 33);
	cr_assert_eq(raw[0], 0x01);
	key = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL, raw + 1, 32);
	cr_assert_not_null(key);
	return key;
}

static int verify_str(const char *note, const char *name, EVP_PKEY *key,
		      mcg_buf *text)
{
	mcg_error err;

	return mcg_note_verify(note, strlen(note), name, key, text, &err);
}

/* ---- base64 ---------------------------------------------------------- */

Test(audit_base64, rfc4648_vectors)
{
	static const char *const plain[] = { "", "f", "fo", "foo", "foob",
					     "fooba", "foobar" };
	static const char *const enc[] = { "", "Zg==", "Zm8=", "Zm9v",
					   "Zm9vYg==", "Zm9vYmE=", "Zm9vYmFy" };
	uint8_t out[16];
	size_t i, n;
	mcg_error err;

	for (i = 0; i < 7; i++) {
		mcg_buf b = MCG_BUF_INIT;

		cr_assert_eq(mcg_audit_base64_encode(plain[i], strlen(plain[i]),
						     &b), 0);
		cr_assert_str_eq(mcg_buf_str(&b), enc[i]);
		mcg_buf_free(&b);
		cr_assert_eq(mcg_audit_base64_decode(enc[i], strlen(enc[i]), out,
						     sizeof(out), &n, &err), 0,
			     "%s: %s", enc[i], err.msg);
		cr_assert_eq(n, strlen(plain[i]));
		cr_assert(memcmp(out, plain[i], n) == 0);
	}
}

Test(audit_base64, strict_refusals)
{
	static const char *const bad[] = {
		"Zg=",          /* length not a multiple of 4 */
		"Zg",           /* padding missing */
		"Zh==",         /* unused bits set: not canonical */
		"Zm9=",         /* unused bits set */
		"Z===",         /* three pad characters */
		"====",
		"Zm=v",         /* padding inside */
		"Zm9vYg==Zg==", /* padding in the middle */
		" Zm9v",        /* whitespace EVP_DecodeBlock would skip */
		"Zm9v\n",
		"Zm9v ",
		"Zm9-",         /* URL alphabet is not the standard one */
		"Zm9_",
	};
	uint8_t out[16];
	size_t i, n;
	mcg_error err;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		cr_assert_eq(mcg_audit_base64_decode(bad[i], strlen(bad[i]), out,
						     sizeof(out), &n, &err),
			     MCG_EINPUT, "accepted \"%s\"", bad[i]);
	/* Six bytes do not fit in five. */
	cr_assert_eq(mcg_audit_base64_decode("Zm9vYmFy", 8, out, 5, &n, &err),
		     MCG_EINPUT);
	/* The padding is not counted as data: "Zg==" fits in one byte. */
	cr_assert_eq(mcg_audit_base64_decode("Zg==", 4, out, 1, &n, &err), 0);
	cr_assert_eq(n, 1);
	cr_assert_eq(out[0], 'f');
}

/* ---- verifier keys and signing: byte-exact against Go ---------------- */

Test(audit_note, verifier_key_matches_go)
{
	EVP_PKEY *priv = peter_private();
	EVP_PKEY *pub = public_from_vkey(PETER_VKEY);
	mcg_buf vk = MCG_BUF_INIT;
	mcg_error err;

	cr_assert_eq(mcg_note_verifier_key("PeterNeumann", priv, &vk, &err), 0,
		     "%s", err.msg);
	cr_assert_str_eq(mcg_buf_str(&vk), PETER_VKEY);
	mcg_buf_reset(&vk);
	cr_assert_eq(mcg_note_verifier_key("PeterNeumann", pub, &vk, &err), 0);
	cr_assert_str_eq(mcg_buf_str(&vk), PETER_VKEY);
	mcg_buf_free(&vk);
	EVP_PKEY_free(priv);
	EVP_PKEY_free(pub);
}

Test(audit_note, verifier_key_of_enoch_matches_go)
{
	EVP_PKEY *pub = public_from_vkey(ENOCH_VKEY);
	mcg_buf vk = MCG_BUF_INIT;
	mcg_error err;

	/* The key hash is recomputed from name and key, so this checks it. */
	cr_assert_eq(mcg_note_verifier_key("EnochRoot", pub, &vk, &err), 0);
	cr_assert_str_eq(mcg_buf_str(&vk), ENOCH_VKEY);
	mcg_buf_free(&vk);
	EVP_PKEY_free(pub);
}

Test(audit_note, verifier_key_format)
{
	EVP_PKEY *key = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
	mcg_buf vk = MCG_BUF_INIT;
	const char *s, *plus1, *plus2;
	uint8_t raw[64], pub[32];
	size_t n, i, publen = sizeof(pub);
	mcg_error err;

	cr_assert_not_null(key);
	cr_assert_eq(mcg_note_verifier_key("example.com/log", key, &vk, &err), 0);
	s = mcg_buf_str(&vk);
	plus1 = strchr(s, '+');
	cr_assert_not_null(plus1);
	cr_assert_eq(plus1 - s, 15);
	cr_assert(strncmp(s, "example.com/log+", 16) == 0);
	plus2 = strchr(plus1 + 1, '+');
	cr_assert_not_null(plus2);
	cr_assert_eq(plus2 - plus1 - 1, 8, "8 hex digits of key hash");
	for (i = 1; i <= 8; i++)
		cr_assert(strchr("0123456789abcdef", plus1[i]) != NULL);
	cr_assert_eq(strlen(plus2 + 1), 44);
	cr_assert_eq(mcg_audit_base64_decode(plus2 + 1, 44, raw, sizeof(raw), &n,
					     &err), 0);
	cr_assert_eq(n, 33);
	cr_assert_eq(raw[0], 0x01);
	cr_assert_eq(EVP_PKEY_get_raw_public_key(key, pub, &publen), 1);
	cr_assert(memcmp(raw + 1, pub, 32) == 0);
	mcg_buf_free(&vk);
	EVP_PKEY_free(key);
}

Test(audit_note, verifier_key_refusals)
{
	EVP_PKEY *ed = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
	EVP_PKEY *ec = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	mcg_buf vk = MCG_BUF_INIT;
	char longname[MCG_NOTE_NAME_MAX + 2];
	mcg_error err;

	memset(longname, 'a', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	cr_assert_eq(mcg_note_verifier_key("", ed, &vk, &err), MCG_EINPUT);
	cr_assert_eq(mcg_note_verifier_key("a b", ed, &vk, &err), MCG_EINPUT);
	cr_assert_eq(mcg_note_verifier_key("a+b", ed, &vk, &err), MCG_EINPUT);
	cr_assert_eq(mcg_note_verifier_key("a\tb", ed, &vk, &err), MCG_EINPUT);
	/* U+00A0 NO-BREAK SPACE and U+3000 are spaces too. */
	cr_assert_eq(mcg_note_verifier_key("a\xc2\xa0" "b", ed, &vk, &err),
		     MCG_EINPUT);
	cr_assert_eq(mcg_note_verifier_key("a\xe3\x80\x80" "b", ed, &vk, &err),
		     MCG_EINPUT);
	cr_assert_eq(mcg_note_verifier_key("a\xff", ed, &vk, &err), MCG_EINPUT);
	cr_assert_eq(mcg_note_verifier_key(longname, ed, &vk, &err), MCG_EINPUT);
	cr_assert_eq(mcg_note_verifier_key("ok", ec, &vk, &err), MCG_EINPUT);
	cr_assert_eq(vk.len, 0, "nothing appended on failure");
	/* Non-ASCII names are fine when they hold no space. */
	cr_assert_eq(mcg_note_verifier_key("caf\xc3\xa9", ed, &vk, &err), 0);
	mcg_buf_free(&vk);
	EVP_PKEY_free(ed);
	EVP_PKEY_free(ec);
}

Test(audit_note, sign_matches_go_byte_for_byte)
{
	EVP_PKEY *priv = peter_private();
	mcg_buf out = MCG_BUF_INIT;
	mcg_error err;

	cr_assert_eq(mcg_note_sign(NOTE_TEXT, strlen(NOTE_TEXT), "PeterNeumann",
				   priv, &out, &err), 0, "%s", err.msg);
	cr_assert_str_eq(mcg_buf_str(&out), NOTE_TEXT "\n" PETER_SIG);
	mcg_buf_free(&out);
	EVP_PKEY_free(priv);
}

Test(audit_note, sign_appends)
{
	EVP_PKEY *priv = peter_private();
	mcg_buf out = MCG_BUF_INIT;
	mcg_error err;

	mcg_buf_puts(&out, "before:");
	cr_assert_eq(mcg_note_sign(NOTE_TEXT, strlen(NOTE_TEXT), "PeterNeumann",
				   priv, &out, &err), 0);
	cr_assert_str_eq(mcg_buf_str(&out), "before:" NOTE_TEXT "\n" PETER_SIG);
	mcg_buf_free(&out);
	EVP_PKEY_free(priv);
}

Test(audit_note, sign_refusals)
{
	EVP_PKEY *priv = peter_private();
	EVP_PKEY *pub = public_from_vkey(PETER_VKEY);
	EVP_PKEY *ec = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	mcg_buf out = MCG_BUF_INIT;
	static char big[MCG_NOTE_BYTES_MAX];
	mcg_error err;

	cr_assert_eq(mcg_note_sign("abc", 3, "PeterNeumann", priv, &out, &err),
		     MCG_EINPUT, "text without final newline");
	cr_assert_eq(mcg_note_sign("", 0, "PeterNeumann", priv, &out, &err),
		     MCG_EINPUT, "empty text");
	cr_assert_eq(mcg_note_sign("a\x01" "b\n", 4, "PeterNeumann", priv, &out,
				   &err), MCG_EINPUT, "control character");
	cr_assert_eq(mcg_note_sign("a\rb\n", 4, "PeterNeumann", priv, &out,
				   &err), MCG_EINPUT, "carriage return");
	cr_assert_eq(mcg_note_sign("\xff\n", 2, "PeterNeumann", priv, &out,
				   &err), MCG_EINPUT, "invalid UTF-8");
	cr_assert_eq(mcg_note_sign("a\0b\n", 4, "PeterNeumann", priv, &out,
				   &err), MCG_EINPUT, "NUL byte");
	cr_assert_eq(mcg_note_sign("a\n", 2, "bad name", priv, &out, &err),
		     MCG_EINPUT);
	cr_assert_eq(mcg_note_sign("a\n", 2, "bad+name", priv, &out, &err),
		     MCG_EINPUT);
	cr_assert_eq(mcg_note_sign("a\n", 2, "ok", ec, &out, &err), MCG_EINPUT,
		     "ECDSA key");
	cr_assert_neq(mcg_note_sign("a\n", 2, "ok", pub, &out, &err), 0,
		      "public key only");
	memset(big, 'x', sizeof(big));
	big[sizeof(big) - 1] = '\n';
	cr_assert_eq(mcg_note_sign(big, sizeof(big), "ok", priv, &out, &err),
		     MCG_EINPUT, "note over the size limit");
	cr_assert_eq(out.len, 0, "nothing appended on failure");
	mcg_buf_free(&out);
	EVP_PKEY_free(priv);
	EVP_PKEY_free(pub);
	EVP_PKEY_free(ec);
}

/* ---- verifying notes that Go signed ---------------------------------- */

Test(audit_note, verify_go_note_with_peter)
{
	EVP_PKEY *pub = public_from_vkey(PETER_VKEY);
	mcg_buf text = MCG_BUF_INIT;
	mcg_error err;
	const char *note = NOTE_TEXT "\n" PETER_SIG ENOCH_SIG;

	mcg_buf_puts(&text, "old contents");
	cr_assert_eq(mcg_note_verify(note, strlen(note), "PeterNeumann", pub,
				     &text, &err), 0, "%s", err.msg);
	cr_assert_str_eq(mcg_buf_str(&text), NOTE_TEXT);
	mcg_buf_free(&text);
	EVP_PKEY_free(pub);
}

Test(audit_note, verify_go_note_with_enoch)
{
	EVP_PKEY *pub = public_from_vkey(ENOCH_VKEY);
	mcg_buf text = MCG_BUF_INIT;

	/* A signature we did not produce: only Go's code made it. */
	cr_assert_eq(verify_str(NOTE_TEXT "\n" PETER_SIG ENOCH_SIG, "EnochRoot",
				pub, &text), 0);
	cr_assert_str_eq(mcg_buf_str(&text), NOTE_TEXT);
	cr_assert_eq(verify_str(NOTE_TEXT "\n" ENOCH_SIG, "EnochRoot", pub,
				&text), 0);
	mcg_buf_free(&text);
	EVP_PKEY_free(pub);
}

Test(audit_note, unknown_signers_ignored_but_one_valid_needed)
{
	EVP_PKEY *peter = public_from_vkey(PETER_VKEY);
	EVP_PKEY *enoch = public_from_vkey(ENOCH_VKEY);
	mcg_buf text = MCG_BUF_INIT;

	/* Only Enoch signed: Peter's key finds nothing. */
	cr_assert_eq(verify_str(NOTE_TEXT "\n" ENOCH_SIG, "PeterNeumann", peter,
				&text), MCG_EINTEGRITY);
	/* Peter's key under Enoch's name: the key hash does not match, so
	 * Enoch's line counts as another key's and is ignored. */
	cr_assert_eq(verify_str(NOTE_TEXT "\n" ENOCH_SIG, "EnochRoot", peter,
				&text), MCG_EINTEGRITY);
	cr_assert_eq(text.len, 0, "no text on failure");
	/* Repeated lines of known and unknown keys are fine. */
	cr_assert_eq(verify_str(NOTE_TEXT "\n" PETER_SIG PETER_SIG ENOCH_SIG
					  ENOCH_SIG,
				"PeterNeumann", peter, &text), 0);
	mcg_buf_free(&text);
	EVP_PKEY_free(peter);
	EVP_PKEY_free(enoch);
}

/* Inserts "ABCD" at offset 60 of a signature line, as Go's test does:
 * still well-formed base64, but no longer a valid signature. */
static void corrupt_sig(const char *sig, char *out, size_t outsz)
{
	snprintf(out, outsz, "%.60s%s%s", sig, "ABCD", sig + 60);
}

Test(audit_note, invalid_signature_by_known_key_rejects_note)
{
	EVP_PKEY *peter = public_from_vkey(PETER_VKEY);
	EVP_PKEY *enoch = public_from_vkey(ENOCH_VKEY);
	mcg_buf text = MCG_BUF_INIT;
	char bad_peter[256], bad_enoch[256], note[1024];

	corrupt_sig(PETER_SIG, bad_peter, sizeof(bad_peter));
	corrupt_sig(ENOCH_SIG, bad_enoch, sizeof(bad_enoch));
	snprintf(note, sizeof(note), "%s\n%s", NOTE_TEXT, bad_peter);
	cr_assert_eq(verify_str(note, "PeterNeumann", peter, &text),
		     MCG_EINTEGRITY);
	/* A bad signature by someone else does not matter to Peter... */
	snprintf(note, sizeof(note), "%s\n%s%s%s", NOTE_TEXT, PETER_SIG,
		 ENOCH_SIG, bad_enoch);
	cr_assert_eq(verify_str(note, "PeterNeumann", peter, &text), 0);
	/* ...but to Enoch it rejects the note, good line or not. */
	cr_assert_eq(verify_str(note, "EnochRoot", enoch, &text),
		     MCG_EINTEGRITY);
	mcg_buf_free(&text);
	EVP_PKEY_free(peter);
	EVP_PKEY_free(enoch);
}

Test(audit_note, malformed_notes_from_go_tests)
{
	EVP_PKEY *peter = public_from_vkey(PETER_VKEY);
	mcg_buf text = MCG_BUF_INIT;
	char many[200 * 128], *p = many;
	const char *bad[] = {
		NOTE_TEXT,
		NOTE_TEXT "\n",
		NOTE_TEXT "\n" "\xe2\x80\x94 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=",
		"\x01" NOTE_TEXT "\n" PETER_SIG,
		"\xff" NOTE_TEXT "\n" PETER_SIG,
		NOTE_TEXT "\n" "\xe2\x80\x94 Bad Name x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=",
		NOTE_TEXT "\n" PETER_SIG "Unexpected line.\n",
		/* and a few of our own */
		NOTE_TEXT "\n" "- PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n",
		NOTE_TEXT "\n" "\xe2\x80\x94 PeterNeumann\n",
		NOTE_TEXT "\n" "\xe2\x80\x94 PeterNeumann \n",
		NOTE_TEXT "\n" "\xe2\x80\x94 PeterNeumann x08g\n",
		NOTE_TEXT "\n" "\xe2\x80\x94 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM\n",
		NOTE_TEXT "\n" "\xe2\x80\x94 PeterNeumann  x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n",
		NOTE_TEXT "\n" "\xe2\x80\x94 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM= \n",
		NOTE_TEXT "\n" "\xe2\x80\x94 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\r\n",
		"",
		"\n\n",
	};
	size_t i;
	int k;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		cr_assert_eq(verify_str(bad[i], "PeterNeumann", peter, &text),
			     MCG_EINPUT, "accepted bad note %zu", i);
	/* More than MCG_NOTE_SIGS_MAX signature lines. */
	p += snprintf(p, sizeof(many), "%s\n", NOTE_TEXT);
	for (k = 0; k <= MCG_NOTE_SIGS_MAX; k++)
		p += snprintf(p, sizeof(many) - (size_t)(p - many), "%s",
			      PETER_SIG);
	cr_assert_eq(verify_str(many, "PeterNeumann", peter, &text), MCG_EINPUT);
	mcg_buf_free(&text);
	EVP_PKEY_free(peter);
}

Test(audit_note, wrong_name_or_key_hash)
{
	EVP_PKEY *peter = public_from_vkey(PETER_VKEY);
	mcg_buf text = MCG_BUF_INIT;

	/* Go's misnamed and wrong-hash signatures. */
	cr_assert_eq(verify_str(NOTE_TEXT "\n" "\xe2\x80\x94 CarmenSandiego x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n",
				"PeterNeumann", peter, &text),
		     MCG_EINTEGRITY);
	cr_assert_eq(verify_str(NOTE_TEXT "\n" "\xe2\x80\x94 PeterNeumann xxxxo/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n",
				"PeterNeumann", peter, &text),
		     MCG_EINTEGRITY);
	/* Verifying under another name than the one signed. */
	cr_assert_eq(verify_str(NOTE_TEXT "\n" PETER_SIG, "Peter", peter, &text),
		     MCG_EINTEGRITY);
	cr_assert_eq(verify_str(NOTE_TEXT "\n" PETER_SIG, "bad name", peter,
				&text), MCG_EINPUT);
	mcg_buf_free(&text);
	EVP_PKEY_free(peter);
}

Test(audit_note, every_single_byte_change_is_refused)
{
	EVP_PKEY *peter = public_from_vkey(PETER_VKEY);
	mcg_buf text = MCG_BUF_INIT;
	char note[] = NOTE_TEXT "\n" PETER_SIG;
	size_t i, len = strlen(note);
	mcg_error err;
	int bit;

	cr_assert_eq(mcg_note_verify(note, len, "PeterNeumann", peter, &text,
				     &err), 0);
	for (i = 0; i < len; i++) {
		for (bit = 0; bit < 8; bit++) {
			note[i] = (char)(note[i] ^ (1 << bit));
			cr_assert_neq(mcg_note_verify(note, len, "PeterNeumann",
						      peter, &text, &err),
				      0, "byte %zu bit %d", i, bit);
			note[i] = (char)(note[i] ^ (1 << bit));
		}
	}
	/* Cutting the note short anywhere fails too. */
	for (i = 0; i < len; i++)
		cr_assert_neq(mcg_note_verify(note, i, "PeterNeumann", peter,
					      &text, &err), 0, "length %zu", i);
	mcg_buf_free(&text);
	EVP_PKEY_free(peter);
}

Test(audit_note, sign_verify_round_trip)
{
	EVP_PKEY *key = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
	EVP_PKEY *other = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
	mcg_buf note = MCG_BUF_INIT, text = MCG_BUF_INIT;
	const char *body = "example.com/ledger\n42\n\nan empty line above is text\n";
	mcg_error err;

	cr_assert_eq(mcg_note_sign(body, strlen(body), "example.com/ledger", key,
				   &note, &err), 0, "%s", err.msg);
	cr_assert_eq(mcg_note_verify(note.data, note.len, "example.com/ledger",
				     key, &text, &err), 0, "%s", err.msg);
	cr_assert_str_eq(mcg_buf_str(&text), body,
			 "text split at the last blank line");
	cr_assert_eq(mcg_note_verify(note.data, note.len, "example.com/ledger",
				     other, &text, &err), MCG_EINTEGRITY);
	/* Co-signing: a second signature appended still verifies for both. */
	{
		mcg_buf second = MCG_BUF_INIT;
		const char *sigs;

		cr_assert_eq(mcg_note_sign(body, strlen(body), "witness", other,
					   &second, &err), 0);
		sigs = strstr(second.data, "\n\n\xe2\x80\x94") + 2;
		mcg_buf_puts(&note, sigs);
		cr_assert_eq(mcg_note_verify(note.data, note.len,
					     "example.com/ledger", key, &text,
					     &err), 0);
		cr_assert_eq(mcg_note_verify(note.data, note.len, "witness",
					     other, &text, &err), 0);
		mcg_buf_free(&second);
	}
	mcg_buf_free(&note);
	mcg_buf_free(&text);
	EVP_PKEY_free(key);
	EVP_PKEY_free(other);
}

Test(audit_note, verify_refuses_oversized_and_wrong_keys)
{
	EVP_PKEY *peter = public_from_vkey(PETER_VKEY);
	EVP_PKEY *ec = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	mcg_buf text = MCG_BUF_INIT;
	static char big[MCG_NOTE_BYTES_MAX + 1];
	mcg_error err;

	memset(big, 'x', sizeof(big));
	cr_assert_eq(mcg_note_verify(big, sizeof(big), "PeterNeumann", peter,
				     &text, &err), MCG_EINPUT);
	cr_assert_eq(verify_str(NOTE_TEXT "\n" PETER_SIG, "PeterNeumann", ec,
				&text), MCG_EINPUT);
	mcg_buf_free(&text);
	EVP_PKEY_free(peter);
	EVP_PKEY_free(ec);
}

/* ---- checkpoints ----------------------------------------------------- */

/* golang.org/x/mod sumdb/tlog/note_test.go TestFormatTree. */
#define GO_TREE "go.sum database tree\n123456789012\nTszzRgjTG6xce+z2AG31kAXYKBgQVtCSCE40HmuwBb0=\n"

static int parse_str(const char *s, mcg_checkpoint *cp)
{
	mcg_error err;

	return mcg_checkpoint_parse(s, strlen(s), cp, &err);
}

Test(audit_checkpoint, format_matches_go)
{
	mcg_checkpoint cp;
	mcg_buf out = MCG_BUF_INIT;

	memset(&cp, 0, sizeof(cp));
	mcg_strlcpy(cp.origin, "go.sum database tree", sizeof(cp.origin));
	cp.size = 123456789012;
	mcg_merkle_leaf_hash("hello world", 11, &cp.root);
	cr_assert_eq(mcg_checkpoint_format(&cp, &out), 0);
	cr_assert_str_eq(mcg_buf_str(&out), GO_TREE);
	mcg_buf_free(&out);
}

Test(audit_checkpoint, parse_go_tree)
{
	mcg_checkpoint cp;
	mcg_hash want;

	mcg_merkle_leaf_hash("hello world", 11, &want);
	cr_assert_eq(parse_str(GO_TREE, &cp), 0);
	cr_assert_str_eq(cp.origin, "go.sum database tree");
	cr_assert_eq(cp.size, 123456789012);
	cr_assert(memcmp(cp.root.b, want.b, MCG_HASH_SIZE) == 0);
	/* Extension lines are allowed and ignored. */
	cr_assert_eq(parse_str(GO_TREE "JOE\n", &cp), 0);
	cr_assert_eq(parse_str(GO_TREE "JOE\nextension two\n", &cp), 0);
	cr_assert_eq(cp.size, 123456789012);
}

Test(audit_checkpoint, parse_refusals)
{
	mcg_checkpoint cp;
	char origin[MCG_ORIGIN_MAX + 64];
	static const char *const bad[] = {
		/* from Go's TestParseTree */
		"go.sum database tree\n0xabcdef\nTszzRgjTG6xce+z2AG31kAXYKBgQVtCSCE40HmuwBb0=\n",
		"go.sum database tree\n123456789012\nTszzRgjTG6xce+z2AG31kAXYKBgQVtCSCE40HmuwBTOOBIG=\n",
		/* C2SP: junk must be whole non-empty lines */
		GO_TREE "JOE",
		GO_TREE "\n",
		/* sizes */
		"o\n0123\nTszzRgjTG6xce+z2AG31kAXYKBgQVtCSCE40HmuwBb0=\n",
		"o\n00\nTszzRgjTG6xce+z2AG31kAXYKBgQVtCSCE40HmuwBb0=\n",
		"o\n-1\nTszzRgjTG6xce+z2AG31kAXYKBgQVtCSCE40HmuwBb0=\n",
		"o\n+1\nTszzRgjTG6xce+z2AG31kAXYKBgQVtCSCE40HmuwBb0=\n",
		"o\n 1\nTszzRgjTG6xce+z2AG31kAXYKBgQVtCSCE40HmuwBb0=\n",
		"o\n1 \nTszzRgjTG6xce+z2AG31kAXYKBgQVtCSCE40HmuwBb0=\n",
		"o\n\nTszzRgjTG6xce+z2AG31kAXYKBgQVtCSCE40HmuwBb0=\n",
		"o\n9223372036854775808\nTszzRgjTG6xce+z2AG31kAXYKBgQVtCSCE40HmuwBb0=\n",
		"o\n99999999999999999999\nTszzRgjTG6xce+z2AG31kAXYKBgQVtCSCE40HmuwBb0=\n",
		/* roots */
		"o\n1\nTszzRgjTG6xce+z2AG31kAXYKBgQVtCSCE40HmuwBb0\n",
		"o\n1\nTszzRgjTG6xce+z2AG31kAXYKBgQVtCSCE40HmuwBb1=\n",
		"o\n1\nTszzRgjTG6xce+z2AG31kAXYKBgQVtCSCE40HmuwB===\n",
		"o\n1\nTszzRgjTG6xce+z2AG31kAXYKBgQVtCSCE40Hmuw\n",
		"o\n1\nTszzRgjTG6xce+z2AG31kAXYKBgQVtCSCE40HmuwBb0= \n",
		"o\n1\n\n",
		/* shape */
		"",
		"o\n1\n",
		"o\n1\nTszzRgjTG6xce+z2AG31kAXYKBgQVtCSCE40HmuwBb0=",
		"\n1\nTszzRgjTG6xce+z2AG31kAXYKBgQVtCSCE40HmuwBb0=\n",
		"o\x01\n1\nTszzRgjTG6xce+z2AG31kAXYKBgQVtCSCE40HmuwBb0=\n",
		"o\xc3\n1\nTszzRgjTG6xce+z2AG31kAXYKBgQVtCSCE40HmuwBb0=\n",
	};
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		cr_assert_eq(parse_str(bad[i], &cp), MCG_EINPUT,
			     "accepted bad checkpoint %zu", i);
	/* The origin limit. */
	memset(origin, 'o', sizeof(origin));
	snprintf(origin + MCG_ORIGIN_MAX, sizeof(origin) - MCG_ORIGIN_MAX,
		 "\n0\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n");
	cr_assert_eq(parse_str(origin, &cp), 0);
	cr_assert_eq(strlen(cp.origin), MCG_ORIGIN_MAX);
	cr_assert_eq(cp.size, 0);
	memset(origin, 'o', sizeof(origin));
	snprintf(origin + MCG_ORIGIN_MAX + 1, sizeof(origin) - MCG_ORIGIN_MAX - 1,
		 "\n0\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n");
	cr_assert_eq(parse_str(origin, &cp), MCG_EINPUT);
}

Test(audit_checkpoint, size_limits)
{
	mcg_checkpoint cp;

	cr_assert_eq(parse_str("o\n0\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n",
			       &cp), 0);
	cr_assert_eq(cp.size, 0);
	cr_assert_eq(parse_str("o\n9223372036854775807\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n",
			       &cp), 0);
	cr_assert_eq(cp.size, INT64_MAX);
}

Test(audit_checkpoint, format_refusals)
{
	mcg_checkpoint cp;
	mcg_buf out = MCG_BUF_INIT;

	memset(&cp, 0, sizeof(cp));
	cr_assert_eq(mcg_checkpoint_format(&cp, &out), MCG_EINPUT, "no origin");
	mcg_strlcpy(cp.origin, "two\nlines", sizeof(cp.origin));
	cr_assert_eq(mcg_checkpoint_format(&cp, &out), MCG_EINPUT);
	mcg_strlcpy(cp.origin, "o", sizeof(cp.origin));
	cp.size = -1;
	cr_assert_eq(mcg_checkpoint_format(&cp, &out), MCG_EINPUT);
	memset(cp.origin, 'o', sizeof(cp.origin));
	cp.size = 1;
	cr_assert_eq(mcg_checkpoint_format(&cp, &out), MCG_EINPUT,
		     "origin without terminator");
	cr_assert_eq(out.len, 0);
	mcg_buf_free(&out);
}

Test(audit_checkpoint, signed_round_trip)
{
	EVP_PKEY *key = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
	mcg_checkpoint cp, back;
	mcg_buf body = MCG_BUF_INIT, note = MCG_BUF_INIT, text = MCG_BUF_INIT;
	mcg_error err;

	memset(&cp, 0, sizeof(cp));
	mcg_strlcpy(cp.origin, "mcg.example/consortium", sizeof(cp.origin));
	cp.size = 7;
	mcg_merkle_leaf_hash("x", 1, &cp.root);
	cr_assert_eq(mcg_checkpoint_format(&cp, &body), 0);
	cr_assert_eq(mcg_note_sign(body.data, body.len, cp.origin, key, &note,
				   &err), 0, "%s", err.msg);
	cr_assert_eq(mcg_note_verify(note.data, note.len, cp.origin, key, &text,
				     &err), 0, "%s", err.msg);
	cr_assert_eq(mcg_checkpoint_parse(text.data, text.len, &back, &err), 0,
		     "%s", err.msg);
	cr_assert_str_eq(back.origin, cp.origin);
	cr_assert_eq(back.size, 7);
	cr_assert(memcmp(back.root.b, cp.root.b, MCG_HASH_SIZE) == 0);
	mcg_buf_free(&body);
	mcg_buf_free(&note);
	mcg_buf_free(&text);
	EVP_PKEY_free(key);
}
