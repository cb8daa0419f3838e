#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# lkl-source.sh DEST LINUX_SRC TARBALL
# Put a pristine Linux 6.12.y tree at DEST: a copy of LINUX_SRC if given,
# otherwise the Debian linux-source-6.12 tarball unpacked.
set -e
dest=$1 src=$2 tarball=$3

rm -rf "$dest" "$dest.tmp"
mkdir -p "$dest.tmp"
if [ -n "$src" ]; then
	[ -f "$src/Makefile" ] || { echo "LINUX_SRC=$src: not a kernel tree" >&2; exit 1; }
	echo "  COPY    $src"
	(cd "$src" && tar cf - --exclude=.git .) | (cd "$dest.tmp" && tar xf -)
else
	[ -f "$tarball" ] || { echo "$tarball is missing: apt-get install linux-source-6.12" >&2; exit 1; }
	echo "  UNPACK  $tarball"
	tar xf "$tarball" -C "$dest.tmp" --strip-components=1
fi

version=$(make -s --no-print-directory -C "$dest.tmp" kernelversion 2>/dev/null)
case "$version" in
6.12|6.12.*) ;;
*) echo "need a Linux 6.12.y tree, found '$version'" >&2; rm -rf "$dest.tmp"; exit 1 ;;
esac
mv "$dest.tmp" "$dest"
echo "$version" > "$dest/.lkl-version"
echo "  LINUX   $version"
