#!/bin/bash
# --net user over virtio-pci (Debian 7.x, virtio_net as a module): the guest
# gets 10.0.2.15 by DHCP from slirp, fetches a file from an HTTP server this
# test runs on the host's loopback (reached as 10.0.2.2) with the same
# SHA-256, and a hostfwd rule carries a host connection to a guest listener.
. "$(dirname "$0")/lib/boot.bash"
T=$(mktemp -d)
BOOT_TMP=$T
mkdir "$T/www"
head -c 300000 /dev/urandom >"$T/www/payload.bin"
SHA=$(sha256sum <"$T/www/payload.bin" | cut -d' ' -f1)
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
HTTP=$(free_port)
FWD=$(free_port)
python3 -m http.server --bind 127.0.0.1 --directory "$T/www" "$HTTP" >/dev/null 2>&1 &
HTTP_PID=$!
# Host side of hostfwd: keep trying until the guest's listener answers; a
# connection made early waits (slirp retries its SYN) until the guest listens.
python3 - "$FWD" "$T/fwd.out" <<'PY' &
import socket, sys, time
port, out = int(sys.argv[1]), sys.argv[2]
for _ in range(300):
    try:
        s = socket.create_connection(("127.0.0.1", port), timeout=90)
        data = s.recv(100)
        if data:
            open(out, "wb").write(data)
            break
    except OSError:
        pass
    time.sleep(0.5)
PY
FWD_PID=$!
stop_helpers() { kill $HTTP_PID $FWD_PID 2>/dev/null; }
trap 'stop_helpers; rm -rf "$T"' EXIT
cat >"$T/dhcp-script" <<'EOF'
#!/bin/sh
[ "$1" = bound ] || exit 0
ip addr add "$ip/${mask:-24}" dev "$interface"
[ -n "$router" ] && ip route add default via "$router"
exit 0
EOF
cat >"$T/net-test" <<EOF
#!/bin/sh
ip link set eth0 up
udhcpc -i eth0 -n -q -t 5 -s /bin/dhcp-script 2>&1 | grep lease
ip -4 addr show eth0 | grep -o 'inet [0-9./]*'
wget -q -O /tmp/payload http://10.0.2.2:$HTTP/payload.bin && echo "fetched-sha=\$(sha256sum </tmp/payload | cut -d' ' -f1)"
echo hostfwd-ok | timeout 60 nc -l -p 8080 && echo "listener done"
EOF
chmod +x "$T/dhcp-script" "$T/net-test"
fwd_check() {
    wait $FWD_PID
    grep -qx hostfwd-ok "$T/fwd.out" 2>/dev/null || { echo "  host did not read hostfwd-ok through port $FWD"; return 1; }
}
BOOT_MK_ARGS="--modules --add $T/dhcp-script:/bin/dhcp-script --add $T/net-test:/bin/net-test" BOOT_CHECK=fwd_check \
BOOT_CLEANUP=stop_helpers \
boot_test virtio_net 7-cloud "--net user,hostfwd=tcp:127.0.0.1:$FWD-:8080" "" "net-test" \
    'lease of 10\.0\.2\.15 obtained from 10\.0\.2\.2' '^inet 10\.0\.2\.15/24$' "^fetched-sha=$SHA\$" '^listener done$'
