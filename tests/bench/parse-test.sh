#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# parse-test.sh: bench-all.sh's parsers on saved benchmark outputs.
#
# Copies testdata/ (trimmed outputs of a real make bench) to a temporary
# OUTDIR, runs bench-all.sh there with BENCH_PARSE_ONLY=1, and checks what
# it gathered: results.csv, results.json and summary.md. A parser that
# reads the wrong columns fails here, instead of leaving rows out of
# results.csv unnoticed. No root, no network, a second or two.
#
# Prints TAP version 13, one result line per check, as kselftest_harness.h
# does. Exit status: 0 when every check passed, 1 when one failed, 4 when
# nothing could run (jq missing). make tests links it as
# <outdir>/bench/parse-test, so scripts/lkl-run-tests.sh runs it as the
# bench suite; it finds bench-all.sh and testdata/ through the link.

set -u
here=$(dirname "$(readlink -f "$0")")
# shellcheck source=tests/lib/ktap.sh
. "$here/../lib/ktap.sh"
benches="core disk net timer bbr sweep"

echo "TAP version 13"
if ! command -v jq >/dev/null; then
	echo "1..0 # SKIP jq missing (scripts/lkl-deps.sh test)"
	exit 4
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/parse-test.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
out=$tmp/out
csv=$out/results.csv
mkdir "$out"
cp "$here"/testdata/*.txt "$here"/testdata/*.csv "$here"/testdata/*.md "$out"

# gather: bench-all.sh on OUTDIR, running nothing (TOOLSDIR is unused:
# $tmp has no benchmark in it, so one that ran would leave no figures).
gather() {
	if ! BENCH_PARSE_ONLY=1 BENCHES=$benches "$here/bench-all.sh" \
			"$tmp" "$out" > "$tmp/log" 2>&1; then
		echo "# bench-all.sh failed:"
		sed 's/^/#   /' "$tmp/log"
		return 1
	fi
	if grep -q '^=== bench-' "$tmp/log"; then
		echo "# bench-all.sh ran a benchmark:"
		grep '^=== bench-' "$tmp/log" | sed 's/^/#   /'
		return 1
	fi
}

header() {
	[ "$(head -n 1 "$csv")" = "bench,case,system,value,unit,ratio,reference" ]
}

# rows BENCH N: results.csv has N rows of BENCH, as many as the fixture's
# output holds.
rows() {
	local n

	n=$(grep -c "^$1," "$csv")
	[ "$n" = "$2" ] && return 0
	echo "# $n $1 rows, expected $2"
	return 1
}

# row LINE: results.csv has the row LINE, exactly.
row() {
	grep -qxF -- "$1" "$csv" && return 0
	echo "# no row: $1"
	awk -F, -v l="$1" 'BEGIN { split(l, w, ",") }
		$1 == w[1] && $2 == w[2] { print "#   found: " $0 }' "$csv"
	return 1
}

# Seven fields each; a value is a number (or n/a), a ratio a number or
# nothing, so a figure read from the wrong column shows.
fields() {
	awk -F, 'NR > 1 && (NF != 7 || $4 !~ /^([0-9]+(\.[0-9]+)?|n\/a)$/ ||
			$6 !~ /^([0-9]+\.[0-9]+)?$/) {
			print "# bad row: " $0; bad = 1
		}
		END { exit bad }' "$csv"
}

core_ratio() { row "core,null syscall: LKL / host,lkl,0.27,x,0.27,host"; }
disk_ratio() { row "disk,cptofs,lkl,583,MB/s,0.73,dd"; }
net_tput() {
	row "net,tcp stream: native veth -> native,native,1126.1,MB/s,," &&
	row "net,tcp stream: LKL -> native; tap; offloads off,lkl,247.6,MB/s,0.22,native veth" &&
	row "net,tcp stream: LKL -> native; raw; offloads on,lkl,2388.4,MB/s,2.12,native veth"
}
net_rr() {
	row "net,rr p50: native veth,native,120.5,us,," &&
	row "net,rr p99: native -> LKL; tap,lkl,301.3,us,,"
}
timer_slack1() {
	row "timer,10us nanosleep p99 (slack 1 ns),native,60.7,us,," &&
	row "timer,10us nanosleep p99 (slack 1 ns),lkl,172.2,us,2.84,native" &&
	row "timer,1ms hrtimer p50 (slack 1 ns),lkl,3.4,us,,"
}
timer_slack50000() {
	row "timer,10us timerfd p99 (slack 50000 ns),lkl,139.9,us,2.78,native"
}
timer_threads() {
	row "timer,8 threads nanosleep p50 (slack 1 ns),native,62.7,us,," &&
	row "timer,8 threads nanosleep p90 (slack 1 ns),lkl,908.6,us,3.51,native" &&
	row "timer,8 threads nanosleep p99 (slack 1 ns),lkl,2664.6,us,1.37,native"
}

# Every LKL timer row with a host row of the same case has the ratio
# value / host value, to 2 decimals, against "native".
timer_ratios() {
	awk -F, '$1 != "timer" { next }
		$3 == "native" { ref[$2] = $4; next }
		$2 in ref {
			n++
			want = sprintf("%.2f", $4 / ref[$2])
			if ($6 != want || $7 != "native") {
				print "# " $0 ": want ratio " want; bad = 1
			}
		}
		END {
			if (!n)
				print "# no LKL timer row has a host row"
			exit (bad || !n)
		}' "$csv"
}

bbr_row() { row "bbr,bbr-fq,lkl,165.5,Mbit/s,0.94,native bbr default (host has no fq)"; }
sweep_row() { row "sweep,rr p99 65507,lkl-pipe,487.7,us,0.22,native-veth"; }

# results.json: an array with an object per CSV row; numbers are numbers.
json() {
	local n

	n=$(($(wc -l < "$csv") - 1))
	jq -e --argjson n "$n" 'type == "array" and length == $n' \
		"$out/results.json" > /dev/null || {
		echo "# results.json is not an array of $n objects"
		return 1
	}
	jq -e 'any(.[]; .bench == "timer" and .system == "lkl" and
		.case == "10us nanosleep p99 (slack 1 ns)" and
		.value == 172.2 and .ratio == 2.84)' \
		"$out/results.json" > /dev/null || {
		echo "# results.json lacks the 10us nanosleep p99 LKL timer row"
		return 1
	}
}

# summary.md: a section for every benchmark, none without figures.
summary() {
	local b bad=0

	for b in $benches; do
		grep -qx "## bench-$b" "$out/summary.md" && continue
		echo "# summary.md has no ## bench-$b"
		bad=1
	done
	if grep -q "No figures" "$out/summary.md"; then
		grep "No figures" "$out/summary.md" | sed 's/^/# /'
		bad=1
	fi
	return $bad
}

# summary.md's bench-timer section is a table with the timer rows.
summary_timer() {
	awk '/^## / { s = $0; next } s == "## bench-timer"' \
		"$out/summary.md" > "$tmp/timer.md"
	grep -qxF "| case | system | value | unit | ratio | against |" \
		"$tmp/timer.md" &&
	grep -qxF "| 10us nanosleep p99 (slack 1 ns) | lkl | 172.2 | us | 2.84 | native |" \
		"$tmp/timer.md" && return 0
	echo "# the bench-timer section is not the expected table:"
	sed 's/^/#   /' "$tmp/timer.md" | head -n 8
	return 1
}

ktap_add "bench-all.sh gathers with BENCH_PARSE_ONLY=1, running nothing" gather
ktap_add "results.csv has its header" header
ktap_add "results.csv has the 9 core rows" "rows core 9"
ktap_add "results.csv has the 5 disk rows" "rows disk 5"
ktap_add "results.csv has the 15 net rows" "rows net 15"
ktap_add "results.csv has the 46 timer rows" "rows timer 46"
ktap_add "results.csv has the 8 bbr rows" "rows bbr 8"
ktap_add "results.csv has the 36 sweep rows" "rows sweep 36"
ktap_add "results.csv rows have 7 fields and numeric figures" fields
ktap_add "core: the LKL / host null syscall ratio" core_ratio
ktap_add "disk: cptofs against dd" disk_ratio
ktap_add "net: tcp stream rows with their ratios" net_tput
ktap_add "net: request/response p50 and p99 rows" net_rr
ktap_add "timer: slack 1 ns rows" timer_slack1
ktap_add "timer: slack 50000 ns rows" timer_slack50000
ktap_add "timer: many sleepers rows" timer_threads
ktap_add "timer: every LKL ratio is value / host value" timer_ratios
ktap_add "bbr: rows from bbr.csv" bbr_row
ktap_add "sweep: rows from sweep.csv" sweep_row
ktap_add "results.json has an object per row" json
ktap_add "summary.md has figures for every benchmark" summary
ktap_add "summary.md has the bench-timer table" summary_timer

ktap_run
