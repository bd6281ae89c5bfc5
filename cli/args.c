/* Flag parsing and the shared plumbing of recording commands. */
#include "cli.h"

#include <string.h>

#include "date.h"
#include "ledger/journal.h"
#include "money.h"

cli_flag *cli_flag_get(cli_args *a, const char *name)
{
	for (size_t i = 0; i < a->n_flags; i++)
		if (strcmp(a->flags[i].name, name) == 0)
			return &a->flags[i];
	return NULL;
}

const char *cli_value(cli_args *a, const char *name)
{
	cli_flag *f = cli_flag_get(a, name);

	return f && f->seen ? f->value : NULL;
}

static int take_value(cli_flag *f, const char *value, const char *usage,
		      mcg_error *err)
{
	if (f->seen && !f->repeatable)
		return mcg_error_set(err, MCG_EINPUT, "--%s given twice (usage: mcg %s)",
				     f->name, usage);
	if (f->n_values >= CLI_REPEAT_MAX)
		return mcg_error_set(err, MCG_EINPUT, "--%s given more than %d times",
				     f->name, CLI_REPEAT_MAX);
	f->seen = 1;
	f->value = value;
	f->values[f->n_values++] = value;
	return MCG_OK;
}

const char *const cli_global_options[CLI_GLOBAL_OPTIONS] = { "db", "keys", "actor" };

int cli_global_option(const char *name, size_t len)
{
	for (int k = 0; k < CLI_GLOBAL_OPTIONS; k++)
		if (strlen(cli_global_options[k]) == len &&
		    strncmp(cli_global_options[k], name, len) == 0)
			return k;
	return -1;
}

static int parse_flag(cli_args *a, int argc, char **argv, int *i,
		      const char *usage, mcg_error *err)
{
	const char *arg = argv[*i] + 2;
	const char *eq = strchr(arg, '=');
	size_t len = eq ? (size_t)(eq - arg) : strlen(arg);
	cli_flag *f = NULL;

	for (size_t k = 0; k < a->n_flags; k++)
		if (strlen(a->flags[k].name) == len &&
		    strncmp(a->flags[k].name, arg, len) == 0)
			f = &a->flags[k];
	if (!f && cli_global_option(arg, len) >= 0)
		return mcg_error_set(err, MCG_EINPUT,
				     "--%.*s is a global option: it goes before the command"
				     " (mcg --%.*s VALUE %s)", (int)len, arg, (int)len, arg, usage);
	if (!f)
		return mcg_error_set(err, MCG_EINPUT, "unknown option '--%.*s' (usage: mcg %s)",
				     (int)(len > 40 ? 40 : len), arg, usage);
	if (!f->takes_value) {
		if (eq)
			return mcg_error_set(err, MCG_EINPUT, "--%s takes no value", f->name);
		return take_value(f, "", usage, err);
	}
	if (eq)
		return take_value(f, eq + 1, usage, err);
	if (*i + 1 >= argc)
		return mcg_error_set(err, MCG_EINPUT, "--%s needs a value (usage: mcg %s)",
				     f->name, usage);
	(*i)++;
	return take_value(f, argv[*i], usage, err);
}

const char *cli_usage(const mcg_cli *cli)
{
	return cli && cli->command ? cli->command->usage : "COMMAND [ARGS]";
}

int cli_parse(const mcg_cli *cli, int argc, char **argv, cli_args *a, size_t min_pos,
	      size_t max_pos, mcg_error *err)
{
	const char *usage = cli_usage(cli);
	int only_positionals = 0;
	int rc;

	a->n_pos = 0;
	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i];

		if (strlen(arg) > CLI_ARG_BYTES_MAX)
			return mcg_error_set(err, MCG_EINPUT,
					     "argument %d is too long (limit %d bytes)",
					     i, CLI_ARG_BYTES_MAX);
		if (!only_positionals && strcmp(arg, "--") == 0) {
			only_positionals = 1;
			continue;
		}
		if (!only_positionals && arg[0] == '-' && arg[1] == '-') {
			rc = parse_flag(a, argc, argv, &i, usage, err);
			if (rc)
				return rc;
			continue;
		}
		if (!only_positionals && arg[0] == '-' && arg[1] != '\0' &&
		    !(arg[1] >= '0' && arg[1] <= '9'))
			return mcg_error_set(err, MCG_EINPUT,
					     "unknown option '%.40s' (usage: mcg %s)", arg, usage);
		if (a->n_pos >= max_pos || a->n_pos >= CLI_POSITIONAL_MAX)
			return mcg_error_set(err, MCG_EINPUT,
					     "unexpected argument '%.40s' (usage: mcg %s)", arg, usage);
		a->pos[a->n_pos++] = arg;
	}
	if (a->n_pos < min_pos)
		return mcg_error_set(err, MCG_EINPUT, "missing argument (usage: mcg %s)", usage);
	return MCG_OK;
}

int cli_event_prepare(mcg_cli *cli, cli_args *a, mcg_event *ev, mcg_error *err)
{
	const char *date = cli_value(a, "date");
	const char *ref = cli_value(a, "ref");
	int rc;

	if (date) {
		rc = mcg_date_parse(date, &ev->date_days, err);
		if (rc)
			return mcg_error_prefix(err, "--date");
		ev->date_given = 1;
	} else {
		ev->date_days = mcg_date_today();
	}
	if (ref) {
		rc = mcg_journal_check_ref(ref, err);
		if (rc)
			return rc;
		mcg_strlcpy(ev->ref, ref, sizeof(ev->ref));
	}
	rc = mcg_journal_check_actor(cli->actor, err);
	if (rc)
		return rc;
	mcg_strlcpy(ev->actor, cli->actor, sizeof(ev->actor));
	return MCG_OK;
}

int cli_record(mcg_cli *cli, mcg_event *ev, const char *what, mcg_error *err)
{
	int replayed = 0;
	int rc = mcg_journal_record(cli->L, ev, &replayed, err);
	char date[MCG_DATE_TEXT_MAX];

	if (rc)
		return rc;
	/* Quoted: a ref may begin or end with a space. */
	if (replayed)
		printf("already recorded as event %lld (ref '%s'): nothing changed\n",
		       (long long)ev->seq, ev->ref);
	else
		printf("event %lld on %s: %s\n", (long long)ev->seq,
		       mcg_date_format(ev->date_days, date), what);
	return MCG_OK;
}

int cli_open(mcg_cli *cli, int read_only, mcg_error *err)
{
	return mcg_ledger_open(cli->db_path, cli->keys_dir, read_only, &cli->L, err);
}

int cli_amount(mcg_cli *cli, const char *text, const char *flag,
	       int64_t *out, mcg_error *err)
{
	int rc = mcg_amount_parse(text, mcg_ledger_minor_digits(cli->L), 0, out, err);

	if (rc)
		return mcg_error_prefix(err, "%s", flag);
	return MCG_OK;
}

int cli_integer(const char *text, const char *flag, int64_t min, int64_t max,
		int64_t *out, mcg_error *err)
{
	int64_t v = 0;
	const char *p = text;

	/* 19 digits reach INT64_MAX: each step is checked for overflow, so
	 * the whole range the message offers is taken. */
	if (!*p || strlen(p) > 19)
		goto bad;
	for (; *p; p++) {
		if (*p < '0' || *p > '9' || v > (INT64_MAX - (*p - '0')) / 10)
			goto bad;
		v = v * 10 + (*p - '0');
	}
	if (v < min || v > max)
		goto bad;
	*out = v;
	return MCG_OK;
bad:
	return mcg_error_set(err, MCG_EINPUT, "%s: bad value '%.40s': expected a whole number from %lld to %lld",
			     flag, text, (long long)min, (long long)max);
}

int cli_format(cli_args *a, const char *const *allowed, size_t n,
	       const char **out, mcg_error *err)
{
	const char *f = cli_value(a, "format");

	if (!f) {
		*out = allowed[0];
		return MCG_OK;
	}
	for (size_t i = 0; i < n; i++)
		if (strcmp(f, allowed[i]) == 0) {
			*out = allowed[i];
			return MCG_OK;
		}
	return mcg_error_set(err, MCG_EINPUT, "--format: unknown format '%.20s' (expected %s%s%s%s%s)",
			     f, allowed[0], n > 1 ? ", " : "", n > 1 ? allowed[1] : "",
			     n > 2 ? " or " : "", n > 2 ? allowed[2] : "");
}
