# The regulatory report: accepted by xmlsec1 and xmllint, verified by mcg,
# and every figure worked out by hand (DOMAIN.md) for a first quarter and
# for the year after a default, a call and a recovery.

XSD="$MCG_SRC/reports/regulatory.xsd"
PUB=mcg.db.keys/statement.pub

# x FILE A/B[@k='v']/@attr: the text at that path of local names.
x() {
	xp=$(printf '%s' "$2" | awk -F/ '{ for (i = 1; i <= NF; i++) {
		n = $i; pred = ""
		if (match(n, /\[.*\]$/)) { pred = substr(n, RSTART); n = substr(n, 1, RSTART - 1) }
		if (n ~ /^@/) printf "/%s", n
		else printf "/*[local-name()=\"%s\"]%s", n, pred } }')
	xmllint --xpath "string($xp)" "$1" 2>/dev/null
}
expect_tools_accept() {
	if xmlsec1 --verify --enabled-key-data key-name --enabled-reference-uris empty \
		--pubkey-pem "$PUB" "$1" >/dev/null 2>&1; then ok; else
		fail "xmlsec1 (strict) rejects $1"
	fi
	if xmlsec1 --verify --pubkey-pem "$PUB" "$1" >/dev/null 2>&1; then ok; else
		fail "xmlsec1 --verify --pubkey-pem rejects $1"
	fi
	if xmllint --noout --schema "$XSD" "$1" >/dev/null 2>&1; then ok; else
		fail "xmllint rejects $1: $(xmllint --noout --schema "$XSD" "$1" 2>&1 | head -2)"
	fi
	expect_rc 0 statement verify "$1"
	expect_contains "$OUT" "a regulatory report (urn:mcg:regulatory:1)" "verify names the kind"
}
csv_ga_total() {
	"$MCG" guarantees --format csv | awk -F, '
		NR > 1 { v = $6; sub(/\./, "", v); s += v }
		END { printf "%d.%02d", s / 100, s % 100 }'
}

setup_consortium
# E, another district and sector; F, neither.
ok_run member add E --name "Rubinetti E" --sector C28.14 --district Lumezzane --date 2026-01-05
ok_run contribute E 1000 --kind capital --date 2026-01-05
ok_run member add F --name "Firm F" --date 2026-01-05
ok_run contribute F 500 --kind capital --date 2026-01-05

# L1: A 50,000.00, 50%: GA 25,000.00, score 7 (grade 7, PD 0.50%), K 125.00.
# L2: D 60,000.00, 40%: GA0 24,000.00, score 6 (PD 1.00%), K 120.00,
#     deposit 1,000.00, A B C pledge 3,000.00 each; repay 5,000.00: GA 22,000.00.
# L3: E 20,000.00, 50%: GA 10,000.00, score 8 (PD 0.25%), K 50.00.
ok_run loan add L1 --borrower A --bank BANKITMM --principal 50000 --date 2026-01-10
ok_run loan add L2 --borrower D --bank BANKITMM --principal 60000 --date 2026-01-10
ok_run loan add L3 --borrower E --bank BANKITMM --principal 20000 --date 2026-01-10
for m in B C D; do ok_run assess L1 --assessor "$m" --score 7 --date 2026-01-11; done
for m in A B C; do ok_run assess L2 --assessor "$m" --score 6 --date 2026-01-11; done
for m in A B C; do ok_run assess L3 --assessor "$m" --score 8 --date 2026-01-11; done
ok_run guarantee L1 --coverage 50 --date 2026-01-12
ok_run guarantee L2 --coverage 40 --deposit 1000 --pledge A:3000 --pledge B:3000 --pledge C:3000 --date 2026-01-15
ok_run guarantee L3 --coverage 50 --date 2026-01-16
ok_run repay L2 --principal 5000 --date 2026-02-15

# ---- the first quarter -------------------------------------------------------
ok_run report regulatory --from 2026-01-01 --to 2026-03-31 -o q1.xml
expect_contains "$OUT" "wrote regulatory report q1.xml" "report line"
expect_tools_accept q1.xml
R=RegulatoryReport
expect_eq "$(x q1.xml $R/Members/Active)" "6" "six members"
expect_eq "$(x q1.xml $R/Members/Admitted)" "6" "all admitted in the period"
expect_eq "$(x q1.xml $R/Members/Capital)" "5500.00" "capital 4 x 1,000 + 1,000 + 500"
expect_eq "$(x q1.xml $R/Instruments/Count)" "3" "three guarantees"
expect_eq "$(x q1.xml $R/Instruments/TotalProtectionValue)" "57000.00" "25,000 + 22,000 + 10,000"
expect_eq "$(x q1.xml $R/Instruments/TotalProtectionValue)" "$(csv_ga_total)" "total = guarantees csv"
expect_eq "$(x q1.xml "$R/Instruments/ByStatus/Bucket[@status='active']/Count")" "3" "all active"
expect_eq "$(x q1.xml "$R/Instruments/BySector/Bucket[@key='C23.31']/ProtectionValue")" "47000.00" "sector C23.31"
expect_eq "$(x q1.xml "$R/Instruments/BySector/Bucket[@key='C28.14']/Count")" "1" "sector C28.14"
expect_eq "$(x q1.xml "$R/Instruments/ByDistrict/Bucket[@key='Lumezzane']/ProtectionValue")" "10000.00" "district Lumezzane"
expect_eq "$(x q1.xml "$R/Instruments/ByDistrict/Bucket[@key='Sassuolo']/Count")" "2" "district Sassuolo"
# Largest exposures against the fund 100,295.00: A 24.93%, D 21.94%, E 9.97%.
expect_eq "$(x q1.xml "$R/Fund/Balance")" "100295.00" "fund 100,000 + 125 + 120 + 50"
expect_eq "$(x q1.xml "$R/Fund/Balance")" "$(balance_of fund | sed 's/^-//')" "fund = -balance"
expect_eq "$(x q1.xml "$R/LargestExposures/Exposure[@rank='1']/Counterparty/@id")" "A" "largest: A"
expect_eq "$(x q1.xml "$R/LargestExposures/Exposure[@rank='1']/ShareOfFund")" "24.93" "A's share of the fund"
expect_eq "$(x q1.xml "$R/LargestExposures/Exposure[@rank='2']/ShareOfFund")" "21.94" "D's share"
expect_eq "$(x q1.xml "$R/LargestExposures/Exposure[@rank='3']/Counterparty/@id")" "E" "third: E"
expect_eq "$(x q1.xml "$R/LargestExposures/Exposure[@rank='3']/ShareOfFund")" "9.97" "E's share"
expect_eq "$(x q1.xml "$R/LargestExposures/@limit")" "25.00" "single-name limit"
# 57,000 / 100,295 = 0.568 -> 0.57; 100,295 / 57,000 = 175.956% -> 175.96.
expect_eq "$(x q1.xml "$R/Fund/Multiplier")" "0.57" "multiplier"
expect_eq "$(x q1.xml "$R/Fund/CoverageRatio")" "175.96" "coverage ratio"
expect_eq "$(x q1.xml "$R/Fund/Deficit")" "0.00" "no deficit"
# EL = pct(pct(GA, PD), 45%): grade 6 pct(220.00, 45%) = 99.00; grade 7
# pct(125.00, 45%) = 56.25; grade 8 pct(25.00, 45%) = 11.25.
expect_eq "$(x q1.xml "$R/ExpectedLoss/Grade[@grade='6']/ExpectedLoss")" "99.00" "EL grade 6"
expect_eq "$(x q1.xml "$R/ExpectedLoss/Grade[@grade='7']/ExpectedLoss")" "56.25" "EL grade 7"
expect_eq "$(x q1.xml "$R/ExpectedLoss/Grade[@grade='8']/ExpectedLoss")" "11.25" "EL grade 8"
expect_eq "$(x q1.xml "$R/ExpectedLoss/Grade[@grade='8']/PD")" "0.25" "PD of grade 8"
expect_eq "$(x q1.xml "$R/ExpectedLoss/Total")" "166.50" "EL total"
expect_eq "$(xmllint --xpath 'count(//*[local-name()="Grade"])' q1.xml)" "10" "every grade listed"
expect_eq "$(x q1.xml "$R/PeriodActivity/LoansApplied/Amount")" "130000.00" "loans applied"
expect_eq "$(x q1.xml "$R/PeriodActivity/GuaranteesIssued/Amount")" "59000.00" "GA0 issued"
expect_eq "$(x q1.xml "$R/PeriodActivity/Repayments/Amount")" "5000.00" "repaid"
expect_eq "$(x q1.xml "$R/PeriodActivity/Defaults/Count")" "0" "no default yet"
expect_eq "$(x q1.xml "$R/Rules/@version")" "1" "rules version"
expect_eq "$(x q1.xml "$R/Rules/LGD")" "45.00" "LGD in force"

# ---- the year: default, call, recovery, a member leaves -----------------------------
ok_run arrears L2 --dpd 95 --date 2026-05-20
ok_run call L2 --amount 13000 --date 2026-06-01
ok_run recover L2 --amount 4000.03 --date 2026-07-01
ok_run member withdraw F --date 2026-08-01
ok_run report regulatory --from 2026-01-01 --to 2026-12-31 -o year.xml
expect_tools_accept year.xml
expect_eq "$(x year.xml $R/Members/Active)" "5" "five active"
expect_eq "$(x year.xml $R/Members/Withdrawn)" "1" "F withdrew"
expect_eq "$(x year.xml $R/Members/Left)" "1" "F left in the period"
expect_eq "$(x year.xml $R/Members/Capital)" "5000.00" "F's capital paid back"
expect_eq "$(x year.xml $R/Instruments/TotalProtectionValue)" "35000.00" "L2 called: GA 0"
expect_eq "$(x year.xml $R/Instruments/TotalProtectionValue)" "$(csv_ga_total)" "total = guarantees csv"
expect_eq "$(x year.xml "$R/Instruments/ByStatus/Bucket[@status='called']/Count")" "1" "one called"
expect_eq "$(x year.xml "$R/Fund/Balance")" "98295.01" "fund -3,000.00 + 1,000.01"
expect_eq "$(x year.xml "$R/Fund/Balance")" "$(balance_of fund | sed 's/^-//')" "fund = -balance"
expect_eq "$(x year.xml "$R/PeriodActivity/Defaults/Count")" "1" "one default"
expect_eq "$(x year.xml "$R/PeriodActivity/Defaults/Amount")" "22000.00" "GA frozen"
expect_eq "$(x year.xml "$R/PeriodActivity/Calls/Amount")" "13000.00" "called"
expect_eq "$(x year.xml "$R/PeriodActivity/Payouts/FromDeposits")" "1000.00" "paid from the deposit"
expect_eq "$(x year.xml "$R/PeriodActivity/Payouts/FromCoGuarantors")" "9000.00" "paid by co-guarantors"
expect_eq "$(x year.xml "$R/PeriodActivity/Payouts/FromFund")" "3000.00" "paid by the fund"
expect_eq "$(x year.xml "$R/PeriodActivity/Recoveries/Amount")" "4000.03" "recovered"
expect_eq "$(x year.xml "$R/PeriodActivity/Recoveries/ToFund")" "1000.01" "recovered by the fund"
expect_eq "$(x year.xml "$R/PeriodActivity/Recoveries/ToCoGuarantors")" "3000.02" "recovered by co-guarantors"
expect_eq "$(x year.xml "$R/ExpectedLoss/Total")" "67.50" "EL of L1 and L3 only"
# The second half alone: only what happened in it.
ok_run report regulatory --from 2026-07-01 --to 2026-12-31 -o h2.xml
expect_tools_accept h2.xml
expect_eq "$(x h2.xml "$R/PeriodActivity/Calls/Count")" "0" "no call in H2"
expect_eq "$(x h2.xml "$R/PeriodActivity/Recoveries/Count")" "1" "one recovery in H2"
expect_eq "$(x h2.xml $R/Members/Admitted)" "0" "nobody admitted in H2"

# The first quarter again: as it was.
ok_run report regulatory --from 2026-01-01 --to 2026-03-31 -o q1-later.xml
expect_tools_accept q1-later.xml
body() { sed -n '/<Members>/,/<\/Rules>/p' "$1"; }
expect_eq "$(body q1-later.xml)" "$(body q1.xml)" "a past period is answered as it was"

# Refusals.
expect_rc 2 report regulatory --from 2026-12-31 --to 2026-01-01 -o bad.xml
expect_rc 2 report regulatory --from 2026-01-01 -o bad.xml
expect_rc 2 report regulatory --from 2026-01-01 --to 2026-12-31
expect_rc 2 report regulatory --from 2026-01-01 --to 2026-12-31 -o bad.xml extra
expect_eq "$(ls bad.xml* 2>/dev/null | wc -l)" "0" "nothing written"
# -o never names one of the ledger's own files: the document would be
# renamed over it (the ledger replaced by XML, a key by a report, exit 0).
expect_ledger_outputs_refused report regulatory --from 2026-01-01 --to 2026-12-31
# Nor may FILE.tmp, which is created and truncated before the rename: a
# ledger named r.xml.tmp is refused as the temporary file of -o r.xml, once
# the report is built (its checkpoint signed, not kept), and nothing at all
# is written.  An event first, so that the report would keep a checkpoint.
sqlite3 "$MCG_DB" ".backup r.xml.tmp"
cp -R "$MCG_DB.keys" r.xml.tmp.keys
ok_run --db r.xml.tmp contribute E 1.00 --kind capital --date 2026-08-02
before=$(ledger_state r.xml.tmp)
expect_rc 2 --db r.xml.tmp report regulatory --from 2026-01-01 --to 2026-12-31 -o r.xml
expect_eq "$ERR" "mcg: error: -o r.xml: the temporary file r.xml.tmp is the ledger itself (r.xml.tmp): write the document to another file" \
	"the temporary file named as the ledger"
expect_eq "$(ledger_state r.xml.tmp)" "$before" "a ledger named FILE.tmp: unchanged, no checkpoint kept"
expect_eq "$(ls r.xml 2>/dev/null)" "" "no report written"
expect_rc 0 --db r.xml.tmp check
rm -r r.xml.tmp r.xml.tmp.keys
# A report refused once its checkpoint is signed (here for its size) leaves
# the ledger as it was, the checkpoint not kept (it used to be), and no
# file or temporary, nothing on standard output.  An event first, so that
# no checkpoint of the log's size is kept yet.
MCG_TEST_DOC_BYTES_MAX=$(($(wc -c < year.xml) - 100))
export MCG_TEST_DOC_BYTES_MAX
ok_run contribute E 1.00 --kind capital --date 2026-08-02
expect_no_trace 2 "the regulatory report would be" big \
	report regulatory --from 2026-01-01 --to 2026-12-31 -o big.xml
expect_contains "$ERR" "(nothing was written)" "the refusal says nothing was written"
ok_run contribute E 1.00 --kind capital --date 2026-08-02
expect_no_trace 2 "the regulatory report would be" big \
	report regulatory --from 2026-01-01 --to 2026-12-31 -o -
unset MCG_TEST_DOC_BYTES_MAX
# Written, to a file and to standard output, a report keeps its checkpoint.
ok_run report regulatory --from 2026-01-01 --to 2026-12-31 -o kept.xml
expect_checkpoint_kept kept.xml
ok_run contribute E 1.00 --kind capital --date 2026-08-03
mcg report regulatory --from 2026-01-01 --to 2026-12-31 -o -
expect_eq "$RC" 0 "report to standard output"
printf '%s\n' "$OUT" > kepts.xml
expect_checkpoint_kept kepts.xml
expect_rc 0 audit verify
expect_rc 0 check
