#!/bin/bash
# --rng: virtio-rng over virtio-pci (Debian 7.x, virtio-rng as a module)
# becomes the kernel's current hardware RNG, and /dev/hwrng gives bytes that
# are not all equal.
. "$(dirname "$0")/lib/boot.bash"
BOOT_MK_ARGS="--modules" \
boot_test virtio_rng 7-cloud "--rng" "" \
    'cat /sys/class/misc/hw_random/rng_current;dd if=/dev/hwrng bs=64 count=1 2>/dev/null | od -An -v -tx1 | tr -s " \n" "\n\n" | grep . | sort -u | wc -l | sed "s/^/distinct-bytes=/"' \
    '^virtio_rng\.[0-9]+$' '^distinct-bytes=([2-9]|[1-9][0-9])$'
