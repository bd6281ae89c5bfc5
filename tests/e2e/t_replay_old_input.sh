# A ledger recorded before mcg refused some input still replays.  The
# refusals of U+FFFE and U+FFFF, of bidirectional controls and invisible
# characters, of names of only spaces (ledger/apply.c, mcg_check_text), and
# of one bank under its 8- and 11-character BIC (ledger/apply_members.c)
# are for new input only: events are never changed, and `mcg check`
# replays them through the same apply code.  tests/data/ledger_lenient was
# recorded by an mcg that accepted all of them (its make.sh says which).

fx=$MCG_SRC/tests/data/ledger_lenient
sqlite3 "$MCG_DB" <"$fx/ledger.sql"
u() { printf "$1"; }
FFFE=$(u '\357\277\276') RLO=$(u '\342\200\256') WJ=$(u '\342\201\240')

expect_rc 0 check
expect_contains "$OUT" "check passed: 22 events replayed" "the old ledger replays, every event"
expect_rc 0 audit verify
# What it holds is what was recorded, byte for byte.
expect_eq "$(sqlite3 "$MCG_DB" "SELECT value FROM ledger_facts WHERE key = 'name'")" "Consorzio${FFFE}" \
	"U+FFFE in the consortium name"
expect_eq "$(sqlite3 "$MCG_DB" "SELECT name FROM members WHERE id = 'A'")" "Acme${RLO}lrS" "U+202E in a name"
expect_eq "$(sqlite3 "$MCG_DB" "SELECT name FROM members WHERE id = 'B'")" "   " "a blank name"
expect_eq "$(sqlite3 "$MCG_DB" "SELECT group_concat(bic, ' ') FROM (SELECT bic FROM banks ORDER BY bic)")" \
	"BPMOIT22 BPMOIT22XXX DEUTDEFF UNCRITMM UNCRITMMXXX" "both BICs of one bank"

# The same as new input, in this very ledger, is refused and writes nothing.
expect_unchanged 2 member add Z --name "Zeta${FFFE}" --date 2026-01-07
expect_contains "$ERR" "member name has a character XML does not allow at byte 5 (U+FFFE)" "U+FFFE refused anew"
expect_unchanged 2 member add Z --name "Zeta" --district "${RLO}x" --date 2026-01-07
expect_contains "$ERR" "district has a bidirectional control at byte 1 (U+202E)" "U+202E refused anew"
expect_unchanged 2 member add Z --name "   " --date 2026-01-07
expect_contains "$ERR" "member name is blank" "a blank name refused anew"
expect_unchanged 2 --actor "tre${WJ}asurer" repay L1 --principal 1 --date 2026-01-07
expect_contains "$ERR" "actor has an invisible character at byte 4 (U+2060)" "U+2060 in an actor refused anew"
expect_unchanged 2 bank add DEUTDEFFXXX --name "Deutsche Bank" --date 2026-01-07
expect_contains "$ERR" "bank DEUTDEFFXXX is DEUTDEFF, already registered" "the XXX form refused anew"

# New events after the old ones: the whole ledger still checks.
ok_run repay L1 --principal 100 --date 2026-01-07
ok_run member add E --name "Epsilon" --date 2026-01-07
expect_rc 0 check
expect_contains "$OUT" "check passed: 24 events replayed" "old and new events replay"
expect_rc 0 audit verify
