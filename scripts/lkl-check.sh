#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# lkl-check.sh TOP KSRC KOBJ [MAKE_ARGS...]
# The checks that submit-checklist.rst asks for, on LKL's own code:
#
# 1. checkpatch.pl --strict on every C, assembler, Kconfig, Makefile and
#    Kbuild file in arch/lkl, tools/lkl and tests. Files come from git
#    (tracked, or new and not ignored), so build outputs are never checked;
#    outside a git checkout, find(1) is used and generated files skipped.
#    No --ignore is needed: every file carries an SPDX line, and
#    FILE_PATH_CHANGES only applies to patches, not to -f. The few lines
#    that checkpatch flags wherever they stand, and that are kept on
#    purpose, are listed with the reason in scripts/lkl-check.ignore
#    (file and finding type); those findings are shown but not counted.
# 2. sparse over arch/lkl through kbuild (C=2 checks every file, built or
#    not), in the configured object tree KOBJ. MAKE_ARGS go to that make,
#    so it can use the same CC as the build and keep its objects valid.
#    Any warning or error reported for a file under arch/lkl is a finding.
# 3. scripts/lkl-calls.sh on the objects of arch/lkl/kernel: two files
#    that call each other both ways are a finding.
#
# Ends with one result line; exits non-zero on any finding.

set -u
top=${1:?usage: lkl-check.sh TOP KSRC KOBJ [MAKE_ARGS...]}
ksrc=${2:?usage: lkl-check.sh TOP KSRC KOBJ [MAKE_ARGS...]}
kobj=${3:?usage: lkl-check.sh TOP KSRC KOBJ [MAKE_ARGS...]}
shift 3
dirs="arch/lkl tools/lkl tests"
log=$(mktemp)
trap 'rm -f "$log"' EXIT

# Print the files checkpatch should see, relative to TOP.
sources() {
	if git -C "$top" rev-parse --git-dir >/dev/null 2>&1; then
		# shellcheck disable=SC2086
		git -C "$top" ls-files --cached --others --exclude-standard \
			-- $dirs
	else
		# shellcheck disable=SC2086
		(cd "$top" && find $dirs -type f ! -path '*/generated/*' \
			! -name '*.mod.c' 2>/dev/null)
	fi | grep -E '(\.[chS]|/Kconfig[^/]*|/Makefile[^/]*|/Kbuild)$' | sort -u
}

# checkpatch
mapfile -t files < <(sources)
cp_findings=0
if [ "${#files[@]}" != 0 ]; then
	echo "  CHECKPATCH ${#files[@]} files"
	(cd "$top" && "$ksrc/scripts/checkpatch.pl" --strict --no-tree \
		--terse --show-types -f "${files[@]}") > "$log" 2>&1
	accepted=$(grep -v '^#' "$top/scripts/lkl-check.ignore" 2>/dev/null |
		awk 'NF >= 2 { printf "^%s:[0-9]+: [A-Z]+:%s:\n", $1, $2 }')
	grep -E ': (ERROR|WARNING|CHECK):' "$log" > "$log.found"
	if [ -n "$accepted" ]; then
		grep -E -f <(echo "$accepted") "$log.found" | sed 's/$/ (accepted, scripts\/lkl-check.ignore)/'
		grep -v -E -f <(echo "$accepted") "$log.found" > "$log.new"
		mv "$log.new" "$log.found"
	fi
	cat "$log.found"
	cp_findings=$(wc -l < "$log.found")
	rm -f "$log.found"
fi

# sparse
sp_findings=0
sp_status=0
if ! command -v sparse >/dev/null; then
	if [ "$(id -u)" = 0 ]; then
		echo "  APT     sparse"
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
			--no-install-recommends sparse >/dev/null
	else
		echo "make check needs sparse: sudo apt-get install -y sparse" >&2
		exit 1
	fi
fi
kmake=(make -C "$ksrc" O="$kobj" ARCH=lkl "$@")
if [ ! -f "$kobj/.config" ]; then
	mkdir -p "$kobj"
	"${kmake[@]}" -s defconfig || exit 1
fi
echo "  SPARSE  arch/lkl"
flock "$kobj/../.kernel.lock" "${kmake[@]}" C=2 arch/lkl/kernel/ arch/lkl/mm/ > "$log" 2>&1
sp_status=$?
grep -E 'arch/lkl/[^:]*:[0-9]+(:[0-9]+)?: (warning|error):' "$log"
sp_findings=$(grep -cE 'arch/lkl/[^:]*:[0-9]+(:[0-9]+)?: (warning|error):' \
	"$log")
if [ "$sp_status" != 0 ]; then
	tail -n 30 "$log"
	echo "  SPARSE  make exited with status $sp_status"
fi

# calls both ways, on the objects that the sparse run left built
echo "  CALLS   arch/lkl/kernel"
"$top/scripts/lkl-calls.sh" "$kobj" > "$log" 2>&1
calls_status=$?
grep -E '^(both ways|lkl-calls)' "$log"
calls=$(grep -c '^both ways' "$log")

result="checkpatch: $cp_findings finding(s) in ${#files[@]} files;"
result="$result sparse: $sp_findings finding(s) in arch/lkl;"
result="$result calls both ways: $calls"
if [ "$cp_findings" = 0 ] && [ "$sp_findings" = 0 ] && [ "$sp_status" = 0 ] &&
   [ "$calls_status" = 0 ]; then
	echo "check passed: $result"
else
	echo "check FAILED: $result"
	exit 1
fi
