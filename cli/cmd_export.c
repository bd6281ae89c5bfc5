/* export --format ledger */
#include <string.h>

#include "cli.h"
#include "ledger/export.h"

int cmd_export(mcg_cli *cli, int argc, char **argv, mcg_error *err)
{
	static const char *const formats[] = { "ledger" };
	cli_flag flags[] = { { "format", 1, 0, 0, NULL, { 0 }, 0 },
			     { "all", 0, 0, 0, NULL, { 0 }, 0 } };
	cli_args a = { flags, 2, { 0 }, 0 };
	const char *format;
	int rc;

	rc = cli_parse(cli, argc, argv, &a, 0, 0, err);
	if (rc)
		return rc;
	if (!cli_value(&a, "format"))
		return mcg_error_set(err, MCG_EINPUT, "--format is required (ledger)");
	rc = cli_format(&a, formats, 1, &format, err);
	rc = rc ? rc : cli_open(cli, 1, err);
	return rc ? rc : mcg_export_ledger(cli->L, cli_flag_get(&a, "all")->seen, stdout, err);
}
