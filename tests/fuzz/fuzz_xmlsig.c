/*
 * Fuzz target: reading a signed XML document and checking its signature,
 * the first two steps of `mcg statement verify FILE`:
 * mcg_xml_parse_memory (common/xmlsafe.h: no DTD, no entities, no network,
 * bounded size and depth) then mcg_xmlsig_verify (reports/xmlsig.h: the
 * exact signature shape mcg writes, then the cryptography) with a fixed
 * test key (tests/fuzz/keys/test-statement.pub, a key for tests only).
 *
 * The seed corpus holds a document validly signed with that key, so the
 * fuzzer starts from the accepting path and mutates toward wrapping
 * attacks, second references, odd transforms and broken encodings.
 * Promises checked: a refusal is one line with a code (fuzz.h); parsing
 * refuses with MCG_EINPUT only; a signature refusal is MCG_EINTEGRITY
 * (MCG_ESYS only for memory), never MCG_EINPUT, since the key is good.
 */
#include "fuzz.h"

#include <unistd.h>

#include <libxml/parser.h>

#include "reports/xmlsig.h"
#include "xmlsafe.h"

/* The public half of tests/fuzz/keys/test-statement.key (P-256). */
static const char test_pub_pem[] =
	"-----BEGIN PUBLIC KEY-----\n"
	"MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEsw1S5UU9RUZ97vpJ4dxRBbxspD6d\n"
	"6Oj3toK1G7nSGaeC1q6Dzf3NH0OF3A9JwFvEwtrJz1iiyzgzbJt8gqeh1g==\n"
	"-----END PUBLIC KEY-----\n";

static char pub_path[64];

static void remove_key(void)
{
	if (pub_path[0])
		unlink(pub_path);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	mcg_error err;
	FILE *f;
	int fd;

	(void)argc;
	(void)argv;
	snprintf(pub_path, sizeof(pub_path), "%s", "/tmp/mcg-fuzz-pub.XXXXXX");
	fd = mkstemp(pub_path);
	if (fd < 0 || !(f = fdopen(fd, "w"))) {
		perror("fuzz_xmlsig: temporary key file");
		abort();
	}
	fputs(test_pub_pem, f);
	if (fclose(f) != 0)
		abort();
	atexit(remove_key);
	mcg_error_clear(&err);
	if (mcg_xmlsig_init(&err) != MCG_OK) {
		fprintf(stderr, "fuzz_xmlsig: %s\n", err.msg);
		abort();
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	xmlDocPtr doc = NULL;
	mcg_error err;
	int rc;

	mcg_error_clear(&err);
	rc = mcg_xml_parse_memory((const char *)data, size, "fuzz.xml", &doc, &err);
	fuzz_check_error(rc, &err);
	if (rc != MCG_OK) {
		FUZZ_REQUIRE(rc == MCG_EINPUT || rc == MCG_ESYS,
			     "unreadable XML is bad input");
		FUZZ_REQUIRE(doc == NULL, "no document on failure");
		return 0;
	}
	mcg_error_clear(&err);
	rc = mcg_xmlsig_verify(doc, pub_path, &err);
	fuzz_check_error(rc, &err);
	FUZZ_REQUIRE(rc == MCG_OK || rc == MCG_EINTEGRITY || rc == MCG_ESYS,
		     "a bad signature is an integrity failure");
	xmlFreeDoc(doc);
	return 0;
}
