#!/bin/bash
# `nestvm run` with bad usage or bad input: exit 2 and one clear error line,
# never a crash.  Each case: expected stderr pattern, then the arguments.
. "$(dirname "$0")/lib/boot.bash"
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
# 32-bit ARM zImages: magic at 0x24, start/end at 0x28/0x2c, endianness at 0x30.
def zimage(start, end, endian, size):
    z = bytearray(size)
    struct.pack_into('<IIII', z, 0x24, 0x016f2818, start, end, endian)
    return bytes(z)
open(f'{w}/zimage', 'wb').write(zimage(0, 4096, 0x04030201, 4096))
open(f'{w}/zimage-long', 'wb').write(zimage(0, 1 << 20, 0x04030201, 4096))
open(f'{w}/zimage-be', 'wb').write(zimage(0, 4096, 0x01020304, 4096))
PY
fails=0 n=0
expect_one_error "--kernel IMAGE is required" run
expect_one_error "cannot open '$W/none'" run --kernel "$W/none"
expect_one_error "is not a regular file" run --kernel "$W"
expect_one_error "is neither an arm64 Linux Image .* nor a 32-bit ARM zImage" run --kernel "$W/text"
expect_one_error "inconsistent zImage header" run --kernel "$W/zimage-long"
expect_one_error "big-endian zImage" run --kernel "$W/zimage-be"
expect_one_error "32-bit ARM kernel: it boots at AArch32 EL1, and nested" run --kernel "$W/zimage" --nested
expect_one_error "inconsistent Image header" run --kernel "$W/absurd"
expect_one_error "big-endian" run --kernel "$W/bigendian"
expect_one_error "corrupt or truncated gzip" run --kernel "$W/trunc.gz"
expect_one_error "cannot hold" run --kernel "$W/short" --initrd "$W/big-initrd" --memory 256M
expect_one_error "too large" run --kernel "$W/short" --initrd "$W/big-initrd" --memory 128M
expect_one_error "--memory must be" run --kernel "$W/short" --memory 10
expect_one_error "--memory must be" run --kernel "$W/short" --memory lots
expect_one_error "--memory must be" run --kernel "$W/short" --memory 100000G
expect_one_error "--cpus must be" run --kernel "$W/short" --cpus 0
expect_one_error "--cpus must be" run --kernel "$W/short" --cpus 99
expect_one_error "--timeout must be" run --kernel "$W/short" --timeout -3
expect_one_error "unknown CPU model" run --kernel "$W/short" --cpu-model nosuch
expect_one_error "unknown or incomplete option" run --kernel "$W/short" --frobnicate
expect_one_error "unexpected argument" run --kernel "$W/short" extra
expect_one_error "unknown command" frobnicate
if [ $fails -ne 0 ]; then
    echo "FAIL: run_bad_input: $fails of $n cases"
    exit 1
fi
echo "PASS: run_bad_input: $n cases, each exit 2 with one error line"
