#!/bin/sh
# deps.sh - install the Debian packages a make target needs, if missing.
#
#   tests/deps.sh GROUP...
#   tests/deps.sh --list GROUP...   print the groups' packages, install nothing
#
#   build   the compiler and libraries (make, make install)
#   demo    build + snmpd, snmptrapd, the SNMP tools, the base MIBs and
#           python3 for the demo servers (make demo)
#   check   demo + the test tool chain: cmocka, valgrind, snmptt, duktape,
#           the update servers (Apache, nginx, lighttpd, tftpd-hpa,
#           dnsmasq), the monitoring systems ... (make check, make longrun)
#   fuzz    build + clang and libFuzzer (make fuzz)
#   bench   demo + nginx, prometheus-blackbox-exporter, check_curl (make bench)
#   deb     debian/control's Build-Depends, dpkg-dev and lintian (make deb)
#   fresh   debootstrap and git (make fresh)
#   all     every group
#
# Quiet and idempotent when everything is there. apt-get runs as root, or
# through sudo, without Recommends: each group names what it uses.
# Services the packages would start (snmpd, tftpd-hpa, apache2, nginx,
# lighttpd) are kept from starting: if there is no /usr/sbin/policy-rc.d,
# one that denies every start (exit 101) is put there for the install and
# removed after it; an existing one is left as it is.
#
# Exit status: 0 when every package of the groups is installed, 64 for a
# usage error, 1 when the packages could not be installed.
#
# DEPS_POLICY_RC_D names another policy-rc.d (tests/deps-test.sh uses it).
set -eu

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
POLICY=${DEPS_POLICY_RC_D:-/usr/sbin/policy-rc.d}

BUILD_PKGS="gcc libc6-dev make pkg-config libc-ares-dev libcurl4-openssl-dev libsnmp-dev"
# The base MIBs that UPDPROBE-MIB imports come from erlang-snmp's package
# file, not installed (tests/mibs.sh).
DEMO_PKGS="$BUILD_PKGS snmp snmpd snmptrapd smitools python3"
# The monitoring systems of tests/e2e/monitoring.sh.
MONITORING_PKGS="nagios4-core monitoring-plugins-basic icinga2-bin
icinga2-common prometheus-snmp-exporter zabbix-server-pgsql
zabbix-frontend-php php-cli php-pgsql postgresql-15 postgresql-client-15"
# The update servers operators run (tests/e2e/servers.sh); dnsmasq-base
# is the program without its service (never DHCP).  atftpd conflicts with
# tftpd-hpa: servers.sh runs it unpacked from its .deb (apt-get download),
# never installed; its libraries are installed here.
SERVER_PKGS="tftpd-hpa apache2 apache2-utils nginx-light lighttpd
dnsmasq-base openssl curl libwrap0 libpcre2-8-0"
CHECK_PKGS="$DEMO_PKGS libcmocka-dev python3-yaml snmptt
libsnmp-perl libconfig-inifiles-perl duktape time valgrind libc6-dbg gdb
procps iproute2 $SERVER_PKGS $MONITORING_PKGS"
FUZZ_PKGS="$BUILD_PKGS clang libclang-rt-14-dev"
# check_curl is in monitoring-plugins-standard; its libraries are only
# Recommends there.
BENCH_PKGS="$DEMO_PKGS nginx-light prometheus-blackbox-exporter
monitoring-plugins-standard liburiparser1 libcurl4 openssl curl"
# Plus the Build-Depends of debian/control (apt-get build-dep).
DEB_PKGS="dpkg-dev lintian"
FRESH_PKGS="debootstrap debian-archive-keyring git iproute2 python3"

usage() {
	echo "usage: tests/deps.sh [--list] build|demo|check|fuzz|bench|deb|fresh|all ..." >&2
	exit 64
}

list=0
if [ "${1:-}" = --list ]; then
	list=1
	shift
fi
[ $# -gt 0 ] || usage
pkgs=""
builddeps=0
for group in "$@"; do
	case $group in
	build)	pkgs="$pkgs $BUILD_PKGS" ;;
	demo)	pkgs="$pkgs $DEMO_PKGS" ;;
	check)	pkgs="$pkgs $CHECK_PKGS" ;;
	fuzz)	pkgs="$pkgs $FUZZ_PKGS" ;;
	bench)	pkgs="$pkgs $BENCH_PKGS" ;;
	deb)	pkgs="$pkgs $DEB_PKGS"; builddeps=1 ;;
	fresh)	pkgs="$pkgs $FRESH_PKGS" ;;
	all)	pkgs="$pkgs $CHECK_PKGS $FUZZ_PKGS $BENCH_PKGS $DEB_PKGS $FRESH_PKGS"
		builddeps=1 ;;
	*)	echo "deps.sh: unknown group: $group" >&2
		usage ;;
	esac
done

# shellcheck disable=SC2086 # lists of package names
pkgs=$(printf '%s\n' $pkgs | sort -u)
if [ "$list" = 1 ]; then
	printf '%s\n' "$pkgs"
	exit 0
fi

missing=""
for p in $pkgs; do
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null |
	    grep -q '^install ok installed$' || missing="$missing $p"
done
# dpkg-checkbuilddeps (dpkg-dev) reads debian/control's Build-Depends.
if [ "$builddeps" = 1 ] && { ! command -v dpkg-checkbuilddeps >/dev/null 2>&1 ||
    ! dpkg-checkbuilddeps "$ROOT/debian/control" >/dev/null 2>&1; }; then
	need_builddeps=1
else
	need_builddeps=0
fi
if [ -z "$missing" ] && [ "$need_builddeps" = 0 ]; then
	exit 0
fi

if [ "$(id -u)" = 0 ]; then
	SUDO=
elif command -v sudo >/dev/null 2>&1; then
	SUDO=sudo
else
	echo "deps.sh: missing Debian packages:$missing; run as root or" \
	    "install sudo" >&2
	exit 1
fi

own_policy=0
# Removes the policy-rc.d this script made; the script's exit status stays
# the one it exited with.
# shellcheck disable=SC2317 # it runs from the EXIT trap
on_exit() {
	rc=$?
	if [ "$own_policy" = 1 ]; then
		$SUDO rm -f "$POLICY" ||
		    echo "deps.sh: could not remove $POLICY" >&2
	fi
	exit "$rc"
}
trap on_exit EXIT
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM

if [ ! -e "$POLICY" ]; then
	printf '#!/bin/sh\n# tests/deps.sh: no service starts during the install\nexit 101\n' |
	    $SUDO tee "$POLICY" >/dev/null
	own_policy=1
	$SUDO chmod 755 "$POLICY"
fi

export DEBIAN_FRONTEND=noninteractive
# apt_get ARGS...: apt-get, once more after "apt-get update" if it fails
# (package lists that are missing or older than the mirror).
apt_get() {
	set -- -o DPkg::Lock::Timeout=900 -y -q --no-install-recommends "$@"
	$SUDO apt-get "$@" || {
		$SUDO apt-get -o DPkg::Lock::Timeout=900 -q update &&
		    $SUDO apt-get "$@"
	}
}

if [ -n "$missing" ]; then
	echo "deps.sh: installing Debian packages:$missing"
	# shellcheck disable=SC2086 # a list of package names
	apt_get install $missing || {
		echo "deps.sh: could not install:$missing" >&2
		exit 1
	}
fi
if [ "$need_builddeps" = 1 ]; then
	echo "deps.sh: installing the Build-Depends of debian/control"
	apt_get build-dep "$ROOT/" || {
		echo "deps.sh: could not install the Build-Depends" >&2
		exit 1
	}
fi
exit 0
