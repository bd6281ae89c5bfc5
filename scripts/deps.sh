#!/bin/sh
# The dependency step of `make demo` and `make test`.
#
# Checks that every Debian package mcg needs to build and test is installed.
# As root on Debian it installs what is missing with apt-get; otherwise it
# prints the exact command to run and fails.
#
# Usage: sh scripts/deps.sh [fuzz] [valgrind]
# The extra words add what `make fuzz` (clang with libFuzzer) and `make
# valgrind` need, which `make test` does not.
set -eu

PACKAGES="make gcc pkg-config libsqlite3-dev libssl-dev libxml2-dev
libxmlsec1-dev libxmlsec1-openssl libcriterion-dev xmlsec1 libxml2-utils
sqlite3 openssl hledger ledger time python3 strace"
for extra in "$@"; do
	case "$extra" in
	fuzz) PACKAGES="$PACKAGES clang libclang-rt-14-dev" ;;
	valgrind) PACKAGES="$PACKAGES valgrind" ;;
	*) echo "deps.sh: unknown group '$extra' (fuzz, valgrind)" >&2; exit 2 ;;
	esac
done

missing=""
for p in $PACKAGES; do
	status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
	case "$status" in
	*"install ok installed"*) ;;
	*) missing="$missing $p" ;;
	esac
done

[ -z "$missing" ] && exit 0

if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
	echo "mcg: installing missing packages:$missing"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	# shellcheck disable=SC2086
	apt-get install -y -qq --no-install-recommends $missing
	exit 0
fi

echo "mcg: missing packages:$missing" >&2
echo "mcg: install them with: sudo apt-get install$missing" >&2
exit 1
