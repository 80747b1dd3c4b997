#!/bin/bash
# storm.sh - notification storms must never hang snmpd: real snmpd,
# snmptrapd and updprobed on loopback, thousands of targets changing state
# at once.
#
#   UPDPROBED=build/updprobed tests/e2e/storm.sh [--full]
#
# Scenarios (the sizes are make check's; --full: the sizes the problem was
# found at, for make longrun / make bench):
#   late   N targets fail while snmpd is down (agentxPingInterval 1),
#          then snmpd starts: every waiting notification at once
#          (1,500; --full 3,000)
#   hup    N targets change code at once by SIGHUP: a CodeChange and a
#          Problem each (2,000; --full 10,000)
#   start  N targets fail at start with snmpd up (3,000; --full 20,000)
#   fast   as late, with the limits an operator may raise them to
#          (notifyRate 10000, notifyQueue 20000): only the window of
#          Notifies in flight keeps snmpd answering (1,500; --full 3,000)
#
# Each scenario checks, with a sampler that GETs sysUpTime.0 from snmpd
# every 0.2 s all along (-t 2 -r 2: a liveness bound, not a speed test;
# the latencies are printed as "#" lines and measured by make bench):
#   - snmpd answers every GET;
#   - the queue drains (updprobeNotificationsQueued 0);
#   - target notifications received by snmptrapd + updprobeNotificationsDropped
#     = notifications raised (from the scenario), and the
#     updprobeNotificationsSuppressed summaries add up to the dropped ones;
#   - snmptrapd received what updprobeNotificationsSent says was sent
#     (fast: at most that; at 10,000 a second some of snmpd's UDP traps
#     overflow snmptrapd's socket, which is counted, not judged);
#   - updprobed stops on SIGTERM, with status 0.
#
# Prints "ok - ..." / "not ok - ..." per check, then "N passed, N failed".

# SC2317: functions run through wait_for.
# shellcheck disable=SC2317

set -u

HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=SCRIPTDIR/../lib.sh
. "$HERE/../lib.sh"
# shellcheck source=SCRIPTDIR/../snmplib.sh
. "$HERE/../snmplib.sh" ||
    bail_out "the SNMP tools and MIBs for the tests (tests/snmplib.sh, see above)"

N_LATE=1500
N_HUP=2000
N_START=3000
N_FAST=1500
if [ "${1:-}" = --full ]; then
	N_LATE=3000
	N_HUP=10000
	N_START=20000
	N_FAST=3000
fi
# The defaults of updprobed.conf(5): the queue drains in QUEUE / RATE s.
RATE=50
QUEUE=1000
# Generous: a busy machine probes, logs and forwards more slowly.
DRAIN_S=$((QUEUE / RATE * 6 + 60))

[ -x "$UPDPROBED" ] || bail_out "$UPDPROBED is not built (make)"
start_snmptrapd || bail_out "start snmptrapd (see above)"
echo "# storms of $N_LATE / $N_HUP / $N_START targets; notifyRate $RATE," \
    "notifyQueue $QUEUE; logs in $TEST_TMP"

# ---------------------------------------------------------------------------
# Helpers.

# write_conf FILE N URL [RATE QUEUE]: N targets sNNNNN on URL.
write_conf() {
	local file=$1 n=$2 url=$3
	{
		echo "agentxPingInterval 1"
		echo "interval 3600"
		echo "timeout 5"
		echo "notifyRate ${4:-$RATE}"
		echo "notifyQueue ${5:-$QUEUE}"
		seq -f "target s%05g $url" 1 "$n"
	} >"$file"
}

# The sampler: a GET of sysUpTime.0 every 0.2 s, one line each:
# "ok MS" or "fail MS MESSAGE".
SAMPLER_PID=
start_sampler() {
	SAMPLES=$TEST_TMP/samples.$1
	: >"$SAMPLES"
	(
		trap 'exit 0' TERM
		while :; do
			t0=$(date +%s%N)
			if out=$(snmpget -v2c -c "$SNMP_READ_COMMUNITY" -t 2 -r 2 \
			    -Oqv "$SNMP_AGENT" .1.3.6.1.2.1.1.3.0 2>&1); then
				echo "ok $((($(date +%s%N) - t0) / 1000000))"
			else
				echo "fail $((($(date +%s%N) - t0) / 1000000))" \
				    "$(printf '%s' "$out" | tr '\n' ' ')"
			fi
			sleep 0.2
		done
	) >>"$SAMPLES" 2>&1 &
	SAMPLER_PID=$!
	snmplib_track "$SAMPLER_PID"
}

# stop_sampler NAME: stop it and check every GET was answered.
stop_sampler() {
	local n fails worst
	snmplib_kill "$SAMPLER_PID"
	SAMPLER_PID=
	n=$(grep -c '' "$SAMPLES")
	fails=$(grep -c '^fail' "$SAMPLES")
	worst=$(awk '{ if ($2 > m) m = $2 } END { print m + 0 }' "$SAMPLES")
	echo "# $1: $n GETs of sysUpTime.0 from snmpd, slowest $worst ms"
	if [ "$n" -gt 0 ] && [ "$fails" -eq 0 ]; then
		ok "$1: snmpd answered all $n GETs during the storm"
	else
		not_ok "$1: snmpd answered all GETs during the storm ($fails of" \
		    "$n unanswered: $(grep -m 3 '^fail' "$SAMPLES" | squash))"
	fi
}

# scalar NAME: an updprobeAgent scalar, a number.
scalar() {
	snmp_get_oid "UPDPROBE-MIB::$1.0"
}

# count_traps NOTIFICATION: received so far.
count_traps() {
	grep -c "UPDPROBE-MIB::$1" "$TRAP_LOG"
}

# suppressed_total: the sum of updprobeSuppressedNotifications received.
suppressed_total() {
	grep -o 'updprobeSuppressedNotifications\.0 = [A-Za-z0-9]*: [0-9]*' \
	    "$TRAP_LOG" | awk '{ s += $NF } END { print s + 0 }'
}

queue_empty() {
	[ "$(scalar updprobeNotificationsQueued)" = 0 ]
}

# logged_events KIND: how many updprobeKIND events updprobed logged since
# the log's line LOG0.
LOG0=0
logged_events() {
	tail -n +"$((LOG0 + 1))" "$UPDPROBED_LOG" | grep -c -F ": updprobe$1"
}

# all_failed N: updprobed logged at least N updprobeProblem events.
all_failed() { [ "$(logged_events Problem:)" -ge "$1" ]; }

# Counts before a scenario, to check its own part.
mark() {
	M_PROBLEM=$(count_traps updprobeProblem)
	M_CHANGE=$(count_traps updprobeCodeChange)
	M_CLEARED=$(count_traps updprobeCleared)
	M_SUMMARY=$(count_traps updprobeNotificationsSuppressed)
	M_SUPPRESSED=$(suppressed_total)
}

# is DESCRIPTION GOT WANT: a check that GOT equals WANT.
is() {
	if [ "$2" = "$3" ]; then
		ok "$1"
	else
		not_ok "$1 (got $2, want $3)"
	fi
}

# all_received SENT: snmptrapd has every notification sent (loopback
# delivers them within moments of the master's forwarding).
all_received() {
	[ "$(($(grep -c '^TRAP.*UPDPROBE-MIB::updprobe' "$TRAP_LOG") + \
	    SENT_BEFORE_LOG))" -ge "$1" ]
}

# settle NAME RAISED: wait for the queue to drain, then check the counts.
settle() {
	local name=$1 raised=$2 sent dropped got summaries held t0=$SECONDS
	if ! wait_for -t "$DRAIN_S" queue_empty; then
		not_ok "$name: the notification queue drains within $DRAIN_S s" \
		    "(updprobeNotificationsQueued: $(scalar updprobeNotificationsQueued))"
		return
	fi
	ok "$name: the notification queue drained"
	echo "# $name: drained $((SECONDS - t0)) s after the wait began"
	sent=$(scalar updprobeNotificationsSent)
	dropped=$(($(scalar updprobeNotificationsDropped) - DROPPED0))
	wait_for -t 30 all_received "$sent"
	got=$(($(count_traps updprobeProblem) - M_PROBLEM + \
	    $(count_traps updprobeCodeChange) - M_CHANGE + \
	    $(count_traps updprobeCleared) - M_CLEARED))
	summaries=$(($(count_traps updprobeNotificationsSuppressed) - M_SUMMARY))
	held=$(($(suppressed_total) - M_SUPPRESSED))
	echo "# $name: $raised raised, $got received, $dropped held back in" \
	    "$summaries summaries"
	is "$name: received + dropped = raised ($got + $dropped)" \
	    $((got + dropped)) "$raised"
	is "$name: the summaries count every dropped notification" \
	    "$held" "$dropped"
	if [ "$dropped" -gt 0 ]; then
		is "$name: a storm is summarised (updprobeNotificationsSuppressed)" \
		    "$([ "$summaries" -ge 1 ] && echo yes || echo "none of $summaries")" yes
	fi
	is "$name: snmptrapd received what updprobeNotificationsSent counts" \
	    $(($(grep -c '^TRAP.*UPDPROBE-MIB::updprobe' "$TRAP_LOG") + \
	    SENT_BEFORE_LOG)) "$sent"
}

# stop_daemon NAME: SIGTERM ends updprobed with status 0.
stop_daemon() {
	stop_updprobed TERM
	check "$UPDPROBED_STATUS" "$1: updprobed stops on SIGTERM (status 0)" \
	    "status $UPDPROBED_STATUS; log: $(tail -n 5 "$UPDPROBED_LOG" | squash)"
}

# The traps a daemon sent before the trap log was emptied for it.
SENT_BEFORE_LOG=0
DROPPED0=0

# fresh_trap_log: every scenario counts its own daemon's notifications.
fresh_trap_log() {
	: >"$TRAP_LOG"
	SENT_BEFORE_LOG=0
	DROPPED0=0
	LOG0=$(grep -c '' "$UPDPROBED_LOG" 2>/dev/null || echo 0)
	mark
}

# fail_without_snmpd NAME N: updprobed with $TEST_TMP/NAME.conf, whose N
# targets all fail (code 6) while no snmpd runs: their notifications wait.
fail_without_snmpd() {
	local name=$1 n=$2
	fresh_trap_log
	start_updprobed "$TEST_TMP/$name.conf" ||
	    bail_out "$name: start updprobed"
	if wait_for -t 120 all_failed "$n"; then
		ok "$name: $n targets failed with no snmpd (code 6)"
	else
		not_ok "$name: $n targets failed with no snmpd (logged: $(logged_events Problem:))"
	fi
}

# ---------------------------------------------------------------------------
# late: the notifications of N_LATE targets wait for snmpd.

AGENTX_SOCK=$TEST_TMP/agentx.sock
write_conf "$TEST_TMP/late.conf" "$N_LATE" "http:///m3/"
fail_without_snmpd late "$N_LATE"
start_snmpd || bail_out "late: start snmpd (see above)"
start_sampler late
settle late "$N_LATE"
stop_sampler late
stop_daemon late

# ---------------------------------------------------------------------------
# hup: N_HUP targets change code at once by SIGHUP.

closed=$(free_port) || bail_out "a free port"
write_conf "$TEST_TMP/hup.conf" "$N_HUP" "http:///m3/"
fresh_trap_log
start_updprobed "$TEST_TMP/hup.conf" || bail_out "hup: start updprobed"
wait_for -t 180 all_failed "$N_HUP" ||
    not_ok "hup: $N_HUP targets failed before the SIGHUP (logged: $(logged_events Problem:))"
settle hup-before "$N_HUP"
DROPPED0=$(scalar updprobeNotificationsDropped)
SENT_BEFORE_LOG=$(scalar updprobeNotificationsSent)
: >"$TRAP_LOG"
mark
write_conf "$TEST_TMP/hup.conf" "$N_HUP" "http://127.0.0.1:$closed/m3/"
start_sampler hup
LOG0=$(grep -c '' "$UPDPROBED_LOG")
kill -HUP "$UPDPROBED_PID"
changed() { logged_events "CodeChange: code 2 ("; }
all_changed() { [ "$(changed)" -ge "$N_HUP" ]; }
if wait_for -t 180 all_changed; then
	ok "hup: all $N_HUP targets changed from code 6 to 2 after SIGHUP"
else
	not_ok "hup: all $N_HUP targets changed from code 6 to 2 after SIGHUP ($(changed) did)"
fi
settle hup $((2 * N_HUP))
stop_sampler hup
stop_daemon hup

# ---------------------------------------------------------------------------
# start: N_START targets fail at start, snmpd up.

write_conf "$TEST_TMP/start.conf" "$N_START" "http:///m3/"
fresh_trap_log
start_sampler start
start_updprobed "$TEST_TMP/start.conf" || bail_out "start: start updprobed"
if wait_for -t 180 all_failed "$N_START"; then
	ok "start: $N_START targets failed at start (code 6)"
else
	not_ok "start: $N_START targets failed at start (logged: $(logged_events Problem:))"
fi
settle start "$N_START"
stop_sampler start
stop_daemon start

# ---------------------------------------------------------------------------
# fast: as late, at the highest rate and queue updprobed.conf(5) allows.

FAST_RATE=10000
FAST_QUEUE=20000
stop_snmpd
write_conf "$TEST_TMP/fast.conf" "$N_FAST" "http:///m3/" "$FAST_RATE" \
    "$FAST_QUEUE"
fail_without_snmpd fast "$N_FAST"
start_snmpd_again || bail_out "fast: start snmpd again (see above)"
start_sampler fast
if wait_for -t "$DRAIN_S" queue_empty; then
	ok "fast: the notification queue drained"
	sent=$(scalar updprobeNotificationsSent)
	dropped=$(scalar updprobeNotificationsDropped)
	is "fast: sent + dropped = raised ($sent + $dropped)" \
	    $((sent + dropped)) "$N_FAST"
	wait_for -t 30 all_received "$sent"
	got=$(grep -c '^TRAP.*UPDPROBE-MIB::updprobe' "$TRAP_LOG")
	echo "# fast: $N_FAST raised, $sent sent at up to $FAST_RATE a second," \
	    "$got received by snmptrapd (UDP from snmpd)"
	is "fast: snmptrapd received no more than was sent" \
	    "$([ "$got" -le "$sent" ] && echo yes || echo "$got of $sent")" yes
else
	not_ok "fast: the notification queue drains within $DRAIN_S s" \
	    "(updprobeNotificationsQueued: $(scalar updprobeNotificationsQueued))"
fi
stop_sampler fast
stop_daemon fast

finish
