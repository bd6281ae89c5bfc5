# The life of a guarantee, 2: a loan defaults and is called; the loss
# falls on the borrower's deposit, then the co-guarantors, then the fund;
# recoveries go back to the fund and co-guarantors (ties: the fund first,
# then member id); a co-guarantor settles; the loan is written off; then a
# second loan whose call needs the largest-remainder tie rule; members
# withdraw at the end.  Every figure is worked out by hand in the comments
# (DOMAIN.md sections 2-5) and asserted exactly.

loan_row() {
	sqlite3 "$MCG_DB" "SELECT status || '|' || outstanding || '|' || ga FROM loans WHERE id = '$1'"
}
total_ga() {
	sqlite3 "$MCG_DB" "SELECT value FROM totals WHERE name = 'total_ga'"
}
# member|amount|loss|recovered, one line per pledge, by member.
pledge_rows() {
	sqlite3 "$MCG_DB" "SELECT member || '|' || amount || '|' || loss || '|' || recovered FROM pledges WHERE loan = '$1' ORDER BY member"
}
exposure_row() {
	"$MCG" exposure --format csv | grep "^$1,"
}

setup_consortium
# cash 104,000.00, fund -100,000.00, capital -1,000.00 for each of A B C D.

# ---- L2: D borrows 60,000.00 --------------------------------------------
ok_run loan add L2 --borrower D --bank BANKITMM --principal 60000 --date 2026-01-10
# Eligible: A 6, B 7, C 5 (D is the borrower).  Sorted 5 6 7: median 6,
# grade 6, PD 1.00%.
ok_run assess L2 --assessor A --score 6 --date 2026-01-11
ok_run assess L2 --assessor B --score 7 --date 2026-01-11
ok_run assess L2 --assessor C --score 5 --date 2026-01-11
ok_run assess L2 --assessor D --score 9 --date 2026-01-11

# Guarantee: coverage 40%, deposit 1,000.00, A B C pledge 3,000.00 each
# (given in another order: the ledger keeps them by member id).
#   GA0 = pct(60,000.00, 40%) = 24,000.00; F = 240.00; K = 120.00
#   cash +1,360.00 -> 105,360.00; fees -240.00; fund -100,120.00;
#   deposit:L2 -1,000.00
# Rules: 24,000.00 <= 25% of 100,120.00 = 25,030.00; each pledge 3,000.00
# <= 10 x capital 1,000.00.
ok_run guarantee L2 --coverage 40 --deposit 1000 --pledge C:3000 --pledge A:3000 --pledge B:3000 --date 2026-01-15
expect_contains "$OUT" "loan L2 guaranteed for 24,000.00 EUR: fee 240.00, fund contribution 120.00, deposit 1,000.00, 3 co-guarantors" "guarantee line"
expect_eq "$(balance_of cash)" "105360.00" "cash after guarantee"
expect_eq "$(balance_of fund)" "-100120.00" "fund after guarantee"
expect_eq "$(balance_of fees)" "-240.00" "fees after guarantee"
expect_eq "$(balance_of deposit:L2)" "-1000.00" "deposit held"
expect_eq "$(loan_row L2)" "active|6000000|2400000" "L2 active"
expect_eq "$(pledge_rows L2 | tr '\n' ' ')" "A|300000|0|0 B|300000|0|0 C|300000|0|0 " "pledges by member"
expect_eq "$(sqlite3 "$MCG_DB" "SELECT score_x2, assessments, pd_bp FROM guarantees WHERE loan = 'L2'")" "12|3|100" "peer result recorded"

# A co-guarantor of an active loan cannot leave.
expect_unchanged 2 member withdraw A --date 2026-01-20
expect_contains "$ERR" "pledged" "withdraw blocked by a pledge"

# Repay 5,000.00: outstanding 55,000.00; GA = pct(55,000.00, 40%) = 22,000.00.
ok_run repay L2 --principal 5000 --interest 225 --date 2026-02-15
expect_eq "$(loan_row L2)" "active|5500000|2200000" "after repayment"

# 30 days past due: still active.  95 >= default_dpd 90: defaulted, the GA
# of 22,000.00 frozen.
ok_run arrears L2 --dpd 30 --date 2026-03-15
expect_contains "$OUT" "L2 is 30 days past due (still active)" "arrears line"
expect_eq "$(loan_row L2)" "active|5500000|2200000" "arrears below default"
ok_run arrears L2 --dpd 95 --date 2026-05-20
expect_contains "$OUT" "defaulted, guaranteed amount 22,000.00 EUR frozen" "default line"
expect_eq "$(loan_row L2)" "defaulted|5500000|2200000" "defaulted keeps its GA"
expect_eq "$(sqlite3 "$MCG_DB" "SELECT ga_frozen FROM guarantees WHERE loan = 'L2'")" "2200000" "GA frozen"
expect_eq "$(sqlite3 "$MCG_DB" "SELECT dpd FROM loans WHERE id = 'L2'")" "95" "dpd recorded"
expect_eq "$(total_ga)" "2200000" "total GA while defaulted"
# D: borrowed 55,000.00 (defaulted counts), guaranteed 22,000.00,
# deposit 1,000.00.  A: pledged its part of min(GA 22,000.00, pledges
# 9,000.00) = 9,000.00 split 3:3:3 = 3,000.00.
expect_eq "$(exposure_row D)" "D,55000.00,22000.00,0.00,0.00,1000.00,1000.00" "exposure of D at default"
expect_eq "$(exposure_row A)" "A,0.00,0.00,3000.00,0.00,0.00,1000.00" "exposure of A at default"

# The call of 13,000.00:
#   1. d = min(13,000.00, deposit 1,000.00) = 1,000.00: deposit:L2 +1,000.00
#   2. c = min(12,000.00, pledges 9,000.00) = 9,000.00, 3:3:3 -> 3,000.00
#      each: due:A, due:B, due:C +3,000.00
#   3. f = 13,000.00 - 1,000.00 - 9,000.00 = 3,000.00: fund +3,000.00
#   4. cash -13,000.00 -> 92,360.00
ok_run call L2 --amount 13000 --date 2026-06-01
expect_contains "$OUT" "L2 called 13,000.00 EUR: deposit 1,000.00, co-guarantors 9,000.00, fund 3,000.00" "call line"
expect_eq "$(balance_of cash)" "92360.00" "cash after call"
expect_eq "$(balance_of deposit:L2)" "0.00" "deposit used"
expect_eq "$(balance_of due:A)" "3000.00" "A owes its part"
expect_eq "$(balance_of due:B)" "3000.00" "B owes its part"
expect_eq "$(balance_of due:C)" "3000.00" "C owes its part"
expect_eq "$(balance_of fund)" "-97120.00" "fund bears 3,000.00"
expect_eq "$(loan_row L2)" "called|5500000|0" "called: GA 0"
expect_eq "$(total_ga)" "0" "total GA after call"
expect_eq "$(sqlite3 "$MCG_DB" "SELECT called, loss_deposit, loss_fund, recovered_fund FROM guarantees WHERE loan = 'L2'")" \
	"1300000|100000|300000|0" "call recorded"
expect_eq "$(pledge_rows L2 | tr '\n' ' ')" "A|300000|300000|0 B|300000|300000|0 C|300000|300000|0 " "pledge losses"

# C pays what it owes: cash +3,000.00 -> 95,360.00, due:C 0.
ok_run settle C 3000 --date 2026-06-10
expect_eq "$(balance_of due:C)" "0.00" "C settled"

# Recovery of 4,000.03.  Losses borne: fund 3,000.00, A B C 3,000.00 each:
# four equal weights.  400,003 cents / 4 = 100,000 each, 3 left over, equal
# remainders: the fund first, then A, then B.  fund 1,000.01, A 1,000.01,
# B 1,000.01, C 1,000.00.
#   cash 99,360.03; fund -98,120.01; due:A 1,999.99; due:B 1,999.99;
#   due:C -1,000.00 (the consortium now owes C).
ok_run recover L2 --amount 4000.03 --date 2026-07-01
expect_contains "$OUT" "L2 recovered 4,000.03 EUR: fund 1,000.01, co-guarantors 3,000.02" "recover line"
expect_eq "$(balance_of cash)" "99360.03" "cash after recovery 1"
expect_eq "$(balance_of fund)" "-98120.01" "fund first on ties"
expect_eq "$(balance_of due:A)" "1999.99" "A second on ties"
expect_eq "$(balance_of due:B)" "1999.99" "B third on ties"
expect_eq "$(balance_of due:C)" "-1000.00" "C gets no extra cent"

# Recovery of 1,000.00 by what each is still owed: fund, A, B 1,999.99,
# C 2,000.00 (W = 799,997 cents).  fund/A/B: 100,000 x 199,999 / 799,997
# = 24,999 remainder 774,997; C: 100,000 x 200,000 / 799,997 = 25,000
# remainder 75,000.  3 left over go to the largest remainders, fund, A, B:
# 250.00 each, all four.
ok_run recover L2 --amount 1000 --date 2026-08-01
expect_eq "$(balance_of fund)" "-98370.01" "fund after recovery 2"
expect_eq "$(balance_of due:A)" "1749.99" "A after recovery 2"
expect_eq "$(balance_of due:C)" "-1250.00" "C after recovery 2"

# Still owed: 1,749.99 x 3 + 1,750.00 = 6,999.97.  One cent more is refused.
expect_unchanged 2 recover L2 --amount 6999.98 --date 2026-09-01
expect_contains "$ERR" "recovery 6,999.98 is more than the 6,999.97" "recovery beyond losses"
# The full rest: each gets exactly what it is owed.
#   cash 107,360.00; fund -100,120.00 (made whole); due:A 0; due:B 0;
#   due:C -3,000.00.
ok_run recover L2 --amount 6999.97 --date 2026-09-01
expect_eq "$(balance_of cash)" "107360.00" "cash after full recovery"
expect_eq "$(balance_of fund)" "-100120.00" "fund made whole"
expect_eq "$(balance_of due:A)" "0.00" "A made whole"
expect_eq "$(balance_of due:C)" "-3000.00" "consortium owes C"
expect_eq "$(sqlite3 "$MCG_DB" "SELECT recovered_fund FROM guarantees WHERE loan = 'L2'")" "300000" "fund recovered all"
expect_eq "$(pledge_rows L2 | tr '\n' ' ')" "A|300000|300000|300000 B|300000|300000|300000 C|300000|300000|300000 " "pledges recovered"
expect_unchanged 2 recover L2 --amount 0.01 --date 2026-09-02
expect_contains "$ERR" "more than the 0.00" "nothing left to recover"

# The consortium pays C back: due:C +3,000.00, cash -3,000.00 -> 104,360.00.
ok_run settle C 3000 --date 2026-09-05
expect_eq "$(balance_of due:C)" "0.00" "C paid back"
ok_run writeoff L2 --date 2026-09-10
expect_contains "$OUT" "loan L2 written off" "writeoff line"
expect_eq "$(loan_row L2)" "closed|5500000|0" "closed"
expect_unchanged 2 recover L2 --amount 1 --date 2026-09-10
expect_contains "$ERR" "loan L2 is closed, not called" "no recovery after writeoff"
# 104,360.00 = 4,000.00 capital + 100,120.00 fund + 240.00 fees.
mcg balance --format csv
expect_eq "$OUT" "account,balance
capital:A,-1000.00
capital:B,-1000.00
capital:C,-1000.00
capital:D,-1000.00
cash,104360.00
deposit:L2,0.00
due:A,0.00
due:B,0.00
due:C,0.00
fees,-240.00
fund,-100120.00" "balance after L2"
expect_rc 0 check

# ---- L3: a call that needs the tie rule -----------------------------------
ok_run loan add L3 --borrower D --bank BANKITMM --principal 10000 --date 2026-09-15
for m in A B C; do
	ok_run assess L3 --assessor "$m" --score 5 --date 2026-09-16
done
# Median 5 (exactly the minimum), grade 5, PD 2.00%.
# GA0 = pct(10,000.00, 50%) = 5,000.00; F = 50.00; K = 25.00; no deposit.
#   cash +75.00 -> 104,435.00; fees -290.00; fund -100,145.00.
# D's GA after: L2 closed (0) + 5,000.00 <= 25% of 100,145.00.
ok_run guarantee L3 --coverage 50 --pledge C:1000 --pledge B:1000 --pledge A:1000 --date 2026-09-20
expect_eq "$(balance_of cash)" "104435.00" "cash after L3 guarantee"
expect_eq "$(balance_of fund)" "-100145.00" "fund after L3 guarantee"
# 90 days is exactly default_dpd: default.
ok_run arrears L3 --dpd 90 --date 2026-10-20
expect_eq "$(loan_row L3)" "defaulted|1000000|500000" "L3 defaulted at exactly 90"
# The call of 1,000.00: d = 0 (no deposit); c = min(1,000.00, 3,000.00) =
# 100,000 cents among equal pledges: 33,333 each, 1 left over, equal
# remainders: to A, the member id that sorts first.  A 333.34, B 333.33,
# C 333.33; f = 0.  cash -1,000.00 -> 103,435.00.
ok_run call L3 --amount 1000 --date 2026-11-01
expect_contains "$OUT" "L3 called 1,000.00 EUR: deposit 0.00, co-guarantors 1,000.00, fund 0.00" "call L3 line"
expect_eq "$(balance_of due:A)" "333.34" "the extra cent goes to A"
expect_eq "$(balance_of due:B)" "333.33" "B"
expect_eq "$(balance_of due:C)" "333.33" "C"
expect_eq "$(balance_of fund)" "-100145.00" "the fund bears nothing"
expect_eq "$(balance_of deposit:L3)" "" "no deposit account was ever posted"
expect_eq "$(pledge_rows L3 | tr '\n' ' ')" "A|100000|33334|0 B|100000|33333|0 C|100000|33333|0 " "L3 pledge losses"

# A and C pay: cash +666.67 -> 104,101.67; B does not.
ok_run settle A 333.34 --date 2026-11-05
ok_run settle C 333.33 --date 2026-11-05
ok_run writeoff L3 --date 2026-11-10

# ---- leaving ---------------------------------------------------------------
expect_unchanged 2 member withdraw B --date 2026-11-20
expect_contains "$ERR" "settle it first" "B still owes"
# C (pledges only on closed loans) and D (its loans closed) leave, each
# paid its capital: cash 104,101.67 - 2,000.00 = 102,101.67.
ok_run member withdraw C --date 2026-11-20
ok_run member withdraw D --date 2026-11-20
# 102,101.67 + due:B 333.33 = 102,435.00 = 2,000.00 + 290.00 + 100,145.00.
mcg balance --format csv
expect_eq "$OUT" "account,balance
capital:A,-1000.00
capital:B,-1000.00
capital:C,0.00
capital:D,0.00
cash,102101.67
deposit:L2,0.00
due:A,0.00
due:B,333.33
due:C,0.00
fees,-290.00
fund,-100145.00" "final balance"
expect_eq "$(exposure_row B)" "B,0.00,0.00,0.00,333.33,0.00,1000.00" "exposure of B at the end"
expect_eq "$(exposure_row D)" "D,0.00,0.00,0.00,0.00,0.00,0.00" "exposure of D at the end"
mcg guarantees --format csv
expect_eq "$OUT" "loan,borrower,bank,status,outstanding,guaranteed,coverage,score,pd
L2,D,BANKITMM,closed,55000.00,0.00,40.00,6,1.00
L3,D,BANKITMM,closed,10000.00,0.00,50.00,5,2.00" "guarantees csv at the end"
expect_rc 0 check
