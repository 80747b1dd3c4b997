#!/bin/bash
# agent.sh - integration tests of updprobed, the AgentX subagent, with the
# real programs on loopback: snmpd as AgentX master, snmptrapd capturing
# the notifications snmpd forwards, the fault-playing HTTP update server
# (tests/servers/httpfault.py) and the fake DNS server (dnsfake.py).
#
#   UPDPROBED=build/updprobed tests/e2e/agent.sh
#
# Cases:
#   f  a bad config at start: exit 78 and FILE:LINE: on stderr
#   a  every predictable code read with snmpget, with step, detail, URL
#      (never a password), counters; first results send updprobeProblem
#   c  SETs: ProbeNow with the write community (it returns while the probe
#      it started still runs), refused or rejected ones
#   e  SIGHUP: a good config (new row, kept counters, removed row) and a
#      broken one (logged with file:line, old table kept)
#   b  notifications: updprobeCodeChange, updprobeProblem, updprobeCleared
#      on real changes of the server, after a SIGHUP that repoints a
#      target, and with "confirm 2"
#   d  snmpd restarts (SIGTERM, SIGKILL), a subagent started before snmpd,
#      and a notification caused while snmpd was away
#   g  1,000 targets (300 in a sanitizer build): snmpbulkwalk of the code column
#
# A check that something did NOT happen (no notification, no probe) first
# waits for a positive signal that it would have shown by then: a later
# notification that must come (mark_notified), or the probe counter.
# Times are printed as information, never judged (speed: make bench).
#
# Prints "ok - ..." / "not ok - ..." per check, then "N passed, N failed";
# exits 1 if anything failed, including a tool or server that is missing
# or does not start (nothing is skipped silently). Lines starting with "#"
# are information (timings).

# SC2317: functions run through wait_for; SC2119: helpers with optional
# arguments; SC2153: HTTP_PORT and DNS_PORT come from lib.sh.
# shellcheck disable=SC2317,SC2119,SC2153

set -u

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
# shellcheck source=SCRIPTDIR/../lib.sh
. "$HERE/../lib.sh"

UPDPROBED=${UPDPROBED:-$ROOT/build/updprobed}
# The password the auth-* folders expect; it must never be shown.
SECRET=s3cret
# The exit status for a bad config (sysexits EX_CONFIG).
EX_CONFIG=78
# Liveness bound (not a speed limit: make bench measures that) for the
# table to answer again after snmpd restarts with agentxPingInterval 1.
RECONNECT_WAIT_S=60

# The lines of updprobed's log written since line $1 (for evidence).
log_since() {
	tail -n +"$(($1 + 1))" "$UPDPROBED_LOG" | tail -n 8 | squash
}

log_lines() {
	wc -l <"$UPDPROBED_LOG" 2>/dev/null || echo 0
}

# ---------------------------------------------------------------------------
# Set-up. A tool or server that does not start is a failure.

# shellcheck source=SCRIPTDIR/../snmplib.sh
. "$HERE/../snmplib.sh" ||
    bail_out "the SNMP tools and MIBs for the tests (tests/snmplib.sh, see above)"
if [ ! -x "$UPDPROBED" ]; then
	bail_out "the daemon $UPDPROBED is not an executable file (make $UPDPROBED)"
fi
start_httpfault || bail_out "start the HTTP update server (tests/servers/httpfault.py)"
start_dnsfake || bail_out "start the DNS server (tests/servers/dnsfake.py)"
start_snmptrapd || bail_out "start snmptrapd (see above)"
start_snmpd || bail_out "start snmpd as AgentX master (see above)"

H="http://127.0.0.1:$HTTP_PORT"
echo "# HTTP on $HTTP_PORT, DNS on $DNS_PORT, snmpd on $SNMP_PORT" \
    "(AgentX $AGENTX_SOCK), snmptrapd on $TRAP_PORT; logs in $TEST_TMP"

umask 077
printf '%s\n' "$SECRET" >"$TEST_TMP/pw-good"
printf '%s\n' "wrong-password" >"$TEST_TMP/pw-wrong"
printf '%s\n' "$SECRET" >"$TEST_TMP/pw-open"
chmod 600 "$TEST_TMP/pw-good" "$TEST_TMP/pw-wrong"
chmod 644 "$TEST_TMP/pw-open"
umask 022

# A second HTTP update server on a fixed port that the tests stop and start
# again: a real change of the server, seen by a target whose configuration
# does not change (running: good/ is code 0; stopped: refused, code 2).
FLIP_PID=
FLIP_PORT=
start_flip() {
	local try
	for ((try = 0; try < 5; try++)); do
		[ -n "$FLIP_PORT" ] || FLIP_PORT=$(free_port tcp)
		rm -f "$TEST_TMP/flip.port"
		"$PYTHON" "$SERVERS_DIR/httpfault.py" --port "$FLIP_PORT" \
		    --port-file "$TEST_TMP/flip.port" \
		    </dev/null >>"$TEST_TMP/flip.log" 2>&1 &
		FLIP_PID=$!
		snmplib_track "$FLIP_PID"
		if wait_for -t 20 test -s "$TEST_TMP/flip.port"; then
			return 0
		fi
		snmplib_kill "$FLIP_PID"
		FLIP_PID=
		# The port was taken: only the first start may move it.
		[ -n "${FLIP_FIXED:-}" ] && break
		FLIP_PORT=
	done
	echo "start_flip: the second HTTP server did not start; its log:" >&2
	sed 's/^/    /' "$TEST_TMP/flip.log" >&2
	return 1
}
stop_flip() {
	[ -n "$FLIP_PID" ] && snmplib_kill "$FLIP_PID"
	FLIP_PID=
}
start_flip || bail_out "start the second HTTP update server"
FLIP_FIXED=1
F="http://127.0.0.1:$FLIP_PORT"

# The readable columns of the target table.
COLUMNS=(updprobeTargetCode updprobeTargetStep updprobeTargetDetail
	updprobeTargetUrl updprobeTargetVersion updprobeTargetLastProbe
	updprobeTargetLastChange updprobeTargetDnsTime
	updprobeTargetConnectTime updprobeTargetDirFileTime
	updprobeTargetFirmwareTime updprobeTargetHttpStatus
	updprobeTargetFirmwareSize updprobeTargetProbes
	updprobeTargetProblems updprobeTargetProbeNow updprobeTargetInterval
	updprobeTargetPreviousCode)

# get_row NAME: ROW[column] = value (column without the "updprobeTarget"
# prefix) for every column, in one GET; ROW_TEXT the raw answer.
declare -A ROW
get_row() {
	local name=$1 c line k v oids=()
	for c in "${COLUMNS[@]}"; do
		oids+=("UPDPROBE-MIB::$c.\"$name\"")
	done
	ROW=()
	ROW_TEXT=$(snmpget -v2c -c "$SNMP_READ_COMMUNITY" -t 2 -r 0 -Os -Oq \
	    -Oe -Ot -OU "$SNMP_AGENT" "${oids[@]}" 2>&1)
	local rc=$?
	while IFS= read -r line; do
		k=${line%% *}
		v=${line#* }
		[ "$k" = "$line" ] && v=""
		k=${k%%.*}
		k=${k#updprobeTarget}
		[ "$v" = '""' ] && v=""
		ROW[$k]=$v
	done <<<"$ROW_TEXT"
	[ "$rc" -eq 0 ] && [[ "${ROW[Code]:-}" =~ ^-?[0-9]+$ ]]
}

# Checks a value: want_eq KEY VALUE, want_num KEY (a number), ... each
# appends to PROBLEMS.
PROBLEMS=
want() {		# KEY OP VALUE   (OP: = != >= > ~ !~ num nonempty)
	local k=$1 op=$2 w=${3:-} v=${ROW[$1]-<missing>}
	case $op in
	=) [ "$v" = "$w" ] ;;
	!=) [ "$v" != "$w" ] ;;
	num) [[ "$v" =~ ^[0-9]+$ ]] ;;
	'>') [[ "$v" =~ ^[0-9]+$ ]] && [ "$v" -gt "$w" ] ;;
	'>=') [[ "$v" =~ ^[0-9]+$ ]] && [ "$v" -ge "$w" ] ;;
	'~') [[ "$v" == *"$w"* ]] ;;
	'!~') [[ "$v" != *"$w"* ]] ;;
	nonempty) [ -n "$v" ] && [ "$v" != "<missing>" ] &&
	    [[ "$v" != "No Such"* ]] ;;
	esac || PROBLEMS="$PROBLEMS${PROBLEMS:+; }$k=$v (want $op $w)"
}

# probe_and_wait NAME: ProbeNow, then wait until Probes has advanced.
probe_and_wait() {
	local before
	before=$(snmp_get updprobeTargetProbes "$1") || { echo "Probes.\"$1\": $before"; return 1; }
	probe_now "$1" || { echo "SET ProbeNow.\"$1\" failed"; return 1; }
	wait_for snmp_gt updprobeTargetProbes "$1" "$before" || { echo "$WAIT_SEEN"; return 1; }
}

# mark_notified CONF: the positive signal before a check that a
# notification did NOT come.  A new target mark-N (missing-dirfile/, code
# 3) is added to CONF by SIGHUP and probed at once: its first result sends
# updprobeProblem.  updprobed sends its notifications in the order they
# arise, snmpd forwards them in that order and snmptrapd logs them so (one
# socket each way, on loopback): once mark-N's is captured, a notification
# raised before the SIGHUP would be captured too.  Prints what it saw when
# it fails.
MARK_N=0
mark_notified() {
	local conf=$1 name
	MARK_N=$((MARK_N + 1))
	name=mark-$MARK_N
	{
		grep -v '^target mark-' "$conf"
		echo "target $name $H/missing-dirfile/"
	} >"$conf.mark" && mv -f "$conf.mark" "$conf" || return 1
	kill -HUP "$UPDPROBED_PID" || return 1
	wait_for snmp_answers "$name" ||
	    { echo "after the SIGHUP, $name is not served: $WAIT_SEEN"; return 1; }
	probe_now "$name" || { echo "SET ProbeNow.\"$name\" failed"; return 1; }
	wait_trap 1 updprobeProblem "$name" updprobeTargetCode=3 ||
	    { echo "no updprobeProblem of $name captured: $WAIT_SEEN"; return 1; }
}

# marked CONF WHAT: mark_notified, or a failure saying that WHAT (a check
# that something did not come) cannot be judged without that signal.
marked() {
	mark_notified "$1" >"$TEST_TMP/mark.out" 2>&1 && return 0
	not_ok "$2: cannot be judged: mark-$MARK_N, a new target added by SIGHUP, was not notified ($(squash <"$TEST_TMP/mark.out"))"
	return 1
}

# Run updprobed with a config that must be refused; see case f.
expect_bad_config() {	# DESCRIPTION LINE CONFIG-TEXT
	local desc=$1 line=$2 conf=$TEST_TMP/bad-$((++BAD_N)).conf rc err
	printf '%s\n' "$3" >"$conf"
	timeout -k 2 30 env -u MIBS -u MIBDIRS -u SMIPATH \
	    SNMP_PERSISTENT_DIR="$TEST_TMP/updprobed-persist" \
	    "$UPDPROBED" -f -c "$conf" -x "unix:$TEST_TMP/no-master.sock" \
	    </dev/null >"$TEST_TMP/bad.out" 2>"$TEST_TMP/bad.err"
	rc=$?
	err=$(cat "$TEST_TMP/bad.err")
	PROBLEMS=
	if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
		PROBLEMS="still running after 30 s: the config was accepted"
	elif [ "$rc" -ne "$EX_CONFIG" ]; then
		PROBLEMS="exit status $rc, want $EX_CONFIG"
	fi
	if ! grep -qF -e "$conf:$line:" -e "$(basename "$conf"):$line:" \
	    "$TEST_TMP/bad.err"; then
		PROBLEMS="$PROBLEMS${PROBLEMS:+; }no \"$conf:$line:\" on stderr"
	fi
	case $err in
	*"$SECRET"*) PROBLEMS="$PROBLEMS${PROBLEMS:+; }the password is on stderr" ;;
	esac
	check "$([ -z "$PROBLEMS" ]; echo $?)" "f: $desc" \
	    "$PROBLEMS; stderr: $(printf '%s' "$err" | squash); config line $line: $(sed -n "${line}p" "$conf")"
}

# ===========================================================================
# f. A bad config at start: exit 78, "FILE:LINE: reason" on stderr.

BAD_N=0
GOOD_HEAD="# updprobed test config
interval 60
timeout 2"

# The control: the same head with a correct target runs (its log says
# "started:"), even without a master, until it is stopped.
printf '%s\n' "$GOOD_HEAD" "target site-a $H/good/" >"$TEST_TMP/control.conf"
env -u MIBS -u MIBDIRS -u SMIPATH \
    SNMP_PERSISTENT_DIR="$TEST_TMP/updprobed-persist" "$UPDPROBED" -f \
    -c "$TEST_TMP/control.conf" -x "unix:$TEST_TMP/no-master.sock" \
    </dev/null >"$TEST_TMP/control.out" 2>&1 &
control_pid=$!
snmplib_track "$control_pid"
control_started() {
	grep -q "started:" "$TEST_TMP/control.out" && return 0
	kill -0 "$control_pid" 2>/dev/null && echo "running, no \"started:\" yet" ||
	    echo "exited"
	return 1
}
wait_for control_started
rc=$?
kill -0 "$control_pid" 2>/dev/null
alive=$?
snmplib_kill "$control_pid"
check "$([ "$rc" -eq 0 ] && [ "$alive" -eq 0 ]; echo $?)" \
    "f: a correct config is accepted (started, runs until stopped, even without a master)" \
    "$WAIT_SEEN; output: $(squash <"$TEST_TMP/control.out")"

expect_bad_config "an unknown directive is refused" 4 "$GOOD_HEAD
frobnicate 12
target site-a $H/good/"
expect_bad_config "an ftp:// URL is refused" 4 "$GOOD_HEAD
target site-a ftp://127.0.0.1/good/"
expect_bad_config "a URL that is not a URL is refused" 5 "$GOOD_HEAD
target site-a $H/good/
target site-b not-a-url"
expect_bad_config "a target name with '/' is refused" 4 "$GOOD_HEAD
target bad/name $H/good/"
expect_bad_config "a 33-character target name is refused" 4 "$GOOD_HEAD
target abcdefghijklmnopqrstuvwxyz0123456 $H/good/"
expect_bad_config "a password file others can read (0644) is refused" 4 \
    "$GOOD_HEAD
target site-a $H/auth-basic/ user=m3 passwordFile=$TEST_TMP/pw-open"
expect_bad_config "a missing password file is refused" 4 "$GOOD_HEAD
target site-a $H/auth-basic/ user=m3 passwordFile=$TEST_TMP/no-such-file"
expect_bad_config "an unknown target key is refused" 4 "$GOOD_HEAD
target site-a $H/good/ colour=blue"
expect_bad_config "a duplicate target name is refused" 5 "$GOOD_HEAD
target site-a $H/good/
target site-a $H/missing-dirfile/"
expect_bad_config "an interval that is not a number is refused" 1 \
    "interval often
target site-a $H/good/"

# ===========================================================================
# a. Every predictable code, read with snmpget.

# m3 provisioning files, as a base station reads them.
cat >"$TEST_TMP/prov-http.cfg" <<EOF
%NETWORK_FWU_SERVER%: "127.0.0.1:$HTTP_PORT"
%FWU_TFTP_SERVER_PATH%: "/good/"
%MANAGEMENT_TRANSFER_PROTOCOL%: 1
END_OF_FILE
EOF
cat >"$TEST_TMP/prov-empty.cfg" <<'EOF'
%NETWORK_FWU_SERVER%: ""
%FWU_TFTP_SERVER_PATH%: "/Updates/"
%MANAGEMENT_TRANSFER_PROTOCOL%: 1
END_OF_FILE
EOF

# name code step(number) folder/URL and keys
A_TARGETS=(
	"c0 0 7 $H/good/"
	"c1 1 5 $H/good/ version=0800"
	"c2 2 4 $H/status-500/"
	"c3 3 4 $H/missing-dirfile/"
	"c4 4 6 $H/big-fw/ maxSize=8M"
	"c5 5 4 $H/slow-headers/ timeout=1"
	"c5-long 5 4 $H/slow-headers/ timeout=8 interval=3600"
	"c6 6 1 http:///good/"
	"c7 7 6 $H/fw-html/"
	"c9 9 4 $H/syntax-section/"
	"c10 10 4 $H/dirfile-html/"
	"c11 11 2 http://fw.nx.test:$HTTP_PORT/good/ dnsServer=127.0.0.1:$DNS_PORT"
	"c12 12 4 $H/auth-basic/"
	"c12-wrong 12 4 $H/auth-basic/ user=m3 passwordFile=$TEST_TMP/pw-wrong"
	"auth-ok 0 7 $H/auth-basic/ user=m3 passwordFile=$TEST_TMP/pw-good"
	"dns-ok 0 7 http://fw.ok.test:$HTTP_PORT/good/ allowLoopback=yes"
	"prov-ok 0 7 provisioning=$TEST_TMP/prov-http.cfg"
	"prov-empty 6 1 provisioning=$TEST_TMP/prov-empty.cfg"
	"every30 0 7 $H/good/ interval=30"
	"probe-now 0 7 $H/good/ interval=3600"
)
CONF_A=$TEST_TMP/a.conf
write_conf_a() {	# [EXTRA LINES...]
	local t
	{
		echo "# case a: one target per code"
		echo "interval 60"
		echo "timeout 2"
		echo "maxSize 8M"
		echo "dnsServer 127.0.0.1:$DNS_PORT"
		for t in "${A_TARGETS[@]}"; do
			read -r name _ _ rest <<<"$t"
			echo "target $name $rest"
		done
		printf '%s\n' "$@"
	} >"$CONF_A.new" && mv -f "$CONF_A.new" "$CONF_A"
}
write_conf_a

all_probed() {		# NAME...
	local n
	for n in "$@"; do
		snmp_probed "$n" || return 1
	done
}

A_NAMES=()
for t in "${A_TARGETS[@]}"; do
	A_NAMES+=("${t%% *}")
done

if ! start_updprobed "$CONF_A"; then
	not_ok "a: start updprobed with one target per code (see above)"
else
	t0=$(now_ms)
	if wait_for snmp_answers c0; then
		ok "a: the table answers through snmpd after $(($(now_ms) - t0)) ms"
	else
		not_ok "a: the table answers through snmpd (after $WAIT_TIMEOUT s: $WAIT_SEEN; updprobed log: $(tail -n 8 "$UPDPROBED_LOG" | squash))"
	fi
	# The first probes are spread over 10 s; c5-long's takes 8 s.
	if wait_for -t 60 all_probed "${A_NAMES[@]}"; then
		echo "# all ${#A_NAMES[@]} targets probed after $(($(now_ms) - t0)) ms"
	else
		for n in "${A_NAMES[@]}"; do
			snmp_probed "$n" >/dev/null || not_ok "a: target $n probed within 60 s (code: $(snmp_get updprobeTargetCode "$n" | squash))"
		done
	fi
	for t in "${A_TARGETS[@]}"; do
		read -r name code step _ <<<"$t"
		PROBLEMS=
		if ! get_row "$name"; then
			not_ok "a: $name (code $code): no row: $(printf '%s' "$ROW_TEXT" | squash)"
			continue
		fi
		want Code = "$code"
		want Step = "$step"
		want Detail nonempty
		want Detail '!~' "$SECRET"
		want Url '!~' "$SECRET"
		want Url '!~' "@"
		case $name in
		c6) want Url '~' "/good/" ;;
		prov-empty) want Url "~" ":///Updates/" ;;
		prov-ok) want Url = "$H/good/" ;;
		*) want Url '~' "://" ;;
		esac
		want LastProbe '>' 0
		want LastChange '>' 0
		want Probes '>=' 1
		case $name in
		every30) want Interval = 30 ;;
		c5-long | probe-now) want Interval = 3600 ;;
		*) want Interval = 60 ;;
		esac
		want ProbeNow = 2
		want PreviousCode = -1
		if [ "$code" -eq 0 ]; then
			want Problems = 0
			want Version = 0790
		else
			want Problems '>=' 1
		fi
		case $name in
		c1) want Version = 0800 ;;
		c2) want HttpStatus = 500 ;;
		c3) want HttpStatus = 404 ;;
		c12 | c12-wrong) want HttpStatus = 401 ;;
		c4) want FirmwareSize = 20971520 ;;
		c0) want FirmwareSize '>' 0 ;;
		c5) want DirFileTime '>=' 900 ;;
		c11) want HttpStatus = 0 ;;
		esac
		for c in DnsTime ConnectTime DirFileTime FirmwareTime HttpStatus FirmwareSize; do
			want "$c" num
		done
		check "$([ -z "$PROBLEMS" ]; echo $?)" \
		    "a: $name: code $code, step $step, detail, URL without credentials, counters" \
		    "$PROBLEMS; GET: $(printf '%s' "$ROW_TEXT" | squash)"
	done

	# The agent's scalars.
	PROBLEMS=
	v=$(snmp_get_oid UPDPROBE-MIB::updprobeTargetCount.0)
	[ "$v" = "${#A_NAMES[@]}" ] || PROBLEMS="updprobeTargetCount.0=$v, want ${#A_NAMES[@]}"
	v=$(snmp_get_oid UPDPROBE-MIB::updprobeAgentVersion.0)
	[[ "$v" =~ ^[0-9] ]] || PROBLEMS="$PROBLEMS; updprobeAgentVersion.0=$v"
	v=$(snmp_get_oid UPDPROBE-MIB::updprobeProbesRun.0)
	[[ "$v" =~ ^[0-9]+$ ]] && [ "$v" -ge "${#A_NAMES[@]}" ] ||
	    PROBLEMS="$PROBLEMS; updprobeProbesRun.0=$v"
	v=$(snmp_get_oid UPDPROBE-MIB::updprobeConfigLoadTime.0)
	[[ "$v" =~ ^[0-9]+$ ]] && [ "$v" -gt 1000000000 ] ||
	    PROBLEMS="$PROBLEMS; updprobeConfigLoadTime.0=$v"
	CONFIG_LOAD_TIME=$v
	check "$([ -z "$PROBLEMS" ]; echo $?)" \
	    "a: the scalars: target count, version, probes run, config load time" \
	    "${PROBLEMS#; }"

	# A missing row is noSuchInstance, not an error.
	v=$(snmpget -v2c -c public -t 2 -r 0 "$SNMP_AGENT" \
	    'UPDPROBE-MIB::updprobeTargetCode."no-such-target"' 2>&1)
	check "$([[ "$v" == *"No Such Instance"* ]]; echo $?)" \
	    "a: GET of a target that does not exist is noSuchInstance" "$v"

	# First results: updprobeProblem for each problem, nothing for code 0,
	# no updprobeCodeChange (a first result is not a change).
	first_problem_sent() {	# NAME CODE STEP
		_trap_at_least 1 updprobeProblem "$1" updprobeTargetCode="$2" \
		    updprobeTargetStep="$3" updprobeTargetDetail
	}
	all_first_problems_sent() {
		local t name code step
		for t in "${A_TARGETS[@]}"; do
			read -r name code step _ <<<"$t"
			[ "$code" -eq 0 ] && continue
			first_problem_sent "$name" "$code" "$step" || return 1
		done
	}
	if wait_for -t "$TRAP_WAIT" all_first_problems_sent; then
		ok "a: every first result that is a problem sent updprobeProblem with code, step and detail"
	else
		for t in "${A_TARGETS[@]}"; do
			read -r name code step _ <<<"$t"
			[ "$code" -eq 0 ] && continue
			first_problem_sent "$name" "$code" "$step" ||
			    not_ok "a: $name: the first result (code $code) sends updprobeProblem with code, step and detail (captured for $name: $(trap_lines "$name" | squash))"
		done
	fi
	# What did not come is judged once a later notification came.
	PROBLEMS=
	marked "$CONF_A" "a: first results send no updprobeCodeChange" ||
	    PROBLEMS="not judged"
	for t in "${A_TARGETS[@]}"; do
		read -r name code _ <<<"$t"
		n=$(trap_count updprobeCodeChange "$name")
		[ "$n" -eq 0 ] || PROBLEMS="$PROBLEMS; $name: $n updprobeCodeChange"
		n=$(trap_count updprobeProblem "$name")
		if [ "$code" -eq 0 ]; then
			[ -z "$(trap_lines "$name")" ] ||
			    PROBLEMS="$PROBLEMS; $name (code 0): $(trap_lines "$name")"
		elif [ "$n" -ne 1 ]; then
			PROBLEMS="$PROBLEMS; $name: $n updprobeProblem, want 1"
		fi
	done
	check "$([ -z "$PROBLEMS" ]; echo $?)" \
	    "a: first results send no updprobeCodeChange, one updprobeProblem per problem, nothing for code 0" \
	    "$(printf '%s' "${PROBLEMS#; }" | squash)"

	# =================================================================
	# c. SETs.
	PN='UPDPROBE-MIB::updprobeTargetProbeNow'
	# The target "probe-now" is probed every hour: only a ProbeNow can
	# probe it again within the test.  The counters before: a GET that
	# fails is a failure, never a 0.
	if ! get_row probe-now || ! [[ "${ROW[Probes]:-}" =~ ^[0-9]+$ &&
	    "${ROW[LastProbe]:-}" =~ ^[0-9]+$ ]]; then
		not_ok "c: read Probes and LastProbe of probe-now before the ProbeNow ($(printf '%s' "$ROW_TEXT" | squash))"
	else
		old_probes=${ROW[Probes]}
		old_last=${ROW[LastProbe]}
		# LastProbe has a resolution of 1 s: let a second pass.
		wait_for -t 5 now_after "$old_last"
		t0=$(now_ms)
		out=$(snmp_set private "$PN.\"probe-now\"" i 1)
		rc=$?
		check "$([ "$rc" -eq 0 ] && [[ "$out" == *"true(1)"* || "$out" == *": 1"* ]]; echo $?)" \
		    "c: SET ProbeNow.\"probe-now\" = true(1) with the write community succeeds ($(($(now_ms) - t0)) ms)" \
		    "snmpset status $rc: $(printf '%s' "$out" | squash)"
		if wait_for snmp_gt updprobeTargetProbes probe-now "$old_probes"; then
			PROBLEMS=
			get_row probe-now || PROBLEMS="GET: $(printf '%s' "$ROW_TEXT" | squash)"
			want LastProbe '>' "$old_last"
			want Code = 0
			want ProbeNow = 2
			check "$([ -z "$PROBLEMS" ]; echo $?)" \
			    "c: after ProbeNow, Probes ($old_probes -> ${ROW[Probes]:-?}) and LastProbe advance" \
			    "$PROBLEMS"
		else
			not_ok "c: after ProbeNow, Probes advances within $WAIT_TIMEOUT s ($WAIT_SEEN)"
		fi
	fi

	# The SET returns at once: before the probe it starts ends, although
	# that probe takes 8 s (slow-headers/, timeout 8; interval 3600, so
	# no scheduled probe runs meanwhile).  No time is judged: the order
	# is.  (A SET that waited for the probe would also outlast snmpd's
	# agentXTimeout of 1 s and fail.)
	old5=$(snmp_get updprobeTargetProbes c5-long)
	t0=$(now_ms)
	out=$(snmp_set private "$PN.\"c5-long\"" i 1)
	rc=$?
	ms=$(($(now_ms) - t0))
	after5=$(snmp_get updprobeTargetProbes c5-long)
	check "$([[ "$old5" =~ ^[0-9]+$ ]] && [ "$rc" -eq 0 ] && [ "$after5" = "$old5" ]; echo $?)" \
	    "c: SET ProbeNow on a target whose probe takes 8 s returns before that probe ends ($ms ms; Probes $old5 before and just after)" \
	    "snmpset status $rc after $ms ms: $(printf '%s' "$out" | squash); Probes $old5 before, $after5 after"
	wait_check "c: ... and that probe completes" \
	    snmp_gt updprobeTargetProbes c5-long "${old5:-0}"

	expect_set_error() {	# DESCRIPTION COMMUNITY OID TYPE VALUE ERROR-REGEX
		local out rc
		out=$(snmp_set "$2" "$3" "$4" "$5")
		rc=$?
		check "$([ "$rc" -ne 0 ] && [[ "$out" =~ $6 ]]; echo $?)" \
		    "c: $1" "snmpset -c $2 $3 $4 $5: status $rc: $(printf '%s' "$out" | squash)"
	}
	expect_set_error "SET ProbeNow with the read-only community is refused" \
	    public "$PN.\"c0\"" i 1 'noAccess|authorizationError|notWritable'
	expect_set_error "SET ProbeNow with a string is wrongType" \
	    private "$PN.\"c0\"" s x 'wrongType'
	expect_set_error "SET ProbeNow to 7 is wrongValue" \
	    private "$PN.\"c0\"" i 7 'wrongValue'
	expect_set_error "SET ProbeNow to 0 is wrongValue" \
	    private "$PN.\"c0\"" i 0 'wrongValue'
	expect_set_error "SET of updprobeTargetCode is notWritable" \
	    private 'UPDPROBE-MIB::updprobeTargetCode."c0"' i 3 'notWritable'
	expect_set_error "SET of updprobeTargetDetail is notWritable" \
	    private 'UPDPROBE-MIB::updprobeTargetDetail."c0"' s x 'notWritable'
	expect_set_error "SET of updprobeTargetInterval is notWritable" \
	    private 'UPDPROBE-MIB::updprobeTargetInterval."c0"' u 5 'notWritable'
	expect_set_error "SET of updprobeTargetCount.0 is notWritable" \
	    private 'UPDPROBE-MIB::updprobeTargetCount.0' u 5 'notWritable'
	expect_set_error "SET ProbeNow of a target that does not exist is refused" \
	    private "$PN.\"no-such-target\"" i 1 'noCreation|notWritable|inconsistentName'
	out=$(snmp_set private "$PN.\"c0\"" i 2)
	check "$?" "c: SET ProbeNow = false(2) is accepted (no effect)" \
	    "$(printf '%s' "$out" | squash)"
	PROBLEMS=
	updprobed_alive || PROBLEMS="updprobed is not running (log: $(tail -n 8 "$UPDPROBED_LOG" | squash))"
	snmp_is updprobeTargetCode c0 0 ||
	    PROBLEMS="$PROBLEMS; GET Code.\"c0\": $(snmp_get updprobeTargetCode c0)"
	check "$([ -z "$PROBLEMS" ]; echo $?)" \
	    "c: after the refused SETs updprobed runs and still answers" "$PROBLEMS"

	# =================================================================
	# e. SIGHUP.
	get_row c0
	e_probes=${ROW[Probes]:-0}
	e_problems2=$(snmp_get updprobeTargetProblems c2)
	wait_for -t 5 now_after "${CONFIG_LOAD_TIME:-0}"
	# A new target, and c12-wrong removed.
	kept=()
	for t in "${A_TARGETS[@]}"; do
		[ "${t%% *}" = c12-wrong ] || kept+=("$t")
	done
	A_TARGETS=("${kept[@]}")
	write_conf_a "target new-one $H/good/"
	l0=$(log_lines)
	kill -HUP "$UPDPROBED_PID"
	if wait_for snmp_probed new-one; then
		get_row c0
		PROBLEMS=
		want Probes '>=' "$e_probes"
		want Code = 0
		v=$(snmp_get updprobeTargetProblems c2)
		[[ "$v" =~ ^[0-9]+$ ]] && [ "$v" -ge "${e_problems2:-1}" ] ||
		    PROBLEMS="$PROBLEMS; Problems.\"c2\"=$v, was $e_problems2"
		v=$(snmp_get updprobeTargetCode c12-wrong)
		[[ "$v" == "No Such Instance"* ]] ||
		    PROBLEMS="$PROBLEMS; the removed target c12-wrong still answers: $v"
		check "$([ -z "$PROBLEMS" ]; echo $?)" \
		    "e: SIGHUP with a good config: a new row, unchanged targets keep counters ($e_probes -> ${ROW[Probes]:-?}) and code, a removed row goes" \
		    "${PROBLEMS#; }"
		PROBLEMS=
		v=$(snmp_get_oid UPDPROBE-MIB::updprobeTargetCount.0)
		[ "$v" = "${#A_NAMES[@]}" ] ||
		    PROBLEMS="updprobeTargetCount.0=$v, want ${#A_NAMES[@]} (one added, one removed)"
		v=$(snmp_get_oid UPDPROBE-MIB::updprobeConfigLoadTime.0)
		[[ "$v" =~ ^[0-9]+$ ]] && [ "$v" -gt "${CONFIG_LOAD_TIME:-0}" ] ||
		    PROBLEMS="$PROBLEMS; updprobeConfigLoadTime.0=$v, was $CONFIG_LOAD_TIME"
		check "$([ -z "$PROBLEMS" ]; echo $?)" \
		    "e: after the reload updprobeTargetCount.0 and updprobeConfigLoadTime.0 follow" \
		    "${PROBLEMS#; }"
		get_row new-one
		PROBLEMS=
		want Code = 0
		want Probes = 1
		check "$([ -z "$PROBLEMS" ]; echo $?)" \
		    "e: the new target is probed once and answers code 0" \
		    "$PROBLEMS; $(printf '%s' "$ROW_TEXT" | squash)"
	else
		not_ok "e: SIGHUP with a good config: the new target is served and probed within $WAIT_TIMEOUT s ($WAIT_SEEN; log: $(log_since "$l0"))"
	fi

	# A broken config: logged with file:line, the old table kept.
	write_conf_a "frobnicate 12"
	bad_line=$(grep -n '^frobnicate' "$CONF_A" | cut -d: -f1)
	e_count=$(snmp_get_oid UPDPROBE-MIB::updprobeTargetCount.0)
	l0=$(log_lines)
	kill -HUP "$UPDPROBED_PID"
	has_bad_line() {
		tail -n +"$((l0 + 1))" "$UPDPROBED_LOG" |
		    grep -qF -e "$CONF_A:$bad_line:" -e "a.conf:$bad_line:"
	}
	wait_for has_bad_line
	check "$?" "e: SIGHUP with a broken config logs \"$CONF_A:$bad_line: ...\"" \
	    "log since the SIGHUP: $(log_since "$l0")"
	# Still at work after the refused reload: a ProbeNow is served.
	PROBLEMS=
	probe_and_wait c0 >"$TEST_TMP/pw.out" ||
	    PROBLEMS="a ProbeNow of c0 after the refused reload: $(squash <"$TEST_TMP/pw.out")"
	updprobed_alive || PROBLEMS="$PROBLEMS; updprobed exited (log: $(log_since "$l0"))"
	snmp_is updprobeTargetCode new-one 0 ||
	    PROBLEMS="$PROBLEMS; Code.\"new-one\" (in the running config, not in the broken one): $(snmp_get updprobeTargetCode new-one)"
	snmp_is updprobeTargetCode c0 0 ||
	    PROBLEMS="$PROBLEMS; Code.\"c0\": $(snmp_get updprobeTargetCode c0)"
	v=$(snmp_get_oid UPDPROBE-MIB::updprobeTargetCount.0)
	[ "$v" = "$e_count" ] || PROBLEMS="$PROBLEMS; updprobeTargetCount.0=$v, was $e_count"
	check "$([ -z "$PROBLEMS" ]; echo $?)" \
	    "e: after a broken config updprobed runs, probes and serves the old table" \
	    "${PROBLEMS#; }"

	stop_updprobed
	check "$UPDPROBED_STATUS" "updprobed exits with status 0 on SIGTERM" \
	    "exit status $UPDPROBED_STATUS; log: $(tail -n 5 "$UPDPROBED_LOG" | squash)"
fi

# ===========================================================================
# b. Notifications.

# Probed every hour: only the ProbeNow of a step probes them again.
CONF_B=$TEST_TMP/b.conf
write_conf_b() {	# FOLDER-OF-"fine"
	cat >"$CONF_B.new" <<EOF
# case b: notifications
interval 3600
timeout 2
target flip $F/good/
target prob $H/missing-dirfile/
target fine $H/$1/
EOF
	mv -f "$CONF_B.new" "$CONF_B"
}
write_conf_b good

if ! start_updprobed "$CONF_B"; then
	not_ok "b: start updprobed for the notification tests (see above)"
elif ! wait_for all_probed flip prob fine; then
	not_ok "b: the targets flip, prob, fine are probed within $WAIT_TIMEOUT s ($WAIT_SEEN; log: $(tail -n 8 "$UPDPROBED_LOG" | squash))"
	stop_updprobed
else
	wait_trap 1 updprobeProblem prob updprobeTargetCode=3 \
	    updprobeTargetStep=4 updprobeTargetDetail~missing-dirfile
	check "$?" "b: a problem found by the first probe sends updprobeProblem (code 3, step dirfile, detail naming the URL, index \"prob\")" \
	    "captured for prob: $(trap_lines prob | squash)"
	if marked "$CONF_B" "b: first results that are code 0 send nothing"; then
		check "$([ -z "$(trap_lines fine)$(trap_lines flip)" ]; echo $?)" \
		    "b: first results that are code 0 send nothing (judged after a later notification came)" \
		    "captured: $(trap_lines fine | squash) $(trap_lines flip | squash)"
	fi

	# The server goes away: 0 -> 2.
	stop_flip
	old=$(snmp_get updprobeTargetProbes flip)
	probe_now flip
	if wait_for snmp_is updprobeTargetCode flip 2; then
		wait_trap 1 updprobeCodeChange flip updprobeTargetCode=2 \
		    updprobeTargetPreviousCode=0 updprobeTargetStep=3 \
		    updprobeTargetDetail
		check "$?" "b: server stopped, ProbeNow: updprobeCodeChange with code 2, previous code 0, step connect, detail" \
		    "captured for flip: $(trap_lines flip | squash)"
		wait_trap 1 updprobeProblem flip updprobeTargetCode=2 \
		    updprobeTargetStep=3 updprobeTargetDetail
		check "$?" "b: server stopped, ProbeNow: updprobeProblem with code 2" \
		    "captured for flip: $(trap_lines flip | squash)"
		PROBLEMS=
		get_row flip || PROBLEMS="GET: $(printf '%s' "$ROW_TEXT" | squash)"
		want PreviousCode = 0
		want Problems = 1
		check "$([ -z "$PROBLEMS" ]; echo $?)" \
		    "b: the row shows previous code 0 and one problem" "$PROBLEMS"
	else
		not_ok "b: server stopped, ProbeNow: code 2 within $WAIT_TIMEOUT s ($WAIT_SEEN; probes $old -> $(snmp_get updprobeTargetProbes flip))"
	fi

	# The server is back: 2 -> 0.
	start_flip || not_ok "b: restart the second HTTP server on port $FLIP_PORT"
	probe_now flip
	if wait_for snmp_is updprobeTargetCode flip 0; then
		wait_trap 1 updprobeCleared flip updprobeTargetCode=0 \
		    updprobeTargetPreviousCode=2
		check "$?" "b: server back, ProbeNow: updprobeCleared with code 0, previous code 2" \
		    "captured for flip: $(trap_lines flip | squash)"
		wait_trap 1 updprobeCodeChange flip updprobeTargetCode=0 \
		    updprobeTargetPreviousCode=2
		check "$?" "b: server back, ProbeNow: updprobeCodeChange with code 0, previous code 2" \
		    "captured for flip: $(trap_lines flip | squash)"
		if marked "$CONF_B" "b: no updprobeProblem for the return to code 0"; then
			n=$(trap_count updprobeProblem flip)
			check "$([ "$n" -eq 1 ]; echo $?)" \
			    "b: no updprobeProblem for the return to code 0 (judged after a later notification came)" \
			    "$n updprobeProblem for flip: $(trap_lines flip | squash)"
		fi
	else
		not_ok "b: server back, ProbeNow: code 0 within $WAIT_TIMEOUT s ($WAIT_SEEN)"
	fi

	# A SIGHUP repoints "fine" from good/ to missing-dirfile/ (same name).
	write_conf_b missing-dirfile
	kill -HUP "$UPDPROBED_PID"
	has_url() {		# SUFFIX: Url."fine" ends with it
		local u
		u=$(snmp_get updprobeTargetUrl fine)
		[[ "$u" == *"$1" ]] || { echo "Url.\"fine\" = $u"; return 1; }
	}
	if wait_for has_url /missing-dirfile/; then
		probe_now fine
		wait_for snmp_is updprobeTargetCode fine 3
		wait_trap 1 updprobeProblem fine updprobeTargetCode=3 \
		    updprobeTargetStep=4
		check "$?" "b: SIGHUP repoints \"fine\" to missing-dirfile/, ProbeNow: updprobeProblem with code 3" \
		    "code $(snmp_get updprobeTargetCode fine); captured for fine: $(trap_lines fine | squash)"
		wait_trap 1 updprobeCodeChange fine updprobeTargetCode=3 \
		    updprobeTargetPreviousCode=0
		check "$?" "b: ... and updprobeCodeChange with code 3, previous code 0" \
		    "captured for fine: $(trap_lines fine | squash)"
		write_conf_b good
		kill -HUP "$UPDPROBED_PID"
		wait_for has_url /good/
		probe_now fine
		wait_for snmp_is updprobeTargetCode fine 0
		wait_trap 1 updprobeCleared fine updprobeTargetCode=0 \
		    updprobeTargetPreviousCode=3
		check "$?" "b: SIGHUP back to good/, ProbeNow: updprobeCleared with code 0, previous code 3" \
		    "code $(snmp_get updprobeTargetCode fine); captured for fine: $(trap_lines fine | squash)"
	else
		not_ok "b: SIGHUP repoints \"fine\": its Url shows missing-dirfile/ within $WAIT_TIMEOUT s ($WAIT_SEEN; log: $(tail -n 5 "$UPDPROBED_LOG" | squash))"
	fi
	stop_updprobed
fi

# confirm 2: one differing probe sends nothing, the second one does.
CONF_B2=$TEST_TMP/b2.conf
cat >"$CONF_B2" <<EOF
# case b: confirm 2
interval 3600
timeout 2
confirm 2
target flip2 $F/good/
EOF
# step_flip2 DESCRIPTION: ProbeNow flip2 and wait for the probe to end.
step_flip2() {
	probe_and_wait flip2 >"$TEST_TMP/step.out" && return 0
	not_ok "b: confirm 2: $1: ProbeNow, and Probes advances ($(squash <"$TEST_TMP/step.out"))"
	return 1
}
if ! start_updprobed "$CONF_B2"; then
	not_ok "b: start updprobed with confirm 2 (see above)"
elif ! wait_for snmp_is updprobeTargetCode flip2 0; then
	not_ok "b: confirm 2: flip2 is probed, code 0, within $WAIT_TIMEOUT s ($WAIT_SEEN; log: $(tail -n 5 "$UPDPROBED_LOG" | squash))"
	stop_updprobed
else
	# The first result is not a change: it sets LastChange at once (the
	# MIB: 0 only if no probe has completed), whatever confirm says.
	PROBLEMS=
	get_row flip2 || PROBLEMS="GET failed"
	want LastChange '>' 0
	want PreviousCode = -1
	check "$([ -z "$PROBLEMS" ]; echo $?)" \
	    "b: confirm 2: after the first probe (code 0) LastChange is set" \
	    "$PROBLEMS; GET: $(printf '%s' "$ROW_TEXT" | squash)"
	stop_flip
	if step_flip2 "the first probe with the server stopped"; then
		code=$(snmp_get updprobeTargetCode flip2)
		if marked "$CONF_B2" "b: confirm 2: the first probe with code 2 sends nothing"; then
			check "$([ "$code" = 2 ] && [ -z "$(trap_lines flip2)" ]; echo $?)" \
			    "b: confirm 2: the first probe with code 2 shows in the row but sends nothing (judged after a later notification came)" \
			    "code $code; captured for flip2: $(trap_lines flip2 | squash)"
		fi
	fi
	if step_flip2 "the second probe with the server stopped"; then
		wait_trap 1 updprobeCodeChange flip2 updprobeTargetCode=2 \
		    updprobeTargetPreviousCode=0
		rc1=$?
		wait_trap 1 updprobeProblem flip2 updprobeTargetCode=2
		rc2=$?
		check "$((rc1 + rc2))" \
		    "b: confirm 2: the second probe with code 2 sends updprobeCodeChange (previous code 0) and updprobeProblem" \
		    "PreviousCode now $(snmp_get updprobeTargetPreviousCode flip2); captured for flip2: $(trap_lines flip2 | squash)"
	fi
	start_flip || not_ok "b: restart the second HTTP server on port $FLIP_PORT"
	if step_flip2 "the first probe with the server back" &&
	    marked "$CONF_B2" "b: confirm 2: the first probe back at code 0 sends no updprobeCleared"; then
		n=$(trap_count updprobeCleared flip2)
		check "$([ "$n" -eq 0 ]; echo $?)" \
		    "b: confirm 2: the first probe back at code 0 sends no updprobeCleared (judged after a later notification came)" \
		    "captured for flip2: $(trap_lines flip2 | squash)"
	fi
	if step_flip2 "the second probe with the server back"; then
		wait_trap 1 updprobeCleared flip2 updprobeTargetCode=0 \
		    updprobeTargetPreviousCode=2
		check "$?" "b: confirm 2: the second probe at code 0 sends updprobeCleared" \
		    "captured for flip2: $(trap_lines flip2 | squash)"
	fi
	stop_updprobed
fi

# ===========================================================================
# d. snmpd goes away and comes back.

CONF_D=$TEST_TMP/d.conf
cat >"$CONF_D" <<EOF
# case d: reconnect; the master from the config, not from -x
agentXSocket unix:$AGENTX_SOCK
agentxPingInterval 1
interval 60
timeout 2
target rc $H/good/
target rcflip $F/good/ interval=2
EOF

# reconnected DESCRIPTION: after snmpd answers again, the table answers
# within a liveness bound (the time is printed; make bench measures it).
reconnected() {
	local t0
	t0=$(now_ms)
	if wait_for -t "$RECONNECT_WAIT_S" snmp_answers rc; then
		ok "d: $1: the table answers again ($(($(now_ms) - t0)) ms after snmpd)"
	else
		not_ok "d: $1: the table answers again within $RECONNECT_WAIT_S s ($WAIT_SEEN; updprobed log: $(tail -n 6 "$UPDPROBED_LOG" | squash))"
	fi
}

# log_since_has LINE TEXT: updprobed's log after line LINE has TEXT.
log_since_has() {
	tail -n +"$(($1 + 1))" "$UPDPROBED_LOG" | grep -qF -- "$2" ||
	    { echo "log since line $1: $(log_since "$1")"; return 1; }
}

if ! start_updprobed --no-x "$CONF_D"; then
	not_ok "d: start updprobed with agentXSocket in its config (see above)"
elif ! wait_for all_probed rc rcflip; then
	not_ok "d: updprobed registers through agentXSocket from its config, targets probed within $WAIT_TIMEOUT s ($WAIT_SEEN; log: $(tail -n 6 "$UPDPROBED_LOG" | squash))"
	stop_updprobed
else
	ok "d: updprobed registers with the master named by agentXSocket in its config"
	if restart_snmpd; then
		reconnected "snmpd restarted (SIGTERM)"
	else
		not_ok "d: restart snmpd after SIGTERM (see above)"
	fi
	if restart_snmpd -9; then
		reconnected "snmpd restarted (SIGKILL, stale socket file)"
	else
		not_ok "d: restart snmpd after SIGKILL (see above)"
	fi

	# A change seen while snmpd is away is notified after re-registration.
	if snmp_is updprobeTargetCode rcflip 0 >/dev/null; then
		l0=$(log_lines)
		stop_snmpd
		stop_flip
		# rcflip is probed every 2 s: wait until updprobed raised the
		# change (its log says so) while no master runs.
		wait_check "d: while snmpd is away, updprobed sees rcflip's server gone and raises updprobeCodeChange (its log)" \
		    log_since_has "$l0" "target rcflip: updprobeCodeChange"
		if start_snmpd_again; then
			wait_trap 1 updprobeCodeChange rcflip \
			    updprobeTargetCode=2 updprobeTargetPreviousCode=0
			rc1=$?
			wait_trap 1 updprobeProblem rcflip updprobeTargetCode=2
			rc2=$?
			check "$((rc1 + rc2))" \
			    "d: a change while snmpd was away (0 -> 2) is notified after re-registration (updprobeCodeChange, updprobeProblem)" \
			    "code now $(snmp_get updprobeTargetCode rcflip); captured for rcflip: $(trap_lines rcflip | squash); log: $(tail -n 6 "$UPDPROBED_LOG" | squash)"
		else
			not_ok "d: start snmpd again (see above)"
		fi
		start_flip || not_ok "d: restart the second HTTP server on port $FLIP_PORT"
	else
		not_ok "d: rcflip has code 0 before snmpd goes away (code $(snmp_get updprobeTargetCode rcflip))"
	fi

	# updprobed started while no master runs joins when snmpd comes.
	stop_updprobed
	stop_snmpd
	l0=$(log_lines)
	if start_updprobed "$CONF_D"; then
		# Up and looking for its master before snmpd starts.
		wait_check "d: updprobed starts while no master runs (its log: started)" \
		    log_since_has "$l0" "started:"
		if start_snmpd_again; then
			reconnected "updprobed started before snmpd"
		else
			not_ok "d: start snmpd again (see above)"
		fi
	else
		not_ok "d: updprobed starts while no master runs (see above)"
		start_snmpd_again
	fi
	stop_updprobed
fi

# ===========================================================================
# g. 1,000 targets (300 in a sanitizer build).

# A sanitizer build spends several times the CPU on each probe: 1,000
# starting at once on a busy 2-core machine starve it and snmpd alike
# (a walk got no answer for 15 s at a load of 25, with snmpd itself
# waiting for the CPU); it walks 300, as its soak has 200 targets.
G_N=1000
if ldd "$UPDPROBED" 2>/dev/null | grep -q 'libasan'; then
	G_N=300
fi
CONF_G=$TEST_TMP/g.conf
{
	echo "# case g: $G_N targets"
	echo "interval 3600"
	echo "timeout 10"
	for ((i = 1; i <= G_N; i++)); do
		printf 'target t%04d %s/good/\n' "$i" "$H"
	done
} >"$CONF_G"

# walk_codes: the code column, one "t0001 0" line per row, into $1.
walk_codes() {
	snmpbulkwalk -v2c -c public -t 5 -r 2 -Cr25 -Os -Oq -Oe "$SNMP_AGENT" \
	    UPDPROBE-MIB::updprobeTargetCode >"$1" 2>&1
}
count_probed() {	# FILE: prints rows, unprobed rows
	local rows unprobed
	rows=$(grep -c '^updprobeTargetCode\.' "$1")
	unprobed=$(grep -c '^updprobeTargetCode\..* -1$' "$1")
	echo "$rows $unprobed"
}
all_g_probed() {
	walk_codes "$TEST_TMP/g-poll.txt" ||
	    { echo "walk failed: $(tail -n 2 "$TEST_TMP/g-poll.txt")"; return 1; }
	read -r rows unprobed <<<"$(count_probed "$TEST_TMP/g-poll.txt")"
	[ "$rows" -eq "$G_N" ] && [ "$unprobed" -eq 0 ] ||
	    { echo "$rows rows, $unprobed not probed yet"; return 1; }
}

if ! start_updprobed "$CONF_G"; then
	not_ok "g: start updprobed with $G_N targets (see above)"
else
	t0=$(now_ms)
	G_LAST=$(printf 't%04d' "$G_N")
	if wait_for -t 60 snmp_answers "$G_LAST"; then
		echo "# $G_N targets registered after $(($(now_ms) - t0)) ms"
		t1=$(now_ms)
		walk_codes "$TEST_TMP/g-walk1.txt"
		rc=$?
		ms=$(($(now_ms) - t1))
		read -r rows unprobed <<<"$(count_probed "$TEST_TMP/g-walk1.txt")"
		check "$([ "$rc" -eq 0 ] && [ "$rows" -eq "$G_N" ]; echo $?)" \
		    "g: snmpbulkwalk of updprobeTargetCode while probing: $rows rows in $ms ms ($unprobed not probed yet)" \
		    "status $rc, $rows rows; end of output: $(tail -n 3 "$TEST_TMP/g-walk1.txt" | squash)"
		if wait_for -t 180 all_g_probed; then
			echo "# all $G_N targets probed after $(($(now_ms) - t0)) ms"
		else
			not_ok "g: all $G_N targets probed within 180 s ($WAIT_SEEN)"
		fi
		t1=$(now_ms)
		walk_codes "$TEST_TMP/g-walk2.txt"
		rc=$?
		ms=$(($(now_ms) - t1))
		read -r rows unprobed <<<"$(count_probed "$TEST_TMP/g-walk2.txt")"
		codes=$(sed -n 's/^updprobeTargetCode\.[^ ]* //p' "$TEST_TMP/g-walk2.txt" |
		    sort | uniq -c | awk '{printf "%s code %s; ", $1, $2}')
		check "$([ "$rc" -eq 0 ] && [ "$rows" -eq "$G_N" ]; echo $?)" \
		    "g: snmpbulkwalk after the probes: $rows rows in $ms ms (${codes% })" \
		    "status $rc, $rows rows; end of output: $(tail -n 3 "$TEST_TMP/g-walk2.txt" | squash)"
		first=$(head -n 1 "$TEST_TMP/g-walk2.txt")
		last=$(grep '^updprobeTargetCode\.' "$TEST_TMP/g-walk2.txt" | tail -n 1)
		check "$([[ "$first" == 'updprobeTargetCode."t0001"'* && "$last" == "updprobeTargetCode.\"$G_LAST\""* ]]; echo $?)" \
		    "g: the walk is in index order, t0001 to $G_LAST" \
		    "first: $first; last: $last"
	else
		not_ok "g: the row of $G_LAST answers within 60 s ($WAIT_SEEN; log: $(tail -n 5 "$UPDPROBED_LOG" | squash))"
	fi
	updprobed_alive
	check "$?" "g: updprobed still runs" "log: $(tail -n 5 "$UPDPROBED_LOG" | squash)"
	stop_updprobed
fi

# ===========================================================================
# Hygiene over the whole run.

# grep_none DESCRIPTION GREP-ARGS... FILE...: a check that grep finds
# nothing; a file grep cannot read (status 2) or an empty one is a
# failure, not "nothing found".
grep_none() {
	local desc=$1 out rc f
	shift
	out=$(grep -h "$@" 2>&1)
	rc=$?
	for f in "$@"; do
		case $f in
		/*) [ -s "$f" ] || { rc=2; out="$f is empty or missing; $out"; } ;;
		esac
	done
	case $rc in
	1) ok "$desc" ;;
	0) not_ok "$desc (found: $(printf '%s' "$out" | sort -u | head -n 3 | squash))" ;;
	*) not_ok "$desc (cannot be judged: grep status $rc: $(printf '%s' "$out" | squash))" ;;
	esac
}
grep_none "the password never appears in updprobed's log or a notification" \
    -F -e "$SECRET" -- "$UPDPROBED_LOG" "$TRAP_LOG"
grep_none "updprobed's log has no MIB-loading noise" \
    -e "Cannot find module" -e "Cannot adopt" -e "Unlinked OID" -- "$UPDPROBED_LOG"
if [ -n "$(find "$TEST_TMP/updprobed-persist" -mindepth 1 2>/dev/null)" ]; then
	echo "# note: updprobed made net-snmp persistent state in SNMP_PERSISTENT_DIR (/var/lib/snmp in production): $(find "$TEST_TMP/updprobed-persist" -mindepth 1 | sed "s|$TEST_TMP/||" | squash)"
fi

finish
