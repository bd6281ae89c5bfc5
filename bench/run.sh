#!/bin/sh
# The driver of `make bench` (docs/PERFORMANCE.md): generates a consortium,
# sets it up, imports a year or more of the banks' reports, and measures, in
# this one run, mcg and its baselines on the same data:
#
#   - bank events imported per second (rules, state and audit log included)
#     and the import's peak memory at two file sizes;
#   - the same event and posting rows written by bare SQLite (the ceiling);
#   - `exposure MEMBER` latency in process and as a whole command, and the
#     whole portfolio `exposure --format csv`;
#   - `audit verify` entries per second, against SHA-256 (`openssl speed`);
#   - the signed statement of the largest bank;
#   - hledger and ledger computing the balances of `mcg export --format ledger`.
#
# It prints, it never fails on speed.  Usage (from the Makefile):
#   MCG=build/mcg BENCH_BIN=build/bench SCALE=default sh bench/run.sh
# SCALE is small, default, full, or a factor of the full target (0.5);
# BENCH_MEMBERS, BENCH_LOANS, BENCH_EVENTS, BENCH_BANKS, BENCH_SEED override
# one figure; BENCH_WORK is the scratch folder (default build/bench/run).
set -eu

: "${MCG:?MCG must name the mcg binary}"
: "${BENCH_BIN:?BENCH_BIN must name the folder of the bench tools}"
root=$(cd "$(dirname "$0")/.." && pwd)
W=${BENCH_WORK:-$root/build/bench/run}
SCALE=${SCALE:-default}

# ---- the scale ---------------------------------------------------------------
case "$SCALE" in
small) members=2000 loans=2000 events=100000 banks=8 ;;
default) members=20000 loans=20000 events=1000000 banks=20 ;;
full) members=20000 loans=100000 events=1000000 banks=20 ;;
*)
	# A factor of the full target: 20,000 members, 100,000 loans, 1,000,000 events.
	if ! printf '%s\n' "$SCALE" | grep -Eq '^[0-9]+(\.[0-9]+)?$'; then
		echo "bench: SCALE must be small, default, full or a factor like 0.5 (got '$SCALE')" >&2
		exit 2
	fi
	set -- $(awk -v f="$SCALE" 'BEGIN {
		m = int(20000 * f); l = int(100000 * f); e = int(1000000 * f)
		if (m < 10) m = 10; if (l < 1) l = 1; if (e < 1) e = 1
		print m, l, e }')
	members=$1 loans=$2 events=$3 banks=20
	;;
esac
members=${BENCH_MEMBERS:-$members}
loans=${BENCH_LOANS:-$loans}
events=${BENCH_EVENTS:-$events}
banks=${BENCH_BANKS:-$banks}
seed=${BENCH_SEED:-20260101}
# Three import files of 10%, 30% and 60% of the events: memory at three sizes.
split=$((events / 10))
split2=$((events * 3 / 10))

rm -rf "$W"
mkdir -p "$W/data"
export MCG_ACTOR=bench
unset MCG_DB MCG_KEYS

# ---- helpers -------------------------------------------------------------------

# timed NAME CMD...: runs CMD (stdout to $W/NAME.out, stderr to $W/NAME.err)
# and sets T (wall seconds) and RSS (peak resident memory, KiB).
timed() {
	name=$1
	shift
	start=$(date +%s%N)
	if ! /usr/bin/time -f '%M' -o "$W/$name.rss" "$@" >"$W/$name.out" 2>"$W/$name.err"; then
		echo "bench: $name failed: $*" >&2
		tail -n 5 "$W/$name.err" >&2
		return 1
	fi
	end=$(date +%s%N)
	T=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.3f", (b - a) / 1e9 }')
	RSS=$(tail -n 1 "$W/$name.rss")
}

# calc EXPR: floating point arithmetic, printed with up to 3 decimals.
calc() {
	awk "BEGIN { v = $1; if (v == int(v)) printf \"%d\", v; else printf \"%.3f\", v }"
}

# group N: 1234567 -> 1,234,567 (integers; decimals are rounded first).
group() {
	awk -v n="$1" 'BEGIN {
		n = sprintf("%.0f", n); s = ""; neg = n ~ /^-/; sub(/^-/, "", n)
		while (length(n) > 3) { s = "," substr(n, length(n) - 2) s; n = substr(n, 1, length(n) - 3) }
		printf "%s%s%s", neg ? "-" : "", n, s }'
}

# mib KIB: "72.4 MiB"
mib() {
	awk -v k="$1" 'BEGIN { printf "%.1f MiB", k / 1024 }'
}

say() {
	printf '%s\n' "$*"
}

# ---- the machine ---------------------------------------------------------------------
cpu=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
mem=$(awk '/^MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)
load0=$(cut -d' ' -f1-3 /proc/loadavg)
say "== mcg bench, SCALE=$SCALE: $(group "$members") members, $(group "$loans") loans," \
	"$(group "$events") bank events, $banks banks, seed $seed"
say "   machine: $(nproc) cores, $cpu, $mem; load average at start $load0"
say "   $("$MCG" --version), SQLite $(sqlite3 --version | cut -d' ' -f1), work folder $W"

# ---- 1. the data -----------------------------------------------------------------------
say ""
say "-- generating (bench/gen)"
timed gen "$BENCH_BIN/gen" --seed "$seed" --members "$members" --loans "$loans" \
	--banks "$banks" --events "$events" --split "$split" --split2 "$split2" --out "$W/data"
. "$W/data/gen.env"
setup_cmds=$(grep -c '^"\$MCG"' "$W/data/setup.sh")
say "   $(group "$setup_cmds") setup commands, $(group "$GEN_ROWS") bank events" \
	"($(group "$GEN_REPAY") repay, $(group "$GEN_ARREARS") arrears, $(group "$GEN_CALL") call," \
	"$(group "$GEN_RECOVER") recover) from $GEN_FEED_FROM to $GEN_FEED_TO, in $T s"

# ---- 2. the setup ------------------------------------------------------------------------
say ""
say "-- setup: one process per command, a sample (the first 300 commands)"
head -n 303 "$W/data/setup.sh" >"$W/sample.sh"
sample_cmds=$(grep -c '^"\$MCG"' "$W/sample.sh")
timed sample env MCG="$MCG" MCG_DB="$W/sample.db" sh "$W/sample.sh"
proc_ms=$(calc "$T * 1000 / $sample_cmds")
say "   $sample_cmds commands in $T s: $proc_ms ms a command"

say "-- setup: all $(group "$setup_cmds") commands in one process (bench/replay --fast)"
timed replay "$BENCH_BIN/replay" --fast --db "$W/mcg.db" "$W/data/setup.sh"
setup_s=$T
replay_rate=$(calc "$setup_cmds / $T")
sed 's/^/   /' "$W/replay.err"
export MCG_DB="$W/mcg.db"
setup_events=$(sqlite3 "$W/mcg.db" "SELECT MAX(seq) FROM events")
cp "$W/mcg.db" "$W/before-import.db"

# ---- 3. the import ------------------------------------------------------------------------
say ""
say "-- import (mcg import, one transaction a file, audit log included)"
for i in 1 2 3; do
	timed "import$i" "$MCG" import "$W/data/import-$i.csv"
	eval "t$i=\$T rss$i=\$RSS"
	eval "rows=\$GEN_ROWS_$i"
	say "   import-$i.csv: $(group "$rows") rows in $T s ($(group "$(calc "$rows / $T")")/s), peak RSS $(mib "$RSS")"
done
import_s=$(calc "$t1 + $t2 + $t3")
import_rate=$(calc "$GEN_ROWS / $import_s")
first_seq=$((setup_events + 1))
last_seq=$((setup_events + GEN_ROWS))
posting_events=$(sqlite3 "$W/mcg.db" "SELECT COUNT(DISTINCT seq) FROM postings WHERE seq BETWEEN $first_seq AND $last_seq")

say "-- the ceiling: the same event and posting rows by bare SQLite (bench/bare_sqlite)"
timed bare "$BENCH_BIN/bare_sqlite" --from "$W/mcg.db" --first "$first_seq" \
	--last "$last_seq" --into "$W/before-import.db"
bare_line=$(cat "$W/bare.out")
say "   $bare_line"
bare_rate=$(printf '%s\n' "$bare_line" | sed 's/.*(\([0-9]*\) events\/s).*/\1/')
import_vs_bare=$(calc "$import_rate / $bare_rate")
rm -f "$W/before-import.db" "$W/before-import.db-wal" "$W/before-import.db-shm"

# ---- 4. exposure ----------------------------------------------------------------------------
say ""
say "-- exposure MEMBER (bench/exposure_latency: in process, then whole commands)"
timed latency "$BENCH_BIN/exposure_latency" --db "$W/mcg.db" --n 2000 --exec "$MCG" --n-exec 200
lat() { awk -v k="$1" '$2 == k { print $3 }' "$W/latency.out"; }
say "   in process: $(lat inproc_n) members, median $(lat inproc_median_us) us," \
	"p90 $(lat inproc_p90_us) us, p99 $(lat inproc_p99_us) us, max $(lat inproc_max_us) us"
say "   command:    $(lat command_n) members, median $(lat command_median_us) us," \
	"p99 $(lat command_p99_us) us"
timed portfolio "$MCG" exposure --format csv
portfolio_s=$T portfolio_rss=$RSS
say "   exposure --format csv: $(($(wc -l <"$W/portfolio.out") - 1)) members in $T s, peak RSS $(mib "$RSS")"

# ---- 5. the audit log ------------------------------------------------------------------------
say ""
say "-- audit verify, against SHA-256 on this machine (openssl speed)"
timed verify "$MCG" audit verify
verify_s=$T
verify_events=$(awk '{ for (i = 1; i < NF; i++) if ($(i + 1) == "events") { print $i; exit } }' "$W/verify.out")
verify_rate=$(calc "$verify_events / $T")
say "   $(group "$verify_events") entries in $T s: $(group "$verify_rate") entries/s"
openssl speed -seconds 1 -evp sha256 >"$W/openssl.out" 2>/dev/null
# Columns: 16 64 256 1024 8192 16384 bytes, in 1000s of bytes per second.
sha64=$(awk '$1 == "sha256" { sub(/k$/, "", $3); printf "%.0f", $3 * 1000 / 64 }' "$W/openssl.out")
sha256=$(awk '$1 == "sha256" { sub(/k$/, "", $4); printf "%.0f", $4 * 1000 / 256 }' "$W/openssl.out")
leaf_bytes=$(sqlite3 "$W/mcg.db" "SELECT CAST(AVG(LENGTH(fields) + LENGTH(type) + LENGTH(actor) + IFNULL(LENGTH(ref), 0) + 60) AS INTEGER) FROM events")
# A leaf hash of an event (about 256 bytes) and one interior node (65 bytes:
# a tree of n leaves has n - 1 of them) per entry.
sha_ceiling=$(calc "1 / (1 / $sha256 + 1 / $sha64)")
verify_vs_sha=$(calc "$verify_rate / $sha_ceiling")
say "   openssl sha256: $(group "$sha64") hashes/s of 64 bytes, $(group "$sha256") of 256 bytes;" \
	"ceiling $(group "$sha_ceiling") entries/s (mean event about $leaf_bytes bytes)"

# ---- 6. the statement of the largest bank ----------------------------------------------------------
say ""
say "-- statement of the largest bank, $GEN_LARGEST_BANK ($(group "$GEN_LARGEST_BANK_LOANS") loans)"
timed statement "$MCG" statement "$GEN_LARGEST_BANK" --from 2024-01-01 --to "$GEN_FEED_TO" -o "$W/statement.xml"
statement_s=$T statement_rss=$RSS
say "   signed in $T s, $(awk -v b="$(wc -c <"$W/statement.xml")" 'BEGIN { printf "%.1f MB", b / 1e6 }'), peak RSS $(mib "$RSS")"
timed statement_verify "$MCG" statement verify "$W/statement.xml"
say "   statement verify: $T s"
statement_verify_s=$T

# ---- 7. hledger and ledger on the exported journal ------------------------------------------------
say ""
say "-- balances: mcg against hledger and ledger on mcg export --format ledger"
timed export "$MCG" export --format ledger
mv "$W/export.out" "$W/journal.ledger"
txns=$(grep -c '^[0-9][0-9][0-9][0-9]-' "$W/journal.ledger")
say "   journal: $(group "$txns") transactions, $(wc -c <"$W/journal.ledger" | awk '{ printf "%.1f MB", $1 / 1e6 }'), exported in $T s"
timed balance "$MCG" balance --format csv
balance_s=$T
say "   mcg balance: $T s"
hledger_s=- ledger_s=- hledger_rss=0 ledger_rss=0
if command -v hledger >/dev/null 2>&1 && timed hledger hledger -f "$W/journal.ledger" balance; then
	hledger_s=$T hledger_rss=$RSS
	say "   hledger balance: $T s, peak RSS $(mib "$RSS")"
fi
if command -v ledger >/dev/null 2>&1 && timed ledger ledger -f "$W/journal.ledger" balance; then
	ledger_s=$T ledger_rss=$RSS
	say "   ledger balance: $T s, peak RSS $(mib "$RSS")"
fi
mcg_ib=$(calc "$import_s + $balance_s")
mcg_us_event=$(calc "$mcg_ib * 1000000 / $GEN_ROWS")
if [ "$hledger_s" = - ]; then
	hledger_us_txn=- per_item=-
else
	hledger_us_txn=$(calc "$hledger_s * 1000000 / $txns")
	per_item=$(calc "$hledger_us_txn / $mcg_us_event")
fi

# ---- the table ---------------------------------------------------------------------------------------
ratio() {
	case "$1$2" in *-*) printf '%s' - ;; *) calc "$1 / $2" ;; esac
}
row() {
	printf '%-44s %18s  %-28s %s\n' "$1" "$2" "$3" "$4"
}
flat=$(awk -v a="$rss2" -v b="$rss3" 'BEGIN { printf "%.2f", b / a }')
say ""
say "== results (SCALE=$SCALE, $(nproc) cores, $cpu; load average at start $load0, at end $(cut -d' ' -f1-3 /proc/loadavg))"
row "figure" "mcg" "baseline" "ratio / target"
row "--------------------------------------------" "------------------" "----------------------------" "-------------------------"
row "import, bank events/s (audit included)" "$(group "$import_rate")/s" "bare SQLite $(group "$bare_rate")/s" "$import_vs_bare of bare (target >= 0.5)"
row "import peak RSS, $(group "$GEN_ROWS_1")-row file" "$(mib "$rss1")" "" ""
row "import peak RSS, $(group "$GEN_ROWS_2")-row file" "$(mib "$rss2")" "" ""
row "import peak RSS, $(group "$GEN_ROWS_3")-row file" "$(mib "$rss3")" "" "x$flat of the previous for x2 rows (target: flat)"
row "exposure MEMBER in process, median" "$(lat inproc_median_us) us" "" ""
row "exposure MEMBER in process, p99" "$(lat inproc_p99_us) us" "" "target < 1000 us"
row "exposure MEMBER command, median / p99" "$(calc "$(lat command_median_us) / 1000") / $(calc "$(lat command_p99_us) / 1000") ms" "" ""
row "exposure --format csv, $(group "$members") members" "$portfolio_s s" "" "peak RSS $(mib "$portfolio_rss")"
row "audit verify, entries/s" "$(group "$verify_rate")/s" "sha256 $(group "$sha_ceiling")/s" "$verify_vs_sha of sha256"
row "statement, $GEN_LARGEST_BANK ($(group "$GEN_LARGEST_BANK_LOANS") loans), signed" "$statement_s s" "" "verify $statement_verify_s s, RSS $(mib "$statement_rss")"
row "balances: import + balance ($(group "$GEN_ROWS") events)" "$mcg_ib s" "hledger $hledger_s s" "hledger/mcg $(ratio "$hledger_s" "$mcg_ib") (target >= 10)"
row "" "" "ledger $ledger_s s" "ledger/mcg $(ratio "$ledger_s" "$mcg_ib")"
row "balances: time per event / per transaction" "$mcg_us_event us/event" "hledger $hledger_us_txn us/txn" "hledger/mcg $per_item per item"
row "balance alone (kept up to date)" "$balance_s s" "" ""
row "setup, commands/s in one process" "$(group "$replay_rate")/s" "" "$(group "$setup_cmds") commands in $setup_s s"
row "setup, one process per command" "$proc_ms ms" "" "sample of $sample_cmds"
say ""
say "   bank events that post: $(group "$posting_events") of $(group "$GEN_ROWS"); journal transactions: $(group "$txns")"
say "   files: $W (ledger, data, outputs)"
