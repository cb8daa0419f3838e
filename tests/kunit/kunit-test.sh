#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The kernel's own KUnit suites, run inside LKL. Boots the KUnit kernel
# that "make kunit-build" leaves in build/kunit-tools/kunit-boot (or
# LKL_KUNIT_BOOT), then prints one KTAP result per KUnit test case, as
# "ok N kunit.SUITE.CASE", for scripts/lkl-run-tests.sh to count. The raw
# kernel log is kept in build/kunit/test.log (or LKL_KUNIT_LOG).
# "kunit.py parse" reads the same log and must agree with us on whether
# something failed.
set -u

top=$(cd "$(dirname "$(readlink -f "$0")")/../.." && pwd)
boot=${LKL_KUNIT_BOOT:-$top/build/kunit-tools/kunit-boot}
log=${LKL_KUNIT_LOG:-$top/build/kunit/test.log}
ksrc=${LINUX_SRC:-$top/build/linux}
kunit_py=$ksrc/tools/testing/kunit/kunit.py

skip() {
	echo "KTAP version 1"
	echo "1..0 # SKIP $*"
	exit 4
}

[ -x "$boot" ] || skip "no KUnit kernel at $boot: run make kunit-build"
[ -f "$kunit_py" ] || skip "no $kunit_py: run make source"

mkdir -p "$(dirname "$log")"
start=$(date +%s%N)
"$boot" > "$log" 2>&1
rc=$?
ms=$((($(date +%s%N) - start) / 1000000))

results=$(python3 "$top/tests/kunit/ktap-flatten.py" "$log" | grep '^\(not \)\?ok ')
n=$(printf '%s' "$results" | grep -c '^')
summary=$(python3 "$kunit_py" parse "$log" 2>&1 |
	sed -n 's/^.*\(Testing complete\. .*\)$/\1/p' | tail -n 1)

# A kernel that panicked or stopped is a failure of its own, and so is
# a log on which kunit.py parse and ktap-flatten.py disagree. kunit.py
# counts each parameter of a parameterised case, ktap-flatten.py counts
# the case once, so they are compared on failed or not.
extra='' ours=passed
printf '%s\n' "$results" | grep -q '^not ok ' && ours=failed
if [ "$rc" != 0 ] && { [ "$rc" != 1 ] || [ "$ours" != failed ]; }; then
	n=$((n + 1))
	extra="$extra
not ok $n kunit.boot # kunit-boot exit status $rc (1: a suite failed, 2: panic)"
fi
theirs=passed
case $summary in
"") theirs="no summary" ;;
*failed:*|*crashed:*|*errors:*) theirs=failed ;;
esac
if [ "$theirs" != "$ours" ]; then
	n=$((n + 1))
	extra="$extra
not ok $n kunit.parse # kunit.py parse: $theirs, ktap-flatten.py: $ours"
fi

# Known failures that are not LKL's (tests/kunit/xfail) pass as XFAIL.
while read -r name why; do
	case $name in ''|'#'*) continue ;; esac
	results=$(printf '%s\n' "$results" |
		sed "s|^not ok \([0-9]*\) kunit\.$name\$|ok \1 kunit.$name # XFAIL $why|")
done < "$top/tests/kunit/xfail"

# Known skips (tests/kunit/xskip) say so, for the CI=true count.
while read -r pat why; do
	case $pat in ''|'#'*) continue ;; esac
	re=$(printf '%s' "$pat" | sed 's/\./\\./g; s/\*/[^ ]*/g')
	results=$(printf '%s\n' "$results" |
		sed "s|^ok \([0-9]*\) kunit\.\($re\) # SKIP.*|ok \1 kunit.\2 # SKIP known: $why|")
done < "$top/tests/kunit/xskip"

echo "KTAP version 1"
echo "1..$n"
[ -z "$results" ] || printf '%s\n' "$results"
[ -z "$extra" ] || printf '%s\n' "${extra#?}"
echo "# kunit-boot: exit status $rc after $ms ms; kernel log in $log"
echo "# kunit.py parse: ${summary:-no summary}"
[ "$rc" -lt 2 ] || tail -n 20 "$log" | sed 's/^/# /'
printf '%s\n' "$results" "$extra" | grep -q '^not ok ' && exit 1
exit 0
