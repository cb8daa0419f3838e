#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# lkl-nt-libarchive.sh DIR
# Fetch Debian's source package of libarchive, the one bookworm's
# libarchive-dev is built from, with its Debian patches applied, into
# DIR/libarchive-VERSION (once: a later run finds it there) and print
# that directory. fs2tar.exe is built against it (tools/lkl/Makefile.nt),
# as Debian has no libarchive for mingw-w64.
#
# The fetch is "apt-get source" from a deb-src list of its own in DIR/apt,
# with its own index and cache there: the system's apt configuration and
# lists are neither read nor changed, so no deb-src line is added to
# /etc/apt and root is not needed. Needs apt, dpkg-dev (dpkg-source
# unpacks and patches the source) and debian-archive-keyring.
# LKL_LIBARCHIVE_SRC= names an unpacked libarchive source tree instead
# (offline builds).

set -eu
dir=$(realpath -m "${1:?usage: lkl-nt-libarchive.sh DIR}")

if [ -n "${LKL_LIBARCHIVE_SRC:-}" ]; then
	if [ ! -f "$LKL_LIBARCHIVE_SRC/libarchive/archive_write.c" ]; then
		echo "lkl-nt-libarchive.sh: LKL_LIBARCHIVE_SRC=$LKL_LIBARCHIVE_SRC:" \
		     "not a libarchive source tree" >&2
		exit 1
	fi
	realpath "$LKL_LIBARCHIVE_SRC"
	exit 0
fi

found() {
	local d

	for d in "$dir"/libarchive-[0-9]*/; do
		if [ -f "$d/libarchive/archive_write.c" ] &&
		   [ -f "$d/.lkl-unpacked" ]; then
			realpath "$d"
			return 0
		fi
	done
	return 1
}
found && exit 0

for tool in apt-get dpkg-source; do
	if ! command -v "$tool" >/dev/null; then
		echo "lkl-nt-libarchive.sh: $tool is missing:" \
		     "apt-get install dpkg-dev (scripts/lkl-deps.sh test)" >&2
		exit 1
	fi
done
keyring=/usr/share/keyrings/debian-archive-keyring.gpg
if [ ! -f "$keyring" ]; then
	echo "lkl-nt-libarchive.sh: $keyring is missing:" \
	     "apt-get install debian-archive-keyring" >&2
	exit 1
fi

apt=$dir/apt
mkdir -p "$apt/lists/partial" "$apt/cache/archives/partial"
# Security updates of libarchive reach bookworm-security first.
cat >"$apt/src.sources" <<EOF
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: $keyring

Types: deb-src
URIs: http://deb.debian.org/debian-security
Suites: bookworm-security
Components: main
Signed-By: $keyring
EOF
opts=(-o "Dir::Etc::sourcelist=$apt/none" -o "Dir::Etc::sourceparts=$apt"
      -o "Dir::State::Lists=$apt/lists" -o "Dir::Cache=$apt/cache"
      -o Debug::NoLocking=1 -o APT::Sandbox::User="$(id -un)")

echo "  FETCH   deb-src index for libarchive" >&2
if ! apt-get "${opts[@]}" -qq update >&2; then
	echo "lkl-nt-libarchive.sh: apt-get update of the deb-src index" \
	     "failed (no network?): set LKL_LIBARCHIVE_SRC= to an unpacked" \
	     "libarchive source" >&2
	exit 1
fi
echo "  FETCH   libarchive source package" >&2
rm -rf "$dir"/libarchive-[0-9]*/
if ! (cd "$dir" && apt-get "${opts[@]}" -qq source libarchive) \
	>"$apt/source.log" 2>&1; then
	tail -n 20 "$apt/source.log" >&2
	echo "lkl-nt-libarchive.sh: apt-get source libarchive failed" >&2
	exit 1
fi
for d in "$dir"/libarchive-[0-9]*/; do
	: >"$d/.lkl-unpacked"
done
found || {
	echo "lkl-nt-libarchive.sh: no libarchive source in $dir" >&2
	exit 1
}
