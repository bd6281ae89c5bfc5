# I/O errors at a file size limit: every command that writes, run with
# RLIMIT_FSIZE (ulimit -f, in 512-byte blocks) and SIGXFSZ ignored, so a
# write past the limit fails with EFBIG, as a full disk fails a write.  A
# command must then fail cleanly: exit 1, one error line, and the ledger
# exactly as it was (snapshot of every row; check and audit verify pass).
# A sweep of limits hits every point of a command's writes.

# limited BLOCKS ARGS...: mcg ARGS under a file size limit, like mcg().
limited() {
	lim=$1
	shift
	capture sh -c 'trap "" XFSZ; ulimit -f "$1" || exit 99; shift; exec "$@"' sh "$lim" \
		"$MCG" "$@"
}

# clean_failure WHAT: the last limited run failed with exit 1 and one
# error line, or succeeded; sets FAILED to 1 when it failed.
clean_failure() {
	FAILED=0
	case "$RC" in
	0) ;;
	1)
		FAILED=1
		expect_eq "$(printf '%s\n' "$ERR" | wc -l)" 1 "$1: one error line"
		expect_contains "$ERR" "mcg: error: " "$1: error prefix"
		;;
	*) fail "$1: exit $RC, expected 0 or 1; stderr: $ERR" ;;
	esac
}

# sound WHAT: check and audit verify pass, the sequence has no gap.
sound() {
	expect_rc 0 check
	expect_rc 0 audit verify
	expect_eq "$(sqlite3 "$MCG_DB" 'SELECT COUNT(*) = MAX(seq) FROM events')" 1 "$1: no gap in seq"
}

setup_consortium
ok_run loan add L1 --borrower A --bank BANKITMM --principal 50000 --date 2026-01-10
for m in B C D; do ok_run assess L1 --assessor "$m" --score 7 --date 2026-01-11; done
ok_run guarantee L1 --coverage 50 --date 2026-01-12

# ---- a big import at the limit ---------------------------------------------
awk 'BEGIN { print "ref,date,type,loan,principal,interest,dpd,amount"
	for (i = 1; i <= 3000; i++) printf "r-%d,2026-02-01,repay,L1,0.01,0.01,,\n", i }' > big.csv
blocks=$(( $(wc -c < "$MCG_DB") / 512 ))
before=$(snapshot)
for lim in 8 64 $((blocks + 16)) $((blocks * 2)); do
	limited "$lim" import big.csv
	expect_eq "$RC" 1 "import under ulimit -f $lim fails"
	clean_failure "import under ulimit -f $lim"
	expect_eq "$(snapshot)" "$before" "import under ulimit -f $lim changed nothing"
done
expect_contains "$ERR" "error" "import failure says so"
expect_contains "$ERR" "File too large" "the error gives the reason the system gave (EFBIG)"
sound "after the failed imports"
# Nothing lost: without the limit the same file goes in whole.
ok_run import big.csv
expect_contains "$OUT" "3000 recorded" "the import after the failures"
case "$OUT" in
*"rollback journal"*) fail "a small import ran through the rollback journal: $OUT" ;;
*) ok ;;
esac
sound "after the import"

# ---- a large import: through SQLite's rollback journal -------------------------
# A file of MCG_IMPORT_ROLLBACK_JOURNAL_BYTES (4 MiB) or more is written
# through the rollback journal, its pages straight into the ledger: a
# failed write there is rolled back from the journal and the file cut back
# to its size (ledger/import.h).  On a copy of the ledger: the statement
# below would be too large with these events.
main_db=$MCG_DB
cp "$main_db" "$T_DIR/large.db" && cp -R "$main_db.keys" "$T_DIR/large.db.keys"
export MCG_DB="$T_DIR/large.db"
awk 'BEGIN { print "ref,date,type,loan,principal,interest,dpd,amount"
	for (i = 1; i <= 120000; i++) printf "x-%d,2026-02-02,repay,L1,0.01,0.01,,\n", i }' > large.csv
[ "$(wc -c < large.csv)" -ge 4194304 ] && ok || fail "large.csv is under 4 MiB"
blocks=$(( $(wc -c < "$MCG_DB") / 512 ))
size=$(wc -c < "$MCG_DB")
before=$(snapshot)
for lim in $((blocks + 16)) $((blocks * 2)) $((blocks * 4)); do
	limited "$lim" import large.csv
	expect_eq "$RC" 1 "a large import under ulimit -f $lim fails"
	clean_failure "a large import under ulimit -f $lim"
	expect_contains "$ERR" "File too large" "the large import names the reason"
	expect_eq "$(snapshot)" "$before" "a large import under ulimit -f $lim changed nothing"
	expect_eq "$(wc -c < "$MCG_DB")" "$size" "the ledger file is cut back to its size"
	expect_eq "$(sqlite3 "$MCG_DB" 'PRAGMA journal_mode')" wal "the ledger is back in WAL"
done
sound "after the failed large imports"
ok_run import large.csv
expect_contains "$OUT" "120000 recorded" "the large import after the failures"
expect_contains "$OUT" "written through the rollback journal" "the large import took the rollback journal"
sound "after the large import"
export MCG_DB="$main_db"

# ---- single commands: a sweep of limits -------------------------------------
# From a limit too small for anything to one where every command succeeds;
# each run either succeeds (and is recorded) or fails cleanly and changes
# nothing.
fails=0
passes=0
lim=1
n=0
while [ "$lim" -le 400 ]; do
	n=$((n + 1))
	before=$(snapshot)
	events=$(sqlite3 "$MCG_DB" 'SELECT COUNT(*) FROM events')
	limited "$lim" contribute B 1.00 --kind fund --ref "sweep-$n" --date 2026-03-01
	clean_failure "contribute under ulimit -f $lim"
	if [ "$FAILED" = 1 ]; then
		fails=$((fails + 1))
		expect_eq "$(snapshot)" "$before" "failed contribute under ulimit -f $lim changed nothing"
		# Nothing lost: run again without the limit, it is recorded once.
		ok_run contribute B 1.00 --kind fund --ref "sweep-$n" --date 2026-03-01
	else
		passes=$((passes + 1))
	fi
	expect_eq "$(sqlite3 "$MCG_DB" "SELECT COUNT(*) FROM events WHERE ref = 'sweep-$n'")" 1 "sweep-$n recorded once"
	expect_eq "$(sqlite3 "$MCG_DB" 'SELECT COUNT(*) FROM events')" $((events + 1)) "one event for sweep-$n"
	lim=$((lim + lim / 2 + 1))
done
[ "$fails" -gt 0 ] && ok || fail "no limit made contribute fail ($passes passed)"
[ "$passes" -gt 0 ] && ok || fail "no limit let contribute succeed ($fails failed)"
sound "after the sweep"

# ---- other writers at a small limit -----------------------------------------
for args in "member add E --name Firm-E --date 2026-03-02" \
	    "loan add L2 --borrower B --bank BANKITMM --principal 100 --date 2026-03-02" \
	    "repay L1 --principal 1 --date 2026-03-02" \
	    "rules load $MCG_SRC/rules/default.xml --date 2026-03-02" \
	    "audit checkpoint"; do
	before=$(snapshot)
	# shellcheck disable=SC2086
	limited 16 $args
	expect_eq "$RC" 1 "$args under ulimit -f 16 fails"
	clean_failure "$args under ulimit -f 16"
	expect_eq "$(snapshot)" "$before" "$args under ulimit -f 16 changed nothing"
done
sound "after the other writers"

# A signed statement that cannot be written whole is not written at all.
ok_run audit checkpoint
before=$(snapshot)
limited 2 statement BANKITMM --from 2026-01-01 --to 2026-12-31 -o st.xml
expect_eq "$RC" 1 "statement under ulimit -f 2 fails"
clean_failure "statement under ulimit -f 2"
[ ! -e st.xml ] && [ ! -e st.xml.tmp ] && ok || fail "a failed statement left st.xml or st.xml.tmp"
ok_run statement BANKITMM --from 2026-01-01 --to 2026-12-31 -o st.xml
ok_run statement verify st.xml
# Its checkpoint is kept only once the document is in its FILE.tmp: after
# an event (no checkpoint of the log's size kept yet), a statement that
# cannot write its FILE.tmp changes nothing at all.  (64 KiB: room to open
# the ledger, its -shm and -wal, not for the statement, over 500 KB.)
ok_run contribute B 1.00 --kind fund --date 2026-03-03
before=$(snapshot)
limited 128 statement BANKITMM --from 2026-01-01 --to 2026-12-31 -o st2.xml
expect_eq "$RC" 1 "statement under ulimit -f 128 fails"
clean_failure "statement under ulimit -f 128"
expect_contains "$ERR" "st2.xml.tmp" "the failure names the temporary file"
expect_eq "$(snapshot)" "$before" "a statement that cannot be written keeps no checkpoint"
[ ! -e st2.xml ] && [ ! -e st2.xml.tmp ] && ok || fail "a failed statement left st2.xml or st2.xml.tmp"

# init under a limit leaves nothing behind.
limited 8 --db small.db init --name Small --date 2026-01-01
expect_eq "$RC" 1 "init under ulimit -f 8 fails"
clean_failure "init under ulimit -f 8"
[ ! -e small.db ] && [ ! -e small.db.keys ] && ok || fail "a failed init left small.db or its keys"
sound "at the end"
