#!/bin/bash
# check.sh - the whole test suite, as `make check` runs it (both builds
# must be made first: make all && make SAN=1 all).
#
#   tests/check.sh
#
# Much of the suite waits rather than computes: the soak's 1 s interval,
# notification storms draining at 50 a second, Zabbix's polling, probes of
# slow servers.  So it runs in lanes, side by side; the steps of a lane
# one after the other:
#
#   soak        longrun part 2 --long: 1,000 targets x 1,000 cycles, or
#               25 minutes (plain); then e2e-servers (ASan+UBSan)
#   plain       mibcheck, layers, depstest, unit, every e2e suite but the
#               monitoring systems and e2e-nagios; longrun parts 1, 3, 4
#               (plain build)
#   san         unit, every e2e suite but the monitoring systems,
#               e2e-servers and e2e-nagios; longrun parts 2 (a 200-target
#               soak and fdlimit), 3, 4 (ASan+UBSan)
#   monitoring  the monitoring systems (Nagios, Icinga 2, Zabbix,
#               snmp_exporter), then e2e-nagios: plain build, then
#               ASan+UBSan
#
# Every step runs even if an earlier one failed.  Each writes its output
# to build/check/LANE-N-STEP.log; a line is printed when a step starts and
# when it ends (its status, its time and its "N passed, N failed").  At
# the end a summary lists every step; the "not ok" lines and the end of
# the log of every failed step follow it.  Exits 1 if any step failed.

# SC2317: functions run from traps.
# shellcheck disable=SC2317

set -u

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
cd "$ROOT" || exit 1

MAKE=${MAKE:-make}
LOGS=$ROOT/build/check
# Lines of a failed step's log shown in the report.
TAIL_LINES=25

for b in build build-san; do
	if [ ! -x "$b/updprobed" ] || [ ! -x "$b/updprobe" ]; then
		echo "check.sh: $b/updprobed missing: make all && make SAN=1 all" >&2
		exit 1
	fi
done
rm -rf "$LOGS"
mkdir -p "$LOGS" || exit 1

# The e2e suites of the Makefile, the monitoring systems apart.
read -ra SUITES <<<"$("$MAKE" -s --no-print-directory e2e-suites)"
OTHER_SUITES=()
for s in "${SUITES[@]}"; do
	[ "$s" = e2e-monitoring ] || OTHER_SUITES+=("$s")
done

longrun() {		# BUILD_DIR ARGS...
	local b=$1
	shift
	(
		# The sanitizer build soaks 200 targets for 60 cycles.
		if [ "$b" = build-san ]; then
			export SOAK_TARGETS=200 SOAK_CYCLES_CI=60
		fi
		UPDPROBE=$ROOT/$b/updprobe UPDPROBED=$ROOT/$b/updprobed \
		    tests/e2e/longrun.sh "$@"
	)
}

mk() {			# ARGS...: one make target, quietly
	"$MAKE" --no-print-directory "$@"
}

# step LANE N NAME COMMAND...: run it, its output to a log; one line at
# its start and one at its end; a result file for the summary.
step() {
	local lane=$1 n=$2 name=$3 log t0 rc counts
	shift 3
	log=$LOGS/$lane-$n-$name.log
	t0=$(date +%s)
	echo "--- $lane: $name started"
	"$@" </dev/null >"$log" 2>&1
	rc=$?
	counts=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$log" |
	    awk '{ p += $1; f += $3 } END { if (NR) printf "%d passed, %d failed", p, f }')
	printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$lane" "$n" "$name" "$rc" \
	    "$(($(date +%s) - t0))" "$counts" >"$log.result"
	echo "--- $lane: $name ended: status $rc, $(($(date +%s) - t0)) s${counts:+, $counts}"
}

# The sanitizer build's suite that lasts longest runs after the soak, and
# one suite of both builds after the monitoring systems, so that no lane
# is much longer than the others (CI has 45 minutes; in a run here the
# lanes took 2,048, 2,065, 2,124 and 1,326 s before e2e-nagios moved).
SOAK_LANE_SAN=e2e-servers
MONITORING_LANE_SUITE=e2e-nagios

lane_soak() {
	# 1,000 cycles, or 25 minutes once every target had 150.
	SOAK_MAX_S=1500 step soak 1 soak-1000x1000 longrun build --long --parts 2
	step soak 2 "san-$SOAK_LANE_SAN" mk SAN=1 "$SOAK_LANE_SAN"
}

lane_plain() {
	local i=1 s
	step plain $i mibcheck mk mibcheck
	step plain $((i += 1)) layers mk layers
	step plain $((i += 1)) depstest mk depstest
	step plain $((i += 1)) unit mk unit
	for s in "${OTHER_SUITES[@]}"; do
		[ "$s" = "$MONITORING_LANE_SUITE" ] && continue
		step plain $((i += 1)) "$s" mk "$s"
	done
	step plain $((i += 1)) longrun-1,3,4 longrun build --parts 1,3,4
}

lane_san() {
	local i=1 s
	step san $i unit mk SAN=1 unit
	for s in "${OTHER_SUITES[@]}"; do
		[ "$s" = "$SOAK_LANE_SAN" ] && continue
		[ "$s" = "$MONITORING_LANE_SUITE" ] && continue
		step san $((i += 1)) "$s" mk SAN=1 "$s"
	done
	step san $((i += 1)) longrun-2,3,4 longrun build-san --parts 2,3,4
}

lane_monitoring() {
	step monitoring 1 e2e-monitoring mk e2e-monitoring
	step monitoring 2 e2e-monitoring-san mk SAN=1 e2e-monitoring
	step monitoring 3 "$MONITORING_LANE_SUITE" mk "$MONITORING_LANE_SUITE"
	step monitoring 4 "san-$MONITORING_LANE_SUITE" mk SAN=1 \
	    "$MONITORING_LANE_SUITE"
}

LANE_PIDS=()
stop_lanes() {
	local p
	for p in "${LANE_PIDS[@]}"; do
		kill -s TERM -- "-$p" 2>/dev/null || kill -s TERM "$p" 2>/dev/null
	done
	wait
}
trap 'stop_lanes; exit 130' INT
trap 'stop_lanes; exit 143' TERM

T0=$(date +%s)
# Each lane in a process group of its own, so that an interrupt stops
# all of its steps.
set -m
for lane in soak plain san monitoring; do
	"lane_$lane" &
	LANE_PIDS+=($!)
done
set +m
echo "=== lanes started: soak plain san monitoring; logs in $LOGS"
for p in "${LANE_PIDS[@]}"; do
	wait "$p"
done
trap - INT TERM

# The summary, then each failed step's "not ok" lines and the end of its
# log; also kept in $LOGS/report.txt, for CI to show it last.
report() {
	local r lane n name rc secs counts log
	echo "=== summary ($(($(date +%s) - T0)) s)"
	for r in $(ls "$LOGS"/*.result 2>/dev/null | sort -V); do
		IFS=$'\t' read -r lane n name rc secs counts <"$r"
		if [ "$rc" = 0 ]; then
			printf 'ok      %-10s %-22s %5d s  %s\n' "$lane" "$name" \
			    "$secs" "$counts"
		else
			printf 'FAILED  %-10s %-22s %5d s  status %s  %s\n' \
			    "$lane" "$name" "$secs" "$rc" "$counts"
		fi
	done
	for r in $(ls "$LOGS"/*.result 2>/dev/null | sort -V); do
		IFS=$'\t' read -r lane n name rc _ <"$r"
		[ "$rc" = 0 ] && continue
		log=${r%.result}
		echo "=== $lane: $name failed: its \"not ok\" lines and its last $TAIL_LINES lines ($log)"
		grep '^not ok' "$log"
		echo "..."
		tail -n "$TAIL_LINES" "$log"
	done
}
report | tee "$LOGS/report.txt"
grep -q '^FAILED' "$LOGS/report.txt" && exit 1
exit 0
