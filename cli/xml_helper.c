/*
 * The commands that read or write XML, as `mcg` runs them: it hands them
 * over to `mcg-xml`, found in its own folder, which is the same program
 * with libxml2, xmlsec and libxslt linked in.
 *
 * Why two executables: loading libxml2 (which brings ICU and libstdc++),
 * xmlsec and libxslt costs about 12 ms of every process's start here,
 * more than all the rest of a recording command or of `exposure MEMBER`
 * (docs/PERFORMANCE.md, "One mcg process").  Only `init`, `rules load`,
 * `rules check`, statements, reports and `exposure --format xml` need them, so
 * `mcg` is linked without them (the Makefile's link of mcg fails if
 * anything in it comes to need them) and this file stands in for those
 * commands: the same arguments, the same environment, the same standard
 * streams, so what the user sees is what mcg-xml does.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

#define XML_HELPER "mcg-xml"

/* The path of mcg-xml: beside this executable, never searched in PATH. */
static int helper_path(char *out, size_t outsz, mcg_error *err)
{
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	const char *slash;

	if (n <= 0 || (size_t)n >= sizeof(self) - 1)
		return mcg_error_set(err, MCG_ESYS, "cannot find the mcg executable (/proc/self/exe): %s",
				     n < 0 ? strerror(errno) : "path too long");
	self[n] = '\0';
	slash = strrchr(self, '/');
	if (!slash)
		return mcg_error_set(err, MCG_ESYS, "cannot find the folder of the mcg executable");
	if (snprintf(out, outsz, "%.*s/%s", (int)(slash - self), self, XML_HELPER) >= (int)outsz)
		return mcg_error_set(err, MCG_ESYS, "the path of %s is too long", XML_HELPER);
	return MCG_OK;
}

/* Replaces this process with mcg-xml and the same command line; returns
 * only when that cannot be done. */
static int hand_over(mcg_cli *cli, mcg_error *err)
{
	char path[PATH_MAX + sizeof(XML_HELPER) + 1];
	int rc = helper_path(path, sizeof(path), err);

	if (rc)
		return rc;
	/* Handed a command by an mcg, and about to hand it on: what stands as
	 * mcg-xml is another mcg (a copy, a link), and would exec forever. */
	if (cli->handed_over)
		return mcg_error_set(err, MCG_ESYS, "%s is not the mcg-xml that runs this command"
				     " (it is an mcg): install the mcg-xml of the same build", path);
	if (setenv(CLI_HANDED_OVER_ENV, MCG_VERSION, 1) != 0)
		return mcg_error_set(err, MCG_ESYS, "out of memory");
	/* mcg-xml opens the ledger itself; a connection of ours would keep
	 * its file locks across exec. */
	mcg_ledger_close(cli->L);
	cli->L = NULL;
	fflush(stdout);
	fflush(stderr);
	execv(path, cli->argv);
	return mcg_error_set(err, MCG_ESYS, "this command is run by %s, which cannot be run: %s"
			     " (install it beside mcg)", path, strerror(errno));
}

#define HANDED_OVER(name) \
	int name(mcg_cli *cli, int argc, char **argv, mcg_error *err) \
	{ \
		(void)argc; \
		(void)argv; \
		return hand_over(cli, err); \
	}

HANDED_OVER(cmd_init)
HANDED_OVER(cmd_rules_load)
HANDED_OVER(cmd_rules_check)
HANDED_OVER(cmd_statement)
HANDED_OVER(cmd_statement_verify)
HANDED_OVER(cmd_report_regulatory)

int cli_exposure_xml(mcg_cli *cli, const char *member, mcg_error *err)
{
	(void)member;
	return hand_over(cli, err);
}
