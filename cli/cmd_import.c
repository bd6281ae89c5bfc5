/*
 * `mcg import FILE`: bank events from CSV, all or nothing (CLI.md "Import
 * file").  The reading and recording are ledger/import.c's; this file
 * parses the flags, shows progress on a terminal and prints the summary.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "ledger/import.h"

struct progress {
	const char *path;
	int shown;
};

/* "\r" rewrites the same terminal line; only called when stderr is one. */
static void show_progress(void *ctx, uint64_t rows, uint64_t bytes, uint64_t total)
{
	struct progress *p = ctx;

	if (total)
		fprintf(stderr, "\rimporting %.60s: %llu rows, %llu%%", p->path,
			(unsigned long long)rows,
			(unsigned long long)(bytes >= total ? 100 : bytes * 100 / total));
	else
		fprintf(stderr, "\rimporting %.60s: %llu rows", p->path, (unsigned long long)rows);
	fflush(stderr);
	p->shown = 1;
}

int cmd_import(mcg_cli *cli, int argc, char **argv, mcg_error *err)
{
	cli_flag flags[] = { { "dry-run", 0, 0, 0, NULL, { 0 }, 0 },
			     { "single-thread", 0, 0, 0, NULL, { 0 }, 0 } };
	cli_args a = { flags, 2, { 0 }, 0 };
	struct progress p = { NULL, 0 };
	mcg_import_opts o = { 0 };
	mcg_import_summary s;
	int rc;

	rc = cli_parse(cli, argc, argv, &a, 1, 1, err);
	rc = rc ? rc : cli_open(cli, 0, err);
	if (rc)
		return rc;
	p.path = a.pos[0];
	o.actor = cli->actor;
	o.dry_run = cli_flag_get(&a, "dry-run")->seen;
	o.single_thread = cli_flag_get(&a, "single-thread")->seen;
	if (cli->stderr_is_tty) {
		o.progress = show_progress;
		o.progress_ctx = &p;
	}
	rc = mcg_import_file(cli->L, a.pos[0], &o, &s, err);
	if (p.shown)
		fputc('\n', stderr);
	if (rc)
		return rc;
	printf("%s%s: %llu row%s read, %llu %srecorded",
	       o.dry_run ? "dry run of " : "", a.pos[0], (unsigned long long)s.rows,
	       s.rows == 1 ? "" : "s", (unsigned long long)s.recorded,
	       o.dry_run ? "would be " : "");
	if (s.recorded && !o.dry_run)
		printf(" (events %lld to %lld)", (long long)s.first_seq, (long long)s.last_seq);
	printf(", %llu already recorded (skipped)%s%s\n", (unsigned long long)s.skipped,
	       o.dry_run ? "; nothing was written" : "",
	       s.rollback_journal ? "; written through the rollback journal" : "");
	return MCG_OK;
}
