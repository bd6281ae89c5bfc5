/*
 * bench/replay: runs a script of `mcg` commands (bench/gen's setup.sh) in
 * one process, through the very command functions `mcg` runs (cli/), each
 * command opening the ledger, recording its event in its own transaction
 * through the journal and closing it, exactly as the real binary does.
 *
 * Why: a process per command costs 10 to 70 ms on the reference machine
 * (starting the process and linking OpenSSL, libxml2 and xmlsec, opening
 * the ledger, and five fsyncs: the commit, the directory of the new WAL
 * file, and the checkpoint when the last connection closes), so a setup of
 * 100,000 loans (over 500,000 commands) would take hours.  This is the
 * preparation of the benchmark, not what it measures, so replay cuts those
 * costs and keeps everything else:
 *
 *   - the same argument vectors go through the same command functions,
 *     each recording its event in its own transaction through the journal,
 *     with the rules and the audit leaf;
 *   - the ledger connection is opened once and reused by every command
 *     (the link wraps mcg_ledger_open and mcg_ledger_close; see the
 *     Makefile), as a long-running process would;
 *   - with --fast (what `make bench` uses) that connection runs with
 *     PRAGMA synchronous = NORMAL: commits are not synced one by one, the
 *     WAL is synced at checkpoints.  A power cut during the setup could
 *     lose its last events; nothing else changes.
 *
 * The script stays runnable as it is with `sh setup.sh`.
 *
 * usage: replay [--db FILE] [--limit N] [--fast] SCRIPT
 *
 * The script's lines are `"$MCG" WORD...`: words are separated by spaces
 * and may be double-quoted (no escapes: bench/gen writes none).  Blank
 * lines, comments and `set -e` are skipped; anything else is an error.
 * Each command's output goes to standard output (send it to /dev/null);
 * the report goes to standard error: the commands run, the time they took,
 * and the mean time per command name.  Stops at the first failing command
 * and exits with its status, like `sh -e`.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"

#define LINE_BYTES_MAX 8192
#define WORDS_MAX 64

/* ---- one connection for every command ------------------------------------ */

int __real_mcg_ledger_open(const char *path, const char *keys_dir, int read_only,
			   mcg_ledger **out, mcg_error *err);
void __real_mcg_ledger_close(mcg_ledger *L);
int __wrap_mcg_ledger_open(const char *path, const char *keys_dir, int read_only,
			   mcg_ledger **out, mcg_error *err);
void __wrap_mcg_ledger_close(mcg_ledger *L);

static mcg_ledger *cached;
static char cached_path[4096];
static int fast;

int __wrap_mcg_ledger_open(const char *path, const char *keys_dir, int read_only,
			   mcg_ledger **out, mcg_error *err)
{
	int rc;

	if (cached && strcmp(path, cached_path) == 0) {
		*out = cached;
		return MCG_OK;
	}
	rc = __real_mcg_ledger_open(path, keys_dir, read_only, out, err);
	if (rc || cached || read_only || strlen(path) >= sizeof(cached_path))
		return rc;
	if (fast && sqlite3_exec(mcg_ledger_db(*out), "PRAGMA synchronous = NORMAL",
				 NULL, NULL, NULL) != SQLITE_OK) {
		__real_mcg_ledger_close(*out);
		*out = NULL;
		return mcg_error_set(err, MCG_ESYS, "replay: cannot set synchronous");
	}
	cached = *out;
	memcpy(cached_path, path, strlen(path) + 1);
	return MCG_OK;
}

void __wrap_mcg_ledger_close(mcg_ledger *L)
{
	if (L && L == cached)
		return;
	__real_mcg_ledger_close(L);
}

/* ---- the script ------------------------------------------------------------ */

struct stat_row {
	const char *name;
	unsigned long long n;
	double seconds;
	double max_seconds;
};

static double now_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Splits a line in place into words; returns the count or -1. */
static int split_words(char *line, char **words)
{
	int n = 0;
	char *p = line;

	for (;;) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p || *p == '\n')
			return n;
		if (n == WORDS_MAX)
			return -1;
		if (*p == '"') {
			char *end = strchr(p + 1, '"');

			if (!end)
				return -1;
			*end = '\0';
			words[n++] = p + 1;
			p = end + 1;
			if (*p && *p != ' ' && *p != '\n')
				return -1;
		} else {
			words[n++] = p;
			while (*p && *p != ' ' && *p != '\t' && *p != '\n')
				p++;
			if (*p)
				*p++ = '\0';
			else
				return n;
		}
	}
}

static int parse_count(const char *text, unsigned long long *out)
{
	unsigned long long v = 0;

	if (!*text || strlen(text) > 18)
		return -1;
	for (; *text; text++) {
		if (*text < '0' || *text > '9')
			return -1;
		v = v * 10 + (unsigned long long)(*text - '0');
	}
	*out = v;
	return 0;
}

int main(int argc, char **argv)
{
	static struct stat_row stats[64];
	static char line[LINE_BYTES_MAX];
	const char *db = getenv("MCG_DB") ? getenv("MCG_DB") : "mcg.db";
	const char *script = NULL;
	unsigned long long limit = 0, done = 0, lineno = 0;
	size_t n_stats = 0;
	double t0, total;
	FILE *f;
	int rc = 0;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--db") == 0 && i + 1 < argc)
			db = argv[++i];
		else if (strcmp(argv[i], "--fast") == 0)
			fast = 1;
		else if (strcmp(argv[i], "--limit") == 0 && i + 1 < argc) {
			if (parse_count(argv[++i], &limit)) {
				fprintf(stderr, "replay: bad --limit\n");
				return 2;
			}
		} else if (!script && argv[i][0] != '-')
			script = argv[i];
		else {
			fprintf(stderr, "usage: replay [--db FILE] [--limit N] [--fast] SCRIPT\n");
			return 2;
		}
	}
	if (!script) {
		fprintf(stderr, "usage: replay [--db FILE] [--limit N] [--fast] SCRIPT\n");
		return 2;
	}
	f = fopen(script, "r");
	if (!f) {
		perror(script);
		return 1;
	}
	t0 = now_seconds();
	while ((!limit || done < limit) && fgets(line, sizeof(line), f)) {
		char *words[WORDS_MAX];
		const cli_command *cmd;
		mcg_cli cli = { 0 };
		mcg_error err;
		int n, used = 0;
		double t;
		size_t k;

		lineno++;
		if (!strchr(line, '\n')) {
			fprintf(stderr, "%s:%llu: line too long\n", script, lineno);
			rc = 2;
			break;
		}
		if (line[0] == '#' || line[0] == '\n' || strcmp(line, "set -e\n") == 0)
			continue;
		n = split_words(line, words);
		if (n < 2 || strcmp(words[0], "$MCG") != 0) {
			fprintf(stderr, "%s:%llu: not an mcg command\n", script, lineno);
			rc = 2;
			break;
		}
		cmd = cli_find_command(n - 1, words + 1, &used);
		if (!cmd) {
			fprintf(stderr, "%s:%llu: unknown command %s\n", script, lineno, words[1]);
			rc = 2;
			break;
		}
		cli.db_path = db;
		cli.actor = getenv("MCG_ACTOR") ? getenv("MCG_ACTOR") : "bench";
		mcg_error_clear(&err);
		t = now_seconds();
		cli.command = cmd;
		rc = cmd->run(&cli, n - used, words + used, &err);
		mcg_ledger_close(cli.L);
		t = now_seconds() - t;
		if (rc) {
			fprintf(stderr, "%s:%llu: mcg: error: %s\n", script, lineno, err.msg);
			rc = mcg_error_exit_status(rc);
			break;
		}
		done++;
		for (k = 0; k < n_stats && stats[k].name != cmd->name; k++)
			;
		if (k == n_stats && n_stats < sizeof(stats) / sizeof(stats[0]))
			stats[n_stats++].name = cmd->name;
		if (k < n_stats) {
			stats[k].n++;
			stats[k].seconds += t;
			if (t > stats[k].max_seconds)
				stats[k].max_seconds = t;
		}
	}
	if (cached)
		__real_mcg_ledger_close(cached);
	total = now_seconds() - t0;
	fclose(f);
	fflush(stdout);
	fprintf(stderr, "replay: %llu commands in %.2f s (%.0f commands/s)\n", done,
		total, total > 0 ? (double)done / total : 0.0);
	for (size_t k = 0; k < n_stats; k++)
		fprintf(stderr, "replay:   %-16s %9llu  mean %8.1f us  max %9.1f us\n",
			stats[k].name, stats[k].n, stats[k].seconds / (double)stats[k].n * 1e6,
			stats[k].max_seconds * 1e6);
	return rc;
}
