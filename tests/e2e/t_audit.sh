# The audit trail: checkpoints, proofs and `audit verify` against rows
# changed, deleted, added and reordered by hand with sqlite3.  Events and
# postings are the audit log's to guard (`audit verify`, naming the events
# whose stored hash no longer matches: the ledger stores the tree's right
# edge and its nodes of levels 8, 16, ..., docs/AUDIT.md);
# the state tables are `check`'s.  Every tampering is done on a copy of the
# ledger, so each case starts from the same honest ledger.

setup_consortium                    # 12 events
KEYS="$PWD/mcg.db.keys"
TDB="$PWD/t.db"

# tamper SQL: a fresh copy of the ledger in t.db, changed by SQL.
tamper() {
	rm -f "$TDB" "$TDB-wal" "$TDB-shm"
	sqlite3 "$MCG_DB" ".backup '$TDB'"
	sqlite3 "$TDB" "$1" || fail "tamper SQL failed: $1"
}

# on_copy CODE ARGS...: runs mcg on the tampered copy (with the real keys).
on_copy() {
	want=$1
	shift
	expect_rc "$want" --db "$TDB" --keys "$KEYS" "$@"
}

# zero_edge_sql LEVEL: SQL that overwrites the edge's hash of LEVEL (the
# latest complete subtree of that level) with zeros.  || makes text of
# blobs: CAST puts the same bytes back as a blob.
zero_edge_sql() {
	echo "UPDATE audit_edge SET hashes = CAST(substr(hashes, 1, 32 * $1)
		|| zeroblob(32) || substr(hashes, 32 * $1 + 33) AS BLOB)"
}

# verify_fails SEQ_TEXT SQL: the change is found by `audit verify`, which
# exits 4 naming what it found.
verify_fails() {
	tamper "$2"
	on_copy 4 audit verify
	expect_contains "$ERR" "$1" "audit verify after: $2"
	# The pass hashes on a second thread; with none to be had it hashes
	# on its own, and must find the same thing in the same words.
	threaded_err=$ERR
	if no_threads --db "$TDB" --keys "$KEYS" audit verify; then
		expect_eq "$RC $ERR" "4 $threaded_err" "audit verify on one thread after: $2"
	fi
}

# ---- the honest ledger ----------------------------------------------------

ok_run audit verify
expect_contains "$OUT" "audit verify passed: 12 events" "verify summary"
expect_contains "$OUT" "0 kept checkpoints" "no checkpoints yet"
ok_run check

# A checkpoint: origin, size, base64 root, blank line, one signature line.
ok_run audit checkpoint
CP12=$OUT
printf '%s\n' "$CP12" >cp12.txt
origin=$(sqlite3 "$MCG_DB" "SELECT value FROM ledger_facts WHERE key = 'origin'")
expect_eq "$(printf '%s\n' "$CP12" | sed -n 1p)" "$origin" "checkpoint origin line"
expect_eq "$(printf '%s\n' "$CP12" | sed -n 2p)" 12 "checkpoint size line"
expect_eq "$(printf '%s\n' "$CP12" | sed -n 3p | base64 -d | wc -c | tr -d ' ')" 32 "root is 32 bytes"
expect_eq "$(printf '%s\n' "$CP12" | sed -n 4p)" "" "blank line"
expect_contains "$(printf '%s\n' "$CP12" | sed -n 5p)" "— $origin " "signature line"
expect_eq "$(printf '%s\n' "$CP12" | wc -l | tr -d ' ')" 5 "five lines"
case "$origin" in mcg.ledger/test-consortium/????????????????) ok ;;
*) fail "origin [$origin] is not mcg.ledger/<slug>/<16 hex>" ;;
esac
# The checkpoint's root is the root `audit verify` recomputes.
root_hex=$(printf '%s\n' "$CP12" | sed -n 3p | base64 -d | od -An -tx1 | tr -d ' \n')
ok_run audit verify
expect_contains "$OUT" "root $root_hex" "verify root equals the checkpoint's"
expect_contains "$OUT" "1 kept checkpoints" "one kept"
# The same size again: the kept note, nothing new written.
before=$(snapshot)
ok_run audit checkpoint
expect_eq "$OUT" "$CP12" "a second checkpoint at the same size is the kept one"
expect_eq "$(snapshot)" "$before" "nothing written for a kept size"
# It verifies as an outside checkpoint.
ok_run audit verify --checkpoint cp12.txt
expect_contains "$OUT" "so does the checkpoint given" "outside checkpoint holds"

# ---- proofs: the fixed formats and bad input -------------------------------

ok_run audit prove 5
expect_eq "$(printf '%s\n' "$OUT" | sed -n 1p)" "index 4" "prove index"
expect_eq "$(printf '%s\n' "$OUT" | sed -n 2p)" "size 12" "prove size"
expect_eq "$(printf '%s\n' "$OUT" | sed -n 3p | sed 's/^leaf [0-9a-f]\{64\}$/ok/')" ok "prove leaf"
expect_eq "$(printf '%s\n' "$OUT" | sed -n '4,$p' | grep -cv '^hash [0-9a-f]\{64\}$')" 0 "prove hash lines"
expect_eq "$(printf '%s\n' "$OUT" | grep -c '^hash ')" 4 "4 hashes for leaf 4 of 12"
ok_run audit prove 12 --size 12
ok_run audit prove 1 --size 1
expect_eq "$(printf '%s\n' "$OUT" | grep -c '^hash ')" 0 "no hash in a one-leaf tree"
ok_run audit consistency 5 12
expect_eq "$(printf '%s\n' "$OUT" | sed -n 1,2p)" "old 5
new 12" "consistency header"
expect_eq "$(printf '%s\n' "$OUT" | sed -n '3,$p' | grep -cv '^hash [0-9a-f]\{64\}$')" 0 "consistency hash lines"
ok_run audit consistency 12 12
expect_eq "$OUT" "old 12
new 12" "equal sizes: an empty proof"
for args in "prove 0" "prove 13" "prove 5 --size 4" "prove 1 --size 13" \
	"prove 1 --size 0" "prove x" "prove -- -1" "prove 1.5" "prove ''" "prove 1 2" \
	"prove 99999999999999999999" "consistency 5 3" "consistency 0 5" \
	"consistency 5 13" "consistency a 5" "consistency 5" "verify extra" \
	"checkpoint extra"; do
	eval "expect_unchanged 2 audit $args"
done
expect_unchanged 2 audit verify --checkpoint no-such-file
expect_unchanged 2 keys show extra

# ---- keys show --------------------------------------------------------------

ok_run keys show
vkey=$(printf '%s\n' "$OUT" | grep '^[^ ]*+[0-9a-f]\{8\}+[A-Za-z0-9+/]*=*$')
expect_eq "${vkey%%+*}" "$origin" "verifier key is named by the origin"
expect_contains "$OUT" "-----BEGIN PUBLIC KEY-----" "statement PEM"
printf '%s\n' "$OUT" | sed -n '/-----BEGIN/,/-----END/p' >statement.pem
if openssl pkey -pubin -in statement.pem -noout -text 2>/dev/null | grep -q 'NIST CURVE: P-256'; then ok; else
	fail "statement key is not a P-256 public key"
fi
expect_eq "$(cmp statement.pem mcg.db.keys/statement.pub >/dev/null && echo same)" same "PEM is statement.pub"

# ---- events and postings changed: audit verify names the event -------------

verify_fails "events 1 to 8 do not match the audit log" "UPDATE events SET type = 'settle' WHERE seq = 6"
verify_fails "events 1 to 8 do not match the audit log" "UPDATE events SET date = date + 1 WHERE seq = 6"
verify_fails "events 1 to 8 do not match the audit log" "UPDATE events SET date_given = 0 WHERE seq = 6"
verify_fails "events 1 to 8 do not match the audit log" "UPDATE events SET actor = 'mallory' WHERE seq = 6"
verify_fails "events 1 to 8 do not match the audit log" "UPDATE events SET ref = 'forged' WHERE seq = 6"
verify_fails "events 1 to 8 do not match the audit log" "UPDATE events SET recorded_at = '2026-01-02T00:00:00Z' WHERE seq = 6"
verify_fails "events 1 to 8 do not match the audit log" "UPDATE events SET fields = replace(fields, '100000', '100001') WHERE seq = 6"
verify_fails "event 6: its stored fields" "UPDATE events SET fields = fields || 'x' WHERE seq = 6"
# A value SQLite would read back as the original through a 32-bit getter.
verify_fails "event 6: its stored date" "UPDATE events SET date = date + 4294967296 WHERE seq = 6"
verify_fails "event 6: its stored date" "UPDATE events SET date = date + 0.5 WHERE seq = 6"
verify_fails "events 1 to 8 do not match the audit log" "UPDATE events SET actor = actor || ' ' WHERE seq = 4"
verify_fails "events 1 to 8 do not match the audit log" "UPDATE postings SET amount = amount + 1 WHERE seq = 6 AND line = 1"
verify_fails "events 1 to 8 do not match the audit log" "UPDATE postings SET amount = amount + 1 WHERE seq = 6 AND line = 1;
	UPDATE postings SET amount = amount - 1 WHERE seq = 6 AND line = 2"
verify_fails "events 1 to 8 do not match the audit log" "UPDATE postings SET account = 'cash2' WHERE seq = 6 AND line = 1"
# The accounts of a posting pair swapped: still balanced, meaning reversed.
verify_fails "event 12 does not match the audit log" "UPDATE postings SET account = 'fund' WHERE seq = 12 AND line = 1;
	UPDATE postings SET account = 'cash' WHERE seq = 12 AND line = 2"

# ---- events and postings deleted, added, reordered -------------------------

verify_fails "event 7 is missing (the log has a gap)" "DELETE FROM postings WHERE seq = 7; DELETE FROM events WHERE seq = 7"
verify_fails "event 1 is missing" "DELETE FROM events WHERE seq = 1"
verify_fails "events 1 to 8 do not match the audit log" "DELETE FROM postings WHERE seq = 6 AND line = 2"
verify_fails "events 1 to 8 do not match the audit log" "INSERT INTO postings VALUES(6, 3, 'cash', 5)"
verify_fails "event 6: its posting lines do not run" "UPDATE postings SET line = 5 WHERE seq = 6 AND line = 2"
verify_fails "posting line 1 of event 99 belongs to no event" "INSERT INTO postings VALUES(99, 1, 'cash', 5)"
verify_fails "event 13 is not in the audit log" "INSERT INTO events SELECT 13, type, 'extra', date, date_given, recorded_at, actor, fields FROM events WHERE seq = 12"
verify_fails "event 0: not a sequence number" "INSERT INTO events SELECT 0, type, 'zero', date, date_given, recorded_at, actor, fields FROM events WHERE seq = 12"
# Two posting lines swapped.
verify_fails "events 1 to 8 do not match the audit log" "UPDATE postings SET line = 10 WHERE seq = 6 AND line = 1;
	UPDATE postings SET line = 1 WHERE seq = 6 AND line = 2;
	UPDATE postings SET line = 2 WHERE seq = 6 AND line = 10"
# Two events (with their postings) swapped in the sequence.
verify_fails "events 1 to 8 do not match the audit log" "UPDATE events SET seq = 100 WHERE seq = 4;
	UPDATE events SET seq = 4 WHERE seq = 6; UPDATE events SET seq = 6 WHERE seq = 100;
	UPDATE postings SET seq = 100 WHERE seq = 4; UPDATE postings SET seq = 4 WHERE seq = 6;
	UPDATE postings SET seq = 6 WHERE seq = 100"
# The same content in two rows, swapped without touching seq.
verify_fails "events 1 to 8 do not match the audit log" "UPDATE events SET fields = CASE seq
	WHEN 4 THEN (SELECT fields FROM events WHERE seq = 6)
	ELSE (SELECT fields FROM events WHERE seq = 4) END WHERE seq IN (4, 6)"

# ---- the audit log itself changed -------------------------------------------

# 12 events (1100 in binary): the edge holds the latest subtree of each
# level: event 12 (level 0), 11-12, 9-12, 1-8 (level 3), and no node of
# level 8 is stored yet (that takes 256 events: below).
expect_eq "$(sqlite3 "$MCG_DB" "SELECT size, length(hashes) / 32 FROM audit_edge")" "12|4" \
	"12 events: an edge of 4 hashes"
expect_eq "$(sqlite3 "$MCG_DB" "SELECT COUNT(*) FROM audit_nodes")" 0 "no stored node yet"
verify_fails "event 12 does not match the audit log" "$(zero_edge_sql 0)"
verify_fails "events 11 to 12 do not match the audit log" "$(zero_edge_sql 1)"
verify_fails "events 1 to 8 do not match the audit log" "$(zero_edge_sql 3)"
verify_fails "the audit log's edge is missing or damaged" "DELETE FROM audit_edge"
verify_fails "the audit log has more than one edge" "INSERT INTO audit_edge SELECT * FROM audit_edge"
verify_fails "the audit log's edge holds 64 bytes where a tree of 12 events has 4 hashes" \
	"UPDATE audit_edge SET hashes = substr(hashes, 1, 64)"
verify_fails "the audit log's edge is missing or damaged" "UPDATE audit_edge SET hashes = hex(hashes)"
verify_fails "the audit log's edge is missing or damaged" "UPDATE audit_edge SET size = -1"
verify_fails "the audit log is for 13 events, the log has 12" "UPDATE audit_edge SET size = 13"
verify_fails "the audit log holds hashes beyond event 12" \
	"INSERT INTO audit_nodes VALUES(8, 0, zeroblob(32))"
tamper "INSERT INTO audit_edge SELECT * FROM audit_edge"
on_copy 4 check
expect_contains "$ERR" "table audit_edge holds 2 rows where the events give 1" "check finds a doubled edge"
# A proof and a new event read the edge too.
tamper "DELETE FROM audit_edge"
on_copy 4 audit prove 3
expect_contains "$ERR" "the audit log's edge is missing" "prove without the edge"
on_copy 4 contribute B 10 --kind fund --date 2026-01-04
expect_contains "$ERR" "the audit log's edge is missing" "no event appended without the edge"
tamper "UPDATE audit_edge SET size = 11"
on_copy 4 contribute B 10 --kind fund --date 2026-01-04
expect_contains "$ERR" "the audit log's edge is for 11 events where the log has 12" "an edge behind the log"
verify_fails "kept checkpoint of size 12" "UPDATE checkpoints SET note = replace(note, '
12
', '
11
')"
verify_fails "kept checkpoint of size 11 holds a note of size 12" "UPDATE checkpoints SET size = 11"
verify_fails "the log is shorter than the kept checkpoint of size 12" "DELETE FROM postings WHERE seq = 12; DELETE FROM events WHERE seq = 12"

# A proof is never given for an event that no longer matches the log, nor
# for the others of its block (up to 256 events: the ledger cannot tell
# which of them changed).
tamper "UPDATE events SET actor = 'mallory' WHERE seq = 6"
on_copy 4 audit prove 6
expect_contains "$ERR" "events 1 to 8 do not match the audit log" "prove on a changed event"
on_copy 4 audit prove 7
expect_contains "$ERR" "events 1 to 8 do not match the audit log" "prove on an event of its block"

# ---- state tables are check's job ------------------------------------------

tamper "UPDATE members SET name = 'Forged Srl' WHERE id = 'B'"
on_copy 0 audit verify
on_copy 4 check
expect_contains "$ERR" "members" "check names the members table"
tamper "UPDATE balances SET balance = balance + 1 WHERE account = 'cash'"
on_copy 0 audit verify
on_copy 4 check
expect_contains "$ERR" "balances" "check names the balances table"

# ---- deleting the last events: only an outside checkpoint can tell ---------

edge12=$(sqlite3 "$MCG_DB" "SELECT hex(hashes) FROM audit_edge")
for i in 1 2 3; do
	ok_run contribute B 10 --kind fund --date 2026-01-04
done
ok_run audit checkpoint
printf '%s\n' "$OUT" >cp15.txt
expect_eq "$(sed -n 2p cp15.txt)" 15 "second checkpoint size"
ok_run audit verify --checkpoint cp15.txt
expect_contains "$OUT" "2 kept checkpoints" "two kept"
# The consistency of the two kept checkpoints (checked independently in
# t_audit_independent.sh).
ok_run audit consistency 12 15

# Events 13..15 cut off cleanly: their postings, the audit edge put back as
# it was at 12 events and the checkpoint of size 15 go too, so the ledger
# agrees with itself...
cut="DELETE FROM postings WHERE seq > 12; DELETE FROM events WHERE seq > 12;
	UPDATE audit_edge SET size = 12, hashes = X'$edge12'; DELETE FROM checkpoints WHERE size > 12"
tamper "$cut"
on_copy 0 audit verify
on_copy 0 audit verify --checkpoint cp12.txt
# ...but not with the bank's copy of the later checkpoint.
on_copy 4 audit verify --checkpoint cp15.txt
expect_contains "$ERR" "the log is shorter than the checkpoint given of size 15 (events were deleted)" "outside checkpoint after a cut"
# Other events in their place (a fork) do not match it either.
tamper "$cut"
for i in 1 2 3; do
	on_copy 0 contribute C 20 --kind fund --date 2026-01-05
done
on_copy 0 audit verify
on_copy 4 audit verify --checkpoint cp15.txt
expect_contains "$ERR" "the checkpoint given of size 15 does not match the log" "fork after a cut"
# The cut without deleting the kept checkpoint is found by the ledger alone.
tamper "DELETE FROM postings WHERE seq > 12; DELETE FROM events WHERE seq > 12;
	UPDATE audit_edge SET size = 12, hashes = X'$edge12'"
on_copy 4 audit verify
expect_contains "$ERR" "the log is shorter than the kept checkpoint of size 15" "cut with the kept checkpoint left"

# ---- outside checkpoints that are not this ledger's -------------------------

sed '2s/15/14/' cp15.txt >bad-size.txt
expect_rc 4 audit verify --checkpoint bad-size.txt
expect_contains "$ERR" "does not verify" "changed size breaks the signature"
sed '3s/^./A/' cp15.txt >bad-root.txt
if cmp -s bad-root.txt cp15.txt; then sed '3s/^./B/' cp15.txt >bad-root.txt; fi
expect_rc 4 audit verify --checkpoint bad-root.txt
head -n 3 cp15.txt >unsigned.txt
expect_rc 4 audit verify --checkpoint unsigned.txt
printf 'not a note\n' >garbage.txt
expect_rc 4 audit verify --checkpoint garbage.txt
: >empty.txt
expect_rc 4 audit verify --checkpoint empty.txt
expect_rc 4 audit verify --checkpoint mcg.db.keys/checkpoint.pub
# Another ledger's checkpoint, however valid there.
mkdir other
(cd other && "$MCG" --db other.db init --name "Other Consortium" --date 2026-01-01 >/dev/null &&
	"$MCG" --db other.db audit checkpoint >../other-cp.txt)
expect_rc 4 audit verify --checkpoint other-cp.txt
expect_contains "$ERR" "no signature by $origin" "another ledger's checkpoint"
# A note signed by our key name but another key: a forged signature line.
sed "5s|^— [^ ]* |— $origin |" other-cp.txt >forged.txt
expect_rc 4 audit verify --checkpoint forged.txt

# ---- never sign a tree that does not extend the last signed one ------------

# The edge's subtree of events 1 to 8, which the next append reads.
tamper "$(zero_edge_sql 3)"
sqlite3 "$TDB" "DELETE FROM checkpoints WHERE size = 15"
on_copy 0 contribute D 1 --kind fund --date 2026-01-06
before=$(sqlite3 "$TDB" "SELECT COUNT(*) FROM checkpoints")
on_copy 4 audit checkpoint
expect_contains "$ERR" "refusing to sign" "checkpoint over rewritten hashes"
expect_eq "$(sqlite3 "$TDB" "SELECT COUNT(*) FROM checkpoints")" "$before" "no checkpoint kept"
# A damaged kept checkpoint stops signing too.
tamper "UPDATE checkpoints SET note = replace(note, '
15
', '
16
')"
on_copy 0 contribute D 1 --kind fund --date 2026-01-06
on_copy 4 audit checkpoint

# The honest ledger still verifies after all this.
ok_run audit verify --checkpoint cp12.txt
ok_run audit verify --checkpoint cp15.txt
ok_run check

# ---- a stored node: 256 events make one of level 8 --------------------------

n=$(sqlite3 "$MCG_DB" "SELECT MAX(seq) FROM events")
while [ "$n" -lt 300 ]; do
	"$MCG" contribute C 1 --kind fund --date 2026-01-07 >/dev/null || fail "contribute $n"
	n=$((n + 1))
done
expect_eq "$(sqlite3 "$MCG_DB" "SELECT level, idx, length(hash) FROM audit_nodes")" "8|0|32" \
	"events 1 to 256: one node of level 8"
expect_eq "$(sqlite3 "$MCG_DB" "SELECT size, length(hashes) / 32 FROM audit_edge")" "300|9" \
	"300 events: an edge of 9 hashes"
ok_run audit verify --checkpoint cp15.txt
expect_contains "$OUT" "audit verify passed: 300 events" "300 events verified"
threaded_out=$OUT
if no_threads audit verify --checkpoint cp15.txt; then
	expect_eq "$RC $OUT" "0 $threaded_out" "audit verify on one thread: the same events, checkpoints and root"
fi
verify_fails "events 1 to 256 do not match the audit log" "UPDATE audit_nodes SET hash = zeroblob(32)"
verify_fails "the audit hash of events 1 to 256 is missing" "DELETE FROM audit_nodes"
verify_fails "the audit hash of events 1 to 256 is damaged" "UPDATE audit_nodes SET hash = x'00'"
verify_fails "the audit hash of events 1 to 256 is damaged" "UPDATE audit_nodes SET hash = hex(hash)"
verify_fails "the audit log holds hashes beyond event 300" "INSERT INTO audit_nodes VALUES(16, 0, zeroblob(32))"
verify_fails "events 1 to 256 do not match the audit log" "UPDATE events SET actor = 'mallory' WHERE seq = 100"
# The last block's events are named by the smallest of the edge's
# subtrees over them (the latest of levels 4 and 1: 273-288, 299-300).
verify_fails "events 273 to 288 do not match the audit log" "UPDATE events SET actor = 'mallory' WHERE seq = 280"
verify_fails "events 299 to 300 do not match the audit log" "UPDATE events SET actor = 'mallory' WHERE seq = 299"
# Two changes: the one met first in the log's order is named, though the
# hashing thread is still behind when the later row is read.  A stored
# node completed before the damaged row (event 256's, for event 100)...
verify_fails "events 1 to 256 do not match the audit log" "UPDATE events SET actor = 'mallory' WHERE seq = 100;
	UPDATE events SET fields = fields || 'x' WHERE seq = 290"
# ...and a damaged row before any node over the changed event is complete.
verify_fails "event 200: its stored fields" "UPDATE events SET actor = 'mallory' WHERE seq = 100;
	UPDATE events SET fields = fields || 'x' WHERE seq = 200"
# A changed event's block refuses its proofs; another block's still prove.
tamper "UPDATE events SET actor = 'mallory' WHERE seq = 100"
on_copy 4 audit prove 100
expect_contains "$ERR" "events 1 to 256 do not match the audit log" "prove in a changed stored block"
on_copy 0 audit prove 290
ok_run audit prove 100 --size 200
ok_run check

# The one-thread pass above really ran on one thread: each verify asked
# for its hashing thread and was refused.
if [ -n "${MCG_NO_THREADS:-}" ]; then
	expect_contains "$(cat "$T_DIR/refused.log" 2>&1)" "refused" "the hashing thread was asked for and refused"
fi
