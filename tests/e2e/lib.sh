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

# capture COMMAND...: runs it, keeping stdout in $OUT, stderr in $ERR,
# the exit status in $RC.
capture() {
	"$@" >"$T_DIR/.out" 2>"$T_DIR/.err"
	RC=$?
	OUT=$(cat "$T_DIR/.out")
	ERR=$(cat "$T_DIR/.err")
	return 0
}

# mcg ARGS...: runs the binary as capture does.
mcg() {
	capture "$MCG" "$@"
}

# no_threads ARGS...: mcg as mcg() runs it, but with pthread_create
# refused (tests/fault/no_threads.c, preloaded from $MCG_NO_THREADS, which
# make e2e sets): the import and `audit verify` then do all their work on
# one thread.  Each refusal is a line of $T_DIR/refused.log.  Runs
# nothing and returns 1 when MCG_NO_THREADS is not set.
no_threads() {
	[ -n "${MCG_NO_THREADS:-}" ] || return 1
	capture env LD_PRELOAD="$MCG_NO_THREADS" MCG_NO_THREADS_LOG="$T_DIR/refused.log" \
		ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0" \
		"$MCG" "$@"
}

# as_nobody ARGS...: mcg as mcg() runs it, but as the user nobody (65534,
# by setpriv) with MCG_ACTOR=nobody: a reader who may not write what root
# may.  The caller first checks that it runs as root and has setpriv.
as_nobody() {
	capture setpriv --reuid=65534 --regid=65534 --clear-groups -- env MCG_ACTOR=nobody \
		"$MCG" "$@"
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

# ledger_state [DB [KEYS]]: the ledger (its file byte for byte, then every
# row) and its keys folder (each entry's name, type and mode, size and
# time, then each file's content): what a refused `-o FILE` leaves exactly
# as it was.  DB defaults to $MCG_DB, KEYS to DB.keys.
ledger_state() {
	ls_db=${1:-$MCG_DB}
	ls_keys=${2:-$ls_db.keys}
	sha256sum "$ls_db" | cut -d' ' -f1
	sqlite3 "$ls_db" .dump | sha256sum | cut -d' ' -f1
	(cd "$ls_keys" && find . -printf '%p %M %s %T@\n' | sort &&
		find . -type f -exec sha256sum {} + | sort)
}

# expect_output_refused NEEDLE OUT ARGS...: mcg ARGS -o OUT exits 2 with
# one error line containing NEEDLE, prints nothing on standard output, and
# leaves the ledger and its keys folder (ledger_state) and the working
# folder's list of files exactly as they were.
expect_output_refused() {
	or_needle=$1 or_out=$2
	shift 2
	or_state=$(ledger_state)
	or_files=$(ls -A | sort)
	expect_rc 2 "$@" -o "$or_out"
	expect_contains "$ERR" "$or_needle" "mcg $* -o $or_out: the error"
	expect_eq "$(printf '%s\n' "$ERR" | wc -l)" 1 "mcg $* -o $or_out: one error line"
	expect_eq "$OUT" "" "mcg $* -o $or_out: nothing on standard output"
	expect_eq "$(ledger_state)" "$or_state" "mcg $* -o $or_out: the ledger and its keys unchanged"
	expect_eq "$(ls -A | sort)" "$or_files" "mcg $* -o $or_out: no file made or removed"
}

# expect_ledger_outputs_refused ARGS...: the command mcg ARGS, which
# writes a document to `-o FILE`, refuses every one of the ledger's own
# files as FILE, however it is named: the ledger (as a bare name, ./, ../,
# its absolute path, through a symbolic link, a hard link), its -wal,
# -shm and -journal, a key file, a new file in the keys folder (directly
# and through a link to the folder) and the folder itself.  Each refusal
# is expect_output_refused; a document to another file is then written.
# The ledger is $MCG_DB, in the working folder; its keys are $MCG_DB.keys.
expect_ledger_outputs_refused() {
	lo_db=$(basename "$MCG_DB")
	lo_here=../$(basename "$PWD")
	ln -s "$lo_db" lo-link.db
	ln "$lo_db" lo-hard.db
	ln -s "$lo_db.keys" lo-keys
	for lo_out in "$lo_db" "./$lo_db" "$lo_here/$lo_db" "$MCG_DB" lo-link.db lo-hard.db; do
		expect_output_refused "-o $lo_out is the ledger itself ($MCG_DB)" "$lo_out" "$@"
	done
	for lo_sfx in -wal -shm -journal; do
		expect_output_refused "-o $lo_db$lo_sfx is the ledger's journal file $MCG_DB$lo_sfx" \
			"$lo_db$lo_sfx" "$@"
	done
	for lo_out in "$lo_db.keys/statement.key" "$lo_db.keys/checkpoint.key" \
		      "$lo_db.keys/statement.pub" "$lo_db.keys/new.xml" "./$lo_db.keys/new.xml" \
		      lo-keys/new.xml; do
		expect_output_refused "-o $lo_out is inside the keys folder $MCG_DB.keys" "$lo_out" "$@"
	done
	expect_output_refused "-o $lo_db.keys is the keys folder $MCG_DB.keys" "$lo_db.keys" "$@"
	rm lo-link.db lo-hard.db lo-keys
	# Beside the ledger, and next to the keys folder, is not in it.
	ok_run "$@" -o "$lo_db.keys/../lo-fine.xml"
	expect_contains "$OUT" "wrote " "a document beside the ledger is written"
	if ls lo-fine*.xml >/dev/null 2>&1; then ok; else
		fail "mcg $* -o $lo_db.keys/../lo-fine.xml: no document written"
	fi
	rm -f lo-fine*.xml
	# A file already at FILE.tmp is removed, never written into: a hard
	# link there to a private key once had the key truncated and
	# overwritten by the document, exit 0 (one to the ledger itself is
	# refused by name, above).  A private key with a second name is now
	# refused for signing (SECURITY.md), before anything is written, so
	# the links are to the public keys, which the document's own check
	# reads.  (A document in pages writes FILE-pN.xml.tmp, one alone
	# FILE.tmp: links at both.)
	ln "$lo_db.keys/statement.pub" lo-tmp.xml.tmp
	ln "$lo_db.keys/checkpoint.pub" lo-tmp-p1.xml.tmp
	lo_keys=$(cat "$lo_db.keys/statement.pub" "$lo_db.keys/checkpoint.pub" | sha256sum)
	ok_run "$@" -o lo-tmp.xml
	expect_eq "$(cat "$lo_db.keys/statement.pub" "$lo_db.keys/checkpoint.pub" | sha256sum)" "$lo_keys" \
		"mcg $* -o lo-tmp.xml, hard links to the keys at its temporary files: the keys unchanged"
	rm -f lo-tmp*.xml lo-tmp*.xml.tmp
	ln "$lo_db.keys/statement.key" lo-tmp.xml.tmp
	expect_output_refused "$MCG_DB.keys/statement.key has 2 names (hard links)" lo-tmp.xml "$@"
	rm -f lo-tmp.xml.tmp
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
