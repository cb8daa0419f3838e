#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# lkl-run-tests.sh TESTDIR
# Run every LKL test suite and end with one line:
#   N passed, N failed, N skipped
#
# The contract with the suites is a file name: every executable file named
# *-test in TESTDIR/<suite>/ is a test binary (TESTDIR/boot/boot-test,
# TESTDIR/disk/disk-test ...). Suites run in name order, binaries too, each
# from its own suite directory. A test binary prints KTAP on stdout, as
# kselftest_harness.h does; stderr (the kernel log) is passed through.
#
# Only result lines at the top level are counted, so the harness's own
# "# Totals" and any indented subtests are not counted twice:
#   ok N name                  passed (an XFAIL or XPASS directive too)
#   ok N name # SKIP reason    skipped
#   not ok N name              failed
#   1..0 # SKIP reason         the whole binary skipped: one skip
#
# A binary also counts one failure when it dies from a signal, times out,
# exits with a status the harness never uses (0 pass, 1 fail, 4 skip),
# exits 1 without a "not ok" line or 4 without a skip, prints fewer results
# than its plan, or prints no result at all.
#
# With CI=true a skip is unexpected and counts as a failure.
# LKL_TEST_TIMEOUT sets the limit for one binary in seconds (default 600).
#
# Exit status: 0 when nothing failed, 1 otherwise.

set -u
testdir=${1:?usage: lkl-run-tests.sh TESTDIR}
limit=${LKL_TEST_TIMEOUT:-600}
passed=0 failed=0 skipped=0
out=$(mktemp)
trap 'rm -f "$out"' EXIT

now() { date +%s%N; }

# elapsed START: seconds since START (from now()) with one decimal.
elapsed() {
	local ms=$((($(now) - $1) / 1000000))

	printf '%d.%d' $((ms / 1000)) $((ms % 1000 / 100))
}

# run_one SUITE BINARY: run one binary and add its results to the counts.
run_one() {
	local suite=$1 bin=$2 rc line plan=
	local ok=0 notok=0 skip=0 why=

	echo "# RUN $suite/$bin"
	(cd "$testdir/$suite" && timeout -k 10 "$limit" "./$bin") | tee "$out"
	rc=${PIPESTATUS[0]}

	while IFS= read -r line || [ -n "$line" ]; do
		case $line in
		"not ok "*)
			notok=$((notok + 1)) ;;
		"ok "*" # SKIP"*|"ok "*" # skip"*)
			skip=$((skip + 1)) ;;
		"ok "*)
			ok=$((ok + 1)) ;;
		"1..0 # SKIP"*|"1..0 # skip"*)
			skip=$((skip + 1)) plan=1 ;;
		1..*)
			plan=${line#1..} plan=${plan%% *} ;;
		esac
	done < "$out"

	if [ "$rc" = 124 ]; then
		why="timed out after ${limit}s"
	elif [ "$rc" -gt 128 ]; then
		why="killed by signal $((rc - 128))"
	elif [ "$rc" != 0 ] && [ "$rc" != 1 ] && [ "$rc" != 4 ]; then
		why="exited with status $rc"
	elif [ "$rc" = 1 ] && [ "$notok" = 0 ]; then
		why="exited with status 1 without a failed result"
	elif [ "$rc" = 4 ] && [ "$skip" = 0 ]; then
		why="exited with status 4 without a skipped result"
	elif [ $((ok + notok + skip)) = 0 ]; then
		why="printed no result"
	elif [ -n "$plan" ] && [ $((ok + notok + skip)) -lt "$plan" ]; then
		why="printed $((ok + notok + skip)) of $plan planned results"
	fi
	if [ -n "$why" ]; then
		echo "# FAIL $suite/$bin: $why"
		notok=$((notok + 1))
	fi

	passed=$((passed + ok)) failed=$((failed + notok))
	skipped=$((skipped + skip))
}

suites=0
for dir in "$testdir"/*/; do
	[ -d "$dir" ] || continue
	suite=$(basename "$dir")
	bins=
	for f in "$dir"*-test; do
		[ -f "$f" ] && [ -x "$f" ] && bins="$bins $(basename "$f")"
	done
	[ -n "$bins" ] || continue

	suites=$((suites + 1))
	start=$(now)
	for bin in $bins; do
		run_one "$suite" "$bin"
	done
	echo "# suite $suite: $(elapsed "$start") s"
done

if [ "$suites" = 0 ]; then
	echo "# no test binaries (*-test) found in $testdir/*/"
	failed=$((failed + 1))
fi

if [ "${CI:-}" = true ] && [ "$skipped" != 0 ]; then
	echo "# CI=true: $skipped unexpected skip(s) count as failures"
	failed=$((failed + skipped)) skipped=0
fi

echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" = 0 ]
