#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The LKL unikernel's network in QEMU: ping from the host, and a 64 MiB
# checksummed TCP transfer each way (the guest's TCP test server,
# tools/lkl/unikernel/tcptest.c, driven by scripts/lkl-uk-peer.py). As
# root, the guest sits on a tap device in a network namespace that this
# test makes and removes (ukn<pid>, with ukt<pid> at 10.201.0.1/24 and
# the guest at 10.201.0.2); QEMU runs in that namespace. Without root,
# it uses QEMU's user network with a forwarded port instead, says so in
# the result names, and skips the ping (the host cannot reach the guest
# by ICMP there). The guest's own results are counted as guest:<name>,
# but for those it skips with no disk: unikernel-boot runs them.
#
# The image is build/unikernel/lkl-unikernel.elf of this repository
# ("make unikernel"), or $LKL_UNIKERNEL. UK_NET_BYTES changes the size of
# each transfer (default 64 MiB, about 1.5 s each way under TCG).
set -u
here=$(dirname "$(readlink -f "$0")")
top=$(readlink -f "$here/../..")
# shellcheck source=tests/lib/ktap.sh
. "$here/../lib/ktap.sh"
run=$top/scripts/lkl-unikernel.sh
peer=$top/scripts/lkl-uk-peer.py
image=${LKL_UNIKERNEL:-$top/build/unikernel/lkl-unikernel.elf}
bytes=${UK_NET_BYTES:-$((64 << 20))}
mib=$((bytes >> 20))MiB

echo "KTAP version 1"
if [ ! -f "$image" ] || ! command -v qemu-system-x86_64 >/dev/null; then
	echo "1..0 # SKIP no unikernel image ($image: make unikernel) or no qemu-system-x86_64"
	exit 4
fi

tmp=$(mktemp -d)
ns=ukn$$
dev=ukt$$
inns=()
cleanup() {
	local pid

	pid=$(cat "$tmp/pid" 2>/dev/null)
	[ -z "$pid" ] || kill "$pid" 2>/dev/null
	[ -z "${run_pid:-}" ] || wait "$run_pid" 2>/dev/null
	[ "${#inns[@]}" = 0 ] || ip netns del "$ns" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
# The runner's timeout sends SIGTERM: clean up then too.
trap 'exit 1' TERM INT

# The tap in a namespace of our own when root; else the user network.
mode=user
if [ "$(id -u)" = 0 ] && ip netns add "$ns" 2>"$tmp/err"; then
	inns=(ip netns exec "$ns")
	if ip -n "$ns" link set lo up &&
	   ip -n "$ns" tuntap add dev "$dev" mode tap &&
	   ip -n "$ns" addr add 10.201.0.1/24 dev "$dev" &&
	   ip -n "$ns" link set "$dev" up 2>"$tmp/err"; then
		mode=tap
	else
		sed 's/^/# /' "$tmp/err"
		echo "1..0 # SKIP cannot make a tap device in a network namespace"
		exit 4
	fi
fi
if [ "$mode" = tap ]; then
	host=10.201.0.2 port=5001
	net=(--tap "$dev" --append uk.ip=10.201.0.2/24)
	how=tap
	echo "# tap $dev in namespace $ns, the guest at $host"
else
	port=$(python3 -c 'import socket; s = socket.socket()
s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
	host=127.0.0.1
	net=(--tcp-port "$port")
	how=user_net_fwd
	echo "# not root: QEMU's user network, 127.0.0.1:$port forwarded to the guest's port 5001"
fi

"${inns[@]}" "$run" run "$image" --no-disk --tcp-test 2 "${net[@]}" --timeout 120 \
	--console "$tmp/console" --pid-file "$tmp/pid" > "$tmp/out" 2>&1 &
run_pid=$!
for _ in $(seq 240); do
	grep -q '^# tcptest: listening' "$tmp/console" 2>/dev/null && break
	kill -0 "$run_pid" 2>/dev/null || break
	sleep 0.5
done
up=1
grep -q '^# tcptest: listening' "$tmp/console" 2>/dev/null && up=0

# Each check, bounded; the output goes to the log as diagnostics.
check() {
	local status

	[ "$up" = 0 ] || return 1
	timeout --kill-after=5 90 "${inns[@]}" "$@" > "$tmp/check" 2>&1
	status=$?
	sed '/^$/d; s/^\([^#]\)/# \1/' "$tmp/check"
	return "$status"
}
host_results=()
if [ "$mode" = tap ]; then
	check ping -c 3 -W 5 "$host"
	host_results+=("$? ping_from_host_tap")
fi
check python3 "$peer" send "$host" "$port" "$bytes"
host_results+=("$? tcp_${mib}_host_to_guest_$how")
check python3 "$peer" recv "$host" "$port" "$bytes"
host_results+=("$? tcp_${mib}_guest_to_host_$how")
[ "$up" = 0 ] || kill "$(cat "$tmp/pid")" 2>/dev/null
wait "$run_pid"
status=$?
run_pid=

tr -d '\r' < "$tmp/console" | sed -n 's/^# /# guest: /p'
tr -d '\r' < "$tmp/console" > "$tmp/guest"
sed -n 's/^ok [0-9]* \(.*\) # SKIP.*/# guest: \1 skipped (no disk: unikernel-boot runs it)/p' \
	"$tmp/guest"
mapfile -t results < <(grep -E '^(not )?ok [0-9]+ ' "$tmp/guest" | grep -v '# SKIP')
plan=$(( ${#results[@]} + ${#host_results[@]} + 1 ))
[ "$mode" = tap ] || plan=$((plan + 1))
echo "1..$plan"
failed=0
for line in "${results[@]}"; do
	name=${line#* }
	[ "${line%% *}" = not ] && name=${name#* }
	name=${name#* }
	case $line in
	"not ok"*) ktap_result 1 "guest:$name"; failed=$((failed + 1)) ;;
	*) ktap_result 0 "guest:$name" ;;
	esac
done
if [ "$mode" != tap ]; then
	ktap_n=$((ktap_n + 1))
	echo "ok $ktap_n ping_from_host # SKIP not root: user networking, no ICMP to the guest"
fi
for r in "${host_results[@]}"; do
	ktap_result "${r%% *}" "${r#* }"
	[ "${r%% *}" = 0 ] || failed=$((failed + 1))
done
[ "$status" = 0 ] || sed -n 's/^# QEMU/# QEMU/p' "$tmp/out"
ktap_result "$status" "clean_halt_all_passed"
[ "$status" = 0 ] || failed=$((failed + 1))

echo "# $((ktap_n - failed)) passed, $failed failed"
[ "$failed" = 0 ]
