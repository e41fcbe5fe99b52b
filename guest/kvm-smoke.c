/*
 * kvm-smoke: a static aarch64 program that exercises /dev/kvm inside a guest.
 *
 * Part 1 (always): a VM with one memslot holding a tiny hand-assembled EL1
 * program, one vCPU (KVM_ARM_PREFERRED_TARGET + KVM_ARM_VCPU_INIT with PSCI
 * 0.2), registers set with KVM_SET_ONE_REG. The guest
 *   - writes 4, 8 and 1 byte(s) to an unmapped address (MMIO exits: address,
 *     length and data checked),
 *   - reads 8 and 2 bytes from MMIO (data supplied here) and writes them back
 *     (the 8-byte one incremented, so the guest really computed with it),
 *   - calls PSCI_VERSION with HVC (handled inside KVM) and reports x0,
 *   - calls PSCI SYSTEM_OFF (KVM_EXIT_SYSTEM_EVENT, SHUTDOWN).
 * Part 2 (unless --no-timer): a second VM with an in-kernel GICv3
 * (KVM_DEV_TYPE_ARM_VGIC_V3); the guest sets up the GIC distributor and
 * redistributor, a vector table, programs CNTV_TVAL/CTL and waits in WFI for
 * the virtual timer interrupt (PPI 27), which its IRQ handler acknowledges
 * (ICC_IAR1/EOIR1) and counts; it reports INTID and count through MMIO.
 *
 * Prints one line "kvm-smoke: PASS (...)" or "kvm-smoke: FAIL <reason>",
 * exits 0/1. Build: guest/build-kvm-prog kvm-smoke.
 */
#include "kvmlib.h"

/* --- guest programs: machine-code words (assembled with GNU as, checked
 * with objdump; the assembly is in the comments) ------------------------ */

/* x1 = x19 = MMIO base (set by the host via KVM_SET_ONE_REG); x19 is used
 * after the HVC because SMCCC returns results in x0-x3. */
static const uint32_t prog_mmio[] = {
	0xd297dde2, /* 00 mov  x2, #0xbeef                 */
	0xf2bbd5a2, /* 04 movk x2, #0xdead, lsl #16        */
	0xb9000022, /* 08 str  w2, [x1]        W 4 @+0     */
	0xd2864203, /* 0c mov  x3, #0x3210                 */
	0xf2aeca83, /* 10 movk x3, #0x7654, lsl #16        */
	0xf2d75303, /* 14 movk x3, #0xba98, lsl #32        */
	0xf2ffdb83, /* 18 movk x3, #0xfedc, lsl #48        */
	0xf9000423, /* 1c str  x3, [x1, #8]    W 8 @+8     */
	0x39004023, /* 20 strb w3, [x1, #16]   W 1 @+16    */
	0xf9400c24, /* 24 ldr  x4, [x1, #24]   R 8 @+24    */
	0x91000484, /* 28 add  x4, x4, #1                  */
	0xf9001024, /* 2c str  x4, [x1, #32]   W 8 @+32    */
	0x79405025, /* 30 ldrh w5, [x1, #40]   R 2 @+40    */
	0xb9003025, /* 34 str  w5, [x1, #48]   W 4 @+48    */
	0xd2800000, /* 38 mov  x0, #0                      */
	0xf2b08000, /* 3c movk x0, #0x8400, lsl #16  PSCI_VERSION */
	0xd4000002, /* 40 hvc  #0                          */
	0xf9001e60, /* 44 str  x0, [x19, #56]  W 8 @+56  (HVC returns in x0-x3) */
	0xd2800100, /* 48 mov  x0, #8                      */
	0xf2b08000, /* 4c movk x0, #0x8400, lsl #16  SYSTEM_OFF */
	0xd4000002, /* 50 hvc  #0                          */
	0x14000000, /* 54 b    .                           */
};

/* x1 = MMIO base, x6 = GICD base, x7 = GICR base (RD frame). */
static const uint32_t prog_timer[] = {
	0x10004000, /* 00 adr  x0, .+0x800  (vectors)      */
	0xd518c000, /* 04 msr  vbar_el1, x0                */
	0xd5033fdf, /* 08 isb                              */
	0x52800260, /* 0c mov  w0, #0x13   ARE|EnableGrp1|EnableGrp0 */
	0xb90000c0, /* 10 str  w0, [x6]    GICD_CTLR       */
	0x914040e8, /* 14 add  x8, x7, #0x10, lsl #12  SGI frame */
	0x12800000, /* 18 mov  w0, #0xffffffff             */
	0xb9008100, /* 1c str  w0, [x8, #0x80]  GICR_IGROUPR0 */
	0x52a10000, /* 20 mov  w0, #(1 << 27)              */
	0xb9010100, /* 24 str  w0, [x8, #0x100] GICR_ISENABLER0 */
	0xb90014ff, /* 28 str  wzr, [x7, #0x14] GICR_WAKER  */
	0xd2801fe0, /* 2c mov  x0, #0xff                   */
	0xd5184600, /* 30 msr  icc_pmr_el1, x0             */
	0xd2800020, /* 34 mov  x0, #1                      */
	0xd518cce0, /* 38 msr  icc_igrpen1_el1, x0         */
	0xd5033fdf, /* 3c isb                              */
	0xd2800014, /* 40 mov  x20, #0     irq count       */
	0xd2800015, /* 44 mov  x21, #0     last INTID      */
	0xd53be000, /* 48 mrs  x0, cntfrq_el0              */
	0xd34afc00, /* 4c lsr  x0, x0, #10  (~1 ms)        */
	0xd51be300, /* 50 msr  cntv_tval_el0, x0           */
	0xd2800020, /* 54 mov  x0, #1      ENABLE          */
	0xd51be320, /* 58 msr  cntv_ctl_el0, x0            */
	0xd5033fdf, /* 5c isb                              */
	/* Wait without the lost-wakeup race of "unmask; wfi": the IRQ could be
	 * taken between the two, and the WFI would then sleep for good (the
	 * handler masks the timer).  WFI with IRQs masked still wakes on a
	 * pending interrupt, which is then taken once unmasked. */
	0xd50342df, /* 60 msr  daifset, #2  mask IRQ       */
	0xb50000b4, /* 64 cbnz x20, 78     handled: done   */
	0xd503207f, /* 68 wfi                              */
	0xd50342ff, /* 6c msr  daifclr, #2  take it        */
	0xd5033fdf, /* 70 isb                              */
	0x17fffffb, /* 74 b    60                          */
	0xf9002035, /* 78 str  x21, [x1, #64]  W 8 @+64 INTID */
	0xf9002434, /* 7c str  x20, [x1, #72]  W 8 @+72 count */
	0xd2800100, /* 80 mov  x0, #8                      */
	0xf2b08000, /* 84 movk x0, #0x8400, lsl #16  SYSTEM_OFF */
	0xd4000002, /* 88 hvc  #0                          */
	0x14000000, /* 8c b    .                           */
};

/* at VBAR + 0x080 and + 0x280 (IRQ, current EL with SP0 / SPx) */
static const uint32_t vec_irq[] = {
	0xd538cc09, /* mrs  x9, icc_iar1_el1               */
	0xaa0903f5, /* mov  x21, x9                        */
	0xd280004a, /* mov  x10, #2   IMASK: silence timer */
	0xd51be32a, /* msr  cntv_ctl_el0, x10              */
	0xd518cc29, /* msr  icc_eoir1_el1, x9              */
	0x91000694, /* add  x20, x20, #1                   */
	0xd5033fdf, /* isb                                 */
	0xd69f03e0, /* eret                                */
};

/* every other vector: report ESR_EL1 / ELR_EL1 via MMIO @+80 / @+88 */
static const uint32_t vec_bad[] = {
	0xd5385209, /* mrs  x9, esr_el1                    */
	0xf9002829, /* str  x9, [x1, #80]                  */
	0xd5384029, /* mrs  x9, elr_el1                    */
	0xf9002c29, /* str  x9, [x1, #88]                  */
	0x14000000, /* b    .                              */
};

/* --- host side --------------------------------------------------------- */

/* Run to the next exit; a hang or a KVM_RUN error fails the phase. */
static uint32_t vm_run(struct kl_vm *v, const char *phase)
{
	int r = kl_run(v);
	if (r == -EINTR) {
		uint64_t pc = kl_get_reg(v, CORE_REG(regs.pc), "pc");
		kl_fail("%s: guest did not finish within 60 s (pc=0x%llx)",
			phase, (unsigned long long)pc);
	}
	if (r < 0)
		kl_fail("%s: KVM_RUN: %s", phase, strerror(-r));
	return (uint32_t)r;
}

static const char *exit_name(uint32_t r)
{
	switch (r) {
	case KVM_EXIT_MMIO: return "MMIO";
	case KVM_EXIT_SYSTEM_EVENT: return "SYSTEM_EVENT";
	case KVM_EXIT_HYPERCALL: return "HYPERCALL";
	case KVM_EXIT_FAIL_ENTRY: return "FAIL_ENTRY";
	case KVM_EXIT_INTERNAL_ERROR: return "INTERNAL_ERROR";
	case KVM_EXIT_SHUTDOWN: return "SHUTDOWN";
	default: return "?";
	}
}

/* Expect an MMIO exit; for writes check data, for reads supply it. */
static void expect_mmio(struct kl_vm *v, const char *phase, int is_write,
			uint64_t off, unsigned len, uint64_t data)
{
	uint32_t r = vm_run(v, phase);
	if (r != KVM_EXIT_MMIO)
		kl_fail("%s: expected MMIO exit, got exit %u (%s)", phase, r, exit_name(r));
	struct kvm_run *run = v->run;
	if (run->mmio.phys_addr == MMIO_GPA + 80)
		kl_fail("%s: guest took an unexpected exception, ESR_EL1=0x%llx",
		        phase, (unsigned long long)kl_le_data(run->mmio.data, run->mmio.len));
	if (run->mmio.phys_addr != MMIO_GPA + off || run->mmio.len != len ||
	    !!run->mmio.is_write != !!is_write)
		kl_fail("%s: MMIO %s of %u bytes at 0x%llx, expected %s of %u at 0x%llx",
		        phase, run->mmio.is_write ? "write" : "read", run->mmio.len,
		        (unsigned long long)run->mmio.phys_addr,
		        is_write ? "write" : "read", len,
		        (unsigned long long)(MMIO_GPA + off));
	if (is_write) {
		uint64_t got = kl_le_data(run->mmio.data, len);
		if (got != data)
			kl_fail("%s: MMIO write data 0x%llx, expected 0x%llx", phase,
			        (unsigned long long)got, (unsigned long long)data);
	} else {
		for (unsigned i = 0; i < len; i++)
			run->mmio.data[i] = (uint8_t)(data >> (8 * i));
	}
	if (kl.verbose)
		fprintf(stderr, "kvm-smoke: %s: MMIO %s %u @0x%llx = 0x%llx ok\n",
			phase, is_write ? "W" : "R", len,
			(unsigned long long)(MMIO_GPA + off), (unsigned long long)data);
}

static uint64_t mmio_write_value(struct kl_vm *v, const char *phase, uint64_t off,
				 unsigned len)
{
	uint32_t r = vm_run(v, phase);
	if (r != KVM_EXIT_MMIO)
		kl_fail("%s: expected MMIO exit, got exit %u (%s)", phase, r, exit_name(r));
	struct kvm_run *run = v->run;
	if (run->mmio.phys_addr == MMIO_GPA + 80)
		kl_fail("%s: guest took an unexpected exception, ESR_EL1=0x%llx",
		        phase, (unsigned long long)kl_le_data(run->mmio.data, run->mmio.len));
	if (!run->mmio.is_write || run->mmio.phys_addr != MMIO_GPA + off ||
	    run->mmio.len != len)
		kl_fail("%s: unexpected MMIO %s of %u bytes at 0x%llx", phase,
		        run->mmio.is_write ? "write" : "read", run->mmio.len,
		        (unsigned long long)run->mmio.phys_addr);
	return kl_le_data(run->mmio.data, len);
}

static void expect_system_off(struct kl_vm *v, const char *phase)
{
	uint32_t r = vm_run(v, phase);
	if (r != KVM_EXIT_SYSTEM_EVENT)
		kl_fail("%s: expected SYSTEM_EVENT exit, got exit %u (%s)", phase, r,
		        exit_name(r));
	if (v->run->system_event.type != KVM_SYSTEM_EVENT_SHUTDOWN)
		kl_fail("%s: system event type %u, expected SHUTDOWN",
		        phase, v->run->system_event.type);
}

static void load(struct kl_vm *v, uint64_t off, const uint32_t *w, size_t n)
{
	memcpy(v->ram + off, w, n * sizeof(*w));
}

static void part_mmio(void)
{
	struct kl_vm v;
	const char *ph = "mmio";
	kl_vm_create(&v, 0);
	load(&v, 0, prog_mmio, sizeof(prog_mmio) / 4);
	kl_set_reg(&v, CORE_REG(regs.pc), RAM_GPA, "pc");
	kl_set_reg(&v, CORE_REG(regs.regs[1]), MMIO_GPA, "x1");
	kl_set_reg(&v, CORE_REG(regs.regs[19]), MMIO_GPA, "x19");
	uint64_t pstate = kl_get_reg(&v, CORE_REG(regs.pstate), "pstate");
	if ((pstate & 0xf) != 0x5)
		kl_fail("%s: initial PSTATE 0x%llx is not EL1h", ph,
		        (unsigned long long)pstate);

	expect_mmio(&v, ph, 1, 0, 4, 0xdeadbeefULL);
	expect_mmio(&v, ph, 1, 8, 8, 0xfedcba9876543210ULL);
	expect_mmio(&v, ph, 1, 16, 1, 0x10);
	kl_note("mmio write 4/8/1");
	expect_mmio(&v, ph, 0, 24, 8, 0x0123456789abcdefULL);
	expect_mmio(&v, ph, 1, 32, 8, 0x0123456789abcdf0ULL);
	expect_mmio(&v, ph, 0, 40, 2, 0xa55a);
	expect_mmio(&v, ph, 1, 48, 4, 0xa55a);
	kl_note("mmio read 8/2 echoed");
	uint64_t ver = mmio_write_value(&v, ph, 56, 8);
	unsigned major = (ver >> 16) & 0x7fff, minor = ver & 0xffff;
	if ((ver >> 31) || (major == 0 && minor < 2) || major > 1)
		kl_fail("%s: PSCI_VERSION via HVC returned 0x%llx", ph,
		        (unsigned long long)ver);
	kl_note("psci %u.%u via hvc", major, minor);
	expect_system_off(&v, ph);
	kl_note("system-off");
	kl_vm_destroy(&v);
}

static void part_timer(void)
{
	struct kl_vm v;
	const char *ph = "timer";
	kl_vm_create(&v, 0);
	kl.step = ph; /* vGIC failures read "timer: vGIC ..." */
	int gic = kl_vgic_v3(&v);
	kl.step = NULL;

	load(&v, 0, prog_timer, sizeof(prog_timer) / 4);
	for (unsigned i = 0; i < 16; i++) {
		if (i == 1 || i == 5)
			load(&v, 0x800 + i * 0x80, vec_irq, sizeof(vec_irq) / 4);
		else
			load(&v, 0x800 + i * 0x80, vec_bad, sizeof(vec_bad) / 4);
	}
	kl_set_reg(&v, CORE_REG(regs.pc), RAM_GPA, "pc");
	kl_set_reg(&v, CORE_REG(regs.regs[1]), MMIO_GPA, "x1");
	kl_set_reg(&v, CORE_REG(regs.regs[6]), GICD_GPA, "x6");
	kl_set_reg(&v, CORE_REG(regs.regs[7]), GICR_GPA, "x7");

	uint64_t intid = mmio_write_value(&v, ph, 64, 8);
	uint64_t count = mmio_write_value(&v, ph, 72, 8);
	if (intid != 27)
		kl_fail("timer: IRQ handler saw INTID %llu, expected 27 (virtual timer PPI)",
		        (unsigned long long)intid);
	if (count != 1)
		kl_fail("timer: %llu interrupts taken, expected 1",
		        (unsigned long long)count);
	expect_system_off(&v, ph);
	kl_note("vtimer irq %llu via vgic-v3", (unsigned long long)intid);
	close(gic);
	kl_vm_destroy(&v);
}

int main(int argc, char **argv)
{
	int timer = 1;
	kl.prog = "kvm-smoke";
	kl.sep = ", ";
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--no-timer"))
			timer = 0;
		else if (!strcmp(argv[i], "-v"))
			kl.verbose = 1;
		else {
			fprintf(stderr, "usage: kvm-smoke [--no-timer] [-v]\n");
			return 2;
		}
	}
	kl_open();
	int api = ioctl(kl.kvm_fd, KVM_GET_API_VERSION, 0);
	if (api != KVM_API_VERSION)
		kl_fail("KVM_GET_API_VERSION %d, expected %d", api, KVM_API_VERSION);
	if (ioctl(kl.kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_ARM_PSCI_0_2) <= 0)
		kl_fail("KVM_CAP_ARM_PSCI_0_2 not supported");

	part_mmio();
	if (timer)
		part_timer();
	else
		kl_note("timer skipped");
	kl_pass();
	return 0;
}
