/* Call-threaded native code for translated blocks (x86_64 hosts).
 *
 * The interpreter runs a block as `while ((u = u->fn(c, u)));`: one indirect
 * call per uop through a pointer loaded from memory.  Here each block becomes
 * straight-line host code that calls every uop's handler directly:
 *
 *     mov rdi, rbx ; mov rsi, r12 ; call handler ; add r12, sizeof(uop)
 *     cmp rax, r12 ; jne leave                     (one such group per uop)
 *
 * rbx holds the cpu, r12 the current uop.  A handler that returns anything
 * but the next uop leaves the group sequence: if it returned the first uop of
 * the block it chained to (c->blk) and that block has code, execution jumps
 * straight into that code's body; otherwise (NULL, a uop in the middle of a
 * block, an interpreted block) the code returns it in rax and the caller's
 * loop continues from there.  Semantics
 * stay exactly the interpreter's — the same handlers run in the same order —
 * so this executor is swappable per block and is the scaffold into which
 * common uops get inlined later.  Faults longjmp out of handlers as before.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <stddef.h>

#include "jit.h"

/* Bytes of the block prologue (pushes, cpu into rbx, uops into r12). */
#define JIT_BODY_OFFSET 18

#if defined(__x86_64__)

struct jit {
    uint8_t *base;
    size_t size, used;
};

static void put(uint8_t **p, const void *bytes, size_t n)
{
    memcpy(*p, bytes, n);
    *p += n;
}

static void put32(uint8_t **p, uint32_t v) { put(p, &v, 4); }
static void put64(uint8_t **p, uint64_t v) { put(p, &v, 8); }

struct jit *jit_new(size_t size)
{
    struct jit *j = calloc(1, sizeof(*j));
    if (!j)
        return NULL;
    /* Ask for memory within rel32 reach of our own text so handler calls can
     * be direct; far placements still work through an absolute call. */
    uintptr_t text = (uintptr_t)&jit_new;
    void *hint = (void *)((text & ~((uintptr_t)(1u << 21) - 1)) - ((uintptr_t)1 << 30));
    void *m = mmap(hint, size, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (m == MAP_FAILED) {   /* e.g. a policy that forbids writable+executable memory */
        free(j);
        return NULL;
    }
    j->base = m;
    j->size = size;
    return j;
}

void jit_free(struct jit *j)
{
    if (!j)
        return;
    munmap(j->base, j->size);
    free(j);
}

void jit_reset(struct jit *j)
{
    if (j)
        j->used = 0;
}

/* Worst-case bytes per uop group and for the block frame. */
#define UOP_BYTES 32
#define FRAME_BYTES 96

const void *jit_block(struct jit *j, const struct block *b)
{
    if (!j || b->nuops == 0)
        return NULL;
    size_t need = FRAME_BYTES + (size_t)b->nuops * UOP_BYTES;
    if (j->used + need > j->size)
        return NULL;   /* full until the block cache is next reset */
    uint8_t *start = j->base + j->used, *p = start;
    _Static_assert(sizeof(struct uop) < 128, "uop stride must fit an imm8");

    static const uint8_t prologue[] = {
        0x53,                   /* push rbx */
        0x41, 0x54,             /* push r12 */
        0x41, 0x55,             /* push r13 (keeps rsp 16-aligned at calls) */
        0x48, 0x89, 0xfb,       /* mov rbx, rdi */
        0x49, 0xbc,             /* movabs r12, imm64 */
    };
    put(&p, prologue, sizeof(prologue));
    put64(&p, (uint64_t)(uintptr_t)b->uops);
    /* Chained entry point: r12 = uops[0], frame already set up. */
    _Static_assert(sizeof(prologue) + 8 == JIT_BODY_OFFSET, "body offset");

    uint8_t *jne_fixups[BLOCK_MAX_INSNS * 8];
    unsigned nfix = 0;
    for (unsigned i = 0; i < b->nuops; i++) {
        static const uint8_t args[] = { 0x48, 0x89, 0xdf, 0x4c, 0x89, 0xe6 }; /* mov rdi,rbx; mov rsi,r12 */
        put(&p, args, sizeof(args));
        intptr_t fn = (intptr_t)(uintptr_t)b->uops[i].fn;
        intptr_t rel = fn - (intptr_t)(uintptr_t)(p + 5);
        if (rel == (int32_t)rel) {
            *p++ = 0xe8;        /* call rel32 */
            put32(&p, (uint32_t)(int32_t)rel);
        } else {
            *p++ = 0x48;        /* movabs rax, imm64; call rax */
            *p++ = 0xb8;
            put64(&p, (uint64_t)fn);
            *p++ = 0xff;
            *p++ = 0xd0;
        }
        if (i + 1 == b->nuops)
            break;              /* the last uop always leaves */
        static const uint8_t next[] = {
            0x49, 0x83, 0xc4, (uint8_t)sizeof(struct uop), /* add r12, sizeof(uop) */
            0x4c, 0x39, 0xe0,                              /* cmp rax, r12 */
            0x0f, 0x85,                                    /* jne rel32 (fixed up) */
        };
        put(&p, next, sizeof(next));
        if (nfix < sizeof(jne_fixups) / sizeof(jne_fixups[0]))
            jne_fixups[nfix++] = p;
        put32(&p, 0);
    }
    uint8_t *leave = p;
    /* rax = next uop.  Chain into the code of c->blk if rax starts it. */
    *p++ = 0x48; *p++ = 0x85; *p++ = 0xc0;                 /* test rax, rax */
    *p++ = 0x74; uint8_t *jz1 = p++;                       /* jz out */
    *p++ = 0x48; *p++ = 0x8b; *p++ = 0x93;                 /* mov rdx, [rbx + blk] */
    put32(&p, (uint32_t)offsetof(struct cpu, blk));
    *p++ = 0x48; *p++ = 0x8d; *p++ = 0x8a;                 /* lea rcx, [rdx + uops] */
    put32(&p, (uint32_t)offsetof(struct block, uops));
    *p++ = 0x48; *p++ = 0x39; *p++ = 0xc8;                 /* cmp rax, rcx */
    *p++ = 0x75; uint8_t *jne2 = p++;                      /* jne out */
    *p++ = 0x48; *p++ = 0x8b; *p++ = 0x8a;                 /* mov rcx, [rdx + code] */
    put32(&p, (uint32_t)offsetof(struct block, code));
    *p++ = 0x48; *p++ = 0x85; *p++ = 0xc9;                 /* test rcx, rcx */
    *p++ = 0x74; uint8_t *jz3 = p++;                       /* jz out */
    *p++ = 0x49; *p++ = 0x89; *p++ = 0xc4;                 /* mov r12, rax */
    *p++ = 0x48; *p++ = 0x83; *p++ = 0xc1; *p++ = JIT_BODY_OFFSET; /* add rcx, body offset */
    *p++ = 0xff; *p++ = 0xe1;                              /* jmp rcx */
    uint8_t *out = p;
    *jz1 = (uint8_t)(out - (jz1 + 1));
    *jne2 = (uint8_t)(out - (jne2 + 1));
    *jz3 = (uint8_t)(out - (jz3 + 1));
    static const uint8_t epilogue[] = { 0x41, 0x5d, 0x41, 0x5c, 0x5b, 0xc3 }; /* pop r13; pop r12; pop rbx; ret */
    put(&p, epilogue, sizeof(epilogue));
    for (unsigned i = 0; i < nfix; i++) {
        int32_t rel = (int32_t)(leave - (jne_fixups[i] + 4));
        memcpy(jne_fixups[i], &rel, 4);
    }
    j->used += (size_t)(p - start);
    j->used = (j->used + 15) & ~(size_t)15;
    return start;
}

#else /* no native code generator for this host: every block is interpreted */

struct jit *jit_new(size_t size) { (void)size; return NULL; }
void jit_free(struct jit *j) { (void)j; }
void jit_reset(struct jit *j) { (void)j; }
const void *jit_block(struct jit *j, const struct block *b) { (void)j; (void)b; return NULL; }

#endif
