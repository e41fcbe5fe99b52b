#!/bin/bash
# `nestvm run` with bad usage or bad input: exit 2 and one clear error line,
# never a crash.  Each case: expected stderr pattern, then the arguments.
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
NESTVM=${NESTVM_BUILD:-$ROOT/build}/nestvm
W=$(mktemp -d); trap 'rm -rf "$W"' EXIT
printf 'not a kernel at all, just some text that is long enough for a header.....\n' >"$W/text"
# A valid arm64 Image header cut off after 64 bytes, and one claiming absurd sizes.
python3 - "$W" <<'PY'
import struct, sys, gzip, os
w = sys.argv[1]
hdr = struct.pack('<II QQQ QQQ I I', 0x14000000, 0, 0, 1 << 20, 2, 0, 0, 0, 0x644d5241, 0)
open(f'{w}/short', 'wb').write(hdr)                          # image_size 1 MiB, file 64 bytes: ok as a file
bad = struct.pack('<II QQQ QQQ I I', 0x14000000, 0, 0x1234, 1 << 40, 2, 0, 0, 0, 0x644d5241, 0)
open(f'{w}/absurd', 'wb').write(bad)
be = struct.pack('<II QQQ QQQ I I', 0x14000000, 0, 0, 1 << 20, 3, 0, 0, 0, 0x644d5241, 0)
open(f'{w}/bigendian', 'wb').write(be)
open(f'{w}/trunc.gz', 'wb').write(gzip.compress(hdr + os.urandom(100000))[:2000])
open(f'{w}/big-initrd', 'wb').truncate(253 << 20)
PY
fails=0 n=0
check() {   # pattern args...
    local pat=$1; shift
    n=$((n + 1))
    "$NESTVM" "$@" </dev/null >"$W/out" 2>"$W/err"
    local rc=$? lines; lines=$(wc -l <"$W/err")
    if [ $rc -ne 2 ] || [ "$lines" -ne 1 ] || ! grep -qE -- "$pat" "$W/err"; then
        echo "FAIL: nestvm $* -> exit $rc, stderr ($lines lines):"; sed 's/^/    /' "$W/err"
        fails=$((fails + 1))
    fi
}
check "--kernel IMAGE is required" run
check "cannot open '$W/none'" run --kernel "$W/none"
check "is not a regular file" run --kernel "$W"
check "is not an arm64 Linux Image" run --kernel "$W/text"
check "inconsistent Image header" run --kernel "$W/absurd"
check "big-endian" run --kernel "$W/bigendian"
check "corrupt or truncated gzip" run --kernel "$W/trunc.gz"
check "cannot hold" run --kernel "$W/short" --initrd "$W/big-initrd" --memory 256M
check "too large" run --kernel "$W/short" --initrd "$W/big-initrd" --memory 128M
check "--memory must be" run --kernel "$W/short" --memory 10
check "--memory must be" run --kernel "$W/short" --memory lots
check "--memory must be" run --kernel "$W/short" --memory 100000G
check "--cpus must be" run --kernel "$W/short" --cpus 0
check "--cpus must be" run --kernel "$W/short" --cpus 99
check "--timeout must be" run --kernel "$W/short" --timeout -3
check "unknown CPU model" run --kernel "$W/short" --cpu-model nosuch
check "unknown or incomplete option" run --kernel "$W/short" --frobnicate
check "unexpected argument" run --kernel "$W/short" extra
check "unknown command" frobnicate
if [ $fails -ne 0 ]; then
    echo "FAIL: run_bad_input: $fails of $n cases"
    exit 1
fi
echo "PASS: run_bad_input: $n cases, each exit 2 with one error line"
