#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# shellcheck disable=SC2317 # functions run through variables and traps
#
# LKL_TOOLS=DIR crash-test.sh [KILLS]
# Crash consistency of the tools that write images: for ext4, xfs and
# btrfs images made by the host's mkfs, KILLS times per file system (1 by
# default; "make crash" runs 20):
#
# - cptofs copies a large tree with --sync-log and is killed with SIGKILL
#   at a random moment;
# - lklfuse is killed with SIGKILL at a random moment while a writer
#   copies the tree into its mount, fsyncing each file (and each new
#   directory's parent) and logging the files it synced.
#
# After each kill the image is mounted read-write once through cptofs,
# which replays the journal, and the host's fsck checks it without
# changing it (e2fsck -fn, xfs_repair -n, btrfs check): it must be clean,
# and every file in the log must be in the image with the source's
# content. Once per file system, lklfuse also gets SIGTERM after the tree
# was copied without any fsync: it must unmount in order and exit 0,
# leaving an image that is clean without a replay and holds the whole
# tree. KTAP on stdout, one result per file system and tool, and a
# "# crash: ..." line with the counts; exit 0 only if nothing failed.
# LKL_CRASH_FS="ext4 ..." picks the file systems.
set -u
tools=${LKL_TOOLS:?usage: LKL_TOOLS=DIR crash-test.sh [KILLS]}
kills=${1:-1}
top=$(cd "$(dirname "$(readlink -f "$0")")/../.." && pwd)
# shellcheck source=tests/lib/ktap.sh
. "$top/tests/lib/ktap.sh"
cptofs=$tools/cptofs
cpfromfs=$tools/cpfromfs
lklfuse=$tools/lklfuse
fstypes=${LKL_CRASH_FS:-ext4 xfs btrfs}

echo "KTAP version 1"
case $kills in
'' | *[!0-9]*)
	echo "1..0 # SKIP bad number of kills: $kills"
	exit 1
	;;
esac
for p in mkfs.ext4 e2fsck mkfs.xfs xfs_repair mkfs.btrfs btrfs python3 \
	fusermount3; do
	if ! command -v "$p" >/dev/null; then
		echo "1..0 # SKIP $p is not installed"
		exit 4
	fi
done
if [ ! -x "$cptofs" ] || [ ! -x "$cpfromfs" ] || [ ! -x "$lklfuse" ]; then
	echo "1..0 # SKIP cptofs, cpfromfs or lklfuse is not built in $tools"
	exit 4
fi
if [ ! -c /dev/fuse ]; then
	echo "1..0 # SKIP no /dev/fuse"
	exit 4
fi

tmp=$(mktemp -d /tmp/lkl-crash.XXXXXX)
fuse_pid="" writer_pid=""
cleanup() {
	[ -z "$writer_pid" ] || kill -9 "$writer_pid" 2>/dev/null
	[ -z "$fuse_pid" ] || kill -9 "$fuse_pid" 2>/dev/null
	fusermount3 -uz "$tmp/mnt" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

# The tree: 20 directories of 10 files from 1 to 96 KiB of random data
# (about 10 MiB), the same for every run.
nfiles=200
python3 - "$tmp/src" <<'EOF'
import os, random, sys
rng = random.Random(19)
for d in range(20):
    dpath = os.path.join(sys.argv[1], "d%02d" % d)
    os.makedirs(dpath)
    for f in range(10):
        with open(os.path.join(dpath, "f%02d" % f), "wb") as out:
            out.write(rng.randbytes(rng.randint(1, 96) * 1024))
EOF

# The writer through a lklfuse mount: copy SRC to DST, fsync each file and
# the directory holding it (each new directory's parent first), and log
# each file only once that is done.
cat > "$tmp/writer.py" <<'EOF'
import os, shutil, sys
src, dst, log = sys.argv[1:4]
out = open(log, "a")
def sync(path):
    fd = os.open(path, os.O_RDONLY)
    os.fsync(fd)
    os.close(fd)
for root, dirs, files in os.walk(src):
    rel = os.path.relpath(root, src)
    here = os.path.normpath(os.path.join(dst, rel))
    os.makedirs(here, exist_ok=True)
    sync(os.path.dirname(here))
    for name in sorted(files):
        with open(os.path.join(root, name), "rb") as i, \
             open(os.path.join(here, name), "wb") as o:
            shutil.copyfileobj(i, o)
            o.flush()
            os.fsync(o.fileno())
        sync(here)
        out.write("/src/%s\n" % os.path.normpath(os.path.join(rel, name)))
        out.flush()
EOF

mkdir -p "$tmp/mnt" "$tmp/pristine"
make_image() {
	local fs=$1 img=$tmp/pristine/$1.img

	case $fs in
	ext4) truncate -s 128M "$img" && mkfs.ext4 -q -F "$img" ;;
	xfs) truncate -s 320M "$img" && mkfs.xfs -q -f "$img" ;;
	btrfs) truncate -s 256M "$img" && mkfs.btrfs -q -f "$img" >/dev/null ;;
	esac
}

fsck_image() {
	local fs=$1 img=$2

	case $fs in
	ext4) timeout 120 e2fsck -fn "$img" ;;
	xfs) timeout 120 xfs_repair -n -f "$img" ;;
	btrfs) timeout 120 btrfs check "$img" ;;
	esac > "$tmp/fsck.log" 2>&1
}

# Wait until a random number of files (0 to all but one) is in the sync
# log, then a random 0 to 0.3 s more, so that the kill falls in the middle
# of the copy however fast the machine is; or until process $2 ends.
# Prints the number of files waited for.
wait_random_point() {
	local log=$1 pid=$2 want=$((RANDOM % nfiles)) i

	for i in $(seq 3000); do
		[ "$(wc -l < "$log")" -lt "$want" ] || break
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.05
	done
	sleep "0.$((RANDOM % 4))"
	echo "$want"
}

total_kills=0 total_clean=0 total_checked=0 total_lost=0
# After a kill: replay, fsck, then check every logged file. Says what it
# found on "# " lines; 0 when the image is clean and nothing is lost.
check_after_kill() {
	local fs=$1 img=$2 log=$3 what=$4 f lost=0 checked=0

	echo "marker" > "$tmp/marker"
	if ! timeout 120 "$cptofs" -i "$img" -t "$fs" "$tmp/marker" /marker \
		> "$tmp/replay.log" 2>&1; then
		echo "# $fs $what: the read-write mount that replays the journal failed:"
		sed 's/^/#   /' "$tmp/replay.log"
		return 1
	fi
	if ! fsck_image "$fs" "$img"; then
		echo "# $fs $what: fsck finds the image inconsistent:"
		tail -20 "$tmp/fsck.log" | sed 's/^/#   /'
		return 1
	fi
	total_clean=$((total_clean + 1))
	rm -rf "$tmp/out"
	mkdir "$tmp/out"
	if [ -s "$log" ]; then
		# Copy out what is there; a file in the log that is missing
		# shows as lost below.
		timeout 120 "$cpfromfs" -i "$img" -t "$fs" /src "$tmp/out" \
			> "$tmp/out.log" 2>&1
	fi
	while read -r f; do
		checked=$((checked + 1))
		if ! cmp -s "$tmp${f}" "$tmp/out${f}"; then
			echo "# $fs $what: $f was synced but is lost or differs"
			lost=$((lost + 1))
		fi
	done < "$log"
	total_checked=$((total_checked + checked))
	total_lost=$((total_lost + lost))
	[ "$lost" = 0 ]
}

# cptofs --sync-log, killed after a random delay.
kill_cptofs() {
	local fs=$1 img=$tmp/$1.img log=$tmp/sync.log pid point

	cp --sparse=always "$tmp/pristine/$fs.img" "$img"
	: > "$log"
	timeout 300 "$cptofs" -i "$img" -t "$fs" -s "$log" "$tmp/src" / \
		> "$tmp/copy.log" 2>&1 &
	pid=$!
	point=$(wait_random_point "$log" "$pid")
	# cptofs itself, the child of timeout, then timeout.
	kill -9 "$(pgrep -P "$pid")" "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	total_kills=$((total_kills + 1))
	echo "# $fs cptofs: killed after file $point, $(wc -l < "$log") files synced"
	check_after_kill "$fs" "$img" "$log" cptofs
}

mount_fuse() {
	local fs=$1 img=$2 i

	"$lklfuse" -f -o "type=$fs" "$img" "$tmp/mnt" > "$tmp/fuse.log" 2>&1 &
	fuse_pid=$!
	for i in $(seq 300); do
		grep -qs " $tmp/mnt fuse" /proc/mounts && return 0
		kill -0 "$fuse_pid" 2>/dev/null || break
		sleep 0.1
	done
	echo "# $fs lklfuse: no mount:"
	sed 's/^/#   /' "$tmp/fuse.log"
	return 1
}

# lklfuse killed after a random delay, under a writer that syncs.
kill_lklfuse() {
	local fs=$1 img=$tmp/$1.img log=$tmp/sync.log point

	cp --sparse=always "$tmp/pristine/$fs.img" "$img"
	: > "$log"
	mount_fuse "$fs" "$img" || return 1
	timeout 300 python3 "$tmp/writer.py" "$tmp/src" "$tmp/mnt/src" "$log" \
		> "$tmp/writer.log" 2>&1 &
	writer_pid=$!
	point=$(wait_random_point "$log" "$writer_pid")
	kill -9 "$fuse_pid" 2>/dev/null
	wait "$fuse_pid" 2>/dev/null
	fuse_pid=""
	# The writer's next call fails on the dead mount.
	kill -9 "$(pgrep -P "$writer_pid")" "$writer_pid" 2>/dev/null
	wait "$writer_pid" 2>/dev/null
	writer_pid=""
	fusermount3 -uz "$tmp/mnt" 2>/dev/null
	total_kills=$((total_kills + 1))
	echo "# $fs lklfuse: killed after file $point, $(wc -l < "$log") files synced"
	check_after_kill "$fs" "$img" "$log" lklfuse
}

# lklfuse gets SIGTERM once a copy without fsync is done: it unmounts in
# order, the image is clean as it is, and the whole tree is there.
term_lklfuse() {
	local fs=$1 img=$tmp/$1.img status

	cp --sparse=always "$tmp/pristine/$fs.img" "$img"
	mount_fuse "$fs" "$img" || return 1
	if ! timeout 300 cp -r "$tmp/src" "$tmp/mnt/src"; then
		echo "# $fs lklfuse: cp into the mount failed"
		return 1
	fi
	kill -TERM "$fuse_pid"
	timeout 60 tail --pid="$fuse_pid" -f /dev/null
	wait "$fuse_pid"
	status=$?
	fuse_pid=""
	if [ "$status" != 0 ] || grep -qs " $tmp/mnt fuse" /proc/mounts; then
		echo "# $fs lklfuse: exit status $status after SIGTERM, or still mounted"
		sed 's/^/#   /' "$tmp/fuse.log"
		fusermount3 -uz "$tmp/mnt" 2>/dev/null
		return 1
	fi
	if ! fsck_image "$fs" "$img"; then
		echo "# $fs lklfuse: the image is not clean after SIGTERM:"
		tail -20 "$tmp/fsck.log" | sed 's/^/#   /'
		return 1
	fi
	rm -rf "$tmp/out"
	mkdir "$tmp/out"
	timeout 120 "$cpfromfs" -i "$img" -t "$fs" /src "$tmp/out" > "$tmp/out.log" 2>&1
	if ! diff -r "$tmp/src" "$tmp/out/src" > "$tmp/diff.log" 2>&1; then
		echo "# $fs lklfuse: files lost after SIGTERM:"
		head -20 "$tmp/diff.log" | sed 's/^/#   /'
		return 1
	fi
}

# KILLS kills of one tool on one file system; each is checked.
run_kills() {
	local fs=$1 tool=$2 failed=0

	for _ in $(seq "$kills"); do
		"kill_$tool" "$fs" || failed=1
	done
	return $failed
}

start=$(date +%s)
echo "1..$(($(echo "$fstypes" | wc -w) * 3))"
for fs in $fstypes; do
	if ! make_image "$fs" > "$tmp/mkfs.log" 2>&1; then
		sed 's/^/# /' "$tmp/mkfs.log"
		for t in cptofs_sigkill lklfuse_sigkill lklfuse_sigterm; do
			ktap_result 1 "${fs}_$t"
		done
		continue
	fi
	run_kills "$fs" cptofs
	ktap_result $? "${fs}_cptofs_sigkill"
	run_kills "$fs" lklfuse
	ktap_result $? "${fs}_lklfuse_sigkill"
	term_lklfuse "$fs"
	ktap_result $? "${fs}_lklfuse_sigterm"
done
echo "# crash: $total_kills kills, $total_clean fsck clean, $total_checked files checked," \
	"$total_lost files lost, $(($(date +%s) - start)) s"
exit "$ktap_failed"
