#!/bin/bash
# --accel: bad values and a backend this host cannot give are refused with
# exit 2 and one error line naming the reason; --accel soft boots.  (The KVM
# backend itself runs in l2_nestvm.sh, inside an L1 guest with KVM.)
. "$(dirname "$0")/lib/boot.bash"
[ -x "$NESTVM" ] || { echo "FAIL: accel: $NESTVM not built"; exit 1; }
need_kernel 6.1-cloud
K=$CACHE/kernels/6.1-cloud/Image
W=$(mktemp -d); trap 'rm -rf "$W"' EXIT
fails=0 n=0
expect_one_error "^nestvm: .*accel.*auto.*kvm.*soft.*'fast'" run --kernel "$K" --accel fast
expect_one_error "^nestvm: .*accel.*auto.*kvm.*soft" run --kernel "$K" --accel ''
case $(uname -m) in
aarch64)
    if [ ! -e /dev/kvm ]; then
        expect_one_error '^nestvm: .*cannot open /dev/kvm: ' run --kernel "$K" --accel kvm
    fi ;;
*)
    arch=$(uname -m)
    expect_one_error "^nestvm: .*KVM runs arm64 guests only on arm64 hosts \(this nestvm is built for $arch\)" \
        run --kernel "$K" --accel kvm
    expect_one_error "^nestvm: .*KVM runs arm64 guests only on arm64 hosts" \
        run --kernel "$K" --accel kvm --nested --cpus 2 ;;
esac
# the software CPU on request: a short EL1 boot to the kit's marker
n=$((n + 1))
init=$("$G/mkinitramfs" --kernel 6.1-cloud) || { echo "FAIL: accel: mkinitramfs"; exit 1; }
"$NESTVM" run --accel soft --kernel "$K" --initrd "$init" --append "console=ttyAMA0 quiet" --timeout 120 \
    </dev/null >"$W/boot" 2>&1
rc=$?
if [ $rc != 0 ] || ! grep -q '^NESTVM-GUEST-DONE rc=0' "$W/boot"; then
    echo "FAIL: --accel soft boot: exit $rc"; tail -5 "$W/boot" | sed 's/^/    /'
    fails=$((fails + 1))
fi
if [ $fails = 0 ]; then
    echo "PASS: accel: $n cases"
    exit 0
fi
echo "FAIL: accel: $fails of $n cases"
exit 1
