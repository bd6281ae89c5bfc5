/*
 * The command-line layer: parse flags, call the library, print.
 *
 * Each command is a function `int cmd_x(mcg_cli *cli, int argc, char **argv,
 * mcg_error *err)` that returns 0 or a negative MCG_E* code with err set;
 * main() prints "mcg: error: <err->msg>" and exits with the code negated.
 * argv[0] is the command's own name (after the global options).
 */
#ifndef MCG_CLI_H
#define MCG_CLI_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "error.h"
#include "ledger/event.h"
#include "ledger/ledger.h"

struct cli_command;

typedef struct mcg_cli {
	const struct cli_command *command;  /* the one running: its usage */
	const char *db_path;
	const char *keys_dir;     /* NULL: "<db>.keys" */
	const char *actor;
	mcg_ledger *L;            /* opened by cli_open */
	int stdout_is_tty;
	int stderr_is_tty;
	char **argv;              /* main's, whole: what xml_helper.c hands over */
	int handed_over;          /* started by an mcg handing a command over */
} mcg_cli;

/* Set by an mcg that execs mcg-xml (xml_helper.c), to its version: the
 * mcg-xml started so checks it is of the same version, and an mcg started
 * so refuses to hand the command on again. */
#define CLI_HANDED_OVER_ENV "MCG_HANDED_OVER"

/* ---- flags ---------------------------------------------------------------- */

#define CLI_POSITIONAL_MAX 8
#define CLI_REPEAT_MAX 64
/* No argument may be longer than this: a limit on everything. */
#define CLI_ARG_BYTES_MAX 4096

typedef struct cli_flag {
	const char *name;         /* "date" for --date */
	int takes_value;
	int repeatable;
	/* filled by cli_parse */
	int seen;
	const char *value;        /* the last value */
	const char *values[CLI_REPEAT_MAX];
	size_t n_values;
} cli_flag;

typedef struct cli_args {
	cli_flag *flags;
	size_t n_flags;
	const char *pos[CLI_POSITIONAL_MAX];
	size_t n_pos;
} cli_args;

/*
 * Parses argv[1..] (argv[0] is the command name) against the flags, which
 * may be given as "--name value" or "--name=value".  Positionals collect in
 * order; min_pos..max_pos of them are required.  Unknown flags, a missing
 * value, a flag given twice that is not repeatable, and too many or few
 * positionals are MCG_EINPUT naming what was wrong, with the running
 * command's usage line from the table (commands.c) appended.
 */
int cli_parse(const mcg_cli *cli, int argc, char **argv, cli_args *a, size_t min_pos,
	      size_t max_pos, mcg_error *err);

/* The options that go before the command, without their "--", in the
 * order of mcg_cli's db_path, keys_dir and actor (mcg.c reads them; a
 * command's parser names one given after the command). */
#define CLI_GLOBAL_OPTIONS 3
extern const char *const cli_global_options[CLI_GLOBAL_OPTIONS];
/* Its index for name (len bytes, no "--"), or -1. */
int cli_global_option(const char *name, size_t len);

/* The running command's usage line, as `mcg COMMAND --help` prints it. */
const char *cli_usage(const mcg_cli *cli);

/* The flag of that name (it must be in the table). */
cli_flag *cli_flag_get(cli_args *a, const char *name);
/* Its value, or NULL when not given. */
const char *cli_value(cli_args *a, const char *name);

/* Recording commands: the flags every one takes (--date, --ref). */
#define CLI_RECORD_FLAGS { "date", 1, 0, 0, NULL, { 0 }, 0 }, \
			 { "ref", 1, 0, 0, NULL, { 0 }, 0 }

/* Fills an event's date, ref and actor from --date, --ref and the cli. */
int cli_event_prepare(mcg_cli *cli, cli_args *a, mcg_event *ev, mcg_error *err);

/* Records ev through the journal and prints the outcome line
 * ("recorded event 12: ..." or "already recorded as event 12"). */
int cli_record(mcg_cli *cli, mcg_event *ev, const char *what, mcg_error *err);

/* Opens the ledger at cli->db_path into cli->L. */
int cli_open(mcg_cli *cli, int read_only, mcg_error *err);

/* Parses an amount in the ledger's currency, naming the flag in errors. */
int cli_amount(mcg_cli *cli, const char *text, const char *flag,
	       int64_t *out, mcg_error *err);
/* Parses a whole number in [min, max], naming the flag in errors. */
int cli_integer(const char *text, const char *flag, int64_t min, int64_t max,
		int64_t *out, mcg_error *err);
/* Parses --format against a list of allowed names; default first. */
int cli_format(cli_args *a, const char *const *allowed, size_t n,
	       const char **out, mcg_error *err);

/* ---- output --------------------------------------------------------------- */

/* A text table with aligned columns.  Cells are copied. */
typedef struct cli_table cli_table;
cli_table *cli_table_new(size_t columns);
/* Column alignment: 'l' or 'r'. */
void cli_table_align(cli_table *t, size_t column, char align);
int cli_table_add(cli_table *t, const char *const *cells);
void cli_table_print(cli_table *t, FILE *out);
void cli_table_free(cli_table *t);

/* Writes one CSV row (RFC 4180: quotes when needed, \n line end). */
void cli_csv_row(FILE *out, const char *const *cells, size_t n);

/* ---- commands ------------------------------------------------------------- */

typedef int (*cli_command_fn)(mcg_cli *cli, int argc, char **argv,
			      mcg_error *err);

typedef struct cli_command {
	const char *name;         /* "member add" */
	cli_command_fn run;
	const char *usage;        /* "member add ID --name NAME [...]" */
	const char *summary;      /* one line */
	const char *help;         /* the flags, one per line, or NULL */
} cli_command;

extern const cli_command cli_commands[];
extern const size_t cli_n_commands;
/* The command argv[0] names (with argv[1], for a two-word name such as
 * "member add"; a two-word name wins over a one-word one), and in *words
 * how many words of argv it took; NULL when none. */
const cli_command *cli_find_command(int argc, char **argv, int *words);

int cmd_init(mcg_cli *, int, char **, mcg_error *);
int cmd_member_add(mcg_cli *, int, char **, mcg_error *);
int cmd_member_withdraw(mcg_cli *, int, char **, mcg_error *);
int cmd_member_list(mcg_cli *, int, char **, mcg_error *);
int cmd_bank_add(mcg_cli *, int, char **, mcg_error *);
int cmd_contribute(mcg_cli *, int, char **, mcg_error *);
int cmd_settle(mcg_cli *, int, char **, mcg_error *);
int cmd_balance(mcg_cli *, int, char **, mcg_error *);
int cmd_check(mcg_cli *, int, char **, mcg_error *);
/* The life of a loan: cmd_loans.c. */
int cmd_loan_add(mcg_cli *, int, char **, mcg_error *);
int cmd_assess(mcg_cli *, int, char **, mcg_error *);
int cmd_guarantee(mcg_cli *, int, char **, mcg_error *);
int cmd_repay(mcg_cli *, int, char **, mcg_error *);
int cmd_arrears(mcg_cli *, int, char **, mcg_error *);
int cmd_call(mcg_cli *, int, char **, mcg_error *);
int cmd_recover(mcg_cli *, int, char **, mcg_error *);
int cmd_writeoff(mcg_cli *, int, char **, mcg_error *);
int cmd_export(mcg_cli *, int, char **, mcg_error *);
int cmd_rules_show(mcg_cli *, int, char **, mcg_error *);
/* Prints a rules version as a readable table (cmd_rules.c). */
void cli_print_rules(const mcg_rules *r, int digits, const char *currency);
int cmd_rules_load(mcg_cli *, int, char **, mcg_error *);
int cmd_rules_check(mcg_cli *, int, char **, mcg_error *);
/* The read-side views: cmd_views.c. */
int cmd_exposure(mcg_cli *, int, char **, mcg_error *);
int cmd_guarantees(mcg_cli *, int, char **, mcg_error *);
int cmd_scores(mcg_cli *, int, char **, mcg_error *);
int cmd_import(mcg_cli *, int, char **, mcg_error *);
/* The audit trail and the public keys: cmd_audit.c. */
int cmd_audit_checkpoint(mcg_cli *, int, char **, mcg_error *);
int cmd_audit_verify(mcg_cli *, int, char **, mcg_error *);
int cmd_audit_prove(mcg_cli *, int, char **, mcg_error *);
int cmd_audit_consistency(mcg_cli *, int, char **, mcg_error *);
int cmd_keys_show(mcg_cli *, int, char **, mcg_error *);
int cmd_keys_rotate(mcg_cli *, int, char **, mcg_error *);
/* cmd_reports.c: the signed XML documents */
int cmd_statement(mcg_cli *, int, char **, mcg_error *);
int cmd_statement_verify(mcg_cli *, int, char **, mcg_error *);
int cmd_report_regulatory(mcg_cli *, int, char **, mcg_error *);
/* `exposure MEMBER --format xml`: writes the signed member statement to
 * standard output (cmd_reports.c). */
int cli_exposure_xml(mcg_cli *cli, const char *member, mcg_error *err);

#endif
