#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# bench-sweep.sh TOOLSDIR [OUTDIR]
# The message-size sweep: TCP stream both ways, UDP stream and TCP
# request/response at each message size, native Linux over veth against
# LKL over tap, raw and pipe with its offloads on and off, in one run.
#
# The programs are Debian's iperf3 (streams) and sockperf (request/
# response); LKL's side is the same program under lkl-hijack.sh. Systems
# (SYSTEMS, default all seven), in two namespaces made here and deleted on
# exit, "main" and "peer":
#   native-veth       the server in "peer", the client in "main", over
#                     the veth pair nA/nB: the reference
#   lkl-tap           the server under the hijack on tap0 in "main", the
#                     client native in "main"
#   lkl-raw           the same on a raw socket on vB, whose veth peer vA
#                     is the native client's way in
#   lkl-pipe          server and client both under the hijack, each with
#                     its own LKL, joined by two FIFOs (the pipe backend)
#   *-nooffload       LKL_HIJACK_NET_OFFLOAD=none on LKL's side. The
#                     native reference keeps its offloads; for raw, vA
#                     stops making GSO frames, which LKL would drop
# Every server runs on CPU SERVER_CPU (default 1) and every client on
# CLIENT_CPU (default 0), through taskset: an LKL process has all its
# threads, the kernel's included, on its one CPU. LKL has LKL_MEM of
# memory (default 1G) and the namespace's tcp_rmem and tcp_wmem.
#
# Tests (TESTS), for each size in SIZES (default 64 256 1024 1500 4096
# 16384 65507):
#   tcp-stream  iperf3 -l SIZE, client to server (native to LKL)
#   tcp-maerts  iperf3 -R -l SIZE, server to client (LKL to native)
#   udp-stream  iperf3 -u -b 0 -l SIZE, client to server: the receiver's
#               goodput (65507 is the largest UDP datagram)
#   rr          sockperf ping-pong --tcp -m SIZE (TCP_NODELAY): the round
#               trip's p50 and p99 in microseconds, and transactions per
#               second as 1e6 / the mean round trip. These are full round
#               trips, from sockperf's --full-log (the send and receive
#               time of each message); sockperf's own summary gives half
#               of them ("latency", RTT/2) unless --full-rtt.
# Figures are medians of RUNS runs (default 5) of about DURATION seconds
# (default 0.5) each. An iperf3 run sends the bytes that take DURATION at
# the rate of the run before (the first of a system and test runs -t 1);
# a run shorter than DURATION/2 is redone and not counted. The sockperf
# client sleeps 2 s before every test (hard-coded in sockperf 3.7) and
# drops its first 400 ms, so one client per size runs about RUNS *
# DURATION seconds and its log is cut into RUNS windows of equal length,
# each a run; RR_SEPARATE=1 runs RUNS clients instead (3.2 s each at
# least). The servers start once per system and program, but for each
# UDP run (see iperf_cell()).
#
# Output: one table per test (a row per size, a column per system, each
# figure with its ratio against native-veth), and in OUTDIR (default
# build/bench):
#   sweep.csv   bench,case,system,value,unit,ratio,reference, case being
#               "tcp stream 1024", "tcp maerts 1024", "udp stream 1024",
#               "rr tps 1024", "rr p50 1024" or "rr p99 1024"; ratio is
#               value / native-veth's (for latency, above 1 is slower)
#   sweep.json  the same rows as an array of objects
#   sweep.md    the tables in Markdown
#   sweep/runs.csv  every run: system,test,size,run,value,seconds
# Needs root (namespaces, tap), iperf3, sockperf, jq and ethtool.

set -eu -o pipefail

TOOLS=$(cd "${1:?usage: bench-sweep.sh TOOLSDIR [OUTDIR]}" && pwd)
HERE=$(cd "$(dirname "$0")" && pwd)
OUT=${2:-$HERE/../../build/bench}
RUNS=${RUNS:-5}
DURATION=${DURATION:-0.5}
SIZES=${SIZES:-64 256 1024 1500 4096 16384 65507}
SYSTEMS=${SYSTEMS:-native-veth lkl-tap lkl-tap-nooffload lkl-raw \
lkl-raw-nooffload lkl-pipe lkl-pipe-nooffload}
TESTS=${TESTS:-tcp-stream tcp-maerts udp-stream rr}
RR_SEPARATE=${RR_SEPARATE:-0}
SERVER_CPU=${SERVER_CPU:-$(($(nproc) > 1 ? 1 : 0))}
CLIENT_CPU=${CLIENT_CPU:-0}
LKL_MEM=${LKL_MEM:-1G}
REF=native-veth
IPERF_PORT=5201
RR_PORT=11111

# fail STATUS MESSAGE: stop with MESSAGE on stderr.
fail() {
	echo "bench-sweep: $2" >&2
	exit "$1"
}

[ "$(id -u)" = 0 ] || fail 1 "needs root (namespaces, tap)"
[ -x "$TOOLS/lkl-hijack.sh" ] || fail 1 "$TOOLS/lkl-hijack.sh missing; run make tools"
for t in iperf3 sockperf jq taskset ethtool; do
	command -v $t >/dev/null || fail 1 "$t missing (scripts/lkl-deps.sh bench)"
done
[[ $RUNS =~ ^[1-9][0-9]*$ ]] || fail 2 "RUNS=$RUNS is not a positive integer"
if ! [[ $DURATION =~ ^[0-9]*\.?[0-9]+$ ]] ||
	! awk -v d="$DURATION" 'BEGIN { exit !(d > 0) }'; then
	echo "bench-sweep: DURATION=$DURATION is not a positive number" >&2
	exit 2
fi
for s in $SIZES; do
	if ! [[ $s =~ ^[1-9][0-9]*$ ]] || [ "$s" -gt 65507 ]; then
		echo "bench-sweep: size $s is not 1 to 65507" >&2
		exit 2
	fi
done
for s in $SYSTEMS; do
	case $s in
	native-veth | lkl-tap | lkl-raw | lkl-pipe) ;;
	lkl-tap-nooffload | lkl-raw-nooffload | lkl-pipe-nooffload) ;;
	*) echo "bench-sweep: unknown system $s" >&2; exit 2 ;;
	esac
done
for t in $TESTS; do
	case $t in
	tcp-stream | tcp-maerts | udp-stream | rr) ;;
	*) echo "bench-sweep: unknown test $t" >&2; exit 2 ;;
	esac
done

# A client that takes longer than this is killed and the run fails.
CLIENT_TIMEOUT=$(awk -v r="$RUNS" -v d="$DURATION" 'BEGIN { printf "%d", 20 + 2 * r * d }')

mkdir -p "$OUT/sweep"
OUT=$(cd "$OUT" && pwd)
NS=lklsweep-$$
PEER=lklsweep-$$-peer
DIR=$(mktemp -d "${TMPDIR:-/tmp}/bench-sweep.XXXXXX")
SRV_PID=
FIFO_RX=
FIFO_TX=
FIFOS=0
cleanup() {
	stop_server
	ip netns del "$NS" 2>/dev/null || true
	ip netns del "$PEER" 2>/dev/null || true
	rm -rf "$DIR"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# shellcheck source=tests/bench/bench-links.sh
. "$HERE/bench-links.sh"
bench_links "$NS" "$PEER"
for ns in "$NS" "$PEER"; do
	ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1
	ip netns exec "$ns" sysctl -qw net.ipv6.conf.default.disable_ipv6=1
done

# LKL's TCP buffers as the native ends have them.
# ns_sysctl NAME: a sysctl of the namespace, its fields one space apart.
ns_sysctl() {
	ip netns exec "$NS" cat "/proc/sys/${1//.//}" | tr -s '\t ' ' '
}
LKL_SYSCTL="net.ipv4.tcp_rmem=$(ns_sysctl net.ipv4.tcp_rmem)"
LKL_SYSCTL="$LKL_SYSCTL;net.ipv4.tcp_wmem=$(ns_sysctl net.ipv4.tcp_wmem)"

# lkl_env TYPE PARAM IP MAC OFFLOAD: the hijack's environment, a line each.
lkl_env() {
	printf '%s\n' "LKL_HIJACK_NET_IFTYPE=$1" "LKL_HIJACK_NET_IFPARAMS=$2" \
		"LKL_HIJACK_NET_IP=$3" LKL_HIJACK_NET_NETMASK_LEN=24 \
		"LKL_HIJACK_NET_MAC=$4" "LKL_HIJACK_NET_OFFLOAD=$5" \
		"LKL_HIJACK_MEMSIZE=$LKL_MEM" "LKL_HIJACK_SYSCTL=$LKL_SYSCTL"
}

# raw_offloads all|none: whether the host may hand LKL's raw socket GSO
# frames. A packet socket cannot segment them, and LKL's virtio-net drops
# a GSO frame when its driver did not take GSO (vnet_rx_one() in
# tools/lkl/lib/virtio_net.c), so without LKL's offloads vA must not
# build them, nor vB merge them. These are LKL's path; the native
# reference nA/nB keeps its own. The tap backend asks the host to segment
# (TUNSETOFFLOAD) and needs nothing of this.
raw_offloads() {
	local state=on
	[ "$1" = none ] && state=off
	ip netns exec "$NS" ethtool -K vA tso $state gso $state >/dev/null 2>&1 || true
	ip netns exec "$NS" ethtool -K vB gro $state >/dev/null 2>&1 || true
}

# system SYSTEM: where its server and client run. Sets SRV_NS, CLI_NS,
# SRV_IP, and SRV_ENV and CLI_ENV, the hijack's environment of each end
# (empty for a native one). Fixed MAC addresses keep the native ends'
# neighbour entries right from one server to the next.
system() {
	local off=all
	[[ $1 == *-nooffload ]] && off=none
	SRV_ENV=() CLI_ENV=()
	case ${1%-nooffload} in
	native-veth)
		SRV_NS=$PEER CLI_NS=$NS SRV_IP=10.79.0.2
		;;
	lkl-tap)
		SRV_NS=$NS CLI_NS=$NS SRV_IP=10.77.0.2
		mapfile -t SRV_ENV < <(lkl_env tap tap0 $SRV_IP 02:00:00:00:77:02 $off)
		;;
	lkl-raw)
		SRV_NS=$NS CLI_NS=$NS SRV_IP=10.78.0.2
		mapfile -t SRV_ENV < <(lkl_env raw vB $SRV_IP 02:00:00:00:78:02 $off)
		raw_offloads $off
		;;
	lkl-pipe)
		SRV_NS=$NS CLI_NS=$NS SRV_IP=10.80.0.1
		mapfile -t SRV_ENV < <(lkl_env pipe "$DIR/to-server,$DIR/to-client" \
			$SRV_IP 02:00:00:00:80:01 $off)
		mapfile -t CLI_ENV < <(lkl_env pipe "$DIR/to-client,$DIR/to-server" \
			10.80.0.2 02:00:00:00:80:02 $off)
		;;
	esac
}

# hijack ENV...: the command prefix that runs a program under the hijack
# with that environment, or nothing for a native one.
hijack() {
	[ $# -gt 0 ] || return 0
	printf '%s\n' env "$@" "$TOOLS/lkl-hijack.sh"
}

# new_fifos: a fresh pair of FIFOs for the pipe backend, held open here,
# so that each side can start alone and clients can come and go. Fresh,
# because a process killed halfway through a frame leaves the byte stream
# out of step for good.
new_fifos() {
	if [ "$FIFOS" = 1 ]; then
		exec {FIFO_RX}>&- {FIFO_TX}>&-
		FIFOS=0
	fi
	rm -f "$DIR/to-server" "$DIR/to-client"
	mkfifo "$DIR/to-server" "$DIR/to-client"
	exec {FIFO_RX}<>"$DIR/to-server" {FIFO_TX}<>"$DIR/to-client"
	FIFOS=1
}

# start_server iperf3|sockperf: the current system's server on SERVER_CPU,
# once it is ready; fails if it is not within 10 s.
start_server() {
	local log=$DIR/server.log ready cmd pre
	if [ "$1" = iperf3 ]; then
		cmd=(iperf3 -s -p "$IPERF_PORT" --forceflush) ready="Server listening"
	else
		cmd=(sockperf server --tcp -i "$SRV_IP" -p "$RR_PORT") ready="to block on"
	fi
	[ ${#CLI_ENV[@]} -gt 0 ] && new_fifos
	mapfile -t pre < <(hijack "${SRV_ENV[@]}")
	: > "$log"
	# Not through a function: $! must be the server itself.
	ip netns exec "$SRV_NS" "${pre[@]}" taskset -c "$SERVER_CPU" \
		"${cmd[@]}" > "$log" 2>&1 &
	SRV_PID=$!
	for _ in $(seq 200); do
		grep -q "$ready" "$log" && break
		kill -0 "$SRV_PID" 2>/dev/null || break
		sleep 0.05
	done
	if ! grep -q "$ready" "$log"; then
		echo "bench-sweep: $SYS: $1 server did not start:" >&2
		sed 's/^/  /' "$log" >&2
		stop_server
		return 1
	fi
	sleep 0.1
}

# stop_server: SIGKILL, not SIGTERM: iperf3's SIGTERM handler longjmps
# out of the call it interrupts, here one blocked inside LKL, and its next
# LKL call then waits for ever. A server has nothing to save.
stop_server() {
	if [ -n "$SRV_PID" ]; then
		kill -KILL "$SRV_PID" 2>/dev/null || true
		wait "$SRV_PID" 2>/dev/null || true
		SRV_PID=
	fi
}

# client PROGRAM ARGS...: run a client of the current system on
# CLIENT_CPU, killed after CLIENT_TIMEOUT seconds.
client() {
	local pre
	mapfile -t pre < <(hijack "${CLI_ENV[@]}")
	ip netns exec "$CLI_NS" timeout -s KILL "$CLIENT_TIMEOUT" "${pre[@]}" \
		taskset -c "$CLIENT_CPU" "$@"
}

median() { sort -g | awk '{ v[NR] = $1 } END { if (NR) print v[int((NR + 1) / 2)] }'; }

FAILED=0
# fail WHAT FILE: count a failed run and show why.
fail() {
	FAILED=$((FAILED + 1))
	echo "bench-sweep: $SYS: $1 failed" >&2
	[ -s "$2" ] && head -n 5 "$2" | sed 's/^/  /' >&2
	return 0
}

declare -A VAL RATE

# iperf_run TEST SIZE BYTES: one iperf3 run of BYTES (0: one second).
# Prints "GOODPUT SENDER_RATE SECONDS", rates in Mbit/s.
iperf_run() {
	local args=(-c "$SRV_IP" -p "$IPERF_PORT" -l "$2" -J)
	if [ "$3" = 0 ]; then args+=(-t 1); else args+=(-n "$3"); fi
	case $1 in
	tcp-maerts) args+=(-R) ;;
	udp-stream) args+=(-u -b 0) ;;
	esac
	# stderr apart: iperf3 warns there about UDP datagrams above the MSS.
	client iperf3 "${args[@]}" > "$DIR/iperf.json" 2> "$DIR/iperf.err" || return 1
	jq -er '.end | [.sum_received.bits_per_second / 1e6,
		.sum_sent.bits_per_second / 1e6, .sum_sent.seconds] |
		map(. * 1000 | round / 1000) | @tsv' "$DIR/iperf.json"
}

# iperf_cell TEST SIZE: RUNS counted runs; their median into VAL.
# Each UDP run gets a new server, on every system alike. Datagrams above
# the MTU go as IP fragments, and a receiver that drops single frames
# (LKL behind a tap or raw socket that overflows) keeps the fragments
# of every datagram it lost a piece of: once they hold
# ipfrag_high_thresh (4 MB) it drops all fragments until ipfrag_time
# (30 s) expires them, which would leave the next runs with nothing.
iperf_cell() {
	local test=$1 size=$2 vals=() tries=0 rate bytes out g s secs
	while [ ${#vals[@]} -lt "$RUNS" ] && [ $tries -lt $((RUNS + 5)) ]; do
		if [ "$test" = udp-stream ]; then
			stop_server
			start_server iperf3 || return 0
		fi
		[ -n "$SRV_PID" ] || return 0
		tries=$((tries + 1))
		rate=${RATE[$SYS $test]:-}
		bytes=0
		[ -n "$rate" ] && bytes=$(awk -v r="$rate" -v d="$DURATION" -v l="$size" \
			'BEGIN { b = r * 1e6 / 8 * d; if (b < 16 * l) b = 16 * l; printf "%d", b }')
		if ! out=$(iperf_run "$test" "$size" "$bytes"); then
			{ jq -r '.error // empty' "$DIR/iperf.json" 2>/dev/null || true
			  cat "$DIR/iperf.err"; } > "$DIR/why"
			fail "iperf3 $test $size" "$DIR/why"
			unset "RATE[$SYS $test]"
			stop_server
			start_server iperf3 || return 0
			continue
		fi
		read -r g s secs <<< "$out"
		RATE[$SYS $test]=$s
		awk -v t="$secs" -v d="$DURATION" 'BEGIN { exit !(t < d / 2) }' && continue
		vals+=("$g")
		echo "$SYS,$test,$size,${#vals[@]},$g,$secs" >> "$RUNS_CSV"
	done
	[ ${#vals[@]} -gt 0 ] &&
		VAL[$test $size $SYS]=$(printf '%s\n' "${vals[@]}" | median |
			awk '{ printf "%.1f", $1 }')
	return 0
}

# rr_windows LOG N: cut sockperf's --full-log into N windows of equal
# length by send time; print "TPS P50 P99" for each (microseconds).
rr_windows() {
	awk -F', *' -v n="$2" '
		/^[0-9]+, [0-9.]+, [0-9.]+/ { m++; tx[m] = $2; rx[m] = $3 }
		END {
			if (m < n) exit 1
			w = (rx[m] - tx[1]) / n
			for (i = 1; i <= m; i++) {
				k = w > 0 ? int((tx[i] - tx[1]) / w) : 0
				print (k < n ? k : n - 1), (rx[i] - tx[i]) * 1e6
			}
		}' "$1" | sort -k1,1n -k2,2g | awk '
		function pct(p,  i) { i = int((c * p + 99) / 100); return v[i < 1 ? 1 : i] }
		function flush() {
			if (c) printf "%.0f %.1f %.1f\n", 1e6 * c / sum, pct(50), pct(99)
			c = 0; sum = 0
		}
		$1 != win { flush(); win = $1 }
		{ v[++c] = $2; sum += $2 }
		END { flush() }'
}

# rr_cell SIZE: sockperf clients, RUNS windows in all; medians into VAL.
rr_cell() {
	local size=$1 clients=1 windows=$RUNS t tps=() p50=() p99=() a b c
	[ "$RR_SEPARATE" = 1 ] && clients=$RUNS windows=1
	t=$(awk -v r="$windows" -v d="$DURATION" \
		'BEGIN { t = r * d + 0.45; printf "%d", t == int(t) ? t : int(t) + 1 }')
	for _ in $(seq "$clients"); do
		[ -n "$SRV_PID" ] || return 0
		rm -f "$DIR/rr.log"
		if ! client sockperf ping-pong --tcp -i "$SRV_IP" -p $RR_PORT \
				-m "$size" -t "$t" --dontwarmup \
				--full-log "$DIR/rr.log" > "$DIR/rr.out" 2>&1 ||
			! rr_windows "$DIR/rr.log" "$windows" > "$DIR/rr.win"; then
			fail "sockperf $size" "$DIR/rr.out"
			stop_server
			start_server sockperf || return 0
			continue
		fi
		while read -r a b c; do
			tps+=("$a") p50+=("$b") p99+=("$c")
			printf '%s,rr-%s,%s,%s,%s,%s\n' \
				"$SYS" tps "$size" ${#tps[@]} "$a" "$t" \
				"$SYS" p50 "$size" ${#tps[@]} "$b" "$t" \
				"$SYS" p99 "$size" ${#tps[@]} "$c" "$t" >> "$RUNS_CSV"
		done < "$DIR/rr.win"
	done
	[ ${#tps[@]} -gt 0 ] || return 0
	VAL[rr-tps $size $SYS]=$(printf '%s\n' "${tps[@]}" | median)
	VAL[rr-p50 $size $SYS]=$(printf '%s\n' "${p50[@]}" | median)
	VAL[rr-p99 $size $SYS]=$(printf '%s\n' "${p99[@]}" | median)
}

RUNS_CSV=$OUT/sweep/runs.csv
echo "system,test,size,run,value,seconds" > "$RUNS_CSV"
START=$SECONDS
echo "bench-sweep: median of $RUNS runs of ${DURATION}s; servers on CPU $SERVER_CPU," \
	"clients on CPU $CLIENT_CPU; load average $(cut -d' ' -f1-3 /proc/loadavg)"
for SYS in $SYSTEMS; do
	t0=$SECONDS
	system "$SYS"
	streams=
	for test in $TESTS; do [ "$test" = rr ] || streams="$streams $test"; done
	if [ -n "$streams" ] && start_server iperf3; then
		for test in $streams; do
			for size in $SIZES; do
				iperf_cell "$test" "$size"
			done
		done
		stop_server
	fi
	if [[ " $TESTS " == *" rr "* ]] && start_server sockperf; then
		for size in $SIZES; do
			rr_cell "$size"
		done
		stop_server
	fi
	echo "  $SYS: $((SECONDS - t0)) s"
done

# The figures: case name, unit and format of each kind.
KINDS=
for test in $TESTS; do
	if [ "$test" = rr ]; then KINDS="$KINDS rr-tps rr-p50 rr-p99"; else KINDS="$KINDS $test"; fi
done
declare -A UNIT=([tcp-stream]=Mbit/s [tcp-maerts]=Mbit/s [udp-stream]=Mbit/s
	[rr-tps]=tps [rr-p50]=us [rr-p99]=us)
declare -A TITLE=(
	[tcp-stream]="TCP stream, client to server (iperf3 -l SIZE), Mbit/s"
	[tcp-maerts]="TCP maerts, server to client (iperf3 -R -l SIZE), Mbit/s"
	[udp-stream]="UDP stream, the receiver's goodput (iperf3 -u -b 0 -l SIZE), Mbit/s"
	[rr-tps]="TCP request/response (sockperf ping-pong), transactions/s"
	[rr-p50]="TCP request/response, round trip p50, microseconds"
	[rr-p99]="TCP request/response, round trip p99, microseconds")

# ratio KIND SIZE SYSTEM: value / native-veth's, or nothing.
ratio() {
	awk -v a="${VAL[$1 $2 $3]:-}" -v b="${VAL[$1 $2 $REF]:-}" \
		'BEGIN { if (a != "" && b != "" && b > 0) printf "%.2f", a / b }'
}

CSV=$OUT/sweep.csv
echo "bench,case,system,value,unit,ratio,reference" > "$CSV"
for kind in $KINDS; do
	echo
	echo "${TITLE[$kind]}; ratio against $REF"
	printf '%-6s' size
	for sys in $SYSTEMS; do printf ' %19s' "$sys"; done
	echo
	for size in $SIZES; do
		printf '%-6s' "$size"
		for sys in $SYSTEMS; do
			v=${VAL[$kind $size $sys]:-n/a} r=$(ratio "$kind" "$size" "$sys")
			if [ "$sys" = $REF ]; then
				printf ' %19s' "$v"
				r='' ref=
			else
				printf ' %12s %5sx' "$v" "${r:-n/a}"
				ref=$REF
			fi
			echo "sweep,${kind/-/ } $size,$sys,$v,${UNIT[$kind]},$r,$ref" >> "$CSV"
		done
		echo
	done
done

jq -R -s 'split("\n") | map(select(length > 0) | split(",")) |
	.[0] as $h | .[1:] | map([$h, .] | transpose |
	map({(.[0]): ((.[1] // "") as $v |
		($v | tonumber? // (if $v == "" then null else $v end)))}) |
	add)' \
	"$CSV" > "$OUT/sweep.json"

{
	for kind in $KINDS; do
		echo "### ${TITLE[$kind]}"
		echo
		printf '| size |'
		for sys in $SYSTEMS; do printf ' %s |' "$sys"; done
		printf '\n|---|'
		for sys in $SYSTEMS; do printf -- '---|'; done
		echo
		for size in $SIZES; do
			printf '| %s |' "$size"
			for sys in $SYSTEMS; do
				r=$(ratio "$kind" "$size" "$sys")
				printf ' %s%s |' "${VAL[$kind $size $sys]:-n/a}" \
					"$([ "$sys" != $REF ] && [ -n "$r" ] && echo " (${r}x)")"
			done
			echo
		done
		echo
	done
	echo "Median of $RUNS runs of ${DURATION} s; ratios against $REF."
} > "$OUT/sweep.md"

missing=$(awk -F, 'NR > 1 && $4 == "n/a"' "$CSV" | wc -l)
echo
echo "bench-sweep: $((SECONDS - START)) s; $FAILED failed runs; $missing figures missing;" \
	"load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "results: $CSV $OUT/sweep.json $OUT/sweep.md $RUNS_CSV"
[ "$missing" = 0 ]
