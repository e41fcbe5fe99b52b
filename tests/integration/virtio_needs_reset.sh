#!/bin/bash
# A guest that breaks the virtio protocol gets NEEDS_RESET, not host memory:
# with no driver bound (virtio_mmio not loaded), a guest script drives the
# virtio-mmio RNG by hand with devmem, its rings in the half of RAM that
# Linux does not use (mem=256M of 512M).  A well-formed request is served
# (16 bytes used, queue interrupt); a buffer outside guest RAM and then,
# after a reset, a descriptor loop each set DEVICE_NEEDS_RESET (0x40) with a
# config-change interrupt, and nestvm reports it and keeps running.
. "$(dirname "$0")/lib/boot.bash"
T=$(mktemp -d)
BOOT_TMP=$T
cat >"$T/vq-poke" <<'EOF'
#!/bin/sh
B=0x0a000000
r() { devmem $(printf 0x%x $((B + $1))) 32; }
w() { devmem $(printf 0x%x $((B + $1))) 32 $2; }
m() { devmem $(printf 0x%x $1) $2 $3; }
D=0x50000000 A=0x50001000 U=0x50002000 BUF=0x50003000
setup() {   # reset, negotiate VERSION_1 only, queue 0 of 8 entries, DRIVER_OK
    w 0x70 0; w 0x70 1; w 0x70 3
    w 0x24 1; w 0x20 1; w 0x24 0; w 0x20 0
    w 0x70 11
    w 0x30 0; w 0x38 8
    w 0x80 $D; w 0x84 0; w 0x90 $A; w 0x94 0; w 0xa0 $U; w 0xa4 0
    w 0x44 1; w 0x70 15
}
desc() {    # index addr_lo addr_hi len flags next
    a=$((D + 16 * $1))
    m $a 32 $2; m $((a + 4)) 32 $3; m $((a + 8)) 32 $4; m $((a + 12)) 16 $5; m $((a + 14)) 16 $6
}
offer() {   # ring slot, head, new avail idx; then notify queue 0
    m $((A + 4 + 2 * $1)) 16 $2; m $((A + 2)) 16 $3; w 0x50 0
}
echo "magic=$(r 0) version=$(r 4) device=$(r 8)"
setup
desc 0 $BUF 0 16 2 0
offer 0 0 1
echo "good: used-idx=$(m $((U + 2)) 16) used-len=$(m $((U + 8)) 32) isr=$(r 0x60) status=$(r 0x70)"
w 0x64 1
desc 1 0xfffff000 0x7f 16 2 0
offer 1 1 2
echo "outside-ram: used-idx=$(m $((U + 2)) 16) isr=$(r 0x60) status=$(r 0x70)"
setup
echo "after-reset: status=$(r 0x70) isr=$(r 0x60)"
m $((A + 2)) 16 0
desc 0 $BUF 0 16 3 1
desc 1 $BUF 0 16 3 0
offer 0 0 1
echo "loop: isr=$(r 0x60) status=$(r 0x70)"
EOF
chmod +x "$T/vq-poke"
BOOT_MK_ARGS="--add $T/vq-poke:/bin/vq-poke" \
boot_test virtio_needs_reset 7-cloud "--rng --virtio-transport mmio" "mem=256M" "vq-poke" \
    '^magic=0x74726976 version=0x00000002 device=0x00000004$' \
    '^good: used-idx=0x0001 used-len=0x00000010 isr=0x00000001 status=0x0000000F$' \
    '^outside-ram: used-idx=0x0001 isr=0x00000002 status=0x0000004F$' \
    '^after-reset: status=0x0000000F isr=0x00000000$' \
    '^loop: isr=0x00000002 status=0x0000004F$' \
    '^nestvm: virtio-rng: buffer outside guest RAM: device needs reset$' \
    '^nestvm: virtio-rng: descriptor chain loops: device needs reset$'
