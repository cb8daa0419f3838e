#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# net-test.sh: the kernel's socket-level network selftests
# (tools/testing/selftests/net), unmodified host programs, run natively
# and then under lkl-hijack.sh with the same arguments.
#
# Each run is in a network namespace of its own, whose loopback device
# is up for the native run and down for the hijacked one, so that a
# socket that reached the host instead of LKL fails. The sysctls that the
# kernel's driver script sets with sysctl(8) are set in that namespace
# for the native run, and in LKL through LKL_HIJACK_SYSCTL for the
# hijacked one (and in the host namespace as well, for the programs that
# read them back from the host's /proc). The hijacked run must say that
# it booted LKL (LKL_HIJACK_DEBUG=1).
#
# Prints KTAP, one result per program and arguments: ok when both runs
# pass, not ok when the native run passes and the hijacked one fails, a
# SKIP when the native run fails too (the host cannot run it: not LKL's
# fault). The programs' own output follows as diagnostics.
#
# The programs that do not pass under LKL are not run; each has its
# reason in Documentation/virt/lkl/kernel-selftests.rst. LKL_KSFT_ALL=1
# runs them too, and counts them the same way.
#
# make -C tests/kselftest builds the programs and config.sh (where
# lkl-hijack.sh is) next to the link to this script, and runs from there.
# Needs root (or user namespaces) for unshare(1), and ip(8).

set -u
cd "$(dirname "$0")" || exit 1
limit=${LKL_KSFT_TIMEOUT:-120}

# PROGRAM|SYSCTLS|ARGS: the kernel's driver script's runs (net/Makefile
# TEST_GEN_PROGS have none: they run with no arguments). SYSCTLS are
# NAME=VALUE pairs separated by ";".
# The sysctls of the driver scripts' longer cases.
reflect="net.ipv6.flowlabel_reflect=4;net.ipv4.ping_group_range=0 2147483647"
one_port="net.ipv4.ip_local_port_range=32768 32768;net.ipv4.ip_autobind_reuse=1"
passing=(
	"socket||"
	"reuseport_addr_any||"
	"reuseport_dualstack||"
	"reuseaddr_conflict||"
	"sk_bind_sendto_listen||"
	"sk_connect_zero_addr||"
	"sk_so_peek_off||"
	"tcp_inq||"
	"ipv6_flowlabel|net.ipv6.auto_flowlabels=0|-l 1"
	"ipv6_flowlabel|net.ipv6.auto_flowlabels=1|-l 1"
	"ipv6_flowlabel|$reflect|-l 1 -p"
	"ipv6_flowlabel||-l 1 -s"
	"ipv6_flowlabel|$reflect|-l 1 -p -s"
	"bind_timewait||"
	"bind_wildcard||"
	"netlink-dumps||"
)
failing=(
	"reuseport_bpf||"
	"reuseport_bpf_cpu||"
	"so_netns_cookie||"
	"ipv6_flowlabel_mgr||"
	"ip_local_port_range|net.ipv4.ip_local_port_range=40000 49999|"
	"reuseaddr_ports_exhausted|$one_port|"
	"so_incoming_cpu||"
)

echo "KTAP version 1"

if [ ! -r config.sh ]; then
	echo "1..0 # SKIP config.sh missing: build with make -C tests/kselftest"
	exit 4
fi
# shellcheck source=/dev/null
. ./config.sh

if unshare -n true 2>/dev/null; then
	netns=(unshare -n)
elif unshare -rn true 2>/dev/null; then
	netns=(unshare -rn)
else
	echo "1..0 # SKIP cannot make a network namespace (needs root or user namespaces)"
	exit 4
fi
if ! command -v ip >/dev/null; then
	echo "1..0 # SKIP ip(8) missing (scripts/lkl-deps.sh test)"
	exit 4
fi

runs=("${passing[@]}")
[ "${LKL_KSFT_ALL:-0}" = 1 ] && runs+=("${failing[@]}")

# In the namespace: set_sysctls "NAME=VALUE;..." writes each to /proc/sys.
# shellcheck disable=SC2016
set_sysctls='
	IFS=";"
	for kv in $1; do
		name=${kv%%=*}
		printf "%s\n" "${kv#*=}" > "/proc/sys/$(echo "$name" | tr . /)" || exit 1
	done
	unset IFS
'

# native SYSCTLS PROGRAM ARGS...: in a namespace with lo up.
native() {
	local sysctls=$1

	shift
	timeout -k 5 "$limit" "${netns[@]}" sh -c "$set_sysctls"'
		ip link set lo up || exit 1
		shift; exec "$@"' sh "$sysctls" "$@"
}

# hijacked SYSCTLS PROGRAM ARGS...: under lkl-hijack.sh, in a namespace
# with lo down.
hijacked() {
	local sysctls=$1

	shift
	timeout -k 5 "$limit" "${netns[@]}" sh -c "$set_sysctls"'
		shift; exec "$@"' sh "$sysctls" \
		env LKL_HIJACK_DEBUG=1 LKL_HIJACK_SYSCTL="$sysctls" \
		"$LKL_HIJACK" "$@"
}

echo "1..${#runs[@]}"
n=0 rc=0
log=$(mktemp)
trap 'rm -f "$log"' EXIT
for run in "${runs[@]}"; do
	IFS='|' read -r prog sysctls args <<< "$run"
	n=$((n + 1))
	name="$prog${args:+ $args}${sysctls:+ $sysctls}"
	# shellcheck disable=SC2086
	set -- "./$prog" $args

	if [ ! -x "$prog" ]; then
		echo "# $prog was not built"
		echo "not ok $n $name"
		rc=1
		continue
	fi

	echo "# native: $name"
	native "$sysctls" "$@" > "$log" 2>&1
	nrc=$?
	sed 's/^/#   /' "$log"
	if [ "$nrc" != 0 ]; then
		echo "ok $n $name # SKIP fails natively too (exit status $nrc)"
		continue
	fi

	echo "# LKL: $name"
	hijacked "$sysctls" "$@" > "$log" 2>&1
	lrc=$?
	sed 's/^/#   /' "$log"
	if [ "$lrc" != 0 ]; then
		echo "# $name: exit status $lrc under LKL"
		echo "not ok $n $name"
		rc=1
	elif ! grep -q '^lkl-hijack: booting LKL' "$log"; then
		echo "# $name: the hijack did not boot LKL"
		echo "not ok $n $name"
		rc=1
	else
		echo "ok $n $name"
	fi
done

if [ "${LKL_KSFT_ALL:-0}" != 1 ]; then
	printf '# not run, failing under LKL (see kernel-selftests.rst):'
	printf ' %s' "${failing[@]%%|*}"
	echo
fi
exit $rc
