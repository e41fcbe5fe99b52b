#!/bin/bash
# A 32-bit ARM kernel at AArch32 EL1: Debian's armhf 6.1 kernel booted from
# its zImage (armmp: short-descriptor translation; boot_armhf_lpae.sh runs
# armmp-lpae, long descriptors) with a 32-bit busybox initramfs and 2 vCPUs
# (the second started by PSCI CPU_ON from AArch32).  The kernel reaches user
# space, reports VFP and Advanced SIMD, and the a32-check programs (A32 and
# T32) print what qemu-arm prints for them.
# Usage: boot_armhf.sh [KERNEL_ID] (default 6.1-armmp).
. "$(dirname "$0")/lib/boot.bash"
KID=${1:-6.1-armmp}
NAME=boot_armhf${1:+_${1##*-}}
need_kernel "$KID" busybox-armhf
ARGS=$(a32_check_args) || exit $?
BOOT_MK_ARGS="--armhf $ARGS"
boot_test "$NAME" "$KID" "--cpus 2" "" \
    "uname -m;grep -c ^processor /proc/cpuinfo;grep -m1 Features /proc/cpuinfo;a32-check-arm >/tmp/a;cat /tmp/a;cmp /tmp/a /etc/a32-expected && echo a32-ok;a32-check-thumb | cmp - /etc/a32-expected && echo t32-ok" \
    '^armv7l$' '^2$' 'Features.*: .*vfp.* neon .*vfpv4.* lpae' '^a32-ok$' '^t32-ok$'
