# Shared by the boot tests: boot a guest-kit kernel under nestvm and check
# what the guest printed.  Source it, then call boot_test.
#
#   boot_test NAME KERNEL_ID "NESTVM ARGS" "APPEND" "INITRD COMMANDS" [EXPECT ...]
#
# EXPECT entries are extended regexes that must all appear in the console log;
# the kit's marker NESTVM-GUEST-DONE rc=0 and exit code 0 are always required,
# and WARNING:/BUG:/Oops/[Firmware Bug] lines are always failures.
# Exit: 0 pass, 1 fail, 77 skip (kernel not cached and not fetchable, tools missing).
#
# Optional environment: BOOT_MK_ARGS extra mkinitramfs arguments (word-split,
# e.g. "--modules --add F:DEST"); BOOT_STDIN the file fed to nestvm's stdin
# (default /dev/null); BOOT_CHECK a command run after the boot with the
# cleaned console log as its argument, whose failure fails the test;
# BOOT_TMP a directory of the caller's, removed at exit with boot_test's own;
# BOOT_CLEANUP a command run at exit (e.g. to stop a helper server).
set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)
G=$ROOT/guest
BUILD=${NESTVM_BUILD:-$ROOT/build}
NESTVM=$BUILD/nestvm
CACHE=${NESTVM_CACHE:-$HOME/.cache/nestvm}

skip() { echo "SKIP: $*"; exit 77; }

# The kernel file of a kit id: Image (arm64) or zImage (armhf).
kernel_file() { if [ -f "$CACHE/kernels/$1/zImage" ]; then echo "$CACHE/kernels/$1/zImage"; else echo "$CACHE/kernels/$1/Image"; fi; }

need_kernel() {   # id [busybox id]
    local bb=${2:-busybox}
    [ -f "$(kernel_file "$1")" ] && [ -x "$CACHE/$bb/busybox" ] && return 0
    "$G/fetch" "$1" "$bb" >/dev/null 2>&1 || skip "kernel $1 is not cached and guest/fetch failed"
}

# The a32-check programs (static armhf, A32 and T32) and the reference output
# qemu-arm gives: prints mkinitramfs arguments adding them as
# /bin/a32-check-arm, /bin/a32-check-thumb and /etc/a32-expected.
a32_check_args() {
    command -v arm-linux-gnueabihf-gcc >/dev/null || skip "arm-linux-gnueabihf-gcc not installed"
    local d; d=$("$G/build-a32-check") || { echo "FAIL: build-a32-check failed"; exit 1; }
    echo "--add $d/a32-check-arm --add $d/a32-check-thumb --add $d/expected:/etc/a32-expected"
}

boot_test() {
    local name=$1 kid=$2 args=$3 append=$4 cmds=$5
    shift 5
    [ -x "$NESTVM" ] || { echo "FAIL: $name: $NESTVM not built"; exit 1; }
    local bbid=busybox
    [[ "${BOOT_MK_ARGS:-}" == *--armhf* ]] && bbid=busybox-armhf
    need_kernel "$kid" "$bbid"
    local work; work=$(mktemp -d)
    trap 'rm -rf "$work" ${BOOT_TMP:+"$BOOT_TMP"}; ${BOOT_CLEANUP:-}' EXIT
    local mk=("$G/mkinitramfs" -o "$work/initrd.cpio.gz" --kernel "$kid")
    # The kit's /dev/kvm programs named in the commands go into the image.
    local prog
    for prog in kvm-smoke kvm-nv-test kvm-a32; do
        [[ "$cmds" == *$prog* ]] || continue
        command -v aarch64-linux-gnu-gcc >/dev/null || skip "aarch64-linux-gnu-gcc not installed"
        local bin; bin=$("$G/build-kvm-prog" $prog) || { echo "FAIL: $name: build-kvm-prog $prog failed"; exit 1; }
        mk+=(--add "$bin:/bin/$prog")
    done
    local c
    IFS=';' read -ra parts <<<"$cmds"
    for c in "${parts[@]}"; do
        [ -n "$c" ] && mk+=(--run "$c")
    done
    # shellcheck disable=SC2206
    [ -n "${BOOT_MK_ARGS:-}" ] && mk+=(${BOOT_MK_ARGS})
    "${mk[@]}" >/dev/null || { echo "FAIL: $name: mkinitramfs failed"; exit 1; }
    local start; start=$(date +%s.%N)
    # shellcheck disable=SC2086
    "$NESTVM" run --kernel "$(kernel_file "$kid")" --initrd "$work/initrd.cpio.gz" \
        --append "console=ttyAMA0 $append" --timeout "${BOOT_TIMEOUT:-240}" $args \
        <"${BOOT_STDIN:-/dev/null}" >"$work/console.log" 2>&1
    local rc=$?
    local secs; secs=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN{printf "%.1f", b-a}')
    tr -d '\r' <"$work/console.log" >"$work/clean.log"
    local missing=() e
    grep -q '^NESTVM-GUEST-DONE rc=0' "$work/clean.log" || missing+=("NESTVM-GUEST-DONE rc=0")
    for e in "$@"; do
        grep -qE -- "$e" "$work/clean.log" || missing+=("$e")
    done
    local bad; bad=$(grep -E 'WARNING:|BUG:|Oops|\[Firmware Bug\]|Kernel panic' "$work/clean.log" || true)
    if [ -n "${BOOT_CHECK:-}" ] && [ $rc = 0 ] && [ ${#missing[@]} = 0 ]; then
        $BOOT_CHECK "$work/clean.log" || missing+=("host-side check: $BOOT_CHECK")
    fi
    if [ $rc = 0 ] && [ ${#missing[@]} = 0 ] && [ -z "$bad" ]; then
        echo "PASS: $name: $kid ${args:-(no flags)} in ${secs}s"
        grep -E '^(CPU: All|CPU features: detected: Nested|kvm \[1\]: (VHE|Hyp|HYP)|kvm-smoke:|kvm-nv-test:|kvm-a32:|nestvm-guest: userspace)' "$work/clean.log" | sed 's/^/  /'
        exit 0
    fi
    echo "FAIL: $name: $kid ${args:-} (nestvm exit $rc, ${secs}s)"
    for e in "${missing[@]}"; do echo "  missing: $e"; done
    [ -n "$bad" ] && echo "  bad lines:" && echo "$bad" | head -5 | sed 's/^/    /'
    echo "  console tail:"
    tail -25 "$work/clean.log" | sed 's/^/    /'
    exit 1
}

# expect_one_error [-x] WANT ARGS...: `nestvm ARGS` (stdin /dev/null) must
# exit 2 with exactly one line on stderr, matching the extended regex WANT
# (with -x: equal to WANT).  Counts the case in the caller's $n and a miss in
# its $fails, printing what nestvm said; the caller reports the totals.
expect_one_error() {
    local exact=0
    [ "$1" = -x ] && { exact=1; shift; }
    local want=$1; shift
    n=$((n + 1))
    local err; err=$(mktemp)
    "$NESTVM" "$@" </dev/null >/dev/null 2>"$err"
    local rc=$? lines match=1; lines=$(wc -l <"$err")
    if [ $exact = 1 ]; then
        grep -qxF -- "$want" "$err" || match=0
    else
        grep -qE -- "$want" "$err" || match=0
    fi
    if [ $rc -ne 2 ] || [ "$lines" -ne 1 ] || [ $match = 0 ]; then
        echo "FAIL: nestvm $* -> exit $rc, stderr ($lines lines):"; sed 's/^/    /' "$err"
        echo "  expected: $want"
        fails=$((fails + 1))
    fi
    rm -f "$err"
}
