# member withdraw: its capital is paid back; a withdrawn member can do no
# more; its rows stay.
ok_run init --name "W" --date 2026-01-01
ok_run member add M1 --name "One" --date 2026-01-01
ok_run contribute M1 300.00 --kind capital --date 2026-01-02
ok_run contribute M1 50.00 --kind fund --date 2026-01-02
ok_run member withdraw M1 --date 2026-01-03
expect_eq "$(balance_of capital:M1)" "0.00" "capital paid back"
expect_eq "$(balance_of cash)" "50.00" "cash after withdrawal"
mcg member list --format csv
expect_eq "$OUT" "member,name,status,sector,district
M1,One,withdrawn,," "member list csv"
expect_unchanged 2 member withdraw M1 --date 2026-01-04
expect_contains "$ERR" "withdrawn" "withdraw twice"
expect_unchanged 2 contribute M1 1 --kind fund --date 2026-01-04
expect_unchanged 2 member withdraw NOBODY --date 2026-01-04
expect_rc 0 check
