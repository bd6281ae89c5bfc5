/*
 * mcg init: a new ledger, with the default rules or those of an XML file.
 * Apart from cmd_core.c because it reads XML: it is built into mcg-xml
 * only, and mcg hands it over (cli/xml_helper.c).
 */
#include <stdio.h>

#include "cli.h"
#include "date.h"

int cmd_init(mcg_cli *cli, int argc, char **argv, mcg_error *err)
{
	cli_flag flags[] = { { "name", 1, 0, 0, NULL, { 0 }, 0 },
			     { "currency", 1, 0, 0, NULL, { 0 }, 0 },
			     { "rules", 1, 0, 0, NULL, { 0 }, 0 },
			     { "date", 1, 0, 0, NULL, { 0 }, 0 } };
	cli_args a = { flags, 4, { 0 }, 0 };
	mcg_init_opts o = { 0 };
	mcg_buf keys = MCG_BUF_INIT;
	const char *date;
	int rc;

	rc = cli_parse(cli, argc, argv, &a, 0, 0, err);
	if (rc)
		return rc;
	o.name = cli_value(&a, "name");
	if (!o.name)
		return mcg_error_set(err, MCG_EINPUT, "--name is required");
	o.currency = cli_value(&a, "currency") ? cli_value(&a, "currency") : "EUR";
	o.rules_path = cli_value(&a, "rules");
	o.keys_dir = cli->keys_dir;
	o.actor = cli->actor;
	date = cli_value(&a, "date");
	o.date_days = mcg_date_today();
	if (date) {
		rc = mcg_date_parse(date, &o.date_days, err);
		if (rc)
			return mcg_error_prefix(err, "--date");
		o.date_given = 1;
	}
	rc = mcg_ledger_create(cli->db_path, &o, err);
	if (rc)
		return rc;
	if (mcg_ledger_keys_path(cli->db_path, cli->keys_dir, &keys) == MCG_OK)
		printf("created ledger %s for %s (%s); keys in %s\n", cli->db_path, o.name,
		       o.currency, mcg_buf_str(&keys));
	else
		printf("created ledger %s for %s (%s)\n", cli->db_path, o.name, o.currency);
	mcg_buf_free(&keys);
	return MCG_OK;
}
