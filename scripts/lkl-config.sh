#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# lkl-config.sh [--strict] KSRC KOBJ FRAGMENT... [-- MAKE_OPTION...]
# Configure a kernel build of LKL in KOBJ that is not the main one (the
# KUnit, lockdep and fuzzing kernels): LKL's defconfig, then each
# FRAGMENT merged in order, then olddefconfig. It does so only when
# KOBJ/.config is missing or older than the defconfig or a fragment, so
# that an unchanged configuration rebuilds nothing.
#
# Every CONFIG_...=y that a fragment asks for and LKL's Kconfig does not
# allow is named; with --strict that is an error. The make options
# (CC=... for example) go to the configuration targets, so that the
# configuration sees the compiler that builds the kernel.
set -eu

strict=
if [ "${1:-}" = --strict ]; then
	strict=1
	shift
fi
ksrc=${1:-} kobj=${2:-}
if [ ! -f "$ksrc/Makefile" ] || [ -z "$kobj" ] || [ $# -lt 3 ]; then
	echo "usage: lkl-config.sh [--strict] KSRC KOBJ FRAGMENT... [-- MAKE_OPTION...]" >&2
	exit 2
fi
shift 2
fragments=()
while [ $# -gt 0 ] && [ "$1" != -- ]; do
	fragments+=("$(realpath -m "$1")")
	shift
done
[ $# -gt 0 ] && shift

defconfig=$ksrc/arch/lkl/configs/defconfig
stale=
[ -f "$kobj/.config" ] || stale=1
for f in "$defconfig" "${fragments[@]}"; do
	[ -f "$f" ] || { echo "lkl-config.sh: $f is missing" >&2; exit 2; }
	[ "$f" -nt "$kobj/.config" ] && stale=1
done
[ -n "$stale" ] || exit 0

echo "  CONFIG  ${kobj#"$PWD"/}: defconfig + ${fragments[*]##*/}"
mkdir -p "$kobj"
# A half-made .config must not pass for a fresh one at the next run.
trap 'rm -f "$kobj/.config"' EXIT
make -s -C "$ksrc" O="$kobj" ARCH=lkl "$@" defconfig
(cd "$kobj" && "$ksrc/scripts/kconfig/merge_config.sh" -m -O . \
	.config "${fragments[@]}") > "$kobj/merge.log"
make -s -C "$ksrc" O="$kobj" ARCH=lkl "$@" olddefconfig

missing=0
while read -r sym; do
	grep -q "^$sym=y" "$kobj/.config" && continue
	echo "  CONFIG  $sym: not available on LKL"
	missing=$((missing + 1))
done < <(grep -ho '^CONFIG_[A-Z0-9_]*=y' "${fragments[@]}" | sed 's/=y$//' | sort -u)
if [ -n "$strict" ] && [ $missing -gt 0 ]; then
	echo "lkl-config.sh: $missing symbol(s) did not stay in $kobj/.config" >&2
	exit 1
fi
trap - EXIT
