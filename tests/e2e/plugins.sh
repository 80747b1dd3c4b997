#!/bin/bash
# plugins.sh - tests of the Zabbix template (plugins/zabbix/) and the SNMPTT
# event definitions (plugins/snmptt/), against UPDPROBE-MIB and against the
# real programs on loopback: snmpd as AgentX master, updprobed, the
# fault-playing HTTP update server, and snmptrapd handing each
# notification to SNMPTT in standalone mode.
#
#   UPDPROBED=build/updprobed tests/e2e/plugins.sh
#
# Zabbix (z): the template is YAML (python3-yaml), zabbix_export.version is
#   '6.0', every UUID is a distinct uuid4 in 32 hex digits, every snmp_oid
#   names an UPDPROBE-MIB object (snmptranslate) and the one its item key
#   says, the value maps equal the MIB's enumerations, triggers and graphs
#   refer to items that exist; the discovery rule's JavaScript (run in
#   duktape, the engine of Zabbix, or node) turns a real walk of the agent
#   into {#TARGET} names, also in the quoted form of a server that loads
#   UPDPROBE-MIB; every item prototype's OID answers a GET; the snmptrap[]
#   regular expressions match the real notifications as four snmptrapd
#   write them (MIB loaded, -On, -On without MIB, no MIB) and as
#   plugins/zabbix/zabbix_trap_handler writes them for Zabbix, each only
#   its own. (tests/e2e/monitoring.sh runs the template in Zabbix.)
# SNMPTT (s): every EVENT OID is one of the three notifications of the MIB,
#   the MATCH lines split the codes between the severities, real
#   notifications of updprobed come out of snmptrapd + snmptt as the
#   expected lines, with the MIB and without; the snmptrapd.conf example
#   loads without warnings.
#
# The Python helpers print ok / not ok lines; the exit status of each is a
# check too, so a helper that stops early cannot take checks with it.
# Prints "ok - ..." / "not ok - ..." per check, then "N passed, N failed";
# exits 1 if anything failed, including a tool that is missing (python3-yaml,
# snmptt, duktape or node): nothing is skipped silently.

# SC2317: functions run through wait_for; SC2119: helpers with optional
# arguments; SC2153: HTTP_PORT comes from lib.sh.
# shellcheck disable=SC2317,SC2119,SC2153

set -u

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
# shellcheck source=SCRIPTDIR/../lib.sh
. "$HERE/../lib.sh"

UPDPROBED=${UPDPROBED:-$ROOT/build/updprobed}
TEMPLATE=$ROOT/plugins/zabbix/template_updprobe.yaml
TT_CONF=$ROOT/plugins/snmptt/updprobe.conf
ZBX_TRAP_HANDLER=$ROOT/plugins/zabbix/zabbix_trap_handler
TRAPD_EXAMPLE=$ROOT/plugins/snmptt/snmptrapd.conf.example
SNMPTT=${SNMPTT:-/usr/sbin/snmptt}
TEMPLATE_NAME='Template updprobe SNMP'

# relay: count the "ok - " / "not ok - " lines a helper printed; pass the
# rest ("# ..." notes) through.
relay() {
	local line
	while IFS= read -r line; do
		case $line in
		"ok - "*) ok "${line#ok - }" ;;
		"not ok - "*) not_ok "${line#not ok - }" ;;
		*) printf '%s\n' "$line" ;;
		esac
	done
}

# helper NAME CMD...: runs a Python helper that prints ok / not ok lines
# and relays them; its exit status is a check of its own, for a helper
# that crashes or stops early would take its remaining checks with it.
helper() {
	local name=$1 out=$TEST_TMP/helper-$1.out rc
	shift
	"$@" >"$out" 2>&1
	rc=$?
	relay <"$out"
	check "$rc" "$name ran to its end" \
	    "exit status $rc; its last lines: $(tail -n 6 "$out" | squash)"
}

# ---------------------------------------------------------------------------
# Set-up: MIB environment (also for the static checks: snmptranslate).

# shellcheck source=SCRIPTDIR/../snmplib.sh
. "$HERE/../snmplib.sh" ||
    bail_out "the SNMP tools and MIBs for the tests (tests/snmplib.sh, see above)"

HAVE_YAML=0
if "$PYTHON" -c 'import yaml' 2>/dev/null; then
	HAVE_YAML=1
else
	not_ok "z: python3 can import yaml (Debian package python3-yaml, installed by tests/deps.sh)"
fi

# A JavaScript engine for the discovery rule's preprocessing step: duktape,
# as in Zabbix, else node.
JS_ENGINE=
if command -v duk >/dev/null 2>&1; then
	JS_ENGINE=duk
elif command -v node >/dev/null 2>&1; then
	JS_ENGINE=node
fi

# ===========================================================================
# z. The Zabbix template: static checks.

# zcheck.py prints ok/not ok lines; it also writes the trap items' regular
# expressions (zabbix-trap-regex.tsv) and the discovery JavaScript
# (zabbix-lld.js) for the live checks below.
cat >"$TEST_TMP/zcheck.py" <<'EOF'
import re, subprocess, sys, yaml

path, tmp, tname = sys.argv[1], sys.argv[2], sys.argv[3]
ARC = "1.3.6.1.4.1.8072.9999.9999.7"

def report(cond, desc, evidence=""):
    if cond:
        print("ok - z: " + desc)
    else:
        print("not ok - z: %s (%s)" % (desc, evidence))

# A check that cannot go on stops the helper with status 1.
try:
    doc = yaml.safe_load(open(path))
except Exception as e:
    report(False, "the template parses as YAML", str(e)[:600])
    sys.exit(1)
report(True, "the template parses as YAML")

exp = (doc or {}).get("zabbix_export") or {}
report(exp.get("version") == "6.0", "zabbix_export.version is '6.0'",
       "version %r" % exp.get("version"))
tpls = exp.get("templates") or []
report(len(tpls) == 1 and tpls[0].get("template") == tname
       and tpls[0].get("name") == tname,
       "one template, named '%s'" % tname,
       [t.get("template") for t in tpls])
if not tpls:
    sys.exit(1)
t = tpls[0]
gnames = [g.get("name") for g in exp.get("groups") or []]
report(bool(t.get("groups")) and all(g.get("name") in gnames
                                     for g in t["groups"]),
       "the template's groups are exported with it (%s)" % ", ".join(gnames),
       "groups %r, exported %r" % (t.get("groups"), gnames))

# UUIDs: every one a uuid4 as 32 lowercase hex digits, no two alike.
uuids = []
def walk(node):
    if isinstance(node, dict):
        for k, v in node.items():
            if k == "uuid":
                uuids.append(v)
            walk(v)
    elif isinstance(node, list):
        for v in node:
            walk(v)
walk(exp)
bad = [u for u in uuids if not (isinstance(u, str) and
       re.match(r"^[0-9a-f]{12}4[0-9a-f]{3}[89ab][0-9a-f]{15}$", u))]
dups = sorted(set(u for u in uuids if uuids.count(u) > 1))
report(uuids and not bad and not dups,
       "all %d UUIDs are distinct uuid4s of 32 hex digits" % len(uuids),
       "not uuid4: %r; duplicates: %r" % (bad, dups))

rules = t.get("discovery_rules") or []
items = t.get("items") or []
protos = [p for r in rules for p in r.get("item_prototypes") or []]

def translate(oid):
    """(name, text of snmptranslate -Td) for a numeric OID."""
    r = subprocess.run(["snmptranslate", "-Td", "." + oid],
                       capture_output=True, text=True)
    text = r.stdout + r.stderr
    return (r.stdout.split("\n", 1)[0].strip(), text)

def mib_object(oid, instance):
    """The UPDPROBE-MIB object an item's OID reads, or an error."""
    if instance == "scalar":
        if not oid.endswith(".0"):
            return None, "a scalar OID must end in .0"
        oid = oid[:-2]
    name, text = translate(oid)
    m = re.match(r"^UPDPROBE-MIB::(\w+)$", name)
    if not m:
        return None, "snmptranslate: %s" % " ".join(text.split())[:200]
    access = re.search(r"MAX-ACCESS\s+(\S+)", text)
    if not access or access.group(1) not in ("read-only", "read-write"):
        return None, "%s is not readable" % m.group(1)
    parent = re.search(r"\b(\w+)\(\d+\) \d+ \}\s*$", text.strip())
    want_parent = {"scalar": ("updprobeAgent",),
                   "column": ("updprobeTargetEntry",
                              "updprobeServerEntry")}[instance]
    if not parent or parent.group(1) not in want_parent:
        return None, "%s is not under %s" % (m.group(1),
                                            " or ".join(want_parent))
    return m.group(1), ""

# What each item key must read.
KEYS = {
    "updprobe.agent.version": "updprobeAgentVersion",
    "updprobe.targets": "updprobeTargetCount",
    "updprobe.probes.run": "updprobeProbesRun",
    "updprobe.config.loaded": "updprobeConfigLoadTime",
    "updprobe.notifications.sent": "updprobeNotificationsSent",
    "updprobe.notifications.dropped": "updprobeNotificationsDropped",
    "updprobe.notifications.queued": "updprobeNotificationsQueued",
    "updprobe.code": "updprobeTargetCode",
    "updprobe.step": "updprobeTargetStep",
    "updprobe.detail": "updprobeTargetDetail",
    "updprobe.url": "updprobeTargetUrl",
    "updprobe.version": "updprobeTargetVersion",
    "updprobe.lastprobe": "updprobeTargetLastProbe",
    "updprobe.lastchange": "updprobeTargetLastChange",
    "updprobe.time.dns": "updprobeTargetDnsTime",
    "updprobe.time.connect": "updprobeTargetConnectTime",
    "updprobe.time.dirfile": "updprobeTargetDirFileTime",
    "updprobe.time.firmware": "updprobeTargetFirmwareTime",
    "updprobe.http.status": "updprobeTargetHttpStatus",
    "updprobe.firmware.size": "updprobeTargetFirmwareSize",
    "updprobe.probes": "updprobeTargetProbes",
    "updprobe.problems": "updprobeTargetProblems",
    "updprobe.interval": "updprobeTargetInterval",
    "updprobe.code.previous": "updprobeTargetPreviousCode",
    "updprobe.servers": "updprobeServerCount",
    "updprobe.base_stations": "updprobeBaseStationCount",
    "updprobe.provisioning.broken": "updprobeProvisioningBroken",
    "updprobe.provisioning.refused": "updprobeProvisioningRefused",
    "updprobe.rescan.duration": "updprobeRescanDuration",
    "updprobe.rescan.last": "updprobeLastRescan",
    "updprobe.server.code": "updprobeServerCode",
    "updprobe.server.base_stations": "updprobeServerBaseStations",
    "updprobe.server.step": "updprobeServerStep",
    "updprobe.server.detail": "updprobeServerDetail",
    "updprobe.server.url": "updprobeServerUrl",
    "updprobe.server.settings": "updprobeServerSettings",
    "updprobe.server.lastprobe": "updprobeServerLastProbe",
    "updprobe.server.interval": "updprobeServerInterval",
    "updprobe.bs.code": "updprobeTargetCode",
    "updprobe.bs.server": "updprobeTargetServer",
    "updprobe.bs.source.state": "updprobeTargetSourceState",
    "updprobe.bs.detail": "updprobeTargetDetail",
    "updprobe.bs.source": "updprobeTargetSource",
}
problems, seen, n_oids = [], set(), 0
with open(tmp + "/zabbix-oids.tsv", "w") as out:
    for it, kind in [(i, "scalar") for i in items] + \
                    [(p, "column") for p in protos]:
        if it.get("type") != "SNMP_AGENT":
            continue
        key, oid = it.get("key", ""), str(it.get("snmp_oid", ""))
        base = key.split("[", 1)[0]
        if kind == "column":
            if not oid.endswith(".{#SNMPINDEX}"):
                problems.append("%s: %s does not end in .{#SNMPINDEX}"
                                % (key, oid))
                continue
            oid = oid[:-len(".{#SNMPINDEX}")]
        n_oids += 1
        name, err = mib_object(oid, kind)
        if not name:
            problems.append("%s: %s: %s" % (key, oid, err))
        elif KEYS.get(base) != name:
            problems.append("%s reads %s, want %s" % (key, name,
                                                       KEYS.get(base)))
        else:
            seen.add(name)
            out.write("%s\t%s\t%s\n" % (kind, oid, key))
    for r in rules:
        m = re.match(r"^discovery\[(.*)\]$", str(r.get("snmp_oid", "")))
        parts = m.group(1).split(",") if m else []
        if not m or len(parts) % 2 or not parts:
            problems.append("rule %s: snmp_oid %r is not discovery[{#M},OID,...]"
                            % (r.get("key"), r.get("snmp_oid")))
            continue
        for macro, oid in zip(parts[0::2], parts[1::2]):
            n_oids += 1
            name, err = mib_object(oid, "column")
            if not re.match(r"^\{#[A-Z0-9_.]+\}$", macro):
                problems.append("rule: bad macro %r" % macro)
            if not name:
                problems.append("rule: %s: %s" % (oid, err))
            else:
                out.write("discovery\t%s\t%s\n" % (oid, macro))
report(n_oids and not problems,
       "all %d snmp_oid OIDs name readable UPDPROBE-MIB objects, the ones "
       "their keys say" % n_oids, "; ".join(problems))
missing = sorted(set(KEYS.values()) - seen)
report(not missing, "every readable MIB object but ProbeNow has an item",
       "no item for %s" % ", ".join(missing))

# Value maps: as the MIB's enumerations.
def mib_enum(obj):
    r = subprocess.run(["snmptranslate", "-Td", "UPDPROBE-MIB::" + obj],
                       capture_output=True, text=True)
    m = re.search(r"SYNTAX\s+INTEGER\s*\{([^}]*)\}", r.stdout)
    return {int(v): n for n, v in
            re.findall(r"(\w+)\((-?\d+)\)", m.group(1))} if m else {}
vmaps = {v.get("name"): v for v in t.get("valuemaps") or []}
for vname, obj, count in (("updprobe code", "updprobeTargetCode", 14),
                          ("updprobe step", "updprobeTargetStep", 8)):
    vm = vmaps.get(vname) or {}
    got = {}
    for mp in vm.get("mappings") or []:
        if mp.get("type", "EQUAL") == "EQUAL":
            got[int(mp["value"])] = mp.get("newvalue", "")
    enum = mib_enum(obj)
    report(len(got) == count and set(got) == set(enum) and
           all(got.values()),
           "value map '%s' has the %d values of %s's SYNTAX (%s)"
           % (vname, count, obj, " ".join(str(v) for v in sorted(got))),
           "value map %r; MIB %r" % (sorted(got), sorted(enum)))
# The code names, for the SNMPTT check below.
with open(tmp + "/zabbix-codes.tsv", "w") as out:
    for mp in (vmaps.get("updprobe code") or {}).get("mappings") or []:
        out.write("%s\t%s\n" % (mp["value"], mp["newvalue"]))

# References: value maps, item keys in triggers and graphs, dependencies,
# user macros.
problems = []
allkeys = set(i.get("key") for i in items + protos)
for it in items + protos:
    vm = (it.get("valuemap") or {}).get("name")
    if vm and vm not in vmaps:
        problems.append("%s: no value map %r" % (it.get("key"), vm))
triggers = []
for it in items:
    triggers += it.get("triggers") or []
for p in protos:
    triggers += p.get("trigger_prototypes") or []
for r in rules:
    triggers += r.get("trigger_prototypes") or []
tnames = {(tr.get("name"), tr.get("expression")) for tr in triggers}
for tr in triggers:
    refs = re.findall(r"/([^/]+)/([^,)]+(?:\[[^\]]*\])?)[,)]",
                      tr.get("expression", ""))
    if not refs:
        problems.append("trigger %r refers to no item" % tr.get("name"))
    for host, key in refs:
        if host != tname or key not in allkeys:
            problems.append("trigger %r: no item /%s/%s"
                            % (tr.get("name"), host, key))
    for d in tr.get("dependencies") or []:
        if (d.get("name"), d.get("expression")) not in tnames:
            problems.append("trigger %r depends on unknown %r"
                            % (tr.get("name"), d.get("name")))
    if tr.get("priority") not in ("INFO", "WARNING", "AVERAGE", "HIGH",
                                  "DISASTER"):
        problems.append("trigger %r: priority %r" % (tr.get("name"),
                                                     tr.get("priority")))
graphs = [g for r in rules for g in r.get("graph_prototypes") or []]
for g in graphs:
    for gi in g.get("graph_items") or []:
        ref = gi.get("item") or {}
        if ref.get("host") != tname or ref.get("key") not in allkeys:
            problems.append("graph %r: no item %r" % (g.get("name"), ref))
macros = {m.get("macro"): m.get("value") for m in t.get("macros") or []}
used = set(re.findall(r"\{\$[A-Z0-9_.]+\}", yaml.safe_dump(t)))
undefined = sorted(used - set(macros) - {"{$SNMP_COMMUNITY}"})
if undefined:
    problems.append("undefined macros %s" % ", ".join(undefined))
report(not problems,
       "%d triggers, %d graphs: every item, value map, dependency and "
       "macro they use exists" % (len(triggers), len(graphs)),
       "; ".join(problems))

# The severity of each problem code: exactly one trigger per code.
code_key = "updprobe.code[{#SNMPINDEX}]"
sev = {}
for tr in triggers:
    e = tr.get("expression", "")
    if "min(/%s/%s,{$UPDPROBE.CONFIRM})>0" % (tname, code_key) not in e:
        continue
    eqs = [int(v) for v in re.findall(r"last\(/[^)]*\)=(\d+)", e)]
    nes = [int(v) for v in re.findall(r"last\(/[^)]*\)<>(\d+)", e)]
    for c in range(1, 13):
        if (eqs and c in eqs) or (not eqs and c not in nes):
            sev.setdefault(c, []).append(tr.get("priority"))
report(sorted(sev) == list(range(1, 13)) and
       all(len(v) == 1 for v in sev.values()),
       "each problem code 1-12 opens exactly one trigger (%s)"
       % ", ".join("%d:%s" % (c, v[0]) for c, v in sorted(sev.items())),
       "code -> severities %r" % sev)
with open(tmp + "/zabbix-severity.tsv", "w") as out:
    for c, v in sorted(sev.items()):
        out.write("%d\t%s\n" % (c, v[0]))
m = re.match(r"^#([1-9][0-9]*)$", str(macros.get("{$UPDPROBE.CONFIRM}")))
report(m and macros.get("{$UPDPROBE.NODATA}"),
       "{$UPDPROBE.CONFIRM} (%s) and {$UPDPROBE.NODATA} (%s) have defaults"
       % (macros.get("{$UPDPROBE.CONFIRM}"), macros.get("{$UPDPROBE.NODATA}")),
       "macros %r" % macros)

# SNMP trap items: one per notification plus the fallback.
traps = {}
fallback = False
for it in items:
    if it.get("type") != "SNMP_TRAP":
        continue
    key = it.get("key", "")
    if key == "snmptrap.fallback":
        fallback = True
        continue
    m = re.match(r'^snmptrap\["(.*)"\]$', key)
    if m:
        regex = m.group(1).replace('\\"', '"')
        for n in ("updprobeProblem", "updprobeCleared", "updprobeCodeChange",
                  "updprobeServerProblem", "updprobeServerCleared",
                  "updprobeServerCodeChange"):
            if re.search(r"\(%s\|" % n, regex):
                traps[n] = regex
report(len(traps) == 6 and fallback,
       "SNMP trap items for the six notifications of a row (targets, "
       "servers) and snmptrap.fallback",
       "trap items: %r, fallback %r" % (sorted(traps), fallback))
with open(tmp + "/zabbix-trap-regex.tsv", "w") as out:
    for n, regex in sorted(traps.items()):
        out.write("%s\t%s\n" % (n, regex))

# The discovery rule's JavaScript.
js = [pp["parameters"][0] for r in rules for pp in r.get("preprocessing") or []
      if pp.get("type") == "JAVASCRIPT"]
report([r.get("key") for r in rules] == ["updprobe.target.discovery",
                                         "updprobe.server.discovery",
                                         "updprobe.bs.discovery"]
       and len(js) == 3 and len(set(js)) == 1,
       "three discovery rules (targets, servers, base stations), each with "
       "the same JavaScript step (it decodes any index)",
       "rules %r, %d JavaScript steps, %d distinct"
       % ([r.get("key") for r in rules], len(js), len(set(js))))
if js:
    open(tmp + "/zabbix-lld.js", "w").write(js[0])
EOF

if [ "$HAVE_YAML" = 1 ]; then
	if [ -r "$TEMPLATE" ]; then
		helper zcheck.py "$PYTHON" "$TEST_TMP/zcheck.py" "$TEMPLATE" \
		    "$TEST_TMP" "$TEMPLATE_NAME"
	else
		not_ok "z: $TEMPLATE exists"
	fi
fi

# ===========================================================================
# s. The SNMPTT definitions: static checks.

# The EVENT lines: NAME OID "CATEGORY" SEVERITY.
PROBLEMS=
n=0
declare -A TT_NAMES=()
while read -r _ name oid rest; do
	n=$((n + 1))
	got=$(snmptranslate -Td "$oid" 2>&1)
	first=${got%%$'\n'*}
	if [ "$first" != "UPDPROBE-MIB::$name" ]; then
		PROBLEMS="$PROBLEMS; EVENT $name $oid is $first"
	elif [[ "$got" != *"$name NOTIFICATION-TYPE"* ]]; then
		PROBLEMS="$PROBLEMS; $oid ($name) is not a NOTIFICATION-TYPE"
	fi
	if ! [[ "$rest" =~ ^\"[^\"]+\"\ (Critical|Major|Minor|Warning|Normal|Informational)$ ]]; then
		PROBLEMS="$PROBLEMS; EVENT $name: category and severity '$rest'"
	fi
	TT_NAMES[$name]=1
done < <(grep '^EVENT' "$TT_CONF" 2>/dev/null)
for name in updprobeProblem updprobeCleared updprobeCodeChange \
    updprobeNotificationsSuppressed; do
	[ -n "${TT_NAMES[$name]:-}" ] || PROBLEMS="$PROBLEMS; no EVENT for $name"
done
check "$([ "$n" -gt 0 ] && [ -z "$PROBLEMS" ]; echo $?)" \
    "s: all $n EVENT OIDs are the UPDPROBE-MIB notifications they are named after, each notification has one" \
    "${PROBLEMS#; }"

# Every EVENT has one FORMAT; nothing between SDESC and EDESC starts
# with a keyword SNMPTT would read.
PROBLEMS=$(awk '
	/^EVENT/ { if (ev != "" && nf != 1) print ev ": " nf " FORMAT lines"; ev = $2 " " $5; nf = 0; next }
	/^SDESC/ { indesc = 1; next }
	/^EDESC/ { indesc = 0; next }
	indesc && /^(EVENT|FORMAT|EXEC|PREEXEC|NODES|MATCH|REGEX)/ { print ev ": description line \"" $0 "\"" }
	/^FORMAT/ { nf++ }
	END { if (ev != "" && nf != 1) print ev ": " nf " FORMAT lines" }
' "$TT_CONF" | squash)
check "$([ -z "$PROBLEMS" ]; echo $?)" \
    "s: every EVENT has one FORMAT line, no description line looks like a keyword" "$PROBLEMS"

# The MATCH lines of updprobeProblem give every code, by number or by MIB
# label, exactly one severity, the same as the Zabbix trigger's; the REGEX
# lines write each code as "Code N (the Zabbix value map's text)".
cat >"$TEST_TMP/scheck.py" <<'EOF'
import os, re, subprocess, sys
conf, tmp = sys.argv[1], sys.argv[2]
r = subprocess.run(["snmptranslate", "-Td", "UPDPROBE-MIB::updprobeTargetCode"],
                   capture_output=True, text=True)
enum = {int(v): n for n, v in re.findall(r"(\w+)\((-?\d+)\)",
        re.search(r"SYNTAX\s+INTEGER\s*\{([^}]*)\}", r.stdout).group(1))}
events, ev = [], None
for line in open(conf):
    line = line.rstrip("\n")
    if line.startswith("EVENT"):
        f = line.split()
        ev = {"name": f[1], "severity": f[-1], "match": [], "regex": []}
        events.append(ev)
    elif ev and line.startswith("MATCH"):
        ev["match"].append(line[6:])
    elif ev and line.startswith("REGEX"):
        ev["regex"].append(line[6:].strip())

def matches(m, value):
    m = re.match(r"^\$1:\s*(!?)\((.*)\)$", m.strip())
    hit = re.search(m.group(2), value) is not None
    return hit != (m.group(1) == "!")

problems, sev = [], {}
for c in range(1, 13):
    for value in (str(c), enum[c]):
        got = [e["severity"] for e in events if e["name"] == "updprobeProblem"
               and (not e["match"] or any(matches(m, value)
                                          for m in e["match"]))]
        if len(got) != 1:
            problems.append("%s matches %r" % (value, got))
        else:
            sev.setdefault(c, set()).add(got[0])
# What zcheck.py read from the Zabbix template: without it there is
# nothing to compare with, and that is a failure.
zsev = {}
if os.path.exists(tmp + "/zabbix-severity.tsv"):
    for line in open(tmp + "/zabbix-severity.tsv"):
        c, p = line.split()
        zsev[int(c)] = p
if not zsev:
    problems.append("no Zabbix severities to compare with "
                    "(zcheck.py wrote no zabbix-severity.tsv)")
want = {"HIGH": "Critical", "AVERAGE": "Major", "WARNING": "Minor"}
for c in range(1, 13):
    s = sev.get(c, set())
    if len(s) != 1:
        problems.append("code %d: severities %r" % (c, s))
    elif want.get(zsev.get(c)) != list(s)[0]:
        problems.append("code %d: %s here, %s in Zabbix"
                        % (c, list(s)[0], zsev.get(c)))
print(("ok - s: every problem code (number or label) has one updprobeProblem "
       "severity, as in Zabbix (%s)" % ", ".join(
           "%d:%s" % (c, list(v)[0]) for c, v in sorted(sev.items())))
      if not problems else
      "not ok - s: one updprobeProblem severity per code, as in Zabbix (%s)"
      % "; ".join(problems))

names = {}
if os.path.exists(tmp + "/zabbix-codes.tsv"):
    for line in open(tmp + "/zabbix-codes.tsv"):
        v, n = line.rstrip("\n").split("\t")
        names[int(v)] = n
problems = []
if not names:
    problems.append("no Zabbix code texts to compare with "
                    "(zcheck.py wrote no zabbix-codes.tsv)")
for e in events:
    maps = {}
    for rx in e["regex"]:
        m = re.match(r"^\(Code (\w+)\)\(Code (-?\d+) \((.*)\)\)$", rx)
        if m:
            maps[m.group(1)] = (int(m.group(2)), m.group(3))
    for label, (num, text) in maps.items():
        if enum.get(num) != label:
            problems.append("%s: %s is not %d" % (e["name"], label, num))
        if names.get(num) != text:
            problems.append("%s: %d is %r, Zabbix says %r"
                            % (e["name"], num, text, names.get(num)))
    # The summary of held-back notifications carries no code.
    need = set() if e["name"] == "updprobeNotificationsSuppressed" else \
        set(enum) if e["name"] not in ("updprobeProblem",
                                       "updprobeServerProblem") else set(
        c for c in range(1, 13)
        if any(matches(m, enum[c]) for m in e["match"]))
    lack = sorted(need - set(n for n, _ in maps.values()))
    if lack:
        problems.append("%s %s: no REGEX for codes %r"
                        % (e["name"], e["severity"], lack))
print("ok - s: the REGEX lines write every code an EVENT can carry as "
      "'Code N (text)', with the MIB's numbers and Zabbix's texts"
      if not problems else
      "not ok - s: REGEX lines for the codes (%s)" % "; ".join(problems))
EOF
helper scheck.py "$PYTHON" "$TEST_TMP/scheck.py" "$TT_CONF" "$TEST_TMP"

# ===========================================================================
# Live: updprobed behind snmpd, its notifications through snmptrapd into
# SNMPTT (standalone mode: one snmptt process per notification).
#
# snmpd sends every notification to four snmptrapd, each writing it its
# own way, all real output of snmptrapd:
#   sym   with UPDPROBE-MIB loaded (names, enumeration labels)
#   num   -On: numeric OIDs, UPDPROBE-MIB loaded (enumeration labels)
#   bare  -On and no MIB at all (-m ""): numeric OIDs and values
#   iso   no MIB at all, no -On: "iso.3.6.1..."
# Each hands the notification to a traphandle (its stdin is appended to
# traphandle-FORM.in, a "#----" line after each; sym, num and bare also
# run snmptt on it, logging to snmptt.log, snmptt-num.log and
# snmptt-bare.log), and the same input goes to the shipped
# plugins/zabbix/zabbix_trap_handler, which writes it as Zabbix's SNMP
# trapper reads it (the layout of zabbix_trap_receiver.pl, which Debian
# does not ship): a "TIME ZBXTRAP ADDRESS" line, "PDU INFO:", "VARBINDS:"
# and one "  OID VALUE" line per varbind (traps-zbx-FORM.txt).

HAVE_SNMPTT=0
if [ -x "$SNMPTT" ] && perl -MConfig::IniFiles -e 1 2>/dev/null; then
	HAVE_SNMPTT=1
else
	not_ok "s: snmptt is installed ($SNMPTT; Debian package snmptt, installed by tests/deps.sh)"
fi

# write_snmptt_ini FILE PERL LOG: an snmptt.ini for standalone mode,
# logging to LOG; PERL 1 loads the MIB through the Net-SNMP Perl module,
# 0 goes without (then only numeric names).
write_snmptt_ini() {
	cat >"$1" <<EOF
[General]
snmptt_system_name = updprobe-test
mode = standalone
multiple_event = 1
dns_enable = 0
strip_domain = 0
resolve_value_ip_addresses = 0
net_snmp_perl_enable = $2
mibs_environment = UPDPROBE-MIB
net_snmp_perl_cache_enable = 1
net_snmp_perl_best_guess = 2
translate_log_trap_oid = 0
translate_value_oids = 1
translate_enterprise_oid_format = 1
translate_trap_oid_format = 1
translate_varname_oid_format = 1
translate_integers = 1
wildcard_expansion_separator = " "
allow_unsafe_regex = 0
remove_backslash_from_quotes = 0
dynamic_nodes = 0
description_mode = 0
description_clean = 1
threads_enable = 0
ipv6_enable = 0
date_time_format = %Y-%m-%d %H:%M:%S
[Logging]
stdout_enable = 0
log_enable = 1
log_file = $3
log_system_enable = 0
log_system_file = $TEST_TMP/snmptt-system.log
unknown_trap_log_enable = 1
unknown_trap_log_file = $TEST_TMP/snmptt-unknown.log
statistics_interval = 0
syslog_enable = 0
syslog_system_enable = 0
[Exec]
exec_enable = 0
pre_exec_enable = 0
[Debugging]
DEBUGGING = 0
[TrapFiles]
snmptt_conf_files = <<END
$TT_CONF
END
EOF
}

# start_form_trapd FORM FLAGS...: the snmptrapd of one form (see above),
# with FLAGS; its "TRAP" lines (format2) go to traps-FORM.log.  Sets
# FORM_PORT; returns 1 with a message on stderr if it does not come up.
start_form_trapd() {
	local form=$1 try port conf=$TEST_TMP/snmptrapd-$1.conf i pid
	local log=$TEST_TMP/traps-$1.log handle=$TEST_TMP/traphandle-$1.sh
	shift
	{
		echo "#!/bin/sh"
		echo "in=\$(mktemp \"$TEST_TMP/trap-$form.XXXXXX\") || exit 1"
		echo "cat >\"\$in\""
		echo "cat \"\$in\" >>\"$TEST_TMP/traphandle-$form.in\""
		echo "echo '#----' >>\"$TEST_TMP/traphandle-$form.in\""
		case $form in
		sym)
			write_snmptt_ini "$TEST_TMP/snmptt-sym.ini" 1 "$TEST_TMP/snmptt.log"
			echo "env -u MIBS \"$SNMPTT\" --ini=\"$TEST_TMP/snmptt-sym.ini\" <\"\$in\" >>\"$TEST_TMP/snmptt.out\" 2>&1" ;;
		num | bare)
			write_snmptt_ini "$TEST_TMP/snmptt-$form.ini" 0 "$TEST_TMP/snmptt-$form.log"
			echo "env -u MIBS -u MIBDIRS \"$SNMPTT\" --ini=\"$TEST_TMP/snmptt-$form.ini\" <\"\$in\" >>\"$TEST_TMP/snmptt.out\" 2>&1" ;;
		esac
		echo "\"$ZBX_TRAP_HANDLER\" \"$TEST_TMP/traps-zbx-$form.txt\" <\"\$in\" >>\"$TEST_TMP/zbxtrap.out\" 2>&1"
		echo "rm -f \"\$in\""
	} >"$handle"
	chmod 755 "$handle"
	mkdir -p "$TEST_TMP/snmptrapd-$form-persist" || return 1
	cat >"$conf" <<EOF
authCommunity log,execute $SNMP_READ_COMMUNITY
disableAuthorization no
doNotRetainNotificationLogs yes
format2 TRAP %V\t%v\n
traphandle default $handle
[snmp] persistentDir $TEST_TMP/snmptrapd-$form-persist
EOF
	for ((try = 0; try < 5; try++)); do
		port=$(free_port udp) || return 1
		: >"$log"
		"$SNMPTRAPD" -f -A -Lf "$log" -C -c "$conf" "$@" \
		    -p "$TEST_TMP/snmptrapd-$form.pid" -n "127.0.0.1:$port" \
		    </dev/null >>"$TEST_TMP/snmptrapd-$form.out" 2>&1 &
		pid=$!
		snmplib_track "$pid"
		# Ready when a notification sent to it shows up in its log.
		for ((i = 0; i < 100; i++)); do
			kill -0 "$pid" 2>/dev/null || break
			snmptrap -v2c -c "$SNMP_READ_COMMUNITY" -t 0.2 -r 0 \
			    "127.0.0.1:$port" '' SNMPv2-MIB::warmStart \
			    SNMPv2-MIB::sysLocation.0 s "plugins-ready-$form-$try" \
			    >/dev/null 2>&1
			sleep 0.1
			if grep -q "plugins-ready-$form-$try" "$log" 2>/dev/null; then
				FORM_PORT=$port
				return 0
			fi
		done
		snmplib_kill "$pid"
	done
	echo "start_form_trapd $form: snmptrapd did not log a test notification;" \
	    "its output:" >&2
	sed 's/^/    /' "$TEST_TMP/snmptrapd-$form.out" "$log" >&2
	return 1
}

if [ ! -x "$UPDPROBED" ]; then
	bail_out "the daemon $UPDPROBED is not an executable file (make $UPDPROBED)"
fi
start_httpfault || bail_out "start the HTTP update server (tests/servers/httpfault.py)"
FORMS=(sym num bare iso)
declare -A FORM_FLAGS=([sym]="" [num]="-On" [bare]="-On -m ''" [iso]="-m ''")
TRAP_EXTRA_PORTS=
for form in "${FORMS[@]}"; do
	eval "start_form_trapd $form ${FORM_FLAGS[$form]}" ||
	    bail_out "start snmptrapd for the $form form (${FORM_FLAGS[$form]:-no flags}; see above)"
	if [ "$form" = sym ]; then
		export TRAP_PORT=$FORM_PORT TRAP_LOG=$TEST_TMP/traps-sym.log
	else
		TRAP_EXTRA_PORTS="$TRAP_EXTRA_PORTS $FORM_PORT"
	fi
done
export TRAP_EXTRA_PORTS
start_snmpd || bail_out "start snmpd as AgentX master (see above)"
H="http://127.0.0.1:$HTTP_PORT"
echo "# HTTP on $HTTP_PORT, snmpd on $SNMP_PORT, snmptrapd on $TRAP_PORT" \
    "(sym), $TRAP_EXTRA_PORTS (num bare iso); logs in $TEST_TMP"

# name, the code it must predict, folder and keys
TARGETS=(
	"site-a 3 $H/missing-dirfile/"
	"srv.down_1 2 $H/status-500/"
	"slow 5 $H/slow-headers/ timeout=1"
	"flip 0 $H/good/"
)
CONF=$TEST_TMP/plugins.conf
write_conf() {		# FLIP-FOLDER
	local t name rest
	{
		echo "# plugins.sh"
		echo "interval 300"
		echo "timeout 2"
		for t in "${TARGETS[@]}"; do
			read -r name _ rest <<<"$t"
			[ "$name" = flip ] && rest="$H/$1/"
			echo "target $name $rest"
		done
	} >"$CONF.new" && mv -f "$CONF.new" "$CONF"
}
write_conf good
NAMES=()
for t in "${TARGETS[@]}"; do
	NAMES+=("${t%% *}")
done

all_probed() {
	local n
	for n in "${NAMES[@]}"; do
		snmp_probed "$n" || return 1
	done
}

start_updprobed "$CONF" || bail_out "start updprobed (see above)"
wait_for snmp_answers flip ||
    bail_out "the target table answers through snmpd ($WAIT_SEEN)"
# Probe at once rather than wait for the spread-out first probes.
for n in "${NAMES[@]}"; do
	probe_now "$n"
done
if ! wait_for all_probed; then
	not_ok "all targets probed within $WAIT_TIMEOUT s ($(for n in "${NAMES[@]}"; do printf '%s=%s ' "$n" "$(snmp_get updprobeTargetCode "$n")"; done))"
fi
PROBLEMS=
for t in "${TARGETS[@]}"; do
	read -r name code _ <<<"$t"
	v=$(snmp_get updprobeTargetCode "$name")
	[ "$v" = "$code" ] || PROBLEMS="$PROBLEMS; $name: code $v, want $code"
done
check "$([ -z "$PROBLEMS" ]; echo $?)" \
    "the agent predicts the codes the checks below expect (3, 2, 5, 0)" "${PROBLEMS#; }"

# ---------------------------------------------------------------------------
# z, live: discovery and the item prototypes against the agent.

# The index (length-prefixed name) of a target, as {#SNMPINDEX}.
snmpindex() {
	local s=$1 out=${#1} i
	for ((i = 0; i < ${#s}; i++)); do
		out="$out.$(printf '%d' "'${s:i:1}")"
	done
	printf '%s\n' "$out"
}

if [ "$HAVE_YAML" = 1 ] && { [ ! -s "$TEST_TMP/zabbix-lld.js" ] ||
    [ ! -s "$TEST_TMP/zabbix-oids.tsv" ]; }; then
	not_ok "z: zcheck.py wrote the discovery script and the item OIDs (zabbix-lld.js, zabbix-oids.tsv) for the live checks"
elif [ "$HAVE_YAML" = 1 ]; then
	url_oid=$(awk -F'\t' '$1 == "discovery" { print $2; exit }' "$TEST_TMP/zabbix-oids.tsv")
	walk=$(snmpbulkwalk -v2c -c "$SNMP_READ_COMMUNITY" -t 3 -r 2 -On -Oq \
	    "$SNMP_AGENT" ".$url_oid" 2>&1)
	check "$?" "z: snmpbulkwalk of the discovery rule's OID (.$url_oid)" \
	    "$(printf '%s' "$walk" | squash)"
	# What Zabbix makes of discovery[{#URL},OID]: one row per instance,
	# {#SNMPINDEX} the OID suffix; both LLD JSON shapes.
	printf '%s\n' "$walk" >"$TEST_TMP/walk.txt"
	"$PYTHON" - "$url_oid" "$TEST_TMP" >"$TEST_TMP/lld.out" 2>&1 <<'EOF'
import json, sys
oid, tmp = sys.argv[1], sys.argv[2]
rows = []
for line in open(tmp + "/walk.txt").read().splitlines():
    name, _, value = line.partition(" ")
    if name.startswith("." + oid + "."):
        rows.append({"{#SNMPINDEX}": name[len(oid) + 2:],
                     "{#URL}": value.strip('"')})
json.dump(rows, open(tmp + "/lld-array.json", "w"))
json.dump({"data": rows}, open(tmp + "/lld-data.json", "w"))
# As a Zabbix server that loads UPDPROBE-MIB gives it: the quoted name.
def quoted(index):
    parts = [int(p) for p in index.split(".")]
    return '"%s"' % "".join(chr(c) for c in parts[1:])
json.dump({"data": [{"{#SNMPINDEX}": quoted(r["{#SNMPINDEX}"]),
                     "{#URL}": r["{#URL}"]} for r in rows]},
          open(tmp + "/lld-quoted.json", "w"))
EOF
	check "$?" "z: the walk turned into LLD JSON as Zabbix does (both shapes, and the quoted index)" \
	    "$(squash <"$TEST_TMP/lld.out")"
	if [ -z "$JS_ENGINE" ]; then
		not_ok "z: a JavaScript engine runs the discovery rule's script (Debian package duktape, as in Zabbix; or node)"
	else
		for shape in array data quoted; do
			# Zabbix runs the step as the body of function (value).
			{
				echo "var input = $(cat "$TEST_TMP/lld-$shape.json");"
				echo "var step = function (value) {"
				cat "$TEST_TMP/zabbix-lld.js"
				echo "};"
				if [ "$JS_ENGINE" = duk ]; then
					echo "print(step(JSON.stringify(input)));"
				else
					echo "console.log(step(JSON.stringify(input)));"
				fi
			} >"$TEST_TMP/lld-$shape.run.js"
			out=$("$JS_ENGINE" "$TEST_TMP/lld-$shape.run.js" 2>&1)
			got=$("$PYTHON" -c '
import json, sys
d = json.loads(sys.argv[1])
rows = d if isinstance(d, list) else d["data"]
print(" ".join(sorted("%s=%s=%s" % (r["{#TARGET}"], r["{#URL}"].rsplit("/", 2)[-2],
                                    r["{#SNMPINDEX}"]) for r in rows)))' "$out" 2>&1)
			want=$(for t in "${TARGETS[@]}"; do
				read -r name _ url _ <<<"$t"
				[ "$name" = flip ] && url=$H/good/
				url=${url%/}
				echo "$name=${url##*/}=$(snmpindex "$name")"
			done | sort | paste -s -d ' ' -)
			check "$([ "$got" = "$want" ]; echo $?)" \
			    "z: discovery ($JS_ENGINE, LLD JSON as $shape): the JavaScript step names every row {#TARGET}, {#SNMPINDEX} numeric: $got" \
			    "want $want; walk: $(printf '%s' "$walk" | squash); script output: $(printf '%s' "$out" | squash)"
		done
	fi

	# Every item's OID, with {#SNMPINDEX} of flip (code 0: every column
	# filled), answers a GET.
	idx=$(snmpindex flip)
	PROBLEMS=
	n=0
	while IFS=$'\t' read -r kind oid key; do
		case $kind in
		scalar) full=.$oid ;;
		column) full=.$oid.$idx ;;
		*) continue ;;
		esac
		n=$((n + 1))
		v=$(snmpget -v2c -c "$SNMP_READ_COMMUNITY" -t 3 -r 2 -Oqv \
		    "$SNMP_AGENT" "$full" 2>&1)
		case $v in
		"No Such"* | Timeout* | *rror* | "")
			PROBLEMS="$PROBLEMS; $key ($full): $v" ;;
		esac
	done <"$TEST_TMP/zabbix-oids.tsv"
	check "$([ "$n" -gt 0 ] && [ -z "$PROBLEMS" ]; echo $?)" \
	    "z: all $n item OIDs answer a GET (prototypes with {#SNMPINDEX} $idx, target flip)" \
	    "${PROBLEMS#; }"
fi

# ---------------------------------------------------------------------------
# s, live: the notifications through snmptrapd and snmptt.

# tt_has LOG SEVERITY TEXT: snmptt logged a line of SEVERITY whose text
# (after the " - ") starts with TEXT.
tt_has() {
	grep -sF -- " $2 \"Status Events\" " "$1" | grep -qF -- " - $3" && return 0
	echo "snmptt log: $(tail -n 3 "$1" 2>/dev/null)"
	return 1
}
tt_check() {		# [-l LOG] SEVERITY TEXT DESCRIPTION
	local log=$TEST_TMP/snmptt.log
	if [ "$1" = -l ]; then
		log=$2
		shift 2
	fi
	if wait_for tt_has "$log" "$1" "$2"; then
		ok "s: $3"
	else
		not_ok "s: $3: no line \"... $1 \"Status Events\" ... - $2\" in ${log##*/} ($WAIT_SEEN; snmptt output: $(tail -n 4 "$TEST_TMP/snmptt.out" 2>/dev/null | squash); traps: $(grep -c '^TRAP' "$TRAP_LOG"))"
	fi
}

# The notifications: first results (3 problems), then flip: good/ ->
# auth-basic/ (Code 12) -> good/ through SIGHUP. Each waited for in
# snmptrapd's own log, whatever SNMPTT makes of them.
PROBLEMS=
for t in "${TARGETS[@]}"; do
	read -r name code _ <<<"$t"
	[ "$code" = 0 ] && continue
	wait_trap 1 updprobeProblem "$name" updprobeTargetCode="$code" ||
	    PROBLEMS="$PROBLEMS; $name"
done
check "$([ -z "$PROBLEMS" ]; echo $?)" \
    "updprobeProblem received for the three targets with a problem" \
    "none for${PROBLEMS#;}; captured: $(grep -c '^TRAP' "$TRAP_LOG") notifications"
flip_to() {	# FOLDER CODE
	write_conf "$1"
	kill -HUP "$UPDPROBED_PID"
	has_url() {
		local u
		u=$(snmp_get updprobeTargetUrl flip)
		[[ "$u" == */$1/ ]] || { echo "Url.\"flip\" = $u"; return 1; }
	}
	wait_for has_url "$1" && probe_now flip &&
	    wait_for snmp_is updprobeTargetCode flip "$2"
}
FLIPPED=0
if flip_to auth-basic 12 &&
    wait_trap 1 updprobeCodeChange flip updprobeTargetCode=12 &&
    wait_trap 1 updprobeProblem flip updprobeTargetCode=12 &&
    flip_to good 0 &&
    wait_trap 1 updprobeCodeChange flip updprobeTargetCode=0 &&
    wait_trap 1 updprobeCleared flip updprobeTargetCode=0; then
	FLIPPED=1
	ok "SIGHUP points flip to auth-basic/ and back: updprobeCodeChange, updprobeProblem, updprobeCodeChange, updprobeCleared"
else
	not_ok "SIGHUP points flip to auth-basic/ and back: updprobeCodeChange, updprobeProblem, updprobeCodeChange, updprobeCleared ($WAIT_SEEN; code $(snmp_get updprobeTargetCode flip); captured for flip: $(trap_lines flip | squash); log: $(tail -n 4 "$UPDPROBED_LOG" | squash))"
fi

# The updprobe notifications snmptrapd (sym) logged: every other form and
# handler must have got as many.
SENT=$(grep -c 'UPDPROBE-MIB::updprobe\(Problem\|Cleared\|CodeChange\)' "$TRAP_LOG")
# form_has FILE SEPARATOR-REGEX: FILE holds $SENT updprobe records.
form_has() {
	local n
	n=$(awk -v RS="$2" '/9999\.9999\.7\.0\.[123]|updprobe(Problem|Cleared|CodeChange)/ { n++ } END { print n + 0 }' "$1" 2>/dev/null)
	[ "$n" -ge "$SENT" ] || { echo "${1##*/}: $n of $SENT updprobe records"; return 1; }
}
PROBLEMS=
for form in "${FORMS[@]}"; do
	wait_for form_has "$TEST_TMP/traphandle-$form.in" '#----\n' ||
	    PROBLEMS="$PROBLEMS; $WAIT_SEEN"
	wait_for form_has "$TEST_TMP/traps-zbx-$form.txt" '[^\n]* ZBXTRAP [^\n]*\n' ||
	    PROBLEMS="$PROBLEMS; $WAIT_SEEN"
done
check "$([ "$SENT" -ge 7 ] && [ -z "$PROBLEMS" ]; echo $?)" \
    "each of the four snmptrapd (${FORMS[*]}) handed all $SENT updprobe notifications to its traphandle and to its Perl handler" \
    "${PROBLEMS#; }"

if [ "$HAVE_SNMPTT" = 1 ]; then
	tt_check Major "updprobeProblem target site-a: a firmware update would fail with Code 3 (file not found) at step dirfile: HTTP 404 for $H/missing-dirfile/dirlist.txt" \
	    "updprobeProblem for Code 3 is Major, with the target name and the detail"
	tt_check Critical "updprobeProblem target srv.down_1: a firmware update would fail with Code 2 (network not available) at step dirfile: HTTP 500 for $H/status-500/dirlist.txt" \
	    "updprobeProblem for Code 2 is Critical (a target name with . and _)"
	tt_check Minor "updprobeProblem target slow: a firmware update would fail with Code 5 (timeout waiting for file) at step dirfile: " \
	    "updprobeProblem for Code 5 is Minor"
	if [ "$FLIPPED" = 1 ]; then
		tt_check Warning "updprobeCodeChange target flip: now Code 12 (authentication failed), was Code 0 (no problems); step dirfile: HTTP 401 for $H/auth-basic/dirlist.txt" \
		    "updprobeCodeChange is Warning, new and previous code"
		tt_check Major "updprobeProblem target flip: a firmware update would fail with Code 12 (authentication failed) at step dirfile: HTTP 401" \
		    "updprobeProblem for Code 12 is Major"
		tt_check Normal "updprobeCleared target flip: back to Code 0 (no problems), was Code 12 (authentication failed)" \
		    "updprobeCleared is Normal, with the problem that went away"
		tt_check Warning "updprobeCodeChange target flip: now Code 0 (no problems), was Code 12 (authentication failed); step none: " \
		    "updprobeCodeChange back to Code 0"
	fi
	# Without the Perl module, from snmptrapd -On: numeric names, the
	# target as its index (name length, then character codes); the
	# code and step as labels if snmptrapd loads UPDPROBE-MIB, as
	# numbers if it loads no MIB.
	tt_check -l "$TEST_TMP/snmptt-num.log" Major \
	    "updprobeProblem target 6.115.105.116.101.45.97: a firmware update would fail with Code 3 (file not found) at step dirfile: HTTP 404 for $H/missing-dirfile/dirlist.txt" \
	    "snmptrapd -On, net_snmp_perl_enable = 0: the line has code, step, severity and the target index"
	tt_check -l "$TEST_TMP/snmptt-bare.log" Major \
	    "updprobeProblem target 6.115.105.116.101.45.97: a firmware update would fail with Code 3 at step 4: HTTP 404 for $H/missing-dirfile/dirlist.txt" \
	    "without any MIB (snmptrapd -On -m '', net_snmp_perl_enable = 0) the line still has code, severity and target index"

	# Each updprobe notification matched exactly one EVENT: as many
	# lines in each snmptt log as notifications, none unknown.
	tt_lines() {	# LOG: snmptt has logged $SENT updprobe lines
		local n
		n=$(grep -c ' - updprobe\(Problem\|Cleared\|CodeChange\) ' "$1" 2>/dev/null)
		[ "${n:-0}" -ge "$SENT" ] || { echo "${1##*/}: ${n:-0} lines"; return 1; }
	}
	PROBLEMS=
	for log in snmptt.log snmptt-num.log snmptt-bare.log; do
		wait_for tt_lines "$TEST_TMP/$log" || PROBLEMS="$PROBLEMS; $WAIT_SEEN"
		n=$(grep -c ' - updprobe\(Problem\|Cleared\|CodeChange\) ' "$TEST_TMP/$log" 2>/dev/null)
		[ "${n:-0}" = "$SENT" ] || PROBLEMS="$PROBLEMS; $log: ${n:-0} lines"
	done
	unknown=$(grep -c '8072\.9999\.9999\.7\|updprobe' "$TEST_TMP/snmptt-unknown.log" 2>/dev/null)
	[ "${unknown:-0}" = 0 ] || PROBLEMS="$PROBLEMS; ${unknown} unknown"
	check "$([ "$SENT" -ge 7 ] && [ -z "$PROBLEMS" ]; echo $?)" \
	    "s: each of the $SENT notifications makes one snmptt line, in each of the three snmptt logs, none is an unknown trap" \
	    "${PROBLEMS#; }; log: $(squash <"$TEST_TMP/snmptt.log" 2>/dev/null)"
fi

# z, live: the snmptrap[] regular expressions against the notifications as
# the three snmptrapd wrote them, to the Zabbix-layout handler (what
# Zabbix's SNMP trapper reads: records begin with a "ZBXTRAP" line) and to
# the traphandle.
if [ "$HAVE_YAML" = 1 ] && [ ! -s "$TEST_TMP/zabbix-trap-regex.tsv" ]; then
	not_ok "z: zcheck.py wrote the snmptrap[] regular expressions (zabbix-trap-regex.tsv) for the live checks"
elif [ "$HAVE_YAML" = 1 ]; then
	cat >"$TEST_TMP/trapcheck.py" <<'EOF'
import re, sys
tmp, sent = sys.argv[1], int(sys.argv[2])
regex = dict(l.rstrip("\n").split("\t", 1)
             for l in open(tmp + "/zabbix-trap-regex.tsv"))
OIDS = {"updprobeCodeChange": "1", "updprobeProblem": "2",
        "updprobeCleared": "3"}
FORMS = {"sym": "with the MIB loaded", "num": "numeric (snmptrapd -On)",
         "bare": "numeric without any MIB (snmptrapd -On -m '')",
         "iso": "without any MIB (iso.3.6...)"}
# How updprobeTargetCode's varbind must look in each form: it is the form
# it claims to be.
COL = r"8072\.9999\.9999\.7\.1\.2\.1\.2\.\d"
SIGN = {"sym": r"UPDPROBE-MIB::updprobeTargetCode\.", "num": r"\.1\.3\.6\.1\.4\.1\." + COL,
        "bare": r"\.1\.3\.6\.1\.4\.1\." + COL, "iso": r"iso\.3\.6\.1\.4\.1\." + COL}
for kind in ("zbx", "handle"):
    for form, desc in FORMS.items():
        if kind == "zbx":
            text = open("%s/traps-zbx-%s.txt" % (tmp, form)).read()
            recs = re.split(r"(?m)^(?=\S+ \S+ ZBXTRAP )", text)
            where = "as zabbix_trap_handler wrote them for Zabbix"
        else:
            text = open("%s/traphandle-%s.in" % (tmp, form)).read()
            recs = text.split("#----\n")
            where = "as the traphandle got them"
        recs = [r for r in recs if r.strip()]
        problems, mine = [], 0
        for r in recs:
            m = re.search(r"(?:snmpTrapOID\.0|\.1\.3\.6\.1\.6\.3\.1\.1\.4\.1\.0|"
                          r"iso\.3\.6\.1\.6\.3\.1\.1\.4\.1\.0)\s+"
                          r"(?:type=\d+\s+value=)?(?:OID: )?(\S+)", r)
            trapoid = m.group(1) if m else "?"
            which = [n for n, o in OIDS.items()
                     if trapoid.endswith("::" + n) or
                     trapoid.endswith("9999.9999.7.0." + o)]
            if m is None or (not which and "9999.9999.7" in trapoid):
                problems.append("a record without a recognised trap OID (%s)"
                                % " ".join(r.split())[:200])
            hits = sorted(n for n, rx in regex.items() if re.search(rx, r))
            mine += bool(which)
            if which and (not re.search(SIGN[form], r) or
                          (form != "sym" and "UPDPROBE-MIB::" in r)):
                problems.append("a record not in the %s form (%s)"
                                % (form, " ".join(r.split())[:200]))
            if hits != sorted(which):
                problems.append("%s matched by %r" % (trapoid, hits))
        others = len(recs) - mine
        if mine != sent:
            problems.append("%d updprobe records, want %d" % (mine, sent))
        print(("ok - z: snmptrap[] items, %s %s: each of the %d of "
               "updprobe matches exactly its own item, the %d others none"
               % (where, desc, mine, others))
              if not problems else
              "not ok - z: snmptrap[] items, %s %s (%s)"
              % (where, desc, "; ".join(problems)[:700]))
EOF
	helper trapcheck.py "$PYTHON" "$TEST_TMP/trapcheck.py" "$TEST_TMP" "$SENT"
fi

# s: the snmptrapd.conf example loads without warnings (no notification
# is sent to it, so its traphandle never runs).
port=$(free_port udp)
printf '[snmp] persistentDir %s\n' "$TEST_TMP/example-persist" >"$TEST_TMP/example-extra.conf"
mkdir -p "$TEST_TMP/example-persist"
"$SNMPTRAPD" -f -Lf "$TEST_TMP/example.log" -C \
    -c "$TRAPD_EXAMPLE,$TEST_TMP/example-extra.conf" \
    -p "$TEST_TMP/example.pid" -n "127.0.0.1:$port" </dev/null \
    >>"$TEST_TMP/example.out" 2>&1 &
pid=$!
snmplib_track "$pid"
wait_for grep -qs 'NET-SNMP version' "$TEST_TMP/example.log"
started=$?
snmplib_kill "$pid"
warnings=$(grep -i 'warning\|error\|unknown' "$TEST_TMP/example.log" "$TEST_TMP/example.out" | squash)
check "$([ "$started" = 0 ] && [ -z "$warnings" ]; echo $?)" \
    "s: snmptrapd loads snmptrapd.conf.example without a warning" \
    "started: $started; $warnings; log: $(squash <"$TEST_TMP/example.log")"

finish
