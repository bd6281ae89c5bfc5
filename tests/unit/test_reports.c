/*
 * Tests of the reports module's helpers: ratios and their rounding, the
 * atomic write and the files it refuses to replace, the checkpoint note's body, the embedded schemas (the very
 * bytes of the XSD files in reports/, and what they accept, a paged
 * statement's Header/Page too), the refusals of mcg_report_verify that
 * come before any key is needed, the allocation-free reading of stored
 * event fields, the indentation given to a built tree (the bytes the old
 * serialize-and-parse-back gave), the writer's size limit and its test
 * variable, and the names of a paged statement's files.  The documents
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
#include "ledger_fixture.h"
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
/* The ledger whose files the writer must never replace. */
static struct fixture led;

static void make_tmpdir(void)
{
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/mcg-reports-XXXXXX");
	cr_assert_not_null(mkdtemp(tmpdir));
	ledger_fixture_make(&led, "reports");
}

static void remove_tmpdir(void)
{
	char cmd[128];

	ledger_fixture_remove(&led);
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
	cr_assert_eq(rpt_write_atomic(led.L, path, "first", 5, &err), 0, "%s", err.msg);
	cr_assert_eq(rpt_write_atomic(led.L, path, "second", 6, &err), 0, "%s", err.msg);
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
	cr_assert_eq(rpt_write_atomic(led.L, path, "x", 1, &err), MCG_ESYS);
	cr_assert(strstr(err.msg, "cannot create") != NULL, "%s", err.msg);
	/* The target is a folder: refused before the temporary is made (the
	 * rename would fail on it), and no temporary is left. */
	snprintf(path, sizeof(path), "%s/adir", tmpdir);
	cr_assert_eq(mkdir(path, 0700), 0);
	cr_assert_eq(rpt_write_atomic(led.L, path, "x", 1, &err), MCG_EINPUT);
	cr_assert(strstr(err.msg, "is a folder, not a file") != NULL, "%s", err.msg);
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	cr_assert_neq(access(tmp, F_OK), 0, "the temporary is removed");
}

/* The writer refuses, writing nothing, every file of the ledger's (by any
 * spelling, a link to it too) and what a rename would wrongly replace. */
Test(reports_write, never_replaces_the_ledgers_own_files,
     .init = make_tmpdir, .fini = remove_tmpdir)
{
	static const char *const own[] = {
		"l.db", "./l.db", "l.db-wal", "l.db-shm", "l.db-journal",
		"l.db.keys/statement.key", "l.db.keys/new.xml", "l.db.keys/../l.db",
	};
	char path[256], tmp[270], link[128];
	struct stat before, after;
	char *key_before, *key_after;
	mcg_error err;

	snprintf(path, sizeof(path), "%s/l.db.keys/statement.key", led.root);
	key_before = slurp(path);
	cr_assert_not_null(key_before);
	cr_assert_eq(stat(led.db, &before), 0);
	for (size_t i = 0; i < sizeof(own) / sizeof(own[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", led.root, own[i]);
		cr_assert_eq(rpt_write_atomic(led.L, path, "x", 1, &err), MCG_EINPUT,
			     "%s: %s", own[i], err.msg);
		snprintf(tmp, sizeof(tmp), "%s.tmp", path);
		cr_assert_neq(access(tmp, F_OK), 0, "%s: no temporary", own[i]);
	}
	cr_assert(strstr(err.msg, "is the ledger itself") != NULL, "%s", err.msg);
	cr_assert_eq(stat(led.db, &after), 0);
	cr_assert(before.st_ino == after.st_ino && before.st_size == after.st_size,
		  "the ledger is the same file, as large");
	snprintf(path, sizeof(path), "%s/l.db.keys/statement.key", led.root);
	key_after = slurp(path);
	cr_assert_not_null(key_after);
	cr_assert_str_eq(key_after, key_before, "the key is untouched");
	free(key_before);
	free(key_after);
	snprintf(path, sizeof(path), "%s/l.db.keys/new.xml", led.root);
	cr_assert_neq(access(path, F_OK), 0, "nothing new in the keys folder");
	/* A symbolic link to the ledger, and a FIFO: refused, left as they are. */
	snprintf(link, sizeof(link), "%s/link.db", tmpdir);
	cr_assert_eq(symlink(led.db, link), 0);
	cr_assert_eq(rpt_write_atomic(led.L, link, "x", 1, &err), MCG_EINPUT);
	cr_assert(strstr(err.msg, "is the ledger itself") != NULL, "%s", err.msg);
	snprintf(path, sizeof(path), "%s/fifo", tmpdir);
	cr_assert_eq(mkfifo(path, 0600), 0);
	cr_assert_eq(rpt_write_atomic(led.L, path, "x", 1, &err), MCG_EINPUT);
	cr_assert(strstr(err.msg, "is a FIFO (named pipe)") != NULL, "%s", err.msg);
	cr_assert_eq(lstat(path, &after), 0);
	cr_assert(S_ISFIFO(after.st_mode), "the FIFO is left as it was");
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

/* ---- a paged statement's schema --------------------------------------------------- */

Test(reports_schemas, statement_schema_takes_a_page)
{
	mcg_error err;

	/* Header/Page is optional: the one-document statement is unchanged. */
	cr_assert_eq(validate_file(DATA "statement_page.xml", &err), 0, "%s", err.msg);
	cr_assert_eq(validate_file(DATA "statement_page_bad.xml", &err), MCG_EINPUT);
	cr_assert(strstr(err.msg, "StatementTotalGuaranteed") != NULL, "%s", err.msg);
}

/* ---- reading stored fields without decoding them all -------------------------------- */

Test(reports_fields, picks_the_first_value_of_each_key)
{
	char loan[RPT_ID_MAX], principal[40];
	rpt_pick picks[2] = { { "loan", loan, sizeof(loan), 0 },
			      { "principal", principal, sizeof(principal), 0 } };

	cr_assert_eq(rpt_fields_pick("loan=L-001\nprincipal=74167\ninterest=17058\n", picks, 2), 0);
	cr_assert(picks[0].found && picks[1].found);
	cr_assert_str_eq(loan, "L-001");
	cr_assert_str_eq(principal, "74167");
	cr_assert_eq(rpt_text_int(principal), 74167);
	/* Order does not matter; a repeated key gives its first value; a key
	 * that only starts like a picked one is another key. */
	cr_assert_eq(rpt_fields_pick("principalx=1\nprincipal=5\nloan=A\nloan=B\n", picks, 2), 0);
	cr_assert_str_eq(loan, "A");
	cr_assert_str_eq(principal, "5");
	/* Missing: not found, empty. */
	cr_assert_eq(rpt_fields_pick("interest=3\n", picks, 2), 0);
	cr_assert(!picks[0].found && !picks[1].found);
	cr_assert_str_eq(loan, "");
	cr_assert_eq(rpt_fields_pick("", picks, 2), 0);
	cr_assert(!picks[0].found);
}

Test(reports_fields, decodes_escapes_as_the_journal_wrote_them)
{
	char v[16];
	rpt_pick pick = { "name", v, sizeof(v), 0 };

	cr_assert_eq(rpt_fields_pick("x=a\\nb\nname=a\\\\b\\nc\n", &pick, 1), 0);
	cr_assert_str_eq(v, "a\\b\nc");
}

Test(reports_fields, refuses_damaged_text_and_values_too_long)
{
	char v[8];
	rpt_pick pick = { "loan", v, sizeof(v), 0 };

	/* Damage anywhere is damage, even after the picked field. */
	cr_assert_eq(rpt_fields_pick("loan=A\nnoequals\n", &pick, 1), -1);
	cr_assert_eq(rpt_fields_pick("loan=A\nx=no newline", &pick, 1), -1);
	cr_assert_eq(rpt_fields_pick("loan=A\\x\n", &pick, 1), -1);
	cr_assert_eq(rpt_fields_pick("loan=A\\", &pick, 1), -1);
	cr_assert_eq(rpt_fields_pick("a_key_longer_than_twenty_four=1\n", &pick, 1), -1);
	/* A picked value must fit (7 bytes and the NUL); others need not. */
	cr_assert_eq(rpt_fields_pick("loan=1234567\nother=123456789012\n", &pick, 1), 0);
	cr_assert_str_eq(v, "1234567");
	cr_assert_eq(rpt_fields_pick("loan=12345678\n", &pick, 1), -1);
	/* The same shape as mcg_event_decode_fields accepts. */
	{
		mcg_event ev;
		mcg_error err;

		mcg_event_init(&ev, "");
		cr_assert_neq(mcg_event_decode_fields(&ev, "loan=A\nnoequals\n", &err), 0);
		mcg_event_free(&ev);
	}
	cr_assert(rpt_is_loan_event("repay") && rpt_is_loan_event("loan.add") &&
		  rpt_is_loan_event("writeoff") && rpt_is_loan_event("recover"));
	cr_assert(!rpt_is_loan_event("member.add") && !rpt_is_loan_event("repayx") &&
		  !rpt_is_loan_event(NULL));
	cr_assert_eq(rpt_text_int("12x"), 0);
	cr_assert_eq(rpt_text_int(NULL), 0);
	cr_assert_eq(rpt_text_int("-30"), -30);
}

/* ---- the indentation of a built document --------------------------------------------- */

/* A small tree shaped like a statement: nested lists, attributes, empty
 * elements, text that needs escaping. */
static void build_sample(rpt_doc *d)
{
	xmlNodePtr list, g, n;

	memset(d, 0, sizeof(*d));
	d->schema = rpt_schema_of(MCG_DOC_STATEMENT);
	d->digits = 2;
	d->doc = xmlNewDoc(BAD_CAST "1.0");
	cr_assert_not_null(d->doc);
	d->doc->dict = xmlDictCreate();
	d->root = xmlNewDocNode(d->doc, NULL, BAD_CAST "BankStatement", NULL);
	xmlDocSetRootElement(d->doc, d->root);
	d->ns = xmlNewNs(d->root, BAD_CAST "urn:mcg:statement:1", NULL);
	xmlSetNs(d->root, d->ns);
	rpt_attr(d, d->root, "version", "1");
	n = rpt_elem(d, d->root, "Header");
	rpt_text(d, n, "Consortium", "Smalti & Co <Sassuolo> \"quoted\"\r\n");
	rpt_attr(d, rpt_elem(d, n, "Period"), "from", "2026-01-01");
	list = rpt_elem(d, d->root, "Guarantees");
	for (int i = 0; i < 3; i++) {
		g = rpt_elem(d, list, "Guarantee");
		rpt_attr_int(d, g, "n", i);
		rpt_amount(d, g, "Principal", 100000 + i);
		n = rpt_elem(d, g, "Pledges");
		rpt_amount(d, rpt_elem(d, n, "Pledge"), "Amount", 5);
		rpt_amount(d, n, "Total", 5);
	}
	rpt_attr_int(d, list, "count", 3);
	rpt_elem(d, d->root, "Events");
	cr_assert_eq(d->failed, 0);
}

static char *dump_doc(xmlDocPtr doc, int format)
{
	xmlChar *out = NULL;
	int n = 0;
	char *copy;

	xmlDocDumpFormatMemoryEnc(doc, &out, &n, "UTF-8", format);
	cr_assert_not_null(out);
	copy = strdup((const char *)out);
	xmlFree(out);
	return copy;
}

Test(reports_indent, writes_what_formatted_output_and_parsing_back_gave)
{
	rpt_doc d;
	xmlDocPtr reparsed;
	mcg_error err;
	char *formatted, *indented, *old_way;

	build_sample(&d);
	formatted = dump_doc(d.doc, 1);
	/* What mcg did before: serialize indented, parse back, serialize. */
	cr_assert_eq(mcg_xml_parse_memory(formatted, strlen(formatted), "sample", &reparsed,
					  &err), 0, "%s", err.msg);
	old_way = dump_doc(reparsed, 0);
	xmlFreeDoc(reparsed);
	cr_assert_eq(rpt_indent(&d), 0);
	indented = dump_doc(d.doc, 0);
	cr_assert_str_eq(indented, formatted);
	cr_assert_str_eq(indented, old_way);
	cr_assert(strstr(indented, "\n    <Guarantee n=\"1\">\n      <Principal>1000.01</Principal>") != NULL,
		  "%s", indented);
	cr_assert(strstr(indented, "<Events/>\n</BankStatement>") != NULL, "%s", indented);
	/* The running size is a lower bound, short only of the declaration,
	 * the root element as made by rpt_doc_start ("<BankStatement/>" and
	 * its namespace), the last newline, and the escapes (&amp; &lt; &gt;
	 * &#13;: 4 + 3 + 3 + 4 bytes). */
	cr_assert_leq(d.bytes_min, strlen(indented));
	cr_assert_eq(strlen(indented) - d.bytes_min,
		     strlen("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n") +
		     strlen("<BankStatement/>") + strlen(" xmlns=\"urn:mcg:statement:1\"") +
		     1 + 14,
		     "%zu of %zu", d.bytes_min, strlen(indented));
	free(formatted);
	free(indented);
	free(old_way);
	rpt_doc_free(&d);
}

/* ---- the size of what mcg writes ----------------------------------------------------- */

Test(reports_limit, the_test_variable_only_lowers_the_limit)
{
	unsetenv("MCG_TEST_DOC_BYTES_MAX");
	cr_assert_eq(rpt_doc_bytes_max(), MCG_REPORT_BYTES_MAX);
	cr_assert_eq(MCG_REPORT_BYTES_MAX, (size_t)16 * 1024 * 1024);
	setenv("MCG_TEST_DOC_BYTES_MAX", "20000", 1);
	cr_assert_eq(rpt_doc_bytes_max(), 20000);
	/* Never above what a verifier reads, and nonsense is ignored. */
	setenv("MCG_TEST_DOC_BYTES_MAX", "99999999999", 1);
	cr_assert_eq(rpt_doc_bytes_max(), MCG_REPORT_BYTES_MAX);
	setenv("MCG_TEST_DOC_BYTES_MAX", "16777217", 1);
	cr_assert_eq(rpt_doc_bytes_max(), MCG_REPORT_BYTES_MAX);
	setenv("MCG_TEST_DOC_BYTES_MAX", "0", 1);
	cr_assert_eq(rpt_doc_bytes_max(), MCG_REPORT_BYTES_MAX);
	setenv("MCG_TEST_DOC_BYTES_MAX", "-5", 1);
	cr_assert_eq(rpt_doc_bytes_max(), MCG_REPORT_BYTES_MAX);
	setenv("MCG_TEST_DOC_BYTES_MAX", "12k", 1);
	cr_assert_eq(rpt_doc_bytes_max(), MCG_REPORT_BYTES_MAX);
	unsetenv("MCG_TEST_DOC_BYTES_MAX");
}

/* ---- the files of a paged statement ----------------------------------------------------- */

Test(reports_pages, page_files_are_named_before_the_extension)
{
	char out[64];

	cr_assert_eq(mcg_statement_page_path("q1.xml", 1, 3, out, sizeof(out)), 0);
	cr_assert_str_eq(out, "q1-p1.xml");
	cr_assert_eq(mcg_statement_page_path("q1.xml", 2, 12, out, sizeof(out)), 0);
	cr_assert_str_eq(out, "q1-p02.xml", "zero-padded to the width of the count");
	cr_assert_eq(mcg_statement_page_path("out/bpm.q1.xml", 100, 100, out, sizeof(out)), 0);
	cr_assert_str_eq(out, "out/bpm.q1-p100.xml", "the last extension");
	cr_assert_eq(mcg_statement_page_path("dir.d/stmt", 1, 1, out, sizeof(out)), 0);
	cr_assert_str_eq(out, "dir.d/stmt-p1", "a dot in a folder is no extension");
	cr_assert_eq(mcg_statement_page_path("/tmp/.hidden", 3, 9, out, sizeof(out)), 0);
	cr_assert_str_eq(out, "/tmp/.hidden-p3", "nor is a leading dot");
	cr_assert_eq(mcg_statement_page_path("q1.xml", 1, 3, out, 9), -1, "too long");
	cr_assert_eq(mcg_statement_page_path("q1.xml", 1, 3, out, 10), 0);
}
