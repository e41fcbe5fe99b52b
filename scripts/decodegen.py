#!/usr/bin/env python3
"""Generate an instruction decoder from declarative pattern files.

Pattern file syntax (one instruction form per line, '#' starts a comment):

    NAME  tok tok tok ...

Tokens are read most-significant bit first and must cover exactly 32 bits
(attribute tokens starting with '@' do not count):
  - a run of literal bits: '0', '1', or '.' (don't care), e.g. 100010 or 0..1
  - a field: name:W (unsigned, W bits) or name:sW (sign-extended, W bits)
  - @fp: the instruction accesses the FP/SIMD registers, so it traps when FP
    is disabled (CPACR/CPTR); a line '%fp' applies @fp to every later
    pattern of that file.  @fp=FIELD does so only when FIELD is non-zero
    (the V bit of loads and stores).

For every pattern the generator emits an argument struct `arg_NAME` with its fields
and a prototype `bool trans_NAME(struct xlat *x, const arg_NAME *a);` that the
translator implements.  Decoding tries the patterns whose fixed bits match, in file
order (files in command-line order); the first whose trans_ function returns true
wins.  If none accepts, the instruction is unallocated (UNDEFINED).

Patterns are bucketed by instruction bits [31:21] at build time so
that decode cost stays small even with many hundreds of patterns.

Options (before the output names), for decoders other than the A64 one:
  --prefix P   name the generated static tables and functions P_decode_...
               (several decoders in one translation unit);
  --key SPEC   bucket by other bits, SPEC a list of hi:lo runs, most
               significant first, e.g. 27:20,7:4 for A32, whose [31:28] is
               the condition field;
  --width N    patterns cover N bits instead of 32 (16 for 16-bit T32).
"""
import re
import sys

KEY_BITS = list(range(21, 32))   # bits used for bucketing (LSB of the key first)
KEY_RUNS = None                  # --key: [(hi, lo), ...] most significant first
WIDTH = 32                       # --width: bits a pattern covers


class Pattern:
    def __init__(self, name, mask, value, fields, src, fp):
        self.name, self.mask, self.value, self.fields, self.src, self.fp = name, mask, value, fields, src, fp


def parse(path):
    pats = []
    file_fp = False
    with open(path) as f:
        for lineno, line in enumerate(f, 1):
            line = line.split('#', 1)[0].strip()
            if not line:
                continue
            if line == '%fp':
                file_fp = True
                continue
            toks = line.split()
            name, toks = toks[0], toks[1:]
            fp = file_fp or '@fp' in toks
            for t in toks:
                if t.startswith('@fp='):
                    fp = t[4:]
            toks = [t for t in toks if not t.startswith('@')]
            if not re.fullmatch(r'[A-Za-z_][A-Za-z0-9_]*', name):
                sys.exit(f'{path}:{lineno}: bad pattern name {name!r}')
            pos = WIDTH
            mask = value = 0
            fields = []
            for t in toks:
                m = re.fullmatch(r'([a-z_][a-z0-9_]*):(s?)(\d+)', t)
                if m:
                    w = int(m.group(3))
                    pos -= w
                    fields.append((m.group(1), pos, w, m.group(2) == 's'))
                    continue
                if not re.fullmatch(r'[01.]+', t):
                    sys.exit(f'{path}:{lineno}: bad token {t!r}')
                for ch in t:
                    pos -= 1
                    if ch != '.':
                        mask |= 1 << pos
                        if ch == '1':
                            value |= 1 << pos
            if pos != 0:
                sys.exit(f'{path}:{lineno}: pattern {name} covers {WIDTH - pos} bits, not {WIDTH}')
            names = [fl[0] for fl in fields]
            if len(set(names)) != len(names):
                sys.exit(f'{path}:{lineno}: duplicate field in {name}')
            if isinstance(fp, str) and fp not in names:
                sys.exit(f'{path}:{lineno}: @fp={fp} names no field of {name}')
            pats.append(Pattern(name, mask, value, fields, f'{path}:{lineno}', fp))
    return pats


def main():
    global KEY_BITS, KEY_RUNS, WIDTH
    args = sys.argv[1:]
    prefix = ''
    while args and args[0].startswith('--'):
        if args[0] == '--prefix':
            prefix = args[1] + '_'
        elif args[0] == '--width':
            WIDTH = int(args[1])
        elif args[0] == '--key':
            KEY_RUNS = [tuple(int(v) for v in r.split(':')) for r in args[1].split(',')]
            KEY_BITS = []
            for hi, lo in reversed(KEY_RUNS):
                KEY_BITS += list(range(lo, hi + 1))
        else:
            sys.exit(f'decodegen: unknown option {args[0]}')
        args = args[2:]
    out_h, out_inc, files = args[0], args[1], args[2:]
    pats = []
    for p in files:
        pats += parse(p)
    seen = {}
    for p in pats:
        if p.name in seen:
            sys.exit(f'{p.src}: pattern {p.name} already defined at {seen[p.name]}')
        seen[p.name] = p.src

    # Buckets over KEY_BITS: a pattern joins every bucket its fixed key bits allow.
    nkey = len(KEY_BITS)
    buckets = [[] for _ in range(1 << nkey)]
    for i, p in enumerate(pats):
        kmask = kval = 0
        for j, b in enumerate(KEY_BITS):
            if p.mask >> b & 1:
                kmask |= 1 << j
                kval |= (p.value >> b & 1) << j
        # enumerate all keys k with (k & kmask) == kval
        free = [j for j in range(nkey) if not kmask >> j & 1]
        for combo in range(1 << len(free)):
            k = kval
            for n, j in enumerate(free):
                if combo >> n & 1:
                    k |= 1 << j
            buckets[k].append(i)

    o = []
    w = o.append
    banner = '/* Generated by scripts/decodegen.py. Do not edit. */'
    w(banner)
    w('#include <stdbool.h>\n#include <stdint.h>\n')
    w('struct xlat;')
    for p in pats:
        w('typedef struct {')
        for (n, pos, width, signed) in p.fields:
            w(f'    {"int64_t" if signed else "uint32_t"} {n};')
        if not p.fields:
            w('    int unused_;')
        w(f'}} arg_{p.name};')
        w(f'bool trans_{p.name}(struct xlat *x, const arg_{p.name} *a);')
    with open(out_h, 'w') as f:
        f.write('\n'.join(o) + '\n')
    o.clear()
    w(banner)
    # pattern table
    w('static const struct { uint32_t mask, value; } decode_pats[] = {')
    for p in pats:
        w(f'    {{ 0x{p.mask:08x}u, 0x{p.value:08x}u }}, /* {p.name} */')
    w('};\n')
    # bucket index: flattened lists
    flat, starts = [], []
    for b in buckets:
        starts.append(len(flat))
        flat += b
    starts.append(len(flat))
    idx_t = 'uint16_t' if len(pats) < 65536 else 'uint32_t'
    w(f'static const {idx_t} decode_bucket_list[] = {{')
    for i in range(0, len(flat), 16):
        w('    ' + ', '.join(str(v) for v in flat[i:i + 16]) + ',')
    if not flat:
        w('    0')
    w('};')
    w('static const uint32_t decode_bucket_start[] = {')
    for i in range(0, len(starts), 16):
        w('    ' + ', '.join(str(v) for v in starts[i:i + 16]) + ',')
    w('};\n')
    # key extraction
    w('static inline uint32_t decode_key(uint32_t insn)\n{')
    if KEY_RUNS is None:
        w('    return insn >> 21;')
    else:
        parts, shift = [], 0
        for hi, lo in reversed(KEY_RUNS):
            width = hi - lo + 1
            parts.append(f'((insn >> {lo}) & 0x{(1 << width) - 1:x}u) << {shift}')
            shift += width
        w('    return ' + ' | '.join(reversed(parts)) + ';')
    w('}\n')
    w('static bool decode_try(struct xlat *x, uint32_t insn, unsigned id)\n{')
    w('    switch (id) {')
    for i, p in enumerate(pats):
        w(f'    case {i}: {{')
        w(f'        arg_{p.name} a;')
        for (n, pos, width, signed) in p.fields:
            mask = (1 << width) - 1
            if signed:
                w(f'        a.{n} = (int64_t)((uint64_t)((insn >> {pos}) & 0x{mask:x}u) << {64 - width}) >> {64 - width};')
            else:
                w(f'        a.{n} = (insn >> {pos}) & 0x{mask:x}u;')
        if not p.fields:
            w('        a.unused_ = 0;')
        if p.fp:
            w('        unsigned before = x->nuops;')
            w(f'        if (!trans_{p.name}(x, &a))')
            w('            return false;')
            if p.fp is True:
                w('        decode_fp_check(x, before);')
            else:
                w(f'        if (a.{p.fp})')
                w('            decode_fp_check(x, before);')
            w('        return true;')
        else:
            w(f'        return trans_{p.name}(x, &a);')
        w('    }')
    w('    }')
    w('    return false;')
    w('}\n')
    w('/* Returns true when some pattern accepted the instruction. */')
    w('static bool decode_insn(struct xlat *x, uint32_t insn)\n{')
    w('    uint32_t k = decode_key(insn);')
    w('    for (uint32_t i = decode_bucket_start[k]; i < decode_bucket_start[k + 1]; i++) {')
    w('        unsigned id = decode_bucket_list[i];')
    w('        if ((insn & decode_pats[id].mask) == decode_pats[id].value && decode_try(x, insn, id))')
    w('            return true;')
    w('    }')
    w('    return false;')
    w('}')
    text = '\n'.join(o) + '\n'
    if prefix:
        text = re.sub(r'\bdecode_(pats|bucket_list|bucket_start|key|try|insn)\b', prefix + r'decode_\1', text)
    with open(out_inc, 'w') as f:
        f.write(text)


if __name__ == '__main__':
    main()
