# mcg and mcg-xml (cli/xml_helper.c): mcg is linked without libxml2 and
# xmlsec and hands init, `rules load`, `rules check`, statements, reports
# and `exposure --format xml` to the mcg-xml in its own folder, with the
# same arguments, environment and streams.  Without mcg-xml those commands fail
# clearly and write nothing; every other command works.

helper=$(dirname "$MCG")/mcg-xml
if [ -x "$helper" ]; then ok; else fail "no mcg-xml beside $MCG"; fi

# What makes mcg start fast: none of the XML libraries is loaded.
libs=$(ldd "$MCG")
case "$libs" in
*libxml2* | *libxmlsec* | *libxslt*) fail "mcg loads the XML libraries: $libs" ;;
*libsqlite3*) ok ;;
*) fail "ldd $MCG: $libs" ;;
esac
case "$(ldd "$helper")" in *libxmlsec1-openssl*) ok ;; *) fail "mcg-xml lacks xmlsec" ;; esac

# Handed over: the output, the exit status and the error line are
# mcg-xml's, global options and environment included.
setup_consortium
ok_run rules check "$MCG_SRC/rules/default.xml"
expect_contains "$OUT" "coverage_max" "rules check through mcg-xml"
expect_rc 2 rules check no-such-file.xml
expect_contains "$ERR" "no-such-file.xml" "the error line of mcg-xml"
expect_rc 0 --db "$MCG_DB" exposure A --format xml
expect_contains "$OUT" "<MemberStatement" "exposure --format xml"
expect_rc 2 init --name X
expect_contains "$ERR" "already exists" "init through mcg-xml refuses an existing ledger"

# mcg alone in a folder: the XML commands say what is missing, and
# nothing is written; the others work.
mkdir alone
cp "$MCG" alone/mcg
before=$(snapshot)
alone/mcg exposure A --format xml >alone.out 2>alone.err
rc=$?
expect_eq "$rc" 1 "exit status without mcg-xml"
expect_contains "$(cat alone.err)" "mcg: error: this command is run by $PWD/alone/mcg-xml, which cannot be run" "the error names the helper it looked for"
expect_contains "$(cat alone.err)" "install it beside mcg" "the error says what to do"
expect_eq "$(cat alone.out)" "" "nothing on standard output"
alone/mcg --db alone/new.db init --name Y >/dev/null 2>&1
expect_eq "$?" 1 "init without mcg-xml"
if [ -e alone/new.db ]; then fail "init without mcg-xml made a file"; else ok; fi
expect_eq "$(snapshot)" "$before" "the ledger is unchanged"
alone/mcg member add E --name "Firm E" --date 2026-01-03 >/dev/null 2>alone.err
expect_eq "$?" 0 "a recording command needs no mcg-xml: $(cat alone.err)"
alone/mcg exposure A >/dev/null 2>alone.err
expect_eq "$?" 0 "exposure as text needs no mcg-xml: $(cat alone.err)"
alone/mcg rules show >alone.out 2>alone.err
expect_eq "$?" 0 "rules show needs no mcg-xml: $(cat alone.err)"
expect_contains "$(cat alone.out)" "coverage_max" "rules show without mcg-xml"

# An mcg standing as mcg-xml (a copy, a link) would hand the command back
# for ever: the second hand-over is refused.
mkdir twice
cp "$MCG" twice/mcg
cp "$MCG" twice/mcg-xml
timeout 20 twice/mcg rules check "$MCG_SRC/rules/default.xml" >twice.out 2>twice.err
expect_eq "$?" 1 "an mcg as mcg-xml: exit status"
expect_contains "$(cat twice.err)" "twice/mcg-xml is not the mcg-xml that runs this command" "an mcg as mcg-xml: the error"

# An mcg-xml of another version than the mcg that started it refuses.
MCG_HANDED_OVER=0.0.0-other "$helper" rules show >/dev/null 2>vers.err
expect_eq "$?" 1 "versions differ: exit status"
expect_contains "$(cat vers.err)" "started by mcg 0.0.0-other: install the two of the same build" "versions differ: the error"
# Hostile values of MCG_HANDED_OVER: quoted short, on one line.
big=$(head -c 100000 /dev/zero | tr '\0' x)
MCG_HANDED_OVER=$big "$helper" rules show >/dev/null 2>vers.err
expect_eq "$?" 1 "a 100 KB MCG_HANDED_OVER: exit status"
expect_eq "$(wc -l <vers.err | tr -d ' ')" 1 "a 100 KB MCG_HANDED_OVER: one error line"
if [ "$(wc -c <vers.err)" -lt 200 ]; then ok; else fail "a 100 KB MCG_HANDED_OVER: the error is $(wc -c <vers.err) bytes"; fi
MCG_HANDED_OVER="x
mcg: error: forged" "$helper" rules show >/dev/null 2>vers.err
expect_eq "$?" 1 "a newline in MCG_HANDED_OVER: exit status"
expect_eq "$(wc -l <vers.err | tr -d ' ')" 1 "a newline in MCG_HANDED_OVER: one error line"
