#!/bin/sh
# The driver of `make bench` (docs/PERFORMANCE.md): generates a consortium,
# sets it up, imports a year or more of the banks' reports, and measures, in
# this one run, mcg and its baselines on the same data:
#
#   - bank events imported per second (rules, state and audit log included)
#     and the import's peak memory at two file sizes;
#   - the same event and posting rows written by bare SQLite (the ceiling),
#     and the import again with --single-thread (what its threads gain);
#   - `exposure MEMBER` latency in process and as a whole command, and the
#     whole portfolio `exposure --format csv`;
#   - `audit verify` entries per second, against SHA-256 (`openssl speed`);
#   - the signed statement of the largest bank;
#   - hledger and ledger computing the balances of `mcg export --format ledger`,
#     and of `--all`, the journal of every event.
#
# It prints, it never fails on speed.  Usage (from the Makefile):
#   MCG=build/mcg BENCH_BIN=build/bench SCALE=default sh bench/run.sh
# SCALE is small, medium, default (or its old name full), or a factor of the
# default (0.5).  The default is the issue's example of a large consortium:
# 20,000 members, 100,000 loans, 1,000,000 bank events.  medium, with
# 20,000 loans, was the default until session 10 (docs/PERFORMANCE.md,
# "The scales");
# BENCH_MEMBERS, BENCH_LOANS, BENCH_EVENTS, BENCH_BANKS, BENCH_SEED override
# one figure; BENCH_WORK is the scratch folder (default build/bench/run);
# BENCH_ROUNDS the interleaved runs of mcg's import, its --single-thread
# import and bare SQLite (5);
# BENCH_BASELINE_SECONDS each of hledger and ledger at most (120).
set -eu

: "${MCG:?MCG must name the mcg binary}"
: "${BENCH_BIN:?BENCH_BIN must name the folder of the bench tools}"
root=$(cd "$(dirname "$0")/.." && pwd)
W=${BENCH_WORK:-$root/build/bench/run}
SCALE=${SCALE:-default}

# ---- the scale ---------------------------------------------------------------
case "$SCALE" in
small) members=2000 loans=2000 events=100000 banks=8 ;;
medium) members=20000 loans=20000 events=1000000 banks=20 ;;
default | full) members=20000 loans=100000 events=1000000 banks=20 ;;
*)
	# A factor of the default: 20,000 members, 100,000 loans, 1,000,000 events.
	if ! printf '%s\n' "$SCALE" | grep -Eq '^[0-9]+(\.[0-9]+)?$'; then
		echo "bench: SCALE must be small, medium, default (full) or a factor like 0.5 (got '$SCALE')" >&2
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
# The interleaved runs of the import and of bare SQLite (below): an odd
# number, so that each side's median is one run, taken alike.
rounds=${BENCH_ROUNDS:-5}
case "$rounds" in
[13579] | [1-9][13579]) ;;
*) echo "bench: BENCH_ROUNDS must be an odd number from 1 to 99 (got '$rounds')" >&2; exit 2 ;;
esac
# Three import files of 10%, 30% and 60% of the events: memory at three sizes.
split=$((events / 10))
split2=$((events * 3 / 10))

rm -rf "$W"
mkdir -p "$W/data"
export MCG_ACTOR=bench
unset MCG_DB MCG_KEYS

# ---- helpers -------------------------------------------------------------------

# timed NAME CMD...: runs CMD (stdout to $W/NAME.out, stderr to $W/NAME.err)
# and sets T (wall seconds), CPU (user + system seconds) and RSS (peak
# resident memory, KiB).  On a busy machine wall time counts the waits for
# a core; CPU time does not, so both are kept.
timed() {
	name=$1
	shift
	start=$(date +%s%N)
	if ! /usr/bin/time -f '%U %S %M' -o "$W/$name.time" "$@" >"$W/$name.out" 2>"$W/$name.err"; then
		echo "bench: $name failed: $*" >&2
		tail -n 5 "$W/$name.err" >&2
		return 1
	fi
	end=$(date +%s%N)
	T=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.3f", (b - a) / 1e9 }')
	CPU=$(tail -n 1 "$W/$name.time" | awk '{ c = $1 + $2; printf "%.2f", c < 0.01 ? 0.01 : c }')
	RSS=$(tail -n 1 "$W/$name.time" | awk '{ print $3 }')
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
say "-- setup: one process per command, a sample (the first 150 commands)"
head -n 154 "$W/data/setup.sh" >"$W/sample.sh"
sample_cmds=$(grep -c '^"\$MCG"' "$W/sample.sh")
timed sample env MCG="$MCG" MCG_DB="$W/sample.db" sh "$W/sample.sh"
proc_ms=$(calc "$T * 1000 / $sample_cmds")
proc_cpu_ms=$(calc "$CPU * 1000 / $sample_cmds")
say "   $sample_cmds commands in $T s ($CPU s CPU): $proc_ms ms a command ($proc_cpu_ms ms CPU)"

say "-- setup: all $(group "$setup_cmds") commands in one process (bench/replay --fast)"
timed replay "$BENCH_BIN/replay" --fast --db "$W/mcg.db" "$W/data/setup.sh"
setup_s=$T setup_cpu=$CPU
replay_rate=$(calc "$setup_cmds / $T")
sed 's/^/   /' "$W/replay.err"
say "   ($CPU s CPU)"
export MCG_DB="$W/mcg.db"
setup_events=$(sqlite3 "$W/mcg.db" "SELECT MAX(seq) FROM events")
cp "$W/mcg.db" "$W/before-import.db"

# ---- 3. the import ------------------------------------------------------------------------
say ""
say "-- import (mcg import, one transaction a file, audit log included)"
for i in 1 2 3; do
	timed "import$i" "$MCG" import "$W/data/import-$i.csv"
	eval "t$i=\$T c$i=\$CPU rss$i=\$RSS"
	eval "rows=\$GEN_ROWS_$i"
	say "   import-$i.csv: $(group "$rows") rows in $T s ($(group "$(calc "$rows / $T")")/s)," \
		"$CPU s CPU, peak RSS $(mib "$RSS")"
done
import_s=$(calc "$t1 + $t2 + $t3")
import_cpu=$(calc "$c1 + $c2 + $c3")
first_seq=$((setup_events + 1))
last_seq=$((setup_events + GEN_ROWS))
posting_events=$(sqlite3 "$W/mcg.db" "SELECT COUNT(DISTINCT seq) FROM postings WHERE seq BETWEEN $first_seq AND $last_seq")

# Both sides move from minute to minute, even on a quiet machine (bare
# SQLite's own time by a third between two runs a minute apart, session
# 10): the runs are interleaved, and the median of each side is kept, of
# BENCH_ROUNDS runs (default 5; 3 before session 10).
say "-- the ceiling: the same event and posting rows by bare SQLite (bench/bare_sqlite), in the same"
say "   three transactions; $rounds runs, each but the first after mcg's import again into a copy of the"
say "   same ledger: the medians of $rounds are compared"
# import_again RUN PREFIX [FLAG]: the three files imported again (with
# FLAG) into a copy of the ledger before the import; their seconds and CPU
# seconds in PREFIX_sRUN and PREFIX_cRUN.
import_again() {
	cp "$W/before-import.db" "$W/again.db"
	s=0 c=0
	for i in 1 2 3; do
		timed "$2$1-$i" env MCG_DB="$W/again.db" "$MCG" import ${3:+"$3"} "$W/data/import-$i.csv"
		s=$(calc "$s + $T") c=$(calc "$c + $CPU")
	done
	rm -f "$W/again.db" "$W/again.db-wal" "$W/again.db-shm"
	eval "$2_s$1=\$s $2_c$1=\$c"
	say "   mcg import${3:+ $3}, run $1: $s s ($c s CPU)"
}
imp_s1=$import_s imp_c1=$import_cpu
for run in $(seq 1 "$rounds"); do
	[ "$run" -gt 1 ] && import_again "$run" imp
	# The same import on one thread (--single-thread): what the reader
	# and hashing threads gain, measured in this run.
	import_again "$run" one --single-thread
	cp "$W/before-import.db" "$W/bare-$run.db"
	# One transaction a file, as the import made them.
	timed "bare$run" "$BENCH_BIN/bare_sqlite" --from "$W/mcg.db" --first "$first_seq" \
		--last "$last_seq" --into "$W/bare-$run.db" \
		--commit-after $((first_seq + GEN_ROWS_1 - 1)) \
		--commit-after $((first_seq + GEN_ROWS_1 + GEN_ROWS_2 - 1)) \
		--file-bytes "$(wc -c <"$W/data/import-1.csv")" \
		--file-bytes "$(wc -c <"$W/data/import-2.csv")" \
		--file-bytes "$(wc -c <"$W/data/import-3.csv")"
	say "   $(cat "$W/bare$run.out")"
	rm -f "$W/bare-$run.db" "$W/bare-$run.db-wal" "$W/bare-$run.db-shm"
done
# median PREFIX: the median of the variables PREFIX1 .. PREFIX$rounds.
mid=$(( (rounds + 1) / 2 ))
median() {
	for k in $(seq 1 "$rounds"); do eval "printf '%s\n' \"\$$1$k\""; done | sort -n | sed -n "${mid}p"
}
import_s=$(median imp_s)
import_cpu=$(median imp_c)
import_rate=$(calc "$GEN_ROWS / $import_s")
import_cpu_rate=$(calc "$GEN_ROWS / $import_cpu")
runs=$(for k in $(seq 1 "$rounds"); do eval "printf '%s ' \"\$imp_s$k\""; done)
say "   mcg import, median of $rounds: $import_s s ($import_cpu s CPU; runs ${runs% } s)"
one_s=$(median one_s)
one_cpu=$(median one_c)
say "   mcg import --single-thread, median of $rounds: $one_s s ($one_cpu s CPU)"
bare_line=$(for k in $(seq 1 "$rounds"); do cat "$W/bare$k.out"; done |
	sort -t'(' -k2 -n | sed -n "${mid}p")
say "   median: $bare_line"
bare_s=$(printf '%s\n' "$bare_line" | sed 's/.* in \([0-9.]*\) s .*/\1/')
bare_cpu=$(printf '%s\n' "$bare_line" | sed 's/.*), \([0-9.]*\) s CPU.*/\1/')
bare_rate=$(calc "$GEN_ROWS / $bare_s")
bare_cpu_rate=$(calc "$GEN_ROWS / $bare_cpu")
import_vs_bare=$(calc "$import_rate / $bare_rate")
import_vs_bare_cpu=$(calc "$import_cpu_rate / $bare_cpu_rate")
rm -f "$W/before-import.db" "$W/before-import.db-wal" "$W/before-import.db-shm"

# ---- 4. exposure ----------------------------------------------------------------------------
say ""
say "-- exposure MEMBER (bench/exposure_latency: in process, then whole commands)"
timed latency "$BENCH_BIN/exposure_latency" --db "$W/mcg.db" --n 2000 --exec "$MCG" --n-exec 200
lat() { awk -v k="$1" '$2 == k { print $3 }' "$W/latency.out"; }
say "   in process: $(lat inproc_n) members, median $(lat inproc_median_us) us," \
	"p90 $(lat inproc_p90_us) us, p99 $(lat inproc_p99_us) us, max $(lat inproc_max_us) us"
say "   in process, CPU time: median $(lat inproc_cpu_median_us) us, p99 $(lat inproc_cpu_p99_us) us"
say "   whole command: $(lat command_n) members, median $(lat command_median_us) us," \
	"p99 $(lat command_p99_us) us"
timed portfolio "$MCG" exposure --format csv
portfolio_s=$T portfolio_cpu=$CPU portfolio_rss=$RSS
say "   exposure --format csv: $(($(wc -l <"$W/portfolio.out") - 1)) members in $T s," \
	"$CPU s CPU, peak RSS $(mib "$RSS")"

# ---- 5. the audit log ------------------------------------------------------------------------
say ""
say "-- audit verify, against SHA-256 on this machine (openssl speed)"
timed verify "$MCG" audit verify
verify_s=$T verify_cpu=$CPU
verify_events=$(sqlite3 "$W/mcg.db" "SELECT MAX(seq) FROM events")
verify_rate=$(calc "$verify_events / $T")
verify_cpu_rate=$(calc "$verify_events / $CPU")
say "   $(group "$verify_events") entries in $T s ($CPU s CPU): $(group "$verify_rate") entries/s" \
	"($(group "$verify_cpu_rate") per CPU second)"
openssl speed -seconds 1 -evp sha256 >"$W/openssl.out" 2>/dev/null
# Columns: 16 64 256 1024 8192 16384 bytes, in 1000s of bytes per second.
sha64=$(awk '$1 == "sha256" { sub(/k$/, "", $3); printf "%.0f", $3 * 1000 / 64 }' "$W/openssl.out")
sha256=$(awk '$1 == "sha256" { sub(/k$/, "", $4); printf "%.0f", $4 * 1000 / 256 }' "$W/openssl.out")
# Per entry: the leaf hash of the event's canonical bytes (a few hundred
# bytes: counted as one 256-byte hash) and one interior node (65 bytes,
# counted as one 64-byte hash: a tree of n leaves has n - 1 of them).
sha_ceiling=$(calc "1 / (1 / $sha256 + 1 / $sha64)")
verify_vs_sha=$(calc "$verify_rate / $sha_ceiling")
verify_vs_sha_cpu=$(calc "$verify_cpu_rate / $sha_ceiling")
say "   openssl speed sha256: $(group "$sha64") hashes/s of 64 bytes, $(group "$sha256") of 256 bytes:" \
	"a ceiling of $(group "$sha_ceiling") entries/s"

# ---- 6. the statement of the largest bank ----------------------------------------------------------
# A quarter: the last 90 days of the reports, in pages of
# BENCH_PAGE_SIZE guarantees (default 10,000): a large bank's quarter is
# more than the 16 MiB a verifier reads in one document (docs/REPORTS.md,
# "Pages").  Every page is verified; the verify time is their sum.
st_from=$(date -u -d "$GEN_FEED_TO - 90 days" +%Y-%m-%d)
page_size=${BENCH_PAGE_SIZE:-10000}
say ""
say "-- statement of the largest bank, $GEN_LARGEST_BANK ($(group "$GEN_LARGEST_BANK_LOANS") loans)," \
	"$st_from to $GEN_FEED_TO, pages of $(group "$page_size") guarantees"
statement_s=- statement_cpu=- statement_rss=0 statement_verify_s=- statement_mb=- statement_pages=0
rm -f "$W"/statement-p*.xml
if timed statement "$MCG" statement "$GEN_LARGEST_BANK" --from "$st_from" --to "$GEN_FEED_TO" \
	--page-size "$page_size" -o "$W/statement.xml"; then
	statement_s=$T statement_cpu=$CPU statement_rss=$RSS
	statement_pages=$(ls "$W"/statement-p*.xml | wc -l)
	statement_mb=$(cat "$W"/statement-p*.xml | wc -c | awk '{ printf "%.1f", $1 / 1e6 }')
	say "   signed in $T s ($CPU s CPU): $statement_pages page(s), $statement_mb MB, peak RSS $(mib "$RSS")"
	statement_verify_s=0 verify_rss=0
	for page in "$W"/statement-p*.xml; do
		if timed statement_verify "$MCG" statement verify "$page"; then
			statement_verify_s=$(calc "$statement_verify_s + $T")
			[ "$RSS" -gt "$verify_rss" ] && verify_rss=$RSS
		else
			statement_verify_s=failed
			break
		fi
	done
	say "   statement verify of every page: $statement_verify_s s, peak RSS $(mib "$verify_rss")"
else
	# Say so in the table rather than stop.
	statement_s=refused statement_cpu=refused
fi

# ---- 7. hledger and ledger on the exported journal ------------------------------------------------
say ""
say "-- balances: mcg against hledger and ledger on mcg export --format ledger"
timed export "$MCG" export --format ledger
mv "$W/export.out" "$W/journal.ledger"
txns=$(grep -c '^[0-9][0-9][0-9][0-9]-' "$W/journal.ledger")
say "   journal: $(group "$txns") transactions, $(wc -c <"$W/journal.ledger" | awk '{ printf "%.1f MB", $1 / 1e6 }')," \
	"exported in $T s"
timed balance "$MCG" balance --format csv
balance_s=$T balance_cpu=$CPU
say "   mcg balance: $T s ($CPU s CPU)"
# Each baseline gets BENCH_BASELINE_SECONDS (default 120): ledger's time
# grows with the square of the accounts under one parent (a capital:M and a
# deposit:L account per member and loan), and at the default scale it runs
# for a quarter of an hour.  A baseline stopped so is shown as more than
# the limit, and its ratio to mcg as more than the limit's: a lower bound.
limit=${BENCH_BASELINE_SECONDS:-120}
hledger_s=- hledger_cpu=- ledger_s=- ledger_cpu=- hledger_note="" ledger_note=""
for tool in hledger ledger; do
	if ! command -v "$tool" >/dev/null 2>&1; then
		say "   $tool: not installed"
		continue
	fi
	if timed "$tool" timeout "$limit" "$tool" -f "$W/journal.ledger" balance; then
		eval "${tool}_s=\$T ${tool}_cpu=\$CPU"
		say "   $tool balance: $T s ($CPU s CPU), peak RSS $(mib "$RSS")"
	elif grep -q 'status 124' "$W/$tool.time"; then
		eval "${tool}_s='>$limit' ${tool}_note='stopped after $limit s; '"
		say "   $tool balance: stopped after $limit s"
	fi
done
# The same with every event in the journal (export --all: the events that
# move no money as transactions without postings): hledger and ledger read
# the whole history mcg recorded, and compute the same balances.
timed export_all "$MCG" export --format ledger --all
mv "$W/export_all.out" "$W/journal-all.ledger"
txns_all=$(grep -c '^[0-9][0-9][0-9][0-9]-' "$W/journal-all.ledger")
say "   journal --all: $(group "$txns_all") transactions, $(wc -c <"$W/journal-all.ledger" | awk '{ printf "%.1f MB", $1 / 1e6 }')," \
	"exported in $T s"
hledger_all_s=- hledger_all_cpu=- ledger_all_s=- ledger_all_cpu=- hledger_all_note="" ledger_all_note=""
for tool in hledger ledger; do
	command -v "$tool" >/dev/null 2>&1 || continue
	if timed "${tool}_all" timeout "$limit" "$tool" -f "$W/journal-all.ledger" balance; then
		eval "${tool}_all_s=\$T ${tool}_all_cpu=\$CPU"
		say "   $tool balance --all journal: $T s ($CPU s CPU), peak RSS $(mib "$RSS")"
		if ! cmp -s "$W/${tool}_all.out" "$W/$tool.out"; then
			say "   WARNING: $tool's balances of the two journals differ"
		fi
	elif grep -q 'status 124' "$W/${tool}_all.time"; then
		eval "${tool}_all_s='>$limit' ${tool}_all_note='stopped after $limit s; '"
		say "   $tool balance --all journal: stopped after $limit s"
	fi
done
# The --all journal holds the setup's events too (the members, loans,
# assessments and guarantees bench/replay recorded before the import), which
# mcg's timed side does not record: for a comparison of the same events,
# hledger also reads a journal of the imported bank events alone, cut from
# the --all journal by event number ("DATE * (N) ...").  Its balances are
# not mcg's (the setup is missing); its time is what counts.
awk -v first="$first_seq" -v last="$last_seq" '
	/^[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9] / {
		n = $0; sub(/^[^(]*\(/, "", n); sub(/\).*$/, "", n)
		keep = (n + 0 >= first && n + 0 <= last)
	}
	/^;/ && !started { print; next }
	{ started = 1; if (keep) print }' "$W/journal-all.ledger" >"$W/journal-import.ledger"
txns_imp=$(grep -c '^[0-9][0-9][0-9][0-9]-' "$W/journal-import.ledger")
say "   journal of the imported events alone: $(group "$txns_imp") transactions," \
	"$(wc -c <"$W/journal-import.ledger" | awk '{ printf "%.1f MB", $1 / 1e6 }')"
hledger_imp_s=- hledger_imp_cpu=- hledger_imp_note=""
if command -v hledger >/dev/null 2>&1; then
	if timed hledger_imp timeout "$limit" hledger -f "$W/journal-import.ledger" balance; then
		hledger_imp_s=$T hledger_imp_cpu=$CPU
		say "   hledger balance, imported events alone: $T s ($CPU s CPU), peak RSS $(mib "$RSS")"
	elif grep -q 'status 124' "$W/hledger_imp.time"; then
		hledger_imp_s=">$limit" hledger_imp_note="stopped after $limit s; "
		say "   hledger balance, imported events alone: stopped after $limit s"
	fi
fi
# mcg's side: recording every bank event (rules, state, audit) and then
# printing the balances.  The default journal holds only the transactions
# that move money, so the per-item figure is given for it too.
mcg_ib=$(calc "$import_s + $balance_s")
mcg_ib_cpu=$(calc "$import_cpu + $balance_cpu")

# ---- the table ---------------------------------------------------------------------------------------
# ratio A B: A / B, or - when either is missing; A of the form >N (a
# baseline stopped after N s) gives a lower bound, > N / B.
ratio() {
	case "$1 $2" in
	'>'*) printf '> %s' "$(calc "${1#>} / $2")" ;;
	*-*) printf '%s' - ;;
	*) calc "$1 / $2" ;;
	esac
}
# per_item A B [TXNS]: the same for a transaction of a journal of TXNS
# (default: the default journal's) against an imported bank event.
per_item() {
	case "$1" in
	-) printf '%s' - ;;
	'>'*) printf '> %s' "$(calc "(${1#>} / ${3:-$txns}) / ($2 / $GEN_ROWS)")" ;;
	*) calc "($1 / ${3:-$txns}) / ($2 / $GEN_ROWS)" ;;
	esac
}
row() {
	printf '%-42s %16s %16s  %s\n' "$1" "$2" "$3" "$4"
}
us() {
	awk -v v="$1" 'BEGIN { printf "%.1f us", v }'
}
flat=$(awk -v a="$rss2" -v b="$rss3" 'BEGIN { printf "%.2f", b / a }')
load1=$(cut -d' ' -f1-3 /proc/loadavg)
say ""
say "== results: SCALE=$SCALE ($(group "$members") members, $(group "$loans") loans, $(group "$GEN_ROWS") bank events)"
say "   $(nproc) cores, $cpu, $mem; load average $load0 at start, $load1 at end"
busy=$(awk -v l="${load0%% *}" -v n="$(nproc)" 'BEGIN { print (l > n / 2) ? 1 : 0 }')
if [ "$busy" = 1 ]; then
	say "   NOTE: the machine was busy (load above half the cores): wall times include"
	say "   waiting for a core; the CPU column is the better measure of mcg's own cost."
fi
row "figure" "wall" "CPU" "baseline, ratio, target"
row "------------------------------------------" "----------------" "----------------" "---------------------------------------------"
row "import, bank events/s (audit included)" "$(group "$import_rate")/s" "$(group "$import_cpu_rate")/s" \
	"bare SQLite $(group "$bare_rate")/s ($(group "$bare_cpu_rate")/s CPU)"
row "  import / bare SQLite" "$import_vs_bare" "$import_vs_bare_cpu" "target >= 0.5"
row "  import --single-thread / bare SQLite" "$(calc "$bare_s / $one_s")" "$(calc "$bare_cpu / $one_cpu")" \
	"threads' gain: x$(calc "$one_s / $import_s") wall"
row "import peak RSS, $(group "$GEN_ROWS_1") rows" "$(mib "$rss1")" "" ""
row "import peak RSS, $(group "$GEN_ROWS_2") rows" "$(mib "$rss2")" "" ""
row "import peak RSS, $(group "$GEN_ROWS_3") rows" "$(mib "$rss3")" "" "x$flat for twice the rows (target: flat)"
row "exposure MEMBER in process, median" "$(us "$(lat inproc_median_us)")" "$(us "$(lat inproc_cpu_median_us)")" ""
row "exposure MEMBER in process, p99" "$(us "$(lat inproc_p99_us)")" "$(us "$(lat inproc_cpu_p99_us)")" "target < 1000 us"
row "exposure MEMBER command, median" "$(calc "$(lat command_median_us) / 1000") ms" "" "p99 $(calc "$(lat command_p99_us) / 1000") ms"
row "exposure --format csv, $(group "$members") members" "$portfolio_s s" "$portfolio_cpu s" "peak RSS $(mib "$portfolio_rss")"
row "audit verify, entries/s" "$(group "$verify_rate")/s" "$(group "$verify_cpu_rate")/s" \
	"sha256 ceiling $(group "$sha_ceiling")/s: $verify_vs_sha ($verify_vs_sha_cpu CPU)"
row "statement $GEN_LARGEST_BANK, 90 days, signed" "$statement_s s" "$statement_cpu s" \
	"$statement_pages page(s), $statement_mb MB, RSS $(mib "$statement_rss"), verify $statement_verify_s s"
row "mcg import + balance, $(group "$GEN_ROWS") events" "$mcg_ib s" "$mcg_ib_cpu s" "balance alone $balance_s s"
row "hledger balance, $(group "$txns") transactions" "$hledger_s s" "$hledger_cpu s" \
	"${hledger_note}hledger / mcg $(ratio "$hledger_s" "$mcg_ib") ($(ratio "$hledger_cpu" "$mcg_ib_cpu") CPU); target >= 10"
row "  per item (transaction vs event)" "" "" \
	"hledger / mcg $(per_item "$hledger_s" "$mcg_ib") ($(per_item "$hledger_cpu" "$mcg_ib_cpu") CPU)"
row "ledger balance, $(group "$txns") transactions" "$ledger_s s" "$ledger_cpu s" \
	"${ledger_note}ledger / mcg $(ratio "$ledger_s" "$mcg_ib") ($(ratio "$ledger_cpu" "$mcg_ib_cpu") CPU)"
row "  per item (transaction vs event)" "" "" \
	"ledger / mcg $(per_item "$ledger_s" "$mcg_ib") ($(per_item "$ledger_cpu" "$mcg_ib_cpu") CPU)"
row "hledger balance, export --all, $(group "$txns_all") txns" "$hledger_all_s s" "$hledger_all_cpu s" \
	"${hledger_all_note}hledger / mcg $(ratio "$hledger_all_s" "$mcg_ib") ($(ratio "$hledger_all_cpu" "$mcg_ib_cpu") CPU): every event, setup too"
row "  per item (transaction vs event)" "" "" \
	"hledger / mcg $(per_item "$hledger_all_s" "$mcg_ib" "$txns_all") ($(per_item "$hledger_all_cpu" "$mcg_ib_cpu" "$txns_all") CPU)"
row "ledger balance, export --all, $(group "$txns_all") txns" "$ledger_all_s s" "$ledger_all_cpu s" \
	"${ledger_all_note}ledger / mcg $(ratio "$ledger_all_s" "$mcg_ib") ($(ratio "$ledger_all_cpu" "$mcg_ib_cpu") CPU): every event, setup too"
row "  per item (transaction vs event)" "" "" \
	"ledger / mcg $(per_item "$ledger_all_s" "$mcg_ib" "$txns_all") ($(per_item "$ledger_all_cpu" "$mcg_ib_cpu" "$txns_all") CPU)"
row "hledger balance, imported events, $(group "$txns_imp") txns" "$hledger_imp_s s" "$hledger_imp_cpu s" \
	"${hledger_imp_note}hledger / mcg $(ratio "$hledger_imp_s" "$mcg_ib") ($(ratio "$hledger_imp_cpu" "$mcg_ib_cpu") CPU): the same events; target >= 10"
row "setup in one process, commands/s" "$(group "$replay_rate")/s" "$(group "$(calc "$setup_cmds / $setup_cpu")")/s" \
	"$(group "$setup_cmds") commands in $setup_s s"
row "setup, one process per command" "$proc_ms ms" "$proc_cpu_ms ms" "a sample of $sample_cmds"
say ""
say "   bank events that post: $(group "$posting_events") of $(group "$GEN_ROWS"); the journal's transactions: $(group "$txns")"
say "   files: $W"
