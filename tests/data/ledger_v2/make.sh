#!/bin/sh
# Remakes the fixtures of tests/e2e/t_migrate.sh: a ledger as the mcg of
# schema version 2 wrote it, what that mcg said about it, and its
# checkpoint key's public half.  The test needs a mcg that writes version 2
# and CI has only the current one, so the fixtures are kept in git; run
# this only to remake them, with the mcg of commit 404f7ae (the last of
# schema version 2):
#
#   git worktree add /tmp/v2src 404f7ae && make -C /tmp/v2src build/mcg
#   sh tests/data/ledger_v2/make.sh /tmp/v2src/build/mcg
#
# Files (in this folder):
#   ledger.sql      the ledger, as `sqlite3 .dump` prints it: 300 events
#                   (so that the tree has a complete subtree of 256 leaves
#                   and an incomplete block after it) and one checkpoint,
#                   signed at 270 events and kept
#   checkpoint.txt  that checkpoint, as `mcg audit checkpoint` printed it
#   checkpoint.pub  the public half of the key that signed it (the private
#                   halves are not kept: the test signs nothing with them)
#   commands        read-only mcg commands, one a line
#   expected.txt    what this mcg printed for each of them, after a line
#                   "$ mcg COMMAND"
set -eu
old=${1:?usage: make.sh MCG_OF_SCHEMA_VERSION_2}
here=$(cd "$(dirname "$0")" && pwd)
old=$(cd "$(dirname "$old")" && pwd)/$(basename "$old")
tmp=$(mktemp -d "${TMPDIR:-/tmp}/mcg-ledger-v2.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
# The e2e tests' own consortium (tests/e2e/lib.sh, setup_consortium),
# made by the old mcg.
T_NAME=make.sh T_DIR=$tmp T_PASSED=0 T_FAILED=0 MCG=$old
. "$here/../../e2e/lib.sh"
export MCG_DB="$tmp/l.db" MCG_ACTOR=fixture
run() { "$old" "$@" >/dev/null; }

setup_consortium
if [ "$T_FAILED" != 0 ] || [ "$(sqlite3 l.db "SELECT value FROM meta WHERE key = 'schema_version'")" != 2 ]; then
	echo "make.sh: $old failed, or does not write schema version 2" >&2
	exit 1
fi
# Events of several kinds, then contributions up to 270 events.
run loan add L1 --borrower A --bank BANKITMM --principal 40000 --date 2026-01-10
for m in B C D; do run assess L1 --assessor "$m" --score 7 --date 2026-01-11; done
run guarantee L1 --coverage 50 --date 2026-01-12
run repay L1 --principal 100 --date 2026-01-13
n=$(sqlite3 l.db "SELECT MAX(seq) FROM events")
while [ "$n" -lt 270 ]; do
	n=$((n + 1))
	run contribute B "$n.00" --kind fund --ref "fund-$n" --date 2026-01-20
done
"$old" audit checkpoint >"$here/checkpoint.txt"
while [ "$n" -lt 300 ]; do
	n=$((n + 1))
	run contribute C "$n.00" --kind fund --ref "fund-$n" --date 2026-01-21
done
sqlite3 l.db .dump >"$here/ledger.sql"
cp l.db.keys/checkpoint.pub "$here/checkpoint.pub"
cp "$here/checkpoint.txt" checkpoint.txt
while IFS= read -r cmd; do
	printf '$ mcg %s\n' "$cmd"
	# shellcheck disable=SC2086
	"$old" $cmd
done <"$here/commands" >"$here/expected.txt"
