#!/bin/bash
# Integration test of the guest kit against the QEMU reference:
# boots Debian 12's 6.1 cloud-arm64 kernel at EL2 (virtualization=on) with a
# busybox initramfs that runs kvm-smoke, and checks the kernel's EL2 and KVM
# lines, kvm-smoke's PASS line and the kit's completion marker.
#
# Exit: 0 pass, 1 fail, 77 skip (missing tools, or no cached kernel and the
# Debian archive unreachable).
# Env: NESTVM_CACHE (kit cache), KIT_KERNEL (default 6.1-cloud),
#      KIT_TIMEOUT (default 120 s), KIT_LOG (keep the console log there).
set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
G=$ROOT/guest
KID=${KIT_KERNEL:-6.1-cloud}
skip() { echo "SKIP: kit_qemu: $*"; exit 77; }

for t in qemu-system-aarch64 aarch64-linux-gnu-gcc python3 gzip apt-get dpkg-deb; do
    command -v "$t" >/dev/null || skip "$t not installed"
done

FLOG=$(mktemp)
if ! "$G/fetch" "$KID" busybox >"$FLOG" 2>&1; then
    cat "$FLOG" >&2
    if grep -qE 'cannot update package lists|download failed' "$FLOG"; then
        rm -f "$FLOG"; skip "kernel $KID not cached and the Debian archive is unreachable"
    fi
    rm -f "$FLOG"; echo "FAIL: kit_qemu: guest/fetch $KID busybox failed"; exit 1
fi
rm -f "$FLOG"

SMOKE=$("$G/build-kvm-prog" kvm-smoke) || { echo "FAIL: kit_qemu: build-kvm-prog kvm-smoke failed"; exit 1; }
WORK=$(mktemp -d); trap 'rm -rf "$WORK"' EXIT
INITRD=$WORK/initrd.cpio.gz
"$G/mkinitramfs" -o "$INITRD" --kernel "$KID" --add "$SMOKE:/bin/kvm-smoke" --run kvm-smoke >/dev/null ||
    { echo "FAIL: kit_qemu: mkinitramfs failed"; exit 1; }

LOG=$WORK/console.log
start=$(date +%s.%N)
"$G/run-qemu" --kernel "$KID" --nested --initrd "$INITRD" --timeout "${KIT_TIMEOUT:-120}" \
    --log "$LOG" >/dev/null 2>"$WORK/run.err"
rc=$?
secs=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN{printf "%.2f", b-a}')
[ -n "${KIT_LOG:-}" ] && cp "$LOG" "$KIT_LOG"
tr -d '\r' <"$LOG" >"$WORK/clean.log"

missing=()
need() { grep -qE "$1" "$WORK/clean.log" || missing+=("$2"); }
need '^NESTVM-GUEST-DONE rc=0' 'marker "NESTVM-GUEST-DONE rc=0"'
need 'CPU: All CPU\(s\) started at EL2' '"CPU: All CPU(s) started at EL2"'
need 'kvm \[1\]: .*mode initialized successfully' '"kvm [1]: ... mode initialized successfully"'
need '^kvm-smoke: PASS' '"kvm-smoke: PASS"'
bad=$(grep -E 'WARNING:|BUG:|\[Firmware Bug\]: VHE-capable CPU without EL2 virtual timer' "$WORK/clean.log" || true)

if [ $rc = 0 ] && [ ${#missing[@]} = 0 ] && [ -z "$bad" ]; then
    echo "PASS: kit_qemu: $KID at EL2 with KVM, kvm-smoke passed (${secs}s)"
    grep -E '^(kvm-smoke:|nestvm-guest: userspace)' "$WORK/clean.log" | sed 's/^/  /'
    exit 0
fi
echo "FAIL: kit_qemu: $KID (run-qemu exit $rc, ${secs}s)"
for m in "${missing[@]+"${missing[@]}"}"; do echo "  missing: $m"; done
[ -z "$bad" ] || printf '  forbidden line: %s\n' "$bad"
sed 's/^/  run-qemu: /' "$WORK/run.err" | tail -3
echo "  --- console log tail ---"
tail -30 "$WORK/clean.log" | sed 's/^/  | /'
exit 1
