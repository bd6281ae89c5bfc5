#!/bin/sh
# Writes the man page mcg(1) to standard output, from the binary's own
# help (so every command and flag in `mcg --help` is in the man page by
# construction) and the hand-written sections below.  `make man` keeps
# docs/mcg.1 current; tests/e2e/t_docs.sh fails when it is stale.
#
# Usage: sh scripts/gen-man.sh build/mcg > docs/mcg.1
set -eu
MCG=$1
version=$("$MCG" --version | awk '{ print $2 }')

# Escapes text for roff: backslashes, and a leading dot or quote.
roff() { sed -e 's/\\/\\e/g' -e "s/^\\([.']\\)/\\\\\\&\\1/" -e 's/-/\\-/g'; }

cat <<EOF2
.TH MCG 1 "2026" "mcg $version" "User Commands"
.SH NAME
mcg \\- the ledger for mutual credit guarantee consortia
.SH SYNOPSIS
.B mcg
[\\fB\\-\\-db\\fR \\fIFILE\\fR] [\\fB\\-\\-keys\\fR \\fIDIR\\fR] [\\fB\\-\\-actor\\fR \\fINAME\\fR]
\\fICOMMAND\\fR [\\fIARGS\\fR]
.br
.B mcg \\-\\-help
|
.B mcg
\\fICOMMAND\\fR \\fB\\-\\-help\\fR
|
.B mcg \\-\\-version
.SH DESCRIPTION
.B mcg
is the transactional ledger of a mutual credit guarantee consortium
(confidi, SGR, B\\(:urgschaftsbank): one command over one SQLite file.
It records member contributions, loans, joint guarantees with
co\\-guarantors, peer assessments of credit risk, and the events partner
banks report (repayments, arrears, defaults, guarantee calls,
recoveries).
Every change is an event, checked against the consortium's rules,
posted in double entry to the cent, and appended to a tamper\\-evident
audit log (an RFC 9162 Merkle tree with Ed25519\\-signed C2SP
checkpoints).
Statements for partner banks and the regulatory report are XML signed
with XML\\-DSig (ECDSA P\\-256).
.PP
Amounts are written with a dot and at most the currency's minor digits
(\\fB1500\\fR, \\fB1500.5\\fR, \\fB1500.50\\fR); percentages with at most two
decimals (\\fB62.5\\fR); dates as \\fBYYYY\\-MM\\-DD\\fR.
Every recording command takes \\fB\\-\\-date\\fR (default today, UTC; never
earlier than the latest date recorded) and \\fB\\-\\-ref\\fR (an idempotency
key: the same ref with the same content again is a no\\-op that succeeds;
with other content it is a conflict, exit 5).
.SH GLOBAL OPTIONS
.TP
.BI \\-\\-db " FILE"
The ledger file (environment \\fBMCG_DB\\fR; default \\fBmcg.db\\fR).
.TP
.BI \\-\\-keys " DIR"
The folder of the signing keys (environment \\fBMCG_KEYS\\fR; default
\\fIFILE\\fB.keys\\fR beside the ledger).
.TP
.BI \\-\\-actor " NAME"
Recorded on every event (environment \\fBMCG_ACTOR\\fR; default the login
name).
.TP
.B \\-\\-help
Lists the commands; after a command, describes it.
.TP
.B \\-\\-version
Prints the version.
.SH COMMANDS
EOF2

"$MCG" --help | awk '/^Commands:/ { on = 1; next } on && /^$/ { exit } on' |
	sed 's/^  //; s/  .*//' | while IFS= read -r cmd; do
	# shellcheck disable=SC2086
	"$MCG" $cmd --help >/tmp/mcg-man.$$ 2>&1
	usage=$(sed -n '1s/^usage: mcg //p' /tmp/mcg-man.$$)
	summary=$(sed -n '3p' /tmp/mcg-man.$$)
	echo ".SS \"$(printf '%s' "$usage" | roff)\""
	printf '%s\n' "$summary" | roff
	if [ "$(wc -l </tmp/mcg-man.$$)" -gt 4 ]; then
		echo ".PP"
		echo ".nf"
		tail -n +5 /tmp/mcg-man.$$ | roff
		echo ".fi"
	fi
	rm -f /tmp/mcg-man.$$
done

cat <<'EOF2'
.SH EXIT STATUS
.TP
.B 0
Done (also: the same ref with the same content again; nothing is written).
.TP
.B 1
Failure of the system: I/O, database, out of memory, disk full.
Nothing is written.
.TP
.B 2
Bad input: syntax, unknown id, wrong state, back\-dating.
Nothing is written.
.TP
.B 3
Refused by a consortium rule; every failed rule is named with its
figures.
Nothing is written.
.TP
.B 4
Integrity failure: a check, an audit proof or a signature does not hold.
.TP
.B 5
Conflict: the ref was already used for other content.
Nothing is written.
.PP
Errors are one line on standard error, \fBmcg: error: \fR..., naming what
was wrong.
.SH ENVIRONMENT
.TP
.B MCG_DB
The ledger file, when \fB\-\-db\fR is not given.
.TP
.B MCG_KEYS
The keys folder, when \fB\-\-keys\fR is not given.
.TP
.B MCG_ACTOR
The actor recorded on events, when \fB\-\-actor\fR is not given.
.SH FILES
.TP
.I mcg.db
The ledger (SQLite, WAL mode; also \fImcg.db\-wal\fR and \fImcg.db\-shm\fR;
\fImcg.db\-journal\fR while a large import runs, or after one was cut short,
until the next command rolls it back).
.TP
.I mcg.db.keys/
The keys folder (mode 0700): \fIcheckpoint.key\fR (Ed25519) and
\fIstatement.key\fR (ECDSA P\-256), mode 0600, with their \fI.pub\fR
public keys.
.TP
.I mcg\-xml
In the folder of the \fBmcg\fR executable: the same program with the XML
libraries linked in.  \fBmcg\fR itself is linked without them, to start
faster, and replaces itself with \fImcg\-xml\fR (same arguments,
environment and streams) for \fBinit\fR, \fBrules load\fR, \fBrules check\fR,
\fBstatement\fR, \fBstatement verify\fR, \fBreport regulatory\fR and
\fBexposure \-\-format xml\fR.  Without it those commands fail (exit 1)
and write nothing.  \fBmcg\fR finds its folder through \fI/proc/self/exe\fR
and passes its version in \fBMCG_HANDED_OVER\fR; an \fImcg\-xml\fR of
another version refuses to run.  Everything \fBmcg\fR does,
\fImcg\-xml\fR does too.
.SH EXAMPLES
.nf
mcg init \-\-name "Confidi Ceramiche" \-\-currency EUR
mcg member add ACME \-\-name "Acme Srl" \-\-sector C23.31 \-\-district Sassuolo
mcg contribute ACME 2500 \-\-kind capital
mcg loan add L1 \-\-borrower ACME \-\-bank BPMOIT22XXX \-\-principal 120000
mcg guarantee L1 \-\-coverage 50 \-\-deposit 3000 \-\-pledge BETA:20000
mcg import bank\-2026\-03.csv
mcg exposure ACME
mcg statement BPMOIT22XXX \-\-from 2026\-01\-01 \-\-to 2026\-03\-31 \-o q1.xml
xmlsec1 \-\-verify \-\-enabled\-key\-data key\-name \e
        \-\-enabled\-reference\-uris empty \-\-pubkey\-pem statement.pub q1.xml
.fi
.SH SEE ALSO
.BR sqlite3 (1),
.BR xmlsec1 (1),
.BR xmllint (1),
.BR hledger (1),
.BR ledger (1).
The README, SECURITY.md and docs/ of the source tree.
EOF2
