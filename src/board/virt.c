/* The "virt" board: QEMU virt's memory map and device tree, Linux direct
 * boot, PSCI firmware, and one host thread per vCPU. */
#include <errno.h>
#include <libfdt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "board.h"
#include "loader.h"

#define MAX_DEVICES 32
#define MAX_VCPUS 8
#define DTB_MAX (2u << 20)

enum vcpu_state { VCPU_OFF, VCPU_ON_PENDING, VCPU_ON };

struct board_vcpu {
    struct board *b;
    hv_vcpu_t *hv;
    struct hv_vcpu_exit *exit;
    unsigned id;
    enum vcpu_state state;
    uint64_t entry, context;
    bool boot_regs_a32;     /* next reset: the 32-bit boot registers (r1, r2) */
    pthread_t thread;
    bool thread_started;
    bool parked;            /* waiting outside the guest (control: pause) */
};

struct board {
    struct board_config cfg;
    hv_vm_t *vm;
    uint8_t *ram;
    uint64_t ram_size;
    struct device *devs[MAX_DEVICES];
    unsigned ndevs;
    struct board_vcpu vcpus[MAX_VCPUS];
    unsigned ncpus;
    uint64_t kernel_entry, dtb_addr;
    bool aarch32;           /* a 32-bit kernel: vCPUs start at AArch32 EL1 */
    pthread_mutex_t lock;
    pthread_cond_t cond;
    bool stopping;
    int exit_code;
    bool paused;            /* control: vCPUs park until resumed */
    struct device *gpio;    /* PL061: the power button line */
};

enum { PHANDLE_GIC = 1, PHANDLE_CLK = 2 };

uint32_t board_gic_phandle(struct board *b) { (void)b; return PHANDLE_GIC; }
hv_vm_t *board_vm(struct board *b) { return b->vm; }
const struct board_config *board_get_config(struct board *b) { return &b->cfg; }
uint32_t board_clock_phandle(struct board *b) { (void)b; return PHANDLE_CLK; }

void board_add_device(struct board *b, struct device *d)
{
    d->board = b;
    if (b->ndevs < MAX_DEVICES)
        b->devs[b->ndevs++] = d;
}

void device_free(struct device *d)
{
    free(d->priv);
    free(d);
}

static void device_free_shell(struct device *d)
{
    free(d);
}

struct device *device_new_shared(struct board *b, const char *name, uint64_t base, uint64_t size, int spi, void *priv)
{
    struct device *d = calloc(1, sizeof(*d));
    if (!d)
        return NULL;
    d->name = name;
    d->base = base;
    d->size = size;
    d->spi = spi;
    d->priv = priv;
    d->destroy = device_free_shell;
    board_add_device(b, d);
    return d;
}

struct device *device_new(struct board *b, const char *name, uint64_t base, uint64_t size, int spi, size_t priv_size)
{
    void *priv = calloc(1, priv_size ? priv_size : 1);
    struct device *d = priv ? device_new_shared(b, name, base, size, spi, priv) : NULL;
    if (!d) {
        free(priv);
        return NULL;
    }
    d->destroy = device_free;
    return d;
}

int device_fdt_begin(struct device *d, void *fdt, const char *compat, size_t compat_len)
{
    char name[64];
    snprintf(name, sizeof(name), "%s@%llx", d->name, (unsigned long long)d->base);
    uint64_t reg[2] = { cpu_to_fdt64(d->base), cpu_to_fdt64(d->size) };
    int e = fdt_begin_node(fdt, name);
    e |= fdt_property(fdt, "compatible", compat, (int)compat_len);
    e |= fdt_property(fdt, "reg", reg, sizeof(reg));
    if (d->spi >= 0) {
        uint32_t irq[3] = { cpu_to_fdt32(0), cpu_to_fdt32((uint32_t)d->spi), cpu_to_fdt32(4) };
        e |= fdt_property(fdt, "interrupts", irq, sizeof(irq));
    }
    return e;
}

void board_set_irq(struct board *b, int spi, bool level)
{
    if (spi >= 0)
        hv_gic_set_spi(b->vm, 32 + (unsigned)spi, level);
}

void board_stop(struct board *b, int code)
{
    hv_vcpu_t *list[MAX_VCPUS];
    unsigned n = 0;
    pthread_mutex_lock(&b->lock);
    if (!b->stopping) {
        b->stopping = true;
        b->exit_code = code;
    }
    for (unsigned i = 0; i < b->ncpus; i++)
        list[n++] = b->vcpus[i].hv;
    pthread_cond_broadcast(&b->cond);
    pthread_mutex_unlock(&b->lock);
    hv_vcpus_exit(list, n);
}

/* ---- device tree --------------------------------------------------------- */

static int fdt_u32s(void *fdt, const char *name, const uint32_t *v, unsigned n)
{
    uint32_t buf[16];
    for (unsigned i = 0; i < n; i++)
        buf[i] = cpu_to_fdt32(v[i]);
    return fdt_property(fdt, name, buf, n * 4);
}

static int build_fdt(struct board *b, void *fdt, uint64_t initrd_start, uint64_t initrd_end)
{
    int e = 0;
    e |= fdt_create(fdt, DTB_MAX);
    e |= fdt_finish_reservemap(fdt);
    e |= fdt_begin_node(fdt, "");
    e |= fdt_property_string(fdt, "compatible", "linux,dummy-virt");
    e |= fdt_property_string(fdt, "model", "nestvm virt");
    e |= fdt_property_u32(fdt, "#address-cells", 2);
    e |= fdt_property_u32(fdt, "#size-cells", 2);
    e |= fdt_property_u32(fdt, "interrupt-parent", PHANDLE_GIC);

    e |= fdt_begin_node(fdt, "chosen");
    e |= fdt_property_string(fdt, "bootargs", b->cfg.cmdline ? b->cfg.cmdline : "");
    e |= fdt_property_string(fdt, "stdout-path", "/pl011@9000000");
    if (initrd_end > initrd_start) {
        e |= fdt_property_u64(fdt, "linux,initrd-start", initrd_start);
        e |= fdt_property_u64(fdt, "linux,initrd-end", initrd_end);
    }
    uint8_t seed[32];
    for (unsigned i = 0; i < sizeof(seed); i++)
        seed[i] = (uint8_t)rand();
    e |= fdt_property(fdt, "rng-seed", seed, sizeof(seed));
    e |= fdt_end_node(fdt);

    char name[48];
    snprintf(name, sizeof(name), "memory@%llx", (unsigned long long)VIRT_RAM);
    e |= fdt_begin_node(fdt, name);
    e |= fdt_property_string(fdt, "device_type", "memory");
    uint64_t mreg[2] = { cpu_to_fdt64(VIRT_RAM), cpu_to_fdt64(b->ram_size) };
    e |= fdt_property(fdt, "reg", mreg, sizeof(mreg));
    e |= fdt_end_node(fdt);

    e |= fdt_begin_node(fdt, "psci");
    e |= fdt_property(fdt, "compatible", "arm,psci-1.0\0arm,psci-0.2", sizeof("arm,psci-1.0\0arm,psci-0.2"));
    /* With EL2 in the guest, HVC belongs to the guest's hypervisor: the
     * firmware is reached by SMC as on real boards with EL3. */
    e |= fdt_property_string(fdt, "method", b->cfg.nested ? "smc" : "hvc");
    e |= fdt_end_node(fdt);

    e |= fdt_begin_node(fdt, "cpus");
    e |= fdt_property_u32(fdt, "#address-cells", 1);
    e |= fdt_property_u32(fdt, "#size-cells", 0);
    for (unsigned i = 0; i < b->ncpus; i++) {
        snprintf(name, sizeof(name), "cpu@%u", i);
        e |= fdt_begin_node(fdt, name);
        e |= fdt_property_string(fdt, "device_type", "cpu");
        e |= fdt_property_string(fdt, "compatible", "arm,arm-v8");
        e |= fdt_property_u32(fdt, "reg", (uint32_t)(hv_vcpu_mpidr(b->vcpus[i].hv) & 0xffffff));
        if (b->ncpus > 1)
            e |= fdt_property_string(fdt, "enable-method", "psci");
        e |= fdt_end_node(fdt);
    }
    e |= fdt_end_node(fdt);

    /* Architected timer: secure, non-secure physical, virtual, hypervisor
     * physical and (with VHE, i.e. nested) hypervisor virtual PPIs. */
    e |= fdt_begin_node(fdt, "timer");
    e |= fdt_property(fdt, "compatible", "arm,armv8-timer", sizeof("arm,armv8-timer"));
    uint32_t tirq[15] = { 1, 13, 4, 1, 14, 4, 1, 11, 4, 1, 10, 4, 1, 12, 4 };
    e |= fdt_u32s(fdt, "interrupts", tirq, b->cfg.nested ? 15 : 12);
    e |= fdt_property(fdt, "always-on", NULL, 0);
    e |= fdt_end_node(fdt);

    snprintf(name, sizeof(name), "intc@%llx", (unsigned long long)VIRT_GIC_DIST);
    e |= fdt_begin_node(fdt, name);
    e |= fdt_property_string(fdt, "compatible", "arm,gic-v3");
    e |= fdt_property_u32(fdt, "#interrupt-cells", 3);
    e |= fdt_property(fdt, "interrupt-controller", NULL, 0);
    e |= fdt_property_u32(fdt, "#redistributor-regions", 1);
    uint64_t greg[4] = { cpu_to_fdt64(VIRT_GIC_DIST), cpu_to_fdt64(0x10000), cpu_to_fdt64(VIRT_GIC_REDIST),
                         cpu_to_fdt64(0x20000ull * b->ncpus) };
    e |= fdt_property(fdt, "reg", greg, sizeof(greg));
    if (b->cfg.nested) {
        uint32_t mirq[3] = { 1, 9, 4 };   /* maintenance interrupt, INTID 25 */
        e |= fdt_u32s(fdt, "interrupts", mirq, 3);
    }
    e |= fdt_property_u32(fdt, "phandle", PHANDLE_GIC);
    e |= fdt_end_node(fdt);

    e |= fdt_begin_node(fdt, "apb-pclk");
    e |= fdt_property_string(fdt, "compatible", "fixed-clock");
    e |= fdt_property_u32(fdt, "#clock-cells", 0);
    e |= fdt_property_u32(fdt, "clock-frequency", 24000000);
    e |= fdt_property_string(fdt, "clock-output-names", "clk24mhz");
    e |= fdt_property_u32(fdt, "phandle", PHANDLE_CLK);
    e |= fdt_end_node(fdt);

    for (unsigned i = 0; i < b->ndevs; i++)
        if (b->devs[i]->fdt)
            e |= b->devs[i]->fdt(b->devs[i], fdt, b);

    e |= fdt_end_node(fdt);
    e |= fdt_finish(fdt);
    return e ? -1 : 0;
}

/* ---- PSCI (the VMM as firmware) ------------------------------------------ */

#define PSCI_VERSION 0x84000000u
#define PSCI_CPU_SUSPEND 0xc4000001u
#define PSCI_CPU_OFF 0x84000002u
#define PSCI_CPU_ON 0xc4000003u
#define PSCI_AFFINITY_INFO 0xc4000004u
#define PSCI_MIGRATE_INFO_TYPE 0x84000006u
#define PSCI_SYSTEM_OFF 0x84000008u
#define PSCI_SYSTEM_RESET 0x84000009u
#define PSCI_FEATURES 0x8400000au
#define SMCCC_VERSION 0x80000000u
#define SMCCC_ARCH_FEATURES 0x80000001u

#define PSCI_SUCCESS 0
#define PSCI_NOT_SUPPORTED (-1)
#define PSCI_INVALID_PARAMETERS (-2)
#define PSCI_ALREADY_ON (-4)
#define PSCI_ON_PENDING (-5)

static struct board_vcpu *vcpu_by_mpidr(struct board *b, uint64_t mpidr)
{
    for (unsigned i = 0; i < b->ncpus; i++)
        if ((hv_vcpu_mpidr(b->vcpus[i].hv) & 0xff00ffffffull) == (mpidr & 0xff00ffffffull))
            return &b->vcpus[i];
    return NULL;
}

static bool is_psci_fn(uint32_t fn)
{
    switch (fn & ~0x40000000u) {   /* SMC32 and SMC64 forms */
    case PSCI_VERSION: case PSCI_CPU_SUSPEND & ~0x40000000u: case PSCI_CPU_OFF: case PSCI_CPU_ON & ~0x40000000u:
    case PSCI_AFFINITY_INFO & ~0x40000000u: case PSCI_MIGRATE_INFO_TYPE: case PSCI_SYSTEM_OFF:
    case PSCI_SYSTEM_RESET: case PSCI_FEATURES: case SMCCC_VERSION:
        return true;
    default:
        return false;
    }
}

/* Returns false when this vCPU must stop running (CPU_OFF). */
static bool psci_call(struct board_vcpu *v)
{
    struct board *b = v->b;
    uint64_t x[4];
    for (unsigned i = 0; i < 4; i++)
        hv_vcpu_get_reg(v->hv, HV_REG_X0 + i, &x[i]);
    uint32_t fn = (uint32_t)x[0];
    int64_t ret = PSCI_NOT_SUPPORTED;
    bool keep_running = true;
    switch (fn) {
    case PSCI_VERSION: ret = 0x10001; break;      /* 1.1 */
    case SMCCC_VERSION: ret = 0x10001; break;     /* SMCCC 1.1 */
    case SMCCC_ARCH_FEATURES: ret = PSCI_NOT_SUPPORTED; break;
    case PSCI_MIGRATE_INFO_TYPE: ret = 2; break;  /* no trusted OS */
    case PSCI_FEATURES: ret = is_psci_fn((uint32_t)x[1]) || (uint32_t)x[1] == SMCCC_ARCH_FEATURES ? 0 : PSCI_NOT_SUPPORTED;
        if ((uint32_t)x[1] == SMCCC_ARCH_FEATURES) ret = 0;
        break;
    case PSCI_CPU_SUSPEND: case PSCI_CPU_SUSPEND & ~0x40000000u:
        ret = PSCI_SUCCESS;   /* standby: return at once (a WFI-like hint) */
        break;
    case PSCI_CPU_OFF:
        pthread_mutex_lock(&b->lock);
        v->state = VCPU_OFF;
        pthread_mutex_unlock(&b->lock);
        keep_running = false;
        ret = PSCI_SUCCESS;
        break;
    case PSCI_CPU_ON: case PSCI_CPU_ON & ~0x40000000u: {
        struct board_vcpu *t = vcpu_by_mpidr(b, x[1]);
        if (!t) {
            ret = PSCI_INVALID_PARAMETERS;
            break;
        }
        pthread_mutex_lock(&b->lock);
        if (t->state == VCPU_ON)
            ret = PSCI_ALREADY_ON;
        else if (t->state == VCPU_ON_PENDING)
            ret = PSCI_ON_PENDING;
        else {
            t->entry = fn == PSCI_CPU_ON ? x[2] : (uint32_t)x[2];
            t->context = x[3];
            t->state = VCPU_ON_PENDING;
            pthread_cond_broadcast(&b->cond);
            ret = PSCI_SUCCESS;
        }
        pthread_mutex_unlock(&b->lock);
        break;
    }
    case PSCI_AFFINITY_INFO: case PSCI_AFFINITY_INFO & ~0x40000000u: {
        struct board_vcpu *t = vcpu_by_mpidr(b, x[1]);
        if (!t || x[2] != 0) {
            ret = PSCI_INVALID_PARAMETERS;
            break;
        }
        pthread_mutex_lock(&b->lock);
        ret = t->state == VCPU_ON ? 0 : t->state == VCPU_OFF ? 1 : 2;
        pthread_mutex_unlock(&b->lock);
        break;
    }
    case PSCI_SYSTEM_OFF:
        board_stop(b, BOARD_EXIT_POWEROFF);
        return false;
    case PSCI_SYSTEM_RESET:
        board_stop(b, BOARD_EXIT_RESET);
        return false;
    default:
        break;
    }
    hv_vcpu_set_reg(v->hv, HV_REG_X0, (uint64_t)ret);   /* the backend narrows it for an AArch32 caller */
    return keep_running;
}

/* ---- vCPU threads -------------------------------------------------------- */

static struct device *device_at(struct board *b, uint64_t addr)
{
    for (unsigned i = 0; i < b->ndevs; i++) {
        struct device *d = b->devs[i];
        if (addr - d->base < d->size)
            return d;
    }
    return NULL;
}

static bool board_park(struct board_vcpu *v);

static void *vcpu_thread(void *arg)
{
    struct board_vcpu *v = arg;
    struct board *b = v->b;
    for (;;) {
        pthread_mutex_lock(&b->lock);
        v->parked = true;
        pthread_cond_broadcast(&b->cond);
        while (!b->stopping && (v->state == VCPU_OFF || b->paused))
            pthread_cond_wait(&b->cond, &b->lock);
        v->parked = false;
        if (b->stopping) {
            pthread_mutex_unlock(&b->lock);
            return NULL;
        }
        if (v->state == VCPU_ON_PENDING) {
            hv_vcpu_reset(v->hv, v->entry, v->context);
            if (v->boot_regs_a32) {
                hv_vcpu_set_reg(v->hv, HV_REG_X0 + 1, 0xffffffffu);
                hv_vcpu_set_reg(v->hv, HV_REG_X0 + 2, b->dtb_addr);
                v->boot_regs_a32 = false;
            }
            v->state = VCPU_ON;
        }
        pthread_mutex_unlock(&b->lock);

        bool running = true;
        while (running) {
            hv_return_t r = hv_vcpu_run(v->hv);
            struct hv_vcpu_exit *ex = v->exit;
            if (r != HV_SUCCESS && ex->reason != HV_EXIT_INTERNAL_ERROR) {
                fprintf(stderr, "nestvm: vCPU %u: run failed: %s\n", v->id, hv_strerror(r));
                board_stop(b, BOARD_EXIT_INTERNAL);
                return NULL;
            }
            switch (ex->reason) {
            case HV_EXIT_MMIO: {
                struct device *d = device_at(b, ex->mmio.addr);
                uint64_t data = ex->mmio.data;
                if (d && d->mmio(d, ex->mmio.addr - d->base, ex->mmio.size, ex->mmio.write, &data))
                    ex->mmio.data = data;
                else
                    ex->mmio.abort = true;   /* unbacked: external abort in the guest */
                break;
            }
            case HV_EXIT_HVC:
                running = psci_call(v);
                break;
            case HV_EXIT_SYSTEM_EVENT:
                board_stop(b, ex->system_event.type == HV_SYSTEM_RESET ? BOARD_EXIT_RESET : BOARD_EXIT_POWEROFF);
                return NULL;
            case HV_EXIT_CANCELED:
                running = board_park(v);
                if (!running)
                    return NULL;
                break;
            case HV_EXIT_INTERNAL_ERROR:
                fprintf(stderr, "nestvm: %s\n", ex->message);
                board_stop(b, BOARD_EXIT_INTERNAL);
                return NULL;
            default:
                break;
            }
        }
    }
}

/* ---- construction -------------------------------------------------------- */

static uint64_t align_up(uint64_t v, uint64_t a) { return (v + a - 1) & ~(a - 1); }

struct board *board_create(const struct board_config *cfg, int *exit_code)
{
    *exit_code = BOARD_EXIT_BAD_INPUT;
    struct board *b = calloc(1, sizeof(*b));
    if (!b)
        return NULL;
    b->cfg = *cfg;
    pthread_mutex_init(&b->lock, NULL);
    pthread_cond_init(&b->cond, NULL);
    b->ncpus = cfg->cpus ? cfg->cpus : 1;
    b->ram_size = cfg->memory ? cfg->memory : 512ull << 20;

    struct kernel_image k = { .file.fd = -1 };
    struct blob initrd = { .fd = -1 };
    /* Bad disk or network arguments are bad input, found before anything runs. */
    for (unsigned i = 0; i < cfg->ndisks; i++)
        if (virtio_blk_check(&cfg->disks[i]) < 0)
            goto fail;
    if (cfg->net && virtio_net_check(cfg->net) < 0)
        goto fail;
    if (load_kernel_image(cfg->kernel, &k) < 0)
        goto fail;
    if (cfg->initrd && open_blob(cfg->initrd, b->ram_size, &initrd) < 0)
        goto fail;
    size_t initrd_len = initrd.len;

    if (k.aarch32 && cfg->nested) {
        fprintf(stderr, "nestvm: '%s' is a 32-bit ARM kernel: it boots at AArch32 EL1, and nested "
                "virtualization (EL2) needs an arm64 kernel\n", cfg->kernel);
        goto fail;
    }
    /* Layout: kernel at RAM + text_offset (2 MiB aligned base), initrd after
     * it on a 2 MiB boundary, DTB in the last 2 MiB.  A zImage decompresses
     * from RAM + 32 KiB upwards, and its DTB and initrd must stay in the
     * lowmem mapping of a 32-bit kernel: both go at 128 MiB (half of a
     * smaller RAM), out of the decompressor's way, as the boot protocol
     * recommends. */
    uint64_t kernel_off = k.text_offset;
    uint64_t initrd_off = align_up(kernel_off + k.image_size, 2u << 20);
    uint64_t dtb_off = b->ram_size - DTB_MAX;
    if (k.aarch32) {
        initrd_off = b->ram_size >= (256ull << 20) ? 128ull << 20 : b->ram_size / 2;
        dtb_off = align_up(initrd_off + initrd_len, 2u << 20);
        if (dtb_off + DTB_MAX > b->ram_size)
            initrd_off = b->ram_size;   /* reported as too small below */
    }
    b->aarch32 = k.aarch32;
    if (b->ram_size < (64ull << 20) || initrd_off + initrd_len > dtb_off) {
        fprintf(stderr, "nestvm: %llu MiB of memory cannot hold the kernel (%llu MiB)%s and the device tree\n",
                (unsigned long long)(b->ram_size >> 20), (unsigned long long)(k.image_size >> 20),
                initrd_len ? " and the initrd" : "");
        goto fail;
    }

    *exit_code = BOARD_EXIT_INTERNAL;
    b->ram = mmap(NULL, b->ram_size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (b->ram == MAP_FAILED) {
        b->ram = NULL;
        fprintf(stderr, "nestvm: cannot allocate %llu MiB of guest memory\n", (unsigned long long)(b->ram_size >> 20));
        goto fail;
    }
    /* Huge pages where the host allows them: fewer host page faults while the
     * kernel is loaded and the guest first touches its memory, fewer host TLB
     * misses for every guest access after.  Advice only: failure is fine. */
    (void)madvise(b->ram, b->ram_size, MADV_HUGEPAGE);
    struct hv_vm_config vcfg;
    hv_vm_config_init(&vcfg);
    vcfg.backend = cfg->backend;
    vcfg.cpu_model = cfg->cpu_model;
    /* The smallest guest physical address size holding the memory map: KVM
     * hosts may offer fewer bits than the default. */
    for (vcfg.ipa_bits = 32; (VIRT_RAM + b->ram_size - 1) >> vcfg.ipa_bits; vcfg.ipa_bits++)
        ;
    hv_vm_config_set_el2_enabled(&vcfg, cfg->nested);
    vcfg.el1_aarch32 = k.aarch32;
    hv_return_t r = hv_vm_create(&vcfg, &b->vm);
    if (r != HV_SUCCESS) {
        fprintf(stderr, "nestvm: cannot create the VM: %s\n", hv_last_error() ? hv_last_error() : hv_strerror(r));
        if (r == HV_UNSUPPORTED || r == HV_BAD_ARGUMENT)   /* the host cannot run what was asked */
            *exit_code = BOARD_EXIT_BAD_INPUT;
        goto fail;
    }
    if ((r = hv_vm_map(b->vm, b->ram, VIRT_RAM, b->ram_size, HV_MEMORY_READ | HV_MEMORY_WRITE | HV_MEMORY_EXEC))) {
        fprintf(stderr, "nestvm: cannot map guest memory: %s\n", hv_strerror(r));
        goto fail;
    }
    for (unsigned i = 0; i < b->ncpus; i++) {
        struct board_vcpu *v = &b->vcpus[i];
        v->b = b;
        v->id = i;
        if ((r = hv_vcpu_create(b->vm, i, &v->hv, &v->exit))) {
            fprintf(stderr, "nestvm: cannot create vCPU %u: %s\n", i, hv_strerror(r));
            goto fail;
        }
    }
    struct hv_gic_config gcfg = { VIRT_GIC_DIST, VIRT_GIC_REDIST, VIRT_SPI_COUNT };
    if ((r = hv_gic_create(b->vm, &gcfg))) {
        fprintf(stderr, "nestvm: cannot create the interrupt controller: %s\n",
                hv_last_error() ? hv_last_error() : hv_strerror(r));
        goto fail;
    }
    if (!(b->gpio = pl061_create(b, VIRT_GPIO, VIRT_GPIO_SPI)))
        goto fail;
    if (!pl011_create(b, VIRT_UART, VIRT_UART_SPI) || !pl031_create(b, VIRT_RTC, VIRT_RTC_SPI))
        goto fail;
    /* virtio devices, in guest enumeration order (disks become vda, vdb, ...). */
    for (unsigned i = 0; i < cfg->ndisks; i++)
        if (virtio_blk_create(b, &cfg->disks[i]) < 0)
            goto fail;
    if ((cfg->net && virtio_net_create(b, cfg->net) < 0) ||
        (cfg->console == BOARD_CONSOLE_VIRTIO && virtio_console_create(b) < 0) ||
        (cfg->rng && virtio_rng_create(b) < 0))
        goto fail;

    if (kernel_image_copy(&k, b->ram + kernel_off) < 0 ||
        (initrd_len && blob_copy(&initrd, b->ram + initrd_off) < 0)) {
        *exit_code = BOARD_EXIT_BAD_INPUT;
        goto fail;
    }
    void *fdt = b->ram + dtb_off;
    if (build_fdt(b, fdt, VIRT_RAM + initrd_off, VIRT_RAM + initrd_off + initrd_len) < 0) {
        fprintf(stderr, "nestvm: cannot build the device tree\n");
        goto fail;
    }
    if (cfg->dtb_out) {
        FILE *f = fopen(cfg->dtb_out, "wb");
        if (!f || fwrite(fdt, fdt_totalsize(fdt), 1, f) != 1) {
            fprintf(stderr, "nestvm: cannot write '%s': %s\n", cfg->dtb_out, strerror(errno));
            if (f)
                fclose(f);
            *exit_code = BOARD_EXIT_BAD_INPUT;
            goto fail;
        }
        fclose(f);
    }
    b->kernel_entry = VIRT_RAM + kernel_off;
    b->dtb_addr = VIRT_RAM + dtb_off;
    kernel_image_release(&k);
    blob_release(&initrd);
    *exit_code = 0;
    return b;
fail:
    kernel_image_release(&k);
    blob_release(&initrd);
    board_destroy(b);
    return NULL;
}

int board_run(struct board *b)
{
    struct board_vcpu *boot = &b->vcpus[0];
    boot->entry = b->kernel_entry;
    /* arm64: x0 = DTB.  32-bit ARM: r0 = 0, r1 = ~0 (no machine number: a
     * device tree), r2 = DTB. */
    boot->context = b->aarch32 ? 0 : b->dtb_addr;
    boot->boot_regs_a32 = b->aarch32;
    boot->state = VCPU_ON_PENDING;
    /* A backend with its own PSCI starts the other vCPUs on CPU_ON itself:
     * their threads run from the start. */
    for (unsigned i = 1; i < b->ncpus && hv_vm_psci_internal(b->vm); i++)
        b->vcpus[i].state = VCPU_ON;
    for (unsigned i = 0; i < b->ncpus; i++) {
        if (pthread_create(&b->vcpus[i].thread, NULL, vcpu_thread, &b->vcpus[i]) != 0) {
            fprintf(stderr, "nestvm: cannot start a vCPU thread\n");
            board_stop(b, BOARD_EXIT_INTERNAL);
            break;
        }
        b->vcpus[i].thread_started = true;
    }
    pthread_mutex_lock(&b->lock);
    if (b->cfg.timeout > 0) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        double t = (double)ts.tv_sec + ts.tv_nsec / 1e9 + b->cfg.timeout;
        ts.tv_sec = (time_t)t;
        ts.tv_nsec = (long)((t - (double)ts.tv_sec) * 1e9);
        while (!b->stopping) {
            if (pthread_cond_timedwait(&b->cond, &b->lock, &ts) == ETIMEDOUT && !b->stopping) {
                pthread_mutex_unlock(&b->lock);
                fprintf(stderr, "nestvm: timeout after %g s\n", b->cfg.timeout);
                board_stop(b, BOARD_EXIT_TIMEOUT);
                pthread_mutex_lock(&b->lock);
            }
        }
    } else {
        while (!b->stopping)
            pthread_cond_wait(&b->cond, &b->lock);
    }
    pthread_mutex_unlock(&b->lock);
    for (unsigned i = 0; i < b->ncpus; i++)
        if (b->vcpus[i].thread_started)
            pthread_join(b->vcpus[i].thread, NULL);
    return b->exit_code;
}

void board_destroy(struct board *b)
{
    if (!b)
        return;
    for (unsigned i = 0; i < b->ndevs; i++)
        if (b->devs[i]->destroy)
            b->devs[i]->destroy(b->devs[i]);
    hv_vm_destroy(b->vm);
    if (b->ram)
        munmap(b->ram, b->ram_size);
    free(b);
}

/* ---- control: pause, resume, registers, power button ---------------------- */

/* A cancelled vCPU waits here while the machine is paused.  Returns false
 * when the machine is stopping. */
static bool board_park(struct board_vcpu *v)
{
    struct board *b = v->b;
    pthread_mutex_lock(&b->lock);
    if (b->paused && !b->stopping) {
        v->parked = true;
        pthread_cond_broadcast(&b->cond);
        while (b->paused && !b->stopping)
            pthread_cond_wait(&b->cond, &b->lock);
        v->parked = false;
    }
    bool keep = !b->stopping;
    pthread_mutex_unlock(&b->lock);
    return keep;
}

enum board_run_state board_state(struct board *b)
{
    pthread_mutex_lock(&b->lock);
    enum board_run_state s = b->stopping ? BOARD_STOPPING : b->paused ? BOARD_PAUSED : BOARD_RUNNING;
    pthread_mutex_unlock(&b->lock);
    return s;
}

unsigned board_vcpu_count(struct board *b) { return b->ncpus; }
bool board_nested(struct board *b) { return b->cfg.nested; }
uint64_t board_memory(struct board *b) { return b->ram_size; }

static bool all_parked(struct board *b)
{
    for (unsigned i = 0; i < b->ncpus; i++)
        if (b->vcpus[i].thread_started && !b->vcpus[i].parked)
            return false;
    return true;
}

int board_pause(struct board *b)
{
    hv_vcpu_t *list[MAX_VCPUS];
    pthread_mutex_lock(&b->lock);
    if (b->stopping) {
        pthread_mutex_unlock(&b->lock);
        return -1;
    }
    b->paused = true;
    for (unsigned i = 0; i < b->ncpus; i++)
        list[i] = b->vcpus[i].hv;
    pthread_mutex_unlock(&b->lock);
    hv_vcpus_exit(list, b->ncpus);

    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    ts.tv_sec += 5;
    int r = 0;
    pthread_mutex_lock(&b->lock);
    while (!b->stopping && !all_parked(b))
        if (pthread_cond_timedwait(&b->cond, &b->lock, &ts) == ETIMEDOUT) {
            r = -1;
            break;
        }
    if (b->stopping)
        r = -1;
    pthread_mutex_unlock(&b->lock);
    return r;
}

void board_resume(struct board *b)
{
    pthread_mutex_lock(&b->lock);
    b->paused = false;
    pthread_cond_broadcast(&b->cond);
    pthread_mutex_unlock(&b->lock);
}

#define SYSKEY(op0, op1, crn, crm, op2) \
    ((uint32_t)(op0) << 14 | (uint32_t)(op1) << 11 | (uint32_t)(crn) << 7 | (uint32_t)(crm) << 3 | (uint32_t)(op2))

const struct board_sysreg board_sysregs[] = {
    { "SCTLR_EL1", SYSKEY(3, 0, 1, 0, 0) }, { "TCR_EL1", SYSKEY(3, 0, 2, 0, 2) },
    { "TTBR0_EL1", SYSKEY(3, 0, 2, 0, 0) }, { "TTBR1_EL1", SYSKEY(3, 0, 2, 0, 1) },
    { "VBAR_EL1", SYSKEY(3, 0, 12, 0, 0) }, { "ESR_EL1", SYSKEY(3, 0, 5, 2, 0) },
    { "FAR_EL1", SYSKEY(3, 0, 6, 0, 0) }, { "ELR_EL1", SYSKEY(3, 0, 4, 0, 1) },
    { "SPSR_EL1", SYSKEY(3, 0, 4, 0, 0) }, { "SP_EL0", SYSKEY(3, 0, 4, 1, 0) },
    { "SP_EL1", SYSKEY(3, 4, 4, 1, 0) }, { "MPIDR_EL1", SYSKEY(3, 0, 0, 0, 5) },
    { "HCR_EL2", SYSKEY(3, 4, 1, 1, 0) }, { "SCTLR_EL2", SYSKEY(3, 4, 1, 0, 0) },
    { "VBAR_EL2", SYSKEY(3, 4, 12, 0, 0) }, { "ESR_EL2", SYSKEY(3, 4, 5, 2, 0) },
    { "VTTBR_EL2", SYSKEY(3, 4, 2, 1, 0) },
    { NULL, 0 },
};

/* Registers of one vCPU, read while it is out of the guest (the machine is
 * paused for the read unless it already is). */
int board_vcpu_regs(struct board *b, unsigned idx, struct board_regs *out)
{
    if (idx >= b->ncpus)
        return -1;
    pthread_mutex_lock(&b->lock);
    bool was_paused = b->paused;
    pthread_mutex_unlock(&b->lock);
    if (!was_paused && board_pause(b) < 0) {
        board_resume(b);
        return -2;
    }
    struct board_vcpu *v = &b->vcpus[idx];
    memset(out, 0, sizeof(*out));
    for (unsigned i = 0; i < 31; i++)
        hv_vcpu_get_reg(v->hv, HV_REG_X0 + i, &out->x[i]);
    hv_vcpu_get_reg(v->hv, HV_REG_SP, &out->sp);
    hv_vcpu_get_reg(v->hv, HV_REG_PC, &out->pc);
    hv_vcpu_get_reg(v->hv, HV_REG_PSTATE, &out->pstate);
    for (unsigned i = 0; board_sysregs[i].name && i < BOARD_MAX_SYSREGS; i++)
        out->sys_ok[i] = hv_vcpu_get_sys_reg(v->hv, board_sysregs[i].key, &out->sys[i]) == HV_SUCCESS;
    pthread_mutex_lock(&b->lock);
    out->on = v->state == VCPU_ON;
    pthread_mutex_unlock(&b->lock);
    if (!was_paused)
        board_resume(b);
    return 0;
}

/* The guest-visible shutdown request: the power button line of the PL061
 * (GPIO 3, a gpio-keys KEY_POWER in the device tree) goes high. */
void board_power_button(struct board *b)
{
    pl061_set_input(b->gpio, VIRT_GPIO_POWER_LINE, true);
}
