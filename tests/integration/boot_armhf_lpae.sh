#!/bin/bash
# boot_armhf.sh with Debian's armhf armmp-lpae kernel: long-descriptor
# (LPAE) translation at AArch32 EL1.
exec "$(dirname "$0")/boot_armhf.sh" 6.1-armmp-lpae
