#!/bin/bash
# monitoring.sh - the shipped integrations in the real monitoring systems
# Debian 12 packages, each on loopback with private configuration in the
# test's temporary directory, started and stopped by its PID, reading the
# real updprobed behind a real snmpd (tests/snmplib.sh) whose targets point
# at the fault-playing HTTP update server (tests/servers/httpfault.py).
#
#   CHECK_UPDPROBE=build/check_updprobe UPDPROBED=build/updprobed \
#       tests/e2e/monitoring.sh [nagios] [icinga2] [prometheus] [zabbix]
#
# (no argument: all four). Parts:
#   n  Nagios 4 (nagios4-core): plugins/nagios/updprobe.cfg, adapted only in
#      addresses, the SNMP port and paths, passes "nagios4 -v" with a copy of
#      Debian's /etc/nagios4/nagios.cfg (paths moved to the temp dir); a
#      nagios4 run then shows each service's state, output and perfdata in
#      status.dat
#   i  Icinga 2: plugins/icinga2/updprobe.conf (the CheckCommand) and
#      services.conf.example, adapted the same way, pass "icinga2 daemon -C";
#      an icinga2 run executes the checks (results through its
#      PerfdataWriter)
#   p  Prometheus: plugins/prometheus/snmp.yml is what Debian's
#      prometheus-snmp-generator makes of generator.yml, and Debian's
#      prometheus-snmp-exporter with it returns updprobeTargetCode per
#      target, labelled with the target's name
#   z  Zabbix 6.0: zabbix_server (zabbix-server-pgsql) on a private
#      PostgreSQL cluster (unix socket in the temp dir), the frontend's API
#      served by "php -S" from /usr/share/zabbix: configuration.import of
#      plugins/zabbix/template_updprobe.yaml, a host with an SNMP interface
#      on the test snmpd, discovery, every item supported, the codes per
#      target, triggers in PROBLEM with the template's severities for the
#      failing targets and none for the good ones, no trigger unknown, the
#      "updprobed has restarted" trigger on a real restart, and each
#      notification in its snmptrap[] item through snmptrapd and
#      plugins/zabbix/zabbix_trap_handler; all of it twice: with no MIB
#      loaded (Debian's snmp.conf, "mibs :") and with UPDPROBE-MIB loaded
#      (mibs +UPDPROBE-MIB) in the Zabbix server and in snmptrapd, where the
#      items must keep their names; then fleet mode (a provisioning folder):
#      the servers and the base stations discovered, their codes, the
#      base-station count, the triggers of a failing server and of a broken
#      provisioning file, and the target discovery left to the targets
#
# Runs as root (it starts PostgreSQL, Nagios, Icinga 2 and the Zabbix server
# as the users Debian runs them as). Prints "ok - ..." / "not ok - ..." per
# check, then "N passed, N failed"; exits 1 if anything failed, including a
# program that is missing or does not start (nothing is skipped silently).

# SC2317: functions run through wait_for; SC2153: HTTP_PORT comes from
# lib.sh, SNMP_PORT from snmplib.sh; SC2016: awk programs and Zabbix macros
# in single quotes; SC2119: helpers with optional arguments.
# shellcheck disable=SC2317,SC2153,SC2016,SC2119

set -u

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
# shellcheck source=SCRIPTDIR/../lib.sh
. "$HERE/../lib.sh"

CHECK=${CHECK_UPDPROBE:-$ROOT/build/check_updprobe}
case $CHECK in /*) ;; *) CHECK=$ROOT/$CHECK ;; esac
UPDPROBED=${UPDPROBED:-$ROOT/build/updprobed}
case $UPDPROBED in /*) ;; *) UPDPROBED=$ROOT/$UPDPROBED ;; esac

NAGIOS4=${NAGIOS4:-/usr/sbin/nagios4}
ICINGA2=${ICINGA2:-/usr/sbin/icinga2}
SNMP_EXPORTER=${SNMP_EXPORTER:-/usr/bin/prometheus-snmp-exporter}
SNMP_GENERATOR=${SNMP_GENERATOR:-/usr/bin/prometheus-snmp-generator}
ZABBIX_SERVER=${ZABBIX_SERVER:-/usr/sbin/zabbix_server}
ZABBIX_SQL=${ZABBIX_SQL:-/usr/share/zabbix-server-pgsql}
ZABBIX_WEB=${ZABBIX_WEB:-/usr/share/zabbix}
PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
PHP=${PHP:-/usr/bin/php}
MONITORING_PLUGINS=${MONITORING_PLUGINS:-/usr/lib/nagios/plugins}

# Generous bounds for a machine with a load of 10 and more.
START_WAIT=60		# a server answers after its start
RESULT_WAIT=120		# a scheduled or forced check has a result
# The SNMPv3 user of the test snmpd (the sample's $USER4$ / updprobe_user).
V3_USER=nagios
V3_AUTH=auth-pass-123
V3_PRIV=priv-pass-456

PARTS=("$@")
[ ${#PARTS[@]} -gt 0 ] || PARTS=(nagios icinga2 prometheus zabbix)
for p in "${PARTS[@]}"; do
	case $p in
	nagios | icinga2 | prometheus | zabbix) ;;
	*) echo "monitoring.sh: unknown part $p (nagios icinga2 prometheus zabbix)" >&2
	   exit 64 ;;
	esac
done
want_part() {
	local p
	for p in "${PARTS[@]}"; do
		[ "$p" = "$1" ] && return 0
	done
	return 1
}

# ---------------------------------------------------------------------------
# Set-up: tools, the agent and its targets.

# shellcheck source=SCRIPTDIR/../snmplib.sh
. "$HERE/../snmplib.sh" ||
    bail_out "the SNMP tools and MIBs for the tests (tests/snmplib.sh, see above)"
[ "$(id -u)" = 0 ] ||
    bail_out "runs as root: it starts PostgreSQL, Nagios, Icinga 2 and Zabbix as their Debian users"
[ -x "$CHECK" ] || bail_out "the plugin $CHECK is not an executable file (make it first)"
[ -x "$UPDPROBED" ] || bail_out "the daemon $UPDPROBED is not an executable file (make it first)"

MISSING=
need() {		# FILE PACKAGE
	[ -x "$1" ] || MISSING="$MISSING $1 ($2)"
}
want_part nagios && need "$NAGIOS4" nagios4-core &&
    need "$MONITORING_PLUGINS/check_ping" monitoring-plugins-basic
want_part icinga2 && need "$ICINGA2" icinga2-bin
want_part prometheus && need "$SNMP_EXPORTER" prometheus-snmp-exporter &&
    need "$SNMP_GENERATOR" prometheus-snmp-exporter
if want_part zabbix; then
	need "$ZABBIX_SERVER" zabbix-server-pgsql
	need "$PG_BIN/initdb" postgresql-15
	need "$PG_BIN/postgres" postgresql-15
	need "$PHP" php-cli
	[ -r "$ZABBIX_WEB/api_jsonrpc.php" ] ||
	    MISSING="$MISSING $ZABBIX_WEB (zabbix-frontend-php)"
	"$PHP" -m 2>/dev/null | grep -qx pgsql ||
	    MISSING="$MISSING php's pgsql module (php-pgsql)"
fi
[ -z "$MISSING" ] ||
    bail_out "installed (tests/deps.sh installs them):$MISSING"

# The daemons run as their Debian users: they must reach their files.
chmod 711 "$TEST_TMP"
# as USER CMD...: run CMD as USER (setpriv execs it: same PID).
as() {
	local user=$1
	shift
	setpriv --reuid="$user" --regid="$(id -g "$user")" --init-groups -- "$@"
}
owned_dir() {		# USER DIR...
	local user=$1
	shift
	mkdir -p "$@" && chown "$user:$(id -gn "$user")" "$@"
}

# tracked [-u USER] CMD...: start CMD in the background (as USER), track
# its PID (stopped on exit); LAST_PID.
tracked() {
	local user=
	if [ "$1" = -u ]; then
		user=$2
		shift 2
		set -- setpriv --reuid="$user" --regid="$(id -g "$user")" \
		    --init-groups -- "$@"
	fi
	"$@" </dev/null &
	LAST_PID=$!
	snmplib_track "$LAST_PID"
}

start_httpfault || bail_out "start the HTTP update server (tests/servers/httpfault.py)"
H="http://127.0.0.1:$HTTP_PORT"

# snmpd with the SNMPv3 user of the samples.
start_snmpd_v3() {
	local try port
	AGENTX_SOCK=$TEST_TMP/agentx.sock
	mkdir -p "$TEST_TMP/snmpd-persist" || return 1
	for ((try = 0; try < 5; try++)); do
		port=$(free_port udp) || return 1
		_snmpd_write_conf "$port" || return 1
		cat >>"$TEST_TMP/snmpd.conf" <<EOF
createUser $V3_USER SHA-256 $V3_AUTH AES $V3_PRIV
rouser $V3_USER priv
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

# The traps go to snmptrapd (Zabbix's trap path), whose port must be known
# before snmpd starts: it is chosen here, snmptrapd started later.
if want_part zabbix; then
	TRAP_PORT=$(free_port udp)
	export TRAP_PORT
fi
start_snmpd_v3 || bail_out "start snmpd as AgentX master (see above)"

# name, the code it must predict, folder and keys
TARGETS=(
	"site-a 3 $H/missing-dirfile/"
	"site-b 5 $H/slow-headers/ timeout=1"
	"site-c 0 $H/good/"
	"srv.down_1 2 $H/status-500/"
	"flip 0 $H/good/"
	"ignored 0 $H/good/"
)
EXTRA_TARGETS=()
CONF=$TEST_TMP/updprobed.conf
write_conf() {		# FLIP-FOLDER
	local t name rest
	{
		echo "# monitoring.sh"
		echo "interval 300"
		echo "timeout 5"
		for t in "${TARGETS[@]}"; do
			read -r name _ rest <<<"$t"
			[ "$name" = flip ] && rest="$H/$1/"
			echo "target $name $rest"
		done
		for name in "${EXTRA_TARGETS[@]}"; do
			echo "target $name $H/good/"
		done
		# the fleet part of the Zabbix test
		if [ -n "${FLEET_LINE:-}" ]; then
			echo "$FLEET_LINE"
		fi
	} >"$CONF.new" && mv -f "$CONF.new" "$CONF"
}
FLIP=good
write_conf "$FLIP"
NAMES=()
declare -A CODE=()
for t in "${TARGETS[@]}"; do
	read -r name code _ <<<"$t"
	NAMES+=("$name")
	CODE[$name]=$code
done

all_probed() {
	local n
	for n in "${NAMES[@]}"; do
		snmp_probed "$n" || return 1
	done
}

start_updprobed "$CONF" || bail_out "start updprobed (see above)"
wait_for -t "$START_WAIT" snmp_answers site-a ||
    bail_out "the target table answers through snmpd (got: $(snmp_get updprobeTargetCode site-a | squash))"
for n in "${NAMES[@]}"; do
	probe_now "$n"
done
wait_for -t "$START_WAIT" all_probed
PROBLEMS=
for n in "${NAMES[@]}"; do
	v=$(snmp_get updprobeTargetCode "$n")
	[ "$v" = "${CODE[$n]}" ] || PROBLEMS="$PROBLEMS; $n: code $v, want ${CODE[$n]}"
done
[ -z "$PROBLEMS" ] ||
    bail_out "the agent predicts the codes the checks below expect (${PROBLEMS#; })"
echo "# HTTP on $HTTP_PORT, snmpd on $SNMP_PORT; logs in $TEST_TMP"

# The monitoring-plugins directory of the samples' $USER1$ / PluginDir:
# Debian's plugins, and check_updprobe from the build under test.
PLUGINS=$TEST_TMP/plugins
mkdir -p "$PLUGINS"
for f in "$MONITORING_PLUGINS"/*; do
	ln -s "$f" "$PLUGINS/"
done
ln -sf "$CHECK" "$PLUGINS/check_updprobe"

# The SNMPv3 passphrase files the samples name, mode 600, owned by nagios.
secret_file() {		# FILE TEXT
	(umask 077 && printf '%s\n' "$2" >"$1") && chown nagios:nagios "$1"
}

# plugin_line SERVICE-NAME: what the plugin itself prints for the command
# the sample gives a service, the reference for the systems' results.
direct_run() {		# ARGS... -> first line
	timeout -k 2 60 "$CHECK" "$@" 2>&1 </dev/null | head -n 1
}

# ===========================================================================
# n. Nagios 4

NAGIOS_SAMPLE=$ROOT/plugins/nagios/updprobe.cfg

# The sample, adapted only in addresses, the SNMP port and paths.
adapt_nagios_sample() {		# OUT
	sed -e "s|^\(\s*address\s\+\)192\.0\.2\.20\s*$|\1127.0.0.1|" \
	    -e "s|^\(\s*address\s\+\)fw\.example\.com\s*$|\1127.0.0.1|" \
	    -e "s|^\(\s*_SNMP_PORT\s\+\)161\s*$|\1$SNMP_PORT|" \
	    -e "s|http://fw\.example\.com/m3/|$H/good/|g" \
	    -e "s|/etc/nagios4/updprobe-|$NAG/etc/updprobe-|g" \
	    "$NAGIOS_SAMPLE" >"$1"
}

# Debian's main configuration with its paths moved into $NAG. Only what
# would leave the temp dir or the machine changes: paths, syslog, the
# update check (a request to nagios.org) and e-mail notifications; and the
# result reaper and status file run every second instead of 10 s.
adapt_nagios_main() {		# OUT
	sed -e "s|/etc/nagios4/conf.d|$NAG/etc/conf.d|" \
	    -e "s|/etc/nagios4/resource.cfg|$NAG/etc/resource.cfg|" \
	    -e "s|/var/lib/nagios4|$NAG/var|g" \
	    -e "s|/var/log/nagios4|$NAG/log|g" \
	    -e "s|/var/run/nagios4|$NAG/run|g" \
	    -e "s|/var/cache/nagios4|$NAG/var|g" \
	    -e "s|^temp_path=.*|temp_path=$NAG/tmp|" \
	    -e "s|^\(cfg_file=/etc/nagios4/objects/localhost.cfg\)|#\1|" \
	    -e "s|^use_syslog=.*|use_syslog=0|" \
	    -e "s|^check_for_updates=.*|check_for_updates=0|" \
	    -e "s|^enable_notifications=.*|enable_notifications=0|" \
	    -e "s|^check_result_reaper_frequency=.*|check_result_reaper_frequency=1|" \
	    -e "s|^status_update_interval=.*|status_update_interval=1|" \
	    /etc/nagios4/nagios.cfg >"$1"
}

# nagios_status: status.dat's servicestatus blocks, one line each:
# "DESCRIPTION<TAB>STATE<TAB>CHECKED<TAB>OUTPUT<TAB>PERFDATA".
nagios_status() {
	awk '
	/^servicestatus \{/ { inblk = 1; d = s = c = o = p = ""; next }
	inblk && /^\t}/ { printf "%s\t%s\t%s\t%s\t%s\n", d, s, c, o, p; inblk = 0; next }
	inblk {
		sub(/^\t/, "")
		k = $0; sub(/=.*/, "", k); v = $0; sub(/^[^=]*=/, "", v)
		if (k == "service_description") d = v
		else if (k == "current_state") s = v
		else if (k == "has_been_checked") c = v
		else if (k == "plugin_output") o = v
		else if (k == "performance_data") p = v
	}' "$NAG/var/status.dat" 2>/dev/null
}

nagios_all_checked() {
	local n
	n=$(nagios_status | awk -F'\t' '$3 == 1' | wc -l)
	[ "$n" -ge "$NAGIOS_SERVICES" ]
}

part_nagios() {
	local out rc pid sample_services line desc state output perf want_state \
	    want_first want_text cmd t h
	NAG=$TEST_TMP/nagios
	owned_dir nagios "$NAG" "$NAG/etc" "$NAG/etc/conf.d" "$NAG/var" \
	    "$NAG/var/spool" "$NAG/var/spool/checkresults" "$NAG/var/rw" \
	    "$NAG/log" "$NAG/log/archives" "$NAG/run" "$NAG/tmp"
	adapt_nagios_main "$NAG/etc/nagios.cfg"
	adapt_nagios_sample "$NAG/etc/conf.d/updprobe.cfg"
	sed -e "s|^\\\$USER1\\\$=.*|\$USER1\$=$PLUGINS|" /etc/nagios4/resource.cfg \
	    >"$NAG/etc/resource.cfg"
	printf '$USER3$=%s\n$USER4$=%s\n' "$SNMP_READ_COMMUNITY" "$V3_USER" \
	    >>"$NAG/etc/resource.cfg"
	chmod 640 "$NAG/etc/resource.cfg"
	chown -R nagios:nagios "$NAG/etc"
	secret_file "$NAG/etc/updprobe-auth.secret" "$V3_AUTH"
	secret_file "$NAG/etc/updprobe-priv.secret" "$V3_PRIV"

	# What was adapted: nothing else may differ from the shipped sample.
	out=$(diff "$NAGIOS_SAMPLE" "$NAG/etc/conf.d/updprobe.cfg" |
	    grep '^>' | grep -cv "127\.0\.0\.1\|_SNMP_PORT\|$NAG/etc/updprobe-")
	check "$([ "$out" = 0 ]; echo $?)" \
	    "n: the sample differs from plugins/nagios/updprobe.cfg only in addresses, port and paths" \
	    "$(diff "$NAGIOS_SAMPLE" "$NAG/etc/conf.d/updprobe.cfg" | squash)"

	out=$(as nagios "$NAGIOS4" -v "$NAG/etc/nagios.cfg" 2>&1)
	rc=$?
	check "$([ "$rc" = 0 ] && [[ "$out" == *"Things look okay"* ]]; echo $?)" \
	    "n: nagios4 -v accepts updprobe.cfg with Debian's nagios.cfg" \
	    "status $rc: $(printf '%s' "$out" | grep -i 'error\|warning' | squash)"
	if [ "$rc" != 0 ]; then
		return 1
	fi
	sample_services=$(grep -c '^\s*service_description' "$NAGIOS_SAMPLE")
	NAGIOS_SERVICES=$sample_services

	# A run: nagios4 in the foreground (it drops to the user nagios), then
	# every service checked at once through the command file.
	tracked "$NAGIOS4" "$NAG/etc/nagios.cfg" >>"$NAG/nagios4.out" 2>&1
	pid=$LAST_PID
	echo "# nagios4 PID $pid, files in $NAG"
	if ! wait_for -t "$START_WAIT" test -p "$NAG/var/rw/nagios.cmd"; then
		not_ok "n: nagios4 runs and opens its command file ($(tail -n 5 "$NAG/log/nagios.log" 2>/dev/null | squash))"
		snmplib_kill "$pid"
		return 1
	fi
	t=$(date +%s)
	while read -r h; do
		printf '[%s] SCHEDULE_FORCED_HOST_SVC_CHECKS;%s;%s\n' "$t" "$h" "$t" \
		    >"$NAG/var/rw/nagios.cmd"
	done < <(sed -n 's/^\s*host_name\s\+\(\S\+\)\s*$/\1/p' "$NAG/etc/conf.d/updprobe.cfg" | sort -u)
	if ! wait_for -t "$RESULT_WAIT" nagios_all_checked; then
		not_ok "n: every one of the $NAGIOS_SERVICES services checked within $RESULT_WAIT s ($(nagios_status | squash); log: $(tail -n 5 "$NAG/log/nagios.log" 2>/dev/null | squash))"
	fi

	# Each service: the state, output and perfdata check_updprobe itself
	# gives for the same command.
	while IFS=$'\t' read -r desc state _ output perf; do
		case $desc in
		"Snom m3 update site-a")
			want_state=2
			cmd=(-H 127.0.0.1 -p "$SNMP_PORT" -C "$SNMP_READ_COMMUNITY" -n site-a) ;;
		"Snom m3 update site-b")
			want_state=2
			cmd=(-H 127.0.0.1 -p "$SNMP_PORT" -C "$SNMP_READ_COMMUNITY" -n site-b -c 1-12) ;;
		"Snom m3 updates all targets")
			want_state=2
			cmd=(-H 127.0.0.1 -p "$SNMP_PORT" -C "$SNMP_READ_COMMUNITY") ;;
		"Snom m3 update site-c SNMPv3")
			want_state=0
			cmd=(-H 127.0.0.1 -p "$SNMP_PORT" -P 3 -U "$V3_USER" -L authPriv
			    -a SHA-256 --authpass-file "$NAG/etc/updprobe-auth.secret"
			    -x AES --privpass-file "$NAG/etc/updprobe-priv.secret" -n site-c) ;;
		"Snom m3 update folder /m3/")
			want_state=0
			cmd=(--direct "$H/good/" -n fw-m3 -t 30) ;;
		*)
			not_ok "n: status.dat has an unexpected service '$desc'"
			continue ;;
		esac
		want_first=$(as nagios "$CHECK" "${cmd[@]}" 2>&1 </dev/null | head -n 1)
		line="$output"
		[ -n "$perf" ] && line="$output | $perf"
		# Timings in the perfdata differ between two runs: compare the
		# text and the names of the perfdata (Nagios appends those of the
		# long output). Nagios writes a ";" of the text as ":".
		want_text=${want_first%% | *}
		want_text=${want_text//;/:}
		check "$([ "$state" = "$want_state" ] &&
		    [ "$output" = "$want_text" ] && [ -n "$perf" ] &&
		    [[ "$(perf_names "$perf") " == "$(perf_names "${want_first#* | }") "* ]]; echo $?)" \
		    "n: status.dat: '$desc' is state $state: $(printf '%s' "$line" | cut -c 1-110)" \
		    "want state $want_state, output and perfdata as the plugin prints: $want_first; status.dat: state $state, $line"
	done < <(nagios_status | awk -F'\t' '$3 == 1')

	out=$(grep -ci 'error\|warning' "$NAG/log/nagios.log" 2>/dev/null)
	check "$([ "${out:-0}" = 0 ]; echo $?)" \
	    "n: nagios.log has no error or warning" \
	    "$(grep -i 'error\|warning' "$NAG/log/nagios.log" | squash)"
	snmplib_kill "$pid"
}

# perf_names PERFDATA: the labels of a perfdata string, space-separated.
perf_names() {
	printf '%s\n' "$1" | tr ' ' '\n' | sed -n 's/=.*//p' | paste -s -d ' ' -
}

# plugin_perf OUTPUT: all the perfdata of a plugin's output, as the plugin
# guidelines define it: after the first line's "|", then after the first
# "|" of the long output and every line that follows.
plugin_perf() {
	printf '%s\n' "$1" | awk '
	NR == 1 { if ((i = index($0, "|")) > 0) print substr($0, i + 1); next }
	inperf { print; next }
	(i = index($0, "|")) > 0 { inperf = 1; print substr($0, i + 1) }' |
	    tr '\n' ' '
}

# ===========================================================================
# i. Icinga 2

ICINGA_CMD=$ROOT/plugins/icinga2/updprobe.conf
ICINGA_SAMPLE=$ROOT/plugins/icinga2/services.conf.example

icinga2_defines() {
	printf '%s\n' "-DConfigDir=$ICI/etc" "-DDataDir=$ICI/var/lib" \
	    "-DLogDir=$ICI/log" "-DCacheDir=$ICI/cache" "-DSpoolDir=$ICI/spool" \
	    "-DInitRunDir=$ICI/run" \
	    "-DPidPath=$ICI/run/icinga2.pid" "-DVarsPath=$ICI/cache/icinga2.vars" \
	    "-DObjectsPath=$ICI/cache/icinga2.debug" \
	    "-DStatePath=$ICI/var/lib/icinga2.state" \
	    "-DModAttrPath=$ICI/var/lib/modified-attributes.conf" \
	    "-DZonesStageVarDir=$ICI/var/lib/api/zones-stage"
}

# The perfdata records: "SERVICE<TAB>STATE<TAB>OUTPUT<TAB>PERFDATA", the
# output's first line only (a record holds the long output too).
icinga2_results() {
	cat "$ICI"/perfdata/service-perfdata.* 2>/dev/null | "$PYTHON" -c '
import re, sys
text = sys.stdin.read()
for rec in re.split(r"(?:^|\n)(?=SERVICEDESC::)", text):
    m = re.match(r"SERVICEDESC::(.*?)\tSERVICESTATE::(\d+)\tSERVICEOUTPUT::(.*)"
                 r"\tSERVICEPERFDATA::(.*)$", rec, re.S)
    if m:
        print("\t".join([m.group(1), m.group(2),
                         m.group(3).split("\n", 1)[0].strip(),
                         m.group(4).strip()]))'
}

icinga2_all_checked() {
	local n
	n=$(icinga2_results | cut -f1 | sort -u | wc -l)
	[ "$n" -ge "$ICINGA_SERVICES" ]
}

part_icinga2() {
	local out rc pid t desc state output perf want want_first want_out
	local want_perf cmd
	local -a defs
	ICI=$TEST_TMP/icinga2
	owned_dir nagios "$ICI" "$ICI/etc" "$ICI/var" "$ICI/var/lib" "$ICI/log" \
	    "$ICI/cache" "$ICI/spool" "$ICI/run" "$ICI/perfdata" "$ICI/tmp"
	mapfile -t defs < <(icinga2_defines)
	# Debian's constants and zones, PluginDir moved to the test's.
	sed "s|^const PluginDir = .*|const PluginDir = \"$PLUGINS\"|" \
	    /etc/icinga2/constants.conf >"$ICI/etc/constants.conf"
	# No zones: with Debian's zones.conf (an Endpoint, no ApiListener)
	# this one-node daemon schedules the checks but never runs them.
	: >"$ICI/etc/zones.conf"
	cp "$ICINGA_CMD" "$ICI/etc/updprobe.conf"
	sed -e "s|\"192\.0\.2\.20\"|\"127.0.0.1\"|" \
	    -e "s|address = \"fw\.example\.com\"|address = \"127.0.0.1\"|" \
	    -e "s|updprobe_port = 161|updprobe_port = $SNMP_PORT|" \
	    -e "s|http://fw\.example\.com/m3/|$H/good/|g" \
	    -e "s|/etc/icinga2/updprobe-|$ICI/etc/updprobe-|g" \
	    "$ICINGA_SAMPLE" >"$ICI/etc/services.conf"
	secret_file "$ICI/etc/updprobe-auth.secret" "$V3_AUTH"
	secret_file "$ICI/etc/updprobe-priv.secret" "$V3_PRIV"
	cat >"$ICI/etc/icinga2.conf" <<EOF
include "constants.conf"
include "zones.conf"
include <itl>
include <plugins>
include "updprobe.conf"
include "services.conf"

object CheckerComponent "checker" { }
object ExternalCommandListener "command" {
	command_path = "$ICI/run/icinga2.cmd"
}
object PerfdataWriter "perfdata" {
	service_perfdata_path = "$ICI/perfdata/service-perfdata"
	service_temp_path = "$ICI/tmp/service-perfdata"
	host_perfdata_path = "$ICI/perfdata/host-perfdata"
	host_temp_path = "$ICI/tmp/host-perfdata"
	service_format_template = "SERVICEDESC::\$service.name\$\tSERVICESTATE::\$service.state_id\$\tSERVICEOUTPUT::\$service.output\$\tSERVICEPERFDATA::\$service.perfdata\$"
	rotation_interval = 1s
}
object FileLogger "main-log" {
	severity = "information"
	path = "$ICI/log/icinga2.log"
}
EOF
	chown -R nagios:nagios "$ICI/etc"

	out=$(diff "$ICINGA_SAMPLE" "$ICI/etc/services.conf" | grep '^>' |
	    grep -cv "127\.0\.0\.1\|updprobe_port = $SNMP_PORT\|$ICI/etc/updprobe-")
	check "$([ "$out" = 0 ]; echo $?)" \
	    "i: the sample differs from plugins/icinga2/services.conf.example only in addresses, port and paths" \
	    "$(diff "$ICINGA_SAMPLE" "$ICI/etc/services.conf" | squash)"

	out=$("$ICINGA2" daemon -C -c "$ICI/etc/icinga2.conf" "${defs[@]}" 2>&1)
	rc=$?
	check "$([ "$rc" = 0 ]; echo $?)" \
	    "i: icinga2 daemon -C accepts updprobe.conf and services.conf.example ($(printf '%s' "$out" | grep -o '[0-9]* Services\?\.' | squash))" \
	    "status $rc: $(printf '%s' "$out" | grep -i 'critical\|warning\|error' | squash)"
	[ "$rc" = 0 ] || return 1
	ICINGA_SERVICES=$(printf '%s' "$out" | sed -n 's/.*Instantiated \([0-9]*\) Services\?\..*/\1/p')
	ICINGA_SERVICES=${ICINGA_SERVICES:-0}

	tracked "$ICINGA2" daemon -c "$ICI/etc/icinga2.conf" "${defs[@]}" \
	    >>"$ICI/icinga2.out" 2>&1
	pid=$LAST_PID
	echo "# icinga2 PID $pid, files in $ICI"
	if ! wait_for -t "$START_WAIT" test -p "$ICI/run/icinga2.cmd"; then
		not_ok "i: icinga2 runs and opens its command pipe ($(tail -n 5 "$ICI/log/icinga2.log" 2>/dev/null | squash))"
		snmplib_kill "$pid"
		return 1
	fi
	t=$(date +%s)
	for h in updprobe-agent fw.example.com; do
		printf '[%s] SCHEDULE_FORCED_HOST_SVC_CHECKS;%s;%s\n' "$t" "$h" "$t" \
		    >"$ICI/run/icinga2.cmd"
	done
	if ! wait_for -t "$RESULT_WAIT" icinga2_all_checked; then
		not_ok "i: every one of the $ICINGA_SERVICES services checked within $RESULT_WAIT s (results: $(icinga2_results | squash); log: $(grep -i 'warning\|critical' "$ICI/log/icinga2.log" | tail -n 5 | squash))"
	fi
	while IFS=$'\t' read -r desc state output perf; do
		case $desc in
		"Snom m3 update site-a")
			want=2; cmd=(-H 127.0.0.1 -p "$SNMP_PORT" -C "$SNMP_READ_COMMUNITY" -n site-a) ;;
		"Snom m3 update site-b")
			want=1; cmd=(-H 127.0.0.1 -p "$SNMP_PORT" -C "$SNMP_READ_COMMUNITY" -n site-b) ;;
		"Snom m3 updates all targets")
			want=2; cmd=(-H 127.0.0.1 -p "$SNMP_PORT" -C "$SNMP_READ_COMMUNITY") ;;
		"Snom m3 update site-c SNMPv3")
			want=0; cmd=(-H 127.0.0.1 -p "$SNMP_PORT" -P 3 -U "$V3_USER" -L authPriv
			    -a SHA-256 --authpass-file "$ICI/etc/updprobe-auth.secret"
			    -x AES --privpass-file "$ICI/etc/updprobe-priv.secret" -n site-c) ;;
		"Snom m3 update folder /m3/")
			want=0; cmd=(--direct "$H/good/" -n fw-m3 -t 30) ;;
		*)
			not_ok "i: a result for an unexpected service '$desc'"
			continue ;;
		esac
		want_out=$(as nagios "$CHECK" "${cmd[@]}" 2>&1 </dev/null)
		want_first=$(printf '%s\n' "$want_out" | head -n 1)
		# The perfdata: every label the plugin prints (the first
		# line's, then the long output's), in its order and spelling.
		want_perf=$(perf_names "$(plugin_perf "$want_out")")
		check "$([ "$state" = "$want" ] &&
		    [ "$output" = "${want_first%% | *}" ] && [ -n "$perf" ] &&
		    [ "$(perf_names "$perf")" = "$want_perf" ]; echo $?)" \
		    "i: '$desc' is state $state, every perfdata label as the plugin prints it: $(printf '%s' "$output" | cut -c 1-100)" \
		    "want state $want, output and perfdata labels as the plugin prints: $want_first; labels: $want_perf; icinga2: state $state, $output | $perf"
	done < <(icinga2_results | sort -u -t$'\t' -k1,1)
	snmplib_kill "$pid"
}

# ===========================================================================
# p. Prometheus

PROM_DIR=$ROOT/plugins/prometheus

part_prometheus() {
	local out rc port pid url scrape n want got
	local P=$TEST_TMP/prometheus
	mkdir -p "$P/gen"
	# snmp.yml is what Debian's generator makes of generator.yml.
	cp "$PROM_DIR/generator.yml" "$P/gen/"
	out=$(cd "$P/gen" && "$SNMP_GENERATOR" generate -o "$P/gen/snmp.yml" 2>&1)
	rc=$?
	check "$([ "$rc" = 0 ] && cmp -s "$P/gen/snmp.yml" "$PROM_DIR/snmp.yml"; echo $?)" \
	    "p: plugins/prometheus/snmp.yml is what prometheus-snmp-generator makes of generator.yml" \
	    "status $rc: $(printf '%s' "$out" | grep -v level=info | squash); diff: $(diff "$PROM_DIR/snmp.yml" "$P/gen/snmp.yml" | squash)"

	out=$("$SNMP_EXPORTER" --dry-run --config.file="$PROM_DIR/snmp.yml" 2>&1)
	rc=$?
	check "$rc" "p: prometheus-snmp-exporter --dry-run accepts snmp.yml" \
	    "status $rc: $(printf '%s' "$out" | squash)"

	for ((try = 0; try < 5; try++)); do
		port=$(free_port tcp)
		tracked "$SNMP_EXPORTER" --config.file="$PROM_DIR/snmp.yml" \
		    --web.listen-address="127.0.0.1:$port" \
		    --snmp.source-address=127.0.0.1: >>"$P/exporter.log" 2>&1
		pid=$LAST_PID
		if wait_for -t "$START_WAIT" curl -sf -o /dev/null "http://127.0.0.1:$port/metrics"; then
			break
		fi
		snmplib_kill "$pid"
		pid=
	done
	if [ -z "$pid" ]; then
		not_ok "p: prometheus-snmp-exporter answers on loopback ($(tail -n 5 "$P/exporter.log" | squash))"
		return 1
	fi
	url="http://127.0.0.1:$port/snmp?module=updprobe&target=127.0.0.1:$SNMP_PORT"
	scrape=$(curl -sS --max-time 60 "$url" 2>&1)
	printf '%s\n' "$scrape" >"$P/scrape.txt"
	n=0
	want=
	got=
	for name in "${NAMES[@]}"; do
		want="$want $name=${CODE[$name]}"
		v=$(printf '%s\n' "$scrape" |
		    sed -n "s/^updprobeTargetCode{updprobeTargetName=\"$name\"} \(.*\)$/\1/p")
		got="$got $name=$v"
	done
	n=$(printf '%s\n' "$scrape" | grep -c '^updprobeTargetCode{')
	check "$([ "$got" = "$want" ] && [ "$n" = "${#NAMES[@]}" ]; echo $?)" \
	    "p: the scrape has updprobeTargetCode{updprobeTargetName=\"NAME\"} for each of the ${#NAMES[@]} targets, with its code:$got" \
	    "want$want, $n samples; scrape: $(grep '^updprobeTargetCode\|^snmp_\|rror' "$P/scrape.txt" | squash)"
	got=$(printf '%s\n' "$scrape" |
	    sed -n 's/^updprobeTargetHttpStatus{updprobeTargetName="site-a"} \(.*\)$/\1/p')
	v=$(printf '%s\n' "$scrape" | grep -c '^updprobeTargetDetail{.*updprobeTargetName="srv.down_1"} 1$')
	check "$([ "$got" = 404 ] && [ "$v" = 1 ]; echo $?)" \
	    "p: other columns too: site-a's HTTP status ($got), srv.down_1's detail as a label" \
	    "$(grep 'site-a\|srv.down_1' "$P/scrape.txt" | squash)"
	snmplib_kill "$pid"
}

# ===========================================================================
# z. Zabbix 6.0

# free_port_below N: a TCP port from 20000 to N-1 that was free a moment ago.
free_port_below() {
	"$PYTHON" - "$1" <<'EOF'
import random, socket, sys
for _ in range(200):
    port = random.randrange(20000, int(sys.argv[1]))
    s = socket.socket()
    try:
        s.bind(("127.0.0.1", port))
    except OSError:
        continue
    print(port)
    break
EOF
}

TEMPLATE=$ROOT/plugins/zabbix/template_updprobe.yaml
TRAP_HANDLER=$ROOT/plugins/zabbix/zabbix_trap_handler
ZBX_HOST=updprobe-agent

zapi() {		# METHOD [PARAMS [EXPRESSION]]
	"$PYTHON" "$HERE/zbxapi.py" "$ZBX_API" "$Z/api.token" call "$@"
}

# The snmp.conf of a phase: Debian's ("mibs :", no MIB), or one that
# loads UPDPROBE-MIB as the SNMPTT and Zabbix READMEs tell operators to.
write_snmp_conf() {	# DIR nomib|mib
	mkdir -p "$1"
	if [ "$2" = mib ]; then
		printf 'mibdirs +%s\nmibs +UPDPROBE-MIB\n' "$MIBDIRS" >"$1/snmp.conf"
	else
		printf 'mibs :\n' >"$1/snmp.conf"
	fi
	chmod 755 "$1"
	chmod 644 "$1/snmp.conf"
}

start_postgres() {
	local out
	owned_dir postgres "$Z/pg"
	out=$(as postgres "$PG_BIN/initdb" -D "$Z/pg/data" -A trust -U zabbix \
	    -E UTF8 --locale=C.UTF-8 --no-sync 2>&1) || {
		echo "initdb failed: $out" >&2
		return 1
	}
	# No TCP at all: the unix socket in $Z/pg only. The data is thrown
	# away after the test: no fsync.
	tracked -u postgres "$PG_BIN/postgres" -D "$Z/pg/data" -k "$Z/pg" \
	    -c listen_addresses= -c fsync=off -c synchronous_commit=off \
	    -c full_page_writes=off >>"$Z/postgres.log" 2>&1
	PG_PID=$LAST_PID
	wait_for -t "$START_WAIT" "$PG_BIN/pg_isready" -q -h "$Z/pg" -U zabbix
}

psql_z() {
	psql -X -q -v ON_ERROR_STOP=1 -h "$Z/pg" -U zabbix "$@"
}

start_zabbix_frontend() {
	local try port
	mkdir -p "$Z/web"
	# The frontend reads /etc/zabbix/zabbix.conf.php (CConfigFile's
	# CONFIG_FILE_PATH): a copy of that class, loaded before the
	# frontend's own, names the private one.
	sed "s|'/etc/zabbix/zabbix.conf.php'|'$Z/web/zabbix.conf.php'|" \
	    "$ZABBIX_WEB/include/classes/core/CConfigFile.php" >"$Z/web/CConfigFile.php"
	grep -q "'$Z/web/zabbix.conf.php'" "$Z/web/CConfigFile.php" || {
		echo "CConfigFile.php has no CONFIG_FILE_PATH to replace" >&2
		return 1
	}
	printf '<?php\nrequire_once "%s";\n' "$Z/web/CConfigFile.php" >"$Z/web/prepend.php"
	sed -e "s|^\$DB\['TYPE'\].*|\$DB['TYPE'] = 'POSTGRESQL';|" \
	    -e "s|^\$DB\['SERVER'\].*|\$DB['SERVER'] = '$Z/pg';|" \
	    -e "s|^// \$ZBX_SERVER\t.*|\$ZBX_SERVER = '127.0.0.1';|" \
	    -e "s|^// \$ZBX_SERVER_PORT.*|\$ZBX_SERVER_PORT = '$ZBX_PORT';|" \
	    "$ZABBIX_WEB/conf/zabbix.conf.php.example" >"$Z/web/zabbix.conf.php"
	for ((try = 0; try < 5; try++)); do
		port=$(free_port tcp)
		tracked "$PHP" -d "auto_prepend_file=$Z/web/prepend.php" \
		    -S "127.0.0.1:$port" -t "$ZABBIX_WEB" >>"$Z/php.log" 2>&1
		PHP_PID=$LAST_PID
		ZBX_API=http://127.0.0.1:$port/api_jsonrpc.php
		if wait_for -t "$START_WAIT" "$PYTHON" "$HERE/zbxapi.py" "$ZBX_API" \
		    "$Z/api.token" login 2>/dev/null; then
			return 0
		fi
		snmplib_kill "$PHP_PID"
	done
	return 1
}

# start_zabbix_server nomib|mib
start_zabbix_server() {
	local conf=$Z/server/zabbix_server.conf
	write_snmp_conf "$Z/snmp-$1" "$1"
	if [ ! -f "$conf" ]; then
		owned_dir zabbix "$Z/server"
		cat >"$conf" <<EOF
# monitoring.sh: Debian's zabbix_server.conf, paths in the temp dir,
# loopback only, few processes, configuration cache synced every second.
LogType=file
LogFile=$Z/server/zabbix_server.log
PidFile=$Z/server/zabbix_server.pid
SocketDir=$Z/server
DBHost=$Z/pg
DBName=zabbix
DBUser=zabbix
ListenIP=127.0.0.1
ListenPort=$ZBX_PORT
Timeout=4
StartPollers=2
StartPollersUnreachable=1
StartPreprocessors=1
StartTrappers=1
StartPingers=0
StartDiscoverers=0
StartHTTPPollers=0
StartTimers=1
StartEscalators=1
StartAlerters=1
StartDBSyncers=1
StartLLDProcessors=1
StartReportWriters=0
StartHistoryPollers=1
StartProxyPollers=0
StartSNMPTrapper=1
SNMPTrapperFile=$Z/traps/snmptraps.log
CacheUpdateFrequency=1
HousekeepingFrequency=0
User=zabbix
EOF
	fi
	# net-snmp in the server reads snmp.conf from SNMPCONFPATH and MIBS:
	# the phase decides.
	# In a process group of its own (setsid execs it: same PID), so that
	# no child outlives it (its HA manager can be left behind).
	tracked setsid env -u MIBS -u MIBDIRS -u SMIPATH \
	    SNMPCONFPATH="$Z/snmp-$1" SNMP_PERSISTENT_DIR="$Z/server" \
	    "$ZABBIX_SERVER" -f -c "$conf" >>"$Z/server/zabbix_server.out" 2>&1
	ZBX_PID=$LAST_PID
	wait_for -t "$START_WAIT" grep -qs 'snmp trapper #1' "$Z/server/zabbix_server.log"
}

stop_zabbix_server() {
	if [ -n "${ZBX_PID:-}" ]; then
		snmplib_kill "$ZBX_PID"
		# What is left of its own process group.
		kill -s KILL -- "-$ZBX_PID" 2>/dev/null
	fi
	ZBX_PID=
}

# snmptrapd for Zabbix: the shipped handler writes the SNMPTrapperFile.
# start_zbx_snmptrapd nomib|mib
start_zbx_snmptrapd() {
	local conf=$Z/snmp-$1/snmptrapd.conf i
	owned_dir Debian-snmp "$Z/snmptrapd-persist"
	touch "$Z/snmptrapd-$1.log" "$Z/snmptrapd.out"
	chown Debian-snmp "$Z/snmptrapd-$1.log"
	# snmptrapd.conf beside the phase's snmp.conf, both read from
	# SNMPCONFPATH as Debian's snmptrapd reads /etc/snmp.
	cat >"$conf" <<EOF
authCommunity log,execute $SNMP_READ_COMMUNITY
doNotRetainNotificationLogs yes
traphandle default $TRAP_HANDLER $Z/traps/snmptraps.log
EOF
	# As Debian's snmptrapd.service: user Debian-snmp.
	tracked -u Debian-snmp env -u MIBS -u MIBDIRS -u SMIPATH \
	    SNMPCONFPATH="$Z/snmp-$1" SNMP_PERSISTENT_DIR="$Z/snmptrapd-persist" \
	    "$SNMPTRAPD" -f -Lf "$Z/snmptrapd-$1.log" \
	    -p "$Z/snmptrapd-persist/snmptrapd.pid" -n "127.0.0.1:$TRAP_PORT" \
	    >>"$Z/snmptrapd.out" 2>&1
	TRAPD_PID=$LAST_PID
	# Ready when a test notification reaches the trapper file.
	for ((i = 0; i < 50; i++)); do
		kill -0 "$TRAPD_PID" 2>/dev/null || return 1
		snmptrap -v2c -c "$SNMP_READ_COMMUNITY" -t 0.2 -r 0 \
		    "127.0.0.1:$TRAP_PORT" '' SNMPv2-MIB::warmStart \
		    SNMPv2-MIB::sysLocation.0 s "monitoring-ready-$1-$i" \
		    >/dev/null 2>&1
		if wait_for -t 1 grep -qs "monitoring-ready-$1-$i" "$Z/traps/snmptraps.log"; then
			READY_TRAP=monitoring-ready-$1-$i
			return 0
		fi
	done
	return 1
}

stop_zbx_snmptrapd() {
	[ -n "${TRAPD_PID:-}" ] && snmplib_kill "$TRAPD_PID"
	TRAPD_PID=
}

# The items of the host, as "KEY<TAB>NAME<TAB>STATE<TAB>LASTCLOCK<TAB>
# LASTVALUE<TAB>TS_DELETE<TAB>ERROR", one a line.
zbx_items() {
	zapi item.get "{\"hostids\":[\"$HOSTID\"],\"output\":[\"key_\",\"name\",\"state\",\"lastclock\",\"lastvalue\",\"error\",\"type\"],\"selectItemDiscovery\":[\"ts_delete\"]}" \
	    '"\n".join("\t".join([i["key_"], i["name"], i["state"], i["lastclock"], i["lastvalue"].replace("\n", " "), (i.get("itemDiscovery") or {}).get("ts_delete", "") if isinstance(i.get("itemDiscovery"), dict) else "", i["error"].replace("\n", " "), i["type"]]) for i in r)'
}

zbx_item_field() {	# KEY FIELD(3-7)
	zbx_items | awk -F'\t' -v k="$1" -v f="$2" '$1 == k { print $f }'
}

# zbx_check_now ITEM-KEYS-REGEX: "Execute now" for the host's matching items.
zbx_check_now() {
	local tasks
	tasks=$(zapi item.get "{\"hostids\":[\"$HOSTID\"],\"output\":[\"itemid\",\"key_\"],\"filter\":{\"type\":[20]}}" \
	    "json.dumps([{\"type\": 6, \"request\": {\"itemid\": i[\"itemid\"]}} for i in r if __import__(\"re\").search(r'''$1''', i[\"key_\"])])") || return 1
	[ "$tasks" = "[]" ] && return 0
	zapi task.create "$tasks" 'len(r["taskids"])' >/dev/null
}

zbx_rule_check_now() {
	zapi task.create "[{\"type\":6,\"request\":{\"itemid\":\"$RULEID\"}}]" \
	    'len(r["taskids"])' >/dev/null
}

# The code items present for exactly the expected targets.
zbx_discovered() {	# NAME...
	local want got
	want=$(printf 'updprobe %s: code\n' "$@" | sort | paste -s -d '|' -)
	got=$(zbx_items | awk -F'\t' '$1 ~ /^updprobe\.code\[/ && $6 == "0" { print $2 }' |
	    sort | paste -s -d '|' -)
	[ "$got" = "$want" ]
}

# Every SNMP item of discovered targets and the agent has a value and is
# supported, and the code items have one newer than T (the text items
# discard unchanged values: their time stays). ZBX_POLLED: awk's test for
# those items (SNMP, not lost, not the phase probe).
ZBX_POLLED='$8 == "20" && ($6 == "" || $6 == "0") && $1 != "mib.probe"'
ZBX_NOT_POLLED='($4 == 0 || $3 != "0" || ($1 ~ /^updprobe\.code\[/ && $4 < t))'
zbx_all_polled_since() {	# T
	local n
	n=$(zbx_items | awk -F'\t' -v t="$1" "$ZBX_POLLED && $ZBX_NOT_POLLED" |
	    grep -c .)
	[ "$n" = 0 ]
}

zbx_codes() {		# -> "name=value ..." for the discovered targets
	local n
	for n in "$@"; do
		printf ' %s=%s' "$n" "$(zbx_items | awk -F'\t' -v nm="updprobe $n: code" '$2 == nm { print $5 }')"
	done
}

# The triggers: "DESCRIPTION<TAB>VALUE<TAB>STATE<TAB>PRIORITY<TAB>ERROR".
zbx_triggers() {
	zapi trigger.get "{\"hostids\":[\"$HOSTID\"],\"output\":[\"description\",\"value\",\"state\",\"priority\",\"error\"],\"expandDescription\":true}" \
	    '"\n".join("\t".join([t["description"], t["value"], t["state"], t["priority"], t["error"]]) for t in r)'
}

# "NAME=PRIORITY" of the triggers in PROBLEM that name a target.
zbx_problems() {
	zbx_triggers | awk -F'\t' '$2 == 1 && $1 ~ /^updprobe [^:]*:/ {
		n = $1; sub(/^updprobe /, "", n); sub(/:.*/, "", n); print n "=" $4 }' |
	    sort | paste -s -d ' ' -
}

zbx_problems_are() {	# EXPECTED
	[ "$(zbx_problems)" = "$1" ]
}

# The values of the trap item KEY since T, one record a line.
zbx_trap_values() {	# KEY T
	local id
	id=$(zapi item.get "{\"hostids\":[\"$HOSTID\"],\"output\":[\"itemid\"],\"filter\":{\"key_\":$(printf '%s' "$1" | "$PYTHON" -c 'import json,sys; print(json.dumps(sys.stdin.read()))')}}" \
	    'r[0]["itemid"] if r else ""')
	[ -n "$id" ] || return 1
	zapi history.get "{\"history\":2,\"itemids\":[\"$id\"],\"time_from\":$2,\"output\":\"extend\",\"sortfield\":\"clock\"}" \
	    '"\n".join(h["value"].replace("\n", " ") for h in r)'
}

# zbx_trap_key NOTIFICATION: the key of its snmptrap[] item in the template.
zbx_trap_key() {
	"$PYTHON" - "$TEMPLATE" "$1" <<'EOF'
import sys, yaml
doc = yaml.safe_load(open(sys.argv[1]))
for t in doc["zabbix_export"]["templates"]:
    for i in t.get("items") or []:
        if i.get("type") == "SNMP_TRAP" and sys.argv[2] in i.get("key", ""):
            print(i["key"])
EOF
}

# The index of a target in a notification as the phase writes it: quoted
# with UPDPROBE-MIB loaded, the length-prefixed OID suffix without.
trap_index() {		# NAME nomib|mib
	local s=$1 out=${#1} i
	if [ "$2" = mib ]; then
		printf '"%s"\n' "$1"
		return
	fi
	for ((i = 0; i < ${#s}; i++)); do
		out="$out.$(printf '%d' "'${s:i:1}")"
	done
	printf '%s\n' "$out"
}

has_trap() {		# KEY T TEXT
	zbx_trap_values "$1" "$2" | grep -qF -- "$3"
}

flip_to() {		# FOLDER CODE
	FLIP=$1
	write_conf "$FLIP"
	kill -HUP "$UPDPROBED_PID"
	has_url() { [[ "$(snmp_get updprobeTargetUrl flip)" == */$1/ ]]; }
	wait_for -t "$START_WAIT" has_url "$1" && probe_now flip &&
	    wait_for -t "$START_WAIT" snmp_is updprobeTargetCode flip "$2"
}

# One phase: nomib (Debian's snmp.conf) or mib (UPDPROBE-MIB loaded).
zabbix_phase() {
	local phase=$1 t0 out want got key n k v pname idx t
	t0=$(date +%s)
	start_zabbix_server "$phase" ||
	    { not_ok "z/$phase: zabbix_server starts ($(tail -n 5 "$Z/server/zabbix_server.log" "$Z/server/zabbix_server.out" 2>/dev/null | squash))"; return 1; }
	start_zbx_snmptrapd "$phase" ||
	    { not_ok "z/$phase: snmptrapd hands a test notification to zabbix_trap_handler ($(tail -n 5 "$Z/snmptrapd-$phase.log" "$Z/snmptrapd.out" 2>/dev/null | squash))"; return 1; }
	echo "# z/$phase: zabbix_server PID $ZBX_PID, snmptrapd PID $TRAPD_PID on $TRAP_PORT"

	# The MIB probe item reads a symbolic OID: it works only with the MIB
	# loaded in the server, so it shows which phase this really is.
	if [ "$phase" = mib ]; then
		want=0
	else
		want=1
	fi
	zbx_check_now '^mib\.probe$'
	MIB_ASKED=$SECONDS
	# A "check now" the server gets before its configuration cache has
	# the item is lost: asked again every 15 s until it has a result.
	mib_state_is() {
		if [ "$1" = 0 ]; then
			[ "$(zbx_item_field mib.probe 3)" = 0 ] &&
			    [ "$(zbx_item_field mib.probe 4)" -ge "$t0" ] &&
			    return 0
		else
			[ "$(zbx_item_field mib.probe 3)" = 1 ] &&
			    zbx_item_field mib.probe 7 | grep -q 'cannot parse OID' &&
			    return 0
		fi
		if [ $((SECONDS - MIB_ASKED)) -ge 15 ]; then
			zbx_check_now '^mib\.probe$'
			MIB_ASKED=$SECONDS
		fi
		return 1
	}
	if wait_for -t "$RESULT_WAIT" mib_state_is "$want"; then
		ok "z/$phase: the Zabbix server $([ "$phase" = mib ] && echo reads || echo "does not read") UPDPROBE-MIB names (a symbolic OID item is $([ "$want" = 0 ] && echo supported || echo unsupported))"
	else
		not_ok "z/$phase: the Zabbix server's snmp.conf is in effect (the symbolic OID item: $(zbx_items | grep '^mib.probe' | squash))"
	fi

	# Discovery: a new target in this phase proves it ran again.
	EXTRA_TARGETS+=("new-$phase")
	NAMES_Z=(site-a site-b site-c srv.down_1 flip "${EXTRA_TARGETS[@]}")
	write_conf "$FLIP"
	kill -HUP "$UPDPROBED_PID"
	wait_for -t "$START_WAIT" snmp_answers "new-$phase"
	probe_now "new-$phase"
	wait_for -t "$START_WAIT" snmp_probed "new-$phase"
	zbx_rule_check_now
	if wait_for -t "$RESULT_WAIT" zbx_discovered "${NAMES_Z[@]}"; then
		ok "z/$phase: discovery makes the items of every target but the filtered one, named by target ('updprobe NAME: code'): ${NAMES_Z[*]}"
	else
		not_ok "z/$phase: discovery makes 'updprobe NAME: code' for ${NAMES_Z[*]}, nothing else ($(zbx_items | awk -F'\t' '$1 ~ /^updprobe\.code\[/ { print $2 " [" $1 "] lost:" $6 }' | squash); rule: $(zapi discoveryrule.get "{\"itemids\":[\"$RULEID\"],\"output\":[\"state\",\"error\"]}" 'r' | squash))"
	fi
	# The items of this phase, without the new targets'.
	zbx_items | awk -F'\t' '$1 ~ /^updprobe\./ && $2 !~ /^updprobe new-/ {
	    print $1 " " $2 " " $6 }' | sort >"$Z/items-$phase.txt"
	if [ "$phase" = mib ]; then
		check "$(cmp -s "$Z/items-nomib.txt" "$Z/items-mib.txt"; echo $?)" \
		    "z/mib: the same $(grep -c . "$Z/items-mib.txt") items, keys and names as without the MIB (numeric {#SNMPINDEX}), none lost, none quoted" \
		    "$(diff "$Z/items-nomib.txt" "$Z/items-mib.txt" | squash)"
	fi

	# Every item polled (twice: the code triggers need {$UPDPROBE.CONFIRM}
	# = #2 values), each code as the agent says. After the first poll of a
	# new host (one value per item) no trigger may be unknown.
	for n in 1 2; do
		t=$(date +%s)
		zbx_check_now '.'
		if ! wait_for -t "$RESULT_WAIT" zbx_all_polled_since "$t"; then
			not_ok "z/$phase: every SNMP item polled and supported (poll $n; not: $(zbx_items | awk -F'\t' -v t="$t" "$ZBX_POLLED && $ZBX_NOT_POLLED"' { print $2 ": " $7 }' | squash))"
			break
		fi
		if [ "$n" = 1 ] && [ "$phase" = nomib ]; then
			got=$(zbx_triggers | awk -F'\t' '$3 != 0 { print $1 ": " $5 }')
			check "$([ -z "$got" ]; echo $?)" \
			    "z/$phase: no trigger is unknown after the first poll (one value per item)" \
			    "$(printf '%s' "$got" | squash)"
		fi
		sleep 1	# the next poll must have a later clock
	done
	n=$(zbx_items | awk -F'\t' "$ZBX_POLLED" | grep -c .)
	v=$(zbx_items | awk -F'\t' "$ZBX_POLLED"' && $3 != "0"' | grep -c .)
	check "$([ "$v" = 0 ]; echo $?)" "z/$phase: all $n SNMP items are supported" \
	    "$(zbx_items | awk -F'\t' "$ZBX_POLLED"' && $3 != "0" { print $2 ": " $7 }' | squash)"
	want=
	for k in "${NAMES_Z[@]}"; do
		want="$want $k=${CODE[$k]:-0}"
	done
	got=$(zbx_codes "${NAMES_Z[@]}")
	check "$([ "$got" = "$want" ]; echo $?)" \
	    "z/$phase: the code items read each target's code:$got" "want$want"

	# Triggers: the failing targets in PROBLEM with their severity (HIGH 4
	# for Code 2, AVERAGE 3 for 3, WARNING 2 for 5), none for the others;
	# no trigger unknown.
	want="site-a=3 site-b=2 srv.down_1=4"
	if wait_for -t "$RESULT_WAIT" zbx_problems_are "$want"; then
		ok "z/$phase: triggers in PROBLEM: $want (AVERAGE, WARNING, HIGH), none for site-c, flip and the new target"
	else
		not_ok "z/$phase: triggers in PROBLEM are $want ($(zbx_problems); $(zbx_triggers | awk -F'\t' '$2 == 1' | squash))"
	fi
	got=$(zbx_triggers | awk -F'\t' '$3 != 0 { print $1 ": " $5 }')
	check "$([ -z "$got" ]; echo $?)" \
	    "z/$phase: no trigger is unknown ($(zbx_triggers | grep -c .) triggers, every item has values)" \
	    "$(printf '%s' "$got" | squash)"

	# Notifications through snmptrapd, zabbix_trap_handler and the trapper.
	t=$(date +%s)
	if flip_to auth-basic 12 && flip_to good 0; then
		ok "z/$phase: flip goes to auth-basic/ (Code 12) and back"
	else
		not_ok "z/$phase: flip goes to auth-basic/ (Code 12) and back (code $(snmp_get updprobeTargetCode flip))"
	fi
	idx=$(trap_index flip "$phase")
	for pname in updprobeCodeChange updprobeProblem updprobeCleared; do
		key=$(zbx_trap_key "$pname")
		if wait_for -t "$RESULT_WAIT" has_trap "$key" "$t" "$idx"; then
			got=$(zbx_trap_values "$key" "$t")
			# Each record in this item is this notification and no other.
			n=$(printf '%s\n' "$got" | grep -c .)
			v=$(printf '%s\n' "$got" | grep -c "$pname\|9999\.7\.0\.$(notif_number "$pname")[^.0-9]")
			check "$([ "$n" = "$v" ]; echo $?)" \
			    "z/$phase: $pname of flip lands in its snmptrap[] item ($n record$([ "$n" = 1 ] || echo s), trap OID $(printf '%s' "$got" | head -n 1 | grep -o '[^ ]*\(updprobe[A-Za-z]*\|9999\.7\.0\.[0-9]\)\( \|$\)' | head -n 1))" \
			    "records of other notifications: $(printf '%s' "$got" | squash)"
		else
			not_ok "z/$phase: $pname of flip lands in its snmptrap[] item (${key:0:40}...: $(zbx_trap_values "$key" "$t" | squash); trapper file: $(tail -n 12 "$Z/traps/snmptraps.log" | squash))"
		fi
	done
	got=$(zbx_trap_values snmptrap.fallback "$t0")
	check "$(printf '%s' "$got" | grep -qF "$READY_TRAP" &&
	    ! printf '%s' "$got" | grep -q 'updprobe\|9999\.7\.0\.'; echo $?)" \
	    "z/$phase: snmptrap.fallback gets the other notification (warmStart) and no updprobe one" \
	    "$(printf '%s' "$got" | squash)"
	stop_zbx_snmptrapd
}

# Fleet mode in Zabbix: a provisioning folder of 4 files (2 base stations
# share a good server, 1 alone on a missing folder, 1 broken).
zabbix_fleet() {
	local dir=$TEST_TMP/prov n s got want rule t srv_good srv_bad
	mkdir -p "$dir"
	prov_file() {	# NAME FOLDER
		printf '%%NETWORK_FWU_SERVER%%: "127.0.0.1:%s"\n%%FWU_TFTP_SERVER_PATH%%: "/%s/"\n%%MANAGEMENT_TRANSFER_PROTOCOL%%: 1\nEND_OF_FILE\n' \
		    "$HTTP_PORT" "$2" >"$dir/$1.cfg"
	}
	prov_file 000413000001 good
	prov_file 000413000002 good
	prov_file 000413000003 missing-dirfile
	printf '%%NETWORK_FWU_SERVER%%: "127.0.0.1\nEND_OF_FILE\n' >"$dir/000413000004.cfg"
	FLEET_LINE="provisioningDir $dir"
	write_conf "$FLIP"
	kill -HUP "$UPDPROBED_PID"
	four() { [ "$(snmp_get_oid UPDPROBE-MIB::updprobeBaseStationCount.0)" = 4 ]; }
	wait_for -t "$START_WAIT" four ||
	    { not_ok "z/fleet: updprobed reads the provisioning folder ($(snmp_get_oid UPDPROBE-MIB::updprobeBaseStationCount.0))"; return 1; }
	srv_good=$(snmp_get updprobeTargetServer 000413000001)
	srv_bad=$(snmp_get updprobeTargetServer 000413000003)
	for s in "$srv_good" "$srv_bad"; do
		snmp_set "$SNMP_WRITE_COMMUNITY" \
		    "UPDPROBE-MIB::updprobeServerProbeNow.\"$s\"" i 1 >/dev/null
	done
	wait_for -t "$START_WAIT" snmp_is updprobeTargetCode 000413000003 3
	wait_for -t "$START_WAIT" snmp_is updprobeTargetCode 000413000001 0
	for rule in updprobe.server.discovery updprobe.bs.discovery; do
		t=$(zapi discoveryrule.get "{\"hostids\":[\"$HOSTID\"],\"output\":[\"itemid\"],\"filter\":{\"key_\":\"$rule\"}}" 'r[0]["itemid"]')
		zapi task.create "[{\"type\":6,\"request\":{\"itemid\":\"$t\"}}]" \
		    'len(r["taskids"])' >/dev/null
	done
	zbx_rule_check_now
	want=$(printf '%s\n' "updprobe server $srv_bad: code" \
	    "updprobe server $srv_good: code" \
	    "updprobe base station 000413000001: code" \
	    "updprobe base station 000413000002: code" \
	    "updprobe base station 000413000003: code" \
	    "updprobe base station 000413000004: code" | sort | paste -s -d '|' -)
	fleet_items() {
		zbx_items | awk -F'\t' '$1 ~ /^updprobe\.(server|bs)\.code\[/ { print $2 }' |
		    sort | paste -s -d '|' -
	}
	fleet_discovered() { [ "$(fleet_items)" = "$want" ]; }
	if wait_for -t "$RESULT_WAIT" fleet_discovered; then
		ok "z/fleet: the servers discovery makes items for the 2 servers (not the targets), the base stations discovery for the 4 base stations"
	else
		not_ok "z/fleet: servers and base stations discovered ($(fleet_items); want $want)"
	fi
	got=$(zbx_items | awk -F'\t' '$1 ~ /^updprobe\.code\[/ && $2 ~ /updprobe 0004130000/' | grep -c .)
	check "$([ "$got" = 0 ]; echo $?)" \
	    "z/fleet: the target discovery leaves the base stations out" "$got base stations among the targets"
	# Two polls (the triggers wait for {$UPDPROBE.CONFIRM} = #2).
	for n in 1 2; do
		t=$(date +%s)
		zbx_check_now '^updprobe\.(server|bs|provisioning)'
		fleet_polled() {
			[ "$(zbx_items | awk -F'\t' -v t="$t" '$1 ~ /^updprobe\.(server|bs)\.code\[/ && $4 >= t' | grep -c .)" = 6 ]
		}
		wait_for -t "$RESULT_WAIT" fleet_polled ||
		    { not_ok "z/fleet: the fleet items polled (poll $n: $(zbx_items | awk -F'\t' '$1 ~ /^updprobe\.(server|bs)\./ { print $2 "=" $5 " " $7 }' | squash))"; return 1; }
		sleep 1	# the next poll must have a later clock
	done
	got=$(for k in "updprobe server $srv_good: code" "updprobe server $srv_bad: code" \
	    "updprobe server $srv_good: base stations" "updprobe server $srv_bad: base stations" \
	    "updprobe base station 000413000002: code" "updprobe base station 000413000004: code" \
	    "updprobe base station 000413000004: provisioning file"; do
		zbx_items | awk -F'\t' -v nm="$k" '$2 == nm { printf "%s ", $5 }'
	done)
	want="0 3 2 1 0 6 3 "
	check "$([ "$got" = "$want" ]; echo $?)" \
	    "z/fleet: the items read the codes (servers 0 and 3, base stations 0 and 6), the base-station counts (2, 1) and the broken file (3)" \
	    "got '$got', want '$want'"
	fleet_problems() {
		zbx_triggers | awk -F'\t' '$2 == 1 && ($1 ~ /^updprobe server / || $1 ~ /^updprobe base station / || $1 ~ /broken provisioning/) { print $1 "=" $4 }' | sort | paste -s -d '|' -
	}
	want=$(printf '%s\n' "updprobe server $srv_bad: a firmware update would fail=3" \
	    "updprobe base station 000413000004: its provisioning file is broken=3" \
	    "updprobe: base stations with a broken provisioning file=3" | sort | paste -s -d '|' -)
	if wait_for -t "$RESULT_WAIT" eval '[ "$(fleet_problems)" = "$want" ]'; then
		ok "z/fleet: in PROBLEM: the failing server (AVERAGE), the broken file (AVERAGE) and the agent's broken-file count; none for the good server or the base stations behind it"
	else
		not_ok "z/fleet: triggers in PROBLEM ($(fleet_problems); want $want)"
	fi
	got=$(zbx_triggers | awk -F'\t' '$3 != 0 { print $1 ": " $5 }')
	check "$([ -z "$got" ]; echo $?)" "z/fleet: no trigger is unknown" \
	    "$(printf '%s' "$got" | squash)"
	FLEET_LINE=
	write_conf "$FLIP"
	kill -HUP "$UPDPROBED_PID"
}

notif_number() {
	case $1 in
	updprobeCodeChange) echo 1 ;;
	updprobeProblem) echo 2 ;;
	updprobeCleared) echo 3 ;;
	esac
}

# Stop what part_zabbix started, clients before the database.
zabbix_stop_all() {
	stop_zbx_snmptrapd
	stop_zabbix_server
	[ -n "${PHP_PID:-}" ] && snmplib_kill "$PHP_PID"
	# SIGINT: PostgreSQL's fast shutdown.
	[ -n "${PG_PID:-}" ] && snmplib_kill "$PG_PID" INT
	PHP_PID=''
	PG_PID=
}

part_zabbix() {
	zabbix_run
	zabbix_stop_all
}

zabbix_run() {
	local out rc t0 hostgroup tid n t
	Z=$TEST_TMP/zabbix
	mkdir -p "$Z"
	chmod 755 "$Z"
	# As on Debian: snmptrapd (Debian-snmp) writes the trapper file, the
	# Zabbix server (group zabbix) reads it.
	mkdir -p "$Z/traps"
	chown Debian-snmp:zabbix "$Z/traps"
	chmod 2750 "$Z/traps"
	# zabbix_server takes a ListenPort up to 32767 only.
	ZBX_PORT=$(free_port_below 32768)
	t0=$(date +%s)
	if ! start_postgres; then
		not_ok "z: a private PostgreSQL cluster starts on a unix socket ($(tail -n 5 "$Z/postgres.log" | squash))"
		return 1
	fi
	if ! out=$(psql_z -d postgres -c 'CREATE DATABASE zabbix' 2>&1) ||
	    ! out=$(for f in schema images data; do
		    zcat "$ZABBIX_SQL/$f.sql.gz" || exit 1
	    done | psql_z -d zabbix -1 2>&1 >/dev/null); then
		not_ok "z: the Zabbix schema loads into PostgreSQL ($(printf '%s' "$out" | squash))"
		return 1
	fi
	echo "# z: PostgreSQL PID $PG_PID, database loaded in $(($(date +%s) - t0)) s"
	if ! start_zabbix_frontend; then
		not_ok "z: the frontend's API answers through php -S ($(tail -n 5 "$Z/php.log" | squash))"
		return 1
	fi
	echo "# z: API $ZBX_API, Zabbix $(zapi apiinfo.version '{}' r 2>&1)"

	out=$("$PYTHON" "$HERE/zbxapi.py" "$ZBX_API" "$Z/api.token" import "$TEMPLATE" 2>&1)
	rc=$?
	check "$rc" "z: configuration.import of template_updprobe.yaml" "$(printf '%s' "$out" | squash)"
	[ "$rc" = 0 ] || return 1
	tid=$(zapi template.get '{"filter":{"host":"Template updprobe SNMP"},"output":["templateid"]}' 'r[0]["templateid"]')
	hostgroup=$(zapi hostgroup.get '{"filter":{"name":"Linux servers"},"output":["groupid"]}' 'r[0]["groupid"]')
	# The database's own "Zabbix server" host polls an agent nobody runs.
	n=$(zapi host.get '{"filter":{"host":"Zabbix server"},"output":["hostid"]}' 'r[0]["hostid"] if r else ""')
	[ -n "$n" ] && zapi host.update "{\"hostid\":\"$n\",\"status\":1}" r >/dev/null
	HOSTID=$(zapi host.create "{\"host\":\"$ZBX_HOST\",\"groups\":[{\"groupid\":\"$hostgroup\"}],\"templates\":[{\"templateid\":\"$tid\"}],\"macros\":[{\"macro\":\"{\$SNMP_COMMUNITY}\",\"value\":\"$SNMP_READ_COMMUNITY\"},{\"macro\":\"{\$UPDPROBE.TARGET.NOT_MATCHES}\",\"value\":\"^ignored\$\"}],\"interfaces\":[{\"type\":2,\"main\":1,\"useip\":1,\"ip\":\"127.0.0.1\",\"dns\":\"\",\"port\":\"$SNMP_PORT\",\"details\":{\"version\":2,\"bulk\":1,\"community\":\"{\$SNMP_COMMUNITY}\"}}]}" \
	    'r["hostids"][0]')
	check "$([ -n "$HOSTID" ]; echo $?)" \
	    "z: a host with an SNMP interface on the test snmpd, template linked, {\$UPDPROBE.TARGET.NOT_MATCHES} = ^ignored\$" "host.create failed"
	[ -n "$HOSTID" ] || return 1
	RULEID=$(zapi discoveryrule.get "{\"hostids\":[\"$HOSTID\"],\"output\":[\"itemid\"],\"filter\":{\"key_\":\"updprobe.target.discovery\"}}" 'r[0]["itemid"]')
	IFID=$(zapi hostinterface.get "{\"hostids\":[\"$HOSTID\"],\"output\":[\"interfaceid\"]}" 'r[0]["interfaceid"]')
	# A host item (not the template's) with a symbolic OID, to tell the
	# phases apart.
	zapi item.create "{\"hostid\":\"$HOSTID\",\"name\":\"mib probe\",\"key_\":\"mib.probe\",\"type\":20,\"value_type\":3,\"interfaceid\":\"$IFID\",\"snmp_oid\":\"UPDPROBE-MIB::updprobeTargetCode.\\\"site-c\\\"\",\"delay\":\"1h\"}" r >/dev/null

	zabbix_phase nomib || return 1
	stop_zabbix_server
	zabbix_phase mib || return 1
	zabbix_fleet

	# "updprobed has restarted": the probe counter went back.
	stop_updprobed
	start_updprobed "$CONF" || { not_ok "z: updprobed starts again"; return 1; }
	wait_for -t "$START_WAIT" snmp_answers site-a
	t=$(date +%s)
	zbx_check_now '^updprobe\.probes\.run$'
	restarted() {
		zbx_triggers | awk -F'\t' '$1 == "updprobe: updprobed has restarted" && $2 == 1' | grep -q .
	}
	if wait_for -t "$RESULT_WAIT" restarted; then
		ok "z: a restart of updprobed opens 'updprobed has restarted' (probes run: $(zbx_item_field updprobe.probes.run 5))"
	else
		not_ok "z: a restart of updprobed opens 'updprobed has restarted' ($(zbx_triggers | grep restarted | squash); probes run $(zbx_item_field updprobe.probes.run 5))"
	fi
}

# ===========================================================================

T0=$(date +%s)
for p in "${PARTS[@]}"; do
	t=$(date +%s)
	echo "# === $p"
	"part_$p"
	echo "# $p: $(($(date +%s) - t)) s"
done
echo "# monitoring.sh: $(($(date +%s) - T0)) s after the set-up"
finish
