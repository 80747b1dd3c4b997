#!/bin/sh
# Run each cmocka unit test binary given; fail if any fails.
set -u
failed=0
for t in "$@"; do
	echo "== $t"
	"$t" || failed=1
done
exit $failed
