#!/usr/bin/python3
"""memscan.py - count the copies of strings in a running process's memory.

    memscan.py [--where] PID STRING...

Prints one count per STRING, in order, on one line.  With --where, each
copy's mapping, address and the bytes around it go to stderr, to find
whose it is.  It reads the
process's writable mappings (heap, stacks, anonymous memory, data) of at
most 256 MiB each through /proc/PID/mem: the larger ones are address
space reserved by AddressSanitizer (its shadow), which holds no data of
the program's.  Needs the right to trace the process (root).
Standard library only.
"""

import sys

LIMIT = 256 * 1024 * 1024
CHUNK = 1024 * 1024


def regions(pid):
    with open("/proc/%d/maps" % pid) as f:
        for line in f:
            fields = line.split()
            lo, hi = (int(x, 16) for x in fields[0].split("-"))
            perms = fields[1]
            if "r" in perms and "w" in perms and hi - lo <= LIMIT:
                yield lo, hi, fields[5] if len(fields) > 5 else "[anon]"


def main():
    args = sys.argv[1:]
    where = bool(args) and args[0] == "--where"
    if where:
        args = args[1:]
    pid = int(args[0])
    needles = [s.encode() for s in args[1:]]
    counts = [0] * len(needles)
    longest = max(len(n) for n in needles) if needles else 0
    with open("/proc/%d/mem" % pid, "rb", buffering=0) as mem:
        for lo, hi, name in regions(pid):
            tail = b""
            addr = lo
            while addr < hi:
                n = min(CHUNK, hi - addr)
                try:
                    mem.seek(addr)
                    data = mem.read(n)
                except OSError:
                    data = b""
                    tail = b""
                buf = tail + data
                for i, s in enumerate(needles):
                    # Matches that start in the new data only.
                    start = max(0, len(tail) - len(s) + 1)
                    counts[i] += buf.count(s, start) if start == 0 else \
                        buf[start:].count(s)
                    if where:
                        show(buf, start, s, addr - len(tail), name)
                tail = buf[-(longest - 1):] if longest > 1 else b""
                addr += n
    print(" ".join(str(c) for c in counts))


def show(buf, start, needle, base, name):
    """Each copy of needle in buf (from start) on stderr: the mapping,
    the address and 48 bytes either side."""
    i = buf.find(needle, start)
    while i != -1:
        sys.stderr.write("%s 0x%x: %r\n" % (
            name, base + i, buf[max(0, i - 48):i + len(needle) + 48]))
        i = buf.find(needle, i + 1)


if __name__ == "__main__":
    main()
