# The independent oracle: tests/oracle/oracle.py recomputes, from
# DOMAIN.md sections 2-7 alone, every figure of a consortium (postings,
# GA, the loss waterfall, recoveries, exposure, the rules) and decides for
# every command whether it must be accepted or refused (exit 0, 2, 3, 5).
# tests/oracle/gen.py generates a few hundred commands from a seed (every
# event of DOMAIN.md section 5, odd cents and ties, guarantees passing and
# failing each rule, refusals of every kind; some bank events sent through
# `mcg import`), and tests/oracle/run.py runs them one at a time against
# $MCG, comparing each exit status, and at checkpoints every balance,
# every member's exposure, every loan's status, outstanding, GA, coverage,
# score and PD, every member's name, status, sector and district and the
# eligible peer assessments.  New members are sometimes first sent with
# a sector that is not a NACE code or a district that is not text (empty,
# malformed, control characters, 201 bytes, not UTF-8; DOMAIN.md section
# 4, the man page, docs/HOSTILE-INPUT.md): exit 2, one line `mcg: error:
# ...`, and nothing written (`mcg audit verify` as before).
# Every 100 commands and at the end it also checks the signed documents
# (docs/REPORTS.md; tests/oracle/docs.py): bank statements (also as of a
# past date, and in pages), member statements and the regulatory report,
# every figure against the model's own state as of the cut and its own
# log of events, each passing `mcg statement verify` and xmllint against
# its schema; the regulatory report's buckets by sector and district in
# byte order of their keys, the bucket of the borrowers with none first
# (the empty key).  At the end of a random scenario also the report and
# the statements as of the days when guarantees were live (the most of
# them under each rules version, and one decided on an earlier version),
# so that grades, expected loss, multiplier, coverage and shares of the
# fund are checked with live figures; the run fails if the documents of
# 2:custom and 8:thin no longer reach such a cut.  At the end of each
# scenario documents of one day
# (--from = --to), and documents asked for with --from after --to: exit 2,
# one line `mcg: error: ...`, and nothing written (no file, no .tmp, no
# page, an existing file untouched, no checkpoint kept: `mcg audit
# verify` says the same before and after).  The scenarios also load a
# second rules version mid-run and send several bank events in one `mcg
# import` file (all or nothing).
# Scenarios: the fixed corners (edges: also a rules change, a deficit of
# the fund, then a fund of exactly 0.00 with guarantees active, so a
# CoverageRatio of 0.00 and no Multiplier, and borrowers with and without
# a sector or district; the run fails if its documents no longer reach
# these), every invalid sector and district, and valid ones at the edge
# as the report's keys (text), the ratios of the documents half way
# between two hundredths (ratios), the default rules, other figures for
# every rule (custom), a thin fund (thin) and a currency without minor
# digits (jpy).
# Needs python3 (standard library); xmllint if installed.
# ORACLE_SEEDS overrides the list (SEED:PROFILE ...); ORACLE_VERBOSE=1
# prints each scenario's counts and time.

# Under AddressSanitizer a command costs five times as much (4 minutes for
# the whole list): the sanitized run takes the corner cases and one shorter
# random scenario, for the sanitizers' sake, with documents as of one day
# of live guarantees at its end; the plain run checks the rest.
oracle_seeds="0:edges 0:text 0:ratios 1:default 2:custom 8:thin 4:jpy"
oracle_steps=300
oracle_live=
case "$MCG" in */asan/*) oracle_seeds="0:edges 1:default" oracle_steps=150 oracle_live="--live-cuts 1" ;; esac

if ! command -v python3 >/dev/null 2>&1; then
	fail "python3 is needed to run the oracle"
else
	python3 -B "$MCG_SRC/tests/oracle/run.py" --mcg "$MCG" --dir "$T_DIR" \
		--steps "$oracle_steps" --every 20 --repro "$T_DIR/repro" $oracle_live \
		${ORACLE_SEEDS:-$oracle_seeds} \
		>"$T_DIR/oracle.out" 2>&1
	oracle_rc=$?
	oracle_result=
	while IFS= read -r line; do
		case "$line" in
		"FAIL "*) fail "oracle: ${line#FAIL }" ;;
		"INFO "*) [ -n "${ORACLE_VERBOSE:-}" ] && echo "    $line" ;;
		"RESULT "*) oracle_result=${line#RESULT } ;;
		esac
	done <"$T_DIR/oracle.out"
	case "$oracle_result" in
	*" "*)
		T_PASSED=$((T_PASSED + ${oracle_result% *}))
		if [ "${oracle_result#* }" != 0 ]; then
			echo "    (oracle: repro scripts of the first mismatch of each seed in $T_DIR/repro.*.sh)" >&2
		fi
		;;
	*) fail "the oracle driver died (exit $oracle_rc): $(tail -n 5 "$T_DIR/oracle.out")" ;;
	esac
fi
