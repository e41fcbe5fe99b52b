#!/bin/bash
# Bad virtio arguments to `nestvm run`: exit 2 and exactly one error line,
# checked before the VM starts.  Each case: the exact stderr line, then the
# arguments.
. "$(dirname "$0")/lib/boot.bash"
W=$(mktemp -d); trap 'chmod -R u+rw "$W"; rm -rf "$W"' EXIT
# A valid arm64 Image header (the run must fail on the disk, not the kernel).
python3 -c "import struct,sys; open(sys.argv[1],'wb').write(struct.pack('<II QQQ QQQ I I', 0x14000000, 0, 0, 1 << 20, 2, 0, 0, 0, 0x644d5241, 0))" "$W/Image"
truncate -s 1M "$W/disk.img" "$W/ro.img" "$W/unreadable.img"
: >"$W/empty.img"
chmod 444 "$W/ro.img"
chmod 000 "$W/unreadable.img"
K=(run --kernel "$W/Image")
fails=0 n=0
expect_one_error -x "nestvm: --disk: cannot open '$W/none.img': No such file or directory" "${K[@]}" --disk "$W/none.img"
expect_one_error -x "nestvm: --disk: '$W' is not a regular file or block device" "${K[@]}" --disk "$W"
expect_one_error -x "nestvm: --disk: cannot open '$W/unreadable.img': Permission denied" "${K[@]}" --disk "$W/unreadable.img"
expect_one_error -x "nestvm: --disk: cannot open '$W/unreadable.img': Permission denied" "${K[@]}" --disk "$W/unreadable.img,ro"
expect_one_error -x "nestvm: --disk: '$W/ro.img' is read-only; add ',ro' to use it as a read-only disk" "${K[@]}" --disk "$W/ro.img"
expect_one_error -x "nestvm: --disk: '$W/empty.img' is smaller than one 512-byte sector" "${K[@]}" --disk "$W/empty.img"
expect_one_error -x "nestvm: --disk: cannot open '$W/none.img': No such file or directory" "${K[@]}" --disk "$W/disk.img" --disk "$W/none.img"
expect_one_error -x "nestvm: --disk needs a PATH[,ro]" "${K[@]}" --disk ",ro"
expect_one_error -x "nestvm: --disk: at most 8 disks" "${K[@]}" $(for i in 1 2 3 4 5 6 7 8 9; do echo --disk "$W/disk.img"; done)
expect_one_error -x "nestvm: --net: unknown network type in 'tap' (expected user[,hostfwd=tcp::HOSTPORT-:GUESTPORT]...)" "${K[@]}" --net tap
expect_one_error -x "nestvm: --net: bad option 'hostfwd=tcp::abc-:22' in 'user,hostfwd=tcp::abc-:22' (expected hostfwd=tcp::HOSTPORT-:GUESTPORT)" "${K[@]}" --net user,hostfwd=tcp::abc-:22
expect_one_error -x "nestvm: --net: bad option 'hostfwd=tcp::2222-22' in 'user,hostfwd=tcp::2222-22' (expected hostfwd=tcp::HOSTPORT-:GUESTPORT)" "${K[@]}" --net user,hostfwd=tcp::2222-22
expect_one_error -x "nestvm: --net: bad option 'hostfwd=tcp::70000-:22' in 'user,hostfwd=tcp::70000-:22' (expected hostfwd=tcp::HOSTPORT-:GUESTPORT)" "${K[@]}" --net user,hostfwd=tcp::70000-:22
expect_one_error -x "nestvm: --net: bad option 'restrict=on' in 'user,restrict=on' (expected hostfwd=tcp::HOSTPORT-:GUESTPORT)" "${K[@]}" --net user,restrict=on
# A host port that is already taken.
python3 -c 'import socket,sys,time; s=socket.socket(); s.bind(("127.0.0.1",0)); s.listen(); print(s.getsockname()[1], flush=True); time.sleep(60)' >"$W/port" &
LPID=$!
for _ in 1 2 3 4 5 6 7 8 9 10; do [ -s "$W/port" ] && break; sleep 0.2; done
P=$(cat "$W/port")
expect_one_error -x "nestvm: --net: cannot forward host port $P: Address already in use" "${K[@]}" --net "user,hostfwd=tcp:127.0.0.1:$P-:22"
kill $LPID
expect_one_error -x "nestvm: --console must be serial or virtio, not 'vga'" "${K[@]}" --console vga
expect_one_error -x "nestvm: --virtio-transport must be pci or mmio, not 'isa'" "${K[@]}" --virtio-transport isa
if [ $fails -ne 0 ]; then
    echo "FAIL: virtio_bad_input: $fails of $n cases"
    exit 1
fi
echo "PASS: virtio_bad_input: $n cases, each exit 2 with the exact error line"
