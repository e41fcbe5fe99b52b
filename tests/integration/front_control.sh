#!/bin/bash
# The control socket against a running guest (6.1 cloud kernel, busybox):
# status, pause (the guest stops printing, its PC stays put), resume, 1,000
# malformed requests (each answered with an error, the VM keeps running),
# stop (the guest sees the power button and powers off: exit 0), and kill
# (exit 5).  The VM comes from a config file with a flag overriding it.
set -uo pipefail
. "$(dirname "$0")/lib/boot.bash"
NESTVM=$(cd "$BUILD" && pwd)/nestvm
[ -x "$NESTVM" ] || { echo "FAIL: $NESTVM not built"; exit 1; }
command -v python3 >/dev/null || skip "python3 not installed"
need_kernel 6.1-cloud
W=$(mktemp -d); pid=
trap '[ -n "$pid" ] && kill $pid 2>/dev/null; rm -rf "$W"' EXIT
"$G/mkinitramfs" -o "$W/initrd.gz" --kernel 6.1-cloud --add "$ROOT/tests/fixtures/guest/pwrwatch:/bin/pwrwatch" \
    --run pwrwatch >/dev/null || { echo "FAIL: mkinitramfs"; exit 1; }
cat >"$W/vm.json" <<JSON
{
  "version": 1,
  "cpu_count": 2,
  "memory_size": "256M",
  "boot_loader": { "kernel": "$CACHE/kernels/6.1-cloud/Image", "initrd": "initrd.gz", "command_line": "console=ttyAMA0" },
  "timeout": 400,
  "api_sock": "api.sock"
}
JSON

start_vm() {   # log
    "$NESTVM" run --config "$W/vm.json" --memory 320M </dev/null >"$W/$1" 2>&1 &
    pid=$!
    for _ in $(seq 400); do grep -q 'tick 2' "$W/$1" && return 0; kill -0 $pid 2>/dev/null || break; sleep 0.5; done
    echo "FAIL: front_control: the guest did not reach its power-button loop"
    tail -20 "$W/$1" | sed 's/^/    /'
    exit 1
}

start_vm console.log
python3 - "$W/api.sock" "$W/console.log" <<'PY'
import json, os, socket, stat, sys, time
sock, log = sys.argv[1], sys.argv[2]
fails = []
def check(cond, what):
    if not cond:
        fails.append(what)
mode = stat.S_IMODE(os.stat(sock).st_mode)
check(mode == 0o600, f"socket mode {oct(mode)}, want 0o600")
s = socket.socket(socket.AF_UNIX)
s.connect(sock)
f = s.makefile('rwb')
def send(raw):
    f.write(raw if isinstance(raw, bytes) else raw.encode())
    f.flush()
def reply():
    line = f.readline()
    return json.loads(line)
def req(o):
    send(json.dumps(o) + '\n')
    return reply()
def ticks():
    return open(log, errors='replace').read().count('tick ')

r = req({"cmd": "status", "id": 7})
check(r == {"ok": True, "state": "running", "vcpus": 2, "nested": False, "memory": 320 << 20, "id": 7},
      f"status: {r}")
r = req({"cmd": "pause"})
check(r == {"ok": True, "state": "paused"}, f"pause: {r}")
r1 = req({"cmd": "regs", "vcpu": 0})
n0 = ticks()
time.sleep(3)
r2 = req({"cmd": "regs", "vcpu": 0})
check(r1["ok"] and r1["vcpus"][0]["pc"] == r2["vcpus"][0]["pc"], "regs: the PC moved while paused")
check(len(r1["vcpus"][0]["x"]) == 31 and "SCTLR_EL1" in r1["vcpus"][0]["sys"], f"regs: {r1}")
check(r1["vcpus"][0]["el"] == 1, f"regs: el {r1['vcpus'][0]['el']}")
check(ticks() == n0, f"the guest printed while paused ({n0} -> {ticks()} ticks)")
check(req({"cmd": "status"})["state"] == "paused", "status after pause")
all_regs = req({"cmd": "regs"})
check(all_regs["ok"] and len(all_regs["vcpus"]) == 2, f"regs of all vCPUs: {all_regs}")
r = req({"cmd": "resume"})
check(r == {"ok": True, "state": "running"}, f"resume: {r}")
t = time.time()
while ticks() == n0 and time.time() - t < 10:
    time.sleep(0.2)
check(ticks() > n0, "no tick after resume")

# 1,000 malformed or unknown requests: each gets an error reply.
bad = [b'garbage', b'{', b'[1,2]', b'"cmd"', b'42', b'{}', b'{"cmd": 5}', b'{"cmd": "frobnicate"}',
       b'{"cmd": "regs", "vcpu": 99}', b'{"cmd": "regs", "vcpu": "x"}', b'{"cmd": "status"} trailing',
       b'\x00\xff\xfe binary', b'{"cmd": "pause", "cmd": "resume"}', b'null', b'{"cmd": null}']
errors = 0
for i in range(1000):
    send(bad[i % len(bad)] + b'\n')
    r = reply()
    if r.get("ok") is False and isinstance(r.get("error"), str) and r["error"]:
        errors += 1
check(errors == 1000, f"{errors} of 1000 malformed requests got an error reply")
send(b'x' * 5000 + b'\n')
r = reply()
check(r == {"ok": False, "error": "request longer than 4096 bytes; ignored"}, f"overlong: {r}")
r = req({"cmd": "frobnicate"})
check(r == {"ok": False, "error": "unknown command 'frobnicate'; commands: status, pause, resume, stop, kill, regs"},
      f"unknown: {r}")
check(req({"cmd": "status"})["state"] == "running", "status after malformed requests")
n1 = ticks()
t = time.time()
while ticks() == n1 and time.time() - t < 10:
    time.sleep(0.2)
check(ticks() > n1, "the guest stopped running after the malformed requests")
# A second client while the first is connected.
s2 = socket.socket(socket.AF_UNIX); s2.connect(sock); f2 = s2.makefile('rwb')
f2.write(b'{"cmd":"status"}\n'); f2.flush()
check(json.loads(f2.readline())["ok"] is True, "second client")
r = req({"cmd": "stop"})
check(r["ok"] is True, f"stop: {r}")
if fails:
    print("FAIL: " + "; ".join(fails))
    sys.exit(1)
PY
py=$?
wait $pid; rc=$?; pid=
tr -d '\r' <"$W/console.log" >"$W/clean.log"
fails=0
[ $py -eq 0 ] || fails=$((fails + 1))
grep -q '^pwrwatch: power button pressed' "$W/clean.log" || { echo "FAIL: the guest did not see the power button"; fails=$((fails + 1)); }
grep -q '^NESTVM-GUEST-DONE rc=0' "$W/clean.log" || { echo "FAIL: no NESTVM-GUEST-DONE rc=0"; fails=$((fails + 1)); }
[ $rc -eq 0 ] || { echo "FAIL: exit $rc after stop (want 0: the guest powered off)"; fails=$((fails + 1)); }
[ ! -e "$W/api.sock" ] || { echo "FAIL: the socket was left behind"; fails=$((fails + 1)); }

# kill ends the VM at once with exit code 5.
start_vm console2.log
python3 -c '
import socket, sys, json
s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1]); s.sendall(b"{\"cmd\": \"kill\"}\n")
print(json.loads(s.makefile().readline()))' "$W/api.sock" >"$W/kill.out"
wait $pid; rc=$?; pid=
[ $rc -eq 5 ] || { echo "FAIL: exit $rc after kill (want 5)"; fails=$((fails + 1)); }
grep -qF "{'ok': True, 'state': 'stopping'}" "$W/kill.out" || { echo "FAIL: kill reply: $(cat "$W/kill.out")"; fails=$((fails + 1)); }

if [ $fails -eq 0 ]; then
    echo "PASS: front_control: status, pause/resume, regs, 1000 malformed requests, stop (power button), kill"
    exit 0
fi
tail -15 "$W/clean.log" | sed 's/^/    /'
exit 1
