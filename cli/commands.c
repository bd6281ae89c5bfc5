/*
 * The table of commands: name, function, usage, summary and flag help.
 * `mcg --help`, `mcg COMMAND --help` and the man page follow this table.
 */
#include "cli.h"

#define RECORD_HELP \
	"  --date YYYY-MM-DD  the business date (default: today, UTC); never before\n" \
	"                     the latest date already recorded\n" \
	"  --ref KEY          idempotency key, up to 64 printable ASCII characters:\n" \
	"                     the same ref with the same content again does nothing\n"

const cli_command cli_commands[] = {
	{ "init", cmd_init,
	  "init --name NAME [--currency EUR] [--rules FILE] [--date D]",
	  "create the ledger, its signing keys and rules version 1",
	  "  --name NAME        the consortium's name\n"
	  "  --currency CODE    ISO 4217 currency of every amount (default EUR)\n"
	  "  --rules FILE       rules file (default: the built-in rules)\n"
	  "  --date YYYY-MM-DD  the business date of the first events\n" },
	{ "member add", cmd_member_add,
	  "member add ID --name NAME [--sector NACE] [--district NAME] [--tax-id ID] [--date D] [--ref KEY]",
	  "admit a member firm",
	  "  ID                 1 to 32 of A-Z a-z 0-9 . _ -\n"
	  "  --name NAME        the firm's name\n"
	  "  --sector NACE      its NACE code, e.g. C23.31\n"
	  "  --district NAME    its industrial district\n"
	  "  --tax-id ID        its tax identifier\n" RECORD_HELP },
	{ "member withdraw", cmd_member_withdraw,
	  "member withdraw ID [--date D] [--ref KEY]",
	  "a member leaves; its capital is paid back",
	  "  A member may withdraw when it has no loan applied, active, defaulted\n"
	  "  or called, no pledge on an active or defaulted loan, and owes nothing.\n"
	  RECORD_HELP },
	{ "member list", cmd_member_list,
	  "member list [--format text|csv]",
	  "list the members",
	  "  --format text|csv  csv columns: member,name,status,sector,district\n" },
	{ "bank add", cmd_bank_add,
	  "bank add BIC --name NAME [--date D] [--ref KEY]",
	  "register a partner bank",
	  "  BIC                ISO 9362, 8 or 11 characters\n"
	  "  --name NAME        the bank's name\n" RECORD_HELP },
	{ "contribute", cmd_contribute,
	  "contribute MEMBER AMOUNT --kind capital|fund [--date D] [--ref KEY]",
	  "a member pays in share capital or a contribution to the fund",
	  "  --kind capital     share capital (paid back on withdrawal)\n"
	  "  --kind fund        a contribution to the mutual guarantee fund\n" RECORD_HELP },
	{ "settle", cmd_settle,
	  "settle MEMBER AMOUNT [--date D] [--ref KEY]",
	  "settle a member's due balance (it pays, or is paid)",
	  RECORD_HELP },
	{ "balance", cmd_balance,
	  "balance [--format text|csv]",
	  "the trial balance: every account and its balance",
	  "  --format text|csv  csv columns: account,balance (debit positive)\n" },
	{ "rules show", cmd_rules_show,
	  "rules show",
	  "the rules in force: version, figures, when and by whom loaded",
	  NULL },
	{ "rules load", cmd_rules_load,
	  "rules load FILE [--date D] [--ref KEY]",
	  "load a rules file as the next rules version (an event)",
	  "  FILE               XML in the namespace urn:mcg:rules:1 (see rules/default.xml)\n"
	  RECORD_HELP },
	{ "rules check", cmd_rules_check,
	  "rules check FILE",
	  "validate a rules file without loading it (line and column of each error)",
	  NULL },
	{ "check", cmd_check,
	  "check",
	  "rebuild all state from the events and compare (exit 4 on a difference)",
	  NULL },
};

const size_t cli_n_commands = sizeof(cli_commands) / sizeof(cli_commands[0]);
