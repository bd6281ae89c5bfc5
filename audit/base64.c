/*
 * Strict base64 for notes and checkpoints: see base64.h.
 *
 * OpenSSL's EVP_DecodeBlock is lenient in ways a verifier must not be: it
 * skips surrounding whitespace, ignores the padding when it counts the
 * output (it always returns 3 bytes per 4 characters) and accepts nonzero
 * unused bits.  So the text is checked here first, the padding is
 * subtracted by hand, and the result is re-encoded and compared, which
 * leaves exactly one accepted spelling per byte string.
 */
#include "base64.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

static size_t encoded_len(size_t len)
{
	return (len + 2) / 3 * 4;
}

int mcg_audit_base64_encode(const void *data, size_t len, mcg_buf *out)
{
	unsigned char *text;
	int n, rc;

	if (len > MCG_BASE64_BYTES_MAX)
		return MCG_EINPUT;
	text = malloc(encoded_len(len) + 1);
	if (!text)
		return MCG_ESYS;
	n = EVP_EncodeBlock(text, data, (int)len);
	rc = n < 0 ? MCG_ESYS : mcg_buf_append(out, text, (size_t)n);
	free(text);
	return rc;
}

static int is_b64_char(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	       (c >= '0' && c <= '9') || c == '+' || c == '/';
}

/* Checks the shape of the text and returns the number of '=' at its end
 * (0..2), or -1 with err set. */
static int check_shape(const char *text, size_t len, mcg_error *err)
{
	size_t pad = 0, i;

	if (len % 4 != 0) {
		mcg_error_set(err, MCG_EINPUT,
			      "malformed base64: length %zu is not a multiple of 4",
			      len);
		return -1;
	}
	while (pad < 2 && pad < len && text[len - 1 - pad] == '=')
		pad++;
	for (i = 0; i < len - pad; i++) {
		if (!is_b64_char(text[i])) {
			mcg_error_set(err, MCG_EINPUT,
				      "malformed base64: bad character at offset %zu",
				      i);
			return -1;
		}
	}
	return (int)pad;
}

/* Re-encodes the decoded bytes and compares: this rejects nonzero unused
 * bits, the one non-canonical form the shape check lets through. */
static int check_canonical(const unsigned char *bytes, size_t n,
			   const char *text, size_t len, mcg_error *err)
{
	mcg_buf again = MCG_BUF_INIT;
	int rc = mcg_audit_base64_encode(bytes, n, &again);

	if (rc) {
		mcg_buf_free(&again);
		return mcg_error_set(err, rc, "base64: cannot re-encode");
	}
	if (again.len != len || memcmp(again.data, text, len) != 0)
		rc = mcg_error_set(err, MCG_EINPUT,
				   "malformed base64: not in canonical form");
	mcg_buf_free(&again);
	return rc;
}

int mcg_audit_base64_decode(const char *text, size_t len, uint8_t *out,
			    size_t cap, size_t *outlen, mcg_error *err)
{
	unsigned char *tmp;
	size_t n;
	int pad, got, rc;

	*outlen = 0;
	if (len > encoded_len(MCG_BASE64_BYTES_MAX))
		return mcg_error_set(err, MCG_EINPUT, "base64 text too long");
	pad = check_shape(text, len, err);
	if (pad < 0)
		return MCG_EINPUT;
	n = len / 4 * 3 - (size_t)pad;
	if (n > cap)
		return mcg_error_set(err, MCG_EINPUT,
				     "base64 decodes to %zu bytes, more than %zu",
				     n, cap);
	if (len == 0)
		return MCG_OK;
	tmp = malloc(len / 4 * 3);
	if (!tmp)
		return mcg_error_set(err, MCG_ESYS, "out of memory");
	got = EVP_DecodeBlock(tmp, (const unsigned char *)text, (int)len);
	if (got < 0 || (size_t)got != len / 4 * 3) {
		rc = mcg_error_set(err, MCG_EINPUT, "malformed base64");
		goto out_free;
	}
	rc = check_canonical(tmp, n, text, len, err);
	if (rc)
		goto out_free;
	memcpy(out, tmp, n);
	*outlen = n;
out_free:
	OPENSSL_cleanse(tmp, len / 4 * 3);
	free(tmp);
	return rc;
}
