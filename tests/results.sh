# results.sh - how every updprobe test script reports: "ok - ..." /
# "not ok - ..." per check, then one "N passed, N failed" line; finish
# exits 1 on any failure.  Sourced by lib.sh and by scripts that start no
# server (tests/fuzz/run.sh).
# shellcheck shell=bash

PASSED=0
FAILED=0

# ok / not_ok DESCRIPTION...: the words are joined by spaces.
ok() {
	PASSED=$((PASSED + 1))
	echo "ok - $*"
}

not_ok() {
	FAILED=$((FAILED + 1))
	echo "not ok - $*"
}

# check CONDITION-STATUS DESCRIPTION EVIDENCE
check() {
	if [ "$1" -eq 0 ]; then
		ok "$2"
	else
		not_ok "$2 ($3)"
	fi
}

finish() {
	echo "$PASSED passed, $FAILED failed"
	[ "$FAILED" -eq 0 ]
	exit $?
}

bail_out() {
	not_ok "$1"
	finish
}

# One line of at most 700 characters, for a failure message.
squash() {
	tr '\n' ' ' | cut -c 1-700
}
