#!/usr/bin/env python3
"""Helpers for the guest kit (stdlib only; no kmod, no cpio needed on the host).

  kitlib.py image IN OUT
      Turn a Debian arm64 vmlinuz into a plain arm64 Image: plain Image is
      copied, gzip/xz/zstd are decompressed, EFI zboot (PE "zimg") payloads
      are extracted and decompressed.
  kitlib.py modules SRCDIR OUTDIR NAME...
      SRCDIR is a lib/modules/<version> tree as shipped in the .deb (no
      modules.dep there: depmod runs at install time). Copies the named
      modules plus their dependency closure (from each .ko's .modinfo
      "depends=") into OUTDIR, decompressed, and writes modules.dep (busybox
      modprobe format) and load-order (insmod order, dependencies first).
      Names that are built in (modules.builtin) are skipped; a name that is
      neither shipped nor built in is an error. A modules.dep in SRCDIR is
      used when present; softdep "pre:" modules are loaded first.
  kitlib.py cpio OUT SPEC
      Write a newc cpio archive (uncompressed) described by SPEC, one entry a
      line:  dir PATH MODE | file PATH SRC MODE | slink PATH TARGET |
             nod PATH MODE c|b MAJ MIN
      All entries are owned by root with mtime 0, so the output is
      reproducible and needs no root privileges to build.
"""
import gzip
import lzma
import os
import shutil
import struct
import subprocess
import sys


def die(msg):
    sys.stderr.write("kitlib: %s\n" % msg)
    sys.exit(1)


# --------------------------------------------------------------- image
def _decompress(data, what):
    if data[:2] == b"\x1f\x8b":
        return gzip.decompress(data)
    if data[:6] == b"\xfd7zXZ\x00":
        return lzma.decompress(data)
    if data[:4] == b"\x28\xb5\x2f\xfd":
        return subprocess.run(["zstd", "-dc"], input=data, check=True,
                              stdout=subprocess.PIPE).stdout
    die("%s: unknown compression (magic %s)" % (what, data[:6].hex()))


def is_arm64_image(data):
    return len(data) >= 64 and data[56:60] == b"ARM\x64"


def cmd_image(src, dst):
    data = open(src, "rb").read()
    for _ in range(3):
        if is_arm64_image(data):
            break
        if data[:2] == b"MZ" and data[4:8] == b"zimg":
            off, size = struct.unpack_from("<II", data, 8)
            data = _decompress(data[off:off + size], src + " (zboot payload)")
            continue
        data = _decompress(data, src)
    if not is_arm64_image(data):
        die("%s: no arm64 Image found" % src)
    tmp = dst + ".tmp"
    with open(tmp, "wb") as f:
        f.write(data)
    os.replace(tmp, dst)


def cmd_zimage(src, dst):
    """A 32-bit ARM zImage is booted as shipped: check its magic (0x016f2818
    at offset 0x24, Linux's arch/arm boot protocol) and copy it."""
    data = open(src, "rb").read()
    if len(data) < 0x30 or struct.unpack_from("<I", data, 0x24)[0] != 0x016F2818:
        die("%s: not an ARM zImage (no magic 0x016f2818 at offset 0x24)" % src)
    tmp = dst + ".tmp"
    with open(tmp, "wb") as f:
        f.write(data)
    os.replace(tmp, dst)


# --------------------------------------------------------------- modules
def _read_ko(path):
    data = open(path, "rb").read()
    if path.endswith(".xz"):
        data = lzma.decompress(data)
    elif path.endswith(".gz"):
        data = gzip.decompress(data)
    elif path.endswith(".zst"):
        data = subprocess.run(["zstd", "-dc", path], check=True,
                              stdout=subprocess.PIPE).stdout
    return data


def _modinfo(data):
    """Return dict of .modinfo key -> [values] from an ELF64 LE module."""
    if data[:4] != b"\x7fELF" or data[4] != 2 or data[5] != 1:
        die("not an ELF64 little-endian module")
    shoff, = struct.unpack_from("<Q", data, 0x28)
    shentsize, shnum, shstrndx = struct.unpack_from("<HHH", data, 0x3a)
    secs = []
    for i in range(shnum):
        name, typ, flags, addr, off, size = struct.unpack_from(
            "<IIQQQQ", data, shoff + i * shentsize)
        secs.append((name, off, size))
    stroff = secs[shstrndx][1]
    info = {}
    for name, off, size in secs:
        end = data.index(b"\0", stroff + name)
        if data[stroff + name:end] == b".modinfo":
            for item in data[off:off + size].split(b"\0"):
                if b"=" in item:
                    k, v = item.decode(errors="replace").split("=", 1)
                    info.setdefault(k, []).append(v)
    return info


def _norm(name):
    return name.replace("-", "_")


def _strip_ext(rel):
    for ext in (".xz", ".gz", ".zst"):
        if rel.endswith(ext):
            return rel[:-len(ext)]
    return rel


def _builtin(src):
    """Names (and aliases) of what is built into the kernel."""
    names, aliases = set(), set()
    bpath = os.path.join(src, "modules.builtin")
    if os.path.exists(bpath):
        for line in open(bpath):
            base = os.path.basename(line.strip())
            if base.endswith(".ko"):
                names.add(_norm(base[:-3]))
    mpath = os.path.join(src, "modules.builtin.modinfo")
    if os.path.exists(mpath):
        for item in open(mpath, "rb").read().split(b"\0"):
            mod, _, kv = item.decode(errors="replace").partition(".")
            if kv.startswith("alias="):
                aliases.add(kv[6:])
    return names, aliases


def _depfile(src):
    """modules.dep as a dict name -> [dependency names], if the tree has one
    (a depmod'ed tree; Debian's packages ship none, depmod runs at install)."""
    path = os.path.join(src, "modules.dep")
    if not os.path.exists(path):
        return None
    deps = {}
    for line in open(path):
        if ":" not in line:
            continue
        mod, _, rest = line.partition(":")
        key = _norm(_strip_ext(os.path.basename(mod))[:-3])
        deps[key] = [_norm(_strip_ext(os.path.basename(d))[:-3])
                     for d in rest.split()]
    return deps


def _softdeps_pre(info):
    """Module names from "softdep=pre: a b post: c" (only the pre part)."""
    out = []
    for sd in info.get("softdep", []):
        words, mode = sd.split(), None
        for w in words:
            if w in ("pre:", "post:"):
                mode = w
            elif mode == "pre:":
                out.append(w)
    return out


def cmd_modules(src, out, names):
    """Exit status 1 with "unknown module NAME" if a name is neither shipped
    nor built in; built-in names are skipped silently."""
    index = {}  # normalized module name -> relative path (as shipped)
    for root, _, files in os.walk(src):
        for fn in files:
            base = _strip_ext(fn)
            if base.endswith(".ko"):
                rel = os.path.relpath(os.path.join(root, fn), src)
                index[_norm(base[:-3])] = rel
    builtin, builtin_alias = _builtin(src)
    depfile = _depfile(src)
    alias_index = {}  # built on first use: alias -> [module names]

    def by_alias(alias):
        if not alias_index:
            for name, rel in index.items():
                for a in _modinfo(_read_ko(os.path.join(src, rel))).get(
                        "alias", []):
                    alias_index.setdefault(a, []).append(name)
            alias_index[None] = []
        return alias_index.get(alias, [])

    deps = {}
    order = []

    def visit(name, stack):
        name = _norm(name)
        if name in deps:
            return
        if name in stack:
            die("module dependency cycle at " + name)
        rel = index.get(name)
        if rel is None:
            if name not in builtin:
                die("unknown module %s (not in %s, not built in)" % (name, src))
            return
        info = _modinfo(_read_ko(os.path.join(src, rel)))
        if depfile is not None and name in depfile:
            ds = depfile[name]
        else:
            ds = [d for d in ",".join(info.get("depends", [""])).split(",")
                  if d]
        # soft pre-dependencies (ext4 -> crc32c, ...) are loaded first when
        # they are modules; they may name an alias rather than a module
        for sd in _softdeps_pre(info):
            if _norm(sd) in stack or _norm(sd) == name:
                continue
            if _norm(sd) in index:
                visit(sd, stack | {name})
            elif _norm(sd) in builtin or sd in builtin_alias \
                    or "crypto-" + sd in builtin_alias:
                continue
            else:
                for m in by_alias(sd) or by_alias("crypto-" + sd):
                    if m not in stack and m != name:
                        visit(m, stack | {name})
        for d in ds:
            visit(d, stack | {name})
        deps[name] = [_norm(d) for d in ds if _norm(d) in index]
        order.append(name)

    for n in names:
        visit(n, frozenset())
    if os.path.exists(out):
        shutil.rmtree(out)
    os.makedirs(out)
    relout = {}
    for name in order:
        rel = _strip_ext(index[name])
        relout[name] = rel
        dst = os.path.join(out, rel)
        os.makedirs(os.path.dirname(dst), exist_ok=True)
        with open(dst, "wb") as f:
            f.write(_read_ko(os.path.join(src, index[name])))

    def closure(name, acc):
        for d in deps[name]:
            if d not in acc:
                acc.append(d)
                closure(d, acc)
        return acc

    with open(os.path.join(out, "modules.dep"), "w") as f:
        for name in order:
            f.write("%s:%s\n" % (relout[name], "".join(
                " " + relout[d] for d in closure(name, []))))
    with open(os.path.join(out, "load-order"), "w") as f:
        for name in order:
            f.write(relout[name] + "\n")
    for extra in ("modules.builtin", "modules.order"):
        p = os.path.join(src, extra)
        if os.path.exists(p):
            shutil.copy(p, os.path.join(out, extra))
    skipped = [n for n in names if _norm(n) not in deps]
    print("modules: %d kept (%s)%s" % (
        len(order), " ".join(order),
        "; built in: " + " ".join(skipped) if skipped else ""))


# --------------------------------------------------------------- cpio
def cmd_cpio(out, spec):
    ino = [300000]
    buf = open(out, "wb")

    def entry(path, mode, data=b"", rdev=(0, 0), nlink=1):
        ino[0] += 1
        name = path.lstrip("/").encode() + b"\0"
        hdr = b"070701" + b"".join(b"%08X" % v for v in (
            ino[0], mode, 0, 0, nlink, 0, len(data), 0, 0,
            rdev[0], rdev[1], len(name), 0))
        buf.write(hdr + name)
        buf.write(b"\0" * ((-(len(hdr) + len(name))) % 4))
        buf.write(data)
        buf.write(b"\0" * ((-len(data)) % 4))

    for line in open(spec):
        f = line.split()
        if not f or f[0].startswith("#"):
            continue
        kind = f[0]
        if kind == "dir":
            entry(f[1], 0o040000 | int(f[2], 8), nlink=2)
        elif kind == "file":
            entry(f[1], 0o100000 | int(f[3], 8), open(f[2], "rb").read())
        elif kind == "slink":
            entry(f[1], 0o120777, f[2].encode())
        elif kind == "nod":
            t = 0o020000 if f[3] == "c" else 0o060000
            entry(f[1], t | int(f[2], 8), rdev=(int(f[4]), int(f[5])))
        else:
            die("cpio spec: bad line: " + line.strip())
    entry("TRAILER!!!", 0, nlink=1)
    buf.close()


def main(argv):
    if len(argv) >= 3 and argv[0] == "image":
        cmd_image(argv[1], argv[2])
    elif len(argv) == 3 and argv[0] == "zimage":
        cmd_zimage(argv[1], argv[2])
    elif len(argv) >= 3 and argv[0] == "modules":
        cmd_modules(argv[1], argv[2], argv[3:])
    elif len(argv) == 3 and argv[0] == "cpio":
        cmd_cpio(argv[1], argv[2])
    else:
        sys.stderr.write(__doc__)
        sys.exit(2)


if __name__ == "__main__":
    main(sys.argv[1:])
