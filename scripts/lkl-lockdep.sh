#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# lkl-lockdep.sh TOP KSRC [make options ...]
# make lockdep: build a kernel with lockdep (LKL's defconfig, then
# arch/lkl/configs/lockdep.config) in TOP/build/lockdep-kernel, its host
# library, tools and tests in TOP/build/lockdep-tools, and run the boot,
# net and disk suites against it. Lockdep reports at warning level, and
# turns the console verbose when it reports, so its reports are in the
# runner's output; any of them is a failure. The output is kept in
# TOP/build/lockdep-tools/test.log.
#
#   LOCKDEP_TESTS="boot-% net-pipe"  other test programs (by their built
#                   names, make's % patterns) than the boot suite but
#                   boot-limits, the net suite and the disk suite.
#                   boot-limits boots under RLIMIT_AS down to 16 MiB,
#                   which lockdep's 11 MiB of tables leave too little of.
#
# The make options (CC=..., -jN) go to the kernel build; the main kernel
# in TOP/build/kernel is never touched. Exit status: 0 when every test
# passed and lockdep reported nothing.
set -eu

top=${1:-} ksrc=${2:-}
if [ ! -d "$top" ] || [ ! -f "$ksrc/Makefile" ]; then
	echo "usage: lkl-lockdep.sh TOP KSRC [make options ...] (run make source first)" >&2
	exit 2
fi
shift 2

kobj=$top/build/lockdep-kernel
tobj=$top/build/lockdep-tools
fragment=$top/arch/lkl/configs/lockdep.config
tests=${LOCKDEP_TESTS:-boot-boot boot-fs boot-io boot-net boot-panic boot-promises net-% disk-%}
log=$tobj/test.log

"$top/scripts/lkl-config.sh" --strict "$ksrc" "$kobj" "$fragment"
echo "  LINUX   build/lockdep-kernel"
flock "$top/build/.lockdep.lock" make -s -C "$ksrc" O="$kobj" ARCH=lkl "$@" lkl
make -s -C "$ksrc" O="$kobj" ARCH=lkl "$@" headers_install \
	INSTALL_HDR_PATH="$kobj/usr"
python3 "$top/arch/lkl/scripts/lkl-headers.py" "$kobj/usr/include" "$ksrc" \
	"$kobj" "$tobj/include"
make -s -C "$top/tools/lkl" O="$tobj" LKL_KOBJ="$kobj" LINUX_SRC="$ksrc"

mkdir -p "$tobj"
status=0
"$top/scripts/lkl-run-tests.sh" "$ksrc" "$tobj/tests" LKL_TOOLS="$tobj" \
	LKL_KOBJ="$kobj" TESTS="$tests" | tee "$log" || status=1

# What lockdep prints when it finds a problem or turns itself off: the
# report headers, its own warnings, and a key it cannot use.
pattern='possible (circular|recursive|irq) lock|inconsistent lock state|'
pattern+='possible .*locking|BUG: |WARNING: |DEBUG_LOCKS_WARN_ON|'
pattern+='non-static key|turning off the locking correctness validator'
if grep -E "$pattern" "$log" > "$tobj/lockdep.log"; then
	echo "lkl-lockdep.sh: lockdep reported (first lines; all in $log):"
	head -20 "$tobj/lockdep.log"
	status=1
else
	echo "lockdep: no report"
fi
exit $status
