/*
 * Enveloped XML-DSig signatures with the xmlsec1 library (OpenSSL backend):
 * ECDSA P-256 with SHA-256, exclusive canonicalization, one Reference with
 * URI="" (the whole document) and the enveloped-signature transform.
 * `xmlsec1 --verify --pubkey-pem KEY FILE` accepts what this signs.
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
 * key_path.  Returns 0, MCG_EINPUT (key unreadable) or MCG_ESYS.
 */
int mcg_xmlsig_sign(xmlDocPtr doc, const char *key_path, mcg_error *err);

/*
 * Verifies doc against the PEM public key at pubkey_path.  Beyond the
 * cryptography it insists on the shape mcg signs: exactly one Signature,
 * the last child of the root element; SignatureMethod ecdsa-sha256;
 * exactly one Reference, with URI="" (so it covers the whole document),
 * transforms enveloped-signature then exc-c14n, digest sha256.  Anything
 * else (a signature moved to wrap other content, a second reference, an
 * ID-based reference) is MCG_EINTEGRITY, as is a wrong signature or digest.
 */
int mcg_xmlsig_verify(xmlDocPtr doc, const char *pubkey_path,
		      mcg_error *err);

#endif
