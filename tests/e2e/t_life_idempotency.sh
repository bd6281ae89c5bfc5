# Idempotency in the life of a loan: a guarantee given again with its
# pledges in another order (and amounts written differently) is the same
# event; the same ref with other content is a conflict; an old ref is
# recognised before the state or date checks.

setup_consortium
ok_run loan add L1 --borrower A --bank BANKITMM --principal 40000 --ref loan-1 --date 2026-01-10
for m in B C D; do
	ok_run assess L1 --assessor "$m" --score 7 --ref "assess-$m" --date 2026-01-11
done
ok_run guarantee L1 --coverage 50 --deposit 500 --pledge D:1000 --pledge B:2000 --pledge C:1500.5 --ref g-1 --date 2026-01-15
expect_eq "$(sqlite3 "$MCG_DB" "SELECT fields FROM events WHERE ref = 'g-1'")" "loan=L1
coverage=5000
deposit=50000
pledge=B:200000
pledge=C:150050
pledge=D:100000" "canonical fields: pledges sorted by member, minor units"
seq=$(sqlite3 "$MCG_DB" "SELECT seq FROM events WHERE ref = 'g-1'")

# The same guarantee, pledges in another order, amounts written otherwise:
# a replay, exit 0, nothing written, although the loan is now active.
before=$(snapshot)
expect_rc 0 guarantee L1 --coverage 50.00 --deposit 500.00 --pledge C:1500.50 --pledge B:2000 --pledge D:1000.0 --ref g-1 --date 2026-01-15
expect_contains "$OUT" "already recorded as event $seq" "replayed guarantee"
expect_eq "$(snapshot)" "$before" "replay writes nothing"
# Without --date on a later day: still the same event.
expect_rc 0 guarantee L1 --coverage 50 --deposit 500 --pledge B:2000 --pledge D:1000 --pledge C:1500.5 --ref g-1
expect_eq "$(snapshot)" "$before" "replay without date writes nothing"
# The same ref with other content: a conflict, exit 5.
expect_unchanged 5 guarantee L1 --coverage 50 --deposit 500 --pledge B:2000 --pledge D:1000 --pledge C:1500.51 --ref g-1 --date 2026-01-15
expect_contains "$ERR" "already used by event $seq" "conflict names the event"
expect_unchanged 5 guarantee L1 --coverage 50 --deposit 500 --pledge B:2000 --pledge D:1000 --ref g-1 --date 2026-01-15
# A guarantee without --deposit records deposit 0: same as --deposit 0.
ok_run loan add L2 --borrower B --bank BANKITMM --principal 1000 --date 2026-01-16
for m in A C D; do ok_run assess L2 --assessor "$m" --score 7 --date 2026-01-16; done
ok_run guarantee L2 --coverage 40 --ref g-2 --date 2026-01-17
expect_rc 0 guarantee L2 --coverage 40 --deposit 0 --ref g-2 --date 2026-01-17
expect_contains "$OUT" "already recorded" "deposit 0 is the default"

# Bank events replayed: same content, exit 0, nothing written.
ok_run repay L1 --principal 1000 --interest 12.5 --ref r-1 --date 2026-02-01
before=$(snapshot)
expect_rc 0 repay L1 --principal 1000.00 --interest 12.50 --ref r-1 --date 2026-02-01
expect_eq "$(snapshot)" "$before" "repay replay"
expect_unchanged 5 repay L1 --principal 1000 --ref r-1 --date 2026-02-01
ok_run arrears L1 --dpd 91 --ref a-1 --date 2026-05-01
ok_run call L1 --amount 5000 --ref c-1 --date 2026-05-10
before=$(snapshot)
# An old ref replayed after the loan moved on, with an older date: still a
# success, not a wrong state nor back-dating.
expect_rc 0 arrears L1 --dpd 91 --ref a-1 --date 2026-05-01
expect_rc 0 call L1 --amount 5000 --ref c-1 --date 2026-05-10
expect_rc 0 guarantee L1 --coverage 50 --deposit 500 --pledge B:2000 --pledge D:1000 --pledge C:1500.5 --ref g-1 --date 2026-01-15
expect_eq "$(snapshot)" "$before" "old refs write nothing"
ok_run recover L1 --amount 100 --ref v-1 --date 2026-06-01
expect_rc 0 recover L1 --amount 100 --ref v-1 --date 2026-06-01
expect_unchanged 5 recover L1 --amount 101 --ref v-1 --date 2026-06-01
ok_run writeoff L1 --ref w-1 --date 2026-07-01
expect_rc 0 writeoff L1 --ref w-1 --date 2026-07-01
expect_unchanged 5 writeoff L2 --ref w-1 --date 2026-07-01
expect_rc 0 check
