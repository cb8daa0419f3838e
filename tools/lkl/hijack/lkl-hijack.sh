#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# lkl-hijack.sh PROGRAM ARGS...
# Run an unmodified program with its sockets on LKL's network stack, by
# preloading liblkl-hijack.so: the one next to this script (in the build
# directory), else the one installed in ../lib/lkl (a distribution
# package keeps it out of the linker's path) or ../lib. The LKL_HIJACK_*
# variables configure it; see Documentation/virt/lkl/hijack.rst and
# lkl-hijack.sh(1).
set -e

usage() {
	echo "usage: $0 PROGRAM ARGS..."
	echo "Run PROGRAM with liblkl-hijack.so preloaded: its sockets go to LKL."
	echo "The LKL_HIJACK_* variables configure it; see lkl-hijack.sh(1)."
}

if [ $# -eq 0 ]; then
	usage >&2
	exit 2
fi
case $1 in
-h|--help)
	usage
	exit 0 ;;
esac

here=$(cd "$(dirname "$0")" && pwd)
for lib in "$here/liblkl-hijack.so" "$here/../lib/lkl/liblkl-hijack.so" \
	"$here/../lib/liblkl-hijack.so"; do
	[ -f "$lib" ] && break
done
if [ ! -f "$lib" ]; then
	echo "$0: cannot find liblkl-hijack.so next to it, in ../lib/lkl or in ../lib" >&2
	exit 1
fi

# A library built with AddressSanitizer (make SANITIZE=address) works
# only with the sanitizer's runtime first in the list of libraries.
case $LKL_SANITIZE in
*address*)
	asan=$(ldd "$lib" 2>/dev/null | awk '/libasan/ { print $3; exit }')
	[ -z "$asan" ] || lib="$asan $lib"
	;;
esac

LD_PRELOAD="$lib${LD_PRELOAD:+ $LD_PRELOAD}" exec "$@"
