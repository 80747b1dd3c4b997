#!/usr/bin/python3
"""hostile.py - hostile HTTP, DNS and TFTP servers for the updprobe tests.

httpfault.py and dnsfake.py play the faults a real update server has; this
server plays the ones an attacker, a broken middlebox or a buggy embedded
server would: endless headers, endless bodies, lying lengths, malformed
framing, resets, NUL bytes, absurd authentication challenges, malformed DNS
packets, TFTP sessions that never end.  The probe must survive every one of
them: end within its hard limit, predict a device code, stay small.

Every behaviour has a name (see --list: name, the codes the probe may
predict for it, a one-line description):

  HTTP (default mode)  a raw-socket server (not http.server: it must send
         malformed bytes).  The first path segment picks the behaviour:
         /<behaviour>/dirlist.txt, /<behaviour>/SnakeGw_fr01_v0790.fwu,
         ...  The files a behaviour does not spoil are served correctly
         (a good DirFile, good images, Range like nginx), so a probe gets
         as far as the spoiled file.  /good/ is the correct folder.
  --dns  UDP (and TCP, same port) DNS server.  The first label of the
         query name picks the behaviour: "cut-packet.anything.test".
         A correct answer is A 127.0.0.1, so point the URL's port at the
         HTTP server's /good/ folder.
  --tftp UDP TFTP server.  The first path segment picks the behaviour:
         tftp://127.0.0.1:PORT/<behaviour>/.

Loopback only (127.0.0.1, or ::1 with --ipv6).  Standard library only
(Debian 12's /usr/bin/python3).

    hostile.py [--dns|--tftp] --port 0 --port-file FILE [--ipv6]
    hostile.py [--dns|--tftp] --list
"""

import argparse
import gzip
import hashlib
import io
import os
import select
import socket
import struct
import sys
import threading
import time

# Every endless behaviour gives up after this long, so a client that never
# closes cannot keep a thread (or the CPU) busy for ever.
MAX_LIFE = 60.0
# Idle keep-alive connections and half-read requests are dropped after this.
IDLE_TIMEOUT = 10.0
# A request head larger than this is answered by closing the connection.
REQUEST_MAX = 256 * 1024
POLL = 0.05

FWU_MAGIC = b"\x89FWU"
VERSION = "0790"
GW = "SnakeGw_fr01_v%s.fwu" % VERSION
PP = "SnakePp_fr01_v%s.fwu" % VERSION
GW_SIZE = 200000
PP_SIZE = 100000
DIRFILE = "dirlist.txt"


def log(msg):
    sys.stderr.write("%s hostile: %s\n" % (time.strftime("%H:%M:%S"), msg))
    sys.stderr.flush()


def image(kind, size):
    noise = hashlib.shake_256(("hostile %s" % kind).encode()).digest(size)
    return (FWU_MAGIC + noise)[:size]


def dirlist(gw_size=GW_SIZE, pp_size=PP_SIZE, info="Release 07.90",
    comment=""):
    return ("# dirlist.txt - hostile.py%s\n"
        "[%s]\n"
        "DisplayName=Version%s\n"
        "DisplayInfo=%s\n"
        "DisplayRelDate=0605241700\n"
        "LinkDate=0605241655\n"
        "Languages=de01,en01,fr01\n"
        "GwFile=%s\n"
        "GwCodeSize=%d\n"
        "PpFile=%s\n"
        "PpCodeSize=%d\n" % (comment, VERSION, VERSION, info, GW, gw_size,
        PP, pp_size)).encode()


GOOD_DIRLIST = dirlist()
GOOD_FILES = {
    DIRFILE: (GOOD_DIRLIST, "text/plain"),
    GW: (image("Gw", GW_SIZE), "application/octet-stream"),
    PP: (image("Pp", PP_SIZE), "application/octet-stream"),
}
# 64-byte comment lines: a block of them can be cut at any multiple of 64.
COMMENT_LINE = b"#" + b"c" * 62 + b"\n"
# 2 MB of one byte, for the huge lines; built once.
TWO_MB = 2 * 1000 * 1000

_lazy_lock = threading.Lock()
_lazy = {}


def lazy(name, make):
    """A big constant, built on first use (start-up stays fast)."""
    with _lazy_lock:
        if name not in _lazy:
            _lazy[name] = make()
        return _lazy[name]


def write_port_file(path, port):
    tmp = "%s.tmp.%d" % (path, os.getpid())
    with open(tmp, "w") as f:
        f.write("%d\n" % port)
    os.rename(tmp, path)


# ===========================================================================
# HTTP

class Gone(Exception):
    """The client went away (or the behaviour ran out of time)."""


class Req:
    def __init__(self, method, target, version, headers):
        self.method = method
        self.target = target
        self.version = version
        self.headers = headers  # lower-case name -> value (last wins)
        path, _, self.query = target.partition("?")
        parts = path.split("/")
        self.behaviour = parts[1] if len(parts) > 1 else ""
        self.file = parts[-1] if len(parts) > 2 else ""
        self.path = path
        good = GOOD_FILES.get(self.file)
        self.good, self.ctype = good if good else (None, None)


class Conn:
    def __init__(self, sock, addr, srv):
        self.sock = sock
        self.addr = addr
        self.srv = srv
        self.buf = b""
        self.born = time.monotonic()

    def expired(self):
        return time.monotonic() - self.born > MAX_LIFE

    def send(self, data):
        if self.expired():
            raise Gone("MAX_LIFE reached")
        try:
            self.sock.sendall(data)
        except OSError as e:
            raise Gone(str(e))

    def gone(self):
        try:
            r, _, _ = select.select([self.sock], [], [], 0)
            if not r:
                return False
            return self.sock.recv(1, socket.MSG_PEEK) == b""
        except OSError:
            return True

    def sleep(self, seconds):
        """Wait, watching the client; Gone if it leaves."""
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            if self.gone():
                raise Gone("client closed while we waited")
            if self.expired():
                raise Gone("MAX_LIFE reached")
            time.sleep(min(POLL, max(0, end - time.monotonic())))

    def hang(self):
        """Say nothing until the client leaves (or MAX_LIFE)."""
        self.sleep(MAX_LIFE)

    def drip(self, data, interval, step=1):
        for i in range(0, len(data), step):
            self.send(data[i:i + step])
            self.sleep(interval)

    def reset(self):
        """Close with an RST (SO_LINGER 0) instead of a FIN."""
        try:
            self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                struct.pack("ii", 1, 0))
        except OSError:
            pass
        self.sock.close()
        raise Gone("reset sent")

    def read_request(self):
        self.sock.settimeout(IDLE_TIMEOUT)
        while b"\r\n\r\n" not in self.buf:
            if len(self.buf) > REQUEST_MAX:
                return None
            try:
                d = self.sock.recv(65536)
            except OSError:
                return None
            if not d:
                return None
            self.buf += d
            if self.buf[:1] == b"\x16":
                # A TLS ClientHello on this plain port: answer like nginx
                # (a plain-text 400), so an https:// probe meets garbage.
                self.send(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0"
                    b"\r\nConnection: close\r\n\r\n")
                return None
        head, _, self.buf = self.buf.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        parts = lines[0].split(" ")
        if len(parts) != 3:
            return None
        headers = {}
        for line in lines[1:]:
            k, _, v = line.partition(":")
            headers[k.strip().lower()] = v.strip()
        return Req(parts[0], parts[1], parts[2], headers)


def response_head(status, reason, headers):
    out = ["HTTP/1.1 %d %s" % (status, reason)]
    out += ["%s: %s" % kv for kv in headers]
    return ("\r\n".join(out) + "\r\n\r\n").encode("latin-1")


def parse_range(value, total):
    """(start, end) inclusive for "bytes=A-B", else None (ignored)."""
    if not value or not value.startswith("bytes=") or "," in value:
        return None
    a, _, b = value[6:].strip().partition("-")
    try:
        if a == "":
            n = int(b)
            return (max(0, total - n), total - 1) if 0 < n else None
        start = int(a)
        end = int(b) if b else total - 1
    except ValueError:
        return None
    if start >= total or start > end:
        return None
    return start, min(end, total - 1)


def serve_good(c, req, body=None, ctype=None):
    """A correct answer, Range included, keep-alive: like nginx."""
    body = req.good if body is None else body
    ctype = ctype or req.ctype or "application/octet-stream"
    if body is None:
        page = b"<html><body><h1>404 Not Found</h1></body></html>\n"
        c.send(response_head(404, "Not Found", [("Content-Type", "text/html"),
            ("Content-Length", len(page))]) + (b"" if req.method == "HEAD"
            else page))
        return True
    r = parse_range(req.headers.get("range"), len(body))
    if r is None:
        status, reason, part = 200, "OK", body
        extra = []
    else:
        status, reason, part = 206, "Partial Content", body[r[0]:r[1] + 1]
        extra = [("Content-Range", "bytes %d-%d/%d" % (r[0], r[1],
            len(body)))]
    c.send(response_head(status, reason, [("Content-Type", ctype),
        ("Content-Length", len(part)), ("Accept-Ranges", "bytes")] + extra) +
        (b"" if req.method == "HEAD" else part))
    return req.headers.get("connection", "").lower() != "close"


# name -> (codes, which file, description, handler)
#   which: "dirlist" (dirlist.txt), "gw" (the gateway image), "any"
HTTP = {}


def http(name, codes, which, desc):
    def deco(fn):
        HTTP[name] = (codes, which, desc, fn)
        return fn
    return deco


def text_head(extra=(), status=200, reason="OK", ctype="text/plain"):
    return response_head(status, reason, [("Content-Type", ctype)] +
        list(extra))


def endless_comments():
    """A DirFile start, then comment lines for ever (4 KiB at a time)."""
    yield GOOD_DIRLIST
    block = COMMENT_LINE * 64
    while True:
        yield block


def chunk(data):
    return b"%x\r\n%s\r\n" % (len(data), data)


@http("good", "0", "any", "a correct folder (the baseline)")
def h_good(c, req):
    return serve_good(c, req)


@http("endless-headers", "2", "dirlist",
    "200, then a new header line for ever, as fast as the client reads")
def h_endless_headers(c, req):
    c.send(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n")
    n = 0
    while True:
        c.send(b"".join(b"X-Endless-%09d: %s\r\n" % (n + i, b"h" * 40)
            for i in range(256)))
        n += 256


@http("endless-headers-slow", "5", "dirlist",
    "200, then one new header line every 0.1 s for ever")
def h_endless_headers_slow(c, req):
    c.send(b"HTTP/1.1 200 OK\r\n")
    n = 0
    while True:
        c.send(b"X-Slow-%09d: drip\r\n" % n)
        n += 1
        c.sleep(0.1)


@http("endless-chunked", "10", "dirlist",
    "chunked body that never ends (a DirFile, then comments for ever)")
def h_endless_chunked(c, req):
    c.send(text_head([("Transfer-Encoding", "chunked")]))
    for data in endless_comments():
        c.send(chunk(data))


@http("endless-body", "10", "dirlist",
    "no length, Connection: close, a body that never ends")
def h_endless_body(c, req):
    c.send(text_head([("Connection", "close")]))
    for data in endless_comments():
        c.send(data)


@http("many-tiny-chunks", "0", "any",
    "every file correct but chunked one byte per chunk (200000 chunks)")
def h_tiny_chunks(c, req):
    if req.good is None:
        return serve_good(c, req)
    c.send(response_head(200, "OK", [("Content-Type", req.ctype),
        ("Transfer-Encoding", "chunked")]))
    body = req.good
    c.send(b"".join(b"1\r\n%s\r\n" % body[i:i + 1]
        for i in range(len(body))) + b"0\r\n\r\n")
    return True


@http("endless-chunk-extension", "5", "dirlist",
    "chunked: a chunk-size line whose extension never ends")
def h_chunk_ext(c, req):
    c.send(text_head([("Transfer-Encoding", "chunked")]) + b"5;ext=")
    while True:
        c.send(b"x" * 4096)
        c.sleep(0.01)


@http("huge-length-stall", "5", "dirlist",
    "Content-Length: 10^18, 50 bytes, then silence")
def h_huge_length_stall(c, req):
    c.send(text_head([("Content-Length", 10 ** 18)]) + GOOD_DIRLIST[:50])
    c.hang()


@http("huge-length-close", "2", "dirlist",
    "Content-Length: 10^18, 50 bytes, then close (FIN)")
def h_huge_length_close(c, req):
    c.send(text_head([("Content-Length", 10 ** 18), ("Connection", "close")])
        + GOOD_DIRLIST[:50])
    return False


@http("length-overflow", "0 2", "dirlist",
    "Content-Length: 99999999999999999999999999 (overflows 64 bits)")
def h_length_overflow(c, req):
    c.send(text_head([("Content-Length", "9" * 26), ("Connection", "close")])
        + GOOD_DIRLIST)
    return False


@http("length-conflict", "2 10", "dirlist",
    "two different Content-Length headers (a smuggling classic)")
def h_length_conflict(c, req):
    c.send(text_head([("Content-Length", len(GOOD_DIRLIST)),
        ("Content-Length", 17), ("Connection", "close")]) + GOOD_DIRLIST)
    return False


@http("one-byte-per-second", "5", "dirlist",
    "a correct DirFile, correct Content-Length, one byte per second")
def h_one_byte(c, req):
    c.send(text_head([("Content-Length", len(GOOD_DIRLIST))]))
    c.drip(GOOD_DIRLIST, 1.0)
    return False


@http("garbage-status", "2", "dirlist",
    "a binary status line (TLS-ish bytes, 0xff, NUL), then a body")
def h_garbage_status(c, req):
    c.send(b"\x16\x03\x01\x02\x00 garbage \xff\xfe\x00 status\r\n"
        b"Content-Length: 10\r\n\r\n0123456789")
    return False


@http("bad-status-number", "2", "dirlist",
    "status line HTTP/1.1 99999999999999999999 OK")
def h_bad_status(c, req):
    c.send(b"HTTP/1.1 99999999999999999999 OK\r\nContent-Length: %d\r\n"
        b"Connection: close\r\n\r\n%s" % (len(GOOD_DIRLIST), GOOD_DIRLIST))
    return False


@http("http09", "2", "dirlist",
    "an HTTP/0.9-style bare body: a correct DirFile, no status line")
def h_http09(c, req):
    c.send(GOOD_DIRLIST)
    return False


@http("nul-in-headers", "0 2", "dirlist",
    "NUL bytes inside header values (X-Nul and Content-Type)")
def h_nul_headers(c, req):
    c.send(b"HTTP/1.1 200 OK\r\nX-Nul: before\x00after\r\n"
        b"Content-Type: text/plain\x00; charset=evil\r\n"
        b"Content-Length: %d\r\n\r\n%s" % (len(GOOD_DIRLIST), GOOD_DIRLIST))
    return True


@http("nul-in-body", "10", "dirlist",
    "a DirFile with NUL bytes in a comment and in DisplayInfo")
def h_nul_body(c, req):
    body = dirlist(info="Release\x00 07.90", comment=" \x00\x00")
    return serve_good(c, req, body)


@http("huge-header-line", "2", "dirlist",
    "one 2 MB response header line")
def h_huge_header_line(c, req):
    c.send(b"HTTP/1.1 200 OK\r\nX-Huge: ")
    c.send(lazy("2mb-a", lambda: b"a" * TWO_MB))
    c.send(b"\r\nContent-Length: %d\r\n\r\n%s" % (len(GOOD_DIRLIST),
        GOOD_DIRLIST))
    return False


@http("huge-body-line", "10", "dirlist",
    "a DirFile whose DisplayInfo line is 2 MB long (over the 1 MiB cap)")
def h_huge_body_line(c, req):
    body = lazy("2mb-dirlist", lambda: dirlist(info="x" * TWO_MB))
    return serve_good(c, req, body)


@http("long-body-line", "9", "dirlist",
    "a DirFile with a 300 KB line (under the 1 MiB cap, over 255 bytes)")
def h_long_body_line(c, req):
    body = lazy("300k-dirlist", lambda: dirlist(info="y" * 300000))
    return serve_good(c, req, body)


@http("fw-name-invalid-utf8", "3", "dirlist",
    "a DirFile whose GwFile name holds bytes that are not UTF-8 (0xff 0xfe)")
def h_name_utf8(c, req):
    body = GOOD_DIRLIST.replace(GW.encode(), b"SnakeGw_\xff\xfe_v0790.fwu")
    return serve_good(c, req, body)


@http("many-sections", "9", "dirlist",
    "a 1 MB DirFile of 6000 sections (the parser's section bound)")
def h_many_sections(c, req):
    def make():
        out = [b"# many sections\n"]
        for v in range(6000):
            out.append(b"[%04d]\nDisplayName=V%04d\nGwFile=%s\nPpFile=%s\n"
                % (v, v, GW.encode(), PP.encode()))
        return b"".join(out)
    return serve_good(c, req, lazy("many-sections", make))


@http("reset-mid-body", "2", "dirlist",
    "Content-Length 5000, 100 bytes, then an RST (SO_LINGER 0)")
def h_reset_mid_body(c, req):
    c.send(text_head([("Content-Length", 5000)]) + GOOD_DIRLIST[:100])
    c.sleep(0.2)
    c.reset()


@http("reset-before-response", "2", "dirlist",
    "reads the request, answers with an RST")
def h_reset_before(c, req):
    c.reset()


@http("empty-reply", "2", "dirlist",
    "reads the request, closes without a byte")
def h_empty_reply(c, req):
    return False


@http("silent", "5", "dirlist",
    "reads the request, never answers, never closes")
def h_silent(c, req):
    c.hang()


@http("slow-each-file", "0", "any",
    "every file correct, each answered after 1.4 s (under a 2 s timeout)")
def h_slow_each(c, req):
    c.sleep(1.4)
    return serve_good(c, req)


@http("half-close-after-headers", "2", "dirlist",
    "headers with Content-Length 5000, then shutdown(SHUT_WR)")
def h_half_close(c, req):
    c.send(text_head([("Content-Length", 5000)]))
    c.sock.shutdown(socket.SHUT_WR)
    c.hang()


@http("half-close-no-length", "10", "dirlist",
    "headers without a length, then shutdown(SHUT_WR): an empty body")
def h_half_close_nolen(c, req):
    c.send(text_head([("Connection", "close")]))
    c.sock.shutdown(socket.SHUT_WR)
    c.hang()


@http("bad-chunk-size", "2", "dirlist",
    "chunked with a chunk size that is not hex (zz)")
def h_bad_chunk(c, req):
    c.send(text_head([("Transfer-Encoding", "chunked")]) +
        chunk(GOOD_DIRLIST[:40]) + b"zz\r\nhello\r\n0\r\n\r\n")
    c.hang()


@http("chunk-missing-crlf", "2", "dirlist",
    "chunked, a chunk not followed by CRLF")
def h_chunk_crlf(c, req):
    c.send(text_head([("Transfer-Encoding", "chunked")]) +
        b"%x\r\n%sXX" % (40, GOOD_DIRLIST[:40]) + chunk(GOOD_DIRLIST[40:]) +
        b"0\r\n\r\n")
    c.hang()


@http("chunk-size-overflow", "2", "dirlist",
    "chunked, chunk size FFFFFFFFFFFFFFFFFFFFFFFF (96 bits)")
def h_chunk_overflow(c, req):
    c.send(text_head([("Transfer-Encoding", "chunked")]) +
        b"FFFFFFFFFFFFFFFFFFFFFFFF\r\n" + GOOD_DIRLIST)
    c.hang()


@http("endless-trailers", "2", "dirlist",
    "a correct chunked DirFile, then trailer lines for ever")
def h_endless_trailers(c, req):
    c.send(text_head([("Transfer-Encoding", "chunked"),
        ("Trailer", "X-Trailer")]) + chunk(GOOD_DIRLIST) + b"0\r\n")
    n = 0
    while True:
        c.send(b"".join(b"X-Trailer-%09d: %s\r\n" % (n + i, b"t" * 40)
            for i in range(256)))
        n += 256


@http("continue-storm", "2", "dirlist",
    "100 Continue responses for ever, as fast as the client reads")
def h_continue_storm(c, req):
    while True:
        c.send(b"HTTP/1.1 100 Continue\r\n\r\n" * 256)


@http("continue-storm-slow", "5", "dirlist",
    "one 100 Continue every 0.05 s for ever")
def h_continue_slow(c, req):
    while True:
        c.send(b"HTTP/1.1 100 Continue\r\n\r\n")
        c.sleep(0.05)


@http("redirect-loop", "2", "dirlist", "302 to itself, for ever")
def h_redirect_loop(c, req):
    c.send(response_head(302, "Found", [("Location", req.target),
        ("Content-Length", 0)]))
    return True


@http("redirect-chain", "2", "dirlist",
    "302 to a new URL every time (?hop=N+1), never the same one")
def h_redirect_chain(c, req):
    try:
        hop = int(req.query.partition("hop=")[2] or 0)
    except ValueError:
        hop = 0
    c.send(response_head(302, "Found", [("Location", "%s?hop=%d" %
        (req.path, hop + 1)), ("Content-Length", 0)]))
    return True


@http("redirect-other-host", "11", "dirlist",
    "302 to http://elsewhere.invalid/ (NXDOMAIN at the configured DNS "
    "server: the lookup of a redirect's host fails)")
def h_redirect_host(c, req):
    c.send(response_head(302, "Found", [("Location",
        "http://elsewhere.invalid/m3/dirlist.txt"), ("Content-Length", 0)]))
    return True


@http("redirect-file", "2", "dirlist",
    "302 to file:///etc/passwd (must not be followed)")
def h_redirect_file(c, req):
    c.send(response_head(302, "Found", [("Location", "file:///etc/passwd"),
        ("Content-Length", 0)]))
    return True


@http("redirect-ftp", "2", "dirlist",
    "302 to ftp://127.0.0.1:<this port>/dirlist.txt (must not be followed)")
def h_redirect_ftp(c, req):
    port = c.sock.getsockname()[1]
    c.send(response_head(302, "Found", [("Location",
        "ftp://127.0.0.1:%d/dirlist.txt" % port), ("Content-Length", 0)]))
    return True


@http("redirect-no-location", "2", "dirlist", "302 without a Location")
def h_redirect_noloc(c, req):
    c.send(response_head(302, "Found", [("Content-Length", 0)]))
    return True


@http("redirect-huge-location", "2", "dirlist",
    "302 to itself with a 60 KB query string, for ever")
def h_redirect_huge(c, req):
    c.send(response_head(302, "Found", [("Location", "%s?pad=%s" %
        (req.path, "p" * 60000)), ("Content-Length", 0)]))
    return True


def deny(c, challenges, body=b""):
    c.send(response_head(401, "Unauthorized",
        [("WWW-Authenticate", ch) for ch in challenges] +
        [("Content-Type", "text/html"), ("Content-Length", len(body))]) +
        body)
    return True


@http("digest-huge-nonce", "2", "dirlist",
    "401 Digest with a 100 KB nonce (over the 64 KiB header cap)")
def h_digest_huge(c, req):
    return deny(c, ['Digest realm="m3", qop="auth", nonce="%s"' %
        ("n" * 100000)])


@http("digest-long-nonce", "12", "dirlist",
    "401 Digest with an 8 KB nonce and an 8 KB realm, for ever")
def h_digest_long(c, req):
    return deny(c, ['Digest realm="%s", qop="auth", algorithm=MD5, '
        'nonce="%s", opaque="%s"' % ("r" * 8000, "n" * 8000, "o" * 100)])


@http("digest-nul-nonce", "2 12", "dirlist",
    "401 Digest whose nonce holds a NUL byte")
def h_digest_nul(c, req):
    c.send(b"HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Digest "
        b"realm=\"m3\", qop=\"auth\", nonce=\"abc\x00def\"\r\n"
        b"Content-Length: 0\r\n\r\n")
    return True


@http("auth-malformed", "12", "dirlist",
    "401 with malformed challenges (unterminated quotes, empty params)")
def h_auth_malformed(c, req):
    return deny(c, ['Digest', 'Digest realm="unterminated',
        'Digest nonce=,,,,,,realm=,qop=', 'Digest realm="m3", nonce="x", '
        'algorithm=UNKNOWN-ALGO, qop="auth-int,bogus"', 'Basic realm=',
        'Basic', '"quoted" junk ==== ,,,', 'Digest ' + ',' * 2000,
        'NTLM', 'Negotiate !!!!'])


@http("auth-1000-challenges", "12", "dirlist",
    "401 with 1000 WWW-Authenticate headers (26 KB)")
def h_auth_1000(c, req):
    return deny(c, ['Digest nonce=%03d' % i if i % 10 == 0 else 'Basic'
        for i in range(1000)])


@http("auth-challenges-44k", "12", "dirlist",
    "401 with 44 KB of challenges: under the 64 KiB header cap per "
    "response, over it for the 401 and the retry with credentials together")
def h_auth_44k(c, req):
    return deny(c, ['Digest realm="m",nonce="%03d"' % i if i % 2 else
        'Basic realm="m%03d"' % i for i in range(1000)])


def gzip_bomb():
    out = io.BytesIO()
    with gzip.GzipFile(fileobj=out, mode="wb", compresslevel=9,
        mtime=0) as z:
        block = b"\0" * (1 << 20)
        for _ in range(100):
            z.write(block)
    return out.getvalue()


@http("gzip-bomb", "10", "dirlist",
    "Content-Encoding: gzip, 100 KB that inflate to 100 MB of zeros")
def h_gzip_bomb(c, req):
    body = lazy("gzip-bomb", gzip_bomb)
    c.send(response_head(200, "OK", [("Content-Type", "text/plain"),
        ("Content-Encoding", "gzip"), ("Content-Length", len(body))]) + body)
    return True


@http("excess-data", "0", "dirlist",
    "a correct DirFile followed by a smuggled '401' response on the same "
    "keep-alive connection")
def h_excess(c, req):
    smuggled = (b"HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Basic "
        b"realm=\"smuggled\"\r\nContent-Length: 0\r\n\r\n")
    c.send(text_head([("Content-Length", len(GOOD_DIRLIST))]) +
        GOOD_DIRLIST + smuggled)
    return True


def fw_endless():
    yield image("Gw", 4096)
    block = bytes(range(256)) * 256
    while True:
        yield block


@http("fw-huge-length", "4", "gw",
    "the gateway image: 200 (Range ignored), Content-Length 10^18, 4 KB, "
    "silence")
def h_fw_huge_length(c, req):
    c.send(response_head(200, "OK", [("Content-Type",
        "application/octet-stream"), ("Content-Length", 10 ** 18)]) +
        image("Gw", 4096))
    c.hang()


@http("fw-range-absurd", "4", "gw",
    "the gateway image: 206 with Content-Range bytes 0-1023/(26 nines)")
def h_fw_range_absurd(c, req):
    c.send(response_head(206, "Partial Content", [("Content-Type",
        "application/octet-stream"), ("Content-Length", 1024),
        ("Content-Range", "bytes 0-1023/" + "9" * 26)]) + image("Gw", 1024))
    return True


@http("fw-endless", "4", "gw",
    "the gateway image: no length, Connection: close, never ends")
def h_fw_endless(c, req):
    c.send(response_head(200, "OK", [("Content-Type",
        "application/octet-stream"), ("Connection", "close")]))
    for data in fw_endless():
        c.send(data)


@http("fw-endless-chunked", "4", "gw",
    "the gateway image: chunked, never ends")
def h_fw_endless_chunked(c, req):
    c.send(response_head(200, "OK", [("Content-Type",
        "application/octet-stream"), ("Transfer-Encoding", "chunked")]))
    for data in fw_endless():
        c.send(chunk(data))


@http("fw-one-byte-per-second", "5", "gw",
    "the gateway image: 206 for the range, one byte per second")
def h_fw_one_byte(c, req):
    data = image("Gw", GW_SIZE)[:1024]
    c.send(response_head(206, "Partial Content", [("Content-Type",
        "application/octet-stream"), ("Content-Length", 1024),
        ("Content-Range", "bytes 0-1023/%d" % GW_SIZE)]))
    c.drip(data, 1.0)
    return False


@http("fw-reset", "2", "gw",
    "the gateway image: 206 headers, 100 bytes, then an RST")
def h_fw_reset(c, req):
    c.send(response_head(206, "Partial Content", [("Content-Type",
        "application/octet-stream"), ("Content-Length", 1024),
        ("Content-Range", "bytes 0-1023/%d" % GW_SIZE)]) +
        image("Gw", 100))
    c.sleep(0.2)
    c.reset()


def http_conn(sock, addr, srv):
    c = Conn(sock, addr, srv)
    name = "?"
    try:
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        # A client that stops reading cannot block a send for ever.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDTIMEO,
            struct.pack("ll", 10, 0))
        while True:
            req = c.read_request()
            if req is None:
                return
            name = req.behaviour
            log("%s %s %s" % (addr[0], req.method, req.target[:120]))
            b = HTTP.get(req.behaviour)
            if b is None:
                keep = serve_good(c, req)
            else:
                codes, which, desc, fn = b
                spoiled = (which == "any" or
                    (which == "dirlist" and req.file == DIRFILE) or
                    (which == "gw" and req.file == GW))
                keep = fn(c, req) if spoiled else serve_good(c, req)
            if not keep:
                return
    except Gone as e:
        log("%s %s: %s" % (addr[0], name, e))
    except OSError as e:
        log("%s %s: %s" % (addr[0], name, e))
    finally:
        try:
            sock.close()
        except OSError:
            pass


def run_http(addr, port, port_file):
    family = socket.AF_INET6 if ":" in addr else socket.AF_INET
    ls = socket.socket(family, socket.SOCK_STREAM)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind((addr, port))
    ls.listen(128)
    port = ls.getsockname()[1]
    # Built before the port is announced: compressing 100 MB takes about a
    # second, which a busy machine would otherwise charge to the probe.
    lazy("gzip-bomb", gzip_bomb)
    if port_file:
        write_port_file(port_file, port)
    log("HTTP on %s port %d, %d behaviours" % (addr, port, len(HTTP)))
    while True:
        sock, peer = ls.accept()
        threading.Thread(target=http_conn, args=(sock, peer, None),
            daemon=True).start()


# ===========================================================================
# DNS

T_A, T_CNAME, T_AAAA = 1, 5, 28
C_IN = 1
ADDR = socket.inet_aton("127.0.0.1")

# name -> (codes, description, handler(q, tcp) -> list of replies)
DNS = {}


def dns(name, codes, desc):
    def deco(fn):
        DNS[name] = (codes, desc, fn)
        return fn
    return deco


class Query:
    def __init__(self, pkt):
        if len(pkt) < 12:
            raise ValueError("short")
        self.pkt = pkt
        self.id, self.flags, qd = struct.unpack("!3H", pkt[:6])
        if self.flags & 0x8000 or qd != 1:
            raise ValueError("not a query")
        pos, labels = 12, []
        while True:
            n = pkt[pos]
            pos += 1
            if n == 0:
                break
            if n & 0xC0:
                raise ValueError("compressed question")
            labels.append(pkt[pos:pos + n])
            pos += n
        self.qtype, self.qclass = struct.unpack("!2H", pkt[pos:pos + 4])
        self.question = pkt[12:pos + 4]
        self.qname_wire = pkt[12:pos]
        self.labels = [l.decode("latin-1").lower() for l in labels]
        self.behaviour = self.labels[0] if self.labels else ""
        # The zone under the behaviour label: "b.x.test" -> "x.test".
        self.zone = b"".join(bytes([len(l)]) + l for l in labels[1:]) + b"\0"


def name_wire(name):
    return b"".join(bytes([len(l)]) + l.encode() for l in
        name.split(".") if l) + b"\0"


def rr(owner, rtype, rdata, ttl=0, rdlength=None):
    return owner + struct.pack("!HHIH", rtype, C_IN, ttl,
        len(rdata) if rdlength is None else rdlength) + rdata


def header(q, an, rcode=0, flags=None, qid=None, qd=1, ns=0, ar=0):
    if flags is None:
        flags = 0x8400 | (q.flags & 0x0100) | 0x0080 | rcode
    return struct.pack("!6H", q.id if qid is None else qid, flags, qd, an,
        ns, ar)


PTR_QNAME = b"\xc0\x0c"  # a pointer to the question's name


def good_reply(q):
    if q.qtype not in (T_A, 255):
        return header(q, 0) + q.question
    return header(q, 1) + q.question + rr(PTR_QNAME, T_A, ADDR)


@dns("ok", "0", "A 127.0.0.1 (the baseline)")
def d_ok(q, tcp):
    return [good_reply(q)]


@dns("slow-answer", "0",
    "the correct answer after 1.4 s (under a 2 s timeout)")
def d_slow(q, tcp):
    return [("delay", 1.4), good_reply(q)]


@dns("tc-then-tcp-ok", "0",
    "UDP: TC bit, no answer; TCP: the correct answer")
def d_tc_ok(q, tcp):
    if tcp:
        return [good_reply(q)]
    return [header(q, 0, flags=0x8600 | (q.flags & 0x0100) | 0x80) +
        q.question]


@dns("tc-tcp-silent", "11", "UDP: TC bit; TCP: accepts, never answers")
def d_tc_silent(q, tcp):
    if tcp:
        return ["hang"]
    return [header(q, 0, flags=0x8600 | (q.flags & 0x0100) | 0x80) +
        q.question]


@dns("tc-tcp-short", "11",
    "UDP: TC bit; TCP: a length prefix of 65535, 12 bytes, silence")
def d_tc_short(q, tcp):
    if tcp:
        return ["raw", b"\xff\xff" + good_reply(q)[:12], "hang"]
    return [header(q, 0, flags=0x8600 | (q.flags & 0x0100) | 0x80) +
        q.question]


@dns("tc-with-answer-cut", "0 11",
    "UDP: TC bit and half an answer; TCP: the correct answer")
def d_tc_cut(q, tcp):
    if tcp:
        return [good_reply(q)]
    g = good_reply(q)
    return [struct.pack("!2H", q.id, 0x8600 | (q.flags & 0x0100) | 0x80) +
        g[4:-6]]


@dns("cut-packet", "11", "the correct answer cut inside the A record")
def d_cut(q, tcp):
    return [good_reply(q)[:-3]]


@dns("cut-header", "11", "7 bytes: half a header with the right ID")
def d_cut_header(q, tcp):
    return [good_reply(q)[:7]]


@dns("empty-packet", "11", "a zero-length datagram, then nothing")
def d_empty(q, tcp):
    return [b""]


@dns("pointer-out-of-range", "11",
    "the answer's owner is a pointer beyond the packet (0xc3ff)")
def d_ptr_range(q, tcp):
    return [header(q, 1) + q.question + rr(b"\xc3\xff", T_A, ADDR)]


@dns("pointer-loop", "11",
    "the answer's owner is a pointer to itself")
def d_ptr_loop(q, tcp):
    off = 12 + len(q.question)
    ptr = struct.pack("!H", 0xC000 | off)
    return [header(q, 1) + q.question + rr(ptr, T_A, ADDR)]


@dns("pointer-ping-pong", "11",
    "two pointers that point at each other (a label, then a pointer back)")
def d_ptr_pingpong(q, tcp):
    off = 12 + len(q.question)
    # owner at off: label "a" then a pointer to off+3; at off+3 a pointer
    # back to off.
    owner = b"\x01a" + struct.pack("!H", 0xC000 | (off + 4)) + \
        struct.pack("!H", 0xC000 | off)
    return [header(q, 1) + q.question + rr(owner, T_A, ADDR)]


@dns("label-extended", "11",
    "the answer's owner uses the reserved label type 0x40")
def d_label_ext(q, tcp):
    return [header(q, 1) + q.question + rr(b"\x41abc\x00", T_A, ADDR)]


@dns("name-too-long", "11",
    "the answer's owner is 5 labels of 63 bytes (over 255)")
def d_name_long(q, tcp):
    owner = (b"\x3f" + b"l" * 63) * 5 + b"\0"
    return [header(q, 1) + q.question + rr(owner, T_A, ADDR)]


@dns("rdlength-beyond", "11", "an A record whose rdlength is 65535")
def d_rdlen_beyond(q, tcp):
    return [header(q, 1) + q.question + rr(PTR_QNAME, T_A, ADDR,
        rdlength=65535)]


@dns("a-rdlength-16", "11",
    "an A record with 16 bytes of rdata (an IPv6 address)")
def d_a16(q, tcp):
    return [header(q, 1) + q.question + rr(PTR_QNAME, T_A,
        socket.inet_pton(socket.AF_INET6, "::1"))]


@dns("a-rdlength-3", "11", "an A record with 3 bytes of rdata")
def d_a3(q, tcp):
    return [header(q, 1) + q.question + rr(PTR_QNAME, T_A, ADDR[:3])]


@dns("ancount-lie", "0 11",
    "ancount 65535, one A record present")
def d_ancount(q, tcp):
    return [header(q, 65535) + q.question + rr(PTR_QNAME, T_A, ADDR)]


@dns("huge-answer", "0 11",
    "4000 A records in one 64 KB UDP datagram")
def d_huge(q, tcp):
    n = 4000
    return [header(q, n) + q.question + rr(PTR_QNAME, T_A, ADDR) * n]


@dns("other-name-question", "11",
    "the reply's question is another name (elsewhere.test)")
def d_other_q(q, tcp):
    qq = name_wire("elsewhere.test") + struct.pack("!2H", T_A, C_IN)
    return [header(q, 1) + qq + rr(PTR_QNAME, T_A, ADDR)]


@dns("other-name-answer", "11",
    "the question matches, the A record is for elsewhere.test")
def d_other_a(q, tcp):
    return [header(q, 1) + q.question + rr(name_wire("elsewhere.test"),
        T_A, ADDR)]


@dns("wrong-id", "11", "the correct answer with the wrong transaction ID")
def d_wrong_id(q, tcp):
    return [header(q, 1, qid=q.id ^ 0x5a5a) + q.question +
        rr(PTR_QNAME, T_A, ADDR)]


@dns("wrong-id-then-ok", "0",
    "a wrong-ID answer (another address), then the correct one")
def d_wrong_id_ok(q, tcp):
    return [header(q, 1, qid=q.id ^ 0x5a5a) + q.question +
        rr(PTR_QNAME, T_A, socket.inet_aton("192.0.2.66")), good_reply(q)]


@dns("wrong-id-flood", "11",
    "2000 answers with random transaction IDs, never the right one")
def d_flood(q, tcp):
    out = []
    for i in range(2000):
        qid = (q.id + 1 + i) & 0xFFFF
        if qid == q.id:
            continue
        out.append(header(q, 1, qid=qid) + q.question +
            rr(PTR_QNAME, T_A, ADDR))
    return out


@dns("not-a-response", "11", "the query echoed back (QR bit clear)")
def d_echo(q, tcp):
    return [q.pkt]


@dns("nxdomain-with-answer", "11", "RCODE NXDOMAIN, yet an A record")
def d_nx_answer(q, tcp):
    return [header(q, 1, rcode=3) + q.question + rr(PTR_QNAME, T_A, ADDR)]


@dns("cname-loop", "11",
    "the name is a CNAME of loop2.<zone>, which is a CNAME of the name")
def d_cname_loop(q, tcp):
    other = b"\x05loop2" + q.zone
    return [header(q, 2) + q.question + rr(PTR_QNAME, T_CNAME, other) +
        rr(other, T_CNAME, q.qname_wire)]


@dns("cname-self", "11", "the name is a CNAME of itself")
def d_cname_self(q, tcp):
    return [header(q, 1) + q.question + rr(PTR_QNAME, T_CNAME, PTR_QNAME)]


@dns("cname-chain-200", "0 11",
    "a chain of 200 CNAMEs in one answer, the last with A 127.0.0.1")
def d_cname_chain(q, tcp):
    names = [q.qname_wire] + [b"\x04c%03d" % i + q.zone for i in range(200)]
    rrs = [rr(names[i], T_CNAME, names[i + 1]) for i in range(200)]
    rrs.append(rr(names[200], T_A, ADDR))
    return [header(q, len(rrs)) + q.question + b"".join(rrs)]


def dns_udp(us):
    while True:
        try:
            pkt, peer = us.recvfrom(65535)
        except OSError:
            continue
        try:
            q = Query(pkt)
        except (ValueError, IndexError, struct.error):
            log("dns: malformed query from %s ignored" % (peer,))
            continue
        b = DNS.get(q.behaviour)
        log("dns udp %s %s" % (".".join(q.labels), "unknown" if b is None
            else q.behaviour))
        if b is None:
            replies = [header(q, 0, rcode=3) + q.question]
        else:
            replies = b[2](q, False)
        if any(isinstance(r, tuple) for r in replies):
            threading.Thread(target=dns_send, args=(us, peer, replies),
                daemon=True).start()
        else:
            dns_send(us, peer, replies)


def dns_send(us, peer, replies):
    for r in replies:
        if isinstance(r, tuple) and r[0] == "delay":
            time.sleep(r[1])
        elif isinstance(r, bytes):
            try:
                us.sendto(r, peer)
            except OSError as e:
                log("dns: sendto: %s" % e)


def dns_tcp_conn(sock):
    sock.settimeout(IDLE_TIMEOUT)
    try:
        buf = b""
        while len(buf) < 2 or len(buf) < 2 + struct.unpack("!H", buf[:2])[0]:
            d = sock.recv(65536)
            if not d:
                return
            buf += d
        n = struct.unpack("!H", buf[:2])[0]
        q = Query(buf[2:2 + n])
        b = DNS.get(q.behaviour)
        log("dns tcp %s" % ".".join(q.labels))
        replies = [header(q, 0, rcode=3) + q.question] if b is None else \
            b[2](q, True)
        raw = False
        for r in replies:
            if isinstance(r, tuple) and r[0] == "delay":
                time.sleep(r[1])
                continue
            if r == "hang":
                end = time.monotonic() + MAX_LIFE
                while time.monotonic() < end:
                    r_, _, _ = select.select([sock], [], [], POLL)
                    if r_ and sock.recv(1, socket.MSG_PEEK) == b"":
                        return
                return
            if r == "raw":
                raw = True
                continue
            sock.sendall(r if raw else struct.pack("!H", len(r)) + r)
            raw = False
    except (OSError, ValueError, IndexError, struct.error) as e:
        log("dns tcp: %s" % e)
    finally:
        sock.close()


def run_dns(addr, port, port_file):
    family = socket.AF_INET6 if ":" in addr else socket.AF_INET
    for _ in range(20):
        us = socket.socket(family, socket.SOCK_DGRAM)
        us.bind((addr, port))
        got = us.getsockname()[1]
        ts = socket.socket(family, socket.SOCK_STREAM)
        ts.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            ts.bind((addr, got))
        except OSError:
            us.close()
            ts.close()
            if port:
                raise
            continue
        break
    else:
        sys.exit("hostile: no port free for both UDP and TCP")
    ts.listen(32)
    if port_file:
        write_port_file(port_file, got)
    log("DNS on %s port %d (UDP and TCP), %d behaviours" % (addr, got,
        len(DNS)))
    threading.Thread(target=dns_udp, args=(us,), daemon=True).start()
    while True:
        sock, _ = ts.accept()
        threading.Thread(target=dns_tcp_conn, args=(sock,),
            daemon=True).start()


# ===========================================================================
# TFTP

OP_RRQ, OP_WRQ, OP_DATA, OP_ACK, OP_ERROR, OP_OACK = 1, 2, 3, 4, 5, 6

# name -> (codes, which, description, handler(session))
TFTP = {}


def tftp(name, codes, which, desc):
    def deco(fn):
        TFTP[name] = (codes, which, desc, fn)
        return fn
    return deco


class Session:
    def __init__(self, addr, peer, fname, options):
        family = socket.AF_INET6 if ":" in addr else socket.AF_INET
        self.sock = socket.socket(family, socket.SOCK_DGRAM)
        self.sock.bind((addr, 0))
        self.addr = addr
        self.peer = peer
        self.options = options
        self.fname = fname
        self.born = time.monotonic()
        parts = fname.lstrip("/").split("/")
        self.behaviour = parts[0] if len(parts) > 1 else ""
        self.file = parts[-1]
        good = GOOD_FILES.get(self.file)
        self.good = good[0] if good else None

    def expired(self):
        return time.monotonic() - self.born > MAX_LIFE

    def send(self, pkt):
        self.sock.sendto(pkt, self.peer)

    def recv(self, timeout):
        """A packet from the client's TID, or None after timeout."""
        end = time.monotonic() + timeout
        while True:
            left = end - time.monotonic()
            if left <= 0:
                return None
            r, _, _ = select.select([self.sock], [], [], left)
            if not r:
                return None
            pkt, frm = self.sock.recvfrom(65536)
            if frm[:2] == self.peer[:2]:
                return pkt

    def error(self, code, msg, nul=True):
        self.send(struct.pack("!HH", OP_ERROR, code) + msg +
            (b"\0" if nul else b""))

    def wait_ack(self, block, resend, tries=6, timeout=0.5):
        """Send resend until ACK block arrives; False if it never does."""
        for _ in range(tries):
            self.send(resend)
            while True:
                pkt = self.recv(timeout)
                if pkt is None:
                    break
                if len(pkt) >= 4:
                    op, blk = struct.unpack("!HH", pkt[:4])
                    if op == OP_ACK and blk == block:
                        return True
                    if op == OP_ERROR:
                        return False
        return False

    def oack(self, overrides=None, raw=None):
        """OACK the client's options (tsize, blksize, timeout); returns the
        block size and whether an OACK went out and was acknowledged."""
        blksize = 512
        if raw is None:
            opts = []
            for k, v in self.options.items():
                if k == "tsize":
                    opts.append((k, str(len(self.good or b""))))
                elif k == "blksize":
                    try:
                        blksize = max(8, min(int(v), 1428))
                    except ValueError:
                        continue
                    opts.append((k, str(blksize)))
                elif k == "timeout":
                    opts.append((k, v))
            for k, v in (overrides or {}).items():
                opts = [(a, b) for a, b in opts if a != k] + [(k, v)]
            if not opts:
                return blksize, True
            raw = b"".join(k.encode() + b"\0" + v.encode() + b"\0"
                for k, v in opts)
        ok = self.wait_ack(0, struct.pack("!H", OP_OACK) + raw)
        return blksize, ok

    def send_blocks(self, chunks, blksize):
        """Send the blocks of an iterator in lock step."""
        block = 1
        for data in chunks:
            if self.expired():
                return
            if not self.wait_ack(block & 0xFFFF, struct.pack("!HH",
                OP_DATA, block & 0xFFFF) + data):
                return
            if len(data) < blksize:
                return
            block += 1

    def send_file(self, data, overrides=None):
        blksize, ok = self.oack(overrides)
        if not ok:
            return
        self.send_blocks((data[i:i + blksize] for i in
            range(0, len(data) + 1, blksize)), blksize)


def t_serve_good(s):
    if s.good is None:
        s.error(1, b"File not found")
        return
    s.send_file(s.good)


@tftp("good", "0", "any", "a correct folder (the baseline)")
def t_good(s):
    t_serve_good(s)


@tftp("silent", "5", "dirlist", "never answers the read request")
def t_silent(s):
    pass


@tftp("wrong-block", "5", "dirlist",
    "answers with DATA block 7 (then 2, 65535), never block 1")
def t_wrong_block(s):
    blocks = [7, 2, 65535]
    i = 0
    while not s.expired():
        s.send(struct.pack("!HH", OP_DATA, blocks[i % 3]) + GOOD_DIRLIST)
        i += 1
        pkt = s.recv(0.3)
        if pkt is not None and pkt[:2] == struct.pack("!H", OP_ERROR):
            return


@tftp("block-zero", "2 5 10", "dirlist",
    "answers with a short DATA block 0 (libcurl takes it for the last "
    "block again and ends the transfer, empty)")
def t_block_zero(s):
    s.send(struct.pack("!HH", OP_DATA, 0) + GOOD_DIRLIST)
    s.recv(1.0)


@tftp("repeat-block-1", "5", "dirlist",
    "sends a full block 1 every 50 ms for ever, never block 2")
def t_repeat1(s):
    blksize, ok = s.oack()
    if not ok:
        return
    data = (GOOD_DIRLIST + COMMENT_LINE * 100)[:blksize]
    pkt = struct.pack("!HH", OP_DATA, 1) + data
    while not s.expired():
        s.send(pkt)
        r = s.recv(0.05)
        if r is not None and r[:2] == struct.pack("!H", OP_ERROR):
            return


@tftp("endless-blocks", "10", "dirlist",
    "a file that never ends (block numbers wrap past 65535)")
def t_endless(s):
    blksize, ok = s.oack()
    if not ok:
        return

    def gen():
        first = (GOOD_DIRLIST + COMMENT_LINE * 100)
        yield first[:blksize]
        block = (COMMENT_LINE * ((blksize + 63) // 64))[:blksize]
        while True:
            yield block
    s.send_blocks(gen(), blksize)


@tftp("oack-huge-tsize", "0", "dirlist",
    "OACK tsize=99999999999999999999999 for the DirFile, then the file")
def t_oack_tsize(s):
    s.send_file(s.good, {"tsize": "9" * 23})


@tftp("oack-garbage", "2", "dirlist",
    "an OACK whose option has no value and no NUL")
def t_oack_garbage(s):
    blksize, ok = s.oack(raw=b"tsize\0" + b"blksize")
    if ok:
        s.send_blocks([s.good], 512)


@tftp("oack-blksize-huge", "2", "dirlist",
    "an OACK with blksize=65464, more than the client allocated")
def t_oack_blksize(s):
    s.oack(raw=b"blksize\x0065464\0")


@tftp("data-oversize", "0 2", "dirlist",
    "DATA blocks of 1400 bytes (the client asked for 512)")
def t_oversize(s):
    _, ok = s.oack()
    if not ok:
        return
    data = COMMENT_LINE * 22  # 1408 bytes; the first 512 are 8 lines
    s.send_blocks([data[:1400], GOOD_DIRLIST], 512)


@tftp("error-no-nul", "3", "dirlist",
    "ERROR 1 (file not found) whose message has no NUL")
def t_err_nonul(s):
    s.error(1, b"File not found, and no NUL after this", nul=False)


@tftp("error-undef-no-nul", "2", "dirlist",
    "ERROR 0 (undefined) whose message has no NUL")
def t_err0(s):
    s.error(0, b"x" * 400, nul=False)


@tftp("error-huge", "2", "dirlist",
    "ERROR 2 (access violation) with a 60 KB message")
def t_err_huge(s):
    s.error(2, b"E" * 60000)


@tftp("short-packets", "2 5", "dirlist",
    "1-, 2- and 3-byte datagrams, an unknown opcode, then nothing")
def t_short(s):
    for pkt in (b"\x00", b"\x00\x03", b"\x00\x03\x00", b"\x00\x63junk"):
        s.send(pkt)
        s.recv(0.05)


@tftp("foreign-tid", "0 5", "dirlist",
    "OACK from the session's port, then the DirFile from another port")
def t_foreign(s):
    _, ok = s.oack()
    if not ok:
        return
    family = socket.AF_INET6 if ":" in s.addr else socket.AF_INET
    other = socket.socket(family, socket.SOCK_DGRAM)
    try:
        other.bind((s.addr, 0))
        for _ in range(5):
            other.sendto(struct.pack("!HH", OP_DATA, 1) + s.good, s.peer)
            if s.recv(0.3) is not None:
                break
    finally:
        other.close()


@tftp("fw-oack-huge-tsize", "4", "gw",
    "the gateway image: OACK tsize=99999999999999999999999, then data")
def t_fw_tsize(s):
    s.send_file(s.good, {"tsize": "9" * 23})


@tftp("fw-endless", "4", "gw",
    "the gateway image never ends (over the size limit)")
def t_fw_endless(s):
    # No tsize in the OACK: the size is unknown until the data ends.
    saved, s.options = s.options, {k: v for k, v in s.options.items()
        if k != "tsize"}
    blksize, ok = s.oack()
    s.options = saved
    if not ok:
        return

    def gen():
        yield image("Gw", 4096)[:blksize]
        block = (bytes(range(256)) * ((blksize + 255) // 256))[:blksize]
        while True:
            yield block
    s.send_blocks(gen(), blksize)


def tftp_session(addr, peer, pkt):
    try:
        parts = pkt[2:].split(b"\0")
        fname = parts[0].decode("latin-1")
        opts = {}
        for i in range(2, len(parts) - 1, 2):
            opts[parts[i].decode("latin-1").lower()] = \
                parts[i + 1].decode("latin-1")
        s = Session(addr, peer, fname, opts)
    except (IndexError, OSError) as e:
        log("tftp: bad request: %s" % e)
        return
    try:
        log("tftp RRQ %s %s" % (fname, opts))
        b = TFTP.get(s.behaviour)
        if b is None:
            s.error(1, b"File not found")
            return
        codes, which, desc, fn = b
        spoiled = (which == "any" or (which == "dirlist" and
            s.file == DIRFILE) or (which == "gw" and s.file == GW))
        fn(s) if spoiled else t_serve_good(s)
    except OSError as e:
        log("tftp %s: %s" % (fname, e))
    finally:
        s.sock.close()


def run_tftp(addr, port, port_file):
    family = socket.AF_INET6 if ":" in addr else socket.AF_INET
    us = socket.socket(family, socket.SOCK_DGRAM)
    us.bind((addr, port))
    port = us.getsockname()[1]
    if port_file:
        write_port_file(port_file, port)
    log("TFTP on %s port %d, %d behaviours" % (addr, port, len(TFTP)))
    while True:
        pkt, peer = us.recvfrom(65536)
        if len(pkt) < 4 or struct.unpack("!H", pkt[:2])[0] != OP_RRQ:
            us.sendto(struct.pack("!HH", OP_ERROR, 4) +
                b"read requests only\0", peer)
            continue
        threading.Thread(target=tftp_session, args=(addr, peer, pkt),
            daemon=True).start()


# ===========================================================================

def main():
    ap = argparse.ArgumentParser(description="hostile HTTP/DNS/TFTP servers "
        "for the updprobe tests")
    mode = ap.add_mutually_exclusive_group()
    mode.add_argument("--dns", action="store_true",
        help="be a DNS server (UDP and TCP)")
    mode.add_argument("--tftp", action="store_true",
        help="be a TFTP server (UDP)")
    ap.add_argument("--port", type=int, default=0, help="port (0: a free one)")
    ap.add_argument("--port-file", help="write the bound port here")
    ap.add_argument("--ipv6", action="store_true", help="bind ::1")
    ap.add_argument("--bind", help="address (default 127.0.0.1 or ::1)")
    ap.add_argument("--list", action="store_true",
        help="list the behaviours of the mode: name, the codes the probe "
        "may predict (comma-separated), description; then exit")
    a = ap.parse_args()

    if a.list:
        if a.dns:
            rows = [(n, c, d) for n, (c, d, _) in DNS.items()]
        elif a.tftp:
            rows = [(n, c, d) for n, (c, _, d, _) in TFTP.items()]
        else:
            rows = [(n, c, d) for n, (c, _, d, _) in HTTP.items()]
        for name, codes, desc in rows:
            print("%-26s %-6s %s" % (name, codes.replace(" ", ","), desc))
        return

    addr = a.bind or ("::1" if a.ipv6 else "127.0.0.1")
    if addr not in ("127.0.0.1", "::1") and not addr.startswith("127."):
        sys.exit("hostile: loopback addresses only, not %s" % addr)
    try:
        if a.dns:
            run_dns(addr, a.port, a.port_file)
        elif a.tftp:
            run_tftp(addr, a.port, a.port_file)
        else:
            run_http(addr, a.port, a.port_file)
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
