#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# bench-nt-net.sh NT_DIR PEER [RUNS] ("make bench-nt-net")
# TCP throughput over the udp backend between a Windows LKL under wine64
# and a POSIX LKL, and between two POSIX LKLs for reference, in the same
# run, on the host's loopback: net-peer (PEER, the Linux build of
# tests/nt/net-peer.c) serves and NT_DIR/tests/net-peer.exe (or PEER)
# drives: ping, then LKL_BENCH_NT_BYTES (16 MiB) uploaded and downloaded,
# each checked with SHA-256. Prints the median of RUNS (3) in MB/s for
# each direction, and every run. LKL_BENCH_NT_MTU sets the MTU of both
# interfaces (1500 by default). Wine gets a prefix of its own under
# NT_DIR, removed at the end.

set -u
usage="usage: bench-nt-net.sh NT_DIR PEER [RUNS]"
nt=$(realpath "${1:?$usage}")
peer=$(realpath "${2:?$usage}")
runs=${3:-3}
bytes=${LKL_BENCH_NT_BYTES:-16777216}
mtu=${LKL_BENCH_NT_MTU:-1500}
limit=300

wine=
for w in /usr/lib/wine/wine64 wine64 wine; do
	if command -v "$w" >/dev/null; then
		wine=$(command -v "$w")
		break
	fi
done
if [ -z "$wine" ] || [ ! -f "$nt/tests/net-peer.exe" ] || [ ! -x "$peer" ]; then
	echo "bench-nt-net.sh: needs wine64, $nt/tests/net-peer.exe" \
	     "(make HOST=nt) and $peer (make tests)" >&2
	exit 1
fi

export WINEPREFIX=$nt/wine-bench.$$ WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml="
tmp=$(mktemp -d "${TMPDIR:-/tmp}/bench-nt-net.XXXXXX")
trap 'timeout 30 wineserver -k >/dev/null 2>&1; rm -rf "$WINEPREFIX" "$tmp"' EXIT
(cd "$nt/tests" && timeout 120 "$wine" cmd /c exit >/dev/null 2>&1)
timeout 10 wineserver -p >/dev/null 2>&1
port=$((30000 + ($$ % 1000) * 8))

# run CLIENT OUT: one transfer pair, the POSIX server and CLIENT (wine or
# posix); the client's output in OUT.
run() {
	local p=$port q=$((port + 1)) cli spid

	port=$((port + 2))
	if [ "$1" = wine ]; then
		cli=("$wine" net-peer.exe)
	else
		cli=("$peer")
	fi
	timeout "$limit" "$peer" --local "127.0.0.1:$p" --remote "127.0.0.1:$q" \
		--ip 10.99.0.1/24 --mtu "$mtu" --serve >/dev/null 2>&1 &
	spid=$!
	(cd "$nt/tests" && timeout "$limit" "${cli[@]}" \
		--local "127.0.0.1:$q" --remote "127.0.0.1:$p" \
		--ip 10.99.0.2/24 --mtu "$mtu" --peer 10.99.0.1 --bytes "$bytes" \
		--wait-ms 30000 >"$2" 2>/dev/null)
	wait "$spid"
}

# median FILE...: the middle of the numbers given, one per line.
median() {
	sort -n | awk '{ v[NR] = $1 } END { print NR ? v[int((NR + 1) / 2)] : "-" }'
}

# rate FILE STEP: the MB/s of STEP in FILE, or nothing if it failed.
rate() {
	sed -n "s/^$2 ok: .*, \([0-9.]*\) MB\/s.*/\1/p" "$1"
}

echo "# udp backend, TCP, MTU $mtu, $bytes bytes each way, $runs runs; load: $(cut -d' ' -f1-3 /proc/loadavg)"
for kind in wine posix; do
	for i in $(seq "$runs"); do
		run "$kind" "$tmp/$kind.$i"
		echo "# $kind run $i: up $(rate "$tmp/$kind.$i" upload)," \
		     "down $(rate "$tmp/$kind.$i" download) MB/s"
	done
done
printf '%-34s %s\n' "direction" "median MB/s"
for kind in wine posix; do
	up=$(for i in $(seq "$runs"); do rate "$tmp/$kind.$i" upload; done | median)
	down=$(for i in $(seq "$runs"); do rate "$tmp/$kind.$i" download; done | median)
	if [ "$kind" = wine ]; then
		printf '%-34s %s\n' "wine LKL -> POSIX LKL" "$up" \
			"POSIX LKL -> wine LKL" "$down"
	else
		printf '%-34s %s\n' "POSIX LKL -> POSIX LKL (upload)" "$up" \
			"POSIX LKL -> POSIX LKL (download)" "$down"
	fi
done
