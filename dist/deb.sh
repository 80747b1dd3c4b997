#!/bin/bash
# deb.sh - build the Debian package (make deb).
#
#   BUILD_DIR=build dist/deb.sh
#
# Copies the source tree (the files git knows of, committed or not; outside
# git the whole tree less the build directories) into a temporary
# directory, so the work tree gets no build debris, builds the binary
# package there with dpkg-buildpackage (debian/rules: the Makefile, then
# the unit tests), puts updprobe_VERSION_ARCH.deb into $BUILD_DIR/deb/ and
# checks it with lintian: any error or warning fails (the overrides, each
# with its reason, are in debian/updprobe.lintian-overrides). Leaves the
# build's output in $BUILD_DIR/deb/build.log and lintian's in
# $BUILD_DIR/deb/lintian.txt. Needs tests/deps.sh deb.

set -eu

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
OUT=$ROOT/${BUILD_DIR:-build}/deb
# Lines of the build log shown when the build fails.
LOG_TAIL=60

die() {
	echo "deb.sh: $*" >&2
	exit 1
}

for t in dpkg-buildpackage dpkg-parsechangelog lintian; do
	command -v "$t" >/dev/null 2>&1 ||
	    die "$t is missing (tests/deps.sh deb installs it)"
done

version=$(dpkg-parsechangelog -l "$ROOT/debian/changelog" -S Version)
# The version is set in one place, VERSION; the changelog follows it.
[ "${version%%-*}" = "$(cat "$ROOT/VERSION")" ] ||
    die "debian/changelog says $version, VERSION says $(cat "$ROOT/VERSION"): add a changelog entry"
arch=$(dpkg-architecture -q DEB_HOST_ARCH)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/updprobe-deb.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
src=$tmp/updprobe-$version
mkdir -p "$src" "$OUT"
rm -f "$OUT"/updprobe_*.deb "$OUT/build.log" "$OUT/lintian.txt"

if git -C "$ROOT" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	# Tracked and untracked files, less the ignored ones (build/ ...) and
	# tracked ones deleted from the work tree.
	(cd "$ROOT" && git ls-files -z --cached --others --exclude-standard |
	    while IFS= read -r -d '' f; do
		[ -e "$f" ] && printf '%s\0' "$f"
	    done | tar -c --null -T - -f -) | tar -x -C "$src" -f -
else
	tar -c -C "$ROOT" --exclude=./build --exclude=./build-san \
	    --exclude=./build-fuzz . | tar -x -C "$src" -f -
fi

echo "deb.sh: building updprobe $version ($arch) in $src"
t0=$(date +%s)
if ! (cd "$src" && DEB_BUILD_OPTIONS="${DEB_BUILD_OPTIONS:-} parallel=$(nproc)" \
    dpkg-buildpackage -b -us -uc) >"$OUT/build.log" 2>&1; then
	tail -n "$LOG_TAIL" "$OUT/build.log" >&2
	die "dpkg-buildpackage failed (the whole log: $OUT/build.log)"
fi
deb=updprobe_${version}_$arch.deb
[ -f "$tmp/$deb" ] || die "dpkg-buildpackage made no $deb"
cp "$tmp/$deb" "$OUT/"
echo "deb.sh: built $OUT/$deb in $(($(date +%s) - t0)) s," \
    "$(stat -c %s "$OUT/$deb") bytes"

# lintian checks the package, the .buildinfo and the .changes.
lintian_rc=0
lintian --fail-on error,warning --info --color never \
    "$tmp/updprobe_${version}_$arch.changes" >"$OUT/lintian.txt" \
    2>"$tmp/lintian.err" || lintian_rc=$?
# Its complaint about root (make deb runs as root here and in CI) aside.
grep -v '^running with root privileges is not recommended!$' \
    "$tmp/lintian.err" >&2 || :
if [ -s "$OUT/lintian.txt" ]; then
	echo "deb.sh: lintian says:"
	sed 's/^/    /' "$OUT/lintian.txt"
else
	echo "deb.sh: lintian: no error, warning or info"
fi
[ "$lintian_rc" = 0 ] || die "lintian found errors or warnings (exit $lintian_rc)"
