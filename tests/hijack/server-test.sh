#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# server-test.sh: lkl-server and hijacked programs started with
# LKL_HIJACK_SERVER (Documentation/virt/lkl/server.rst):
# - a Python ForkingTCPServer and a client, two processes on one kernel;
# - a shell whose programs share one stack: an address that one "ip"
#   adds, a later "ip" shows;
# - nginx in its default mode, a master and two workers, serving curl
#   and wrk;
# - a signal whose handler has no SA_RESTART ends an accept() blocked in
#   the server;
# - a client whose pid is that of a gone client whose table is still held
#   gets a table of its own;
# - exec keeps the LKL descriptors that are not close-on-exec: a python3
#   that listens and execs a python3 that accepts on the same number, a
#   shell's descriptor 3 read by the program it execs; a posix_spawn()ed
#   child gets a table of its own;
# - a client killed with SIGKILL in the middle of a transfer: the
#   server's host descriptors and LKL descriptors go back to what they
#   were;
# - bad input: no server at the path, a server that exits under a
#   client, a client of another user, malformed requests (the server
#   goes on serving the others).
#
# make tests links it as <outdir>/hijack-server, with LKL_TOOLS (where
# lkl-server and lkl-hijack.sh are) set by the wrapper. Prints KTAP; exit
# status 0 when every check passed, 1 when one failed, 4 when it cannot
# run.
set -u
here=$(dirname "$(readlink -f "$0")")
# shellcheck source=tests/lib/ktap.sh
. "$here/../lib/ktap.sh"

tools=${LKL_TOOLS:-}
server=$tools/lkl-server
hijack=$tools/lkl-hijack.sh
py=/usr/bin/python3

echo "KTAP version 1"
for prog in "$server" "$hijack" "$py" ip setpriv nginx curl wrk unshare; do
	if ! command -v "$prog" >/dev/null; then
		echo "1..0 # SKIP $prog is missing"
		exit 4
	fi
done
if [ "$(id -u)" != 0 ]; then
	echo "1..0 # SKIP needs root, to run a client as another user"
	exit 4
fi

tmp=$(mktemp -d /tmp/lkl-server-test.XXXXXX)
chmod 755 "$tmp"
pids=()
cleanup() {
	local p

	# The servers too: timeout's children outlive a timeout killed by -9.
	for p in "${pids[@]}"; do
		kill -9 "$p" 2>/dev/null
	done
	wait 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

# start_server NAME [USER]: a server on $tmp/NAME/sock, log $tmp/NAME.log;
# its pid in $srv_pid, and that of the timeout that runs it in $srv_job.
start_server() {
	local dir=$tmp/$1

	mkdir -m 700 "$dir"
	if [ -n "${2:-}" ]; then
		chown "$2:$(id -gn "$2")" "$dir"
		timeout 120 setpriv --reuid="$2" --regid="$(id -g "$2")" \
			--clear-groups \
			"$server" -v "$dir/sock" >"$tmp/$1.log" 2>&1 &
	else
		timeout 120 "$server" -v "$dir/sock" >"$tmp/$1.log" 2>&1 &
	fi
	srv_job=$!
	pids+=("$srv_job")
	for _ in $(seq 100); do
		if grep -q "listening on" "$tmp/$1.log"; then
			srv_pid=$(pgrep -P "$srv_job")
			pids+=("$srv_pid")
			return 0
		fi
		sleep 0.05
	done
	echo "# the server $1 did not start:"
	sed 's/^/# /' "$tmp/$1.log"
	return 1
}

# run NAME CMD...: CMD hijacked, a client of server NAME, within 30 s.
run() {
	local name=$1

	shift
	LKL_HIJACK_SERVER=$tmp/$name/sock timeout 30 "$hijack" "$@"
}

# stats NAME PID: the server's "processes connections lkl_fds host_fds".
stats() {
	local n

	n=$(grep -c "stats:" "$tmp/$1.log")
	kill -USR1 "$2"
	for _ in $(seq 50); do
		[ "$(grep -c "stats:" "$tmp/$1.log")" -gt "$n" ] && break
		sleep 0.05
	done
	grep "stats:" "$tmp/$1.log" | tail -1 |
		sed 's/.*processes=\([0-9]*\) connections=\([0-9]*\) lkl_fds=\([0-9-]*\).*/\1 \2 \3/' |
		tr '\n' ' '
	find "/proc/$2/fd" -mindepth 1 | wc -l
}

diag() {
	sed 's/^/# /' "$@"
}

test_forking_server() {
	cat >"$tmp/fts.py" <<'EOF'
import os, socketserver
class H(socketserver.StreamRequestHandler):
    def handle(self):
        self.wfile.write(b"%d %s" % (os.getpid(), self.rfile.readline()))
class S(socketserver.ForkingTCPServer):
    allow_reuse_address = True
s = S(("127.0.0.1", 8081), H)
open(os.environ["READY"], "w").close()
s.handle_request(); s.handle_request()
s.server_close()
EOF
	cat >"$tmp/ftc.py" <<'EOF'
import os, socket
pids = set()
for i in range(2):
    c = socket.create_connection(("127.0.0.1", 8081), timeout=10)
    c.sendall(b"hello %d\n" % i)
    pid, msg = c.makefile("rb").readline().split(b" ", 1)
    assert msg == b"hello %d\n" % i, msg
    pids.add(pid)
    c.close()
assert len(pids) == 2 and str(os.getppid()).encode() not in pids
print("two children answered:", sorted(pids))
EOF
	READY=$tmp/fts.ready run main "$py" "$tmp/fts.py" >"$tmp/fts.out" 2>&1 &
	local spid=$!

	for _ in $(seq 100); do
		[ -e "$tmp/fts.ready" ] && break
		sleep 0.05
	done
	run main "$py" "$tmp/ftc.py" >"$tmp/ftc.out" 2>&1
	local rc=$?

	wait "$spid" || rc=1
	[ "$rc" = 0 ] || diag "$tmp/fts.out" "$tmp/ftc.out"
	return "$rc"
}

test_shell() {
	run main bash -c 'ip addr add 10.77.0.1/24 dev lo &&
		ip -4 addr show dev lo | grep -q 10.77.0.1 &&
		ip link set lo mtu 9000' >"$tmp/sh.out" 2>&1 &&
		run main ip -4 addr show dev lo >"$tmp/ip.out" 2>&1 &&
		grep -q "inet 10.77.0.1/24" "$tmp/ip.out" &&
		run main ip link show lo | grep -q "mtu 9000" &&
		! ip -4 addr show dev lo | grep -q 10.77.0.1 &&
		run main ip -s link show lo >"$tmp/cnt.out" 2>&1 &&
		lo_counted "$tmp/cnt.out" && return 0
	diag "$tmp/sh.out" "$tmp/ip.out" "$tmp/cnt.out"
	return 1
}

# LKL's lo has counted the earlier tests' packets: one kernel served them.
lo_counted() {
	local rx

	rx=$(awk '/RX:/ { getline; print $2; exit }' "$1")
	echo "# LKL's lo: $rx packets received"
	[ "${rx:-0}" -gt 0 ]
}

test_sigkill() {
	local before after cpid

	cat >"$tmp/kill.py" <<'EOF'
import os, socket, threading
l = socket.socket(); l.bind(("127.0.0.1", 8082)); l.listen()
c = socket.create_connection(("127.0.0.1", 8082)); a, _ = l.accept()
t = threading.Thread(target=lambda: l.accept()); t.start()
open(os.environ["READY"], "w").write(str(os.getpid()))
while True:
    c.sendall(b"x" * 65536)   # nobody reads: blocks in the server
EOF
	before=$(stats main "$srv_pid")
	READY=$tmp/kill.ready run main "$py" "$tmp/kill.py" >"$tmp/kill.out" 2>&1 &
	cpid=$!
	for _ in $(seq 100); do
		[ -e "$tmp/kill.ready" ] && break
		sleep 0.05
	done
	sleep 0.3
	echo "# before: $before; during: $(stats main "$srv_pid")"
	kill -9 "$(cat "$tmp/kill.ready")"
	wait "$cpid" 2>/dev/null
	for _ in $(seq 50); do
		after=$(stats main "$srv_pid")
		[ "$after" = "$before" ] && break
		sleep 0.1
	done
	echo "# after SIGKILL: $after"
	[ "$after" = "$before" ]
}

test_signal() {
	cat >"$tmp/sig.py" <<'EOF'
import signal, socket, time
def alarm(*args):
    raise TimeoutError("alarm")
signal.signal(signal.SIGALRM, alarm)
l = socket.socket(); l.bind(("127.0.0.1", 8086)); l.listen()
signal.alarm(1)
t = time.time()
try:
    l.accept()
except TimeoutError:
    print("accept interrupted after %.1f s" % (time.time() - t))
c = socket.create_connection(("127.0.0.1", 8086)); a, _ = l.accept()
c.sendall(b"next calls work"); print(a.recv(100).decode())
EOF
	run main "$py" "$tmp/sig.py" >"$tmp/sig.out" 2>&1
	diag "$tmp/sig.out"
	grep -q "accept interrupted" "$tmp/sig.out" &&
		grep -q "next calls work" "$tmp/sig.out"
}

# exec keeps a process's LKL descriptors, except the close-on-exec ones.
test_exec() {
	local before after lpid rc=0

	cat >"$tmp/exec1.py" <<'EOF'
import os, socket, sys
l = socket.socket(); l.bind(("127.0.0.1", 8087)); l.listen()
os.set_inheritable(l.fileno(), True)
c = socket.socket()                # close-on-exec, as Python makes it
os.execv(sys.executable, [sys.executable, sys.argv[1],
                          str(l.fileno()), str(c.fileno())])
EOF
	cat >"$tmp/exec2.py" <<'EOF'
import errno, os, socket, sys
lfd, cfd = int(sys.argv[1]), int(sys.argv[2])
try:
    os.fstat(cfd)
    print("close-on-exec descriptor %d is still open" % cfd)
except OSError as e:
    assert e.errno == errno.EBADF, e
    print("close-on-exec descriptor %d is closed" % cfd)
l = socket.socket(fileno=lfd)
open(os.environ["READY"], "w").close()
a, _ = l.accept()
a.sendall(b"accepted on inherited descriptor %d\n" % lfd)
a.close(); l.close()
EOF
	before=$(stats main "$srv_pid")
	READY=$tmp/exec.ready run main "$py" "$tmp/exec1.py" "$tmp/exec2.py" \
		>"$tmp/exec.out" 2>&1 &
	lpid=$!
	for _ in $(seq 100); do
		[ -e "$tmp/exec.ready" ] && break
		sleep 0.05
	done
	# A shell's descriptor 3 (dup2, not close-on-exec) read after exec.
	run main bash -c 'exec 3<>/dev/tcp/127.0.0.1/8087 &&
		exec '"$py"' -c "import os; print(os.read(3, 100).decode())"' \
		>"$tmp/exec-sh.out" 2>&1 || rc=1
	wait "$lpid" || rc=1
	diag "$tmp/exec.out" "$tmp/exec-sh.out"
	grep -q "descriptor [0-9]* is closed" "$tmp/exec.out" || rc=1
	grep -q "accepted on inherited descriptor" "$tmp/exec-sh.out" || rc=1
	# A posix_spawn()ed child (no fork handlers) gets a table of its
	# own, and keeps no connection of its parent's.
	cat >"$tmp/spawn.py" <<'EOF'
import os, socket, stat, sys
if len(sys.argv) > 1:
    conns = [n for n in os.listdir("/proc/self/fd") if int(n) >= 100 and
             stat.S_ISSOCK(os.stat("/proc/self/fd/" + n).st_mode)]
    print("connections of the spawned child: %d" % len(conns))
    sys.exit(0)
l = socket.socket(); l.bind(("127.0.0.1", 8089))
os.set_inheritable(l.fileno(), True)
pid = os.posix_spawn(sys.executable, [sys.executable, sys.argv[0], "child"],
                     os.environ)
os.waitpid(pid, 0)
EOF
	run main "$py" "$tmp/spawn.py" >"$tmp/spawn.out" 2>&1 || rc=1
	diag "$tmp/spawn.out"
	grep -q "connections of the spawned child: 1$" "$tmp/spawn.out" || rc=1
	for _ in $(seq 50); do
		after=$(stats main "$srv_pid")
		[ "$after" = "$before" ] && break
		sleep 0.1
	done
	echo "# server before: $before; after: $after"
	[ "$after" = "$before" ] || rc=1
	return "$rc"
}

# In a pid namespace of the test's own, where it picks the next pid
# (ns_last_pid): a client A keeps an LKL descriptor, execs a program
# without the hijack, which leaves a child holding A's connection (and
# so A's table) and exits. A new client B that gets A's pid must get a
# table of its own, not take A's up as an exec'd A would.
test_pid_reuse() {
	local dir=$tmp/reuse

	mkdir -m 700 "$dir"
	# shellcheck disable=SC2016
	timeout 60 unshare --pid --fork --mount-proc bash -c '
		server=$1 hijack=$2 py=$3 dir=$4
		"$server" -v "$dir/sock" >"$dir/server.log" 2>&1 &
		for _ in $(seq 100); do
			[ -S "$dir/sock" ] && break
			sleep 0.05
		done
		export LKL_HIJACK_SERVER=$dir/sock
		"$hijack" "$py" -c "
import os, socket, sys
s = socket.socket()
os.dup2(s.fileno(), 7)
open(sys.argv[1], \"w\").write(str(os.getpid()))
env = {k: v for k, v in os.environ.items() if k != \"LD_PRELOAD\"}
os.execve(\"/bin/bash\", [\"bash\", \"-c\", \"sleep 20 & exit 0\"], env)
" "$dir/a.pid" || exit 1
		a=$(cat "$dir/a.pid")
		echo $((a - 1)) >/proc/sys/kernel/ns_last_pid
		"$hijack" "$py" -c "
import os, sys
print(\"# A was pid %s, B is pid %d\" % (sys.argv[1], os.getpid()))
sys.exit(0 if str(os.getpid()) == sys.argv[1] else 2)
" "$a"
		exit $?' reuse "$server" "$hijack" "$py" "$dir" >"$dir/out" 2>&1
	case $? in
	0)	;;
	2)	diag "$dir/out"
		echo "# B did not get the pid of A: the reuse was not tested"
		return 1 ;;
	*)	diag "$dir/out" "$dir/server.log"
		return 1 ;;
	esac
	diag "$dir/out" "$dir/server.log"
	# A's table was not taken up: no "exec'd" line.
	! grep -q "exec'd" "$dir/server.log"
}

test_no_server() {
	local rc

	LKL_HIJACK_SERVER=$tmp/nowhere/sock timeout 10 "$hijack" true \
		>"$tmp/none.out" 2>&1
	rc=$?
	diag "$tmp/none.out"
	[ "$rc" != 0 ] && [ "$rc" != 124 ] &&
		grep -q "cannot connect to the LKL server" "$tmp/none.out"
}

test_server_exits() {
	local rc

	start_server gone || return 1
	cat >"$tmp/gone.py" <<'EOF'
import os, socket, sys, time
l = socket.socket(); l.bind(("127.0.0.1", 8083)); l.listen()
open(os.environ["READY"], "w").close()
try:
    l.accept()
except OSError as e:
    print("accept:", e)
try:
    socket.socket()
except OSError as e:
    print("socket:", e)
    sys.exit(3)
EOF
	READY=$tmp/gone.ready run gone "$py" "$tmp/gone.py" >"$tmp/gone.out" 2>&1 &
	local cpid=$!

	for _ in $(seq 100); do
		[ -e "$tmp/gone.ready" ] && break
		sleep 0.05
	done
	sleep 0.2
	kill -9 "$srv_pid"
	{ wait "$srv_job"; } 2>/dev/null
	wait "$cpid"
	rc=$?
	diag "$tmp/gone.out"
	[ "$rc" = 3 ] && grep -q "is gone" "$tmp/gone.out" &&
		grep -q "Input/output error" "$tmp/gone.out"
}

test_other_user() {
	local rc1 rc2

	# nobody cannot reach root's socket at all: its directory is 0700.
	LKL_HIJACK_SERVER=$tmp/main/sock timeout 10 setpriv --reuid=nobody \
		--regid=nogroup --clear-groups "$hijack" true >"$tmp/u1.out" 2>&1
	rc1=$?
	# A server of nobody's refuses root, whom the directory lets through.
	start_server nobody nobody || return 1
	run nobody true >"$tmp/u2.out" 2>&1
	rc2=$?
	diag "$tmp/u1.out" "$tmp/u2.out"
	grep "refused" "$tmp/nobody.log" | diag
	[ "$rc1" != 0 ] && [ "$rc1" != 124 ] && [ "$rc2" != 0 ] &&
		[ "$rc2" != 124 ] && grep -q "refused a connection from uid 0" \
		"$tmp/nobody.log"
}

test_malformed() {
	local cpid rc

	cat >"$tmp/good.py" <<'EOF'
import os, socket, time
l = socket.socket(); l.bind(("127.0.0.1", 8084)); l.listen()
open(os.environ["READY"], "w").close()
while not os.path.exists(os.environ["GO"]):
    time.sleep(0.05)
c = socket.create_connection(("127.0.0.1", 8084)); a, _ = l.accept()
c.sendall(b"still served"); print(a.recv(100).decode())
EOF
	cat >"$tmp/bad.py" <<'EOF'
import socket, struct, sys
MAGIC = 0x534c4b4c
def recv_all(s, n):
    # MSG_WAITALL does not wait on a socket with a timeout: Python makes
    # it non-blocking, and a recv() returns what has come so far.
    b = b""
    while len(b) < n:
        d = s.recv(n - len(b))
        if not d:
            break
        b += d
    return b
def conn():
    s = socket.socket(socket.AF_UNIX); s.settimeout(5); s.connect(sys.argv[1])
    s.sendall(struct.pack("=IIIIQ", MAGIC, 1, 1, 0, 0))
    # the hello's answer, then the descriptors kept across exec: none
    # (a hello from the pid of a table not yet released takes that up)
    ret, key, conn, anchor, kept = struct.unpack("=qQQii", recv_all(s, 32))
    assert ret == 0 and kept == 0
    return s
def req(magic, length, nr, args, data=b""):
    s = conn()
    s.sendall(struct.pack("=IIq6q", magic, length, nr, *args) + data)
    r = s.recv(16)
    print("answer:", r)
    assert r == b"", "the server answered a malformed request"
req(0x12345678, 0, 39, [0] * 6)                  # bad magic
req(MAGIC, 0xffffffff, 39, [0] * 6)              # too long
req(MAGIC, 0, 99999, [0] * 6)                    # no such call
req(MAGIC, 100, 64, [0, 1, 200, 0, 0, 0], b"x" * 100)  # write: 200 != 100
s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1])
s.sendall(b"garbage hello 0123456789")
print("hello answer:", s.recv(16))
EOF
	READY=$tmp/good.ready GO=$tmp/good.go run main "$py" "$tmp/good.py" \
		>"$tmp/good.out" 2>&1 &
	cpid=$!
	for _ in $(seq 100); do
		[ -e "$tmp/good.ready" ] && break
		sleep 0.05
	done
	timeout 20 "$py" "$tmp/bad.py" "$tmp/main/sock" >"$tmp/bad.out" 2>&1
	rc=$?
	touch "$tmp/good.go"
	wait "$cpid" || rc=1
	diag "$tmp/bad.out" "$tmp/good.out"
	grep "rejected" "$tmp/main.log" | diag
	[ "$rc" = 0 ] && grep -q "still served" "$tmp/good.out" &&
		[ "$(grep -c "rejected" "$tmp/main.log")" -ge 5 ] &&
		kill -0 "$srv_pid"
}

test_nginx() {
	local dir=$tmp/nginx rc=0 workers npid

	mkdir -p "$dir/www" "$dir/tmp"
	echo hello >"$dir/www/index.html"
	head -c 300000 /dev/urandom >"$dir/www/big"
	# Workers that became nobody could not connect to root's server.
	cat >"$dir/nginx.conf" <<EOF
user root root;
worker_processes 2;
daemon off;
error_log $dir/error.log info;
pid $dir/nginx.pid;
events { worker_connections 256; }
http {
    access_log off;
    client_body_temp_path $dir/tmp;
    proxy_temp_path $dir/tmp;
    fastcgi_temp_path $dir/tmp;
    uwsgi_temp_path $dir/tmp;
    scgi_temp_path $dir/tmp;
    server { listen 127.0.0.1:8085; root $dir/www; }
}
EOF
	run main nginx -c "$dir/nginx.conf" >"$dir/out" 2>&1 &
	npid=$!
	for _ in $(seq 100); do
		[ -s "$dir/nginx.pid" ] && break
		sleep 0.05
	done
	sleep 0.3
	workers=$(pgrep -c -P "$(cat "$dir/nginx.pid")")
	echo "# nginx master $(cat "$dir/nginx.pid"), $workers workers"
	[ "$workers" = 2 ] || rc=1
	run main curl -sS http://127.0.0.1:8085/ | grep -q hello || rc=1
	{ run main curl -sS -o "$dir/got" http://127.0.0.1:8085/big &&
		cmp -s "$dir/got" "$dir/www/big"; } || rc=1
	run main wrk -t2 -c20 -d2s http://127.0.0.1:8085/ >"$dir/wrk" 2>&1 || rc=1
	diag "$dir/wrk"
	grep -q "Socket errors\|Non-2xx" "$dir/wrk" && rc=1
	grep -q "^ *[1-9][0-9]* requests in" "$dir/wrk" || rc=1
	echo "# workers that served: $(grep "client 127.0.0.1" "$dir/error.log" |
		grep -o "\] [0-9]*#" | sort -u | wc -l)"
	kill "$(cat "$dir/nginx.pid")"
	wait "$npid"
	[ "$rc" = 0 ] || diag "$dir/out" "$dir/error.log"
	return "$rc"
}

if ! start_server main; then
	echo "1..0 # SKIP lkl-server does not start"
	exit 1
fi
main_pid=$srv_pid
ktap_add forking_tcp_server test_forking_server
ktap_add shell_shares_one_stack test_shell
ktap_add sigkill_leaves_no_descriptors test_sigkill
ktap_add nginx_two_workers_curl_wrk test_nginx
ktap_add signal_interrupts_blocked_call test_signal
ktap_add exec_keeps_descriptors test_exec
ktap_add reused_pid_gets_new_table test_pid_reuse
ktap_add malformed_requests_rejected test_malformed
ktap_add no_server_clear_error test_no_server
ktap_add other_user_refused test_other_user
ktap_add server_exit_fails_calls test_server_exits
# test_sigkill and test_malformed use the main server's pid.
srv_pid=$main_pid
ktap_run
