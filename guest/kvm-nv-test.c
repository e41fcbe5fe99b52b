/*
 * kvm-nv-test: a static aarch64 program that asks the guest's KVM for a vCPU
 * with EL2 (KVM_ARM_VCPU_HAS_EL2, recursive nesting) and checks, step by
 * step, that a guest hypervisor works in it:
 *
 *   L2 hypervisor (virtual EL2, this program's guest code)
 *     1. reads CurrentEL (must be EL2) and HCR_EL2, reports them by MMIO,
 *     2. installs its own vector table (VBAR_EL2),
 *     3. builds a stage-2 table: L3 IPA 1-2 GiB -> its own PA 0-1 GiB, IPA
 *        0-1 GiB unmapped; sets VTCR_EL2, VTTBR_EL2, HCR_EL2.VM|RW,
 *     4. ERETs to an EL1 guest (L3) with the MMU off;
 *   L3 (EL1 under the L2 hypervisor's stage 2)
 *     5. writes and reads MMIO at IPA 0x60000100.. which the stage 2 turns
 *        into 0x20000100.. (exits to this program: proves the translation),
 *     6. loads from IPA 0x3000, unmapped in stage 2: the L2 hypervisor's
 *        vector gets the stage-2 data abort (ESR_EL2, HPFAR_EL2, FAR_EL2
 *        reported), skips the instruction and ERETs back,
 *     7. executes HVC #0x42, which traps to the L2 hypervisor (ESR, ELR,
 *        SPSR reported), which then reports "done".
 *
 * This runs twice: with KVM's default VHE guest hypervisor (HCR_EL2.E2H=1)
 * and, when KVM offers KVM_ARM_VCPU_HAS_EL2_E2H0, with an nVHE one (E2H=0,
 * which the CPU runs under HCR_EL2.NV1).  The guest code serves both.
 * An in-kernel vGICv3 is created first (KVM_RUN refuses an EL2 vCPU without
 * one).  Prints "kvm-nv-test: PASS (...)" or "kvm-nv-test: FAIL <step>: ...",
 * exits 0/1.  Build: guest/build-kvm-prog kvm-nv-test.
 */
#include <time.h>
#include "kvmlib.h"

#ifndef KVM_CAP_ARM_EL2
#define KVM_CAP_ARM_EL2 240
#endif
#ifndef KVM_ARM_VCPU_HAS_EL2_E2H0
#define KVM_ARM_VCPU_HAS_EL2_E2H0 8
#endif
#ifndef KVM_CAP_ARM_EL2_E2H0
#define KVM_CAP_ARM_EL2_E2H0 241
#endif

#define L3_OFFSET 0x40000000ULL /* L3 IPA = L2 PA + 1 GiB (stage-2 block 1) */

/* MMIO report offsets (from MMIO_GPA) */
enum {
	R_CURRENTEL = 0x00, R_HCR = 0x08,
	R_S2F_ESR = 0x20, R_S2F_HPFAR = 0x28, R_S2F_FAR = 0x30,
	R_HVC_ESR = 0x38, R_HVC_ELR = 0x40, R_HVC_SPSR = 0x48,
	R_BAD_ESR = 0x50, R_BAD_ELR = 0x58, R_DONE = 0x60,
	R_L3_W = 0x100, R_L3_R = 0x108, R_L3_ECHO = 0x110,
};

/* The guest code, position independent, copied to RAM_GPA.  x1 = MMIO base
 * (set by the host). */
extern const uint8_t nvg_start[];
extern const uint64_t nvg_len, nvg_hvc_off;  /* computed by the assembler */
__asm__(
	".pushsection .rodata\n"
	".arch armv8.4-a\n"
	".global nvg_start, nvg_len, nvg_hvc_off\n"
	".balign 4096\n"
	"nvg_start:\n"
	/* 1. where are we */
	"	mrs	x0, CurrentEL\n"
	"	str	x0, [x1, #0x00]\n"
	"	mrs	x0, hcr_el2\n"
	"	str	x0, [x1, #0x08]\n"
	/* 2. own vectors */
	"	adr	x0, nvg_vectors\n"
	"	msr	vbar_el2, x0\n"
	"	isb\n"
	/* 3. stage 2: level-1 table, 1 GiB blocks; block 1 -> PA 0, Normal WB,
	 * RW, inner shareable, AF */
	"	adr	x3, nvg_s2\n"
	"	mov	x4, #0x7fd\n"
	"	stp	xzr, x4, [x3]\n"
	"	stp	xzr, xzr, [x3, #16]\n"
	"	dsb	sy\n"
	/* VTCR: T0SZ=32, SL0=1 (level 1), IRGN/ORGN WB, SH inner, 4K, PS=40 bits */
	"	mov	x0, #(32 | 1 << 6 | 1 << 8 | 1 << 10 | 3 << 12)\n"
	"	movk	x0, #(2 | 1 << 15), lsl #16\n"
	"	msr	vtcr_el2, x0\n"
	"	mov	x0, #1 << 48\n"
	"	orr	x0, x0, x3\n"
	"	msr	vttbr_el2, x0\n"
	/* L3's SCTLR_EL1: MMU and caches off (SCTLR_EL12 under E2H) */
	"	mov	x5, #0x0800\n"
	"	movk	x5, #0x30d0, lsl #16\n"
	"	mrs	x0, hcr_el2\n"
	"	tbz	x0, #34, 1f\n"
	"	msr	sctlr_el12, x5\n"
	"	b	2f\n"
	"1:	msr	sctlr_el1, x5\n"
	"2:	orr	x0, x0, #1\n"           /* VM */
	"	orr	x0, x0, #1 << 31\n"     /* RW: EL1 is AArch64 */
	"	bic	x0, x0, #1 << 27\n"     /* TGE off */
	"	msr	hcr_el2, x0\n"
	"	isb\n"
	"	tlbi	vmalls12e1\n"
	"	dsb	sy\n"
	"	isb\n"
	/* 4. enter L3 at EL1h, interrupts masked */
	"	adr	x0, nvg_l3\n"
	"	orr	x0, x0, #0x40000000\n"
	"	msr	elr_el2, x0\n"
	"	mov	x0, #0x3c5\n"
	"	msr	spsr_el2, x0\n"
	"	orr	x19, x1, #0x40000000\n"
	"	eret\n"
	/* L3: 5. MMIO through stage 2 */
	"nvg_l3:\n"
	"	mov	x0, #0x1337\n"
	"	str	x0, [x19, #0x100]\n"
	"	ldr	x0, [x19, #0x108]\n"
	"	add	x0, x0, #1\n"
	"	str	x0, [x19, #0x110]\n"
	/* 6. stage-2 fault (the L2 hypervisor skips this load) */
	"	mov	x0, #0x3000\n"
	"	ldr	x0, [x0]\n"
	/* 7. HVC to the L2 hypervisor */
	"nvg_l3_hvc:\n"
	"	hvc	#0x42\n"
	"	b	.\n"
	/* the L2 hypervisor's vectors */
	".balign 0x800\n"
	"nvg_vectors:\n"
	".rept 8\n"
	"	b	nvg_bad\n"
	"	.balign 0x80\n"
	".endr\n"
	"	b	nvg_lower_sync\n"       /* +0x400: lower EL, AArch64, sync */
	"	.balign 0x80\n"
	".rept 7\n"
	"	b	nvg_bad\n"
	"	.balign 0x80\n"
	".endr\n"
	"nvg_bad:\n"
	"	mrs	x9, esr_el2\n"
	"	str	x9, [x1, #0x50]\n"
	"	mrs	x9, elr_el2\n"
	"	str	x9, [x1, #0x58]\n"
	"	b	.\n"
	"nvg_lower_sync:\n"
	"	mrs	x9, esr_el2\n"
	"	lsr	x10, x9, #26\n"
	"	cmp	x10, #0x24\n"           /* data abort from a lower EL */
	"	b.ne	3f\n"
	"	str	x9, [x1, #0x20]\n"
	"	mrs	x9, hpfar_el2\n"
	"	str	x9, [x1, #0x28]\n"
	"	mrs	x9, far_el2\n"
	"	str	x9, [x1, #0x30]\n"
	"	mrs	x9, elr_el2\n"
	"	add	x9, x9, #4\n"
	"	msr	elr_el2, x9\n"
	"	eret\n"
	"3:	str	x9, [x1, #0x38]\n"
	"	mrs	x9, elr_el2\n"
	"	str	x9, [x1, #0x40]\n"
	"	mrs	x9, spsr_el2\n"
	"	str	x9, [x1, #0x48]\n"
	"	mov	x9, #0x600d\n"
	"	str	x9, [x1, #0x60]\n"
	"	b	.\n"
	".balign 4096\n"
	"nvg_s2:\n"
	"	.skip 4096\n"
	"nvg_end:\n"
	".balign 8\n"
	"nvg_len:	.quad nvg_end - nvg_start\n"
	"nvg_hvc_off:	.quad nvg_l3_hvc - nvg_start\n"
	".popsection\n");

static struct kl_vm vm;

/* Run to the next MMIO exit; an exit at a "bad vector" offset fails. */
static void run_to_mmio(void)
{
	struct kvm_run *run = vm.run;
	int r = kl_run(&vm);
	if (r == -EINTR)
		kl_fail("no exit within 60 s (pc=0x%llx)",
			(unsigned long long)kl_get_reg(&vm, CORE_REG(regs.pc), "pc"));
	if (r < 0)
		kl_fail("KVM_RUN: %s", strerror(-r));
	if (run->exit_reason != KVM_EXIT_MMIO)
		kl_fail("expected an MMIO exit, got exit reason %u", run->exit_reason);
	uint64_t off = run->mmio.phys_addr - MMIO_GPA;
	if (off == R_BAD_ESR) {
		uint64_t esr = kl_le_data(run->mmio.data, run->mmio.len);
		kl_fail("the L2 hypervisor took an unexpected exception, ESR_EL2=0x%llx (EC 0x%llx)",
		        (unsigned long long)esr, (unsigned long long)(esr >> 26));
	}
}

/* Expect a write of len bytes at off; returns the data. */
static uint64_t expect_write(uint64_t off, unsigned len)
{
	struct kvm_run *run = vm.run;
	run_to_mmio();
	if (!run->mmio.is_write || run->mmio.phys_addr != MMIO_GPA + off || run->mmio.len != len)
		kl_fail("MMIO %s of %u bytes at 0x%llx, expected a write of %u at 0x%llx",
		        run->mmio.is_write ? "write" : "read", run->mmio.len,
		        (unsigned long long)run->mmio.phys_addr, len,
		        (unsigned long long)(MMIO_GPA + off));
	uint64_t v = kl_le_data(run->mmio.data, len);
	if (kl.verbose)
		fprintf(stderr, "kvm-nv-test: %s: W @0x%llx = 0x%llx\n", kl.step,
			(unsigned long long)off, (unsigned long long)v);
	return v;
}

static void expect_read(uint64_t off, unsigned len, uint64_t data)
{
	struct kvm_run *run = vm.run;
	run_to_mmio();
	if (run->mmio.is_write || run->mmio.phys_addr != MMIO_GPA + off || run->mmio.len != len)
		kl_fail("MMIO %s of %u bytes at 0x%llx, expected a read of %u at 0x%llx",
		        run->mmio.is_write ? "write" : "read", run->mmio.len,
		        (unsigned long long)run->mmio.phys_addr, len,
		        (unsigned long long)(MMIO_GPA + off));
	for (unsigned i = 0; i < len; i++)
		run->mmio.data[i] = (uint8_t)(data >> (8 * i));
}

static void run_variant(int e2h0);

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	kl.prog = "kvm-nv-test";
	kl.step = "setup";
	kl.sep = "; ";
	kl.echo_notes = 1;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-v")) {
			kl.verbose = 1;
		} else {
			fprintf(stderr, "usage: kvm-nv-test [-v]\n");
			return 2;
		}
	}
	kl_open();
	int el2 = ioctl(kl.kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_ARM_EL2);
	if (el2 <= 0)
		kl_fail("KVM_CAP_ARM_EL2 not supported (%d): KVM is not in nested mode", el2);
	/* A VHE guest hypervisor (E2H=1: KVM's default) and, where KVM offers
	 * it, an nVHE one (E2H=0; the CPU then runs it with HCR_EL2.NV1). */
	run_variant(0);
	if (ioctl(kl.kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_ARM_EL2_E2H0) > 0)
		run_variant(1);
	else
		kl_note("no E2H0 vCPUs offered");
	kl_pass();
	return 0;
}

static void run_variant(int e2h0)
{
	const char *vname = e2h0 ? "nVHE" : "VHE";
	double t0 = now();
	kl.step = "setup";
	size_t len = (size_t)nvg_len;
	if (len > RAM_SIZE)
		kl_fail("guest code too large (%zu bytes)", len);
	uint32_t features = 1u << KVM_ARM_VCPU_HAS_EL2;
	if (e2h0)
		features |= 1u << KVM_ARM_VCPU_HAS_EL2_E2H0;
	kl_vm_create(&vm, features);
	memcpy(vm.ram, nvg_start, len);
	int gic = kl_vgic_v3(&vm);

	uint64_t pstate = kl_get_reg(&vm, CORE_REG(regs.pstate), "pstate");
	if ((pstate & 0xf) != 0x9)
		kl_fail("initial PSTATE 0x%llx is not EL2h", (unsigned long long)pstate);
	kl_set_reg(&vm, CORE_REG(regs.pc), RAM_GPA, "pc");
	kl_set_reg(&vm, CORE_REG(regs.regs[1]), MMIO_GPA, "x1");
	if (kl.verbose)
		fprintf(stderr, "kvm-nv-test: guest code %zu bytes, first word 0x%08x, pc 0x%llx\n", len,
			*(uint32_t *)vm.ram, (unsigned long long)kl_get_reg(&vm, CORE_REG(regs.pc), "pc"));
	if (kl.verbose)
		fprintf(stderr, "kvm-nv-test: %s guest hypervisor: vcpu with EL2 (PSTATE EL2h)\n", vname);
	double t1 = now();

	kl.step = "CurrentEL";
	uint64_t cel = expect_write(R_CURRENTEL, 8);
	if (cel != 8)
		kl_fail("CurrentEL = 0x%llx, expected 0x8 (EL2)", (unsigned long long)cel);
	kl.step = "HCR_EL2";
	uint64_t hcr = expect_write(R_HCR, 8);
	if ((int)(hcr >> 34 & 1) == e2h0)
		kl_fail("HCR_EL2.E2H=%d for the %s variant", (int)(hcr >> 34 & 1), vname);

	kl.step = "L3 MMIO via stage 2";
	uint64_t w = expect_write(R_L3_W, 8);
	if (w != 0x1337)
		kl_fail("L3 wrote 0x%llx, expected 0x1337", (unsigned long long)w);
	expect_read(R_L3_R, 8, 0x1111222233334444ULL);
	w = expect_write(R_L3_ECHO, 8);
	if (w != 0x1111222233334445ULL)
		kl_fail("L3 echoed 0x%llx, expected 0x1111222233334445", (unsigned long long)w);


	kl.step = "stage-2 fault";
	uint64_t esr = expect_write(R_S2F_ESR, 8);
	uint64_t hpfar = expect_write(R_S2F_HPFAR, 8);
	uint64_t far = expect_write(R_S2F_FAR, 8);
	if (esr >> 26 != 0x24 || (esr & 0x3c) != 0x04)
		kl_fail("ESR_EL2=0x%llx, expected a data abort from a lower EL with a translation fault",
		        (unsigned long long)esr);
	if ((hpfar & 0xffffffffff0ULL) != 0x30 || far != 0x3000)  /* FIPA; bit 63 is NS */
		kl_fail("HPFAR_EL2=0x%llx FAR_EL2=0x%llx, expected FIPA 0x30 and 0x3000",
		        (unsigned long long)hpfar, (unsigned long long)far);


	kl.step = "HVC from L3";
	esr = expect_write(R_HVC_ESR, 8);
	uint64_t elr = expect_write(R_HVC_ELR, 8);
	uint64_t spsr = expect_write(R_HVC_SPSR, 8);
	uint64_t want_elr = RAM_GPA + L3_OFFSET + nvg_hvc_off + 4;
	if (esr >> 26 != 0x16 || (esr & 0xffff) != 0x42)
		kl_fail("ESR_EL2=0x%llx, expected HVC64 (EC 0x16) #0x42", (unsigned long long)esr);
	if (elr != want_elr || (spsr & 0xf) != 0x5)
		kl_fail("ELR_EL2=0x%llx SPSR_EL2=0x%llx, expected 0x%llx and EL1h", (unsigned long long)elr,
		        (unsigned long long)spsr, (unsigned long long)want_elr);

	kl.step = "done";
	uint64_t done = expect_write(R_DONE, 8);
	if (done != 0x600d)
		kl_fail("done marker 0x%llx", (unsigned long long)done);
	double t2 = now();
	close(gic);
	kl_vm_destroy(&vm);
	kl_note("%s vEL2: CurrentEL=EL2 E2H=%d, L3 MMIO via stage 2, stage-2 fault, hvc trap, setup %.3f s, "
	     "guest run %.3f s", vname, !e2h0, t1 - t0, t2 - t1);
}
