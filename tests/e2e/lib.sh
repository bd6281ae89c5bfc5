# Shared helpers for the end-to-end tests.  Each test file is a POSIX sh
# script sourced by run.sh in its own subshell, inside a fresh scratch
# folder, with $MCG the binary under test.  A test file calls these
# helpers; any failed assertion is counted and reported with its line.

: "${MCG:?MCG must name the mcg binary}"
export MCG_ACTOR=e2e
export MCG_DB="$PWD/mcg.db"
unset MCG_KEYS

fail() {
	echo "    FAIL [$T_NAME]: $*" >&2
	T_FAILED=$((T_FAILED + 1))
}

ok() {
	T_PASSED=$((T_PASSED + 1))
}

# mcg ARGS...: runs the binary, keeping stdout in $OUT, stderr in $ERR,
# the exit status in $RC.
mcg() {
	"$MCG" "$@" >"$T_DIR/.out" 2>"$T_DIR/.err"
	RC=$?
	OUT=$(cat "$T_DIR/.out")
	ERR=$(cat "$T_DIR/.err")
	return 0
}

# expect_rc CODE ARGS...: runs mcg and checks its exit status.
expect_rc() {
	want=$1
	shift
	mcg "$@"
	if [ "$RC" = "$want" ]; then ok; else
		fail "mcg $* exited $RC, expected $want; stderr: $ERR"
	fi
}

# ok_run ARGS...: mcg must succeed.
ok_run() {
	expect_rc 0 "$@"
}

# expect_eq ACTUAL EXPECTED WHAT
expect_eq() {
	if [ "$1" = "$2" ]; then ok; else
		fail "$3: got [$1] expected [$2]"
	fi
}

# expect_contains HAYSTACK NEEDLE WHAT
expect_contains() {
	case "$1" in
	*"$2"*) ok ;;
	*) fail "$3: [$1] does not contain [$2]" ;;
	esac
}

# csv_value CSV KEY COLUMN: the cell of the row whose first column is KEY.
csv_value() {
	printf '%s\n' "$1" | awk -F, -v k="$2" -v c="$3" '$1 == k { print $c }'
}

# balance_of ACCOUNT: its balance from `mcg balance --format csv`.
balance_of() {
	"$MCG" balance --format csv | awk -F, -v k="$1" '$1 == k { print $2 }'
}

# snapshot: a digest of everything in the ledger (every table's rows), to
# prove a refused command changed nothing.
snapshot() {
	sqlite3 "$MCG_DB" .dump | sha256sum | cut -d' ' -f1
}

# expect_unchanged CODE ARGS...: mcg exits CODE and the ledger is unchanged.
expect_unchanged() {
	before=$(snapshot)
	expect_rc "$@"
	after=$(snapshot)
	if [ "$before" = "$after" ]; then ok; else
		shift
		fail "mcg $* changed the ledger although it failed"
	fi
}

# expect_no_trace CODE NEEDLE PREFIX ARGS...: a signed document refused
# after its checkpoint was signed leaves no trace: mcg exits CODE with an
# error saying NEEDLE, prints nothing on standard output, leaves no file
# whose name starts with PREFIX (the document, its .tmp, its pages), and
# the ledger is exactly as it was: the same number of checkpoints, the
# same `mcg audit verify` report, every row the same.
expect_no_trace() {
	nt_code=$1 nt_needle=$2 nt_prefix=$3
	shift 3
	nt_rows=$(snapshot)
	nt_checkpoints=$(sqlite3 "$MCG_DB" 'SELECT COUNT(*) FROM checkpoints')
	nt_verify=$("$MCG" audit verify 2>&1)
	expect_rc "$nt_code" "$@"
	expect_contains "$ERR" "$nt_needle" "mcg $*: the error"
	expect_eq "$OUT" "" "mcg $*: nothing on standard output"
	expect_eq "$(ls -d "$nt_prefix"* 2>/dev/null | tr '\n' ' ')" "" "mcg $*: no file, temporary or page"
	expect_eq "$(sqlite3 "$MCG_DB" 'SELECT COUNT(*) FROM checkpoints')" "$nt_checkpoints" \
		"mcg $*: no checkpoint kept"
	expect_eq "$("$MCG" audit verify 2>&1)" "$nt_verify" "mcg $*: audit verify as before"
	expect_eq "$(snapshot)" "$nt_rows" "mcg $*: the ledger unchanged"
}

# expect_checkpoint_kept FILE: the checkpoint a written document carries
# is kept in the ledger, its note byte for byte.
expect_checkpoint_kept() {
	kc_size=$(xmllint --xpath "string(//*[local-name()='Checkpoint']/*[local-name()='Size'])" "$1" 2>/dev/null)
	kc_note=$(xmllint --xpath "string(//*[local-name()='Checkpoint']/*[local-name()='SignedNote'])" "$1" 2>/dev/null)
	case "$kc_size" in
	[0-9]*) expect_eq "$(sqlite3 "$MCG_DB" "SELECT note FROM checkpoints WHERE size = $kc_size")" \
		"$kc_note" "$1: its checkpoint of size $kc_size is kept" ;;
	*) fail "$1: no checkpoint size in the document" ;;
	esac
}

# A small consortium most tests start from: EUR, members A B C D with
# capital, one bank, a fund.
setup_consortium() {
	ok_run init --name "Test Consortium" --date 2026-01-01
	for m in A B C D; do
		ok_run member add "$m" --name "Firm $m" --sector C23.31 --district Sassuolo --date 2026-01-02
		ok_run contribute "$m" 1000.00 --kind capital --date 2026-01-02
	done
	ok_run bank add BANKITMM --name "Banca Test" --date 2026-01-02
	ok_run contribute A 100000.00 --kind fund --date 2026-01-03
}
