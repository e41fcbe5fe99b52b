#!/bin/bash
# Debian 6.1 cloud kernel without nested virtualization: boots at EL1, KVM
# reports no HYP mode, /proc/cpuinfo shows the model's features, `sleep 2`
# takes 2 s of wall time as the guest measures it (timer rate), an access to
# an unbacked physical address is a bus error in the guest (SIGBUS, 128+7)
# and not a VMM crash, and the guest powers off (exit 0).
. "$(dirname "$0")/lib/boot.bash"
boot_test boot_el1 6.1-cloud "" "" \
    "uname -m;cat /proc/cpuinfo;time sleep 2;devmem 0x0c000000 32 || echo devmem-rc=\$?" \
    'CPU: All CPU\(s\) started at EL1' 'kvm \[1\]: HYP mode not available' '^aarch64$' \
    'Features.*: .*fp asimd .*aes pmull sha1 sha2 crc32 atomics' '^real[[:space:]]+0m 2\.0[0-9]s' \
    '^devmem-rc=135$'
