/*
 * The signed documents: `statement BANK`, `report regulatory` and
 * `statement verify FILE`.  The work is in reports/ (reports.h); this
 * file parses the flags, checks the output path before anything is
 * signed, and prints one line saying what was written or verified.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "audit/keys.h"
#include "cli.h"
#include "date.h"
#include "money.h"
#include "path.h"
#include "reports/reports.h"

/* Most arguments a report command takes (flags and values included). */
#define REPORT_ARGS_MAX 32

/*
 * CLI.md writes the output flag as `-o FILE`; the shared parser knows only
 * long flags, so `-o` is read as `--output` (both are accepted).
 */
static int spell_output(int argc, char **argv, char **out, mcg_error *err)
{
	static char long_output[] = "--output";

	if (argc > REPORT_ARGS_MAX)
		return mcg_error_set(err, MCG_EINPUT, "too many arguments (limit %d)",
				     REPORT_ARGS_MAX);
	for (int i = 0; i < argc; i++)
		out[i] = strcmp(argv[i], "-o") == 0 && i > 0 ? long_output : argv[i];
	return MCG_OK;
}

/* --from and --to, both required, as days. */
static int period(cli_args *a, int32_t *from, int32_t *to, mcg_error *err)
{
	const char *f = cli_value(a, "from"), *t = cli_value(a, "to");

	if (!f || !t)
		return mcg_error_set(err, MCG_EINPUT, "--from and --to are required (YYYY-MM-DD)");
	if (mcg_date_parse(f, from, err))
		return mcg_error_prefix(err, "--from");
	if (mcg_date_parse(t, to, err))
		return mcg_error_prefix(err, "--to");
	if (*from > *to)
		return mcg_error_set(err, MCG_EINPUT, "--from %s is after --to %s", f, t);
	return MCG_OK;
}

/*
 * The output file must be given, and its folder must exist and be
 * writable, before a checkpoint is signed and the document built: a typo
 * in the path is bad input (exit 2), found first.  "-" is standard output.
 * The file must not be one of the ledger's own (the ledger, its -wal,
 * -shm or -journal, anything in the keys folder) nor an existing folder,
 * FIFO or device: the document is renamed over FILE, and would replace it
 * (mcg_ledger_output_check, which the writer in reports/ applies again to
 * every file it writes, a statement's pages and each FILE.tmp too).
 * A path that ends in '/' names a folder, whether or not there is one yet;
 * refused here, it would otherwise fail late, at creating "newdir/.tmp".
 */
static int output_path(mcg_cli *cli, cli_args *a, const char **out, mcg_error *err)
{
	const char *path = cli_value(a, "output");
	char name[CLI_ARG_BYTES_MAX + 8];
	mcg_buf dir = MCG_BUF_INIT;
	struct stat st;
	int rc = MCG_OK;

	if (!path || !*path)
		return mcg_error_set(err, MCG_EINPUT, "-o FILE is required (- for standard output)");
	*out = path;
	if (strcmp(path, "-") == 0)
		return MCG_OK;
	snprintf(name, sizeof(name), "-o %s", path);
	rc = mcg_ledger_output_check(cli->db_path, cli->keys_dir, name, path, err);
	if (rc)
		return rc;
	if (path[strlen(path) - 1] == '/')
		return mcg_error_set(err, MCG_EINPUT,
				     "-o %s ends in '/', so it names a folder, not a file", path);
	if (mcg_path_parent(path, &dir))
		return mcg_error_set(err, MCG_ESYS, "out of memory");
	if (stat(dir.data, &st) != 0 || !S_ISDIR(st.st_mode))
		rc = mcg_error_set(err, MCG_EINPUT, "-o %s: there is no folder %s", path,
				   dir.data);
	else if (access(dir.data, W_OK) != 0)
		rc = mcg_error_set(err, MCG_EINPUT, "-o %s: cannot write in %s: %s", path,
				   dir.data, strerror(errno));
	mcg_buf_free(&dir);
	return rc;
}

/* One line on what was written (on stderr when the document went to stdout). */
static void say_written(mcg_cli *cli, const char *what, const char *path,
			const char *subject, const mcg_report_info *info)
{
	FILE *out = strcmp(path, "-") == 0 ? stderr : stdout;
	char date[MCG_DATE_TEXT_MAX], ga[MCG_AMOUNT_TEXT_MAX];
	char where[3 * CLI_ARG_BYTES_MAX], first[CLI_ARG_BYTES_MAX + 32],
	     last[CLI_ARG_BYTES_MAX + 32];

	if (out == stderr && !cli->stderr_is_tty)
		return;
	if (info->pages > 0 &&
	    mcg_statement_page_path(path, 1, info->pages, first, sizeof(first)) == 0 &&
	    mcg_statement_page_path(path, info->pages, info->pages, last, sizeof(last)) == 0)
		snprintf(where, sizeof(where), "in %zu page%s, %s%s%s (%zu bytes in all)",
			 info->pages, info->pages == 1 ? "" : "s", first,
			 info->pages == 1 ? "" : " to ", info->pages == 1 ? "" : last,
			 info->bytes);
	else
		snprintf(where, sizeof(where), "%s (%zu bytes)",
			 strcmp(path, "-") == 0 ? "to standard output" : path, info->bytes);
	fprintf(out, "wrote %s %s for %s: %zu %s%s, %zu event%s of the period,"
		" guaranteed %s %s; as of event %lld (%s); signed, with a checkpoint of %lld events\n",
		what, where, subject,
		info->items, strcmp(what, "bank statement") == 0 ? "guarantee" : "instrument",
		info->items == 1 ? "" : "s", info->events, info->events == 1 ? "" : "s",
		mcg_amount_format_grouped(info->total_ga_minor, mcg_ledger_minor_digits(cli->L), ga),
		mcg_ledger_currency(cli->L), (long long)info->as_of_seq,
		mcg_date_format(info->as_of_days, date), (long long)info->checkpoint_size);
}

int cmd_statement(mcg_cli *cli, int argc, char **argv, mcg_error *err)
{
	cli_flag flags[] = { { "from", 1, 0, 0, NULL, { 0 }, 0 },
			     { "to", 1, 0, 0, NULL, { 0 }, 0 },
			     { "page-size", 1, 0, 0, NULL, { 0 }, 0 },
			     { "output", 1, 0, 0, NULL, { 0 }, 0 } };
	cli_args a = { flags, 4, { 0 }, 0 };
	char *args[REPORT_ARGS_MAX];
	mcg_report_info info;
	const char *path, *size_text;
	char subject[96], f[MCG_DATE_TEXT_MAX], t[MCG_DATE_TEXT_MAX];
	int64_t page_size = 0;
	int32_t from, to;
	int rc;

	rc = spell_output(argc, argv, args, err);
	rc = rc ? rc : cli_parse(cli, argc, args, &a, 1, 1, err);
	rc = rc ? rc : period(&a, &from, &to, err);
	size_text = rc ? NULL : cli_value(&a, "page-size");
	if (size_text)
		rc = cli_integer(size_text, "--page-size", 1, MCG_STATEMENT_PAGE_SIZE_MAX,
				 &page_size, err);
	rc = rc ? rc : output_path(cli, &a, &path, err);
	if (!rc && page_size && strcmp(path, "-") == 0)
		rc = mcg_error_set(err, MCG_EINPUT,
				   "--page-size writes one file a page: give -o FILE, not -");
	/* Writable: the statement signs a fresh checkpoint, kept once written. */
	rc = rc ? rc : cli_open(cli, 0, err);
	rc = rc ? rc : mcg_statement_write(cli->L, a.pos[0], from, to, (size_t)page_size,
					   path, &info, err);
	if (rc)
		return rc;
	snprintf(subject, sizeof(subject), "bank %s, %s to %s", a.pos[0],
		 mcg_date_format(from, f), mcg_date_format(to, t));
	say_written(cli, "bank statement", path, subject, &info);
	return MCG_OK;
}

int cmd_report_regulatory(mcg_cli *cli, int argc, char **argv, mcg_error *err)
{
	cli_flag flags[] = { { "from", 1, 0, 0, NULL, { 0 }, 0 },
			     { "to", 1, 0, 0, NULL, { 0 }, 0 },
			     { "output", 1, 0, 0, NULL, { 0 }, 0 } };
	cli_args a = { flags, 3, { 0 }, 0 };
	char *args[REPORT_ARGS_MAX];
	mcg_report_info info;
	const char *path;
	char subject[64], f[MCG_DATE_TEXT_MAX], t[MCG_DATE_TEXT_MAX];
	int32_t from, to;
	int rc;

	rc = spell_output(argc, argv, args, err);
	rc = rc ? rc : cli_parse(cli, argc, args, &a, 0, 0, err);
	rc = rc ? rc : period(&a, &from, &to, err);
	rc = rc ? rc : output_path(cli, &a, &path, err);
	rc = rc ? rc : cli_open(cli, 0, err);
	rc = rc ? rc : mcg_regulatory_write(cli->L, from, to, path, &info, err);
	if (rc)
		return rc;
	snprintf(subject, sizeof(subject), "%s to %s", mcg_date_format(from, f),
		 mcg_date_format(to, t));
	say_written(cli, "regulatory report", path, subject, &info);
	return MCG_OK;
}

/* The key that checks signatures: --pubkey, else the ledger's statement.pub
 * (its keys folder and the key's file named as the ledger names them). */
static int pubkey_path(mcg_cli *cli, cli_args *a, char *out, size_t outsz,
		       mcg_error *err)
{
	const char *given = cli_value(a, "pubkey");
	mcg_buf dir = MCG_BUF_INIT, key = MCG_BUF_INIT;
	int n = -1;

	if (given) {
		n = snprintf(out, outsz, "%s", given);
	} else if (mcg_ledger_keys_path(cli->db_path, cli->keys_dir, &dir) == MCG_OK &&
		   mcg_keys_path(mcg_buf_str(&dir), MCG_KEY_STATEMENT, 0, &key) == MCG_OK) {
		n = snprintf(out, outsz, "%s", mcg_buf_str(&key));
	}
	mcg_buf_free(&dir);
	mcg_buf_free(&key);
	if (n < 0 || (size_t)n >= outsz)
		return mcg_error_set(err, MCG_EINPUT, "the public key's path is too long");
	if (!given && access(out, F_OK) != 0)
		return mcg_error_set(err, MCG_EINPUT,
				     "no public key to check the signature with: %s does not exist (give --pubkey PEM)",
				     out);
	return MCG_OK;
}

int cmd_statement_verify(mcg_cli *cli, int argc, char **argv, mcg_error *err)
{
	cli_flag flags[] = { { "pubkey", 1, 0, 0, NULL, { 0 }, 0 } };
	cli_args a = { flags, 1, { 0 }, 0 };
	mcg_verify_report r;
	char key[CLI_ARG_BYTES_MAX + 32];
	char root[64];
	int rc;

	rc = cli_parse(cli, argc, argv, &a, 1, 1, err);
	/* The document first: a missing file is the mistake to name, before
	 * a missing key (the same words as the reader, common/xmlsafe.c). */
	if (!rc && access(a.pos[0], R_OK) != 0)
		rc = mcg_error_set(err, MCG_EINPUT, "cannot read '%s': %s", a.pos[0],
				   strerror(errno));
	rc = rc ? rc : pubkey_path(cli, &a, key, sizeof(key), err);
	if (rc)
		return rc;
	/* The log is checked only when the ledger is at hand. */
	if (access(cli->db_path, F_OK) == 0) {
		rc = cli_open(cli, 1, err);
		if (rc)
			return rc;
	}
	rc = mcg_report_verify(a.pos[0], key, cli->L, &r, err);
	if (rc)
		return rc;
	printf("verified %s: a %s (%s) for %s\n", a.pos[0], r.what, r.ns, r.subject);
	printf("  signature: valid, enveloped XML-DSig ECDSA P-256 SHA-256 over the whole document, key %s\n",
	       key);
	printf("  schema: valid against %s\n", r.schema);
	snprintf(root, sizeof(root), "%02x%02x%02x%02x...", r.checkpoint.root.b[0],
		 r.checkpoint.root.b[1], r.checkpoint.root.b[2], r.checkpoint.root.b[3]);
	if (r.checked_against_ledger)
		printf("  checkpoint: %s, tree size %lld, root %s: signed by the ledger and consistent with its log (%s)\n",
		       r.checkpoint.origin, (long long)r.checkpoint.size, root, cli->db_path);
	else
		printf("  checkpoint: %s, tree size %lld, root %s: not checked against a log (no ledger at %s)\n",
		       r.checkpoint.origin, (long long)r.checkpoint.size, root, cli->db_path);
	return MCG_OK;
}

int cli_exposure_xml(mcg_cli *cli, const char *member, mcg_error *err)
{
	int rc;

	if (!member)
		return mcg_error_set(err, MCG_EINPUT,
				     "--format xml is the statement of one member: give MEMBER");
	/* Writable: the statement signs a fresh checkpoint, kept once written. */
	rc = cli_open(cli, 0, err);
	return rc ? rc : mcg_member_statement_write(cli->L, member, "-", NULL, err);
}
