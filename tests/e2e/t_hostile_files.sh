# Hostile files named on the command line (docs/HOSTILE-INPUT.md): the
# bank CSV of `import`, the rules XML of `rules load|check` and `init
# --rules`, the document of `statement verify`, the note of `audit verify
# --checkpoint`.  Devices that never end (/dev/zero, /dev/urandom), an
# empty device, a folder, a missing file, 20 MB of one byte, UTF-16: each is
# refused within its size limit and in bounded time, with one error line,
# and the ledger as it was.  (The contents of each format are attacked in
# t_import_hostile.sh, t_rules.sh, t_xml_verify.sh and t_audit.sh.)

# file_refused CODES ARGS...: exits with one of CODES ("2" or "2|4"),
# within 30 s, one error line, nothing changed.
file_refused() {
	want=$1
	shift
	before=$(snapshot)
	capture timeout 30 "$MCG" "$@"
	case "|$want|" in
	*"|$RC|"*) ok ;;
	*) fail "mcg $* exited $RC, expected $want; stderr: $ERR" ;;
	esac
	expect_eq "$(printf '%s\n' "$ERR" | wc -l)" 1 "one error line: mcg $*"
	expect_contains "$ERR" "mcg: error: " "error prefix: mcg $*"
	expect_eq "$(snapshot)" "$before" "mcg $* changed the ledger"
}

setup_consortium
ok_run audit checkpoint
mkdir folder
printf '\377\376r\000e\000f\000,\000d\000' > utf16.csv
cp utf16.csv utf16.xml
head -c 20000000 /dev/zero | tr '\0' 'a' > big.txt
head -c 3000 /dev/urandom > random.bin

for f in /dev/zero /dev/urandom /dev/null folder nowhere utf16.csv big.txt; do
	file_refused 2 import "$f"
	file_refused 2 rules load "$f" --date 2026-02-01
	file_refused 2 rules check "$f"
	file_refused "2|4" statement verify "$f"
	file_refused "2|4" audit verify --checkpoint "$f"
	expect_rc 2 --db "new-$$.db" init --name X --rules "$f"
	[ ! -e "new-$$.db" ] && [ ! -e "new-$$.db.keys" ] && ok || fail "a refused init --rules $f left files"
done
# The size limits are named.
file_refused 2 rules check big.txt
expect_contains "$ERR" "too large" "the rules size limit is named"
file_refused 2 import big.txt
expect_contains "$ERR" "longer than" "the CSV field limit is named"

# A path with a line end or an escape sequence is quoted on one line.
nlpath=$(printf 'bank\nmcg: error: forged.csv')
file_refused 2 import "$nlpath"
escpath=$(printf 'x\033[2J.csv')
file_refused 2 import "$escpath"
case "$ERR" in *"$(printf '\033')"*) fail "an escape sequence in a path reached stderr" ;; *) ok ;; esac

# A symbolic link to a good file is that file; to a folder, a folder.
printf 'ref,date,type,loan,principal,interest,dpd,amount\n' > header.csv
ln -s header.csv link.csv
ok_run import link.csv
ln -s folder link-folder
file_refused 2 import link-folder

expect_rc 0 check
expect_rc 0 audit verify
