#!/bin/bash
# --nested: the 6.1 kernel starts at EL2, its KVM initializes in VHE mode and
# runs the kit's kvm-smoke L2 guest (MMIO exits, HVC, vtimer via the vGIC)
# and kvm-a32, a 32-bit L2 (AArch32 EL1 below the guest's EL2, HCR_EL2.RW = 0).
. "$(dirname "$0")/lib/boot.bash"
boot_test boot_nested_vhe 6.1-cloud "--nested" "" "kvm-smoke;kvm-a32" \
    'CPU: All CPU\(s\) started at EL2' 'kvm \[1\]: VHE mode initialized successfully' '^kvm-smoke: PASS' '^kvm-a32: PASS'
