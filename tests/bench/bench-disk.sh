#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# bench-disk.sh TOOLSDIR
# Disk throughput of the LKL tools against the physical limit, as medians.
#
# In a temporary directory (one file system for everything), with a 1 GiB
# file of random data and a 2 GiB sparse ext4 image:
#   dd        dd of the file into a separate image-sized file, fdatasync
#   cptofs    the whole cptofs command (boot, copy, sync, halt)
#   cpfromfs  the whole cpfromfs command, then sync
#   lklfuse   cp in, sync, fusermount3 -u, lklfuse exits;
#             then, remounted, cp out and sync
# Each is run RUNS times (default 3). Between the write and the read phases
# the host page cache is dropped if we may (root); the output says whether.
# Each figure is in MB/s (10^6 bytes) and as a ratio against dd.
# Target: cptofs >= 0.5x dd.

set -eu -o pipefail

TOOLS=${1:?usage: bench-disk.sh TOOLSDIR}
RUNS=${RUNS:-3}
SIZE_MB=1024			# MiB of data
BYTES=$((SIZE_MB * 1024 * 1024))

CPTOFS=$TOOLS/cptofs
CPFROMFS=$TOOLS/cpfromfs
LKLFUSE=$TOOLS/lklfuse

for t in "$CPTOFS" "$CPFROMFS" "$LKLFUSE"; do
	[ -x "$t" ] || { echo "bench-disk: $t missing; run make tools" >&2; exit 1; }
done
command -v mkfs.ext4 >/dev/null || { echo "bench-disk: mkfs.ext4 missing" >&2; exit 1; }

DIR=$(mktemp -d "${TMPDIR:-/tmp}/bench-disk.XXXXXX")
FUSE_PID=
cleanup() {
	if [ -n "$FUSE_PID" ]; then
		fusermount3 -u "$DIR/mnt" 2>/dev/null || true
		kill "$FUSE_PID" 2>/dev/null || true
		wait "$FUSE_PID" 2>/dev/null || true
	fi
	rm -rf "$DIR"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

SRC=$DIR/src
IMG=$DIR/disk.img
DDIMG=$DIR/dd.img
LOG=$DIR/log

now() { date +%s.%N; }

# drop_caches: drop the host page cache if we can; sets DROPPED.
DROPPED=no
drop_caches() {
	sync
	if [ "$(id -u)" = 0 ] && { echo 3 > /proc/sys/vm/drop_caches; } 2>/dev/null; then
		DROPPED=yes
	else
		DROPPED=no
	fi
}

# run_quiet CMD...: run CMD, its output to $LOG, shown only on failure.
run_quiet() {
	if ! "$@" >"$LOG" 2>&1; then
		echo "bench-disk: failed: $*" >&2
		cat "$LOG" >&2
		exit 1
	fi
}

mkimg() {
	rm -f "$IMG"
	truncate -s 2G "$IMG"
	run_quiet mkfs.ext4 -q -F -E lazy_itable_init=0,lazy_journal_init=0 "$IMG"
}

median() { printf '%s\n' "$@" | sort -g | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
mbps() { awk -v b="$BYTES" -v s="$1" 'BEGIN { printf "%.0f", b / s / 1e6 }'; }

echo "bench-disk: $RUNS runs each, ${SIZE_MB} MiB, in $DIR"
df -h "$DIR" | awk 'NR == 2 { print "file system: " $1 " (" $2 " total, " $4 " free)" }'

t0=$(now)
head -c "$BYTES" /dev/urandom > "$SRC"
sync
echo "source: $(awk -v a="$t0" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }')s to generate"

declare -a T_DD T_TO T_FROM T_FW T_FR
drops=()

for ((i = 1; i <= RUNS; i++)); do
	# (a) dd: the physical limit. A fresh image-sized file each time.
	rm -f "$DDIMG"
	truncate -s 2G "$DDIMG"
	drop_caches
	t0=$(now)
	run_quiet dd if="$SRC" of="$DDIMG" bs=1M count="$SIZE_MB" conv=fdatasync,notrunc
	T_DD+=("$(awk -v a="$t0" -v b="$(now)" 'BEGIN { print b - a }')")
	rm -f "$DDIMG"

	# (b) cptofs into a fresh image, the whole command.
	mkimg
	drop_caches
	t0=$(now)
	run_quiet "$CPTOFS" -i "$IMG" -t ext4 "$SRC" /data
	T_TO+=("$(awk -v a="$t0" -v b="$(now)" 'BEGIN { print b - a }')")

	# (c) cpfromfs back out, then sync.
	rm -f "$DIR/out"
	drop_caches
	drops+=("$DROPPED")
	t0=$(now)
	run_quiet "$CPFROMFS" -i "$IMG" -t ext4 /data "$DIR/out"
	sync
	T_FROM+=("$(awk -v a="$t0" -v b="$(now)" 'BEGIN { print b - a }')")
	cmp -s "$SRC" "$DIR/out" || { echo "bench-disk: cpfromfs copy differs" >&2; exit 1; }
	rm -f "$DIR/out"
	echo "run $i: dd ${T_DD[-1]}s cptofs ${T_TO[-1]}s cpfromfs ${T_FROM[-1]}s"
done

# lklfuse: mount, and wait until the mount is there.
fuse_mount() {
	"$LKLFUSE" -f -o type=ext4 "$IMG" "$DIR/mnt" >"$DIR/fuse.log" 2>&1 &
	FUSE_PID=$!
	local n
	for ((n = 0; n < 200; n++)); do
		if mountpoint -q "$DIR/mnt"; then
			return 0
		fi
		if ! kill -0 "$FUSE_PID" 2>/dev/null; then
			break
		fi
		sleep 0.05
	done
	echo "bench-disk: lklfuse did not mount" >&2
	cat "$DIR/fuse.log" >&2
	exit 1
}

fuse_umount() {
	fusermount3 -u "$DIR/mnt"
	if ! wait "$FUSE_PID"; then
		echo "bench-disk: lklfuse failed" >&2
		cat "$DIR/fuse.log" >&2
		exit 1
	fi
	FUSE_PID=
}

FUSE_SKIP=
if [ ! -c /dev/fuse ]; then
	FUSE_SKIP="no /dev/fuse"
elif ! command -v fusermount3 >/dev/null; then
	FUSE_SKIP="no fusermount3"
elif ! command -v mountpoint >/dev/null; then
	FUSE_SKIP="no mountpoint(1)"
fi

if [ -z "$FUSE_SKIP" ]; then
	mkdir -p "$DIR/mnt"
	for ((i = 1; i <= RUNS; i++)); do
		mkimg
		fuse_mount
		drop_caches
		t0=$(now)
		cp "$SRC" "$DIR/mnt/data"
		sync
		fuse_umount
		T_FW+=("$(awk -v a="$t0" -v b="$(now)" 'BEGIN { print b - a }')")

		drop_caches
		drops+=("$DROPPED")
		fuse_mount
		rm -f "$DIR/out"
		t0=$(now)
		cp "$DIR/mnt/data" "$DIR/out"
		sync
		T_FR+=("$(awk -v a="$t0" -v b="$(now)" 'BEGIN { print b - a }')")
		fuse_umount
		cmp -s "$SRC" "$DIR/out" || { echo "bench-disk: lklfuse copy differs" >&2; exit 1; }
		rm -f "$DIR/out"
		echo "run $i: lklfuse write ${T_FW[-1]}s read ${T_FR[-1]}s"
	done
fi

case " ${drops[*]} " in
*" no "*)
	case " ${drops[*]} " in
	*" yes "*) dropnote="only in some runs" ;;
	*) dropnote="no ($( [ "$(id -u)" = 0 ] && echo "not permitted" || echo "not root"))" ;;
	esac ;;
*) dropnote="yes" ;;
esac

dd_s=$(median "${T_DD[@]}")
dd_mbps=$(mbps "$dd_s")

row() {
	local name=$1 s=$2
	awk -v n="$name" -v s="$s" -v b="$BYTES" -v d="$dd_s" \
		'BEGIN { printf "%-16s %8.2f s %8.0f MB/s %7.2fx dd\n", n, s, b / s / 1e6, d / s }'
}

echo
echo "page cache dropped between write and read: $dropnote"
echo "medians of $RUNS runs, ${SIZE_MB} MiB, MB/s = 10^6 bytes/s"
row "dd (limit)" "$dd_s"
row "cptofs" "$(median "${T_TO[@]}")"
row "cpfromfs" "$(median "${T_FROM[@]}")"
if [ -z "$FUSE_SKIP" ]; then
	row "lklfuse write" "$(median "${T_FW[@]}")"
	row "lklfuse read" "$(median "${T_FR[@]}")"
else
	echo "lklfuse          skipped: $FUSE_SKIP"
fi
to_ratio=$(awk -v d="$dd_s" -v s="$(median "${T_TO[@]}")" 'BEGIN { printf "%.2f", d / s }')
if awk -v r="$to_ratio" 'BEGIN { exit !(r >= 0.5) }'; then
	echo "target: cptofs >= 0.5x dd ($dd_mbps MB/s): met (${to_ratio}x)"
else
	echo "target: cptofs >= 0.5x dd ($dd_mbps MB/s): NOT met (${to_ratio}x)"
fi
