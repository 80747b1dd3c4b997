#!/bin/bash
# run.sh - build the libFuzzer targets, then fuzz each for a while.
#
#   tests/fuzz/run.sh [SECONDS]      per target; default 60 (make fuzz)
#
# Each target starts from a fresh copy of its seeds (tests/fuzz/corpus/NAME)
# in build-fuzz/corpus-NAME, so the repository's corpus is never modified,
# with tests/fuzz/NAME.dict as its dictionary.  A failing input is saved as
# build-fuzz/crash-NAME-KIND-SHA1 (KIND: crash, leak, timeout, oom, ...),
# the whole libFuzzer output as build-fuzz/fuzz-NAME.log.  Reproduce with
#   build-fuzz/fuzz_NAME build-fuzz/crash-NAME-...
# (FUZZ_VERBOSE=1 also prints updprobed's messages for fuzz_conf).
#
# Prints "ok - fuzz NAME: N executions in S s" per target, or "not ok - ..."
# with the report and the input, then "N passed, N failed"; exits 1 if a
# target failed or did not build.

set -u

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
OUT=build-fuzz
TARGETS="dirfile provfile target conf"
# The limits of one run: memory, one input's time, and a guard for a
# fuzzer that does not stop by itself after -max_total_time.
RSS_LIMIT_MB=512
INPUT_TIMEOUT=5
STOP_GRACE=120
# Lines of the report and bytes of the input shown for a failure.
REPORT_LINES=60
HEXDUMP_BYTES=512

secs=${1:-60}
case $secs in
''|*[!0-9]*|0)
	echo "usage: tests/fuzz/run.sh [SECONDS]" >&2
	exit 64 ;;
esac

# shellcheck source=SCRIPTDIR/../results.sh
. "$HERE/../results.sh"

# Indented as TAP diagnostics.
diag() {
	sed 's/^/#   /'
}

cd "$ROOT" || exit 1
mkdir -p "$OUT" || exit 1
if ! "$HERE/build.sh" >"$OUT/build.log" 2>&1; then
	not_ok "fuzz: the targets do not build ($OUT/build.log)"
	tail -n "$REPORT_LINES" "$OUT/build.log" | diag
	finish
fi
# fuzz_conf writes its input to a file in a directory made here; one that
# was stopped by a crash or a signal leaves its directory behind.
rm -rf "$OUT/tmp"
mkdir -p "$OUT/tmp" || exit 1
export TMPDIR="$ROOT/$OUT/tmp"
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1}

for name in $TARGETS; do
	corpus=$OUT/corpus-$name
	log=$OUT/fuzz-$name.log
	dict=()
	[ -f "tests/fuzz/$name.dict" ] && dict=("-dict=tests/fuzz/$name.dict")
	rm -rf "$corpus"
	mkdir -p "$corpus" || exit 1
	cp tests/fuzz/corpus/"$name"/* "$corpus"/ || exit 1
	# Crashes of an earlier run would be taken for this run's.
	rm -f "$OUT/crash-$name-"*

	start=$(date +%s)
	timeout -k 10 $((secs + STOP_GRACE)) "$OUT/fuzz_$name" \
	    -max_total_time="$secs" -rss_limit_mb="$RSS_LIMIT_MB" \
	    -timeout="$INPUT_TIMEOUT" -print_final_stats=1 \
	    -artifact_prefix="$OUT/crash-$name-" "${dict[@]}" "$corpus" \
	    </dev/null >"$log" 2>&1
	rc=$?
	took=$(( $(date +%s) - start ))
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" |
	    tail -n 1)
	execs=${execs:-?}

	# A run that stopped cleanly but reports no executions did not fuzz.
	if [ "$rc" -eq 0 ] && [[ "$execs" =~ ^[0-9]+$ ]] && [ "$execs" -gt 0 ]; then
		ok "fuzz $name: $execs executions in $took s"
		continue
	fi
	if [ "$rc" -eq 0 ]; then
		not_ok "fuzz $name: exit 0 but no execution count (\"$execs\") in $log"
		tail -n "$REPORT_LINES" "$log" | diag
		continue
	fi
	crashes=("$OUT/crash-$name-"*)
	[ -e "${crashes[0]}" ] || crashes=()
	if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
		not_ok "fuzz $name: did not stop within $((secs + STOP_GRACE)) s"
	else
		not_ok "fuzz $name: failed (exit $rc) after $execs executions" \
		    "in $took s; input: ${crashes[*]:-none saved}; log: $log"
	fi
	# The report, without progress lines and libFuzzer's copies of the
	# input (the hexdump below shows it).
	grep -v '^stat::\|^#[0-9]\|^0x[0-9a-f]*,\|^Base64:' "$log" |
	    tail -n "$REPORT_LINES" | diag
	for f in "${crashes[@]}"; do
		echo "$f, first $HEXDUMP_BYTES bytes:" | diag
		head -c "$HEXDUMP_BYTES" "$f" | od -A x -t x1z -v | diag
	done
done
finish
