#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# man-test.sh TOOLS_DIR
# The tools' man pages (tools/lkl/man/*.rst): each renders with rst2man
# --strict and with man(1) without a warning (the check lintian makes),
# and documents every option that its program's --help lists; the
# hijack's page also documents every LKL_HIJACK_* variable that the
# library reads. TOOLS_DIR holds the built programs. KTAP on stdout.
set -u
tools=${1:?usage: man-test.sh TOOLS_DIR}
top=$(cd "$(dirname "$(readlink -f "$0")")/../.." && pwd)
# shellcheck source=tests/lib/ktap.sh
. "$top/tests/lib/ktap.sh"
mandir=$top/tools/lkl/man
pages="cptofs fs2tar lkl-hijack.sh lkl-net-test lkl-server lklfuse"
# program:page; cpfromfs is documented with cptofs.
progs="cptofs:cptofs cpfromfs:cptofs fs2tar:fs2tar lkl-hijack.sh:lkl-hijack.sh
	lkl-net-test:lkl-net-test lklfuse:lklfuse"

echo "KTAP version 1"
rst2man=$(command -v rst2man || command -v rst2man.py)
if [ -z "$rst2man" ] || ! command -v man >/dev/null; then
	echo "1..0 # SKIP needs rst2man (python3-docutils) and man (man-db)"
	exit 4
fi
echo "1..$(($(echo "$pages" | wc -w) + $(echo "$progs" | wc -w)))"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

for p in $pages; do
	rc=0
	if ! "$rst2man" --strict "$mandir/$p.rst" "$tmp/$p.1" 2> "$tmp/err"; then
		sed 's/^/# /' "$tmp/err"
		rc=1
	else
		# What lintian runs for manpage-has-errors-from-man.
		LC_ALL=C.UTF-8 MANROFFSEQ='' MANWIDTH=80 \
			man --warnings -E UTF-8 -l -Tutf8 -Z "$tmp/$p.1" \
			> /dev/null 2> "$tmp/err"
		if [ -s "$tmp/err" ]; then
			sed "s/^/# $p.1: /" "$tmp/err"
			rc=1
		fi
		LC_ALL=C MANWIDTH=200 man -E ascii -l "$tmp/$p.1" 2> /dev/null |
			col -bx > "$tmp/$p.txt"
	fi
	ktap_result "$rc" "render_$p"
done

# The options that a --help lists: on each line that starts with an
# option, the words before the description (two spaces); lklfuse's -o
# options up to their '=' ("-o type="), and only its own, not libfuse's.
help_options() {
	sed -n '/^FUSE options:/q; /^ *-/p' |
		sed -E 's/^ +//; s/  .*//' |
		while IFS= read -r spec; do
			case $spec in
			"-o "*)
				echo "${spec%%=*}" ;;
			*)
				for w in ${spec//,/ }; do
					case $w in -*) echo "$w" ;; esac
				done ;;
			esac
		done
}

for pp in $progs; do
	prog=${pp%%:*} page=${pp#*:} rc=0 missing=
	if [ ! -x "$tools/$prog" ]; then
		echo "# $tools/$prog is missing"
		ktap_result 1 "options_$prog"
		continue
	fi
	if [ ! -s "$tmp/$page.txt" ]; then
		echo "# $page.1 did not render"
		ktap_result 1 "options_$prog"
		continue
	fi
	opts=$("$tools/$prog" --help 2> /dev/null | help_options)
	if [ "$prog" = lkl-hijack.sh ]; then
		opts="$opts
$(grep -oE 'hijack_env\("LKL_HIJACK_[A-Z0-9_]+"' \
			"$top/tools/lkl/hijack/config-env.c" | cut -d'"' -f2 | sort -u)"
	fi
	count=0
	while IFS= read -r o; do
		[ -n "$o" ] || continue
		count=$((count + 1))
		grep -qE -- "(^|[^A-Za-z0-9_-])$o([^A-Za-z0-9_-]|$)" "$tmp/$page.txt" ||
			missing="$missing '$o'"
	done <<< "$opts"
	if [ "$count" -lt 2 ]; then
		echo "# $prog --help lists no options"
		rc=1
	fi
	[ -n "$missing" ] && echo "# $page.1 does not document:$missing" && rc=1
	echo "# $prog: $count options checked"
	ktap_result "$rc" "options_$prog"
done

[ "$ktap_failed" = 0 ]
