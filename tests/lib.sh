# lib.sh - helpers for the updprobe tests that start real servers.
#
# Source it from bash:   . "$(dirname "$0")/../lib.sh"
#
# It makes a per-run temporary directory ($TEST_TMP, removed on exit) and
# starts the test servers on loopback, each on a free port, recording their
# PIDs; on exit every recorded PID is killed and waited for (never by name).
#
#   start_httpfault [--ipv6] [ARGS...]  exports HTTP_PORT (HTTP6_PORT with --ipv6)
#   start_dnsfake [ARGS...]             exports DNS_PORT
#   start_dnsfake_as VAR TAG [ARGS...]  another one; exports VAR (its port)
#   start_tftpd DIR                     exports TFTP_PORT (tftpd-hpa, needs root)
#   tftp_tree DIR                       writes DIR/Updates/ with a good folder
#   free_port [tcp|udp]                 prints a free loopback port
#   stop_servers                        stops them (also run on exit)
#   wait_for [-t SECONDS] CMD...        runs CMD until it succeeds (see below)
#   wait_check [-t SECONDS] DESC CMD... the same as one check: ok DESC, or
#                                       not ok naming what CMD last printed
#
# The start_* functions return non-zero with a message on stderr when the
# server does not come up; the caller decides that this is a failure.

TESTS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SERVERS_DIR="$TESTS_DIR/servers"

# The servers use only Debian 12's system python; fall back to any python3.
if [ -x /usr/bin/python3 ]; then
	PYTHON=/usr/bin/python3
else
	PYTHON=python3
fi

TFTPD=${TFTPD:-/usr/sbin/in.tftpd}
# Seconds a server has to write its port file (python starts in well
# under a second, but not on a machine with load 20).
SERVER_START_TIMEOUT=30

TEST_TMP=$(mktemp -d "${TMPDIR:-/tmp}/updprobe-test.XXXXXX") || {
	echo "lib.sh: cannot make a temporary directory" >&2
	exit 1
}
export TEST_TMP

# ok, not_ok, check, finish, bail_out, squash.
# shellcheck source=SCRIPTDIR/results.sh
. "$TESTS_DIR/results.sh"

_SERVER_PIDS=()
_SERVER_NAMES=()

# pid_ours PID: the process numbered PID is still a child of this script.
# PIDs wrap around at 32,768 within minutes when the suites run side by
# side; a server that exited on its own leaves its number to any process,
# another suite's server as likely as not, which must never get our
# signal.  A child that exited and was not reaped (a zombie) is still
# ours.
pid_ours() {
	local st f
	st=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
	read -r -a f <<<"${st##*) }"
	[ "${f[1]:-}" = "$$" ]
}

stop_servers() {
	local i pid
	for i in "${!_SERVER_PIDS[@]}"; do
		pid=${_SERVER_PIDS[$i]}
		if pid_ours "$pid"; then
			kill "$pid" 2>/dev/null
			wait "$pid" 2>/dev/null
		fi
	done
	_SERVER_PIDS=()
	_SERVER_NAMES=()
}

# The shell that sourced us: a subshell inherits the EXIT trap, and one
# that exits (or is killed) must not stop the servers or remove $TEST_TMP.
_LIB_MAIN_PID=$BASHPID
_lib_cleanup() {
	[ "$BASHPID" = "$_LIB_MAIN_PID" ] || return 0
	stop_servers
	rm -rf "$TEST_TMP"
}
trap _lib_cleanup EXIT
# Die by a signal through exit, so the EXIT trap still stops the servers.
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 141' PIPE
trap 'exit 143' TERM

# Waits.  A condition is a command that succeeds once the awaited state is
# there and, while it is not, prints what it sees instead (one short line
# is best): that is the evidence when the deadline passes.  Deadlines are
# generous (the machine may be busy with load 10 and more): a condition
# that holds ends the wait at once, so only a failure waits them out.
WAIT_TIMEOUT=${WAIT_TIMEOUT:-30}
_WAIT_DEPTH=0

# wait_for [-t SECONDS] CMD...: runs CMD in this shell (so it may set
# variables) every 0.1 s until it succeeds, for at most SECONDS (default
# $WAIT_TIMEOUT); returns 0 if it did, 1 if not.  Leaves what CMD printed
# the last time (stdout and stderr, squashed to one line) in WAIT_SEEN
# and the milliseconds waited in WAIT_MS.
wait_for() {
	local _wf_limit=$WAIT_TIMEOUT _wf_t0 _wf_end _wf_f _wf_rc
	if [ "${1:-}" = -t ]; then
		_wf_limit=$2
		shift 2
	fi
	# A condition may wait itself: each depth has its own file.
	_WAIT_DEPTH=$((_WAIT_DEPTH + 1))
	_wf_f=$TEST_TMP/wait-seen.$BASHPID.$_WAIT_DEPTH
	_wf_t0=$(date +%s%N)
	_wf_end=$((_wf_t0 + ${_wf_limit%.*} * 1000000000))
	while :; do
		"$@" >"$_wf_f" 2>&1
		_wf_rc=$?
		[ "$_wf_rc" -eq 0 ] && break
		[ "$(date +%s%N)" -ge "$_wf_end" ] && break
		sleep 0.1
	done
	WAIT_MS=$((($(date +%s%N) - _wf_t0) / 1000000))
	WAIT_SEEN=$(squash <"$_wf_f")
	rm -f "$_wf_f"
	_WAIT_DEPTH=$((_WAIT_DEPTH - 1))
	[ "$_wf_rc" -eq 0 ]
}

# wait_check [-t SECONDS] DESCRIPTION CMD...: wait_for as one check.
wait_check() {
	local _wc_limit=$WAIT_TIMEOUT _wc_desc
	if [ "${1:-}" = -t ]; then
		_wc_limit=$2
		shift 2
	fi
	_wc_desc=$1
	shift
	if wait_for -t "$_wc_limit" "$@"; then
		ok "$_wc_desc"
	else
		not_ok "$_wc_desc (not within $_wc_limit s; last seen: ${WAIT_SEEN:-nothing printed})"
		return 1
	fi
}

_record_pid() {		# NAME PID
	_SERVER_NAMES+=("$1")
	_SERVER_PIDS+=("$2")
}

# free_port [tcp|udp]: a port that was free on 127.0.0.1 a moment ago,
# for TCP and UDP both (a DNS server takes both).  It is drawn below the
# kernel's range of ephemeral ports: the suites run side by side, and
# their many connections take ports from that range, so a port found
# there could be taken by a connection before the server binds it.
free_port() {
	"$PYTHON" - <<'EOF'
import random, socket, sys
lo = 32768
try:
    with open("/proc/sys/net/ipv4/ip_local_port_range") as f:
        lo = int(f.read().split()[0])
except (OSError, ValueError, IndexError):
    pass
lo = max(lo, 11024)
for _ in range(200):
    port = random.randrange(10000, lo)
    socks = []
    try:
        for kind in (socket.SOCK_STREAM, socket.SOCK_DGRAM):
            s = socket.socket(socket.AF_INET, kind)
            socks.append(s)
            s.bind(("127.0.0.1", port))
    except OSError:
        continue
    finally:
        for s in socks:
            s.close()
    print(port)
    sys.exit(0)
sys.exit("free_port: no free port below %d in 200 tries" % lo)
EOF
}

# _wait_port_file NAME PID FILE LOG: prints the port once FILE exists.
_wait_port_file() {
	local name=$1 pid=$2 file=$3 log=$4 i
	for ((i = 0; i < SERVER_START_TIMEOUT * 10; i++)); do
		if [ -s "$file" ]; then
			cat "$file"
			return 0
		fi
		if ! kill -0 "$pid" 2>/dev/null; then
			echo "$name exited before listening; its log:" >&2
			sed 's/^/    /' "$log" >&2
			return 1
		fi
		sleep 0.1
	done
	echo "$name wrote no port file in ${SERVER_START_TIMEOUT} s; its log:" >&2
	sed 's/^/    /' "$log" >&2
	return 1
}

# start_httpfault [--ipv6] [ARGS...]: the fault-playing HTTP update server.
# Its log is $TEST_TMP/httpfault.log (httpfault6.log for --ipv6).
start_httpfault() {
	local tag=httpfault var=HTTP_PORT pid port
	if [ "${1:-}" = "--ipv6" ]; then
		tag=httpfault6
		var=HTTP6_PORT
	fi
	rm -f "$TEST_TMP/$tag.port"
	"$PYTHON" "$SERVERS_DIR/httpfault.py" --port 0 \
	    --port-file "$TEST_TMP/$tag.port" "$@" \
	    </dev/null >>"$TEST_TMP/$tag.log" 2>&1 &
	pid=$!
	_record_pid "$tag" "$pid"
	port=$(_wait_port_file "$tag" "$pid" "$TEST_TMP/$tag.port" \
	    "$TEST_TMP/$tag.log") || return 1
	export "$var=$port"
}

# flip_server_start TRACK: httpfault.py on a port kept across restarts
# ($FLIP_PORT, chosen at the first start), for a server that goes down
# (flip_server_stop KILL) and comes back: its targets' code flips between
# 2 and 0.  TRACK and KILL are the caller's functions that take a PID
# (snmplib_track / snmplib_kill, or the bench's own).  Log: flip.log.
flip_server_start() {
	local track=$1
	[ -n "${FLIP_PORT:-}" ] || FLIP_PORT=$(free_port tcp) || return 1
	rm -f "$TEST_TMP/flip.port"
	"$PYTHON" "$SERVERS_DIR/httpfault.py" --port "$FLIP_PORT" \
	    --port-file "$TEST_TMP/flip.port" </dev/null \
	    >>"$TEST_TMP/flip.log" 2>&1 &
	FLIP_PID=$!
	"$track" "$FLIP_PID"
	wait_for -t 10 test -s "$TEST_TMP/flip.port"
}
flip_server_stop() {
	local kill=$1
	[ -n "${FLIP_PID:-}" ] && "$kill" "$FLIP_PID"
	FLIP_PID=
}

# start_dnsfake [ARGS...]: the DNS server of the zone "test.".
start_dnsfake() {
	local pid port
	rm -f "$TEST_TMP/dnsfake.port"
	"$PYTHON" "$SERVERS_DIR/dnsfake.py" --port 0 \
	    --port-file "$TEST_TMP/dnsfake.port" "$@" \
	    </dev/null >>"$TEST_TMP/dnsfake.log" 2>&1 &
	pid=$!
	_record_pid dnsfake "$pid"
	port=$(_wait_port_file dnsfake "$pid" "$TEST_TMP/dnsfake.port" \
	    "$TEST_TMP/dnsfake.log") || return 1
	export DNS_PORT=$port
}

# start_dnsfake_as VAR TAG [ARGS...]: another dnsfake.py (e.g. --all
# servfail), its port in VAR, its log $TEST_TMP/dnsfake-TAG.log.
start_dnsfake_as() {
	local var=$1 tag=dnsfake-$2 pid port
	shift 2
	rm -f "$TEST_TMP/$tag.port"
	"$PYTHON" "$SERVERS_DIR/dnsfake.py" --port 0 \
	    --port-file "$TEST_TMP/$tag.port" "$@" \
	    </dev/null >>"$TEST_TMP/$tag.log" 2>&1 &
	pid=$!
	_record_pid "$tag" "$pid"
	port=$(_wait_port_file "$tag" "$pid" "$TEST_TMP/$tag.port" \
	    "$TEST_TMP/$tag.log") || return 1
	export "$var=$port"
}

# _tftp_answers PORT: 0 if a TFTP server on 127.0.0.1:PORT answers a read
# request (any answer: data or "file not found").
_tftp_answers() {
	"$PYTHON" - "$1" <<'EOF'
import socket, struct, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(0.3)
s.sendto(struct.pack("!H", 1) + b"updprobe-test-ping\0octet\0",
         ("127.0.0.1", int(sys.argv[1])))
try:
    data = s.recv(600)
except OSError:
    sys.exit(1)
sys.exit(0 if data[:2] in (b"\0\3", b"\0\5") else 1)
EOF
}

# tftp_server_up NAME PID PORT: waits until the TFTP server PID answers on
# PORT (60 tries, 24 s at least: generous for a busy machine), then
# records it.  1 if it exited first (most likely the port was taken) or
# never answered: it is stopped then, for the caller to try another port.
tftp_server_up() {
	local name=$1 pid=$2 port=$3 i
	for ((i = 0; i < 60; i++)); do
		kill -0 "$pid" 2>/dev/null || break
		if _tftp_answers "$port"; then
			_record_pid "$name" "$pid"
			return 0
		fi
		sleep 0.1
	done
	kill "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	return 1
}

# start_tftpd DIR: tftpd-hpa serving DIR (chrooted: -s) on a random port.
# tftpd-hpa must start as root: it chroots into DIR and drops privileges
# to the user given by -u ("tftp" if it exists, else "nobody"), so the tree
# must be world-readable (tftp_tree makes it so).  Flags, tftpd-hpa 5.2:
#   -L  stay in the foreground (implies --listen, standalone)
#   -a  127.0.0.1:PORT, the address to listen on
#   -s  chroot into DIR, so "Updates/x" and "/Updates/x" are both DIR/Updates/x
#   -u  the user to drop to
start_tftpd() {
	local dir=$1 user=nobody try port pid
	if [ ! -x "$TFTPD" ]; then
		echo "start_tftpd: $TFTPD not found (apt-get install tftpd-hpa)" >&2
		return 1
	fi
	if [ "$(id -u)" != 0 ]; then
		echo "start_tftpd: tftpd-hpa must start as root (it chroots and" \
		    "drops privileges)" >&2
		return 1
	fi
	if getent passwd tftp >/dev/null 2>&1; then
		user=tftp
	fi
	dir=$(cd "$dir" && pwd) || return 1
	for ((try = 0; try < 10; try++)); do
		port=$((20000 + (RANDOM * 32768 + RANDOM) % 40001))
		: >"$TEST_TMP/tftpd.log"
		"$TFTPD" -L -a "127.0.0.1:$port" -s -u "$user" "$dir" \
		    </dev/null >>"$TEST_TMP/tftpd.log" 2>&1 &
		pid=$!
		if tftp_server_up tftpd "$pid" "$port"; then
			export TFTP_PORT=$port
			return 0
		fi
	done
	echo "start_tftpd: tftpd-hpa did not answer on any of 10 ports; log:" >&2
	sed 's/^/    /' "$TEST_TMP/tftpd.log" >&2
	return 1
}

# tftp_tree DIR: DIR/Updates/ holds the "good" folder of httpfault.py
# (dirlist.txt and the .fwu files, the same bytes), world-readable.
tftp_tree() {
	local dir=$1
	mkdir -p "$dir/Updates" || return 1
	"$PYTHON" "$SERVERS_DIR/httpfault.py" --dump-folder good \
	    "$dir/Updates" || return 1
	chmod 755 "$dir" "$dir/Updates" &&
	    chmod 644 "$dir"/Updates/*
}
