#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# bench-net.sh BENCH_NET
# TCP throughput and request/response latency, LKL against native Linux,
# measured in one run with one program (tests/bench/bench-net.c).
#
# Everything happens in two network namespaces made here and deleted on
# exit: "main" holds tap0 (LKL's tap backend), a veth pair vA/vB (LKL's raw
# backend on vB) and nA, whose veth peer nB sits in "peer" for the
# native-to-native figure. The native end of each LKL path is the main
# namespace's own stack, reachable only through LKL's device. The udp
# figure has LKL at both ends, joined by the udp backend over the main
# namespace's loopback.
#
# Throughput: BYTES (default 1 GiB) each way, RUNS times (default 3),
# median in MB/s (10^6 bytes per second) and as a ratio against native
# veth. Latency: RR_COUNT one-byte round trips, median and 99th percentile.
# Needs root (namespaces, tap).

set -eu -o pipefail

BENCH=${1:?usage: bench-net.sh BENCH_NET}
RUNS=${RUNS:-3}
BYTES=${BYTES:-1073741824}
RR_COUNT=${RR_COUNT:-20000}
PORT=5201

[ "$(id -u)" = 0 ] || { echo "bench-net: needs root (namespaces, tap)" >&2; exit 1; }
[ -x "$BENCH" ] || { echo "bench-net: $BENCH missing; run make tests" >&2; exit 1; }
command -v ethtool >/dev/null || { echo "bench-net: ethtool missing" >&2; exit 1; }

NS=lklbench-$$
PEER=lklbench-$$-peer
DIR=$(mktemp -d "${TMPDIR:-/tmp}/bench-net.XXXXXX")
cleanup() {
	ip netns del "$NS" 2>/dev/null || true
	ip netns del "$PEER" 2>/dev/null || true
	rm -rf "$DIR"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

in_ns() { ip netns exec "$1" "${@:2}"; }

# shellcheck source=tests/bench/bench-links.sh
. "$(dirname "$0")/bench-links.sh"
bench_links "$NS" "$PEER"

# pair SERVER_NS "SERVER ARGS" CLIENT_NS "CLIENT ARGS": run a server until
# it listens, then the client; print the line of whichever reports "WANT".
pair() {
	local sns=$1 sargs=$2 cns=$3 cargs=$4 want=$5 out=$DIR/server i
	: > "$out"
	# shellcheck disable=SC2086
	in_ns "$sns" timeout 120 "$BENCH" $sargs > "$out" &
	local spid=$!
	for i in $(seq 100); do
		grep -q listening "$out" && break
		sleep 0.05
	done
	# shellcheck disable=SC2086
	in_ns "$cns" timeout 120 "$BENCH" $cargs > "$DIR/client"
	wait "$spid"
	if [ "$want" = server ]; then grep -v listening "$out"; else cat "$DIR/client"; fi
}

median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

# tput NAME SERVER_NS "SERVER ARGS" CLIENT_NS "CLIENT ARGS": median MB/s
# as the sink saw it.
tput() {
	local name=$1 r
	for r in $(seq "$RUNS"); do
		pair "$2" "$3" "$4" "$5" "$6" |
			awk '{ printf "%.1f\n", $2 / $3 / 1e6 }'
	done | median > "$DIR/$name"
	cat "$DIR/$name"
}

lkl_end() { echo "lkl $1 $2 $3"; }

offloads() {
	local state=$1 dev
	for dev in vA vB; do
		in_ns "$NS" ethtool -K "$dev" tso "$state" gso "$state" \
			tx "$state" >/dev/null 2>&1 || true
	done
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b ? a / b : 0 }'; }

echo "bench-net: $((BYTES >> 20)) MiB per transfer, median of $RUNS, MB/s"
NATIVE=$(tput native "$PEER" "native sink $PORT" "$NS" \
	"native source 10.79.0.2 $PORT $BYTES" server)
printf '  %-28s %8s\n' "native veth -> native" "$NATIVE"

for path in tap raw; do
	for off in on off; do
		if [ $path = tap ]; then
			be=tap:tap0 lkl=10.77.0.2/24 nat=10.77.0.1
		else
			be=raw:vB lkl=10.78.0.2/24 nat=10.78.0.1
			offloads "$off"
		fi
		out=$(tput "$path-$off-out" "$NS" "native sink $PORT" "$NS" \
			"$(lkl_end $be $lkl $off) source $nat $PORT $BYTES" server)
		in=$(tput "$path-$off-in" "$NS" \
			"$(lkl_end $be $lkl $off) sink $PORT" "$NS" \
			"native source ${lkl%/*} $PORT $BYTES" server)
		printf '  %-28s %8s  %sx native\n' \
			"LKL -> native, $path, offloads $off" "$out" \
			"$(ratio "$out" "$NATIVE")"
		printf '  %-28s %8s  %sx native\n' \
			"native -> LKL, $path, offloads $off" "$in" \
			"$(ratio "$in" "$NATIVE")"
	done
done
offloads on

# Two LKL ends over the udp backend on the main namespace's loopback: one
# frame per datagram, no offloads, MTU 1500 (the QEMU-compatible path).
udp_a=udp:127.0.0.1:5301,127.0.0.1:5302
udp_b=udp:127.0.0.1:5302,127.0.0.1:5301
udp=$(tput udp "$NS" "$(lkl_end $udp_a 10.80.0.1/24 off) sink $PORT" "$NS" \
	"$(lkl_end $udp_b 10.80.0.2/24 off) source 10.80.0.1 $PORT $BYTES" server)
printf '  %-28s %8s  %sx native\n' "LKL -> LKL, udp" "$udp" \
	"$(ratio "$udp" "$NATIVE")"

echo "bench-net: $RR_COUNT one-byte round trips, microseconds (median, p99)"
r=$(pair "$PEER" "native rr-server $PORT" "$NS" \
	"native rr-client 10.79.0.2 $PORT $RR_COUNT" client)
printf '  %-28s %8s %8s\n' "native veth" "$(echo "$r" | cut -d' ' -f3)" \
	"$(echo "$r" | cut -d' ' -f4)"
for path in tap raw; do
	if [ $path = tap ]; then
		be=tap:tap0 lkl=10.77.0.2/24 nat=10.77.0.1
	else
		be=raw:vB lkl=10.78.0.2/24 nat=10.78.0.1
	fi
	r=$(pair "$NS" "$(lkl_end $be $lkl on) rr-server $PORT" "$NS" \
		"native rr-client ${lkl%/*} $PORT $RR_COUNT" client)
	printf '  %-28s %8s %8s\n' "native -> LKL, $path" \
		"$(echo "$r" | cut -d' ' -f3)" "$(echo "$r" | cut -d' ' -f4)"
done
