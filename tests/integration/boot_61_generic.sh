#!/bin/bash
# Debian 6.1's generic arm64 kernel (modules-heavy config) at EL1, 4 vCPUs.
. "$(dirname "$0")/lib/boot.bash"
boot_test boot_61_generic 6.1-generic "--cpus 4" "" "grep -c ^processor /proc/cpuinfo;sleep 1" \
    'CPU: All CPU\(s\) started at EL1' 'kvm \[1\]: HYP mode not available' '^4$'
