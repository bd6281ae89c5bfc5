/*
 * Tests of reports/xmlsig.c: enveloped XML-DSig signing and strict
 * verification.
 *
 * Every signed document is checked twice: by mcg_xmlsig_verify and by the
 * real `xmlsec1 --verify --pubkey-pem PUB FILE`, the command an outside
 * verifier runs (CLI.md, "Audit and signatures").  Tampered copies must be
 * refused by both.  Documents that are validly signed but in another
 * shape (built here with xmlsec directly) show what the shape check adds:
 * the CLI accepts them, mcg does not.
 *
 * Keys are made fresh for every test with the openssl command, in a
 * private temporary folder that the test removes.
 */
#include <criterion/criterion.h>

#include <fcntl.h>
#include <ftw.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <libxml/tree.h>

#include <xmlsec/xmlsec.h>
#include <xmlsec/crypto.h>
#include <xmlsec/keys.h>
#include <xmlsec/templates.h>
#include <xmlsec/xmldsig.h>
#include <xmlsec/xmltree.h>

#include "buf.h"
#include "xmlsafe.h"
#include "reports/xmlsig.h"

extern char **environ;

#define SAMPLE "<statement xmlns=\"urn:mcg:test:1\"><amount>12.50</amount></statement>"
#define PATH_MAX_LEN 256

static char tmpdir[64];
static char key_pem[PATH_MAX_LEN];        /* P-256 private key that signs */
static char pub_pem[PATH_MAX_LEN];        /* its public key */
static char other_key_pem[PATH_MAX_LEN];  /* another P-256 key */
static char other_pub_pem[PATH_MAX_LEN];

/* ------------------------------------------------------------------ */
/* Helpers                                                             */

static void path_in(char *out, const char *name)
{
	int n = snprintf(out, PATH_MAX_LEN, "%s/%s", tmpdir, name);

	cr_assert(n > 0 && n < PATH_MAX_LEN, "path too long");
}

/*
 * Runs argv[0] (looked up in PATH) with stdout and stderr sent to
 * /dev/null.  Returns its exit status, or -1 when it could not be run or
 * died of a signal.
 */
static int run(const char *const argv[])
{
	posix_spawn_file_actions_t fa;
	pid_t pid;
	int status, rc;

	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
	rc = posix_spawnp(&pid, argv[0], &fa, NULL, (char *const *)argv,
			  environ);
	posix_spawn_file_actions_destroy(&fa);
	if (rc != 0)
		return -1;
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

/* Makes a private key (openssl genpkey ALG OPTS) and its public key. */
static void make_key(const char *priv, const char *pub, const char *alg,
		     const char *opt)
{
	const char *gen[] = { "openssl", "genpkey", "-algorithm", alg,
			      "-pkeyopt", opt, "-out", priv, NULL };
	const char *out[] = { "openssl", "pkey", "-in", priv, "-pubout",
			      "-out", pub, NULL };

	cr_assert_eq(run(gen), 0, "openssl genpkey %s failed", alg);
	cr_assert_eq(chmod(priv, 0600), 0);
	cr_assert_eq(run(out), 0, "openssl pkey -pubout failed");
}

/* `xmlsec1 --verify [extra...] --pubkey-pem PUB FILE`: its exit status. */
static int cli_verify(const char *pub, const char *file, int restricted)
{
	const char *plain[] = { "xmlsec1", "--verify", "--pubkey-pem", pub,
				file, NULL };
	const char *strict[] = { "xmlsec1", "--verify", "--enabled-key-data",
				 "key-name", "--enabled-reference-uris",
				 "empty", "--pubkey-pem", pub, file, NULL };

	return run(restricted ? strict : plain);
}

/* The CLI ran and said no (a missing binary is -1, not a refusal). */
static void assert_cli_rejects(const char *pub, const char *file)
{
	int st = cli_verify(pub, file, 0);

	cr_assert(st > 0, "xmlsec1 --verify accepted %s (status %d)", file, st);
}

static xmlDocPtr parse_sample(const char *xml)
{
	mcg_error err;
	xmlDocPtr doc = NULL;

	mcg_error_clear(&err);
	cr_assert_eq(mcg_xml_parse_memory(xml, strlen(xml), "sample", &doc, &err),
		     0, "%s", err.msg);
	return doc;
}

static xmlDocPtr load(const char *path)
{
	mcg_error err;
	xmlDocPtr doc = NULL;

	mcg_error_clear(&err);
	cr_assert_eq(mcg_xml_parse_file(path, 0, &doc, &err), 0, "%s", err.msg);
	return doc;
}

/* Saved as is: reformatting a signed document would break its digest. */
static void save(xmlDocPtr doc, const char *path)
{
	cr_assert(xmlSaveFile(path, doc) > 0, "cannot save %s", path);
}

/* Signs SAMPLE with key and saves it at path. */
static void sign_sample_to(const char *key, const char *path)
{
	mcg_error err;
	xmlDocPtr doc = parse_sample(SAMPLE);

	mcg_error_clear(&err);
	cr_assert_eq(mcg_xmlsig_sign(doc, key, &err), 0, "%s", err.msg);
	save(doc, path);
	xmlFreeDoc(doc);
}

/* mcg_xmlsig_verify of the file at path: its code, message in err. */
static int verify_file(const char *pub, const char *path, mcg_error *err)
{
	xmlDocPtr doc = load(path);
	int rc;

	mcg_error_clear(err);
	rc = mcg_xmlsig_verify(doc, pub, err);
	xmlFreeDoc(doc);
	return rc;
}

/*
 * Both verifiers refuse the file; mcg says MCG_EINTEGRITY with a message
 * holding `why`.
 */
static void assert_both_reject(const char *path, const char *why)
{
	mcg_error err;
	int rc = verify_file(pub_pem, path, &err);

	cr_assert_eq(rc, MCG_EINTEGRITY, "mcg accepted %s (rc %d: %s)", path,
		     rc, err.msg);
	cr_assert(strstr(err.msg, why), "message '%s' does not say '%s'",
		  err.msg, why);
	assert_cli_rejects(pub_pem, path);
}

static xmlNodePtr find_ds(xmlDocPtr doc, const char *name)
{
	xmlNodePtr n = xmlSecFindNode(xmlDocGetRootElement(doc), BAD_CAST name,
				      xmlSecDSigNs);

	cr_assert_not_null(n, "no ds:%s", name);
	return n;
}

/* Copies src to dst with the first `from` replaced by `to`. */
static void replace_in_file(const char *src, const char *dst,
			    const char *from, const char *to)
{
	mcg_error err;
	mcg_buf b = MCG_BUF_INIT;
	char *data = NULL;
	size_t len = 0;
	const char *hit;
	FILE *f;

	mcg_error_clear(&err);
	cr_assert_eq(mcg_read_file(src, 0, &data, &len, &err), 0, "%s", err.msg);
	hit = strstr(data, from);
	cr_assert_not_null(hit, "'%s' not in %s", from, src);
	cr_assert_eq(mcg_buf_append(&b, data, (size_t)(hit - data)), 0);
	cr_assert_eq(mcg_buf_puts(&b, to), 0);
	cr_assert_eq(mcg_buf_puts(&b, hit + strlen(from)), 0);
	f = fopen(dst, "wb");
	cr_assert_not_null(f);
	cr_assert_eq(fwrite(b.data, 1, b.len, f), b.len);
	cr_assert_eq(fclose(f), 0);
	mcg_buf_free(&b);
	free(data);
}

/* A signature made with xmlsec directly, in shapes mcg never makes. */
struct custom_sig {
	xmlSecTransformId c14n;     /* CanonicalizationMethod */
	xmlSecTransformId method;   /* SignatureMethod */
	int references;             /* how many Reference URI="" */
	int with_exc_c14n;          /* exc-c14n after enveloped-signature */
	int key_value;              /* KeyInfo with the signer's KeyValue */
};

static void sign_custom_to(const struct custom_sig *c, const char *key,
			   const char *xml, const char *path)
{
	xmlDocPtr doc = parse_sample(xml);
	xmlNodePtr sign, ref;
	xmlSecDSigCtxPtr ctx;

	sign = xmlSecTmplSignatureCreateNsPref(doc, c->c14n, c->method, NULL,
					       BAD_CAST "ds");
	cr_assert_not_null(sign);
	cr_assert_not_null(xmlAddChild(xmlDocGetRootElement(doc), sign));
	for (int i = 0; i < c->references; i++) {
		ref = xmlSecTmplSignatureAddReference(sign, xmlSecTransformSha256Id,
						      NULL, BAD_CAST "", NULL);
		cr_assert_not_null(ref);
		cr_assert_not_null(xmlSecTmplReferenceAddTransform(ref,
						xmlSecTransformEnvelopedId));
		if (c->with_exc_c14n)
			cr_assert_not_null(xmlSecTmplReferenceAddTransform(ref,
						xmlSecTransformExclC14NId));
	}
	if (c->key_value) {
		xmlNodePtr ki = xmlSecTmplSignatureEnsureKeyInfo(sign, NULL);

		cr_assert_not_null(ki);
		cr_assert_not_null(xmlSecTmplKeyInfoAddKeyValue(ki));
	}
	ctx = xmlSecDSigCtxCreate(NULL);
	cr_assert_not_null(ctx);
	ctx->signKey = xmlSecCryptoAppKeyLoad(key, xmlSecKeyDataFormatPem, NULL,
					      NULL, NULL);
	cr_assert_not_null(ctx->signKey, "cannot load %s", key);
	cr_assert_eq(xmlSecDSigCtxSign(ctx, sign), 0, "xmlsec could not sign");
	xmlSecDSigCtxDestroy(ctx);
	save(doc, path);
	xmlFreeDoc(doc);
}

/* ------------------------------------------------------------------ */
/* Fixture                                                             */

static void setup(void)
{
	mcg_error err;

	umask(077);
	cr_assert_lt(snprintf(tmpdir, sizeof(tmpdir), "/tmp/mcg-xmlsig-XXXXXX"),
		     (int)sizeof(tmpdir));
	cr_assert_not_null(mkdtemp(tmpdir));
	path_in(key_pem, "key.pem");
	path_in(pub_pem, "pub.pem");
	path_in(other_key_pem, "other-key.pem");
	path_in(other_pub_pem, "other-pub.pem");
	make_key(key_pem, pub_pem, "EC", "ec_paramgen_curve:P-256");
	make_key(other_key_pem, other_pub_pem, "EC", "ec_paramgen_curve:P-256");
	mcg_error_clear(&err);
	cr_assert_eq(mcg_xmlsig_init(&err), 0, "%s", err.msg);
}

static int remove_entry(const char *path, const struct stat *sb, int flag,
			struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static void teardown(void)
{
	mcg_xmlsig_shutdown();
	if (tmpdir[0])
		nftw(tmpdir, remove_entry, 8, FTW_DEPTH | FTW_PHYS);
}

TestSuite(xmlsig, .init = setup, .fini = teardown);

/* ------------------------------------------------------------------ */
/* What mcg signs, both verifiers accept                               */

Test(xmlsig, signed_document_verifies_with_mcg_and_xmlsec1)
{
	char path[PATH_MAX_LEN];
	mcg_error err;
	xmlDocPtr doc;
	xmlNodePtr root, sig;

	path_in(path, "signed.xml");
	sign_sample_to(key_pem, path);
	cr_assert_eq(verify_file(pub_pem, path, &err), 0, "%s", err.msg);
	cr_assert_eq(cli_verify(pub_pem, path, 0), 0, "xmlsec1 --verify refused it");
	cr_assert_eq(cli_verify(pub_pem, path, 1), 0,
		     "xmlsec1 --verify with restricted key data refused it");

	/* The signature is the last child of the root, in the ds: prefix. */
	doc = load(path);
	root = xmlDocGetRootElement(doc);
	sig = root->last;
	cr_assert(sig && sig->type == XML_ELEMENT_NODE);
	cr_assert_str_eq((const char *)sig->name, "Signature");
	cr_assert_str_eq((const char *)sig->ns->href, (const char *)xmlSecDSigNs);
	cr_assert_str_eq((const char *)sig->ns->prefix, "ds");
	xmlFreeDoc(doc);
}

Test(xmlsig, signs_a_document_held_in_memory_and_verifies_it_in_place)
{
	mcg_error err;
	xmlDocPtr doc = parse_sample(SAMPLE);

	mcg_error_clear(&err);
	cr_assert_eq(mcg_xmlsig_sign(doc, key_pem, &err), 0, "%s", err.msg);
	cr_assert_eq(mcg_xmlsig_verify(doc, pub_pem, &err), 0, "%s", err.msg);
	cr_assert_eq(mcg_xmlsig_verify(doc, other_pub_pem, &err), MCG_EINTEGRITY);
	xmlFreeDoc(doc);
}

Test(xmlsig, a_keyinfo_with_only_a_keyname_is_accepted)
{
	char tmpl[PATH_MAX_LEN], path[PATH_MAX_LEN];
	const char *cmd[] = { "xmlsec1", "--sign", "--privkey-pem", key_pem,
			      "--output", path, tmpl, NULL };
	mcg_error err;
	FILE *f;

	/* A template another signer might use: KeyName, signed by the
	 * xmlsec1 command itself.  mcg never reads KeyInfo, so it is fine. */
	path_in(tmpl, "tmpl.xml");
	path_in(path, "keyname.xml");
	f = fopen(tmpl, "w");
	cr_assert_not_null(f);
	fputs("<statement xmlns=\"urn:mcg:test:1\"><amount>12.50</amount>"
	      "<ds:Signature xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\">"
	      "<ds:SignedInfo>"
	      "<ds:CanonicalizationMethod Algorithm=\"http://www.w3.org/2001/10/xml-exc-c14n#\"/>"
	      "<ds:SignatureMethod Algorithm=\"http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256\"/>"
	      "<ds:Reference URI=\"\"><ds:Transforms>"
	      "<ds:Transform Algorithm=\"http://www.w3.org/2000/09/xmldsig#enveloped-signature\"/>"
	      "<ds:Transform Algorithm=\"http://www.w3.org/2001/10/xml-exc-c14n#\"/>"
	      "</ds:Transforms>"
	      "<ds:DigestMethod Algorithm=\"http://www.w3.org/2001/04/xmlenc#sha256\"/>"
	      "<ds:DigestValue/></ds:Reference></ds:SignedInfo>"
	      "<ds:SignatureValue/>"
	      "<ds:KeyInfo><ds:KeyName>statement-key</ds:KeyName></ds:KeyInfo>"
	      "</ds:Signature></statement>", f);
	cr_assert_eq(fclose(f), 0);
	cr_assert_eq(run(cmd), 0, "xmlsec1 --sign failed");
	cr_assert_eq(verify_file(pub_pem, path, &err), 0, "%s", err.msg);
	cr_assert_eq(cli_verify(pub_pem, path, 0), 0);
}

/* ------------------------------------------------------------------ */
/* Tampered copies: both verifiers refuse                              */

Test(xmlsig, one_character_of_content_changed_is_refused)
{
	char good[PATH_MAX_LEN], bad[PATH_MAX_LEN];

	path_in(good, "signed.xml");
	path_in(bad, "tampered.xml");
	sign_sample_to(key_pem, good);
	replace_in_file(good, bad, "12.50", "12.51");
	assert_both_reject(bad, "digest does not match");
}

Test(xmlsig, element_removed_is_refused)
{
	char good[PATH_MAX_LEN], bad[PATH_MAX_LEN];
	xmlDocPtr doc;
	xmlNodePtr amount;

	path_in(good, "signed.xml");
	path_in(bad, "tampered.xml");
	sign_sample_to(key_pem, good);
	doc = load(good);
	amount = xmlDocGetRootElement(doc)->children;
	cr_assert_str_eq((const char *)amount->name, "amount");
	xmlUnlinkNode(amount);
	xmlFreeNode(amount);
	save(doc, bad);
	xmlFreeDoc(doc);
	assert_both_reject(bad, "digest does not match");
}

/*
 * The classic wrapping attack: the signed content is moved into a
 * ds:Object inside the signature (where a naive verifier still finds the
 * "signed" node) and forged content takes its place at the root.
 */
Test(xmlsig, signature_wrapping_attack_is_refused)
{
	char good[PATH_MAX_LEN], bad[PATH_MAX_LEN];
	xmlDocPtr doc;
	xmlNodePtr root, sig, amount, object, forged;

	path_in(good, "signed.xml");
	path_in(bad, "wrapped.xml");
	sign_sample_to(key_pem, good);
	doc = load(good);
	root = xmlDocGetRootElement(doc);
	sig = find_ds(doc, "Signature");
	amount = root->children;
	cr_assert_str_eq((const char *)amount->name, "amount");
	xmlUnlinkNode(amount);
	object = xmlNewChild(sig, sig->ns, BAD_CAST "Object", NULL);
	cr_assert_not_null(object);
	cr_assert_not_null(xmlAddChild(object, amount));
	forged = xmlNewNode(root->ns, BAD_CAST "amount");
	cr_assert_not_null(forged);
	xmlNodeSetContent(forged, BAD_CAST "99999.00");
	cr_assert_not_null(xmlAddPrevSibling(sig, forged));
	save(doc, bad);
	xmlFreeDoc(doc);
	assert_both_reject(bad, "may hold only SignedInfo, SignatureValue and KeyInfo");
}

Test(xmlsig, second_reference_is_refused)
{
	char good[PATH_MAX_LEN], bad[PATH_MAX_LEN];
	xmlDocPtr doc;
	xmlNodePtr ref, copy;

	path_in(good, "signed.xml");
	path_in(bad, "tworefs.xml");
	sign_sample_to(key_pem, good);
	doc = load(good);
	ref = find_ds(doc, "Reference");
	copy = xmlDocCopyNode(ref, doc, 1);
	cr_assert_not_null(copy);
	cr_assert_not_null(xmlAddNextSibling(ref, copy));
	save(doc, bad);
	xmlFreeDoc(doc);
	assert_both_reject(bad, "exactly one Reference");
}

Test(xmlsig, id_reference_is_refused)
{
	char good[PATH_MAX_LEN], bad[PATH_MAX_LEN];
	xmlDocPtr doc;

	path_in(good, "signed.xml");
	path_in(bad, "idref.xml");
	sign_sample_to(key_pem, good);
	doc = load(good);
	cr_assert_not_null(xmlSetProp(xmlDocGetRootElement(doc), BAD_CAST "Id",
				      BAD_CAST "stmt"));
	cr_assert_not_null(xmlSetProp(find_ds(doc, "Reference"), BAD_CAST "URI",
				      BAD_CAST "#stmt"));
	save(doc, bad);
	xmlFreeDoc(doc);
	assert_both_reject(bad, "reference must cover the whole document (URI=\"\")");
}

Test(xmlsig, missing_uri_is_refused)
{
	char good[PATH_MAX_LEN], bad[PATH_MAX_LEN];
	xmlDocPtr doc;
	mcg_error err;

	path_in(good, "signed.xml");
	path_in(bad, "nouri.xml");
	sign_sample_to(key_pem, good);
	doc = load(good);
	cr_assert_eq(xmlUnsetProp(find_ds(doc, "Reference"), BAD_CAST "URI"), 0);
	save(doc, bad);
	xmlFreeDoc(doc);
	/* Without a URI the CLI has no data to digest; only mcg's word is
	 * checked here. */
	cr_assert_eq(verify_file(pub_pem, bad, &err), MCG_EINTEGRITY);
	cr_assert(strstr(err.msg, "URI=\"\""), "%s", err.msg);
}

Test(xmlsig, signed_by_another_key_is_refused)
{
	char path[PATH_MAX_LEN];
	mcg_error err;

	path_in(path, "other.xml");
	sign_sample_to(other_key_pem, path);
	assert_both_reject(path, "signature does not verify with");
	/* ... and it does verify with its own key. */
	cr_assert_eq(verify_file(other_pub_pem, path, &err), 0, "%s", err.msg);
}

Test(xmlsig, signature_method_changed_to_rsa_or_hmac_is_refused)
{
	static const char *const methods[] = {
		"http://www.w3.org/2001/04/xmldsig-more#rsa-sha256",
		"http://www.w3.org/2001/04/xmldsig-more#hmac-sha256",
		"http://www.w3.org/2000/09/xmldsig#hmac-sha1",
	};
	char good[PATH_MAX_LEN], bad[PATH_MAX_LEN];

	path_in(good, "signed.xml");
	path_in(bad, "method.xml");
	sign_sample_to(key_pem, good);
	for (size_t i = 0; i < sizeof(methods) / sizeof(methods[0]); i++) {
		replace_in_file(good, bad,
				"http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256",
				methods[i]);
		assert_both_reject(bad, "signature method must be ecdsa-sha256");
	}
}

Test(xmlsig, element_after_the_signature_is_refused)
{
	char good[PATH_MAX_LEN], bad[PATH_MAX_LEN];
	xmlDocPtr doc;
	xmlNodePtr root;

	path_in(good, "signed.xml");
	path_in(bad, "after.xml");
	sign_sample_to(key_pem, good);
	doc = load(good);
	root = xmlDocGetRootElement(doc);
	cr_assert_not_null(xmlNewChild(root, root->ns, BAD_CAST "amount",
				       BAD_CAST "99999.00"));
	save(doc, bad);
	xmlFreeDoc(doc);
	assert_both_reject(bad, "last element child of the root");
}

Test(xmlsig, second_signature_is_refused)
{
	char good[PATH_MAX_LEN], bad[PATH_MAX_LEN];
	xmlDocPtr doc;
	xmlNodePtr root, copy;

	path_in(good, "signed.xml");
	path_in(bad, "twosigs.xml");
	sign_sample_to(key_pem, good);
	doc = load(good);
	root = xmlDocGetRootElement(doc);
	copy = xmlDocCopyNode(find_ds(doc, "Signature"), doc, 1);
	cr_assert_not_null(copy);
	cr_assert_not_null(xmlAddChild(root->children, copy));
	save(doc, bad);
	xmlFreeDoc(doc);
	assert_both_reject(bad, "exactly one is allowed");
}

Test(xmlsig, transforms_changed_are_refused)
{
	char good[PATH_MAX_LEN], bad[PATH_MAX_LEN];

	path_in(good, "signed.xml");
	path_in(bad, "transforms.xml");
	sign_sample_to(key_pem, good);
	/* An XPath filter in place of exc-c14n could select part of the
	 * document only. */
	replace_in_file(good, bad,
			"<ds:Transform Algorithm=\"http://www.w3.org/2001/10/xml-exc-c14n#\"/>",
			"<ds:Transform Algorithm=\"http://www.w3.org/TR/1999/REC-xpath-19991116\">"
			"<ds:XPath>not(ancestor-or-self::*[local-name()='amount'])</ds:XPath>"
			"</ds:Transform>");
	assert_both_reject(bad, "transforms must be exactly enveloped-signature then exc-c14n");
}

Test(xmlsig, digest_method_changed_is_refused)
{
	char good[PATH_MAX_LEN], bad[PATH_MAX_LEN];

	path_in(good, "signed.xml");
	path_in(bad, "digest.xml");
	sign_sample_to(key_pem, good);
	replace_in_file(good, bad, "http://www.w3.org/2001/04/xmlenc#sha256",
			"http://www.w3.org/2000/09/xmldsig#sha1");
	assert_both_reject(bad, "digest method must be sha256");
}

Test(xmlsig, unsigned_document_is_refused)
{
	mcg_error err;
	xmlDocPtr doc = parse_sample(SAMPLE);

	mcg_error_clear(&err);
	cr_assert_eq(mcg_xmlsig_verify(doc, pub_pem, &err), MCG_EINTEGRITY);
	cr_assert(strstr(err.msg, "not signed"), "%s", err.msg);
	xmlFreeDoc(doc);
}

/* ------------------------------------------------------------------ */
/* Validly signed, but not in mcg's shape: only the shape check refuses */

static void assert_only_shape_refuses(const struct custom_sig *c,
				      const char *name, const char *why)
{
	char path[PATH_MAX_LEN];
	mcg_error err;
	int rc;

	path_in(path, name);
	sign_custom_to(c, key_pem, SAMPLE, path);
	/* The cryptography holds: the plain CLI accepts the document. */
	cr_assert_eq(cli_verify(pub_pem, path, 0), 0,
		     "xmlsec1 refused %s; the test proves nothing", name);
	rc = verify_file(pub_pem, path, &err);
	cr_assert_eq(rc, MCG_EINTEGRITY, "mcg accepted %s (rc %d)", name, rc);
	cr_assert(strstr(err.msg, why), "message '%s' does not say '%s'",
		  err.msg, why);
}

Test(xmlsig, validly_signed_with_two_references_is_refused)
{
	struct custom_sig c = { xmlSecTransformExclC14NId,
				xmlSecTransformEcdsaSha256Id, 2, 1, 0 };

	assert_only_shape_refuses(&c, "tworefs-valid.xml", "exactly one Reference");
}

Test(xmlsig, validly_signed_without_exc_c14n_transform_is_refused)
{
	struct custom_sig c = { xmlSecTransformExclC14NId,
				xmlSecTransformEcdsaSha256Id, 1, 0, 0 };

	assert_only_shape_refuses(&c, "enveloped-only.xml",
				  "transforms must be exactly enveloped-signature then exc-c14n");
}

Test(xmlsig, validly_signed_with_inclusive_c14n_is_refused)
{
	struct custom_sig c = { xmlSecTransformInclC14NId,
				xmlSecTransformEcdsaSha256Id, 1, 1, 0 };

	assert_only_shape_refuses(&c, "incl-c14n.xml",
				  "canonicalization method must be exc-c14n");
}

Test(xmlsig, validly_signed_with_ecdsa_sha1_is_refused)
{
	struct custom_sig c = { xmlSecTransformExclC14NId,
				xmlSecTransformEcdsaSha1Id, 1, 1, 0 };

	assert_only_shape_refuses(&c, "ecdsa-sha1.xml",
				  "signature method must be ecdsa-sha256");
}

/*
 * A forger signs his own content with his own RSA key and puts that key in
 * KeyInfo.  mcg never reads KeyInfo, so the forgery fails.  The plain
 * `xmlsec1 --verify --pubkey-pem` trusts the embedded key (that is why an
 * outside verifier should add --enabled-key-data key-name): checked here
 * with the restricted command, which must refuse it.
 */
Test(xmlsig, forger_key_embedded_in_keyinfo_is_refused)
{
	char rsa_key[PATH_MAX_LEN], rsa_pub[PATH_MAX_LEN], path[PATH_MAX_LEN];
	struct custom_sig c = { xmlSecTransformExclC14NId,
				xmlSecTransformRsaSha256Id, 1, 1, 1 };
	mcg_error err;
	char *data = NULL;
	size_t len = 0;

	path_in(rsa_key, "rsa-key.pem");
	path_in(rsa_pub, "rsa-pub.pem");
	path_in(path, "forged.xml");
	make_key(rsa_key, rsa_pub, "RSA", "rsa_keygen_bits:2048");
	sign_custom_to(&c, rsa_key, SAMPLE, path);
	mcg_error_clear(&err);
	cr_assert_eq(mcg_read_file(path, 0, &data, &len, &err), 0);
	cr_assert(strstr(data, "RSAKeyValue"), "the forger's key is not embedded");
	free(data);

	cr_assert_eq(verify_file(pub_pem, path, &err), MCG_EINTEGRITY);
	cr_assert(strstr(err.msg, "signature method must be ecdsa-sha256"), "%s",
		  err.msg);
	cr_assert(cli_verify(pub_pem, path, 1) > 0,
		  "restricted xmlsec1 accepted a forger's embedded key");
}

/* ------------------------------------------------------------------ */
/* Keys and refusals of input                                          */

Test(xmlsig, missing_keys_are_input_errors)
{
	char missing[PATH_MAX_LEN], path[PATH_MAX_LEN];
	mcg_error err;
	xmlDocPtr doc = parse_sample(SAMPLE);

	path_in(missing, "no-such-key.pem");
	path_in(path, "signed.xml");
	mcg_error_clear(&err);
	cr_assert_eq(mcg_xmlsig_sign(doc, missing, &err), MCG_EINPUT);
	cr_assert(strstr(err.msg, "no-such-key.pem"), "%s", err.msg);
	cr_assert_null(xmlDocGetRootElement(doc)->last->next);
	cr_assert_str_eq((const char *)xmlDocGetRootElement(doc)->last->name,
			 "amount", "a failed signing must leave the document as it was");
	xmlFreeDoc(doc);

	sign_sample_to(key_pem, path);
	cr_assert_eq(verify_file(missing, path, &err), MCG_EINPUT);
	cr_assert(strstr(err.msg, "cannot read public key"), "%s", err.msg);
}

Test(xmlsig, wrong_kinds_of_keys_are_input_errors)
{
	char rsa_key[PATH_MAX_LEN], rsa_pub[PATH_MAX_LEN];
	char p384_key[PATH_MAX_LEN], p384_pub[PATH_MAX_LEN];
	char junk[PATH_MAX_LEN], path[PATH_MAX_LEN];
	mcg_error err;
	xmlDocPtr doc = parse_sample(SAMPLE);
	FILE *f;

	path_in(rsa_key, "rsa-key.pem");
	path_in(rsa_pub, "rsa-pub.pem");
	path_in(p384_key, "p384-key.pem");
	path_in(p384_pub, "p384-pub.pem");
	path_in(junk, "junk.pem");
	path_in(path, "signed.xml");
	make_key(rsa_key, rsa_pub, "RSA", "rsa_keygen_bits:2048");
	make_key(p384_key, p384_pub, "EC", "ec_paramgen_curve:P-384");
	f = fopen(junk, "w");
	cr_assert_not_null(f);
	fputs("not a key\n", f);
	cr_assert_eq(fclose(f), 0);

	mcg_error_clear(&err);
	cr_assert_eq(mcg_xmlsig_sign(doc, rsa_key, &err), MCG_EINPUT);
	cr_assert(strstr(err.msg, "not an EC key"), "%s", err.msg);
	cr_assert_eq(mcg_xmlsig_sign(doc, p384_key, &err), MCG_EINPUT);
	cr_assert(strstr(err.msg, "not P-256"), "%s", err.msg);
	cr_assert_eq(mcg_xmlsig_sign(doc, pub_pem, &err), MCG_EINPUT);
	cr_assert(strstr(err.msg, "needs the private key"), "%s", err.msg);
	cr_assert_eq(mcg_xmlsig_sign(doc, junk, &err), MCG_EINPUT);
	cr_assert(strstr(err.msg, "does not hold a PEM private key"), "%s", err.msg);
	cr_assert_str_eq((const char *)xmlDocGetRootElement(doc)->last->name,
			 "amount", "a refused signing must leave the document as it was");
	xmlFreeDoc(doc);

	sign_sample_to(key_pem, path);
	cr_assert_eq(verify_file(rsa_pub, path, &err), MCG_EINPUT);
	cr_assert_eq(verify_file(p384_pub, path, &err), MCG_EINPUT);
	cr_assert_eq(verify_file(junk, path, &err), MCG_EINPUT);
	/* The private key verifies too: it holds the public one. */
	cr_assert_eq(verify_file(key_pem, path, &err), 0, "%s", err.msg);
}

Test(xmlsig, signing_a_signed_document_is_refused)
{
	mcg_error err;
	xmlDocPtr doc = parse_sample(SAMPLE);

	mcg_error_clear(&err);
	cr_assert_eq(mcg_xmlsig_sign(doc, key_pem, &err), 0, "%s", err.msg);
	cr_assert_eq(mcg_xmlsig_sign(doc, key_pem, &err), MCG_EINPUT);
	cr_assert(strstr(err.msg, "already"), "%s", err.msg);
	cr_assert_eq(mcg_xmlsig_verify(doc, pub_pem, &err), 0, "%s", err.msg);
	xmlFreeDoc(doc);
}

/* ------------------------------------------------------------------ */
/* Library behaviour                                                   */

/*
 * Nothing prints from inside the library: xmlsec's error callback and
 * libxml2's handlers are silenced.  A relative namespace URI makes
 * libxml2's exclusive canonicalization report an error, a wrong key makes
 * xmlsec and OpenSSL report theirs.
 */
Test(xmlsig, failures_print_nothing_to_stderr)
{
	char good[PATH_MAX_LEN], bad[PATH_MAX_LEN], errlog[PATH_MAX_LEN];
	char junk[PATH_MAX_LEN];
	mcg_error err;
	struct stat st;
	xmlDocPtr doc, unsigned_doc;
	int saved, fd, rc1, rc2, rc3;
	FILE *f;

	path_in(good, "signed.xml");
	path_in(bad, "relative-ns.xml");
	path_in(errlog, "stderr.txt");
	path_in(junk, "junk.pem");
	sign_sample_to(key_pem, good);
	replace_in_file(good, bad, "urn:mcg:test:1", "relative/ns");
	f = fopen(junk, "w");
	cr_assert_not_null(f);
	fputs("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n", f);
	cr_assert_eq(fclose(f), 0);
	doc = load(bad);
	unsigned_doc = parse_sample(SAMPLE);

	fflush(stderr);
	saved = dup(2);
	fd = open(errlog, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	cr_assert(saved >= 0 && fd >= 0);
	dup2(fd, 2);
	close(fd);
	mcg_error_clear(&err);
	rc1 = mcg_xmlsig_verify(doc, pub_pem, &err);
	rc2 = mcg_xmlsig_verify(doc, junk, &err);
	rc3 = mcg_xmlsig_sign(unsigned_doc, junk, &err);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	xmlFreeDoc(doc);
	xmlFreeDoc(unsigned_doc);

	cr_assert_eq(rc1, MCG_EINTEGRITY);
	cr_assert_eq(rc2, MCG_EINPUT);
	cr_assert_eq(rc3, MCG_EINPUT);
	/* xmlsec's own word is kept in the message instead. */
	cr_assert(strstr(err.msg, "(xmlsec: "), "%s", err.msg);
	cr_assert_eq(stat(errlog, &st), 0);
	cr_assert_eq(st.st_size, 0, "the library wrote %lld bytes to stderr",
		     (long long)st.st_size);
}

Test(xmlsig, init_is_idempotent_and_survives_shutdown)
{
	char path[PATH_MAX_LEN];
	mcg_error err;

	mcg_error_clear(&err);
	cr_assert_eq(mcg_xmlsig_init(&err), 0, "%s", err.msg);
	cr_assert_eq(mcg_xmlsig_init(&err), 0, "%s", err.msg);
	mcg_xmlsig_shutdown();
	mcg_xmlsig_shutdown();
	/* sign and verify initialise on their own. */
	path_in(path, "signed.xml");
	sign_sample_to(key_pem, path);
	cr_assert_eq(verify_file(pub_pem, path, &err), 0, "%s", err.msg);
}
