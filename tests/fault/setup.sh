# Shared by the fault tests (sourced, POSIX sh): a consortium with many
# guaranteed loans, built through the real mcg commands, and the helpers
# that say what state a ledger is in.  Needs $MCG (the binary).

: "${MCG:?MCG must name the mcg binary}"
export MCG_ACTOR=fault

# fault_consortium DB LOANS: creates the ledger DB with members M01..M08
# (capital), a bank, a large fund and LOANS loans L0001.. of 10,000.00,
# each assessed by three peers and guaranteed at 50%, all dated
# 2026-01-01 .. 2026-01-05.  Fails (returns 1) if any command fails.
fault_consortium() {
	db=$1
	loans=$2
	m() { "$MCG" --db "$db" "$@" >/dev/null || { echo "fault setup: mcg $* failed" >&2; return 1; }; }
	m init --name "Fault Consortium" --date 2026-01-01 || return 1
	for i in 1 2 3 4 5 6 7 8; do
		m member add "M0$i" --name "Firm $i" --date 2026-01-02 || return 1
		m contribute "M0$i" 1000.00 --kind capital --date 2026-01-02 || return 1
	done
	m bank add BANKITMM --name "Banca Fault" --date 2026-01-02 || return 1
	m contribute M01 10000000.00 --kind fund --date 2026-01-02 || return 1
	i=1
	while [ "$i" -le "$loans" ]; do
		id=$(printf 'L%04d' "$i")
		b=$(( (i - 1) % 8 + 1 ))
		m loan add "$id" --borrower "M0$b" --bank BANKITMM --principal 10000.00 --date 2026-01-03 || return 1
		i=$((i + 1))
	done
	i=1
	while [ "$i" -le "$loans" ]; do
		id=$(printf 'L%04d' "$i")
		b=$(( (i - 1) % 8 + 1 ))
		for k in 1 2 3; do
			a=$(( (b + k - 1) % 8 + 1 ))
			m assess "$id" --assessor "M0$a" --score 7 --date 2026-01-04 || return 1
		done
		i=$((i + 1))
	done
	i=1
	while [ "$i" -le "$loans" ]; do
		m guarantee "$(printf 'L%04d' "$i")" --coverage 50 --date 2026-01-05 || return 1
		i=$((i + 1))
	done
}

# fault_import_file FILE ROWS LOANS: a bank file of ROWS repayments of
# 0.01 (and 0.01 interest) spread over LOANS loans, dated from 2026-02-01
# on, refs imp-1 ... imp-ROWS.
fault_import_file() {
	awk -v rows="$2" -v loans="$3" 'BEGIN {
		print "ref,date,type,loan,principal,interest,dpd,amount"
		for (i = 1; i <= rows; i++) {
			day = 1 + int((i - 1) * 28 / rows)
			printf "imp-%d,2026-02-%02d,repay,L%04d,0.01,0.01,,\n", i, day, (i - 1) % loans + 1
		}
	}' > "$1"
}

# fault_state DB: one line that names the ledger's state: the number of
# events, the last seq, the trial balance and the guarantees, hashed.
# Timestamps are left out, so two ledgers with the same events compare
# equal.  mcg reads first: after a kill it is mcg, opening the ledger
# read-only, that must roll back an import cut short, not sqlite3.
fault_state() {
	{
		"$MCG" --db "$1" balance --format csv
		sqlite3 "$1" 'SELECT COUNT(*), MAX(seq) FROM events'
		"$MCG" --db "$1" guarantees --format csv
	} 2>&1 | sha256sum | cut -c1-16
}

# fault_events DB: "COUNT|MAX(seq)" of the events.
fault_events() {
	sqlite3 "$1" 'SELECT COUNT(*) || "|" || COALESCE(MAX(seq), 0) FROM events'
}

# fault_sound DB: 0 when the ledger is sound: SQLite's integrity check,
# no gap in the sequence, `mcg check` and `mcg audit verify` pass.  Says
# what failed on stderr otherwise.
fault_sound() {
	r=$(sqlite3 "$1" 'PRAGMA integrity_check' 2>&1)
	[ "$r" = ok ] || { echo "integrity_check: $r" >&2; return 1; }
	r=$(sqlite3 "$1" 'SELECT COUNT(*) = COALESCE(MAX(seq), 0) FROM events' 2>&1)
	[ "$r" = 1 ] || { echo "the sequence has a gap" >&2; return 1; }
	"$MCG" --db "$1" check >/dev/null 2>"$1.err" || { echo "check: $(cat "$1.err")" >&2; return 1; }
	"$MCG" --db "$1" audit verify >/dev/null 2>"$1.err" || { echo "audit verify: $(cat "$1.err")" >&2; return 1; }
	rm -f "$1.err"
}

# fault_random N: a random whole number 0 <= r < N (dash has no $RANDOM).
fault_random() {
	r=$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')
	echo $((r % $1))
}

# fault_millis: the time in milliseconds (GNU date).
fault_millis() {
	date +%s%3N
}
