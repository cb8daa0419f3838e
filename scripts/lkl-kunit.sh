#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# lkl-kunit.sh build|run TOP KSRC [make options ...]
# KUnit on LKL, the equivalent of "kunit.py run" for UML (see
# Documentation/virt/lkl/kunit.rst):
#
#   build  configure and build the KUnit kernel in TOP/build/kunit: LKL's
#          defconfig, then tools/testing/kunit/configs/all_tests.config,
#          then arch/lkl/configs/kunit.config (what LKL adds and turns
#          off); then its host library in TOP/build/kunit-tools and the
#          boot program, kunit-boot, there.
#   run    boot it: the suites run in the boot and print KTAP, which
#          goes to TOP/build/kunit/test.log and through "kunit.py parse".
#          KUNIT_ARGS adds kernel parameters, for example
#          KUNIT_ARGS=kunit.filter_glob=list-kunit-test. KUNIT_TIMEOUT
#          bounds the run in seconds (600 by default).
#
# The make options (CC=..., -jN) go to the kernel build. The main kernel
# in TOP/build/kernel is never touched. Exit status: 0 when everything
# built and every test passed or was skipped.
set -eu

cmd=${1:-} top=${2:-} ksrc=${3:-}
case $cmd in
build|run) ;;
*) echo "usage: lkl-kunit.sh build|run TOP KSRC [make options ...]" >&2; exit 2 ;;
esac
if [ ! -d "$top" ] || [ ! -f "$ksrc/Makefile" ]; then
	echo "lkl-kunit.sh: '$ksrc' is not a kernel tree (run make source)" >&2
	exit 2
fi
shift 3

kobj=$top/build/kunit
tobj=$top/build/kunit-tools
# LKL's defconfig first, then these, in this order.
fragments=("$ksrc/tools/testing/kunit/configs/all_tests.config"
	   "$top/arch/lkl/configs/kunit.config")

build() {
	# kunit.rst says why each symbol that is not available is missing.
	"$top/scripts/lkl-config.sh" "$ksrc" "$kobj" "${fragments[@]}"
	echo "  LINUX   build/kunit"
	flock "$kobj/.lock" make -C "$ksrc" O="$kobj" ARCH=lkl -s "$@" lkl
	flock "$kobj/.lock" make -C "$ksrc" O="$kobj" ARCH=lkl -s "$@" \
		headers_install INSTALL_HDR_PATH="$kobj/usr"
	python3 "$top/arch/lkl/scripts/lkl-headers.py" \
		"$kobj/usr/include" "$ksrc" "$kobj" "$tobj/include"
	make -C "$top/tools/lkl" O="$tobj" LKL_KOBJ="$kobj" LINUX_SRC="$ksrc" \
		"$tobj/liblkl.a" "$tobj/liblkl.ldlibs"
	echo "  LD      build/kunit-tools/kunit-boot"
	# shellcheck disable=SC2046 # the ldlibs are words
	${CC:-cc} -O2 -g -Wall -Werror -D_GNU_SOURCE \
		-I"$tobj/include" -I"$top/tools/lkl/include" \
		"$top/tests/kunit/kunit-boot.c" -o "$tobj/kunit-boot.tmp" \
		"$tobj/liblkl.a" $(cat "$tobj/liblkl.ldlibs")
	mv "$tobj/kunit-boot.tmp" "$tobj/kunit-boot"
}

run() {
	local rc=0 start end

	[ -x "$tobj/kunit-boot" ] ||
		{ echo "lkl-kunit.sh: $tobj/kunit-boot is missing: make kunit-build" >&2; exit 2; }
	start=$(date +%s%N)
	# shellcheck disable=SC2086 # KUNIT_ARGS is a list of parameters
	timeout -k 10 "${KUNIT_TIMEOUT:-600}" \
		"$tobj/kunit-boot" ${KUNIT_ARGS:-} > "$kobj/test.log" || rc=$?
	end=$(date +%s%N)
	echo "  RUN     kunit-boot: exit $rc, $(((end - start) / 1000000)) ms," \
		"log in build/kunit/test.log"
	python3 "$ksrc/tools/testing/kunit/kunit.py" parse "$kobj/test.log" ||
		{ [ "$rc" != 0 ] || rc=1; }
	return "$rc"
}

"$cmd" "$@"
