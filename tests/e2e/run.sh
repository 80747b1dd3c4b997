#!/bin/bash
# run.sh - end-to-end tests of updprobe against real servers on loopback:
# the fault-playing HTTP update server (tests/servers/httpfault.py), the
# fake DNS server (tests/servers/dnsfake.py) and tftpd-hpa.  Every case
# runs the CLI once and checks the code the device would show: the exit
# status, and the JSON's "code" and "step" (and for some a word of "detail").
#
#   UPDPROBE=build/updprobe tests/e2e/run.sh
#
# Prints "ok - ..." / "not ok - ..." per case, then "N passed, N failed";
# exits 1 if anything failed, including a server that did not start.

set -u

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
# shellcheck source=SCRIPTDIR/../lib.sh
. "$HERE/../lib.sh"

UPDPROBE=${UPDPROBE:-$ROOT/build/updprobe}
# The hard limit on one run of the probe: a probe that hangs fails its case
# instead of hanging the suite.
PROBE_LIMIT=30
# The password the auth-* folders expect; it must never be printed.
SECRET=s3cret

# _check_json CODE STEP WORD: reads the probe's output on stdin; exits 0
# and prints nothing if it is one JSON object with that code and step (and
# WORD in "detail" if WORD is not empty), else prints what is wrong and
# exits 1 (a crash of the checker is a failure too).
_check_json() {
	"$PYTHON" -c '
import json, sys
want_code, want_step, word = int(sys.argv[1]), sys.argv[2], sys.argv[3]
text = sys.stdin.read()
try:
    d = json.loads(text)
except ValueError as e:
    print("output is not one JSON object (%s)" % e)
    sys.exit(1)
if not isinstance(d, dict):
    print("JSON is not an object")
    sys.exit(1)
bad = []
code, step, detail = d.get("code"), d.get("step"), d.get("detail")
if type(code) is not int or code != want_code:
    bad.append("code %r, want %d" % (code, want_code))
if step != want_step:
    bad.append("step %r, want %r" % (step, want_step))
if not isinstance(d.get("name"), str) or not d["name"]:
    bad.append("no name")
if not isinstance(detail, str):
    bad.append("no detail")
elif word and word not in detail:
    bad.append("detail %r lacks %r" % (detail, word))
if not isinstance(d.get("timings"), dict):
    bad.append("no timings object")
if bad:
    print("; ".join(bad))
    sys.exit(1)
' "$@"
}

# expect DESCRIPTION CODE STEP WORD -- ARGS...: run "updprobe --json ARGS",
# want exit status CODE, JSON code CODE and step STEP, WORD in the detail.
# WORD is a word of the detail that names the rule or the evidence, so
# that a case cannot pass through another rule with the same code.
expect() {
	local desc=$1 want=$2 step=$3 word=$4 out err rc jout jrc problems=""
	shift 5
	out=$(timeout -k 2 "$PROBE_LIMIT" "$UPDPROBE" --json "$@" \
	    2>"$TEST_TMP/stderr")
	rc=$?
	err=$(cat "$TEST_TMP/stderr")
	if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
		problems="the probe ran longer than ${PROBE_LIMIT} s"
	else
		if [ "$rc" -ne "$want" ]; then
			problems="exit status $rc"
		fi
		jout=$(printf '%s' "$out" | _check_json "$want" "$step" "$word" 2>&1)
		jrc=$?
		if [ "$jrc" -ne 0 ]; then
			problems="$problems${problems:+; }${jout:-the JSON check exited $jrc}"
		fi
	fi
	case "$out$err" in
	*"$SECRET"*) problems="$problems${problems:+; }the password was printed" ;;
	esac
	if [ -z "$problems" ]; then
		ok "$desc"
	else
		not_ok "$desc (expected code $want step $step${word:+ detail ~ $word}; got: $problems; output: $(printf '%s' "$out" | squash); stderr: $(printf '%s' "$err" | squash))"
	fi
}

# expect_plain DESCRIPTION CODE STEPS -- ARGS...: without --json the exit
# status is the code too, and the trace names the URL, then STEPS, one line
# each in that order ("config ok", "version not run", ...; | between
# them), nothing else with a state word, then "Code CODE: ".
expect_plain() {
	local desc=$1 want=$2 steps=$3 out rc got wsteps
	shift 4
	out=$(timeout -k 2 "$PROBE_LIMIT" "$UPDPROBE" "$@" 2>&1)
	rc=$?
	got=$(printf '%s\n' "$out" | sed -n -E \
	    's/^  (config|dns|connect|dirfile|version|firmware) +(ok|failed|skipped|not run)( .*|$)/\1 \2/p' |
	    paste -s -d '|' -)
	wsteps=$steps
	if [ "$rc" -eq "$want" ] && [ "$got" = "$wsteps" ] &&
	    printf '%s\n' "$out" | head -n 1 | grep -q '^[a-z]*://' &&
	    printf '%s\n' "$out" | grep -q "^Code $want: " &&
	    [[ "$out" != *"$SECRET"* ]]; then
		ok "$desc"
	else
		not_ok "$desc (expected exit $want, the URL, steps \"$wsteps\", \"Code $want: \"; got exit $rc, steps \"$got\"; output: $(printf '%s' "$out" | squash))"
	fi
}

# expect_usage DESCRIPTION ARGS...: a usage error is exit 64 with a message.
expect_usage() {
	local desc=$1 out err rc
	shift
	out=$(timeout -k 2 "$PROBE_LIMIT" "$UPDPROBE" "$@" 2>"$TEST_TMP/stderr")
	rc=$?
	err=$(cat "$TEST_TMP/stderr")
	if [ "$rc" -eq 64 ] && [ -n "$err" ]; then
		ok "$desc"
	else
		not_ok "$desc (expected exit 64 and a message on stderr; got exit $rc; output: $(printf '%s' "$out" | squash); stderr: $(printf '%s' "$err" | squash))"
	fi
}

# ---------------------------------------------------------------------------
# The harness first: a wait_for condition reads its caller's variables,
# not wait_for's own (its "t0" once hid a caller's, and monitoring.sh's
# check of the Zabbix MIB phase could never pass).

harness_sees_callers() {
	local t0=17 end=18 limit=19 f=20 rc=21 desc=22
	callers_vars() {
		[ "$t0 $end $limit $f $rc $desc" = "17 18 19 20 21 22" ] ||
		    { echo "t0 end limit f rc desc: $t0 $end $limit $f $rc $desc"; return 1; }
	}
	wait_check -t 2 "lib.sh: a wait_for condition reads its caller's t0, end, limit, f, rc, desc" \
	    callers_vars
}
harness_sees_callers

# ... and the servers' PIDs it stops are still its own children: a
# recorded server that exited on its own leaves its number to any other
# process (PIDs wrap around at 32,768 within minutes while the suites run
# side by side), and a soak's HTTP server of another suite was once
# stopped that way.  A stranger (a process whose parent is gone) and a
# child of ours are recorded; stop_servers must end the child only.
harness_spares_strangers() {
	local stranger child st
	stranger=$(bash -c 'sleep 300 </dev/null >/dev/null 2>&1 & echo $!')
	sleep 300 </dev/null >/dev/null 2>&1 &
	child=$!
	_record_pid stranger "$stranger"
	_record_pid child "$child"
	stop_servers
	# The child reaped (stop_servers waits for it): a signal sent to the
	# stranger before it has arrived too.
	st=$(sed 's/.*) //' "/proc/$stranger/stat" 2>/dev/null | cut -d' ' -f1)
	if [ "$st" = S ] && ! kill -0 "$child" 2>/dev/null; then
		ok "lib.sh: stop_servers ends its own child and spares a recorded number that is not its child's"
	else
		not_ok "lib.sh: stop_servers ends its own child and spares a recorded number that is not its child's" \
		    "(stranger $stranger: state '${st:-gone}', want S; child $child: $(kill -0 "$child" 2>/dev/null && echo alive || echo gone), want gone)"
	fi
	kill "$stranger" 2>/dev/null
}
harness_spares_strangers

# ---------------------------------------------------------------------------
# Set-up: the program and the servers.  A server that does not start is a
# failure, never a silent skip.

if [ ! -x "$UPDPROBE" ]; then
	bail_out "the probe $UPDPROBE is not an executable file (make first)"
fi
start_httpfault || bail_out "start the HTTP update server (tests/servers/httpfault.py)"
start_dnsfake || bail_out "start the DNS server (tests/servers/dnsfake.py)"
start_dnsfake_as DNS_servfail servfail --all servfail
start_dnsfake_as DNS_refused refused --all refused

H="http://127.0.0.1:$HTTP_PORT"
# The test servers run on this host: their names resolve to 127.0.0.1,
# which a base station could not use (--allow-loopback says it may).
DNS=(--allow-loopback --dns-server "127.0.0.1:$DNS_PORT")
PP=SnakePp_fr01_v0790.fwu

# Password files: 0600, as an operator must make them; one left 0644.
umask 077
printf '%s\n' "$SECRET" >"$TEST_TMP/pw-good"
printf '%s\n' "wrong-password" >"$TEST_TMP/pw-wrong"
printf '%s\n' "$SECRET" >"$TEST_TMP/pw-open"
chmod 600 "$TEST_TMP/pw-good" "$TEST_TMP/pw-wrong"
chmod 644 "$TEST_TMP/pw-open"
umask 022
CREDS=(--user m3 --password-file "$TEST_TMP/pw-good")
WRONG=(--user m3 --password-file "$TEST_TMP/pw-wrong")

# ---------------------------------------------------------------------------
echo "# HTTP update server on 127.0.0.1:$HTTP_PORT, DNS on 127.0.0.1:$DNS_PORT"

expect "a correct folder is code 0" 0 none "" -- "$H/good/"
expect "a correct folder with CRLF line ends is code 0" 0 none "" -- \
    "$H/good-crlf/"
expect "the older version 0780 of the list is code 0" 0 none "" -- \
    --firmware-version 0780 "$H/good/"
expect "language fr01, which the files carry, is code 0" 0 none "" -- \
    --language fr01 "$H/good/"
expect "version 0800, not in the list, is code 1" 1 version "0800" -- \
    --firmware-version 0800 "$H/good/"
expect "a 200000-byte gateway file over a 1K limit is code 4" 4 firmware \
    "200000 bytes, more than the maximum of 1024" -- \
    --max-size 1K "$H/good/"
RAN="config ok|dns skipped|connect ok"
expect_plain "without --json the exit status is the code (0), with the trace of every step" \
    0 "$RAN|dirfile ok|version ok|firmware ok" -- "$H/good/"
expect_plain "without --json the exit status is the code (3); the steps after the failed one are not shown" \
    3 "$RAN|dirfile failed" -- "$H/missing-dirfile/"
expect_plain "-v also shows the steps that did not run, and keeps the code" \
    3 "$RAN|dirfile failed|version not run|firmware not run" -- \
    -v "$H/missing-dirfile/"

# Authentication: 401 anywhere is 12, with or without credentials.
expect "Basic auth with the right password is code 0" 0 none "" -- \
    "${CREDS[@]}" "$H/auth-basic/"
expect "Basic auth without credentials is code 12" 12 dirfile "401" -- \
    "$H/auth-basic/"
expect "Basic auth with a wrong password is code 12" 12 dirfile "401" -- \
    "${WRONG[@]}" "$H/auth-basic/"
expect "Digest auth with the right password is code 0" 0 none "" -- \
    "${CREDS[@]}" "$H/auth-digest/"
expect "Digest auth without credentials is code 12" 12 dirfile "401" -- \
    "$H/auth-digest/"
expect "Digest auth with a wrong password is code 12" 12 dirfile "401" -- \
    "${WRONG[@]}" "$H/auth-digest/"
expect "a 401 on the gateway file is code 12" 12 firmware "401" -- \
    "$H/auth-fw/"
expect "a 401 on the gateway file with credentials is still code 12" 12 \
    firmware "401" -- "${CREDS[@]}" "$H/auth-fw/"

# Files not found: 3.
expect "no dirlist.txt (404) is code 3" 3 dirfile "404" -- \
    "$H/missing-dirfile/"
expect "only DirList.txt on a case-sensitive server is code 3, named" 3 \
    dirfile "DirList.txt" -- "$H/case/"
expect "a missing gateway file (404) is code 3" 3 firmware "404" -- \
    "$H/missing-gw/"
expect "a missing handset file (404) is code 3, the file named" 3 firmware \
    "$PP" -- "$H/missing-pp/"

# Other HTTP statuses: 2.
expect "a 403 for dirlist.txt is code 2" 2 dirfile "403" -- "$H/status-403/"
expect "a 500 for dirlist.txt is code 2" 2 dirfile "500" -- "$H/status-500/"
expect "a 503 for dirlist.txt is code 2" 2 dirfile "503" -- "$H/status-503/"
expect "a redirect loop on dirlist.txt is code 2" 2 dirfile "redirects" -- \
    "$H/redirect-loop/"
expect "a 500 for the gateway file is code 2" 2 firmware "500" -- \
    "$H/fw-500/"

# Slow servers: 5 within the device's timeout.
expect "no response header within the timeout is code 5" 5 dirfile \
    "dirlist.txt not delivered within 1 s (0 bytes" -- \
    --timeout 1 "$H/slow-headers/"
expect "a dirlist.txt body that stalls is code 5" 5 dirfile \
    "dirlist.txt not delivered within 1 s" -- \
    --timeout 1 "$H/stalled-body/"
expect "a gateway file that stalls after its headers is code 5" 5 firmware \
    "SnakeGw_fr01_v0790.fwu not delivered within 1 s" -- \
    --timeout 1 "$H/slow-fw/"

# Not a DirFile: 10.
# Not a DirFile: 10.  The word of the detail names the rule that fired.
expect "an HTML index instead of dirlist.txt is code 10" 10 dirfile \
    "not a DirFile: HTML markup" -- "$H/dirfile-html/"
expect "an XML listing instead of dirlist.txt is code 10" 10 dirfile \
    "not a DirFile: XML markup" -- "$H/dirfile-xml/"
expect "a binary (zip) dirlist.txt is code 10" 10 dirfile \
    "not a DirFile: binary byte" -- "$H/dirfile-binary/"
expect "an empty dirlist.txt is code 10" 10 dirfile "empty body" -- \
    "$H/dirfile-empty/"
expect "a phone's settings file as dirlist.txt is code 10" 10 dirfile \
    "first line is not a [section]" -- "$H/dirfile-other/"
expect "a 2 MiB dirlist.txt is code 10" 10 dirfile "larger than 1024 KiB" -- \
    "$H/dirfile-huge/"

# A DirFile that breaks the grammar: 9.  FOLDER:WORD-OF-THE-DETAIL:WHAT
for c in "badline:expected [NNNN], Key=Value or a comment:a line without '='" \
    "section:section name [079] is not 4 digits:a section [079]" \
    "dup-section:duplicate section [0780]:a duplicate section" \
    "dup-key:duplicate key DisplayName:a duplicate key" \
    "no-gwfile:missing GwFile:a section without GwFile" \
    "no-ppfile:missing PpFile:a section without PpFile" \
    "no-displayname:missing DisplayName:a section without DisplayName" \
    "codesize:GwCodeSize 12ab is not a decimal number:GwCodeSize=12ab" \
    "date:LinkDate 06052417 is not 10 digits:LinkDate=06052417" \
    "longline:300 bytes, longer than 255:a 300-byte line" \
    "slash:../SnakeGw.fwu must not contain:GwFile=../SnakeGw.fwu"; do
	folder=${c%%:*}
	word=${c#*:}
	word=${word%:*}
	expect "a DirFile with ${c##*:} is code 9" 9 dirfile "$word" -- \
	    "$H/syntax-$folder/"
done

# Firmware files: too big 4, wrong content 7.
expect "a 20 MiB gateway file over an 8M limit is code 4" 4 firmware \
    "20971520 bytes, more than the maximum" -- --max-size 8M "$H/big-fw/"
expect "a declared 20 MiB gateway file over an 8M limit is code 4" 4 \
    firmware "the DirFile declares 20971520 bytes" -- --max-size 8M \
    "$H/big-declared/"
expect "an HTML page as the gateway file is code 7" 7 firmware \
    "is text or HTML" -- "$H/fw-html/"
expect "an empty handset file is code 7" 7 firmware "fwu is empty" -- \
    "$H/fw-empty/"
expect "a gateway file shorter than GwCodeSize is code 7" 7 firmware \
    "199000 bytes, the DirFile declares 200000" -- "$H/fw-short/"

# ---------------------------------------------------------------------------
# DNS: 11 on any failure to get an A record.
expect "a name that resolves (fw.ok.test) is code 0" 0 none "" -- \
    "${DNS[@]}" "http://fw.ok.test:$HTTP_PORT/good/"
for c in "nx:NXDOMAIN" "servfail:SERVFAIL" "refused:refused the query" \
    "noa:no A record"; do
	n=${c%%:*}
	expect "DNS answer $n for the server name is code 11" 11 dns "${c#*:}" -- \
	    "${DNS[@]}" "http://$n.test:$HTTP_PORT/good/"
done
expect "a DNS server that never answers is code 11" 11 dns \
    "no answer from the DNS servers" -- \
    --timeout 1 "${DNS[@]}" "http://silent.test:$HTTP_PORT/good/"
DEAD_UDP=$(free_port udp)
expect "a dead first DNS server, then a working one, is code 0" 0 none "" -- \
    --timeout 2 --dns-server "127.0.0.1:$DEAD_UDP" "${DNS[@]}" \
    "http://fw.ok.test:$HTTP_PORT/good/"
# Several DNS servers, as a resolver: a SERVFAIL or REFUSED from one sends
# the query to the next; 11 only when none gives an address.
for bad in servfail refused; do
	eval "BAD_DNS=\${DNS_$bad:-}"
	if [ -z "$BAD_DNS" ]; then
		not_ok "a DNS server answering $bad to everything runs (see $TEST_TMP/dnsfake-$bad.log)"
		continue
	fi
	expect "a $bad first DNS server, then a working one, is code 0" 0 \
	    none "" -- --allow-loopback --dns-server "127.0.0.1:$BAD_DNS" \
	    "${DNS[@]}" "http://fw.ok.test:$HTTP_PORT/good/"
	expect "a working first DNS server, then a $bad one, is code 0" 0 \
	    none "" -- "${DNS[@]}" --dns-server "127.0.0.1:$BAD_DNS" \
	    "http://fw.ok.test:$HTTP_PORT/good/"
	word=$(echo "$bad" | tr '[:lower:]' '[:upper:]')
	expect "two DNS servers that both answer $bad are code 11" 11 dns \
	    "$word" -- \
	    --dns-server "127.0.0.1:$BAD_DNS" --dns-server "127.0.0.1:$BAD_DNS" \
	    "http://fw.ok.test:$HTTP_PORT/good/"
done
# An address the base station cannot use is 2, at the connect step.
expect "a name that resolves to 0.0.0.0 (a DNS sinkhole) is code 2" 2 \
    connect "0.0.0.0" -- "${DNS[@]}" "http://fw.sinkhole.test:$HTTP_PORT/good/"
expect "a name that resolves to a multicast address is code 2" 2 connect \
    "multicast" -- "${DNS[@]}" "http://fw.multicast.test:$HTTP_PORT/good/"
expect "a name that resolves to 127.0.0.1 is code 2 without --allow-loopback" \
    2 connect "loopback" -- --dns-server "127.0.0.1:$DNS_PORT" \
    "http://fw.ok.test:$HTTP_PORT/good/"

# Connection: 2.
CLOSED=$(free_port tcp)
expect "a closed port (connection refused) is code 2" 2 connect \
    "Couldn't connect" -- \
    "http://127.0.0.1:$CLOSED/good/"

if start_httpfault --ipv6; then
	expect "an IPv6 literal [::1] is code 0" 0 none "" -- \
	    "http://[::1]:$HTTP6_PORT/good/"
else
	not_ok "start the HTTP update server on ::1 (see above)"
fi

# ---------------------------------------------------------------------------
# Config: no server is 6; provisioning files as the base station reads them.
expect "a URL without a host is code 6" 6 config "no update server" -- \
    "http:///good/"

cat >"$TEST_TMP/prov-empty.cfg" <<'EOF'
%NETWORK_FWU_SERVER%: ""
%FWU_TFTP_SERVER_PATH%: "/Updates/"
%MANAGEMENT_TRANSFER_PROTOCOL%: 1
END_OF_FILE
EOF
expect "a provisioning file with an empty server is code 6" 6 config \
    "no update server" -- \
    --provisioning "$TEST_TMP/prov-empty.cfg"

cat >"$TEST_TMP/prov-http.cfg" <<EOF
%NETWORK_FWU_SERVER%: "127.0.0.1:$HTTP_PORT"
%FWU_TFTP_SERVER_PATH%: "/good/"
%MANAGEMENT_TRANSFER_PROTOCOL%: 1
END_OF_FILE
EOF
expect "a provisioning file naming a good HTTP folder is code 0" 0 none "" -- \
    --provisioning "$TEST_TMP/prov-http.cfg"

# ---------------------------------------------------------------------------
# TFTP (tftpd-hpa).
mkdir -p "$TEST_TMP/tftp"
if tftp_tree "$TEST_TMP/tftp" && start_tftpd "$TEST_TMP/tftp"; then
	echo "# tftpd-hpa on 127.0.0.1:$TFTP_PORT"
	expect "a correct TFTP folder is code 0" 0 none "" -- \
	    "tftp://127.0.0.1:$TFTP_PORT/Updates/"
	expect "a TFTP folder that does not exist is code 3" 3 dirfile \
	    "TFTP file not found" -- \
	    "tftp://127.0.0.1:$TFTP_PORT/Nowhere/"
	cat >"$TEST_TMP/prov-tftp.cfg" <<-EOF
	%NETWORK_FWU_SERVER%: "127.0.0.1:$TFTP_PORT"
	%FWU_TFTP_SERVER_PATH%: "/Updates/"
	%MANAGEMENT_TRANSFER_PROTOCOL%: 0
	END_OF_FILE
	EOF
	expect "a provisioning file naming a good TFTP folder is code 0" 0 none \
	    "" -- --provisioning "$TEST_TMP/prov-tftp.cfg"
else
	not_ok "start tftpd-hpa (see above): the 3 TFTP cases did not run"
fi

# ---------------------------------------------------------------------------
# Usage errors: 64, with a message.
expect_usage "an unknown option is a usage error" --no-such-option "$H/good/"
expect_usage "an ftp:// URL is a usage error" "ftp://127.0.0.1/good/"
expect_usage "no URL is a usage error"
expect_usage "a missing password file is a usage error" \
    --user m3 --password-file "$TEST_TMP/no-such-file" "$H/auth-basic/"
expect_usage "a password file others can read (0644) is refused" \
    --user m3 --password-file "$TEST_TMP/pw-open" "$H/auth-basic/"
expect_usage "a missing provisioning file is a usage error" \
    --provisioning "$TEST_TMP/no-such.cfg"
printf '%s\n' 'this is not a provisioning file' '%NETWORK_FWU_SERVER "x' \
    >"$TEST_TMP/prov-broken.cfg"
expect_usage "a broken provisioning file is a usage error" \
    --provisioning "$TEST_TMP/prov-broken.cfg"
expect_usage "a timeout that is not a number is a usage error" \
    --timeout abc "$H/good/"
expect_usage "a size with an unknown suffix is a usage error" \
    --max-size 12Q "$H/good/"
expect_usage "--version takes no firmware version (--firmware-version does)" \
    --version=0790 "$H/good/"

# The program's version: -V and --version print the same, which is the
# VERSION file's, and run no probe.
want_version=$(cat "$ROOT/VERSION")
for opt in -V --version; do
	out=$("$UPDPROBE" "$opt" 2>&1)
	rc=$?
	case $rc:$out in
	"0:updprobe $want_version"|"0:updprobe $want_version+g"*)
		ok "$opt prints the version ($out)" ;;
	*)	not_ok "$opt prints the version (want status 0 and" \
		    "\"updprobe $want_version[+g...]\"; got status $rc: $out)" ;;
	esac
done

# The hard limit is computed in one place (probe_hard_limit_ms()); the man
# pages quote it as a formula.  updprobe -h prints it for the default
# timeout: every "N x timeout + M seconds" of the man pages must give it.
help_limit=$("$UPDPROBE" -h 2>&1 | sed -n 's/.*a probe ends within \([0-9]*\) s at the default.*/\1/p')
bad=""
nformula=0
for man in "$ROOT"/man/*.[0-9]; do
	while read -r n m; do
		nformula=$((nformula + 1))
		[ "$((n * 30 + m))" = "$help_limit" ] ||
		    bad="$bad ${man##*/}: $n x timeout + $m s;"
	done < <(sed -E -n 's/.*(within|limit of) ([0-9]+)\\~\\\(mu\\~timeout \+ ([0-9]+) seconds.*/\2 \3/p' "$man")
done
if [ -n "$help_limit" ] && [ "$nformula" -ge 3 ] && [ -z "$bad" ]; then
	ok "the man pages' hard limit ($nformula places) is the engine's ($help_limit s at timeout 30)"
else
	not_ok "the man pages' hard limit is the engine's (updprobe -h: \"${help_limit}\" s at 30; $nformula formulas found;${bad:- none differ})"
fi

finish
