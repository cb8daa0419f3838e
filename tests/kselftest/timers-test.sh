#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# timers-test.sh: the kernel's timers selftests (tools/testing/selftests/
# timers) that need no signals, run natively (PROGRAM) and against LKL
# (PROGRAM-lkl: the same source with timers-shim.h forced in, so its
# clock and timer calls are LKL's system calls) with the same arguments.
#
# Prints KTAP, one result per program: ok when both runs pass, not ok when
# the native run passes and the LKL one fails, a SKIP when the native run
# fails too (the host cannot run it: not LKL's fault). The programs' own
# output follows as diagnostics. The kernel lists set-tai and set-tz as
# destructive: they change the clock they test, which is LKL's in the
# shimmed build and the host's in the native one, so they run against
# LKL only. A latency test (nsleep-lat, 40 ms bound) is run a second
# time when it fails, on either side: the machine running make test may
# be loaded.
#
# make -C tests/kselftest builds the programs next to the link to this
# script, and it runs from there.

set -u
cd "$(dirname "$0")" || exit 1
limit=${LKL_KSFT_TIMEOUT:-300}

# PROGRAM|ARGS|HOW: HOW is "both", "lkl" (destructive on the host) or
# "latency" (both, one retry). ARGS are the kernel's (none) but for the
# run times, shortened for make test: inconsistency-check checks each
# clock for 1 s instead of 10, threadtest runs 5 s instead of 30.
runs=(
	"nanosleep||both"
	"nsleep-lat||latency"
	"inconsistency-check|-t 1|both"
	"threadtest|-t 5|both"
	"set-tai||lkl"
	"set-tz||lkl"
)

log=$(mktemp)
trap 'rm -f "$log"' EXIT

# run LABEL TRIES PROGRAM ARGS...: run it, its output as diagnostics.
run() {
	local label=$1 tries=$2 rc

	shift 2
	while :; do
		echo "# $label: $*"
		timeout -k 5 "$limit" "$@" > "$log" 2>&1
		rc=$?
		sed 's/^/#   /' "$log"
		tries=$((tries - 1))
		[ "$rc" = 0 ] || [ "$tries" = 0 ] && return "$rc"
		echo "# $label: exit status $rc, once more"
	done
}

echo "KTAP version 1"
echo "1..${#runs[@]}"
n=0 rc=0
for entry in "${runs[@]}"; do
	IFS='|' read -r prog args how <<< "$entry"
	n=$((n + 1))
	name="$prog${args:+ $args}"
	tries=1
	[ "$how" = latency ] && tries=2

	if [ ! -x "$prog" ] || [ ! -x "$prog-lkl" ]; then
		echo "# $prog or $prog-lkl was not built"
		echo "not ok $n $name"
		rc=1
		continue
	fi

	if [ "$how" = lkl ]; then
		echo "# native: not run, it would change the host's clock"
	else
		# shellcheck disable=SC2086
		run native "$tries" "./$prog" $args
		nrc=$?
		if [ "$nrc" != 0 ]; then
			echo "ok $n $name # SKIP fails natively too (exit status $nrc)"
			continue
		fi
	fi

	# shellcheck disable=SC2086
	run LKL "$tries" "./$prog-lkl" $args
	lrc=$?
	if [ "$lrc" != 0 ]; then
		echo "# $name: exit status $lrc against LKL"
		echo "not ok $n $name"
		rc=1
	else
		echo "ok $n $name"
	fi
done
exit $rc
