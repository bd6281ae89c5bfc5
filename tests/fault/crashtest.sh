#!/bin/sh
# The crash test (`make crashtest`; a short run in `make test`): kill mcg
# with SIGKILL at random moments while it writes, many times, and show that
# every kill leaves the ledger whole.
#
# 1. Big imports: a consortium with many guaranteed loans is built with
#    the real commands; a bank file of CRASH_ROWS repayments over them is
#    imported into a fresh copy, and killed after a random delay (half of
#    the kills anywhere in the run, half near its end, where the commit and
#    the WAL checkpoint are).  After each kill the ledger must hold none of
#    the file or all of it (its state equals the state before or after a
#    full import), and be sound: SQLite's integrity check, no gap in the
#    sequence, `mcg check` and `mcg audit verify`.  Then (every fifth run)
#    the same file is imported again to the end, which must reach the full
#    state: nothing was lost, nothing doubled.  The same again with a file
#    of CRASH_ROWS_LARGE rows, at least MCG_IMPORT_ROLLBACK_JOURNAL_BYTES
#    (ledger/import.h), which the import writes through SQLite's rollback
#    journal instead of WAL: after a kill there, the first to open the
#    ledger is `mcg balance`, read-only, which must roll the cut import
#    back itself (ledger/db.c, mcg_db_roll_back_cut_import).
# 2. Single commands: a loop of `mcg contribute` with unique refs runs in
#    the background while its current command is killed at random
#    moments.  A command that exited 0 must be recorded once; a killed one
#    once or not at all; the ledger sound after each kill.  At the end each
#    killed command is run again with its ref and everything is recorded
#    exactly once.
#
# Usage: MCG=build/mcg sh tests/fault/crashtest.sh
#   CRASH_KILLS   kills of the import (default 50)
#   CRASH_SINGLE  kills of single commands (default 50)
#   CRASH_ROWS    rows of the import file (default 50000)
#   CRASH_ROWS_LARGE  rows of the large import file (default 100000: 4.4 MB)
#   CRASH_LOANS   loans in the consortium (default 40)
# The last line is "crashtest: N kills, P partial, C corrupt" (N counts the
# processes that died of SIGKILL; runs that ended first are checked too,
# but not counted); the exit status is 0 only when P and C are 0 and at
# least one kill left a hot rollback journal for mcg to roll back.
set -u
: "${MCG:?MCG must name the mcg binary}"
kills=${CRASH_KILLS:-50}
singles=${CRASH_SINGLE:-50}
rows=${CRASH_ROWS:-50000}
rows_large=${CRASH_ROWS_LARGE:-100000}
loans=${CRASH_LOANS:-40}
here=$(cd "$(dirname "$0")" && pwd)
. "$here/setup.sh"

work=$(mktemp -d "${TMPDIR:-/tmp}/mcg-crash.XXXXXX")
trap 'rm -rf "$work"' EXIT
# A private copy of the binaries: a rebuild during the run must not change
# what runs (or make an exec fail with "text file busy").  mcg hands `init`
# and the XML commands to the mcg-xml beside it (cli/xml_helper.c).
cp "$MCG" "$work/mcg" || exit 1
cp "$(dirname "$MCG")/mcg-xml" "$work/mcg-xml" || exit 1
MCG=$work/mcg
cd "$work" || exit 1

done_kills=0
rollbacks=0
partial=0
corrupt=0
finished=0

# hot_journal DB: 1 when DB-journal is there with a first byte that is not
# zero (SQLite then rolls it back before reading), else 0.
hot_journal() {
	if [ -s "$1-journal" ] && [ "$(od -An -tu1 -N1 "$1-journal" | tr -d ' ')" != 0 ]; then
		echo 1
	else
		echo 0
	fi
}

# fresh NAME: a copy of the base ledger (and its keys) as NAME.db.
fresh() {
	rm -rf "$1.db" "$1.db-wal" "$1.db-shm" "$1.db-journal" "$1.db.keys"
	cp base.db "$1.db" && cp -R base.db.keys "$1.db.keys"
}

echo "crashtest: building a consortium of $loans loans"
fault_consortium base.db "$loans" || exit 1
fault_import_file big.csv "$rows" "$loans"
fault_import_file large.csv "$rows_large" "$loans"
# MCG_IMPORT_ROLLBACK_JOURNAL_BYTES (ledger/import.h): a smaller file
# would test WAL twice.
[ "$(wc -c < large.csv)" -ge 4194304 ] ||
	{ echo "crashtest: large.csv is under 4 MiB: raise CRASH_ROWS_LARGE" >&2; exit 1; }

# kill_imports FILE KILLS: part 1 on FILE (see the top).
kill_imports() {
	file=$1
	file_kills=$2
	before=$(fault_state base.db)
	# The length of a full import: the middle of three timed runs (the first
	# of them is the reference for the full state).
	times=""
	for r in 1 2 3; do
		fresh "ref$r" || exit 1
		t0=$(fault_millis)
		"$MCG" --db "ref$r.db" import "$file" >/dev/null || { echo "crashtest: the full import failed" >&2; exit 1; }
		times="$times $(( $(fault_millis) - t0 ))"
	done
	full_ms=$(printf '%s\n' $times | sort -n | sed -n 2p)
	after=$(fault_state ref1.db)
	[ "$before" != "$after" ] || { echo "crashtest: the import changed nothing" >&2; exit 1; }
	echo "crashtest: a full import of $file ($(wc -c < "$file") bytes) takes $full_ms ms; killing it $file_kills times"

	# Odd runs are killed anywhere in [0, full].  Even runs are killed near
	# an aim that homes in on the end of the run, where the commit and the
	# checkpoint of the WAL into the ledger happen: a run that ended first
	# moves the aim earlier, a kill that found none of the file moves it later
	# (runs vary with the machine's load).  A run that ends before its kill is
	# not counted as a kill; its state must be the full one.  Attempts are
	# bounded (three times the kills asked for).
	i=0
	attempts=0
	aim=$full_ms
	while [ "$i" -lt "$file_kills" ] && [ "$attempts" -lt $((file_kills * 3)) ]; do
		attempts=$((attempts + 1))
		fresh w || exit 1
		if [ $((attempts % 2)) = 1 ]; then
			delay=$(fault_random $((full_ms + 1)))
		else
			delay=$(( aim * 9 / 10 + $(fault_random $((aim / 5 + 1))) ))
		fi
		"$MCG" --db w.db import "$file" >/dev/null 2>w.err &
		pid=$!
		sleep "$(awk -v ms="$delay" 'BEGIN { printf "%.3f", ms / 1000 }')"
		kill -9 "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
		rc=$?
		# A hot journal (its first byte not zero: SQLite's test) left
		# by a kill is rolled back by the first reader, mcg balance.
		journal_left=$(hot_journal w.db)
		state=$(fault_state w.db)
		[ "$journal_left" = 1 ] && rollbacks=$((rollbacks + 1))
		[ "$(hot_journal w.db)" = 0 ] || { corrupt=$((corrupt + 1)); echo "  a hot rollback journal is still there after mcg read the ledger"; }
		if [ "$rc" = 0 ]; then
			finished=$((finished + 1))
			what="ended before the kill"
			[ "$state" = "$after" ] || { partial=$((partial + 1)); what="$what, NOT WHOLE"; }
		elif [ "$rc" != 137 ]; then
			corrupt=$((corrupt + 1))
			what="FAILED on its own: $(head -c 300 w.err)"
		else
			i=$((i + 1))
			done_kills=$((done_kills + 1))
			if [ "$state" = "$before" ]; then
				what="none of the file"
			elif [ "$state" = "$after" ]; then
				what="all of the file"
			else
				partial=$((partial + 1))
				what="PARTIAL: $(fault_events w.db) events"
			fi
		fi
		if ! fault_sound w.db 2>w.why; then
			corrupt=$((corrupt + 1))
			what="$what, CORRUPT: $(head -c 300 w.why)"
		fi
		# Nothing lost: importing the file again, to the end, reaches the
		# full state whatever the kill left (checked after every fifth run and
		# after the last: it takes as long as the import).
		if [ $((attempts % 5)) != 1 ] && [ "$i" != "$file_kills" ]; then
			:
		elif "$MCG" --db w.db import "$file" >/dev/null 2>w.err; then
			[ "$(fault_state w.db)" = "$after" ] || { partial=$((partial + 1)); what="$what; re-import NOT WHOLE"; }
		else
			corrupt=$((corrupt + 1))
			what="$what; re-import FAILED: $(head -c 300 w.err)"
		fi
		if [ $((attempts % 2)) = 0 ]; then
			case "$what" in
			"ended before"*) aim=$((aim * 93 / 100)) ;;
			"none of the file"*) aim=$((aim * 107 / 100)) ;;
			esac
		fi
		echo "  import, at ${delay} ms (exit $rc): $what"
	done
	[ "$i" = "$file_kills" ] || echo "crashtest: only $i of $file_kills import runs of $file could be killed before they ended"
}

kill_imports big.csv "$kills"
kill_imports large.csv "$kills"

# ---- 2. single commands in a loop ------------------------------------------
fresh s || exit 1
s_events=$(fault_events s.db)
: > s.log
# The loop: one command at a time, its pid in s.pid while it runs, its
# number and exit status appended to s.log when it ends.  It stops when
# s.stop appears.  A command takes tens of milliseconds, most of it
# starting the process; the kills come every 0 to 250 ms, until
# CRASH_SINGLE commands died of one (bounded by 20 times as many tries).
(
	n=1
	while [ ! -e s.stop ]; do
		"$MCG" --db s.db contribute M02 1.00 --kind fund --ref "k-$n" --date 2026-03-01 >/dev/null 2>&1 &
		echo "$!" > s.pid
		wait "$!" 2>/dev/null
		echo "$n $?" >> s.log
		n=$((n + 1))
	done
) &
loop=$!
tries=0
while [ "$(awk '$2 == 137' s.log | wc -l)" -lt "$singles" ] && [ "$tries" -lt $((singles * 20)) ]; do
	tries=$((tries + 1))
	sleep "0.$(printf '%03d' "$(fault_random 250)")"
	p=$(cat s.pid 2>/dev/null)
	[ -n "$p" ] && kill -9 "$p" 2>/dev/null
done
touch s.stop
wait "$loop" 2>/dev/null
killed=$(awk '$2 == 137' s.log | wc -l)
failed_other=$(awk '$2 != 0 && $2 != 137' s.log | wc -l)
total=$(wc -l < s.log)
done_kills=$((done_kills + killed))
if ! fault_sound s.db 2>s.why; then
	corrupt=$((corrupt + 1))
	echo "  single commands: CORRUPT: $(head -c 300 s.why)"
fi
# Every command that exited 0 is recorded exactly once; a killed one at
# most once; none fails otherwise (the loop is the only writer).
bad=$failed_other
kept=0
while read -r n rc; do
	c=$(sqlite3 s.db "SELECT COUNT(*) FROM events WHERE ref = 'k-$n'")
	if [ "$rc" = 0 ] && [ "$c" != 1 ]; then bad=$((bad + 1)); fi
	if [ "$c" != 0 ] && [ "$c" != 1 ]; then bad=$((bad + 1)); fi
	if [ "$rc" = 137 ] && [ "$c" = 1 ]; then kept=$((kept + 1)); fi
done < s.log
# Nothing lost: every command run again with its ref; all recorded once.
while read -r n rc; do
	"$MCG" --db s.db contribute M02 1.00 --kind fund --ref "k-$n" --date 2026-03-01 >/dev/null 2>s.err ||
		{ bad=$((bad + 1)); echo "  rerun of k-$n failed: $(cat s.err)"; }
done < s.log
ev=$(fault_events s.db)
want=$(( ${s_events%|*} + total ))
[ "$ev" = "$want|$want" ] || { bad=$((bad + 1)); echo "  after the reruns: $ev events, expected $want"; }
fault_sound s.db 2>s.why || { corrupt=$((corrupt + 1)); echo "  after the reruns: CORRUPT: $(head -c 300 s.why)"; }
partial=$((partial + bad))
echo "  single commands: $total run, $killed killed ($kept of them after their commit), $bad wrong"
[ "$killed" -ge "$singles" ] || echo "crashtest: only $killed of $singles single commands could be killed"

echo "crashtest: $finished import runs ended before their kill (checked whole, not counted)"
echo "crashtest: $rollbacks kills left a rollback journal, rolled back by mcg reading the ledger"
echo "crashtest: $done_kills kills, $partial partial, $corrupt corrupt"
# A run where no kill left a hot journal did not test its roll back.
[ "$rollbacks" -gt 0 ] || echo "crashtest: no kill left a rollback journal: the roll back was not tested" >&2
[ "$partial" = 0 ] && [ "$corrupt" = 0 ] && [ "$rollbacks" -gt 0 ]
