#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# bench-unikernel.sh IMAGE [OUTDIR]
# The LKL unikernel's network against a native peer on the same host,
# with the same tool (scripts/lkl-uk-peer.py) on the host side of both:
# TCP throughput host to guest and guest to host, and the 1-byte round
# trip, each the median of 3 runs; then the image's size and memory.
#
# Two network namespaces, made here and deleted on exit:
#   ukb<pid>  the host side: the tap ukbt<pid> (10.202.0.1/24) that QEMU
#             runs on, with the guest at 10.202.0.2, and the veth end
#             ukbv<pid> (10.203.0.1/24)
#   ukp<pid>  the native peer: lkl-uk-peer.py serve on the veth end
#             ukpv<pid> (10.203.0.2/24), the same protocol as the guest's
#             TCP test server (tools/lkl/unikernel/tcptest.c)
# QEMU runs under KVM when /dev/kvm is usable, else TCG (the script says
# which). BYTES (default 64 MiB) per transfer, ROUNDS (default 2000)
# round trips per run. The table goes to stdout and OUTDIR/unikernel.md
# (default build/bench), each run's line to OUTDIR/unikernel-runs.txt.
# Needs root (namespaces, tap).
set -u

IMAGE=${1:?usage: bench-unikernel.sh IMAGE [OUTDIR]}
HERE=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$HERE/../.." && pwd)
OUT=${2:-$TOP/build/bench}
BYTES=${BYTES:-$((64 << 20))}
ROUNDS=${ROUNDS:-2000}
RUNS=3
PEER=$TOP/scripts/lkl-uk-peer.py
RUN=$TOP/scripts/lkl-unikernel.sh

[ "$(id -u)" = 0 ] || { echo "bench-unikernel: needs root (namespaces, tap)" >&2; exit 1; }
[ -f "$IMAGE" ] || { echo "bench-unikernel: $IMAGE is missing: run 'make unikernel'" >&2; exit 1; }
command -v qemu-system-x86_64 >/dev/null ||
	{ echo "bench-unikernel: qemu-system-x86_64 is missing: install qemu-system-x86" >&2; exit 1; }
mkdir -p "$OUT" || exit 1

hns=ukb$$ pns=ukp$$ tap=ukbt$$
tmp=$(mktemp -d)
serve_pid='' run_pid=''
cleanup() {
	local pid

	pid=$(cat "$tmp/pid" 2>/dev/null)
	[ -z "$pid" ] || kill "$pid" 2>/dev/null
	[ -z "$serve_pid" ] || kill "$serve_pid" 2>/dev/null
	wait 2>/dev/null
	ip netns del "$hns" 2>/dev/null
	ip netns del "$pns" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' TERM INT

set -e
ip netns add "$hns"
ip netns add "$pns"
ip -n "$hns" link set lo up
ip -n "$pns" link set lo up
ip -n "$hns" tuntap add dev "$tap" mode tap
ip -n "$hns" addr add 10.202.0.1/24 dev "$tap"
ip -n "$hns" link set "$tap" up
ip -n "$hns" link add "ukbv$$" type veth peer name "ukpv$$" netns "$pns"
ip -n "$hns" addr add 10.203.0.1/24 dev "ukbv$$"
ip -n "$pns" addr add 10.203.0.2/24 dev "ukpv$$"
ip -n "$hns" link set "ukbv$$" up
ip -n "$pns" link set "ukpv$$" up
set +e

accel=TCG
[ -r /dev/kvm ] && [ -w /dev/kvm ] && accel=KVM

# wait_listening FILE PID: until FILE says the server listens.
wait_listening() {
	for _ in $(seq 240); do
		grep -q '^# tcptest: listening' "$1" 2>/dev/null && return 0
		kill -0 "$2" 2>/dev/null || return 1
		sleep 0.5
	done
	return 1
}

# measure WHO HOST: RUNS of each kind against the server at HOST:5001,
# one line per run into $tmp/WHO.
measure() {
	local who=$1 host=$2 kind n

	: > "$tmp/$who"
	for kind in send recv rtt; do
		n=$BYTES
		[ "$kind" = rtt ] && n=$ROUNDS
		for _ in $(seq "$RUNS"); do
			timeout 120 ip netns exec "$hns" python3 "$PEER" "$kind" "$host" 5001 "$n" \
				>> "$tmp/$who" 2>&1 || echo "# $who $kind failed" >&2
		done
	done
}

count=$((3 * RUNS))
load=$(cut -d' ' -f1-3 /proc/loadavg)
echo "# the unikernel under $accel on tap $tap, the native peer on a veth pair"
ip netns exec "$hns" "$RUN" run "$IMAGE" --no-disk --tap "$tap" --tcp-test "$count" \
	--append uk.ip=10.202.0.2/24 --timeout 600 --console "$tmp/console" \
	--pid-file "$tmp/pid" > "$tmp/run.out" 2>&1 &
run_pid=$!
if wait_listening "$tmp/console" "$run_pid"; then
	measure guest 10.202.0.2
else
	echo "bench-unikernel: the guest's TCP test server did not start:" >&2
	cat "$tmp/run.out" >&2
	exit 1
fi
# A failed run leaves the guest waiting for connections: end it.
for _ in $(seq 60); do
	kill -0 "$run_pid" 2>/dev/null || break
	sleep 0.5
done
kill "$(cat "$tmp/pid")" 2>/dev/null
wait "$run_pid" || { echo "bench-unikernel: the guest failed:" >&2; tail -5 "$tmp/run.out" >&2; }
run_pid=''

ip netns exec "$pns" timeout 600 python3 "$PEER" serve 5001 "$count" > "$tmp/serve" 2>&1 &
serve_pid=$!
wait_listening "$tmp/serve" "$serve_pid" && measure native 10.203.0.2
for _ in $(seq 60); do
	kill -0 "$serve_pid" 2>/dev/null || break
	sleep 0.5
done
kill "$serve_pid" 2>/dev/null
wait "$serve_pid"
serve_pid=''

# median WHO KIND FIELD: the median of the runs' FIELD (a number before a unit).
median() {
	grep "^# $2:" "$tmp/$1" | sed -n "s|.* \\([0-9.]*\\) $3.*|\\1|p" | sort -g |
		awk '{ v[NR] = $1 } END { if (NR) print v[int((NR + 1) / 2)]; else print "-" }'
}

mem=$(sed -n 's/^# free memory, KiB: \([0-9]*\).*/\1/p' "$tmp/run.out" | tr -d '\r')
read -r text data bss _ < <(size "$IMAGE" | tail -1)
{
	echo "Unikernel ($accel, QEMU -m 256M, LKL mem=64M) against a native peer,"
	echo "median of $RUNS runs, $((BYTES >> 20)) MiB per transfer, $ROUNDS round trips per run:"
	echo
	printf '%-34s %14s %14s\n' "" "unikernel/tap" "native/veth"
	printf '%-34s %14s %14s\n' "TCP host to guest (Mbit/s)" \
		"$(median guest send Mbit/s)" "$(median native send Mbit/s)"
	printf '%-34s %14s %14s\n' "TCP guest to host (Mbit/s)" \
		"$(median guest recv Mbit/s)" "$(median native recv Mbit/s)"
	printf '%-34s %14s %14s\n' "1-byte round trip, median (us)" \
		"$(sed -n 's/^# rtt: .* median \([0-9.]*\) us.*/\1/p' "$tmp/guest" | sort -g | sed -n 2p)" \
		"$(sed -n 's/^# rtt: .* median \([0-9.]*\) us.*/\1/p' "$tmp/native" | sort -g | sed -n 2p)"
	echo
	echo "Image $(stat -c %s "$IMAGE") bytes: text $text, data $data, bss $bss."
	echo "Free memory at boot, before LKL's pool: ${mem:-?} KiB of 256 MiB."
	echo "Load average at the start: $load; at the end: $(cut -d' ' -f1-3 /proc/loadavg)."
} | tee "$OUT/unikernel.md"
cat "$tmp/guest" "$tmp/native" > "$OUT/unikernel-runs.txt"
