# Statements made while a treasurer keeps recording: every one is written
# whole, signed, and its checkpoint covers every event it reports (the cut
# is never beyond the checkpoint), so each verifies against the log.

PUB=mcg.db.keys/statement.pub
setup_consortium
ok_run loan add L1 --borrower A --bank BANKITMM --principal 50000 --date 2026-01-10
for m in B C D; do ok_run assess L1 --assessor "$m" --score 7 --date 2026-01-11; done
ok_run guarantee L1 --coverage 50 --date 2026-01-12

# A writer: 20 repayments of 1.00, as fast as it can.
( i=1; while [ $i -le 20 ]; do
	"$MCG" repay L1 --principal 1 --date 2026-02-01 >/dev/null 2>&1 || echo "repay $i failed" >> writer.err
	i=$((i + 1))
done ) &
writer=$!
# Meanwhile: statements, member statements and reports.
n=1
while [ $n -le 6 ]; do
	( "$MCG" statement BANKITMM --from 2026-01-01 --to 2026-12-31 -o "s$n.xml" >/dev/null 2>"s$n.err"; echo $? > "s$n.rc" ) &
	( "$MCG" exposure A --format xml > "m$n.xml" 2>"m$n.err"; echo $? > "m$n.rc" ) &
	( "$MCG" report regulatory --from 2026-01-01 --to 2026-12-31 -o "r$n.xml" >/dev/null 2>"r$n.err"; echo $? > "r$n.rc" ) &
	n=$((n + 1))
done
wait
expect_eq "$(cat writer.err 2>/dev/null)" "" "the writer was never refused"
expect_eq "$(sqlite3 "$MCG_DB" "SELECT outstanding FROM loans WHERE id = 'L1'")" "4998000" "all 20 repayments recorded"
for f in s m r; do
	n=1
	while [ $n -le 6 ]; do
		expect_eq "$(cat "$f$n.rc")" "0" "$f$n made ($(cat "$f$n.err"))"
		if xmlsec1 --verify --enabled-key-data key-name --enabled-reference-uris empty \
			--pubkey-pem "$PUB" "$f$n.xml" >/dev/null 2>&1; then ok; else
			fail "$f$n.xml does not verify with xmlsec1"
		fi
		expect_rc 0 statement verify "$f$n.xml"
		# The figures are of the log the checkpoint signs, never beyond it.
		asof=$(xmllint --xpath 'string(//*[local-name()="AsOf"]/@event)' "$f$n.xml")
		size=$(xmllint --xpath 'string(//*[local-name()="Checkpoint"]/*[local-name()="Size"])' "$f$n.xml")
		if [ -n "$asof" ] && [ "$asof" -le "$size" ]; then ok; else
			fail "$f$n.xml: as of event $asof beyond its checkpoint of $size"
		fi
		n=$((n + 1))
	done
done
expect_eq "$(ls *.tmp 2>/dev/null | wc -l)" "0" "no temporary file left"
expect_rc 0 check
expect_rc 0 audit verify
