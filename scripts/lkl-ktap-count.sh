#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# lkl-ktap-count.sh < RUNNER-OUTPUT
# Count the results in what the kselftest runner prints (make run_tests,
# or run_kselftest.sh from an install), pass it through, and end with one
# line:
#   N passed, N failed, N skipped
#
# The runner prints one top-level result per test program, and nests the
# program's own output (stdout and stderr) under "# ". Each test case in a
# program counts, so the nested results are what is counted, one level
# deep only (the harness's "# Totals" and deeper subtests are not counted
# twice):
#   # ok N name                  passed (an XFAIL or XPASS directive too)
#   # ok N name # SKIP reason    skipped
#   # not ok N name              failed
#   # 1..0 # SKIP reason         the whole program skipped: one skip
#
# The top-level result gives the program's exit: "ok" is 0, "# SKIP" 4,
# "# TIMEOUT" the runner's timeout, "# exit=N" N. A program also counts
# one failure when it times out, dies from a signal, exits with a status
# the harness never uses (0 pass, 1 fail, 4 skip), exits 1 without a
# "not ok" or 4 without a skip, prints fewer results than its plan or no
# result at all, or is missing. So does a runner that stops before the
# end of its plan.
#
# With CI=true a skip is unexpected and counts as a failure, unless its
# reason starts with "known:" (the test lists it, with the reason, as a
# skip it expects on LKL: tests/kunit/xskip).
# Exit status: 0 when nothing failed, 1 otherwise.

set -u
passed=0 failed=0 skipped=0 known=0 programs=0 plan='' results=0
ok=0 notok=0 skip=0 nplan='' start=''

now() { echo "${EPOCHREALTIME/./}"; }

# elapsed START: seconds since START (from now()) with one decimal.
elapsed() {
	local ms=$((($(now) - $1) / 1000))

	printf '%d.%d' $((ms / 1000)) $((ms % 1000 / 100))
}

# finish LINE: the runner's top-level result for the program that ran.
finish() {
	local line=$1 name rc why=

	name=${line#*selftests: } name=${name%% # *} name=${name/: //}
	case $line in
	"ok "*" # SKIP"*)	rc=4 ;;
	"ok "*)			rc=0 ;;
	*" # TIMEOUT"*)		rc=124 ;;
	*" # exit="*)		rc=${line##* # exit=} rc=${rc%% *} ;;
	*)			rc=missing ;;
	esac

	if [ "$rc" = missing ]; then
		why="missing or not executable"
	elif [ "$rc" = 124 ]; then
		why="timed out (${line##* # TIMEOUT })"
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
	elif [ -n "$nplan" ] && [ $((ok + notok + skip)) -lt "$nplan" ]; then
		why="printed $((ok + notok + skip)) of $nplan planned results"
	fi
	if [ -n "$why" ]; then
		echo "# FAIL $name: $why"
		notok=$((notok + 1))
	fi
	[ -n "$start" ] && echo "# time $name: $(elapsed "$start") s"

	passed=$((passed + ok)) failed=$((failed + notok))
	skipped=$((skipped + skip)) programs=$((programs + 1))
	ok=0 notok=0 skip=0 nplan='' start=''
}

while IFS= read -r line || [ -n "$line" ]; do
	printf '%s\n' "$line"
	case $line in
	"# selftests: "*)
		ok=0 notok=0 skip=0 nplan='' start=$(now) ;;
	"# not ok "*)
		notok=$((notok + 1)) ;;
	"# ok "*" # SKIP known:"*)
		skip=$((skip + 1)) known=$((known + 1)) ;;
	"# ok "*" # SKIP"*|"# ok "*" # skip"*)
		skip=$((skip + 1)) ;;
	"# ok "*)
		ok=$((ok + 1)) ;;
	"# 1..0 # SKIP"*|"# 1..0 # skip"*)
		skip=$((skip + 1)) nplan=1 ;;
	"# 1.."[0-9]*)
		nplan=${line#\# 1..} nplan=${nplan%% *} ;;
	"ok "*|"not ok "*)
		results=$((results + 1))
		finish "$line" ;;
	"1.."[0-9]*)
		n=${line#1..} plan=$((${plan:-0} + ${n%% *})) ;;
	esac
done

if [ "$programs" = 0 ]; then
	echo "# no test program ran"
	failed=$((failed + 1))
elif [ -n "$plan" ] && [ "$results" -lt "$plan" ]; then
	echo "# FAIL the runner stopped after $results of $plan programs"
	failed=$((failed + 1))
fi

if [ "${CI:-}" = true ] && [ "$skipped" != "$known" ]; then
	echo "# CI=true: $((skipped - known)) unexpected skip(s) count as failures"
	failed=$((failed + skipped - known)) skipped=$known
fi

echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" = 0 ]
