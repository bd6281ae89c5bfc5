# Schema version 1 kept the audit tree's stored hashes one a row
# (audit_hashes); version 2 keeps them 64 to a row (audit_tiles).  A
# version 1 ledger is upgraded when it is opened, read-only commands
# included, and keeps every root, proof and checkpoint; one whose audit log
# was changed by hand is not upgraded and stays exactly as it was.

setup_consortium                    # 12 events
# Past 64 stored hashes, so that the upgrade fills more than one tile.
for i in $(seq 1 30); do
	ok_run contribute B "$i.00" --kind fund --ref "fund-$i" --date 2026-01-04
done
ok_run audit checkpoint
printf '%s\n' "$OUT" >cp.txt
ok_run audit verify
root_before=$(printf '%s\n' "$OUT" | sed 's/.* root //')
ok_run audit prove 5
proof_before=$OUT
ok_run balance --format csv
balance_before=$OUT
hashes=$(sqlite3 "$MCG_DB" "SELECT SUM(length(hashes)) / 32 FROM audit_tiles")
expect_eq "$hashes" $((2 * 42 - 3)) "42 events store 2n - popcount(n) hashes"
expect_eq "$(sqlite3 "$MCG_DB" "SELECT COUNT(*) FROM audit_tiles")" 2 "in two tiles"

# to_v1 FILE: the ledger as schema version 1 wrote it.
to_v1() {
	sqlite3 "$1" "CREATE TABLE audit_hashes(idx INTEGER PRIMARY KEY, hash BLOB NOT NULL);
		WITH RECURSIVE i(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM i WHERE n < 63)
		INSERT INTO audit_hashes SELECT t.tile * 64 + i.n, substr(t.hashes, i.n * 32 + 1, 32)
			FROM audit_tiles t, i WHERE i.n * 32 < length(t.hashes);
		DROP TABLE audit_tiles;
		UPDATE meta SET value = '1' WHERE key = 'schema_version';" ||
		fail "could not write a version 1 ledger"
}

version() {
	sqlite3 "$1" "SELECT value FROM meta WHERE key = 'schema_version';
		SELECT group_concat(name) FROM sqlite_master WHERE name LIKE 'audit%'"
}

cp "$MCG_DB" v2.db
to_v1 "$MCG_DB"
expect_eq "$(version "$MCG_DB" | tr '\n' ' ')" "1 audit_hashes " "a version 1 ledger"
expect_eq "$(sqlite3 "$MCG_DB" "SELECT COUNT(*) FROM audit_hashes")" "$hashes" "one row a hash"

# A read-only command upgrades it, and reads the same.
ok_run balance --format csv
expect_eq "$OUT" "$balance_before" "balance after the upgrade"
expect_eq "$(version "$MCG_DB" | tr '\n' ' ')" "2 audit_tiles " "upgraded to version 2"
expect_eq "$(sqlite3 "$MCG_DB" "SELECT hex(hashes) FROM audit_tiles ORDER BY tile")" \
	"$(sqlite3 v2.db "SELECT hex(hashes) FROM audit_tiles ORDER BY tile")" \
	"the same tiles as version 2 wrote"
ok_run audit verify --checkpoint cp.txt
expect_eq "$(printf '%s\n' "$OUT" | sed 's/.* root //')" "$root_before" "the same root"
ok_run audit prove 5
expect_eq "$OUT" "$proof_before" "the same proof"
ok_run check
# The tree goes on growing from where version 1 left it.
ok_run contribute C 5.00 --kind fund --date 2026-01-05
ok_run audit verify --checkpoint cp.txt
ok_run audit consistency 42 43

# A version 1 audit log changed by hand: not upgraded, left untouched, for
# the mcg that wrote it to report.
for change in "DELETE FROM audit_hashes WHERE idx = 5" \
	"UPDATE audit_hashes SET hash = zeroblob(31) WHERE idx = 70" \
	"INSERT INTO audit_hashes VALUES(1000, zeroblob(32))"; do
	cp v2.db bad.db
	to_v1 bad.db
	sqlite3 bad.db "$change"
	before=$(sqlite3 bad.db .dump | md5sum)
	expect_rc 4 --db bad.db --keys "$MCG_DB.keys" balance
	expect_contains "$ERR" "cannot upgrade the ledger to schema version 2" "refused: $change"
	expect_eq "$(sqlite3 bad.db .dump | md5sum)" "$before" "left as it was: $change"
	expect_eq "$(version bad.db | head -n 1)" 1 "still version 1: $change"
done
