# The README's tour runs as typed.  The tour is every fenced ```sh block
# that comes right after a line `<!-- tour -->` in README.md, in order; the
# test runs them as one `sh` script with `set -e`, in an empty folder, with
# `mcg` the binary under test, and checks that every command succeeded and
# that the ledger tells the tour's story, figures by hand below (DOMAIN.md
# sections 3-6, the default rules).

# ---- extract the tour ------------------------------------------------------------
# A marker must be followed at once by a ```sh fence, and the fence closed.
awk '
	marked { if ($0 != "```sh") { print "README.md:" NR ": <!-- tour --> is not followed by a ```sh block" > "/dev/stderr"; bad = 1 }
		 else inblock = 1
		 marked = 0; next }
	inblock && $0 == "```" { inblock = 0; blocks++; next }
	inblock { print; next }
	$0 == "<!-- tour -->" { marked = 1 }
	END { if (inblock) { print "README.md: a tour block is not closed" > "/dev/stderr"; bad = 1 }
	      if (blocks == 0) { print "README.md: no <!-- tour --> block" > "/dev/stderr"; bad = 1 }
	      exit bad }
' "$MCG_SRC/README.md" >tour.sh 2>extract.err
expect_eq "$?" 0 "extracting the tour: $(cat extract.err)"
# The mcg commands the tour types, one a line: 32 today; fewer than 20 means
# a block lost its marker.  Without a tour there is nothing more to check.
commands=$(grep -c '^mcg ' tour.sh)
if [ "$commands" -ge 20 ]; then ok; else
	fail "the tour has only $commands mcg commands"
	return 0
fi

# ---- run it ----------------------------------------------------------------------
# `mcg` is the binary under test; each call appends "RC ARGS" to calls.log,
# so a failure is reported with the command that failed.  MCG_DB is unset:
# the tour chooses its own ledger.
mkdir tour
{
	echo 'set -e'
	echo 'mcg() {'
	echo '	"$MCG" "$@" || { rc=$?; echo "$rc mcg $*" >>"$TOUR_LOG"; return "$rc"; }'
	echo '	echo "0 mcg $*" >>"$TOUR_LOG"'
	echo '}'
	cat tour.sh
} >tour/tour.sh
: >calls.log
(cd tour && unset MCG_DB && TOUR_LOG="$T_DIR/calls.log" sh ./tour.sh) >tour.out 2>tour.err
rc=$?
if [ "$rc" = 0 ]; then ok; else
	fail "the tour stopped with exit $rc at: $(tail -n 1 calls.log 2>/dev/null); stderr: $(tail -n 3 tour.err)"
fi
expect_eq "$(wc -l <calls.log | tr -d ' ')" "$commands" "mcg commands run, of those in the tour"
expect_eq "$(grep -vc '^0 ' calls.log)" 0 "mcg commands that exited non-zero"
expect_eq "$(cat tour.err)" "" "nothing on the tour's standard error"

# From here on, the tour's ledger.
MCG_DB="$T_DIR/tour/consortium.db"
export MCG_DB
ok_run check
expect_eq "$(sqlite3 "$MCG_DB" "SELECT count(*) FROM events")" 21 "events in the tour"

# ---- the guarantee -----------------------------------------------------------------
# L-001: principal 40,000.00, repaid 2,000.00 (February) and 2,000.00 (March):
# outstanding 36,000.00; GA = pct(36,000.00, 50%) = 18,000.00; median of
# 7, 6, 8 is 7, grade 7, PD 0.50%.
mcg guarantees --format csv
expect_eq "$(printf '%s\n' "$OUT" | grep '^L-001,')" \
	"L-001,ACME,BPMOIT22XXX,active,36000.00,18000.00,50.00,7,0.50" "the guarantee of L-001"
# BETA and GAMMA pledged 10,000.00 and 5,000.00: min(GA 18,000.00, 15,000.00)
# all at risk; ACME holds a deposit of 1,000.00.
mcg exposure --format csv
expect_eq "$(csv_value "$OUT" BETA 4)" "10000.00" "BETA pledged"
expect_eq "$(csv_value "$OUT" GAMMA 4)" "5000.00" "GAMMA pledged"
expect_eq "$(csv_value "$OUT" ACME 6)" "1000.00" "ACME's deposit"

# ---- the import ----------------------------------------------------------------------
# tour_said LINE WHAT: the tour printed this line.
tour_said() {
	if grep -qxF -- "$1" tour.out; then ok; else fail "$2: the tour did not print [$1]"; fi
}
tour_said "bank-2026-03.csv: 2 rows read, 2 recorded (events 20 to 21), 0 already recorded (skipped)" "first import"
tour_said "bank-2026-03.csv: 2 rows read, 0 recorded, 2 already recorded (skipped)" "second import"
expect_eq "$(sqlite3 "$MCG_DB" "SELECT group_concat(type || ':' || ref, ' ') FROM events WHERE seq > 19")" \
	"arrears:BPM-2026-03-001 repay:BPM-2026-03-002" "the imported rows"

# ---- the balance, by hand --------------------------------------------------------------
# cash: capital 2,500 + 2,500 + 1,000 + 1,000 = 7,000.00, fund 60,000 + 40,000
# = 100,000.00, the guarantee's fee pct(20,000.00, 1%) = 200.00, fund share
# pct(20,000.00, 0.5%) = 100.00 and deposit 1,000.00: 108,300.00.  The
# repayments go to the bank, not through the consortium's cash.
expect_eq "$(balance_of cash)" "108300.00" "cash"
expect_eq "$(balance_of fund)" "-100100.00" "fund 100,000.00 + 100.00"
expect_eq "$(balance_of fees)" "-200.00" "fees"
expect_eq "$(balance_of deposit:L-001)" "-1000.00" "ACME's deposit"
expect_eq "$(balance_of capital:DELTA)" "-1000.00" "DELTA's capital"
tour_said "cash           108,300.00" "the tour's last trial balance"

# ---- the statement and the audit log -----------------------------------------------------
# The first quarter holds every event on the bank's loan: loan add, guarantee,
# the February repayment and the two rows of the March file.
xml=$(cat tour/bpm-q1.xml 2>/dev/null)
expect_contains "$xml" '<Period from="2026-01-01" to="2026-03-31"/>' "statement period"
expect_contains "$xml" '<Guarantees count="1">' "statement guarantees"
expect_contains "$xml" '<Events count="5">' "statement events"
ok_run statement verify tour/bpm-q1.xml
expect_contains "$OUT" "for bank BPMOIT22XXX, 2026-01-01 to 2026-03-31" "statement verified"
ok_run audit verify --checkpoint tour/checkpoint.txt
expect_contains "$OUT" "21 events" "audit verify"
