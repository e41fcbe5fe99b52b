/* The software backend of hv: nestvm's own A64 CPU, the GICv3 model and the
 * generic timers.
 *
 * Threads: each vCPU runs on the thread that calls hv_vcpu_run(); WFI sleeps
 * on the vCPU's condition variable until an interrupt line rises (the GIC
 * kicks it), its own timer deadline passes, or it is cancelled.  One timer
 * thread per VM sleeps until the earliest armed timer deadline of any vCPU and
 * raises that timer's PPI, so a vCPU busy running code still gets its tick. */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cpu/cpu.h"
#include "cpu/sysreg.h"
#include "gic.h"
#include "hv-internal.h"

#define SOFT_MAX_REGIONS 16
#define SOFT_MAX_VCPUS GIC_MAX_CPUS

static const struct hv_ops soft_ops;

struct hv_vcpu {
    const struct hv_ops *ops;   /* first: see hv-internal.h */
    hv_vm_t *vm;
    unsigned id;
    struct cpu *cpu;
    struct hv_vcpu_exit exit;
    bool mmio_pending;          /* an MMIO exit awaits its result */
    pthread_mutex_t lock;
    pthread_cond_t wake;
    volatile int canceled;
    bool timer_level[4];
    /* One evaluation of the timers at a time: the timer thread and the vCPU
     * thread both evaluate, and a stale "not yet" must not overwrite a newer
     * "fired" (the PPI would stay low with no deadline left to retry). */
    pthread_mutex_t timer_lock;
    volatile int in_wfi;        /* for the debug dump */
};

struct hv_vm {
    const struct hv_ops *ops;   /* first: see hv-internal.h */
    struct hv_vm_config cfg;
    struct hv_region_table mem;
    struct gic *gic;
    struct hv_vcpu *vcpus[SOFT_MAX_VCPUS];
    unsigned nvcpus;
    pthread_mutex_t lock;
    /* timer thread */
    pthread_t timer_thread;
    pthread_cond_t timer_cond;
    bool timer_started, timer_stop;
    uint64_t timer_gen;     /* bumped (under lock) whenever a timer changes */
    /* The counter value the timer thread sleeps until (~0: no deadline), 0
     * while it computes; a timer change earlier than it must wake the thread,
     * any other needs nothing (the thread recomputes every deadline when it
     * wakes).  Guest hypervisors rewrite timers on every world switch. */
    uint64_t timer_wake_at;
    pthread_t dump_thread;
    bool dump_started;
};

/* ---- memory -------------------------------------------------------------- */

static void *soft_ram_ptr(void *opaque, uint64_t pa)
{
    hv_vm_t *vm = opaque;
    return hv_regions_find(&vm->mem, pa, 1);
}

static void *soft_vm_host_ptr(hv_vm_t *vm, uint64_t ipa, size_t len)
{
    return hv_regions_find(&vm->mem, ipa, len);
}

static void soft_vm_notify_write(hv_vm_t *vm, uint64_t ipa, size_t len)
{
    void *p = hv_vm_host_ptr(vm, ipa, len);
    if (!p)
        return;
    for (unsigned i = 0; i < vm->nvcpus; i++)
        if (vm->vcpus[i])
            cpu_code_invalidate_host(vm->vcpus[i]->cpu, p, len);
}

static hv_return_t soft_vm_map(hv_vm_t *vm, void *host, uint64_t ipa, size_t size, unsigned flags)
{
    (void)flags;    /* the software CPU does not enforce read-only memory */
    pthread_mutex_lock(&vm->lock);
    hv_return_t ret = hv_regions_check(&vm->mem, host, ipa, size, vm->cfg.ipa_bits);
    if (ret == HV_SUCCESS)
        hv_regions_add(&vm->mem, host, ipa, size);
    pthread_mutex_unlock(&vm->lock);
    return ret;
}

/* An event for the debug trace (a no-op unless NESTVM_DEBUG=dump enabled it). */
static void vcpu_trace(struct hv_vcpu *v, const char *what, uint64_t a, uint64_t b)
{
    if (v->vm->gic)
        gic_trace(v->vm->gic, v->id, what, a, b);
}

/* ---- timers -------------------------------------------------------------- */

enum { T_PHYS, T_VIRT, T_HPHYS, T_HVIRT };
static const unsigned timer_ppi[4] = { HV_PPI_PTIMER, HV_PPI_VTIMER, HV_PPI_HTIMER, HV_PPI_HVTIMER };

static uint64_t load64(const uint64_t *p) { return __atomic_load_n(p, __ATOMIC_RELAXED); }

/* Timer t of a vCPU: output level now, and if it is armed but not yet firing,
 * the counter value at which it will fire (else ~0). */
static bool timer_state(struct hv_vcpu *v, unsigned t, uint64_t now, uint64_t *fire_at)
{
    struct cpu *c = v->cpu;
    const uint64_t *ctl, *cval;
    uint64_t offset = 0;
    switch (t) {
    case T_PHYS: ctl = &c->sr.cntp_ctl_el0; cval = &c->sr.cntp_cval_el0; break;
    case T_VIRT: ctl = &c->sr.cntv_ctl_el0; cval = &c->sr.cntv_cval_el0;
        offset = c->el2_enabled ? load64(&c->sr.cntvoff_el2) : 0; break;
    case T_HPHYS: ctl = &c->sr.cnthp_ctl_el2; cval = &c->sr.cnthp_cval_el2; break;
    default: ctl = &c->sr.cnthv_ctl_el2; cval = &c->sr.cnthv_cval_el2; break;
    }
    *fire_at = ~0ull;
    uint64_t cv = load64(ctl);
    if (!(cv & 1) || (t >= T_HPHYS && !c->el2_enabled))
        return false;
    uint64_t target = load64(cval) + offset;   /* in physical counter terms */
    if (now >= target)
        return !(cv & 2);
    if (!(cv & 2))
        *fire_at = target;
    return false;
}

/* Re-evaluate a vCPU's timers into the GIC; returns its next deadline. */
static uint64_t update_timers(struct hv_vcpu *v)
{
    pthread_mutex_lock(&v->timer_lock);
    uint64_t now = cpu_counter_now(), next = ~0ull;
    for (unsigned t = 0; t < 4; t++) {
        uint64_t at;
        bool level = timer_state(v, t, now, &at);
        if (at < next)
            next = at;
        if (level != v->timer_level[t]) {
            v->timer_level[t] = level;
            if (v->vm->gic)
                gic_set_ppi(v->vm->gic, v->id, timer_ppi[t], level);
        }
    }
    __atomic_store_n(&v->cpu->timer_poll_at, next, __ATOMIC_RELAXED);
    pthread_mutex_unlock(&v->timer_lock);
    return next;
}

static void timer_changed(void *opaque, struct cpu *c)
{
    hv_vm_t *vm = opaque;
    uint64_t next = 0;      /* unknown vCPU: always wake the thread */
    for (unsigned i = 0; i < vm->nvcpus; i++)
        if (vm->vcpus[i] && vm->vcpus[i]->cpu == c) {
            vcpu_trace(vm->vcpus[i], "timer cntv", c->sr.cntv_ctl_el0 | (uint64_t)c->el << 8, c->sr.cntv_cval_el0);
            vcpu_trace(vm->vcpus[i], "timer off", c->sr.cntvoff_el2, c->pc);
            next = update_timers(vm->vcpus[i]);
        }
    /* The deadline was published (under timer_lock) before this load. */
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    if (next >= __atomic_load_n(&vm->timer_wake_at, __ATOMIC_SEQ_CST))
        return;
    pthread_mutex_lock(&vm->lock);
    vm->timer_gen++;
    pthread_cond_signal(&vm->timer_cond);
    pthread_mutex_unlock(&vm->lock);
}

static struct timespec counter_to_abstime(uint64_t counter)
{
    /* The counter is CLOCK_MONOTONIC in CNT_NS_PER_TICK units. */
    uint64_t ns = counter > ~0ull / CNT_NS_PER_TICK ? ~0ull >> 1 : counter * CNT_NS_PER_TICK;
    return (struct timespec){ .tv_sec = (time_t)(ns / 1000000000ull), .tv_nsec = (long)(ns % 1000000000ull) };
}

static void *timer_thread(void *arg)
{
    hv_vm_t *vm = arg;
    pthread_mutex_lock(&vm->lock);
    while (!vm->timer_stop) {
        uint64_t next = ~0ull;
        unsigned n = vm->nvcpus;
        /* A timer reprogrammed while the deadlines are computed (without the
         * lock) bumps timer_gen: then compute again instead of sleeping on a
         * stale deadline. */
        uint64_t gen = vm->timer_gen;
        __atomic_store_n(&vm->timer_wake_at, 0, __ATOMIC_SEQ_CST);
        pthread_mutex_unlock(&vm->lock);
        for (unsigned i = 0; i < n; i++) {
            if (!vm->vcpus[i])
                continue;
            uint64_t d = update_timers(vm->vcpus[i]);
            if (d < next)
                next = d;
        }
        pthread_mutex_lock(&vm->lock);
        if (vm->timer_stop)
            break;
        if (vm->timer_gen != gen)
            continue;
        __atomic_store_n(&vm->timer_wake_at, next, __ATOMIC_SEQ_CST);
        if (next == ~0ull) {
            pthread_cond_wait(&vm->timer_cond, &vm->lock);
        } else {
            struct timespec ts = counter_to_abstime(next);
            pthread_cond_timedwait(&vm->timer_cond, &vm->lock, &ts);
        }
    }
    pthread_mutex_unlock(&vm->lock);
    return NULL;
}

/* ---- GIC glue ------------------------------------------------------------ */

static void kick_vcpu(struct hv_vcpu *v)
{
    pthread_mutex_lock(&v->lock);
    pthread_cond_signal(&v->wake);
    pthread_mutex_unlock(&v->lock);
}

static void gic_kick(void *opaque, unsigned cpu)
{
    hv_vm_t *vm = opaque;
    if (cpu < vm->nvcpus && vm->vcpus[cpu])
        kick_vcpu(vm->vcpus[cpu]);
}

static unsigned vcpu_index(hv_vm_t *vm, struct cpu *c)
{
    for (unsigned i = 0; i < vm->nvcpus; i++)
        if (vm->vcpus[i] && vm->vcpus[i]->cpu == c)
            return i;
    return ~0u;
}

static bool soft_gic_read(void *opaque, struct cpu *c, uint32_t key, uint64_t *val)
{
    hv_vm_t *vm = opaque;
    if (!vm->gic)
        return false;
    if (cpu_irq_virtualized(c))
        return gic_vsysreg_read(vm->gic, vcpu_index(vm, c), key, val);
    return gic_sysreg_read(vm->gic, vcpu_index(vm, c), key, val);
}

static bool soft_gic_write(void *opaque, struct cpu *c, uint32_t key, uint64_t val)
{
    hv_vm_t *vm = opaque;
    if (!vm->gic)
        return false;
    if (cpu_irq_virtualized(c))
        return gic_vsysreg_write(vm->gic, vcpu_index(vm, c), key, val);
    return gic_sysreg_write(vm->gic, vcpu_index(vm, c), key, val);
}

static void soft_tlbi_broadcast(void *opaque, struct cpu *c, unsigned mask)
{
    hv_vm_t *vm = opaque;
    for (unsigned i = 0; i < vm->nvcpus; i++)
        if (vm->vcpus[i] && vm->vcpus[i]->cpu != c)
            cpu_request_tlb_flush(vm->vcpus[i]->cpu, mask);
}

/* Another vCPU may hold translations of the lines just invalidated.  Reading
 * its code-page set from this thread is safe: entries are single words, and a
 * page it adds concurrently is translated after the write being announced. */
static void soft_ic_broadcast(void *opaque, struct cpu *c, const void *host, size_t len)
{
    hv_vm_t *vm = opaque;
    for (unsigned i = 0; i < vm->nvcpus; i++) {
        struct cpu *o = vm->vcpus[i] ? vm->vcpus[i]->cpu : NULL;
        if (!o || o == c)
            continue;
        if (host)
            cpu_code_invalidate_host(o, host, len);
        else
            cpu_code_invalidate_all(o);
    }
}

static hv_return_t soft_gic_create(hv_vm_t *vm, const struct hv_gic_config *cfg)
{
    if (vm->gic)
        return HV_BUSY;
    if (cfg->spi_count > 988 || (cfg->distributor_base & 0xffff) || (cfg->redistributor_base & 0xffff))
        return HV_BAD_ARGUMENT;
    vm->gic = gic_new(cfg, gic_kick, vm);
    if (!vm->gic)
        return HV_NO_RESOURCES;
    if (vm->dump_started)
        gic_enable_trace(vm->gic);
    for (unsigned i = 0; i < vm->nvcpus; i++)
        if (vm->vcpus[i])
            gic_attach_cpu(vm->gic, i, vm->vcpus[i]->cpu, hv_vcpu_mpidr(vm->vcpus[i]));
    return HV_SUCCESS;
}

static hv_return_t soft_gic_set_spi(hv_vm_t *vm, unsigned intid, bool level)
{
    if (!vm->gic)
        return HV_BAD_ARGUMENT;
    gic_set_spi(vm->gic, intid, level);
    return HV_SUCCESS;
}

static void dump_start(hv_vm_t *vm);

/* ---- VM ------------------------------------------------------------------ */

hv_return_t soft_vm_create(const struct hv_vm_config *cfg, hv_vm_t **out)
{
    const char *model = cfg->cpu_model;
    const struct cpu_model *m = model ? cpu_model_find(model) : cpu_model_default();
    if (!m)
        return HV_BAD_ARGUMENT;
    if (cfg->el1_aarch32 && (cfg->el2_enabled || !cpu_model_a32_el1(m))) {
        hv_set_error(cfg->el2_enabled ? "a 32-bit guest cannot have EL2"
                                      : "CPU model '%s' does not implement AArch32 at EL1, which a 32-bit kernel needs",
                     m->name);
        return HV_UNSUPPORTED;
    }
    hv_vm_t *vm = calloc(1, sizeof(*vm));
    if (!vm)
        return HV_NO_RESOURCES;
    vm->ops = &soft_ops;
    vm->cfg = *cfg;
    if (!vm->cfg.ipa_bits)
        vm->cfg.ipa_bits = 40;
    vm->mem.max = SOFT_MAX_REGIONS;
    pthread_mutex_init(&vm->lock, NULL);
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&vm->timer_cond, &ca);
    pthread_condattr_destroy(&ca);
    dump_start(vm);
    *out = vm;
    return HV_SUCCESS;
}

static void soft_vm_destroy(hv_vm_t *vm)
{
    if (!vm)
        return;
    if (vm->timer_started) {
        pthread_mutex_lock(&vm->lock);
        vm->timer_stop = true;
        pthread_cond_signal(&vm->timer_cond);
        pthread_mutex_unlock(&vm->lock);
        pthread_join(vm->timer_thread, NULL);
    }
    if (vm->dump_started) {
        pthread_cancel(vm->dump_thread);
        pthread_join(vm->dump_thread, NULL);
    }
    for (unsigned i = 0; i < vm->nvcpus; i++)
        hv_vcpu_destroy(vm->vcpus[i]);
    gic_free(vm->gic);
    free(vm);
}

/* ---- vCPUs --------------------------------------------------------------- */

static uint64_t soft_vcpu_mpidr(hv_vcpu_t *v)
{
    return 1ull << 31 | v->id;  /* Aff0 = vCPU number; uniprocessor bit clear */
}

static unsigned soft_vcpu_id(hv_vcpu_t *v)
{
    return v->id;
}

static hv_return_t soft_vcpu_create(hv_vm_t *vm, unsigned id, hv_vcpu_t **out, struct hv_vcpu_exit **exit)
{
    if (id >= SOFT_MAX_VCPUS)
        return HV_BAD_ARGUMENT;
    pthread_mutex_lock(&vm->lock);
    if (vm->vcpus[id]) {
        pthread_mutex_unlock(&vm->lock);
        return HV_BUSY;
    }
    pthread_mutex_unlock(&vm->lock);
    hv_vcpu_t *v = calloc(1, sizeof(*v));
    if (!v)
        return HV_NO_RESOURCES;
    v->ops = &soft_ops;
    v->vm = vm;
    v->id = id;
    struct cpu_env env = {
        .ram_ptr = soft_ram_ptr,
        .timer_update = timer_changed,
        .gic_read = soft_gic_read,
        .gic_write = soft_gic_write,
        .tlbi_broadcast = soft_tlbi_broadcast,
        .ic_broadcast = soft_ic_broadcast,
        .opaque = vm,
    };
    const struct cpu_model *m = vm->cfg.cpu_model ? cpu_model_find(vm->cfg.cpu_model) : NULL;
    v->cpu = cpu_new(m, &env, false);
    if (!v->cpu) {
        free(v);
        return HV_NO_RESOURCES;
    }
    v->cpu->el2_enabled = vm->cfg.el2_enabled;
    v->cpu->sr.mpidr_el1 = hv_vcpu_mpidr(v);
    v->cpu->sr.vmpidr_el2 = v->cpu->sr.mpidr_el1;
    v->cpu->sr.vpidr_el2 = v->cpu->model->midr;
    pthread_mutex_init(&v->lock, NULL);
    pthread_mutex_init(&v->timer_lock, NULL);
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&v->wake, &ca);
    pthread_condattr_destroy(&ca);
    cpu_power_on_reset(v->cpu, 0);

    pthread_mutex_lock(&vm->lock);
    vm->vcpus[id] = v;
    if (id + 1 > vm->nvcpus)
        vm->nvcpus = id + 1;
    bool start_timer = !vm->timer_started;
    vm->timer_started = true;
    pthread_mutex_unlock(&vm->lock);
    if (vm->gic)
        gic_attach_cpu(vm->gic, id, v->cpu, hv_vcpu_mpidr(v));
    if (start_timer && pthread_create(&vm->timer_thread, NULL, timer_thread, vm) != 0) {
        vm->timer_started = false;
        return HV_NO_RESOURCES;
    }
    *out = v;
    if (exit)
        *exit = &v->exit;
    return HV_SUCCESS;
}

static void soft_vcpu_destroy(hv_vcpu_t *v)
{
    if (!v)
        return;
    cpu_free(v->cpu);
    pthread_cond_destroy(&v->wake);
    pthread_mutex_destroy(&v->lock);
    pthread_mutex_destroy(&v->timer_lock);
    free(v);
}

static hv_return_t soft_vcpu_reset(hv_vcpu_t *v, uint64_t pc, uint64_t arg0)
{
    struct cpu *c = v->cpu;
    memset(c->x, 0, sizeof(c->x));
    memset(c->v, 0, sizeof(c->v));
    c->fpcr = c->fpsr = 0;
    uint64_t mpidr = c->sr.mpidr_el1, vmpidr = c->sr.vmpidr_el2, vpidr = c->sr.vpidr_el2;
    memset(&c->sr, 0, sizeof(c->sr));
    c->sr.mpidr_el1 = mpidr, c->sr.vmpidr_el2 = vmpidr, c->sr.vpidr_el2 = vpidr;
    c->mmio_ndone = c->mmio_nused = 0;
    v->mmio_pending = false;
    if (v->vm->cfg.el1_aarch32) {
        /* A 32-bit kernel: SVC mode, r0 = arg0 (the board sets r1, r2). */
        cpu_a32_reset_el1(c, (uint32_t)pc, (uint32_t)arg0, 0, 0);
    } else {
        cpu_power_on_reset(c, pc);
        c->x[0] = arg0;
    }
    cpu_code_invalidate_all(c);
    return HV_SUCCESS;
}

static void soft_vcpu_exit(hv_vcpu_t *v)
{
    __atomic_store_n(&v->canceled, 1, __ATOMIC_RELEASE);
    cpu_request_exit(v->cpu);
    kick_vcpu(v);
}

/* Sleep in WFI until an interrupt line is up, the vCPU's own next timer
 * deadline passes, or a cancel. */
static void wait_for_interrupt(struct hv_vcpu *v)
{
    v->in_wfi = 1;
    vcpu_trace(v, "wfi", v->cpu->el, v->cpu->pc);
    for (;;) {
        /* Timers first, without v->lock: raising a PPI kicks this vCPU. */
        uint64_t next = update_timers(v);
        pthread_mutex_lock(&v->lock);
        /* Re-checked under the lock: a kick sets the line before signalling. */
        bool done = v->canceled || cpu_wfi_should_wake(v->cpu);
        if (!done) {
            if (next == ~0ull) {
                pthread_cond_wait(&v->wake, &v->lock);
            } else {
                struct timespec ts = counter_to_abstime(next);
                pthread_cond_timedwait(&v->wake, &v->lock, &ts);
            }
            done = v->canceled || cpu_wfi_should_wake(v->cpu);
        }
        pthread_mutex_unlock(&v->lock);
        if (done) {
            v->in_wfi = 0;
            vcpu_trace(v, "wfi done", v->cpu->irq_lines, v->canceled);
            return;
        }
    }
}

/* ---- debugging: NESTVM_DEBUG=dump, then SIGUSR1 prints every vCPU -------- */

static void dump_vcpu(struct hv_vcpu *v, FILE *f)
{
    struct cpu *c = v->cpu;
    const struct sysregs *r = &c->sr;
    uint64_t now = cpu_counter_now();
    fprintf(f, "vcpu %u: EL%u pc=%#llx pstate=%#x in_wfi=%d irq_lines=%#x hcr_el2=%#llx\n", v->id, c->el,
            (unsigned long long)c->pc, c->pstate, v->in_wfi, c->irq_lines, (unsigned long long)r->hcr_el2);
    fprintf(f, "  counter=%#llx cntvoff=%#llx cnthctl=%#llx\n", (unsigned long long)now,
            (unsigned long long)r->cntvoff_el2, (unsigned long long)r->cnthctl_el2);
    static const char *const names[4] = { "cntp", "cntv", "cnthp", "cnthv" };
    const uint64_t ctl[4] = { r->cntp_ctl_el0, r->cntv_ctl_el0, r->cnthp_ctl_el2, r->cnthv_ctl_el2 };
    const uint64_t cval[4] = { r->cntp_cval_el0, r->cntv_cval_el0, r->cnthp_cval_el2, r->cnthv_cval_el2 };
    for (int t = 0; t < 4; t++)
        fprintf(f, "  %-5s ctl=%#llx cval=%#llx level=%d\n", names[t], (unsigned long long)ctl[t],
                (unsigned long long)cval[t], v->timer_level[t]);
    if (v->vm->gic)
        gic_debug_dump(v->vm->gic, v->id, f);
}

static void *dump_thread(void *arg)
{
    hv_vm_t *vm = arg;
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    for (;;) {
        int sig;
        if (sigwait(&set, &sig) != 0)
            continue;
        for (unsigned i = 0; i < vm->nvcpus; i++)
            if (vm->vcpus[i])
                dump_vcpu(vm->vcpus[i], stderr);
        fflush(stderr);
    }
    return NULL;
}

/* SIGUSR1 is blocked in this (the creating) thread, so every thread started
 * after it inherits the mask and only the dump thread receives it. */
static void dump_start(hv_vm_t *vm)
{
    const char *d = getenv("NESTVM_DEBUG");
    if (!d || !strstr(d, "dump"))
        return;
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    if (pthread_create(&vm->dump_thread, NULL, dump_thread, vm) == 0) {
        vm->dump_started = true;
        fprintf(stderr, "nestvm: debug: kill -USR1 %d dumps the vCPUs\n", (int)getpid());
    }
}

static hv_return_t soft_vcpu_run(hv_vcpu_t *v)
{
    struct cpu *c = v->cpu;
    hv_vm_t *vm = v->vm;
    if (v->mmio_pending) {
        v->mmio_pending = false;
        if (v->exit.mmio.abort)
            cpu_mmio_abort(c);
        else
            cpu_mmio_complete(c, v->exit.mmio.data);
    }
    v->exit.reason = HV_EXIT_NONE;
    for (;;) {
        if (__atomic_exchange_n(&v->canceled, 0, __ATOMIC_ACQ_REL)) {
            v->exit.reason = HV_EXIT_CANCELED;
            return HV_SUCCESS;
        }
        enum cpu_exit r = cpu_run(c);
        switch (r) {
        case CPU_EXIT_MMIO: {
            uint64_t data = c->mmio.data;
            if (vm->gic && gic_mmio(vm->gic, v->id, c->mmio.pa, c->mmio.size, c->mmio.write, &data)) {
                cpu_mmio_complete(c, data);
                continue;
            }
            v->exit.reason = HV_EXIT_MMIO;
            v->exit.mmio.addr = c->mmio.pa;
            v->exit.mmio.size = c->mmio.size;
            v->exit.mmio.write = c->mmio.write;
            v->exit.mmio.data = c->mmio.write ? c->mmio.data : 0;
            v->exit.mmio.abort = false;
            v->mmio_pending = true;
            return HV_SUCCESS;
        }
        case CPU_EXIT_WFI:
            wait_for_interrupt(v);
            continue;
        case CPU_EXIT_HVC:
            v->exit.reason = HV_EXIT_HVC;
            v->exit.hvc.imm = c->exc.iss & 0xffff;
            v->exit.hvc.smc = c->exc.ec == EC_SMC64;
            return HV_SUCCESS;
        case CPU_EXIT_REQUEST:
            continue;   /* cancel is checked at the top */
        default:
            v->exit.reason = HV_EXIT_INTERNAL_ERROR;
            snprintf(v->exit.message, sizeof(v->exit.message),
                     "vCPU %u stopped: CPU exit %d at pc 0x%llx (EC 0x%x)", v->id, (int)r,
                     (unsigned long long)c->pc, c->exc.ec);
            return HV_ERROR;
        }
    }
}

static hv_return_t soft_vcpu_get_reg(hv_vcpu_t *v, enum hv_reg reg, uint64_t *value)
{
    struct cpu *c = v->cpu;
    if (reg <= 30)
        *value = c->x[reg];
    else if (reg == HV_REG_SP)
        *value = c->x[REG_SP];
    else if (reg == HV_REG_PC)
        *value = c->pc;
    else if (reg == HV_REG_PSTATE)  /* AArch32: the CPSR (M[4] = 1) */
        *value = c->a32.ctx ? a32_cpsr_full(c) : c->pstate | c->nzcv;
    else
        return HV_BAD_ARGUMENT;
    return HV_SUCCESS;
}

static hv_return_t soft_vcpu_set_reg(hv_vcpu_t *v, enum hv_reg reg, uint64_t value)
{
    struct cpu *c = v->cpu;
    /* AArch32 registers are 32 bits wide, and the CPU keeps them zero-
     * extended (a PSCI result of -1 is 0xffffffff in r0). */
    if (c->a32.ctx)
        value = (uint32_t)value;
    if (reg <= 30)
        c->x[reg] = value;
    else if (reg == HV_REG_SP)
        c->x[REG_SP] = value;
    else if (reg == HV_REG_PC)
        c->pc = value;
    else
        return HV_BAD_ARGUMENT;
    return HV_SUCCESS;
}

static hv_return_t soft_vcpu_get_sys_reg(hv_vcpu_t *v, uint32_t key, uint64_t *value)
{
    return cpu_sysreg_get(v->cpu, key, value) ? HV_SUCCESS : HV_BAD_ARGUMENT;
}

static const struct hv_ops soft_ops = {
    .backend = HV_BACKEND_SOFT,
    .vm_destroy = soft_vm_destroy,
    .vm_map = soft_vm_map,
    .vm_host_ptr = soft_vm_host_ptr,
    .vm_notify_write = soft_vm_notify_write,
    .psci_internal = false,
    .gic_create = soft_gic_create,
    .gic_set_spi = soft_gic_set_spi,
    .vcpu_create = soft_vcpu_create,
    .vcpu_destroy = soft_vcpu_destroy,
    .vcpu_run = soft_vcpu_run,
    .vcpu_exit = soft_vcpu_exit,
    .vcpu_reset = soft_vcpu_reset,
    .vcpu_get_reg = soft_vcpu_get_reg,
    .vcpu_set_reg = soft_vcpu_set_reg,
    .vcpu_get_sys_reg = soft_vcpu_get_sys_reg,
    .vcpu_mpidr = soft_vcpu_mpidr,
    .vcpu_id = soft_vcpu_id,
};
