/*
 * mcg: the ledger for mutual credit guarantee consortia.
 *
 * main() reads the global options (--db, --keys, --actor and their
 * environment variables), finds the command in cli_commands (commands.c),
 * runs it, and turns its result into one error line and the exit status
 * of CLI.md.
 */
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

static void print_usage(FILE *out)
{
	fputs("usage: mcg [--db FILE] [--keys DIR] [--actor NAME] COMMAND [ARGS]\n"
	      "       mcg --help | mcg COMMAND --help | mcg --version\n\n"
	      "The ledger for mutual credit guarantee consortia.\n\n"
	      "Global options:\n"
	      "  --db FILE      the ledger file (env MCG_DB; default mcg.db)\n"
	      "  --keys DIR     the signing keys (env MCG_KEYS; default FILE.keys)\n"
	      "  --actor NAME   recorded on every event (env MCG_ACTOR; default your login)\n\n"
	      "Commands:\n", out);
	for (size_t i = 0; i < cli_n_commands; i++)
		fprintf(out, "  %-20s %s\n", cli_commands[i].name, cli_commands[i].summary);
	fputs("\nExit status: 0 done, 1 system failure, 2 bad input, 3 refused by a rule,\n"
	      "4 integrity failure, 5 ref conflict.  See mcg(1).\n", out);
}

static void print_command_help(const cli_command *c)
{
	printf("usage: mcg %s\n\n%s\n", c->usage, c->summary);
	if (c->help)
		printf("\n%s", c->help);
}

/* 1 when command `name` is of the group `word` ("member add", "member"). */
static int in_group(const char *name, const char *word, size_t len)
{
	return strncmp(name, word, len) == 0 && name[len] == ' ';
}

/*
 * Why argv[0] names no command, in one error: a group word alone ("mcg
 * member") or with a word that is none of its own ("mcg member foo")
 * lists its commands; an option before the command that is not
 * a global one (`mcg --date D member add ...`) is said to belong after it.
 */
static int unknown_command(const char *word, const char *next, mcg_error *err)
{
	char names[256] = "";
	size_t len = strlen(word), used = 0;

	if (word[0] == '-' && word[1] == '-') {
		for (size_t k = 0; k < CLI_GLOBAL_OPTIONS; k++) {
			int n = snprintf(names + used, sizeof(names) - used, "%s--%s",
					 k ? ", " : "", cli_global_options[k]);

			if (n < 0 || (size_t)n >= sizeof(names) - used)
				break;
			used += (size_t)n;
		}
		return mcg_error_set(err, MCG_EINPUT,
				     "'%.40s' is not a global option (%s):"
				     " a command's own options go after the command (see mcg --help)",
				     word, names);
	}
	for (size_t i = 0; i < cli_n_commands; i++) {
		const char *name = cli_commands[i].name;

		if (in_group(name, word, len)) {
			int n = snprintf(names + used, sizeof(names) - used, "%s%s",
					 used ? ", " : "", name);

			if (n < 0 || (size_t)n >= sizeof(names) - used)
				break;
			used += (size_t)n;
		}
	}
	if (used && next && next[0] != '-')
		return mcg_error_set(err, MCG_EINPUT, "unknown command '%.40s %.40s': '%s' takes %s"
				     " (mcg COMMAND --help for each)", word, next, word, names);
	if (used)
		return mcg_error_set(err, MCG_EINPUT, "'%s' needs a second word: %s"
				     " (mcg COMMAND --help for each)", word, names);
	return mcg_error_set(err, MCG_EINPUT,
			     "unknown command '%.40s' (see mcg --help)", word);
}

/* `mcg member --help`: each command of the group, its usage and summary;
 * 0 when word heads no group. */
static int print_group_help(const char *word)
{
	size_t len = strlen(word);
	int found = 0;

	for (size_t i = 0; i < cli_n_commands; i++) {
		const cli_command *c = &cli_commands[i];

		if (in_group(c->name, word, len)) {
			printf("%susage: mcg %s\n  %s\n", found ? "\n" : "", c->usage, c->summary);
			found = 1;
		}
	}
	if (found)
		printf("\nmcg %s WORD --help says more of each.\n", word);
	return found;
}

static int wants_help(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			return 0;
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
			return 1;
	}
	return 0;
}

static const char *default_actor(void)
{
	const char *a = getenv("MCG_ACTOR");
	struct passwd *pw;

	if (a && *a)
		return a;
	pw = getpwuid(geteuid());
	if (pw && pw->pw_name && *pw->pw_name)
		return pw->pw_name;
	return "unknown";
}

/* Reads --db, --keys, --actor; returns the index of the command word. */
static int global_options(int argc, char **argv, mcg_cli *cli, mcg_error *err)
{
	const char **slots[CLI_GLOBAL_OPTIONS] = { &cli->db_path, &cli->keys_dir, &cli->actor };
	int i = 1;

	while (i < argc && argv[i][0] == '-') {
		const char *opt = argv[i];
		int k = opt[1] == '-' ? cli_global_option(opt + 2, strlen(opt + 2)) : -1;
		const char **slot;

		if (k < 0)
			return i;
		slot = slots[k];
		if (i + 1 >= argc)
			return mcg_error_set(err, MCG_EINPUT, "%s needs a value", opt);
		if (!*argv[i + 1])
			return mcg_error_set(err, MCG_EINPUT, "%s must not be empty", opt);
		*slot = argv[i + 1];
		i += 2;
	}
	return i;
}

static int run(int argc, char **argv, mcg_error *err)
{
	mcg_cli cli = { 0 };
	const cli_command *cmd;
	const char *handed_from;
	int words = 0;
	int i, rc;

	cli.db_path = getenv("MCG_DB") && *getenv("MCG_DB") ? getenv("MCG_DB") : "mcg.db";
	cli.keys_dir = getenv("MCG_KEYS") && *getenv("MCG_KEYS") ? getenv("MCG_KEYS") : NULL;
	cli.actor = default_actor();
	cli.stdout_is_tty = isatty(STDOUT_FILENO);
	cli.stderr_is_tty = isatty(STDERR_FILENO);
	cli.argv = argv;
	handed_from = getenv(CLI_HANDED_OVER_ENV);
	if (handed_from) {
		if (strcmp(handed_from, MCG_VERSION) != 0)
			return mcg_error_set(err, MCG_ESYS,
					     "this is mcg-xml %s, started by mcg %.20s:"
					     " install the two of the same build", MCG_VERSION,
					     handed_from);
		cli.handed_over = 1;
		unsetenv(CLI_HANDED_OVER_ENV);
	}
	i = global_options(argc, argv, &cli, err);
	if (i < 0)
		return i;
	if (i >= argc) {
		print_usage(stderr);
		return mcg_error_set(err, MCG_EINPUT, "no command given");
	}
	if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0 ||
	    strcmp(argv[i], "help") == 0) {
		print_usage(stdout);
		return MCG_OK;
	}
	if (strcmp(argv[i], "--version") == 0) {
		printf("mcg %s\n", MCG_VERSION);
		return MCG_OK;
	}
	cmd = cli_find_command(argc - i, argv + i, &words);
	if (!cmd && wants_help(argc - i, argv + i) && print_group_help(argv[i]))
		return MCG_OK;
	if (!cmd)
		return unknown_command(argv[i], i + 1 < argc ? argv[i + 1] : NULL, err);
	if (wants_help(argc - i - words + 1, argv + i + words - 1)) {
		print_command_help(cmd);
		return MCG_OK;
	}
	cli.command = cmd;
	rc = cmd->run(&cli, argc - i - words + 1, argv + i + words - 1, err);
	mcg_ledger_close(cli.L);
	return rc;
}

int main(int argc, char **argv)
{
	mcg_error err;
	int rc;

	mcg_error_clear(&err);
	rc = run(argc, argv, &err);
	if (fflush(stdout) != 0 && rc == MCG_OK)
		rc = mcg_error_set(&err, MCG_ESYS, "cannot write the output");
	if (rc) {
		if (!err.msg[0])
			mcg_error_set(&err, rc, "failed");
		fprintf(stderr, "mcg: error: %s\n", err.msg);
	}
	return mcg_error_exit_status(rc);
}
