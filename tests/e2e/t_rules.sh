# rules show | load | check, and hostile rules files that change nothing.
cp "$MCG_SRC/rules/default.xml" default.xml
ok_run init --name "R" --date 2026-01-01 --rules default.xml
ok_run rules show
expect_contains "$OUT" "rules version 1" "version 1 in force"
expect_contains "$OUT" "80.00%" "default coverage shown"

sed 's|<coverage_max>80</coverage_max>|<coverage_max>62.5</coverage_max>|' default.xml > r2.xml
ok_run rules check r2.xml
expect_contains "$OUT" "62.50%" "check shows the figures"
expect_eq "$(sqlite3 "$MCG_DB" 'SELECT COUNT(*) FROM rules_versions')" 1 "check loads nothing"
ok_run rules load r2.xml --date 2026-01-02 --ref rules-2
ok_run rules show
expect_contains "$OUT" "rules version 2" "version 2 in force"
expect_contains "$OUT" "62.50%" "new coverage in force"
expect_rc 0 rules load r2.xml --date 2026-01-02 --ref rules-2
expect_eq "$(sqlite3 "$MCG_DB" 'SELECT COUNT(*) FROM rules_versions')" 2 "replayed load is a no-op"

# Hostile and malformed files: exit 2, a clear message, nothing written.
printf '<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>\n<rules xmlns="urn:mcg:rules:1">&lol2;</rules>\n' > laughs.xml
printf '<?xml version="1.0"?>\n<!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n<rules xmlns="urn:mcg:rules:1"><coverage_max>&xxe;</coverage_max></rules>\n' > xxe.xml
sed 's|<coverage_max>80</coverage_max>|<coverage_max>101</coverage_max>|' default.xml > over.xml
sed 's|<coverage_max>80</coverage_max>|<coverage_max>abc</coverage_max>|' default.xml > type.xml
sed '/<peer_quorum>/d' default.xml > missing.xml
sed 's|<lgd>|<surprise>1</surprise><lgd>|' default.xml > unknown.xml
sed 's|urn:mcg:rules:1|urn:other|' default.xml > ns.xml
printf '<rules xmlns="urn:mcg:rules:1"><coverage_max>80</coverage_max>' > truncated.xml
for f in laughs.xml xxe.xml over.xml type.xml missing.xml unknown.xml ns.xml truncated.xml no-such-file.xml; do
	expect_unchanged 2 rules load "$f" --date 2026-01-03
	expect_contains "$ERR" "mcg: error: " "error for $f"
	expect_rc 2 rules check "$f"
done
expect_contains "$(cat /dev/null; "$MCG" rules check xxe.xml 2>&1)" "DOCTYPE" "DTD refused by name"
mcg rules check type.xml
expect_contains "$ERR" "type.xml:" "error names the file and line"
# A 20 MB file is refused for its size.
{ echo '<rules xmlns="urn:mcg:rules:1">'; head -c 20000000 /dev/zero | tr '\0' ' '; echo '</rules>'; } > big.xml
expect_unchanged 2 rules load big.xml --date 2026-01-03
expect_contains "$ERR" "too large" "size limit named"
# Deep nesting.
{ i=0; while [ $i -lt 200 ]; do printf '<a>'; i=$((i+1)); done; } > deep.xml
expect_unchanged 2 rules load deep.xml --date 2026-01-03
# A refused init leaves no ledger behind.
expect_rc 2 --db other.db init --name X --rules xxe.xml
[ ! -e other.db ] && [ ! -e other.db.keys ] && ok || fail "refused init left files behind"
expect_rc 0 check
