# `mcg import` against hostile files: oversized fields and records, NUL
# bytes, binary junk, broken quoting, stray carriage returns, too many
# fields, spreadsheet formula injection, SQL in cells, control characters.
# Each is refused with exit 2 and FILE:LINE, and leaves the ledger exactly
# as it was -- or, for text that is merely odd, is stored as the harmless
# text it is.

HEAD="ref,date,type,loan,principal,interest,dpd,amount"

setup_consortium
ok_run loan add L1 --borrower A --bank BANKITMM --principal 40000 --date 2026-01-10
ok_run assess L1 --assessor B --score 6 --date 2026-01-11
ok_run assess L1 --assessor C --score 7 --date 2026-01-11
ok_run assess L1 --assessor D --score 8 --date 2026-01-11
ok_run guarantee L1 --coverage 50 --date 2026-01-12

# refused FILE TEXT...: exit 2, nothing written, the message has each TEXT.
refused() {
	file=$1
	shift
	expect_unchanged 2 import "$file"
	expect_eq "$(printf '%s\n' "$ERR" | wc -l)" 1 "one error line for $file"
	for want in "$@"; do
		expect_contains "$ERR" "$want" "message for $file"
	done
}

# A field over the limit (1,024 bytes), quoted or not.
long=$(head -c 2000 /dev/zero | tr '\0' 'x')
printf '%s\nh-1,2026-02-01,repay,L1,%s,,,\n' "$HEAD" "$long" > long-field.csv
refused long-field.csv "long-field.csv:2: column 'principal' is longer than 1024 bytes"
printf '%s\n"%s",2026-02-01,repay,L1,1,,,\n' "$HEAD" "$long" > long-quoted.csv
refused long-quoted.csv "long-quoted.csv:2: column 'ref' is longer than 1024 bytes"
# A 5 MB line with no line end at all: refused at the limit, not read whole.
{ printf '%s\n' "$HEAD"; head -c 5000000 /dev/zero | tr '\0' 'y'; } > huge-line.csv
refused huge-line.csv "huge-line.csv:2: column 'ref' is longer than"
# A record over 8,192 bytes of fields that are each within the limit.
cell=$(head -c 1000 /dev/zero | tr '\0' 'z')
printf '%s\n%s,%s,%s,%s,%s,%s,%s,%s,%s\n' "$HEAD" "$cell" "$cell" "$cell" "$cell" "$cell" "$cell" "$cell" "$cell" "$cell" > long-record.csv
refused long-record.csv "long-record.csv:2: the record is longer than 8192 bytes"
# Too many fields.
printf '%s\n%s\n' "$HEAD" "$(printf 'a,%.0s' $(seq 1 40))" > many-fields.csv
refused many-fields.csv "many-fields.csv:2: more than 32 fields"

# NUL bytes, in a row and in the header.
printf '%s\nh-1,2026-02-01,repay,L1,1\000,,,\n' "$HEAD" > nul.csv
refused nul.csv "nul.csv:2: column 'principal': a NUL byte"
printf 're\000f,date\n' > nul-header.csv
refused nul-header.csv "nul-header.csv:1: " "NUL byte"
# Binary junk: every byte value.
awk 'BEGIN { for (i = 0; i < 4096; i++) printf "%c", i % 256 }' > junk.bin
refused junk.bin "junk.bin:1: "

# Broken quoting.
printf '%s\nh-1,2026-02-01,repay,L1,1,,,\nh-2,2026-02-01,repay,L1,"1,,,\nh-3,2026-02-01,repay,L1,1,,,\n' "$HEAD" > open-quote.csv
refused open-quote.csv "open-quote.csv:3: column 'principal': a quote opened here is never closed"
printf '%s\nh-1,2026-02-01,repay,L1,1"5,,,\n' "$HEAD" > inner-quote.csv
refused inner-quote.csv "inner-quote.csv:2: column 'principal': a quote inside"
printf '%s\nh-1,2026-02-01,repay,L1,"1"5,,,\n' "$HEAD" > after-quote.csv
refused after-quote.csv "after-quote.csv:2: column 'principal': text after the closing quote"
# Old Mac line ends (CR alone).
printf '%s\rh-1,2026-02-01,repay,L1,1,,,\r' "$HEAD" > cr.csv
refused cr.csv "cr.csv:1: " "carriage return"

# Spreadsheet formula injection.  A ref is any 1..64 printable ASCII
# characters, spaces included, so "=cmd()" and "=cmd|' /C calc'!A0" are
# valid refs: each is stored as the plain text it is (nothing here
# evaluates it) and the row is recorded.  In an amount or date cell it is
# just a bad value.
printf '%s\n=cmd(),2026-02-01,repay,L1,1,,,\n"@SUM(A1:A9)",2026-02-01,repay,L1,1,,,\n' "$HEAD" > formula.csv
ok_run import formula.csv
expect_contains "$OUT" "2 recorded" "formula-looking refs are plain refs"
expect_eq "$(sqlite3 "$MCG_DB" "SELECT group_concat(ref, ' ') FROM events WHERE type = 'repay'")" "=cmd() @SUM(A1:A9)" "stored verbatim"
ok_run import formula.csv
expect_contains "$OUT" "2 already recorded" "and idempotent like any other ref"
printf '%s\n"=cmd|'"'"' /C calc'"'"'!A0",2026-02-01,repay,L1,1,,,\n' "$HEAD" > formula-space.csv
ok_run import formula-space.csv
expect_contains "$OUT" "1 recorded" "a formula-looking ref with a space is a plain ref"
expect_eq "$(sqlite3 "$MCG_DB" "SELECT COUNT(*) FROM events WHERE ref = '=cmd|'' /C calc''!A0'")" 1 "stored verbatim, space and all"
printf '%s\nh-1,2026-02-01,repay,L1,=1+2,,,\n' "$HEAD" > formula-amount.csv
refused formula-amount.csv "formula-amount.csv:2: column 'principal'"
printf '%s\nh-1,=TODAY(),repay,L1,1,,,\n' "$HEAD" > formula-date.csv
refused formula-date.csv "formula-date.csv:2: column 'date'"
printf '%s\nh-1,2026-02-01,-2+3,L1,1,,,\n' "$HEAD" > formula-type.csv
refused formula-type.csv "formula-type.csv:2: column 'type'"

# SQL in a cell is an unknown loan, nothing more.
printf '%s\nh-1,2026-02-01,repay,"L1'"'"'; DROP TABLE loans;--",1,,,\n' "$HEAD" > sql.csv
refused sql.csv "sql.csv:2: "
expect_eq "$(sqlite3 "$MCG_DB" "SELECT COUNT(*) FROM loans")" "1" "loans table intact"

# Control characters inside quoted cells: a tab or a line end in a ref.
printf '%s\n"h\t1",2026-02-01,repay,L1,1,,,\n' "$HEAD" > tab-ref.csv
refused tab-ref.csv "tab-ref.csv:2: column 'ref'"
printf '%s\n"h\n1",2026-02-01,repay,L1,1,,,\n' "$HEAD" > nl-ref.csv
refused nl-ref.csv "nl-ref.csv:2: column 'ref'"
# An escape sequence in a bad type is not echoed raw to the terminal.
printf '%s\nh-1,2026-02-01,"\033[31mred",L1,1,,,\n' "$HEAD" > esc.csv
refused esc.csv "esc.csv:2: column 'type': bad type '?[31mred'"
# UTF-8 text in an id is an unknown loan.
printf '%s\nh-1,2026-02-01,repay,L1\303\251,1,,,\n' "$HEAD" > utf8.csv
refused utf8.csv "utf8.csv:2: "

# A file name with odd characters is fine.
printf '%s\nh-9,2026-02-02,repay,L1,1,,,\n' "$HEAD" > 'bank file; rm -rf.csv'
ok_run import 'bank file; rm -rf.csv'
expect_contains "$OUT" "1 recorded" "odd file name"

ok_run check
