/*
 * Fuzz target: `mcg statement verify FILE` as a whole, without a ledger:
 * mcg_report_verify (reports/reports.h) reads the file (bounded), refuses
 * a DOCTYPE, parses safely, recognises the kind of document, verifies the
 * signature with a fixed test key (tests/fuzz/keys/test-statement.pub),
 * validates against the kind's XSD and checks the embedded checkpoint
 * against its signed note.
 *
 * The seed corpus holds a bank statement, the second page of a statement
 * in pages (`--page-size`: Header and Page), a regulatory report and a
 * member statement written by mcg and signed with the test key, so the fuzzer
 * starts on the accepting path.  Each input is written to a temporary file
 * (the function reads a path, as the command does).  Promises checked: the
 * answer is 0, MCG_EINPUT, MCG_EINTEGRITY or MCG_ESYS; a refusal is one
 * line (fuzz.h); an accepted document names its kind and schema.
 */
#include "fuzz.h"

#include <unistd.h>

#include "reports/reports.h"
#include "reports/xmlsig.h"

/* The public half of tests/fuzz/keys/test-statement.key (P-256). */
static const char test_pub_pem[] =
	"-----BEGIN PUBLIC KEY-----\n"
	"MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEsw1S5UU9RUZ97vpJ4dxRBbxspD6d\n"
	"6Oj3toK1G7nSGaeC1q6Dzf3NH0OF3A9JwFvEwtrJz1iiyzgzbJt8gqeh1g==\n"
	"-----END PUBLIC KEY-----\n";

static char pub_path[64];
static char doc_path[64];

static void remove_files(void)
{
	if (pub_path[0])
		unlink(pub_path);
	if (doc_path[0])
		unlink(doc_path);
}

/* A fresh temporary file holding len bytes of data; its name in path. */
static void write_temp(char *path, size_t pathsz, const void *data, size_t len)
{
	FILE *f;
	int fd;

	snprintf(path, pathsz, "%s", "/tmp/mcg-fuzz.XXXXXX");
	fd = mkstemp(path);
	if (fd < 0 || !(f = fdopen(fd, "wb"))) {
		perror("fuzz_statement: temporary file");
		abort();
	}
	if (len && fwrite(data, 1, len, f) != len)
		abort();
	if (fclose(f) != 0)
		abort();
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	mcg_error err;

	(void)argc;
	(void)argv;
	write_temp(pub_path, sizeof(pub_path), test_pub_pem, strlen(test_pub_pem));
	write_temp(doc_path, sizeof(doc_path), "", 0);
	atexit(remove_files);
	mcg_error_clear(&err);
	if (mcg_xmlsig_init(&err) != MCG_OK) {
		fprintf(stderr, "fuzz_statement: %s\n", err.msg);
		abort();
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	mcg_verify_report report;
	mcg_error err;
	FILE *f;
	int rc;

	f = fopen(doc_path, "wb");
	if (!f)
		abort();
	if (size && fwrite(data, 1, size, f) != size)
		abort();
	if (fclose(f) != 0)
		abort();
	mcg_error_clear(&err);
	rc = mcg_report_verify(doc_path, pub_path, NULL, &report, &err);
	fuzz_check_error(rc, &err);
	FUZZ_REQUIRE(rc == MCG_OK || rc == MCG_EINPUT || rc == MCG_EINTEGRITY ||
		     rc == MCG_ESYS, "verified, bad input or an integrity failure");
	if (rc == MCG_OK)
		FUZZ_REQUIRE(report.what && report.schema && report.ns,
			     "an accepted document names its kind");
	return 0;
}
