#!/bin/bash
# The VM library round trip: create -> list/show -> edit -> start (the guest
# powers off) with the lock held while it runs -> delete.  Uses the kit's
# 6.1 cloud kernel and a busybox initramfs.
set -uo pipefail
. "$(dirname "$0")/lib/boot.bash"
NESTVM=$(cd "$BUILD" && pwd)/nestvm
[ -x "$NESTVM" ] || { echo "FAIL: $NESTVM not built"; exit 1; }
need_kernel 6.1-cloud
W=$(mktemp -d); trap 'kill $pid 2>/dev/null; rm -rf "$W"' EXIT
pid=
export NESTVM_HOME=$W/home
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
expect_out() {   # description expected-rc pattern command...
    local what=$1 rc=$2 pat=$3; shift 3
    "$@" >"$W/out" 2>&1
    local got=$?
    if [ $got -ne "$rc" ] || ! grep -qF -- "$pat" "$W/out"; then
        fail "$what: exit $got (want $rc), output:"; sed 's/^/    /' "$W/out"
    fi
}
"$G/mkinitramfs" -o "$W/initrd.gz" --kernel 6.1-cloud --run 'echo library-guest-up' --run 'sleep 6' >/dev/null ||
    { echo "FAIL: mkinitramfs"; exit 1; }
K=$CACHE/kernels/6.1-cloud/Image

expect_out "create" 0 "nestvm: create: VM 'demo' stored in $NESTVM_HOME/vms/demo" \
    "$NESTVM" create demo --kernel "$K" --initrd "$W/initrd.gz" --append console=ttyAMA0 --cpus 2 --memory 256M \
    --timeout 300
expect_out "create again" 2 "nestvm: create: a VM named 'demo' already exists" \
    "$NESTVM" create demo --kernel "$K"
expect_out "bad name" 2 "nestvm: '../x' is not a usable VM name" "$NESTVM" create ../x --kernel "$K"
expect_out "create without kernel" 2 "nestvm: --kernel IMAGE is required" "$NESTVM" create other
[ -f "$NESTVM_HOME/vms/demo/Image" ] && [ -f "$NESTVM_HOME/vms/demo/initrd.gz" ] || fail "kernel/initrd not copied"
cmp -s "$K" "$NESTVM_HOME/vms/demo/Image" || fail "copied kernel differs"
expect_out "show" 0 '"cpu_count": 2' "$NESTVM" show demo
grep -qF '"memory_size": 268435456' "$W/out" || fail "show: memory_size missing"
grep -qF '"kernel": "Image"' "$W/out" || fail "show: kernel not stored relative to the VM"
grep -qx 'state: stopped' "$W/out" || fail "show: state"
expect_out "list" 0 "demo                 stopped               2    256M     no" "$NESTVM" list

# edit: good values are stored, bad ones change nothing.
expect_out "edit nested" 0 "nestvm: edit: VM 'demo' updated" "$NESTVM" edit demo --set platform.nested_virtualization=true --set cpus=1
expect_out "show nested" 0 '"nested_virtualization": true' "$NESTVM" show demo
grep -qF '"cpu_count": 1' "$W/out" || fail "edit: cpus=1 not stored"
expect_out "edit bad value" 2 "cpu_count must be a number from 1 to" "$NESTVM" edit demo --set cpu_count=lots
expect_out "edit bad key" 2 "nestvm: 'memroy' is not a configuration key; did you mean \"memory_size\"?" \
    "$NESTVM" edit demo --set memroy=1G
expect_out "edit kept" 0 '"cpu_count": 1' "$NESTVM" show demo

# start: the lock is held while the guest runs.
"$NESTVM" start demo </dev/null >"$W/console.log" 2>&1 &
pid=$!
for _ in $(seq 240); do grep -q library-guest-up "$W/console.log" && break; kill -0 $pid 2>/dev/null || break; sleep 0.5; done
grep -q library-guest-up "$W/console.log" || fail "guest did not come up"
expect_out "list running" 0 "running (pid $pid)" "$NESTVM" list
expect_out "show running" 0 "state: running (pid $pid)" "$NESTVM" show demo
expect_out "second start" 2 "nestvm: start: VM 'demo' is already running (pid $pid)" "$NESTVM" start demo
expect_out "delete running" 2 "nestvm: delete: VM 'demo' is running; stop it first" "$NESTVM" delete demo
wait $pid
rc=$?
pid=
tr -d '\r' <"$W/console.log" >"$W/clean.log"
[ $rc -eq 0 ] || fail "start: exit $rc (want 0: the guest powers off)"
grep -q '^NESTVM-GUEST-DONE rc=0' "$W/clean.log" || fail "start: no NESTVM-GUEST-DONE rc=0"
grep -q 'CPU: All CPU(s) started at EL2' "$W/clean.log" || fail "start: edit's nested=true did not take effect"
expect_out "list stopped" 0 "demo                 stopped" "$NESTVM" list

# start with an overriding flag (this start only): a bad one is rejected.
expect_out "start override" 2 "nestvm: --memory must be a whole number of MiB from 64M to 64G, not '1'" \
    "$NESTVM" start demo --memory 1
expect_out "delete" 0 "nestvm: delete: VM 'demo' deleted" "$NESTVM" delete demo
expect_out "gone" 2 "nestvm: show: no VM named 'demo' (see 'nestvm list')" "$NESTVM" show demo
[ ! -e "$NESTVM_HOME/vms/demo" ] || fail "delete left the directory"

if [ $fails -eq 0 ]; then
    echo "PASS: front_library: create, show, list, edit, start (guest powered off, lock held), delete"
    exit 0
fi
echo "FAIL: front_library: $fails checks failed"
tail -20 "$W/console.log" 2>/dev/null | sed 's/^/    /'
exit 1
