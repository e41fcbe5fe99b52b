#!/bin/bash
# UTM bundles: import the Apple-backend Linux fixture (kernel, initrd, disks,
# network, serial as virtio console, machine identifier, nested on), boot it,
# export it and import the export (same configuration), read a binary plist,
# and refuse the QEMU, macOS and UEFI-only bundles with their explanations.
set -uo pipefail
. "$(dirname "$0")/lib/boot.bash"
NESTVM=$(cd "$BUILD" && pwd)/nestvm
[ -x "$NESTVM" ] || { echo "FAIL: $NESTVM not built"; exit 1; }
command -v python3 >/dev/null || skip "python3 not installed"
need_kernel 6.12-cloud   # virtio console and PCI built in: the bundle's hvc0 console works
FIX=$ROOT/tests/fixtures/utm
W=$(mktemp -d); trap 'rm -rf "$W"' EXIT
export NESTVM_HOME=$W/home
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
expect() {   # description rc exact-stderr-or-stdout-line command...
    local what=$1 rc=$2 want=$3; shift 3
    "$@" >"$W/out" 2>"$W/err"
    local got=$?
    if [ $got -ne "$rc" ] || ! grep -qxF -- "$want" "$W/out" "$W/err"; then
        fail "$what: exit $got (want $rc); want line: $want"; sed 's/^/    /' "$W/out" "$W/err"
    fi
}
# The fixture with its Data: the kit's kernel, an initramfs, two raw disks.
cp -r "$FIX/debian-apple.utm" "$W/"
B=$W/debian-apple.utm
mkdir -p "$B/Data"
cp "$CACHE/kernels/6.12-cloud/Image" "$B/Data/Image"
"$G/mkinitramfs" -o "$B/Data/initrd.gz" --kernel 6.12-cloud --run 'echo utm-guest-up' >/dev/null ||
    { echo "FAIL: mkinitramfs"; exit 1; }
head -c 1048576 /dev/urandom >"$B/Data/disk.img"
head -c 65536 /dev/urandom >"$B/Data/seed.img"

expect "import" 0 "nestvm: import: VM 'Debian-12-nested' stored in $NESTVM_HOME/vms/Debian-12-nested" \
    "$NESTVM" import "$B"
V=$NESTVM_HOME/vms/Debian-12-nested
el2=$("$NESTVM" check | awk '$1 == "backend" && $2 == "auto"' | grep -o 'EL2 (nested) [a-z]*' | awk '{print $3}')
python3 - "$V/config.json" "$FIX/debian-apple.utm/config.plist" "$el2" <<'PY' || fails=$((fails + 1))
import base64, json, plistlib, sys
c = json.load(open(sys.argv[1]))
p = plistlib.load(open(sys.argv[2], 'rb'))
want = {
    "version": 1,
    "boot_loader": {"kernel": "Image", "initrd": "initrd.gz", "command_line": "console=hvc0 quiet", "type": "linux"},
    "cpu_count": 2,
    "memory_size": 512 << 20,
    "platform": {"type": "generic", "nested_virtualization": sys.argv[3] == "yes",
                 "machine_identifier": base64.b64encode(p["System"]["GenericPlatform"]["machineIdentifier"]).decode()},
    "storage": [{"type": "virtio-blk", "path": "disk.img", "read_only": False},
                {"type": "virtio-blk", "path": "seed.img", "read_only": True}],
    "network": [{"type": "virtio-net", "mode": "user", "mac_address": "5a:94:ef:e4:0c:ee"}],
    "serial_ports": [{"type": "virtio-console"}],
    "entropy": True,
}
if c != want:
    print("FAIL: imported config:\n  got  " + json.dumps(c, sort_keys=True) + "\n  want " + json.dumps(want, sort_keys=True))
    sys.exit(1)
PY
cmp -s "$B/Data/disk.img" "$V/disk.img" && cmp -s "$B/Data/seed.img" "$V/seed.img" || fail "disks not copied"
expect "show" 0 '    "nested_virtualization": true,' "$NESTVM" show Debian-12-nested

# Boot it on its own console (hvc0) when the board has a virtio console, else
# on the PL011 for this start.
"$NESTVM" run --kernel "$B/Data/Image" --console virtio --virtio-transport mmio --dtb-out "$W/probe.dtb" --timeout 0.2 </dev/null >/dev/null 2>&1
if grep -qa virtio "$W/probe.dtb" 2>/dev/null; then
    console="virtio console (hvc0)"; over=()
else
    console="PL011 (no virtio console in this build)"; over=(--console serial --append console=ttyAMA0)
fi
"$NESTVM" start Debian-12-nested "${over[@]}" --timeout 300 </dev/null >"$W/console.log" 2>&1
rc=$?
tr -d '\r' <"$W/console.log" >"$W/clean.log"
[ $rc -eq 0 ] && grep -q '^utm-guest-up' "$W/clean.log" && grep -q '^NESTVM-GUEST-DONE rc=0' "$W/clean.log" ||
    { fail "boot of the imported VM: exit $rc"; tail -15 "$W/clean.log" | sed 's/^/    /'; }
grep -q 'CPU: All CPU(s) started at EL2' "$W/clean.log" || fail "imported VM did not start at EL2"

# Export, check the plist with UTM's keys, import the export: same config.
expect "export" 0 "nestvm: export: VM 'Debian-12-nested' written to $W/out.utm" \
    "$NESTVM" export Debian-12-nested "$W/out.utm"
python3 - "$W/out.utm" "$FIX/debian-apple.utm/config.plist" <<'PY' || fails=$((fails + 1))
import filecmp, plistlib, sys
out, orig = sys.argv[1], plistlib.load(open(sys.argv[2], 'rb'))
p = plistlib.load(open(out + '/config.plist', 'rb'))
errs = []
def eq(a, b, what):
    if a != b: errs.append(f"{what}: {a!r} != {b!r}")
eq(p["Backend"], "Apple", "Backend"); eq(p["ConfigurationVersion"], 4, "ConfigurationVersion")
eq(p["Information"]["Name"], "Debian-12-nested", "Name"); eq(p["Information"]["IconCustom"], False, "IconCustom")
eq(len(p["Information"]["UUID"]), 36, "UUID")
s, o = p["System"], orig["System"]
for k in ("Architecture", "CPUCount", "MemorySize"): eq(s[k], o[k], k)
for k in ("OperatingSystem", "UEFIBoot", "LinuxKernelPath", "LinuxInitialRamdiskPath", "LinuxCommandLine"):
    eq(s["Boot"][k], o["Boot"][k], "Boot." + k)
eq(s["GenericPlatform"]["machineIdentifier"], o["GenericPlatform"]["machineIdentifier"], "machineIdentifier")
for k in ("Audio", "Balloon", "Entropy", "Keyboard", "Pointer", "ClipboardSharing"):
    if k not in p["Virtualization"]: errs.append("Virtualization." + k + " missing")
eq(p["Virtualization"]["Entropy"], True, "Entropy")
eq([(d["ImageName"], d["ReadOnly"], d["Nvme"]) for d in p["Drive"]],
   [(d["ImageName"], d["ReadOnly"], d["Nvme"]) for d in orig["Drive"]], "Drive")
eq([n["MacAddress"] for n in p["Network"]], [n["MacAddress"] for n in orig["Network"]], "Network")
eq([n["Mode"] for n in p["Serial"]], ["Terminal"], "Serial")
eq(p["Display"], [], "Display")
for f in ("Image", "initrd.gz", "disk.img", "seed.img"):
    if not filecmp.cmp(out + "/Data/" + f, sys.argv[1] + "/../debian-apple.utm/Data/" + f, shallow=False):
        errs.append("Data/" + f + " differs")
if errs:
    print("FAIL: exported bundle: " + "; ".join(errs)); sys.exit(1)
PY
expect "re-import" 0 "nestvm: import: VM 'again' stored in $NESTVM_HOME/vms/again" "$NESTVM" import "$W/out.utm" again
python3 -c 'import json,sys; a,b=(json.load(open(f)) for f in sys.argv[1:]); sys.exit(a != b)' \
    "$V/config.json" "$NESTVM_HOME/vms/again/config.json" || fail "export -> import changed the configuration"

# A binary property list reads the same.
cp -r "$B" "$W/bin.utm"
python3 -c 'import plistlib,sys; p=plistlib.load(open(sys.argv[1],"rb")); plistlib.dump(p, open(sys.argv[1],"wb"), fmt=plistlib.FMT_BINARY)' \
    "$W/bin.utm/config.plist"
expect "binary plist" 0 "nestvm: import: VM 'binvm' stored in $NESTVM_HOME/vms/binvm" "$NESTVM" import "$W/bin.utm" binvm
cmp -s "$V/config.json" "$NESTVM_HOME/vms/binvm/config.json" || fail "binary plist imported differently"

# Refused bundles, each with its reason.
expect "qemu" 2 "nestvm: import: '$FIX/qemu-backend.utm' cannot be imported: it uses UTM's QEMU backend (Backend = QEMU), whose machines are defined by QEMU options; nestvm imports Apple-backend (Virtualization.framework) Linux VMs, which boot a Linux kernel on a generic platform. Create the VM with 'nestvm create' from the guest's kernel and disk images instead" \
    "$NESTVM" import "$FIX/qemu-backend.utm"
expect "macos" 2 "nestvm: import: '$FIX/macos.utm' cannot be imported: it is a macOS guest (OperatingSystem = macOS); macOS runs only on Apple's Mac platform (hardware model, auxiliary storage, Apple silicon host), while nestvm provides a generic arm64 platform for Linux guests" \
    "$NESTVM" import "$FIX/macos.utm"
expect "uefi" 2 "nestvm: import: '$FIX/uefi-linux.utm' cannot be imported: it boots through UEFI (UEFIBoot = true) and names no LinuxKernelPath; nestvm boots a Linux kernel directly: copy vmlinuz and the initrd out of the guest's /boot, set them in UTM (Boot: Linux kernel) or create the VM with 'nestvm create'" \
    "$NESTVM" import "$FIX/uefi-linux.utm"
expect "not a bundle" 2 "nestvm: import: '$W/none.utm' is not a UTM bundle (a directory with config.plist)" \
    "$NESTVM" import "$W/none.utm"
expect "name taken" 2 "nestvm: import: a VM named 'again' already exists (see 'nestvm show again'; 'nestvm delete again' removes it)" \
    "$NESTVM" import "$W/out.utm" again
expect "export exists" 2 "nestvm: export: '$W/out.utm' already exists; choose a new path" \
    "$NESTVM" export again "$W/out.utm"
n=$(ls "$NESTVM_HOME/vms" | wc -l)
[ "$n" -eq 3 ] || fail "refused imports left VMs behind ($n VMs)"

if [ $fails -eq 0 ]; then
    echo "PASS: front_utm: import (booted on its $console, nested $el2), export -> import round trip, binary plist, 3 bundles refused"
    exit 0
fi
echo "FAIL: front_utm: $fails checks failed"
exit 1
