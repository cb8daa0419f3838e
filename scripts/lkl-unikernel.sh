#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# lkl-unikernel.sh run IMAGE [--no-disk] [--no-net] [--mem SIZE]
#                            [--timeout SECONDS] [--append ARGS]
#                            [--disk-dir DIR] [--corrupt-disk]
#                            [--tap IFNAME] [--tcp-test N [--tcp-port PORT]]
#                            [--console FILE] [--pid-file FILE]
#
# Boot the LKL unikernel image (build/unikernel/lkl-unikernel.elf) under
# qemu-system-x86_64 -M microvm,acpi=off: with KVM when /dev/kvm is usable,
# else TCG. Unless --no-disk, it gets a virtio-blk ext4 image made by
# mkfs.ext4 -d from a directory holding hello.txt, and uk.disk= with that
# file's FNV-1a checksum. Unless --no-net, it gets a virtio-net device on
# QEMU's user network (no root needed) with a free port of 127.0.0.1
# forwarded to the guest's port 80, and uk.http=1: once the guest's HTTP
# server says it listens, curl fetches /hello.txt from it on the host and
# checks it against the file. The serial console (KTAP) is printed, then
# the host's check; the last line is "N passed, N failed" over both.
#
# --mem sets QEMU's -m (default 256M); the guest's LKL gets mem=64M.
# --append adds to the guest's command line. --disk-dir keeps the disk
# (DIR/disk.img, made there if missing, and DIR/root) for another run;
# --corrupt-disk overwrites the new image's superblock.
# Every QEMU run is bounded by --timeout (default 120 s).
#
# --tap IFNAME puts the virtio-net device on an existing tap device
# (-netdev tap,ifname=IFNAME,script=no,downscript=no) instead of the user
# network: root, usually in a network namespace that the caller made and
# runs this script in, with the guest's address in --append uk.ip=...
# --tcp-test N has the guest serve N connections of its TCP test
# (tools/lkl/unikernel/tcptest.c) on port 5001 instead of the HTTP
# server, for a caller that drives it (scripts/lkl-uk-peer.py); on the
# user network, 127.0.0.1:PORT (--tcp-port, default a free one) is
# forwarded to it. --console FILE writes the console there as it comes,
# for such a caller to watch, and --pid-file FILE the process id of the
# timeout(1) that bounds QEMU, for it to end the run early (SIGTERM).
#
# Exit status: 0 when the guest ran every test and none failed (QEMU's
# isa-debug-exit status 1), 1 otherwise, 2 for bad usage.
set -u

usage() {
	echo "usage: lkl-unikernel.sh run IMAGE [--no-disk] [--no-net] [--mem SIZE]" \
		"[--timeout SECONDS] [--append ARGS] [--disk-dir DIR] [--corrupt-disk]" \
		"[--tap IFNAME] [--tcp-test N [--tcp-port PORT]] [--console FILE]" \
		"[--pid-file FILE]" >&2
	exit 2
}

[ "${1:-}" = run ] || usage
image=${2:-}
[ -n "$image" ] || usage
shift 2
disk=1 net=1 mem=256M limit=120 extra='' diskdir='' corrupt=0
tap='' tcptest='' tcpport='' console='' pidfile=''
while [ $# -gt 0 ]; do
	case $1 in
	--no-disk) disk=0 ;;
	--no-net) net=0 ;;
	--mem) mem=${2:?--mem needs a size}; shift ;;
	--timeout) limit=${2:?--timeout needs seconds}; shift ;;
	--append) extra=${2:?--append needs arguments}; shift ;;
	--disk-dir) diskdir=${2:?--disk-dir needs a directory}; shift ;;
	--corrupt-disk) corrupt=1 ;;
	--tap) tap=${2:?--tap needs a device name}; shift ;;
	--tcp-test) tcptest=${2:?--tcp-test needs a count}; shift ;;
	--tcp-port) tcpport=${2:?--tcp-port needs a port}; shift ;;
	--console) console=${2:?--console needs a file}; shift ;;
	--pid-file) pidfile=${2:?--pid-file needs a file}; shift ;;
	*) usage ;;
	esac
	shift
done

if [ ! -f "$image" ]; then
	echo "lkl-unikernel.sh: $image is missing: run 'make unikernel'" >&2
	exit 1
fi
qemu=$(command -v qemu-system-x86_64) || {
	echo "lkl-unikernel.sh: qemu-system-x86_64 is missing: install qemu-system-x86" >&2
	exit 1
}

case $tcptest$tcpport in
*[!0-9]*) usage ;;
esac
if [ -n "$tcptest" ] && [ "$net" = 0 ]; then
	echo "lkl-unikernel.sh: --tcp-test needs the network: drop --no-net" >&2
	exit 2
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
console=${console:-$tmp/console}
: > "$console" || exit 1

accel=(-accel tcg)
if [ -r /dev/kvm ] && [ -w /dev/kvm ]; then
	accel=(-accel kvm -cpu host)
fi

append="mem=64M"
drive=()
ddir=${diskdir:-$tmp}
if [ "$disk" = 1 ] && [ ! -f "$ddir/disk.img" ]; then
	mkdir -p "$ddir/root"
	echo "hello from the LKL unikernel, $$" > "$ddir/root/hello.txt"
	if ! mkfs.ext4 -q -F -d "$ddir/root" "$ddir/disk.img" 16M >"$tmp/mkfs.log" 2>&1; then
		cat "$tmp/mkfs.log" >&2
		echo "lkl-unikernel.sh: mkfs.ext4 -d failed" >&2
		exit 1
	fi
	if [ "$corrupt" = 1 ]; then
		dd if=/dev/urandom of="$ddir/disk.img" bs=1024 seek=1 count=4 \
			conv=notrunc status=none
	fi
fi
if [ "$disk" = 1 ]; then
	sum=$(python3 -c '
import sys
h = 2166136261
for b in open(sys.argv[1], "rb").read():
    h = ((h ^ b) * 16777619) & 0xffffffff
print(hex(h))' "$ddir/root/hello.txt")
	append="$append uk.disk=$sum"
	# shellcheck disable=SC2054 # QEMU's option values have commas
	drive=(-drive "id=d0,file=$ddir/disk.img,format=raw,if=none"
	       -device virtio-blk-device,drive=d0)
fi

netdev=()
if [ "$net" = 1 ]; then
	if [ "$disk" = 0 ] && [ -z "$tcptest" ]; then
		echo "lkl-unikernel.sh: the HTTP server serves the disk: --no-net goes with --no-disk" >&2
		exit 2
	fi
	if [ -n "$tcptest" ]; then
		append="$append uk.tcptest=$tcptest"
		gport=5001
		port=$tcpport
	else
		append="$append uk.http=1"
		gport=80
		port=''
	fi
	if [ -z "$port" ]; then
		port=$(python3 -c 'import socket; s = socket.socket()
s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
	fi
	if [ -n "$tap" ]; then
		# shellcheck disable=SC2054 # QEMU's option values have commas
		netdev=(-netdev "tap,id=n0,ifname=$tap,script=no,downscript=no")
	else
		netdev=(-netdev "user,id=n0,restrict=on,hostfwd=tcp:127.0.0.1:$port-10.0.2.15:$gport")
	fi
	# shellcheck disable=SC2054 # QEMU's option values have commas
	netdev+=(-device virtio-net-device,netdev=n0)
fi

append="$append${extra:+ $extra}"
timeout --kill-after=5 "$limit" "$qemu" -M microvm,acpi=off "${accel[@]}" -m "$mem" \
	-nographic -no-reboot -nodefaults -serial stdio \
	-device isa-debug-exit,iobase=0xf4,iosize=0x01 \
	-kernel "$image" -append "$append" "${drive[@]}" "${netdev[@]}" \
	</dev/null >"$console" 2>&1 &
qemu_pid=$!
[ -z "$pidfile" ] || echo "$qemu_pid" > "$pidfile"

host_ok=-1
if [ "$net" = 1 ] && [ -n "$tap" ] && [ -z "$tcptest" ]; then
	# The HTTP server's address is the caller's (uk.ip=): no fetch here.
	:
elif [ "$net" = 1 ] && [ -z "$tcptest" ]; then
	# Until the server listens, or QEMU is gone, or the time is up.
	host_ok=1
	for _ in $(seq $((limit * 2))); do
		grep -q '^# http: listening' "$console" && break
		kill -0 "$qemu_pid" 2>/dev/null || break
		sleep 0.5
	done
	if grep -q '^# http: listening' "$console" &&
	   curl -s --max-time 30 -o "$tmp/fetched" "http://127.0.0.1:$port/hello.txt" &&
	   cmp -s "$tmp/fetched" "$ddir/root/hello.txt"; then
		host_ok=0
	else
		# The server would wait for the request until the timeout.
		kill "$qemu_pid" 2>/dev/null
	fi
fi
wait "$qemu_pid"
status=$?
tr -d '\r' < "$console"
passed=$(grep -c '^ok ' "$console")
failed=$(grep -c '^not ok ' "$console")
case $host_ok in
0)
	echo "# host: curl fetched /hello.txt from the guest's HTTP server"
	passed=$((passed + 1)) ;;
1)
	echo "# host: curl could not fetch /hello.txt from the guest's HTTP server"
	failed=$((failed + 1)) ;;
esac
case $status in
1) ;;
124|137)
	echo "# QEMU did not finish within $limit s"
	failed=$((failed + 1)) ;;
*)
	echo "# QEMU exited with status $status"
	[ "$failed" -gt 0 ] || failed=1 ;;
esac
echo "$passed passed, $failed failed"
[ "$status" = 1 ] && [ "$failed" = 0 ]
