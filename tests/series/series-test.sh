#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# series-test.sh: make series and series-check's bad-input checks, and
# the series itself.
#
# Runs scripts/lkl-series.py as make series does:
#   - without a git identity it stops with a clear message;
#   - series-check refuses a base that is not 6.12.y (LINUX_SRC= a tree
#     whose Makefile says 6.6) before it builds anything, and accepts a
#     6.12.y one;
#   - the series is made into a temporary directory (make series checks
#     there that git am of all of it onto the base succeeds); every patch
#     is in git format-patch form with the runner's sign-off, and every
#     kernel-material overlay file is added by exactly one patch.
# The base is the pristine tarball that make series uses: build/pristine/
# (fetched once through the same script) or LKL_PRISTINE=.
#
# Prints TAP version 13, one result line per check, as kselftest_harness.h
# does. Exit status: 0 when every check passed, 1 when one failed, 4 when
# nothing could run. make tests links it as <outdir>/series/series-test.

set -u
here=$(dirname "$(readlink -f "$0")")
# shellcheck source=tests/lib/ktap.sh
. "$here/../lib/ktap.sh"
top=$(readlink -f "$here/../..")
series_py=$top/scripts/lkl-series.py

echo "TAP version 13"
for cmd in git python3 tar; do
	if ! command -v "$cmd" >/dev/null; then
		echo "1..0 # SKIP $cmd missing"
		exit 4
	fi
done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/series-test.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
log=$tmp/log

# show: the log of the last command, as diagnostics.
show() {
	sed 's/^/#   /' "$log"
}

# no_identity: in a repository with no git identity anywhere, make series
# stops at once, says what to set, and exits non-zero.
no_identity() {
	mkdir -p "$tmp/noid/scripts" "$tmp/home"
	cp "$top/scripts/lkl-series.py" "$top/scripts/lkl-series.txt" \
		"$tmp/noid/scripts/"
	git -C "$tmp/noid" init -q
	if env -u EMAIL -u GIT_AUTHOR_NAME -u GIT_AUTHOR_EMAIL \
			-u GIT_COMMITTER_NAME -u GIT_COMMITTER_EMAIL \
			HOME="$tmp/home" XDG_CONFIG_HOME="$tmp/home" \
			GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null \
			python3 "$tmp/noid/scripts/lkl-series.py" series \
			"$tmp/noid" "$tmp/noid/out" > "$log" 2>&1; then
		echo "# make series succeeded without an identity"
		return 1
	fi
	if ! grep -q 'no git identity' "$log" ||
			! grep -q 'user.email' "$log"; then
		show
		return 1
	fi
	[ ! -e "$tmp/noid/out" ]
}

# uncovered: a kernel-material file that no patch takes stops make
# series, which names it (a repository with the manifest and that file).
uncovered() {
	mkdir -p "$tmp/unc/scripts" "$tmp/unc/arch/lkl/kernel" "$tmp/home"
	cp "$top/scripts/lkl-series.py" "$top/scripts/lkl-series.txt" \
		"$tmp/unc/scripts/"
	echo 'int stray;' > "$tmp/unc/arch/lkl/kernel/stray.c"
	git -C "$tmp/unc" init -q
	printf '[user]\n\tname = Series Test\n\temail = series@test.invalid\n' \
		> "$tmp/home/gitconfig"
	if GIT_CONFIG_GLOBAL="$tmp/home/gitconfig" python3 \
			"$tmp/unc/scripts/lkl-series.py" series "$tmp/unc" \
			"$tmp/unc/out" > "$log" 2>&1; then
		echo "# make series took a file that is in no patch"
		return 1
	fi
	grep -q 'arch/lkl/kernel/stray.c is kernel material in no patch' \
		"$log" || { show; return 1; }
}

# fake_tree DIR PATCHLEVEL: a "tree" whose Makefile says 6.PATCHLEVEL.
fake_tree() {
	mkdir -p "$1"
	printf 'VERSION = 6\nPATCHLEVEL = %s\nSUBLEVEL = 30\n' "$2" \
		> "$1/Makefile"
}

# not_612: series-check on a 6.6 tree stops with a clear message.
not_612() {
	fake_tree "$tmp/v66" 6
	if LINUX_SRC=$tmp/v66 LKL_SERIES_CHECK_ONLY=version \
			python3 "$series_py" check "$top" "$tmp/check" \
			> "$log" 2>&1; then
		echo "# series-check accepted Linux 6.6"
		return 1
	fi
	grep -q 'is Linux 6.6.30, not 6.12.y' "$log" || { show; return 1; }
	[ ! -e "$tmp/check" ]
}

# is_612: the same check lets a 6.12.y tree through.
is_612() {
	fake_tree "$tmp/v612" 12
	LINUX_SRC=$tmp/v612 LKL_SERIES_CHECK_ONLY=version \
		python3 "$series_py" check "$top" "$tmp/check" > "$log" 2>&1 ||
		{ show; return 1; }
	grep -q 'BASE    Linux 6.12.30' "$log" || { show; return 1; }
}

# make_series: the series against the pristine base, as make series makes
# it, by an identity of the test's own.
make_series() {
	mkdir -p "$tmp/home"
	printf '[user]\n\tname = Series Test\n\temail = series@test.invalid\n' \
		> "$tmp/home/gitconfig"
	env -u LINUX_SRC GIT_CONFIG_GLOBAL="$tmp/home/gitconfig" \
		python3 "$series_py" series "$top" "$tmp/series" > "$log" 2>&1 ||
		{ show; return 1; }
	grep -q 'SERIES' "$log" || { show; return 1; }
}

patches() {
	find "$tmp/series" -name '0*.patch' ! -name '0000-*' | sort
}

# format: every patch in git format-patch form, by the runner, signed off.
format() {
	local p n=0 me='Series Test <series@test.invalid>'

	[ -f "$tmp/series/0000-cover-letter.patch" ] || return 1
	if grep -q '\*\*\*' "$tmp/series/0000-cover-letter.patch"; then
		echo "# the cover letter still has a *** placeholder"
		return 1
	fi
	for p in $(patches); do
		n=$((n + 1))
		if ! grep -q "^From: $me" "$p" ||
				! grep -q '^Subject: \[PATCH [0-9]*/[0-9]*\] ' "$p" ||
				! grep -q "^Signed-off-by: $me" "$p" ||
				! grep -q '^diff --git ' "$p"; then
			echo "# $(basename "$p") is not in form"
			return 1
		fi
	done
	[ "$n" = "$(grep -c '^@patch' "$top/scripts/lkl-series.txt")" ]
}

# every_file_once: each kernel-material overlay file is added by exactly
# one patch, at its place in the tree.
every_file_once() {
	local f want=$tmp/want have=$tmp/have not

	# What is not kernel material: the manifest's exclude: globs, as
	# regular expressions, and patches/, which the patches carry.
	not=$(sed -n 's/^exclude: *//p' "$top/scripts/lkl-series.txt" |
		sed 's/[.]/\\./g; s/[*][*]/@/g; s/[*]/[^\/]*/g; s/@/.*/g' |
		paste -sd'|')
	(cd "$top" && git ls-files -co --exclude-standard) |
		grep -Ev "^(patches/|($not)$)" |
		sed 's|^tests/|tools/testing/selftests/lkl/|' | sort > "$want"
	# shellcheck disable=SC2046 # one file name per patch
	grep -h -B3 '^new file mode' $(patches) |
		sed -n 's|^diff --git a/\(.*\) b/.*|\1|p' | sort > "$have.new"
	if [ -n "$(uniq -d "$have.new")" ]; then
		echo "# added twice: $(uniq -d "$have.new" | tr '\n' ' ')"
		return 1
	fi
	for f in $(comm -23 "$want" "$have.new"); do
		echo "# in no patch: $f"
	done
	for f in $(comm -13 "$want" "$have.new"); do
		echo "# not in the overlay: $f"
	done
	cmp -s "$want" "$have.new"
}

ktap_add "make series without a git identity stops with a clear message" \
	no_identity
ktap_add "a kernel-material file in no patch stops make series, named" \
	uncovered
ktap_add "series-check refuses a base that is not 6.12.y" not_612
ktap_add "series-check accepts a 6.12.y base" is_612
ktap_add "make series writes the series and git am takes all of it" make_series
ktap_add "cover letter and patches in git format-patch form, signed off" format
ktap_add "every kernel-material overlay file is in exactly one patch" \
	every_file_once

ktap_run
