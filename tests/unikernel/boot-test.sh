#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The LKL unikernel in QEMU (scripts/lkl-unikernel.sh): the image boots
# on microvm and runs its own KTAP tests on the serial console (boot,
# system calls, threads, a 10 ms sleep that is never early, the
# virtio-blk ext4 disk, eth0 on QEMU's user network and an HTTP server
# that serves the disk, halt), each counted here as guest:<name>; curl
# on the host fetches a file from that server through a port forward;
# and it ends QEMU through isa-debug-exit. A file that the guest writes
# survives a reboot and leaves the disk fsck-clean. The guest's wall
# clock, read from the CMOS RTC at boot, is within a few seconds of the
# host's. Bad input ends with a
# message and a non-zero status, never a hang: too little memory, a disk
# that is missing or corrupt, no network device. Runs under TCG where
# /dev/kvm is missing.
#
# The image is build/unikernel/lkl-unikernel.elf of this repository
# ("make unikernel"), or $LKL_UNIKERNEL.
set -u
here=$(dirname "$(readlink -f "$0")")
top=$(readlink -f "$here/../..")
# shellcheck source=tests/lib/ktap.sh
. "$here/../lib/ktap.sh"
run=$top/scripts/lkl-unikernel.sh
image=${LKL_UNIKERNEL:-$top/build/unikernel/lkl-unikernel.elf}

echo "KTAP version 1"
if [ ! -f "$image" ] || ! command -v qemu-system-x86_64 >/dev/null; then
	echo "1..0 # SKIP no unikernel image ($image: make unikernel) or no qemu-system-x86_64"
	exit 4
fi

out=$(mktemp)
disks=$(mktemp -d)
trap 'rm -rf "$out" "$disks"' EXIT

# The guest's own results, then whether QEMU ended as it should.
t0=$(date +%s)
"$run" run "$image" --timeout 150 --disk-dir "$disks/keep" --append uk.write > "$out"
status=$?
t1=$(date +%s)
sed -n 's/^# /# guest: /p' "$out"
mapfile -t results < <(grep -E '^(not )?ok [0-9]+ ' "$out")
echo "1..$(( ${#results[@]} + 9 ))"
for line in "${results[@]}"; do
	name=${line#* }
	[ "${line%% *}" = not ] && name=${name#* }
	name=${name#* }
	case $line in
	"not ok"*) ktap_result 1 "guest:$name" ;;
	*"# SKIP"*) ktap_n=$((ktap_n + 1)); echo "ok $ktap_n guest:${name% # SKIP*} # SKIP${name#*# SKIP}" ;;
	*) ktap_result 0 "guest:$name" ;;
	esac
done
grep -q '^# host: curl fetched' "$out"
ktap_result $? "host_curl_fetch"
ktap_result "$status" "clean_halt_all_passed"

# The guest read its wall clock while QEMU ran, between t0 and t1.
wall=$(sed -n 's/^# wall clock, s since the epoch: \([0-9]*\).*/\1/p' "$out")
echo "# host: QEMU ran from $t0 to $t1 s since the epoch; the guest's clock said ${wall:-nothing}"
[ -n "$wall" ] && [ "$wall" -ge $((t0 - 3)) ] && [ "$wall" -le $((t1 + 3)) ]
ktap_result $? "guest_wall_clock_within_3s"

# The file written there, after a reboot; then the disk is fsck-clean.
written=$(printf 'written by the LKL unikernel\n' | python3 -c '
import sys
h = 2166136261
for b in sys.stdin.buffer.read():
    h = ((h ^ b) * 16777619) & 0xffffffff
print(hex(h))')
"$run" run "$image" --no-net --timeout 120 --disk-dir "$disks/keep" \
	--append "uk.written=$written" > "$out"
status=$?
grep '^not ok' "$out" | sed 's/^/# /'
[ "$status" = 0 ] && grep -q '^ok [0-9]* disk_written_survives' "$out"
ktap_result $? "written_file_survives_reboot"
fsck.ext4 -fn "$disks/keep/disk.img" > "$out" 2>&1
status=$?
[ "$status" = 0 ] || sed 's/^/# /' "$out"
ktap_result "$status" "disk_fsck_clean"

# Too little memory for LKL's 64M: a message and a failure, not a hang.
"$run" run "$image" --no-disk --no-net --mem 24M --timeout 60 > "$out"
status=$?
grep '^# lkl_start_kernel: ' "$out"
[ "$status" != 0 ] && grep -q '^# lkl_start_kernel: -12' "$out"
ktap_result $? "too_little_memory_fails_cleanly"

# A disk asked for but missing.
"$run" run "$image" --no-disk --no-net --append uk.disk=0x1 --timeout 120 > "$out"
status=$?
grep '^not ok' "$out" | sed 's/^/# /'
[ "$status" != 0 ] && grep -q 'no virtio disk' "$out"
ktap_result $? "missing_disk_fails_cleanly"

# A corrupt disk: the mount fails with a message.
"$run" run "$image" --no-net --corrupt-disk --timeout 120 > "$out"
status=$?
grep '^# mounting\|^not ok' "$out" | sed 's/^/# /'
[ "$status" != 0 ] && grep -q 'mount failed' "$out"
ktap_result $? "corrupt_disk_fails_cleanly"

# A network asked for, but no network device.
"$run" run "$image" --no-net --append uk.http=1 --timeout 120 > "$out"
status=$?
grep '^not ok' "$out" | sed 's/^/# /'
[ "$status" != 0 ] && grep -q 'no network device' "$out"
ktap_result $? "missing_network_fails_cleanly"

echo "# $((ktap_n - ktap_nfailed)) passed, $ktap_nfailed failed"
[ "$ktap_failed" = 0 ]
