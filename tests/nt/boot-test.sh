#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# boot-test.sh: the NT host's boot suite under wine.
#
# Runs nt-boot.exe, the Windows build of the boot suite (tests/nt/nt-boot.c,
# linked with liblkl.a), under wine64 and passes its results through;
# then checks that lkl.dll exports the lkl_* API only, and that
# nt-boot-dll.exe, the same suite linked against lkl.dll, passes as well.
# "make HOST=nt" (scripts/lkl-nt.sh) builds them into build/nt, or
# LKL_NT_DIR. Wine gets a prefix of its own under that directory for this
# run (WINEPREFIX, never in $HOME), removed at the end.
#
# Prints TAP version 13. Exit status: 0 when every check passed, 1 when
# one failed, 4 when nothing could run (no NT build, no wine).

set -u
here=$(dirname "$(readlink -f "$0")")
# shellcheck source=tests/lib/ktap.sh
. "$here/../lib/ktap.sh"
# shellcheck source=tests/lib/wine.sh
. "$here/../lib/wine.sh"
nt=${LKL_NT_DIR:-$here/../../build/nt}
limit=${LKL_NT_TIMEOUT:-300}

echo "TAP version 13"
wine_find
if [ ! -f "$nt/tests/nt-boot.exe" ] || [ ! -f "$nt/lkl.dll" ]; then
	echo "1..0 # SKIP no NT build in $nt (make HOST=nt)"
	exit 4
fi
nt=$(realpath "$nt")

wine_prefix "$nt/wine.$$"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/nt-boot.XXXXXX")
cleanup() {
	wine_end
	rm -rf "$tmp"
}
trap cleanup EXIT

# run EXE NAME: run EXE under wine; its stdout in $tmp/NAME.out, its
# stderr (the kernel log) in $tmp/NAME.err; returns its exit status.
run() {
	(cd "$nt/tests" && timeout "$limit" "$wine" "$1" >"$tmp/$2.out" 2>"$tmp/$2.err")
}

# The first start creates the prefix: tens of seconds.
start=$(date +%s%N)
run nt-boot.exe static
rc=$?
echo "# nt-boot.exe: exit $rc after $((($(date +%s%N) - start) / 1000000)) ms," \
     "wine prefix included"
plan=$(sed -n 's/^1\.\.\([0-9]*\).*/\1/p' "$tmp/static.out" | head -n1)
echo "1..$((${plan:-0} + 2))"
grep -v -e '^KTAP version' -e '^1\.\.' "$tmp/static.out"
sed 's/^/# stderr: /' "$tmp/static.err"
[ "$rc" = 0 ] || ktap_failed=1
ktap_n=${plan:-0}

# Every exported name is lkl_*, and the API is there.
exports_ok() {
	local names

	names=$(x86_64-w64-mingw32-objdump -p "$nt/lkl.dll" |
		sed -n '/\[Ordinal\/Name Pointer\] Table/,/^$/p' |
		awk 'NR > 1 && NF { print $NF }')
	echo "# lkl.dll exports $(echo "$names" | wc -l) names"
	echo "$names" | grep -qx lkl_start_kernel || return 1
	echo "$names" | grep -qx lkl_syscall || return 1
	! echo "$names" | grep -v '^lkl_'
}
exports_ok
ktap_result $? dll_exports

run nt-boot-dll.exe dll
rc=$?
grep '^not ok' "$tmp/dll.out" | sed 's/^/# nt-boot-dll.exe: /'
[ "$rc" = 0 ] && ! grep -q '^not ok' "$tmp/dll.out"
ktap_result $? dll_boot

[ "$ktap_failed" = 0 ]
