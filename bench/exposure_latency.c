/*
 * bench/exposure_latency: how long a member firm waits for its exposure.
 *
 *   exposure_latency --db LEDGER [--n N] [--exec MCG --n-exec K]
 *
 * In process: opens the ledger read-only once (as a server would) and
 * calls mcg_exposure_get (ledger/query.h) for N members spread evenly over
 * the member ids (deterministic), after a warm-up pass over the first
 * tenth of them; prints the median, p90, p99 and the largest time, both
 * wall clock and the thread's CPU time (on a busy machine the wall clock
 * also counts waiting for a core).  Then the whole-portfolio iterator
 * (mcg_exposure_iter_*), once.
 *
 * With --exec: the whole command `MCG exposure MEMBER` (a new process each
 * time, output to /dev/null) for K of those members: what a person at a
 * terminal waits, process start and ledger open included.
 *
 * Output: lines "exposure_latency: KEY VALUE" that bench/run.sh reads.
 */
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>

#include "ledger/ledger.h"
#include "ledger/query.h"

#define SAMPLES_MAX 1000000

extern char **environ;

static double clock_seconds(clockid_t clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double now_seconds(void)
{
	return clock_seconds(CLOCK_MONOTONIC);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* The q-quantile (nearest rank) of n sorted values. */
static double quantile(const double *v, size_t n, double q)
{
	size_t k = (size_t)(q * (double)n + 0.999999);

	if (k < 1)
		k = 1;
	if (k > n)
		k = n;
	return v[k - 1];
}

static void print_stats(const char *what, double *t, size_t n)
{
	double sum = 0;

	qsort(t, n, sizeof(*t), cmp_double);
	for (size_t i = 0; i < n; i++)
		sum += t[i];
	printf("exposure_latency: %s_n %zu\n", what, n);
	printf("exposure_latency: %s_mean_us %.1f\n", what, sum / (double)n * 1e6);
	printf("exposure_latency: %s_median_us %.1f\n", what, quantile(t, n, 0.50) * 1e6);
	printf("exposure_latency: %s_p90_us %.1f\n", what, quantile(t, n, 0.90) * 1e6);
	printf("exposure_latency: %s_p99_us %.1f\n", what, quantile(t, n, 0.99) * 1e6);
	printf("exposure_latency: %s_max_us %.1f\n", what, t[n - 1] * 1e6);
}

static int parse_count(const char *text, size_t *out)
{
	size_t v = 0;

	if (!*text || strlen(text) > 9)
		return -1;
	for (; *text; text++) {
		if (*text < '0' || *text > '9')
			return -1;
		v = v * 10 + (size_t)(*text - '0');
	}
	*out = v;
	return 0;
}

/* Every member id, in byte order. */
static char (*load_members(mcg_ledger *L, size_t *n))[MCG_ID_TEXT_MAX]
{
	char (*ids)[MCG_ID_TEXT_MAX] = NULL;
	size_t cap = 0;
	sqlite3_stmt *st;

	*n = 0;
	if (sqlite3_prepare_v2(mcg_ledger_db(L), "SELECT id FROM members ORDER BY id",
			       -1, &st, NULL) != SQLITE_OK)
		return NULL;
	while (sqlite3_step(st) == SQLITE_ROW) {
		if (*n == cap) {
			void *p;

			cap = cap ? cap * 2 : 1024;
			p = realloc(ids, cap * sizeof(*ids));
			if (!p) {
				free(ids);
				sqlite3_finalize(st);
				return NULL;
			}
			ids = p;
		}
		snprintf(ids[(*n)++], MCG_ID_TEXT_MAX, "%s",
			 (const char *)sqlite3_column_text(st, 0));
	}
	sqlite3_finalize(st);
	return ids;
}

static int run_exec(const char *mcg, const char *db, const char *member, double *t)
{
	char *argv[] = { (char *)mcg, (char *)"--db", (char *)db, (char *)"exposure",
			 (char *)member, NULL };
	posix_spawn_file_actions_t fa;
	pid_t pid;
	int status, rc;

	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	*t = now_seconds();
	rc = posix_spawn(&pid, mcg, &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (rc != 0)
		return -1;
	if (waitpid(pid, &status, 0) < 0)
		return -1;
	*t = now_seconds() - *t;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

int main(int argc, char **argv)
{
	const char *db = NULL, *mcg = NULL;
	size_t n = 2000, n_exec = 200, n_members = 0, rows = 0;
	char (*ids)[MCG_ID_TEXT_MAX];
	mcg_ledger *L = NULL;
	mcg_error err;
	double *t, *c;
	double t0;
	int bad = argc % 2 == 0;

	for (int i = 1; !bad && i + 1 < argc; i += 2) {
		if (strcmp(argv[i], "--db") == 0)
			db = argv[i + 1];
		else if (strcmp(argv[i], "--exec") == 0)
			mcg = argv[i + 1];
		else if (strcmp(argv[i], "--n") == 0)
			bad = parse_count(argv[i + 1], &n) != 0;
		else if (strcmp(argv[i], "--n-exec") == 0)
			bad = parse_count(argv[i + 1], &n_exec) != 0;
		else
			bad = 1;
	}
	if (bad || !db || n < 1 || n > SAMPLES_MAX || n_exec > SAMPLES_MAX) {
		fprintf(stderr, "usage: exposure_latency --db LEDGER [--n N] [--exec MCG [--n-exec K]]\n");
		return 2;
	}
	mcg_error_clear(&err);
	if (mcg_ledger_open(db, NULL, 1, &L, &err) != MCG_OK) {
		fprintf(stderr, "exposure_latency: %s\n", err.msg);
		return 1;
	}
	ids = load_members(L, &n_members);
	if (!ids || n_members == 0) {
		fprintf(stderr, "exposure_latency: no members\n");
		mcg_ledger_close(L);
		return 1;
	}
	if (n > n_members)
		n = n_members;
	t = calloc(n > n_exec ? n : n_exec, sizeof(*t));
	c = calloc(n, sizeof(*c));
	if (!t || !c) {
		fprintf(stderr, "exposure_latency: out of memory\n");
		return 1;
	}

	/* Warm-up, then the timed pass: member k * n_members / n. */
	for (size_t k = 0; k < n / 10; k++) {
		mcg_exposure e;

		if (mcg_exposure_get(L, ids[k * n_members / n], &e, &err) == MCG_OK)
			mcg_exposure_free(&e);
	}
	for (size_t k = 0; k < n; k++) {
		mcg_exposure e;
		double s = now_seconds();
		double sc = clock_seconds(CLOCK_THREAD_CPUTIME_ID);

		if (mcg_exposure_get(L, ids[k * n_members / n], &e, &err) != MCG_OK) {
			fprintf(stderr, "exposure_latency: %s: %s\n", ids[k * n_members / n], err.msg);
			return 1;
		}
		mcg_exposure_free(&e);
		t[k] = now_seconds() - s;
		c[k] = clock_seconds(CLOCK_THREAD_CPUTIME_ID) - sc;
	}
	print_stats("inproc", t, n);
	print_stats("inproc_cpu", c, n);

	/* The whole portfolio through the iterator. */
	{
		mcg_exposure_iter *it = NULL;
		mcg_exposure e;
		int rc;

		t0 = now_seconds();
		if (mcg_exposure_iter_open(L, &it, &err) != MCG_OK) {
			fprintf(stderr, "exposure_latency: %s\n", err.msg);
			return 1;
		}
		while ((rc = mcg_exposure_iter_next(it, &e, &err)) == 1)
			rows++;
		mcg_exposure_iter_free(it);
		if (rc < 0) {
			fprintf(stderr, "exposure_latency: %s\n", err.msg);
			return 1;
		}
		printf("exposure_latency: portfolio_rows %zu\n", rows);
		printf("exposure_latency: portfolio_inproc_s %.3f\n", now_seconds() - t0);
	}
	mcg_ledger_close(L);

	if (mcg && n_exec > 0) {
		size_t m = n_exec < n_members ? n_exec : n_members;

		for (size_t k = 0; k < m; k++)
			if (run_exec(mcg, db, ids[k * n_members / m], &t[k]) != 0) {
				fprintf(stderr, "exposure_latency: %s exposure %s failed\n", mcg,
					ids[k * n_members / m]);
				return 1;
			}
		print_stats("command", t, m);
	}
	free(ids);
	free(t);
	free(c);
	return 0;
}
