#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# exports.sh FILE INCLUDES HEADER...
# Compare the global symbols that $NM lists for FILE with what the
# installed headers declare: the functions that the headers named in
# INCLUDES (space-separated, as in #include <...>) declare and do not
# define inline, as the compiler lists them (-aux-info), and the
# variables declared extern in HEADER... $CC and $CFLAGS compile.
#
# Prints the differences as comm -3 does: a name declared but not
# exported, or, after a tab, a name exported that no header declares.
# Exits non-zero if it cannot tell.
set -eu
file=$1 includes=$2
shift 2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"

printf '#include <%s>\n' $includes > api.c
# shellcheck disable=SC2086
${CC:-cc} -fsyntax-only -D_GNU_SOURCE $CFLAGS -aux-info api.aux api.c
{
	grep -v ' static ' api.aux | grep -o 'lkl_[a-z0-9_]* (' | tr -d ' ('
	sed -n 's/^extern .*[ *]\(lkl_[a-z0-9_]*\);.*/\1/p' "$@"
} | sort -u > want
test -s want
# shellcheck disable=SC2086
$NM "$file" | awk '{ print $NF }' | sed 's/@.*//' | sort -u > have
comm -3 want have
