#!/bin/bash
# daemon.sh - updprobed under the faults a red-team found: ProbeNow storms
# and short descriptors, reloads while probes run, signals during
# start-up, config paths that are not files, a second instance, malformed
# AgentX addresses, and secrets in memory.  Real snmpd, snmptrapd and the
# fault-playing HTTP server on loopback.
#
#   UPDPROBED=build/updprobed UPDPROBE=build/updprobe tests/e2e/daemon.sh
#
# Cases:
#   p  ProbeNow on 400 rows obeys maxProbes 50; under ulimit -n 256 no
#      target gets a false code 2 (descriptors are not the server's fault)
#   r  a reload while a target's probe runs: the running probe's result is
#      thrown away (no code, no notification of the old settings), the new
#      settings are probed at once
#   s  SIGHUP during start-up (sent every 20 ms from the first moment) does
#      not kill updprobed; SIGTERM ends it with status 0
#   c  -c naming a directory: exit 78; the config path becoming a
#      directory, includeFile /dev/zero or a FIFO: the reload is refused at
#      once and the running configuration kept
#   x  -x garbage: exit 64; agentXSocket garbage: exit 78; a second
#      updprobed whose registration the master refuses says so, serves
#      nothing and holds its notifications until the first one is gone;
#      agentxPingInterval 0 (never reconnect) is refused: exit 78
#   t  the first instance goes in the middle of the second's registration
#      attempt (gdb holds the second between two registrations): the
#      second closes its session, registers on a new one and sends what
#      it held
#   k  secrets: updprobed and updprobe are not dumpable (their /proc files
#      belong to root although they run as nobody); once a target with a
#      password is gone, no copy of the password (nor of its Basic header)
#      is left in updprobed's memory (tests/servers/memscan.py)
#   a  a SET phase snmpd sends again (updprobed answered later than its
#      agentXTimeout): gdb holds updprobed after it answered a SET's
#      TestSet until snmpd has sent the CommitSet again; the repeat is
#      dropped and the SET succeeds (net-snmp 5.9 alone fails it with
#      genErr, or reads freed memory)
#   g  snmpd gives up on a SET (updprobed, stopped, answers nothing for
#      8 s) and drops the session: once running again updprobed finishes
#      the SET it read late without touching the closed session (net-snmp
#      5.9 alone reads and writes freed memory: the sanitizer build reports
#      it), registers again, and the next SETs succeed; the same with a
#      GET given up
#   e  snmpd killed with a notification of ours unread in its socket: the
#      next read of updprobed fails with ECONNRESET; it says so, and loses
#      no memory (net-snmp 5.9's Unix transport leaks 110 bytes a failed
#      read: the sanitizer build reports it at exit)
#
# Prints "ok - ..." / "not ok - ..." per check, then "N passed, N failed".

# SC2317: functions run through wait_for.
# shellcheck disable=SC2317

set -u

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
# shellcheck source=SCRIPTDIR/../lib.sh
. "$HERE/../lib.sh"
# shellcheck source=SCRIPTDIR/../snmplib.sh
. "$HERE/../snmplib.sh" ||
    bail_out "the SNMP tools and MIBs for the tests (tests/snmplib.sh, see above)"

UPDPROBE=${UPDPROBE:-$ROOT/build/updprobe}
REAL_UPDPROBED=$UPDPROBED
SECRET=s3cret
EX_USAGE=64
EX_CONFIG=78

[ -x "$UPDPROBED" ] || bail_out "$UPDPROBED is not built (make)"

# The harness first: snmplib_kill (every stop of snmpd, snmptrapd and
# updprobed) signals its own children only; a number whose process is
# gone may be another suite's server by then (see tests/e2e/run.sh).
harness_kill_spares_strangers() {
	local stranger st
	stranger=$(bash -c 'sleep 300 </dev/null >/dev/null 2>&1 & echo $!')
	snmplib_kill "$stranger"
	# snmplib_kill polls until its target is gone, up to 5 s: a signal
	# it sent has arrived by the time it returns.
	st=$(sed 's/.*) //' "/proc/$stranger/stat" 2>/dev/null | cut -d' ' -f1)
	check "$([ "$st" = S ]; echo $?)" \
	    "snmplib.sh: snmplib_kill spares a number that is not its child's" \
	    "stranger $stranger: state '${st:-gone}', want S"
	kill "$stranger" 2>/dev/null
}
harness_kill_spares_strangers
[ -x "$UPDPROBE" ] || bail_out "$UPDPROBE is not built (make)"
start_httpfault || bail_out "start the HTTP update server (tests/servers/httpfault.py)"
start_snmptrapd || bail_out "start snmptrapd (see above)"
start_snmpd || bail_out "start snmpd as AgentX master (see above)"
H="http://127.0.0.1:$HTTP_PORT"
echo "# HTTP on $HTTP_PORT, snmpd on $SNMP_PORT; logs in $TEST_TMP"

# CASES=prscxtkage (the default: all) runs some cases only, for the edit loop.
want() { [[ "${CASES:-prscxtkage}" == *"$1"* ]]; }

log_lines() { grep -c '' "$UPDPROBED_LOG" 2>/dev/null || echo 0; }
log_since() { tail -n +"$(($1 + 1))" "$UPDPROBED_LOG"; }
log_has() { log_since "$1" | grep -q -- "$2"; }
# probes_of NAME: the target's probe counter.
probes_of() { snmp_get updprobeTargetProbes "$1"; }

# exits_with STATUS TEXT DESCRIPTION ARGS...: "updprobed -f ARGS" ends at
# once (within 20 s) with STATUS, saying TEXT.
exits_with() {
	local want=$1 text=$2 desc=$3 out rc
	shift 3
	out=$(timeout 20 "$UPDPROBED" -f "$@" 2>&1)
	rc=$?
	if [ "$rc" = "$want" ] && [[ "$out" == *"$text"* ]]; then
		ok "$desc"
	else
		not_ok "$desc (got $rc: $(printf '%s' "$out" | squash))"
	fi
}

# ---------------------------------------------------------------------------
# p: ProbeNow on 400 rows, maxProbes 50, ulimit -n 256.

if want p; then

N=400
{
	echo "agentxPingInterval 1"
	echo "interval 3600"
	echo "maxProbes 50"
	# slow-headers: connected, no byte: each probe holds its connection
	# for the whole timeout, then code 5.
	seq -f "target p%03g $H/slow-headers/ timeout=2" 1 "$N"
} >"$TEST_TMP/p.conf"
cat >"$TEST_TMP/limited-updprobed" <<EOF
#!/bin/sh
ulimit -n 256 || exit 70
exec "$REAL_UPDPROBED" "\$@"
EOF
chmod 755 "$TEST_TMP/limited-updprobed"
UPDPROBED=$TEST_TMP/limited-updprobed
start_updprobed "$TEST_TMP/p.conf" || bail_out "p: start updprobed under ulimit -n 256"
UPDPROBED=$REAL_UPDPROBED

# codes_of PROBES: "code count" pairs of the targets probed PROBES times
# or more, from one walk of each column.
codes_walk() {
	snmpbulkwalk -v2c -c "$SNMP_READ_COMMUNITY" -t 3 -r 3 -Oqe -Cr50 \
	    "$SNMP_AGENT" "UPDPROBE-MIB::$1" 2>&1
}
all_probed_times() {	# TIMES: every p target has probes >= TIMES
	local out
	out=$(codes_walk updprobeTargetProbes) || return 1
	[ "$(printf '%s\n' "$out" | awk -v t="$1" \
	    '$NF ~ /^[0-9]+$/ && $NF >= t { n++ } END { print n + 0 }')" -ge "$N" ]
}
if wait_for -t 240 all_probed_times 1; then
	ok "p: $N targets probed once under ulimit -n 256"
else
	not_ok "p: $N targets probed once under ulimit -n 256 ($(codes_walk \
	    updprobeTargetProbes | awk '$NF >= 1' | wc -l) were)"
fi
line0=$(log_lines)
# ProbeNow on every row, 50 varbinds a request.
set_failed=0
for ((i = 1; i <= N; i += 50)); do
	args=()
	for ((j = i; j < i + 50 && j <= N; j++)); do
		args+=("UPDPROBE-MIB::updprobeTargetProbeNow.\"$(printf 'p%03d' "$j")\"" i 1)
	done
	out=$(snmpset -v2c -c "$SNMP_WRITE_COMMUNITY" -t 3 -r 2 -Ir \
	    "$SNMP_AGENT" "${args[@]}" 2>&1) || {
		set_failed=1
		echo "# snmpset: $(printf '%s' "$out" | squash)"
	}
done
check "$set_failed" "p: ProbeNow set on all $N rows (the SETs return at once)" \
    "see the snmpset message above"
if wait_for -t 240 all_probed_times 2; then
	ok "p: all $N targets probed again after ProbeNow"
else
	not_ok "p: all $N targets probed again after ProbeNow ($(codes_walk \
	    updprobeTargetProbes | awk '$NF >= 2' | wc -l) were)"
fi
codes=$(codes_walk updprobeTargetCode | awk '{ print $NF }' | sort | uniq -c |
    awk '{ printf "%s x code %s, ", $1, $2 }')
if [ "$(codes_walk updprobeTargetCode | awk '$NF == 5' | wc -l)" -eq "$N" ]; then
	ok "p: every target has its server's code 5, none a false code 2 ($codes)"
else
	not_ok "p: every target has its server's code 5, none a false code 2" \
	    "(got: $codes; log: $(log_since "$line0" | grep -m 3 -i 'could not\|descriptor' | squash))"
fi
stop_updprobed
check "$UPDPROBED_STATUS" "p: updprobed stops on SIGTERM (status 0)" \
    "status $UPDPROBED_STATUS"
fi

# ---------------------------------------------------------------------------
# r: a reload while a probe runs.

if want r; then

cat >"$TEST_TMP/r.conf" <<EOF
agentxPingInterval 1
interval 3600
target moving $H/slow-headers/ timeout=3
target marker $H/slow-headers/ timeout=4
EOF
: >"$TRAP_LOG"
start_updprobed "$TEST_TMP/r.conf" || bail_out "r: start updprobed"
wait_for -t 60 snmp_is updprobeTargetCode moving 5 &&
    wait_for -t 60 snmp_is updprobeTargetCode marker 5 ||
    not_ok "r: both targets have code 5 first ($(snmp_get updprobeTargetCode moving), $(snmp_get updprobeTargetCode marker))"
m_probes=$(probes_of marker)
snmpset -v2c -c "$SNMP_WRITE_COMMUNITY" -t 3 -r 2 -Ir "$SNMP_AGENT" \
    'UPDPROBE-MIB::updprobeTargetProbeNow."moving"' i 1 \
    'UPDPROBE-MIB::updprobeTargetProbeNow."marker"' i 1 >/dev/null 2>&1 ||
    not_ok "r: ProbeNow on both targets"
# The probe of "moving" runs (3 s); its settings change now.
sed -i "s|^target moving .*|target moving $H/good/|" "$TEST_TMP/r.conf"
line0=$(log_lines)
kill -HUP "$UPDPROBED_PID"
if wait_for -t 10 snmp_is updprobeTargetCode moving 0; then
	ok "r: the new settings were probed at once (code 0)"
else
	not_ok "r: the new settings were probed at once (code: $(snmp_get \
	    updprobeTargetCode moving); log: $(log_since "$line0" | squash))"
fi
# The marker's probe started with the old one and lasts longer: once it
# has ended, so would have the old probe of "moving".
marker_done() { snmp_gt updprobeTargetProbes marker "$m_probes"; }
if wait_for -t 30 marker_done; then
	url=$(snmp_get updprobeTargetUrl moving)
	code=$(snmp_get updprobeTargetCode moving)
	probes=$(probes_of moving)
	late=$(trap_count updprobeProblem moving updprobeTargetCode=5)
	if [ "$code" = 0 ] && [ "$probes" = 2 ] && [ "$late" = 1 ] &&
	    [ "$url" = "$H/good/" ]; then
		ok "r: the old probe's result was thrown away (code 0, 2 probes, one Problem: the first)"
	else
		not_ok "r: the old probe's result was thrown away (url $url, code $code," \
		    "probes $probes (want 2), Problems with code 5: $late (want 1))"
	fi
	check "$([ "$(trap_count updprobeCleared moving)" = 1 ] && echo 0 || echo 1)" \
	    "r: the fix sent updprobeCleared" "$(trap_lines moving | squash)"
else
	not_ok "r: the marker's probe ended ($(probes_of marker) probes)"
fi
stop_updprobed
fi

# ---------------------------------------------------------------------------
# s: SIGHUP during start-up.

if want s; then

{
	echo "interval 3600"
	seq -f "target s%05g http:///m3/" 1 20000
} >"$TEST_TMP/s.conf"
line0=$(log_lines)
env -u MIBS -u MIBDIRS -u SMIPATH SNMP_PERSISTENT_DIR="$TEST_TMP/updprobed-persist" \
    "$UPDPROBED" -f -c "$TEST_TMP/s.conf" -x "unix:$AGENTX_SOCK" \
    </dev/null >>"$UPDPROBED_LOG" 2>&1 &
UPDPROBED_PID=$!
# From the moment main() runs (it warns at once that it runs as root,
# before it reads the configuration): every 20 ms while it reads 20,000
# targets.  Earlier the process is still the shell, or the loader and
# the sanitizers' start, which no program can guard.
in_main() { log_has "$line0" "running as root"; }
wait_for -t 30 in_main
for ((i = 0; i < 25; i++)); do
	kill -HUP "$UPDPROBED_PID" 2>/dev/null
	sleep 0.02
done
reloaded() { log_has "$line0" "reloaded, 20000 targets"; }
if wait_for -t 60 reloaded && updprobed_alive; then
	ok "s: SIGHUPs from the first moment of start-up reload, they do not kill"
else
	not_ok "s: SIGHUPs from the first moment of start-up reload, they do not kill" \
	    "(alive: $(updprobed_alive && echo yes || echo no); log: $(log_since "$line0" | tail -n 5 | squash))"
fi
stop_updprobed
check "$UPDPROBED_STATUS" "s: SIGTERM ends it with status 0" "status $UPDPROBED_STATUS"
fi

# ---------------------------------------------------------------------------
# c: config paths.

if want c; then

mkdir -p "$TEST_TMP/a-directory"
exits_with "$EX_CONFIG" "not a regular file" \
    "c: -c naming a directory: exit 78, \"not a regular file\"" \
    -c "$TEST_TMP/a-directory"
printf 'includeFile /dev/zero\ntarget a %s/good/\n' "$H" >"$TEST_TMP/zero.conf"
exits_with "$EX_CONFIG" "/dev/zero: not a regular file" \
    "c: includeFile /dev/zero at start: exit 78 at once" \
    -c "$TEST_TMP/zero.conf"

printf 'agentxPingInterval 1\ninterval 3600\ntarget keep %s/good/\n' "$H" \
    >"$TEST_TMP/c.conf"
start_updprobed "$TEST_TMP/c.conf" || bail_out "c: start updprobed"
wait_for -t 30 snmp_is updprobeTargetCode keep 0 ||
    not_ok "c: the target is probed (code $(snmp_get updprobeTargetCode keep))"
# reload_refused NAME WHY: after a SIGHUP, the log says WHY and that the
# running configuration is kept, and the row is still served.
reload_refused() {
	local name=$1 why=$2 l0
	l0=$(log_lines)
	kill -HUP "$UPDPROBED_PID"
	kept() { log_has "$l0" "the running configuration is kept"; }
	if wait_for -t 20 kept && log_has "$l0" "$why" &&
	    snmp_is updprobeTargetCode keep 0; then
		ok "c: $name: the reload is refused, the table kept"
	else
		not_ok "c: $name: the reload is refused, the table kept" \
		    "(log: $(log_since "$l0" | squash); code: $(snmp_get updprobeTargetCode keep))"
	fi
}
cp "$TEST_TMP/c.conf" "$TEST_TMP/c.conf.good"
printf 'includeFile /dev/zero\n' >>"$TEST_TMP/c.conf"
reload_refused "includeFile /dev/zero" "/dev/zero: not a regular file"
mkfifo "$TEST_TMP/a-fifo"
cp "$TEST_TMP/c.conf.good" "$TEST_TMP/c.conf"
printf 'includeFile %s\n' "$TEST_TMP/a-fifo" >>"$TEST_TMP/c.conf"
reload_refused "includeFile naming a FIFO" "a-fifo: not a regular file"
rm -f "$TEST_TMP/c.conf"
mkdir "$TEST_TMP/c.conf"
reload_refused "the config path became a directory" "c.conf: not a regular file"
rmdir "$TEST_TMP/c.conf"
cp "$TEST_TMP/c.conf.good" "$TEST_TMP/c.conf"
printf 'includeDir %s/inc\n' "$TEST_TMP" >>"$TEST_TMP/c.conf"
mkdir -p "$TEST_TMP/inc"
printf 'target more %s/missing-dirfile/\n' "$H" >"$TEST_TMP/inc/more.conf"
l0=$(log_lines)
kill -HUP "$UPDPROBED_PID"
if wait_for -t 30 snmp_is updprobeTargetCode more 3; then
	ok "c: includeDir of regular files still works (a target from it has code 3)"
else
	not_ok "c: includeDir of regular files still works (code: $(snmp_get \
	    updprobeTargetCode more); log: $(log_since "$l0" | squash))"
fi
stop_updprobed
fi

# ---------------------------------------------------------------------------
# x: AgentX addresses and a second instance.

if want x; then

exits_with "$EX_USAGE" "not an AgentX address" \
    "x: -x garbage::: is a usage error (64)" \
    -c "$TEST_TMP/c.conf.good" -x 'garbage:::'
printf 'agentXSocket garbage:::\ntarget a %s/good/\n' "$H" >"$TEST_TMP/x.conf"
exits_with "$EX_CONFIG" "not an AgentX address" \
    "x: agentXSocket garbage::: in the config: exit 78" -c "$TEST_TMP/x.conf"

printf 'agentxPingInterval 1\ninterval 3600\ntarget first %s/good/\n' "$H" \
    >"$TEST_TMP/x1.conf"
printf 'agentxPingInterval 1\ninterval 3600\ntarget onlyb http:///m3/\n' \
    >"$TEST_TMP/x2.conf"
: >"$TRAP_LOG"
start_updprobed "$TEST_TMP/x1.conf" || bail_out "x: start the first updprobed"
wait_for -t 30 snmp_is updprobeTargetCode first 0 ||
    not_ok "x: the first updprobed serves its table"
FIRST_PID=$UPDPROBED_PID
line0=$(log_lines)
start_updprobed "$TEST_TMP/x2.conf" || bail_out "x: start the second updprobed"
SECOND_PID=$UPDPROBED_PID
snmplib_track "$FIRST_PID"
refused() { log_has "$line0" "refused .* registration"; }
raised() { log_has "$line0" "target onlyb: updprobeProblem"; }
if wait_for -t 30 refused && wait_for -t 30 raised; then
	ok "x: the second updprobed says the master refused its registration"
else
	not_ok "x: the second updprobed says the master refused its registration" \
	    "(log: $(log_since "$line0" | squash))"
fi
# Positive signal first: the first instance's target answers, ProbeNow'd
# and probed again, while the second's notification is held.
f_probes=$(probes_of first)
probe_now first
wait_for -t 30 snmp_gt updprobeTargetProbes first "$f_probes"
if [ "$(trap_count updprobeProblem onlyb)" = 0 ] &&
    ! snmp_answers onlyb; then
	ok "x: the refused instance serves no row and sends no notification"
else
	not_ok "x: the refused instance serves no row and sends no notification" \
	    "(traps: $(trap_lines onlyb | squash); row: $(snmp_get updprobeTargetCode onlyb))"
fi
snmplib_kill "$FIRST_PID"
if wait_for -t 90 snmp_is updprobeTargetCode onlyb 6 &&
    wait_trap 1 updprobeProblem onlyb updprobeTargetCode=6; then
	ok "x: once the first is gone the second registers and sends what it held"
else
	not_ok "x: once the first is gone the second registers and sends what it held" \
	    "(code $(snmp_get updprobeTargetCode onlyb); log: $(log_since "$line0" | tail -n 6 | squash))"
fi
# agentxPingInterval 0 would never reconnect: net-snmp refuses it, and
# updprobed does not start (file and line named).
printf 'agentxPingInterval 0\ntarget onlyc http:///m3/\n' >"$TEST_TMP/x3.conf"
exits_with "$EX_CONFIG" "x3.conf:1: Invalid ping interval value" \
    "x: agentxPingInterval 0 is refused: exit 78 naming x3.conf:1" \
    -c "$TEST_TMP/x3.conf" -x "unix:$AGENTX_SOCK"
UPDPROBED_PID=$SECOND_PID
stop_updprobed
fi

# ---------------------------------------------------------------------------
# gdb holding updprobed (cases t and a).

# gdb_hold PID NAME: gdb attaches to PID with the breakpoints read from
# stdin, the last one's "commands" left open; where that one stops, gdb
# prints "holding", runs $TEST_TMP/NAME-hold.sh (the caller's: it returns
# when PID may go on), prints "released", detaches and quits.  It prints
# "armed" once the breakpoints are set.  Its output is
# $TEST_TMP/NAME-gdb.out, its PID GDB_PID.
gdb_hold() {
	local name=$2
	chmod +x "$TEST_TMP/$name-hold.sh"
	{
		printf 'set pagination off\nset confirm off\n'
		cat
		printf '%s\n' 'printf "holding\n"' "shell $TEST_TMP/$name-hold.sh" \
		    'printf "released\n"' detach quit end 'printf "armed\n"' \
		    continue
	} >"$TEST_TMP/$name.gdb"
	gdb -q -batch -p "$1" -x "$TEST_TMP/$name.gdb" \
	    >"$TEST_TMP/$name-gdb.out" 2>&1 </dev/null &
	GDB_PID=$!
}

# gdb_said NAME WORD: gdb printed WORD (armed, holding, released).
gdb_said() { grep -q "^$2" "$TEST_TMP/$1-gdb.out"; }

# gdb_report NAME: what gdb said, for a check's evidence.
gdb_report() {
	grep -E '^(holding|released)' "$TEST_TMP/$1-gdb.out" | squash
}

# gdb_end [now]: gdb is gone: it quits once released; it is killed after
# 60 s, or at once with "now".
gdb_end() {
	gdb_gone() { ! kill -0 "$GDB_PID" 2>/dev/null; }
	[ "${1:-}" = now ] || wait_for -t 60 gdb_gone
	kill "$GDB_PID" 2>/dev/null
	wait "$GDB_PID" 2>/dev/null
}

# ---------------------------------------------------------------------------
# t: the first instance goes in the middle of the second's registration
# attempt.  gdb holds the second (refused, trying again) before the 5th of
# the 15 registrations of an attempt; the first is stopped and snmpd drops
# its registrations; the second goes on, so snmpd takes the last 11 of its
# attempt and refused the first 4.  It must then register everything and
# send what it held (sending the attempt again on the same session, snmpd
# refuses the 11 as duplicates of its own, for ever).

if want t; then

if ! command -v gdb >/dev/null; then
	not_ok "t: gdb is installed (Debian: apt-get install gdb)"
else
printf 'agentxPingInterval 1\ninterval 3600\ntarget first %s/good/\n' "$H" \
    >"$TEST_TMP/t1.conf"
printf 'agentxPingInterval 1\ninterval 3600\ntarget onlyt http:///m3/\n' \
    >"$TEST_TMP/t2.conf"
: >"$TRAP_LOG"
start_updprobed "$TEST_TMP/t1.conf" || bail_out "t: start the first updprobed"
FIRST_PID=$UPDPROBED_PID
wait_for -t 30 snmp_is updprobeTargetCode first 0 ||
    not_ok "t: the first updprobed serves its table ($WAIT_SEEN)"
line0=$(log_lines)
start_updprobed "$TEST_TMP/t2.conf" || bail_out "t: start the second updprobed"
SECOND_PID=$UPDPROBED_PID
snmplib_track "$FIRST_PID"
t_refused() { log_has "$line0" "refused .* registration"; }
wait_for -t 30 t_refused ||
    not_ok "t: the second updprobed is refused first ($(log_since "$line0" | squash))"
rm -f "$TEST_TMP/t-go"
cat >"$TEST_TMP/t-hold.sh" <<EOF
#!/bin/bash
. "$HERE/../lib.sh"
go() { [ -e "$TEST_TMP/t-go" ]; }
wait_for -t 180 go
EOF
gdb_hold "$SECOND_PID" t <<EOF
break agentx_register
ignore 1 4
commands
silent
EOF
first_gone() { ! snmp_answers first; }
if wait_for -t 120 gdb_said t holding; then
	line1=$(log_lines)
	snmplib_kill "$FIRST_PID"
	wait_for -t 60 first_gone ||
	    not_ok "t: snmpd drops the first one's rows ($WAIT_SEEN)"
	touch "$TEST_TMP/t-go"
	gdb_end
	t_registered() { log_has "$line1" "registered with the AgentX master"; }
	if wait_for -t 120 t_registered &&
	    wait_for -t 60 snmp_is updprobeTargetCode onlyt 6 &&
	    wait_trap 1 updprobeProblem onlyt updprobeTargetCode=6; then
		ok "t: taken over in the middle of an attempt, the second registers and sends what it held"
	else
		not_ok "t: taken over in the middle of an attempt, the second registers and sends what it held" \
		    "(code $(snmp_get updprobeTargetCode onlyt); traps: $(trap_lines onlyt | squash);" \
		    "gdb: $(gdb_report t);" \
		    "log: $(log_since "$line1" | tail -n 8 | squash))"
	fi
	if log_has "$line1" "closed the AgentX session" &&
	    ! log_has "$line1" "master disconnected us" &&
	    ! log_has "$line1" "master went away"; then
		ok "t: the log says the session was closed to register again, not that the master went away"
	else
		not_ok "t: the log says the session was closed to register again, not that the master went away" \
		    "(log: $(log_since "$line1" | squash))"
	fi
else
	not_ok "t: gdb holds the second updprobed in an attempt ($(tail -n 5 "$TEST_TMP/t-gdb.out" | squash))"
	gdb_end now
	snmplib_kill "$FIRST_PID"
fi
UPDPROBED_PID=$SECOND_PID
stop_updprobed
fi
fi

# ---------------------------------------------------------------------------
# k: secrets in memory.

if want k; then

umask 077
printf '%s\n' "$SECRET" >"$TEST_TMP/pw"
chown nobody "$TEST_TMP/pw"
cp "$TEST_TMP/pw" "$TEST_TMP/pw-root"
chown root "$TEST_TMP/pw-root"
chmod 711 "$TEST_TMP"
printf 'interval 3\ntarget k %s/auth-basic/ user=m3 passwordFile=%s\n' "$H" \
    "$TEST_TMP/pw" >"$TEST_TMP/k.conf"
chmod 644 "$TEST_TMP/k.conf"
# /proc/PID/environ of a process is its owner's, or root's if it is not
# dumpable.
proc_owner() { stat -c %U "/proc/$1/environ" 2>/dev/null; }
setpriv --reuid=nobody --regid=nogroup --clear-groups \
    "$UPDPROBED" -f -c "$TEST_TMP/k.conf" -x unix:/nonexistent/agentx \
    </dev/null >"$TEST_TMP/k.log" 2>&1 &
k_pid=$!
snmplib_track "$k_pid"
running_as_nobody() { [ "$(ps -o user= -p "$k_pid" | tr -d ' ')" = nobody ]; }
# The files become root's once main() has run; they stay nobody's for a
# dumpable process.
owned_by_root() { [ "$(proc_owner "$k_pid")" = root ]; }
if wait_for -t 30 running_as_nobody && wait_for -t 30 owned_by_root; then
	ok "k: updprobed is not dumpable (running as nobody, its /proc files are root's)"
else
	not_ok "k: updprobed is not dumpable (user $(ps -o user= -p "$k_pid"), /proc owner $(proc_owner "$k_pid"); log: $(squash <"$TEST_TMP/k.log"))"
fi
snmplib_kill "$k_pid"
setpriv --reuid=nobody --regid=nogroup --clear-groups \
    "$UPDPROBE" --timeout 5 --user m3 --password-file "$TEST_TMP/pw" \
    "$H/slow-headers/" >/dev/null 2>&1 &
k_pid=$!
snmplib_track "$k_pid"
if wait_for -t 30 running_as_nobody && wait_for -t 30 owned_by_root; then
	ok "k: updprobe is not dumpable either"
else
	not_ok "k: updprobe is not dumpable either (/proc owner $(proc_owner "$k_pid"))"
fi
snmplib_kill "$k_pid"
chmod 700 "$TEST_TMP"

# Once a target with a password is gone, no copy of the password
# is left in updprobed's memory: ours are wiped when freed, and libcurl's
# too (its memory goes through wiping functions, and a connection that
# carried credentials closes 2 s after its last use).
{
	{
		printf 'interval 1\n'
		printf 'target plain %s/good/\n' "$H"
		printf 'target k %s/auth-basic/ user=m3 passwordFile=%s\n' "$H" \
		    "$TEST_TMP/pw-root"
	} >"$TEST_TMP/k.conf"
	start_updprobed "$TEST_TMP/k.conf" || bail_out "k: start updprobed"
	b64=$(printf 'm3:%s' "$SECRET" | base64)
	# in_core: copies of the password and of its Basic header now.
	in_core() {
		"$PYTHON" "$SERVERS_DIR/memscan.py" "$UPDPROBED_PID" "$SECRET" \
		    "$b64" 2>&1
	}
	if wait_for -t 60 snmp_gt updprobeTargetProbes k 9 &&
	    snmp_is updprobeTargetCode k 0; then
		during=$(in_core)
		sed -i '/^target k /d' "$TEST_TMP/k.conf"
		kill -HUP "$UPDPROBED_PID"
		gone() { ! snmp_answers k; }
		wait_for -t 30 gone
		# Positive signal: 4 more probes of "plain", each a chance for
		# libcurl to close the idle connections.
		p0=$(probes_of plain)
		wait_for -t 60 snmp_gt updprobeTargetProbes plain $((p0 + 3))
		after=$(in_core)
		echo "# k: password copies (plain, base64) in memory: $during" \
		    "while the target is probed, $after once it is gone"
		if [ "$after" = "0 0" ] && [ "${during%% *}" -ge 1 ]; then
			ok "k: no copy of the password is left once its target is gone (there were $during while probed)"
		else
			not_ok "k: no copy of the password is left once its target is gone" \
			    "(plain and base64 copies: $after; while probed: $during)"
			echo "# k: where the copies are:"
			"$PYTHON" "$SERVERS_DIR/memscan.py" --where "$UPDPROBED_PID" \
			    "$SECRET" "$b64" 2>&1 >/dev/null | sed 's/^/#   /'

		fi
	else
		not_ok "k: the target with a password is probed (code $(snmp_get \
		    updprobeTargetCode k), $(probes_of k) probes)"
	fi
	stop_updprobed
}
fi

# ---------------------------------------------------------------------------
# a: a SET phase that snmpd sends again.  snmpd's agentXTimeout is 1 s
# (tests/snmplib.sh), its agentXRetries 5.  gdb stops updprobed just after
# it answered the TestSet of a ProbeNow SET (the second return to
# net-snmp's handle_subagent_set_response(): RESERVE1, then RESERVE2),
# before it reads the CommitSet, and holds it until the CommitSet waits in
# its socket twice (snmpd sent it again).

# recv_queue PID: the bytes waiting in the PID's Unix sockets.
recv_queue() {
	local inodes
	inodes=$(find "/proc/$1/fd" -lname 'socket:*' -printf '%l\n' 2>/dev/null |
	    tr -dc '0-9\n' | paste -sd '|' -)
	[ -n "$inodes" ] || { echo 0; return; }
	ss -xnH 2>/dev/null | awk -v re="^($inodes)\$" \
	    '$6 ~ re { n += $3 } END { print n + 0 }'
}

if want a; then

if ! command -v gdb >/dev/null; then
	not_ok "a: gdb is installed (Debian: apt-get install gdb)"
else
cat >"$TEST_TMP/a.conf" <<EOF
agentxPingInterval 1
interval 3600
target a $H/good/
EOF
start_updprobed "$TEST_TMP/a.conf" || bail_out "a: start updprobed"
wait_for -t 60 snmp_is updprobeTargetCode a 0 ||
    not_ok "a: the target has code 0 first ($(snmp_get updprobeTargetCode a))"
a_probes=$(probes_of a)
# The CommitSet (a 20-byte header) and its first repeat: 40 bytes.
cat >"$TEST_TMP/a-hold.sh" <<EOF
#!/bin/bash
. "$HERE/../lib.sh"
$(declare -f recv_queue)
repeated() { [ "\$(recv_queue $UPDPROBED_PID)" -ge 40 ]; }
wait_for -t 60 repeated
EOF
line0=$(log_lines)
gdb_hold "$UPDPROBED_PID" a <<EOF
set \$answers = 0
set \$armed = 0
break handle_subagent_set_response
commands
silent
set \$answers = \$answers + 1
if \$answers == 2
set \$armed = 1
end
continue
end
break subagent_sync if \$armed == 1
commands
silent
set \$armed = 0
EOF
if wait_for -t 60 gdb_said a armed; then
	# snmpd gives up after 6 s (1 s, 5 retries); the client waits longer.
	set_out=$(snmpset -v2c -c "$SNMP_WRITE_COMMUNITY" -t 20 -r 0 \
	    "$SNMP_AGENT" 'UPDPROBE-MIB::updprobeTargetProbeNow."a"' i 1 2>&1)
	set_rc=$?
	gdb_end
	gdb_said=$(gdb_report a)
	if [ "$set_rc" = 0 ] && [[ "$set_out" == *"true(1)"* ]]; then
		ok "a: the SET whose CommitSet snmpd sent again succeeds (gdb: $gdb_said)"
	else
		not_ok "a: the SET whose CommitSet snmpd sent again succeeds" \
		    "(snmpset status $set_rc: $(squash <<<"$set_out"); gdb: $gdb_said;" \
		    "log: $(log_since "$line0" | tail -n 5 | squash))"
	fi
	if log_has "$line0" "sent the AgentX CommitSet of transaction [0-9]* again" &&
	    ! log_has "$line0" "dropping bad AgentX request"; then
		ok "a: the repeated CommitSet is logged and dropped ($(log_since "$line0" | grep -c 'again (updprobed') repeats)"
	else
		not_ok "a: the repeated CommitSet is logged and dropped" \
		    "(log: $(log_since "$line0" | tail -n 6 | squash))"
	fi
	if wait_for -t 60 snmp_gt updprobeTargetProbes a "$a_probes"; then
		ok "a: the ProbeNow ran ($(probes_of a) probes, $a_probes before)"
	else
		not_ok "a: the ProbeNow ran ($(probes_of a) probes, $a_probes before)"
	fi
else
	not_ok "a: gdb attached to updprobed ($(tail -n 5 "$TEST_TMP/a-gdb.out" | squash))"
	gdb_end now
fi
if updprobed_alive && snmp_is updprobeTargetCode a 0; then
	ok "a: updprobed still serves its table"
else
	not_ok "a: updprobed still serves its table (alive: $(updprobed_alive && echo yes || echo no))"
fi
stop_updprobed
check "$UPDPROBED_STATUS" "a: SIGTERM ends it with status 0, no sanitizer report" \
    "status $UPDPROBED_STATUS; log: $(tail -n 5 "$UPDPROBED_LOG" | squash)"
fi
fi

# ---------------------------------------------------------------------------
# g: snmpd gives up on a SET and drops the session.  updprobed is stopped
# (SIGSTOP) while snmpd sends the TestSet, again and again (agentXTimeout
# 1 s, 5 retries); after 6 s snmpd answers the manager genErr, sends a
# CleanupSet and closes the session.  Once running again, updprobed reads
# all of it at once.  net-snmp 5.9's subagent hands each phase to the agent
# through its callback session and answers when the agent has: the
# CleanupSet's answer frees the SET's state while the TestSet's still
# needs it, and both answer through the session closed meanwhile.  Reads of
# freed memory inside libnetsnmpagent, which the sanitizers do not see
# (the library is not instrumented): a plain build runs under valgrind.

if want g; then

g_updprobed=$UPDPROBED
if ! nm -D "$UPDPROBED" 2>/dev/null | grep -q __asan_init; then
	if command -v valgrind >/dev/null; then
		g_updprobed=$TEST_TMP/g-valgrind
		cat >"$g_updprobed" <<EOF
#!/bin/sh
exec valgrind --tool=memcheck --error-exitcode=99 --num-callers=30 \
    --log-file="$TEST_TMP/g-valgrind.log" "$UPDPROBED" "\$@"
EOF
		chmod 755 "$g_updprobed"
	else
		not_ok "g: valgrind is installed (Debian: apt-get install valgrind)"
	fi
fi
cat >"$TEST_TMP/g.conf" <<EOF
agentxPingInterval 1
interval 3600
target g $H/good/
target g2 $H/good/
EOF
UPDPROBED=$g_updprobed start_updprobed "$TEST_TMP/g.conf" ||
    bail_out "g: start updprobed ($g_updprobed)"
wait_for -t 60 snmp_is updprobeTargetCode g 0 ||
    not_ok "g: the target has code 0 first ($(snmp_get updprobeTargetCode g))"
# g_give_up WHAT CLIENT ARGS...: CLIENT (waiting 20 s; snmpd gives up
# after 6 s) asks while updprobed is stopped: snmpd answers genErr.  Sets
# line0 to the log's lines before.
g_give_up() {
	local what=$1 out rc t0 ms
	shift
	line0=$(log_lines)
	kill -STOP "$UPDPROBED_PID"
	t0=$(now_ms)
	out=$("$@" 2>&1)
	rc=$?
	ms=$(($(now_ms) - t0))
	kill -CONT "$UPDPROBED_PID"
	if [ "$rc" != 0 ] && [[ "$out" == *genError* ]]; then
		ok "g: snmpd gives up on the $what of a stopped updprobed: genErr after $ms ms"
	else
		not_ok "g: snmpd gives up on the $what of a stopped updprobed" \
		    "($1 status $rc after $ms ms: $(squash <<<"$out"))"
	fi
}
g_set() {
	local out
	out=$(SNMP_SET_TIMEOUT=20 snmp_set "$SNMP_WRITE_COMMUNITY" \
	    "UPDPROBE-MIB::updprobeTargetProbeNow.\"$1\"" i 1) ||
	    { echo "snmpset: $(squash <<<"$out")"; return 1; }
}
# g_back DESCRIPTION NAME...: the session is back when a GET answers; then
# a ProbeNow SET of each NAME on the new one succeeds.
g_back() {
	local desc=$1 n out fail=
	shift
	wait_for -t 60 snmp_is updprobeTargetCode g 0 || fail="GET: $WAIT_SEEN"
	for n in "$@"; do
		[ -z "$fail" ] || break
		out=$(g_set "$n") || fail="SET of $n: $out"
	done
	if [ -z "$fail" ]; then
		ok "g: $desc"
	else
		not_ok "g: $desc" "($fail; log: $(log_since "$line0" | tail -n 6 | squash))"
	fi
}
g_probes=$(probes_of g2)
g_give_up SET snmpset -v2c -c "$SNMP_WRITE_COMMUNITY" -t 20 -r 0 \
    "$SNMP_AGENT" 'UPDPROBE-MIB::updprobeTargetProbeNow."g"' i 1
g_back "updprobed registers again and the next SETs succeed" g2 g g2
if wait_for -t 60 snmp_gt updprobeTargetProbes g2 "$g_probes"; then
	ok "g: the ProbeNow of the new session ran ($(probes_of g2) probes, $g_probes before)"
else
	not_ok "g: the ProbeNow of the new session ran ($(probes_of g2) probes, $g_probes before)"
fi
# The same with a GET, which updprobed, running again, answers through the
# closed session.
g_give_up GET snmpget -v2c -c "$SNMP_READ_COMMUNITY" -t 20 -r 0 \
    "$SNMP_AGENT" 'UPDPROBE-MIB::updprobeTargetCode."g"'
g_back "after the GET given up, updprobed registers again, GETs and SETs succeed" g2
# valgrind takes a while to exit on a busy machine.
kill -TERM "$UPDPROBED_PID"
g_gone() { _snmplib_gone "$UPDPROBED_PID"; }
wait_for -t 120 g_gone
stop_updprobed
check "$UPDPROBED_STATUS" "g: SIGTERM ends it with status 0: no memcheck error, no sanitizer report" \
    "status $UPDPROBED_STATUS (99: memcheck errors); valgrind: $(grep -E -A 6 -m 2 '== (Invalid|Use of|Conditional)' "$TEST_TMP/g-valgrind.log" 2>/dev/null | squash); log: $(grep -E -m 8 'Sanitizer|runtime error|#[0-9] ' "$UPDPROBED_LOG" | squash)"
fi

# ---------------------------------------------------------------------------
# e: snmpd killed while a notification of ours waits, unread, in its end of
# the AgentX socket.  Linux then fails updprobed's next read with
# ECONNRESET instead of end of file.  net-snmp 5.9.3's Unix transport does
# not free the address buffer of a read that fails (fixed in 5.10): 110
# bytes each time snmpd dies that way.  No AgentX ping (pingInterval 3600)
# may close the session first: nothing but the notification is sent.

if want e; then

cat >"$TEST_TMP/e.conf" <<EOF
agentxPingInterval 3600
interval 3600
target e $H/good/
EOF
start_updprobed "$TEST_TMP/e.conf" || bail_out "e: start updprobed"
wait_for -t 60 snmp_is updprobeTargetCode e 0 ||
    not_ok "e: the target has code 0 first ($(snmp_get updprobeTargetCode e))"
line0=$(log_lines)
kill -STOP "$SNMPD_PID"
# A code change while snmpd cannot read: its notifications wait.
cat >"$TEST_TMP/e.conf" <<EOF
agentxPingInterval 3600
interval 3600
target e http://127.0.0.1:$(free_port tcp)/m3/
EOF
kill -HUP "$UPDPROBED_PID"
snmpd_queue() { [ "$(recv_queue "$SNMPD_PID")" -gt 0 ] || { echo "snmpd's AgentX socket holds 0 bytes"; return 1; }; }
if wait_for -t 60 snmpd_queue; then
	e_bytes=$(recv_queue "$SNMPD_PID")
	stop_snmpd -9
	reset_read() { log_has "$line0" "AgentX master.*Connection reset by peer"; }
	if wait_for -t 60 reset_read; then
		ok "e: snmpd killed with $e_bytes bytes of ours unread: updprobed's read fails with ECONNRESET, and it says so ($(log_since "$line0" | grep -m 1 'Connection reset' | squash))"
	else
		not_ok "e: snmpd killed with $e_bytes bytes of ours unread: updprobed's read fails with ECONNRESET, and it says so" \
		    "(log: $(log_since "$line0" | tail -n 5 | squash))"
	fi
else
	not_ok "e: the notification of the code change waits in snmpd's socket ($WAIT_SEEN)"
	stop_snmpd -9
fi
if updprobed_alive; then
	ok "e: updprobed still runs with its master gone"
else
	not_ok "e: updprobed still runs with its master gone (log: $(tail -n 5 "$UPDPROBED_LOG" | squash))"
fi
stop_updprobed
check "$UPDPROBED_STATUS" "e: SIGTERM ends it with status 0, no sanitizer report" \
    "status $UPDPROBED_STATUS; log: $(tail -n 5 "$UPDPROBED_LOG" | squash)"
start_snmpd_again || bail_out "e: start snmpd again"
fi

finish
