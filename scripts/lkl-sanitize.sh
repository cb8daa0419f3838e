#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The sanitizer build of the host side: make SANITIZE=address,undefined ...
#
#   lkl-sanitize.sh flags LIST         the make variable (CC) that builds
#                                      tools/lkl and the tests with
#                                      -fsanitize=LIST
#   lkl-sanitize.sh run LIST CMD...    run CMD with the sanitizers' options
#                                      set, then print how long it took
#
# LIST is gcc's -fsanitize= list (address, undefined, leak ...). Only the
# host side is instrumented: lkl.o is built as always, since the kernel
# manages its own memory pool with its own allocators, which the
# sanitizers cannot see into (Documentation/virt/lkl/reliability.rst).
#
# Every finding ends the process with an error: UBSan does not recover,
# ASan aborts, LeakSanitizer checks at exit. The tests see LKL_SANITIZE
# (the list) and skip, with a "known:" reason, what cannot run under the
# sanitizers (valgrind).

set -u
cmd=${1:?usage: lkl-sanitize.sh flags|run LIST [CMD...]}
list=${2:?usage: lkl-sanitize.sh flags|run LIST [CMD...]}
shift 2

case $list in
*[!a-z,-]*)
	echo "lkl-sanitize.sh: bad sanitizer list: $list" >&2
	exit 1
	;;
esac

case $cmd in
flags)
	# In CC rather than CFLAGS, which the Makefiles extend per target.
	# Frame pointers for whole stacks in the reports.
	echo "CC='${CC:-gcc} -g -fno-omit-frame-pointer -fsanitize=$list -fno-sanitize-recover=all'"
	;;
run)
	[ $# -gt 0 ] || { echo "lkl-sanitize.sh run: no command" >&2; exit 1; }
	export LKL_SANITIZE=$list
	# abort_on_error: a finding is a crash the test runner counts.
	# verify_asan_link_order=0: the kselftest runner starts each test
	# under stdbuf, which preloads libstdbuf.so ahead of the runtime;
	# that library intercepts nothing, so the check is moot.
	ASAN_OPTIONS=abort_on_error=1:detect_leaks=1:check_initialization_order=1
	ASAN_OPTIONS+=:strict_string_checks=1:verify_asan_link_order=0
	# Both only for the programs from Debian that the hijack tests run.
	here=$(dirname "$(readlink -f "$0")")
	ASAN_OPTIONS+=:suppressions=$here/lkl-asan.supp
	export ASAN_OPTIONS
	LSAN_OPTIONS=suppressions=$here/lkl-lsan.supp
	export LSAN_OPTIONS
	export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
	start=$(date +%s)
	"$@"
	status=$?
	echo "# sanitizer run ($list): $(($(date +%s) - start)) s, exit status $status"
	exit $status
	;;
*)
	echo "lkl-sanitize.sh: unknown command: $cmd" >&2
	exit 1
	;;
esac
