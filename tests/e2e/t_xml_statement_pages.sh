# A bank statement split into pages (`--page-size N`), and the size bounds.
#
# Each page is a whole signed document that mcg, xmlsec1 and xmllint
# accept on its own; together the pages list exactly what the one
# document lists (the same guarantees in the same order, the same events
# with the same figures), each page its own totals and the whole
# statement's (Header/Page), the loan ranges chaining from page to page.
# A statement over the size a verifier reads is refused, saying which page
# size would fit, and that page size then works; a page over it is refused
# and leaves no file; a refused statement keeps no checkpoint either.  The
# limit is made small with MCG_TEST_DOC_BYTES_MAX, which never touches what
# `statement verify` reads: 16 MiB, not a byte more, for any file handed
# to it.

XSD="$MCG_SRC/reports/statement.xsd"
PUB=mcg.db.keys/statement.pub

# xpath FILE EXPR: a string XPath over local names.
xpath() {
	xmllint --xpath "$2" "$1" 2>/dev/null
}
ln_() {
	printf "//*[local-name()='%s']" "$1"
}
expect_tools_accept() {
	if xmlsec1 --verify --enabled-key-data key-name --enabled-reference-uris empty \
		--pubkey-pem "$PUB" "$1" >/dev/null 2>&1; then ok; else
		fail "xmlsec1 (strict) rejects $1"
	fi
	if xmlsec1 --verify --pubkey-pem "$PUB" "$1" >/dev/null 2>&1; then ok; else
		fail "xmlsec1 --verify --pubkey-pem rejects $1"
	fi
	if xmllint --noout --schema "$XSD" "$1" >/dev/null 2>&1; then ok; else
		fail "xmllint --schema rejects $1: $(xmllint --noout --schema "$XSD" "$1" 2>&1 | head -2)"
	fi
	ok_run statement verify "$1"
	expect_contains "$OUT" "schema: valid against reports/statement.xsd" "mcg verifies $1"
}
# The loan ids of a document's guarantees, in order, on one line.
guarantee_loans() {
	grep -o '<Guarantee loan="[^"]*"' "$1" | sed 's/.*loan="//; s/"$//' | tr '\n' ' '
}
# A document's Guarantee elements, as text.
guarantee_blocks() {
	sed -n '/<Guarantee loan=/,/<\/Guarantee>/p' "$1"
}
# A document's events, one line each (the element joined), by event number.
event_lines() {
	sed -n '/<Events /,/<\/Events>/p' "$1" | sed '1d;$d' | awk '
		/^    <[A-Za-z]/ { if (line != "") print line; line = $0; next }
		{ line = line $0 }
		END { if (line != "") print line }' | sed 's/^ *//'
}
amount_cents() {
	printf '%s\n' "$1" | awk '{ v = $1; sub(/\./, "", v); print v + 0 }'
}

setup_consortium
ok_run bank add BANKDEFF --name "Bank Two" --date 2026-01-03
# Five guaranteed loans G1..G5 of BANKITMM, two only applied for (A0 sorts
# before every guarantee, G3b between G3 and G4), one loan of another bank.
for lb in G1:A G2:B G3:C G4:D G5:A; do
	l=${lb%:*} b=${lb#*:}
	ok_run loan add "$l" --borrower "$b" --bank BANKITMM --principal 20000 --date 2026-01-12
	for m in A B C D; do
		[ "$m" = "$b" ] || ok_run assess "$l" --assessor "$m" --score 7 --date 2026-01-12
	done
	pledger=$([ "$b" = B ] && echo C || echo B)
	ok_run guarantee "$l" --coverage 50 --deposit 200 --pledge "$pledger:1000" --date 2026-01-12
done
ok_run loan add A0 --borrower B --bank BANKITMM --principal 5000 --date 2026-01-13
ok_run loan add G3b --borrower C --bank BANKITMM --principal 6000 --date 2026-01-13
ok_run loan add X1 --borrower D --bank BANKDEFF --principal 7000 --date 2026-01-13
ok_run repay G2 --principal 1000 --interest 50 --date 2026-02-01
ok_run repay G4 --principal 2000 --date 2026-02-02
ok_run repay G2 --principal 500 --date 2026-02-03
ok_run arrears G5 --dpd 30 --date 2026-02-04

# ---- the one document, and the same statement in pages of two ---------------
ok_run statement BANKITMM --from 2026-01-01 --to 2026-03-31 -o all.xml
expect_tools_accept all.xml
expect_eq "$(grep -c '<Page ' all.xml)" "0" "an unpaged statement has no Page"
ok_run statement BANKITMM --from 2026-01-01 --to 2026-03-31 --page-size 2 -o pg.xml
expect_contains "$OUT" "wrote bank statement in 3 pages, pg-p1.xml to pg-p3.xml" "the pages named"
expect_contains "$OUT" "5 guarantees" "the whole statement's guarantees"
expect_eq "$(ls pg* | tr '\n' ' ')" "pg-p1.xml pg-p2.xml pg-p3.xml " "three files, no FILE itself, no temporary"
for k in 1 2 3; do
	expect_tools_accept "pg-p$k.xml"
	expect_eq "$(xpath "pg-p$k.xml" "string($(ln_ Page)/@number)")/$(xpath "pg-p$k.xml" "string($(ln_ Page)/@of)")" \
		"$k/3" "page $k of 3"
done
expect_eq "$(guarantee_loans pg-p1.xml)|$(guarantee_loans pg-p2.xml)|$(guarantee_loans pg-p3.xml)" \
	"G1 G2 |G3 G4 |G5 " "two guarantees a page, in loan order"
expect_eq "$(xpath pg-p1.xml "count($(ln_ Page)/@firstLoan)")" "0" "page 1 starts at the first loan"
expect_eq "$(xpath pg-p1.xml "string($(ln_ Page)/@nextLoan)")" "G3" "page 1 ends before G3"
expect_eq "$(xpath pg-p2.xml "string($(ln_ Page)/@firstLoan)")" "G3" "page 2 starts at G3"
expect_eq "$(xpath pg-p2.xml "string($(ln_ Page)/@nextLoan)")" "G5" "page 2 ends before G5"
expect_eq "$(xpath pg-p3.xml "string($(ln_ Page)/@firstLoan)")" "G5" "page 3 starts at G5"
expect_eq "$(xpath pg-p3.xml "count($(ln_ Page)/@nextLoan)")" "0" "page 3 runs to the last loan"

# Together the pages are the one document: the same guarantees, byte for
# byte, and the same events with the same figures.
expect_eq "$(for k in 1 2 3; do guarantee_blocks "pg-p$k.xml"; done)" "$(guarantee_blocks all.xml)" \
	"the pages' guarantees are the document's"
event_lines all.xml > all.events
for k in 1 2 3; do event_lines "pg-p$k.xml"; done | sort -t'"' -k2,2n > pages.events
expect_eq "$(wc -l < all.events)" "$(xpath all.xml "string($(ln_ Events)/@count)")" "fixture: one line an event"
if cmp -s all.events pages.events; then ok; else
	fail "the pages' events differ from the document's: $(diff all.events pages.events | head -4)"
fi
# Each event is on the page of its loan's range: the loans only applied for
# too (A0 before every guarantee, G3b between G3 and G4).
expect_contains "$(event_lines pg-p1.xml)" 'loan="A0"' "A0's application on page 1"
expect_contains "$(event_lines pg-p2.xml)" 'loan="G3b"' "G3b's application on page 2"
expect_contains "$(event_lines pg-p3.xml)" '<Arrears' "G5's arrears on page 3"
expect_eq "$(grep -c 'loan="X1"' pg-p1.xml pg-p2.xml pg-p3.xml | awk -F: '{ s += $2 } END { print s }')" "0" \
	"another bank's loan on no page"

# Per-page totals, and the whole statement's on every page.
total=$(xpath all.xml "string($(ln_ Guarantees)/$(ln_ TotalGuaranteed | sed 's|^//|/|'))")
events=$(xpath all.xml "string($(ln_ Events)/@count)")
sum_ga=0 sum_g=0 sum_e=0
for k in 1 2 3; do
	f=pg-p$k.xml
	ga=$(xpath "$f" "string($(ln_ Guarantees)/*[local-name()='TotalGuaranteed'])")
	sum_ga=$((sum_ga + $(amount_cents "$ga")))
	sum_g=$((sum_g + $(xpath "$f" "string($(ln_ Guarantees)/@count)")))
	sum_e=$((sum_e + $(xpath "$f" "string($(ln_ Events)/@count)")))
	expect_eq "$(xpath "$f" "string($(ln_ StatementGuarantees))")" "5" "page $k: the statement's guarantees"
	expect_eq "$(xpath "$f" "string($(ln_ StatementEvents))")" "$events" "page $k: the statement's events"
	expect_eq "$(xpath "$f" "string($(ln_ StatementTotalGuaranteed))")" "$total" "page $k: the statement's total"
	# The rest is the document's: the same header (but Page), fund, checkpoint.
	expect_eq "$(sed -n '/<Fund>/,/<\/Checkpoint>/p' "$f")" "$(sed -n '/<Fund>/,/<\/Fund>/p' all.xml; sed -n '/<Checkpoint>/,/<\/Checkpoint>/p' pg-p1.xml)" \
		"page $k: the fund, and the checkpoint of page 1"
	expect_eq "$(xpath "$f" "string($(ln_ AsOf)/@event)")" "$(xpath all.xml "string($(ln_ AsOf)/@event)")" "page $k: the same cut"
	expect_eq "$(xpath "$f" "string($(ln_ Created))")" "$(xpath pg-p1.xml "string($(ln_ Created))")" "page $k: made at one time"
done
expect_eq "$sum_g" "5" "the pages' guarantees add up"
expect_eq "$sum_e" "$events" "the pages' events add up"
expect_eq "$sum_ga" "$(amount_cents "$total")" "the pages' totals add up to the statement's"
expect_eq "$total" "48250.00" "fixture: 5 x 50% of 20,000.00 less 50% of 3,500.00 repaid"

# One page, and a page size beyond the guarantees: page 1 of 1.
ok_run statement BANKITMM --from 2026-01-01 --to 2026-03-31 --page-size 10 -o one.xml
expect_eq "$(ls one* | tr '\n' ' ')" "one-p1.xml " "one page"
expect_eq "$(xpath one-p1.xml "string($(ln_ Page)/@of)")" "1" "page 1 of 1"
expect_eq "$(xpath one-p1.xml "count($(ln_ Page)/@firstLoan | $(ln_ Page)/@nextLoan)")" "0" "no bounds on the only page"
expect_eq "$(guarantee_blocks one-p1.xml)" "$(guarantee_blocks all.xml)" "the only page lists everything"
# Names: no extension, ten pages and more (zero-padded so they sort).
ok_run statement BANKITMM --from 2026-01-01 --to 2026-03-31 --page-size 1 -o noext
expect_eq "$(ls noext* | tr '\n' ' ')" "noext-p1 noext-p2 noext-p3 noext-p4 noext-p5 " "no extension: -pK at the end"
for i in 1 2 3 4 5 6 7; do
	ok_run loan add "H$i" --borrower D --bank BANKITMM --principal 1000 --date 2026-04-01
	for m in A B C; do ok_run assess "H$i" --assessor "$m" --score 7 --date 2026-04-01; done
	ok_run guarantee "H$i" --coverage 50 --date 2026-04-01
done
# H7, the last loan, gets many events: the last page of any split is the
# largest (used below).
for d in 02 03 04 05 06 07 08 09; do
	ok_run repay H7 --principal 10 --interest 1 --date "2026-04-$d"
done
ok_run statement BANKITMM --from 2026-04-01 --to 2026-04-30 --page-size 1 -o many.xml
expect_eq "$(ls many* | head -2 | tr '\n' ' ')" "many-p01.xml many-p02.xml " "12 pages: two digits"
expect_eq "$(ls many* | wc -l)" "12" "12 pages"
expect_tools_accept many-p12.xml

# ---- refusals ------------------------------------------------------------------
expect_rc 2 statement BANKITMM --from 2026-01-01 --to 2026-03-31 --page-size 0 -o bad.xml
expect_rc 2 statement BANKITMM --from 2026-01-01 --to 2026-03-31 --page-size two -o bad.xml
expect_rc 2 statement BANKITMM --from 2026-01-01 --to 2026-03-31 --page-size 2000001 -o bad.xml
expect_unchanged 2 statement BANKITMM --from 2026-01-01 --to 2026-03-31 --page-size 2 -o -
expect_contains "$ERR" "one file a page" "pages need a file"
expect_eq "$(ls bad* 2>/dev/null | wc -l)" "0" "nothing written for bad flags"
# -o never names one of the ledger's own files, paged or not: the pages
# would be renamed over them.
expect_ledger_outputs_refused statement BANKITMM --from 2026-01-01 --to 2026-03-31 --page-size 2
# Each page's file is checked too, though named only once the pages are
# counted: a ledger named as page 2 of -o pg.db (three pages of two, as
# above) is refused when that page is written, once the statement is built
# (its checkpoint signed, not kept); page 1's temporary is removed and
# nothing at all is written.  An event first, so that the statement would
# keep a checkpoint.
sqlite3 "$MCG_DB" ".backup pg-p2.db"
cp -R "$MCG_DB.keys" pg-p2.db.keys
ok_run --db pg-p2.db contribute D 1.00 --kind capital --date 2026-04-30
before=$(ledger_state pg-p2.db)
expect_rc 2 --db pg-p2.db statement BANKITMM --from 2026-01-01 --to 2026-03-31 --page-size 2 -o pg.db
expect_eq "$ERR" "mcg: error: -o pg.db, page 2 of 3: the file pg-p2.db is the ledger itself (pg-p2.db): write the document to another file" \
	"the page named as the ledger"
expect_eq "$(ledger_state pg-p2.db)" "$before" "a ledger named as a page: unchanged, no checkpoint kept"
expect_eq "$(ls -d pg.db* pg-p*.db* 2>/dev/null | tr '\n' ' ')" "pg-p2.db pg-p2.db.keys " \
	"no page and no temporary written"
expect_rc 0 --db pg-p2.db check
rm -r pg-p2.db pg-p2.db.keys

# ---- the size a verifier reads -------------------------------------------------------
# The whole period's statement, with the limit one byte below its size: it
# is refused (exit 2), nothing is written, and the error names a page size.
ok_run statement BANKITMM --from 2026-01-01 --to 2026-04-30 -o whole.xml
size=$(wc -c < whole.xml)
limit=$((size - 1))
MCG_TEST_DOC_BYTES_MAX=$limit
export MCG_TEST_DOC_BYTES_MAX
expect_rc 2 statement BANKITMM --from 2026-01-01 --to 2026-04-30 -o big.xml
expect_contains "$ERR" "more than the $limit a verifier reads" "the limit named"
expect_contains "$ERR" "split it into pages with --page-size" "a page size suggested"
expect_eq "$(ls big* 2>/dev/null | wc -l)" "0" "a refused statement writes nothing"
n=$(printf '%s\n' "$ERR" | sed -n 's/.*--page-size \([0-9]*\).*/\1/p')
case "$n" in [1-9]*) ok ;; *) fail "no page size in: $ERR" ;; esac
# Far over the limit, the document is given up while it is built (so a
# statement of years costs no more memory than one that fits): the size
# is then an estimate.
MCG_TEST_DOC_BYTES_MAX=6000
expect_rc 2 statement BANKITMM --from 2026-01-01 --to 2026-04-30 -o big.xml
expect_contains "$ERR" "would be some " "an estimated size"
expect_contains "$ERR" "split it into pages with --page-size" "a page size suggested"
est=$(printf '%s\n' "$ERR" | sed -n 's/.*would be some \([0-9]*\) bytes.*/\1/p')
[ "$est" -ge $((size * 8 / 10)) ] && [ "$est" -le $((size * 12 / 10)) ] && ok ||
	fail "estimate $est is not within 20% of the real size $size"
expect_eq "$(ls big* 2>/dev/null | wc -l)" "0" "a refused statement writes nothing"
MCG_TEST_DOC_BYTES_MAX=$limit
# ... and the page size named makes pages that fit and verify.
ok_run statement BANKITMM --from 2026-01-01 --to 2026-04-30 --page-size "$n" -o big.xml
pages=$(ls big-p*.xml | wc -l)
[ "$pages" -ge 2 ] && ok || fail "the suggested page size $n made $pages page(s)"
for f in big-p*.xml; do
	[ "$(wc -c < "$f")" -le "$limit" ] && ok || fail "$f is over the limit $limit"
	expect_tools_accept "$f"
done
# A page over the limit: refused, and no page and no temporary left, not
# even of the pages made before it.  April in pages of four: G1-G4 (no
# event), G5 H1-H3, then H4-H7 with their events and H7's repayments, the
# largest; the limit just under its size.
unset MCG_TEST_DOC_BYTES_MAX
ok_run statement BANKITMM --from 2026-04-01 --to 2026-04-30 --page-size 4 -o apr.xml
expect_eq "$(ls apr* | tr '\n' ' ')" "apr-p1.xml apr-p2.xml apr-p3.xml " "fixture: three pages"
largest=$(wc -c < apr-p3.xml)
[ "$(wc -c < apr-p1.xml)" -lt "$largest" ] && [ "$(wc -c < apr-p2.xml)" -lt "$largest" ] && ok ||
	fail "fixture: page 3 should be the largest"
MCG_TEST_DOC_BYTES_MAX=$((largest - 1))
export MCG_TEST_DOC_BYTES_MAX
expect_rc 2 statement BANKITMM --from 2026-04-01 --to 2026-04-30 --page-size 4 -o over.xml
expect_contains "$ERR" "page 3 of 3 of the bank statement would be $largest bytes" "the page named"
expect_contains "$ERR" "use a smaller --page-size" "a smaller page size asked for"
expect_eq "$(ls over* 2>/dev/null | wc -l)" "0" "no page of a refused statement is left"
# The test limit only lowers what mcg writes: what it reads stays 16 MiB.
MCG_TEST_DOC_BYTES_MAX=100
ok_run statement verify whole.xml
unset MCG_TEST_DOC_BYTES_MAX
ok_run statement BANKITMM --from 2026-01-01 --to 2026-04-30 -o again.xml
expect_eq "$(wc -c < again.xml)" "$size" "without the variable, the real limit"

# A hostile document handed to `statement verify`: 16 MiB is read (and
# found not to be XML), one byte more is refused unread.
printf '<?xml version="1.0"?>\n<BankStatement xmlns="urn:mcg:statement:1">' > head.part
hlen=$(wc -c < head.part)
{ cat head.part; head -c $((16777216 - hlen)) /dev/zero | tr '\0' ' '; } > exact.xml
{ cat head.part; head -c $((16777217 - hlen)) /dev/zero | tr '\0' ' '; } > over16.xml
expect_eq "$(wc -c < exact.xml) $(wc -c < over16.xml)" "16777216 16777217" "fixture: sizes"
expect_rc 2 statement verify over16.xml
expect_contains "$ERR" "too large (limit 16777216 bytes)" "one byte over 16 MiB: refused for its size"
expect_rc 2 statement verify exact.xml
case "$ERR" in *"too large"*) fail "16 MiB exactly was refused for its size: $ERR" ;; *) ok ;; esac
expect_contains "$ERR" "exact.xml" "16 MiB is read and parsed (not well-formed)"

# ---- a refused statement keeps no checkpoint ----------------------------------
# The checkpoint a statement carries is signed before the statement is
# built.  A statement refused after that (here for its size) must leave
# the ledger as it was, the checkpoint not kept, and no file, temporary or
# page: exit 2 says "nothing was written".  (The checkpoint used to be
# kept.)  Before each, an event, so that no checkpoint of the log's size
# is kept yet.  One document over the limit once signed (its exact size
# named) and given up while built (an estimate), to a file and to
# standard output; pages, the third over the limit once the first two are
# written.
day=0
new_event() {
	day=$((day + 1))
	ok_run contribute D 1.00 --kind capital --date "2026-05-$(printf '%02d' "$day")"
}
MCG_TEST_DOC_BYTES_MAX=$((size - 100))
export MCG_TEST_DOC_BYTES_MAX
for out in nt.xml -; do
	new_event
	expect_no_trace 2 "split it into pages with --page-size" nt \
		statement BANKITMM --from 2026-01-01 --to 2026-04-30 -o "$out"
	case "$ERR" in *"would be some"*) fail "fixture: the document should be refused once signed: $ERR" ;; *) ok ;; esac
done
MCG_TEST_DOC_BYTES_MAX=6000
for out in nt.xml -; do
	new_event
	expect_no_trace 2 "would be some " nt \
		statement BANKITMM --from 2026-01-01 --to 2026-04-30 -o "$out"
done
small=$(wc -c < apr-p2.xml)
[ "$(wc -c < apr-p1.xml)" -gt "$small" ] && small=$(wc -c < apr-p1.xml)
MCG_TEST_DOC_BYTES_MAX=$(((small + largest) / 2))
new_event
expect_no_trace 2 "page 3 of 3 of the bank statement would be" nt \
	statement BANKITMM --from 2026-04-01 --to 2026-04-30 --page-size 4 -o nt.xml
# Written, a statement keeps its checkpoint, one document or pages, to a
# file or to standard output; refused later at the same log size, the
# checkpoint kept before stays.
unset MCG_TEST_DOC_BYTES_MAX
n_kept=$(sqlite3 "$MCG_DB" 'SELECT COUNT(*) FROM checkpoints')
new_event
ok_run statement BANKITMM --from 2026-01-01 --to 2026-04-30 -o kept.xml
expect_checkpoint_kept kept.xml
MCG_TEST_DOC_BYTES_MAX=6000
export MCG_TEST_DOC_BYTES_MAX
expect_no_trace 2 "would be some " nt \
	statement BANKITMM --from 2026-01-01 --to 2026-04-30 -o nt.xml
expect_checkpoint_kept kept.xml
unset MCG_TEST_DOC_BYTES_MAX
new_event
ok_run statement BANKITMM --from 2026-04-01 --to 2026-04-30 --page-size 4 -o keptp.xml
expect_checkpoint_kept keptp-p1.xml
expect_checkpoint_kept keptp-p3.xml
new_event
mcg statement BANKITMM --from 2026-01-01 --to 2026-04-30 -o -
expect_eq "$RC" 0 "statement to standard output"
printf '%s\n' "$OUT" > kepts.xml
expect_checkpoint_kept kepts.xml
expect_eq "$(sqlite3 "$MCG_DB" 'SELECT COUNT(*) FROM checkpoints')" $((n_kept + 3)) \
	"one checkpoint kept for each statement written, none for those refused"
expect_rc 0 audit verify
