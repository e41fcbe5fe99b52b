#!/bin/bash
# The mission's proof of KVM-accelerated VMs inside a Linux VM: build/nestvm
# (software CPU, --nested, 2 vCPUs) boots an L1 Linux at EL2; inside it, nestvm
# built for aarch64 boots an L2 Linux through the L1 kernel's KVM
# (--accel kvm).  L2 prints its marker and EL1 line and powers off; its exit
# code reaches L1's script, L1 powers off, the outer nestvm exits 0.
#
#   tests/integration/l2_nestvm.sh [MODE...]   (default: $L2_MODES or all)
#
#   vhe    L1 on nestvm, L1's KVM in its default VHE mode
#   nvhe   L1 on nestvm booted with kvm-arm.mode=nvhe
#   qemu   L1 on QEMU TCG (virtualization=on, gic-version=3, -cpu max,pauth=off):
#          the same L2 boot on another CPU, separating backend bugs from CPU bugs
#   nokvm  L1 on nestvm without --nested: no /dev/kvm in L1, nestvm --accel kvm
#          must refuse with one line and exit 2, which reaches L1's script
#   nv2    recursive: L1 7-cloud on nestvm with kvm-arm.mode=nested (VHE+NV2);
#          L2 booted with nestvm --accel kvm --nested starts at EL2, its own
#          KVM initializes, and kvm-smoke runs an L3 guest through it
#   all    all five (about 10-60 s each on an idle 2-core machine)
# Every L1 with KVM also checks that `nestvm run --accel kvm --nested` is
# refused (L1's KVM offers no EL2) with one line and exit 2.
# L1_KERNEL picks L1's kernel (default 6.1-cloud), L2_KERNEL L2's (default
# 7-cloud: its crypto library self-tests use SIMD in kernel threads, which
# catches a lost FP/SIMD trap in L1's lazy FP switch).  L2 boots quiet; the
# kit checks its kernel log from inside (L2-DMESG-BAD lines, L2-DMESG-CHECKED).
. "$(dirname "$0")/lib/boot.bash"

MODES=${*:-${L2_MODES:-all}}
[ "$MODES" = all ] && MODES="vhe nvhe qemu nokvm nv2"
L1K=${L1_KERNEL:-6.1-cloud}
L2K=${L2_KERNEL:-7-cloud}
QEMU=${QEMU:-qemu-system-aarch64}
command -v aarch64-linux-gnu-gcc >/dev/null || skip "aarch64-linux-gnu-gcc not installed"
[ -x "$NESTVM" ] || { echo "FAIL: l2_nestvm: $NESTVM not built"; exit 1; }
need_kernel "$L1K"
need_kernel "$L2K"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
kit() {   # kit VAR ARGS...: build (or find in the cache) an L1 initramfs, path into VAR
    local var=$1 out rc=0
    shift
    out=$("$G/build-l2-kit" "$@" 2>"$work/kit.err") || rc=$?
    [ $rc = 3 ] && skip "the arm64 sysroot for scripts/build-aarch64 is not cached and the Debian archive is unreachable"
    [ $rc = 0 ] || { echo "FAIL: l2_nestvm: guest/build-l2-kit failed:"; tail -5 "$work/kit.err"; exit 1; }
    printf -v "$var" %s "$out"
}
kit KIT --l1-kernel "$L1K" --l2-kernel "$L2K"
L1IMG=$CACHE/kernels/$L1K/Image
NOEL2='^nestvm: .*: the kvm backend cannot give guests EL2: host Linux [^ ]* is older than 6.16 '

fail=0
for mode in $MODES; do
    l1kvm='kvm \[1\]: VHE mode initialized successfully' l1el=EL2 want_rc=0 l2el=EL1 nested=0 l1k=$L1K
    nv=("$NESTVM" run --memory 1G --kernel "$L1IMG" --initrd "$KIT" --timeout "${BOOT_TIMEOUT:-600}")
    case $mode in
    vhe) cmd=("${nv[@]}" --nested --cpus 2 --append "console=ttyAMA0") desc="nestvm --nested --cpus 2, KVM VHE" ;;
    nvhe) cmd=("${nv[@]}" --nested --cpus 2 --append "console=ttyAMA0 kvm-arm.mode=nvhe")
        l1kvm='kvm \[1\]: Hyp mode initialized successfully' desc="nestvm --nested --cpus 2, KVM nVHE" ;;
    qemu)
        command -v "$QEMU" >/dev/null || { echo "SKIP: l2_nestvm (qemu): $QEMU not installed"; continue; }
        cmd=(timeout -k 5 "${BOOT_TIMEOUT:-600}" "$QEMU" -M virt,virtualization=on,gic-version=3 -cpu max,pauth=off
             -smp 2 -m 1G -nographic -nic none -no-reboot -kernel "$L1IMG" -initrd "$KIT" -append "console=ttyAMA0 panic=-1")
        desc="QEMU TCG virtualization=on -smp 2, KVM VHE" ;;
    nv2)
        need_kernel 7-cloud
        smoke=$("$G/build-kvm-prog" kvm-smoke) || { echo "FAIL: l2_nestvm: guest/build-kvm-prog kvm-smoke failed"; exit 1; }
        kit nvkit --l1-kernel 7-cloud --l2-kernel "$L2K" --l2-nested --l2-add "$smoke" --l2-run kvm-smoke
        cmd=("$NESTVM" run --memory 1G --kernel "$CACHE/kernels/7-cloud/Image" --initrd "$nvkit"
             --timeout "${BOOT_TIMEOUT:-600}" --nested --cpus 2 --append "console=ttyAMA0 kvm-arm.mode=nested")
        l1kvm='kvm \[1\]: VHE\+NV2 mode initialized successfully' l2el=EL2 nested=1 l1k=7-cloud
        desc="nestvm --nested --cpus 2, KVM VHE+NV2; L2 --nested at EL2 runs an L3" ;;
    nokvm) cmd=("${nv[@]}" --append "console=ttyAMA0") l1el=EL1 l1kvm="" want_rc=2 desc="nestvm without --nested: no KVM" ;;
    *) echo "FAIL: l2_nestvm: unknown mode '$mode' (vhe, nvhe, qemu, nokvm, nv2, all)"; exit 1 ;;
    esac
    start=$(date +%s.%N)
    "${cmd[@]}" </dev/null >"$work/$mode.log" 2>&1
    rc=$?
    secs=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN{printf "%.1f", b-a}')
    tr -d '\r' <"$work/$mode.log" >"$work/clean.log"
    # L1's part ends where its script starts L2; L2's part is what follows up
    # to the L1 script's report of L2's exit.
    awk '/^L1: starting L2/{exit} {print}' "$work/clean.log" >"$work/l1.log"
    awk '/^L1: starting L2/{on=1; next} /^L1: L2 nestvm exit/{on=0} on' "$work/clean.log" >"$work/l2.log"
    awk '/^L1: L2 nestvm exit/{on=1} on' "$work/clean.log" >"$work/after.log"
    missing=()
    need() { grep -qE -- "$2" "$work/$1.log" || missing+=("$1: $2"); }
    need l1 "CPU: All CPU\(s\) started at $l1el"
    need after "^L1: L2 nestvm exit $want_rc\$"
    need after "^NESTVM-GUEST-DONE rc=$want_rc\$"
    if [ $want_rc = 0 ]; then
        need l1 "$l1kvm"
        need l2 '^L2-MARKER: hello from the L2 guest$'
        need l2 "^CPU: All CPU\\(s\\) started at $l2el\$"
        if [ $nested = 1 ]; then
            # L2's own KVM (default mode: VHE), and an L3 guest run by it
            need l2 '^kvm \[1\]: VHE mode initialized successfully$'
            need l2 '^kvm-smoke: PASS'
        else
            need l1 "$NOEL2"
            need l1 '^L1: nestvm --accel kvm --nested exit 2$'
        fi
        need l2 '^L2-DMESG-CHECKED$'
        need l2 '^NESTVM-GUEST-DONE rc=0$'
        grep -q '^L2-DMESG-BAD: ' "$work/l2.log" && missing+=("a clean L2 kernel log ($(grep -c '^L2-DMESG-BAD: ' "$work/l2.log") L2-DMESG-BAD lines)")
        [ "$(grep -c '^nestvm: ' "$work/clean.log")" = $((1 - nested)) ] || missing+=("exactly $((1 - nested)) 'nestvm:' lines (the EL2 refusal)")
    else
        need l2 '^nestvm: .*cannot open /dev/kvm: No such file or directory'
        [ "$(grep -c '^nestvm: ' "$work/l2.log")" = 1 ] || missing+=("exactly one 'nestvm:' line from L1's nestvm")
        grep -q '^L1: nestvm --accel kvm --nested' "$work/clean.log" && missing+=("no /dev/kvm in L1")
    fi
    # the outer VMM: nestvm exits 0 when L1 powers off; QEMU with -no-reboot too
    bad=$(grep -E 'WARNING:|BUG:|Oops|\[Firmware Bug\]|Kernel panic|^L2-DMESG-BAD: ' "$work/clean.log" || true)
    if [ $rc = 0 ] && [ ${#missing[@]} = 0 ] && [ -z "$bad" ]; then
        echo "PASS: l2_nestvm ($mode): L1 $l1k on $desc; L2 $L2K, nestvm --accel kvm; ${secs}s"
        grep -E '^(L1: |L2-MARKER|CPU: All|nestvm: |kvm \[1\]: .*initialized|kvm-smoke: )' "$work/clean.log" | sed 's/^/  /'
    else
        fail=1
        echo "FAIL: l2_nestvm ($mode): outer exit $rc after ${secs}s"
        for e in "${missing[@]}"; do echo "  missing: $e"; done
        [ -n "$bad" ] && echo "  bad lines:" && echo "$bad" | head -5 | sed 's/^/    /'
        echo "  console tail:"
        tail -25 "$work/clean.log" | sed 's/^/    /'
    fi
done
exit $fail
