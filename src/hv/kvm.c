/* The KVM backend of hv (arm64 Linux hosts): guests run on the host CPU.
 *
 * The kernel provides what the software backend emulates: the vGICv3 (its
 * distributor and redistributors never exit to us), the generic timers, PSCI
 * (so vCPU power state lives in the kernel: vCPUs other than 0 start powered
 * off and wake on the guest's CPU_ON), WFI.  What exits is MMIO outside the
 * vGIC, system events (off, reset) and cancels.
 *
 * hv_vcpus_exit(): set run->immediate_exit, then signal the vCPU's thread, so
 * a KVM_RUN in progress returns EINTR and one about to start returns at once.
 *
 * With EL2 (nested), vCPUs start at EL2h with KVM_ARM_VCPU_HAS_EL2; KVM then
 * takes the guest's SMC as the firmware call (PSCI) and forwards HVC to the
 * guest's own EL2, which is what the board's device tree (PSCI method "smc")
 * says, and raises the vGIC maintenance interrupt on HV_PPI_MAINT. */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "hv-internal.h"

#if defined(__aarch64__) && defined(__linux__)

#include <fcntl.h>
#include <linux/kvm.h>
#include <pthread.h>
#include <signal.h>
#include <stddef.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/utsname.h>
#include <unistd.h>

/* Newer than some distributions' kernel headers. */
#ifndef KVM_CAP_ARM_EL2
#define KVM_CAP_ARM_EL2 240
#endif
#ifndef KVM_ARM_VCPU_HAS_EL2
#define KVM_ARM_VCPU_HAS_EL2 7
#endif
#ifndef KVM_DEV_ARM_VGIC_GRP_MAINT_IRQ
#define KVM_DEV_ARM_VGIC_GRP_MAINT_IRQ 9
#endif

#define KVM_MAX_SLOTS 32
#define KICK_SIGNAL (SIGRTMIN + 1)   /* SIGUSR1 is the software backend's debug dump */

struct hv_vm {
    const struct hv_ops *ops;   /* first: see hv-internal.h */
    struct hv_vm_config cfg;
    int kvm_fd, vm_fd, gic_fd;
    size_t run_size;
    bool can_inject_dabt;
    uint32_t features;          /* KVM_ARM_VCPU_INIT feature bits for every vCPU */
    uint32_t target;
    struct hv_region_table mem;     /* entry i is KVM memslot i */
    pthread_mutex_t lock;
};

struct hv_vcpu {
    const struct hv_ops *ops;   /* first: see hv-internal.h */
    hv_vm_t *vm;
    unsigned id;
    int fd;
    struct kvm_run *run;
    uint64_t mpidr;
    bool start_off;             /* created powered off (waits for PSCI CPU_ON) */
    struct hv_vcpu_exit exit;
    bool mmio_pending;
    volatile int canceled;
    pthread_t thread;
    volatile int thread_known;
};

static const struct hv_ops kvm_ops;

/* ---- host capability checks ------------------------------------------------ */

static int open_kvm(const char **why)
{
    static __thread char buf[160];
    int fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
    if (fd < 0) {
        if (why) {
            snprintf(buf, sizeof(buf), "cannot open /dev/kvm: %s%s", strerror(errno),
                     errno == ENOENT ? " (no KVM in this kernel, or the kvm module is not loaded)" : "");
            *why = buf;
        }
        return -1;
    }
    if (ioctl(fd, KVM_GET_API_VERSION, 0) != KVM_API_VERSION) {
        if (why)
            *why = "/dev/kvm speaks an unknown KVM API version";
        close(fd);
        return -1;
    }
    return fd;
}

/* What the host lacks for nested virtualization, as precisely as the host
 * lets us tell: the kernel version, the boot option, else the CPU. */
static const char *why_no_el2(void)
{
    static __thread char buf[256];
    struct utsname u;
    unsigned major = 0, minor = 0;
    if (uname(&u) == 0)
        sscanf(u.release, "%u.%u", &major, &minor);
    char cmdline[4096] = "";
    FILE *f = fopen("/proc/cmdline", "r");
    if (f) {
        if (!fgets(cmdline, sizeof(cmdline), f))
            cmdline[0] = 0;
        fclose(f);
    }
    if (major < 6 || (major == 6 && minor < 16))
        snprintf(buf, sizeof(buf),
                 "host Linux %s is older than 6.16 "
                 "(nested virtualization needs >= 6.16 booted with kvm-arm.mode=nested on a CPU with FEAT_NV2)",
                 u.release);
    else if (!strstr(cmdline, "kvm-arm.mode=nested"))
        snprintf(buf, sizeof(buf),
                 "the host kernel was not booted with kvm-arm.mode=nested");
    else
        snprintf(buf, sizeof(buf),
                 "the host kernel was booted with kvm-arm.mode=nested, but the CPU lacks FEAT_NV2 "
                 "(or KVM is not in VHE mode)");
    return buf;
}

bool kvm_usable(bool el2, const char **why)
{
    int fd = open_kvm(why);
    if (fd < 0)
        return false;
    bool ok = true;
    if (el2 && ioctl(fd, KVM_CHECK_EXTENSION, KVM_CAP_ARM_EL2) <= 0) {
        if (why)
            *why = why_no_el2();
        ok = false;
    }
    close(fd);
    return ok;
}

unsigned kvm_max_vcpus(void)
{
    int fd = open_kvm(NULL);
    if (fd < 0)
        return 0;
    int n = ioctl(fd, KVM_CHECK_EXTENSION, KVM_CAP_MAX_VCPUS);
    if (n <= 0)
        n = ioctl(fd, KVM_CHECK_EXTENSION, KVM_CAP_NR_VCPUS);
    close(fd);
    return n > 0 ? (unsigned)n : 0;
}

/* ---- VM ---------------------------------------------------------------------- */

static void kick_handler(int sig)
{
    (void)sig;
}

hv_return_t kvm_vm_create(const struct hv_vm_config *cfg, hv_vm_t **out)
{
    const char *why = NULL;
    if (cfg->cpu_model) {
        hv_set_error("--cpu-model selects a model of the software CPU; KVM runs the host CPU");
        return HV_BAD_ARGUMENT;
    }
    int kfd = open_kvm(&why);
    if (kfd < 0) {
        hv_set_error("%s", why);
        return HV_UNSUPPORTED;
    }
    hv_return_t ret = HV_UNSUPPORTED;
    hv_vm_t *vm = calloc(1, sizeof(*vm));
    if (!vm) {
        close(kfd);
        return HV_NO_RESOURCES;
    }
    vm->ops = &kvm_ops;
    vm->cfg = *cfg;
    vm->kvm_fd = kfd;
    vm->vm_fd = vm->gic_fd = -1;
    vm->mem.max = KVM_MAX_SLOTS;
    pthread_mutex_init(&vm->lock, NULL);

    if (cfg->el2_enabled && ioctl(kfd, KVM_CHECK_EXTENSION, KVM_CAP_ARM_EL2) <= 0) {
        hv_set_error("%s", why_no_el2());
        goto fail;
    }
    static const struct { long cap; const char *what; } needed[] = {
        { KVM_CAP_ARM_PSCI_0_2, "PSCI 0.2" },
        { KVM_CAP_DEVICE_CTRL, "device control (in-kernel vGIC)" },
        { KVM_CAP_ONE_REG, "register access (ONE_REG)" },
        { KVM_CAP_IRQCHIP, "an in-kernel interrupt controller" },
    };
    for (unsigned i = 0; i < sizeof(needed) / sizeof(needed[0]); i++) {
        if (ioctl(kfd, KVM_CHECK_EXTENSION, needed[i].cap) <= 0) {
            hv_set_error("the host KVM lacks %s", needed[i].what);
            goto fail;
        }
    }

    /* Guest physical address size: KVM_CAP_ARM_VM_IPA_SIZE is the largest the
     * host allows (0: the cap is missing and 40 bits is fixed). */
    unsigned ipa = cfg->ipa_bits ? cfg->ipa_bits : 40;
    int max_ipa = ioctl(kfd, KVM_CHECK_EXTENSION, KVM_CAP_ARM_VM_IPA_SIZE);
    unsigned long type = 0;
    if (max_ipa <= 0) {
        if (ipa != 40) {
            hv_set_error("the host KVM supports only 40-bit guest physical addresses, not %u", ipa);
            goto fail;
        }
    } else {
        if (ipa > (unsigned)max_ipa) {
            hv_set_error("the host KVM supports guest physical addresses of up to %d bits, not %u", max_ipa, ipa);
            goto fail;
        }
        type = KVM_VM_TYPE_ARM_IPA_SIZE(ipa);
    }
    vm->cfg.ipa_bits = ipa;
    vm->vm_fd = ioctl(kfd, KVM_CREATE_VM, type);
    if (vm->vm_fd < 0) {
        hv_set_error("KVM_CREATE_VM failed: %s", strerror(errno));
        ret = HV_ERROR;
        goto fail;
    }
    int rs = ioctl(kfd, KVM_GET_VCPU_MMAP_SIZE, 0);
    if (rs < (int)sizeof(struct kvm_run)) {
        hv_set_error("KVM_GET_VCPU_MMAP_SIZE failed: %s", strerror(errno));
        ret = HV_ERROR;
        goto fail;
    }
    vm->run_size = (size_t)rs;
    vm->can_inject_dabt = ioctl(vm->vm_fd, KVM_CHECK_EXTENSION, KVM_CAP_ARM_INJECT_EXT_DABT) > 0;

    struct kvm_vcpu_init pref;
    memset(&pref, 0, sizeof(pref));
    if (ioctl(vm->vm_fd, KVM_ARM_PREFERRED_TARGET, &pref) < 0) {
        hv_set_error("KVM_ARM_PREFERRED_TARGET failed: %s", strerror(errno));
        ret = HV_ERROR;
        goto fail;
    }
    vm->target = pref.target;
    vm->features = 1u << KVM_ARM_VCPU_PSCI_0_2;
    if (cfg->el2_enabled)
        vm->features |= 1u << KVM_ARM_VCPU_HAS_EL2;
    /* A 32-bit kernel: KVM resets the vCPU into AArch32 SVC mode. */
    if (cfg->el1_aarch32) {
        if (cfg->el2_enabled || ioctl(vm->vm_fd, KVM_CHECK_EXTENSION, KVM_CAP_ARM_EL1_32BIT) <= 0) {
            hv_set_error(cfg->el2_enabled ? "a 32-bit guest cannot have EL2"
                                          : "this host's KVM cannot run 32-bit guests (no AArch32 at EL1: "
                                            "KVM_CAP_ARM_EL1_32BIT is absent)");
            ret = HV_UNSUPPORTED;
            goto fail;
        }
        vm->features |= 1u << KVM_ARM_VCPU_EL1_32BIT;
    }
    /* Pointer authentication when the host offers both halves (the host CPU's
     * feature, hidden from guests unless asked for); not for 32-bit guests. */
    if (!cfg->el1_aarch32 && ioctl(vm->vm_fd, KVM_CHECK_EXTENSION, KVM_CAP_ARM_PTRAUTH_ADDRESS) > 0 &&
        ioctl(vm->vm_fd, KVM_CHECK_EXTENSION, KVM_CAP_ARM_PTRAUTH_GENERIC) > 0)
        vm->features |= 1u << KVM_ARM_VCPU_PTRAUTH_ADDRESS | 1u << KVM_ARM_VCPU_PTRAUTH_GENERIC;

    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = kick_handler;   /* no SA_RESTART: KVM_RUN returns EINTR */
    sigemptyset(&sa.sa_mask);
    sigaction(KICK_SIGNAL, &sa, NULL);

    *out = vm;
    return HV_SUCCESS;
fail:
    if (vm->vm_fd >= 0)
        close(vm->vm_fd);
    close(kfd);
    pthread_mutex_destroy(&vm->lock);
    free(vm);
    return ret;
}

static void kvm_vm_destroy(hv_vm_t *vm)
{
    if (vm->gic_fd >= 0)
        close(vm->gic_fd);
    close(vm->vm_fd);
    close(vm->kvm_fd);
    pthread_mutex_destroy(&vm->lock);
    free(vm);
}

static hv_return_t kvm_vm_map(hv_vm_t *vm, void *host, uint64_t ipa, size_t size, unsigned flags)
{
    pthread_mutex_lock(&vm->lock);
    hv_return_t ret = hv_regions_check(&vm->mem, host, ipa, size, vm->cfg.ipa_bits);
    if (ret == HV_SUCCESS) {
        struct kvm_userspace_memory_region r = {
            .slot = vm->mem.n,
            .flags = (flags & HV_MEMORY_WRITE) ? 0 : KVM_MEM_READONLY,
            .guest_phys_addr = ipa,
            .memory_size = size,
            .userspace_addr = (uintptr_t)host,
        };
        if (ioctl(vm->vm_fd, KVM_SET_USER_MEMORY_REGION, &r) < 0) {
            hv_set_error("KVM_SET_USER_MEMORY_REGION failed: %s", strerror(errno));
            ret = errno == ENOMEM ? HV_NO_RESOURCES : HV_ERROR;
        } else {
            hv_regions_add(&vm->mem, host, ipa, size);
        }
    }
    pthread_mutex_unlock(&vm->lock);
    return ret;
}

static void *kvm_vm_host_ptr(hv_vm_t *vm, uint64_t ipa, size_t len)
{
    return hv_regions_find(&vm->mem, ipa, len);
}

/* The host's caches are coherent for data; KVM cleans the instruction cache
 * when it maps a page the guest executes. */
static void kvm_vm_notify_write(hv_vm_t *vm, uint64_t ipa, size_t len)
{
    (void)vm, (void)ipa, (void)len;
}

/* ---- vGICv3 ------------------------------------------------------------------ */

static int gic_attr(hv_vm_t *vm, uint32_t group, uint64_t attr, const void *val)
{
    struct kvm_device_attr a = { .group = group, .attr = attr, .addr = (uintptr_t)val };
    return ioctl(vm->gic_fd, KVM_SET_DEVICE_ATTR, &a);
}

/* After all vCPUs exist (KVM sizes the redistributor region by them). */
static hv_return_t kvm_gic_create(hv_vm_t *vm, const struct hv_gic_config *cfg)
{
    if (vm->gic_fd >= 0)
        return HV_BUSY;
    if (cfg->spi_count > 988 || cfg->spi_count % 32 || (cfg->distributor_base & 0xffff) ||
        (cfg->redistributor_base & 0xffff))
        return HV_BAD_ARGUMENT;
    struct kvm_create_device cd = { .type = KVM_DEV_TYPE_ARM_VGIC_V3 };
    if (ioctl(vm->vm_fd, KVM_CREATE_DEVICE, &cd) < 0) {
        hv_set_error("the host KVM cannot create a vGICv3: %s%s", strerror(errno),
                     errno == ENODEV ? " (the host interrupt controller is not GICv3)" : "");
        return HV_UNSUPPORTED;
    }
    vm->gic_fd = (int)cd.fd;
    uint64_t dist = cfg->distributor_base, redist = cfg->redistributor_base;
    uint32_t nr_irqs = 32 + cfg->spi_count, maint = HV_PPI_MAINT;
    const char *step = "distributor address";
    if (gic_attr(vm, KVM_DEV_ARM_VGIC_GRP_ADDR, KVM_VGIC_V3_ADDR_TYPE_DIST, &dist) < 0)
        goto fail;
    step = "redistributor address";
    if (gic_attr(vm, KVM_DEV_ARM_VGIC_GRP_ADDR, KVM_VGIC_V3_ADDR_TYPE_REDIST, &redist) < 0)
        goto fail;
    step = "interrupt count";
    if (gic_attr(vm, KVM_DEV_ARM_VGIC_GRP_NR_IRQS, 0, &nr_irqs) < 0)
        goto fail;
    step = "maintenance interrupt";
    if (vm->cfg.el2_enabled && gic_attr(vm, KVM_DEV_ARM_VGIC_GRP_MAINT_IRQ, 0, &maint) < 0)
        goto fail;
    step = "initialization";
    if (gic_attr(vm, KVM_DEV_ARM_VGIC_GRP_CTRL, KVM_DEV_ARM_VGIC_CTRL_INIT, NULL) < 0)
        goto fail;
    return HV_SUCCESS;
fail:
    hv_set_error("vGICv3 %s: %s", step, strerror(errno));
    close(vm->gic_fd);
    vm->gic_fd = -1;
    return HV_ERROR;
}

static hv_return_t kvm_gic_set_spi(hv_vm_t *vm, unsigned intid, bool level)
{
    if (vm->gic_fd < 0 || intid < 32 || intid > KVM_ARM_IRQ_NUM_MASK)
        return HV_BAD_ARGUMENT;
    struct kvm_irq_level l = { .irq = KVM_ARM_IRQ_TYPE_SPI << KVM_ARM_IRQ_TYPE_SHIFT | intid, .level = level };
    return ioctl(vm->vm_fd, KVM_IRQ_LINE, &l) < 0 ? HV_ERROR : HV_SUCCESS;
}

/* ---- registers ----------------------------------------------------------------- */

#define CORE_REG(field) \
    (KVM_REG_ARM64 | KVM_REG_SIZE_U64 | KVM_REG_ARM_CORE | (offsetof(struct kvm_regs, field) / sizeof(uint32_t)))
#define SYS_REG(key) (KVM_REG_ARM64 | KVM_REG_SIZE_U64 | KVM_REG_ARM64_SYSREG | (uint64_t)(key))
#define KEY(op0, op1, crn, crm, op2) ((op0) << 14 | (op1) << 11 | (crn) << 7 | (crm) << 3 | (op2))
#define KEY_MPIDR_EL1 KEY(3, 0, 0, 0, 5)
#define KEY_SP_EL2 KEY(3, 4, 4, 1, 0)

static int one_reg(hv_vcpu_t *v, bool set, uint64_t id, uint64_t *val)
{
    struct kvm_one_reg r = { .id = id, .addr = (uintptr_t)val };
    return ioctl(v->fd, set ? KVM_SET_ONE_REG : KVM_GET_ONE_REG, &r);
}

/* The ONE_REG id of an hv register; SP depends on the current EL and SPSel. */
static hv_return_t reg_id(hv_vcpu_t *v, enum hv_reg reg, uint64_t *id)
{
    if (reg <= 30) {
        *id = CORE_REG(regs.regs[reg]);
    } else if (reg == HV_REG_PC) {
        *id = CORE_REG(regs.pc);
    } else if (reg == HV_REG_PSTATE) {
        *id = CORE_REG(regs.pstate);
    } else if (reg == HV_REG_SP) {
        uint64_t ps;
        if (one_reg(v, false, CORE_REG(regs.pstate), &ps) < 0)
            return HV_ERROR;
        switch (ps & 0xf) {
        case 5: *id = CORE_REG(sp_el1); break;     /* EL1h */
        case 9: *id = SYS_REG(KEY_SP_EL2); break;  /* EL2h */
        default: *id = CORE_REG(regs.sp); break;   /* SP_EL0 */
        }
    } else {
        return HV_BAD_ARGUMENT;
    }
    return HV_SUCCESS;
}

static hv_return_t kvm_vcpu_get_reg(hv_vcpu_t *v, enum hv_reg reg, uint64_t *value)
{
    uint64_t id;
    hv_return_t r = reg_id(v, reg, &id);
    if (r == HV_SUCCESS && one_reg(v, false, id, value) < 0)
        r = HV_ERROR;
    return r;
}

static hv_return_t kvm_vcpu_set_reg(hv_vcpu_t *v, enum hv_reg reg, uint64_t value)
{
    uint64_t id;
    hv_return_t r = reg_id(v, reg, &id);
    if (r == HV_SUCCESS && one_reg(v, true, id, &value) < 0)
        r = HV_ERROR;
    return r;
}

static hv_return_t kvm_vcpu_get_sys_reg(hv_vcpu_t *v, uint32_t key, uint64_t *value)
{
    if (key >> 16)
        return HV_BAD_ARGUMENT;
    return one_reg(v, false, SYS_REG(key), value) < 0 ? HV_BAD_ARGUMENT : HV_SUCCESS;
}

/* ---- vCPUs ------------------------------------------------------------------- */

static int vcpu_init(hv_vcpu_t *v)
{
    hv_vm_t *vm = v->vm;
    struct kvm_vcpu_init init;
    memset(&init, 0, sizeof(init));
    init.target = vm->target;
    init.features[0] = vm->features | (v->start_off ? 1u << KVM_ARM_VCPU_POWER_OFF : 0);
    return ioctl(v->fd, KVM_ARM_VCPU_INIT, &init);
}

static hv_return_t kvm_vcpu_create(hv_vm_t *vm, unsigned id, hv_vcpu_t **out, struct hv_vcpu_exit **exit)
{
    if (vm->gic_fd >= 0)
        return HV_BUSY;     /* the vGIC is sized by the vCPUs created before it */
    hv_vcpu_t *v = calloc(1, sizeof(*v));
    if (!v)
        return HV_NO_RESOURCES;
    v->ops = &kvm_ops;
    v->vm = vm;
    v->id = id;
    v->start_off = id != 0;
    v->fd = ioctl(vm->vm_fd, KVM_CREATE_VCPU, (unsigned long)id);
    if (v->fd < 0) {
        hv_set_error("KVM_CREATE_VCPU %u failed: %s", id, strerror(errno));
        free(v);
        return errno == EINVAL ? HV_BAD_ARGUMENT : HV_ERROR;
    }
    v->run = mmap(NULL, vm->run_size, PROT_READ | PROT_WRITE, MAP_SHARED, v->fd, 0);
    if (v->run == MAP_FAILED) {
        close(v->fd);
        free(v);
        return HV_NO_RESOURCES;
    }
    int r = vcpu_init(v);
    if (r < 0 && (vm->features & 1u << KVM_ARM_VCPU_PTRAUTH_ADDRESS) && id == 0) {
        /* Some hosts refuse pointer authentication in combination with other
         * features (e.g. EL2): run without it. */
        vm->features &= ~(1u << KVM_ARM_VCPU_PTRAUTH_ADDRESS | 1u << KVM_ARM_VCPU_PTRAUTH_GENERIC);
        r = vcpu_init(v);
    }
    if (r < 0 || one_reg(v, false, SYS_REG(KEY_MPIDR_EL1), &v->mpidr) < 0) {
        hv_set_error("KVM_ARM_VCPU_INIT of vCPU %u failed: %s", id, strerror(errno));
        munmap(v->run, vm->run_size);
        close(v->fd);
        free(v);
        return HV_ERROR;
    }
    *out = v;
    if (exit)
        *exit = &v->exit;
    return HV_SUCCESS;
}

static void kvm_vcpu_destroy(hv_vcpu_t *v)
{
    munmap(v->run, v->vm->run_size);
    close(v->fd);
    free(v);
}

/* Architectural reset (EL2h or EL1h, MMU off, DAIF masked, registers zero),
 * then the entry point; the vCPU is runnable afterwards. */
static hv_return_t kvm_vcpu_reset(hv_vcpu_t *v, uint64_t pc, uint64_t arg0)
{
    if (vcpu_init(v) < 0)
        return HV_ERROR;
    if (v->start_off) {
        struct kvm_mp_state mp = { .mp_state = KVM_MP_STATE_RUNNABLE };
        if (ioctl(v->fd, KVM_SET_MP_STATE, &mp) < 0)
            return HV_ERROR;
    }
    if (one_reg(v, true, CORE_REG(regs.pc), &pc) < 0 || one_reg(v, true, CORE_REG(regs.regs[0]), &arg0) < 0)
        return HV_ERROR;
    v->mmio_pending = false;
    return HV_SUCCESS;
}

static void kvm_vcpu_exit(hv_vcpu_t *v)
{
    __atomic_store_n(&v->canceled, 1, __ATOMIC_SEQ_CST);
    __atomic_store_n(&v->run->immediate_exit, 1, __ATOMIC_SEQ_CST);
    if (__atomic_load_n(&v->thread_known, __ATOMIC_ACQUIRE))
        pthread_kill(v->thread, KICK_SIGNAL);
}

static hv_return_t internal_error(hv_vcpu_t *v, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static hv_return_t internal_error(hv_vcpu_t *v, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = snprintf(v->exit.message, sizeof(v->exit.message), "vCPU %u: ", v->id);
    vsnprintf(v->exit.message + n, sizeof(v->exit.message) - (size_t)n, fmt, ap);
    va_end(ap);
    v->exit.reason = HV_EXIT_INTERNAL_ERROR;
    return HV_ERROR;
}

/* Hand the result of the MMIO exit back: data for a read, or an external
 * abort when nothing answered at that address. */
static void complete_mmio(hv_vcpu_t *v)
{
    struct kvm_run *run = v->run;
    v->mmio_pending = false;
    if (v->exit.mmio.abort && v->vm->can_inject_dabt) {
        struct kvm_vcpu_events ev;
        memset(&ev, 0, sizeof(ev));
        ev.exception.ext_dabt_pending = 1;
        if (ioctl(v->fd, KVM_SET_VCPU_EVENTS, &ev) == 0) {
            /* Not an MMIO return any more: kernels before 6.10 would
             * otherwise still retire the access and move the PC past it. */
            run->exit_reason = KVM_EXIT_UNKNOWN;
            return;
        }
    }
    if (!run->mmio.is_write) {
        uint64_t d = v->exit.mmio.abort ? 0 : v->exit.mmio.data;
        memcpy(run->mmio.data, &d, run->mmio.len <= 8 ? run->mmio.len : 8);
    }
}

static hv_return_t kvm_vcpu_run(hv_vcpu_t *v)
{
    struct kvm_run *run = v->run;
    if (!v->thread_known) {
        sigset_t s;
        sigemptyset(&s);
        sigaddset(&s, KICK_SIGNAL);
        pthread_sigmask(SIG_UNBLOCK, &s, NULL);
        v->thread = pthread_self();
        __atomic_store_n(&v->thread_known, 1, __ATOMIC_RELEASE);
    }
    if (v->mmio_pending)
        complete_mmio(v);
    v->exit.reason = HV_EXIT_NONE;
    for (;;) {
        if (__atomic_exchange_n(&v->canceled, 0, __ATOMIC_SEQ_CST)) {
            __atomic_store_n(&run->immediate_exit, 0, __ATOMIC_SEQ_CST);
            v->exit.reason = HV_EXIT_CANCELED;
            return HV_SUCCESS;
        }
        if (ioctl(v->fd, KVM_RUN, 0) < 0) {
            if (errno == EINTR || errno == EAGAIN)
                continue;   /* a cancel (checked above) or another signal */
            return internal_error(v, "KVM_RUN failed: %s", strerror(errno));
        }
        switch (run->exit_reason) {
        case KVM_EXIT_MMIO: {
            uint64_t d = 0;
            unsigned len = run->mmio.len;
            if (len != 1 && len != 2 && len != 4 && len != 8)
                return internal_error(v, "MMIO access of %u bytes at 0x%llx", len,
                                      (unsigned long long)run->mmio.phys_addr);
            if (run->mmio.is_write)
                memcpy(&d, run->mmio.data, len);
            v->exit.reason = HV_EXIT_MMIO;
            v->exit.mmio.addr = run->mmio.phys_addr;
            v->exit.mmio.size = len;
            v->exit.mmio.write = run->mmio.is_write;
            v->exit.mmio.data = d;
            v->exit.mmio.abort = false;
            v->mmio_pending = true;
            return HV_SUCCESS;
        }
        case KVM_EXIT_SYSTEM_EVENT:
            switch (run->system_event.type) {
            case KVM_SYSTEM_EVENT_SHUTDOWN:
                v->exit.reason = HV_EXIT_SYSTEM_EVENT;
                v->exit.system_event.type = HV_SYSTEM_OFF;
                return HV_SUCCESS;
            case KVM_SYSTEM_EVENT_RESET:
                v->exit.reason = HV_EXIT_SYSTEM_EVENT;
                v->exit.system_event.type = HV_SYSTEM_RESET;
                return HV_SUCCESS;
            case KVM_SYSTEM_EVENT_CRASH:
                return internal_error(v, "the guest reported a crash (PSCI SYSTEM_OFF with crash)");
            default:
                continue;   /* wakeup/suspend: not enabled, nothing to do */
            }
        case KVM_EXIT_INTR:
            continue;
        case KVM_EXIT_ARM_NISV:
            return internal_error(v, "MMIO at 0x%llx by an instruction KVM cannot decode (no syndrome)",
                                  (unsigned long long)run->arm_nisv.fault_ipa);
        case KVM_EXIT_FAIL_ENTRY:
            return internal_error(v, "KVM could not enter the guest (hardware reason 0x%llx)",
                                  (unsigned long long)run->fail_entry.hardware_entry_failure_reason);
        case KVM_EXIT_INTERNAL_ERROR:
            return internal_error(v, "KVM internal error (suberror %u)", run->internal.suberror);
        default:
            return internal_error(v, "unexpected KVM exit reason %u", run->exit_reason);
        }
    }
}

static uint64_t kvm_vcpu_mpidr(hv_vcpu_t *v)
{
    return v->mpidr;
}

static unsigned kvm_vcpu_id(hv_vcpu_t *v)
{
    return v->id;
}

static const struct hv_ops kvm_ops = {
    .backend = HV_BACKEND_KVM,
    .vm_destroy = kvm_vm_destroy,
    .vm_map = kvm_vm_map,
    .vm_host_ptr = kvm_vm_host_ptr,
    .vm_notify_write = kvm_vm_notify_write,
    .psci_internal = true,
    .gic_create = kvm_gic_create,
    .gic_set_spi = kvm_gic_set_spi,
    .vcpu_create = kvm_vcpu_create,
    .vcpu_destroy = kvm_vcpu_destroy,
    .vcpu_run = kvm_vcpu_run,
    .vcpu_exit = kvm_vcpu_exit,
    .vcpu_reset = kvm_vcpu_reset,
    .vcpu_get_reg = kvm_vcpu_get_reg,
    .vcpu_set_reg = kvm_vcpu_set_reg,
    .vcpu_get_sys_reg = kvm_vcpu_get_sys_reg,
    .vcpu_mpidr = kvm_vcpu_mpidr,
    .vcpu_id = kvm_vcpu_id,
};

#else   /* not an arm64 Linux build */

#if defined(__x86_64__)
#define HOST_ARCH "x86_64"
#elif defined(__i386__)
#define HOST_ARCH "x86"
#elif defined(__riscv)
#define HOST_ARCH "riscv"
#else
#define HOST_ARCH "this architecture"
#endif
#define NOT_HERE "KVM runs arm64 guests only on arm64 hosts (this nestvm is built for " HOST_ARCH ")"

bool kvm_usable(bool el2, const char **why)
{
    (void)el2;
    if (why)
        *why = NOT_HERE;
    return false;
}

unsigned kvm_max_vcpus(void)
{
    return 0;
}

hv_return_t kvm_vm_create(const struct hv_vm_config *cfg, hv_vm_t **out)
{
    (void)cfg, (void)out;
    hv_set_error("%s", NOT_HERE);
    return HV_UNSUPPORTED;
}

#endif
