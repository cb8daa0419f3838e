#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# lkl-overlay.sh TOP KSRC
# Lay the LKL overlay into the kernel tree: symlink the directories that
# LKL adds (the selftests entry by entry), and apply the patches for
# existing files once.
set -e
top=$1 ksrc=$2

# link PATH [TARGET]: make KSRC/PATH a symlink to TARGET (TOP/PATH).
link() {
	mkdir -p "$(dirname "$ksrc/$1")"
	if [ ! -L "$ksrc/$1" ]; then
		rm -rf "${ksrc:?}/$1"
		ln -s "${2:-$top/$1}" "$ksrc/$1"
	fi
}

link arch/lkl
link tools/lkl
link Documentation/virt/lkl

# The selftests: a directory of their own in the tree, with a symlink to
# each entry of tests/. A symlink to tests/ itself would not do: make -C
# follows it into the repository, where the Makefile's ../lib.mk is not.
# Links to entries that are gone from tests/ are removed.
sft=tools/testing/selftests/lkl
[ -L "$ksrc/$sft" ] && rm -f "$ksrc/$sft"
mkdir -p "$ksrc/$sft"
for f in "$top"/tests/*; do
	[ -e "$f" ] || continue
	link "$sft/$(basename "$f")" "$f"
done
for f in "$ksrc/$sft"/*; do
	if [ -L "$f" ] && [ ! -e "$f" ]; then
		rm -f "$f"
	fi
done

for p in "$top"/patches/*.patch; do
	[ -e "$p" ] || continue
	stamp="$ksrc/.lkl-applied-$(basename "$p")"
	[ -e "$stamp" ] && continue
	echo "  PATCH   $(basename "$p")"
	patch -s -p1 -N --no-backup-if-mismatch -d "$ksrc" < "$p"
	touch "$stamp"
done
