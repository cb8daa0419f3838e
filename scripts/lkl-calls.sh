#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# lkl-calls.sh KOBJ
# Which files of arch/lkl/kernel call which, as the linker sees them: for
# each object that kbuild linked from arch/lkl/kernel, the global functions
# it defines and those it calls. Prints one line per file with the files it
# uses, then every pair of files that use each other both ways, and ends
# with one result line. Exits non-zero if there is such a pair: one owner
# per concern means calls go one way.
set -u
kobj=${1:?usage: lkl-calls.sh KOBJ}
dir=$kobj/arch/lkl/kernel
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# The objects that kbuild linked: those in the thin built-in archives.
mapfile -t objs < <(cd "$dir" 2>/dev/null &&
	ar t built-in.a 2>/dev/null | while read -r o; do
		case $o in
		*/built-in.a) ar t "$o" ;;
		*) echo "$o" ;;
		esac
	done | sed "s|^.*arch/lkl/kernel/||" | grep '\.o$' | sort -u)
if [ "${#objs[@]}" = 0 ]; then
	echo "lkl-calls: no objects in $dir: build the kernel first" >&2
	exit 1
fi

# defs/NAME: functions defined; uses/NAME: symbols used but not defined.
# Shared data (lkl_ops, current) is not a call, and is left out.
for o in "${objs[@]}"; do
	n=${o%.o}
	n=${n//\//:}
	nm -g --defined-only "$dir/$o" | awk '$2 == "T" { print $3 }' |
		sort -u > "$tmp/$n.defs"
	nm -u "$dir/$o" | awk '{ print $2 }' | sort -u > "$tmp/$n.uses"
done

names=()
for o in "${objs[@]}"; do
	n=${o%.o}
	names+=("${n//\//:}")
done

pairs=0
for a in "${names[@]}"; do
	used=
	for b in "${names[@]}"; do
		[ "$a" = "$b" ] && continue
		if [ -n "$(comm -12 "$tmp/$a.uses" "$tmp/$b.defs")" ]; then
			used="$used ${b//://}.c"
			echo "$b" >> "$tmp/$a.edges"
		fi
	done
	printf '%-20s ->%s\n' "${a//://}.c" "${used:- (nothing)}"
done

for a in "${names[@]}"; do
	for b in "${names[@]}"; do
		[[ "$a" < "$b" ]] || continue
		grep -qx "$b" "$tmp/$a.edges" 2>/dev/null || continue
		grep -qx "$a" "$tmp/$b.edges" 2>/dev/null || continue
		ab=$(comm -12 "$tmp/$a.uses" "$tmp/$b.defs" | tr '\n' ' ')
		ba=$(comm -12 "$tmp/$b.uses" "$tmp/$a.defs" | tr '\n' ' ')
		echo "both ways: ${a//://}.c uses $ab; ${b//://}.c uses $ba"
		pairs=$((pairs + 1))
	done
done

echo "calls: ${#names[@]} files, $pairs pair(s) that call each other both ways"
[ "$pairs" = 0 ]
