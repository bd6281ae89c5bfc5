# An independent verifier, as a partner bank would write one: POSIX sh and
# standard tools only (openssl, sha256sum, base64, od, awk; sqlite3 only to
# read the event rows when recomputing leaves).  It shares no code with mcg:
# it reads the fixed formats of CLI.md and follows docs/AUDIT.md and RFC
# 9162 / C2SP by hand.
#
#   1. the checkpoint's Ed25519 signature, from `mcg audit checkpoint` and
#      `mcg keys show` output alone;
#   2. every event's leaf, recomputed from its rows by the documented
#      canonical encoding, equal to the leaf `mcg audit prove` gives;
#   3. every inclusion proof, leading to the signed root;
#   4. the consistency proof between two signed checkpoints.

# ---- byte helpers -----------------------------------------------------------

# Byte semantics for ${#var} and awk: in the C locale a character is a byte.
LC_ALL=C
export LC_ALL

# iv_oct N: printf's octal escape for the byte N.
iv_oct() {
	iv_o="\\$(($1 / 64))$(($1 / 8 % 8))$(($1 % 8))"
}

# iv_hex2bin HEX: the bytes, through printf's octal escapes (the shell's
# own arithmetic, no process per byte: these tests hash a lot).
iv_hex2bin() {
	iv_h=$1 iv_f=
	while [ -n "$iv_h" ]; do
		iv_rest=${iv_h#??}
		iv_oct $((0x${iv_h%"$iv_rest"}))
		iv_f="$iv_f$iv_o"
		iv_h=$iv_rest
	done
	# shellcheck disable=SC2059
	printf "$iv_f"
}

# iv_bin2hex < BYTES: lowercase hex, one line.
iv_bin2hex() {
	od -An -v -tx1 | tr -d ' \n'
}

# iv_node LEFT RIGHT: SHA-256(0x01 || left || right), hex.
iv_node() {
	iv_d=$({ printf '\001'; iv_hex2bin "$1"; iv_hex2bin "$2"; } | sha256sum)
	printf '%s\n' "${iv_d%% *}"
}

# iv_len N: N as 4 bytes, big-endian.
iv_len() {
	iv_f=
	for iv_shift in 24 16 8 0; do
		iv_oct $(($1 >> iv_shift & 255))
		iv_f="$iv_f$iv_o"
	done
	# shellcheck disable=SC2059
	printf "$iv_f"
}

# iv_item_file FILE: a canonical item, 4-byte big-endian length then bytes.
iv_item_file() {
	iv_len $(($(wc -c <"$1")))
	cat "$1"
}

# iv_item STRING
iv_item() {
	iv_len ${#1}
	printf '%s' "$1"
}

# iv_unescape < ESCAPED > VALUE: a field value as the events table stores
# it ("\\" and "\n" escaped), decoded byte for byte.
iv_unescape() {
	awk 'BEGIN { ORS = "" } {
		for (i = 1; i <= length($0); i++) {
			c = substr($0, i, 1)
			if (c == "\\") {
				i++
				c = substr($0, i, 1) == "n" ? "\n" : "\\"
			}
			printf "%s", c
		}
	}'
}

# iv_canonical SEQ: the canonical bytes of event SEQ, from its rows, per
# docs/AUDIT.md.  One query gives the one-line columns (none may hold a
# newline), the fields as stored ("key=value" lines, values escaped), a
# marker line, and the postings in line order.
iv_canonical() {
	sqlite3 "$MCG_DB" "SELECT type || char(10) || COALESCE(ref, '') || char(10) ||
		date(date * 86400, 'unixepoch') || char(10) || date_given || char(10) ||
		recorded_at || char(10) || actor || char(10) || fields || '.postings' ||
		char(10) || COALESCE((SELECT group_concat(account || ' ' || amount, char(10))
			FROM (SELECT account, amount FROM postings WHERE seq = $1 ORDER BY line)), '')
		FROM events WHERE seq = $1" >"$T_DIR/.event"
	iv_item "mcg-event/1"
	iv_item "$1"
	iv_nf=0 iv_np=0 iv_i=0
	iv_section=event
	while IFS= read -r iv_line; do
		iv_i=$((iv_i + 1))
		if [ "$iv_i" -le 6 ]; then
			iv_item "$iv_line"
		elif [ "$iv_line" = .postings ]; then
			iv_section=postings
		elif [ -n "$iv_line" ] && [ "$iv_section" = event ]; then
			iv_nf=$((iv_nf + 1))
		elif [ -n "$iv_line" ]; then
			iv_np=$((iv_np + 1))
		fi
	done <"$T_DIR/.event"
	iv_item "$iv_nf"
	iv_i=0
	iv_section=event
	while IFS= read -r iv_line; do
		iv_i=$((iv_i + 1))
		[ "$iv_i" -le 6 ] && continue
		if [ "$iv_line" = .postings ]; then
			iv_section=postings
			iv_item "$iv_np"
		elif [ -z "$iv_line" ]; then
			continue
		elif [ "$iv_section" = event ]; then
			iv_item "${iv_line%%=*}"
			iv_value=${iv_line#*=}
			case $iv_value in
			*\\*)
				printf '%s' "$iv_value" | iv_unescape >"$T_DIR/.value"
				iv_item_file "$T_DIR/.value" ;;
			*)
				iv_item "$iv_value" ;;
			esac
		else
			iv_item "${iv_line% *}"
			iv_item "${iv_line##* }"
		fi
	done <"$T_DIR/.event"
}

# iv_leaf SEQ: SHA-256(0x00 || canonical bytes), hex.
iv_leaf() {
	iv_d=$({ printf '\000'; iv_canonical "$1"; } | sha256sum)
	printf '%s\n' "${iv_d%% *}"
}

# ---- RFC 9162 verification, sections 2.1.3.2 and 2.1.4.2 -------------------

# iv_verify_inclusion INDEX SIZE LEAF ROOT HASH...: exit 0 when it holds.
iv_verify_inclusion() {
	iv_fn=$1 iv_sn=$(($2 - 1)) iv_r=$3 iv_root=$4
	shift 4
	[ "$iv_fn" -lt "$((iv_sn + 1))" ] || return 1
	for iv_p in "$@"; do
		[ "$iv_sn" -eq 0 ] && return 1
		if [ $((iv_fn & 1)) -eq 1 ] || [ "$iv_fn" -eq "$iv_sn" ]; then
			iv_r=$(iv_node "$iv_p" "$iv_r")
			while [ $((iv_fn & 1)) -eq 0 ] && [ "$iv_fn" -ne 0 ]; do
				iv_fn=$((iv_fn >> 1)) iv_sn=$((iv_sn >> 1))
			done
		else
			iv_r=$(iv_node "$iv_r" "$iv_p")
		fi
		iv_fn=$((iv_fn >> 1)) iv_sn=$((iv_sn >> 1))
	done
	[ "$iv_sn" -eq 0 ] && [ "$iv_r" = "$iv_root" ]
}

# iv_verify_consistency OLD NEW OLD_ROOT NEW_ROOT HASH...
iv_verify_consistency() {
	iv_m=$1 iv_n=$2 iv_or=$3 iv_nr=$4
	shift 4
	if [ "$iv_m" -eq "$iv_n" ]; then
		[ $# -eq 0 ] && [ "$iv_or" = "$iv_nr" ]
		return
	fi
	[ $# -gt 0 ] && [ "$iv_m" -gt 0 ] && [ "$iv_m" -lt "$iv_n" ] || return 1
	# An old size that is a power of two: the old root heads the path.
	[ $((iv_m & (iv_m - 1))) -eq 0 ] && set -- "$iv_or" "$@"
	iv_fn=$((iv_m - 1)) iv_sn=$((iv_n - 1))
	while [ $((iv_fn & 1)) -eq 1 ]; do
		iv_fn=$((iv_fn >> 1)) iv_sn=$((iv_sn >> 1))
	done
	iv_fr=$1 iv_sr=$1
	shift
	for iv_c in "$@"; do
		[ "$iv_sn" -eq 0 ] && return 1
		if [ $((iv_fn & 1)) -eq 1 ] || [ "$iv_fn" -eq "$iv_sn" ]; then
			iv_fr=$(iv_node "$iv_c" "$iv_fr")
			iv_sr=$(iv_node "$iv_c" "$iv_sr")
			while [ $((iv_fn & 1)) -eq 0 ] && [ "$iv_fn" -ne 0 ]; do
				iv_fn=$((iv_fn >> 1)) iv_sn=$((iv_sn >> 1))
			done
		else
			iv_sr=$(iv_node "$iv_sr" "$iv_c")
		fi
		iv_fn=$((iv_fn >> 1)) iv_sn=$((iv_sn >> 1))
	done
	[ "$iv_sn" -eq 0 ] && [ "$iv_fr" = "$iv_or" ] && [ "$iv_sr" = "$iv_nr" ]
}

# iv_mth LO HI: RFC 9162's MTH of the leaves LO..HI-1 (in $iv_leaf_I),
# by its recursive definition (each call runs in its own subshell).
iv_mth() {
	if [ $(($2 - $1)) -eq 1 ]; then
		eval "printf '%s\\n' \"\$iv_leaf_$1\""
		return
	fi
	iv_k=1
	while [ $((iv_k * 2)) -lt $(($2 - $1)) ]; do
		iv_k=$((iv_k * 2))
	done
	iv_node "$(iv_mth "$1" $(($1 + iv_k)))" "$(iv_mth $(($1 + iv_k)) "$2")"
}

# ---- C2SP signed note: the checkpoint's signature --------------------------

# iv_check_note NOTE_FILE: 0 when the checkpoint's signature by the
# verifier key ($iv_name, pub.pem) holds.
iv_check_note() {
	# The signed message: the text before the blank line, each line
	# with its newline.
	awk '$0 == "" { exit } { print }' "$1" >"$T_DIR/.msg"
	iv_sigline=$(sed -n '/^$/,$p' "$1" | awk -v p="— $iv_name " 'index($0, p) == 1')
	[ -n "$iv_sigline" ] || return 1
	printf '%s' "${iv_sigline##* }" | base64 -d >"$T_DIR/.sigraw" 2>/dev/null || return 1
	[ "$(($(wc -c <"$T_DIR/.sigraw")))" -eq 68 ] || return 1
	# key hash (4 bytes), then the 64-byte Ed25519 signature.
	[ "$(head -c 4 "$T_DIR/.sigraw" | iv_bin2hex)" = "$iv_keyhash" ] || return 1
	tail -c 64 "$T_DIR/.sigraw" >"$T_DIR/.sig"
	openssl pkeyutl -verify -pubin -inkey pub.pem -rawin -in "$T_DIR/.msg" \
		-sigfile "$T_DIR/.sig" >/dev/null 2>&1
}

# iv_root_of NOTE_FILE: the root hash (hex) on line 3.
iv_root_of() {
	sed -n 3p "$1" | base64 -d | iv_bin2hex
}

# ---- a ledger with varied events -------------------------------------------

setup_consortium
ok_run member add E --name "Ceramica Società Srl" --sector C23.31 --district "Sassuolo–Fiorano" --tax-id IT01234567890 --date 2026-01-04
ok_run contribute E 1000 --kind capital --ref cap-E --date 2026-01-04
ok_run audit checkpoint
printf '%s\n' "$OUT" >old.txt
# Refs with spaces, leading and trailing too: the canonical bytes carry
# a ref as it is, length-prefixed, so the leaves below recompute from the
# rows alone.
for ref in "BPM 2026 001" "  lead" "trail  "; do
	ok_run contribute B 10.5 --kind fund --ref "$ref" --date 2026-01-05
done
ok_run audit checkpoint
printf '%s\n' "$OUT" >new.txt
old_size=$(sed -n 2p old.txt)
new_size=$(sed -n 2p new.txt)
expect_eq "$old_size $new_size" "14 17" "checkpoint sizes"

# ---- 1. the verifier key and the signatures --------------------------------

ok_run keys show
vkey=$(printf '%s\n' "$OUT" | grep '^[^ ]*+[0-9a-f]\{8\}+[A-Za-z0-9+/]*=*$')
iv_name=${vkey%%+*}
iv_rest=${vkey#*+}
iv_keyhash=${iv_rest%%+*}
printf '%s' "${iv_rest#*+}" | base64 -d >vk.bin
expect_eq "$(($(wc -c <vk.bin)))" 33 "verifier key: 1 + 32 bytes"
expect_eq "$(head -c 1 vk.bin | iv_bin2hex)" 01 "verifier key: Ed25519 type byte"
tail -c 32 vk.bin >pub.raw
# The key hash: SHA-256(name || 0x0A || 0x01 || key), first 4 bytes.
expect_eq "$({ printf '%s\n' "$iv_name"; printf '\001'; cat pub.raw; } | sha256sum | cut -c1-8)" \
	"$iv_keyhash" "key hash recomputed"
# PEM from the raw key: the Ed25519 SubjectPublicKeyInfo DER prefix.
{ iv_hex2bin 302a300506032b6570032100; cat pub.raw; } >pub.der
openssl pkey -pubin -inform DER -in pub.der -out pub.pem 2>/dev/null
expect_eq "$(openssl pkey -pubin -in mcg.db.keys/checkpoint.pub -outform DER | iv_bin2hex)" \
	"$(iv_bin2hex <pub.der)" "the key shown is checkpoint.pub"
expect_eq "$iv_name" "$(sed -n 1p old.txt)" "key name is the origin"

if iv_check_note old.txt; then ok; else fail "old checkpoint's signature does not verify"; fi
if iv_check_note new.txt; then ok; else fail "new checkpoint's signature does not verify"; fi
# Anything changed in the text breaks it.
sed '2s/.*/18/' new.txt >forged.txt
if iv_check_note forged.txt; then fail "a changed size verified"; else ok; fi
sed "1s/\$/x/" new.txt >forged.txt
if iv_check_note forged.txt; then fail "a changed origin verified"; else ok; fi
{ sed -n 1,2p new.txt; sed -n 3p old.txt; sed -n '4,$p' new.txt; } >forged.txt
if iv_check_note forged.txt; then fail "another root verified"; else ok; fi

# ---- 2 and 3. every leaf from its rows, every inclusion proof --------------

old_root=$(iv_root_of old.txt)
new_root=$(iv_root_of new.txt)
seq=1
while [ "$seq" -le "$new_size" ]; do
	ok_run audit prove "$seq" --size "$new_size"
	index=$(printf '%s\n' "$OUT" | sed -n 's/^index //p')
	size=$(printf '%s\n' "$OUT" | sed -n 's/^size //p')
	leaf=$(printf '%s\n' "$OUT" | sed -n 's/^leaf //p')
	hashes=$(printf '%s\n' "$OUT" | sed -n 's/^hash //p')
	expect_eq "$index $size" "$((seq - 1)) $new_size" "prove $seq: index and size"
	l=$(iv_leaf "$seq")
	eval "iv_leaf_$((seq - 1))=\$l"
	expect_eq "$leaf" "$l" "event $seq: leaf recomputed from its rows"
	# shellcheck disable=SC2086
	if iv_verify_inclusion "$index" "$size" "$leaf" "$new_root" $hashes; then ok; else
		fail "event $seq: inclusion proof does not lead to the signed root"
	fi
	seq=$((seq + 1))
done
# The signed roots, recomputed from the rows alone.
expect_eq "$(iv_mth 0 "$new_size")" "$new_root" "new root recomputed from the event rows"
expect_eq "$(iv_mth 0 "$old_size")" "$old_root" "old root recomputed from the event rows"
# In the older tree too, against the older signed root.
for seq in 1 7 13 14; do
	ok_run audit prove "$seq" --size "$old_size"
	# shellcheck disable=SC2086
	if iv_verify_inclusion "$((seq - 1))" "$old_size" \
		"$(printf '%s\n' "$OUT" | sed -n 's/^leaf //p')" "$old_root" \
		$(printf '%s\n' "$OUT" | sed -n 's/^hash //p'); then ok; else
		fail "event $seq: inclusion in the old tree"
	fi
done
# The verifier is not a rubber stamp: a wrong index, root or hash fails.
ok_run audit prove 5 --size "$new_size"
leaf=$(printf '%s\n' "$OUT" | sed -n 's/^leaf //p')
hashes=$(printf '%s\n' "$OUT" | sed -n 's/^hash //p')
# shellcheck disable=SC2086
if iv_verify_inclusion 5 "$new_size" "$leaf" "$new_root" $hashes; then fail "wrong index verified"; else ok; fi
# shellcheck disable=SC2086
if iv_verify_inclusion 4 "$new_size" "$leaf" "$old_root" $hashes; then fail "wrong root verified"; else ok; fi
# shellcheck disable=SC2086
if iv_verify_inclusion 4 "$new_size" "$(iv_leaf 6)" "$new_root" $hashes; then fail "wrong leaf verified"; else ok; fi
# shellcheck disable=SC2086
if iv_verify_inclusion 4 "$new_size" "$leaf" "$new_root" $hashes "$leaf"; then fail "a proof too long verified"; else ok; fi

# ---- 4. the log only grew between the two checkpoints ----------------------

ok_run audit consistency "$old_size" "$new_size"
expect_eq "$(printf '%s\n' "$OUT" | sed -n 1,2p | tr '\n' ' ')" "old $old_size new $new_size " "consistency header"
hashes=$(printf '%s\n' "$OUT" | sed -n 's/^hash //p')
# shellcheck disable=SC2086
if iv_verify_consistency "$old_size" "$new_size" "$old_root" "$new_root" $hashes; then ok; else
	fail "consistency proof $old_size -> $new_size does not hold"
fi
# shellcheck disable=SC2086
if iv_verify_consistency "$old_size" "$new_size" "$new_root" "$new_root" $hashes; then fail "consistency with a wrong old root"; else ok; fi
# Every pair of sizes, including powers of two (the old root heads the
# path), with both roots recomputed here from the leaves.
for pair in "1 17" "4 16" "8 17" "5 9" "3 3"; do
	set -- $pair
	ok_run audit consistency "$1" "$2"
	h=$(printf '%s\n' "$OUT" | sed -n 's/^hash //p')
	# shellcheck disable=SC2086
	if iv_verify_consistency "$1" "$2" "$(iv_mth 0 "$1")" "$(iv_mth 0 "$2")" $h; then ok; else
		fail "consistency proof $1 -> $2 does not hold"
	fi
done
