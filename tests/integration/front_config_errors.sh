#!/bin/bash
# VM configuration validation: each bad config makes `nestvm run --config`
# exit 2 before anything starts, with exactly the expected lines (every
# problem at once, each naming the field or flag and the fix).
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
NESTVM=$(cd "${NESTVM_BUILD:-$ROOT/build}" && pwd)/nestvm
[ -x "$NESTVM" ] || { echo "FAIL: $NESTVM not built"; exit 1; }
W=$(mktemp -d); trap 'rm -rf "$W"' EXIT
cd "$W" || exit 1
# A file that passes the file checks (validation does not parse the kernel).
head -c 4096 /dev/zero >Image
head -c 4096 /dev/zero >disk.img
max=$("$NESTVM" check | awk '$1 == "backend" && $2 == "auto" { print $6 }')
kvm_line=$("$NESTVM" check | awk '$1 == "backend" && $2 == "kvm"')
n=0 fails=0
# case NAME JSON EXPECTED-STDERR [extra run args...]
case_() {
    local name=$1 json=$2 want=$3; shift 3
    n=$((n + 1))
    printf '%s\n' "$json" >"$name.json"
    "$NESTVM" run --config "$name.json" "$@" </dev/null >out 2>err
    local rc=$?
    if [ $rc -ne 2 ] || [ "$(cat err)" != "$want" ]; then
        echo "FAIL: $name: exit $rc"
        echo "  expected:"; printf '%s\n' "$want" | sed 's/^/    /'
        echo "  got:"; sed 's/^/    /' err
        fails=$((fails + 1))
    fi
}
K='"boot_loader": {"kernel": "Image"}'
case_ syntax '{"version": 1,' \
  "nestvm: syntax.json: line 2, column 0: not valid JSON: string or '}' expected near end of file; fix the syntax"
case_ toplevel '[1, 2]' \
  'nestvm: toplevel.json: the top level must be a JSON object ({ "version": 1, ... })'
case_ noversion "{$K}" \
  'nestvm: noversion.json: version is missing; add "version": 1'
case_ version2 "{\"version\": 2, $K}" \
  'nestvm: version2.json: version 2 is not supported; this nestvm reads version 1 (see docs/config.md)'
case_ typo "{\"version\": 1, $K, \"memroy_size\": \"1G\"}" \
  'nestvm: typo.json: memroy_size: unknown field; did you mean "memory_size"?'
case_ nestedtypo "{\"version\": 1, $K, \"platform\": {\"nested_virtualisation\": true}}" \
  'nestvm: nestedtypo.json: platform.nested_virtualisation: unknown field; did you mean "nested_virtualization"?'
case_ flagname "{\"version\": 1, $K, \"cpus\": 2}" \
  'nestvm: flagname.json: cpus: unknown field; did you mean "cpu_count" (what --cpus sets)?'
case_ appendkey '{"version": 1, "boot_loader": {"kernel": "Image", "append": "quiet"}}' \
  'nestvm: appendkey.json: boot_loader.append: unknown field; did you mean "command_line" (what --append sets)?'
case_ machineid "{\"version\": 1, $K, \"platform\": {\"machine_identifier\": \"not base64!\"}}" \
  'nestvm: machineid.json: platform.machine_identifier must be base64 data (as UTM'"'"'s machineIdentifier), not "not base64!"'
case_ unknown "{\"version\": 1, $K, \"frobnicate\": 1}" \
  'nestvm: unknown.json: frobnicate: unknown field; remove it (the fields are listed in docs/config.md)'
case_ cpus "{\"version\": 1, $K, \"cpu_count\": 99}" \
  "nestvm: cpus.json: cpu_count must be a number from 1 to $max, not 99"
case_ cpustype "{\"version\": 1, $K, \"cpu_count\": \"two\"}" \
  "nestvm: cpustype.json: cpu_count must be a number from 1 to $max, not \"two\""
case_ memmib "{\"version\": 1, $K, \"memory_size\": 100000000}" \
  'nestvm: memmib.json: memory_size must be a whole number of MiB from 64M to 64G, not 100000000; e.g. "96M"'
case_ memsmall "{\"version\": 1, $K, \"memory_size\": \"16M\"}" \
  'nestvm: memsmall.json: memory_size must be a whole number of MiB from 64M to 64G, not "16M"'
case_ nokernel '{"version": 1, "cpu_count": 1}' \
  'nestvm: nokernel.json: boot_loader.kernel is required; give the path of an arm64 Linux Image (--kernel IMAGE)'
case_ kernelmissing '{"version": 1, "boot_loader": {"kernel": "vmlinuz-none"}}' \
  "nestvm: kernelmissing.json: boot_loader.kernel: cannot open '$W/vmlinuz-none': No such file or directory"
case_ initrddir "{\"version\": 1, \"boot_loader\": {\"kernel\": \"Image\", \"initrd\": \"/\"}}" \
  "nestvm: initrddir.json: boot_loader.initrd: '/' is not a regular file"
case_ boottype '{"version": 1, "boot_loader": {"type": "uefi", "kernel": "Image"}}' \
  'nestvm: boottype.json: boot_loader.type must be "linux", not "uefi"'
case_ cpumodel "{\"version\": 1, $K, \"platform\": {\"cpu_model\": \"cortex-z9\"}}" \
  "nestvm: cpumodel.json: platform.cpu_model: unknown CPU model 'cortex-z9' (see 'nestvm cpu-models')"
case_ diskmissing "{\"version\": 1, $K, \"storage\": [{\"path\": \"gone.img\"}]}" \
  "nestvm: diskmissing.json: storage[0].path: cannot open '$W/gone.img': No such file or directory"
case_ disknopath "{\"version\": 1, $K, \"storage\": [{\"path\": \"disk.img\"}, {\"read_only\": true}]}" \
  'nestvm: disknopath.json: storage[1].path is required; give the path of a raw disk image'
case_ diskstring "{\"version\": 1, $K, \"storage\": [\"disk.img\"]}" \
  'nestvm: diskstring.json: storage[0] must be an object, not "disk.img"'
case_ port "{\"version\": 1, $K, \"network\": [{\"mode\": \"user\", \"port_forwards\": [{\"host_port\": 70000, \"guest_port\": 22}]}]}" \
  'nestvm: port.json: network[0].port_forwards[0].host_port must be a port number from 1 to 65535, not 70000'
case_ twonets "{\"version\": 1, $K, \"network\": [{}, {}]}" \
  'nestvm: twonets.json: network: 2 network devices, but nestvm gives a VM at most 1; remove the others'
case_ serial "{\"version\": 1, $K, \"serial_ports\": [{\"type\": \"16550\"}]}" \
  'nestvm: serial.json: serial_ports[0].type must be one of "pl011" or "virtio-console", not "16550"'
case_ entropy "{\"version\": 1, $K, \"entropy\": \"yes\"}" \
  'nestvm: entropy.json: entropy must be true or false, not "yes"'
case_ accel "{\"version\": 1, $K, \"accel\": \"hvf\"}" \
  'nestvm: accel.json: accel must be one of "auto", "kvm" or "soft", not "hvf"'
case_ timeout "{\"version\": 1, $K, \"timeout\": -1}" \
  'nestvm: timeout.json: timeout must be a positive number of seconds, not -1'
case_ objtype "{\"version\": 1, $K, \"platform\": \"generic\"}" \
  'nestvm: objtype.json: platform must be an object, not "generic"'
long=$(printf 'd%.0s' $(seq 120))
case_ socklong "{\"version\": 1, $K, \"api_sock\": \"$long\"}" \
  "nestvm: socklong.json: api_sock: the socket path '$W/$long' is $(( ${#W} + 121 )) bytes, longer than a socket address holds (107); use a shorter path"
# Flags override the file and are named as flags; all problems at once.
case_ flags "{\"version\": 1, $K, \"cpu_count\": 2, \"frobnicate\": 1}" \
  "nestvm: flags.json: frobnicate: unknown field; remove it (the fields are listed in docs/config.md)
nestvm: --cpus must be a number from 1 to $max, not '0'
nestvm: --memory must be a whole number of MiB from 64M to 64G, not '3'" --cpus 0 --memory 3
case_ flagtypo "{\"version\": 1, $K}" \
  "nestvm: run: unknown or incomplete option '--nsted'; did you mean '--nested'? (see 'nestvm run --help')" --nsted
# Several problems in one file: all reported, in document order then checks.
case_ many "{\"version\": 1, \"cpu_count\": 0, \"memory_size\": \"lots\", \"boot_loader\": {\"kernel\": \"Image\", \"cmdline\": \"x\"}, \"entropy\": 1}" \
  "nestvm: many.json: boot_loader.cmdline: unknown field; did you mean \"command_line\"?
nestvm: many.json: entropy must be true or false, not 1
nestvm: many.json: cpu_count must be a number from 1 to $max, not 0
nestvm: many.json: memory_size must be a whole number of MiB from 64M to 64G, not \"lots\""
# Nested virtualization on a backend that cannot do EL2 (KVM here when the
# host or build has no KVM): the reason comes from the backend.
if [[ "$kvm_line" == *"not available"* ]]; then
    why=$(echo "$kvm_line" | sed 's/.*EL2 (nested) no *//')
    case_ kvm "{\"version\": 1, $K, \"accel\": \"kvm\", \"platform\": {\"nested_virtualization\": true}}" \
      "nestvm: kvm.json: accel: the kvm backend is not available on this host ($why); use \"soft\" or \"auto\""
fi
if [ $fails -eq 0 ]; then
    echo "PASS: front_config_errors: $n bad configs, each exit 2 with the exact messages"
    exit 0
fi
echo "FAIL: front_config_errors: $fails of $n cases"
exit 1
