# Schema version 1 kept every hash of the audit tree one a row
# (audit_hashes), version 2 kept them 64 to a row (audit_tiles); version 3
# keeps only the subtrees of levels 8, 16, ... (audit_nodes) and the
# tree's right edge (audit_edge), and recomputes the rest from the events.
# Version 4 splits the loans table into loan_terms and loan_state, with a
# view `loans` that joins them.
# An older ledger is upgraded when it is opened, read-only commands
# included, in one transaction, and keeps every root, proof and
# checkpoint; one whose audit log was changed by hand is not upgraded and
# stays exactly as it was, for the mcg that wrote it to report.
#
# This mcg writes only version 4, so the version 2 ledger comes from
# tests/data/ledger_v2 (made by the mcg of schema version 2: see make.sh
# there): 300 events, a checkpoint signed at 270 and kept, and what that
# mcg printed for a list of read commands.  The version 1 ledger is made
# from it by SQL, as version 1 wrote it.

fx=$MCG_SRC/tests/data/ledger_v2

# load_v2 FILE: a copy of the version 2 ledger, v2.db, which mcg never
# opens.
load_v2() {
	rm -f "$1" "$1-wal" "$1-shm"
	cp v2.db "$1"
}

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

# to_v3 FILE: a version 4 ledger as schema version 3 wrote it, its loans
# one table.
to_v3() {
	sqlite3 "$1" "DROP VIEW loans;
		CREATE TABLE loans(id TEXT PRIMARY KEY, borrower TEXT NOT NULL, bank TEXT NOT NULL,
			principal INTEGER NOT NULL, rate_bp INTEGER, term_months INTEGER,
			outstanding INTEGER NOT NULL, status TEXT NOT NULL, ga INTEGER NOT NULL,
			dpd INTEGER NOT NULL, opened INTEGER NOT NULL, closed INTEGER) WITHOUT ROWID;
		INSERT INTO loans SELECT t.id, t.borrower, t.bank, t.principal, t.rate_bp, t.term_months,
			s.outstanding, s.status, s.ga, s.dpd, t.opened, s.closed
			FROM loan_terms t JOIN loan_state s ON s.id = t.id;
		DROP TABLE loan_terms;
		DROP TABLE loan_state;
		CREATE INDEX loans_borrower ON loans(borrower);
		CREATE INDEX loans_bank ON loans(bank);
		UPDATE meta SET value = '3' WHERE key = 'schema_version';" ||
		fail "could not write a version 3 ledger"
}

# loan_objects FILE: what the schema holds for the loans, as SQL.
loan_objects() {
	sqlite3 "$1" "SELECT type, name, sql FROM sqlite_master WHERE name LIKE 'loan%' ORDER BY name"
}

# version FILE: the schema version, then the audit tables.
version() {
	sqlite3 "$1" "SELECT value FROM meta WHERE key = 'schema_version';
		SELECT group_concat(name, ' ') FROM (SELECT name FROM sqlite_master
			WHERE type = 'table' AND name LIKE 'audit%' ORDER BY name)" | tr '\n' ' '
}

# stored FILE: what version 3 stores of the tree.
stored() {
	sqlite3 "$1" "SELECT level, idx, hex(hash) FROM audit_nodes ORDER BY level, idx;
		SELECT size, hex(hashes) FROM audit_edge"
}

# outputs FILE: what mcg prints for each command of the fixture's list,
# as make.sh kept it from the mcg of version 2 in expected.txt.
outputs() {
	while IFS= read -r cmd; do
		printf '$ mcg %s\n' "$cmd"
		# shellcheck disable=SC2086
		"$MCG" --db "$1" --keys "$MCG_DB.keys" $cmd </dev/null 2>&1
	done <"$fx/commands"
}

# proofs: of a list of outputs, those of the proofs, which name their tree
# sizes and so stay the same as the log grows.
proofs() {
	awk '/^\$ mcg / { on = /^\$ mcg audit (prove|consistency) / } on'
}

# expect_outputs FILE WHAT [FILTER]: outputs FILE are those of version 2.
expect_outputs() {
	outputs "$1" | ${3:-cat} >got.txt
	${3:-cat} <"$fx/expected.txt" >want.txt
	if cmp -s got.txt want.txt; then ok; else
		fail "$2: mcg prints otherwise than the mcg of version 2: $(diff want.txt got.txt | head -n 20)"
	fi
}

# stored_hash FILE I: the hex of stored hash I of a version 2 ledger.
stored_hash() {
	sqlite3 "$1" "SELECT hex(substr(hashes, $(($2 % 64 * 32 + 1)), 32)) FROM audit_tiles WHERE tile = $(($2 / 64))"
}

# stored_index LEVEL K: the index of the hash of subtree K of LEVEL in
# the order version 1 and 2 stored them (golang.org/x/mod/sumdb/tlog).
stored_index() {
	n=$2
	l=$1
	while [ "$l" -gt 0 ]; do n=$((2 * n + 1)); l=$((l - 1)); done
	i=0
	while [ "$n" -gt 0 ]; do i=$((i + n)); n=$((n / 2)); done
	echo $((i + $1))
}

mkdir -m 0700 "$MCG_DB.keys"
cp "$fx/checkpoint.pub" "$MCG_DB.keys/"
cp "$fx/checkpoint.txt" checkpoint.txt

# ---- the fixture is what version 2 wrote ----------------------------------------
# In WAL mode, as mcg keeps its files.
{ sqlite3 v2.db <"$fx/ledger.sql" && sqlite3 v2.db 'PRAGMA journal_mode = WAL' >/dev/null; } ||
	fail "could not load the version 2 ledger"
expect_eq "$(version v2.db)" "2 audit_tiles " "a version 2 ledger"
expect_eq "$(sqlite3 v2.db "SELECT COUNT(*), SUM(length(hashes)) / 32 FROM audit_tiles")" \
	"10|$((2 * 300 - 4))" "300 events store 2n - popcount(n) hashes, in ten tiles"
expect_eq "$(sqlite3 v2.db "SELECT size FROM checkpoints")" 270 "one checkpoint kept, at 270 events"

# ---- version 2 to 4, by a read-only command -----------------------------------------
load_v2 "$MCG_DB"
ok_run balance --format csv
expect_eq "$(version "$MCG_DB")" "4 audit_edge audit_nodes " "upgraded to version 4, through 3"
# The stored hashes version 3 keeps are copied from version 2's: the one
# complete subtree of 256 events, and for each level the latest complete
# subtree (300 events: levels 0 to 8).
expect_eq "$(sqlite3 "$MCG_DB" "SELECT level, idx, hex(hash) FROM audit_nodes")" \
	"8|0|$(stored_hash v2.db "$(stored_index 8 0)")" "the node of events 1 to 256"
edge=
for l in 0 1 2 3 4 5 6 7 8; do
	edge=$edge$(stored_hash v2.db "$(stored_index "$l" $(((300 >> l) - 1)))")
done
expect_eq "$(sqlite3 "$MCG_DB" "SELECT size, hex(hashes) FROM audit_edge")" "300|$edge" \
	"the edge: the latest complete subtree of each level"
expect_eq "$(sqlite3 "$MCG_DB" "SELECT COUNT(*) FROM audit_edge")" 1 "one edge row"
stored "$MCG_DB" >v3-stored.txt
# The loans as version 2 held them, now in loan_terms and loan_state and
# read through the view, which the upgrade made as `mcg init` does.
expect_eq "$(sqlite3 "$MCG_DB" "SELECT * FROM loans ORDER BY id")" \
	"$(sqlite3 v2.db "SELECT * FROM loans ORDER BY id")" "every loan as version 2 held it"
expect_eq "$(sqlite3 "$MCG_DB" "SELECT COUNT(*) FROM loan_terms; SELECT COUNT(*) FROM loan_state")" \
	"$(sqlite3 v2.db "SELECT COUNT(*) FROM loans; SELECT COUNT(*) FROM loans")" "a terms row and a state row a loan"
expect_rc 0 --db fresh.db init --name Fresh
expect_eq "$(loan_objects "$MCG_DB")" "$(loan_objects fresh.db)" "the loans' tables, indexes and view as a new ledger has them"
expect_eq "$(sqlite3 "$MCG_DB" "SELECT COUNT(*) FROM sqlite_master WHERE name LIKE 'loans_%'")" 0 \
	"nothing left of version 3's loans table"
# Every balance, root, proof and checkpoint as version 2 had them.
expect_outputs "$MCG_DB" "version 2 upgraded by a read-only command"
ok_run audit verify --checkpoint checkpoint.txt
expect_contains "$OUT" "300 events and their postings match the log; 1 kept checkpoints hold, and so does the checkpoint given" \
	"the upgraded ledger verifies with the kept checkpoint"
ok_run check
# The tree goes on growing from where version 2 left it (event 304
# completes a subtree of 16 events over the edge version 2 left, event 320
# one of 64), and the proofs in the tree of version 2 stay the same.
i=300
while [ "$i" -lt 320 ]; do
	i=$((i + 1))
	ok_run contribute D "$i.00" --kind fund --ref "grow-$i" --date 2026-01-22
done
expect_eq "$(sqlite3 "$MCG_DB" "SELECT size, length(hashes) / 32 FROM audit_edge;
	SELECT COUNT(*) FROM audit_nodes")" "320|9
1" "the edge of 320 events, still one node"
ok_run audit verify --checkpoint checkpoint.txt
expect_contains "$OUT" "320 events and their postings match the log" "the grown ledger verifies"
ok_run audit consistency 270 320
ok_run audit consistency 300 320
ok_run check
expect_outputs "$MCG_DB" "the proofs after growing" proofs

# ---- version 1 to 4, by a read-only command -----------------------------------------
load_v2 v1.db
to_v1 v1.db
expect_eq "$(version v1.db)" "1 audit_hashes " "a version 1 ledger"
expect_eq "$(sqlite3 v1.db "SELECT COUNT(*), MAX(idx) FROM audit_hashes")" "596|595" "one row a hash"
expect_rc 0 --db v1.db --keys "$MCG_DB.keys" audit verify --checkpoint checkpoint.txt
expect_eq "$(version v1.db)" "4 audit_edge audit_nodes " "version 1 upgraded to 4 at once"
expect_eq "$(stored v1.db)" "$(cat v3-stored.txt)" "the same nodes and edge as from version 2"
expect_outputs v1.db "version 1 upgraded by a read-only command"
expect_rc 0 --db v1.db --keys "$MCG_DB.keys" check

# ---- version 3 to 4 -------------------------------------------------------------------
# by a read-only command, then by a write: an import that repays L1.
for how in read write; do
	load_v2 v3.db
	expect_rc 0 --db v3.db --keys "$MCG_DB.keys" balance
	to_v3 v3.db
	expect_eq "$(version v3.db)" "3 audit_edge audit_nodes " "$how: a version 3 ledger"
	loans_v3=$(sqlite3 v3.db "SELECT * FROM loans ORDER BY id")
	# A view of the treasurer's own over version 3's table reads the
	# view of the same name after the upgrade.
	sqlite3 v3.db "CREATE VIEW my_open AS SELECT id, outstanding FROM loans WHERE status = 'active'" ||
		fail "could not add a view"
	open_v3=$(sqlite3 v3.db "SELECT * FROM my_open")
	if [ "$how" = read ]; then
		expect_outputs v3.db "version 3 upgraded by a read-only command"
		expect_eq "$(sqlite3 v3.db "SELECT * FROM loans ORDER BY id")" "$loans_v3" \
			"read: every loan as version 3 held it"
		expect_eq "$(sqlite3 v3.db "SELECT * FROM my_open" 2>&1)" "$open_v3" \
			"read: a view of one's own over loans still reads the loans"
	else
		printf 'ref,date,type,loan,principal,interest,dpd,amount\nv3-r1,2026-02-01,repay,L1,100.00,5.00,,\n' >repay.csv
		expect_rc 0 --db v3.db --keys "$MCG_DB.keys" import repay.csv
		# 39,900.00 - 100.00; GA 50% of it.
		expect_eq "$(sqlite3 v3.db "SELECT status, outstanding, ga FROM loans WHERE id = 'L1'")" \
			"active|3980000|1990000" "write: the repayment changes the upgraded loan"
	fi
	expect_eq "$(version v3.db)" "4 audit_edge audit_nodes " "version 3 upgraded by a $how"
	expect_eq "$(loan_objects v3.db)" "$(loan_objects fresh.db)" "$how: the loans' schema as a new ledger has it"
	expect_rc 0 --db v3.db --keys "$MCG_DB.keys" check
	expect_rc 0 --db v3.db --keys "$MCG_DB.keys" audit verify --checkpoint checkpoint.txt
done

# ---- versions 1 and 2 upgraded by a write ----------------------------------------------
for v in 1 2; do
	load_v2 w.db
	[ "$v" = 1 ] && to_v1 w.db
	expect_rc 0 --db w.db --keys "$MCG_DB.keys" contribute A 7.00 --kind fund --date 2026-01-22
	expect_contains "$OUT" "event 301" "version $v: the write is recorded after the upgrade"
	expect_eq "$(version w.db)" "4 audit_edge audit_nodes " "version $v upgraded by a write"
	expect_rc 0 --db w.db --keys "$MCG_DB.keys" audit verify --checkpoint checkpoint.txt
	expect_contains "$OUT" "301 events and their postings match the log" "version $v: verifies after the write"
	expect_rc 0 --db w.db --keys "$MCG_DB.keys" audit consistency 300 301
	expect_outputs w.db "version $v upgraded by a write: the proofs" proofs
	expect_rc 0 --db w.db --keys "$MCG_DB.keys" check
done

# ---- a changed audit log is not upgraded -------------------------------------------------
# refused VERSION CHANGE MESSAGE: the ledger of VERSION with CHANGE made
# by hand is refused with MESSAGE (exit 4) and left exactly as it was, at
# its version, for the mcg that wrote it to report.
refused() {
	load_v2 bad.db
	[ "$1" = 1 ] && to_v1 bad.db
	sqlite3 bad.db "$2" || fail "could not make the change: $2"
	sum=$(sha256sum <bad.db)
	dump=$(sqlite3 bad.db .dump | sha256sum)
	for cmd in balance "contribute A 1 --kind fund --date 2026-01-22"; do
		# shellcheck disable=SC2086
		expect_rc 4 --db bad.db --keys "$MCG_DB.keys" $cmd
		expect_eq "$ERR" "mcg: error: $3 (\`audit verify\` with the mcg that wrote it says more)" \
			"version $1, $cmd: refused: $2"
		expect_eq "$(sha256sum <bad.db)" "$sum" "version $1, $cmd: the file is as it was: $2"
		expect_eq "$(sqlite3 bad.db .dump | sha256sum)" "$dump" "version $1, $cmd: and so is what it holds: $2"
	done
	expect_eq "$(version bad.db | cut -d' ' -f1)" "$1" "still version $1: $2"
}
at2() { echo "cannot upgrade the ledger to schema version 2: its audit log was changed at stored hash $1"; }
at3() { echo "cannot upgrade the ledger to schema version 3: its audit log was changed at stored hash $1"; }
beyond="cannot upgrade the ledger to schema version 3: its audit log holds hashes beyond its last event"

refused 2 "DELETE FROM audit_tiles WHERE tile = 3" "$(at3 192)"
refused 2 "UPDATE audit_tiles SET tile = 11 WHERE tile = 9" "$(at3 576)"
refused 2 "UPDATE audit_tiles SET hashes = substr(hashes, 1, 63 * 32) WHERE tile = 4" "$(at3 319)"
refused 2 "UPDATE audit_tiles SET hashes = substr(hashes, 1, length(hashes) - 32) WHERE tile = 9" "$(at3 595)"
refused 2 "UPDATE audit_tiles SET hashes = CAST(hashes || zeroblob(31) AS BLOB) WHERE tile = 9" "$(at3 576)"
refused 2 "UPDATE audit_tiles SET hashes = CAST(hashes AS TEXT) WHERE tile = 2" "$(at3 128)"
refused 2 "UPDATE audit_tiles SET hashes = CAST(hashes || zeroblob(32) AS BLOB) WHERE tile = 9" "$beyond"
refused 2 "INSERT INTO audit_tiles VALUES(10, zeroblob(32))" "$beyond"
# The last event removed: its hashes are still there.
refused 2 "DELETE FROM postings WHERE seq = 300; DELETE FROM events WHERE seq = 300" "$beyond"
refused 1 "DELETE FROM audit_hashes WHERE idx = 5" "$(at2 5)"
refused 1 "UPDATE audit_hashes SET hash = zeroblob(31) WHERE idx = 70" "$(at2 70)"
refused 1 "INSERT INTO audit_hashes VALUES(1000, zeroblob(32))" "$(at2 596)"
# These pass the step to version 2 and are refused by the step to version
# 3: one transaction, so the file stays at version 1.
refused 1 "DELETE FROM audit_hashes WHERE idx = 595" "$(at3 595)"
refused 1 "INSERT INTO audit_hashes VALUES(596, zeroblob(32))" "$beyond"

# A stored hash changed in place (the same length), or an event changed
# under its hash: the upgrade recomputes the tree from the events and
# compares every hash, so neither is upgraded (version 3 keeps none of the
# leaves, and the change would be gone).  Stored hash 0 is event 1's leaf,
# 7 event 5's, 510 the node of events 1 to 256 (level 8), which version 3
# keeps.
differs() { echo "cannot upgrade the ledger to schema version 3: its audit log does not match its events at stored hash $1"; }
refused 2 "UPDATE audit_tiles SET hashes = CAST(zeroblob(32) || substr(hashes, 33) AS BLOB) WHERE tile = 0" "$(differs 0)"
refused 1 "UPDATE audit_hashes SET hash = zeroblob(32) WHERE idx = 0" "$(differs 0)"
refused 2 "UPDATE audit_tiles SET hashes = CAST(substr(hashes, 1, 30 * 32) || zeroblob(32) || substr(hashes, 31 * 32 + 1) AS BLOB) WHERE tile = 7" "$(differs 478)"
refused 1 "UPDATE audit_hashes SET hash = zeroblob(32) WHERE idx = 510" "$(differs 510)"
refused 2 "UPDATE events SET actor = 'mallory' WHERE seq = 5" "$(differs 7)"
refused 1 "UPDATE postings SET amount = amount + 1 WHERE seq = (SELECT MIN(seq) FROM postings) AND line = 1" "$(differs "$(sqlite3 v2.db "SELECT MIN(seq) FROM postings" | awk '{ n = $1 - 1; i = 0; for (m = n; m > 0; m = int(m / 2)) i += m; print i }')")"
refused 2 "UPDATE events SET date = date + 4294967296 WHERE seq = 9" "cannot upgrade the ledger to schema version 3: event 9: its stored date cannot be what the journal wrote (the event was changed)"
# A ledger someone turned out of WAL (journal_mode delete): a refused
# upgrade leaves it so too, byte for byte, by a reading or a writing
# command (the switch to WAL comes only after the upgrade).
for cmd in balance "contribute A 1 --kind fund --date 2026-01-22"; do
	load_v2 bad.db
	sqlite3 bad.db "PRAGMA journal_mode = DELETE; UPDATE events SET actor = 'mallory' WHERE seq = 5" >/dev/null
	sum=$(sha256sum <bad.db)
	# shellcheck disable=SC2086
	expect_rc 4 --db bad.db --keys "$MCG_DB.keys" $cmd
	expect_contains "$ERR" "$(differs 7)" "not in WAL, $cmd: refused"
	expect_eq "$(sha256sum <bad.db)" "$sum" "not in WAL, $cmd: the file is as it was"
	expect_eq "$(sqlite3 bad.db "PRAGMA journal_mode")" delete "not in WAL, $cmd: still not in WAL"
done

# ---- a schema_version changed by hand ------------------------------------------------
# The tables that tell the versions apart (audit_hashes, audit_tiles,
# audit_nodes and audit_edge, the table loans, loan_terms and loan_state)
# must be those of the version meta says: a file that says another is
# refused (exit 4) by every command, nothing written, naming a table that
# disagrees and the version its tables are of; not upgraded from what it
# is not ("table loan_terms already exists").
# claims FILE VERSION WHAT: FILE with schema_version set to VERSION is
# refused, with WHAT said of its tables, and left as it was.
claims() {
	sqlite3 "$1" "UPDATE meta SET value = '$2' WHERE key = 'schema_version'" ||
		fail "could not set the schema version"
	sum=$(sha256sum <"$1")
	for cmd in balance "contribute A 1 --kind fund --date 2026-01-22" check; do
		# shellcheck disable=SC2086
		expect_rc 4 --db "$1" --keys "$MCG_DB.keys" $cmd
		expect_eq "$ERR" "mcg: error: the ledger's schema_version ($2) does not match its tables: $3 (was schema_version changed by hand?)" \
			"version $2 claimed, $cmd: refused"
		expect_eq "$(sha256sum <"$1")" "$sum" "version $2 claimed, $cmd: the file is as it was"
	done
	expect_eq "$(version "$1" | cut -d' ' -f1)" "$2" "version $2 claimed: not upgraded"
}
for v in 3 2 1; do
	load_v2 claim.db
	expect_rc 0 --db claim.db --keys "$MCG_DB.keys" balance
	case $v in
	3) has="loan_terms, which version 3 has not" ;;
	*) has="audit_nodes, which version $v has not" ;;
	esac
	claims claim.db "$v" "it has table $has; its tables are those of version 4"
done
# Version 3's tables said to be 2's, or 4's.
load_v2 claim.db
expect_rc 0 --db claim.db --keys "$MCG_DB.keys" balance
to_v3 claim.db
claims claim.db 2 "it has table audit_nodes, which version 2 has not; its tables are those of version 3"
claims claim.db 4 "it has table loans, which version 4 has not; its tables are those of version 3"
# Version 2's tables said to be 1's; and tables of no version (version
# 3's, less audit_edge).
load_v2 claim.db
claims claim.db 1 "it has table audit_tiles, which version 1 has not; its tables are those of version 2"
load_v2 claim.db
expect_rc 0 --db claim.db --keys "$MCG_DB.keys" balance
to_v3 claim.db
sqlite3 claim.db "DROP TABLE audit_edge" || fail "could not drop audit_edge"
claims claim.db 3 "it lacks table audit_edge, which version 3 has; its tables are of no version mcg made"

# ---- a reader who may not write ------------------------------------------------------
# The upgrade writes; a user who may only read the ledger gets a clear
# refusal and the file stays as it was.  As root every file is writable:
# the test runs the binary as nobody when it can (setpriv).
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null 2>&1; then
	mkdir -m 0755 ro
	load_v2 ro/l.db
	chmod 0644 ro/l.db
	chmod 0711 "$T_DIR"
	sum=$(sha256sum <ro/l.db)
	as_nobody --db "$T_DIR/ro/l.db" balance
	expect_eq "$RC" 1 "a version 2 ledger that its reader may not write (system)"
	expect_eq "$(printf '%s\n' "$ERR" | wc -l)" 1 "one error line"
	expect_contains "$ERR" "upgrading the ledger from schema version 2" "the refusal says why"
	expect_eq "$(sha256sum <ro/l.db)" "$sum" "the ledger is as it was"
	expect_eq "$(version ro/l.db)" "2 audit_tiles " "still version 2"
	# The same ledger in rollback-journal mode: SQLite opens it read-only
	# without a word, and the upgrade's first write failed with the words
	# of any write ("... reading commands work", just as a read failed).
	expect_eq "$(sqlite3 ro/l.db "PRAGMA journal_mode = DELETE")" delete "the ledger in rollback-journal mode"
	sum=$(sha256sum <ro/l.db)
	as_nobody --db "$T_DIR/ro/l.db" balance
	expect_eq "$RC" 1 "a version 2 ledger in rollback-journal mode that its reader may not write"
	expect_eq "$(printf '%s\n' "$ERR" | wc -l)" 1 "one error line"
	expect_contains "$ERR" "upgrading the ledger from schema version 2 needs a user who may write '$T_DIR/ro/l.db' and its folder" \
		"the refusal says the upgrade needs a writer"
	case "$ERR" in *"reading commands work"*) fail "the refusal says reading works ($ERR)" ;; *) ok ;; esac
	expect_eq "$(sha256sum <ro/l.db)" "$sum" "the ledger is as it was"
	chmod 0700 "$T_DIR"
fi

# ---- two commands open a version 2 ledger at once ----------------------------------
# Both read version 2, then wait for the write lock (held here by sqlite3
# for 2 s); the second to get it must find the file upgraded by the first
# and not upgrade it again ("table audit_nodes already exists").
load_v2 race.db
printf 'BEGIN IMMEDIATE;\n.shell sleep 2\nCOMMIT;\n' | sqlite3 race.db >/dev/null 2>&1 &
locker=$!
sleep 0.5
"$MCG" --db race.db --keys "$MCG_DB.keys" balance >race1.out 2>race1.err &
one=$!
"$MCG" --db race.db --keys "$MCG_DB.keys" audit prove 5 --size 300 >race2.out 2>race2.err &
two=$!
wait "$one"
expect_eq "$?:$(cat race1.err)" "0:" "the first of two at once: upgraded or found upgraded"
wait "$two"
expect_eq "$?:$(cat race2.err)" "0:" "the second of two at once: upgraded or found upgraded"
wait "$locker"
expect_eq "$(version race.db)" "4 audit_edge audit_nodes " "upgraded once"
expect_rc 0 --db race.db --keys "$MCG_DB.keys" audit verify --checkpoint checkpoint.txt
