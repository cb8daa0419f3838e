#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# net-test.sh: the NT host's network suite under wine.
#
# A Windows LKL (net-peer.exe under wine64) and a POSIX LKL (net-peer, the
# same source built for Linux) talk over the udp backend on the host's
# loopback, each with an interface of its own on 10.<n>.0.0/24:
#
#   - wine serves, POSIX drives: ping, then a checksummed TCP transfer
#     each way (upload and download of LKL_NT_NET_BYTES, SHA-256);
#   - POSIX serves, wine drives: the same the other way round;
#   - both again with IPv6 host addresses ([::1]) under the backend:
#     ping and a shorter transfer each way, one result per direction;
#   - bad input under wine: a malformed address, a non-numeric host, a
#     local port that a host socket holds, a local IPv4 address with a
#     remote IPv6 one (each exits 3 with a message),
#     and a peer that is not there (the ping gives up after 2 s: exit 2).
#
# net-peer.exe comes from "make HOST=nt" (build/nt, or LKL_NT_DIR);
# net-peer from the selftests build, found next to this test when it
# runs (the runner's directory), in LKL_TOOLS/tests, or as LKL_NET_PEER.
# Wine gets a prefix of its own under the NT build for this run
# (WINEPREFIX, never in $HOME), removed at the end. Every process is
# bounded by timeout.
#
# Prints TAP version 13. Exit status: 0 when every check passed, 1 when
# one failed, 4 when nothing could run (no NT build, no wine, no peer).

set -u
here=$(dirname "$(readlink -f "$0")")
# shellcheck source=tests/lib/ktap.sh
. "$here/../lib/ktap.sh"
# shellcheck source=tests/lib/wine.sh
. "$here/../lib/wine.sh"
nt=${LKL_NT_DIR:-$here/../../build/nt}
bytes=${LKL_NT_NET_BYTES:-4194304}
limit=60

echo "TAP version 13"
wine_find
peer=${LKL_NET_PEER:-}
for p in "$PWD/net-peer" "${LKL_TOOLS:-/nonexistent}/tests/net-peer"; do
	if [ -z "$peer" ] && [ -x "$p" ]; then
		peer=$p
	fi
done
if [ ! -f "$nt/tests/net-peer.exe" ]; then
	echo "1..0 # SKIP no NT build in $nt (make HOST=nt)"
	exit 4
fi
if [ -z "$peer" ]; then
	echo "1..0 # SKIP the Linux net-peer helper is missing (make tests)"
	exit 4
fi
nt=$(realpath "$nt")

wine_prefix "$nt/wine-net.$$"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/nt-net.XXXXXX")
holder=
cleanup() {
	[ -n "$holder" ] && kill "$holder" 2>/dev/null
	wine_end
	rm -rf "$tmp"
}
trap cleanup EXIT

# Two UDP ports per pair of instances, from a base that depends on $$.
base=$((20000 + ($$ % 2000) * 16))
net=$((100 + $$ % 100))

# peer_cmd KIND: the command line of net-peer for KIND (wine or posix).
peer_cmd() {
	if [ "$1" = wine ]; then
		echo "$wine $nt/tests/net-peer.exe"
	else
		echo "$peer"
	fi
}

# pair NAME SERVER CLIENT PORT [HOST [BYTES]]: SERVER serves on
# 10.$net.0.1, CLIENT drives from 10.$net.0.2, over UDP between HOST
# (127.0.0.1, or [::1]) ports PORT and PORT+1, moving BYTES ($bytes);
# outputs in $tmp/NAME.{srv,cli}.{out,err}. Returns the client's exit
# status; the server's is in $tmp/NAME.srv.rc.
pair() {
	local name=$1 p=$4 q=$(($4 + 1)) h=${5:-127.0.0.1} n=${6:-$bytes}
	local spid rc

	# shellcheck disable=SC2046 # the command and its arguments
	(cd "$nt/tests" && timeout "$limit" $(peer_cmd "$2") \
		--local "$h:$p" --remote "$h:$q" \
		--ip "10.$net.0.1/24" --serve >"$tmp/$name.srv.out" \
		2>"$tmp/$name.srv.err"; echo $? >"$tmp/$name.srv.rc") &
	spid=$!
	# shellcheck disable=SC2046
	(cd "$nt/tests" && timeout "$limit" $(peer_cmd "$3") \
		--local "$h:$q" --remote "$h:$p" \
		--ip "10.$net.0.2/24" --peer "10.$net.0.1" --bytes "$n" \
		--wait-ms 30000 >"$tmp/$name.cli.out" 2>"$tmp/$name.cli.err")
	rc=$?
	# The client ends the server; give it a moment, then stop it.
	for _ in $(seq 100); do
		[ -f "$tmp/$name.srv.rc" ] && break
		sleep 0.1
	done
	[ -f "$tmp/$name.srv.rc" ] || kill "$spid" 2>/dev/null
	wait "$spid" 2>/dev/null
	sed "s/^/# $name: /" "$tmp/$name.cli.out"
	if [ "$rc" != 0 ]; then
		tail -n 5 "$tmp/$name.cli.err" "$tmp/$name.srv.err" 2>/dev/null |
			sed "s/^/# $name: /"
	fi
	return "$rc"
}

# step NAME STEP: the client of pair NAME reported STEP ok (and, for the
# last step, its server ended well).
step() {
	grep -q "^$2 ok:" "$tmp/$1.cli.out" || return 1
	[ "$2" != download ] || [ "$(cat "$tmp/$1.srv.rc" 2>/dev/null)" = 0 ]
}

# bad NAME STATUS PATTERN ARGS...: net-peer.exe with ARGS exits with
# STATUS within the limit and prints PATTERN (on stdout or stderr).
bad() {
	local name=$1 want=$2 pattern=$3 rc

	shift 3
	(cd "$nt/tests" && timeout "$limit" "$wine" net-peer.exe "$@" \
		>"$tmp/$name.out" 2>"$tmp/$name.err")
	rc=$?
	cat "$tmp/$name.out" "$tmp/$name.err" | grep -v '^\[' |
		sed "s/^/# $name: exit $rc: /" | head -n 3
	[ "$rc" = "$want" ] && cat "$tmp/$name.out" "$tmp/$name.err" |
		grep -q "$pattern"
}

# all_steps NAME RC: every step of pair NAME went well, and its client
# exited with RC 0 (a crash at the end counts).
all_steps() {
	[ "$2" = 0 ] && step "$1" ping && step "$1" upload && step "$1" download
}

echo "1..13"

# The first start creates the prefix: tens of seconds. Keep wineserver
# up between the runs.
start=$(date +%s%N)
(cd "$nt/tests" && timeout 120 "$wine" cmd /c exit >/dev/null 2>&1)
timeout 10 wineserver -p >/dev/null 2>&1
echo "# wine prefix: $((($(date +%s%N) - start) / 1000000)) ms"

pair wine-serves wine posix "$base"
ktap_result "$(step wine-serves ping; echo $?)" ping_posix_to_wine
ktap_result "$(step wine-serves upload; echo $?)" tcp_posix_to_wine
ktap_result "$(step wine-serves download; echo $?)" tcp_wine_to_posix

pair wine-drives posix wine $((base + 2))
ktap_result "$(step wine-drives ping; echo $?)" ping_wine_to_posix
ktap_result "$(step wine-drives upload; echo $?)" tcp_wine_to_posix_driven
ktap_result "$(step wine-drives download; echo $?)" tcp_posix_to_wine_driven

# IPv6 under the backend: the udp sockets on ::1, with Winsock's
# AF_INET6 on the wine side.
pair wine-serves-v6 wine posix $((base + 10)) "[::1]" 262144
ktap_result "$(all_steps wine-serves-v6 $?; echo $?)" udp_ipv6_posix_drives_wine
pair wine-drives-v6 posix wine $((base + 12)) "[::1]" 262144
ktap_result "$(all_steps wine-drives-v6 $?; echo $?)" udp_ipv6_wine_drives_posix

bad bad-port 3 "Invalid argument" --local 127.0.0.1:99999 \
	--remote "127.0.0.1:$((base + 5))" --ip 10.$net.0.2/24 --serve
ktap_result $? bad_address_port

bad bad-host 3 "Invalid argument" --local "127.0.0.1:$((base + 4))" \
	--remote "localhost:$((base + 5))" --ip 10.$net.0.2/24 --serve
ktap_result $? bad_address_host

bad mixed-family 3 "Invalid argument" --local "127.0.0.1:$((base + 4))" \
	--remote "[::1]:$((base + 5))" --ip 10.$net.0.2/24 --serve
ktap_result $? bad_address_mixed_family

# A host socket holds the port for the time of the run.
timeout "$limit" python3 -c '
import socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", int(sys.argv[1])))
print("bound", flush=True)
time.sleep(60)' "$((base + 6))" >"$tmp/holder.out" 2>&1 &
holder=$!
for _ in $(seq 50); do
	grep -q bound "$tmp/holder.out" 2>/dev/null && break
	sleep 0.1
done
bad busy-port 3 "Address already in use" --local "127.0.0.1:$((base + 6))" \
	--remote "127.0.0.1:$((base + 7))" --ip 10.$net.0.2/24 --serve
ktap_result $? busy_port
kill "$holder" 2>/dev/null
wait "$holder" 2>/dev/null
holder=

start=$(date +%s)
bad missing-peer 2 "no reply" --local "127.0.0.1:$((base + 8))" \
	--remote "127.0.0.1:$((base + 9))" --ip 10.$net.0.2/24 \
	--peer 10.$net.0.1 --ping-only --wait-ms 2000
rc=$?
echo "# missing-peer: gave up after $(($(date +%s) - start)) s"
ktap_result "$rc" missing_peer

[ "$ktap_failed" = 0 ]
