# Key rotation as SECURITY.md ("Key handling and rotation") tells it: the
# block marked <!-- rotation --> there is run as written (`mcg keys
# rotate`), then the ledger must go on: the kept checkpoints signed by the
# old key verify, new checkpoints and statements are signed by the new
# keys, old statements verify with the retired statement key, the retired
# checkpoint key may not vouch for a log longer than it had when it was
# retired, and a rotation cut short is finished by running it again.

setup_consortium
ok_run loan add L1 --borrower A --bank BANKITMM --principal 10000.00 --date 2026-01-04
ok_run statement BANKITMM --from 2026-01-01 --to 2026-01-31 -o old.xml
ok_run audit checkpoint
ok_run keys show
keys_before=$OUT
events_before=$(sqlite3 "$MCG_DB" "SELECT MAX(seq) FROM events")
# The old keys, as a thief would have them.
cp -rp mcg.db.keys leaked.keys

# The block, as written in SECURITY.md, with `mcg` on PATH.
awk '/^<!-- rotation -->$/ { on = 1; next } on && /^```sh$/ { inside = 1; next }
	inside && /^```$/ { exit } inside { print }' "$MCG_SRC/SECURITY.md" >rotation.sh
expect_contains "$(cat rotation.sh)" "mcg keys rotate" "the rotation block is found"
mkdir bin && ln -s "$MCG" bin/mcg
PATH="$T_DIR/bin:$PATH" sh -e rotation.sh 2>rotation.err
expect_eq "$?" 0 "the documented rotation runs (stderr: $(cat rotation.err))"

# What it printed: the handover (old key), then the new public keys.
N=$(sed -n 3p rotation.txt)
expect_eq "$N" "$events_before" "the handover checkpoint covers every event"
sed -n '2,/^$/p' rotation.txt >handover.txt
printf '%s\n' "$(sed -n '/^— /p' rotation.txt)" >>handover.txt
expect_eq "$(sed -n 1p rotation.txt)" "handover checkpoint, signed with the old key (give it to the banks):" "the handover comes first"
for f in retired/checkpoint-$N.pub retired/statement-$N.pub checkpoint.pub statement.pub; do
	[ -s "mcg.db.keys/$f" ] && ok || fail "mcg.db.keys/$f is missing"
done
expect_eq "$(cmp -s leaked.keys/checkpoint.pub "mcg.db.keys/retired/checkpoint-$N.pub" && echo same)" same \
	"the retired checkpoint key is the old one"
expect_eq "$(cmp -s leaked.keys/statement.pub "mcg.db.keys/retired/statement-$N.pub" && echo same)" same \
	"the retired statement key is the old one"
expect_eq "$(cmp -s leaked.keys/checkpoint.key mcg.db.keys/checkpoint.key || echo differ)" differ \
	"the checkpoint private key is new"
expect_eq "$(stat -c %a mcg.db.keys/checkpoint.key mcg.db.keys/statement.key | tr '\n' ' ')" "600 600 " \
	"the new private keys are 0600"
expect_eq "$(stat -c %a mcg.db.keys/retired)" 700 "the retired folder is 0700"
[ ! -e mcg.db.keys/.rotate-new ] && ok || fail "the working folder .rotate-new was left"
ok_run keys show
[ "$OUT" != "$keys_before" ] && ok || fail "keys show still prints the old keys"
expect_contains "$(cat rotation.txt)" "$OUT" "the rotation printed the new keys as keys show does"

# A second rotation with no event since: refused, nothing changed.
keys_listing=$(ls -l mcg.db.keys mcg.db.keys/retired)
expect_unchanged 2 keys rotate
expect_contains "$ERR" "already rotated at $N events" "a second rotation at the same size"
expect_eq "$(ls -l mcg.db.keys mcg.db.keys/retired)" "$keys_listing" "the keys are as they were"

# The ledger goes on under the new keys.
ok_run audit verify
ok_run contribute B 50.00 --kind fund --date 2026-02-01
ok_run audit checkpoint
expect_eq "$(printf '%s\n' "$OUT" | sed -n 2p)" $((N + 1)) "a checkpoint by the new key"
ok_run audit verify --checkpoint handover.txt
ok_run statement BANKITMM --from 2026-01-01 --to 2026-02-28 -o new.xml
ok_run statement verify new.xml
# An old statement: signed by the retired statement key, with a checkpoint
# by the retired checkpoint key.
expect_rc 4 statement verify old.xml
ok_run statement verify old.xml --pubkey "mcg.db.keys/retired/statement-$N.pub"

# Without the retired checkpoint key the old checkpoints cannot be checked.
mv "mcg.db.keys/retired/checkpoint-$N.pub" aside.pub
expect_rc 4 audit verify
expect_contains "$ERR" "no signature" "an old checkpoint with no known key"
mv aside.pub "mcg.db.keys/retired/checkpoint-$N.pub"
ok_run audit verify

# The leaked old key signs a checkpoint of the longer log: refused.
sqlite3 "$MCG_DB" "DELETE FROM checkpoints WHERE size > $N"
ok_run contribute C 50.00 --kind fund --date 2026-02-02
ok_run --keys leaked.keys audit checkpoint
expect_rc 4 audit verify
expect_contains "$ERR" "signed by a checkpoint key retired at size $N" "a retired key vouches only up to its size"
sqlite3 "$MCG_DB" "DELETE FROM checkpoints WHERE size > $N"
ok_run audit verify

# A rotation killed at each step (strace injects SIGKILL at the k-th
# mkdir, link, rename, rmdir or unlink): until it is finished no
# checkpoint is signed (exit 2, saying so) and none that fails to verify
# is kept; `mcg keys rotate` run again finishes it (or, killed before its
# new keys were whole, does it again); then everything works, and the old
# checkpoint key is among the retired ones.
ok_run contribute D 50.00 --kind fund --date 2026-02-03
ok_run audit checkpoint
cp "$MCG_DB" base.db
cp -rp mcg.db.keys base.db.keys
if strace -f -qq -o /dev/null true 2>/dev/null; then
	kills=0
	for call in mkdir link rename rmdir unlink; do
		for k in 1 2 3 4 5 6; do
			rm -rf cut.db cut.db.keys cut.db-wal cut.db-shm
			cp base.db cut.db
			cp -rp base.db.keys cut.db.keys
			what="killed at $call #$k"
			strace -f -qq -o /dev/null -e trace="$call" -e inject="$call:signal=SIGKILL:when=$k" \
				env MCG_DB="$T_DIR/cut.db" "$MCG" keys rotate >/dev/null 2>&1
			first=$?
			# Events go on being recorded; only signing waits.
			MCG_DB=$T_DIR/cut.db mcg contribute B 1.00 --kind fund --date 2026-02-04
			expect_eq "$RC" 0 "$what: recording goes on ($ERR)"
			MCG_DB=$T_DIR/cut.db mcg audit checkpoint
			case "$RC" in
			0) ok ;;
			2) expect_contains "$ERR" "key rotation is under way or was cut short" "$what: signing refused, saying why" ;;
			*) fail "$what: audit checkpoint exited $RC: $ERR" ;;
			esac
			MCG_DB=$T_DIR/cut.db mcg keys rotate
			# Cut: it finishes or begins again; not cut (no k-th call):
			# a second rotation, allowed since an event was recorded.
			[ "$first" = 0 ] || kills=$((kills + 1))
			expect_eq "$RC" 0 "$what: run again, the rotation finishes ($ERR)"
			[ ! -e cut.db.keys/.rotate-tmp ] && [ ! -e cut.db.keys/.rotate-new ] && ok ||
				fail "$what: a working folder was left"
			MCG_DB=$T_DIR/cut.db mcg audit verify
			expect_eq "$RC" 0 "$what: audit verify ($ERR)"
			found=no
			for f in cut.db.keys/retired/checkpoint-*.pub; do
				cmp -s "$f" base.db.keys/checkpoint.pub && found=yes
			done
			expect_eq "$found" yes "$what: the old checkpoint key is retired"
			expect_eq "$(stat -c %a cut.db.keys/checkpoint.key cut.db.keys/statement.key | tr '\n' ' ')" \
				"600 600 " "$what: the private keys are 0600"
			MCG_DB=$T_DIR/cut.db mcg contribute A 1.00 --kind fund --date 2026-02-05
			MCG_DB=$T_DIR/cut.db mcg statement BANKITMM --from 2026-01-01 --to 2026-02-28 -o cut.xml
			expect_eq "$RC" 0 "$what: a statement after it ($ERR)"
			MCG_DB=$T_DIR/cut.db mcg statement verify cut.xml
			expect_eq "$RC" 0 "$what: the statement verifies ($ERR)"
			MCG_DB=$T_DIR/cut.db mcg audit verify
			expect_eq "$RC" 0 "$what: audit verify after it ($ERR)"
		done
	done
	# Files planted in .rotate-new of a cut rotation are not moved into
	# place: a public key that is not its private key's pair, a private key
	# others may read.
	rm -rf cut.db cut.db.keys cut.db-wal cut.db-shm
	cp base.db cut.db
	cp -rp base.db.keys cut.db.keys
	strace -f -qq -o /dev/null -e trace=rename -e inject=rename:signal=SIGKILL:when=2 \
		env MCG_DB="$T_DIR/cut.db" "$MCG" keys rotate >/dev/null 2>&1
	[ -f cut.db.keys/.rotate-new/statement.pub ] && ok || fail "the cut left .rotate-new whole"
	cp cut.db.keys/.rotate-new/statement.pub planted.aside
	cp base.db.keys/statement.pub cut.db.keys/.rotate-new/statement.pub
	keys_before_finish=$(ls -l cut.db.keys)
	MCG_DB=$T_DIR/cut.db mcg keys rotate
	expect_eq "$RC" 2 "a planted public key in .rotate-new ($ERR)"
	expect_contains "$ERR" "statement keys in" "a planted public key: the pair named"
	expect_eq "$(ls -l cut.db.keys)" "$keys_before_finish" "a planted public key: nothing moved"
	cp planted.aside cut.db.keys/.rotate-new/statement.pub
	chmod 644 cut.db.keys/.rotate-new/checkpoint.key
	MCG_DB=$T_DIR/cut.db mcg keys rotate
	expect_eq "$RC" 2 "a private key others may read, in .rotate-new ($ERR)"
	chmod 600 cut.db.keys/.rotate-new/checkpoint.key
	MCG_DB=$T_DIR/cut.db mcg keys rotate
	expect_eq "$RC" 0 "the cut rotation, as it was left, finishes ($ERR)"
	MCG_DB=$T_DIR/cut.db mcg audit verify
	expect_eq "$RC" 0 "and the log verifies ($ERR)"
	# The injections must have cut real rotations, not only finished ones.
	[ "$kills" -ge 12 ] && ok || fail "only $kills of the 30 runs were cut"
	echo "    ($kills of the 30 rotations were cut)" >&2
else
	echo "    SKIP [$T_NAME]: strace cannot trace here; the killed rotations were not tried" >&2
fi

# A damaged retired key file is an error, not a key passed over.
printf 'not a key\n' >"mcg.db.keys/retired/checkpoint-1.pub"
expect_rc 4 audit verify
rm -f "mcg.db.keys/retired/checkpoint-1.pub"
ok_run audit verify

# A retired key is read as a rotation reads it: a symbolic link in
# retired/ is refused, never followed (else whoever plants one could make
# a key kept elsewhere vouch for checkpoints), a FIFO is refused at once,
# never waited on, a folder is refused.  The keys folder is damaged, as
# with a file that is no key: audit verify and statement verify (whose
# checkpoint the retired key signed) exit 4, naming the file and what it
# is, and write nothing.
# retired_refused WHAT NEEDLE: both commands, bounded in time.
retired_refused() {
	rr_listing=$(ls -la mcg.db.keys mcg.db.keys/retired)
	rr_rows=$(snapshot)
	for rr_cmd in "audit verify" \
		"statement verify old.xml --pubkey mcg.db.keys/retired/statement-$N.pub"; do
		# shellcheck disable=SC2086
		timeout 10 "$MCG" $rr_cmd >"$T_DIR/.out" 2>"$T_DIR/.err"
		RC=$?
		ERR=$(cat "$T_DIR/.err")
		expect_eq "$RC" 4 "$1 in retired/: mcg $rr_cmd (stderr: $ERR)"
		expect_contains "$ERR" "$2" "$1 in retired/: mcg $rr_cmd names it"
		expect_eq "$(printf '%s\n' "$ERR" | wc -l)" 1 "$1 in retired/: mcg $rr_cmd, one error line"
	done
	expect_eq "$(snapshot)" "$rr_rows" "$1 in retired/: the ledger unchanged"
	expect_eq "$(ls -la mcg.db.keys mcg.db.keys/retired)" "$rr_listing" \
		"$1 in retired/: the keys folder unchanged"
}
# A link to the very key that signed the old checkpoints, kept elsewhere.
mkdir -m 700 kept-elsewhere
mv "mcg.db.keys/retired/checkpoint-$N.pub" kept-elsewhere/
ln -s "$T_DIR/kept-elsewhere/checkpoint-$N.pub" "mcg.db.keys/retired/checkpoint-$N.pub"
retired_refused "a link" "retired/checkpoint-$N.pub is not a regular file but a symbolic link"
expect_eq "$(cmp -s leaked.keys/checkpoint.pub "kept-elsewhere/checkpoint-$N.pub" && echo same)" same \
	"the link's target untouched"
rm "mcg.db.keys/retired/checkpoint-$N.pub"
mv "kept-elsewhere/checkpoint-$N.pub" mcg.db.keys/retired/
ok_run audit verify
mkfifo -m 0644 mcg.db.keys/retired/checkpoint-999.pub
retired_refused "a FIFO" "retired/checkpoint-999.pub is not a regular file but a FIFO"
rm mcg.db.keys/retired/checkpoint-999.pub
mkdir -m 700 mcg.db.keys/retired/checkpoint-999.pub
retired_refused "a folder" "retired/checkpoint-999.pub is not a regular file but a folder"
rmdir mcg.db.keys/retired/checkpoint-999.pub
ok_run audit verify
# A retired key of another kind than its name says (checkpoint-N.pub holds
# an Ed25519 key) is refused the same way, naming the file, the kind it
# should be and the kind it is: never tried, failed and passed over (an RSA
# or P-384 key among the retired ones went unnoticed, exit 0), nor, in
# place of the key that signed the old checkpoints, left to read as "no
# signature" (a forged checkpoint).
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 2>/dev/null |
	openssl pkey -pubout -out rsa.pub 2>/dev/null
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-384 2>/dev/null |
	openssl pkey -pubout -out p384.pub 2>/dev/null
for kind in "rsa.pub:an RSA key" "p384.pub:an EC key on curve P-384" \
	"mcg.db.keys/retired/statement-$N.pub:an EC key on curve P-256"; do
	cp "${kind%%:*}" mcg.db.keys/retired/checkpoint-999.pub
	retired_refused "${kind#*:}" \
		"retired/checkpoint-999.pub is not an Ed25519 key but ${kind#*:}"
	rm mcg.db.keys/retired/checkpoint-999.pub
done
mv "mcg.db.keys/retired/checkpoint-$N.pub" checkpoint.aside
cp "mcg.db.keys/retired/statement-$N.pub" "mcg.db.keys/retired/checkpoint-$N.pub"
retired_refused "the statement key as the checkpoint key" \
	"retired/checkpoint-$N.pub is not an Ed25519 key but an EC key on curve P-256"
mv checkpoint.aside "mcg.db.keys/retired/checkpoint-$N.pub"
ok_run audit verify

# A retired/ that cannot be read is not "no key retired" (which would
# read as a forged checkpoint): exit 1, naming it.
mv mcg.db.keys/retired retired.aside
printf 'x\n' >mcg.db.keys/retired
expect_rc 1 audit verify
expect_contains "$ERR" "cannot read the retired keys in" "an unreadable retired/ is named"
rm mcg.db.keys/retired
mv retired.aside mcg.db.keys/retired
ok_run audit verify

# A link in place of a working folder is refused, never followed.
mkdir -m 700 elsewhere
printf 'keep me\n' >elsewhere/checkpoint.key
for w in .rotate-new .rotate-tmp; do
	ln -s "$T_DIR/elsewhere" "mcg.db.keys/$w"
	expect_unchanged 2 keys rotate
	expect_contains "$ERR" "is not a folder (a link or a file)" "$w as a link"
	expect_eq "$(cat elsewhere/checkpoint.key)" "keep me" "$w: the link's target untouched"
	rm "mcg.db.keys/$w"
done
ok_run contribute A 1.00 --kind fund --date 2026-02-06
mv mcg.db.keys/retired retired.aside
mkdir -m 700 elsewhere2
ln -s "$T_DIR/elsewhere2" mcg.db.keys/retired
expect_unchanged 2 keys rotate
expect_contains "$ERR" "is not a folder (a link or a file)" "retired/ as a link"
expect_eq "$(ls elsewhere2 | wc -l)" 0 "retired/ as a link: nothing written through it"
rm mcg.db.keys/retired
mv retired.aside mcg.db.keys/retired
ok_run keys rotate
ok_run audit verify

# Refused before anything is written (the ledger, the keys folder):
ok_run contribute B 1.00 --kind fund --date 2026-02-07
# (Not `..`: the test's own folder, whose time moves as the test writes there.)
keys_now() { ls -la mcg.db.keys mcg.db.keys/retired | grep -v -e ' \.rotate-lock$' -e ' \.\.$'; }
# another rotation running (it holds .rotate-lock);
listing=$(keys_now)
flock mcg.db.keys/.rotate-lock sh -c "\"$MCG\" keys rotate >/dev/null 2>lock.err; echo \$? >lock.rc"
expect_eq "$(cat lock.rc)" 2 "a rotation while another runs"
expect_contains "$(cat lock.err)" "another \`mcg keys rotate\` is running" "a rotation while another runs: said so"
expect_eq "$(keys_now)" "$listing" "a rotation while another runs: the keys as they were"
# a link or a FIFO among the retired keys;
ln -s ../checkpoint.pub mcg.db.keys/retired/checkpoint-999.pub
expect_unchanged 2 keys rotate
expect_contains "$ERR" "checkpoint-999.pub is not a regular file" "a link among the retired keys"
rm mcg.db.keys/retired/checkpoint-999.pub
mkfifo mcg.db.keys/retired/statement-999.pub
expect_unchanged 2 keys rotate
expect_contains "$ERR" "statement-999.pub is not a regular file" "a FIFO among the retired keys, not waited on"
rm mcg.db.keys/retired/statement-999.pub
# a retired key of another kind than its name (the Ed25519 checkpoint key
# kept as a statement key), which every later check would refuse;
cp mcg.db.keys/checkpoint.pub mcg.db.keys/retired/statement-999.pub
listing=$(keys_now)
expect_unchanged 2 keys rotate
expect_contains "$ERR" "retired/statement-999.pub is not an ECDSA P-256 key but an Ed25519 key" \
	"a retired key of another kind"
expect_eq "$(keys_now)" "$listing" "a retired key of another kind: the keys as they were"
rm mcg.db.keys/retired/statement-999.pub
# a private key with another name (a hard link), which would outlive the
# rotation that replaces it here;
for name in checkpoint.key statement.key; do
	ln "mcg.db.keys/$name" other-name.key
	listing=$(keys_now)
	expect_unchanged 2 keys rotate
	expect_contains "$ERR" "mcg.db.keys/$name has 2 names (hard links)" "$name with another name"
	expect_eq "$(keys_now)" "$listing" "$name with another name: the keys as they were"
	rm other-name.key
done
# a public key that is not its private key's pair, or no key at all.
cp mcg.db.keys/statement.pub statement.pub.aside
cp leaked.keys/statement.pub mcg.db.keys/statement.pub
expect_unchanged 2 keys rotate
expect_contains "$ERR" "statement.key and statement.pub are not a pair" "a mismatched pair"
cp statement.pub.aside mcg.db.keys/statement.pub
cp mcg.db.keys/checkpoint.pub checkpoint.pub.aside
: >mcg.db.keys/checkpoint.pub
expect_unchanged 2 keys rotate
cp checkpoint.pub.aside mcg.db.keys/checkpoint.pub
[ ! -e mcg.db.keys/.rotate-tmp ] && ok || fail "a refused rotation left .rotate-tmp"
ok_run keys rotate
ok_run audit verify
