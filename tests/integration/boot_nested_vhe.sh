#!/bin/bash
# --nested: the 6.1 kernel starts at EL2, its KVM initializes in VHE mode and
# runs the kit's kvm-smoke L2 guest (MMIO exits, HVC, vtimer via the vGIC).
. "$(dirname "$0")/lib/boot.bash"
boot_test boot_nested_vhe 6.1-cloud "--nested" "" "kvm-smoke" \
    'CPU: All CPU\(s\) started at EL2' 'kvm \[1\]: VHE mode initialized successfully' '^kvm-smoke: PASS'
