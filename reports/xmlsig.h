/*
 * Enveloped XML-DSig signatures with the xmlsec1 library (OpenSSL backend):
 * ECDSA P-256 with SHA-256, exclusive canonicalization, one Reference with
 * URI="" (the whole document) and the enveloped-signature transform.
 * `xmlsec1 --verify --pubkey-pem KEY FILE` accepts what this signs.
 *
 * The signature carries no KeyInfo: the verifier brings the public key.
 * An outside verifier should run
 *   xmlsec1 --verify --enabled-key-data key-name \
 *           --enabled-reference-uris empty --pubkey-pem KEY FILE
 * because the plain command also trusts a key embedded in the document's
 * KeyInfo (an RSAKeyValue), so a forger's own key would pass there.
 *
 * A signed document must be written out byte for byte as it is (xmlSaveFile,
 * xmlDocDumpFormatMemory with format 0): re-indenting it adds whitespace
 * text to the signed content and breaks the digest.
 *
 * sign and verify call mcg_xmlsig_init themselves.  Nothing here prints:
 * xmlsec's and libxml2's messages go into the mcg_error.  Not thread-safe.
 */
#ifndef MCG_XMLSIG_H
#define MCG_XMLSIG_H

#include <libxml/tree.h>

#include "error.h"

/* Initialises libxml2, xmlsec and its OpenSSL backend once per process.
 * Returns 0 or MCG_ESYS.  mcg_xmlsig_shutdown undoes it (safe to call
 * without init). */
int mcg_xmlsig_init(mcg_error *err);
void mcg_xmlsig_shutdown(void);

/*
 * Signs doc in place: appends a <ds:Signature> as the last child of the
 * root element, signed with the ECDSA P-256 private key in the PEM file
 * key_path.  Returns 0, MCG_EINPUT (key missing or unreadable, not a P-256
 * private key; doc has no root or already holds a signature) or MCG_ESYS.
 * On failure doc is left as it was.
 */
int mcg_xmlsig_sign(xmlDocPtr doc, const char *key_path, mcg_error *err);

/*
 * Verifies doc against the PEM public key at pubkey_path.  Beyond the
 * cryptography it insists on the shape mcg signs: exactly one Signature,
 * the last child of the root element; SignatureMethod ecdsa-sha256;
 * exactly one Reference, with URI="" (so it covers the whole document),
 * transforms enveloped-signature then exc-c14n, digest sha256.  Anything
 * else (a signature moved to wrap other content, a second reference, an
 * ID-based reference) is MCG_EINTEGRITY, as is a wrong signature or digest,
 * with a message saying what did not hold.  The key is never taken from
 * the document's KeyInfo.  A missing or unreadable key file, or one that
 * is not a P-256 key, is MCG_EINPUT; MCG_ESYS is out of memory.
 */
int mcg_xmlsig_verify(xmlDocPtr doc, const char *pubkey_path,
		      mcg_error *err);

#endif
