#!/bin/bash
# deps-test.sh - tests of tests/deps.sh: its exit status and what it does
# with /usr/sbin/policy-rc.d, in every case, without installing anything.
#
#   tests/deps-test.sh
#
# tests/deps.sh runs as make runs it (its #!/bin/sh, dash on Debian) with
# fake dpkg-query, dpkg-checkbuilddeps, apt-get, id and sudo first on its
# PATH (in a temporary directory): dpkg-query answers from a list of
# "installed" packages, apt-get records each call, whether policy-rc.d
# was there and what it answered, and installs into that list (or fails
# when told). DEPS_POLICY_RC_D points deps.sh at a policy-rc.d in the
# temporary directory, so the machine's own one is never touched. Last,
# deps.sh runs once against the real dpkg-query: after make check's
# tests/deps.sh check, every package is there, so it must exit 0 at once.

set -u
export LC_ALL=C
HERE=$(cd "$(dirname "$0")" && pwd)
DEPS=$HERE/deps.sh
# shellcheck source=tests/results.sh
. "$HERE/results.sh"

T=$(mktemp -d "${TMPDIR:-/tmp}/updprobe-deps-test.XXXXXX") || exit 1
trap 'rm -rf "$T"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
FAKE=$T/bin
POLICY=$T/policy-rc.d
mkdir -p "$FAKE"

# The fakes. Their state lives in $T: installed (one package a line),
# apt.log (one line a call: the arguments, then "policy=absent" or
# "policy=EXIT-STATUS" of policy-rc.d), sudo.log.
cat >"$FAKE/dpkg-query" <<'EOF'
#!/bin/sh
# dpkg-query -W -f=FORMAT PACKAGE
for last in "$@"; do :; done
grep -qx "$last" "$FAKE_STATE/installed" 2>/dev/null || {
	echo "dpkg-query: no packages found matching $last" >&2
	exit 1
}
echo "install ok installed"
EOF
cat >"$FAKE/dpkg-checkbuilddeps" <<'EOF'
#!/bin/sh
[ -e "$FAKE_STATE/builddeps-ok" ]
EOF
cat >"$FAKE/apt-get" <<'EOF'
#!/bin/sh
# Records the call and the state of policy-rc.d during it.
if [ -e "$DEPS_POLICY_RC_D" ]; then
	"$DEPS_POLICY_RC_D" snmpd start >/dev/null 2>&1
	policy="policy=$?"
else
	policy=policy=absent
fi
echo "$* $policy" >>"$FAKE_STATE/apt.log"
cmd=
pkgs=
for a in "$@"; do
	case $a in
	-*|DPkg::*) ;;
	install|update|build-dep) [ -z "$cmd" ] && cmd=$a ;;
	*) [ -n "$cmd" ] && pkgs="$pkgs $a" ;;
	esac
done
case $cmd in
update)
	: >"$FAKE_STATE/updated"
	exit 0 ;;
install)
	# FAKE_APT_FAIL=always: every install fails; =stale: installs fail
	# until an update.
	case ${FAKE_APT_FAIL:-} in
	always) exit 100 ;;
	stale) [ -e "$FAKE_STATE/updated" ] || exit 100 ;;
	esac
	printf '%s\n' $pkgs >>"$FAKE_STATE/installed"
	exit 0 ;;
build-dep)
	: >"$FAKE_STATE/builddeps-ok"
	exit 0 ;;
esac
exit 64
EOF
cat >"$FAKE/id" <<'EOF'
#!/bin/sh
if [ "$1" = -u ] && [ -n "${FAKE_UID:-}" ]; then
	echo "$FAKE_UID"
	exit 0
fi
exec /usr/bin/id "$@"
EOF
cat >"$FAKE/sudo" <<'EOF'
#!/bin/sh
echo "$*" >>"$FAKE_STATE/sudo.log"
exec "$@"
EOF
chmod 755 "$FAKE"/*

# Every package deps.sh knows (the all group).
ALL_PKGS=$("$DEPS" --list all)

# run_deps [ENV=VALUE...] -- GROUP...: runs deps.sh in a clean state dir;
# sets RC and OUT (its stdout and stderr).
run_deps() {
	local envs=()
	while [ "$1" != -- ]; do
		envs+=("$1")
		shift
	done
	shift
	OUT=$(env PATH="$FAKE:$PATH" FAKE_STATE="$T/state" \
	    DEPS_POLICY_RC_D="$POLICY" "${envs[@]}" "$DEPS" "$@" 2>&1)
	RC=$?
}

# fresh_state [PACKAGE...]: the state dir with only PACKAGE... installed.
fresh_state() {
	rm -rf "$T/state"
	mkdir -p "$T/state"
	printf '%s\n' "$@" >"$T/state/installed"
}

# A policy-rc.d of the machine's own (not one deps.sh would write).
own_policy() {
	printf '#!/bin/sh\n# the machine'"'"'s own\nexit 101\n' >"$POLICY"
	chmod 755 "$POLICY"
	cp "$POLICY" "$T/policy.orig"
}

show() {		# FILE: its text in one line, for a failure message
	if [ -e "$1" ]; then
		squash <"$1"
	else
		echo "(no $1)"
	fi
}

calls() {		# the number of apt-get calls
	if [ -f "$T/state/apt.log" ]; then
		wc -l <"$T/state/apt.log"
	else
		echo 0
	fi
}

installs() {		# the packages apt-get was asked to install, sorted
	grep ' install ' "$T/state/apt.log" 2>/dev/null |
	    sed 's/.* install //; s/ policy=.*//' | tr ' ' '\n' | grep . | sort
}

[ -n "$ALL_PKGS" ] || bail_out "no package list found in $DEPS"
[ "$(head -n 1 "$DEPS")" = "#!/bin/sh" ] ||
    bail_out "deps.sh does not start with #!/bin/sh"

# --- every package there --------------------------------------------------
for policy in present absent; do
	for group in build demo check fuzz bench deb fresh all; do
		rm -f "$POLICY"
		[ "$policy" = present ] && own_policy
		# shellcheck disable=SC2086
		fresh_state $ALL_PKGS
		: >"$T/state/builddeps-ok"
		run_deps -- "$group"
		check $((RC != 0 || $(calls) != 0)) \
		    "everything installed, policy-rc.d $policy: deps.sh $group exits 0 without apt-get" \
		    "status $RC, apt-get calls: $(show "$T/state/apt.log"), output: $(squash <<<"$OUT")"
		[ -z "$OUT" ]
		check $? "everything installed, policy-rc.d $policy: deps.sh $group prints nothing" \
		    "printed: $(squash <<<"$OUT")"
	done
	if [ "$policy" = present ]; then
		cmp -s "$POLICY" "$T/policy.orig"
		check $? "everything installed: an existing policy-rc.d is left as it was" \
		    "now: $(show "$POLICY")"
	else
		[ ! -e "$POLICY" ]
		check $? "everything installed: no policy-rc.d is left behind" \
		    "there is one: $(show "$POLICY")"
	fi
done

# --- packages missing, as root ---------------------------------------------
demo_pkgs() {		# the demo group, from a run that installs it all
	fresh_state
	run_deps -- demo
	installs
}
DEMO=$(demo_pkgs)
for p in gcc snmpd snmptrapd python3; do
	grep -qx "$p" <<<"$DEMO"
	check $? "the demo group installs $p" "it installs: $(squash <<<"$DEMO")"
done
for p in clang valgrind libcmocka-dev tftpd-hpa; do
	! grep -qx "$p" <<<"$DEMO"
	check $? "the demo group does not install $p (a test tool)" \
	    "it installs: $(squash <<<"$DEMO")"
done

# Policy absent: deps.sh puts one in place that denies starts, only
# during the install, and removes it.
rm -f "$POLICY"
fresh_state gcc make
run_deps -- build
check "$RC" "missing packages, no policy-rc.d: exit 0" \
    "status $RC: $(squash <<<"$OUT")"
[ "$(installs | tr '\n' ' ')" = "libc-ares-dev libc6-dev libcurl4-openssl-dev libsnmp-dev pkg-config " ]
check $? "missing packages: apt-get installs exactly the missing ones" \
    "installed: $(installs | squash)"
grep -q ' install .* policy=101$' "$T/state/apt.log"
check $? "missing packages, no policy-rc.d: during apt-get a policy-rc.d denies service starts (101)" \
    "apt-get saw: $(show "$T/state/apt.log")"
grep -q -- '--no-install-recommends' "$T/state/apt.log" &&
    grep -q 'DPkg::Lock::Timeout=' "$T/state/apt.log"
check $? "apt-get runs without Recommends and waits for the dpkg lock" \
    "calls: $(show "$T/state/apt.log")"
[ ! -e "$POLICY" ]
check $? "missing packages, no policy-rc.d: deps.sh removes the policy-rc.d it made" \
    "left: $(show "$POLICY")"
run_deps -- build
check $((RC != 0 || $(calls) != 1)) \
    "a second run finds everything and exits 0 without apt-get" \
    "status $RC, apt-get calls: $(show "$T/state/apt.log")"

# Policy present: left alone, and used.
own_policy
fresh_state gcc make
run_deps -- build
check "$RC" "missing packages, policy-rc.d present: exit 0 (the bug: the EXIT trap's test became the status)" \
    "status $RC: $(squash <<<"$OUT")"
grep -q ' install .* policy=101$' "$T/state/apt.log"
check $? "missing packages, policy-rc.d present: apt-get ran with it" \
    "apt-get saw: $(show "$T/state/apt.log")"
cmp -s "$POLICY" "$T/policy.orig"
check $? "missing packages: an existing policy-rc.d is left as it was" \
    "now: $(show "$POLICY")"

# Stale package lists: install fails, update, install again.
for policy in present absent; do
	rm -f "$POLICY"
	[ "$policy" = present ] && own_policy
	fresh_state
	run_deps FAKE_APT_FAIL=stale -- build
	check $((RC != 0 || $(grep -c ' update ' "$T/state/apt.log") != 1)) \
	    "stale package lists, policy-rc.d $policy: apt-get update, install again, exit 0" \
	    "status $RC, calls: $(show "$T/state/apt.log")"
done

# apt-get fails for good: exit 1, policy-rc.d as before.
for policy in present absent; do
	rm -f "$POLICY"
	[ "$policy" = present ] && own_policy
	fresh_state
	run_deps FAKE_APT_FAIL=always -- demo
	check $((RC != 1)) "apt-get fails, policy-rc.d $policy: deps.sh exits 1" \
	    "status $RC: $(squash <<<"$OUT")"
	if [ "$policy" = present ]; then
		cmp -s "$POLICY" "$T/policy.orig"
		check $? "apt-get fails: an existing policy-rc.d is left as it was" \
		    "now: $(show "$POLICY")"
	else
		[ ! -e "$POLICY" ]
		check $? "apt-get fails: the policy-rc.d deps.sh made is removed" \
		    "left: $(show "$POLICY")"
	fi
done

# The deb group: debian/control's Build-Depends through apt-get build-dep.
rm -f "$POLICY"
# shellcheck disable=SC2086
fresh_state $ALL_PKGS
run_deps -- deb
check $((RC != 0)) "Build-Depends missing: deps.sh deb exits 0" \
    "status $RC: $(squash <<<"$OUT")"
grep -q " build-dep $(cd "$HERE/.." && pwd)/ policy=101$" "$T/state/apt.log"
check $? "Build-Depends missing: apt-get build-dep of the source tree, services denied" \
    "calls: $(show "$T/state/apt.log")"

# --- not root ---------------------------------------------------------------
rm -f "$POLICY"
fresh_state gcc make
run_deps FAKE_UID=1000 -- build
check "$RC" "not root, with sudo: exit 0" "status $RC: $(squash <<<"$OUT")"
grep -q '^apt-get .* install ' "$T/state/sudo.log" 2>/dev/null &&
    grep -q "^tee $POLICY\$" "$T/state/sudo.log" &&
    grep -q "^rm -f $POLICY\$" "$T/state/sudo.log"
check $? "not root: apt-get and the policy-rc.d go through sudo" \
    "sudo ran: $(show "$T/state/sudo.log")"
[ ! -e "$POLICY" ]
check $? "not root: the policy-rc.d deps.sh made is removed" \
    "left: $(show "$POLICY")"

# Not root and no sudo: a message and exit 1. PATH without the fake sudo
# (and without any real one).
rm -f "$POLICY"
fresh_state gcc make
mkdir -p "$T/nosudo"
for t in dpkg-query dpkg-checkbuilddeps apt-get id; do
	ln -sf "$FAKE/$t" "$T/nosudo/$t"
done
for t in sh grep sed sort tr cat printf dirname chmod tee rm; do
	p=$(command -v "$t") && ln -sf "$p" "$T/nosudo/$t"
done
OUT=$(env PATH="$T/nosudo" FAKE_STATE="$T/state" FAKE_UID=1000 \
    DEPS_POLICY_RC_D="$POLICY" /bin/sh "$DEPS" build 2>&1)
RC=$?
check $((RC != 1)) "not root, no sudo: exit 1" "status $RC: $(squash <<<"$OUT")"
grep -q 'root' <<<"$OUT" && [ ! -e "$T/state/apt.log" ]
check $? "not root, no sudo: says so, runs no apt-get" \
    "output: $(squash <<<"$OUT")"

# --- usage -------------------------------------------------------------------
fresh_state
run_deps --
check $((RC != 64)) "no group: exit 64" "status $RC: $(squash <<<"$OUT")"
run_deps -- demo nonsense
check $((RC != 64)) "an unknown group: exit 64" "status $RC: $(squash <<<"$OUT")"
[ ! -e "$T/state/apt.log" ]
check $? "usage errors run no apt-get" "calls: $(show "$T/state/apt.log")"

# --- this machine -----------------------------------------------------------
# make check ran tests/deps.sh check first: the real dpkg-query finds it all.
before=$(ls -l /usr/sbin/policy-rc.d 2>&1; cat /usr/sbin/policy-rc.d 2>&1)
OUT=$("$DEPS" check 2>&1)
RC=$?
check $((RC != 0)) "this machine, after make check's deps: deps.sh check exits 0" \
    "status $RC: $(squash <<<"$OUT")"
[ -z "$OUT" ]
check $? "this machine: deps.sh check prints nothing (installs nothing)" \
    "printed: $(squash <<<"$OUT")"
[ "$(ls -l /usr/sbin/policy-rc.d 2>&1; cat /usr/sbin/policy-rc.d 2>&1)" = "$before" ]
check $? "this machine: /usr/sbin/policy-rc.d is as it was" \
    "before: $(squash <<<"$before")"

finish
