#!/bin/bash
# Recursive nesting: the 7.x cloud kernel at EL2 with kvm-arm.mode=nested sees
# FEAT_NV2 and runs KVM in VHE+NV2 mode; kvm-nv-test gives its guest a vCPU
# with EL2 (a guest hypervisor that runs an L3 guest under its own stage 2),
# and kvm-smoke checks that plain guests still run in nested mode.
. "$(dirname "$0")/lib/boot.bash"
boot_test boot_7_nv2 7-cloud "--nested" "kvm-arm.mode=nested" "kvm-nv-test;kvm-smoke" \
    'CPU: All CPU\(s\) started at EL2' '^\[ *[0-9.]+\] CPU features: detected: Nested Virtualization Support' \
    '^kvm \[1\]: VHE\+NV2 mode initialized successfully' '^kvm-nv-test: PASS' '^kvm-smoke: PASS'
