# Mixed work on one ledger at once: contributions, imports (two files, and
# one of them twice), peer assessments, checkpoints, a statement, and
# readers, all started together.  Every command must succeed or fail
# cleanly (one error line, the exit status CLI.md gives it); nothing is
# recorded twice or lost; the sequence has no gap; check and audit verify
# pass.  Everything is dated the same day, so no ordering of the writers is
# back-dating.

setup_consortium
ok_run member add E --name "Firm E" --date 2026-01-03
ok_run contribute E 1000.00 --kind capital --date 2026-01-03
ok_run loan add L1 --borrower A --bank BANKITMM --principal 20000 --date 2026-01-10
ok_run loan add L2 --borrower B --bank BANKITMM --principal 20000 --date 2026-01-10
ok_run loan add L5 --borrower C --bank BANKITMM --principal 20000 --date 2026-01-10
for m in B C D; do ok_run assess L1 --assessor "$m" --score 7 --date 2026-01-11; done
for m in A C D; do ok_run assess L2 --assessor "$m" --score 7 --date 2026-01-11; done
ok_run guarantee L1 --coverage 50 --date 2026-01-12
ok_run guarantee L2 --coverage 50 --date 2026-01-12
day=2026-03-01
start_events=$(sqlite3 "$MCG_DB" 'SELECT COUNT(*) FROM events')
fund_before=$(balance_of fund)

# Two bank files of 200 repayments of 1.00 each.
for f in 1 2; do
	awk -v f="$f" -v d="$day" 'BEGIN { print "ref,date,type,loan,principal,interest,dpd,amount"
		for (i = 1; i <= 200; i++) printf "imp%d-%d,%s,repay,L%d,1.00,0.10,,\n", f, i, d, f }' > "bank$f.csv"
done

# job NAME ARGS...: runs mcg ARGS in the background; its exit status goes
# to NAME.rc, its stderr to NAME.err.
job() {
	name=$1
	shift
	( "$MCG" "$@" >"$name.out" 2>"$name.err"; echo $? >"$name.rc" ) &
}

# Four treasurers contributing, ten times each.
for w in 1 2 3 4; do
	( i=1; while [ $i -le 10 ]; do
		"$MCG" contribute D 1.00 --kind fund --ref "c$w-$i" --date "$day" >/dev/null 2>"w$w-$i.err"
		echo "$?" >"w$w-$i.rc"
		i=$((i + 1))
	done ) &
done
# Two imports, and the first file a second time (whichever is second
# skips every row).
job imp1 import bank1.csv
job imp2 import bank2.csv
job imp1again import bank1.csv
# Peer assessments of L5 by three members, and a replayed one.
job as-a assess L5 --assessor A --score 6 --ref as-a --date "$day"
job as-b assess L5 --assessor B --score 8 --ref as-b --date "$day"
job as-d assess L5 --assessor D --score 7 --ref as-d --date "$day"
job as-d2 assess L5 --assessor D --score 7 --ref as-d --date "$day"
# One ref, two contents: exactly one wins, the other is a conflict (5).
job x1 contribute E 5.00 --kind fund --ref same-ref --date "$day"
job x2 contribute E 6.00 --kind fund --ref same-ref --date "$day"
# Checkpoints and a signed statement while others write.
job cp1 audit checkpoint
job cp2 audit checkpoint
job st statement BANKITMM --from 2026-01-01 --to 2026-12-31 -o st.xml
# Readers.
job r1 balance --format csv
job r2 guarantees --format csv
job r3 exposure --format csv
job r4 audit verify
job r5 check
wait

# one_line FILE: the file holds at most one line, and it is an mcg error.
one_line() {
	[ ! -s "$1" ] && return 0
	[ "$(wc -l < "$1")" -le 1 ] && grep -q '^mcg: error: ' "$1"
}

for w in 1 2 3 4; do
	i=1
	while [ $i -le 10 ]; do
		expect_eq "$(cat "w$w-$i.rc")" 0 "contribute c$w-$i ($(cat "w$w-$i.err"))"
		i=$((i + 1))
	done
done
for j in imp1 imp2 imp1again as-a as-b as-d as-d2 cp1 cp2 st r1 r2 r3 r4 r5; do
	expect_eq "$(cat "$j.rc")" 0 "job $j ($(cat "$j.err"))"
	one_line "$j.err" && ok || fail "job $j: stderr is not one error line: $(cat "$j.err")"
done
x="$(cat x1.rc) $(cat x2.rc)"
case "$x" in
"0 5"|"5 0") ok ;;
*) fail "same ref, other content: exits $x, expected one 0 and one 5" ;;
esac
one_line x1.err && one_line x2.err && ok || fail "conflict error is not one line"

# Nothing twice, nothing lost.
expect_eq "$(grep -h 'recorded' imp1.out imp1again.out | grep -c '200 recorded')" 1 "bank1.csv recorded once"
expect_eq "$(grep -h 'recorded' imp1.out imp1again.out | grep -c '200 already recorded')" 1 "bank1.csv skipped once"
added=$((40 + 200 + 200 + 3 + 1))
expect_eq "$(sqlite3 "$MCG_DB" 'SELECT COUNT(*) || "|" || MAX(seq) FROM events')" \
	"$((start_events + added))|$((start_events + added))" "every event once, no gap in seq"
expect_eq "$(sqlite3 "$MCG_DB" "SELECT COUNT(*) FROM (SELECT ref FROM events WHERE ref IS NOT NULL GROUP BY ref HAVING COUNT(*) > 1)")" 0 "no ref twice"
expect_eq "$(sqlite3 "$MCG_DB" "SELECT COUNT(*) FROM events WHERE type = 'repay' AND ref LIKE 'imp%'")" 400 "400 repayments"
expect_eq "$(sqlite3 "$MCG_DB" "SELECT outstanding FROM loans WHERE id = 'L1'") $(sqlite3 "$MCG_DB" "SELECT outstanding FROM loans WHERE id = 'L2'")" \
	"1980000 1980000" "each loan repaid 200.00 once"
won=$(sqlite3 "$MCG_DB" "SELECT fields FROM events WHERE ref = 'same-ref'")
case "$won" in *500*) x_minor=500 ;; *600*) x_minor=600 ;; *) x_minor=0; fail "same-ref event: $won" ;; esac
fund_minor=$(printf '%s\n' "$fund_before" | tr -d '.-')
expect_eq "$(balance_of fund | tr -d '.-')" "$((fund_minor + 4000 + x_minor))" "the fund holds every contribution once"
expect_eq "$(sqlite3 "$MCG_DB" "SELECT COUNT(*) FROM events WHERE type = 'assess'")" 9 "assessments: six before, three now"
expect_rc 0 check
expect_rc 0 audit verify
expect_rc 0 statement verify st.xml
