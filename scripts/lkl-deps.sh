#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Check (and as root, install) what LKL needs from Debian.
#   lkl-deps.sh build   what the build needs
#   lkl-deps.sh test    what the test suites need on top
#   lkl-deps.sh bench   what make bench needs on top of that
#   lkl-deps.sh docs    what make htmldocs needs on top of the build's
#   lkl-deps.sh deb     what make deb needs on top of the build
#   lkl-deps.sh fuzz    what make fuzz needs on top of the tests'
set -e

# curl and iproute2 are for "make run", whose demo runs them under the hijack.
build_pkgs="gcc make bc bison flex libelf-dev libssl-dev python3 perl xz-utils
	rsync ccache patch libarchive-dev libfuse3-dev libvdeplug-dev libjson-c-dev
	curl iproute2"
# The programs tests/hijack runs under the hijack and as native peers; jq,
# with which tests/bench/parse-test.sh has bench-all.sh write results.json;
# pkg-config, with which tests/boot/promises.c builds against an install;
# python3-docutils (rst2man) and man-db, with which tests/package checks
# the man pages; git and the archive keyring (apt-get source of the
# pristine tarball) for tests/series; qemu-system-x86, the peer of the udp
# backend's tests (net/udp.c); genisoimage for the iso9660 seed of the
# fuzz suite; dpkg-dev, whose dpkg-source unpacks the libarchive source
# that fs2tar.exe of make HOST=nt is built against.
test_pkgs="valgrind iproute2 procps e2fsprogs btrfs-progs xfsprogs dosfstools
	genisoimage
	fdisk fuse3 vde2 curl iputils-ping ethtool nginx-light wrk iperf3 socat
	openssl util-linux jq pkg-config python3-docutils man-db git
	debian-archive-keyring qemu-system-x86 gcc-mingw-w64-x86-64 wine
	wine64 dpkg-dev"
# make bench: jq (above) reads iperf3's JSON, gnuplot draws the plots,
# sockperf times TCP request/response in the message-size sweep.
bench_pkgs="gnuplot-nox sockperf"
# make htmldocs and the docs test suite: Sphinx and PyYAML, which the
# kernel's Documentation/conf.py needs, and graphviz, whose dot
# scripts/sphinx-pre-install recommends (without it every build warns).
docs_pkgs="python3-sphinx python3-yaml graphviz"
# make deb: dpkg-buildpackage and debhelper build the packages from
# linux-source-6.12 (a build dependency even with LINUX_SRC), rst2man
# makes the man pages, lintian checks the result.
deb_pkgs="dpkg-dev debhelper lintian python3-docutils pkg-config linux-source-6.12"
# make fuzz: clang and libFuzzer for the harnesses and the kernel.
fuzz_pkgs="clang-14 llvm-14 libfuzzer-14-dev libclang-rt-14-dev"

want=$build_pkgs
[ "$1" = test ] && want="$build_pkgs $test_pkgs $docs_pkgs"
[ "$1" = bench ] && want="$build_pkgs $test_pkgs $docs_pkgs $bench_pkgs"
[ "$1" = docs ] && want="$build_pkgs $docs_pkgs"
[ "$1" = deb ] && want="$build_pkgs $deb_pkgs"
[ "$1" = fuzz ] && want="$build_pkgs $test_pkgs $fuzz_pkgs"
[ -z "$LINUX_SRC" ] && [ "$1" = build ] && [ ! -e /usr/src/linux-source-6.12.tar.xz ] &&
	want="$want linux-source-6.12"

missing=
for p in $want; do
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q "ok installed" ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" != 0 ]; then
	echo "LKL needs these Debian packages:$missing" >&2
	echo "Install them with:  sudo apt-get install -y$missing" >&2
	exit 1
fi
echo "  APT    $missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null
