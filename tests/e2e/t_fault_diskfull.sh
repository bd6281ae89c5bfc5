# A real full disk: the ledger on a small tmpfs, filled up to a few
# kilobytes, then commands that write.  Each must either succeed or fail
# cleanly (exit 1, one error line) with the ledger exactly as it was; once
# space is freed the same command goes in, once.  Mounting needs root and a
# container that allows it: where it is not allowed the test says so and
# skips (t_fault_fsize.sh covers the same failure path with ulimit -f,
# which always runs).

mnt="$T_DIR/full"
mkdir "$mnt"
if ! mount -t tmpfs -o size=4m,mode=0700 tmpfs "$mnt" 2>/dev/null; then
	echo "    skip [$T_NAME]: cannot mount a tmpfs here (not root, or the container forbids it)" >&2
	rmdir "$mnt"
	ok
else
	export MCG_DB="$mnt/l.db"

	# fill FREE_KB: fills the tmpfs but FREE_KB kilobytes.
	fill() {
		rm -f "$mnt/filler"
		dd if=/dev/zero of="$mnt/filler" bs=4096 2>/dev/null
		truncate -s "-$(( $1 * 1024 ))" "$mnt/filler" 2>/dev/null || rm -f "$mnt/filler"
	}
	unfill() {
		rm -f "$mnt/filler"
	}

	# full_run FREE_KB WHAT ARGS...: runs mcg ARGS with FREE_KB free; the
	# run succeeds or fails cleanly with the ledger unchanged.  Sets FAILED.
	full_run() {
		free=$1
		what=$2
		shift 2
		unfill
		before=$(snapshot)
		fill "$free"
		mcg "$@"
		unfill
		FAILED=0
		case "$RC" in
		0) ;;
		1)
			FAILED=1
			expect_eq "$(printf '%s\n' "$ERR" | wc -l)" 1 "$what with ${free} KB free: one error line"
			expect_eq "$(snapshot)" "$before" "$what with ${free} KB free: changed nothing"
			;;
		*) fail "$what with ${free} KB free: exit $RC, expected 0 or 1; stderr: $ERR" ;;
		esac
	}

	setup_consortium
	ok_run loan add L1 --borrower A --bank BANKITMM --principal 50000 --date 2026-01-10
	for m in B C D; do ok_run assess L1 --assessor "$m" --score 7 --date 2026-01-11; done
	ok_run guarantee L1 --coverage 50 --date 2026-01-12
	awk 'BEGIN { print "ref,date,type,loan,principal,interest,dpd,amount"
		for (i = 1; i <= 3000; i++) printf "r-%d,2026-02-01,repay,L1,0.01,0.01,,\n", i }' > big.csv

	# An import that needs megabytes, with 64 KB free: it fails whole.
	full_run 64 "import" import big.csv
	expect_eq "$RC" 1 "import on a full disk fails"
	expect_contains "$ERR" "disk full" "the error says the disk is full"
	ok_run check
	ok_run import big.csv
	expect_contains "$OUT" "3000 recorded" "the import once there is room"

	# A large import (4 MiB or more: through SQLite's rollback journal,
	# ledger/import.h) needs more than the whole tmpfs: it fails whole,
	# and the ledger is back in WAL.
	awk 'BEGIN { print "ref,date,type,loan,principal,interest,dpd,amount"
		for (i = 1; i <= 120000; i++) printf "x-%d,2026-02-02,repay,L1,0.01,0.01,,\n", i }' > large.csv
	full_run 1024 "large import" import large.csv
	expect_eq "$RC" 1 "a large import on a full disk fails"
	expect_contains "$ERR" "disk full" "the error says the disk is full"
	expect_eq "$(sqlite3 "$MCG_DB" 'PRAGMA journal_mode')" wal "the ledger is back in WAL"
	ok_run check

	# Single commands with 0 to 256 KB free.
	fails=0
	n=0
	for free in 0 4 8 16 24 32 40 48 64 96 128 256; do
		n=$((n + 1))
		full_run "$free" "contribute" contribute B 1.00 --kind fund --ref "full-$n" --date 2026-03-01
		if [ "$FAILED" = 1 ]; then
			fails=$((fails + 1))
			ok_run contribute B 1.00 --kind fund --ref "full-$n" --date 2026-03-01
		fi
		expect_eq "$(sqlite3 "$MCG_DB" "SELECT COUNT(*) FROM events WHERE ref = 'full-$n'")" 1 "full-$n recorded once"
	done
	[ "$fails" -gt 0 ] && ok || fail "a full disk never made contribute fail"
	full_run 0 "audit checkpoint" audit checkpoint
	full_run 0 "statement" statement BANKITMM --from 2026-01-01 --to 2026-12-31 -o "$mnt/st.xml"
	[ "$RC" = 0 ] || [ ! -e "$mnt/st.xml" ] && ok || fail "a failed statement left a file"
	[ ! -e "$mnt/st.xml.tmp" ] && ok || fail "a statement left st.xml.tmp"

	expect_rc 0 check
	expect_rc 0 audit verify
	expect_eq "$(sqlite3 "$MCG_DB" 'SELECT COUNT(*) = MAX(seq) FROM events')" 1 "no gap in seq"
	umount "$mnt" && rmdir "$mnt" && ok || fail "could not unmount $mnt"
fi
