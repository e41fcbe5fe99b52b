/* The system register table and MRS/MSR translation. */
#include <time.h>

#include "sysreg.h"

enum {
    SR_R0 = 1 << 0,     /* readable at EL0 */
    SR_W0 = 1 << 1,     /* writable at EL0 */
    SR_ENDS = 1 << 2,   /* a write ends the block (changes translation-relevant state) */
};

struct sysreg {
    const char *name;
    uint32_t key;
    unsigned flags;
    /* Either a plain field of struct cpu ... */
    size_t off;
    /* ... or accessors. */
    uint64_t (*read)(struct cpu *c, const struct sysreg *r);
    void (*write)(struct cpu *c, const struct sysreg *r, uint64_t v);
    uint64_t wmask;     /* writable bits (others RES0 / read-only); 0 = all */
};

uint64_t cpu_counter_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * CNT_FREQ_HZ + (uint64_t)ts.tv_nsec * CNT_FREQ_HZ / 1000000000ull;
}

#define FIELD(f) offsetof(struct cpu, f)
#define MODEL(f) offsetof(struct cpu_model, f)

static uint64_t rd_nzcv(struct cpu *c, const struct sysreg *r) { (void)r; return c->nzcv; }
static void wr_nzcv(struct cpu *c, const struct sysreg *r, uint64_t v) { (void)r; c->nzcv = (uint32_t)v & 0xf0000000u; }
static uint64_t rd_model(struct cpu *c, const struct sysreg *r) { return *(const uint64_t *)((const char *)c->model + r->off); }
static uint64_t rd_cntfrq(struct cpu *c, const struct sysreg *r) { (void)c, (void)r; return CNT_FREQ_HZ; }
static uint64_t rd_cnt(struct cpu *c, const struct sysreg *r) { (void)c, (void)r; return cpu_counter_now(); }
static uint64_t rd_zero(struct cpu *c, const struct sysreg *r) { (void)c, (void)r; return 0; }

/* FPCR: AHP DN FZ RMode FZ16 (and IDE..IXE trap enables, RAZ here since
 * FP exception trapping is not implemented). FPSR: cumulative flags + QC. */
#define FPCR_WMASK 0x07c80000ull
#define FPSR_WMASK 0xf800009full

static const struct sysreg sysregs[] = {
    { "NZCV", SYSREG_KEY(3, 3, 4, 2, 0), SR_R0 | SR_W0, 0, rd_nzcv, wr_nzcv, 0 },
    { "FPCR", SYSREG_KEY(3, 3, 4, 4, 0), SR_R0 | SR_W0, FIELD(fpcr), NULL, NULL, FPCR_WMASK },
    { "FPSR", SYSREG_KEY(3, 3, 4, 4, 1), SR_R0 | SR_W0, FIELD(fpsr), NULL, NULL, FPSR_WMASK },
    { "TPIDR_EL0", SYSREG_KEY(3, 3, 13, 0, 2), SR_R0 | SR_W0, FIELD(tpidr_el0), NULL, NULL, 0 },
    { "TPIDRRO_EL0", SYSREG_KEY(3, 3, 13, 0, 3), SR_R0, FIELD(tpidrro_el0), NULL, NULL, 0 },
    { "CTR_EL0", SYSREG_KEY(3, 3, 0, 0, 1), SR_R0, MODEL(ctr), rd_model, NULL, 0 },
    { "DCZID_EL0", SYSREG_KEY(3, 3, 0, 0, 7), SR_R0, MODEL(dczid), rd_model, NULL, 0 },
    { "CNTFRQ_EL0", SYSREG_KEY(3, 3, 14, 0, 0), SR_R0, 0, rd_cntfrq, NULL, 0 },
    { "CNTPCT_EL0", SYSREG_KEY(3, 3, 14, 0, 1), SR_R0, 0, rd_cnt, NULL, 0 },
    { "CNTVCT_EL0", SYSREG_KEY(3, 3, 14, 0, 2), SR_R0, 0, rd_cnt, NULL, 0 },
    /* ID registers: Linux emulates EL0 reads of these (HWCAP_CPUID). */
    { "MIDR_EL1", SYSREG_KEY(3, 0, 0, 0, 0), SR_R0, MODEL(midr), rd_model, NULL, 0 },
    { "ID_AA64PFR0_EL1", SYSREG_KEY(3, 0, 0, 4, 0), SR_R0, MODEL(id_aa64pfr0), rd_model, NULL, 0 },
    { "ID_AA64PFR1_EL1", SYSREG_KEY(3, 0, 0, 4, 1), SR_R0, MODEL(id_aa64pfr1), rd_model, NULL, 0 },
    { "ID_AA64ZFR0_EL1", SYSREG_KEY(3, 0, 0, 4, 4), SR_R0, MODEL(id_aa64zfr0), rd_model, NULL, 0 },
    { "ID_AA64DFR0_EL1", SYSREG_KEY(3, 0, 0, 5, 0), SR_R0, MODEL(id_aa64dfr0), rd_model, NULL, 0 },
    { "ID_AA64ISAR0_EL1", SYSREG_KEY(3, 0, 0, 6, 0), SR_R0, MODEL(id_aa64isar0), rd_model, NULL, 0 },
    { "ID_AA64ISAR1_EL1", SYSREG_KEY(3, 0, 0, 6, 1), SR_R0, MODEL(id_aa64isar1), rd_model, NULL, 0 },
    { "ID_AA64ISAR2_EL1", SYSREG_KEY(3, 0, 0, 6, 2), SR_R0, MODEL(id_aa64isar2), rd_model, NULL, 0 },
    { "ID_AA64MMFR0_EL1", SYSREG_KEY(3, 0, 0, 7, 0), SR_R0, MODEL(id_aa64mmfr0), rd_model, NULL, 0 },
    { "ID_AA64MMFR1_EL1", SYSREG_KEY(3, 0, 0, 7, 1), SR_R0, MODEL(id_aa64mmfr1), rd_model, NULL, 0 },
    { "ID_AA64MMFR2_EL1", SYSREG_KEY(3, 0, 0, 7, 2), SR_R0, MODEL(id_aa64mmfr2), rd_model, NULL, 0 },
    { "MPIDR_EL1", SYSREG_KEY(3, 0, 0, 0, 5), SR_R0, 0, rd_zero, NULL, 0 },
    { "REVIDR_EL1", SYSREG_KEY(3, 0, 0, 0, 6), SR_R0, 0, rd_zero, NULL, 0 },
};

static const struct sysreg *sysreg_find(uint32_t key)
{
    for (size_t i = 0; i < sizeof(sysregs) / sizeof(sysregs[0]); i++)
        if (sysregs[i].key == key)
            return &sysregs[i];
    return NULL;
}

const char *sysreg_name(uint32_t key)
{
    const struct sysreg *r = sysreg_find(key);
    return r ? r->name : NULL;
}

static const struct uop *op_mrs_field(struct cpu *c, const struct uop *u)
{
    uint64_t v;
    if (u->e == 8)
        v = *(const uint64_t *)((const char *)c + u->imm);
    else
        v = *(const uint32_t *)((const char *)c + u->imm);
    c->x[u->a] = v;
    return u + 1;
}

static const struct uop *op_msr_field(struct cpu *c, const struct uop *u)
{
    const struct sysreg *r = (const struct sysreg *)(uintptr_t)u->imm;
    uint64_t v = c->x[u->a];
    if (r->wmask)
        v &= r->wmask;
    if (u->e == 8)
        *(uint64_t *)((char *)c + r->off) = v;
    else
        *(uint32_t *)((char *)c + r->off) = (uint32_t)v;
    return u + 1;
}

static const struct uop *op_mrs_fn(struct cpu *c, const struct uop *u)
{
    const struct sysreg *r = (const struct sysreg *)(uintptr_t)u->imm;
    c->x[u->a] = r->read(c, r);
    return u + 1;
}

static const struct uop *op_msr_fn(struct cpu *c, const struct uop *u)
{
    const struct sysreg *r = (const struct sysreg *)(uintptr_t)u->imm;
    uint64_t v = c->x[u->a];
    r->write(c, r, r->wmask ? v & r->wmask : v);
    return u + 1;
}

static uint8_t field_size(size_t off)
{
    return off == FIELD(fpcr) || off == FIELD(fpsr) ? 4 : 8;
}

bool sysreg_trans_read(struct xlat *x, uint32_t key, uint8_t rt_slot)
{
    const struct sysreg *r = sysreg_find(key);
    if (!r || !(r->flags & SR_R0))
        return false;
    struct uop *u;
    if (r->read) {
        u = emit(x, op_mrs_fn);
        u->imm = (uintptr_t)r;
    } else {
        u = emit(x, op_mrs_field);
        u->imm = r->off;
        u->e = field_size(r->off);
    }
    u->a = rt_slot;
    return true;
}

bool sysreg_trans_write(struct xlat *x, uint32_t key, uint8_t rt_slot)
{
    const struct sysreg *r = sysreg_find(key);
    if (!r || !(r->flags & SR_W0))
        return false;
    struct uop *u = emit(x, r->write ? op_msr_fn : op_msr_field);
    u->imm = (uintptr_t)r;
    u->a = rt_slot;
    u->e = field_size(r->off);
    if (r->flags & SR_ENDS) {
        struct uop *g = emit(x, op_goto);
        g->imm = x->pc + 4;
        x->end = true;
    }
    return true;
}
