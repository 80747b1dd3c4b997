#!/usr/bin/python3
"""blackhole.py - a TCP port on 127.0.0.1 that never accepts a connection.

A hung server, seen from a client: the port is open, but its listen queue
is full and the program never calls accept(), so the kernel drops every
new SYN (net.ipv4.tcp_abort_on_overflow is 0 by default) and a client's
connect() waits until its own timeout.  The queue (backlog 0 holds one
connection) is filled by a connection of our own.  Loopback only;
standard library only.

    blackhole.py --port 0 --port-file FILE

The port file is written once the queue is full.  Runs until killed.
"""

import argparse
import os
import signal
import socket
import sys


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--port-file", required=True)
    args = ap.parse_args()

    ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind(("127.0.0.1", args.port))
    ls.listen(0)
    port = ls.getsockname()[1]
    # Fill the queue: this one is accepted by the kernel, never by us.
    filler = socket.create_connection(("127.0.0.1", port), timeout=5)
    tmp = args.port_file + ".tmp"
    with open(tmp, "w") as f:
        f.write("%d\n" % port)
    os.rename(tmp, args.port_file)
    sys.stderr.write("blackhole: 127.0.0.1:%d never accepts\n" % port)
    sys.stderr.flush()
    signal.signal(signal.SIGTERM, lambda *a: sys.exit(0))
    while True:
        signal.pause()
    filler.close()


if __name__ == "__main__":
    main()
