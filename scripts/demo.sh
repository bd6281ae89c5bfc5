#!/bin/sh
# The demo story of `make demo`: two years of a district consortium.
#
# Forty ceramics firms of the Sassuolo district form a confidi with three
# partner banks.  They pay in capital and the mutual fund, assess each
# other's loans, guarantee them jointly, import the banks' monthly files,
# meet one refusal by a rule, one default with a call and its loss
# waterfall, and a recovery.  Then mcg writes a signed statement for each
# bank and the regulatory report, verifies them with xmlsec1, xmllint and
# itself, checks the audit log, and prints a short summary.
#
# Usage: MCG=build/mcg sh scripts/demo.sh [FOLDER]   (default: demo-out)
set -eu

MCG=${MCG:-build/mcg}
case "$MCG" in /*) ;; *) MCG=$PWD/$MCG ;; esac
SRC=$(cd "$(dirname "$0")/.." && pwd)
OUT=${1:-$SRC/demo-out}
rm -rf "$OUT"
mkdir -p "$OUT"
cd "$OUT"
export MCG_DB="$OUT/confidi.db"
export MCG_ACTOR=tesoriere

say() { printf '\n== %s\n' "$*"; }
run() { "$MCG" "$@" >>story.log; }
quiet() { "$MCG" "$@" >>story.log 2>&1; }

say "A consortium is founded (2025-01-02)"
"$MCG" init --name "Confidi Ceramiche Sassuolo" --currency EUR --date 2025-01-02
run bank add BPMOIT22XXX --name "Banco BPM" --date 2025-01-02
run bank add BPERIT2MXXX --name "BPER Banca" --date 2025-01-02
run bank add CRPPIT2PXXX --name "Credit Agricole Italia" --date 2025-01-02

# Forty firms: tile makers (C23.31), glaze makers (C20.30), kiln builders
# (C28.21), logistics (H49.41), in four towns of the district.
towns="Sassuolo Fiorano Maranello Formigine"
i=1
while [ $i -le 40 ]; do
	id=$(printf 'F%02d' $i)
	case $((i % 4)) in
	0) sector=C23.31; kind=Ceramiche ;;
	1) sector=C20.30; kind=Smalti ;;
	2) sector=C28.21; kind=Forni ;;
	*) sector=H49.41; kind=Trasporti ;;
	esac
	town=$(echo $towns | cut -d' ' -f$((i % 4 + 1)))
	run member add "$id" --name "$kind $town $i Srl" --sector $sector --district "$town" --date 2025-01-02
	i=$((i + 1))
done
i=1
while [ $i -le 40 ]; do
	id=$(printf 'F%02d' $i)
	run contribute "$id" $((1500 + (i * 137) % 4000)).00 --kind capital --date 2025-01-10
	run contribute "$id" $((5000 + (i * 911) % 20000)).00 --kind fund --date 2025-01-10
	i=$((i + 1))
done
echo "40 member firms admitted; capital and fund paid in"

say "Loans are applied for, assessed by peers, and guaranteed (2025)"
# Twelve loans: borrower F(k), bank by turn, principal 40k..150k.
banks="BPMOIT22XXX BPERIT2MXXX CRPPIT2PXXX"
k=1
while [ $k -le 12 ]; do
	loan=$(printf 'L%03d' $k)
	borrower=$(printf 'F%02d' $k)
	bank=$(echo $banks | cut -d' ' -f$(( (k - 1) % 3 + 1 )))
	principal=$((40000 + k * 9000))
	day=$(printf '2025-02-%02d' $((k + 2)))
	run loan add $loan --borrower $borrower --bank $bank --principal $principal --rate 4.25 --term-months 60 --date $day
	# Four peers from the same trade assess it; scores from 5 to 9.
	a=1
	while [ $a -le 4 ]; do
		assessor=$(printf 'F%02d' $(( (k + a * 7) % 40 + 1 )))
		[ "$assessor" = "$borrower" ] && assessor=F40
		run assess $loan --assessor $assessor --score $(( 5 + (k + a) % 5 )) --date $day
		a=$((a + 1))
	done
	g1=$(printf 'F%02d' $(( (k + 13) % 40 + 1 )))
	g2=$(printf 'F%02d' $(( (k + 26) % 40 + 1 )))
	run guarantee $loan --coverage 60 --deposit $((principal / 40)) \
		--pledge $g1:$((principal / 10)) --pledge $g2:$((principal / 20)) --date $day --ref "g-$loan"
	k=$((k + 1))
done
echo "12 loans guaranteed at 60% with two co-guarantors each"

say "A rule refuses a guarantee"
run loan add L099 --borrower F20 --bank BPMOIT22XXX --principal 900000 --date 2025-03-03
run assess L099 --assessor F21 --score 8 --date 2025-03-03
run assess L099 --assessor F22 --score 7 --date 2025-03-03
if "$MCG" guarantee L099 --coverage 85 --date 2025-03-04 2>refusal.txt; then
	echo "unexpected: the guarantee was accepted" >&2
	exit 1
else
	echo "refused (exit $?):"
	sed 's/^/  /' refusal.txt
fi

say "The banks' monthly files are imported (2025-03 .. 2026-10)"
# Each month every loan repays principal/60 and its interest; one loan
# falls behind from 2025-11 and defaults.
month=3
year=2025
n=0
while [ $n -lt 20 ]; do
	file=$(printf 'bank-%04d-%02d.csv' $year $month)
	date=$(printf '%04d-%02d-28' $year $month)
	echo "ref,date,type,loan,principal,interest,dpd,amount" >"$file"
	k=1
	while [ $k -le 12 ]; do
		loan=$(printf 'L%03d' $k)
		principal=$((40000 + k * 9000))
		if [ $k = 7 ] && [ $n -ge 8 ]; then
			[ $n -le 10 ] && echo "$loan-$year-$month-a,$date,arrears,$loan,,,$(( (n - 7) * 30 )),"
		else
			echo "$loan-$year-$month,$date,repay,$loan,$((principal / 60)).00,$((principal * 425 / 120000)).$((k * 7 % 100 + 10)),,"
		fi
		k=$((k + 1))
	done >>"$file"
	run import "$file"
	month=$((month + 1))
	[ $month = 13 ] && { month=1; year=$((year + 1)); }
	n=$((n + 1))
done
"$MCG" import bank-2025-03.csv | tail -n 1
echo "20 monthly files imported (the first one again at the end: nothing changes)"

say "Loan L007 defaulted; the bank calls the guarantee (2026-11-02)"
ga=$("$MCG" guarantees --format csv | awk -F, '$1 == "L007" { print $6 }')
echo "guaranteed amount frozen at default: $ga EUR"
"$MCG" call L007 --amount "$ga" --date 2026-11-02
"$MCG" settle F21 1000.00 --date 2026-11-10 || true
"$MCG" recover L007 --amount 8000.00 --date 2026-12-15

say "Statements and the regulatory report (signed XML)"
for bank in $banks; do
	run statement $bank --from 2025-01-01 --to 2026-12-31 -o "statement-$bank.xml"
done
run report regulatory --from 2025-01-01 --to 2026-12-31 -o regulatory-report.xml
"$MCG" keys show >keys.txt
sed -n '/BEGIN PUBLIC KEY/,/END PUBLIC KEY/p' keys.txt >statement.pub

say "Verification, as a bank would do it"
for f in statement-*.xml regulatory-report.xml; do
	case $f in regulatory*) xsd=$SRC/reports/regulatory.xsd ;; *) xsd=$SRC/reports/statement.xsd ;; esac
	xmlsec1 --verify --enabled-key-data key-name --enabled-reference-uris empty \
		--pubkey-pem statement.pub "$f" >/dev/null 2>&1
	xmllint --noout --schema "$xsd" "$f" 2>/dev/null
	"$MCG" statement verify "$f" >/dev/null
	echo "  $f: xmlsec1 OK, xmllint OK, mcg statement verify OK"
done
"$MCG" audit checkpoint >checkpoint.txt
"$MCG" audit verify --checkpoint checkpoint.txt
"$MCG" check

say "Summary"
bal() { "$MCG" balance --format csv | awk -F, -v a="$1" '$1 == a { print $2 }'; }
neg() { awk -v v="$1" 'BEGIN { printf "%.2f", -v }'; }
# 1234567.50 -> 1,234,567.50, as mcg's own text output writes amounts.
grp() { printf '%s\n' "$1" | sed -e :a -e 's/^\(-\{0,1\}[0-9]\{1,\}\)\([0-9]\{3\}\)/\1,\2/;ta'; }
"$MCG" guarantees --format csv >guarantees.csv
"$MCG" exposure --format csv >exposure.csv
printf '  %-44s %s\n' "member firms" "$("$MCG" member list --format csv | tail -n +2 | wc -l)"
printf '  %-44s %s\n' "loans by status" "$(tail -n +2 guarantees.csv | cut -d, -f4 | sort | uniq -c | awk '{ printf "%s%s %s", s, $1, $2; s=", " }')"
printf '  %-44s %s EUR\n' "mutual guarantee fund" "$(grp "$(neg "$(bal fund)")")"
printf '  %-44s %s EUR\n' "total guaranteed now (GA)" "$(grp "$(tail -n +2 guarantees.csv | awk -F, '{ s += $6 } END { printf "%.2f", s }')")"
printf '  %-44s %s EUR\n' "guarantee fees earned" "$(grp "$(neg "$(bal fees)")")"
printf '  %-44s %s EUR\n' "cash at the banks" "$(grp "$(bal cash)")"
printf '  %-44s %s EUR\n' "owed by co-guarantors after the call" "$(grp "$(tail -n +2 exposure.csv | awk -F, '$5 > 0 { s += $5 } END { printf "%.2f", s }')")"
echo
echo "The exposure of F21, a co-guarantor of the defaulted loan:"
"$MCG" exposure F21 | sed 's/^/  /'
echo
echo "Files in $OUT:"
ls -1 "$OUT" | grep -v '^bank-' | sed 's/^/  /'
echo "  bank-*.csv (20 monthly bank files)"
echo
echo "Try: MCG_DB=$MCG_DB $MCG exposure F13"
