#!/bin/bash
# The Debian 12 root filesystem (guest/mkrootfs) under nestvm: Debian's 7.x
# cloud kernel at EL2 (--nested, 2 vCPUs) with the kit initramfs that loads
# virtio_blk and switches to root=/dev/vda, a virtio disk and user-mode
# networking. Checks the console for the EL2 and KVM VHE lines, systemd's
# multi-user.target and the serial login prompt; then over ssh through the
# hostfwd port: the kernel log lines again, multi-user.target active,
# virtio_net loaded by the root filesystem's own udev (the initramfs does not
# carry it), the root filesystem is /dev/vda, and /dev/kvm exists.
#
# Exit: 0 pass, 1 fail, 77 skip (the image is not cached — CI does not build
# it; run guest/mkrootfs — or nestvm has no --disk/--net yet, or no ssh).
# Env: NESTVM_BUILD, NESTVM_CACHE, ROOTFS_TIMEOUT (default 900 s),
#      ROOTFS_LOG (keep the console log there).
set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
NESTVM=${NESTVM_BUILD:-$ROOT/build}/nestvm
CACHE=${NESTVM_CACHE:-$HOME/.cache/nestvm}
IMG=$CACHE/rootfs/bookworm-arm64.img
KID=7-cloud
skip() { echo "SKIP: rootfs_boot: $*"; exit 77; }
fail() { echo "FAIL: rootfs_boot: $*"; exit 1; }

[ -x "$NESTVM" ] || fail "$NESTVM not built"
[ -f "$IMG" ] && [ -f "$CACHE/rootfs/id_ed25519" ] || skip "no cached root filesystem image $IMG (build it with guest/mkrootfs)"
[ -f "$CACHE/kernels/$KID/Image" ] || skip "kernel $KID not cached (guest/fetch $KID)"
command -v ssh >/dev/null || skip "ssh (openssh-client) not installed"
help=$("$NESTVM" run --help 2>&1)
grep -q -- '--disk' <<<"$help" && grep -q -- '--net' <<<"$help" || skip "this nestvm has no --disk/--net (virtio devices)"

WORK=$(mktemp -d); trap 'rm -rf "$WORK"' EXIT
LOG=$WORK/console.log
nice "$ROOT/guest/run-rootfs" --vmm nestvm --kernel "$KID" --cpus 2 --timeout "${ROOTFS_TIMEOUT:-900}" \
    --log "$LOG" \
    --ssh 'uname -r' \
    --ssh 'dmesg | grep -E "CPU: All CPU\(s\) started at EL2|kvm \[1\]: VHE mode initialized successfully"' \
    --ssh 'systemctl is-active multi-user.target' \
    --ssh 'lsmod | grep -E "^virtio_net "' \
    --ssh 'findmnt -n -o SOURCE,FSTYPE /' \
    --ssh 'test -c /dev/kvm && echo kvm-device-ok' >"$WORK/out" 2>&1
rc=$?
[ -n "${ROOTFS_LOG:-}" ] && cp "$LOG" "$ROOTFS_LOG"
tr -d '\r' <"$LOG" >"$WORK/clean.log" 2>/dev/null

missing=()
need() { grep -qE -- "$1" "$2" || missing+=("$1"); }
need 'CPU: All CPU\(s\) started at EL2' "$WORK/clean.log"
need 'kvm \[1\]: VHE mode initialized successfully' "$WORK/clean.log"
need 'nestvm-guest: multi-user\.target reached at' "$WORK/clean.log"
need 'nestvm-guest login: ' "$WORK/clean.log"
kver=$(cat "$CACHE/kernels/$KID/version")
grep -qFx -- "$kver" "$WORK/out" || missing+=("uname -r = $kver")
need '\] CPU: All CPU\(s\) started at EL2' "$WORK/out"
need '\] kvm \[1\]: VHE mode initialized successfully' "$WORK/out"
need '^active$' "$WORK/out"
need '^virtio_net ' "$WORK/out"
need '^/dev/vda +ext4$' "$WORK/out"
need '^kvm-device-ok$' "$WORK/out"
if [ $rc = 0 ] && [ ${#missing[@]} = 0 ]; then
    echo "PASS: rootfs_boot: $(grep -o 'times .*' "$WORK/out")"
    exit 0
fi
echo "FAIL: rootfs_boot: run-rootfs exit $rc"
for m in "${missing[@]}"; do echo "  missing: $m"; done
echo "  run-rootfs output:"; sed 's/^/    /' "$WORK/out" | tail -30
echo "  console tail:"; tail -30 "$WORK/clean.log" | sed 's/^/    /'
exit 1
