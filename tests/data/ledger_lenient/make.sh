#!/bin/sh
# Remakes the fixture of tests/e2e/t_replay_old_input.sh: a ledger as an
# mcg that did not yet refuse them recorded it, holding the characters and
# the banks the mcg of today refuses as new input.  Events are never
# changed, so a ledger like this one must go on replaying: `mcg check`
# passes on it.  The test needs an mcg that still accepted them and CI has
# only the current one, so the fixture is kept in git; run this only to
# remake it, with the mcg of commit 795c8fa (the last to accept them):
#
#   mkdir /tmp/oldsrc && git archive 795c8fa | tar -x -C /tmp/oldsrc
#   make -C /tmp/oldsrc build/mcg build/mcg-xml
#   sh tests/data/ledger_lenient/make.sh /tmp/oldsrc/build/mcg
#
# ledger.sql (in this folder) is the ledger as `sqlite3 .dump` prints it:
#   - U+FFFE in the consortium name, U+FFFF in a member's name (XML
#     forbids both), a name of only spaces;
#   - bidirectional controls (U+202A, U+202E, U+2066, U+2069) and invisible
#     characters (U+200B, U+2060, U+FEFF) in names, a district, a tax id
#     and an actor;
#   - BPMOIT22 and BPMOIT22XXX, then UNCRITMMXXX and UNCRITMM: one bank
#     under two BICs, in both orders; DEUTDEFF alone, whose XXX form the
#     test then adds;
#   - enough else (capital, a fund, a guaranteed loan, a repayment) that
#     the replay reaches every table.
set -eu
old=${1:?usage: make.sh MCG_THAT_ACCEPTS_THEM}
here=$(cd "$(dirname "$0")" && pwd)
old=$(cd "$(dirname "$old")" && pwd)/$(basename "$old")
tmp=$(mktemp -d "${TMPDIR:-/tmp}/mcg-ledger-lenient.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
export MCG_DB="$tmp/l.db" MCG_ACTOR=fixture
run() { "$old" "$@" >/dev/null; }

u() { printf "$1"; }            # the UTF-8 bytes of a printf format
FFFE=$(u '\357\277\276') FFFF=$(u '\357\277\277')
LRE=$(u '\342\200\252') RLO=$(u '\342\200\256') LRI=$(u '\342\201\246') PDI=$(u '\342\201\251')
ZWSP=$(u '\342\200\213') WJ=$(u '\342\201\240') BOM=$(u '\357\273\277')

run init --name "Consorzio${FFFE}" --date 2026-01-01
run member add A --name "Acme${RLO}lrS" --district "${LRI}Sassuolo${PDI}" --tax-id "IT${ZWSP}01" --date 2026-01-02
run member add B --name "   " --district "Fiorano${BOM}" --date 2026-01-02
run member add C --name "Gamma${FFFF}" --date 2026-01-02
run --actor "tre${WJ}asurer" member add D --name "Delta" --date 2026-01-02
run bank add BPMOIT22 --name "Banco${LRE} BPM" --date 2026-01-02
run bank add BPMOIT22XXX --name "Banco BPM" --date 2026-01-02
run bank add UNCRITMMXXX --name "UniCredit" --date 2026-01-02
run bank add UNCRITMM --name "UniCredit" --date 2026-01-02
run bank add DEUTDEFF --name "Deutsche Bank" --date 2026-01-02
for m in A B C D; do run contribute "$m" 1000 --kind capital --date 2026-01-03; done
run contribute A 100000 --kind fund --date 2026-01-03
run loan add L1 --borrower A --bank BPMOIT22XXX --principal 10000 --date 2026-01-04
for m in B C D; do run assess L1 --assessor "$m" --score 7 --date 2026-01-04; done
run guarantee L1 --coverage 50 --date 2026-01-05
run --actor "tre${WJ}asurer" repay L1 --principal 100 --date 2026-01-06
"$old" check >/dev/null
sqlite3 l.db .dump >"$here/ledger.sql"
