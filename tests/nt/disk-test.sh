#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# disk-test.sh: the NT host's disks under wine.
#
# For ext4, btrfs, xfs and vfat images made by the Linux mkfs tools,
# cptofs.exe (built by "make HOST=nt" into build/nt, or LKL_NT_DIR) copies
# a tree into the image, cpfromfs.exe copies it out again, the two trees
# must be the same, and the host's fsck must find the image clean. On
# ext4 and vfat, fs2tar.exe writes the image's tree as a tar, which must
# list the same names, types, modes, sizes and contents as the tar that
# the Linux fs2tar (LKL_TOOLS, or build/tools) writes of the same image.
# Then the bad input: a missing image, an image of random bytes, the
# wrong file system type and a read-only image file to write to must
# each give a clear message and exit status 1, not a crash; for
# fs2tar.exe the same, with an output it cannot create in place of the
# read-only image.
#
# Windows paths are used throughout: Z:\... with backslashes for the
# images and the tree copied in, Z:/... with forward slashes for the
# directory copied out to (wine's Z: drive is the host's /). Wine gets a
# prefix of its own under the NT build directory for this run
# (WINEPREFIX, never in $HOME), with one wineserver kept running, and
# both are removed at the end.
#
# Prints TAP version 13. Exit status: 0 when every check passed, 1 when
# one failed, 4 when nothing could run (no NT build, no wine).

set -u
here=$(dirname "$(readlink -f "$0")")
# shellcheck source=tests/lib/ktap.sh
. "$here/../lib/ktap.sh"
# shellcheck source=tests/lib/wine.sh
. "$here/../lib/wine.sh"
nt=${LKL_NT_DIR:-$here/../../build/nt}
limit=${LKL_NT_TIMEOUT:-120}
fstypes="ext4 btrfs xfs vfat"
tarfs="ext4 vfat"
linux_fs2tar=${LKL_TOOLS:-$here/../../build/tools}/fs2tar

echo "TAP version 13"
wine_find
if [ ! -f "$nt/cptofs.exe" ] || [ ! -f "$nt/cpfromfs.exe" ]; then
	echo "1..0 # SKIP no cptofs.exe in $nt (make HOST=nt)"
	exit 4
fi
nt=$(realpath "$nt")
# Plan: three results per file system, one per fs2tar file system, then
# the four kinds of bad input for cptofs.exe and for fs2tar.exe.
echo "1..$(($(echo "$fstypes" | wc -w) * 3 + $(echo "$tarfs" | wc -w) + 8))"

wine_prefix "$nt/wine.disk.$$"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/nt-disk.XXXXXX")
cleanup() {
	wine_end
	rm -rf "$tmp"
}
trap cleanup EXIT

# The Windows name of a host path, on wine's Z: drive.
winpath() {
	local p

	p=$(realpath -m "$1")
	echo "Z:${p//\//\\}"
}

# run NAME EXE ARGS...: run a tool under wine, its output in
# $tmp/NAME.out and .err, and say how long it took; returns its exit
# status.
run() {
	local name=$1 t0 rc

	shift
	t0=$(date +%s%N)
	(cd "$nt" && timeout "$limit" "$wine" "$@" >"$tmp/$name.out" \
		2>"$tmp/$name.err")
	rc=$?
	echo "# $name: $((($(date +%s%N) - t0) / 1000000)) ms"
	return $rc
}

# Show a failed run's output as diagnostics.
show() {
	sed 's/^/# /' "$tmp/$1.out" "$tmp/$1.err" | tail -n 20
}

# The tree: files with random contents, a subdirectory, an empty file
# and a file of a few MB.
src=$tmp/tree
mkdir -p "$src/sub/deeper"
head -c 3000 /dev/urandom >"$src/small"
head -c 70000 /dev/urandom >"$src/sub/medium"
head -c $((3 * 1024 * 1024 + 123)) /dev/urandom >"$src/sub/deeper/large"
echo "hello from the host" >"$src/hello.txt"
: >"$src/empty"
: >"$src/sub/empty-too"
sums() {
	(cd "$1" && find . -type f -print0 | sort -z | xargs -0 sha256sum;
	 find . -type d | sort)
}
sums "$src" >"$tmp/tree.sums"

# The first start creates the prefix: tens of seconds. One wineserver
# then serves every run.
start=$(date +%s%N)
timeout 120 "$wine" cmd /c exit >/dev/null 2>&1
timeout 10 wineserver -p >/dev/null 2>&1
echo "# wine prefix ready after $((($(date +%s%N) - start) / 1000000)) ms"

mkimg() {
	rm -f "$2"
	case $1 in
	ext4)	truncate -s 64M "$2" && mkfs.ext4 -q -F "$2" ;;
	btrfs)	truncate -s 128M "$2" && mkfs.btrfs -q "$2" ;;
	xfs)	truncate -s 300M "$2" && mkfs.xfs -q "$2" ;;
	vfat)	truncate -s 64M "$2" && mkfs.vfat "$2" ;;
	esac >/dev/null 2>&1
}

fsck_clean() {
	case $1 in
	ext4)	timeout 60 e2fsck -fn "$2" ;;
	btrfs)	timeout 60 btrfs check --readonly "$2" ;;
	xfs)	timeout 60 xfs_repair -n "$2" ;;
	vfat)	timeout 60 fsck.vfat -n "$2" ;;
	esac >"$tmp/fsck.out" 2>&1
}

# What a tar holds, one line per member: name, type, mode, size, link
# target and the SHA-256 of the data.
tar_list() {
	python3 - "$1" <<'EOF'
import hashlib, sys, tarfile
with tarfile.open(sys.argv[1]) as t:
    for m in t.getmembers():
        f = t.extractfile(m) if m.isfile() else None
        h = hashlib.sha256(f.read()).hexdigest() if f else '-'
        print(m.name, m.type.decode(), oct(m.mode), m.size,
              m.linkname or '-', h)
EOF
}

# fs2tar_same FS IMAGE: fs2tar.exe's tar of IMAGE against the Linux
# fs2tar's.
fs2tar_same() {
	local fs=$1 img=$2 rc t0 name=${1}_fs2tar_as_linux

	if [ ! -f "$nt/fs2tar.exe" ]; then
		ktap_skip "$name" "no fs2tar.exe in $nt (libarchive source not fetched)"
		return
	fi
	if [ ! -x "$linux_fs2tar" ]; then
		ktap_skip "$name" "no Linux fs2tar at $linux_fs2tar"
		return
	fi
	run "$fs-tar" fs2tar.exe -i "$(winpath "$img")" -t "$fs" \
		"$(winpath "$tmp/$fs-nt.tar")"
	rc=$?
	[ "$rc" = 0 ] || show "$fs-tar"
	t0=$(date +%s%N)
	if [ "$rc" = 0 ] && ! timeout "$limit" "$linux_fs2tar" -i "$img" \
		-t "$fs" "$tmp/$fs-linux.tar" 2>"$tmp/$fs-linux.err"; then
		sed 's/^/# /' "$tmp/$fs-linux.err"
		rc=1
	fi
	echo "# $fs-tar (Linux fs2tar): $((($(date +%s%N) - t0) / 1000000)) ms"
	if [ "$rc" = 0 ]; then
		tar_list "$tmp/$fs-nt.tar" >"$tmp/$fs-nt.list" &&
		tar_list "$tmp/$fs-linux.tar" >"$tmp/$fs-linux.list" || rc=1
	fi
	if [ "$rc" = 0 ] && ! grep -q "^\./tree/sub/deeper/large 0 " \
		"$tmp/$fs-nt.list"; then
		echo "# the tar lacks tree/sub/deeper/large"
		rc=1
	fi
	if [ "$rc" = 0 ] && ! diff -u "$tmp/$fs-linux.list" \
		"$tmp/$fs-nt.list" >"$tmp/diff"; then
		sed 's/^/# /' "$tmp/diff" | head -n 20
		rc=1
	fi
	if [ "$rc" = 0 ]; then
		echo "# $(wc -l <"$tmp/$fs-nt.list") members;" \
		     "$(cmp -s "$tmp/$fs-nt.tar" "$tmp/$fs-linux.tar" &&
			echo "byte-identical" || echo "bytes differ")"
	fi
	rm -f "$tmp/$fs-nt.tar" "$tmp/$fs-linux.tar"
	ktap_result "$rc" "$name"
}

for fs in $fstypes; do
	img=$tmp/$fs.img
	out=$tmp/out-$fs
	if ! command -v "mkfs.$fs" >/dev/null || ! mkimg "$fs" "$img"; then
		for t in copy_in copy_out fsck; do
			ktap_skip "${fs}_$t" "mkfs.$fs failed or missing"
		done
		continue
	fi
	mkdir -p "$out"

	run "$fs-in" cptofs.exe -i "$(winpath "$img")" -t "$fs" \
		"$(winpath "$src")" /
	rc=$?
	[ "$rc" = 0 ] || show "$fs-in"
	ktap_result "$rc" "${fs}_copy_in"

	run "$fs-out" cpfromfs.exe -i "$(winpath "$img")" -t "$fs" /tree \
		"Z:$out"
	rc=$?
	[ "$rc" = 0 ] || show "$fs-out"
	sums "$out/tree" >"$tmp/$fs.sums" 2>/dev/null
	if [ "$rc" = 0 ] && ! diff -u "$tmp/tree.sums" "$tmp/$fs.sums" \
		>"$tmp/diff"; then
		sed 's/^/# /' "$tmp/diff" | head -n 20
		rc=1
	fi
	ktap_result "$rc" "${fs}_copy_out_identical"

	case " $tarfs " in *" $fs "*) fs2tar_same "$fs" "$img" ;; esac

	fsck_clean "$fs" "$img"
	rc=$?
	[ "$rc" = 0 ] || sed 's/^/# /' "$tmp/fsck.out" | tail -n 20
	ktap_result "$rc" "${fs}_fsck_clean"
	rm -rf "$img" "$out"
done

# bad NAME PATTERN EXE ARGS...: the tool exits 1, with no crash, and
# says PATTERN on standard error.
bad() {
	local name=$1 pattern=$2 rc

	shift 2
	run "$name" "$@"
	rc=$?
	if [ "$rc" = 1 ] && grep -q -- "$pattern" "$tmp/$name.err"; then
		sed 's/^/# /' "$tmp/$name.err" | head -n 3
		ktap_result 0 "$name"
		return
	fi
	echo "# exit status $rc, expected 1 and \"$pattern\""
	show "$name"
	ktap_result 1 "$name"
}

bad bad_missing_image "nope.img: cannot open for writing: No such file" \
	cptofs.exe -i "$(winpath "$tmp/nope.img")" -t ext4 "$(winpath "$src")" /

head -c $((16 * 1024 * 1024)) /dev/urandom >"$tmp/random.img"
bad bad_random_image "random.img: cannot mount as ext4" \
	cpfromfs.exe -i "$(winpath "$tmp/random.img")" -t ext4 / "Z:$tmp"

mkimg ext4 "$tmp/wrong.img"
bad bad_wrong_fstype "wrong.img: cannot mount as xfs" \
	cptofs.exe -i "$(winpath "$tmp/wrong.img")" -t xfs "$(winpath "$src")" /

mkimg ext4 "$tmp/ro.img"
chmod 0444 "$tmp/ro.img"
sum=$(sha256sum <"$tmp/ro.img")
bad bad_read_only_image "ro.img: cannot open for writing: Permission denied" \
	cptofs.exe -i "$(winpath "$tmp/ro.img")" -t ext4 "$(winpath "$src")" /
if [ "$sum" != "$(sha256sum <"$tmp/ro.img")" ]; then
	echo "# the read-only image changed"
	ktap_failed=1
fi

# fs2tar.exe: the same bad input, and an output it cannot create. (Wine
# run as root truncates a read-only file, which Windows refuses, so a
# missing directory stands for the unwritable output.)
if [ -f "$nt/fs2tar.exe" ]; then
	bad fs2tar_bad_missing_image "nope.img: cannot open: No such file" \
		fs2tar.exe -i "$(winpath "$tmp/nope.img")" -t ext4 \
		"$(winpath "$tmp/x.tar")"
	bad fs2tar_bad_random_image "random.img: cannot mount as ext4" \
		fs2tar.exe -i "$(winpath "$tmp/random.img")" -t ext4 \
		"$(winpath "$tmp/x.tar")"
	bad fs2tar_bad_wrong_fstype "wrong.img: cannot mount as xfs" \
		fs2tar.exe -i "$(winpath "$tmp/wrong.img")" -t xfs \
		"$(winpath "$tmp/x.tar")"
	bad fs2tar_bad_output "x.tar: Failed to open .*: No such file" \
		fs2tar.exe -i "$(winpath "$tmp/wrong.img")" -t ext4 \
		"$(winpath "$tmp/nodir/x.tar")"
	if [ -e "$tmp/x.tar" ]; then
		echo "# a failed fs2tar.exe left $tmp/x.tar behind"
		ktap_failed=1
	fi
else
	for t in missing_image random_image wrong_fstype output; do
		ktap_skip "fs2tar_bad_$t" "no fs2tar.exe in $nt"
	done
fi

echo "# $((($(date +%s%N) - start) / 1000000)) ms in all"
[ "$ktap_failed" = 0 ]
