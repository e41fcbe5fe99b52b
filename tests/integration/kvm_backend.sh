#!/bin/bash
# The KVM backend's other paths, inside an L1 guest with KVM (as l2_nestvm.sh):
# an L2 with two vCPUs (KVM's in-kernel PSCI starts the second; the board runs
# its thread from the start) that reboots (KVM_SYSTEM_EVENT_RESET -> exit 3),
# and --timeout while L2 boots (the vCPU threads leave KVM_RUN on the kick
# signal -> exit 4 within seconds).  L2 also reads an address where nothing
# is mapped: the board answers "abort", KVM injects an external data abort,
# busybox devmem dies of SIGBUS (exit 135) and L2 goes on.
. "$(dirname "$0")/lib/boot.bash"
command -v aarch64-linux-gnu-gcc >/dev/null || skip "aarch64-linux-gnu-gcc not installed"
[ -x "$NESTVM" ] || { echo "FAIL: kvm_backend: $NESTVM not built"; exit 1; }
need_kernel 6.1-cloud
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cat >"$work/l1run" <<'SH'
#!/bin/sh
run() { nestvm run --accel kvm --kernel /l2/Image --initrd /l2/initrd --append "console=ttyAMA0 quiet $L2ARGS" \
            --memory 256M "$@" </dev/null; }
L2ARGS=""
echo "L1: starting L2 with 2 vCPUs"
run --cpus 2
echo "L1: smp+reset exit $?"
t0=$(cut -d. -f1 /proc/uptime)
L2ARGS=l2hold    # L2 waits instead of rebooting: the timeout must end it, however fast L2 boots
run --cpus 2 --timeout 8
rc=$?
echo "L1: timeout exit $rc after $(( $(cut -d. -f1 /proc/uptime) - t0 ))s"
SH
KIT=$("$G/build-l2-kit" -o "$work/l1.cpio.gz" --l1-script "$work/l1run" \
      --l2-run 'if grep -qw l2hold /proc/cmdline; then echo "L2 holding"; sleep 600; fi' \
      --l2-run 'echo "L2 cpus online: $(grep -c ^processor /proc/cpuinfo)"' --l2-run 'devmem 0x09020000 32; echo "L2 devmem exit $?"' --l2-run 'reboot -f' 2>"$work/kit.err") || {
    [ $? = 3 ] && skip "the arm64 sysroot for scripts/build-aarch64 is not cached and the Debian archive is unreachable"
    echo "FAIL: kvm_backend: guest/build-l2-kit failed:"; tail -5 "$work/kit.err"; exit 1; }
start=$(date +%s.%N)
"$NESTVM" run --nested --cpus 2 --memory 1G --kernel "$CACHE/kernels/6.1-cloud/Image" --initrd "$KIT" \
    --append console=ttyAMA0 --timeout "${BOOT_TIMEOUT:-600}" </dev/null >"$work/out.log" 2>&1
rc=$?
secs=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN{printf "%.1f", b-a}')
tr -d '\r' <"$work/out.log" >"$work/clean.log"
missing=()
for e in '^L2-MARKER: hello from the L2 guest$' '^L2 cpus online: 2$' '^L2 devmem exit 135$' '^L1: smp\+reset exit 3$' \
         '^L2 holding$' '^nestvm: timeout after 8 s$' '^L1: timeout exit 4 after ([0-9]|[12][0-9])s$' '^NESTVM-GUEST-DONE rc=0$'; do
    grep -qE -- "$e" "$work/clean.log" || missing+=("$e")
done
bad=$(grep -E 'WARNING:|BUG:|Oops|Kernel panic' "$work/clean.log" || true)
if [ $rc = 0 ] && [ ${#missing[@]} = 0 ] && [ -z "$bad" ]; then
    echo "PASS: kvm_backend: L2 SMP + unbacked MMIO abort + reset (exit 3), L2 timeout (exit 4), in ${secs}s"
    grep -E '^(L1: |L2 cpus|L2 devmem|nestvm: )' "$work/clean.log" | sed 's/^/  /'
    exit 0
fi
echo "FAIL: kvm_backend: outer exit $rc after ${secs}s"
for e in "${missing[@]}"; do echo "  missing: $e"; done
[ -n "$bad" ] && echo "  bad lines:" && echo "$bad" | head -5 | sed 's/^/    /'
echo "  console tail:"; tail -25 "$work/clean.log" | sed 's/^/    /'
exit 1
