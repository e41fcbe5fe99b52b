#!/bin/bash
# The device tree of the virtio transports (--dtb-out, no boot needed):
# the PCIe host (pci-host-ecam-generic at 0x3f000000, buses 0-15, I/O and
# 32-bit memory windows, INTA-INTD swizzled onto SPIs 3-6 by interrupt-map,
# dma-coherent, domain 0) with virtio on PCI, and one virtio,mmio node per
# device at 0x0a000000 + 0x200 n with SPI 16 + n with --virtio-transport mmio.
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
. "$ROOT/tests/integration/lib/boot.bash"
need_kernel 6.1-cloud
W=$(mktemp -d); trap 'rm -rf "$W"' EXIT
truncate -s 1M "$W/disk.img"
fails=0
for mode in pci mmio; do
    "$NESTVM" run --kernel "$CACHE/kernels/6.1-cloud/Image" --dtb-out "$W/$mode.dtb" --timeout 0.5 \
        --virtio-transport $mode --disk "$W/disk.img" --rng --append "console=ttyAMA0" </dev/null >/dev/null 2>&1
    PYTHONPATH="$ROOT/tests/integration/lib" python3 - "$W/$mode.dtb" "$mode" <<'PY' || fails=$((fails + 1))
import struct, sys
import fdtprops
mode = sys.argv[2]
blob, total, props = fdtprops.load(sys.argv[1])
def cells(k):
    assert k in props, f'{k} missing'
    return list(struct.unpack('>%dI' % (len(props[k]) // 4), props[k]))
gic_ph = [cells(k)[0] for k in props if k.endswith(':phandle') and k.startswith('/intc@')][0]
pcie = '/pcie@3f000000'
mmio = sorted(k.split(':')[0] for k in props if k.endswith(':compatible') and props[k] == b'virtio,mmio\0')
if mode == 'pci':
    assert props.get(pcie + ':compatible') == b'pci-host-ecam-generic\0', 'no ECAM host at 0x3f000000'
    assert props[pcie + ':device_type'] == b'pci\0'
    assert cells(pcie + ':reg') == [0, 0x3f000000, 0, 0x1000000], cells(pcie + ':reg')
    assert cells(pcie + ':bus-range') == [0, 15]
    assert cells(pcie + ':linux,pci-domain') == [0]
    assert pcie + ':dma-coherent' in props
    assert pcie + ':linux,pci-probe-only' not in props
    assert cells(pcie + ':#address-cells') == [3] and cells(pcie + ':#size-cells') == [2]
    assert cells(pcie + ':#interrupt-cells') == [1]
    assert cells(pcie + ':ranges') == [0x01000000, 0, 0, 0, 0x3eff0000, 0, 0x10000,
                                       0x02000000, 0, 0x10000000, 0, 0x10000000, 0, 0x2eff0000], cells(pcie + ':ranges')
    assert cells(pcie + ':interrupt-map-mask') == [0x1800, 0, 0, 7]
    m = cells(pcie + ':interrupt-map')
    assert len(m) == 16 * 8, len(m)
    seen = {}
    for e in range(16):
        hi, _, _, pin, ph, typ, spi, flags = m[e * 8:e * 8 + 8]
        assert ph == gic_ph and typ == 0 and flags == 4, m[e * 8:e * 8 + 8]
        seen[(hi >> 11, pin)] = spi
    want = {(s, p): 3 + (s + p - 1) % 4 for s in range(4) for p in range(1, 5)}
    assert seen == want, f'swizzle {seen}'
    assert not mmio, f'virtio,mmio nodes with PCI: {mmio}'
    print('ok pci: ECAM host, windows, swizzle onto SPIs 3-6')
else:
    assert pcie + ':compatible' not in props, 'PCIe host present with mmio transport'
    assert mmio == ['/virtio_mmio@a000000', '/virtio_mmio@a000200'], mmio
    for n, node in enumerate(mmio):
        assert cells(node + ':reg') == [0, 0x0a000000 + 0x200 * n, 0, 0x200], cells(node + ':reg')
        assert cells(node + ':interrupts') == [0, 16 + n, 4], cells(node + ':interrupts')
    print('ok mmio: 2 slots, SPIs 16 and 17')
PY
done
[ $fails = 0 ] && echo "PASS: virtio_dtb" && exit 0
echo "FAIL: virtio_dtb ($fails)"; exit 1
