/* The A64 decoder, generated from the *.decode pattern files. */
#include "uop.h"
#include "debug.h"
#include "system.h"

#include "a64-decode.inc"

bool a64_decode(struct xlat *x, uint32_t insn)
{
    if (likely(!(x->ctx & CTX_DBG_MASK)))
        return decode_insn(x, insn);
    /* Breakpoint checks / software step around the instruction (debug.c). */
    if (debug_trans_before(x))
        return true;
    if (!decode_insn(x, insn)) {
        emit(x, op_undef);      /* after the checks: they take priority */
        x->end = true;
    }
    debug_trans_after(x);
    return true;
}
