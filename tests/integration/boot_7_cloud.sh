#!/bin/bash
# The newest Debian kernel (7.x cloud, trixie-backports) at EL2 with VHE KVM,
# two vCPUs; 7.x also checks that the device tree gives the EL2 virtual timer
# interrupt (no "[Firmware Bug]" line is allowed).
. "$(dirname "$0")/lib/boot.bash"
boot_test boot_7_cloud 7-cloud "--nested --cpus 2" "" "kvm-smoke" \
    'CPU: All CPU\(s\) started at EL2' 'kvm \[1\]: VHE mode initialized successfully' '^kvm-smoke: PASS'
