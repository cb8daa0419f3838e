#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# lkl-run-tests.sh KSRC TESTDIR [MAKE VARIABLES...]
# Run the LKL selftests through the kernel's own runner and end with one
# line:
#   N passed, N failed, N skipped
#
# KSRC is the kernel tree with the LKL overlay; TESTDIR is where the
# selftests are built (OUTPUT). This is
#   make -C KSRC/tools/testing/selftests/lkl OUTPUT=TESTDIR run_tests
# (lib.mk's run_tests, kselftest/runner.sh), whose output
# scripts/lkl-ktap-count.sh passes through and counts: every test case
# counts, a program that crashes, hangs or exits oddly counts a failure,
# and with CI=true a skip counts as a failure. The make variables
# (LKL_TOOLS=..., LKL_KOBJ=...) go to the selftests' Makefile.
#
# LKL_TEST_TIMEOUT sets the limit for one program in seconds; without it
# the selftests' settings file sets it (600).
#
# Exit status: 0 when nothing failed, 1 otherwise.

set -u
ksrc=${1:?usage: lkl-run-tests.sh KSRC TESTDIR [MAKE VARIABLES...]}
testdir=${2:?usage: lkl-run-tests.sh KSRC TESTDIR [MAKE VARIABLES...]}
shift 2
# make -C runs in the tree: a relative TESTDIR would mean a place there.
testdir=$(realpath -m "$testdir")
here=$(dirname "$(readlink -f "$0")")
sft=$ksrc/tools/testing/selftests/lkl

if [ ! -f "$sft/Makefile" ]; then
	echo "lkl-run-tests.sh: $sft/Makefile is missing: run make source" >&2
	exit 1
fi
if [ -n "${LKL_TEST_TIMEOUT:-}" ]; then
	export kselftest_override_timeout=$LKL_TEST_TIMEOUT
fi

# Build first, so that only the runner's output is counted.
make -s -C "$sft" OUTPUT="$testdir" "$@" all || exit 1
make -s -C "$sft" OUTPUT="$testdir" "$@" run_tests | "$here/lkl-ktap-count.sh"
