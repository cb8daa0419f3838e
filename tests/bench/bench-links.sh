# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# Sourced by bench-net.sh and bench-sweep.sh: the links they measure over.
#
# bench_links NS PEER: make the namespaces NS and PEER. NS holds tap0
# (10.77.0.1/24, for LKL's tap backend), a veth pair vA (10.78.0.1/24) and
# vB (for LKL's raw backend), and nA (10.79.0.1/24), whose veth peer nB
# (10.79.0.2/24) sits in PEER: the native-to-native path. The caller
# deletes both namespaces.
bench_links() {
	local ns=$1 peer=$2

	ip netns add "$ns"
	ip netns add "$peer"
	ip -n "$ns" link set lo up
	ip -n "$peer" link set lo up
	ip -n "$ns" tuntap add dev tap0 mode tap
	ip -n "$ns" addr add 10.77.0.1/24 dev tap0
	ip -n "$ns" link set tap0 up
	ip -n "$ns" link add vA type veth peer name vB
	ip -n "$ns" addr add 10.78.0.1/24 dev vA
	ip -n "$ns" link set vA up
	ip -n "$ns" link set vB up
	ip -n "$ns" link add nA type veth peer name nB netns "$peer"
	ip -n "$ns" addr add 10.79.0.1/24 dev nA
	ip -n "$peer" addr add 10.79.0.2/24 dev nB
	ip -n "$ns" link set nA up
	ip -n "$peer" link set nB up
}
