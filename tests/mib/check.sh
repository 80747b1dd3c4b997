#!/bin/sh
# tests/mib/check.sh - UPDPROBE-MIB is clean and means what the code says.
#
#   - smilint -l 5 has nothing to say about mib/UPDPROBE-MIB.txt
#     (smilint exits 0 even on errors: the test is for empty output);
#   - the MIB imports only from SNMPv2-SMI/TC/CONF and NET-SNMP-MIB, and
#     its LAST-UPDATED is its newest REVISION;
#   - snmptranslate loads it without a message and resolves every name
#     DESIGN.md section 4 makes public to an OID under netSnmpPlaypen;
#   - the table index is a length-prefixed string, so that
#     UPDPROBE-MIB::updprobeTargetCode."site-a" works both ways;
#   - every number in mib/mib_oids.h (compiled, not grepped) is the
#     number snmptranslate gives, and every object of the MIB has one.
#
# Base MIBs come from tests/mibs.sh. Output: "ok - ..." / "not ok - ..."
# per check, then "N passed, N failed"; exit 1 on any failure.

set -u
cd "$(dirname "$0")/../.." || exit 1
ROOT=$PWD
MIB=mib/UPDPROBE-MIB.txt
HDR=mib/mib_oids.h
ARC=.1.3.6.1.4.1.8072.9999.9999		# netSnmpPlaypen, DESIGN.md section 4

pass=0
fail=0
ok()
{
	pass=$((pass + 1))
	echo "ok - $*"
}
notok()
{
	fail=$((fail + 1))
	echo "not ok - $*"
}
# Detail lines under a failed check.
diag()
{
	sed 's/^/#   /'
}
finish()
{
	echo "$pass passed, $fail failed"
	[ "$fail" = 0 ] && exit 0
	exit 1
}

# Names DESIGN.md section 4 makes public (the agent scalars are named by
# the MIB itself), and the columns added beside them.
REQUIRED="updprobeTargetTable updprobeTargetEntry updprobeTargetName
updprobeTargetCode updprobeTargetStep updprobeTargetDetail updprobeTargetUrl
updprobeTargetVersion updprobeTargetLastProbe updprobeTargetLastChange
updprobeTargetDnsTime updprobeTargetConnectTime updprobeTargetDirFileTime
updprobeTargetFirmwareTime updprobeTargetHttpStatus updprobeTargetFirmwareSize
updprobeTargetProbes updprobeTargetProblems updprobeTargetProbeNow
updprobeTargetInterval updprobeTargetPreviousCode
updprobeCodeChange updprobeProblem updprobeCleared
updprobeAgentVersion updprobeTargetCount updprobeProbesRun
updprobeConfigLoadTime"
ALLOWED_IMPORTS="NET-SNMP-MIB SNMPv2-CONF SNMPv2-SMI SNMPv2-TC"

for tool in smilint snmptranslate "${CC:-cc}"; do
	if ! command -v "$tool" >/dev/null 2>&1; then
		notok "$tool is installed (make deps)"
		finish
	fi
done

# shellcheck source=/dev/null
if ! . tests/mibs.sh; then
	notok "base MIBs available (tests/mibs.sh)"
	finish
fi
ok "base MIBs available ($UPDPROBE_MIBS_SOURCE)"

# A quiet, self-contained environment: no snmp.conf of the user or the
# system, no persistent files outside the work directory, the MIBs named.
WORK=$(mktemp -d "${TMPDIR:-/tmp}/updprobe-mib.XXXXXX") || exit 1
trap 'rm -rf "$WORK"' EXIT
trap 'exit 1' HUP INT TERM
mkdir -p "$WORK/noconf" "$WORK/persist/cert_indexes"
chmod 700 "$WORK/persist"
SNMPCONFPATH=$WORK/noconf
SNMP_PERSISTENT_DIR=$WORK/persist
MIBDIRS=$UPDPROBE_BASE_MIBDIRS:$ROOT/mib
SMIPATH=$MIBDIRS
MIBS=UPDPROBE-MIB
export SNMPCONFPATH SNMP_PERSISTENT_DIR MIBDIRS SMIPATH MIBS

st()
{
	snmptranslate -M "$MIBDIRS" -m UPDPROBE-MIB "$@"
}

# --- smilint ---------------------------------------------------------------

out=$(smilint -l 5 "$MIB" 2>&1)
if [ -z "$out" ]; then
	ok "smilint -l 5 $MIB: no message"
else
	notok "smilint -l 5 $MIB: $(printf '%s\n' "$out" | wc -l) messages"
	printf '%s\n' "$out" | diag
fi

# The check has teeth: an object left out of every group is reported.
sed '/^ *updprobeTargetInterval,$/d' "$MIB" >"$WORK/UPDPROBE-MIB.txt"
out=$(smilint -l 5 "$WORK/UPDPROBE-MIB.txt" 2>&1)
case $out in
*updprobeTargetInterval*)
	ok "smilint -l 5 reports an object that is in no OBJECT-GROUP" ;;
*)
	notok "smilint -l 5 reports an object that is in no OBJECT-GROUP"
	printf '%s\n' "${out:-(no output)}" | diag ;;
esac

# --- the source --------------------------------------------------------------

imports=$(sed -n '/^IMPORTS/,/;/p' "$MIB" |
    grep -o 'FROM[[:space:]]*[A-Za-z0-9-]*' | awk '{ print $2 }' | sort -u |
    paste -s -d ' ' -)
bad=
for m in $imports; do
	case " $ALLOWED_IMPORTS " in
	*" $m "*) ;;
	*) bad="$bad $m" ;;
	esac
done
if [ -n "$imports" ] && [ -z "$bad" ]; then
	ok "imports only from $imports"
else
	notok "imports only from $ALLOWED_IMPORTS (also:${bad:- nothing found})"
fi

updated=$(sed -n 's/^ *LAST-UPDATED *"\([0-9]*Z\)".*/\1/p' "$MIB")
newest=$(sed -n 's/^ *REVISION *"\([0-9]*Z\)".*/\1/p' "$MIB" | sort -r | head -n 1)
if [ -n "$updated" ] && [ "$updated" = "$newest" ]; then
	ok "LAST-UPDATED $updated is the newest REVISION"
else
	notok "LAST-UPDATED '$updated' is the newest REVISION '$newest'"
fi

# --- snmptranslate -----------------------------------------------------------

out=$(st -On UPDPROBE-MIB::updprobeMIB 2>&1)
case $out in
"$ARC".*[0-9])
	MIBOID=$out
	ok "snmptranslate loads UPDPROBE-MIB without a message: updprobeMIB is $out" ;;
*)
	MIBOID=
	notok "snmptranslate loads UPDPROBE-MIB without a message"
	printf '%s\n' "$out" | diag ;;
esac

# (Messages while loading fail the check above; here only numbers count.)
# One check for the list: the header's checks below compare most of these
# names' numbers one by one, and are not counted twice.
bad=
n=0
for name in $REQUIRED; do
	n=$((n + 1))
	out=$(st -On "UPDPROBE-MIB::$name" 2>/dev/null)
	case $out in
	"${MIBOID:-$ARC}".*[0-9])
		case $out in
		*[!0-9.]*) bad="$bad $name=$out" ;;
		esac ;;
	*)
		bad="$bad $name=${out:-nothing}" ;;
	esac
done
if [ -z "$bad" ]; then
	ok "all $n names DESIGN.md makes public resolve under ${MIBOID:-$ARC}"
else
	notok "all $n names DESIGN.md makes public resolve under ${MIBOID:-$ARC} (not:$bad)"
fi

code=$(st -On UPDPROBE-MIB::updprobeTargetCode 2>/dev/null)
out=$(st -On 'UPDPROBE-MIB::updprobeTargetCode."site-a"' 2>&1)
if [ -n "$code" ] && [ "$out" = "$code.6.115.105.116.101.45.97" ]; then
	ok "updprobeTargetCode.\"site-a\" is $out (length-prefixed index)"
else
	notok "updprobeTargetCode.\"site-a\" is $code.6.115.105.116.101.45.97"
	printf '%s\n' "$out" | diag
fi
out=$(st -OS "$code.6.115.105.116.101.45.97" 2>&1)
if [ "$out" = 'UPDPROBE-MIB::updprobeTargetCode."site-a"' ]; then
	ok "$code.6.115.105.116.101.45.97 reads back as $out"
else
	notok "$code.6.115.105.116.101.45.97 reads back as UPDPROBE-MIB::updprobeTargetCode.\"site-a\""
	printf '%s\n' "$out" | diag
fi

# Every node of the module under the arc, "name oid", from the MIB itself.
st -Tz 2>/dev/null | tr -d '"' | awk -v arc="${ARC#.}" \
    '$1 ~ /^updprobe/ && index($2, arc ".") == 1 { print $1, "." $2 }' \
    >"$WORK/nodes"

access()
{
	st -Td "UPDPROBE-MIB::$1" 2>/dev/null |
	    sed -n 's/^ *MAX-ACCESS[[:space:]]*\([a-z-]*\).*/\1/p'
}
entry=$(st -On UPDPROBE-MIB::updprobeTargetEntry 2>/dev/null)
sentry=$(st -On UPDPROBE-MIB::updprobeServerEntry 2>/dev/null)
bad=
ncol=0
while read -r name oid; do
	case $oid in
	"$entry".* | "$sentry".*) ;;
	*) continue ;;
	esac
	ncol=$((ncol + 1))
	case $name in
	updprobeTargetName | updprobeServerName) want=not-accessible ;;
	updprobeTargetProbeNow | updprobeServerProbeNow) want=read-write ;;
	*) want=read-only ;;
	esac
	got=$(access "$name")
	[ "$got" = "$want" ] || bad="$bad $name=$got(want $want)"
done <"$WORK/nodes"
if [ "$ncol" -gt 0 ] && [ -z "$bad" ]; then
	ok "$ncol columns of both tables: index not-accessible, ProbeNow read-write, the rest read-only"
else
	notok "column access (index not-accessible, ProbeNow read-write, rest read-only):${bad:- no columns}"
fi

# --- mib/mib_oids.h -------------------------------------------------------
#
# Constants carry a trailing "mib: ..." comment: an OID macro or a scalar,
# column or notification sub-identifier names its descriptor; a textual
# convention value names the TC and the label; a limit says SIZE, SIZEMIN
# or RANGE and the object. Compile a program that prints them all.

awk '/\/\* mib: / {
	c = $0
	sub(/.*\/\* mib: */, "", c)
	sub(/ *\*\/.*/, "", c)
	print ($1 == "#define" ? $2 : $1), c
}' "$HDR" >"$WORK/constants"

{
	echo '#include <stdio.h>'
	echo '#include "mib_oids.h"'
	cat <<'EOF'
typedef unsigned long oid_t;
static void
pr(const char *what, const oid_t *o, size_t n)
{
	printf("oid %s ", what);
	for (size_t i = 0; i < n; i++)
		printf(".%lu", o[i]);
	putchar('\n');
}
#define P(what, ...) do { static const oid_t o_[] = { __VA_ARGS__ }; \
	pr(what, o_, sizeof o_ / sizeof o_[0]); } while (0)
#define L(what, len, ...) do { static const oid_t o_[] = { __VA_ARGS__ }; \
	printf("len %s %s\n", what, \
	    (size_t)(len) == sizeof o_ / sizeof o_[0] ? "ok" : "wrong"); \
	} while (0)
#define V(what, v) printf("val %s %ld\n", what, (long)(v))
int
main(void)
{
EOF
	while read -r cname what; do
		case $cname in
		*_OID)
			echo "	P(\"$what\", $cname);"
			if grep -q "^#define[[:space:]]*${cname}_LEN[[:space:]]" "$HDR"; then
				echo "	L(\"${cname}_LEN\", ${cname}_LEN, $cname);"
			fi ;;
		UPDPROBE_MIB_SCALAR_*)
			echo "	P(\"$what\", UPDPROBE_MIB_AGENT_OID, $cname);" ;;
		UPDPROBE_MIB_COL_*)
			echo "	P(\"$what\", UPDPROBE_MIB_TARGET_ENTRY_OID, $cname);" ;;
		UPDPROBE_MIB_SCOL_*)
			echo "	P(\"$what\", UPDPROBE_MIB_SERVER_ENTRY_OID, $cname);" ;;
		UPDPROBE_MIB_NOTIF_*)
			echo "	P(\"$what\", UPDPROBE_MIB_NOTIFICATIONS_OID, $cname);" ;;
		UPDPROBE_MIB_NOBJ_*)
			echo "	P(\"$what\", UPDPROBE_MIB_NOTIF_OBJECTS_OID, $cname);" ;;
		*)
			echo "	V(\"$what\", $cname);" ;;
		esac
	done <"$WORK/constants"
	echo '	return 0;'
	echo '}'
} >"$WORK/oids.c"

if out=$(${CC:-cc} -std=gnu11 -Wall -Wextra -Werror -Wshadow \
    -Wstrict-prototypes -Wmissing-prototypes -Imib -Iagent/engine/include \
    -o "$WORK/oids" "$WORK/oids.c" 2>&1) &&
    "$WORK/oids" >"$WORK/header"; then
	ok "$HDR compiles cleanly ($(wc -l <"$WORK/constants") annotated constants)"
else
	notok "$HDR compiles cleanly"
	printf '%s\n' "$out" | diag
	finish
fi

# The object whose SYNTAX shows a textual convention's enumeration.
tc_object()
{
	case $1 in
	UpdprobeCode) echo updprobeTargetCode ;;
	UpdprobeStep) echo updprobeTargetStep ;;
	# enumerations of an object: the object itself
	updprobeTargetSourceState | updprobeServerType) echo "$1" ;;
	esac
}
syntax()
{
	st -Td "UPDPROBE-MIB::$1" 2>/dev/null | sed -n 's/^ *SYNTAX[[:space:]]*//p'
}

while read -r kind a b c; do
	case $kind in
	oid)	# a = descriptor, b = OID from the header
		want=$(st -On "UPDPROBE-MIB::$a" 2>/dev/null)
		if [ "$b" = "$want" ]; then
			ok "$HDR: $a is $b"
		else
			notok "$HDR: $a is $b, the MIB says ${want:-nothing}"
		fi ;;
	len)	# a = macro, b = ok | wrong
		if [ "$b" = ok ]; then
			ok "$HDR: $a counts its sub-identifiers"
		else
			notok "$HDR: $a counts its sub-identifiers"
		fi ;;
	val)	# a = TC or limit kind, b = label or object, c = value
		case $a in
		SIZE | RANGE | SIZEMIN)
			s=$(syntax "$b")
			if [ "$a" = SIZEMIN ]; then
				want=$(printf '%s\n' "$s" | sed -n 's/.*(\(-*[0-9]*\)\.\.[0-9]*).*/\1/p')
			else
				want=$(printf '%s\n' "$s" | sed -n 's/.*(-*[0-9]*\.\.\([0-9]*\)).*/\1/p')
			fi
			if [ -n "$want" ] && [ "$c" = "$want" ]; then
				ok "$HDR: $a $b is $c"
			else
				notok "$HDR: $a $b is $c, the MIB says ${want:-nothing} ($s)"
			fi ;;
		*)
			obj=$(tc_object "$a")
			s=$(syntax "${obj:-none}")
			if [ -z "$obj" ]; then
				notok "$HDR: $a $b: unknown textual convention"
			elif printf '%s\n' "$s" | grep -Eq "[{ ]$b\($c\)[,}]"; then
				ok "$HDR: $a $b($c)"
			else
				notok "$HDR: $a $b($c), the MIB says: $s"
			fi ;;
		esac ;;
	esac
done <"$WORK/header"

# Coverage: every object and notification of the MIB (conformance aside)
# has a constant, and so has every UpdprobeStep value.
missing=
while read -r name oid; do
	case $name in
	*Conformance | *Compliances | *Compliance | *Groups | *Group) continue ;;
	esac
	grep -q "^oid $name " "$WORK/header" || missing="$missing $name"
done <"$WORK/nodes"
for label in $(syntax updprobeTargetStep | tr '{},' '   ' |
    sed 's/([-0-9]*)//g; s/^INTEGER//'); do
	grep -q "^val UpdprobeStep $label " "$WORK/header" ||
	    missing="$missing UpdprobeStep.$label"
done
if [ -s "$WORK/nodes" ] && [ -z "$missing" ]; then
	ok "$HDR has a constant for every object, notification and UpdprobeStep value"
else
	notok "$HDR has a constant for every object, notification and UpdprobeStep value (missing:${missing:- no nodes read})"
fi

finish
