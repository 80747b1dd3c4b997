#!/usr/bin/python3
"""dnsfake.py - a UDP DNS server for the updprobe tests (zone "test.").

It answers by name, case-insensitively, and fails on purpose:

    ok.test and any name under it (fw.ok.test)  A 127.0.0.1 (TTL 0);
                               AAAA and other types: NOERROR, no answer
    sinkhole.test              A 0.0.0.0 (as DNS sinkholes answer)
    multicast.test             A 224.0.0.1
    nx.test                    NXDOMAIN
    servfail.test              SERVFAIL
    refused.test               REFUSED
    silent.test                no reply at all
    noa.test                   NOERROR, no answer
    anything else              NXDOMAIN

A name under one of these (a.servfail.test) is answered like it.
Malformed packets are ignored.  Every query is logged on stderr.
Standard library only (Debian 12's /usr/bin/python3).

    dnsfake.py --port 0 --port-file FILE [--all servfail|refused]

--all: answer every query so, whatever the name (a broken server of
several).
"""

import argparse
import os
import socket
import struct
import sys
import time

# RCODEs (RFC 1035 4.1.1)
NOERROR, FORMERR, SERVFAIL, NXDOMAIN, NOTIMP, REFUSED = 0, 1, 2, 3, 4, 5
RCODE_NAME = {NOERROR: "NOERROR", FORMERR: "FORMERR", SERVFAIL: "SERVFAIL",
              NXDOMAIN: "NXDOMAIN", NOTIMP: "NOTIMP", REFUSED: "REFUSED"}
TYPE_A, TYPE_AAAA = 1, 28
TYPE_NAME = {1: "A", 2: "NS", 5: "CNAME", 6: "SOA", 12: "PTR", 15: "MX",
             16: "TXT", 28: "AAAA", 33: "SRV", 41: "OPT", 255: "ANY"}
CLASS_IN = 1
ANSWER_ADDR = "127.0.0.1"
ANSWER_TTL = 0

# name -> behaviour, matched on the name and every name under it
ZONE = {
    "ok.test": "ok",
    "sinkhole.test": "0.0.0.0",
    "multicast.test": "224.0.0.1",
    "nx.test": NXDOMAIN,
    "servfail.test": SERVFAIL,
    "refused.test": REFUSED,
    "silent.test": "silent",
    "noa.test": NOERROR,
}


def log(msg):
    sys.stderr.write("%s dnsfake: %s\n" % (time.strftime("%H:%M:%S"), msg))
    sys.stderr.flush()


class Malformed(Exception):
    pass


def parse_question(pkt):
    """(id, flags, qname, qtype, qclass, question bytes) of a query."""
    if len(pkt) < 12:
        raise Malformed("short header")
    qid, flags, qd, an, ns, ar = struct.unpack("!6H", pkt[:12])
    if flags & 0x8000:
        raise Malformed("a response, not a query")
    if qd != 1:
        raise Malformed("%d questions" % qd)
    labels = []
    pos = 12
    while True:
        if pos >= len(pkt):
            raise Malformed("name runs past the end")
        n = pkt[pos]
        pos += 1
        if n == 0:
            break
        if n & 0xC0:
            raise Malformed("compressed or extended label in a question")
        if pos + n > len(pkt):
            raise Malformed("label runs past the end")
        labels.append(pkt[pos:pos + n])
        pos += n
    if pos - 12 > 255:
        raise Malformed("name longer than 255 bytes")
    if pos + 4 > len(pkt):
        raise Malformed("no type and class")
    qtype, qclass = struct.unpack("!2H", pkt[pos:pos + 4])
    pos += 4
    try:
        qname = ".".join(l.decode("ascii") for l in labels).lower()
    except UnicodeDecodeError:
        qname = ".".join(l.decode("latin-1") for l in labels).lower()
    return qid, flags, qname, qtype, qclass, pkt[12:pos]


ALL = None


def behaviour(qname):
    if ALL is not None:
        return ALL
    name = qname.rstrip(".")
    for zone_name, what in ZONE.items():
        if name == zone_name or name.endswith("." + zone_name):
            return what
    return NXDOMAIN


def answer(pkt):
    """(reply bytes or None, log text)."""
    qid, flags, qname, qtype, qclass, question = parse_question(pkt)
    opcode = (flags >> 11) & 0xF
    rd = flags & 0x0100
    what = behaviour(qname)
    answers = b""
    ancount = 0
    if opcode != 0:
        rcode = NOTIMP
    elif what == "silent":
        return None, "no reply"
    elif isinstance(what, str):
        rcode = NOERROR
        addr = ANSWER_ADDR if what == "ok" else what
        if qtype in (TYPE_A, 255) and qclass == CLASS_IN:
            # the name as a pointer to the question (offset 12)
            answers = struct.pack("!HHHIH", 0xC00C, TYPE_A, CLASS_IN,
                                  ANSWER_TTL, 4) + socket.inet_aton(addr)
            ancount = 1
    else:
        rcode = what
    # QR, opcode copied, AA (for the zone's data and its NXDOMAIN, not for
    # a failure), RD copied, RA, rcode
    aa = 0x0400 if rcode in (NOERROR, NXDOMAIN) and opcode == 0 else 0
    rflags = 0x8000 | (opcode << 11) | aa | rd | 0x0080 | rcode
    reply = struct.pack("!6H", qid, rflags, 1, ancount, 0, 0) + question + answers
    return reply, "%s %d answer%s" % (RCODE_NAME.get(rcode, rcode), ancount,
                                      "" if ancount == 1 else "s")


def write_port_file(path, port):
    tmp = "%s.tmp.%d" % (path, os.getpid())
    with open(tmp, "w") as f:
        f.write("%d\n" % port)
    os.rename(tmp, path)


def main():
    ap = argparse.ArgumentParser(description="fake DNS server (zone test.) "
                                 "for the updprobe tests")
    ap.add_argument("--port", type=int, default=0, help="UDP port (0: free)")
    ap.add_argument("--port-file", help="write the bound port here")
    ap.add_argument("--bind", default="127.0.0.1")
    ap.add_argument("--all", choices=("servfail", "refused"),
                    help="answer every query with this failure")
    a = ap.parse_args()
    global ALL
    if a.all:
        ALL = SERVFAIL if a.all == "servfail" else REFUSED

    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind((a.bind, a.port))
    port = sock.getsockname()[1]
    if a.port_file:
        write_port_file(a.port_file, port)
    log("listening on %s port %d" % (a.bind, port))
    try:
        while True:
            pkt, peer = sock.recvfrom(4096)
            try:
                reply, text = answer(pkt)
            except Malformed as e:
                log("%s:%d malformed packet ignored: %s" % (peer[0], peer[1], e))
                continue
            _, _, qname, qtype, _, _ = parse_question(pkt)
            log("%s:%d %s %s -> %s" % (peer[0], peer[1], qname or ".",
                                       TYPE_NAME.get(qtype, qtype), text))
            if reply is not None:
                try:
                    sock.sendto(reply, peer)
                except OSError as e:
                    log("send to %s:%d: %s" % (peer[0], peer[1], e))
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
