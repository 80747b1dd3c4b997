#!/bin/bash
# hostile.sh - the probe against hostile servers (tests/servers/hostile.py):
# endless headers and bodies, lying lengths, broken framing, resets, NUL
# bytes, absurd authentication challenges, malformed DNS packets, TFTP
# sessions that never end.  Whatever a server does, a probe must:
#
#   - end (an outer guard of $GUARD s, a liveness bound far above the
#     probe's hard limit of 5 x timeout + 2 s, turns a hang into a
#     failure; how long probes take is not judged: that is make bench's),
#   - exit with a device code 0-12 (never 70, never a signal), the code
#     the behaviour's line in "hostile.py --list" allows,
#   - print one JSON object (UTF-8, RFC 8259) with that code and a step,
#     the step being the one "steps" marks failed (never "connect" for
#     TFTP, which has none), with a detail that names the reason,
#   - stay small (max RSS under $RSS_LIMIT_MIB MiB, GNU time's %M),
#   - print no AddressSanitizer / UBSan report (the suite also runs
#     against the sanitizer build: UPDPROBE=build-san/updprobe).
#
# Then one agent case: snmpd + updprobed probing the worst behaviours every
# 2 s while snmpget reads the table every 0.2 s for ~10 s: no request may
# fail, and the agent's VmRSS must stay bounded.  The client waits
# generously (-t 5 -r 1): a subagent that blocks still fails the check,
# for snmpd gives up on it after its own agentXTimeout (1 s) and answers
# with an error instead of the codes.
#
#   UPDPROBE=build/updprobe tests/e2e/hostile.sh
#   UPDPROBE=build-san/updprobe tests/e2e/hostile.sh
#
# UPDPROBED defaults to the updprobed next to $UPDPROBE.  HOSTILE_JOBS
# (default 6) probes run at once; they mostly wait on timeouts.
# Prints "ok - ..." / "not ok - ..." per case, then "N passed, N failed";
# exits 1 if anything failed, including a server or tool that is missing.

set -u

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
# shellcheck source=SCRIPTDIR/../lib.sh
. "$HERE/../lib.sh"

UPDPROBE=${UPDPROBE:-$ROOT/build/updprobe}
UPDPROBED=${UPDPROBED:-$(dirname "$UPDPROBE")/updprobed}
export UPDPROBED
HOSTILE=$SERVERS_DIR/hostile.py
# GNU time (Debian package "time", priority optional: tests/deps.sh
# should install it); without it, a python wrapper measures the same.
GNU_TIME=${HOSTILE_GNU_TIME:-/usr/bin/time}

# The device's patience per step.
TIMEOUT=2
# A probe still running after this is killed: a hang fails its case.  A
# liveness bound (the probe's own hard limit is 5 x timeout + 2 s = 12 s),
# generous for a machine with load 10 and more.
GUARD=90
MAX_SIZE=1M
RSS_LIMIT_MIB=${HOSTILE_RSS_MIB:-64}
JOBS=${HOSTILE_JOBS:-6}
# The agent case.
AGENT_WATCH_S=10
AGENT_POLL_MS=200
AGENT_RSS_LIMIT_MIB=${HOSTILE_AGENT_RSS_MIB:-64}
# Growth of the agent's VmRSS allowed between the first and the last
# sample of the watch (after the first round of probes).
AGENT_RSS_GROWTH_MIB=${HOSTILE_AGENT_RSS_GROWTH_MIB:-16}
SECRET=s3cret

# A sanitizer report in a log: the lines that say so.
SAN_PATTERN='ERROR: [A-Za-z]*Sanitizer|runtime error:|SUMMARY: [A-Za-z]*Sanitizer|WARNING: [A-Za-z]*Sanitizer'

# ---------------------------------------------------------------------------
# Set-up.  A server that does not start is a failure, never a skip.

if [ ! -x "$UPDPROBE" ]; then
	bail_out "the probe $UPDPROBE is not an executable file (make first)"
fi
# MEASURE -o FILE CMD...: runs CMD, writes "MAXRSS-KiB SECONDS" (and
# "Command terminated by signal N") to FILE, exits with CMD's status.
if [ -x "$GNU_TIME" ]; then
	MEASURE=("$GNU_TIME" -f '%M %e')
else
	echo "# $GNU_TIME (GNU time) is missing (tests/deps.sh should install" \
	    "the Debian package 'time'): measuring with python's os.wait4"
	cat >"$TEST_TMP/measure.py" <<'EOF'
import os, sys, time
out, cmd = sys.argv[2], sys.argv[3:]
t0 = time.monotonic()
# posix_spawn (vfork-like): python's own RSS does not count as the child's.
pid = os.posix_spawnp(cmd[0], cmd, os.environ)
_, status, ru = os.wait4(pid, 0)
with open(out, "w") as f:
    if os.WIFSIGNALED(status):
        f.write("Command terminated by signal %d\n" % os.WTERMSIG(status))
    f.write("%d %.2f\n" % (ru.ru_maxrss, time.monotonic() - t0))
sys.exit(os.WEXITSTATUS(status) if os.WIFEXITED(status)
    else 128 + os.WTERMSIG(status))
EOF
	MEASURE=("$PYTHON" "$TEST_TMP/measure.py")
fi
if ldd "$UPDPROBE" 2>/dev/null | grep -q 'libasan'; then
	echo "# $UPDPROBE is a sanitizer build"
fi

# start_hostile TAG [ARGS...]: hostile.py in the background; sets PORT_<TAG>.
start_hostile() {
	local tag=$1 pid port
	shift
	rm -f "$TEST_TMP/$tag.port"
	"$PYTHON" "$HOSTILE" --port 0 --port-file "$TEST_TMP/$tag.port" "$@" \
	    </dev/null >>"$TEST_TMP/$tag.log" 2>&1 &
	pid=$!
	_record_pid "$tag" "$pid"
	port=$(_wait_port_file "hostile.py $tag" "$pid" "$TEST_TMP/$tag.port" \
	    "$TEST_TMP/$tag.log") || return 1
	printf -v "PORT_$tag" '%s' "$port"
}

PORT_http=
PORT_dns=
PORT_tftp=
start_hostile http || bail_out "start the hostile HTTP server (hostile.py)"
start_hostile dns --dns || bail_out "start the hostile DNS server (hostile.py --dns)"
start_hostile tftp --tftp || bail_out "start the hostile TFTP server (hostile.py --tftp)"
H="http://127.0.0.1:$PORT_http"
echo "# hostile HTTP on $PORT_http, DNS on $PORT_dns (UDP+TCP), TFTP on" \
    "$PORT_tftp; timeout $TIMEOUT s, guard $GUARD s, RSS limit" \
    "$RSS_LIMIT_MIB MiB, logs in $TEST_TMP"

umask 077
printf '%s\n' "$SECRET" >"$TEST_TMP/pw"
chmod 600 "$TEST_TMP/pw"
umask 022
CREDS=(--user m3 --password-file "$TEST_TMP/pw")
COMMON=(--json --timeout "$TIMEOUT" --max-size "$MAX_SIZE")

# ---------------------------------------------------------------------------
# The cases: one per behaviour of each mode, from hostile.py --list.

CASE_IDS=()
declare -A CASE_CODES CASE_DESC CASE_ARGS
mkdir -p "$TEST_TMP/cases"

add_cases() {		# MODE [MODE-FLAG]
	local mode=$1 name codes desc listing
	shift
	listing=$("$PYTHON" "$HOSTILE" "$@" --list) ||
	    bail_out "hostile.py $* --list failed"
	while read -r name codes desc; do
		[ -n "$name" ] || continue
		CASE_IDS+=("$mode/$name")
		CASE_CODES[$mode/$name]=$codes
		CASE_DESC[$mode/$name]=$desc
		case $mode in
		http)
			# With credentials, so the Digest code meets the
			# hostile challenges too; a redirect's new host is
			# looked up at the hostile DNS server (never at the
			# system's).
			CASE_ARGS[$mode/$name]="${CREDS[*]} --dns-server 127.0.0.1:$PORT_dns $H/$name/" ;;
		dns)
			CASE_ARGS[$mode/$name]="--allow-loopback --dns-server 127.0.0.1:$PORT_dns http://$name.hostile.test:$PORT_http/good/" ;;
		tftp)
			CASE_ARGS[$mode/$name]="tftp://127.0.0.1:$PORT_tftp/$name/" ;;
		esac
	done <<<"$listing"
}
add_cases http
add_cases dns --dns
add_cases tftp --tftp
# Slow but in time at every step: the sum is near the hard limit, the
# code must still be 0.
CASE_IDS+=(combo/slow-dns-slow-files)
CASE_CODES[combo/slow-dns-slow-files]=0
CASE_DESC[combo/slow-dns-slow-files]="DNS answers after 1.4 s, every file after 1.4 s: four slow steps, each within the timeout"
CASE_ARGS[combo/slow-dns-slow-files]="--allow-loopback --dns-server 127.0.0.1:$PORT_dns http://slow-answer.hostile.test:$PORT_http/slow-each-file/"
# TLS to a plain HTTP port: the ClientHello is answered with a plain 400.
CASE_IDS+=(combo/https-to-plain-http)
CASE_CODES[combo/https-to-plain-http]=2
CASE_DESC[combo/https-to-plain-http]="https:// to the plain HTTP port: a plain-text 400 instead of a ServerHello"
CASE_ARGS[combo/https-to-plain-http]="--insecure https://127.0.0.1:$PORT_http/good/"

# run_case ID [TIMEOUT]: runs in the background; leaves
# ID.{out,err,time,rc}.
run_case() {
	local id=$1 f
	f="$TEST_TMP/cases/${id//\//_}"
	# shellcheck disable=SC2086 # CASE_ARGS holds no blanks inside an arg
	timeout -k 2 "$GUARD" "${MEASURE[@]}" -o "$f.time" \
	    "$UPDPROBE" "${COMMON[@]}" ${2:+--timeout "$2"} ${CASE_ARGS[$id]} \
	    </dev/null >"$f.out" 2>"$f.err"
	echo $? >"$f.rc"
}

# check_case ID: prints nothing if the case passed, else what is wrong;
# always sets CASE_SUMMARY (code, step, seconds, MiB).
check_case() {
	local id=$1 f
	f="$TEST_TMP/cases/${id//\//_}"
	CASE_SUMMARY=$("$PYTHON" - "$f" "${CASE_CODES[$id]}" \
	    "$RSS_LIMIT_MIB" "$GUARD" "$SAN_PATTERN" "${id%%/*}" <<'EOF'
import json, re, sys
f, codes, rss_mib, guard, san, mode = sys.argv[1:7]
want = [int(c) for c in codes.split(",")]
bad = []
def read(ext):
    try:
        with open(f + "." + ext, errors="replace") as fh:
            return fh.read()
    except OSError:
        return ""
rc = read("rc").strip()
rc = int(rc) if rc.lstrip("-").isdigit() else -1
err, tm = read("err"), read("time")
try:
    with open(f + ".out", "rb") as fh:
        raw = fh.read()
except OSError:
    raw = b""
try:
    out = raw.decode("utf-8")
except UnicodeDecodeError as e:
    # RFC 8259 8.1: JSON exchanged between systems is UTF-8.
    bad.append("the JSON is not UTF-8 (%s)" % e)
    out = raw.decode("utf-8", "replace")
secs = mib = None
m = re.search(r"^(\d+) ([\d.]+)\s*$", tm, re.M)
if m:
    mib, secs = int(m.group(1)) / 1024.0, float(m.group(2))
sig = re.search(r"terminated by signal (\d+)", tm)
code = step = None
if rc in (124, 137):
    bad.append("hung: killed by the %s s guard" % guard)
elif sig:
    bad.append("killed by signal %s" % sig.group(1))
elif not 0 <= rc <= 12:
    bad.append("exit status %d, not a device code" % rc)
try:
    d = json.loads(out)
    if not isinstance(d, dict):
        raise ValueError("not an object")
    code, step = d.get("code"), d.get("step")
    if type(code) is not int:
        bad.append("JSON code %r" % (code,))
    elif code != rc and 0 <= rc <= 12:
        bad.append("JSON code %d but exit status %d" % (code, rc))
    if step not in ("config", "dns", "connect", "dirfile", "version",
            "firmware", "none"):
        bad.append("JSON step %r" % (step,))
    detail = d.get("detail")
    if not isinstance(detail, str):
        bad.append("no detail")
    # The failing step is the one marked failed in "steps".
    failed = [s.get("step") for s in d.get("steps", [])
        if isinstance(s, dict) and s.get("state") == "failed"]
    if code != 0 and failed != [step]:
        bad.append("steps marked failed: %s, but step is %r" % (failed, step))
    # README: "TFTP has no connect step (it is connectionless: shown as
    # skipped)".
    if mode == "tftp" and step == "connect":
        bad.append("step 'connect' for a TFTP probe")
    # libcurl fills the error buffer with the first failf() of a transfer;
    # for TFTP that is a getpeername() notice, not the reason.
    if isinstance(detail, str) and "getpeername()" in detail:
        bad.append("the detail is libcurl's getpeername() notice, not the "
            "reason of the failure")
except ValueError as e:
    bad.append("output is not one JSON object (%s)" % e)
if type(code) is int and code not in want and not bad:
    bad.append("code %d, the behaviour allows %s" % (code, codes))
if secs is None and rc not in (124, 137):
    bad.append("no GNU time measurement")
if mib is not None and mib > float(rss_mib):
    bad.append("max RSS %.1f MiB, over %s MiB" % (mib, rss_mib))
rep = [l for l in err.splitlines() if re.search(san, l)]
if rep:
    bad.append("sanitizer report: " + " | ".join(rep[:3]))
if "s3cret" in out + err:
    bad.append("the password was printed")
summary = "code %s step %s, %s s, %s MiB" % (code, step,
    "?" if secs is None else "%.2f" % secs,
    "?" if mib is None else "%.1f" % mib)
if bad:
    detail = ""
    try:
        detail = json.loads(out).get("detail", "")
    except Exception:
        pass
    summary += " -- " + "; ".join(bad) + ("; detail: " + detail if detail
        else "") + ("; stderr: " + " ".join(err.split())[:400] if err.strip()
        else "")
    print("FAIL " + summary)
else:
    print("PASS " + summary)
EOF
)
}

echo "# ${#CASE_IDS[@]} cases, $JOBS at a time"
start_all=$(date +%s)
# The servers are background jobs too: count and wait for the cases only.
RUNNING=()
reap() {
	local pid alive=()
	for pid in "${RUNNING[@]}"; do
		kill -0 "$pid" 2>/dev/null && alive+=("$pid")
	done
	RUNNING=("${alive[@]}")
}
for id in "${CASE_IDS[@]}"; do
	reap
	while [ "${#RUNNING[@]}" -ge "$JOBS" ]; do
		wait -n "${RUNNING[@]}"
		reap
	done
	run_case "$id" &
	RUNNING+=($!)
done
for pid in "${RUNNING[@]}"; do
	wait "$pid"
done
echo "# all probes ran in $(($(date +%s) - start_all)) s"

# A timeout (code 5) is the one verdict a busy machine can cause: the
# server, starved of CPU, said nothing for the 2 s.  Where the behaviour
# does not allow it, the case runs again, alone, with a timeout of
# $RETRY_TIMEOUT s: its verdict then is the server's behaviour.
RETRY_TIMEOUT=15
for id in "${CASE_IDS[@]}"; do
	check_case "$id"
	note=
	if [[ "$CASE_SUMMARY" == "FAIL code 5 "* ]] &&
	    [[ ",${CASE_CODES[$id]}," != *",5,"* ]]; then
		note="; code 5 within ${TIMEOUT} s at first, run again with --timeout $RETRY_TIMEOUT"
		run_case "$id" "$RETRY_TIMEOUT"
		check_case "$id"
	fi
	case $CASE_SUMMARY in
	PASS*) ok "$id: ${CASE_SUMMARY#PASS } (${CASE_DESC[$id]}$note)" ;;
	*) not_ok "$id: ${CASE_SUMMARY#FAIL } (${CASE_DESC[$id]}; expected code ${CASE_CODES[$id]}$note)" ;;
	esac
done

# ---------------------------------------------------------------------------
# The agent: updprobed probing the worst behaviours every 2 s must keep
# answering snmpget, and stay small.

agent_case() {
	local conf=$TEST_TMP/updprobed.conf names=() oids=() name
	local fails=0 polls=0 max_ms=0 rss rss_first="" rss_max=0 rss_last=0
	local t0 t1 ms out rc first_fail="" bad="" code probes
	declare -A want
	# shellcheck source=SCRIPTDIR/../snmplib.sh
	if ! . "$HERE/../snmplib.sh"; then
		not_ok "agent: the SNMP tools and MIBs (tests/snmplib.sh, see above)"
		return
	fi
	if [ ! -x "$UPDPROBED" ]; then
		not_ok "agent: $UPDPROBED is not an executable file"
		return
	fi
	start_snmpd || { not_ok "agent: start snmpd (see above)"; return; }
	{
		echo "agentxPingInterval 1"
		echo "interval 2"
		echo "timeout $TIMEOUT"
		echo "maxSize $MAX_SIZE"
		echo "target endless-headers $H/endless-headers/"
		echo "target endless-headers-slow $H/endless-headers-slow/"
		echo "target one-byte $H/one-byte-per-second/"
		echo "target endless-chunked $H/endless-chunked/"
		echo "target reset-mid-body $H/reset-mid-body/"
		echo "target continue-storm $H/continue-storm/"
		echo "target fw-endless $H/fw-endless/"
		echo "target dns-flood http://wrong-id-flood.hostile.test:$PORT_http/good/ dnsServer=127.0.0.1:$PORT_dns allowLoopback=yes"
		echo "target tftp-repeat tftp://127.0.0.1:$PORT_tftp/repeat-block-1/"
	} >"$conf"
	want=([endless-headers]=http/endless-headers
	    [endless-headers-slow]=http/endless-headers-slow
	    [one-byte]=http/one-byte-per-second
	    [endless-chunked]=http/endless-chunked
	    [reset-mid-body]=http/reset-mid-body
	    [continue-storm]=http/continue-storm
	    [fw-endless]=http/fw-endless [dns-flood]=dns/wrong-id-flood
	    [tftp-repeat]=tftp/repeat-block-1)
	names=(endless-headers endless-headers-slow one-byte endless-chunked
	    reset-mid-body continue-storm fw-endless dns-flood tftp-repeat)
	for name in "${names[@]}"; do
		oids+=("UPDPROBE-MIB::updprobeTargetCode.\"$name\"")
	done
	# AddressSanitizer keeps freed memory in a quarantine (256 MiB by
	# default) that would read as growth: keep it small, so that growth
	# still means a leak (LeakSanitizer also reports leaks at exit).
	if ldd "$UPDPROBED" 2>/dev/null | grep -q libasan; then
		export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}quarantine_size_mb=8"
		echo "# $UPDPROBED is a sanitizer build: ASAN_OPTIONS=$ASAN_OPTIONS"
	fi
	start_updprobed "$conf" || { not_ok "agent: start updprobed (see above)"; return; }
	# Every target at once, rather than spread over the first 10 s.
	wait_for snmp_answers "${names[0]}" ||
	    { not_ok "agent: the table answers ($WAIT_SEEN; log: $(tail -n 5 "$UPDPROBED_LOG" | squash))"; return; }
	for name in "${names[@]}"; do
		probe_now "$name"
	done
	local end=$(($(date +%s%N) + AGENT_WATCH_S * 1000000000))
	while [ "$(date +%s%N)" -lt "$end" ]; do
		t0=$(date +%s%N)
		out=$(snmpget -v2c -c "$SNMP_READ_COMMUNITY" -t 5 -r 1 -Oqv -Oe \
		    "$SNMP_AGENT" "${oids[@]}" 2>&1)
		rc=$?
		t1=$(date +%s%N)
		ms=$(((t1 - t0) / 1000000))
		polls=$((polls + 1))
		[ "$ms" -gt "$max_ms" ] && max_ms=$ms
		if [ "$rc" -ne 0 ] || [ "$(printf '%s\n' "$out" |
		    grep -cE '^-?[0-9]+$')" -ne "${#names[@]}" ]; then
			fails=$((fails + 1))
			[ -z "$first_fail" ] && first_fail="exit $rc after $ms ms: $(printf '%s' "$out" | squash)"
		fi
		if ! updprobed_alive; then
			bad="updprobed died (status: see log: $(tail -n 5 "$UPDPROBED_LOG" | squash))"
			break
		fi
		rss=$(awk '/^VmRSS:/ { print $2 }' "/proc/$UPDPROBED_PID/status" 2>/dev/null)
		if [[ "$rss" =~ ^[0-9]+$ ]]; then
			# The first sample after the first 2 s (the first
			# round of probes) is the baseline for growth.
			if [ -z "$rss_first" ] && [ "$polls" -ge 10 ]; then
				rss_first=$rss
			fi
			[ "$rss" -gt "$rss_max" ] && rss_max=$rss
			rss_last=$rss
		fi
		# The next poll $AGENT_POLL_MS ms after the start of this one.
		ms=$(((t0 + AGENT_POLL_MS * 1000000 - $(date +%s%N)) / 1000000))
		[ "$ms" -gt 0 ] && sleep "$(printf '0.%03d' "$ms")"
	done
	if [ -z "$bad" ] && [ "$fails" -eq 0 ]; then
		ok "agent: snmpget answered all $polls polls of ${#names[@]} rows while updprobed probed ${#names[@]} hostile targets every 2 s (slowest $max_ms ms, not judged)"
	else
		not_ok "agent: $fails of $polls snmpget polls failed (slowest $max_ms ms; first failure: $first_fail)${bad:+; $bad}"
	fi
	rss_first=${rss_first:-$rss_last}
	if [ "$rss_max" -gt 0 ] &&
	    [ "$rss_max" -le $((AGENT_RSS_LIMIT_MIB * 1024)) ] &&
	    [ $((rss_last - rss_first)) -le $((AGENT_RSS_GROWTH_MIB * 1024)) ]; then
		ok "agent: VmRSS stayed bounded ($((rss_first / 1024)) MiB after the first round, $((rss_last / 1024)) MiB at the end, max $((rss_max / 1024)) MiB; limits $AGENT_RSS_LIMIT_MIB MiB, +$AGENT_RSS_GROWTH_MIB MiB)"
	else
		not_ok "agent: VmRSS not bounded (after the first round $((rss_first / 1024)) MiB, at the end $((rss_last / 1024)) MiB, max $((rss_max / 1024)) MiB; limits $AGENT_RSS_LIMIT_MIB MiB, +$AGENT_RSS_GROWTH_MIB MiB)"
	fi
	# Every target was probed, more than once (waited for: on a busy
	# machine the watch may end first), to a code its behaviour allows.
	probed_twice() {
		local name probes
		for name in "${names[@]}"; do
			probes=$(snmp_get updprobeTargetProbes "$name")
			[[ "$probes" =~ ^[0-9]+$ ]] && [ "$probes" -ge 2 ] ||
			    { echo "$name: $probes probes"; return 1; }
		done
	}
	wait_for -t 60 probed_twice
	bad=""
	for name in "${names[@]}"; do
		code=$(snmp_get updprobeTargetCode "$name")
		probes=$(snmp_get updprobeTargetProbes "$name")
		if ! [[ "$probes" =~ ^[0-9]+$ ]] || [ "$probes" -lt 2 ]; then
			bad="$bad; $name: $probes probes (code $code)"
		elif [[ ",${CASE_CODES[${want[$name]}]}," != *",$code,"* ]]; then
			bad="$bad; $name: code $code, allowed ${CASE_CODES[${want[$name]}]} ($(snmp_get updprobeTargetDetail "$name"))"
		fi
	done
	if [ -z "$bad" ]; then
		ok "agent: every target probed at least twice, each to a code its behaviour allows"
	else
		not_ok "agent: ${bad#; }"
	fi
	stop_updprobed
	rc=$UPDPROBED_STATUS
	out=$(grep -E "$SAN_PATTERN" "$UPDPROBED_LOG" | head -n 3 | squash)
	if [ "$rc" -eq 0 ] && [ -z "$out" ]; then
		ok "agent: updprobed stopped cleanly on SIGTERM, no sanitizer report"
	else
		not_ok "agent: updprobed exit status $rc on SIGTERM${out:+; sanitizer report: $out}; log: $(tail -n 5 "$UPDPROBED_LOG" | squash)"
	fi
}

agent_case
finish
