#!/bin/bash
# build.sh - build the libFuzzer targets into build-fuzz/ (never committed).
#
#   tests/fuzz/build.sh [NAME...]      default: every target
#
# Each tests/fuzz/fuzz_NAME.c is linked with the agent/ files it needs,
# all of them built with clang's libFuzzer, AddressSanitizer and UBSan.
# Needs clang and its runtime (Debian 12: apt-get install clang
# libclang-rt-14-dev) and the -dev packages of the normal build.
# Exits 1 if a target does not build.

set -u

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
OUT=${FUZZ_BUILD:-build-fuzz}
CLANG=${CLANG:-clang}

# The sanitizers and libFuzzer; frame pointers for readable traces.
FUZZ_CFLAGS="-g -O1 -fsanitize=fuzzer,address,undefined \
-fno-sanitize-recover=undefined -fno-omit-frame-pointer"
# The Makefile's dialect and warnings, without -Werror: a warning only
# clang gives must not stop the fuzzers.
WARN="-std=gnu11 -Wall -Wextra -Wshadow -Wstrict-prototypes \
-Wmissing-prototypes"

# The engine: the Makefile's ENGINE_SRC (monitor.c needs all of it).
ENGINE=$(make -s --no-print-directory -C "$ROOT" engine-src) || exit 1

ALL=(dirfile provfile target conf)

E=agent/engine
D=agent/daemon
# The generated version string (the Makefile writes it).
VERSION_C=${VERSION_C:-build/gen/version.c}

# sources NAME: the agent files a target links, after its own.
sources() {
	case $1 in
	dirfile)	echo "$E/dirfile.c $E/span.c $E/util.c" ;;
	provfile)	echo "$E/provfile.c $E/span.c $E/util.c" ;;
	# target.c: URLs with libcurl's URL API, the DirFile's name rule.
	target)		echo "$E/target.c $E/dirfile.c $E/provfile.c" \
			    "$E/span.c $E/util.c $E/secret.c" ;;
	# log.c with a sink of fuzz_conf.c's; monitor.c for mon_config.
	conf)		echo "$D/conf.c $D/monitor.c $D/confirm.c $D/log.c" \
			    "$ENGINE $VERSION_C" ;;
	*)		return 1 ;;
	esac
}

# includes NAME: the include paths of a target (those of its layer).
includes() {
	case $1 in
	conf)	echo "-I$D -I$E/include" ;;
	*)	echo "-I$E -I$E/include" ;;
	esac
}

# pkgs NAME: the pkg-config packages a target needs.
pkgs() {
	case $1 in
	conf)	echo "netsnmp-agent libcares libcurl" ;;
	target)	echo "libcurl" ;;
	*)	echo "" ;;
	esac
}

if ! command -v "$CLANG" >/dev/null 2>&1; then
	echo "build.sh: $CLANG not found (apt-get install clang" \
	    "libclang-rt-14-dev)" >&2
	exit 1
fi

cd "$ROOT" || exit 1
mkdir -p "$OUT" || exit 1
[ $# -gt 0 ] || set -- "${ALL[@]}"
status=0
for name in "$@"; do
	if ! src=$(sources "$name"); then
		echo "build.sh: no fuzz target \"$name\" (have: ${ALL[*]})" >&2
		status=1
		continue
	fi
	flags=
	read -ra pk <<<"$(pkgs "$name")"
	if [ ${#pk[@]} -gt 0 ] &&
	    ! flags=$(pkg-config --cflags --libs "${pk[@]}"); then
		echo "build.sh: pkg-config ${pk[*]} failed" >&2
		status=1
		continue
	fi
	echo "build.sh: $OUT/fuzz_$name"
	# shellcheck disable=SC2086  # word lists on purpose
	if ! "$CLANG" $FUZZ_CFLAGS $WARN $(includes "$name") -o "$OUT/fuzz_$name" \
	    "tests/fuzz/fuzz_$name.c" $src $flags; then
		echo "build.sh: fuzz_$name does not build" >&2
		status=1
	fi
done
exit $status
