#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# lkl-deb.sh TOP
# Build the Debian packages (liblkl0, liblkl-dev, lkl-tools) with
# dpkg-buildpackage, then check them with lintian. Everything lands in
# TOP/build/deb/: dpkg-buildpackage writes its results next to the source
# tree, so the tree is copied to build/deb/lkl-VERSION/ and built there.
# The kernel build inside reuses ccache's objects (CCACHE_DIR, by default
# TOP/build/ccache), since the copy's own build/ starts empty.
#
# Writes build/deb/lintian.txt; exits non-zero if the build fails or
# lintian reports an error.
set -e
top=$(cd "${1:?usage: lkl-deb.sh TOP}" && pwd)
out=$top/build/deb

# As root, installs what is missing; otherwise names it and stops.
"$top/scripts/lkl-deps.sh" deb

version=$(cd "$top" && dpkg-parsechangelog -S Version)
src=$out/lkl-$version
rm -rf "$out"
mkdir -p "$src"
echo "  COPY    $src"
rsync -a --exclude=/build/ --exclude=.git "$top/" "$src/"

export CCACHE_DIR="${CCACHE_DIR:-$top/build/ccache}"
echo "  DEB     dpkg-buildpackage (CCACHE_DIR=$CCACHE_DIR)"
start=$(date +%s)
# -us -uc: the packages are for local use, not signed for an upload.
(cd "$src" && dpkg-buildpackage -us -uc) > "$out/build.log" 2>&1 || {
	tail -n 40 "$out/build.log" >&2
	echo "make deb: dpkg-buildpackage failed; the whole log is $out/build.log" >&2
	exit 1
}
echo "  DEB     built in $(($(date +%s) - start)) s"
for f in "$out"/*.deb; do
	echo "  DEB     ${f##*/}"
done
start=$(date +%s)

changes=$(ls "$out"/lkl_"$version"_*.changes)
echo "  LINTIAN ${changes##*/}"
# --info explains each tag; the lintian exit status says nothing about
# its severity, so errors are counted from the output.
lintian --info --display-level '>=info' "$changes" > "$out/lintian.txt" 2>&1 || true
cat "$out/lintian.txt"
errors=$(grep -c '^E: ' "$out/lintian.txt" || true)
warnings=$(grep -c '^W: ' "$out/lintian.txt" || true)
echo "  LINTIAN $errors errors, $warnings warnings ($(($(date +%s) - start)) s)"
[ "$errors" = 0 ]
