/* The A64 decoder, generated from the *.decode pattern files. */
#include "uop.h"

#include "a64-decode.inc"

bool a64_decode(struct xlat *x, uint32_t insn)
{
    return decode_insn(x, insn);
}
