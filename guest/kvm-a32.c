/*
 * kvm-a32: a static aarch64 program that runs a 32-bit (AArch32 EL1) guest
 * through /dev/kvm inside a guest: the nested test of AArch32 at EL1 below
 * an AArch64 EL2 (HCR_EL2.RW = 0).  Needs a CPU whose ID_AA64PFR0_EL1.EL1
 * is 0b0010 (KVM_CAP_ARM_EL1_32BIT).
 *
 * One vCPU with KVM_ARM_VCPU_EL1_32BIT (KVM resets it to SVC mode, CPSR
 * 0x1d3); r11 = MMIO base.  The A32 guest sets VBAR, writes 4 and 1 bytes
 * and reads 4 and 2 bytes of MMIO (KVM emulates them from the data abort's
 * instruction syndrome), reports its CPSR and MIDR, takes an SVC to its own
 * vector (SPSR read there, MOVS PC, LR back), calls PSCI_VERSION and
 * SYSTEM_OFF with HVC.  Any other exception in the guest reports DFSR and
 * LR through MMIO @+80/+84.
 *
 * Prints "kvm-a32: PASS (...)" or "kvm-a32: FAIL <reason>", exits 0/1.
 * Build: guest/build-kvm-prog kvm-a32.
 */
#include "kvmlib.h"

#ifndef KVM_ARM_VCPU_EL1_32BIT
#define KVM_ARM_VCPU_EL1_32BIT 1
#endif
#ifndef KVM_CAP_ARM_EL1_32BIT
#define KVM_CAP_ARM_EL1_32BIT 79
#endif

/* A32, assembled with GNU as (arm-linux-gnueabihf), checked with objdump. */
static const uint32_t prog[] = {
    0xe3008800, /*   0: movw r8, #2048 */
    0xe3418000, /*   4: movt r8, #4096 */
    0xee0c8f10, /*   8: mcr 15, 0, r8, cr12, cr0, {0} */
    0xf57ff06f, /*   c: isb sy */
    0xe30b2eef, /*  10: movw r2, #48879 */
    0xe34d2ead, /*  14: movt r2, #57005 */
    0xe58b2000, /*  18: str r2, [fp] */
    0xe5cb2010, /*  1c: strb r2, [fp, #16] */
    0xe59b4018, /*  20: ldr r4, [fp, #24] */
    0xe2844001, /*  24: add r4, r4, #1 */
    0xe58b4020, /*  28: str r4, [fp, #32] */
    0xe1db52b8, /*  2c: ldrh r5, [fp, #40] */
    0xe58b5030, /*  30: str r5, [fp, #48] */
    0xe10f6000, /*  34: mrs r6, CPSR */
    0xe58b6034, /*  38: str r6, [fp, #52] */
    0xee107f10, /*  3c: mrc 15, 0, r7, cr0, cr0, {0} */
    0xe58b7038, /*  40: str r7, [fp, #56] */
    0xef000077, /*  44: svc 0x00000077 */
    0xe58b903c, /*  48: str r9, [fp, #60] */
    0xe3000000, /*  4c: movw r0, #0 */
    0xe3480400, /*  50: movt r0, #33792 */
    0xe1400070, /*  54: hvc 0 */
    0xe58b0040, /*  58: str r0, [fp, #64] */
    0xe3000008, /*  5c: movw r0, #8 */
    0xe3480400, /*  60: movt r0, #33792 */
    0xe1400070, /*  64: hvc 0 */
    0xeafffffe, /*  68: b 68 <.text+0x68> */
};

/* At RAM_GPA + 0x800 (VBAR): SVC -> read SPSR into r9, return; others report. */
static const uint32_t vec[] = {
    0xeafffffe, /*   0: b 0 <svc-0x20> */
    0xeafffffe, /*   4: b 4 <svc-0x1c> */
    0xea000004, /*   8: b 20 <svc> */
    0xea000005, /*   c: b 28 <bad> */
    0xea000004, /*  10: b 28 <bad> */
    0xeafffffe, /*  14: b 14 <svc-0xc> */
    0xea000002, /*  18: b 28 <bad> */
    0xea000001, /*  1c: b 28 <bad> */
    0xe14f9000, /*  20: mrs r9, SPSR */
    0xe1b0f00e, /*  24: movs pc, lr */
    0xee159f10, /*  28: mrc 15, 0, r9, cr5, cr0, {0} */
    0xe58b9050, /*  2c: str r9, [fp, #80] */
    0xe1a0900e, /*  30: mov r9, lr */
    0xe58b9054, /*  34: str r9, [fp, #84] */
    0xeafffffe, /*  38: b 38 <bad+0x10> */
};

static uint32_t vm_run(struct kl_vm *v)
{
	int r = kl_run(v);
	if (r == -EINTR)
		kl_fail("guest did not finish within 60 s (pc=0x%llx)",
		        (unsigned long long)kl_get_reg(v, CORE_REG(regs.pc), "pc"));
	if (r < 0)
		kl_fail("KVM_RUN: %s", strerror(-r));
	return (uint32_t)r;
}

/* The next exit is MMIO at off: check a write's data, or supply a read's. */
static uint64_t mmio(struct kl_vm *v, int is_write, uint64_t off, unsigned len, uint64_t data)
{
	uint32_t r = vm_run(v);
	if (r != KVM_EXIT_MMIO)
		kl_fail("expected an MMIO exit at +%llu, got exit %u", (unsigned long long)off, r);
	struct kvm_run *run = v->run;
	if (run->mmio.phys_addr == MMIO_GPA + 80)
		kl_fail("the guest took an unexpected exception: DFSR 0x%llx",
		        (unsigned long long)kl_le_data(run->mmio.data, run->mmio.len));
	if (run->mmio.phys_addr != MMIO_GPA + off || run->mmio.len != len || !!run->mmio.is_write != !!is_write)
		kl_fail("MMIO %s of %u at 0x%llx, expected %s of %u at +%llu",
		        run->mmio.is_write ? "write" : "read", run->mmio.len,
		        (unsigned long long)run->mmio.phys_addr, is_write ? "write" : "read", len,
		        (unsigned long long)off);
	if (is_write)
		return kl_le_data(run->mmio.data, len);
	for (unsigned i = 0; i < len; i++)
		run->mmio.data[i] = (uint8_t)(data >> (8 * i));
	return 0;
}

static void expect(const char *what, uint64_t got, uint64_t want)
{
	if (got != want)
		kl_fail("%s: 0x%llx, expected 0x%llx", what, (unsigned long long)got, (unsigned long long)want);
}

int main(int argc, char **argv)
{
	kl.prog = "kvm-a32";
	kl.sep = ", ";
	if (argc > 1 && !strcmp(argv[1], "-v"))
		kl.verbose = 1;
	kl_open();
	if (ioctl(kl.kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_ARM_EL1_32BIT) <= 0)
		kl_fail("KVM_CAP_ARM_EL1_32BIT not supported (no AArch32 EL1)");
	struct kl_vm v;
	kl_vm_create(&v, 1u << KVM_ARM_VCPU_EL1_32BIT);
	memcpy(v.ram, prog, sizeof(prog));
	memcpy(v.ram + 0x800, vec, sizeof(vec));
	kl_set_reg(&v, CORE_REG(regs.pc), RAM_GPA, "pc");
	kl_set_reg(&v, CORE_REG(regs.regs[11]), MMIO_GPA, "r11");
	uint64_t cpsr = kl_get_reg(&v, CORE_REG(regs.pstate), "pstate");
	expect("reset CPSR", cpsr, 0x1d3);

	expect("MMIO write 4", mmio(&v, 1, 0, 4, 0), 0xdeadbeef);
	expect("MMIO write 1", mmio(&v, 1, 16, 1, 0), 0xef);
	mmio(&v, 0, 24, 4, 0x12345678);
	expect("MMIO read 4 + 1", mmio(&v, 1, 32, 4, 0), 0x12345679);
	mmio(&v, 0, 40, 2, 0xa55a);
	expect("MMIO read 2", mmio(&v, 1, 48, 4, 0), 0xa55a);
	kl_note("a32 mmio ok");
	expect("guest CPSR", mmio(&v, 1, 52, 4, 0), 0x1d3);
	uint64_t midr = mmio(&v, 1, 56, 4, 0);
	kl_note("midr 0x%llx", (unsigned long long)midr);
	expect("SPSR_svc seen by the SVC handler", mmio(&v, 1, 60, 4, 0), 0x1d3);
	kl_note("svc to the guest's vector");
	uint64_t ver = mmio(&v, 1, 64, 4, 0);
	if ((ver >> 16) != 1 && ver != 2)   /* PSCI 1.x, or 0.2 */
		kl_fail("PSCI_VERSION via HVC: 0x%llx", (unsigned long long)ver);
	kl_note("psci 0x%llx via hvc", (unsigned long long)ver);
	uint32_t r = vm_run(&v);
	if (r != KVM_EXIT_SYSTEM_EVENT || v.run->system_event.type != KVM_SYSTEM_EVENT_SHUTDOWN)
		kl_fail("expected SYSTEM_OFF, got exit %u", r);
	kl_note("system-off");
	kl_vm_destroy(&v);
	(void)kl_vgic_v3;   /* kvmlib.h: no vGIC here */
	kl_pass();
	return 0;
}
