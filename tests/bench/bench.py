#!/usr/bin/python3
"""bench.py - the number crunching of tests/bench/run.sh (make bench).

Standard library only (Debian 12's /usr/bin/python3).  Subcommands:

  cpu PID...              utime+stime ticks summed over the PIDs, then the
                          schedstat run time (ns) summed over their threads
  mem PID                 VmHWM and VmRSS in KiB
  machine                 busy and total jiffies of the whole machine
  walk-rows FILE          rows (lines with a value) of an snmpbulkwalk -On -Oq
  gaps-nginx LOG FIRST LAST INTERVAL
                          per-target gaps between successive 200 GETs of
                          /siteN/dirlist.txt in an nginx access log
                          ("$msec $uri $status"), N in FIRST..LAST
  requests-nginx LOG      requests by status and file kind
  gaps-snmp INTERVAL FILE...
                          per-target gaps between successive distinct
                          updprobeTargetLastProbe values, FILEs in time order
  flip --log L --name N --agent A --community C --oid OID --want CODE
                          snmpset OID i 1, then waits for the first new
                          updprobeCodeChange for N in L; prints
                          "t_before_set t_after_set t_trap" (ms, epoch)
  report RESULTS OUT      the markdown table of RESULTS (key=value lines)
"""

import glob
import os
import re
import statistics
import subprocess
import sys
import time

TICK = os.sysconf("SC_CLK_TCK")


def now_ms():
    return time.time() * 1000.0


# ---------------------------------------------------------------------------
# /proc

def cpu(pids):
    ticks = 0
    ns = 0
    for pid in pids:
        try:
            with open("/proc/%s/stat" % pid) as f:
                fields = f.read().rsplit(")", 1)[1].split()
            # fields[0] is field 3 (state): utime is field 14, stime 15
            ticks += int(fields[11]) + int(fields[12])
            for t in glob.glob("/proc/%s/task/*/schedstat" % pid):
                try:
                    with open(t) as f:
                        ns += int(f.read().split()[0])
                except OSError:
                    pass
        except (OSError, IndexError, ValueError):
            pass
    print(ticks, ns)


def mem(pid):
    hwm = rss = 0
    with open("/proc/%s/status" % pid) as f:
        for line in f:
            if line.startswith("VmHWM:"):
                hwm = int(line.split()[1])
            elif line.startswith("VmRSS:"):
                rss = int(line.split()[1])
    print(hwm, rss)


def machine():
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:]]
    idle = v[3] + v[4]
    print(sum(v[:8]) - idle, sum(v[:8]))


# ---------------------------------------------------------------------------
# Gaps

def pct(values, p):
    if not values:
        return float("nan")
    s = sorted(values)
    k = (len(s) - 1) * p / 100.0
    lo = int(k)
    hi = min(lo + 1, len(s) - 1)
    return s[lo] + (s[hi] - s[lo]) * (k - lo)


def summarize_gaps(gaps, interval, targets_seen, targets_expected):
    """key=value lines: gap statistics and the worst deviation."""
    tol = interval * 0.10
    out = []
    if not gaps:
        out.append("count=0")
        return out
    dev = [abs(g - interval) for g in gaps]
    outside = sum(1 for d in dev if d > tol)
    out.append("count=%d" % len(gaps))
    out.append("targets=%d" % targets_seen)
    out.append("expected=%d" % targets_expected)
    out.append("min=%.3f" % min(gaps))
    out.append("p50=%.3f" % pct(gaps, 50))
    out.append("p99=%.3f" % pct(gaps, 99))
    out.append("max=%.3f" % max(gaps))
    out.append("maxdev=%.3f" % max(dev))
    out.append("outside=%d" % outside)
    return out


def gaps_nginx(log, first, last, interval):
    first, last, interval = int(first), int(last), float(interval)
    times = {}
    pat = re.compile(r"^(\d+\.\d+) /site(\d+)/dirlist\.txt (\d+)")
    with open(log, errors="replace") as f:
        for line in f:
            m = pat.match(line)
            if not m or m.group(3) != "200":
                continue
            n = int(m.group(2))
            if first <= n <= last:
                times.setdefault(n, []).append(float(m.group(1)))
    gaps = []
    for n, ts in times.items():
        ts.sort()
        gaps += [b - a for a, b in zip(ts, ts[1:])]
    # targets with at least two probes (a gap) against those expected
    with_gap = sum(1 for ts in times.values() if len(ts) > 1)
    for line in summarize_gaps(gaps, interval, with_gap, last - first + 1):
        print(line)
    print("probed=%d" % len(times))
    # how even the schedule is: probes started per second of the run
    per_s = {}
    for ts in times.values():
        for t in ts:
            per_s[int(t)] = per_s.get(int(t), 0) + 1
    if per_s:
        span = max(per_s) - min(per_s) + 1
        print("peak_per_s=%d" % max(per_s.values()))
        print("busy_s_pct=%.1f" % (100.0 * len(per_s) / span))


def requests_nginx(log):
    counts = {}
    pat = re.compile(r"^\d+\.\d+ /site\d+/(\S+) (\d+)")
    with open(log, errors="replace") as f:
        for line in f:
            m = pat.match(line)
            if not m:
                continue
            kind = "dirlist" if m.group(1) == "dirlist.txt" else "firmware"
            key = "%s_%s" % (kind, m.group(2))
            counts[key] = counts.get(key, 0) + 1
    for k in sorted(counts):
        print("%s=%d" % (k, counts[k]))


def decode_index(oid_tail):
    parts = [int(x) for x in oid_tail.split(".") if x]
    n = parts[0]
    return "".join(chr(c) for c in parts[1:1 + n])


def gaps_snmp(interval, files):
    interval = float(interval)
    last = {}
    gaps = []
    targets = set()
    pat = re.compile(r"^\S*?\.1\.2\.1\.7\.([0-9.]+)\s+(\d+)")
    for fn in files:
        with open(fn, errors="replace") as f:
            for line in f:
                m = pat.match(line.strip())
                if not m:
                    continue
                name = decode_index(m.group(1))
                if not name.startswith("s"):
                    continue
                v = int(m.group(2))
                if v == 0:
                    continue
                old = last.get(name)
                if old is not None and v != old:
                    gaps.append(v - old)
                    targets.add(name)
                last[name] = v
    for line in summarize_gaps(gaps, interval, len(targets), len(last)):
        print(line)


# ---------------------------------------------------------------------------
# Notification timing

def flip(args):
    opts = dict(zip(args[::2], args[1::2]))
    log, name = opts["--log"], opts["--name"]
    try:
        start = os.path.getsize(log)
    except OSError:
        start = 0
    cmd = ["snmpset", "-v2c", "-c", opts["--community"], "-t", "2", "-r",
           "0", "-m", "", "-Oq", opts["--agent"], opts["--oid"], "i", "1"]
    t0 = now_ms()
    r = subprocess.run(cmd, stdout=subprocess.DEVNULL,
                       stderr=subprocess.PIPE)
    t1 = now_ms()
    if r.returncode != 0:
        sys.stderr.write("flip: snmpset failed: %s\n" %
                         r.stderr.decode(errors="replace").strip())
        print("%.1f %.1f -1" % (t0, t1))
        return
    want_name = '."%s"' % name
    want_code = "(%s)" % opts["--want"]
    deadline = time.time() + 10
    buf = ""
    pos = start
    while time.time() < deadline:
        with open(log, errors="replace") as f:
            f.seek(pos)
            chunk = f.read()
            pos = f.tell()
        if chunk:
            t = now_ms()
            buf += chunk
            for line in buf.split("\n"):
                if ("updprobeCodeChange" in line and want_name in line):
                    # the code varbind: ...Code."flip" = INTEGER: x(N)
                    m = re.search(r'updprobeTargetCode\."%s" = [^\t]*'
                                  % re.escape(name), line)
                    if m and want_code in m.group(0):
                        print("%.1f %.1f %.1f" % (t0, t1, t))
                        return
        time.sleep(0.001)
    print("%.1f %.1f -1" % (t0, t1))


# ---------------------------------------------------------------------------
# The report

def load(fn):
    r = {}
    with open(fn) as f:
        for line in f:
            line = line.rstrip("\n")
            if "=" in line:
                k, v = line.split("=", 1)
                r[k] = v
    return r


def num(r, k, default=None):
    try:
        return float(r[k])
    except (KeyError, ValueError):
        return default


def fmt(v, spec="%.2f", unit=""):
    if v is None or v != v:
        return "n/a"
    return (spec % v) + unit


def report(results, out):
    r = load(results)
    sizes = [int(x) for x in r.get("sizes", "").split()]
    L = []
    L.append("# updprobe fleet benchmark")
    L.append("")
    L.append("Machine: %s; %s cores; %s MiB RAM; %s" % (
        r.get("cpu_model", "?"), r.get("nproc", "?"), r.get("ram_mib", "?"),
        r.get("kernel", "?")))
    L.append("Run: %s, %s s in all. interval %s s, timeout %s s, maxProbes "
             "default (256), confirm 1. Server: nginx %s (1 worker, Basic "
             "auth, apr1 htpasswd) serving one good update folder under "
             "/siteN/; DNS: tests/servers/dnsfake.py (siteN.ok.test, a "
             "fresh lookup per probe)." % (
                 r.get("date", "?"), r.get("total_s", "?"),
                 r.get("interval", "?"), r.get("timeout", "?"),
                 r.get("nginx_version", "?")))
    L.append("")
    L.append("Binary: %s (others may rebuild build/ while this runs: compare "
             "this line between runs)." % r.get("binary", "?"))
    L.append("")
    L.append("Shared machine: load average %s at the start, %s at the end; "
             "other processes (not this benchmark's) used %s of one core on "
             "average during the measurement windows (figures below include "
             "that interference)." % (
                 r.get("load_start", "?"), r.get("load_end", "?"),
                 ", ".join("%s%% (N=%d)" % (r.get("n%d.others_pct" % n, "?"), n)
                           for n in sizes) or "?"))
    L.append("")
    L.append("## updprobed behind snmpd (AgentX)")
    L.append("")
    hdr = ["figure"] + ["N = %s" % format(n, ",") for n in sizes]
    L.append("| " + " | ".join(hdr) + " |")
    L.append("|" + "---|" * len(hdr))

    def row(label, key, spec="%.2f", unit="", scale=1.0):
        cells = [label]
        for n in sizes:
            v = num(r, "n%d.%s" % (n, key))
            cells.append(fmt(None if v is None else v * scale, spec, unit))
        L.append("| " + " | ".join(cells) + " |")

    def row_text(label, fn):
        L.append("| " + " | ".join([label] + [fn(n) for n in sizes]) + " |")

    row("start-up: launch to the first SNMP answer counting every row (ms)", "startup_ms", "%.0f")
    row("every target probed once, after start (ms; first probes spread "
        "over 10 s)", "first_round_ms", "%.0f")
    row("measurement window (s)", "window_s", "%.1f")
    row("probes run in the window", "probes", "%.0f")
    row("probes per second", "probes_per_s", "%.2f")
    row("expected probes per second (N / interval)", "expected_per_s", "%.2f")
    row("CPU, share of one core (%)", "cpu_pct", "%.2f")
    row("CPU ms per probe (/proc stat utime+stime)", "cpu_ms_per_probe",
        "%.3f")
    row("CPU ms per probe (schedstat, ns precision)",
        "cpu_ms_per_probe_sched", "%.3f")
    row("of the window's CPU: LastProbe sampling walks (%)", "sample_cpu_pct",
        "%.1f")
    row("CPU ms per probe without the sampling walks' CPU",
        "cpu_ms_per_probe_nosample", "%.3f")
    row("peak RSS, VmHWM (MiB)", "vmhwm_kib", "%.1f", scale=1 / 1024.0)
    row("RSS at the end, VmRSS (MiB)", "vmrss_kib", "%.1f", scale=1 / 1024.0)
    row("VmHWM per target (KiB)", "hwm_per_target_kib", "%.2f")
    row("HTTP requests per probe (nginx log)", "req_per_probe", "%.2f")
    row("of which 401 challenges per probe", "req401_per_probe", "%.2f")
    row_text("gap between probes of a target, nginx log: min / p50 / p99 / "
             "max (s)", lambda n: "%s / %s / %s / %s" % tuple(
                 fmt(num(r, "n%d.ngx.%s" % (n, k)), "%.2f")
                 for k in ("min", "p50", "p99", "max")))
    row_text("gaps measured (targets with a gap / N)",
             lambda n: "%s (%s / %s)" % (
                 r.get("n%d.ngx.count" % n, "n/a"),
                 r.get("n%d.ngx.targets" % n, "n/a"), n))
    row_text("probes started per second, nginx log: peak (seconds of the "
             "run with any probe start, %)", lambda n: "%s (%s %%)" % (
                 r.get("n%d.ngx.peak_per_s" % n, "n/a"),
                 r.get("n%d.ngx.busy_s_pct" % n, "n/a")))
    row_text("gaps off the interval by more than 10 %",
             lambda n: r.get("n%d.ngx.outside" % n, "n/a"))
    row_text("gap, SNMP LastProbe samples: min / max (s, 1 s resolution), "
             "count", lambda n: "%s / %s, %s" % (
                 fmt(num(r, "n%d.snmp.min" % n), "%.0f"),
                 fmt(num(r, "n%d.snmp.max" % n), "%.0f"),
                 r.get("n%d.snmp.count" % n, "n/a")))
    row("snmpget of 1 scalar (baseline: process start, 1 round trip) "
        "(ms)", "walk_base_ms", "%.1f")
    row("walk of updprobeTargetCode, best of 10 (5 at N ≥ 10,000): wall (ms)", "walk_code_ms", "%.1f")
    row("  per row, net of the baseline (µs)", "walk_code_us_row", "%.1f")
    row("  updprobed CPU per row (µs)", "walk_code_cpu_us_row", "%.1f")
    row("  snmpd CPU per row (µs)", "walk_code_snmpd_us_row", "%.1f")
    cols = [num(r, "n%d.walk_table_varbinds" % n) for n in sizes]
    cols = [c / n for c, n in zip(cols, sizes) if c is not None and c > 0]
    row("walk of the whole table (%s columns), best of 5 (2 at N ≥ "
        "10,000): wall (ms)" % ("%.0f" % cols[-1] if cols else "every"),
        "walk_table_ms", "%.0f")
    row("  per row, net of the baseline (µs)", "walk_table_us_row", "%.1f")
    row("  updprobed CPU per row (µs)", "walk_table_cpu_us_row", "%.1f")
    row("  snmpd CPU per row (µs)", "walk_table_snmpd_us_row", "%.1f")
    row("ProbeNow SET → CodeChange trap in snmptrapd's log (ms, median)",
        "trap_total_ms_p50", "%.1f")
    row("  the probe itself (sum of its step times, ms, median)",
        "trap_probe_ms_p50", "%.1f")
    row("  notification after the probe ended: median (ms)",
        "trap_after_ms_p50", "%.1f")
    row("  notification after the probe ended: max (ms)",
        "trap_after_ms_max", "%.1f")
    row("  lower bound (from the SET's response): max (ms)",
        "trap_after_lo_ms_max", "%.1f")
    row_text("  flips timed (server stopped / started)",
             lambda n: r.get("n%d.trap_flips" % n, "n/a"))
    row("ProbeNow SET answered (snmpset's round trip, ms): median",
        "set_ms_p50", "%.1f")
    row("  max", "set_ms_max", "%.1f")
    row("snmpd killed (-9) and started again: the table answers (ms after "
        "snmpd does, agentxPingInterval 5): median", "reconnect_ms_p50", "%.0f")
    row("  max", "reconnect_ms_max", "%.0f")
    L.append("")
    L.append("Marginal RSS per target between N = %s and N = %s: %s KiB." % (
        format(sizes[-2], ",") if len(sizes) > 1 else "?",
        format(sizes[-1], ",") if sizes else "?",
        r.get("rss_marginal_kib", "n/a")))
    L.append("")
    L.append("## The same requests, other tools (target 127.0.0.1: no DNS "
             "lookup, which updprobed also does)")
    L.append("")
    L.append("| tool | runs | CPU ms per request | CPU ms per full probe "
             "(DirFile + 2 firmware ranges) | updprobed (N=%s) vs it |" %
             format(sizes[-1], ",") if sizes else "?")
    L.append("|---|---|---|---|---|")
    upd = num(r, "n%d.cpu_ms_per_probe_sched" % sizes[-1]) if sizes else None
    for key, label in (("bb", "prometheus blackbox_exporter %s (process CPU "
                        "from /proc; requests driven by one curl)" %
                        r.get("bb_version", "")),
                       ("cc", "check_curl (monitoring-plugins %s; children's "
                        "CPU, bash times)" % r.get("cc_version", "")),
                       ("oneshot", "build/updprobe, one process per probe "
                        "(with DNS; children's CPU)")):
        full = num(r, "%s.full_ms" % key)
        ratio = "%.2f×" % (upd / full) if upd and full else "n/a"
        L.append("| %s | %s | %s | %s | %s |" % (
            label, r.get("%s.runs" % key, "n/a"),
            fmt(num(r, "%s.req_ms" % key), "%.3f"),
            fmt(full, "%.3f"), ratio))
    L.append("| updprobed, in the daemon (N=%s, schedstat) | %s | %s | %s | "
             "1× |" % (format(sizes[-1], ",") if sizes else "?",
                       r.get("n%d.probes" % sizes[-1], "n/a") if sizes else "",
                       fmt(num(r, "n%d.cpu_ms_per_req" % sizes[-1]) if sizes
                           else None, "%.3f"),
                       fmt(upd, "%.3f")))
    L.append("")
    L.append("## Goals")
    L.append("")
    L.append("| goal | measured | verdict |")
    L.append("|---|---|---|")
    for i in range(1, 20):
        g = r.get("goal%d" % i)
        if g is None:
            continue
        L.append("| %s |" % g)
    L.append("")
    notes = [r[k] for k in sorted(r) if k.startswith("note")]
    if notes:
        L.append("Notes:")
        L.append("")
        for n in notes:
            L.append("- " + n)
        L.append("")
    text = "\n".join(L)
    with open(out, "w") as f:
        f.write(text)
    print(text)


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    cmd, a = sys.argv[1], sys.argv[2:]
    if cmd == "cpu":
        cpu(a)
    elif cmd == "mem":
        mem(a[0])
    elif cmd == "machine":
        machine()
    elif cmd == "walk-rows":
        n = 0
        with open(a[0], errors="replace") as f:
            for line in f:
                if line.startswith(".") and " " in line.strip():
                    n += 1
        print(n)
    elif cmd == "gaps-nginx":
        gaps_nginx(*a)
    elif cmd == "requests-nginx":
        requests_nginx(a[0])
    elif cmd == "gaps-snmp":
        gaps_snmp(a[0], a[1:])
    elif cmd == "flip":
        flip(a)
    elif cmd == "report":
        report(a[0], a[1])
    else:
        sys.exit("bench.py: unknown command %s" % cmd)


if __name__ == "__main__":
    main()
