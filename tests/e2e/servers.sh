#!/bin/bash
# servers.sh - the probe against the servers operators really run, as
# Debian 12 packages them: Apache 2.4, nginx, lighttpd, tftpd-hpa, atftpd
# and dnsmasq's TFTP server, with dnsmasq as the base stations' DNS server
# (the probe looks up every host a redirect names there).  Each server
# runs on loopback with private config files in $TEST_TMP and is stopped
# by its PID.  Every case runs the CLI once and checks the code the
# device would show (exit status and JSON), the step, and words of the
# detail; a few cases then look at what the server saw (its log).  At
# the end, updprobed behind snmpd serves two of these targets: URL bytes
# >= 0x80 escaped, and a cut Url or Detail marked.
#
#   UPDPROBE=build/updprobe UPDPROBED=build/updprobed tests/e2e/servers.sh
#
# dnsmasq's TFTP server listens on port 69, and no option moves it: it
# runs in a network namespace of its own (unshare -n: its own loopback),
# and the probes of it run there too (nsenter), so the machine's port 69
# is neither needed nor touched.
#
# Debian's atftpd package conflicts with tftpd-hpa (installing one
# removes the other): its .deb is fetched (apt-get download) into the
# temporary directory and its atftpd run from there, never installed.
#
# Prints "ok - ..." / "not ok - ..." per case, the number of cases per
# server and the wall time, then "N passed, N failed"; exits 1 if
# anything failed, including a server or tool that is missing.

set -u

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
# shellcheck source=SCRIPTDIR/../lib.sh
. "$HERE/../lib.sh"

UPDPROBE=${UPDPROBE:-$ROOT/build/updprobe}
UPDPROBED=${UPDPROBED:-$(dirname "$UPDPROBE")/updprobed}
export UPDPROBED
APACHE=${APACHE:-/usr/sbin/apache2}
APACHE_MODULES=${APACHE_MODULES:-/usr/lib/apache2/modules}
NGINX=${NGINX:-/usr/sbin/nginx}
LIGHTTPD=${LIGHTTPD:-/usr/sbin/lighttpd}
DNSMASQ=${DNSMASQ:-/usr/sbin/dnsmasq}
# A probe still running after this is killed: a hang fails its case.
PROBE_LIMIT=30
# Seconds a server has to answer after its start (the machine may be
# busy: load 10 and more).
START_LIMIT=30
# The password of user m3 everywhere; it must never be printed.
SECRET=s3cret
# The device's patience in the cases that wait for a timeout.
SLOW=2
T0=$(date +%s)

# The servers' users: they drop root after start, like the packages.
RUN_USER=nobody
RUN_GROUP=$(id -gn nobody 2>/dev/null || echo nogroup)

# ---------------------------------------------------------------------------
# Cases.

declare -A SERVER_CASES
SERVER=""
# RUN_IN: a command prefix for the probe (nsenter into dnsmasq's
# namespace), empty for the machine's own loopback.
RUN_IN=()

section() {		# SERVER: the cases that follow are this server's
	SERVER=$1
	SERVER_CASES[$SERVER]=${SERVER_CASES[$SERVER]:-0}
	echo "# $SERVER"
}

# _check_json CODE STEP CHECKS: reads the probe's output on stdin; prints
# nothing if it is one JSON object (valid UTF-8) with that code and step
# and every check holds, else what is wrong.  CHECKS, '|'-separated:
#   WORD        the detail contains WORD      !WORD   it does not
#   w:WORD      a warning contains WORD       nowarn  there is no warning
#   s:STEP=ST   step STEP has state ST (ok, failed, skipped, not run)
#   $:TEXT      the detail ends with TEXT     u:TEXT  "url" contains TEXT
_check_json() {
	"$PYTHON" -c '
import json, sys
want_code, want_step, checks = int(sys.argv[1]), sys.argv[2], sys.argv[3]
raw = sys.stdin.buffer.read()
try:
    d = json.loads(raw.decode("utf-8"))
except (UnicodeDecodeError, ValueError) as e:
    print("output is not one JSON object in UTF-8 (%s)" % e)
    sys.exit()
bad = []
code, step = d.get("code"), d.get("step")
detail, warns = d.get("detail", ""), d.get("warnings", [])
if type(code) is not int or code != want_code:
    bad.append("code %r, want %d" % (code, want_code))
if step != want_step:
    bad.append("step %r, want %r" % (step, want_step))
steps = {s.get("step"): s.get("state") for s in d.get("steps", [])}
for c in filter(None, checks.split("|")):
    if c == "nowarn":
        if warns:
            bad.append("warnings %r" % warns)
    elif c.startswith("w:"):
        if not any(c[2:] in w for w in warns):
            bad.append("no warning with %r (%r)" % (c[2:], warns))
    elif c.startswith("s:"):
        s, _, st = c[2:].partition("=")
        if steps.get(s) != st:
            bad.append("step %s is %r, want %r" % (s, steps.get(s), st))
    elif c.startswith("$:"):
        if not detail.endswith(c[2:]):
            bad.append("detail does not end with %r" % c[2:])
    elif c.startswith("u:"):
        if c[2:] not in d.get("url", ""):
            bad.append("url %r lacks %r" % (d.get("url"), c[2:]))
    elif c.startswith("!"):
        if c[1:] in detail:
            bad.append("detail has %r" % c[1:])
    elif c not in detail:
        bad.append("detail lacks %r" % c)
if bad:
    print("; ".join(bad) + "; detail: " + detail)
' "$@"
}

# expect DESCRIPTION CODE STEP CHECKS -- ARGS...: run "updprobe --json
# --allow-loopback ARGS" (inside RUN_IN; every server here is on
# loopback), want exit status CODE, JSON code CODE, step STEP and CHECKS
# (see _check_json).
expect() {
	local desc=$1 want=$2 step=$3 checks=$4 out err rc problems=""
	shift 5
	SERVER_CASES[$SERVER]=$((SERVER_CASES[$SERVER] + 1))
	out=$(timeout -k 2 "$PROBE_LIMIT" "${RUN_IN[@]}" "$UPDPROBE" --json \
	    --allow-loopback "$@" 2>"$TEST_TMP/stderr")
	rc=$?
	err=$(cat "$TEST_TMP/stderr")
	if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
		problems="the probe ran longer than ${PROBE_LIMIT} s"
	else
		[ "$rc" -eq "$want" ] || problems="exit status $rc"
		problems="$problems${problems:+; }$(printf '%s' "$out" |
		    _check_json "$want" "$step" "$checks")"
		problems=${problems%; }
	fi
	case "$out$err" in
	*"$SECRET"*) problems="$problems${problems:+; }the password was printed" ;;
	esac
	if [ -z "$problems" ]; then
		ok "$SERVER: $desc"
	else
		not_ok "$SERVER: $desc (expected code $want step $step${checks:+ [$checks]}; got: $problems; stderr: $(printf '%s' "$err" | squash))"
	fi
}

# expect_usage DESCRIPTION WORD ARGS...: exit 64, WORD in the message.
expect_usage() {
	local desc=$1 word=$2 err rc
	shift 2
	SERVER_CASES[$SERVER]=$((SERVER_CASES[$SERVER] + 1))
	timeout -k 2 "$PROBE_LIMIT" "$UPDPROBE" "$@" >/dev/null \
	    2>"$TEST_TMP/stderr"
	rc=$?
	err=$(cat "$TEST_TMP/stderr")
	if [ "$rc" -eq 64 ] && [[ "$err" == *"$word"* ]]; then
		ok "$SERVER: $desc"
	else
		not_ok "$SERVER: $desc (expected exit 64 and \"$word\" on stderr; got exit $rc: $(printf '%s' "$err" | squash))"
	fi
}

# ---------------------------------------------------------------------------
# Waiting for a server: a condition, a generous deadline, what was seen.

# _port_answers PORT: a TCP connection to 127.0.0.1:PORT is accepted.
_port_answers() {
	"$PYTHON" - "$1" <<'EOF'
import socket, sys
try:
    socket.create_connection(("127.0.0.1", int(sys.argv[1])), 0.5).close()
except OSError:
    sys.exit(1)
EOF
}

# _wait_server NAME PID LOG CMD...: until CMD succeeds, the process lives
# and START_LIMIT has not passed.
_wait_server() {
	local name=$1 pid=$2 log=$3 end
	shift 3
	end=$(($(date +%s) + START_LIMIT))
	while [ "$(date +%s)" -le "$end" ]; do
		if ! kill -0 "$pid" 2>/dev/null; then
			echo "$name exited at start; its log:" >&2
			sed 's/^/    /' "$log" >&2
			return 1
		fi
		"$@" && return 0
		sleep 0.1
	done
	echo "$name did not answer within $START_LIMIT s; its log:" >&2
	sed 's/^/    /' "$log" >&2
	return 1
}

need() {		# PROGRAM PACKAGE
	[ -x "$1" ] && return 0
	echo "$1 is missing (Debian package $2; tests/deps.sh installs it)" >&2
	return 1
}

# ---------------------------------------------------------------------------
# The update folders, one tree for every HTTP server and one for TFTP.
# The servers drop root: folders 755, files 644, and $TEST_TMP (0700
# from mktemp) lets them through (0711) without letting them list it.

SRV=$TEST_TMP/srv
WWW=$SRV/www
TFTPROOT=$SRV/tftp
GW=SnakeGw_fr01_v0790.fwu
PP=SnakePp_fr01_v0790.fwu

# good DIR: the good folder of httpfault.py (DirFile and images).
good() {
	mkdir -p "$1" && "$PYTHON" "$SERVERS_DIR/httpfault.py" \
	    --dump-folder good "$1"
}

# dirlist DIR GW PP: a one-version DirFile naming these files.
dirlist() {
	cat >"$1/dirlist.txt" <<EOF
[0790]
DisplayName=Version0790
DisplayInfo=Release 07.90
Languages=de01,en01,fr01
GwFile=$2
GwCodeSize=200000
PpFile=$3
PpCodeSize=100000
EOF
}

html_page() {
	printf '<!DOCTYPE html>\n<html><head><title>%s</title></head><body><h1>%s</h1></body></html>\n' "$1" "$1"
}

# folders ROOT: the folders of one tree (the names of the HTTP cases; the
# TFTP tree uses the same ones).
folders() {
	local r=$1 d
	good "$r/good" || return 1
	for d in good-text empty-fw empty-dirfile short-fw html-fw case \
	    unreadable-fw slow auth-basic auth-digest redir-fw; do
		cp -r "$r/good" "$r/$d"
	done
	: >"$r/empty-fw/$GW"
	: >"$r/empty-dirfile/dirlist.txt"
	head -c 150000 "$r/good/$GW" >"$r/short-fw/$GW"
	html_page "Not here" >"$r/html-fw/$GW"
	mv "$r/case/dirlist.txt" "$r/case/DirList.txt"
	chmod 600 "$r/unreadable-fw/$GW"
	# Slow servers send this one at a few bytes a second.
	{ cat "$r/good/dirlist.txt"; printf '; %s\n' $(seq 1 400); } \
	    >"$r/slow/dirlist.txt"
	# '#', '?', a blank and "%47" in file names: each names one file;
	# the decoy is what "%47" decoded would fetch.
	mkdir -p "$r/names" "$r/names-query" "$r/syntax-dot" \
	    "$r/dirfile-html" "$r/syntax" "$r/fallback" "$r/fallback-fw" \
	    "$r/hash-dirfile" "$r/speling-multi"
	dirlist "$r/names" "SnakeGw#1?x.fwu" "Snake Pp%47.fwu"
	cp "$r/good/$GW" "$r/names/SnakeGw#1?x.fwu"
	cp "$r/good/$PP" "$r/names/Snake Pp%47.fwu"
	html_page "decoy" >"$r/names/Snake PpG.fwu"
	html_page "decoy" >"$r/names/SnakeGw"
	dirlist "$r/names-query" "SnakeGw?v=1.fwu" "$PP"
	cp "$r/good/$GW" "$r/names-query/SnakeGw?v=1.fwu"
	cp "$r/good/$PP" "$r/names-query/"
	dirlist "$r/syntax-dot" "." "$PP"
	html_page "Index of /dirfile-html" >"$r/dirfile-html/dirlist.txt"
	printf '[0790]\nDisplayName=Version0790\nthis line has no equals sign\n' \
	    >"$r/syntax/dirlist.txt"
	html_page "Welcome" >"$r/fallback/index.html"
	cp "$r/good/dirlist.txt" "$r/fallback-fw/"
	cp -r "$r/good/." "$r/hash-dirfile/"
	mv "$r/hash-dirfile/dirlist.txt" "$r/hash-dirfile/list#1.txt"
	cp "$r/good/dirlist.txt" "$r/speling-multi/dirlist.txu"
	cp "$r/good/dirlist.txt" "$r/speling-multi/dirlist.txv"
	find "$r" -type d -exec chmod 755 {} + &&
	    find "$r" -type f ! -name "$GW" -exec chmod 644 {} + &&
	    find "$r" -type f -name "$GW" ! -path '*/unreadable-fw/*' \
	    -exec chmod 644 {} +
}

make_trees() {
	chmod 711 "$TEST_TMP" || return 1
	mkdir -p "$SRV/conf" "$SRV/run" "$SRV/logs" || return 1
	chmod 755 "$SRV" "$SRV/conf" "$SRV/run" || return 1
	folders "$WWW" && folders "$TFTPROOT" && chmod 755 "$WWW" "$TFTPROOT"
}

# Password files of the probe (0600) and of the servers (readable by
# their users: they hold hashes, not the password).
make_secrets() {
	umask 077
	printf '%s\n' "$SECRET" >"$TEST_TMP/pw-good"
	printf '%s\n' "not-the-password" >"$TEST_TMP/pw-wrong"
	umask 022
	htpasswd -cbB "$SRV/conf/htpasswd" m3 "$SECRET" 2>/dev/null &&
	    printf 'm3:m3:%s\n' "$(printf 'm3:m3:%s' "$SECRET" | md5sum |
	    cut -d' ' -f1)" >"$SRV/conf/htdigest" &&
	    chmod 644 "$SRV/conf/htpasswd" "$SRV/conf/htdigest"
}

# ---------------------------------------------------------------------------
# dnsmasq: the DNS server of the base stations (zone test.: every server
# name is 127.0.0.1; any other name in test. is NXDOMAIN), DHCP never on.

start_dns() {
	local conf=$SRV/conf/dnsmasq-dns.conf log=$SRV/logs/dnsmasq-dns.log
	local pid
	need "$DNSMASQ" dnsmasq-base || return 1
	DNS_PORT=$(free_port udp)
	cat >"$conf" <<EOF
port=$DNS_PORT
listen-address=127.0.0.1
bind-interfaces
no-resolv
no-hosts
no-poll
user=$RUN_USER
group=$RUN_GROUP
pid-file=$SRV/run/dnsmasq-dns.pid
log-facility=$log
log-queries
local=/test/
address=/apache.test/127.0.0.1
address=/nginx.test/127.0.0.1
address=/lighttpd.test/127.0.0.1
address=/tftp.test/127.0.0.1
address=/blackhole.test/127.0.0.1
address=/sinkhole.test/0.0.0.0
host-record=v6only.test,::1
EOF
	: >"$log"
	"$DNSMASQ" -k --conf-file="$conf" </dev/null >>"$log" 2>&1 &
	pid=$!
	_record_pid dnsmasq-dns "$pid"
	_wait_server "dnsmasq (DNS)" "$pid" "$log" _dns_answers "$DNS_PORT"
}

# _dns_answers PORT: an A query for apache.test gets an answer.
_dns_answers() {
	"$PYTHON" - "$1" <<'EOF'
import socket, struct, sys
q = struct.pack("!HHHHHH", 0x1234, 0x0100, 1, 0, 0, 0) + \
    b"\x06apache\x04test\x00" + struct.pack("!HH", 1, 1)
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(0.5)
s.sendto(q, ("127.0.0.1", int(sys.argv[1])))
try:
    r = s.recv(512)
except OSError:
    sys.exit(1)
sys.exit(0 if r[:2] == b"\x12\x34" and struct.unpack("!H", r[6:8])[0] else 1)
EOF
}

# ---------------------------------------------------------------------------
# Apache 2.4: Basic (htpasswd) and Digest (htdigest), a denied folder, a
# FallbackResource, mod_speling, mod_ratelimit, redirects (mod_alias).

start_apache() {
	local conf=$SRV/conf/apache2.conf log=$SRV/logs/apache-error.log
	local m pid
	need "$APACHE" apache2 || return 1
	APACHE_PORT=$(free_port)
	CLOSED_PORT=$(free_port)
	A="http://apache.test:$APACHE_PORT"
	mkdir -p "$SRV/run/apache"
	{
		for m in mpm_event authz_core authn_core authn_file auth_basic \
		    auth_digest authz_user mime dir alias speling ratelimit env \
		    filter; do
			echo "LoadModule ${m}_module $APACHE_MODULES/mod_$m.so"
		done
		cat <<EOF
ServerRoot $SRV/run/apache
ServerName apache.test
Listen 127.0.0.1:$APACHE_PORT
PidFile $SRV/run/apache/apache2.pid
DefaultRuntimeDir $SRV/run/apache
Mutex file:$SRV/run/apache default
ErrorLog $log
LogLevel warn
User $RUN_USER
Group $RUN_GROUP
TypesConfig /etc/mime.types
DocumentRoot $WWW
StartServers 1
ServerLimit 1
ThreadsPerChild 8
MaxRequestWorkers 8
<Directory />
	Options None
	AllowOverride None
	Require all granted
</Directory>
<Directory $WWW/good-text>
	AddType text/plain .fwu
</Directory>
<Directory $WWW/denied>
	Require all denied
</Directory>
<Directory $WWW/fallback>
	FallbackResource /fallback/index.html
</Directory>
<Directory $WWW/fallback-fw>
	FallbackResource /fallback/index.html
</Directory>
<Directory $WWW/case>
	CheckSpelling On
	CheckCaseOnly On
</Directory>
<Directory $WWW/speling-multi>
	CheckSpelling On
</Directory>
<Directory $WWW/auth-basic>
	AuthType Basic
	AuthName m3
	AuthBasicProvider file
	AuthUserFile $SRV/conf/htpasswd
	Require valid-user
</Directory>
<Directory $WWW/auth-digest>
	AuthType Digest
	AuthName m3
	AuthDigestProvider file
	AuthUserFile $SRV/conf/htdigest
	Require valid-user
</Directory>
<Directory $WWW/slow>
	<FilesMatch "\\.fwu\$">
		SetOutputFilter RATE_LIMIT
		SetEnv rate-limit 1
	</FilesMatch>
</Directory>
Redirect 302 /redir-same/ /good/
Redirect 302 /redir-cross/ http://nginx.test:$NGINX_PORT/good/
Redirect 302 /redir-https/ https://nginx.test:$NGINX_TLS_PORT/good/
Redirect 302 /redir-nx/ http://nx.test:$NGINX_PORT/good/
Redirect 302 /redir-sinkhole/ http://sinkhole.test:$NGINX_PORT/good/
Redirect 302 /redir-zero/ http://0.0.0.0:$NGINX_PORT/good/
Redirect 302 /redir-closed/ http://apache.test:$CLOSED_PORT/good/
Redirect 302 /redir-blackhole/ http://blackhole.test:$BLACKHOLE_PORT/good/
Redirect 302 /redir-tftp/ tftp://tftp.test:$TFTP_PORT/good/
Redirect 302 /redir-auth-cross/ http://nginx.test:$NGINX_PORT/auth-basic/
Redirect 302 /redir-auth-same/ http://apache.test:$APACHE_PORT/auth-basic/
Redirect 302 /redir-loop/ /redir-loop/
RedirectMatch 302 ^/redir-fw/(.*\\.fwu)\$ http://nginx.test:$NGINX_PORT/good/\$1
RedirectMatch 302 ^/redir-fw404/(.*\\.fwu)\$ http://nginx.test:$NGINX_PORT/nowhere/\$1
Alias /redir-fw404/dirlist.txt $WWW/good/dirlist.txt
EOF
	} >"$conf"
	mkdir -p "$WWW/denied" && cp "$WWW/good/"* "$WWW/denied/" &&
	    chmod 755 "$WWW/denied" && chmod 644 "$WWW/denied/"* || return 1
	: >"$log"
	"$APACHE" -f "$conf" -DFOREGROUND </dev/null >>"$log" 2>&1 &
	pid=$!
	_record_pid apache2 "$pid"
	_wait_server "apache2" "$pid" "$log" _port_answers "$APACHE_PORT"
}

# ---------------------------------------------------------------------------
# nginx: auth_basic, return 503 and 401, limit_rate, max_ranges 0, HTTPS
# with a certificate openssl makes now (CN and SAN nginx.test).

start_nginx() {
	local conf=$SRV/conf/nginx.conf log=$SRV/logs/nginx-error.log
	local tmp=$SRV/run/nginx pid
	need "$NGINX" nginx-light || return 1
	need /usr/bin/openssl openssl || return 1
	mkdir -p "$tmp"
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 \
	    -nodes -days 2 -subj /CN=nginx.test \
	    -addext subjectAltName=DNS:nginx.test \
	    -keyout "$SRV/conf/nginx.key" -out "$SRV/conf/nginx.crt" \
	    >"$SRV/logs/openssl.log" 2>&1 || {
		echo "openssl could not make a certificate:" >&2
		sed 's/^/    /' "$SRV/logs/openssl.log" >&2
		return 1
	}
	cat >"$conf" <<EOF
daemon off;
master_process on;
worker_processes 1;
user $RUN_USER $RUN_GROUP;
pid $tmp/nginx.pid;
error_log $log warn;
events { worker_connections 64; }
http {
	include /etc/nginx/mime.types;
	default_type application/octet-stream;
	client_body_temp_path $tmp/body;
	proxy_temp_path $tmp/proxy;
	fastcgi_temp_path $tmp/fastcgi;
	uwsgi_temp_path $tmp/uwsgi;
	scgi_temp_path $tmp/scgi;
	map \$http_authorization \$sent_auth { "" none; default sent; }
	log_format m3 '\$host \$request_uri \$status auth=\$sent_auth';
	access_log $SRV/logs/nginx-access.log m3;
	root $WWW;
	server {
		listen 127.0.0.1:$NGINX_PORT;
		listen 127.0.0.1:$NGINX_TLS_PORT ssl;
		server_name nginx.test;
		ssl_certificate $SRV/conf/nginx.crt;
		ssl_certificate_key $SRV/conf/nginx.key;
		location /good-text/ { types { } default_type text/plain; }
		location /auth-basic/ {
			auth_basic m3;
			auth_basic_user_file $SRV/conf/htpasswd;
		}
		location /status-503/ { return 503; }
		location /bare-401/ { return 401; }
		location /negotiate/ {
			add_header WWW-Authenticate Negotiate always;
			add_header WWW-Authenticate NTLM always;
			return 401;
		}
		location /slow/ { limit_rate 50; }
		location /noranges/ { alias $WWW/good/; max_ranges 0; }
		location ~ ^/redir-https/(.*)\$ {
			return 301 https://nginx.test:$NGINX_TLS_PORT/good/\$1;
		}
	}
}
EOF
	: >"$log"
	"$NGINX" -c "$conf" -p "$tmp" </dev/null >>"$log" 2>&1 &
	pid=$!
	_record_pid nginx "$pid"
	_wait_server "nginx" "$pid" "$log" _port_answers "$NGINX_PORT" &&
	    _wait_server "nginx (TLS)" "$pid" "$log" _port_answers \
	    "$NGINX_TLS_PORT"
}

# ---------------------------------------------------------------------------
# lighttpd: mod_auth with Digest (htdigest), a slow folder.

start_lighttpd() {
	local conf=$SRV/conf/lighttpd.conf log=$SRV/logs/lighttpd-error.log pid
	need "$LIGHTTPD" lighttpd || return 1
	LIGHTTPD_PORT=$(free_port)
	cat >"$conf" <<EOF
server.document-root = "$WWW"
server.bind = "127.0.0.1"
server.port = $LIGHTTPD_PORT
server.pid-file = "$SRV/run/lighttpd.pid"
server.errorlog = "$log"
server.username = "$RUN_USER"
server.groupname = "$RUN_GROUP"
server.modules = ( "mod_auth", "mod_authn_file" )
mimetype.assign = ( ".txt" => "text/plain", ".html" => "text/html",
    "" => "application/octet-stream" )
auth.backend = "htdigest"
auth.backend.htdigest.userfile = "$SRV/conf/htdigest"
auth.require = ( "/auth-digest/" => ( "method" => "digest",
    "realm" => "m3", "require" => "valid-user" ) )
\$HTTP["url"] =~ "^/slow/.*\\.fwu\$" { connection.kbytes-per-second = 1 }
\$HTTP["url"] =~ "^/good-text/" { mimetype.assign = ( "" => "text/plain" ) }
EOF
	# It opens its log after dropping root.
	: >"$log" && chown "$RUN_USER" "$log" || return 1
	"$LIGHTTPD" -D -f "$conf" </dev/null >>"$log" 2>&1 &
	pid=$!
	_record_pid lighttpd "$pid"
	_wait_server "lighttpd" "$pid" "$log" _port_answers "$LIGHTTPD_PORT"
}

# ---------------------------------------------------------------------------
# atftpd, unpacked from its .deb (see the top), on a random port.

start_atftpd() {
	local dir=$SRV/atftpd log=$SRV/logs/atftpd.log out=$SRV/logs/atftpd.out
	local debs deb try port pid
	need /usr/bin/apt-get apt || return 1
	need /usr/bin/dpkg-deb dpkg || return 1
	mkdir -p "$dir" || return 1
	# Three tries: the mirror may falter for a moment.
	for ((try = 0; try < 3; try++)); do
		(cd "$dir" && apt-get download atftpd) >"$dir/download.log" 2>&1 &&
		    break
		sleep 2
	done
	if [ "$try" -eq 3 ]; then
		echo "start_atftpd: apt-get download atftpd failed 3 times:" \
		    "$(tail -n 3 "$dir/download.log" | squash)" >&2
		return 1
	fi
	debs=("$dir"/atftpd_*.deb)
	deb=${debs[0]}
	dpkg-deb -x "$deb" "$dir/root" || return 1
	ATFTPD=$dir/root/usr/sbin/atftpd
	ATFTPD_VERSION=$(dpkg-deb -f "$deb" Version)
	need "$ATFTPD" atftpd || return 1
	: >"$log" && chown "$RUN_USER" "$log" || return 1
	for ((try = 0; try < 10; try++)); do
		port=$(free_port) || return 1
		"$ATFTPD" --daemon --no-fork --port "$port" \
		    --bind-address 127.0.0.1 --user "$RUN_USER" \
		    --group "$RUN_GROUP" --no-multicast --logfile "$log" \
		    "$TFTPROOT" </dev/null >>"$out" 2>&1 &
		pid=$!
		if tftp_server_up atftpd "$pid" "$port"; then
			ATFTPD_PORT=$port
			return 0
		fi
	done
	echo "start_atftpd: atftpd did not answer on any of 10 ports; log:" >&2
	sed 's/^/    /' "$log" "$out" >&2
	return 1
}

# ---------------------------------------------------------------------------
# dnsmasq's TFTP server, in its own network namespace (see the top).

start_dnsmasq_tftp() {
	local conf=$SRV/conf/dnsmasq-tftp.conf log=$SRV/logs/dnsmasq-tftp.log
	local pid
	need "$DNSMASQ" dnsmasq-base || return 1
	need /usr/bin/unshare util-linux || return 1
	need /usr/bin/nsenter util-linux || return 1
	cat >"$conf" <<EOF
port=0
enable-tftp
tftp-root=$TFTPROOT
listen-address=127.0.0.1
bind-interfaces
no-resolv
no-hosts
user=$RUN_USER
group=$RUN_GROUP
pid-file=$SRV/run/dnsmasq-tftp.pid
log-facility=$log
EOF
	: >"$log"
	# unshare and sh exec: the PID is dnsmasq's.
	/usr/bin/unshare -n /bin/sh -c 'ip link set lo up && exec "$@"' sh \
	    "$DNSMASQ" -k --conf-file="$conf" </dev/null >>"$log" 2>&1 &
	pid=$!
	_record_pid dnsmasq-tftp "$pid"
	DNSMASQ_TFTP_PID=$pid
	_wait_server "dnsmasq (TFTP, own namespace)" "$pid" "$log" \
	    /usr/bin/nsenter -t "$pid" -n -- "$PYTHON" -c "$(cat <<'EOF'
import socket, struct, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(0.3)
s.sendto(struct.pack("!H", 1) + b"updprobe-test-ping\0octet\0",
         ("127.0.0.1", 69))
try:
    data = s.recv(600)
except OSError:
    sys.exit(1)
sys.exit(0 if data[:2] in (b"\0\3", b"\0\5") else 1)
EOF
)"
}

start_blackhole() {
	local pid log=$SRV/logs/blackhole.log
	"$PYTHON" "$SERVERS_DIR/blackhole.py" --port 0 \
	    --port-file "$SRV/run/blackhole.port" </dev/null >>"$log" 2>&1 &
	pid=$!
	_record_pid blackhole "$pid"
	BLACKHOLE_PORT=$(_wait_port_file blackhole "$pid" \
	    "$SRV/run/blackhole.port" "$log") || return 1
}

# ---------------------------------------------------------------------------
# Set-up.  A server that does not start is a failure, never a skip.

[ -x "$UPDPROBE" ] ||
    bail_out "the probe $UPDPROBE is not an executable file (make first)"
make_trees || bail_out "make the update folders in $SRV"
make_secrets || bail_out "make the password files (htpasswd: apache2-utils)"
CREDS=(--user m3 --password-file "$TEST_TMP/pw-good")
WRONG=(--user m3 --password-file "$TEST_TMP/pw-wrong")
NGINX_PORT=$(free_port)
NGINX_TLS_PORT=$(free_port)
start_dns || bail_out "start dnsmasq as the DNS server (see above)"
DNS=(--dns-server "127.0.0.1:$DNS_PORT")
start_blackhole || bail_out "start the port that never accepts (blackhole.py)"
start_tftpd "$TFTPROOT" || bail_out "start tftpd-hpa (see above)"
start_apache || bail_out "start Apache (see above)"
start_nginx || bail_out "start nginx (see above)"
start_lighttpd || bail_out "start lighttpd (see above)"
start_dnsmasq_tftp || bail_out "start dnsmasq's TFTP server (see above)"
start_atftpd || bail_out "start atftpd, unpacked from its .deb (see above)"
N="http://nginx.test:$NGINX_PORT"
NS="https://nginx.test:$NGINX_TLS_PORT"
L="http://lighttpd.test:$LIGHTTPD_PORT"
echo "# servers up in $(($(date +%s) - T0)) s: DNS (dnsmasq) $DNS_PORT," \
    "Apache $APACHE_PORT, nginx $NGINX_PORT and $NGINX_TLS_PORT (TLS)," \
    "lighttpd $LIGHTTPD_PORT, tftpd-hpa $TFTP_PORT, atftpd $ATFTPD_PORT," \
    "dnsmasq TFTP 69 in its own namespace; all on 127.0.0.1"

pkg_version() {
	dpkg-query -W -f='${Version}' "$1" 2>/dev/null || echo "?"
}

# ---------------------------------------------------------------------------
# What every HTTP server serves alike: the folders of the tree.

http_common_cases() {		# BASE
	local b=$1
	expect "a correct folder is code 0" 0 none "nowarn|s:connect=ok" -- \
	    "${DNS[@]}" "$b/good/"
	expect "the .fwu files served as text/plain are images: code 0 and a warning" \
	     0 none "w:text/plain" -- "${DNS[@]}" "$b/good-text/"
	expect "a folder that is not there is code 3" 3 dirfile \
	    "HTTP 404|/nowhere/dirlist.txt" -- "${DNS[@]}" "$b/nowhere/"
	expect "an empty gateway file is code 7" 7 firmware "is empty" -- \
	    "${DNS[@]}" "$b/empty-fw/"
	expect "an empty dirlist.txt is code 10" 10 dirfile "empty" -- \
	    "${DNS[@]}" "$b/empty-dirfile/"
	expect "a gateway file shorter than GwCodeSize is code 7" 7 firmware \
	    "150000 bytes|200000" -- "${DNS[@]}" "$b/short-fw/"
	expect "an HTML page as the gateway file is code 7, quoted" 7 \
	    firmware "text or HTML|<!DOCTYPE html>" -- "${DNS[@]}" \
	    "$b/html-fw/"
	expect "a gateway file the server cannot read (403) is code 2" 2 \
	    firmware "HTTP 403|$GW" -- "${DNS[@]}" "$b/unreadable-fw/"
	expect "a 200000-byte gateway file over a 100K limit is code 4" 4 \
	    firmware "$GW|200000" -- "${DNS[@]}" --max-size 100K "$b/good/"
	expect "version 0800, not in the DirFile, is code 1" 1 version \
	    "0800" -- "${DNS[@]}" --firmware-version 0800 "$b/good/"
	expect "an HTML page as dirlist.txt is code 10" 10 dirfile \
	    "not a DirFile" -- "${DNS[@]}" "$b/dirfile-html/"
	expect "a DirFile line without '=' is code 9" 9 dirfile "line 3" -- \
	    "${DNS[@]}" "$b/syntax/"
	expect "a DirFile naming the file '.' is code 9" 9 dirfile \
	    "file name" -- "${DNS[@]}" "$b/syntax-dot/"
	expect "file names with '#', '?', a blank and %47 fetch exactly those files" \
	     0 none "" -- "${DNS[@]}" "$b/names/"
	expect "a file name with '?v=1' fetches that file, no query" 0 none \
	    "" -- "${DNS[@]}" "$b/names-query/"
	expect "--dirfile-name 'list#1.txt' fetches that file" 0 none "" -- \
	    "${DNS[@]}" --dirfile-name 'list#1.txt' "$b/hash-dirfile/"
	expect "--dirfile-name 'dirlist.txt#x' asks for that name, not dirlist.txt: code 3" \
	     3 dirfile "dirlist.txt%23x" -- \
	    "${DNS[@]}" --dirfile-name 'dirlist.txt#x' "$b/good/"
}

apache_cases() {
	section "Apache $(pkg_version apache2)"
	http_common_cases "$A"
	expect "Basic (htpasswd), the right password: code 0" 0 none "" -- \
	    "${DNS[@]}" "${CREDS[@]}" "$A/auth-basic/"
	expect "Basic, no credentials: code 12, the scheme named" 12 \
	    dirfile "asks for Basic|no credentials configured" -- \
	    "${DNS[@]}" "$A/auth-basic/"
	expect "Basic, a wrong password: code 12, refused" 12 dirfile \
	    "credentials were refused|Basic" -- "${DNS[@]}" "${WRONG[@]}" \
	    "$A/auth-basic/"
	expect "Digest (htdigest), the right password: code 0" 0 none "" -- \
	    "${DNS[@]}" "${CREDS[@]}" "$A/auth-digest/"
	expect "Digest, no credentials: code 12, the scheme named" 12 \
	    dirfile "asks for Digest|no credentials configured" -- \
	    "${DNS[@]}" "$A/auth-digest/"
	expect "Digest, a wrong password: code 12, refused" 12 dirfile \
	    "credentials were refused|Digest" -- "${DNS[@]}" \
	    "${WRONG[@]}" "$A/auth-digest/"
	expect "'Require all denied' (403) is code 2" 2 dirfile "HTTP 403" \
	    -- "${DNS[@]}" "$A/denied/"
	expect "FallbackResource: an HTML page for a missing dirlist.txt is code 10" \
	     10 dirfile "not a DirFile" -- "${DNS[@]}" \
	    "$A/fallback/"
	expect "FallbackResource: an HTML page for a missing gateway file is code 7" \
	     7 firmware "text or HTML|served as text/html" -- \
	    "${DNS[@]}" "$A/fallback-fw/"
	expect "mod_speling: dirlist.txt redirected to DirList.txt is code 0" \
	    0 none "" -- "${DNS[@]}" "$A/case/"
	expect "mod_speling: two near names (300 Multiple Choices) is code 2" \
	    2 dirfile "HTTP 300" -- "${DNS[@]}" "$A/speling-multi/"
	expect "mod_ratelimit: a gateway file at 1 KiB/s is code 5" 5 \
	    firmware "not delivered within $SLOW s" -- "${DNS[@]}" --full \
	    --timeout "$SLOW" "$A/slow/"
	# Redirects: every new host looked up at the configured DNS server.
	expect "a redirect within the host is followed: code 0" 0 none "" -- \
	    "${DNS[@]}" "$A/redir-same/"
	expect "a redirect to another host (nginx.test, found at the configured DNS server) is code 0" \
	     0 none "" -- "${DNS[@]}" \
	    "$A/redir-cross/"
	expect "a redirect to https:// on another port (--insecure) is code 0" \
	     0 none "" -- "${DNS[@]}" --insecure "$A/redir-https/"
	expect "a redirect to https:// with a self-signed certificate is code 2 at the dirfile step, the https URL named" \
	     2 dirfile \
	    "https://nginx.test:$NGINX_TLS_PORT/good/dirlist.txt|s:connect=ok" \
	    -- "${DNS[@]}" "$A/redir-https/"
	expect "a redirect to a name that does not resolve is code 11" 11 \
	    dirfile "lookup of nx.test|NXDOMAIN|s:dns=ok" -- "${DNS[@]}" \
	    "$A/redir-nx/"
	expect "a redirect to a name a DNS sinkhole answers (0.0.0.0) is code 2, said why" \
	    2 dirfile "sinkhole.test is 0.0.0.0|sinkhole|s:dns=ok" -- \
	    "${DNS[@]}" "$A/redir-sinkhole/"
	expect "a redirect to the address 0.0.0.0 is code 2, never a connection to this host" \
	    2 dirfile "0.0.0.0 is 0.0.0.0|s:connect=ok" -- "${DNS[@]}" \
	    "$A/redir-zero/"
	expect "a redirect to a closed port is code 2, that URL named" 2 \
	    dirfile "http://apache.test:$CLOSED_PORT/good/dirlist.txt|s:connect=ok" \
	    -- "${DNS[@]}" "$A/redir-closed/"
	expect "a redirect to a host that never accepts is code 2, not 5" 2 \
	    dirfile "no connection|blackhole.test:$BLACKHOLE_PORT" -- \
	    "${DNS[@]}" --timeout "$SLOW" "$A/redir-blackhole/"
	expect "a redirect to tftp:// is not followed: code 2, said why" 2 \
	    dirfile "tftp://tftp.test:$TFTP_PORT/good/|http:// and https:// only" \
	    -- "${DNS[@]}" "$A/redir-tftp/"
	expect "a redirect loop is code 2 after 8 redirects" 2 dirfile \
	    "more than 8 redirects" -- "${DNS[@]}" "$A/redir-loop/"
	expect "credentials follow a redirect within the host: code 0" 0 \
	    none "" -- "${DNS[@]}" "${CREDS[@]}" "$A/redir-auth-same/"
	expect "credentials are not sent to another host: code 12, said so" \
	    12 dirfile "sent only to apache.test|not to nginx.test" -- \
	    "${DNS[@]}" "${CREDS[@]}" "$A/redir-auth-cross/"
	local seen
	SERVER_CASES[$SERVER]=$((SERVER_CASES[$SERVER] + 1))
	seen=$(grep -c "^nginx.test /auth-basic/dirlist.txt 401 auth=none$" \
	    "$SRV/logs/nginx-access.log")
	if [ "$seen" -ge 1 ] && ! grep -q "auth-basic/dirlist.txt .* auth=sent" \
	    "$SRV/logs/nginx-access.log"; then
		ok "$SERVER: nginx saw the redirected request without an Authorization header"
	else
		not_ok "$SERVER: nginx saw the redirected request without an Authorization header (its log: $(grep auth-basic "$SRV/logs/nginx-access.log" | squash))"
	fi
	expect "firmware files redirected to another host are code 0" 0 none \
	    "" -- "${DNS[@]}" "$A/redir-fw/"
	expect "a firmware redirect to a 404 is code 3, the target named" 3 \
	    firmware "nginx.test:$NGINX_PORT/nowhere/$GW|after 1 redirect" \
	    -- "${DNS[@]}" "$A/redir-fw404/"
	# Output: URL bytes >= 0x80 escaped, a cut detail marked.
	expect "a URL with the byte 0xff: valid JSON, the byte as %ff" 3 \
	    dirfile "good%ff/dirlist.txt|u:good%ff/" -- "${DNS[@]}" \
	    "$A/good"$'\xff'"/"
	expect "a detail cut at 255 characters ends in '...'" 3 dirfile \
	    "\$:..." -- "${DNS[@]}" "$A/$(printf 'folder-%03d/' $(seq 1 30))"
}

nginx_cases() {
	section "nginx $(pkg_version nginx)"
	http_common_cases "$N"
	expect "auth_basic, the right password: code 0" 0 none "" -- \
	    "${DNS[@]}" "${CREDS[@]}" "$N/auth-basic/"
	expect "auth_basic, no credentials: code 12, the scheme named" 12 \
	    dirfile "asks for Basic|no credentials configured" -- \
	    "${DNS[@]}" "$N/auth-basic/"
	expect "auth_basic, a wrong password: code 12, refused" 12 dirfile \
	    "credentials were refused" -- "${DNS[@]}" "${WRONG[@]}" \
	    "$N/auth-basic/"
	expect "auth_basic over HTTPS, the right password: code 0" 0 none \
	    "s:connect=ok" -- "${DNS[@]}" --insecure "${CREDS[@]}" \
	    "$NS/auth-basic/"
	expect "'return 503' is code 2" 2 dirfile "HTTP 503" -- "${DNS[@]}" \
	    "$N/status-503/"
	expect "'return 401' without WWW-Authenticate is code 12, said so" \
	    12 dirfile "without a WWW-Authenticate header" -- "${DNS[@]}" \
	    "${CREDS[@]}" "$N/bare-401/"
	expect "a 401 offering Negotiate and NTLM only is code 12, said so" \
	    12 dirfile "offers Negotiate, NTLM|only Basic and Digest" -- \
	    "${DNS[@]}" "${CREDS[@]}" "$N/negotiate/"
	expect "limit_rate: a DirFile at 50 bytes/s is code 5" 5 dirfile \
	    "not delivered within $SLOW s" -- "${DNS[@]}" --timeout "$SLOW" \
	    "$N/slow/"
	expect "max_ranges 0: the whole file instead of a range is code 0" 0 \
	    none "" -- "${DNS[@]}" "$N/noranges/"
	expect "max_ranges 0: the size from Content-Length over a 100K limit is code 4" \
	     4 firmware "200000" -- "${DNS[@]}" \
	    --max-size 100K "$N/noranges/"
	expect "only DirList.txt (case-sensitive) is code 3, named" 3 dirfile \
	    "DirList.txt exists" -- "${DNS[@]}" "$N/case/"
	expect "HTTPS (--insecure) is code 0" 0 none "s:connect=ok" -- \
	    "${DNS[@]}" --insecure "$NS/good/"
	expect "HTTPS with a self-signed certificate is code 2 at connect" \
	    2 connect "certificate" -- "${DNS[@]}" "$NS/good/"
	expect "a redirect to https:// on another port (return 301) is code 0" \
	     0 none "" -- "${DNS[@]}" --insecure "$N/redir-https/"
}

lighttpd_cases() {
	section "lighttpd $(pkg_version lighttpd)"
	http_common_cases "$L"
	expect "mod_auth Digest, the right password: code 0" 0 none "" -- \
	    "${DNS[@]}" "${CREDS[@]}" "$L/auth-digest/"
	expect "mod_auth Digest, no credentials: code 12, the scheme named" \
	    12 dirfile "asks for Digest|no credentials configured" -- \
	    "${DNS[@]}" "$L/auth-digest/"
	expect "mod_auth Digest, a wrong password: code 12, refused" 12 \
	    dirfile "credentials were refused" -- "${DNS[@]}" \
	    "${WRONG[@]}" "$L/auth-digest/"
	expect "only DirList.txt (case-sensitive) is code 3, named" 3 dirfile \
	    "DirList.txt exists" -- "${DNS[@]}" "$L/case/"
	expect "kbytes-per-second: a gateway file at 1 KiB/s is code 5" 5 \
	    firmware "not delivered within $SLOW s" -- "${DNS[@]}" --full \
	    --timeout "$SLOW" "$L/slow/"
}

# tftp_cases BASE UNREADABLE-CODE UNREADABLE-WORDS: the code of a file the
# server cannot read follows its TFTP error (see "TFTP errors" in the
# README): 3 for error 1 ("file not found"), 2 for any other.
tftp_cases() {
	local b=$1
	expect "a correct folder is code 0" 0 none "nowarn" -- "$b/good/"
	expect "a folder that is not there is code 3" 3 dirfile \
	    "TFTP file not found" -- "$b/nowhere/"
	expect "only DirList.txt is code 3, named" 3 dirfile \
	    "DirList.txt exists" -- "$b/case/"
	expect "an empty gateway file (OACK tsize 0) is code 7" 7 firmware \
	    "is empty" -- "$b/empty-fw/"
	expect "an empty dirlist.txt (OACK tsize 0) is code 10" 10 dirfile \
	    "empty" -- "$b/empty-dirfile/"
	expect "a gateway file the server cannot read is code $2" "$2" \
	    firmware "$3" -- "$b/unreadable-fw/"
	expect "a gateway file shorter than GwCodeSize is code 7" 7 firmware \
	    "150000 bytes" -- "$b/short-fw/"
	expect "an HTML page as the gateway file is code 7" 7 firmware \
	    "text or HTML" -- "$b/html-fw/"
	expect "a gateway file over a 100K limit (tsize) is code 4" 4 \
	    firmware "200000" -- --max-size 100K "$b/good/"
	expect "version 0800, not in the DirFile, is code 1" 1 version \
	    "0800" -- --firmware-version 0800 "$b/good/"
	expect "an HTML page as dirlist.txt is code 10" 10 dirfile \
	    "not a DirFile" -- "$b/dirfile-html/"
	expect "a DirFile line without '=' is code 9" 9 dirfile "line 3" -- \
	    "$b/syntax/"
	expect "file names with '#', '?', a blank and %47 fetch exactly those files" \
	     0 none "" -- "$b/names/"
	expect "a file name with '?v=1' fetches that file" 0 none "" -- \
	    "$b/names-query/"
	expect "--dirfile-name 'list#1.txt' fetches that file" 0 none "" -- \
	    --dirfile-name 'list#1.txt' "$b/hash-dirfile/"
}

tftpd_hpa_cases() {
	section "tftpd-hpa $(pkg_version tftpd-hpa)"
	tftp_cases "tftp://127.0.0.1:$TFTP_PORT" 2 \
	    'TFTP error 0 or 4|"Permission denied"'
	expect "the server's name (tftp.test) through the configured DNS is code 0" \
	     0 none "s:dns=ok|s:connect=skipped" -- "${DNS[@]}" \
	    "tftp://tftp.test:$TFTP_PORT/good/"
}

dnsmasq_tftp_cases() {
	section "dnsmasq TFTP $(pkg_version dnsmasq-base)"
	RUN_IN=(/usr/bin/nsenter -t "$DNSMASQ_TFTP_PID" -n --)
	tftp_cases "tftp://127.0.0.1" 2 "TFTP error 2 (access violation)"
	RUN_IN=()
}

atftpd_cases() {
	section "atftpd $ATFTPD_VERSION"
	tftp_cases "tftp://127.0.0.1:$ATFTPD_PORT" 3 "TFTP file not found"
	expect "the server's name (tftp.test) through the configured DNS is code 0" \
	     0 none "s:dns=ok|s:connect=skipped" -- "${DNS[@]}" \
	    "tftp://tftp.test:$ATFTPD_PORT/good/"
}

dns_cases() {
	section "dnsmasq DNS $(pkg_version dnsmasq-base)"
	expect "a server name the DNS server knows is code 0" 0 none \
	    "s:dns=ok" -- "${DNS[@]}" "$L/good/"
	expect "NXDOMAIN for the server name is code 11" 11 dns \
	    "NXDOMAIN" -- "${DNS[@]}" "http://nx.test:$LIGHTTPD_PORT/good/"
	expect "a name with only an AAAA record is code 11" 11 dns \
	    "no A record" -- "${DNS[@]}" \
	    "http://v6only.test:$LIGHTTPD_PORT/good/"
}

usage_cases() {
	section "usage"
	expect_usage "--dirfile-name .. is a usage error" "dirFile" \
	    --dirfile-name .. "${DNS[@]}" "$L/good/"
	expect_usage "--dirfile-name with a '/' is a usage error" "dirFile" \
	    --dirfile-name sub/dirlist.txt "${DNS[@]}" \
	    "$L/good/"
	expect_usage "--dirfile-name . is a usage error" "dirFile" \
	    --dirfile-name . "${DNS[@]}" "$L/good/"
	expect_usage "--dirfile-name with a control character is a usage error" \
	     "control character" --dirfile-name $'dir\tlist.txt' \
	    "${DNS[@]}" "$L/good/"
	expect_usage "a '#' in a URL's folder must be written %23" "%23" \
	    "${DNS[@]}" "$L/a#b/"
}

# The MIB: updprobeTargetUrl with a byte >= 0x80 escaped; a Url longer
# than its 255 characters, and a Detail cut by the engine, marked "...".
agent_cases() {
	local conf=$TEST_TMP/updprobed.conf long v rest
	section "updprobed (MIB)"
	# shellcheck source=SCRIPTDIR/../snmplib.sh
	if ! . "$HERE/../snmplib.sh"; then
		not_ok "$SERVER: the SNMP tools and MIBs (tests/snmplib.sh, see above)"
		return
	fi
	start_snmpd || { not_ok "$SERVER: start snmpd (see above)"; return; }
	long="$A/$(printf 'folder-%03d/' $(seq 1 30))"
	{
		echo "agentxPingInterval 1"
		echo "interval 3600"
		echo "timeout 5"
		echo "dnsServer 127.0.0.1:$DNS_PORT"
		echo "allowLoopback yes"
		printf 'target byte-ff %s\n' "$A/good"$'\xff'"/"
		echo "target long-url $long"
	} >"$conf"
	start_updprobed "$conf" ||
	    { not_ok "$SERVER: start updprobed (see above)"; return; }
	if ! wait_for -t 30 snmp_probed byte-ff ||
	    ! wait_for -t 30 snmp_probed long-url; then
		not_ok "$SERVER: the targets were never probed: $(tail -n 5 "$UPDPROBED_LOG" | squash)"
		return
	fi
	v=$(snmp_get updprobeTargetUrl byte-ff | tr -d '"')
	SERVER_CASES[$SERVER]=$((SERVER_CASES[$SERVER] + 1))
	if [ "$v" = "$A/good%ff/" ]; then
		ok "$SERVER: updprobeTargetUrl carries the byte 0xff as %ff ($v)"
	else
		not_ok "$SERVER: updprobeTargetUrl carries the byte 0xff as %ff (got: $(printf '%s' "$v" | od -c | squash))"
	fi
	v=$(snmp_get updprobeTargetUrl long-url | tr -d '"')
	rest=${long:0:252}
	SERVER_CASES[$SERVER]=$((SERVER_CASES[$SERVER] + 1))
	if [ "$v" = "$rest..." ]; then
		ok "$SERVER: a ${#long}-character updprobeTargetUrl is cut at 255 and ends in '...'"
	else
		not_ok "$SERVER: a ${#long}-character updprobeTargetUrl is cut at 255 and ends in '...' (got ${#v} characters: $v)"
	fi
	v=$(snmp_get updprobeTargetDetail long-url | tr -d '"')
	SERVER_CASES[$SERVER]=$((SERVER_CASES[$SERVER] + 1))
	if [ "${#v}" -eq 255 ] && [ "${v: -3}" = "..." ] &&
	    [[ "$v" == "HTTP 404 for $A/folder-001/"* ]]; then
		ok "$SERVER: a cut updprobeTargetDetail (255 characters) ends in '...'"
	else
		not_ok "$SERVER: a cut updprobeTargetDetail (255 characters) ends in '...' (got ${#v} characters: $v)"
	fi
	stop_updprobed
	SERVER_CASES[$SERVER]=$((SERVER_CASES[$SERVER] + 1))
	v=$(grep -E 'Sanitizer|runtime error:' "$UPDPROBED_LOG" | head -n 3 |
	    squash)
	if [ "$UPDPROBED_STATUS" -eq 0 ] && [ -z "$v" ]; then
		ok "$SERVER: updprobed stopped cleanly on SIGTERM, no sanitizer report"
	else
		not_ok "$SERVER: updprobed exit status $UPDPROBED_STATUS on SIGTERM${v:+; sanitizer report: $v}"
	fi
}

apache_cases
nginx_cases
lighttpd_cases
tftpd_hpa_cases
atftpd_cases
dnsmasq_tftp_cases
dns_cases
usage_cases
agent_cases

for s in "${!SERVER_CASES[@]}"; do
	echo "# cases: ${SERVER_CASES[$s]} $s"
done | sort
echo "# wall time: $(($(date +%s) - T0)) s"
finish
