# The ledger file itself as hostile input (docs/HOSTILE-INPUT.md): another
# application's SQLite database, an empty file, random bytes, a truncated
# ledger, damaged pages, a directory, a device, a newer schema, a ledger
# whose folder cannot be written.  mcg must refuse with its exit status and
# one error line, and never change the file it refused.

# on_file CODE FILE ARGS...: mcg --db FILE ARGS exits CODE (or one of
# "CODE|CODE2") with one error line, and FILE is byte for byte the same.
on_file() {
	want=$1
	file=$2
	shift 2
	sum_before=$(cat "$file" 2>/dev/null | sha256sum)
	mcg --db "$file" --keys "$MCG_DB.keys" "$@"
	case "|$want|" in
	*"|$RC|"*) ok ;;
	*) fail "mcg --db $file $* exited $RC, expected $want; stderr: $ERR" ;;
	esac
	expect_eq "$(printf '%s\n' "$ERR" | wc -l)" 1 "one error line: --db $file $*"
	expect_contains "$ERR" "mcg: error: " "error prefix: --db $file $*"
	expect_eq "$(cat "$file" 2>/dev/null | sha256sum)" "$sum_before" "--db $file $* left the file as it was"
	rm -f "$file-wal" "$file-shm"
}

setup_consortium
ok_run loan add L1 --borrower A --bank BANKITMM --principal 40000 --date 2026-01-10
for m in B C D; do ok_run assess L1 --assessor "$m" --score 7 --date 2026-01-11; done
ok_run guarantee L1 --coverage 50 --date 2026-01-12
ok_run repay L1 --principal 100 --date 2026-01-13
W="contribute A 1 --kind fund --date 2026-02-01"

# ---- not a ledger at all -------------------------------------------------------
head -c 65536 /dev/urandom > random.db
printf 'SQLite format 3\000' > header-only.db
for f in random.db header-only.db; do
	on_file 2 "$f" balance
	# shellcheck disable=SC2086
	on_file 2 "$f" $W
	on_file "2|4" "$f" check
	on_file "2|4" "$f" audit verify
done
mkdir dir.db
on_file 2 dir.db balance
# shellcheck disable=SC2086
on_file 2 dir.db $W
expect_rc 2 --db dir.db init --name X
[ -d dir.db ] && [ ! -e dir.db.keys ] && ok || fail "init on a directory changed it"
expect_rc 2 --db /dev/null balance
mcg --db /dev/null $W
case "$RC" in 1|2) ok ;; *) fail "a write to /dev/null as the ledger: exit $RC" ;; esac
expect_rc 2 --db missing.db balance
[ ! -e missing.db ] && ok || fail "a read of a missing ledger created it"
expect_rc 2 --db missing.db $W
[ ! -e missing.db ] && ok || fail "a write to a missing ledger created it"

# ---- another application's SQLite database, and an empty file ------------------
# Pointing --db at the wrong file must not touch it, not even to switch it
# to WAL mode.
sqlite3 other.db "CREATE TABLE accounts(id INTEGER PRIMARY KEY, owner TEXT); INSERT INTO accounts(owner) VALUES ('someone')"
on_file 2 other.db balance
expect_contains "$ERR" "not an mcg ledger" "another SQLite database is named so"
# A write command too: the file is known not to be a ledger before
# anything is written to it (not even the switch to WAL mode).
# shellcheck disable=SC2086
on_file 2 other.db $W
on_file 2 other.db check
on_file 2 other.db audit verify
expect_rc 2 --db other.db init --name X
expect_eq "$(sqlite3 other.db 'SELECT owner FROM accounts')" someone "init refuses to overwrite it"
: > empty.db
on_file 2 empty.db balance
# shellcheck disable=SC2086
on_file 2 empty.db $W
[ ! -s empty.db ] && ok || fail "the empty file was written"
# A database with a meta table of its own but nothing else of a ledger.
sqlite3 meta.db "CREATE TABLE meta(key TEXT, value TEXT); INSERT INTO meta VALUES ('schema_version', '1')"
on_file 2 meta.db balance
# shellcheck disable=SC2086
on_file 2 meta.db $W

# ---- a newer schema ------------------------------------------------------------------
cp "$MCG_DB" newer.db
sqlite3 newer.db "UPDATE meta SET value = '999' WHERE key = 'schema_version'"
on_file 2 newer.db balance
expect_contains "$ERR" "newer" "a newer schema is named"
# shellcheck disable=SC2086
on_file 2 newer.db $W

# ---- a truncated ledger -----------------------------------------------------------------
size=$(wc -c < "$MCG_DB")
for cut in 100 8192 $((size / 2)) $((size - 4096)); do
	head -c "$cut" "$MCG_DB" > cut.db
	on_file "2|4" cut.db balance
	# shellcheck disable=SC2086
	on_file "2|4" cut.db $W
	on_file "2|4" cut.db audit verify
done

# ---- damaged pages -------------------------------------------------------------------------
# One table's root page overwritten with random bytes: check and audit
# verify say the file is corrupt (exit 4).  A write that reads the damaged
# table is refused and writes nothing; one that never reads it (SQLite
# finds damage where it reads) may go through, and check still finds the
# damage after it: damage never goes unnoticed.
ps=$(sqlite3 "$MCG_DB" 'PRAGMA page_size')
# damage FROM TABLE: bad.db, a copy of ledger FROM with TABLE's root page
# overwritten.
damage() {
	rp=$(sqlite3 "$1" "SELECT rootpage FROM sqlite_master WHERE type = 'table' AND name = '$2'")
	[ -n "$rp" ] && [ "$rp" -gt 1 ] || fail "$1 has no table $2"
	cp "$1" bad.db
	head -c "$ps" /dev/urandom | dd of=bad.db bs="$ps" seek=$((rp - 1)) conv=notrunc 2>/dev/null
}
# audit_nodes holds a row per 256 events (the subtrees of level 8), and is
# read only for a block of events the edge does not cover: big.db, this
# ledger grown to 511 events (one row; the next event writes the second),
# and big512.db, grown to 512 (two rows; the edge holds the second, a
# proof of events 1 to 256 reads the first).
cp "$MCG_DB" big.db
n=$(sqlite3 big.db 'SELECT MAX(seq) FROM events')
{
	echo ref,date,type,loan,principal,interest
	while [ "$n" -lt 511 ]; do n=$((n + 1)); echo "r-$n,2026-01-14,repay,L1,0.01,0"; done
} >repays.csv
expect_rc 0 --db big.db --keys "$MCG_DB.keys" import repays.csv
cp big.db big512.db
# shellcheck disable=SC2086
expect_rc 0 --db big512.db --keys "$MCG_DB.keys" $W
expect_eq "$(sqlite3 big.db 'SELECT size FROM audit_edge; SELECT COUNT(*) FROM audit_nodes' | tr '\n' ' ')" \
	"511 1 " "big.db: 511 events, one stored node"
expect_eq "$(sqlite3 big512.db 'SELECT size FROM audit_edge; SELECT COUNT(*) FROM audit_nodes' | tr '\n' ' ')" \
	"512 2 " "big512.db: 512 events, two stored nodes"
for t in events postings audit_edge audit_nodes balances loan_terms loan_state; do
	from=$MCG_DB
	[ "$t" = audit_nodes ] && from=big.db
	damage "$from" "$t"
	on_file 4 bad.db check
	case "$t" in events|postings|audit_*) on_file 4 bad.db audit verify ;; esac
	case "$t" in
	events|postings|audit_edge|balances)
		# Every recording command reads and writes these.
		# shellcheck disable=SC2086
		on_file 4 bad.db $W
		;;
	audit_nodes)
		# Event 512 completes the second subtree of 256 events, written
		# to audit_nodes.
		# shellcheck disable=SC2086
		on_file 4 bad.db $W
		damage big512.db audit_nodes
		on_file 4 bad.db audit prove 5
		on_file 4 bad.db audit consistency 100 512
		# Event 513 completes no subtree of 256 events.
		# shellcheck disable=SC2086
		expect_rc 0 --db bad.db --keys "$MCG_DB.keys" $W
		expect_rc 4 --db bad.db --keys "$MCG_DB.keys" check
		;;
	loan_terms|loan_state)
		on_file 4 bad.db repay L1 --principal 1 --date 2026-02-01
		# shellcheck disable=SC2086
		expect_rc 0 --db bad.db --keys "$MCG_DB.keys" $W
		expect_rc 4 --db bad.db --keys "$MCG_DB.keys" check
		;;
	esac
done
# A proof reads the edge, and recomputes the leaves of its block from the
# events and their postings.
for t in events postings audit_edge; do
	damage big.db "$t"
	mcg --db bad.db --keys "$MCG_DB.keys" audit prove 5
	expect_eq "$RC" 4 "audit prove with $t damaged: exit 4 ($ERR)"
	expect_contains "$ERR" "mcg: error: " "audit prove with $t damaged says so"
done

# check's message shows a row that differs: the audit edge's hashes (a
# BLOB) as the hex of their first bytes, never as raw bytes, and the
# message stays one printable line whatever a hand-edited row holds.
cp "$MCG_DB" edge.db
sqlite3 edge.db "UPDATE events SET actor = 'mallory' WHERE seq = 2" || fail "could not edit an event"
on_file 4 edge.db check
expect_contains "$ERR" "table audit_edge holds a row the events do not give: (size=" \
	"check names the audit edge that differs"
expect_contains "$ERR" "hashes=x'" "check shows the edge's hashes in hex"
expect_eq "$(printf '%s' "$ERR" | LC_ALL=C tr -d '\040-\176' | wc -c)" 0 \
	"check's message is printable ASCII ($(printf '%s' "$ERR" | od -c | head -3))"
cp "$MCG_DB" edge.db
sqlite3 edge.db "UPDATE members SET name = 'a' || char(10) || 'b' || char(27) WHERE id = (SELECT MIN(id) FROM members)" ||
	fail "could not edit a member"
on_file 4 edge.db check
expect_contains "$ERR" "table members holds a row the events do not give" "check names the edited member"
expect_contains "$ERR" "name=a?b?" "check shows the control characters of a hand-edited name as ?"
cp "$MCG_DB" edge.db
sqlite3 edge.db "UPDATE members SET name = 'x' || char(155) || 'y' || CAST(X'FF' AS TEXT) || 'z' || char(232) WHERE id = (SELECT MIN(id) FROM members)" ||
	fail "could not edit a member"
on_file 4 edge.db check
expect_contains "$ERR" "name=x?y?z$(printf '\303\250')" \
	"check shows a C1 control (U+009B) and a byte that is not UTF-8 as ?, keeps a letter"
expect_eq "$(printf '%s' "$ERR" | wc -l)" 0 "check's message is one line"

# ---- the view loans, and half a loan ------------------------------------------------------
# Every reader of a loan goes through the view loans (schema version 4):
# one changed or dropped by hand is found by check, which compares it with
# the view mcg makes, as it compares the tables.  A view of one's own is
# left alone.
view_sql=$(sqlite3 "$MCG_DB" "SELECT sql FROM sqlite_master WHERE type = 'view' AND name = 'loans'")
expect_contains "$view_sql" "FROM loan_terms t JOIN loan_state s" "the view joins the two tables"
cp "$MCG_DB" view.db
sqlite3 view.db "DROP VIEW loans; $view_sql WHERE t.id <> 'L1'" || fail "could not change the view"
expect_eq "$(sqlite3 view.db "SELECT COUNT(*) FROM loans")" 0 "the changed view hides L1"
on_file 4 view.db check
expect_contains "$ERR" "check failed: view loans is not as mcg made it" "check finds a changed view"
cp "$MCG_DB" view.db
sqlite3 view.db "DROP VIEW loans" || fail "could not drop the view"
on_file 4 view.db check
expect_contains "$ERR" "check failed: view loans is not as mcg made it" "check finds a dropped view"
cp "$MCG_DB" view.db
sqlite3 view.db "CREATE VIEW my_loans AS SELECT id, outstanding FROM loans" || fail "could not add a view"
expect_rc 0 --db view.db --keys "$MCG_DB.keys" check
# mcg makes no trigger: one added by hand runs inside mcg's own writes.
cp "$MCG_DB" view.db
sqlite3 view.db "CREATE TRIGGER skim AFTER UPDATE ON loan_state BEGIN SELECT 1; END" ||
	fail "could not add a trigger"
on_file 4 view.db check
expect_contains "$ERR" "check failed: trigger skim on loan_state is not mcg's" "check finds a trigger"
# Half a loan (its terms deleted by hand): the view does not know it, so
# adding it again meets the state row left behind: damage, exit 4, not a
# database error, and nothing written.
for half in loan_terms loan_state; do
	cp "$MCG_DB" half.db
	sqlite3 half.db "DELETE FROM $half WHERE id = 'L1'" || fail "could not delete from $half"
	other=loan_state; [ "$half" = loan_state ] && other=loan_terms
	on_file 4 half.db loan add L1 --borrower A --bank BANKITMM --principal 100 --date 2026-02-01
	expect_contains "$ERR" "$other already holds loan 'L1', which the ledger does not know: the state is damaged" \
		"loan add over half a loan ($half deleted)"
	on_file 4 half.db check
	expect_contains "$ERR" "table $half lacks a row the events give" "check names what $half lacks"
done
# The whole portfolio's exposure walks the terms and the state side by
# side: terms without a state is damage it names.
on_file 4 half.db exposure --format csv
expect_contains "$ERR" "loan 'L1' has no state: the state is damaged" "exposure of the portfolio over half a loan"

# ---- mcg's tables and indexes, redefined by hand ------------------------------------------
# check compares each table and index mcg makes with the ledger's, by what
# it is (columns, types, NOT NULL, defaults, keys, collations, foreign
# keys, CHECK and ON CONFLICT clauses; an index's table, columns, UNIQUE):
# the rows alone do not show a key made NOCASE, a NOT NULL dropped or an
# index dropped.  Each table below is remade with its rows kept, so that
# only its definition differs.  Tables and indexes of one's own are left
# alone.
# redefine TABLE SQL: redef.db, a copy of the ledger with TABLE made anew
# by SQL (its CREATE TABLE, and its indexes, which the drop took), its
# rows copied back as they were.
redefine() {
	cp "$MCG_DB" redef.db
	rows=$(sqlite3 redef.db "SELECT * FROM $1 ORDER BY 1")
	sqlite3 redef.db "PRAGMA foreign_keys = OFF; CREATE TEMP TABLE keep AS SELECT * FROM $1;
		DROP TABLE $1; $2; INSERT INTO $1 SELECT * FROM keep" || fail "could not redefine $1: $2"
	expect_eq "$(sqlite3 redef.db "SELECT * FROM $1 ORDER BY 1")" "$rows" "$1 holds the rows it held"
}
# redefined TABLE SQL MESSAGE: check refuses TABLE redefined by SQL with
# MESSAGE (exit 4), the file as it was.
redefined() {
	redefine "$1" "$2"
	on_file 4 redef.db check
	expect_eq "$ERR" "mcg: error: check failed: $3" "check finds $1 redefined: $2"
}
redefined loan_state "CREATE TABLE loan_state(id TEXT PRIMARY KEY COLLATE NOCASE, status TEXT NOT NULL,
	outstanding INTEGER NOT NULL, ga INTEGER NOT NULL, dpd INTEGER NOT NULL, closed INTEGER) WITHOUT ROWID" \
	"table loan_state is not as mcg made it: its column id is \`id TEXT NOT NULL PRIMARY KEY COLLATE NOCASE\` where mcg makes \`id TEXT NOT NULL PRIMARY KEY\`"
redefined members "CREATE TABLE members(id TEXT PRIMARY KEY, name TEXT, sector TEXT, district TEXT,
	tax_id TEXT, status TEXT NOT NULL, joined INTEGER NOT NULL) WITHOUT ROWID" \
	"table members is not as mcg made it: its column name is \`name TEXT\` where mcg makes \`name TEXT NOT NULL\`"
redefined loan_state "CREATE TABLE loan_state(id TEXT PRIMARY KEY, status TEXT NOT NULL,
	outstanding INTEGER NOT NULL CHECK (outstanding >= 0), ga INTEGER NOT NULL, dpd INTEGER NOT NULL,
	closed INTEGER) WITHOUT ROWID" \
	"table loan_state is not as mcg made it: its CHECK and ON CONFLICT clauses are (CHECK (outstanding >= 0)) where mcg makes (none)"
redefined banks "CREATE TABLE banks(bic TEXT PRIMARY KEY ON CONFLICT REPLACE, name TEXT NOT NULL) WITHOUT ROWID" \
	"table banks is not as mcg made it: its CHECK and ON CONFLICT clauses are (ON CONFLICT REPLACE) where mcg makes (none)"
# The UNIQUE ref makes a repeated import row a no-op (t_life_idempotency).
redefined events "CREATE TABLE events(seq INTEGER PRIMARY KEY, type TEXT NOT NULL, ref TEXT,
	date INTEGER NOT NULL, date_given INTEGER NOT NULL, recorded_at TEXT NOT NULL, actor TEXT NOT NULL,
	fields TEXT NOT NULL)" \
	"table events is not as mcg made it: its PRIMARY KEY and UNIQUE constraints are (none) where mcg makes (UNIQUE(ref))"
redefined balances "CREATE TABLE balances(account TEXT PRIMARY KEY, balance INTEGER NOT NULL)" \
	"table balances is not as mcg made it: it is a table where mcg makes a table WITHOUT ROWID"
# The same definitions in other words (spaces, comments, letter case, as
# an upgrade may leave them: ledger.c's migrate_2_to_3) are the same.
redefine loan_state "create table loan_state (id text primary key, -- the loan
	status TEXT NOT NULL, outstanding INTEGER   NOT NULL, /* GA */ ga INTEGER NOT NULL,
	dpd INTEGER NOT NULL, closed INTEGER) without rowid"
expect_rc 0 --db redef.db --keys "$MCG_DB.keys" check
# mcg's indexes: dropped, made without the columns the exposure reads
# from it, made UNIQUE.
cp "$MCG_DB" redef.db
sqlite3 redef.db "DROP INDEX loan_terms_borrower" || fail "could not drop the index"
on_file 4 redef.db check
expect_eq "$ERR" "mcg: error: check failed: index loan_terms_borrower is not as mcg made it: it is missing (dropped by hand)" \
	"check finds an index of mcg's dropped"
cp "$MCG_DB" redef.db
sqlite3 redef.db "DROP INDEX loan_terms_borrower; CREATE INDEX loan_terms_borrower ON loan_terms(borrower)" ||
	fail "could not change the index"
on_file 4 redef.db check
expect_eq "$ERR" "mcg: error: check failed: index loan_terms_borrower is not as mcg made it: it is ON loan_terms(borrower) where mcg makes it ON loan_terms(borrower, id, bank, principal)" \
	"check finds an index of mcg's without its covering columns"
cp "$MCG_DB" redef.db
sqlite3 redef.db "DROP INDEX loan_terms_bank; CREATE UNIQUE INDEX loan_terms_bank ON loan_terms(bank)" ||
	fail "could not change the index"
on_file 4 redef.db check
expect_eq "$ERR" "mcg: error: check failed: index loan_terms_bank is not as mcg made it: it is UNIQUE ON loan_terms(bank) where mcg makes it ON loan_terms(bank)" \
	"check finds an index of mcg's made UNIQUE"
# A table and indexes of one's own, one of them on mcg's table, are left
# alone.
cp "$MCG_DB" redef.db
sqlite3 redef.db "CREATE TABLE my_notes(loan TEXT PRIMARY KEY COLLATE NOCASE, note TEXT);
	CREATE INDEX my_notes_note ON my_notes(note); CREATE INDEX my_loan_status ON loan_state(status)" ||
	fail "could not add a table and indexes"
expect_rc 0 --db redef.db --keys "$MCG_DB.keys" check

# ---- a read-only ledger, for a user who may only read ------------------------------------
# As root every file is writable; the test runs the binary as nobody when
# it can (setpriv), with the ledger and its folder not writable by it.
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null 2>&1; then
	mkdir -m 0755 ro
	cp "$MCG_DB" ro/l.db
	chmod 0644 ro/l.db
	chmod 0711 "$T_DIR"
	sum=$(sha256sum < ro/l.db)
	# The reader of ro/l.db (lib.sh's as_nobody).
	ro_reader() {
		as_nobody --db "$T_DIR/ro/l.db" "$@"
	}
	# shellcheck disable=SC2086
	ro_reader $W
	expect_eq "$RC" 1 "a write without write permission fails (system)"
	expect_eq "$(printf '%s\n' "$ERR" | wc -l)" 1 "one error line for a read-only ledger"
	expect_contains "$ERR" "this user may not write the file or its folder" "the error says why"
	expect_eq "$(sha256sum < ro/l.db)" "$sum" "a read-only ledger is unchanged"
	# Reading needs no write: without a -wal file the file alone is the
	# ledger, read as immutable (WAL's -shm cannot be made here).
	ro_reader balance --format csv
	expect_eq "$RC" 0 "a reader who may not write the folder reads the ledger ($ERR)"
	expect_eq "$(cat "$T_DIR/.out")" "$("$MCG" --db ro/l.db balance --format csv)" "the same balances"
	ro_reader audit verify
	expect_eq "$RC" 0 "and verifies its audit log ($ERR)"
	# check only reads the ledger: it attaches it read-only and immutable
	# as the reader opened it (attached by its path, a ledger in WAL, as
	# every command but a large import leaves it, needed the -shm).
	expect_eq "$(sqlite3 ro/l.db "PRAGMA journal_mode = WAL")" wal "the reader's ledger is in WAL"
	sum=$(sha256sum < ro/l.db)
	ro_reader check
	expect_eq "$RC" 0 "and checks it ($ERR)"
	expect_contains "$(cat "$T_DIR/.out")" "check passed" "the reader's check passes"
	expect_eq "$(sha256sum < ro/l.db)" "$sum" "reading changed nothing"
	# With a -wal file beside it (events not yet in the file) it cannot be
	# read without locks: a clear refusal, not a wrong answer.
	cp ro/l.db ro/l.db-wal
	ro_reader balance
	expect_eq "$RC" 2 "a ledger with a -wal file in a folder one may not write"
	expect_contains "$ERR" "write-ahead log" "the refusal says why"
	rm -f ro/l.db-wal
	# A hot -journal file beside a ledger still in WAL (a kill while a
	# large import left WAL, ledger/db.c mcg_db_try_rollback_journal): the
	# file alone may not be the ledger.
	cp ro/l.db ro/l.db-journal
	ro_reader balance
	expect_eq "$RC" 2 "a ledger with a hot -journal file in a folder one may not write"
	expect_contains "$ERR" "rollback journal" "the refusal says why"
	expect_contains "$ERR" "l.db-journal" "and names the file"
	expect_eq "$(sha256sum < ro/l.db)" "$sum" "the refusal changed nothing"
	# One whose first byte is zero was committed or abandoned before it
	# held anything: SQLite ignores it, and so may the reader.
	head -c 4616 /dev/zero > ro/l.db-journal
	ro_reader balance --format csv
	expect_eq "$RC" 0 "a ledger with a zeroed -journal file is read ($ERR)"
	rm -f ro/l.db-journal

	# A real one: a ledger in rollback-journal mode whose writer was
	# killed with pages of its transaction already in the file, as a
	# large import cut short leaves it.  sqlite3 inserts 20,000 rows
	# with a ten-page cache (so pages go to the file, after the journal's
	# header) and waits; it is killed once its journal is hot.
	cp ro/l.db ro/h.db
	sqlite3 ro/h.db "PRAGMA journal_mode = DELETE" >/dev/null
	want=$("$MCG" --db ro/h.db balance --format csv)
	( printf '%s\n' "PRAGMA cache_size = 10;" "BEGIN;" \
		"WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 20000)
		 INSERT INTO ledger_facts SELECT 'junk' || i, hex(randomblob(40)) FROM c;"
		while [ ! -e stop-writer ]; do sleep 0.1; done ) | sqlite3 ro/h.db &
	writer=$!
	hot() {
		[ -s ro/h.db-journal ] && [ "$(od -An -tu1 -N1 ro/h.db-journal | tr -d ' ')" != 0 ]
	}
	tries=0
	while [ "$tries" -lt 200 ] && ! hot; do
		sleep 0.05
		tries=$((tries + 1))
	done
	# The insert takes a few tens of milliseconds: then it idles, with
	# its pages in the file and its transaction open.
	sleep 1
	kill -9 "$writer" 2>/dev/null
	# The feeding subshell too: wait waits for the whole pipeline.
	touch stop-writer
	wait "$writer" 2>/dev/null
	hot && ok || fail "the killed writer left no hot rollback journal"
	hsum=$(sha256sum < ro/h.db)
	as_nobody --db "$T_DIR/ro/h.db" balance
	expect_eq "$RC" 2 "a ledger with an import cut short, for a reader who may not write"
	expect_contains "$ERR" "cut short" "the refusal says why"
	expect_contains "$ERR" "h.db-journal" "and names the journal"
	expect_eq "$(sha256sum < ro/h.db)" "$hsum" "the refused reader changed nothing"
	# Whoever may write reads the ledger as it was: the first read rolls
	# the journal back, even for a command that only reads.
	expect_eq "$("$MCG" --db ro/h.db balance --format csv 2>&1)" "$want" \
		"a reader who may write sees the ledger as before the cut transaction"
	expect_eq "$(sqlite3 ro/h.db "SELECT COUNT(*) FROM ledger_facts WHERE key LIKE 'junk%'")" 0 \
		"the cut transaction was rolled back"
	hot && fail "the journal is still hot" || ok
	rm -f ro/h.db ro/h.db-journal
	chmod 0700 "$T_DIR"
fi

# A ledger reached through a symbolic link is the ledger it points to.
ln -s "$MCG_DB" link.db
expect_rc 0 --db link.db --keys "$MCG_DB.keys" balance
expect_rc 0 check
expect_rc 0 audit verify
