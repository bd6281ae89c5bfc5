# The ledger core: init, members, banks, contributions, settle, balance,
# check, idempotency, back-dating, and bad input that changes nothing.

ok_run init --name "Ceramiche del Distretto" --date 2026-01-05
expect_eq "${OUT##*; keys in }" "$MCG_DB.keys" "init names the default keys folder"
expect_rc 0 --db other-keys.db --keys "$PWD/other-keys" init --name "Other" --date 2026-01-05
expect_eq "${OUT##*; keys in }" "$PWD/other-keys" "init names the --keys folder"
expect_rc 2 init --name "Again" --date 2026-01-05
expect_contains "$ERR" "already exists" "init twice"
# keys: folder 0700, private keys 0600
expect_eq "$(stat -c %a mcg.db.keys)" 700 "keys folder mode"
expect_eq "$(stat -c %a mcg.db.keys/checkpoint.key)" 600 "checkpoint key mode"
expect_eq "$(stat -c %a mcg.db.keys/statement.key)" 600 "statement key mode"

ok_run member add ACME --name "Acme Ceramiche Srl" --sector C23.31 --district Sassuolo --tax-id IT01234567890 --date 2026-01-06
ok_run member add BETA --name "Beta Smalti" --date 2026-01-06
ok_run bank add BPMOIT22XXX --name "Banco BPM" --date 2026-01-06
ok_run contribute ACME 1000.50 --kind capital --date 2026-01-06
ok_run contribute BETA 250 --kind capital --date 2026-01-06
ok_run contribute ACME 5000 --kind fund --ref fund-1 --date 2026-01-07

mcg balance --format csv
expect_eq "$OUT" "account,balance
capital:ACME,-1000.50
capital:BETA,-250.00
cash,6250.50
fund,-5000.00" "balance csv"

# The same ref with the same content is a no-op that succeeds.
before=$(snapshot)
expect_rc 0 contribute ACME 5000 --kind fund --ref fund-1 --date 2026-01-07
expect_contains "$OUT" "already recorded" "replay message"
expect_eq "$(snapshot)" "$before" "replay writes nothing"
# ... also when replayed on a later day without --date.
expect_rc 0 contribute ACME 5000 --kind fund --ref fund-1
expect_eq "$(snapshot)" "$before" "replay without date writes nothing"
# The same ref with other content is a conflict.
expect_unchanged 5 contribute ACME 5001 --kind fund --ref fund-1 --date 2026-01-07
expect_contains "$ERR" "already used by event" "conflict message"
# An old ref replayed is recognised before the back-dating check.
ok_run contribute BETA 10 --kind fund --date 2026-02-01
expect_rc 0 contribute ACME 5000 --kind fund --ref fund-1 --date 2026-01-07

# Back-dating is refused.
expect_unchanged 2 contribute ACME 1 --kind fund --date 2026-01-31
expect_contains "$ERR" "no back-dating" "back-dating message"

# Bad input: exit 2, one line naming the problem, nothing written.
for amount in 1,000.00 1e3 1.001 +5 "" " 5" -5 0 0.00 abc 1. .5 99999999999999999999; do
	expect_unchanged 2 contribute ACME "$amount" --kind capital --date 2026-02-01
done
expect_unchanged 2 contribute ACME 5 --kind shares --date 2026-02-01
expect_unchanged 2 contribute ACME 5 --date 2026-02-01
expect_unchanged 2 contribute NOBODY 5 --kind fund --date 2026-02-01
expect_contains "$ERR" "not a known member" "unknown member"
expect_unchanged 2 member add ACME --name Dup --date 2026-02-01
expect_unchanged 2 member add "bad id" --name X --date 2026-02-01
expect_unchanged 2 member add ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456 --name X --date 2026-02-01
expect_unchanged 2 member add X --date 2026-02-01
expect_unchanged 2 member add X --name "" --date 2026-02-01
expect_unchanged 2 member add X --name N --sector Z99 --date 2026-02-01
expect_unchanged 2 member add X --name "$(printf 'a\tb')" --date 2026-02-01
expect_unchanged 2 member add "X';DROP TABLE members;--" --name N --date 2026-02-01
expect_unchanged 2 bank add bpmoit22 --name X --date 2026-02-01
expect_unchanged 2 bank add BPMOIT2 --name X --date 2026-02-01
expect_unchanged 2 bank add BPMOIT22XXX --name Dup --date 2026-02-01
# ISO 9362: an 8-character BIC and the same with branch code XXX are one
# institution, so the other spelling of a bank already registered is
# refused (its guarantees would be split over two statements), in both
# orders; another branch code is another branch.
expect_unchanged 2 bank add BPMOIT22 --name "Banco BPM" --date 2026-02-01
expect_contains "$ERR" "bank BPMOIT22 is BPMOIT22XXX, already registered (an 8-character BIC is the same as its XXX branch)" \
	"the 8-character BIC of a bank registered with XXX"
ok_run bank add UNCRITMM --name "UniCredit" --date 2026-02-01
expect_unchanged 2 bank add UNCRITMMXXX --name "UniCredit" --date 2026-02-01
expect_contains "$ERR" "bank UNCRITMMXXX is UNCRITMM, already registered (an 8-character BIC is the same as its XXX branch)" \
	"the XXX BIC of a bank registered with 8 characters"
ok_run bank add BPMOIT22ABC --name "Banco BPM, Milano" --date 2026-02-01
ok_run bank add UNCRITMMABC --name "UniCredit, Roma" --date 2026-02-01
expect_eq "$(sqlite3 "$MCG_DB" "SELECT group_concat(bic, ' ') FROM (SELECT bic FROM banks ORDER BY bic)")" \
	"BPMOIT22ABC BPMOIT22XXX UNCRITMM UNCRITMMABC" "one row per institution, branches apart"
# A bank named by the other spelling of its BIC is not taken for it (the
# loan would name a bank no statement covers), but the error says which.
expect_unchanged 2 loan add LBIC --borrower ACME --bank BPMOIT22 --principal 100 --date 2026-02-01
expect_contains "$ERR" "bank 'BPMOIT22' is not known; BPMOIT22XXX is (the same bank" "a loan at the 8-character BIC of an XXX bank"
expect_unchanged 2 loan add LBIC --borrower ACME --bank UNCRITMMXXX --principal 100 --date 2026-02-01
expect_contains "$ERR" "bank 'UNCRITMMXXX' is not known; UNCRITMM is (the same bank" "a loan at the XXX BIC of an 8-character bank"
expect_unchanged 2 loan add LBIC --borrower ACME --bank UNCRITMMXYZ --principal 100 --date 2026-02-01
expect_eq "$ERR" "mcg: error: bank 'UNCRITMMXYZ' is not known" "another branch is another bank"
# The same bank add again with its ref is still a replay, not a refusal.
ok_run bank add DEUTDEFF --name "Deutsche Bank" --ref bank-deut --date 2026-02-01
expect_unchanged 0 bank add DEUTDEFF --name "Deutsche Bank" --ref bank-deut --date 2026-02-01
expect_unchanged 2 bank add DEUTDEFFXXX --name "Deutsche Bank" --ref bank-deut-2 --date 2026-02-01
expect_unchanged 2 contribute ACME 5 --kind fund --date 2026-02-30
expect_unchanged 2 contribute ACME 5 --kind fund --date 2026-2-1
expect_unchanged 2 contribute ACME 5 --kind fund --ref "$(printf 'has\ttab')" --date 2026-02-01
expect_unchanged 2 contribute ACME 5 --kind fund --ref "$(printf '%065d' 0)" --date 2026-02-01
expect_unchanged 2 contribute ACME 5 --kind fund --bogus 1 --date 2026-02-01
expect_unchanged 2 settle ACME 5 --date 2026-02-01
expect_contains "$ERR" "nothing to settle" "settle with no due"
expect_rc 2 nosuchcommand
expect_rc 2 --db

# One line on stderr, prefixed.
mcg contribute ACME 1,5 --kind fund
expect_eq "$(printf '%s\n' "$ERR" | wc -l)" 1 "error is one line"
expect_contains "$ERR" "mcg: error: " "error prefix"

# Help and version.
expect_rc 0 --help
expect_contains "$OUT" "member add" "help lists commands"
expect_rc 0 contribute --help
expect_contains "$OUT" "--kind" "command help"
expect_rc 0 --version
# The mistakes a new user makes get an error that says what to do.
expect_unchanged 2 member
expect_contains "$ERR" "'member' needs a second word: member add, member withdraw, member list" "a group word alone"
expect_unchanged 2 member foo
expect_contains "$ERR" "unknown command 'member foo': 'member' takes member add, member withdraw, member list" \
	"a group word with a second word that is none of its commands"
expect_rc 0 audit --help
expect_contains "$OUT" "usage: mcg audit verify" "a group's help lists its commands"
expect_contains "$OUT" "usage: mcg audit consistency" "a group's help lists its commands"
expect_unchanged 2 bogus
expect_contains "$ERR" "unknown command 'bogus'" "an unknown word"
expect_unchanged 2 --date 2026-02-02 contribute ACME 1 --kind fund
expect_contains "$ERR" "'--date' is not a global option" "a command's option before the command"
expect_unchanged 2 balance --db other.db
expect_contains "$ERR" "--db is a global option: it goes before the command" "a global option after the command"
[ ! -e other.db ] && ok || fail "a refused --db after the command made other.db"

# check passes, then fails after a state row is changed by hand.
expect_rc 0 check
sqlite3 "$MCG_DB" "UPDATE members SET name = 'Forged' WHERE id = 'BETA'"
expect_rc 4 check
expect_contains "$ERR" "members" "check names the table"
sqlite3 "$MCG_DB" "UPDATE members SET name = 'Beta Smalti' WHERE id = 'BETA'"
expect_rc 0 check
sqlite3 "$MCG_DB" "UPDATE balances SET balance = balance + 1 WHERE account = 'cash'"
expect_rc 4 check
sqlite3 "$MCG_DB" "UPDATE balances SET balance = balance - 1 WHERE account = 'cash'"
sqlite3 "$MCG_DB" "DELETE FROM postings WHERE seq = (SELECT MIN(seq) FROM postings)"
expect_rc 4 check

# A missing ledger, and a file that is not a ledger.
expect_rc 2 --db nothing-here.db balance
echo "not a database" > junk.db
expect_rc 2 --db junk.db balance

# A ledger written by a newer mcg (a higher schema version) is refused,
# not misread; the migration framework only ever goes forward.
current=$(sqlite3 "$MCG_DB" "SELECT value FROM meta WHERE key = 'schema_version'")
sqlite3 "$MCG_DB" "UPDATE meta SET value = '99' WHERE key = 'schema_version'"
expect_rc 2 balance
expect_contains "$ERR" "newer than this mcg" "newer schema refused"
sqlite3 "$MCG_DB" "UPDATE meta SET value = '$current' WHERE key = 'schema_version'"
expect_rc 0 balance
# Another SQLite database is not a ledger.
sqlite3 other.db "CREATE TABLE t(x); INSERT INTO t VALUES(1);"
expect_rc 2 --db other.db balance
expect_contains "$ERR" "not an mcg ledger" "foreign database refused"
