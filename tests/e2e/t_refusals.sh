# Refusals in the life of a loan: a consortium rule (exit 3, every failed
# rule named with its figures) and bad input or a wrong state (exit 2,
# saying the state).  Every refusal leaves the ledger exactly as it was.

loan_row() {
	sqlite3 "$MCG_DB" "SELECT status || '|' || outstanding || '|' || ga FROM loans WHERE id = '$1'"
}

setup_consortium
# E has too little capital; W has left.
ok_run member add E --name "Firm E" --date 2026-01-03
ok_run contribute E 249.99 --kind capital --date 2026-01-03
ok_run member add W --name "Firm W" --date 2026-01-03
ok_run member withdraw W --date 2026-01-03

# ---- loan add, assess: bad input -------------------------------------------
expect_unchanged 2 loan add L1 --borrower NOBODY --bank BANKITMM --principal 100 --date 2026-01-10
expect_contains "$ERR" "borrower 'NOBODY' is not a known member" "unknown borrower"
expect_unchanged 2 loan add L1 --borrower W --bank BANKITMM --principal 100 --date 2026-01-10
expect_contains "$ERR" "withdrawn" "withdrawn borrower"
expect_unchanged 2 loan add L1 --borrower A --bank NOBANKXX --principal 100 --date 2026-01-10
expect_contains "$ERR" "bank 'NOBANKXX' is not known" "unknown bank"
for bad in "--principal 0" "--principal -5" "--principal 1,000" "--principal 1.001" \
	"--principal 100 --rate 100.01" "--principal 100 --rate 5.125" \
	"--principal 100 --term-months 0" "--principal 100 --term-months 601" ""; do
	# shellcheck disable=SC2086
	expect_unchanged 2 loan add L1 --borrower A --bank BANKITMM $bad --date 2026-01-10
done
expect_unchanged 2 loan add "L 1" --borrower A --bank BANKITMM --principal 100 --date 2026-01-10
expect_unchanged 2 loan add L1 --borrower A --principal 100 --date 2026-01-10
expect_contains "$ERR" "--bank is required" "missing bank"

ok_run loan add L1 --borrower A --bank BANKITMM --principal 40000 --date 2026-01-10
expect_unchanged 2 loan add L1 --borrower B --bank BANKITMM --principal 100 --date 2026-01-10
expect_contains "$ERR" "loan 'L1' already exists" "duplicate loan"
expect_unchanged 2 assess L1 --assessor W --score 5 --date 2026-01-11
expect_contains "$ERR" "withdrawn" "withdrawn assessor"
expect_unchanged 2 assess L1 --assessor NOBODY --score 5 --date 2026-01-11
expect_unchanged 2 assess L1 --assessor B --score 0 --date 2026-01-11
expect_unchanged 2 assess L1 --assessor B --score 11 --date 2026-01-11
expect_unchanged 2 assess L9 --assessor B --score 5 --date 2026-01-11
expect_contains "$ERR" "loan 'L9' is not known" "assess unknown loan"

# ---- (3) rules: exit 3, every failed rule named ------------------------------
ok_run assess L1 --assessor A --score 9 --date 2026-01-11
ok_run assess L1 --assessor B --score 6 --date 2026-01-11
ok_run assess L1 --assessor C --score 7 --date 2026-01-11
# Coverage 85% > 80%; only B and C are eligible (A is the borrower); and
# GA0 = 34,000.00 > 25% of fund (100,000.00 + K 170.00) = 25,042.50: three
# rules fail at once, each named with its figures.
expect_unchanged 3 guarantee L1 --coverage 85 --date 2026-01-15
expect_contains "$ERR" "rule coverage_max: coverage 85% exceeds the maximum 80%" "coverage_max named"
expect_contains "$ERR" "rule peer_quorum: 2 eligible assessments, 3 required" "peer_quorum named"
expect_contains "$ERR" "rule single_name_max: the borrower's guarantees 34,000.00 would exceed 25% of fund 100,170.00 = 25,042.50" "single_name_max named"
expect_eq "$(loan_row L1)" "applied|4000000|0" "still applied"
expect_unchanged 3 guarantee L1 --coverage 0 --date 2026-01-15
expect_contains "$ERR" "rule coverage_max: coverage 0% must be above 0%" "zero coverage"

ok_run assess L1 --assessor D --score 8 --date 2026-01-12
# 80% of 40,000.00 = 32,000.00 > 25% of fund (100,000.00 + K 160.00) =
# 25,040.00: single_name_max alone.
expect_unchanged 3 guarantee L1 --coverage 80 --date 2026-01-15
expect_contains "$ERR" "rule single_name_max: the borrower's guarantees 32,000.00 would exceed 25% of fund 100,160.00 = 25,040.00" "single_name_max"
case "$ERR" in *coverage_max*|*peer_*) fail "only single_name_max should fail: $ERR" ;; *) ok ;; esac
# Co-guarantors: E's capital 249.99 < 250.00; W has withdrawn (a rule, not
# bad input: W is a known member); B's pledge 10,000.01 > 10 x 1,000.00.
expect_unchanged 3 guarantee L1 --coverage 50 --pledge E:100 --pledge W:100 --pledge B:10000.01 --date 2026-01-15
expect_contains "$ERR" "rule capital_min: co-guarantor E has capital 249.99, below the minimum 250.00" "capital_min E"
expect_contains "$ERR" "rule capital_min: co-guarantor W is not an active member" "capital_min W"
expect_contains "$ERR" "rule pledge_leverage_max: co-guarantor B's pledges 10,000.01 would exceed 10 x capital 1,000.00" "pledge leverage"

# A median below the minimum: scores 4 4 5 -> median 4.
ok_run loan add L4 --borrower C --bank BANKITMM --principal 1000 --date 2026-01-12
for m in A B D; do ok_run assess L4 --assessor "$m" --score 4 --date 2026-01-12; done
ok_run assess L4 --assessor D --score 5 --date 2026-01-13
ok_run assess L4 --assessor E --score 4 --date 2026-01-13
# D's later 5 replaces its 4: A 4, B 4, D 5, E 4 -> median (4 + 4) / 2 = 4.
expect_unchanged 3 guarantee L4 --coverage 50 --date 2026-01-15
expect_contains "$ERR" "rule peer_score_min: median score 4" "peer_score_min"

# ---- (4) guarantee: bad input and wrong states, exit 2 ------------------------
expect_unchanged 2 guarantee L9 --coverage 50 --date 2026-01-15
expect_contains "$ERR" "loan 'L9' is not known" "guarantee on an unknown loan"
expect_unchanged 2 guarantee L1 --coverage 50 --pledge A:100 --date 2026-01-15
expect_contains "$ERR" "the borrower A cannot be a co-guarantor" "pledge by the borrower"
expect_unchanged 2 guarantee L1 --coverage 50 --pledge B:100 --pledge B:200 --date 2026-01-15
expect_contains "$ERR" "co-guarantor B is named more than once" "duplicate co-guarantor"
expect_unchanged 2 guarantee L1 --coverage 50 --pledge NOBODY:100 --date 2026-01-15
expect_contains "$ERR" "co-guarantor 'NOBODY' is not a known member" "unknown co-guarantor"
for bad in B B: :100 B:0 B:-1 B:1,000 "B:1.001" "B C:1"; do
	expect_unchanged 2 guarantee L1 --coverage 50 --pledge "$bad" --date 2026-01-15
done
for bad in 80.001 101 -5 "" abc; do
	expect_unchanged 2 guarantee L1 --coverage "$bad" --date 2026-01-15
done
expect_unchanged 2 guarantee L1 --coverage 50 --cap 0 --date 2026-01-15
expect_unchanged 2 guarantee L1 --coverage 50 --deposit -1 --date 2026-01-15
expect_unchanged 2 guarantee L1 --date 2026-01-15
expect_contains "$ERR" "--coverage is required" "coverage required"
# Bad input is exit 2 even when rules would fail too (coverage 95%).
expect_unchanged 2 guarantee L1 --coverage 95 --pledge A:100 --date 2026-01-15

expect_unchanged 2 repay L1 --principal 100 --date 2026-01-15
expect_contains "$ERR" "loan L1 is applied, not active: cannot repay" "repay on an applied loan"
expect_unchanged 2 arrears L1 --dpd 10 --date 2026-01-15
expect_contains "$ERR" "loan L1 is applied, not active" "arrears on an applied loan"
expect_unchanged 2 call L1 --amount 100 --date 2026-01-15
expect_contains "$ERR" "loan L1 is applied, not defaulted: cannot call it" "call on an applied loan"
expect_unchanged 2 writeoff L1 --date 2026-01-15
expect_contains "$ERR" "loan L1 is applied, not called" "writeoff on an applied loan"

# The guarantee that passes: GA0 = pct(40,000.00, 50%) = 20,000.00, deposit
# 500.00, B pledges 2,000.00.
ok_run guarantee L1 --coverage 50 --deposit 500 --pledge B:2000 --date 2026-01-15
expect_eq "$(loan_row L1)" "active|4000000|2000000" "L1 active"
expect_unchanged 2 guarantee L1 --coverage 50 --date 2026-01-16
expect_contains "$ERR" "loan L1 is active, not applied: cannot guarantee it" "second guarantee"
# The state is checked before the rules: exit 2 although coverage 95% > 80%.
expect_unchanged 2 guarantee L1 --coverage 95 --date 2026-01-16
expect_contains "$ERR" "loan L1 is active, not applied" "state before rules"
expect_unchanged 2 assess L1 --assessor B --score 5 --date 2026-01-16
expect_contains "$ERR" "loan L1 is active, not applied: cannot assess it" "assess an active loan"

# ---- (4) repay, arrears, call, recover ---------------------------------------
expect_unchanged 2 repay L1 --principal 40000.01 --date 2026-01-20
expect_contains "$ERR" "repayment 40,000.01 is more than the 40,000.00 outstanding on loan L1" "repay beyond outstanding"
expect_unchanged 2 repay L1 --principal 0 --date 2026-01-20
expect_unchanged 2 repay L1 --principal 10 --interest -1 --date 2026-01-20
expect_unchanged 2 repay L1 --date 2026-01-20
expect_unchanged 2 arrears L1 --dpd 36501 --date 2026-01-20
expect_unchanged 2 arrears L1 --dpd -1 --date 2026-01-20
expect_unchanged 2 arrears L1 --dpd 1.5 --date 2026-01-20
expect_unchanged 2 call L1 --amount 100 --date 2026-01-20
expect_contains "$ERR" "loan L1 is active, not defaulted: cannot call it" "call on an active loan"
expect_unchanged 2 recover L1 --amount 100 --date 2026-01-20
expect_contains "$ERR" "loan L1 is active, not called" "recover on an active loan"

ok_run arrears L1 --dpd 120 --date 2026-05-01
expect_eq "$(loan_row L1)" "defaulted|4000000|2000000" "L1 defaulted"
expect_unchanged 2 arrears L1 --dpd 150 --date 2026-05-02
expect_contains "$ERR" "loan L1 is defaulted, not active" "arrears on a defaulted loan"
expect_unchanged 2 repay L1 --principal 100 --date 2026-05-02
expect_contains "$ERR" "loan L1 is defaulted, not active: cannot repay" "repay on a defaulted loan"
expect_unchanged 2 call L1 --amount 20000.01 --date 2026-05-02
expect_contains "$ERR" "call 20,000.01 is more than the guaranteed amount 20,000.00 of loan L1" "call beyond GA"
expect_unchanged 2 call L1 --amount 0 --date 2026-05-02
expect_unchanged 2 writeoff L1 --date 2026-05-02
expect_contains "$ERR" "loan L1 is defaulted, not called" "writeoff before the call"
expect_unchanged 2 recover L1 --amount 1 --date 2026-05-02
# The whole GA: d = 500.00, c = min(19,500.00, 2,000.00) = 2,000.00 (B),
# f = 17,500.00.
ok_run call L1 --amount 20000 --date 2026-05-02
expect_contains "$OUT" "L1 called 20,000.00 EUR: deposit 500.00, co-guarantors 2,000.00, fund 17,500.00" "call of the whole GA"
expect_unchanged 2 call L1 --amount 1 --date 2026-05-03
expect_contains "$ERR" "loan L1 is called, not defaulted" "second call"
# Losses to recover: fund 17,500.00 + B 2,000.00 = 19,500.00 (the deposit
# gets nothing back).
expect_unchanged 2 recover L1 --amount 19500.01 --date 2026-05-03
expect_contains "$ERR" "recovery 19,500.01 is more than the 19,500.00" "recovery beyond losses"
expect_unchanged 2 recover L1 --amount 0 --date 2026-05-03

# Arrears on a repaid loan: L2, guaranteed, repaid in full.
ok_run loan add L2 --borrower B --bank BANKITMM --principal 10000 --date 2026-05-03
for m in A C D; do ok_run assess L2 --assessor "$m" --score 6 --date 2026-05-03; done
ok_run guarantee L2 --coverage 50 --date 2026-05-04
ok_run repay L2 --principal 10000 --date 2026-05-05
expect_eq "$(loan_row L2)" "repaid|0|0" "L2 repaid"
expect_unchanged 2 arrears L2 --dpd 100 --date 2026-05-06
expect_contains "$ERR" "loan L2 is repaid, not active: cannot record arrears" "arrears on a repaid loan"
expect_unchanged 2 call L2 --amount 1 --date 2026-05-06
expect_unchanged 2 writeoff L2 --date 2026-05-06

# Back-dating is refused for loan events too.
expect_unchanged 2 recover L1 --amount 1 --date 2026-05-01
expect_contains "$ERR" "no back-dating" "back-dated recovery"

# One line on stderr.
mcg call L1 --amount 1 --date 2026-05-06
expect_eq "$(printf '%s\n' "$ERR" | wc -l)" 1 "error is one line"
expect_rc 0 check
