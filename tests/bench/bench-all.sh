#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# bench-all.sh TOOLSDIR [OUTDIR]
# make bench: every benchmark in one go, then one set of results.
#
# Runs bench-core, bench-disk, bench-net, bench-timer, bench-bbr and
# bench-sweep (the ones in BENCHES, default all; those that need root are
# skipped without it), keeps each one's output in OUTDIR/NAME.txt
# (default build/bench), and gathers their figures into:
#   results.csv   bench,case,system,value,unit,ratio,reference
#                 (ratio: LKL against reference, where there is one)
#   results.json  the same rows as an array of objects
#   summary.md    one Markdown table per benchmark; the sweep's as a
#                 table per test, sizes against systems
#   *.png, *.svg  gnuplot plots of what there is: BBR goodput, TCP stream
#                 throughput by path, timer wake delay p99 by size and
#                 its CDF (timer-cdf.png, from the delays bench-timer
#                 writes to OUTDIR/timer/), and the sweep's figures
#                 against message size, a line per system
#                 (sweep-tcp-stream.png, sweep-tcp-maerts.png,
#                 sweep-udp-stream.png, sweep-rr.png)
# A benchmark that fails is reported and the others still run; the exit
# status is then 1. Not part of make test: it takes up to 30 minutes.
# BENCH_PARSE_ONLY=1 runs no benchmark and only gathers what OUTDIR's
# NAME.txt (and NAME.csv) files already hold; TOOLSDIR is then not used
# (any directory will do). tests/bench/parse-test.sh does so on saved
# outputs in tests/bench/testdata/.

set -eu -o pipefail

TOOLS=$(cd "${1:?usage: bench-all.sh TOOLSDIR [OUTDIR]}" && pwd)
HERE=$(cd "$(dirname "$0")" && pwd)
OUT=${2:-$HERE/../../build/bench}
BENCHES=${BENCHES:-core disk net timer bbr sweep}
TO_RUN=$BENCHES
[ "${BENCH_PARSE_ONLY:-}" = 1 ] && TO_RUN=
BIN=$TOOLS/tests

mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
CSV=$OUT/results.csv
ROOT=$([ "$(id -u)" = 0 ] && echo yes || echo no)
failed=

# run NAME NEEDS_ROOT CMD...: run one benchmark, its output to NAME.txt.
run() {
	local name=$1 root=$2
	shift 2
	echo "=== bench-$name"
	if [ "$root" = yes ] && [ "$ROOT" = no ]; then
		echo "skipped: needs root" | tee "$OUT/$name.txt"
		return 0
	fi
	if [ ! -x "$1" ]; then
		echo "skipped: $1 missing (make tests)" | tee "$OUT/$name.txt"
		return 0
	fi
	if ! "$@" 2>&1 | tee "$OUT/$name.txt"; then
		echo "bench-all: bench-$name failed" >&2
		failed="$failed $name"
	fi
}

for b in $TO_RUN; do
	case $b in
	core) run core no "$BIN/bench-core" ;;
	disk) run disk no "$HERE/bench-disk.sh" "$TOOLS" ;;
	net) run net yes "$HERE/bench-net.sh" "$BIN/bench-net" ;;
	timer)
		rm -rf "$OUT/timer"
		mkdir -p "$OUT/timer"
		run timer no "$BIN/bench-timer" -s "${TIMER_SCALE:-3}" -d "$OUT/timer"
		;;
	bbr) run bbr yes "$HERE/bench-bbr.sh" "$TOOLS" "$OUT" ;;
	sweep)
		rm -f "$OUT/sweep.csv" "$OUT/sweep.md"
		run sweep yes "$HERE/bench-sweep.sh" "$TOOLS" "$OUT"
		;;
	*) echo "bench-all: unknown benchmark $b" >&2; exit 2 ;;
	esac
done

# Each parser reads NAME.txt and prints CSV rows. Case names lose commas.
parse_core() {
	awk 'length($0) > 35 && $0 !~ /^(metric|------)/ {
		m = substr($0, 1, 34); sub(/ +$/, "", m); sub(/^ +/, "", m)
		gsub(/,/, ";", m)
		split(substr($0, 35), f, " ")
		if (f[1] !~ /^[0-9.]+x?$/) next
		v = f[1]; u = f[2]
		sys = m ~ /LKL|lkl|kernel|RSS/ ? "lkl" : "native"
		if (v ~ /x$/) {
			sub(/x$/, "", v)
			print "core," m ",lkl," v ",x," v ",host"
		} else
			print "core," m "," sys "," v "," u ",,"
	}' "$1"
}

parse_disk() {
	awk '/ s +[0-9]+ MB\/s +[0-9.]+x dd$/ {
		m = substr($0, 1, 16); sub(/ +$/, "", m)
		split(substr($0, 17), f, " ")
		sys = m ~ /^dd/ ? "native" : "lkl"
		r = f[5]; sub(/x$/, "", r)
		print "disk," m "," sys "," f[3] ",MB/s," \
			(sys == "lkl" ? r : "") "," (sys == "lkl" ? "dd" : "")
	}' "$1"
}

# Rows are "  NAME MB/s [RATIOx native]" or "  NAME P50 P99". NAME may be
# wider than its column ("LKL -> native, tap, offloads off"), so the
# figures are read from the end of the line and NAME is what is left.
parse_net() {
	awk 'function name(n,  i, m) {
		m = $1
		for (i = 2; i <= n; i++)
			m = m " " $i
		gsub(/,/, ";", m)
		return m
	}
	/^bench-net: .*MB\/s/ { sec = "tput"; next }
	/^bench-net: .*round trips/ { sec = "rr"; next }
	/^  / && sec == "tput" {
		n = NF - 1; r = ""
		if ($NF == "native" && $(NF - 1) ~ /^[0-9.]+x$/) {
			n = NF - 3; r = $(NF - 1); sub(/x$/, "", r)
		}
		m = name(n); sys = m ~ /LKL/ ? "lkl" : "native"
		print "net,tcp stream: " m "," sys "," $(n + 1) ",MB/s," r "," \
			(r == "" ? "" : "native veth")
	}
	/^  / && sec == "rr" {
		m = name(NF - 2); sys = m ~ /LKL/ ? "lkl" : "native"
		print "net,rr p50: " m "," sys "," $(NF - 1) ",us,,"
		print "net,rr p99: " m "," sys "," $NF ",us,,"
	}' "$1"
}

# Rows are "SIZE SYSTEM KIND p50 p90 p99 max n [cpu]", SYSTEM host or LKL,
# the host's rows first; an LKL row gets its ratio to the host's of the
# same size and kind. The slack named is the measuring host thread's.
parse_timer() {
	awk 'function row(c, v) {
		if (sys == "native") {
			ref[c] = v
			print "timer," c ",native," v ",us,,"
		} else if (ref[c] > 0) {
			printf "timer,%s,lkl,%s,us,%.2f,native\n", c, v, v / ref[c]
		} else {
			print "timer," c ",lkl," v ",us,,"
		}
	}
	/^# timer slack:/ { slack = $6 " ns"; next }
	/^[0-9]+[unm]?s +(host|LKL) +[a-z]+ +[0-9.]+ / {
		sys = $2 == "host" ? "native" : "lkl"
		row($1 " " $3 " p50 (slack " slack ")", $4)
		row($1 " " $3 " p99 (slack " slack ")", $6)
	}
	# Many sleepers at once: THREADS host|LKL nanosleep p50 p90 p99 ...
	/^[0-9]+ +(host|LKL) +nanosleep +[0-9.]+ / {
		sys = $2 == "host" ? "native" : "lkl"
		row($1 " threads nanosleep p50 (slack 1 ns)", $4)
		row($1 " threads nanosleep p90 (slack 1 ns)", $5)
		row($1 " threads nanosleep p99 (slack 1 ns)", $6)
	}' "$1"
}

echo "bench,case,system,value,unit,ratio,reference" > "$CSV"
for b in $BENCHES; do
	[ -f "$OUT/$b.txt" ] || continue
	if [ "$b" = bbr ] || [ "$b" = sweep ]; then
		[ -f "$OUT/$b.csv" ] && tail -n +2 "$OUT/$b.csv" >> "$CSV"
	else
		"parse_$b" "$OUT/$b.txt" >> "$CSV"
	fi
done

# results.json: the CSV rows as objects; numbers stay numbers.
jq -R -s 'split("\n") | map(select(length > 0) | split(",")) |
	.[0] as $h | .[1:] | map([$h, .] | transpose |
	map({(.[0]): ((.[1] // "") as $v |
		($v | tonumber? // (if $v == "" then null else $v end)))}) |
	add)' \
	"$CSV" > "$OUT/results.json"

# summary.md: one table per benchmark.
{
	echo "# LKL benchmarks"
	echo
	echo "$(uname -r), $(nproc) CPUs, $(
		)load average $(cut -d' ' -f1-3 /proc/loadavg), $(date -u +%F)"
	for b in $BENCHES; do
		echo
		echo "## bench-$b"
		echo
		if ! grep -q "^$b," "$CSV"; then
			echo "No figures: see $b.txt."
			continue
		fi
		if [ "$b" = sweep ] && [ -f "$OUT/sweep.md" ]; then
			cat "$OUT/sweep.md"
			continue
		fi
		echo "| case | system | value | unit | ratio | against |"
		echo "|---|---|---|---|---|---|"
		awk -F, -v b="$b" '$1 == b {
			printf "| %s | %s | %s | %s | %s | %s |\n", $2, $3, $4, $5, $6, $7
		}' "$CSV"
	done
} > "$OUT/summary.md"

# plot NAME TITLE YLABEL DATA: clustered bars, one cluster per case, a
# native and an LKL bar in each. DATA lines: "case native lkl".
plot() {
	local name=$1 title=$2 ylabel=$3 data=$4
	[ -s "$data" ] || return 0
	gnuplot <<-EOF
		set terminal pngcairo size 900,500 noenhanced
		set output "$OUT/$name.png"
		set title "$title"
		set ylabel "$ylabel"
		set style data histograms
		set style histogram clustered gap 1
		set style fill solid 0.8 border -1
		set boxwidth 0.9
		set yrange [0:*]
		set key top right
		set xtics rotate by -30 nomirror
		set rmargin 14
		set grid ytics
		set datafile separator "\t"
		set datafile missing "n/a"
		plot "$data" using 2:xtic(1) title "native", "" using 3 title "LKL"
		set terminal svg size 900,500 noenhanced
		set output "$OUT/$name.svg"
		replot
	EOF
	echo "plot: $OUT/$name.png"
}

# line_plot NAME TITLE YLABEL KIND: the sweep's figures of KIND (the case
# name without its size, such as "tcp stream") against message size on a
# log scale, a line per system.
line_plot() {
	local name=$1 title=$2 ylabel=$3 kind=$4 data=$OUT/$1.dat xtics
	awk -F, -v k="$kind" '$1 == "sweep" && index($2, k " ") == 1 {
			s = substr($2, length(k) + 2)
			if (!(s in seen_s)) { seen_s[s] = 1; sz[ns++] = s }
			if (!($3 in seen_y)) { seen_y[$3] = 1; sy[ny++] = $3 }
			v[s, $3] = $4
		}
		END {
			if (!ns) exit
			printf "size"
			for (j = 0; j < ny; j++) printf "\t%s", sy[j]
			printf "\n"
			for (i = 0; i < ns; i++) {
				printf "%s", sz[i]
				for (j = 0; j < ny; j++)
					printf "\t%s", ((sz[i] SUBSEP sy[j]) in v) ? \
						v[sz[i], sy[j]] : "n/a"
				printf "\n"
			}
		}' "$CSV" > "$data"
	[ -s "$data" ] || return 0
	xtics=$(awk 'NR > 1 { printf "%s\"%s\" %s", (NR > 2 ? ", " : ""), $1, $1 }' "$data")
	gnuplot <<-EOF
		set terminal pngcairo size 1000,550 noenhanced
		set output "$OUT/$name.png"
		set title "$title"
		set xlabel "message size (bytes)"
		set ylabel "$ylabel"
		set logscale x 2
		set xtics ($xtics) rotate by -35
		set yrange [0:*]
		set grid
		set key outside right
		set datafile separator "\t"
		set datafile missing "n/a"
		plot for [i=2:*] "$data" using 1:i with linespoints title columnheader(i)
		set terminal svg size 1000,550 noenhanced
		set output "$OUT/$name.svg"
		replot
	EOF
	echo "plot: $OUT/$name.png"
}

# timer_cdf: the CDF of the wake delay of the host's and LKL's
# clock_nanosleep with timer slack 1 ns, a line per system (colour) and
# size (dashes), from the delays bench-timer wrote to OUTDIR/timer/.
timer_cdf() {
	local plots=() size sys file dt=0 name color
	for size in 10us 100us 1ms; do
		dt=$((dt + 1))
		for sys in host lkl; do
			file=$OUT/timer/slack-1ns-$size-$sys-nanosleep.txt
			[ -s "$file" ] || continue
			name=native color="#0060ad"
			[ $sys = lkl ] && name=LKL color="#dd181f"
			plots+=("\"$file\" using 1:(1) smooth cnormal with lines lw 2 $(
				)lc rgb \"$color\" dt $dt title \"$name $size\"")
		done
	done
	[ ${#plots[@]} -gt 0 ] || return 0
	gnuplot <<-EOF
		set terminal pngcairo size 900,500 noenhanced
		set output "$OUT/timer-cdf.png"
		set title "clock_nanosleep wake delay, timer slack 1 ns: CDF"
		set xlabel "wake delay (microseconds)"
		set ylabel "fraction of wakes"
		set logscale x
		set yrange [0:1]
		set grid
		set key bottom right
		plot $(IFS=,; echo "${plots[*]}")
		set terminal svg size 900,500 noenhanced
		set output "$OUT/timer-cdf.svg"
		replot
	EOF
	echo "plot: $OUT/timer-cdf.png"
}

if command -v gnuplot >/dev/null; then
	awk -F, '$1 == "bbr" { v[$2, $3] = $4; if (!($2 in seen)) { seen[$2] = 1; o[n++] = $2 } }
		END { for (i = 0; i < n; i++)
			printf "%s\t%s\t%s\n", o[i], v[o[i], "native"], v[o[i], "lkl"] }' \
		"$CSV" > "$OUT/bbr.dat"
	plot bbr-goodput "BBR and cubic through 100 ms, 1% loss, 200 Mbit/s" \
		"goodput (Mbit/s)" "$OUT/bbr.dat"
	# TCP stream: one cluster per LKL path, the native veth figure beside.
	awk -F, '$1 == "net" && $2 ~ /^tcp stream/ {
			if ($3 == "native") nat = $4
			else {
				c = $2; sub(/^tcp stream: /, "", c)
				sub(/^LKL -> native; /, "LKL sends, ", c)
				sub(/^native -> LKL; /, "LKL receives, ", c)
				sub(/; offloads on$/, "", c)
				sub(/; offloads off$/, ", no offloads", c)
				l[++n] = c; v[n] = $4
			}
		}
		END { for (i = 1; i <= n; i++) printf "%s\t%s\t%s\n", l[i], nat, v[i] }' \
		"$CSV" > "$OUT/net.dat"
	plot net-tcp-stream "TCP stream, LKL paths against native veth" \
		"MB/s" "$OUT/net.dat"
	# Timer p99 (slack 1 ns): host against LKL, per size and kind.
	awk -F, '$1 == "timer" && $2 ~ /p99 \(slack 1 ns\)/ {
			split($2, w, " "); k = w[2]; sub(/^(host|lkl)[-_ ]?/, "", k)
			c = w[1] " " k; if (!(c in seen)) { seen[c] = 1; o[n++] = c }
			v[c, $3] = $4
		}
		END { for (i = 0; i < n; i++)
			printf "%s\t%s\t%s\n", o[i], v[o[i], "native"], v[o[i], "lkl"] }' \
		"$CSV" > "$OUT/timer.dat"
	plot timer-p99 "Timer wake delay p99, slack 1 ns" "microseconds" \
		"$OUT/timer.dat"
	timer_cdf
	line_plot sweep-tcp-stream "TCP stream (iperf3), client to server" \
		"Mbit/s" "tcp stream"
	line_plot sweep-tcp-maerts "TCP maerts (iperf3 -R), server to client" \
		"Mbit/s" "tcp maerts"
	line_plot sweep-udp-stream "UDP stream (iperf3 -u -b 0), receiver's goodput" \
		"Mbit/s" "udp stream"
	line_plot sweep-rr "TCP request/response (sockperf ping-pong)" \
		"transactions/s" "rr tps"
else
	echo "bench-all: gnuplot missing (scripts/lkl-deps.sh bench): no plots" >&2
fi

echo "results: $CSV $OUT/results.json $OUT/summary.md"
if [ -n "$failed" ]; then
	echo "bench-all: failed:$failed" >&2
	exit 1
fi
