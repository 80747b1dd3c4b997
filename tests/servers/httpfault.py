#!/usr/bin/python3
"""httpfault.py - an HTTP/1.1 firmware update server that plays faults.

The tests of updprobe point the probe at this server to see it predict the
"Code N" a Snom m3 base station would show.  Every fault lives in its own
folder ("scenario"), a URL prefix /<scenario>/ holding dirlist.txt (the
DirFile of DESIGN.md section 3), the gateway file SnakeGw_fr01_v0790.fwu and
the handset file SnakePp_fr01_v0790.fwu (and the same for version 0780).
All content is generated in memory at start-up and is deterministic, so a
test may compare bytes.

The normal files behave like nginx serving static files: HEAD, a single
"Range: bytes=A-B" (206 with Content-Range, 416 when unsatisfiable),
Content-Length, keep-alive.  Run with --list to see every folder and the
code the probe must predict for it.

Standard library only (Debian 12's /usr/bin/python3).

    httpfault.py --port 0 --port-file FILE [--ipv6]
    httpfault.py --dump-folder good DIR      (write a folder's files to DIR)
    httpfault.py --list
"""

import argparse
import base64
import hashlib
import hmac
import io
import os
import re
import secrets
import select
import socket
import sys
import threading
import time
import zipfile
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

# The credentials every auth-* folder expects.
USER = "m3"
PASSWORD = "s3cret"
REALM = "m3"

# Made-up magic of a .fwu image: a non-text first byte, like PNG's.
FWU_MAGIC = b"\x89FWU"
GW_SIZE = 200000
PP_SIZE = 100000
VERSIONS = ("0780", "0790")  # ascending, as a generator tool writes them
SELECTED = "0790"  # the newest: the probe's default version
LANGUAGES = "de01,en01,fr01"
# DisplayRelDate and LinkDate (YYMMDDhhmm) of each version.
RELDATE = {"0780": ("0511151200", "0511151154"),
           "0790": ("0605241700", "0605241655")}

# How long the slow and stalled folders keep the client waiting.  The tests
# run the probe with --timeout 1, so 10 s is a clear timeout, yet short
# enough that a probe without a timeout still finishes.
STALL_SECONDS = 10.0
# Granularity of those waits: the thread notices a client that went away.
POLL_SECONDS = 0.1
# The size big-fw/ claims for its gateway file, streamed without memory.
BIG_SIZE = 20 * 1024 * 1024
STREAM_CHUNK = 64 * 1024
# dirfile-huge/ is twice the probe's 1 MiB DirFile cap.
HUGE_SIZE = 2 * 1024 * 1024
# Idle keep-alive connections are closed after this many seconds.
IDLE_TIMEOUT = 60
# A digest nonce is accepted for this long, then answered with stale=true.
NONCE_LIFETIME = 300

LAST_MODIFIED = "Wed, 24 May 2006 17:00:00 GMT"


def fw_name(kind, version):
    """Snom's file name of a gateway ("Gw") or handset ("Pp") image."""
    return "Snake%s_fr01_v%s.fwu" % (kind, version)


def fw_image(kind, version, size):
    """size bytes of a made-up firmware image: the magic, then noise."""
    noise = hashlib.shake_256(("updprobe %s %s" % (kind, version))
        .encode()).digest(max(size, 4))
    return (FWU_MAGIC + noise)[:size]


# ---------------------------------------------------------------------------
# The DirFile: a list of sections, each a list of (key, value).

def dirlist_sections(sizes=None):
    """The sections of a good dirlist.txt; sizes maps (kind, version) to
    the CodeSize to declare (default: the real size)."""
    sizes = sizes or {}
    out = []
    for v in VERSIONS:
        out.append([v, [
            ("DisplayName", "Version" + v),
            ("DisplayInfo", "Release %s.%s" % (v[:2], v[2:])),
            ("DisplayRelDate", RELDATE[v][0]),
            ("LinkDate", RELDATE[v][1]),
            ("Languages", LANGUAGES),
            ("GwFile", fw_name("Gw", v)),
            ("GwCodeSize", str(sizes.get(("Gw", v), GW_SIZE))),
            ("PpFile", fw_name("Pp", v)),
            ("PpCodeSize", str(sizes.get(("Pp", v), PP_SIZE))),
        ]])
    return out


def render_dirlist(sections, eol="\n", header=True):
    lines = []
    if header:
        lines += ["# dirlist.txt - made by MakeDirList from DisplayInfo.txt",
            "; updprobe test server, folder contents are generated"]
    for name, keys in sections:
        lines.append("[%s]" % name)
        # A value of None stands for a bare line without '='.
        lines += [k if v is None else "%s=%s" % (k, v) for k, v in keys]
    return (eol.join(lines) + eol).encode()


def section(sections, version):
    for s in sections:
        if s[0] == version:
            return s
    raise KeyError(version)


def set_key(sections, version, key, value):
    keys = section(sections, version)[1]
    for i, (k, _) in enumerate(keys):
        if k == key:
            keys[i] = (key, value)
            return sections
    raise KeyError(key)


def drop_key(sections, version, key):
    s = section(sections, version)
    s[1] = [kv for kv in s[1] if kv[0] != key]
    return sections


def add_line(sections, version, key, value):
    section(sections, version)[1].append((key, value))
    return sections


def dirlist_with(edit):
    """A good dirlist with one edit applied to the [0790] section."""
    s = dirlist_sections()
    edit(s)
    return render_dirlist(s)


# ---------------------------------------------------------------------------
# What a path answers.

class Res:
    """One file of a folder.

    kind:  "static"   the bytes in body, with HEAD/Range like nginx
           "status"   always answers status with body (an HTML page)
           "redirect" 302 to its own URL, forever
           "slow-headers"  waits STALL_SECONDS, then serves body
           "stall-body"    sends stall_after bytes of body, waits, sends rest
           "stall-after-headers"  sends the headers, waits, sends the body
           "big"      BIG_SIZE bytes: the magic, then zeros, streamed
    auth:  None, "basic", "digest" or "deny" (always 401)
    """

    def __init__(self, body=b"", ctype="application/octet-stream",
        kind="static", status=200, auth=None, headers=(), stall_after=0):
        self.body = body
        self.ctype = ctype
        self.kind = kind
        self.status = status
        self.auth = auth
        self.headers = list(headers)
        self.stall_after = stall_after

    @property
    def size(self):
        return BIG_SIZE if self.kind == "big" else len(self.body)

    def chunks(self, start, end):
        """The bytes [start, end) of the file, in chunks."""
        if self.kind != "big":
            yield self.body[start:end]
            return
        pos = start
        while pos < end:
            n = min(STREAM_CHUNK, end - pos)
            buf = bytearray(n)
            for i in range(pos, min(pos + n, len(FWU_MAGIC))):
                buf[i - pos] = FWU_MAGIC[i]
            yield bytes(buf)
            pos += n


def html_page(status, title, text=""):
    return ("<!DOCTYPE html>\n<html>\n<head><title>%d %s</title></head>\n"
        "<body>\n<center><h1>%d %s</h1></center>\n%s<hr><center>nginx"
        "</center>\n</body>\n</html>\n" % (status, title, status, title,
        text)).encode()


TEXT = "text/plain"
HTML = "text/html"


def base_folder(dirlist=None, auth=None, sizes=None):
    """A good folder: dirlist.txt and both images of both versions."""
    files = {}
    for v in VERSIONS:
        files[fw_name("Gw", v)] = Res(fw_image("Gw", v, GW_SIZE), auth=auth)
        files[fw_name("Pp", v)] = Res(fw_image("Pp", v, PP_SIZE), auth=auth)
    if dirlist is None:
        dirlist = render_dirlist(dirlist_sections(sizes))
    files["dirlist.txt"] = Res(dirlist, TEXT, auth=auth)
    return files


GW = fw_name("Gw", SELECTED)
PP = fw_name("Pp", SELECTED)


def with_files(files, **changes):
    """A copy of files with entries replaced (a Res) or removed (None);
    file names go through a dict: with_files(f, **{GW: None})."""
    out = dict(files)
    for name, res in changes.items():
        if res is None:
            out.pop(name, None)
        else:
            out[name] = res
    return out


def huge_dirlist():
    head = render_dirlist(dirlist_sections())
    line = ("# %s\n" % ("padding " * 28)).encode()
    out = io.BytesIO()
    out.write(b"# dirlist.txt with a very long comment\n")
    n = 0
    while out.tell() < HUGE_SIZE:
        out.write(b"# %07d " % n + line[2:])
        n += 1
    out.write(head)
    return out.getvalue()


def zipped_dirlist():
    """A zip holding dirlist.txt, uploaded under the name dirlist.txt."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        info = zipfile.ZipInfo("dirlist.txt", (2006, 5, 24, 17, 0, 0))
        info.compress_type = zipfile.ZIP_DEFLATED
        z.writestr(info, render_dirlist(dirlist_sections()))
    data = buf.getvalue()
    assert b"\0" in data
    return data


PHONE_SETTINGS = b"""# snom D785 firmware settings (the phone's folder, not the m3's)
firmware_status=
firmware_url=http://fw.example.com/snom/snomD785-10.1.159.12-SIP-r.bin
firmware_interval=1440
update_policy=auto_update
"""

HTML_INDEX = b"""<!DOCTYPE html>
<html>
<head><title>Index of /m3/</title></head>
<body>
<h1>Index of /m3/</h1><hr><pre><a href="../">../</a>
<a href="SnakeGw_fr01_v0790.fwu">SnakeGw_fr01_v0790.fwu</a>   24-May-2006 17:00   200000
</pre><hr></body>
</html>
"""

XML_LISTING = b"""<?xml version="1.0" encoding="UTF-8"?>
<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
<Name>m3</Name><Prefix></Prefix><Marker></Marker>
<Contents><Key>SnakeGw_fr01_v0790.fwu</Key><Size>200000</Size></Contents>
</ListBucketResult>
"""


def build_scenarios():
    """name -> (description with the expected code, {file: Res})."""
    S = {}
    good_dir = render_dirlist(dirlist_sections())

    S["good"] = ("a correct folder: 0 (--firmware-version 0800: 1, --max-size 1K: 4)",
        base_folder())
    S["good-crlf"] = ("a correct folder, CRLF line ends: 0", base_folder(
        render_dirlist(dirlist_sections(), eol="\r\n")))

    S["auth-basic"] = ("Basic auth on every file: 0 with m3/s3cret, else 12",
        base_folder(auth="basic"))
    S["auth-digest"] = ("Digest (MD5, qop=auth) on every file: 0 with "
        "m3/s3cret, else 12", base_folder(auth="digest"))
    S["auth-fw"] = ("dirlist.txt is free, the gateway file is 401: 12",
        with_files(base_folder(), **{fw_name("Gw", v): Res(
        fw_image("Gw", v, GW_SIZE), auth="deny") for v in VERSIONS}))

    S["missing-dirfile"] = ("no dirlist.txt (404): 3",
        with_files(base_folder(), **{"dirlist.txt": None}))
    S["case"] = ("DirList.txt instead of dirlist.txt: 3, detail names "
        "DirList.txt", with_files(base_folder(), **{"dirlist.txt": None,
        "DirList.txt": Res(good_dir, TEXT)}))
    S["missing-gw"] = ("no gateway file (404): 3",
        with_files(base_folder(), **{GW: None}))
    S["missing-pp"] = ("no handset file (404): 3",
        with_files(base_folder(), **{PP: None}))

    for st, title in ((403, "Forbidden"), (500, "Internal Server Error"),
        (503, "Service Temporarily Unavailable")):
        extra = [("Retry-After", "120")] if st == 503 else []
        S["status-%d" % st] = ("dirlist.txt answers %d: 2" % st,
            with_files(base_folder(), **{"dirlist.txt": Res(
            html_page(st, title), HTML, kind="status", status=st,
            headers=extra)}))
    S["redirect-loop"] = ("dirlist.txt redirects to itself forever: 2",
        with_files(base_folder(), **{"dirlist.txt": Res(
        html_page(302, "Found"), HTML, kind="redirect", status=302)}))
    S["fw-500"] = ("the gateway file answers 500: 2",
        with_files(base_folder(), **{GW: Res(html_page(500,
        "Internal Server Error"), HTML, kind="status", status=500)}))

    S["slow-headers"] = ("dirlist.txt: no byte for %d s: 5 with --timeout 1"
        % STALL_SECONDS, with_files(base_folder(), **{"dirlist.txt":
        Res(good_dir, TEXT, kind="slow-headers")}))
    # 5000 bytes: the good DirFile, then comment lines.
    padded = good_dir + b"".join(b"# %04d padding\n" % i
        for i in range(400))
    padded = padded[:4999] + b"\n"
    S["stalled-body"] = ("dirlist.txt: Content-Length 5000, 20 bytes, then "
        "%d s of silence: 5 with --timeout 1" % STALL_SECONDS,
        with_files(base_folder(), **{"dirlist.txt": Res(padded, TEXT,
        kind="stall-body", stall_after=20)}))
    S["slow-fw"] = ("the gateway file stalls after the headers: 5 with "
        "--timeout 1", with_files(base_folder(), **{GW: Res(
        fw_image("Gw", SELECTED, GW_SIZE), kind="stall-after-headers")}))

    for name, body, ctype in (
        ("dirfile-html", HTML_INDEX, HTML),
        ("dirfile-xml", XML_LISTING, "application/xml"),
        ("dirfile-binary", zipped_dirlist(), "application/zip"),
        ("dirfile-empty", b"", TEXT),
        ("dirfile-other", PHONE_SETTINGS, TEXT),
        ("dirfile-huge", huge_dirlist(), TEXT)):
        S[name] = ("dirlist.txt is not a DirFile (%s): 10" % name[8:],
            with_files(base_folder(), **{"dirlist.txt": Res(body, ctype)}))

    V = SELECTED
    long_info = "x" * (300 - len("DisplayInfo="))
    syntax = {
        "syntax-badline": ("a line without '='",
        lambda s: add_line(s, V, "ThisLineHasNoEqualsSign", None)),
        "syntax-section": ("section [079]",
        lambda s: section(s, V).__setitem__(0, "079")),
        "syntax-dup-section": ("[0780] twice",
        lambda s: s.append(["0780", list(section(s, "0780")[1])])),
        "syntax-dup-key": ("DisplayName twice",
        lambda s: add_line(s, V, "DisplayName", "Version0790b")),
        "syntax-no-gwfile": ("no GwFile",
        lambda s: drop_key(s, V, "GwFile")),
        "syntax-no-ppfile": ("no PpFile",
        lambda s: drop_key(s, V, "PpFile")),
        "syntax-no-displayname": ("no DisplayName",
        lambda s: drop_key(s, V, "DisplayName")),
        "syntax-codesize": ("GwCodeSize=12ab",
        lambda s: set_key(s, V, "GwCodeSize", "12ab")),
        "syntax-date": ("LinkDate=06052417",
        lambda s: set_key(s, V, "LinkDate", "06052417")),
        "syntax-longline": ("a 300-byte DisplayInfo line",
        lambda s: set_key(s, V, "DisplayInfo", long_info)),
        "syntax-slash": ("GwFile=../SnakeGw.fwu",
        lambda s: set_key(s, V, "GwFile", "../SnakeGw.fwu")),
    }
    for name, (what, edit) in syntax.items():
        body = dirlist_with(edit)
        S[name] = ("DirFile grammar error (%s): 9" % what,
            with_files(base_folder(), **{"dirlist.txt": Res(body, TEXT)}))
    assert any(len(l) == 300 for l in
        S["syntax-longline"][1]["dirlist.txt"].body.split(b"\n"))

    S["big-fw"] = ("the gateway file is 20 MiB: 4 with --max-size 8M",
        with_files(base_folder(sizes={("Gw", V): BIG_SIZE}),
        **{GW: Res(kind="big")}))
    S["big-declared"] = ("dirlist.txt declares a 20 MiB gateway file (the "
        "file is small): 4 with --max-size 8M",
        base_folder(sizes={("Gw", V): BIG_SIZE}))

    page = html_page(404, "Not Found", "<p>The firmware was moved.</p>\n")
    S["fw-html"] = ("the gateway file is an HTML page (200): 7",
        with_files(base_folder(sizes={("Gw", V): len(page)}),
        **{GW: Res(page, HTML)}))
    S["fw-empty"] = ("the handset file is empty, PpCodeSize=0: 7",
        with_files(base_folder(sizes={("Pp", V): 0}), **{PP: Res(b"")}))
    S["fw-short"] = ("the gateway file is 1000 bytes short of GwCodeSize: 7",
        with_files(base_folder(), **{GW: Res(
        fw_image("Gw", V, GW_SIZE - 1000))}))
    return S


SCENARIOS = build_scenarios()


# ---------------------------------------------------------------------------
# HTTP.

def parse_range(value, total):
    """(start, end) inclusive for a single byte range, "unsatisfiable", or
    None to ignore the header (nginx: not "bytes=", or several ranges)."""
    if not value.startswith("bytes="):
        return None
    spec = value[6:].strip()
    if "," in spec:
        return None
    m = re.fullmatch(r"\s*(\d*)\s*-\s*(\d*)\s*", spec)
    if not m or (m.group(1) == "" and m.group(2) == ""):
        return "unsatisfiable"
    if m.group(1) == "":
        n = int(m.group(2))
        if n == 0 or total == 0:
            return "unsatisfiable"
        return (max(0, total - n), total - 1)
    start = int(m.group(1))
    end = int(m.group(2)) if m.group(2) else total - 1
    if start >= total or start > end:
        return "unsatisfiable"
    return (start, min(end, total - 1))


AUTH_PARAM = re.compile(r'([A-Za-z0-9_-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]*))')


def parse_auth_params(s):
    out = {}
    for m in AUTH_PARAM.finditer(s):
        val = m.group(2)
        if val is None:
            val = m.group(3)
        else:
            val = re.sub(r"\\(.)", r"\1", val)
        out[m.group(1).lower()] = val
    return out


def md5(s):
    return hashlib.md5(s.encode()).hexdigest()


class FaultServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 64

    def __init__(self, addr, handler, ipv6=False):
        if ipv6:
            self.address_family = socket.AF_INET6
        self.secret = secrets.token_bytes(16)
        self.opaque = secrets.token_hex(8)
        super().__init__(addr, handler)

    def handle_error(self, request, client_address):
        exc = sys.exc_info()[1]
        if isinstance(exc, (ConnectionError, TimeoutError)):
            log("%s connection error: %s" % (client_address[0], exc))
            return
        super().handle_error(request, client_address)

    # Digest nonces are "<time>.<hmac>": no server state, verifiable.
    def make_nonce(self):
        t = "%d" % time.time()
        mac = hmac.new(self.secret, t.encode(), "sha256").hexdigest()[:20]
        return "%s.%s" % (t, mac)

    def nonce_state(self, nonce):
        """'ok', 'stale' or 'bad'."""
        t, _, mac = nonce.partition(".")
        good = hmac.new(self.secret, t.encode(), "sha256").hexdigest()[:20]
        if not t.isdigit() or not hmac.compare_digest(mac, good):
            return "bad"
        if time.time() - int(t) > NONCE_LIFETIME:
            return "stale"
        return "ok"


_log_lock = threading.Lock()


def log(msg):
    with _log_lock:
        sys.stderr.write("%s httpfault: %s\n" %
            (time.strftime("%H:%M:%S"), msg))
        sys.stderr.flush()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "httpfault/1"
    timeout = IDLE_TIMEOUT
    # Headers and body go out in separate writes: without this, Nagle and
    # delayed ACKs add 40 ms to every keep-alive request.
    disable_nagle_algorithm = True

    def log_message(self, fmt, *args):
        log("%s %s" % (self.client_address[0], fmt % args))

    # -- plumbing

    def send_simple(self, status, body=b"", ctype=HTML, head=False,
        headers=()):
        self.send_response(status)
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if not head:
            self.wfile.write(body)

    def client_gone(self):
        """True if the client closed the connection (or reset it)."""
        try:
            r, _, _ = select.select([self.connection], [], [], 0)
            if not r:
                return False
            return self.connection.recv(1, socket.MSG_PEEK) == b""
        except OSError:
            return True

    def wait(self, seconds):
        """Sleep in small steps; False (and close) if the client left."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.client_gone():
                log("%s %s: client went away while waiting" %
                    (self.client_address[0], self.path))
                self.close_connection = True
                return False
            time.sleep(POLL_SECONDS)
        return True

    def do_GET(self):
        self.dispatch(head=False)

    def do_HEAD(self):
        self.dispatch(head=True)

    def lookup(self):
        path = self.path.split("?", 1)[0]
        path = re.sub(r"/{2,}", "/", path)  # nginx merge_slashes
        parts = path.split("/")
        if len(parts) != 3 or parts[0] != "":
            return None
        scen = SCENARIOS.get(parts[1])
        if scen is None:
            return None
        return scen[1].get(parts[2])

    def dispatch(self, head):
        try:
            res = self.lookup()
            if res is None:
                self.send_simple(404, html_page(404, "Not Found"),
                    head=head)
                return
            if res.auth and not self.authorized(res.auth, head):
                return
            getattr(self, "serve_" + res.kind.replace("-", "_"))(res, head)
        except (ConnectionError, TimeoutError) as e:
            log("%s %s: %s" % (self.client_address[0], self.path, e))
            self.close_connection = True

    # -- authentication

    def deny(self, challenge, head):
        self.send_simple(401, html_page(401, "Authorization Required"),
            head=head, headers=[("WWW-Authenticate", challenge)])

    def authorized(self, how, head):
        got = self.headers.get("Authorization", "")
        if how == "basic":
            scheme, _, cred = got.partition(" ")
            if scheme.lower() == "basic":
                try:
                    u, _, p = base64.b64decode(cred.strip(),
                        validate=True).decode().partition(":")
                except (ValueError, UnicodeDecodeError):
                    u = p = None
                if u == USER and p == PASSWORD:
                    return True
            self.deny('Basic realm="%s"' % REALM, head)
            return False
        if how == "digest":
            stale = self.digest_check(got)
            if stale is True:
                return True
            self.deny('Digest realm="%s", qop="auth", algorithm=MD5, '
                'nonce="%s", opaque="%s"%s' % (REALM,
                self.server.make_nonce(), self.server.opaque,
                ", stale=true" if stale == "stale" else ""), head)
            return False
        # "deny": the file is protected with credentials nobody has.
        self.deny('Basic realm="%s firmware"' % REALM, head)
        return False

    def digest_check(self, header):
        """True if the RFC 2617 Digest answer is right, "stale" if it is
        right but the nonce expired, False otherwise."""
        scheme, _, rest = header.partition(" ")
        if scheme.lower() != "digest":
            return False
        p = parse_auth_params(rest)
        need = ("username", "realm", "nonce", "uri", "response")
        if any(k not in p for k in need):
            return False
        if p["username"] != USER or p["realm"] != REALM:
            return False
        if p.get("algorithm", "MD5").upper() != "MD5":
            return False
        if "opaque" in p and p["opaque"] != self.server.opaque:
            return False
        # The uri must name this request (RFC 2617 3.2.2.5).
        if p["uri"] != self.path:
            return False
        ha1 = md5("%s:%s:%s" % (USER, REALM, PASSWORD))
        ha2 = md5("%s:%s" % (self.command, p["uri"]))
        qop = p.get("qop")
        if qop is None:  # RFC 2069 compatibility
            want = md5("%s:%s:%s" % (ha1, p["nonce"], ha2))
        elif qop == "auth" and "nc" in p and "cnonce" in p:
            want = md5("%s:%s:%s:%s:%s:%s" % (ha1, p["nonce"], p["nc"],
                p["cnonce"], qop, ha2))
        else:
            return False
        if not hmac.compare_digest(want, p["response"].lower()):
            return False
        state = self.server.nonce_state(p["nonce"])
        if state == "ok":
            return True
        return "stale" if state == "stale" else False

    # -- the kinds of file

    def file_headers(self, res, total, head):
        """Status, headers and the byte range [start, end) to send, as
        nginx would for a static file; None after sending a 416."""
        status, start, end = 200, 0, total
        rng = self.headers.get("Range")
        if rng is not None and not head:
            r = parse_range(rng.strip(), total)
            if r == "unsatisfiable":
                self.send_simple(416, html_page(416,
                    "Requested Range Not Satisfiable"), head=head,
                    headers=[("Content-Range", "bytes */%d" % total)])
                return None
            if r is not None:
                status, start, end = 206, r[0], r[1] + 1
        hdrs = [("Content-Type", res.ctype),
            ("Content-Length", str(end - start)),
            ("Last-Modified", LAST_MODIFIED),
            ("ETag", '"44749d70-%x"' % total),
            ("Accept-Ranges", "bytes")]
        if status == 206:
            hdrs.append(("Content-Range", "bytes %d-%d/%d" %
                (start, end - 1, total)))
        return status, hdrs, start, end

    def start_file(self, res, head):
        r = self.file_headers(res, res.size, head)
        if r is None:
            return None
        status, hdrs, start, end = r
        self.send_response(status)
        for k, v in hdrs:
            self.send_header(k, v)
        self.end_headers()
        return start, end

    def serve_static(self, res, head):
        r = self.start_file(res, head)
        if r is None or head:
            return
        for chunk in res.chunks(*r):
            self.wfile.write(chunk)

    serve_big = serve_static

    def serve_status(self, res, head):
        self.send_simple(res.status, res.body, res.ctype, head=head,
            headers=res.headers)

    def serve_redirect(self, res, head):
        self.send_simple(res.status, res.body, res.ctype, head=head,
            headers=[("Location", self.path)])

    def serve_slow_headers(self, res, head):
        if self.wait(STALL_SECONDS):
            self.serve_static(res, head)

    def serve_stall_body(self, res, head):
        r = self.start_file(res, head)
        if r is None or head:
            return
        start, end = r
        cut = min(end, start + res.stall_after)
        self.wfile.write(res.body[start:cut])
        if self.wait(STALL_SECONDS):
            self.wfile.write(res.body[cut:end])

    def serve_stall_after_headers(self, res, head):
        if head:  # nothing follows the headers of a HEAD: stall first
            self.serve_slow_headers(res, head)
            return
        r = self.start_file(res, head)
        if r is None:
            return
        if self.wait(STALL_SECONDS):
            for chunk in res.chunks(*r):
                self.wfile.write(chunk)


# ---------------------------------------------------------------------------

def write_port_file(path, port):
    tmp = "%s.tmp.%d" % (path, os.getpid())
    with open(tmp, "w") as f:
        f.write("%d\n" % port)
    os.rename(tmp, path)


def dump_folder(name, directory):
    if name not in SCENARIOS:
        sys.exit("httpfault: no folder %r (see --list)" % name)
    os.makedirs(directory, exist_ok=True)
    for fname, res in sorted(SCENARIOS[name][1].items()):
        if res.kind != "static" or res.auth:
            sys.exit("httpfault: %s/%s is not a plain file" %
                (name, fname))
        with open(os.path.join(directory, fname), "wb") as f:
            f.write(res.body)


def set_stall(seconds):
    """The stalls of the slow folders last this long."""
    global STALL_SECONDS
    STALL_SECONDS = seconds


def main():
    ap = argparse.ArgumentParser(description="HTTP firmware update server "
        "that plays faults, for the updprobe tests")
    ap.add_argument("--port", type=int, default=0,
        help="TCP port (0: a free one)")
    ap.add_argument("--port-file", help="write the bound port here")
    ap.add_argument("--ipv6", action="store_true", help="bind ::1")
    ap.add_argument("--bind", help="address (default 127.0.0.1 or ::1)")
    ap.add_argument("--dump-folder", nargs=2, metavar=("FOLDER", "DIR"),
        help="write a folder's files into DIR and exit")
    ap.add_argument("--list", action="store_true",
        help="list the folders and the expected codes, and exit")
    ap.add_argument("--stall", type=float, default=STALL_SECONDS,
        help="seconds of every stall (default %g)" % STALL_SECONDS)
    a = ap.parse_args()
    set_stall(a.stall)

    if a.list:
        for name, (desc, _) in SCENARIOS.items():
            print("%-22s %s" % (name + "/", desc))
        return
    if a.dump_folder:
        dump_folder(*a.dump_folder)
        return

    addr = a.bind or ("::1" if a.ipv6 else "127.0.0.1")
    srv = FaultServer((addr, a.port), Handler, ipv6=a.ipv6 or ":" in addr)
    port = srv.server_address[1]
    if a.port_file:
        write_port_file(a.port_file, port)
    log("listening on %s port %d, %d folders" % (addr, port,
        len(SCENARIOS)))
    try:
        srv.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass
    finally:
        srv.server_close()


if __name__ == "__main__":
    main()
