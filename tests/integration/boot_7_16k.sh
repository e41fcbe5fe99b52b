#!/bin/bash
# 7.x with 16 KiB pages: stage-1 (and KVM's stage-2) walks with the 16K granule.
. "$(dirname "$0")/lib/boot.bash"
boot_test boot_7_16k 7-16k "--nested" "" "kvm-smoke;cat /sys/kernel/mm/transparent_hugepage/hpage_pmd_size" \
    'CPU: All CPU\(s\) started at EL2' 'kvm \[1\]: VHE mode initialized successfully' '^kvm-smoke: PASS' '^33554432$'
