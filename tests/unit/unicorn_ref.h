/* Unicorn as a reference A64 implementation for differential unit tests:
 * run a code snippet from a given register state, read back the state.
 * Tests that include this link with unicorn (see tests/meson.build). */
#ifndef NESTVM_TEST_UNICORN_REF_H
#define NESTVM_TEST_UNICORN_REF_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unicorn/unicorn.h>

struct ref_state {
    uint64_t x[31];
    uint64_t sp, pc;
    uint32_t nzcv, fpcr, fpsr;
    uint64_t v[32][2];   /* little-endian halves of Q registers */
};

static inline int ref_xreg(int i)
{
    return i < 29 ? UC_ARM64_REG_X0 + i : i == 29 ? UC_ARM64_REG_X29 : UC_ARM64_REG_X30;
}

/* A Unicorn engine with the max CPU model, FP/SIMD enabled (CPACR_EL1.FPEN)
 * and [base, base+size) mapped RWX.  Exits the test on failure. */
static inline uc_engine *ref_engine_open(uint64_t base, size_t size)
{
    uc_engine *uc;
    if (uc_open(UC_ARCH_ARM64, UC_MODE_ARM, &uc) != UC_ERR_OK) {
        fprintf(stderr, "uc_open failed\n");
        exit(1);
    }
    uc_ctl_set_cpu_model(uc, UC_CPU_ARM64_MAX);
    uc_mem_map(uc, base, (size + 0xfff) & ~(size_t)0xfff, UC_PROT_ALL);
    uint64_t cpacr = 3ull << 20;
    uc_reg_write(uc, UC_ARM64_REG_CPACR_EL1, &cpacr);
    return uc;
}

/* Run code (n words) placed at code_addr with data memory [data_addr,
 * data_addr+data_len) initialised from data (may be NULL) until the
 * instruction after the last.  st is input and output; data is updated.
 * Returns false if Unicorn raised an exception. */
static inline bool ref_run(struct ref_state *st, uint64_t code_addr, const uint32_t *code, size_t n,
                           uint64_t data_addr, uint8_t *data, size_t data_len)
{
    uc_engine *uc = ref_engine_open(code_addr, n * 4);
    uc_mem_write(uc, code_addr, code, n * 4);
    if (data_len) {
        uc_mem_map(uc, data_addr, (data_len + 0xfff) & ~(size_t)0xfff, UC_PROT_ALL);
        if (data)
            uc_mem_write(uc, data_addr, data, data_len);
    }
    for (int i = 0; i < 31; i++)
        uc_reg_write(uc, ref_xreg(i), &st->x[i]);
    uc_reg_write(uc, UC_ARM64_REG_SP, &st->sp);
    uint64_t nzcv = st->nzcv, fpcr = st->fpcr, fpsr = st->fpsr;
    uc_reg_write(uc, UC_ARM64_REG_NZCV, &nzcv);
    uc_reg_write(uc, UC_ARM64_REG_FPCR, &fpcr);
    uc_reg_write(uc, UC_ARM64_REG_FPSR, &fpsr);
    for (int i = 0; i < 32; i++) {
        uint64_t q[2] = { st->v[i][0], st->v[i][1] };  /* Q regs are 16 bytes, little-endian */
        uc_reg_write(uc, UC_ARM64_REG_Q0 + i, q);
    }
    uc_err err = uc_emu_start(uc, code_addr, code_addr + n * 4, 0, 0);
    for (int i = 0; i < 31; i++)
        uc_reg_read(uc, ref_xreg(i), &st->x[i]);
    uc_reg_read(uc, UC_ARM64_REG_SP, &st->sp);
    uc_reg_read(uc, UC_ARM64_REG_PC, &st->pc);
    uc_reg_read(uc, UC_ARM64_REG_NZCV, &nzcv);
    uc_reg_read(uc, UC_ARM64_REG_FPCR, &fpcr);
    uc_reg_read(uc, UC_ARM64_REG_FPSR, &fpsr);
    st->nzcv = (uint32_t)nzcv, st->fpcr = (uint32_t)fpcr, st->fpsr = (uint32_t)fpsr;
    for (int i = 0; i < 32; i++) {
        uint64_t q[2];
        uc_reg_read(uc, UC_ARM64_REG_Q0 + i, q);
        st->v[i][0] = q[0], st->v[i][1] = q[1];
    }
    if (data_len && data)
        uc_mem_read(uc, data_addr, data, data_len);
    uc_close(uc);
    return err == UC_ERR_OK;
}

#endif
