# Two (and more) treasurers recording at the same moment on one ledger:
# every command succeeds, one after the other; nothing lost or doubled.
ok_run init --name "C" --date 2026-01-01
ok_run member add M1 --name "One" --date 2026-01-01
n=8
i=1
while [ $i -le $n ]; do
	( "$MCG" contribute M1 1.00 --kind fund --ref "c-$i" --date 2026-01-02 >/dev/null 2>"err.$i"; echo $? >"rc.$i" ) &
	i=$((i + 1))
done
wait
i=1
while [ $i -le $n ]; do
	expect_eq "$(cat rc.$i)" 0 "concurrent contribute $i ($(cat err.$i))"
	i=$((i + 1))
done
expect_eq "$(balance_of fund)" "-8.00" "all eight contributions recorded once"
expect_eq "$(sqlite3 "$MCG_DB" 'SELECT COUNT(*), MAX(seq) FROM events')" "11|11" "no gaps in the sequence"
expect_rc 0 check
