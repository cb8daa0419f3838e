#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# lkl-nt.sh TOP KSRC [JOBS]
# Build LKL for 64-bit Windows into TOP/build/nt ("make HOST=nt"):
#
#   kernel/     the kernel, built as ELF by the host gcc with the
#               Windows x64 calling convention (-mabi=ms), absolute
#               addressing (-fno-pic -mcmodel=large) and functions kept
#               in one piece (-fno-reorder-blocks-and-partition):
#               kernel/lkl.o
#   include/    the lkl_ headers rewritten for LLP64
#               (scripts/lkl-nt-headers.py)
#   lkl-pe.o, liblkl.a, lkl.dll, liblkl.dll.a, tests/*.exe
#               (tools/lkl/Makefile.nt; scripts/lkl-elf2coff.py converts
#               lkl.o to COFF)
#
# Documentation/virt/lkl/nt-host.rst says why this route. The Linux build
# in TOP/build/kernel and TOP/build/tools is not touched. Needs
# gcc-mingw-w64-x86-64; CC may name the kernel compiler (ccache gcc).

set -eu
top=${1:?usage: lkl-nt.sh TOP KSRC [JOBS]}
ksrc=${2:?usage: lkl-nt.sh TOP KSRC [JOBS]}
jobs=${3:-$(nproc)}
out=$top/build/nt
kobj=$out/kernel
cc=${CC:-gcc}
verbose=-s
if [ -n "${V:-}" ]; then
	verbose=V=$V
fi

if ! command -v x86_64-w64-mingw32-gcc >/dev/null; then
	echo "lkl-nt.sh: x86_64-w64-mingw32-gcc is missing:" \
	     "apt-get install gcc-mingw-w64-x86-64" >&2
	exit 1
fi

kmake() {
	make -C "$ksrc" O="$kobj" ARCH=lkl CC="$cc" \
	     KCFLAGS="-mabi=ms -fno-pic -mcmodel=large -fno-reorder-blocks-and-partition" \
	     "$verbose" -j"$jobs" "$@"
}

mkdir -p "$kobj"
# Two kbuilds in one directory corrupt it.
exec 9>"$out/.kernel.lock"
flock 9
# LKL's defconfig without what the NT host cannot use yet: it has no
# network backend and no block device (the virtio device model is not
# built for Windows), so networking, btrfs and XFS, a third of the
# kernel's objects, would only lengthen the build.
if [ ! -f "$kobj/.config" ] ||
   [ "$top/arch/lkl/configs/defconfig" -nt "$kobj/.config" ] ||
   [ "$0" -nt "$kobj/.config" ]; then
	kmake defconfig
	"$ksrc/scripts/config" --file "$kobj/.config" \
		--disable NET --disable BTRFS_FS --disable XFS_FS
	kmake olddefconfig
fi
echo "  LINUX   NT $(cat "$ksrc/.lkl-version" 2>/dev/null)"
kmake lkl
kmake headers_install INSTALL_HDR_PATH="$kobj/usr"
flock -u 9

python3 "$top/arch/lkl/scripts/lkl-headers.py" "$kobj/usr/include" "$ksrc" \
	"$kobj" "$out/include-lp64"
python3 "$top/scripts/lkl-nt-headers.py" "$out/include-lp64" "$out/include"

make -C "$top/tools/lkl" -f Makefile.nt O="$out" LKL_KOBJ="$kobj" \
	"$verbose" -j"$jobs"
