# The documentation keeps up with the code: the man page is the one
# scripts/gen-man.sh makes from this binary's help, and every command and
# every flag of `mcg --help` and `mcg COMMAND --help` appears in the man
# page and in the README.
sh "$MCG_SRC/scripts/gen-man.sh" "$MCG" > fresh.1
if cmp -s fresh.1 "$MCG_SRC/docs/mcg.1"; then ok; else
	fail "docs/mcg.1 is stale: run make man"
fi
"$MCG" --help | awk '/^Commands:/ { on = 1; next } on && /^$/ { exit } on' |
	sed 's/^  //; s/  .*//' > commands.txt
expect_eq "$(wc -l < commands.txt | tr -d ' ')" "$("$MCG" --help | awk '/^Commands:/ { on = 1; next } on && /^$/ { exit } on { n++ } END { print n }')" "commands listed"
while IFS= read -r cmd; do
	grep -q -- "$cmd" "$MCG_SRC/README.md" && ok || fail "README lacks the command '$cmd'"
	grep -q -- "$cmd" "$MCG_SRC/docs/mcg.1" && ok || fail "man page lacks the command '$cmd'"
	# shellcheck disable=SC2086
	"$MCG" $cmd --help | grep -o -- '--[a-z][a-z-]*\|-o FILE' | sort -u > flags.txt
	while IFS= read -r flag; do
		grep -q -- "$flag" "$MCG_SRC/README.md" && ok || fail "README lacks $flag of '$cmd'"
		grep -q -- "$(printf '%s' "$flag" | sed 's/-/\\\\-/g')" "$MCG_SRC/docs/mcg.1" && ok ||
			fail "man page lacks $flag of '$cmd'"
	done < flags.txt
done < commands.txt
# A command's errors carry the usage line its --help prints (one table,
# cli/commands.c): an unknown option, before any ledger is opened.
while IFS= read -r cmd; do
	# shellcheck disable=SC2086
	usage=$("$MCG" $cmd --help | sed -n '1s/^usage: //p')
	# shellcheck disable=SC2086
	mcg $cmd --no-such-flag
	expect_eq "$RC" 2 "mcg $cmd --no-such-flag"
	expect_contains "$ERR" "(usage: $usage)" "the error of '$cmd' carries its --help usage"
done < commands.txt
