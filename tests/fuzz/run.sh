#!/bin/sh
# Runs every libFuzzer target built in BUILD_DIR (fuzz-NAME, from
# tests/fuzz/fuzz_NAME.c) for FUZZ_SECONDS each, one after the other.
# Usage: FUZZ_SECONDS=60 sh tests/fuzz/run.sh build/fuzz [NAME...]
#
# Each target starts from its seed corpus tests/fuzz/corpus/NAME plus what
# earlier runs found (BUILD_DIR/corpus/NAME, kept between runs, never
# committed) and the kept crashers tests/fuzz/regressions/NAME.  A crash,
# leak, sanitizer report, broken promise (FUZZ_REQUIRE), timeout or
# out-of-memory stops that target; its input is left in
# BUILD_DIR/artifacts/NAME/.  To keep it as a regression test, copy it into
# tests/fuzz/regressions/NAME/ (`make fuzz-replay` runs those).
#
# Prints one line per target and a last line "fuzz: N targets, M failed";
# exits non-zero when any failed.
set -u
build=${1:?usage: run.sh BUILD_DIR [NAME...]}
shift
seconds=${FUZZ_SECONDS:-60}
here=$(cd "$(dirname "$0")" && pwd)
case "$seconds" in ''|*[!0-9]*) echo "fuzz: FUZZ_SECONDS must be a whole number" >&2; exit 2 ;; esac

if [ $# -eq 0 ]; then
	for f in "$here"/fuzz_*.c; do
		n=$(basename "$f" .c)
		set -- "$@" "${n#fuzz_}"
	done
fi

targets=0
failed=0
for name in "$@"; do
	bin="$build/fuzz-$name"
	targets=$((targets + 1))
	if [ ! -x "$bin" ]; then
		echo "  $name: FAIL, $bin is not built"
		failed=$((failed + 1))
		continue
	fi
	work="$build/corpus/$name"
	art="$build/artifacts/$name"
	mkdir -p "$work" "$art"
	seeds="$here/corpus/$name"
	regress="$here/regressions/$name"
	[ -d "$regress" ] || regress=""
	log="$build/fuzz-$name.log"
	# -timeout: one input taking 10 s is a finding (a hang).
	# -rss_limit_mb: memory must stay bounded whatever the input.
	"$bin" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
		-print_final_stats=1 -artifact_prefix="$art/" \
		"$work" "$seeds" $regress >"$log" 2>&1
	rc=$?
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
	cov=$(grep -o 'cov: [0-9]*' "$log" | tail -n 1)
	if [ "$rc" = 0 ]; then
		echo "  $name: ok, ${runs:-?} runs in ${seconds} s, ${cov:-cov: ?}"
	else
		failed=$((failed + 1))
		echo "  $name: FAIL (exit $rc), see $log; input kept in $art/"
		grep -m 3 -E 'ERROR|broken promise|runtime error|SUMMARY' "$log" | sed 's/^/    /'
	fi
done
echo "fuzz: $targets targets, $failed failed"
[ "$failed" = 0 ]
