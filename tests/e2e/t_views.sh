# The read-side views: exposure (DOMAIN.md section 6), guarantees, scores
# and the calibration of scores, on a ledger built through the real
# commands.  Every figure is worked out by hand in the comments, including
# the largest-remainder allocation of pledges at risk with its tie rule.

EXPOSURE_HEAD="member,borrowed,guaranteed,pledged,due,deposit,capital"
GUARANTEES_HEAD="loan,borrower,bank,status,outstanding,guaranteed,coverage,score,pd"

exposure_row() {
	"$MCG" exposure --format csv | grep "^$1,"
}

setup_consortium
# A B C D: capital 1,000.00 each; fund 100,000.00 (from A).  E joins too;
# a1 joins with no capital at all (it sorts after E: byte order).
ok_run member add E --name "Firm E" --date 2026-01-04
ok_run contribute E 1000 --kind capital --date 2026-01-04
ok_run member add a1 --name "Lowercase Srl" --date 2026-01-04

# ---- a ledger with members and capital only -----------------------------
mcg exposure --format csv
expect_eq "$OUT" "$EXPOSURE_HEAD
A,0.00,0.00,0.00,0.00,0.00,1000.00
B,0.00,0.00,0.00,0.00,0.00,1000.00
C,0.00,0.00,0.00,0.00,0.00,1000.00
D,0.00,0.00,0.00,0.00,0.00,1000.00
E,0.00,0.00,0.00,0.00,0.00,1000.00
a1,0.00,0.00,0.00,0.00,0.00,0.00" "exposure csv, capital only"
mcg guarantees --format csv
expect_eq "$OUT" "$GUARANTEES_HEAD" "guarantees csv with no loan: the header"
ok_run exposure
expect_contains "$OUT" "1,000.00" "exposure text groups thousands"
ok_run exposure B --format csv
expect_eq "$OUT" "$EXPOSURE_HEAD
B,0.00,0.00,0.00,0.00,0.00,1000.00" "exposure of one member, csv"
ok_run exposure B
expect_contains "$OUT" "Loans: none." "no loans said plainly"
expect_unchanged 2 exposure NOBODY
expect_contains "$ERR" "not a known member" "unknown member"
expect_rc 2 exposure --format xmlish
expect_rc 2 exposure A B
expect_rc 2 scores
expect_rc 2 scores NOLOAN
expect_contains "$ERR" "not a known loan" "scores of an unknown loan"

# ---- L1: A borrows 20,000.00; B, C, D pledge 5,000.00 each ---------------
ok_run loan add L1 --borrower A --bank BANKITMM --principal 20000 --date 2026-01-10
ok_run assess L1 --assessor B --score 6 --date 2026-01-11
ok_run assess L1 --assessor C --score 7 --date 2026-01-11
ok_run assess L1 --assessor D --score 8 --date 2026-01-11
# Median of 6 7 8 = 7, grade 7, PD 0.50%.  GA0 = pct(20,000.00, 50%) =
# 10,000.00; fee 100.00, fund 50.00; deposit 500.00.
ok_run guarantee L1 --coverage 50 --deposit 500 --pledge D:5000 --pledge B:5000 --pledge C:5000 --date 2026-01-12

# ---- L2: B borrows 10,000.00; A, C, D pledge 1,000 / 1,500 / 2,000 --------
ok_run loan add L2 --borrower B --bank BANKITMM --principal 10000 --date 2026-01-12
ok_run assess L2 --assessor A --score 5 --date 2026-01-13
ok_run assess L2 --assessor C --score 6 --date 2026-01-13
ok_run assess L2 --assessor D --score 6 --date 2026-01-13
# A changes its mind: its 7 supersedes its 5.  Eligible 6 6 7: median 6,
# grade 6, PD 1.00%.
ok_run assess L2 --assessor A --score 7 --date 2026-01-13
# GA0 = pct(10,000.00, 30%) = 3,000.00; deposit 200.00.
ok_run guarantee L2 --coverage 30 --deposit 200 --pledge A:1000 --pledge C:1500 --pledge D:2000 --date 2026-01-14

# ---- L3: C borrows 5,000.00, still applied -------------------------------
ok_run loan add L3 --borrower C --bank BANKITMM --principal 5000 --date 2026-01-14

# Pledged at risk (section 6): each loan's min(GA, Σ pledges) allocated by
# pledge, largest remainder, ties to the lower member id.
#   L1: min(10,000.00, 15,000.00) = 1,000,000 minor over weights 5:5:5:
#       each floor 333,333, remainders all equal, 1 unit left -> B (first).
#       B 3,333.34, C 3,333.33, D 3,333.33.
#   L2: min(3,000.00, 4,500.00) = 300,000 over 100,000 : 150,000 : 200,000
#       (W 450,000): A floor 66,666 rem 300,000; C 100,000 rem 0;
#       D 133,333 rem 150,000; 1 unit left -> A (largest remainder).
#       A 666.67, C 1,000.00, D 1,333.33.
#   A 666.67; B 3,333.34; C 3,333.33 + 1,000.00 = 4,333.33;
#   D 3,333.33 + 1,333.33 = 4,666.66.
# borrowed: A 20,000.00 (active), B 10,000.00 (active), C 5,000.00 (applied).
mcg exposure --format csv
expect_eq "$OUT" "$EXPOSURE_HEAD
A,20000.00,10000.00,666.67,0.00,500.00,1000.00
B,10000.00,3000.00,3333.34,0.00,200.00,1000.00
C,5000.00,0.00,4333.33,0.00,0.00,1000.00
D,0.00,0.00,4666.66,0.00,0.00,1000.00
E,0.00,0.00,0.00,0.00,0.00,1000.00
a1,0.00,0.00,0.00,0.00,0.00,0.00" "exposure csv with three loans"
# One member's row is the same row.
mcg exposure D --format csv
expect_eq "$OUT" "$EXPOSURE_HEAD
D,0.00,0.00,4666.66,0.00,0.00,1000.00" "exposure D csv"
# The text view of D: its pledges, with what is at risk on each.
ok_run exposure D
expect_contains "$OUT" "L1    A         active  5,000.00  3,333.33" "D's pledge on L1"
expect_contains "$OUT" "L2    B         active  2,000.00  1,333.33" "D's pledge on L2"
expect_contains "$OUT" "4,666.66" "D's total at risk"
ok_run exposure A
expect_contains "$OUT" "L1    BANKITMM  active  20,000.00    20,000.00   10,000.00   500.00" "A's loan line"
ok_run exposure
expect_contains "$OUT" "total" "portfolio text has a total row"
expect_contains "$OUT" "13,000.00" "total guaranteed 10,000.00 + 3,000.00"

mcg guarantees --format csv
expect_eq "$OUT" "$GUARANTEES_HEAD
L1,A,BANKITMM,active,20000.00,10000.00,50.00,7,0.50
L2,B,BANKITMM,active,10000.00,3000.00,30.00,6,1.00
L3,C,BANKITMM,applied,5000.00,0.00,,," "guarantees csv"
ok_run guarantees
expect_contains "$OUT" "3 loans" "guarantees text counts loans"

# ---- scores ---------------------------------------------------------------
# CSV sorted by assessor, then date (then the order recorded).
mcg scores L2 --date 2026-01-20 --format csv
expect_eq "$OUT" "assessor,score,date,status
A,5,2026-01-13,superseded
A,7,2026-01-13,eligible
C,6,2026-01-13,eligible
D,6,2026-01-13,eligible" "scores L2 csv"
ok_run scores L2 --date 2026-01-20
expect_contains "$OUT" "Eligible assessments: 3 (quorum 3: met)" "quorum line"
expect_contains "$OUT" "Median: 6 (minimum 5: met)" "median line"
expect_contains "$OUT" "Grade 6, PD 1.00%" "grade line"
# EL = pct(pct(3,000.00, 1.00%), 45%) = pct(30.00, 45%) = 13.50.
expect_contains "$OUT" "expected loss 13.50" "expected loss"
# Age: 2026-01-13 + 180 days = 2026-07-12 still counts; a day later not.
mcg scores L2 --date 2026-07-12 --format csv
expect_contains "$OUT" "C,6,2026-01-13,eligible" "180 days old still counts"
mcg scores L2 --date 2026-07-13 --format csv
expect_contains "$OUT" "C,6,2026-01-13,too old" "181 days old is too old"
mcg scores L2 --date 2026-01-12 --format csv
expect_contains "$OUT" "D,6,2026-01-13,future" "an assessment after the day"
# Without --date a guaranteed loan is judged as of its guarantee's day
# (2026-01-14): the listing explains the decision, where today the same
# assessments would be too old.
mcg scores L2 --format csv
expect_eq "$OUT" "$("$MCG" scores L2 --date 2026-01-14 --format csv)" "scores of a guaranteed loan default to its guarantee's day"
expect_contains "$OUT" "C,6,2026-01-13,eligible" "as of the guarantee, not today"
ok_run scores L2
expect_contains "$OUT" "Eligible assessments: 3 (quorum 3: met)" "the guarantee's quorum, by default"
expect_rc 2 scores L2 --date 2026-02-30
expect_rc 2 scores L2 --calibration

# L3: an even count.  C (the borrower) assesses its own loan: it does not
# count.  A 6, B 7, D 5, E 8: sorted 5 6 7 8, median (6 + 7) / 2 = 6.5,
# grade 6, PD 1.00%.
ok_run assess L3 --assessor C --score 10 --date 2026-01-15
ok_run assess L3 --assessor A --score 6 --date 2026-01-15
ok_run assess L3 --assessor B --score 7 --date 2026-01-15
ok_run assess L3 --assessor D --score 5 --date 2026-01-15
ok_run assess L3 --assessor E --score 8 --date 2026-01-15
mcg scores L3 --date 2026-01-15 --format csv
expect_eq "$OUT" "assessor,score,date,status
A,6,2026-01-15,eligible
B,7,2026-01-15,eligible
C,10,2026-01-15,borrower
D,5,2026-01-15,eligible
E,8,2026-01-15,eligible" "scores L3 csv"
ok_run scores L3 --date 2026-01-15
expect_contains "$OUT" "Median: 6.5 (minimum 5: met)" "median 6.5"
expect_contains "$OUT" "Not guaranteed yet" "not guaranteed yet"
# GA0 = pct(5,000.00, 62.5%) = 3,125.00; no deposit, no pledges.
ok_run guarantee L3 --coverage 62.5 --date 2026-01-16

# ---- L1 repays 1,000.01 ----------------------------------------------------
# outstanding 18,999.99; GA = pct(18,999.99, 50%) = 9,499.995 -> half up
# 9,500.00.  L1 at risk: 950,000 over 5:5:5: floor 316,666 each, 2 units
# left, remainders equal -> B and C.  B 3,166.67, C 3,166.67, D 3,166.66.
ok_run repay L1 --principal 1000.01 --date 2026-01-20
mcg exposure --format csv
expect_eq "$OUT" "$EXPOSURE_HEAD
A,18999.99,9500.00,666.67,0.00,500.00,1000.00
B,10000.00,3000.00,3166.67,0.00,200.00,1000.00
C,5000.00,3125.00,4166.67,0.00,0.00,1000.00
D,0.00,0.00,4499.99,0.00,0.00,1000.00
E,0.00,0.00,0.00,0.00,0.00,1000.00
a1,0.00,0.00,0.00,0.00,0.00,0.00" "exposure after a repayment, the tie rule"
mcg guarantees --format csv
expect_eq "$OUT" "$GUARANTEES_HEAD
L1,A,BANKITMM,active,18999.99,9500.00,50.00,7,0.50
L2,B,BANKITMM,active,10000.00,3000.00,30.00,6,1.00
L3,C,BANKITMM,active,5000.00,3125.00,62.50,6.5,1.00" "guarantees after repayment"

# ---- L2 defaults: GA frozen at 3,000.00; it still counts -------------------
ok_run arrears L2 --dpd 90 --date 2026-01-25
expect_eq "$(exposure_row B)" "B,10000.00,3000.00,3166.67,0.00,200.00,1000.00" "B at default"
expect_eq "$(exposure_row A)" "A,18999.99,9500.00,666.67,0.00,500.00,1000.00" "A at default: L2 pledge still at risk"

# ---- the call of 3,000.00 ----------------------------------------------------
# d = min(3,000.00, deposit 200.00) = 200.00; c = min(2,800.00, 4,500.00)
# = 280,000 over 100,000 : 150,000 : 200,000: A floor 62,222 rem 100,000;
# C 93,333 rem 150,000; D 124,444 rem 200,000; 1 unit left -> D.
# due: A 622.22, C 933.33, D 1,244.45; f = 0.
# L2 is now called: GA 0, not borrowed, no pledge at risk, deposit 0.
ok_run call L2 --amount 3000 --date 2026-01-30
mcg exposure --format csv
expect_eq "$OUT" "$EXPOSURE_HEAD
A,18999.99,9500.00,0.00,622.22,500.00,1000.00
B,0.00,0.00,3166.67,0.00,0.00,1000.00
C,5000.00,3125.00,3166.67,933.33,0.00,1000.00
D,0.00,0.00,3166.66,1244.45,0.00,1000.00
E,0.00,0.00,0.00,0.00,0.00,1000.00
a1,0.00,0.00,0.00,0.00,0.00,0.00" "exposure after the call"
ok_run exposure D
expect_contains "$OUT" "it owes the consortium" "D owes"
expect_contains "$OUT" "1,244.45" "D's due"
expect_contains "$OUT" "L2    B         called  2,000.00      0.00    1,244.45" "D's loss on L2"
mcg guarantees --format csv
expect_contains "$OUT" "L2,B,BANKITMM,called,10000.00,0.00,30.00,6,1.00" "a called loan has GA 0"

# ---- E withdraws: still listed, capital paid back -----------------------------
ok_run member withdraw E --date 2026-02-01
expect_eq "$(exposure_row E)" "E,0.00,0.00,0.00,0.00,0.00,0.00" "withdrawn member listed"
ok_run exposure E
expect_contains "$OUT" "a withdrawn member" "text says withdrawn"
mcg scores L3 --date 2026-02-01 --format csv
expect_contains "$OUT" "E,8,2026-01-15,withdrawn" "a withdrawn assessor"
# Judged as of a day before its withdrawal, E was an active member: the
# listing shows the members as they were that day, not as they are now.
mcg scores L3 --date 2026-01-31 --format csv
expect_contains "$OUT" "E,8,2026-01-15,eligible" "E judged as of the day before its withdrawal"
# By default a guaranteed loan is judged as of its guarantee: the listing
# must agree with the decision (6.5 from four eligible assessments).
ok_run scores L3
expect_contains "$OUT" "judged as of 2026-01-16" "L3 judged as of its guarantee"
expect_contains "$OUT" "Eligible assessments: 4 (quorum 3: met)" "the decision's four assessments, E among them"
expect_contains "$OUT" "Median: 6.5" "the decision's median"
expect_contains "$OUT" "median 6.5 from 4 eligible assessments" "the decision as recorded"
# Rules loaded later (quorum 5, LGD 50%) do not judge the guarantee's day;
# they judge the days after their load.  The expected loss is of the GA
# now, under the LGD in force now.
sed 's#<peer_quorum>3</peer_quorum>#<peer_quorum>5</peer_quorum>#; s#<lgd>45</lgd>#<lgd>50</lgd>#' \
	"$MCG_SRC/rules/default.xml" >quorum5.xml
expect_contains "$(grep -c '<peer_quorum>5</peer_quorum>\|<lgd>50</lgd>' quorum5.xml)" 2 "the new rules file changes both"
ok_run rules load quorum5.xml --date 2026-02-01
ok_run scores L3
expect_contains "$OUT" "under rules version 1 (" "the guarantee's day is judged by the rules then"
expect_contains "$OUT" "(quorum 3: met)" "the quorum of the rules then"
expect_contains "$OUT" "LGD 50.00%" "the expected loss under the LGD now"
ok_run scores L3 --date 2026-02-01
expect_contains "$OUT" "under rules version 2 (" "a later day is judged by the rules loaded then"
expect_contains "$OUT" "(quorum 5: NOT met)" "the quorum of the rules loaded then"

# ---- calibration -----------------------------------------------------------------
# Outcomes: L1 repaid (grade 7, PD 0.50%) once repaid in full; L2 called
# (grade 6, PD 1.00%, a default); L3 active: no outcome yet.
mcg scores --calibration --format csv
expect_contains "$OUT" "all,1,1,,1.00,100.00,0.980100," "one outcome: Brier (0.01 - 1)^2, no AUC"
ok_run repay L1 --principal 18999.99 --date 2026-02-02
# Brier = ((0.005 - 0)^2 + (0.01 - 1)^2) / 2 = (0.000025 + 0.9801) / 2
# = 0.4900625; AUC: the one (default, repaid) pair is ranked right: 1.
# Mean predicted PD (100 + 50) / 2 = 75 bp.  Rows in byte order: 1, 10, 2..9, all.
mcg scores --calibration --format csv
expect_eq "$OUT" "grade,outcomes,defaults,scale_pd,predicted_pd,observed_rate,brier,auc
1,0,0,30.00,,,,
10,0,0,0.05,,,,
2,0,0,15.00,,,,
3,0,0,8.00,,,,
4,0,0,4.00,,,,
5,0,0,2.00,,,,
6,1,1,1.00,1.00,100.00,,
7,1,0,0.50,0.50,0.00,,
8,0,0,0.25,,,,
9,0,0,0.10,,,,
all,2,1,,0.75,50.00,0.490063,1.0000" "calibration csv"
ok_run scores --calibration
expect_contains "$OUT" "2 guaranteed loans ended" "calibration text: count"
expect_contains "$OUT" "Brier score: 0.4901 over 2 outcomes" "calibration text: Brier"
expect_contains "$OUT" "AUC: 1.000" "calibration text: AUC"
expect_contains "$OUT" "Caveat:" "calibration text: caveat"

# By default scores judges as of today, or the ledger's latest date if that
# is later (no guarantee could be dated earlier): an assessment dated 30
# days after today is eligible, not "future".
ahead=$(date -u -d '+30 days' +%F)
ok_run loan add L4 --borrower D --bank BANKITMM --principal 1000 --date "$ahead"
ok_run assess L4 --assessor A --score 9 --date "$ahead"
mcg scores L4 --format csv
expect_eq "$OUT" "assessor,score,date,status
A,9,$ahead,eligible" "scores default date"

# Views never write.
before=$(snapshot)
ok_run exposure
ok_run exposure A --format csv
ok_run guarantees --format csv
ok_run scores L1
ok_run scores --calibration
expect_eq "$(snapshot)" "$before" "views change nothing"
ok_run check
