# export --format ledger: hledger and ledger(1) read it without error and
# compute the same balances as `mcg balance`.
ok_run init --name "Export Test" --date 2026-01-01
for m in A B C; do
	ok_run member add "$m" --name "Firm $m" --date 2026-01-02
	ok_run contribute "$m" 1234.56 --kind capital --date 2026-01-02
done
ok_run contribute A 50000 --kind fund --date 2026-01-03 --ref "fund;1"
# Refs with spaces, leading and trailing ones too (a space is printable
# ASCII, CLI.md): the export writes them as they are.
ok_run contribute B 10 --kind fund --date 2026-01-03 --ref "BPM 2026 001"
ok_run contribute B 20 --kind fund --date 2026-01-03 --ref "  lead"
ok_run contribute B 30 --kind fund --date 2026-01-03 --ref "trail  "
ok_run contribute B 0.01 --kind fund --date 2026-01-04
ok_run member withdraw C --date 2026-01-05

ok_run export --format ledger
printf '%s\n' "$OUT" > journal.ledger
# mcg's own balances, as "account amount" lines with a plain decimal.
"$MCG" balance --format csv | tail -n +2 | awk -F, '{ printf "%s %s\n", $1, $2 }' | sort > mcg.txt
hledger -f journal.ledger bal --flat --no-total --empty -O csv 2>hledger.err |
	tail -n +2 | tr -d '"' | sed 's/ EUR$//' | awk -F, '{ printf "%s %.2f\n", $1, $2 }' | sort > hledger.txt
expect_eq "$(cat hledger.err)" "" "hledger reads the export without error"
ledger -f journal.ledger bal --flat --no-total --empty --format '%(account),%(quantity(scrub(display_total)))\n' 2>ledger.err |
	awk -F, '{ printf "%s %.2f\n", $1, $2 }' | sort > ledger.txt
expect_eq "$(cat ledger.err)" "" "ledger reads the export without error"
expect_eq "$(cat hledger.txt)" "$(cat mcg.txt)" "hledger balances equal mcg balance"
expect_eq "$(cat ledger.txt)" "$(cat mcg.txt)" "ledger balances equal mcg balance"
expect_rc 2 export
expect_rc 2 export --format csv
# Each ref on its comment line byte for byte, spaces and all; hledger reads
# it as the value of the tag ref (a tag's value is trimmed there: the
# event's number in the description tells such refs apart).
expect_eq "$(grep -c '^    ; ref: BPM 2026 001$' journal.ledger)" 1 "a ref with inner spaces exported"
expect_eq "$(grep -c '^    ; ref:   lead$' journal.ledger)" 1 "a ref with leading spaces exported as it is"
expect_eq "$(grep -c '^    ; ref: trail  $' journal.ledger)" 1 "a ref with trailing spaces exported as it is"
expect_contains "$(hledger -f journal.ledger tags ref --values 2>&1)" "BPM 2026 001" "hledger reads a ref with spaces as the tag's value"

# --all: every event a transaction (those that move no money without
# postings), the same balances in both tools.
events=$(sqlite3 "$MCG_DB" "SELECT COUNT(*) FROM events")
money=$(sqlite3 "$MCG_DB" "SELECT COUNT(DISTINCT seq) FROM postings")
ok_run export --format ledger --all
printf '%s\n' "$OUT" > all.ledger
expect_eq "$(grep -c '^[0-9]\{4\}-[0-9][0-9]-[0-9][0-9] \* ([0-9]*) ' all.ledger)" "$events" "one transaction per event"
expect_eq "$(grep -c '^[0-9]\{4\}-[0-9][0-9]-[0-9][0-9] \* ([0-9]*) ' journal.ledger)" "$money" "without --all, one per event with postings"
expect_contains "$(cat all.ledger)" "* (5) member.add B" "an event that moves no money is there"
expect_eq "$(hledger -f all.ledger print 2>&1 | grep -c '^[0-9]')" "$events" "hledger reads every transaction"
hledger -f all.ledger bal --flat --no-total --empty -O csv 2>hledger.err |
	tail -n +2 | tr -d '"' | sed 's/ EUR$//' | awk -F, '{ printf "%s %.2f\n", $1, $2 }' | sort > hledger-all.txt
expect_eq "$(cat hledger.err)" "" "hledger reads the --all export without error"
ledger -f all.ledger bal --flat --no-total --empty --format '%(account),%(quantity(scrub(display_total)))\n' 2>ledger.err |
	awk -F, '{ printf "%s %.2f\n", $1, $2 }' | sort > ledger-all.txt
expect_eq "$(cat ledger.err)" "" "ledger reads the --all export without error"
expect_eq "$(cat hledger-all.txt)" "$(cat mcg.txt)" "hledger balances of --all equal mcg balance"
expect_eq "$(cat ledger-all.txt)" "$(cat mcg.txt)" "ledger balances of --all equal mcg balance"
expect_rc 2 export --format ledger --all=yes
