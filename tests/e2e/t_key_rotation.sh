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

# A rotation cut short after the new checkpoint pair took its place (a
# crash between the renames): .rotate-new is left with the statement
# pair; running it again finishes it.
ok_run contribute D 50.00 --kind fund --date 2026-02-03
M=$(sqlite3 "$MCG_DB" "SELECT MAX(seq) FROM events")
ok_run audit checkpoint
cp -rp mcg.db.keys before-cut.keys
mkdir -m 700 mcg.db.keys/.rotate-new
ln mcg.db.keys/checkpoint.pub "mcg.db.keys/retired/checkpoint-$M.pub"
ln mcg.db.keys/statement.pub "mcg.db.keys/retired/statement-$M.pub"
(umask 077 && openssl genpkey -algorithm ed25519 -out mcg.db.keys/.rotate-new/checkpoint.key 2>/dev/null)
openssl pkey -in mcg.db.keys/.rotate-new/checkpoint.key -pubout -out mcg.db.keys/.rotate-new/checkpoint.pub 2>/dev/null
mv mcg.db.keys/.rotate-new/checkpoint.key mcg.db.keys/checkpoint.key
mv mcg.db.keys/.rotate-new/checkpoint.pub mcg.db.keys/checkpoint.pub
printf 'half\n' >mcg.db.keys/.rotate-new/statement.key
ok_run keys rotate
[ ! -e mcg.db.keys/.rotate-new ] && ok || fail "the cut rotation's folder was left"
expect_eq "$(cmp -s before-cut.keys/checkpoint.pub "mcg.db.keys/retired/checkpoint-$M.pub" && echo same)" same \
	"the key retired by the cut rotation is the one it replaced"
ok_run audit verify
ok_run contribute A 50.00 --kind fund --date 2026-02-04
ok_run statement BANKITMM --from 2026-01-01 --to 2026-02-28 -o after.xml
ok_run statement verify after.xml

# A damaged retired key file is an error, not a key passed over.
printf 'not a key\n' >"mcg.db.keys/retired/checkpoint-1.pub"
expect_rc 4 audit verify
