#!/bin/bash
# --virtio-transport mmio (Debian 6.12, virtio_mmio and the devices as
# modules): a disk and the RNG on virtio-mmio slots at 0x0a000000 with SPIs
# 16 and 17; data written by the guest reaches the image on the host.
. "$(dirname "$0")/lib/boot.bash"
T=$(mktemp -d)
BOOT_TMP=$T
truncate -s 16M "$T/disk.img"
host_check() {
    local g h
    g=$(sed -n 's/^guest-sha=//p' "$1")
    h=$(head -c 1048576 "$T/disk.img" | sha256sum | cut -d' ' -f1)
    [ -n "$g" ] && [ "$g" = "$h" ] || { echo "  guest $g, host $h"; return 1; }
}
BOOT_MK_ARGS="--modules" BOOT_CHECK=host_check \
boot_test virtio_mmio 6.12-cloud "--virtio-transport mmio --disk $T/disk.img --rng" "" \
    'dd if=/dev/urandom of=/tmp/p bs=64k count=16 2>/dev/null;dd if=/tmp/p of=/dev/vda bs=64k oflag=direct conv=fsync 2>/dev/null;echo "guest-sha=$(sha256sum </tmp/p | cut -d" " -f1)";cat /sys/class/misc/hw_random/rng_current;grep -o "GICv3 *4[89] Level *virtio[01]" /proc/interrupts' \
    '^virtio_rng\.[0-9]+$' 'GICv3 +48 Level +virtio0' 'GICv3 +49 Level +virtio1' 'virtio_blk virtio0: \[vda\] 32768 512-byte'
