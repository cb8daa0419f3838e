#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# lkl-nt.sh TOP KOBJ TOBJ [JOBS]
# Build LKL for 64-bit Windows into TOP/build/nt ("make HOST=nt") from the
# Linux build's kernel, KOBJ/lkl.o, and its lkl_ headers, TOBJ/include:
#
#   include/    the lkl_ headers rewritten for LLP64 and for the kernel's
#               calling convention (scripts/lkl-nt-headers.py)
#   lkl-pe.o, liblkl.a, lkl.dll, liblkl.dll.a, cptofs.exe, cpfromfs.exe,
#   fs2tar.exe, tests/*.exe
#               (tools/lkl/Makefile.nt; scripts/lkl-elf2coff.py converts
#               lkl.o to COFF)
#
#   src/libarchive-*/
#               Debian's libarchive source for fs2tar.exe, fetched once
#               (scripts/lkl-nt-libarchive.sh); without it (offline, no
#               dpkg-dev) fs2tar.exe is left out with a warning
#
# Documentation/virt/lkl/nt-host.rst says why this route. The Linux build
# is only read. Needs gcc-mingw-w64-x86-64.

set -eu
usage="usage: lkl-nt.sh TOP KOBJ TOBJ [JOBS]"
top=${1:?$usage}
kobj=${2:?$usage}
tobj=${3:?$usage}
jobs=${4:-$(nproc)}
out=$top/build/nt
verbose=-s
if [ -n "${V:-}" ]; then
	verbose=V=$V
fi

if ! command -v x86_64-w64-mingw32-gcc >/dev/null; then
	echo "lkl-nt.sh: x86_64-w64-mingw32-gcc is missing:" \
	     "apt-get install gcc-mingw-w64-x86-64" >&2
	exit 1
fi
for f in "$kobj/lkl.o" "$tobj/include/lkl/asm/host_ops.h"; do
	if [ ! -f "$f" ]; then
		echo "lkl-nt.sh: $f is missing: run make kernel headers" >&2
		exit 1
	fi
done

mkdir -p "$out/src"
if ! libarchive=$("$top/scripts/lkl-nt-libarchive.sh" "$out/src"); then
	echo "lkl-nt.sh: warning: no libarchive source, so no fs2tar.exe" >&2
	libarchive=
fi
python3 "$top/scripts/lkl-nt-headers.py" "$tobj/include" "$out/include"
make -C "$top/tools/lkl" -f Makefile.nt O="$out" LKL_KOBJ="$kobj" \
	LIBARCHIVE_SRC="$libarchive" "$verbose" -j"$jobs"
