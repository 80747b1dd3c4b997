#!/bin/bash
# fleet.sh - fleet mode end to end: updprobed reads a folder of m3
# provisioning files (provisioningDir), one base station per file, and
# probes each distinct setting once; real snmpd, snmptrapd, the
# fault-playing HTTP server (httpfault.py) and DNS server (dnsfake.py).
#
#   UPDPROBED=build/updprobed UPDPROBE=build/updprobe \
#       CHECK_UPDPROBE=build/check_updprobe tests/e2e/fleet.sh
#
# Cases:
#   a  a folder of good files, files pointing at a missing folder, at a
#      name that does not resolve, at a server with the wrong password
#      (another folder's settings), a broken file, a name that cannot be
#      an index, a name a target has: the code of every base station and
#      of every server, the server each base station uses, the counts
#   b  notifications: a broken file and a server of one base station
#      raise that base station's updprobeProblem; a server that 4 share
#      goes down and comes back: one updprobeServerProblem and one
#      updprobeServerCleared carrying 4, none per base station
#   c  files added, replaced, fixed and removed between scans (inotify):
#      only their rows change; SIGHUP with new settings of a folder moves
#      its base stations to new servers, the old ones go
#   d  check_updprobe -n for a base station and a server; without -n the
#      worst of all, base stations counted
#   e  updprobe --provisioning-dir on the same folder: the same servers,
#      the same names and codes, as a table and as JSON
#
# Prints "ok - ..." / "not ok - ..." per check, then "N passed, N failed";
# exits 1 if anything failed, a missing tool or server included.

# SC2317: functions run through wait_for; SC2153: HTTP_PORT and DNS_PORT
# come from lib.sh.
# shellcheck disable=SC2317,SC2153

set -u

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
# shellcheck source=SCRIPTDIR/../lib.sh
. "$HERE/../lib.sh"

UPDPROBED=${UPDPROBED:-$ROOT/build/updprobed}
UPDPROBE=${UPDPROBE:-$ROOT/build/updprobe}
CHECK_UPDPROBE=${CHECK_UPDPROBE:-$ROOT/build/check_updprobe}
SECRET=s3cret
# Generous: the machine may be loaded.
WAIT=30

# shellcheck source=SCRIPTDIR/../snmplib.sh
. "$HERE/../snmplib.sh" ||
    bail_out "the SNMP tools and MIBs for the tests (tests/snmplib.sh, see above)"
for f in "$UPDPROBED" "$UPDPROBE" "$CHECK_UPDPROBE"; do
	[ -x "$f" ] || bail_out "$f is not an executable file (make)"
done
export TRAP_WAIT=$WAIT	# for snmplib.sh's wait_trap
start_httpfault || bail_out "start the HTTP update server (tests/servers/httpfault.py)"
start_dnsfake || bail_out "start the DNS server (tests/servers/dnsfake.py)"
start_snmptrapd || bail_out "start snmptrapd (see above)"
start_snmpd || bail_out "start snmpd as AgentX master (see above)"

# A second HTTP server on a fixed port, stopped and started: the shared
# server that goes down.
flip_server_start snmplib_track ||
    bail_out "start the second HTTP update server on port ${FLIP_PORT:-?}"
echo "# HTTP on $HTTP_PORT and $FLIP_PORT, DNS on $DNS_PORT, snmpd on" \
    "$SNMP_PORT, snmptrapd on $TRAP_PORT; logs in $TEST_TMP"

umask 077
printf '%s\n' "$SECRET" >"$TEST_TMP/pw-good"
printf '%s\n' "wrong-password" >"$TEST_TMP/pw-wrong"
umask 022

# prov FILE SERVER FOLDER: an m3 provisioning file (HTTP), written whole
# and moved into place, as a provisioning server would.
prov() {
	local dir=${1%/*}
	printf '%%NETWORK_FWU_SERVER%%: "%s"\n%%FWU_TFTP_SERVER_PATH%%: "%s"\n%%MANAGEMENT_TRANSFER_PROTOCOL%%: 1\nEND_OF_FILE\n' \
	    "$2" "$3" >"$dir/.tmp.$$" && mv -f "$dir/.tmp.$$" "$1"
}

D1=$TEST_TMP/tftp/m3
D2=$TEST_TMP/tftp/other
mkdir -p "$D1" "$D2"
OK_HOST=fw.ok.test:$HTTP_PORT
for m in 000413000001 000413000002 000413000003; do
	prov "$D1/$m.cfg" "$OK_HOST" /good/
done
prov "$D1/000413000010.cfg" "$OK_HOST" /missing-dirfile/
prov "$D1/000413000011.cfg" "$OK_HOST" /missing-dirfile/
prov "$D1/000413000020.cfg" "nx.test:$HTTP_PORT" /good/
prov "$D1/000413000030.cfg" "$OK_HOST" /auth-basic/
for m in 000413000041 000413000042 000413000043 000413000044; do
	prov "$D1/$m.cfg" "flip.ok.test:$FLIP_PORT" /good/
done
# broken: a quote not closed on line 2
printf '%%MANAGEMENT_TRANSFER_PROTOCOL%%: 1\n%%NETWORK_FWU_SERVER%%: "%s\nEND_OF_FILE\n' \
    "$OK_HOST" >"$D1/000413000050.cfg"
prov "$D1/bad name.cfg" "$OK_HOST" /good/
prov "$D1/conf-a.cfg" "$OK_HOST" /good/
prov "$D1/notes.txt" "$OK_HOST" /good/
# The other folder: the same auth-basic/ folder, with the wrong password.
prov "$D2/000413000060.cfg" "$OK_HOST" /auth-basic/
prov "$D2/000413000061.cfg" "$OK_HOST" /auth-basic/

CONF=$TEST_TMP/fleet.conf
write_conf() {		# [EXTRA-D1-KEYS]
	cat >"$CONF" <<EOF
# fleet.sh
interval 300
timeout 2
rescan 300
dnsServer 127.0.0.1:$DNS_PORT
allowLoopback yes
target conf-a http://127.0.0.1:$HTTP_PORT/good/
provisioningDir $D1 pattern=*.cfg user=m3 passwordFile=$TEST_TMP/pw-good ${1:-}
provisioningDir $D2 user=m3 passwordFile=$TEST_TMP/pw-wrong
EOF
}
write_conf

# The code and server of each base station; the servers' names come
# from the agent.
declare -A WANT=(
	[000413000001]=0 [000413000002]=0 [000413000003]=0
	[000413000010]=3 [000413000011]=3 [000413000020]=11
	[000413000030]=0 [000413000041]=0 [000413000042]=0
	[000413000043]=0 [000413000044]=0 [000413000050]=6
	[000413000060]=12 [000413000061]=12
)
BS=("${!WANT[@]}")

server_of() {		# BASE-STATION
	snmp_get updprobeTargetServer "$1"
}
sget() {		# COLUMN SERVER
	snmp_get_oid "UPDPROBE-MIB::$1.\"$2\""
}
server_probe_now() {	# SERVER
	snmp_set "$SNMP_WRITE_COMMUNITY" \
	    "UPDPROBE-MIB::updprobeServerProbeNow.\"$1\"" i 1 >/dev/null
}
scalar() {		# NAME
	snmp_get_oid "UPDPROBE-MIB::$1.0"
}
all_bs_answer() {
	local b
	for b in "${BS[@]}"; do
		snmp_answers "$b" || return 1
	done
}
codes_are_wanted() {
	local b
	for b in "${BS[@]}"; do
		[ "$(snmp_get updprobeTargetCode "$b")" = "${WANT[$b]}" ] ||
		    return 1
	done
}
codes_now() {
	local b
	for b in $(printf '%s\n' "${BS[@]}" | sort); do
		printf '%s=%s ' "$b" "$(snmp_get updprobeTargetCode "$b")"
	done
}
# Every notification sent has reached snmptrapd: nothing is on its way.
traps_settled() {
	local sent got
	[ "$(scalar updprobeNotificationsQueued)" = 0 ] || return 1
	sent=$(scalar updprobeNotificationsSent) || return 1
	got=$(grep -c 'UPDPROBE-MIB::updprobe' "$TRAP_LOG")
	[ "$got" = "$sent" ]
}
# trap_total NOTIFICATION: how many snmptrapd logged, whatever the row.
trap_total() {
	grep -c "snmpTrapOID.0 = OID: UPDPROBE-MIB::$1[[:space:]]" "$TRAP_LOG"
}

# ===========================================================================
# a. The folder read: every base station's code and server.

start_updprobed "$CONF" || bail_out "start updprobed (see above)"
wait_for -t "$WAIT" all_bs_answer ||
    bail_out "every base station has a row ($(codes_now))"
# The servers: probe each at once rather than wait for the first round.
declare -A SRV=()
for b in "${BS[@]}"; do
	s=$(server_of "$b")
	SRV[$b]=$s
	[ -n "$s" ] && server_probe_now "$s"
done
if wait_for -t "$WAIT" codes_are_wanted; then
	ok "a: every base station has the code of its file's settings: good 0, missing folder 3, NXDOMAIN 11, wrong password 12, broken file 6 ($(codes_now))"
else
	not_ok "a: every base station has the code of its file's settings (got: $(codes_now); log: $(tail -n 5 "$UPDPROBED_LOG" | squash))"
fi

# Equal settings share one server; different ones do not.
PROBLEMS=
same() {
	[ -n "${SRV[$1]}" ] && [ "${SRV[$1]}" = "${SRV[$2]}" ] ||
	    PROBLEMS="$PROBLEMS; $1 and $2: ${SRV[$1]:-none} / ${SRV[$2]:-none}"
}
differ() {
	[ "${SRV[$1]}" != "${SRV[$2]}" ] ||
	    PROBLEMS="$PROBLEMS; $1 and $2 share ${SRV[$1]}"
}
same 000413000001 000413000002
same 000413000001 000413000003
same 000413000010 000413000011
same 000413000041 000413000044
same 000413000060 000413000061
differ 000413000001 000413000010
differ 000413000030 000413000060	# the same URL, another password
[ -z "${SRV[000413000050]}" ] || PROBLEMS="$PROBLEMS; the broken file has server ${SRV[000413000050]}"
check "$([ -z "$PROBLEMS" ]; echo $?)" \
    "a: base stations with equal settings share a server (${SRV[000413000001]}), other settings (another password included) do not, a broken file has none" \
    "${PROBLEMS#; }"
case ${SRV[000413000001]} in
fw.ok.test/[0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f])
	ok "a: a server's name is its host and 8 hex digits (${SRV[000413000001]})" ;;
*)	not_ok "a: a server's name is its host and 8 hex digits (${SRV[000413000001]})" ;;
esac
# The same URL with another password: the same name with ".2".
a=${SRV[000413000030]} b=${SRV[000413000060]}
check "$([ "${a%.2}" = "${b%.2}" ] && [ "$a" != "$b" ]; echo $?)" \
    "a: settings that differ only in their password share the name, told apart by .2 ($a, $b)" "$a $b"

# The server table.
PROBLEMS=
srv_is() {		# SERVER CODE BASE-STATIONS
	local c n t
	c=$(sget updprobeServerCode "$1")
	n=$(sget updprobeServerBaseStations "$1")
	t=$(sget updprobeServerType "$1")
	[ "$c" = "$2" ] && [ "$n" = "$3" ] && [ "$t" = 2 ] ||
	    PROBLEMS="$PROBLEMS; $1: code $c, $n base stations, type $t (want $2, $3, 2)"
}
srv_is "${SRV[000413000001]}" 0 3
srv_is "${SRV[000413000010]}" 3 2
srv_is "${SRV[000413000020]}" 11 1
srv_is "${SRV[000413000041]}" 0 4
srv_is "${SRV[000413000060]}" 12 2
v=$(sget updprobeServerType conf-a)
[ "$v" = 1 ] || PROBLEMS="$PROBLEMS; conf-a type $v"
v=$(sget updprobeServerUrl "${SRV[000413000010]}")
[[ "$v" == "http://fw.ok.test:$HTTP_PORT/missing-dirfile/" ]] ||
    PROBLEMS="$PROBLEMS; URL $v"
v=$(sget updprobeServerSettings "${SRV[000413000060]}")
[[ "$v" == *"user=m3 password=set"* && "$v" != *wrong-password* ]] ||
    PROBLEMS="$PROBLEMS; settings $v"
check "$([ -z "$PROBLEMS" ]; echo $?)" \
    "a: updprobeServerTable: each server's code, base stations, type (provisioning; the target conf-a configured), URL, settings without the password" \
    "${PROBLEMS#; }"

# A base station's row: every column of a target, and where it came from.
PROBLEMS=
v=$(snmp_get updprobeTargetSource 000413000010)
[ "$v" = "$D1/000413000010.cfg" ] || PROBLEMS="$PROBLEMS; source $v"
v=$(snmp_get updprobeTargetSourceState 000413000010)
[ "$v" = 2 ] || PROBLEMS="$PROBLEMS; source state $v"
v=$(snmp_get updprobeTargetDetail 000413000010)
[[ "$v" == *"HTTP 404"*missing-dirfile/dirlist.txt* ]] || PROBLEMS="$PROBLEMS; detail $v"
v=$(snmp_get updprobeTargetStep 000413000010)
[ "$v" = 4 ] || PROBLEMS="$PROBLEMS; step $v"
v=$(snmp_get updprobeTargetProbes 000413000010)
[[ "$v" =~ ^[1-9][0-9]*$ ]] || PROBLEMS="$PROBLEMS; probes $v"
v=$(snmp_get updprobeTargetServer conf-a)
[ "$v" = conf-a ] || PROBLEMS="$PROBLEMS; conf-a's server $v"
v=$(snmp_get updprobeTargetSourceState conf-a)
[ "$v" = 1 ] || PROBLEMS="$PROBLEMS; conf-a's source state $v"
check "$([ -z "$PROBLEMS" ]; echo $?)" \
    "a: a base station's row has the columns of a target (detail, step, probes) and its file; a configured target is its own server" \
    "${PROBLEMS#; }"

# The broken file: which line, why.
PROBLEMS=
v=$(snmp_get updprobeTargetDetail 000413000050)
[[ "$v" == "provisioning file 000413000050.cfg:2: unterminated quote" ]] ||
    PROBLEMS="$PROBLEMS; detail '$v'"
v=$(snmp_get updprobeTargetSourceState 000413000050)
[ "$v" = 3 ] || PROBLEMS="$PROBLEMS; source state $v"
v=$(snmp_get updprobeTargetStep 000413000050)
[ "$v" = 1 ] || PROBLEMS="$PROBLEMS; step $v"
v=$(snmp_get updprobeTargetLastProbe 000413000050)
[[ "$v" =~ ^[1-9][0-9]*$ ]] || PROBLEMS="$PROBLEMS; last probe $v"
check "$([ -z "$PROBLEMS" ]; echo $?)" \
    "a: a broken file: code 6 at step config, fileBroken(3), the detail names file, line and why" \
    "${PROBLEMS#; }"

# The counts.
PROBLEMS=
want_scalar() {		# NAME VALUE
	local v
	v=$(scalar "$1")
	[ "$v" = "$2" ] || PROBLEMS="$PROBLEMS; $1 $v (want $2)"
}
want_scalar updprobeBaseStationCount 14
want_scalar updprobeTargetCount 15
want_scalar updprobeServerCount 7
want_scalar updprobeProvisioningBroken 1
want_scalar updprobeProvisioningRefused 2
v=$(scalar updprobeLastRescan)
[[ "$v" =~ ^[1-9][0-9]*$ ]] || PROBLEMS="$PROBLEMS; updprobeLastRescan $v"
v=$(scalar updprobeRescanDuration)
[[ "$v" =~ ^[0-9]+$ ]] || PROBLEMS="$PROBLEMS; updprobeRescanDuration $v"
check "$([ -z "$PROBLEMS" ]; echo $?)" \
    "a: 14 base stations, 15 rows, 7 servers (6 shared settings and the target), 1 broken file, 2 refused (a name with a space, a target's name), notes.txt not matched" \
    "${PROBLEMS#; }"
PROBLEMS=
grep -q "bad name.cfg: target name \"bad name\"" "$UPDPROBED_LOG" ||
    PROBLEMS="$PROBLEMS; no line for 'bad name.cfg'"
grep -q "conf-a.cfg: its name is a target's" "$UPDPROBED_LOG" ||
    PROBLEMS="$PROBLEMS; no line for conf-a.cfg"
v=$(snmp_get updprobeTargetSource conf-a)
[ "$v" = "$CONF" ] || PROBLEMS="$PROBLEMS; conf-a's source is $v, not $CONF"
check "$([ -z "$PROBLEMS" ]; echo $?)" \
    "a: files refused are named in the log, not dropped silently; the target keeps its name" \
    "${PROBLEMS#; }"

# ===========================================================================
# b. Notifications at the right level.

wait_for -t "$WAIT" traps_settled
PROBLEMS=
[ "$(trap_count updprobeProblem 000413000050 updprobeTargetCode=6 'updprobeTargetDetail~unterminated quote')" = 1 ] ||
    PROBLEMS="$PROBLEMS; broken file: $(trap_lines 000413000050 | squash)"
[ "$(trap_count updprobeProblem 000413000020 updprobeTargetCode=11)" = 1 ] ||
    PROBLEMS="$PROBLEMS; NXDOMAIN alone: $(trap_lines 000413000020 | squash)"
n=$(trap_count updprobeServerProblem "${SRV[000413000020]}")
[ "$n" = 0 ] || PROBLEMS="$PROBLEMS; $n updprobeServerProblem for the server of one"
[ "$(trap_count updprobeServerProblem "${SRV[000413000010]}" updprobeServerCode=3 updprobeServerBaseStations=2)" = 1 ] ||
    PROBLEMS="$PROBLEMS; missing folder, 2: $(trap_lines "${SRV[000413000010]}" | squash)"
for b in 000413000010 000413000011 000413000060; do
	n=$(trap_count updprobeProblem "$b")
	[ "$n" = 0 ] || PROBLEMS="$PROBLEMS; $n updprobeProblem for $b (its server is shared)"
done
check "$([ -z "$PROBLEMS" ]; echo $?)" \
    "b: first results: a broken file and a server of one base station raise that base station's updprobeProblem; a shared server raises one updprobeServerProblem with its count, none per base station" \
    "${PROBLEMS#; }"

# The shared server goes down: one notification for the 4.
FS=${SRV[000413000041]}
sent0=$(scalar updprobeNotificationsSent)
problems0=$(trap_total updprobeProblem)
flip_server_stop snmplib_kill
server_probe_now "$FS"
if wait_trap 1 updprobeServerProblem "$FS" updprobeServerCode=2 updprobeServerBaseStations=4; then
	wait_for -t "$WAIT" traps_settled
	sent1=$(scalar updprobeNotificationsSent)
	n=$(trap_count updprobeServerProblem "$FS")
	c=$(trap_count updprobeServerCodeChange "$FS" updprobeServerCode=2 updprobeServerPreviousCode=0 updprobeServerBaseStations=4)
	p=$(($(trap_total updprobeProblem) - problems0))
	check "$([ "$n" = 1 ] && [ "$c" = 1 ] && [ "$p" = 0 ] && [ $((sent1 - sent0)) = 2 ]; echo $?)" \
	    "b: a server 4 base stations share goes down: one updprobeServerProblem (code 2, 4 base stations) and its updprobeServerCodeChange, no updprobeProblem per base station" \
	    "ServerProblem $n, CodeChange $c, per base station $p, sent $((sent1 - sent0)): $(trap_lines "$FS" | squash)"
else
	not_ok "b: a shared server going down sends updprobeServerProblem with 4 base stations ($(trap_lines "$FS" | squash))"
fi
v=$(snmp_get updprobeTargetCode 000413000043)
check "$([ "$v" = 2 ]; echo $?)" "b: its base stations' rows show code 2 at once" "code $v"
flip_server_start snmplib_track || bail_out "start the second HTTP server again"
server_probe_now "$FS"
if wait_trap 1 updprobeServerCleared "$FS" updprobeServerCode=0 updprobeServerPreviousCode=2 updprobeServerBaseStations=4; then
	wait_for -t "$WAIT" traps_settled
	n=$(trap_total updprobeCleared)
	check "$([ "$n" = 0 ]; echo $?)" \
	    "b: it comes back: one updprobeServerCleared (4 base stations), no updprobeCleared per base station" \
	    "$n updprobeCleared: $(grep updprobeCleared "$TRAP_LOG" | squash)"
else
	not_ok "b: the shared server comes back: updprobeServerCleared ($(trap_lines "$FS" | squash))"
fi

# ===========================================================================
# c. Files change between scans: only their rows.

rows_of() {		# SERVER -> its base stations
	sget updprobeServerBaseStations "$1"
}
S1=${SRV[000413000001]}
probes_before=$(sget updprobeServerProbes "$S1")
prov "$D1/000413000099.cfg" "$OK_HOST" /good/
new_joined() {
	[ "$(snmp_get updprobeTargetServer 000413000099)" = "$S1" ] &&
	    [ "$(rows_of "$S1")" = 4 ]
}
if wait_for -t "$WAIT" new_joined; then
	check "$([ "$(snmp_get updprobeTargetCode 000413000099)" = 0 ] &&
	    [ "$(sget updprobeServerProbes "$S1")" = "$probes_before" ]; echo $?)" \
	    "c: a file added appears at once (inotify) with its server's code, 0; the server (now 4 base stations) is not probed again for it" \
	    "code $(snmp_get updprobeTargetCode 000413000099), probes $probes_before -> $(sget updprobeServerProbes "$S1")"
else
	not_ok "c: a file added appears with its server ($(snmp_get updprobeTargetServer 000413000099), $(rows_of "$S1") base stations)"
fi
rm -f "$D1/000413000099.cfg"
gone() { ! snmp_answers 000413000099 && [ "$(rows_of "$S1")" = 3 ]; }
check "$(wait_for -t "$WAIT" gone; echo $?)" \
    "c: the file removed: its row goes, the server counts 3 again" \
    "$(snmp_get updprobeTargetCode 000413000099); $(rows_of "$S1") base stations"

# A file replaced (written elsewhere, moved over it) to another folder:
# the base station moves; the old server keeps the others.
prov "$D1/000413000003.cfg" "$OK_HOST" /missing-dirfile/
moved() {
	[ "$(snmp_get updprobeTargetServer 000413000003)" = "${SRV[000413000010]}" ] &&
	    [ "$(snmp_get updprobeTargetCode 000413000003)" = 3 ]
}
check "$(wait_for -t "$WAIT" moved && [ "$(rows_of "$S1")" = 2 ] &&
    [ "$(rows_of "${SRV[000413000010]}")" = 3 ] &&
    [ "$(snmp_get updprobeTargetCode 000413000001)" = 0 ]; echo $?)" \
    "c: a file replaced moves its base station to the server of its new settings (code 3), the others stay" \
    "server $(snmp_get updprobeTargetServer 000413000003), code $(snmp_get updprobeTargetCode 000413000003), counts $(rows_of "$S1")/$(rows_of "${SRV[000413000010]}")"
wait_for -t "$WAIT" traps_settled
c=$(trap_count updprobeCodeChange 000413000003 updprobeTargetCode=3 updprobeTargetPreviousCode=0)
p=$(trap_count updprobeProblem 000413000003 updprobeTargetCode=3)
check "$([ "$c" = 1 ] && [ "$p" = 1 ]; echo $?)" \
    "c: that base station alone announces its change (updprobeCodeChange 0 -> 3, updprobeProblem 3)" \
    "CodeChange $c, Problem $p: $(trap_lines 000413000003 | squash)"

# The broken file fixed: its own alarm cleared.
prov "$D1/000413000050.cfg" "$OK_HOST" /good/
fixed() { [ "$(snmp_get updprobeTargetCode 000413000050)" = 0 ]; }
if wait_for -t "$WAIT" fixed && wait_trap 1 updprobeCleared 000413000050 updprobeTargetCode=0 updprobeTargetPreviousCode=6; then
	ok "c: the broken file fixed: code 0, fileOk, its updprobeCleared (was 6)"
else
	not_ok "c: the broken file fixed clears its alarm (code $(snmp_get updprobeTargetCode 000413000050); $(trap_lines 000413000050 | squash))"
fi
v=$(scalar updprobeProvisioningBroken)
check "$([ "$v" = 0 ]; echo $?)" "c: no broken file left (updprobeProvisioningBroken 0)" "$v"

# The last base station of a server goes: the server goes.
S20=${SRV[000413000020]}
rm -f "$D1/000413000020.cfg"
server_gone() { ! sget updprobeServerCode "$S20" >/dev/null; }
check "$(wait_for -t "$WAIT" server_gone; echo $?)" \
    "c: the last base station of a server removed: the server's row goes" \
    "$(sget updprobeServerCode "$S20")"

# SIGHUP with new settings of the folder (version 0800, which the good
# folder lacks): every base station of D1 moves to new servers, D2's stay.
write_conf version=0800
lines=$(wc -l <"$UPDPROBED_LOG")
kill -HUP "$UPDPROBED_PID"
new_servers() {
	local s
	s=$(snmp_get updprobeTargetServer 000413000001) || return 1
	[ -n "$s" ] && [ "$s" != "$S1" ] || return 1
	[ "$(snmp_get updprobeTargetServer 000413000060)" = "${SRV[000413000060]}" ]
}
if wait_for -t "$WAIT" new_servers; then
	NS=$(snmp_get updprobeTargetServer 000413000001)
	server_probe_now "$NS"
	check "$(wait_for -t "$WAIT" snmp_is updprobeTargetCode 000413000001 1 &&
	    ! sget updprobeServerCode "$S1" >/dev/null; echo $?)" \
	    "c: SIGHUP with version=0800 for the folder: its base stations move to a new server ($NS, code 1: no such version), the old one goes, the other folder's stay" \
	    "code $(snmp_get updprobeTargetCode 000413000001); old server $(sget updprobeServerCode "$S1")"
else
	not_ok "c: SIGHUP with new settings moves the folder's base stations ($(snmp_get updprobeTargetServer 000413000001); log: $(tail -n +"$((lines + 1))" "$UPDPROBED_LOG" | tail -n 5 | squash))"
fi
write_conf
kill -HUP "$UPDPROBED_PID"
back() { [ "$(snmp_get updprobeTargetServer 000413000001)" = "$S1" ]; }
check "$(wait_for -t "$WAIT" back; echo $?)" \
    "c: the settings back: the same server name again ($S1)" \
    "$(snmp_get updprobeTargetServer 000413000001)"

# ===========================================================================
# d. check_updprobe.

chk() {
	"$CHECK_UPDPROBE" -H 127.0.0.1 -p "$SNMP_PORT" -C "$SNMP_READ_COMMUNITY" \
	    -t 10 "$@" 2>&1
}
# Every server probed (the reload made new ones).
servers() {
	snmpbulkwalk -v2c -c "$SNMP_READ_COMMUNITY" -OQs "$SNMP_AGENT" \
	    UPDPROBE-MIB::updprobeServerCode 2>/dev/null |
	    sed -n 's/^updprobeServerCode\."\(.*\)" = \(.*\)$/\1 \2/p'
}
all_servers_probed() {
	! servers | grep -q ' notProbed'
}
for s in $(servers | cut -d' ' -f1); do
	server_probe_now "$s"
done
wait_for -t "$WAIT" all_servers_probed ||
    not_ok "d: every server probed before the checks ($(servers | squash))"
out=$(chk -n 000413000010)
rc=$?
check "$([ "$rc" = 2 ] && [[ "$out" == "UPDPROBE CRITICAL - 000413000010: Code 3 file not found"* ]] &&
    [[ "$out" == *"points at server ${SRV[000413000010]}"* ]]; echo $?)" \
    "d: -n a base station: CRITICAL, its code, and its server in the long output" \
    "rc $rc: $(printf '%s' "$out" | squash)"
out=$(chk -n "${SRV[000413000010]}")
rc=$?
check "$([ "$rc" = 2 ] && [[ "$out" == *"Code 3 file not found"* ]] &&
    [[ "$out" == *"3 base stations use these settings"* ]]; echo $?)" \
    "d: -n a server: CRITICAL, and how many base stations use it" \
    "rc $rc: $(printf '%s' "$out" | squash)"
out=$(chk -n 000413000001)
rc=$?
check "$([ "$rc" = 0 ]; echo $?)" "d: -n a good base station: OK" \
    "rc $rc: $(printf '%s' "$out" | squash)"
out=$(chk)
rc=$?
check "$([ "$rc" = 2 ] && [[ "${out%%$'\n'*}" =~ ^UPDPROBE\ CRITICAL\ -\ 2\ of\ 6\ servers\ not\ OK,\ 5\ base\ stations\; ]] &&
    [[ "$out" == *"base_stations=13;;;0 base_stations_not_ok=5;;;0"* ]]; echo $?)" \
    "d: without -n: the worst of the 6 servers (3 with code 3, 2 with code 12), base stations counted in the text and the perfdata" \
    "rc $rc: $(printf '%s' "$out" | squash)"
out=$(chk -n no-such-name)
rc=$?
check "$([ "$rc" = 3 ]; echo $?)" "d: -n a name that is nothing: UNKNOWN" \
    "rc $rc: $(printf '%s' "$out" | squash)"

# ===========================================================================
# e. updprobe --provisioning-dir: the same servers, names and codes.

out=$("$UPDPROBE" --dns-server "127.0.0.1:$DNS_PORT" --allow-loopback \
    --timeout 2 --user m3 --password-file "$TEST_TMP/pw-good" \
    --provisioning-dir "$D1" --json 2>"$TEST_TMP/cli.err")
rc=$?
got=$("$PYTHON" -c '
import json, sys
d = json.loads(sys.argv[1])
print(" ".join(sorted("%s=%d:%s" % (s["server"], s["code"], ",".join(s["base_stations"]))
                       for s in d["servers"])),
      "broken=%d refused=%d stations=%d" % (len(d["broken"]), len(d["refused"]),
                                         d["base_station_count"]))' "$out" 2>&1)
# (conf-a.cfg is a base station here: the report knows no targets.)
want="${SRV[000413000001]}=0:000413000001,000413000002,000413000050,conf-a ${SRV[000413000010]}=3:000413000003,000413000010,000413000011 ${SRV[000413000030]%.2}=0:000413000030 ${SRV[000413000041]}=0:000413000041,000413000042,000413000043,000413000044 broken=0 refused=1 stations=12"
want=$(printf '%s\n' $want | sort | paste -s -d ' ' -)
got=$(printf '%s\n' $got | sort | paste -s -d ' ' -)
check "$([ "$rc" = 3 ] && [ "$got" = "$want" ]; echo $?)" \
    "e: --json: the servers of updprobed (same names, codes, base stations), exit 3 (the code most base stations would show)" \
    "rc $rc, got $got; want $want; stderr $(squash <"$TEST_TMP/cli.err")"
out=$("$UPDPROBE" --dns-server "127.0.0.1:$DNS_PORT" --allow-loopback \
    --timeout 2 --user m3 --password-file "$TEST_TMP/pw-wrong" \
    --provisioning-dir "$D2" --pattern '*.cfg' 2>&1)
rc=$?
check "$([ "$rc" = 12 ] && [[ "$out" == *"${SRV[000413000060]%.2}"*"  12 "*"000413000060 000413000061"* ]]; echo $?)" \
    "e: the table: server, code 12, both base stations; exit 12" \
    "rc $rc: $(printf '%s' "$out" | squash)"
"$UPDPROBE" --provisioning-dir "$D1" --pattern '*.nothing' >/dev/null 2>&1
rc=$?
check "$([ "$rc" = 64 ]; echo $?)" "e: no file matching the pattern: usage error 64" "rc $rc"
"$UPDPROBE" --provisioning-dir "$TEST_TMP/no-such-dir" >/dev/null 2>&1
rc=$?
check "$([ "$rc" = 64 ]; echo $?)" "e: a folder that cannot be read: 64" "rc $rc"

# ===========================================================================

stop_updprobed
check "$([ "$UPDPROBED_STATUS" = 0 ]; echo $?)" \
    "updprobed stops on SIGTERM with status 0" "status $UPDPROBED_STATUS"
if grep -q "$SECRET" "$UPDPROBED_LOG" "$TRAP_LOG"; then
	not_ok "the password shows in no log and no notification"
else
	ok "the password shows in no log and no notification"
fi
finish
