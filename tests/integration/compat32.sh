#!/bin/bash
# 32-bit user space on an arm64 kernel (AArch32 at EL0 through the kernel's
# compat layer): Debian's armhf busybox-static and the a32-check programs
# (integer, VFP and Advanced SIMD work, built as A32 and as T32) run in the
# guest, and their output must equal what qemu-arm prints for the same
# binaries on the host.  busybox32's md5sum of itself must equal the host's.
. "$(dirname "$0")/lib/boot.bash"
need_kernel 6.1-cloud busybox-armhf
ARGS=$(a32_check_args) || exit $?
BB32=$CACHE/busybox-armhf/busybox
SUM=$(md5sum <"$BB32" | cut -d' ' -f1)
BOOT_MK_ARGS="--add $BB32:/bin/busybox32 $ARGS"
boot_test compat32 6.1-cloud "" "" \
    "busybox32 echo compat32-\$((6*7));a32-check-arm >/tmp/a;cat /tmp/a;cmp /tmp/a /etc/a32-expected && echo a32-ok;a32-check-thumb | cmp - /etc/a32-expected && echo t32-ok;busybox32 md5sum /bin/busybox32;busybox32 seq 1 10 | busybox32 awk '{s+=\$1} END {print \"sum=\" s}'" \
    '^compat32-42$' '^a32-ok$' '^t32-ok$' "^$SUM  /bin/busybox32\$" '^sum=55$'
