#!/bin/bash
# make demo: the embedded default.  Starts demo update servers on loopback
# (an HTTP server playing several states, a DNS server, a TFTP server when
# run as root) and shows what updprobe predicts for each, as an operator
# would see it.
set -u
. "$(dirname "$0")/lib.sh"
UPDPROBE=${UPDPROBE:-build/updprobe}

start_httpfault || exit 1
start_dnsfake || exit 1
printf 's3cret\n' >"$TEST_TMP/site.secret"
chmod 600 "$TEST_TMP/site.secret"

H="fw.ok.test:$HTTP_PORT"
DNS=(--dns-server "127.0.0.1:$DNS_PORT" --timeout 2)

show() {	# TITLE ARGS...
	local title=$1
	shift
	printf '\n=== %s\n$ updprobe %s\n' "$title" "$*"
	"$UPDPROBE" "${DNS[@]}" "$@"
	printf '(exit status %d)\n' $?
}

show "a good update folder" "http://$H/good/"
show "the folder wants a password the base station has" \
    --user m3 --password-file "$TEST_TMP/site.secret" "http://$H/auth-digest/"
show "the folder wants a password the base station lacks" "http://$H/auth-basic/"
show "DirList.txt exists, dirlist.txt does not" "http://$H/case/"
show "a hand-edited DirFile" "http://$H/syntax-section/"
show "the folder holds a web page, not a DirFile" "http://$H/dirfile-html/"
show "the selected version is not on the server" --version 0800 "http://$H/good/"
show "a firmware file uploaded in text mode" "http://$H/fw-html/"
show "the server name does not resolve" "http://fw.nx.test:$HTTP_PORT/good/"

if [ "$(id -u)" = 0 ] && tftp_tree "$TEST_TMP/tftp" &&
    start_tftpd "$TEST_TMP/tftp"; then
	show "a TFTP server with the Updates folder" \
	    "tftp://127.0.0.1:$TFTP_PORT/Updates/"
fi

printf '\n=== the same, for scripts (--json)\n'
"$UPDPROBE" "${DNS[@]}" --json "http://$H/missing-gw/"
exit 0
