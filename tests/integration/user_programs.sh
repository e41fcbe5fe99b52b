#!/bin/sh
# Cross-build the programs in tests/user and run each under build/nestvm-user
# and under qemu-aarch64 -cpu max: stdout and exit status must be identical.
# Programs are built for -march=armv8-a and -march=armv8.2-a (glibc, -static),
# hello also as static-PIE; nl_*.c are freestanding (no glibc, no SIMD).
# A "// run: ARGS" line in a source adds a run with those arguments.
# Then bad-input checks (exit 2) and a few nestvm-only checks where
# qemu-aarch64 cannot be the reference.
# Environment: NESTVM_BUILD (build dir), NESTVM_SRC (source dir),
# NVT_ONLY="hello fileio" to run a subset.
set -u
SRC=${NESTVM_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}
BUILD=${NESTVM_BUILD:-$SRC/build}
NV=$BUILD/nestvm-user
CC=${AARCH64_CC:-aarch64-linux-gnu-gcc}
QEMU=${QEMU_AARCH64:-qemu-aarch64}

command -v "$CC" >/dev/null 2>&1 || { echo "SKIP: $CC (cross compiler) not found"; exit 77; }
command -v "$QEMU" >/dev/null 2>&1 || { echo "SKIP: $QEMU not found"; exit 77; }
[ -x "$NV" ] || { echo "FAIL: $NV not built"; exit 1; }

WORK=$(mktemp -d /tmp/nestvm-user-test.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
pass=0
fail=0
failed=""

ok() { pass=$((pass + 1)); echo "ok   $1"; }
bad() { fail=$((fail + 1)); failed="$failed $1"; echo "FAIL $1"; }

# Run "$@" with a fixed environment, stdout to $out, status to $rc.
run_env() {
    env -i PATH=/usr/bin:/bin HOME=/tmp LANG=C NVT_A=alpha NVT_B="be ta" "$@"
}

compare() { # name binary args...
    name=$1; bin=$2; shift 2
    run_env timeout -s KILL 120 "$QEMU" -cpu max "$bin" "$@" >"$WORK/q.out" 2>"$WORK/q.err" </dev/null
    qrc=$?
    timeout -s KILL 120 env -i PATH=/usr/bin:/bin HOME=/tmp LANG=C NVT_A=alpha NVT_B="be ta" "$NV" ${NVFLAGS:-} "$bin" "$@" \
        >"$WORK/n.out" 2>"$WORK/n.err" </dev/null
    nrc=$?
    if [ "$qrc" = "$nrc" ] && cmp -s "$WORK/q.out" "$WORK/n.out"; then
        ok "$name (exit $nrc)"
    else
        bad "$name"
        echo "  qemu exit $qrc, nestvm-user exit $nrc"
        diff "$WORK/q.out" "$WORK/n.out" | head -20 | sed 's/^/  /'
        head -5 "$WORK/n.err" | sed 's/^/  stderr: /'
    fi
}

selected() {
    [ -z "${NVT_ONLY:-}" ] && return 0
    for s in $NVT_ONLY; do [ "$s" = "$1" ] && return 0; done
    return 1
}

for src in "$SRC"/tests/user/*.c; do
    base=$(basename "$src" .c)
    selected "$base" || continue
    case $base in
    nvonly_*) continue ;;
    nl_threads) variants="nolibc nolibc-lse" ;;
    nl_*) variants="nolibc" ;;
    hello) variants="armv8-a armv8.2-a pie" ;;
    *) variants="armv8-a armv8.2-a" ;;
    esac
    for v in $variants; do
        exe=$WORK/$base.$v
        case $v in
        nolibc) flags="-O2 -static -nostdlib -ffreestanding -mgeneral-regs-only -fno-builtin -mno-outline-atomics -I$SRC/tests/user" ;;
        nolibc-lse) flags="-O2 -march=armv8.2-a -static -nostdlib -ffreestanding -mgeneral-regs-only -fno-builtin -mno-outline-atomics -I$SRC/tests/user" ;;
        pie) flags="-O2 -static-pie -fPIE" ;;
        *) flags="-O2 -static -march=$v -lm" ;;
        esac
        if ! $CC $flags -o "$exe" "$src" -w 2>"$WORK/cc.err"; then
            bad "$base.$v (build)"
            head -5 "$WORK/cc.err"
            continue
        fi
        compare "$base.$v" "$exe"
        # The armv8.2-a builds also run on the "max" CPU model (glibc picks
        # other string routines from the HWCAPs).
        if [ "$v" = armv8.2-a ]; then
            NVFLAGS="--cpu max"
            compare "$base.$v --cpu max" "$exe"
            NVFLAGS=""
        fi
        grep '^// run:' "$src" | sed 's,^// run: *,,' >"$WORK/runs"
        while IFS= read -r args; do
            eval "set -- $args"
            compare "$base.$v [$args]" "$exe" "$@"
        done <"$WORK/runs"
    done
done

# ---- bad input: one error line, exit 2 ------------------------------------------
expect2() { # name file
    "$NV" "$2" >"$WORK/b.out" 2>"$WORK/b.err"
    rc=$?
    if [ $rc = 2 ] && [ "$(wc -l <"$WORK/b.err")" = 1 ]; then
        ok "bad input: $1 ($(cat "$WORK/b.err"))"
    else
        bad "bad input: $1 (exit $rc)"
        head -3 "$WORK/b.err"
    fi
}
if selected badinput; then
    printf 'this is not an ELF file\n' >"$WORK/notelf"
    expect2 "not an ELF" "$WORK/notelf"
    printf '\177ELF' >"$WORK/short"
    expect2 "4-byte ELF" "$WORK/short"
    printf 'int main(void){return 0;}\n' >"$WORK/d.c"
    if $CC -O2 -o "$WORK/dyn" "$WORK/d.c" 2>/dev/null; then
        expect2 "dynamic ELF" "$WORK/dyn"
        head -c 200 "$WORK/dyn" >"$WORK/trunc"
        expect2 "truncated ELF" "$WORK/trunc"
        $CC -O2 -static -o "$WORK/st" "$WORK/d.c"
        head -c 3000 "$WORK/st" >"$WORK/trunc2"
        expect2 "truncated segments" "$WORK/trunc2"
    fi
    expect2 "wrong machine" /bin/sh
    expect2 "directory" /tmp
    expect2 "missing file" "$WORK/does-not-exist"
    # A segment placed beyond the 48-bit address space.
    python3 - "$WORK/st" "$WORK/range" <<'PY' && expect2 "segment out of range" "$WORK/range"
import struct, sys
d = bytearray(open(sys.argv[1], 'rb').read())
phoff, = struct.unpack_from('<Q', d, 32)
phnum, = struct.unpack_from('<H', d, 56)
for i in range(phnum):
    o = phoff + 56 * i
    if struct.unpack_from('<I', d, o)[0] == 1:
        struct.pack_into('<Q', d, o + 16, 0x7fff00000000000)
        break
open(sys.argv[2], 'wb').write(d)
PY
fi

# ---- nestvm-only checks (qemu-aarch64 differs from Linux or cannot run these) ----
nvonly() { # name expected-substring binary args...
    name=$1; want=$2; shift 2
    out=$(run_env NVT_STRICT=1 "$NV" "$@" 2>&1)
    case $out in
    *"$want"*) ok "$name" ;;
    *) bad "$name"; echo "$out" | tail -5 | sed 's/^/  /' ;;
    esac
}
if selected signals && [ -x "$WORK/signals.armv8-a" ]; then
    nvonly "SIGILL is ILL_ILLOPC at the pc" "SIGILL: sig=4 code=1 addr-ok=1" "$WORK/signals.armv8-a"
fi
if selected mmap && [ -x "$WORK/mmap.armv8-a" ]; then
    nvonly "MAP_FIXED_NOREPLACE over a mapping fails with EEXIST" "noreplace EEXIST=1" "$WORK/mmap.armv8-a"
fi
if selected fork_wait && [ -x "$WORK/fork_wait.armv8-a" ]; then
    nvonly "execve of a static aarch64 program" "exec'd child says hi" "$WORK/fork_wait.armv8-a" exec
    nvonly "exec'd child exit status" "exec child status=7" "$WORK/fork_wait.armv8-a" exec
fi

if selected exec; then
    NL="-O2 -static -nostdlib -ffreestanding -mgeneral-regs-only -fno-builtin -I$SRC/tests/user"
    if $CC $NL -o "$WORK/nvonly_exec" "$SRC/tests/user/nvonly_exec.c" -w; then
        out=$(cd "$WORK" && run_env "$NV" ./nvonly_exec 2>&1)
        rc=$?
        want="pipe fds=34
child argv: ./nvonly_exec child x y
child status=12
exec missing file=-2
stage2 cloexec fd closed=1
stage2 plain fd open=1"
        if [ "$out" = "$want" ] && [ $rc = 11 ]; then ok "execve, fork+exec+wait, close-on-exec"; else
            bad "execve, fork+exec+wait, close-on-exec"; echo "$out" | sed 's/^/  /'; echo "  exit $rc"; fi
        out=$(cd "$WORK" && run_env timeout 20 "$NV" ./nvonly_exec mtexec 2>&1)
        rc=$?
        if [ "$out" = "stage3 after multithreaded execve" ] && [ $rc = 13 ]; then
            ok "execve from a multithreaded process"; else bad "execve from a multithreaded process"; echo "  $out (exit $rc)"; fi
        printf '#!%s child\n' "$WORK/nvonly_exec" >"$WORK/script"
        chmod +x "$WORK/script"
        out=$(cd "$WORK" && run_env "$NV" ./nvonly_exec ./script script 2>&1)
        rc=$?
        if [ "$out" = "child argv: $WORK/nvonly_exec child ./script scriptarg" ] && [ $rc = 12 ]; then
            ok "execve of a #! script"; else bad "execve of a #! script"; echo "  $out (exit $rc)"; fi
    else
        bad "nvonly_exec (build)"
    fi
fi

if selected badptr; then
    # qemu-aarch64 is no reference here: it aborts on munmap of a huge length.
    NL="-O2 -static -nostdlib -ffreestanding -mgeneral-regs-only -fno-builtin -I$SRC/tests/user"
    if $CC $NL -o "$WORK/nvonly_badptr" "$SRC/tests/user/nvonly_badptr.c" -w; then
        run_env "$NV" "$WORK/nvonly_badptr" >"$WORK/bp.out" 2>&1 </dev/null
        rc=$?
        # Every syscall result must be an error (negative), except brk (1 = unchanged break).
        nonneg=$(grep -v -e '^--' -e '^survived' -e '^brk-kernel 1$' "$WORK/bp.out" | awk '$NF !~ /^-/' | head -5)
        if [ $rc = 0 ] && grep -q '^survived$' "$WORK/bp.out" && [ -z "$nonneg" ]; then
            ok "bad guest pointers give errors ($(grep -c . "$WORK/bp.out") lines)"
        else
            bad "bad guest pointers give errors"
            echo "  exit $rc; unexpected: $nonneg"
            tail -3 "$WORK/bp.out" | sed 's/^/  /'
        fi
    else
        bad "nvonly_badptr (build)"
    fi
fi

echo "user programs: $pass passed, $fail failed"
[ $fail = 0 ] || { echo "failed:$failed"; exit 1; }
exit 0
