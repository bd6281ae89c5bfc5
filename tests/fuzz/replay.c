/*
 * A main() for the fuzz targets without libFuzzer: runs the target once
 * over every file named on the command line (folders are walked one level
 * deep), so the seed corpora and every crasher kept in
 * tests/fuzz/regressions/ run as regression tests under gcc and the
 * sanitizers of `make asan` (`make fuzz-replay`).
 *
 * Prints "NAME: N inputs" and exits 0, or stops at the first input whose
 * run aborts (the sanitizers and FUZZ_REQUIRE do that), naming it first.
 */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"

/* Targets without an initialiser get this one (a weak default). */
__attribute__((weak)) int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

/* The sanitizers' hook, present only in sanitized builds. */
extern void __sanitizer_set_death_callback(void (*callback)(void))
	__attribute__((weak));

/* The input running now, named when a run dies. */
static const char *current;

static void name_current(void)
{
	if (current)
		fprintf(stderr, "replay: the failing input is %s\n", current);
}

static void on_fatal_signal(int sig)
{
	name_current();
	signal(sig, SIG_DFL);
	raise(sig);
}

/* The largest input replayed: fuzz inputs are small (libFuzzer's default
 * -max_len is 4096; the XML limit is 16 MiB and stays the bound). */
#define REPLAY_BYTES_MAX ((size_t)17 * 1024 * 1024)

static int run_file(const char *path, size_t *count)
{
	FILE *f = fopen(path, "rb");
	uint8_t *data;
	size_t len;

	if (!f) {
		fprintf(stderr, "replay: cannot read %s: %s\n", path, strerror(errno));
		return -1;
	}
	data = malloc(REPLAY_BYTES_MAX);
	if (!data) {
		fclose(f);
		return -1;
	}
	len = fread(data, 1, REPLAY_BYTES_MAX, f);
	fclose(f);
	current = path;
	LLVMFuzzerTestOneInput(data, len);
	current = NULL;
	free(data);
	(*count)++;
	return 0;
}

static int run_path(const char *path, size_t *count)
{
	struct stat st;
	struct dirent *e;
	DIR *d;
	int rc = 0;

	if (stat(path, &st) != 0) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		return -1;
	}
	if (!S_ISDIR(st.st_mode))
		return run_file(path, count);
	d = opendir(path);
	if (!d)
		return -1;
	while (rc == 0 && (e = readdir(d)) != NULL) {
		char child[4096];
		int n;

		if (e->d_name[0] == '.')
			continue;
		n = snprintf(child, sizeof(child), "%s/%s", path, e->d_name);
		if (n < 0 || (size_t)n >= sizeof(child))
			continue;
		if (stat(child, &st) == 0 && S_ISREG(st.st_mode))
			rc = run_file(child, count);
	}
	closedir(d);
	return rc;
}

int main(int argc, char **argv)
{
	size_t count = 0;

	if (__sanitizer_set_death_callback)
		__sanitizer_set_death_callback(name_current);
	signal(SIGABRT, on_fatal_signal);
	signal(SIGSEGV, on_fatal_signal);
	signal(SIGBUS, on_fatal_signal);
	LLVMFuzzerInitialize(&argc, &argv);
	for (int i = 1; i < argc; i++)
		if (run_path(argv[i], &count) != 0)
			return 1;
	printf("%s: %zu inputs\n", argc > 0 ? argv[0] : "replay", count);
	return 0;
}
