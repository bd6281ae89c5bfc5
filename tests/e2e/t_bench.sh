# make bench, end to end at a tiny scale: the generator, the setup, the
# three imports, the baselines and every figure of the results table.  It
# measures nothing (speed is `make bench`'s, docs/PERFORMANCE.md); it checks
# that the bench still runs and that the ledger it builds is sound, which no
# other test did (5d45a91's date limit broke SCALE=small for a session
# unseen).  MCG_BENCH_BIN names the bench tools' folder; make e2e sets it.

if [ -z "${MCG_BENCH_BIN:-}" ]; then
	echo "    (MCG_BENCH_BIN not set: the bench not run; make e2e sets it)"
	return 0 2>/dev/null || exit 0
fi

bench() {
	env MCG="$MCG" BENCH_BIN="$MCG_BENCH_BIN" BENCH_WORK="$T_DIR/bench" "$@" \
		sh "$MCG_SRC/bench/run.sh" >"$T_DIR/bench.log" 2>&1
}

# ---- the arguments it refuses, before it writes anything -----------------------------------
bench SCALE=huge
expect_eq "$?" "2" "SCALE=huge is refused"
expect_contains "$(cat "$T_DIR/bench.log")" "SCALE must be small, medium, default (full) or a factor" \
	"the refusal of SCALE names the choices"
bench SCALE=0.01 BENCH_ROUNDS=2
expect_eq "$?" "2" "an even BENCH_ROUNDS is refused"
expect_contains "$(cat "$T_DIR/bench.log")" "BENCH_ROUNDS must be an odd number" \
	"the refusal of BENCH_ROUNDS says why"
expect_eq "$(ls "$T_DIR/bench" 2>/dev/null | wc -l)" "0" "a refused bench leaves no work folder"

# ---- a whole run: 200 members, 1,000 loans, 10,000 bank events -----------------------------
bench SCALE=0.01 BENCH_ROUNDS=1
rc=$?
expect_eq "$rc" "0" "make bench runs at SCALE=0.01"
[ "$rc" = 0 ] || sed 's/^/      /' "$T_DIR/bench.log" | tail -n 20 >&2
log=$(cat "$T_DIR/bench.log")
W=$T_DIR/bench

# Every figure of the table is there, with a number: a step that failed
# or was skipped would leave "-", "failed" or "refused" in its place.
figure() {
	printf '%s\n' "$log" | awk -v name="$1" '
		/^== results/ { table = 1; next }
		table && index($0, name) == 1 { print substr($0, 44); exit }'
}
for name in "import, bank events/s (audit included)" "  import / bare SQLite" \
	"  import --single-thread / bare SQLite" "import peak RSS, 1,000 rows" \
	"import peak RSS, 3,000 rows" "import peak RSS, 6,000 rows" \
	"exposure MEMBER in process, median" "exposure MEMBER in process, p99" \
	"exposure MEMBER command, median" "exposure --format csv, 200 members" \
	"audit verify, entries/s" "statement " "mcg import + balance, 10,000 events" \
	"hledger balance, " "ledger balance, " "hledger balance, export --all" \
	"ledger balance, export --all" "hledger balance, imported events, 10,000 txns" \
	"setup in one process, commands/s" "setup, one process per command"; do
	value=$(figure "$name")
	case "$value" in
	*[0-9]*) case "$value" in
		*" - "* | *failed* | *refused* | *"/ mcg -"*) fail "bench figure '$name' is missing: [$value]" ;;
		*) ok ;;
		esac ;;
	*) fail "bench figure '$name' is not in the results table: [$value]" ;;
	esac
done
case "$log" in
*WARNING*) fail "the bench warned: $(printf '%s\n' "$log" | grep WARNING)" ;;
*) ok ;;
esac

# The ledger it built: every bank event recorded once, its audit log and
# its state sound, and its balances what hledger computes from its export.
if [ "$rc" = 0 ]; then
	. "$W/data/gen.env"
	export MCG_DB="$W/mcg.db"
	expect_eq "$GEN_ROWS" "10000" "the generator wrote the bank events asked for"
	expect_eq "$(sqlite3 "$W/mcg.db" "SELECT COUNT(*) FROM events WHERE type IN ('repay','arrears','call','recover')")" \
		"$GEN_ROWS" "every bank event is recorded once"
	ok_run audit verify
	ok_run check
	hledger -f "$W/journal.ledger" bal --flat --no-total --empty -O csv 2>"$T_DIR/hledger.err" |
		tail -n +2 | tr -d '"' | sed 's/ EUR$//' | awk -F, '{ printf "%s %.2f\n", $1, $2 }' |
		sort >"$T_DIR/hledger.txt"
	expect_eq "$(cat "$T_DIR/hledger.err")" "" "hledger reads the bench's journal without error"
	"$MCG" balance --format csv | tail -n +2 | awk -F, '{ printf "%s %s\n", $1, $2 }' |
		sort >"$T_DIR/mcg.txt"
	# A member's capital and the fund at least: an empty list would match an empty hledger.
	expect_eq "$(awk 'END { print (NR > 200) }' "$T_DIR/mcg.txt")" "1" \
		"mcg balance lists the bench's 200 members' accounts and more"
	expect_eq "$(cat "$T_DIR/hledger.txt")" "$(cat "$T_DIR/mcg.txt")" \
		"hledger's balances of the bench's journal equal mcg balance"
fi
