#!/bin/sh
# busybox-static (aarch64) under nestvm-user: applets, a shell with pipes,
# command substitution and subshells (fork + in-process execve of busybox
# itself), compression round trips and archive listing.  Expected results are
# computed with the host's own tools on the same input.  (qemu-aarch64 is no
# reference here: without binfmt_misc it cannot exec busybox from busybox sh.)
# busybox comes from the kit cache (guest/fetch busybox); exit 77 if absent.
set -u
SRC=${NESTVM_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}
BUILD=${NESTVM_BUILD:-$SRC/build}
NV=$BUILD/nestvm-user
CACHE=${NESTVM_CACHE:-$HOME/.cache/nestvm}
BB=$CACHE/busybox/busybox
[ -x "$NV" ] || { echo "FAIL: $NV not built"; exit 1; }
if [ ! -x "$BB" ] && [ -x "$SRC/guest/fetch" ]; then
    "$SRC/guest/fetch" busybox >/dev/null 2>&1 || true
fi
[ -x "$BB" ] || { echo "SKIP: no aarch64 busybox in $CACHE/busybox (guest/fetch busybox)"; exit 77; }

W=$(mktemp -d /tmp/nestvm-user-bb.XXXXXX)
trap 'rm -rf "$W"' EXIT
pass=0
fail=0
check() { # name expected command...
    name=$1; want=$2; shift 2
    got=$(cd "$W" && timeout -s KILL 60 "$NV" "$BB" "$@" 2>&1)
    rc=$?
    if [ "$got" = "$want" ] && [ $rc = 0 ]; then
        pass=$((pass + 1)); echo "ok   $name"
    else
        fail=$((fail + 1)); echo "FAIL $name (exit $rc)"
        printf '  want: %s\n  got:  %s\n' "$want" "$got" | head -6
    fi
}

seq 1 20000 >"$W/nums"
printf 'pear 3\napple 1\nfig 2\n' >"$W/fruit"
mkdir -p "$W/tree/a/b" && echo one >"$W/tree/a/x" && echo two >"$W/tree/a/b/y"

check "echo" "hello world" echo hello world
check "md5sum" "$(md5sum <"$W/nums" | cut -d' ' -f1)" sh -c "$BB md5sum < nums | $BB cut -d' ' -f1"
check "sha256sum" "$(sha256sum <"$W/nums" | cut -d' ' -f1)" sh -c "$BB sha256sum nums | $BB cut -d' ' -f1"
check "sort | awk" "apple fig pear 6" sh -c "$BB sort fruit | $BB awk '{n = n \$1 \" \"; s += \$2} END {print n s}'"
check "sed/grep/wc" "$(sed -n '/^1.*7$/p' "$W/nums" | grep -c 3)" sh -c "$BB sed -n '/^1.*7\$/p' nums | $BB grep -c 3"
check "gzip round trip" "$(md5sum <"$W/nums" | cut -d' ' -f1)" sh -c "$BB gzip -c nums | $BB gunzip -c | $BB md5sum | $BB cut -d' ' -f1"
check "tar list" "$(cd "$W" && find tree | sort)" sh -c "$BB tar -cf - tree | $BB tar -tf - | $BB sed 's,/\$,,' | $BB sort"
check "find" "$(cd "$W" && find tree -type f | sort)" sh -c "$BB find tree -type f | $BB sort"
check "shell arithmetic, loops, subshells" "7 123 sub 3" sh -c 'x=$(echo sub); for i in 1 2 3; do s=$s$i; done; (exit 3); echo $((3+4)) $s $x $?'
check "exit status through wait" "status=5" sh -c "$BB sh -c 'exit 5'; echo status=\$?"
check "stat size" "$(wc -c <"$W/nums")" stat -c %s nums
check "date" "Thu Jan  1 00:00:00 UTC 1970" date -u -d @0
check "sleep" "slept" sh -c "$BB sleep 0.05 && echo slept"
check "xargs" "$(seq 1 5 | xargs echo)" sh -c "$BB seq 1 5 | $BB xargs $BB echo"
check "env -i" "A=1" env -i A=1 "$BB" env
check "kill -TERM child" "143" sh -c "exec 2>/dev/null; $BB sleep 5 & $BB kill -TERM \$!; wait \$!; echo \$?"

echo "busybox: $pass passed, $fail failed"
[ $fail = 0 ]
