#!/bin/sh
# Install the Debian packages updprobe builds and tests with, if missing.
# Idempotent and quiet when everything is there.  Services the packages
# would start (snmpd, tftpd-hpa, apache2, nginx, lighttpd) are kept from
# starting: the tests run their own, on loopback only.  dnsmasq-base is
# the program without its service (never DHCP); atftpd is not wanted (it
# conflicts with tftpd-hpa).
set -eu

PKGS="gcc make pkg-config libc-ares-dev libcurl4-openssl-dev libcmocka-dev
libsnmp-dev snmp snmpd snmptrapd smitools tftpd-hpa python3 curl
python3-yaml snmptt libsnmp-perl libconfig-inifiles-perl duktape
clang libclang-rt-14-dev time valgrind
apache2 apache2-utils nginx-light lighttpd dnsmasq-base openssl"

missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null |
	    grep -q '^install ok installed$' || missing="$missing $p"
done
[ -z "$missing" ] && exit 0

echo "updprobe: installing Debian packages:$missing"
if [ "$(id -u)" != 0 ]; then
	SUDO=sudo
else
	SUDO=
fi
policy=/usr/sbin/policy-rc.d
own_policy=0
if [ ! -e "$policy" ]; then
	printf '#!/bin/sh\nexit 101\n' | $SUDO tee "$policy" >/dev/null
	$SUDO chmod 755 "$policy"
	own_policy=1
fi
cleanup() { [ "$own_policy" = 1 ] && $SUDO rm -f "$policy"; }
trap cleanup EXIT
export DEBIAN_FRONTEND=noninteractive
# shellcheck disable=SC2086
$SUDO apt-get install -y -q $missing || {
	$SUDO apt-get update -q
	$SUDO apt-get install -y -q $missing
}
