#!/bin/bash
# run.sh - the fleet-scale benchmark of updprobed (make bench).
#
#   UPDPROBE=build/updprobe UPDPROBED=build/updprobed tests/bench/run.sh
#
# A real nginx on 127.0.0.1 serves one good update folder under /siteN/
# (Basic auth, an apr1 htpasswd file); tests/servers/dnsfake.py answers
# siteN.ok.test, so every probe does a fresh DNS lookup. updprobed runs as
# an AgentX subagent behind a real snmpd (tests/snmplib.sh) with N = 100,
# 1,000 and 10,000 targets at "interval 60", "timeout 5", maxProbes
# default, and the script measures probes per second, CPU per probe
# (/proc/PID/stat and schedstat deltas over updprobeProbesRun.0), peak RSS,
# the gap between successive probes of each target (nginx access log, ms;
# and updprobeTargetLastProbe sampled over SNMP), snmpbulkwalk cost per
# row, ProbeNow -> updprobeCodeChange trap latency on a target whose
# server (httpfault.py on a fixed port) is stopped and started, the SET's
# own round trip, and how soon the table answers after snmpd is killed
# and started again (the e2e tests only check that it does). The same
# requests are then timed with prometheus blackbox_exporter, check_curl
# and the one-shot build/updprobe.
#
# Prints one markdown table (machine, figures, goals met/missed) and writes
# it to build/bench/results.md; raw data stays in build/bench/.
#
# Environment (defaults in brackets):
#   BENCH_SIZES [100 1000 10000]   target counts
#   BENCH_WINDOW [120]             measurement window for N < 10000, s
#   BENCH_WINDOW_LARGE [120]       measurement window for N >= 10000, s
#                                  (whole intervals: a window that is not
#                                  a multiple of 60 s biases probes/s)
#   BENCH_SAMPLE [20]              s between LastProbe samples (< 0.9 x interval)
#   BENCH_BB_RUNS [2000]           blackbox_exporter probes (half per module)
#   BENCH_CC_RUNS [500]            check_curl runs (half per request)
#   BENCH_ONESHOT_RUNS [100]       build/updprobe runs
#   BENCH_FLIPS [6]                ProbeNow -> trap measurements per N
#   BENCH_RESTARTS [3]             snmpd -9 restarts timed per N
#   BENCH_TRACE [unset]            a file: bash xtrace of the run goes there
#
# Exits 0 when every measurement was taken (goals missed are reported, not
# failures); 1 when a server or tool does not come up or a run breaks.

set -u

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
BUILD_DIR=${BUILD_DIR:-$ROOT/build}
UPDPROBE=${UPDPROBE:-$BUILD_DIR/updprobe}
UPDPROBED=${UPDPROBED:-$BUILD_DIR/updprobed}
UPDPROBE=$(cd "$(dirname "$UPDPROBE")" && pwd)/$(basename "$UPDPROBE")
UPDPROBED=$(cd "$(dirname "$UPDPROBED")" && pwd)/$(basename "$UPDPROBED")
OUT=$BUILD_DIR/bench
BENCH=$HERE/bench.py

SIZES=${BENCH_SIZES:-"100 1000 10000"}
WINDOW=${BENCH_WINDOW:-120}
WINDOW_LARGE=${BENCH_WINDOW_LARGE:-120}
SAMPLE=${BENCH_SAMPLE:-20}
BB_RUNS=${BENCH_BB_RUNS:-2000}
CC_RUNS=${BENCH_CC_RUNS:-500}
ONESHOT_RUNS=${BENCH_ONESHOT_RUNS:-100}
FLIPS=${BENCH_FLIPS:-6}
RESTARTS=${BENCH_RESTARTS:-3}
INTERVAL=60
TIMEOUT=5
USER_NAME=m3
SECRET=s3cret

NGINX=/usr/sbin/nginx
BLACKBOX=/usr/bin/prometheus-blackbox-exporter
CHECK_CURL=/usr/lib/nagios/plugins/check_curl

T_BEGIN=$(date +%s)
if [ -n "${BENCH_TRACE:-}" ]; then
	exec 9>"$BENCH_TRACE"
	BASH_XTRACEFD=9
	set -x
fi

die() {
	echo "bench: $*" >&2
	exit 1
}

say() {
	echo "bench: $(date +%T) $*"
}

# ---------------------------------------------------------------------------
# Packages: tests/deps.sh's bench group brings the build and SNMP tools,
# nginx, the two peers (on Debian 12 check_curl is in
# monitoring-plugins-standard) and openssl (for the apr1 htpasswd).

"$ROOT/tests/deps.sh" bench || die "tests/deps.sh bench failed"
for f in "$UPDPROBE" "$UPDPROBED" "$NGINX" "$BLACKBOX" "$CHECK_CURL"; do
	[ -x "$f" ] || die "$f is missing"
done

# shellcheck source=tests/lib.sh
. "$ROOT/tests/lib.sh"
# shellcheck source=tests/snmplib.sh
. "$ROOT/tests/snmplib.sh" || die "the SNMP tools or MIBs are missing"

# Our own processes are stopped by bench_kill, not snmplib_kill: the
# latter's watchdog subshell can be hit by its own "kill $wd" before it has
# set its TERM trap when the process dies at once (httpfault.py does); the
# subshell then runs lib.sh's "exit 143" TERM trap and the inherited EXIT
# trap, which stops every server and removes $TEST_TMP in the middle of
# the run. bench_kill polls instead of using a watchdog.
BENCH_PIDS=()
bench_kill() {		# PID: TERM, up to 5 s, then KILL; reaped; forgotten
	local pid=$1 i st
	[ -n "$pid" ] || return 0
	# Gone already: its number may be another process's now.
	pid_ours "$pid" || { wait "$pid" 2>/dev/null; return 0; }
	kill -s TERM "$pid" 2>/dev/null
	for ((i = 0; i < 50; i++)); do
		st=$(ps -o stat= -p "$pid" 2>/dev/null)
		[ -z "$st" ] || [ "${st:0:1}" = Z ] && break
		sleep 0.1
	done
	[ "$i" -ge 50 ] && {
		echo "bench: PID $pid ignored SIGTERM for 5 s: SIGKILL" >&2
		kill -s KILL "$pid" 2>/dev/null
	}
	wait "$pid" 2>/dev/null
	local keep=() p
	for p in "${BENCH_PIDS[@]}"; do
		[ "$p" = "$pid" ] || keep+=("$p")
	done
	BENCH_PIDS=("${keep[@]}")
	return 0
}
bench_track() {
	BENCH_PIDS+=("$1")
}
bench_cleanup() {
	local p
	[ -n "${UPDPROBED_PID:-}" ] && bench_kill "$UPDPROBED_PID"
	UPDPROBED_PID=
	for p in "${BENCH_PIDS[@]}"; do
		bench_kill "$p"
	done
	[ -n "${SNMPD_PID:-}" ] && bench_kill "$SNMPD_PID"
	SNMPD_PID=
	[ -n "${SNMPTRAPD_PID:-}" ] && bench_kill "$SNMPTRAPD_PID"
	SNMPTRAPD_PID=
}
_bench_prev_exit=$(trap -p EXIT)
_bench_prev_exit_args=()
eval "_bench_prev_exit_args=($_bench_prev_exit)"
# shellcheck disable=SC2064 # expand the previous command now
trap "bench_cleanup; ${_bench_prev_exit_args[2]}" EXIT

mkdir -p "$OUT" || die "cannot make $OUT"
rm -f "$OUT"/*.log "$OUT"/*.txt "$OUT"/results.*
RES=$OUT/results.env
: >"$RES"
put() {		# KEY VALUE
	printf '%s=%s\n' "$1" "$2" >>"$RES"
}
get() {		# KEY
	sed -n "s/^$1=//p" "$RES" | tail -n 1
}
gr() {		# KEY [DECIMALS]: the value, rounded, for progress lines
	local v
	v=$(get "$1")
	if [[ "$v" =~ ^-?[0-9]*\.[0-9]+(e-?[0-9]+)?$ ]]; then
		LC_ALL=C printf '%.*f' "${2:-2}" "$v"
	else
		printf '%s' "${v:-?}"
	fi
}
calc() {	# python expression
	"$PYTHON" -c "import math; print($1)"
}

# nginx's workers (user nobody when run as root) must reach their files.
chmod 711 "$TEST_TMP"

# ---------------------------------------------------------------------------
# The machine.

put sizes "$SIZES"
put interval "$INTERVAL"
put timeout "$TIMEOUT"
put nproc "$(nproc)"
put cpu_model "$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)"
put ram_mib "$(awk '/^MemTotal:/ {printf "%d", $2 / 1024}' /proc/meminfo)"
put kernel "Linux $(uname -r)"
put date "$(date -u '+%Y-%m-%d %H:%M UTC')"
put load_start "$(cut -d' ' -f1-3 /proc/loadavg)"
put nginx_version "$("$NGINX" -v 2>&1 | sed 's|.*nginx/||')"
put bb_version "$("$BLACKBOX" --version 2>&1 | sed -n 's/.*version \([0-9.]*\).*/\1/p' | head -n 1)"
put binary "updprobed sha256 $(sha256sum "$UPDPROBED" | cut -c1-12), built $(date -u -r "$UPDPROBED" '+%Y-%m-%d %H:%M:%S UTC')"
put cc_version "$(dpkg-query -W -f='${Version}' monitoring-plugins-standard 2>/dev/null)"
say "machine: $(nproc) cores, $(get cpu_model), $(get ram_mib) MiB;" \
    "load average $(get load_start) (others may be running tests:" \
    "their CPU use is measured and reported)"

# ---------------------------------------------------------------------------
# nginx: one good folder (httpfault.py's "good") behind Basic auth, under
# /siteN/ for any N. Access log "$msec $uri $status", buffered: the probe
# times of each target.

# shellcheck source=tests/bench/nginx.sh
. "$ROOT/tests/bench/nginx.sh"
# shellcheck disable=SC2016 # nginx's variables
bench_nginx_start bench_track '$msec $uri $status'
code=$(curl -s -o /dev/null -w '%{http_code}' \
    "http://127.0.0.1:$NGX_PORT/site7/dirlist.txt")
[ "$code" = 401 ] || die "nginx without credentials: HTTP $code, not 401"
code=$(curl -s -o /dev/null -w '%{http_code}' -u "$USER_NAME:$SECRET" \
    -r 0-1023 "http://127.0.0.1:$NGX_PORT/site7/SnakeGw_fr01_v0790.fwu")
[ "$code" = 206 ] || die "nginx ranged GET: HTTP $code, not 206"
nginx_pids() {
	echo "$NGINX_PID" $(pgrep -P "$NGINX_PID" 2>/dev/null)
}
# rotate_access_log NAME: the log so far becomes $OUT/access-NAME.log.
rotate_access_log() {
	mv "$NGX/access.log" "$OUT/access-$1.log" 2>/dev/null
	kill -USR1 "$NGINX_PID"	# reopen: flushes the buffer first
	sleep 1
}
say "nginx $(get nginx_version) on 127.0.0.1:$NGX_PORT (PID $NGINX_PID)"

PWFILE=$TEST_TMP/site.secret
printf '%s\n' "$SECRET" >"$PWFILE"
chmod 600 "$PWFILE"

start_dnsfake || die "dnsfake.py did not start"
DNS_PID=${_SERVER_PIDS[-1]}
say "dnsfake.py on 127.0.0.1:$DNS_PORT"

# The flip target's server: httpfault.py on a fixed port, stopped and
# started to flip the target's code between 2 and 0.
flip_server_start bench_track ||
    die "httpfault.py did not start on port ${FLIP_PORT:-?}"

start_snmptrapd || die "snmptrapd did not start"
start_snmpd || die "snmpd did not start"
say "snmpd on $SNMP_AGENT (PID $SNMPD_PID), snmptrapd on port $TRAP_PORT"

# Timing helpers.
cpu_of() {	# PID... -> "ticks ns"
	"$PYTHON" "$BENCH" cpu "$@"
}
shell_cpu_ms() {	# this shell and its reaped children, ms
	times | tr -s ' \n' '  ' | "$PYTHON" -c '
import re, sys
print(int(sum(int(m) * 60000 + float(s) * 1000
    for m, s in re.findall(r"(\d+)m([\d.]+)s", sys.stdin.read()))))'
}
children_cpu_ms() {	# "times" output (two lines) -> children ms
	sed -n 2p | "$PYTHON" -c '
import re, sys
print("%.1f" % sum(int(m) * 60000 + float(s) * 1000
    for m, s in re.findall(r"(\d+)m([\d.]+)s", sys.stdin.read())))'
}
TICK=$(getconf CLK_TCK)

# ---------------------------------------------------------------------------
# The peers, on the same requests (target 127.0.0.1: they do no lookup).

DIR_URL="http://127.0.0.1:$NGX_PORT/site1/dirlist.txt"
FW_URL="http://127.0.0.1:$NGX_PORT/site1/SnakeGw_fr01_v0790.fwu"

bench_blackbox() {
	local port conf=$TEST_TMP/blackbox.yml pid out mod n half c0 c1 i
	port=$(free_port tcp) || return 1
	cat >"$conf" <<EOF
modules:
  dirlist:
    prober: http
    timeout: ${TIMEOUT}s
    http:
      method: GET
      preferred_ip_protocol: ip4
      ip_protocol_fallback: false
      valid_status_codes: [200]
      basic_auth:
        username: $USER_NAME
        password: $SECRET
  firmware:
    prober: http
    timeout: ${TIMEOUT}s
    http:
      method: GET
      preferred_ip_protocol: ip4
      ip_protocol_fallback: false
      valid_status_codes: [206]
      headers:
        Range: bytes=0-1023
      basic_auth:
        username: $USER_NAME
        password: $SECRET
EOF
	"$BLACKBOX" --config.file="$conf" --web.listen-address="127.0.0.1:$port" \
	    --log.level=warn </dev/null >>"$TEST_TMP/blackbox.log" 2>&1 &
	pid=$!
	bench_track "$pid"
	bb_ok() {
		curl -s "http://127.0.0.1:$port/probe?target=$DIR_URL&module=dirlist" |
		    grep -q '^probe_success 1'
	}
	if ! wait_for -t 15 bb_ok; then
		echo "bench: blackbox_exporter does not probe successfully:" >&2
		curl -s "http://127.0.0.1:$port/probe?target=$DIR_URL&module=dirlist&debug=true" |
		    tail -n 20 >&2
		tail -n 20 "$TEST_TMP/blackbox.log" >&2
		return 1
	fi
	out=$(curl -s "http://127.0.0.1:$port/probe?target=$FW_URL&module=firmware")
	grep -q '^probe_success 1' <<<"$out" || {
		echo "bench: blackbox firmware probe fails: $out" >&2
		return 1
	}
	half=$((BB_RUNS / 2))
	for mod in dirlist firmware; do
		local url=$DIR_URL
		[ "$mod" = firmware ] && url=$FW_URL
		: >"$TEST_TMP/bb-$mod.curl"
		for ((i = 0; i < half; i++)); do
			printf 'url = "http://127.0.0.1:%s/probe?target=%s&module=%s"\noutput = "/dev/null"\n' \
			    "$port" "$url" "$mod" >>"$TEST_TMP/bb-$mod.curl"
		done
		# warm-up, then the measured batch
		curl -s -o /dev/null "http://127.0.0.1:$port/probe?target=$url&module=$mod"
		read -r c0 _ <<<"$(cpu_of "$pid")"
		local t0 t1
		t0=$(now_ms)
		curl -s -K "$TEST_TMP/bb-$mod.curl" || return 1
		t1=$(now_ms)
		read -r c1 _ <<<"$(cpu_of "$pid")"
		n=$(curl -s "http://127.0.0.1:$port/probe?target=$url&module=$mod" |
		    grep -c '^probe_success 1')
		[ "$n" = 1 ] || return 1
		put "bb.$mod.ms" "$(calc "($c1 - $c0) * 1000.0 / $TICK / $half")"
		put "bb.$mod.wall_ms" "$(calc "($t1 - $t0) / $half")"
	done
	put bb.runs "$((2 * half))"
	put bb.full_ms "$(calc "$(get bb.dirlist.ms) + 2 * $(get bb.firmware.ms)")"
	put bb.req_ms "$(calc "($(get bb.dirlist.ms) + $(get bb.firmware.ms)) / 2")"
	put bb.vmhwm_kib "$("$PYTHON" "$BENCH" mem "$pid" | cut -d' ' -f1)"
	bench_kill "$pid"
	say "blackbox_exporter: $(gr bb.dirlist.ms) ms CPU per DirFile probe," \
	    "$(gr bb.firmware.ms) ms per firmware probe ($((2 * half)) probes)"
}

bench_check_curl() {
	local half=$((CC_RUNS / 2)) ms
	# One run of each first: both must say OK.
	"$CHECK_CURL" -I 127.0.0.1 -H "site1.ok.test" -p "$NGX_PORT" \
	    -u /site1/dirlist.txt -a "$USER_NAME:$SECRET" >"$TEST_TMP/cc1.out" ||
	    { cat "$TEST_TMP/cc1.out" >&2; return 1; }
	"$CHECK_CURL" -I 127.0.0.1 -H "site1.ok.test" -p "$NGX_PORT" \
	    -u /site1/SnakeGw_fr01_v0790.fwu -a "$USER_NAME:$SECRET" \
	    -k "Range: bytes=0-1023" >"$TEST_TMP/cc2.out" ||
	    { cat "$TEST_TMP/cc2.out" >&2; return 1; }
	grep -q 206 "$TEST_TMP/cc2.out" || {
		echo "bench: check_curl firmware request not ranged:" \
		    "$(cat "$TEST_TMP/cc2.out")" >&2
		return 1
	}
	ms=$( (
		for ((i = 0; i < half; i++)); do
			"$CHECK_CURL" -I 127.0.0.1 -H "site1.ok.test" \
			    -p "$NGX_PORT" -u /site1/dirlist.txt \
			    -a "$USER_NAME:$SECRET" >/dev/null || exit 1
		done
		times
	) | children_cpu_ms) || return 1
	put cc.dirlist.ms "$(calc "$ms / $half")"
	ms=$( (
		for ((i = 0; i < half; i++)); do
			"$CHECK_CURL" -I 127.0.0.1 -H "site1.ok.test" \
			    -p "$NGX_PORT" -u /site1/SnakeGw_fr01_v0790.fwu \
			    -a "$USER_NAME:$SECRET" -k "Range: bytes=0-1023" \
			    >/dev/null || exit 1
		done
		times
	) | children_cpu_ms) || return 1
	put cc.firmware.ms "$(calc "$ms / $half")"
	put cc.runs "$((2 * half))"
	put cc.full_ms "$(calc "$(get cc.dirlist.ms) + 2 * $(get cc.firmware.ms)")"
	put cc.req_ms "$(calc "($(get cc.dirlist.ms) + $(get cc.firmware.ms)) / 2")"
	say "check_curl: $(gr cc.dirlist.ms) ms CPU per DirFile run," \
	    "$(gr cc.firmware.ms) ms per firmware run ($((2 * half)) runs)"
}

bench_oneshot() {
	local ms url="http://site1.ok.test:$NGX_PORT/site1/"
	"$UPDPROBE" --allow-loopback --user "$USER_NAME" --password-file "$PWFILE" \
	    --dns-server "127.0.0.1:$DNS_PORT" --timeout "$TIMEOUT" "$url" \
	    >"$TEST_TMP/oneshot.out" 2>&1 || {
		cat "$TEST_TMP/oneshot.out" >&2
		return 1
	}
	ms=$( (
		for ((i = 0; i < ONESHOT_RUNS; i++)); do
			"$UPDPROBE" --allow-loopback --user "$USER_NAME" --password-file "$PWFILE" \
			    --dns-server "127.0.0.1:$DNS_PORT" \
			    --timeout "$TIMEOUT" "$url" >/dev/null || exit 1
		done
		times
	) | children_cpu_ms) || return 1
	put oneshot.runs "$ONESHOT_RUNS"
	put oneshot.full_ms "$(calc "$ms / $ONESHOT_RUNS")"
	put oneshot.req_ms "$(calc "$ms / $ONESHOT_RUNS / 3")"
	say "build/updprobe one-shot: $(gr oneshot.full_ms) ms CPU per probe" \
	    "($ONESHOT_RUNS runs, process start included)"
}

say "peers on the same requests"
bench_blackbox || die "blackbox_exporter benchmark failed"
bench_check_curl || die "check_curl benchmark failed"
bench_oneshot || die "updprobe one-shot benchmark failed"
rotate_access_log peers

# ---------------------------------------------------------------------------
# updprobed at N targets.

ARC=$UPDPROBE_ARC
COL=$ARC.1.2.1		# updprobeTargetEntry
PROBES_RUN_OID=$ARC.1.1.3.0
TARGET_COUNT_OID=$ARC.1.1.2.0

walk() {	# OID FILE: numeric, no MIBs; returns the tool's status
	timeout 300 snmpbulkwalk -v2c -c "$SNMP_READ_COMMUNITY" -t 10 -r 0 -Cr25 -m '' \
	    -On -Oq "$SNMP_AGENT" "$1" >"$2" 2>&1
}
num_get() {	# OID -> value (numeric tools, no MIBs)
	snmpget -v2c -c "$SNMP_READ_COMMUNITY" -t 2 -r 1 -m '' -Oqv \
	    "$SNMP_AGENT" "$1" 2>/dev/null
}
idx() {		# NAME -> .LEN.C.C.C
	local s=$1 out=".${#1}" i
	for ((i = 0; i < ${#s}; i++)); do
		out="$out.$(printf '%d' "'${s:i:1}")"
	done
	echo "$out"
}
count_is() {
	[ "$(num_get "$TARGET_COUNT_OID")" = "$1" ]
}
probes_at_least() {
	local v
	v=$(num_get "$PROBES_RUN_OID")
	[[ "$v" =~ ^[0-9]+$ ]] && [ "$v" -ge "$1" ]
}
ours_ticks() {		# every process of the benchmark's servers
	local t pids
	read -r -a pids <<<"$(nginx_pids)"
	read -r t _ <<<"$(cpu_of "$UPDPROBED_PID" "${pids[@]}" "$DNS_PID" \
	    "$SNMPD_PID" "$SNMPTRAPD_PID")"
	echo "$t"
}

# timed_walk OID FILE -> "wall_ms rows upd_ns snmpd_ns"
timed_walk() {
	local t0 t1 u0 u1 s0 s1 rows
	read -r _ u0 <<<"$(cpu_of "$UPDPROBED_PID")"
	read -r _ s0 <<<"$(cpu_of "$SNMPD_PID")"
	t0=$(date +%s%N)
	walk "$1" "$2" || { echo "walk failed: $(tail -n 2 "$2")" >&2; return 1; }
	t1=$(date +%s%N)
	read -r _ u1 <<<"$(cpu_of "$UPDPROBED_PID")"
	read -r _ s1 <<<"$(cpu_of "$SNMPD_PID")"
	rows=$("$PYTHON" "$BENCH" walk-rows "$2")
	echo "$(((t1 - t0) / 1000)) $rows $((u1 - u0)) $((s1 - s0))"
}

join_comma() {
	local IFS=,
	echo "$*"
}

flip_is() {	# CODE: the flip target's code
	[ "$(num_get "$COL.2$(idx flip)")" = "$1" ]
}

minimum() {	# the best of repeated timings: the least disturbed by others
	"$PYTHON" -c 'import sys; print(min(float(x) for x in sys.argv[1:]))' "$@"
}

median() {
	"$PYTHON" -c 'import statistics, sys; print(statistics.median(float(x) for x in sys.argv[1:]))' "$@"
}

run_n() {
	local n=$1 w=$2 conf=$TEST_TMP/n$1.conf i t_start t_reg p0 p1 w0 w1 \
	    c0 c1 ns0 ns1 m0 m1 o0 o1 sh0 sh1 k next now end sample_ns=0 \
	    a b rows wall un sn base
	say "N=$n: writing $n targets"
	{
		echo "interval $INTERVAL"
		echo "timeout $TIMEOUT"
		echo "dnsServer 127.0.0.1:$DNS_PORT"
		echo "allowLoopback yes"
		echo "agentxPingInterval 5"
		for ((i = 1; i <= n; i++)); do
			printf 'target s%05d http://site%d.ok.test:%d/site%d/ user=%s passwordFile=%s\n' \
			    "$i" "$i" "$NGX_PORT" "$i" "$USER_NAME" "$PWFILE"
		done
		echo "target flip http://flip.ok.test:$FLIP_PORT/good/ interval=3600"
	} >"$conf"
	t_start=$(now_ms)
	start_updprobed "$conf" || return 1
	wait_for -t 60 count_is "$((n + 1))" || {
		echo "bench: N=$n: updprobeTargetCount is not $((n + 1))" >&2
		return 1
	}
	t_reg=$(now_ms)
	put "n$n.startup_ms" "$((t_reg - t_start))"
	# every target probed once (the first probes spread over 10 s)
	wait_for -t 60 probes_at_least "$((n + 1))" || {
		echo "bench: N=$n: not every target was probed within 60 s" >&2
		return 1
	}
	put "n$n.first_round_ms" "$(($(now_ms) - t_start))"
	say "N=$n: registered after $((t_reg - t_start)) ms, all probed" \
	    "after $(($(now_ms) - t_start)) ms; measuring for $w s"

	p0=$(num_get "$PROBES_RUN_OID")
	read -r c0 ns0 <<<"$(cpu_of "$UPDPROBED_PID")"
	read -r m0 _ <<<"$("$PYTHON" "$BENCH" machine)"
	o0=$(ours_ticks)
	sh0=$(shell_cpu_ms)
	w0=$(now_ms)
	end=$((w0 + w * 1000))
	k=0
	while :; do
		now=$(now_ms)
		next=$((now + SAMPLE * 1000))
		read -r _ a <<<"$(cpu_of "$UPDPROBED_PID")"
		walk "$COL.7" "$OUT/n$n-lastprobe.$(printf %03d "$k").txt" ||
		    echo "bench: N=$n: LastProbe sample $k failed" >&2
		read -r _ b <<<"$(cpu_of "$UPDPROBED_PID")"
		sample_ns=$((sample_ns + b - a))
		k=$((k + 1))
		now=$(now_ms)
		[ "$now" -ge "$end" ] && break
		[ "$next" -gt "$end" ] && next=$end
		sleep "$(calc "max(0, ($next - $now) / 1000.0)")"
	done
	w1=$(now_ms)
	read -r c1 ns1 <<<"$(cpu_of "$UPDPROBED_PID")"
	read -r m1 _ <<<"$("$PYTHON" "$BENCH" machine)"
	o1=$(ours_ticks)
	sh1=$(shell_cpu_ms)
	p1=$(num_get "$PROBES_RUN_OID")
	updprobed_alive || { echo "bench: updprobed died" >&2; return 1; }
	read -r hwm rss <<<"$("$PYTHON" "$BENCH" mem "$UPDPROBED_PID")"

	put "n$n.window_s" "$(calc "($w1 - $w0) / 1000.0")"
	put "n$n.probes" "$((p1 - p0))"
	put "n$n.probes_per_s" "$(calc "($p1 - $p0) * 1000.0 / ($w1 - $w0)")"
	put "n$n.expected_per_s" "$(calc "$n / $INTERVAL.0")"
	put "n$n.cpu_pct" "$(calc "($ns1 - $ns0) / 1e6 / ($w1 - $w0) * 100")"
	put "n$n.cpu_pct_ticks" "$(calc "($c1 - $c0) * 1000.0 / $TICK / ($w1 - $w0) * 100")"
	put "n$n.cpu_ms_per_probe" "$(calc "($c1 - $c0) * 1000.0 / $TICK / max(1, $p1 - $p0)")"
	put "n$n.cpu_ms_per_probe_sched" "$(calc "($ns1 - $ns0) / 1e6 / max(1, $p1 - $p0)")"
	put "n$n.cpu_ms_per_probe_nosample" "$(calc "($ns1 - $ns0 - $sample_ns) / 1e6 / max(1, $p1 - $p0)")"
	put "n$n.cpu_ms_per_req" "$(calc "($ns1 - $ns0) / 1e6 / max(1, $p1 - $p0) / 3")"
	put "n$n.sample_cpu_pct" "$(calc "100.0 * $sample_ns / max(1, $ns1 - $ns0)")"
	put "n$n.samples" "$k"
	put "n$n.vmhwm_kib" "$hwm"
	put "n$n.vmrss_kib" "$rss"
	put "n$n.hwm_per_target_kib" "$(calc "$hwm / $n")"
	# others: machine busy time minus the benchmark's servers and shell
	put "n$n.others_pct" "$(calc "round(max(0, ($m1 - $m0) - ($o1 - $o0) - ($sh1 - $sh0) * $TICK / 1000.0) * 1000.0 / $TICK / ($w1 - $w0) * 100, 1)")"
	put "n$n.machine_busy_pct" "$(calc "round(($m1 - $m0) * 1000.0 / $TICK / ($w1 - $w0) * 100, 1)")"
	say "N=$n: $((p1 - p0)) probes in $(gr "n$n.window_s") s:" \
	    "$(gr "n$n.probes_per_s") /s, $(gr "n$n.cpu_ms_per_probe_sched") ms" \
	    "CPU per probe, $(gr "n$n.cpu_pct") % of a core, VmHWM $hwm KiB;" \
	    "others used $(gr "n$n.others_pct") % of a core"

	# --- walks (while the probes go on)
	# baseline: one GET the same way (process start, MIB-less, one trip)
	local bases=() wreps=10
	[ "$n" -ge 10000 ] && wreps=5
	for ((i = 0; i < wreps; i++)); do
		a=$(date +%s%N)
		num_get "$TARGET_COUNT_OID" >/dev/null
		b=$(date +%s%N)
		bases+=("$(((b - a) / 1000))")
	done
	base=$(minimum "${bases[@]}")
	put "n$n.walk_base_ms" "$(calc "$base / 1000.0")"
	local walls=() cpus=() snmpds=()
	for ((i = 0; i < wreps; i++)); do
		read -r wall rows un sn <<<"$(timed_walk "$COL.2" "$OUT/n$n-walk-code.txt")" ||
		    return 1
		walls+=("$wall"); cpus+=("$un"); snmpds+=("$sn")
	done
	[ "$rows" = "$((n + 1))" ] || {
		echo "bench: N=$n: the code walk has $rows rows, not $((n + 1))" >&2
		return 1
	}
	wall=$(minimum "${walls[@]}"); un=$(minimum "${cpus[@]}"); sn=$(minimum "${snmpds[@]}")
	put "n$n.walk_code_ms" "$(calc "$wall / 1000.0")"
	put "n$n.walk_code_us_row" "$(calc "($wall - $base) / $rows")"
	put "n$n.walk_code_cpu_us_row" "$(calc "$un / 1000.0 / $rows")"
	put "n$n.walk_code_snmpd_us_row" "$(calc "$sn / 1000.0 / $rows")"
	local reps=5
	[ "$n" -ge 10000 ] && reps=2
	walls=(); cpus=(); snmpds=()
	for ((i = 0; i < reps; i++)); do
		read -r wall rows un sn <<<"$(timed_walk "$ARC.1.2" "$OUT/n$n-walk-table.txt")" ||
		    return 1
		walls+=("$wall"); cpus+=("$un"); snmpds+=("$sn")
	done
	wall=$(minimum "${walls[@]}"); un=$(minimum "${cpus[@]}"); sn=$(minimum "${snmpds[@]}")
	rows=$((n + 1))
	put "n$n.walk_table_varbinds" "$("$PYTHON" "$BENCH" walk-rows "$OUT/n$n-walk-table.txt")"
	put "n$n.walk_table_ms" "$(calc "$wall / 1000.0")"
	put "n$n.walk_table_us_row" "$(calc "($wall - $base) / $rows")"
	put "n$n.walk_table_cpu_us_row" "$(calc "$un / 1000.0 / $rows")"
	put "n$n.walk_table_snmpd_us_row" "$(calc "$sn / 1000.0 / $rows")"
	say "N=$n: walk of the code column $(gr "n$n.walk_code_ms") ms," \
	    "of the table $(gr "n$n.walk_table_ms") ms" \
	    "($(gr "n$n.walk_table_varbinds") varbinds)"

	# --- ProbeNow -> CodeChange trap, the flip server stopped / started
	local flip_idx probe_oid want line t0 t1 tt steps pm \
	    afters=() los=() totals=() probems=() sets=()
	flip_idx=$(idx flip)
	probe_oid=$COL.17$flip_idx
	wait_for -t 10 flip_is 0 || {
		echo "bench: N=$n: the flip target is not at code 0" >&2
		return 1
	}
	for ((i = 0; i < FLIPS; i++)); do
		if [ $((i % 2)) = 0 ]; then
			flip_server_stop bench_kill
			want=2
		else
			flip_server_start bench_track || return 1
			want=0
		fi
		sleep 0.3
		line=$("$PYTHON" "$BENCH" flip --log "$TRAP_LOG" --name flip \
		    --agent "$SNMP_AGENT" --community "$SNMP_WRITE_COMMUNITY" \
		    --oid "$probe_oid" --want "$want")
		read -r t0 t1 tt <<<"$line"
		if [ "$tt" = -1 ]; then
			echo "bench: N=$n: no updprobeCodeChange to $want for flip" >&2
			return 1
		fi
		# the probe's own duration: the sum of its step times
		steps=$(snmpget -v2c -c "$SNMP_READ_COMMUNITY" -t 2 -r 1 -m '' \
		    -Oqv "$SNMP_AGENT" "$COL.9$flip_idx" "$COL.10$flip_idx" \
		    "$COL.11$flip_idx" "$COL.12$flip_idx" | paste -sd+)
		pm=$(calc "$steps")
		totals+=("$(calc "$tt - $t0")")
		sets+=("$(calc "$t1 - $t0")")
		probems+=("$pm")
		afters+=("$(calc "$tt - $t0 - $pm")")
		los+=("$(calc "$tt - $t1 - $pm")")
	done
	flip_server_stop bench_kill
	flip_server_start bench_track || return 1
	put "n$n.trap_flips" "$FLIPS"
	put "n$n.trap_total_ms_p50" "$(median "${totals[@]}")"
	put "n$n.trap_probe_ms_p50" "$(median "${probems[@]}")"
	put "n$n.trap_after_ms_p50" "$(median "${afters[@]}")"
	put "n$n.trap_after_ms_max" "$(calc "max([$(join_comma "${afters[@]}")])")"
	put "n$n.trap_after_lo_ms_max" "$(calc "max([$(join_comma "${los[@]}")])")"
	put "n$n.set_ms_p50" "$(median "${sets[@]}")"
	put "n$n.set_ms_max" "$(calc "max([$(join_comma "${sets[@]}")])")"
	say "N=$n: ProbeNow -> trap: median $(gr "n$n.trap_total_ms_p50") ms," \
	    "probe $(gr "n$n.trap_probe_ms_p50") ms, after the probe: median" \
	    "$(gr "n$n.trap_after_ms_p50") ms, max $(gr "n$n.trap_after_ms_max") ms;" \
	    "the SET answered in $(gr "n$n.set_ms_p50") ms (median)"

	# --- snmpd killed and started again: the table answers again
	local recs=() ra
	for ((i = 0; i < RESTARTS; i++)); do
		restart_snmpd -9 2>>"$OUT/restart.err" || return 1
		ra=$(now_ms)
		wait_for -t 60 flip_is 0 || {
			echo "bench: N=$n: the table did not answer after snmpd restart $i: $WAIT_SEEN" >&2
			return 1
		}
		recs+=("$(($(now_ms) - ra))")
	done
	put "n$n.reconnect_ms_p50" "$(median "${recs[@]}")"
	put "n$n.reconnect_ms_max" "$(calc "max([$(join_comma "${recs[@]}")])")"
	say "N=$n: snmpd -9 and started again, $RESTARTS times: the table answers" \
	    "again after $(gr "n$n.reconnect_ms_p50") ms (median), max" \
	    "$(gr "n$n.reconnect_ms_max") ms"

	# --- the end: probe count for the request rate, the logs
	local flip_probes total_probes
	flip_probes=$(num_get "$COL.15$flip_idx")
	total_probes=$(num_get "$PROBES_RUN_OID")
	bench_kill "$UPDPROBED_PID"
	UPDPROBED_PID=
	rotate_access_log "n$n"
	"$PYTHON" "$BENCH" requests-nginx "$OUT/access-n$n.log" |
	    sed "s/^/n$n.req./" >>"$RES"
	local reqs r401
	reqs=$(sed -n "s/^n$n\.req\.[a-z]*_[0-9]*=//p" "$RES" | paste -sd+)
	r401=$(sed -n "s/^n$n\.req\.[a-z]*_401=//p" "$RES" | paste -sd+)
	put "n$n.req_per_probe" "$(calc "(${reqs:-0}) / max(1, $total_probes - $flip_probes)")"
	put "n$n.req401_per_probe" "$(calc "(${r401:-0}) / max(1, $total_probes - $flip_probes)")"
	"$PYTHON" "$BENCH" gaps-nginx "$OUT/access-n$n.log" 1 "$n" "$INTERVAL" |
	    sed "s/^/n$n.ngx./" >>"$RES"
	"$PYTHON" "$BENCH" gaps-snmp "$INTERVAL" "$OUT"/n"$n"-lastprobe.*.txt |
	    sed "s/^/n$n.snmp./" >>"$RES"
	say "N=$n: gaps (nginx log): min $(gr "n$n.ngx.min") p50" \
	    "$(gr "n$n.ngx.p50") max $(gr "n$n.ngx.max") s;" \
	    "$(gr "n$n.ngx.outside") of $(gr "n$n.ngx.count") off by > 10 %;" \
	    "$(gr "n$n.req_per_probe") HTTP requests per probe"
	cp "$UPDPROBED_LOG" "$OUT/updprobed-n$n.log" 2>/dev/null
	: >"$UPDPROBED_LOG"
}

for n in $SIZES; do
	w=$WINDOW
	[ "$n" -ge 10000 ] && w=$WINDOW_LARGE
	run_n "$n" "$w" || {
		tail -n 20 "$UPDPROBED_LOG" >&2
		die "the run with N=$n failed"
	}
done

# ---------------------------------------------------------------------------
# Derived figures, goals, the report.

# shellcheck disable=SC2086 # a list of numbers
set -- $SIZES
first=$1
last=${!#}
prev=$first
[ $# -ge 2 ] && eval "prev=\${$(($# - 1))}"
put rss_marginal_kib "$(calc "round(($(get "n$last.vmrss_kib") - $(get "n$prev.vmrss_kib")) / max(1, $last - $prev), 2)")"
put load_end "$(cut -d' ' -f1-3 /proc/loadavg)"
put total_s "$(($(date +%s) - T_BEGIN))"

"$PYTHON" - "$RES" "$first" "$last" >"$TEST_TMP/goals.env" <<'EOF'
import sys
res, first, last = sys.argv[1], sys.argv[2], sys.argv[3]
r = {}
for line in open(res):
    if "=" in line:
        k, v = line.rstrip("\n").split("=", 1)
        r[k] = v
def f(k):
    try:
        return float(r[k])
    except (KeyError, ValueError):
        return None
goals = []
def goal(text, measured, ok, miss):
    goals.append("%s | %s | %s" % (text, measured,
                 "met" if ok else "MISSED: " + miss))
upd = f("n%s.cpu_ms_per_probe_sched" % last)
bb = f("bb.full_ms")
if upd is not None and bb:
    goal("CPU per full probe ≤ 1/4 of blackbox_exporter's (N=%s)" % last,
         "%.3f ms vs %.3f ms: %.2f of it" % (upd, bb, upd / bb),
         upd <= bb / 4, "%.2f× the allowance of %.3f ms" % (upd / (bb / 4), bb / 4))
pct = f("n%s.cpu_pct" % last)
if pct is not None:
    net = pct * (1 - (f("n%s.sample_cpu_pct" % last) or 0) / 100)
    goal("N=%s at 60 s: < 10 %% of one core on average" % last,
         "%.2f %% (%.2f %% without the benchmark's LastProbe sampling walks)"
         % (pct, net), pct < 10, "%.2f points over" % (pct - 10))
hwm = f("n%s.vmhwm_kib" % last)
if hwm is not None:
    goal("N=%s: peak RSS < 64 MiB" % last, "%.1f MiB" % (hwm / 1024),
         hwm / 1024 < 64, "%.1f MiB over (%.2f×)" % (hwm / 1024 - 64, hwm / 1024 / 64))
out, cnt, tg = f("n%s.ngx.outside" % last), f("n%s.ngx.count" % last), f("n%s.ngx.targets" % last)
mx, mn = f("n%s.ngx.max" % last), f("n%s.ngx.min" % last)
if cnt:
    ok = out == 0 and tg == float(last)
    goal("N=%s: every target probed within 10 %% of its interval (54–66 s)" % last,
         "gaps %.2f–%.2f s, %d of %d gaps outside, %d of %s targets with a gap"
         % (mn, mx, out, cnt, tg, last), ok,
         "%d gaps outside; worst %.2f s off (%.1f %%)" % (
             out, f("n%s.ngx.maxdev" % last), 100 * f("n%s.ngx.maxdev" % last) / 60))
# Walk cost per row: the CPU of updprobed and snmpd per row decides; the
# wall time per row at N=100 is ~1 ms of walk above an ~8 ms process start
# and swings with the other load of a shared machine, so it is shown only.
for kind in ("code", "table"):
    a, b = f("n%s.walk_%s_us_row" % (first, kind)), f("n%s.walk_%s_us_row" % (last, kind))
    ca, cb = (f("n%s.walk_%s_cpu_us_row" % (first, kind)),
              f("n%s.walk_%s_cpu_us_row" % (last, kind)))
    sa, sb = (f("n%s.walk_%s_snmpd_us_row" % (first, kind)),
              f("n%s.walk_%s_snmpd_us_row" % (last, kind)))
    if ca and cb and sa is not None and sb is not None:
        x, y = ca + sa, cb + sb
        goal("walk cost per row at N=%s ≤ 1.5× N=%s (%s; CPU of updprobed + snmpd)" % (
                 last, first, "updprobeTargetCode" if kind == "code" else "whole table"),
             "%.1f µs vs %.1f µs: %.2f× (updprobed alone %.2f×; wall %.1f vs %.1f µs: %.2f×)"
             % (y, x, y / x, cb / ca, b or 0, a or 0, (b / a) if a and b else float("nan")),
             y / x <= 1.5, "%.2f× (allowed 1.5×)" % (y / x))
worst = max((f(k) for k in r if k.endswith(".trap_after_ms_max") and f(k) is not None),
            default=None)
if worst is not None:
    goal("notification within 100 ms of the probe (every N, every flip)",
         "worst %.1f ms (upper bound: from snmpset's start)" % worst,
         worst <= 100, "%.1f ms over" % (worst - 100))
for i, g in enumerate(goals, 1):
    print("goal%d=%s" % (i, g))
EOF
cat "$TEST_TMP/goals.env" >>"$RES"

put note1 "CPU per probe counts everything updprobed does in the window: probes, the SNMP LastProbe sampling walks (share shown), AgentX pings. A probe is DNS (A record) + DirFile GET + 2 ranged GETs (0-1023); blackbox_exporter and check_curl get the same 3 requests, preemptive Basic auth, no DNS."
put note2 "Notification time: ProbeNow snmpset started → CodeChange line in snmptrapd's log, minus the probe's own step times; includes snmpset's start-up and the SET's trip through snmpd (upper bound). From the SET's response instead (lower bound), worst: $(calc "round(max([$(sed -n 's/^n[0-9]*\.trap_after_lo_ms_max=//p' "$RES" | paste -sd,)]), 1)") ms."
put note3 "Walks: snmpbulkwalk -v2c -Cr25 through snmpd's AgentX master; 'net of the baseline' subtracts an snmpget of one scalar made the same way (process start, one round trip)."
peak=$(get "n$last.ngx.peak_per_s")
[ -n "$peak" ] && put note5 "Probe starts are bunched: at N=$last the busiest second of the nginx log had $peak probe starts, $(calc "round($peak / ($last / $INTERVAL.0), 1)")× the average N/interval, and probes started in only $(get "n$last.ngx.busy_s_pct") % of the seconds (the first probes are spread over 10 s and every target keeps its phase)."
put note4 "Raw data: build/bench/ (results.env, nginx access logs per N, LastProbe samples, updprobed logs)."

"$PYTHON" "$BENCH" report "$RES" "$OUT/results.md"
