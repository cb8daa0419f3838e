#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# lkl-htmldocs.sh TOP KSRC OUTDIR [SPHINXDIRS]
# Run the kernel's own "make htmldocs SPHINXDIRS=virt" (or the given
# SPHINXDIRS) in the overlaid tree KSRC, with O=OUTDIR, and check what
# Sphinx and kernel-doc said.
#
# Every warning or error must come from a file listed in
# scripts/lkl-htmldocs.ignore ("FILE<tab>reason": upstream pages with a
# known problem, never one of ours); each of those is printed with its
# reason and not counted. Any other warning fails the build, and so does
# one that names Documentation/virt/lkl, arch/lkl or tools/lkl, whatever
# the list says. When the LKL pages are built, every function and type
# that kernel-doc finds in the three public headers must also be in the
# HTML, so that a header item that no directive names is noticed.
#
# The full log is OUTDIR/htmldocs.log. Exit status: 0 if clean, 1 if not,
# 2 if the build could not run (missing packages, no overlaid tree).
set -u
top=${1:?usage: lkl-htmldocs.sh TOP KSRC OUTDIR [SPHINXDIRS]}
ksrc=${2:?usage: lkl-htmldocs.sh TOP KSRC OUTDIR [SPHINXDIRS]}
out=${3:?usage: lkl-htmldocs.sh TOP KSRC OUTDIR [SPHINXDIRS]}
dirs=${4:-virt}
top=$(readlink -f "$top")
ignore=$top/scripts/lkl-htmldocs.ignore
headers="arch/lkl/include/uapi/asm/host_ops.h tools/lkl/include/lkl.h
	 tools/lkl/include/lkl_host.h"

if ! command -v sphinx-build >/dev/null; then
	echo "htmldocs: sphinx-build is missing: run scripts/lkl-deps.sh docs" >&2
	exit 2
fi
if [ "$(readlink -f "$ksrc/Documentation/virt/lkl" 2>/dev/null)" != \
     "$top/Documentation/virt/lkl" ]; then
	echo "htmldocs: $ksrc is not a tree with this overlay: run make source" >&2
	exit 2
fi
ksrc=$(readlink -f "$ksrc")
mkdir -p "$out"
out=$(readlink -f "$out")
log=$out/htmldocs.log

start=$(date +%s)
echo "  HTMLDOCS SPHINXDIRS=$dirs"
# -E: read every page again, as Sphinx reports a page's warnings only when
# it reads the page, and an incremental build would skip unchanged ones.
make -C "$ksrc" O="$out" htmldocs SPHINXDIRS="$dirs" SPHINXOPTS="-E -q" \
	> "$log" 2>&1
rc=$?
echo "  HTMLDOCS took $(($(date +%s) - start)) s, log in $log"

# The diagnostics: "FILE:LINE: WARNING: ...", "FILE: ERROR: ...",
# kernel-doc's "FILE:LINE: warning: ..." and a bare "WARNING: ...".
# Paths are made relative to the tree; an overlay file may be named
# through its symlink in the tree or by its real path in TOP.
bad=0 known=0
while IFS= read -r line; do
	file=${line%%:*}
	case $line in
	WARNING:* | ERROR:* | CRITICAL:* | SEVERE:*)
		file= ;;
	esac
	file=${file#"$ksrc"/}
	file=${file#"$top"/}
	case $file in
	Documentation/virt/lkl/* | arch/lkl/* | tools/lkl/*)
		reason= ;;
	?*)
		reason=$(awk -F '\t' -v f="$file" \
			'!/^#/ && $1 == f { print $2; exit }' "$ignore") ;;
	*)
		reason= ;;
	esac
	if [ -n "$reason" ]; then
		echo "  KNOWN   $line"
		echo "          (upstream, not LKL's: $reason)"
		known=$((known + 1))
	else
		echo "htmldocs: $line" >&2
		bad=$((bad + 1))
	fi
done < <(grep -E '(^|: )(WARNING|ERROR|CRITICAL|SEVERE|warning|error):' "$log")

if [ $rc -ne 0 ]; then
	echo "htmldocs: make htmldocs failed (exit $rc); the end of $log:" >&2
	tail -n 20 "$log" >&2
	exit 1
fi

# Every kernel-doc item of the public headers is somewhere in the pages.
html=$out/Documentation/output/virt/lkl
if [ "$dirs" = virt ] || [ "$dirs" = virt/lkl ]; then
	missing=0
	# shellcheck disable=SC2086
	for name in $(cd "$ksrc" && perl scripts/kernel-doc -rst $headers 2>/dev/null |
		sed -n -E 's/^\.\. c:(function|struct|union|enum|type|macro):: (.*)/\2/p' |
		sed -E 's/ *\(.*//; s/.*[ *]//' | sort -u); do
		if ! grep -q "id=\"c\\.$name\"" "$html"/*.html; then
			echo "htmldocs: $name has kernel-doc but is on no page" >&2
			missing=$((missing + 1))
		fi
	done
	bad=$((bad + missing))
fi

if [ $bad -ne 0 ]; then
	echo "htmldocs: $bad problem(s) ($known known upstream warning(s) filtered)" >&2
	exit 1
fi
echo "  HTMLDOCS clean: nothing from LKL, $known known upstream warning(s) filtered"
echo "  HTMLDOCS $html/index.html"
