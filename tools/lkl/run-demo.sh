#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# run-demo.sh BUILD_DIR
# What "make run" shows, as an ordinary user:
#   1. demo, a program linked with liblkl.a, boots LKL and asks it for
#      uname, /proc/version and getpid;
#   2. unmodified Debian programs run under lkl-hijack.sh, each on a Linux
#      kernel of its own inside its own process: a python3 http.server and
#      a curl, two processes and two kernels joined by the pipe backend
#      (two named FIFOs).
# Each step prints what it shows and counts as passed or failed; the last
# line is "N passed, N failed". Exits non-zero if a step failed.
set -u

build=${1:?usage: run-demo.sh BUILD_DIR}
hijack=$build/lkl-hijack.sh
passed=0
failed=0
dir=
server=

pass() { passed=$((passed + 1)); echo "  => ok: $*"; }
fail() { failed=$((failed + 1)); echo "  => FAILED: $*"; }

# Stop the server if a step failed before it was stopped, remove the FIFOs.
cleanup() {
	if [ -n "$server" ]; then
		kill -KILL "$server" 2>/dev/null
		wait "$server" 2>/dev/null
	fi
	[ -n "$dir" ] && rm -rf "$dir"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

# Indent a program's output so that it stands apart from the narration.
show() { sed 's/^/    | /'; }

# The eth0 line of the /proc/net/dev dump in the log $1, as a sentence.
counters() {
	awk '/LKL.s \/proc\/net\/dev at exit/ { dump = 1 }
	     dump && $1 == "eth0:" {
		printf "received %s packets (%s bytes), sent %s packets (%s bytes)\n",
		       $3, $2, $11, $10; found = 1 }
	     END { exit !found }' "$1"
}

echo "== 1. A program linked with LKL (tools/lkl/demo.c) =="
echo
if "$build/demo" | show; then
	pass "LKL booted inside the demo's process and answered its system calls"
else
	fail "the demo"
fi
echo

echo "== 2. Unmodified programs on LKL's network stack (liblkl-hijack.so) =="
echo
python=/usr/bin/python3
[ -x "$python" ] || python=$(command -v python3)
if [ ! -x "$hijack" ]; then
	echo "  liblkl-hijack.so is not built: install libjson-c-dev and rebuild"
	fail "no lkl-hijack.sh"
elif [ -z "$python" ] || ! command -v curl >/dev/null || ! command -v ip >/dev/null; then
	echo "  this part needs python3, curl and ip (iproute2)"
	fail "missing programs"
else
	dir=$(mktemp -d /tmp/lkl-demo-XXXXXX)
	cd "$dir" || exit 1
	mkfifo to-server to-client
	echo "Hello from a Python web server on LKL's network stack!" >hello.txt
	server_cfg="LKL_HIJACK_NET_IFTYPE=pipe LKL_HIJACK_NET_IFPARAMS=to-server,to-client
	LKL_HIJACK_NET_IP=10.0.0.1 LKL_HIJACK_NET_MAC=02:00:0a:00:00:01"
	client_cfg="LKL_HIJACK_NET_IFTYPE=pipe LKL_HIJACK_NET_IFPARAMS=to-client,to-server
	LKL_HIJACK_NET_IP=10.0.0.2 LKL_HIJACK_NET_MAC=02:00:0a:00:00:02"

	# The shell holds both FIFOs open (and never reads them), so that a
	# hijacked program does not wait for its peer to open them, and
	# clients can come and go while the server runs.
	exec 3<>to-server 4<>to-client

	echo "You are $(id -un), with no privilege: every kernel below lives inside"
	echo "an ordinary process. Two FIFOs in $dir join them."
	echo
	echo "The host's interfaces (ip -brief addr), as the host's kernel sees them:"
	ip -brief addr | show
	echo
	echo "\$ lkl-hijack.sh ip -brief addr  (iproute2, talking netlink to LKL)"
	# shellcheck disable=SC2086
	if env $client_cfg "$hijack" ip -brief addr >ip.log 2>&1 &&
	   grep -q '10\.0\.0\.2/24' ip.log; then
		show <ip.log
		pass "ip saw LKL's interfaces: its loopback and the pipe's eth0"
	else
		show <ip.log
		fail "ip under the hijack"
	fi
	echo

	echo "\$ lkl-hijack.sh python3 -m http.server 80 --bind 10.0.0.1 &"
	echo "  (port 80 needs root on the host; LKL's kernel is this process's own)"
	# A background job of a script starts with SIGINT ignored: give it
	# back its default, so that python3 sees Ctrl-C.
	# shellcheck disable=SC2086
	env --default-signal=INT $server_cfg LKL_HIJACK_DEBUG=1 \
		"$hijack" "$python" -m http.server 80 \
		--bind 10.0.0.1 --directory "$dir" >server.log 2>&1 &
	server=$!
	i=0
	while [ $i -lt 200 ] && ! grep -q '^Serving HTTP' server.log; do
		kill -0 "$server" 2>/dev/null || break
		sleep 0.1
		i=$((i + 1))
	done
	if grep -q '^Serving HTTP' server.log; then
		grep -v '^lkl-hijack' server.log | show
		pass "the server listens on LKL's 10.0.0.1:80"
	else
		show <server.log
		fail "the server did not start"
	fi
	echo

	echo "\$ lkl-hijack.sh curl -v http://10.0.0.1/hello.txt  (a second process, a second kernel)"
	# LKL_HIJACK_DEBUG=2 shows the kernel log of curl's kernel, and
	# prints LKL's counters at exit.
	# shellcheck disable=SC2086
	env $client_cfg LKL_HIJACK_DEBUG=2 "$hijack" curl -sS -v -m 20 \
		http://10.0.0.1/hello.txt >body.txt 2>curl.log
	rc=$?
	echo "  from the log of the kernel that booted inside curl:"
	grep -E 'Kernel command line|PF_INET protocol|TCP: Hash tables' curl.log | show
	echo "  and what curl did on it:"
	grep -E '^(\*   Trying|\* Connected|> GET|< HTTP|< Server|< Content-Length)' curl.log | show
	show <body.txt
	if [ $rc -eq 0 ] && cmp -s body.txt hello.txt; then
		pass "curl fetched the page, over two LKL TCP/IP stacks"
	else
		show <curl.log
		fail "curl exited with $rc"
	fi
	echo "  curl's LKL eth0: $(counters curl.log || echo '(no counters)')"
	echo

	echo "Ctrl-C (SIGINT) stops the server; python3 exits, and the hijack halts its kernel."
	kill -INT "$server"
	wait "$server"
	rc=$?
	server=
	sed -n '/^Serving HTTP/,/^lkl-hijack/p' server.log | sed '1d;$d' | show
	echo "  LKL's /proc/net/dev in the server's process, printed at exit:"
	sed -n '/^lkl-hijack: LKL.s \/proc\/net\/dev/,/^lkl-hijack/p' server.log |
		sed '1d;$d' | show
	if [ $rc -eq 0 ] && cnt=$(counters server.log); then
		echo "  the server's LKL eth0: $cnt"
		pass "the server exited cleanly and its kernel halted"
	else
		show <server.log
		fail "the server exited with $rc"
	fi
	exec 3>&- 4>&-
	echo
	echo "Documentation/virt/lkl/hijack.rst tells more: tap devices, JSON configuration,"
	echo "limits."
fi

echo
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
