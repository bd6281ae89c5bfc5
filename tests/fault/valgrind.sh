#!/bin/sh
# Runs a representative set of mcg commands under valgrind's memcheck
# (`make valgrind`): every command group, its success path and a refusal,
# on one small consortium.  Each run must end with no memory error and no
# leak valgrind counts as an error (definitely or possibly lost):
#   valgrind --leak-check=full --error-exitcode=99
# Prints one line per command and "valgrind: N commands, M with errors";
# the full report of a failing command is kept in its .vg file, named.
# Usage: MCG=build/mcg sh tests/fault/valgrind.sh
set -u
: "${MCG:?MCG must name the mcg binary}"
command -v valgrind >/dev/null 2>&1 || { echo "valgrind: not installed (sh scripts/deps.sh valgrind)" >&2; exit 2; }
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/mcg-valgrind.XXXXXX")
cd "$work" || exit 1
export MCG_DB="$work/v.db" MCG_ACTOR=valgrind

runs=0
bad=0
# vg WANT ARGS...: mcg ARGS under valgrind must exit WANT (its own exit
# status) with no valgrind error (99).
vg() {
	want=$1
	shift
	runs=$((runs + 1))
	log="$work/vg-$runs.vg"
	# --trace-children: mcg hands init and the XML commands to mcg-xml by
	# exec (cli/xml_helper.c), which is checked too; the log is an open
	# descriptor so that the exec'd valgrind appends to it.
	valgrind --quiet --trace-children=yes --leak-check=full \
		--show-leak-kinds=definite,possible \
		--errors-for-leak-kinds=definite,possible --error-exitcode=99 \
		--log-fd=9 "$MCG" "$@" 9>"$log" >/dev/null 2>"$work/vg-$runs.err"
	rc=$?
	if [ "$rc" = 99 ] || [ -s "$log" ]; then
		bad=$((bad + 1))
		echo "  FAIL mcg $*: valgrind reports errors (see $log)"
		sed -n '1,40p' "$log" | sed 's/^/    /'
	elif [ "$rc" != "$want" ]; then
		bad=$((bad + 1))
		echo "  FAIL mcg $*: exit $rc, expected $want: $(cat "$work/vg-$runs.err")"
	else
		echo "  ok   mcg $(printf '%.70s' "$*")"
	fi
}

vg 0 init --name "Valgrind Consortium" --date 2026-01-01
for m in A B C D; do
	"$MCG" member add "$m" --name "Firm $m" --date 2026-01-02 >/dev/null
	"$MCG" contribute "$m" 1000 --kind capital --date 2026-01-02 >/dev/null
done
vg 0 member add E --name "Firm E" --sector C23.31 --district Sassuolo --date 2026-01-02
vg 0 bank add BANKITMM --name "Banca Test" --date 2026-01-02
vg 0 contribute A 100000 --kind fund --date 2026-01-03 --ref fund-1
vg 0 contribute A 100000 --kind fund --date 2026-01-03 --ref fund-1
vg 5 contribute A 1 --kind fund --date 2026-01-03 --ref fund-1
vg 2 contribute A 1,5 --kind fund
vg 0 loan add L1 --borrower A --bank BANKITMM --principal 40000 --rate 4.5 --term-months 36 --date 2026-01-10
"$MCG" loan add L2 --borrower B --bank BANKITMM --principal 20000 --date 2026-01-10 >/dev/null
for m in B C; do "$MCG" assess L1 --assessor "$m" --score 7 --date 2026-01-11 >/dev/null; done
for m in A C D; do "$MCG" assess L2 --assessor "$m" --score 6 --date 2026-01-11 >/dev/null; done
vg 0 assess L1 --assessor D --score 8 --date 2026-01-11
vg 3 guarantee L1 --coverage 80 --deposit 0 --pledge B:200000 --date 2026-01-12
vg 0 guarantee L1 --coverage 50 --deposit 2000 --pledge B:5000 --pledge C:3000 --date 2026-01-12
"$MCG" guarantee L2 --coverage 50 --pledge A:2000 --date 2026-01-12 >/dev/null
vg 0 repay L1 --principal 1000 --interest 100 --date 2026-02-01
printf 'ref,date,type,loan,principal,interest,dpd,amount\nr1,2026-02-02,repay,L1,10.00,1.00,,\nr2,2026-02-03,arrears,L2,,,95,\nr3,2026-02-04,call,L2,,,,6000.00\nr4,2026-02-05,recover,L2,,,,100\n' > bank.csv
vg 0 import bank.csv
vg 0 import bank.csv
printf 'ref,date,type,loan,principal,interest,dpd,amount\nr9,2026-02-06,repay,L1,"1,,,\n' > bad.csv
vg 2 import bad.csv
vg 0 recover L2 --amount 50 --date 2026-02-06
vg 0 settle A 100 --date 2026-02-07
vg 0 balance
vg 0 balance --format csv
vg 0 member list --format csv
vg 0 exposure
vg 0 exposure B --format csv
vg 0 guarantees --format csv
vg 0 scores L1
vg 0 scores --calibration
vg 0 check
vg 0 audit checkpoint
"$MCG" audit checkpoint > cp.txt
vg 0 audit verify --checkpoint cp.txt
vg 0 audit prove 5
vg 0 audit consistency 3 10
vg 0 keys show
vg 0 statement BANKITMM --from 2026-01-01 --to 2026-12-31 -o st.xml
vg 0 statement verify st.xml
sed 's/40000.00/40001.00/' st.xml > forged.xml
vg 4 statement verify forged.xml
vg 0 report regulatory --from 2026-01-01 --to 2026-12-31 -o reg.xml
# Last of the signing commands: the keys change.
vg 0 keys rotate
vg 2 keys rotate
vg 0 audit verify
vg 0 exposure B --format xml
vg 0 export --format ledger
vg 0 rules show
vg 0 rules check "$src/rules/default.xml"
printf '<?xml version="1.0"?>\n<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n<rules xmlns="urn:mcg:rules:1">&x;</rules>\n' > xxe.xml
vg 2 rules load xxe.xml --date 2026-02-08
vg 0 rules load "$src/rules/default.xml" --date 2026-02-08
vg 0 writeoff L2 --date 2026-02-09
vg 2 member withdraw B --date 2026-02-10
vg 0 --help
vg 2 nosuchcommand

echo "valgrind: $runs commands, $bad with errors"
if [ "$bad" = 0 ]; then
	cd / && rm -rf "$work"
	exit 0
fi
echo "valgrind: reports kept in $work"
exit 1
