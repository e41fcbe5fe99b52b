#!/bin/bash
# --console virtio: stdio belongs to virtio-console (hvc0, built into Debian
# 6.12 without modules) over virtio-pci.  The kit's marker and the commands'
# output appear on hvc0 (the PL011 is disconnected), and a line piped into
# nestvm's stdin reaches a shell `read` in the guest.
. "$(dirname "$0")/lib/boot.bash"
T=$(mktemp -d)
BOOT_TMP=$T
echo "hello-from-host-$$" >"$T/stdin"
# The kernel's first lines go to the (disconnected) PL011 only.
pl011_silent() { ! grep -q 'Booting Linux on physical CPU' "$1"; }
BOOT_STDIN=$T/stdin BOOT_CHECK=pl011_silent \
boot_test virtio_console 6.12-cloud "--console virtio" "console=hvc0" \
    'cat /proc/consoles;read line && echo "got:$line";readlink /proc/self/fd/0' \
    '^hvc0 +-W- \(EC' "^got:hello-from-host-$$\$" '^/dev/console$'
