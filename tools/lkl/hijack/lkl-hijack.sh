#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# lkl-hijack.sh PROGRAM ARGS...
# Run an unmodified program with its sockets on LKL's network stack, by
# preloading liblkl-hijack.so: the one next to this script (in the build
# directory), else the one installed in ../lib. The LKL_HIJACK_*
# variables configure it; see Documentation/virt/lkl/hijack.rst.
set -e

if [ $# -eq 0 ]; then
	echo "usage: $0 PROGRAM ARGS..." >&2
	exit 2
fi

here=$(cd "$(dirname "$0")" && pwd)
for lib in "$here/liblkl-hijack.so" "$here/../lib/liblkl-hijack.so"; do
	[ -f "$lib" ] && break
done
if [ ! -f "$lib" ]; then
	echo "$0: cannot find liblkl-hijack.so next to it or in ../lib" >&2
	exit 1
fi

LD_PRELOAD="$lib${LD_PRELOAD:+ $LD_PRELOAD}" exec "$@"
