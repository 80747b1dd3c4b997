#!/bin/bash
# make demo: the embedded default.  On loopback only: demo update servers
# in several states (an HTTP server, a DNS server), a private snmpd as
# AgentX master, snmptrapd standing in for the NOC, and updprobed probing
# them all; then what an operator sees: the table through snmpwalk and
# snmptable, a probe on demand, the notifications, and the one-shot
# updprobe trace.
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"
. "$HERE/snmplib.sh" || exit 1
UPDPROBE=${UPDPROBE:-$HERE/../build/updprobe}

say() { printf '\n\033[1m=== %s\033[0m\n' "$*"; }
run() { printf '$ %s\n' "$*"; "$@"; }

start_httpfault || exit 1
start_dnsfake || exit 1
start_snmptrapd || exit 1
start_snmpd || exit 1
printf 's3cret\n' >"$TEST_TMP/site.secret"
chmod 600 "$TEST_TMP/site.secret"

H="fw.ok.test:$HTTP_PORT"
cat >"$TEST_TMP/updprobed.conf" <<CONF
agentxPingInterval 1
interval 60
timeout 2
dnsServer 127.0.0.1:$DNS_PORT
# The demo's servers run on this machine: their names resolve to
# 127.0.0.1, which a base station could not use.
allowLoopback yes
target good        http://$H/good/
target digest-ok   http://$H/auth-digest/ user=m3 passwordFile=$TEST_TMP/site.secret
target no-password http://$H/auth-basic/
target wrong-case  http://$H/case/
target hand-edited http://$H/syntax-section/
target web-page    http://$H/dirfile-html/
target text-mode   http://$H/fw-html/
target no-such-name http://fw.nx.test:$HTTP_PORT/good/
CONF

say "updprobed.conf"
cat "$TEST_TMP/updprobed.conf"
start_updprobed "$TEST_TMP/updprobed.conf" || exit 1
say "waiting for the first probes (spread over up to 10 s)"
for t in good digest-ok no-password wrong-case hand-edited web-page \
    text-mode no-such-name; do
	wait_for -t 20 snmp_probed "$t" || echo "target $t was not probed"
done

C=(-v2c -c "$SNMP_READ_COMMUNITY" "127.0.0.1:$SNMP_PORT")
say "what Nagios or Zabbix reads: snmpwalk of the codes"
run snmpwalk "${C[@]}" UPDPROBE-MIB::updprobeTargetCode
say "the evidence: step and detail"
run snmpwalk "${C[@]}" UPDPROBE-MIB::updprobeTargetStep
run snmpwalk "${C[@]}" UPDPROBE-MIB::updprobeTargetDetail
say "one target, one value"
run snmpget "${C[@]}" 'UPDPROBE-MIB::updprobeTargetDetail."no-password"'
say "a probe on demand (the SET returns at once)"
before=$(snmp_get updprobeTargetProbes good)
run snmpset -v2c -c "$SNMP_WRITE_COMMUNITY" "127.0.0.1:$SNMP_PORT" \
    'UPDPROBE-MIB::updprobeTargetProbeNow."good"' i 1
wait_for snmp_gt updprobeTargetProbes good "$before" &&
    run snmpget "${C[@]}" 'UPDPROBE-MIB::updprobeTargetProbes."good"'

say "what the NOC received (snmptrapd)"
wait_trap 1 updprobeProblem no-such-name >/dev/null
grep 'UPDPROBE-MIB' "$TRAP_LOG" |
    sed -e 's/^.*snmpTrapOID.0 = OID: UPDPROBE-MIB::/  /' -e 's/\t/\n      /g'


say "the same diagnosis by hand: updprobe"
run "$UPDPROBE" --allow-loopback --dns-server "127.0.0.1:$DNS_PORT" --timeout 2 \
    "http://$H/case/"
say "and for scripts: updprobe --json"
run "$UPDPROBE" --allow-loopback --dns-server "127.0.0.1:$DNS_PORT" --timeout 2 --json \
    "http://$H/missing-gw/"
exit 0
