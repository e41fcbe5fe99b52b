#!/bin/bash
# Debian 6.1 cloud kernel without nested virtualization: boots at EL1, KVM
# reports no HYP mode, busybox runs commands, the guest powers off (exit 0).
. "$(dirname "$0")/lib/boot.bash"
boot_test boot_el1 6.1-cloud "" "" "uname -m;cat /proc/cpuinfo" \
    'CPU: All CPU\(s\) started at EL1' 'kvm \[1\]: HYP mode not available' '^aarch64$' \
    'Features.*: .*fp asimd .*aes pmull sha1 sha2 crc32 atomics'
