# statement verify, and what the standard tools say of tampered documents:
# a changed amount, a removed element, a moved or wrapping signature,
# another key, a DOCTYPE, a malformed file.  mcg exits 4 naming what does
# not hold, 2 for a file it cannot read as XML.

XSD="$MCG_SRC/reports/statement.xsd"
PUB=mcg.db.keys/statement.pub

# xmlsec1_rejects FILE WHAT: both the strict and the plain xmlsec1 refuse.
xmlsec1_rejects() {
	if xmlsec1 --verify --enabled-key-data key-name --enabled-reference-uris empty \
		--pubkey-pem "$PUB" "$1" >/dev/null 2>&1; then
		fail "$2: xmlsec1 (strict) accepts $1"
	else ok; fi
	if xmlsec1 --verify --pubkey-pem "$PUB" "$1" >/dev/null 2>&1; then
		fail "$2: xmlsec1 --verify --pubkey-pem accepts $1"
	else ok; fi
}
xmllint_rejects() {
	if xmllint --noout --schema "$XSD" "$1" >/dev/null 2>&1; then
		fail "$2: xmllint accepts $1"
	else ok; fi
}
# mcg_rejects CODE FILE NEEDLE WHAT [ARGS...]
mcg_rejects() {
	code=$1 file=$2 needle=$3 what=$4
	shift 4
	expect_rc "$code" statement verify "$file" "$@"
	expect_contains "$ERR" "$needle" "$what"
}
# The signed document with the signature's values emptied: a template
# xmlsec1 --sign fills in again.
template_of() {
	sed 's|<ds:DigestValue>[^<]*</ds:DigestValue>|<ds:DigestValue/>|' "$1" | awk '
		/<ds:SignatureValue>/ { skip = 1 }
		skip && /<\/ds:SignatureValue>/ { print "<ds:SignatureValue/>"; skip = 0; next }
		!skip { print }'
}

setup_consortium
ok_run loan add L1 --borrower A --bank BANKITMM --principal 50000 --date 2026-01-10
for m in B C D; do ok_run assess L1 --assessor "$m" --score 7 --date 2026-01-11; done
ok_run guarantee L1 --coverage 50 --deposit 500 --pledge B:2000 --date 2026-01-12
ok_run statement BANKITMM --from 2026-01-01 --to 2026-03-31 -o s.xml
ok_run statement verify s.xml
expect_contains "$OUT" "signature: valid" "genuine: signature"
expect_contains "$OUT" "schema: valid against reports/statement.xsd" "genuine: schema"
expect_contains "$OUT" "consistent with its log" "genuine: checkpoint"
grep -q '<TotalGuaranteed>25000.00</TotalGuaranteed>' s.xml && ok || fail "fixture: the total is 25000.00"

# ---- one character of an amount changed ------------------------------------
sed 's|<TotalGuaranteed>25000.00<|<TotalGuaranteed>25000.01<|' s.xml > amount.xml
expect_eq "$(cmp s.xml amount.xml >/dev/null 2>&1 || echo differ)" "differ" "the sed changed something"
xmlsec1_rejects amount.xml "changed amount"
mcg_rejects 4 amount.xml "digest does not match" "changed amount"
# A change that also breaks the schema: xmllint refuses it too.
sed 's|<TotalGuaranteed>25000.00<|<TotalGuaranteed>2500O.00<|' s.xml > letter.xml
xmlsec1_rejects letter.xml "amount with a letter"
xmllint_rejects letter.xml "amount with a letter"
mcg_rejects 4 letter.xml "signature" "amount with a letter"

# ---- an element removed ---------------------------------------------------------
grep -v '<Pledge member="B">' s.xml > removed.xml
xmlsec1_rejects removed.xml "removed pledge"
mcg_rejects 4 removed.xml "digest does not match" "removed pledge"
grep -v '<Deposit>' s.xml > nodeposit.xml
xmlsec1_rejects nodeposit.xml "removed deposit"
xmllint_rejects nodeposit.xml "removed deposit"
mcg_rejects 4 nodeposit.xml "signature" "removed deposit"

# ---- the signature moved -------------------------------------------------------
# To the front of the document: the content is unchanged, but mcg accepts
# only a signature that is the root's last element.
awk '
	/<ds:Signature / { insig = 1 }
	insig { sub(/<\/BankStatement>$/, ""); sig = sig $0 "\n"; next }
	{ body = body $0 "\n" }
	END {
		n = split(body, lines, "\n")
		for (i = 1; i < n; i++) {
			print lines[i]
			if (lines[i] ~ /^<BankStatement /) printf "%s", sig
		}
		print "</BankStatement>"
	}' s.xml > moved.xml
expect_eq "$(grep -c '<ds:Signature ' moved.xml)" "1" "fixture: one signature, moved"
xmllint_rejects moved.xml "signature first"
mcg_rejects 4 moved.xml "must be the last element child" "signature first"
# Wrapping: the signed content kept inside the signature (a ds:Object)
# while the document shows a forged figure.  The digest covers the whole
# document but the signature, so the forged figure breaks it; mcg also
# refuses the shape.
awk '
	/<ds:Signature / { insig = 1 }
	!insig { body = body $0 "\n" }
	insig && /<\/ds:Signature>/ {
		sub(/<\/ds:Signature><\/BankStatement>$/, "")
		print
		print "<ds:Object>" orig "</ds:Object></ds:Signature></BankStatement>"
		next
	}
	insig { print; next }
	!insig {
		line = $0
		if (line ~ /<TotalGuaranteed>/ && !forged) { orig = line; sub(/25000.00/, "99999.00", line); forged = 1 }
		print line
	}' s.xml > wrapped.xml
expect_eq "$(grep -c '99999.00' wrapped.xml)" "1" "fixture: forged figure"
expect_eq "$(grep -c '<ds:Object>' wrapped.xml)" "1" "fixture: wrapped original"
xmlsec1_rejects wrapped.xml "wrapping"
mcg_rejects 4 wrapped.xml "signature" "wrapping"
# The same wrapper around unchanged content: the cryptography holds (the
# enveloped transform drops the whole signature), mcg's shape check does not.
awk '
	/<\/ds:Signature><\/BankStatement>$/ { sub(/<\/ds:Signature><\/BankStatement>$/, "<ds:Object><Note>hello</Note></ds:Object></ds:Signature></BankStatement>") }
	{ print }' s.xml > object.xml
mcg_rejects 4 object.xml "may hold only SignedInfo, SignatureValue and KeyInfo" "extra ds:Object"
# Two signatures.
awk '/<\/ds:Signature><\/BankStatement>$/ { sub(/<\/BankStatement>$/, "") ; print; sig = 1; next } { print }' s.xml > two.xml
sed -n '/<ds:Signature /,/<\/ds:Signature>/p' s.xml | sed 's|</ds:Signature></BankStatement>|</ds:Signature>|' >> two.xml
echo '</BankStatement>' >> two.xml
mcg_rejects 4 two.xml "exactly one is allowed" "two signatures"
# No signature at all.
awk '/<ds:Signature /{ skip = 1 } !skip { print } /<\/ds:Signature><\/BankStatement>$/ { print "</BankStatement>"; skip = 0 }' s.xml > unsigned.xml
mcg_rejects 4 unsigned.xml "not signed" "unsigned"
# The schema allows the signature to be absent (an unsigned draft validates).
if xmllint --noout --schema "$XSD" unsigned.xml >/dev/null 2>&1; then ok; else
	fail "xmllint rejects the unsigned document"
fi

# ---- another key -----------------------------------------------------------------
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out other.key 2>/dev/null
openssl pkey -in other.key -pubout -out other.pub 2>/dev/null
# A forger changes an amount and signs with his own key.
template_of amount.xml > tmpl.xml
if xmlsec1 --sign --privkey-pem other.key --output forged.xml tmpl.xml >/dev/null 2>&1; then ok; else
	fail "xmlsec1 --sign of the forged copy failed"
fi
if xmlsec1 --verify --pubkey-pem other.pub forged.xml >/dev/null 2>&1; then ok; else
	fail "fixture: the forger's own signature should verify with his key"
fi
xmlsec1_rejects forged.xml "another key"
mcg_rejects 4 forged.xml "signature value is wrong" "another key"
mcg_rejects 4 s.xml "signature value is wrong" "genuine document, wrong --pubkey" --pubkey other.pub
# A second ledger's statement: its own key.
ok_run --db other.db init --name "Other Consortium" --date 2026-01-01
ok_run --db other.db bank add BANKITMM --name "Banca Test" --date 2026-01-02
ok_run --db other.db statement BANKITMM --from 2026-01-01 --to 2026-03-31 -o other.xml
mcg_rejects 4 other.xml "signature value is wrong" "second ledger's statement, our key"
# With its own key the signature holds, but its checkpoint is not of our log.
mcg_rejects 4 other.xml "checkpoint does not hold against the ledger" "second ledger's checkpoint" \
	--pubkey other.db.keys/statement.pub
ok_run --db other.db statement verify other.xml
# A document whose checkpoint figures differ from its own signed note,
# signed by the forger: the signature holds with his key, the checkpoint not.
sed 's|<Size>\([0-9]*\)</Size>|<Size>1\1</Size>|' s.xml > size.xml
template_of size.xml > tmpl2.xml
xmlsec1 --sign --privkey-pem other.key --output size-signed.xml tmpl2.xml >/dev/null 2>&1
mcg_rejects 4 size-signed.xml "differ from its signed note" "checkpoint size changed" --pubkey other.pub

# ---- DOCTYPE, entities ------------------------------------------------------------
sed '1a <!DOCTYPE BankStatement [<!ENTITY bank "Banca Falsa">]>' s.xml > doctype.xml
mcg_rejects 4 doctype.xml "DOCTYPE" "DOCTYPE added"
sed -e '1a <!DOCTYPE BankStatement [<!ENTITY bank "Banca Falsa">]>' -e 's|>Banca Test<|>\&bank;<|' s.xml > entity.xml
mcg_rejects 4 entity.xml "DOCTYPE" "entity used"
sed '1a <!DOCTYPE BankStatement SYSTEM "http://example.invalid/x.dtd">' s.xml > external.xml
mcg_rejects 4 external.xml "DOCTYPE" "external DTD"
printf '<?xml version="1.0"?>\n<!-- c -->\n<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]>\n<BankStatement xmlns="urn:mcg:statement:1">&lol2;</BankStatement>\n' > laughs.xml
mcg_rejects 4 laughs.xml "DOCTYPE" "billion laughs"

# ---- comments and processing instructions ------------------------------------------------
# Exclusive canonicalization without comments leaves a comment out of what
# is signed: one put inside a signed figure keeps the signature valid while
# a reader of the first text node sees another figure.  mcg writes none.
first_amount=$(grep -o '<GuaranteedAmount>[0-9]*[0-9][0-9]*\.[0-9][0-9]</GuaranteedAmount>' s.xml | head -n 1)
expect_contains "$first_amount" "<GuaranteedAmount>" "the statement has an amount to cut"
cut_amount=$(printf '%s' "$first_amount" | sed 's|<GuaranteedAmount>\([0-9]\)|<GuaranteedAmount>\1<!---->|')
sed "0,\|$first_amount|s||$cut_amount|" s.xml > comment.xml
expect_eq "$(grep -c '<!---->' comment.xml)" 1 "a comment inside a figure"
if command -v xmlsec1 >/dev/null 2>&1; then
	# xmlsec1 alone accepts it: the comment is outside the signature.
	if xmlsec1 --verify --pubkey-pem "$MCG_DB.keys/statement.pub" --enabled-key-data key-name \
		--enabled-reference-uris empty comment.xml >/dev/null 2>&1; then ok; else
		fail "xmlsec1 should accept the commented figure (the premise of this test)"
	fi
fi
mcg_rejects 4 comment.xml "comment.xml:" "a comment inside a signed figure"
expect_contains "$ERR" "has a comment; mcg never writes one, and the signature does not cover it" \
	"the comment named"
# A CDATA section is the same trick: canonicalization makes it text.
sed '0,/<TotalGuaranteed>25000.00/s//<TotalGuaranteed>2<![CDATA[5000.00]]>/' s.xml > cdata.xml
expect_eq "$(grep -c 'CDATA' cdata.xml)" 1 "a CDATA section inside a figure"
mcg_rejects 4 cdata.xml "cdata.xml: has a CDATA section; mcg never writes one" "a CDATA section inside a signed figure"
sed '1a <!-- a note -->' s.xml > prolog-comment.xml
mcg_rejects 4 prolog-comment.xml "has a comment" "a comment before the root"
sed '0,/<Header>/s//<Header><?render red?>/' s.xml > pi.xml
mcg_rejects 4 pi.xml "has a processing instruction" "a processing instruction"

# ---- unreadable, malformed, not ours ------------------------------------------------
head -c 700 s.xml > truncated.xml
mcg_rejects 2 truncated.xml "truncated.xml" "truncated"
: > empty.xml
expect_rc 2 statement verify empty.xml
expect_rc 2 statement verify nosuchfile.xml
expect_contains "$ERR" "nosuchfile.xml" "missing file named"
# With no ledger and no key either, the missing document is what is named.
mkdir -p alone
(cd alone && env -u MCG_DB "$MCG" statement verify nosuchfile.xml) >/dev/null 2>alone.err
expect_eq "$(cat alone.err)" "mcg: error: cannot read 'nosuchfile.xml': No such file or directory" \
	"a missing document is named before a missing key"
printf '<?xml version="1.0"?>\n<Statement xmlns="urn:other:1"/>\n' > foreign.xml
mcg_rejects 4 foreign.xml "not a document mcg signs" "foreign namespace"
sed 's|<BankStatement |<Statement |; s|</BankStatement>|</Statement>|' s.xml > rootname.xml
mcg_rejects 4 rootname.xml "root element" "wrong root name"
expect_rc 2 statement verify s.xml --pubkey nosuch.pub
expect_rc 2 statement verify s.xml --pubkey s.xml
expect_rc 2 statement verify
expect_rc 2 statement verify a.xml b.xml

# ---- without the ledger; after the log grew ---------------------------------------------
ok_run --db nowhere.db statement verify s.xml --pubkey "$PUB"
expect_contains "$OUT" "not checked against a log" "no ledger at hand"
expect_rc 2 --db nowhere.db statement verify s.xml
expect_contains "$ERR" "give --pubkey" "no key without the ledger"
# The key looked for is the ledger's statement.pub, in its keys folder:
# <ledger>.keys by default, the one --keys names otherwise.
expect_contains "$ERR" "nowhere.db.keys/statement.pub does not exist" "the default keys folder's key named"
expect_rc 2 --db nowhere.db --keys elsewhere statement verify s.xml
expect_contains "$ERR" "elsewhere/statement.pub does not exist" "the --keys folder's key named"
ok_run repay L1 --principal 1000 --date 2026-04-01
ok_run audit checkpoint
ok_run statement verify s.xml
expect_contains "$OUT" "consistent with its log" "an older statement still holds as the log grows"

# ---- an event row changed by hand ------------------------------------------------------
# The documents' figures are read from the event rows, and the checkpoint's
# root from the stored tree, which does not read them: with a repayment's
# interest changed in its row, mcg signed that figure under a root that
# still held, and statement verify called the statement consistent with
# the log.  Now nothing is signed over a log whose rows do not verify, and
# verify recomputes the rows.
cp "$MCG_DB" tampered.db
seq=$(sqlite3 tampered.db "SELECT seq FROM events WHERE type = 'repay' ORDER BY seq DESC LIMIT 1")
sqlite3 tampered.db "UPDATE events SET fields = replace(fields, 'principal=100000', 'principal=1') WHERE seq = $seq" ||
	fail "could not change the repayment"
expect_eq "$(sqlite3 tampered.db "SELECT fields LIKE '%principal=1' || char(10) || '%' FROM events WHERE seq = $seq")" 1 \
	"the repayment's principal changed in its row"
tampered_sum=$(cat tampered.db | sha256sum)
for what in "statement BANKITMM --from 2026-01-01 --to 2026-06-30 -o t1.xml" \
	"report regulatory --from 2026-01-01 --to 2026-06-30 -o t2.xml" \
	"exposure A --format xml"; do
	# shellcheck disable=SC2086
	expect_rc 4 --db tampered.db --keys "$MCG_DB.keys" $what
	expect_contains "$ERR" "refusing to sign: the audit log does not verify: event $seq does not match the audit log" "$what over a changed event row"
	expect_eq "$OUT" "" "$what over a changed event row: nothing printed"
done
expect_eq "$(ls t1*.xml t2*.xml 2>/dev/null)" "" "no document written over a changed event row"
expect_eq "$(cat tampered.db | sha256sum)" "$tampered_sum" "no checkpoint kept over a changed event row"
expect_rc 4 --db tampered.db --keys "$MCG_DB.keys" statement verify s.xml
expect_contains "$ERR" "the checkpoint does not hold against the ledger" \
	"a genuine statement checked against a log whose rows were changed"
expect_contains "$ERR" "event $seq does not match the audit log" "the changed row named"

# ---- a state row changed by hand ----------------------------------------------------
# Some figures are read from the state, not the event rows: a member's
# name, a loan's terms, a guarantee's terms, peer score, PD and pledges,
# the assessments, the frozen GA, a member's balances.  The audit log does not cover those rows, so before
# anything is signed what is written once is compared with the event that
# wrote it (ledger/check_facts.c), and what moves is recomputed from the
# events (reports/portfolio.c; a member's balances, member_statement.c).
# Each change below is one `mcg check` finds too; none may be signed.
ok_run member add E --name "Firm E" --date 2026-04-02
ok_run member withdraw E --date 2026-04-03
ok_run arrears L1 --dpd 30 --date 2026-04-04
ok_run loan add L2 --borrower C --bank BANKITMM --principal 20000 --date 2026-04-05
for m in A B D; do ok_run assess L2 --assessor "$m" --score 8 --date 2026-04-06; done
ok_run guarantee L2 --coverage 60 --deposit 200 --date 2026-04-07
ok_run repay L2 --principal 5000 --date 2026-04-08
ok_run arrears L2 --dpd 120 --date 2026-04-09
expect_eq "$(sqlite3 "$MCG_DB" "SELECT status || ' ' || ga FROM loan_state WHERE id = 'L2'")" "defaulted 900000" \
	"fixture: L2 defaulted with 60% of 15,000.00 frozen"
expect_eq "$(sqlite3 "$MCG_DB" "SELECT status FROM loan_state WHERE id = 'L1'")" "active" \
	"fixture: L1 active after arrears below the threshold"
ok_run check

# refuses_to_sign SQL NEEDLE COMMAND...: each COMMAND, on a copy of the
# ledger changed by SQL, exits 4 naming NEEDLE, writes nothing, keeps no
# checkpoint.  Commands are words split on spaces.
refuses_to_sign() {
	sql=$1 needle=$2
	shift 2
	rm -f facts.db f1*.xml f2*.xml && cp "$MCG_DB" facts.db
	sqlite3 facts.db "$sql" || { fail "could not run: $sql"; return; }
	expect_eq "$(cmp -s "$MCG_DB" facts.db && echo unchanged)" "" "$sql: changed the copy"
	before=$(cat facts.db | sha256sum)
	expect_rc 4 --db facts.db --keys "$MCG_DB.keys" check
	for what in "$@"; do
		# shellcheck disable=SC2086
		expect_rc 4 --db facts.db --keys "$MCG_DB.keys" $what
		expect_contains "$ERR" "refusing to sign: the state does not match the events: $needle" \
			"$what after: $sql"
		expect_eq "$OUT" "" "$what after: $sql: nothing printed"
	done
	expect_eq "$(ls f1*.xml f2*.xml 2>/dev/null)" "" "$sql: no document written"
	expect_eq "$(cat facts.db | sha256sum)" "$before" "$sql: no checkpoint kept"
}
ALL_DOCUMENTS="statement BANKITMM --from 2026-01-01 --to 2026-06-30 -o f1.xml
report regulatory --from 2026-01-01 --to 2026-06-30 -o f2.xml
exposure B --format xml"
# SQL | what the refusal names, by every signed document
while IFS='|' read -r sql needle; do
	[ -n "$sql" ] || continue
	old_ifs=$IFS IFS='
'
	# shellcheck disable=SC2086
	set -- $ALL_DOCUMENTS
	IFS=$old_ifs
	refuses_to_sign "$sql" "$needle" "$@"
done <<'CASES'
UPDATE members SET name = 'Firm Z' WHERE id = 'A'|member A: its name in the state is not what event
UPDATE members SET sector = 'C10' WHERE id = 'B'|member B: its sector in the state
UPDATE members SET district = NULL WHERE id = 'C'|member C: its district in the state
UPDATE members SET joined = joined - 1 WHERE id = 'D'|member D: its date joined in the state
UPDATE members SET status = 'active' WHERE id = 'E'|member E: its status in the state
UPDATE members SET status = 'withdrawn' WHERE id = 'D'|the state holds 2 members not active where the events made 1
INSERT INTO members(id, name, status, joined) VALUES('F', 'Firm F', 'active', 20454)|the state holds 6 members where the events made 5
UPDATE banks SET name = 'Banca Altra' WHERE bic = 'BANKITMM'|bank BANKITMM: its name in the state
UPDATE loan_terms SET borrower = 'C' WHERE id = 'L1'|loan L1: its borrower in the state
UPDATE loan_terms SET principal = 60000 WHERE id = 'L1'|loan L1: its principal in the state
UPDATE loan_terms SET rate_bp = 500 WHERE id = 'L1'|loan L1: its rate in the state
UPDATE guarantees SET coverage_bp = 6000 WHERE loan = 'L1'|guarantee of loan L1: its coverage in the state
UPDATE guarantees SET cap = 1000000 WHERE loan = 'L1'|guarantee of loan L1: its cap in the state
UPDATE guarantees SET deposit = 1 WHERE loan = 'L1'|guarantee of loan L1: its deposit in the state
UPDATE guarantees SET ga0 = ga0 + 1 WHERE loan = 'L1'|guarantee of loan L1: its guaranteed amount in the state
UPDATE guarantees SET fee = fee + 1 WHERE loan = 'L1'|guarantee of loan L1: its fee in the state
UPDATE guarantees SET fund_contribution = 0 WHERE loan = 'L1'|guarantee of loan L1: its fund contribution in the state
UPDATE guarantees SET rules_version = 2 WHERE loan = 'L1'|guarantee of loan L1: its rules version in the state
UPDATE guarantees SET score_x2 = score_x2 + 1 WHERE loan = 'L1'|guarantee of loan L1: its peer score in the state
UPDATE guarantees SET assessments = 2 WHERE loan = 'L1'|guarantee of loan L1: its assessments counted in the state
UPDATE guarantees SET pd_bp = pd_bp + 1 WHERE loan = 'L2'|guarantee of loan L2: its PD in the state
UPDATE assessments SET score = 3 WHERE loan = 'L1' AND assessor = 'C'|assessment of loan L1: its score in the state
DELETE FROM assessments WHERE loan = 'L2' AND assessor = 'D'|the assessment of loan L2, which event
INSERT INTO assessments(seq, loan, assessor, score, date) VALUES(100000, 'L2', 'E', 9, 20549)|the state holds 7 assessments where the events made 6
UPDATE pledges SET amount = 300000 WHERE loan = 'L1'|guarantee of loan L1: its pledges in the state
DELETE FROM pledges WHERE loan = 'L1'|guarantee of loan L1: its pledges in the state
INSERT INTO pledges(loan, member, amount, loss, recovered) VALUES('L1', 'C', 100, 0, 0)|guarantee of loan L1: its pledges in the state
UPDATE rules_versions SET rules = replace(rules, 'peer_quorum=3', 'peer_quorum=1')|rules version 1: its event or text in the state
UPDATE ledger_facts SET value = 'Other Consortium' WHERE key = 'name'|the ledger's fact name: its value in the state
UPDATE guarantees SET ga_frozen = ga_frozen + 1 WHERE loan = 'L2'|loan L2: its events give a guaranteed amount frozen at default of 900000 but the state holds 900001
UPDATE guarantees SET ga_frozen = 100 WHERE loan = 'L1'|loan L1: its events hold no default but the state a frozen guaranteed amount
UPDATE loan_state SET status = 'defaulted' WHERE id = 'L1'; UPDATE guarantees SET ga_frozen = (SELECT ga FROM loan_state WHERE id = 'L1') WHERE loan = 'L1'|loan L1: its events hold no default
UPDATE loan_state SET outstanding = outstanding + 100 WHERE id = 'L1'|loan L1: its events give active, outstanding 4900000, GA 2450000 but the state holds active, 4900100, 2450000
UPDATE balances SET balance = balance + 1 WHERE account = 'fund'|the fund's postings do not sum to its balance
UPDATE totals SET value = value + 1 WHERE name = 'total_ga'|the guaranteed amounts of the loans sum to
CASES
# A member's own balances are read by its statement alone.
refuses_to_sign "UPDATE balances SET balance = balance - 1 WHERE account = 'capital:B'" \
	"the postings of capital:B sum to -100000 but its balance is -100001" "exposure B --format xml"
refuses_to_sign "INSERT INTO balances(account, balance) VALUES('due:B', 500)" \
	"the postings of due:B sum to 0 but its balance is 500" "exposure B --format xml"
ok_run exposure B --format xml
expect_contains "$OUT" "<MemberStatement" "the genuine ledger's member statement is still signed"
