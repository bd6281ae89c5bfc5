# exposure MEMBER --format xml: the signed member statement on standard
# output, accepted by xmlsec1, xmllint and statement verify, with the same
# figures as `exposure --format csv`.

XSD="$MCG_SRC/reports/member_statement.xsd"
PUB=mcg.db.keys/statement.pub

x() {
	xmllint --xpath "string(//*[local-name()='Exposure']/*[local-name()='$2'])" "$1" 2>/dev/null
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
		fail "xmllint rejects $1: $(xmllint --noout --schema "$XSD" "$1" 2>&1 | head -2)"
	fi
	expect_rc 0 statement verify "$1"
	expect_contains "$OUT" "a member statement (urn:mcg:member-statement:1)" "verify names the kind"
}
# expect_same_as_csv FILE MEMBER
expect_same_as_csv() {
	row=$("$MCG" exposure --format csv | grep "^$2,")
	got="$2,$(x "$1" Borrowed),$(x "$1" Guaranteed),$(x "$1" Pledged),$(x "$1" Due),$(x "$1" Deposit),$(x "$1" Capital)"
	expect_eq "$got" "$row" "statement of $2 = exposure csv"
}
# member_xml MEMBER FILE: the statement, kept as printed.
member_xml() {
	"$MCG" exposure "$1" --format xml > "$2"
	RC=$?
	expect_eq "$RC" "0" "exposure $1 --format xml"
}

setup_consortium
ok_run loan add L2 --borrower D --bank BANKITMM --principal 60000 --date 2026-01-10
for m in A B C; do ok_run assess L2 --assessor "$m" --score 6 --date 2026-01-11; done
ok_run guarantee L2 --coverage 40 --deposit 1000 --pledge A:3000 --pledge B:3000 --pledge C:3000 --date 2026-01-15
ok_run repay L2 --principal 5000 --date 2026-02-15

member_xml D d.xml
expect_tools_accept d.xml
expect_same_as_csv d.xml D
expect_eq "$(x d.xml Guaranteed)" "22000.00" "D guaranteed"
expect_eq "$(xmllint --xpath 'string(//*[local-name()="Loans"]/@count)' d.xml)" "1" "one loan"
expect_eq "$(xmllint --xpath 'string(//*[local-name()="Loan"][@id="L2"]/*[local-name()="Outstanding"])' d.xml)" "55000.00" "its outstanding"
member_xml A a.xml
expect_tools_accept a.xml
expect_same_as_csv a.xml A
expect_eq "$(xmllint --xpath 'string(//*[local-name()="Pledge"][@loan="L2"]/*[local-name()="AtRisk"])' a.xml)" "3000.00" "A's pledge at risk"
expect_eq "$(xmllint --xpath 'string(//*[local-name()="Member"]/@id)' a.xml)" "A" "the member"
size=$(sqlite3 "$MCG_DB" "SELECT MAX(seq) FROM events")
expect_eq "$(xmllint --xpath 'string(//*[local-name()="AsOf"]/@event)' a.xml)" "$size" "as of the last event"
expect_eq "$(xmllint --xpath 'string(//*[local-name()="Checkpoint"]/*[local-name()="Size"])' a.xml)" "$size" "checkpoint of the same log"

# After a default and a call: A owes its part of the loss.
ok_run arrears L2 --dpd 95 --date 2026-05-20
ok_run call L2 --amount 13000 --date 2026-06-01
member_xml A a2.xml
expect_tools_accept a2.xml
expect_same_as_csv a2.xml A
expect_eq "$(x a2.xml Due)" "3000.00" "A owes 3,000.00"
expect_eq "$(xmllint --xpath 'string(//*[local-name()="Pledge"][@loan="L2"]/*[local-name()="Loss"])' a2.xml)" "3000.00" "A's loss"
# Tampering is caught.
sed 's|<Due>3000.00</Due>|<Due>0.00</Due>|' a2.xml > a2-forged.xml
expect_rc 4 statement verify a2-forged.xml
expect_contains "$ERR" "digest does not match" "forged due"

# A withdrawn member has a statement too (status withdrawn).
ok_run member add G --name "Firm G" --date 2026-06-02
ok_run contribute G 300 --kind capital --date 2026-06-02
ok_run member withdraw G --date 2026-06-03
member_xml G g.xml
expect_tools_accept g.xml
expect_eq "$(xmllint --xpath 'string(//*[local-name()="Member"]/@status)' g.xml)" "withdrawn" "withdrawn status"
expect_same_as_csv g.xml G

# Refusals: nothing on standard output.
expect_rc 2 exposure NOBODY --format xml
expect_eq "$OUT" "" "nothing printed for an unknown member"
expect_rc 2 exposure --format xml
expect_contains "$ERR" "give MEMBER" "xml needs a member"
expect_rc 2 exposure A --format pdf
# Refused for its size once its checkpoint is signed: the checkpoint is not
# kept (it used to be), nothing is printed.  An event first, so that no
# checkpoint of the log's size is kept yet; then, written, it keeps one.
ok_run contribute A 1.00 --kind capital --date 2026-06-04
MCG_TEST_DOC_BYTES_MAX=1000
export MCG_TEST_DOC_BYTES_MAX
expect_no_trace 2 "the member statement would be" none exposure A --format xml
unset MCG_TEST_DOC_BYTES_MAX
member_xml A kept.xml
expect_checkpoint_kept kept.xml
# The other formats are as before.
ok_run exposure A --format csv
expect_contains "$OUT" "member,borrowed,guaranteed,pledged,due,deposit,capital" "csv unchanged"
expect_rc 0 check
