#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# lkl-soak.sh TOOLSDIR
# The load test (make soak): nginx under the hijack
# (TOOLSDIR/lkl-hijack.sh, tap backend) loaded by wrk, then fetched
# from by parallel curl, with native nginx over a veth pair as the
# reference in the same run. Both nginx run the same configuration: one
# process (master_process off) with one event loop. The hijacked nginx
# can have no other: LKL boots in the process, and a forked worker has
# no LKL. The native one gets the same, so that each side serves every
# connection from one loop on one CPU; LKL's receive and transmit
# threads are the hijacked side's only extra CPU, where native nginx
# has the host's softirqs.
#
#   SOAK_SECONDS=600     how long wrk loads each nginx
#   SOAK_CONNS=1000      wrk's connections
#   SOAK_FILE_CONNS=100  parallel connections fetching the 1 MiB files
#   SOAK_FILES=100       how many 1 MiB files they fetch (and check)
#   SOAK_NATIVE=1        0 skips the native reference
#   SOAK_RATE=0.8        the least LKL/native requests/s ratio; 0 checks
#                        no throughput
#   SOAK_CHECK_RSS=1     0 reports the RSS without checking it
#   SOAK_KTAP=0          1 prints KTAP results (the hijack/load test)
#
# All traffic stays in network namespaces made here (their names end in
# the script's pid) and removed at exit, whatever happens. The hijacked
# nginx's RSS is sampled every 10 s while wrk runs, and printed.
#
# Targets: no wrk timeouts, no socket errors, no non-2xx responses,
# every file intact, RSS flat after warm-up (at most 10% growth from the
# end of the first minute, or of the first third of a shorter run, to
# the end), and requests/s at least SOAK_RATE times native. Exit status:
# 0 when every target is met, 1 when one is missed, 4 when the test
# cannot run (not root, a program missing).
set -u

tools=${1:-}
secs=${SOAK_SECONDS:-600}
conns=${SOAK_CONNS:-1000}
fconns=${SOAK_FILE_CONNS:-100}
nfiles=${SOAK_FILES:-100}
native=${SOAK_NATIVE:-1}
rate=${SOAK_RATE:-0.8}
ktap=${SOAK_KTAP:-0}
check_rss=${SOAK_CHECK_RSS:-1}
port=8080
sample=10

say() { echo "# $*"; }
loadavg() { cut -d' ' -f1-3 /proc/loadavg; }

cant_run() {
	if [ "$ktap" = 1 ]; then
		echo "1..0 # SKIP $*"
	else
		echo "lkl-soak.sh: $*" >&2
	fi
	exit 4
}

[ "$ktap" = 1 ] && echo "TAP version 13"
if [ -z "$tools" ] || [ ! -x "$tools/lkl-hijack.sh" ]; then
	cant_run "no lkl-hijack.sh in '$tools' (usage: lkl-soak.sh TOOLSDIR)"
fi
[ -f "$tools/liblkl-hijack.so" ] || cant_run "$tools/liblkl-hijack.so is not built (needs libjson-c-dev)"
for n in "$secs" "$conns" "$fconns" "$nfiles"; do
	case $n in
	'' | *[!0-9]* | 0)
		cant_run "SOAK_SECONDS, SOAK_CONNS, SOAK_FILE_CONNS and SOAK_FILES must be positive integers" ;;
	esac
done
[ "$(id -u)" = 0 ] || cant_run "needs root for namespaces and tap devices"
[ -w /dev/net/tun ] || cant_run "no /dev/net/tun"
for p in ip nginx wrk curl sha256sum timeout awk; do
	command -v "$p" >/dev/null || cant_run "needs $p"
done
# wrk and nginx hold a descriptor per connection, and more.
[ "$(ulimit -n)" -ge $((conns + fconns + 64)) ] || ulimit -n $((conns + fconns + 64)) 2>/dev/null ||
	cant_run "needs $((conns + fconns + 64)) open files (ulimit -n)"

id=$$
ns_lkl=lklsoak-l$id	# the tap, wrk and curl against the hijacked nginx
ns_srv=lklsoak-s$id	# the native nginx
ns_cli=lklsoak-c$id	# wrk and curl against it
tap=lklsoak$id
tmp=$(mktemp -d "${TMPDIR:-/tmp}/lkl-soak.XXXXXX")
pids=()

cleanup() {
	local p

	for p in "${pids[@]}"; do
		kill -KILL "$p" 2>/dev/null
		wait "$p" 2>/dev/null
	done
	for n in "$ns_lkl" "$ns_srv" "$ns_cli"; do
		ip netns del "$n" 2>/dev/null
	done
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

# The checks: a KTAP result each (SOAK_KTAP=1), or PASS/FAIL lines.
checks=3
[ "$check_rss" = 1 ] && checks=$((checks + 1))
[ "$native" = 1 ] && checks=$((checks + 1))
[ "$native" = 1 ] && awk -v r="$rate" 'BEGIN { exit !(r > 0) }' && checks=$((checks + 1))
[ "$ktap" = 1 ] && echo "1..$checks"
nchecks=0 failed=0
# check NAME COMMAND...: one result, that COMMAND succeeds.
check() {
	local name=$1

	shift
	nchecks=$((nchecks + 1))
	if "$@"; then
		if [ "$ktap" = 1 ]; then echo "ok $nchecks $name"; else echo "PASS $name"; fi
	else
		failed=$((failed + 1))
		if [ "$ktap" = 1 ]; then echo "not ok $nchecks $name"; else echo "FAIL $name"; fi
	fi
}

# give_up REASON: the soak cannot go on; the checks not made fail.
give_up() {
	say "$1"
	while [ "$nchecks" -lt "$checks" ]; do
		check "not reached" false
	done
	exit 1
}

# One nginx configuration for both. The listen backlog is the kernel's
# limit (somaxconn, 4096 in both kernels), so that a burst of 1000
# connects is queued rather than dropped; worker_connections leaves room
# for the 1000 and the files. multi_accept: without it nginx accepts one
# connection per turn of its event loop, and a turn serves up to 512
# ready connections; a server that falls behind the connect burst (the
# hijacked one does, the native one just keeps up) leaves connections in
# the accept queue for many seconds, and wrk counts them as timeouts.
mkdir -p "$tmp/www" "$tmp/got" "$tmp/run"
cat > "$tmp/nginx.conf" <<EOF
daemon off;
master_process off;
worker_processes 1;
worker_rlimit_nofile 8192;
pid $tmp/run/nginx.pid;
error_log stderr error;
events { worker_connections 4096; multi_accept on; }
http {
	access_log off;
	sendfile on;
	keepalive_requests 1000000;
	client_body_temp_path $tmp/run;
	proxy_temp_path $tmp/run;
	fastcgi_temp_path $tmp/run;
	uwsgi_temp_path $tmp/run;
	scgi_temp_path $tmp/run;
	server {
		listen $port backlog=4096;
		root $tmp/www;
	}
}
EOF
echo "hello" > "$tmp/www/small"
# Distinct contents, so that a file served in place of another shows.
for i in $(seq 0 $((nfiles - 1))); do
	head -c 1048576 /dev/urandom > "$tmp/www/f$i"
done
(cd "$tmp/www" && sha256sum f*) > "$tmp/sums"


# wrk_run NS URL SECONDS OUT: wrk with SOAK_CONNS connections, 10 s
# request timeout.
wrk_run() {
	timeout -k 5 $(($3 + 60)) ip netns exec "$1" \
		wrk -t 2 -c "$conns" -d "${3}s" --timeout 10s "$2" > "$4" 2>&1
}

# wrk_field OUT NAME: connect, read, write, timeout, non2xx, rps or
# requests, from wrk's report.
wrk_field() {
	awk -v f="$2" '
	/Socket errors:/ {
		gsub(",", ""); se["connect"] = $4; se["read"] = $6
		se["write"] = $8; se["timeout"] = $10
	}
	/Non-2xx/ { n2 = $NF }
	/Requests\/sec:/ { rps = $2 }
	/requests in/ { req = $1 }
	END {
		if (f == "rps") print rps + 0
		else if (f == "requests") print req + 0
		else if (f == "non2xx") print n2 + 0
		else print se[f] + 0
	}' "$1"
}

# fetch NS HOST: SOAK_FILES files over SOAK_FILE_CONNS parallel
# connections, each checked; prints how many are intact.
fetch() {
	local args=() i

	rm -f "$tmp"/got/f*
	for i in $(seq 0 $((nfiles - 1))); do
		args+=(-o "$tmp/got/f$i" "http://$2:$port/f$i")
	done
	timeout -k 5 300 ip netns exec "$1" curl -s -Z --parallel-max "$fconns" \
		-m 120 "${args[@]}" > "$tmp/curl.log" 2>&1
	(cd "$tmp/got" && sha256sum -c --quiet "$tmp/sums" 2>/dev/null) |
		grep -c -v ': OK$' | awk -v n="$nfiles" '{ print n - $1 }'
}

# wait_http NS HOST: until nginx answers, 30 s at most.
wait_http() {
	local i

	for i in $(seq 300); do
		ip netns exec "$1" curl -sf -m 1 -o /dev/null "http://$2:$port/small" && return 0
		sleep 0.1
	done
	return 1
}

# tcp_stats NAME NS: the client's TCP counters that show losses.
tcp_stats() {
	say "$1: client TCP: $(ip netns exec "$2" nstat -s -a -z 2>/dev/null | awk '
		$1 ~ /^(TcpActiveOpens|TcpAttemptFails|TcpRetransSegs|TcpExtTCPTimeouts|TcpExtTCPSynRetrans)$/ {
			printf "%s %s ", $1, $2
		}')"
}

# report NAME OUT: wrk's figures in one line.
report() {
	say "$1: $(wrk_field "$2" requests) requests, $(wrk_field "$2" rps) requests/s," \
		"timeouts $(wrk_field "$2" timeout), connect errors $(wrk_field "$2" connect)," \
		"read $(wrk_field "$2" read), write $(wrk_field "$2" write)," \
		"non-2xx $(wrk_field "$2" non2xx)"
}

# The native reference: nginx in one namespace, wrk in another, a veth
# pair between them.
native_rps=0
if [ "$native" = 1 ]; then
	if ! { ip netns add "$ns_srv" && ip netns add "$ns_cli" &&
		ip -n "$ns_srv" link add veth0 type veth peer name veth1 netns "$ns_cli" &&
		ip -n "$ns_srv" addr add 10.13.0.1/24 dev veth0 &&
		ip -n "$ns_cli" addr add 10.13.0.2/24 dev veth1 &&
		ip -n "$ns_srv" link set lo up && ip -n "$ns_cli" link set lo up &&
		ip -n "$ns_srv" link set veth0 up && ip -n "$ns_cli" link set veth1 up; }; then
		give_up "cannot make the native namespaces"
	fi
	ip netns exec "$ns_srv" nginx -p "$tmp" -e stderr -c "$tmp/nginx.conf" \
		> "$tmp/native.log" 2>&1 &
	pids+=($!)
	wait_http "$ns_cli" 10.13.0.1 || give_up "native nginx does not answer: $(cat "$tmp/native.log")"
	say "native nginx over veth: wrk -c $conns for $secs s; load average $(loadavg)"
	wrk_run "$ns_cli" "http://10.13.0.1:$port/small" "$secs" "$tmp/wrk-native"
	report native "$tmp/wrk-native"
	say "native: load average at the end $(loadavg)"
	tcp_stats native "$ns_cli"
	native_rps=$(wrk_field "$tmp/wrk-native" rps)
	nat_files=$(fetch "$ns_cli" 10.13.0.1)
	say "native: $nat_files of $nfiles files of 1 MiB intact over $fconns connections"
	kill "${pids[0]}"
	wait "${pids[0]}" 2>/dev/null
	pids=()
fi

# The hijacked nginx: the tap is in its namespace, and so are wrk and
# curl, on the host's side of the tap.
if ! { ip netns add "$ns_lkl" && ip -n "$ns_lkl" tuntap add dev "$tap" mode tap &&
	ip -n "$ns_lkl" addr add 10.14.0.1/24 dev "$tap" &&
	ip -n "$ns_lkl" link set lo up && ip -n "$ns_lkl" link set "$tap" up; }; then
	give_up "cannot make the tap namespace"
fi
cat > "$tmp/hijack.json" <<EOF
{ "interfaces": [ {
    "type": "tap", "param": "$tap",
    "ip": "10.14.0.2", "netmask_len": 24,
    "mtu": 1500, "offloads": "all"
  } ],
  "gateway": "10.14.0.1"
}
EOF
ip netns exec "$ns_lkl" env LKL_HIJACK_DEBUG=1 LKL_HIJACK_CONFIG_FILE="$tmp/hijack.json" \
	"$tools/lkl-hijack.sh" nginx -p "$tmp" -e stderr -c "$tmp/nginx.conf" \
	> "$tmp/lkl.log" 2>&1 &
lkl_pid=$!
pids+=("$lkl_pid")
wait_http "$ns_lkl" 10.14.0.2 || give_up "hijacked nginx does not answer: $(tail -20 "$tmp/lkl.log")"

say "hijacked nginx over tap: wrk -c $conns for $secs s; RSS every $sample s; load average $(loadavg)"
rss() { awk '/^VmRSS/ { print $2 }' "/proc/$lkl_pid/status" 2>/dev/null; }
wrk_run "$ns_lkl" "http://10.14.0.2:$port/small" "$secs" "$tmp/wrk-lkl" &
wrk_pid=$!
pids+=("$wrk_pid")
: > "$tmp/rss"
t=0
while kill -0 "$wrk_pid" 2>/dev/null; do
	echo "$t $(rss)" >> "$tmp/rss"
	sleep "$sample" &
	wait $!
	t=$((t + sample))
done
wait "$wrk_pid"
echo "$t $(rss)" >> "$tmp/rss"
report lkl "$tmp/wrk-lkl"
say "lkl: load average at the end $(loadavg)"
tap_counts=$(ip -n "$ns_lkl" -s -o link show "$tap" |
	awk '{ print "to LKL", $(NF - 4), "packets,", $(NF - 2), "dropped;",
		"from LKL", $(NF - 19), "packets,", $(NF - 17), "dropped" }')
say "lkl: tap, host side: $tap_counts"
tcp_stats lkl "$ns_lkl"
say "RSS of the hijacked nginx, every $sample s:"
awk '{ printf "#   %5d s %8d kB\n", $1, $2 }' "$tmp/rss"
lkl_files=$(fetch "$ns_lkl" 10.14.0.2)
say "lkl: $lkl_files of $nfiles files of 1 MiB intact over $fconns connections"
say "RSS after the files: $(rss) kB"

lkl_rps=$(wrk_field "$tmp/wrk-lkl" rps)
errs=0
for f in connect read write non2xx; do
	errs=$((errs + $(wrk_field "$tmp/wrk-lkl" $f)))
done
check "lkl: no request timeouts" [ "$(wrk_field "$tmp/wrk-lkl" timeout)" = 0 ]
reqs=$(wrk_field "$tmp/wrk-lkl" requests)
check "lkl: no socket errors or non-2xx responses" [ $((errs == 0 && reqs > 0)) = 1 ]
check "lkl: every 1 MiB file intact" [ "$lkl_files" = "$nfiles" ]
# Flat after warm-up: the first sample after the first minute (or the
# first third of a shorter run) against the last.
warm=$((secs / 3 < 60 ? secs / 3 : 60))
read -r rss_warm rss_end < <(awk -v w="$warm" '$1 >= w && $2 && !b { b = $2 } $2 { e = $2 }
	END { print (b ? b : e) + 0, e + 0 }' "$tmp/rss")
say "RSS after warm-up ($warm s): $rss_warm kB, at the end: $rss_end kB"
if [ "$check_rss" = 1 ]; then
	check "lkl: RSS flat after warm-up (at most 10% growth)" \
		[ $((rss_end > 0 && rss_end * 10 <= rss_warm * 11)) = 1 ]
fi
if [ "$native" = 1 ]; then
	check "native: every 1 MiB file intact" [ "$nat_files" = "$nfiles" ]
	ratio=$(awk -v l="$lkl_rps" -v n="$native_rps" 'BEGIN { printf "%.2f", n ? l / n : 0 }')
	say "requests/s: lkl $lkl_rps, native $native_rps, ratio $ratio"
	if awk -v r="$rate" 'BEGIN { exit !(r > 0) }'; then
		check "lkl: requests/s at least $rate x native" \
			awk -v x="$ratio" -v r="$rate" 'BEGIN { exit !(x >= r) }'
	fi
fi

kill -TERM "$lkl_pid" 2>/dev/null
ip netns exec "$ns_lkl" curl -s -m 2 -o /dev/null "http://10.14.0.2:$port/small"
if [ "$failed" != 0 ] || [ "${SOAK_VERBOSE:-0}" = 1 ]; then
	say "hijacked nginx's log:"
	tail -20 "$tmp/lkl.log" | sed 's/^/#   /'
fi
say "$((nchecks - failed)) passed, $failed failed"
[ "$failed" = 0 ]
