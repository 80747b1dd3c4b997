#!/bin/bash
# check.sh - the whole test suite, as `make check` runs it (both builds
# must be made first: make all && make SAN=1 all).
#
#   tests/check.sh
#
# The 1,000-cycle soak (longrun part 2 with --long, plain build) is bound
# by its 1 s interval, not by the CPU: it takes about 17 minutes and keeps
# less than one core busy.  So it starts first, in the background, and the
# rest runs meanwhile, one phase after the other:
#
#   mibcheck, layers, deps.sh's test, unit and e2e suites, plain build
#   unit and e2e suites, ASan + UBSan build
#   longrun parts 1 (valgrind), 3 (snmpd -9 x 20), 4 (secrets), plain build
#   longrun parts 2 (a 200-target, 60-cycle soak and fdlimit), 3 and 4,
#       ASan + UBSan build
#
# Every phase runs even if an earlier one failed; the soak's output is
# printed when it ends (it is in build/soak.log meanwhile).  A summary
# names each phase and its result.  Exits 1 if any phase failed.

# SC2317: stop_soak runs from the EXIT trap.
# shellcheck disable=SC2317

set -u

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
cd "$ROOT" || exit 1

MAKE=${MAKE:-make}
SOAK_LOG=$ROOT/build/soak.log
SOAK_PID=
RESULTS=()
FAILED=0

stop_soak() {
	[ -n "$SOAK_PID" ] || return 0
	kill -s TERM "$SOAK_PID" 2>/dev/null
	wait "$SOAK_PID" 2>/dev/null
	SOAK_PID=
}
trap stop_soak EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

record() {		# NAME STATUS SECONDS
	if [ "$2" -eq 0 ]; then
		RESULTS+=("ok      $1 ($3 s)")
	else
		RESULTS+=("FAILED  $1 ($3 s, status $2)")
		FAILED=1
	fi
}

phase() {		# NAME COMMAND...
	local name=$1 t0 rc
	shift
	echo "=== $name"
	t0=$(date +%s)
	"$@"
	rc=$?
	record "$name" "$rc" "$(($(date +%s) - t0))"
}

longrun() (		# BUILD_DIR ARGS... (a subshell: the exports stay in it)
	b=$1
	shift
	# The sanitizer build soaks 200 targets for 60 cycles, beside the
	# plain build's 1,000 x 1,000.
	if [ "$b" = build-san ]; then
		export SOAK_TARGETS=200 SOAK_CYCLES_CI=60
	fi
	UPDPROBE=$ROOT/$b/updprobe UPDPROBED=$ROOT/$b/updprobed \
	    tests/e2e/longrun.sh "$@"
)

for b in build build-san; do
	if [ ! -x "$b/updprobed" ] || [ ! -x "$b/updprobe" ]; then
		echo "check.sh: $b/updprobed missing: make all && make SAN=1 all" >&2
		exit 1
	fi
done

T0=$(date +%s)
mkdir -p "$(dirname "$SOAK_LOG")"
longrun build --long --parts 2 >"$SOAK_LOG" 2>&1 &
SOAK_PID=$!
echo "=== soak (longrun part 2 --long, plain build) started in the background, PID $SOAK_PID, output in $SOAK_LOG"

# -k: a suite that fails does not hide the suites after it.
phase "mibcheck layers depstest unit e2e (plain)" "$MAKE" -k \
    --no-print-directory mibcheck layers depstest unit e2e
phase "unit e2e (ASan+UBSan)" "$MAKE" -k --no-print-directory SAN=1 unit e2e
phase "longrun 1,3,4 (plain)" longrun build --parts 1,3,4
phase "longrun 2,3,4 (ASan+UBSan, 200-target soak)" \
    longrun build-san --parts 2,3,4

echo "=== waiting for the soak (PID $SOAK_PID)"
t0=$(date +%s)
wait "$SOAK_PID"
rc=$?
SOAK_PID=
cat "$SOAK_LOG"
record "soak 1,000 targets x 1,000 cycles (plain, longrun part 2 --long)" \
    "$rc" "$(($(date +%s) - T0))"
echo "(waited $(($(date +%s) - t0)) s for the soak after the other phases)"

echo "=== summary ($(($(date +%s) - T0)) s)"
printf '%s\n' "${RESULTS[@]}"
exit "$FAILED"
