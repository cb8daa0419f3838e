#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# lkl-overlay.sh TOP KSRC
# Lay the LKL overlay into the kernel tree: symlink the directories that
# LKL adds, and apply the patches for existing files once.
set -e
top=$1 ksrc=$2

link() {
	mkdir -p "$(dirname "$ksrc/$1")"
	if [ ! -L "$ksrc/$1" ]; then
		rm -rf "${ksrc:?}/$1"
		ln -s "$top/$1" "$ksrc/$1"
	fi
}

link arch/lkl
link tools/lkl
link Documentation/virt/lkl

for p in "$top"/patches/*.patch; do
	[ -e "$p" ] || continue
	stamp="$ksrc/.lkl-applied-$(basename "$p")"
	[ -e "$stamp" ] && continue
	echo "  PATCH   $(basename "$p")"
	patch -s -p1 -N --no-backup-if-mismatch -d "$ksrc" < "$p"
	touch "$stamp"
done
