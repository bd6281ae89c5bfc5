# Documents of a currency without minor digits (JPY), with names that need
# escaping and are not ASCII: still valid, signed, and exact.

PUB=mcg.db.keys/statement.pub
ok_run init --name 'Kyōdō & <Co> "Q"' --currency JPY --date 2026-01-01
for m in A B C D; do
	ok_run member add "$m" --name "Ditta $m & Figli «Più»" --district 'Prato <Nord>' --date 2026-01-02
	ok_run contribute "$m" 100000 --kind capital --date 2026-01-02
done
ok_run bank add MIZUJPJT --name 'Bank <&> 銀行' --date 2026-01-02
ok_run contribute A 10000000 --kind fund --date 2026-01-02
ok_run loan add L1 --borrower A --bank MIZUJPJT --principal 1000001 --date 2026-01-03
for m in B C D; do ok_run assess L1 --assessor "$m" --score 7 --date 2026-01-03; done
# GA = pct(1,000,001, 33.33%) = 333,300.33 -> 333,300 yen.
ok_run guarantee L1 --coverage 33.33 --date 2026-01-04
ok_run statement MIZUJPJT --from 2026-01-01 --to 2026-12-31 -o s.xml
ok_run report regulatory --from 2026-01-01 --to 2026-12-31 -o r.xml
"$MCG" exposure A --format xml > m.xml
for pair in s:statement r:regulatory m:member_statement; do
	f=${pair%%:*}.xml
	xsd="$MCG_SRC/reports/${pair#*:}.xsd"
	if xmllint --noout --schema "$xsd" "$f" >/dev/null 2>&1; then ok; else
		fail "xmllint rejects $f: $(xmllint --noout --schema "$xsd" "$f" 2>&1 | head -1)"
	fi
	if xmlsec1 --verify --enabled-key-data key-name --enabled-reference-uris empty \
		--pubkey-pem "$PUB" "$f" >/dev/null 2>&1; then ok; else
		fail "xmlsec1 rejects $f"
	fi
	expect_rc 0 statement verify "$f"
done
expect_eq "$(xmllint --xpath 'string(/*/@currency)' s.xml)" "JPY" "currency"
expect_eq "$(xmllint --xpath 'string(//*[local-name()="TotalGuaranteed"])' s.xml)" "333300" "yen have no decimals"
expect_eq "$(xmllint --xpath 'string(//*[local-name()="Consortium"])' s.xml)" 'Kyōdō & <Co> "Q"' "name escaped and read back"
expect_eq "$(xmllint --xpath 'string(//*[local-name()="Bank"])' s.xml)" 'Bank <&> 銀行' "bank name"
expect_eq "$(xmllint --xpath 'string(//*[local-name()="ByDistrict"]/*/@key)' r.xml)" 'Prato <Nord>' "district as a key"
expect_eq "$(xmllint --xpath 'string(//*[local-name()="Capital"])' m.xml)" "100000" "capital in yen"
