#!/bin/sh
# Runs every end-to-end test file tests/e2e/t_*.sh against $MCG, each in a
# fresh scratch folder, E2E_JOBS at a time (default: the number of cores),
# and prints each file's result in name order, then "e2e: N passed, M
# failed".  Exits non-zero if anything failed.
# Usage: MCG=build/mcg sh tests/e2e/run.sh [PATTERN]
set -u
here=$(cd "$(dirname "$0")" && pwd)
# The source tree, for tests that need its files (rules/default.xml, XSDs).
MCG_SRC=$(cd "$here/../.." && pwd)
export MCG_SRC

# One test file: its output, then a last line "PASSED FAILED".
if [ "${1:-}" = "--one" ]; then
	f=$here/$2
	out=$3
	dir=$(mktemp -d "${TMPDIR:-/tmp}/mcg-e2e.XXXXXX")
	name=$(basename "$f" .sh)
	(cd "$dir" && T_NAME=$name T_DIR=$dir T_PASSED=0 T_FAILED=0 sh -c '
		. "$1/lib.sh"
		. "$2"
		echo "$T_PASSED $T_FAILED"' sh "$here" "$f") >"$out" 2>&1 </dev/null
	# Keep the scratch folder of a failed file for a look.
	case "$(tail -n 1 "$out")" in *" 0") rm -rf "$dir" ;; *) echo "    (scratch kept in $dir)" >>"$out.note" ;; esac
	exit 0
fi

pattern=${1:-}
jobs=${E2E_JOBS:-$(nproc 2>/dev/null || echo 2)}
results=$(mktemp -d "${TMPDIR:-/tmp}/mcg-e2e-results.XXXXXX")
for f in "$here"/t_*.sh; do
	case "$f" in *"$pattern"*) basename "$f" ;; esac
done >"$results/files"
xargs -P "$jobs" -I{} sh "$here/run.sh" --one {} "$results/{}.out" <"$results/files"
passed=0
failed=0
files=0
while read -r f; do
	files=$((files + 1))
	name=$(basename "$f" .sh)
	out="$results/$f.out"
	counts=$(tail -n 1 "$out" 2>/dev/null)
	sed '$d' "$out" 2>/dev/null
	cat "$out.note" 2>/dev/null
	p=${counts% *}
	q=${counts#* }
	case "$p$q" in
	*[!0-9]*|"") echo "    FAIL [$name]: the test script died: $counts" >&2; p=0; q=1 ;;
	esac
	echo "  $name: $p passed, $q failed"
	passed=$((passed + p))
	failed=$((failed + q))
done <"$results/files"
rm -rf "$results"
echo "e2e: $passed passed, $failed failed"
[ "$failed" = 0 ] && [ "$files" -gt 0 ]
