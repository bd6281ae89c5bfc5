/*
 * Enveloped XML-DSig signatures for statements and reports: see xmlsig.h.
 *
 * Signing builds one fixed shape of signature.  Verifying insists on that
 * very shape before it trusts any cryptography, because XML-DSig lets a
 * signature cover less than the document (an ID reference, an XPath
 * transform, a Manifest), and the classic signature-wrapping attacks
 * exploit exactly that freedom: a valid signature over some node, with
 * forged content where the reader looks.  With one Reference whose URI is
 * "" and whose transforms are only enveloped-signature and exc-c14n, the
 * signature covers the whole document but itself, and nothing else is
 * possible.  The xmlsec context is restricted to the same algorithms, so
 * the two checks back each other up.
 *
 * The key always comes from the caller (a PEM file), never from the
 * document: dsigCtx->signKey is set before processing, so xmlsec does not
 * read <KeyInfo> at all, and an attacker cannot bring his own key.
 *
 * xmlsec and libxml2 report errors by calling handlers that print to
 * stderr.  Nothing in mcg may print from inside the library, so xmlsec's
 * callback is replaced with a collector whose first message (usually the
 * root cause, e.g. the OpenSSL failure) is appended to our error, and
 * libxml2's handlers are silenced for the duration of each operation
 * (canonicalization reports relative namespace URIs through them).
 *
 * Not thread-safe: xmlsec's initialisation and the error collector are
 * process-wide.  mcg is single-threaded.
 */
#include "xmlsig.h"
#include "buf.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include <libxml/parser.h>
#include <libxml/xmlerror.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>

#include <xmlsec/xmlsec.h>
#include <xmlsec/crypto.h>
#include <xmlsec/errors.h>
#include <xmlsec/keys.h>
#include <xmlsec/templates.h>
#include <xmlsec/transforms.h>
#include <xmlsec/xmldsig.h>
#include <xmlsec/xmltree.h>
#include <xmlsec/openssl/evp.h>

/* The only curve mcg signs with, by its OpenSSL group name. */
#define XMLSIG_CURVE_NAME "prime256v1"
/* The namespace prefix of the signature elements mcg writes. */
#define XMLSIG_NS_PREFIX "ds"
/* Longest piece of hostile text (an algorithm URI) quoted in an error. */
#define XMLSIG_QUOTE_MAX 96
/* Longest xmlsec message kept by the collector. */
#define XMLSIG_LIBMSG_MAX 512

static int xmlsig_initialised;

/* The first xmlsec error since the last reset, or "". */
static char xmlsig_libmsg[XMLSIG_LIBMSG_MAX];
static int xmlsig_libmsg_seen;

/* ---------------------------------------------------------------------
 * Quiet error handling
 */

static void libmsg_reset(void)
{
	xmlsig_libmsg[0] = '\0';
	xmlsig_libmsg_seen = 0;
}

/*
 * xmlsec calls this once per frame as an error unwinds; the first call
 * names the root cause, the later ones only the functions it passed
 * through, so only the first is kept.
 */
static void xmlsec_collect(const char *file, int line, const char *func,
			   const char *errorObject, const char *errorSubject,
			   int reason, const char *msg)
{
	const char *reason_msg = NULL;

	(void)file;
	(void)line;
	(void)errorObject;
	if (xmlsig_libmsg_seen++)
		return;
	for (xmlSecSize i = 0; xmlSecErrorsGetMsg(i) != NULL; i++) {
		if (xmlSecErrorsGetCode(i) == reason) {
			reason_msg = xmlSecErrorsGetMsg(i);
			break;
		}
	}
	snprintf(xmlsig_libmsg, sizeof(xmlsig_libmsg), "%s%s%s%s%s%s%s",
		 func ? func : "",
		 errorSubject ? ": " : "", errorSubject ? errorSubject : "",
		 reason_msg ? ": " : "", reason_msg ? reason_msg : "",
		 (msg && *msg) ? ": " : "", (msg && *msg) ? msg : "");
	xmlsig_libmsg[strcspn(xmlsig_libmsg, "\r\n")] = '\0';
}

static void libxml_quiet_generic(void *ctx, const char *msg, ...)
{
	(void)ctx;
	(void)msg;
}

static void libxml_quiet_structured(void *ctx, xmlErrorPtr e)
{
	(void)ctx;
	(void)e;
}

/* libxml2's handlers as they were before an operation silenced them. */
struct libxml_handlers {
	xmlGenericErrorFunc generic;
	void *generic_ctx;
	xmlStructuredErrorFunc structured;
	void *structured_ctx;
};

static void libxml_silence(struct libxml_handlers *saved)
{
	saved->generic = xmlGenericError;
	saved->generic_ctx = xmlGenericErrorContext;
	saved->structured = xmlStructuredError;
	saved->structured_ctx = xmlStructuredErrorContext;
	xmlSetGenericErrorFunc(NULL, libxml_quiet_generic);
	xmlSetStructuredErrorFunc(NULL, libxml_quiet_structured);
	libmsg_reset();
}

static void libxml_restore(const struct libxml_handlers *saved)
{
	xmlSetGenericErrorFunc(saved->generic_ctx, saved->generic);
	xmlSetStructuredErrorFunc(saved->structured_ctx, saved->structured);
}

/* " (xmlsec: MESSAGE)" when xmlsec said something, else "". */
static const char *libmsg_suffix(char *out, size_t out_sz)
{
	if (!xmlsig_libmsg[0])
		return "";
	snprintf(out, out_sz, " (xmlsec: %s)", xmlsig_libmsg);
	return out;
}

/*
 * Copies hostile text into out for an error message: printable ASCII
 * only, at most XMLSIG_QUOTE_MAX bytes, so that a document cannot put
 * newlines or a megabyte into our one-line messages.
 */
static const char *quote(const xmlChar *s, char *out, size_t out_sz)
{
	size_t n = 0;

	if (!s)
		return "(none)";
	for (; *s && n + 1 < out_sz && n < XMLSIG_QUOTE_MAX; s++)
		out[n++] = (*s >= 0x20 && *s < 0x7f) ? (char)*s : '?';
	out[n] = '\0';
	return out;
}

/* ---------------------------------------------------------------------
 * Initialisation
 */

int mcg_xmlsig_init(mcg_error *err)
{
	if (xmlsig_initialised)
		return MCG_OK;
	xmlInitParser();
	/*
	 * Installed first so that initialisation failures stay quiet, and
	 * again at the end because xmlsec's initialisation (the OpenSSL
	 * backend's) puts its default, printing callback back.
	 */
	xmlSecErrorsSetCallback(xmlsec_collect);
	libmsg_reset();
	if (xmlSecInit() < 0)
		return mcg_error_set(err, MCG_ESYS, "xmlsec initialisation failed");
	if (xmlSecCheckVersion() != 1) {
		xmlSecShutdown();
		return mcg_error_set(err, MCG_ESYS,
				     "xmlsec library version is not compatible with the one mcg was built with");
	}
	if (xmlSecCryptoAppInit(NULL) < 0) {
		xmlSecShutdown();
		return mcg_error_set(err, MCG_ESYS,
				     "xmlsec crypto (OpenSSL) initialisation failed");
	}
	if (xmlSecCryptoInit() < 0) {
		xmlSecCryptoAppShutdown();
		xmlSecShutdown();
		return mcg_error_set(err, MCG_ESYS,
				     "xmlsec-openssl initialisation failed");
	}
	xmlSecErrorsSetCallback(xmlsec_collect);
	xmlsig_initialised = 1;
	return MCG_OK;
}

/*
 * libxml2 itself is left initialised (no xmlCleanupParser): other modules
 * parse XML too, and cleaning up the parser under them is unsafe.
 */
void mcg_xmlsig_shutdown(void)
{
	if (!xmlsig_initialised)
		return;
	xmlSecCryptoShutdown();
	xmlSecCryptoAppShutdown();
	xmlSecShutdown();
	xmlsig_initialised = 0;
}

/* ---------------------------------------------------------------------
 * Keys
 */

static int has_private_part(const EVP_PKEY *pkey)
{
	BIGNUM *priv = NULL;
	int ok = EVP_PKEY_get_bn_param(pkey, OSSL_PKEY_PARAM_PRIV_KEY, &priv) == 1;

	BN_clear_free(priv);
	return ok;
}

/*
 * Loads the EC P-256 key in the PEM file at path; with need_private, the
 * file must hold the private key.  Every failure is the user's input, so
 * MCG_EINPUT.  On success *out belongs to the caller (xmlSecKeyDestroy).
 */
static int load_key(const char *path, int need_private, xmlSecKeyPtr *out,
		    mcg_error *err)
{
	const char *what = need_private ? "private key" : "public key";
	char suffix[XMLSIG_LIBMSG_MAX + 16];
	char curve[64] = "";
	xmlSecKeyPtr key;
	xmlSecKeyDataPtr data;
	EVP_PKEY *pkey;
	FILE *f;
	struct stat sb;

	*out = NULL;
	/* A FIFO or a device given as a key would block the open below (and
	 * OpenSSL's) forever: only a regular file can hold a key. */
	if (stat(path, &sb) == 0 && !S_ISREG(sb.st_mode))
		return mcg_error_set(err, MCG_EINPUT, "%s '%s' is not a regular file",
				     what, path);
	/* Opened once first, so that "missing" and "unreadable" are said
	 * plainly instead of through OpenSSL's BIO error. */
	f = fopen(path, "rb");
	if (!f)
		return mcg_error_set(err, MCG_EINPUT, "cannot read %s '%s': %s",
				     what, path, strerror(errno));
	fclose(f);

	key = xmlSecCryptoAppKeyLoad(path, xmlSecKeyDataFormatPem, NULL, NULL,
				     NULL);
	if (!key)
		return mcg_error_set(err, MCG_EINPUT,
				     "'%s' does not hold a PEM %s%s", path, what,
				     libmsg_suffix(suffix, sizeof(suffix)));
	data = xmlSecKeyGetValue(key);
	if (!data || !xmlSecKeyDataCheckId(data, xmlSecOpenSSLKeyDataEcdsaId)) {
		xmlSecKeyDestroy(key);
		return mcg_error_set(err, MCG_EINPUT,
				     "'%s' is not an EC key (mcg signs with ECDSA P-256)",
				     path);
	}
	pkey = xmlSecOpenSSLKeyDataEcdsaGetEvp(data);
	if (!pkey || EVP_PKEY_get_group_name(pkey, curve, sizeof(curve), NULL) != 1 ||
	    strcmp(curve, XMLSIG_CURVE_NAME) != 0) {
		xmlSecKeyDestroy(key);
		return mcg_error_set(err, MCG_EINPUT,
				     "'%s' is an EC key on curve %s, not P-256",
				     path, curve[0] ? curve : "(unknown)");
	}
	/* Asked of OpenSSL: xmlSecKeyGetType calls a public EC key private
	 * too under OpenSSL 3, and signing then fails deep inside. */
	if (need_private && !has_private_part(pkey)) {
		xmlSecKeyDestroy(key);
		return mcg_error_set(err, MCG_EINPUT,
				     "'%s' holds a public key; signing needs the private key",
				     path);
	}
	*out = key;
	return MCG_OK;
}

/* ---------------------------------------------------------------------
 * The shape of the one signature mcg accepts
 */

static int is_ds(xmlNodePtr n, const xmlChar *name)
{
	return n && n->type == XML_ELEMENT_NODE &&
	       xmlSecCheckNodeName(n, name, xmlSecDSigNs);
}

/* The first element at or after n among its siblings, or NULL. */
static xmlNodePtr elem_from(xmlNodePtr n)
{
	while (n && n->type != XML_ELEMENT_NODE)
		n = n->next;
	return n;
}

static xmlNodePtr next_elem(xmlNodePtr n)
{
	return n ? elem_from(n->next) : NULL;
}

static xmlNodePtr last_elem_child(xmlNodePtr parent)
{
	xmlNodePtr last = NULL;

	for (xmlNodePtr c = parent->children; c; c = c->next)
		if (c->type == XML_ELEMENT_NODE)
			last = c;
	return last;
}

/*
 * Counts ds:Signature elements anywhere under root, root included.  The
 * walk is iterative (child, next, back up through parent) so that a deep
 * document cannot exhaust the stack.
 */
static size_t count_signatures(xmlNodePtr root)
{
	size_t count = 0;
	xmlNodePtr n = root;

	while (n) {
		if (is_ds(n, xmlSecNodeSignature))
			count++;
		if (n->type == XML_ELEMENT_NODE && n->children) {
			n = n->children;
			continue;
		}
		while (n && n != root && !n->next)
			n = n->parent;
		if (!n || n == root)
			break;
		n = n->next;
	}
	return count;
}

/*
 * Checks that element n is ds:<name> with Algorithm="want"; otherwise sets
 * "<what> must be <want_name> (found ...)" and returns MCG_EINTEGRITY.
 */
static int check_algorithm(xmlNodePtr n, const xmlChar *name,
			   const xmlChar *want, const char *what,
			   const char *want_name, mcg_error *err)
{
	char q[XMLSIG_QUOTE_MAX + 1];
	xmlChar *alg;
	int ok;

	if (!is_ds(n, name))
		return mcg_error_set(err, MCG_EINTEGRITY,
				     "signature has no ds:%s where expected (found %s)",
				     (const char *)name,
				     n ? quote(n->name, q, sizeof(q)) : "nothing");
	alg = xmlGetNoNsProp(n, xmlSecAttrAlgorithm);
	ok = alg && xmlStrEqual(alg, want);
	if (!ok)
		mcg_error_set(err, MCG_EINTEGRITY, "%s must be %s (found %s)",
			      what, want_name, quote(alg, q, sizeof(q)));
	xmlFree(alg);
	return ok ? MCG_OK : MCG_EINTEGRITY;
}

/* Element n has Algorithm="want" exactly. */
static int has_algorithm(xmlNodePtr n, const xmlChar *want)
{
	xmlChar *alg = xmlGetNoNsProp(n, xmlSecAttrAlgorithm);
	int ok = alg && xmlStrEqual(alg, want);

	xmlFree(alg);
	return ok;
}

/* ds:Transforms holding exactly enveloped-signature then exc-c14n. */
static int transforms_ok(xmlNodePtr transforms)
{
	xmlNodePtr first, second;

	if (!is_ds(transforms, xmlSecNodeTransforms))
		return 0;
	first = elem_from(transforms->children);
	second = next_elem(first);
	return is_ds(first, xmlSecNodeTransform) &&
	       has_algorithm(first, xmlSecHrefEnveloped) &&
	       is_ds(second, xmlSecNodeTransform) &&
	       has_algorithm(second, xmlSecHrefExcC14N) &&
	       !next_elem(second);
}

/* Reference: URI="" exactly, Transforms, DigestMethod, DigestValue. */
static int check_reference(xmlNodePtr ref, mcg_error *err)
{
	char q[XMLSIG_QUOTE_MAX + 1];
	xmlChar *uri;
	xmlNodePtr cur;
	int rc;

	/* xmlHasNsProp tells an absent URI (the application's choice of
	 * data, in XML-DSig) from an empty one. */
	uri = xmlHasNsProp(ref, xmlSecAttrURI, NULL) ?
	      xmlGetNoNsProp(ref, xmlSecAttrURI) : NULL;
	rc = (uri && uri[0] == '\0') ? MCG_OK : MCG_EINTEGRITY;
	if (rc)
		mcg_error_set(err, rc,
			      "reference must cover the whole document (URI=\"\"), found %s%s%s",
			      uri ? "URI=\"" : "no URI", uri ? quote(uri, q, sizeof(q)) : "",
			      uri ? "\"" : "");
	xmlFree(uri);
	if (rc)
		return rc;

	cur = elem_from(ref->children);
	if (!transforms_ok(cur))
		return mcg_error_set(err, MCG_EINTEGRITY,
				     "reference transforms must be exactly enveloped-signature then exc-c14n");

	cur = next_elem(cur);
	rc = check_algorithm(cur, xmlSecNodeDigestMethod, xmlSecHrefSha256,
			     "digest method", "sha256", err);
	if (rc)
		return rc;
	cur = next_elem(cur);
	if (!is_ds(cur, xmlSecNodeDigestValue) || next_elem(cur))
		return mcg_error_set(err, MCG_EINTEGRITY,
				     "reference must end with exactly one ds:DigestValue");
	return MCG_OK;
}

static int check_signed_info(xmlNodePtr si, mcg_error *err)
{
	xmlNodePtr cur;
	int rc;

	cur = elem_from(si->children);
	rc = check_algorithm(cur, xmlSecNodeCanonicalizationMethod,
			     xmlSecHrefExcC14N, "canonicalization method",
			     "exc-c14n", err);
	if (rc)
		return rc;
	cur = next_elem(cur);
	rc = check_algorithm(cur, xmlSecNodeSignatureMethod,
			     xmlSecHrefEcdsaSha256, "signature method",
			     "ecdsa-sha256", err);
	if (rc)
		return rc;
	cur = next_elem(cur);
	if (!is_ds(cur, xmlSecNodeReference) || next_elem(cur))
		return mcg_error_set(err, MCG_EINTEGRITY,
				     "SignedInfo must hold exactly one Reference and nothing after it");
	return check_reference(cur, err);
}

/*
 * Finds the one signature and checks its shape.  On success *out is the
 * ds:Signature node (owned by doc).  Every failure is MCG_EINTEGRITY.
 */
static int check_shape(xmlDocPtr doc, xmlNodePtr *out, mcg_error *err)
{
	char q[XMLSIG_QUOTE_MAX + 1];
	xmlNodePtr root, sig, cur;
	size_t n;

	*out = NULL;
	root = xmlDocGetRootElement(doc);
	if (!root)
		return mcg_error_set(err, MCG_EINTEGRITY, "document has no root element");
	n = count_signatures(root);
	if (n == 0)
		return mcg_error_set(err, MCG_EINTEGRITY,
				     "document is not signed (no ds:Signature)");
	if (n > 1)
		return mcg_error_set(err, MCG_EINTEGRITY,
				     "document holds %zu ds:Signature elements; exactly one is allowed",
				     n);
	sig = last_elem_child(root);
	if (!is_ds(sig, xmlSecNodeSignature))
		return mcg_error_set(err, MCG_EINTEGRITY,
				     "ds:Signature must be the last element child of the root element");

	cur = elem_from(sig->children);
	if (!is_ds(cur, xmlSecNodeSignedInfo))
		return mcg_error_set(err, MCG_EINTEGRITY,
				     "ds:Signature must start with ds:SignedInfo");
	if (check_signed_info(cur, err))
		return MCG_EINTEGRITY;
	cur = next_elem(cur);
	if (!is_ds(cur, xmlSecNodeSignatureValue))
		return mcg_error_set(err, MCG_EINTEGRITY,
				     "ds:SignedInfo must be followed by ds:SignatureValue");
	cur = next_elem(cur);
	/* KeyInfo is allowed (other signers add one) but never read. */
	if (is_ds(cur, xmlSecNodeKeyInfo))
		cur = next_elem(cur);
	if (cur)
		return mcg_error_set(err, MCG_EINTEGRITY,
				     "ds:Signature may hold only SignedInfo, SignatureValue and KeyInfo, found %s",
				     quote(cur->name, q, sizeof(q)));
	*out = sig;
	return MCG_OK;
}

/* ---------------------------------------------------------------------
 * Signing and verifying
 */

/*
 * Allows exactly the algorithms of the mcg shape and only same-document
 * whole-document references, so that xmlsec itself would refuse anything
 * else even if check_shape missed it.
 */
static int restrict_ctx(xmlSecDSigCtxPtr ctx)
{
	ctx->enabledReferenceUris = xmlSecTransformUriTypeEmpty;
	ctx->flags |= XMLSEC_DSIG_FLAGS_IGNORE_MANIFESTS |
		      XMLSEC_DSIG_FLAGS_STORE_SIGNEDINFO_REFERENCES;
	if (xmlSecDSigCtxEnableSignatureTransform(ctx, xmlSecTransformExclC14NId) < 0 ||
	    xmlSecDSigCtxEnableSignatureTransform(ctx, xmlSecTransformEcdsaSha256Id) < 0 ||
	    xmlSecDSigCtxEnableReferenceTransform(ctx, xmlSecTransformEnvelopedId) < 0 ||
	    xmlSecDSigCtxEnableReferenceTransform(ctx, xmlSecTransformExclC14NId) < 0 ||
	    xmlSecDSigCtxEnableReferenceTransform(ctx, xmlSecTransformSha256Id) < 0)
		return -1;
	return 0;
}

/* Builds the signature template and appends it to root; NULL: no memory. */
static xmlNodePtr add_template(xmlDocPtr doc, xmlNodePtr root)
{
	xmlNodePtr sign, ref;

	sign = xmlSecTmplSignatureCreateNsPref(doc, xmlSecTransformExclC14NId,
					       xmlSecTransformEcdsaSha256Id,
					       NULL, BAD_CAST XMLSIG_NS_PREFIX);
	if (!sign)
		return NULL;
	if (!xmlAddChild(root, sign)) {
		xmlFreeNode(sign);
		return NULL;
	}
	ref = xmlSecTmplSignatureAddReference(sign, xmlSecTransformSha256Id,
					      NULL, BAD_CAST "", NULL);
	if (!ref ||
	    !xmlSecTmplReferenceAddTransform(ref, xmlSecTransformEnvelopedId) ||
	    !xmlSecTmplReferenceAddTransform(ref, xmlSecTransformExclC14NId)) {
		xmlUnlinkNode(sign);
		xmlFreeNode(sign);
		return NULL;
	}
	return sign;
}

int mcg_xmlsig_sign(xmlDocPtr doc, const char *key_path, mcg_error *err)
{
	struct libxml_handlers saved;
	char suffix[XMLSIG_LIBMSG_MAX + 16];
	xmlSecDSigCtxPtr ctx = NULL;
	xmlSecKeyPtr key = NULL;
	xmlNodePtr root, sign = NULL;
	int rc;

	rc = mcg_xmlsig_init(err);
	if (rc)
		return rc;
	root = xmlDocGetRootElement(doc);
	if (!root)
		return mcg_error_set(err, MCG_EINPUT,
				     "cannot sign a document without a root element");
	if (count_signatures(root) > 0)
		return mcg_error_set(err, MCG_EINPUT,
				     "document already holds a ds:Signature");

	libxml_silence(&saved);
	rc = load_key(key_path, 1, &key, err);
	if (rc)
		goto out_restore;
	sign = add_template(doc, root);
	if (!sign) {
		rc = mcg_error_set(err, MCG_ESYS,
				   "cannot build the signature template: out of memory");
		goto out_destroy_key;
	}
	ctx = xmlSecDSigCtxCreate(NULL);
	if (!ctx || restrict_ctx(ctx) < 0) {
		rc = mcg_error_set(err, MCG_ESYS,
				   "cannot create the xmlsec signing context");
		goto out_remove_template;
	}
	ctx->signKey = key;   /* the context owns the key from here on */
	key = NULL;
	libmsg_reset();
	if (xmlSecDSigCtxSign(ctx, sign) < 0 ||
	    ctx->status != xmlSecDSigStatusSucceeded) {
		rc = mcg_error_set(err, MCG_ESYS, "signing with '%s' failed%s",
				   key_path, libmsg_suffix(suffix, sizeof(suffix)));
		goto out_remove_template;
	}
	rc = MCG_OK;
	goto out_destroy_ctx;

out_remove_template:
	/* A failed signature leaves the document as it was. */
	xmlUnlinkNode(sign);
	xmlFreeNode(sign);
out_destroy_ctx:
	if (ctx)
		xmlSecDSigCtxDestroy(ctx);
out_destroy_key:
	if (key)
		xmlSecKeyDestroy(key);
out_restore:
	libxml_restore(&saved);
	return rc;
}

/*
 * After xmlsec said "succeeded": the one reference it processed was the
 * whole document and its digest matched.  Redundant with check_shape, on
 * purpose.
 */
static int check_result(xmlSecDSigCtxPtr ctx, mcg_error *err)
{
	xmlSecDSigReferenceCtxPtr ref;

	if (xmlSecPtrListGetSize(&ctx->signedInfoReferences) != 1)
		return mcg_error_set(err, MCG_EINTEGRITY,
				     "signature must have exactly one reference");
	ref = (xmlSecDSigReferenceCtxPtr)xmlSecPtrListGetItem(&ctx->signedInfoReferences, 0);
	if (!ref || ref->status != xmlSecDSigStatusSucceeded ||
	    !ref->uri || ref->uri[0] != '\0')
		return mcg_error_set(err, MCG_EINTEGRITY,
				     "reference must cover the whole document (URI=\"\")");
	return MCG_OK;
}

/* Why xmlsec said "invalid": the digest (content) or the signature value. */
static int explain_invalid(xmlSecDSigCtxPtr ctx, const char *pubkey_path,
			   mcg_error *err)
{
	xmlSecSize n = xmlSecPtrListGetSize(&ctx->signedInfoReferences);

	for (xmlSecSize i = 0; i < n; i++) {
		xmlSecDSigReferenceCtxPtr ref =
			(xmlSecDSigReferenceCtxPtr)xmlSecPtrListGetItem(&ctx->signedInfoReferences, i);

		if (ref && ref->status != xmlSecDSigStatusSucceeded)
			return mcg_error_set(err, MCG_EINTEGRITY,
					     "signature does not verify with %s: the document's digest does not match (its content changed after signing)",
					     pubkey_path);
	}
	return mcg_error_set(err, MCG_EINTEGRITY,
			     "signature does not verify with %s: the signature value is wrong (another key, or a changed SignedInfo)",
			     pubkey_path);
}

int mcg_xmlsig_verify(xmlDocPtr doc, const char *pubkey_path, mcg_error *err)
{
	struct libxml_handlers saved;
	char suffix[XMLSIG_LIBMSG_MAX + 16];
	xmlSecDSigCtxPtr ctx = NULL;
	xmlSecKeyPtr key = NULL;
	xmlNodePtr sig;
	int rc;

	rc = mcg_xmlsig_init(err);
	if (rc)
		return rc;
	libxml_silence(&saved);
	rc = load_key(pubkey_path, 0, &key, err);
	if (rc)
		goto out_restore;
	rc = check_shape(doc, &sig, err);
	if (rc)
		goto out_destroy_key;
	ctx = xmlSecDSigCtxCreate(NULL);
	if (!ctx || restrict_ctx(ctx) < 0) {
		rc = mcg_error_set(err, MCG_ESYS,
				   "cannot create the xmlsec verification context");
		goto out_destroy_ctx;
	}
	ctx->signKey = key;   /* the context owns the key from here on */
	key = NULL;
	libmsg_reset();
	if (xmlSecDSigCtxVerify(ctx, sig) < 0) {
		rc = mcg_error_set(err, MCG_EINTEGRITY,
				   "signature cannot be processed%s",
				   libmsg_suffix(suffix, sizeof(suffix)));
		goto out_destroy_ctx;
	}
	if (ctx->status != xmlSecDSigStatusSucceeded) {
		rc = explain_invalid(ctx, pubkey_path, err);
		goto out_destroy_ctx;
	}
	rc = check_result(ctx, err);

out_destroy_ctx:
	if (ctx)
		xmlSecDSigCtxDestroy(ctx);
out_destroy_key:
	if (key)
		xmlSecKeyDestroy(key);
out_restore:
	libxml_restore(&saved);
	return rc;
}
