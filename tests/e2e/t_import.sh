# `mcg import FILE`: bank events from CSV (CLI.md "Import file").  A good
# file with every row type, a UTF-8 BOM, CRLF, quoted cells, shuffled
# columns and a trailing empty line; the same file twice; a file that
# overlaps one already imported; a bad row in the middle that leaves the
# ledger exactly as it was, reported as FILE:LINE; every kind of bad cell
# and header; idempotency shared with the recording commands.  Figures by
# hand in the comments (DOMAIN.md sections 4-5).

loan_row() {
	sqlite3 "$MCG_DB" "SELECT status || '|' || outstanding || '|' || ga FROM loans WHERE id = '$1'"
}

setup_consortium
# cash 104,000.00; fund -100,000.00; capital 1,000.00 each for A B C D.
# Events so far: ledger.init, rules 1, 4 x (member, capital), bank, fund = 12.

# L1: A borrows 40,000.00; coverage 50%: GA0 20,000.00, fee 200.00, fund
# 100.00, deposit 1,000.00 (cash +1,300.00); B and C pledge 2,000.00 each.
ok_run loan add L1 --borrower A --bank BANKITMM --principal 40000 --date 2026-01-10
ok_run assess L1 --assessor B --score 6 --date 2026-01-11
ok_run assess L1 --assessor C --score 7 --date 2026-01-11
ok_run assess L1 --assessor D --score 8 --date 2026-01-11
ok_run guarantee L1 --coverage 50 --deposit 1000 --pledge B:2000 --pledge C:2000 --date 2026-01-12
# L2: B borrows 10,000.00; coverage 80%: GA0 8,000.00, fee 80.00, fund
# 40.00, deposit 500.00 (cash +620.00); C pledges 1,000.00, D 2,000.00.
ok_run loan add L2 --borrower B --bank BANKITMM --principal 10000 --date 2026-01-12
ok_run assess L2 --assessor A --score 7 --date 2026-01-13
ok_run assess L2 --assessor C --score 7 --date 2026-01-13
ok_run assess L2 --assessor D --score 7 --date 2026-01-13
ok_run guarantee L2 --coverage 80 --deposit 500 --pledge C:1000 --pledge D:2000 --date 2026-01-14
# 22 events.  cash 105,920.00, fund -100,140.00.

# ---- a good file -------------------------------------------------------------
# Columns in another order, a BOM, CRLF line ends, quoted cells, a
# trailing empty line.
#   b-001 repay L1 4,000.00 (interest 125.50): outstanding 36,000.00,
#         GA = pct(36,000.00, 50%) = 18,000.00
#   b-002 arrears L2 30 days: still active
#   b-003 arrears L2 95 days >= 90: defaulted, GA frozen 8,000.00
#   b-004 call L2 5,000.00: deposit 500.00; pledges min(4,500.00, 3,000.00)
#         = 3,000.00 split 1:2 -> due:C 1,000.00, due:D 2,000.00; fund
#         1,500.00; cash -5,000.00
#   b-005 recover L2 900.00 by losses fund 1,500 : C 1,000 : D 2,000 ->
#         fund 300.00, C 200.00, D 400.00; cash +900.00
printf '\357\273\277date,ref,type,loan,amount,dpd,interest,principal\r\n' > good.csv
printf '2026-02-01,b-001,repay,L1,,,125.50,4000\r\n' >> good.csv
printf '2026-02-01,"b-002",arrears,L2,,30,,\r\n' >> good.csv
printf '2026-02-15,b-003,"arrears",L2,,95,,\r\n' >> good.csv
printf '2026-02-20,b-004,call,L2,"5000.00",,,\r\n' >> good.csv
printf '2026-03-01,b-005,recover,L2,900,,,\r\n' >> good.csv
printf '\r\n' >> good.csv
ok_run import good.csv
expect_eq "$OUT" "good.csv: 5 rows read, 5 recorded (events 23 to 27), 0 already recorded (skipped)" "import summary"
expect_eq "$ERR" "" "no progress when stderr is not a terminal"
expect_eq "$(loan_row L1)" "active|3600000|1800000" "L1 after repay"
expect_eq "$(loan_row L2)" "called|1000000|0" "L2 called"
expect_eq "$(balance_of cash)" "101820.00" "cash 105,920 - 5,000 + 900"
expect_eq "$(balance_of fund)" "-98940.00" "fund -100,140 + 1,500 - 300"
expect_eq "$(balance_of due:C)" "800.00" "due:C 1,000 - 200"
expect_eq "$(balance_of due:D)" "1600.00" "due:D 2,000 - 400"
expect_eq "$(balance_of deposit:L2)" "0.00" "deposit:L2 used up"
expect_eq "$(sqlite3 "$MCG_DB" "SELECT group_concat(type || ':' || ref || ':' || actor, ' ') FROM events WHERE seq > 22")" \
	"repay:b-001:e2e arrears:b-002:e2e arrears:b-003:e2e call:b-004:e2e recover:b-005:e2e" "events, refs and actor"
# The interest is kept (informative), in minor units.
expect_contains "$(sqlite3 "$MCG_DB" "SELECT fields FROM events WHERE ref = 'b-001'")" "interest=12550" "interest field"
# C: pledged its part of min(GA 18,000.00, pledges 4,000.00) on L1 = 2,000.00.
mcg exposure C --format csv
expect_contains "$OUT" "C,0.00,0.00,2000.00,800.00,0.00,1000.00" "exposure of C after import"
ok_run check

# ---- the same file again: nothing changes --------------------------------------
before=$(snapshot)
ok_run import good.csv
expect_eq "$OUT" "good.csv: 5 rows read, 0 recorded, 5 already recorded (skipped)" "second import summary"
expect_eq "$(snapshot)" "$before" "a file imported twice changes nothing"

# The recording commands share the refs: the same event by hand is a replay.
ok_run repay L1 --principal 4000 --interest 125.50 --ref b-001 --date 2026-02-01
expect_contains "$OUT" "already recorded" "CLI replay of an imported row"
expect_eq "$(snapshot)" "$before" "CLI replay changes nothing"
# ... and an event recorded by hand is skipped by an import.
ok_run arrears L1 --dpd 10 --ref cli-1 --date 2026-03-02
printf 'ref,date,type,loan,principal,interest,dpd,amount\n' > mixed.csv
printf 'cli-1,2026-03-02,arrears,L1,,,10,\n' >> mixed.csv
printf 'b-006,2026-03-02,repay,L1,1000,,,\n' >> mixed.csv
ok_run import mixed.csv
expect_eq "$OUT" "mixed.csv: 2 rows read, 1 recorded (events 29 to 29), 1 already recorded (skipped)" "mixed summary"
expect_eq "$(loan_row L1)" "active|3500000|1750000" "L1 after b-006"

# A file that overlaps: old rows skipped, new ones recorded.  (Appended
# after good.csv's trailing empty line, the new row would follow an empty
# line in the middle of the file: refused, at the empty line.)
cp good.csv overlap.csv
printf '2026-03-03,b-007,repay,L1,,,,500\r\n' >> overlap.csv
expect_unchanged 2 import overlap.csv
expect_contains "$ERR" "overlap.csv:7: an empty line" "an empty line in the middle"
head -n 6 good.csv > overlap.csv
printf '2026-03-03,b-007,repay,L1,,,,500\r\n' >> overlap.csv
ok_run import overlap.csv
expect_eq "$OUT" "overlap.csv: 6 rows read, 1 recorded (events 30 to 30), 5 already recorded (skipped)" "overlap summary"
expect_eq "$(loan_row L1)" "active|3450000|1725000" "L1 after b-007"

# Only the columns a file needs: a file of repayments.
printf 'ref,loan,date,type,principal\nb-008,L1,2026-03-04,repay,0.01\n' > repays.csv
ok_run import repays.csv
expect_eq "$(loan_row L1)" "active|3449999|1725000" "repay 0.01: GA = pct(34,499.99, 50%) = 17,249.995 -> 17,250.00"

# A header only: nothing to do.
printf 'ref,date,type,loan,principal,interest,dpd,amount\n' > empty-rows.csv
before=$(snapshot)
ok_run import empty-rows.csv
expect_eq "$OUT" "empty-rows.csv: 0 rows read, 0 recorded, 0 already recorded (skipped)" "header only"
expect_eq "$(snapshot)" "$before" "header only changes nothing"

# --dry-run: every row checked and applied, then rolled back.
printf 'ref,date,type,loan,principal,interest,dpd,amount\nb-009,2026-03-05,repay,L1,100,,,\nb-008,2026-03-04,repay,L1,0.01,,,\n' > dry.csv
ok_run import dry.csv --dry-run
expect_eq "$OUT" "dry run of dry.csv: 2 rows read, 1 would be recorded, 1 already recorded (skipped); nothing was written" "dry run summary"
expect_eq "$(snapshot)" "$before" "dry run changes nothing"

# ---- a bad row in the middle: nothing at all is written ---------------------------
HEAD="ref,date,type,loan,principal,interest,dpd,amount"
# expect_bad_file CODE FILE TEXT...: import exits CODE, leaves the ledger
# unchanged, and the message contains each TEXT.
# IMPORT_FLAGS (unquoted: words) go after FILE.
IMPORT_FLAGS=
expect_bad_file() {
	code=$1
	file=$2
	shift 2
	# shellcheck disable=SC2086
	expect_unchanged "$code" import "$file" $IMPORT_FLAGS
	for want in "$@"; do
		expect_contains "$ERR" "$want" "message for $file"
	done
}
printf '%s\nc-1,2026-03-05,repay,L1,100,,,\nc-2,2026-03-05,repay,L1,"1,000.00",,,\nc-3,2026-03-05,repay,L1,100,,,\n' "$HEAD" > bad-middle.csv
expect_bad_file 2 bad-middle.csv "mcg: error: bad-middle.csv:3: column 'principal'" "1,000.00"
expect_eq "$(sqlite3 "$MCG_DB" "SELECT COUNT(*) FROM events WHERE ref LIKE 'c-%'")" "0" "no row of a bad file recorded"
# The line is where the record starts, even after a cell over two lines.
printf '%s\nc-1,2026-03-05,repay,L1,100,,,\nc-2,2026-03-05,repay,"L1\nL2",100,,,\nc-3,2026-03-05,repay,L1,100,,,\n' "$HEAD" > bad-multiline.csv
expect_bad_file 2 bad-multiline.csv "bad-multiline.csv:3: "
printf '%s\nc-1,2026-03-05,repay,L1,100,,,\nc-2,2026-03-05,repay,L1,100,,,\nc-3,2026-03-05,repay,L2,100,,,\n' "$HEAD" > bad-state.csv
expect_bad_file 2 bad-state.csv "bad-state.csv:4: " "L2"
# The same ref with other content: a conflict (exit 5).
printf '%s\nc-1,2026-03-05,repay,L1,100,,,\nb-001,2026-02-01,repay,L1,4000.01,125.50,,\n' "$HEAD" > conflict.csv
expect_bad_file 5 conflict.csv "conflict.csv:3: " "already used"
# Two rows of one file with the same ref and other content: the first is
# rolled back with the file, so the error names the earlier row, not an
# event number that will never be recorded.
printf '%s\nd-1,2026-03-05,repay,L1,100,,,\nd-2,2026-03-05,repay,L1,50,,,\nd-1,2026-03-05,repay,L1,200,,,\n' "$HEAD" > twice.csv
expect_bad_file 5 twice.csv "twice.csv:4: ref 'd-1' is used by an earlier row of this file, with other content"
expect_eq "$(sqlite3 "$MCG_DB" "SELECT COUNT(*) FROM events WHERE ref LIKE 'd-%'")" "0" "no row of the file recorded"
# The same row twice in one file is the same event: recorded once.
printf '%s\ntwice-1,2026-03-05,repay,L1,100,,,\ntwice-1,2026-03-05,repay,L1,100,,,\n' "$HEAD" > same-twice.csv
ok_run import same-twice.csv
expect_eq "$(sqlite3 "$MCG_DB" "SELECT COUNT(*) FROM events WHERE ref = 'twice-1'")" "1" "a row repeated in a file is recorded once"
# Back-dating.
printf '%s\nc-1,2026-01-05,repay,L1,100,,,\n' "$HEAD" > backdated.csv
expect_bad_file 2 backdated.csv "backdated.csv:2: " "no back-dating"

# ---- bad cells, named by their column -----------------------------------------------
bad_row() {
	printf '%s\n%s\n' "$HEAD" "$1" > cell.csv
	expect_bad_file 2 cell.csv "cell.csv:2: " "$2"
}
bad_row ',2026-03-05,repay,L1,100,,,' "column 'ref'"
bad_row "$(printf 'tab\tref'),2026-03-05,repay,L1,100,,," "column 'ref': bad ref: character 4 is not printable ASCII"
bad_row "$(printf '%065d' 7),2026-03-05,repay,L1,100,,," "column 'ref'"
bad_row 'c-1,2026-02-30,repay,L1,100,,,' "column 'date'"
bad_row 'c-1,05/03/2026,repay,L1,100,,,' "column 'date'"
bad_row 'c-1,,repay,L1,100,,,' "column 'date'"
bad_row 'c-1,2026-03-05,Repay,L1,100,,,' "column 'type'"
bad_row 'c-1,2026-03-05,writeoff,L1,,,,' "column 'type'"
bad_row 'c-1,2026-03-05,repay,,100,,,' "column 'loan'"
bad_row 'c-1,2026-03-05,repay,NOLOAN,100,,,' "NOLOAN"
bad_row 'c-1,2026-03-05,repay,L1,,,,' "column 'principal' is required for type repay"
bad_row 'c-1,2026-03-05,repay,L1,0,,,' "column 'principal'"
bad_row 'c-1,2026-03-05,repay,L1,-5,,,' "column 'principal'"
bad_row 'c-1,2026-03-05,repay,L1,1e3,,,' "column 'principal'"
bad_row 'c-1,2026-03-05,repay,L1,1.001,,,' "column 'principal'"
bad_row 'c-1,2026-03-05,repay,L1, 100,,,' "column 'principal'"
bad_row 'c-1,2026-03-05,repay,L1,100,abc,,' "column 'interest'"
bad_row 'c-1,2026-03-05,repay,L1,100,,5,' "column 'dpd' must be empty for type repay"
bad_row 'c-1,2026-03-05,repay,L1,100,,,5' "column 'amount' must be empty for type repay"
bad_row 'c-1,2026-03-05,arrears,L1,,,,' "column 'dpd' is required for type arrears"
bad_row 'c-1,2026-03-05,arrears,L1,,,-1,' "column 'dpd'"
bad_row 'c-1,2026-03-05,arrears,L1,,,1.5,' "column 'dpd'"
bad_row 'c-1,2026-03-05,arrears,L1,,,36501,' "column 'dpd'"
bad_row 'c-1,2026-03-05,arrears,L1,5,,10,' "column 'principal' must be empty for type arrears"
bad_row 'c-1,2026-03-05,call,L1,,,,' "column 'amount' is required for type call"
bad_row 'c-1,2026-03-05,call,L1,,1,,5' "column 'interest' must be empty for type call"
bad_row 'c-1,2026-03-05,recover,L1,,,,0' "column 'amount'"
bad_row 'c-1,2026-03-05,repay,L1,100,,' "7 fields where the header has 8"
bad_row 'c-1,2026-03-05,repay,L1,100,,,,' "9 fields where the header has 8"

# ---- bad headers -----------------------------------------------------------------------
bad_header() {
	printf '%s\n' "$1" > header.csv
	expect_bad_file 2 header.csv "header.csv:1: " "$2"
}
bad_header 'ref,date,type,loan,principal,interest,dpd,amount,memo' "unknown column 'memo'"
bad_header 'ref,date,type,loan,Principal' "unknown column 'Principal'"
bad_header 'ref,date,type,loan,amount,amount' "column 'amount' appears twice"
bad_header 'ref,date,type,principal' "no column 'loan'"
bad_header 'date,type,loan,principal' "no column 'ref'"
bad_header 'ref, date,type,loan' "unknown column ' date'"
printf 'ref,date,type,loan,principal\nc-1,2026-03-05,call,L1,\n' > nocolumn.csv
expect_bad_file 2 nocolumn.csv "nocolumn.csv:2: " "column 'amount' is required for type call (the file has no such column)"
: > empty.csv
expect_bad_file 2 empty.csv "empty.csv:1: " "empty"
expect_unchanged 2 import no-such-file.csv
expect_contains "$ERR" "cannot open" "missing file"
mkdir -p adir
expect_unchanged 2 import adir
expect_rc 2 import
expect_rc 2 import a.csv b.csv

# ---- refs with spaces ---------------------------------------------------------------------
# A space is printable ASCII (CLI.md): a bank's refs such as "BPM 2026 001"
# are refs, leading and trailing spaces too, quoted or not, never trimmed.
printf '%s\nBPM 2026 001,2026-03-06,repay,L1,1,,,\n"  lead",2026-03-06,repay,L1,1,,,\ntrail  ,2026-03-06,repay,L1,1,,,\n' "$HEAD" > spaces.csv
ok_run import spaces.csv
expect_contains "$OUT" "3 recorded" "refs with spaces imported"
expect_eq "$(sqlite3 "$MCG_DB" "SELECT group_concat('[' || ref || ']', ' ') FROM (SELECT ref FROM events WHERE date = 20518 AND type = 'repay' ORDER BY seq)")" \
	"[BPM 2026 001] [  lead] [trail  ]" "refs stored byte for byte"
# The same file again: every row already recorded, nothing written.
expect_unchanged 0 import spaces.csv
expect_contains "$OUT" "0 recorded, 3 already recorded" "the same refs again are skipped"
# By command, the same ref and content is a replay; other content a conflict.
expect_unchanged 0 repay L1 --principal 1 --ref "trail  " --date 2026-03-06
expect_contains "$OUT" "already recorded as event" "a ref with trailing spaces replays by command"
expect_unchanged 5 repay L1 --principal 2 --ref "  lead" --date 2026-03-06
expect_contains "$ERR" "ref '  lead' was already used" "a ref with leading spaces conflicts by command"
printf '%s\nBPM 2026 001,2026-03-06,repay,L1,2,,,\n' "$HEAD" > spaces-conflict.csv
expect_bad_file 5 spaces-conflict.csv "spaces-conflict.csv:2: " "ref 'BPM 2026 001' was already used"
# One space more or less is another ref: recorded, not skipped.
printf '%s\nBPM 2026 001 ,2026-03-06,repay,L1,1,,,\ntrail,2026-03-06,repay,L1,1,,,\n' "$HEAD" > spaces-other.csv
ok_run import spaces-other.csv
expect_contains "$OUT" "2 recorded" "refs differing by a space are other refs"

# ---- progress on a terminal -----------------------------------------------------------------
# script(1) gives the command a terminal: progress goes to it with \r.
if command -v script >/dev/null 2>&1; then
	printf '%s\nd-1,2026-03-06,repay,L1,1,,,\n' "$HEAD" > tty.csv
	script -qec "\"$MCG\" import tty.csv" /dev/null > tty.out 2>&1
	expect_contains "$(cat tty.out)" "importing tty.csv: 1 rows, 100%" "progress on a terminal"
	expect_contains "$(cat tty.out)" "1 recorded" "summary on a terminal"
fi

# ---- errors deep in a file --------------------------------------------------------------
# The rows are read and built ahead, on a second thread, in batches of 64
# (ledger/import.c, "the rows, read ahead"): an error at a batch's first
# or last row, or batches after the first, is still reported at its own
# line, after the rows before it, and nothing is written.  3,000 rows:
# both rings (the rows' and the audit hashes', audit/leaf_pipe.c: 4
# batches of 256) go round several times, which `make tsan` needs to see.
# deep_file N BADROW LINE: N rows repaying L1 1.00 each, row BADROW (1 =
# the first data row) replaced by LINE.
deep_file() {
	awk -v n="$1" -v bad="$2" -v line="$3" -v head="$HEAD" 'BEGIN {
		print head
		for (i = 1; i <= n; i++)
			print (i == bad ? line : sprintf("deep-%d,2026-06-01,repay,L1,1,,,", i)) }' > deep.csv
}
# deep_errors: the errors above, with IMPORT_FLAGS.
deep_errors() {
	for bad in 64 65 256 257 3000; do
		deep_file 3000 "$bad" "deep-$bad,2026-06-01,repay,L1,1.001,,,"
		expect_bad_file 2 deep.csv "mcg: error: deep.csv:$((bad + 1)): column 'principal'"
	done
	# Refused when appended (no such loan), not when built.
	deep_file 3000 300 "deep-300,2026-06-01,repay,NOLOAN,1,,,"
	expect_bad_file 2 deep.csv "deep.csv:301: " "NOLOAN"
	# A CSV error (a quote left open to the end of the file) after 400 rows.
	deep_file 3000 400 'deep-400,2026-06-01,repay,"L1,1,,,'
	expect_bad_file 2 deep.csv "deep.csv:401: "
	expect_eq "$(sqlite3 "$MCG_DB" "SELECT COUNT(*) FROM events WHERE ref LIKE 'deep-%'")" "0" \
		"no row of a file refused deep in it recorded ($IMPORT_FLAGS)"
}
deep_errors
# --single-thread: the import's own thread reads the rows and hashes the
# leaves (what it also does when no thread can be made): the same errors.
IMPORT_FLAGS=--single-thread
deep_errors
IMPORT_FLAGS=
# The same file without the bad row: every row, in order.
deep_file 3000 0 ""
sqlite3 "$MCG_DB" ".backup single.db"
sqlite3 "$MCG_DB" ".backup nothreads.db"
ok_run import deep.csv
expect_contains "$OUT" "deep.csv: 3000 rows read, 3000 recorded" "3000 rows imported"
expect_eq "$(sqlite3 "$MCG_DB" "SELECT group_concat(ref) FROM (SELECT ref FROM events WHERE ref LIKE 'deep-%' ORDER BY seq)")" \
	"$(seq 1 3000 | sed 's/^/deep-/' | paste -sd, -)" "the rows recorded in the file's order"
ok_run audit verify
# The root itself differs when the imports' seconds do (an event's
# recorded_at is in its leaf); audit verify recomputes every leaf and
# checks the stored tree against them.
threaded_verify=${OUT%; root *}
threaded_events=$(sqlite3 "$MCG_DB" "SELECT seq, type, ref, date, fields FROM events ORDER BY seq")
threaded_balance=$("$MCG" balance --format csv)
# expect_as_threaded DB HOW: after `import deep.csv` into DB, a copy of
# the ledger before it: every row, the same events and balances as the
# threaded import, and an audit log that verifies.
expect_as_threaded() {
	expect_contains "$OUT" "deep.csv: 3000 rows read, 3000 recorded" "3000 rows imported $2"
	ok_run --db "$1" audit verify
	expect_eq "${OUT%; root *}" "$threaded_verify" "$2: the audit log verifies, as large"
	expect_eq "$(sqlite3 "$1" "SELECT seq, type, ref, date, fields FROM events ORDER BY seq")" \
		"$threaded_events" "$2: the same events"
	ok_run --db "$1" balance --format csv
	expect_eq "$OUT" "$threaded_balance" "$2: the same balances"
}
# The same file into the ledger as it was before, on one thread.
ok_run --db single.db import deep.csv --single-thread
expect_as_threaded single.db "on one thread"
# And when no thread can be made (pthread_create refused, preloaded from
# tests/fault/no_threads.c, which make e2e builds): the same, on one
# thread.  The log shows the two threads were asked for and refused.
if no_threads --db nothreads.db import deep.csv; then
	expect_eq "$RC" 0 "the import with no threads succeeds: $ERR"
	expect_as_threaded nothreads.db "with no threads"
	expect_eq "$(cat "$T_DIR/refused.log" 2>&1)" "$(printf 'refused\nrefused')" \
		"both threads asked for and refused"
else
	echo "    (MCG_NO_THREADS not set: the no-thread fallback not run; make e2e sets it)"
fi

ok_run check

# audit verify over a log longer than its hashing thread's four batches of
# 256 leaves, with two blocks changed: the first is named, as on one
# thread, though the second's batch is still queued when the first's
# node fails to match (it was once compared after, and named instead).
sqlite3 "$MCG_DB" ".backup two-blocks.db"
sqlite3 two-blocks.db "UPDATE events SET actor = 'mallory' WHERE seq IN (100, 600)"
expect_rc 4 --db two-blocks.db audit verify
expect_contains "$ERR" "events 1 to 256 do not match the audit log" "the first changed block named"
if no_threads --db two-blocks.db audit verify; then
	expect_contains "$RC $ERR" "4 mcg: error: audit verify failed: events 1 to 256 do not match" \
		"the same block named on one thread"
fi
