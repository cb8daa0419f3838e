#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# bench-bbr.sh TOOLSDIR [OUTDIR]
# TCP pacing through a lossy middlebox: iperf3 goodput of LKL's stack
# against the host's, with BBR and cubic, with the fq qdisc and without.
#
# Three network namespaces, made here and deleted on exit:
#   sender     a router to s0 for two senders of iperf3 -c: LKL's, under
#              lkl-hijack.sh on the tap lkltap0, and the host's, in a
#              fourth namespace behind the veth pair n0/n1. Both senders
#              keep their offloads; s0 has none, so both are one hop and
#              one software segmentation away from the middlebox.
#   middlebox  between s0 and r0: 100 ms of delay one way, 1% loss, a
#              200 Mbit/s bottleneck and a limit of 10000 packets, by
#              netem when the host has it, else by bench-bbr-link.c
#   receiver   iperf3 -s on r0
# The bandwidth-delay product is 2.5 MB; tcp_wmem and tcp_rmem maxima are
# 32 MB on both sides, and LKL has mem=256M.
#
# Each case runs DURATION seconds (default 30). Goodput is the receiver's
# bits_per_second from iperf3 -J. The table, bbr.csv and bbr.json go to
# OUTDIR (default build/bench); the iperf3 JSON to OUTDIR/bbr/.
# Target: LKL >= 0.9x native with BBR and fq. Needs root and iperf3.

set -eu -o pipefail

TOOLS=$(cd "${1:?usage: bench-bbr.sh TOOLSDIR [OUTDIR]}" && pwd)
HERE=$(cd "$(dirname "$0")" && pwd)
OUT=${2:-$HERE/../../build/bench}
DURATION=${DURATION:-30}
DELAY_MS=100
LOSS=1
RATE_MBIT=200
LIMIT=10000
BUF_MAX=33554432
LKL_MEM=256M
PORT=5201

[ "$(id -u)" = 0 ] || { echo "bench-bbr: needs root (namespaces, tap)" >&2; exit 1; }
if [ ! -x "$TOOLS/lkl-hijack.sh" ]; then
	echo "bench-bbr: $TOOLS/lkl-hijack.sh missing; run make tools" >&2
	exit 1
fi
for t in iperf3 ethtool jq; do
	command -v $t >/dev/null || { echo "bench-bbr: $t missing" >&2; exit 1; }
done

mkdir -p "$OUT/bbr"
OUT=$(cd "$OUT" && pwd)
S=lklbbr-$$-s
M=lklbbr-$$-m
R=lklbbr-$$-r
N=lklbbr-$$-n
DIR=$(mktemp -d "${TMPDIR:-/tmp}/bench-bbr.XXXXXX")
LINK_PID=
cleanup() {
	if [ -n "$LINK_PID" ]; then
		kill "$LINK_PID" 2>/dev/null || true
		wait "$LINK_PID" 2>/dev/null || true
	fi
	# Killing the namespaces' processes by their ids first lets the
	# namespaces go at once.
	for ns in "$S" "$M" "$R" "$N"; do
		for pid in $(ip netns pids "$ns" 2>/dev/null); do
			kill "$pid" 2>/dev/null || true
		done
		ip netns del "$ns" 2>/dev/null || true
	done
	rm -rf "$DIR"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

in_ns() { ip netns exec "$1" "${@:2}"; }

for ns in "$S" "$M" "$R" "$N"; do
	ip netns add "$ns"
	ip -n "$ns" link set lo up
	in_ns "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1
	in_ns "$ns" sysctl -qw net.ipv6.conf.default.disable_ipv6=1
done
ip -n "$S" link add s0 type veth peer name m0 netns "$M"
ip -n "$R" link add r0 type veth peer name m1 netns "$M"
ip -n "$N" link add n0 type veth peer name n1 netns "$S"
ip -n "$S" tuntap add dev lkltap0 mode tap

# Frames no larger than the MTU and with their checksums filled in, so
# that loss hits single packets (netem drops a GSO packet whole) and the
# user-space link can pass frames as they are.
for d in "$S s0" "$R r0"; do
	set -- $d
	in_ns "$1" ethtool -K "$2" tx off tso off gso off gro off >/dev/null 2>&1 || true
done
for dev in m0 m1; do
	in_ns "$M" ethtool -K $dev gro off >/dev/null 2>&1 || true
	ip -n "$M" link set $dev up
done

ip -n "$S" addr add 10.10.1.1/24 dev lkltap0
ip -n "$S" addr add 10.10.2.1/24 dev s0
ip -n "$S" addr add 10.10.3.1/24 dev n1
ip -n "$N" addr add 10.10.3.2/24 dev n0
ip -n "$S" link set lkltap0 up
ip -n "$S" link set n1 up
ip -n "$N" link set n0 up
ip -n "$N" route add default via 10.10.3.1
ip -n "$S" link set s0 up
in_ns "$S" sysctl -qw net.ipv4.ip_forward=1
ip -n "$R" addr add 10.10.2.2/24 dev r0
ip -n "$R" link set r0 up
ip -n "$R" route add 10.10.1.0/24 via 10.10.2.1
ip -n "$R" route add 10.10.3.0/24 via 10.10.2.1
for ns in "$N" "$R"; do
	in_ns "$ns" sysctl -qw net.ipv4.tcp_wmem="4096 16384 $BUF_MAX"
	in_ns "$ns" sysctl -qw net.ipv4.tcp_rmem="4096 131072 $BUF_MAX"
done

# The middlebox: a bridge whose m1 egress is netem, or the user-space link.
LINK="netem delay ${DELAY_MS}ms loss ${LOSS}% rate ${RATE_MBIT}mbit limit $LIMIT"
ip -n "$M" link add br0 type bridge
if tc -n "$M" qdisc add dev m1 root $LINK 2>/dev/null; then
	for dev in m0 m1; do ip -n "$M" link set $dev master br0; done
	ip -n "$M" link set br0 up
	LINKBY="netem (host kernel)"
else
	ip -n "$M" link del br0
	"${CC:-cc}" -O2 -Wall -o "$DIR/bench-bbr-link" "$HERE/bench-bbr-link.c"
	# Not through in_ns: $! must be the link itself, to be signalled.
	ip netns exec "$M" "$DIR/bench-bbr-link" m0 m1 $DELAY_MS $LOSS $RATE_MBIT $LIMIT \
		> "$DIR/link.out" 2> "$DIR/link.err" &
	LINK_PID=$!
	for _ in $(seq 100); do
		grep -q ready "$DIR/link.out" && break
		sleep 0.05
	done
	grep -q ready "$DIR/link.out" || { cat "$DIR/link.err" >&2; exit 1; }
	LINKBY="bench-bbr-link (the host kernel has no sch_netem)"
fi
# Fill the neighbour tables before timing anything.
in_ns "$N" ping -c 2 -i 0.2 -W 2 10.10.2.2 >/dev/null

# qdisc_set fq|default: the native sender's qdisc on n0. Fails if the
# host has no sch_fq.
qdisc_set() {
	if [ "$1" = fq ]; then
		tc -n "$N" qdisc replace dev n0 root fq 2>/dev/null
	else
		tc -n "$N" qdisc del dev n0 root 2>/dev/null || true
	fi
}

# run SENDER CC QDISC: one iperf3 run; prints goodput in Mbit/s, or "n/a".
run() {
	local sender=$1 cc=$2 qdisc=$3 json=$OUT/bbr/$1-$2-$3.json srv
	in_ns "$R" timeout $((DURATION + 60)) iperf3 -s -1 -p $PORT \
		> "$DIR/server.log" 2>&1 &
	srv=$!
	for _ in $(seq 100); do
		in_ns "$R" ss -Hltn "sport = :$PORT" | grep -q . && break
		sleep 0.05
	done
	local client=(iperf3 -c 10.10.2.2 -p $PORT -t "$DURATION" -C "$cc" -J)
	local ok=1 qenv=()
	local sysctl="net.ipv4.tcp_wmem=4096 16384 $BUF_MAX"
	sysctl+=";net.ipv4.tcp_rmem=4096 131072 $BUF_MAX"
	sysctl+=";net.ipv4.tcp_congestion_control=$cc"
	[ "$qdisc" = fq ] && qenv=(LKL_HIJACK_NET_QDISC=fq)
	if [ "$sender" = native ]; then
		if qdisc_set "$qdisc"; then
			in_ns "$N" timeout $((DURATION + 60)) "${client[@]}" \
				> "$json" 2> "$DIR/client.err" || ok=0
		else
			echo '{"error": "the host kernel has no sch_fq"}' > "$json"
			ok=0
			kill "$srv" 2>/dev/null || true
		fi
	else
		in_ns "$S" env LKL_HIJACK_NET_IFTYPE=tap \
			LKL_HIJACK_NET_IFPARAMS=lkltap0 \
			LKL_HIJACK_NET_IP=10.10.1.2 \
			LKL_HIJACK_NET_NETMASK_LEN=24 \
			LKL_HIJACK_NET_GATEWAY=10.10.1.1 \
			LKL_HIJACK_MEMSIZE=$LKL_MEM \
			LKL_HIJACK_SYSCTL="$sysctl" \
			"${qenv[@]}" \
			timeout $((DURATION + 60)) "$TOOLS/lkl-hijack.sh" \
			"${client[@]}" > "$json" 2> "$DIR/client.err" || ok=0
	fi
	wait "$srv" 2>/dev/null || true
	if [ $ok = 1 ] && jq -e '.end.sum_received.bits_per_second' "$json" >/dev/null 2>&1; then
		jq -r '.end.sum_received.bits_per_second / 1e6 | . * 10 | round / 10' "$json"
	else
		[ -s "$DIR/client.err" ] && sed 's/^/  /' "$DIR/client.err" >&2
		echo n/a
	fi
}

echo "bench-bbr: ${DURATION}s per case; link: ${DELAY_MS} ms, ${LOSS}% loss," \
	"${RATE_MBIT} Mbit/s, limit $LIMIT, by $LINKBY"
declare -A G
for cc in bbr cubic; do
	for qdisc in fq default; do
		for sender in native lkl; do
			G[$sender-$cc-$qdisc]=$(run $sender $cc $qdisc)
			printf '  %-6s %-5s %-7s %s Mbit/s\n' $sender $cc $qdisc \
				"${G[$sender-$cc-$qdisc]}"
		done
	done
done
if [ -n "$LINK_PID" ]; then
	kill "$LINK_PID"
	wait "$LINK_PID" || true
	LINK_PID=
	sed 's/^/  /' "$DIR/link.err"
fi

# num VALUE: VALUE as a JSON number, or null.
num() { if [ "$1" = n/a ]; then echo null; else echo "$1"; fi; }

# ratio LKL NATIVE: "0.93", or "n/a".
ratio() {
	awk -v a="$1" -v b="$2" 'BEGIN {
		if (a == "n/a" || b == "n/a" || b == 0) print "n/a"
		else printf "%.2f\n", a / b }'
}

CSV=$OUT/bbr.csv
echo "bench,case,system,value,unit,ratio,reference" > "$CSV"
printf '\n%-6s %-8s %14s %14s %8s  %s\n' cc qdisc "native Mbit/s" "LKL Mbit/s" ratio "against"
rows=()
for cc in bbr cubic; do
	for qdisc in fq default; do
		n=${G[native-$cc-$qdisc]} l=${G[lkl-$cc-$qdisc]} ref="native $cc $qdisc"
		# Without sch_fq on the host, native BBR paces by itself (TCP's
		# internal pacing): the LKL fq figure is set against that.
		if [ "$n" = n/a ] && [ "$qdisc" = fq ]; then
			n=${G[native-$cc-default]} ref="native $cc default (host has no fq)"
		fi
		r=$(ratio "$l" "$n")
		printf '%-6s %-8s %14s %14s %8s  %s\n' $cc $qdisc \
			"${G[native-$cc-$qdisc]}" "$l" "$r" "$ref"
		echo "bbr,$cc-$qdisc,native,${G[native-$cc-$qdisc]},Mbit/s,," >> "$CSV"
		echo "bbr,$cc-$qdisc,lkl,$l,Mbit/s,$r,$ref" >> "$CSV"
		rows+=("{\"cc\": \"$cc\", \"qdisc\": \"$qdisc\", $(
			)\"native_mbps\": $(num "${G[native-$cc-$qdisc]}"), $(
			)\"lkl_mbps\": $(num "$l"), \"ratio\": $(num "$r"), $(
			)\"reference\": \"$ref\"}")
	done
done
{
	printf '{"bench": "bbr", "duration_s": %s, ' "$DURATION"
	printf '"link": {"delay_ms": %s, "loss_percent": %s, ' $DELAY_MS $LOSS
	printf '"rate_mbit": %s, "limit": %s, "by": "%s"},\n "cases": [\n' \
		$RATE_MBIT $LIMIT "$LINKBY"
	( IFS=$'\n'; echo "${rows[*]}" ) | sed '$!s/$/,/; s/^/  /'
	printf ' ]}\n'
} | jq . > "$OUT/bbr.json"

r=$(ratio "${G[lkl-bbr-fq]}" "${G[native-bbr-fq]/n\/a/${G[native-bbr-default]}}")
if awk -v r="$r" 'BEGIN { exit !(r != "n/a" && r >= 0.9) }'; then
	echo "target: LKL >= 0.9x native with BBR and fq: met (${r}x)"
else
	echo "target: LKL >= 0.9x native with BBR and fq: NOT met (${r}x)"
fi
echo "results: $CSV $OUT/bbr.json"
