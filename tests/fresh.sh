#!/bin/bash
# fresh.sh - the first run on a brand-new Debian 12 machine (make fresh).
#
#   tests/fresh.sh [demo] [deb] [package]       (default: all three)
#
# Builds a pristine Debian 12 with "debootstrap --variant=minbase bookworm"
# into a temporary directory, from the mirror this machine's apt uses (its
# sources.list), with a policy-rc.d that denies every service start (as
# container images have) and git and make added. Then, each phase in a
# copy of that system, through chroot:
#
#   demo     git clone of the commit under test (this repository's HEAD)
#            and "make demo", as the README says: it must succeed the
#            first time and show the demo's codes.
#   deb      the same clone and "make deb": the package builds where
#            nothing but build-essential, its Build-Depends and lintian
#            are installed, and lintian finds nothing.
#   package  apt-get install ./updprobe_VERSION_ARCH.deb (the one the deb
#            phase built; without it, $BUILD_DIR/deb's), the dependencies
#            from the mirror; its files, conffile, user and unit; purge;
#            install again; snmpd with a private configuration (loopback,
#            an AgentX socket for the user updprobe, as README.Debian says)
#            and the packaged updprobed started by hand as user updprobe
#            against the project's demo HTTP server (httpfault.py, on this
#            machine's loopback); snmpget and check_updprobe read the
#            codes; apt-get purge leaves nothing behind that was not there
#            before the install.
#
# Only proc and a private devpts are mounted in a chroot; every mount is
# undone and the temporary directory removed on exit, also after a
# failure or a signal. The chroots share this machine's network: services
# cannot start from package installs (policy-rc.d), and a watcher fails
# the test if any process in a chroot binds a socket to an address other
# than loopback. Needs root (debootstrap, chroot, mount) and the mirror.
#
# Prints ok / not ok per check, each phase's time, "N passed, N failed";
# each phase's output is in $BUILD_DIR/fresh/PHASE.log.
# FRESH_KEEP=1 keeps the systems (unmounted) in the temporary directory.

# SC2317: the phases run as "phase_$p", the clean-up from the EXIT trap.
# shellcheck disable=SC2317

set -u
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
# shellcheck source=tests/lib.sh
. "$HERE/lib.sh"

SUITE=bookworm
LOGS=$ROOT/${BUILD_DIR:-build}/fresh
CHROOT_PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
# Deadlines, seconds: generous, the machine may be busy.
T_SETUP=1200
T_PHASE=1800
T_STEP=600
# The demo's targets and the codes the demo must show for them.
DEMO_CODES="good=noProblems(0) digest-ok=noProblems(0)
no-password=authenticationFailed(12) wrong-case=fileNotFound(3)
hand-edited=dirFileSyntaxError(9) web-page=unknownDirFileFormat(10)
text-mode=unspecifiedError(7) no-such-name=nameLookupFailed(11)"
UPDPROBE_ARC=.1.3.6.1.4.1.8072.9999.9999.7

WORK=
WATCH_PID=
# The demo phase runs in the background, beside the deb and package ones.
BG_PID=

say() {
	echo "fresh: $(date +%T) $*"
}

# ---------------------------------------------------------------------------
# Clean-up: processes in the chroots, mounts, the temporary directory.

# chroot_pids DIR: the processes whose root is DIR or under it.
chroot_pids() {
	local p r
	[ -n "$1" ] || return 0
	for p in /proc/[0-9]*; do
		r=$(readlink "$p/root" 2>/dev/null) || continue
		case $r in
		"$1" | "$1"/*) echo "${p#/proc/}" ;;
		esac
	done
}

# kill_chroot_procs DIR: TERM, then KILL after 5 s, every process in the
# chroot DIR (all of them started by this script). Prints what it killed.
kill_chroot_procs() {
	local pids i
	pids=$(chroot_pids "$1")
	[ -n "$pids" ] || return 0
	# shellcheck disable=SC2086
	ps -o pid=,args= -p "$(echo $pids | tr ' ' ,)" 2>/dev/null | sed 's/^/    /'
	# shellcheck disable=SC2086
	kill $pids 2>/dev/null
	for ((i = 0; i < 50; i++)); do
		[ -z "$(chroot_pids "$1")" ] && return 0
		sleep 0.1
	done
	pids=$(chroot_pids "$1")
	# shellcheck disable=SC2086
	[ -n "$pids" ] && kill -KILL $pids 2>/dev/null
	sleep 0.2
}

# mounts_under DIR: the mount points under DIR, deepest first.
mounts_under() {
	awk -v d="$1/" 'index($2, d) == 1 { print $2 }' /proc/self/mounts |
	    sort -r
}

umount_under() {	# DIR
	local m
	for m in $(mounts_under "$1"); do
		umount "$m" 2>/dev/null || umount -l "$m"
	done
}

fresh_cleanup() {
	local pid
	[ "$BASHPID" = "$_LIB_MAIN_PID" ] || return 0
	# The subshells first, then what runs in the chroots (a subshell
	# waits for its command there before it acts on the signal).
	for pid in $WATCH_PID $BG_PID; do
		kill "$pid" 2>/dev/null
	done
	[ -n "$WORK" ] && kill_chroot_procs "$WORK" >/dev/null
	for pid in $WATCH_PID $BG_PID; do
		wait "$pid" 2>/dev/null
	done
	WATCH_PID=
	BG_PID=
	[ -n "$WORK" ] || return 0
	umount_under "$WORK"
	if [ -n "$(mounts_under "$WORK")" ]; then
		echo "fresh: still mounted, $WORK not removed:" >&2
		mounts_under "$WORK" >&2
	elif [ "${FRESH_KEEP:-0}" = 1 ]; then
		echo "fresh: kept $WORK"
	else
		rm -rf --one-file-system "$WORK"
	fi
	WORK=
}
trap 'fresh_cleanup; _lib_cleanup' EXIT

# ---------------------------------------------------------------------------
# Chroots.

# mount_chroot DIR: proc and a devpts of its own (apt and dpkg want a tty).
mount_chroot() {
	mount -t proc proc "$1/proc" &&
	    mount -t devpts -o newinstance,ptmxmode=0666,mode=620 devpts \
	    "$1/dev/pts"
}

# enter_phase NAME: a copy of the pristine system as $WORK/NAME, mounted.
enter_phase() {
	if ! cp -a "$WORK/pristine" "$WORK/$1" || ! mount_chroot "$WORK/$1"; then
		not_ok "$1: a copy of the new system, mounted"
		umount_under "$WORK/$1"
		return 1
	fi
}

# leave_phase NAME: nothing may be left running or bound in it; unmount it
# and remove it.
leave_phase() {
	local left
	left=$(kill_chroot_procs "$WORK/$1")
	[ -z "$left" ]
	check $? "$1: no process left running in the system" "$left"
	check_binds "$1"
	umount_under "$WORK/$1"
	if [ "${FRESH_KEEP:-0}" != 1 ] && [ -z "$(mounts_under "$WORK/$1")" ]; then
		rm -rf --one-file-system "${WORK:?}/$1"
	fi
}

# in_chroot DIR SECONDS CMD...: CMD in the chroot, as root, with a clean
# environment, killed after SECONDS.
in_chroot() {
	local dir=$1 secs=$2
	shift 2
	timeout -k 10 "$secs" chroot "$dir" /usr/bin/env -i HOME=/root \
	    PATH="$CHROOT_PATH" LANG=C.UTF-8 TERM=dumb "$@" </dev/null
}

# timed NAME SECONDS: records a phase's time.
timed() {
	printf '%-9s %5d s\n' "$1" "$2" >>"$WORK/times"
}

# ---------------------------------------------------------------------------
# The watcher: every half second, the sockets bound by processes in the
# chroots (TCP listening, UDP bound); any address but loopback is logged.

loopback_addr() {	# ss's local address column
	local a=${1%:*}
	a=${a#[}
	a=${a%]}
	a=${a%%%*}
	case $a in
	127.* | ::1 | ::ffff:127.*) return 0 ;;
	esac
	return 1
}

watch_binds() {
	local line addr pid root
	while :; do
		ss -Hlntup 2>/dev/null | while read -r line; do
			addr=$(awk '{ print $5 }' <<<"$line")
			loopback_addr "$addr" && continue
			for pid in $(grep -o 'pid=[0-9]*' <<<"$line" | cut -d= -f2); do
				root=$(readlink "/proc/$pid/root" 2>/dev/null) || continue
				case $root in
				"$WORK"/*)
					echo "$(date +%T) $root: $line" >>"$WORK/binds.log" ;;
				esac
			done
		done
		sleep 0.5
	done
}

start_watcher() {
	: >"$WORK/binds.log"
	(
		trap - EXIT
		watch_binds
	) &
	WATCH_PID=$!
}

check_binds() {		# PHASE
	local seen
	seen=$(grep -F " $WORK/$1: " "$WORK/binds.log")
	[ -z "$seen" ]
	check $? "$1: nothing in the system bound an address other than loopback" \
	    "$(head -n 5 <<<"$seen" | squash)"
}

# ---------------------------------------------------------------------------
# The pristine system.

# apt_sources: "URI SUITE" lines of this machine's enabled Debian sources
# for $SUITE, $SUITE-updates and $SUITE-security (one-line and deb822).
apt_sources() {
	"$PYTHON" - "$SUITE" <<'EOF'
import glob, sys
suite = sys.argv[1]
wanted = (suite, suite + "-updates", suite + "-security")
found = []
def add(uri, s):
    if s in wanted and (uri, s) not in found:
        found.append((uri, s))
for f in ["/etc/apt/sources.list"] + sorted(glob.glob("/etc/apt/sources.list.d/*.list")):
    try:
        lines = open(f).read().splitlines()
    except OSError:
        continue
    for line in lines:
        w = line.split("#", 1)[0].split()
        if not w or w[0] != "deb":
            continue
        w = w[1:]
        if w and w[0].startswith("["):
            while w and not w[0].endswith("]"):
                w = w[1:]
            w = w[1:]
        if len(w) >= 2:
            add(w[0], w[1])
for f in sorted(glob.glob("/etc/apt/sources.list.d/*.sources")):
    try:
        text = open(f).read()
    except OSError:
        continue
    for para in text.split("\n\n"):
        fields = {}
        for line in para.splitlines():
            if line.startswith("#") or ":" not in line or line[:1].isspace():
                continue
            k, v = line.split(":", 1)
            fields[k.strip().lower()] = v.split()
        if "deb" not in fields.get("types", []):
            continue
        if fields.get("enabled", ["yes"])[0].lower() == "no":
            continue
        for uri in fields.get("uris", []):
            for s in fields.get("suites", []):
                add(uri, s)
for uri, s in found:
    print(uri, s)
EOF
}

make_pristine() {
	local p=$WORK/pristine mirror t0 src
	src=$(apt_sources)
	mirror=$(awk -v s="$SUITE" '$2 == s { print $1; exit }' <<<"$src")
	if [ -z "$mirror" ]; then
		not_ok "setup: a mirror for $SUITE in /etc/apt/sources.list*"
		return 1
	fi
	say "debootstrap --variant=minbase $SUITE from $mirror"
	t0=$(date +%s)
	if ! timeout -k 10 "$T_SETUP" debootstrap --variant=minbase "$SUITE" \
	    "$p" "$mirror" >"$LOGS/setup.log" 2>&1; then
		not_ok "setup: debootstrap --variant=minbase $SUITE ($(tail -n 5 "$LOGS/setup.log" | squash))"
		return 1
	fi
	ok "setup: debootstrap --variant=minbase $SUITE from $mirror"
	# Services never start from a package install in it.
	printf '#!/bin/sh\n# fresh.sh: no service starts in this system\nexit 101\n' \
	    >"$p/usr/sbin/policy-rc.d"
	chmod 755 "$p/usr/sbin/policy-rc.d"
	awk '{ print "deb " $1 " " $2 " main" }' <<<"$src" >"$p/etc/apt/sources.list"
	cp /etc/resolv.conf "$p/etc/resolv.conf"
	if ! mount_chroot "$p"; then
		not_ok "setup: mount proc and devpts in the new system"
		return 1
	fi
	{
		echo "=== sources.list"
		cat "$p/etc/apt/sources.list"
		echo "=== apt-get update; apt-get install git make"
	} >>"$LOGS/setup.log"
	if ! in_chroot "$p" "$T_SETUP" sh -c 'apt-get -q update &&
	    DEBIAN_FRONTEND=noninteractive apt-get -y -q \
	    --no-install-recommends install git make && apt-get clean' \
	    >>"$LOGS/setup.log" 2>&1; then
		not_ok "setup: apt-get install git make in the new system ($(tail -n 5 "$LOGS/setup.log" | squash))"
		return 1
	fi
	ok "setup: apt-get install git make in the new system"
	kill_chroot_procs "$p"
	umount_under "$p"
	timed setup $(($(date +%s) - t0))
	say "pristine system: $(du -sh "$p" | cut -f1)," \
	    "$(chroot "$p" dpkg-query -W | wc -l) packages"
}

# clone_into DIR: the commit under test, cloned as a user would, in /root.
clone_into() {
	cp "$WORK/updprobe.bundle" "$1/root/"
	in_chroot "$1" "$T_STEP" sh -c 'cd /root &&
	    git clone -q -c advice.detachedHead=false updprobe.bundle updprobe &&
	    git -C updprobe log -1 --format=%H'
}

# ---------------------------------------------------------------------------
# Phase demo.

phase_demo() {
	local d=$WORK/demo t0 rc head line name want
	say "demo: git clone, make demo"
	t0=$(date +%s)
	enter_phase demo || return 1
	: >"$LOGS/demo.log"
	head=$(clone_into "$d" 2>>"$LOGS/demo.log")
	[ "$head" = "$COMMIT" ]
	check $? "demo: git clone of the commit under test" "cloned: '$head'"
	in_chroot "$d" "$T_PHASE" sh -c 'cd /root/updprobe && make demo' \
	    >>"$LOGS/demo.log" 2>&1
	rc=$?
	check "$rc" "demo: make demo succeeds the first time (status $rc)" \
	    "$(tail -n 15 "$LOGS/demo.log" | squash)"
	for line in $DEMO_CODES; do
		name=${line%%=*}
		want=${line#*=}
		grep -qF "UPDPROBE-MIB::updprobeTargetCode.\"$name\" = INTEGER: $want" \
		    "$LOGS/demo.log"
		check $? "demo: shows $name as $want" \
		    "$(grep -F "updprobeTargetCode.\"$name\"" "$LOGS/demo.log" | head -n 2 | squash)"
	done
	grep -q '^Code 3: file not found' "$LOGS/demo.log" &&
	    grep -q '"code":3,"name":"file not found"' "$LOGS/demo.log"
	check $? "demo: shows the updprobe trace (Code 3) and its JSON" \
	    "$(grep -i 'code' "$LOGS/demo.log" | tail -n 3 | squash)"
	line=$(grep '^deps.sh: installing Debian packages:' "$LOGS/demo.log")
	[ -n "$line" ] && ! grep -qwE 'clang|valgrind|libcmocka-dev|tftpd-hpa' <<<"$line"
	check $? "demo: installs the demo's packages, not the test tool chain" \
	    "$line"
	leave_phase demo
	timed demo $(($(date +%s) - t0))
	say "demo: what it showed:"
	grep '^UPDPROBE-MIB::updprobeTargetCode\.' "$LOGS/demo.log" | sed 's/^/    /'
}

# ---------------------------------------------------------------------------
# Phase deb.

phase_deb() {
	local d=$WORK/deb t0 rc head
	say "deb: git clone, make deb"
	t0=$(date +%s)
	enter_phase deb || return 1
	: >"$LOGS/deb.log"
	head=$(clone_into "$d" 2>>"$LOGS/deb.log")
	[ "$head" = "$COMMIT" ]
	check $? "deb: git clone of the commit under test" "cloned: '$head'"
	in_chroot "$d" "$T_PHASE" sh -c 'cd /root/updprobe && make deb' \
	    >>"$LOGS/deb.log" 2>&1
	rc=$?
	check "$rc" "deb: make deb succeeds on a system with only the Build-Depends (status $rc)" \
	    "$(tail -n 15 "$LOGS/deb.log" | squash)"
	DEB=$(find "$d/root/updprobe/build/deb" -name 'updprobe_*.deb' 2>/dev/null |
	    head -n 1)
	[ -n "$DEB" ] && cp "$DEB" "$WORK/" && DEB=$WORK/${DEB##*/}
	[ -n "$DEB" ]
	check $? "deb: make deb made build/deb/updprobe_VERSION_ARCH.deb" \
	    "$(ls "$d/root/updprobe/build/deb" 2>&1 | squash)"
	grep -q '^deb.sh: lintian: no error, warning or info$' "$LOGS/deb.log"
	check $? "deb: lintian finds nothing" \
	    "$(sed -n '/lintian says/,$p' "$LOGS/deb.log" | squash)"
	leave_phase deb
	timed deb $(($(date +%s) - t0))
}

# ---------------------------------------------------------------------------
# Phase package.

# snapshot DIR: every path of the system with its type, mode and owner,
# less the package manager's own state and logs, which change with every
# install.
snapshot() {
	(cd "$1" && find . -xdev \( -path ./proc -o -path ./dev -o -path ./srv \
	    -o -path ./tmp -o -path ./run -o -path ./var/log \
	    -o -path ./var/lib/dpkg -o -path ./var/lib/apt \
	    -o -path ./var/cache/apt -o -path ./var/cache/debconf \
	    -o -path ./var/cache/ldconfig \) -prune -o \
	    -printf '%y %m %u:%g %p\n' | LC_ALL=C sort)
}

# pkg ARGS...: a command in the package system, its output to the log.
pkg() {
	echo "=== $*" >>"$LOGS/package.log"
	in_chroot "$PKG" "$T_STEP" "$@" >>"$LOGS/package.log" 2>&1
}

apt_install_deb() {
	pkg sh -c "DEBIAN_FRONTEND=noninteractive apt-get -y -q install /srv/${DEB##*/}"
}

# The files of the package (no directories), from dpkg -L.
package_files() {
	in_chroot "$PKG" 60 dpkg -L updprobe | while read -r f; do
		[ -d "$PKG$f" ] || echo "$f"
	done
}

check_installed() {
	local f missing="" conf u uid home shell
	in_chroot "$PKG" 60 dpkg-query -W -f='${Status}' updprobe 2>&1 |
	    grep -q '^install ok installed$'
	check $? "package: dpkg says updprobe is installed" \
	    "$(in_chroot "$PKG" 60 dpkg-query -W -f='${Status}' updprobe 2>&1)"
	for f in /usr/bin/updprobe /usr/sbin/updprobed \
	    /usr/lib/nagios/plugins/check_updprobe \
	    /usr/share/snmp/mibs/UPDPROBE-MIB.txt \
	    /usr/share/updprobe/zabbix/template_updprobe.yaml \
	    /usr/share/updprobe/snmptt/updprobe.conf \
	    /usr/share/man/man1/updprobe.1.gz /usr/share/man/man8/updprobed.8.gz \
	    /usr/share/man/man5/updprobed.conf.5.gz \
	    /lib/systemd/system/updprobed.service \
	    /etc/updprobe/updprobed.conf /usr/share/doc/updprobe/README.Debian \
	    /usr/share/doc/updprobe/copyright; do
		[ -f "$PKG$f" ] || missing="$missing $f"
	done
	[ -z "$missing" ]
	check $? "package: the programs, MIB, Zabbix and SNMPTT files, man pages, unit, configuration are in place" \
	    "missing:$missing"
	conf=$(in_chroot "$PKG" 60 dpkg-query -W -f='${Conffiles}' updprobe)
	grep -q '^ /etc/updprobe/updprobed.conf [0-9a-f]*$' <<<"$conf"
	check $? "package: /etc/updprobe/updprobed.conf is a conffile" "conffiles: $conf"
	u=$(in_chroot "$PKG" 60 getent passwd updprobe)
	IFS=: read -r _ _ uid _ _ home shell <<<"$u"
	[ -n "$u" ] && [ "$uid" -lt 1000 ] && [ "$shell" = /usr/sbin/nologin ] &&
	    [ ! -e "$PKG$home" ]
	check $? "package: system user updprobe (no login, no home)" "passwd: $u"
	[ -L "$PKG/etc/systemd/system/multi-user.target.wants/updprobed.service" ]
	check $? "package: updprobed.service is enabled" \
	    "$(ls -l "$PKG/etc/systemd/system/multi-user.target.wants" 2>&1 | squash)"
	[ "$(in_chroot "$PKG" 60 updprobe -V)" = "updprobe $VERSION" ]
	check $? "package: updprobe -V says $VERSION" \
	    "$(in_chroot "$PKG" 60 updprobe -V 2>&1)"
}

# The package's test servers and daemons. snmpd and updprobed run in the
# chroot, started by hand (not by systemd); the HTTP server is the
# project's httpfault.py on this machine's loopback, which the chroot
# shares.
SNMPD_PID=
UPDPROBED_PID=

# client CMD...: an SNMP client in the package system, as an operator
# runs it (Debian's /etc/snmp/snmp.conf), but bound to loopback and with
# its persistent files in /srv/t.
client() {
	in_chroot "$PKG" 30 env SNMPCONFPATH=/etc/snmp:/srv/t/snmpconf \
	    SNMP_PERSISTENT_DIR=/srv/t/persist "$@"
}

snmp_code() {		# TARGET: its updprobeTargetCode, numeric OID
	local oid=$UPDPROBE_ARC.1.2.1.2.${#1} i
	for ((i = 0; i < ${#1}; i++)); do
		oid=$oid.$(printf '%d' "'${1:i:1}")
	done
	client snmpget -v2c -c public -t 1 -r 1 -Oqv "127.0.0.1:$SNMP_PORT" \
	    "$oid" 2>&1
}

code_is() {		# TARGET CODE
	[ "$(snmp_code "$1")" = "$2" ]
}

wait_until() {		# SECONDS CMD...
	local end=$(($(date +%s) + $1))
	shift
	until "$@"; do
		[ "$(date +%s)" -ge "$end" ] && return 1
		sleep 0.2
	done
}

snmpd_answers() {
	client snmpget -v2c -c public -t 0.5 -r 0 -Oqv "127.0.0.1:$SNMP_PORT" \
	    .1.3.6.1.2.1.1.3.0 2>/dev/null | grep -q '^[0-9]'
}

updprobed_running() {
	[ "$(readlink "/proc/$UPDPROBED_PID/exe" 2>/dev/null)" = "$PKG/usr/sbin/updprobed" ]
}

stop_pid() {		# PID: TERM, wait; sets STOP_STATUS
	local i
	kill "$1" 2>/dev/null
	for ((i = 0; i < 50; i++)); do
		pid_gone "$1" && break
		sleep 0.1
	done
	kill -KILL "$1" 2>/dev/null
	wait "$1"
	STOP_STATUS=$?
}

# pid_gone PID: 0 once PID has exited (a zombie counts as exited).
pid_gone() {
	local st
	kill -0 "$1" 2>/dev/null || return 0
	st=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null) || return 0
	[ "${st%% *}" = Z ]
}

run_agent() {
	local t=$PKG/srv/t out rc st user gid
	start_httpfault || {
		not_ok "package: httpfault.py starts"
		return 1
	}
	SNMP_PORT=$(free_port udp)
	mkdir -p "$t/snmpconf" "$t/snmpd-persist" "$t/persist"
	# The client tools bind to loopback too.
	echo "clientaddr 127.0.0.1" >"$t/snmpconf/snmp.conf"
	# README.Debian's lines, on a loopback port of the test's own.
	cat >"$t/snmpd.conf" <<EOF
agentAddress udp:127.0.0.1:$SNMP_PORT
master agentx
agentXSocket unix:/srv/t/agentx/master
agentXPerms 0660 0755 root updprobe
view systemonly included .1.3.6.1.2.1.1
view systemonly included $UPDPROBE_ARC
rocommunity public 127.0.0.1 -V systemonly
dontLogTCPWrappersConnects yes
[snmp] persistentDir /srv/t/snmpd-persist
[snmp] clientaddr 127.0.0.1
EOF
	cat >"$t/updprobed.conf" <<EOF
agentXSocket unix:/srv/t/agentx/master
agentxPingInterval 1
interval 60
timeout 5
target good   http://127.0.0.1:$HTTP_PORT/good/
target locked http://127.0.0.1:$HTTP_PORT/auth-basic/
EOF
	chmod 755 "$t"
	chmod 644 "$t/updprobed.conf"
	# chroot, env and setpriv exec: $! is the daemon's PID.
	chroot "$PKG" /usr/bin/env -i PATH="$CHROOT_PATH" \
	    /usr/sbin/snmpd -f -Lf /srv/t/snmpd.log -C -c /srv/t/snmpd.conf \
	    -p /srv/t/snmpd.pid -I -smux </dev/null >>"$LOGS/package.log" 2>&1 &
	SNMPD_PID=$!
	wait_until 30 snmpd_answers
	check $? "package: snmpd (private configuration, 127.0.0.1:$SNMP_PORT) answers" \
	    "$(tail -n 5 "$t/snmpd.log" 2>&1 | squash)"
	# Numeric: this machine's names are not the chroot's.
	gid=$(awk -F: '$1 == "updprobe" { print $3 }' "$PKG/etc/group")
	st=$(stat -c '%a %u:%g' "$t/agentx/master" 2>&1)
	[ -n "$gid" ] && [ "$st" = "660 0:$gid" ]
	check $? "package: README.Debian's agentXPerms: the AgentX socket is mode 660, group updprobe" \
	    "socket: $st, updprobe's gid: $gid"

	# As the unit runs it: user updprobe, no environment.
	chroot "$PKG" /usr/bin/env -i PATH="$CHROOT_PATH" \
	    setpriv --reuid=updprobe --regid=updprobe --init-groups \
	    /usr/sbin/updprobed -f -c /srv/t/updprobed.conf \
	    </dev/null >"$LOGS/updprobed.log" 2>&1 &
	UPDPROBED_PID=$!
	wait_until 10 updprobed_running
	user=$(awk '/^Uid:/ { print $2 }' "/proc/$UPDPROBED_PID/status" 2>&1)
	[ "$user" = "$(awk -F: '$1 == "updprobe" { print $3 }' "$PKG/etc/passwd")" ]
	check $? "package: /usr/sbin/updprobed runs as user updprobe" \
	    "uid $user: $(tr '\0' ' ' <"/proc/$UPDPROBED_PID/cmdline" 2>&1)"

	wait_until 60 code_is good 0
	check $? "package: snmpget reads code 0 for a good update server" \
	    "got: $(snmp_code good | squash); updprobed: $(tail -n 5 "$LOGS/updprobed.log" | squash)"
	wait_until 60 code_is locked 12
	check $? "package: snmpget reads code 12 for a server that wants a password" \
	    "got: $(snmp_code locked | squash)"
	out=$(client sh -c 'snmpget -M +$(echo /usr/lib/erlang/lib/snmp-*/mibs) \
	    -m UPDPROBE-MIB -v2c -c public 127.0.0.1:'"$SNMP_PORT"' \
	    "UPDPROBE-MIB::updprobeTargetCode.\"good\""' 2>&1)
	[ "$out" = 'UPDPROBE-MIB::updprobeTargetCode."good" = INTEGER: noProblems(0)' ]
	check $? "package: with README.Debian's MIB path, snmpget by name: $out" "$out"
	out=$(client /usr/lib/nagios/plugins/check_updprobe -H 127.0.0.1 \
	    -p "$SNMP_PORT" -C public -n good 2>&1)
	rc=$?
	[ "$rc" = 0 ] && [[ "$out" == "UPDPROBE OK - good: Code 0"* ]]
	check $? "package: check_updprobe -n good is OK (exit $rc): $(head -n 1 <<<"$out")" "$out"
	out=$(client /usr/lib/nagios/plugins/check_updprobe -H 127.0.0.1 \
	    -p "$SNMP_PORT" -C public 2>&1)
	rc=$?
	[ "$rc" = 2 ] && [[ "$out" == "UPDPROBE CRITICAL - "*locked*"Code 12"* ]]
	check $? "package: check_updprobe on every target is CRITICAL (exit $rc): $(head -n 1 <<<"$out")" "$out"
	out=$(in_chroot "$PKG" 30 updprobe --timeout 5 "http://127.0.0.1:$HTTP_PORT/good/" 2>&1)
	rc=$?
	check "$rc" "package: updprobe probes the good server: code 0" "$(squash <<<"$out")"

	stop_pid "$UPDPROBED_PID"
	UPDPROBED_PID=
	check "$STOP_STATUS" "package: updprobed stops on SIGTERM with status 0" \
	    "status $STOP_STATUS; $(tail -n 5 "$LOGS/updprobed.log" | squash)"
	stop_pid "$SNMPD_PID"
	SNMPD_PID=
	stop_servers
	rm -rf "$t"
}

phase_package() {
	local t0 before after files left
	PKG=$WORK/package
	if [ -z "${DEB:-}" ]; then
		DEB=$(find "$ROOT/${BUILD_DIR:-build}/deb" -name 'updprobe_*.deb' \
		    2>/dev/null | head -n 1)
		if [ -z "$DEB" ]; then
			not_ok "package: a package to test (run the deb phase, or make deb)"
			return 1
		fi
	fi
	VERSION=$(dpkg-deb -f "$DEB" Version)
	say "package: ${DEB##*/}: install, purge, install, run, purge"
	t0=$(date +%s)
	enter_phase package || return 1
	: >"$LOGS/package.log"
	cp "$DEB" "$PKG/srv/"

	apt_install_deb
	check $? "package: apt-get install ./${DEB##*/}, dependencies from the mirror" \
	    "$(tail -n 5 "$LOGS/package.log" | squash)"
	check_installed
	files=$(package_files)
	pkg sh -c 'DEBIAN_FRONTEND=noninteractive apt-get -y -q purge updprobe'
	check $? "package: apt-get purge updprobe" "$(tail -n 5 "$LOGS/package.log" | squash)"
	left=$(for f in $files /etc/updprobe /usr/share/updprobe /usr/share/doc/updprobe \
	    /etc/systemd/system/multi-user.target.wants/updprobed.service; do
		[ -e "$PKG$f" ] || [ -L "$PKG$f" ] && echo "$f"
	    done)
	[ -z "$left" ]
	check $? "package: purge removes every file of the package" "left: $(squash <<<"$left")"

	# Again, now that the dependencies are there: the whole system is
	# listed before the install and after the purge.
	pkg sh -c 'DEBIAN_FRONTEND=noninteractive apt-get -y -q \
	    --no-install-recommends install snmp erlang-snmp'
	check $? "package: the operator's tools (snmp; erlang-snmp for the base MIBs)" \
	    "$(tail -n 5 "$LOGS/package.log" | squash)"
	before=$(snapshot "$PKG")
	apt_install_deb
	check $? "package: apt-get install after a purge" "$(tail -n 5 "$LOGS/package.log" | squash)"
	run_agent
	pkg sh -c 'DEBIAN_FRONTEND=noninteractive apt-get -y -q purge updprobe'
	check $? "package: apt-get purge updprobe after running it" \
	    "$(tail -n 5 "$LOGS/package.log" | squash)"
	after=$(snapshot "$PKG")
	left=$(diff <(echo "$before") <(echo "$after") | grep '^[<>]')
	[ -z "$left" ]
	check $? "package: after the purge the system is as before the install (the user updprobe stays)" \
	    "$(head -n 10 <<<"$left" | squash)"
	leave_phase package
	timed package $(($(date +%s) - t0))
}

# ---------------------------------------------------------------------------

PHASES=${*:-demo deb package}
for p in $PHASES; do
	case $p in
	demo | deb | package) ;;
	*)	echo "usage: tests/fresh.sh [demo] [deb] [package]" >&2
		exit 64 ;;
	esac
done
[ "$(id -u)" = 0 ] || bail_out "fresh.sh needs root (debootstrap, chroot, mount)"
for t in debootstrap chroot ss git; do
	command -v "$t" >/dev/null 2>&1 ||
	    bail_out "$t is missing (tests/deps.sh fresh installs it)"
done

T0=$(date +%s)
mkdir -p "$LOGS"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/updprobe-fresh.XXXXXX") || exit 1
COMMIT=$(git -C "$ROOT" rev-parse HEAD) || bail_out "$ROOT is not a git clone"
if [ -n "$(git -C "$ROOT" status --porcelain --untracked-files=no)" ]; then
	say "note: the work tree has changes that are not committed; the test" \
	    "clones the commit $COMMIT"
fi
git -C "$ROOT" bundle create "$WORK/updprobe.bundle" HEAD 2>/dev/null ||
    bail_out "git bundle create of HEAD failed"
say "testing commit $COMMIT in $WORK"
start_watcher

make_pristine || finish
# The demo beside the others: each is bound by the network and the disk
# more than by the CPU. Its report is printed when it is over.
if [[ " $PHASES " == *" demo "* ]]; then
	(
		phase_demo
		exit 0
	) >"$WORK/demo.out" 2>&1 &
	BG_PID=$!
fi
for p in $PHASES; do
	[ "$p" = demo ] || "phase_$p"
done
if [ -n "$BG_PID" ]; then
	wait "$BG_PID"
	rc=$?
	BG_PID=
	cat "$WORK/demo.out"
	PASSED=$((PASSED + $(grep -c '^ok - ' "$WORK/demo.out")))
	FAILED=$((FAILED + $(grep -c '^not ok - ' "$WORK/demo.out")))
	check "$rc" "demo: the phase ran to its end" "status $rc"
fi

say "times:"
sed 's/^/    /' "$WORK/times"
printf '    %-9s %5d s\n' total $(($(date +%s) - T0))
finish
