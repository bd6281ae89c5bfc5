#!/bin/sh
# Runs every end-to-end test file tests/e2e/t_*.sh against $MCG, each in a
# fresh scratch folder, and prints "N passed, M failed".  Exits non-zero if
# anything failed.  Usage: MCG=build/mcg sh tests/e2e/run.sh [PATTERN]
set -u
here=$(cd "$(dirname "$0")" && pwd)
pattern=${1:-}
# The source tree, for tests that need its files (rules/default.xml, XSDs).
MCG_SRC=$(cd "$here/../.." && pwd)
export MCG_SRC
passed=0
failed=0
files=0
for f in "$here"/t_*.sh; do
	case "$f" in *"$pattern"*) ;; *) continue ;; esac
	files=$((files + 1))
	dir=$(mktemp -d "${TMPDIR:-/tmp}/mcg-e2e.XXXXXX")
	name=$(basename "$f" .sh)
	result=$(cd "$dir" && T_NAME=$name T_DIR=$dir T_PASSED=0 T_FAILED=0 sh -c '
		. "$1/lib.sh"
		. "$2"
		echo "$T_PASSED $T_FAILED"' sh "$here" "$f" 2>&1)
	counts=$(printf '%s\n' "$result" | tail -n 1)
	printf '%s\n' "$result" | sed '$d'
	p=${counts% *}
	q=${counts#* }
	case "$p$q" in
	*[!0-9]*|"") echo "    FAIL [$name]: the test script died: $counts" >&2; p=0; q=1 ;;
	esac
	echo "  $name: $p passed, $q failed"
	passed=$((passed + p))
	failed=$((failed + q))
	[ "$q" = 0 ] && rm -rf "$dir"
done
echo "e2e: $passed passed, $failed failed"
[ "$failed" = 0 ] && [ "$files" -gt 0 ]
