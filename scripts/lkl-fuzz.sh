#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# lkl-fuzz.sh TOP KSRC: make fuzz (Documentation/virt/lkl/reliability.rst).
#
# Builds the fuzzing kernel in TOP/build/fuzz-kernel with clang-14: LKL's
# defconfig, then arch/lkl/configs/fuzz.config (the kernel's own checks),
# every object compiled with -fsanitize-coverage=inline-8bit-counters,
# pc-table so that libFuzzer sees the kernel's coverage. Its host
# library goes to TOP/build/fuzz-tools, the harnesses (tests/fuzz/*.c,
# linked with libFuzzer) to TOP/build/fuzz. Then each harness runs for
# FUZZ_SECONDS (60 by default), one after the other, and a table gives
# its executions per second, coverage (cov: and ft:) and crashes.
#
#   FUZZ_SECONDS=N     how long each harness runs
#   FUZZ_HARNESSES=... which ones (default: all): fs-ext4 fs-btrfs fs-xfs
#                      fs-vfat fs-iso9660 rtnl netdev hijack-config
#                      tool-args
#   FUZZ_CONFIG=FILE   one more config fragment for the kernel, after
#                      fuzz.config (for example one that leaves out XFS
#                      and btrfs for a quicker build)
#   FUZZ_JOBS=N        parallel jobs of the kernel build (default: nproc)
#   FUZZ_KERNEL=DIR    use the kernel build in DIR (with its headers
#                      installed, as make kernel headers leaves it) instead
#                      of building build/fuzz-kernel: quicker, but without
#                      the kernel's coverage and checks, so libFuzzer is
#                      guided by the harness code alone
#   FUZZ_KEEP_GOING=1  go on after a crash: libFuzzer's fork mode runs the
#                      harness in child processes, one after the other,
#                      and starts the next after a crash. For a harness
#                      that keeps finding a crash known and not fixed
#                      yet; each child boots LKL again, so fewer
#                      executions per second
#
# The corpus of each harness grows in TOP/build/fuzz/corpus/NAME, from the
# seeds it makes itself (build/fuzz/seeds/NAME). A crash stops that
# harness; its input is saved as build/fuzz/crashes/NAME-crash-<sha1>,
# and the run exits 1 at the end. Copy it into tests/fuzz/corpus/<harness
# source>/ with the fix, so that make test replays it. With
# FUZZ_KEEP_GOING=1 the table counts the crashes, and their inputs are
# the files build/fuzz/crashes/NAME-crash-* newer than the run's log.
set -eu

top=${1:-} ksrc=${2:-}
if [ ! -d "$top" ] || [ ! -f "$ksrc/Makefile" ]; then
	echo "usage: lkl-fuzz.sh TOP KSRC (run from make fuzz)" >&2
	exit 2
fi
seconds=${FUZZ_SECONDS:-60}
case $seconds in
''|*[!0-9]*) echo "lkl-fuzz.sh: FUZZ_SECONDS=$seconds is not a number" >&2; exit 2 ;;
esac
harnesses=${FUZZ_HARNESSES:-fs-ext4 fs-btrfs fs-xfs fs-vfat fs-iso9660 rtnl netdev hijack-config tool-args}
jobs=${FUZZ_JOBS:-$(nproc)}
clang="clang-14"
for tool in $clang ld; do
	command -v "$tool" >/dev/null ||
		{ echo "lkl-fuzz.sh: $tool is missing (scripts/lkl-deps.sh fuzz)" >&2; exit 2; }
done
if ! echo 'int LLVMFuzzerTestOneInput(const char *d, long n) { return 0; }' |
	$clang -x c -fsanitize=fuzzer -o /dev/null - 2>/dev/null; then
	echo "lkl-fuzz.sh: $clang cannot link libFuzzer (install libfuzzer-14-dev)" >&2
	exit 2
fi

kobj=$top/build/fuzz-kernel
tobj=$top/build/fuzz-tools
out=$top/build/fuzz
kcc="$clang"
command -v ccache >/dev/null && kcc="ccache $clang"
cov=-fsanitize-coverage=inline-8bit-counters,pc-table
fragments=("$top/arch/lkl/configs/fuzz.config")
[ -n "${FUZZ_CONFIG:-}" ] && fragments+=("$(realpath "$FUZZ_CONFIG")")
kmake=(make -C "$ksrc" O="$kobj" ARCH=lkl CC="$kcc" -s)

build() {
	if [ -n "${FUZZ_KERNEL:-}" ]; then
		kobj=$(realpath "$FUZZ_KERNEL")
		tobj=$top/build/fuzz-tools-plain
		echo "  NOTE    FUZZ_KERNEL=$kobj: no kernel coverage"
		if [ ! -f "$kobj/lkl.o" ] || [ ! -d "$kobj/usr/include" ]; then
			echo "lkl-fuzz.sh: $kobj has no lkl.o and usr/include (make kernel headers)" >&2
			exit 2
		fi
		python3 "$top/arch/lkl/scripts/lkl-headers.py" \
			"$kobj/usr/include" "$ksrc" "$kobj" "$tobj/include"
		make -s -C "$top/tools/lkl" O="$tobj" LKL_KOBJ="$kobj" \
			LINUX_SRC="$ksrc" "$tobj/liblkl.a" "$tobj/liblkl.ldlibs"
		return
	fi
	"$top/scripts/lkl-config.sh" "$ksrc" "$kobj" "${fragments[@]}" -- \
		CC="$kcc"
	echo "  LINUX   build/fuzz-kernel ($clang, $cov)"
	flock "$kobj/.lock" "${kmake[@]}" -j"$jobs" KCFLAGS="$cov" lkl
	# The counters and the PC table must survive lkl.o's partial link
	# and the hiding of its symbols, or libFuzzer sees no kernel code.
	if ! objdump -h "$kobj/lkl.o" | grep -q __sancov_cntrs; then
		echo "lkl-fuzz.sh: lkl.o has no __sancov_cntrs section" >&2
		exit 1
	fi
	flock "$kobj/.lock" "${kmake[@]}" headers_install \
		INSTALL_HDR_PATH="$kobj/usr"
	python3 "$top/arch/lkl/scripts/lkl-headers.py" \
		"$kobj/usr/include" "$ksrc" "$kobj" "$tobj/include"
	make -s -C "$top/tools/lkl" O="$tobj" LKL_KOBJ="$kobj" \
		LINUX_SRC="$ksrc" "$tobj/liblkl.a" "$tobj/liblkl.ldlibs"
}

# harness NAME: link build/fuzz/fuzz-NAME from tests/fuzz/NAME.c.
harness() {
	local name=$1 san=fuzzer libs=

	case $name in
	# No kernel runs in these: the host sanitizers watch the parsers.
	hijack-config) san=fuzzer,address,undefined libs=-ljson-c ;;
	tool-args) san=fuzzer,address,undefined ;;
	esac
	echo "  LD      build/fuzz/fuzz-$name"
	# shellcheck disable=SC2046,SC2086 # the ldlibs are words
	$clang -g -O1 -Wall -D_GNU_SOURCE -fsanitize=$san \
		-I"$tobj/include" -I"$top/tools/lkl/include" -I"$top/tests/fuzz" \
		-I"$top/tools/lkl/hijack" -I"$top/tools/lkl" \
		"$top/tests/fuzz/$name.c" -o "$out/fuzz-$name" \
		"$tobj/liblkl.a" $libs $(cat "$tobj/liblkl.ldlibs")
}

# run NAME: fuzz one harness for $seconds; one line of the table.
run() {
	local name=$1 src=$1 log opts=() env=() execs speed covft crash status

	case $name in
	fs-*) src=fs env=(LKL_FUZZ_FS="${name#fs-}") ;;
	esac
	case $src in
	hijack-config) opts=(-close_fd_mask=2) ;;
	tool-args) opts=(-close_fd_mask=3) ;;
	# Almost every input adds features of the kernel's, and libFuzzer's
	# entropic schedule then spent two thirds of the time updating
	# feature frequencies: 119 exec/s with it, 332 without, same cov/ft.
	fs) opts=(-max_len=1048576 -timeout=60 -rss_limit_mb=4096 -entropic=0) ;;
	esac
	if [ -n "${FUZZ_KEEP_GOING:-}" ]; then
		opts+=(-fork=1 -ignore_crashes=1)
	fi
	log=$out/logs/$name.log
	mkdir -p "$out/corpus/$name" "$out/seeds/$name"
	if [ -z "$(ls -A "$out/seeds/$name")" ]; then
		env "${env[@]}" LKL_FUZZ_MAKE_SEEDS="$out/seeds/$name" \
			"$out/fuzz-$src" 2>/dev/null || true
		# The fs seeds of the other file systems stay out.
		if [ "$src" = fs ]; then
			find "$out/seeds/$name" -type f \
				! -name "seed-${name#fs-}-*" -delete
		fi
	fi
	# A fuzzed command line may name files to create (tool-args):
	# they land in a scratch directory, not wherever make ran.
	mkdir -p "$out/cwd/$name"
	(cd "$out/cwd/$name" &&
	 env "${env[@]}" timeout -k 10 $((seconds + 120)) "$out/fuzz-$src" \
		-max_total_time="$seconds" -print_final_stats=1 \
		-artifact_prefix="$out/crashes/$name-" "${opts[@]}" \
		"$out/corpus/$name" "$out/seeds/$name") > "$log" 2>&1 || true
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
	speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
	covft=$(grep -o 'cov: [0-9]* ft: [0-9]*' "$log" | tail -1 |
		awk '{print $2 "/" $4}')
	crash=$(sed -n 's/^artifact_prefix=.*; Test unit written to //p' "$log" |
		head -1)
	if [ -n "${FUZZ_KEEP_GOING:-}" ]; then
		# Fork mode: "#EXECS: cov: C ft: F ... exec/s S
		# oom/timeout/crash: O/T/N ..." every few seconds.
		status=$(grep -E '^#[0-9]+: cov: ' "$log" | tail -1)
		execs=$(echo "$status" | sed -n 's/^#\([0-9]*\):.*/\1/p')
		[ -n "$execs" ] && speed=$((execs / seconds))
		crash=$(echo "$status" |
			sed -n 's|.*oom/timeout/crash: [0-9]*/[0-9]*/\([0-9]*\).*|\1|p')
		[ "${crash:-0}" = 0 ] && crash=
	fi
	[ -n "$crash" ] && crashes=$((crashes + 1))
	printf '%-14s %10s %8s %12s  %s\n' "$name" "${execs:--}" "${speed:--}" \
		"${covft:--}" "${crash:-0}" >> "$out/table"
}

build
mkdir -p "$out/crashes" "$out/logs"
for name in $harnesses; do
	case $name in
	fs-*) src=fs ;;
	*) src=$name ;;
	esac
	[ -f "$top/tests/fuzz/$src.c" ] ||
		{ echo "lkl-fuzz.sh: no harness $name" >&2; exit 2; }
	if [ ! "$out/fuzz-$src" -nt "$top/tests/fuzz/$src.c" ] ||
	   [ ! "$out/fuzz-$src" -nt "$top/tests/fuzz/fuzz.h" ] ||
	   [ ! "$out/fuzz-$src" -nt "$tobj/liblkl.a" ]; then
		harness "$src"
	fi
done

crashes=0
printf '%-14s %10s %8s %12s  %s\n' harness executions exec/s cov/ft crashes \
	> "$out/table"
for name in $harnesses; do
	echo "  FUZZ    $name: ${seconds} s"
	run "$name"
done
echo
cat "$out/table"
echo "(logs in build/fuzz/logs; corpus in build/fuzz/corpus)"
[ $crashes -eq 0 ]
