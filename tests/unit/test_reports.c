/*
 * Tests of the reports module's helpers: ratios and their rounding, the
 * atomic write, the checkpoint note's body, the embedded schemas (the very
 * bytes of the XSD files in reports/, and what they accept), and the refusals of
 * mcg_report_verify that come before any key is needed.  The documents
 * themselves are tested end to end in tests/e2e/t_xml_*.sh, against the
 * real xmlsec1 and xmllint.
 */
#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "money.h"
#include "reports/report_int.h"
#include "xmlsafe.h"

#define DATA "tests/data/xml/"

/* ---- ratios --------------------------------------------------------------- */

Test(reports_ratio, hundredths_rounded_half_up)
{
	int64_t v;

	/* 57,000.00 / 100,295.00 = 0.56832 -> 0.57 */
	cr_assert_eq(rpt_ratio_centi(5700000, 10029500, 100, &v), 0);
	cr_assert_eq(v, 57);
	/* 1/8 = 0.125 -> 0.13 (half up); 1/3 -> 0.33 */
	cr_assert_eq(rpt_ratio_centi(1, 8, 100, &v), 0);
	cr_assert_eq(v, 13);
	cr_assert_eq(rpt_ratio_centi(1, 3, 100, &v), 0);
	cr_assert_eq(v, 33);
	/* As a percentage: 25,000 / 100,295 = 24.926% -> 24.93 */
	cr_assert_eq(rpt_ratio_centi(2500000, 10029500, 10000, &v), 0);
	cr_assert_eq(v, 2493);
	cr_assert_eq(rpt_ratio_centi(0, 7, 10000, &v), 0);
	cr_assert_eq(v, 0);
}

Test(reports_ratio, refuses_what_has_no_answer)
{
	int64_t v = 42;

	cr_assert_eq(rpt_ratio_centi(1, 0, 100, &v), MCG_EINPUT);
	cr_assert_eq(rpt_ratio_centi(1, -5, 100, &v), MCG_EINPUT);
	cr_assert_eq(rpt_ratio_centi(-1, 5, 100, &v), MCG_EINPUT);
	/* INT64_MAX / 1 in hundredths does not fit in 64 bits. */
	cr_assert_eq(rpt_ratio_centi(INT64_MAX, 1, 100, &v), MCG_EINPUT);
	cr_assert_eq(v, 42, "the output is untouched on refusal");
	/* The largest amounts still work: 128-bit intermediates. */
	cr_assert_eq(rpt_ratio_centi(INT64_MAX, INT64_MAX, 10000, &v), 0);
	cr_assert_eq(v, 10000);
}

Test(reports_ratio, centi_format)
{
	char buf[MCG_AMOUNT_TEXT_MAX];

	cr_assert_str_eq(rpt_centi_format(0, buf), "0.00");
	cr_assert_str_eq(rpt_centi_format(5, buf), "0.05");
	cr_assert_str_eq(rpt_centi_format(1500, buf), "15.00");
	cr_assert_str_eq(rpt_centi_format(17596, buf), "175.96");
	cr_assert_str_eq(rpt_centi_format(-3, buf), "0.00", "never negative");
}

/* ---- the atomic write ---------------------------------------------------------- */

static char tmpdir[64];

static void make_tmpdir(void)
{
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/mcg-reports-XXXXXX");
	cr_assert_not_null(mkdtemp(tmpdir));
}

static void remove_tmpdir(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	cr_assert_eq(system(cmd), 0);
}

static char *slurp(const char *path)
{
	char *data = NULL;
	size_t len = 0;
	mcg_error err;

	if (mcg_read_file(path, 1 << 20, &data, &len, &err))
		return NULL;
	return data;
}

Test(reports_write, replaces_the_file_and_leaves_no_temporary,
     .init = make_tmpdir, .fini = remove_tmpdir)
{
	char path[128], tmp[140];
	mcg_error err;
	char *got;

	snprintf(path, sizeof(path), "%s/out.xml", tmpdir);
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	cr_assert_eq(rpt_write_atomic(path, "first", 5, &err), 0, "%s", err.msg);
	cr_assert_eq(rpt_write_atomic(path, "second", 6, &err), 0, "%s", err.msg);
	got = slurp(path);
	cr_assert_str_eq(got, "second");
	free(got);
	cr_assert_neq(access(tmp, F_OK), 0, "no FILE.tmp is left");
}

Test(reports_write, a_failure_writes_nothing,
     .init = make_tmpdir, .fini = remove_tmpdir)
{
	char path[128], tmp[140];
	mcg_error err;

	snprintf(path, sizeof(path), "%s/missing/out.xml", tmpdir);
	cr_assert_eq(rpt_write_atomic(path, "x", 1, &err), MCG_ESYS);
	cr_assert(strstr(err.msg, "cannot create") != NULL, "%s", err.msg);
	/* The target is a folder: the rename fails, the temporary goes. */
	snprintf(path, sizeof(path), "%s/adir", tmpdir);
	cr_assert_eq(mkdir(path, 0700), 0);
	cr_assert_eq(rpt_write_atomic(path, "x", 1, &err), MCG_ESYS);
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	cr_assert_neq(access(tmp, F_OK), 0, "the temporary is removed");
}

/* ---- the checkpoint's note ------------------------------------------------------- */

Test(reports_checkpoint, parses_the_body_of_a_signed_note)
{
	static const char note[] =
		"mcg.ledger/test/0123456789abcdef\n"
		"18\n"
		"vmGpItdTsSSP4RaEzxjZTttRDk/IL65dFXGL3CSyVBo=\n"
		"\n"
		"\xe2\x80\x94 mcg.ledger/test/0123456789abcdef AAAAAA==\n";
	mcg_checkpoint cp;
	mcg_error err;

	cr_assert_eq(rpt_checkpoint_parse_note(note, sizeof(note) - 1, &cp, &err), 0, "%s",
		     err.msg);
	cr_assert_str_eq(cp.origin, "mcg.ledger/test/0123456789abcdef");
	cr_assert_eq(cp.size, 18);
	cr_assert_eq(cp.root.b[0], 0xbe);
}

Test(reports_checkpoint, refuses_a_note_without_its_blank_line)
{
	static const char body[] = "origin\n18\nvmGpItdTsSSP4RaEzxjZTttRDk/IL65dFXGL3CSyVBo=\n";
	mcg_checkpoint cp;
	mcg_error err;

	cr_assert_eq(rpt_checkpoint_parse_note(body, sizeof(body) - 1, &cp, &err), MCG_EINPUT);
}

/* ---- the embedded schemas ------------------------------------------------------- */

Test(reports_schemas, embedded_bytes_are_the_files_in_reports)
{
	for (size_t i = 0; i < rpt_n_schemas; i++) {
		const rpt_schema *s = &rpt_schemas[i];
		char *file = slurp(s->file);

		cr_assert_not_null(file, "cannot read %s", s->file);
		cr_assert_eq(strlen(file), *s->xsd_len, "%s: length", s->file);
		cr_assert_eq(memcmp(file, s->xsd, *s->xsd_len), 0, "%s: bytes", s->file);
		cr_assert_eq(s->xsd[*s->xsd_len], '\0', "%s: NUL after the blob", s->file);
		free(file);
		cr_assert_eq(rpt_schema_of(s->kind), s);
	}
}

static int validate_file(const char *path, mcg_error *err)
{
	const rpt_schema *s = rpt_schema_of(MCG_DOC_STATEMENT);
	xmlDocPtr doc;
	int rc = mcg_xml_parse_file(path, 0, &doc, err);

	if (rc)
		return rc;
	rc = mcg_xml_validate(doc, s->xsd, *s->xsd_len, path, err);
	xmlFreeDoc(doc);
	return rc;
}

Test(reports_schemas, statement_schema_accepts_and_refuses)
{
	mcg_error err;

	cr_assert_eq(validate_file(DATA "statement_min.xml", &err), 0, "%s", err.msg);
	/* The signature slot takes any xmldsig element, laxly. */
	cr_assert_eq(validate_file(DATA "statement_sigslot.xml", &err), 0, "%s", err.msg);
	/* ... and nothing of another namespace. */
	cr_assert_eq(validate_file(DATA "statement_extra.xml", &err), MCG_EINPUT);
	cr_assert(strstr(err.msg, "Extra") != NULL, "%s", err.msg);
}

/* ---- verify: refusals before any key --------------------------------------------- */

Test(reports_verify, refusals_that_need_no_key)
{
	mcg_verify_report r;
	mcg_error err;

	cr_assert_eq(mcg_report_verify(DATA "nosuch.xml", "nosuch.pub", NULL, &r, &err),
		     MCG_EINPUT);
	cr_assert_eq(mcg_report_verify(DATA "statement_doctype.xml", "nosuch.pub", NULL, &r,
				       &err), MCG_EINTEGRITY);
	cr_assert(strstr(err.msg, "DOCTYPE") != NULL, "%s", err.msg);
	/* Well-formed, recognised, but not signed: the key is read first. */
	cr_assert_eq(mcg_report_verify(DATA "statement_min.xml", "nosuch.pub", NULL, &r, &err),
		     MCG_EINPUT);
	cr_assert(strstr(err.msg, "nosuch.pub") != NULL, "%s", err.msg);
	cr_assert_eq(mcg_report_verify("tests/data/rules/custom.xml", "nosuch.pub", NULL, &r,
				       &err), MCG_EINTEGRITY);
	cr_assert(strstr(err.msg, "not a document mcg signs") != NULL, "%s", err.msg);
}
