#!/bin/bash
# The mission's proof of KVM-accelerated VMs inside a Linux VM: build/nestvm
# (software CPU, --nested, 2 vCPUs) boots an L1 Linux at EL2; inside it, nestvm
# built for aarch64 boots an L2 Linux through the L1 kernel's KVM
# (--accel kvm).  L2 prints its marker and EL1 line and powers off; its exit
# code reaches L1's script, L1 powers off, the outer nestvm exits 0.
#
#   tests/integration/l2_nestvm.sh [vhe|nvhe|both]   (default: $L2_MODES or vhe)
#
# vhe: L1's KVM in its default VHE mode; nvhe: L1 booted with
# kvm-arm.mode=nvhe.  The suite runs vhe (about a minute); bench/nested and
# `l2_nestvm.sh both` run both.  L1_KERNEL picks L1's kernel (6.1-cloud).
. "$(dirname "$0")/lib/boot.bash"

MODES=${1:-${L2_MODES:-vhe}}
[ "$MODES" = both ] && MODES="vhe nvhe"
L1K=${L1_KERNEL:-6.1-cloud}
command -v aarch64-linux-gnu-gcc >/dev/null || skip "aarch64-linux-gnu-gcc not installed"
[ -x "$NESTVM" ] || { echo "FAIL: l2_nestvm: $NESTVM not built"; exit 1; }
need_kernel "$L1K"
need_kernel 6.1-cloud
KIT=$("$G/build-l2-kit" --l1-kernel "$L1K" 2>/tmp/l2_nestvm.kit.$$) || {
    echo "FAIL: l2_nestvm: guest/build-l2-kit failed:"; tail -5 /tmp/l2_nestvm.kit.$$; rm -f /tmp/l2_nestvm.kit.$$; exit 1; }
rm -f /tmp/l2_nestvm.kit.$$

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail=0
for mode in $MODES; do
    case $mode in
    vhe) append="" l1kvm='kvm \[1\]: VHE mode initialized successfully' ;;
    nvhe) append=" kvm-arm.mode=nvhe" l1kvm='kvm \[1\]: Hyp mode initialized successfully' ;;
    *) echo "FAIL: l2_nestvm: unknown mode '$mode' (vhe, nvhe, both)"; exit 1 ;;
    esac
    start=$(date +%s.%N)
    "$NESTVM" run --nested --cpus 2 --memory 1G --kernel "$CACHE/kernels/$L1K/Image" --initrd "$KIT" \
        --append "console=ttyAMA0$append" --timeout "${BOOT_TIMEOUT:-600}" </dev/null >"$work/$mode.log" 2>&1
    rc=$?
    secs=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN{printf "%.1f", b-a}')
    tr -d '\r' <"$work/$mode.log" >"$work/clean.log"
    # L1's part ends where its script starts L2; L2's part is what follows up
    # to the L1 script's report of L2's exit.
    awk '/^L1: starting L2/{exit} {print}' "$work/clean.log" >"$work/l1.log"
    awk '/^L1: starting L2/{on=1; next} /^L1: L2 nestvm exit/{on=0} on' "$work/clean.log" >"$work/l2.log"
    awk '/^L1: L2 nestvm exit/{on=1} on' "$work/clean.log" >"$work/after.log"
    missing=()
    grep -q 'CPU: All CPU(s) started at EL2' "$work/l1.log" || missing+=("L1: CPU: All CPU(s) started at EL2")
    grep -qE "$l1kvm" "$work/l1.log" || missing+=("L1: $l1kvm")
    grep -q '^L2-MARKER: hello from the L2 guest' "$work/l2.log" || missing+=("L2: L2-MARKER")
    grep -q '^CPU: All CPU(s) started at EL1' "$work/l2.log" || missing+=("L2: CPU: All CPU(s) started at EL1")
    grep -q '^NESTVM-GUEST-DONE rc=0' "$work/l2.log" || missing+=("L2: NESTVM-GUEST-DONE rc=0")
    grep -q '^L1: L2 nestvm exit 0$' "$work/after.log" || missing+=("L1: L2 nestvm exit 0")
    grep -q '^NESTVM-GUEST-DONE rc=0' "$work/after.log" || missing+=("L1: NESTVM-GUEST-DONE rc=0 after L2")
    bad=$(grep -E 'WARNING:|BUG:|Oops|\[Firmware Bug\]|Kernel panic|^nestvm: ' "$work/clean.log" || true)
    if [ $rc = 0 ] && [ ${#missing[@]} = 0 ] && [ -z "$bad" ]; then
        echo "PASS: l2_nestvm ($mode): L1 $L1K --nested --cpus 2 ${mode}, L2 6.1-cloud via --accel kvm, in ${secs}s"
        grep -E '^(L1: |L2-MARKER|CPU: All)' "$work/clean.log" | sed 's/^/  /'
    else
        fail=1
        echo "FAIL: l2_nestvm ($mode): outer nestvm exit $rc after ${secs}s"
        for e in "${missing[@]}"; do echo "  missing: $e"; done
        [ -n "$bad" ] && echo "  bad lines:" && echo "$bad" | head -5 | sed 's/^/    /'
        echo "  console tail:"
        tail -25 "$work/clean.log" | sed 's/^/    /'
    fi
done
exit $fail
