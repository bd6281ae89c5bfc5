# The bank statement: the standard tools accept what mcg writes (xmlsec1
# strict and plain, xmllint against reports/statement.xsd offline), its
# figures are the ledger's, a past period is answered by a cut in the
# events (the same document before and after later events), and a
# statement that cannot be made leaves nothing behind.

XSD="$MCG_SRC/reports/statement.xsd"
PUB=mcg.db.keys/statement.pub

# xval FILE A/B/C: the text at that path of local names, from the root.
xval() {
	xp=$(printf '%s' "$2" | awk -F/ '{ for (i = 1; i <= NF; i++) printf "/*[local-name()=\"%s\"]", $i }')
	xmllint --xpath "string($xp)" "$1" 2>/dev/null
}
# xguar FILE LOAN CHILD: a child of the Guarantee of that loan.
xguar() {
	xmllint --xpath "string(//*[local-name()='Guarantee'][@loan='$2']/*[local-name()='$3'])" "$1" 2>/dev/null
}
# Sum of the `guaranteed` column of `mcg guarantees --format csv` for a bank,
# in cents, printed as an amount.
csv_ga_of_bank() {
	"$MCG" guarantees --format csv | awk -F, -v b="$1" '
		NR > 1 && $3 == b { v = $6; sub(/\./, "", v); s += v }
		END { printf "%d.%02d", s / 100, s % 100 }'
}
# The tools an outside verifier runs must all accept FILE.
expect_tools_accept() {
	if xmlsec1 --verify --enabled-key-data key-name --enabled-reference-uris empty \
		--pubkey-pem "$PUB" "$1" >/dev/null 2>&1; then ok; else
		fail "xmlsec1 (strict) rejects $1"
	fi
	if xmlsec1 --verify --pubkey-pem "$PUB" "$1" >/dev/null 2>&1; then ok; else
		fail "xmlsec1 --verify --pubkey-pem rejects $1"
	fi
	if xmllint --noout --schema "$2" "$1" >/dev/null 2>&1; then ok; else
		fail "xmllint --schema $2 rejects $1: $(xmllint --noout --schema "$2" "$1" 2>&1 | head -2)"
	fi
}

setup_consortium
ok_run bank add BANKDEFF --name "Bank Two" --date 2026-01-03

# L1: A borrows 50,000.00 from BANKITMM; 50% with a 500.00 deposit and a
# pledge by B.  GA0 = 25,000.00.
# L2: D borrows 60,000.00 from BANKITMM: 40%, deposit 1,000.00, A B C
# pledge 3,000.00 each; repays 5,000.00 (GA 22,000.00).
ok_run loan add L1 --borrower A --bank BANKITMM --principal 50000 --date 2026-01-10
ok_run loan add L2 --borrower D --bank BANKITMM --principal 60000 --date 2026-01-10
for m in B C D; do ok_run assess L1 --assessor "$m" --score 7 --date 2026-01-11; done
for m in A B C; do ok_run assess L2 --assessor "$m" --score 6 --date 2026-01-11; done
ok_run guarantee L1 --coverage 50 --deposit 500 --pledge B:2000 --date 2026-01-12
ok_run guarantee L2 --coverage 40 --deposit 1000 --pledge A:3000 --pledge B:3000 --pledge C:3000 --date 2026-01-15
ok_run repay L2 --principal 5000 --interest 225 --date 2026-02-15
# L3 is another bank's: never in BANKITMM's statement.
ok_run loan add L3 --borrower B --bank BANKDEFF --principal 20000 --date 2026-02-20
for m in A C D; do ok_run assess L3 --assessor "$m" --score 8 --date 2026-02-21; done
ok_run guarantee L3 --coverage 50 --date 2026-02-22

# ---- the first quarter ------------------------------------------------------
ok_run statement BANKITMM --from 2026-01-01 --to 2026-03-31 -o q1.xml
expect_contains "$OUT" "wrote bank statement q1.xml" "statement line"
expect_eq "$(ls q1.xml* | tr '\n' ' ')" "q1.xml " "one file, no temporary left"
expect_tools_accept q1.xml "$XSD"
ok_run statement verify q1.xml
expect_contains "$OUT" "verified q1.xml: a bank statement (urn:mcg:statement:1) for bank BANKITMM, 2026-01-01 to 2026-03-31" "verify line"
expect_contains "$OUT" "consistent with its log" "checkpoint checked against the log"

expect_eq "$(xmllint --xpath 'string(/*/@currency)' q1.xml)" "EUR" "currency on the root"
expect_eq "$(xmllint --xpath 'string(/*/@version)' q1.xml)" "1" "version on the root"
expect_eq "$(xval q1.xml BankStatement/Guarantees/TotalGuaranteed)" "$(csv_ga_of_bank BANKITMM)" "total GA = guarantees csv for the bank"
expect_eq "$(xval q1.xml BankStatement/Guarantees/TotalGuaranteed)" "47000.00" "25,000.00 + 22,000.00"
expect_eq "$(xmllint --xpath 'string(//*[local-name()="Guarantees"]/@count)' q1.xml)" "2" "two guarantees"
expect_eq "$(grep -c 'loan="L3"' q1.xml)" "0" "another bank's loan is not listed"
fund=$(balance_of fund)
expect_eq "$(xval q1.xml BankStatement/Fund/Balance)" "${fund#-}" "fund = -balance of fund"
expect_eq "$(xval q1.xml BankStatement/Fund/TotalGuaranteed)" "57000.00" "total GA of the whole fund (L3 too)"
expect_eq "$(xval q1.xml BankStatement/Fund/Deficit)" "0.00" "no deficit"
expect_eq "$(xval q1.xml BankStatement/Fund/MultiplierMax)" "15.00" "multiplier max of the rules"
for l in L1 L2; do
	row=$("$MCG" guarantees --format csv | grep "^$l,")
	expect_eq "$(xguar q1.xml $l GuaranteedAmount)" "$(echo "$row" | cut -d, -f6)" "GA of $l = guarantees csv"
	expect_eq "$(xguar q1.xml $l Outstanding)" "$(echo "$row" | cut -d, -f5)" "outstanding of $l"
	expect_eq "$(xguar q1.xml $l Coverage)" "$(echo "$row" | cut -d, -f7)" "coverage of $l"
done
expect_eq "$(xguar q1.xml L2 Deposit)" "1000.00" "deposit of L2"
expect_eq "$(xmllint --xpath 'string(//*[local-name()="Guarantee"][@loan="L2"]/*[local-name()="Pledges"]/*[local-name()="Total"])' q1.xml)" "9000.00" "pledges of L2"
expect_eq "$(xmllint --xpath 'string(//*[local-name()="Repayment"]/*[local-name()="OutstandingAfter"])' q1.xml)" "55000.00" "outstanding after the repayment"
expect_eq "$(xmllint --xpath 'count(//*[local-name()="Events"]/*)' q1.xml)" "5" "events: 2 applied, 2 issued, 1 repayment"
# The embedded checkpoint is the one just kept, of the whole log.
size=$(sqlite3 "$MCG_DB" "SELECT MAX(seq) FROM events")
expect_eq "$(xval q1.xml BankStatement/Checkpoint/Size)" "$size" "checkpoint of the whole log"
expect_eq "$(sqlite3 "$MCG_DB" "SELECT COUNT(*) FROM checkpoints WHERE size = $size")" "1" "checkpoint kept in the ledger"
expect_contains "$(xval q1.xml BankStatement/Checkpoint/SignedNote)" "$(xval q1.xml BankStatement/Checkpoint/RootHash)" "note holds the root"

# ---- default, call, recovery ------------------------------------------------
ok_run arrears L2 --dpd 30 --date 2026-04-15
ok_run arrears L2 --dpd 95 --date 2026-05-20
ok_run statement BANKITMM --from 2026-04-01 --to 2026-05-31 -o may.xml
expect_tools_accept may.xml "$XSD"
expect_eq "$(xmllint --xpath 'string(//*[local-name()="Arrears"]/*[local-name()="DaysPastDue"])' may.xml)" "30" "arrears below default"
expect_eq "$(xmllint --xpath 'string(//*[local-name()="Default"]/*[local-name()="GuaranteedAmount"])' may.xml)" "22000.00" "default freezes GA"
expect_eq "$(xmllint --xpath 'string(//*[local-name()="Guarantee"][@loan="L2"]/@status)' may.xml)" "defaulted" "L2 defaulted"

ok_run call L2 --amount 13000 --date 2026-06-01
ok_run recover L2 --amount 4000.03 --date 2026-07-01
ok_run statement BANKITMM --from 2026-06-01 --to 2026-07-31 -o q3.xml
expect_tools_accept q3.xml "$XSD"
w='//*[local-name()="Call"]/*[local-name()="Waterfall"]'
expect_eq "$(xmllint --xpath "string($w/*[local-name()='FromDeposit'])" q3.xml)" "1000.00" "waterfall: deposit first"
expect_eq "$(xmllint --xpath "string($w/*[local-name()='FromCoGuarantors'])" q3.xml)" "9000.00" "waterfall: co-guarantors"
expect_eq "$(xmllint --xpath "string($w/*[local-name()='FromCoGuarantor'][@member='B'])" q3.xml)" "3000.00" "waterfall: B's part"
expect_eq "$(xmllint --xpath "string($w/*[local-name()='FromFund'])" q3.xml)" "3000.00" "waterfall: the fund last"
r='//*[local-name()="Recovery"]'
expect_eq "$(xmllint --xpath "string($r/*[local-name()='ToFund'])" q3.xml)" "1000.01" "recovery: fund first on ties"
expect_eq "$(xmllint --xpath "string($r/*[local-name()='ToCoGuarantor'][@member='C'])" q3.xml)" "1000.00" "recovery: C"
expect_eq "$(xguar q3.xml L2 GuaranteedAmount)" "0.00" "called: GA 0"
expect_eq "$(xval q3.xml BankStatement/Fund/Balance)" "$(balance_of fund | sed 's/^-//')" "fund after the call"
expect_eq "$(xval q3.xml BankStatement/Guarantees/TotalGuaranteed)" "$(csv_ga_of_bank BANKITMM)" "total GA after the call"

# ---- a past period is a cut in the events ----------------------------------
# The first quarter again, after all that: the same guarantees, events and
# fund as the statement made at the time (only Created and the checkpoint,
# which covers the whole log, differ).
ok_run statement BANKITMM --from 2026-01-01 --to 2026-03-31 -o q1-later.xml
expect_tools_accept q1-later.xml "$XSD"
body() { sed -n '/<Guarantees/,/<\/Fund>/p' "$1"; }
expect_eq "$(body q1-later.xml)" "$(body q1.xml)" "a past period is answered as it was"
expect_eq "$(xmllint --xpath 'string(//*[local-name()="AsOf"]/@event)' q1-later.xml)" \
	"$(xmllint --xpath 'string(//*[local-name()="AsOf"]/@event)' q1.xml)" "the same cut"
# A period before the ledger: nothing to list, still a valid document.
ok_run statement BANKITMM --from 2025-01-01 --to 2025-12-31 -o old.xml
expect_tools_accept old.xml "$XSD"
expect_eq "$(xmllint --xpath 'string(//*[local-name()="AsOf"]/@event)' old.xml)" "0" "before any event"

# To standard output.
mcg statement BANKITMM --from 2026-01-01 --to 2026-12-31 -o -
expect_eq "$RC" "0" "statement to stdout"
printf '%s\n' "$OUT" > stdout.xml
expect_tools_accept stdout.xml "$XSD"

# ---- refusals leave nothing behind -------------------------------------------
cp q1.xml keep.xml
expect_rc 2 statement NOBANKXX --from 2026-01-01 --to 2026-03-31 -o keep.xml
expect_contains "$ERR" "bank 'NOBANKXX' is not known" "unknown bank"
expect_eq "$(cmp -s q1.xml keep.xml && echo same)" "same" "an existing file is untouched"
expect_rc 2 statement BANKITMM --from 2026-04-01 --to 2026-03-31 -o x.xml
expect_rc 2 statement BANKITMM --from 2026-02-30 --to 2026-03-31 -o x.xml
expect_rc 2 statement BANKITMM --from 2026-01-01 --to 2026-03-31
expect_contains "$ERR" "-o FILE is required" "output required"
expect_rc 2 statement BANKITMM --from 2026-01-01 --to 2026-03-31 -o nofolder/x.xml
expect_contains "$ERR" "no folder" "missing folder"
# The folder is the one dirname(1) names: repeated slashes are one.
expect_rc 2 statement BANKITMM --from 2026-01-01 --to 2026-03-31 -o nofolder//x.xml
expect_eq "$ERR" "mcg: error: -o nofolder//x.xml: there is no folder nofolder" "missing folder, slashes dropped"
mkdir adir
expect_rc 2 statement BANKITMM --from 2026-01-01 --to 2026-03-31 -o adir
expect_contains "$ERR" "-o adir is a folder, not a file" "a folder refused"
expect_rc 2 statement BANKITMM --from 2026-01-01 --to 2026-03-31 -o adir/
expect_contains "$ERR" "-o adir/ is a folder, not a file" "a folder with its slash refused"
# A path ending in '/' names a folder even when there is none (it used to
# be refused as a missing folder "newdir", and "adir/x.xml/" as "adir/x.xml").
before=$(snapshot)
expect_rc 2 statement BANKITMM --from 2026-01-01 --to 2026-03-31 -o newdir/
expect_contains "$ERR" "-o newdir/ ends in '/', so it names a folder, not a file" "a new folder refused"
expect_rc 2 statement BANKITMM --from 2026-01-01 --to 2026-03-31 -o adir/x.xml/
expect_contains "$ERR" "names a folder, not a file" "a file name with a slash refused"
expect_eq "$(snapshot)" "$before" "refused paths: no checkpoint kept"
expect_eq "$( (ls -d x.xml* newdir 2>/dev/null; ls -A adir) | wc -l)" "0" "nothing written on refusal"
# -o never names one of the ledger's own files: the statement would be
# renamed over it (the ledger replaced by XML, the signing key by a
# statement, and exit 0).
expect_ledger_outputs_refused statement BANKITMM --from 2026-01-01 --to 2026-03-31
# A bare file name's folder is the working folder, checked like any other:
# one that cannot be written is refused before a checkpoint is signed (it
# used to fail only at writing, exit 1, the checkpoint kept).  As root
# every folder is writable: run as nobody when possible (setpriv).
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null 2>&1; then
	mkdir -m 0755 nb
	sqlite3 "$MCG_DB" ".backup nb/l.db"
	cp -R "$MCG_DB.keys" nb/keys
	# An event after the last checkpoint, so that a statement would keep one.
	ok_run --db nb/l.db --keys nb/keys contribute D 1.00 --kind capital --date 2026-07-02
	mkdir -m 0555 nb/ro
	chown -R 65534:65534 nb
	chmod 0711 "$T_DIR"
	before=$(sqlite3 nb/l.db .dump | sha256sum)
	for out in x.xml ./x.xml; do
		(cd nb/ro && setpriv --reuid=65534 --regid=65534 --clear-groups -- \
			env MCG_ACTOR=nobody "$MCG" --db "$T_DIR/nb/l.db" --keys "$T_DIR/nb/keys" \
			statement BANKITMM --from 2026-01-01 --to 2026-03-31 -o "$out" \
			>"$T_DIR/.out" 2>"$T_DIR/.err")
		expect_eq "$?" 2 "-o $out in a folder one may not write"
		expect_contains "$(cat "$T_DIR/.err")" "-o $out: cannot write in .: " "the refusal names the folder"
	done
	expect_eq "$(sqlite3 nb/l.db .dump | sha256sum)" "$before" "an unwritable working folder: no checkpoint kept"
	rm -rf nb
fi
# A key that cannot sign: the statement is refused before anything is
# done (no checkpoint either), and no file, signed or not, is left.
mv mcg.db.keys/statement.key statement.key.saved
before=$(snapshot)
expect_rc 2 statement BANKITMM --from 2026-01-01 --to 2026-03-31 -o nokey.xml
expect_contains "$ERR" "cannot sign with the statement key" "signing failure named"
expect_eq "$(ls nokey.xml* 2>/dev/null | wc -l)" "0" "no unsigned or partial file"
expect_eq "$(snapshot)" "$before" "the ledger is unchanged (no checkpoint kept)"
mv statement.key.saved mcg.db.keys/statement.key
# A key others may read is refused, as audit/keys.c refuses any such key.
chmod 0644 mcg.db.keys/statement.key
expect_rc 2 statement BANKITMM --from 2026-01-01 --to 2026-03-31 -o open.xml
expect_eq "$(ls open.xml* 2>/dev/null | wc -l)" "0" "no file with an open key"
chmod 0600 mcg.db.keys/statement.key
# An unknown member's statement changes nothing either.
before=$(snapshot)
expect_rc 2 exposure NOBODY --format xml
expect_eq "$(snapshot)" "$before" "unknown member: no checkpoint kept"

# Reports only add checkpoints: the ledger and its log still check.
expect_rc 0 check
expect_rc 0 audit verify
