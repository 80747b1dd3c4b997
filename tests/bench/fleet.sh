#!/bin/bash
# fleet.sh - the fleet-mode benchmark of updprobed (make bench-fleet).
#
#   UPDPROBED=build/updprobed tests/bench/fleet.sh
#
# A real nginx on 127.0.0.1 serves a good update folder under /siteN/
# (Basic auth); tests/servers/dnsfake.py answers siteN.ok.test. A folder
# of m3 provisioning files, one per base station, points them at 1,000
# distinct settings: 999 nginx folders and one httpfault.py server on a
# fixed port (the "shared server" that goes down). updprobed reads the
# folder (provisioningDir) behind a real snmpd, interval 300 s.
#
# Runs: 100 base stations (the walk's baseline), 1,000 over 1,000
# settings (the CPU's baseline: one base station per setting) and
# 100,000 over 1,000. Measured: start-up and the first scan, peak RSS
# (VmHWM), CPU over one interval (the probes, the periodic rescan, the
# sampling), a rescan with one changed file (inotify, the periodic
# listing rescan, SIGHUP's full rescan), a walk of the code column per
# row, and the notifications when the shared server goes down.
#
# Writes build/bench/fleet.md (and fleet.env, the raw figures); prints
# the table. Exits 0 when every measurement was taken (goals missed are
# reported, not failures); 1 when a server or tool does not come up.
#
# Environment (defaults in brackets):
#   BENCH_FLEET_N [100000]        base stations of the big run
#   BENCH_FLEET_SETTINGS [1000]   distinct settings
#   BENCH_FLEET_WINDOW [300]      CPU window, s (one interval)

set -u

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
BUILD_DIR=${BUILD_DIR:-$ROOT/build}
UPDPROBED=${UPDPROBED:-$BUILD_DIR/updprobed}
UPDPROBED=$(cd "$(dirname "$UPDPROBED")" && pwd)/$(basename "$UPDPROBED")
OUT=$BUILD_DIR/bench
BENCH=$HERE/bench.py
BIG=${BENCH_FLEET_N:-100000}
SETTINGS=${BENCH_FLEET_SETTINGS:-1000}
WINDOW=${BENCH_FLEET_WINDOW:-300}
INTERVAL=300
TIMEOUT=5
USER_NAME=m3
SECRET=s3cret
NGINX=/usr/sbin/nginx
T_BEGIN=$(date +%s)

die() {
	echo "bench-fleet: $*" >&2
	exit 1
}

say() {
	echo "bench-fleet: $(date +%T) $*"
}

# Packages: tests/deps.sh's bench group (the SNMP tools, nginx, openssl,
# curl; services kept from starting).
"$ROOT/tests/deps.sh" bench || die "tests/deps.sh bench failed"
[ -x "$UPDPROBED" ] || die "$UPDPROBED is missing (make)"

# shellcheck source=tests/lib.sh
. "$ROOT/tests/lib.sh"
# shellcheck source=tests/snmplib.sh
. "$ROOT/tests/snmplib.sh" || die "the SNMP tools or MIBs are missing"

mkdir -p "$OUT" || die "cannot make $OUT"
RES=$OUT/fleet.env
: >"$RES"
put() {		# KEY VALUE
	printf '%s=%s\n' "$1" "$2" >>"$RES"
}
get() {		# KEY
	sed -n "s/^$1=//p" "$RES" | tail -n 1
}
calc() {	# python expression
	"$PYTHON" -c "import math; print($1)"
}
cpu_ns() {	# PID... -> schedstat run time, ns
	"$PYTHON" "$BENCH" cpu "$@" | cut -d' ' -f2
}
hwm_kib() {	# PID -> VmHWM
	"$PYTHON" "$BENCH" mem "$1" | cut -d' ' -f1
}
num_get() {	# OID -> value (numeric tools, no MIBs)
	snmpget -v2c -c "$SNMP_READ_COMMUNITY" -t 5 -r 1 -m '' -Oqv \
	    "$SNMP_AGENT" "$1" 2>/dev/null
}
ARC=$UPDPROBE_ARC
put date "$(date -u '+%Y-%m-%d %H:%M UTC')"
put nproc "$(nproc)"
put cpu_model "$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)"
put load_start "$(cut -d' ' -f1-3 /proc/loadavg)"
put big "$BIG"
put settings "$SETTINGS"
put window "$WINDOW"
chmod 711 "$TEST_TMP"

# ---------------------------------------------------------------------------
# nginx: the good folder under /siteN/, Basic auth, as in run.sh.

# shellcheck source=tests/bench/nginx.sh
. "$ROOT/tests/bench/nginx.sh"
bench_nginx_start snmplib_track
PWFILE=$TEST_TMP/site.secret
printf '%s\n' "$SECRET" >"$PWFILE"
chmod 600 "$PWFILE"
start_dnsfake || die "dnsfake.py did not start"
flip_server_start snmplib_track ||
    die "httpfault.py did not start on port ${FLIP_PORT:-?}"
start_snmptrapd || die "snmptrapd did not start"
start_snmpd || die "snmpd did not start"
say "nginx on $NGX_PORT, flip server on $FLIP_PORT, snmpd on $SNMP_PORT;" \
    "load average $(get load_start)"

# ---------------------------------------------------------------------------
# The folders: N base stations over S settings; setting 0 is the flip
# server (the one that goes down), the others nginx's siteK.

make_folder() {		# DIR N S
	mkdir -p "$1" || return 1
	"$PYTHON" - "$1" "$2" "$3" "$NGX_PORT" "$FLIP_PORT" <<'EOF'
import os, sys
d, n, s, ngx, flip = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), \
    sys.argv[4], sys.argv[5]
for i in range(n):
    k = i % s
    server = ("flip.ok.test:%s" % flip) if k == 0 else \
        ("site%d.ok.test:%s" % (k, ngx))
    path = "/good/" if k == 0 else "/site%d/" % k
    with open(os.path.join(d, "0004f2%06x.cfg" % i), "w") as f:
        f.write('%%NETWORK_FWU_SERVER%%: "%s"\n%%FWU_TFTP_SERVER_PATH%%: '
                '"%s"\n%%MANAGEMENT_TRANSFER_PROTOCOL%%: 1\nEND_OF_FILE\n'
                % (server, path))
EOF
}

write_conf() {		# CONF DIR
	cat >"$1" <<EOF
interval $INTERVAL
timeout $TIMEOUT
dnsServer 127.0.0.1:$DNS_PORT
allowLoopback yes
agentxPingInterval 5
provisioningDir $2 pattern=*.cfg user=$USER_NAME passwordFile=$PWFILE
EOF
}

bs_count_is() {
	[ "$(num_get "$ARC.1.1.9.0")" = "$1" ]
}
probes_at_least() {
	local v
	v=$(num_get "$ARC.1.1.3.0")
	[[ "$v" =~ ^[0-9]+$ ]] && [ "$v" -ge "$1" ]
}

# walk_code RUN ROWS: the code column walked 3 times; the best (least
# disturbed) wall and CPU (updprobed + snmpd) per row.
walk_code() {
	local run=$1 rows=$2 i t0 t1 u0 u1 s0 s1 got walls=() cpus=()
	for ((i = 0; i < 3; i++)); do
		u0=$(cpu_ns "$UPDPROBED_PID")
		s0=$(cpu_ns "$SNMPD_PID")
		t0=$(date +%s%N)
		timeout 900 snmpbulkwalk -v2c -c "$SNMP_READ_COMMUNITY" -t 10 -r 0 \
		    -Cr25 -m '' -On -Oq "$SNMP_AGENT" "$ARC.1.2.1.2" \
		    >"$OUT/fleet-$run-walk.txt" 2>&1
		t1=$(date +%s%N)
		u1=$(cpu_ns "$UPDPROBED_PID")
		s1=$(cpu_ns "$SNMPD_PID")
		got=$("$PYTHON" "$BENCH" walk-rows "$OUT/fleet-$run-walk.txt")
		[ "$got" = "$rows" ] || {
			echo "bench-fleet: $run: the walk has $got rows, not $rows" >&2
			return 1
		}
		walls+=("$(((t1 - t0) / 1000))")
		cpus+=("$((u1 - u0 + s1 - s0))")
	done
	put "$run.walk_ms" "$(calc "round(min([${walls[*]/%/,}]) / 1000.0, 1)")"
	put "$run.walk_us_row" "$(calc "round(min([${walls[*]/%/,}]) / $rows, 1)")"
	put "$run.walk_cpu_us_row" "$(calc "round(min([${cpus[*]/%/,}]) / 1000.0 / $rows, 1)")"
}

# run_fleet RUN N [full [outage]]: start updprobed on a folder of N base
# stations over min(N, SETTINGS) settings; measure; "full" adds the CPU
# window and the rescans, "outage" the shared server going down.
run_fleet() {
	local run=$1 n=$2 full=${3:-} outage=${4:-} s dir conf t0 t1 c0 c1 \
	    p0 p1 w0 w1
	s=$SETTINGS
	[ "$n" -lt "$s" ] && s=$n
	dir=$TEST_TMP/prov-$run
	conf=$TEST_TMP/$run.conf
	say "$run: writing $n provisioning files over $s settings"
	t0=$(date +%s)
	make_folder "$dir" "$n" "$s" || return 1
	put "$run.write_s" "$(($(date +%s) - t0))"
	write_conf "$conf" "$dir"
	: >"$UPDPROBED_LOG"
	t0=$(date +%s%N)
	start_updprobed "$conf" || return 1
	wait_for -t 600 bs_count_is "$n" || {
		echo "bench-fleet: $run: updprobeBaseStationCount is not $n" >&2
		return 1
	}
	t1=$(date +%s%N)
	put "$run.startup_ms" "$(((t1 - t0) / 1000000))"
	put "$run.scan_ms" "$(sed -n 's/.*every file read scan: .* in \([0-9]*\) ms, \([0-9]*\) ms CPU/\1/p' "$UPDPROBED_LOG" | head -n 1)"
	put "$run.scan_cpu_ms" "$(sed -n 's/.*every file read scan: .* in \([0-9]*\) ms, \([0-9]*\) ms CPU/\2/p' "$UPDPROBED_LOG" | head -n 1)"
	put "$run.servers" "$(num_get "$ARC.1.1.8.0")"
	put "$run.hwm_start_kib" "$(hwm_kib "$UPDPROBED_PID")"
	wait_for -t 120 probes_at_least "$s" || {
		echo "bench-fleet: $run: not every server probed within 120 s" >&2
		return 1
	}
	put "$run.first_round_ms" "$((($(date +%s%N) - t0) / 1000000))"
	say "$run: $n base stations, $(get "$run.servers") servers; started in" \
	    "$(get "$run.startup_ms") ms (first scan $(get "$run.scan_ms") ms," \
	    "$(get "$run.scan_cpu_ms") ms CPU), VmHWM $(get "$run.hwm_start_kib") KiB"
	if [ -n "$full" ]; then
		say "$run: measuring CPU over $WINDOW s"
		p0=$(num_get "$ARC.1.1.3.0")
		c0=$(cpu_ns "$UPDPROBED_PID")
		w0=$(date +%s%N)
		sleep "$WINDOW"
		w1=$(date +%s%N)
		c1=$(cpu_ns "$UPDPROBED_PID")
		p1=$(num_get "$ARC.1.1.3.0")
		put "$run.window_probes" "$((p1 - p0))"
		put "$run.window_cpu_ms" "$(calc "round(($c1 - $c0) / 1e6, 1)")"
		put "$run.cpu_pct" "$(calc "round(($c1 - $c0) / ($w1 - $w0) * 100, 3)")"
		put "$run.cpu_ms_per_probe" "$(calc "round(($c1 - $c0) / 1e6 / max(1, $p1 - $p0), 3)")"
		say "$run: $((p1 - p0)) probes, $(get "$run.window_cpu_ms") ms CPU" \
		    "($(get "$run.cpu_pct") % of a core)"
	fi
	walk_code "$run" "$n" || return 1
	say "$run: walk of the code column: $(get "$run.walk_ms") ms," \
	    "$(get "$run.walk_cpu_us_row") µs CPU per row"
	if [ -n "$full" ]; then
		measure_rescans "$run" "$dir" || return 1
	fi
	if [ -n "$outage" ]; then
		measure_outage "$run" "$dir" || return 1
	fi
	put "$run.hwm_kib" "$(hwm_kib "$UPDPROBED_PID")"
	cp "$UPDPROBED_LOG" "$OUT/fleet-$run-updprobed.log"
	stop_updprobed
	rm -rf "$dir"
}

# One changed file: inotify applies it; the periodic listing rescan (in
# the window) and SIGHUP's full rescan are read from the log.
measure_rescans() {
	local run=$1 dir=$2 f name oid t0 t1 want line
	f=$dir/0004f2$(printf '%06x' 7).cfg
	name=0004f2$(printf '%06x' 7)
	oid="$ARC.1.2.1.21.${#name}"
	for ((i = 0; i < ${#name}; i++)); do
		oid="$oid.$(printf '%d' "'${name:i:1}")"
	done
	want=site8.ok.test
	t0=$(date +%s%N)
	printf '%%NETWORK_FWU_SERVER%%: "site8.ok.test:%s"\n%%FWU_TFTP_SERVER_PATH%%: "/site8/"\n%%MANAGEMENT_TRANSFER_PROTOCOL%%: 1\nEND_OF_FILE\n' \
	    "$NGX_PORT" >"$f"
	moved() { [[ "$(num_get "$oid")" == *"$want/"* ]]; }
	wait_for -t 30 moved || {
		echo "bench-fleet: $run: the changed file was not applied" >&2
		return 1
	}
	t1=$(date +%s%N)
	put "$run.inotify_ms" "$(((t1 - t0) / 1000000))"
	line=$(grep 'changes* applied in' "$UPDPROBED_LOG" | tail -n 1)
	put "$run.inotify_apply_ms" "$(sed -n 's/.* applied in \([0-9]*\) ms.*/\1/p' <<<"$line")"
	line=$(grep 'listing scan' "$UPDPROBED_LOG" | tail -n 1)
	put "$run.listing_ms" "$(sed -n 's/.* in \([0-9]*\) ms, \([0-9]*\) ms CPU/\1/p' <<<"$line")"
	put "$run.listing_cpu_ms" "$(sed -n 's/.* in \([0-9]*\) ms, \([0-9]*\) ms CPU/\2/p' <<<"$line")"
	# SIGHUP: every file's identity looked at, the changed one read.
	printf '%%NETWORK_FWU_SERVER%%: "site9.ok.test:%s"\n%%FWU_TFTP_SERVER_PATH%%: "/site9/"\n%%MANAGEMENT_TRANSFER_PROTOCOL%%: 1\nEND_OF_FILE\n' \
	    "$NGX_PORT" >"$f"
	want=site9.ok.test
	wait_for -t 30 moved
	kill -HUP "$UPDPROBED_PID"
	full_done() { grep -q 'full scan' "$UPDPROBED_LOG"; }
	wait_for -t 120 full_done || {
		echo "bench-fleet: $run: no full scan after SIGHUP" >&2
		return 1
	}
	line=$(grep 'full scan' "$UPDPROBED_LOG" | tail -n 1)
	put "$run.full_ms" "$(sed -n 's/.* in \([0-9]*\) ms, \([0-9]*\) ms CPU/\1/p' <<<"$line")"
	put "$run.full_cpu_ms" "$(sed -n 's/.* in \([0-9]*\) ms, \([0-9]*\) ms CPU/\2/p' <<<"$line")"
	put "$run.rescan_scalar_ms" "$(num_get "$ARC.1.1.12.0")"
	say "$run: one changed file in the table after $(get "$run.inotify_ms") ms" \
	    "(applied in $(get "$run.inotify_apply_ms") ms); listing rescan" \
	    "$(get "$run.listing_ms") ms ($(get "$run.listing_cpu_ms") ms CPU);" \
	    "SIGHUP full rescan $(get "$run.full_ms") ms ($(get "$run.full_cpu_ms") ms CPU)"
}

# The shared server (setting 0: N / SETTINGS base stations) goes down.
measure_outage() {
	local run=$1 name srv idx i n sp cc tp tc before t0
	name=0004f2000000
	idx=".${#name}"
	for ((i = 0; i < ${#name}; i++)); do
		idx="$idx.$(printf '%d' "'${name:i:1}")"
	done
	srv=$(snmpget -v2c -c "$SNMP_READ_COMMUNITY" -m '' -Oqv "$SNMP_AGENT" \
	    "$ARC.1.2.1.21$idx" 2>/dev/null | tr -d '"')
	[ -n "$srv" ] || { echo "bench-fleet: no server for $name" >&2; return 1; }
	before=$(wc -l <"$TRAP_LOG")
	flip_server_stop snmplib_kill
	t0=$(date +%s%N)
	snmp_set "$SNMP_WRITE_COMMUNITY" \
	    "UPDPROBE-MIB::updprobeServerProbeNow.\"$srv\"" i 1 >/dev/null
	got_problem() {
		tail -n +"$((before + 1))" "$TRAP_LOG" | grep -q 'updprobeServerProblem'
	}
	wait_for -t 60 got_problem || {
		echo "bench-fleet: $run: no updprobeServerProblem" >&2
		return 1
	}
	put "$run.outage_trap_ms" "$((($(date +%s%N) - t0) / 1000000))"
	settled() {
		local sent got
		[ "$(num_get "$ARC.1.1.7.0")" = 0 ] || return 1
		sent=$(num_get "$ARC.1.1.5.0")
		got=$(grep -c 'UPDPROBE-MIB::updprobe' "$TRAP_LOG")
		[ "$got" = "$sent" ]
	}
	wait_for -t 60 settled
	n=$(tail -n +"$((before + 1))" "$TRAP_LOG" | grep -c 'UPDPROBE-MIB::updprobe')
	sp=$(tail -n +"$((before + 1))" "$TRAP_LOG" | grep -c 'OID: UPDPROBE-MIB::updprobeServerProblem')
	cc=$(tail -n +"$((before + 1))" "$TRAP_LOG" | grep -c 'OID: UPDPROBE-MIB::updprobeServerCodeChange')
	tp=$(tail -n +"$((before + 1))" "$TRAP_LOG" | grep -c 'OID: UPDPROBE-MIB::updprobe\(Problem\|CodeChange\)[[:space:]]')
	tc=$(tail -n +"$((before + 1))" "$TRAP_LOG" | grep 'updprobeServerProblem' |
	    sed -n 's/.*updprobeServerBaseStations[^=]*= Gauge32: \([0-9]*\).*/\1/p' | head -n 1)
	put "$run.outage_notifications" "$n"
	put "$run.outage_server_problem" "$sp"
	put "$run.outage_server_codechange" "$cc"
	put "$run.outage_per_bs" "$tp"
	put "$run.outage_count" "$tc"
	flip_server_start snmplib_track || return 1
	say "$run: the shared server of $tc base stations went down: $n" \
	    "notifications ($sp updprobeServerProblem, $cc updprobeServerCodeChange," \
	    "$tp per base station)"
}

run_fleet small 100 || die "the run of 100 base stations failed"
run_fleet control "$SETTINGS" full || die "the run of $SETTINGS base stations failed"
run_fleet big "$BIG" full outage || die "the run of $BIG base stations failed"
put load_end "$(cut -d' ' -f1-3 /proc/loadavg)"
put total_s "$(($(date +%s) - T_BEGIN))"

# ---------------------------------------------------------------------------
# The report.

"$PYTHON" - "$RES" "$OUT/fleet.md" <<'EOF'
import sys
res, out = sys.argv[1], sys.argv[2]
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
def v(k, spec="%.1f"):
    x = f(k)
    return "-" if x is None else spec % x
big, ctl = r.get("big"), r.get("settings")
rows = [
    ("first scan of the folder, wall (CPU)",
     "%s ms (%s ms)" % (v("small.scan_ms", "%.0f"), v("small.scan_cpu_ms", "%.0f")),
     "%s ms (%s ms)" % (v("control.scan_ms", "%.0f"), v("control.scan_cpu_ms", "%.0f")),
     "%s ms (%s ms)" % (v("big.scan_ms", "%.0f"), v("big.scan_cpu_ms", "%.0f"))),
    ("start to every row served", v("small.startup_ms", "%.0f") + " ms",
     v("control.startup_ms", "%.0f") + " ms", v("big.startup_ms", "%.0f") + " ms"),
    ("servers (distinct settings)", r.get("small.servers", "-"),
     r.get("control.servers", "-"), r.get("big.servers", "-")),
    ("peak RSS (VmHWM)", v("small.hwm_kib", "%.0f") + " KiB",
     v("control.hwm_kib", "%.0f") + " KiB",
     "%s KiB (%.1f MiB)" % (v("big.hwm_kib", "%.0f"), (f("big.hwm_kib") or 0) / 1024)),
    ("probes in the %s s window" % r.get("window"), "",
     r.get("control.window_probes", "-"), r.get("big.window_probes", "-")),
    ("CPU in the window (share of a core)", "",
     "%s ms (%s %%)" % (v("control.window_cpu_ms", "%.0f"), v("control.cpu_pct", "%.2f")),
     "%s ms (%s %%)" % (v("big.window_cpu_ms", "%.0f"), v("big.cpu_pct", "%.2f"))),
    ("CPU per probe (window CPU / probes)", "", v("control.cpu_ms_per_probe", "%.2f") + " ms",
     v("big.cpu_ms_per_probe", "%.2f") + " ms"),
    ("walk of the code column, per row: wall / CPU (updprobed + snmpd)",
     "%s / %s µs" % (v("small.walk_us_row"), v("small.walk_cpu_us_row")),
     "%s / %s µs" % (v("control.walk_us_row"), v("control.walk_cpu_us_row")),
     "%s / %s µs" % (v("big.walk_us_row"), v("big.walk_cpu_us_row"))),
    ("one changed file in the table (inotify; applied in)", "",
     "%s ms (%s ms)" % (v("control.inotify_ms", "%.0f"), v("control.inotify_apply_ms", "%.0f")),
     "%s ms (%s ms)" % (v("big.inotify_ms", "%.0f"), v("big.inotify_apply_ms", "%.0f"))),
    ("periodic rescan (listing), wall (CPU)", "",
     "%s ms (%s ms)" % (v("control.listing_ms", "%.0f"), v("control.listing_cpu_ms", "%.0f")),
     "%s ms (%s ms)" % (v("big.listing_ms", "%.0f"), v("big.listing_cpu_ms", "%.0f"))),
    ("SIGHUP full rescan, one file changed, wall (CPU)", "",
     "%s ms (%s ms)" % (v("control.full_ms", "%.0f"), v("control.full_cpu_ms", "%.0f")),
     "%s ms (%s ms)" % (v("big.full_ms", "%.0f"), v("big.full_cpu_ms", "%.0f"))),
    ("shared server down: notifications (per base station)", "", "",
     "%s (%s), %s base stations" % (r.get("big.outage_notifications", "-"),
                                    r.get("big.outage_per_bs", "-"),
                                    r.get("big.outage_count", "-"))),
]
goals = []
def goal(text, measured, ok):
    goals.append("| %s | %s | %s |" % (text, measured, "met" if ok else "MISSED"))
h = f("big.hwm_kib")
if h is not None:
    goal("%s base stations: peak RSS < 64 MiB" % big, "%.1f MiB" % (h / 1024), h / 1024 < 64)
a, b = f("control.window_cpu_ms"), f("big.window_cpu_ms")
if a and b:
    goal("CPU follows the settings, not the base stations (%s vs %s base stations, %s settings each: ≤ 1.5×)"
         % (big, ctl, ctl), "%.2f×" % (b / a), b / a <= 1.5)
x = f("big.listing_ms")
if x is not None:
    goal("the periodic rescan with one changed file < 100 ms", "%.0f ms" % x, x < 100)
x = f("big.inotify_apply_ms")
if x is not None:
    goal("a changed file applied < 100 ms (inotify)", "%.0f ms" % x, x < 100)
a, b = f("small.walk_cpu_us_row"), f("big.walk_cpu_us_row")
if a and b:
    goal("walk cost per row at %s ≤ 1.5× at 100 (CPU of updprobed + snmpd)" % big,
         "%.1f vs %.1f µs: %.2f×" % (b, a, b / a), b / a <= 1.5)
n, p = f("big.outage_notifications"), f("big.outage_per_bs")
if n is not None:
    goal("a shared server going down: one notification (and its CodeChange), none per base station",
         "%d notifications, %d per base station" % (n, p), n == 2 and p == 0)
with open(out, "w") as o:
    o.write("Fleet benchmark (make bench-fleet), %s; %s cores (%s); load %s -> %s; %s s in all\n\n"
            % (r.get("date"), r.get("nproc"), r.get("cpu_model"), r.get("load_start"),
               r.get("load_end"), r.get("total_s")))
    o.write("| figure | 100 base stations | %s over %s settings | %s over %s settings |\n"
            % (ctl, ctl, big, ctl))
    o.write("|---|---|---|---|\n")
    for row in rows:
        o.write("| %s |\n" % " | ".join(row))
    o.write("\n| goal | measured | |\n|---|---|---|\n")
    for g in goals:
        o.write(g + "\n")
print(open(out).read())
EOF
