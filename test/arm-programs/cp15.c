/* The ARM926's system control coprocessor as far as the Versatile PB needs it without an
   MMU: ID registers, the control register, translation-table and domain registers read back,
   cache and TLB maintenance accepted, the FCSE PID read, the test-and-clean D-cache loops, and MRC to pc setting
   the flags. */
#include "semihost.h"

#define MRC(crn, crm, op2) ({ u32 v_; __asm__ volatile("mrc p15, 0, %0, c" #crn ", c" #crm ", " #op2 : "=r"(v_)); v_; })
#define MCR(crn, crm, op2, v) __asm__ volatile("mcr p15, 0, %0, c" #crn ", c" #crm ", " #op2 : : "r"(v) : "memory")

static u32 test_clean_loops(void)
{
	u32 n = 0, flags;
	__asm__ volatile(
		"1: add %0, %0, #1\n"
		"   mrc p15, 0, r15, c7, c14, 3\n"
		"   bne 1b\n"
		"   mrc p15, 0, r15, c7, c10, 3\n"
		"   mrs %1, cpsr\n"
		: "+r"(n), "=r"(flags) : : "cc");
	return n | (flags & 0xf0000000);
}

int main(void)
{
	printf("MIDR %08x\n", MRC(0, 0, 0));
	printf("cache type %08x\n", MRC(0, 0, 1));
	u32 sctlr = MRC(1, 0, 0);
	printf("SCTLR %08x\n", sctlr);
	MCR(1, 0, 0, sctlr | (1u << 13));           /* high vectors on */
	printf("SCTLR with V %08x\n", MRC(1, 0, 0));
	MCR(1, 0, 0, sctlr);
	printf("SCTLR restored %08x\n", MRC(1, 0, 0));
	MCR(2, 0, 0, 0x00004000u);
	MCR(3, 0, 0, 0x55555555u);
	printf("TTBR %08x DACR %08x\n", MRC(2, 0, 0), MRC(3, 0, 0));
	MCR(7, 5, 0, 0);   /* invalidate I-cache */
	MCR(7, 6, 0, 0);   /* invalidate D-cache */
	MCR(7, 10, 4, 0);  /* drain write buffer */
	MCR(8, 7, 0, 0);   /* invalidate TLBs */
	/* Only read: a non-zero FCSE PID relocates the code's addresses (not modelled here). */
	printf("FCSE PID %08x\n", MRC(13, 0, 0));
	printf("test-and-clean: %08x\n", test_clean_loops());
	return finish("cp15");
}
