# Hostile key files and folders (docs/HOSTILE-INPUT.md): a keys folder or a
# private key open to group or others, a symbolic link, a FIFO, a
# directory, an empty, oversized or garbage file, a key of the wrong type,
# a missing key, a keys folder that is not a folder or is another
# ledger's.  Every command that signs (audit checkpoint, statement, report
# regulatory, exposure --format xml) must refuse, with one error line, write
# no document, and leave the ledger as it was.

# known_bug WHAT STATUS: what mcg should do and does not yet (reported; see
# docs/HOSTILE-INPUT.md).  It warns without failing, so the suite stays
# green until the fix; then it passes silently.
known_bug() {
	if [ "$2" = 0 ]; then ok; else echo "    KNOWN BUG [$T_NAME]: $1" >&2; fi
}

setup_consortium
ok_run loan add L1 --borrower A --bank BANKITMM --principal 40000 --date 2026-01-10
for m in B C D; do ok_run assess L1 --assessor "$m" --score 7 --date 2026-01-11; done
ok_run guarantee L1 --coverage 50 --date 2026-01-12
ok_run audit checkpoint
K=mcg.db.keys
cp -Rp "$K" keys.bak
restore() {
	chmod -R u+rwx "$K" 2>/dev/null
	rm -rf "$K"
	cp -Rp keys.bak "$K"
}
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out rsa.pem 2>/dev/null
openssl genpkey -algorithm ed25519 -out ed.pem 2>/dev/null
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-384 -out p384.pem 2>/dev/null
chmod 600 rsa.pem ed.pem p384.pem

# signs_refused WHAT CMD...: the signing command exits 2 with one error
# line, writes no document, changes nothing in the ledger.  Bounded in
# time: a key that makes mcg wait is a failure too.
signs_refused() {
	what=$1
	shift
	rm -f doc.xml doc.xml.tmp
	before=$(snapshot)
	capture timeout 20 "$MCG" "$@"
	expect_eq "$RC" 2 "$what: mcg $* (stderr: $ERR)"
	expect_eq "$(printf '%s\n' "$ERR" | wc -l)" 1 "$what: one error line"
	[ ! -e doc.xml ] && [ ! -e doc.xml.tmp ] && ok || fail "$what: mcg $* wrote a document"
	expect_eq "$(snapshot)" "$before" "$what: mcg $* changed the ledger"
}
CP="audit checkpoint"
ST="statement BANKITMM --from 2026-01-01 --to 2026-12-31 -o doc.xml"
RG="report regulatory --from 2026-01-01 --to 2026-12-31 -o doc.xml"

# ---- the keys folder -------------------------------------------------------------
for mode in 0755 0750 0701; do
	chmod "$mode" "$K"
	# shellcheck disable=SC2086
	signs_refused "keys folder $mode" $CP
	# shellcheck disable=SC2086
	signs_refused "keys folder $mode" $ST
	# shellcheck disable=SC2086
	signs_refused "keys folder $mode" $RG
	signs_refused "keys folder $mode" exposure A --format xml
	expect_contains "$ERR" "chmod 700" "the error says how to fix the mode"
	restore
done
# Not a folder, missing, empty name, a path with a line end in it.
# shellcheck disable=SC2086
signs_refused "--keys is a file" --keys "$MCG_DB" $CP
# shellcheck disable=SC2086
signs_refused "--keys is missing" --keys nowhere $CP
# shellcheck disable=SC2086
signs_refused "--keys is missing" --keys nowhere $ST
# shellcheck disable=SC2086
signs_refused "MCG_KEYS with a line end" --keys "$(printf 'a\nb')" $CP
# Another ledger's keys: the checkpoint would be signed by a key that is
# not this ledger's; the kept checkpoint's signature does not hold for it.
expect_rc 0 --db other.db init --name "Other" --date 2026-01-01
ok_run contribute A 1.00 --kind fund --date 2026-01-13
before=$(snapshot)
mcg --keys other.db.keys audit checkpoint
expect_eq "$RC" 4 "another ledger's keys are refused (exit 4)"
expect_eq "$(snapshot)" "$before" "another ledger's keys changed nothing"

# ---- the checkpoint key (Ed25519), read by every signing command ----------------
for mode in 0644 0640 0604; do
	chmod "$mode" "$K/checkpoint.key"
	# shellcheck disable=SC2086
	signs_refused "checkpoint.key $mode" $CP
	# shellcheck disable=SC2086
	signs_refused "checkpoint.key $mode" $ST
	restore
done
expect_contains "$ERR" "chmod 600" "the error says how to fix the key's mode"

# hostile_key NAME SETUP: replaces keys/NAME as SETUP says, then restores.
# Each leaves a key file that must be refused.
hostile_key() {
	name=$1
	case "$2" in
	symlink) mv "$K/$name" "$T_DIR/real.key"; ln -s "$T_DIR/real.key" "$K/$name" ;;
	fifo) rm "$K/$name"; mkfifo -m 0600 "$K/$name" ;;
	dir) rm "$K/$name"; mkdir -m 0700 "$K/$name" ;;
	missing) rm "$K/$name" ;;
	empty) : > "$K/$name" ;;
	garbage) head -c 300 /dev/urandom > "$K/$name" ;;
	huge) { cat "$K/$name"; head -c 100000 /dev/zero | tr '\0' A; } > "$T_DIR/huge.key"; mv "$T_DIR/huge.key" "$K/$name"; chmod 600 "$K/$name" ;;
	rsa) cp rsa.pem "$K/$name" ;;
	ed25519) cp ed.pem "$K/$name" ;;
	p384) cp p384.pem "$K/$name" ;;
	ec) cp keys.bak/statement.key "$K/$name" ;;
	public) cp "$K/${name%.key}.pub" "$K/$name" ;;
	esac
	chmod 600 "$K/$name" 2>/dev/null
}

for how in symlink fifo dir missing garbage huge rsa p384 ec public; do
	hostile_key checkpoint.key "$how"
	# shellcheck disable=SC2086
	signs_refused "checkpoint.key: $how" $CP
	# Every document signs a checkpoint first.
	case "$how" in symlink|fifo|rsa)
		# shellcheck disable=SC2086
		signs_refused "checkpoint.key: $how" $ST ;;
	esac
	restore
done

hostile_key checkpoint.key empty
# shellcheck disable=SC2086
signs_refused "checkpoint.key: empty" $CP
restore

# ---- the statement key (ECDSA P-256), read by the documents ------------------------
for how in dir missing empty garbage rsa ed25519 p384 public; do
	hostile_key statement.key "$how"
	# shellcheck disable=SC2086
	signs_refused "statement.key: $how" $ST
	signs_refused "statement.key: $how" exposure A --format xml
	restore
done
# A document refused for its key makes no checkpoint either (the key is
# checked before anything is written).
ok_run contribute A 1.00 --kind fund --date 2026-01-14
hostile_key statement.key rsa
# shellcheck disable=SC2086
signs_refused "statement.key: rsa, after new events" $ST
restore
# The statement key gets the checks of every private key: its mode, no
# symbolic link, a regular file (a FIFO is not waited on), a size limit.
for how in mode symlink fifo huge; do
	case "$how" in
	mode) chmod 0644 "$K/statement.key" ;;
	*) hostile_key statement.key "$how" ;;
	esac
	# shellcheck disable=SC2086
	signs_refused "statement.key: $how" $ST
	# shellcheck disable=SC2086
	signs_refused "statement.key: $how" $RG
	signs_refused "statement.key: $how" exposure A --format xml
	restore
done

# ---- a private key with another name (a hard link) ------------------------------------
# Another name for a private key is another copy of the secret, under a
# name and in a folder mcg does not see (a backup, a folder others read),
# and one that outlives a rotation, which replaces only the name in the
# keys folder.  Signing with it is refused (exit 2, one line naming the
# key and how many names it has, before anything is written: the ledger
# file byte for byte, its rows and the keys folder as they were); once the
# other name is removed it signs again.
for name in checkpoint.key statement.key; do
	ln "$K/$name" other-name.key
	state=$(ledger_state)
	# shellcheck disable=SC2086
	signs_refused "$name with another name" $ST
	expect_contains "$ERR" "private key $MCG_DB.keys/$name has 2 names (hard links)" "$name with another name: the error"
	expect_contains "$ERR" "remove the other name" "$name with another name: what to do"
	# shellcheck disable=SC2086
	signs_refused "$name with another name" $RG
	signs_refused "$name with another name" exposure A --format xml
	case "$name" in checkpoint.key)
		# shellcheck disable=SC2086
		signs_refused "$name with another name" $CP ;;
	esac
	expect_eq "$(ledger_state)" "$state" "$name with another name: the ledger and its keys unchanged"
	rm other-name.key
done
ok_run audit checkpoint

# ---- public keys ------------------------------------------------------------------------
ok_run statement BANKITMM --from 2026-01-01 --to 2026-12-31 -o st.xml
for pub in "$K/checkpoint.pub" rsa.pem /dev/null "$T_DIR" nowhere.pem; do
	expect_rc 2 statement verify st.xml --pubkey "$pub"
	expect_eq "$(printf '%s\n' "$ERR" | wc -l)" 1 "one error line for --pubkey $pub"
done
openssl pkey -in p384.pem -pubout -out p384.pub 2>/dev/null
expect_rc 2 statement verify st.xml --pubkey p384.pub
openssl pkey -in keys.bak/statement.key -pubout -out good.pub 2>/dev/null
ok_run statement verify st.xml --pubkey good.pub
echo junk > "$K/checkpoint.pub"
expect_rc 2 keys show
expect_rc 2 audit verify
restore
rm "$K/checkpoint.pub"
mkfifo -m 0644 "$K/checkpoint.pub"
timeout 10 "$MCG" audit verify >/dev/null 2>&1
expect_eq "$?" 2 "a FIFO as checkpoint.pub is refused at once"
restore
# A FIFO as statement.pub: statement verify (and the statement's own check
# after signing) wait for a writer (reports/xmlsig.c opens the key with
# fopen): reported.
rm "$K/statement.pub"
mkfifo -m 0644 "$K/statement.pub"
timeout 3 "$MCG" statement verify st.xml >/dev/null 2>&1
rc=$?
[ "$rc" = 2 ]
known_bug "a FIFO as statement.pub makes statement verify wait (exit $rc after 3 s)" $?
restore

expect_rc 0 check
expect_rc 0 audit verify
