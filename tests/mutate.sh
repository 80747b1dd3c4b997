#!/bin/bash
# mutate.sh - a test of the tests: deliberate one-line breakages of the
# product ("mutations"), each of which the suite must catch.
#
#   tests/mutate.sh [NAME...]           (make mutate; default: all)
#   MUTATE_ALL=1 tests/mutate.sh        run every suite named for each
#                                       mutation, not only up to the first
#                                       that catches it
#
# The tree's files (tracked and untracked, not ignored: what git ls-files
# lists, as they are now) are copied into a temporary directory and built
# there; the real tree is never modified.  Each mutation is one sed
# expression on one file that must change exactly one line: if it changes
# none or more, the code has moved on and the mutation is a failure to
# update, never a silent pass.  With the mutation applied the copy is
# rebuilt (make all) and the suites named for it run, fastest first, as
# make runs them; a suite that fails has caught the mutation.  Before a
# suite is first used against a mutation it must pass on the unmutated
# copy (its baseline): a suite that fails anyway proves nothing.
#
# Prints one line per mutation and suite, then a table: mutation, what it
# breaks, the suite that caught it and its first failing check.  Exits 1
# if a mutation survives, a baseline fails or a mutation no longer
# applies.  Logs stay in $MUTATE_LOGS (default build/mutate/).

set -u

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
MAKE=${MAKE:-make}
LOGS=${MUTATE_LOGS:-$ROOT/build/mutate}
ALL=${MUTATE_ALL:-0}

# The suites, as the copy's Makefile runs them.  "secrets" and "soak" are
# parts of the long runs: the password checks, and a short soak (100
# targets, 60 cycles) without fdlimit.
declare -A SUITE=(
	[unit]="$MAKE --no-print-directory unit"
	[e2e-cli]="$MAKE --no-print-directory e2e-cli"
	[e2e-agent]="$MAKE --no-print-directory e2e-agent"
	[e2e-nagios]="$MAKE --no-print-directory e2e-nagios"
	[e2e-plugins]="$MAKE --no-print-directory e2e-plugins"
	[e2e-servers]="$MAKE --no-print-directory e2e-servers"
	[e2e-storm]="$MAKE --no-print-directory e2e-storm"
	[secrets]="$MAKE --no-print-directory longrun LONGRUN_ARGS=--parts=4"
	[soak]="env SOAK_TARGETS=100 SOAK_CYCLES_CI=60 $MAKE --no-print-directory longrun LONGRUN_ARGS=--parts=soak"
)

# The mutations: mutation NAME FILE SED-EXPRESSION SUITES WHAT, the
# suites fastest first.
M_NAME=() M_FILE=() M_EXPR=() M_SUITES=() M_WHAT=()
mutation() {
	M_NAME+=("$1") M_FILE+=("$2") M_EXPR+=("$3") M_SUITES+=("$4") M_WHAT+=("$5")
}
mutation probenow-noop agent/daemon/subagent.c \
    's/^\(\t*\)monitor_probe_now(sa->mon, row->mt);$/\1(void)sa;/' \
    "e2e-agent" "ProbeNow does nothing"
mutation no-cleared agent/daemon/monitor.c \
    's/{ CONFIRM_EV_CLEARED, MON_EV_CLEARED },/{ 0, MON_EV_CLEARED },/' \
    "e2e-plugins e2e-agent" "the Cleared notification is never sent"
mutation password-env agent/engine/target.c \
    's/^\treturn secret_read_file(file, t->password, sizeof(t->password), err,$/\treturn secret_read_file(file, t->password, sizeof(t->password), err, errlen) == 0 ? setenv("UPDPROBE_PASSWORD", t->password, 1) : -1; (void)(/' \
    "secrets" "the password is put into the environment"
mutation 404-is-2 agent/engine/verdict.c \
    's/if (r->status == 404)$/if (r->status == 404 \&\& 0)/' \
    "unit e2e-cli" "a 404 becomes code 2"
mutation no-size-check agent/engine/verdict.c \
    's/if (f->has_declared \&\& f->declared != f->size)$/if (0)/' \
    "unit e2e-cli" "the DirFile size check is skipped"
mutation confirm-ignored agent/daemon/confirm.c \
    's/^\t\treturn c->failed_run >= n;$/\t\treturn 1;/' \
    "unit e2e-agent" "confirm N is ignored: a failure is notified at once"
mutation redirect-unusable agent/engine/fetch.c \
    's/^\tf->why = verdict_unusable_address(f->address, f->req.allow_loopback);$/\tf->why = NULL;/' \
    "e2e-servers" "a redirect to 0.0.0.0 or a sinkhole is connected to"
mutation notify-unbounded agent/daemon/notify.c \
    's/n->inflight < NOTIFY_WINDOW \&\&$/n->inflight < 100000 \&\&/' \
    "e2e-storm" "Notifies sent without waiting for snmpd's answers"
mutation password-fd-leak agent/engine/secret.c \
    's/^\tclose(fd);$/\t(void)fd;/' \
    "soak" "a password file is left open after it is read"
mutation stale-never plugins/nagios/render.c \
    's/(unsigned long)r->age > STALE_INTERVALS \* r->interval) {$/(unsigned long)r->age > 100 * STALE_INTERVALS * r->interval) {/' \
    "e2e-nagios" "check_updprobe never finds data stale"
mutation snmptt-severity plugins/snmptt/updprobe.conf \
    's/^MATCH \$1: (^(2|6|11|networkNotAvailable/MATCH $1: (^(2|6|networkNotAvailable/' \
    "e2e-plugins" "SNMPTT: code 11 by number is no longer Critical"

SCRATCH=
cleanup() {
	[ -n "$SCRATCH" ] && rm -rf "$SCRATCH"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

mkdir -p "$LOGS" || exit 1
SCRATCH=$(mktemp -d "${TMPDIR:-/tmp}/updprobe-mutate.XXXXXX") || exit 1
mkdir -p "$SCRATCH/tree" "$SCRATCH/pristine"
T0=$(date +%s)

# The copy: every file git lists that exists now.
(
	cd "$ROOT" || exit 1
	git ls-files -z --cached --others --exclude-standard |
	    while IFS= read -r -d '' f; do
		[ -f "$f" ] && printf '%s\0' "$f"
	    done | xargs -0 cp --parents -t "$SCRATCH/tree"
) || { echo "mutate: copying the tree failed" >&2; exit 1; }
echo "# copy of $ROOT in $SCRATCH/tree; logs in $LOGS"
if ! (cd "$SCRATCH/tree" && $MAKE -j2 all) >"$LOGS/build.log" 2>&1; then
	echo "not ok - the unmutated copy builds (see $LOGS/build.log)"
	tail -n 20 "$LOGS/build.log" | sed 's/^/#   /'
	exit 1
fi

declare -A BASELINE=()
# The field separator of the report's lines (ASCII unit separator).
US=$'\x1f'
FAILED=0
REPORT=()

# first_failure LOG: the first "not ok" line of a suite's log (for the
# unit tests, cmocka's first failed test and its message), or its last
# lines if it has none (a suite that stopped).
first_failure() {
	local f
	f=$(grep -m 1 '^not ok - ' "$1")
	[ -n "$f" ] || f=$(grep -m 1 -B 3 '^\[  FAILED  \] [A-Za-z_]' "$1" |
	    grep -E '^\[  (ERROR|FAILED)' | tr -s ' ' | tr '\n' ' ')
	[ -n "$f" ] || f="(no \"not ok\" line) $(tail -n 3 "$1" | tr '\n' ' ')"
	printf '%s' "$f" | cut -c 1-160
}

# run_suite SUITE LOG: the suite against the copy as it is now.
run_suite() {
	(cd "$SCRATCH/tree" && eval "${SUITE[$1]}") >"$2" 2>&1
}

# baseline SUITE: the suite passes on the unmutated copy (run once).
baseline() {
	local s=$1 log=$LOGS/baseline-$1.log t0
	[ -n "${BASELINE[$s]:-}" ] && [ "${BASELINE[$s]}" = ok ] && return 0
	[ -n "${BASELINE[$s]:-}" ] && return 1
	t0=$(date +%s)
	if run_suite "$s" "$log"; then
		BASELINE[$s]=ok
		echo "ok - baseline: $s passes on the unmutated copy ($(($(date +%s) - t0)) s)"
		return 0
	fi
	BASELINE[$s]=failed
	FAILED=1
	echo "not ok - baseline: $s fails on the unmutated copy: $(first_failure "$log") ($log)"
	return 1
}

# restore FILE: the pristine copy back, with a new time stamp for make.
restore() {
	cp "$SCRATCH/pristine/$1" "$SCRATCH/tree/$1" && touch "$SCRATCH/tree/$1"
}

mutate() {		# NAME FILE EXPR SUITES WHAT
	local name=$1 file=$2 expr=$3 suites=$4 what=$5 changed s log t0
	local caught="" first="" judged=0
	mkdir -p "$(dirname "$SCRATCH/pristine/$file")"
	cp "$SCRATCH/tree/$file" "$SCRATCH/pristine/$file" || return 1
	sed -i -e "$expr" "$SCRATCH/tree/$file"
	changed=$(diff "$SCRATCH/pristine/$file" "$SCRATCH/tree/$file" |
	    grep -c '^[<>]')
	if [ "$changed" -ne 2 ]; then
		echo "not ok - $name: the mutation must change exactly one line of $file, it changed $((changed / 2)) (the code moved: update tests/mutate.sh)"
		REPORT+=("$name$US$what$US-${US}does not apply to $file")
		FAILED=1
		restore "$file"
		return
	fi
	echo "# $name: $file: $(diff "$SCRATCH/pristine/$file" "$SCRATCH/tree/$file" | grep '^>' | cut -c 3- | tr -s '\t ' ' ' | cut -c 1-120)"
	if ! (cd "$SCRATCH/tree" && $MAKE -j2 all) >"$LOGS/build-$name.log" 2>&1; then
		echo "not ok - $name: the mutant builds ($LOGS/build-$name.log)"
		REPORT+=("$name$US$what$US-${US}does not build")
		FAILED=1
		restore "$file"
		return
	fi
	for s in $suites; do
		# Baselines run on the unmutated copy.
		if [ -z "${BASELINE[$s]:-}" ]; then
			restore "$file"
			(cd "$SCRATCH/tree" && $MAKE -j2 all) >>"$LOGS/build.log" 2>&1
			baseline "$s"
			sed -i -e "$expr" "$SCRATCH/tree/$file"
			(cd "$SCRATCH/tree" && $MAKE -j2 all) >>"$LOGS/build-$name.log" 2>&1
		fi
		[ "${BASELINE[$s]}" = ok ] || continue
		judged=1
		log=$LOGS/$name-$s.log
		t0=$(date +%s)
		if run_suite "$s" "$log"; then
			echo "# $name: $s did not catch it ($(($(date +%s) - t0)) s)"
		else
			echo "ok - $name: caught by $s ($(($(date +%s) - t0)) s): $(first_failure "$log")"
			if [ -z "$caught" ]; then
				caught=$s
				first=$(first_failure "$log")
			else
				caught="$caught, $s"
			fi
			[ "$ALL" = 1 ] || break
		fi
	done
	if [ -z "$caught" ] && [ "$judged" = 0 ]; then
		echo "not ok - $name: not judged: no suite of $suites passes on the unmutated copy"
		REPORT+=("$name$US$what${US}not judged (baseline failed)$US")
		FAILED=1
	elif [ -z "$caught" ]; then
		echo "not ok - $name: survived $suites ($what)"
		REPORT+=("$name$US$what${US}SURVIVED$US")
		FAILED=1
	else
		REPORT+=("$name$US$what$US$caught$US$first")
	fi
	restore "$file"
}

want() {		# NAME: chosen on the command line (or no choice)
	local a
	[ ${#ONLY[@]} -eq 0 ] && return 0
	for a in "${ONLY[@]}"; do
		[ "$a" = "$1" ] && return 0
	done
	return 1
}
ONLY=("$@")

for i in "${!M_NAME[@]}"; do
	want "${M_NAME[$i]}" || continue
	mutate "${M_NAME[$i]}" "${M_FILE[$i]}" "${M_EXPR[$i]}" \
	    "${M_SUITES[$i]}" "${M_WHAT[$i]}"
done

echo "=== mutations ($(($(date +%s) - T0)) s)"
printf '%-18s %-52s %s\n' mutation "what it breaks" "caught by: first failing check"
for r in "${REPORT[@]}"; do
	IFS=$US read -r name what caught first <<<"$r"
	printf '%-18s %-52s %s\n' "$name" "$what" "$caught${first:+: $first}"
done
exit "$FAILED"
