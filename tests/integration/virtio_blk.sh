#!/bin/bash
# virtio-blk over virtio-pci (Debian 7.x, virtio_blk as a module): a 4 MiB
# random pattern written by the guest with direct I/O and fsync has the same
# SHA-256 in the guest and in the image on the host; serial (GET_ID), the
# write-back cache (FLUSH negotiated), discard punching a hole that reads as
# zeros on both sides; a ,ro disk is read-only in the guest, refuses writes
# and is unchanged on the host.
. "$(dirname "$0")/lib/boot.bash"
T=$(mktemp -d)
BOOT_TMP=$T
truncate -s 64M "$T/disk.img"
head -c 4M /dev/urandom >"$T/ro.img"
RO_SHA=$(sha256sum <"$T/ro.img" | cut -d' ' -f1)
cat >"$T/blk-test" <<'EOF'
#!/bin/sh
echo "serial=$(cat /sys/block/vda/serial)"
echo "cache=$(cat /sys/block/vda/queue/write_cache)"
echo "vdb-ro=$(cat /sys/block/vdb/ro)"
dd if=/dev/urandom of=/tmp/pat bs=64k count=64 2>/dev/null
dd if=/tmp/pat of=/dev/vda bs=64k seek=32 oflag=direct conv=fsync 2>/dev/null || echo "write failed"
echo "guest-sha=$(dd if=/dev/vda bs=64k skip=32 count=64 iflag=direct 2>/dev/null | sha256sum | cut -d' ' -f1)"
echo "pattern-sha=$(sha256sum </tmp/pat | cut -d' ' -f1)"
dd if=/dev/urandom of=/dev/vda bs=64k seek=256 count=4 oflag=direct conv=fsync 2>/dev/null
blkdiscard -o 16777216 -l 65536 /dev/vda && sync
echo "discarded-nonzero=$(dd if=/dev/vda bs=64k skip=256 count=1 iflag=direct 2>/dev/null | tr -d '\0' | wc -c)"
if dd if=/dev/zero of=/dev/vdb bs=512 count=1 oflag=direct conv=fsync 2>/dev/null; then
    echo "vdb-write=accepted"
else
    echo "vdb-write=refused"
fi
echo "vdb-sha=$(sha256sum </dev/vdb | cut -d' ' -f1)"
EOF
chmod +x "$T/blk-test"
host_check() {
    local log=$1 g p h z n
    g=$(sed -n 's/^guest-sha=//p' "$log"); p=$(sed -n 's/^pattern-sha=//p' "$log")
    h=$(dd if="$T/disk.img" bs=64k skip=32 count=64 2>/dev/null | sha256sum | cut -d' ' -f1)
    [ -n "$g" ] && [ "$g" = "$p" ] && [ "$g" = "$h" ] || { echo "  pattern: guest $g, written $p, host $h"; return 1; }
    z=$(dd if="$T/disk.img" bs=64k skip=256 count=1 2>/dev/null | tr -d '\0' | wc -c)
    n=$(dd if="$T/disk.img" bs=64k skip=257 count=1 2>/dev/null | tr -d '\0' | wc -c)
    [ "$z" = 0 ] && [ "$n" -gt 0 ] || { echo "  discard: host has $z non-zero bytes in the hole, $n after it"; return 1; }
    [ "$(sha256sum <"$T/ro.img" | cut -d' ' -f1)" = "$RO_SHA" ] || { echo "  read-only image changed"; return 1; }
}
BOOT_MK_ARGS="--modules --add $T/blk-test:/bin/blk-test" BOOT_CHECK=host_check \
boot_test virtio_blk 7-cloud "--disk $T/disk.img --disk $T/ro.img,ro" "" "blk-test" \
    '^serial=nestvm-disk0$' '^cache=write back$' '^vdb-ro=1$' '^discarded-nonzero=0$' '^vdb-write=refused$' \
    "^vdb-sha=$RO_SHA\$" 'virtio_blk virtio0: \[vda\] 131072 512-byte logical blocks'
