#!/bin/bash
# --nested with kvm-arm.mode=nvhe: KVM's hypervisor runs at EL2 separately
# from the kernel (6.1 prints "Hyp mode"); kvm-smoke and the 32-bit kvm-a32
# pass through it.
. "$(dirname "$0")/lib/boot.bash"
boot_test boot_nested_nvhe 6.1-cloud "--nested" "kvm-arm.mode=nvhe" "kvm-smoke;kvm-a32" \
    'CPU: All CPU\(s\) started at EL2' 'kvm \[1\]: Hyp mode initialized successfully' '^kvm-smoke: PASS' '^kvm-a32: PASS'
