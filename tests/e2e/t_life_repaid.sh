# The life of a guarantee, 1: a loan guaranteed with a capped coverage and
# a deposit, repaid in instalments to zero, the deposit returned.  Every
# figure is worked out by hand in the comments (DOMAIN.md sections 2-5)
# and asserted exactly.

# loans row: status|outstanding|ga (minor units)
loan_row() {
	sqlite3 "$MCG_DB" "SELECT status || '|' || outstanding || '|' || ga FROM loans WHERE id = '$1'"
}
total_ga() {
	sqlite3 "$MCG_DB" "SELECT value FROM totals WHERE name = 'total_ga'"
}

setup_consortium
# After setup: cash 4 x 1,000.00 capital + 100,000.00 fund = 104,000.00.
expect_eq "$(balance_of cash)" "104000.00" "cash after setup"

ok_run loan add L1 --borrower A --bank BANKITMM --principal 40000 --rate 3.75 --term-months 36 --date 2026-01-10
expect_contains "$OUT" "loan L1 applied for: 40,000.00 EUR" "loan add line"
expect_eq "$(loan_row L1)" "applied|4000000|0" "applied: outstanding = principal, GA 0"
expect_eq "$(sqlite3 "$MCG_DB" "SELECT rate_bp || '|' || term_months || '|' || date(opened * 86400, 'unixepoch') FROM loans WHERE id = 'L1'")" \
	"375|36|2026-01-10" "rate in bp, term, opened"

# Peer assessment: B 6, C 7, D 8 are eligible; A is the borrower and does
# not count.  Median 7, grade 7, PD 0.50% on the default master scale.
ok_run assess L1 --assessor A --score 10 --date 2026-01-11
ok_run assess L1 --assessor B --score 6 --date 2026-01-11
ok_run assess L1 --assessor C --score 7 --date 2026-01-12
ok_run assess L1 --assessor D --score 8 --date 2026-01-12
expect_contains "$OUT" "D assessed loan L1: score 8" "assess line"

# Guarantee: coverage 50%, cap 18,000.00, deposit 2,000.00.
#   GA0 = min(18,000.00, pct(40,000.00, 50%) = 20,000.00) = 18,000.00
#   F = pct(18,000.00, 1.00%) = 180.00; K = pct(18,000.00, 0.50%) = 90.00
#   postings: cash +2,270.00, fees -180.00, fund -90.00, deposit:L1 -2,000.00
# Rules after: fund 100,090.00; 18,000.00 <= 15 x fund and <= 25% of fund
# (25,022.50); capital of A 1,000.00 >= 250.00; 3 eligible, median 7 >= 5.
ok_run guarantee L1 --coverage 50 --cap 18000 --deposit 2000 --date 2026-01-15
expect_contains "$OUT" "loan L1 guaranteed for 18,000.00 EUR: fee 180.00, fund contribution 90.00, deposit 2,000.00, 0 co-guarantors" "guarantee line"
expect_eq "$(balance_of cash)" "106270.00" "cash after guarantee"
expect_eq "$(balance_of fees)" "-180.00" "fee earned"
expect_eq "$(balance_of fund)" "-100090.00" "fund after contribution"
expect_eq "$(balance_of deposit:L1)" "-2000.00" "deposit held"
expect_eq "$(loan_row L1)" "active|4000000|1800000" "active with GA0 (capped)"
expect_eq "$(total_ga)" "1800000" "total GA"
expect_eq "$(sqlite3 "$MCG_DB" "SELECT coverage_bp, cap, deposit, ga0, fee, fund_contribution, rules_version, score_x2, assessments, pd_bp FROM guarantees WHERE loan = 'L1'")" \
	"5000|1800000|200000|1800000|18000|9000|1|14|3|50" "guarantee row"
mcg guarantees --format csv
expect_eq "$(csv_value "$OUT" L1 4),$(csv_value "$OUT" L1 6),$(csv_value "$OUT" L1 7),$(csv_value "$OUT" L1 8),$(csv_value "$OUT" L1 9)" \
	"active,18000.00,50.00,7,0.50" "guarantees csv after guarantee"

# Repay 10,000.00 (interest 150.00 is informative: no posting).
#   outstanding 30,000.00; GA = pct(30,000.00, 50%) = 15,000.00 < cap.
ok_run repay L1 --principal 10000 --interest 150 --date 2026-02-10
expect_contains "$OUT" "L1 repaid 10,000.00 EUR: outstanding 30,000.00, guaranteed 15,000.00" "repay line"
expect_eq "$(loan_row L1)" "active|3000000|1500000" "after first instalment"
expect_eq "$(total_ga)" "1500000" "total GA follows"
expect_eq "$(balance_of cash)" "106270.00" "interest is not posted"

# Repay 12,345.67: outstanding 17,654.33;
#   GA = pct(1,765,433 cents, 5000 bp) = 882,716.5 -> half up 882,717 = 8,827.17.
ok_run repay L1 --principal 12345.67 --date 2026-03-10
expect_eq "$(loan_row L1)" "active|1765433|882717" "GA rounded half up"
expect_eq "$(total_ga)" "882717" "total GA after rounding"
# A: borrowed 17,654.33, guaranteed 8,827.17, deposit 2,000.00, capital 1,000.00.
mcg exposure --format csv
expect_eq "$(printf '%s\n' "$OUT" | grep '^A,')" "A,17654.33,8827.17,0.00,0.00,2000.00,1000.00" "exposure of A mid-life"

# The last instalment: outstanding 0, loan repaid, GA 0; the deposit comes
# back: deposit:L1 +2,000.00, cash -2,000.00 -> cash 104,270.00.
ok_run repay L1 --principal 17654.33 --date 2026-04-10
expect_contains "$OUT" "L1 repaid 17,654.33 EUR: the loan is repaid; deposit 2,000.00 returned" "last repay line"
expect_eq "$(loan_row L1)" "repaid|0|0" "repaid"
expect_eq "$(sqlite3 "$MCG_DB" "SELECT date(closed * 86400, 'unixepoch') FROM loans WHERE id = 'L1'")" "2026-04-10" "closed date"
expect_eq "$(total_ga)" "0" "total GA back to 0"
# Trial balance: 104,270.00 = 4,000.00 capital + 100,090.00 fund + 180.00 fees.
mcg balance --format csv
expect_eq "$OUT" "account,balance
capital:A,-1000.00
capital:B,-1000.00
capital:C,-1000.00
capital:D,-1000.00
cash,104270.00
deposit:L1,0.00
fees,-180.00
fund,-100090.00" "balance after the life"
mcg guarantees --format csv
expect_eq "$(printf '%s\n' "$OUT" | grep '^L1,')" "L1,A,BANKITMM,repaid,0.00,0.00,50.00,7,0.50" "guarantees csv when repaid"

# Nothing more can happen to a repaid loan.
expect_unchanged 2 repay L1 --principal 1 --date 2026-04-11
expect_contains "$ERR" "loan L1 is repaid, not active: cannot repay" "repay after repaid"
expect_unchanged 2 arrears L1 --dpd 120 --date 2026-04-11
expect_contains "$ERR" "loan L1 is repaid, not active" "arrears after repaid"

# The borrower may now leave: its capital comes back (cash -1,000.00).
ok_run member withdraw A --date 2026-04-20
expect_eq "$(balance_of cash)" "103270.00" "cash after A withdrew"
expect_rc 0 check
