/* Native code for translated blocks: the executor that replaces the
 * interpreter per block where the host has a code generator (x86_64). */
#ifndef NESTVM_JIT_H
#define NESTVM_JIT_H

#include "uop.h"

struct jit;

/* A code arena of size bytes; NULL when the host has no generator or cannot
 * map executable memory (blocks are then interpreted). */
struct jit *jit_new(size_t size);
void jit_free(struct jit *j);
/* Forget all code (with the block cache). */
void jit_reset(struct jit *j);
/* Code for b, a function `const struct uop *code(struct cpu *)` that runs
 * b's uops and returns the first one that is not the next in b (or NULL);
 * NULL when the arena is full. */
const void *jit_block(struct jit *j, const struct block *b);

#endif
