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
# A schema error names the line and the column (CLI.md) where its element
# opens: libxml2 gives the line only, mcg finds the column.
line=$(grep -n '<coverage_max>' type.xml | cut -d: -f1)
col=$(($(grep '<coverage_max>' type.xml | sed 's/<coverage_max>.*//' | wc -c)))
mcg rules check type.xml
expect_contains "$ERR" "mcg: error: type.xml:$line:$col: Element 'coverage_max': 'abc' is not a valid value" \
	"a bad value: the file, line and column of its element"
line=$(grep -n '<surprise>' unknown.xml | cut -d: -f1)
col=$(($(grep '<surprise>' unknown.xml | sed 's/<surprise>.*//' | wc -c)))
mcg rules check unknown.xml
expect_contains "$ERR" "mcg: error: unknown.xml:$line:$col: Element 'surprise': This element is not expected." \
	"an unknown element: the file, line and column where it opens"
# Finding the column reads the line once: a line of two million "<a:" in
# a comment before the bad element once made it quadratic (a hang; the
# test allows 30 s for what takes well under one).
awk '{ if ($0 ~ /<lgd>/) { printf "<!-- "; for (i = 0; i < 2000000; i++) printf "<a:"; printf " -->"; sub(/<lgd>45/, "<lgd>x") } print }' \
	default.xml > colons.xml
line=$(grep -n '<lgd>x' colons.xml | cut -d: -f1)
mcg_timed_out=0
timeout 30 "$MCG" rules check colons.xml >/dev/null 2>colons.err || mcg_timed_out=$?
expect_eq "$mcg_timed_out" 2 "a hostile line before a bad value: refused (exit 2), not a hang (124)"
expect_contains "$(cat colons.err)" "colons.xml:$line:6000012: Element 'lgd'" "the column past six million bytes"
# Columns count characters, not bytes: a comment of accented letters before.
sed 's|<lgd>|<!-- perdita àèé --><lgd>x|' default.xml > accents.xml
line=$(grep -n '<lgd>' accents.xml | cut -d: -f1)
col=$(($(grep '<lgd>' accents.xml | sed 's/<lgd>.*//' | LC_ALL=C.UTF-8 wc -m)))
mcg rules check accents.xml
expect_contains "$ERR" "mcg: error: accents.xml:$line:$col: Element 'lgd'" "the column in characters"
# A 20 MB file is refused for its size.
{ echo '<rules xmlns="urn:mcg:rules:1">'; head -c 20000000 /dev/zero | tr '\0' ' '; echo '</rules>'; } > big.xml
expect_unchanged 2 rules load big.xml --date 2026-01-03
expect_contains "$ERR" "too large" "size limit named"
# Deep nesting.
{ i=0; while [ $i -lt 200 ]; do printf '<a>'; i=$((i+1)); done; } > deep.xml
expect_unchanged 2 rules load deep.xml --date 2026-01-03
# A file in the wrong encoding is named in mcg's words, at its line and
# column (in characters), not in libxml2's ("Input is not proper UTF-8,
# indicate encoding !", or "Start tag expected" for a bad byte in a
# comment); exit 2, one line, nothing written, by load and check alike.
# encoding_refused FILE NEEDLE
encoding_refused() {
	expect_unchanged 2 rules load "$1" --date 2026-01-03
	expect_contains "$ERR" "mcg: error: $2" "$1: rules load words it"
	expect_eq "$(printf '%s\n' "$ERR" | wc -l)" 1 "$1: one error line"
	expect_rc 2 rules check "$1"
	expect_contains "$ERR" "mcg: error: $2" "$1: rules check words it"
}
# with_line2 TEXT: default.xml with the line TEXT (printf escapes) as line 2.
with_line2() {
	head -n 1 default.xml
	# shellcheck disable=SC2059
	printf "$1\n"
	tail -n +2 default.xml
}
with_line2 '<!-- caf\303\050 -->' >c328.xml
encoding_refused c328.xml "c328.xml:2:9: not valid UTF-8 (byte 0xC3), the encoding the file declares"
with_line2 '<!-- a\000b -->' >nul.xml
encoding_refused nul.xml "nul.xml:2:7: a NUL byte, which XML does not allow"
with_line2 '<!-- bell \007 -->' >control.xml
encoding_refused control.xml "control.xml:2:11: a control character (byte 0x07)"
# A Latin-1 é in a rule's figure, on that rule's line.
cov_line=$(grep -n '<coverage_max>' default.xml | cut -d: -f1)
cov_col=$(awk '/<coverage_max>/ { print index($0, "<coverage_max>") + 15; exit }' default.xml)
sed 's|<coverage_max>80<|<coverage_max>8\o3510<|' default.xml >latin1.xml
encoding_refused latin1.xml "latin1.xml:$cov_line:$cov_col: not valid UTF-8 (byte 0xE9)"
# The same with no XML declaration: UTF-8 is XML's default, said so.
tail -n +2 latin1.xml >latin1-undeclared.xml
encoding_refused latin1-undeclared.xml \
	"latin1-undeclared.xml:$((cov_line - 1)):$cov_col: not valid UTF-8 (byte 0xE9): with no encoding declared, XML is UTF-8"
# A UTF-16 byte order mark on a file that declares UTF-8 (libxml2 would
# take the mark's word for it).
{ printf '\377\376'; iconv -f UTF-8 -t UTF-16LE default.xml; } >utf16.xml
encoding_refused utf16.xml \
	"utf16.xml:1:1: the file begins with a UTF-16 byte order mark (0xFF 0xFE) but declares encoding \"UTF-8\""
# What it declares, it may be: Latin-1 declared as such, UTF-16 as UTF-16.
sed 's|encoding="UTF-8"|encoding="ISO-8859-1"|' latin1.xml >latin1-declared.xml
expect_rc 2 rules check latin1-declared.xml
expect_contains "$ERR" "latin1-declared.xml:$cov_line:" "a declared Latin-1 file is read, its figure refused by line"
expect_contains "$ERR" "coverage_max" "a declared Latin-1 file: the figure named"
{ printf '\377\376'; sed 's|encoding="UTF-8"|encoding="UTF-16"|' default.xml | iconv -f UTF-8 -t UTF-16LE; } >utf16-declared.xml
ok_run rules check utf16-declared.xml
# A refused init leaves no ledger behind.
expect_rc 2 --db other.db init --name X --rules xxe.xml
[ ! -e other.db ] && [ ! -e other.db.keys ] && ok || fail "refused init left files behind"
expect_rc 0 check
