#!/bin/bash
# nagios.sh - tests of the Nagios plugin check_updprobe with the real
# programs on loopback: snmpd as AgentX master (with SNMPv3 users),
# updprobed behind it, the fault-playing HTTP update server
# (tests/servers/httpfault.py) for the agent's targets and for --direct.
#
#   CHECK_UPDPROBE=build/check_updprobe UPDPROBED=build/updprobed \
#       tests/e2e/nagios.sh
#
# Cases:
#   a  one target from the agent (-n): OK, WARNING, CRITICAL, -w/-c lists,
#      a target not probed yet, a missing target, a bad name
#   s  staleness: a target probed every 2 s whose probe takes 10 s is OK
#      after a probe, then UNKNOWN "stale" while the next runs
#   u  an agent that does not answer (wrong port, wrong community)
#   m  every target: worst wins, counts, one line per target, perfdata;
#      250 targets over several GETBULK pages
#   v  SNMPv3: authPriv (SHA-256/AES), authNoPriv (MD5), passphrase
#      files, a wrong passphrase, an unknown user
#   d  --direct and --provisioning against httpfault: OK, WARNING (slow
#      headers, -t 1: Code 5), CRITICAL (no DirFile: Code 3), auth, usage
#   f  output format: exit status matches the state word, the first line's
#      text under 80 characters, perfdata as the plugin guidelines define
#
# Prints "ok - ..." / "not ok - ..." per check, then "N passed, N failed";
# exits 1 if anything failed, including a tool or server that is missing
# or does not start (nothing is skipped silently).

# SC2317: functions run through wait_for; SC2153: HTTP_PORT comes from
# lib.sh, SNMP_PORT from snmplib.sh.
# shellcheck disable=SC2317,SC2153

set -u

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
# shellcheck source=SCRIPTDIR/../lib.sh
. "$HERE/../lib.sh"

CHECK=${CHECK_UPDPROBE:-$ROOT/build/check_updprobe}
case $CHECK in /*) ;; *) CHECK=$ROOT/$CHECK ;; esac
UPDPROBED=${UPDPROBED:-$ROOT/build/updprobed}
# The password the auth-* folders expect.
SECRET=s3cret
# SNMPv3 users of the test snmpd (createUser lines below).
V3_USER=nagios
V3_AUTH=auth-pass-123
V3_PRIV=priv-pass-456
V3_MD5_USER=nagmd5
V3_MD5_AUTH=md5-pass-789
# A run of the plugin that takes longer than this has hung.
RUN_LIMIT=40
# The monitoring-plugins guideline for the first line.
LINE_MAX=79
# Targets of case m's big table.
BIG_N=250

# ---------------------------------------------------------------------------
# Running the plugin and judging its output.

# run ARGS...: OUT (stdout), ERR (stderr), RC, FIRST (first line), TEXT
# (first line before " | "), PERF (first line after " | "), MS (duration).
run() {
	local t0
	t0=$(date +%s%N)
	timeout -k 2 "$RUN_LIMIT" "$CHECK" "$@" >"$TEST_TMP/out" \
	    2>"$TEST_TMP/err" </dev/null
	RC=$?
	MS=$((($(date +%s%N) - t0) / 1000000))
	OUT=$(cat "$TEST_TMP/out")
	ERR=$(cat "$TEST_TMP/err")
	FIRST=${OUT%%$'\n'*}
	TEXT=${FIRST%% | *}
	PERF=
	[ "$TEXT" != "$FIRST" ] && PERF=${FIRST#* | }
}

# The exit status of each state word.
state_rc() {
	case $1 in
	OK) echo 0 ;; WARNING) echo 1 ;; CRITICAL) echo 2 ;; UNKNOWN) echo 3 ;;
	*) echo 99 ;;
	esac
}

# A perfdata item as the monitoring-plugins guidelines define it:
# 'label'=value[UOM];[warn];[crit];[min];[max]
PERF_RE="^('[^'=]+'|[^' =]+)=-?[0-9]+(\.[0-9]+)?(us|ms|s|%|B|KB|MB|TB|c)?(;(~|@)?-?[0-9.:~]*){0,4}$"

# perf_ok STRING: every space-separated item of STRING is one.
perf_ok() {
	local item
	[ -n "$1" ] || return 1
	for item in $1; do
		[[ "$item" =~ $PERF_RE ]] || return 1
	done
}

# The five items of one target, in order.
ONE_PERF_RE='^dns=[0-9]+\.[0-9]{3}s;;;0 connect=[0-9]+\.[0-9]{3}s;;;0 dirfile=[0-9]+\.[0-9]{3}s;;;0 firmware=[0-9]+\.[0-9]{3}s;;;0 size=[0-9]+B;;;0$'

# expect DESCRIPTION STATE TEXT-REGEX [LONG-SUBSTRING]: the last run ended
# in STATE (first line's word and exit status), its first line's text
# matches TEXT-REGEX, the long output contains LONG-SUBSTRING.
expect() {
	local desc=$1 state=$2 re=$3 long=${4:-} problems=""
	[ "$RC" -eq "$(state_rc "$state")" ] ||
	    problems="exit status $RC, want $(state_rc "$state")"
	case $TEXT in
	"UPDPROBE $state - "*) ;;
	*) problems="$problems${problems:+; }first line is not UPDPROBE $state - ..." ;;
	esac
	[[ "$TEXT" =~ $re ]] ||
	    problems="$problems${problems:+; }first line does not match /$re/"
	if [ -n "$long" ] && [[ "$OUT" != *"$long"* ]]; then
		problems="$problems${problems:+; }no \"$long\" in the output"
	fi
	check "$([ -z "$problems" ]; echo $?)" "$desc" \
	    "$problems; rc $RC; output: $(printf '%s' "$OUT" | squash); stderr: $(printf '%s' "$ERR" | squash)"
}

# expect_format DESCRIPTION: the first line's text is short, its perfdata
# is the five items of one target.
expect_format() {
	local problems=""
	[ "${#TEXT}" -le "$LINE_MAX" ] ||
	    problems="first line's text is ${#TEXT} characters"
	[[ "$PERF" =~ $ONE_PERF_RE ]] ||
	    problems="$problems${problems:+; }perfdata \"$PERF\" is not dns= connect= dirfile= firmware= size="
	perf_ok "$PERF" ||
	    problems="$problems${problems:+; }perfdata \"$PERF\" breaks the guidelines' format"
	check "$([ -z "$problems" ]; echo $?)" "f: $1" \
	    "$problems; first line: $FIRST"
}

# ---------------------------------------------------------------------------
# Set-up. A tool or server that does not start is a failure.

# shellcheck source=SCRIPTDIR/../snmplib.sh
. "$HERE/../snmplib.sh" ||
    bail_out "the SNMP tools and MIBs for the tests (tests/snmplib.sh, see above)"
[ -x "$CHECK" ] ||
    bail_out "the plugin $CHECK is not an executable file (make it first)"
[ -x "$UPDPROBED" ] ||
    bail_out "the daemon $UPDPROBED is not an executable file (make it first)"
start_httpfault || bail_out "start the HTTP update server (tests/servers/httpfault.py)"

# start_snmpd_v3: snmplib.sh's snmpd, plus SNMPv3 users that may read.
start_snmpd_v3() {
	local try port
	AGENTX_SOCK=$TEST_TMP/agentx.sock
	mkdir -p "$TEST_TMP/snmpd-persist" || return 1
	for ((try = 0; try < 5; try++)); do
		port=$(free_port udp) || return 1
		_snmpd_write_conf "$port" || return 1
		cat >>"$TEST_TMP/snmpd.conf" <<EOF
createUser $V3_USER SHA-256 $V3_AUTH AES $V3_PRIV
createUser $V3_MD5_USER MD5 $V3_MD5_AUTH
rouser $V3_USER priv
rouser $V3_MD5_USER auth
EOF
		if _snmpd_launch "$port"; then
			export SNMP_PORT=$port AGENTX_SOCK
			SNMP_AGENT=127.0.0.1:$port
			return 0
		fi
	done
	echo "start_snmpd_v3: snmpd did not answer on any of 5 ports; its log:" >&2
	sed 's/^/    /' "$TEST_TMP/snmpd.log" "$TEST_TMP/snmpd.out" >&2
	return 1
}
start_snmpd_v3 || bail_out "start snmpd as AgentX master with SNMPv3 users (see above)"

H="http://127.0.0.1:$HTTP_PORT"
A=(-H 127.0.0.1 -p "$SNMP_PORT")
echo "# HTTP on $HTTP_PORT, snmpd on $SNMP_PORT (AgentX $AGENTX_SOCK);" \
    "plugin $CHECK; logs in $TEST_TMP"

umask 077
printf '%s\n' "$SECRET" >"$TEST_TMP/pw-good"
printf '%s\n' "$V3_AUTH" >"$TEST_TMP/v3-auth"
printf '%s\n' "$V3_PRIV" >"$TEST_TMP/v3-priv"
printf '%s\n' "$V3_AUTH" >"$TEST_TMP/v3-auth-open"
chmod 644 "$TEST_TMP/v3-auth-open"
umask 022

cat >"$TEST_TMP/prov-http.cfg" <<EOF
%NETWORK_FWU_SERVER%: "127.0.0.1:$HTTP_PORT"
%FWU_TFTP_SERVER_PATH%: "/good/"
%MANAGEMENT_TRANSFER_PROTOCOL%: 1
END_OF_FILE
EOF

# The agent's targets. "stale" is probed every 2 s, but its DirFile comes
# after 10 s (slow-headers/, with a 30 s timeout): its first result comes
# after 10 s, and while the next probe runs its last probe grows older
# than three intervals.
LONG_NAME=abcdefghijklmnopqrstuvwxyz-12345	# 32 characters
cat >"$TEST_TMP/main.conf" <<EOF
# nagios.sh: the agent's targets
interval 60
timeout 1
target good $H/good/
target c3 $H/missing-dirfile/
target c5 $H/slow-headers/
target c12 $H/auth-basic/
target c6 http:///good/
target $LONG_NAME $H/missing-dirfile/
target stale $H/slow-headers/ interval=2 timeout=30
EOF
MAIN_TARGETS=(good c3 c5 c12 c6 "$LONG_NAME" stale)

start_updprobed "$TEST_TMP/main.conf" || bail_out "start updprobed (see above)"
T_STARTED=$(date +%s)
wait_for snmp_answers good ||
    bail_out "the target table answers through snmpd ($WAIT_SEEN; updprobed log: $(tail -n 8 "$UPDPROBED_LOG" | squash))"

# ===========================================================================
# a. One target from the agent.

# Before its first probe ends (10 s), "stale" has no result.
run "${A[@]}" -n stale
expect "a: a target whose first probe has not ended is UNKNOWN (not probed yet)" \
    UNKNOWN '^UPDPROBE UNKNOWN - stale: Code -1 not probed yet'

all_probed() {
	local n
	for n in good c3 c5 c12 c6 "$LONG_NAME"; do
		snmp_probed "$n" || return 1
	done
}
wait_for all_probed ||
    not_ok "a: the targets are probed within $WAIT_TIMEOUT s ($WAIT_SEEN; updprobed log: $(tail -n 8 "$UPDPROBED_LOG" | squash))"

run "${A[@]}" -n good
expect "a: good/ is OK (Code 0)" OK '^UPDPROBE OK - good: Code 0 no problems'
expect_format "OK of one target: first line and perfdata"
[[ "$PERF" == *"size=200000B;;;0" ]]
check $? "a: the perfdata of good/ has the firmware size" "perfdata: $PERF"

run "${A[@]}" -n c3
expect "a: missing-dirfile/ is CRITICAL (Code 3)" CRITICAL \
    '^UPDPROBE CRITICAL - c3: Code 3 file not found \(HTTP 404' \
    "HTTP 404 for $H/missing-dirfile/dirlist.txt"
expect_format "CRITICAL of one target with a long detail: cut to fit, perfdata"
[[ "$OUT" == *$'\n'"fix: "* ]]
check $? "a: the long output says what to fix" "output: $(printf '%s' "$OUT" | squash)"

run "${A[@]}" -n c5
expect "a: slow-headers/ with timeout 1 is WARNING (Code 5)" WARNING \
    '^UPDPROBE WARNING - c5: Code 5 timeout waiting for file'
expect_format "WARNING of one target"

run "${A[@]}" -n c12
expect "a: auth-basic/ without credentials is CRITICAL (Code 12)" CRITICAL \
    '^UPDPROBE CRITICAL - c12: Code 12 authentication failed'

run "${A[@]}" -n c6
expect "a: a target without a server is CRITICAL (Code 6)" CRITICAL \
    '^UPDPROBE CRITICAL - c6: Code 6 server not specified'

run "${A[@]}" -n c12 -w 12
expect "a: -w 12 alone makes Code 12 a WARNING (taken out of the default -c)" \
    WARNING '^UPDPROBE WARNING - c12: Code 12'
run "${A[@]}" -n c5 -c 5
expect "a: -c 5 makes Code 5 CRITICAL (a code in both lists is CRITICAL)" \
    CRITICAL '^UPDPROBE CRITICAL - c5: Code 5'
run "${A[@]}" -n c3 -w 5 -c 1-2,4,6-12
expect "a: a code in neither list (3 with -c 1-2,4,6-12) is OK" OK \
    '^UPDPROBE OK - c3: Code 3 file not found'
run "${A[@]}" -n good -c 0-12
expect "a: -c 0-12 makes even Code 0 CRITICAL" CRITICAL '^UPDPROBE CRITICAL - good: Code 0'
run "${A[@]}" -n good -w '' -c ''
expect "a: empty lists are accepted" OK '^UPDPROBE OK - good: Code 0'

run "${A[@]}" -n "$LONG_NAME"
expect "a: a 32-character target name" CRITICAL \
    "^UPDPROBE CRITICAL - $LONG_NAME: Code 3 file not found"
[ "${#TEXT}" -le "$LINE_MAX" ]
check $? "f: a 32-character name still fits the first line (the detail is left out)" \
    "${#TEXT} characters: $TEXT"

run "${A[@]}" -n no-such-target
expect "a: a target the agent does not have is UNKNOWN" UNKNOWN \
    'no target "no-such-target" in the updprobeTargetTable'

# (a '/' is in server names: fw.example.com/3fa2b1c9)
run "${A[@]}" -n 'bad name'
expect "a: an invalid target name is a usage error (UNKNOWN)" UNKNOWN \
    '^UPDPROBE UNKNOWN - target name'

for args in "-w 13" "-c 4-2" "-w x" "-c 1,,2" "-t 0" "-P 1" "-L nonsense" "-a SHA-999"; do
	# shellcheck disable=SC2086 # split the option from its value
	run "${A[@]}" -n good $args
	expect "a: $args is a usage error (UNKNOWN, with the usage)" UNKNOWN \
	    '^UPDPROBE UNKNOWN - ' "Usage:"
done

run -h
[ "$RC" -eq 3 ] && [[ "$OUT" == *"Usage:"* ]] && [[ "$OUT" == *"--direct"* ]] &&
    [[ "$OUT" == *"1-4,6-12"* ]]
check $? "a: -h prints the help with the defaults and exits 3 (UNKNOWN, as monitoring-plugins)" \
    "rc $RC; $(printf '%s' "$OUT" | head -n 3 | squash)"
run -V
[ "$RC" -eq 3 ] && [[ "$FIRST" =~ ^check_updprobe\ [0-9] ]]
check $? "a: -V prints the version" "rc $RC; $FIRST"

# ===========================================================================
# s. Staleness: "stale" ends a probe every ~10 s, probed every 2 s: OK
# for 6 s after a probe ends (3 intervals), then UNKNOWN "stale" until the
# next ends.  Both states recur every cycle, so each is waited for: no
# check depends on how fast this machine is.

# The next probe to end: LastProbe changes (from 0 before the first).
last_probe_of_stale() {
	local v
	v=$(snmp_get updprobeTargetLastProbe stale) || v=0
	[[ "$v" =~ ^[0-9]+$ ]] || v=0
	echo "$v"
}
lp0=$(last_probe_of_stale)
probe_ended() {
	[ "$(last_probe_of_stale)" != "$lp0" ] || { echo "LastProbe.\"stale\" still $lp0"; return 1; }
}
# state_now STATE: a run of the plugin says STATE; for UNKNOWN, it is the
# staleness (LastProbe the same before and after the run), and the age it
# names agrees with LastProbe as snmpget reads it.
state_now() {
	local l1 l2 t1 t2 age
	l1=$(last_probe_of_stale)
	t1=$(date +%s)
	run "${A[@]}" -n stale
	t2=$(date +%s)
	l2=$(last_probe_of_stale)
	[ "$RC" -eq "$(state_rc "$1")" ] || { echo "rc $RC: $FIRST"; return 1; }
	[ "$1" = UNKNOWN ] || return 0
	[ "$l1" = "$l2" ] || { echo "a probe ended during the run: $FIRST"; return 1; }
	age=$(printf '%s' "$TEXT" | sed -n 's/.*last probe \([0-9]*\) s ago.*/\1/p')
	[ -n "$age" ] && [ "$age" -ge $((t1 - l1 - 1)) ] &&
	    [ "$age" -le $((t2 - l1 + 1)) ] ||
	    { echo "age '$age', but LastProbe $l1 was $((t1 - l1)) to $((t2 - l1)) s ago: $FIRST"; return 1; }
}
if wait_for -t 60 probe_ended; then
	wait_for -t 60 state_now OK
	expect "s: after its probe, the 2-second target is OK" OK \
	    '^UPDPROBE OK - stale: Code 0 no problems'
	t0=$(now_ms)
	wait_for -t 60 state_now UNKNOWN
	expect "s: while its next probe runs, last probe > 3 intervals ago: UNKNOWN stale" \
	    UNKNOWN '^UPDPROBE UNKNOWN - stale: stale: last probe [0-9]+ s ago \(interval 2 s'
	echo "# stale $(($(now_ms) - t0)) ms after an OK"
	# Over 3 intervals, and no older than the agent (a bound that holds
	# on any machine, however slow: not a speed limit).
	age=$(printf '%s' "$TEXT" | sed -n 's/.*last probe \([0-9]*\) s ago.*/\1/p')
	up=$(($(date +%s) - T_STARTED))
	[ -n "$age" ] && [ "$age" -gt 6 ] && [ "$age" -le "$up" ]
	check $? "s: the age in the message is over 3 intervals (6 s) and no more than the agent's age" \
	    "age '$age', the agent runs for $up s: $TEXT"
	wait_check -t 60 "s: snmpget's LastProbe agrees with the age the stale message names" \
	    state_now UNKNOWN
else
	not_ok "s: a probe of the slow 2-second target ends within 60 s ($WAIT_SEEN; code: $(snmp_get updprobeTargetCode stale | squash))"
fi

# ===========================================================================
# u. An agent that does not answer.

port=$(free_port udp)
run -H 127.0.0.1 -p "$port" -n good -t 2
expect "u: nothing on the port: UNKNOWN" UNKNOWN \
    "^UPDPROBE UNKNOWN - no answer from the SNMP agent at 127.0.0.1:$port"
# -t is the time it waits for the agent: not less (a lower bound holds on
# a busy machine; that it does not hang is RUN_LIMIT's liveness bound).
[ "$MS" -ge 2000 ]
check $? "u: ... after waiting the 2 s of -t 2 ($MS ms)" "$MS ms"
run "${A[@]}" -C wrong-community -n good -t 1
expect "u: a wrong community: UNKNOWN" UNKNOWN '^UPDPROBE UNKNOWN - no answer from the SNMP agent'
run "${A[@]}" -C wrong-community -t 1
expect "u: a wrong community, every target: UNKNOWN" UNKNOWN '^UPDPROBE UNKNOWN - no answer' 
run -H no-such-host.invalid -n good -t 2
expect "u: a host name that does not resolve: UNKNOWN" UNKNOWN '^UPDPROBE UNKNOWN - '

# ===========================================================================
# m. Every target: worst wins.

# long_lines: the lines after the first, up to the first perfdata part.
long_lines() {
	printf '%s\n' "$OUT" | tail -n +2 | sed 's/ |.*//' |
	    grep -E '^(OK|WARNING|CRITICAL|UNKNOWN) '
}

run "${A[@]}"
expect "m: every target: the worst (CRITICAL) wins and is named, with the count" \
    CRITICAL "^UPDPROBE CRITICAL - [0-9]+ of ${#MAIN_TARGETS[@]} targets not OK; (c3|c6|c12|$LONG_NAME): Code (3|6|12) "
problems=
n=$(long_lines | wc -l)
[ "$n" -eq "${#MAIN_TARGETS[@]}" ] || problems="$n target lines, want ${#MAIN_TARGETS[@]}"
for t in "${MAIN_TARGETS[@]}"; do
	long_lines | grep -qE "^[A-Z]+ $t: " || problems="$problems${problems:+; }no line for $t"
done
long_lines | grep -qE '^CRITICAL c3: Code 3 file not found \(dirfile\): HTTP 404' ||
    problems="$problems${problems:+; }c3's line"
long_lines | grep -qE '^WARNING c5: Code 5 ' || problems="$problems${problems:+; }c5's line"
long_lines | grep -qE '^OK good: Code 0 ' || problems="$problems${problems:+; }good's line"
# Worst first: no CRITICAL after a line of another state.
[ "$(long_lines | cut -d' ' -f1 | uniq | head -n 1)" = CRITICAL ] ||
    problems="$problems${problems:+; }not worst first"
check "$([ -z "$problems" ]; echo $?)" "m: one long-output line per target, worst first" \
    "$problems; output: $(printf '%s' "$OUT" | squash)"

problems=
[[ "$PERF" =~ ^targets=${#MAIN_TARGETS[@]}\;\;\;0\ ok=[0-9]+\;\;\;0\ warning=[0-9]+\;\;\;0\ critical=[0-9]+\;\;\;0\ unknown=[0-9]+\;\;\;0$ ]] ||
    problems="first perfdata: $PERF"
sum=0
for v in $(printf '%s' "$PERF" | sed 's/targets=[0-9]*;;;0//' | grep -oE '=[0-9]+' | tr -d =); do
	sum=$((sum + v))
done
[ "$sum" = "${#MAIN_TARGETS[@]}" ] || problems="$problems${problems:+; }the states add up to $sum"
# After the long output: TARGET_dns ... per target, guideline format.
tailperf=$(printf '%s\n' "$OUT" | tail -n +2 | sed -n 's/^[A-Z]* [^|]* |//p; /^[^ ]*_dns=/p' | tr '\n' ' ')
perf_ok "$tailperf" || problems="$problems${problems:+; }per-target perfdata: $tailperf"
for t in good c3 c5 c12; do
	[[ " $tailperf" == *" ${t}_dns="*" ${t}_size="* ]] ||
	    problems="$problems${problems:+; }no perfdata for $t"
done
check "$([ -z "$problems" ]; echo $?)" "f: every target: counts, then per-target perfdata after the long output" \
    "$problems; output: $(printf '%s' "$OUT" | squash)"
[ "${#TEXT}" -le "$LINE_MAX" ]
check $? "f: every target: the first line's text is under 80 characters" "${#TEXT}: $TEXT"

run "${A[@]}" -w 3,6,12 -c ''
expect "m: with 3, 6 and 12 warnings only, the worst is WARNING" WARNING \
    '^UPDPROBE WARNING - [0-9]+ of [0-9]+ targets not OK; '

run "${A[@]}" -v
[[ "$OUT" == *"[$H/missing-dirfile/"* ]]
check $? "m: -v adds the URL to each target's line" "$(printf '%s' "$OUT" | squash)"

# A big table: several GETBULK pages, names of every length (OID order).
{
	echo "# nagios.sh: $BIG_N targets"
	echo "interval 2"
	echo "timeout 1"
	echo "target good $H/good/"
	for ((i = 1; i <= BIG_N; i++)); do
		echo "target n$i http:///good/"
	done
} >"$TEST_TMP/big.conf"
stop_updprobed
if ! start_updprobed "$TEST_TMP/big.conf"; then
	not_ok "m: start updprobed with $BIG_N targets (see above)"
else
	big_probed() {
		snmp_probed good && snmp_probed "n$BIG_N" && snmp_probed n1 &&
		    snmp_probed n99
	}
	wait_for -t 60 big_probed ||
	    not_ok "m: the $BIG_N targets are probed within 60 s ($WAIT_SEEN)"
	# Every row must have a result: wait until none is -1.
	all_big() {
		run "${A[@]}" -c '' -w ''
		[ "$RC" -eq 0 ] || { echo "rc $RC: $FIRST"; return 1; }
	}
	wait_for -t 60 all_big
	expect "m: $((BIG_N + 1)) targets, no code in a list: OK, all named OK" OK \
	    "^UPDPROBE OK - all $((BIG_N + 1)) targets OK\$"
	problems=
	n=$(long_lines | wc -l)
	[ "$n" -eq $((BIG_N + 1)) ] || problems="$n target lines"
	want=$( (echo good; for ((i = 1; i <= BIG_N; i++)); do echo "n$i"; done) | sort)
	got=$(long_lines | awk '{ sub(":", "", $2); print $2 }' | sort)
	[ "$want" = "$got" ] || problems="$problems${problems:+; }the names differ: $(diff <(echo "$want") <(echo "$got") | head -n 5 | squash)"
	nperf=$(printf '%s\n' "$OUT" | grep -oE '(^| |\|)n[0-9]+_dns=' | wc -l)
	[ "$nperf" -eq "$BIG_N" ] || problems="$problems${problems:+; }$nperf perfdata items of n*"
	check "$([ -z "$problems" ]; echo $?)" "m: the walk returns each of the $((BIG_N + 1)) rows once ($MS ms)" \
	    "$problems"

	run "${A[@]}"
	expect "m: $BIG_N targets of Code 6: CRITICAL, counted" CRITICAL \
	    "^UPDPROBE CRITICAL - $BIG_N of $((BIG_N + 1)) targets not OK; n[0-9]+: Code 6 server not specified"
	run "${A[@]}" -w 6
	expect "m: the same with -w 6: WARNING" WARNING \
	    "^UPDPROBE WARNING - $BIG_N of $((BIG_N + 1)) targets not OK; "
	run "${A[@]}" -P 3 -U "$V3_USER" -a SHA-256 -A "$V3_AUTH" -x AES -X "$V3_PRIV" -c '' -w ''
	expect "m: the big walk over SNMPv3 authPriv" OK "^UPDPROBE OK - all $((BIG_N + 1)) targets OK\$"
fi

# ===========================================================================
# v. SNMPv3 (the "good" target is in both tables).

V3=(-P 3 -U "$V3_USER" -a SHA-256 -x AES)
run "${A[@]}" "${V3[@]}" -A "$V3_AUTH" -X "$V3_PRIV" -n good
expect "v: SNMPv3 authPriv, SHA-256 and AES: OK" OK '^UPDPROBE OK - good: Code 0'
expect_format "SNMPv3 output"
run "${A[@]}" "${V3[@]}" -L authPriv --authpass-file "$TEST_TMP/v3-auth" \
    --privpass-file "$TEST_TMP/v3-priv" -n good
expect "v: passphrases from --authpass-file and --privpass-file" OK '^UPDPROBE OK - good: Code 0'
run "${A[@]}" "${V3[@]}" --authpass-file "$TEST_TMP/v3-auth-open" \
    --privpass-file "$TEST_TMP/v3-priv" -n good
expect "v: a passphrase file others may read is refused" UNKNOWN 'chmod 600'
run "${A[@]}" "${V3[@]}" -A wrong-pass-123 -X "$V3_PRIV" -n good -t 2
expect "v: a wrong authentication passphrase: UNKNOWN" UNKNOWN \
    '^UPDPROBE UNKNOWN - .*Authentication failure'
run "${A[@]}" -P 3 -U nobody -a SHA-256 -A "$V3_AUTH" -n good -t 2
expect "v: an unknown user: UNKNOWN" UNKNOWN '^UPDPROBE UNKNOWN - .*Unknown user name'
run "${A[@]}" -P 3 -U "$V3_MD5_USER" -a MD5 -A "$V3_MD5_AUTH" -n good
expect "v: SNMPv3 authNoPriv with MD5: OK" OK '^UPDPROBE OK - good: Code 0'
run "${A[@]}" "${V3[@]}" -A short -n good
expect "v: a passphrase under 8 characters is a usage error" UNKNOWN \
    '^UPDPROBE UNKNOWN - SNMPv3 passphrases have 8 characters at least'
[ -z "$ERR" ]
check $? "v: ... said on stdout only (nothing from net-snmp on stderr)" "stderr: $ERR"
run "${A[@]}" -P 3 -n good
expect "v: -P 3 without -U is a usage error" UNKNOWN '^UPDPROBE UNKNOWN - -P 3 needs -U'
stop_updprobed

# ===========================================================================
# d. --direct: the probe engine, no agent.

run --direct "$H/good/"
expect "d: --direct good/: OK" OK "^UPDPROBE OK - $H/good/: Code 0 no problems"
expect_format "--direct output"
[[ "$PERF" == *"size=200000B;;;0" ]]
check $? "d: --direct perfdata has the firmware size" "$PERF"

run --direct "$H/slow-headers/" -t 1
expect "d: --direct slow-headers/ -t 1: WARNING (Code 5, -t is the probe's timeout: \"not delivered within 1 s\")" \
    WARNING '^UPDPROBE WARNING - .*: Code 5 timeout waiting for file' \
    "not delivered within 1 s"

run --direct "$H/missing-dirfile/" -n site-a
expect "d: --direct missing-dirfile/: CRITICAL (Code 3), named by -n" CRITICAL \
    '^UPDPROBE CRITICAL - site-a: Code 3 file not found \(HTTP 404' \
    "HTTP 404 for $H/missing-dirfile/dirlist.txt"
expect_format "--direct with -n: short first line"

run --direct "$H/missing-dirfile/" -c 1-2,4-12 -w 3
expect "d: --direct maps the code through -w/-c" WARNING '^UPDPROBE WARNING - .*Code 3'

run --direct "$H/auth-basic/"
expect "d: --direct auth-basic/ without credentials: CRITICAL (Code 12)" CRITICAL 'Code 12 authentication failed'
run --direct "$H/auth-basic/" --user m3 --password-file "$TEST_TMP/pw-good"
expect "d: --direct auth-basic/ with --user and --password-file: OK" OK 'Code 0 no problems'
[[ "$OUT$ERR" != *"$SECRET"* ]]
check $? "d: the password is not in the output" "$(printf '%s' "$OUT" | squash)"

run --direct "$H/good/" --firmware-version 0800
expect "d: --firmware-version 0800 (not in the DirFile): CRITICAL (Code 1)" CRITICAL 'Code 1 wrong parameter'
run --direct "$H/big-fw/" --max-size 8M
expect "d: --max-size 8M with a 20 MiB file: CRITICAL (Code 4)" CRITICAL 'Code 4 firmware file too big'
run --provisioning "$TEST_TMP/prov-http.cfg" -n prov
expect "d: --provisioning FILE: OK" OK '^UPDPROBE OK - prov: Code 0'
run --direct "http:///good/"
expect "d: --direct without a server: CRITICAL (Code 6)" CRITICAL 'Code 6 server not specified'

run --direct "ftp://127.0.0.1/good/"
expect "d: an ftp:// URL is a usage error (UNKNOWN)" UNKNOWN '^UPDPROBE UNKNOWN - '
run --direct "$H/good/" -H 127.0.0.1
expect "d: -H with --direct is a usage error" UNKNOWN '^UPDPROBE UNKNOWN - -H, -p, -C'
run --user m3 -n good
expect "d: updprobe options without --direct are a usage error" UNKNOWN \
    '^UPDPROBE UNKNOWN - the updprobe options need --direct'
run --direct "$H/good/" --provisioning "$TEST_TMP/prov-http.cfg"
expect "d: --direct and --provisioning together are a usage error" UNKNOWN \
    '^UPDPROBE UNKNOWN - give either'

finish
