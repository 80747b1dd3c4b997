# snmplib.sh - helpers for the updprobed tests: a real snmpd as AgentX
# master, snmptrapd capturing the notifications it forwards, and updprobed,
# all on loopback.
#
# Source it from bash after lib.sh:
#
#	. "$HERE/../lib.sh"
#	. "$HERE/../snmplib.sh" || bail_out "..."
#
# Sourcing sets the MIB search path (tests/mibs.sh: MIBDIRS, SMIPATH),
# MIBS=UPDPROBE-MIB:SNMPv2-MIB, and a private SNMPCONFPATH and
# SNMP_PERSISTENT_DIR for the client tools, so that nothing reads
# ~/.snmp or writes /var/lib/snmp. It returns non-zero, with a message on
# stderr, if the tools or the MIBs are missing.
#
#   start_snmptrapd          exports TRAP_PORT, TRAP_LOG (one line per trap)
#   start_snmpd              exports SNMP_PORT, AGENTX_SOCK; sends its traps
#                            to TRAP_PORT if snmptrapd runs (start it first),
#                            and to each port of TRAP_EXTRA_PORTS
#   restart_snmpd [-9]       stops snmpd (SIGTERM, or SIGKILL with -9) and
#                            starts it again on the same port and socket
#   stop_snmpd [-9]          stops it
#   start_updprobed [--no-x] CONF [ARGS...]
#                            starts $UPDPROBED -f -c CONF -x unix:$AGENTX_SOCK
#                            ARGS; exports UPDPROBED_PID; log (stdout and
#                            stderr) appended to $UPDPROBED_LOG
#   stop_updprobed [SIG]     stops it; sets UPDPROBED_STATUS (exit status)
#   (wait_for, wait_check: tests/lib.sh; the snmp_* and trap conditions
#   below print what they saw when they fail, for its WAIT_SEEN)
#   snmp_get COLUMN NAME     the value of UPDPROBE-MIB::COLUMN."NAME" (enums
#                            as numbers, strings unquoted, no units); returns 1 and
#                            prints the client's message if there is none
#   snmp_get_oid OID         the value of any object, same format
#   snmp_set COMMUNITY OID TYPE VALUE
#                            snmpset; prints the tool's output and errors,
#                            returns its exit status
#   probe_now NAME           sets updprobeTargetProbeNow."NAME" to true(1)
#                            with the write community
#   trap_count NOTIFICATION NAME [COLUMN=VALUE|COLUMN~TEXT|COLUMN...]
#                            the number of captured notifications
#                            UPDPROBE-MIB::NOTIFICATION whose varbinds carry
#                            the index NAME and, for each COLUMN=VALUE, the
#                            varbind COLUMN."NAME" with that (integer) value;
#                            COLUMN~TEXT: its value contains TEXT; COLUMN:
#                            the varbind is there
#   wait_trap N NOTIFICATION NAME [COLUMN=VALUE...]
#                            waits until trap_count is at least N (up to
#                            $TRAP_WAIT s)
#   trap_lines NAME          the captured notifications that mention NAME
#   snmplib_track PID / snmplib_kill PID [SIG]
#                            other processes to stop on exit / stop one now
#
# Every process is started in the calling shell (never call the start_*
# functions inside $(...)), recorded by PID, and stopped by PID on exit,
# before lib.sh removes $TEST_TMP.

SNMPD=${SNMPD:-/usr/sbin/snmpd}
SNMPTRAPD=${SNMPTRAPD:-/usr/sbin/snmptrapd}
UPDPROBED=${UPDPROBED:-$(cd "$TESTS_DIR/.." && pwd)/build/updprobed}
# Seconds wait_trap waits for a notification (loopback takes milliseconds;
# generous for a busy machine: only a missing notification waits it out).
TRAP_WAIT=${TRAP_WAIT:-30}
# The communities of the test snmpd: READ may read everything, WRITE may
# read and write only under the UPDPROBE-MIB arc.
SNMP_READ_COMMUNITY=public
SNMP_WRITE_COMMUNITY=private
UPDPROBE_ARC=.1.3.6.1.4.1.8072.9999.9999.7
UPDPROBED_LOG=$TEST_TMP/updprobed.log

SNMPD_PID=
SNMPTRAPD_PID=
UPDPROBED_PID=
UPDPROBED_STATUS=
_SNMPLIB_PIDS=()

# ---------------------------------------------------------------------------
# Environment: tools, MIBs, client configuration.

_snmplib_env() {
	local t missing=""
	for t in "$SNMPD" "$SNMPTRAPD"; do
		[ -x "$t" ] || missing="$missing $t"
	done
	for t in snmpget snmpset snmpbulkwalk snmptrap snmptranslate; do
		command -v "$t" >/dev/null 2>&1 || missing="$missing $t"
	done
	if [ -n "$missing" ]; then
		echo "snmplib.sh: missing:$missing (Debian: apt-get install snmp snmpd snmptrapd)" >&2
		return 1
	fi
	# shellcheck source=tests/mibs.sh
	if ! UPDPROBE_ROOT=$(cd "$TESTS_DIR/.." && pwd) . "$TESTS_DIR/mibs.sh"; then
		echo "snmplib.sh: tests/mibs.sh could not make the base MIBs available" >&2
		return 1
	fi
	export MIBS=UPDPROBE-MIB:SNMPv2-MIB
	mkdir -p "$TEST_TMP/snmp-client/conf" \
	    "$TEST_TMP/snmp-client/persist/cert_indexes" || return 1
	# The client tools send from loopback too (else their socket is
	# bound to every address).
	echo "clientaddr 127.0.0.1" >"$TEST_TMP/snmp-client/conf/snmp.conf" ||
	    return 1
	export SNMPCONFPATH=$TEST_TMP/snmp-client/conf
	export SNMP_PERSISTENT_DIR=$TEST_TMP/snmp-client/persist
	# The MIB must load quietly, or every tool's output is cluttered.
	t=$(snmptranslate -On UPDPROBE-MIB::updprobeTargetCode 2>&1)
	if [ "$t" != "$UPDPROBE_ARC.1.2.1.2" ]; then
		echo "snmplib.sh: snmptranslate does not load UPDPROBE-MIB cleanly:" >&2
		printf '%s\n' "$t" | sed 's/^/    /' >&2
		return 1
	fi
	return 0
}

# ---------------------------------------------------------------------------
# Processes.

snmplib_track() {
	_SNMPLIB_PIDS+=("$1")
}

_snmplib_untrack() {
	local i
	for i in "${!_SNMPLIB_PIDS[@]}"; do
		[ "${_SNMPLIB_PIDS[$i]}" = "$1" ] && unset "_SNMPLIB_PIDS[$i]"
	done
}

# _snmplib_gone PID: 0 once PID has exited (a zombie waiting for "wait"
# counts as exited, and so does a number that is no longer our child's).
_snmplib_gone() {
	local st
	pid_ours "$1" || return 0
	st=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null) || return 0
	[ "${st%% *}" = Z ]
}

# snmplib_kill PID [SIG]: signal one of our children, wait for it (up to
# 5 s, then SIGKILL), forget it. Returns its exit status. It polls rather
# than running a watchdog subshell: a subshell killed before it sets its
# own traps would run the EXIT trap it inherited and tear the whole test
# down.
snmplib_kill() {
	local pid=$1 sig=${2:-TERM} i rc
	[ -n "$pid" ] || return 0
	# Gone already: its number may be another process's now (pid_ours).
	if pid_ours "$pid"; then
		kill -s "$sig" "$pid" 2>/dev/null
		for ((i = 0; i < 50; i++)); do
			_snmplib_gone "$pid" && break
			sleep 0.1
		done
		if ! _snmplib_gone "$pid"; then
			echo "snmplib.sh: PID $pid ignored SIG$sig for 5 s: SIGKILL" >&2
			kill -s KILL "$pid" 2>/dev/null
		fi
	fi
	wait "$pid" 2>/dev/null
	rc=$?
	_snmplib_untrack "$pid"
	return "$rc"
}

_snmplib_cleanup() {
	local i
	[ "$BASHPID" = "$_LIB_MAIN_PID" ] || return 0
	[ -n "$UPDPROBED_PID" ] && snmplib_kill "$UPDPROBED_PID"
	UPDPROBED_PID=
	[ -n "$SNMPD_PID" ] && snmplib_kill "$SNMPD_PID"
	SNMPD_PID=
	[ -n "$SNMPTRAPD_PID" ] && snmplib_kill "$SNMPTRAPD_PID"
	SNMPTRAPD_PID=
	for i in "${_SNMPLIB_PIDS[@]}"; do
		snmplib_kill "$i"
	done
	_SNMPLIB_PIDS=()
}

# Chain our cleanup before lib.sh's EXIT trap (which removes $TEST_TMP).
_snmplib_prev_exit=$(trap -p EXIT)
_snmplib_prev_exit_args=()
if [ -n "$_snmplib_prev_exit" ]; then
	eval "_snmplib_prev_exit_args=($_snmplib_prev_exit)"
	# trap -- 'COMMAND' EXIT
	_snmplib_prev_exit_cmd=${_snmplib_prev_exit_args[2]}
else
	_snmplib_prev_exit_cmd=:
fi
# shellcheck disable=SC2064 # expand the previous command now
trap "_snmplib_cleanup; $_snmplib_prev_exit_cmd" EXIT

# now_after T: the clock (whole seconds since the epoch) is past T.
now_after() {
	[[ "$1" =~ ^[0-9]+$ ]] || return 0
	[ "$(date +%s)" -gt "$1" ]
}

# now_ms: milliseconds since the epoch.
now_ms() {
	echo $(($(date +%s%N) / 1000000))
}

# ---------------------------------------------------------------------------
# snmptrapd.

start_snmptrapd() {
	local try port conf=$TEST_TMP/snmptrapd.conf i
	TRAP_LOG=$TEST_TMP/traps.log
	mkdir -p "$TEST_TMP/snmptrapd-persist" || return 1
	# One line per notification: "TRAP" then the varbinds, tab-separated,
	# names symbolic (MIBS/MIBDIRS are exported), enumerations as label(N).
	cat >"$conf" <<EOF
authCommunity log $SNMP_READ_COMMUNITY
doNotRetainNotificationLogs yes
format2 TRAP %V\t%v\n
[snmp] persistentDir $TEST_TMP/snmptrapd-persist
EOF
	for ((try = 0; try < 5; try++)); do
		port=$(free_port udp) || return 1
		: >"$TRAP_LOG"
		"$SNMPTRAPD" -f -A -Lf "$TRAP_LOG" -C -c "$conf" \
		    -p "$TEST_TMP/snmptrapd.pid" -n -X "127.0.0.1:$port" \
		    </dev/null >>"$TEST_TMP/snmptrapd.out" 2>&1 &
		SNMPTRAPD_PID=$!
		# Ready when a notification sent to it shows up in the log
		# (100 tries, 30 s at least: generous for a busy machine).
		for ((i = 0; i < 100; i++)); do
			kill -0 "$SNMPTRAPD_PID" 2>/dev/null || break
			snmptrap -v2c -c "$SNMP_READ_COMMUNITY" -t 0.2 -r 0 \
			    "127.0.0.1:$port" '' SNMPv2-MIB::warmStart \
			    SNMPv2-MIB::sysLocation.0 s "snmplib-ready-$try" \
			    >/dev/null 2>&1
			sleep 0.1
			if grep -q "snmplib-ready-$try" "$TRAP_LOG" 2>/dev/null; then
				export TRAP_PORT=$port TRAP_LOG
				return 0
			fi
		done
		snmplib_kill "$SNMPTRAPD_PID"
		SNMPTRAPD_PID=
	done
	echo "start_snmptrapd: snmptrapd did not log a test notification on" \
	    "any of 5 ports; its output:" >&2
	sed 's/^/    /' "$TEST_TMP/snmptrapd.out" "$TRAP_LOG" >&2
	return 1
}

# ---------------------------------------------------------------------------
# snmpd.

_snmpd_write_conf() {	# PORT
	local sink="" p
	if [ -n "${TRAP_PORT:-}" ]; then
		sink="trap2sink 127.0.0.1:$TRAP_PORT $SNMP_READ_COMMUNITY"
	fi
	for p in ${TRAP_EXTRA_PORTS:-}; do
		sink="$sink"$'\n'"trap2sink 127.0.0.1:$p $SNMP_READ_COMMUNITY"
	done
	cat >"$TEST_TMP/snmpd.conf" <<EOF
# The listening address is given here only (not on the command line).
agentAddress udp:127.0.0.1:$1
master agentx
agentXSocket unix:$AGENTX_SOCK
agentXTimeout 1
view all included .1
view updprobe included $UPDPROBE_ARC
rocommunity $SNMP_READ_COMMUNITY 127.0.0.1 -V all
rwcommunity $SNMP_WRITE_COMMUNITY 127.0.0.1 -V updprobe
$sink
dontLogTCPWrappersConnects yes
[snmp] persistentDir $TEST_TMP/snmpd-persist
[snmp] clientaddr 127.0.0.1
EOF
}

_snmpd_answers() {	# PORT
	snmpget -v2c -c "$SNMP_READ_COMMUNITY" -t 0.3 -r 0 -Oqv \
	    "127.0.0.1:$1" .1.3.6.1.2.1.1.3.0 2>/dev/null | grep -q '^[0-9]'
}

# _snmpd_launch PORT: start snmpd with $TEST_TMP/snmpd.conf; 0 once it answers.
_snmpd_launch() {
	local port=$1 i
	echo "=== snmpd start $(date '+%T.%N')" >>"$TEST_TMP/snmpd.log"
	"$SNMPD" -f -A -Lf "$TEST_TMP/snmpd.log" -C -c "$TEST_TMP/snmpd.conf" \
	    -p "$TEST_TMP/snmpd.pid" -I -smux \
	    </dev/null >>"$TEST_TMP/snmpd.out" 2>&1 &
	SNMPD_PID=$!
	# 100 tries, 40 s at least: generous for a busy machine.
	for ((i = 0; i < 100; i++)); do
		if ! kill -0 "$SNMPD_PID" 2>/dev/null; then
			wait "$SNMPD_PID" 2>/dev/null
			SNMPD_PID=
			return 1
		fi
		if _snmpd_answers "$port"; then
			return 0
		fi
		sleep 0.1
	done
	snmplib_kill "$SNMPD_PID"
	SNMPD_PID=
	return 1
}

start_snmpd() {
	local try port
	AGENTX_SOCK=$TEST_TMP/agentx.sock
	mkdir -p "$TEST_TMP/snmpd-persist" || return 1
	for ((try = 0; try < 5; try++)); do
		port=$(free_port udp) || return 1
		_snmpd_write_conf "$port" || return 1
		if _snmpd_launch "$port"; then
			export SNMP_PORT=$port AGENTX_SOCK
			SNMP_AGENT=127.0.0.1:$port
			return 0
		fi
	done
	echo "start_snmpd: snmpd did not answer on any of 5 ports; its log:" >&2
	sed 's/^/    /' "$TEST_TMP/snmpd.log" "$TEST_TMP/snmpd.out" >&2
	return 1
}

stop_snmpd() {
	local sig=TERM
	[ "${1:-}" = -9 ] && sig=KILL
	[ -n "$SNMPD_PID" ] && snmplib_kill "$SNMPD_PID" "$sig"
	SNMPD_PID=
}

# restart_snmpd [-9]: stop, start again on the same port and socket.
restart_snmpd() {
	stop_snmpd "$@"
	if ! _snmpd_launch "$SNMP_PORT"; then
		echo "restart_snmpd: snmpd did not come back on port $SNMP_PORT;" \
		    "its log:" >&2
		tail -n 20 "$TEST_TMP/snmpd.log" "$TEST_TMP/snmpd.out" |
		    sed 's/^/    /' >&2
		return 1
	fi
}

# start_snmpd_again: start snmpd again after stop_snmpd, same port and socket.
start_snmpd_again() {
	_snmpd_launch "$SNMP_PORT"
}

# ---------------------------------------------------------------------------
# updprobed.

# start_updprobed [--no-x] CONF [ARGS...]: foreground, log to $UPDPROBED_LOG.
# It runs without MIBS/MIBDIRS/SMIPATH, as from a systemd unit, and with
# its own (checked) persistent directory. Waits until its log says
# "started:"; returns 1 if it exited instead.
start_updprobed() {
	local x=1 conf
	if [ "${1:-}" = --no-x ]; then
		x=0
		shift
	fi
	conf=$1
	shift
	if [ ! -x "$UPDPROBED" ]; then
		echo "start_updprobed: $UPDPROBED is not an executable file" >&2
		return 1
	fi
	mkdir -p "$TEST_TMP/updprobed-persist"
	touch "$UPDPROBED_LOG"
	_UPDPROBED_LOG0=$(wc -l <"$UPDPROBED_LOG")
	echo "=== updprobed start $(date '+%T.%N'): -f -c $conf" \
	    "$([ "$x" = 1 ] && echo "-x unix:$AGENTX_SOCK") $*" >>"$UPDPROBED_LOG"
	if [ "$x" = 1 ]; then
		set -- -x "unix:$AGENTX_SOCK" "$@"
	fi
	env -u MIBS -u MIBDIRS -u SMIPATH \
	    SNMP_PERSISTENT_DIR="$TEST_TMP/updprobed-persist" \
	    "$UPDPROBED" -f -c "$conf" "$@" </dev/null >>"$UPDPROBED_LOG" 2>&1 &
	UPDPROBED_PID=$!
	UPDPROBED_STATUS=
	# Up: its log says "started:" (config read, rows registered), or it
	# has exited.
	wait_for -t 60 _updprobed_up
	if ! updprobed_alive; then
		wait "$UPDPROBED_PID"
		UPDPROBED_STATUS=$?
		UPDPROBED_PID=
		echo "start_updprobed: updprobed exited at once (status" \
		    "$UPDPROBED_STATUS); its log:" >&2
		tail -n 20 "$UPDPROBED_LOG" | sed 's/^/    /' >&2
		return 1
	fi
	return 0
}

_updprobed_up() {
	tail -n +"$((_UPDPROBED_LOG0 + 1))" "$UPDPROBED_LOG" | grep -q "started:" &&
	    return 0
	updprobed_alive || return 0
	echo "running, no \"started:\" in its log yet"
	return 1
}

# stop_updprobed [SIG]: sets UPDPROBED_STATUS.
stop_updprobed() {
	if [ -n "$UPDPROBED_PID" ]; then
		snmplib_kill "$UPDPROBED_PID" "${1:-TERM}"
		UPDPROBED_STATUS=$?
	fi
	UPDPROBED_PID=
}

updprobed_alive() {
	[ -n "$UPDPROBED_PID" ] && pid_ours "$UPDPROBED_PID" &&
	    [ "$(ps -o stat= -p "$UPDPROBED_PID" 2>/dev/null | cut -c1)" != Z ]
}

# ---------------------------------------------------------------------------
# SNMP requests.

# snmp_get_oid OID: the value; enumerations as numbers, strings unquoted.
# The client waits 3 s, twice: snmpd answers in milliseconds, or with an
# error once its own agentXTimeout (1 s) for the subagent has passed.
snmp_get_oid() {
	local out
	out=$(snmpget -v2c -c "$SNMP_READ_COMMUNITY" -t 3 -r 1 -Oqv -Oe -Ot -OU \
	    "$SNMP_AGENT" "$1" 2>&1)
	case $out in
	"No Such "* | "Timeout"* | *"Unknown Object"* | *"Error"* | "")
		printf '%s\n' "$out"
		return 1 ;;
	esac
	printf '%s\n' "$out"
}

# snmp_get COLUMN NAME
snmp_get() {
	snmp_get_oid "UPDPROBE-MIB::$1.\"$2\""
}

# The conditions below (for wait_for) print what they saw when they fail.

# snmp_is COLUMN NAME VALUE: the value is VALUE.
snmp_is() {
	local v
	v=$(snmp_get "$1" "$2")
	[ "$v" = "$3" ] || { echo "$1.\"$2\" = $v (want $3)"; return 1; }
}

# snmp_probed NAME: the target's code is not notProbed(-1).
snmp_probed() {
	local v
	v=$(snmp_get updprobeTargetCode "$1")
	[[ "$v" =~ ^[0-9]+$ ]] || { echo "updprobeTargetCode.\"$1\" = $v"; return 1; }
}

# snmp_answers NAME: the target's row is served (any code).
snmp_answers() {
	local v
	v=$(snmp_get updprobeTargetCode "$1")
	[[ "$v" =~ ^-?[0-9]+$ ]] || { echo "updprobeTargetCode.\"$1\" = $v"; return 1; }
}

# snmp_gt COLUMN NAME N: the (integer) value is greater than N.
snmp_gt() {
	local v
	v=$(snmp_get "$1" "$2")
	[[ "$v" =~ ^[0-9]+$ ]] && [ "$v" -gt "$3" ] ||
	    { echo "$1.\"$2\" = $v (want more than $3)"; return 1; }
}

# snmp_set COMMUNITY OID TYPE VALUE: the client waits SNMP_SET_TIMEOUT
# seconds (2), once.
snmp_set() {
	# -Ir: send what we are told, even what the MIB says is wrong.
	snmpset -v2c -c "$1" -t "${SNMP_SET_TIMEOUT:-2}" -r 0 -Ir \
	    "$SNMP_AGENT" "$2" "$3" "$4" 2>&1
}

# probe_now NAME
probe_now() {
	snmp_set "$SNMP_WRITE_COMMUNITY" \
	    "UPDPROBE-MIB::updprobeTargetProbeNow.\"$1\"" i 1 >/dev/null
}

# ---------------------------------------------------------------------------
# Captured notifications.

# _trap_filter NAME [NOTIFICATION [COLUMN=VALUE...]]: with no NOTIFICATION,
# prints the matching lines of $TRAP_LOG; else prints the number of
# notifications that match.
_trap_filter() {
	"$PYTHON" - "$TRAP_LOG" "$UPDPROBE_ARC" "$@" <<'EOF'
import re, sys
log, arc, name = sys.argv[1], sys.argv[2], sys.argv[3]
notif = sys.argv[4] if len(sys.argv) > 4 else None
wants = []
for a in sys.argv[5:]:
    m = re.match(r"^(\w+)([=~]?)(.*)$", a)
    wants.append((m.group(1), m.group(2), m.group(3)))
COLS = {"updprobeTargetCode": 2, "updprobeTargetStep": 3,
        "updprobeTargetDetail": 4, "updprobeTargetUrl": 5,
        "updprobeTargetPreviousCode": 19}
NOTIFS = {"updprobeCodeChange": 1, "updprobeProblem": 2,
          "updprobeCleared": 3}
suffix = ".%d.%s" % (len(name), ".".join(str(ord(c)) for c in name))
def keys(col):
    ks = ['UPDPROBE-MIB::%s."%s"' % (col, name)]
    if col in COLS:
        ks.append("%s.1.2.1.%d%s" % (arc, COLS[col], suffix))
    return ks
def notif_names(n):
    ns = ["UPDPROBE-MIB::" + n]
    if n in NOTIFS:
        ns.append("%s.0.%d" % (arc, NOTIFS[n]))
    return ns
def intval(v):
    m = re.search(r"\((-?\d+)\)\s*$", v) or re.search(r":\s*(-?\d+)\s*$", v)
    return m.group(1) if m else None
count = 0
try:
    lines = open(log, errors="replace").read().split("\n")
except OSError:
    lines = []
for line in lines:
    if not line.startswith("TRAP "):
        continue
    vbs = {}
    for vb in line[5:].split("\t"):
        k, sep, v = vb.partition(" = ")
        if sep:
            vbs[k.strip()] = v
    mentions = any(k.endswith('."%s"' % name) or k.endswith(suffix)
                   for k in vbs)
    if not mentions:
        continue
    if notif is None:
        print(line)
        continue
    trapoid = ""
    for k in ("SNMPv2-MIB::snmpTrapOID.0", ".1.3.6.1.6.3.1.1.4.1.0"):
        if k in vbs:
            trapoid = vbs[k].split("OID:", 1)[-1].strip()
    if trapoid not in notif_names(notif):
        continue
    ok = True
    for col, op, want in wants:
        got = [vbs[k] for k in keys(col) if k in vbs]
        if not got:
            ok = False
        elif op == "=" and intval(got[0]) != want:
            ok = False
        elif op == "~" and want not in got[0]:
            ok = False
    if ok:
        count += 1
if notif is not None:
    print(count)
EOF
}

trap_count() {		# NOTIFICATION NAME [COLUMN=VALUE...]
	local n=$1 t=$2
	shift 2
	_trap_filter "$t" "$n" "$@"
}

trap_lines() {		# NAME
	_trap_filter "$1"
}

_trap_at_least() {	# N NOTIFICATION NAME [COLUMN=VALUE...]
	local n=$1 got
	shift
	got=$(trap_count "$@")
	[ "$got" -ge "$n" ] ||
	    { echo "$got of $n $* captured; for $2: $(trap_lines "$2" | tail -n 3)"; return 1; }
}

wait_trap() {		# N NOTIFICATION NAME [COLUMN=VALUE...]
	wait_for -t "$TRAP_WAIT" _trap_at_least "$@"
}

_snmplib_env
