#!/bin/bash
# --dtb-out writes the generated device tree: a valid blob (magic, size) with
# the GICv3, PSCI (hvc without EL2, smc with it), the timer's EL2 virtual
# timer PPI when nested, and the GIC maintenance interrupt when nested.
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
. "$ROOT/tests/integration/lib/boot.bash"
need_kernel 6.1-cloud
W=$(mktemp -d); trap 'rm -rf "$W"' EXIT
fails=0
for mode in plain nested; do
    flag=""; [ $mode = nested ] && flag=--nested
    # The guest needs no initramfs: stop it right after writing the blob.
    "$NESTVM" run --kernel "$CACHE/kernels/6.1-cloud/Image" --dtb-out "$W/$mode.dtb" --timeout 0.5 $flag \
        --append "console=ttyAMA0" </dev/null >/dev/null 2>&1
    PYTHONPATH="$ROOT/tests/integration/lib" python3 - "$W/$mode.dtb" "$mode" <<'PY' || fails=$((fails + 1))
import struct, sys
import fdtprops
mode = sys.argv[2]
blob, total, props = fdtprops.load(sys.argv[1])
assert total == len(blob), f'totalsize {total} != file {len(blob)}'
def get(k):
    assert k in props, f'{k} missing'
    return props[k]
method = get('/psci:method').rstrip(b'\0').decode()
assert method == ('smc' if mode == 'nested' else 'hvc'), f'psci method {method}'
timer = struct.unpack('>%dI' % (len(get('/timer:interrupts')) // 4), get('/timer:interrupts'))
ppis = [timer[k + 1] for k in range(0, len(timer), 3)]
want = [13, 14, 11, 10] + ([12] if mode == 'nested' else [])
assert ppis == want, f'timer PPIs {ppis}, want {want}'
gic = [k for k in props if k.endswith(':compatible') and props[k].startswith(b'arm,gic-v3')]
assert gic, 'no arm,gic-v3 node'
node = gic[0].split(':')[0]
has_maint = node + ':interrupts' in props
assert has_maint == (mode == 'nested'), f'GIC maintenance interrupt present={has_maint}'
assert get('/chosen:bootargs').startswith(b'console=ttyAMA0')
for comp in (b'arm,pl011', b'arm,pl031'):
    assert any(v.startswith(comp) for k, v in props.items() if k.endswith(':compatible')), f'{comp} missing'
print(f'ok {mode}: {total} bytes, psci {method}, timer PPIs {ppis}')
PY
done
[ $fails = 0 ] && echo "PASS: dtb_out" && exit 0
echo "FAIL: dtb_out ($fails)"; exit 1
