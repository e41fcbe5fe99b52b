/* GICv3: distributor, redistributors and CPU interface (GICv3/v4 spec,
 * IHI 0069).  One lock guards the whole model; after every change the
 * highest-priority pending interrupt of each CPU is recomputed and its IRQ
 * line driven.  5 priority bits are implemented (PRIbits = 4). */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "cpu/cpu.h"
#include "cpu/sysreg.h"
#include "gic.h"

#define PRIO_MASK 0xf8u
#define SPURIOUS 1023u
#define GIC_NUM_LR 8
#define MAINT_PPI 25

struct irq {
    uint8_t prio;
    bool group1, enabled, pending, active, edge, level;
};

struct gic_cpu {
    struct cpu *cpu;
    uint64_t mpidr;
    struct irq local[32];       /* SGIs and PPIs */
    bool sleep;                 /* GICR_WAKER.ProcessorSleep */
    /* CPU interface */
    uint8_t pmr, bpr0, bpr1;
    bool eoimode, cbpr, grpen0, grpen1;
    uint32_t apr0, apr1;        /* active priorities, bit n = priority n << 3 */
    bool line;
    /* Virtualization: the ICH_* state of this CPU's virtual interface. */
    uint64_t ich_hcr, ich_vmcr, ich_lr[GIC_NUM_LR];
    uint32_t ich_ap0r, ich_ap1r;
    bool vline;
};

struct gic {
    pthread_mutex_t lock;
    void (*kick)(void *opaque, unsigned cpu);
    void *kick_opaque;
    uint64_t dist_base, redist_base;
    unsigned nirq;              /* 32 + SPIs */
    bool en_grp0, en_grp1;
    struct irq *spi;            /* [nirq - 32] */
    uint64_t *irouter;
    unsigned ncpus;
    struct gic_cpu cpus[GIC_MAX_CPUS];
};

struct gic *gic_new(const struct hv_gic_config *cfg, void (*kick)(void *opaque, unsigned cpu), void *opaque)
{
    struct gic *g = calloc(1, sizeof(*g));
    if (!g)
        return NULL;
    g->kick = kick;
    g->kick_opaque = opaque;
    unsigned spis = (cfg->spi_count + 31) & ~31u;
    if (spis > 988)
        spis = 988;
    g->nirq = 32 + spis;
    g->spi = calloc(spis ? spis : 1, sizeof(*g->spi));
    g->irouter = calloc(spis ? spis : 1, sizeof(*g->irouter));
    if (!g->spi || !g->irouter) {
        gic_free(g);
        return NULL;
    }
    pthread_mutex_init(&g->lock, NULL);
    g->dist_base = cfg->distributor_base;
    g->redist_base = cfg->redistributor_base;
    return g;
}

void gic_free(struct gic *g)
{
    if (!g)
        return;
    free(g->spi);
    free(g->irouter);
    free(g);
}

void gic_attach_cpu(struct gic *g, unsigned idx, struct cpu *c, uint64_t mpidr)
{
    if (idx >= GIC_MAX_CPUS)
        return;
    pthread_mutex_lock(&g->lock);
    struct gic_cpu *gc = &g->cpus[idx];
    memset(gc, 0, sizeof(*gc));
    gc->cpu = c;
    gc->mpidr = mpidr;
    gc->sleep = true;
    gc->bpr0 = 2;
    gc->bpr1 = 3;
    for (unsigned i = 0; i < 16; i++)
        gc->local[i].edge = true;       /* SGIs are edge-triggered */
    if (idx + 1 > g->ncpus)
        g->ncpus = idx + 1;
    pthread_mutex_unlock(&g->lock);
}

/* ---- state evaluation ---------------------------------------------------- */

static struct irq *irq_for(struct gic *g, unsigned cpu, unsigned intid)
{
    if (intid < 32)
        return &g->cpus[cpu].local[intid];
    if (intid < g->nirq)
        return &g->spi[intid - 32];
    return NULL;
}

static bool is_pending(const struct irq *q)
{
    return q->pending || (!q->edge && q->level);
}

static bool spi_targets(struct gic *g, unsigned intid, unsigned cpu)
{
    uint64_t r = g->irouter[intid - 32];
    if (r & (1ull << 31))       /* IRM: any participating CPU; pick vCPU 0 */
        return cpu == 0;
    uint64_t aff = (r & 0xffffffull) | (r >> 32 & 0xff) << 24;
    uint64_t m = g->cpus[cpu].mpidr;
    uint64_t maff = (m & 0xffffffull) | (m >> 32 & 0xff) << 24;
    return aff == maff;
}

static unsigned running_prio(const struct gic_cpu *gc)
{
    uint32_t ap = gc->apr0 | gc->apr1;
    if (!ap)
        return 0xff;
    return (unsigned)__builtin_ctz(ap) << 3;
}

/* Highest-priority pending interrupt of a CPU for group (0/1); SPURIOUS if none. */
static unsigned hppi(struct gic *g, unsigned cpu, int group, unsigned *prio_out)
{
    struct gic_cpu *gc = &g->cpus[cpu];
    unsigned best = SPURIOUS, bprio = 0x100;
    for (unsigned i = 0; i < 32; i++) {
        struct irq *q = &gc->local[i];
        if (q->enabled && !q->active && is_pending(q) && q->group1 == (group == 1) && q->prio < bprio) {
            best = i;
            bprio = q->prio;
        }
    }
    for (unsigned i = 32; i < g->nirq; i++) {
        struct irq *q = &g->spi[i - 32];
        if (q->enabled && !q->active && is_pending(q) && q->group1 == (group == 1) && q->prio < bprio &&
            spi_targets(g, i, cpu)) {
            best = i;
            bprio = q->prio;
        }
    }
    if (prio_out)
        *prio_out = bprio;
    return best;
}

/* Can the interrupt of priority prio be signalled now (PMR, preemption)? */
static bool can_signal(struct gic_cpu *gc, unsigned prio, int group)
{
    if (prio >= gc->pmr)
        return false;
    unsigned bpr = group == 1 && !gc->cbpr ? gc->bpr1 : gc->bpr0 + 1;
    unsigned mask = (0xffu << bpr) & 0xff;
    return (prio & mask) < (running_prio(gc) & mask) || running_prio(gc) == 0xff;
}

static void update_virtual(struct gic *g, unsigned cpu);
static bool ich_read(struct gic_cpu *gc, uint32_t key, uint64_t *val);
static bool ich_write(struct gic_cpu *gc, uint32_t key, uint64_t v);

static void update_cpu(struct gic *g, unsigned cpu)
{
    struct gic_cpu *gc = &g->cpus[cpu];
    if (!gc->cpu)
        return;
    update_virtual(g, cpu);     /* may change the maintenance PPI */
    bool irq = false, fiq = false;
    unsigned prio;
    if (g->en_grp1 && gc->grpen1) {
        unsigned id = hppi(g, cpu, 1, &prio);
        irq = id != SPURIOUS && can_signal(gc, prio, 1);
    }
    if (g->en_grp0 && gc->grpen0) {
        unsigned id = hppi(g, cpu, 0, &prio);
        fiq = id != SPURIOUS && can_signal(gc, prio, 0);
    }
    bool was = gc->line;
    uint32_t lines = __atomic_load_n(&gc->cpu->irq_lines, __ATOMIC_ACQUIRE);
    if (irq != !!(lines & CPU_IRQ))
        cpu_set_irq(gc->cpu, CPU_IRQ, irq);
    if (fiq != !!(lines & CPU_FIQ))
        cpu_set_irq(gc->cpu, CPU_FIQ, fiq);
    if (gc->vline != !!(lines & CPU_VIRQ))
        cpu_set_irq(gc->cpu, CPU_VIRQ, gc->vline);
    gc->line = irq || fiq || gc->vline;
    if (gc->line && !was && g->kick)
        g->kick(g->kick_opaque, cpu);
}

static void update_all(struct gic *g)
{
    for (unsigned i = 0; i < g->ncpus; i++)
        update_cpu(g, i);
}

/* ---- inputs -------------------------------------------------------------- */

static void set_line(struct irq *q, bool level)
{
    if (q->edge && level && !q->level)
        q->pending = true;
    q->level = level;
}

void gic_set_spi(struct gic *g, unsigned intid, bool level)
{
    if (intid < 32 || intid >= g->nirq)
        return;
    pthread_mutex_lock(&g->lock);
    set_line(&g->spi[intid - 32], level);
    update_all(g);
    pthread_mutex_unlock(&g->lock);
}

void gic_set_ppi(struct gic *g, unsigned cpu, unsigned intid, bool level)
{
    if (intid < 16 || intid >= 32 || cpu >= g->ncpus)
        return;
    pthread_mutex_lock(&g->lock);
    struct irq *q = &g->cpus[cpu].local[intid];
    if (q->level != level) {
        set_line(q, level);
        update_cpu(g, cpu);
    }
    pthread_mutex_unlock(&g->lock);
}

/* ---- register banks shared by GICD and the GICR SGI frame ---------------- */

/* Bit-per-interrupt registers (IGROUPR, ISENABLER ...) at offset off, for
 * INTIDs base .. base+31. */
enum bitreg { BR_GROUP, BR_SETENABLE, BR_CLRENABLE, BR_SETPEND, BR_CLRPEND, BR_SETACTIVE, BR_CLRACTIVE };

static uint32_t bitreg_read(struct gic *g, unsigned cpu, enum bitreg r, unsigned base)
{
    uint32_t v = 0;
    for (unsigned i = 0; i < 32; i++) {
        struct irq *q = irq_for(g, cpu, base + i);
        if (!q)
            continue;
        bool b;
        switch (r) {
        case BR_GROUP: b = q->group1; break;
        case BR_SETENABLE: case BR_CLRENABLE: b = q->enabled; break;
        case BR_SETPEND: case BR_CLRPEND: b = is_pending(q); break;
        default: b = q->active; break;
        }
        v |= (uint32_t)b << i;
    }
    return v;
}

static void bitreg_write(struct gic *g, unsigned cpu, enum bitreg r, unsigned base, uint32_t v)
{
    for (unsigned i = 0; i < 32; i++) {
        struct irq *q = irq_for(g, cpu, base + i);
        if (!q)
            continue;
        bool b = v >> i & 1;
        switch (r) {
        case BR_GROUP: q->group1 = b; break;
        case BR_SETENABLE: if (b) q->enabled = true; break;
        case BR_CLRENABLE: if (b) q->enabled = false; break;
        case BR_SETPEND: if (b) q->pending = true; break;
        case BR_CLRPEND: if (b) q->pending = false; break;
        case BR_SETACTIVE: if (b) q->active = true; break;
        case BR_CLRACTIVE: if (b) q->active = false; break;
        }
    }
}

/* Common interrupt-configuration space (offsets as in GICD; base = first INTID
 * this frame covers, limit = one past the last).  Returns false if off is not
 * one of these registers. */
static bool irq_regs(struct gic *g, unsigned cpu, uint64_t off, unsigned size, bool write, uint64_t *data,
                     unsigned first, unsigned limit)
{
    static const struct { uint64_t start; enum bitreg r; } banks[] = {
        { 0x080, BR_GROUP }, { 0x100, BR_SETENABLE }, { 0x180, BR_CLRENABLE }, { 0x200, BR_SETPEND },
        { 0x280, BR_CLRPEND }, { 0x300, BR_SETACTIVE }, { 0x380, BR_CLRACTIVE },
    };
    for (unsigned b = 0; b < sizeof(banks) / sizeof(banks[0]); b++) {
        if (off >= banks[b].start && off < banks[b].start + 0x80) {
            if (size != 4)
                return true;    /* only word access is defined: ignore */
            unsigned base = (unsigned)(off - banks[b].start) * 8;
            if (base < first || base >= limit) {
                if (!write)
                    *data = 0;
                return true;
            }
            if (write)
                bitreg_write(g, cpu, banks[b].r, base, (uint32_t)*data);
            else
                *data = bitreg_read(g, cpu, banks[b].r, base);
            return true;
        }
    }
    if (off >= 0x400 && off < 0x400 + 1020) {      /* IPRIORITYR: byte accessible */
        unsigned base = (unsigned)(off - 0x400);
        uint64_t v = write ? *data : 0;
        for (unsigned i = 0; i < size; i++) {
            unsigned id = base + i;
            struct irq *q = id >= first && id < limit ? irq_for(g, cpu, id) : NULL;
            if (write) {
                if (q)
                    q->prio = (uint8_t)(v >> (8 * i)) & PRIO_MASK;
            } else if (q) {
                v |= (uint64_t)q->prio << (8 * i);
            }
        }
        if (!write)
            *data = v;
        return true;
    }
    if (off >= 0xc00 && off < 0xc00 + 0x100) {     /* ICFGR: 2 bits per interrupt */
        unsigned base = (unsigned)(off - 0xc00) * 4;
        if (size != 4)
            return true;
        uint32_t v = 0;
        for (unsigned i = 0; i < 16; i++) {
            unsigned id = base + i;
            struct irq *q = id >= first && id < limit ? irq_for(g, cpu, id) : NULL;
            if (!q)
                continue;
            if (write) {
                if (id >= 16)   /* SGIs are always edge */
                    q->edge = (*data >> (2 * i + 1)) & 1;
            } else {
                v |= (uint32_t)q->edge << (2 * i + 1);
            }
        }
        if (!write)
            *data = v;
        return true;
    }
    if (off >= 0xd00 && off < 0xd80) {             /* IGRPMODR: RAZ/WI (single security state) */
        if (!write)
            *data = 0;
        return true;
    }
    return false;
}

/* ---- distributor --------------------------------------------------------- */

static bool dist_access(struct gic *g, unsigned cpu, uint64_t off, unsigned size, bool write, uint64_t *data)
{
    if (off == 0x0000) {            /* GICD_CTLR */
        if (write) {
            g->en_grp0 = *data & 1;
            g->en_grp1 = *data & 2;
        } else {
            *data = (uint64_t)g->en_grp0 | (uint64_t)g->en_grp1 << 1 | 1u << 4 | 1u << 6;   /* ARE, DS */
        }
        return true;
    }
    if (!write) {
        switch (off) {
        case 0x0004:                /* GICD_TYPER */
            *data = (g->nirq / 32 - 1) | 9u << 19 | 1u << 25;   /* IDbits = 10 bits, No1N */
            return true;
        case 0x0008: *data = 0x0100143bu; return true;          /* GICD_IIDR */
        case 0x000c: case 0x0010: *data = 0; return true;       /* TYPER2, STATUSR */
        case 0xffe8: *data = 0x3b; return true;                 /* PIDR2: GICv3 */
        }
    }
    if (off >= 0x6100 && off < 0x6000 + 8ull * g->nirq) {     /* GICD_IROUTER<n>, n >= 32 */
        unsigned id = (unsigned)((off - 0x6000) / 8);
        unsigned shift = (unsigned)(off & 7) * 8;
        uint64_t mask = size == 8 ? ~0ull : ((1ull << (size * 8)) - 1) << shift;
        uint64_t *r = &g->irouter[id - 32];
        if (write)
            *r = ((*r & ~mask) | ((*data << shift) & mask)) & 0xff800000ffffffull;
        else
            *data = (*r & mask) >> shift;
        return true;
    }
    if (irq_regs(g, cpu, off, size, write, data, 32, g->nirq))
        return true;
    if (!write)
        *data = 0;      /* reserved: RAZ/WI */
    return true;
}

/* ---- redistributors ------------------------------------------------------ */

static bool redist_access(struct gic *g, unsigned cpu, uint64_t off, unsigned size, bool write, uint64_t *data)
{
    struct gic_cpu *gc = &g->cpus[cpu];
    if (off < 0x10000) {            /* RD_base */
        if (write) {
            if (off == 0x0014)      /* GICR_WAKER */
                gc->sleep = *data & 2;
            return true;
        }
        switch (off) {
        case 0x0000: *data = 0; break;                              /* CTLR */
        case 0x0004: *data = 0x0100143bu; break;                    /* IIDR */
        case 0x0008: case 0x000c: {                                 /* TYPER (64-bit) */
            uint64_t m = gc->mpidr;
            uint64_t aff = (m & 0xffffffull) | (m >> 32 & 0xff) << 24;
            uint64_t v = aff << 32 | (uint64_t)cpu << 8 | (cpu + 1 == g->ncpus ? 1u << 4 : 0);
            *data = off == 0x0008 ? (size == 8 ? v : (uint32_t)v) : v >> 32;
            break;
        }
        case 0x0014: *data = gc->sleep ? 6 : 0; break;              /* WAKER */
        case 0xffe8: *data = 0x3b; break;                           /* PIDR2 */
        default: *data = 0; break;
        }
        return true;
    }
    off -= 0x10000;                 /* SGI_base */
    if (irq_regs(g, cpu, off, size, write, data, 0, 32))
        return true;
    if (!write)
        *data = 0;
    return true;
}

bool gic_mmio(struct gic *g, unsigned cpu, uint64_t addr, unsigned size, bool write, uint64_t *data)
{
    bool ok = false;
    pthread_mutex_lock(&g->lock);
    if (addr >= g->dist_base && addr < g->dist_base + 0x10000) {
        ok = dist_access(g, cpu, addr - g->dist_base, size, write, data);
    } else if (addr >= g->redist_base && addr < g->redist_base + 0x20000ull * g->ncpus) {
        unsigned target = (unsigned)((addr - g->redist_base) / 0x20000);
        ok = redist_access(g, target, (addr - g->redist_base) % 0x20000, size, write, data);
    }
    if (ok && write)
        update_all(g);
    pthread_mutex_unlock(&g->lock);
    return ok;
}

/* ---- CPU interface ------------------------------------------------------- */

#define ICC(crm, op2) SYSREG_KEY(3, 0, 12, crm, op2)
#define ICC_PMR_EL1 SYSREG_KEY(3, 0, 4, 6, 0)

static unsigned acknowledge(struct gic *g, unsigned cpu, int group)
{
    struct gic_cpu *gc = &g->cpus[cpu];
    unsigned prio;
    unsigned id = hppi(g, cpu, group, &prio);
    if (id == SPURIOUS || !can_signal(gc, prio, group) || !(group ? g->en_grp1 && gc->grpen1 : g->en_grp0 && gc->grpen0))
        return SPURIOUS;
    struct irq *q = irq_for(g, cpu, id);
    q->active = true;
    q->pending = false;
    if (group)
        gc->apr1 |= 1u << (prio >> 3);
    else
        gc->apr0 |= 1u << (prio >> 3);
    return id;
}

static void deactivate(struct gic *g, unsigned cpu, unsigned id)
{
    struct irq *q = irq_for(g, cpu, id);
    if (q)
        q->active = false;
}

static void priority_drop(struct gic_cpu *gc, int group)
{
    uint32_t *ap = group ? &gc->apr1 : &gc->apr0;
    if (*ap)
        *ap &= *ap - 1;     /* clear the highest active priority (lowest bit) */
}

static void send_sgi(struct gic *g, unsigned self, uint64_t v)
{
    unsigned intid = (unsigned)(v >> 24) & 0xf;
    bool irm = v >> 40 & 1;
    uint64_t aff1 = v >> 16 & 0xff, aff2 = v >> 32 & 0xff, aff3 = v >> 48 & 0xff;
    unsigned rs = (unsigned)(v >> 44) & 0xf;
    uint16_t list = (uint16_t)v;
    for (unsigned i = 0; i < g->ncpus; i++) {
        struct gic_cpu *gc = &g->cpus[i];
        if (!gc->cpu)
            continue;
        bool hit;
        if (irm) {
            hit = i != self;
        } else {
            uint64_t m = gc->mpidr;
            unsigned aff0 = (unsigned)(m & 0xff);
            hit = (m >> 8 & 0xff) == aff1 && (m >> 16 & 0xff) == aff2 && (m >> 32 & 0xff) == aff3 &&
                  aff0 / 16 == rs && (list >> (aff0 % 16) & 1);
        }
        if (hit)
            gc->local[intid].pending = true;
    }
}

bool gic_sysreg_read(struct gic *g, unsigned cpu, uint32_t key, uint64_t *val)
{
    if (cpu >= g->ncpus)
        return false;
    struct gic_cpu *gc = &g->cpus[cpu];
    bool ok = true;
    pthread_mutex_lock(&g->lock);
    switch (key) {
    case ICC_PMR_EL1: *val = gc->pmr; break;
    case ICC(8, 0): *val = acknowledge(g, cpu, 0); update_cpu(g, cpu); break;     /* IAR0 */
    case ICC(12, 0): *val = acknowledge(g, cpu, 1); update_cpu(g, cpu); break;    /* IAR1 */
    case ICC(8, 2): *val = hppi(g, cpu, 0, NULL); break;                         /* HPPIR0 */
    case ICC(12, 2): *val = hppi(g, cpu, 1, NULL); break;                        /* HPPIR1 */
    case ICC(8, 3): *val = gc->bpr0; break;
    case ICC(12, 3): *val = gc->cbpr ? gc->bpr0 + 1u : gc->bpr1; break;
    case ICC(8, 4): *val = gc->apr0; break;                                      /* AP0R0 */
    case ICC(8, 5): case ICC(8, 6): case ICC(8, 7): *val = 0; break;
    case ICC(9, 0): *val = gc->apr1; break;                                      /* AP1R0 */
    case ICC(9, 1): case ICC(9, 2): case ICC(9, 3): *val = 0; break;
    case ICC(11, 3): *val = running_prio(gc); break;                             /* RPR */
    case ICC(12, 4):                                                             /* CTLR */
        *val = (uint64_t)gc->cbpr | (uint64_t)gc->eoimode << 1 | 4u << 8 | 1u << 15;
        break;
    case ICC(12, 5): *val = 7; break;                                            /* SRE: SRE, DFB, DIB */
    case ICC(12, 6): *val = gc->grpen0; break;
    case ICC(12, 7): *val = gc->grpen1; break;
    case SYSREG_KEY(3, 4, 12, 9, 5): *val = 0xf; break;                           /* ICC_SRE_EL2: Enable|SRE|DFB|DIB */
    default: ok = ich_read(gc, key, val); break;
    }
    pthread_mutex_unlock(&g->lock);
    return ok;
}

bool gic_sysreg_write(struct gic *g, unsigned cpu, uint32_t key, uint64_t v)
{
    if (cpu >= g->ncpus)
        return false;
    struct gic_cpu *gc = &g->cpus[cpu];
    bool ok = true;
    pthread_mutex_lock(&g->lock);
    switch (key) {
    case ICC_PMR_EL1: gc->pmr = (uint8_t)v & PRIO_MASK; break;
    case ICC(8, 1):                                                  /* EOIR0 */
        priority_drop(gc, 0);
        if (!gc->eoimode)
            deactivate(g, cpu, (unsigned)v & 0xffffff);
        break;
    case ICC(12, 1):                                                 /* EOIR1 */
        priority_drop(gc, 1);
        if (!gc->eoimode)
            deactivate(g, cpu, (unsigned)v & 0xffffff);
        break;
    case ICC(11, 1): deactivate(g, cpu, (unsigned)v & 0xffffff); break;   /* DIR */
    case ICC(8, 3): gc->bpr0 = (uint8_t)(v & 7) < 2 ? 2 : (uint8_t)(v & 7); break;
    case ICC(12, 3): gc->bpr1 = (uint8_t)(v & 7) < 3 ? 3 : (uint8_t)(v & 7); break;
    case ICC(8, 4): gc->apr0 = (uint32_t)v; break;
    case ICC(9, 0): gc->apr1 = (uint32_t)v; break;
    case ICC(8, 5): case ICC(8, 6): case ICC(8, 7):
    case ICC(9, 1): case ICC(9, 2): case ICC(9, 3): break;
    case ICC(12, 4): gc->cbpr = v & 1; gc->eoimode = v >> 1 & 1; break;  /* CTLR */
    case ICC(12, 5): break;                                          /* SRE: fixed */
    case ICC(12, 6): gc->grpen0 = v & 1; break;
    case ICC(12, 7): gc->grpen1 = v & 1; break;
    case ICC(11, 5): send_sgi(g, cpu, v); break;                     /* SGI1R */
    case ICC(11, 6): break;                                          /* ASGI1R: other security state */
    case ICC(11, 7): send_sgi(g, cpu, v); break;                     /* SGI0R: group 0 SGIs */
    case SYSREG_KEY(3, 4, 12, 9, 5): break;                          /* ICC_SRE_EL2 */
    default: ok = ich_write(gc, key, v); break;
    }
    if (ok)
        update_all(g);
    pthread_mutex_unlock(&g->lock);
    return ok;
}

/* ---- virtualization: ICH_* and the virtual CPU interface (ICV_*) --------- */
/* GICv3 spec chapter 6.  List registers: vINTID[31:0], pINTID[44:32],
 * EOI[41] (for HW=0), Priority[55:48], Group[60], HW[61], State[63:62]. */

#define LR_STATE(lr) ((unsigned)((lr) >> 62))
#define LR_PENDING 1u
#define LR_ACTIVE 2u
#define LR_PRIO(lr) ((unsigned)((lr) >> 48) & 0xff & PRIO_MASK)
#define LR_GROUP(lr) ((unsigned)((lr) >> 60) & 1)
#define LR_HW(lr) (((lr) >> 61) & 1)
#define LR_VINTID(lr) ((unsigned)(lr))
#define LR_PINTID(lr) ((unsigned)((lr) >> 32) & 0x1fff)
#define LR_EOI(lr) (((lr) >> 41) & 1)

#define VMCR_ENG0 (1ull << 0)
#define VMCR_ENG1 (1ull << 1)
#define VMCR_CBPR (1ull << 4)
#define VMCR_EOIM (1ull << 9)
#define VMCR_BPR1(v) ((unsigned)((v) >> 18) & 7)
#define VMCR_BPR0(v) ((unsigned)((v) >> 21) & 7)
#define VMCR_PMR(v) ((unsigned)((v) >> 24) & 0xff)

static unsigned v_running_prio(const struct gic_cpu *gc)
{
    uint32_t ap = gc->ich_ap0r | gc->ich_ap1r;
    return ap ? (unsigned)__builtin_ctz(ap) << 3 : 0xff;
}

/* Highest-priority pending LR of a group whose priority passes VPMR and
 * preempts the virtual running priority; -1 if none. */
static int v_hppi(const struct gic_cpu *gc, int group, bool check_preempt)
{
    int best = -1;
    unsigned bprio = 0x100;
    for (int i = 0; i < GIC_NUM_LR; i++) {
        uint64_t lr = gc->ich_lr[i];
        if (!(LR_STATE(lr) & LR_PENDING) || (LR_STATE(lr) & LR_ACTIVE) || (int)LR_GROUP(lr) != group)
            continue;
        if (LR_PRIO(lr) < bprio) {
            bprio = LR_PRIO(lr);
            best = i;
        }
    }
    if (best < 0 || !check_preempt)
        return best;
    if (bprio >= VMCR_PMR(gc->ich_vmcr))
        return -1;
    unsigned bpr = group ? ((gc->ich_vmcr & VMCR_CBPR) ? VMCR_BPR0(gc->ich_vmcr) + 1 : VMCR_BPR1(gc->ich_vmcr))
                         : VMCR_BPR0(gc->ich_vmcr) + 1;
    unsigned mask = (0xffu << bpr) & 0xff;
    unsigned rp = v_running_prio(gc);
    if (rp != 0xff && (bprio & mask) >= (rp & mask))
        return -1;
    return best;
}

static uint32_t ich_misr(const struct gic_cpu *gc)
{
    uint64_t hcr = gc->ich_hcr, vmcr = gc->ich_vmcr;
    uint32_t m = 0;
    unsigned valid = 0;
    bool any_pending = false, eoi = false;
    for (int i = 0; i < GIC_NUM_LR; i++) {
        uint64_t lr = gc->ich_lr[i];
        if (LR_STATE(lr))
            valid++;
        if (LR_STATE(lr) & LR_PENDING)
            any_pending = true;
        if (!LR_STATE(lr) && !LR_HW(lr) && LR_EOI(lr))
            eoi = true;
    }
    if (eoi) m |= 1u << 0;
    if ((hcr & (1u << 1)) && valid <= 1) m |= 1u << 1;                  /* U */
    if ((hcr & (1u << 2)) && (hcr >> 27)) m |= 1u << 2;                 /* LRENP */
    if ((hcr & (1u << 3)) && !any_pending) m |= 1u << 3;                /* NP */
    if ((hcr & (1u << 4)) && (vmcr & VMCR_ENG0)) m |= 1u << 4;
    if ((hcr & (1u << 5)) && !(vmcr & VMCR_ENG0)) m |= 1u << 5;
    if ((hcr & (1u << 6)) && (vmcr & VMCR_ENG1)) m |= 1u << 6;
    if ((hcr & (1u << 7)) && !(vmcr & VMCR_ENG1)) m |= 1u << 7;
    return m;
}

static void update_virtual(struct gic *g, unsigned cpu)
{
    struct gic_cpu *gc = &g->cpus[cpu];
    bool en = gc->ich_hcr & 1;
    gc->vline = en && (gc->ich_vmcr & VMCR_ENG1) && v_hppi(gc, 1, true) >= 0;
    bool maint = en && ich_misr(gc) != 0;
    struct irq *q = &gc->local[MAINT_PPI];
    if (q->level != maint)
        set_line(q, maint);
}

static unsigned v_acknowledge(struct gic *g, unsigned cpu, int group)
{
    struct gic_cpu *gc = &g->cpus[cpu];
    (void)g;
    if (!(gc->ich_vmcr & (group ? VMCR_ENG1 : VMCR_ENG0)))
        return SPURIOUS;
    int i = v_hppi(gc, group, true);
    if (i < 0)
        return SPURIOUS;
    uint64_t *lr = &gc->ich_lr[i];
    unsigned id = LR_VINTID(*lr);
    /* pending -> active (SGIs/level from the hypervisor's point of view alike) */
    *lr = (*lr & ~(3ull << 62)) | (uint64_t)LR_ACTIVE << 62;
    unsigned prio = LR_PRIO(*lr);
    if (group)
        gc->ich_ap1r |= 1u << (prio >> 3);
    else
        gc->ich_ap0r |= 1u << (prio >> 3);
    return id;
}

static void v_deactivate(struct gic *g, unsigned cpu, unsigned vintid)
{
    struct gic_cpu *gc = &g->cpus[cpu];
    for (int i = 0; i < GIC_NUM_LR; i++) {
        uint64_t *lr = &gc->ich_lr[i];
        if (LR_VINTID(*lr) == vintid && (LR_STATE(*lr) & LR_ACTIVE)) {
            *lr &= ~((uint64_t)LR_ACTIVE << 62);
            if (LR_HW(*lr))
                deactivate(g, cpu, LR_PINTID(*lr));
            return;
        }
    }
    /* No LR: count it for the hypervisor (ICH_HCR_EL2.EOIcount). */
    if (vintid < 1020) {
        uint64_t cnt = (gc->ich_hcr >> 27) + 1;
        gc->ich_hcr = (gc->ich_hcr & ((1ull << 27) - 1)) | (cnt & 0x1f) << 27;
    }
}

static void v_eoi(struct gic *g, unsigned cpu, unsigned vintid, int group)
{
    struct gic_cpu *gc = &g->cpus[cpu];
    uint32_t *ap = group ? &gc->ich_ap1r : &gc->ich_ap0r;
    if (*ap)
        *ap &= *ap - 1;
    if (!(gc->ich_vmcr & VMCR_EOIM))
        v_deactivate(g, cpu, vintid);
}

#define ICH(crm, op2) SYSREG_KEY(3, 4, 12, crm, op2)

static bool ich_read(struct gic_cpu *gc, uint32_t key, uint64_t *val)
{
    if (key >= ICH(12, 0) && key <= ICH(13, 7)) {
        unsigned n = (key >> 3 & 1) * 8 + (key & 7);
        *val = n < GIC_NUM_LR ? gc->ich_lr[n] : 0;
        return true;
    }
    switch (key) {
    case ICH(8, 0): *val = gc->ich_ap0r; return true;
    case ICH(8, 1): case ICH(8, 2): case ICH(8, 3): *val = 0; return true;
    case ICH(9, 0): *val = gc->ich_ap1r; return true;
    case ICH(9, 1): case ICH(9, 2): case ICH(9, 3): *val = 0; return true;
    case ICH(11, 0): *val = gc->ich_hcr; return true;
    case ICH(11, 1):    /* VTR: 8 LRs, 5 bits of priority and preemption, A3V, nV4 */
        *val = (GIC_NUM_LR - 1) | 4u << 26 | 4u << 29 | 1u << 21 | 1u << 20;
        return true;
    case ICH(11, 2): *val = ich_misr(gc); return true;
    case ICH(11, 3): {  /* EISR */
        uint64_t v = 0;
        for (int i = 0; i < GIC_NUM_LR; i++) {
            uint64_t lr = gc->ich_lr[i];
            if (!LR_STATE(lr) && !LR_HW(lr) && LR_EOI(lr))
                v |= 1u << i;
        }
        *val = v;
        return true;
    }
    case ICH(11, 5): {  /* ELRSR */
        uint64_t v = 0;
        for (int i = 0; i < GIC_NUM_LR; i++) {
            uint64_t lr = gc->ich_lr[i];
            if (!LR_STATE(lr) && (LR_HW(lr) || !LR_EOI(lr)))
                v |= 1u << i;
        }
        *val = v;
        return true;
    }
    case ICH(11, 7): *val = gc->ich_vmcr; return true;
    default: return false;
    }
}

static bool ich_write(struct gic_cpu *gc, uint32_t key, uint64_t v)
{
    if (key >= ICH(12, 0) && key <= ICH(13, 7)) {
        unsigned n = (key >> 3 & 1) * 8 + (key & 7);
        if (n < GIC_NUM_LR)
            gc->ich_lr[n] = v & 0xf0ff1fffffffffffull;   /* RES0 bits 47:45 dropped; pINTID 13 bits */
        return true;
    }
    switch (key) {
    case ICH(8, 0): gc->ich_ap0r = (uint32_t)v; return true;
    case ICH(9, 0): gc->ich_ap1r = (uint32_t)v; return true;
    case ICH(8, 1): case ICH(8, 2): case ICH(8, 3):
    case ICH(9, 1): case ICH(9, 2): case ICH(9, 3): return true;
    case ICH(11, 0): gc->ich_hcr = v & 0xf8007cffull; return true;
    case ICH(11, 7): gc->ich_vmcr = v & 0xfffc021full; return true;
    default: return false;   /* VTR, MISR, EISR, ELRSR are read-only */
    }
}

/* ICV_* registers: the ICC_* encodings at EL1 when EL2 virtualizes them. */
static bool icv_read(struct gic *g, unsigned cpu, uint32_t key, uint64_t *val)
{
    struct gic_cpu *gc = &g->cpus[cpu];
    uint64_t vmcr = gc->ich_vmcr;
    int i;
    switch (key) {
    case SYSREG_KEY(3, 0, 4, 6, 0): *val = VMCR_PMR(vmcr); return true;            /* PMR */
    case ICC(12, 0): *val = v_acknowledge(g, cpu, 1); return true;                   /* IAR1 */
    case ICC(8, 0): *val = v_acknowledge(g, cpu, 0); return true;                    /* IAR0 */
    case ICC(12, 2): i = v_hppi(gc, 1, false); *val = i < 0 ? SPURIOUS : LR_VINTID(gc->ich_lr[i]); return true;
    case ICC(8, 2): i = v_hppi(gc, 0, false); *val = i < 0 ? SPURIOUS : LR_VINTID(gc->ich_lr[i]); return true;
    case ICC(8, 3): *val = VMCR_BPR0(vmcr); return true;
    case ICC(12, 3): *val = (vmcr & VMCR_CBPR) ? VMCR_BPR0(vmcr) + 1u : VMCR_BPR1(vmcr); return true;
    case ICC(8, 4): *val = gc->ich_ap0r; return true;
    case ICC(9, 0): *val = gc->ich_ap1r; return true;
    case ICC(8, 5): case ICC(8, 6): case ICC(8, 7): case ICC(9, 1): case ICC(9, 2): case ICC(9, 3):
        *val = 0;
        return true;
    case ICC(11, 3): *val = v_running_prio(gc); return true;                          /* RPR */
    case ICC(12, 4):                                                                   /* CTLR */
        *val = ((vmcr & VMCR_CBPR) ? 1u : 0u) | ((vmcr & VMCR_EOIM) ? 2u : 0u) | 4u << 8 | 1u << 15;
        return true;
    case ICC(12, 5): *val = 7; return true;                                            /* SRE */
    case ICC(12, 6): *val = (vmcr & VMCR_ENG0) ? 1 : 0; return true;
    case ICC(12, 7): *val = (vmcr & VMCR_ENG1) ? 1 : 0; return true;
    default: return false;
    }
}

static bool icv_write(struct gic *g, unsigned cpu, uint32_t key, uint64_t v)
{
    struct gic_cpu *gc = &g->cpus[cpu];
    uint64_t *vmcr = &gc->ich_vmcr;
    switch (key) {
    case SYSREG_KEY(3, 0, 4, 6, 0): *vmcr = (*vmcr & ~(0xffull << 24)) | (v & PRIO_MASK) << 24; return true;
    case ICC(12, 1): v_eoi(g, cpu, (unsigned)v & 0xffffff, 1); return true;            /* EOIR1 */
    case ICC(8, 1): v_eoi(g, cpu, (unsigned)v & 0xffffff, 0); return true;             /* EOIR0 */
    case ICC(11, 1): v_deactivate(g, cpu, (unsigned)v & 0xffffff); return true;        /* DIR */
    case ICC(8, 3): *vmcr = (*vmcr & ~(7ull << 21)) | (uint64_t)((v & 7) < 2 ? 2 : v & 7) << 21; return true;
    case ICC(12, 3): *vmcr = (*vmcr & ~(7ull << 18)) | (uint64_t)((v & 7) < 3 ? 3 : v & 7) << 18; return true;
    case ICC(8, 4): gc->ich_ap0r = (uint32_t)v; return true;
    case ICC(9, 0): gc->ich_ap1r = (uint32_t)v; return true;
    case ICC(8, 5): case ICC(8, 6): case ICC(8, 7): case ICC(9, 1): case ICC(9, 2): case ICC(9, 3): return true;
    case ICC(12, 4):
        *vmcr = (*vmcr & ~(VMCR_CBPR | VMCR_EOIM)) | ((v & 1) ? VMCR_CBPR : 0) | ((v & 2) ? VMCR_EOIM : 0);
        return true;
    case ICC(12, 5): return true;
    case ICC(12, 6): *vmcr = (*vmcr & ~VMCR_ENG0) | ((v & 1) ? VMCR_ENG0 : 0); return true;
    case ICC(12, 7): *vmcr = (*vmcr & ~VMCR_ENG1) | ((v & 1) ? VMCR_ENG1 : 0); return true;
    default: return false;
    }
}

bool gic_vsysreg_read(struct gic *g, unsigned cpu, uint32_t key, uint64_t *val)
{
    if (cpu >= g->ncpus)
        return false;
    pthread_mutex_lock(&g->lock);
    bool ok = icv_read(g, cpu, key, val);
    if (ok)
        update_cpu(g, cpu);
    pthread_mutex_unlock(&g->lock);
    return ok;
}

bool gic_vsysreg_write(struct gic *g, unsigned cpu, uint32_t key, uint64_t val)
{
    if (cpu >= g->ncpus)
        return false;
    pthread_mutex_lock(&g->lock);
    bool ok = icv_write(g, cpu, key, val);
    if (ok)
        update_all(g);
    pthread_mutex_unlock(&g->lock);
    return ok;
}

/* ---- debugging ----------------------------------------------------------- */

void gic_debug_dump(struct gic *g, unsigned cpu, FILE *f)
{
    if (cpu >= g->ncpus)
        return;
    pthread_mutex_lock(&g->lock);
    struct gic_cpu *gc = &g->cpus[cpu];
    fprintf(f, "  gic: ctlr grp0=%d grp1=%d  cpu if: pmr=%#x grpen0=%d grpen1=%d apr0=%#x apr1=%#x line=%d vline=%d\n",
            g->en_grp0, g->en_grp1, gc->pmr, gc->grpen0, gc->grpen1, gc->apr0, gc->apr1, gc->line, gc->vline);
    for (unsigned i = 16; i < 32; i++) {
        const struct irq *q = &gc->local[i];
        if (q->enabled || q->pending || q->active || q->level)
            fprintf(f, "  ppi %u: prio=%#x grp1=%d en=%d pend=%d act=%d level=%d edge=%d\n", i, q->prio, q->group1,
                    q->enabled, q->pending, q->active, q->level, q->edge);
    }
    fprintf(f, "  ich: hcr=%#llx vmcr=%#llx ap0r=%#x ap1r=%#x misr=%#x\n", (unsigned long long)gc->ich_hcr,
            (unsigned long long)gc->ich_vmcr, gc->ich_ap0r, gc->ich_ap1r, ich_misr(gc));
    for (int i = 0; i < GIC_NUM_LR; i++)
        if (gc->ich_lr[i])
            fprintf(f, "  lr%d: %#018llx\n", i, (unsigned long long)gc->ich_lr[i]);
    pthread_mutex_unlock(&g->lock);
}
