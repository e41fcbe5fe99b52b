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
    python3 - "$W/$mode.dtb" "$mode" <<'PY' || fails=$((fails + 1))
import struct, sys
blob = open(sys.argv[1], 'rb').read()
mode = sys.argv[2]
magic, total, off_struct, off_strings = struct.unpack('>IIII', blob[:16])
assert magic == 0xd00dfeed, 'bad magic'
assert total == len(blob), f'totalsize {total} != file {len(blob)}'
# Walk the structure block: FDT_BEGIN_NODE 1, END_NODE 2, PROP 3, NOP 4, END 9.
props, path, i = {}, [], off_struct
while True:
    tok = struct.unpack('>I', blob[i:i + 4])[0]; i += 4
    if tok == 1:
        end = blob.index(b'\0', i); path.append(blob[i:end].decode()); i = (end + 4) & ~3
    elif tok == 2:
        path.pop()
    elif tok == 3:
        ln, nameoff = struct.unpack('>II', blob[i:i + 8]); i += 8
        name = blob[off_strings + nameoff:blob.index(b'\0', off_strings + nameoff)].decode()
        props['/'.join(path) + ':' + name] = blob[i:i + ln]; i = (i + ln + 3) & ~3
    elif tok == 9:
        break
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
