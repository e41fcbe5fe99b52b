"""Device tree blobs for the dtb tests: every property of every node as
{'/node/path:prop': bytes}, from a walk of the structure block
(FDT_BEGIN_NODE 1, END_NODE 2, PROP 3, NOP 4, END 9)."""
import struct


def load(path):
    blob = open(path, 'rb').read()
    magic, total, off_struct, off_strings = struct.unpack('>IIII', blob[:16])
    assert magic == 0xd00dfeed, 'bad magic'
    props, nodes, i = {}, [], off_struct
    while True:
        tok = struct.unpack('>I', blob[i:i + 4])[0]; i += 4
        if tok == 1:
            end = blob.index(b'\0', i); nodes.append(blob[i:end].decode()); i = (end + 4) & ~3
        elif tok == 2:
            nodes.pop()
        elif tok == 3:
            ln, nameoff = struct.unpack('>II', blob[i:i + 8]); i += 8
            name = blob[off_strings + nameoff:blob.index(b'\0', off_strings + nameoff)].decode()
            props['/'.join(nodes) + ':' + name] = blob[i:i + ln]; i = (i + ln + 3) & ~3
        elif tok == 9:
            break
    return blob, total, props
