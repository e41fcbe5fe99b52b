#!/bin/bash
# Debian's 6.12 cloud kernel at EL2 with kvm-arm.mode=nvhe (6.12 and later
# print "Hyp nVHE mode"); kvm-smoke runs through the split hypervisor.
. "$(dirname "$0")/lib/boot.bash"
boot_test boot_612_nvhe 6.12-cloud "--nested" "kvm-arm.mode=nvhe" "kvm-smoke" \
    'CPU: All CPU\(s\) started at EL2' 'kvm \[1\]: Hyp nVHE mode initialized successfully' '^kvm-smoke: PASS'
