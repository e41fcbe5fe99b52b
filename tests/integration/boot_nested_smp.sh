#!/bin/bash
# Two vCPUs brought up by PSCI CPU_ON at EL2; KVM and kvm-smoke on top.
. "$(dirname "$0")/lib/boot.bash"
boot_test boot_nested_smp 6.1-cloud "--nested --cpus 2" "" "kvm-smoke;grep -c ^processor /proc/cpuinfo" \
    'smp: Brought up 1 node, 2 CPUs' 'CPU: All CPU\(s\) started at EL2' \
    'kvm \[1\]: VHE mode initialized successfully' '^kvm-smoke: PASS' '^2$'
