/*
 * Fuzz target: `mcg import FILE` from the bank's CSV to the journal
 * (ledger/import.h, mcg_import_file), on a real ledger, as a dry run: every
 * row is read, checked, turned into an event, applied with the rules and
 * appended, then the transaction is rolled back.
 *
 * The ledger is made once, at start, by the real binary named by $MCG
 * (make sets it; default build/mcg): members A to D, a bank, a fund, an
 * active guaranteed loan L1, a defaulted one L2 (so calls and recoveries
 * apply) and a loan L3 only applied for.  Each input is written to a
 * temporary file (the function reads a path).
 *
 * Promises checked: the answer is 0, MCG_EINPUT, MCG_ECONFLICT or MCG_ESYS
 * (a rule refusal would be MCG_ERULE, allowed too); a refusal is one line
 * naming the file (fuzz.h); and nothing is let in: the ledger's size is
 * the same after every input.
 */
#include "fuzz.h"

#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ledger/import.h"
#include "ledger/ledger.h"

static char dir[64];
static char csv_path[128];
static mcg_ledger *L;
static int64_t size_before;

extern char **environ;

/* Runs `sh -c script sh a1 a2` and returns 0 when it exited 0. */
static int run_sh(const char *script, const char *a1, const char *a2)
{
	char *argv[] = { "sh", "-c", (char *)script, "sh", (char *)a1, (char *)a2, NULL };
	pid_t pid;
	int status;

	if (posix_spawn(&pid, "/bin/sh", NULL, NULL, argv, environ) != 0)
		return -1;
	if (waitpid(pid, &status, 0) != pid)
		return -1;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

static void cleanup(void)
{
	mcg_ledger_close(L);
	L = NULL;
	if (dir[0] && run_sh("rm -rf \"$1\"", dir, "") != 0)
		fprintf(stderr, "fuzz_import: could not remove %s\n", dir);
}

/* The setup, run by sh with the ledger's folder as $1 and mcg as $2. */
static const char setup_script[] =
	"set -e; mcg=$2; cd \"$1\"; m() { \"$mcg\" --db l.db --actor fuzz \"$@\" >/dev/null; };"
	"m init --name Fuzz --date 2026-01-01;"
	"for x in A B C D; do m member add $x --name \"Firm $x\" --date 2026-01-02;"
	" m contribute $x 1000 --kind capital --date 2026-01-02; done;"
	"m bank add BANKITMM --name Banca --date 2026-01-02;"
	"m contribute A 100000 --kind fund --date 2026-01-03;"
	"m loan add L1 --borrower A --bank BANKITMM --principal 40000 --date 2026-01-10;"
	"m loan add L2 --borrower B --bank BANKITMM --principal 40000 --date 2026-01-10;"
	"for x in B C D; do m assess L1 --assessor $x --score 7 --date 2026-01-11; done;"
	"for x in A C D; do m assess L2 --assessor $x --score 7 --date 2026-01-11; done;"
	"m guarantee L1 --coverage 50 --deposit 2000 --pledge B:5000 --date 2026-01-15;"
	"m guarantee L2 --coverage 50 --deposit 2000 --pledge C:5000 --date 2026-01-15;"
	"m repay L1 --principal 1000 --interest 10 --date 2026-02-01 --ref r-1;"
	"m arrears L2 --dpd 90 --date 2026-03-01;"
	"m loan add L3 --borrower C --bank BANKITMM --principal 5000 --date 2026-03-02;";

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *mcg = getenv("MCG");
	char db[128];
	mcg_error err;

	(void)argc;
	(void)argv;
	if (!mcg || !*mcg)
		mcg = "build/mcg";
	snprintf(dir, sizeof(dir), "%s", "/tmp/mcg-fuzz-import.XXXXXX");
	if (!mkdtemp(dir)) {
		perror("fuzz_import: mkdtemp");
		abort();
	}
	atexit(cleanup);
	if (run_sh(setup_script, dir, mcg) != 0) {
		fprintf(stderr, "fuzz_import: could not make the ledger with %s "
			"(set MCG to the mcg binary)\n", mcg);
		abort();
	}
	snprintf(db, sizeof(db), "%s/l.db", dir);
	snprintf(csv_path, sizeof(csv_path), "%s/in.csv", dir);
	mcg_error_clear(&err);
	if (mcg_ledger_open(db, NULL, 0, &L, &err) != MCG_OK ||
	    mcg_ledger_size(L, &size_before, &err) != MCG_OK) {
		fprintf(stderr, "fuzz_import: %s\n", err.msg);
		abort();
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	mcg_import_opts opts = { .actor = "fuzz", .dry_run = 1 };
	mcg_import_summary sum;
	mcg_error err;
	int64_t size_after = -1;
	FILE *f;
	int rc;

	f = fopen(csv_path, "wb");
	if (!f)
		abort();
	if (size && fwrite(data, 1, size, f) != size)
		abort();
	if (fclose(f) != 0)
		abort();
	mcg_error_clear(&err);
	rc = mcg_import_file(L, csv_path, &opts, &sum, &err);
	fuzz_check_error(rc, &err);
	FUZZ_REQUIRE(rc != MCG_EINTEGRITY, "bad rows are never an integrity failure");
	if (rc != MCG_OK)
		FUZZ_REQUIRE(strstr(err.msg, csv_path) != NULL, "a refusal names the file");
	else
		FUZZ_REQUIRE(sum.recorded + sum.skipped == sum.rows,
			     "every row recorded or skipped");
	mcg_error_clear(&err);
	FUZZ_REQUIRE(mcg_ledger_size(L, &size_after, &err) == MCG_OK &&
		     size_after == size_before, "a dry run lets nothing in");
	return 0;
}
