/*
 * kvmlib.h: the /dev/kvm plumbing shared by the static aarch64 test programs
 * that run inside an L1 guest (kvm-smoke.c, kvm-nv-test.c): failure and
 * summary reporting, a VM with one RAM memslot and one vCPU, ONE_REG access,
 * an in-kernel vGICv3, and KVM_RUN with a 60 s watchdog.
 *
 * Header only (static functions), so each program stays one translation unit
 * built by its guest/build-* script; those scripts rebuild when this file
 * changes.  Every program sets kl.prog (and kl.sep) before anything can fail;
 * its output lines are "<prog>: FAIL [<step>: ]<reason>" and, at the end,
 * "<prog>: PASS (<summary>)".
 */
#ifndef NESTVM_GUEST_KVMLIB_H
#define NESTVM_GUEST_KVMLIB_H

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>
#include <linux/kvm.h>

#ifndef KVM_ARM_VCPU_HAS_EL2
#define KVM_ARM_VCPU_HAS_EL2 7
#endif

/* Guest physical layout of every test VM. */
#define RAM_GPA   0x10000000ULL
#define RAM_SIZE  0x100000ULL /* 1 MiB: a multiple of 4K, 16K and 64K pages */
#define MMIO_GPA  0x20000000ULL /* unmapped: accesses exit to the program */
#define GICD_GPA  0x08000000ULL
#define GICR_GPA  0x080A0000ULL

#define CORE_REG(x) (KVM_REG_ARM64 | KVM_REG_SIZE_U64 | KVM_REG_ARM_CORE | \
		     KVM_REG_ARM_CORE_REG(x))

static struct {
	const char *prog;   /* name printed before ": FAIL" / ": PASS" */
	const char *step;   /* when set, printed after "FAIL " as "<step>: " */
	const char *sep;    /* between summary items */
	int verbose;        /* -v: progress on stderr */
	int echo_notes;     /* with verbose, print each summary item as it comes */
	int kvm_fd;
	char summary[512];
} kl;

struct kl_vm {
	int vm, vcpu;
	struct kvm_run *run;
	size_t run_size;
	uint8_t *ram;       /* RAM_SIZE bytes at RAM_GPA */
};

static void __attribute__((noreturn, format(printf, 1, 2)))
kl_fail(const char *fmt, ...)
{
	va_list ap;
	printf("%s: FAIL ", kl.prog);
	if (kl.step)
		printf("%s: ", kl.step);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	exit(1);
}

/* Append one item to the summary printed with PASS. */
static void __attribute__((format(printf, 1, 2))) kl_note(const char *fmt, ...)
{
	va_list ap;
	size_t n = strlen(kl.summary);
	if (n)
		n += snprintf(kl.summary + n, sizeof(kl.summary) - n, "%s", kl.sep);
	va_start(ap, fmt);
	vsnprintf(kl.summary + n, sizeof(kl.summary) - n, fmt, ap);
	va_end(ap);
	if (kl.verbose && kl.echo_notes)
		fprintf(stderr, "%s: ok: %s\n", kl.prog, kl.summary + n);
}

static void kl_pass(void)
{
	printf("%s: PASS (%s)\n", kl.prog, kl.summary);
}

static void kl_on_alarm(int sig)
{
	(void)sig; /* only interrupts KVM_RUN (EINTR) */
}

/* Line-buffered stdout, the KVM_RUN watchdog, and /dev/kvm in kl.kvm_fd. */
static void kl_open(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = kl_on_alarm; /* no SA_RESTART: KVM_RUN returns EINTR */
	sigaction(SIGALRM, &sa, NULL);

	kl.kvm_fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (kl.kvm_fd < 0)
		kl_fail("open /dev/kvm: %s", strerror(errno));
}

static void kl_set_reg(struct kl_vm *v, uint64_t id, uint64_t val, const char *name)
{
	struct kvm_one_reg r = { .id = id, .addr = (uint64_t)(uintptr_t)&val };
	if (ioctl(v->vcpu, KVM_SET_ONE_REG, &r) < 0)
		kl_fail("KVM_SET_ONE_REG %s: %s", name, strerror(errno));
}

static uint64_t kl_get_reg(struct kl_vm *v, uint64_t id, const char *name)
{
	uint64_t val = 0;
	struct kvm_one_reg r = { .id = id, .addr = (uint64_t)(uintptr_t)&val };
	if (ioctl(v->vcpu, KVM_GET_ONE_REG, &r) < 0)
		kl_fail("KVM_GET_ONE_REG %s: %s", name, strerror(errno));
	return val;
}

/* A VM with RAM_SIZE bytes of anonymous RAM at RAM_GPA (slot 0) and vCPU 0,
 * initialised as the preferred target with PSCI 0.2 plus `features`
 * (KVM_ARM_VCPU_* bit numbers already shifted into a mask). */
static void kl_vm_create(struct kl_vm *v, uint32_t features)
{
	v->vm = ioctl(kl.kvm_fd, KVM_CREATE_VM, 0);
	if (v->vm < 0)
		kl_fail("KVM_CREATE_VM: %s", strerror(errno));
	v->ram = mmap(NULL, RAM_SIZE, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (v->ram == MAP_FAILED)
		kl_fail("mmap guest RAM: %s", strerror(errno));
	struct kvm_userspace_memory_region mr = {
		.slot = 0, .guest_phys_addr = RAM_GPA, .memory_size = RAM_SIZE,
		.userspace_addr = (uint64_t)(uintptr_t)v->ram,
	};
	if (ioctl(v->vm, KVM_SET_USER_MEMORY_REGION, &mr) < 0)
		kl_fail("KVM_SET_USER_MEMORY_REGION: %s", strerror(errno));
	v->vcpu = ioctl(v->vm, KVM_CREATE_VCPU, 0);
	if (v->vcpu < 0)
		kl_fail("KVM_CREATE_VCPU: %s", strerror(errno));
	int sz = ioctl(kl.kvm_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (sz < (int)sizeof(struct kvm_run))
		kl_fail("KVM_GET_VCPU_MMAP_SIZE: %s", strerror(errno));
	v->run_size = (size_t)sz;
	v->run = mmap(NULL, v->run_size, PROT_READ | PROT_WRITE, MAP_SHARED, v->vcpu, 0);
	if (v->run == MAP_FAILED)
		kl_fail("mmap kvm_run: %s", strerror(errno));
	struct kvm_vcpu_init init;
	memset(&init, 0, sizeof(init));
	if (ioctl(v->vm, KVM_ARM_PREFERRED_TARGET, &init) < 0)
		kl_fail("KVM_ARM_PREFERRED_TARGET: %s", strerror(errno));
	init.features[0] |= 1u << KVM_ARM_VCPU_PSCI_0_2 | features;
	if (ioctl(v->vcpu, KVM_ARM_VCPU_INIT, &init) < 0)
		kl_fail("KVM_ARM_VCPU_INIT%s: %s",
			features & 1u << KVM_ARM_VCPU_HAS_EL2 ? " with HAS_EL2" : "",
			strerror(errno));
}

static void kl_vm_destroy(struct kl_vm *v)
{
	munmap(v->run, v->run_size);
	close(v->vcpu);
	close(v->vm);
	munmap(v->ram, RAM_SIZE);
}

static void kl_vgic_attr(int fd, uint32_t group, uint64_t attr, void *addr,
			 const char *what)
{
	struct kvm_device_attr a = {
		.group = group, .attr = attr, .addr = (uint64_t)(uintptr_t)addr,
	};
	if (ioctl(fd, KVM_SET_DEVICE_ATTR, &a) < 0)
		kl_fail("vGIC %s: %s", what, strerror(errno));
}

/* An initialised in-kernel GICv3 (64 IRQs, distributor at GICD_GPA,
 * redistributors from GICR_GPA); returns the device fd. */
static int kl_vgic_v3(struct kl_vm *v)
{
	struct kvm_create_device cd = { .type = KVM_DEV_TYPE_ARM_VGIC_V3 };
	if (ioctl(v->vm, KVM_CREATE_DEVICE, &cd) < 0)
		kl_fail("KVM_CREATE_DEVICE VGIC_V3: %s", strerror(errno));
	uint64_t dist = GICD_GPA, redist = GICR_GPA;
	uint32_t nr_irqs = 64;
	kl_vgic_attr(cd.fd, KVM_DEV_ARM_VGIC_GRP_NR_IRQS, 0, &nr_irqs, "NR_IRQS");
	kl_vgic_attr(cd.fd, KVM_DEV_ARM_VGIC_GRP_ADDR, KVM_VGIC_V3_ADDR_TYPE_DIST,
		     &dist, "DIST address");
	kl_vgic_attr(cd.fd, KVM_DEV_ARM_VGIC_GRP_ADDR, KVM_VGIC_V3_ADDR_TYPE_REDIST,
		     &redist, "REDIST address");
	kl_vgic_attr(cd.fd, KVM_DEV_ARM_VGIC_GRP_CTRL, KVM_DEV_ARM_VGIC_CTRL_INIT,
		     NULL, "CTRL_INIT");
	return (int)cd.fd;
}

/* KVM_RUN until an exit other than KVM_EXIT_INTR; returns the exit reason,
 * or -errno when KVM_RUN fails (-EINTR: no exit within 60 s).  The callers
 * word the failure, since it says which step hung. */
static int kl_run(struct kl_vm *v)
{
	alarm(60);
	for (;;) {
		if (ioctl(v->vcpu, KVM_RUN, 0) < 0)
			return -errno;
		if (v->run->exit_reason != KVM_EXIT_INTR)
			break;
	}
	alarm(0);
	return (int)v->run->exit_reason;
}

/* MMIO data as the little-endian value the guest stored. */
static uint64_t kl_le_data(const uint8_t *d, unsigned len)
{
	uint64_t x = 0;
	for (unsigned i = 0; i < len; i++)
		x |= (uint64_t)d[i] << (8 * i);
	return x;
}

#endif
