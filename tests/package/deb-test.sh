#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# deb-test.sh TOOLS_DIR
# make deb: the packages build (scripts/lkl-deb.sh, from a copy of the
# tree with ccache's kernel objects), lintian finds no error, each package
# holds what it should (liblkl0 the shared library only), and a program
# builds with pkg-config against liblkl-dev and runs on liblkl0, both
# unpacked into a temporary root. KTAP on stdout.
#
# It takes many minutes (the package build compiles the kernel again,
# from ccache), so it runs only with "make test LKL_TEST_DEB=1", and
# needs a LKL_TEST_TIMEOUT above the default 600 s.
set -u
top=$(cd "$(dirname "$(readlink -f "$0")")/../.." && pwd)
# shellcheck source=tests/lib/ktap.sh
. "$top/tests/lib/ktap.sh"
out=$top/build/deb

echo "KTAP version 1"
for c in dpkg-buildpackage dh lintian; do
	if ! command -v "$c" > /dev/null; then
		echo "1..0 # SKIP $c is not installed (make deb installs it as root)"
		exit 4
	fi
done
echo "1..6"

ma=$(dpkg-architecture -qDEB_HOST_MULTIARCH)
lib=/usr/lib/$ma
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# A package build of its own, not a part of the make that runs the tests.
unset MAKEFLAGS MFLAGS MAKELEVEL
start=$(date +%s)
"$top/scripts/lkl-deb.sh" "$top" > "$tmp/deb.log" 2>&1
rc=$?
grep -E '^  (DEB|LINTIAN) ' "$tmp/deb.log" | sed 's/^ */# /'
echo "# make deb took $(($(date +%s) - start)) s"
if [ ! -f "$out/lintian.txt" ]; then
	tail -n 20 "$tmp/deb.log" | sed 's/^/# /'
	ktap_result 1 deb_build
	for t in lintian liblkl0 liblkl_dev lkl_tools pkg_config; do
		echo "# no packages"
		ktap_result 1 "$t"
	done
	exit 1
fi
ktap_result 0 deb_build
grep -E '^[EW]: ' "$out/lintian.txt" | sed 's/^/# /'
ktap_result "$rc" lintian

# contents PACKAGE: its files and links, without the directories.
contents() {
	dpkg-deb -c "$out/$1"_*.deb | awk '$1 !~ /^d/ { print $6 }' | sed 's|^\./|/|'
}

# expect PACKAGE PATH...: each PATH is in PACKAGE.
expect() {
	local pkg=$1 p rc=0

	shift
	contents "$pkg" > "$tmp/$pkg.list"
	for p in "$@"; do
		if ! grep -qx -- "$p" "$tmp/$pkg.list"; then
			echo "# $pkg lacks $p"
			rc=1
		fi
	done
	return $rc
}

# liblkl0: the library and its documentation, nothing else (policy 8.2).
rc=0
expect liblkl0 "$lib/liblkl.so.0" || rc=1
others=$(grep -v -e "^$lib/liblkl\.so\.0\$" -e '^/usr/share/doc/liblkl0/' \
	"$tmp/liblkl0.list")
[ -n "$others" ] && echo "# liblkl0 ships more: $others" && rc=1
ktap_result "$rc" liblkl0

expect liblkl-dev /usr/include/lkl.h /usr/include/lkl_host.h \
	/usr/include/lkl/linux/version.h "$lib/liblkl.a" "$lib/liblkl.so" \
	"$lib/pkgconfig/lkl.pc"
ktap_result $? liblkl_dev

man=
for p in cptofs cpfromfs fs2tar lklfuse lkl-net-test lkl-hijack.sh; do
	man="$man /usr/bin/$p /usr/share/man/man1/$p.1.gz"
done
# shellcheck disable=SC2086
expect lkl-tools $man /usr/lib/lkl/liblkl-hijack.so
ktap_result $? lkl_tools

# The -dev and library packages, unpacked: pkg-config alone builds a
# program that boots LKL from the packaged liblkl.so.0.
root=$tmp/root
dpkg-deb -x "$(ls "$out"/liblkl0_*.deb)" "$root"
dpkg-deb -x "$(ls "$out"/liblkl-dev_*.deb)" "$root"
cat > "$tmp/app.c" <<'EOC'
#include <stdio.h>
#include <lkl.h>
#include <lkl_host.h>

int main(void)
{
	struct lkl_new_utsname u;
	long ret = lkl_start_kernel(&lkl_host_ops, "mem=16M loglevel=0");

	if (ret < 0 || lkl_sys_uname(&u) < 0)
		return 1;
	printf("%s %s\n", u.sysname, u.release);
	lkl_sys_halt();
	return 0;
}
EOC
rc=0
flags=$(PKG_CONFIG_SYSROOT_DIR=$root PKG_CONFIG_LIBDIR=$root$lib/pkgconfig \
	PKG_CONFIG_ALLOW_SYSTEM_CFLAGS=1 PKG_CONFIG_ALLOW_SYSTEM_LIBS=1 \
	pkg-config --cflags --libs lkl) || rc=1
# shellcheck disable=SC2086
[ "$rc" = 0 ] && { cc "$tmp/app.c" -o "$tmp/app" $flags || rc=1; }
if [ "$rc" = 0 ]; then
	uname=$(LD_LIBRARY_PATH=$root$lib "$tmp/app") || rc=1
	echo "# $uname"
	case $uname in "Linux 6.12"*) ;; *) rc=1 ;; esac
fi
ktap_result "$rc" pkg_config

[ "$ktap_failed" = 0 ]
