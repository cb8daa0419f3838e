#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# lkl-bench-server.sh TOOLS_DIR TESTS_DIR
# make bench-server: a null call (fcntl(F_GETFL) on a socket) and a
# 1-byte TCP round trip over loopback, measured in one run three ways by
# TESTS_DIR/bench-server-calls: on the host, under the hijack with LKL in
# the process, and under the hijack as a client of lkl-server
# (Documentation/virt/lkl/server.rst). Prints a Markdown table: the
# median time of each, and its ratio to the host's. Each way runs
# REPEAT times (default 3), interleaved, and the median is kept.
set -u
tools=${1:?usage: lkl-bench-server.sh TOOLS_DIR TESTS_DIR}
tests=${2:?usage: lkl-bench-server.sh TOOLS_DIR TESTS_DIR}
prog=$tests/bench-server-calls
repeat=${REPEAT:-3}

for f in "$prog" "$tools/lkl-server" "$tools/lkl-hijack.sh"; do
	if [ ! -x "$f" ]; then
		echo "lkl-bench-server.sh: $f is missing: run make tests" >&2
		exit 1
	fi
done

tmp=$(mktemp -d)
srv=
cleanup() {
	[ -n "$srv" ] && kill "$srv" 2>/dev/null
	wait 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

mkdir -m 700 "$tmp/s"
timeout 600 "$tools/lkl-server" "$tmp/s/sock" 2>"$tmp/server.log" &
srv=$!
for _ in $(seq 100); do
	grep -q "listening on" "$tmp/server.log" && break
	sleep 0.05
done
if ! grep -q "listening on" "$tmp/server.log"; then
	cat "$tmp/server.log" >&2
	exit 1
fi

# way NAME: one run of the program, its two figures appended to $tmp/NAME.
way() {
	case $1 in
	host) timeout 120 "$prog" ;;
	lkl) timeout 120 "$tools/lkl-hijack.sh" "$prog" ;;
	server) LKL_HIJACK_SERVER=$tmp/s/sock timeout 120 \
		"$tools/lkl-hijack.sh" "$prog" ;;
	esac >>"$tmp/$1" || { echo "lkl-bench-server.sh: the $1 run failed" >&2; exit 1; }
}

for _ in $(seq "$repeat"); do
	for w in host lkl server; do
		way "$w"
	done
done

# med NAME KEY: the median of KEY's values in $tmp/NAME.
med() {
	awk -v k="$2" '$1 == k { print $2 }' "$tmp/$1" | sort -n |
		awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}

echo "| figure | host | LKL in the process | LKL through lkl-server |"
echo "|---|---|---|---|"
for k in null_ns rtt_ns; do
	h=$(med host "$k")
	l=$(med lkl "$k")
	s=$(med server "$k")
	case $k in
	null_ns) name="null call (fcntl F_GETFL on a socket)" ;;
	rtt_ns) name="1-byte TCP round trip, loopback" ;;
	esac
	awk -v n="$name" -v h="$h" -v l="$l" -v s="$s" 'BEGIN {
		printf "| %s | %.2f µs | %.2f µs (%.2fx) | %.2f µs (%.2fx) |\n",
			n, h / 1000, l / 1000, l / h, s / 1000, s / h }'
done
