/*
 * Strict standard base64 (RFC 4648 section 4, with padding) for the signed
 * notes and checkpoints.  The encoding goes through OpenSSL's
 * EVP_EncodeBlock; decoding accepts only the canonical encoding of some
 * bytes (length a multiple of 4, padding only at the end, unused bits
 * zero, no whitespace), so that one value has exactly one spelling and a
 * note cannot be altered without the change showing.
 */
#ifndef MCG_AUDIT_BASE64_H
#define MCG_AUDIT_BASE64_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "error.h"

/* The most bytes one call encodes or decodes: far more than any key,
 * hash or signature, and small enough for OpenSSL's int lengths. */
#define MCG_BASE64_BYTES_MAX 65536

/* Appends the base64 of data to out.  Returns 0, MCG_EINPUT (more than
 * MCG_BASE64_BYTES_MAX bytes, or out's limit) or MCG_ESYS. */
int mcg_audit_base64_encode(const void *data, size_t len, mcg_buf *out);

/*
 * Decodes the len characters at text into out (room for cap bytes) and
 * stores the decoded length in *outlen.  MCG_EINPUT, saying why, when the
 * text is not canonical base64 or does not fit in cap bytes.
 */
int mcg_audit_base64_decode(const char *text, size_t len, uint8_t *out,
			    size_t cap, size_t *outlen, mcg_error *err);

#endif
