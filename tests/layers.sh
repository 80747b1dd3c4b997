#!/bin/bash
# layers.sh - the layers of agent/ (README, "Architecture") hold: the
# engine includes nothing of the daemon, the CLI, the plugin, net-snmp or
# the MIB; the front ends include only the engine's public headers.
#
# The Makefile's include paths already make a wrong #include fail to
# compile; this also catches a header reached through a system path
# (net-snmp's) and a relative path ("../daemon/x.h").  Prints "ok - " /
# "not ok - " per rule; exits 1 on a violation.

cd "$(dirname "$0")/.." || exit 1
. tests/results.sh

# includes FILES...: every quoted or bracketed #include, as FILE: NAME.
includes() {
	grep -H -E '^[[:space:]]*#[[:space:]]*include' "$@" |
	    sed -E 's/^([^:]*):[^<"]*[<"]([^>"]*)[>"].*/\1: \2/'
}

# rule NAME FILES PATTERN: no include of FILES matches PATTERN.
rule() {
	name=$1
	files=$2
	pattern=$3
	# shellcheck disable=SC2086  # a list of files
	bad=$(includes $files | grep -E ": ($pattern)\$")
	if [ -z "$bad" ]; then
		ok "$name"
	else
		not_ok "$name: $(printf '%s' "$bad" | tr '\n' ';')"
	fi
}

ENGINE="agent/engine/*.c agent/engine/*.h agent/engine/include/*.h"
PUBLIC=$(cd agent/engine/include && ls -- *.h | tr '\n' '|' | sed 's/|$//')
PRIVATE=$(cd agent/engine && ls -- *.h | tr '\n' '|' | sed 's/|$//')

rule "the engine includes no net-snmp, MIB, daemon, CLI or plugin header" \
    "$ENGINE" 'net-snmp/.*|mib_oids\.h|.*\.\./.*|conf\.h|monitor\.h|subagent\.h|setguard\.h|log\.h|confirm\.h|fleet\.h|fanout\.h|rows\.h|notify\.h|report\.h|check_updprobe\.h'
rule "the engine's public headers include no private engine header" \
    "agent/engine/include/*.h" "$PRIVATE"
rule "the daemon includes no private engine header, CLI or plugin header" \
    "agent/daemon/*.c agent/daemon/*.h" "$PRIVATE|report\.h|check_updprobe\.h|.*\.\./.*"
rule "the CLI includes no private engine header, daemon or plugin header" \
    "agent/cli/*.c agent/cli/*.h" "$PRIVATE|conf\.h|monitor\.h|subagent\.h|setguard\.h|log\.h|confirm\.h|fleet\.h|fanout\.h|rows\.h|notify\.h|mib_oids\.h|check_updprobe\.h|net-snmp/.*|.*\.\./.*"
rule "the plugin includes no private engine header, daemon or CLI header" \
    "plugins/nagios/*.c plugins/nagios/*.h" "$PRIVATE|conf\.h|monitor\.h|subagent\.h|setguard\.h|log\.h|confirm\.h|fleet\.h|fanout\.h|rows\.h|notify\.h|report\.h|.*\.\./.*"
# The public headers are what the front ends may use: each one is used.
for h in $(printf '%s' "$PUBLIC" | tr '|' ' '); do
	if includes agent/daemon/*.c agent/cli/*.c plugins/nagios/*.c \
	    plugins/nagios/*.h agent/daemon/*.h agent/cli/*.h \
	    agent/engine/include/*.h | grep -q ": $h\$"; then
		ok "public header $h is used by a front end"
	else
		not_ok "public header $h is used by no front end: make it private"
	fi
done

# No function of the daemon's may take the name of one of net-snmp's:
# the dynamic linker would call ours from inside net-snmp (net-snmp has
# a subagent_init() of its own, for one).  strlcpy is the same function
# in both (util.c provides it where the C library does not).
BUILD=${BUILD:-build}
if [ -x "$BUILD/updprobed" ]; then
	libs=$(ldd "$BUILD/updprobed" | awk '/libnetsnmp/ { print $3 }')
	clash=$(comm -12 \
	    <(nm -D --defined-only $libs 2>/dev/null | awk '{ print $3 }' | sort -u) \
	    <(nm --defined-only "$BUILD/updprobed" | awk '$2 == "T" { print $3 }' |
	    sort -u) | grep -v '^strlcpy$')
	if [ -n "$libs" ] && [ -z "$clash" ]; then
		ok "no function of updprobed has the name of one of net-snmp's"
	else
		not_ok "functions of updprobed named as net-snmp's: $(printf \
		    '%s ' ${clash:-"(no net-snmp library found by ldd)"})"
	fi
else
	not_ok "$BUILD/updprobed is not built (make)"
fi
finish
