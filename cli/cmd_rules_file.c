/*
 * rules load FILE | rules check FILE: a rules file, XML in the namespace
 * urn:mcg:rules:1.  Apart from cmd_rules.c because it reads XML: built
 * into mcg-xml only, and mcg hands it over (cli/xml_helper.c).
 */
#include <stdio.h>

#include "cli.h"
#include "rules/rules.h"

int cmd_rules_load(mcg_cli *cli, int argc, char **argv, mcg_error *err)
{
	cli_flag flags[] = { CLI_RECORD_FLAGS };
	cli_args a = { flags, 2, { 0 }, 0 };
	mcg_rules r;
	mcg_event ev;
	char text[2048];
	int rc;

	rc = cli_parse(cli, argc, argv, &a, 1, 1, err);
	rc = rc ? rc : cli_open(cli, 0, err);
	rc = rc ? rc : mcg_rules_load_file(a.pos[0], mcg_ledger_minor_digits(cli->L), &r, err);
	if (rc)
		return rc;
	if (mcg_rules_to_text(&r, text, sizeof(text)))
		return mcg_error_set(err, MCG_ESYS, "cannot encode the rules");
	mcg_event_init(&ev, "rules.load");
	rc = cli_event_prepare(cli, &a, &ev, err);
	rc = rc ? rc : mcg_event_add(&ev, "rules", text);
	rc = rc ? rc : cli_record(cli, &ev, "new rules version loaded", err);
	mcg_event_free(&ev);
	return rc;
}

int cmd_rules_check(mcg_cli *cli, int argc, char **argv, mcg_error *err)
{
	cli_args a = { NULL, 0, { 0 }, 0 };
	mcg_rules r;
	int digits = 2;
	int rc;

	rc = cli_parse(cli, argc, argv, &a, 1, 1, err);
	if (rc)
		return rc;
	/* The ledger, when there is one, says how many decimals amounts take;
	 * without one, the file is checked as for EUR. */
	if (cli_open(cli, 1, err) == MCG_OK)
		digits = mcg_ledger_minor_digits(cli->L);
	mcg_error_clear(err);
	rc = mcg_rules_load_file(a.pos[0], digits, &r, err);
	if (rc)
		return rc;
	printf("%s: valid rules\n\n", a.pos[0]);
	cli_print_rules(&r, digits, cli->L ? mcg_ledger_currency(cli->L) : "EUR");
	return MCG_OK;
}
