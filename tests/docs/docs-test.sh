#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# docs-test.sh: LKL's documentation builds without a warning.
#
#  1. scripts/kernel-doc -none -Wall reports nothing on the public headers
#     (lkl.h, lkl_host.h and the host interface, asm/host_ops.h);
#  2. every function those headers declare for linking (not static
#     inline) has a kernel-doc comment, so every function the library
#     exports is documented (boot/promises checks that the exports and
#     the declarations match);
#  3. "make htmldocs SPHINXDIRS=virt/lkl" in the overlaid tree,
#     through scripts/lkl-htmldocs.sh: no warning at all, and every
#     kernel-doc item of the headers on a page. Only LKL's pages are
#     built, which takes about half a minute; make htmldocs builds all of
#     Documentation/virt.
#
# It uses the tree that make source lays out, build/linux next to the
# source tree, and skips when there is none, or when Sphinx is missing.
# Prints TAP version 13, one result line per check. Exit status: 0 when
# every check passed, 1 when one failed, 4 when all were skipped.

set -u
top=$(readlink -f "$(dirname "$(readlink -f "$0")")/../..")
# shellcheck source=tests/lib/ktap.sh
. "$top/tests/lib/ktap.sh"
ksrc=$top/build/linux
headers="arch/lkl/include/uapi/asm/host_ops.h tools/lkl/include/lkl.h
	 tools/lkl/include/lkl_host.h"

echo "TAP version 13"
echo "1..3"


skip_all() {
	echo "ok 1 kernel_doc_clean # SKIP $1"
	echo "ok 2 exports_documented # SKIP $1"
	echo "ok 3 htmldocs_lkl # SKIP $1"
	exit 4
}

if [ "$(readlink -f "$ksrc/Documentation/virt/lkl" 2>/dev/null)" != \
     "$top/Documentation/virt/lkl" ]; then
	skip_all "no kernel tree with this overlay in $ksrc (make source)"
fi
command -v sphinx-build >/dev/null ||
	skip_all "sphinx-build missing (scripts/lkl-deps.sh docs)"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/docs-test.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
cd "$top" || exit 1

# 1. kernel-doc's own checks.
# shellcheck disable=SC2086
perl "$ksrc/scripts/kernel-doc" -none -Wall $headers > "$tmp/kdoc" 2>&1
if [ -s "$tmp/kdoc" ]; then
	sed 's/^/# /' "$tmp/kdoc"
	ktap_result 1 kernel_doc_clean
else
	ktap_result 0 kernel_doc_clean
fi

# 2. The functions declared for linking: a line that starts with a type
# at column 0 and names lkl_NAME( (the headers declare one function per
# statement, the type on the same line), less the static inline ones.
# The documented ones are those kernel-doc writes a c:function for.
# shellcheck disable=SC2086
grep -h -E '^[a-z].*[ *]lkl_[a-z0-9_]+\(' $headers | grep -v '^static ' |
	grep -v '^#' | sed -E 's/^.*[ *](lkl_[a-z0-9_]+)\(.*/\1/' |
	sort -u > "$tmp/declared"
# shellcheck disable=SC2086
perl "$ksrc/scripts/kernel-doc" -rst $headers 2>/dev/null |
	sed -n -E 's/^\.\. c:function:: (.*)/\1/p' | sed -E 's/ *\(.*//; s/.*[ *]//' |
	sort -u > "$tmp/documented"
comm -23 "$tmp/declared" "$tmp/documented" > "$tmp/undocumented"
if [ ! -s "$tmp/declared" ]; then
	echo "# found no declarations in the headers"
	ktap_result 1 exports_documented
elif [ -s "$tmp/undocumented" ]; then
	sed 's/^/# no kernel-doc: /' "$tmp/undocumented"
	ktap_result 1 exports_documented
else
	echo "# $(wc -l < "$tmp/declared") functions declared, all with kernel-doc"
	ktap_result 0 exports_documented
fi

# 3. The kernel's docs build, on LKL's pages only.
if "$top/scripts/lkl-htmldocs.sh" "$top" "$ksrc" "$tmp/out" virt/lkl \
		> "$tmp/html" 2>&1; then
	grep -v '^  HTMLDOCS /' "$tmp/html" | sed 's/^/# /'
	ktap_result 0 htmldocs_lkl
else
	sed 's/^/# /' "$tmp/html"
	ktap_result 1 htmldocs_lkl
fi

exit $ktap_failed
