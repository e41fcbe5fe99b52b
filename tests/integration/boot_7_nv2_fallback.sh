#!/bin/bash
# The same kernel and command line on the no-nv2 CPU model (FEAT_NV without
# FEAT_NV2): Linux does not enable nested mode and KVM falls back to plain VHE;
# kvm-nv-test must then report that EL2 vCPUs are unavailable.
. "$(dirname "$0")/lib/boot.bash"
boot_test boot_7_nv2_fallback 7-cloud "--nested --cpu-model no-nv2" "kvm-arm.mode=nested" \
    "kvm-smoke;! kvm-nv-test" \
    'CPU: All CPU\(s\) started at EL2' '^kvm \[1\]: VHE mode initialized successfully' '^kvm-smoke: PASS' \
    '^kvm-nv-test: FAIL setup: KVM_CAP_ARM_EL2 not supported'
